/* SPDX-License-Identifier: BSD-3-Clause */
/* Per-voxel rules of image resampling as SimpleITK 2.5.7 / ITK 5.4 apply them
 * (ResampleImageFilter with an identity transform, as PyRadiomics' resampleImage uses it).
 * Shared by host/cpu/resample.c and, later, a CUDA kernel; every function reproduces ITK's floating-
 * point operations in ITK's order, so results are bit-identical to SimpleITK's as long as the
 * compiler does not contract a*b+c into fused multiply-adds (host/cpu/resample.c switches that off;
 * nvcc needs -fmad=false or __dmul_rn/__dadd_rn).
 *
 * Conventions: continuous indices are ITK's (voxel centres at integers); an input axis has n
 * voxels, start index 0, end index n - 1.  Matrices are row-major 3x3. */
#ifndef RADX_RESAMPLE_RULES_H
#define RADX_RESAMPLE_RULES_H

#include <math.h>
#include <stdint.h>
#include "rules/host_device.h"

/* ITK Math::RoundHalfIntegerUp (SSE2 path): round-half-even(2x + 0.5), then floor-halve.
 * Equals floor(x + 0.5) except where x + 0.5 itself would round. */
RADX_HD int64_t radx_rs_round_half_up(double x)
{
    int64_t r = (int64_t)llrint(2.0 * x + 0.5);
    return r >= 0 ? r / 2 : -((1 - r) / 2);
}

/* ITK ImageBase::TransformIndexToPhysicalPoint (integer index): origin first, then the terms. */
RADX_HD void radx_rs_index_to_point(const double i2p[9], const double origin[3], const double idx[3], double p[3])
{
    for (int r = 0; r < 3; r++) {
        double s = origin[r];
        for (int c = 0; c < 3; c++) s += i2p[3 * r + c] * idx[c];
        p[r] = s;
    }
}

/* ITK ImageBase::TransformContinuousIndexToPhysicalPoint: the terms first, origin last. */
RADX_HD void radx_rs_cindex_to_point(const double i2p[9], const double origin[3], const double idx[3], double p[3])
{
    for (int r = 0; r < 3; r++) {
        double s = 0.0;
        for (int c = 0; c < 3; c++) s += i2p[3 * r + c] * idx[c];
        p[r] = s + origin[r];
    }
}

/* ITK ImageBase::TransformPhysicalPointToContinuousIndex: p2i * (p - origin). */
RADX_HD void radx_rs_point_to_cindex(const double p2i[9], const double origin[3], const double p[3], double ci[3])
{
    double v[3];
    for (int k = 0; k < 3; k++) v[k] = p[k] - origin[k];
    for (int r = 0; r < 3; r++) {
        double s = 0.0;
        for (int c = 0; c < 3; c++) s += p2i[3 * r + c] * v[c];
        ci[r] = s;
    }
}

/* ResampleImageFilter::LinearThreadedGenerateData: along an output scanline of n voxels whose
 * voxel 0 maps to `start` and (virtual) voxel n maps to `end`, voxel i maps to this. */
RADX_HD double radx_rs_scan_index(double start, double end, int64_t i, int64_t n)
{
    const double alpha = (double)i / (double)n;
    return start + alpha * (end - start);
}

/* ImageFunction::IsInsideBuffer for one axis: -0.5 <= c < n - 0.5 (false for NaN). */
RADX_HD int radx_rs_inside(double c, int64_t n) { return c >= -0.5 && c < (double)(n - 1) + 0.5; }

/* NearestNeighborInterpolateImageFunction: the index of the voxel used along one axis
 * (always in [0, n-1] when radx_rs_inside holds). */
RADX_HD int64_t radx_rs_nearest(double c) { return radx_rs_round_half_up(c); }

/* LinearInterpolateImageFunction, 3-D (EvaluateOptimized(Dispatch<3>)), over a double buffer
 * holding the input voxels of the box [lo, lo + bsz) of an image of n voxels per axis
 * (the box must contain every voxel the rule touches).  Same branches and the same
 * a + (b - a) * d cascade (x, then y, then z) as ITK. */
RADX_HD double radx_rs_linear3(const double *RADX_RESTRICT buf, const int64_t lo[3], const int64_t bsz[3],
                               const int64_t n[3], const double c[3])
{
#define RADX_RS_AT(a, b, d) buf[((a)-lo[0]) + bsz[0] * (((b)-lo[1]) + bsz[1] * ((d)-lo[2]))]
    int64_t b0 = (int64_t)floor(c[0]), b1 = (int64_t)floor(c[1]), b2 = (int64_t)floor(c[2]);
    if (b0 < 0) b0 = 0;
    if (b1 < 0) b1 = 0;
    if (b2 < 0) b2 = 0;
    const double d0 = c[0] - (double)b0, d1 = c[1] - (double)b1, d2 = c[2] - (double)b2;
    const int64_t e0 = n[0] - 1, e1 = n[1] - 1, e2 = n[2] - 1;
    const double v000 = RADX_RS_AT(b0, b1, b2);
    if (d0 <= 0. && d1 <= 0. && d2 <= 0.) return v000;
    if (d2 <= 0.) {
        if (d1 <= 0.) { /* x */
            if (b0 + 1 > e0) return v000;
            const double v100 = RADX_RS_AT(b0 + 1, b1, b2);
            return v000 + (v100 - v000) * d0;
        } else if (d0 <= 0.) { /* y */
            if (b1 + 1 > e1) return v000;
            const double v010 = RADX_RS_AT(b0, b1 + 1, b2);
            return v000 + (v010 - v000) * d1;
        } else { /* xy */
            if (b0 + 1 > e0) {
                if (b1 + 1 > e1) return v000;
                const double v010 = RADX_RS_AT(b0, b1 + 1, b2);
                return v000 + (v010 - v000) * d1;
            }
            const double v100 = RADX_RS_AT(b0 + 1, b1, b2);
            const double vx00 = v000 + (v100 - v000) * d0;
            if (b1 + 1 > e1) return vx00;
            const double v110 = RADX_RS_AT(b0 + 1, b1 + 1, b2);
            const double v010 = RADX_RS_AT(b0, b1 + 1, b2);
            const double vx10 = v010 + (v110 - v010) * d0;
            return vx00 + (vx10 - vx00) * d1;
        }
    }
    if (d1 <= 0.) {
        if (d0 <= 0.) { /* z */
            if (b2 + 1 > e2) return v000;
            const double v001 = RADX_RS_AT(b0, b1, b2 + 1);
            return v000 + (v001 - v000) * d2;
        }
        /* xz */
        if (b0 + 1 > e0) {
            if (b2 + 1 > e2) return v000;
            const double v001 = RADX_RS_AT(b0, b1, b2 + 1);
            return v000 + (v001 - v000) * d2;
        }
        const double v100 = RADX_RS_AT(b0 + 1, b1, b2);
        const double vx00 = v000 + (v100 - v000) * d0;
        if (b2 + 1 > e2) return vx00;
        const double v101 = RADX_RS_AT(b0 + 1, b1, b2 + 1);
        const double v001 = RADX_RS_AT(b0, b1, b2 + 1);
        const double vx01 = v001 + (v101 - v001) * d0;
        return vx00 + (vx01 - vx00) * d2;
    }
    if (d0 <= 0.) { /* yz */
        if (b1 + 1 > e1) {
            if (b2 + 1 > e2) return v000;
            const double v001 = RADX_RS_AT(b0, b1, b2 + 1);
            return v000 + (v001 - v000) * d2;
        }
        const double v010 = RADX_RS_AT(b0, b1 + 1, b2);
        const double v0x0 = v000 + (v010 - v000) * d1;
        if (b2 + 1 > e2) return v0x0;
        const double v011 = RADX_RS_AT(b0, b1 + 1, b2 + 1);
        const double v001 = RADX_RS_AT(b0, b1, b2 + 1);
        const double v0x1 = v001 + (v011 - v001) * d1;
        return v0x0 + (v0x1 - v0x0) * d2;
    }
    /* xyz */
    if (b0 + 1 > e0) {     /* yz */
        if (b1 + 1 > e1) { /* z */
            if (b2 + 1 > e2) return v000;
            const double v001 = RADX_RS_AT(b0, b1, b2 + 1);
            return v000 + (v001 - v000) * d2;
        }
        const double v010 = RADX_RS_AT(b0, b1 + 1, b2);
        const double v0x0 = v000 + (v010 - v000) * d1;
        if (b2 + 1 > e2) return v0x0;
        const double v011 = RADX_RS_AT(b0, b1 + 1, b2 + 1);
        const double v001 = RADX_RS_AT(b0, b1, b2 + 1);
        const double v0x1 = v001 + (v011 - v001) * d1;
        return v0x0 + (v0x1 - v0x0) * d2;
    }
    const double v100 = RADX_RS_AT(b0 + 1, b1, b2);
    const double vx00 = v000 + (v100 - v000) * d0;
    if (b1 + 1 > e1) { /* xz */
        if (b2 + 1 > e2) return vx00;
        const double v101 = RADX_RS_AT(b0 + 1, b1, b2 + 1);
        const double v001 = RADX_RS_AT(b0, b1, b2 + 1);
        const double vx01 = v001 + (v101 - v001) * d0;
        return vx00 + (vx01 - vx00) * d2;
    }
    const double v110 = RADX_RS_AT(b0 + 1, b1 + 1, b2);
    const double v010 = RADX_RS_AT(b0, b1 + 1, b2);
    const double vx10 = v010 + (v110 - v010) * d0;
    const double vxx0 = vx00 + (vx10 - vx00) * d1;
    if (b2 + 1 > e2) return vxx0;
    const double v011 = RADX_RS_AT(b0, b1 + 1, b2 + 1);
    const double v111 = RADX_RS_AT(b0 + 1, b1 + 1, b2 + 1);
    const double v101 = RADX_RS_AT(b0 + 1, b1, b2 + 1);
    const double v001 = RADX_RS_AT(b0, b1, b2 + 1);
    const double vx01 = v001 + (v101 - v001) * d0;
    const double vx11 = v011 + (v111 - v011) * d0;
    const double vxx1 = vx01 + (vx11 - vx01) * d1;
    return vxx0 + (vxx1 - vxx0) * d2;
#undef RADX_RS_AT
}

/* ---- cubic B-spline (BSplineInterpolateImageFunction, spline order 3) ---- */

/* The pole of the cubic B-spline prefilter (BSplineDecompositionImageFilter::SetPoles). */
RADX_HD double radx_rs_bspline3_pole(void) { return sqrt(3.0) - 2.0; }

/* DetermineRegionOfSupport + SetInterpolationWeights (order 3) along one axis: the first of the
 * four support indices (before mirroring) and the weights.  ITK locates the support from the
 * coordinate rounded to float (static_cast<float>), so near an integer the weight argument can
 * be slightly negative; reproduced as is. */
RADX_HD int64_t radx_rs_bspline3_weights(double c, double w[4])
{
    const float cf = (float)c;
    const int64_t i1 = (int64_t)floorf(cf + 0.0f);
    const double t = c - (double)i1;
    w[3] = (1.0 / 6.0) * t * t * t;
    w[0] = (1.0 / 6.0) + 0.5 * t * (t - 1.0) - w[3];
    w[2] = t + w[0] - 2.0 * w[3];
    w[1] = 1.0 - w[0] - w[2] - w[3];
    return i1 - 1;
}

/* ApplyMirrorBoundaryConditions along an axis of n voxels (start 0, end n - 1).  For n == 2 and
 * index 3 ITK's rule yields -1 (it then reads outside its buffer); radx mirrors once more to stay
 * inside. */
RADX_HD int64_t radx_rs_mirror(int64_t i, int64_t n)
{
    if (n == 1) return 0;
    const int64_t e = n - 1;
    if (i < 0) i = -i;
    if (i >= e) i = e - (i - e);
    if (i < 0) i = -i;
    return i;
}

/* BSplineInterpolateImageFunction::EvaluateAtContinuousIndex (order 3): the 4x4x4 weighted sum of
 * coefficients, x fastest, each weight formed as ((1 * wx) * wy) * wz and accumulated in that
 * order from 0.0.  coef holds the coefficients of the box [lo, lo + bsz) of an image of n voxels
 * per axis (the box must contain every mirrored support index). */
RADX_HD double radx_rs_bspline3_eval(const double *RADX_RESTRICT coef, const int64_t lo[3], const int64_t bsz[3],
                                     const int64_t n[3], const double c[3])
{
    double w[3][4];
    int64_t ix[4], iy[4], iz[4];
    int64_t s0 = radx_rs_bspline3_weights(c[0], w[0]);
    int64_t s1 = radx_rs_bspline3_weights(c[1], w[1]);
    int64_t s2 = radx_rs_bspline3_weights(c[2], w[2]);
    for (int k = 0; k < 4; k++) {
        ix[k] = radx_rs_mirror(s0 + k, n[0]) - lo[0];
        iy[k] = (radx_rs_mirror(s1 + k, n[1]) - lo[1]) * bsz[0];
        iz[k] = (radx_rs_mirror(s2 + k, n[2]) - lo[2]) * bsz[0] * bsz[1];
    }
    double v = 0.0;
    for (int c2 = 0; c2 < 4; c2++)
        for (int c1 = 0; c1 < 4; c1++) {
            const double *row = coef + iz[c2] + iy[c1];
            for (int c0 = 0; c0 < 4; c0++) {
                double ww = 1.0;
                ww *= w[0][c0];
                ww *= w[1][c1];
                ww *= w[2][c2];
                v += ww * row[ix[c0]];
            }
        }
    return v;
}

/* Two voxels at once (each with exactly the arithmetic of radx_rs_bspline3_eval): the two
 * accumulation chains interleave, which hides the latency of the sequential sums. */
RADX_HD void radx_rs_bspline3_eval2(const double *RADX_RESTRICT coef, const int64_t lo[3], const int64_t bsz[3],
                                    const int64_t n[3], const double ca[3], const double cb[3], double out[2])
{
    double wa[3][4], wb[3][4];
    int64_t xa[4], ya[4], za[4], xb[4], yb[4], zb[4];
    int64_t a0 = radx_rs_bspline3_weights(ca[0], wa[0]), b0 = radx_rs_bspline3_weights(cb[0], wb[0]);
    int64_t a1 = radx_rs_bspline3_weights(ca[1], wa[1]), b1 = radx_rs_bspline3_weights(cb[1], wb[1]);
    int64_t a2 = radx_rs_bspline3_weights(ca[2], wa[2]), b2 = radx_rs_bspline3_weights(cb[2], wb[2]);
    for (int k = 0; k < 4; k++) {
        xa[k] = radx_rs_mirror(a0 + k, n[0]) - lo[0];
        ya[k] = (radx_rs_mirror(a1 + k, n[1]) - lo[1]) * bsz[0];
        za[k] = (radx_rs_mirror(a2 + k, n[2]) - lo[2]) * bsz[0] * bsz[1];
        xb[k] = radx_rs_mirror(b0 + k, n[0]) - lo[0];
        yb[k] = (radx_rs_mirror(b1 + k, n[1]) - lo[1]) * bsz[0];
        zb[k] = (radx_rs_mirror(b2 + k, n[2]) - lo[2]) * bsz[0] * bsz[1];
    }
    double va = 0.0, vb = 0.0;
    for (int c2 = 0; c2 < 4; c2++)
        for (int c1 = 0; c1 < 4; c1++) {
            const double *ra = coef + za[c2] + ya[c1], *rb = coef + zb[c2] + yb[c1];
            for (int c0 = 0; c0 < 4; c0++) {
                double wwa = 1.0, wwb = 1.0;
                wwa *= wa[0][c0];
                wwb *= wb[0][c0];
                wwa *= wa[1][c1];
                wwb *= wb[1][c1];
                wwa *= wa[2][c2];
                wwb *= wb[2][c2];
                va += wwa * ra[xa[c0]];
                vb += wwb * rb[xb[c0]];
            }
        }
    out[0] = va;
    out[1] = vb;
}

/* ---- windowed sinc (WindowedSincInterpolateImageFunction, radius 5, ZeroFluxNeumann boundary) ----
 * SimpleITK's sitk*WindowedSinc interpolators: kernel K(t) = window(t) * sinc(t) over the 10
 * voxels floor(c) - 4 .. floor(c) + 5 per axis, out-of-image voxels replaced by the nearest edge
 * voxel, no normalisation. */
enum { RADX_RS_WS_HAMMING = 0, RADX_RS_WS_COSINE, RADX_RS_WS_WELCH, RADX_RS_WS_LANCZOS, RADX_RS_WS_BLACKMAN };
#define RADX_RS_WS_RADIUS 5
#define RADX_RS_PI        3.14159265358979323846

RADX_HD double radx_rs_window(int kind, double a)
{
    const double m = (double)RADX_RS_WS_RADIUS;
    switch (kind) {
    case RADX_RS_WS_COSINE: return cos(a * (RADX_RS_PI / (2 * m)));
    case RADX_RS_WS_WELCH: return 1.0 - a * (1.0 / (RADX_RS_WS_RADIUS * RADX_RS_WS_RADIUS)) * a;
    case RADX_RS_WS_LANCZOS: {
        if (a == 0.0) return 1.0;
        const double z = (RADX_RS_PI / m) * a;
        return sin(z) / z;
    }
    case RADX_RS_WS_BLACKMAN: return 0.42 + 0.5 * cos(a * (RADX_RS_PI / m)) + 0.08 * cos(a * (2.0 * RADX_RS_PI / m));
    default: return 0.54 + 0.46 * cos(a * (RADX_RS_PI / m));
    }
}

RADX_HD double radx_rs_sinc(double x)
{
    const double px = RADX_RS_PI * x;
    return x == 0.0 ? 1.0 : sin(px) / px;
}

/* Weights of the offsets -4..5 from floor(c) along one axis; returns floor(c). */
RADX_HD int64_t radx_rs_wsinc_weights(int kind, double c, double w[2 * RADX_RS_WS_RADIUS])
{
    const int64_t b = (int64_t)floor(c);
    const double d = c - (double)b;
    double x = d + RADX_RS_WS_RADIUS;
    for (int i = 0; i < 2 * RADX_RS_WS_RADIUS; i++) {
        if (d == 0.0) {
            w[i] = i == RADX_RS_WS_RADIUS - 1 ? 1.0 : 0.0;
        } else {
            x -= 1.0;
            w[i] = radx_rs_window(kind, x) * radx_rs_sinc(x);
        }
    }
    return b;
}

RADX_HD int64_t radx_rs_clamp_index(int64_t i, int64_t n) { return i < 0 ? 0 : i > n - 1 ? n - 1 : i; }

/* EvaluateAtContinuousIndex: sum over the 10x10x10 neighbourhood, x fastest, of
 * ((value * wx) * wy) * wz, accumulated from 0.0.  buf as for radx_rs_linear3. */
RADX_HD double radx_rs_wsinc3_eval(int kind, const double *RADX_RESTRICT buf, const int64_t lo[3], const int64_t bsz[3],
                                   const int64_t n[3], const double c[3])
{
    double w[3][2 * RADX_RS_WS_RADIUS];
    int64_t ix[2 * RADX_RS_WS_RADIUS], iy[2 * RADX_RS_WS_RADIUS], iz[2 * RADX_RS_WS_RADIUS];
    const int64_t b0 = radx_rs_wsinc_weights(kind, c[0], w[0]);
    const int64_t b1 = radx_rs_wsinc_weights(kind, c[1], w[1]);
    const int64_t b2 = radx_rs_wsinc_weights(kind, c[2], w[2]);
    for (int k = 0; k < 2 * RADX_RS_WS_RADIUS; k++) {
        const int64_t o = k - (RADX_RS_WS_RADIUS - 1);
        ix[k] = radx_rs_clamp_index(b0 + o, n[0]) - lo[0];
        iy[k] = (radx_rs_clamp_index(b1 + o, n[1]) - lo[1]) * bsz[0];
        iz[k] = (radx_rs_clamp_index(b2 + o, n[2]) - lo[2]) * bsz[0] * bsz[1];
    }
    double v = 0.0;
    for (int c2 = 0; c2 < 2 * RADX_RS_WS_RADIUS; c2++)
        for (int c1 = 0; c1 < 2 * RADX_RS_WS_RADIUS; c1++) {
            const double *row = buf + iz[c2] + iy[c1];
            for (int c0 = 0; c0 < 2 * RADX_RS_WS_RADIUS; c0++) {
                double xv = row[ix[c0]];
                xv *= w[0][c0];
                xv *= w[1][c1];
                xv *= w[2][c2];
                v += xv;
            }
        }
    return v;
}

#endif
