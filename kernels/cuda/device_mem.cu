/* SPDX-License-Identifier: BSD-3-Clause */
/* Device memory for every CUDA stage: see kernels/cuda/device_mem.cuh. */
#include <atomic>
#include <mutex>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cuda/device_mem.cuh"

namespace
{
std::atomic<unsigned long long> g_in_use(0); /* every plan's device bytes */
std::atomic<unsigned long long> g_budget(0); /* 0: not set up yet */
std::once_flag g_setup;
thread_local int t_oom;

void setup_once(void)
{
    int dev = 0, pools = 0;
    size_t freeb = 0, total = 0;
    unsigned long long budget = 0;
    if (cudaGetDevice(&dev) == cudaSuccess && cudaMemGetInfo(&freeb, &total) == cudaSuccess)
        budget = (unsigned long long)((double)total * 0.9);
    cudaGetLastError();
    const char *env = getenv("RADX_CUDA_MEMORY_MIB");
    if (env && *env) {
        char *end = NULL;
        const double mib = strtod(env, &end);
        if (end != env && mib > 0) budget = (unsigned long long)(mib * 1048576.0);
    }
    if (budget == 0) budget = 1ull << 30;
    g_budget.store(budget);
    /* keep freed blocks in the pool for the next case, up to the budget */
    if (cudaDeviceGetAttribute(&pools, cudaDevAttrMemoryPoolsSupported, dev) == cudaSuccess && pools) {
        cudaMemPool_t pool;
        if (cudaDeviceGetDefaultMemPool(&pool, dev) == cudaSuccess) {
            uint64_t thr = (uint64_t)budget;
            cudaMemPoolSetAttribute(pool, cudaMemPoolAttrReleaseThreshold, &thr);
        }
    }
    cudaGetLastError();
}

/* Page-locked host memory of the whole process (every backend context's pool and every thread's
 * slots): pinning takes pages from the operating system for good, so `radx batch -j N` with N
 * contexts must not pin N times as much.  The cap: RADX_CUDA_PINNED_MIB, or a quarter of the
 * physical memory, at most RADX_HOST_POOL_MAX_BYTES per context times 4.  Beyond it, ordinary
 * memory (the copies are then staged by the driver). */
static std::atomic<unsigned long long> g_pinned_total(0);
static std::once_flag g_pin_setup;
static unsigned long long g_pin_cap;

static void pin_setup(void)
{
    const char *env = getenv("RADX_CUDA_PINNED_MIB");
    char *end = NULL;
    const double mib = env ? strtod(env, &end) : -1.0;
    if (env && end != env && mib >= 0) {
        g_pin_cap = (unsigned long long)(mib * 1048576.0);
        return;
    }
    const long pages = sysconf(_SC_PHYS_PAGES), psz = sysconf(_SC_PAGESIZE);
    const unsigned long long phys = pages > 0 && psz > 0 ? (unsigned long long)pages * (unsigned long long)psz : 0;
    const unsigned long long most = 4ull * RADX_HOST_POOL_MAX_BYTES;
    g_pin_cap = phys ? (phys / 4 < most ? phys / 4 : most) : RADX_HOST_POOL_MAX_BYTES;
}

/* Takes bytes from the process's page-locked allowance; 0 when that would pass the cap. */
static int pin_take(size_t bytes)
{
    std::call_once(g_pin_setup, pin_setup);
    unsigned long long cur = g_pinned_total.load();
    do {
        if (cur + bytes > g_pin_cap) return 0;
    } while (!g_pinned_total.compare_exchange_weak(cur, cur + bytes));
    return 1;
}
static void pin_give(size_t bytes) { g_pinned_total -= bytes; }

/* Page-locked host memory within the process's allowance: *p, or 0 (nothing taken). */
static int pin_alloc(void **p, size_t bytes)
{
    if (!pin_take(bytes)) return 0;
    if (cudaHostAlloc(p, bytes, cudaHostAllocDefault) == cudaSuccess) return 1;
    cudaGetLastError();
    pin_give(bytes);
    *p = NULL;
    return 0;
}

static void pin_free(void *p, size_t bytes)
{
    cudaFreeHost(p);
    pin_give(bytes);
}

/* The calling thread's pinned host slots (radx_dev::pinned), freed when the thread ends. */
struct pinned_slots {
    void *p[RADX_PINNED_SLOTS] = {};
    size_t cap[RADX_PINNED_SLOTS] = {};
    bool host_pinned[RADX_PINNED_SLOTS] = {};
    void release(int k)
    {
        if (!p[k]) return;
        if (host_pinned[k])
            pin_free(p[k], cap[k]);
        else
            free(p[k]);
        p[k] = NULL;
        cap[k] = 0;
    }
    ~pinned_slots()
    {
        for (int k = 0; k < RADX_PINNED_SLOTS; k++) release(k);
        cudaGetLastError();
    }
};
thread_local pinned_slots t_pinned;

/* Reserves bytes against the process's budget and cu's own (cu may be NULL); 0 when over one. */
int reserve(size_t bytes, radx_cuda *cu)
{
    std::call_once(g_setup, setup_once);
    if (cu && cu->own_budget && cu->in_use + bytes > cu->own_budget) return 0;
    unsigned long long cur = g_in_use.load();
    do {
        if (cur + bytes > g_budget.load()) return 0;
    } while (!g_in_use.compare_exchange_weak(cur, cur + bytes));
    if (cu) {
        cu->in_use += bytes;
        if (cu->in_use > cu->peak) cu->peak = cu->in_use;
    }
    return 1;
}

void unreserve(size_t bytes, radx_cuda *cu)
{
    g_in_use.fetch_sub(bytes);
    if (cu) cu->in_use -= bytes;
}

int pools_supported(void)
{
    int dev = 0, pools = 0;
    if (cudaGetDevice(&dev) != cudaSuccess ||
        cudaDeviceGetAttribute(&pools, cudaDevAttrMemoryPoolsSupported, dev) != cudaSuccess) {
        cudaGetLastError();
        return 0;
    }
    return pools;
}

/* radx_mirror_dev callbacks: u is the radx_cuda. */
void *mirror_alloc(void *u, size_t bytes)
{
    void *d = NULL;
    return radx_dev::persistent_alloc((radx_cuda *)u, &d, bytes) == cudaSuccess ? d : NULL;
}

void mirror_free(void *u, void *d, size_t bytes) { radx_dev::persistent_free((radx_cuda *)u, d, bytes); }

int mirror_upload(void *u, void *d, const void *h, size_t bytes)
{
    cudaError_t e = cudaMemcpyAsync(d, h, bytes, cudaMemcpyHostToDevice, ((radx_cuda *)u)->stream);
    if (e != cudaSuccess) cudaGetLastError();
    return e == cudaSuccess ? 0 : -1;
}

int mirror_download(void *u, void *h, const void *d, size_t bytes)
{
    cudaStream_t st = ((radx_cuda *)u)->stream;
    cudaError_t e = cudaMemcpyAsync(h, d, bytes, cudaMemcpyDeviceToHost, st);
    if (e == cudaSuccess) e = cudaStreamSynchronize(st);
    if (e != cudaSuccess) cudaGetLastError();
    return e == cudaSuccess ? 0 : -1;
}

void *mirror_host_alloc(void *u, size_t bytes) { return radx_dev::host_pool_alloc(&((radx_cuda *)u)->pool, bytes); }

void mirror_host_free(void *u, void *h)
{
    /* an upload from h may still be queued on the stream */
    cudaStreamSynchronize(((radx_cuda *)u)->stream);
    cudaGetLastError();
    radx_dev::host_pool_free(&((radx_cuda *)u)->pool, h);
}
} // namespace

namespace radx_dev
{

cudaError_t dmem_init(dmem *m, radx_cuda *cu)
{
    int dev = 0, pools = 0;
    memset(m, 0, sizeof *m);
    m->st = cu->stream;
    m->cu = cu;
    std::call_once(g_setup, setup_once);
    cudaError_t e = cudaGetDevice(&dev);
    if (e == cudaSuccess) e = cudaDeviceGetAttribute(&pools, cudaDevAttrMemoryPoolsSupported, dev);
    m->async = e == cudaSuccess && pools;
    return e;
}

cudaError_t dmalloc_bytes(dmem *m, void **ptr, size_t bytes)
{
    cudaError_t e;
    *ptr = NULL;
    /* a call holds a bounded number of buffers; more is a bug, not a memory shortage */
    if (m->n >= RADX_DEV_MAX_BUFS) return cudaErrorInvalidValue;
    if (!reserve(bytes, m->cu)) {
        t_oom = 1;
        return cudaErrorMemoryAllocation;
    }
    e = m->async ? cudaMallocAsync(ptr, bytes, m->st) : cudaMalloc(ptr, bytes);
    if (e != cudaSuccess) {
        if (e == cudaErrorMemoryAllocation) t_oom = 1;
        unreserve(bytes, m->cu);
        *ptr = NULL;
        return e;
    }
    m->bytes[m->n] = bytes;
    m->p[m->n++] = *ptr;
    return cudaSuccess;
}

void dfree_all(dmem *m)
{
    int i;
    if (m->n > 0) cudaStreamSynchronize(m->st); /* nothing queued may still use them */
    cudaGetLastError();
    for (i = m->n - 1; i >= 0; i--) {
        if (m->async)
            cudaFreeAsync(m->p[i], m->st);
        else
            cudaFree(m->p[i]);
        unreserve(m->bytes[i], m->cu);
        m->p[i] = NULL;
    }
    m->n = 0;
    if (m->async) cudaStreamSynchronize(m->st); /* the frees have run when the call returns */
    cudaGetLastError();
}

cudaError_t upload(dmem *m, const void *h, size_t bytes, void **d)
{
    cudaError_t e = dmalloc_bytes(m, d, bytes > 0 ? bytes : 1);
    if (e == cudaSuccess && bytes > 0) e = cudaMemcpyAsync(*d, h, bytes, cudaMemcpyHostToDevice, m->st);
    return e;
}

cudaError_t upload_unless(dmem *m, const void *d, const void *h, size_t bytes, const void **out)
{
    if (d) {
        *out = d;
        return cudaSuccess;
    }
    void *q = NULL;
    cudaError_t e = upload(m, h, bytes, &q);
    *out = q;
    return e;
}

radx_mirror_dev mirror_dev(radx_cuda *cu)
{
    radx_mirror_dev d;
    d.alloc = mirror_alloc;
    d.free = mirror_free;
    d.upload = mirror_upload;
    d.download = mirror_download;
    d.host_alloc = mirror_host_alloc;
    d.host_free = mirror_host_free;
    d.u = cu;
    return d;
}

void *host_pool_alloc(host_pool *hp, size_t bytes)
{
    int best = -1;
    if (bytes == 0) bytes = 1;
    for (int i = 0; i < hp->n; i++)
        if (!hp->used[i] && hp->cap[i] >= bytes && (best < 0 || hp->cap[i] < hp->cap[best])) best = i;
    if (best < 0) {
        /* room for a new block: evict the largest unused one if the table or the cap is full */
        const size_t want = bytes + bytes / 4; /* the next case is often a little larger */
        int victim = -1;
        for (int i = 0; i < hp->n; i++)
            if (!hp->used[i] && (victim < 0 || hp->cap[i] > hp->cap[victim])) victim = i;
        if ((hp->n == RADX_HOST_POOL_BLOCKS || hp->pinned_bytes + want > RADX_HOST_POOL_MAX_BYTES) && victim >= 0) {
            pin_free(hp->p[victim], hp->cap[victim]);
            hp->pinned_bytes -= hp->cap[victim];
            hp->p[victim] = hp->p[hp->n - 1];
            hp->cap[victim] = hp->cap[hp->n - 1];
            hp->used[victim] = hp->used[hp->n - 1];
            hp->n--;
        }
        void *p = NULL;
        if (hp->n == RADX_HOST_POOL_BLOCKS || hp->pinned_bytes + want > RADX_HOST_POOL_MAX_BYTES ||
            !pin_alloc(&p, want))
            return malloc(bytes); /* host_pool_free tells it from the pool's blocks */
        best = hp->n++;
        hp->p[best] = p;
        hp->cap[best] = want;
        hp->pinned_bytes += want;
    }
    hp->used[best] = true;
    return hp->p[best];
}

void host_pool_free(host_pool *hp, void *p)
{
    if (!p) return;
    for (int i = 0; i < hp->n; i++)
        if (hp->p[i] == p) {
            hp->used[i] = false;
            return;
        }
    free(p);
}

void host_pool_clear(host_pool *hp)
{
    for (int i = 0; i < hp->n; i++) pin_free(hp->p[i], hp->cap[i]);
    cudaGetLastError();
    memset(hp, 0, sizeof *hp);
}

cudaError_t persistent_alloc(radx_cuda *cu, void **ptr, size_t bytes)
{
    *ptr = NULL;
    if (!reserve(bytes, cu)) {
        t_oom = 1;
        return cudaErrorMemoryAllocation;
    }
    cudaError_t e = pools_supported() ? cudaMallocAsync(ptr, bytes, cu->stream) : cudaMalloc(ptr, bytes);
    if (e != cudaSuccess) {
        cudaGetLastError();
        if (e == cudaErrorMemoryAllocation) t_oom = 1;
        unreserve(bytes, cu);
        *ptr = NULL;
    }
    return e;
}

void persistent_free(radx_cuda *cu, void *ptr, size_t bytes)
{
    if (!ptr) return;
    if (pools_supported())
        cudaFreeAsync(ptr, cu->stream);
    else
        cudaFree(ptr);
    cudaGetLastError();
    unreserve(bytes, cu);
}

void *pinned(int slot, size_t bytes)
{
    pinned_slots &ps = t_pinned;
    if (slot < 0 || slot >= RADX_PINNED_SLOTS) return NULL;
    if (bytes == 0) bytes = 1;
    if (ps.p[slot] && ps.cap[slot] >= bytes) return ps.p[slot];
    ps.release(slot);
    const size_t want = bytes + bytes / 4; /* room for the next, slightly larger case */
    if (pin_alloc(&ps.p[slot], want)) {
        ps.host_pinned[slot] = true;
    } else {
        ps.p[slot] = malloc(want);
        ps.host_pinned[slot] = false;
    }
    ps.cap[slot] = ps.p[slot] ? want : 0;
    return ps.p[slot];
}

void clear_oom(void) { t_oom = 0; }
void note_oom(void) { t_oom = 1; }
int oom(void) { return t_oom; }

size_t available(const radx_cuda *cu)
{
    std::call_once(g_setup, setup_once);
    size_t freeb = 0, total = 0;
    const unsigned long long b = g_budget.load(), u = g_in_use.load();
    size_t left = b > u ? (size_t)(b - u) : 0;
    if (cu && cu->own_budget) {
        const size_t own = cu->own_budget > cu->in_use ? (size_t)(cu->own_budget - cu->in_use) : 0;
        if (own < left) left = own;
    }
    if (cudaMemGetInfo(&freeb, &total) != cudaSuccess) {
        cudaGetLastError();
        return left;
    }
    /* memory the pool keeps for reuse is free for us too, though the driver counts it as used */
    int dev = 0;
    cudaMemPool_t pool;
    uint64_t reserved = 0, used = 0;
    if (cudaGetDevice(&dev) == cudaSuccess && cudaDeviceGetDefaultMemPool(&pool, dev) == cudaSuccess &&
        cudaMemPoolGetAttribute(pool, cudaMemPoolAttrReservedMemCurrent, &reserved) == cudaSuccess &&
        cudaMemPoolGetAttribute(pool, cudaMemPoolAttrUsedMemCurrent, &used) == cudaSuccess && reserved > used)
        freeb += (size_t)(reserved - used);
    cudaGetLastError();
    return left < freeb ? left : freeb;
}

radx_status cuda_status(cudaError_t e, const char *stage, const char *what, radx_err *err)
{
    cudaGetLastError();
    if (e == cudaErrorMemoryAllocation)
        return radx_seterr(err, RADX_ERR_NOMEM, "%s: out of GPU memory (%s)", stage, what);
    return radx_seterr(err, RADX_ERR_DEVICE, "%s: CUDA: %s failed: %s", stage, what, cudaGetErrorString(e));
}

int sm_count(void)
{
    int dev = 0, n = 0;
    if (cudaGetDevice(&dev) != cudaSuccess ||
        cudaDeviceGetAttribute(&n, cudaDevAttrMultiProcessorCount, dev) != cudaSuccess) {
        cudaGetLastError();
        return 1;
    }
    return n > 0 ? n : 1;
}

int grid_for(int64_t n)
{
    const int64_t cap = 32 * (int64_t)sm_count();
    int64_t g = (n + RADX_DEV_BLOCK - 1) / RADX_DEV_BLOCK;
    if (g > cap) g = cap;
    return g < 1 ? 1 : (int)g;
}

unsigned long long budget(void)
{
    std::call_once(g_setup, setup_once);
    return g_budget.load();
}

} // namespace radx_dev
