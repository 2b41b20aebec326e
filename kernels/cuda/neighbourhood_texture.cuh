/* SPDX-License-Identifier: BSD-3-Clause */
/* Device plumbing shared by the GPU matrix builders of GLSZM, GLDM and NGTDM (kernels/cuda/glszm.cu,
 * gldm.cu, ngtdm.cu; host functions in kernels/cuda/neighbourhood_texture.cu).  No per-voxel rule lives here:
 * those are the kernels/<class>_rules.h functions the CPU path calls too.  Here (buffers, uploads,
 * error mapping and launch sizes come from kernels/cuda/device_mem.cuh): the privatised histogram of (gray level index, size) cells and its compaction into the host's
 * sparse matrix (same entries, same order as radx_szm_aggregate's dense branch), and the
 * stream compaction by flags (an inclusive scan, CUB).
 *
 * Sizes: flat voxel indices are int64_t in the loops; labels, flags and scan positions are
 * uint32_t, so a box must have fewer than 2^32 - 1 voxels (radx reads at most 2^31). */
#ifndef RADX_NBTEX_CUDA_CUH
#define RADX_NBTEX_CUDA_CUH

#include <cuda_runtime.h>
#include <stdint.h>

#include "cuda/device_mem.cuh"
#include "cuda/stages.h"
#include "core/error.h"
#include "features/size_matrix.h"
#include "features/texture_common.h"
#include "rules/tile_rules.h"

#define RADX_NBTEX_BLOCK      RADX_DEV_BLOCK /* threads per block (grid_for sizes grids for it) */
#define RADX_NBTEX_SMEM_CELLS 12288          /* 48 KiB of uint32 counts: largest block-private histogram */

namespace radx_nbtex
{

using namespace radx_dev; /* dmem, dalloc, upload, cuda_status, grid_for, sm_count */

/* The box on the device. */
struct dbox {
    const int32_t *gl;
    const uint8_t *roi;
};
cudaError_t upload_box(dmem *m, const radx_cuda_box *in, int64_t nvox, dbox *b);

/* Tiles (kernels/rules/tile_rules.h): a box whose level and ROI boxes do not fit on the device is
 * processed in z-slabs holding each slab's centre slices and the halo of the neighbourhood's
 * largest |dz| (nh->margin[0]); every voxel rule runs unchanged on the slab's neighbourhood. */
struct slabs {
    int64_t nz, nxy; /* the box: slices, voxels per slice */
    int64_t t;       /* centre slices per slab; nz: the whole box at once; 0: not even one fits */
    int h;           /* halo slices */
};
/* The whole box when its 5 bytes (level, ROI) plus per_voxel more bytes per voxel and `fixed`
 * bytes fit in what radx may still use on the device, else the thickest slabs that do.  Device
 * copies of the level and ROI boxes that the backend already has count as there. */
slabs plan_slabs(const radx_cuda *cu, const radx_cuda_box *in, const radx_tex_nbhd *nh, size_t per_voxel, size_t fixed);
/* Slab k of the plan (the whole box when p.t >= p.nz), and how many there are. */
static inline radx_slab slab_k(const slabs &p, int64_t k)
{
    return p.t >= p.nz ? radx_slab_at(p.nz, p.nz, 0, 0) : radx_slab_at(p.nz, p.t, p.h, k);
}
static inline int64_t slab_count(const slabs &p) { return p.t >= p.nz ? 1 : radx_slab_count(p.nz, p.t); }
/* The level and ROI boxes the kernels read (b): the whole box (device-resident when held), or
 * buffers for the thickest slab (gl, roi; NULL for the whole box) that load_slab fills. */
struct dslabs {
    dbox b;
    int32_t *gl;
    uint8_t *roi;
};
cudaError_t box_or_slabs(dmem *m, const radx_cuda_box *in, int64_t nvox, const slabs &p, dslabs *d);
/* Copies slab sb's slices [lo, hi) into d's buffers (nothing for the whole box). */
cudaError_t load_slab(cudaStream_t st, const radx_cuda_box *in, const slabs &p, const radx_slab &sb, dslabs *d);
/* The neighbourhood of slab b (radx_slab_nbhd, kernels/rules/tile_rules.h). */
static inline radx_tex_nbhd slab_nbhd(const radx_tex_nbhd &nh, const radx_slab &b) { return radx_slab_nbhd(nh, b); }
/* The neighbourhood h with its offsets on the device (*d's off and flat are device pointers;
 * dims, na and margin as in h). */
cudaError_t upload_nbhd(dmem *m, const radx_tex_nbhd *h, radx_tex_nbhd *d);

/* In place inclusive scan of n flags (0/1); *total = their sum (synchronises the stream). */
cudaError_t scan_flags(dmem *m, uint32_t *flags, int64_t n, uint32_t *total);
/* The same in two steps, for scans repeated in a loop (one buffer of m, not one per scan):
 * scan_temp allocates CUB's scratch for up to n items, scan_flags_with scans with it. */
cudaError_t scan_temp(dmem *m, int64_t n, void **tmp, size_t *bytes);
cudaError_t scan_flags_with(dmem *m, void *tmp, size_t bytes, uint32_t *flags, int64_t n, uint32_t *total);

/* The non-zero cells of the dense ngp x (jmax + 1) histogram h on the device, as host entries
 * (gi = cell / (jmax + 1), j = cell % (jmax + 1), count) in cell order, which is the order of
 * radx_szm_aggregate's dense branch; out->jmax = jmax, out->nz = nz.  *host_nomem = 1 when the
 * host allocation failed (then the return is cudaSuccess and *out is empty). */
cudaError_t hist_to_sparse(dmem *m, const unsigned long long *h, int64_t ngp, int64_t jmax, int64_t nz,
                           radx_szm_sparse *out, int *host_nomem);

/* Histogram of items: f(v) gives, for item v in [0, n), its cell in [0, ncell) or -1 for none.
 * Block-private uint32 counts in shared memory when the histogram has at most
 * RADX_NBTEX_SMEM_CELLS cells (merged with one global atomic per non-zero cell and block),
 * global 64-bit atomics otherwise.  h: ncell zeroed counts. */
template <class F>
static __global__ void hist_kernel(F f, int64_t n, int64_t ncell, int priv, unsigned long long *__restrict__ h)
{
    extern __shared__ unsigned int radx_nbtex_sh[];
    if (priv) {
        for (int64_t i = threadIdx.x; i < ncell; i += blockDim.x) radx_nbtex_sh[i] = 0u;
        __syncthreads();
    }
    for (int64_t v = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; v < n; v += (int64_t)blockDim.x * gridDim.x) {
        const int64_t cell = f(v);
        if (cell < 0) continue;
        if (priv)
            atomicAdd(radx_nbtex_sh + cell, 1u);
        else
            atomicAdd(h + cell, 1ull);
    }
    if (priv) {
        __syncthreads();
        for (int64_t i = threadIdx.x; i < ncell; i += blockDim.x)
            if (radx_nbtex_sh[i]) atomicAdd(h + i, (unsigned long long)radx_nbtex_sh[i]);
    }
}

template <class F>
static inline cudaError_t launch_hist(cudaStream_t st, F f, int64_t n, int64_t ncell, unsigned long long *h)
{
    const int priv = ncell <= RADX_NBTEX_SMEM_CELLS;
    int grid = grid_for(n);
    if (priv) {
        /* few blocks: each merges its whole private histogram */
        const int cap = 4 * sm_count();
        if (grid > cap) grid = cap;
    }
    hist_kernel<F>
        <<<grid, RADX_NBTEX_BLOCK, priv ? (size_t)ncell * sizeof(unsigned int) : 0, st>>>(f, n, ncell, priv, h);
    return cudaGetLastError();
}

/* flags[v] = 1 for the ROI voxels, else 0. */
cudaError_t roi_flags(cudaStream_t st, const uint8_t *roi, int64_t nvox, uint32_t *flags);

/* Grid-stride loop helpers: the voxel (z, y, x) of flat index v. */
static __device__ __forceinline__ void zyx_of(int64_t v, const int64_t *dims, int64_t *z, int64_t *y, int64_t *x)
{
    const int64_t t = v / dims[2];
    *x = v - t * dims[2];
    *z = t / dims[1];
    *y = t - *z * dims[1];
}

} // namespace radx_nbtex

#endif
