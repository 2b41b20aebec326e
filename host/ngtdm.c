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

#include "ngtdm_rules.h"
#include "radx_internal.h"
#include "texture_common.h"

radx_status radx_ngtdm_compute(const radx_texture_input *in, const radx_params *p, double *out, radx_err *err)
{
    int64_t dims[3], nvox, v, n_roi = 0;
    int64_t *ni = NULL;
    double *diff = NULL, *si = NULL;
    double *pv = NULL, *sv = NULL, *iv = NULL;
    radx_tex_nbhd nh;
    int ngp = 0, g, f2d = -1, k, l;
    radx_status st = RADX_OK;

    memset(&nh, 0, sizeof nh);
    st = radx_tex_check_neighbourhood(in, p, "ngtdm", radx_ngtdm_nfeatures, 1, out, dims, &f2d, err);
    if (st != RADX_OK) return st;
    nvox = dims[0] * dims[1] * dims[2];

    st = radx_tex_roi_levels(in, "ngtdm", &n_roi, NULL, NULL, NULL, err);
    if (st != RADX_OK) return st;
    st = radx_tex_nbhd_build(dims, p->distances, p->n_distances, f2d, "ngtdm", &nh, err);
    if (st != RADX_OK) return st;

    diff = malloc((size_t)nvox * sizeof *diff);
    ni = calloc((size_t)in->ng + 1, sizeof *ni);
    si = calloc((size_t)in->ng + 1, sizeof *si);
    if (!diff || !ni || !si) {
        st = radx_seterr(err, RADX_ERR_NOMEM, "ngtdm: out of memory (%lld voxels)", (long long)nvox);
        goto done;
    }

    /* per-voxel absolute gray tone difference (in parallel; each voxel writes its own slot) */
    radx_tex_neighbour_pass(in, &nh, 0, NULL, diff);
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
    radx_tex_nbhd_free(&nh);
    free(diff);
    free(ni);
    free(si);
    free(pv);
    free(sv);
    free(iv);
    return st;
}
