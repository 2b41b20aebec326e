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
#include "rules/host_device.h"
#include "rules/texture_rules.h" /* radx_tex_nbhd */

/* 1 when a neighbour with gray level gl_nb is dependent on a center with gray level gl. */
RADX_HD int radx_gldm_dependent(int32_t gl, int32_t gl_nb, int alpha)
{
    const int32_t d = gl > gl_nb ? gl - gl_nb : gl_nb - gl;
    return d <= alpha;
}

/* Dependent neighbours of the ROI voxel c = (z, y, x) of the box (gl, roi) over the neighbourhood
 * nh: the count dep of the voxel.  inner: radx_tex_inner(nh, z, y, x). */
RADX_HD int radx_gldm_voxel_dependence(const radx_tex_nbhd *nh, const int32_t *gl, const uint8_t *roi, int64_t c,
                                       int64_t z, int64_t y, int64_t x, int inner, int alpha)
{
    const int32_t g = gl[c];
    int a, d = 0;
    if (inner) {
        for (a = 0; a < nh->na; a++) {
            const int64_t nb = c + nh->flat[a];
            d += roi[nb] && radx_gldm_dependent(g, gl[nb], alpha);
        }
    } else {
        for (a = 0; a < nh->na; a++) {
            const int64_t nb = radx_tex_neighbor(z, y, x, nh->off + 3 * a, nh->dims);
            if (nb >= 0 && roi[nb] && radx_gldm_dependent(g, gl[nb], alpha)) d++;
        }
    }
    return d;
}

/* Column (PyRadiomics' dependence size, jvector) of a voxel with `dep` dependent neighbours in
 * the sparse matrix: dep + 1, in 1..Na + 1. */
RADX_HD int64_t radx_gldm_size_of(int dep) { return (int64_t)dep + 1; }

/* Dependence size (PyRadiomics' jvector value) of a voxel with `dep` dependent neighbours. */
RADX_HD double radx_gldm_dependence_size(int dep) { return (double)dep + 1.0; }

#endif
