/* SPDX-License-Identifier: BSD-3-Clause */
/* host/cpu/fft.h's 3-D real FFT on the GPU with cuFFT, with a plan cache per CUDA backend context.
 * Interface and layout: kernels/cuda/fft_cufft.h. */
#include <cuda_runtime.h>
#include <cufft.h>
#include <dlfcn.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <mutex>

#include "cuda/cuda_check.cuh"
#include "cuda/device_mem.cuh"
#include "cuda/fft_cufft.h"

/* cuFFT, opened at its first use: the library loads without it (a Python wheel on a machine with
 * the driver but not the toolkit, say), and without it the LoG declines the GPU and runs on the
 * CPU.  Looked for as RADX_CUFFT_LIBRARY names it, then by its soname (the loader's path, this
 * library's RUNPATH: the toolkit's folder it was built with). */
#define RADX_STR2(x) #x
#define RADX_STR(x)  RADX_STR2(x)
/* clang-format off */
#define CUFFT_FUNCS(X) \
    X(cufftCreate) X(cufftDestroy) X(cufftSetAutoAllocation) X(cufftMakePlanMany64) \
    X(cufftSetStream) X(cufftSetWorkArea) X(cufftExecR2C) X(cufftExecC2R)
/* clang-format on */
struct cufft_api {
#define X(f) decltype(&::f) f;
    CUFFT_FUNCS(X)
#undef X
    int loaded;
};
static cufft_api CUFFT;
static std::once_flag cufft_once;

static void cufft_open(void)
{
    const char *env = getenv("RADX_CUFFT_LIBRARY");
    const char *names[] = {env && env[0] ? env : NULL, "libcufft.so." RADX_STR(CUFFT_VER_MAJOR), "libcufft.so"};
    void *h = NULL;
    for (size_t i = 0; i < sizeof names / sizeof names[0] && !h; i++)
        if (names[i]) h = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    if (!h) return;
    int ok = 1;
#define X(f) ok &= (CUFFT.f = (decltype(&::f))dlsym(h, #f)) != NULL;
    CUFFT_FUNCS(X)
#undef X
    CUFFT.loaded = ok;
}

/* 1 when cuFFT could be opened (the first call tries). */
static int cufft_available(void)
{
    std::call_once(cufft_once, cufft_open);
    return CUFFT.loaded;
}

struct radx_cufft_plan {
    int64_t n[3];
    int axes;      /* transformed axes: 3, or the first 1 or 2 with the others batched */
    radx_cuda *cu; /* whose stream and budget */
    cufftHandle r2c, c2r;
    int have_r2c, have_c2r;
    void *work; /* device work area shared by the two plans (never run concurrently) */
    size_t work_size;
    int cached; /* 1: lives in the cache (returned there by radx_cufft_release) */
    int in_use;
    uint64_t last_use;
};

struct radx_cufft_cache {
    radx_cufft_plan *slot[RADX_CUFFT_CACHE];
    uint64_t tick;
};

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
    cudaStreamSynchronize(p->cu->stream); /* no queued transform may still use the plan */
    cudaGetLastError();
    if (p->have_r2c) CUFFT.cufftDestroy(p->r2c);
    if (p->have_c2r) CUFFT.cufftDestroy(p->c2r);
    if (p->work) radx_dev::persistent_free(p->cu, p->work, p->work_size);
    free(p);
}

/* Creates both plans; *oom = 1 when the failure was a device allocation. */
static radx_status plan_make(radx_cuda *cu, const int64_t n[3], int axes, radx_cufft_plan **out, int *oom,
                             radx_err *err)
{
    cudaStream_t s = cu->stream;
    *out = NULL;
    *oom = 0;
    if (!cufft_available()) { /* decline: the caller's op runs on the CPU */
        if (err) {
            err->status = RADX_OK;
            err->msg[0] = '\0';
        }
        return RADX_ERR_UNSUPPORTED;
    }
    radx_cufft_plan *p = (radx_cufft_plan *)calloc(1, sizeof *p);
    if (!p) return radx_seterr(err, RADX_ERR_NOMEM, "cuFFT: out of host memory");
    memcpy(p->n, n, sizeof p->n);
    p->axes = axes;
    p->cu = cu;
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
    cufftResult r = CUFFT.cufftCreate(&p->r2c);
    if (r == CUFFT_SUCCESS) {
        p->have_r2c = 1;
        r = CUFFT.cufftSetAutoAllocation(p->r2c, 0);
    }
    if (r == CUFFT_SUCCESS)
        r = CUFFT.cufftMakePlanMany64(p->r2c, rank, dims, re, 1, rdist, ce, 1, cdist, CUFFT_R2C, batch, &ws[0]);
    if (r == CUFFT_SUCCESS) {
        r = CUFFT.cufftCreate(&p->c2r);
        if (r == CUFFT_SUCCESS) p->have_c2r = 1;
    }
    if (r == CUFFT_SUCCESS) r = CUFFT.cufftSetAutoAllocation(p->c2r, 0);
    if (r == CUFFT_SUCCESS)
        r = CUFFT.cufftMakePlanMany64(p->c2r, rank, dims, ce, 1, cdist, re, 1, rdist, CUFFT_C2R, batch, &ws[1]);
    if (r != CUFFT_SUCCESS) {
        *oom = r == CUFFT_ALLOC_FAILED;
        plan_free(p);
        return radx_seterr(err, *oom ? RADX_ERR_NOMEM : RADX_ERR_DEVICE, "cuFFT: plan %lldx%lldx%lld: %s",
                           (long long)n[0], (long long)n[1], (long long)n[2], cufft_str(r));
    }
    p->work_size = ws[0] > ws[1] ? ws[0] : ws[1];
    if (p->work_size > 0) {
        cudaError_t e = radx_dev::persistent_alloc(cu, &p->work, p->work_size);
        if (e != cudaSuccess) {
            cudaGetLastError();
            p->work = NULL;
            *oom = e == cudaErrorMemoryAllocation;
            plan_free(p);
            return radx_seterr(err, *oom ? RADX_ERR_NOMEM : RADX_ERR_DEVICE,
                               "cuFFT: work area of %zu bytes for a %lldx%lldx%lld plan: %s",
                               ws[0] > ws[1] ? ws[0] : ws[1], (long long)n[0], (long long)n[1], (long long)n[2],
                               cudaGetErrorString(e));
        }
    }
    r = CUFFT.cufftSetWorkArea(p->r2c, p->work);
    if (r == CUFFT_SUCCESS) r = CUFFT.cufftSetWorkArea(p->c2r, p->work);
    if (r == CUFFT_SUCCESS) r = CUFFT.cufftSetStream(p->r2c, s);
    if (r == CUFFT_SUCCESS) r = CUFFT.cufftSetStream(p->c2r, s);
    if (r != CUFFT_SUCCESS) {
        plan_free(p);
        return radx_seterr(err, RADX_ERR_DEVICE, "cuFFT: plan %lldx%lldx%lld set-up: %s", (long long)n[0],
                           (long long)n[1], (long long)n[2], cufft_str(r));
    }
    *out = p;
    return RADX_OK;
}

radx_cufft_cache *radx_cufft_cache_new(void) { return (radx_cufft_cache *)calloc(1, sizeof(radx_cufft_cache)); }

void radx_cufft_cache_free(radx_cufft_cache *c)
{
    if (!c) return;
    for (int i = 0; i < RADX_CUFFT_CACHE; i++) plan_free(c->slot[i]);
    free(c);
}

radx_status radx_cufft_plan_3d(radx_cuda *cu, const int64_t n[3], radx_cufft_plan **out, radx_err *err)
{
    return radx_cufft_plan_many(cu, n, 3, out, err);
}

/* An idle cached plan of that shape, or NULL. */
static radx_cufft_plan *cache_find(radx_cufft_cache *c, const int64_t n[3], int axes)
{
    for (int i = 0; i < RADX_CUFFT_CACHE; i++) {
        radx_cufft_plan *p = c->slot[i];
        if (p && !p->in_use && p->axes == axes && p->n[0] == n[0] && p->n[1] == n[1] && p->n[2] == n[2]) return p;
    }
    return NULL;
}

/* Keeps p in the cache: an empty slot, or the least recently used idle plan's (destroyed). */
static void cache_keep(radx_cufft_cache *c, radx_cufft_plan *p)
{
    int k = -1;
    for (int i = 0; i < RADX_CUFFT_CACHE && k < 0; i++)
        if (!c->slot[i]) k = i;
    if (k < 0)
        for (int i = 0; i < RADX_CUFFT_CACHE; i++)
            if (!c->slot[i]->in_use && (k < 0 || c->slot[i]->last_use < c->slot[k]->last_use)) k = i;
    if (k < 0) return; /* every slot in use: p lives until released */
    plan_free(c->slot[k]);
    c->slot[k] = p;
    p->cached = 1;
}

radx_status radx_cufft_plan_many(radx_cuda *cu, const int64_t n[3], int axes, radx_cufft_plan **out, radx_err *err)
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
    radx_cufft_plan *p = cache_find(cu->fft, n, axes);
    if (!p) {
        int oom = 0;
        radx_status st = plan_make(cu, n, axes, &p, &oom, err);
        if (st != RADX_OK && oom) { /* the idle cached plans hold device memory: free them, retry once */
            radx_cufft_cache_clear(cu);
            st = plan_make(cu, n, axes, &p, &oom, err);
        }
        if (st != RADX_OK && oom) radx_dev::note_oom();
        if (st != RADX_OK) return st;
        cache_keep(cu->fft, p);
    }
    p->in_use = 1;
    p->last_use = ++cu->fft->tick;
    *out = p;
    return RADX_OK;
}

int64_t radx_cufft_buffer_len(const radx_cufft_plan *p) { return (p->n[0] / 2 + 1) * p->n[1] * p->n[2]; }

size_t radx_cufft_work_size(const radx_cufft_plan *p) { return p ? p->work_size : 0; }

radx_status radx_cufft_r2c(radx_cufft_plan *p, radx_fft_cpx *dbuf, radx_err *err)
{
    cufftResult r = CUFFT.cufftExecR2C(p->r2c, (cufftReal *)dbuf, (cufftComplex *)dbuf);
    if (r != CUFFT_SUCCESS)
        return radx_seterr(err, RADX_ERR_DEVICE, "cuFFT: forward %lldx%lldx%lld transform: %s", (long long)p->n[0],
                           (long long)p->n[1], (long long)p->n[2], cufft_str(r));
    return RADX_OK;
}

radx_status radx_cufft_c2r(radx_cufft_plan *p, radx_fft_cpx *dbuf, radx_err *err)
{
    cufftResult r = CUFFT.cufftExecC2R(p->c2r, (cufftComplex *)dbuf, (cufftReal *)dbuf);
    if (r != CUFFT_SUCCESS)
        return radx_seterr(err, RADX_ERR_DEVICE, "cuFFT: inverse %lldx%lldx%lld transform: %s", (long long)p->n[0],
                           (long long)p->n[1], (long long)p->n[2], cufft_str(r));
    return RADX_OK;
}

void radx_cufft_release(radx_cufft_plan *p)
{
    if (!p) return;
    if (p->cached) {
        p->in_use = 0;
        p->last_use = ++p->cu->fft->tick;
    } else {
        plan_free(p);
    }
}

void radx_cufft_cache_clear(radx_cuda *cu)
{
    radx_cufft_cache *c = cu->fft;
    for (int i = 0; i < RADX_CUFFT_CACHE; i++)
        if (c->slot[i] && !c->slot[i]->in_use) {
            plan_free(c->slot[i]);
            c->slot[i] = NULL;
        }
}
