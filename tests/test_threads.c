/* SPDX-License-Identifier: BSD-3-Clause */
/* Results must not depend on the number of CPU threads: brain1 and breast1 with 1, 2 and 3
 * threads give bit-identical feature values (every class, distances [1,2], both GLCM modes). */
#include "radx.h"
#include "radx_test.h"

static radx_result *run(const char *cs, int threads, int variant)
{
    radx_ctx *ctx;
    radx_ctx_create(&ctx);
    radx_ctx_set_threads(ctx, threads);
    radx_params *p;
    radx_params_create(ctx, &p);
    if (variant == 1) {
        radx_params_set(ctx, p, "distances", "[1,2]");
        radx_params_set(ctx, p, "symmetricalGLCM", "false");
        radx_params_set(ctx, p, "weightingNorm", "euclidean");
        radx_params_set(ctx, p, "binCount", "64");
    }
    radx_plan *plan = NULL;
    radx_result *r = NULL;
    char img[512], msk[512];
    snprintf(img, sizeof img, "%s/data/pyradiomics/%s_image.nrrd", RADX_SOURCE_DIR, cs);
    snprintf(msk, sizeof msk, "%s/data/pyradiomics/%s_label.nrrd", RADX_SOURCE_DIR, cs);
    radx_status s = radx_plan_create(ctx, p, RADX_BACKEND_CPU, &plan);
    if (!s) s = radx_plan_execute(plan, img, msk, 0, &r);
    CHECK(s == RADX_OK, "%s: %s", cs, radx_ctx_last_error(ctx));
    radx_plan_destroy(plan);
    radx_params_destroy(p);
    radx_ctx_destroy(ctx);
    return r;
}

int main(void)
{
    const char *cases[] = {"brain1", "breast1"};
    for (int c = 0; c < 2; c++)
        for (int v = 0; v < 2; v++) {
            radx_result *ref = run(cases[c], 1, v);
            for (int t = 2; t <= 3; t++) {
                radx_result *r = run(cases[c], t, v);
                if (!ref || !r) continue;
                CHECK(radx_result_count(ref) == radx_result_count(r), "entry count differs");
                int ndiff = 0;
                for (size_t i = 0; i < radx_result_count(ref) && i < radx_result_count(r); i++) {
                    if (!radx_result_is_number(ref, i)) continue;
                    double a = radx_result_value(ref, i), b = radx_result_value(r, i);
                    int same = (a == b) || (isnan(a) && isnan(b));
                    CHECK(same, "%s variant %d, %d threads: %s %.17g vs 1 thread %.17g", cases[c], v, t,
                          radx_result_name(ref, i), b, a);
                    ndiff += !same;
                }
                printf("%-8s variant %d: %d threads vs 1: %d of %zu values differ\n", cases[c], v, t, ndiff,
                       radx_result_count(ref));
                radx_result_destroy(r);
            }
            radx_result_destroy(ref);
        }
    return radx_test_finish("test_threads");
}
