/* SPDX-License-Identifier: BSD-3-Clause */
/* The CUDA backend's entry points (kernels/cuda/backend_cuda.cu), or their stand-ins in a build
 * without CUDA (host/backend/no_cuda.c), which report no device. */
#ifndef RADX_BACKEND_CUDA_H
#define RADX_BACKEND_CUDA_H

#include "backend/backend.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Usable CUDA devices: 0 when not built, no driver or no device. */
int radx_cuda_device_count(void);

/* A CUDA backend on device 0: its stream, page-locked host pool and cuFFT plan cache are created
 * now and live until be->ops->destroy(be->ctx).  RADX_ERR_DEVICE when no device is usable. */
radx_status radx_cuda_backend_create(radx_be *be, radx_err *err);

/* The backend's device statistics so far (include/radx.h); all zero for a NULL ctx. */
void radx_cuda_backend_stats(void *ctx, radx_device_stats *s);

/* A budget of device memory for this backend alone, below the process's (0: none): tests run
 * every op in tiles with it. */
void radx_cuda_backend_set_budget(void *ctx, size_t bytes);

/* How the GLCM and GLRLM kernels accumulate: 0 automatic (shared memory when a matrix fits),
 * 1 shared memory only, 2 global memory only (tests run both paths). */
void radx_cuda_backend_set_angular_mode(void *ctx, int mode);

/* The backend's cudaStream_t, for timing with CUDA events (bench/bench_stages.cc). */
void *radx_cuda_backend_stream(void *ctx);

#ifdef __cplusplus
}
#endif
#endif
