/* SPDX-License-Identifier: BSD-3-Clause */
/* The CUDA device-memory budget (kernels/cuda/device_mem.cu): with a budget far too small for brain1
 * (RADX_CUDA_MEMORY_MIB=0.25, set before the first CUDA call), a CUDA plan must still give every
 * feature of the CPU plan (stages the budget cannot hold at once run in tiles, or on the CPU),
 * report them, and never hold more than the budget.  Exits 77 without a CUDA device. */
#include <stdlib.h>
#include "backend/backend.h" /* radx_cuda_memory_stats */
#include "gpu_plan_harness.h"

int main(void)
{
    if (!radx_backend_available(RADX_BACKEND_CUDA)) {
        printf("test_gpu_memory: no CUDA backend or device here: skipped\n");
        return RADX_TEST_SKIP;
    }
    setenv("RADX_CUDA_MEMORY_MIB", "0.25", 1);
    radx_ctx *ctx;
    radx_ctx_create(&ctx);
    radx_result *cpu = gp_run(ctx, RADX_BACKEND_CPU, "brain1", NULL), *gpu = gp_run(ctx, RADX_BACKEND_CUDA, "brain1", NULL);
    unsigned long long peak = 0, budget = 0;
    long long fb = 0;
    radx_device_memory(&peak, &budget, &fb);
    radx_cuda_memstats ms;
    radx_cuda_memory_stats(&ms);
    printf("budget %.2f MiB: peak %.3f MiB, %lld stage(s) in tiles, %lld on the CPU\n", budget / 1048576.0,
           peak / 1048576.0, ms.tiled_stages, fb);
    CHECK(budget == (unsigned long long)(0.25 * 1048576.0), "budget %llu bytes", budget);
    CHECK(peak <= budget, "peak %llu over the budget %llu", peak, budget);
    CHECK(fb + ms.tiled_stages > 0, "no stage went to tiles or to the CPU under a 0.25 MiB budget");
    if (cpu && gpu) {
        int n = 0;
        gp_compare(cpu, gpu, NULL, &n);
        printf("brain1: %d values compared between the CPU plan and the budget-starved CUDA plan\n", n);
    }
    radx_result_destroy(cpu);
    radx_result_destroy(gpu);
    radx_ctx_destroy(ctx);
    return radx_test_finish("test_gpu_memory");
}
