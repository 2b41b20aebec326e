/* SPDX-License-Identifier: BSD-3-Clause */
/* Voxel maps, CPU plan vs CUDA plan (radx_plan_execute_map): every class runs per voxel on the
 * GPU (kernels/cuda/voxel_firstorder.cu, voxel_texture.cu: the CPU loop's own rules), kernelRadius 4 on
 * the CPU, preprocessing on the GPU.  Every map must agree voxel by voxel with the CPU
 * plan's: equal, or within one float32 ulp, or (GLCM features built from cancelling sums, such
 * as Imc2, Correlation or MCC, where the device's log2 / exp / sqrt rounding the last bit of a
 * double differently shows) within 1e-6 absolute; initValue outside the ROI.
 * Settings: brain1 and breast1 with first order + GLCM at kernelRadius 1; first order at
 * kernelRadius 2 and 3 (the largest kernel the GPU takes), 4 (declined: CPU loop), unmasked
 * kernels, and force2D.  Exits 77 without a CUDA device. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "radx.h"
#include "radx_test.h"
#include "map_keep.h"

static int run(radx_ctx *ctx, radx_backend b, const char *cs, const char *const *sets, maps *out)
{
    radx_params *p;
    radx_plan *plan = NULL;
    char img[512], msk[512];
    snprintf(img, sizeof img, "%s/data/pyradiomics/%s_image.nrrd", RADX_SOURCE_DIR, cs);
    snprintf(msk, sizeof msk, "%s/data/pyradiomics/%s_label.nrrd", RADX_SOURCE_DIR, cs);
    radx_params_create(ctx, &p);
    for (int i = 0; sets[i]; i += 2) radx_params_set(ctx, p, sets[i], sets[i + 1]);
    radx_status s = radx_plan_create(ctx, p, b, &plan);
    if (!s) s = radx_plan_execute_map(plan, img, msk, 0, keep, out);
    CHECK(s == RADX_OK, "%s (%s): %s", cs, radx_backend_name(b), radx_ctx_last_error(ctx));
    radx_plan_destroy(plan);
    radx_params_destroy(p);
    return s == RADX_OK;
}

static void compare(radx_ctx *ctx, const char *what, const char *cs, const char *const *sets)
{
    maps a = {0}, g = {0};
    int ok = run(ctx, RADX_BACKEND_CPU, cs, sets, &a) & run(ctx, RADX_BACKEND_CUDA, cs, sets, &g);
    if (ok) {
        CHECK(a.n == g.n && a.n > 0, "%s %s: %d maps on the CPU, %d on CUDA", cs, what, a.n, g.n);
        double worst = 0;
        for (int i = 0; i < a.n && i < g.n; i++) {
            CHECK(strcmp(a.name[i], g.name[i]) == 0, "%s %s: map %d is %s on the CPU, %s on CUDA", cs, what, i,
                  a.name[i], g.name[i]);
            long bad = 0;
            for (size_t v = 0; v < a.nvox; v++) {
                const float x = a.data[i][v], y = g.data[i][v];
                if ((isnan(x) && isnan(y)) || x == y) continue;
                const double r = fabs((double)x - (double)y) / fmax(fabs((double)x), fabs((double)y));
                if (r > worst) worst = r;
                if (r > 1.2e-7 && fabs((double)x - (double)y) > 1e-6) bad++;
            }
            CHECK(bad == 0, "%s %s: %s differs at %ld voxels by more than one float ulp and 1e-6", cs, what, a.name[i],
                  bad);
        }
        printf("%s %s: %d maps, largest relative difference CPU vs CUDA %.3g\n", cs, what, a.n, worst);
    }
    maps_free(&a);
    maps_free(&g);
}

int main(void)
{
    if (!radx_backend_available(RADX_BACKEND_CUDA)) {
        printf("test_gpu_map: no CUDA backend or device here: skipped\n");
        return RADX_TEST_SKIP;
    }
    radx_ctx *ctx;
    radx_ctx_create(&ctx);
    const char *fo_glcm[] = {"kernelRadius", "1", NULL};
    compare(ctx, "default classes, r=1", "breast1", fo_glcm);
    const char *r2[] = {"kernelRadius", "2", NULL};
    compare(ctx, "r=2", "brain1", r2);
    const char *r3[] = {"kernelRadius", "3", NULL};
    compare(ctx, "r=3", "breast1", r3);
    const char *r4[] = {"kernelRadius", "4", NULL};
    compare(ctx, "r=4 (CPU loop)", "breast1", r4);
    const char *unmasked[] = {"kernelRadius", "1", "maskedKernel", "false", NULL};
    compare(ctx, "unmasked", "breast1", unmasked);
    const char *f2d[] = {"kernelRadius", "2", "force2D", "true", NULL};
    compare(ctx, "force2D", "breast1", f2d);
    radx_ctx_destroy(ctx);
    return radx_test_finish("test_gpu_map");
}
