/* SPDX-License-Identifier: BSD-3-Clause */
/* radx against PyRadiomics' own baseline values (data/pyradiomics/baseline, copied from
 * PyRadiomics' repository): brain1 and breast1, every variant column, including _resampling
 * (2 x 2 x 2 mm, B-spline).  shape2D runs on the single-slice masks rebuilt by
 * tests/gen/make_2d_masks.py (their SimpleITK hashes equal the baseline's), with correctMask as
 * the baseline did.  Rule: PyRadiomics' own test rule, |1 - radx/baseline| < 3 %, and exactly 0
 * where the baseline is 0.  Prints the largest relative error per class and column. */
#include "csv_read.h"
#include "radx.h"
#include "radx_test.h"

static const char *const classes[] = {"firstorder", "glcm", "gldm", "glrlm", "glszm", "ngtdm", "shape", "shape2D"};
static const char *const variants[] = {
    "base", "2d", "FBN", "combined", "flatRegion", "normalization", "resegmentation", "shape2D", "resampling"};
static const char *const cases[] = {"brain1", "breast1"};

int main(void)
{
    csv_table tab[8];
    char path[1024];
    for (int c = 0; c < 8; c++) {
        snprintf(path, sizeof path, "%s/data/pyradiomics/baseline/baseline_%s.csv", RADX_SOURCE_DIR, classes[c]);
        if (csv_load(path, ',', &tab[c])) {
            fprintf(stderr, "cannot read %s\n", path);
            return 1;
        }
    }
    radx_ctx *ctx;
    radx_ctx_create(&ctx);
    double worst_all = 0;
    int compared_all = 0;
    for (int ci = 0; ci < 2; ci++) {
        for (int vi = 0; vi < 9; vi++) {
            char column[64];
            if (vi == 0)
                snprintf(column, sizeof column, "%s", cases[ci]);
            else
                snprintf(column, sizeof column, "%s_%s", cases[ci], variants[vi]);
            radx_params *p;
            radx_params_create(ctx, &p);
            snprintf(path, sizeof path, "%s/data/pyradiomics/baseline_params/%s.yaml", RADX_SOURCE_DIR, variants[vi]);
            radx_status s = radx_params_load(ctx, p, path);
            CHECK(s == RADX_OK, "%s: %s", path, radx_ctx_last_error(ctx));
            radx_plan *plan = NULL;
            if (!s) s = radx_plan_create(ctx, p, RADX_BACKEND_CPU, &plan);
            char img[1024], msk[1024];
            snprintf(img, sizeof img, "%s/data/pyradiomics/%s_image.nrrd", RADX_SOURCE_DIR, cases[ci]);
            snprintf(msk, sizeof msk, "%s/data/pyradiomics/%s_label%s.nrrd", RADX_SOURCE_DIR, cases[ci],
                     vi == 7 ? "_2D" : "");
            radx_result *r = NULL;
            if (!s) s = radx_plan_execute(plan, img, msk, 0, &r);
            CHECK(s == RADX_OK, "%s: %s", column, radx_ctx_last_error(ctx));
            if (s) {
                radx_plan_destroy(plan);
                radx_params_destroy(p);
                continue;
            }
            for (int c = 0; c < 8; c++) {
                const csv_table *t = &tab[c];
                int col = -1;
                for (int k = 0; k < t->len[0]; k++)
                    if (strcmp(csv_get(t, 0, k), column) == 0) col = k;
                if (col < 0) continue;
                double worst = 0;
                const char *worst_name = "-";
                int compared = 0, missing = 0;
                for (int row = 1; row < t->nrows; row++) {
                    const char *name = csv_get(t, row, 0);
                    const char *ref = csv_get(t, row, col);
                    if (strncmp(name, "original_", 9) != 0 || !ref[0]) continue;
                    long idx = radx_result_find(r, name);
                    if (idx < 0) {
                        missing++;
                        printf("  %-14s %-45s not computed (baseline %s)\n", column, name, ref);
                        continue;
                    }
                    double refv = strtod(ref, NULL);
                    double v = radx_result_value(r, (size_t)idx);
                    double e = radx_test_relerr(v, refv);
                    compared++;
                    CHECK(e < 0.03, "%s %s: radx %.17g baseline %s (rel err %.3g)", column, name, v, ref, e);
                    if (e > worst || isnan(e)) {
                        worst = e;
                        worst_name = name;
                    }
                }
                CHECK(missing == 0, "%s %s: %d baseline features not computed", column, classes[c], missing);
                printf("%-22s %-10s %3d features, max rel err %.3e (%s)\n", column, classes[c], compared, worst,
                       worst_name);
                if (worst > worst_all) worst_all = worst;
                compared_all += compared;
            }
            radx_result_destroy(r);
            radx_plan_destroy(plan);
            radx_params_destroy(p);
        }
    }
    printf("all columns: %d feature values compared, max rel err %.3e\n", compared_all, worst_all);
    for (int c = 0; c < 8; c++) csv_free(&tab[c]);
    radx_ctx_destroy(ctx);
    return radx_test_finish("test_pyradiomics_baseline");
}
