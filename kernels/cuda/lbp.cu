/* SPDX-License-Identifier: BSD-3-Clause */
/* PyRadiomics' LBP2D and LBP3D image types on the GPU: the CPU's rules (kernels/rules/
 * lbp2d_rules.h, lbp3d_rules.h, which host/cpu/lbp.c calls), one thread per output voxel (LBP2D)
 * or ROI voxel (LBP3D).  The tables (sample offsets; icosphere offsets and spherical harmonics)
 * are uploaded for the call; LBP3D's spline coefficients come from the host (host/pipeline/
 * lbp.c), as the resampling stage's B-spline coefficients do.  Each LBP3D thread has its own
 * work space in one device slab, the ROI taken in chunks the budget holds. */
#include <cuda_runtime.h>
#include <stdint.h>

#include "rules/lbp2d_rules.h"
#include "rules/lbp3d_rules.h"
#include "cuda/cuda_check.cuh"
#include "cuda/stages.h"
#include "cuda/device_mem.cuh"

static __global__ void lbp2d_kernel(radx_lbp2d l, const void *__restrict__ x, void *__restrict__ y)
{
    const int64_t nx = l.out_dims[0], ny = l.out_dims[1], n = nx * ny * l.out_dims[2];
    for (int64_t v = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; v < n; v += (int64_t)blockDim.x * gridDim.x)
        radx_numpy_cast_store(l.out_dtype, y, v, radx_lbp2d_voxel(&l, x, v % nx, (v / nx) % ny, v / (nx * ny)));
}

radx_status radx_cuda_lbp2d(radx_cuda *cu, const radx_lbp2d *l, const radx_volbuf *img, radx_buf *out, radx_err *err)
{
    const void *d_x = radx_cuda_dev_read(cu, img->buf);
    void *d_y = d_x ? radx_cuda_dev_write(cu, out, 1) : NULL;
    if (!d_x || !d_y) {
        radx_dev::note_oom();
        return radx_seterr(err, RADX_ERR_NOMEM, "lbp2d (CUDA): out of GPU memory for its images");
    }
    radx_lbp2d dl = *l;
    radx_dev::dmem mem;
    const int64_t n = l->out_dims[0] * l->out_dims[1] * l->out_dims[2];
    const char *what = "cudaGetDevice";
    cudaError_t e = radx_dev::dmem_init(&mem, cu);
    if (e != cudaSuccess) goto done;
    what = "the sample offsets";
    {
        void *d = NULL;
        RADX_CUDA_TRY_GOTO(radx_dev::upload(&mem, l->rp, sizeof(double) * (size_t)l->samples, &d));
        dl.rp = (const double *)d;
        RADX_CUDA_TRY_GOTO(radx_dev::upload(&mem, l->cp, sizeof(double) * (size_t)l->samples, &d));
        dl.cp = (const double *)d;
    }
    what = "the LBP2D kernel";
    lbp2d_kernel<<<radx_dev::grid_for(n), RADX_DEV_BLOCK, 0, cu->stream>>>(dl, d_x, d_y);
    RADX_CUDA_TRY_GOTO(cudaGetLastError());
    RADX_CUDA_TRY_GOTO(cudaStreamSynchronize(cu->stream));
done:
    radx_dev::dfree_all(&mem);
    return e == cudaSuccess ? RADX_OK : radx_dev::cuda_status(e, "lbp2d (CUDA)", what, err);
}

/* ROI voxels [first, first + count) of roi: thread r's work space at work + r * stride. */
static __global__ void lbp3d_kernel(radx_lbp3d t, const double *__restrict__ coef, const void *__restrict__ img,
                                    const int64_t *__restrict__ roi, int64_t first, int64_t count, double *work,
                                    int64_t stride, double *__restrict__ out)
{
    const int64_t nout = t.out_dims[0] * t.out_dims[1] * t.out_dims[2], nw = radx_lbp3d_work(&t);
    for (int64_t r = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; r < count; r += (int64_t)blockDim.x * gridDim.x) {
        double *w = work + r * stride, *vals = w + nw;
        const int64_t o = roi[first + r];
        int64_t pos[3];
        radx_lbp3d_position(&t, o, pos);
        const int64_t at = pos[2] + t.img_dims[0] * (pos[1] + t.img_dims[1] * pos[0]);
        radx_lbp3d_voxel(&t, coef, pos, radx_value_at(t.dtype, img, at), w, vals);
        for (int l = 0; l <= t.levels; l++) out[l * nout + o] = vals[l];
    }
}

radx_status radx_cuda_lbp3d(radx_cuda *cu, const radx_lbp3d *t, radx_buf *coef, const radx_volbuf *img, radx_buf *roi,
                            int64_t n, radx_buf *out, radx_err *err)
{
    const void *d_c = radx_cuda_dev_read(cu, coef), *d_x = d_c ? radx_cuda_dev_read(cu, img->buf) : NULL;
    const void *d_r = d_x ? radx_cuda_dev_read(cu, roi) : NULL;
    double *d_y = d_r ? (double *)radx_cuda_dev_write(cu, out, 1) : NULL;
    if (!d_y) {
        radx_dev::note_oom();
        return radx_seterr(err, RADX_ERR_NOMEM, "lbp3d (CUDA): out of GPU memory for its images");
    }
    radx_lbp3d dt = *t;
    radx_dev::dmem mem;
    double *d_work = NULL;
    const int64_t stride = radx_lbp3d_work(t) + t->levels + 1;
    const size_t per = sizeof(double) * (size_t)stride;
    int64_t chunk = 0;
    const char *what = "cudaGetDevice";
    cudaError_t e = radx_dev::dmem_init(&mem, cu);
    if (e != cudaSuccess) goto done;
    what = "the icosphere and harmonics tables";
    {
        void *d = NULL;
        RADX_CUDA_TRY_GOTO(radx_dev::upload(&mem, t->offset, sizeof(double) * 3 * (size_t)t->nv, &d));
        dt.offset = (const double *)d;
        const size_t ny = 2 * (size_t)t->nv * (size_t)t->levels * (size_t)t->levels;
        RADX_CUDA_TRY_GOTO(radx_dev::upload(&mem, t->ylm, sizeof(double) * ny, &d));
        dt.ylm = (const double *)d;
    }
    what = "the output images";
    RADX_CUDA_TRY_GOTO(cudaMemsetAsync(d_y, 0, out->bytes, cu->stream));
    what = "the work space";
    chunk = (int64_t)(radx_dev::available(cu) / 2 / per);
    chunk = chunk > n ? n : chunk > ((int64_t)1 << 20) ? ((int64_t)1 << 20) : chunk;
    if (n > 0 && chunk < 1) {
        e = cudaErrorMemoryAllocation;
        radx_dev::note_oom();
        goto done;
    }
    RADX_CUDA_TRY_GOTO(radx_dev::dalloc(&mem, &d_work, (size_t)(chunk > 0 ? chunk : 1) * (size_t)stride));
    what = "the LBP3D kernel";
    for (int64_t first = 0; first < n; first += chunk) {
        const int64_t count = n - first < chunk ? n - first : chunk;
        lbp3d_kernel<<<radx_dev::grid_for(count), RADX_DEV_BLOCK, 0, cu->stream>>>(
            dt, (const double *)d_c, d_x, (const int64_t *)d_r, first, count, d_work, stride, d_y);
        RADX_CUDA_TRY_GOTO(cudaGetLastError());
    }
    RADX_CUDA_TRY_GOTO(cudaStreamSynchronize(cu->stream));
done:
    radx_dev::dfree_all(&mem);
    return e == cudaSuccess ? RADX_OK : radx_dev::cuda_status(e, "lbp3d (CUDA)", what, err);
}
