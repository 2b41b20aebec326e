/* SPDX-License-Identifier: BSD-3-Clause */
/* radx against the current PyRadiomics (3.0.1 from PyPI): references generated with
 * bench/pyradiomics_ref.py into data/pyradiomics/reference/<case>_<variant>.json (versions and
 * command inside each file), for brain1 and breast1 and the baseline variants.  Goal: every
 * feature within 1e-6 relative (0 exactly where PyRadiomics gives 0, NaN where it gives NaN), and
 * every diagnostics row but the versions textually identical.  Prints the largest relative error
 * per class and case. */
#include "radx.h"
#include "radx_test.h"

#ifndef RADX_SOURCE_DIR
#define RADX_SOURCE_DIR "."
#endif

#define TOL 1e-6

static const char *const variants[] = {"base", "2d", "FBN", "combined", "flatRegion", "normalization",
                                       "resegmentation", "shape2D"};
static const char *const cases[] = {"brain1", "breast1"};
static const char *const classes[] = {"shape", "firstorder", "glcm", "glrlm", "glszm", "gldm", "ngtdm", "shape2D"};

int main(void)
{
    radx_ctx *ctx;
    radx_ctx_create(&ctx);
    double worst_all = 0;
    int total = 0;
    for (int ci = 0; ci < 2; ci++)
        for (int vi = 0; vi < 8; vi++) {
            char ref[1024], prm[1024], img[1024], msk[1024];
            snprintf(ref, sizeof ref, "%s/data/pyradiomics/reference/%s_%s.json", RADX_SOURCE_DIR, cases[ci], variants[vi]);
            snprintf(prm, sizeof prm, "%s/data/pyradiomics/baseline_params/%s.yaml", RADX_SOURCE_DIR, variants[vi]);
            snprintf(img, sizeof img, "%s/data/pyradiomics/%s_image.nrrd", RADX_SOURCE_DIR, cases[ci]);
            snprintf(msk, sizeof msk, "%s/data/pyradiomics/%s_label%s.nrrd", RADX_SOURCE_DIR, cases[ci],
                     vi == 7 ? "_2D" : "");
            FILE *f = fopen(ref, "r");
            CHECK(f != NULL, "cannot read %s", ref);
            if (!f) continue;
            radx_params *p;
            radx_params_create(ctx, &p);
            radx_plan *plan = NULL;
            radx_result *r = NULL;
            radx_status s = radx_params_load(ctx, p, prm);
            if (!s) s = radx_plan_create(ctx, p, RADX_BACKEND_CPU, &plan);
            if (!s) s = radx_plan_execute(plan, img, msk, 0, &r);
            CHECK(s == RADX_OK, "%s %s: %s", cases[ci], variants[vi], radx_ctx_last_error(ctx));
            double worst[8] = {0};
            const char *worst_name[8] = {0};
            char wn[8][128];
            int count[8] = {0}, nref = 0;
            char line[4096];
            int ndiag = 0, ndiag_ok = 0;
            while (r && fgets(line, sizeof line, f)) {
                char *dq = strstr(line, "\"diagnostics_");
                if (dq && !strstr(line, "diagnostics_Versions_")) {
                    /* diagnostics: the same text PyRadiomics prints */
                    char *e1 = strchr(dq + 1, '"');
                    char *v0 = e1 ? strstr(e1, ": \"") : NULL;
                    char *v1 = v0 ? strrchr(v0 + 3, '"') : NULL;
                    if (!v1) continue;
                    *e1 = 0;
                    *v1 = 0;
                    long i = radx_result_find(r, dq + 1);
                    const char *mine = i >= 0 ? radx_result_text(r, (size_t)i) : "(missing)";
                    ndiag++;
                    int same = strcmp(mine, v0 + 3) == 0;
                    ndiag_ok += same;
                    CHECK(same, "%s %s %s: radx '%s' PyRadiomics '%s'", cases[ci], variants[vi], dq + 1, mine, v0 + 3);
                    continue;
                }
                char *q = strstr(line, "\"original_");
                if (!q) continue;
                char *end = strchr(q + 1, '"');
                if (!end) continue;
                *end = 0;
                const char *name = q + 1;
                char *colon = strchr(end + 1, ':');
                if (!colon) continue;
                double refv = strncmp(colon + 2, "null", 4) == 0 ? NAN : strtod(colon + 1, NULL);
                nref++;
                long i = radx_result_find(r, name);
                CHECK(i >= 0, "%s %s: %s not computed", cases[ci], variants[vi], name);
                if (i < 0) continue;
                double v = radx_result_value(r, (size_t)i);
                double e = radx_test_relerr(v, refv);
                CHECK(e <= TOL, "%s %s %s: radx %.17g PyRadiomics %.17g (rel err %.3g)", cases[ci], variants[vi],
                      name, v, refv, e);
                int c = 0;
                for (int k = 0; k < 8; k++) {
                    char pre[64];
                    snprintf(pre, sizeof pre, "original_%s_", classes[k]);
                    if (strncmp(name, pre, strlen(pre)) == 0) c = k;
                }
                count[c]++;
                if (e > worst[c] || !worst_name[c]) {
                    worst[c] = e;
                    snprintf(wn[c], sizeof wn[c], "%s", name + 9);
                    worst_name[c] = wn[c];
                }
            }
            fclose(f);
            /* same feature set, nothing extra */
            size_t nfeat = 0;
            for (size_t i = 0; r && i < radx_result_count(r); i++) nfeat += radx_result_is_number(r, i);
            CHECK(!r || (int)nfeat == nref, "%s %s: radx gives %zu features, PyRadiomics %d", cases[ci], variants[vi],
                  nfeat, nref);
            printf("%-8s %-15s diagnostics: %d of %d identical to PyRadiomics' text\n", cases[ci], variants[vi],
                   ndiag_ok, ndiag);
            for (int c = 0; c < 8; c++) {
                if (!count[c]) continue;
                printf("%-8s %-15s %-10s %3d features  max rel err %.2e  (%s)\n", cases[ci], variants[vi], classes[c],
                       count[c], worst[c], worst_name[c]);
                if (worst[c] > worst_all) worst_all = worst[c];
                total += count[c];
            }
            radx_result_destroy(r);
            radx_plan_destroy(plan);
            radx_params_destroy(p);
        }
    printf("%d values compared with PyRadiomics 3.0.1; max rel err %.2e (goal %.0e)\n", total, worst_all, TOL);
    radx_ctx_destroy(ctx);
    return radx_test_finish("test_pyradiomics_current");
}
