/* SPDX-License-Identifier: BSD-3-Clause */
/* The features GLSZM and GLDM share (PyRadiomics 3.0.1 glszm.py / gldm.py) from a gray-level x
 * size matrix given as its entries (gi, j, count) in the matrix's entry order, written once for
 * host/features/size_matrix.c (whole ROIs) and the per-voxel map rules (kernels/voxel_nbtex.h, CPU loop
 * and device kernel).  RADX_HD; the caller passes the marginal workspaces pg (ngp) and
 * ps (jmax + 1). */
#ifndef RADX_SZM_FEATURES_H
#define RADX_SZM_FEATURES_H

#include <math.h>
#include <stdint.h>
#include "rules/host_device.h"

/* The features GLSZM and GLDM share, with GLSZM's names for the size terms. */
typedef struct radx_szm_feats {
    double gln, glnn, glv, hgl, lgl; /* gray level marginal: P(i) */
    double sn, snn, se, le, jvar;    /* size marginal: S/L = sum P(j) / j^2, P(j) j^2 */
    double lehg, lelg, sehg, selg;   /* joint: large/small x high/low gray level */
    double ent;
} radx_szm_feats;

/* n entries (gi[e] in [0, ngp), j[e] in [1, jmax], c[e] > 0), nz = sum of c; ivals[gi]: the gray
 * values of the ngp present levels. */
RADX_HD void radx_szm_features_core(const int32_t *gi, const int64_t *j, const int64_t *c, int64_t n, int ngp,
                                    int64_t jmax, int64_t nzc, const double *ivals, int64_t *pg, int64_t *ps,
                                    radx_szm_feats *f)
{
    const double eps = 2.220446049250313e-16; /* numpy.spacing(1) */
    const double nz = (double)nzc;
    int64_t e, jj;
    double mu, acc1, acc2, acc3, acc4;
    int g;
    for (g = 0; g < ngp; g++) pg[g] = 0;
    for (jj = 0; jj <= jmax; jj++) ps[jj] = 0;
    for (e = 0; e < n; e++) {
        pg[gi[e]] += c[e];
        ps[j[e]] += c[e];
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
        for (e = 0; e < n; e++) {
            const double ce = (double)c[e], i2 = ivals[gi[e]] * ivals[gi[e]];
            const double j2 = (double)j[e] * (double)j[e];
            const double p = ce / nz;
            lahg += ce * i2 * j2;
            lalg += ce * j2 / i2;
            sahg += ce * i2 / j2;
            salg += ce / (i2 * j2);
            ent += p * log2(p + eps);
        }
        f->lehg = lahg / nz;
        f->lelg = lalg / nz;
        f->sehg = sahg / nz;
        f->selg = salg / nz;
        f->ent = -ent;
    }
}
#endif
