/* SPDX-License-Identifier: BSD-3-Clause */
/* IBSI-1 digital phantom: every feature PyRadiomics maps to an IBSI code
 * (data/pyradiomics/featuresDict_IBSIv7.tsv, from PyRadiomics) against the IBSI-1 manual's
 * reference values (data/ibsi1/reference_values/ibsi1_manual_reference_values.csv, CC-BY-4.0).
 * Settings: data/ibsi1/digital_phantom_pyradiomics.yaml.  Aggregation compared: "3D, averaged" for GLCM
 * and GLRLM (PyRadiomics averages features over directions), "3D" for GLSZM/GLDM/NGTDM, none for
 * morphology and statistics.  Tolerance: the manual's where given; for the digital phantom the
 * manual gives none, the values being exact to their printed digits, so the rule is
 * |radx - ref| <= half a unit of the last printed digit.
 *
 * Places where PyRadiomics semantics and IBSI differ, and what the test does about each:
 *  - Kurtosis: PyRadiomics reports m4/m2^2, IBSI (IPH6) the excess m4/m2^2 - 3.  Tested both ways:
 *    default radx (PyRadiomics) minus 3, and radx with ibsiKurtosisExcess: true directly.
 *  - PCA axis lengths: PyRadiomics normalises the covariance of the voxel coordinates by N, IBSI
 *    by N - 1.  Minor (P9VJ) and least (7J51) axis then miss the IBSI tolerance on this 74-voxel
 *    phantom (PyRadiomics' own 2018 IBSI submission reports the same 9.2449 and 8.4781); the test
 *    checks radx * sqrt(N / (N - 1)) against IBSI for all three axis lengths (Elongation and
 *    Flatness are ratios, unaffected).
 *  - featuresDict_IBSIv7.tsv files four GLSZM features (5RAI, HW1V, YH51, J17V) under "glcm" and
 *    names three GLSZM features differently from PyRadiomics (ZoneSizeVariance, ZoneSizeEntropy,
 *    ...GreyLevel...); the test maps them to PyRadiomics' names.
 * Differences that cannot show on this phantom (IBSI settings chosen to avoid them) are listed
 * in README.md ("PyRadiomics and IBSI"). */
#include "ibsi1_check.h" /* ibsi1_print_tolerance */

static const char *fix_name(const char *f)
{
    if (!strcmp(f, "ZoneSizeVariance")) return "ZoneVariance";
    if (!strcmp(f, "ZoneSizeEntropy")) return "ZoneEntropy";
    if (!strcmp(f, "LowGreyLevelZoneEmphasis")) return "LowGrayLevelZoneEmphasis";
    if (!strcmp(f, "HighGreyLevelZoneEmphasis")) return "HighGrayLevelZoneEmphasis";
    return f;
}

static const char *fix_class(const char *code, const char *cls)
{
    if (!strcmp(code, "5RAI") || !strcmp(code, "HW1V") || !strcmp(code, "YH51") || !strcmp(code, "J17V"))
        return "glszm";
    return cls;
}

/* deprecated features whose PyRadiomics getter raises DeprecationWarning, so neither PyRadiomics
 * nor radx reports them (each is a duplicate of another feature, which is compared) */
static int never_reported(const char *f)
{
    static const char *const names[] = {
        "Dissimilarity",       "Homogeneity1", "Homogeneity2", "SumVariance", "GrayLevelNonUniformityNormalized",
        "DependencePercentage"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(f, names[i])) return 1;
    return 0;
}

static radx_result *run(radx_ctx *ctx, int excess)
{
    radx_params *p;
    radx_params_create(ctx, &p);
    char path[1024], img[1024], msk[1024];
    snprintf(path, sizeof path, "%s/data/ibsi1/digital_phantom_pyradiomics.yaml", RADX_SOURCE_DIR);
    snprintf(img, sizeof img, "%s/data/ibsi1/digital_phantom/image.nii.gz", RADX_SOURCE_DIR);
    snprintf(msk, sizeof msk, "%s/data/ibsi1/digital_phantom/mask.nii.gz", RADX_SOURCE_DIR);
    radx_plan *plan = NULL;
    radx_result *r = NULL;
    radx_status s = radx_params_load(ctx, p, path);
    if (!s && excess) s = radx_params_set(ctx, p, "ibsiKurtosisExcess", "true");
    if (!s) s = radx_plan_create(ctx, p, RADX_BACKEND_CPU, &plan);
    if (!s) s = radx_plan_execute(plan, img, msk, 0, &r);
    CHECK(s == RADX_OK, "digital phantom: %s", radx_ctx_last_error(ctx));
    radx_plan_destroy(plan);
    radx_params_destroy(p);
    return r;
}

int main(void)
{
    char path[1024];
    csv_table ref, dict;
    snprintf(path, sizeof path, "%s/data/ibsi1/reference_values/ibsi1_manual_reference_values.csv", RADX_SOURCE_DIR);
    if (csv_load(path, ',', &ref)) {
        fprintf(stderr, "cannot read %s\n", path);
        return 1;
    }
    snprintf(path, sizeof path, "%s/data/pyradiomics/featuresDict_IBSIv7.tsv", RADX_SOURCE_DIR);
    if (csv_load(path, '\t', &dict)) {
        fprintf(stderr, "cannot read %s\n", path);
        return 1;
    }
    radx_ctx *ctx;
    radx_ctx_create(&ctx);
    radx_result *r = run(ctx, 0), *rx = run(ctx, 1);
    if (!r || !rx) return radx_test_finish("test_ibsi1_digital_phantom");

    int ncompared = 0;
    double worst_rel_tol = 0; /* |err| / tolerance, worst */
    for (int d = 1; d < dict.nrows; d++) {
        const char *code = csv_get(&dict, d, 1), *cls = csv_get(&dict, d, 2), *feat = csv_get(&dict, d, 3);
        if (!cls[0] || !feat[0]) continue;
        cls = fix_class(code, cls);
        feat = fix_name(feat);
        int pca = !strcmp(code, "TDIC") || !strcmp(code, "P9VJ") || !strcmp(code, "7J51");
        const char *agg = !strcmp(cls, "glcm") || !strcmp(cls, "glrlm")           ? "3D, averaged"
                          : (!strcmp(cls, "shape") || !strcmp(cls, "firstorder")) ? ""
                                                                                  : "3D";
        int found = 0;
        for (int k = 1; k < ref.nrows; k++) {
            if (strcmp(csv_get(&ref, k, 2), code) || strcmp(csv_get(&ref, k, 4), "dig. phantom") ||
                strcmp(csv_get(&ref, k, 5), agg))
                continue;
            found = 1;
            const char *vs = csv_get(&ref, k, 6), *ts = csv_get(&ref, k, 7);
            double refv = strtod(vs, NULL), tol = ts[0] ? strtod(ts, NULL) : ibsi1_print_tolerance(vs);
            char name[256];
            snprintf(name, sizeof name, "original_%s_%s", cls, feat);
            long i = radx_result_find(r, name);
            if (i < 0 && never_reported(feat)) {
                printf("%-4s %-52s not reported: PyRadiomics raises DeprecationWarning for it\n", code, name);
                continue;
            }
            CHECK(i >= 0, "%s (%s) not computed", name, code);
            if (i < 0) continue;
            double v = radx_result_value(r, (size_t)i);
            if (pca) {
                long nv = radx_result_find(r, "diagnostics_Mask-original_VoxelNum");
                double N = nv >= 0 ? strtod(radx_result_text(r, (size_t)nv), NULL) : NAN;
                printf("%-4s %-52s radx %.6g, IBSI normalisation sqrt(N/(N-1)), N = %.0f: %.6g\n", code, name, v, N,
                       v * sqrt(N / (N - 1)));
                v *= sqrt(N / (N - 1));
            }
            double err = fabs(v - refv);
            CHECK(err <= tol * (1 + 1e-9), "%s (%s): radx %.6g, IBSI %s +- %g", name, code, v, vs, tol);
            printf("%-4s %-52s radx %-12.6g IBSI %-8s tol %-8.3g err/tol %.3f\n", code, name, v, vs, tol, err / tol);
            if (err / tol > worst_rel_tol) worst_rel_tol = err / tol;
            ncompared++;
        }
        CHECK(found, "no IBSI digital-phantom reference for %s (%s %s)", code, cls, feat);
    }
    /* kurtosis, both behaviours */
    for (int k = 1; k < ref.nrows; k++) {
        if (strcmp(csv_get(&ref, k, 2), "IPH6") || strcmp(csv_get(&ref, k, 4), "dig. phantom")) continue;
        const char *vs = csv_get(&ref, k, 6);
        double refv = strtod(vs, NULL), tol = ibsi1_print_tolerance(vs);
        long i = radx_result_find(r, "original_firstorder_Kurtosis");
        long j = radx_result_find(rx, "original_firstorder_Kurtosis");
        CHECK(i >= 0 && j >= 0, "Kurtosis not computed");
        if (i < 0 || j < 0) break;
        double vp = radx_result_value(r, (size_t)i), vi = radx_result_value(rx, (size_t)j);
        CHECK(fabs(vp - 3.0 - refv) <= tol, "Kurtosis (PyRadiomics) %.6g - 3 vs IBSI %s", vp, vs);
        CHECK(fabs(vi - refv) <= tol, "Kurtosis (ibsiKurtosisExcess) %.6g vs IBSI %s", vi, vs);
        printf("IPH6 Kurtosis: PyRadiomics mode %.6g (minus 3: %.6g), IBSI mode %.6g, IBSI %s +- %g\n", vp, vp - 3, vi,
               vs, tol);
        ncompared += 2;
    }
    printf("%d IBSI reference values compared; worst |error| / tolerance = %.3f\n", ncompared, worst_rel_tol);
    radx_result_destroy(r);
    radx_result_destroy(rx);
    csv_free(&ref);
    csv_free(&dict);
    radx_ctx_destroy(ctx);
    return radx_test_finish("test_ibsi1_digital_phantom");
}
