/* SPDX-License-Identifier: BSD-3-Clause */
/* Voxel-based feature maps (host/pipeline/voxelmap.c): PyRadiomics 3.0.1's voxel-based extraction
 * (RadiomicsFeatureExtractor.execute(..., voxelBased=True)), internal interface.  The public
 * entry points (radx_plan_execute_map, radx_map_save) are in include/radx.h. */
#ifndef RADX_VOXELMAP_H
#define RADX_VOXELMAP_H

#include "backend/backend.h"

#ifdef __cplusplus
extern "C" {
#endif

/* All ROI voxels' values of the selected features of one class of one image type. */
typedef struct radx_vmap_class {
    const char *image_type; /* "original", "log-sigma-1-0-mm-3D" */
    radx_class cls;
    int nsel;              /* selected features */
    const int *sel;        /* their indices in the class's feature table (radx_class_table) */
    int64_t nroi;          /* ROI voxels */
    const int64_t *vox;    /* their flat indices on the grid, ascending (numpy.where order) */
    const double *values;  /* nsel x nroi, feature after feature; values[k * nroi + v] */
    const radx_geom *grid; /* the working grid (the image's, or the resampled / preCropped one) */
    double init_value;     /* initValue: what PyRadiomics leaves outside the ROI */
} radx_vmap_class;

/* Where the maps go.  begin: once, after the case is prepared (grid, ROI voxels, number of
 * maps the run will produce); class_done: once per image type and class, in PyRadiomics'
 * order.  The pointers in *c are valid during the call only.  A non-OK status stops the run and
 * is returned (with err set by the sink). */
typedef struct radx_vmap_sink {
    void *user;
    radx_status (*begin)(void *user, const radx_geom *grid, int64_t nroi, int nmaps, radx_err *err);
    radx_status (*class_done)(void *user, const radx_vmap_class *c, radx_err *err);
} radx_vmap_sink;

/* Runs the voxel-based extraction of one case: preparation as `extract` (host/pipeline/pipeline.h), then
 * for every enabled image type and every enabled class except shape / shape2D, the features of
 * the kernel (kernelRadius, maskedKernel) around every ROI voxel.  OpenMP over the voxels; the
 * values do not depend on the thread count.  label <= 0 uses p->label. */
radx_status radx_voxelmap_run(const radx_params *p, const radx_be *be, const radx_volume *img, const char *image_path,
                              const radx_volume *msk, const char *mask_path, int label, const radx_vmap_sink *sink,
                              radx_err *err);

/* The features of class c a map run reports, as indices into its table, in output order
 * (PyRadiomics' enabledFeatures order); returns their number (0 for a disabled class and for
 * shape / shape2D).  sel has room for the table's size. */
int radx_voxelmap_select(const radx_params *p, radx_class c, int *sel);

/* The public form (radx_plan_execute_map): each feature expanded into a float map on the grid
 * (initValue outside the ROI) and handed to cb, one map at a time. */
radx_status radx_voxelmap_run_public(const radx_params *p, const radx_be *be, const radx_volume *img,
                                     const char *image_path, const radx_volume *msk, const char *mask_path, int label,
                                     radx_map_callback cb, void *user, radx_err *err);

#ifdef __cplusplus
}
#endif
#endif
