/* SPDX-License-Identifier: BSD-3-Clause */
/* IBSI-2's separable filters, one pass per axis at one voxel, the line extended beyond the image
 * by the boundary condition (radx_log_ext: zero, nearest, mirror, periodic): the mean filter (an
 * M x M (x M) box, M odd, weights 1 / M^d: the mean of the M samples centred on the voxel) and a
 * 1-D convolution (Laws' kernels).  Passes along x, y and (unless 2-D) z give the filter.  For the
 * CPU (host/cpu/mean_filter.c, host/cpu/separable_filter.c) and the device. */
#ifndef RADX_SEPARABLE_RULES_H
#define RADX_SEPARABLE_RULES_H

#include <stdint.h>
#include "rules/host_device.h"
#include "rules/log_transfer.h" /* radx_log_ext, radx_log_boundary */
#include "rules/roi_rules.h"    /* radx_value_at */

/* The pass along axis a at voxel (i, j, k) of src (pixel type dt, size[3] x y z): the mean of its
 * support samples centred on it, bc extending the line. */
RADX_HD double radx_mean_pass_voxel(int dt, const void *src, const int64_t size[3], int a, int support,
                                    radx_log_boundary bc, int64_t i, int64_t j, int64_t k)
{
    const int64_t at[3] = {i, j, k}, stride[3] = {1, size[0], size[0] * size[1]};
    const int64_t base = i + stride[1] * j + stride[2] * k - at[a] * stride[a];
    const int r = support / 2;
    double sum = 0.0;
    for (int q = -r; q <= r; q++) {
        const int64_t e = radx_log_ext(at[a] + q, size[a], bc);
        if (e >= 0) sum += radx_value_at(dt, src, base + e * stride[a]);
    }
    return sum / support;
}

/* The convolution along axis a at voxel (i, j, k) with the kernel w of odd length len (centre
 * c = len / 2): sum_q w[q] x[v + c - q], a true convolution as IBSI-2 defines it. */
RADX_HD double radx_conv_pass_voxel(int dt, const void *src, const int64_t size[3], int a, const double *w, int len,
                                    radx_log_boundary bc, int64_t i, int64_t j, int64_t k)
{
    const int64_t at[3] = {i, j, k}, stride[3] = {1, size[0], size[0] * size[1]};
    const int64_t base = i + stride[1] * j + stride[2] * k - at[a] * stride[a];
    const int c = len / 2;
    double sum = 0.0;
    for (int q = 0; q < len; q++) {
        const int64_t e = radx_log_ext(at[a] + c - q, size[a], bc);
        if (e >= 0) sum += w[q] * radx_value_at(dt, src, base + e * stride[a]);
    }
    return sum;
}

#endif
