/* SPDX-License-Identifier: BSD-3-Clause */
/* PyRadiomics parameter files and -s NAME:VALUE overrides (host/params; params_internal.h
 * lists its files).
 *
 * Semantics are PyRadiomics 3.0.1's (featureextractor._applyParams, schemas/paramSchema.yaml,
 * schemas/schemaFuncs.py, scripts._parseOverrides):
 *  - a file is parsed with libyaml (JSON files are YAML too) and validated against the schema:
 *    unknown keys, wrong types, out-of-range values, unknown image types / feature classes /
 *    feature names, unknown interpolator / weightingNorm / resegmentMode / wavelet names fail
 *    with RADX_ERR_PARAM and a one-line message naming the file, the key and the value;
 *  - loading a file RESETS the settings to the defaults and applies the file (PyRadiomics'
 *    loadParams does the same): settings not in the file are lost, so apply -s overrides after
 *    loading; a file replaces the enabled image types (none listed: Original only) and feature
 *    classes (none listed: all eight classes, shape2D included, as PyRadiomics does);
 *  - a global 'sigma' (which radx does not use) is validated and kept, and shows up in
 *    radx_params_format_settings;
 *  - stricter than PyRadiomics where PyRadiomics would only fail (or misbehave) later, at
 *    extraction time: None for a setting that has no "off" state (binWidth, label, distances,
 *    ...), resegmentRange with 0 or more than 2 values, an empty distances list, a
 *    resampledPixelSpacing without exactly 3 values, NaN / infinite values of ranged
 *    numbers, NaN in resegmentRange, booleans as interpolator, "-s" booleans other than
 *    true/false/1/0.  'dtype' and 'Ngtdm settings' are rejected, as PyRadiomics 3.0.1 does
 *    (they are not in its schema).
 *  - radx extension: 'ibsiKurtosisExcess' (bool) is accepted under setting: and by -s only.
 *
 * Status codes: RADX_ERR_IO (missing, unreadable or empty file), RADX_ERR_FORMAT (YAML syntax
 * error or invalid UTF-8, with line and column; more than one YAML document), RADX_ERR_PARAM
 * (anything the schema refuses), RADX_ERR_NOMEM.  On any failure *p is left unchanged.
 *
 * radx_params_format_settings prints the effective settings as PyRadiomics'
 * diagnostics_Configuration_Settings: the repr of the dict PyRadiomics builds (its defaults in
 * its key order, then the given keys in the order they were given: file 'setting:', file
 * 'voxelSetting:', then -s overrides), with each value as PyRadiomics holds it (ints stay
 * ints, 'nan' given as a plain YAML scalar is the string 'nan', -s numbers are floats).  A
 * value changed directly in the struct afterwards (e.g. label) is printed from the struct. */
#ifndef RADX_PARAMS_H
#define RADX_PARAMS_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------------------------
 * Settings (PyRadiomics names; defaults are PyRadiomics 3.0.1's _getDefaultSettings()).
 * host/params fills it from a parameter file and from -s NAME:VALUE overrides.
 * ---------------------------------------------------------------------------------------- */
typedef enum radx_wnorm {
    RADX_WNORM_NONE = 0, /* weightingNorm: None -> angles kept separate, features averaged */
    RADX_WNORM_MANHATTAN,
    RADX_WNORM_EUCLIDEAN,
    RADX_WNORM_INFINITY,
    RADX_WNORM_NO_WEIGHTING
} radx_wnorm;

typedef enum radx_reseg_mode { RADX_RESEG_ABSOLUTE = 0, RADX_RESEG_RELATIVE, RADX_RESEG_SIGMA } radx_reseg_mode;

/* Feature classes: PyRadiomics' in the order it lists its modules (pkgutil, alphabetical), then the
 * IBSI-1 families PyRadiomics lacks (never enabled by default). */
typedef enum radx_class {
    RADX_CLASS_FIRSTORDER = 0,
    RADX_CLASS_GLCM,
    RADX_CLASS_GLDM,
    RADX_CLASS_GLRLM,
    RADX_CLASS_GLSZM,
    RADX_CLASS_NGTDM,
    RADX_CLASS_SHAPE,
    RADX_CLASS_SHAPE2D,
    RADX_CLASS_GLDZM, /* grey level distance zone matrix */
    RADX_CLASS_IH,    /* intensity histogram */
    RADX_CLASS_IVH,   /* intensity-volume histogram */
    RADX_CLASS_LI,    /* local intensity */
    RADX_CLASS_MORPH, /* morphology beyond PyRadiomics' shape */
    RADX_CLASS_NGLDM, /* neighbouring grey level dependence matrix */
    RADX_CLASS_STAT,  /* intensity statistics beyond PyRadiomics' first order */
    RADX_CLASS_COUNT
} radx_class;
#define RADX_CLASS_PYRADIOMICS_COUNT (RADX_CLASS_SHAPE2D + 1)

/* How a texture class aggregates its matrices (IBSI-1).  PYRADIOMICS: PyRadiomics' own way (3-D
 * directions averaged, or in-plane with force2D; GLDZM and NGLDM: 3D or 2.5D). */
typedef enum radx_aggregation {
    RADX_AGG_PYRADIOMICS = 0,
    RADX_AGG_2D_AVG,   /* 2D, averaged */
    RADX_AGG_2D_SMRG,  /* 2D, slice-merged */
    RADX_AGG_25D_DMRG, /* 2.5D, direction-merged */
    RADX_AGG_25D_VMRG, /* 2.5D, merged */
    RADX_AGG_3D_AVG,   /* 3D, averaged */
    RADX_AGG_3D_MRG,   /* 3D, merged */
    RADX_AGG_2D,       /* classes without directions: per slice, averaged */
    RADX_AGG_25D,      /* slices merged */
    RADX_AGG_3D,       /* the volume */
    RADX_AGG_COUNT
} radx_aggregation;
/* IBSI-1's name of an aggregation, as its reference tables word it ("2D, averaged"), and radx's
 * suffix for feature names ("2Davg", IBSI's own abbreviation without the colon). */
const char *radx_aggregation_ibsi(radx_aggregation a);
const char *radx_aggregation_suffix(radx_aggregation a);
/* The aggregation a text names (either form above, case-sensitive); RADX_AGG_PYRADIOMICS when none. */
radx_aggregation radx_aggregation_parse(const char *s);

/* Image types PyRadiomics knows (imageType: keys); which ones radx computes: check_computable in host/api/api.c. */
typedef enum radx_imtype {
    RADX_IMG_ORIGINAL = 0,
    RADX_IMG_LOG,
    RADX_IMG_WAVELET,
    RADX_IMG_SQUARE,
    RADX_IMG_SQUAREROOT,
    RADX_IMG_LOGARITHM,
    RADX_IMG_EXPONENTIAL,
    RADX_IMG_GRADIENT,
    RADX_IMG_LBP2D,
    RADX_IMG_LBP3D,
    RADX_IMG_MEAN,         /* IBSI-2's filters (radx's, never enabled by default): mean */
    RADX_IMG_LAWS,         /* Laws kernels */
    RADX_IMG_WAVELET_IBSI, /* undecimated separable wavelets */
    RADX_IMG_GABOR,        /* Gabor kernels */
    RADX_IMG_SIMONCELLI,   /* Simoncelli (non-separable) wavelets */
    RADX_IMG_COUNT
} radx_imtype;

#define RADX_MAX_DISTANCES      32
#define RADX_MAX_SIGMAS         32
#define RADX_MAX_NAMES          64
#define RADX_MAX_WAVELET_LEVELS 1000 /* start_level + level */
/* bounds on the LBP settings, far above any use: per-voxel work and table sizes grow with them */
#define RADX_MAX_LBP2D_SAMPLES  4096 /* lbp2DSamples */
#define RADX_MAX_LBP2D_RADIUS   1e9  /* lbp2DRadius (voxels) */
#define RADX_MAX_LBP3D_LEVELS   32   /* lbp3DLevels */
#define RADX_MAX_LBP3D_SUBDIV   4    /* lbp3DIcosphereSubdivision: 2562 samples per voxel */

typedef struct radx_class_sel {
    int enabled; /* class listed (or default-enabled) */
    int all;     /* no list / empty list: all non-deprecated features */
    int n;       /* explicit feature names, in file order */
    char *names[RADX_MAX_NAMES];
} radx_class_sel;

typedef struct radx_imtype_sel {
    int enabled;
    int n_sigma; /* LoG: sigma list (mm) */
    double sigma[RADX_MAX_SIGMAS];
    char sigma_text[RADX_MAX_SIGMAS][32]; /* Python str() of each sigma (image type names) */
    /* custom per-image-type settings are stored verbatim for the diagnostics row */
    char custom[512];
} radx_imtype_sel;

struct radx_params {
    /* --- general --- */
    int label;           /* default 1 */
    int label_channel;   /* default 0 */
    int additional_info; /* default 1 (diagnostics rows) */
    int has_geometry_tolerance;
    double geometry_tolerance;
    int correct_mask;           /* default 0 */
    int minimum_roi_dimensions; /* default 2 (1..3) */
    int has_minimum_roi_size;
    int64_t minimum_roi_size;
    int pre_crop;             /* default 0 */
    int gradient_use_spacing; /* gradientUseSpacing, default 1 */
    char wavelet[16];         /* PyWavelets' name, default "coif1" */
    int wavelet_start_level;  /* start_level, default 0 */
    int wavelet_level;        /* level, default 1 */
    double lbp2d_radius;      /* lbp2DRadius, default 1 */
    int lbp2d_samples;        /* lbp2DSamples, default 8 */
    int lbp2d_method;         /* lbp2DMethod: index into radx_lbp2d_methods, default 2 ('uniform') */
    int lbp3d_levels;         /* lbp3DLevels, default 2 */
    double lbp3d_radius;      /* lbp3DIcosphereRadius, default 1 */
    int lbp3d_subdivision;    /* lbp3DIcosphereSubdivision, default 1 */
    int pad_distance;         /* default 5 */
    /* --- normalisation / resegmentation --- */
    int normalize;
    double normalize_scale; /* default 0, 1 */
    int has_remove_outliers;
    double remove_outliers;
    int n_reseg_range;
    double reseg_range[2];      /* 0 = resegmentation off; 1 = lower bound only */
    radx_reseg_mode reseg_mode; /* default absolute */
    int reseg_shape;            /* default 0 */
    /* --- resampling --- */
    int has_resampled_spacing;
    double resampled_spacing[3];
    char interpolator[32]; /* default "sitkBSpline" */
    /* --- discretisation --- */
    int has_bin_count;
    int bin_count;            /* binCount takes precedence when set */
    double bin_width;         /* default 25 */
    double voxel_array_shift; /* default 0 */
    /* --- texture --- */
    int n_distances;
    int distances[RADX_MAX_DISTANCES]; /* default [1] */
    int symmetrical_glcm;              /* default 1 */
    radx_wnorm weighting_norm;         /* default NONE */
    double gldm_a;                     /* default 0 */
    int force2d;
    int force2d_dimension; /* default 0, 0 (numpy axis: 0 = z) */
    int n_aggregations;    /* textureAggregation: IBSI aggregations to compute, none = PyRadiomics' */
    radx_aggregation aggregations[RADX_AGG_COUNT];
    radx_aggregation aggregation; /* the one the texture classes compute now (set by the pipeline) */
    /* --- first order / IBSI switches --- */
    int ibsi_kurtosis_excess;   /* radx extension, default 0: PyRadiomics (non-excess) kurtosis */
    int ibsi_pca;               /* ibsiPCA: axis lengths from the covariance over N - 1 (IBSI), not N */
    int ibsi_morph_mask;        /* ibsiMorphologicalMask: shape, morph and GLDZM's distances on the whole
                                 mask before re-segmentation (IBSI's morphological mask) */
    int ibsi_interpolation;     /* ibsiInterpolation: resampling on IBSI's grid (centres aligned, whole
                                 image), the mask interpolated linearly and thresholded */
    double ibsi_mask_threshold; /* ibsiMaskThreshold: partial-volume threshold, default 0.5 */
    int ibsi_round_intensities; /* ibsiRoundIntensities: interpolated intensities rounded (CT) */
    int ibsi_discretisation;    /* ibsiDiscretisation: fixed bins from the re-segmentation's lower bound
                                 (else the ROI's minimum), fixed bin number by IBSI's formula */
    double ibsi_outlier_sigma;  /* ibsiOutlierSigma: after resegmentRange, also outside mean +- k sigma */
    double ivh_bin_width;       /* ivhBinWidth: IVH of bin centres (continuous intensities); 0: off */
    int ivh_bin_count;          /* ivhBinCount: IVH of 1..N bins (arbitrary units); 0: off */
    int log_mode;               /* radx extension 'logKernel': 0 = pyradiomics (default), 1 = ibsi */
    int mean_support;           /* meanSupport: the Mean image type's support, odd voxels, default 3 */
    char laws_kernel[8];        /* lawsKernel: e.g. "E5L5S5" (x, y, z), "L5S5" (2-D); default "L5L5L5" */
    int rotation_invariance;    /* rotationInvariance, default False */
    int rotation_pooling;       /* rotationPooling: RADX_POOL_*, default max */
    double gabor_sigma, gabor_lambda, gabor_gamma; /* gaborSigma, gaborLambda (mm), gaborGamma; defaults 1, 2, 1 */
    double gabor_angle, gabor_angle_step;          /* gaborAngle, gaborAngleStep (degrees); defaults 0, 45 */
    int simoncelli_level;                          /* simoncelliLevel, default 1 */
    char wavelet_bands[4]; /* waveletDecomposition: WaveletIBSI's bands ("LHL"), default "LLL" */
    int laws_delta;        /* lawsEnergyDelta: the energy map's distance, -1 (None): no energy map */
    int filter_boundary;   /* filterBoundary of the IBSI filters: zero, nearest, mirror (default),
                                   periodic (radx_log_boundary's order) */
    /* --- voxel-based --- */
    int kernel_radius;
    int masked_kernel;
    double init_value;
    int voxel_batch;
    /* --- what to compute --- */
    radx_imtype_sel imtype[RADX_IMG_COUNT];
    int imtype_order[RADX_IMG_COUNT];
    int n_imtype_order; /* order as in the file */
    radx_class_sel cls[RADX_CLASS_COUNT];
    int class_order[RADX_CLASS_COUNT];
    int n_class_order; /* order as in the file */
    /* --- provenance --- */
    char source[1024]; /* parameter file path, "" for defaults */
    /* owned by host/params (params_internal.h): order of the given settings, settings radx keeps but
     * does not use, per-image-type custom settings; NULL for plain defaults */
    struct radx_params_extra *extra;
};

/* host/params/params.c, host/params/format.c */
void radx_params_init_defaults(radx_params *p); /* PyRadiomics defaults; all classes but shape2D */
void radx_params_clear(radx_params *p);         /* frees owned names */
radx_status radx_params_copy(radx_params *dst, const radx_params *src, radx_err *err);
/* Diagnostics text of the effective settings, PyRadiomics dict style. */
void radx_params_format_settings(const radx_params *p, char *buf, size_t len);
/* The same, whole, however long (malloc'ed; NULL when out of memory). */
char *radx_params_settings_text(const radx_params *p);
void radx_params_format_imtypes(const radx_params *p, char *buf, size_t len);
/* The same, whole, however long (malloc'ed; NULL when out of memory). */
char *radx_params_imtypes_text(const radx_params *p);
/* The enabled feature classes as PyRadiomics' enabledFeatures dict prints ({'firstorder': [],
 * 'glcm': ['Contrast']}; [] for all of a class), in file order (malloc'ed; NULL when out of
 * memory). */
char *radx_params_classes_text(const radx_params *p);

/* The LoG kernel (the radx setting logKernel): RADX_LOG_PYRADIOMICS reproduces SimpleITK's
 * LaplacianRecursiveGaussianImageFilter as PyRadiomics applies it, RADX_LOG_IBSI is IBSI-2's. */
typedef enum radx_log_mode { RADX_LOG_PYRADIOMICS = 0, RADX_LOG_IBSI = 1 } radx_log_mode;
/* What a LoG op computes: the kernel, and for RADX_LOG_IBSI the boundary condition (a
 * radx_log_boundary of kernels/rules/log_transfer.h: filterBoundary) and 2-D filtering in the
 * x-y plane of every slice (force2D). */
typedef struct radx_log_spec {
    radx_log_mode mode;
    int boundary;
    int in_plane;
} radx_log_spec;
/* What a mean-filter op computes: support M (odd, voxels), boundary (as radx_log_spec's), 2-D in
 * the x-y plane of every slice. */
typedef struct radx_mean_spec {
    int support;
    int boundary;
    int in_plane;
} radx_mean_spec;
/* How rotation-invariant filters pool the responses of the rotations, voxel by voxel. */
enum { RADX_POOL_MAX = 0, RADX_POOL_MEAN = 1, RADX_POOL_MIN = 2 };
/* What a separable filter op computes (host/cpu/separable_filter.h: Laws' kernels, IBSI's
 * undecimated wavelets): nstage stages, each one 1-D convolution (odd length, true convolution)
 * along every axis (x, y, and z unless nk is 2: the x-y plane of every slice); optionally over every
 * right-angle rotation (applied to every stage) pooled; and the energy map over (2 delta + 1)^nk
 * voxels (delta -1: none). */
/* What a Gabor op computes (host/cpu/gabor_filter.h): sigma, lambda in mm, gamma; orientations
 * theta0 + n dtheta over [0, 2 pi) (radians; dtheta 0: theta0 alone) averaged; three_planes: the
 * x-y, x-z and y-z planes averaged, else the x-y plane of every slice. */
typedef struct radx_gabor_spec {
    double sigma, lambda, gamma, theta0, dtheta;
    int three_planes;
    int boundary;
} radx_gabor_spec;
#define RADX_SEP_MAX_TAPS   255
#define RADX_SEP_MAX_STAGES 8
typedef struct radx_sep_spec {
    int nk, nstage;
    int len[RADX_SEP_MAX_STAGES][3];
    double k[RADX_SEP_MAX_STAGES][3][RADX_SEP_MAX_TAPS];
    int rotation_invariant;
    int pooling;
    int delta;
    int boundary;
} radx_sep_spec;

/* Loads a parameter file into *p (see above).  *p must have been initialised
 * (radx_params_init_defaults or a previous load / copy). */
radx_status radx_params_load_file(radx_params *p, const char *path, radx_err *err);
/* The same from a document in memory (JSON when it starts with '{', else YAML); name stands for
 * the file in messages and the diagnostics. */
radx_status radx_params_load_text(radx_params *p, const char *text, const char *name, radx_err *err);

/* One override, as the PyRadiomics CLI's --setting NAME:VALUE: NAME is a setting: or
 * voxelSetting: key (or ibsiKurtosisExcess); VALUE is text: numbers as Python's int()/float()
 * read them, booleans true/false/1/0, strings with or without quotes, lists "1,2", "[1, 2]" or
 * "(1, 2)" for list settings (a single number is a one-element list), and None / null / ~ to
 * switch an optional setting off (minimumROISize, geometryTolerance, binCount, removeOutliers,
 * resampledPixelSpacing, interpolator, resegmentRange, weightingNorm).  As in PyRadiomics'
 * CLI, numbers of float-typed settings become floats ("5" -> 5.0 in the diagnostics). */
radx_status radx_params_set_text(radx_params *p, const char *name, const char *value, radx_err *err);

/* The settings one image type runs with: *src plus that image type's custom settings from
 * the file (imageType: {LoG: {binWidth: 10, sigma: [...]}}), as PyRadiomics' execute applies
 * them (args = settings.copy(); args.update(customKwargs)).  *dst must not own anything (it is
 * overwritten); free it with radx_params_clear. */
radx_status radx_params_for_imtype(radx_params *dst, const radx_params *src, radx_imtype t, radx_err *err);

/* PyRadiomics' name of an image type ("Original", "LoG", ...), "?" when out of range. */
const char *radx_params_imtype_name(radx_imtype t);

#ifdef __cplusplus
}
#endif
#endif
