/* SPDX-License-Identifier: BSD-3-Clause */
/* Resampling on the GPU (kernels/cuda/resample.cu) against the CPU (host/cpu/resample.c): the same set-up
 * (radx_resample_with, host/cpu/resample.h), the same per-voxel functions (kernels/rules/resample_eval.h over
 * kernels/rules/resample_rules.h), so image and mask must be BIT-IDENTICAL (grid and every voxel), for
 * nearest neighbour, linear and cubic B-spline (evaluated on the device) and the windowed sincs
 * (handed back to the CPU by design; checked to be identical too).
 *
 * Part 1 (any build with host/cpu/resample.h): the device evaluator's loops run on the host (one loop
 * over scanlines calling radx_rs_line_ends, one over voxels calling radx_rs_eval_voxel, exactly the
 * two kernels' bodies), plugged into radx_resample_with, must reproduce radx_resample bit for bit.
 * This checks the job hand-over (grid matrices, boxes, offsets) without a GPU.
 * Part 2 (CUDA build and a device; otherwise exit 77 after part 1, or 1 if part 1 failed):
 * radx_cuda_resample vs
 * radx_resample on the same cases; the arithmetic probe must report separate roundings
 * (kernels/cuda/resample.cu compiled with --fmad=false), and the evaluations of the nearest / linear /
 * B-spline cases must have run on the device; error cases give the same status and message;
 * timings printed.
 *
 * Cases: brain1 and breast1 with [2,2,2], [0.702,0.702,0], [1,1,0], [0.5,0.5,3] and padDistance 5 /
 * 10; int16, float64, float32, uint8 images; the equal-spacing shortcut; brain1's 2-D label; a
 * one-voxel ROI; a synthetic oblique image whose mask has another direction, origin and spacing;
 * the five windowed sincs. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* the host copy of the device loops must round every product and sum separately, as
 * host/cpu/resample.c does */
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

#include "radx.h"
#include "core/radx_internal.h"
#include "radx_test.h"

#if defined(__has_include)
#if __has_include("resample.h")
#include "cpu/resample.h"
#include "rules/resample_eval.h"
#define HAVE_RS_HOOK 1
#endif
#endif

#include "cuda/stages.h"
#include "cuda/fft_cufft.h"
#include "cuda/resample_cuda.h"

#ifndef RADX_SOURCE_DIR
#define RADX_SOURCE_DIR "."
#endif

#ifdef HAVE_RS_HOOK

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

typedef struct src_vols {
    radx_volume img, msk;
} src_vols;

/* a synthetic oblique pair (the mask has another direction, origin and spacing) */
static int syn_build(src_vols *s)
{
    static const double r1[9] = {0.9440002907297721, -0.26561084490512343, 0.19574046636015827,
                                 0.2828415246805782, 0.9569233005613632, -0.0655627086011015,
                                 -0.16989444669697615, 0.11725474792746571, 0.9784616502806815};
    static const double r2[9] = {0.9392209664936915, -0.28204546783765916, 0.19574046636015827,
                                 0.2994990609170994, 0.9518412912616593, -0.0655627086011015,
                                 -0.1678221934323106, 0.12020195639661325, 0.9784616502806815};
    memset(s, 0, sizeof *s);
    const int64_t nx = 23, ny = 19, nz = 11, mx = 25, my = 21, mz = 10;
    radx_geom gi = {{nx, ny, nz}, {0.9, 1.1, 2.5}, {-10.3, 4.2, 7.7}, {0}, 3};
    radx_geom gm = {{mx, my, mz}, {0.85, 1.05, 2.6}, {-10.0, 4.5, 7.5}, {0}, 3};
    memcpy(gi.direction, r1, sizeof gi.direction);
    memcpy(gm.direction, r2, sizeof gm.direction);
    int16_t *a = malloc(sizeof *a * (size_t)(nx * ny * nz));
    uint8_t *m = malloc((size_t)(mx * my * mz));
    if (!a || !m) {
        free(a);
        free(m);
        return 0;
    }
    for (int64_t k = 0; k < nz; k++)
        for (int64_t j = 0; j < ny; j++)
            for (int64_t i = 0; i < nx; i++)
                a[i + nx * (j + ny * k)] = (int16_t)(((i * 37 + j * 101 + k * 53) % 200) - 60 + (i * j) % 17);
    for (int64_t k = 0; k < mz; k++)
        for (int64_t j = 0; j < my; j++)
            for (int64_t i = 0; i < mx; i++) {
                double u = (double)(i - 12) / 6.0, v = (double)(j - 10) / 5.0, w = (double)(k - 5) / 3.0;
                uint8_t l = (u * u + v * v + w * w) <= 1 ? 1 : 0;
                if (l == 1 && i > 14) l = 2;
                m[i + mx * (j + my * k)] = l;
            }
    s->img.g = gi;
    s->img.dtype = RADX_DT_I16;
    s->img.data = a;
    s->msk.g = gm;
    s->msk.dtype = RADX_DT_U8;
    s->msk.data = m;
    return 1;
}

static int load_src(const char *src, src_vols *s, radx_err *err)
{
    memset(s, 0, sizeof *s);
    if (!strcmp(src, "syn")) return syn_build(s);
    const char *img = !strncmp(src, "breast1", 7) ? "breast1_image.nrrd" : "brain1_image.nrrd";
    const char *msk = !strncmp(src, "breast1", 7) ? "breast1_label.nrrd"
                      : !strcmp(src, "brain1_2d") ? "brain1_label_2D.nrrd" : "brain1_label.nrrd";
    char p1[1024], p2[1024];
    snprintf(p1, sizeof p1, "%s/data/pyradiomics/%s", RADX_SOURCE_DIR, img);
    snprintf(p2, sizeof p2, "%s/data/pyradiomics/%s", RADX_SOURCE_DIR, msk);
    if (radx_volume_read(p1, &s->img, err)) return 0;
    if (radx_volume_read(p2, &s->msk, err)) {
        radx_volume_free(&s->img);
        return 0;
    }
    if (!strcmp(src, "brain1_1vox")) { /* keep one voxel of the label (the first in the bounding box centre's row) */
        const int64_t n = radx_geom_nvox(&s->msk.g);
        int64_t keep = -1;
        for (int64_t i = n / 2; i < n && keep < 0; i++)
            if (radx_volume_get(&s->msk, i) == 1.0) keep = i;
        for (int64_t i = 0; i < n && keep < 0; i++)
            if (radx_volume_get(&s->msk, i) == 1.0) keep = i;
        const size_t es = radx_dtype_size(s->msk.dtype);
        char one[16];
        memcpy(one, (char *)s->msk.data + (size_t)keep * es, es);
        memset(s->msk.data, 0, (size_t)n * es);
        memcpy((char *)s->msk.data + (size_t)keep * es, one, es);
    }
    return 1;
}

/* value transforms: f64 = (v - 37) / 123, f32 = its float, u8 = clip(v, 0, 255) */
static int transform(radx_volume *v, const char *xf)
{
    if (!strcmp(xf, "none")) return 1;
    const int64_t n = radx_geom_nvox(&v->g);
    radx_dtype t = !strcmp(xf, "f64") ? RADX_DT_F64 : !strcmp(xf, "f32") ? RADX_DT_F32 : RADX_DT_U8;
    void *d = malloc((size_t)n * radx_dtype_size(t));
    if (!d) return 0;
    for (int64_t i = 0; i < n; i++) {
        double x = radx_volume_get(v, i);
        if (t == RADX_DT_F64) ((double *)d)[i] = (x - 37.0) / 123.0;
        else if (t == RADX_DT_F32) ((float *)d)[i] = (float)((x - 37.0) / 123.0);
        else ((uint8_t *)d)[i] = (uint8_t)(x < 0 ? 0 : x > 255 ? 255 : x);
    }
    free(v->data);
    v->data = d;
    v->dtype = t;
    return 1;
}

typedef struct gcase {
    const char *src, *xform;
    double sp[3];
    const char *interp;
    int pad;
} gcase;

static const gcase cases[] = {
    {"brain1", "none", {2.0, 2.0, 2.0}, "sitkBSpline", 5},
    {"brain1", "none", {0.702, 0.702, 0.0}, "sitkBSpline", 5},
    {"brain1", "none", {1.0, 1.0, 0.0}, "sitkLinear", 5},
    {"brain1", "none", {0.5, 0.5, 3.0}, "sitkNearestNeighbor", 10},
    {"brain1", "none", {2.0, 2.0, 2.0}, "sitkLinear", 10},
    {"brain1", "f64", {0.702, 0.702, 0.0}, "sitkBSpline", 5},
    {"brain1", "f64", {2.0, 2.0, 2.0}, "sitkLinear", 5},
    {"brain1", "f32", {1.0, 1.0, 0.0}, "sitkBSpline", 5},
    {"brain1", "u8", {0.5, 0.5, 3.0}, "sitkBSpline", 5},
    {"brain1", "none", {0.78125, 0.78125, 6.5}, "sitkBSpline", 5}, /* equal spacing: the shortcut */
    {"brain1_2d", "none", {2.0, 2.0, 2.0}, "sitkBSpline", 5},
    {"brain1_1vox", "none", {1.0, 1.0, 1.0}, "sitkBSpline", 5},
    {"brain1_1vox", "none", {0.5, 0.5, 2.0}, "sitkLinear", 0},
    {"breast1", "none", {2.0, 2.0, 2.0}, "sitkBSpline", 5},
    {"breast1", "none", {0.702, 0.702, 0.0}, "sitkLinear", 10},
    {"breast1", "none", {1.0, 1.0, 0.0}, "sitkNearestNeighbor", 5},
    {"breast1", "none", {0.5, 0.5, 3.0}, "sitkBSpline", 10},
    {"breast1", "f64", {0.5, 0.5, 3.0}, "sitkBSpline", 5},
    {"breast1", "none", {1.0, 1.0, 1.5}, "sitkHammingWindowedSinc", 5},
    {"breast1", "none", {1.0, 1.0, 1.5}, "sitkCosineWindowedSinc", 5},
    {"breast1", "f64", {1.0, 1.0, 1.5}, "sitkWelchWindowedSinc", 5},
    {"breast1", "none", {1.0, 1.0, 1.5}, "sitkLanczosWindowedSinc", 5},
    {"breast1", "none", {1.0, 1.0, 1.5}, "sitkBlackmanWindowedSinc", 5},
    {"syn", "none", {1.0, 1.0, 1.0}, "sitkNearestNeighbor", 5},
    {"syn", "none", {0.5, 0.5, 0.0}, "sitkBSpline", 5},
    {"syn", "none", {1.7, 2.2, 5.2}, "sitkLinear", 5},
    {"syn", "f64", {1.0, 1.0, 1.0}, "sitkBSpline", 5},
};

static void set_params(radx_params *p, const double sp[3], const char *interp, int pad)
{
    radx_params_init_defaults(p);
    p->has_resampled_spacing = 1;
    for (int d = 0; d < 3; d++) p->resampled_spacing[d] = sp[d];
    snprintf(p->interpolator, sizeof p->interpolator, "%s", interp);
    p->pad_distance = pad;
}

static int geom_eq(const radx_geom *a, const radx_geom *b)
{
    if (a->ndim != b->ndim) return 0;
    for (int i = 0; i < 3; i++)
        if (a->size[i] != b->size[i] || a->spacing[i] != b->spacing[i] || a->origin[i] != b->origin[i]) return 0;
    for (int i = 0; i < 9; i++)
        if (a->direction[i] != b->direction[i]) return 0;
    return 1;
}

/* 1 when b is a's bit-identical twin (grid, type, voxels) */
static int same_volume(const char *name, const char *what, const radx_volume *a, const radx_volume *b)
{
    int ok = geom_eq(&a->g, &b->g) && a->dtype == b->dtype;
    CHECK(ok, "%s: %s grid or type differs", name, what);
    if (!ok) return 0;
    const int64_t n = radx_geom_nvox(&a->g);
    const size_t es = radx_dtype_size(a->dtype);
    int64_t nd = 0, first = -1;
    for (int64_t i = 0; i < n; i++)
        if (memcmp((const char *)a->data + (size_t)i * es, (const char *)b->data + (size_t)i * es, es)) {
            if (first < 0) first = i;
            nd++;
        }
    CHECK(nd == 0, "%s: %s: %lld of %lld voxels differ (first %lld: %.17g vs %.17g)", name, what, (long long)nd,
          (long long)n, (long long)first, first >= 0 ? radx_volume_get(a, first) : 0.0,
          first >= 0 ? radx_volume_get(b, first) : 0.0);
    return nd == 0;
}

/* ---- part 1: the device loops, on the host ---- */
static long long g_emu_jobs;

static radx_status emu_eval(void *ctx, const radx_rs_job *job, void *out, int *handled, radx_err *err)
{
    *handled = 0;
    if (job->interp != RADX_RS_NEAREST && job->interp != RADX_RS_LINEAR && job->interp != RADX_RS_BSPLINE)
        return RADX_OK; /* windowed sincs stay on the CPU, as on the device */
    const int64_t n0 = job->hi[0] - job->lo[0], n1 = job->hi[1] - job->lo[1], n2 = job->hi[2] - job->lo[2];
    const int64_t nl = n1 * n2;
    double *ends = malloc(sizeof *ends * 6 * (size_t)(nl > 0 ? nl : 1));
    if (!ends) return radx_seterr(err, RADX_ERR_NOMEM, "emulation: out of memory");
    for (int64_t l = 0; l < nl; l++) /* kernel rs_lines */
        radx_rs_line_ends(job->out_i2p, job->out_origin, job->out_size[0], job->in_p2i, job->in_origin,
                          job->lo[1] + l % n1, job->lo[2] + l / n1, ends + 6 * l, ends + 6 * l + 3);
    for (int64_t i = 0; i < n0 * nl; i++) { /* kernel rs_voxels: evaluate, cast, store */
        const int64_t x = i % n0, l = i / n0;
        radx_rs_store(job->out_dtype, out, i,
                      radx_rs_eval_voxel(job->interp, job->buf, job->blo, job->bsz, job->in_size, ends + 6 * l,
                                         ends + 6 * l + 3, job->lo[0] + x, job->out_size[0]));
    }
    free(ends);
    g_emu_jobs++;
    *handled = 1;
    return RADX_OK;
}

typedef radx_status (*resample_fn)(void *ctx, const radx_volume *img, const radx_volume *mask, const radx_params *p,
                                   uint32_t label, radx_volume *img_out, radx_volume *mask_out, radx_err *err);

static radx_status via_emu(void *ctx, const radx_volume *img, const radx_volume *mask, const radx_params *p,
                           uint32_t label, radx_volume *img_out, radx_volume *mask_out, radx_err *err)
{
    return radx_resample_with(img, mask, p, label, emu_eval, ctx, img_out, mask_out, err);
}

/* every case through `fn` vs radx_resample; returns the number of cases compared */
static int run_cases(const char *label, resample_fn fn, void *ctx, int timing)
{
    int ncmp = 0;
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        const gcase *k = &cases[c];
        char name[200];
        snprintf(name, sizeof name, "%s/%s [%g,%g,%g] %s pad %d", k->src, k->xform, k->sp[0], k->sp[1], k->sp[2],
                 k->interp, k->pad);
        radx_err err = {0}, e1 = {0}, e2 = {0};
        src_vols s;
        if (!load_src(k->src, &s, &err) || !transform(&s.img, k->xform)) {
            CHECK(0, "%s: cannot load: %s", name, err.msg);
            radx_volume_free(&s.img);
            radx_volume_free(&s.msk);
            continue;
        }
        radx_params p;
        set_params(&p, k->sp, k->interp, k->pad);
        radx_volume ci, cm, gi, gm;
        double t0 = now_s();
        radx_status s1 = radx_resample(&s.img, &s.msk, &p, 1, &ci, &cm, &e1);
        double t1 = now_s();
        radx_status s2 = fn(ctx, &s.img, &s.msk, &p, 1, &gi, &gm, &e2);
        double t2 = now_s();
        CHECK(s1 == s2, "%s: CPU status %d (%s), %s status %d (%s)", name, (int)s1, e1.msg, label, (int)s2, e2.msg);
        if (s1 == RADX_OK && s2 == RADX_OK) {
            int a = same_volume(name, "image", &ci, &gi), b = same_volume(name, "mask", &cm, &gm);
            ncmp++;
            if (timing)
                printf("  %-58s %s  CPU %6.1f ms, %s %6.1f ms\n", name, a && b ? "bit-identical" : "DIFFERENT",
                       1e3 * (t1 - t0), label, 1e3 * (t2 - t1));
            else
                printf("  %-58s %s\n", name, a && b ? "bit-identical" : "DIFFERENT");
        }
        radx_volume_free(&ci);
        radx_volume_free(&cm);
        radx_volume_free(&gi);
        radx_volume_free(&gm);
        radx_params_clear(&p);
        radx_volume_free(&s.img);
        radx_volume_free(&s.msk);
    }
    return ncmp;
}

static radx_status via_cuda(void *ctx, const radx_volume *img, const radx_volume *mask, const radx_params *p,
                            uint32_t label, radx_volume *img_out, radx_volume *mask_out, radx_err *err)
{
    return radx_cuda_resample(ctx, img, mask, p, label, img_out, mask_out, err);
}

static void error_cases(void *stream)
{
    radx_err err = {0};
    src_vols s;
    if (!load_src("brain1", &s, &err)) {
        CHECK(0, "cannot load brain1: %s", err.msg);
        return;
    }
    struct { const char *what; double sp[3]; const char *interp; uint32_t label; } ec[] = {
        {"label absent", {2, 2, 2}, "sitkBSpline", 7},
        {"negative spacing", {2, -1, 2}, "sitkBSpline", 1},
        {"grid above the voxel limit", {0.002, 0.002, 0.002}, "sitkLinear", 1},
        {"sitkGaussian", {2, 2, 2}, "sitkGaussian", 1},
        {"unknown interpolator", {2, 2, 2}, "sitkCubic", 1},
    };
    for (size_t i = 0; i < sizeof ec / sizeof *ec; i++) {
        radx_params p;
        set_params(&p, ec[i].sp, ec[i].interp, 5);
        radx_err e1 = {0}, e2 = {0};
        radx_volume a, b, c, d;
        radx_status s1 = radx_resample(&s.img, &s.msk, &p, ec[i].label, &a, &b, &e1);
        radx_status s2 = radx_cuda_resample(stream, &s.img, &s.msk, &p, ec[i].label, &c, &d, &e2);
        CHECK(s1 != RADX_OK && s1 == s2 && !strcmp(e1.msg, e2.msg), "error %s: CPU %d '%s', GPU %d '%s'", ec[i].what,
              (int)s1, e1.msg, (int)s2, e2.msg);
        CHECK(c.data == NULL && d.data == NULL, "error %s: outputs not cleared", ec[i].what);
        printf("  error: %-28s -> %s\n", ec[i].what, e2.msg);
        radx_volume_free(&a);
        radx_volume_free(&b);
        radx_volume_free(&c);
        radx_volume_free(&d);
        radx_params_clear(&p);
    }
    radx_volume_free(&s.img);
    radx_volume_free(&s.msk);
}

int main(void)
{
    /* part 1 */
    printf("part 1: the device evaluator's loops on the host, through radx_resample_with\n");
    int n1 = run_cases("emulated", via_emu, NULL, 0);
    CHECK(n1 == (int)(sizeof cases / sizeof *cases), "part 1: %d of %d cases compared", n1,
          (int)(sizeof cases / sizeof *cases));
    CHECK(g_emu_jobs > 0, "part 1: the evaluator was never called");
    printf("part 1: %lld evaluations through the hook\n", g_emu_jobs);

    if (!radx_backend_available(RADX_BACKEND_CUDA)) {
        printf("test_gpu_resample: no CUDA device here: part 2 skipped\n");
        return radx_test_failures ? radx_test_finish("test_gpu_resample") : RADX_TEST_SKIP;
    }
    void *stream = radx_cuda_test_stream();
    CHECK(stream != NULL, "cannot create a CUDA stream");
    CHECK(radx_cuda_resample_available(), "radx_cuda_resample was built without host/cpu/resample.h");
    if (!stream || !radx_cuda_resample_available()) return radx_test_finish("test_gpu_resample");
    radx_err err = {0};
    int ex = radx_cuda_resample_exact(stream, &err);
    CHECK(ex == 1, "the device fuses a*b+c (%d%s%s): compile kernels/cuda/resample.cu with --fmad=false", ex,
          ex < 0 ? ": " : "", ex < 0 ? err.msg : "");
    printf("part 2: radx_cuda_resample vs radx_resample (device arithmetic %s)\n",
           ex == 1 ? "separately rounded: exact" : "FUSED: everything falls back to the CPU");
    long long d0, c0, d1, c1;
    radx_cuda_resample_counts(&d0, &c0);
    int n2 = run_cases("GPU", via_cuda, stream, 1);
    radx_cuda_resample_counts(&d1, &c1);
    CHECK(n2 == (int)(sizeof cases / sizeof *cases), "part 2: %d of %d cases compared", n2,
          (int)(sizeof cases / sizeof *cases));
    printf("part 2: %lld evaluations on the device, %lld handed back to the CPU (windowed sincs: 5 expected)\n",
           d1 - d0, c1 - c0);
    if (ex == 1) {
        CHECK(d1 - d0 >= 2 * (long long)(n2 - 5), "part 2: only %lld evaluations ran on the device", d1 - d0);
        CHECK(c1 - c0 == 5, "part 2: %lld evaluations handed back to the CPU, expected the 5 windowed-sinc images",
              c1 - c0);
    }
    error_cases(stream);
    radx_cuda_test_stream_destroy(stream);
    return radx_test_finish("test_gpu_resample");
}

#else /* no host/cpu/resample.h yet */

int main(void)
{
    printf("test_gpu_resample: host/cpu/resample.h (radx_resample_with) not present: skipped\n");
    return RADX_TEST_SKIP;
}

#endif
