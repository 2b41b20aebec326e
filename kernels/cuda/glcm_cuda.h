/* SPDX-License-Identifier: BSD-3-Clause */
/* GPU matrices of the angular texture classes (kernels/cuda/glcm.cu, kernels/cuda/glrlm.cu), for
 * radx_cuda_glcm / radx_cuda_glrlm (kernels/cuda/stages.h) and the CPU-vs-GPU tests
 * (tests/test_gpu_glcm.c, tests/test_gpu_glrlm.c), which compare them cell for cell with
 * radx_glcm_count_angle / radx_glrlm_count_angle (host/features/angular_classes.h).
 *
 * Without CUDA (RADX_CUDA=OFF) host/features/glcm.c and host/features/glrlm.c define stand-ins that return
 * RADX_ERR_DEVICE, so the tests link in every build (they skip before calling them). */
#ifndef RADX_GLCM_CUDA_H
#define RADX_GLCM_CUDA_H

#include <stdint.h>
#include "features/angular_classes.h"

#ifdef __cplusplus
extern "C" {
#endif

/* How the counting kernel accumulates (kernels/cuda/angular_count.cuh). */
#define RADX_ANG_AUTO 0   /* shared-memory matrices when one fits in a block's shared memory, else global */
#define RADX_ANG_SHARED 1 /* shared memory only (RADX_ERR_ARG when a matrix does not fit): tests */
#define RADX_ANG_GLOBAL 2 /* global-memory atomics only: tests */

/* The na GLCM matrices of g (n x n each, not symmetrised, angle after angle: na * g->ncell
 * counts) into the host buffer cnt, counted on the GPU on stream (a cudaStream_t).  The same
 * counts as radx_glcm_count_angle.  RADX_ERR_NOMEM when one angle's matrix does not fit in the
 * device memory, RADX_ERR_DEVICE on a CUDA error. */
radx_status radx_glcm_cuda_counts(void *stream, const radx_angular_prep *g, int mode, uint32_t *cnt, radx_err *err);

/* Tests: a non-blocking CUDA stream (*stream), and its destruction (NULL-safe). */
radx_status radx_angular_cuda_test_stream(void **stream, radx_err *err);
void radx_angular_cuda_test_stream_destroy(void *stream);

#ifdef __cplusplus
}
#endif
#endif
