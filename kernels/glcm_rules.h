/* SPDX-License-Identifier: BSD-3-Clause */
/* GLCM per-pair rules shared by the CPU (host/glcm.c) and CUDA paths; PyRadiomics 3.0.1 semantics
 * (cmatrices.c calculate_glcm, glcm.py _calculateMatrix).
 *
 * Volumes are the ROI bounding box in numpy order (nz, ny, nx), flat index x + nx*(y + ny*z).
 * Angles are (dz, dy, dx) offsets from kernels/angles.h (mono-directional, the `distances` setting).
 * A pair is (centre voxel c, neighbour c + angle), both inside the box and the ROI; it adds one count
 * to P(gl[c], gl[c + angle]) of that angle.  The symmetrical GLCM then adds the transpose. */
#ifndef RADX_GLCM_RULES_H
#define RADX_GLCM_RULES_H

#include <math.h>
#include "radx_hd.h"

/* Weighting norms; numeric values equal radx_wnorm in host/radx_internal.h. */
#define RADX_GLCM_WN_NONE 0
#define RADX_GLCM_WN_MANHATTAN 1
#define RADX_GLCM_WN_EUCLIDEAN 2
#define RADX_GLCM_WN_INFINITY 3
#define RADX_GLCM_WN_NO_WEIGHTING 4

/* Range [*lo, *hi) of a coordinate along one axis of size n for which both c and c + off lie in
 * [0, n). Empty (lo >= hi) when |off| >= n. */
RADX_HD void radx_glcm_axis_range(long long n, int off, long long *lo, long long *hi)
{
    *lo = off < 0 ? -(long long)off : 0;
    *hi = off > 0 ? n - off : n;
}

/* Flat index of the neighbour of (z, y, x) along angle a[3] = (dz, dy, dx), or -1 when it is
 * outside the box (PyRadiomics' out-of-range test on the bounding box). */
RADX_HD long long radx_glcm_neighbor(const long long dims[3], long long z, long long y, long long x,
                                     const int *a)
{
    long long nz = z + a[0], ny = y + a[1], nx = x + a[2];
    if (nz < 0 || nz >= dims[0] || ny < 0 || ny >= dims[1] || nx < 0 || nx >= dims[2]) return -1;
    return nx + dims[2] * (ny + dims[1] * nz);
}

/* Distance weight of one angle (glcm.py): W = exp(-||a * spacing||^2) with the norm of the
 * setting (spacing in numpy order).  no_weighting (and unknown norms) give 1. */
RADX_HD double radx_glcm_weight(const int *a, const double spacing_zyx[3], int norm)
{
    double d0 = fabs((double)a[0]) * spacing_zyx[0];
    double d1 = fabs((double)a[1]) * spacing_zyx[1];
    double d2 = fabs((double)a[2]) * spacing_zyx[2];
    double m, s;
    switch (norm) {
    case RADX_GLCM_WN_INFINITY:
        m = d0 > d1 ? d0 : d1;
        m = m > d2 ? m : d2;
        return exp(-(m * m));
    case RADX_GLCM_WN_EUCLIDEAN:
        return exp(-(d0 * d0 + d1 * d1 + d2 * d2));
    case RADX_GLCM_WN_MANHATTAN:
        s = d0 + d1 + d2;
        return exp(-(s * s));
    default:
        return 1.0;
    }
}

#endif
