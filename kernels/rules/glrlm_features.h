/* SPDX-License-Identifier: BSD-3-Clause */
/* GLRLM features of one run-length matrix (PyRadiomics 3.0.1 glrlm.py), written once for
 * host/features/glrlm.c (whole ROIs) and the per-voxel map rule (kernels/rules/voxel_glrlm.h, CPU loop and
 * device kernel).  RADX_HD; no allocation. */
#ifndef RADX_GLRLM_FEATURES_H
#define RADX_GLRLM_FEATURES_H

#include <math.h>
#include <stddef.h>
#include "rules/host_device.h"

/* Output slots, in radx_glrlm_features[] order. */
enum {
    GLRLM_F_GLN = 0,
    GLRLM_F_GLNN,
    GLRLM_F_GLV,
    GLRLM_F_HGLRE,
    GLRLM_F_LRE,
    GLRLM_F_LRHGLE,
    GLRLM_F_LRLGLE,
    GLRLM_F_LGLRE,
    GLRLM_F_RE,
    GLRLM_F_RLN,
    GLRLM_F_RLNN,
    GLRLM_F_RP,
    GLRLM_F_RV,
    GLRLM_F_SRE,
    GLRLM_F_SRHGLE,
    GLRLM_F_SRLGLE,
    GLRLM_F_COUNT
};

#define GLRLM_EPS 2.220446049250313e-16 /* numpy.spacing(1) */

/* Features of one matrix P (n x L, counts or weighted counts; vals: the gray values of the n rows)
 * into f[GLRLM_F_*]; pg (n) and pr (L) are scratch. */
RADX_HD void radx_glrlm_matrix_features(int n, long long L, const double *vals, const double *P, double *pg, double *pr,
                                        double *f)
{
    const double eps = GLRLM_EPS;
    long long j;
    int i, k;
    double Nr = 0.0;

    for (j = 0; j < L; j++) pr[j] = 0.0;
    for (i = 0; i < n; i++) {
        const double *row = P + (size_t)i * (size_t)L;
        double s = 0.0;
        for (j = 0; j < L; j++) {
            s += row[j];
            pr[j] += row[j];
        }
        pg[i] = s;
        Nr += s;
    }
    if (Nr == 0.0) {
        for (k = 0; k < GLRLM_F_COUNT; k++) f[k] = NAN;
        return;
    }
    double sre = 0.0, lre = 0.0, rln = 0.0, np = 0.0, ur = 0.0;
    for (j = 0; j < L; j++) {
        const double q = pr[j], jd = (double)(j + 1), j2 = jd * jd;
        if (q == 0.0) continue;
        sre += q / j2;
        lre += q * j2;
        rln += q * q;
        np += q * jd;
        ur += (q / Nr) * jd;
    }
    double rv = 0.0;
    for (j = 0; j < L; j++) {
        const double q = pr[j], d = (double)(j + 1) - ur;
        if (q != 0.0) rv += (q / Nr) * (d * d);
    }
    double gln = 0.0, ug = 0.0, lglre = 0.0, hglre = 0.0;
    for (i = 0; i < n; i++) {
        const double q = pg[i], v2 = vals[i] * vals[i];
        if (q == 0.0) continue;
        gln += q * q;
        ug += (q / Nr) * vals[i];
        lglre += q / v2;
        hglre += q * v2;
    }
    double glv = 0.0;
    for (i = 0; i < n; i++) {
        const double q = pg[i], d = vals[i] - ug;
        if (q != 0.0) glv += (q / Nr) * (d * d);
    }
    double re = 0.0, srlgle = 0.0, srhgle = 0.0, lrlgle = 0.0, lrhgle = 0.0;
    for (i = 0; i < n; i++) {
        const double *row = P + (size_t)i * (size_t)L;
        const double v2 = vals[i] * vals[i];
        if (pg[i] == 0.0) continue;
        for (j = 0; j < L; j++) {
            const double q = row[j];
            if (q == 0.0) continue;
            const double jd = (double)(j + 1), j2 = jd * jd, pn = q / Nr;
            re -= pn * log2(pn + eps);
            srlgle += q / (v2 * j2);
            srhgle += q * v2 / j2;
            lrlgle += q * j2 / v2;
            lrhgle += q * (j2 * v2);
        }
    }
    f[GLRLM_F_GLN] = gln / Nr;
    f[GLRLM_F_GLNN] = gln / (Nr * Nr);
    f[GLRLM_F_GLV] = glv;
    f[GLRLM_F_HGLRE] = hglre / Nr;
    f[GLRLM_F_LRE] = lre / Nr;
    f[GLRLM_F_LRHGLE] = lrhgle / Nr;
    f[GLRLM_F_LRLGLE] = lrlgle / Nr;
    f[GLRLM_F_LGLRE] = lglre / Nr;
    f[GLRLM_F_RE] = re;
    f[GLRLM_F_RLN] = rln / Nr;
    f[GLRLM_F_RLNN] = rln / (Nr * Nr);
    f[GLRLM_F_RP] = Nr / np;
    f[GLRLM_F_RV] = rv;
    f[GLRLM_F_SRE] = sre / Nr;
    f[GLRLM_F_SRHGLE] = srhgle / Nr;
    f[GLRLM_F_SRLGLE] = srlgle / Nr;
}
#endif
