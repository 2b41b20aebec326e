/* SPDX-License-Identifier: BSD-3-Clause */
/* GLCM and GLRLM in three steps, so that the CPU path (host/features/glcm.c, host/features/glrlm.c) and the CUDA
 * path (kernels/cuda/glcm.cu, kernels/cuda/glrlm.cu) share everything but the counting:
 *
 *   1. radx_<class>_prepare: argument checks, the gray levels present in the ROI (the level index
 *      volume: matrices have one row per level present, as PyRadiomics deletes the absent ones),
 *      the angles (kernels/rules/angles.h);
 *   2. the integer matrices, one per angle: radx_<class>_count_angle on the CPU, the CUDA kernels
 *      on the GPU.  Both give the same counts cell for cell (they apply the rules of
 *      kernels/rules/glcm_rules.h / kernels/rules/glrlm_rules.h to the same level index);
 *   3. radx_<class>_from_counts: the features from those matrices, reading them through a
 *      radx_angular_count_fn (the CPU counts an angle when asked; the GPU path hands out the
 *      matrices it downloaded, radx_angular_counts_get).  The same C code for both backends, so
 *      the features are bit-identical whenever the matrices are.
 *
 * Matrix layouts (uint32 counts, row-major, one matrix of ncell cells per angle):
 *   GLCM   n x n: cell li[c] * n + li[c + angle] for each pair (centre c, neighbour c + angle),
 *          not symmetrised (radx_glcm_from_counts adds the transpose when symmetricalGLCM is set);
 *   GLRLM  n x L: cell g * L + (length - 1) for each run of level index g; the matrix of an angle
 *          along which no line holds more than one ROI voxel is all zero (PyRadiomics'
 *          multiElement rule; kernels/rules/glrlm_rules.h). */
#ifndef RADX_GLCM_GLRLM_H
#define RADX_GLCM_GLRLM_H

#include <stddef.h>
#include <stdint.h>
#include "core/error.h"
#include "params/params.h"
#include "features/features.h"
#include "rules/glcm_features.h" /* radx_glcm_ws */

#ifdef __cplusplus
extern "C" {
#endif

/* What steps 2 and 3 need, from step 1 (owned; radx_angular_prep_free). */
typedef struct radx_angular_prep {
    long long dims[3]; /* ROI bounding box (nz, ny, nx); flat index x + nx*(y + ny*z) */
    int32_t *li;       /* level index per box voxel: 0..n-1 inside the ROI, -1 outside */
    double *vals;      /* the n gray levels present in the ROI, ascending */
    int *ivals;        /* GLCM: the same as int (NULL for GLRLM) */
    int n;             /* gray levels present in the ROI */
    int ng;            /* GLCM: the largest of them (PyRadiomics' Ng) */
    long long L;       /* GLRLM: longest possible run, max(dims): the columns of a matrix */
    int *angles;       /* na angles, (dz, dy, dx) each */
    int na;
    int sym;      /* GLCM: symmetricalGLCM */
    size_t ncell; /* cells of one angle's matrix: n*n (GLCM) or n*L (GLRLM) */
    /* device copies of the level and ROI boxes li was made from, when a device backend has them
     * (the device then makes li from them instead of uploading it); NULL otherwise */
    const int32_t *d_gl;
    const uint8_t *d_roi;
} radx_angular_prep;

/* Writes angle a's matrix (ncell counts) into cnt and returns the sum of its counts.  The same
 * signature as radx_tex_count_fn (host/features/texture_common.h). */
typedef uint64_t (*radx_angular_count_fn)(const void *ctx, int a, uint32_t *cnt);

void radx_angular_prep_free(radx_angular_prep *g); /* NULL-safe; zeroes *g */

/* A matrix source over matrices already counted: na matrices of ncell cells, angle after angle,
 * in one buffer (e.g. downloaded from the GPU).  radx_angular_counts_get copies angle a's. */
typedef struct radx_angular_counts {
    const uint32_t *cnt;
    size_t ncell;
} radx_angular_counts;
uint64_t radx_angular_counts_get(const void *ctx, int a, uint32_t *cnt);

/* ---- GLCM (host/features/glcm.c) -------------------------------------------------------------------- */

/* Step 1.  out[0..radx_glcm_nfeatures) = NaN first (also on error).  On error *g holds nothing. */
radx_status radx_glcm_prepare(const radx_texture_input *in, const radx_params *p, double *out, radx_angular_prep *g,
                              radx_err *err);
/* Step 2 on the CPU (ctx: the radx_angular_prep): angle a's n x n counts, not symmetrised. */
uint64_t radx_glcm_count_angle(const void *ctx, int a, uint32_t *cnt);
/* Step 3: every feature into out (radx_glcm_features[] order) from the matrices count(ctx, a, .)
 * gives for a = 0..na-1 (called from several threads at once, in any order; each angle once per
 * call of this function).  spacing_zyx: for weightingNorm. */
radx_status radx_glcm_from_counts(const radx_angular_prep *g, const radx_params *p, const double spacing_zyx[3],
                                  radx_angular_count_fn count, const void *ctx, double *out, radx_err *err);
/* The per-matrix features' workspace (kernels/rules/glcm_features.h) for n levels, the largest ng;
 * with_counts: also the n x n counts.  -1 when out of memory (nothing left allocated). */
int radx_glcm_ws_alloc(radx_glcm_ws *w, int n, int ng, int with_counts);
void radx_glcm_ws_free(radx_glcm_ws *w);

/* ---- GLRLM (host/features/glrlm.c) ------------------------------------------------------------------ */

/* Step 1.  out[0..radx_glrlm_nfeatures) = NaN first (also on error).  On error *g holds nothing. */
radx_status radx_glrlm_prepare(const radx_texture_input *in, const radx_params *p, double *out, radx_angular_prep *g,
                               radx_err *err);
/* Step 2 on the CPU (ctx: the radx_angular_prep): angle a's n x L counts, zeroed when the angle
 * fails the multiElement rule; returns the number of runs counted. */
uint64_t radx_glrlm_count_angle(const void *ctx, int a, uint32_t *cnt);
/* Step 3, as radx_glcm_from_counts. */
radx_status radx_glrlm_from_counts(const radx_angular_prep *g, const radx_params *p, const double spacing_zyx[3],
                                   radx_angular_count_fn count, const void *ctx, double *out, radx_err *err);

#ifdef __cplusplus
}
#endif
#endif
