/* SPDX-License-Identifier: BSD-3-Clause */
/* IBSI-2's Gabor filter on the CPU (host/cpu/gabor_filter.c; the kernel in kernels/rules/gabor_rules.h). */
#ifndef RADX_CPU_GABOR_FILTER_H
#define RADX_CPU_GABOR_FILTER_H

#include "core/error.h"
#include "core/volume.h"
#include "params/params.h" /* radx_gabor_spec */

#ifdef __cplusplus
extern "C" {
#endif

/* The modulus of the Gabor response of in into out (float32, in's voxel count): per slice of the
 * plane (the x-y plane; with three_planes also x-z and y-z, averaged), over the orientations
 * theta0 + n dtheta in [0, 2 pi) (one when dtheta is 0) averaged.  Errors: RADX_ERR_ARG,
 * RADX_ERR_PARAM (sigma, lambda not positive), RADX_ERR_NOMEM. */
radx_status radx_gabor_filter_into(const radx_volume *in, const radx_gabor_spec *s, float *out, radx_err *err);

#ifdef __cplusplus
}
#endif
#endif
