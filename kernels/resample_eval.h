/* SPDX-License-Identifier: BSD-3-Clause */
/* One output voxel of ResampleImageFilter (identity transform), composed of the per-voxel rules of
 * kernels/resample_rules.h: the scanline ends of an output row, and the value of output voxel i of
 * that row (scanline position, inside test, interpolator dispatch), exactly as host/resample.c's
 * evaluation loop computes them.  The CUDA evaluator (kernels/resample.cu) calls these per voxel;
 * host/resample.c calls them too (its two-voxel B-spline path, radx_rs_bspline3_eval2, has the
 * same arithmetic per voxel).  Bit-identical to the CPU when a*b+c is not contracted into fused
 * multiply-adds (nvcc: --fmad=false for kernels/resample.cu, which checks it at run time).
 *
 * Interpolator codes: the order of host/resample.c's rs_interp. */
#ifndef RADX_RESAMPLE_EVAL_H
#define RADX_RESAMPLE_EVAL_H

#include <stdint.h>
#include "radx_hd.h"
#include "resample_rules.h"

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
                               const double in_p2i[9], const double in_origin[3], int64_t j, int64_t k,
                               double st[3], double en[3])
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

/* Value of output voxel i (of out_nx) of the scanline [st, en) before the cast to the output
 * pixel type: 0 outside the input (n voxels per axis), else the interpolator `interp` over buf
 * (the input box [blo, blo + bsz) as double; for RADX_RS_BSPLINE its coefficients). */
RADX_HD double radx_rs_eval_voxel(int interp, const double *RADX_RESTRICT buf, const int64_t blo[3],
                                  const int64_t bsz[3], const int64_t n[3], const double st[3],
                                  const double en[3], int64_t i, int64_t out_nx)
{
    double c[3];
    int d;
    for (d = 0; d < 3; d++) c[d] = radx_rs_scan_index(st[d], en[d], i, out_nx);
    if (!buf || !radx_rs_inside(c[0], n[0]) || !radx_rs_inside(c[1], n[1]) || !radx_rs_inside(c[2], n[2]))
        return 0.0;
    if (interp == RADX_RS_NEAREST) {
        const int64_t a = radx_rs_nearest(c[0]) - blo[0], b = radx_rs_nearest(c[1]) - blo[1],
                      e = radx_rs_nearest(c[2]) - blo[2];
        return buf[a + bsz[0] * (b + bsz[1] * e)];
    }
    if (interp == RADX_RS_LINEAR) return radx_rs_linear3(buf, blo, bsz, n, c);
    if (interp == RADX_RS_BSPLINE) return radx_rs_bspline3_eval(buf, blo, bsz, n, c);
    return radx_rs_wsinc3_eval(interp - RADX_RS_WSINC, buf, blo, bsz, n, c);
}

#endif
