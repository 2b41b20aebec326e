/* SPDX-License-Identifier: BSD-3-Clause */
/* Bin edges exactly as PyRadiomics/numpy build them (binWidth or binCount). */
#ifndef RADX_HOST_DISCRETISE_H
#define RADX_HOST_DISCRETISE_H
#include "core/error.h"
#include "params/params.h"

/* Computes PyRadiomics' bin edges for the n ROI values x[] (all finite).  values_f32: the image
 * pixel type is float32 (numpy.histogram then returns float32 edges).  *edges is malloc'ed
 * (caller frees), *nedges its length (>= 2).  Fails with RADX_ERR_PARAM for an invalid
 * binWidth/binCount, and when binWidth would create more than RADX_MAX_BINS edges or binCount
 * asks for more than RADX_MAX_BINS bins (params/apply.c refuses such a binCount already). */
#define RADX_MAX_BINS 1000000
radx_status radx_bin_edges(const double *x, int64_t n, const radx_params *p, int values_f32, double **edges,
                           int *nedges, radx_err *err);
/* The same from the values' smallest and largest (the edges depend on nothing else). */
radx_status radx_bin_edges_range(double mn, double mx, int64_t n, const radx_params *p, int values_f32, double **edges,
                                 int *nedges, radx_err *err);

/* Discretises the n values into gl[] (1-based bins) with the given edges; returns the maximum
 * gray level (PyRadiomics coefficients['Ng']). */
int radx_discretise(const double *x, int64_t n, const double *edges, int nedges, int32_t *gl);
#endif
