/* SPDX-License-Identifier: BSD-3-Clause */
/* PyRadiomics' LBP2D image type (imageoperations.getLBP2DImage): scikit-image's
 * local_binary_pattern (feature/_texture.pyx, 0.26) on every slice of the image across
 * force2Ddimension, one voxel at a time, for the CPU (host/cpu/lbp.c) and the device
 * (kernels/cuda/lbp.cu).  The P samples lie on a circle of radius R around the voxel, at the row
 * and column offsets radx_lbp2d_offset gives; each is read by skimage's bilinear interpolation
 * (outside the slice: 0) and compared with the centre; the method turns the P comparisons into
 * the voxel's value, as a double.  PyRadiomics writes a 3-D image's values back into the
 * image's own array (radx_numpy_cast_store), a 2-D image's as float64. */
#ifndef RADX_LBP2D_RULES_H
#define RADX_LBP2D_RULES_H

#include <math.h>
#include <stdint.h>
#include "rules/host_device.h"
#include "rules/roi_rules.h"

/* lbp2DMethod, in the order of radx_lbp2d_methods (host/params/keys.c). */
typedef enum radx_lbp2d_method {
    RADX_LBP2D_DEFAULT = 0,
    RADX_LBP2D_ROR,
    RADX_LBP2D_UNIFORM,
    RADX_LBP2D_VAR
} radx_lbp2d_method;

/* One LBP2D filter run: the output window of the image, the slice axes and the samples. */
typedef struct radx_lbp2d {
    int samples;         /* P */
    int method;          /* radx_lbp2d_method */
    int row_axis;        /* the slice's rows and columns: axes of the image (0 x, 1 y, 2 z) */
    int col_axis;        /* (the third axis is the slice's) */
    int in_dtype;        /* the image's pixel type (radx_dtype) */
    int out_dtype;       /* the output's */
    int64_t in_dims[3];  /* the image's size, x y z */
    int64_t out_at[3];   /* the output window: its first voxel in the image */
    int64_t out_dims[3]; /* and its size */
    const double *rp;    /* [samples]: each sample's offset along the rows */
    const double *cp;    /* and along the columns */
} radx_lbp2d;

/* numpy.round(x, 5) (multiply by 1e5, rint, divide back), as skimage rounds the offsets. */
RADX_HD double radx_lbp2d_round5(double x) { return rint(x * 100000.0) / 100000.0; }

/* Sample k's row (dr) and column (dc) offsets for P samples at radius R:
 * -R sin(2 pi k / P) and R cos(2 pi k / P), rounded to 5 decimals; 2 pi is Python's 2 * pi. */
RADX_HD void radx_lbp2d_offset(int k, int P, double R, double *dr, double *dc)
{
    const double a = 2.0 * 3.141592653589793 * (double)k / (double)P;
    *dr = radx_lbp2d_round5(-R * sin(a));
    *dc = radx_lbp2d_round5(R * cos(a));
}

/* skimage's get_pixel2d in mode 'C': pixel (r, c) of the slice, 0 outside it. */
RADX_HD double radx_lbp2d_pixel(const radx_lbp2d *l, const void *img, int64_t base, int64_t rs, int64_t cs, int64_t r,
                                int64_t c)
{
    if (r < 0 || r >= l->in_dims[l->row_axis] || c < 0 || c >= l->in_dims[l->col_axis]) return 0.0;
    return radx_value_at(l->in_dtype, img, base + r * rs + c * cs);
}

/* skimage's bilinear_interpolation at (r, c) of the slice. */
RADX_HD double radx_lbp2d_bilinear(const radx_lbp2d *l, const void *img, int64_t base, int64_t rs, int64_t cs, double r,
                                   double c)
{
    const int64_t minr = (int64_t)floor(r), minc = (int64_t)floor(c), maxr = (int64_t)ceil(r), maxc = (int64_t)ceil(c);
    const double dr = r - (double)minr, dc = c - (double)minc;
    const double tl = radx_lbp2d_pixel(l, img, base, rs, cs, minr, minc);
    const double tr = radx_lbp2d_pixel(l, img, base, rs, cs, minr, maxc);
    const double bl = radx_lbp2d_pixel(l, img, base, rs, cs, maxr, minc);
    const double br = radx_lbp2d_pixel(l, img, base, rs, cs, maxr, maxc);
    const double top = (1 - dc) * tl + dc * tr;
    const double bottom = (1 - dc) * bl + dc * br;
    return (1 - dr) * top + dr * bottom;
}

/* The weight of sample k in 'default': 2 ** k as numpy's int32 power gives it (2^31 wraps to
 * INT32_MIN, higher powers to 0). */
RADX_HD double radx_lbp2d_weight(int k) { return k < 31 ? (double)((int64_t)1 << k) : k == 31 ? -2147483648.0 : 0.0; }

/* skimage's _bit_rotate_right on a C int of `length` bits (length <= 32). */
RADX_HD int32_t radx_lbp2d_rotr(int32_t v, int length)
{
    return (int32_t)(((uint32_t)(v >> 1)) | (((uint32_t)v & 1u) << (length - 1)));
}

/* 'ror': the smallest of the P right rotations of the 'default' code. */
RADX_HD double radx_lbp2d_ror(double code, int P)
{
    int32_t r = (int32_t)code, best = r;
    for (int i = 1; i < P; i++) {
        r = radx_lbp2d_rotr(r, P);
        best = r < best ? r : best;
    }
    return (double)best;
}

/* The LBP value of output voxel (i, j, k) of the window. */
RADX_HD double radx_lbp2d_voxel(const radx_lbp2d *l, const void *img, int64_t i, int64_t j, int64_t k)
{
    const int64_t at[3] = {l->out_at[0] + i, l->out_at[1] + j, l->out_at[2] + k};
    const int64_t stride[3] = {1, l->in_dims[0], l->in_dims[0] * l->in_dims[1]};
    const int64_t rs = stride[l->row_axis], cs = stride[l->col_axis];
    const int64_t r = at[l->row_axis], c = at[l->col_axis];
    const int64_t centre_at = at[0] + stride[1] * at[1] + stride[2] * at[2], base = centre_at - r * rs - c * cs;
    const double centre = radx_value_at(l->in_dtype, img, centre_at);
    const int P = l->samples;
    double lbp = 0.0, sum = 0.0, sq = 0.0;
    int ones = 0, changes = 0, prev = 0;
    for (int s = 0; s < P; s++) {
        const double t = radx_lbp2d_bilinear(l, img, base, rs, cs, (double)r + l->rp[s], (double)c + l->cp[s]);
        const int bit = t - centre >= 0;
        sum += t;
        sq += t * t;
        ones += bit;
        changes += s > 0 && bit != prev;
        prev = bit;
        if (bit) lbp += radx_lbp2d_weight(s);
    }
    switch (l->method) {
    case RADX_LBP2D_VAR: {
        const double var = (sq - (sum * sum) / P) / P;
        return var != 0 ? var : NAN;
    }
    case RADX_LBP2D_UNIFORM: return changes <= 2 ? (double)ones : (double)(P + 1);
    case RADX_LBP2D_ROR: return radx_lbp2d_ror(lbp, P);
    default: return lbp;
    }
}

/* ---- numpy's float64 -> integer casts, as its x86-64 loops run them ---- */

/* cvttsd2si to 32 bits: NaN and values outside int32 give INT32_MIN. */
RADX_HD int32_t radx_cvt_i32(double v) { return v >= -2147483648.0 && v < 2147483648.0 ? (int32_t)v : INT32_MIN; }

/* cvttsd2si to 64 bits: NaN and values outside int64 give INT64_MIN. */
RADX_HD int64_t radx_cvt_i64(double v)
{
    return v >= -9223372036854775808.0 && v < 9223372036854775808.0 ? (int64_t)v : INT64_MIN;
}

/* out[i] = v in pixel type dt, as numpy's assignment of a float64 into an array of that type
 * casts it: 8-, 16- and 32-bit integers through a 32-bit conversion, wrapped (NaN and values out
 * of int32: 0 in the narrow types); 64-bit ones through a 64-bit one; floats rounded.  (numpy's
 * uint32 cast of values outside int64 depends on the element's place in its vector loop; this
 * is its scalar loop's.) */
RADX_HD void radx_numpy_cast_store(int dt, void *out, int64_t i, double v)
{
    switch (dt) {
    case RADX_DT_U8: ((uint8_t *)out)[i] = (uint8_t)(uint32_t)radx_cvt_i32(v); break;
    case RADX_DT_I8: ((int8_t *)out)[i] = (int8_t)(uint8_t)(uint32_t)radx_cvt_i32(v); break;
    case RADX_DT_U16: ((uint16_t *)out)[i] = (uint16_t)(uint32_t)radx_cvt_i32(v); break;
    case RADX_DT_I16: ((int16_t *)out)[i] = (int16_t)(uint16_t)(uint32_t)radx_cvt_i32(v); break;
    case RADX_DT_I32: ((int32_t *)out)[i] = radx_cvt_i32(v); break;
    case RADX_DT_U32: ((uint32_t *)out)[i] = (uint32_t)(uint64_t)radx_cvt_i64(v); break;
    case RADX_DT_I64: ((int64_t *)out)[i] = radx_cvt_i64(v); break;
    case RADX_DT_U64:
        ((uint64_t *)out)[i] = v >= 9223372036854775808.0
                                   ? (uint64_t)radx_cvt_i64(v - 9223372036854775808.0) ^ 0x8000000000000000ull
                                   : (uint64_t)radx_cvt_i64(v);
        break;
    case RADX_DT_F32: ((float *)out)[i] = (float)v; break;
    default: ((double *)out)[i] = v; break;
    }
}

#endif
