/* SPDX-License-Identifier: BSD-3-Clause */
/* Laplacian-of-Gaussian transfer functions, evaluated per frequency sample (CPU and CUDA).
 *
 * Both LoG kernels radx offers are separable sums
 *
 *     LoG = sum_a  D_a (x) prod_{b != a} G_b            (a, b over the filtered axes)
 *
 * of a 1-D smoothing filter G and a 1-D second-derivative filter D per axis, so on a DFT grid
 * the 3-D transfer function at frequency (kx, ky, kz) is
 *
 *     T = Dx(kx) Gy(ky) Gz(kz) + Gx(kx) Dy(ky) Gz(kz) + Gx(kx) Gy(ky) Dz(kz)
 *
 * with Ga, Da real (every 1-D filter here is symmetric).  The host tabulates Ga/Da per axis once
 * (radx_log_itk_response / radx_log_ibsi_response below, in double) and a per-sample loop (or a
 * CUDA kernel) multiplies the spectrum by radx_log_transfer_sample().  An axis that is not
 * filtered (2-D filtering of a 3-D volume) has G = 1, D = 0.
 *
 * ITK kernel (RADX_LOG_PYRADIOMICS): ITK's RecursiveGaussianImageFilter is a 4th-order
 * causal + anticausal IIR filter (Deriche / Farneback-Westin coefficients, as set up in ITK's
 * itkRecursiveGaussianImageFilter.hxx SetUp / ComputeNCoefficients / ComputeDCoefficients /
 * ComputeRemainingCoefficients; this is our own transcription of those formulas):
 *
 *     y+[n] = N0 x[n] + N1 x[n-1] + N2 x[n-2] + N3 x[n-3] - D1 y+[n-1] - ... - D4 y+[n-4]
 *     y-[n] = M1 x[n+1] + M2 x[n+2] + M3 x[n+3] + M4 x[n+4] - D1 y-[n+1] - ... - D4 y-[n+4]
 *     y = y+ + y-
 *
 * so its exact frequency response is the rational function
 *
 *     H(w) = N(e^{-iw}) / D(e^{-iw}) + M(e^{iw}) / D(e^{iw}),
 *     N(z) = N0 + N1 z + N2 z^2 + N3 z^3,  M(z) = M1 z + M2 z^2 + M3 z^3 + M4 z^4,
 *     D(z) = 1 + D1 z + D2 z^2 + D3 z^3 + D4 z^4,
 *
 * which is real for the symmetric orders 0 and 2 (M_k = N_k - D_k N0).  Sampled at
 * w = 2 pi k / L it is exactly the L-periodic steady-state response of the IIR filter.
 *
 * IBSI kernel (RADX_LOG_IBSI): IBSI-2's LoG, the continuous Gaussian derivatives sampled at the
 * voxel centres n = -R..R (R = floor(truncate sigma + 0.5) voxels, sigma in voxels) with the
 * analytic normalisation 1/(sigma sqrt(2 pi)); the DTFT of the truncated symmetric kernel is
 * the cosine sum g[0] + 2 sum_{n=1..R} g[n] cos(w n).
 *
 * Everything is plain C11 / C++ (no _Complex), RADX_HD so a CUDA kernel can call it. */
#ifndef RADX_LOG_TRANSFER_H
#define RADX_LOG_TRANSFER_H

#include <math.h>
#include <stdint.h>
#include "rules/host_device.h"

#ifndef RADX_PI
#define RADX_PI 3.14159265358979323846
#endif

/* One ITK recursive Gaussian 1-D filter (order 0 or 2), coefficients as ITK names them. */
typedef struct radx_itk_iir {
    double n0, n1, n2, n3; /* causal numerator */
    double d1, d2, d3, d4; /* shared denominator */
    double m1, m2, m3, m4; /* anticausal numerator */
} radx_itk_iir;

/* ITK's ComputeNCoefficients for one term of the exponential series. */
RADX_HD void radx_itk_ncoef(double sigmad, double a1, double b1, double w1, double l1, double a2, double b2, double w2,
                            double l2, double n[4], double *sn, double *dn, double *en)
{
    const double s1 = sin(w1 / sigmad), s2 = sin(w2 / sigmad);
    const double c1 = cos(w1 / sigmad), c2 = cos(w2 / sigmad);
    const double e1 = exp(l1 / sigmad), e2 = exp(l2 / sigmad);
    n[0] = a1 + a2;
    n[1] = e2 * (b2 * s2 - (a2 + 2 * a1) * c2);
    n[1] += e1 * (b1 * s1 - (a1 + 2 * a2) * c1);
    n[2] = (a1 + a2) * c2 * c1;
    n[2] -= b1 * c2 * s1 + b2 * c1 * s2;
    n[2] *= 2 * e1 * e2;
    n[2] += a2 * e1 * e1 + a1 * e2 * e2;
    n[3] = e2 * e1 * e1 * (b2 * s2 - a2 * c2);
    n[3] += e1 * e2 * e2 * (b1 * s1 - a1 * c1);
    *sn = n[0] + n[1] + n[2] + n[3];
    *dn = n[1] + 2 * n[2] + 3 * n[3];
    *en = n[1] + 4 * n[2] + 9 * n[3];
}

/* ITK's RecursiveGaussianImageFilter::SetUp(spacing) for order 0 (smoothing) or 2 (second
 * derivative), with NormalizeAcrossScale as given (order 2: the response is multiplied by
 * sigma_mm^2; order 0 is never scaled).  sigma_mm > 0, spacing > 0 (mm).  The second derivative
 * is in voxel units; ITK's Laplacian divides it by spacing^2 when it adds the axes up. */
RADX_HD void radx_itk_iir_setup(double sigma_mm, double spacing, int order, int normalize_across_scale, radx_itk_iir *c)
{
    /* parameters of the exponential series (ITK's values) */
    const double a1[3] = {1.3530, -0.6724, -1.3563}, b1[3] = {1.8151, -3.4327, 5.2318};
    const double a2[3] = {-0.3531, 0.6724, 0.3446}, b2[3] = {0.0902, 0.6100, -2.2355};
    const double w1 = 0.6681, l1 = -1.3932, w2 = 2.0787, l2 = -1.3732;
    const double sigmad = sigma_mm / spacing;
    const double c1 = cos(w1 / sigmad), c2 = cos(w2 / sigmad);
    const double e1 = exp(l1 / sigmad), e2 = exp(l2 / sigmad);
    double sd, dd, ed, n[4], sn, dn, en;

    c->d4 = e1 * e1 * e2 * e2;
    c->d3 = -2 * c1 * e1 * e2 * e2;
    c->d3 += -2 * c2 * e2 * e1 * e1;
    c->d2 = 4 * c2 * c1 * e1 * e2;
    c->d2 += e1 * e1 + e2 * e2;
    c->d1 = -2 * (e2 * c2 + e1 * c1);
    sd = 1.0 + c->d1 + c->d2 + c->d3 + c->d4;
    dd = c->d1 + 2 * c->d2 + 3 * c->d3 + 4 * c->d4;
    ed = c->d1 + 4 * c->d2 + 9 * c->d3 + 16 * c->d4;

    if (order == 0) {
        double alpha0;
        radx_itk_ncoef(sigmad, a1[0], b1[0], w1, l1, a2[0], b2[0], w2, l2, n, &sn, &dn, &en);
        alpha0 = 2 * sn / sd - n[0];
        c->n0 = n[0] * (1.0 / alpha0);
        c->n1 = n[1] * (1.0 / alpha0);
        c->n2 = n[2] * (1.0 / alpha0);
        c->n3 = n[3] * (1.0 / alpha0);
    } else {
        double n0[4], n2[4], sn0, dn0, en0, sn2, dn2, en2, beta, alpha2, scale;
        const double asn = normalize_across_scale ? sigma_mm * sigma_mm : 1.0;
        radx_itk_ncoef(sigmad, a1[0], b1[0], w1, l1, a2[0], b2[0], w2, l2, n0, &sn0, &dn0, &en0);
        radx_itk_ncoef(sigmad, a1[2], b1[2], w1, l1, a2[2], b2[2], w2, l2, n2, &sn2, &dn2, &en2);
        beta = -(2 * sn2 - sd * n2[0]) / (2 * sn0 - sd * n0[0]);
        n[0] = n2[0] + beta * n0[0];
        n[1] = n2[1] + beta * n0[1];
        n[2] = n2[2] + beta * n0[2];
        n[3] = n2[3] + beta * n0[3];
        sn = sn2 + beta * sn0;
        dn = dn2 + beta * dn0;
        en = en2 + beta * en0;
        alpha2 = en * sd * sd - ed * sn * sd - 2 * dn * dd * sd + 2 * dd * dd * sn;
        alpha2 /= sd * sd * sd;
        scale = asn / alpha2;
        c->n0 = n[0] * scale;
        c->n1 = n[1] * scale;
        c->n2 = n[2] * scale;
        c->n3 = n[3] * scale;
    }
    /* symmetric anticausal part (orders 0 and 2) */
    c->m1 = c->n1 - c->d1 * c->n0;
    c->m2 = c->n2 - c->d2 * c->n0;
    c->m3 = c->n3 - c->d3 * c->n0;
    c->m4 = -c->d4 * c->n0;
}

/* Slowest decay rate of the ITK IIR impulse response per voxel, |pole| = exp(-rate):
 * min(|l1|, |l2|) / sigmad.  The response beyond n voxels is O(exp(-rate n)). */
RADX_HD double radx_itk_iir_decay_rate(double sigma_mm, double spacing) { return 1.3732 / (sigma_mm / spacing); }

/* Real frequency response H(w) of the causal + anticausal pair (see the top comment). */
RADX_HD double radx_log_itk_response(const radx_itk_iir *c, double w)
{
    /* z^k = e^{-ikw} = cos(kw) - i sin(kw) for the causal part; conj for the anticausal part */
    const double c1 = cos(w), s1 = sin(w), c2 = cos(2 * w), s2 = sin(2 * w);
    const double c3 = cos(3 * w), s3 = sin(3 * w), c4 = cos(4 * w), s4 = sin(4 * w);
    /* causal: N(e^{-iw}) / D(e^{-iw}) */
    const double nr = c->n0 + c->n1 * c1 + c->n2 * c2 + c->n3 * c3;
    const double ni = -(c->n1 * s1 + c->n2 * s2 + c->n3 * s3);
    const double dr = 1.0 + c->d1 * c1 + c->d2 * c2 + c->d3 * c3 + c->d4 * c4;
    const double di = -(c->d1 * s1 + c->d2 * s2 + c->d3 * s3 + c->d4 * s4);
    /* anticausal: M(e^{iw}) / D(e^{iw}); D(e^{iw}) = conj(D(e^{-iw})) */
    const double mr = c->m1 * c1 + c->m2 * c2 + c->m3 * c3 + c->m4 * c4;
    const double mi = c->m1 * s1 + c->m2 * s2 + c->m3 * s3 + c->m4 * s4;
    const double den = dr * dr + di * di;
    /* Re(a/b) = (ar br + ai bi) / |b|^2 */
    const double hc = (nr * dr + ni * di) / den;
    const double ha = (mr * dr + mi * (-di)) / den;
    return hc + ha;
}

/* IBSI-2 1-D kernels, sigma in voxels: g(n) = exp(-n^2 / (2 s^2)) / (s sqrt(2 pi)) and its
 * second derivative g''(n) = (n^2 / s^4 - 1 / s^2) g(n). */
RADX_HD double radx_log_ibsi_g(double sigma_vox, double n)
{
    return exp(-n * n / (2.0 * sigma_vox * sigma_vox)) / (sigma_vox * sqrt(2.0 * RADX_PI));
}
RADX_HD double radx_log_ibsi_d2g(double sigma_vox, double n)
{
    const double s2 = sigma_vox * sigma_vox;
    return (n * n / (s2 * s2) - 1.0 / s2) * radx_log_ibsi_g(sigma_vox, n);
}

/* Kernel radius in voxels: IBSI-2's filter size M = 1 + 2 floor(truncate sigma + 0.5). */
RADX_HD int radx_log_ibsi_radius(double sigma_vox, double truncate) { return (int)floor(truncate * sigma_vox + 0.5); }

/* DTFT at w of the truncated sampled kernel (order 0: g, order 2: g''), radius R. */
RADX_HD double radx_log_ibsi_response(double sigma_vox, int radius, int order, double w)
{
    double acc = 0.0;
    int n;
    for (n = radius; n >= 1; n--) { /* small terms first */
        const double v = order == 0 ? radx_log_ibsi_g(sigma_vox, n) : radx_log_ibsi_d2g(sigma_vox, n);
        acc += 2.0 * v * cos(w * n);
    }
    return acc + (order == 0 ? radx_log_ibsi_g(sigma_vox, 0) : radx_log_ibsi_d2g(sigma_vox, 0));
}

/* The 3-D transfer function at one frequency sample from the per-axis tables. */
RADX_HD double radx_log_transfer_sample(double gx, double dx, double gy, double dy, double gz, double dz)
{
    return dx * gy * gz + gx * dy * gz + gx * gy * dz;
}

/* ---- Per-sample steps of the FFT filter (host/cpu/log_filter.c loops over them on the CPU,
 * kernels/cuda/log_filter.cu in CUDA kernels; both call exactly these) ---- */

/* IBSI-2 boundary conditions (how the image is extended beyond its border). */
typedef enum radx_log_boundary {
    RADX_LOG_BC_ZERO = 0,    /* 0 outside (IBSI "zero padding") */
    RADX_LOG_BC_NEAREST = 1, /* border voxel repeated (IBSI "nearest value padding") */
    RADX_LOG_BC_MIRROR = 2,  /* d c b a | a b c d | d c b a (IBSI "mirror padding") */
    RADX_LOG_BC_PERIODIC = 3 /* a b c d | a b c d (IBSI "periodic padding") */
} radx_log_boundary;

/* Padding index rule: the source index along an axis of n voxels for position j of the extended
 * line (j relative to the image start, any sign), or -1 where the extension is 0. */
RADX_HD int64_t radx_log_ext(int64_t j, int64_t n, radx_log_boundary bc)
{
    int64_t m;
    switch (bc) {
    case RADX_LOG_BC_ZERO: return (j >= 0 && j < n) ? j : -1;
    case RADX_LOG_BC_NEAREST: return j < 0 ? 0 : (j >= n ? n - 1 : j);
    case RADX_LOG_BC_MIRROR:
        m = j % (2 * n);
        if (m < 0) m += 2 * n;
        return m >= n ? 2 * n - 1 - m : m;
    case RADX_LOG_BC_PERIODIC: m = j % n; return m < 0 ? m + n : m;
    }
    return -1;
}

/* The centring constant c from the sum of the n input voxels: their mean, 0 if not finite. */
RADX_HD double radx_log_centre(double sum, int64_t n)
{
    const double c = sum / (double)n;
    return isfinite(c) ? c : 0.0;
}

/* One input voxel as the float FFT sees it: the voxel minus the centring constant. */
RADX_HD float radx_log_centred(double v, double c) { return (float)(v - c); }

/* One spectrum sample (kx, ky, kz) times T(k) / (Lx Ly Lz) (scale = 1 / (Lx Ly Lz)), per-axis
 * responses from the tables. */
RADX_HD void radx_log_apply(float *re, float *im, double gx, double dx, double gy, double dy, double gz, double dz,
                            double scale)
{
    const double t = radx_log_transfer_sample(gx, dx, gy, dy, gz, dz) * scale;
    *re = (float)(*re * t);
    *im = (float)(*im * t);
}

/* One output voxel: the filtered centred value plus the constant's response add = c T(0). */
RADX_HD float radx_log_output(float v, double add) { return (float)((double)v + add); }

/* ---- Tiles: the filter in two passes (kernels/cuda/log_filter.cu, when the device cannot hold the
 * 3-D FFT).  T = Gz (Dx Gy + Gx Dy) + Dz (Gx Gy), so:
 *   pass 1: every z slice of the padded grid, FFT'd in x and y (L0 x L1), gives two images,
 *           A = Gx Gy and B = Dx Gy + Gx Dy (radx_log_apply_xy, scale 1 / (L0 L1)), of which only
 *           the image's x and y are kept; the padded slice p is the image slice map2[p] (or 0),
 *           so the image's own slices suffice;
 *   pass 2: every z line of the padded grid (p -> A, B of slice map2[p], 0 where map2[p] < 0),
 *           FFT'd along z (L2), gives Dz A + Gz B (radx_log_apply_z, scale 1 / L2).
 * The same response as the 3-D transform up to float rounding (tests/test_log.c checks it on the
 * CPU against the 3-D FFT and ITK's recursive filter). */
RADX_HD void radx_log_apply_xy(float re, float im, double gx, double dx, double gy, double dy, double scale, float *are,
                               float *aim, float *bre, float *bim)
{
    const double ta = gx * gy * scale, tb = (dx * gy + gx * dy) * scale;
    *are = (float)(re * ta);
    *aim = (float)(im * ta);
    *bre = (float)(re * tb);
    *bim = (float)(im * tb);
}

/* Pass 2 at one frequency kz: (re, im) holds A's sample on entry and the result on exit. */
RADX_HD void radx_log_apply_z(float *re, float *im, float bre, float bim, double gz, double dz, double scale)
{
    const double ta = dz * scale, tb = gz * scale;
    const double r = (double)*re * ta + (double)bre * tb, i = (double)*im * ta + (double)bim * tb;
    *re = (float)r;
    *im = (float)i;
}

#endif
