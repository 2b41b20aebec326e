/* SPDX-License-Identifier: BSD-3-Clause */
/* IBSI-2's mean filter on the CPU (host/cpu/mean_filter.c; the per-voxel rule in
 * kernels/rules/separable_rules.h). */
#ifndef RADX_CPU_MEAN_FILTER_H
#define RADX_CPU_MEAN_FILTER_H

#include "core/error.h"
#include "core/volume.h"
#include "params/params.h" /* radx_mean_spec */

/* The mean filter of in into out (float32, in's voxel count), on in's grid.  Errors: RADX_ERR_ARG,
 * RADX_ERR_PARAM (support not odd and positive), RADX_ERR_NOMEM. */
radx_status radx_mean_filter_into(const radx_volume *in, const radx_mean_spec *s, float *out, radx_err *err);

#endif
