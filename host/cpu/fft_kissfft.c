/* SPDX-License-Identifier: BSD-3-Clause */
/* CPU implementation of host/cpu/fft.h with KissFFT (Debian libkissfft-dev, BSD-3-Clause, float).
 *
 * The 3-D transform is done as 1-D transforms line by line: real FFTs along x (kiss_fftr), then
 * complex FFTs along y and z (kiss_fft) on blocks of FFT_BLOCK neighbouring columns gathered
 * into contiguous scratch (one cache line of 8 complex floats per gathered row).  Lines are
 * distributed over OpenMP threads; each line is transformed independently with the same code,
 * so results do not depend on the thread count.
 *
 * Thread safety of KissFFT: a kiss_fft_cfg is only read by out-of-place kiss_fft() calls and is
 * shared; a kiss_fftr_cfg holds a scratch buffer (tmpbuf), so the plan keeps one per thread. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdlib.h>
#include <string.h>
#include <kissfft/kiss_fft.h>
#include <kissfft/kiss_fftr.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "cpu/fft.h"

_Static_assert(sizeof(radx_fft_cpx) == sizeof(kiss_fft_cpx), "radx_fft_cpx must match kiss_fft_cpx");
_Static_assert(sizeof(kiss_fft_scalar) == sizeof(float), "KissFFT must be the float build");

#define FFT_BLOCK 8
#define FFT_MAX_N ((int64_t)1 << 30)

struct radx_fft_plan {
    int n[3];
    int nh; /* n[0]/2 + 1 */
    int nthreads;
    kiss_fftr_cfg *rf, *ri; /* per thread: forward / inverse real FFT along x */
    kiss_fft_cfg yf, yi, zf, zi;
    int maxcol;                /* max(n[1], n[2]) */
    kiss_fft_cpx *scratch;     /* per thread: 2 * FFT_BLOCK * maxcol complex, then n[0] floats */
    size_t scratch_per_thread; /* in kiss_fft_cpx units */
};

int64_t radx_fft_good_size(int64_t n, int need_even)
{
    int64_t m = n < 1 ? 1 : n;
    for (; m < FFT_MAX_N; m++) {
        int64_t r = m;
        if (need_even && (m & 1)) continue;
        while (r % 2 == 0) r /= 2;
        while (r % 3 == 0) r /= 3;
        while (r % 5 == 0) r /= 5;
        if (r == 1) return m;
    }
    return 0;
}

void radx_fft_destroy(radx_fft_plan *p)
{
    int t;
    if (!p) return;
    if (p->rf)
        for (t = 0; t < p->nthreads; t++) kiss_fftr_free(p->rf[t]);
    if (p->ri)
        for (t = 0; t < p->nthreads; t++) kiss_fftr_free(p->ri[t]);
    free(p->rf);
    free(p->ri);
    kiss_fft_free(p->yf);
    kiss_fft_free(p->yi);
    kiss_fft_free(p->zf);
    kiss_fft_free(p->zi);
    free(p->scratch);
    free(p);
}

radx_status radx_fft_plan_3d(const int64_t n[3], radx_fft_plan **out, radx_err *err)
{
    radx_fft_plan *p;
    int t;
    if (!out || !n) return radx_seterr(err, RADX_ERR_ARG, "fft plan: NULL argument");
    *out = NULL;
    for (t = 0; t < 3; t++)
        if (n[t] < 1 || n[t] >= FFT_MAX_N)
            return radx_seterr(err, RADX_ERR_ARG, "fft plan: size %lld along axis %d out of range", (long long)n[t], t);
    if (n[0] & 1)
        return radx_seterr(err, RADX_ERR_ARG, "fft plan: x size %lld must be even for a real transform",
                           (long long)n[0]);
    p = (radx_fft_plan *)calloc(1, sizeof *p);
    if (!p) return radx_seterr(err, RADX_ERR_NOMEM, "fft plan: out of memory");
    p->n[0] = (int)n[0];
    p->n[1] = (int)n[1];
    p->n[2] = (int)n[2];
    p->nh = p->n[0] / 2 + 1;
#ifdef _OPENMP
    p->nthreads = omp_get_max_threads();
#else
    p->nthreads = 1;
#endif
    if (p->nthreads < 1) p->nthreads = 1;
    p->maxcol = p->n[1] > p->n[2] ? p->n[1] : p->n[2];
    p->rf = (kiss_fftr_cfg *)calloc((size_t)p->nthreads, sizeof *p->rf);
    p->ri = (kiss_fftr_cfg *)calloc((size_t)p->nthreads, sizeof *p->ri);
    if (!p->rf || !p->ri) goto nomem;
    for (t = 0; t < p->nthreads; t++) {
        p->rf[t] = kiss_fftr_alloc(p->n[0], 0, NULL, NULL);
        p->ri[t] = kiss_fftr_alloc(p->n[0], 1, NULL, NULL);
        if (!p->rf[t] || !p->ri[t]) goto nomem;
    }
    p->yf = kiss_fft_alloc(p->n[1], 0, NULL, NULL);
    p->yi = kiss_fft_alloc(p->n[1], 1, NULL, NULL);
    p->zf = kiss_fft_alloc(p->n[2], 0, NULL, NULL);
    p->zi = kiss_fft_alloc(p->n[2], 1, NULL, NULL);
    if (!p->yf || !p->yi || !p->zf || !p->zi) goto nomem;
    /* 2 blocks of columns (in, out), then one real row (n[0] floats = n[0]/2 complex) */
    p->scratch_per_thread = (size_t)2 * FFT_BLOCK * (size_t)p->maxcol + (size_t)p->nh;
    p->scratch = (kiss_fft_cpx *)malloc(p->scratch_per_thread * (size_t)p->nthreads * sizeof(kiss_fft_cpx));
    if (!p->scratch) goto nomem;
    *out = p;
    return RADX_OK;
nomem:
    radx_fft_destroy(p);
    return radx_seterr(err, RADX_ERR_NOMEM, "fft plan %lldx%lldx%lld: out of memory", (long long)n[0], (long long)n[1],
                       (long long)n[2]);
}

int64_t radx_fft_buffer_len(const radx_fft_plan *p) { return (int64_t)p->nh * p->n[1] * p->n[2]; }

static int fft_thread(void)
{
#ifdef _OPENMP
    return omp_get_thread_num();
#else
    return 0;
#endif
}

/* Complex 1-D FFTs of length len along the columns with element stride `stride` (in complex
 * units), for `ncols` column groups: column c of group g starts at base(g) + c.  Groups are
 * (outer index, block of FFT_BLOCK consecutive kx); outer index o has base o * outer_stride. */
static void fft_columns(radx_fft_plan *p, kiss_fft_cpx *buf, kiss_fft_cfg cfg, int len, int64_t stride, int nouter,
                        int64_t outer_stride)
{
    const int nh = p->nh;
    const int nblk = (nh + FFT_BLOCK - 1) / FFT_BLOCK;
    const int64_t ngroups = (int64_t)nouter * nblk;
    int64_t g;
#ifdef _OPENMP
#pragma omp parallel for schedule(static) num_threads(p->nthreads)
#endif
    for (g = 0; g < ngroups; g++) {
        kiss_fft_cpx *tin = p->scratch + (size_t)fft_thread() * p->scratch_per_thread;
        kiss_fft_cpx *tout = tin + (size_t)FFT_BLOCK * p->maxcol;
        const int o = (int)(g / nblk), b0 = (int)(g % nblk) * FFT_BLOCK;
        const int nb = nh - b0 < FFT_BLOCK ? nh - b0 : FFT_BLOCK;
        kiss_fft_cpx *base = buf + o * outer_stride + b0;
        int i, c;
        for (i = 0; i < len; i++) {
            const kiss_fft_cpx *src = base + i * stride;
            for (c = 0; c < nb; c++) tin[(size_t)c * len + i] = src[c];
        }
        for (c = 0; c < nb; c++) kiss_fft(cfg, tin + (size_t)c * len, tout + (size_t)c * len);
        for (i = 0; i < len; i++) {
            kiss_fft_cpx *dst = base + i * stride;
            for (c = 0; c < nb; c++) dst[c] = tout[(size_t)c * len + i];
        }
    }
}

radx_status radx_fft_r2c(radx_fft_plan *p, radx_fft_cpx *buf_, radx_err *err)
{
    kiss_fft_cpx *buf = (kiss_fft_cpx *)buf_;
    int64_t nrows, r;
    int nh, n0;
    if (!p || !buf) return radx_seterr(err, RADX_ERR_ARG, "fft r2c: NULL argument");
    nrows = (int64_t)p->n[1] * p->n[2];
    nh = p->nh;
    n0 = p->n[0];
#ifdef _OPENMP
#pragma omp parallel for schedule(static) num_threads(p->nthreads)
#endif
    for (r = 0; r < nrows; r++) {
        const int t = fft_thread();
        float *row = (float *)(buf + r * nh);
        float *tr = (float *)(p->scratch + (size_t)t * p->scratch_per_thread + (size_t)2 * FFT_BLOCK * p->maxcol);
        memcpy(tr, row, (size_t)n0 * sizeof(float));
        kiss_fftr(p->rf[t], tr, buf + r * nh);
    }
    if (p->n[1] > 1) fft_columns(p, buf, p->yf, p->n[1], nh, p->n[2], (int64_t)nh * p->n[1]);
    if (p->n[2] > 1) fft_columns(p, buf, p->zf, p->n[2], (int64_t)nh * p->n[1], p->n[1], nh);
    return RADX_OK;
}

radx_status radx_fft_c2r(radx_fft_plan *p, radx_fft_cpx *buf_, radx_err *err)
{
    kiss_fft_cpx *buf = (kiss_fft_cpx *)buf_;
    int64_t nrows, r;
    int nh, n0;
    if (!p || !buf) return radx_seterr(err, RADX_ERR_ARG, "fft c2r: NULL argument");
    nrows = (int64_t)p->n[1] * p->n[2];
    nh = p->nh;
    n0 = p->n[0];
    if (p->n[2] > 1) fft_columns(p, buf, p->zi, p->n[2], (int64_t)nh * p->n[1], p->n[1], nh);
    if (p->n[1] > 1) fft_columns(p, buf, p->yi, p->n[1], nh, p->n[2], (int64_t)nh * p->n[1]);
#ifdef _OPENMP
#pragma omp parallel for schedule(static) num_threads(p->nthreads)
#endif
    for (r = 0; r < nrows; r++) {
        const int t = fft_thread();
        float *tr = (float *)(p->scratch + (size_t)t * p->scratch_per_thread + (size_t)2 * FFT_BLOCK * p->maxcol);
        kiss_fftri(p->ri[t], buf + r * nh, tr);
        memcpy((float *)(buf + r * nh), tr, (size_t)n0 * sizeof(float));
    }
    return RADX_OK;
}
