/* SPDX-License-Identifier: BSD-3-Clause */
/* Per-voxel rules of IBSI-style image processing (IBSI-1 reference manual, arXiv:1612.07003,
 * "Interpolation" and "Re-segmentation"; used by IBSI-2 phase 2): the interpolation grid with
 * aligned grid centres, the 1-D interpolation weights (nearest, linear, cubic B-spline), the
 * partial-volume rule for interpolated masks, intensity rounding and the re-segmentation range.
 * Used by host/cpu/ibsi_resample.c; RADX_HD functions (C11 and C++), ready for a CUDA kernel.
 *
 * Conventions: positions are continuous voxel indices of the input axis (voxel centres at
 * integers 0 .. n-1).  An output axis of m voxels with grid step g (= new spacing / old spacing,
 * in input voxels) samples input position first + k g, k = 0 .. m-1. */
#ifndef RADX_IBSI_INTERP_H
#define RADX_IBSI_INTERP_H

#include <math.h>
#include <stdint.h>
#include "rules/host_device.h"

/* Cubic B-spline prefilter pole, sqrt(3) - 2. */
#define RADX_IBSI_BSPLINE3_POLE (-0.267949192431122706472553658494127633)

/* Interpolation grid size along one axis: ceil(n spacing_in / spacing_out) (IBSI-1: "rounding the
 * fractional grid size towards infinity").  Products within 1e-6 voxel above an integer (floating
 * noise of spacings read from float headers, e.g. 3.0000001 * 60) round down to it. */
RADX_HD int64_t radx_ibsi_grid_size(int64_t n, double spacing_in, double spacing_out)
{
    const double f = (double)n * spacing_in / spacing_out;
    int64_t m = (int64_t)ceil(f - 1e-6);
    return m < 1 ? 1 : m;
}

/* Input position of output voxel 0 when the centres of the input grid (n voxels) and of the
 * output grid (m voxels, step g input voxels) coincide: 0.5 (n - 1) - 0.5 (m - 1) g. */
RADX_HD double radx_ibsi_grid_first(int64_t n, int64_t m, double g)
{
    return 0.5 * (double)(n - 1) - 0.5 * (double)(m - 1) * g;
}

RADX_HD double radx_ibsi_grid_pos(double first, double g, int64_t k) { return first + (double)k * g; }

/* Index clamped to [0, n-1]: IBSI-1 asks for padding with the nearest boundary intensity. */
RADX_HD int64_t radx_ibsi_clamp(int64_t i, int64_t n) { return i < 0 ? 0 : (i >= n ? n - 1 : i); }

/* Nearest neighbour: the input voxel (clamped) whose centre is nearest to x (ties upwards). */
RADX_HD int64_t radx_ibsi_nearest(double x, int64_t n) { return radx_ibsi_clamp((int64_t)floor(x + 0.5), n); }

/* Linear interpolation at x: value = (1 - w) v[i0] + w v[i1], nearest-value extension. */
RADX_HD void radx_ibsi_linear(double x, int64_t n, int64_t *i0, int64_t *i1, double *w)
{
    const double f = floor(x);
    const int64_t i = (int64_t)f;
    *w = x - f;
    *i0 = radx_ibsi_clamp(i, n);
    *i1 = radx_ibsi_clamp(i + 1, n);
}

/* Cubic B-spline basis weights of the coefficients at floor(x) - 1 .. floor(x) + 2, with
 * t = x - floor(x) in [0, 1).  The weights sum to 1. */
RADX_HD void radx_ibsi_bspline3_weights(double t, double w[4])
{
    const double t2 = t * t, t3 = t2 * t, u = 1.0 - t;
    w[0] = u * u * u / 6.0;
    w[1] = (4.0 - 6.0 * t2 + 3.0 * t3) / 6.0;
    w[2] = (1.0 + 3.0 * t + 3.0 * t2 - 3.0 * t3) / 6.0;
    w[3] = t3 / 6.0;
}

/* Whole-sample mirror of index j into [0, n-1] (d c b | a b c d | c b a), n >= 1: the boundary
 * rule of the B-spline coefficient recursion (scipy.ndimage 'mirror'). */
RADX_HD int64_t radx_ibsi_mirror(int64_t j, int64_t n)
{
    if (n == 1) return 0;
    const int64_t p = 2 * (n - 1);
    int64_t m = j % p;
    if (m < 0) m += p;
    return m >= n ? p - m : m;
}

/* Partial-volume rule for an interpolated mask value v: the voxel is kept when v >= threshold
 * after rounding v to 6 decimals (as MIRP does it; this absorbs 0.4999999... that interpolation
 * produces where the exact value is 0.5, the pitfall IBSI-1 warns about). */
RADX_HD int radx_ibsi_mask_keep(double v, double threshold)
{
    return floor(v * 1e6 + 0.5) >= floor(threshold * 1e6 + 0.5);
}

/* Intensity rounding to the nearest integer, halves to even (numpy.round; CT Hounsfield units
 * after interpolation, IBSI-1 "intensity rounding"). */
RADX_HD double radx_ibsi_round(double v) { return nearbyint(v); }

/* Re-segmentation range [lo, hi], both ends inclusive; a NaN bound is open.  NaN values fail. */
RADX_HD int radx_ibsi_in_range(double v, double lo, double hi)
{
    if (v != v) return 0;
    if (lo == lo && v < lo) return 0;
    if (hi == hi && v > hi) return 0;
    return 1;
}

#endif
