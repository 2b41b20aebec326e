/* SPDX-License-Identifier: BSD-3-Clause */
/* The ROI values of an image type on the GPU (the roi_values backend op, host/backend/backend.h): when
 * the image is on the device already (the pipeline holds it: the resampled image every LoG sigma
 * filters, or a filtered image the LoG left there), the ROI values are gathered from that copy
 * in the box's C order (a scan of the ROI mask gives each ROI voxel its place), with the rules of
 * kernels/rules/roi_rules.h that the host's radx_roi_values_host uses, and their statistics (smallest,
 * largest, the non-finite ones) come back instead of the values: when the caller holds x, the
 * values stay on the device only (host/backend/resident.h: stale until materialized), for discretisation
 * and first order to read there.  Otherwise RADX_ERR_UNSUPPORTED: the caller gathers on the host.
 *
 * Same values as the host's (the same reads, no arithmetic), same smallest and largest (exact
 * operations); the first non-finite voxel is the smallest box index among them. */
#include <cub/device/device_reduce.cuh>
#include <cuda_runtime.h>
#include <math.h>
#include <stdint.h>

#include "cuda/cuda_check.cuh"
#include "cuda/stages.h"
#include "cuda/device_mem.cuh"
#include "cuda/neighbourhood_texture.cuh" /* scan_flags */
#include "rules/roi_rules.h"

using namespace radx_nbtex;

namespace {

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

extern "C" radx_status radx_cuda_roi_values(void *stream, const radx_volume *img, const uint8_t *roi,
                                            const int64_t dims_zyx[3], const int64_t lo_xyz[3], double *x, int64_t n,
                                            radx_roi_stats *s, radx_err *err)
{
    cudaStream_t st = (cudaStream_t)stream;
    const int64_t nbox = dims_zyx[0] * dims_zyx[1] * dims_zyx[2];
    const size_t img_bytes = radx_dtype_size(img->dtype) * (size_t)radx_geom_nvox(&img->g);
    /* 32-bit places and CUB's int counts: larger boxes are gathered on the host */
    if (n <= 0 || n > (int64_t)INT32_MAX || nbox >= (int64_t)UINT32_MAX) return RADX_ERR_UNSUPPORTED;
    /* the device copy of the image, when the pipeline holds it (uploaded at its first use) */
    const void *d_img = resident(img->data, img_bytes);
    if (!d_img) return RADX_ERR_UNSUPPORTED;
    dmem mem;
    const void *d_roi = NULL;
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
    cudaError_t e = dmem_init(&mem, st);
    if (e != cudaSuccess) goto done;
    what = "gathering the ROI values";
    RADX_CUDA_TRY_GOTO(upload_ro(&mem, roi, (size_t)nbox, &d_roi));
    RADX_CUDA_TRY_GOTO(dalloc(&mem, &pos, (size_t)nbox));
    RADX_CUDA_TRY_GOTO(dalloc(&mem, &d_x, (size_t)n));
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
    /* the values stay on the device when the caller holds x; else they come down */
    if (!keep_stale(&mem, d_x, x, sizeof(double) * (size_t)n)) {
        what = "downloading the ROI values";
        RADX_CUDA_TRY_GOTO(cudaMemcpyAsync(x, d_x, sizeof(double) * (size_t)n, cudaMemcpyDeviceToHost, st));
    }
    RADX_CUDA_TRY_GOTO(cudaStreamSynchronize(st));
    s->min = mm[0];
    s->max = mm[1];
    s->nonfinite = (int64_t)hst[0];
    s->first_nonfinite = hst[0] ? (int64_t)hst[1] : -1;
done:
    dfree_all(&mem);
    return e == cudaSuccess ? RADX_OK : cuda_status(e, "ROI values (CUDA)", what, err);
}

extern "C" radx_status radx_cuda_level_box(void *stream, const int32_t *gl, int64_t n, const uint8_t *roi,
                                           int64_t nbox, const int32_t *glbox, radx_err *err)
{
    cudaStream_t st = (cudaStream_t)stream;
    if (n <= 0 || nbox >= (int64_t)UINT32_MAX) return RADX_OK;
    /* only from copies the device has already (nothing uploaded for this) */
    const void *d_gl = resident_peek(gl, sizeof(int32_t) * (size_t)n), *d_roi = resident_peek(roi, (size_t)nbox);
    if (!d_gl || !d_roi) return RADX_OK;
    const int was_oom = oom();
    dmem mem;
    uint32_t *pos = NULL, total = 0;
    int32_t *d_box = NULL;
    const char *what = "cudaGetDevice";
    cudaError_t e = dmem_init(&mem, st);
    if (e != cudaSuccess) goto done;
    what = "building the level box";
    RADX_CUDA_TRY_GOTO(dalloc(&mem, &d_box, (size_t)nbox));
    RADX_CUDA_TRY_GOTO(dalloc(&mem, &pos, (size_t)nbox));
    RADX_CUDA_TRY_GOTO(roi_flags(st, (const uint8_t *)d_roi, nbox, pos));
    RADX_CUDA_TRY_GOTO(scan_flags(&mem, pos, nbox, &total)); /* synchronises */
    if ((int64_t)total != n) {
        dfree_all(&mem);
        return radx_seterr(err, RADX_ERR_INTERNAL, "level box (CUDA): %lld ROI voxels, not the %lld expected",
                           (long long)total, (long long)n);
    }
    level_box_kernel<<<grid_for(nbox), RADX_NBTEX_BLOCK, 0, st>>>((const uint8_t *)d_roi, pos, nbox,
                                                                   (const int32_t *)d_gl, d_box);
    RADX_CUDA_TRY_GOTO(cudaGetLastError());
    keep(&mem, d_box, glbox, sizeof(int32_t) * (size_t)nbox); /* the box's device copy: no upload */
done:
    dfree_all(&mem);
    if (e == cudaErrorMemoryAllocation) { /* no room: the box goes up at its first use instead */
        cudaGetLastError();
        if (!was_oom) clear_oom();
        return RADX_OK;
    }
    return e == cudaSuccess ? RADX_OK : cuda_status(e, "level box (CUDA)", what, err);
}
