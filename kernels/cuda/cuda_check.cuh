/* SPDX-License-Identifier: BSD-3-Clause */
/* CUDA error checks that turn a failure into a radx_status (the library never aborts). */
#ifndef RADX_CUDA_CHECK_CUH
#define RADX_CUDA_CHECK_CUH
#include <cuda_runtime.h>
#include "core/error.h"

#define RADX_CUDA_TRY(call, err)                                                                                     \
    do {                                                                                                             \
        cudaError_t e_ = (call);                                                                                     \
        if (e_ != cudaSuccess)                                                                                       \
            return radx_seterr((err), RADX_ERR_DEVICE, "CUDA: %s failed: %s (%s:%d)", #call, cudaGetErrorString(e_), \
                               __FILE__, __LINE__);                                                                  \
    } while (0)

/* For functions that own device memory: runs call; on failure keeps the error in the caller's
 * `cudaError_t e` and the call's text in `const char *what`, then jumps to the caller's `done:`
 * label, where it frees what it allocated and turns (e, what) into a radx_status. */
#define RADX_CUDA_TRY_GOTO(call) \
    do {                         \
        e = (call);              \
        if (e != cudaSuccess) {  \
            what = #call;        \
            goto done;           \
        }                        \
    } while (0)
#endif
