/* SPDX-License-Identifier: BSD-3-Clause */
/* The per-case pipeline (host/pipeline/pipeline.c). */
#ifndef RADX_PIPELINE_H
#define RADX_PIPELINE_H
#include "backend/backend.h"


/* A case's two volumes read ahead of time (by a cohort's read-ahead thread), with the read
 * errors, to be handed to the pipeline instead of the file names' contents. */
typedef struct radx_loaded {
    int valid;
    radx_volume img, msk;
    radx_err img_err, msk_err; /* status RADX_OK when that read succeeded */
} radx_loaded;
void radx_loaded_read(radx_loaded *pre, const char *image_path, const char *mask_path);
void radx_loaded_free(radx_loaded *pre); /* volumes not taken by the pipeline */

/* Runs one case; label <= 0 uses p->label.  On success *out is a new result.  _loaded: with
 * volumes read ahead (pre may be NULL: read the files); the pipeline takes pre's volumes. */
radx_status radx_pipeline_run(const radx_params *p, const radx_backend_ops *ops, void *bctx,
                              const char *image_path, const char *mask_path, int label,
                              radx_result **out, radx_err *err);
radx_status radx_pipeline_run_loaded(const radx_params *p, const radx_backend_ops *ops, void *bctx,
                                     const char *image_path, const char *mask_path, radx_loaded *pre,
                                     int label, radx_result **out, radx_err *err);

/* ---- the preparation shared by `extract` (radx_pipeline_run) and `map` (host/pipeline/voxelmap.c) ----
 * PyRadiomics' RadiomicsFeatureExtractor.execute steps 1, 2 and 5: loadImage (read, getMask,
 * normalizeImage, resampleImage or preCrop), checkMask (geometry, correctMask, ROI checks) and
 * resegmentMask.  Then, per enabled image type (Original, LoG per sigma), the (filtered) image
 * and the settings of that image type. */

typedef struct radx_roi_box {
    int64_t lo[3], hi[3];   /* inclusive bounds, x y z */
    int64_t n;              /* voxel count */
} radx_roi_box;

typedef struct radx_case {
    radx_volume img, msk; /* the working image and mask (as read, then normalised/resampled/cropped) */
    uint8_t *lab;         /* working grid: voxel has the label (after correction) */
    uint8_t *lab_reseg;   /* working grid after resegmentation (NULL if none) */
    radx_roi_box box;     /* box of lab */
    radx_roi_box box2;    /* box of lab_reseg (when set) */
    int resampled;        /* resampleImage ran (the grid is PyRadiomics' resampled grid) */
    int label;            /* the label used */
} radx_case;

/* Reads and prepares a case into *cs (zeroed first; radx_case_free releases it, also after a
 * failure).  diag: when not NULL and p->additional_info, the diagnostics rows PyRadiomics adds
 * during these steps are appended to it.  label <= 0 uses p->label. */
radx_status radx_pipeline_prepare(const radx_params *p, const radx_backend_ops *ops, void *bctx,
                                  const char *image_path, const char *mask_path, int label,
                                  radx_result *diag, radx_case *cs, radx_err *err);
radx_status radx_pipeline_prepare_loaded(const radx_params *p, const radx_backend_ops *ops, void *bctx,
                                         const char *image_path, const char *mask_path, radx_loaded *pre,
                                         int label, radx_result *diag, radx_case *cs, radx_err *err);
void radx_case_free(radx_case *cs);

/* The mask and box the feature classes use (resegmented when resegmentRange is set) and the ones
 * shape uses (resegmented only with resegmentShape). */
const uint8_t *radx_case_feature_mask(const radx_case *cs, const radx_roi_box **box);
/* The box b of the label map lab (img's grid) cropped into numpy-ordered buffers: *roi_out
 * (uint8, 1 in the ROI) and, when val_out is not NULL, img's values as double; dims_zyx gets the
 * box size.  Caller frees.  RADX_ERR_NOMEM. */
radx_status radx_pipeline_crop(const radx_volume *img, const uint8_t *lab, const radx_roi_box *b,
                               int64_t dims_zyx[3], uint8_t **roi_out, double **val_out, radx_err *err);
const uint8_t *radx_case_shape_mask(const radx_case *cs, const radx_params *p, const radx_roi_box **box);

/* The features of one image type, as `extract` computes them: img cropped to box b of the label
 * map lab, discretised with p's settings, every enabled class but shape, named "<prefix>_..."
 * into res, through ops (with its residency and host-memory ops when it has them).  ipath names
 * the image in errors (bench/bench_stages times it chained and unchained on the CUDA backend). */
radx_status radx_pipeline_image_type(const radx_volume *img, const radx_params *p, const radx_backend_ops *ops,
                                     void *bctx, const char *prefix, const uint8_t *lab, const radx_roi_box *b,
                                     radx_result *res, const char *ipath, radx_err *err);

/* Calls fn once per enabled image type (file order; LoG once per sigma) with the (filtered)
 * image on the working grid, that image type's settings (radx_params_for_imtype) and PyRadiomics'
 * image type name ("original", "log-sigma-1-0-mm-3D").  Filters run through ops (CPU fallback).
 * Stops at the first error (fn's or a filter's, the latter prefixed with image_path).  An image
 * type radx cannot compute is RADX_ERR_UNSUPPORTED. */
typedef radx_status (*radx_image_type_fn)(void *user, const radx_volume *img, const radx_params *q,
                                          const char *image_type, radx_err *err);
radx_status radx_pipeline_for_each_image(const radx_case *cs, const radx_params *p,
                                         const radx_backend_ops *ops, void *bctx, const char *image_path,
                                         radx_image_type_fn fn, void *user, radx_err *err);
#endif
