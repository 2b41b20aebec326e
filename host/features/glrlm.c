/* SPDX-License-Identifier: BSD-3-Clause */
/* Gray Level Run Length Matrix features, reproducing PyRadiomics 3.0.1 (glrlm.py and cmatrices.c
 * calculate_glrlm).
 *
 * Outline (PyRadiomics' steps):
 *   1. one integer run-length matrix per angle (kernels/rules/angles.h, mono-directional, distance 1
 *      whatever the `distances` setting), rows = gray levels present in the ROI (absent rows are
 *      deleted; features use the actual gray values), columns = run length 1..max box size;
 *      an angle along which no line holds more than one ROI voxel is zeroed (kernels/rules/glrlm_rules.h);
 *   2. weightingNorm set: one matrix sum_a w_a P_a, w = ||a * spacing|| in that norm;
 *   3. per angle Nr = sum P (NaN when 0; empty angles are dropped, which nanmean does as well),
 *      Np = sum_j j * pr(j); features per angle, then nanmean over angles.
 * Deleting empty run-length columns (PyRadiomics does) changes no sum, so it is not done here.
 *
 * Steps (host/features/angular_classes.h): radx_glrlm_prepare (checks, level index, angles), the matrices
 * (radx_glrlm_count_angle here; kernels/cuda/glrlm.cu on the GPU), radx_glrlm_from_counts (steps 2-3,
 * shared by both backends).  radx_glrlm_compute chains them on the CPU.
 *
 * Threads: non-weighted, each angle is done by one thread and the mean is taken in angle order;
 * weighted, angle matrices are counted in parallel batches and added in angle order.  Results do
 * not depend on the thread count. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#define GLRLM_OMP(...) _Pragma(#__VA_ARGS__)
#else
#define GLRLM_OMP(...)
#endif

#include "core/error.h"
#include "params/params.h"
#include "features/features.h"
#include "rules/angles.h"
#include "features/angular_classes.h"
#include "rules/glrlm_features.h"
#include "rules/glrlm_rules.h"
#include "core/limits.h"
#include "features/texture_common.h"

/* The prepared input (host/features/angular_classes.h): dims, li, n, vals, L, angles. */
typedef radx_angular_prep glrlm_ctx;

/* Counts the runs of the line along angle ang that starts at (z, y, x) (step: the flat index
 * displacement of ang) into cnt and *runs; sets *multi when the line holds more than one ROI
 * voxel. */
static void walk_line(const glrlm_ctx *c, const int *ang, long long z, long long y, long long x, long long step,
                      uint32_t *cnt, uint64_t *runs, int *multi)
{
    const long long nz = c->dims[0], ny = c->dims[1], nx = c->dims[2], L = c->L;
    /* steps until the line leaves the box */
    long long len = L, r;
    if (ang[0] > 0 && (r = nz - z) < len) len = r;
    if (ang[0] < 0 && (r = z + 1) < len) len = r;
    if (ang[1] > 0 && (r = ny - y) < len) len = r;
    if (ang[1] < 0 && (r = y + 1) < len) len = r;
    if (ang[2] > 0 && (r = nx - x) < len) len = r;
    if (ang[2] < 0 && (r = x + 1) < len) len = r;
    const int32_t *v = c->li + (x + nx * (y + ny * z));
    radx_glrlm_run run;
    int g;
    long long rl, t;
    radx_glrlm_run_init(&run);
    for (t = 0; t < len; t++, v += step) {
        if (radx_glrlm_run_step(&run, *v, &g, &rl)) {
            cnt[radx_glrlm_cell(g, rl, L)]++;
            (*runs)++;
        }
    }
    if (radx_glrlm_run_end(&run, &g, &rl)) {
        cnt[radx_glrlm_cell(g, rl, L)]++;
        (*runs)++;
    }
    if (run.elems > 1) *multi = 1;
}

/* Run-length counts of angle a into cnt (n * L); returns the number of runs (0 when the angle is
 * zeroed).  Counts fit uint32: at most one run per ROI voxel. */
uint64_t radx_glrlm_count_angle(const void *ctx, int a, uint32_t *cnt)
{
    const glrlm_ctx *c = ctx;
    const int *ang = c->angles + 3 * a;
    const long long nz = c->dims[0], ny = c->dims[1], nx = c->dims[2];
    const long long step = (long long)ang[2] + nx * ((long long)ang[1] + ny * (long long)ang[0]);
    long long z, y, x;
    uint64_t runs = 0;
    int multi = 0;
    memset(cnt, 0, (size_t)c->n * (size_t)c->L * sizeof *cnt);
    /* line starts (radx_glrlm_is_line_start), enumerated per (z, y) row: every voxel of the row when
     * the row's predecessor row is outside the box, else only the x end the angle comes from */
    for (z = 0; z < nz; z++) {
        for (y = 0; y < ny; y++) {
            if (!radx_glrlm_in_box(c->dims, z - ang[0], y - ang[1], 0)) {
                for (x = 0; x < nx; x++) walk_line(c, ang, z, y, x, step, cnt, &runs, &multi);
            } else if (ang[2] > 0) {
                walk_line(c, ang, z, y, 0, step, cnt, &runs, &multi);
            } else if (ang[2] < 0) {
                walk_line(c, ang, z, y, nx - 1, step, cnt, &runs, &multi);
            }
        }
    }
    if (!multi) { /* ROI is 2-D for this angle: PyRadiomics zeroes it (only length-1 runs exist) */
        memset(cnt, 0, (size_t)c->n * (size_t)c->L * sizeof *cnt);
        runs = 0;
    }
    return runs;
}

radx_status radx_glrlm_prepare(const radx_texture_input *in, const radx_params *p, double *out, radx_angular_prep *g,
                               radx_err *err)
{
    memset(g, 0, sizeof *g);
    radx_status st = radx_tex_check_angular(in, p, "glrlm", radx_glrlm_nfeatures, GLRLM_F_COUNT, 0, out, err);
    if (st != RADX_OK) return st;

    const long long dims[3] = {in->dims_zyx[0], in->dims_zyx[1], in->dims_zyx[2]};
    long long L = dims[0];
    if (dims[1] > L) L = dims[1];
    if (dims[2] > L) L = dims[2];
    memcpy(g->dims, dims, sizeof g->dims);
    g->L = L;

    st = radx_tex_level_index(in, "glrlm", &g->li, &g->vals, &g->n, err);
    if (st != RADX_OK) return st;
    const int n = g->n;
    if ((uint64_t)n * (uint64_t)L > ((uint64_t)1 << 31)) {
        st = radx_seterr(err, RADX_ERR_NOMEM, "glrlm: %d gray levels x %lld run lengths is too large", n, L);
        goto fail;
    }
    g->ncell = (size_t)n * (size_t)L;
    /* a thread's counts and matrix: 12 bytes a cell */
    if ((st = radx_tex_matrix_memory("glrlm", n, 12.0 * (double)g->ncell, err)) != RADX_OK) goto fail;
    g->angles = malloc(3 * RADX_MAX_ANGLES * sizeof *g->angles);
    if (!g->angles) {
        st = radx_seterr(err, RADX_ERR_NOMEM, "glrlm: out of memory");
        goto fail;
    }

    const int force = p->force2d ? p->force2d_dimension : -1;
    const int dist1 = 1;
    g->na = radx_angles_build(dims, &dist1, 1, 0, force, g->angles, RADX_MAX_ANGLES);
    if (g->na < 0) {
        st = radx_seterr(err, RADX_ERR_INTERNAL, "glrlm: angle generation failed");
        goto fail;
    }
    return RADX_OK;
fail:
    radx_angular_prep_free(g);
    return st;
}

radx_status radx_glrlm_from_counts(const radx_angular_prep *g, const radx_params *p, const double spacing_zyx[3],
                                   radx_angular_count_fn count, const void *ctx, double *out, radx_err *err)
{
    int k;
    const int n = g->n, na = g->na;
    const long long L = g->L;
    const size_t nl = (size_t)n * (size_t)L;
    double *res = NULL, *wsum = NULL, *pg = NULL, *pr = NULL;
    int nthr = radx_tex_max_threads();
    radx_status st = RADX_OK;

    for (k = 0; k < GLRLM_F_COUNT; k++) out[k] = NAN;
    if (p->weighting_norm != RADX_WNORM_NONE) {
        pg = malloc((size_t)n * sizeof *pg);
        pr = malloc((size_t)L * sizeof *pr);
        if (!pg || !pr) {
            st = radx_seterr(err, RADX_ERR_NOMEM, "glrlm: out of memory");
            goto done;
        }
        st = radx_tex_weighted_sum("glrlm", na, g->angles, nl, nthr, count, ctx, radx_glrlm_weight, spacing_zyx,
                                   (int)p->weighting_norm, &wsum, err);
        if (st != RADX_OK) goto done;
        radx_glrlm_matrix_features(n, L, g->vals, wsum, pg, pr, out); /* NaN everywhere when empty */
        goto done;
    }

    res = malloc((na > 0 ? (size_t)na : 1) * GLRLM_F_COUNT * sizeof *res);
    if (!res) {
        st = radx_seterr(err, RADX_ERR_NOMEM, "glrlm: out of memory");
        goto done;
    }
    int nomem = 0;
    /* a thread's workspace is 12 n L bytes: all of them within half the memory limit */
    {
        const double room = (double)radx_memory_limit(NULL) / 2 / (12.0 * (double)nl + 1.0);
        if (room < nthr) nthr = room < 1 ? 1 : (int)room;
    }
    GLRLM_OMP(omp parallel num_threads(nthr) reduction(| : nomem))
    {
        uint32_t *cnt = malloc(nl * sizeof *cnt);
        double *P = malloc(nl * sizeof *P);
        double *tpg = malloc((size_t)n * sizeof *tpg);
        double *tpr = malloc((size_t)L * sizeof *tpr);
        const int ok = cnt && P && tpg && tpr;
        int a;
        nomem = !ok;
        GLRLM_OMP(omp for schedule(dynamic, 1))
        for (a = 0; a < na; a++) {
            if (!ok) continue;
            count(ctx, a, cnt);
            for (size_t e = 0; e < nl; e++) P[e] = (double)cnt[e];
            radx_glrlm_matrix_features(n, L, g->vals, P, tpg, tpr, res + (size_t)a * GLRLM_F_COUNT);
        }
        free(cnt);
        free(P);
        free(tpg);
        free(tpr);
    }
    if (nomem) {
        st = radx_seterr(err, RADX_ERR_NOMEM, "glrlm: out of memory");
        goto done;
    }
    /* numpy.nanmean over the angles (empty angles are NaN everywhere) */
    for (k = 0; k < GLRLM_F_COUNT; k++) out[k] = radx_tex_angle_nanmean(res, na, GLRLM_F_COUNT, k);

done:
    free(wsum);
    free(pg);
    free(pr);
    free(res);
    return st;
}

radx_status radx_glrlm_compute(const radx_texture_input *in, const radx_params *p, double *out, radx_err *err)
{
    radx_angular_prep g;
    radx_status st = radx_glrlm_prepare(in, p, out, &g, err);
    if (st != RADX_OK) return st;
    st = radx_glrlm_from_counts(&g, p, in->spacing_zyx, radx_glrlm_count_angle, &g, out, err);
    radx_angular_prep_free(&g);
    return st;
}
