/* SPDX-License-Identifier: BSD-3-Clause */
/* PyRadiomics' Gradient image type on a host volume (host/cpu/gradient.c). */
#ifndef RADX_CPU_GRADIENT_H
#define RADX_CPU_GRADIENT_H

#include "core/error.h"
#include "core/volume.h"

/* SimpleITK's GradientMagnitude of in (any pixel type; kernels/rules/gradient_rules.h) into out:
 * nvox floats on in's grid.  use_spacing: gradientUseSpacing. */
radx_status radx_gradient_into(const radx_volume *in, int use_spacing, float *out, radx_err *err);

#endif
