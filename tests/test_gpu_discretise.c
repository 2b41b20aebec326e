/* SPDX-License-Identifier: BSD-3-Clause */
/* Discretisation, CPU vs CUDA (kernels/cuda/discretise.cu): for the bin edges radx_bin_edges makes
 * from binWidth (25, 0.5, 1e-3) and binCount (16, 64), on values drawn around and exactly on the
 * edges, negative ranges, a constant ROI, float32-rounded values and an empty array, the GPU's
 * levels and largest level must equal radx_discretise's exactly.  Exits 77 (skipped) without
 * CUDA or a device. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cuda/stages.h"
#include "pipeline/discretise.h"
#include "cuda/glcm_cuda.h"
#include "params/params.h"
#include "radx.h"
#include "core/radx_internal.h"
#include "radx_test.h"

static int g_sets;

static void one(void *stream, const char *what, const double *x, int64_t n, const char *name, const char *value,
                int f32)
{
    radx_params p;
    radx_err e = {RADX_OK, ""};
    radx_params_init_defaults(&p);
    CHECK(radx_params_set_text(&p, name, value, &e) == RADX_OK, "%s: %s", what, e.msg);
    double *edges = NULL;
    int nedges = 0;
    if (n > 0 && radx_bin_edges(x, n, &p, f32, &edges, &nedges, &e) != RADX_OK) {
        CHECK(0, "%s: edges: %s", what, e.msg);
        radx_params_clear(&p);
        return;
    }
    const double none[2] = {0, 1};
    const double *ed = edges ? edges : none;
    const int ne = edges ? nedges : 2;
    int32_t *cpu = malloc(sizeof *cpu * (size_t)(n > 0 ? n : 1)), *gpu = malloc(sizeof *gpu * (size_t)(n > 0 ? n : 1));
    const int ngc = radx_discretise(x, n, ed, ne, cpu);
    int ngg = -1;
    const radx_status st = radx_cuda_discretise(stream, x, n, ed, ne, gpu, &ngg, &e);
    CHECK(st == RADX_OK, "%s: CUDA: %s", what, e.msg);
    int64_t bad = 0;
    for (int64_t i = 0; st == RADX_OK && i < n; i++) bad += cpu[i] != gpu[i];
    CHECK(st != RADX_OK || (bad == 0 && ngc == ngg), "%s (%s %s): %lld levels differ, largest %d vs %d", what, name,
          value, (long long)bad, ngc, ngg);
    g_sets++;
    free(cpu);
    free(gpu);
    free(edges);
    radx_params_clear(&p);
}

int main(void)
{
    if (!radx_backend_available(RADX_BACKEND_CUDA)) {
        printf("test_gpu_discretise: no CUDA backend or device here: skipped\n");
        return RADX_TEST_SKIP;
    }
    void *stream = NULL;
    radx_err e = {RADX_OK, ""};
    if (radx_angular_cuda_test_stream(&stream, &e) != RADX_OK) {
        CHECK(0, "stream: %s", e.msg);
        return radx_test_finish("test_gpu_discretise");
    }
    const int64_t n = 200000;
    double *x = malloc(sizeof *x * (size_t)n);
    uint64_t s = 7;
    static const char *settings[][2] = {{"binWidth", "25"}, {"binWidth", "0.5"}, {"binWidth", "1e-3"},
                                        {"binCount", "16"}, {"binCount", "64"}};
    for (int kind = 0; kind < 5; kind++) {
        for (int64_t i = 0; i < n; i++) {
            s = s * 6364136223846793005ull + 1442695040888963407ull;
            const double u = (double)(s >> 11) / 9007199254740992.0;
            switch (kind) {
            case 0: x[i] = -1000 + 3000 * u; break;                 /* CT-like range */
            case 1: x[i] = 25.0 * floor(u * 80) - 1000; break;     /* exactly on binWidth 25 edges */
            case 2: x[i] = -5e-3 - 1e-2 * u; break;                /* small negative values */
            case 3: x[i] = (double)(float)(0.1 + 7.3 * u); break;  /* float32 values */
            default: x[i] = 42.0; break;                           /* constant */
            }
        }
        for (int k = 0; k < 5; k++) {
            char what[64];
            snprintf(what, sizeof what, "values %d", kind);
            one(stream, what, x, n, settings[k][0], settings[k][1], kind == 3);
        }
    }
    one(stream, "no values", x, 0, "binWidth", "25", 0);
    printf("discretisation: %d value sets x bin settings, CUDA levels equal the CPU's\n", g_sets);
    free(x);
    radx_angular_cuda_test_stream_destroy(stream);
    return radx_test_finish("test_gpu_discretise");
}
