/* SPDX-License-Identifier: BSD-3-Clause */
/* Narrow transfers: what comes down from the device (or goes up to it) in fewer bytes than the
 * host's arrays use, and comes back out bit for bit.  Shared by the CUDA stages (which narrow
 * on the device) and the host (which widens); tested on the CPU by tests/test_narrow.c.
 *
 *   - levels (int32 on the host, 1..ng in the ROI): 1, 2 or 4 bytes by their largest possible
 *     value (radx_level_width);
 *   - values (double on the host; a CT's come from int16, a filtered image's from float32):
 *     int16 when every value is an int16 (and none is -0.0), float when every value is a float,
 *     else double (radx_value_flags over the values, then radx_value_width);
 *   - NGTDM: per ROI voxel its neighbour count and the sum of its neighbours' levels, packed into
 *     one 2- or 4-byte code (radx_ngtdm_code), from which the host computes the very difference
 *     the device would have (radx_ngtdm_absdiff of the same integers);
 *   - masks (uint32 labels on the host): 1-byte indices into a palette of the labels present
 *     (host/cpu/resample.c's mask resampling on the device). */
#ifndef RADX_NARROW_RULES_H
#define RADX_NARROW_RULES_H

#include <stdint.h>
#include <string.h>
#include "rules/host_device.h"

/* ---- levels ---- */

/* Bytes per level for levels in [0, maxlevel]. */
RADX_HD int radx_level_width(int64_t maxlevel) { return maxlevel <= 0xFF ? 1 : maxlevel <= 0xFFFF ? 2 : 4; }

/* Element i of an array of w-byte (1, 2 or 4) unsigned integers: levels (>= 0) and NGTDM codes. */
RADX_HD void radx_uint_put(void *dst, int w, int64_t i, uint32_t v)
{
    if (w == 1)
        ((uint8_t *)dst)[i] = (uint8_t)v;
    else if (w == 2)
        ((uint16_t *)dst)[i] = (uint16_t)v;
    else
        ((uint32_t *)dst)[i] = v;
}

RADX_HD uint32_t radx_uint_get(const void *src, int w, int64_t i)
{
    if (w == 1) return ((const uint8_t *)src)[i];
    if (w == 2) return ((const uint16_t *)src)[i];
    return ((const uint32_t *)src)[i];
}

/* ---- values ---- */

#define RADX_VALUE_NOT_I16 1u /* some value is not an int16 (or is -0.0, which int16 loses) */
#define RADX_VALUE_NOT_F32 2u /* some value is not a finite float */

/* The flags of one value (OR them over all values).  NaN and the infinities set both. */
RADX_HD unsigned radx_value_flags(double v)
{
    unsigned f = 0;
    if (!(v >= -32768.0 && v <= 32767.0) || (double)(int16_t)v != v)
        f |= RADX_VALUE_NOT_I16;
    else if (v == 0.0) {
        uint64_t b;
        memcpy(&b, &v, sizeof b);
        if (b >> 63) f |= RADX_VALUE_NOT_I16;
    }
    /* a double outside float's range converts to infinity (or is undefined in C for finite ones
     * beyond it): test the range first */
    if (!(v >= -3.4028234663852886e38 && v <= 3.4028234663852886e38) || (double)(float)v != v) f |= RADX_VALUE_NOT_F32;
    return f;
}

/* Bytes per value for values whose flags OR to f: 2 (int16), 4 (float) or 8 (double). */
RADX_HD int radx_value_width(unsigned f) { return !(f & RADX_VALUE_NOT_I16) ? 2 : !(f & RADX_VALUE_NOT_F32) ? 4 : 8; }

RADX_HD void radx_value_put(void *dst, int w, int64_t i, double v)
{
    if (w == 2)
        ((int16_t *)dst)[i] = (int16_t)v;
    else if (w == 4)
        ((float *)dst)[i] = (float)v;
    else
        ((double *)dst)[i] = v;
}

RADX_HD double radx_value_get(const void *src, int w, int64_t i)
{
    if (w == 2) return (double)((const int16_t *)src)[i];
    if (w == 4) return (double)((const float *)src)[i];
    return ((const double *)src)[i];
}

/* ---- NGTDM neighbour sums ---- */

/* Bytes per code for up to na neighbours of levels <= ng: 2 or 4, or 0 when a code would not
 * fit in 32 bits (the caller then transfers the differences themselves). */
RADX_HD int radx_ngtdm_code_width(int64_t na, int64_t ng)
{
    if (na < 0 || ng < 0 || na > 0xFFFF || ng > 0xFFFFFFFFLL) return 0;
    const uint64_t maxcode = (uint64_t)na * (uint64_t)ng * (uint64_t)(na + 1) + (uint64_t)na;
    return maxcode <= 0xFFFFu ? 2 : maxcode <= 0xFFFFFFFFu ? 4 : 0;
}

/* count (<= na) and sum (<= na * ng) as one code. */
RADX_HD uint32_t radx_ngtdm_code(int64_t na, int64_t count, int64_t sum)
{
    return (uint32_t)((uint64_t)sum * (uint64_t)(na + 1) + (uint64_t)count);
}

RADX_HD void radx_ngtdm_uncode(int64_t na, uint32_t code, int64_t *count, int64_t *sum)
{
    *count = (int64_t)(code % (uint32_t)(na + 1));
    *sum = (int64_t)(code / (uint32_t)(na + 1));
}

#endif
