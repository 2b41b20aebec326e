/* SPDX-License-Identifier: BSD-3-Clause */
/* Neighbouring Gray Tone Difference Matrix features, reproducing PyRadiomics 3.0.1 (ngtdm.py and
 * cmatrices.c calculate_ngtdm).
 *
 * Per voxel (OpenMP over rows, written to a per-voxel array): |gl - mean of the neighbours in
 * the ROI| over the angles of the `distances` setting (bidirectional), kernels/ngtdm_rules.h.
 * The matrix (n_i, s_i) is then accumulated serially in C order, the order PyRadiomics uses, so
 * s_i is bit-identical to PyRadiomics' and independent of the thread count.  Voxels without a
 * neighbour in the ROI count in n_i with a difference of 0 (as PyRadiomics does), so
 * Nvp = number of ROI voxels.  Gray levels with n_i = 0 are dropped; the features use the
 * actual gray values.  Homogeneous cases follow PyRadiomics: Coarseness 1e6 when
 * sum(p_i s_i) = 0, Contrast 0 when Ngp = 1, Busyness 0 when sum |i p_i - j p_j| = 0,
 * Strength 0 when sum s_i = 0. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "angles.h"
#include "ngtdm_rules.h"
#include "radx_internal.h"

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

radx_status radx_ngtdm_compute(const radx_texture_input *in, const radx_params *p, double *out, radx_err *err)
{
    int64_t dims[3], nvox, v, n_roi = 0, row;
    int64_t *ni = NULL;
    double *diff = NULL, *si = NULL;
    double *pv = NULL, *sv = NULL, *iv = NULL;
    int *angles = NULL;
    int64_t *flat = NULL, margin[3] = {0, 0, 0};
    int na = 0, ngp = 0, g, f2d = -1, k, l;
    radx_status st = RADX_OK;

    if (!in || !p || !out || !in->gl || !in->roi)
        return radx_seterr(err, RADX_ERR_ARG, "ngtdm: NULL argument");
    for (k = 0; k < radx_ngtdm_nfeatures; k++) out[k] = NAN;
    for (k = 0; k < 3; k++) {
        dims[k] = in->dims_zyx[k];
        if (dims[k] < 1) return radx_seterr(err, RADX_ERR_ARG, "ngtdm: empty box (%lld x %lld x %lld)",
                                            (long long)in->dims_zyx[0], (long long)in->dims_zyx[1],
                                            (long long)in->dims_zyx[2]);
    }
    if (in->ng < 1) return radx_seterr(err, RADX_ERR_ARG, "ngtdm: ng = %d, expected >= 1", in->ng);
    if (p->force2d) {
        if (p->force2d_dimension < 0 || p->force2d_dimension > 2)
            return radx_seterr(err, RADX_ERR_PARAM, "force2Ddimension: %d is not 0, 1 or 2", p->force2d_dimension);
        f2d = p->force2d_dimension;
    }
    if (p->n_distances < 1 || p->n_distances > RADX_MAX_DISTANCES)
        return radx_seterr(err, RADX_ERR_PARAM, "distances: %d values, expected 1..%d (PyRadiomics fails on an empty list)",
                           p->n_distances, RADX_MAX_DISTANCES);
    nvox = dims[0] * dims[1] * dims[2];

    for (v = 0; v < nvox; v++) {
        if (!in->roi[v]) continue;
        if (in->gl[v] < 1 || in->gl[v] > in->ng)
            return radx_seterr(err, RADX_ERR_INTERNAL, "ngtdm: gray level %d outside 1..%d inside the ROI",
                               (int)in->gl[v], in->ng);
        n_roi++;
    }
    if (n_roi == 0) return radx_seterr(err, RADX_ERR_ROI, "ngtdm: ROI is empty");

    st = tex_angles(dims, p, f2d, &angles, &na, err);
    if (st != RADX_OK) return st;
    flat = malloc((size_t)(na > 0 ? na : 1) * sizeof *flat);
    if (!flat) {
        free(angles);
        return radx_seterr(err, RADX_ERR_NOMEM, "ngtdm: out of memory");
    }
    for (k = 0; k < na; k++) {
        int ax;
        flat[k] = radx_tex_flat_offset(angles + 3 * k, dims);
        for (ax = 0; ax < 3; ax++) {
            const int64_t m = angles[3 * k + ax] < 0 ? -angles[3 * k + ax] : angles[3 * k + ax];
            if (m > margin[ax]) margin[ax] = m;
        }
    }

    diff = malloc((size_t)nvox * sizeof *diff);
    ni = calloc((size_t)in->ng + 1, sizeof *ni);
    si = calloc((size_t)in->ng + 1, sizeof *si);
    if (!diff || !ni || !si) {
        st = radx_seterr(err, RADX_ERR_NOMEM, "ngtdm: out of memory (%lld voxels)", (long long)nvox);
        goto done;
    }

    /* per-voxel absolute gray tone difference; each row is written by one thread */
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
            int64_t count = 0, sum = 0;
            int a;
            if (!in->roi[c]) continue;
            if (inner) {
                for (a = 0; a < na; a++) {
                    const int64_t nb = c + flat[a];
                    const int r = in->roi[nb] != 0;
                    count += r;
                    sum += r ? in->gl[nb] : 0;
                }
            } else {
                for (a = 0; a < na; a++) {
                    const int64_t nb = radx_tex_neighbor(z, y, x, angles + 3 * a, dims);
                    if (nb >= 0 && in->roi[nb]) {
                        count++;
                        sum += in->gl[nb];
                    }
                }
            }
            diff[c] = radx_ngtdm_absdiff(in->gl[c], count, sum);
        }
    }
    /* accumulate in C order, as PyRadiomics does */
    for (v = 0; v < nvox; v++) {
        if (!in->roi[v]) continue;
        ni[in->gl[v]]++;
        si[in->gl[v]] += diff[v];
    }
    free(diff); diff = NULL;

    for (g = 1; g <= in->ng; g++) if (ni[g]) ngp++;
    pv = malloc((size_t)ngp * sizeof *pv);
    sv = malloc((size_t)ngp * sizeof *sv);
    iv = malloc((size_t)ngp * sizeof *iv);
    if (!pv || !sv || !iv) {
        st = radx_seterr(err, RADX_ERR_NOMEM, "ngtdm: out of memory (%d gray levels)", ngp);
        goto done;
    }
    {
        const double nvp = (double)n_roi; /* Nvp = sum n_i: every ROI voxel is counted */
        double sum_ps = 0.0, sum_s = 0.0;
        double con = 0.0, absd = 0.0, cpx = 0.0, str = 0.0;
        for (g = 1, k = 0; g <= in->ng; g++) {
            if (!ni[g]) continue;
            pv[k] = (double)ni[g] / nvp;
            sv[k] = si[g];
            iv[k] = (double)g;
            k++;
        }
        for (k = 0; k < ngp; k++) {
            sum_ps += pv[k] * sv[k];
            sum_s += sv[k];
        }
        /* pair sums over present levels; every term is symmetric and vanishes on the diagonal */
        for (k = 0; k < ngp; k++) {
            const double ipk = iv[k] * pv[k], psk = pv[k] * sv[k];
            double c1 = 0.0, c2 = 0.0, c3 = 0.0, c4 = 0.0;
            for (l = k + 1; l < ngp; l++) {
                const double d = iv[k] - iv[l], d2 = d * d;
                c1 += pv[k] * pv[l] * d2;
                c2 += fabs(ipk - iv[l] * pv[l]);
                c3 += fabs(d) * (psk + pv[l] * sv[l]) / (pv[k] + pv[l]);
                c4 += (pv[k] + pv[l]) * d2;
            }
            con += c1;
            absd += c2;
            cpx += c3;
            str += c4;
        }
        con *= 2.0;
        absd *= 2.0;
        cpx *= 2.0;
        str *= 2.0;

        /* order of radx_ngtdm_features (host/feature_tables.c) */
        out[0] = absd != 0.0 ? sum_ps / absd : 0.0;                 /* Busyness */
        out[1] = sum_ps != 0.0 ? 1.0 / sum_ps : 1e6;                /* Coarseness */
        out[2] = cpx / nvp;                                         /* Complexity */
        {
            const double div = (double)ngp * (double)(ngp - 1);
            out[3] = div != 0.0 ? con * sum_s / nvp / div : 0.0;    /* Contrast */
        }
        out[4] = sum_s != 0.0 ? str / sum_s : 0.0;                  /* Strength */
    }

done:
    free(angles);
    free(flat);
    free(diff);
    free(ni);
    free(si);
    free(pv);
    free(sv);
    free(iv);
    return st;
}
