/* SPDX-License-Identifier: BSD-3-Clause */
/* The CUDA backend: the device probe and the op table (host/backend.h).  Every op runs on the
 * GPU (discretisation here, with the CPU's rule from kernels/bin_index.h; the others in
 * kernels/<stage>.cu) except shape2D, which goes to the CPU op. */
#include <cuda_runtime.h>
#include <stdint.h>
#include <stdlib.h>
#include "backend.h"
#include "bin_index.h"
#include "cuda_ops.h"
#include "fft_cufft.h"
#include "cuda_check.cuh"

#define RADX_BIN_BLOCK 256

extern "C" int radx_cuda_device_count(void)
{
    int n = 0;
    if (cudaGetDeviceCount(&n) != cudaSuccess) {
        cudaGetLastError(); /* clear the sticky error */
        return 0;
    }
    return n;
}

static __global__ void bin_kernel(const double *__restrict__ x, int64_t n,
                                  const double *__restrict__ edges, int nedges,
                                  int32_t *__restrict__ gl, int *__restrict__ ng)
{
    int local_max = 0;
    for (int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; i < n;
         i += (int64_t)blockDim.x * gridDim.x) {
        int b = radx_bin_index(edges, nedges, x[i]);
        gl[i] = b;
        local_max = b > local_max ? b : local_max;
    }
    atomicMax(ng, local_max);
}

struct cuda_ctx {
    cudaStream_t stream;
};

static radx_status cuda_discretise(void *vctx, const double *x, int64_t n, const double *edges,
                                   int nedges, int32_t *gl, int *ng, radx_err *err)
{
    cuda_ctx *ctx = (cuda_ctx *)vctx;
    double *d_x = NULL, *d_e = NULL;
    int32_t *d_gl = NULL;
    int *d_ng = NULL;
    radx_status st = RADX_OK;
    cudaError_t e = cudaSuccess;
#define STEP(call)                                                                                 \
    if (e == cudaSuccess) e = (call)
    STEP(cudaMalloc(&d_x, sizeof(double) * (size_t)n));
    STEP(cudaMalloc(&d_e, sizeof(double) * (size_t)nedges));
    STEP(cudaMalloc(&d_gl, sizeof(int32_t) * (size_t)n));
    STEP(cudaMalloc(&d_ng, sizeof(int)));
    STEP(cudaMemcpyAsync(d_x, x, sizeof(double) * (size_t)n, cudaMemcpyHostToDevice, ctx->stream));
    STEP(cudaMemcpyAsync(d_e, edges, sizeof(double) * (size_t)nedges, cudaMemcpyHostToDevice, ctx->stream));
    STEP(cudaMemsetAsync(d_ng, 0, sizeof(int), ctx->stream));
    if (e == cudaSuccess) {
        int blocks = (int)((n + RADX_BIN_BLOCK - 1) / RADX_BIN_BLOCK);
        if (blocks > 65535) blocks = 65535;
        if (blocks < 1) blocks = 1;
        bin_kernel<<<blocks, RADX_BIN_BLOCK, 0, ctx->stream>>>(d_x, n, d_e, nedges, d_gl, d_ng);
        e = cudaGetLastError();
    }
    STEP(cudaMemcpyAsync(gl, d_gl, sizeof(int32_t) * (size_t)n, cudaMemcpyDeviceToHost, ctx->stream));
    STEP(cudaMemcpyAsync(ng, d_ng, sizeof(int), cudaMemcpyDeviceToHost, ctx->stream));
    STEP(cudaStreamSynchronize(ctx->stream));
#undef STEP
    if (e != cudaSuccess)
        st = radx_seterr(err, RADX_ERR_DEVICE, "CUDA discretisation failed: %s", cudaGetErrorString(e));
    cudaFree(d_x);
    cudaFree(d_e);
    cudaFree(d_gl);
    cudaFree(d_ng);
    return st;
}

/* Texture classes run on the GPU where a kernel exists; the features are then computed on the
 * host by the CPU's own functions from the downloaded integer matrices. */
static radx_status cuda_texture(void *vctx, radx_class cls, const radx_texture_input *in,
                                const radx_params *p, double *out, radx_err *err)
{
    cuda_ctx *ctx = (cuda_ctx *)vctx;
    switch (cls) {
    case RADX_CLASS_GLCM: return radx_cuda_glcm(ctx->stream, in, p, out, err);
    case RADX_CLASS_GLRLM: return radx_cuda_glrlm(ctx->stream, in, p, out, err);
    case RADX_CLASS_GLSZM: return radx_cuda_glszm(ctx->stream, in, p, out, err);
    case RADX_CLASS_GLDM: return radx_cuda_gldm(ctx->stream, in, p, out, err);
    case RADX_CLASS_NGTDM: return radx_cuda_ngtdm(ctx->stream, in, p, out, err);
    default: return radx_cpu_backend.texture(NULL, cls, in, p, out, err);
    }
}

static radx_status cuda_firstorder(void *vctx, const double *x, const int32_t *gl, int64_t n, int ng,
                                   double voxel_volume, const radx_params *p, double *out, radx_err *err)
{
    return radx_cuda_firstorder(((cuda_ctx *)vctx)->stream, x, gl, n, ng, voxel_volume, p, out, err);
}

static radx_status cuda_shape(void *vctx, radx_class cls, const radx_shape_input *in, const radx_params *p,
                              double *out, radx_err *err)
{
    if (cls == RADX_CLASS_SHAPE) return radx_cuda_shape(((cuda_ctx *)vctx)->stream, in, p, out, err);
    return radx_cpu_backend.shape(NULL, cls, in, p, out, err); /* shape2D: a few hundred squares */
}

static radx_status cuda_log_filter(void *vctx, const radx_volume *in, double sigma_mm, radx_log_mode mode,
                                   radx_volume *out, radx_err *err)
{
    return radx_cuda_log_filter(((cuda_ctx *)vctx)->stream, in, sigma_mm, mode, out, err);
}

static radx_status cuda_resample(void *vctx, const radx_volume *img, const radx_volume *mask, const radx_params *p,
                                 uint32_t label, radx_volume *img_out, radx_volume *mask_out, radx_err *err)
{
    return radx_cuda_resample(((cuda_ctx *)vctx)->stream, img, mask, p, label, img_out, mask_out, err);
}

static void cuda_destroy(void *vctx)
{
    cuda_ctx *ctx = (cuda_ctx *)vctx;
    if (!ctx) return;
    radx_cufft_cache_clear(ctx->stream);
    cudaStreamDestroy(ctx->stream);
    free(ctx);
}

static const radx_backend_ops cuda_ops = {
    "cuda", cuda_discretise, cuda_firstorder, cuda_texture, cuda_shape, cuda_log_filter, cuda_resample, cuda_destroy,
};

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
    *ops = &cuda_ops;
    *vctx = ctx;
    return RADX_OK;
}
