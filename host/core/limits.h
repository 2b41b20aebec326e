/* SPDX-License-Identifier: BSD-3-Clause */
/* Resource limits every run obeys: the thread count OpenMP may use and the memory a case may
 * take (host/core/limits.c). */
#ifndef RADX_LIMITS_H
#define RADX_LIMITS_H

#include <stdint.h>
#include "core/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The most threads a run uses, whatever asks for more (-j, radx_ctx_set_threads,
 * OMP_NUM_THREADS): the command line's -j limit. */
#define RADX_MAX_THREADS 4096

/* The thread count a call runs with: requested (> 0), else OpenMP's default, at most 4 x the
 * CPUs online; always at most RADX_MAX_THREADS and as many as half the memory limit holds
 * thread stacks (OMP_STACKSIZE, else ulimit -s): OpenMP aborts when it cannot create one. */
int radx_thread_count(int requested);

/* Bytes a run may allocate: the least of RLIMIT_AS, RLIMIT_DATA and either RADX_MEMORY_MIB
 * (MiB, a positive decimal integer; anything else is ignored) or, when it is not set, physical
 * memory and the cgroup's memory limit.  *source (when not NULL) names the bound that won
 * ("RADX_MEMORY_MIB", "physical memory", "cgroup memory limit", "ulimit -v", "ulimit -d"). */
uint64_t radx_memory_limit(const char **source);

/* RADX_ERR_NOMEM "WHAT: needs about N MiB, more than the M MiB allowed (SOURCE)" when need
 * exceeds radx_memory_limit(); what names the setting or file to change. */
radx_status radx_memory_check(double need_bytes, const char *what, radx_err *err);

#ifdef __cplusplus
}
#endif
#endif
