/* SPDX-License-Identifier: BSD-3-Clause */
/* Gray Level Co-occurrence Matrix features, reproducing PyRadiomics 3.0.1 (glcm.py and
 * cmatrices.c calculate_glcm).
 *
 * Outline (PyRadiomics' steps, in its order):
 *   1. one integer co-occurrence matrix per angle (kernels/rules/angles.h, mono-directional, the
 *      `distances` setting), restricted to the gray levels present in the ROI (PyRadiomics deletes
 *      the absent rows/columns; features use the actual gray values and Ng = max gray level);
 *   2. symmetricalGLCM: P += P^T;
 *   3. weightingNorm set: one matrix sum_a w_a P_a (w = exp(-||a*spacing||^2));
 *   4. empty angles are dropped (when more than one angle), an empty single matrix gives NaN;
 *   5. each matrix is normalised, features are computed per angle, then nanmean over angles.
 * eps = numpy.spacing(1) = 2^-52.
 *
 * MCC needs the eigenvalues of Q(i,j) = sum_k p(i,k)p(j,k)/(px(i)py(k)+eps); see mcc_lambda2.
 *
 * Steps (host/features/angular_classes.h): radx_glcm_prepare (checks, level index, angles), the matrices
 * (radx_glcm_count_angle here; kernels/cuda/glcm.cu on the GPU), radx_glcm_from_counts (steps 2-5,
 * shared by both backends).  radx_glcm_compute chains them on the CPU.
 *
 * Threads: non-weighted, each angle (matrix and features) is done by one thread and the mean is
 * taken in angle order; weighted, angle matrices are counted in parallel batches and added in
 * angle order.  Results do not depend on the thread count. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#define GLCM_OMP(...) _Pragma(#__VA_ARGS__)
#else
#define GLCM_OMP(...)
#endif

#include "core/error.h"
#include "params/params.h"
#include "features/features.h"
#include "rules/angles.h"
#include "features/angular_classes.h"
#include "rules/glcm_features.h"
#include "rules/glcm_rules.h"
#include "features/texture_common.h"

typedef radx_glcm_ws glcm_ws;

/* The prepared input (host/features/angular_classes.h): dims, li, n, vals, ivals, ng, sym, angles. */
typedef radx_angular_prep glcm_ctx;

void radx_glcm_ws_free(glcm_ws *w)
{
    free(w->cnt);
    free(w->p);
    free(w->px);
    free(w->py);
    free(w->padd);
    free(w->psub);
    free(w->q);
    free(w->arow);
    free(w->act);
    free(w->wr);
    free(w->wi);
    free(w->tmp);
    free(w->sq);
    free(w->cptr);
    free(w->cfill);
    free(w->crow);
    free(w->cval);
    memset(w, 0, sizeof *w);
}

int radx_glcm_ws_alloc(glcm_ws *w, int n, int ng, int with_counts)
{
    size_t nn = (size_t)n * (size_t)n;
    memset(w, 0, sizeof *w);
    if (with_counts) w->cnt = malloc(nn * sizeof *w->cnt);
    w->p = malloc(nn * sizeof *w->p);
    w->px = malloc((size_t)n * sizeof *w->px);
    w->py = malloc((size_t)n * sizeof *w->py);
    w->padd = malloc((2 * (size_t)ng + 1) * sizeof *w->padd);
    w->psub = malloc((size_t)ng * sizeof *w->psub);
    w->q = malloc(nn * sizeof *w->q);
    w->arow = malloc((size_t)n * sizeof *w->arow);
    w->act = malloc((size_t)n * sizeof *w->act);
    w->wr = malloc((size_t)n * sizeof *w->wr);
    w->wi = malloc((size_t)n * sizeof *w->wi);
    w->tmp = malloc((size_t)n * sizeof *w->tmp);
    w->sq = malloc((size_t)n * sizeof *w->sq);
    w->cptr = malloc(((size_t)n + 1) * sizeof *w->cptr);
    w->cfill = malloc(((size_t)n + 1) * sizeof *w->cfill);
    w->crow = malloc(nn * sizeof *w->crow);
    w->cval = malloc(nn * sizeof *w->cval);
    if ((with_counts && !w->cnt) || !w->p || !w->px || !w->py || !w->padd || !w->psub || !w->q || !w->arow || !w->act ||
        !w->wr || !w->wi || !w->tmp || !w->sq || !w->cptr || !w->cfill || !w->crow || !w->cval) {
        radx_glcm_ws_free(w);
        return -1;
    }
    return 0;
}

/* Co-occurrence counts of angle a into cnt (n*n, not symmetrised); returns the total.  Counts fit
 * uint32: at most one pair per ROI voxel and angle (twice that once symmetrised), and the ROI has
 * fewer than 2^31 voxels. */
uint64_t radx_glcm_count_angle(const void *ctx, int a, uint32_t *cnt)
{
    const glcm_ctx *c = ctx;
    const int *ang = c->angles + 3 * a;
    const long long nz = c->dims[0], ny = c->dims[1], nx = c->dims[2];
    const int n = c->n;
    long long z0, z1, y0, y1, x0, x1, z, y, x;
    uint64_t total = 0;
    memset(cnt, 0, (size_t)n * (size_t)n * sizeof *cnt);
    radx_glcm_axis_range(nz, ang[0], &z0, &z1);
    radx_glcm_axis_range(ny, ang[1], &y0, &y1);
    radx_glcm_axis_range(nx, ang[2], &x0, &x1);
    const long long off = (long long)ang[2] + nx * ((long long)ang[1] + ny * (long long)ang[0]);
    for (z = z0; z < z1; z++) {
        for (y = y0; y < y1; y++) {
            const int32_t *row = c->li + nx * (y + ny * z);
            const int32_t *nrow = row + off;
            for (x = x0; x < x1; x++) {
                const long long cell = radx_glcm_cell(row[x], nrow[x], n);
                if (cell >= 0) {
                    cnt[cell]++;
                    total++;
                }
            }
        }
    }
    return total;
}

/* The matrix source of radx_glcm_from_counts with symmetricalGLCM applied: P += P^T. */
typedef struct glcm_src {
    radx_angular_count_fn count;
    const void *ctx;
    int n, sym;
} glcm_src;

static uint64_t src_count(const void *vsrc, int a, uint32_t *cnt)
{
    const glcm_src *s = vsrc;
    const int n = s->n;
    uint64_t total = s->count(s->ctx, a, cnt);
    if (s->sym) {
        int i, j;
        for (i = 0; i < n; i++) {
            cnt[(size_t)i * n + i] *= 2u;
            for (j = i + 1; j < n; j++) {
                uint32_t t = cnt[(size_t)i * n + j] + cnt[(size_t)j * n + i];
                cnt[(size_t)i * n + j] = t;
                cnt[(size_t)j * n + i] = t;
            }
        }
        total *= 2;
    }
    return total;
}

void radx_angular_prep_free(radx_angular_prep *g)
{
    if (!g) return;
    free(g->li);
    free(g->vals);
    free(g->ivals);
    free(g->angles);
    memset(g, 0, sizeof *g);
}

uint64_t radx_angular_counts_get(const void *ctx, int a, uint32_t *cnt)
{
    const radx_angular_counts *s = ctx;
    const uint32_t *src = s->cnt + (size_t)a * s->ncell;
    uint64_t total = 0;
    size_t e;
    for (e = 0; e < s->ncell; e++) total += (cnt[e] = src[e]);
    return total;
}

/* MCC is an eigen decomposition (levels^3 steps per angle): computed only when it is reported. */
static int mcc_wanted(const radx_params *p)
{
    const radx_class_sel *s = &p->cls[RADX_CLASS_GLCM];
    if (s->all || s->n == 0) return 1;
    for (int i = 0; i < s->n; i++)
        if (!strcmp(s->names[i], "MCC")) return 1;
    return 0;
}

radx_status radx_glcm_prepare(const radx_texture_input *in, const radx_params *p, double *out, radx_angular_prep *g,
                              radx_err *err)
{
    int i;
    memset(g, 0, sizeof *g);
    radx_status st = radx_tex_check_angular(in, p, "glcm", radx_glcm_nfeatures, GLCM_F_COUNT, 1, out, err);
    if (st != RADX_OK) return st;

    const long long dims[3] = {in->dims_zyx[0], in->dims_zyx[1], in->dims_zyx[2]};
    memcpy(g->dims, dims, sizeof g->dims);
    /* gray levels present in the ROI */
    st = radx_tex_level_index(in, "glcm", &g->li, &g->vals, &g->n, err);
    if (st != RADX_OK) return st;
    const int n = g->n;
    g->ng = (int)g->vals[n - 1]; /* Ng = max gray level present (PyRadiomics), whatever in->ng says */
    /* n <= RADX_MAX_TEX_LEVELS: n x n cells stay within 2^31; a workspace is about 32 n^2 bytes */
    if (mcc_wanted(p) && n > RADX_MAX_MCC_LEVELS) {
        st = radx_seterr(err, RADX_ERR_NOMEM,
                         "glcm: MCC with %d gray levels present, above its limit of %d (an eigen decomposition "
                         "of levels^3 steps per angle); raise binWidth (or lower binCount), or leave MCC out",
                         n, RADX_MAX_MCC_LEVELS);
        goto fail;
    }
    if ((st = radx_tex_matrix_memory("glcm", n, 32.0 * (double)n * (double)n, err)) != RADX_OK) goto fail;
    g->ncell = (size_t)n * (size_t)n;
    g->ivals = malloc((size_t)n * sizeof *g->ivals);
    g->angles = malloc(3 * RADX_MAX_ANGLES * sizeof *g->angles);
    if (!g->ivals || !g->angles) {
        st = radx_seterr(err, RADX_ERR_NOMEM, "glcm: out of memory");
        goto fail;
    }
    for (i = 0; i < n; i++) g->ivals[i] = (int)g->vals[i];

    const int force = p->force2d ? p->force2d_dimension : -1;
    g->na = radx_angles_build(dims, p->distances, p->n_distances, 0, force, g->angles, RADX_MAX_ANGLES);
    if (g->na < 0) {
        st = radx_seterr(err, RADX_ERR_PARAM, "glcm: distances: invalid value (< 1) or more than %d angles",
                         RADX_MAX_ANGLES);
        goto fail;
    }
    g->sym = p->symmetrical_glcm ? 1 : 0;
    return RADX_OK;
fail:
    radx_angular_prep_free(g);
    return st;
}

/* The features of one normalised matrix (w->p) into f; 1 when MCC's eigen solver failed. */
static int matrix_features(const radx_glcm_levels *lv, glcm_ws *w, int mcc, double *f)
{
    if (mcc) return radx_glcm_matrix_all(lv, w, f);
    radx_glcm_matrix_features(lv, w, f); /* MCC NaN */
    return 0;
}

radx_status radx_glcm_from_counts(const radx_angular_prep *g, const radx_params *p, const double spacing_zyx[3],
                                  radx_angular_count_fn count, const void *ctx, double *out, radx_err *err)
{
    int k;
    const radx_glcm_levels lv = {g->n, g->ng, g->vals, g->ivals};
    const int n = g->n, ng = g->ng, na = g->na;
    const size_t nn = (size_t)n * (size_t)n;
    const glcm_src src = {count, ctx, n, g->sym};
    double *res = NULL, *wsum = NULL; /* res: GLCM_F_COUNT features per angle */
    int *mcc_fail = NULL;
    int nthr = radx_tex_max_threads();
    radx_status st = RADX_OK;
    double mcc_one_level = 1.0; /* PyRadiomics returns 1 when the matrices are 1 x 1 */
    const int mcc = mcc_wanted(p);

    for (k = 0; k < GLCM_F_COUNT; k++) out[k] = NAN;
    if (p->weighting_norm != RADX_WNORM_NONE) {
        /* one matrix: sum_a w_a P_a, added in angle order */
        st = radx_tex_weighted_sum("glcm", na, g->angles, nn, nthr, src_count, &src, radx_glcm_weight, spacing_zyx,
                                   (int)p->weighting_norm, &wsum, err);
        if (st != RADX_OK) goto done;
        double total = 0.0;
        for (size_t e = 0; e < nn; e++) total += wsum[e];
        if (total == 0.0) {
            /* NaN matrix: every feature NaN (MCC: numpy refuses NaN input), except InverseVariance
             * when Ng = 1: its sum over k = 1..Ng-1 is empty, hence 0. */
            if (ng == 1) out[GLCM_F_INVVAR] = 0.0;
            goto done;
        }
        glcm_ws w;
        if (radx_glcm_ws_alloc(&w, n, ng, 0) != 0) {
            st = radx_seterr(err, RADX_ERR_NOMEM, "glcm: out of memory");
            goto done;
        }
        for (size_t e = 0; e < nn; e++) w.p[e] = wsum[e] / total;
        matrix_features(&lv, &w, mcc, out); /* MCC NaN when the eigen solver failed */
        radx_glcm_ws_free(&w);
        if (n < 2) out[GLCM_F_MCC] = mcc_one_level;
        goto done;
    }

    /* no weighting: features per angle, then the mean over the non-empty angles */
    res = malloc((na > 0 ? (size_t)na : 1) * GLCM_F_COUNT * sizeof *res);
    mcc_fail = calloc(na > 0 ? (size_t)na : 1, sizeof *mcc_fail);
    if (!res || !mcc_fail) {
        st = radx_seterr(err, RADX_ERR_NOMEM, "glcm: out of memory");
        goto done;
    }
    int nomem = 0;
    /* workspace per thread is about 32 n^2 bytes: keep the total under ~2 GiB */
    {
        const double per = 32.0 * (double)n * (double)n + 1.0;
        int lim = (int)fmin((double)nthr, fmax(1.0, 2147483648.0 / per));
        nthr = lim < 1 ? 1 : lim;
    }
    GLCM_OMP(omp parallel num_threads(nthr) reduction(| : nomem))
    {
        glcm_ws w;
        const int ok = radx_glcm_ws_alloc(&w, n, ng, 1) == 0;
        int a;
        nomem = !ok;
        GLCM_OMP(omp for schedule(dynamic, 1))
        for (a = 0; a < na; a++) {
            double *f = res + (size_t)a * GLCM_F_COUNT;
            if (!ok) continue;
            uint64_t total = src_count(&src, a, w.cnt);
            if (total == 0) { /* no pair: PyRadiomics deletes the angle, the mean skips its NaN */
                for (int j = 0; j < GLCM_F_COUNT; j++) f[j] = NAN;
                continue;
            }
            radx_glcm_normalise(w.cnt, w.p, nn, (double)total);
            mcc_fail[a] = matrix_features(&lv, &w, mcc, f);
        }
        if (ok) radx_glcm_ws_free(&w);
    }
    if (nomem) {
        st = radx_seterr(err, RADX_ERR_NOMEM, "glcm: out of memory");
        goto done;
    }

    /* numpy.nanmean over the angles.  With no pair in any angle, PyRadiomics deletes all (empty)
     * angles: every mean is NaN, but MCC still returns 1 for 1 x 1 matrices.  (With a single angle
     * it would keep a NaN matrix and MCC would be NaN too; PyRadiomics' extractor pads the cropped
     * box, so it generates more than one angle except for 1-D images; the padded box is the
     * reference here.) */
    for (k = 0; k < GLCM_F_COUNT; k++) out[k] = radx_tex_angle_nanmean(res, na, GLCM_F_COUNT, k);
    if (n < 2) {
        out[GLCM_F_MCC] = mcc_one_level;
    } else {
        for (int a = 0; a < na; a++)
            if (mcc_fail[a]) out[GLCM_F_MCC] = NAN; /* numpy.linalg raised: PyRadiomics stores NaN */
    }

done:
    free(wsum);
    free(res);
    free(mcc_fail);
    return st;
}

radx_status radx_glcm_compute(const radx_texture_input *in, const radx_params *p, double *out, radx_err *err)
{
    radx_angular_prep g;
    radx_status st = radx_glcm_prepare(in, p, out, &g, err);
    if (st != RADX_OK) return st;
    st = radx_glcm_from_counts(&g, p, in->spacing_zyx, radx_glcm_count_angle, &g, out, err);
    radx_angular_prep_free(&g);
    return st;
}
