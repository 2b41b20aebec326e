/* SPDX-License-Identifier: BSD-3-Clause */
/* The CUDA device-memory budget (kernels/cuda/device_mem.cu): with a budget far too small for brain1
 * (RADX_CUDA_MEMORY_MIB=0.25, set before the first CUDA call), a CUDA plan must still give every
 * feature of the CPU plan (ops the budget cannot hold at once run in tiles, or on the CPU),
 * report them, and never hold more than the budget.  Exits 77 without a CUDA device. */
#include <stdlib.h>
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
    radx_device_stats ds;
    memset(&ds, 0, sizeof ds);
    radx_result *cpu = gp_run(ctx, RADX_BACKEND_CPU, "brain1", NULL, NULL);
    radx_result *gpu = gp_run(ctx, RADX_BACKEND_CUDA, "brain1", NULL, &ds);
    printf("budget %.2f MiB: peak %.3f MiB, %lld op(s) in tiles, %lld on the CPU\n", ds.budget_bytes / 1048576.0,
           ds.peak_bytes / 1048576.0, ds.tiled_ops, ds.cpu_fallbacks);
    CHECK(ds.budget_bytes == (unsigned long long)(0.25 * 1048576.0), "budget %llu bytes", ds.budget_bytes);
    CHECK(ds.peak_bytes <= ds.budget_bytes, "peak %llu over the budget %llu", ds.peak_bytes, ds.budget_bytes);
    CHECK(ds.cpu_fallbacks + ds.tiled_ops > 0, "no op went to tiles or to the CPU under a 0.25 MiB budget");
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
