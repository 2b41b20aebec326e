/* SPDX-License-Identifier: BSD-3-Clause */
/* Shared by the GPU tests that compare whole extractions through the public API
 * (test_gpu_parity.c, test_gpu_memory.c): one shipped case through a plan
 * on a backend, and the comparison of two results. */
#ifndef RADX_GPU_PLAN_HARNESS_H
#define RADX_GPU_PLAN_HARNESS_H

#include <math.h>
#include <string.h>

#include "radx.h"
#include "radx_test.h"

/* data/pyradiomics/<cs> with PyRadiomics' defaults (binCount bincount when not NULL) on backend
 * b; NULL (and a failed check) when the plan or the run fails.  stats (may be NULL): the plan's
 * device statistics after the run. */
static inline radx_result *gp_run(radx_ctx *ctx, radx_backend b, const char *cs, const char *bincount,
                                  radx_device_stats *stats)
{
    radx_params *p;
    radx_plan *plan = NULL;
    radx_result *r = NULL;
    char img[512], msk[512];
    snprintf(img, sizeof img, "%s/data/pyradiomics/%s_image.nrrd", RADX_SOURCE_DIR, cs);
    snprintf(msk, sizeof msk, "%s/data/pyradiomics/%s_label.nrrd", RADX_SOURCE_DIR, cs);
    radx_params_create(ctx, &p);
    if (bincount) radx_params_set(ctx, p, "binCount", bincount);
    radx_status s = radx_plan_create(ctx, p, b, &plan);
    CHECK(s == RADX_OK, "plan (%s): %s", radx_backend_name(b), radx_ctx_last_error(ctx));
    if (!s) CHECK(radx_plan_backend(plan) == b, "plan backend %s", radx_backend_name(radx_plan_backend(plan)));
    if (!s) s = radx_plan_execute(plan, img, msk, 0, &r);
    CHECK(s == RADX_OK, "%s (%s): %s", cs, radx_backend_name(b), radx_ctx_last_error(ctx));
    if (stats) radx_plan_device_stats(plan, stats);
    radx_plan_destroy(plan);
    radx_params_destroy(p);
    return r;
}

/* Every numeric entry of cpu whose name contains `only` (NULL: all) must have the same value
 * (==, or both NaN) in gpu; returns how many differ, *compared how many were compared. */
static inline int gp_compare(const radx_result *cpu, const radx_result *gpu, const char *only, int *compared)
{
    int nd = 0, n = 0;
    for (size_t i = 0; i < radx_result_count(cpu); i++) {
        if (!radx_result_is_number(cpu, i)) continue;
        if (only && !strstr(radx_result_name(cpu, i), only)) continue;
        long j = radx_result_find(gpu, radx_result_name(cpu, i));
        const double x = radx_result_value(cpu, i), y = j >= 0 ? radx_result_value(gpu, (size_t)j) : NAN;
        const int same = x == y || (isnan(x) && isnan(y));
        CHECK(same, "%s: CPU %.17g CUDA %.17g", radx_result_name(cpu, i), x, y);
        nd += !same;
        n++;
    }
    if (compared) *compared = n;
    return nd;
}
#endif
