/* SPDX-License-Identifier: BSD-3-Clause */
/* radx against the current PyRadiomics (3.0.1 from PyPI): references generated with
 * bench/pyradiomics_ref.py into data/pyradiomics/reference/<case>_<variant>.json (versions and
 * command inside each file), for brain1 and breast1: the baseline variants, resampling
 * (2 x 2 x 2 mm B-spline) and the flagship EGFR-TKI configuration (data/lung_ct_egfr_delta.yaml:
 * 0.702 mm in-plane B-spline resampling, original + LoG 1.5/3/5 mm, binCount 50, 378 features),
 * and a resegmentation that shrinks the ROI's bounding box (shape on the original mask cropped to
 * the resegmented box, and with resegmentShape on the resegmented mask), and normalize with
 * resampling to an anisotropic grid (the interpolated image's mean, summed as numpy sums), and the
 * point-filter image types (Square, SquareRoot, Logarithm, Exponential) and Gradient (with and
 * without gradientUseSpacing).
 * Goals: original-image features within 1e-6 relative (0 exactly where PyRadiomics gives 0, NaN
 * where it gives NaN), LoG features within 1e-4 (PyRadiomics-compatible LoG); the same feature
 * names in PyRadiomics' order, nothing missing or extra; every diagnostics row but the versions
 * textually identical.
 * Prints the largest relative error per case, image type and class. */
#include "radx.h"
#include "radx_test.h"

#define TOL_ORIGINAL 1e-6
#define TOL_FILTERED 1e-4

/* A parameter file and the cases it runs on: NULL for brain1 and breast1, else names separated
 * by spaces, "syn/<name>" for data/pyradiomics/synthetic/<name>_{image,label}.nrrd. */
typedef struct variant {
    const char *name, *params, *mask_suffix, *cases;
} variant;
#define SYN(v)    "data/pyradiomics/variant_params/" v ".yaml"
#define LBP_CASES "brain1 breast1 syn/odd_f32 syn/even_i16 syn/flat_f32 syn/tiny_f64"

static const variant variants[] = {
    {"base", "data/pyradiomics/baseline_params/base.yaml", "", NULL},
    {"2d", "data/pyradiomics/baseline_params/2d.yaml", "", NULL},
    {"FBN", "data/pyradiomics/baseline_params/FBN.yaml", "", NULL},
    {"combined", "data/pyradiomics/baseline_params/combined.yaml", "", NULL},
    {"flatRegion", "data/pyradiomics/baseline_params/flatRegion.yaml", "", NULL},
    {"normalization", "data/pyradiomics/baseline_params/normalization.yaml", "", NULL},
    {"resegmentation", "data/pyradiomics/baseline_params/resegmentation.yaml", "", NULL},
    {"shape2D", "data/pyradiomics/baseline_params/shape2D.yaml", "_2D", NULL},
    {"resampling", "data/pyradiomics/baseline_params/resampling.yaml", "", NULL},
    {"flagship", "data/lung_ct_egfr_delta.yaml", "", NULL},
    {"reseg_box", "data/pyradiomics/variant_params/reseg_box.yaml", "", NULL},
    {"reseg_box_shape", "data/pyradiomics/variant_params/reseg_box_shape.yaml", "", NULL},
    {"normalize_resample", "data/pyradiomics/variant_params/normalize_resample.yaml", "", NULL},
    {"point_filters", "data/pyradiomics/variant_params/point_filters.yaml", "", NULL},
    {"gradient", "data/pyradiomics/variant_params/gradient.yaml", "", NULL},
    {"gradient_nospacing", "data/pyradiomics/variant_params/gradient_nospacing.yaml", "", NULL},
    {"wavelet", "data/pyradiomics/variant_params/wavelet.yaml", "", NULL},
    {"wavelet_levels", "data/pyradiomics/variant_params/wavelet_levels.yaml", "", NULL},
    {"wavelet_force2d", "data/pyradiomics/variant_params/wavelet_force2d.yaml", "", NULL},
    {"ex_exampleCT", "data/pyradiomics/params/exampleCT.yaml", "", NULL},
    {"ex_exampleMR_3mm", "data/pyradiomics/params/exampleMR_3mm.yaml", "", NULL},
    {"ex_exampleMR_5mm", "data/pyradiomics/params/exampleMR_5mm.yaml", "", NULL},
    {"ex_exampleMR_NoResampling", "data/pyradiomics/params/exampleMR_NoResampling.yaml", "", NULL},
    {"ex_MR_2D_extraction", "data/pyradiomics/params/MR_2D_extraction.yaml", "_2D", NULL},
    {"ex_Params", "data/pyradiomics/params/Params.yaml", "", NULL},
    {"ex_example_allShape", "data/pyradiomics/params/example_allShape.yaml", "", NULL},
    {"ex_exampleVoxel", "data/pyradiomics/params/exampleVoxel.yaml", "", NULL},
    {"syn_coif1", SYN("syn_coif1"), "", "syn/odd_f32 syn/even_i16 syn/flat_f32 syn/tiny_f64"},
    {"syn_db2", SYN("syn_db2"), "", "syn/odd_f32 syn/even_i16 syn/flat_f32 syn/tiny_f64"},
    {"syn_haar", SYN("syn_haar"), "", "syn/flat_f32 syn/odd_f32"},
    {"syn_levels", SYN("syn_levels"), "", "syn/odd_f32 syn/even_i16 syn/flat_f32"},
    {"syn_force2d_y", SYN("syn_force2d_y"), "", "syn/odd_f32 syn/even_i16 syn/tiny_f64"},
    {"syn_force2d_x", SYN("syn_force2d_x"), "", "syn/odd_f32 syn/even_i16 syn/tiny_f64"},
    {"syn_dmey", SYN("syn_dmey"), "", "syn/tiny_f64 syn/flat_f32"},
    {"syn_db38", SYN("syn_db38"), "", "syn/tiny_f64"},
    {"syn_flat_force2d0", SYN("syn_flat_force2d0"), "", "syn/flat_f32"},
    {"syn_flat_force2d1", SYN("syn_flat_force2d1"), "", "syn/flat_f32"},
    {"lbp2d", SYN("lbp2d"), "", LBP_CASES},
    {"lbp2d_default", SYN("lbp2d_default"), "", LBP_CASES},
    {"lbp2d_ror", SYN("lbp2d_ror"), "", LBP_CASES},
    {"lbp2d_var", SYN("lbp2d_var"), "", LBP_CASES},
    {"lbp2d_radius", SYN("lbp2d_radius"), "", LBP_CASES},
    {"lbp3d", SYN("lbp3d"), "", LBP_CASES},
    {"lbp3d_levels", SYN("lbp3d_levels"), "", LBP_CASES},
    {"lbp_reseg", SYN("lbp_reseg"), "", NULL},
};
#define NVAR      ((int)(sizeof variants / sizeof variants[0]))
#define MAXGROUPS 256
typedef struct group {
    char key[96]; /* "<imageType>_<class>" */
    int count;
    double worst;
    char worst_name[128];
} group;

int main(int argc, char **argv)
{
    const char *only = argc > 1 ? argv[1] : NULL; /* optional: one variant name */
    radx_ctx *ctx;
    radx_ctx_create(&ctx);
    double worst_orig = 0, worst_filt = 0;
    int total = 0;
    for (int vi = 0; vi < NVAR; vi++) {
        const variant *V = &variants[vi];
        if (only && strcmp(only, V->name)) continue;
        char list[256];
        snprintf(list, sizeof list, "%s", V->cases ? V->cases : "brain1 breast1");
        char *save = NULL;
        for (char *c = strtok_r(list, " ", &save); c; c = strtok_r(NULL, " ", &save)) {
            const int syn = !strncmp(c, "syn/", 4);
            const char *name = syn ? c + 4 : c, *dir = syn ? "data/pyradiomics/synthetic" : "data/pyradiomics";
            char ref[1024], prm[1024], img[1024], msk[1024];
            snprintf(ref, sizeof ref, "%s/data/pyradiomics/reference/%s_%s.json", RADX_SOURCE_DIR, name, V->name);
            snprintf(prm, sizeof prm, "%s/%s", RADX_SOURCE_DIR, V->params);
            snprintf(img, sizeof img, "%s/%s/%s_image.nrrd", RADX_SOURCE_DIR, dir, name);
            snprintf(msk, sizeof msk, "%s/%s/%s_label%s.nrrd", RADX_SOURCE_DIR, dir, name, V->mask_suffix);
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
            CHECK(s == RADX_OK, "%s %s: %s", name, V->name, radx_ctx_last_error(ctx));
            group g[MAXGROUPS];
            int ng = 0, nref = 0, ndiag = 0, ndiag_ok = 0, out_of_order = 0;
            long last_i = -1; /* radx's position of the previous reference feature */
            char line[8192];
            int in_features = 0;
            while (r && fgets(line, sizeof line, f)) {
                if (!strncmp(line, " \"features\": {", 14)) in_features = 1;
                if (!in_features || strncmp(line, "  \"", 3) != 0) continue; /* entries of "features" */
                char *name = line + 3;
                char *e1 = strchr(name, '"');
                if (!e1 || strncmp(e1, "\": ", 3) != 0) continue;
                *e1 = 0;
                char *val = e1 + 3;
                if (!strncmp(name, "diagnostics_", 12)) {
                    if (!strncmp(name, "diagnostics_Versions_", 21)) continue;
                    char *v1 = strrchr(val, '"');
                    if (val[0] != '"' || v1 == val) continue;
                    *v1 = 0;
                    long i = radx_result_find(r, name);
                    const char *mine = i >= 0 ? radx_result_text(r, (size_t)i) : "(missing)";
                    int same = strcmp(mine, val + 1) == 0;
                    ndiag++;
                    ndiag_ok += same;
                    CHECK(same, "%s %s %s: radx '%s' PyRadiomics '%s'", name, V->name, name, mine, val + 1);
                    continue;
                }
                double refv = strncmp(val, "null", 4) == 0 ? NAN : strtod(val, NULL);
                nref++;
                /* group: image type and class */
                char key[96];
                const char *u1 = strchr(name, '_'), *u2 = u1 ? strchr(u1 + 1, '_') : NULL;
                snprintf(key, sizeof key, "%.*s", u2 ? (int)(u2 - name) : (int)strlen(name), name);
                int filtered = strncmp(name, "original_", 9) != 0;
                double tol = filtered ? TOL_FILTERED : TOL_ORIGINAL;
                long i = radx_result_find(r, name);
                CHECK(i >= 0, "%s %s: %s not computed", name, V->name, name);
                if (i < 0) continue;
                CHECK(i > last_i, "%s %s: %s comes before %s in radx, after it in PyRadiomics", name, V->name, name,
                      radx_result_name(r, (size_t)last_i));
                out_of_order += i <= last_i;
                last_i = i;
                double v = radx_result_value(r, (size_t)i);
                double e = radx_test_relerr(v, refv);
                CHECK(e <= tol, "%s %s %s: radx %.17g PyRadiomics %.17g (rel err %.3g)", name, V->name, name, v, refv,
                      e);
                int k = 0;
                while (k < ng && strcmp(g[k].key, key)) k++;
                if (k == ng && ng < MAXGROUPS) {
                    snprintf(g[ng].key, sizeof g[ng].key, "%s", key);
                    g[ng].count = 0;
                    g[ng].worst = -1;
                    ng++;
                }
                if (k < ng) {
                    g[k].count++;
                    if (e > g[k].worst) {
                        g[k].worst = e;
                        snprintf(g[k].worst_name, sizeof g[k].worst_name, "%s", name + strlen(key) + 1);
                    }
                }
                if (filtered && e > worst_filt) worst_filt = e;
                if (!filtered && e > worst_orig) worst_orig = e;
                total++;
            }
            fclose(f);
            size_t nfeat = 0;
            for (size_t i = 0; r && i < radx_result_count(r); i++) nfeat += radx_result_is_number(r, i);
            CHECK(!r || (int)nfeat == nref, "%s %s: radx gives %zu features, PyRadiomics %d", name, V->name, nfeat,
                  nref);
            printf("%-8s %-15s %zu features (PyRadiomics %d), %s; diagnostics: %d of %d identical\n", name, V->name,
                   nfeat, nref, out_of_order ? "NOT in PyRadiomics' order" : "in PyRadiomics' order", ndiag_ok, ndiag);
            for (int k = 0; k < ng; k++)
                printf("%-8s %-15s %-30s %3d features  max rel err %.2e  (%s)\n", name, V->name, g[k].key, g[k].count,
                       g[k].worst, g[k].worst_name);
            radx_result_destroy(r);
            radx_plan_destroy(plan);
            radx_params_destroy(p);
        }
    }
    printf("%d values compared with PyRadiomics 3.0.1; max rel err: original %.2e (goal %.0e), filtered %.2e (goal "
           "%.0e)\n",
           total, worst_orig, TOL_ORIGINAL, worst_filt, TOL_FILTERED);
    radx_ctx_destroy(ctx);
    return radx_test_finish("test_pyradiomics_current");
}
