/* SPDX-License-Identifier: BSD-3-Clause */
/* PyRadiomics' Gradient image type on the GPU: the CPU's rule (kernels/rules/gradient_rules.h,
 * which host/cpu/gradient.c calls) at every voxel, from the image's device copy into the output's. */
#include <cuda_runtime.h>
#include <stdint.h>

#include "rules/gradient_rules.h"
#include "cuda/cuda_check.cuh"
#include "cuda/stages.h"
#include "cuda/device_mem.cuh"

static __global__ void gradient_kernel(int dt, const void *__restrict__ x, int64_t nx, int64_t ny, int64_t nz, int nd,
                                       double c0, double c1, double c2, float *__restrict__ y)
{
    const int64_t size[3] = {nx, ny, nz};
    const double c[3] = {c0, c1, c2};
    const int64_t n = nx * ny * nz;
    for (int64_t v = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; v < n; v += (int64_t)blockDim.x * gridDim.x)
        y[v] = radx_gradient_voxel(dt, x, size, nd, c, v % nx, (v / nx) % ny, v / (nx * ny));
}

radx_status radx_cuda_gradient(radx_cuda *cu, const radx_volbuf *in, int use_spacing, radx_volbuf *out, radx_err *err)
{
    const radx_geom *g = &in->g;
    const void *d_x = radx_cuda_dev_read(cu, in->buf);
    float *d_y = d_x ? (float *)radx_cuda_dev_write(cu, out->buf, 1) : NULL;
    if (!d_x || !d_y) {
        radx_dev::note_oom();
        return radx_seterr(err, RADX_ERR_NOMEM, "gradient (CUDA): out of GPU memory for its image");
    }
    double c[3];
    for (int a = 0; a < 3; a++) c[a] = radx_gradient_coefficient(g->spacing[a], use_spacing);
    const int64_t n = radx_geom_nvox(g);
    gradient_kernel<<<radx_dev::grid_for(n), RADX_DEV_BLOCK, 0, cu->stream>>>(
        in->dtype, d_x, g->size[0], g->size[1], g->size[2], g->ndim == 2 ? 2 : 3, c[0], c[1], c[2], d_y);
    cudaError_t e = cudaGetLastError();
    if (e == cudaSuccess) e = cudaStreamSynchronize(cu->stream);
    if (e != cudaSuccess) return radx_dev::cuda_status(e, "gradient (CUDA)", "the gradient kernel", err);
    out->g = in->g;
    out->dtype = RADX_DT_F32;
    return RADX_OK;
}
