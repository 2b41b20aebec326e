/* SPDX-License-Identifier: BSD-3-Clause */
/* A case's memory, estimated before its large allocations and checked against the memory limit
 * (core/limits.h: physical memory, ulimit -v / -d, RADX_MEMORY_MIB).  The estimate adds what is
 * predictable from the sizes alone: the image and mask as read; the grid the features run on
 * (resampled, cropped, or the image's) with its image, mask and label maps; the largest filtered
 * image (LoG, with its FFT buffer, a Wavelet level's sub-bands, LBP3D's levels and spline
 * coefficients); the ROI box's discretised arrays and the per-voxel arrays of
 * the texture classes.  The gray-level matrices depend on the levels present and are checked by
 * the classes themselves (features/texture_common.h).  It is an estimate of the peak within a
 * small factor, made in microseconds so that a case that cannot fit is refused before it starts. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/limits.h"
#include "pipeline/pipeline.h"

/* Per voxel of the working grid: two label maps; a resampled or cropped grid also has its own
 * image (the image's pixel type, double when normalised) and mask (uint32). */
#define GRID_BYTES                2.0
#define NEW_GRID_BYTES(img_bytes) ((img_bytes) + 4.0 + GRID_BYTES)
/* Per voxel of the ROI box: values (double), gray levels and level indices (int32 each),
 * the ROI mask, and the texture classes' per-voxel arrays (NGTDM's differences, GLDM's
 * dependences, GLSZM's zone labels). */
#define BOX_BYTES                 40.0

/* The grid PyRadiomics' resampleImage builds (host/cpu/resample.c, which refuses a grid above
 * RADX_MAX_RESAMPLED_VOXELS itself): the ROI box b of the mask at the new spacing, plus
 * padDistance, within the mask's extent. */
static void resampled_grid(const radx_params *p, const radx_volume *msk, const radx_roi_box *b, double size[3])
{
    const radx_geom *gm = &msk->g;
    for (int d = 0; d < 3; d++) {
        double s = p->resampled_spacing[d];
        double rps = s > 0 && isfinite(s) && b->hi[d] > b->lo[d] ? s : gm->spacing[d];
        double ratio = gm->spacing[d] / rps, pad = p->pad_distance > 0 ? (double)p->pad_distance : 0.0;
        double lb = floor(((double)b->lo[d] - 0.5) * ratio - pad);
        double ub = ceil(((double)b->hi[d] + 0.5) * ratio + pad);
        double maxub = ceil((double)gm->size[d] * ratio) - 1.0;
        size[d] = fmax(1.0, fmin(ub, maxub) - fmax(lb, 0.0) + 1.0);
    }
}

/* The box b plus pad voxels on each side, within the image (preCrop). */
static void padded_box(const radx_volume *img, const radx_roi_box *b, int pad, double size[3])
{
    for (int d = 0; d < 3; d++) {
        double lo = fmax(0.0, (double)b->lo[d] - pad), hi = fmin((double)img->g.size[d] - 1, (double)b->hi[d] + pad);
        size[d] = fmax(1.0, hi - lo + 1.0);
    }
}

/* The largest LoG filtered image on a grid of size voxels (spacing sp): the float image and the
 * FFT buffer over the image padded by about 6 sigma on each side (complex floats, half an axis). */
static double log_bytes(const radx_params *p, const double size[3], const double sp[3])
{
    const radx_imtype_sel *l = &p->imtype[RADX_IMG_LOG];
    double sigma = 0;
    for (int k = 0; l->enabled && k < l->n_sigma; k++) sigma = fmax(sigma, l->sigma[k]);
    if (!(sigma > 0)) return 0;
    double padded = 1.0, n = size[0] * size[1] * size[2];
    for (int d = 0; d < 3; d++) padded *= size[d] + 2.0 * fmin(size[d], ceil(6.0 * sigma / sp[d]));
    return 4.0 * n + 8.0 * (padded / 2.0 + 1.0);
}

/* A Wavelet level's buffers at their peak: the last pass's inputs and outputs (at most 12 sub-bands)
 * over the ROI box grown by the filter's reach for every level still to come (box: per axis, on
 * a grid of size voxels), in double. */
static double wavelet_bytes(const radx_params *p, const double size[3], const double box[3])
{
    if (!p->imtype[RADX_IMG_WAVELET].enabled) return 0;
    radx_params q;
    memset(&q, 0, sizeof q);
    if (radx_params_for_imtype(&q, p, RADX_IMG_WAVELET, NULL)) return 0;
    const struct radx_wavelet_filter *f = radx_wavelet_filter_find(q.wavelet);
    const double reach = f ? (double)(radx_wavelet_filter_taps(f) - 1) : 0.0;
    const double levels = (double)q.wavelet_start_level + (double)q.wavelet_level;
    radx_params_clear(&q);
    double n = 1.0;
    for (int d = 0; d < 3; d++) n *= fmin(size[d] + 1.0, box[d] + levels * reach);
    return 12.0 * 8.0 * n;
}

/* LBP3D's buffers over the ROI box: its output (a level image per level and the kurtosis) and
 * the spline coefficients of the box grown by the sphere's radius (about as many), in double. */
static double lbp3d_bytes(const radx_params *p, double box)
{
    if (!p->imtype[RADX_IMG_LBP3D].enabled) return 0;
    radx_params q;
    memset(&q, 0, sizeof q);
    if (radx_params_for_imtype(&q, p, RADX_IMG_LBP3D, NULL)) return 0;
    const double levels = (double)q.lbp3d_levels;
    radx_params_clear(&q);
    return 8.0 * box * (levels + 3.0);
}

radx_status radx_pipeline_check_memory(const radx_params *p, const radx_volume *img, const char *ipath,
                                       const radx_volume *msk, const radx_roi_box *b, double extra, double *need,
                                       radx_err *err)
{
    const double nimg = (double)radx_geom_nvox(&img->g), nmsk = (double)radx_geom_nvox(&msk->g);
    const int resample = p->has_resampled_spacing && p->interpolator[0];
    double size[3] = {(double)img->g.size[0], (double)img->g.size[1], (double)img->g.size[2]}, sp[3];
    if (resample)
        resampled_grid(p, msk, b, size);
    else if (p->pre_crop)
        padded_box(img, b, p->pad_distance, size);
    for (int d = 0; d < 3; d++)
        sp[d] = resample && p->resampled_spacing[d] > 0 ? p->resampled_spacing[d] : img->g.spacing[d];
    const double ngrid = size[0] * size[1] * size[2];
    double box = 1.0, box_dims[3];
    for (int d = 0; d < 3; d++) {
        box_dims[d] = resample ? size[d] : (double)(b->hi[d] - b->lo[d] + 1);
        box *= box_dims[d];
    }
    double bytes = nimg * (double)radx_dtype_size(img->dtype) + nmsk * ((double)radx_dtype_size(msk->dtype) + 5.0);
    const double pix = p->normalize ? 8.0 : (double)radx_dtype_size(img->dtype);
    const double per_grid = resample || p->pre_crop ? NEW_GRID_BYTES(pix) : GRID_BYTES;
    /* the mean and Laws filters: the float image and two (Laws: three) double passes over the grid */
    const double mean = p->imtype[RADX_IMG_MEAN].enabled || p->imtype[RADX_IMG_LAWS].enabled ||
                                p->imtype[RADX_IMG_WAVELET_IBSI].enabled || p->imtype[RADX_IMG_GABOR].enabled ||
                                p->imtype[RADX_IMG_SIMONCELLI].enabled
                            ? 28.0 * ngrid
                            : 0.0;
    const double filtered =
        fmax(fmax(fmax(log_bytes(p, size, sp), wavelet_bytes(p, size, box_dims)), lbp3d_bytes(p, box)), mean);
    bytes += (p->normalize ? 8.0 * nimg : 0.0) + per_grid * ngrid + filtered + BOX_BYTES * box + extra;
    *need = bytes;
    char what[320];
    if (resample)
        snprintf(what, sizeof what, "resampledPixelSpacing: [%g, %g, %g] gives a grid of %.0fx%.0fx%.0f voxels",
                 p->resampled_spacing[0], p->resampled_spacing[1], p->resampled_spacing[2], size[0], size[1], size[2]);
    else
        snprintf(what, sizeof what, "%s: a %.0fx%.0fx%.0f image", ipath ? ipath : "image", size[0], size[1], size[2]);
    return radx_memory_check(bytes, what, err);
}
