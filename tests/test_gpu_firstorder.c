/* SPDX-License-Identifier: BSD-3-Clause */
/* First order, CPU vs CUDA (kernels/cuda/firstorder.cu): the device sorts the values and counts the
 * levels, the host computes the features with the CPU's radx_firstorder_from_sorted, so the 18
 * features must be equal (==, NaN where the CPU has NaN).  Inputs: 1, 2 and 3 voxels, constant
 * values, many ties, negative and positive values of mixed magnitudes, 10 to 5000 levels
 * (block-private and global histograms), 10^6 voxels (with timings), and the discretised ROI
 * of brain1 via the public API (CPU plan vs CUDA plan, default settings, its first-order features).  Exits 77
 * without a CUDA device (or in a build without CUDA). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gpu_plan_harness.h"
#include "core/radx_internal.h"
#include "cuda/stages.h"
#include "cuda/fft_cufft.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static uint64_t xs(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* values: kind 0 uniform in [-1000, 3000), 1 integers 0..9 (ties), 2 constant 42,
 * 3 mixed magnitudes (1e-6 .. 1e6, both signs) */
static void one(void *stream, int64_t n, int kind, int nlev, uint64_t seed, int timed)
{
    double *x = malloc(sizeof *x * (size_t)n), cpu[32], gpu[32], lo = INFINITY, hi = -INFINITY, t0, t1, t2;
    int32_t *gl = malloc(sizeof *gl * (size_t)n);
    radx_params p;
    radx_err e1 = {0}, e2 = {0};
    int64_t i;
    int ng = 0;
    radx_params_init_defaults(&p);
    for (i = 0; i < n; i++) {
        const double u = (double)(xs(&seed) >> 11) / 9007199254740992.0;
        switch (kind) {
        case 0: x[i] = -1000 + 4000 * u; break;
        case 1: x[i] = (double)(xs(&seed) % 10); break;
        case 2: x[i] = 42; break;
        default: x[i] = (u < 0.5 ? -1 : 1) * pow(10.0, -6 + 12 * u); break;
        }
        if (x[i] < lo) lo = x[i];
        if (x[i] > hi) hi = x[i];
    }
    for (i = 0; i < n; i++) {
        gl[i] = hi > lo ? 1 + (int32_t)((x[i] - lo) / (hi - lo) * (nlev - 1)) : 1;
        if (gl[i] > ng) ng = gl[i];
    }
    t0 = now();
    radx_status s1 = radx_firstorder_compute(x, gl, n, ng, 2.5, &p, cpu, &e1);
    t1 = now();
    radx_status s2 = radx_cuda_firstorder(stream, x, gl, n, ng, 2.5, &p, gpu, &e2);
    t2 = now();
    CHECK(s1 == RADX_OK && s2 == RADX_OK, "n %lld kind %d: CPU %s, CUDA %s", (long long)n, kind, e1.msg, e2.msg);
    if (s1 == RADX_OK && s2 == RADX_OK)
        for (int f = 0; f < radx_firstorder_nfeatures; f++)
            CHECK(cpu[f] == gpu[f] || (isnan(cpu[f]) && isnan(gpu[f])), "n %lld kind %d levels %d: %s CPU %.17g CUDA %.17g",
                  (long long)n, kind, nlev, radx_firstorder_features[f].name, cpu[f], gpu[f]);
    if (timed)
        printf("first order, %lld voxels, %d levels: CPU %.1f ms, CUDA %.1f ms (upload, sort, histogram, download, "
               "features)\n",
               (long long)n, ng, 1e3 * (t1 - t0), 1e3 * (t2 - t1));
    free(x);
    free(gl);
}

int main(void)
{
    if (!radx_backend_available(RADX_BACKEND_CUDA)) {
        printf("test_gpu_firstorder: no CUDA backend or device here: skipped\n");
        return RADX_TEST_SKIP;
    }
    void *stream = radx_cuda_test_stream();
    if (!stream) {
        printf("test_gpu_firstorder: no CUDA stream: skipped\n");
        return RADX_TEST_SKIP;
    }
    for (int64_t n = 1; n <= 3; n++)
        for (int kind = 0; kind < 4; kind++) one(stream, n, kind, 10, 99 + (uint64_t)n, 0);
    for (int kind = 0; kind < 4; kind++) {
        one(stream, 1000, kind, 10, 7 + (uint64_t)kind, 0);
        one(stream, 54321, kind, 64, 11 + (uint64_t)kind, 0);
        one(stream, 54321, kind, 5000, 13 + (uint64_t)kind, 0);
        one(stream, 20000, kind, 12289, 17 + (uint64_t)kind, 0); /* more levels than shared memory holds */
    }
    one(stream, 1000000, 0, 50, 5, 1);
    radx_cuda_test_stream_destroy(stream);

    radx_ctx *ctx;
    radx_ctx_create(&ctx);
    radx_result *cpu = gp_run(ctx, RADX_BACKEND_CPU, "brain1", NULL), *gpu = gp_run(ctx, RADX_BACKEND_CUDA, "brain1", NULL);
    if (cpu && gpu) {
        int n = 0;
        gp_compare(cpu, gpu, "_firstorder_", &n);
        printf("brain1: %d first-order values compared, CPU plan vs CUDA plan\n", n);
    }
    radx_result_destroy(cpu);
    radx_result_destroy(gpu);
    radx_ctx_destroy(ctx);
    return radx_test_finish("test_gpu_firstorder");
}
