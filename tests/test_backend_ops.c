/* SPDX-License-Identifier: BSD-3-Clause */
/* Every op of the backend table (host/backend/backend.h), on every backend this build has, against
 * the CPU backend (after ggml's test-backend-ops), on random inputs and on the shipped cases
 * (wavelet_pass, lbp2d and lbp3d through the image types that run them):
 *   - the stand-in device (tests/stand_in_device.h): the CPU's ops on device copies, with stale
 *     host copies poisoned; once with room for everything, once with 64 KiB of device memory
 *     and every third op declined, so every op also takes the CPU fallback of the dispatcher;
 *   - the CUDA backend when a device is usable: with the whole device, with a 1 MiB budget (every
 *     stage in tiles: slabs, chunks, two-pass LoG), and with GLCM / GLRLM forced to shared-memory
 *     and to global-memory accumulation.
 * Also a box, an image and a ROI too large for a 1 MiB device budget (tiles on CUDA).
 * Inputs go in through each backend's own buffers (alloc + set) and results come out through
 * map / get, so the test sees what the pipeline sees.  Then whole extractions and voxel maps
 * through each backend (host/pipeline), which must equal the CPU backend's.
 *
 * Agreement required: every op bit for bit (integer matrices, the same C feature code, the same
 * per-voxel rules), except on CUDA: the LoG (cuFFT and KissFFT are different float FFTs:
 * max |CUDA - CPU| <= 1e-5 max(max |CPU response|, 0.05 (max - min of the input))), the voxel maps
 * (the device's log2 / exp / sqrt: 1e-7 relative or 1e-6 absolute) and the extractions with LoG.
 * Printed: per op and backend, the cases run and the largest error found.  Without a device the
 * CUDA rows are skipped (the stand-in rows still run); the test never exits 77. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/log_transfer.h"   /* radx_log_boundary */
#include "cpu/separable_filter.h" /* radx_laws_spec_make */
#include "backend/cuda.h"
#include "backend/dispatch.h"
#include "io/io.h"
#include "params/params.h"
#include "features/discretise.h"
#include "pipeline/pipeline.h"
#include "pipeline/voxelmap.h"
#include "radx_test.h"
#include "stand_in_device.h"
#include "features/features.h"

/* ---- backends ---- */

typedef struct backend_case {
    const char *name;
    radx_be be;
    int exact; /* 0: CUDA (float FFT, device math functions) */
} backend_case;

static const radx_be CPU = {&radx_cpu_backend, NULL};

static int make_backends(backend_case *bc)
{
    int n = 0;
    bc[n++] = (backend_case){"stand-in", stand_in_create(0, 0), 1};
    bc[n++] = (backend_case){"stand-in 64 KiB, declines", stand_in_create(64 << 10, 3), 1};
    if (radx_cuda_device_count() <= 0) {
        printf("no CUDA device here: the CUDA rows are skipped\n");
        return n;
    }
    static const char *names[] = {"cuda", "cuda 1 MiB", "cuda shared-memory GLCM/GLRLM", "cuda global GLCM/GLRLM"};
    for (int k = 0; k < 4; k++) {
        radx_err e = {RADX_OK, "", ""};
        radx_be be;
        if (radx_cuda_backend_create(&be, &e) != RADX_OK) {
            CHECK(0, "CUDA backend: %s", e.msg);
            break;
        }
        if (k == 1) radx_cuda_backend_set_budget(be.ctx, (size_t)1 << 20);
        if (k >= 2) radx_cuda_backend_set_angular_mode(be.ctx, k - 1);
        bc[n++] = (backend_case){names[k], be, 0};
    }
    return n;
}

/* ---- the record of what was compared ---- */

#define MAX_ROWS 128
static struct row {
    const char *op, *backend;
    long cases;
    double worst;
} rows[MAX_ROWS];
static int nrows;

static struct row *row_of(const char *op, const char *backend)
{
    for (int i = 0; i < nrows; i++)
        if (!strcmp(rows[i].op, op) && !strcmp(rows[i].backend, backend)) return &rows[i];
    if (nrows == MAX_ROWS) return &rows[MAX_ROWS - 1];
    rows[nrows].op = op;
    rows[nrows].backend = backend;
    return &rows[nrows++];
}

/* |a - b| relative to max(|a|, |b|, floor); 0 for equal values and for NaN against NaN. */
static double diff(double a, double b, double floor)
{
    if ((isnan(a) && isnan(b)) || a == b) return 0;
    if (isnan(a) || isnan(b)) return INFINITY;
    return fabs(a - b) / fmax(fmax(fabs(a), fabs(b)), floor);
}

/* Compares n values; tol 0: bit for bit (== or both NaN).  Records the worst error. */
static void compare(const char *op, const backend_case *b, const char *what, const double *ref, const double *got,
                    int64_t n, double tol, double floor)
{
    struct row *r = row_of(op, b->name);
    r->cases++;
    double worst = 0;
    int64_t at = -1;
    for (int64_t i = 0; i < n; i++) {
        const double d = diff(ref[i], got[i], floor);
        if (d > worst) {
            worst = d;
            at = i;
        }
    }
    if (worst > r->worst) r->worst = worst;
    CHECK(worst <= tol, "%s on %s, %s: value %lld: CPU %.17g, %s %.17g (error %.3g > %.3g)", op, b->name, what,
          (long long)at, at >= 0 ? ref[at] : 0.0, b->name, at >= 0 ? got[at] : 0.0, worst, tol);
}

static void compare_bytes(const char *op, const backend_case *b, const char *what, const void *ref, const void *got,
                          size_t n)
{
    struct row *r = row_of(op, b->name);
    r->cases++;
    size_t at = 0;
    while (at < n && ((const unsigned char *)ref)[at] == ((const unsigned char *)got)[at]) at++;
    if (at < n) r->worst = INFINITY;
    CHECK(at == n, "%s on %s, %s: byte %zu of %zu differs", op, b->name, what, at, n);
}

static void compare_status(const char *op, const backend_case *b, const char *what, radx_status s0, const radx_err *e0,
                           radx_status s1, const radx_err *e1)
{
    CHECK(s0 == s1, "%s on %s, %s: status %d on the CPU, %d here (%s | %s)", op, b->name, what, s0, s1, e0->msg,
          e1->msg);
    if (s0 && s1) CHECK(!strcmp(e0->msg, e1->msg), "%s on %s, %s: '%s' vs '%s'", op, b->name, what, e0->msg, e1->msg);
}

/* ---- buffers from host arrays, and back ---- */

static radx_buf *up(const radx_be *be, const void *h, size_t bytes)
{
    radx_err e = {RADX_OK, "", ""};
    radx_buf *b = radx_buf_alloc(be, bytes);
    if (b && bytes && radx_buf_set(be, b, 0, h, bytes, &e)) {
        radx_buf_free(be, b);
        b = NULL;
    }
    CHECK(b != NULL, "buffer of %zu bytes on %s: %s", bytes, be->ops->name, e.msg);
    return b;
}

static void down(const radx_be *be, radx_buf *b, void *h, size_t bytes)
{
    radx_err e = {RADX_OK, "", ""};
    const radx_status s = radx_buf_get(be, b, 0, h, bytes, &e);
    CHECK(s == RADX_OK, "reading a buffer of %s: %s", be->ops->name, e.msg);
}

/* ---- random inputs ---- */

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}
static int rint_in(int lo, int hi) { return lo + (int)(rnd() % (uint64_t)(hi - lo + 1)); }
static double runif(double lo, double hi) { return lo + (hi - lo) * (double)(rnd() >> 11) / 9007199254740992.0; }

/* A random volume of dtype t (values around a CT's range, or 0..ng for integer levels). */
static radx_volume random_volume(const int64_t size[3], radx_dtype t, double lo, double hi)
{
    radx_volume v;
    memset(&v, 0, sizeof v);
    for (int a = 0; a < 3; a++) {
        v.g.size[a] = size[a];
        v.g.spacing[a] = runif(0.5, 2.5);
        v.g.origin[a] = runif(-50, 50);
    }
    v.g.direction[0] = v.g.direction[4] = v.g.direction[8] = 1;
    v.g.ndim = size[2] == 1 ? 2 : 3;
    v.dtype = t;
    const int64_t n = size[0] * size[1] * size[2];
    v.data = malloc(radx_dtype_size(t) * (size_t)n);
    for (int64_t i = 0; i < n; i++) {
        const double x = runif(lo, hi);
        switch (t) {
        case RADX_DT_U8: ((uint8_t *)v.data)[i] = (uint8_t)x; break;
        case RADX_DT_I16: ((int16_t *)v.data)[i] = (int16_t)x; break;
        case RADX_DT_I32: ((int32_t *)v.data)[i] = (int32_t)x; break;
        case RADX_DT_F32: ((float *)v.data)[i] = (float)x; break;
        default: ((double *)v.data)[i] = x; break;
        }
    }
    return v;
}

/* A random ROI mask of n voxels (probability fill), at least one voxel set. */
static uint8_t *random_roi(int64_t n, double fill)
{
    uint8_t *r = malloc((size_t)n);
    for (int64_t i = 0; i < n; i++) r[i] = runif(0, 1) < fill;
    r[rnd() % (uint64_t)n] = 1;
    return r;
}

static void random_dims(int64_t d[3], int lo, int hi)
{
    for (int a = 0; a < 3; a++) d[a] = rint_in(lo, hi);
}

/* ---- preprocessing ops ---- */

static void test_resample(const backend_case *b)
{
    static const char *interp[] = {"sitkNearestNeighbor", "sitkLinear", "sitkBSpline", "sitkLanczosWindowedSinc"};
    for (int k = 0; k < 12; k++) {
        int64_t sz[3];
        random_dims(sz, 6, 18);
        radx_volume img = random_volume(sz, k % 2 ? RADX_DT_I16 : RADX_DT_F32, -1000, 1000);
        radx_volume msk = random_volume(sz, RADX_DT_U8, 0, 1.999);
        msk.g = img.g;
        radx_params p;
        radx_params_init_defaults(&p);
        p.has_resampled_spacing = 1;
        for (int a = 0; a < 3; a++) p.resampled_spacing[a] = runif(0.6, 2.2);
        snprintf(p.interpolator, sizeof p.interpolator, "%s", interp[k % 4]);
        p.pad_distance = rint_in(0, 4);
        radx_volume io0, mo0, io1, mo1;
        radx_err e0 = {RADX_OK, "", ""}, e1 = {RADX_OK, "", ""};
        const radx_status s0 = radx_op_resample(&CPU, &img, &msk, &p, 1, &io0, &mo0, &e0);
        const radx_status s1 = radx_op_resample(&b->be, &img, &msk, &p, 1, &io1, &mo1, &e1);
        compare_status("resample", b, interp[k % 4], s0, &e0, s1, &e1);
        if (!s0 && !s1) {
            CHECK(!memcmp(&io0.g, &io1.g, sizeof io0.g) && io0.dtype == io1.dtype, "resample on %s: grids differ",
                  b->name);
            const int64_t n = radx_geom_nvox(&io0.g);
            if (!memcmp(&io0.g, &io1.g, sizeof io0.g)) {
                compare_bytes("resample", b, "image", io0.data, io1.data, radx_dtype_size(io0.dtype) * (size_t)n);
                compare_bytes("resample", b, "mask", mo0.data, mo1.data, radx_dtype_size(mo0.dtype) * (size_t)n);
            }
        }
        if (!s0) {
            radx_volume_free(&io0);
            radx_volume_free(&mo0);
        }
        if (!s1) {
            radx_volume_free(&io1);
            radx_volume_free(&mo1);
        }
        radx_params_clear(&p);
        radx_volume_free(&img);
        radx_volume_free(&msk);
    }
}

/* A filter op and its arguments, for filter_on. */
typedef struct filter_call {
    enum { CALL_LOG, CALL_POINT, CALL_GRADIENT, CALL_MEAN, CALL_LAWS, CALL_GABOR, CALL_SIMONCELLI } op;
    double sigma;
    radx_log_mode mode;
    radx_point_filter f;
    int use_spacing;
    radx_mean_spec mean;
    radx_sep_spec laws;
    radx_gabor_spec gabor;
    int level; /* Simoncelli */
} filter_call;

/* The filter c of image v on backend be into *out (host doubles, malloc'ed); its status. */
static radx_status filter_on(const radx_be *be, const radx_volume *v, const filter_call *c, double **out, radx_err *e)
{
    const int64_t n = radx_geom_nvox(&v->g);
    const radx_dtype t = c->op == CALL_POINT ? RADX_DT_F64 : RADX_DT_F32;
    const size_t bytes = radx_dtype_size(t) * (size_t)n;
    radx_volbuf in = {v->g, v->dtype, up(be, v->data, radx_dtype_size(v->dtype) * (size_t)n), {0, 0, 0}};
    radx_volbuf o = {v->g, t, radx_buf_alloc(be, bytes), {0, 0, 0}};
    const radx_log_spec spec = {c->mode, RADX_LOG_BC_MIRROR, 0};
    radx_status s = c->op == CALL_LOG          ? radx_op_log_filter(be, &in, c->sigma, &spec, &o, e)
                    : c->op == CALL_POINT      ? radx_op_point_filter(be, &in, c->f, &o, e)
                    : c->op == CALL_MEAN       ? radx_op_mean_filter(be, &in, &c->mean, &o, e)
                    : c->op == CALL_LAWS       ? radx_op_separable_filter(be, &in, &c->laws, &o, e)
                    : c->op == CALL_GABOR      ? radx_op_gabor_filter(be, &in, &c->gabor, &o, e)
                    : c->op == CALL_SIMONCELLI ? radx_op_simoncelli_filter(be, &in, c->level, &o, e)
                                               : radx_op_gradient(be, &in, c->use_spacing, &o, e);
    *out = NULL;
    if (!s) {
        radx_volume h = {v->g, t, malloc(bytes), 0};
        down(be, o.buf, h.data, bytes);
        *out = malloc(sizeof(double) * (size_t)n);
        for (int64_t i = 0; i < n; i++) (*out)[i] = radx_volume_get(&h, i);
        free(h.data);
    }
    radx_buf_free(be, in.buf);
    radx_buf_free(be, o.buf);
    return s;
}

static void test_log(const backend_case *b)
{
    static const int64_t sizes[][3] = {{4, 4, 4}, {17, 9, 12}, {32, 30, 11}, {21, 19, 1}, {3, 9, 9}};
    static const double sigmas[] = {1.0, 1.5, 3.0};
    for (int k = 0; k < 15; k++) {
        radx_volume v = random_volume(sizes[k % 5], k % 3 == 0 ? RADX_DT_I16 : RADX_DT_F32, -100, 400);
        const double sigma = sigmas[k % 3];
        const radx_log_mode mode = k % 2 ? RADX_LOG_IBSI : RADX_LOG_PYRADIOMICS;
        const filter_call call = {.op = CALL_LOG, .sigma = sigma, .mode = mode};
        double *r0 = NULL, *r1 = NULL;
        radx_err e0 = {RADX_OK, "", ""}, e1 = {RADX_OK, "", ""};
        const radx_status s0 = filter_on(&CPU, &v, &call, &r0, &e0);
        const radx_status s1 = filter_on(&b->be, &v, &call, &r1, &e1);
        compare_status("log_filter", b, "status", s0, &e0, s1, &e1);
        if (!s0 && !s1) {
            const int64_t n = radx_geom_nvox(&v.g);
            double big = 0, lo = INFINITY, hi = -INFINITY;
            for (int64_t i = 0; i < n; i++) {
                big = fmax(big, fabs(r0[i]));
                const double x = radx_volume_get(&v, i);
                lo = fmin(lo, x);
                hi = fmax(hi, x);
            }
            const double scale = fmax(big, 0.05 * (hi - lo));
            /* an absolute bound: every value's error against the response's scale */
            compare("log_filter", b, "response", r0, r1, n, b->exact ? 0 : 1e-5, b->exact ? 0 : scale);
        }
        free(r0);
        free(r1);
        radx_volume_free(&v);
    }
}

/* ---- one image type's ops ---- */

typedef struct box_case {
    radx_volume img;
    int64_t dims[3], lo[3], nbox, n;
    uint8_t *roi;
} box_case;

static box_case random_box_case(radx_dtype t, int with_nonfinite)
{
    box_case c;
    memset(&c, 0, sizeof c);
    int64_t sz[3];
    random_dims(sz, 5, 24);
    c.img = random_volume(sz, t, -1000, 1500);
    for (int a = 0; a < 3; a++) {
        c.dims[2 - a] = rint_in(1, (int)sz[a]);
        c.lo[a] = rint_in(0, (int)(sz[a] - c.dims[2 - a]));
    }
    c.nbox = c.dims[0] * c.dims[1] * c.dims[2];
    c.roi = random_roi(c.nbox, runif(0.1, 1.0));
    for (int64_t i = 0; i < c.nbox; i++) c.n += c.roi[i];
    if (with_nonfinite && t == RADX_DT_F32) ((float *)c.img.data)[c.lo[0] + sz[0] * (c.lo[1] + sz[1] * c.lo[2])] = NAN;
    return c;
}

static void box_case_free(box_case *c)
{
    radx_volume_free(&c->img);
    free(c->roi);
}

/* roi_values on be: the values (host, malloc'ed) and their statistics. */
static radx_status roi_values_on(const radx_be *be, const box_case *c, double **x, radx_roi_stats *s, radx_err *e)
{
    const size_t ib = radx_dtype_size(c->img.dtype) * (size_t)radx_geom_nvox(&c->img.g);
    radx_volbuf img = {c->img.g, c->img.dtype, up(be, c->img.data, ib), {0, 0, 0}};
    radx_buf *roi = up(be, c->roi, (size_t)c->nbox), *xb = radx_buf_alloc(be, sizeof(double) * (size_t)c->n);
    radx_status st = radx_op_roi_values(be, &img, roi, c->dims, c->lo, xb, c->n, s, e);
    *x = malloc(sizeof(double) * (size_t)c->n);
    if (!st) down(be, xb, *x, sizeof(double) * (size_t)c->n);
    radx_buf_free(be, img.buf);
    radx_buf_free(be, roi);
    radx_buf_free(be, xb);
    return st;
}

static void test_point_filter(const backend_case *b)
{
    static const int64_t sizes[][3] = {{4, 4, 4}, {17, 9, 12}, {21, 19, 1}};
    for (int k = 0; k < 12; k++) {
        radx_volume v = random_volume(sizes[k % 3], k % 2 ? RADX_DT_I16 : RADX_DT_F32, -100, 400);
        const filter_call call = {.op = CALL_POINT, .f = (radx_point_filter)(k % 4)};
        double *r0 = NULL, *r1 = NULL;
        radx_err e0 = {RADX_OK, "", ""}, e1 = {RADX_OK, "", ""};
        const radx_status s0 = filter_on(&CPU, &v, &call, &r0, &e0);
        const radx_status s1 = filter_on(&b->be, &v, &call, &r1, &e1);
        compare_status("point_filter", b, "status", s0, &e0, s1, &e1);
        if (!s0 && !s1) compare("point_filter", b, "values", r0, r1, radx_geom_nvox(&v.g), b->exact ? 0 : 1e-12, 0);
        free(r0);
        free(r1);
        radx_volume_free(&v);
    }
}

/* Filter call c of v on the CPU and on b: the same status, the same values (exactly); frees v. */
static void filter_pair(const backend_case *b, const char *op, const filter_call *c, radx_volume *v)
{
    double *r0 = NULL, *r1 = NULL;
    radx_err e0 = {RADX_OK, "", ""}, e1 = {RADX_OK, "", ""};
    const radx_status s0 = filter_on(&CPU, v, c, &r0, &e0);
    const radx_status s1 = filter_on(&b->be, v, c, &r1, &e1);
    compare_status(op, b, "status", s0, &e0, s1, &e1);
    if (!s0 && !s1) compare(op, b, "values", r0, r1, radx_geom_nvox(&v->g), 0, 0);
    free(r0);
    free(r1);
    radx_volume_free(v);
}

static void test_gradient(const backend_case *b)
{
    static const int64_t sizes[][3] = {{4, 4, 4}, {17, 9, 12}, {21, 19, 1}};
    for (int k = 0; k < 6; k++) {
        radx_volume v = random_volume(sizes[k % 3], k % 2 ? RADX_DT_I16 : RADX_DT_F32, -100, 400);
        const filter_call call = {.op = CALL_GRADIENT, .use_spacing = k % 3 != 2};
        filter_pair(b, "gradient", &call, &v);
    }
}

/* IBSI-2's mean filter: every boundary, 3-D and 2-D, odd and (refused) even supports. */
static void test_mean(const backend_case *b)
{
    static const int64_t sizes[][3] = {{4, 4, 4}, {17, 9, 12}, {21, 19, 1}};
    for (int k = 0; k < 12; k++) {
        radx_volume v = random_volume(sizes[k % 3], k % 2 ? RADX_DT_I16 : RADX_DT_F32, -100, 400);
        const radx_mean_spec mean = {k == 11 ? 4 : 1 + 2 * (k % 4), k % 4, k % 3 == 1};
        const filter_call call = {.op = CALL_MEAN, .mean = mean};
        filter_pair(b, "mean_filter", &call, &v);
    }
}

/* IBSI-2's separable filters: Laws' 3-D and 2-D kernels, rotations pooled three ways, energy maps,
 * and undecimated wavelets of one and two levels; every boundary. */
static void test_laws(const backend_case *b)
{
    static const int64_t sizes[][3] = {{6, 5, 7}, {17, 9, 12}, {21, 19, 1}};
    static const char *const kernels[] = {"E5L5S5", "E3W5R5", "L5S5"};
    for (int k = 0; k < 9; k++) {
        radx_volume v = random_volume(sizes[k % 3], k % 2 ? RADX_DT_I16 : RADX_DT_F32, -100, 400);
        static filter_call call; /* large: the separable spec */
        memset(&call, 0, sizeof call);
        call.op = CALL_LAWS;
        radx_err e = {RADX_OK, "", ""};
        /* Laws' kernels, then (k >= 6) IBSI's wavelets: db2 / haar / coif1, one or two levels */
        static const char *const wavelets[] = {"db2", "haar", "coif1"}, *const bands[] = {"LHL", "HHH", "HL"};
        const radx_status sm =
            k < 6 ? radx_laws_spec_make(kernels[k % 3], k % 3 == 2, k > 2, k % 3, k > 4 ? 1 : -1, k % 4, &call.laws, &e)
                  : radx_wavelet_ibsi_spec_make(wavelets[k % 3], 1 + k % 2, bands[k % 3], k % 3 == 2, 1, RADX_POOL_MEAN,
                                                k % 4, &call.laws, &e);
        CHECK(sm == RADX_OK, "%s", e.msg);
        filter_pair(b, "separable_filter", &call, &v);
    }
}

/* IBSI-2's Gabor filter: one orientation in the x-y plane, and orientations over three planes. */
static void test_gabor(const backend_case *b)
{
    static const int64_t sizes[][3] = {{6, 5, 7}, {17, 9, 12}, {21, 19, 1}};
    for (int k = 0; k < 6; k++) {
        radx_volume v = random_volume(sizes[k % 3], k % 2 ? RADX_DT_I16 : RADX_DT_F32, -100, 400);
        static filter_call call; /* large: the separable spec */
        memset(&call, 0, sizeof call);
        call.op = CALL_GABOR;
        const radx_gabor_spec g = {1.0 + k, 2.0 + k, 0.5 + 0.5 * k, 0.3 * k, k > 2 ? 0.8 : 0.0, k > 2, k % 4};
        call.gabor = g;
        if (k == 5) { /* and the Simoncelli wavelet */
            call.op = CALL_SIMONCELLI;
            call.level = 1 + k % 3;
        }
        filter_pair(b, "gabor_filter", &call, &v);
    }
}

/* The voxels of the images an image type hands over, one after the other, as doubles (host,
 * malloc'ed). */
typedef struct images_out {
    const radx_be *be;
    double *v;
    int64_t n;
} images_out;

static radx_status images_collect(void *user, const radx_volbuf *img, const radx_params *q, const char *name,
                                  radx_err *err)
{
    (void)q, (void)name;
    images_out *w = user;
    const int64_t n = radx_geom_nvox(&img->g);
    const void *p = radx_buf_map(w->be, img->buf, RADX_MAP_READ, err);
    double *v = p ? realloc(w->v, sizeof(double) * (size_t)(w->n + n)) : NULL;
    if (!v) return p ? RADX_ERR_NOMEM : err->status;
    w->v = v;
    for (int64_t i = 0; i < n; i++) w->v[w->n + i] = radx_value_at((int)img->dtype, p, i);
    w->n += n;
    return RADX_OK;
}

static radx_status wavelet_on(const radx_be *be, const radx_volume *v, const radx_params *q, const radx_roi_box *need,
                              images_out *o, radx_err *e)
{
    const size_t bytes = radx_dtype_size(v->dtype) * (size_t)radx_geom_nvox(&v->g);
    radx_volbuf img = {v->g, v->dtype, up(be, v->data, bytes), {0, 0, 0}};
    memset(o, 0, sizeof *o);
    o->be = be;
    radx_status st = radx_pipeline_wavelet(&img, q, be, need, "random", images_collect, o, e);
    radx_buf_free(be, img.buf);
    return st;
}

/* wavelet_pass, through the Wavelet image types it makes: every sub-band's voxels bit for bit. */
static void test_wavelet_pass(const backend_case *b)
{
    static const int64_t sizes[][3] = {{4, 4, 4}, {17, 9, 12}, {21, 19, 1}};
    static const char *const wavelets[] = {"coif1", "haar", "db5", "bior3.5"};
    for (int k = 0; k < 8; k++) {
        radx_volume v = random_volume(sizes[k % 3], k % 2 ? RADX_DT_I16 : RADX_DT_F32, -100, 400);
        radx_params q;
        radx_params_init_defaults(&q);
        snprintf(q.wavelet, sizeof q.wavelet, "%s", wavelets[k % 4]);
        q.wavelet_start_level = k / 4;
        q.wavelet_level = 1 + k % 2;
        radx_roi_box need = {{1, 2, 0}, {v.g.size[0] - 2, v.g.size[1] - 1, v.g.size[2] - 1}, 0};
        images_out o0, o1;
        radx_err e0 = {RADX_OK, "", ""}, e1 = {RADX_OK, "", ""};
        const radx_status s0 = wavelet_on(&CPU, &v, &q, k % 3 ? &need : NULL, &o0, &e0);
        const radx_status s1 = wavelet_on(&b->be, &v, &q, k % 3 ? &need : NULL, &o1, &e1);
        compare_status("wavelet_pass", b, "status", s0, &e0, s1, &e1);
        if (!s0 && !s1 && o0.n == o1.n) compare("wavelet_pass", b, "sub-bands", o0.v, o1.v, o0.n, 0, 0);
        CHECK(s0 || s1 || o0.n == o1.n, "wavelet_pass %s: %lld voxels, CPU %lld", b->name, (long long)o1.n,
              (long long)o0.n);
        free(o0.v);
        free(o1.v);
        radx_params_clear(&q);
        radx_volume_free(&v);
    }
}

/* The LBP2D image type (lbp2d: every voxel of its window) or, with lab, LBP3D (lbp3d: its levels
 * and kurtosis at lab's voxels) of v on backend be into *o. */
static radx_status lbp_on(const radx_be *be, const radx_volume *v, const uint8_t *lab, const radx_params *q,
                          const radx_roi_box *need, images_out *o, radx_err *e)
{
    const size_t bytes = radx_dtype_size(v->dtype) * (size_t)radx_geom_nvox(&v->g);
    radx_volbuf img = {v->g, v->dtype, up(be, v->data, bytes), {0, 0, 0}};
    memset(o, 0, sizeof *o);
    o->be = be;
    radx_status st = lab ? radx_pipeline_lbp3d(v, &img, lab, q, be, need, "random", images_collect, o, e)
                         : radx_pipeline_lbp2d(&img, q, be, need, "random", images_collect, o, e);
    radx_buf_free(be, img.buf);
    return st;
}

/* lbp2d and lbp3d, through the LBP image types: every voxel bit for bit. */
static void test_lbp(const backend_case *b)
{
    static const int64_t sizes[][3] = {{4, 4, 4}, {17, 9, 12}, {21, 19, 1}, {9, 11, 7}};
    static const radx_dtype types[] = {RADX_DT_F32, RADX_DT_I16, RADX_DT_U8, RADX_DT_F64};
    for (int k = 0; k < 16; k++) {
        const int three = k % 2; /* LBP3D */
        radx_volume v = random_volume(sizes[three ? (k / 2) % 2 * 3 : k % 4], types[k % 4], -20, 200);
        radx_volume m = random_volume(v.g.size, RADX_DT_U8, 0, 1.999);
        radx_params q;
        radx_params_init_defaults(&q);
        q.lbp2d_method = k / 2 % 4;
        q.lbp2d_samples = rint_in(1, 24);
        q.lbp2d_radius = runif(0.5, 3.5);
        q.force2d_dimension = k % 3;
        q.lbp3d_levels = 2 + k / 4 % 2;
        q.lbp3d_subdivision = k / 2 % 3;
        q.lbp3d_radius = runif(0.6, 2.5);
        const radx_roi_box need = {{1, 0, 0}, {v.g.size[0] - 2, v.g.size[1] - 1, v.g.size[2] - 1}, 0};
        images_out o0, o1;
        radx_err e0 = {RADX_OK, "", ""}, e1 = {RADX_OK, "", ""};
        const uint8_t *lab = three ? m.data : NULL;
        const char *op = three ? "lbp3d" : "lbp2d";
        const radx_status s0 = lbp_on(&CPU, &v, lab, &q, k % 3 ? &need : NULL, &o0, &e0);
        const radx_status s1 = lbp_on(&b->be, &v, lab, &q, k % 3 ? &need : NULL, &o1, &e1);
        compare_status(op, b, "status", s0, &e0, s1, &e1);
        if (!s0 && !s1 && o0.n == o1.n) compare(op, b, "images", o0.v, o1.v, o0.n, 0, 0);
        CHECK(s0 || s1 || o0.n == o1.n, "%s %s: %lld voxels, CPU %lld", op, b->name, (long long)o1.n, (long long)o0.n);
        free(o0.v);
        free(o1.v);
        radx_params_clear(&q);
        radx_volume_free(&v);
        radx_volume_free(&m);
    }
}

static void test_roi_values(const backend_case *b)
{
    static const radx_dtype types[] = {RADX_DT_I16, RADX_DT_F32, RADX_DT_U8, RADX_DT_F64, RADX_DT_I32};
    for (int k = 0; k < 25; k++) {
        box_case c = random_box_case(types[k % 5], k % 7 == 3);
        double *x0, *x1;
        radx_roi_stats s0, s1;
        radx_err e0 = {RADX_OK, "", ""}, e1 = {RADX_OK, "", ""};
        const radx_status t0 = roi_values_on(&CPU, &c, &x0, &s0, &e0), t1 = roi_values_on(&b->be, &c, &x1, &s1, &e1);
        compare_status("roi_values", b, "status", t0, &e0, t1, &e1);
        if (!t0 && !t1) {
            compare_bytes("roi_values", b, "values", x0, x1, sizeof(double) * (size_t)c.n);
            const double st0[4] = {s0.min, s0.max, (double)s0.nonfinite, (double)s0.first_nonfinite};
            const double st1[4] = {s1.min, s1.max, (double)s1.nonfinite, (double)s1.first_nonfinite};
            compare("roi_values", b, "statistics", st0, st1, 4, 0, 0);
        }
        free(x0);
        free(x1);
        box_case_free(&c);
    }
}

/* discretise then level_box on be, from values x (n) in the box roi; levels and box back. */
static radx_status levels_on(const radx_be *be, const double *x, int64_t n, const double *edges, int nedges,
                             const uint8_t *roi, int64_t nbox, int32_t *gl, int32_t *box, int *ng, radx_err *e)
{
    radx_buf *xb = up(be, x, sizeof(double) * (size_t)n), *glb = radx_buf_alloc(be, sizeof(int32_t) * (size_t)n);
    radx_buf *rb = up(be, roi, (size_t)nbox), *bb = radx_buf_alloc(be, sizeof(int32_t) * (size_t)nbox);
    radx_status st = radx_op_discretise(be, xb, n, edges, nedges, glb, ng, e);
    if (!st) st = radx_op_level_box(be, glb, n, rb, nbox, bb, e);
    if (!st) {
        down(be, glb, gl, sizeof(int32_t) * (size_t)n);
        down(be, bb, box, sizeof(int32_t) * (size_t)nbox);
    }
    radx_buf_free(be, xb);
    radx_buf_free(be, glb);
    radx_buf_free(be, rb);
    radx_buf_free(be, bb);
    return st;
}

/* first order on be from x and gl. */
static radx_status firstorder_on(const radx_be *be, const double *x, const int32_t *gl, int64_t n, int ng,
                                 const radx_params *p, double *out, radx_err *e)
{
    radx_buf *xb = up(be, x, sizeof(double) * (size_t)n), *gb = up(be, gl, sizeof(int32_t) * (size_t)n);
    radx_status st = radx_op_firstorder(be, xb, gb, n, ng, runif(0.3, 4), p, out, e);
    radx_buf_free(be, xb);
    radx_buf_free(be, gb);
    return st;
}

static void test_discretise_firstorder(const backend_case *b)
{
    for (int k = 0; k < 20; k++) {
        const int64_t n = k == 0 ? 1 : rint_in(2, k % 5 == 0 ? 200000 : 3000), nbox = n + rint_in(0, 500);
        double *x = malloc(sizeof(double) * (size_t)n);
        const int ints = k % 2;
        for (int64_t i = 0; i < n; i++) x[i] = ints ? floor(runif(-1000, 2000)) : runif(-3, 7);
        uint8_t *roi = calloc((size_t)nbox, 1);
        for (int64_t i = 0, placed = 0; placed < n; i = (i + 1) % nbox)
            if (!roi[i] && (rnd() % 3 == 0 || nbox - i <= n - placed)) {
                roi[i] = 1;
                placed++;
            }
        radx_params p;
        radx_params_init_defaults(&p);
        if (k % 3 == 1) {
            p.has_bin_count = 1;
            p.bin_count = rint_in(2, 300);
        } else {
            p.bin_width = ints ? 25 : runif(0.01, 0.5);
        }
        double *edges = NULL;
        int nedges = 0;
        radx_err e = {RADX_OK, "", ""};
        CHECK(radx_bin_edges(x, n, &p, 0, &edges, &nedges, &e) == RADX_OK, "edges: %s", e.msg);
        int32_t *g0 = malloc(sizeof(int32_t) * (size_t)n), *g1 = malloc(sizeof(int32_t) * (size_t)n);
        int32_t *b0 = malloc(sizeof(int32_t) * (size_t)nbox), *b1 = malloc(sizeof(int32_t) * (size_t)nbox);
        int ng0 = 0, ng1 = 0;
        radx_err e0 = {RADX_OK, "", ""}, e1 = {RADX_OK, "", ""};
        const radx_status s0 = levels_on(&CPU, x, n, edges, nedges, roi, nbox, g0, b0, &ng0, &e0);
        const radx_status s1 = levels_on(&b->be, x, n, edges, nedges, roi, nbox, g1, b1, &ng1, &e1);
        compare_status("discretise", b, "status", s0, &e0, s1, &e1);
        if (!s0 && !s1) {
            CHECK(ng0 == ng1, "discretise on %s: Ng %d vs %d", b->name, ng0, ng1);
            compare_bytes("discretise", b, "levels", g0, g1, sizeof(int32_t) * (size_t)n);
            compare_bytes("level_box", b, "box", b0, b1, sizeof(int32_t) * (size_t)nbox);
            double f0[64], f1[64];
            const uint64_t keep = rng;
            radx_status t0 = firstorder_on(&CPU, x, g0, n, ng0, &p, f0, &e0);
            rng = keep; /* the same voxel volume */
            radx_status t1 = firstorder_on(&b->be, x, g0, n, ng0, &p, f1, &e1);
            compare_status("firstorder", b, "status", t0, &e0, t1, &e1);
            if (!t0 && !t1) compare("firstorder", b, "features", f0, f1, radx_firstorder_nfeatures, 0, 0);
        }
        radx_params_clear(&p);
        free(edges);
        free(x);
        free(roi);
        free(g0);
        free(g1);
        free(b0);
        free(b1);
    }
}

/* ---- texture and shape classes ---- */

/* A class on be from a host level box and ROI. */
static radx_status class_on(const radx_be *be, int shape, radx_class c, const radx_texture_input *t,
                            const radx_params *p, double *out, radx_err *e)
{
    const int64_t nbox = t->dims_zyx[0] * t->dims_zyx[1] * t->dims_zyx[2];
    radx_box_bufs in;
    memset(&in, 0, sizeof in);
    memcpy(in.dims_zyx, t->dims_zyx, sizeof in.dims_zyx);
    memcpy(in.spacing_zyx, t->spacing_zyx, sizeof in.spacing_zyx);
    in.roi = up(be, t->roi, (size_t)nbox);
    in.gl = shape ? NULL : up(be, t->gl, sizeof(int32_t) * (size_t)nbox);
    in.ng = t->ng;
    in.n_roi = t->n_roi;
    radx_status st = shape ? radx_op_shape(be, c, &in, p, out, e) : radx_op_texture(be, c, &in, p, out, e);
    radx_buf_free(be, in.roi);
    radx_buf_free(be, in.gl);
    return st;
}

/* A random box: levels 1..ng in the ROI (ng drawn too), 0 outside. */
static radx_texture_input random_texture(int32_t **gl, uint8_t **roi, int big)
{
    radx_texture_input t;
    memset(&t, 0, sizeof t);
    random_dims(t.dims_zyx, 1, big ? 40 : 12);
    if (t.dims_zyx[0] * t.dims_zyx[1] * t.dims_zyx[2] < 2) t.dims_zyx[2] = 2;
    for (int a = 0; a < 3; a++) t.spacing_zyx[a] = runif(0.4, 3);
    const int64_t n = t.dims_zyx[0] * t.dims_zyx[1] * t.dims_zyx[2];
    *roi = random_roi(n, runif(0.2, 1));
    *gl = malloc(sizeof(int32_t) * (size_t)n);
    t.ng = rint_in(1, big ? 64 : 20);
    for (int64_t i = 0; i < n; i++) {
        (*gl)[i] = (*roi)[i] ? rint_in(1, t.ng) : 0;
        t.n_roi += (*roi)[i];
    }
    int mx = 0;
    for (int64_t i = 0; i < n; i++) mx = (*gl)[i] > mx ? (*gl)[i] : mx;
    t.ng = mx;
    t.gl = *gl;
    t.roi = *roi;
    return t;
}

/* Texture settings variant k: distances, weighting, force2D, symmetry, gldm_a. */
static void texture_params(radx_params *p, int k, const int64_t dims_zyx[3])
{
    radx_params_init_defaults(p);
    p->n_distances = 1 + k % 3;
    for (int i = 0; i < p->n_distances; i++) p->distances[i] = i + 1;
    p->weighting_norm = (radx_wnorm)(k % 5);
    p->symmetrical_glcm = k % 4 != 3;
    p->gldm_a = k % 3;
    if (k % 6 == 5) {
        p->force2d = 1;
        p->force2d_dimension = 0;
    }
    (void)dims_zyx;
}

static void test_texture(const backend_case *b)
{
    static const radx_class cls[] = {RADX_CLASS_GLCM, RADX_CLASS_GLRLM, RADX_CLASS_GLSZM, RADX_CLASS_GLDM,
                                     RADX_CLASS_NGTDM};
    for (int k = 0; k < 30; k++) {
        int32_t *gl;
        uint8_t *roi;
        const radx_texture_input t = random_texture(&gl, &roi, k % 10 == 9);
        radx_params p;
        texture_params(&p, k, t.dims_zyx);
        for (int c = 0; c < 5; c++) {
            double f0[64], f1[64];
            radx_err e0 = {RADX_OK, "", ""}, e1 = {RADX_OK, "", ""};
            const radx_status s0 = class_on(&CPU, 0, cls[c], &t, &p, f0, &e0);
            const radx_status s1 = class_on(&b->be, 0, cls[c], &t, &p, f1, &e1);
            const char *nm = radx_class_name(cls[c]);
            compare_status(nm, b, "status", s0, &e0, s1, &e1);
            const radx_feature_info *tab;
            int nf;
            radx_class_table(cls[c], &tab, &nf);
            if (!s0 && !s1) compare(nm, b, "features", f0, f1, nf, 0, 0);
        }
        radx_params_clear(&p);
        free(gl);
        free(roi);
    }
}

static void test_shape(const backend_case *b)
{
    for (int k = 0; k < 20; k++) {
        int32_t *gl;
        uint8_t *roi;
        radx_texture_input t = random_texture(&gl, &roi, k % 5 == 4);
        radx_params p;
        radx_params_init_defaults(&p);
        const radx_class c = k % 4 == 3 ? RADX_CLASS_SHAPE2D : RADX_CLASS_SHAPE;
        if (c == RADX_CLASS_SHAPE2D) { /* one slice along z */
            p.force2d = 1;
            p.force2d_dimension = 0;
            t.dims_zyx[0] = 1;
            t.n_roi = 0;
            for (int64_t i = 0; i < t.dims_zyx[1] * t.dims_zyx[2]; i++) t.n_roi += roi[i];
        }
        double f0[64], f1[64];
        radx_err e0 = {RADX_OK, "", ""}, e1 = {RADX_OK, "", ""};
        const radx_status s0 = class_on(&CPU, 1, c, &t, &p, f0, &e0), s1 = class_on(&b->be, 1, c, &t, &p, f1, &e1);
        compare_status(radx_class_name(c), b, "status", s0, &e0, s1, &e1);
        const radx_feature_info *tab;
        int nf;
        radx_class_table(c, &tab, &nf);
        if (!s0 && !s1) compare(radx_class_name(c), b, "features", f0, f1, nf, 0, 0);
        radx_params_clear(&p);
        free(gl);
        free(roi);
    }
}

/* ---- voxel maps ---- */

typedef struct region_case {
    int64_t dim[3], nA, nroi;
    uint8_t *mk, *present;
    int32_t *gl;
    int64_t *aidx;
    double *val;
    int ng;
} region_case;

static region_case random_region(void)
{
    region_case r;
    memset(&r, 0, sizeof r);
    for (int a = 0; a < 3; a++) r.dim[a] = rint_in(4, 11);
    r.nA = r.dim[0] * r.dim[1] * r.dim[2];
    r.mk = random_roi(r.nA, runif(0.3, 1));
    r.gl = calloc((size_t)r.nA, sizeof *r.gl);
    r.val = malloc(sizeof(double) * (size_t)r.nA);
    r.aidx = malloc(sizeof(int64_t) * (size_t)r.nA);
    const int ng = rint_in(2, 16);
    for (int64_t i = 0; i < r.nA; i++) {
        r.val[i] = runif(-50, 150);
        if (r.mk[i]) {
            r.gl[i] = rint_in(1, ng);
            if (rnd() % 2) r.aidx[r.nroi++] = i;
        }
        r.ng = r.gl[i] > r.ng ? r.gl[i] : r.ng;
    }
    if (r.nroi == 0)
        for (int64_t i = 0; i < r.nA && !r.nroi; i++)
            if (r.mk[i]) r.aidx[r.nroi++] = i;
    r.present = calloc((size_t)r.ng + 1, 1);
    for (int64_t i = 0; i < r.nA; i++)
        if (r.mk[i]) r.present[r.gl[i]] = 1;
    return r;
}

static void region_free(region_case *r)
{
    free(r->mk);
    free(r->present);
    free(r->gl);
    free(r->aidx);
    free(r->val);
}

/* A voxel op (cls, or first order) on be; out: nroi x nf doubles. */
static radx_status voxel_on(const radx_be *be, const region_case *r, radx_class cls, const radx_params *q, double *out,
                            int nf, radx_err *e)
{
    radx_voxel_region a;
    memset(&a, 0, sizeof a);
    memcpy(a.dim, r->dim, sizeof a.dim);
    a.name = "region";
    a.mk = up(be, r->mk, (size_t)r->nA);
    a.gl = up(be, r->gl, sizeof(int32_t) * (size_t)r->nA);
    a.aidx = up(be, r->aidx, sizeof(int64_t) * (size_t)r->nroi);
    a.ng = r->ng;
    a.nroi = r->nroi;
    a.spacing_zyx[0] = a.spacing_zyx[1] = a.spacing_zyx[2] = 1;
    a.voxel_volume = 1;
    radx_buf *present = up(be, r->present, (size_t)r->ng + 1);
    radx_buf *ob = radx_buf_alloc(be, sizeof(double) * (size_t)(r->nroi * nf));
    radx_voxel_values v = {up(be, r->val, sizeof(double) * (size_t)r->nA), a.gl, r->ng};
    radx_status st = cls == RADX_CLASS_FIRSTORDER ? radx_op_voxel_firstorder(be, &a, &v, q, ob, e)
                                                  : radx_op_voxel_texture(be, cls, &a, present, q, ob, e);
    if (!st) down(be, ob, out, sizeof(double) * (size_t)(r->nroi * nf));
    radx_buf_free(be, a.mk);
    radx_buf_free(be, a.gl);
    radx_buf_free(be, a.aidx);
    radx_buf_free(be, present);
    radx_buf_free(be, ob);
    radx_buf_free(be, v.val);
    return st;
}

static void test_voxel(const backend_case *b)
{
    static const radx_class cls[] = {RADX_CLASS_FIRSTORDER, RADX_CLASS_GLCM, RADX_CLASS_GLRLM,
                                     RADX_CLASS_GLSZM,      RADX_CLASS_GLDM, RADX_CLASS_NGTDM};
    for (int k = 0; k < 8; k++) {
        region_case r = random_region();
        radx_params q;
        texture_params(&q, k, NULL);
        q.kernel_radius = k % 4 == 3 ? 4 : 1 + k % 2; /* 4: larger than the per-voxel rules take */
        for (int c = 0; c < 6; c++) {
            const radx_feature_info *tab;
            int nf;
            radx_class_table(cls[c], &tab, &nf);
            double *o0 = malloc(sizeof(double) * (size_t)(r.nroi * nf)),
                   *o1 = malloc(sizeof(double) * (size_t)(r.nroi * nf));
            radx_err e0 = {RADX_OK, "", ""}, e1 = {RADX_OK, "", ""};
            const radx_status s0 = voxel_on(&CPU, &r, cls[c], &q, o0, nf, &e0);
            const radx_status s1 = voxel_on(&b->be, &r, cls[c], &q, o1, nf, &e1);
            char op[64];
            snprintf(op, sizeof op, "voxel_%s", radx_class_name(cls[c]));
            const char *opname = radx_class_name(cls[c]); /* a static name for the row */
            compare_status(opname, b, op, s0, &e0, s1, &e1);
            if (!s0 && !s1)
                compare(c == 0 ? "voxel firstorder" : "voxel texture", b, opname, o0, o1, r.nroi * nf,
                        b->exact ? 0 : 1e-7, b->exact ? 0 : 10.0);
            free(o0);
            free(o1);
        }
        radx_params_clear(&q);
        region_free(&r);
    }
}

/* ---- cases larger than a tight device budget holds (tiles: slabs, chunks, two passes) ---- */

static void test_big(const backend_case *b)
{
    /* a 240 x 96 x 64 box: its level box (5.9 MB) takes slabs under a 1 MiB budget */
    int32_t *gl;
    uint8_t *roi;
    radx_texture_input t;
    memset(&t, 0, sizeof t);
    t.dims_zyx[0] = 64;
    t.dims_zyx[1] = 96;
    t.dims_zyx[2] = 240;
    t.spacing_zyx[0] = 1.25;
    t.spacing_zyx[1] = t.spacing_zyx[2] = 0.78;
    const int64_t n = 64 * 96 * 240;
    gl = malloc(sizeof(int32_t) * (size_t)n);
    roi = malloc((size_t)n);
    t.ng = 32;
    for (int64_t i = 0; i < n; i++) {
        const int64_t x = i % 240, y = (i / 240) % 96, z = i / (240 * 96);
        const double d = ((x - 120.0) * (x - 120.0)) / 10000.0 + ((y - 48.0) * (y - 48.0)) / 1600.0 +
                         ((z - 32.0) * (z - 32.0)) / 900.0;
        roi[i] = d < 1.0;
        gl[i] = roi[i] ? 1 + (int32_t)((x / 7 + y / 5 + z / 3 + (int64_t)(rnd() % 3)) % 32) : 0;
        t.n_roi += roi[i];
    }
    t.gl = gl;
    t.roi = roi;
    radx_params p;
    radx_params_init_defaults(&p);
    static const radx_class cls[] = {RADX_CLASS_GLCM, RADX_CLASS_GLRLM, RADX_CLASS_GLSZM,
                                     RADX_CLASS_GLDM, RADX_CLASS_NGTDM, RADX_CLASS_SHAPE};
    for (int c = 0; c < 6; c++) {
        double f0[64], f1[64];
        radx_err e0 = {RADX_OK, "", ""}, e1 = {RADX_OK, "", ""};
        const int shape = cls[c] == RADX_CLASS_SHAPE;
        const radx_status s0 = class_on(&CPU, shape, cls[c], &t, &p, f0, &e0);
        const radx_status s1 = class_on(&b->be, shape, cls[c], &t, &p, f1, &e1);
        compare_status(radx_class_name(cls[c]), b, "big box", s0, &e0, s1, &e1);
        const radx_feature_info *tab;
        int nf;
        radx_class_table(cls[c], &tab, &nf);
        if (!s0 && !s1) compare(radx_class_name(cls[c]), b, "big box", f0, f1, nf, 0, 0);
    }
    /* its ROI values: chunks of discretisation and first order */
    double *x = malloc(sizeof(double) * (size_t)t.n_roi);
    int32_t *g0 = malloc(sizeof(int32_t) * (size_t)t.n_roi), *g1 = malloc(sizeof(int32_t) * (size_t)t.n_roi);
    int32_t *b0 = malloc(sizeof(int32_t) * (size_t)n), *b1 = malloc(sizeof(int32_t) * (size_t)n);
    for (int64_t i = 0; i < t.n_roi; i++) x[i] = floor(runif(-900, 1200));
    double *edges = NULL, f0[64], f1[64];
    int nedges = 0, ng0 = 0, ng1 = 0;
    radx_err e0 = {RADX_OK, "", ""}, e1 = {RADX_OK, "", ""};
    radx_bin_edges(x, t.n_roi, &p, 0, &edges, &nedges, &e0);
    radx_status s0 = levels_on(&CPU, x, t.n_roi, edges, nedges, roi, n, g0, b0, &ng0, &e0);
    radx_status s1 = levels_on(&b->be, x, t.n_roi, edges, nedges, roi, n, g1, b1, &ng1, &e1);
    compare_status("discretise", b, "big", s0, &e0, s1, &e1);
    if (!s0 && !s1) {
        compare_bytes("discretise", b, "big", g0, g1, sizeof(int32_t) * (size_t)t.n_roi);
        compare_bytes("level_box", b, "big", b0, b1, sizeof(int32_t) * (size_t)n);
        const uint64_t keep = rng;
        s0 = firstorder_on(&CPU, x, g0, t.n_roi, ng0, &p, f0, &e0);
        rng = keep;
        s1 = firstorder_on(&b->be, x, g0, t.n_roi, ng0, &p, f1, &e1);
        compare_status("firstorder", b, "big", s0, &e0, s1, &e1);
        if (!s0 && !s1) compare("firstorder", b, "big", f0, f1, radx_firstorder_nfeatures, 0, 0);
    }
    /* a 128 x 128 x 64 image: the LoG in two passes, the resampling in slabs */
    const int64_t sz[3] = {128, 128, 64};
    radx_volume v = random_volume(sz, RADX_DT_I16, -1000, 1000), m = random_volume(sz, RADX_DT_U8, 0, 1.5);
    m.g = v.g;
    const filter_call call = {.op = CALL_LOG, .sigma = 2.0, .mode = RADX_LOG_PYRADIOMICS};
    double *r0 = NULL, *r1 = NULL;
    s0 = filter_on(&CPU, &v, &call, &r0, &e0);
    s1 = filter_on(&b->be, &v, &call, &r1, &e1);
    compare_status("log_filter", b, "big", s0, &e0, s1, &e1);
    if (!s0 && !s1) {
        const int64_t nv = radx_geom_nvox(&v.g);
        double big = 0;
        for (int64_t i = 0; i < nv; i++) big = fmax(big, fabs(r0[i]));
        compare("log_filter", b, "big", r0, r1, nv, b->exact ? 0 : 1e-5, b->exact ? 0 : fmax(big, 100));
    }
    p.has_resampled_spacing = 1;
    p.resampled_spacing[0] = p.resampled_spacing[1] = p.resampled_spacing[2] = 0.7;
    snprintf(p.interpolator, sizeof p.interpolator, "sitkBSpline");
    radx_volume io0, mo0, io1, mo1;
    s0 = radx_op_resample(&CPU, &v, &m, &p, 1, &io0, &mo0, &e0);
    s1 = radx_op_resample(&b->be, &v, &m, &p, 1, &io1, &mo1, &e1);
    compare_status("resample", b, "big", s0, &e0, s1, &e1);
    if (!s0 && !s1 && !memcmp(&io0.g, &io1.g, sizeof io0.g)) {
        const size_t nv = (size_t)radx_geom_nvox(&io0.g);
        compare_bytes("resample", b, "big image", io0.data, io1.data, radx_dtype_size(io0.dtype) * nv);
        compare_bytes("resample", b, "big mask", mo0.data, mo1.data, radx_dtype_size(mo0.dtype) * nv);
    }
    if (!s0) {
        radx_volume_free(&io0);
        radx_volume_free(&mo0);
    }
    if (!s1) {
        radx_volume_free(&io1);
        radx_volume_free(&mo1);
    }
    radx_volume_free(&v);
    radx_volume_free(&m);
    free(r0);
    free(r1);
    free(edges);
    free(x);
    free(g0);
    free(g1);
    free(b0);
    free(b1);
    free(gl);
    free(roi);
    radx_params_clear(&p);
}

/* ---- whole extractions and maps through each backend ---- */

static radx_result *extract_on(const radx_be *be, const char *cs, const char *params, radx_err *e)
{
    char ip[512], mp[512], pp[512];
    snprintf(ip, sizeof ip, "%s/data/pyradiomics/%s_image.nrrd", RADX_SOURCE_DIR, cs);
    snprintf(mp, sizeof mp, "%s/data/pyradiomics/%s_label.nrrd", RADX_SOURCE_DIR, cs);
    radx_params p;
    radx_params_init_defaults(&p);
    if (params) {
        snprintf(pp, sizeof pp, "%s/data/%s", RADX_SOURCE_DIR, params);
        CHECK(radx_params_load_file(&p, pp, e) == RADX_OK, "%s: %s", pp, e->msg);
    }
    radx_volume img, msk;
    radx_result *r = NULL;
    if (radx_volume_read(ip, &img, e) == RADX_OK) {
        if (radx_volume_read(mp, &msk, e) == RADX_OK) {
            radx_pipeline_run(&p, be, &img, ip, &msk, mp, 0, &r, e);
            radx_volume_free(&msk);
        }
        radx_volume_free(&img);
    }
    radx_params_clear(&p);
    return r;
}

static void test_extract(const backend_case *b)
{
    static const char *cases[] = {"brain1", "breast1"};
    static const char *params[] = {NULL, "lung_ct_egfr_delta.yaml", "pyradiomics/baseline_params/resegmentation.yaml",
                                   "pyradiomics/baseline_params/FBN.yaml", "pyradiomics/params/exampleCT.yaml"};
    for (int c = 0; c < 2; c++)
        for (int k = 0; k < 5; k++) {
            radx_err e0 = {RADX_OK, "", ""}, e1 = {RADX_OK, "", ""};
            radx_result *r0 = extract_on(&CPU, cases[c], params[k], &e0),
                        *r1 = extract_on(&b->be, cases[c], params[k], &e1);
            CHECK(r0 && r1, "extract %s %s on %s: %s | %s", cases[c], params[k] ? params[k] : "default", b->name,
                  e0.msg, e1.msg);
            if (r0 && r1) {
                const size_t n = radx_result_count(r0);
                CHECK(n == radx_result_count(r1), "extract %s: %zu vs %zu entries", cases[c], n, radx_result_count(r1));
                double *a = calloc(n, sizeof *a), *g = calloc(n, sizeof *g);
                for (size_t i = 0; i < n && i < radx_result_count(r1); i++) {
                    CHECK(!strcmp(radx_result_name(r0, i), radx_result_name(r1, i)), "entry %zu: %s vs %s", i,
                          radx_result_name(r0, i), radx_result_name(r1, i));
                    if (!radx_result_is_number(r0, i)) {
                        CHECK(!strcmp(radx_result_text(r0, i), radx_result_text(r1, i)) ||
                                  strstr(radx_result_name(r0, i), "Versions"),
                              "%s: '%s' vs '%s'", radx_result_name(r0, i), radx_result_text(r0, i),
                              radx_result_text(r1, i));
                        continue;
                    }
                    a[i] = radx_result_value(r0, i);
                    /* CUDA: LoG images are float-FFT close, not equal; their features are not compared */
                    g[i] = !b->exact && strstr(radx_result_name(r0, i), "log-sigma") ? a[i] : radx_result_value(r1, i);
                }
                compare("extraction", b, cases[c], a, g, (int64_t)n, 0, 0);
                free(a);
                free(g);
            }
            radx_result_destroy(r0);
            radx_result_destroy(r1);
        }
}

/* A map run's values: every class of every image type, concatenated. */
typedef struct map_values {
    double *v;
    size_t n, cap;
} map_values;

static radx_status keep_class(void *user, const radx_vmap_class *c, radx_err *err)
{
    map_values *m = user;
    const size_t k = (size_t)c->nsel * (size_t)c->nroi;
    if (m->n + k > m->cap) {
        m->cap = 2 * (m->n + k);
        m->v = realloc(m->v, sizeof(double) * m->cap);
    }
    memcpy(m->v + m->n, c->values, sizeof(double) * k);
    m->n += k;
    return RADX_OK;
}

static void test_maps(const backend_case *b)
{
    static const char *radius[] = {"1", "2", "4"};
    for (int k = 0; k < 3; k++) {
        char ip[512], mp[512];
        snprintf(ip, sizeof ip, "%s/data/pyradiomics/breast1_image.nrrd", RADX_SOURCE_DIR);
        snprintf(mp, sizeof mp, "%s/data/pyradiomics/breast1_label.nrrd", RADX_SOURCE_DIR);
        radx_params p;
        radx_params_init_defaults(&p);
        radx_err e = {RADX_OK, "", ""};
        radx_params_set_text(&p, "kernelRadius", radius[k], &e);
        radx_params_set_text(&p, "binCount", "16", &e);
        radx_volume img, msk;
        map_values m0 = {0}, m1 = {0};
        if (radx_volume_read(ip, &img, &e) == RADX_OK && radx_volume_read(mp, &msk, &e) == RADX_OK) {
            radx_vmap_sink s0 = {&m0, NULL, keep_class}, s1 = {&m1, NULL, keep_class};
            radx_err e0 = {RADX_OK, "", ""}, e1 = {RADX_OK, "", ""};
            const radx_status t0 = radx_voxelmap_run(&p, &CPU, &img, ip, &msk, mp, 0, &s0, &e0);
            const radx_status t1 = radx_voxelmap_run(&p, &b->be, &img, ip, &msk, mp, 0, &s1, &e1);
            compare_status("voxel maps", b, radius[k], t0, &e0, t1, &e1);
            CHECK(m0.n == m1.n, "maps on %s: %zu vs %zu values", b->name, m0.n, m1.n);
            if (!t0 && !t1 && m0.n == m1.n)
                compare("voxel maps", b, radius[k], m0.v, m1.v, (int64_t)m0.n, b->exact ? 0 : 1e-7,
                        b->exact ? 0 : 10.0);
            radx_volume_free(&img);
            radx_volume_free(&msk);
        }
        free(m0.v);
        free(m1.v);
        radx_params_clear(&p);
    }
}

int main(void)
{
    backend_case bc[8];
    const int nb = make_backends(bc);
    for (int i = 0; i < nb; i++) {
        const uint64_t seed = rng;
        test_resample(&bc[i]);
        test_log(&bc[i]);
        test_point_filter(&bc[i]);
        test_gradient(&bc[i]);
        test_mean(&bc[i]);
        test_laws(&bc[i]);
        test_gabor(&bc[i]);
        test_wavelet_pass(&bc[i]);
        test_lbp(&bc[i]);
        test_roi_values(&bc[i]);
        test_discretise_firstorder(&bc[i]);
        test_texture(&bc[i]);
        test_shape(&bc[i]);
        test_voxel(&bc[i]);
        test_extract(&bc[i]);
        test_maps(&bc[i]);
        test_big(&bc[i]);
        rng = seed; /* every backend gets the same inputs */
    }
    printf("%-22s %-34s %7s  %s\n", "op", "backend", "cases", "largest error (0: bit for bit)");
    for (int i = 0; i < nrows; i++)
        printf("%-22s %-34s %7ld  %.3g\n", rows[i].op, rows[i].backend, rows[i].cases, rows[i].worst);
    for (int i = 0; i < nb; i++) {
        if (bc[i].be.ops == &stand_in_ops) {
            const stand_in *s = bc[i].be.ctx;
            printf("%s: %ld ops, %ld declined, %ld evictions, %ld host copies poisoned, device peak %zu bytes\n",
                   bc[i].name, s->ops, s->declines, s->evictions, s->poisoned, s->peak);
            CHECK(s->poisoned > 0, "%s poisoned no host copy", bc[i].name);
            if (s->budget) CHECK(s->peak <= s->budget, "%s: peak %zu over the budget", bc[i].name, s->peak);
            if (s->decline_every) CHECK(s->declines > 0, "%s declined nothing", bc[i].name);
        } else {
            radx_device_stats d;
            radx_cuda_backend_stats(bc[i].be.ctx, &d);
            printf("%s: peak %.1f MiB, %lld op(s) on the CPU, %lld in tiles, %.1f MiB up, %.1f MiB down\n", bc[i].name,
                   d.peak_bytes / 1048576.0, d.cpu_fallbacks, d.tiled_ops, d.upload_bytes / 1048576.0,
                   d.download_bytes / 1048576.0);
        }
        bc[i].be.ops->destroy(bc[i].be.ctx);
    }
    return radx_test_finish("test_backend_ops");
}
