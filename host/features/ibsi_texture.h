/* SPDX-License-Identifier: BSD-3-Clause */
/* Texture classes as IBSI-1 defines them, with its aggregation methods (host/features/ibsi_texture.c):
 * GLCM, GLRLM, GLSZM, GLDZM, NGTDM and NGLDM computed slice by slice (2D, 2.5D) or over the volume
 * (3D), the matrices averaged or merged as each method says. */
#ifndef RADX_IBSI_TEXTURE_H
#define RADX_IBSI_TEXTURE_H

#include "core/error.h"
#include "params/params.h"
#include "features/features.h"
#include "features/size_matrix.h" /* radx_szm_sparse */

#ifdef __cplusplus
extern "C" {
#endif

/* 1 for GLCM and GLRLM, whose matrices are per direction (the six directional aggregations). */
int radx_class_directional(radx_class c);
/* The aggregation class c computes for the requested one: a directional aggregation on a class
 * without directions becomes its dimension (2D, 2.5D, 3D); RADX_AGG_PYRADIOMICS for GLDZM and
 * NGLDM becomes 3D (2.5D under force2D). */
radx_aggregation radx_aggregation_for_class(radx_class c, radx_aggregation a, const radx_params *p);

/* The features of class c (GLCM, GLRLM, GLSZM, GLDZM, NGTDM, NGLDM) under aggregation a (not
 * RADX_AGG_PYRADIOMICS) into out, in the order of the class's table (radx_class_table), by IBSI
 * tag; entries without a tag are NaN.  morph: the morphological mask over the same box (GLDZM's
 * distance map), NULL for in->roi.  Gray levels are 1..in->ng; 2D slices run across the numpy
 * axis force2Ddimension (0: axial). */
radx_status radx_ibsi_texture(radx_class c, radx_aggregation a, const radx_texture_input *in, const uint8_t *morph,
                              const radx_params *p, double *out, radx_err *err);

/* NGLDM's features (its table's order) from a GLDM matrix over the ngp present levels ivals
 * (radx_gldm_setup's, counted by the CPU or the CUDA GLDM stage): IBSI's NGLDM at distance and
 * coarseness as the matrix was counted; its voxels are the counts' sum. */
radx_status radx_ngldm_from_gldm(const radx_szm_sparse *m, const double *ivals, int ngp, double *out, radx_err *err);

#ifdef __cplusplus
}
#endif
#endif
