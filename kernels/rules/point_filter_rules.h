/* SPDX-License-Identifier: BSD-3-Clause */
/* PyRadiomics 3.0.1's point filters (imageoperations.getSquareImage, getSquareRootImage,
 * getLogarithmImage, getExponentialImage), one voxel at a time, written once for the CPU
 * (host/cpu/point_filter.c) and the device.  Each works on the image as float64 and scales by
 * m = max |x| over the whole image (Logarithm also by the largest |log| it gives), as numpy does:
 *   square       (x / sqrt(m))^2                      written (c * x) ** 2, c = 1 / sqrt(m)
 *   squareroot   sqrt(x * m) for x > 0, -sqrt(-x * m) for x < 0, x otherwise
 *   logarithm    log(x + 1) for x > 0, -log(-(x - 1)) for x < 0, x otherwise; then * (m / max |that|)
 *   exponential  exp(c * x), c = log(m) / m */
#ifndef RADX_POINT_FILTER_RULES_H
#define RADX_POINT_FILTER_RULES_H

#include <math.h>
#include "rules/host_device.h"

typedef enum radx_point_filter {
    RADX_PF_SQUARE,
    RADX_PF_SQUAREROOT,
    RADX_PF_LOGARITHM,
    RADX_PF_EXPONENTIAL,
} radx_point_filter;

/* The filter's constant from m = max |x|: square's 1 / sqrt(m), squareroot's m, exponential's
 * log(m) / m (logarithm's first pass needs none). */
RADX_HD double radx_pf_coefficient(radx_point_filter f, double m)
{
    if (f == RADX_PF_SQUARE) return 1.0 / sqrt(m);
    if (f == RADX_PF_EXPONENTIAL) return log(m) / m;
    return m;
}

/* The filter of one value x with the constant c (logarithm: before its final scaling). */
RADX_HD double radx_pf_value(radx_point_filter f, double x, double c)
{
    switch (f) {
    case RADX_PF_SQUARE: {
        const double t = c * x;
        return t * t;
    }
    case RADX_PF_SQUAREROOT: return x > 0 ? sqrt(x * c) : x < 0 ? -sqrt(-x * c) : x;
    case RADX_PF_LOGARITHM: return x > 0 ? log(x + 1.0) : x < 0 ? -log(-(x - 1.0)) : x;
    default: return exp(c * x);
    }
}

#endif
