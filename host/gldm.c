/* SPDX-License-Identifier: BSD-3-Clause */
/* Gray Level Dependence Matrix features, reproducing PyRadiomics 3.0.1 (gldm.py and cmatrices.c
 * calculate_gldm).
 *
 * Per voxel (OpenMP over rows, written to a per-voxel array, so results do not depend on the
 * thread count): the number of dependent neighbours (kernels/gldm_rules.h) over the angles of
 * the `distances` setting (bidirectional).  The (gray level, dependence size) pairs are then
 * aggregated into a sparse matrix with integer counts.  Gray levels absent from the ROI and
 * dependence sizes that never occur carry no entry (PyRadiomics deletes those rows/columns);
 * features use the actual gray values and dependence sizes dep + 1.  Nz = sum of P = number of
 * ROI voxels.  The deprecated features (DependencePercentage, GrayLevelNonUniformityNormalized)
 * raise DeprecationWarning in PyRadiomics, which then reports no value at all: radx writes NaN
 * in their slots. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "angles.h"
#include "gldm_rules.h"
#include "radx_internal.h"

/* Sparse gray-level x size matrix with integer counts. */
typedef struct szm_sparse {
    int64_t n;      /* entries */
    int32_t *gi;    /* index into the present gray levels */
    int64_t *j;     /* dependence size (dep + 1) */
    int64_t *c;     /* count, > 0 */
} szm_sparse;

static void szm_sparse_free(szm_sparse *s)
{
    free(s->gi);
    free(s->j);
    free(s->c);
    memset(s, 0, sizeof *s);
}

/* Aggregates n items (gi[k], j[k]) (gi in [0, ngp), j in [1, jmax]) into distinct entries with
 * counts.  A small matrix (ngp x jmax <= 4M cells) is a dense histogram (entries in (gi, j)
 * order); otherwise, linear in n: items are bucketed by gi (counting sort), then counted per
 * bucket with a scratch array over j (entries by gi, then by first occurrence of j).  Either
 * way the order is deterministic. */
static int szm_aggregate(int64_t n, const int32_t *gi, const int64_t *j, int ngp, int64_t jmax,
                         szm_sparse *out)
{
    int64_t *start = NULL, *pos = NULL, *order = NULL, *cnt = NULL, *touched = NULL;
    int64_t k, e = 0;
    int g;
    memset(out, 0, sizeof *out);
    if ((int64_t)ngp * (jmax + 1) <= ((int64_t)1 << 22)) {
        /* small matrix: dense histogram, entries in (gi, j) order */
        int64_t *h = calloc((size_t)ngp * (size_t)(jmax + 1), sizeof *h);
        int64_t nz = 0;
        if (!h) return -1;
        for (k = 0; k < n; k++)
            if (h[(int64_t)gi[k] * (jmax + 1) + j[k]]++ == 0) nz++;
        out->gi = malloc((size_t)(nz > 0 ? nz : 1) * sizeof *out->gi);
        out->j = malloc((size_t)(nz > 0 ? nz : 1) * sizeof *out->j);
        out->c = malloc((size_t)(nz > 0 ? nz : 1) * sizeof *out->c);
        if (!out->gi || !out->j || !out->c) {
            free(h);
            szm_sparse_free(out);
            return -1;
        }
        for (g = 0; g < ngp; g++) {
            int64_t jj;
            for (jj = 1; jj <= jmax; jj++) {
                const int64_t c = h[(int64_t)g * (jmax + 1) + jj];
                if (!c) continue;
                out->gi[e] = g;
                out->j[e] = jj;
                out->c[e] = c;
                e++;
            }
        }
        out->n = e;
        free(h);
        return 0;
    }
    start = calloc((size_t)ngp + 1, sizeof *start);
    pos = malloc(((size_t)ngp + 1) * sizeof *pos);
    order = malloc((size_t)(n > 0 ? n : 1) * sizeof *order);
    cnt = calloc((size_t)jmax + 1, sizeof *cnt);
    touched = malloc((size_t)(n > 0 ? n : 1) * sizeof *touched);
    out->gi = malloc((size_t)(n > 0 ? n : 1) * sizeof *out->gi);
    out->j = malloc((size_t)(n > 0 ? n : 1) * sizeof *out->j);
    out->c = malloc((size_t)(n > 0 ? n : 1) * sizeof *out->c);
    if (!start || !pos || !order || !cnt || !touched || !out->gi || !out->j || !out->c) {
        free(start); free(pos); free(order); free(cnt); free(touched);
        szm_sparse_free(out);
        return -1;
    }
    for (k = 0; k < n; k++) start[gi[k] + 1]++;
    for (g = 0; g < ngp; g++) start[g + 1] += start[g];
    for (g = 0; g < ngp; g++) pos[g] = start[g];
    for (k = 0; k < n; k++) order[pos[gi[k]]++] = k;
    for (g = 0; g < ngp; g++) {
        int64_t nt = 0, t;
        for (k = start[g]; k < start[g + 1]; k++) {
            const int64_t jj = j[order[k]];
            if (cnt[jj]++ == 0) touched[nt++] = jj;
        }
        for (t = 0; t < nt; t++) {
            out->gi[e] = g;
            out->j[e] = touched[t];
            out->c[e] = cnt[touched[t]];
            cnt[touched[t]] = 0;
            e++;
        }
    }
    out->n = e;
    free(start); free(pos); free(order); free(cnt); free(touched);
    return 0;
}

/* Features shared in form by GLSZM and GLDM (PyRadiomics writes them identically; this
 * copy is kept identical to the one in host/glszm.c). */
typedef struct szm_feats {
    double gln, glnn, glv, hgl, lgl;  /* gray level marginal: P(i) */
    double sn, snn, se, le, jvar;     /* size marginal: S/L = sum P(j) / j^2, P(j) j^2 */
    double lehg, lelg, sehg, selg;    /* joint: large/small x high/low gray level */
    double ent;
} szm_feats;

static int szm_features(const szm_sparse *s, int ngp, const double *ivals, int64_t jmax, double nz,
                        szm_feats *f)
{
    const double eps = 2.220446049250313e-16; /* numpy.spacing(1) */
    int64_t *pg = NULL, *ps = NULL, e, jj;
    double mu, acc1, acc2, acc3, acc4;
    int g;
    memset(f, 0, sizeof *f);
    pg = calloc((size_t)ngp, sizeof *pg);
    ps = calloc((size_t)jmax + 1, sizeof *ps);
    if (!pg || !ps) {
        free(pg); free(ps);
        return -1;
    }
    for (e = 0; e < s->n; e++) {
        pg[s->gi[e]] += s->c[e];
        ps[s->j[e]] += s->c[e];
    }
    /* gray level marginal */
    acc1 = acc2 = acc3 = 0.0;
    mu = 0.0;
    for (g = 0; g < ngp; g++) {
        const double p = (double)pg[g], i2 = ivals[g] * ivals[g];
        acc1 += p * p;
        acc2 += p * i2;
        acc3 += p / i2;
        mu += (p / nz) * ivals[g];
    }
    f->gln = acc1 / nz;
    f->glnn = acc1 / (nz * nz);
    f->hgl = acc2 / nz;
    f->lgl = acc3 / nz;
    acc4 = 0.0;
    for (g = 0; g < ngp; g++) {
        const double d = ivals[g] - mu;
        acc4 += ((double)pg[g] / nz) * d * d;
    }
    f->glv = acc4;
    /* size / dependence marginal */
    acc1 = acc2 = acc3 = 0.0;
    mu = 0.0;
    for (jj = 1; jj <= jmax; jj++) {
        double p, j2;
        if (!ps[jj]) continue;
        p = (double)ps[jj];
        j2 = (double)jj * (double)jj;
        acc1 += p * p;
        acc2 += p * j2;
        acc3 += p / j2;
        mu += (p / nz) * (double)jj;
    }
    f->sn = acc1 / nz;
    f->snn = acc1 / (nz * nz);
    f->le = acc2 / nz;
    f->se = acc3 / nz;
    acc4 = 0.0;
    for (jj = 1; jj <= jmax; jj++) {
        double d;
        if (!ps[jj]) continue;
        d = (double)jj - mu;
        acc4 += ((double)ps[jj] / nz) * d * d;
    }
    f->jvar = acc4;
    /* joint */
    {
        double lahg = 0.0, lalg = 0.0, sahg = 0.0, salg = 0.0, ent = 0.0;
        for (e = 0; e < s->n; e++) {
            const double c = (double)s->c[e], i2 = ivals[s->gi[e]] * ivals[s->gi[e]];
            const double j2 = (double)s->j[e] * (double)s->j[e];
            const double p = c / nz;
            lahg += c * i2 * j2;
            lalg += c * j2 / i2;
            sahg += c * i2 / j2;
            salg += c / (i2 * j2);
            ent += p * log2(p + eps);
        }
        f->lehg = lahg / nz;
        f->lelg = lalg / nz;
        f->sehg = sahg / nz;
        f->selg = salg / nz;
        f->ent = -ent;
    }
    free(pg);
    free(ps);
    return 0;
}

/* Neighbour offsets of the `distances` setting (bidirectional), in a malloc'ed buffer sized for
 * the box, so any distance list PyRadiomics accepts works.  *out receives the offsets (3 ints
 * each) and *na their count (0 is valid: no neighbour fits in the box). */
static radx_status tex_angles(const int64_t dims[3], const radx_params *p, int f2d, int **out, int *na,
                              radx_err *err)
{
    int maxd = 0, k, *angles;
    int64_t cap = 1;
    *out = NULL;
    for (k = 0; k < p->n_distances; k++) {
        if (p->distances[k] < 1) {
            return radx_seterr(err, RADX_ERR_PARAM, "distances: %d is not a positive integer", p->distances[k]);
        }
        if (p->distances[k] > maxd) maxd = p->distances[k];
    }
    for (k = 0; k < 3; k++) {
        const int64_t ext = 2 * (int64_t)maxd + 1 < 2 * dims[k] - 1 ? 2 * (int64_t)maxd + 1 : 2 * dims[k] - 1;
        if (k != f2d) cap *= ext; /* bound on the offsets generated along this axis */
    }
    if (cap > ((int64_t)1 << 26)) {
        return radx_seterr(err, RADX_ERR_NOMEM, "distances: %lld neighbour offsets exceed the limit", (long long)cap);
    }
    angles = malloc((size_t)(3 * cap) * sizeof *angles);
    if (!angles) {
        return radx_seterr(err, RADX_ERR_NOMEM, "out of memory (%lld neighbour offsets)", (long long)cap);
    }
    {
        const long long sz[3] = {(long long)dims[0], (long long)dims[1], (long long)dims[2]};
        *na = radx_angles_build(sz, p->distances, p->n_distances, 1, f2d, angles, (int)cap);
    }
    if (*na < 0) {
        free(angles);
        return radx_seterr(err, RADX_ERR_INTERNAL, "cannot build the neighbour offsets");
    }
    *out = angles;
    return RADX_OK;
}

radx_status radx_gldm_compute(const radx_texture_input *in, const radx_params *p, double *out, radx_err *err)
{
    int64_t dims[3], nvox, v, n_roi = 0, row;
    int32_t *lut = NULL, *dep = NULL, *item_gi = NULL;
    int64_t *item_j = NULL;
    double *ivals = NULL;
    int *angles = NULL;
    int64_t *flat = NULL, margin[3] = {0, 0, 0};
    int na = 0, ngp = 0, g, f2d = -1, k, alpha;
    radx_status st = RADX_OK;
    szm_sparse sp;
    szm_feats f;

    memset(&sp, 0, sizeof sp);
    if (!in || !p || !out || !in->gl || !in->roi)
        return radx_seterr(err, RADX_ERR_ARG, "gldm: NULL argument");
    for (k = 0; k < radx_gldm_nfeatures; k++) out[k] = NAN;
    for (k = 0; k < 3; k++) {
        dims[k] = in->dims_zyx[k];
        if (dims[k] < 1) return radx_seterr(err, RADX_ERR_ARG, "gldm: empty box (%lld x %lld x %lld)",
                                            (long long)in->dims_zyx[0], (long long)in->dims_zyx[1],
                                            (long long)in->dims_zyx[2]);
    }
    if (in->ng < 1) return radx_seterr(err, RADX_ERR_ARG, "gldm: ng = %d, expected >= 1", in->ng);
    if (p->force2d) {
        if (p->force2d_dimension < 0 || p->force2d_dimension > 2)
            return radx_seterr(err, RADX_ERR_PARAM, "force2Ddimension: %d is not 0, 1 or 2", p->force2d_dimension);
        f2d = p->force2d_dimension;
    }
    if (p->n_distances < 1 || p->n_distances > RADX_MAX_DISTANCES)
        return radx_seterr(err, RADX_ERR_PARAM, "distances: %d values, expected 1..%d (PyRadiomics fails on an empty list)",
                           p->n_distances, RADX_MAX_DISTANCES);
    if (!(p->gldm_a >= 0.0) || p->gldm_a > 2147483647.0 || p->gldm_a != floor(p->gldm_a))
        return radx_seterr(err, RADX_ERR_PARAM, "gldm_a: %g is not an integer >= 0", p->gldm_a);
    alpha = (int)p->gldm_a;
    nvox = dims[0] * dims[1] * dims[2];

    /* gray levels present in the ROI */
    lut = malloc(((size_t)in->ng + 1) * sizeof *lut);
    if (!lut) return radx_seterr(err, RADX_ERR_NOMEM, "gldm: out of memory (%d gray levels)", in->ng);
    for (g = 0; g <= in->ng; g++) lut[g] = 0;
    for (v = 0; v < nvox; v++) {
        if (!in->roi[v]) continue;
        if (in->gl[v] < 1 || in->gl[v] > in->ng) {
            free(lut);
            return radx_seterr(err, RADX_ERR_INTERNAL, "gldm: gray level %d outside 1..%d inside the ROI",
                               (int)in->gl[v], in->ng);
        }
        lut[in->gl[v]] = 1;
        n_roi++;
    }
    if (n_roi == 0) {
        free(lut);
        return radx_seterr(err, RADX_ERR_ROI, "gldm: ROI is empty");
    }
    for (g = 1; g <= in->ng; g++) if (lut[g]) ngp++;
    ivals = malloc((size_t)ngp * sizeof *ivals);
    if (!ivals) {
        free(lut);
        return radx_seterr(err, RADX_ERR_NOMEM, "gldm: out of memory");
    }
    for (g = 1, k = 0; g <= in->ng; g++) {
        if (lut[g]) {
            ivals[k] = (double)g;
            lut[g] = k++;
        } else {
            lut[g] = -1;
        }
    }

    st = tex_angles(dims, p, f2d, &angles, &na, err);
    if (st != RADX_OK) goto done;
    flat = malloc((size_t)(na > 0 ? na : 1) * sizeof *flat);
    if (!flat) {
        st = radx_seterr(err, RADX_ERR_NOMEM, "gldm: out of memory");
        goto done;
    }
    for (k = 0; k < na; k++) {
        int ax;
        flat[k] = radx_tex_flat_offset(angles + 3 * k, dims);
        for (ax = 0; ax < 3; ax++) {
            const int64_t m = angles[3 * k + ax] < 0 ? -angles[3 * k + ax] : angles[3 * k + ax];
            if (m > margin[ax]) margin[ax] = m;
        }
    }

    dep = malloc((size_t)nvox * sizeof *dep);
    item_gi = malloc((size_t)n_roi * sizeof *item_gi);
    item_j = malloc((size_t)n_roi * sizeof *item_j);
    if (!dep || !item_gi || !item_j) {
        st = radx_seterr(err, RADX_ERR_NOMEM, "gldm: out of memory (%lld voxels)", (long long)nvox);
        goto done;
    }

    /* dependent neighbours per voxel; each row is written by one thread */
#ifdef _OPENMP
#pragma omp parallel for schedule(static)
#endif
    for (row = 0; row < dims[0] * dims[1]; row++) {
        const int64_t z = row / dims[1], y = row % dims[1];
        const int64_t base = row * dims[2];
        const int row_inner = z >= margin[0] && z < dims[0] - margin[0] && y >= margin[1] && y < dims[1] - margin[1];
        int64_t x;
        for (x = 0; x < dims[2]; x++) {
            const int inner = row_inner && x >= margin[2] && x < dims[2] - margin[2];
            const int64_t c = base + x;
            int a, d = 0;
            int32_t g;
            if (!in->roi[c]) continue;
            g = in->gl[c];
            if (inner) {
                for (a = 0; a < na; a++) {
                    const int64_t nb = c + flat[a];
                    d += in->roi[nb] && radx_gldm_dependent(g, in->gl[nb], alpha);
                }
            } else {
                for (a = 0; a < na; a++) {
                    const int64_t nb = radx_tex_neighbor(z, y, x, angles + 3 * a, dims);
                    if (nb >= 0 && in->roi[nb] && radx_gldm_dependent(g, in->gl[nb], alpha)) d++;
                }
            }
            dep[c] = d;
        }
    }
    {
        int64_t n = 0;
        for (v = 0; v < nvox; v++) {
            if (!in->roi[v]) continue;
            item_gi[n] = lut[in->gl[v]];
            item_j[n] = (int64_t)dep[v] + 1; /* PyRadiomics' jvector: dependence size = dep + 1 */
            n++;
        }
    }
    free(dep); dep = NULL;

    if (szm_aggregate(n_roi, item_gi, item_j, ngp, (int64_t)na + 1, &sp) < 0 ||
        szm_features(&sp, ngp, ivals, (int64_t)na + 1, (double)n_roi, &f) < 0) {
        st = radx_seterr(err, RADX_ERR_NOMEM, "gldm: out of memory (%lld ROI voxels)", (long long)n_roi);
        goto done;
    }

    /* order of radx_gldm_features (host/feature_tables.c) */
    out[0] = f.ent;   /* DependenceEntropy */
    out[1] = f.sn;    /* DependenceNonUniformity */
    out[2] = f.snn;   /* DependenceNonUniformityNormalized */
    out[3] = NAN;     /* DependencePercentage: deprecated, PyRadiomics reports no value */
    out[4] = f.jvar;  /* DependenceVariance */
    out[5] = f.gln;   /* GrayLevelNonUniformity */
    out[6] = NAN;     /* GrayLevelNonUniformityNormalized: deprecated, PyRadiomics reports no value */
    out[7] = f.glv;   /* GrayLevelVariance */
    out[8] = f.hgl;   /* HighGrayLevelEmphasis */
    out[9] = f.le;    /* LargeDependenceEmphasis */
    out[10] = f.lehg; /* LargeDependenceHighGrayLevelEmphasis */
    out[11] = f.lelg; /* LargeDependenceLowGrayLevelEmphasis */
    out[12] = f.lgl;  /* LowGrayLevelEmphasis */
    out[13] = f.se;   /* SmallDependenceEmphasis */
    out[14] = f.sehg; /* SmallDependenceHighGrayLevelEmphasis */
    out[15] = f.selg; /* SmallDependenceLowGrayLevelEmphasis */

done:
    free(angles);
    free(flat);
    szm_sparse_free(&sp);
    free(dep);
    free(item_gi);
    free(item_j);
    free(ivals);
    free(lut);
    return st;
}
