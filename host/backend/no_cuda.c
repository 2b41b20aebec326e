/* SPDX-License-Identifier: BSD-3-Clause */
/* Built only when radx is compiled without CUDA: the CUDA backend reports "not available". */
#include <string.h>

#include "backend/cuda.h"

int radx_cuda_device_count(void) { return 0; }

radx_status radx_cuda_backend_create(radx_be *be, radx_err *err)
{
    be->ops = NULL;
    be->ctx = NULL;
    return radx_seterr(err, RADX_ERR_DEVICE,
                       "--device cuda: this radx was built without CUDA (RADX_CUDA=OFF or no nvcc)");
}

void radx_cuda_backend_stats(void *ctx, radx_device_stats *s) { memset(s, 0, sizeof *s); }

void radx_cuda_backend_set_budget(void *ctx, size_t bytes) {}

void radx_cuda_backend_set_angular_mode(void *ctx, int mode) {}

void *radx_cuda_backend_stream(void *ctx) { return NULL; }
