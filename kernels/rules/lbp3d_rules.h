/* SPDX-License-Identifier: BSD-3-Clause */
/* PyRadiomics' LBP3D image type (imageoperations.getLBP3DImage: spherical-harmonics LBP after
 * Banerjee et al.) at one ROI voxel, for the CPU (host/cpu/lbp.c) and the device
 * (kernels/cuda/lbp.cu); host/pipeline/lbp.c builds the tables and the spline coefficients.
 *
 * At voxel p of the ROI, with the Nv icosphere vertices v as offsets along numpy's (z, y, x):
 *   f[v]  = scipy.ndimage.map_coordinates(image, p + v, order=3, mode='constant'), in the
 *           image's pixel type (radx_lbp3d_sample);
 *   k     = scipy.stats.kurtosis(f) (Fisher, biased), in float32 for a float32 image;
 *   b[v]  = f[v] >= image[p];
 *   c[j]  = sum over v of b[v] Y[v][j], for the harmonics j = (n, m), n < levels, |m| <= n;
 *   m_n   = Re sqrt(sum over v of (sum over m of c[n, m] Y[v][n, m]) ** 2), complex throughout.
 * Every sum is added as numpy adds it, from 0: the kurtosis' means along the samples' contiguous
 * axis in numpy's pairwise order, the complex sums (over axes that are not the innermost in
 * memory, for lbp3DLevels >= 2) one term after the other; complex products and squares as
 * numpy's SIMD loops form them on x86-64 with FMA3 (re = fma(ar, br, -(ai bi)),
 * im = fma(ar, bi, ai br)), and the square root is glibc's csqrt. */
#ifndef RADX_LBP3D_RULES_H
#define RADX_LBP3D_RULES_H

#include <math.h>
#include <stdint.h>
#include "rules/host_device.h"
#include "rules/roi_rules.h"

/* The tables and windows of one LBP3D run. */
typedef struct radx_lbp3d {
    int nv;               /* icosphere vertices: samples per voxel */
    int levels;           /* lbp3DLevels: harmonics (n, m) for n < levels, levels^2 of them */
    int dtype;            /* the image's pixel type (radx_dtype): map_coordinates' output type */
    int64_t img_dims[3];  /* the image's size, x y z: samples outside it are 0 */
    int64_t coef_at[3];   /* the window of spline coefficients: its first voxel in the image */
    int64_t coef_dims[3]; /* and its size (it holds every coefficient the ROI's samples read) */
    int64_t out_at[3];    /* the output window: its first voxel in the image */
    int64_t out_dims[3];  /* and its size */
    const double *offset; /* [nv][3]: vertex v's offset along numpy's axes z, y, x */
    const double *ylm;    /* [nv][levels^2][2]: Y[v][j] (re, im), j = n^2 + n + m */
} radx_lbp3d;

/* doubles of work space one voxel needs: the samples, their squared deviations, the harmonics'
 * coefficients */
RADX_HD int64_t radx_lbp3d_work(const radx_lbp3d *t) { return 2 * (int64_t)t->nv + 2 * (int64_t)t->levels * t->levels; }

/* ---- numpy's sums ---- */

/* x + y in float32 (f32) or float64. */
RADX_HD double radx_np_add(int f32, double x, double y) { return f32 ? (double)((float)x + (float)y) : x + y; }

/* numpy's pairwise_sum of a block of n <= 128 values: under 8 added in a row, else in 8
 * running sums joined as a tree, the rest added after. */
RADX_HD double radx_np_block(int f32, const double *a, int64_t n)
{
    double res = 0.0;
    if (n < 8) {
        for (int64_t i = 0; i < n; i++) res = radx_np_add(f32, res, a[i]);
        return res;
    }
    double r[8];
    for (int j = 0; j < 8; j++) r[j] = a[j];
    int64_t i = 8;
    for (; i < n - (n % 8); i += 8)
        for (int j = 0; j < 8; j++) r[j] = radx_np_add(f32, r[j], a[i + j]);
    res = radx_np_add(f32, radx_np_add(f32, radx_np_add(f32, r[0], r[1]), radx_np_add(f32, r[2], r[3])),
                      radx_np_add(f32, radx_np_add(f32, r[4], r[5]), radx_np_add(f32, r[6], r[7])));
    for (; i < n; i++) res = radx_np_add(f32, res, a[i]);
    return res;
}

#define RADX_NP_DEPTH 48 /* splits: enough for 2^48 values */

/* numpy.sum of n values along a contiguous last axis, in float32 (f32) or float64: 0 plus numpy's
 * pairwise_sum (blocks of at most 128, larger runs split in two halves rounded down to a multiple
 * of 8), the recursion walked with a stack. */
RADX_HD double radx_np_sum(int f32, const double *a, int64_t n)
{
    int64_t right_at[RADX_NP_DEPTH], right_n[RADX_NP_DEPTH];
    double left[RADX_NP_DEPTH];
    int has_left[RADX_NP_DEPTH], depth = 0;
    int64_t at = 0, len = n;
    double v;
    for (;;) {
        while (len > 128) {
            int64_t n2 = len / 2;
            n2 -= n2 % 8;
            right_at[depth] = at + n2;
            right_n[depth] = len - n2;
            has_left[depth++] = 0;
            len = n2;
        }
        v = radx_np_block(f32, a + at, len);
        while (depth > 0 && has_left[depth - 1]) {
            depth--;
            v = radx_np_add(f32, left[depth], v);
        }
        if (depth == 0) break;
        left[depth - 1] = v;
        has_left[depth - 1] = 1;
        at = right_at[depth - 1];
        len = right_n[depth - 1];
    }
    return radx_np_add(f32, 0.0, v);
}

/* ---- complex arithmetic as numpy forms it ---- */

typedef struct radx_c2 {
    double re, im;
} radx_c2;

RADX_HD radx_c2 radx_c2_make(double re, double im)
{
    radx_c2 r;
    r.re = re;
    r.im = im;
    return r;
}

RADX_HD radx_c2 radx_cadd(radx_c2 a, radx_c2 b) { return radx_c2_make(a.re + b.re, a.im + b.im); }

RADX_HD radx_c2 radx_cmul(radx_c2 a, radx_c2 b)
{
    radx_c2 r;
    r.re = fma(a.re, b.re, -(a.im * b.im));
    r.im = fma(a.re, b.im, a.im * b.re);
    return r;
}

/* glibc's hypot (sysdeps/ieee754/dbl-64/e_hypot.c, without FMA) for finite x, y. */
RADX_HD double radx_hypot_kernel(double ax, double ay)
{
    double h = sqrt(ax * ax + ay * ay), t1, t2;
    if (h <= 2.0 * ay) {
        const double delta = h - ay;
        t1 = ax * (2.0 * delta - ax);
        t2 = (delta - 2.0 * (ax - ay)) * delta;
    } else {
        const double delta = h - ax;
        t1 = 2.0 * delta * (ax - 2.0 * ay);
        t2 = (4.0 * delta - ay) * ay + delta * delta;
    }
    h -= (t1 + t2) / (2.0 * h);
    return h;
}

RADX_HD double radx_hypot(double x, double y)
{
    const double scale = 0x1p-600, eps = 0x1p-54;
    x = fabs(x);
    y = fabs(y);
    const double ax = x < y ? y : x, ay = x < y ? x : y;
    if (ax > 0x1p+511) return ay <= ax * eps ? ax + ay : radx_hypot_kernel(ax * scale, ay * scale) / scale;
    if (ay < 0x1p-511) return ax >= ay / eps ? ax + ay : radx_hypot_kernel(ax / scale, ay / scale) * scale;
    return ay <= ax * eps ? ax + ay : radx_hypot_kernel(ax, ay);
}

/* The real part of glibc's csqrt(re + i im) (math/s_csqrt_template.c) for finite parts. */
RADX_HD double radx_csqrt_re(double re, double im)
{
    const double dmin = 2.2250738585072014e-308, dmax = 1.7976931348623157e308;
    if (im == 0.0) return re < 0 ? 0.0 : fabs(sqrt(re));
    if (re == 0.0)
        return fabs(im) >= 2 * dmin ? sqrt(0.7071067811865476 * fabs(im)) : 0.7071067811865476 * sqrt(2 * fabs(im));
    int scale = 0;
    if (fabs(re) > dmax / 4) {
        scale = 1;
        re = scalbn(re, -2);
        im = scalbn(im, -2);
    } else if (fabs(im) > dmax / 4) {
        scale = 1;
        re = fabs(re) >= 4 * dmin ? scalbn(re, -2) : 0.0;
        im = scalbn(im, -2);
    } else if (fabs(re) < 2 * dmin && fabs(im) < 2 * dmin) {
        scale = -((53 + 1) / 2);
        re = scalbn(re, -2 * scale);
        im = scalbn(im, -2 * scale);
    }
    const double d = radx_hypot(re, im);
    double r;
    if (re > 0) {
        r = sqrt(0.5 * (d + re));
        if (scale == 1 && fabs(im) < 1) return scalbn(r, scale);
    } else {
        const double s = sqrt(0.5 * (d - re));
        if (scale == 1 && fabs(im) < 1) return fabs(im / s);
        r = fabs(0.5 * (im / s));
    }
    return scale ? scalbn(r, scale) : r;
}

/* ---- the samples: scipy.ndimage.map_coordinates, order 3, mode 'constant' ---- */

/* scipy's cubic B-spline weights at coordinate x (get_spline_interpolation_weights). */
RADX_HD void radx_spline3_weights(double x, double w[4])
{
    x -= floor(x);
    const double y = x, z = 1.0 - x;
    w[1] = (y * y * (y - 2.0) * 3.0 + 4.0) / 6.0;
    w[2] = (z * z * (z - 2.0) * 3.0 + 4.0) / 6.0;
    w[0] = z * z * z / 6.0;
    w[3] = 1.0;
    for (int i = 0; i < 3; i++) w[3] -= w[i];
}

/* scipy's mirror extension of coefficient index i on an axis of len voxels (map_coordinate). */
RADX_HD int64_t radx_spline_mirror(int64_t i, int64_t len)
{
    if (i >= 0 && i <= len - 1) return i;
    if (len <= 1) return 0;
    const int64_t sz2 = 2 * len - 2;
    if (i < 0) {
        i += sz2 * (-i / sz2);
        return i <= 1 - len ? i + sz2 : -i;
    }
    i -= sz2 * (i / sz2);
    return i >= len ? sz2 - i : i;
}

/* map_coordinates' store into the image's pixel type (ni_interpolation.c CASE_INTERP_OUT*):
 * integers rounded half away from zero (unsigned ones from 0) and clamped, floats cast. */
RADX_HD double radx_spline_to_dtype(int dt, double t)
{
    double lo = 0.0, hi = 0.0;
    switch (dt) {
    case RADX_DT_F64: return t;
    case RADX_DT_F32: return (double)(float)t;
    case RADX_DT_U8: hi = 255.0; break;
    case RADX_DT_U16: hi = 65535.0; break;
    case RADX_DT_U32: hi = 4294967295.0; break;
    case RADX_DT_U64: hi = 18446744073709551615.0; break;
    case RADX_DT_I8: lo = -128.0, hi = 127.0; break;
    case RADX_DT_I16: lo = -32768.0, hi = 32767.0; break;
    case RADX_DT_I32: lo = -2147483648.0, hi = 2147483647.0; break;
    default: lo = -9223372036854775808.0, hi = 9223372036854775807.0; break;
    }
    if (lo == 0.0)
        t = t > 0 ? t + 0.5 : 0.0;
    else
        t = t > 0 ? t + 0.5 : t - 0.5;
    t = t > hi ? hi : t;
    t = t < lo ? lo : t;
    return trunc(t) + 0.0; /* the integer's value; +0.0 for a -0.0 */
}

/* Sample v of the voxel at numpy index (z, y, x) (pos): 0 when the point lies outside the image
 * on an axis, else the cubic spline through the window's coefficients (coef, doubles, x fastest),
 * added as scipy adds its 64 terms (z outermost, x innermost), in the image's pixel type. */
RADX_HD double radx_lbp3d_sample(const radx_lbp3d *t, const double *coef, const int64_t pos[3], int v)
{
    double w[3][4];
    int64_t idx[3][4];
    for (int d = 0; d < 3; d++) { /* numpy axis d: radx axis 2 - d */
        const int a = 2 - d;
        const int64_t len = t->img_dims[a];
        const double cc = (double)pos[d] + t->offset[3 * v + d];
        if (cc < 0 || cc > (double)(len - 1)) return 0.0;
        const int64_t start = (int64_t)floor(cc) - 1;
        radx_spline3_weights(cc, w[d]);
        for (int l = 0; l < 4; l++) idx[d][l] = radx_spline_mirror(start + l, len) - t->coef_at[a];
    }
    const int64_t sx = 1, sy = t->coef_dims[0], sz = t->coef_dims[0] * t->coef_dims[1];
    double sum = 0.0;
    for (int a = 0; a < 4; a++)
        for (int b = 0; b < 4; b++)
            for (int c = 0; c < 4; c++) {
                double term = coef[idx[0][a] * sz + idx[1][b] * sy + idx[2][c] * sx];
                term *= w[0][a];
                term *= w[1][b];
                term *= w[2][c];
                sum += term;
            }
    return radx_spline_to_dtype(t->dtype, sum);
}

/* ---- scipy.stats.kurtosis of the samples ---- */

/* x - y, x * y and x / y in float32 (f32) or float64. */
RADX_HD double radx_k_sub(int f32, double x, double y) { return f32 ? (double)((float)x - (float)y) : x - y; }
RADX_HD double radx_k_mul(int f32, double x, double y) { return f32 ? (double)((float)x * (float)y) : x * y; }
RADX_HD double radx_k_div(int f32, double x, double y) { return f32 ? (double)((float)x / (float)y) : x / y; }

/* The Fisher kurtosis of f[0..n) (bias=True): numpy.mean, _moment(2), _moment(4) along the
 * row, NaN where m2 <= (eps * mean)^2; in float32 for a float32 image, float64 otherwise.
 * sq: n doubles of work space. */
RADX_HD double radx_lbp3d_kurtosis(int f32, const double *f, int n, double *sq)
{
    const double eps = f32 ? 1.1920928955078125e-07 : 2.220446049250313e-16;
    const double mean = radx_k_div(f32, radx_np_sum(f32, f, n), (double)n);
    for (int v = 0; v < n; v++) {
        const double d = radx_k_sub(f32, f[v], mean);
        sq[v] = radx_k_mul(f32, d, d);
    }
    const double m2 = radx_k_div(f32, radx_np_sum(f32, sq, n), (double)n);
    for (int v = 0; v < n; v++) sq[v] = radx_k_mul(f32, sq[v], sq[v]);
    const double m4 = radx_k_div(f32, radx_np_sum(f32, sq, n), (double)n);
    const double em = radx_k_mul(f32, eps, mean);
    if (m2 <= radx_k_mul(f32, em, em)) return NAN;
    return radx_k_sub(f32, radx_k_div(f32, m4, radx_k_mul(f32, m2, m2)), 3.0);
}

/* ---- the voxel ---- */

RADX_HD radx_c2 radx_lbp3d_y(const radx_lbp3d *t, int v, int j)
{
    const double *y = t->ylm + 2 * ((int64_t)v * t->levels * t->levels + j);
    return radx_c2_make(y[0], y[1]);
}

/* c[j] = sum over v of b[v] Y[v][j] (b: 0 or 1 per vertex), added one vertex after the other. */
RADX_HD void radx_lbp3d_coefficients(const radx_lbp3d *t, const double *b, double *c)
{
    for (int j = 0; j < t->levels * t->levels; j++) {
        radx_c2 s = radx_c2_make(0.0, 0.0);
        for (int v = 0; v < t->nv; v++) s = radx_cadd(s, radx_cmul(radx_c2_make(b[v], 0.0), radx_lbp3d_y(t, v, j)));
        c[2 * j] = s.re;
        c[2 * j + 1] = s.im;
    }
}

/* Level n's image value: Re sqrt(sum over v of f_n[v]^2), f_n[v] = sum over m of c[n, m] Y[v][n, m]
 * (a product alone for n = 0); both sums one term after the other. */
RADX_HD double radx_lbp3d_level(const radx_lbp3d *t, int n, const double *c)
{
    radx_c2 s = radx_c2_make(0.0, 0.0);
    for (int v = 0; v < t->nv; v++) {
        radx_c2 f = radx_c2_make(0.0, 0.0);
        for (int m = 0; m < 2 * n + 1; m++) {
            const int j = n * n + m;
            const radx_c2 p = radx_cmul(radx_c2_make(c[2 * j], c[2 * j + 1]), radx_lbp3d_y(t, v, j));
            f = n == 0 ? p : radx_cadd(f, p);
        }
        s = radx_cadd(s, radx_cmul(f, f));
    }
    return radx_csqrt_re(s.re, s.im);
}

/* The numpy index (z, y, x) in the image of output window voxel o (x fastest). */
RADX_HD void radx_lbp3d_position(const radx_lbp3d *t, int64_t o, int64_t pos[3])
{
    const int64_t nx = t->out_dims[0], ny = t->out_dims[1];
    pos[2] = t->out_at[0] + o % nx;
    pos[1] = t->out_at[1] + (o / nx) % ny;
    pos[0] = t->out_at[2] + o / (nx * ny);
}

/* The LBP3D values of the ROI voxel at numpy index pos (z, y, x), whose image value is centre:
 * out[0 .. levels) the levels' values, out[levels] the kurtosis.  work: radx_lbp3d_work doubles. */
RADX_HD void radx_lbp3d_voxel(const radx_lbp3d *t, const double *coef, const int64_t pos[3], double centre,
                              double *work, double *out)
{
    double *f = work, *sq = work + t->nv, *c = sq + t->nv;
    for (int v = 0; v < t->nv; v++) f[v] = radx_lbp3d_sample(t, coef, pos, v);
    out[t->levels] = radx_lbp3d_kurtosis(t->dtype == RADX_DT_F32, f, t->nv, sq);
    for (int v = 0; v < t->nv; v++) f[v] = f[v] >= centre ? 1.0 : 0.0;
    radx_lbp3d_coefficients(t, f, c);
    for (int n = 0; n < t->levels; n++) out[n] = radx_lbp3d_level(t, n, c);
}

#endif
