/* SPDX-License-Identifier: BSD-3-Clause */
/* CPU vs CUDA: the same cases through both backends must give identical features (the GPU ops
 * share their per-voxel rules with the CPU, and matrices are integer counts).  Exits 77 (CTest:
 * skipped) when radx was built without CUDA or no usable device is present. */
#include "radx.h"
#include "radx_test.h"

#ifndef RADX_SOURCE_DIR
#define RADX_SOURCE_DIR "."
#endif

static radx_result *run(radx_ctx *ctx, radx_backend b, const char *cs, const char *bincount)
{
    radx_params *p;
    radx_params_create(ctx, &p);
    if (bincount) radx_params_set(ctx, p, "binCount", bincount);
    radx_plan *plan = NULL;
    radx_result *r = NULL;
    char img[512], msk[512];
    snprintf(img, sizeof img, "%s/data/pyradiomics/%s_image.nrrd", RADX_SOURCE_DIR, cs);
    snprintf(msk, sizeof msk, "%s/data/pyradiomics/%s_label.nrrd", RADX_SOURCE_DIR, cs);
    radx_status s = radx_plan_create(ctx, p, b, &plan);
    CHECK(s == RADX_OK, "plan (%s): %s", radx_backend_name(b), radx_ctx_last_error(ctx));
    if (!s) CHECK(radx_plan_backend(plan) == b, "backend");
    if (!s) s = radx_plan_execute(plan, img, msk, 0, &r);
    CHECK(s == RADX_OK, "%s (%s): %s", cs, radx_backend_name(b), radx_ctx_last_error(ctx));
    radx_plan_destroy(plan);
    radx_params_destroy(p);
    return r;
}

int main(void)
{
    if (!radx_backend_available(RADX_BACKEND_CUDA)) {
        printf("test_gpu_parity: no CUDA backend or device here: skipped\n");
        return RADX_TEST_SKIP;
    }
    radx_ctx *ctx;
    radx_ctx_create(&ctx);
    const char *cases[] = {"brain1", "breast1"};
    const char *bins[] = {NULL, "64"};
    for (int c = 0; c < 2; c++)
        for (int b = 0; b < 2; b++) {
            radx_result *cpu = run(ctx, RADX_BACKEND_CPU, cases[c], bins[b]);
            radx_result *gpu = run(ctx, RADX_BACKEND_CUDA, cases[c], bins[b]);
            if (!cpu || !gpu) continue;
            int nd = 0;
            for (size_t i = 0; i < radx_result_count(cpu); i++) {
                if (!radx_result_is_number(cpu, i)) continue;
                long j = radx_result_find(gpu, radx_result_name(cpu, i));
                double x = radx_result_value(cpu, i), y = j >= 0 ? radx_result_value(gpu, (size_t)j) : NAN;
                int same = x == y || (isnan(x) && isnan(y));
                CHECK(same, "%s: cpu %.17g cuda %.17g", radx_result_name(cpu, i), x, y);
                nd += !same;
            }
            printf("%s %s: %d features differ between CPU and CUDA\n", cases[c], bins[b] ? "binCount 64" : "binWidth 25", nd);
            radx_result_destroy(cpu);
            radx_result_destroy(gpu);
        }
    radx_ctx_destroy(ctx);
    return radx_test_finish("test_gpu_parity");
}
