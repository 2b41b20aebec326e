/* SPDX-License-Identifier: BSD-3-Clause */
/* Resampling on the CPU (host/cpu/resample.c): radx_resample and, for the CUDA backend, a
 * pluggable evaluator for the per-voxel interpolation: another backend (kernels/cuda/resample.cu)
 * evaluates the output voxels while host/cpu/resample.c keeps the set-up (PyRadiomics' grid,
 * ITK's geometry matrices, the input box and the B-spline coefficients) and the cast to the
 * output pixel type. */
#ifndef RADX_RESAMPLE_H
#define RADX_RESAMPLE_H

#include <stdint.h>
#include "core/volume.h"
#include "params/params.h"

#ifdef __cplusplus
extern "C" {
#endif

/* PyRadiomics' imageoperations.resampleImage (resampledPixelSpacing, interpolator, padDistance,
 * label): resamples the image with p->interpolator and the mask with nearest neighbour onto the
 * grid PyRadiomics/SimpleITK build (aligned to the mask origin, covering the ROI bounding box plus
 * padDistance voxels of the new spacing), including PyRadiomics' shortcut when the new spacing
 * equals the image's (mask resampled onto the image, then crop).  img may be any dtype (a
 * normalised image arrives as F64); *img_out keeps img's dtype with values converted as ITK's
 * ResampleImageFilter converts them; *mask_out is U32 with the mask values (not just the label).
 * Errors: RADX_ERR_PARAM (bad spacing / unknown interpolator), RADX_ERR_GEOMETRY (ROI outside the
 * image), RADX_ERR_NOMEM (grid above RADX_MAX_RESAMPLED_VOXELS or allocation failure). */
#define RADX_MAX_RESAMPLED_VOXELS ((int64_t)1 << 28)
radx_status radx_resample(const radx_volume *img, const radx_volume *mask, const radx_params *p, uint32_t label,
                          radx_volume *img_out, radx_volume *mask_out, radx_err *err);

/* PyRadiomics _correctMask's resampling: mask -> grid g, nearest neighbour as SimpleITK does it;
 * *out is U32 (mask values, 0 outside the mask).  RADX_ERR_NOMEM / RADX_ERR_ARG. */
radx_status radx_resample_mask_onto(const radx_volume *mask, const radx_geom *g, radx_volume *out, radx_err *err);

/* PyRadiomics' _checkROI: label present in mask, the ROI bounding box (voxel edges, mapped with
 * ITK's index arithmetic) inside img within 1e-3 voxel; fills the box (mask indices, inclusive).
 * RADX_ERR_LABEL / RADX_ERR_GEOMETRY; the message names no file (callers prefix it). */
radx_status radx_check_roi_in_image(const radx_volume *img, const radx_volume *mask, uint32_t label, int64_t bblo[3],
                                    int64_t bbhi[3], radx_err *err);

/* One ResampleImageFilter evaluation: the output voxels [lo, hi) of a grid. */
typedef struct radx_rs_job {
    int interp; /* RADX_RS_* (kernels/rules/resample_eval.h); RADX_RS_NEAREST for masks */
    int is_mask;
    double out_i2p[9]; /* output grid: index -> point matrix (Direction diag(Spacing)) */
    double out_origin[3];
    int64_t out_size[3]; /* the whole output grid (scanlines run over out_size[0] voxels) */
    double in_p2i[9];    /* input image: point -> continuous index matrix (ITK's inverse) */
    double in_origin[3];
    int64_t in_size[3];
    int64_t lo[3], hi[3]; /* the output voxels to evaluate */
    const double *buf;    /* input box [blo, blo + bsz) as double (B-spline: coefficients), x fastest */
    int64_t blo[3], bsz[3];
    int out_dtype; /* the output's radx_dtype: values are cast by radx_rs_store */
} radx_rs_job;

/* Fills out ((hi-lo) box, x fastest, pixel type job->out_dtype) with radx_rs_store of
 * radx_rs_eval_voxel of every output voxel of the job and sets *handled = 1; or sets *handled = 0
 * (host/cpu/resample.c then evaluates on the CPU, writing every voxel again); or returns an error.
 * Called only when some output voxel maps inside the input (buf != NULL). */
typedef radx_status (*radx_rs_eval_fn)(void *ctx, const radx_rs_job *job, void *out, int *handled, radx_err *err);

/* Tiles: a job too large for a device is evaluated in slabs of output slices.
 * radx_rs_job_slab: the part of job for the output slices [z0, z1) (job->lo[2] <= z0 < z1 <=
 * job->hi[2]): the same job over those slices; its box keeps x and y and holds only the input
 * slices those voxels read (their input_box), and its buf points into job->buf; buf NULL when none
 * of them maps inside the input (their values are all 0). */
void radx_rs_job_slab(const radx_rs_job *job, int64_t z0, int64_t z1, radx_rs_job *sub);
/* Device bytes of a job's evaluation: its box (8 bytes per voxel), its output (the output pixel
 * type) and both ends of every output scanline (48 bytes). */
size_t radx_rs_job_bytes(const radx_rs_job *job);
/* One slab's output ((hi - lo) box, x fastest, pixel type sub->out_dtype) into out;
 * RADX_ERR_NOMEM when its buffers do not fit (radx_rs_eval_slabs then tries thinner slabs). */
typedef radx_status (*radx_rs_slab_fn)(void *ctx, const radx_rs_job *sub, void *out, radx_err *err);
/* Evaluates job slab after slab with eval_slab: the whole job first, then, on RADX_ERR_NOMEM,
 * slabs of half as many slices, and so on (the slices already done stay); slabs whose voxels all
 * map outside the input are set to 0 without eval_slab.  RADX_ERR_NOMEM when a single slice does
 * not fit.  *nslabs (may be NULL): how many slabs were evaluated (1: the whole job at once). */
radx_status radx_rs_eval_slabs(const radx_rs_job *job, void *out, radx_rs_slab_fn eval_slab, void *ctx, int *nslabs,
                               radx_err *err);

/* Masks on a device in 1 byte a voxel: the box of a mask job (buf: labels, whole numbers as
 * double) as indices idx[0..n) into pal, pal[0] = 0 (index 0 also stands for the 0 a voxel
 * outside the input gets; radx_rs_nearest_index, kernels/rules/resample_eval.h).  Returns the number
 * of palette entries, or 0 when the box holds more than 255 labels besides 0 (the box then goes
 * as it is). */
int radx_rs_mask_palette(const double *buf, size_t n, uint8_t *idx, double pal[256]);

/* radx_resample with the voxel evaluation delegated to eval (NULL: the CPU's own loop). */
radx_status radx_resample_with(const radx_volume *img, const radx_volume *mask, const radx_params *p, uint32_t label,
                               radx_rs_eval_fn eval, void *eval_ctx, radx_volume *img_out, radx_volume *mask_out,
                               radx_err *err);

#ifdef __cplusplus
}
#endif
#endif
