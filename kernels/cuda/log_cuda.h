/* SPDX-License-Identifier: BSD-3-Clause */
/* kernels/cuda/log_filter.cu beyond radx_cuda_log_filter (kernels/cuda/stages.h): the CUDA twin of
 * radx_log_filter_ex (host/cpu/log_filter.h), with explicit boundary / in-plane / truncate options,
 * for the IBSI-2 settings and for tests/test_gpu_log.c. */
#ifndef RADX_LOG_CUDA_H
#define RADX_LOG_CUDA_H

#include "core/radx_internal.h"
#include "cpu/log_filter.h"

#ifdef __cplusplus
extern "C" {
#endif

/* radx_log_filter_ex on the GPU, enqueued on `stream` (a cudaStream_t); returns when *out (host
 * F32 volume, same geometry as in) is filled.  Same checks and errors as radx_log_filter_ex, plus
 * RADX_ERR_NOMEM when the FFT buffer does not fit in device memory and RADX_ERR_DEVICE for other
 * CUDA / cuFFT failures.  Agrees with the CPU result to float rounding (see log_filter.cu). */
radx_status radx_cuda_log_filter_ex(void *stream, const radx_volume *in, double sigma_mm, const radx_log_opts *o,
                                    radx_volume *out, radx_err *err);

#ifdef __cplusplus
}
#endif
#endif
