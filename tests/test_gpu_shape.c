/* SPDX-License-Identifier: BSD-3-Clause */
/* Shape (3-D), CPU vs CUDA (kernels/cuda/shape.cu): the 17 features must be bit-identical (the mesh is
 * built with the same per-cube rules of kernels/rules/marching_cubes.h and summed on the host in the
 * same order by radx_shape_from_mesh; the device's all-pairs diameters must equal the CPU's
 * hull-pruned search).  Inputs: balls with isotropic and anisotropic spacing,
 * random ROIs at 5-100 % fill (many disconnected pieces, every cube configuration), one voxel,
 * one slice, one row, a full box, a 100^3 ball (with timings), and the masks of
 * data/pyradiomics/brain1 and breast1 (their bounding boxes).  An empty ROI must fail the same
 * way on both.  Exits 77 without a CUDA device (or in a build without CUDA). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "radx.h"
#include "core/radx_internal.h"
#include "radx_test.h"
#include "cuda/stages.h"
#include "cuda/fft_cufft.h"

#ifndef RADX_SOURCE_DIR
#define RADX_SOURCE_DIR "."
#endif

static double maxerr;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void compare(void *stream, const char *what, const uint8_t *roi, const int64_t d[3], const double sp[3],
                    int timed)
{
    radx_shape_input in;
    radx_params p;
    radx_err e1 = {0}, e2 = {0};
    double cpu[32], gpu[32], t0, t1, t2;
    radx_status s1, s2;
    int64_t i, n = d[0] * d[1] * d[2], np = 0;
    memset(&p, 0, sizeof p);
    memcpy(in.dims_zyx, d, sizeof in.dims_zyx);
    memcpy(in.spacing_zyx, sp, sizeof in.spacing_zyx);
    in.roi = roi;
    for (i = 0; i < n; i++) np += roi[i] != 0;
    in.n_roi = np;
    t0 = now();
    s1 = radx_shape_compute(&in, &p, cpu, &e1);
    t1 = now();
    s2 = radx_cuda_shape(stream, &in, &p, gpu, &e2);
    t2 = now();
    CHECK(s1 == s2, "%s: CPU status %d (%s), CUDA status %d (%s)", what, (int)s1, e1.msg, (int)s2, e2.msg);
    if (s1 != RADX_OK || s2 != RADX_OK) return;
    for (i = 0; i < radx_shape_nfeatures; i++) {
        const int same = (isnan(cpu[i]) && isnan(gpu[i])) || memcmp(&cpu[i], &gpu[i], sizeof cpu[i]) == 0;
        const double r = radx_test_relerr(gpu[i], cpu[i]);
        CHECK(same, "%s: %s CPU %.17g, CUDA %.17g", what, radx_shape_features[i].name, cpu[i], gpu[i]);
        if (r > maxerr) maxerr = r;
    }
    if (timed)
        printf("%s (%lld x %lld x %lld, %lld ROI voxels): CPU %.1f ms, CUDA %.1f ms (upload, mesh, download, "
               "features)\n",
               what, (long long)d[0], (long long)d[1], (long long)d[2], (long long)np, 1e3 * (t1 - t0), 1e3 * (t2 - t1));
}

static uint64_t xs(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static void ball(void *stream, const char *what, int64_t n, double r, const double sp[3], int timed)
{
    const int64_t d[3] = {n, n, n};
    uint8_t *m = malloc((size_t)(n * n * n));
    int64_t z, y, x;
    const double c = 0.5 * (double)(n - 1);
    for (z = 0; z < n; z++)
        for (y = 0; y < n; y++)
            for (x = 0; x < n; x++)
                m[(z * n + y) * n + x] = (z - c) * (z - c) + (y - c) * (y - c) + (x - c) * (x - c) <= r * r;
    compare(stream, what, m, d, sp, timed);
    free(m);
}

static void random_roi(void *stream, int64_t d0, int64_t d1, int64_t d2, int fill, uint64_t seed)
{
    const int64_t d[3] = {d0, d1, d2}, n = d0 * d1 * d2;
    const double sp[3] = {2.5, 0.7, 0.9};
    uint8_t *m = malloc((size_t)n);
    char what[96];
    int64_t i;
    for (i = 0; i < n; i++) m[i] = (int)(xs(&seed) % 100) < fill;
    m[n / 2] = 1;
    snprintf(what, sizeof what, "random %lldx%lldx%lld fill %d%%", (long long)d0, (long long)d1, (long long)d2, fill);
    compare(stream, what, m, d, sp, 0);
    free(m);
}

static void mask_of(void *stream, const char *cs)
{
    char path[512], what[64];
    radx_volume v;
    radx_err err = {0};
    int64_t lo[3] = {INT64_MAX, INT64_MAX, INT64_MAX}, hi[3] = {-1, -1, -1}, i, j, k, d[3];
    double sp[3];
    snprintf(path, sizeof path, "%s/data/pyradiomics/%s_label.nrrd", RADX_SOURCE_DIR, cs);
    if (!radx_test_exists(path)) return;
    memset(&v, 0, sizeof v);
    if (radx_volume_read(path, &v, &err) != RADX_OK) {
        CHECK(0, "%s: %s", path, err.msg);
        return;
    }
    for (k = 0; k < v.g.size[2]; k++)
        for (j = 0; j < v.g.size[1]; j++)
            for (i = 0; i < v.g.size[0]; i++) {
                if (radx_volume_get(&v, i + v.g.size[0] * (j + v.g.size[1] * k)) != 1.0) continue;
                if (i < lo[2]) lo[2] = i;
                if (j < lo[1]) lo[1] = j;
                if (k < lo[0]) lo[0] = k;
                if (i > hi[2]) hi[2] = i;
                if (j > hi[1]) hi[1] = j;
                if (k > hi[0]) hi[0] = k;
            }
    if (hi[0] >= 0) {
        uint8_t *m;
        for (i = 0; i < 3; i++) d[i] = hi[i] - lo[i] + 1;
        sp[0] = v.g.spacing[2];
        sp[1] = v.g.spacing[1];
        sp[2] = v.g.spacing[0];
        m = malloc((size_t)(d[0] * d[1] * d[2]));
        for (k = 0; k < d[0]; k++)
            for (j = 0; j < d[1]; j++)
                for (i = 0; i < d[2]; i++)
                    m[(k * d[1] + j) * d[2] + i] =
                        radx_volume_get(&v, (lo[2] + i) + v.g.size[0] * ((lo[1] + j) + v.g.size[1] * (lo[0] + k))) == 1.0;
        snprintf(what, sizeof what, "%s mask", cs);
        compare(stream, what, m, d, sp, 1);
        free(m);
    }
    radx_volume_free(&v);
}

int main(void)
{
    if (!radx_backend_available(RADX_BACKEND_CUDA)) {
        printf("test_gpu_shape: no CUDA backend or device here: skipped\n");
        return RADX_TEST_SKIP;
    }
    void *stream = radx_cuda_test_stream();
    if (!stream) {
        printf("test_gpu_shape: no CUDA stream: skipped\n");
        return RADX_TEST_SKIP;
    }
    const double iso[3] = {1, 1, 1}, aniso[3] = {3.0, 0.703125, 0.8};
    ball(stream, "ball r=5", 11, 5, iso, 0);
    ball(stream, "ball r=9.3 anisotropic", 21, 9.3, aniso, 0);
    ball(stream, "ball r=48, 100^3 box", 100, 48, aniso, 1);
    for (int f = 5; f <= 100; f += 19) random_roi(stream, 17, 23, 29, f, 0x9e3779b97f4a7c15ull + (uint64_t)f);
    random_roi(stream, 1, 40, 33, 50, 7);
    random_roi(stream, 60, 1, 1, 70, 11);
    {
        const int64_t d1[3] = {1, 1, 1}, d2[3] = {1, 5, 7}, d3[3] = {4, 4, 4};
        uint8_t one = 1, slice[35], full[64], empty[64];
        memset(slice, 1, sizeof slice);
        memset(full, 1, sizeof full);
        memset(empty, 0, sizeof empty);
        compare(stream, "one voxel", &one, d1, aniso, 0);
        compare(stream, "one slice", slice, d2, aniso, 0);
        compare(stream, "full box", full, d3, iso, 0);
        compare(stream, "empty ROI", empty, d3, iso, 0);
    }
    mask_of(stream, "brain1");
    mask_of(stream, "breast1");
    radx_cuda_test_stream_destroy(stream);
    printf("shape CPU vs CUDA: largest relative difference %.3g (0 expected)\n", maxerr);
    return radx_test_finish("test_gpu_shape");
}
