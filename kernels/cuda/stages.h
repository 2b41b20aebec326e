/* SPDX-License-Identifier: BSD-3-Clause */
/* The CUDA backend's stages (kernels/cuda/<stage>.cu), which kernels/cuda/backend_cuda.cu runs for
 * the ops of host/backend/backend.h.  Each runs on the context's stream and returns when its
 * results are where the op's contract puts them: features and statistics on the host, output
 * buffers on the device (their host copies out of date) unless the stage says otherwise.
 *
 * Rules: every per-voxel or per-pair rule comes from a header under kernels/rules/ that the CPU
 * path uses; matrices are integer counts (bit-identical to the CPU's); features are computed on
 * the host by the same C functions the CPU backend uses, so CPU and CUDA features are identical
 * whenever the matrices are.
 *
 * Status: RADX_ERR_NOMEM with radx_dev::oom() set means the device had no room (the backend
 * frees its buffers' device copies and tries again, then declines the op); any other error is
 * the op's. */
#ifndef RADX_CUDA_STAGES_H
#define RADX_CUDA_STAGES_H

#include "backend/backend.h"
#include "core/error.h"
#include "core/volume.h"
#include "features/features.h"
#include "params/params.h"
#include "rules/voxel_glcm.h"
#include "rules/voxel_gldm.h"

struct radx_cuda;

/* The box of an image type as a texture or shape stage reads it: host pointers (always valid)
 * and the device copies when the backend has room for them (NULL: the stage uploads what it
 * needs, or tiles from the host copies). */
typedef struct radx_cuda_box {
    radx_texture_input in; /* host pointers; in.gl NULL for shape */
    const int32_t *d_gl;
    const uint8_t *d_roi;
} radx_cuda_box;

/* ---- preprocessing ---- */
/* radx_resample's contract, on host volumes (kernels/cuda/resample.cu) */
radx_status radx_cuda_resample(radx_cuda *cu, const radx_volume *img, const radx_volume *mask, const radx_params *p,
                               uint32_t label, radx_volume *img_out, radx_volume *mask_out, radx_err *err);
/* the log_filter op (kernels/cuda/log_filter.cu) */
radx_status radx_cuda_mean_filter(radx_cuda *cu, const radx_volbuf *in, const radx_mean_spec *s, radx_volbuf *out,
                                  radx_err *err);
radx_status radx_cuda_separable_filter(radx_cuda *cu, const radx_volbuf *in, const radx_sep_spec *s, radx_volbuf *out,
                                       radx_err *err);
radx_status radx_cuda_log_filter(radx_cuda *cu, const radx_volbuf *in, double sigma_mm, const radx_log_spec *spec,
                                 radx_volbuf *out, radx_err *err);

/* the point_filter op (kernels/cuda/point_filter.cu) */
radx_status radx_cuda_point_filter(radx_cuda *cu, const radx_volbuf *in, radx_point_filter f, radx_volbuf *out,
                                   radx_err *err);

/* the gradient op (kernels/cuda/gradient.cu) */
radx_status radx_cuda_gradient(radx_cuda *cu, const radx_volbuf *in, int use_spacing, radx_volbuf *out, radx_err *err);

/* the wavelet_pass op (kernels/cuda/wavelet.cu) */
radx_status radx_cuda_wavelet_pass(radx_cuda *cu, const radx_wavelet_pass *w, radx_buf *in, radx_buf *out,
                                   radx_err *err);

/* the lbp2d and lbp3d ops (kernels/cuda/lbp.cu) */
radx_status radx_cuda_lbp2d(radx_cuda *cu, const radx_lbp2d *l, const radx_volbuf *img, radx_buf *out, radx_err *err);
radx_status radx_cuda_lbp3d(radx_cuda *cu, const radx_lbp3d *t, radx_buf *coef, const radx_volbuf *img, radx_buf *roi,
                            int64_t n, radx_buf *out, radx_err *err);

/* ---- one image type ---- */
/* the roi_values op (kernels/cuda/roi_values.cu): RADX_ERR_UNSUPPORTED (err clear) for boxes of
 * 2^32 voxels or more */
radx_status radx_cuda_roi_values(radx_cuda *cu, const radx_volbuf *img, radx_buf *roi, const int64_t dims_zyx[3],
                                 const int64_t lo_xyz[3], radx_buf *x, int64_t n, radx_roi_stats *s, radx_err *err);
/* the level_box op: the host copy from the host copies of gl and roi, the device copy from their
 * device copies when the device has them (kernels/cuda/roi_values.cu) */
radx_status radx_cuda_level_box(radx_cuda *cu, radx_buf *gl, int64_t n, radx_buf *roi, int64_t nbox, radx_buf *glbox,
                                radx_err *err);
/* the discretise op; gl comes back to the host too (kernels/cuda/discretise.cu) */
radx_status radx_cuda_discretise(radx_cuda *cu, radx_buf *x, int64_t n, const double *edges, int nedges, radx_buf *gl,
                                 int *ng, radx_err *err);
/* the firstorder op (kernels/cuda/firstorder.cu) */
radx_status radx_cuda_firstorder(radx_cuda *cu, radx_buf *x, radx_buf *gl, int64_t n, int ng, double voxel_volume,
                                 const radx_params *p, double *out, radx_err *err);
/* texture classes: radx_<class>_compute's contract (kernels/cuda/glcm.cu, glrlm.cu, glszm.cu,
 * gldm.cu, ngtdm.cu) */
radx_status radx_cuda_glcm(radx_cuda *cu, const radx_cuda_box *b, const radx_params *p, double *out, radx_err *err);
radx_status radx_cuda_glrlm(radx_cuda *cu, const radx_cuda_box *b, const radx_params *p, double *out, radx_err *err);
radx_status radx_cuda_glszm(radx_cuda *cu, const radx_cuda_box *b, const radx_params *p, double *out, radx_err *err);
radx_status radx_cuda_gldm(radx_cuda *cu, const radx_cuda_box *b, const radx_params *p, double *out, radx_err *err);
/* IBSI's NGLDM over the volume (slices 0: 3D) or the slices merged (1: 2.5D): GLDM's matrix counted
 * on the device, the features by radx_ngldm_from_gldm. */
radx_status radx_cuda_ngldm(radx_cuda *cu, const radx_cuda_box *b, const radx_params *p, int slices, double *out,
                            radx_err *err);
radx_status radx_cuda_ngtdm(radx_cuda *cu, const radx_cuda_box *b, const radx_params *p, double *out, radx_err *err);
/* shape (3-D): radx_shape_compute's contract (kernels/cuda/shape.cu) */
radx_status radx_cuda_shape(radx_cuda *cu, const radx_cuda_box *b, const radx_params *p, double *out, radx_err *err);

/* ---- voxel maps: kernels of at most RADX_VFO_MAX voxels (kernelRadius <= 3); larger ones
 * RADX_ERR_UNSUPPORTED (err clear).  The inputs' pointers are device pointers; out: the op's
 * layout, on the device ---- */
/* kernels/cuda/voxel_firstorder.cu */
radx_status radx_cuda_voxel_firstorder(radx_cuda *cu, const radx_vfo_input *in, double *d_out, radx_err *err);
/* kernels/cuda/voxel_texture.cu; GLCM reads g, the others d (the same description) */
radx_status radx_cuda_voxel_texture(radx_cuda *cu, radx_class cls, const radx_vglcm_in *g, const radx_vgldm_in *d,
                                    const int64_t *d_aidx, int64_t nroi, double *d_out, radx_err *err);

#endif
