/* SPDX-License-Identifier: BSD-3-Clause */
/* CPU vs CUDA through the public API: the same cases through both backends must give identical
 * features (the GPU ops share their per-voxel rules with the CPU, and matrices are integer
 * counts).  A CUDA plan keeps an image type's buffers on the device: the ROI values are gathered
 * there and stay there, first order and the texture classes read the levels and the level box
 * there, so the plan must report uploads and downloads it did not make, and narrow transfers.
 * Exits 77 (CTest: skipped) when radx was built without CUDA or no usable device is present. */
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
    radx_device_stats all;
    memset(&all, 0, sizeof all);
    for (int c = 0; c < 2; c++)
        for (int b = 0; b < 2; b++) {
            radx_device_stats ds;
            radx_result *cpu = gp_run(ctx, RADX_BACKEND_CPU, cases[c], bins[b], NULL);
            radx_result *gpu = gp_run(ctx, RADX_BACKEND_CUDA, cases[c], bins[b], &ds);
            all.upload_bytes_saved += ds.upload_bytes_saved;
            all.download_bytes_saved += ds.download_bytes_saved;
            all.narrow_bytes_saved += ds.narrow_bytes_saved;
            all.cpu_fallbacks += ds.cpu_fallbacks;
            if (!cpu || !gpu) continue;
            const int nd = gp_compare(cpu, gpu, NULL, NULL);
            printf("%s %s: %d features differ between CPU and CUDA\n", cases[c],
                   bins[b] ? "binCount 64" : "binWidth 25", nd);
            radx_result_destroy(cpu);
            radx_result_destroy(gpu);
        }
    CHECK(all.upload_bytes_saved > 0, "no op read a buffer the device had already");
    printf("device copies spared %.1f MiB of uploads\n", (double)all.upload_bytes_saved / 1048576.0);
    CHECK(all.download_bytes_saved > 0, "no result stayed on the device");
    CHECK(all.cpu_fallbacks == 0, "%lld op(s) fell back to the CPU", all.cpu_fallbacks);
    printf("results kept on the device spared %.1f MiB of downloads\n", (double)all.download_bytes_saved / 1048576.0);
    /* levels, sorted values and NGTDM sums come down narrow (kernels/rules/narrow_rules.h) */
    CHECK(all.narrow_bytes_saved > 0, "nothing came down narrow");
    printf("narrow transfers spared %.1f MiB of copies\n", (double)all.narrow_bytes_saved / 1048576.0);
    radx_ctx_destroy(ctx);
    return radx_test_finish("test_gpu_parity");
}
