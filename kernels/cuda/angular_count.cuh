/* SPDX-License-Identifier: BSD-3-Clause */
/* The counting engine of the GPU GLCM and GLRLM (kernels/cuda/glcm.cu, kernels/cuda/glrlm.cu): one integer
 * matrix per angle, counted from the level index volume of host/features/angular_classes.h (0..n-1 inside the
 * ROI, -1 outside), by a per-voxel operation Op that each class writes with its rules header
 * (kernels/rules/glcm_rules.h, kernels/rules/glrlm_rules.h):
 *
 *   struct Op { __host__ __device__ void voxel(const int32_t *li, const long long dims[3], long long z,
 *               long long y, long long x, int level, const int *angle, int a, uint32_t *m) const; }
 *
 * called for every ROI voxel (level = its level index) and every angle (a: index among all the
 * angles, angle: its (dz, dy, dx)); it adds its counts to the angle's matrix m with radx_ang_add1
 * (atomicAdd).  voxel() is __host__ __device__, so the operation can be checked on a CPU by
 * calling it for every voxel in a loop.
 *
 * Accumulation (after the histogram sample of cuda-samples): the blocks of grid row y count a
 * group of consecutive angles.  When a group's matrices fit in the block's shared memory
 * (48 KiB, or the opt-in maximum for a single matrix: 227 KiB on H100), each block counts into
 * its private shared copy and adds its non-zero cells to the global matrices at the end; otherwise
 * every count is a global atomicAdd.  Integer counts: the result does not depend on the order.
 *
 * Device memory: the level index (4 bytes per box voxel), the angles, and the matrices of as many
 * angles at a time as fit in the free device memory (at least one, else RADX_ERR_NOMEM); each
 * batch is downloaded into the caller's host buffer before the next is counted.
 *
 * Tiles (Op::tiles): when that does not fit, the box is counted in z-slabs (kernels/rules/tile_rules.h).
 * An Op with Op::carry (GLRLM: runs cross slabs) also gets two carry planes of halo slices per
 * angle through op.at_slab(c0, c1, carry_in, carry_out, plane, abase) before every launch (slab
 * k reads what slab k - 1 wrote), and slabs of at least halo centre slices. */
#ifndef RADX_ANGULAR_COUNT_CUH
#define RADX_ANGULAR_COUNT_CUH

#include <cuda_runtime.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "features/angular_classes.h"
#include "cuda/cuda_check.cuh"
#include "cuda/device_mem.cuh"
#include "rules/texture_rules.h"
#include "rules/tile_rules.h"

#define RADX_ANG_BLOCK        256         /* threads per block */
#define RADX_ANG_GROUP_MAX    64          /* angles one block counts */
#define RADX_ANG_SMEM_DEFAULT (48 * 1024) /* shared memory a block gets without opting in */
#define RADX_ANG_STATIC_SMEM  (3 * RADX_ANG_GROUP_MAX * sizeof(int))
#define RADX_ANG_MEM_RESERVE  ((size_t)256 << 20) /* device memory left to others */

/* Adds 1 to a matrix cell: atomically on the device; plainly on the host, where the per-voxel
 * operations run only in single-threaded emulation (checks of the rules without a GPU). */
static __host__ __device__ __forceinline__ void radx_ang_add1(uint32_t *cell)
{
#ifdef __CUDA_ARCH__
    atomicAdd(cell, 1u);
#else
    (*cell)++;
#endif
}

/* One launch over all ROI voxels for angles [abase, abase + na) of the batch: grid (bx, ngroups),
 * group angles per grid row; cnt: the batch's na matrices of ncell cells. */
template <class Op, bool SHARED>
static __global__ void __launch_bounds__(RADX_ANG_BLOCK)
    radx_angular_count_kernel(Op op, const int32_t *__restrict__ li, long long nz, long long ny, long long nx,
                              int64_t v0, int64_t v1, const int *__restrict__ angles, int abase, int na, int group,
                              size_t ncell, uint32_t *__restrict__ cnt)
{
    extern __shared__ uint32_t s_cnt[];
    __shared__ int s_ang[3 * RADX_ANG_GROUP_MAX];
    const int a0 = (int)blockIdx.y * group;
    const int ga = min(group, na - a0);
    if (ga <= 0) return; /* uniform over the block */
    for (int t = threadIdx.x; t < 3 * ga; t += blockDim.x) s_ang[t] = angles[3 * a0 + t];
    if (SHARED)
        for (size_t t = threadIdx.x; t < (size_t)ga * ncell; t += blockDim.x) s_cnt[t] = 0u;
    __syncthreads();

    uint32_t *m = SHARED ? s_cnt : cnt + (size_t)a0 * ncell;
    const long long dims[3] = {nz, ny, nx};
    for (int64_t v = v0 + (int64_t)blockIdx.x * blockDim.x + threadIdx.x; v < v1;
         v += (int64_t)blockDim.x * gridDim.x) {
        const int level = li[v];
        if (level < 0) continue;
        const long long x = v % nx, r = v / nx, y = r % ny, z = r / ny;
        for (int k = 0; k < ga; k++)
            op.voxel(li, dims, z, y, x, level, s_ang + 3 * k, abase + a0 + k, m + (size_t)k * ncell);
    }

    if (SHARED) {
        __syncthreads();
        uint32_t *g = cnt + (size_t)a0 * ncell;
        for (size_t t = threadIdx.x; t < (size_t)ga * ncell; t += blockDim.x) {
            const uint32_t c = s_cnt[t];
            if (c) atomicAdd(g + t, c);
        }
    }
}

/* How the counting kernel accumulates (radx_cuda's angular_mode; tests force the two paths). */
#define RADX_ANG_AUTO   0 /* shared-memory matrices when one fits in a block's shared memory, else global */
#define RADX_ANG_SHARED 1 /* shared memory only (RADX_ERR_ARG when a matrix does not fit) */
#define RADX_ANG_GLOBAL 2 /* global-memory atomics only */

/* The level index on the device from the device copies of the level and ROI boxes, by the rule
 * radx_tex_level_index uses on the host (kernels/rules/texture_rules.h). */
static __global__ void radx_ang_level_index_kernel(const int32_t *__restrict__ gl, const uint8_t *__restrict__ roi,
                                                   const int32_t *__restrict__ lut, int64_t n, int32_t *__restrict__ li)
{
    for (int64_t v = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; v < n; v += (int64_t)blockDim.x * gridDim.x)
        li[v] = radx_tex_level_index_of(roi[v], gl[v], lut);
}

/* d_li from the device copies of g's source boxes when the backend has both; 0 when it did
 * (queued on s) with *done = 1; *done = 0 when the caller must upload g->li.  lut:
 * radx_tex_level_map of the n present levels g->vals. */
static inline cudaError_t radx_ang_level_index_on_device(radx_dev::dmem *mem, const radx_angular_prep *g, size_t nvox,
                                                         int32_t *d_li, cudaStream_t s, int *done)
{
    *done = 0;
    if (!g->d_gl || !g->d_roi || g->n < 1 || !g->vals) return cudaSuccess;
    const void *r_gl = g->d_gl, *r_roi = g->d_roi;
    const int top = (int)g->vals[g->n - 1];
    int32_t *lut = (int32_t *)malloc(((size_t)top + 1) * sizeof *lut);
    if (!lut) return cudaSuccess; /* upload g->li instead */
    radx_tex_level_map(g->vals, g->n, lut, top);
    void *d_lut = NULL;
    const int was_oom = radx_dev::oom();
    cudaError_t e = radx_dev::upload(mem, lut, ((size_t)top + 1) * sizeof *lut, &d_lut);
    if (e == cudaErrorMemoryAllocation) { /* no room for the table: upload g->li instead */
        cudaGetLastError();
        if (!was_oom) radx_dev::clear_oom(); /* recovered: not a shortage the backend must act on */
        free(lut);
        return cudaSuccess;
    }
    if (e == cudaSuccess) e = cudaStreamSynchronize(s); /* lut is pageable host memory: free it after */
    free(lut);
    if (e != cudaSuccess) return e;
    radx_ang_level_index_kernel<<<radx_dev::grid_for((int64_t)nvox), RADX_DEV_BLOCK, 0, s>>>(
        (const int32_t *)r_gl, (const uint8_t *)r_roi, (const int32_t *)d_lut, (int64_t)nvox, d_li);
    e = cudaGetLastError();
    if (e == cudaSuccess) *done = 1;
    return e;
}

/* Launch shape of one batch. */
typedef struct radx_ang_shape {
    int shared;  /* shared-memory privatisation */
    int group;   /* angles per grid row */
    int ngroups; /* grid rows */
    size_t smem; /* dynamic shared memory per block */
} radx_ang_shape;

/* Chooses the accumulation for matrices of ncell cells and na angles; returns -1 when mode is
 * RADX_ANG_SHARED and one matrix does not fit in shared memory. */
static inline int radx_ang_choose(size_t ncell, int na, int mode, int optin, radx_ang_shape *sh)
{
    const size_t per = ncell * sizeof(uint32_t);
    const size_t stat = RADX_ANG_STATIC_SMEM;
    int group = na < RADX_ANG_GROUP_MAX ? na : RADX_ANG_GROUP_MAX;
    memset(sh, 0, sizeof *sh);
    if (mode != RADX_ANG_GLOBAL && optin > 0 && per + stat <= (size_t)optin) {
        size_t fit = (RADX_ANG_SMEM_DEFAULT - stat) / per; /* without opting in */
        if (fit < 1) fit = 1;
        if (fit < (size_t)group) group = (int)fit;
        sh->shared = 1;
    } else if (mode == RADX_ANG_SHARED) {
        return -1;
    }
    if (group < 1) group = 1;
    sh->ngroups = (na + group - 1) / group;
    sh->group = (na + sh->ngroups - 1) / sh->ngroups; /* balanced groups */
    sh->smem = sh->shared ? (size_t)sh->group * per : 0;
    return 0;
}

/* Counts the batch [abase, abase + na) into d_cnt on stream s, for the centre voxels [v0, v1) of
 * the box dims that d_li holds (the whole box, or a slab of it: kernels/rules/tile_rules.h); zeroes
 * d_cnt first when zero is set (else adds to it: the next slab). */
template <class Op>
static cudaError_t radx_ang_launch(const Op &op, const int32_t *d_li, const long long dims[3], int64_t v0, int64_t v1,
                                   const int *d_angles, int abase, int na, size_t ncell, const radx_ang_shape *sh,
                                   int sms, int zero, uint32_t *d_cnt, cudaStream_t s)
{
    typedef void (*kernel_t)(Op, const int32_t *, long long, long long, long long, int64_t, int64_t, const int *, int,
                             int, int, size_t, uint32_t *);
    kernel_t kern = sh->shared ? radx_angular_count_kernel<Op, true> : radx_angular_count_kernel<Op, false>;
    cudaError_t e = zero ? cudaMemsetAsync(d_cnt, 0, (size_t)na * ncell * sizeof(uint32_t), s) : cudaSuccess;
    if (e != cudaSuccess) return e;
    if (sh->smem + RADX_ANG_STATIC_SMEM > RADX_ANG_SMEM_DEFAULT) {
        e = cudaFuncSetAttribute(kern, cudaFuncAttributeMaxDynamicSharedMemorySize, (int)sh->smem);
        if (e != cudaSuccess) return e;
    }
    int per_sm = 0;
    e = cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm, kern, RADX_ANG_BLOCK, sh->smem);
    if (e != cudaSuccess) return e;
    if (per_sm < 1) per_sm = 1;
    const long long nvox = (long long)(v1 - v0);
    if (nvox <= 0) return cudaSuccess;
    /* enough blocks to fill the device once, no more than one voxel per thread, and (shared)
     * at least two voxels per cell merged so the merge stays below the counting */
    long long bx = ((long long)sms * per_sm + sh->ngroups - 1) / sh->ngroups;
    const long long by_vox = (nvox + RADX_ANG_BLOCK - 1) / RADX_ANG_BLOCK;
    if (bx > by_vox) bx = by_vox;
    if (sh->shared) {
        const long long by_merge = nvox / (2 * (long long)ncell);
        if (bx > by_merge) bx = by_merge;
    }
    if (bx < 1) bx = 1;
    if (bx > 0x7fffffffLL) bx = 0x7fffffffLL;
    kern<<<dim3((unsigned)bx, (unsigned)sh->ngroups), RADX_ANG_BLOCK, sh->smem, s>>>(
        op, d_li, dims[0], dims[1], dims[2], v0, v1, d_angles + 3 * (size_t)abase, abase, na, sh->group, ncell, d_cnt);
    return cudaGetLastError();
}

/* The whole count: uploads g's level index and angles, counts every angle (in batches that fit
 * the device memory) into the host buffer cnt (g->na * g->ncell).  With d_flags_host not NULL,
 * op gets a zeroed device array of g->na ints (set_flags(op, ptr) stores it) that is downloaded
 * into d_flags_host at the end (GLRLM's multiElement flags).  cls names the class in messages. */
template <class Op>
static radx_status radx_ang_count(const char *cls, radx_cuda *cu, const radx_angular_prep *g, Op op,
                                  void (*set_flags)(Op *, int *), int *flags_host, int mode, uint32_t *cnt,
                                  int *tiled_out, radx_err *err)
{
    cudaStream_t s = cu->stream;
    const size_t nvox = (size_t)g->dims[0] * (size_t)g->dims[1] * (size_t)g->dims[2];
    const size_t per = g->ncell * sizeof(uint32_t);
    const int na = g->na;
    int32_t *d_li = NULL;
    int *d_angles = NULL, *d_flags = NULL;
    uint32_t *d_cnt = NULL;
    int32_t *d_carry[2] = {NULL, NULL};
    const char *what = "";
    cudaError_t e = cudaSuccess;
    radx_status st = RADX_OK;
    int dev = 0, sms = 1, optin = 0, batch = 0;
    radx_ang_shape sh;
    size_t freeb = 0;
    const int64_t nz = (int64_t)g->dims[0], nxy = (int64_t)g->dims[1] * (int64_t)g->dims[2];
    const size_t slice = (size_t)nxy * sizeof(int32_t);
    int64_t slab_t = 0; /* centre slices per slab; nz: the whole box at once */
    int halo = 0, tiles = 0;
    radx_dev::dmem mem;
    memset(&mem, 0, sizeof mem);

    if (tiled_out) *tiled_out = 0;
    if (na <= 0) return RADX_OK;
    if (!cnt || !g->li || !g->angles) return radx_seterr(err, RADX_ERR_ARG, "%s (CUDA): NULL argument", cls);
    RADX_CUDA_TRY_GOTO(radx_dev::dmem_init(&mem, cu));
    RADX_CUDA_TRY_GOTO(cudaGetDevice(&dev));
    RADX_CUDA_TRY_GOTO(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, dev));
    RADX_CUDA_TRY_GOTO(cudaDeviceGetAttribute(&optin, cudaDevAttrMaxSharedMemoryPerBlockOptin, dev));
    if (radx_ang_choose(g->ncell, na, mode, optin, &sh) != 0) {
        st = radx_seterr(err, RADX_ERR_ARG, "%s (CUDA): a %zu-cell matrix does not fit in %d bytes of shared memory",
                         cls, g->ncell, optin);
        goto done;
    }

    /* device memory: the level index, the angles, the flags, then as many matrices as fit in
     * the budget and the device (kernels/cuda/device_mem.cuh).  When the whole level index and one
     * matrix do not fit, a class whose rule allows it (Op::tiles) counts the box in z-slabs
     * (kernels/rules/tile_rules.h): as many matrices as fit in half of what is left, slabs as thick
     * as the rest allows. */
    freeb = radx_dev::available(cu);
    {
        const size_t fixed = nvox * sizeof(int32_t) + (size_t)na * 4 * sizeof(int) + RADX_ANG_MEM_RESERVE;
        const size_t avail = freeb > fixed ? freeb - fixed : 0;
        if (avail >= per) {
            const size_t fit = avail / per;
            batch = fit < (size_t)na ? (int)fit : na;
            slab_t = nz;
        } else if (Op::tiles) {
            const size_t rsv = RADX_ANG_MEM_RESERVE < freeb / 4 ? RADX_ANG_MEM_RESERVE : freeb / 4;
            const size_t small = (size_t)na * 4 * sizeof(int) + rsv;
            const size_t left = freeb > small ? freeb - small : 0;
            halo = radx_slab_halo(g->angles, na);
            /* per angle: its matrix, and (Op::carry) two carry planes of halo slices */
            const size_t per_a = per + (Op::carry ? 2 * (size_t)halo * slice : 0);
            size_t fit = left / 2 / per_a;
            batch = fit < 1 ? 1 : (fit < (size_t)na ? (int)fit : na);
            slab_t = (size_t)batch * per_a <= left ? radx_slab_fit(nz, halo, slice, left - (size_t)batch * per_a) : 0;
            if (slab_t == 0 && batch > 1) {
                batch = 1;
                slab_t = per_a <= left ? radx_slab_fit(nz, halo, slice, left - per_a) : 0;
            }
            /* a carried run's next voxel must lie among the next slab's centres */
            if (Op::carry && slab_t < halo) slab_t = 0;
        }
        if (slab_t == 0) {
            radx_dev::note_oom(); /* the backend then runs the stage on the CPU */
            st = radx_seterr(err, RADX_ERR_NOMEM,
                             "%s (CUDA): %d gray levels need %.0f MiB per angle matrix and %.0f MiB for the volume; "
                             "radx may still use %.0f MiB of the GPU",
                             cls, g->n, (double)per / 1048576.0, (double)(nvox * sizeof(int32_t)) / 1048576.0,
                             (double)freeb / 1048576.0);
            goto done;
        }
    }
    {
        RADX_CUDA_TRY_GOTO(radx_dev::dalloc(&mem, &d_li, (size_t)radx_slab_held(nz, slab_t, halo) * (size_t)nxy));
    }
    RADX_CUDA_TRY_GOTO(radx_dev::dalloc(&mem, &d_angles, (size_t)na * 3));
    RADX_CUDA_TRY_GOTO(radx_dev::dalloc(&mem, (char **)&d_cnt, (size_t)batch * per));
    if (Op::carry && slab_t < nz && halo > 0)
        for (int c = 0; c < 2; c++)
            RADX_CUDA_TRY_GOTO(radx_dev::dalloc(&mem, &d_carry[c], (size_t)batch * (size_t)halo * (size_t)nxy));
    if (slab_t >= nz) { /* the whole box at once */
        int on_device = 0;
        RADX_CUDA_TRY_GOTO(radx_ang_level_index_on_device(&mem, g, nvox, d_li, s, &on_device));
        if (!on_device)
            RADX_CUDA_TRY_GOTO(cudaMemcpyAsync(d_li, g->li, nvox * sizeof(int32_t), cudaMemcpyHostToDevice, s));
    }
    RADX_CUDA_TRY_GOTO(cudaMemcpyAsync(d_angles, g->angles, (size_t)na * 3 * sizeof(int), cudaMemcpyHostToDevice, s));
    if (flags_host) {
        RADX_CUDA_TRY_GOTO(radx_dev::dalloc(&mem, &d_flags, (size_t)na));
        RADX_CUDA_TRY_GOTO(cudaMemsetAsync(d_flags, 0, (size_t)na * sizeof(int), s));
        set_flags(&op, d_flags);
    }
    for (int a0 = 0; a0 < na; a0 += batch) {
        const int nb = na - a0 < batch ? na - a0 : batch;
        radx_ang_shape bsh;
        if (radx_ang_choose(g->ncell, nb, mode, optin, &bsh) != 0) bsh = sh; /* cannot fail: checked above */
        if (slab_t >= nz) {
            if constexpr (Op::carry) op.at_slab(0, nz, NULL, NULL, 0, a0);
            RADX_CUDA_TRY_GOTO(radx_ang_launch(op, d_li, g->dims, 0, (int64_t)nvox, d_angles, a0, nb, g->ncell, &bsh,
                                               sms, 1, d_cnt, s));
        } else { /* slab after slab into the same matrices; each slab's level index from the host */
            for (int64_t k = 0; k < radx_slab_count(nz, slab_t); k++) {
                const radx_slab b = radx_slab_at(nz, slab_t, halo, k);
                const long long ldims[3] = {(long long)(b.hi - b.lo), g->dims[1], g->dims[2]};
                /* slab k reads the carries slab k - 1 wrote and writes the other plane */
                if constexpr (Op::carry)
                    op.at_slab(b.z0 - b.lo, b.z1 - b.lo, d_carry[(k + 1) & 1], d_carry[k & 1], (long long)halo * nxy,
                               a0);
                RADX_CUDA_TRY_GOTO(cudaMemcpyAsync(d_li, g->li + (size_t)b.lo * (size_t)nxy,
                                                   (size_t)(b.hi - b.lo) * (size_t)nxy * sizeof(int32_t),
                                                   cudaMemcpyHostToDevice, s));
                RADX_CUDA_TRY_GOTO(radx_ang_launch(op, d_li, ldims, (b.z0 - b.lo) * nxy, (b.z1 - b.lo) * nxy, d_angles,
                                                   a0, nb, g->ncell, &bsh, sms, k == 0, d_cnt, s));
            }
            tiles++;
        }
        RADX_CUDA_TRY_GOTO(
            cudaMemcpyAsync(cnt + (size_t)a0 * g->ncell, d_cnt, (size_t)nb * per, cudaMemcpyDeviceToHost, s));
    }
    if (flags_host)
        RADX_CUDA_TRY_GOTO(cudaMemcpyAsync(flags_host, d_flags, (size_t)na * sizeof(int), cudaMemcpyDeviceToHost, s));
    RADX_CUDA_TRY_GOTO(cudaStreamSynchronize(s));
    if (tiles) radx_cuda_note_tiled(cu);
    if (tiled_out) *tiled_out = tiles > 0;

done:
    if (e != cudaSuccess) {
        cudaStreamSynchronize(s); /* nothing of ours may still run when the buffers go */
        cudaGetLastError();       /* clear a non-sticky error */
        st = radx_seterr(err, e == cudaErrorMemoryAllocation ? RADX_ERR_NOMEM : RADX_ERR_DEVICE,
                         "%s (CUDA): %s failed: %s", cls, what, cudaGetErrorString(e));
    }
    radx_dev::dfree_all(&mem);
    return st;
}

#endif
