/* SPDX-License-Identifier: BSD-3-Clause */
/* NGTDM per-voxel rules (PyRadiomics 3.0.1 cmatrices.c calculate_ngtdm), shared by the CPU and
 * GPU paths.
 *
 * For every ROI voxel, the neighbours are the angles (radx_angles_build with the `distances`
 * setting, bidirectional = 1) whose target lies inside the box and the ROI.  With `count`
 * neighbours whose gray levels sum to `sum`, the voxel contributes |gl - sum/count| to s_i of
 * its gray level (0 when it has no neighbour) and 1 to n_i: voxels without neighbours still
 * count in n_i, exactly as PyRadiomics does. */
#ifndef RADX_NGTDM_RULES_H
#define RADX_NGTDM_RULES_H

#include <stdint.h>
#include "rules/host_device.h"
#include "rules/texture_rules.h" /* radx_tex_nbhd */

/* Absolute gray tone difference of one voxel, with PyRadiomics' operation order:
 * diff = (double)gl - (sum / count), sum and count as doubles (sum of integer gray levels is
 * exact in double below 2^53). */
RADX_HD double radx_ngtdm_absdiff(int32_t gl, int64_t count, int64_t sum)
{
    double diff;
    if (count == 0) return 0.0;
    diff = (double)gl - ((double)sum / (double)count);
    return diff < 0 ? -diff : diff;
}

/* Neighbour count and the sum of their gray levels of the ROI voxel c = (z, y, x) of the box
 * (gl, roi) over the neighbourhood nh.  inner: radx_tex_inner(nh, z, y, x). */
RADX_HD void radx_ngtdm_voxel_sums(const radx_tex_nbhd *nh, const int32_t *gl, const uint8_t *roi, int64_t c, int64_t z,
                                   int64_t y, int64_t x, int inner, int64_t *count_out, int64_t *sum_out)
{
    int64_t count = 0, sum = 0;
    int a;
    if (inner) {
        for (a = 0; a < nh->na; a++) {
            const int64_t nb = c + nh->flat[a];
            const int r = roi[nb] != 0;
            count += r;
            sum += r ? gl[nb] : 0;
        }
    } else {
        for (a = 0; a < nh->na; a++) {
            const int64_t nb = radx_tex_neighbor(z, y, x, nh->off + 3 * a, nh->dims);
            if (nb >= 0 && roi[nb]) {
                count++;
                sum += gl[nb];
            }
        }
    }
    *count_out = count;
    *sum_out = sum;
}

/* Absolute gray tone difference of the ROI voxel c = (z, y, x): radx_ngtdm_absdiff of its sums. */
RADX_HD double radx_ngtdm_voxel_absdiff(const radx_tex_nbhd *nh, const int32_t *gl, const uint8_t *roi, int64_t c,
                                        int64_t z, int64_t y, int64_t x, int inner)
{
    int64_t count, sum;
    radx_ngtdm_voxel_sums(nh, gl, roi, c, z, y, x, inner, &count, &sum);
    return radx_ngtdm_absdiff(gl[c], count, sum);
}

#endif
