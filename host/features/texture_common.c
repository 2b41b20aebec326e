/* SPDX-License-Identifier: BSD-3-Clause */
/* Host helpers shared by the texture classes (see texture_common.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "rules/angles.h"
#include "rules/gldm_rules.h"
#include "rules/ngtdm_rules.h"
#include "core/limits.h"
#include "features/texture_common.h"

_Static_assert(RADX_WNORM_NONE == RADX_TEX_WN_NONE && RADX_WNORM_MANHATTAN == RADX_TEX_WN_MANHATTAN &&
                   RADX_WNORM_EUCLIDEAN == RADX_TEX_WN_EUCLIDEAN && RADX_WNORM_INFINITY == RADX_TEX_WN_INFINITY &&
                   RADX_WNORM_NO_WEIGHTING == RADX_TEX_WN_NO_WEIGHTING,
               "kernels/rules/texture_rules.h weighting codes must match radx_wnorm");

int radx_tex_max_threads(void)
{
#ifdef _OPENMP
    return omp_get_max_threads();
#else
    return 1;
#endif
}

/* Sets mark[g] = 1 (mark: ng + 1 entries, zeroed) for every gray level g of an ROI voxel and
 * returns the number of ROI voxels, or -1 with *bad = the first ROI gray level outside 1..ng. */
static int64_t mark_roi_levels(const radx_texture_input *in, int32_t *mark, int32_t *bad)
{
    const int64_t nvox = in->dims_zyx[0] * in->dims_zyx[1] * in->dims_zyx[2];
    const int32_t *gl = in->gl;
    const uint8_t *roi = in->roi;
    const int ng = in->ng;
    int64_t v, n_roi = 0;
    for (v = 0; v < nvox; v++) {
        if (!roi[v]) continue;
        if (gl[v] < 1 || gl[v] > ng) {
            *bad = gl[v];
            return -1;
        }
        mark[gl[v]] = 1;
        n_roi++;
    }
    return n_roi;
}

static int count_marked(const int32_t *mark, int ng)
{
    int g, n = 0;
    for (g = 1; g <= ng; g++)
        if (mark[g]) n++;
    return n;
}

/* Turns mark[1..ng] into the index of each marked level among the marked ones (-1 when not
 * marked) and writes their gray values, ascending, to vals. */
static void index_marked(int32_t *mark, int ng, double *vals)
{
    int g, k = 0;
    for (g = 1; g <= ng; g++) {
        if (mark[g]) {
            vals[k] = (double)g;
            mark[g] = k++;
        } else {
            mark[g] = -1;
        }
    }
}

/* Every class refuses more gray levels present than RADX_MAX_TEX_LEVELS, before its matrices:
 * GLCM's are levels x levels and NGTDM's features take levels x levels steps. */
static radx_status levels_limit(const char *cls, int cnt, radx_err *err)
{
    if (cnt <= RADX_MAX_TEX_LEVELS) return RADX_OK;
    return radx_seterr(err, RADX_ERR_NOMEM,
                       "%s: %d gray levels present in the ROI, above the limit of %d; raise binWidth (or lower "
                       "binCount)",
                       cls, cnt, RADX_MAX_TEX_LEVELS);
}

radx_status radx_tex_matrix_memory(const char *cls, int levels, double bytes, radx_err *err)
{
    char what[160];
    snprintf(what, sizeof what, "%s: %d gray levels present (raise binWidth or lower binCount)", cls, levels);
    return radx_memory_check(bytes, what, err);
}

/* ---- angular classes (GLCM, GLRLM) ---------------------------------------------------------- */

radx_status radx_tex_check_angular(const radx_texture_input *in, const radx_params *p, const char *cls, int ntable,
                                   int nslots, int need_distances, double *out, radx_err *err)
{
    int k;
    if (!in || !p || !out || !in->gl || !in->roi) return radx_seterr(err, RADX_ERR_ARG, "%s: NULL argument", cls);
    if (ntable != nslots)
        return radx_seterr(err, RADX_ERR_INTERNAL, "%s: feature table has %d entries, expected %d", cls, ntable,
                           nslots);
    for (k = 0; k < nslots; k++) out[k] = NAN;
    if (in->dims_zyx[0] < 1 || in->dims_zyx[1] < 1 || in->dims_zyx[2] < 1)
        return radx_seterr(err, RADX_ERR_ARG, "%s: empty ROI bounding box", cls);
    if (in->ng < 1 || in->ng > (1 << 24))
        return radx_seterr(err, RADX_ERR_ARG, "%s: number of gray levels %d out of range", cls, in->ng);
    if (need_distances && (p->n_distances < 1 || p->n_distances > RADX_MAX_DISTANCES))
        return radx_seterr(err, RADX_ERR_PARAM, "%s: distances: need 1 to %d values", cls, RADX_MAX_DISTANCES);
    if (p->force2d && (p->force2d_dimension < 0 || p->force2d_dimension > 2))
        return radx_seterr(err, RADX_ERR_PARAM, "%s: force2Ddimension %d is not 0, 1 or 2", cls, p->force2d_dimension);
    return RADX_OK;
}

radx_status radx_tex_level_index(const radx_texture_input *in, const char *cls, int32_t **li, double **vals, int *n,
                                 radx_err *err)
{
    const size_t nvox = (size_t)in->dims_zyx[0] * (size_t)in->dims_zyx[1] * (size_t)in->dims_zyx[2];
    int32_t *map = calloc((size_t)in->ng + 1, sizeof *map);
    int32_t *idx = malloc(nvox * sizeof *idx), bad = 0;
    double *v = NULL;
    radx_status st = RADX_OK;
    size_t k;
    int cnt = 0;
    *li = NULL;
    *vals = NULL;
    *n = 0;
    if (!map || !idx) {
        st = radx_seterr(err, RADX_ERR_NOMEM, "%s: out of memory", cls);
        goto fail;
    }
    if (mark_roi_levels(in, map, &bad) < 0) {
        st = radx_seterr(err, RADX_ERR_ARG, "%s: gray level %d inside the ROI is outside 1..%d", cls, (int)bad, in->ng);
        goto fail;
    }
    cnt = count_marked(map, in->ng);
    if (cnt == 0) {
        st = radx_seterr(err, RADX_ERR_ROI, "%s: ROI is empty", cls);
        goto fail;
    }
    if ((st = levels_limit(cls, cnt, err)) != RADX_OK) goto fail;
    v = malloc((size_t)cnt * sizeof *v);
    if (!v) {
        st = radx_seterr(err, RADX_ERR_NOMEM, "%s: out of memory", cls);
        goto fail;
    }
    index_marked(map, in->ng, v);
    for (k = 0; k < nvox; k++) idx[k] = radx_tex_level_index_of(in->roi[k], in->gl[k], map);
    free(map);
    *li = idx;
    *vals = v;
    *n = cnt;
    return RADX_OK;
fail:
    free(map);
    free(idx);
    return st;
}

radx_status radx_tex_weighted_sum(const char *cls, int na, const int *angles, size_t ncell, int nthr,
                                  radx_tex_count_fn count, const void *ctx, radx_tex_weight_fn weight,
                                  const double spacing_zyx[3], int norm, double **wsum, radx_err *err)
{
    int nb = nthr < 1 ? 1 : nthr, fail = 0, i, a0;
    uint32_t **bufs;
    double *sum;
    *wsum = NULL;
    if (nb > na) nb = na > 0 ? na : 1;
    bufs = calloc((size_t)nb, sizeof *bufs);
    sum = calloc(ncell, sizeof *sum);
    if (!bufs || !sum) fail = 1;
    for (i = 0; !fail && i < nb; i++)
        if (!(bufs[i] = malloc(ncell * sizeof **bufs))) fail = 1;
    for (a0 = 0; !fail && a0 < na; a0 += nb) {
        const int cnt = (na - a0) < nb ? (na - a0) : nb;
        int t;
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 1) num_threads(cnt)
#endif
        for (t = 0; t < cnt; t++) count(ctx, a0 + t, bufs[t]);
        for (t = 0; t < cnt; t++) {
            const double wgt = weight(angles + 3 * (a0 + t), spacing_zyx, norm);
            const uint32_t *b = bufs[t];
            size_t e;
            for (e = 0; e < ncell; e++) sum[e] += wgt * (double)b[e];
        }
    }
    if (bufs) {
        for (i = 0; i < nb; i++) free(bufs[i]);
        free(bufs);
    }
    if (fail) {
        free(sum);
        return radx_seterr(err, RADX_ERR_NOMEM, "%s: out of memory", cls);
    }
    *wsum = sum;
    return RADX_OK;
}

double radx_tex_angle_nanmean(const double *res, int na, int nslots, int k)
{
    double s = 0.0;
    int a, cnt = 0;
    for (a = 0; a < na; a++) {
        const double v = res[(size_t)a * (size_t)nslots + (size_t)k];
        if (isnan(v)) continue;
        s += v;
        cnt++;
    }
    return cnt ? s / cnt : NAN;
}

/* ---- neighbourhood classes (GLSZM, GLDM, NGTDM) --------------------------------------------- */

radx_status radx_tex_check_neighbourhood(const radx_texture_input *in, const radx_params *p, const char *cls, int nfeat,
                                         int need_distances, double *out, int64_t dims[3], int *f2d, radx_err *err)
{
    int k;
    if (!in || !p || !out || !in->gl || !in->roi) return radx_seterr(err, RADX_ERR_ARG, "%s: NULL argument", cls);
    for (k = 0; k < nfeat; k++) out[k] = NAN;
    for (k = 0; k < 3; k++) {
        dims[k] = in->dims_zyx[k];
        if (dims[k] < 1)
            return radx_seterr(err, RADX_ERR_ARG, "%s: empty box (%lld x %lld x %lld)", cls, (long long)in->dims_zyx[0],
                               (long long)in->dims_zyx[1], (long long)in->dims_zyx[2]);
    }
    if (in->ng < 1) return radx_seterr(err, RADX_ERR_ARG, "%s: ng = %d, expected >= 1", cls, in->ng);
    *f2d = -1;
    if (p->force2d) {
        if (p->force2d_dimension < 0 || p->force2d_dimension > 2)
            return radx_seterr(err, RADX_ERR_PARAM, "force2Ddimension: %d is not 0, 1 or 2", p->force2d_dimension);
        *f2d = p->force2d_dimension;
    }
    if (need_distances && (p->n_distances < 1 || p->n_distances > RADX_MAX_DISTANCES))
        return radx_seterr(err, RADX_ERR_PARAM,
                           "distances: %d values, expected 1..%d (PyRadiomics fails on an empty list)", p->n_distances,
                           RADX_MAX_DISTANCES);
    return RADX_OK;
}

radx_status radx_tex_roi_levels(const radx_texture_input *in, const char *cls, int64_t *n_roi, int32_t **lut,
                                double **ivals, int *ngp, radx_err *err)
{
    int32_t *mark = calloc((size_t)in->ng + 1, sizeof *mark), bad = 0;
    double *v = NULL;
    int cnt;
    if (lut) {
        *lut = NULL;
        *ivals = NULL;
        *ngp = 0;
    }
    if (!mark) return radx_seterr(err, RADX_ERR_NOMEM, "%s: out of memory (%d gray levels)", cls, in->ng);
    *n_roi = mark_roi_levels(in, mark, &bad);
    if (*n_roi < 0) {
        free(mark);
        return radx_seterr(err, RADX_ERR_INTERNAL, "%s: gray level %d outside 1..%d inside the ROI", cls, (int)bad,
                           in->ng);
    }
    if (*n_roi == 0) {
        free(mark);
        return radx_seterr(err, RADX_ERR_ROI, "%s: ROI is empty", cls);
    }
    cnt = count_marked(mark, in->ng);
    radx_status st = levels_limit(cls, cnt, err);
    if (st != RADX_OK || !lut) {
        free(mark);
        return st;
    }
    v = malloc((size_t)cnt * sizeof *v);
    if (!v) {
        free(mark);
        return radx_seterr(err, RADX_ERR_NOMEM, "%s: out of memory", cls);
    }
    index_marked(mark, in->ng, v);
    *lut = mark;
    *ivals = v;
    *ngp = cnt;
    return RADX_OK;
}

radx_status radx_tex_nbhd_build(const int64_t dims[3], const int *distances, int n, int f2d, const char *cls,
                                radx_tex_nbhd *nh, radx_err *err)
{
    int maxd = 0, k, ax;
    int64_t cap = 1;
    memset(nh, 0, sizeof *nh);
    for (k = 0; k < n; k++) {
        if (distances[k] < 1)
            return radx_seterr(err, RADX_ERR_PARAM, "distances: %d is not a positive integer", distances[k]);
        if (distances[k] > maxd) maxd = distances[k];
    }
    for (k = 0; k < 3; k++) {
        const int64_t ext = 2 * (int64_t)maxd + 1 < 2 * dims[k] - 1 ? 2 * (int64_t)maxd + 1 : 2 * dims[k] - 1;
        if (k != f2d) cap *= ext; /* bound on the offsets generated along this axis */
        nh->dims[k] = dims[k];
    }
    if (cap > RADX_MAX_OFFSETS)
        return radx_seterr(err, RADX_ERR_NOMEM,
                           "%s: distances (largest %d) give up to %lld neighbour offsets, above the limit of %lld", cls,
                           maxd, (long long)cap, (long long)RADX_MAX_OFFSETS);
    nh->off = malloc((size_t)(3 * cap) * sizeof *nh->off);
    if (!nh->off) return radx_seterr(err, RADX_ERR_NOMEM, "out of memory (%lld neighbour offsets)", (long long)cap);
    {
        const long long sz[3] = {(long long)dims[0], (long long)dims[1], (long long)dims[2]};
        nh->na = radx_angles_build(sz, distances, n, 1, f2d, nh->off, (int)cap);
    }
    if (nh->na < 0) {
        radx_tex_nbhd_free(nh);
        return radx_seterr(err, RADX_ERR_INTERNAL, "cannot build the neighbour offsets");
    }
    /* the per-voxel passes visit every offset of every box voxel: seconds of work at most */
    const double visits = (double)nh->na * (double)dims[0] * (double)dims[1] * (double)dims[2];
    if (visits > RADX_MAX_OFFSET_VISITS) {
        const int na = nh->na;
        radx_tex_nbhd_free(nh);
        return radx_seterr(err, RADX_ERR_NOMEM,
                           "%s: distances (largest %d) give %d neighbour offsets for each of %.0f box voxels, above "
                           "the limit of %.0f offset visits",
                           cls, maxd, na, visits / (na > 0 ? na : 1), RADX_MAX_OFFSET_VISITS);
    }
    nh->flat = malloc((size_t)(nh->na > 0 ? nh->na : 1) * sizeof *nh->flat);
    if (!nh->flat) {
        radx_tex_nbhd_free(nh);
        return radx_seterr(err, RADX_ERR_NOMEM, "%s: out of memory", cls);
    }
    for (k = 0; k < nh->na; k++) {
        nh->flat[k] = radx_tex_flat_offset(nh->off + 3 * k, dims);
        for (ax = 0; ax < 3; ax++) {
            const int64_t m = nh->off[3 * k + ax] < 0 ? -nh->off[3 * k + ax] : nh->off[3 * k + ax];
            if (m > nh->margin[ax]) nh->margin[ax] = m;
        }
    }
    return RADX_OK;
}

void radx_tex_nbhd_free(radx_tex_nbhd *nh)
{
    free(nh->off);
    free(nh->flat);
    memset(nh, 0, sizeof *nh);
}

/* One (z, y) row of radx_tex_neighbour_pass; inlined into each of its loops, so that each is
 * compiled for its own kernel (dep or diff NULL). */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline void
neighbour_row(const radx_texture_input *in, const radx_tex_nbhd *nh, int64_t row, int alpha, int32_t *dep, double *diff)
{
    const int64_t *d = nh->dims, *m = nh->margin;
    const int64_t z = row / d[1], y = row % d[1];
    const int row_inner = z >= m[0] && z < d[0] - m[0] && y >= m[1] && y < d[1] - m[1]; /* radx_tex_inner */
    int64_t x;
    for (x = 0; x < d[2]; x++) {
        const int64_t c = row * d[2] + x;
        const int inner = row_inner && x >= m[2] && x < d[2] - m[2];
        if (!in->roi[c]) continue;
        if (dep) dep[c] = radx_gldm_voxel_dependence(nh, in->gl, in->roi, c, z, y, x, inner, alpha);
        if (diff) diff[c] = radx_ngtdm_voxel_absdiff(nh, in->gl, in->roi, c, z, y, x, inner);
    }
}

void radx_tex_neighbour_pass(const radx_texture_input *in, const radx_tex_nbhd *nh, int alpha, int32_t *dep,
                             double *diff)
{
    const int64_t nrows = nh->dims[0] * nh->dims[1];
    int64_t row;
    if (dep) {
#ifdef _OPENMP
#pragma omp parallel for schedule(static)
#endif
        for (row = 0; row < nrows; row++) neighbour_row(in, nh, row, alpha, dep, NULL);
    }
    if (diff) {
#ifdef _OPENMP
#pragma omp parallel for schedule(static)
#endif
        for (row = 0; row < nrows; row++) neighbour_row(in, nh, row, 0, NULL, diff);
    }
}

void radx_tex_nbclass_free(radx_tex_nbclass *s)
{
    radx_tex_nbhd_free(&s->nh);
    free(s->lut);
    free(s->ivals);
    memset(s, 0, sizeof *s);
}
