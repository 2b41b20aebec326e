/* SPDX-License-Identifier: BSD-3-Clause */
/* NGTDM features (PyRadiomics 3.0.1 ngtdm.py) from n_i and s_i over the levels 1..ng, written once
 * for host/features/ngtdm.c (whole ROIs) and the per-voxel map rule (kernels/rules/voxel_ngtdm.h, CPU loop and
 * device kernel).  RADX_HD; the caller passes pv, sv, iv (room for the levels with n_i > 0).
 * Homogeneous cases follow PyRadiomics: Coarseness 1e6 when sum(p_i s_i) = 0, Contrast 0 when
 * Ngp = 1, Busyness 0 when sum |i p_i - j p_j| = 0, Strength 0 when sum s_i = 0. */
#ifndef RADX_NGTDM_FEATURES_H
#define RADX_NGTDM_FEATURES_H

#include <math.h>
#include <stdint.h>
#include "rules/host_device.h"

#define RADX_NGTDM_NOUT 5

/* out[0..5): Busyness, Coarseness, Complexity, Contrast, Strength (radx_ngtdm_features order);
 * nvp: Nvp = sum n_i, every ROI voxel counted. */
RADX_HD void radx_ngtdm_features_core(const int64_t *ni, const double *si, int ng, double nvp, double *pv, double *sv,
                                      double *iv, double *out)
{
    int ngp = 0, g, k, l;
    {
        double sum_ps = 0.0, sum_s = 0.0;
        double con = 0.0, absd = 0.0, cpx = 0.0, str = 0.0;
        for (g = 1, k = 0; g <= ng; g++) {
            if (!ni[g]) continue;
            pv[k] = (double)ni[g] / nvp;
            sv[k] = si[g];
            iv[k] = (double)g;
            k++;
        }
        ngp = k;
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

        /* order of radx_ngtdm_features (host/features/feature_tables.c) */
        out[0] = absd != 0.0 ? sum_ps / absd : 0.0;  /* Busyness */
        out[1] = sum_ps != 0.0 ? 1.0 / sum_ps : 1e6; /* Coarseness */
        out[2] = cpx / nvp;                          /* Complexity */
        {
            const double div = (double)ngp * (double)(ngp - 1);
            out[3] = div != 0.0 ? con * sum_s / nvp / div : 0.0; /* Contrast */
        }
        out[4] = sum_s != 0.0 ? str / sum_s : 0.0; /* Strength */
    }
}
#endif
