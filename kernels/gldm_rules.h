/* SPDX-License-Identifier: BSD-3-Clause */
/* GLDM per-voxel rules (PyRadiomics 3.0.1 cmatrices.c calculate_gldm), shared by the CPU and
 * GPU paths.
 *
 * For every ROI voxel, each angle (radx_angles_build with the `distances` setting,
 * bidirectional = 1) whose target lies inside the box and inside the ROI is a neighbour; the
 * neighbour is dependent when |gl_center - gl_neighbour| <= alpha (gldm_a, an integer >= 0).
 * The voxel adds one count to P(gl_center, dep), dep = number of dependent neighbours in
 * [0, Na]; PyRadiomics' dependence size (jvector) for column dep is dep + 1. */
#ifndef RADX_GLDM_RULES_H
#define RADX_GLDM_RULES_H

#include <stdint.h>
#include "radx_hd.h"
#include "glszm_rules.h" /* radx_tex_neighbor */

/* 1 when a neighbour with gray level gl_nb is dependent on a center with gray level gl. */
RADX_HD int radx_gldm_dependent(int32_t gl, int32_t gl_nb, int alpha)
{
    const int32_t d = gl > gl_nb ? gl - gl_nb : gl_nb - gl;
    return d <= alpha;
}

/* Dependence size (PyRadiomics' jvector value) of a voxel with `dep` dependent neighbours. */
RADX_HD double radx_gldm_dependence_size(int dep) { return (double)dep + 1.0; }

#endif
