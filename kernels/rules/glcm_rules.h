/* SPDX-License-Identifier: BSD-3-Clause */
/* GLCM per-pair rules shared by the CPU (host/features/glcm.c) and CUDA paths; PyRadiomics 3.0.1 semantics
 * (cmatrices.c calculate_glcm, glcm.py _calculateMatrix).
 *
 * Volumes are the ROI bounding box in numpy order (nz, ny, nx), flat index x + nx*(y + ny*z).
 * Angles are (dz, dy, dx) offsets from kernels/rules/angles.h (mono-directional, the `distances` setting).
 * A pair is (centre voxel c, neighbour c + angle), both inside the box and the ROI; it adds one count
 * to P(gl[c], gl[c + angle]) of that angle.  The symmetrical GLCM then adds the transpose.
 * The CPU (host/features/glcm.c) walks each angle's valid range row by row (radx_glcm_axis_range); the GPU
 * (kernels/cuda/glcm.cu) gives each voxel a thread and finds its neighbour with radx_glcm_neighbor; both
 * count radx_glcm_cell. */
#ifndef RADX_GLCM_RULES_H
#define RADX_GLCM_RULES_H

#include <math.h>
#include <stdint.h>
#include "rules/host_device.h"
#include "rules/texture_rules.h" /* weightingNorm codes, radx_tex_angle_length */

/* Range [*lo, *hi) of a coordinate along one axis of size n for which both c and c + off lie in
 * [0, n). Empty (lo >= hi) when |off| >= n. */
RADX_HD void radx_glcm_axis_range(long long n, int off, long long *lo, long long *hi)
{
    *lo = off < 0 ? -(long long)off : 0;
    *hi = off > 0 ? n - off : n;
}

/* Flat index of the neighbour of (z, y, x) along angle a[3] = (dz, dy, dx), or -1 when it is
 * outside the box (PyRadiomics' out-of-range test on the bounding box). */
RADX_HD long long radx_glcm_neighbor(const long long dims[3], long long z, long long y, long long x, const int *a)
{
    long long nz = z + a[0], ny = y + a[1], nx = x + a[2];
    if (nz < 0 || nz >= dims[0] || ny < 0 || ny >= dims[1] || nx < 0 || nx >= dims[2]) return -1;
    return nx + dims[2] * (ny + dims[1] * nz);
}

/* Matrix cell (row-major n x n) of the pair (centre c, neighbour c + angle) from their level
 * indices (0..n-1 inside the ROI, -1 outside): i * n + j, or -1 when either voxel is outside the
 * ROI and the pair does not count. */
RADX_HD long long radx_glcm_cell(int i, int j, int n)
{
    return (i >= 0 && j >= 0) ? (long long)i * (long long)n + (long long)j : -1;
}

/* The cell one centre voxel (z, y, x) of level index `level` (>= 0) adds to angle a's matrix:
 * radx_glcm_cell of its level and its neighbour's, or -1 (no count).  The GPU's per-voxel
 * operation (kernels/cuda/glcm.cu); li and dims may be a whole box or a z-slab of it holding the
 * centre's neighbours (kernels/rules/tile_rules.h). */
RADX_HD long long radx_glcm_pair(const int32_t *li, const long long dims[3], long long z, long long y, long long x,
                                 int level, const int *a, int n)
{
    const long long nb = radx_glcm_neighbor(dims, z, y, x, a);
    return nb < 0 ? -1 : radx_glcm_cell(level, li[nb], n);
}

/* Distance weight of one angle (glcm.py): W = exp(-||a * spacing||^2) with the norm of the
 * setting (spacing in numpy order; kernels/rules/texture_rules.h).  no_weighting (and unknown norms)
 * give 1. */
RADX_HD double radx_glcm_weight(const int *a, const double spacing_zyx[3], int norm)
{
    return radx_tex_is_distance_norm(norm) ? exp(-radx_tex_angle_length(a, spacing_zyx, norm, 1)) : 1.0;
}

#endif
