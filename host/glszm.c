/* SPDX-License-Identifier: BSD-3-Clause */
/* Gray Level Size Zone Matrix features, reproducing PyRadiomics 3.0.1 (glszm.py and
 * cmatrices.c calculate_glszm / fill_glszm).
 *
 * Zones are found with an iterative flood fill (each ROI voxel pushed once; O(N * Na)), using
 * the neighbour rule of kernels/glszm_rules.h over the GLSZM angles (distance 1, bidirectional).
 * The matrix is kept sparse: the (gray level, size) pairs of the zones are aggregated into
 * distinct entries with integer counts, so memory stays O(zones) where PyRadiomics allocates
 * Ng x maxZoneSize.  Gray levels absent from the ROI and zone sizes that never occur carry no
 * entry, which is what PyRadiomics' row/column deletion does; the features use the actual gray
 * values (coefficients['grayLevels']) and actual zone sizes (jvector). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "angles.h"
#include "glszm_rules.h"
#include "radx_internal.h"

/* Sparse gray-level x size matrix with integer counts. */
typedef struct szm_sparse {
    int64_t n;      /* entries */
    int32_t *gi;    /* index into the present gray levels */
    int64_t *j;     /* zone size */
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

/* Features shared in form by GLSZM and GLDM (PyRadiomics writes them identically). */
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

radx_status radx_glszm_compute(const radx_texture_input *in, const radx_params *p, double *out, radx_err *err)
{
    int64_t dims[3], nvox, v, n_roi = 0, nzones = 0, maxsize = 0;
    int32_t *lut = NULL, *zone_gi = NULL;
    int64_t *zone_size = NULL, *stack = NULL;
    int32_t *stack_xyz = NULL; /* z, y, x of the stacked voxels (saves divisions) */
    int32_t *open = NULL; /* gray level of ROI voxels not yet in a zone, else 0 */
    double *ivals = NULL;
    int angles[3 * RADX_MAX_ANGLES];
    int64_t flat[RADX_MAX_ANGLES];
    int na = 0, ngp = 0, g, f2d = -1, k;
    const int dist1 = 1;
    radx_status st = RADX_OK;
    szm_sparse sp;
    szm_feats f;

    memset(&sp, 0, sizeof sp);
    if (!in || !p || !out || !in->gl || !in->roi)
        return radx_seterr(err, RADX_ERR_ARG, "glszm: NULL argument");
    for (k = 0; k < radx_glszm_nfeatures; k++) out[k] = NAN;
    for (k = 0; k < 3; k++) {
        dims[k] = in->dims_zyx[k];
        if (dims[k] < 1) return radx_seterr(err, RADX_ERR_ARG, "glszm: empty box (%lld x %lld x %lld)",
                                            (long long)in->dims_zyx[0], (long long)in->dims_zyx[1],
                                            (long long)in->dims_zyx[2]);
    }
    if (in->ng < 1) return radx_seterr(err, RADX_ERR_ARG, "glszm: ng = %d, expected >= 1", in->ng);
    if (p->force2d) {
        if (p->force2d_dimension < 0 || p->force2d_dimension > 2)
            return radx_seterr(err, RADX_ERR_PARAM, "force2Ddimension: %d is not 0, 1 or 2", p->force2d_dimension);
        f2d = p->force2d_dimension;
    }
    nvox = dims[0] * dims[1] * dims[2];

    /* gray levels present in the ROI */
    lut = malloc(((size_t)in->ng + 1) * sizeof *lut);
    if (!lut) return radx_seterr(err, RADX_ERR_NOMEM, "glszm: out of memory (%d gray levels)", in->ng);
    for (g = 0; g <= in->ng; g++) lut[g] = 0;
    for (v = 0; v < nvox; v++) {
        if (!in->roi[v]) continue;
        if (in->gl[v] < 1 || in->gl[v] > in->ng) {
            free(lut);
            return radx_seterr(err, RADX_ERR_INTERNAL, "glszm: gray level %d outside 1..%d inside the ROI",
                               (int)in->gl[v], in->ng);
        }
        lut[in->gl[v]] = 1;
        n_roi++;
    }
    if (n_roi == 0) {
        free(lut);
        return radx_seterr(err, RADX_ERR_ROI, "glszm: ROI is empty");
    }
    for (g = 1; g <= in->ng; g++) if (lut[g]) ngp++;
    ivals = malloc((size_t)ngp * sizeof *ivals);
    if (!ivals) {
        free(lut);
        return radx_seterr(err, RADX_ERR_NOMEM, "glszm: out of memory");
    }
    for (g = 1, k = 0; g <= in->ng; g++) {
        if (lut[g]) {
            ivals[k] = (double)g;
            lut[g] = k++;
        } else {
            lut[g] = -1;
        }
    }

    {
        const long long sz[3] = {(long long)dims[0], (long long)dims[1], (long long)dims[2]};
        na = radx_angles_build(sz, &dist1, 1, 1, f2d, angles, RADX_MAX_ANGLES);
        if (na < 0) {
            st = radx_seterr(err, RADX_ERR_INTERNAL, "glszm: cannot build the neighbour offsets");
            goto done;
        }
    }
    for (k = 0; k < na; k++) flat[k] = radx_tex_flat_offset(angles + 3 * k, dims);

    open = malloc((size_t)nvox * sizeof *open);
    stack = malloc((size_t)n_roi * sizeof *stack);
    stack_xyz = malloc((size_t)n_roi * 3 * sizeof *stack_xyz);
    zone_gi = malloc((size_t)n_roi * sizeof *zone_gi);
    zone_size = malloc((size_t)n_roi * sizeof *zone_size);
    if (!open || !stack || !stack_xyz || !zone_gi || !zone_size) {
        st = radx_seterr(err, RADX_ERR_NOMEM, "glszm: out of memory (%lld ROI voxels)", (long long)n_roi);
        goto done;
    }
    for (v = 0; v < nvox; v++) open[v] = radx_glszm_open_label(in->roi[v] != 0, in->gl[v]);

    /* flood fill: every ROI voxel is pushed exactly once; open[] is set to 0 when it is */
    for (v = 0; v < nvox; v++) {
        const int32_t gl = open[v];
        int64_t top, size = 0;
        if (!gl) continue;
        open[v] = 0;
        stack[0] = v;
        stack_xyz[0] = (int32_t)(v / (dims[1] * dims[2]));
        stack_xyz[1] = (int32_t)((v / dims[2]) % dims[1]);
        stack_xyz[2] = (int32_t)(v % dims[2]);
        top = 1;
        while (top > 0) {
            const int64_t c = stack[--top];
            const int32_t z = stack_xyz[3 * top], y = stack_xyz[3 * top + 1], x = stack_xyz[3 * top + 2];
            int a;
            size++;
            if (z > 0 && z < dims[0] - 1 && y > 0 && y < dims[1] - 1 && x > 0 && x < dims[2] - 1) {
                /* off the box faces: distance-1 neighbours need no bounds checks */
                for (a = 0; a < na; a++) {
                    const int64_t nb = c + flat[a];
                    if (radx_glszm_joins_open(gl, open[nb])) {
                        open[nb] = 0;
                        stack[top] = nb;
                        stack_xyz[3 * top] = z + angles[3 * a];
                        stack_xyz[3 * top + 1] = y + angles[3 * a + 1];
                        stack_xyz[3 * top + 2] = x + angles[3 * a + 2];
                        top++;
                    }
                }
            } else {
                for (a = 0; a < na; a++) {
                    const int64_t nb = radx_tex_neighbor(z, y, x, angles + 3 * a, dims);
                    if (nb >= 0 && radx_glszm_joins_open(gl, open[nb])) {
                        open[nb] = 0;
                        stack[top] = nb;
                        stack_xyz[3 * top] = z + angles[3 * a];
                        stack_xyz[3 * top + 1] = y + angles[3 * a + 1];
                        stack_xyz[3 * top + 2] = x + angles[3 * a + 2];
                        top++;
                    }
                }
            }
        }
        zone_gi[nzones] = lut[gl];
        zone_size[nzones] = size;
        nzones++;
        if (size > maxsize) maxsize = size;
    }
    free(stack); stack = NULL;
    free(stack_xyz); stack_xyz = NULL;
    free(open); open = NULL;

    if (szm_aggregate(nzones, zone_gi, zone_size, ngp, maxsize, &sp) < 0 ||
        szm_features(&sp, ngp, ivals, maxsize, (double)nzones, &f) < 0) {
        st = radx_seterr(err, RADX_ERR_NOMEM, "glszm: out of memory (%lld zones)", (long long)nzones);
        goto done;
    }

    /* order of radx_glszm_features (host/feature_tables.c) */
    out[0] = f.gln;                           /* GrayLevelNonUniformity */
    out[1] = f.glnn;                          /* GrayLevelNonUniformityNormalized */
    out[2] = f.glv;                           /* GrayLevelVariance */
    out[3] = f.hgl;                           /* HighGrayLevelZoneEmphasis */
    out[4] = f.le;                            /* LargeAreaEmphasis */
    out[5] = f.lehg;                          /* LargeAreaHighGrayLevelEmphasis */
    out[6] = f.lelg;                          /* LargeAreaLowGrayLevelEmphasis */
    out[7] = f.lgl;                           /* LowGrayLevelZoneEmphasis */
    out[8] = f.sn;                            /* SizeZoneNonUniformity */
    out[9] = f.snn;                           /* SizeZoneNonUniformityNormalized */
    out[10] = f.se;                           /* SmallAreaEmphasis */
    out[11] = f.sehg;                         /* SmallAreaHighGrayLevelEmphasis */
    out[12] = f.selg;                         /* SmallAreaLowGrayLevelEmphasis */
    out[13] = f.ent;                          /* ZoneEntropy */
    out[14] = (double)nzones / (double)n_roi; /* ZonePercentage: Nz / Np, Np = sum of zone sizes */
    out[15] = f.jvar;                         /* ZoneVariance */

done:
    szm_sparse_free(&sp);
    free(stack);
    free(stack_xyz);
    free(open);
    free(zone_gi);
    free(zone_size);
    free(ivals);
    free(lut);
    return st;
}
