/* SPDX-License-Identifier: BSD-3-Clause */
/* PyRadiomics' LBP2D and LBP3D image types on the CPU (host/cpu/lbp.c), and the cubic spline
 * coefficients LBP3D samples (scipy's spline_filter, on the host for every backend). */
#ifndef RADX_CPU_LBP_H
#define RADX_CPU_LBP_H

#include "core/error.h"
#include "core/volume.h"
#include "rules/lbp2d_rules.h"
#include "rules/lbp3d_rules.h"

/* out (l->out_dims voxels of l->out_dtype) = the LBP2D values of l's window of img (l->in_dims
 * voxels of l->in_dtype); kernels/rules/lbp2d_rules.h. */
radx_status radx_lbp2d_into(const radx_lbp2d *l, const void *img, void *out, radx_err *err);

/* out = LBP3D's levels + 1 images (levels' values, then the kurtosis; doubles, t->out_dims voxels
 * each, 0 outside the ROI) at the n ROI voxels roi (indices into the output window, x fastest).
 * coef: t's spline coefficients; img: the whole image (t->img_dims voxels of t->dtype), whose
 * values are the voxels' centres; kernels/rules/lbp3d_rules.h. */
radx_status radx_lbp3d_into(const radx_lbp3d *t, const double *coef, const void *img, const int64_t *roi, int64_t n,
                            double *out, radx_err *err);

/* scipy.ndimage.spline_filter(img, order=3, mode='constant') as map_coordinates runs it (along
 * numpy's axes 0, 1, 2 in turn, each line filtered whole in double with mirror boundaries), kept
 * only on the window at (x y z) of dims voxels: out, dims[0] * dims[1] * dims[2] doubles, x
 * fastest.  Holds at most one x-column of the image and the window's y-z rows at a time. */
radx_status radx_spline3_window(const radx_volume *img, const int64_t at[3], const int64_t dims[3], double *out,
                                radx_err *err);

#endif
