/* SPDX-License-Identifier: BSD-3-Clause */
/* Thread count and memory limit (see limits.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "core/limits.h"

static uint64_t rlimit_bytes(int which)
{
    struct rlimit r;
    if (getrlimit(which, &r) != 0 || r.rlim_cur == RLIM_INFINITY) return 0;
    return (uint64_t)r.rlim_cur;
}

/* A thread's stack: OMP_STACKSIZE as libgomp reads it (a number, then B, K, M or G; K when
 * none), else the pthread default (ulimit -s; 8 MiB when unlimited or unreadable). */
static double stack_bytes(void)
{
    const char *s = getenv("OMP_STACKSIZE");
    uint64_t dflt = rlimit_bytes(RLIMIT_STACK);
    if (!s) return dflt ? (double)dflt : 8.0 * 1024 * 1024;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || errno || !(v >= 0)) return dflt ? (double)dflt : 8.0 * 1024 * 1024;
    while (*end == ' ') end++;
    double unit = 1024;
    switch (*end) {
    case 'b':
    case 'B': unit = 1; break;
    case 'k':
    case 'K': unit = 1024; break;
    case 'm':
    case 'M': unit = 1024.0 * 1024; break;
    case 'g':
    case 'G': unit = 1024.0 * 1024 * 1024; break;
    default: break;
    }
    return v * unit;
}

int radx_thread_count(int requested)
{
    int n = requested;
#ifdef _OPENMP
    if (n <= 0) {
        n = omp_get_max_threads();
        long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
        if (ncpu > 0 && ncpu <= RADX_MAX_THREADS / 4 && n > 4 * ncpu) n = (int)(4 * ncpu);
    }
#endif
    if (n < 1) n = 1;
    if (n > RADX_MAX_THREADS) n = RADX_MAX_THREADS;
    /* thread stacks come out of the same memory as the data: at most half of it (OpenMP aborts
     * when it cannot create a thread) */
    double stack = stack_bytes();
    if (stack > 0 && n > 1) {
        double room = (double)radx_memory_limit(NULL) / 2 / stack;
        if (room < n) n = room < 1 ? 1 : (int)room;
    }
    return n;
}

static void take_min(uint64_t *lim, const char **src, uint64_t v, const char *name)
{
    if (v > 0 && v < *lim) {
        *lim = v;
        if (src) *src = name;
    }
}

/* RADX_MEMORY_MIB as bytes; 0 when unset or not a positive integer. */
static uint64_t env_limit(void)
{
    const char *s = getenv("RADX_MEMORY_MIB");
    if (!s || *s < '0' || *s > '9') return 0;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (*end || errno || v == 0 || v > (UINT64_MAX >> 20)) return 0;
    return (uint64_t)v << 20;
}

/* The container's memory limit (cgroup v2 memory.max, else v1 memory.limit_in_bytes); 0 when
 * none can be read ("max", or a v1 limit of almost 2^63). */
static uint64_t cgroup_limit(void)
{
    static const char *const files[] = {"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"};
    for (int i = 0; i < 2; i++) {
        FILE *f = fopen(files[i], "r");
        if (!f) continue;
        unsigned long long v = 0;
        int ok = fscanf(f, "%llu", &v) == 1;
        fclose(f);
        return ok && v < ((uint64_t)1 << 62) ? (uint64_t)v : 0;
    }
    return 0;
}

uint64_t radx_memory_limit(const char **source)
{
    uint64_t lim = UINT64_MAX, env = env_limit();
    if (source) *source = "no limit";
    /* RADX_MEMORY_MIB replaces the machine's memory (it may allow more, e.g. with swap), not the
     * rlimits, past which allocations fail whatever radx estimates */
    if (env) {
        take_min(&lim, source, env, "RADX_MEMORY_MIB");
    } else {
        long pages = sysconf(_SC_PHYS_PAGES), psz = sysconf(_SC_PAGESIZE);
        if (pages > 0 && psz > 0) take_min(&lim, source, (uint64_t)pages * (uint64_t)psz, "physical memory");
        take_min(&lim, source, cgroup_limit(), "cgroup memory limit");
    }
    take_min(&lim, source, rlimit_bytes(RLIMIT_AS), "ulimit -v");
    take_min(&lim, source, rlimit_bytes(RLIMIT_DATA), "ulimit -d");
    return lim;
}

radx_status radx_memory_check(double need_bytes, const char *what, radx_err *err)
{
    const char *src;
    uint64_t lim = radx_memory_limit(&src);
    if (!(need_bytes > (double)lim)) return RADX_OK;
    const double mib = 1024.0 * 1024.0;
    return radx_seterr(err, RADX_ERR_NOMEM, "%s: needs about %.0f MiB, more than the %.0f MiB allowed (%s)", what,
                       need_bytes / mib, (double)lim / mib, src);
}
