/* SPDX-License-Identifier: BSD-3-Clause */
/* Device memory for every CUDA stage (kernels/cuda/device_mem.cu), and the CUDA backend's
 * context (radx_cuda, at the end), which every stage gets.
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
 *     first plan, or RADX_CUDA_MEMORY_MIB from the environment (and a plan's own budget, if
 *     set).  A request over the budget fails as an out-of-memory error would, and the stage runs
 *     in tiles, or the backend declines it and the CPU runs it for that case
 *     (kernels/cuda/backend_cuda.cu): a case too big for the device is computed, not refused;
 *   - each plan's peak is kept and reported (radx_plan_device_stats, printed by the CLI).
 * No per-voxel rule lives here. */
#ifndef RADX_DEVICE_MEM_CUH
#define RADX_DEVICE_MEM_CUH

#include <cuda_runtime.h>
#include <stdint.h>

#include "backend/backend.h"
#include "backend/mirror.h"
#include "core/error.h"

#define RADX_DEV_BLOCK    256 /* threads per block of the grid-stride helpers (a multiple of 32) */
#define RADX_DEV_MAX_BUFS 32  /* buffers one call may hold */

struct radx_cuda;
struct radx_cufft_cache;

namespace radx_dev
{

/* The device buffers of one call, freed together by dfree_all on every path. */
struct dmem {
    void *p[RADX_DEV_MAX_BUFS];
    size_t bytes[RADX_DEV_MAX_BUFS];
    int n;
    int async; /* 1: cudaMallocAsync / cudaFreeAsync on st */
    cudaStream_t st;
    radx_cuda *cu; /* whose budget and statistics the buffers count in */
};
/* Starts *m on cu's stream (queries the device once). */
cudaError_t dmem_init(dmem *m, radx_cuda *cu);
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
/* d when it is not NULL (a device copy a buffer already has), else an upload of h. */
cudaError_t upload_unless(dmem *m, const void *d, const void *h, size_t bytes, const void **out);
/* Page-locked host memory from a pool kept across cases (one per backend context): blocks are
 * reused best-fit; at most RADX_HOST_POOL_BLOCKS blocks and RADX_HOST_POOL_MAX_BYTES pinned, and
 * the whole process (pools and slots) at most RADX_CUDA_PINNED_MIB, or a quarter of the physical
 * memory; beyond that, or when pinning fails, ordinary memory. */
#define RADX_HOST_POOL_BLOCKS    16
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

/* Long-lived buffers outside a dmem (buffers' device copies, cuFFT work areas): counted against
 * the same budgets. */
cudaError_t persistent_alloc(radx_cuda *cu, void **ptr, size_t bytes);
void persistent_free(radx_cuda *cu, void *ptr, size_t bytes);

/* Device out-of-memory seen by this thread since clear_oom (the budget or the driver refused an
 * allocation): the backend then runs the stage on the CPU. */
void clear_oom(void);
void note_oom(void);
int oom(void);

/* Bytes a new request of cu may still take: the smallest of the budgets left and the device's
 * free memory. */
size_t available(const radx_cuda *cu);

/* RADX_ERR_NOMEM for an allocation failure ("out of GPU memory"), else RADX_ERR_DEVICE, naming
 * the stage and the call; clears a non-sticky CUDA error. */
radx_status cuda_status(cudaError_t e, const char *stage, const char *what, radx_err *err);

/* Blocks for a grid-stride loop over n items (at least 1, at most 32 per SM). */
int grid_for(int64_t n);
/* Streaming multiprocessors of the current device (1 when unknown). */
int sm_count(void);

/* The budget radx keeps within on the device (all plans). */
unsigned long long budget(void);

/* The callbacks of cu's buffers (host/backend/mirror.h): device copies from the budgets, host
 * copies from cu's page-locked pool, copies on cu's stream. */
radx_mirror_dev mirror_dev(radx_cuda *cu);

} // namespace radx_dev

/* One CUDA backend context (a plan's): its stream, buffers, page-locked host pool, cuFFT plans,
 * and what it counts for radx_plan_device_stats.  Used by one thread at a time. */
struct radx_cuda {
    cudaStream_t stream;
    radx_mirror_set bufs;
    radx_dev::host_pool pool;
    radx_cufft_cache *fft;
    unsigned long long in_use, peak; /* device bytes this plan holds now, and at most */
    unsigned long long own_budget;   /* 0: only the process's budget */
    long long fallbacks, tiled;
    unsigned long long narrow_saved;
    int angular_mode; /* GLCM / GLRLM accumulation: RADX_ANG_AUTO, or one forced (tests) */
};

/* A stage that ran in tiles, and bytes that crossed narrower than their type. */
static inline void radx_cuda_note_tiled(radx_cuda *cu) { cu->tiled++; }
static inline void radx_cuda_note_narrow_saved(radx_cuda *cu, unsigned long long bytes) { cu->narrow_saved += bytes; }

/* A buffer's device copy for reading (uploaded at its first use), or NULL when the device has no
 * room (the caller then uploads what it needs itself, tiles, or runs out of memory). */
static inline const void *radx_cuda_dev_read(radx_cuda *cu, radx_buf *b)
{
    char *d = b ? radx_mirror_dev_read(&cu->bufs, (radx_mirror *)b->impl) : NULL;
    return d ? d + b->off : NULL;
}
/* A buffer's device copy for writing (whole: every byte); its host copy is then out of date. */
static inline void *radx_cuda_dev_write(radx_cuda *cu, radx_buf *b, int whole)
{
    char *d = radx_mirror_dev_write(&cu->bufs, (radx_mirror *)b->impl, whole && !b->view);
    return d ? d + b->off : NULL;
}
/* A buffer's host copy for reading (downloaded if the device alone holds the contents). */
static inline const void *radx_cuda_host_read(radx_cuda *cu, radx_buf *b)
{
    char *h = b ? radx_mirror_host_read(&cu->bufs, (radx_mirror *)b->impl) : NULL;
    return h ? h + b->off : NULL;
}
/* A buffer's host copy for writing; its device copy is then out of date. */
static inline void *radx_cuda_host_write(radx_cuda *cu, radx_buf *b, int whole)
{
    char *h = radx_mirror_host_write(&cu->bufs, (radx_mirror *)b->impl, whole && !b->view);
    return h ? h + b->off : NULL;
}
/* A buffer's host copy, made if needed, for a stage that writes the same contents into both
 * copies and then calls radx_cuda_both_written (no transfer, no change of which copy holds what);
 * NULL for a view. */
static inline void *radx_cuda_host_copy(radx_cuda *cu, radx_buf *b)
{
    radx_mirror *m = (radx_mirror *)b->impl;
    if (b->view) return NULL; /* both copies must hold the whole storage */
    return radx_mirror_host_alloc(&cu->bufs, m) == 0 && m->h_own ? m->h + b->off : NULL;
}
/* 1 when the buffer's device copy holds its contents already. */
static inline int radx_cuda_on_device(const radx_buf *b)
{
    const radx_mirror *m = b ? (const radx_mirror *)b->impl : NULL;
    return m && m->d && m->d_ok;
}
/* After a stage wrote the same contents into the buffer's host and device copies. */
static inline void radx_cuda_both_written(radx_buf *b) { radx_mirror_both_written((radx_mirror *)b->impl); }

#endif
