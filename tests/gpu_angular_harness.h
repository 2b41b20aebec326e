/* SPDX-License-Identifier: BSD-3-Clause */
/* Shared body of tests/test_gpu_glcm.c and tests/test_gpu_glrlm.c: the CPU and the CUDA backends
 * must give the same integer matrices, cell for cell, and therefore the same features, bit for bit
 * (host/features/angular_classes.h: both compute the features with the same C function from those matrices).
 *
 * Cases: the synthetic volumes of the PyRadiomics reference tests (tests/glcm_glrlm_volumes.h)
 * under all their settings; generated boxes of several shapes (one voxel, a single gray level,
 * thin and long boxes, long runs, a checkerboard ROI, ROIs that are one slice or two slices with a
 * gap, so that GLRLM's multiElement rule is decided both ways); gray-level counts whose matrices
 * fit in shared memory, need the opt-in shared memory, or fit only in global memory, with each
 * accumulation mode forced (RADX_ANG_SHARED / RADX_ANG_GLOBAL) where it applies; and brain1 of
 * data/pyradiomics (binWidth 25, as the pipeline crops and discretises it).  Prints timings of a
 * 100^3 ROI with 50 gray levels.
 *
 * Returns 77 (skipped) when radx has no CUDA backend or no device. */
#ifndef RADX_GPU_ANGULAR_HARNESS_H
#define RADX_GPU_ANGULAR_HARNESS_H

#include "texture_harness.h"
#include "glcm_glrlm_volumes.h"

#include "cuda/stages.h"
#include "pipeline/discretise.h"
#include "cuda/glcm_cuda.h"
#include "features/angular_classes.h"

#ifndef RADX_SOURCE_DIR
#define RADX_SOURCE_DIR "."
#endif

/* The class under test. */
typedef struct ga_class {
    const char *name; /* "glcm" */
    radx_status (*prepare)(const radx_texture_input *in, const radx_params *p, double *out, radx_angular_prep *g,
                           radx_err *err);
    uint64_t (*count_angle)(const void *ctx, int a, uint32_t *cnt);
    radx_status (*gpu_counts)(void *stream, const radx_angular_prep *g, int mode, uint32_t *cnt, radx_err *err);
    radx_status (*cpu)(const radx_texture_input *in, const radx_params *p, double *out, radx_err *err);
    radx_status (*gpu)(void *stream, const radx_texture_input *in, const radx_params *p, double *out, radx_err *err);
    const radx_feature_info *feats;
    int nfeat;
} ga_class;

typedef struct ga_state {
    const ga_class *k;
    void *stream;
    int cases, matrices, shared_refused;
} ga_state;

/* Matrices: CPU (radx_<class>_count_angle) vs GPU in the given mode.  expect_refused: mode
 * RADX_ANG_SHARED with a matrix too large for shared memory, which must be refused. */
static inline void ga_matrices(ga_state *S, const radx_texture_input *in, const radx_params *p, int mode,
                               const char *what)
{
    const ga_class *k = S->k;
    radx_angular_prep g;
    radx_err err = {0};
    double out[64];
    if (k->prepare(in, p, out, &g, &err) != RADX_OK) {
        CHECK(0, "%s %s: prepare: %s", k->name, what, err.msg);
        return;
    }
    const size_t tot = (size_t)(g.na > 0 ? g.na : 1) * g.ncell;
    uint32_t *cpu = malloc(tot * sizeof *cpu), *gpu = malloc(tot * sizeof *gpu);
    if (!cpu || !gpu) {
        CHECK(0, "out of memory");
        goto done;
    }
    for (int a = 0; a < g.na; a++) k->count_angle(&g, a, cpu + (size_t)a * g.ncell);
    memset(gpu, 0xff, tot * sizeof *gpu);
    radx_status st = k->gpu_counts(S->stream, &g, mode, gpu, &err);
    if (mode == RADX_ANG_SHARED && st == RADX_ERR_ARG) { /* does not fit: the auto mode uses global memory */
        S->shared_refused++;
        goto done;
    }
    CHECK(st == RADX_OK, "%s %s mode %d: %s", k->name, what, mode, err.msg);
    if (st == RADX_OK) {
        size_t ndiff = 0, first = 0;
        for (size_t e = 0; e < (size_t)g.na * g.ncell; e++)
            if (cpu[e] != gpu[e] && !ndiff++) first = e;
        CHECK(ndiff == 0, "%s %s mode %d: %zu of %zu cells differ, first: angle %zu cell %zu cpu %u gpu %u", k->name,
              what, mode, ndiff, (size_t)g.na * g.ncell, first / g.ncell, first % g.ncell, cpu[first], gpu[first]);
        S->matrices++;
    }
done:
    free(cpu);
    free(gpu);
    radx_angular_prep_free(&g);
}

/* Features: radx_<class>_compute vs radx_cuda_<class>, bit for bit (NaN where NaN). */
static inline void ga_features(ga_state *S, const radx_texture_input *in, const radx_params *p, const char *what)
{
    const ga_class *k = S->k;
    double c[64], d[64];
    radx_err e1 = {0}, e2 = {0};
    radx_status s1 = k->cpu(in, p, c, &e1), s2 = k->gpu(S->stream, in, p, d, &e2);
    CHECK(s1 == s2, "%s %s: cpu status %d (%s), cuda %d (%s)", k->name, what, (int)s1, e1.msg, (int)s2, e2.msg);
    if (s1 != RADX_OK || s2 != RADX_OK) return;
    for (int f = 0; f < k->nfeat; f++) {
        const int same = memcmp(&c[f], &d[f], sizeof c[f]) == 0 || (isnan(c[f]) && isnan(d[f]));
        CHECK(same, "%s %s %s: cpu %.17g cuda %.17g", k->name, what, k->feats[f].name, c[f], d[f]);
    }
    S->cases++;
}

/* Both, matrices in every mode. */
static inline void ga_case(ga_state *S, const radx_texture_input *in, const radx_params *p, const char *what)
{
    ga_matrices(S, in, p, RADX_ANG_AUTO, what);
    ga_matrices(S, in, p, RADX_ANG_SHARED, what);
    ga_matrices(S, in, p, RADX_ANG_GLOBAL, what);
    ga_features(S, in, p, what);
}

/* Generated boxes (numpy order nz, ny, nx).  kind: 0 random levels, ROI with holes; 1 blocks of
 * constant level (long runs), ROI with holes; 2 checkerboard ROI; 3 ROI = the first z slice only;
 * 4 ROI = slices z = 0 and z = nz - 1 only (a gap between them); 5 every voxel in the ROI, random;
 * 6 ROI = the first and last x columns; 7 a sparse random ROI (1 voxel in 10); 8 every voxel in
 * the ROI, level 1 + x mod nlev (runs of length 1 side by side). */
static inline int ga_box(int kind, int64_t nz, int64_t ny, int64_t nx, int nlev, uint64_t seed, radx_texture_input *in,
                         int32_t **glb, uint8_t **roib)
{
    const size_t nv = (size_t)(nz * ny * nx);
    int32_t *gl = malloc(nv * sizeof *gl);
    uint8_t *roi = malloc(nv);
    *glb = gl;
    *roib = roi;
    if (!gl || !roi) return -1;
    memset(in, 0, sizeof *in);
    for (int64_t z = 0, v = 0; z < nz; z++)
        for (int64_t y = 0; y < ny; y++)
            for (int64_t x = 0; x < nx; x++, v++) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                int32_t level = 1 + (int32_t)(seed % (uint64_t)nlev);
                int inroi = 1;
                switch (kind) {
                case 0: inroi = (seed >> 40) % 5 != 0; break;
                case 1:
                    level = 1 + (int32_t)((x / 7 + y / 3 + z / 2) % nlev);
                    inroi = (x * 7 + y * 3 + z * 5) % 11 != 0;
                    break;
                case 2: inroi = (x + y + z) % 2 == 0; break;
                case 3: inroi = z == 0; break;
                case 4: inroi = z == 0 || z == nz - 1; break;
                case 6: inroi = x == 0 || x == nx - 1; break;
                case 7: inroi = (seed >> 40) % 10 == 0; break;
                case 8: level = 1 + (int32_t)(x % nlev); break;
                default: break;
                }
                roi[v] = (uint8_t)inroi;
                gl[v] = inroi ? level : 0;
                if (inroi) {
                    in->n_roi++;
                    if (level > in->ng) in->ng = level;
                }
            }
    if (in->n_roi == 0) { /* keep one ROI voxel */
        roi[0] = 1;
        gl[0] = 1;
        in->n_roi = 1;
        in->ng = 1;
    }
    in->dims_zyx[0] = nz;
    in->dims_zyx[1] = ny;
    in->dims_zyx[2] = nx;
    memcpy(in->spacing_zyx, th_angular_spacing(), sizeof in->spacing_zyx);
    in->gl = gl;
    in->roi = roi;
    return 0;
}

/* brain1 (data/pyradiomics): label 1 cropped to its bounding box and discretised with binWidth 25
 * as the pipeline does (bin edges of host/pipeline/discretise.h).  Returns 0, or -1 (message printed) when
 * the files cannot be read. */
static inline int ga_brain1(radx_texture_input *in, int32_t **glb, uint8_t **roib)
{
    char ip[1024], mp[1024];
    radx_volume img = {0}, msk = {0};
    radx_err err = {0};
    radx_params p;
    double *x = NULL, *edges = NULL;
    int32_t *gl = NULL;
    int nedges = 0, rc = -1;
    *glb = NULL;
    *roib = NULL;
    snprintf(ip, sizeof ip, "%s/data/pyradiomics/brain1_image.nrrd", RADX_SOURCE_DIR);
    snprintf(mp, sizeof mp, "%s/data/pyradiomics/brain1_label.nrrd", RADX_SOURCE_DIR);
    if (radx_volume_read(ip, &img, &err) != RADX_OK || radx_volume_read(mp, &msk, &err) != RADX_OK) {
        printf("brain1 not read (%s)\n", err.msg);
        goto done;
    }
    const int64_t *sz = img.g.size;
    int64_t lo[3] = {sz[0], sz[1], sz[2]}, hi[3] = {-1, -1, -1}, n = 0;
    for (int64_t k = 0, v = 0; k < sz[2]; k++)
        for (int64_t j = 0; j < sz[1]; j++)
            for (int64_t i = 0; i < sz[0]; i++, v++) {
                if (radx_volume_get(&msk, v) != 1.0) continue;
                const int64_t c[3] = {i, j, k};
                for (int d = 0; d < 3; d++) {
                    if (c[d] < lo[d]) lo[d] = c[d];
                    if (c[d] > hi[d]) hi[d] = c[d];
                }
                n++;
            }
    if (n == 0) {
        printf("brain1: no voxel of label 1\n");
        goto done;
    }
    const int64_t bx = hi[0] - lo[0] + 1, by = hi[1] - lo[1] + 1, bz = hi[2] - lo[2] + 1, nb = bx * by * bz;
    *glb = calloc((size_t)nb, sizeof **glb);
    *roib = calloc((size_t)nb, 1);
    x = malloc((size_t)n * sizeof *x);
    gl = malloc((size_t)n * sizeof *gl);
    if (!*glb || !*roib || !x || !gl) {
        printf("brain1: out of memory\n");
        goto done;
    }
    int64_t m = 0;
    for (int64_t k = 0, b = 0; k < bz; k++)
        for (int64_t j = 0; j < by; j++)
            for (int64_t i = 0; i < bx; i++, b++) {
                const int64_t v = (lo[0] + i) + sz[0] * ((lo[1] + j) + sz[1] * (lo[2] + k));
                if (radx_volume_get(&msk, v) != 1.0) continue;
                (*roib)[b] = 1;
                x[m++] = radx_volume_get(&img, v);
            }
    radx_params_init_defaults(&p);
    if (radx_bin_edges(x, n, &p, img.dtype == RADX_DT_F32, &edges, &nedges, &err) != RADX_OK) {
        printf("brain1: %s\n", err.msg);
        radx_params_clear(&p);
        goto done;
    }
    radx_params_clear(&p);
    memset(in, 0, sizeof *in);
    in->ng = radx_discretise(x, n, edges, nedges, gl);
    for (int64_t b = 0, t = 0; b < nb; b++)
        if ((*roib)[b]) (*glb)[b] = gl[t++];
    in->dims_zyx[0] = bz;
    in->dims_zyx[1] = by;
    in->dims_zyx[2] = bx;
    in->spacing_zyx[0] = img.g.spacing[2];
    in->spacing_zyx[1] = img.g.spacing[1];
    in->spacing_zyx[2] = img.g.spacing[0];
    in->gl = *glb;
    in->roi = *roib;
    in->n_roi = n;
    printf("brain1: box %lld x %lld x %lld (z y x), %lld ROI voxels, Ng %d\n", (long long)bz, (long long)by,
           (long long)bx, (long long)n, in->ng);
    rc = 0;
done:
    if (rc != 0) {
        free(*glb);
        free(*roib);
        *glb = NULL;
        *roib = NULL;
    }
    free(x);
    free(gl);
    free(edges);
    radx_volume_free(&img);
    radx_volume_free(&msk);
    return rc;
}

/* Timing of the matrices and of the whole class on a 100^3 ROI with 50 gray levels (printed). */
static inline void ga_timing(ga_state *S)
{
    const ga_class *k = S->k;
    radx_texture_input in;
    radx_params p;
    radx_angular_prep g;
    radx_err err = {0};
    int32_t *gl;
    uint8_t *roi;
    double out[64];
    uint32_t *cnt = NULL;
    th_angular_params(&p, "default");
    if (ga_box(5, 100, 100, 100, 50, 0x9e3779b97f4a7c15ull, &in, &gl, &roi) != 0 ||
        k->prepare(&in, &p, out, &g, &err) != RADX_OK) {
        CHECK(0, "timing set-up: %s", err.msg);
        free(gl);
        free(roi);
        return;
    }
    cnt = malloc((size_t)g.na * g.ncell * sizeof *cnt);
    if (cnt) {
        double t[4];
        k->gpu_counts(S->stream, &g, RADX_ANG_AUTO, cnt, &err); /* warm-up */
        t[0] = th_now_s();
        CHECK(k->gpu_counts(S->stream, &g, RADX_ANG_AUTO, cnt, &err) == RADX_OK, "timing: %s", err.msg);
        t[1] = th_now_s();
        for (int a = 0; a < g.na; a++) k->count_angle(&g, a, cnt + (size_t)a * g.ncell);
        t[2] = th_now_s();
        printf("%s matrices, 100^3 ROI, 50 gray levels, %d angles: GPU %.2f ms (upload, count, download), "
               "CPU %.2f ms (1 thread)\n",
               k->name, g.na, 1e3 * (t[1] - t[0]), 1e3 * (t[2] - t[1]));
        t[0] = th_now_s();
        CHECK(k->gpu(S->stream, &in, &p, out, &err) == RADX_OK, "timing: %s", err.msg);
        t[1] = th_now_s();
        CHECK(k->cpu(&in, &p, out, &err) == RADX_OK, "timing: %s", err.msg);
        t[2] = th_now_s();
        printf("%s whole class, same ROI: CUDA backend %.2f ms, CPU backend %.2f ms\n", k->name, 1e3 * (t[1] - t[0]),
               1e3 * (t[2] - t[1]));
    } else {
        CHECK(0, "out of memory");
    }
    free(cnt);
    radx_angular_prep_free(&g);
    free(gl);
    free(roi);
}

static inline int ga_main(const ga_class *k)
{
    static const char *const settings[] = {"default", "dist12", "asym", "manhattan", "euclidean",
                                           "infinity", "noweight", "f2d0", "f2d1", "f2d2"};
    char test_name[64], what[160];
    ga_state S = {k, NULL, 0, 0, 0};
    radx_err err = {0};
    snprintf(test_name, sizeof test_name, "test_gpu_%s", k->name);
    if (!radx_backend_available(RADX_BACKEND_CUDA)) {
        printf("%s: no CUDA backend or device here: skipped\n", test_name);
        return RADX_TEST_SKIP;
    }
    if (radx_angular_cuda_test_stream(&S.stream, &err) != RADX_OK) {
        CHECK(0, "%s", err.msg);
        return radx_test_finish(test_name);
    }

    /* the PyRadiomics reference volumes, every setting */
    for (int v = 0; v < TH_COUNT(ref_volumes); v++)
        for (int s = 0; s < TH_COUNT(settings); s++) {
            radx_params p;
            radx_texture_input in = th_angular_input(&ref_volumes[v]);
            th_angular_params(&p, settings[s]);
            snprintf(what, sizeof what, "%s/%s", ref_volumes[v].name, settings[s]);
            ga_case(&S, &in, &p, what);
        }

    /* generated boxes: kind, shape, gray levels */
    static const struct {
        int kind;
        int64_t d[3];
        int nlev;
    } boxes[] = {
        {5, {1, 1, 1}, 1},     /* one voxel: no angle */
        {5, {1, 1, 2}, 2},     /* two voxels, one angle */
        {0, {3, 4, 5}, 1},     /* a single gray level */
        {0, {16, 16, 16}, 5},  {0, {7, 33, 65}, 50},  {1, {9, 17, 70}, 6},   {1, {40, 40, 40}, 64},
        {2, {6, 7, 8}, 4},     /* checkerboard ROI: no two ROI voxels adjacent along the axes */
        {3, {4, 9, 10}, 5},    /* one slice in a 3-D box */
        {4, {5, 8, 9}, 5},     /* two slices with a gap */
        {0, {1, 30, 40}, 20},  /* 2-D box */
        {0, {3, 5, 200}, 7},   /* long and thin */
        {6, {7, 8, 9}, 3},     /* lone voxels at both ends of every x line */
        {7, {9, 8, 7}, 3},     /* sparse ROI */
        {8, {1, 1, 2}, 2},     /* two voxels of different levels side by side: multiElement */
        {8, {1, 3, 2}, 2},
        {0, {24, 24, 24}, 200}, /* GLCM 160 KB matrices: opt-in shared memory */
        {0, {24, 24, 24}, 400}, /* GLCM 640 KB matrices: global memory */
        {0, {200, 9, 10}, 400}, /* GLRLM 400 x 200 cells: global memory */
    };
    for (int b = 0; b < TH_COUNT(boxes); b++)
        for (int s = 0; s < TH_COUNT(settings); s++) {
            radx_texture_input in;
            radx_params p;
            int32_t *gl;
            uint8_t *roi;
            if (ga_box(boxes[b].kind, boxes[b].d[0], boxes[b].d[1], boxes[b].d[2], boxes[b].nlev, 1234567ull + b, &in,
                       &gl, &roi) != 0) {
                CHECK(0, "out of memory");
            } else {
                th_angular_params(&p, settings[s]);
                snprintf(what, sizeof what, "box kind %d %lldx%lldx%lld Ng %d/%s", boxes[b].kind,
                         (long long)boxes[b].d[0], (long long)boxes[b].d[1], (long long)boxes[b].d[2],
                         boxes[b].nlev, settings[s]);
                ga_case(&S, &in, &p, what);
            }
            free(gl);
            free(roi);
        }

    /* brain1, binWidth 25: default settings and distances [1, 2] */
    {
        radx_texture_input in;
        int32_t *gl;
        uint8_t *roi;
        if (ga_brain1(&in, &gl, &roi) == 0) {
            static const char *const bs[] = {"default", "dist12", "euclidean", "f2d0"};
            for (int s = 0; s < TH_COUNT(bs); s++) {
                radx_params p;
                th_angular_params(&p, bs[s]);
                snprintf(what, sizeof what, "brain1/%s", bs[s]);
                ga_case(&S, &in, &p, what);
            }
        } else {
            CHECK(0, "brain1 could not be prepared");
        }
        free(gl);
        free(roi);
    }

    ga_timing(&S);
    printf("%s: %d feature cases and %d matrix sets identical on CPU and CUDA (%d forced-shared runs refused: "
           "matrices too large for shared memory)\n",
           k->name, S.cases, S.matrices, S.shared_refused);
    radx_angular_cuda_test_stream_destroy(S.stream);
    return radx_test_finish(test_name);
}

#endif
