/* SPDX-License-Identifier: BSD-3-Clause */
/* First-order features (PyRadiomics 3.0.1 firstorder.py semantics) from the ROI values sorted
 * ascending and the counts of the discretised levels present, written once for the CPU
 * (host/features/firstorder.c: whole ROIs and voxel-map kernels) and the CUDA backend (kernels/cuda/firstorder.cu,
 * kernels/cuda/voxel_firstorder.cu).  RADX_HD: static inline in C, __host__ __device__ under nvcc; the
 * device files that use it are compiled with --fmad=false so that no multiply-add is contracted.
 *
 * Every sum is compensated (kernels/rules/kahan_sum.h) and runs over the sorted values, so the result does
 * not depend on the order the values were gathered in; the robust range p10 <= x <= p90 is a
 * contiguous run of them.  Device log2/pow may differ from the host's in the last bit. */
#ifndef RADX_FIRSTORDER_RULES_H
#define RADX_FIRSTORDER_RULES_H

#include <math.h>
#include <stdint.h>
#include "rules/kahan_sum.h"
#include "rules/host_device.h"

/* feature slots, in PyRadiomics' order: its getters' names sorted (getMeanAbsoluteDeviationFeatureValue
 * before getMeanFeatureValue) */
enum {
    RADX_FO_P10,
    RADX_FO_P90,
    RADX_FO_ENERGY,
    RADX_FO_ENTROPY,
    RADX_FO_IQR,
    RADX_FO_KURTOSIS,
    RADX_FO_MAX,
    RADX_FO_MAD,
    RADX_FO_MEAN,
    RADX_FO_MEDIAN,
    RADX_FO_MIN,
    RADX_FO_RANGE,
    RADX_FO_RMAD,
    RADX_FO_RMS,
    RADX_FO_SKEWNESS,
    RADX_FO_STD,
    RADX_FO_TOTALENERGY,
    RADX_FO_UNIFORMITY,
    RADX_FO_VARIANCE,
    RADX_FO_N
};

/* numpy.lerp as numpy 1.26 computes it (the t >= 0.5 branch runs from b). */
RADX_HD double radx_fo_lerp(double a, double b, double t)
{
    double d = b - a;
    return t >= 0.5 ? b - d * (1.0 - t) : a + d * t;
}

/* numpy.percentile(sorted, q) with the default 'linear' method, in numpy's arithmetic (1.22 and
 * later): the virtual index (n - 1) * (q / 100), its floor and the remainder gamma, and
 * numpy.lerp; at or past the last index, the last value.  The same index written as
 * n*q + (1 - q) - 1 rounds differently for many n. */
RADX_HD double radx_fo_percentile(const double *s, int64_t n, double q)
{
    const double virt = (double)(n - 1) * (q / 100.0);
    if (!(virt < (double)(n - 1))) return s[n - 1];
    if (virt < 0) return s[0];
    const double prev = floor(virt);
    const int64_t i0 = (int64_t)prev;
    return radx_fo_lerp(s[i0], s[i0 + 1], virt - prev);
}

/* The 18 features (out[RADX_FO_*]) of n >= 1 values s sorted ascending; counts[0..ncounts): the
 * number of values at each discretised level present, in increasing level order (numpy.unique
 * counts); shift: voxelArrayShift; excess: IBSI excess kurtosis. */
RADX_HD void radx_fo_features(const double *s, int64_t n, const int64_t *counts, int64_t ncounts, double shift,
                              int excess, double voxel_volume, double *out)
{
    radx_ksum sum = {0, 0}, sum_sq_shift = {0, 0};
    int64_t i;
    for (i = 0; i < n; i++) {
        radx_kadd(&sum, s[i]);
        const double v = s[i] + shift;
        radx_kadd(&sum_sq_shift, v * v);
    }
    const double mean = radx_kval(&sum) / (double)n;
    radx_ksum m2 = {0, 0}, m3 = {0, 0}, m4 = {0, 0}, mad = {0, 0};
    for (i = 0; i < n; i++) {
        const double d = s[i] - mean, d2 = d * d;
        radx_kadd(&m2, d2);
        radx_kadd(&m3, d2 * d);
        radx_kadd(&m4, d2 * d2);
        radx_kadd(&mad, fabs(d));
    }
    const double mom2 = radx_kval(&m2) / (double)n, mom3 = radx_kval(&m3) / (double)n,
                 mom4 = radx_kval(&m4) / (double)n;

    const double p10 = radx_fo_percentile(s, n, 10), p90 = radx_fo_percentile(s, n, 90);
    /* Robust MAD: values with p10 <= x <= p90 (PyRadiomics keeps both ends) */
    radx_ksum rsum = {0, 0};
    int64_t rn = 0;
    for (i = 0; i < n; i++)
        if (!(s[i] - p10 < 0) && !(s[i] - p90 > 0)) {
            radx_kadd(&rsum, s[i]);
            rn++;
        }
    const double rmean = rn ? radx_kval(&rsum) / (double)rn : NAN;
    radx_ksum rdev = {0, 0};
    for (i = 0; i < n; i++)
        if (!(s[i] - p10 < 0) && !(s[i] - p90 > 0)) radx_kadd(&rdev, fabs(s[i] - rmean));

    /* levels present, p_i = count / N */
    const double eps = 2.220446049250313e-16; /* numpy.spacing(1) */
    radx_ksum ent = {0, 0}, uni = {0, 0};
    for (i = 0; i < ncounts; i++) {
        const double pi = (double)counts[i] / (double)n;
        radx_kadd(&ent, pi * log2(pi + eps));
        radx_kadd(&uni, pi * pi);
    }

    const double median = (n % 2) ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2.0;
    const double energy = radx_kval(&sum_sq_shift);
    out[RADX_FO_P10] = p10;
    out[RADX_FO_P90] = p90;
    out[RADX_FO_ENERGY] = energy;
    out[RADX_FO_ENTROPY] = -1.0 * radx_kval(&ent);
    out[RADX_FO_IQR] = radx_fo_percentile(s, n, 75) - radx_fo_percentile(s, n, 25);
    /* PyRadiomics sets m2 = 1 where it is 0 (its m3/m4 reset never triggers: both are 0 then) */
    const double m2d = mom2 == 0 ? 1.0 : mom2;
    out[RADX_FO_KURTOSIS] = mom4 / (m2d * m2d);
    if (excess) out[RADX_FO_KURTOSIS] -= 3.0;
    out[RADX_FO_MAX] = s[n - 1];
    out[RADX_FO_MEAN] = mean;
    out[RADX_FO_MAD] = radx_kval(&mad) / (double)n;
    out[RADX_FO_MEDIAN] = median;
    out[RADX_FO_MIN] = s[0];
    out[RADX_FO_RANGE] = s[n - 1] - s[0];
    out[RADX_FO_RMAD] = rn ? radx_kval(&rdev) / (double)rn : NAN;
    out[RADX_FO_RMS] = sqrt(energy / (double)n);
    out[RADX_FO_SKEWNESS] = mom3 / pow(m2d, 1.5);
    out[RADX_FO_STD] = sqrt(mom2);
    out[RADX_FO_TOTALENERGY] = energy * voxel_volume;
    out[RADX_FO_UNIFORMITY] = radx_kval(&uni);
    /* numpy.nanstd(x) ** 2: sqrt then square, as PyRadiomics does */
    const double sd = sqrt(mom2);
    out[RADX_FO_VARIANCE] = sd * sd;
}

/* Sorts n values ascending by insertion (voxel-map kernels: a few hundred at most); equal
 * values keep their order.  The host sorts large ROIs by radix (host/features/firstorder.c); for finite
 * values both give the same sequence except for the relative order of -0.0 and +0.0, which no
 * feature depends on. */
RADX_HD void radx_fo_insertion_sort(double *s, int64_t n)
{
    for (int64_t i = 1; i < n; i++) {
        const double v = s[i];
        int64_t j = i - 1;
        while (j >= 0 && s[j] > v) {
            s[j + 1] = s[j];
            j--;
        }
        s[j + 1] = v;
    }
}

/* The counts of the distinct levels of g[0..n) in increasing level order, into counts; returns
 * how many.  g is sorted in place (insertion). */
RADX_HD int64_t radx_fo_level_counts(int32_t *g, int64_t n, int64_t *counts)
{
    int64_t i, m = 0;
    for (i = 1; i < n; i++) {
        const int32_t v = g[i];
        int64_t j = i - 1;
        while (j >= 0 && g[j] > v) {
            g[j + 1] = g[j];
            j--;
        }
        g[j + 1] = v;
    }
    for (i = 0; i < n; i++) {
        if (i == 0 || g[i] != g[i - 1]) counts[m++] = 0;
        counts[m - 1]++;
    }
    return m;
}
#endif
