/* SPDX-License-Identifier: BSD-3-Clause */
/* LoG on the GPU (kernels/cuda/log_filter.cu, cuFFT in kernels/cuda/fft_cufft.cu) against the CPU filter
 * (host/cpu/log_filter.c, KissFFT): same set-up (radx_log_setup_init) and the same per-sample rules
 * (kernels/rules/log_transfer.h), different float FFTs.
 *
 * Tolerance: both FFTs are single precision; measured against a double-precision evaluation of the
 * same algorithm (numpy, on the tables radx_log_setup_init builds), the CPU filter is within
 * 3.2e-7 of max |response| on brain1 / breast1 (sigma 1.5-5 mm, both kernels, all boundaries)
 * and within 1.1e-7 of max |input - centring constant|; cuFFT's error is of the same order.  So
 * for every case
 *     max |GPU - CPU| <= TOL_LOG * max(max |CPU response|, 0.05 max |input - c|)
 * with TOL_LOG = 1e-5 (a 10x margin over twice the measured float error; any indexing or
 * transfer-function mistake gives O(1)).  The second term keeps cases whose response is tiny
 * compared with the input (a constant image, a smooth ramp) from dividing float noise by ~0.
 * Printed per case: max |GPU - CPU| / max |CPU response| and the normalised error above.
 *
 * Cases: brain1 and breast1 (whole images, a crop, a 2-D slice) for sigma 1.5, 3, 5 mm with the
 * PyRadiomics (ITK) and IBSI kernels through radx_cuda_log_filter; the IBSI kernel with the four
 * boundary modes, 3-D and in-plane, through radx_cuda_log_filter_ex; synthetic volumes: odd sizes,
 * every input pixel type, anisotropic spacing, the smallest image PyRadiomics accepts (4x4x4),
 * a constant image, an impulse; repeatability (the cached cuFFT plan gives the same bits); the
 * error paths (same status and message as the CPU); timings (printed).
 *
 * Runs only with a CUDA build and a usable device; otherwise exits 77 (CTest: skipped).  Without
 * CUDA the entry points are stand-ins (host/backend/no_cuda_stages.c) that are never called. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "radx.h"
#include "core/radx_internal.h"
#include "radx_test.h"
#include "cpu/log_filter.h"

#include "cuda/stages.h"
#include "cuda/fft_cufft.h"
#include "cuda/log_cuda.h"

#ifndef RADX_SOURCE_DIR
#define RADX_SOURCE_DIR "."
#endif

#define TOL_LOG 1e-5

static void *g_stream;
static double g_worst = 0.0;

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* max |x - c| with c the CPU's centring constant (the mean; 0 for zero padding) */
static double centred_max(const radx_volume *v, int zero_pad)
{
    const int64_t n = radx_geom_nvox(&v->g);
    double s = 0.0, m = 0.0;
    if (!zero_pad) {
        for (int64_t i = 0; i < n; i++) s += radx_volume_get(v, i);
        s /= (double)n;
        if (!isfinite(s)) s = 0.0;
    }
    for (int64_t i = 0; i < n; i++) {
        double d = fabs(radx_volume_get(v, i) - s);
        if (d > m) m = d;
    }
    return m;
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

/* Compares CPU and GPU outputs of one case; returns the normalised error. */
static double compare(const char *name, const radx_volume *in, const radx_volume *cpu, const radx_volume *gpu,
                      int zero_pad)
{
    const int64_t n = radx_geom_nvox(&cpu->g);
    CHECK(gpu->dtype == RADX_DT_F32 && cpu->dtype == RADX_DT_F32, "%s: output type", name);
    CHECK(geom_eq(&gpu->g, &in->g), "%s: output geometry differs from the input's", name);
    if (gpu->dtype != RADX_DT_F32 || radx_geom_nvox(&gpu->g) != n) return INFINITY;
    const float *a = (const float *)cpu->data, *b = (const float *)gpu->data;
    double dmax = 0.0, rmax = 0.0;
    int64_t worst_i = 0, nonfinite = 0;
    for (int64_t i = 0; i < n; i++) {
        if (!isfinite(a[i]) || !isfinite(b[i])) {
            nonfinite += !(isnan(a[i]) && isnan(b[i])) && a[i] != b[i];
            continue;
        }
        double d = fabs((double)a[i] - (double)b[i]);
        if (d > dmax) {
            dmax = d;
            worst_i = i;
        }
        if (fabs((double)a[i]) > rmax) rmax = fabs((double)a[i]);
    }
    double scale = rmax;
    const double xs = 0.05 * centred_max(in, zero_pad);
    if (xs > scale) scale = xs;
    const double e = dmax == 0.0 ? 0.0 : dmax / (scale > 0.0 ? scale : 1e-300);
    CHECK(nonfinite == 0, "%s: %lld voxels finite on one side only", name, (long long)nonfinite);
    CHECK(e <= TOL_LOG, "%s: max|GPU-CPU| %.3g at voxel %lld (CPU %.9g, GPU %.9g), normalised %.3g > %g", name,
          dmax, (long long)worst_i, (double)a[worst_i], (double)b[worst_i], e, TOL_LOG);
    printf("  %-58s max|d|/max|CPU| %.2e  normalised %.2e\n", name, rmax > 0 ? dmax / rmax : dmax, e);
    if (e > g_worst) g_worst = e;
    return e;
}

static void run_pair(const char *name, const radx_volume *in, double sigma, radx_log_mode mode, int timing)
{
    radx_err e1 = {0}, e2 = {0};
    radx_volume c, g;
    double t0 = now_s();
    radx_status s1 = radx_log_filter(in, sigma, mode, &c, &e1);
    double t1 = now_s();
    radx_status s2 = radx_cuda_log_filter(g_stream, in, sigma, mode, &g, &e2);
    double t2 = now_s();
    CHECK(s1 == s2, "%s: CPU status %d (%s), GPU status %d (%s)", name, (int)s1, e1.msg, (int)s2, e2.msg);
    if (s1 == RADX_OK && s2 == RADX_OK) {
        compare(name, in, &c, &g, 0);
        if (timing) printf("  %-58s CPU %.1f ms, GPU %.1f ms (upload, FFTs, download)\n", "", 1e3 * (t1 - t0), 1e3 * (t2 - t1));
    } else if (s1 == s2) {
        CHECK(!strcmp(e1.msg, e2.msg), "%s: messages differ: CPU '%s' GPU '%s'", name, e1.msg, e2.msg);
    }
    radx_volume_free(&c);
    radx_volume_free(&g);
}

static void run_pair_ex(const char *name, const radx_volume *in, double sigma, const radx_log_opts *o)
{
    radx_err e1 = {0}, e2 = {0};
    radx_volume c, g;
    radx_status s1 = radx_log_filter_ex(in, sigma, o, &c, &e1);
    radx_status s2 = radx_cuda_log_filter_ex(g_stream, in, sigma, o, &g, &e2);
    CHECK(s1 == s2, "%s: CPU status %d (%s), GPU status %d (%s)", name, (int)s1, e1.msg, (int)s2, e2.msg);
    if (s1 == RADX_OK && s2 == RADX_OK)
        compare(name, in, &c, &g, o->mode == RADX_LOG_IBSI && o->boundary == RADX_LOG_BC_ZERO);
    radx_volume_free(&c);
    radx_volume_free(&g);
}

static int crop(const radx_volume *v, const int64_t o[3], const int64_t n[3], int ndim, radx_volume *out)
{
    const size_t es = radx_dtype_size(v->dtype);
    memset(out, 0, sizeof *out);
    out->g = v->g;
    out->g.ndim = ndim;
    out->dtype = v->dtype;
    for (int a = 0; a < 3; a++) out->g.size[a] = n[a];
    out->data = malloc((size_t)(n[0] * n[1] * n[2]) * es);
    if (!out->data) return 0;
    for (int64_t z = 0; z < n[2]; z++)
        for (int64_t y = 0; y < n[1]; y++)
            memcpy((char *)out->data + (size_t)(n[0] * (y + n[1] * z)) * es,
                   (const char *)v->data + (size_t)(o[0] + v->g.size[0] * ((o[1] + y) + v->g.size[1] * (o[2] + z))) * es,
                   (size_t)n[0] * es);
    return 1;
}

/* synthetic volume of type t: a smooth blob plus a ripple, values in [0, 200] */
static int synth(radx_volume *v, int64_t nx, int64_t ny, int64_t nz, const double sp[3], radx_dtype t, int kind)
{
    memset(v, 0, sizeof *v);
    v->g.size[0] = nx;
    v->g.size[1] = ny;
    v->g.size[2] = nz;
    v->g.ndim = 3;
    for (int a = 0; a < 3; a++) {
        v->g.spacing[a] = sp[a];
        v->g.direction[4 * a] = 1.0;
    }
    v->dtype = t;
    const int64_t n = nx * ny * nz;
    v->data = malloc((size_t)n * radx_dtype_size(t));
    if (!v->data) return 0;
    for (int64_t z = 0; z < nz; z++)
        for (int64_t y = 0; y < ny; y++)
            for (int64_t x = 0; x < nx; x++) {
                const int64_t i = x + nx * (y + ny * z);
                double u = (x - 0.4 * nx) / (0.3 * nx + 1), w = (y - 0.55 * ny) / (0.3 * ny + 1), q = (z - 0.5 * nz) / (0.3 * nz + 1);
                double val;
                if (kind == 1) val = 1234.0;                                    /* constant */
                else if (kind == 2) val = (x == nx / 2 && y == ny / 2 && z == nz / 2) ? 200.0 : 0.0; /* impulse */
                else val = 150.0 * exp(-(u * u + w * w + q * q)) + 25.0 * (1 + sin(0.9 * x + 0.4 * y - 0.7 * z));
                val = floor(val);
                switch (t) {
                case RADX_DT_U8: ((uint8_t *)v->data)[i] = (uint8_t)(val > 255 ? 255 : val); break;
                case RADX_DT_I8: ((int8_t *)v->data)[i] = (int8_t)(val / 2 - 50); break;
                case RADX_DT_U16: ((uint16_t *)v->data)[i] = (uint16_t)val; break;
                case RADX_DT_I16: ((int16_t *)v->data)[i] = (int16_t)(val - 100); break;
                case RADX_DT_U32: ((uint32_t *)v->data)[i] = (uint32_t)val; break;
                case RADX_DT_I32: ((int32_t *)v->data)[i] = (int32_t)(val - 1000); break;
                case RADX_DT_U64: ((uint64_t *)v->data)[i] = (uint64_t)val; break;
                case RADX_DT_I64: ((int64_t *)v->data)[i] = (int64_t)(val - 7); break;
                case RADX_DT_F32: ((float *)v->data)[i] = (float)(val * 0.37 + 0.1 * sin((double)i)); break;
                case RADX_DT_F64: ((double *)v->data)[i] = val * 0.37 + 0.1 * sin((double)i); break;
                }
            }
    return 1;
}

static void files(void)
{
    const char *names[2] = {"brain1", "breast1"};
    const double sig[3] = {1.5, 3.0, 5.0};
    for (int f = 0; f < 2; f++) {
        char path[1024];
        radx_err err = {0};
        radx_volume v;
        snprintf(path, sizeof path, "%s/data/pyradiomics/%s_image.nrrd", RADX_SOURCE_DIR, names[f]);
        if (radx_volume_read(path, &v, &err)) {
            CHECK(0, "cannot read %s: %s", path, err.msg);
            continue;
        }
        for (int s = 0; s < 3; s++)
            for (int m = 0; m < 2; m++) {
                char name[128];
                snprintf(name, sizeof name, "%s whole, sigma %.1f, %s kernel", names[f], sig[s], m ? "IBSI" : "ITK");
                run_pair(name, &v, sig[s], (radx_log_mode)m, 1);
            }
        /* a crop (as PyRadiomics crops for padDistance) and a 2-D slice */
        {
            int64_t o[3], n[3];
            for (int a = 0; a < 3; a++) {
                n[a] = v.g.size[a] * 2 / 3;
                if (n[a] < 6) n[a] = v.g.size[a];
                o[a] = (v.g.size[a] - n[a]) / 2;
            }
            radx_volume c;
            if (crop(&v, o, n, 3, &c)) {
                for (int m = 0; m < 2; m++) {
                    char name[128];
                    snprintf(name, sizeof name, "%s crop %lldx%lldx%lld, sigma 3.0, %s kernel", names[f], (long long)n[0],
                             (long long)n[1], (long long)n[2], m ? "IBSI" : "ITK");
                    run_pair(name, &c, 3.0, (radx_log_mode)m, 0);
                }
                radx_volume_free(&c);
            }
            const int64_t o2[3] = {0, 0, v.g.size[2] / 2}, n2[3] = {v.g.size[0], v.g.size[1], 1};
            if (crop(&v, o2, n2, 2, &c)) {
                for (int m = 0; m < 2; m++) {
                    char name[128];
                    snprintf(name, sizeof name, "%s 2-D slice, sigma 1.5, %s kernel", names[f], m ? "IBSI" : "ITK");
                    run_pair(name, &c, 1.5, (radx_log_mode)m, 0);
                }
                radx_volume_free(&c);
            }
        }
        /* IBSI kernel: the four boundary modes, 3-D and in plane */
        for (int bc = 0; bc < 4; bc++)
            for (int ip = 0; ip < 2; ip++) {
                radx_log_opts o;
                radx_log_opts_default(&o, RADX_LOG_IBSI);
                o.boundary = (radx_log_boundary)bc;
                o.in_plane = ip;
                char name[128];
                snprintf(name, sizeof name, "%s IBSI sigma 2.0, boundary %d%s", names[f], bc, ip ? ", in plane" : "");
                run_pair_ex(name, &v, 2.0, &o);
            }
        /* the ITK kernel through the _ex entry, in plane */
        {
            radx_log_opts o;
            radx_log_opts_default(&o, RADX_LOG_PYRADIOMICS);
            o.in_plane = 1;
            char name[128];
            snprintf(name, sizeof name, "%s ITK sigma 2.0, in plane", names[f]);
            run_pair_ex(name, &v, 2.0, &o);
        }
        radx_volume_free(&v);
    }
}

static void synthetic(void)
{
    static const radx_dtype types[10] = {RADX_DT_U8, RADX_DT_I8, RADX_DT_U16, RADX_DT_I16, RADX_DT_U32,
                                         RADX_DT_I32, RADX_DT_U64, RADX_DT_I64, RADX_DT_F32, RADX_DT_F64};
    const double iso[3] = {1.0, 1.0, 1.0}, aniso[3] = {0.7, 1.3, 2.9};
    radx_volume v;
    for (int t = 0; t < 10; t++) {
        if (!synth(&v, 17, 13, 11, aniso, types[t], 0)) continue;
        for (int m = 0; m < 2; m++) {
            char name[128];
            snprintf(name, sizeof name, "synthetic 17x13x11 %s, aniso, sigma 2.0, %s", radx_dtype_name(types[t]), m ? "IBSI" : "ITK");
            run_pair(name, &v, 2.0, (radx_log_mode)m, 0);
        }
        radx_volume_free(&v);
    }
    /* odd and smooth sizes, the smallest accepted image, constant, impulse */
    struct { int64_t n[3]; int kind; double sigma; const char *what; } cs[] = {
        {{7, 5, 6}, 0, 1.0, "7x5x6"},       {{4, 4, 4}, 0, 1.0, "4x4x4 (smallest)"},
        {{31, 29, 1}, 0, 1.5, "31x29x1 (3-D, one slice)"}, {{64, 48, 40}, 0, 3.0, "64x48x40"},
        {{20, 20, 20}, 1, 2.0, "constant 1234"},           {{21, 21, 21}, 2, 3.0, "impulse"},
    };
    for (size_t c = 0; c < sizeof cs / sizeof *cs; c++) {
        if (!synth(&v, cs[c].n[0], cs[c].n[1], cs[c].n[2], iso, RADX_DT_F64, cs[c].kind)) continue;
        for (int m = 0; m < 2; m++) {
            char name[128];
            snprintf(name, sizeof name, "synthetic %s, sigma %.1f, %s", cs[c].what, cs[c].sigma, m ? "IBSI" : "ITK");
            run_pair(name, &v, cs[c].sigma, (radx_log_mode)m, 0);
        }
        /* zero padding with a constant image: the response near the border is not constant */
        radx_log_opts o;
        radx_log_opts_default(&o, RADX_LOG_IBSI);
        o.boundary = RADX_LOG_BC_ZERO;
        char name[128];
        snprintf(name, sizeof name, "synthetic %s, IBSI zero padding", cs[c].what);
        run_pair_ex(name, &v, cs[c].sigma, &o);
        radx_volume_free(&v);
    }
}

static void repeat_and_errors(void)
{
    const double iso[3] = {1.0, 1.0, 1.0};
    radx_volume v, a, b;
    radx_err err = {0};
    if (synth(&v, 40, 36, 30, iso, RADX_DT_I16, 0)) {
        /* second run: the cached plan; the same bits */
        radx_status s1 = radx_cuda_log_filter(g_stream, &v, 2.5, RADX_LOG_PYRADIOMICS, &a, &err);
        radx_status s2 = radx_cuda_log_filter(g_stream, &v, 2.5, RADX_LOG_PYRADIOMICS, &b, &err);
        CHECK(s1 == RADX_OK && s2 == RADX_OK, "repeat: %s", err.msg);
        if (s1 == RADX_OK && s2 == RADX_OK)
            CHECK(!memcmp(a.data, b.data, sizeof(float) * (size_t)radx_geom_nvox(&v.g)),
                  "repeat: a second run (cached cuFFT plan) gives other values");
        printf("  repeat with the cached plan: %s\n", s1 == RADX_OK && s2 == RADX_OK &&
               !memcmp(a.data, b.data, sizeof(float) * (size_t)radx_geom_nvox(&v.g)) ? "same bits" : "DIFFERENT");
        radx_volume_free(&a);
        radx_volume_free(&b);
        /* error paths: the same status and message as the CPU */
        run_pair("error: sigma 0", &v, 0.0, RADX_LOG_PYRADIOMICS, 0);
        run_pair("error: sigma NaN", &v, NAN, RADX_LOG_IBSI, 0);
        run_pair("error: sigma too large for the image", &v, 45.0, RADX_LOG_PYRADIOMICS, 0);
        run_pair("error: unknown kernel", &v, 1.0, (radx_log_mode)7, 0);
        radx_volume_free(&v);
    }
    if (synth(&v, 3, 8, 8, iso, RADX_DT_I16, 0)) {
        run_pair("error: 3 voxels along x", &v, 1.0, RADX_LOG_PYRADIOMICS, 0);
        radx_volume_free(&v);
    }
    radx_status s = radx_cuda_log_filter(g_stream, NULL, 1.0, RADX_LOG_PYRADIOMICS, &a, &err);
    CHECK(s == RADX_ERR_ARG, "NULL input: status %d", (int)s);
}

static void timing(void)
{
    const double iso[3] = {1.0, 1.0, 1.0};
    radx_volume v;
    if (!synth(&v, 200, 200, 100, iso, RADX_DT_I16, 0)) return;
    for (int s = 0; s < 3; s++) {
        const double sig[3] = {1.5, 3.0, 5.0};
        char name[128];
        snprintf(name, sizeof name, "200x200x100 (1 mm) int16, sigma %.1f, ITK", sig[s]);
        run_pair(name, &v, sig[s], RADX_LOG_PYRADIOMICS, 1);
    }
    radx_volume_free(&v);
}

int main(void)
{
    if (!radx_backend_available(RADX_BACKEND_CUDA)) {
        printf("test_gpu_log: no CUDA device here: skipped\n");
        return RADX_TEST_SKIP;
    }
    g_stream = radx_cuda_test_stream();
    if (!g_stream) {
        printf("test_gpu_log: cannot create a CUDA stream: skipped\n");
        return RADX_TEST_SKIP;
    }
    { /* warm-up: context creation and the first cuFFT plan stay out of the timings */
        const double iso[3] = {1.0, 1.0, 1.0};
        radx_volume v, o;
        radx_err err = {0};
        if (synth(&v, 16, 16, 16, iso, RADX_DT_I16, 0)) {
            radx_status st = radx_cuda_log_filter(g_stream, &v, 1.0, RADX_LOG_PYRADIOMICS, &o, &err);
            CHECK(st == RADX_OK, "warm-up: %s", err.msg);
            radx_volume_free(&o);
            radx_volume_free(&v);
        }
    }
    printf("LoG, CPU (KissFFT) vs GPU (cuFFT); tolerance %g of max(max|CPU|, 0.05 max|x - c|)\n", TOL_LOG);
    files();
    synthetic();
    repeat_and_errors();
    timing();
    printf("worst normalised |GPU - CPU|: %.3g (tolerance %g)\n", g_worst, TOL_LOG);
    radx_cuda_test_stream_destroy(g_stream);
    return radx_test_finish("test_gpu_log");
}
