/* SPDX-License-Identifier: BSD-3-Clause */
/* radx internal interfaces shared by the host modules (not installed, not public). */
#ifndef RADX_INTERNAL_H
#define RADX_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include "radx.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------------------------
 * Errors.  Every module reports failures by filling a caller-provided radx_err; the public API
 * copies it into the context.  Messages are one line, no trailing newline, and name the file
 * or the setting and the problem ("brain1.nrrd: truncated gzip stream").
 * ---------------------------------------------------------------------------------------- */
#define RADX_ERR_LEN 1024
typedef struct radx_err {
    radx_status status;
    char msg[RADX_ERR_LEN];
} radx_err;

/* Hot loops over independent lanes get an AVX2 clone besides the baseline x86-64 one, chosen
 * when the program loads (GCC/Clang function multi-versioning).  AVX2 without FMA, and the
 * project builds with -ffp-contract=off: both clones round every operation the same way, so
 * results do not depend on the CPU. */
#if defined(__x86_64__) && defined(__linux__) && (defined(__GNUC__) || defined(__clang__)) && \
    !defined(RADX_NO_CLONES)
#define RADX_SIMD_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define RADX_SIMD_CLONES
#endif

/* Sets err (if not NULL) and returns status.  printf-style. */
radx_status radx_seterr(radx_err *err, radx_status status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* ------------------------------------------------------------------------------------------
 * Volumes.  Index order is ITK/NIfTI order: x fastest.  voxel (i,j,k) lives at
 * data[i + size[0]*(j + size[1]*k)].  That flat buffer is byte-for-byte the C-contiguous
 * numpy array PyRadiomics gets from sitk.GetArrayFromImage, whose shape is (z, y, x).
 * ---------------------------------------------------------------------------------------- */
typedef struct radx_geom {
    int64_t size[3];      /* voxels along x, y, z (a 2-D image has size[2] == 1) */
    double spacing[3];    /* mm, x y z */
    double origin[3];     /* mm, LPS world coordinates of voxel (0,0,0) as ITK reports them */
    double direction[9];  /* row-major 3x3; column c is the world direction of index axis c (ITK) */
    int ndim;             /* 2 or 3 as stored in the file */
} radx_geom;

typedef struct radx_volume {
    radx_geom g;
    radx_dtype dtype;     /* native pixel type as stored in the file */
    void *data;           /* malloc'ed, size[0]*size[1]*size[2] elements of dtype */
} radx_volume;

size_t radx_dtype_size(radx_dtype t);
const char *radx_dtype_name(radx_dtype t);
static inline int64_t radx_geom_nvox(const radx_geom *g) { return g->size[0] * g->size[1] * g->size[2]; }
/* The world position (mm) of a continuous index (x y z), as ITK's TransformContinuousIndexToPhysicalPoint. */
static inline void radx_geom_index_to_physical(const radx_geom *g, const double idx[3], double out[3])
{
    for (int r = 0; r < 3; r++) {
        out[r] = g->origin[r];
        for (int c = 0; c < 3; c++) out[r] += g->direction[3 * r + c] * g->spacing[c] * idx[c];
    }
}
/* Voxel value as double (exact for every supported type except |int64| > 2^53). */
double radx_volume_get(const radx_volume *v, int64_t idx);
void radx_volume_free(radx_volume *v); /* frees data, zeroes the struct; NULL-safe */

/* host/io/read.c: reads NIfTI-1/2 (.nii, .nii.gz, .hdr/.img) via libnifti2 and NRRD (.nrrd, .nhdr;
 * raw and gzip, attached and detached) via teem, into *out (native dtype, ITK LPS geometry as
 * SimpleITK would report it).  Refuses: missing/unreadable/empty files, truncated or corrupt
 * data, vector/4-D images with more than one component or time point, unsupported pixel types,
 * and headers whose size would exceed RADX_MAX_VOXELS.  On failure *out is left zeroed. */
#define RADX_MAX_VOXELS ((int64_t)1 << 31)
radx_status radx_volume_read(const char *path, radx_volume *out, radx_err *err);

/* ------------------------------------------------------------------------------------------
 * Settings (PyRadiomics names; defaults are PyRadiomics 3.0.1's _getDefaultSettings()).
 * host/params/params.c fills it from a parameter file and from -s NAME:VALUE overrides.
 * ---------------------------------------------------------------------------------------- */
typedef enum radx_wnorm {
    RADX_WNORM_NONE = 0, /* weightingNorm: None -> angles kept separate, features averaged */
    RADX_WNORM_MANHATTAN, RADX_WNORM_EUCLIDEAN, RADX_WNORM_INFINITY, RADX_WNORM_NO_WEIGHTING
} radx_wnorm;

typedef enum radx_reseg_mode { RADX_RESEG_ABSOLUTE = 0, RADX_RESEG_RELATIVE, RADX_RESEG_SIGMA } radx_reseg_mode;

/* Feature classes, in the order PyRadiomics lists its modules (pkgutil, alphabetical). */
typedef enum radx_class {
    RADX_CLASS_FIRSTORDER = 0, RADX_CLASS_GLCM, RADX_CLASS_GLDM, RADX_CLASS_GLRLM,
    RADX_CLASS_GLSZM, RADX_CLASS_NGTDM, RADX_CLASS_SHAPE, RADX_CLASS_SHAPE2D, RADX_CLASS_COUNT
} radx_class;

/* Image types PyRadiomics knows (imageType: keys); which ones radx computes: check_computable in host/api/api.c. */
typedef enum radx_imtype {
    RADX_IMG_ORIGINAL = 0, RADX_IMG_LOG, RADX_IMG_WAVELET, RADX_IMG_SQUARE, RADX_IMG_SQUAREROOT,
    RADX_IMG_LOGARITHM, RADX_IMG_EXPONENTIAL, RADX_IMG_GRADIENT, RADX_IMG_LBP2D, RADX_IMG_LBP3D,
    RADX_IMG_COUNT
} radx_imtype;

#define RADX_MAX_DISTANCES 32
#define RADX_MAX_SIGMAS 32
#define RADX_MAX_NAMES 64

typedef struct radx_class_sel {
    int enabled;               /* class listed (or default-enabled) */
    int all;                   /* no list / empty list: all non-deprecated features */
    int n;                     /* explicit feature names, in file order */
    char *names[RADX_MAX_NAMES];
} radx_class_sel;

typedef struct radx_imtype_sel {
    int enabled;
    int n_sigma;               /* LoG: sigma list (mm) */
    double sigma[RADX_MAX_SIGMAS];
    char sigma_text[RADX_MAX_SIGMAS][32]; /* Python str() of each sigma (image type names) */
    /* custom per-image-type settings are stored verbatim for the diagnostics row */
    char custom[512];
} radx_imtype_sel;

struct radx_params {
    /* --- general --- */
    int label;                 /* default 1 */
    int label_channel;         /* default 0 */
    int additional_info;       /* default 1 (diagnostics rows) */
    int has_geometry_tolerance; double geometry_tolerance;
    int correct_mask;          /* default 0 */
    int minimum_roi_dimensions;/* default 2 (1..3) */
    int has_minimum_roi_size; int64_t minimum_roi_size;
    int pre_crop;              /* default 0 */
    int pad_distance;          /* default 5 */
    /* --- normalisation / resegmentation --- */
    int normalize; double normalize_scale;       /* default 0, 1 */
    int has_remove_outliers; double remove_outliers;
    int n_reseg_range; double reseg_range[2];    /* 0 = resegmentation off; 1 = lower bound only */
    radx_reseg_mode reseg_mode;                  /* default absolute */
    int reseg_shape;                             /* default 0 */
    /* --- resampling --- */
    int has_resampled_spacing; double resampled_spacing[3];
    char interpolator[32];                       /* default "sitkBSpline" */
    /* --- discretisation --- */
    int has_bin_count; int bin_count;            /* binCount takes precedence when set */
    double bin_width;                            /* default 25 */
    double voxel_array_shift;                    /* default 0 */
    /* --- texture --- */
    int n_distances; int distances[RADX_MAX_DISTANCES]; /* default [1] */
    int symmetrical_glcm;                        /* default 1 */
    radx_wnorm weighting_norm;                   /* default NONE */
    double gldm_a;                               /* default 0 */
    int force2d; int force2d_dimension;          /* default 0, 0 (numpy axis: 0 = z) */
    /* --- first order / IBSI switches --- */
    int ibsi_kurtosis_excess;  /* radx extension, default 0: PyRadiomics (non-excess) kurtosis */
    int log_mode;              /* radx extension 'logKernel': 0 = pyradiomics (default), 1 = ibsi */
    /* --- voxel-based --- */
    int kernel_radius; int masked_kernel; double init_value; int voxel_batch;
    /* --- what to compute --- */
    radx_imtype_sel imtype[RADX_IMG_COUNT];
    int imtype_order[RADX_IMG_COUNT]; int n_imtype_order;   /* order as in the file */
    radx_class_sel cls[RADX_CLASS_COUNT];
    int class_order[RADX_CLASS_COUNT]; int n_class_order;  /* order as in the file */
    /* --- provenance --- */
    char source[1024];         /* parameter file path, "" for defaults */
    /* owned by host/params/params.c (params.h): order of the given settings, settings radx keeps but
     * does not use, per-image-type custom settings; NULL for plain defaults */
    struct radx_params_extra *extra;
};

/* host/params/params.c */
void radx_params_init_defaults(radx_params *p);   /* PyRadiomics defaults; all classes but shape2D */
void radx_params_clear(radx_params *p);           /* frees owned names */
radx_status radx_params_copy(radx_params *dst, const radx_params *src, radx_err *err);
/* Diagnostics text of the effective settings, PyRadiomics dict style. */
void radx_params_format_settings(const radx_params *p, char *buf, size_t len);
void radx_params_format_imtypes(const radx_params *p, char *buf, size_t len);

/* ------------------------------------------------------------------------------------------
 * Feature modules.  Each computes every feature of its class (deprecated ones included) into
 * out[], in the order of its name table; the pipeline picks what the user enabled.
 * NaN is a legitimate value where PyRadiomics returns nan.
 * ---------------------------------------------------------------------------------------- */
typedef struct radx_feature_info {
    const char *name;          /* PyRadiomics feature name, e.g. "JointAverage" */
    int deprecated;            /* 1: not enabled by "all", only when named; 2: never reported
                                  (PyRadiomics' getter raises DeprecationWarning) */
} radx_feature_info;

/* Tables; sorted as Python's dir() sorts (plain ASCII), which is PyRadiomics' output order. */
extern const radx_feature_info radx_firstorder_features[]; extern const int radx_firstorder_nfeatures;
extern const radx_feature_info radx_glcm_features[];       extern const int radx_glcm_nfeatures;
extern const radx_feature_info radx_glrlm_features[];      extern const int radx_glrlm_nfeatures;
extern const radx_feature_info radx_glszm_features[];      extern const int radx_glszm_nfeatures;
extern const radx_feature_info radx_gldm_features[];       extern const int radx_gldm_nfeatures;
extern const radx_feature_info radx_ngtdm_features[];      extern const int radx_ngtdm_nfeatures;
extern const radx_feature_info radx_shape_features[];      extern const int radx_shape_nfeatures;
extern const radx_feature_info radx_shape2d_features[];    extern const int radx_shape2d_nfeatures;

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
    double spacing_zyx[3];     /* mm, numpy order (z, y, x) as PyRadiomics' GetSpacing()[::-1] */
    const int32_t *gl;         /* discretised gray level, 1..ng inside the ROI, 0 outside */
    const uint8_t *roi;        /* 1 inside the ROI, 0 outside */
    int ng;                    /* max gray level in the ROI (PyRadiomics coefficients['Ng']) */
    int64_t n_roi;             /* ROI voxel count */
} radx_texture_input;

/* Each returns RADX_OK or an error in err.  out has radx_<class>_nfeatures slots.
 * Threads (OpenMP) may be used; results must not depend on the thread count. */
radx_status radx_glcm_compute(const radx_texture_input *in, const radx_params *p, double *out, radx_err *err);
radx_status radx_glrlm_compute(const radx_texture_input *in, const radx_params *p, double *out, radx_err *err);
radx_status radx_glszm_compute(const radx_texture_input *in, const radx_params *p, double *out, radx_err *err);
radx_status radx_gldm_compute(const radx_texture_input *in, const radx_params *p, double *out, radx_err *err);
radx_status radx_ngtdm_compute(const radx_texture_input *in, const radx_params *p, double *out, radx_err *err);

/* First order: x[] holds the n ROI voxel values (original gray levels, double, PyRadiomics'
 * targetVoxelArray), gl[] their discretised gray levels (1..ng) for Entropy/Uniformity.
 * voxel_volume = product of spacings (mm^3). */
radx_status radx_firstorder_compute(const double *x, const int32_t *gl, int64_t n, int ng,
                                    double voxel_volume, const radx_params *p, double *out,
                                    radx_err *err);
/* The same from the values sorted ascending and the level counts hist[0..ng] (host/features/firstorder.c;
 * radx_firstorder_compute sorts and counts, the CUDA backend does both on the device). */
radx_status radx_firstorder_from_sorted(const double *sorted, int64_t n, const int64_t *hist, int ng,
                                        double voxel_volume, const radx_params *p, double *out, radx_err *err);
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
radx_status radx_shape_diameters(const int32_t *v, int64_t n, const int64_t ext[3], const double sp[3],
                                 int planar_only, int brute, double diam[4], radx_err *err);
radx_status radx_shape_covariance(const uint8_t *roi, const int64_t d[3], const double sp[3],
                                  double cov[3][3], int64_t *np_out, radx_err *err);
void radx_shape_eigvals(int n, double a[3][3], double w[3]);
radx_status radx_shape_check_input(const radx_shape_input *in, const char *cls, radx_err *err);
/* Shape features from a built mesh (host/features/shape.c; the CPU loop and kernels/cuda/shape.cu share it):
 * per-triangle terms in cube order, crossing-edge vertices (or the diameters found from them,
 * diam_given: Slice, Column, Row, 3-D), ROI voxel count. */
radx_status radx_shape_from_mesh(const radx_shape_input *in, const double *vol6, const double *area, int64_t ntri,
                                 const int32_t *vtx, int64_t nvtx, const double *diam_given, int64_t np, double *out,
                                 radx_err *err);

/* ------------------------------------------------------------------------------------------
 * Preprocessing (host/cpu/resample.c, host/cpu/log_filter.c)
 * ---------------------------------------------------------------------------------------- */
/* PyRadiomics' imageoperations.resampleImage (resampledPixelSpacing, interpolator, padDistance,
 * label): resamples the image with p->interpolator and the mask with nearest neighbour onto the
 * grid PyRadiomics/SimpleITK build (aligned to the mask origin, covering the ROI bounding box plus
 * padDistance voxels of the new spacing), including PyRadiomics' shortcut when the new spacing
 * equals the image's (mask resampled onto the image, then crop).  img may be any dtype (a
 * normalised image arrives as F64); *img_out keeps img's dtype with values converted as ITK's
 * ResampleImageFilter converts them; *mask_out is U32 with the mask values (not just the label).
 * Errors: RADX_ERR_PARAM (bad spacing / unknown interpolator), RADX_ERR_GEOMETRY (ROI outside the
 * image), RADX_ERR_NOMEM (grid above RADX_MAX_RESAMPLED_VOXELS or allocation failure). */
#define RADX_MAX_RESAMPLED_VOXELS ((int64_t)1 << 28)
radx_status radx_resample(const radx_volume *img, const radx_volume *mask, const radx_params *p,
                          uint32_t label, radx_volume *img_out, radx_volume *mask_out, radx_err *err);

/* PyRadiomics _correctMask's resampling: mask -> grid g, nearest neighbour as SimpleITK does it;
 * *out is U32 (mask values, 0 outside the mask).  RADX_ERR_NOMEM / RADX_ERR_ARG. */
radx_status radx_resample_mask_onto(const radx_volume *mask, const radx_geom *g, radx_volume *out, radx_err *err);

/* PyRadiomics' _checkROI: label present in mask, the ROI bounding box (voxel edges, mapped with
 * ITK's index arithmetic) inside img within 1e-3 voxel; fills the box (mask indices, inclusive).
 * RADX_ERR_LABEL / RADX_ERR_GEOMETRY; the message names no file (callers prefix it). */
radx_status radx_check_roi_in_image(const radx_volume *img, const radx_volume *mask, uint32_t label,
                                    int64_t bblo[3], int64_t bbhi[3], radx_err *err);

/* Laplacian of Gaussian by FFT.  RADX_LOG_PYRADIOMICS reproduces SimpleITK's
 * LaplacianRecursiveGaussianImageFilter (NormalizeAcrossScale on) as PyRadiomics applies it;
 * RADX_LOG_IBSI is IBSI-2's Gaussian LoG.  sigma in mm.  *out: F32 volume, same geometry as in.
 * Errors: RADX_ERR_PARAM (sigma <= 0, or too large for the image as PyRadiomics checks it),
 * RADX_ERR_NOMEM. */
typedef enum radx_log_mode { RADX_LOG_PYRADIOMICS = 0, RADX_LOG_IBSI = 1 } radx_log_mode;
radx_status radx_log_filter(const radx_volume *in, double sigma_mm, radx_log_mode mode,
                            radx_volume *out, radx_err *err);

#ifdef __cplusplus
}
#endif
#endif
