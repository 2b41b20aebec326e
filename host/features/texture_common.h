/* SPDX-License-Identifier: BSD-3-Clause */
/* Host helpers shared by the texture classes: argument checks, the gray levels present in the ROI,
 * distance-weighted sums and nan-means of per-angle results, the neighbourhoods of the `distances`
 * setting and the per-voxel neighbourhood passes.  Error messages name the class ("glcm: ...").
 *
 * Two families check their input differently (and word their messages differently):
 *   - angular classes, one matrix per angle: GLCM (host/features/glcm.c) and GLRLM (host/features/glrlm.c);
 *   - neighbourhood classes: GLSZM (host/features/glszm.c), GLDM (host/features/gldm.c) and NGTDM (host/features/ngtdm.c). */
#ifndef RADX_TEXTURE_COMMON_H
#define RADX_TEXTURE_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "params/params.h"
#include "features/features.h"
#include "features/size_matrix.h" /* radx_szm_sparse */
#include "rules/texture_rules.h"  /* radx_tex_nbhd */

#ifdef __cplusplus
extern "C" {
#endif

/* Threads an OpenMP parallel region gets by default (1 without OpenMP). */
int radx_tex_max_threads(void);

/* The most gray levels present in the ROI a texture class accepts (each refuses more with
 * RADX_ERR_NOMEM, naming binWidth/binCount, before allocating its matrices): GLCM's matrix
 * (levels x levels cells) stays within 2^31 cells, and NGTDM's features (levels x levels
 * steps) within seconds. */
#define RADX_MAX_TEX_LEVELS 46340

/* GLCM's MCC (an eigen decomposition of a levels x levels matrix, levels^3 steps for each of
 * up to 13 angles) refuses more levels present than this (about 5 s on two cores). */
#define RADX_MAX_MCC_LEVELS 1500

/* radx_memory_check for a class's matrices of bytes over levels gray levels present: the
 * message names the class, the levels and binWidth/binCount. */
radx_status radx_tex_matrix_memory(const char *cls, int levels, double bytes, radx_err *err);

/* ---- angular classes (GLCM, GLRLM) ---------------------------------------------------------- */

/* Argument checks, in this order: NULL pointers; the name table has nslots entries (ntable is its
 * actual size); out[0..nslots) = NaN; a non-empty box; 1 <= ng <= 2^24; when need_distances, 1 to
 * RADX_MAX_DISTANCES distances; force2Ddimension in 0..2 when force2D is set. */
radx_status radx_tex_check_angular(const radx_texture_input *in, const radx_params *p, const char *cls, int ntable,
                                   int nslots, int need_distances, double *out, radx_err *err);

/* Level index volume: *li (one per box voxel) is the index of the voxel's gray level among the *n
 * levels present in the ROI, -1 outside the ROI; *vals (n) are those gray values, ascending.
 * RADX_ERR_ARG when an ROI voxel's gray level is outside 1..ng, RADX_ERR_ROI when the ROI is
 * empty, RADX_ERR_NOMEM above RADX_MAX_TEX_LEVELS levels present.  On error nothing is left allocated. */
radx_status radx_tex_level_index(const radx_texture_input *in, const char *cls, int32_t **li, double **vals, int *n,
                                 radx_err *err);

/* Fills angle a's counts into cnt (all ncell cells); returns their total. */
typedef uint64_t (*radx_tex_count_fn)(const void *ctx, int a, uint32_t *cnt);
/* Distance weight of one angle (kernels/rules/glcm_rules.h, kernels/rules/glrlm_rules.h). */
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
radx_status radx_tex_check_neighbourhood(const radx_texture_input *in, const radx_params *p, const char *cls, int nfeat,
                                         int need_distances, double *out, int64_t dims[3], int *f2d, radx_err *err);

/* Scans the ROI: *n_roi = ROI voxels; RADX_ERR_INTERNAL when an ROI voxel's gray level is outside
 * 1..ng, RADX_ERR_ROI when the ROI is empty, RADX_ERR_NOMEM above RADX_MAX_TEX_LEVELS levels.
 * With lut not NULL, also *lut (ng + 1 entries): the index of each gray level among the *ngp
 * levels present in the ROI, -1 when absent, and *ivals (ngp): their gray values, ascending.  On
 * error nothing is left allocated. */
radx_status radx_tex_roi_levels(const radx_texture_input *in, const char *cls, int64_t *n_roi, int32_t **lut,
                                double **ivals, int *ngp, radx_err *err);

/* Neighbourhood of the box dims (kernels/rules/texture_rules.h): the offsets of the distances (n of
 * them; bidirectional, kernels/rules/angles.h), in malloc'ed buffers sized for the box, so any distance
 * list PyRadiomics accepts works, up to RADX_MAX_OFFSETS offsets (bounding the buffers) and
 * RADX_MAX_OFFSET_VISITS offsets x box voxels (the per-voxel passes' work; RADX_ERR_NOMEM);
 * nh->na = 0 is valid (no neighbour fits in the box).  f2d: the force2D dimension, -1 for none.
 * On error nh holds nothing allocated. */
#define RADX_MAX_OFFSETS       ((int64_t)1 << 22) /* distances up to 80 in 3-D: 161^3 offsets */
#define RADX_MAX_OFFSET_VISITS 4294967296.0       /* 2^32: about 5 s on two cores */
radx_status radx_tex_nbhd_build(const int64_t dims[3], const int *distances, int n, int f2d, const char *cls,
                                radx_tex_nbhd *nh, radx_err *err);
void radx_tex_nbhd_free(radx_tex_nbhd *nh); /* NULL-safe on a zeroed or freed nh */

/* The per-voxel passes of GLDM and NGTDM over the neighbourhood nh of the box, for every ROI voxel
 * c, in parallel over the (z, y) rows (OpenMP; each voxel writes its own slot, so nothing depends
 * on the thread count): when dep is not NULL, dep[c] = its dependent neighbours (gldm_a = alpha,
 * kernels/rules/gldm_rules.h); when diff is not NULL, diff[c] = its absolute gray tone difference
 * (kernels/rules/ngtdm_rules.h). */
void radx_tex_neighbour_pass(const radx_texture_input *in, const radx_tex_nbhd *nh, int alpha, int32_t *dep,
                             double *diff);

/* ---- neighbourhood classes: build the matrix, then features from it ------------------------- *
 * Each class runs in three steps, shared by the CPU compute (radx_<class>_compute) and the CUDA
 * entry points (kernels/cuda/glszm.cu, gldm.cu, ngtdm.cu): setup (argument checks, the gray levels
 * present, the neighbourhood; the same errors in the same order for both backends), the matrix
 * (CPU: radx_<class>_matrix; GPU: <class>_matrix in kernels/cuda/<class>.cu, giving the same
 * integer matrix, and for NGTDM the same s_i bit for bit), then the features from the matrix. */

/* What setup leaves for the matrix and feature steps. */
typedef struct radx_tex_nbclass {
    int64_t dims[3]; /* the box, z y x */
    int64_t nvox;    /* box voxels */
    int64_t n_roi;   /* ROI voxels */
    int32_t *lut;    /* GLSZM, GLDM: ng + 1 entries, index of each gray level among the present ones, -1 absent */
    double *ivals;   /* GLSZM, GLDM: ngp present gray values, ascending */
    int ngp;         /* GLSZM, GLDM: gray levels present in the ROI */
    int alpha;       /* GLDM: gldm_a */
    radx_tex_nbhd nh;
} radx_tex_nbclass;
void radx_tex_nbclass_free(radx_tex_nbclass *s); /* NULL-safe on a zeroed or freed s */

/* Setup of each class: out[0..nfeatures) = NaN, then the checks; on error s holds nothing. */
radx_status radx_glszm_setup(const radx_texture_input *in, const radx_params *p, double *out, radx_tex_nbclass *s,
                             radx_err *err);
radx_status radx_gldm_setup(const radx_texture_input *in, const radx_params *p, double *out, radx_tex_nbclass *s,
                            radx_err *err);
radx_status radx_ngtdm_setup(const radx_texture_input *in, const radx_params *p, double *out, radx_tex_nbclass *s,
                             radx_err *err);

/* GLSZM matrix on the CPU (zones by flood fill): *m (free with radx_szm_sparse_free) has the zones'
 * (gray level index, zone size) counts, jmax = the largest zone, nz = the number of zones. */
radx_status radx_glszm_matrix(const radx_texture_input *in, const radx_tex_nbclass *s, radx_szm_sparse *m,
                              radx_err *err);
/* GLSZM in z-slabs (the CUDA GLSZM when the box does not fit on the device): the zones of each
 * slab of centre slices [z0, z1), labelled alone, are stitched across the slab boundaries into the
 * zones of the whole box.  Per slab: its zones in the C order of their first voxel (level index
 * gi, size j), and for its first and last slice the ordinal of each voxel's zone (-1 outside the
 * ROI).  The zones of the box come out in the C order of their first voxel, the CPU flood fill's
 * order, so *m is radx_glszm_matrix's entry for entry.  Slabs in z order, covering the box. */
typedef struct radx_szm_slab {
    int64_t z0, z1;
    int64_t nzones;
    int32_t *gi;
    int64_t *j;
    int64_t *bottom, *top; /* dims[1] * dims[2] each: slice z0, slice z1 - 1 */
} radx_szm_slab;
radx_status radx_glszm_stitch(const radx_texture_input *in, const radx_tex_nbclass *s, const radx_szm_slab *sl, int nsl,
                              radx_szm_sparse *m, radx_err *err);

/* GLSZM features from m into out (radx_glszm_features order). */
radx_status radx_glszm_from_matrix(const radx_tex_nbclass *s, const radx_szm_sparse *m, double *out, radx_err *err);

/* GLDM: the size bound of its matrix, jmax = Na + 1 (PyRadiomics' dependence sizes 1..Na+1). */
int64_t radx_gldm_jmax(const radx_tex_nbclass *s);
/* GLDM matrix from the per-voxel dependence counts dep (box-sized; read at ROI voxels, in C order):
 * (gray level index, dep + 1) counts, jmax = radx_gldm_jmax, nz = ROI voxels. */
radx_status radx_gldm_matrix_from_dep(const radx_texture_input *in, const radx_tex_nbclass *s, const int32_t *dep,
                                      radx_szm_sparse *m, radx_err *err);
/* GLDM matrix on the CPU (radx_tex_neighbour_pass, then radx_gldm_matrix_from_dep). */
radx_status radx_gldm_matrix(const radx_texture_input *in, const radx_tex_nbclass *s, radx_szm_sparse *m,
                             radx_err *err);
radx_status radx_gldm_from_matrix(const radx_tex_nbclass *s, const radx_szm_sparse *m, double *out, radx_err *err);

/* NGTDM matrix: ni (n_i, integer) and si (s_i) of ng + 1 entries each, indexed by gray level. */
typedef struct radx_ngtdm_mat {
    int ng;
    int64_t *ni;
    double *si;
} radx_ngtdm_mat;
int radx_ngtdm_mat_alloc(radx_ngtdm_mat *m, int ng); /* zeroed; 0, or -1 out of memory */
void radx_ngtdm_mat_free(radx_ngtdm_mat *m);         /* NULL-safe on a zeroed or freed m */
/* Adds the ROI voxels of in, in C order (the order PyRadiomics sums in, so that s_i is
 * bit-identical to its float sums): n_i += 1, s_i += the voxel's absolute difference, read from
 * diff[v] (box-sized) when roi_only is 0, or from diff[k] for the k-th ROI voxel in C order when
 * roi_only is 1. */
void radx_ngtdm_accumulate(const radx_texture_input *in, const double *diff, int roi_only, radx_ngtdm_mat *m);
/* The same from the k-th ROI voxel's (C order) neighbour count and sum, packed by radx_ngtdm_code
 * (kernels/rules/narrow_rules.h; na neighbour angles) in w-byte codes: each difference is
 * radx_ngtdm_absdiff of the same integers, so m equals radx_ngtdm_accumulate's bit for bit. */
void radx_ngtdm_accumulate_codes(const radx_texture_input *in, const void *codes, int w, int64_t na, radx_ngtdm_mat *m);
/* NGTDM matrix on the CPU (radx_tex_neighbour_pass, then radx_ngtdm_accumulate); m allocated here. */
radx_status radx_ngtdm_matrix(const radx_texture_input *in, const radx_tex_nbclass *s, radx_ngtdm_mat *m,
                              radx_err *err);
radx_status radx_ngtdm_from_matrix(const radx_tex_nbclass *s, const radx_ngtdm_mat *m, double *out, radx_err *err);

#ifdef __cplusplus
}
#endif
#endif
