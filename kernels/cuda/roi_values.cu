/* SPDX-License-Identifier: BSD-3-Clause */
/* The ROI values of an image type on the GPU (the roi_values op, host/backend/backend.h): they are
 * gathered from the image buffer's device copy (the image every LoG sigma filters goes up once; a
 * filtered image is there already) in the box's C order (a scan of the ROI mask gives each ROI
 * voxel its place), with the rules of kernels/rules/roi_rules.h that the host's
 * radx_roi_values_host uses, and only their statistics (smallest, largest, the non-finite ones)
 * come back: the values stay in their buffer's device copy for discretisation and first order.
 * The level box is built there too, from the levels' and the ROI mask's device copies.
 *
 * Same values as the host's (the same reads, no arithmetic), same smallest and largest (exact
 * operations); the first non-finite voxel is the smallest box index among them. */
#include <cub/device/device_reduce.cuh>
#include <cuda_runtime.h>
#include <math.h>
#include <stdint.h>

#include "cuda/cuda_check.cuh"
#include "cpu/backend_cpu.h" /* radx_level_box_host */
#include "cuda/stages.h"
#include "cuda/device_mem.cuh"
#include "cuda/neighbourhood_texture.cuh" /* scan_flags */
#include "rules/roi_rules.h"

using namespace radx_nbtex;

namespace
{

struct gather_job {
    const void *img;
    int dt;
    int64_t size[3], dims[3], lo[3];
};

/* pos: inclusive scan of the ROI flags; the k-th ROI voxel's value goes to x[k]; stats[0] counts
 * the non-finite values, stats[1] their smallest box index */
__global__ void gather_kernel(gather_job j, const uint8_t *__restrict__ roi, const uint32_t *__restrict__ pos,
                              int64_t n, double *__restrict__ x, unsigned long long *__restrict__ stats)
{
    for (int64_t v = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; v < n; v += (int64_t)blockDim.x * gridDim.x) {
        if (!roi[v]) continue;
        const double val = radx_value_at(j.dt, j.img, radx_roi_src_index(v, j.dims, j.lo, j.size));
        x[pos[v] - 1] = val;
        if (!isfinite(val)) {
            atomicAdd(stats, 1ull);
            atomicMin(stats + 1, (unsigned long long)v);
        }
    }
}

/* pos: inclusive scan of the ROI flags; box[v] = the level of the ROI voxel v (the pos[v]-th in
 * C order), 0 outside the ROI: radx_level_box_host's rule */
__global__ void level_box_kernel(const uint8_t *__restrict__ roi, const uint32_t *__restrict__ pos, int64_t nbox,
                                 const int32_t *__restrict__ gl, int32_t *__restrict__ box)
{
    for (int64_t v = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; v < nbox; v += (int64_t)blockDim.x * gridDim.x)
        box[v] = roi[v] ? gl[pos[v] - 1] : 0;
}

} // namespace

radx_status radx_cuda_roi_values(radx_cuda *cu, const radx_volbuf *img, radx_buf *roi, const int64_t dims_zyx[3],
                                 const int64_t lo_xyz[3], radx_buf *xb, int64_t n, radx_roi_stats *s, radx_err *err)
{
    cudaStream_t st = cu->stream;
    const int64_t nbox = dims_zyx[0] * dims_zyx[1] * dims_zyx[2];
    /* 32-bit places and CUB's int counts: larger boxes are gathered on the host */
    if (n <= 0 || n > (int64_t)INT32_MAX || nbox >= (int64_t)UINT32_MAX) {
        err->status = RADX_OK;
        err->msg[0] = '\0';
        return RADX_ERR_UNSUPPORTED;
    }
    dmem mem;
    const void *d_img = radx_cuda_dev_read(cu, img->buf), *d_roi = radx_cuda_dev_read(cu, roi);
    uint32_t *pos = NULL;
    double *d_x = NULL, *d_mm = NULL, mm[2] = {0, 0};
    unsigned long long *d_st = NULL, hst[2] = {0, 0};
    void *tmp = NULL;
    size_t tb = 0, tb2 = 0;
    uint32_t total = 0;
    const char *what = "cudaGetDevice";
    gather_job j;
    j.img = d_img;
    j.dt = (int)img->dtype;
    for (int a = 0; a < 3; a++) {
        j.size[a] = img->g.size[a];
        j.dims[a] = dims_zyx[a];
        j.lo[a] = lo_xyz[a];
    }
    cudaError_t e = dmem_init(&mem, cu);
    if (e == cudaSuccess && (!d_img || !d_roi || !(d_x = (double *)radx_cuda_dev_write(cu, xb, 1)))) {
        note_oom();
        e = cudaErrorMemoryAllocation;
    }
    if (e != cudaSuccess) goto done;
    what = "gathering the ROI values";
    RADX_CUDA_TRY_GOTO(dalloc(&mem, &pos, (size_t)nbox));
    RADX_CUDA_TRY_GOTO(dalloc(&mem, &d_mm, 2));
    RADX_CUDA_TRY_GOTO(dalloc(&mem, &d_st, 2));
    hst[1] = ~0ull;
    RADX_CUDA_TRY_GOTO(cudaMemcpyAsync(d_st, hst, sizeof hst, cudaMemcpyHostToDevice, st));
    RADX_CUDA_TRY_GOTO(roi_flags(st, (const uint8_t *)d_roi, nbox, pos));
    RADX_CUDA_TRY_GOTO(scan_flags(&mem, pos, nbox, &total)); /* synchronises */
    if ((int64_t)total != n) {
        dfree_all(&mem);
        return radx_seterr(err, RADX_ERR_INTERNAL, "ROI values (CUDA): %lld ROI voxels, not the %lld expected",
                           (long long)total, (long long)n);
    }
    gather_kernel<<<grid_for(nbox), RADX_NBTEX_BLOCK, 0, st>>>(j, (const uint8_t *)d_roi, pos, nbox, d_x, d_st);
    RADX_CUDA_TRY_GOTO(cudaGetLastError());
    what = "the smallest and largest value";
    RADX_CUDA_TRY_GOTO(cub::DeviceReduce::Min(NULL, tb, d_x, d_mm, (int)n, st));
    RADX_CUDA_TRY_GOTO(cub::DeviceReduce::Max(NULL, tb2, d_x, d_mm + 1, (int)n, st));
    RADX_CUDA_TRY_GOTO(dmalloc_bytes(&mem, &tmp, (tb > tb2 ? tb : tb2) > 0 ? (tb > tb2 ? tb : tb2) : 1));
    RADX_CUDA_TRY_GOTO(cub::DeviceReduce::Min(tmp, tb, d_x, d_mm, (int)n, st));
    RADX_CUDA_TRY_GOTO(cub::DeviceReduce::Max(tmp, tb2, d_x, d_mm + 1, (int)n, st));
    RADX_CUDA_TRY_GOTO(cudaMemcpyAsync(mm, d_mm, sizeof mm, cudaMemcpyDeviceToHost, st));
    RADX_CUDA_TRY_GOTO(cudaMemcpyAsync(hst, d_st, sizeof hst, cudaMemcpyDeviceToHost, st));
    RADX_CUDA_TRY_GOTO(cudaStreamSynchronize(st));
    s->min = mm[0];
    s->max = mm[1];
    s->nonfinite = (int64_t)hst[0];
    s->first_nonfinite = hst[0] ? (int64_t)hst[1] : -1;
done:
    dfree_all(&mem);
    return e == cudaSuccess ? RADX_OK : cuda_status(e, "ROI values (CUDA)", what, err);
}

/* The level box's device copy from the device copies of gl and roi (pos: nbox scratch). */
static cudaError_t level_box_on_device(dmem *mem, const uint8_t *d_roi, const int32_t *d_gl, int64_t n, int64_t nbox,
                                       int32_t *d_box, radx_err *err, const char **what, int *mismatch)
{
    uint32_t *pos = NULL, total = 0;
    cudaError_t e = dalloc(mem, &pos, (size_t)nbox);
    if (e == cudaSuccess) e = roi_flags(mem->st, d_roi, nbox, pos);
    if (e == cudaSuccess) e = scan_flags(mem, pos, nbox, &total); /* synchronises */
    *mismatch = e == cudaSuccess && (int64_t)total != n;
    if (e != cudaSuccess || *mismatch) return e;
    *what = "building the level box";
    level_box_kernel<<<grid_for(nbox), RADX_NBTEX_BLOCK, 0, mem->st>>>(d_roi, pos, nbox, d_gl, d_box);
    e = cudaGetLastError();
    return e == cudaSuccess ? cudaStreamSynchronize(mem->st) : e;
}

radx_status radx_cuda_level_box(radx_cuda *cu, radx_buf *glb, int64_t n, radx_buf *roib, int64_t nbox, radx_buf *boxb,
                                radx_err *err)
{
    /* the host copy: the texture classes' set-up reads it */
    const int32_t *gl = (const int32_t *)radx_cuda_host_read(cu, glb);
    const uint8_t *roi = (const uint8_t *)radx_cuda_host_read(cu, roib);
    int32_t *box = (int32_t *)radx_cuda_host_write(cu, boxb, 1);
    if (!gl || !roi || !box)
        return radx_seterr(err, RADX_ERR_DEVICE, "level box (CUDA): the levels could not be brought down");
    radx_status rs = radx_level_box_host(gl, n, roi, nbox, box, err);
    /* the device copy, when the levels and the ROI mask are there (else it goes up at its first use) */
    if (rs || n <= 0 || nbox >= (int64_t)UINT32_MAX || !radx_cuda_on_device(glb) || !radx_cuda_on_device(roib))
        return rs;
    const int was_oom = oom();
    dmem mem;
    const char *what = "cudaGetDevice";
    int mismatch = 0;
    const int32_t *d_gl = (const int32_t *)radx_cuda_dev_read(cu, glb);
    const uint8_t *d_roi = (const uint8_t *)radx_cuda_dev_read(cu, roib);
    int32_t *d_box = (int32_t *)radx_cuda_dev_write(cu, boxb, 1); /* both copies hold the box after */
    cudaError_t e = dmem_init(&mem, cu);
    if (e == cudaSuccess && (!d_gl || !d_roi || !d_box)) e = cudaErrorMemoryAllocation;
    if (e == cudaSuccess) e = level_box_on_device(&mem, d_roi, d_gl, n, nbox, d_box, err, &what, &mismatch);
    dfree_all(&mem);
    if (mismatch)
        return radx_seterr(err, RADX_ERR_INTERNAL,
                           "level box (CUDA): the ROI mask and the levels disagree on %lld voxels", (long long)n);
    if (e == cudaSuccess) {
        radx_cuda_both_written(boxb);
        return RADX_OK;
    }
    /* no room, or a failure: the host copy holds the box and the device copy is dropped */
    cudaGetLastError();
    radx_cuda_host_write(cu, boxb, 1);
    if (!was_oom) clear_oom();
    return e == cudaErrorMemoryAllocation ? RADX_OK : cuda_status(e, "level box (CUDA)", what, err);
}
