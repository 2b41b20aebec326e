/* SPDX-License-Identifier: BSD-3-Clause */
/* First-order features (PyRadiomics 3.0.1 firstorder.py semantics). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "ksum.h"
#include "radx_internal.h"

enum {
    FO_P10, FO_P90, FO_ENERGY, FO_ENTROPY, FO_IQR, FO_KURTOSIS, FO_MAX, FO_MEAN, FO_MAD, FO_MEDIAN,
    FO_MIN, FO_RANGE, FO_RMAD, FO_RMS, FO_SKEWNESS, FO_STD, FO_TOTALENERGY, FO_UNIFORMITY,
    FO_VARIANCE, FO_N
};

/* Sorts n finite doubles ascending (-0.0 before +0.0, as the CUDA backend's radix sort orders
 * them): insertion sort for a few values (voxel-map kernels), else an LSD radix sort on the
 * order-preserving 64-bit keys (8 passes of 8 bits, skipping a pass whose digit is the same for
 * every key): O(n), where qsort was the largest cost of first order on large ROIs.  Returns -1
 * when out of memory. */
static inline uint64_t sort_key(double v)
{
    uint64_t u;
    memcpy(&u, &v, sizeof u);
    return (u >> 63) ? ~u : (u | 0x8000000000000000ull);
}

static inline double key_value(uint64_t k)
{
    const uint64_t u = (k >> 63) ? (k & 0x7fffffffffffffffull) : ~k;
    double v;
    memcpy(&v, &u, sizeof v);
    return v;
}

static int sort_doubles(double *s, int64_t n)
{
    if (n < 64) {
        for (int64_t i = 1; i < n; i++) {
            const double v = s[i];
            const uint64_t kv = sort_key(v);
            int64_t j = i - 1;
            while (j >= 0 && sort_key(s[j]) > kv) {
                s[j + 1] = s[j];
                j--;
            }
            s[j + 1] = v;
        }
        return 0;
    }
    uint64_t *a = malloc(sizeof *a * (size_t)n), *b = malloc(sizeof *b * (size_t)n);
    if (!a || !b) {
        free(a);
        free(b);
        return -1;
    }
    size_t cnt[8][256];
    memset(cnt, 0, sizeof cnt);
    for (int64_t i = 0; i < n; i++) {
        const uint64_t k = sort_key(s[i]);
        a[i] = k;
        for (int d = 0; d < 8; d++) cnt[d][(k >> (8 * d)) & 0xff]++;
    }
    for (int d = 0; d < 8; d++) {
        size_t *c = cnt[d], sum = 0;
        if (c[(a[0] >> (8 * d)) & 0xff] == (size_t)n) continue; /* one digit value: nothing moves */
        for (int v = 0; v < 256; v++) {
            const size_t t = c[v];
            c[v] = sum;
            sum += t;
        }
        for (int64_t i = 0; i < n; i++) b[c[(a[i] >> (8 * d)) & 0xff]++] = a[i];
        uint64_t *t = a;
        a = b;
        b = t;
    }
    for (int64_t i = 0; i < n; i++) s[i] = key_value(a[i]);
    free(a);
    free(b);
    return 0;
}

/* numpy.lerp as numpy 1.26 computes it (the t >= 0.5 branch runs from b). */
static double np_lerp(double a, double b, double t)
{
    double d = b - a;
    return t >= 0.5 ? b - d * (1.0 - t) : a + d * t;
}

/* numpy.percentile(sorted, q) with the default 'linear' method. */
static double np_percentile(const double *s, int64_t n, double q)
{
    double quant = q / 100.0;
    /* _compute_virtual_index(n, q, alpha=1, beta=1) = n*q + (1 + q*(1-1-1)) - 1 */
    double virt = (double)n * quant + (1.0 + quant * (1.0 - 1.0 - 1.0)) - 1.0;
    double prev = floor(virt);
    double gamma = virt - prev;
    int64_t i0 = (int64_t)prev, i1 = i0 + 1;
    if (i0 < 0) i0 = 0;
    if (i0 > n - 1) i0 = n - 1;
    if (i1 > n - 1) i1 = n - 1;
    if (i1 < 0) i1 = 0;
    return np_lerp(s[i0], s[i1], gamma);
}


radx_status radx_firstorder_compute(const double *x, const int32_t *gl, int64_t n, int ng,
                                    double voxel_volume, const radx_params *p, double *out,
                                    radx_err *err)
{
    if (n <= 0) return radx_seterr(err, RADX_ERR_ROI, "first order: empty ROI");
    double *s = malloc(sizeof *s * (size_t)n);
    int64_t *hist = calloc((size_t)ng + 1, sizeof *hist);
    if (!s || !hist) {
        free(s);
        free(hist);
        return radx_seterr(err, RADX_ERR_NOMEM, "first order: out of memory for %lld voxels", (long long)n);
    }
    memcpy(s, x, sizeof *s * (size_t)n);
    if (sort_doubles(s, n) != 0) {
        free(s);
        free(hist);
        return radx_seterr(err, RADX_ERR_NOMEM, "first order: out of memory for %lld voxels", (long long)n);
    }
    for (int64_t i = 0; i < n; i++) hist[gl[i]]++;
    radx_status st = radx_firstorder_from_sorted(s, n, hist, ng, voxel_volume, p, out, err);
    free(s);
    free(hist);
    return st;
}

/* Every sum runs over the sorted values (compensated, so the order hardly matters; sorted so
 * that the CUDA backend, which sorts on the device, gets the same bits), and the robust range
 * p10 <= x <= p90 is a contiguous run of them. */
radx_status radx_firstorder_from_sorted(const double *s, int64_t n, const int64_t *hist, int ng,
                                        double voxel_volume, const radx_params *p, double *out,
                                        radx_err *err)
{
    if (n <= 0) return radx_seterr(err, RADX_ERR_ROI, "first order: empty ROI");
    const double *x = s;
    const double shift = p->voxel_array_shift;
    radx_ksum sum = {0, 0}, sum_sq_shift = {0, 0};
    for (int64_t i = 0; i < n; i++) {
        radx_kadd(&sum, x[i]);
        double v = x[i] + shift;
        radx_kadd(&sum_sq_shift, v * v);
    }
    const double mean = radx_kval(&sum) / (double)n;
    radx_ksum m2 = {0, 0}, m3 = {0, 0}, m4 = {0, 0}, mad = {0, 0};
    for (int64_t i = 0; i < n; i++) {
        double d = x[i] - mean, d2 = d * d;
        radx_kadd(&m2, d2);
        radx_kadd(&m3, d2 * d);
        radx_kadd(&m4, d2 * d2);
        radx_kadd(&mad, fabs(d));
    }
    double mom2 = radx_kval(&m2) / (double)n, mom3 = radx_kval(&m3) / (double)n, mom4 = radx_kval(&m4) / (double)n;

    const double p10 = np_percentile(s, n, 10), p90 = np_percentile(s, n, 90);
    /* Robust MAD: voxels with p10 <= x <= p90 (PyRadiomics keeps both ends) */
    radx_ksum rsum = {0, 0};
    int64_t rn = 0;
    for (int64_t i = 0; i < n; i++)
        if (!(x[i] - p10 < 0) && !(x[i] - p90 > 0)) { radx_kadd(&rsum, x[i]); rn++; }
    double rmean = rn ? radx_kval(&rsum) / (double)rn : NAN;
    radx_ksum rdev = {0, 0};
    for (int64_t i = 0; i < n; i++)
        if (!(x[i] - p10 < 0) && !(x[i] - p90 > 0)) radx_kadd(&rdev, fabs(x[i] - rmean));

    /* histogram of discretised levels present (numpy.unique counts), p_i = count / N */
    const double eps = 2.220446049250313e-16; /* numpy.spacing(1) */
    radx_ksum ent = {0, 0}, uni = {0, 0};
    for (int g = 0; g <= ng; g++) {
        if (!hist[g]) continue;
        double pi = (double)hist[g] / (double)n;
        radx_kadd(&ent, pi * log2(pi + eps));
        radx_kadd(&uni, pi * pi);
    }

    double median = (n % 2) ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2.0;
    double energy = radx_kval(&sum_sq_shift);

    out[FO_P10] = p10;
    out[FO_P90] = p90;
    out[FO_ENERGY] = energy;
    out[FO_ENTROPY] = -1.0 * radx_kval(&ent);
    out[FO_IQR] = np_percentile(s, n, 75) - np_percentile(s, n, 25);
    /* PyRadiomics sets m2 = 1 where it is 0 (its m3/m4 reset never triggers: both are 0 then) */
    double m2d = mom2 == 0 ? 1.0 : mom2;
    out[FO_KURTOSIS] = mom4 / (m2d * m2d);
    if (p->ibsi_kurtosis_excess) out[FO_KURTOSIS] -= 3.0;
    out[FO_MAX] = s[n - 1];
    out[FO_MEAN] = mean;
    out[FO_MAD] = radx_kval(&mad) / (double)n;
    out[FO_MEDIAN] = median;
    out[FO_MIN] = s[0];
    out[FO_RANGE] = s[n - 1] - s[0];
    out[FO_RMAD] = rn ? radx_kval(&rdev) / (double)rn : NAN;
    out[FO_RMS] = sqrt(energy / (double)n);
    out[FO_SKEWNESS] = mom3 / pow(m2d, 1.5);
    out[FO_STD] = sqrt(mom2);
    out[FO_TOTALENERGY] = energy * voxel_volume;
    out[FO_UNIFORMITY] = radx_kval(&uni);
    /* numpy.nanstd(x) ** 2: sqrt then square, as PyRadiomics does */
    double sd = sqrt(mom2);
    out[FO_VARIANCE] = sd * sd;
    return RADX_OK;
}
