/* SPDX-License-Identifier: BSD-3-Clause */
/* IBSI-2's Simoncelli wavelet (data/ibsi2/definitions.md, after MIRP): the transfer function of
 * level j at normalised radial frequency rho (1 at Nyquist), psi = cos(pi/2 log2(2 rho / rho_max))
 * for rho_max / 4 <= rho <= rho_max, rho_max = 2^-(j-1), else 0; and the frequency of DFT index m
 * of an n-point axis on IBSI's reference grid: linspace(-1, 1, n), ifftshift-ed.  For the CPU
 * (host/cpu/simoncelli_filter.c) and the device. */
#ifndef RADX_SIMONCELLI_RULES_H
#define RADX_SIMONCELLI_RULES_H

#include <math.h>
#include <stdint.h>
#include "rules/host_device.h"

RADX_HD double radx_simoncelli_axis_freq(int64_t m, int64_t n)
{
    if (n < 2) return 0.0;
    const int64_t c = (m + n / 2) % n; /* ifftshift */
    const double h = 0.5 * (double)(n - 1);
    return ((double)c - h) / h;
}

RADX_HD double radx_simoncelli_psi(double rho, int level)
{
    const double rmax = ldexp(1.0, -(level - 1));
    if (rho < 0.25 * rmax || rho > rmax) return 0.0;
    return cos(0.5 * 3.14159265358979323846 * log2(2.0 * rho / rmax));
}

#endif
