/* SPDX-License-Identifier: BSD-3-Clause */
/* Public API contract: NULL and bad arguments give the documented statuses (never a crash),
 * messages are kept per context, plans are reusable across cases, results are well-formed. */
#include "radx.h"
#include "radx_test.h"

int main(void)
{
    CHECK(radx_ctx_create(NULL) == RADX_ERR_ARG, "ctx_create(NULL)");
    radx_ctx *ctx = NULL, *ctx2 = NULL;
    CHECK(radx_ctx_create(&ctx) == RADX_OK && ctx, "ctx_create");
    CHECK(radx_ctx_create(&ctx2) == RADX_OK && ctx2, "ctx_create 2");
    CHECK(strcmp(radx_ctx_last_error(ctx), "") == 0, "fresh context has no error");
    CHECK(radx_params_create(NULL, NULL) == RADX_ERR_ARG, "params_create(NULL)");
    radx_params *p = NULL;
    CHECK(radx_params_create(ctx, &p) == RADX_OK, "params_create");
    CHECK(radx_params_load(ctx, p, NULL) == RADX_ERR_ARG, "params_load(NULL path)");
    CHECK(radx_params_load(ctx, p, "/nonexistent/params.yaml") == RADX_ERR_IO, "params_load missing file");
    CHECK(strstr(radx_ctx_last_error(ctx), "/nonexistent/params.yaml") != NULL, "message names the file: %s",
          radx_ctx_last_error(ctx));
    CHECK(strcmp(radx_ctx_last_error(ctx2), "") == 0, "errors are per context");
    CHECK(radx_params_set(ctx, p, "binWidth", "-1") == RADX_ERR_PARAM, "binWidth -1");
    CHECK(strstr(radx_ctx_last_error(ctx), "binWidth") != NULL, "message names the setting");
    CHECK(radx_params_set(ctx, p, "noSuchSetting", "1") == RADX_ERR_PARAM, "unknown setting");
    CHECK(radx_params_load_string(ctx, p, NULL, "<dict>") == RADX_ERR_ARG, "params_load_string(NULL)");
    CHECK(radx_params_load_string(ctx, p, "{\"setting\": {\"binWidth\": -2}}", "<dict>") == RADX_ERR_PARAM &&
              strstr(radx_ctx_last_error(ctx), "<dict>") && strstr(radx_ctx_last_error(ctx), "binWidth"),
          "JSON text with a bad value: %s", radx_ctx_last_error(ctx));
    CHECK(radx_params_load_string(ctx, p, "setting:\n  binWidth: [oops\n", "<yaml>") != RADX_OK &&
              strstr(radx_ctx_last_error(ctx), "<yaml>:"),
          "broken YAML text: %s", radx_ctx_last_error(ctx));
    CHECK(radx_params_load_string(ctx, p, " \n", "<dict>") == RADX_ERR_PARAM, "empty text");
    CHECK(radx_params_load_string(ctx, p, "{\"imageType\": {\"Original\": {}}, \"setting\": {\"binWidth\": 5}}",
                                  "<dict>") == RADX_OK,
          "JSON text: %s", radx_ctx_last_error(ctx));
    CHECK(radx_params_set(ctx, p, "binWidth", "10") == RADX_OK, "binWidth 10: %s", radx_ctx_last_error(ctx));
    CHECK(radx_plan_create(ctx, NULL, RADX_BACKEND_CPU, NULL) == RADX_ERR_ARG, "plan_create(NULL)");
    radx_plan *plan = NULL;
    CHECK(radx_plan_create(ctx, p, RADX_BACKEND_CPU, &plan) == RADX_OK, "plan_create: %s", radx_ctx_last_error(ctx));
    radx_params_destroy(p); /* the plan keeps its own copy */
    CHECK(radx_plan_backend(plan) == RADX_BACKEND_CPU, "backend cpu");
    if (!radx_backend_available(RADX_BACKEND_CUDA)) {
        radx_params *q;
        radx_params_create(ctx, &q);
        radx_plan *cp = NULL;
        CHECK(radx_plan_create(ctx, q, RADX_BACKEND_CUDA, &cp) == RADX_ERR_DEVICE && cp == NULL,
              "cuda without device -> RADX_ERR_DEVICE");
        CHECK(strstr(radx_ctx_last_error(ctx), "cuda") != NULL, "message: %s", radx_ctx_last_error(ctx));
        radx_params_destroy(q);
    }
    radx_result *r = NULL;
    CHECK(radx_plan_execute(plan, NULL, "x", 0, &r) == RADX_ERR_ARG, "execute(NULL image)");
    CHECK(radx_plan_execute(NULL, "x", "y", 0, &r) == RADX_ERR_ARG, "execute(NULL plan)");
    char img[512], msk[512], img2[512], msk2[512];
    snprintf(img, sizeof img, "%s/data/pyradiomics/breast1_image.nrrd", RADX_SOURCE_DIR);
    snprintf(msk, sizeof msk, "%s/data/pyradiomics/breast1_label.nrrd", RADX_SOURCE_DIR);
    snprintf(img2, sizeof img2, "%s/data/pyradiomics/breast1_image.nii.gz", RADX_SOURCE_DIR);
    snprintf(msk2, sizeof msk2, "%s/data/pyradiomics/breast1_label.nii.gz", RADX_SOURCE_DIR);
    /* one plan, several cases; NRRD and NIfTI copies of the same case give the same features */
    radx_result *a = NULL, *b = NULL;
    CHECK(radx_plan_execute(plan, img, msk, 0, &a) == RADX_OK, "execute nrrd: %s", radx_ctx_last_error(ctx));
    CHECK(radx_plan_execute(plan, img2, msk2, 0, &b) == RADX_OK, "execute nii: %s", radx_ctx_last_error(ctx));
    CHECK(radx_plan_execute(plan, img, msk, 5, &r) == RADX_ERR_LABEL && r == NULL, "absent label -> RADX_ERR_LABEL");
    if (a && b) {
        size_t nf = 0;
        for (size_t i = 0; i < radx_result_count(a); i++) {
            const char *name = radx_result_name(a, i);
            if (!radx_result_is_number(a, i)) continue;
            long j = radx_result_find(b, name);
            CHECK(j >= 0, "%s missing from the NIfTI run", name);
            if (j >= 0) {
                double x = radx_result_value(a, i), y = radx_result_value(b, (size_t)j);
                /* the NIfTI copy stores spacing as float32 (0.664062 vs 0.6640625...): features that
                 * scale with spacing differ in the 7th digit, the rest must be identical */
                double e = fabs(x - y) / (fabs(x) > 1e-300 ? fabs(x) : 1);
                CHECK(e < 2e-6 || (isnan(x) && isnan(y)), "%s: nrrd %.17g vs nii %.17g", name, x, y);
            }
            nf++;
        }
        CHECK(nf == 107, "default extraction gives %zu features, PyRadiomics gives 107", nf);
        CHECK(radx_result_find(a, "diagnostics_Versions_radx") == 0, "diagnostics first");
        CHECK(radx_result_find(a, "no such feature") == -1, "find absent");
        CHECK(radx_result_name(a, radx_result_count(a)) == NULL, "out of range name");
        CHECK(isnan(radx_result_value(a, 100000)), "out of range value");
        /* every entry at once: the same names, values and kinds as one by one */
        const size_t n = radx_result_count(a), len = radx_result_names(a, NULL, 0);
        char *names = malloc(len + 1), small[8];
        double *v = malloc(sizeof *v * n);
        unsigned char *num = malloc(n);
        CHECK(radx_result_names(a, small, sizeof small) == len && small[0] == 0, "names that do not fit");
        CHECK(radx_result_names(a, names, len + 1) == len, "names length");
        radx_result_values(a, v, num, n);
        size_t k = 0, same = 0;
        for (char *s = names, *e; s; s = e ? e + 1 : NULL, k++) {
            e = strchr(s, '\n');
            if (e) *e = 0;
            same += k < n && !strcmp(s, radx_result_name(a, k)) && num[k] == radx_result_is_number(a, k) &&
                    (num[k] ? v[k] == radx_result_value(a, k) || (isnan(v[k]) && isnan(radx_result_value(a, k)))
                            : isnan(v[k]));
        }
        CHECK(k == n && same == n, "radx_result_names / values: %zu of %zu entries as one by one", same, n);
        free(names);
        free(v);
        free(num);
    }
    radx_result_destroy(a);
    radx_result_destroy(b);
    radx_result_destroy(NULL);
    radx_plan_destroy(plan);
    radx_plan_destroy(NULL);
    radx_params_destroy(NULL);
    radx_ctx_destroy(ctx);
    radx_ctx_destroy(ctx2);
    CHECK(strcmp(radx_status_string(RADX_ERR_LABEL), "label absent from mask") == 0, "status string");
    return radx_test_finish("test_api");
}
