/* SPDX-License-Identifier: BSD-3-Clause */
/* kernels/cuda/resample.cu beyond radx_cuda_resample (kernels/cuda/stages.h): what tests/test_gpu_resample.c
 * needs to know about where the voxels were evaluated. */
#ifndef RADX_RESAMPLE_CUDA_H
#define RADX_RESAMPLE_CUDA_H

#include "core/radx_internal.h"

#ifdef __cplusplus
extern "C" {
#endif

/* 1 when radx_cuda_resample can evaluate on the device (built against host/cpu/resample.h's
 * radx_resample_with), 0 when it only returns RADX_ERR_UNSUPPORTED. */
int radx_cuda_resample_available(void);

/* Whether the device evaluates products and sums with separate roundings, as the CPU does
 * (kernels/cuda/resample.cu must be compiled with --fmad=false): 1 yes, 0 no (fused multiply-adds:
 * radx_cuda_resample then leaves every evaluation to the CPU, which gives the same voxels),
 * -1 when the probe kernel could not run (*err says why). */
int radx_cuda_resample_exact(void *stream, radx_err *err);

/* Evaluations (one per resampled image or mask) done on the device and handed back to the CPU
 * (windowed-sinc interpolators, contracted arithmetic, device memory short) since the start. */
void radx_cuda_resample_counts(long long *on_device, long long *on_cpu);

#ifdef __cplusplus
}
#endif
#endif
