/* SPDX-License-Identifier: BSD-3-Clause */
/* IBSI-1 intensity families PyRadiomics lacks (IBSI-1 manual, chapter 3): the intensity statistics
 * beyond first order (median absolute deviation, coefficient of variation, quartile coefficient of
 * dispersion), the intensity histogram (23 features of the discretised intensities) and the
 * intensity-volume histogram (6).  Percentiles are numpy's linear ones (kernels/rules/
 * firstorder_rules.h); moments are population moments, kurtosis excess, as IBSI defines them. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "features/features.h"
#include "rules/firstorder_rules.h"

/* Moments of n sorted values: mean, variance, skewness, excess kurtosis (0 / 0 when flat). */
static void moments(const double *s, int64_t n, double m[4])
{
    double mu = 0.0, m2 = 0.0, m3 = 0.0, m4 = 0.0;
    for (int64_t i = 0; i < n; i++) mu += s[i];
    mu /= (double)n;
    for (int64_t i = 0; i < n; i++) {
        const double d = s[i] - mu, d2 = d * d;
        m2 += d2;
        m3 += d2 * d;
        m4 += d2 * d2;
    }
    m2 /= (double)n;
    m3 /= (double)n;
    m4 /= (double)n;
    m[0] = mu;
    m[1] = m2;
    m[2] = m2 > 0.0 ? m3 / pow(m2, 1.5) : 0.0;
    m[3] = m2 > 0.0 ? m4 / (m2 * m2) - 3.0 : 0.0;
}

static double mean_abs_dev(const double *s, int64_t n, double c)
{
    double a = 0.0;
    for (int64_t i = 0; i < n; i++) a += fabs(s[i] - c);
    return a / (double)n;
}

/* The statistics both families share, of n >= 1 sorted values, into the IH order's slots
 * 0..16 (mean .. quartile coefficient of dispersion; the mode, slot 9, is left alone). */
static void dispersion(const double *s, int64_t n, double *f)
{
    double m[4];
    moments(s, n, m);
    const double p10 = radx_fo_percentile(s, n, 10.0), p90 = radx_fo_percentile(s, n, 90.0);
    const double p25 = radx_fo_percentile(s, n, 25.0), p75 = radx_fo_percentile(s, n, 75.0);
    const double med = radx_fo_percentile(s, n, 50.0);
    double rsum = 0.0, rabs = 0.0;
    int64_t rn = 0;
    for (int64_t i = 0; i < n; i++)
        if (s[i] >= p10 && s[i] <= p90) {
            rsum += s[i];
            rn++;
        }
    for (int64_t i = 0; i < n; i++)
        if (s[i] >= p10 && s[i] <= p90) rabs += fabs(s[i] - rsum / (double)rn);
    f[0] = m[0];
    f[1] = m[1];
    f[2] = m[2];
    f[3] = m[3];
    f[4] = med;
    f[5] = s[0];
    f[6] = p10;
    f[7] = p90;
    f[8] = s[n - 1];
    f[10] = p75 - p25;
    f[11] = s[n - 1] - s[0];
    f[12] = mean_abs_dev(s, n, m[0]);
    f[13] = rabs / (double)rn;
    f[14] = mean_abs_dev(s, n, med);
    f[15] = sqrt(m[1]) / m[0];
    f[16] = (p75 - p25) / (p75 + p25);
}

radx_status radx_stat_compute(const double *x, int64_t n, double *out, radx_err *err)
{
    double f[17];
    for (int i = 0; i < radx_stat_nfeatures; i++) out[i] = NAN;
    if (n < 1) return RADX_OK;
    double *s = malloc((size_t)n * sizeof *s);
    if (!s) return radx_seterr(err, RADX_ERR_NOMEM, "stat: out of memory");
    memcpy(s, x, (size_t)n * sizeof *s);
    if (radx_firstorder_sort(s, n)) {
        free(s);
        return radx_seterr(err, RADX_ERR_NOMEM, "stat: out of memory");
    }
    dispersion(s, n, f);
    out[0] = f[14];
    out[1] = f[15];
    out[2] = f[16];
    free(s);
    return RADX_OK;
}

/* The mode (most frequent level; ties: the one closest to the mean, the lower when equidistant)
 * and the histogram gradient's extremes with their levels (the first where there are several)
 * over the levels 1..ng, counts h[1..ng]. */
static void histogram_shape(const int64_t *h, int ng, double mean, double *f)
{
    int mode = 1;
    for (int i = 2; i <= ng; i++)
        if (h[i] > h[mode] || (h[i] == h[mode] && fabs(i - mean) < fabs(mode - mean))) mode = i;
    f[9] = mode;
    double gmax = -INFINITY, gmin = INFINITY;
    int imax = 1, imin = 1;
    for (int i = 1; i <= ng; i++) {
        double g;
        if (ng == 1)
            g = 0.0;
        else if (i == 1)
            g = (double)(h[2] - h[1]);
        else if (i == ng)
            g = (double)(h[ng] - h[ng - 1]);
        else
            g = (double)(h[i + 1] - h[i - 1]) / 2.0;
        if (g > gmax) {
            gmax = g;
            imax = i;
        }
        if (g < gmin) {
            gmin = g;
            imin = i;
        }
    }
    f[19] = gmax;
    f[20] = imax;
    f[21] = gmin;
    f[22] = imin;
}

radx_status radx_ih_compute(const int32_t *gl, int64_t n, int ng, double *out, radx_err *err)
{
    for (int i = 0; i < radx_ih_nfeatures; i++) out[i] = NAN;
    if (n < 1 || ng < 1) return RADX_OK;
    int64_t *h = calloc((size_t)ng + 1, sizeof *h);
    double *s = malloc((size_t)n * sizeof *s);
    if (!h || !s) {
        free(h);
        free(s);
        return radx_seterr(err, RADX_ERR_NOMEM, "ih: out of memory");
    }
    for (int64_t i = 0; i < n; i++) h[gl[i] >= 1 && gl[i] <= ng ? gl[i] : 0]++;
    int64_t k = 0; /* the levels sorted: counting sort */
    for (int l = 1; l <= ng; l++)
        for (int64_t c = 0; c < h[l]; c++) s[k++] = l;
    dispersion(s, k, out);
    double ent = 0.0, uni = 0.0;
    for (int l = 1; l <= ng; l++) {
        if (!h[l]) continue;
        const double p = (double)h[l] / (double)k;
        ent -= p * log2(p);
        uni += p * p;
    }
    out[17] = ent;
    out[18] = uni;
    histogram_shape(h, ng, out[0], out);
    free(h);
    free(s);
    return RADX_OK;
}

/* ---- intensity-volume histogram ------------------------------------------------------------- */

/* V_x: the volume fraction at the first intensity whose intensity fraction reaches x; I_x: the first
 * intensity whose volume fraction is at most x (past the range when none is). s: the n
 * (discretised) intensities sorted; the histogram runs over lo, lo + w, ..., hi. */
static void ivh_at(const double *s, int64_t n, double lo, double hi, double w, double x, double *vx, double *ix)
{
    const int64_t steps = (int64_t)floor((hi - lo) / w + 0.5);
    int64_t below = 0; /* voxels under intensity i */
    *vx = NAN;
    *ix = lo + (double)(steps + 1) * w;
    int have_i = 0;
    for (int64_t k = 0; k <= steps; k++) {
        const double i = lo + (double)k * w;
        while (below < n && s[below] < i - 1e-9 * w) below++;
        const double nu = 1.0 - (double)below / (double)n;
        const double gamma = hi > lo ? (i - lo) / (hi - lo) : 0.0;
        if (isnan(*vx) && gamma >= x - 1e-12) *vx = nu;
        if (!have_i && nu <= x + 1e-12) {
            *ix = i;
            have_i = 1;
        }
    }
    if (isnan(*vx)) *vx = 0.0;
}

radx_status radx_ivh_compute(const double *x, int64_t n, const radx_params *p, double *out, radx_err *err)
{
    for (int i = 0; i < radx_ivh_nfeatures; i++) out[i] = NAN;
    if (n < 1) return RADX_OK;
    double *s = malloc((size_t)n * sizeof *s);
    if (!s) return radx_seterr(err, RADX_ERR_NOMEM, "ivh: out of memory");
    memcpy(s, x, (size_t)n * sizeof *s);
    if (radx_firstorder_sort(s, n)) {
        free(s);
        return radx_seterr(err, RADX_ERR_NOMEM, "ivh: out of memory");
    }
    /* the re-segmentation range (absolute), else the ROI's */
    const int ranged = p->n_reseg_range > 0 && p->reseg_mode == RADX_RESEG_ABSOLUTE;
    double xmin = ranged ? p->reseg_range[0] : s[0];
    double xmax = ranged && p->n_reseg_range > 1 ? p->reseg_range[1] : s[n - 1];
    double lo = xmin, hi = xmax, w = 1.0;
    if (p->ivh_bin_count > 0) { /* arbitrary units: 1..Ng, range of the ROI */
        const int nb = p->ivh_bin_count;
        xmin = s[0];
        xmax = s[n - 1];
        for (int64_t i = 0; i < n; i++) {
            double d = xmax > xmin ? floor(nb * (s[i] - xmin) / (xmax - xmin)) + 1.0 : 1.0;
            s[i] = d > nb ? nb : d;
        }
        lo = 1.0;
        hi = nb;
    } else if (p->ivh_bin_width > 0.0) { /* continuous: bin centres of fixed bins from xmin */
        w = p->ivh_bin_width;
        for (int64_t i = 0; i < n; i++) s[i] = xmin + (floor((s[i] - xmin) / w) + 1.0 - 0.5) * w;
        lo = xmin + 0.5 * w;
        hi = xmax - 0.5 * w;
    }
    double v10, v90, i10, i90;
    ivh_at(s, n, lo, hi, w, 0.10, &v10, &i10);
    ivh_at(s, n, lo, hi, w, 0.90, &v90, &i90);
    out[0] = v10;
    out[1] = v90;
    out[2] = i10;
    out[3] = i90;
    out[4] = v10 - v90;
    out[5] = i10 - i90;
    free(s);
    return RADX_OK;
}
