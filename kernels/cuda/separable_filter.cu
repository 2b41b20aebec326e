/* SPDX-License-Identifier: BSD-3-Clause */
/* IBSI-2's Laws filter on the GPU: for every rotation the CPU's convolution passes
 * (kernels/rules/separable_rules.h, which host/cpu/separable_filter.c calls) along x, y and (3-D) z, one
 * thread per voxel, in double; the rotations pooled in a device buffer, the energy map by the mean
 * filter's passes; the result as float32 in the output's device copy.  The rotations and the
 * rotated kernels are the CPU's (radx_right_angle_rotations). */
#include <cuda_runtime.h>
#include <stdint.h>

#include "cpu/separable_filter.h"
#include "rules/separable_rules.h"
#include "cuda/cuda_check.cuh"
#include "cuda/stages.h"
#include "cuda/device_mem.cuh"

namespace
{
struct kern {
    double w[RADX_SEP_MAX_TAPS];
    int len;
};

__global__ void conv_pass(int dt, const void *__restrict__ src, int64_t nx, int64_t ny, int64_t nz, int a, kern k,
                          int bc, double *__restrict__ dst)
{
    const int64_t size[3] = {nx, ny, nz}, n = nx * ny * nz;
    for (int64_t v = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; v < n; v += (int64_t)blockDim.x * gridDim.x)
        dst[v] = radx_conv_pass_voxel(dt, src, size, a, k.w, k.len, (radx_log_boundary)bc, v % nx, (v / nx) % ny,
                                      v / (nx * ny));
}

/* pool = r (first), or pooled with it (max, mean's sum, min); abs: |pool| (before the energy) */
__global__ void pool_step(const double *__restrict__ r, double *__restrict__ pool, int64_t n, int first, int pooling)
{
    for (int64_t v = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; v < n; v += (int64_t)blockDim.x * gridDim.x)
        pool[v] = first                      ? r[v]
                  : pooling == RADX_POOL_MAX ? fmax(pool[v], r[v])
                  : pooling == RADX_POOL_MIN ? fmin(pool[v], r[v])
                                             : pool[v] + r[v];
}

__global__ void finish(double *__restrict__ pool, int64_t n, double scale, int absolute)
{
    for (int64_t v = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; v < n; v += (int64_t)blockDim.x * gridDim.x)
        pool[v] = absolute ? fabs(pool[v] * scale) : pool[v] * scale;
}

__global__ void mean_pass(const double *__restrict__ src, int64_t nx, int64_t ny, int64_t nz, int a, int m, int bc,
                          double *__restrict__ dst)
{
    const int64_t size[3] = {nx, ny, nz}, n = nx * ny * nz;
    for (int64_t v = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; v < n; v += (int64_t)blockDim.x * gridDim.x)
        dst[v] = radx_mean_pass_voxel(RADX_DT_F64, src, size, a, m, (radx_log_boundary)bc, v % nx, (v / nx) % ny,
                                      v / (nx * ny));
}

__global__ void to_float(const double *__restrict__ x, int64_t n, float *__restrict__ y)
{
    for (int64_t v = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; v < n; v += (int64_t)blockDim.x * gridDim.x)
        y[v] = (float)x[v];
}
} // namespace

radx_status radx_cuda_separable_filter(radx_cuda *cu, const radx_volbuf *in, const radx_sep_spec *s, radx_volbuf *out,
                                       radx_err *err)
{
    const radx_geom *g = &in->g;
    const int64_t n = radx_geom_nvox(g), nx = g->size[0], ny = g->size[1], nz = g->size[2];
    const void *d_x = radx_cuda_dev_read(cu, in->buf);
    float *d_y = d_x ? (float *)radx_cuda_dev_write(cu, out->buf, 1) : NULL;
    radx_dev::dmem dm;
    double *t = NULL, *r = NULL, *pool = NULL;
    cudaError_t e = radx_dev::dmem_init(&dm, cu);
    if (e == cudaSuccess && d_y) e = radx_dev::dalloc(&dm, &t, (size_t)n);
    if (e == cudaSuccess && d_y) e = radx_dev::dalloc(&dm, &r, (size_t)n);
    if (e == cudaSuccess && d_y) e = radx_dev::dalloc(&dm, &pool, (size_t)n);
    if (!d_x || !d_y || e == cudaErrorMemoryAllocation) {
        radx_dev::dfree_all(&dm);
        radx_dev::note_oom();
        return radx_seterr(err, RADX_ERR_NOMEM, "separable filter (CUDA): out of GPU memory for its image");
    }
    int perm[24][3], sign[24][3];
    const int nrot = radx_separable_rotations(s, perm, sign);
    const int grid = radx_dev::grid_for(n);
    cudaStream_t st = cu->stream;
    double *bufs[2] = {t, r};
    for (int q = 0; q < nrot && e == cudaSuccess; q++) {
        const void *cur = d_x;
        int dt = in->dtype, which = (s->nstage * s->nk) % 2; /* as rotated_response in host/cpu/separable_filter.c */
        for (int stg = 0; stg < s->nstage; stg++)
            for (int o = 0; o < s->nk; o++) {
                int a = 0;
                while (perm[q][a] != o) a++;
                kern k;
                k.len = s->len[stg][a];
                for (int i = 0; i < k.len; i++) k.w[i] = sign[q][a] > 0 ? s->k[stg][a][i] : s->k[stg][a][k.len - 1 - i];
                conv_pass<<<grid, RADX_DEV_BLOCK, 0, st>>>(dt, cur, nx, ny, nz, o, k, s->boundary, bufs[which]);
                cur = bufs[which];
                dt = RADX_DT_F64;
                which ^= 1;
            }
        pool_step<<<grid, RADX_DEV_BLOCK, 0, st>>>(r, pool, n, q == 0, s->pooling);
        e = cudaGetLastError();
    }
    if (e == cudaSuccess) {
        finish<<<grid, RADX_DEV_BLOCK, 0, st>>>(pool, n, s->pooling == RADX_POOL_MEAN ? 1.0 / nrot : 1.0,
                                                s->delta >= 0);
        double *x = pool, *y = t;
        for (int a = 0; s->delta >= 0 && a < s->nk; a++) { /* the energy map's box, axis by axis */
            mean_pass<<<grid, RADX_DEV_BLOCK, 0, st>>>(x, nx, ny, nz, a, 2 * s->delta + 1, s->boundary, y);
            double *tmp = x;
            x = y;
            y = tmp;
        }
        to_float<<<grid, RADX_DEV_BLOCK, 0, st>>>(x, n, d_y);
        e = cudaGetLastError();
    }
    if (e == cudaSuccess) e = cudaStreamSynchronize(st);
    radx_dev::dfree_all(&dm);
    if (e != cudaSuccess) return radx_dev::cuda_status(e, "separable filter (CUDA)", "the Laws filter's passes", err);
    out->g = in->g;
    out->dtype = RADX_DT_F32;
    return RADX_OK;
}
