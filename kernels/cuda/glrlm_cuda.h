/* SPDX-License-Identifier: BSD-3-Clause */
/* GPU GLRLM matrices (kernels/cuda/glrlm.cu); see kernels/cuda/glcm_cuda.h for the modes and the test
 * stream. */
#ifndef RADX_GLRLM_CUDA_H
#define RADX_GLRLM_CUDA_H

#include "cuda/glcm_cuda.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The na GLRLM matrices of g (n x L each, angle after angle: na * g->ncell counts) into the host
 * buffer cnt, counted on the GPU on stream; angles failing the multiElement rule are zeroed, so
 * these are the counts radx_glrlm_count_angle gives.  Errors as radx_glcm_cuda_counts. */
radx_status radx_glrlm_cuda_counts(void *stream, const radx_angular_prep *g, int mode, uint32_t *cnt, radx_err *err);

#ifdef __cplusplus
}
#endif
#endif
