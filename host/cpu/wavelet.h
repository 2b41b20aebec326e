/* SPDX-License-Identifier: BSD-3-Clause */
/* One pass of PyRadiomics' Wavelet image type on the CPU (host/cpu/wavelet.c). */
#ifndef RADX_CPU_WAVELET_H
#define RADX_CPU_WAVELET_H

#include "core/error.h"
#include "rules/wavelet_rules.h"

/* out (w->out_dims voxels: float when w->out_f32, else double) = the pass w over in
 * (w->in_dims voxels of w->in_dtype); kernels/rules/wavelet_rules.h. */
radx_status radx_wavelet_pass_into(const radx_wavelet_pass *w, const void *in, void *out, radx_err *err);

#endif
