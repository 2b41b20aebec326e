/* SPDX-License-Identifier: BSD-3-Clause */
/* IBSI-2's Simoncelli wavelet on the CPU (host/cpu/simoncelli_filter.c; the transfer function in
 * kernels/rules/simoncelli_rules.h). */
#ifndef RADX_CPU_SIMONCELLI_FILTER_H
#define RADX_CPU_SIMONCELLI_FILTER_H

#include "core/error.h"
#include "core/volume.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The real part of the level's band of in (periodic: the whole image's FFT, double precision) into
 * out (float32, in's voxel count).  Errors: RADX_ERR_ARG, RADX_ERR_PARAM (level < 1), RADX_ERR_NOMEM. */
radx_status radx_simoncelli_filter_into(const radx_volume *in, int level, float *out, radx_err *err);

#ifdef __cplusplus
}
#endif
#endif
