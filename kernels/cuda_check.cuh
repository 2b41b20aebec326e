/* SPDX-License-Identifier: BSD-3-Clause */
/* CUDA error checks that turn a failure into a radx_status (the library never aborts). */
#ifndef RADX_CUDA_CHECK_CUH
#define RADX_CUDA_CHECK_CUH
#include <cuda_runtime.h>
#include "radx_internal.h"

#define RADX_CUDA_TRY(call, err)                                                                   \
    do {                                                                                           \
        cudaError_t e_ = (call);                                                                   \
        if (e_ != cudaSuccess)                                                                     \
            return radx_seterr((err), RADX_ERR_DEVICE, "CUDA: %s failed: %s (%s:%d)", #call,       \
                               cudaGetErrorString(e_), __FILE__, __LINE__);                        \
    } while (0)
#endif
