/* SPDX-License-Identifier: BSD-3-Clause */
/* The Laplacian of Gaussian on the CPU (host/cpu/log_filter.c, log_recursive.c):
 * radx_log_filter, the boundary mode and 2-D (in-plane) filtering that the IBSI-2 response-map
 * tests select per test, and the host-side set-up (argument checks, FFT grid, per-axis tables)
 * that the CPU filter and the CUDA one (kernels/cuda/log_filter.cu) share. */
#ifndef RADX_LOG_FILTER_H
#define RADX_LOG_FILTER_H

#include "core/volume.h"
#include "params/params.h"
#include "rules/log_transfer.h" /* radx_log_boundary and the per-sample rules */

#ifdef __cplusplus
extern "C" {
#endif

/* Laplacian of Gaussian by FFT.  RADX_LOG_PYRADIOMICS reproduces SimpleITK's
 * LaplacianRecursiveGaussianImageFilter (NormalizeAcrossScale on) as PyRadiomics applies it;
 * RADX_LOG_IBSI is IBSI-2's Gaussian LoG.  sigma in mm.  *out: F32 volume, same geometry as in.
 * Errors: RADX_ERR_PARAM (sigma <= 0, or too large for the image as PyRadiomics checks it),
 * RADX_ERR_NOMEM. */
radx_status radx_log_filter(const radx_volume *in, double sigma_mm, radx_log_mode mode, radx_volume *out,
                            radx_err *err);

/* How the CPU computes RADX_LOG_PYRADIOMICS (the CUDA filter always uses the FFT). */
typedef enum radx_log_method {
    RADX_LOG_METHOD_RECURSIVE = 0, /* ITK's recursive algorithm in space (host/cpu/log_recursive.c) */
    RADX_LOG_METHOD_FFT = 1        /* its exact frequency response on a padded FFT grid */
} radx_log_method;

typedef struct radx_log_opts {
    radx_log_mode mode;
    radx_log_boundary boundary; /* RADX_LOG_IBSI only; the ITK kernel always extends with the
                                   border value to infinity, as ITK's recursive filter does */
    int in_plane;               /* 1: filter along x and y only (2-D LoG on every z slice) */
    double truncate;            /* RADX_LOG_IBSI: kernel radius floor(truncate sigma + 0.5) voxels */
    int method;                 /* RADX_LOG_PYRADIOMICS on the CPU: a radx_log_method */
} radx_log_opts;

/* Defaults of radx_log_filter: ITK kernel, or IBSI kernel with mirror padding and 4 sigma;
 * in_plane = 0; method RADX_LOG_METHOD_RECURSIVE. */
void radx_log_opts_default(radx_log_opts *o, radx_log_mode mode);

/* radx_log_filter without PyRadiomics' size checks, with explicit options.  A 2-D image
 * (in->g.ndim == 2) is always filtered in plane.  Errors: RADX_ERR_ARG (NULL, no data),
 * RADX_ERR_PARAM (sigma, spacing or truncate invalid), RADX_ERR_NOMEM. */
radx_status radx_log_filter_ex(const radx_volume *in, double sigma_mm, const radx_log_opts *o, radx_volume *out,
                               radx_err *err);
/* The same into dst (in's voxel count floats; NULL: a new array), which *out then points to. */
radx_status radx_log_filter_into(const radx_volume *in, double sigma_mm, const radx_log_opts *o, float *dst,
                                 radx_volume *out, radx_err *err);

/* RADX_LOG_PYRADIOMICS by ITK's recursive algorithm (host/cpu/log_recursive.c): what
 * radx_log_filter_ex runs for o->method == RADX_LOG_METHOD_RECURSIVE; images with fewer than 4
 * voxels along a filtered axis go to the FFT method.  Same errors as radx_log_filter_ex. */
radx_status radx_log_filter_recursive(const radx_volume *in, double sigma_mm, const radx_log_opts *o, float *dst,
                                      radx_volume *out, radx_err *err);

/* radx_log_filter's argument checks (PyRadiomics' getLoGImage size rules) and options: fills *o
 * with radx_log_opts_default(mode).  Same errors as radx_log_filter. */
/* radx_log_prepare with the boundary and in-plane filtering of spec (RADX_LOG_IBSI). */
radx_status radx_log_prepare_spec(const radx_volume *in, double sigma_mm, const radx_log_spec *spec, radx_log_opts *o,
                                  radx_err *err);
radx_status radx_log_prepare(const radx_volume *in, double sigma_mm, radx_log_mode mode, radx_log_opts *o,
                             radx_err *err);

/* ---- The FFT grid and per-axis tables of one filtering (host side, both backends) ---- */
typedef struct radx_log_axis {
    int64_t n;   /* image size */
    int64_t L;   /* FFT size */
    int64_t off; /* image offset in the buffer (the kernel's reach) */
    int filtered;
    double *g, *d; /* per frequency k in [0, L): smoothing and second-derivative responses */
    int64_t *map;  /* per buffer position p in [0, L): radx_log_ext(p - off, n, bc) */
} radx_log_axis;

typedef struct radx_log_setup {
    radx_log_axis ax[3];
    radx_log_boundary bc; /* boundary actually used (the ITK kernel: nearest) */
    int64_t nvox;         /* image voxels */
    int64_t nh;           /* complex values per buffer row: L0 / 2 + 1 */
    int64_t nbuf;         /* complex values in the buffer: nh L1 L2 (<= 2^29) */
    double scale;         /* 1 / (L0 L1 L2) */
    double t0;            /* T(0), the response to a constant */
} radx_log_setup;

/* Validates in / sigma / o as radx_log_filter_ex does and fills *s (tables malloc'ed; free with
 * radx_log_setup_free, also after an error).  Errors as radx_log_filter_ex. */
radx_status radx_log_setup_init(const radx_volume *in, double sigma_mm, const radx_log_opts *o, radx_log_setup *s,
                                radx_err *err);
void radx_log_setup_free(radx_log_setup *s); /* NULL-safe, idempotent */

/* The centring constant c of the filtering s sets up (0 for zero padding): the image mean, summed
 * per z slice (into zsum, ax[2].n values) and then in slice order. */
double radx_log_centring(const radx_volume *in, const radx_log_setup *s, double *zsum);

#ifdef __cplusplus
}
#endif
#endif
