/* SPDX-License-Identifier: BSD-3-Clause */
/* IBSI-1 morphology beyond PyRadiomics' shape, and local intensity (host/features/ibsi_morph.c). */
#ifndef RADX_IBSI_MORPH_H
#define RADX_IBSI_MORPH_H

#include <stdint.h>
#include "core/error.h"
#include "features/features.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct radx_morph_input {
    radx_shape_input s;   /* the morphological mask's box (numpy order), its voxel count */
    const uint8_t *imask; /* the intensity mask over the same box; NULL: the same as s.roi */
    const double *x;      /* the intensity mask's values in box order (x fastest) */
    int64_t nx;           /* their count */
    double volume, area;  /* the mesh's volume and surface area (shape: MeshVolume, SurfaceArea) */
} radx_morph_input;

/* The morph class's features (radx_morph_features order) into out. */
radx_status radx_morph_compute(const radx_morph_input *in, double *out, radx_err *err);

/* Local intensity: the image (size and spacing, x fastest), read through value(ctx, xyz), and the
 * intensity mask's voxels roi_xyz (image indices). */
typedef struct radx_li_input {
    int64_t size_xyz[3];
    double spacing_xyz[3];
    const int64_t (*roi_xyz)[3];
    int64_t nroi;
    double (*value)(const void *ctx, const int64_t xyz[3]);
    const void *ctx;
} radx_li_input;

/* Local and global intensity peak (radx_li_features order): the mean of the image voxels whose
 * centres lie within the 1 cm^3 sphere around the maximum's voxel (the largest such mean where
 * several voxels hold the maximum), and the largest such mean over the intensity mask. */
radx_status radx_li_compute(const radx_li_input *in, double *out, radx_err *err);

#ifdef __cplusplus
}
#endif
#endif
