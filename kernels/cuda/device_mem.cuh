/* SPDX-License-Identifier: BSD-3-Clause */
/* Device memory for every CUDA stage (kernels/cuda/device_mem.cu).
 *
 * One allocator, so that device memory is reused across the cases of a cohort, bounded, and
 * reported:
 *   - buffers are stream-ordered (cudaMallocAsync / cudaFreeAsync on the plan's stream) when the
 *     device has memory pools, and the default pool keeps freed memory up to the budget instead
 *     of returning it to the driver (cudaMemPoolAttrReleaseThreshold), so a cohort's second and
 *     later cases get their buffers from the pool without a driver allocation or a device-wide
 *     synchronisation (as the CUDA samples' streamOrderedAllocation shows, and as PyTorch's
 *     caching allocator does by hand);
 *   - every byte radx asks for is counted against a budget: 90 % of the device's memory at the
 *     first plan, or RADX_CUDA_MEMORY_MIB from the environment.  A request over the budget fails
 *     as an out-of-memory error would, and the backend then runs that stage on the CPU for that
 *     case (kernels/cuda/backend_cuda.cu), so a case too big for the device is computed, not refused;
 *   - the peak is kept and reported (radx_cuda_memory_stats, printed by the CLI).
 * No per-voxel rule lives here. */
#ifndef RADX_DEVICE_MEM_CUH
#define RADX_DEVICE_MEM_CUH

#include <cuda_runtime.h>
#include <stdint.h>

#include "core/radx_internal.h"
#include "backend/resident.h"

#define RADX_DEV_BLOCK 256    /* threads per block of the grid-stride helpers (a multiple of 32) */
#define RADX_DEV_MAX_BUFS 32  /* buffers one call may hold */

namespace radx_dev {

/* The device buffers of one call, freed together by dfree_all on every path. */
struct dmem {
    void *p[RADX_DEV_MAX_BUFS];
    size_t bytes[RADX_DEV_MAX_BUFS];
    int n;
    int async; /* 1: cudaMallocAsync / cudaFreeAsync on st */
    cudaStream_t st;
};
/* Starts *m on stream st (queries the device once). */
cudaError_t dmem_init(dmem *m, cudaStream_t st);
/* cudaErrorMemoryAllocation when the budget or the device is exhausted. */
cudaError_t dmalloc_bytes(dmem *m, void **ptr, size_t bytes);
template <class T> static inline cudaError_t dalloc(dmem *m, T **ptr, size_t count)
{
    void *q = NULL;
    cudaError_t e = dmalloc_bytes(m, &q, (count > 0 ? count : 1) * sizeof(T));
    *ptr = (T *)q;
    return e;
}
/* Frees every buffer of m after the stream's pending work, and returns when they are free. */
void dfree_all(dmem *m);
/* A copy of host memory h on the device. */
cudaError_t upload(dmem *m, const void *h, size_t bytes, void **d);
/* The same for a stage that only reads *d: when the calling op's backend holds h (residency,
 * host/backend/resident.h), *d is the device-resident copy and nothing is copied; else as upload. */
cudaError_t upload_ro(dmem *m, const void *h, size_t bytes, const void **d);

/* Residency: the backend sets the residency of the context an op runs for (resident_scope),
 * so that upload_ro, resident and keep find it.  NULL: none. */
void set_resident(radx_resident *r);
/* The device copy of held host range h (uploaded now at its first use), or NULL. */
const void *resident(const void *h, size_t bytes);
/* The device copy of h only if it exists already (nothing uploaded or counted), or NULL. */
const void *resident_peek(const void *h, size_t bytes);
/* A stage that wrote host range h from device buffer d of m offers d to the residency: when h is
 * held, d leaves m (dfree_all no longer frees it) and stays as h's device copy.  1 when taken. */
int keep(dmem *m, void *d, const void *h, size_t bytes);
/* The same for a stage that wrote h only on the device: the host copy is stale until
 * materialized (host/backend/resident.h), so the caller skips the download.  1 when taken. */
int keep_stale(dmem *m, void *d, const void *h, size_t bytes);
/* Before a stage reads host range h itself (not through upload_ro / resident: tiles, chunks): brings
 * its host copy up to date when it is a stale held range.  0, or -1 when that download failed
 * (the host copy is then not to be read). */
int host_ready(const void *h);
/* Device hooks for a residency on stream st: buffers from the same budget and pool. */
radx_resident_dev resident_dev(cudaStream_t *st);
struct resident_scope {
    explicit resident_scope(radx_resident *r) { set_resident(r); }
    ~resident_scope() { set_resident(NULL); }
};
/* Page-locked host memory from a pool kept across cases (one per backend context): blocks are
 * reused best-fit; at most RADX_HOST_POOL_BLOCKS blocks and RADX_HOST_POOL_MAX_BYTES pinned, and
 * the whole process (pools and slots) at most RADX_CUDA_PINNED_MIB, or a quarter of the physical
 * memory; beyond that, or when pinning fails, ordinary memory. */
#define RADX_HOST_POOL_BLOCKS 16
#define RADX_HOST_POOL_MAX_BYTES ((size_t)2 << 30)
struct host_pool {
    void *p[RADX_HOST_POOL_BLOCKS];
    size_t cap[RADX_HOST_POOL_BLOCKS];
    bool used[RADX_HOST_POOL_BLOCKS];
    int n;
    size_t pinned_bytes;
};
void *host_pool_alloc(host_pool *hp, size_t bytes);
void host_pool_free(host_pool *hp, void *p);
void host_pool_clear(host_pool *hp); /* frees every block (none may be in use) */

/* Pinned (page-locked) host memory for results coming back from the device: slot k (0..3) of
 * the calling thread, grown to at least `bytes` and kept for the thread's next cases, so a
 * download is one DMA straight into memory the host code then reads, with no driver bounce
 * copy and no cudaHostAlloc per case.  Falls back to ordinary memory when pinning fails
 * (the copy is then staged by the driver).  NULL only when no memory at all is left.  Valid
 * until the same thread asks for the same slot again. */
#define RADX_PINNED_SLOTS 4
void *pinned(int slot, size_t bytes);

/* Long-lived buffers outside a dmem (the cuFFT work areas of cached plans): counted against
 * the same budget. */
cudaError_t persistent_alloc(void **ptr, size_t bytes);
void persistent_free(void *ptr, size_t bytes);

/* Device out-of-memory seen by this thread since clear_oom (the budget or the driver refused an
 * allocation): the backend then runs the stage on the CPU. */
void clear_oom(void);
void note_oom(void);
int oom(void);

/* Bytes a new request may still take: the smaller of the budget left and the device's free
 * memory. */
size_t available(void);

/* RADX_ERR_NOMEM for an allocation failure ("out of GPU memory"), else RADX_ERR_DEVICE, naming
 * the stage and the call; clears a non-sticky CUDA error. */
radx_status cuda_status(cudaError_t e, const char *stage, const char *what, radx_err *err);

/* Blocks for a grid-stride loop over n items (at least 1, at most 32 per SM). */
int grid_for(int64_t n);
/* Streaming multiprocessors of the current device (1 when unknown). */
int sm_count(void);

} // namespace radx_dev

/* Add to radx_cuda_memory_stats' resident_bytes_saved and tiled_stages. */
void radx_cuda_note_resident_saved(unsigned long long bytes);
void radx_cuda_note_tiled(void);
/* Add to radx_cuda_memory_stats' download_bytes_saved. */
void radx_cuda_note_download_saved(unsigned long long bytes);
/* Add to radx_cuda_memory_stats' narrow_bytes_saved. */
void radx_cuda_note_narrow_saved(unsigned long long bytes);

#endif
