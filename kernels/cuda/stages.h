/* SPDX-License-Identifier: BSD-3-Clause */
/* The CUDA backend's per-stage entry points (C linkage, no CUDA types, so host C code and the
 * backend table can name them).  Each runs one stage of one case on the plan's stream and
 * returns when its results are on the host.  `stream` is the plan's cudaStream_t as void *.
 * Implemented in kernels/cuda/<stage>.cu; dispatched by kernels/cuda/backend_cuda.cu.
 *
 * Rules: every per-voxel / per-pair rule comes from a header under kernels/ that the CPU path uses;
 * matrices are integer counts (bit-identical to the CPU's); the features are then computed on
 * the host by the same C functions the CPU backend uses, so CPU and CUDA results are identical
 * whenever the matrices are. */
#ifndef RADX_CUDA_OPS_H
#define RADX_CUDA_OPS_H
#include "backend/backend.h"
#include "core/radx_internal.h"

#ifdef __cplusplus
extern "C" {
#endif

/* texture classes: same contract as radx_<class>_compute in host/core/radx_internal.h */
radx_status radx_cuda_glcm(void *stream, const radx_texture_input *in, const radx_params *p, double *out, radx_err *err);
radx_status radx_cuda_glrlm(void *stream, const radx_texture_input *in, const radx_params *p, double *out, radx_err *err);
radx_status radx_cuda_glszm(void *stream, const radx_texture_input *in, const radx_params *p, double *out, radx_err *err);
radx_status radx_cuda_gldm(void *stream, const radx_texture_input *in, const radx_params *p, double *out, radx_err *err);
radx_status radx_cuda_ngtdm(void *stream, const radx_texture_input *in, const radx_params *p, double *out, radx_err *err);

/* discretisation: gl[i] = radx_bin_index(edges, x[i]) for the n values, *ng the largest
 * (kernels/cuda/discretise.cu; the CPU op's contract, host/backend/backend.h) */
radx_status radx_cuda_discretise(void *stream, const double *x, int64_t n, const double *edges, int nedges, int32_t *gl,
                                 int *ng, radx_err *err);

/* first order: same contract as radx_firstorder_compute; bit-identical features (kernels/cuda/firstorder.cu) */
radx_status radx_cuda_firstorder(void *stream, const double *x, const int32_t *gl, int64_t n, int ng,
                                 double voxel_volume, const radx_params *p, double *out, radx_err *err);

/* voxel maps, first order: the backend op voxel_firstorder (host/backend/backend.h); kernelRadius <= 3
 * (kernels/cuda/voxel_firstorder.cu) */
radx_status radx_cuda_voxel_firstorder(void *stream, const radx_vfo_input *in, double *out, radx_err *err);

/* voxel maps, texture classes with a per-voxel rule (GLCM, GLDM): the backend op voxel_texture
 * (host/backend/backend.h); kernelRadius <= 3 (kernels/cuda/voxel_texture.cu) */
radx_status radx_cuda_voxel_texture(void *stream, radx_class cls, const void *in, const int64_t *aidx, int64_t nroi,
                                    double *out, radx_err *err);

/* shape (3-D): same contract as radx_shape_compute; bit-identical features (kernels/cuda/shape.cu) */
radx_status radx_cuda_shape(void *stream, const radx_shape_input *in, const radx_params *p, double *out, radx_err *err);

/* the roi_values op (host/backend/backend.h) from the device copy of a held image (kernels/cuda/roi_values.cu);
 * RADX_ERR_UNSUPPORTED when the image is not on the device (the caller gathers on the host) */
radx_status radx_cuda_roi_values(void *stream, const radx_volume *img, const uint8_t *roi, const int64_t dims_zyx[3],
                                 const int64_t lo_xyz[3], double *x, int64_t n, radx_roi_stats *s, radx_err *err);
/* the level_box op's device half (kernels/cuda/roi_values.cu): when the device has copies of the held
 * gl and roi, builds the held glbox's device copy from them (the host fills glbox itself);
 * otherwise (or without room) nothing, and glbox goes up at its first use */
radx_status radx_cuda_level_box(void *stream, const int32_t *gl, int64_t n, const uint8_t *roi, int64_t nbox,
                                const int32_t *glbox, radx_err *err);

/* preprocessing: same contracts as radx_log_filter / radx_resample in host/core/radx_internal.h */
radx_status radx_cuda_log_filter(void *stream, const radx_volume *in, double sigma_mm, radx_log_mode mode,
                                 radx_volume *out, radx_err *err);
/* The same into the caller's buffer buf (in's voxel count floats; NULL: a new one): when the
 * backend holds buf (host/backend/resident.h), the result stays on the device only (stale) */
radx_status radx_cuda_log_filter_into(void *stream, const radx_volume *in, double sigma_mm, radx_log_mode mode,
                                      float *buf, radx_volume *out, radx_err *err);
radx_status radx_cuda_resample(void *stream, const radx_volume *img, const radx_volume *mask, const radx_params *p,
                               uint32_t label, radx_volume *img_out, radx_volume *mask_out, radx_err *err);

#ifdef __cplusplus
}
#endif
#endif
