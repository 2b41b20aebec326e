/* SPDX-License-Identifier: BSD-3-Clause */
/* The feature classes: their tables, inputs and computations (host/features/). */
#ifndef RADX_FEATURES_H
#define RADX_FEATURES_H

#include <stdint.h>
#include "core/error.h"
#include "params/params.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------------------------
 * Feature modules.  Each computes every feature of its class (deprecated ones included) into
 * out[], in the order of its name table; the pipeline picks what the user enabled.
 * NaN is a legitimate value where PyRadiomics returns nan.
 * ---------------------------------------------------------------------------------------- */
typedef struct radx_feature_info {
    const char *name; /* PyRadiomics feature name, e.g. "JointAverage" */
    int deprecated;   /* 1: not enabled by "all", only when named; 2: never reported
                                  (PyRadiomics' getter raises DeprecationWarning) */
    const char *ibsi; /* IBSI-1 tag as the manual's tables write it ("Fcm.joint.max"); NULL: none */
} radx_feature_info;

/* Tables; sorted as Python's dir() sorts (plain ASCII), which is PyRadiomics' output order. */
extern const radx_feature_info radx_firstorder_features[];
extern const int radx_firstorder_nfeatures;
extern const radx_feature_info radx_glcm_features[];
extern const int radx_glcm_nfeatures;
extern const radx_feature_info radx_glrlm_features[];
extern const int radx_glrlm_nfeatures;
extern const radx_feature_info radx_glszm_features[];
extern const int radx_glszm_nfeatures;
extern const radx_feature_info radx_gldm_features[];
extern const int radx_gldm_nfeatures;
extern const radx_feature_info radx_ngtdm_features[];
extern const int radx_ngtdm_nfeatures;
extern const radx_feature_info radx_shape_features[];
extern const int radx_shape_nfeatures;
extern const radx_feature_info radx_shape2d_features[];
extern const int radx_shape2d_nfeatures;
/* IBSI-1 classes, in IBSI's order (host/features/ibsi_*.c) */
extern const radx_feature_info radx_gldzm_features[];
extern const int radx_gldzm_nfeatures;
extern const radx_feature_info radx_ngldm_features[];
extern const int radx_ngldm_nfeatures;
extern const radx_feature_info radx_ih_features[];
extern const int radx_ih_nfeatures;
extern const radx_feature_info radx_ivh_features[];
extern const int radx_ivh_nfeatures;
extern const radx_feature_info radx_li_features[];
extern const int radx_li_nfeatures;
extern const radx_feature_info radx_stat_features[];
extern const int radx_stat_nfeatures;
extern const radx_feature_info radx_morph_features[];
extern const int radx_morph_nfeatures;

/* The name ("glcm", "shape2D", ...) and feature table of a class (host/features/feature_tables.c). */
const char *radx_class_name(radx_class c);
void radx_class_table(radx_class c, const radx_feature_info **tab, int *n);
/* The enabled classes in output order: file order when a parameter file named them, else
 * PyRadiomics' module order.  order has RADX_CLASS_COUNT slots; returns how many. */
int radx_class_order(const radx_params *p, radx_class *order);

/* Input to the texture classes: the ROI bounding box (cropped, no padding), numpy order.
 * dims_zyx = (nz, ny, nx); flat index = x + nx*(y + ny*z), identical to numpy C order. */
typedef struct radx_texture_input {
    int64_t dims_zyx[3];
    double spacing_zyx[3]; /* mm, numpy order (z, y, x) as PyRadiomics' GetSpacing()[::-1] */
    const int32_t *gl;     /* discretised gray level, 1..ng inside the ROI, 0 outside */
    const uint8_t *roi;    /* 1 inside the ROI, 0 outside */
    const uint8_t *morph;  /* IBSI's morphological mask (GLDZM's distances); NULL: roi */
    int ng;                /* max gray level in the ROI (PyRadiomics coefficients['Ng']) */
    int64_t n_roi;         /* ROI voxel count */
} radx_texture_input;

/* Each returns RADX_OK or an error in err.  out has radx_<class>_nfeatures slots.
 * Threads (OpenMP) may be used; results must not depend on the thread count. */
radx_status radx_glcm_compute(const radx_texture_input *in, const radx_params *p, double *out, radx_err *err);
radx_status radx_glrlm_compute(const radx_texture_input *in, const radx_params *p, double *out, radx_err *err);
radx_status radx_glszm_compute(const radx_texture_input *in, const radx_params *p, double *out, radx_err *err);
radx_status radx_gldm_compute(const radx_texture_input *in, const radx_params *p, double *out, radx_err *err);
radx_status radx_ngtdm_compute(const radx_texture_input *in, const radx_params *p, double *out, radx_err *err);
/* The one of the five above that c names (RADX_CLASS_GLCM .. RADX_CLASS_NGTDM; another class:
 * RADX_ERR_INTERNAL); host/features/texture_class.c. */
radx_status radx_texture_compute(radx_class c, const radx_texture_input *in, const radx_params *p, double *out,
                                 radx_err *err);

/* First order: x[] holds the n ROI voxel values (original gray levels, double, PyRadiomics'
 * targetVoxelArray), gl[] their discretised gray levels (1..ng) for Entropy/Uniformity.
 * voxel_volume = product of spacings (mm^3). */
radx_status radx_firstorder_compute(const double *x, const int32_t *gl, int64_t n, int ng, double voxel_volume,
                                    const radx_params *p, double *out, radx_err *err);
/* The same from the values sorted ascending and the level counts hist[0..ng] (host/features/firstorder.c;
 * radx_firstorder_compute sorts and counts, the CUDA backend does both on the device). */
radx_status radx_firstorder_from_sorted(const double *sorted, int64_t n, const int64_t *hist, int ng,
                                        double voxel_volume, const radx_params *p, double *out, radx_err *err);
/* Sorts n finite doubles ascending, -0.0 before +0.0 (host/features/firstorder.c); -1 when out of memory. */
int radx_firstorder_sort(double *s, int64_t n);

/* IBSI-1 intensity families (host/features/ibsi_intensity.c), out in their tables' order:
 * statistics beyond first order of the n ROI values x; the intensity histogram of their levels
 * gl (1..ng); the intensity-volume histogram of x (ivhBinWidth / ivhBinCount, the absolute
 * re-segmentation range). */
radx_status radx_stat_compute(const double *x, int64_t n, double *out, radx_err *err);
radx_status radx_ih_compute(const int32_t *gl, int64_t n, int ng, double *out, radx_err *err);
radx_status radx_ivh_compute(const double *x, int64_t n, const radx_params *p, double *out, radx_err *err);

/* Merges the k runs src[bounds[r] .. bounds[r + 1]), each sorted ascending in the order
 * radx_firstorder_compute sorts by (-0.0 before +0.0), into dst: the whole array in that order
 * (the CUDA first order sorts a too large ROI chunk by chunk).  -1 when out of memory. */
int radx_firstorder_merge_runs(const double *src, const int64_t *bounds, int k, double *dst);

/* Shape: roi is the ROI bounding box (no padding; the module pads internally), numpy order as
 * in radx_texture_input.  shape2d requires force2D-style input (one slice along
 * force2d_dimension); it returns RADX_ERR_ROI with a message when the ROI spans more than one
 * slice along that dimension, as PyRadiomics raises. */
typedef struct radx_shape_input {
    int64_t dims_zyx[3];
    double spacing_zyx[3];
    const uint8_t *roi;
    int64_t n_roi;
} radx_shape_input;
radx_status radx_shape_compute(const radx_shape_input *in, const radx_params *p, double *out, radx_err *err);
radx_status radx_shape2d_compute(const radx_shape_input *in, const radx_params *p, double *out, radx_err *err);

/* PyRadiomics' featureextractor.computeShape decision for shape2D (quirks documented in
 * host/features/shape2d.c): 1 = call radx_shape2d_compute (which may return RADX_ERR_ROI where
 * PyRadiomics raises and aborts the case), 0 = skip (PyRadiomics warns).  ndim: mask dimension
 * as stored; bbox_dims_zyx: ROI bounding-box size, numpy order. */
int radx_shape2d_extractor_gate(int ndim, const radx_params *p, const int64_t bbox_dims_zyx[3]);

/* host/features/shape.c helpers shared with host/features/shape2d.c (and the shape test). */
radx_status radx_shape_diameters(const int32_t *v, int64_t n, const int64_t ext[3], const double sp[3], int planar_only,
                                 int brute, double diam[4], radx_err *err);
radx_status radx_shape_covariance(const uint8_t *roi, const int64_t d[3], const double sp[3], double cov[3][3],
                                  int64_t *np_out, radx_err *err);
void radx_shape_eigvals(int n, double a[3][3], double w[3]);
radx_status radx_shape_check_input(const radx_shape_input *in, const char *cls, radx_err *err);
/* Shape features from a built mesh (host/features/shape.c; the CPU loop and kernels/cuda/shape.cu share it):
 * per-triangle terms in cube order, crossing-edge vertices (or the diameters found from them,
 * diam_given: Slice, Column, Row, 3-D), ROI voxel count. */
radx_status radx_shape_from_mesh(const radx_shape_input *in, const double *vol6, const double *area, int64_t ntri,
                                 const int32_t *vtx, int64_t nvtx, const double *diam_given, int64_t np, double *out,
                                 radx_err *err);

#ifdef __cplusplus
}
#endif
#endif
