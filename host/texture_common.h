/* SPDX-License-Identifier: BSD-3-Clause */
/* Host helpers shared by the texture classes: argument checks, the gray levels present in the ROI,
 * distance-weighted sums and nan-means of per-angle results, the neighbourhoods of the `distances`
 * setting and the per-voxel neighbourhood passes.  Error messages are the ones each class module
 * wrote before they were shared ("glcm: ...").
 *
 * Two families check their input differently (and say so in different words, kept as they were):
 *   - angular classes, one matrix per angle: GLCM (host/glcm.c) and GLRLM (host/glrlm.c);
 *   - neighbourhood classes: GLSZM (host/glszm.c), GLDM (host/gldm.c) and NGTDM (host/ngtdm.c). */
#ifndef RADX_TEXTURE_COMMON_H
#define RADX_TEXTURE_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "radx_internal.h"
#include "texture_rules.h" /* radx_tex_nbhd */

/* Threads an OpenMP parallel region gets by default (1 without OpenMP). */
int radx_tex_max_threads(void);

/* ---- angular classes (GLCM, GLRLM) ---------------------------------------------------------- */

/* Argument checks, in this order: NULL pointers; the name table has nslots entries (ntable is its
 * actual size); out[0..nslots) = NaN; a non-empty box; 1 <= ng <= 2^24; when need_distances, 1 to
 * RADX_MAX_DISTANCES distances; force2Ddimension in 0..2 when force2D is set. */
radx_status radx_tex_check_angular(const radx_texture_input *in, const radx_params *p, const char *cls,
                                   int ntable, int nslots, int need_distances, double *out, radx_err *err);

/* Level index volume: *li (one per box voxel) is the index of the voxel's gray level among the *n
 * levels present in the ROI, -1 outside the ROI; *vals (n) are those gray values, ascending.
 * RADX_ERR_ARG when an ROI voxel's gray level is outside 1..ng, RADX_ERR_ROI when the ROI is
 * empty.  On error nothing is left allocated. */
radx_status radx_tex_level_index(const radx_texture_input *in, const char *cls, int32_t **li, double **vals,
                                 int *n, radx_err *err);

/* Fills angle a's counts into cnt (all ncell cells); returns their total. */
typedef uint64_t (*radx_tex_count_fn)(const void *ctx, int a, uint32_t *cnt);
/* Distance weight of one angle (kernels/glcm_rules.h, kernels/glrlm_rules.h). */
typedef double (*radx_tex_weight_fn)(const int *a, const double spacing_zyx[3], int norm);

/* weightingNorm set: *wsum (ncell, malloc'ed) = sum_a weight(angle a) * P_a over the na angles
 * (3 ints each).  The angle matrices are counted in parallel batches of at most nthr and added in
 * angle order, so the sum does not depend on the thread count. */
radx_status radx_tex_weighted_sum(const char *cls, int na, const int *angles, size_t ncell, int nthr,
                                  radx_tex_count_fn count, const void *ctx, radx_tex_weight_fn weight,
                                  const double spacing_zyx[3], int norm, double **wsum, radx_err *err);

/* numpy.nanmean over the na angles of slot k of res (nslots per angle, angle after angle): the
 * mean of the values that are not NaN, summed in angle order; NaN when all are. */
double radx_tex_angle_nanmean(const double *res, int na, int nslots, int k);

/* ---- neighbourhood classes (GLSZM, GLDM, NGTDM) --------------------------------------------- */

/* Argument checks, in this order: NULL pointers; out[0..nfeat) = NaN; a non-empty box; ng >= 1;
 * force2Ddimension in 0..2 when force2D is set; when need_distances, 1 to RADX_MAX_DISTANCES
 * distances.  Sets dims = the box (z, y, x) and *f2d = force2Ddimension, or -1 without force2D. */
radx_status radx_tex_check_neighbourhood(const radx_texture_input *in, const radx_params *p, const char *cls,
                                         int nfeat, int need_distances, double *out, int64_t dims[3], int *f2d,
                                         radx_err *err);

/* Scans the ROI: *n_roi = ROI voxels; RADX_ERR_INTERNAL when an ROI voxel's gray level is outside
 * 1..ng, RADX_ERR_ROI when the ROI is empty.  With lut not NULL, also *lut (ng + 1 entries): the
 * index of each gray level among the *ngp levels present in the ROI, -1 when absent, and *ivals
 * (ngp): their gray values, ascending.  On error nothing is left allocated. */
radx_status radx_tex_roi_levels(const radx_texture_input *in, const char *cls, int64_t *n_roi, int32_t **lut,
                                double **ivals, int *ngp, radx_err *err);

/* Neighbourhood of the box dims (kernels/texture_rules.h): the offsets of the distances (n of
 * them; bidirectional, kernels/angles.h), in malloc'ed buffers sized for the box, so any distance
 * list PyRadiomics accepts works; nh->na = 0 is valid (no neighbour fits in the box).  f2d: the
 * force2D dimension, -1 for none.  On error nh holds nothing allocated. */
radx_status radx_tex_nbhd_build(const int64_t dims[3], const int *distances, int n, int f2d, const char *cls,
                                radx_tex_nbhd *nh, radx_err *err);
void radx_tex_nbhd_free(radx_tex_nbhd *nh); /* NULL-safe on a zeroed or freed nh */

/* The per-voxel passes of GLDM and NGTDM over the neighbourhood nh of the box, for every ROI voxel
 * c, in parallel over the (z, y) rows (OpenMP; each voxel writes its own slot, so nothing depends
 * on the thread count): when dep is not NULL, dep[c] = its dependent neighbours (gldm_a = alpha,
 * kernels/gldm_rules.h); when diff is not NULL, diff[c] = its absolute gray tone difference
 * (kernels/ngtdm_rules.h). */
void radx_tex_neighbour_pass(const radx_texture_input *in, const radx_tex_nbhd *nh, int alpha, int32_t *dep,
                             double *diff);

#endif
