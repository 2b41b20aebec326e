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
#include "rules/host_device.h"
#include "rules/texture_rules.h" /* radx_tex_neighbor, radx_tex_nbhd */

/* 1 when the neighbour (in_roi_nb, gl_nb) belongs to the zone of a voxel with gray level gl:
 * it is inside the ROI and has exactly the same discretised gray level. */
RADX_HD int radx_glszm_joins(int32_t gl, int in_roi_nb, int32_t gl_nb) { return in_roi_nb && gl_nb == gl; }

/* Label of a voxel in the "open" array of a flood fill: its gray level (>= 1) while it is in the
 * ROI and not yet assigned to a zone, 0 otherwise.  radx_glszm_joins_open(gl, open[nb]) is then
 * radx_glszm_joins for an unassigned neighbour, with a single load. */
RADX_HD int32_t radx_glszm_open_label(int in_roi, int32_t gl) { return in_roi ? gl : 0; }
RADX_HD int radx_glszm_joins_open(int32_t gl, int32_t open_nb) { return open_nb == gl; }

/* 1 for the offset (dz, dy, dx) of each mirrored pair (a, -a) of the GLSZM angles that a
 * union-find pass visits: the one whose first non-zero component is negative, so the neighbour
 * precedes the voxel in C order.  The angle set holds both members of every pair
 * (bidirectional), so these offsets visit every connected pair of voxels exactly once. */
RADX_HD int radx_glszm_backward(const int *off)
{
    return off[0] < 0 || (off[0] == 0 && (off[1] < 0 || (off[1] == 0 && off[2] < 0)));
}

/* The zone of a voxel is identified by its first voxel in C order (its smallest flat index):
 * the seed of the CPU flood fill, and the root of the GPU union-find, which always hooks the
 * larger root under the smaller.  Zones listed in the order of that voxel give both paths the
 * same items in the same order. */

#endif
