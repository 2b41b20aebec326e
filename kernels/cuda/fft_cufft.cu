/* SPDX-License-Identifier: BSD-3-Clause */
/* host/cpu/fft.h's 3-D real FFT on the GPU with cuFFT, with a plan cache keyed by (size, stream).
 * Interface and layout: kernels/cuda/fft_cufft.h. */
#include <cuda_runtime.h>
#include <cufft.h>
#include <mutex>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cuda/cuda_check.cuh"
#include "cuda/device_mem.cuh"
#include "cuda/fft_cufft.h"

struct radx_cufft_plan {
    int64_t n[3];
    int axes;            /* transformed axes: 3, or the first 1 or 2 with the others batched */
    cudaStream_t stream;
    cufftHandle r2c, c2r;
    int have_r2c, have_c2r;
    void *work;          /* device work area shared by the two plans (never run concurrently) */
    size_t work_size;
    int cached;          /* 1: lives in g_cache (returned there by radx_cufft_release) */
    int in_use;
    uint64_t last_use;
};

static std::mutex g_mu;
static radx_cufft_plan *g_cache[RADX_CUFFT_CACHE];
static uint64_t g_tick;

static const char *cufft_str(cufftResult r)
{
    switch (r) {
    case CUFFT_SUCCESS: return "success";
    case CUFFT_INVALID_PLAN: return "invalid plan";
    case CUFFT_ALLOC_FAILED: return "allocation failed";
    case CUFFT_INVALID_TYPE: return "invalid type";
    case CUFFT_INVALID_VALUE: return "invalid value";
    case CUFFT_INTERNAL_ERROR: return "internal error";
    case CUFFT_EXEC_FAILED: return "execution failed";
    case CUFFT_SETUP_FAILED: return "setup failed";
    case CUFFT_INVALID_SIZE: return "invalid size";
    case CUFFT_UNALIGNED_DATA: return "unaligned data";
    case CUFFT_INVALID_DEVICE: return "invalid device";
    case CUFFT_NO_WORKSPACE: return "no workspace";
    case CUFFT_NOT_IMPLEMENTED: return "not implemented";
    case CUFFT_NOT_SUPPORTED: return "not supported";
    default: return "unknown cuFFT error";
    }
}

static void plan_free(radx_cufft_plan *p)
{
    if (!p) return;
    if (p->have_r2c) cufftDestroy(p->r2c);
    if (p->have_c2r) cufftDestroy(p->c2r);
    if (p->work) radx_dev::persistent_free(p->work, p->work_size);
    free(p);
}

/* Creates both plans; *oom = 1 when the failure was a device allocation. */
static radx_status plan_make(cudaStream_t s, const int64_t n[3], int axes, radx_cufft_plan **out, int *oom,
                             radx_err *err)
{
    *out = NULL;
    *oom = 0;
    radx_cufft_plan *p = (radx_cufft_plan *)calloc(1, sizeof *p);
    if (!p) return radx_seterr(err, RADX_ERR_NOMEM, "cuFFT: out of host memory");
    memcpy(p->n, n, sizeof p->n);
    p->axes = axes;
    p->stream = s;
    /* cuFFT lists dimensions slowest first; axes of size 1 (other than x) are dropped: the same
     * memory layout as a lower-rank transform */
    long long dims[3], rembed[3], cembed[3], *re = NULL, *ce = NULL, batch = 1, rdist = 0, cdist = 0;
    int rank = 0;
    if (axes == 3) {
        if (n[2] > 1) dims[rank++] = (long long)n[2];
        if (n[1] > 1) dims[rank++] = (long long)n[1];
        dims[rank++] = (long long)n[0];
    } else { /* batches of the first `axes` axes, in place, rows padded to 2 (n[0] / 2 + 1) floats */
        const long long nh = (long long)(n[0] / 2 + 1);
        if (axes == 2) dims[rank++] = (long long)n[1];
        dims[rank++] = (long long)n[0];
        batch = axes == 2 ? (long long)n[2] : (long long)(n[1] * n[2]);
        for (int k = 0; k < rank; k++) rembed[k] = cembed[k] = dims[k];
        rembed[rank - 1] = 2 * nh;
        cembed[rank - 1] = nh;
        rdist = (axes == 2 ? (long long)n[1] : 1) * 2 * nh;
        cdist = (axes == 2 ? (long long)n[1] : 1) * nh;
        re = rembed;
        ce = cembed;
    }
    size_t ws[2] = {0, 0};
    cufftResult r = cufftCreate(&p->r2c);
    if (r == CUFFT_SUCCESS) {
        p->have_r2c = 1;
        r = cufftSetAutoAllocation(p->r2c, 0);
    }
    if (r == CUFFT_SUCCESS)
        r = cufftMakePlanMany64(p->r2c, rank, dims, re, 1, rdist, ce, 1, cdist, CUFFT_R2C, batch, &ws[0]);
    if (r == CUFFT_SUCCESS) {
        r = cufftCreate(&p->c2r);
        if (r == CUFFT_SUCCESS) p->have_c2r = 1;
    }
    if (r == CUFFT_SUCCESS) r = cufftSetAutoAllocation(p->c2r, 0);
    if (r == CUFFT_SUCCESS)
        r = cufftMakePlanMany64(p->c2r, rank, dims, ce, 1, cdist, re, 1, rdist, CUFFT_C2R, batch, &ws[1]);
    if (r != CUFFT_SUCCESS) {
        *oom = r == CUFFT_ALLOC_FAILED;
        plan_free(p);
        return radx_seterr(err, *oom ? RADX_ERR_NOMEM : RADX_ERR_DEVICE, "cuFFT: plan %lldx%lldx%lld: %s",
                           (long long)n[0], (long long)n[1], (long long)n[2], cufft_str(r));
    }
    p->work_size = ws[0] > ws[1] ? ws[0] : ws[1];
    if (p->work_size > 0) {
        cudaError_t e = radx_dev::persistent_alloc(&p->work, p->work_size);
        if (e != cudaSuccess) {
            cudaGetLastError();
            p->work = NULL;
            *oom = e == cudaErrorMemoryAllocation;
            plan_free(p);
            return radx_seterr(err, *oom ? RADX_ERR_NOMEM : RADX_ERR_DEVICE,
                               "cuFFT: work area of %zu bytes for a %lldx%lldx%lld plan: %s", ws[0] > ws[1] ? ws[0] : ws[1],
                               (long long)n[0], (long long)n[1], (long long)n[2], cudaGetErrorString(e));
        }
    }
    r = cufftSetWorkArea(p->r2c, p->work);
    if (r == CUFFT_SUCCESS) r = cufftSetWorkArea(p->c2r, p->work);
    if (r == CUFFT_SUCCESS) r = cufftSetStream(p->r2c, s);
    if (r == CUFFT_SUCCESS) r = cufftSetStream(p->c2r, s);
    if (r != CUFFT_SUCCESS) {
        plan_free(p);
        return radx_seterr(err, RADX_ERR_DEVICE, "cuFFT: plan %lldx%lldx%lld set-up: %s", (long long)n[0],
                           (long long)n[1], (long long)n[2], cufft_str(r));
    }
    *out = p;
    return RADX_OK;
}

/* Removes the idle entries bound to stream (NULL: all) from the cache into victims[]. */
static int cache_take_idle(cudaStream_t s, int any_stream, radx_cufft_plan **victims)
{
    int nv = 0;
    for (int i = 0; i < RADX_CUFFT_CACHE; i++) {
        radx_cufft_plan *p = g_cache[i];
        if (p && !p->in_use && (any_stream || p->stream == s)) {
            victims[nv++] = p;
            g_cache[i] = NULL;
        }
    }
    return nv;
}

extern "C" radx_status radx_cufft_plan_3d(void *stream, const int64_t n[3], radx_cufft_plan **out, radx_err *err)
{
    return radx_cufft_plan_many(stream, n, 3, out, err);
}

extern "C" radx_status radx_cufft_plan_many(void *stream, const int64_t n[3], int axes, radx_cufft_plan **out,
                                            radx_err *err)
{
    if (!out || !n) return radx_seterr(err, RADX_ERR_ARG, "cuFFT: NULL argument");
    *out = NULL;
    if (axes < 1 || axes > 3) return radx_seterr(err, RADX_ERR_ARG, "cuFFT: %d axes", axes);
    for (int a = 0; a < 3; a++)
        if (n[a] < 1 || n[a] >= ((int64_t)1 << 30))
            return radx_seterr(err, RADX_ERR_ARG, "cuFFT: size %lld along axis %d out of range", (long long)n[a], a);
    if (axes == 3 && n[0] % 2)
        return radx_seterr(err, RADX_ERR_ARG, "cuFFT: size %lld along x must be even", (long long)n[0]);
    if (axes < 3 && n[0] < 2)
        return radx_seterr(err, RADX_ERR_ARG, "cuFFT: batched transforms of size %lld", (long long)n[0]);
    cudaStream_t s = (cudaStream_t)stream;
    {
        std::lock_guard<std::mutex> lk(g_mu);
        for (int i = 0; i < RADX_CUFFT_CACHE; i++) {
            radx_cufft_plan *p = g_cache[i];
            if (p && !p->in_use && p->stream == s && p->axes == axes && p->n[0] == n[0] && p->n[1] == n[1] &&
                p->n[2] == n[2]) {
                p->in_use = 1;
                p->last_use = ++g_tick;
                *out = p;
                return RADX_OK;
            }
        }
    }
    radx_cufft_plan *p = NULL;
    int oom = 0;
    radx_status st = plan_make(s, n, axes, &p, &oom, err);
    if (st != RADX_OK && oom) { /* the idle cached plans hold device memory: free them, retry once */
        radx_cufft_cache_clear(NULL);
        st = plan_make(s, n, axes, &p, &oom, err);
    }
    if (st != RADX_OK && oom) radx_dev::note_oom();
    if (st != RADX_OK) return st;
    p->in_use = 1;
    radx_cufft_plan *victim = NULL;
    {
        std::lock_guard<std::mutex> lk(g_mu);
        p->last_use = ++g_tick;
        int slot = -1;
        for (int i = 0; i < RADX_CUFFT_CACHE && slot < 0; i++)
            if (!g_cache[i]) slot = i;
        if (slot < 0) { /* evict the least recently used idle plan */
            for (int i = 0; i < RADX_CUFFT_CACHE; i++)
                if (!g_cache[i]->in_use && (slot < 0 || g_cache[i]->last_use < g_cache[slot]->last_use)) slot = i;
            if (slot >= 0) victim = g_cache[slot];
        }
        if (slot >= 0) {
            g_cache[slot] = p;
            p->cached = 1;
        }
    }
    plan_free(victim); /* cudaFree synchronises with work still queued on it */
    *out = p;
    return RADX_OK;
}

extern "C" int64_t radx_cufft_buffer_len(const radx_cufft_plan *p)
{
    return (p->n[0] / 2 + 1) * p->n[1] * p->n[2];
}

extern "C" size_t radx_cufft_work_size(const radx_cufft_plan *p) { return p ? p->work_size : 0; }

extern "C" radx_status radx_cufft_r2c(radx_cufft_plan *p, radx_fft_cpx *dbuf, radx_err *err)
{
    cufftResult r = cufftExecR2C(p->r2c, (cufftReal *)dbuf, (cufftComplex *)dbuf);
    if (r != CUFFT_SUCCESS)
        return radx_seterr(err, RADX_ERR_DEVICE, "cuFFT: forward %lldx%lldx%lld transform: %s", (long long)p->n[0],
                           (long long)p->n[1], (long long)p->n[2], cufft_str(r));
    return RADX_OK;
}

extern "C" radx_status radx_cufft_c2r(radx_cufft_plan *p, radx_fft_cpx *dbuf, radx_err *err)
{
    cufftResult r = cufftExecC2R(p->c2r, (cufftComplex *)dbuf, (cufftReal *)dbuf);
    if (r != CUFFT_SUCCESS)
        return radx_seterr(err, RADX_ERR_DEVICE, "cuFFT: inverse %lldx%lldx%lld transform: %s", (long long)p->n[0],
                           (long long)p->n[1], (long long)p->n[2], cufft_str(r));
    return RADX_OK;
}

extern "C" void radx_cufft_release(radx_cufft_plan *p)
{
    if (!p) return;
    {
        std::lock_guard<std::mutex> lk(g_mu);
        if (p->cached) {
            p->in_use = 0;
            p->last_use = ++g_tick;
            return;
        }
    }
    plan_free(p);
}

extern "C" void radx_cufft_cache_clear(void *stream)
{
    radx_cufft_plan *victims[RADX_CUFFT_CACHE];
    int nv;
    {
        std::lock_guard<std::mutex> lk(g_mu);
        nv = cache_take_idle((cudaStream_t)stream, stream == NULL, victims);
    }
    for (int i = 0; i < nv; i++) plan_free(victims[i]);
}

extern "C" void *radx_cuda_test_stream(void)
{
    int n = 0;
    if (cudaGetDeviceCount(&n) != cudaSuccess || n == 0) {
        cudaGetLastError();
        return NULL;
    }
    cudaStream_t s = NULL;
    if (cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking) != cudaSuccess) {
        cudaGetLastError();
        return NULL;
    }
    return (void *)s;
}

extern "C" void radx_cuda_test_stream_destroy(void *stream)
{
    if (!stream) return;
    cudaStreamSynchronize((cudaStream_t)stream);
    radx_cufft_cache_clear(stream);
    cudaStreamDestroy((cudaStream_t)stream);
}
