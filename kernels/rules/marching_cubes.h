/* SPDX-License-Identifier: BSD-3-Clause */
/* Marching cubes / marching squares over a binary mask, exactly as PyRadiomics 3.0.1 (cshape.c)
 * builds its shape mesh: vertices at edge midpoints, 128-entry triangle table used with the
 * "complement if corner 7 is set" rule (and a volume sign flip), per-triangle signed
 * tetrahedron volume and area, per-square signed triangle area and segment length, and the
 * rule that stores each crossing edge once for the diameter search.
 *
 * Everything here is per cube / per square; loops and sums live in host/features/shape.c and
 * host/features/shape2d.c.  Functions are RADX_HD (static inline in C, __host__ __device__ under nvcc);
 * tables are function-local constants so that the same code compiles as C11 and as CUDA C++.
 *
 * Coordinates.  A cube (iz, iy, ix) of the padded mask has corners (iz+dz, iy+dy, ix+dx),
 * dz,dy,dx in {0,1}.  Edge-midpoint vertices are kept as "doubled" integer coordinates
 * (2*iz + {0,1,2}, ...) so that they are exact; the physical coordinate PyRadiomics uses is
 * ((double)i + {0, 0.5, 1}) * spacing, which equals (0.5 * doubled) * spacing bit for bit.
 *
 * Floating point.  The arithmetic below mirrors cshape.c operation by operation (same operand
 * order, no fused multiply-add) so that per-triangle terms are bit-identical to PyRadiomics'
 * on an IEEE-754 double machine.  Under nvcc the device pass uses the _rn intrinsics, which
 * are never contracted into FMAs; host builds should not enable FP contraction
 * (-ffp-contract=off; it is the default for GCC in ISO C mode).
 */
#ifndef RADX_MARCHING_CUBES_H
#define RADX_MARCHING_CUBES_H

#include <stdint.h>
#include <math.h>
#include "rules/host_device.h"

#if defined(__CUDA_ARCH__)
#define RADX_MC_ADD(a, b) __dadd_rn((a), (b))
#define RADX_MC_SUB(a, b) __dsub_rn((a), (b))
#define RADX_MC_MUL(a, b) __dmul_rn((a), (b))
#else
#define RADX_MC_ADD(a, b) ((a) + (b))
#define RADX_MC_SUB(a, b) ((a) - (b))
#define RADX_MC_MUL(a, b) ((a) * (b))
#endif

/* ------------------------------------------------------------------------------------------
 * 3-D: marching cubes
 *
 * Corner k of the cube sets bit k of the cube index.  Corner offsets (dz, dy, dx):
 *   0 (0,0,0)  1 (0,0,1)  2 (0,1,1)  3 (0,1,0)  4 (1,0,0)  5 (1,0,1)  6 (1,1,1)  7 (1,1,0)
 * Edge e joins two corners; its midpoint in doubled coordinates relative to 2*(iz,iy,ix):
 *   0 (0,0,1) 1 (0,1,2) 2 (0,2,1) 3 (0,1,0)  4 (2,0,1) 5 (2,1,2) 6 (2,2,1) 7 (2,1,0)
 *   8 (1,0,0) 9 (1,0,2) 10 (1,2,2) 11 (1,2,0)
 * ---------------------------------------------------------------------------------------- */

/* Cube index (0..255) of the cube whose corner 0 is at m; sz, sy: plane and row strides of the
 * padded uint8 mask (x stride 1).  Non-zero bytes are inside. */
RADX_HD int radx_mc_cube_index(const uint8_t *m, int64_t sz, int64_t sy)
{
    int idx = 0;
    if (m[0]) idx |= 1;
    if (m[1]) idx |= 2;
    if (m[sy + 1]) idx |= 4;
    if (m[sy]) idx |= 8;
    if (m[sz]) idx |= 16;
    if (m[sz + 1]) idx |= 32;
    if (m[sz + sy + 1]) idx |= 64;
    if (m[sz + sy]) idx |= 128;
    return idx;
}

/* Tiles (the CUDA shape in z-slabs): the padded mask is P0 = d0 + 2 slices (zeros around the ROI
 * box of d0 slices); the cube layers [c0, c1) read its slices [c0, c1], which hold the ROI slices
 * [c0 - 1, c1 - 1] clipped to [0, d0): roi holds the ROI slices [r0, r1) (d1 x d2 each) that the
 * slab needs.  Slice s of the slab's sub-mask, which starts at padded slice c0, is 1 at (y, x)
 * of the padded slice (P1 x P2) when the ROI voxel (c0 + s - 1, y - 1, x - 1) is set.  Its cubes
 * are numbered from cube layer 0; cube layer l of the slab is cube layer c0 + l of the whole
 * mesh (its triangles and vertices take that z).  Slab after slab, the triangles and vertices
 * come in the whole mesh's order (cube z, y, x). */
RADX_HD uint8_t radx_mc_slab_mask(const uint8_t *roi, int64_t r0, int64_t r1, int64_t d1, int64_t d2, int64_t c0,
                                  int64_t s, int64_t y, int64_t x)
{
    const int64_t z = c0 + s - 1;
    if (z < r0 || z >= r1 || y < 1 || y > d1 || x < 1 || x > d2) return 0;
    return roi[((z - r0) * d1 + (y - 1)) * d2 + (x - 1)] != 0;
}

/* PyRadiomics' half-size table rule: an index with corner 7 set is replaced by its complement
 * (same surface, opposite orientation) and the tetrahedron volumes of its triangles change
 * sign.  Returns the table index (0..127); *sign gets +1 or -1. */
RADX_HD int radx_mc_fold(int idx, int *sign)
{
    if (idx & 0x80) {
        *sign = -1;
        return idx ^ 0xff;
    }
    *sign = 1;
    return idx;
}

/* Edge of corner k of triangle t (k = 0..2) for folded index idx (0..127), or -1 past the
 * last triangle.
 *
 * The table is PyRadiomics 3.0.1's triTable (radiomics/src/cshape.c), which is the first half
 * of the classic marching-cubes triangle table (Lorensen & Cline 1987; the public-domain
 * table popularised by Paul Bourke, "Polygonising a scalar field", with its corner and edge
 * numbering), but with PyRadiomics' own triangle order and vertex rotation in most entries
 * and a different split of the surface into triangles in 15 of the 128 configurations.  The
 * split changes the area of non-planar faces and the vertex order changes rounding, so
 * reproducing PyRadiomics' numbers needs exactly this data, reproduced here under
 * PyRadiomics' licence:
 *   Copyright 2017 Harvard Medical School.  BSD-3-Clause: redistribution and use in source
 *   and binary forms, with or without modification, are permitted provided that the
 *   conditions of that licence are met (retain this notice and disclaimer; see
 *   https://github.com/AIM-Harvard/pyradiomics/blob/master/LICENSE.txt).  THIS SOFTWARE IS
 *   PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND ANY EXPRESS OR IMPLIED
 *   WARRANTIES ARE DISCLAIMED.
 */
RADX_HD int radx_mc_tri_edge(int idx, int t, int k)
{
    /* clang-format off */
    static const int8_t tri[128][16] = {
    {-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1}, /*   0 */
    { 0,  8,  3, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1}, /*   1 */
    { 1,  9,  0, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1}, /*   2 */
    { 1,  8,  3,  1,  9,  8, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1}, /*   3 */
    { 1,  2, 10, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1}, /*   4 */
    { 0,  8,  3,  1,  2, 10, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1}, /*   5 */
    { 9,  2, 10,  0,  2,  9, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1}, /*   6 */
    { 2,  8,  3,  2, 10,  8, 10,  9,  8, -1, -1, -1, -1, -1, -1, -1}, /*   7 */
    {11,  2,  3, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1}, /*   8 */
    {11,  2,  0,  0,  8, 11, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1}, /*   9 */
    { 1,  9,  0, 11,  2,  3, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1}, /*  10 */
    {11,  2,  1,  1,  9, 11,  9,  8, 11, -1, -1, -1, -1, -1, -1, -1}, /*  11 */
    { 3, 10,  1, 11, 10,  3, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1}, /*  12 */
    {10,  1,  0,  0,  8, 10,  8, 11, 10, -1, -1, -1, -1, -1, -1, -1}, /*  13 */
    { 9,  0,  3,  3, 11,  9, 11, 10,  9, -1, -1, -1, -1, -1, -1, -1}, /*  14 */
    { 9,  8, 10, 11, 10,  8, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1}, /*  15 */
    { 4,  7,  8, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1}, /*  16 */
    { 0,  4,  3,  4,  7,  3, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1}, /*  17 */
    { 1,  9,  0,  4,  7,  8, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1}, /*  18 */
    { 1,  9,  4,  1,  4,  7,  1,  7,  3, -1, -1, -1, -1, -1, -1, -1}, /*  19 */
    { 1,  2, 10,  4,  7,  8, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1}, /*  20 */
    { 3,  4,  7,  3,  0,  4,  1,  2, 10, -1, -1, -1, -1, -1, -1, -1}, /*  21 */
    { 9,  2, 10,  9,  0,  2,  4,  7,  8, -1, -1, -1, -1, -1, -1, -1}, /*  22 */
    { 2, 10,  9,  2,  9,  7,  2,  7,  3,  4,  7,  9, -1, -1, -1, -1}, /*  23 */
    { 4,  7,  8, 11,  2,  3, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1}, /*  24 */
    {11,  4,  7, 11,  2,  4,  2,  0,  4, -1, -1, -1, -1, -1, -1, -1}, /*  25 */
    { 1,  9,  0,  4,  7,  8, 11,  2,  3, -1, -1, -1, -1, -1, -1, -1}, /*  26 */
    { 4,  7, 11,  9,  4, 11, 11,  2,  9,  1,  9,  2, -1, -1, -1, -1}, /*  27 */
    { 3, 10,  1, 11, 10,  3,  4,  7,  8, -1, -1, -1, -1, -1, -1, -1}, /*  28 */
    {11, 10,  1,  1,  4, 11,  1,  0,  4,  4,  7, 11, -1, -1, -1, -1}, /*  29 */
    { 4,  7,  8,  9,  0,  3,  3, 11,  9, 11, 10,  9, -1, -1, -1, -1}, /*  30 */
    { 4,  7, 11,  4, 11,  9,  9, 11, 10, -1, -1, -1, -1, -1, -1, -1}, /*  31 */
    { 9,  5,  4, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1}, /*  32 */
    { 9,  5,  4,  0,  8,  3, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1}, /*  33 */
    { 0,  5,  4,  0,  1,  5, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1}, /*  34 */
    { 8,  5,  4,  8,  3,  5,  3,  1,  5, -1, -1, -1, -1, -1, -1, -1}, /*  35 */
    { 1,  2, 10,  9,  5,  4, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1}, /*  36 */
    { 0,  8,  3,  1,  2, 10,  9,  5,  4, -1, -1, -1, -1, -1, -1, -1}, /*  37 */
    { 2, 10,  5,  5,  4,  2,  2,  4,  0, -1, -1, -1, -1, -1, -1, -1}, /*  38 */
    { 2, 10,  5,  3,  2,  5,  3,  5,  4,  8,  3,  4, -1, -1, -1, -1}, /*  39 */
    { 9,  5,  4, 11,  2,  3, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1}, /*  40 */
    {11,  2,  0,  0,  8, 11,  9,  5,  4, -1, -1, -1, -1, -1, -1, -1}, /*  41 */
    { 0,  5,  4,  0,  1,  5, 11,  2,  3, -1, -1, -1, -1, -1, -1, -1}, /*  42 */
    { 2,  1,  5,  2,  5,  8, 11,  2,  8,  5,  4,  8, -1, -1, -1, -1}, /*  43 */
    { 3, 10,  1, 11, 10,  3,  9,  5,  4, -1, -1, -1, -1, -1, -1, -1}, /*  44 */
    { 5,  4,  9, 10,  1,  0,  0,  8, 10,  8, 11, 10, -1, -1, -1, -1}, /*  45 */
    { 5,  4,  0,  5,  0, 11, 10,  5, 11, 11,  0,  3, -1, -1, -1, -1}, /*  46 */
    { 5,  4,  8, 10,  5,  8, 11, 10,  8, -1, -1, -1, -1, -1, -1, -1}, /*  47 */
    { 7,  8,  9,  5,  7,  9, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1}, /*  48 */
    { 3,  0,  9,  5,  3,  9,  3,  5,  7, -1, -1, -1, -1, -1, -1, -1}, /*  49 */
    { 7,  8,  0,  0,  1,  7,  7,  1,  5, -1, -1, -1, -1, -1, -1, -1}, /*  50 */
    { 1,  5,  7,  1,  7,  3, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1}, /*  51 */
    { 7,  8,  9,  5,  7,  9,  1,  2, 10, -1, -1, -1, -1, -1, -1, -1}, /*  52 */
    { 1,  2, 10,  3,  0,  9,  3,  9,  5,  3,  5,  7, -1, -1, -1, -1}, /*  53 */
    { 0,  2,  8,  8,  2,  5,  8,  5,  7,  2, 10,  5, -1, -1, -1, -1}, /*  54 */
    { 2, 10,  5,  2,  5,  3,  3,  5,  7, -1, -1, -1, -1, -1, -1, -1}, /*  55 */
    { 5,  7,  9,  7,  8,  9, 11,  2,  3, -1, -1, -1, -1, -1, -1, -1}, /*  56 */
    { 5,  7,  9,  9,  7,  2,  2,  0,  9, 11,  2,  7, -1, -1, -1, -1}, /*  57 */
    {11,  2,  3,  0,  1,  8,  1,  7,  8,  1,  5,  7, -1, -1, -1, -1}, /*  58 */
    { 2,  1, 11,  1,  7, 11,  1,  5,  7, -1, -1, -1, -1, -1, -1, -1}, /*  59 */
    { 7,  8,  9,  5,  7,  9,  3, 10,  1, 11, 10,  3, -1, -1, -1, -1}, /*  60 */
    { 5,  7,  0,  5,  0,  9,  7, 11,  0, 10,  1,  0, 11, 10,  0, -1}, /*  61 */
    {11, 10,  0,  0,  3, 11, 10,  5,  0,  0,  7,  8,  5,  7,  0, -1}, /*  62 */
    {11, 10,  5,  5,  7, 11, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1}, /*  63 */
    { 6,  5, 10, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1}, /*  64 */
    { 0,  8,  3,  6,  5, 10, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1}, /*  65 */
    { 1,  9,  0,  6,  5, 10, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1}, /*  66 */
    { 1,  8,  3,  1,  9,  8,  6,  5, 10, -1, -1, -1, -1, -1, -1, -1}, /*  67 */
    { 1,  6,  5,  1,  2,  6, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1}, /*  68 */
    { 1,  6,  5,  1,  2,  6,  0,  8,  3, -1, -1, -1, -1, -1, -1, -1}, /*  69 */
    { 9,  6,  5,  9,  0,  6,  0,  2,  6, -1, -1, -1, -1, -1, -1, -1}, /*  70 */
    { 5,  9,  8,  5,  8,  2,  5,  2,  6,  8,  3,  2, -1, -1, -1, -1}, /*  71 */
    {11,  2,  3,  6,  5, 10, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1}, /*  72 */
    {11,  2,  0,  0,  8, 11,  6,  5, 10, -1, -1, -1, -1, -1, -1, -1}, /*  73 */
    { 1,  9,  0, 11,  2,  3,  6,  5, 10, -1, -1, -1, -1, -1, -1, -1}, /*  74 */
    {11,  2,  1,  1,  9, 11,  9,  8, 11,  6,  5, 10, -1, -1, -1, -1}, /*  75 */
    { 6,  3, 11,  6,  5,  3,  5,  1,  3, -1, -1, -1, -1, -1, -1, -1}, /*  76 */
    { 0,  8, 11,  0, 11,  5,  0,  5,  1,  5, 11,  6, -1, -1, -1, -1}, /*  77 */
    { 6,  3, 11,  0,  3,  6,  0,  6,  5,  0,  5,  9, -1, -1, -1, -1}, /*  78 */
    { 6,  5,  9,  6,  9, 11, 11,  9,  8, -1, -1, -1, -1, -1, -1, -1}, /*  79 */
    { 4,  7,  8,  6,  5, 10, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1}, /*  80 */
    { 0,  4,  3,  4,  7,  3,  6,  5, 10, -1, -1, -1, -1, -1, -1, -1}, /*  81 */
    { 1,  9,  0,  4,  7,  8,  6,  5, 10, -1, -1, -1, -1, -1, -1, -1}, /*  82 */
    { 1,  9,  4,  1,  4,  7,  1,  7,  3,  6,  5, 10, -1, -1, -1, -1}, /*  83 */
    { 4,  7,  8,  1,  6,  5,  1,  2,  6, -1, -1, -1, -1, -1, -1, -1}, /*  84 */
    { 0,  4,  3,  4,  7,  3,  1,  6,  5,  1,  2,  6, -1, -1, -1, -1}, /*  85 */
    { 4,  7,  8,  9,  6,  5,  9,  0,  6,  0,  2,  6, -1, -1, -1, -1}, /*  86 */
    { 7,  3,  9,  4,  7,  9,  3,  2,  9,  5,  9,  6,  2,  6,  9, -1}, /*  87 */
    {11,  2,  3,  4,  7,  8,  6,  5, 10, -1, -1, -1, -1, -1, -1, -1}, /*  88 */
    {11,  4,  7, 11,  2,  4,  2,  0,  4,  6,  5, 10, -1, -1, -1, -1}, /*  89 */
    { 1,  9,  0, 11,  2,  3,  4,  7,  8,  6,  5, 10, -1, -1, -1, -1}, /*  90 */
    { 4,  7, 11,  9,  4, 11, 11,  2,  9,  1,  9,  2,  6,  5, 10, -1}, /*  91 */
    { 4,  7,  8,  6,  3, 11,  6,  5,  3,  5,  1,  3, -1, -1, -1, -1}, /*  92 */
    { 5,  1, 11,  5, 11,  6,  1,  0, 11,  4,  7, 11,  0,  4, 11, -1}, /*  93 */
    { 4,  7,  8,  6,  3, 11,  0,  3,  6,  0,  6,  5,  0,  5,  9, -1}, /*  94 */
    { 6,  5,  9,  6,  9, 11,  4,  7,  9,  7, 11,  9, -1, -1, -1, -1}, /*  95 */
    {10,  4,  9,  6,  4, 10, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1}, /*  96 */
    {10,  4,  9,  6,  4, 10,  0,  8,  3, -1, -1, -1, -1, -1, -1, -1}, /*  97 */
    { 0,  1, 10, 10,  6,  0,  6,  4,  0, -1, -1, -1, -1, -1, -1, -1}, /*  98 */
    { 1,  8,  3,  1,  6,  8,  8,  6,  4,  6,  1, 10, -1, -1, -1, -1}, /*  99 */
    { 1,  4,  9,  1,  2,  4,  2,  6,  4, -1, -1, -1, -1, -1, -1, -1}, /* 100 */
    { 1,  4,  9,  1,  2,  4,  2,  6,  4,  0,  8,  3, -1, -1, -1, -1}, /* 101 */
    { 0,  2,  4,  4,  2,  6, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1}, /* 102 */
    { 8,  3,  2,  8,  2,  4,  4,  2,  6, -1, -1, -1, -1, -1, -1, -1}, /* 103 */
    {11,  2,  3, 10,  4,  9,  6,  4, 10, -1, -1, -1, -1, -1, -1, -1}, /* 104 */
    {11,  2,  0,  0,  8, 11, 10,  4,  9,  6,  4, 10, -1, -1, -1, -1}, /* 105 */
    {11,  2,  3,  0,  1, 10, 10,  6,  0,  6,  4,  0, -1, -1, -1, -1}, /* 106 */
    { 6,  4,  1,  6,  1, 10,  1,  4,  8, 11,  2,  1,  1,  8, 11, -1}, /* 107 */
    { 9,  6,  4,  3,  6,  9,  1,  3,  9, 11,  6,  3, -1, -1, -1, -1}, /* 108 */
    { 1,  8, 11,  0,  8,  1, 11,  6,  1,  1,  4,  9,  6,  4,  1, -1}, /* 109 */
    { 6,  3, 11,  0,  3,  6,  6,  4,  0, -1, -1, -1, -1, -1, -1, -1}, /* 110 */
    { 8,  6,  4,  6,  8, 11, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1}, /* 111 */
    { 6,  7, 10,  7,  8, 10,  8,  9, 10, -1, -1, -1, -1, -1, -1, -1}, /* 112 */
    { 6,  7, 10,  0, 10,  7,  0,  9, 10,  0,  7,  3, -1, -1, -1, -1}, /* 113 */
    { 6,  7, 10,  1, 10,  7,  1,  7,  8,  0,  1,  8, -1, -1, -1, -1}, /* 114 */
    { 6,  7, 10,  1, 10,  7,  1,  7,  3, -1, -1, -1, -1, -1, -1, -1}, /* 115 */
    { 1,  2,  6,  1,  6,  8,  1,  8,  9,  6,  7,  8, -1, -1, -1, -1}, /* 116 */
    { 2,  6,  9,  1,  2,  9,  6,  7,  9,  3,  0,  9,  7,  3,  9, -1}, /* 117 */
    { 0,  7,  8,  7,  0,  6,  6,  0,  2, -1, -1, -1, -1, -1, -1, -1}, /* 118 */
    { 2,  7,  3,  2,  6,  7, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1}, /* 119 */
    {11,  2,  3,  6,  7, 10,  7,  8, 10,  8,  9, 10, -1, -1, -1, -1}, /* 120 */
    { 2,  0,  7, 11,  2,  7,  0,  9,  7,  6,  7, 10,  9, 10,  7, -1}, /* 121 */
    { 6,  7, 10,  1, 10,  7,  1,  7,  8,  0,  1,  8, 11,  2,  3, -1}, /* 122 */
    {11,  2,  1,  1,  7, 11, 10,  6,  1,  1,  6,  7, -1, -1, -1, -1}, /* 123 */
    { 8,  9,  6,  6,  7,  8,  1,  6,  9, 11,  6,  3,  1,  3,  6, -1}, /* 124 */
    { 0,  9,  1,  6,  7, 11, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1}, /* 125 */
    { 0,  7,  8,  7,  0,  6,  0,  3, 11, 11,  6,  0, -1, -1, -1, -1}, /* 126 */
    { 6,  7, 11, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1}, /* 127 */
    };
    /* clang-format on */
    return tri[idx][3 * t + k];
}

/* Number of triangles of folded index idx (0..5). */
RADX_HD int radx_mc_ntri(int idx)
{
    int t = 0;
    while (t < 5 && radx_mc_tri_edge(idx, t, 0) >= 0) t++;
    return t;
}

/* Doubled offset of the midpoint of edge e along axis ax (0 z, 1 y, 2 x): 0, 1 or 2. */
RADX_HD int radx_mc_edge_off2(int e, int ax)
{
    static const int8_t off[12][3] = {{0, 0, 1}, {0, 1, 2}, {0, 2, 1}, {0, 1, 0}, {2, 0, 1}, {2, 1, 2},
                                      {2, 2, 1}, {2, 1, 0}, {1, 0, 0}, {1, 0, 2}, {1, 2, 2}, {1, 2, 0}};
    return off[e][ax];
}

/* Physical coordinates of the midpoint of edge e of cube (iz, iy, ix), computed as cshape.c
 * does: ((double)i + v) * spacing, spacing in numpy order (z, y, x). */
RADX_HD void radx_mc_edge_point(int64_t iz, int64_t iy, int64_t ix, int e, const double sp[3], double p[3])
{
    p[0] = RADX_MC_MUL(RADX_MC_ADD((double)iz, 0.5 * radx_mc_edge_off2(e, 0)), sp[0]);
    p[1] = RADX_MC_MUL(RADX_MC_ADD((double)iy, 0.5 * radx_mc_edge_off2(e, 1)), sp[1]);
    p[2] = RADX_MC_MUL(RADX_MC_ADD((double)ix, 0.5 * radx_mc_edge_off2(e, 2)), sp[2]);
}

/* Triangle t of folded index idx in cube (iz, iy, ix):
 *   *vol6 = sign * (a x b) . c   (six times the signed volume of the tetrahedron origin-a-b-c),
 *   *area = |(a - c) x (b - c)| / 2,
 * with the exact operation order of cshape.c.  MeshVolume = (sum of vol6 in raster order) / 6,
 * SurfaceArea = sum of area in raster order. */
RADX_HD void radx_mc_triangle(int64_t iz, int64_t iy, int64_t ix, int idx, int t, int sign, const double sp[3],
                              double *vol6, double *area)
{
    double a[3], b[3], c[3], x0, x1, x2, s;
    int d;
    radx_mc_edge_point(iz, iy, ix, radx_mc_tri_edge(idx, t, 0), sp, a);
    radx_mc_edge_point(iz, iy, ix, radx_mc_tri_edge(idx, t, 1), sp, b);
    radx_mc_edge_point(iz, iy, ix, radx_mc_tri_edge(idx, t, 2), sp, c);
    x0 = RADX_MC_SUB(RADX_MC_MUL(a[1], b[2]), RADX_MC_MUL(b[1], a[2]));
    x1 = RADX_MC_SUB(RADX_MC_MUL(a[2], b[0]), RADX_MC_MUL(b[2], a[0]));
    x2 = RADX_MC_SUB(RADX_MC_MUL(a[0], b[1]), RADX_MC_MUL(b[0], a[1]));
    s = RADX_MC_ADD(RADX_MC_ADD(RADX_MC_MUL(x0, c[0]), RADX_MC_MUL(x1, c[1])), RADX_MC_MUL(x2, c[2]));
    *vol6 = sign < 0 ? -s : s;
    for (d = 0; d < 3; d++) {
        a[d] = RADX_MC_SUB(a[d], c[d]);
        b[d] = RADX_MC_SUB(b[d], c[d]);
    }
    x0 = RADX_MC_SUB(RADX_MC_MUL(a[1], b[2]), RADX_MC_MUL(b[1], a[2]));
    x1 = RADX_MC_SUB(RADX_MC_MUL(a[2], b[0]), RADX_MC_MUL(b[2], a[0]));
    x2 = RADX_MC_SUB(RADX_MC_MUL(a[0], b[1]), RADX_MC_MUL(b[0], a[1]));
    s = RADX_MC_ADD(RADX_MC_ADD(RADX_MC_MUL(x0, x0), RADX_MC_MUL(x1, x1)), RADX_MC_MUL(x2, x2));
    *area = RADX_MC_MUL(0.5, sqrt(s));
}

/* Diameter vertices contributed by cube (iz, iy, ix) with folded index idx: the midpoints of
 * edges 6, 7 and 11 (the three edges at corner 7) when they are crossed.  After folding,
 * corner 7 is outside, so an edge at corner 7 is crossed exactly when its other corner (6, 4,
 * 3) is inside.  Every edge of the padded grid that can be crossed is edge 6, 7 or 11 of
 * exactly one cube, so the union over all cubes is each crossed edge once (PyRadiomics'
 * vertex set).  Writes up to 3 doubled-coordinate triples to out (z2, y2, x2) and returns
 * how many. */
RADX_HD int radx_mc_cube_vertices(int idx, int64_t iz, int64_t iy, int64_t ix, int32_t out[9])
{
    int n = 0;
    if (idx & (1 << 6)) { /* edge 6: corners 6-7 */
        out[3 * n] = (int32_t)(2 * iz + 2);
        out[3 * n + 1] = (int32_t)(2 * iy + 2);
        out[3 * n + 2] = (int32_t)(2 * ix + 1);
        n++;
    }
    if (idx & (1 << 4)) { /* edge 7: corners 7-4 */
        out[3 * n] = (int32_t)(2 * iz + 2);
        out[3 * n + 1] = (int32_t)(2 * iy + 1);
        out[3 * n + 2] = (int32_t)(2 * ix);
        n++;
    }
    if (idx & (1 << 3)) { /* edge 11: corners 3-7 */
        out[3 * n] = (int32_t)(2 * iz + 1);
        out[3 * n + 1] = (int32_t)(2 * iy + 2);
        out[3 * n + 2] = (int32_t)(2 * ix);
        n++;
    }
    return n;
}

/* Physical position (numpy order, mm) of vertex i of v (doubled integer coordinates), as
 * cshape.c places it: (0.5 * doubled) * spacing; the halving is exact. */
RADX_HD void radx_mc_vertex_point(const int32_t *v, int64_t i, const double sp[3], double p[3])
{
    p[0] = RADX_MC_MUL(0.5 * (double)v[3 * i], sp[0]);
    p[1] = RADX_MC_MUL(0.5 * (double)v[3 * i + 1], sp[1]);
    p[2] = RADX_MC_MUL(0.5 * (double)v[3 * i + 2], sp[2]);
}

/* Squared distance between two vertices as cshape.c's calculate_meshDiameter computes it:
 * ((a0-b0)^2 + (a1-b1)^2) + (a2-b2)^2, each square rounded.  For vertices in one plane the
 * zero term is exact, so this is also calculate_meshDiameter2D's distance. */
RADX_HD double radx_mc_dist2(const double a[3], const double b[3])
{
    double d0 = RADX_MC_SUB(a[0], b[0]), d1 = RADX_MC_SUB(a[1], b[1]), d2 = RADX_MC_SUB(a[2], b[2]);
    return RADX_MC_ADD(RADX_MC_ADD(RADX_MC_MUL(d0, d0), RADX_MC_MUL(d1, d1)), RADX_MC_MUL(d2, d2));
}

/* ------------------------------------------------------------------------------------------
 * 2-D: marching squares (shape2D)
 *
 * Corner k sets bit k: 0 (0,0)  1 (0,1)  2 (1,1)  3 (1,0)   as (dy, dx).
 * Edge midpoints, doubled (dy, dx): 0 (0,1)  1 (1,2)  2 (2,1)  3 (1,0).
 * ---------------------------------------------------------------------------------------- */

RADX_HD int radx_ms_square_index(const uint8_t *m, int64_t sy)
{
    int idx = 0;
    if (m[0]) idx |= 1;
    if (m[1]) idx |= 2;
    if (m[sy + 1]) idx |= 4;
    if (m[sy]) idx |= 8;
    return idx;
}

/* Edge of end k (0, 1) of segment t of square index idx (0..15), or -1 past the last one.
 * Table and orientation as PyRadiomics 3.0.1's lineTable2D (cshape.c; licence as above): the
 * full 16-entry marching-squares table, segments oriented so that the signed triangle
 * origin-a-b has positive area for the inside; the two saddle configurations (5, 10) are
 * split into two separate corners. */
RADX_HD int radx_ms_line_edge(int idx, int t, int k)
{
    static const int8_t lines[16][4] = {{-1, -1, -1, -1}, {3, 0, -1, -1}, {0, 1, -1, -1}, {3, 1, -1, -1},
                                        {1, 2, -1, -1},   {1, 2, 3, 0},   {0, 2, -1, -1}, {3, 2, -1, -1},
                                        {2, 3, -1, -1},   {2, 0, -1, -1}, {0, 1, 2, 3},   {2, 1, -1, -1},
                                        {1, 3, -1, -1},   {1, 0, -1, -1}, {0, 3, -1, -1}, {-1, -1, -1, -1}};
    return t < 2 ? lines[idx][2 * t + k] : -1;
}

RADX_HD int radx_ms_edge_off2(int e, int ax)
{
    static const int8_t off[4][2] = {{0, 1}, {1, 2}, {2, 1}, {1, 0}};
    return off[e][ax];
}

/* Segment t of square (iy, ix) with index idx (spacing sp in numpy order (y, x)):
 *   *cross = a0*b1 - b0*a1  (twice the signed area of triangle origin-a-b),
 *   *len   = |a - b|,
 * operation by operation as calculate_coefficients2D.  MeshSurface = (sum of cross) / 2,
 * Perimeter = sum of len, both in raster order. */
RADX_HD void radx_ms_segment(int64_t iy, int64_t ix, int idx, int t, const double sp[2], double *cross, double *len)
{
    int ea = radx_ms_line_edge(idx, t, 0), eb = radx_ms_line_edge(idx, t, 1);
    double a0 = RADX_MC_MUL(RADX_MC_ADD((double)iy, 0.5 * radx_ms_edge_off2(ea, 0)), sp[0]);
    double a1 = RADX_MC_MUL(RADX_MC_ADD((double)ix, 0.5 * radx_ms_edge_off2(ea, 1)), sp[1]);
    double b0 = RADX_MC_MUL(RADX_MC_ADD((double)iy, 0.5 * radx_ms_edge_off2(eb, 0)), sp[0]);
    double b1 = RADX_MC_MUL(RADX_MC_ADD((double)ix, 0.5 * radx_ms_edge_off2(eb, 1)), sp[1]);
    double d0, d1;
    *cross = RADX_MC_SUB(RADX_MC_MUL(a0, b1), RADX_MC_MUL(b0, a1));
    d0 = RADX_MC_SUB(a0, b0);
    d1 = RADX_MC_SUB(a1, b1);
    *len = sqrt(RADX_MC_ADD(RADX_MC_MUL(d0, d0), RADX_MC_MUL(d1, d1)));
}

/* Diameter vertices of square (iy, ix): with idx folded (complemented when corner 3 is set),
 * the midpoints of edge 3 (corners 0-3) and edge 2 (corners 3-2) when crossed, i.e. when
 * corner 0, resp. corner 2, is inside.  Each crossed edge of the padded grid is stored once.
 * Writes doubled (y2, x2) pairs; returns the count (0..2).  cshape.c skips squares with
 * index 0 or 15, which have no crossed edges anyway. */
RADX_HD int radx_ms_square_vertices(int idx, int64_t iy, int64_t ix, int32_t out[4])
{
    int n = 0;
    if (idx & 8) idx ^= 0xf;
    if (idx & 1) {
        out[2 * n] = (int32_t)(2 * iy + 1);
        out[2 * n + 1] = (int32_t)(2 * ix);
        n++;
    }
    if (idx & 4) {
        out[2 * n] = (int32_t)(2 * iy + 2);
        out[2 * n + 1] = (int32_t)(2 * ix + 1);
        n++;
    }
    return n;
}

#endif
