/* SPDX-License-Identifier: BSD-3-Clause */
/* IBSI-2's mean filter on the GPU: the CPU's passes (kernels/rules/separable_rules.h, which
 * host/cpu/mean_filter.c calls) along x, y and (3-D) z, one thread per voxel, in double in two
 * device work buffers, the last pass stored as float32 in the output's device copy. */
#include <cuda_runtime.h>
#include <stdint.h>

#include "rules/separable_rules.h"
#include "cuda/cuda_check.cuh"
#include "cuda/stages.h"
#include "cuda/device_mem.cuh"

namespace
{
/* One pass along axis a; to double dst, or (last) to float dstf. */
__global__ void mean_pass(int dt, const void *__restrict__ src, int64_t nx, int64_t ny, int64_t nz, int a, int support,
                          int bc, double *__restrict__ dst, float *__restrict__ dstf)
{
    const int64_t size[3] = {nx, ny, nz}, n = nx * ny * nz;
    for (int64_t v = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; v < n; v += (int64_t)blockDim.x * gridDim.x) {
        const double m = radx_mean_pass_voxel(dt, src, size, a, support, (radx_log_boundary)bc, v % nx, (v / nx) % ny,
                                              v / (nx * ny));
        if (dstf)
            dstf[v] = (float)m;
        else
            dst[v] = m;
    }
}
} // namespace

radx_status radx_cuda_mean_filter(radx_cuda *cu, const radx_volbuf *in, const radx_mean_spec *s, radx_volbuf *out,
                                  radx_err *err)
{
    const radx_geom *g = &in->g;
    const int64_t n = radx_geom_nvox(g);
    if (s->support < 1 || s->support % 2 == 0)
        return radx_seterr(err, RADX_ERR_PARAM, "setting 'meanSupport': %d must be an odd number of voxels >= 1",
                           s->support);
    const void *d_x = radx_cuda_dev_read(cu, in->buf);
    float *d_y = d_x ? (float *)radx_cuda_dev_write(cu, out->buf, 1) : NULL;
    radx_dev::dmem dm;
    double *a = NULL, *b = NULL;
    cudaError_t e = radx_dev::dmem_init(&dm, cu);
    if (e == cudaSuccess && d_y) e = radx_dev::dalloc(&dm, &a, (size_t)n);
    if (e == cudaSuccess && d_y) e = radx_dev::dalloc(&dm, &b, (size_t)n);
    if (!d_x || !d_y || e == cudaErrorMemoryAllocation) {
        radx_dev::dfree_all(&dm);
        radx_dev::note_oom();
        return radx_seterr(err, RADX_ERR_NOMEM, "mean filter (CUDA): out of GPU memory for its image");
    }
    const int axes = g->ndim == 2 || s->in_plane ? 2 : 3;
    const int grid = radx_dev::grid_for(n);
    mean_pass<<<grid, RADX_DEV_BLOCK, 0, cu->stream>>>(in->dtype, d_x, g->size[0], g->size[1], g->size[2], 0,
                                                       s->support, s->boundary, a, NULL);
    mean_pass<<<grid, RADX_DEV_BLOCK, 0, cu->stream>>>(RADX_DT_F64, a, g->size[0], g->size[1], g->size[2], 1,
                                                       s->support, s->boundary, b, axes == 2 ? d_y : NULL);
    if (axes == 3)
        mean_pass<<<grid, RADX_DEV_BLOCK, 0, cu->stream>>>(RADX_DT_F64, b, g->size[0], g->size[1], g->size[2], 2,
                                                           s->support, s->boundary, NULL, d_y);
    if (e == cudaSuccess) e = cudaGetLastError();
    if (e == cudaSuccess) e = cudaStreamSynchronize(cu->stream);
    radx_dev::dfree_all(&dm);
    if (e != cudaSuccess) return radx_dev::cuda_status(e, "mean filter (CUDA)", "the mean filter's passes", err);
    out->g = in->g;
    out->dtype = RADX_DT_F32;
    return RADX_OK;
}
