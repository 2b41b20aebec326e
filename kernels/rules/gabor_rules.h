/* SPDX-License-Identifier: BSD-3-Clause */
/* IBSI-2's Gabor kernel at one in-plane offset (IBSI-2 manual, Gabor kernels; data/ibsi2/
 * definitions.md): with u, v the offsets along the plane's first and second axes (mm),
 * x = u cos(theta) + v sin(theta), y = -u sin(theta) + v cos(theta),
 * g = exp(-(x^2 + gamma^2 y^2) / (2 sigma^2)) exp(i 2 pi x / lambda), no amplitude normalisation.
 * For the CPU (host/cpu/gabor_filter.c) and the device. */
#ifndef RADX_GABOR_RULES_H
#define RADX_GABOR_RULES_H

#include <math.h>
#include "rules/host_device.h"

RADX_HD void radx_gabor_kernel(double u, double v, double theta, double sigma, double lambda, double gamma, double *re,
                               double *im)
{
    const double c = cos(theta), s = sin(theta);
    const double x = u * c + v * s, y = -u * s + v * c;
    const double env = exp(-(x * x + gamma * gamma * y * y) / (2.0 * sigma * sigma));
    const double ph = 2.0 * 3.14159265358979323846 * x / lambda;
    *re = env * cos(ph);
    *im = env * sin(ph);
}

#endif
