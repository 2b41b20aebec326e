/* SPDX-License-Identifier: BSD-3-Clause */
/* One pass of PyRadiomics' Wavelet image type on the GPU: the CPU's rule (kernels/rules/
 * wavelet_rules.h, which host/cpu/wavelet.c calls) at every output voxel, from the input
 * sub-band's device copy into the output's.  The pass's tables (input positions and
 * coefficients, a few per output position along each axis) are uploaded for the call; the
 * sub-bands stay on the device from pass to pass and on into the feature stages. */
#include <cuda_runtime.h>
#include <stdint.h>

#include "rules/wavelet_rules.h"
#include "cuda/cuda_check.cuh"
#include "cuda/stages.h"
#include "cuda/device_mem.cuh"

static __global__ void wavelet_kernel(radx_wavelet_pass w, const void *__restrict__ x, void *__restrict__ y)
{
    const int64_t nx = w.out_dims[0], ny = w.out_dims[1], n = nx * ny * w.out_dims[2];
    for (int64_t v = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; v < n; v += (int64_t)blockDim.x * gridDim.x) {
        const int64_t i = v % nx, j = (v / nx) % ny, k = v / (nx * ny);
        if (w.out_f32)
            ((float *)y)[v] = radx_wavelet_voxel_f32(&w, w.in_dtype, x, i, j, k);
        else
            ((double *)y)[v] = radx_wavelet_voxel_f64(&w, w.in_dtype, x, i, j, k);
    }
}

radx_status radx_cuda_wavelet_pass(radx_cuda *cu, const radx_wavelet_pass *w, radx_buf *in, radx_buf *out,
                                   radx_err *err)
{
    const void *d_x = radx_cuda_dev_read(cu, in);
    void *d_y = d_x ? radx_cuda_dev_write(cu, out, 1) : NULL;
    if (!d_x || !d_y) {
        radx_dev::note_oom();
        return radx_seterr(err, RADX_ERR_NOMEM, "wavelet (CUDA): out of GPU memory for its sub-bands");
    }
    radx_wavelet_pass dw = *w;
    radx_dev::dmem mem;
    const char *what = "cudaGetDevice";
    cudaError_t e = radx_dev::dmem_init(&mem, cu);
    if (e != cudaSuccess) goto done;
    what = "the pass's tables";
    for (int b = 0; b < 3; b++) {
        const size_t n = (size_t)w->out_dims[b] * (b == w->axis ? (size_t)w->taps : 1);
        void *d = NULL;
        RADX_CUDA_TRY_GOTO(radx_dev::upload(&mem, w->pos[b], n * sizeof(int64_t), &d));
        dw.pos[b] = (const int64_t *)d;
    }
    {
        void *d = NULL;
        const size_t n = (size_t)w->out_dims[w->axis] * (size_t)w->taps;
        RADX_CUDA_TRY_GOTO(radx_dev::upload(&mem, w->coef, n * sizeof(double), &d));
        dw.coef = (const double *)d;
    }
    what = "the wavelet kernel";
    wavelet_kernel<<<radx_dev::grid_for(w->out_dims[0] * w->out_dims[1] * w->out_dims[2]), RADX_DEV_BLOCK, 0,
                     cu->stream>>>(dw, d_x, d_y);
    RADX_CUDA_TRY_GOTO(cudaGetLastError());
    RADX_CUDA_TRY_GOTO(cudaStreamSynchronize(cu->stream));
done:
    radx_dev::dfree_all(&mem);
    return e == cudaSuccess ? RADX_OK : radx_dev::cuda_status(e, "wavelet (CUDA)", what, err);
}
