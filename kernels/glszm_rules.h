/* SPDX-License-Identifier: BSD-3-Clause */
/* GLSZM per-voxel rules (PyRadiomics 3.0.1 cmatrices.c calculate_glszm), shared by the CPU
 * flood fill and a later GPU connected-components pass.
 *
 * A zone is a maximal set of ROI voxels with the same discretised gray level, connected through
 * the GLSZM angles: every offset of infinity norm 1 (26-connectivity in 3-D, 8 in 2-D; under
 * force2D the offsets along the excluded axis are dropped), built by radx_angles_build with
 * distance 1 and bidirectional = 1.  Connectivity is symmetric, so a union-find pass may visit
 * only one offset of each mirrored pair.
 *
 * Boxes are in numpy order: dims = (nz, ny, nx), flat index = x + nx*(y + ny*z). */
#ifndef RADX_GLSZM_RULES_H
#define RADX_GLSZM_RULES_H

#include <stdint.h>
#include "radx_hd.h"

/* Flat index of the voxel at (z, y, x) + off (off = dz, dy, dx), or -1 when that voxel lies
 * outside the box.  Shared by the GLSZM, GLDM and NGTDM neighbour loops. */
RADX_HD int64_t radx_tex_neighbor(int64_t z, int64_t y, int64_t x, const int *RADX_RESTRICT off,
                                  const int64_t *RADX_RESTRICT dims)
{
    const int64_t nz = z + off[0], ny = y + off[1], nx = x + off[2];
    if (nz < 0 || nz >= dims[0] || ny < 0 || ny >= dims[1] || nx < 0 || nx >= dims[2]) return -1;
    return nx + dims[2] * (ny + dims[1] * nz);
}

/* Flat index displacement of offset off (dz, dy, dx) in a box of dims (nz, ny, nx): for a voxel
 * at least max|off[k]| voxels away from every face, its neighbour is c + radx_tex_flat_offset. */
RADX_HD int64_t radx_tex_flat_offset(const int *RADX_RESTRICT off, const int64_t *RADX_RESTRICT dims)
{
    return (int64_t)off[2] + dims[2] * ((int64_t)off[1] + dims[1] * (int64_t)off[0]);
}

/* 1 when the neighbour (in_roi_nb, gl_nb) belongs to the zone of a voxel with gray level gl:
 * it is inside the ROI and has exactly the same discretised gray level. */
RADX_HD int radx_glszm_joins(int32_t gl, int in_roi_nb, int32_t gl_nb)
{
    return in_roi_nb && gl_nb == gl;
}

/* Label of a voxel in the "open" array of a flood fill: its gray level (>= 1) while it is in the
 * ROI and not yet assigned to a zone, 0 otherwise.  radx_glszm_joins_open(gl, open[nb]) is then
 * radx_glszm_joins for an unassigned neighbour, with a single load. */
RADX_HD int32_t radx_glszm_open_label(int in_roi, int32_t gl) { return in_roi ? gl : 0; }
RADX_HD int radx_glszm_joins_open(int32_t gl, int32_t open_nb) { return open_nb == gl; }

#endif
