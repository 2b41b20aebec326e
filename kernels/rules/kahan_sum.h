/* SPDX-License-Identifier: BSD-3-Clause */
/* Neumaier-compensated summation: within an ulp or two of numpy's pairwise sum for any length.
 * Used wherever radx reproduces a numpy / ITK sum over many voxels, on the host and (first order
 * of voxel maps) on the device. */
#ifndef RADX_KSUM_H
#define RADX_KSUM_H
#include <math.h>
#include "rules/host_device.h"

typedef struct radx_ksum {
    double s, c;
} radx_ksum;

RADX_HD void radx_kadd(radx_ksum *k, double v)
{
    double t = k->s + v;
    if (fabs(k->s) >= fabs(v))
        k->c += (k->s - t) + v;
    else
        k->c += (v - t) + k->s;
    k->s = t;
}

RADX_HD double radx_kval(const radx_ksum *k) { return k->s + k->c; }
#endif
