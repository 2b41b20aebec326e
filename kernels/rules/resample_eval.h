/* SPDX-License-Identifier: BSD-3-Clause */
/* One output voxel of ResampleImageFilter (identity transform), composed of the per-voxel rules of
 * kernels/rules/resample_rules.h: the scanline ends of an output row, and the value of output voxel i of
 * that row (scanline position, inside test, interpolator dispatch), exactly as host/cpu/resample.c's
 * evaluation loop computes them.  The CUDA evaluator (kernels/cuda/resample.cu) calls these per voxel;
 * host/cpu/resample.c calls them too (its two-voxel B-spline path, radx_rs_bspline3_eval2, has the
 * same arithmetic per voxel).  Bit-identical to the CPU when a*b+c is not contracted into fused
 * multiply-adds (nvcc: --fmad=false for kernels/cuda/resample.cu, which checks it at run time).
 *
 * Interpolator codes: the order of host/cpu/resample.c's rs_interp. */
#ifndef RADX_RESAMPLE_EVAL_H
#define RADX_RESAMPLE_EVAL_H

#include <float.h>
#include <stdint.h>
#include "rules/host_device.h"
#include "radx.h" /* radx_dtype */
#include "rules/resample_rules.h"

enum {
    RADX_RS_NEAREST = 0,
    RADX_RS_LINEAR = 1,
    RADX_RS_BSPLINE = 2,
    RADX_RS_WSINC = 3 /* + window kind: RADX_RS_WSINC + RADX_RS_WS_HAMMING ... RADX_RS_WS_BLACKMAN */
};

/* Continuous input indices of output voxels (0, j, k) and (out_nx, j, k): both ends of an output
 * scanline mapped through physical space (output grid index -> point: out_i2p, out_origin; point
 * -> input continuous index: in_p2i, in_origin). */
RADX_HD void radx_rs_line_ends(const double out_i2p[9], const double out_origin[3], int64_t out_nx,
                               const double in_p2i[9], const double in_origin[3], int64_t j, int64_t k, double st[3],
                               double en[3])
{
    double idx[3], p[3];
    idx[0] = 0.0;
    idx[1] = (double)j;
    idx[2] = (double)k;
    radx_rs_index_to_point(out_i2p, out_origin, idx, p);
    radx_rs_point_to_cindex(in_p2i, in_origin, p, st);
    idx[0] = (double)out_nx;
    radx_rs_index_to_point(out_i2p, out_origin, idx, p);
    radx_rs_point_to_cindex(in_p2i, in_origin, p, en);
}

/* Nearest neighbour: the offset in the input box [blo, blo + bsz) of the voxel output voxel i (of
 * out_nx) of the scanline [st, en) takes its value from, or -1 when it maps outside the input (n
 * voxels per axis; its value is then 0). */
RADX_HD int64_t radx_rs_nearest_offset(const int64_t blo[3], const int64_t bsz[3], const int64_t n[3],
                                       const double st[3], const double en[3], int64_t i, int64_t out_nx)
{
    double c[3];
    int d;
    for (d = 0; d < 3; d++) c[d] = radx_rs_scan_index(st[d], en[d], i, out_nx);
    if (!radx_rs_inside(c[0], n[0]) || !radx_rs_inside(c[1], n[1]) || !radx_rs_inside(c[2], n[2])) return -1;
    return (radx_rs_nearest(c[0]) - blo[0]) +
           bsz[0] * ((radx_rs_nearest(c[1]) - blo[1]) + bsz[1] * (radx_rs_nearest(c[2]) - blo[2]));
}

/* Value of output voxel i (of out_nx) of the scanline [st, en) before the cast to the output
 * pixel type: 0 outside the input (n voxels per axis), else the interpolator `interp` over buf
 * (the input box [blo, blo + bsz) as double; for RADX_RS_BSPLINE its coefficients). */
RADX_HD double radx_rs_eval_voxel(int interp, const double *RADX_RESTRICT buf, const int64_t blo[3],
                                  const int64_t bsz[3], const int64_t n[3], const double st[3], const double en[3],
                                  int64_t i, int64_t out_nx)
{
    double c[3];
    int d;
    if (interp == RADX_RS_NEAREST) {
        const int64_t o = buf ? radx_rs_nearest_offset(blo, bsz, n, st, en, i, out_nx) : -1;
        return o < 0 ? 0.0 : buf[o];
    }
    for (d = 0; d < 3; d++) c[d] = radx_rs_scan_index(st[d], en[d], i, out_nx);
    if (!buf || !radx_rs_inside(c[0], n[0]) || !radx_rs_inside(c[1], n[1]) || !radx_rs_inside(c[2], n[2])) return 0.0;
    if (interp == RADX_RS_LINEAR) return radx_rs_linear3(buf, blo, bsz, n, c);
    if (interp == RADX_RS_BSPLINE) return radx_rs_bspline3_eval(buf, blo, bsz, n, c);
    return radx_rs_wsinc3_eval(interp - RADX_RS_WSINC, buf, blo, bsz, n, c);
}

/* Masks from a box of 1-byte palette indices (radx_rs_mask_palette, host/cpu/resample.h): the index
 * output voxel i takes; index 0 (palette value 0) outside the input.  The palette value of it is
 * the value radx_rs_eval_voxel gives from the box of labels. */
RADX_HD uint8_t radx_rs_nearest_index(const uint8_t *RADX_RESTRICT idx, const int64_t blo[3], const int64_t bsz[3],
                                      const int64_t n[3], const double st[3], const double en[3], int64_t i,
                                      int64_t out_nx)
{
    const int64_t o = radx_rs_nearest_offset(blo, bsz, n, st, en, i, out_nx);
    return o < 0 ? (uint8_t)0 : idx[o];
}

/* ResampleImageFilter::CastComponentWithBoundsChecking into the output pixel type: value <= min
 * -> min, value >= max -> max, else static_cast (truncation toward zero for integers,
 * round-to-nearest for float).  A double output takes the value as is.  NaN into an integer type
 * (undefined in ITK) gives 0.  The CPU's store and the device's (kernels/cuda/resample.cu) both. */
#define RADX_RS_CLAMP_INT(NAME, T, LO, HI)     \
    RADX_HD T radx_rs_to_##NAME(double x)      \
    {                                          \
        if (x <= (double)(LO)) return (T)(LO); \
        if (x >= (double)(HI)) return (T)(HI); \
        return x == x ? (T)x : (T)0;           \
    }
RADX_RS_CLAMP_INT(u8, uint8_t, 0, UINT8_MAX)
RADX_RS_CLAMP_INT(i8, int8_t, INT8_MIN, INT8_MAX)
RADX_RS_CLAMP_INT(u16, uint16_t, 0, UINT16_MAX)
RADX_RS_CLAMP_INT(i16, int16_t, INT16_MIN, INT16_MAX)
RADX_RS_CLAMP_INT(u32, uint32_t, 0, UINT32_MAX)
RADX_RS_CLAMP_INT(i32, int32_t, INT32_MIN, INT32_MAX)
RADX_RS_CLAMP_INT(u64, uint64_t, 0, UINT64_MAX)
RADX_RS_CLAMP_INT(i64, int64_t, INT64_MIN, INT64_MAX)
#undef RADX_RS_CLAMP_INT
RADX_HD float radx_rs_to_f32(double x)
{
    if (x <= (double)-FLT_MAX) return -FLT_MAX;
    if (x >= (double)FLT_MAX) return FLT_MAX;
    return (float)x;
}

/* Element i of an output buffer of pixel type dt gets v, cast as above. */
RADX_HD void radx_rs_store(int dt, void *out, int64_t i, double v)
{
    switch (dt) {
    case RADX_DT_U8: ((uint8_t *)out)[i] = radx_rs_to_u8(v); break;
    case RADX_DT_I8: ((int8_t *)out)[i] = radx_rs_to_i8(v); break;
    case RADX_DT_U16: ((uint16_t *)out)[i] = radx_rs_to_u16(v); break;
    case RADX_DT_I16: ((int16_t *)out)[i] = radx_rs_to_i16(v); break;
    case RADX_DT_U32: ((uint32_t *)out)[i] = radx_rs_to_u32(v); break;
    case RADX_DT_I32: ((int32_t *)out)[i] = radx_rs_to_i32(v); break;
    case RADX_DT_U64: ((uint64_t *)out)[i] = radx_rs_to_u64(v); break;
    case RADX_DT_I64: ((int64_t *)out)[i] = radx_rs_to_i64(v); break;
    case RADX_DT_F32: ((float *)out)[i] = radx_rs_to_f32(v); break;
    default: ((double *)out)[i] = v; break;
    }
}

#endif
