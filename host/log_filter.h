/* SPDX-License-Identifier: BSD-3-Clause */
/* host/log_filter.c internals beyond radx_log_filter (radx_internal.h): the boundary mode and
 * 2-D (in-plane) filtering that the IBSI-2 response-map tests select per test. */
#ifndef RADX_LOG_FILTER_H
#define RADX_LOG_FILTER_H

#include "radx_internal.h"

#ifdef __cplusplus
extern "C" {
#endif

/* IBSI-2 boundary conditions (how the image is extended beyond its border). */
typedef enum radx_log_boundary {
    RADX_LOG_BC_ZERO = 0,     /* 0 outside (IBSI "zero padding") */
    RADX_LOG_BC_NEAREST = 1,  /* border voxel repeated (IBSI "nearest value padding") */
    RADX_LOG_BC_MIRROR = 2,   /* d c b a | a b c d | d c b a (IBSI "mirror padding") */
    RADX_LOG_BC_PERIODIC = 3  /* a b c d | a b c d (IBSI "periodic padding") */
} radx_log_boundary;

typedef struct radx_log_opts {
    radx_log_mode mode;
    radx_log_boundary boundary; /* RADX_LOG_IBSI only; the ITK kernel always extends with the
                                   border value to infinity, as ITK's recursive filter does */
    int in_plane;               /* 1: filter along x and y only (2-D LoG on every z slice) */
    double truncate;            /* RADX_LOG_IBSI: kernel radius floor(truncate sigma + 0.5) voxels */
} radx_log_opts;

/* Defaults of radx_log_filter: ITK kernel, or IBSI kernel with mirror padding and 4 sigma;
 * in_plane = 0. */
void radx_log_opts_default(radx_log_opts *o, radx_log_mode mode);

/* radx_log_filter without PyRadiomics' size checks, with explicit options.  A 2-D image
 * (in->g.ndim == 2) is always filtered in plane.  Errors: RADX_ERR_ARG (NULL, no data),
 * RADX_ERR_PARAM (sigma, spacing or truncate invalid), RADX_ERR_NOMEM. */
radx_status radx_log_filter_ex(const radx_volume *in, double sigma_mm, const radx_log_opts *o,
                               radx_volume *out, radx_err *err);

#ifdef __cplusplus
}
#endif
#endif
