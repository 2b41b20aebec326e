/* SPDX-License-Identifier: BSD-3-Clause */
/* Voxel-based feature maps (radx map, radx_plan_execute_map; host/pipeline/voxelmap.c).
 *
 *  1. Kernel = segment: the map value at a voxel equals the segment extraction (the public
 *     radx_plan_execute) on a mask holding just that voxel's kernel (ROI voxels of the box
 *     c +- kernelRadius, or the whole box with maskedKernel false), for the features that do not
 *     depend on the discretisation offset.  With binWidth, bins are the intervals
 *     [k*binWidth, (k+1)*binWidth) whatever the ROI, so the kernel's own discretisation and the
 *     ROI-wide one differ by a constant level shift: features of gray-level differences,
 *     probabilities and raw values (first order) agree, those of absolute levels (JointAverage,
 *     Autocorrelation, Idmn's Ng, LowGrayLevel..., Busyness) and MCC (ROI level set) do not, and
 *     are left to part 2.  Both sides are double: goal 1e-9.
 *  2. PyRadiomics 3.0.1's own voxel-based output on breast1 (data/pyradiomics/voxel_ref/, made by
 *     tests/gen/map_ref.py: kernelRadius 1 and 2, maskedKernel true and false, voxelBatch,
 *     weighting / two distances / asymmetric GLCM, binCount + force2D, LoG), every ROI voxel,
 *     36 features of all six classes; NaN and initValue voxels must match exactly.  Goal 1e-6
 *     relative (original image); LoG 1e-4 as `extract` (radx's LoG differs from SimpleITK's by
 *     ~1e-7 of the response range).
 *  3. Thread-count invariance (1 thread vs all): bit-identical values.
 *  4. The public API and files: float maps with initValue outside the ROI, NIfTI and NRRD written
 *     by radx_map_save read back (with the SimpleITK-compatible reader) on the input's grid;
 *     the CLI writes one file per feature and none on error. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "radx_test.h"
#include "core/error.h"
#include "core/volume.h"
#include "io/io.h"
#include "params/params.h"
#include "features/features.h"
#include "params/params.h"
#include "backend/backend.h"
#include "pipeline/voxelmap.h"
#include "io/map_write.h"

#ifndef RADX_CLI
#define RADX_CLI "./radx"
#endif

#define REF_DIR RADX_SOURCE_DIR "/data/pyradiomics/voxel_ref"
#define IMAGE   RADX_SOURCE_DIR "/data/pyradiomics/breast1_image.nrrd"
#define MASK    RADX_SOURCE_DIR "/data/pyradiomics/breast1_label.nrrd"

/* ---- capture sink: every map's values at the ROI voxels, by name ---------------------------- */

typedef struct cap_map {
    char name[160];
    double init;
    double *v; /* nroi */
} cap_map;

typedef struct capture {
    cap_map *m;
    int n, cap;
    int64_t nroi;
    int64_t *vox;
    radx_geom grid;
    int nmaps_announced;
} capture;

static radx_status cap_begin(void *user, const radx_geom *g, int64_t nroi, int nmaps, radx_err *err)
{
    capture *c = user;
    c->grid = *g;
    c->nroi = nroi;
    c->nmaps_announced = nmaps;
    return RADX_OK;
}

static radx_status cap_class(void *user, const radx_vmap_class *k, radx_err *err)
{
    capture *c = user;
    const radx_feature_info *tab;
    int nf;
    radx_class_table(k->cls, &tab, &nf);
    if (!c->vox) {
        c->vox = malloc(sizeof *c->vox * (size_t)k->nroi);
        if (!c->vox) return radx_seterr(err, RADX_ERR_NOMEM, "oom");
        memcpy(c->vox, k->vox, sizeof *c->vox * (size_t)k->nroi);
    }
    for (int f = 0; f < k->nsel; f++) {
        if (c->n == c->cap) {
            c->cap = c->cap ? 2 * c->cap : 64;
            cap_map *nm = realloc(c->m, sizeof *nm * (size_t)c->cap);
            if (!nm) return radx_seterr(err, RADX_ERR_NOMEM, "oom");
            c->m = nm;
        }
        cap_map *m = &c->m[c->n++];
        snprintf(m->name, sizeof m->name, "%s_%s_%s", k->image_type, radx_class_name(k->cls), tab[k->sel[f]].name);
        m->init = k->init_value;
        m->v = malloc(sizeof *m->v * (size_t)k->nroi);
        if (!m->v) return radx_seterr(err, RADX_ERR_NOMEM, "oom");
        memcpy(m->v, k->values + (size_t)f * (size_t)k->nroi, sizeof *m->v * (size_t)k->nroi);
    }
    return RADX_OK;
}

static void cap_free(capture *c)
{
    for (int i = 0; i < c->n; i++) free(c->m[i].v);
    free(c->m);
    free(c->vox);
    memset(c, 0, sizeof *c);
}

static const cap_map *cap_find(const capture *c, const char *name)
{
    for (int i = 0; i < c->n; i++)
        if (!strcmp(c->m[i].name, name)) return &c->m[i];
    return NULL;
}

/* Runs the map of (image, mask) with the parameter file into c (doubles).  nthreads 0: default. */
static radx_status run_map(const char *params, const char *image, const char *mask, capture *c, char *msg)
{
    radx_params p;
    radx_err e = {RADX_OK, "", ""};
    radx_params_init_defaults(&p);
    radx_status st = radx_params_load_file(&p, params, &e);
    memset(c, 0, sizeof *c);
    radx_vmap_sink sink = {c, cap_begin, cap_class};
    const radx_be cpu = {&radx_cpu_backend, NULL};
    radx_volume img, msk;
    memset(&img, 0, sizeof img);
    memset(&msk, 0, sizeof msk);
    if (!st) st = radx_volume_read(image, &img, &e);
    if (!st) st = radx_volume_read(mask, &msk, &e);
    if (!st) st = radx_voxelmap_run(&p, &cpu, &img, image, &msk, mask, 0, &sink, &e);
    radx_volume_free(&img);
    radx_volume_free(&msk);
    radx_params_clear(&p);
    if (st && msg) snprintf(msg, RADX_ERR_LEN, "%s", e.msg);
    return st;
}

/* ---- 2. PyRadiomics references -------------------------------------------------------------- */

static const char *CLASSES[6] = {"firstorder", "glcm", "glrlm", "glszm", "gldm", "ngtdm"};

static int class_of(const char *name)
{
    for (int k = 0; k < 6; k++) {
        char pat[32];
        snprintf(pat, sizeof pat, "_%s_", CLASSES[k]);
        if (strstr(name, pat)) return k;
    }
    return -1;
}

static double *read_f64_gz(const char *path, size_t n)
{
    gzFile f = gzopen(path, "rb");
    if (!f) return NULL;
    double *v = malloc(sizeof *v * n);
    int ok = v && gzread(f, v, (unsigned)(sizeof *v * n)) == (int)(sizeof *v * n);
    gzclose(f);
    if (!ok) {
        free(v);
        return NULL;
    }
    return v; /* little-endian file, little-endian host (x86-64 / aarch64) */
}

static double worst_all_original = 0.0, worst_all_log = 0.0;

static void check_config(const char *name, int nroi, int nfeat, char (*feat)[160])
{
    char yaml[1024], bin[1024], msg[RADX_ERR_LEN] = "";
    snprintf(yaml, sizeof yaml, "%s/%s.yaml", REF_DIR, name);
    snprintf(bin, sizeof bin, "%s/%s.f64.gz", REF_DIR, name);
    double *ref = read_f64_gz(bin, (size_t)nroi * (size_t)nfeat);
    CHECK(ref != NULL, "%s: cannot read", bin);
    if (!ref) return;
    capture c;
    radx_status st = run_map(yaml, IMAGE, MASK, &c, msg);
    CHECK(st == RADX_OK, "%s: map failed: %s", name, msg);
    if (st) {
        free(ref);
        cap_free(&c);
        return;
    }
    CHECK(c.nroi == nroi, "%s: %lld ROI voxels, reference has %d", name, (long long)c.nroi, nroi);
    CHECK(c.n == nfeat && c.nmaps_announced == nfeat, "%s: %d maps (%d announced), reference has %d", name, c.n,
          c.nmaps_announced, nfeat);
    const int is_log = strstr(name, "log") != NULL;
    const double tol = is_log ? 1e-4 : 1e-6;
    double worst[6] = {0};
    int nnan = 0, ninit = 0;
    for (int f = 0; f < nfeat && c.nroi == nroi; f++) {
        const cap_map *m = cap_find(&c, feat[f]);
        CHECK(m != NULL, "%s: no map %s", name, feat[f]);
        if (!m) continue;
        const int k = class_of(feat[f]);
        for (int v = 0; v < nroi; v++) {
            const double r = ref[(size_t)f * (size_t)nroi + (size_t)v], x = m->v[v];
            if (isnan(r)) nnan++;
            if (r == m->init) ninit++;
            double e;
            if (r == m->init || x == m->init)
                e = (r == x) ? 0.0 : INFINITY; /* initValue: exactly */
            else
                e = radx_test_relerr(x, r);
            if (e > worst[k]) worst[k] = e;
            if (getenv("RADX_TEST_VERBOSE") && e > 1e-12) printf("    %s voxel %d rel %.3g\n", feat[f], v, e);
            if (!(e <= tol)) {
                CHECK(e <= tol, "%s: %s voxel %d: radx %.17g, PyRadiomics %.17g (rel %.3g)", name, feat[f], v, x, r, e);
                break;
            }
        }
    }
    printf("  %-16s", name);
    for (int k = 0; k < 6; k++) {
        printf(" %s %.2g", CLASSES[k], worst[k]);
        if (is_log) {
            if (worst[k] > worst_all_log) worst_all_log = worst[k];
        } else if (worst[k] > worst_all_original)
            worst_all_original = worst[k];
    }
    printf("  (NaN voxels %d, initValue voxels %d)\n", nnan, ninit);
    free(ref);
    cap_free(&c);
}

static void test_pyradiomics(void)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/manifest.txt", REF_DIR);
    FILE *f = fopen(path, "r");
    CHECK(f != NULL, "%s: %s", path, strerror(errno));
    if (!f) return;
    printf("PyRadiomics 3.0.1 voxel-based maps, breast1, largest relative error per class:\n");
    char line[512], cname[128] = "";
    static char feat[256][160];
    int nroi = 0, nfeat = 0, got = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = 0;
        if (!strncmp(line, "config ", 7)) {
            if (cname[0]) check_config(cname, nroi, nfeat, feat);
            CHECK(sscanf(line + 7, "%127s %d %d", cname, &nroi, &nfeat) == 3 && nfeat <= 256, "manifest: %s", line);
            got = 0;
        } else if (!strncmp(line, "feature ", 8) && got < 256) {
            snprintf(feat[got++], 160, "%.159s", line + 8);
        }
    }
    if (cname[0]) check_config(cname, nroi, nfeat, feat);
    fclose(f);
    printf("  largest: original image %.3g (goal 1e-6), LoG %.3g (goal 1e-4)\n", worst_all_original, worst_all_log);
}

/* ---- 1. kernel = segment -------------------------------------------------------------------- */

/* features that do not depend on the discretisation offset (see the top of the file) */
static const char *INVARIANT[] = {
    "firstorder_10Percentile",
    "firstorder_90Percentile",
    "firstorder_Energy",
    "firstorder_Entropy",
    "firstorder_InterquartileRange",
    "firstorder_Kurtosis",
    "firstorder_Maximum",
    "firstorder_Mean",
    "firstorder_MeanAbsoluteDeviation",
    "firstorder_Median",
    "firstorder_Minimum",
    "firstorder_Range",
    "firstorder_RobustMeanAbsoluteDeviation",
    "firstorder_RootMeanSquared",
    "firstorder_Skewness",
    "firstorder_TotalEnergy",
    "firstorder_Uniformity",
    "firstorder_Variance",
    "glcm_ClusterProminence",
    "glcm_ClusterShade",
    "glcm_ClusterTendency",
    "glcm_Contrast",
    "glcm_Correlation",
    "glcm_DifferenceAverage",
    "glcm_DifferenceEntropy",
    "glcm_DifferenceVariance",
    "glcm_Id",
    "glcm_Idm",
    "glcm_Imc1",
    "glcm_Imc2",
    "glcm_InverseVariance",
    "glcm_JointEnergy",
    "glcm_JointEntropy",
    "glcm_MaximumProbability",
    "glcm_SumEntropy",
    "glcm_SumSquares",
    "glrlm_GrayLevelNonUniformity",
    "glrlm_GrayLevelNonUniformityNormalized",
    "glrlm_GrayLevelVariance",
    "glrlm_LongRunEmphasis",
    "glrlm_RunEntropy",
    "glrlm_RunLengthNonUniformity",
    "glrlm_RunLengthNonUniformityNormalized",
    "glrlm_RunPercentage",
    "glrlm_RunVariance",
    "glrlm_ShortRunEmphasis",
    "glszm_GrayLevelNonUniformity",
    "glszm_GrayLevelNonUniformityNormalized",
    "glszm_GrayLevelVariance",
    "glszm_LargeAreaEmphasis",
    "glszm_SizeZoneNonUniformity",
    "glszm_SizeZoneNonUniformityNormalized",
    "glszm_SmallAreaEmphasis",
    "glszm_ZoneEntropy",
    "glszm_ZonePercentage",
    "glszm_ZoneVariance",
    "gldm_DependenceEntropy",
    "gldm_DependenceNonUniformity",
    "gldm_DependenceNonUniformityNormalized",
    "gldm_DependenceVariance",
    "gldm_GrayLevelNonUniformity",
    "gldm_GrayLevelVariance",
    "gldm_LargeDependenceEmphasis",
    "gldm_SmallDependenceEmphasis",
    "ngtdm_Coarseness",
    "ngtdm_Complexity",
    "ngtdm_Contrast",
    "ngtdm_Strength",
};
#define N_INVARIANT ((int)(sizeof INVARIANT / sizeof INVARIANT[0]))

static void test_kernel_equals_segment(const char *tmpdir)
{
    radx_volume img, msk;
    radx_err e = {RADX_OK, "", ""};
    memset(&img, 0, sizeof img);
    memset(&msk, 0, sizeof msk);
    CHECK(radx_volume_read(IMAGE, &img, &e) == RADX_OK, "%s", e.msg);
    CHECK(radx_volume_read(MASK, &msk, &e) == RADX_OK, "%s", e.msg);
    if (!img.data || !msk.data) {
        radx_volume_free(&img);
        radx_volume_free(&msk);
        return;
    }
    const radx_geom *g = &img.g;
    const int64_t nvox = radx_geom_nvox(g);
    float *kmask = malloc(sizeof *kmask * (size_t)nvox);
    CHECK(kmask != NULL, "oom");
    printf("kernel = segment extraction (radx_plan_execute on one kernel's mask), %d offset-free features:\n",
           N_INVARIANT);
    double worst_all = 0.0;
    for (int r = 1; r <= 2 && kmask; r++) {
        for (int masked = 1; masked >= 0; masked--) {
            char params[1024], text[1024], msg[RADX_ERR_LEN] = "";
            snprintf(params, sizeof params, "%s/kernel_r%d_m%d.yaml", tmpdir, r, masked);
            snprintf(text, sizeof text,
                     "setting:\n  additionalInfo: false\nvoxelSetting:\n  kernelRadius: %d\n  maskedKernel: %s\n"
                     "featureClass:\n  firstorder:\n  glcm:\n  glrlm:\n  glszm:\n  gldm:\n  ngtdm:\n",
                     r, masked ? "true" : "false");
            radx_test_write_text(params, text);
            capture c;
            radx_status st = run_map(params, IMAGE, MASK, &c, msg);
            CHECK(st == RADX_OK, "map r=%d: %s", r, msg);
            if (st) {
                cap_free(&c);
                continue;
            }
            radx_ctx *ctx = NULL;
            radx_params *pp = NULL;
            radx_plan *plan = NULL;
            radx_ctx_create(&ctx);
            radx_params_create(ctx, &pp);
            CHECK(radx_params_load(ctx, pp, params) == RADX_OK, "%s", radx_ctx_last_error(ctx));
            CHECK(radx_plan_create(ctx, pp, RADX_BACKEND_CPU, &plan) == RADX_OK, "%s", radx_ctx_last_error(ctx));
            double worst = 0.0;
            int nk = 0;
            /* voxels spread over the ROI (boundary and interior, including ones with empty GLCM angles) */
            for (int s = 0; s < 9 && plan; s++) {
                const int64_t v = (c.nroi - 1) * s / 8;
                const int64_t gi = c.vox[v];
                const int64_t cx = gi % g->size[0], cy = (gi / g->size[0]) % g->size[1],
                              cz = gi / (g->size[0] * g->size[1]);
                int64_t n = 0;
                for (int64_t i = 0; i < nvox; i++) {
                    const int64_t x = i % g->size[0], y = (i / g->size[0]) % g->size[1],
                                  z = i / (g->size[0] * g->size[1]);
                    const int in_k = llabs(x - cx) <= r && llabs(y - cy) <= r && llabs(z - cz) <= r;
                    const int in = in_k && (!masked || radx_volume_get(&msk, i) == 1.0);
                    kmask[i] = in ? 1.0f : 0.0f;
                    n += in;
                }
                char mpath[1024];
                snprintf(mpath, sizeof mpath, "%s/kernel_%d.nrrd", tmpdir, s);
                CHECK(radx_map_write(mpath, g, kmask, &e) == RADX_OK, "%s", e.msg);
                radx_result *res = NULL;
                st = radx_plan_execute(plan, IMAGE, mpath, 1, &res);
                if (st == RADX_ERR_ROI) continue; /* a kernel too small for segment extraction */
                CHECK(st == RADX_OK, "extract on kernel of voxel %lld: %s", (long long)v, radx_ctx_last_error(ctx));
                if (st) continue;
                nk++;
                for (int f = 0; f < N_INVARIANT; f++) {
                    char name[160];
                    snprintf(name, sizeof name, "original_%s", INVARIANT[f]);
                    const cap_map *m = cap_find(&c, name);
                    const long idx = radx_result_find(res, name);
                    CHECK(m && idx >= 0, "%s missing", name);
                    if (!m || idx < 0) continue;
                    const double seg = radx_result_value(res, (size_t)idx), map = m->v[v];
                    const double err = radx_test_relerr(map, seg);
                    if (err > worst) worst = err;
                    CHECK(err <= 1e-9,
                          "r=%d masked=%d voxel %lld (%lld,%lld,%lld, %lld kernel voxels) %s: map %.17g, segment %.17g",
                          r, masked, (long long)v, (long long)cx, (long long)cy, (long long)cz, (long long)n, name, map,
                          seg);
                }
                radx_result_destroy(res);
            }
            CHECK(nk >= 6, "only %d kernels could be extracted", nk);
            printf("  kernelRadius %d, maskedKernel %-5s: %d kernels, largest relative error %.3g\n", r,
                   masked ? "true" : "false", nk, worst);
            if (worst > worst_all) worst_all = worst;
            radx_plan_destroy(plan);
            radx_params_destroy(pp);
            radx_ctx_destroy(ctx);
            cap_free(&c);
        }
    }
    printf("  largest: %.3g (goal 1e-9)\n", worst_all);
    free(kmask);
    radx_volume_free(&img);
    radx_volume_free(&msk);
}

/* ---- 3. threads ------------------------------------------------------------------------------ */

static void test_threads(void)
{
#ifdef _OPENMP
    char yaml[1024], msg[RADX_ERR_LEN] = "";
    snprintf(yaml, sizeof yaml, "%s/r2_unmasked.yaml", REF_DIR);
    int nt = omp_get_max_threads();
    capture a, b;
    omp_set_num_threads(1);
    radx_status s1 = run_map(yaml, IMAGE, MASK, &a, msg);
    omp_set_num_threads(nt > 1 ? nt : 3); /* more threads than cores is fine for this check */
    radx_status s2 = run_map(yaml, IMAGE, MASK, &b, msg);
    omp_set_num_threads(nt);
    CHECK(s1 == RADX_OK && s2 == RADX_OK, "%s", msg);
    int same = a.n == b.n;
    for (int i = 0; same && i < a.n; i++) same = memcmp(a.m[i].v, b.m[i].v, sizeof(double) * (size_t)a.nroi) == 0;
    CHECK(same, "maps differ between 1 and %d threads", nt > 1 ? nt : 3);
    printf("threads: 1 vs %d: %s\n", nt > 1 ? nt : 3, same ? "bit-identical" : "DIFFERENT");
    cap_free(&a);
    cap_free(&b);
#endif
}

/* ---- 4. public API, files, CLI -------------------------------------------------------------- */

typedef struct pub_check {
    radx_ctx *ctx;
    const char *dir;
    const capture *ref; /* the same run through the internal sink */
    double init;
    int nmaps, bad, saved;
} pub_check;

static radx_status pub_cb(void *user, const radx_map *m)
{
    pub_check *u = user;
    u->nmaps++;
    const cap_map *c = cap_find(u->ref, m->name);
    if (!c || (size_t)u->nmaps != m->index + 1 || m->n_roi != u->ref->nroi) {
        u->bad++;
        return RADX_OK;
    }
    const int64_t n = m->grid->size[0] * m->grid->size[1] * m->grid->size[2];
    int64_t k = 0;
    for (int64_t i = 0; i < n; i++) {
        const float x = m->data[i];
        if (k < u->ref->nroi && u->ref->vox[k] == i) {
            const float want = (float)c->v[k++];
            if (!(x == want || (isnan(x) && isnan(want)))) u->bad++;
        } else if (x != (float)u->init) {
            u->bad++;
        }
    }
    if (!strcmp(m->feature, "Contrast") || !strcmp(m->feature, "JointAverage")) {
        /* write both formats and read them back as SimpleITK would */
        const char *ext[2] = {".nii.gz", ".nrrd"};
        for (int f = 0; f < 2; f++) {
            char path[1024];
            snprintf(path, sizeof path, "%s/%s%s", u->dir, m->name, ext[f]);
            radx_status s = radx_map_save(u->ctx, m, path);
            CHECK(s == RADX_OK, "radx_map_save %s: %s", path, radx_ctx_last_error(u->ctx));
            if (s) continue;
            u->saved++;
            radx_volume back;
            radx_err e = {RADX_OK, "", ""};
            s = radx_volume_read(path, &back, &e);
            CHECK(s == RADX_OK, "%s", e.msg);
            if (s) continue;
            /* NIfTI-1 holds the geometry in single precision (as every NIfTI-1 writer, ITK's too) */
            const double tol = f == 0 ? 2e-5 : 0.0;
            int geo = back.dtype == RADX_DT_F32 && back.g.ndim == m->grid->ndim;
            for (int a = 0; a < 3; a++) {
                geo &= back.g.size[a] == m->grid->size[a];
                geo &= fabs(back.g.spacing[a] - m->grid->spacing[a]) <= tol * fabs(m->grid->spacing[a]);
                geo &= fabs(back.g.origin[a] - m->grid->origin[a]) <= tol * (1.0 + fabs(m->grid->origin[a]));
            }
            for (int a = 0; a < 9; a++)
                geo &= fabs(back.g.direction[a] - m->grid->direction[a]) <= (f == 0 ? 1e-6 : 0.0);
            CHECK(geo, "%s: geometry read back differs from the input's", path);
            int same = geo;
            for (int64_t i = 0; same && i < n; i++) {
                const float x = ((const float *)back.data)[i];
                same = x == m->data[i] || (isnan(x) && isnan(m->data[i]));
            }
            CHECK(same, "%s: voxels read back differ", path);
            radx_volume_free(&back);
        }
    }
    return RADX_OK;
}

static int count_files(const char *dir, const char *suffix)
{
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "ls -A '%s' 2>/dev/null | grep -c -- '%s$' > '%s.count'", dir, suffix, dir);
    if (system(cmd) < 0) return -1;
    snprintf(cmd, sizeof cmd, "%s.count", dir);
    FILE *f = fopen(cmd, "r");
    int n = -1;
    if (f) {
        if (fscanf(f, "%d", &n) != 1) n = -1;
        fclose(f);
    }
    unlink(cmd);
    return n;
}

static void test_public(const char *tmpdir)
{
    char yaml[1024], msg[RADX_ERR_LEN] = "";
    snprintf(yaml, sizeof yaml, "%s/r1_unmasked.yaml", REF_DIR);
    capture ref;
    CHECK(run_map(yaml, IMAGE, MASK, &ref, msg) == RADX_OK, "%s", msg);
    radx_ctx *ctx = NULL;
    radx_params *p = NULL;
    radx_plan *plan = NULL;
    radx_ctx_create(&ctx);
    radx_params_create(ctx, &p);
    CHECK(radx_params_load(ctx, p, yaml) == RADX_OK, "%s", radx_ctx_last_error(ctx));
    CHECK(radx_plan_create(ctx, p, RADX_BACKEND_CPU, &plan) == RADX_OK, "%s", radx_ctx_last_error(ctx));
    pub_check u = {ctx, tmpdir, &ref, -1.0, 0, 0, 0};
    radx_status s = radx_plan_execute_map(plan, IMAGE, MASK, 0, pub_cb, &u);
    CHECK(s == RADX_OK, "%s", radx_ctx_last_error(ctx));
    CHECK(u.nmaps == ref.n && u.bad == 0 && u.saved == 6, "%d maps (want %d), %d bad voxels, %d files (want 6)",
          u.nmaps, ref.n, u.bad, u.saved);
    printf("public API: %d float maps equal the double values, initValue outside the ROI; "
           "NIfTI and NRRD read back on the input grid\n",
           u.nmaps);
    /* errors: NULL callback, absent label (no map handed out) */
    CHECK(radx_plan_execute_map(plan, IMAGE, MASK, 0, NULL, NULL) == RADX_ERR_ARG, "NULL callback accepted");
    u.nmaps = 0;
    CHECK(radx_plan_execute_map(plan, IMAGE, MASK, 7, pub_cb, &u) == RADX_ERR_LABEL && u.nmaps == 0, "absent label: %s",
          radx_ctx_last_error(ctx));
    radx_plan_destroy(plan);
    radx_params_destroy(p);
    radx_ctx_destroy(ctx);
    cap_free(&ref);

    /* CLI */
    char cmd[4096], out[1024];
    snprintf(out, sizeof out, "%s/cli", tmpdir);
    snprintf(cmd, sizeof cmd, "'%s' map '%s' '%s' -p '%s' -o '%s' -q", RADX_CLI, IMAGE, MASK, yaml, out);
    int rc = radx_test_run(cmd);
    int nf = count_files(out, ".nrrd");
    CHECK(rc == 0 && nf == 36, "radx map: exit %d, %d NRRD maps (want 36)", rc, nf);
    snprintf(out, sizeof out, "%s/cli_err", tmpdir);
    snprintf(cmd, sizeof cmd, "'%s' map '%s' '%s' -p '%s' -o '%s' --label 7 2>'%s.txt'", RADX_CLI, IMAGE, MASK, yaml,
             out, out);
    rc = radx_test_run(cmd);
    nf = count_files(out, "");
    CHECK(rc == 4 && nf == 0, "radx map with an absent label: exit %d (want 4), %d files left", rc, nf);
    snprintf(cmd, sizeof cmd, "%s.txt", out);
    FILE *f = fopen(cmd, "r");
    int lines = 0;
    char line[2048];
    while (f && fgets(line, sizeof line, f)) lines++;
    if (f) fclose(f);
    CHECK(lines == 1, "error output: %d lines (want 1)", lines);
    printf("CLI: 36 maps written; absent label: exit 4, one line, no file\n");
}

int main(void)
{
    if (!radx_test_exists(IMAGE) || !radx_test_exists(REF_DIR "/manifest.txt")) {
        printf("test_map: data missing, skipped\n");
        return RADX_TEST_SKIP;
    }
    char tmpdir[] = "/tmp/radx_test_map_XXXXXX";
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    test_pyradiomics();
    test_kernel_equals_segment(tmpdir);
    test_threads();
    test_public(tmpdir);
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmpdir);
    return radx_test_finish("test_map");
}
