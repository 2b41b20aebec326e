/* SPDX-License-Identifier: BSD-3-Clause */
/* Shared harness of the CPU-vs-CUDA tests of the neighbourhood texture classes
 * (tests/test_gpu_glszm.c, test_gpu_gldm.c, test_gpu_ngtdm.c).  Each test hands its class (the
 * CPU and CUDA whole-class functions, and a function comparing the two matrices) to
 * gn_main, which runs every input below through both backends and requires
 *   - the same status (and on error the same class of error) for bad input;
 *   - identical matrices (integer counts entry by entry, same order; NGTDM: n_i equal, s_i bit
 *     for bit);
 *   - bit-identical features (NaN where the CPU has NaN).
 * Inputs: the synthetic volumes of the PyRadiomics reference tests (tests/szm_dm_ngtdm_volumes.h:
 * one voxel, one slice, single level, a 500 000-voxel zone, 5000 levels) under force2D 0/1/2,
 * distances [1], [1, 2], [3], [1..5] and gldm_a 0/1/3; random boxes from 1 voxel to 100^3 with 1
 * to 3000 gray levels and 30-100 % ROI fill (covering the shared-memory histograms, the global
 * atomics, and the fallbacks when the matrix is too large to count densely); and
 * data/pyradiomics/brain1 (binWidth 25).  The largest relative difference is printed per class
 * and setting (0 expected), with CPU and CUDA timings on 100^3.
 *
 * Without a usable CUDA device, or in a build without CUDA (where the entry points are stand-ins
 * at the end of host/features/glszm.c, gldm.c, ngtdm.c and texture_common.c that are never called), the
 * test returns 77. */
#ifndef RADX_GPU_NBTEX_HARNESS_H
#define RADX_GPU_NBTEX_HARNESS_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "radx.h"
#include "core/radx_internal.h"
#include "radx_test.h"
#include "szm_dm_ngtdm_volumes.h" /* cases[], and tests/texture_harness.h */
#include "features/texture_common.h"
#include "cuda/stages.h"
#include "cuda/neighbourhood_texture.h"

#ifndef RADX_SOURCE_DIR
#define RADX_SOURCE_DIR "."
#endif

/* A class under test. */
typedef struct gn_class {
    const char *name; /* "glszm" */
    int nfeat;
    radx_status (*cpu)(const radx_texture_input *in, const radx_params *p, double *out, radx_err *err);
    radx_status (*gpu)(void *stream, const radx_texture_input *in, const radx_params *p, double *out, radx_err *err);
    /* Builds both matrices of (in, p) (setup included); 1 when identical, 0 when not (why says
     * where), -1 when a step failed (why says which). */
    int (*matrices)(void *stream, const radx_texture_input *in, const radx_params *p, char *why, size_t nwhy);
} gn_class;

/* Settings by label (binWidth 1). */
static inline int gn_params(radx_params *p, const char *label)
{
    int k;
    memset(p, 0, sizeof *p);
    p->bin_width = 1;
    p->symmetrical_glcm = 1;
    p->weighting_norm = RADX_WNORM_NONE;
    p->n_distances = 1;
    p->distances[0] = 1;
    if (!strncmp(label, "force2D_dim", 11)) {
        p->force2d = 1;
        p->force2d_dimension = label[11] - '0';
    } else if (!strcmp(label, "distances_1_2")) {
        p->n_distances = 2;
        p->distances[1] = 2;
    } else if (!strcmp(label, "distances_3")) {
        p->distances[0] = 3;
    } else if (!strcmp(label, "distances_1_to_5")) {
        p->n_distances = 5;
        for (k = 0; k < 5; k++) p->distances[k] = k + 1;
    } else if (!strcmp(label, "gldm_a_1")) {
        p->gldm_a = 1;
    } else if (!strcmp(label, "gldm_a_3_distances_1_2")) {
        p->gldm_a = 3;
        p->n_distances = 2;
        p->distances[1] = 2;
    } else if (strcmp(label, "default")) {
        return -1;
    }
    return 0;
}

static const char *const gn_settings[] = {"default",          "force2D_dim0", "force2D_dim1",
                                          "force2D_dim2",     "distances_1_2", "distances_3",
                                          "distances_1_to_5", "gldm_a_1",     "gldm_a_3_distances_1_2"};
#define GN_NSETTINGS ((int)(sizeof gn_settings / sizeof gn_settings[0]))

static double gn_maxerr[GN_NSETTINGS];

/* 1 when a and b are the same double bit for bit, or both NaN. */
static inline int gn_same(double a, double b)
{
    if (isnan(a) && isnan(b)) return 1;
    return memcmp(&a, &b, sizeof a) == 0;
}

/* 1 when the sparse matrices a and b are identical (entries, order, jmax, Nz); else 0 and why. */
static inline int gn_szm_same(const radx_szm_sparse *a, const radx_szm_sparse *b, char *why, size_t nwhy)
{
    int64_t e;
    if (a->n != b->n || a->jmax != b->jmax || a->nz != b->nz) {
        snprintf(why, nwhy, "CPU %lld entries (jmax %lld, Nz %lld), CUDA %lld entries (jmax %lld, Nz %lld)",
                 (long long)a->n, (long long)a->jmax, (long long)a->nz, (long long)b->n, (long long)b->jmax,
                 (long long)b->nz);
        return 0;
    }
    for (e = 0; e < a->n; e++)
        if (a->gi[e] != b->gi[e] || a->j[e] != b->j[e] || a->c[e] != b->c[e]) {
            snprintf(why, nwhy, "entry %lld: CPU (%d, %lld) x %lld, CUDA (%d, %lld) x %lld", (long long)e,
                     (int)a->gi[e], (long long)a->j[e], (long long)a->c[e], (int)b->gi[e], (long long)b->j[e],
                     (long long)b->c[e]);
            return 0;
        }
    return 1;
}

/* One input through both backends under setting si. */
static inline void gn_case(const gn_class *k, void *stream, const char *what, const radx_texture_input *in, int si)
{
    double cpu[32], gpu[32];
    radx_params p;
    radx_err e1 = {0}, e2 = {0};
    radx_status s1, s2;
    char why[256] = "";
    int f, rc;
    if (gn_params(&p, gn_settings[si]) < 0) {
        CHECK(0, "unknown setting %s", gn_settings[si]);
        return;
    }
    s1 = k->cpu(in, &p, cpu, &e1);
    s2 = k->gpu(stream, in, &p, gpu, &e2);
    CHECK(s1 == s2, "%s %s/%s: CPU status %d (%s), CUDA status %d (%s)", k->name, what, gn_settings[si], (int)s1,
          e1.msg, (int)s2, e2.msg);
    if (s1 != RADX_OK || s2 != RADX_OK) return;
    for (f = 0; f < k->nfeat; f++) {
        const double r = radx_test_relerr(gpu[f], cpu[f]);
        CHECK(gn_same(cpu[f], gpu[f]), "%s %s/%s feature %d: CPU %.17g, CUDA %.17g", k->name, what, gn_settings[si], f,
              cpu[f], gpu[f]);
        if (r > gn_maxerr[si]) gn_maxerr[si] = r;
    }
    rc = k->matrices(stream, in, &p, why, sizeof why);
    CHECK(rc == 1, "%s %s/%s: matrices %s: %s", k->name, what, gn_settings[si], rc < 0 ? "failed" : "differ", why);
}

/* An n0 x n1 x n2 box of gray levels 1..nlev (xorshift64), fill % of the voxels in the ROI (at
 * least one); smooth: gray levels from a slowly varying pattern (larger zones). */
static inline int gn_random_box(int64_t n0, int64_t n1, int64_t n2, int nlev, int fill, int smooth, uint64_t seed,
                                radx_texture_input *in, int32_t **gl_buf, uint8_t **roi_buf)
{
    const int64_t nv = n0 * n1 * n2;
    int32_t *gl = (int32_t *)malloc((size_t)nv * sizeof *gl);
    uint8_t *roi = (uint8_t *)malloc((size_t)nv);
    int64_t v;
    *gl_buf = gl;
    *roi_buf = roi;
    if (!gl || !roi) return -1;
    memset(in, 0, sizeof *in);
    for (v = 0; v < nv; v++) {
        int32_t g;
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        roi[v] = (int)(seed % 100) < fill;
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        g = smooth ? 1 + (int32_t)(((v / 7) * 31 + (v % 5)) % nlev) : 1 + (int32_t)(seed % (uint64_t)nlev);
        gl[v] = roi[v] ? g : 0;
        if (roi[v]) {
            in->n_roi++;
            if (g > in->ng) in->ng = g;
        }
    }
    if (!in->n_roi) {
        roi[0] = 1;
        gl[0] = 1;
        in->n_roi = 1;
        in->ng = 1;
    }
    in->dims_zyx[0] = n0;
    in->dims_zyx[1] = n1;
    in->dims_zyx[2] = n2;
    in->spacing_zyx[0] = 1.5;
    in->spacing_zyx[1] = 0.8;
    in->spacing_zyx[2] = 0.7;
    in->gl = gl;
    in->roi = roi;
    return 0;
}

/* data/pyradiomics/brain1, label 1, cropped to the ROI box and discretised with binWidth 25
 * (floor(x / 25) - floor(min / 25) + 1 inside the ROI, PyRadiomics' fixed-width bins).  Returns
 * 0, 1 when the data is absent, -1 on error. */
static inline int gn_brain1(radx_texture_input *in, int32_t **gl_buf, uint8_t **roi_buf)
{
    char ipath[512], mpath[512];
    radx_volume img, msk;
    radx_err err = {0};
    int64_t lo[3] = {INT64_MAX, INT64_MAX, INT64_MAX}, hi[3] = {-1, -1, -1}, i, j, k, d[3];
    double mn = INFINITY;
    int rc = -1;
    *gl_buf = NULL;
    *roi_buf = NULL;
    memset(&img, 0, sizeof img);
    memset(&msk, 0, sizeof msk);
    snprintf(ipath, sizeof ipath, "%s/data/pyradiomics/brain1_image.nrrd", RADX_SOURCE_DIR);
    snprintf(mpath, sizeof mpath, "%s/data/pyradiomics/brain1_label.nrrd", RADX_SOURCE_DIR);
    if (!radx_test_exists(ipath) || !radx_test_exists(mpath)) return 1;
    if (radx_volume_read(ipath, &img, &err) != RADX_OK || radx_volume_read(mpath, &msk, &err) != RADX_OK) {
        fprintf(stderr, "brain1: %s\n", err.msg);
        goto done;
    }
    if (memcmp(img.g.size, msk.g.size, sizeof img.g.size)) goto done;
    for (k = 0; k < img.g.size[2]; k++)
        for (j = 0; j < img.g.size[1]; j++)
            for (i = 0; i < img.g.size[0]; i++) {
                const int64_t v = i + img.g.size[0] * (j + img.g.size[1] * k);
                if (radx_volume_get(&msk, v) != 1.0) continue;
                if (i < lo[0]) lo[0] = i;
                if (j < lo[1]) lo[1] = j;
                if (k < lo[2]) lo[2] = k;
                if (i > hi[0]) hi[0] = i;
                if (j > hi[1]) hi[1] = j;
                if (k > hi[2]) hi[2] = k;
                if (radx_volume_get(&img, v) < mn) mn = radx_volume_get(&img, v);
            }
    if (hi[0] < 0) goto done;
    for (i = 0; i < 3; i++) d[i] = hi[i] - lo[i] + 1;
    memset(in, 0, sizeof *in);
    *gl_buf = (int32_t *)calloc((size_t)(d[0] * d[1] * d[2]), sizeof **gl_buf);
    *roi_buf = (uint8_t *)calloc((size_t)(d[0] * d[1] * d[2]), 1);
    if (!*gl_buf || !*roi_buf) goto done;
    for (k = 0; k < d[2]; k++)
        for (j = 0; j < d[1]; j++)
            for (i = 0; i < d[0]; i++) {
                const int64_t v = (lo[0] + i) + img.g.size[0] * ((lo[1] + j) + img.g.size[1] * (lo[2] + k));
                const int64_t b = i + d[0] * (j + d[1] * k); /* numpy order: z slowest, x fastest */
                if (radx_volume_get(&msk, v) != 1.0) continue;
                (*roi_buf)[b] = 1;
                (*gl_buf)[b] = (int32_t)(floor(radx_volume_get(&img, v) / 25.0) - floor(mn / 25.0)) + 1;
                if ((*gl_buf)[b] > in->ng) in->ng = (*gl_buf)[b];
                in->n_roi++;
            }
    in->dims_zyx[0] = d[2];
    in->dims_zyx[1] = d[1];
    in->dims_zyx[2] = d[0];
    in->spacing_zyx[0] = img.g.spacing[2];
    in->spacing_zyx[1] = img.g.spacing[1];
    in->spacing_zyx[2] = img.g.spacing[0];
    in->gl = *gl_buf;
    in->roi = *roi_buf;
    rc = 0;
done:
    radx_volume_free(&img);
    radx_volume_free(&msk);
    return rc;
}

/* Bad input: both backends refuse it with the same status. */
static inline void gn_errors(const gn_class *k, void *stream)
{
    const int32_t gl1[8] = {1, 2, 1, 2, 2, 1, 1, 1};
    double out[32];
    radx_texture_input in;
    radx_params p;
    radx_err err = {0};
    uint8_t roi[8];
    int v;
    memset(&in, 0, sizeof in);
    in.dims_zyx[0] = in.dims_zyx[1] = in.dims_zyx[2] = 2;
    in.gl = gl1;
    in.roi = roi;
    in.ng = 2;
    in.n_roi = 8;
    for (v = 0; v < 8; v++) roi[v] = 1;
    gn_params(&p, "default");
    CHECK(k->gpu(stream, NULL, &p, out, &err) == k->cpu(NULL, &p, out, &err), "%s: NULL input", k->name);
    p.force2d = 1;
    p.force2d_dimension = 3;
    CHECK(k->gpu(stream, &in, &p, out, &err) == RADX_ERR_PARAM, "%s: force2Ddimension 3 accepted", k->name);
    gn_params(&p, "default");
    p.n_distances = 1;
    p.distances[0] = 0;
    CHECK(k->gpu(stream, &in, &p, out, &err) == k->cpu(&in, &p, out, &err), "%s: distance 0", k->name);
    gn_params(&p, "default");
    p.gldm_a = 0.5;
    CHECK(k->gpu(stream, &in, &p, out, &err) == k->cpu(&in, &p, out, &err), "%s: gldm_a 0.5", k->name);
    gn_params(&p, "default");
    memset(roi, 0, sizeof roi);
    CHECK(k->gpu(stream, &in, &p, out, &err) == RADX_ERR_ROI, "%s: empty ROI accepted", k->name);
}

/* CPU and CUDA timings of one input (after a warm-up call). */
static inline void gn_timing(const gn_class *k, void *stream, const char *what, const radx_texture_input *in)
{
    double out[32], t0, t1, t2;
    radx_params p;
    radx_err err = {0};
    gn_params(&p, "default");
    k->gpu(stream, in, &p, out, &err);
    t0 = th_now_s();
    CHECK(k->cpu(in, &p, out, &err) == RADX_OK, "%s %s: %s", k->name, what, err.msg);
    t1 = th_now_s();
    CHECK(k->gpu(stream, in, &p, out, &err) == RADX_OK, "%s %s: %s", k->name, what, err.msg);
    t2 = th_now_s();
    printf("%s %s: CPU %.1f ms, CUDA %.1f ms (upload, matrix, download, features)\n", k->name, what, 1e3 * (t1 - t0),
           1e3 * (t2 - t1));
}

static inline int gn_main(const gn_class *k)
{
    char test_name[64];
    snprintf(test_name, sizeof test_name, "test_gpu_%s", k->name);
    if (!radx_backend_available(RADX_BACKEND_CUDA)) {
        printf("%s: no CUDA backend or device here: skipped\n", test_name);
        return RADX_TEST_SKIP;
    }
    char what[128];
    void *stream = NULL;
    radx_texture_input in;
    int32_t *gl = NULL;
    uint8_t *roi = NULL;
    int ci, si, rc;
    stream = radx_cuda_nbtex_test_stream();
    if (!stream) {
        printf("%s: cannot create a CUDA stream: skipped\n", test_name);
        return RADX_TEST_SKIP;
    }

    gn_errors(k, stream);

    /* the reference volumes, every setting */
    for (ci = 0; ci < TH_COUNT(cases); ci++) {
        const tcase *c = &cases[ci];
        int32_t *fgl = c->gl ? NULL : th_formula_box(c);
        if ((!c->gl && !fgl) || th_nbhd_input(c->gl ? c->gl : fgl, c->dims[0], c->dims[1], c->dims[2], &in, &roi) < 0) {
            CHECK(0, "out of memory");
            free(fgl);
            continue;
        }
        for (si = 0; si < GN_NSETTINGS; si++) {
            /* distances [1..5] on the largest volumes: covered by many_levels (GLDM's fallback) */
            if (!strcmp(gn_settings[si], "distances_1_to_5") && c->dims[0] * c->dims[1] * c->dims[2] > 30 * 30 * 30)
                continue;
            gn_case(k, stream, c->name, &in, si);
        }
        free(roi);
        roi = NULL;
        free(fgl);
    }

    /* random boxes */
    {
        static const int dims[][3] = {{1, 1, 1},  {1, 1, 9},    {1, 17, 13},  {7, 9, 11},
                                      {40, 40, 40}, {3, 64, 80}, {100, 100, 100}};
        static const int levels[] = {1, 2, 64, 3000};
        static const int fills[] = {100, 60, 30};
        int di, li, fi;
        uint64_t seed = 0x9e3779b97f4a7c15ull;
        for (di = 0; di < TH_COUNT(dims); di++)
            for (li = 0; li < TH_COUNT(levels); li++)
                for (fi = 0; fi < TH_COUNT(fills); fi++) {
                    const int big = dims[di][0] * dims[di][1] * dims[di][2] > 100000;
                    seed += 0x2545F4914F6CDD1Dull;
                    if (big && fi == 2) continue;
                    if (gn_random_box(dims[di][0], dims[di][1], dims[di][2], levels[li], fills[fi], li == 3 && fi == 0,
                                      seed, &in, &gl, &roi) < 0) {
                        CHECK(0, "out of memory");
                    } else {
                        snprintf(what, sizeof what, "random %dx%dx%d, %d levels, %d%% ROI", dims[di][0], dims[di][1],
                                 dims[di][2], levels[li], fills[fi]);
                        for (si = 0; si < GN_NSETTINGS; si++) {
                            if (big && si > 4) continue;
                            gn_case(k, stream, what, &in, si);
                        }
                    }
                    free(gl);
                    free(roi);
                    gl = NULL;
                    roi = NULL;
                }
    }

    /* one zone / one gray level over 10^6 voxels */
    if (gn_random_box(100, 100, 100, 1, 100, 0, 7u, &in, &gl, &roi) == 0) {
        gn_case(k, stream, "100^3 single gray level", &in, 0);
        gn_case(k, stream, "100^3 single gray level", &in, 1);
    } else {
        CHECK(0, "out of memory");
    }
    free(gl);
    free(roi);

    /* brain1 */
    rc = gn_brain1(&in, &gl, &roi);
    CHECK(rc >= 0, "brain1 could not be read");
    if (rc == 0) {
        for (si = 0; si < GN_NSETTINGS; si++) gn_case(k, stream, "brain1 binWidth 25", &in, si);
        gn_timing(k, stream, "brain1 binWidth 25", &in);
    } else if (rc == 1) {
        printf("%s: data/pyradiomics/brain1 absent: not compared\n", test_name);
    }
    free(gl);
    free(roi);

    /* timing on 100^3 with 64 gray levels */
    if (gn_random_box(100, 100, 100, 64, 100, 0, 99u, &in, &gl, &roi) == 0)
        gn_timing(k, stream, "100x100x100 ROI, 64 gray levels", &in);
    free(gl);
    free(roi);

    for (si = 0; si < GN_NSETTINGS; si++)
        printf("%s [%s]: max relative difference CPU vs CUDA %.3g\n", k->name, gn_settings[si], gn_maxerr[si]);
    radx_cuda_nbtex_test_stream_destroy(stream);
    return radx_test_finish(test_name);
}

#endif
