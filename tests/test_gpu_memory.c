/* SPDX-License-Identifier: BSD-3-Clause */
/* The CUDA device-memory budget (kernels/device_mem.cu): with a budget far too small for brain1
 * (RADX_CUDA_MEMORY_MIB=0.25, set before the first CUDA call), a CUDA plan must still give every
 * feature of the CPU plan (stages the budget cannot hold run on the CPU), report CPU
 * fallbacks, and never hold more than the budget.  Exits 77 without a CUDA device. */
#include <stdlib.h>
#include "radx.h"
#include "radx_test.h"

#ifndef RADX_SOURCE_DIR
#define RADX_SOURCE_DIR "."
#endif

static radx_result *run(radx_ctx *ctx, radx_backend b)
{
    radx_params *p;
    radx_plan *plan = NULL;
    radx_result *r = NULL;
    char img[512], msk[512];
    snprintf(img, sizeof img, "%s/data/pyradiomics/brain1_image.nrrd", RADX_SOURCE_DIR);
    snprintf(msk, sizeof msk, "%s/data/pyradiomics/brain1_label.nrrd", RADX_SOURCE_DIR);
    radx_params_create(ctx, &p);
    if (radx_plan_create(ctx, p, b, &plan) == RADX_OK) radx_plan_execute(plan, img, msk, 0, &r);
    CHECK(r != NULL, "brain1 (%s): %s", radx_backend_name(b), radx_ctx_last_error(ctx));
    radx_plan_destroy(plan);
    radx_params_destroy(p);
    return r;
}

int main(void)
{
    if (!radx_backend_available(RADX_BACKEND_CUDA)) {
        printf("test_gpu_memory: no CUDA backend or device here: skipped\n");
        return RADX_TEST_SKIP;
    }
    setenv("RADX_CUDA_MEMORY_MIB", "0.25", 1);
    radx_ctx *ctx;
    radx_ctx_create(&ctx);
    radx_result *cpu = run(ctx, RADX_BACKEND_CPU), *gpu = run(ctx, RADX_BACKEND_CUDA);
    unsigned long long peak = 0, budget = 0;
    long long fb = 0;
    radx_device_memory(&peak, &budget, &fb);
    printf("budget %.2f MiB: peak %.3f MiB, %lld stage(s) on the CPU\n", budget / 1048576.0, peak / 1048576.0, fb);
    CHECK(budget == (unsigned long long)(0.25 * 1048576.0), "budget %llu bytes", budget);
    CHECK(peak <= budget, "peak %llu over the budget %llu", peak, budget);
    CHECK(fb > 0, "no stage fell back to the CPU under a 0.25 MiB budget");
    if (cpu && gpu) {
        int n = 0;
        for (size_t i = 0; i < radx_result_count(cpu); i++) {
            if (!radx_result_is_number(cpu, i)) continue;
            long j = radx_result_find(gpu, radx_result_name(cpu, i));
            const double a = radx_result_value(cpu, i), b = j >= 0 ? radx_result_value(gpu, (size_t)j) : NAN;
            CHECK(a == b || (isnan(a) && isnan(b)), "%s: CPU %.17g CUDA %.17g", radx_result_name(cpu, i), a, b);
            n++;
        }
        printf("brain1: %d values equal between the CPU plan and the budget-starved CUDA plan\n", n);
    }
    radx_result_destroy(cpu);
    radx_result_destroy(gpu);
    radx_ctx_destroy(ctx);
    return radx_test_finish("test_gpu_memory");
}
