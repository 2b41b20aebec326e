/* SPDX-License-Identifier: BSD-3-Clause */
/* CPU vs CUDA: the same cases through both backends must give identical features (the GPU ops
 * share their per-voxel rules with the CPU, and matrices are integer counts).  The CUDA runs
 * chain the stages of an image type on the device (host/backend/resident.h): the levels, level box and
 * ROI box go up once and first order and the texture classes read the device copies, and the ROI
 * values are gathered on the device and stay there, so the backend must report uploads and
 * downloads it did not make.  Exits 77 (CTest: skipped) when radx was built
 * without CUDA or no usable device is present. */
#include "backend/backend.h"
#include "gpu_plan_harness.h"

int main(void)
{
    if (!radx_backend_available(RADX_BACKEND_CUDA)) {
        printf("test_gpu_parity: no CUDA backend or device here: skipped\n");
        return RADX_TEST_SKIP;
    }
    radx_ctx *ctx;
    radx_ctx_create(&ctx);
    const char *cases[] = {"brain1", "breast1"};
    const char *bins[] = {NULL, "64"};
    for (int c = 0; c < 2; c++)
        for (int b = 0; b < 2; b++) {
            radx_result *cpu = gp_run(ctx, RADX_BACKEND_CPU, cases[c], bins[b]);
            radx_result *gpu = gp_run(ctx, RADX_BACKEND_CUDA, cases[c], bins[b]);
            if (!cpu || !gpu) continue;
            const int nd = gp_compare(cpu, gpu, NULL, NULL);
            printf("%s %s: %d features differ between CPU and CUDA\n", cases[c], bins[b] ? "binCount 64" : "binWidth 25", nd);
            radx_result_destroy(cpu);
            radx_result_destroy(gpu);
        }
    radx_cuda_memstats ms;
    radx_cuda_memory_stats(&ms);
    CHECK(ms.resident_bytes_saved > 0, "no stage read a device-resident copy");
    printf("device-resident copies spared %.1f MiB of uploads\n", (double)ms.resident_bytes_saved / 1048576.0);
    /* the ROI values are gathered on the device from the held image and never come down */
    CHECK(ms.download_bytes_saved > 0, "no result stayed on the device");
    CHECK(ms.cpu_fallbacks == 0, "%lld stage(s) fell back to the CPU", ms.cpu_fallbacks);
    printf("results kept on the device spared %.1f MiB of downloads\n", (double)ms.download_bytes_saved / 1048576.0);
    /* levels, sorted values and NGTDM sums come down narrow (kernels/rules/narrow_rules.h) */
    CHECK(ms.narrow_bytes_saved > 0, "nothing came down narrow");
    printf("narrow transfers spared %.1f MiB of copies\n", (double)ms.narrow_bytes_saved / 1048576.0);
    radx_ctx_destroy(ctx);
    return radx_test_finish("test_gpu_parity");
}
