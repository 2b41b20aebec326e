/* SPDX-License-Identifier: BSD-3-Clause */
/* The per-case pipeline: preparation (host/pipeline/case.c), features (extract.c), voxel maps
 * (voxelmap.c). */
#ifndef RADX_PIPELINE_H
#define RADX_PIPELINE_H
#include "backend/backend.h"
#include "core/result.h"

/* Runs one case on volumes the caller keeps (borrowed: nothing writes to them); ipath and mpath
 * name them in messages.  label <= 0 uses p->label.  On success *out is a new result. */
radx_status radx_pipeline_run(const radx_params *p, const radx_be *be, const radx_volume *img, const char *ipath,
                              const radx_volume *msk, const char *mpath, int label, radx_result **out, radx_err *err);

/* ---- the preparation shared by `extract` (radx_pipeline_run) and `map` (host/pipeline/voxelmap.c) ----
 * PyRadiomics' RadiomicsFeatureExtractor.execute steps 1, 2 and 5: loadImage (read, getMask,
 * normalizeImage, resampleImage or preCrop), checkMask (geometry, correctMask, ROI checks) and
 * resegmentMask.  Then, per enabled image type (Original, LoG per sigma), the (filtered) image
 * and the settings of that image type. */

typedef struct radx_roi_box {
    int64_t lo[3], hi[3]; /* inclusive bounds, x y z */
    int64_t n;            /* voxel count */
} radx_roi_box;

typedef struct radx_case {
    radx_volume img, msk;     /* the working image and mask (as given, then normalised/resampled/cropped) */
    int img_owned, msk_owned; /* 0: still the caller's */
    uint8_t *lab;             /* working grid: voxel has the label (after correction) */
    uint8_t *lab_reseg;       /* working grid after resegmentation (NULL if none) */
    radx_roi_box box;         /* box of lab */
    radx_roi_box box2;        /* box of lab_reseg (when set) */
    radx_roi_box box_shape;   /* with lab_reseg: box2's bounds, counting lab's voxels in them */
    radx_roi_box box_wide;    /* with lab_reseg: box's bounds, counting lab_reseg's voxels in them */
    int resampled;            /* resampleImage ran (the grid is PyRadiomics' resampled grid) */
    int label;                /* the label used */
    double mem_bytes;         /* the case's estimated peak memory (radx_pipeline_check_memory) */
} radx_case;

/* Prepares a case on the caller's volumes into *cs (zeroed first; radx_case_free releases it; on
 * failure it is released already).  res: when not NULL and p->additional_info, the diagnostics
 * rows PyRadiomics adds during these steps are appended to it.  label <= 0 uses p->label. */
radx_status radx_pipeline_prepare(const radx_params *p, const radx_be *be, const radx_volume *img, const char *ipath,
                                  const radx_volume *msk, const char *mpath, int label, radx_result *res, radx_case *cs,
                                  radx_err *err);
void radx_case_free(radx_case *cs);

/* The memory a case on img and msk (read from ipath) takes with p, estimated from the sizes
 * (host/pipeline/memory.c) plus extra bytes, into *need; RADX_ERR_NOMEM when it exceeds the
 * memory limit (core/limits.h), naming resampledPixelSpacing when resampling, else the image.
 * b: the ROI box on the mask's grid. */
radx_status radx_pipeline_check_memory(const radx_params *p, const radx_volume *img, const char *ipath,
                                       const radx_volume *msk, const radx_roi_box *b, double extra, double *need,
                                       radx_err *err);

/* The mask and box the feature classes use (resegmented when resegmentRange is set) and the ones
 * shape uses: with resegmentation, PyRadiomics 3.0.1 crops to the resegmented mask's bounding box
 * and computes shape there on the resegmented mask (resegmentShape) or on the original one, which
 * loses the original ROI's voxels outside that box.  ibsiMorphologicalMask: shape reads the whole
 * original mask (IBSI's morphological mask) and the feature classes the box of that mask
 * (radx_case_morph_mask). */
const uint8_t *radx_case_feature_mask(const radx_case *cs, const radx_params *p, const radx_roi_box **box);
/* IBSI's morphological mask when it differs from the feature mask (ibsiMorphologicalMask and
 * re-segmentation), else NULL. */
const uint8_t *radx_case_morph_mask(const radx_case *cs, const radx_params *p);
/* The box b of the label map lab (on grid g) as a numpy-ordered ROI mask *roi_out (uint8, 1 in the
 * ROI; caller frees); dims_zyx gets the box size.  RADX_ERR_NOMEM. */
radx_status radx_pipeline_crop_box(const radx_geom *g, const uint8_t *lab, const radx_roi_box *b, int64_t dims_zyx[3],
                                   uint8_t **roi_out, radx_err *err);
const uint8_t *radx_case_shape_mask(const radx_case *cs, const radx_params *p, const radx_roi_box **box);

/* The features of one image type, as `extract` computes them: img cropped to box b of the label
 * map lab (on the working grid `grid`, of which img may be a window), discretised with p's
 * settings, every enabled class but shape, named "<prefix>_..." into res, through the backend's
 * ops.  morph: IBSI's morphological mask on the same grid when it differs from lab (morph and
 * GLDZM read it), else NULL.  ipath names the image in errors (bench/bench_stages times it). */
radx_status radx_pipeline_image_type(const radx_volbuf *img, const radx_params *p, const radx_be *be,
                                     const char *prefix, const radx_geom *grid, const uint8_t *lab,
                                     const uint8_t *morph, const radx_roi_box *b, radx_result *res, const char *ipath,
                                     radx_err *err);

/* Calls fn once per enabled image type (file order; LoG once per sigma, Wavelet once per
 * sub-band) with the (filtered) image, that image type's settings (radx_params_for_imtype) and
 * PyRadiomics' image type name ("original", "log-sigma-1-0-mm-3D", "wavelet-LLH"); the image is
 * in a buffer of the backend, which runs the filters.  need: the voxels of the working grid fn
 * reads (NULL: all); an image may then cover only a window holding them (radx_volbuf.at).
 * Stops at the first error (fn's or a filter's, the latter prefixed with image_path).  An image
 * type radx cannot compute is RADX_ERR_UNSUPPORTED. */
typedef radx_status (*radx_image_type_fn)(void *user, const radx_volbuf *img, const radx_params *q,
                                          const char *image_type, radx_err *err);
radx_status radx_pipeline_for_each_image(const radx_case *cs, const radx_params *p, const radx_be *be,
                                         const radx_roi_box *need, const char *image_path, radx_image_type_fn fn,
                                         void *user, radx_err *err);
/* The Wavelet image types of img (host/pipeline/wavelet.c), as radx_pipeline_for_each_image. */
radx_status radx_pipeline_wavelet(const radx_volbuf *img, const radx_params *q, const radx_be *be,
                                  const radx_roi_box *need, const char *image_path, radx_image_type_fn fn, void *user,
                                  radx_err *err);
/* The LBP2D image type of img (host/pipeline/lbp.c), as radx_pipeline_for_each_image. */
radx_status radx_pipeline_lbp2d(const radx_volbuf *img, const radx_params *q, const radx_be *be,
                                const radx_roi_box *need, const char *image_path, radx_image_type_fn fn, void *user,
                                radx_err *err);
/* The LBP3D image types of img (host/pipeline/lbp.c): its levels, then the kurtosis, at the voxels
 * of the label map lab (on img's grid); host_img: img's voxels in host memory (the spline
 * coefficients are computed there).  A 2-D image has none (a warning). */
radx_status radx_pipeline_lbp3d(const radx_volume *host_img, const radx_volbuf *img, const uint8_t *lab,
                                const radx_params *q, const radx_be *be, const radx_roi_box *need,
                                const char *image_path, radx_image_type_fn fn, void *user, radx_err *err);
/* How many images radx_pipeline_for_each_image hands over at most for p on a grid of ndim axes. */
int radx_pipeline_image_count(const radx_params *p, int ndim);

/* Response maps (host/pipeline/filter.c): each image the enabled image types make of img, over the
 * whole image (every voxel its ROI, no crop), on its grid, handed to cb as a float32 radx_map named
 * after its image type (feature_class and feature ""), in extraction's order. */
radx_status radx_pipeline_filter(const radx_params *p, const radx_be *be, const radx_volume *img, const char *ipath,
                                 radx_map_callback cb, void *user, radx_err *err);
/* PyWavelets' filters of a discrete wavelet, NULL for other names, and their length
 * (host/pipeline/wavelet.c). */
struct radx_wavelet_filter;
const struct radx_wavelet_filter *radx_wavelet_filter_find(const char *name);
int radx_wavelet_filter_taps(const struct radx_wavelet_filter *f);
#endif
