/* SPDX-License-Identifier: BSD-3-Clause */
/* Shared harness of the texture class tests (tests/test_glcm.c, test_glrlm.c, test_glszm.c,
 * test_gldm.c, test_ngtdm.c): each test embeds the reference values PyRadiomics 3.0.1 computed
 * on small synthetic volumes (a block written by its generator under tests/gen/) and hands them,
 * with its class, to one of the two runners below:
 *   - th_angular_main (GLCM, GLRLM; tests/gen/glcm_glrlm_ref.py): volumes x the settings of
 *     th_angular_params, max relative error printed per setting;
 *   - th_neighbourhood_main (GLSZM, GLDM, NGTDM; tests/gen/szm_dm_ngtdm_ref.py): one row per
 *     (volume, setting), max relative error printed per setting label.
 * Both also check the error paths and that results do not depend on the thread count, and print
 * timings on random ROIs with 64 gray levels.  Everything here is static inline, so a test uses
 * what it needs without unused-function warnings. */
#ifndef RADX_TEXTURE_HARNESS_H
#define RADX_TEXTURE_HARNESS_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* clock_gettime */
#endif
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "core/error.h"
#include "params/params.h"
#include "features/features.h"
#include "features/ibsi_texture.h"
#include "features/texture_common.h" /* radx_tex_nbhd_build */
#include "radx_test.h"

#define TH_TOL      1e-9 /* relative; see tests/radx_test.h radx_test_relerr */
#define TH_COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* A texture class under test. */
typedef struct th_class {
    const char *name; /* "glcm" */
    radx_status (*compute)(const radx_texture_input *in, const radx_params *p, double *out, radx_err *err);
    const radx_feature_info *feats;
    int nfeat;
} th_class;

static inline double th_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Compares out with the PyRadiomics reference ref (every feature of the class), one CHECK per
 * feature; raises *worst (and names the feature in *worst_name) to the largest relative error. */
static inline void th_compare(const th_class *k, const char *vol, const char *setting, const double *out,
                              const double *ref, double *worst, const char **worst_name)
{
    int f;
    for (f = 0; f < k->nfeat; f++) {
        const double e = radx_test_relerr(out[f], ref[f]);
        CHECK(e <= TH_TOL, "%s/%s %s: radx %.17g, PyRadiomics %.17g (rel err %.3g)", vol, setting, k->feats[f].name,
              out[f], ref[f], e);
        if (e > *worst) {
            *worst = e;
            if (worst_name) *worst_name = k->feats[f].name;
        }
    }
}

/* An n^3 box of random gray levels 1..nlev (xorshift64 from seed), every voxel in the ROI;
 * *roi_buf receives the ROI (free both).  Returns 0, or -1 when out of memory. */
static inline int th_random_box(int64_t n, int nlev, uint64_t seed, const double spacing_zyx[3], radx_texture_input *in,
                                int32_t **gl_buf, uint8_t **roi_buf)
{
    const size_t nv = (size_t)(n * n * n);
    int32_t *gl = malloc(nv * sizeof *gl);
    uint8_t *roi = malloc(nv);
    size_t i;
    *gl_buf = gl;
    *roi_buf = roi;
    if (!gl || !roi) return -1;
    for (i = 0; i < nv; i++) {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        gl[i] = 1 + (int32_t)(seed % (uint64_t)nlev);
        roi[i] = 1;
    }
    memset(in, 0, sizeof *in);
    in->dims_zyx[0] = in->dims_zyx[1] = in->dims_zyx[2] = n;
    memcpy(in->spacing_zyx, spacing_zyx, sizeof in->spacing_zyx);
    in->gl = gl;
    in->roi = roi;
    in->ng = nlev;
    in->n_roi = (int64_t)nv;
    return 0;
}

/* Computes in with all threads (at least 3, so that a one-core machine still runs several) and
 * with 1 thread: the results must be bit-identical.  Prints both timings. */
static inline void th_thread_check(const th_class *k, const radx_texture_input *in, const radx_params *p,
                                   const char *what)
{
    double *out = malloc(sizeof(double) * (size_t)k->nfeat), *out1 = malloc(sizeof(double) * (size_t)k->nfeat);
    radx_err err = {0};
    double t0, t1, t2, t3;
    int nmany = 1;
    if (!out || !out1) {
        CHECK(0, "out of memory");
        free(out);
        free(out1);
        return;
    }
#ifdef _OPENMP
    const int nt = omp_get_max_threads();
    nmany = nt > 1 ? nt : 3;
    omp_set_num_threads(nmany);
#endif
    t0 = th_now_s();
    CHECK(k->compute(in, p, out, &err) == RADX_OK, "%s %d threads: %s", what, nmany, err.msg);
    t1 = th_now_s();
#ifdef _OPENMP
    omp_set_num_threads(1);
#endif
    t2 = th_now_s();
    CHECK(k->compute(in, p, out1, &err) == RADX_OK, "%s 1 thread: %s", what, err.msg);
    t3 = th_now_s();
#ifdef _OPENMP
    omp_set_num_threads(nt);
#endif
    CHECK(memcmp(out, out1, sizeof(double) * (size_t)k->nfeat) == 0, "%s: results depend on the thread count", what);
    printf("%s %s: %.1f ms (%d threads), %.1f ms (1 thread)\n", k->name, what, 1e3 * (t1 - t0), nmany, 1e3 * (t3 - t2));
    free(out);
    free(out1);
}

/* ---- angular classes (GLCM, GLRLM): tests/gen/glcm_glrlm_ref.py ------------------------------ */

typedef struct ref_volume {
    const char *name;
    int64_t dims[3]; /* z, y, x */
    const int32_t *gl;
    const uint8_t *roi;
    int ng;
    int64_t n_roi;
} ref_volume;

typedef struct ref_case {
    int vol;
    const char *setting;
    double v[32];
} ref_case;

/* SimpleITK spacing (0.8, 1.1, 2.5) of the generator, numpy order. */
static inline const double *th_angular_spacing(void)
{
    static const double spacing_zyx[3] = {2.5, 1.1, 0.8};
    return spacing_zyx;
}

/* The generator's SETTINGS, by name; binWidth 1. */
static inline void th_angular_params(radx_params *p, const char *s)
{
    memset(p, 0, sizeof *p);
    p->n_distances = 1;
    p->distances[0] = 1;
    p->symmetrical_glcm = 1;
    p->weighting_norm = RADX_WNORM_NONE;
    p->bin_width = 1;
    if (!strcmp(s, "dist12")) {
        p->n_distances = 2;
        p->distances[1] = 2;
    } else if (!strcmp(s, "asym"))
        p->symmetrical_glcm = 0;
    else if (!strcmp(s, "manhattan"))
        p->weighting_norm = RADX_WNORM_MANHATTAN;
    else if (!strcmp(s, "euclidean"))
        p->weighting_norm = RADX_WNORM_EUCLIDEAN;
    else if (!strcmp(s, "infinity"))
        p->weighting_norm = RADX_WNORM_INFINITY;
    else if (!strcmp(s, "noweight"))
        p->weighting_norm = RADX_WNORM_NO_WEIGHTING;
    else if (!strncmp(s, "f2d", 3)) {
        p->force2d = 1;
        p->force2d_dimension = s[3] - '0';
    }
}

static inline radx_texture_input th_angular_input(const ref_volume *v)
{
    radx_texture_input in;
    memset(&in, 0, sizeof in);
    memcpy(in.dims_zyx, v->dims, sizeof in.dims_zyx);
    memcpy(in.spacing_zyx, th_angular_spacing(), sizeof in.spacing_zyx);
    in.gl = v->gl;
    in.roi = v->roi;
    in.ng = v->ng;
    in.n_roi = v->n_roi;
    return in;
}

/* The whole test of an angular class: ref_nfeat features per reference case (the generator's
 * REF_NFEAT), the cases of each setting over the volumes, then error paths and a 60^3 random ROI.
 * Returns the test's exit status. */
static inline int th_angular_main(const th_class *k, int ref_nfeat, const ref_volume *vols, const ref_case *cases,
                                  int ncases)
{
    static const char *const settings[] = {"default",  "dist12",   "asym", "manhattan", "euclidean",
                                           "infinity", "noweight", "f2d0", "f2d1",      "f2d2"};
    char test_name[64];
    double *out = malloc(sizeof(double) * (size_t)k->nfeat);
    double worst_all = 0.0;
    int s, ci;
    snprintf(test_name, sizeof test_name, "test_%s", k->name);
    CHECK(k->nfeat == ref_nfeat, "feature count %d, reference has %d", k->nfeat, ref_nfeat);
    CHECK(out != NULL, "out of memory");
    if (k->nfeat != ref_nfeat || !out) {
        free(out);
        return radx_test_finish(test_name);
    }

    for (s = 0; s < TH_COUNT(settings); s++) {
        double worst = 0.0;
        const char *worst_name = "-";
        int nc = 0;
        for (ci = 0; ci < ncases; ci++) {
            const ref_case *rc = &cases[ci];
            const ref_volume *v = &vols[rc->vol];
            radx_params p;
            radx_err err = {0};
            radx_texture_input in;
            radx_status st;
            if (strcmp(rc->setting, settings[s])) continue;
            th_angular_params(&p, rc->setting);
            in = th_angular_input(v);
            st = k->compute(&in, &p, out, &err);
            CHECK(st == RADX_OK, "%s/%s: status %d: %s", v->name, rc->setting, (int)st, err.msg);
            if (st != RADX_OK) continue;
            nc++;
            th_compare(k, v->name, rc->setting, out, rc->v, &worst, &worst_name);
        }
        printf("%s %-10s %d volumes: max rel err %.3g (%s)\n", k->name, settings[s], nc, worst, worst_name);
        if (worst > worst_all) worst_all = worst;
    }
    printf("%s all settings: max rel err %.3g\n", k->name, worst_all);

    /* error paths */
    {
        radx_params p;
        radx_err err = {0};
        radx_texture_input in = th_angular_input(&vols[0]);
        th_angular_params(&p, "default");
        in.ng = 3; /* levels above ng inside the ROI */
        CHECK(k->compute(&in, &p, out, &err) == RADX_ERR_ARG && err.msg[0], "gray level above ng refused");
        CHECK(k->compute(NULL, &p, out, &err) == RADX_ERR_ARG, "NULL input refused");
        in = th_angular_input(&vols[0]);
        p.force2d = 1;
        p.force2d_dimension = 3;
        CHECK(k->compute(&in, &p, out, &err) == RADX_ERR_PARAM, "force2Ddimension 3 refused");
    }

    /* 60x60x60 random ROI, 64 gray levels: timing, and the same result with 1 thread */
    {
        radx_texture_input in;
        radx_params p;
        int32_t *gl;
        uint8_t *roi;
        th_angular_params(&p, "default");
        if (th_random_box(60, 64, 88172645463325252ull, th_angular_spacing(), &in, &gl, &roi) == 0)
            th_thread_check(k, &in, &p, "60x60x60 ROI, 64 gray levels");
        else
            CHECK(0, "out of memory");
        free(gl);
        free(roi);
    }
    free(out);
    return radx_test_finish(test_name);
}

/* ---- neighbourhood classes (GLSZM, GLDM, NGTDM): tests/gen/szm_dm_ngtdm_ref.py --------------- */

#define TH_MAXFEAT 16

typedef struct tcase {
    const char *name;
    int dims[3];       /* z, y, x */
    const int32_t *gl; /* embedded gray levels (0 outside the ROI), or NULL: */
    int formula;       /* built by th_formula_gl() */
} tcase;

typedef struct tref {
    int ci;
    const char *label;
    int force2d, f2d_dim, nd, dist[8], gldm_a;
    double ref[TH_MAXFEAT];
} tref;

/* The generator's settings; binWidth 1. */
static inline void th_nbhd_params(radx_params *p, int force2d, int f2d_dim, int nd, const int *dist, double gldm_a)
{
    int k;
    memset(p, 0, sizeof *p);
    p->bin_width = 1;
    p->symmetrical_glcm = 1;
    p->weighting_norm = RADX_WNORM_NONE;
    p->force2d = force2d;
    p->force2d_dimension = f2d_dim;
    p->n_distances = nd;
    for (k = 0; k < nd; k++) p->distances[k] = dist[k];
    p->gldm_a = gldm_a;
}

/* Fills in from a gray-level box (0 outside the ROI; the generator's spacing); the ROI is
 * malloc'ed into *roi_buf.  Returns 0, or -1 when out of memory. */
static inline int th_nbhd_input(const int32_t *gl, int nz, int ny, int nx, radx_texture_input *in, uint8_t **roi_buf)
{
    const int64_t n = (int64_t)nz * ny * nx;
    int64_t v;
    uint8_t *roi = malloc((size_t)n);
    *roi_buf = roi;
    if (!roi) return -1;
    memset(in, 0, sizeof *in);
    in->dims_zyx[0] = nz;
    in->dims_zyx[1] = ny;
    in->dims_zyx[2] = nx;
    in->spacing_zyx[0] = 1.5;
    in->spacing_zyx[1] = 0.8;
    in->spacing_zyx[2] = 0.7;
    for (v = 0; v < n; v++) {
        roi[v] = gl[v] > 0;
        if (roi[v]) in->n_roi++;
        if (gl[v] > in->ng) in->ng = gl[v];
    }
    in->gl = gl;
    in->roi = roi;
    return 0;
}

/* Same integer formulas as formula_gl() in tests/gen/szm_dm_ngtdm_ref.py; 0 = outside the ROI. */
static inline int32_t th_formula_gl(int id, int64_t z, int64_t y, int64_t x)
{
    if (id == 1) return x < 50 ? 1 : (int32_t)(2 + (x * x * 3 + y * 5 + z * z * 7 + x * y) % 12);
    if ((x + 2 * y + 3 * z) % 7 == 3) return 0;
    return (int32_t)(1 + (x * x * 31 + y * y * 17 + z * 53 + x * y * z * 7) % 5000);
}

static inline int32_t *th_formula_box(const tcase *c)
{
    int64_t z, y, x, v = 0;
    int32_t *gl = malloc((size_t)c->dims[0] * c->dims[1] * c->dims[2] * sizeof *gl);
    if (!gl) return NULL;
    for (z = 0; z < c->dims[0]; z++)
        for (y = 0; y < c->dims[1]; y++)
            for (x = 0; x < c->dims[2]; x++) gl[v++] = th_formula_gl(c->formula, z, y, x);
    return gl;
}

/* An n^3 random box of the generator's spacing (th_random_box); free *gl_buf and *roi_buf. */
static inline int th_nbhd_random_box(int n, int nlev, uint64_t seed, radx_texture_input *in, int32_t **gl_buf,
                                     uint8_t **roi_buf)
{
    static const double spacing_zyx[3] = {1.5, 0.8, 0.7};
    return th_random_box(n, nlev, seed, spacing_zyx, in, gl_buf, roi_buf);
}

/* A neighbourhood class test: its class, the GENERATED block, the error paths that apply, and
 * class-specific checks (run after the thread check; NULL for none). */
typedef struct th_nbhd_test {
    th_class k;
    const tcase *cases;
    int ncases;
    const tref *refs;
    int nrefs;
    const char *const *ref_names;
    int nnames;
    int uses_distances; /* the `distances` setting: empty list and distance 0 are refused */
    int uses_gldm_a;    /* gldm_a: 0.5 is refused */
    void (*extra)(const th_class *k);
} th_nbhd_test;

/* The PyRadiomics references, max relative error per setting label. */
static inline void th_nbhd_refs(const th_nbhd_test *t)
{
    const th_class *k = &t->k;
    const char *labels[64];
    double maxerr[64], out[TH_MAXFEAT];
    int nlabels = 0, i, f;

    /* the reference names are the name table */
    CHECK(t->nnames == k->nfeat, "%d reference names, %d in the table", t->nnames, k->nfeat);
    for (f = 0; f < t->nnames && f < k->nfeat; f++)
        CHECK(strcmp(t->ref_names[f], k->feats[f].name) == 0, "feature %d: %s vs %s", f, t->ref_names[f],
              k->feats[f].name);
    if (k->nfeat > TH_MAXFEAT) {
        CHECK(0, "%d features, the harness holds %d", k->nfeat, TH_MAXFEAT);
        return;
    }

    for (i = 0; i < t->nrefs; i++) {
        const tref *r = &t->refs[i];
        const tcase *c = &t->cases[r->ci];
        radx_texture_input in;
        radx_params p;
        radx_err err = {0};
        uint8_t *roi = NULL;
        int32_t *fgl = c->gl ? NULL : th_formula_box(c);
        radx_status st;
        int li;
        if ((!c->gl && !fgl) || th_nbhd_input(c->gl ? c->gl : fgl, c->dims[0], c->dims[1], c->dims[2], &in, &roi) < 0) {
            CHECK(0, "out of memory");
            free(fgl);
            continue;
        }
        th_nbhd_params(&p, r->force2d, r->f2d_dim, r->nd, r->dist, r->gldm_a);
        st = k->compute(&in, &p, out, &err);
        CHECK(st == RADX_OK, "%s/%s: status %d: %s", c->name, r->label, (int)st, err.msg);
        for (li = 0; li < nlabels; li++)
            if (strcmp(labels[li], r->label) == 0) break;
        if (li == nlabels && nlabels < 64) {
            labels[nlabels] = r->label;
            maxerr[nlabels++] = 0.0;
        }
        if (st == RADX_OK) {
            double spare = 0.0; /* more than 64 labels: checked, not reported */
            th_compare(k, c->name, r->label, out, r->ref, li < 64 ? &maxerr[li] : &spare, NULL);
        }
        free(roi);
        free(fgl);
    }
    for (i = 0; i < nlabels; i++)
        printf("%s [%s]: max relative error vs PyRadiomics %.3g\n", k->name, labels[i], maxerr[i]);
}

static inline void th_nbhd_errors(const th_nbhd_test *t)
{
    const th_class *k = &t->k;
    const int32_t gl1[8] = {1, 2, 1, 2, 2, 1, 1, 1};
    const int d1 = 1, d0 = 0;
    double out[TH_MAXFEAT];
    radx_texture_input in;
    radx_params p;
    radx_err err = {0};
    uint8_t *roi = NULL;
    if (th_nbhd_input(gl1, 2, 2, 2, &in, &roi) < 0) {
        CHECK(0, "out of memory");
        return;
    }
    th_nbhd_params(&p, 1, 3, 1, &d1, 0);
    CHECK(k->compute(&in, &p, out, &err) == RADX_ERR_PARAM, "force2Ddimension 3 accepted");
    th_nbhd_params(&p, 0, 0, 1, &d1, 0);
    CHECK(k->compute(NULL, &p, out, &err) == RADX_ERR_ARG, "NULL input accepted");
    if (t->uses_distances) {
        th_nbhd_params(&p, 0, 0, 0, &d1, 0);
        CHECK(k->compute(&in, &p, out, &err) == RADX_ERR_PARAM, "empty distances accepted");
        th_nbhd_params(&p, 0, 0, 1, &d0, 0);
        CHECK(k->compute(&in, &p, out, &err) == RADX_ERR_PARAM, "distance 0 accepted");
    }
    if (t->uses_gldm_a) {
        th_nbhd_params(&p, 0, 0, 1, &d1, 0.5);
        CHECK(k->compute(&in, &p, out, &err) == RADX_ERR_PARAM, "gldm_a 0.5 accepted");
    }
    memset(roi, 0, 8);
    th_nbhd_params(&p, 0, 0, 1, &d1, 0);
    CHECK(k->compute(&in, &p, out, &err) == RADX_ERR_ROI, "empty ROI accepted");
    free(roi);
}

/* The whole test of a neighbourhood class; returns the test's exit status. */
/* ROI voxels of in without a neighbour in the ROI under p's distances (and force2D). */
static inline int64_t th_isolated_voxels(const radx_texture_input *in, const radx_params *p)
{
    radx_tex_nbhd nh;
    radx_err err = {0};
    int64_t n = 0;
    if (radx_tex_nbhd_build(in->dims_zyx, p->distances, p->n_distances, p->force2d ? p->force2d_dimension : -1, "t",
                            &nh, &err))
        return -1;
    const int64_t *d = in->dims_zyx;
    for (int64_t z = 0, i = 0; z < d[0]; z++)
        for (int64_t y = 0; y < d[1]; y++)
            for (int64_t x = 0; x < d[2]; x++, i++) {
                if (!in->roi[i]) continue;
                int has = 0;
                for (int a = 0; a < nh.na && !has; a++) {
                    const int64_t j = radx_tex_neighbor(z, y, x, nh.off + 3 * a, d);
                    has = j >= 0 && in->roi[j];
                }
                n += !has;
            }
    radx_tex_nbhd_free(&nh);
    return n;
}

/* IBSI's class c (host/features/ibsi_texture.c) at 3D (2.5D under force2D) against the PyRadiomics
 * references of the same class, every feature with an IBSI tag: IBSI's GLSZM and NGTDM are
 * PyRadiomics' at those aggregations, except that IBSI's NGTDM leaves out the voxels without a
 * neighbour (N_v,c) where PyRadiomics counts them (those cases are skipped and counted).  Prints
 * the worst relative error. */
static inline void th_nbhd_ibsi(const th_nbhd_test *t, radx_class c)
{
    const th_class *k = &t->k;
    double worst = 0.0, out[TH_MAXFEAT];
    int skipped = 0;
    for (int i = 0; i < t->nrefs; i++) {
        const tref *r = &t->refs[i];
        const tcase *cs = &t->cases[r->ci];
        radx_texture_input in;
        radx_params p;
        radx_err err = {0};
        uint8_t *roi = NULL;
        int32_t *fgl = cs->gl ? NULL : th_formula_box(cs);
        if ((!cs->gl && !fgl) ||
            th_nbhd_input(cs->gl ? cs->gl : fgl, cs->dims[0], cs->dims[1], cs->dims[2], &in, &roi) < 0) {
            CHECK(0, "out of memory");
            free(fgl);
            continue;
        }
        th_nbhd_params(&p, r->force2d, r->f2d_dim, r->nd, r->dist, r->gldm_a);
        if (c == RADX_CLASS_NGTDM && th_isolated_voxels(&in, &p) != 0) {
            skipped++;
            free(roi);
            free(fgl);
            continue;
        }
        const radx_status st = radx_ibsi_texture(c, r->force2d ? RADX_AGG_25D : RADX_AGG_3D, &in, NULL, &p, out, &err);
        CHECK(st == RADX_OK, "IBSI %s %s/%s: %s", k->name, cs->name, r->label, err.msg);
        for (int f = 0; !st && f < k->nfeat; f++) {
            if (!k->feats[f].ibsi || isnan(r->ref[f])) continue;
            const double e = radx_test_relerr(out[f], r->ref[f]);
            worst = fmax(worst, e);
            CHECK(e <= TH_TOL, "IBSI %s %s/%s %s: %.17g, PyRadiomics %.17g", k->name, cs->name, r->label,
                  k->feats[f].name, out[f], r->ref[f]);
        }
        free(roi);
        free(fgl);
    }
    printf("IBSI %s (3D / 2.5D) against PyRadiomics' %s: %d cases (%d with a voxel without neighbours left out), "
           "worst relative error %.3g\n",
           k->name, k->name, t->nrefs - skipped, skipped, worst);
}

static inline int th_neighbourhood_main(const th_nbhd_test *t)
{
    const th_class *k = &t->k;
    const int d1 = 1;
    char test_name[64];
    radx_texture_input in;
    radx_params p;
    int32_t *gl;
    uint8_t *roi;
    snprintf(test_name, sizeof test_name, "test_%s", k->name);
    th_nbhd_refs(t);
    th_nbhd_errors(t);
    th_nbhd_params(&p, 0, 0, 1, &d1, 0);

    /* results do not depend on the thread count; timing on 60^3 with 64 gray levels */
    if (th_nbhd_random_box(60, 64, 12345u, &in, &gl, &roi) == 0)
        th_thread_check(k, &in, &p, "60x60x60 ROI, 64 gray levels, distances [1]");
    else
        CHECK(0, "out of memory");
    free(gl);
    free(roi);

    if (t->extra) t->extra(k);

    /* timing on 100^3 with 64 gray levels, distances [1] */
    if (th_nbhd_random_box(100, 64, 99u, &in, &gl, &roi) == 0) {
        radx_err err = {0};
        double out[TH_MAXFEAT], t0 = th_now_s(), t1;
        CHECK(k->compute(&in, &p, out, &err) == RADX_OK, "100^3: %s", err.msg);
        t1 = th_now_s();
        printf("%s: 100x100x100 ROI, 64 gray levels: %.1f ms\n", k->name, 1e3 * (t1 - t0));
    } else {
        CHECK(0, "out of memory");
    }
    free(gl);
    free(roi);
    return radx_test_finish(test_name);
}

#endif
