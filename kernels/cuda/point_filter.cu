/* SPDX-License-Identifier: BSD-3-Clause */
/* PyRadiomics' point filters on the GPU, with the CPU's rules (kernels/rules/point_filter_rules.h,
 * which host/cpu/point_filter.c calls): max |x| over the image's device copy, then every voxel's
 * value into the output's device copy; Logarithm takes the largest |value| the same way and
 * scales.  The maxima come from atomicMax on the bit patterns of |x|: non-negative doubles order
 * as their bits do, and a NaN (sign cleared) beats every number, as numpy's max propagates it. */
#include <cuda_runtime.h>
#include <stdint.h>
#include <string.h>

#include "rules/point_filter_rules.h"
#include "rules/roi_rules.h"
#include "cuda/cuda_check.cuh"
#include "cuda/stages.h"
#include "cuda/device_mem.cuh"

static __global__ void max_abs_kernel(int dt, const void *__restrict__ x, int64_t n, unsigned long long *m)
{
    double local = 0;
    for (int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (int64_t)blockDim.x * gridDim.x) {
        const double v = fabs(radx_value_at(dt, x, i));
        if (v > local || v != v) local = v;
        if (local != local) break;
    }
    atomicMax(m, (unsigned long long)__double_as_longlong(local));
}

static __global__ void filter_kernel(int dt, const void *__restrict__ x, int64_t n, radx_point_filter f, double c,
                                     double *__restrict__ y)
{
    for (int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (int64_t)blockDim.x * gridDim.x)
        y[i] = radx_pf_value(f, radx_value_at(dt, x, i), c);
}

static __global__ void scale_kernel(double *__restrict__ y, int64_t n, double s)
{
    for (int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (int64_t)blockDim.x * gridDim.x)
        y[i] = y[i] * s;
}

/* max |x| of n values of type dt on the device (d_m: a device word for the bits). */
static cudaError_t max_abs(cudaStream_t s, int dt, const void *x, int64_t n, unsigned long long *d_m, double *out)
{
    unsigned long long bits = 0;
    cudaError_t e = cudaMemsetAsync(d_m, 0, sizeof bits, s);
    if (e == cudaSuccess) {
        max_abs_kernel<<<radx_dev::grid_for(n), RADX_DEV_BLOCK, 0, s>>>(dt, x, n, d_m);
        e = cudaGetLastError();
    }
    if (e == cudaSuccess) e = cudaMemcpyAsync(&bits, d_m, sizeof bits, cudaMemcpyDeviceToHost, s);
    if (e == cudaSuccess) e = cudaStreamSynchronize(s);
    memcpy(out, &bits, sizeof *out);
    return e;
}

radx_status radx_cuda_point_filter(radx_cuda *cu, const radx_volbuf *in, radx_point_filter f, radx_volbuf *out,
                                   radx_err *err)
{
    cudaStream_t s = cu->stream;
    const int64_t n = radx_geom_nvox(&in->g);
    const void *d_x = radx_cuda_dev_read(cu, in->buf);
    double *d_y = d_x ? (double *)radx_cuda_dev_write(cu, out->buf, 1) : NULL;
    if (!d_x || !d_y) {
        radx_dev::note_oom();
        return radx_seterr(err, RADX_ERR_NOMEM, "point filter (CUDA): out of GPU memory for its image");
    }
    radx_dev::dmem mem;
    unsigned long long *d_m = NULL;
    double m = 0, my = 0;
    const char *what = "cudaGetDevice";
    cudaError_t e = radx_dev::dmem_init(&mem, cu);
    if (e != cudaSuccess) goto done;
    what = "the maximum";
    RADX_CUDA_TRY_GOTO(radx_dev::dalloc(&mem, &d_m, 1));
    RADX_CUDA_TRY_GOTO(max_abs(s, in->dtype, d_x, n, d_m, &m));
    what = "the filter kernel";
    filter_kernel<<<radx_dev::grid_for(n), RADX_DEV_BLOCK, 0, s>>>(in->dtype, d_x, n, f, radx_pf_coefficient(f, m),
                                                                   d_y);
    RADX_CUDA_TRY_GOTO(cudaGetLastError());
    if (f == RADX_PF_LOGARITHM) {
        RADX_CUDA_TRY_GOTO(max_abs(s, RADX_DT_F64, d_y, n, d_m, &my));
        scale_kernel<<<radx_dev::grid_for(n), RADX_DEV_BLOCK, 0, s>>>(d_y, n, m / my);
        RADX_CUDA_TRY_GOTO(cudaGetLastError());
    }
    RADX_CUDA_TRY_GOTO(cudaStreamSynchronize(s));
    out->g = in->g;
    out->dtype = RADX_DT_F64;
done:
    radx_dev::dfree_all(&mem);
    return e == cudaSuccess ? RADX_OK : radx_dev::cuda_status(e, "point filter (CUDA)", what, err);
}
