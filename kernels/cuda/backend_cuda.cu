/* SPDX-License-Identifier: BSD-3-Clause */
/* The CUDA backend: the device probe and the op table (host/backend/backend.h).  Every op runs on the
 * GPU (kernels/cuda/<stage>.cu) except shape2D, which goes to the CPU op; of the per-voxel map work, first
 * order, GLCM and GLDM (kernels/cuda/voxel_firstorder.cu, voxel_texture.cu). */
#include <cuda_runtime.h>
#include <stdint.h>
#include <stdlib.h>
#include "backend/backend.h"
#include "cuda/stages.h"
#include "cuda/fft_cufft.h"
#include "cuda/cuda_check.cuh"
#include "cuda/device_mem.cuh"

extern "C" int radx_cuda_device_count(void)
{
    int n = 0;
    if (cudaGetDeviceCount(&n) != cudaSuccess) {
        cudaGetLastError(); /* clear the sticky error */
        return 0;
    }
    return n;
}

struct cuda_ctx {
    cudaStream_t stream;
    radx_resident res;        /* device copies of the ranges the pipeline holds (host/backend/resident.h) */
    radx_dev::host_pool pool; /* page-locked host memory for arrays that go up (host_alloc) */
};

/* Runs a stage on the GPU; when the device could not hold it (the memory budget or the driver
 * refused an allocation, kernels/cuda/device_mem.cuh), runs the CPU op instead, so a case too big
 * for the device is computed, not refused.  The fallback is counted (radx_cuda_memory_stats). */
template <class Gpu, class Cpu> static radx_status gpu_or_cpu(void *vctx, Gpu gpu, Cpu cpu, radx_err *err)
{
    radx_resident *res = &((cuda_ctx *)vctx)->res;
    radx_dev::resident_scope scope(res);
    radx_dev::clear_oom();
    radx_status st = gpu();
    if (st == RADX_ERR_NOMEM && radx_dev::oom() && radx_resident_evict(res) > 0) {
        /* the device-resident copies took the room: free them (they come back at their next
         * use) and try the GPU once more, after the frees have run (the pool's figures) */
        cudaStreamSynchronize(((cuda_ctx *)vctx)->stream);
        cudaGetLastError();
        radx_dev::clear_oom();
        err->status = RADX_OK;
        err->msg[0] = 0;
        st = gpu();
    }
    if (st == RADX_ERR_NOMEM && radx_dev::oom()) {
        radx_cuda_note_cpu_fallback();
        err->status = RADX_OK;
        err->msg[0] = 0;
        /* the CPU reads host copies: bring down what the device kept alone */
        if (radx_resident_materialize(res, NULL) != 0)
            return radx_seterr(err, RADX_ERR_DEVICE, "device: a device-resident array could not be brought down");
        st = cpu();
    }
    return st;
}

static radx_status cuda_discretise_op(void *vctx, const double *x, int64_t n, const double *edges, int nedges,
                                      int32_t *gl, int *ng, radx_err *err)
{
    return gpu_or_cpu(vctx, [&] { return radx_cuda_discretise(((cuda_ctx *)vctx)->stream, x, n, edges, nedges, gl, ng, err); },
                      [&] { return radx_cpu_backend.discretise(NULL, x, n, edges, nedges, gl, ng, err); }, err);
}

static radx_status cuda_firstorder(void *vctx, const double *x, const int32_t *gl, int64_t n, int ng,
                                   double voxel_volume, const radx_params *p, double *out, radx_err *err)
{
    return gpu_or_cpu(
        vctx, [&] { return radx_cuda_firstorder(((cuda_ctx *)vctx)->stream, x, gl, n, ng, voxel_volume, p, out, err); },
        [&] { return radx_cpu_backend.firstorder(NULL, x, gl, n, ng, voxel_volume, p, out, err); }, err);
}

/* Texture classes: integer matrices on the GPU, features on the host by the CPU's own functions. */
static radx_status cuda_texture_gpu(cudaStream_t s, radx_class cls, const radx_texture_input *in,
                                    const radx_params *p, double *out, radx_err *err)
{
    switch (cls) {
    case RADX_CLASS_GLCM: return radx_cuda_glcm(s, in, p, out, err);
    case RADX_CLASS_GLRLM: return radx_cuda_glrlm(s, in, p, out, err);
    case RADX_CLASS_GLSZM: return radx_cuda_glszm(s, in, p, out, err);
    case RADX_CLASS_GLDM: return radx_cuda_gldm(s, in, p, out, err);
    case RADX_CLASS_NGTDM: return radx_cuda_ngtdm(s, in, p, out, err);
    default: return radx_cpu_backend.texture(NULL, cls, in, p, out, err);
    }
}

static radx_status cuda_texture(void *vctx, radx_class cls, const radx_texture_input *in,
                                const radx_params *p, double *out, radx_err *err)
{
    return gpu_or_cpu(vctx, [&] { return cuda_texture_gpu(((cuda_ctx *)vctx)->stream, cls, in, p, out, err); },
                      [&] { return radx_cpu_backend.texture(NULL, cls, in, p, out, err); }, err);
}

static radx_status cuda_shape(void *vctx, radx_class cls, const radx_shape_input *in, const radx_params *p,
                              double *out, radx_err *err)
{
    if (cls != RADX_CLASS_SHAPE) return radx_cpu_backend.shape(NULL, cls, in, p, out, err); /* shape2D: small */
    return gpu_or_cpu(vctx, [&] { return radx_cuda_shape(((cuda_ctx *)vctx)->stream, in, p, out, err); },
                      [&] { return radx_cpu_backend.shape(NULL, cls, in, p, out, err); }, err);
}

static radx_status cuda_log_filter(void *vctx, const radx_volume *in, double sigma_mm, radx_log_mode mode,
                                   radx_volume *out, radx_err *err)
{
    if (!out) return radx_seterr(err, RADX_ERR_ARG, "LoG: NULL argument");
    float *const buf = (float *)out->data; /* the caller's buffer, if any (host/backend/backend.h) */
    return gpu_or_cpu(
        vctx, [&] { return radx_cuda_log_filter_into(((cuda_ctx *)vctx)->stream, in, sigma_mm, mode, buf, out, err); },
        [&] {
            out->data = buf; /* the GPU attempt cleared out */
            return radx_cpu_backend.log_filter(NULL, in, sigma_mm, mode, out, err);
        },
        err);
}

static radx_status cuda_resample(void *vctx, const radx_volume *img, const radx_volume *mask, const radx_params *p,
                                 uint32_t label, radx_volume *img_out, radx_volume *mask_out, radx_err *err)
{
    return gpu_or_cpu(
        vctx, [&] { return radx_cuda_resample(((cuda_ctx *)vctx)->stream, img, mask, p, label, img_out, mask_out, err); },
        [&] { return radx_cpu_backend.resample(NULL, img, mask, p, label, img_out, mask_out, err); }, err);
}

/* Voxel maps, first order: declined kernels and lack of device memory go back to the map's CPU
 * loop (host/pipeline/voxelmap.c); the latter counts as a CPU fallback. */
static radx_status cuda_voxel_firstorder(void *vctx, const radx_vfo_input *in, double *out, radx_err *err)
{
    radx_dev::clear_oom();
    const radx_status st = radx_cuda_voxel_firstorder(((cuda_ctx *)vctx)->stream, in, out, err);
    if (st == RADX_ERR_NOMEM && radx_dev::oom()) radx_cuda_note_cpu_fallback();
    return st;
}

static radx_status cuda_voxel_texture(void *vctx, radx_class cls, const void *in, const int64_t *aidx, int64_t nroi,
                                      double *out, radx_err *err)
{
    radx_dev::clear_oom();
    const radx_status st = radx_cuda_voxel_texture(((cuda_ctx *)vctx)->stream, cls, in, aidx, nroi, out, err);
    if (st == RADX_ERR_NOMEM && radx_dev::oom()) radx_cuda_note_cpu_fallback();
    return st;
}

static radx_status cuda_roi_values(void *vctx, const radx_volume *img, const uint8_t *roi, const int64_t dims_zyx[3],
                                   const int64_t lo_xyz[3], double *x, int64_t n, radx_roi_stats *s, radx_err *err)
{
    cuda_ctx *ctx = (cuda_ctx *)vctx;
    radx_status st = gpu_or_cpu(
        vctx, [&] { return radx_cuda_roi_values(ctx->stream, img, roi, dims_zyx, lo_xyz, x, n, s, err); },
        [&] { return radx_roi_values_host(img, roi, dims_zyx, lo_xyz, x, n, s, err); }, err);
    if (st == RADX_ERR_UNSUPPORTED) { /* the image is not on the device: gather on the host */
        err->status = RADX_OK;
        err->msg[0] = 0;
        if (radx_resident_materialize(&ctx->res, img->data) != 0)
            return radx_seterr(err, RADX_ERR_DEVICE, "device: the filtered image could not be brought down");
        st = radx_roi_values_host(img, roi, dims_zyx, lo_xyz, x, n, s, err);
    }
    return st;
}

/* The level box: the host's copy from the host's levels (which discretisation brought down), the
 * device's from the device's copies of the levels and the ROI mask, so it need not go up. */
static radx_status cuda_level_box(void *vctx, const int32_t *gl, int64_t n, const uint8_t *roi, int64_t nbox,
                                  int32_t *glbox, radx_err *err)
{
    cuda_ctx *ctx = (cuda_ctx *)vctx;
    if (radx_resident_materialize(&ctx->res, gl) != 0)
        return radx_seterr(err, RADX_ERR_DEVICE, "device: the levels could not be brought down");
    radx_status st = radx_level_box_host(gl, n, roi, nbox, glbox, err);
    if (st) return st;
    radx_dev::resident_scope scope(&ctx->res);
    radx_dev::clear_oom();
    return radx_cuda_level_box(ctx->stream, gl, n, roi, nbox, glbox, err);
}

/* A host read of ranges the device kept alone (host/backend/resident.h): bring them down first. */
static radx_status cuda_materialize(void *vctx, const void *h)
{
    cuda_ctx *ctx = (cuda_ctx *)vctx;
    return radx_resident_materialize(&ctx->res, h) == 0 ? RADX_OK : RADX_ERR_DEVICE;
}

/* Residency (host/backend/resident.h): holds are recorded now and uploaded at their first use. */
static void cuda_hold(void *vctx, const void *h, size_t bytes)
{
    radx_resident_hold(&((cuda_ctx *)vctx)->res, h, bytes);
}

static void cuda_release(void *vctx, const void *h)
{
    cuda_ctx *ctx = (cuda_ctx *)vctx;
    const unsigned long long saved = ctx->res.bytes_saved, kept0 = ctx->res.bytes_kept;
    radx_resident_release(&ctx->res, h);
    /* the stale ranges released: their downloads were never needed */
    if (kept0 > ctx->res.bytes_kept) radx_cuda_note_download_saved(kept0 - ctx->res.bytes_kept);
    /* no copy from the host range may still be in flight when the caller frees it */
    cudaStreamSynchronize(ctx->stream);
    cudaGetLastError();
    ctx->res.bytes_saved = 0;
    if (saved) radx_cuda_note_resident_saved(saved);
}

static void *cuda_host_alloc(void *vctx, size_t bytes) { return radx_dev::host_pool_alloc(&((cuda_ctx *)vctx)->pool, bytes); }
static void cuda_host_free(void *vctx, void *p) { radx_dev::host_pool_free(&((cuda_ctx *)vctx)->pool, p); }

static void cuda_destroy(void *vctx)
{
    cuda_ctx *ctx = (cuda_ctx *)vctx;
    if (!ctx) return;
    cuda_release(ctx, NULL);
    radx_dev::host_pool_clear(&ctx->pool);
    radx_cufft_cache_clear(ctx->stream);
    cudaStreamDestroy(ctx->stream);
    free(ctx);
}

static const radx_backend_ops cuda_ops = {
    "cuda", cuda_discretise_op, cuda_firstorder, cuda_texture, cuda_shape, cuda_log_filter, cuda_resample, cuda_destroy,
    cuda_voxel_firstorder, cuda_voxel_texture, cuda_hold, cuda_release, cuda_host_alloc, cuda_host_free,
    cuda_roi_values, cuda_materialize, cuda_level_box,
};

/* The backend's stream (as void *), for timing with CUDA events (bench/bench_stages.cc). */
extern "C" void *radx_cuda_backend_stream(void *vctx) { return vctx ? (void *)((cuda_ctx *)vctx)->stream : NULL; }

extern "C" radx_status radx_cuda_backend_create(const radx_backend_ops **ops, void **vctx, radx_err *err)
{
    *ops = NULL;
    *vctx = NULL;
    int n = 0;
    cudaError_t e = cudaGetDeviceCount(&n);
    if (e != cudaSuccess || n == 0) {
        cudaGetLastError();
        return radx_seterr(err, RADX_ERR_DEVICE, "--device cuda: no usable CUDA device (%s)",
                           e != cudaSuccess ? cudaGetErrorString(e) : "no device found");
    }
    cudaDeviceProp prop;
    RADX_CUDA_TRY(cudaGetDeviceProperties(&prop, 0), err);
    if (prop.major < 7)
        return radx_seterr(err, RADX_ERR_DEVICE, "--device cuda: device 0 (%s) has compute capability %d.%d; radx needs 7.0 or newer",
                           prop.name, prop.major, prop.minor);
    cuda_ctx *ctx = (cuda_ctx *)calloc(1, sizeof *ctx);
    if (!ctx) return radx_seterr(err, RADX_ERR_NOMEM, "out of memory");
    e = cudaStreamCreateWithFlags(&ctx->stream, cudaStreamNonBlocking);
    if (e != cudaSuccess) {
        free(ctx);
        return radx_seterr(err, RADX_ERR_DEVICE, "CUDA stream creation failed: %s", cudaGetErrorString(e));
    }
    radx_resident_dev rd = radx_dev::resident_dev(&ctx->stream);
    radx_resident_init(&ctx->res, &rd);
    *ops = &cuda_ops;
    *vctx = ctx;
    return RADX_OK;
}
