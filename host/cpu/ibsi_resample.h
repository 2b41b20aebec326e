/* SPDX-License-Identifier: BSD-3-Clause */
/* IBSI-style image processing (host/cpu/ibsi_resample.c): resampling of image and mask onto the
 * IBSI interpolation grid (grid centres aligned), partial-volume thresholding of the
 * interpolated mask, intensity rounding and intensity re-segmentation, as the IBSI-1 reference
 * manual (arXiv:1612.07003) defines them and IBSI-2 phase 2 (arXiv:2006.05470) uses them.
 * This is not PyRadiomics' resampling (host/cpu/resample.c, radx_resample): PyRadiomics aligns the
 * new grid with the mask origin and crops around the ROI; IBSI centres the new grid on the
 * image and keeps the whole field of view. */
#ifndef RADX_IBSI_RESAMPLE_H
#define RADX_IBSI_RESAMPLE_H

#include <stdint.h>
#include "core/error.h"
#include "core/volume.h"
#include "cpu/resample.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum radx_ibsi_interp {
    RADX_IBSI_INTERP_NEAREST = 0,
    RADX_IBSI_INTERP_LINEAR = 1,  /* (tri)linear */
    RADX_IBSI_INTERP_BSPLINE3 = 2 /* (tri)cubic B-spline: interpolating spline, as
                                          scipy.ndimage.map_coordinates(order=3) */
} radx_ibsi_interp;

typedef struct radx_ibsi_resample_opts {
    /* New spacing (mm) per axis x, y, z.  An axis whose value is <= 0 (or equals the input
     * spacing within 1e-9 relative) is copied, not interpolated: {1,1,0} is IBSI's 2-D
     * (in-plane) interpolation, {0,0,0} no interpolation at all. */
    double spacing[3];
    radx_ibsi_interp image_interp; /* IBSI-1/-2 CT configurations: BSPLINE3 */
    radx_ibsi_interp mask_interp;  /* IBSI-1/-2: LINEAR */
    double mask_threshold;         /* partial-volume threshold, IBSI: 0.5 */
    int round_intensities;         /* 1: round interpolated intensities to integers (CT) */
} radx_ibsi_resample_opts;

/* IBSI-2 phase 2 volumetric defaults: 1 mm isotropic, cubic B-spline image, linear mask,
 * threshold 0.5, rounding on. */
void radx_ibsi_resample_opts_default(radx_ibsi_resample_opts *o);

/* Resamples img and the ROI (mask == label) onto the IBSI grid: per resampled axis
 * m = ceil(n spacing_in / spacing_out) voxels, centred on the input grid; the image is
 * interpolated with opts->image_interp (nearest-value extension beyond the border), optionally
 * rounded; the ROI indicator (1 where mask == label, else 0) with opts->mask_interp, then
 * thresholded.  img and mask must share size (and, within 1e-4 mm / 1e-6, spacing, origin and
 * direction).  Outputs: *img_out F64, *mask_out U8 (0/1), both with the new geometry (origin
 * moved to the first grid point, direction unchanged).  Interpolation is separable (one 1-D
 * pass per resampled axis), which for these tensor-product interpolators equals the 3-D
 * interpolation.  Errors: RADX_ERR_ARG, RADX_ERR_GEOMETRY, RADX_ERR_PARAM, RADX_ERR_NOMEM
 * (grid above RADX_MAX_RESAMPLED_VOXELS or allocation failure).  On failure the outputs are
 * zeroed. */
radx_status radx_ibsi_resample(const radx_volume *img, const radx_volume *mask, uint32_t label,
                               const radx_ibsi_resample_opts *opts, radx_volume *img_out, radx_volume *mask_out,
                               radx_err *err);

/* Geometry of the IBSI grid for g (no data touched); spacing as in opts->spacing. */
radx_status radx_ibsi_grid(const radx_geom *g, const double spacing[3], radx_geom *out, radx_err *err);

/* Re-segmentation: clears roi[i] where img voxel i lies outside [lo, hi] (inclusive; a NaN bound
 * is open, NaN voxels are removed).  roi has radx_geom_nvox(&img->g) entries.  Returns the
 * number of voxels left in the ROI (or -1 for NULL arguments). */
int64_t radx_ibsi_resegment(const radx_volume *img, uint8_t *roi, double lo, double hi);

/* The values of img inside roi, in voxel order, into a malloc'ed array (*x, *n).  Errors:
 * RADX_ERR_ARG, RADX_ERR_ROI (no voxel), RADX_ERR_NOMEM. */
radx_status radx_ibsi_gather(const radx_volume *img, const uint8_t *roi, double **x, int64_t *n, radx_err *err);

#ifdef __cplusplus
}
#endif
#endif
