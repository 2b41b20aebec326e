/* SPDX-License-Identifier: BSD-3-Clause */
/* PyRadiomics' Gradient image type: SimpleITK's GradientMagnitudeImageFilter (what
 * imageoperations.getGradientImage runs, with gradientUseSpacing), one voxel at a time, for the
 * CPU (host/cpu/gradient.c) and the device (kernels/cuda/gradient.cu).  On each of the image's
 * axes (2 for a 2-D image) ITK's first-order DerivativeOperator, coefficients -1/2, 0, 1/2 (each
 * times 1/spacing with gradientUseSpacing), is applied as ITK's inner product adds it up, the
 * outside of the image taken as its nearest voxel (ZeroFluxNeumann); the magnitude is the root
 * of the squares' sum in double, stored as float32 (SimpleITK's output type). */
#ifndef RADX_GRADIENT_RULES_H
#define RADX_GRADIENT_RULES_H

#include <math.h>
#include <stdint.h>
#include "rules/host_device.h"
#include "rules/roi_rules.h"

/* The derivative's outer coefficient on axis a (spacing sp, use_spacing): c, the operator being
 * -c, 0, c. */
RADX_HD double radx_gradient_coefficient(double sp, int use_spacing) { return use_spacing ? 0.5 * (1.0 / sp) : 0.5; }

/* The gradient magnitude at voxel (i, j, k) of an image of pixel type dt and size[3] (x y z) with
 * nd axes; c[a]: radx_gradient_coefficient of axis a. */
RADX_HD float radx_gradient_voxel(int dt, const void *img, const int64_t size[3], int nd, const double c[3], int64_t i,
                                  int64_t j, int64_t k)
{
    const int64_t at[3] = {i, j, k}, stride[3] = {1, size[0], size[0] * size[1]};
    const int64_t v = i + stride[1] * j + stride[2] * k;
    double sum = 0.0;
    for (int a = 0; a < nd; a++) {
        const int64_t lo = at[a] > 0 ? v - stride[a] : v, hi = at[a] + 1 < size[a] ? v + stride[a] : v;
        double g = 0.0;
        g += -c[a] * radx_value_at(dt, img, lo);
        g += 0.0 * radx_value_at(dt, img, v);
        g += c[a] * radx_value_at(dt, img, hi);
        sum += g * g;
    }
    return (float)sqrt(sum);
}

#endif
