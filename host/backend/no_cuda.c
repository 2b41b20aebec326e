/* SPDX-License-Identifier: BSD-3-Clause */
/* Built only when radx is compiled without CUDA: the CUDA backend reports "not available". */
#include "backend/backend.h"

int radx_cuda_device_count(void) { return 0; }

radx_status radx_cuda_backend_create(const radx_backend_ops **ops, void **ctx, radx_err *err)
{
    *ops = NULL;
    *ctx = NULL;
    return radx_seterr(err, RADX_ERR_DEVICE, "--device cuda: this radx was built without CUDA (RADX_CUDA=OFF or no nvcc)");
}

void radx_cuda_memory_stats(radx_cuda_memstats *s)
{
    s->peak_bytes = 0;
    s->budget_bytes = 0;
    s->cpu_fallbacks = 0;
    s->resident_bytes_saved = 0;
    s->tiled_stages = 0;
    s->download_bytes_saved = 0;
    s->narrow_bytes_saved = 0;
}

void radx_cuda_note_cpu_fallback(void) {}
