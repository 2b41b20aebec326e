/* SPDX-License-Identifier: BSD-3-Clause */
/* RADX_LOG_PYRADIOMICS on the CPU by ITK's own recursive algorithm: radx_log_filter_recursive
 * (log_filter.h).
 *
 * PyRadiomics 3.0.1's getLoGImage runs SimpleITK's LaplacianRecursiveGaussianImageFilter with
 * NormalizeAcrossScale on.  This file reproduces that filter step by step, in the arithmetic
 * order and precision ITK uses (our own transcription of the algorithm of
 * itkLaplacianRecursiveGaussianImageFilter.hxx, itkRecursiveGaussianImageFilter.hxx and
 * itkRecursiveSeparableImageFilter.hxx), so that its float32 output matches SimpleITK's:
 *
 *   cum = 0 (float image)
 *   for each filtered axis a, in axis order:
 *       T = second-derivative IIR along a   (input -> float image)
 *       T = smoothing IIR along each other filtered axis b, in increasing b (float -> float)
 *       cum = (float)(cum + T * (1 / spacing_a^2))     (in double)
 *   out = cum
 *
 * Each 1-D pass reads its line into double, runs the causal and the anticausal 4th-order
 * recursions in double (ITK's RealType for scalar pixels, float input included) with ITK's border
 * initial conditions (the line is taken to continue with its first / last value forever: the
 * m_BN / m_BM boundary coefficients of ComputeRemainingCoefficients), adds the two and stores the
 * sum as float (ITK's internal images are float, its LaplacianRecursiveGaussian's InternalRealType).
 * The filter coefficients (N, D, M) are kernels/rules/log_transfer.h's radx_itk_iir_setup, the
 * frequency-domain path's; the boundary coefficients are computed here.  Every multiply-add is
 * evaluated in ITK's order (MathEMAMAMAM: a1 b1 + a2 b2 + a3 b3 + a4 b4 left to right;
 * MathSMAMAMAM: out -= (that sum)), so with no FMA contraction (-ffp-contract=off builds, as ITK's
 * x86-64 wheels) the result is ITK's up to radx_itk_iir_setup's rounding of the coefficients
 * (order 0 divides by alpha0 where ITK multiplies by 1/alpha0: ~1e-16 relative).
 *
 * 2-D filtering (in_plane, or a 2-D image): ITK's 2-D pipeline on every z slice (derivative
 * along x then smoothing along y, plus derivative along y then smoothing along x).
 *
 * Lines shorter than 4 samples along a filtered axis: ITK refuses them ("requires a minimum of
 * four pixels"); radx_log_filter's PyRadiomics checks exclude them, and for radx_log_filter_ex
 * this function hands such images to the FFT method (same infinite-extension definition).
 *
 * Cost: O(N) per pass, 9 passes (3-D) over float images; no padding, independent of sigma.
 * Threads: OpenMP over blocks of lines; each line's arithmetic does not depend on the block it is
 * in nor on the thread, so the result is bit-identical for any thread count.  Lines are processed
 * W at a time, interleaved (sample i of line j at buf[i W + j]), so the recursion runs over
 * contiguous vectors of W independent lines. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/simd.h"
#include "core/volume.h"
#include "params/params.h"
#include "cpu/log_filter.h"
#include "cpu/log_filter.h"
#include "rules/log_transfer.h"

/* lines per block */
#define LR_W 32

/* One 1-D recursive filter with ITK's boundary coefficients. */
typedef struct lr_coef {
    double n0, n1, n2, n3, d1, d2, d3, d4, m1, m2, m3, m4;
    double bn1, bn2, bn3, bn4, bm1, bm2, bm3, bm4;
} lr_coef;

static void lr_setup(double sigma_mm, double spacing, int order, lr_coef *k)
{
    radx_itk_iir c;
    double sn, sm, sd;
    radx_itk_iir_setup(sigma_mm, spacing, order, 1, &c);
    k->n0 = c.n0;
    k->n1 = c.n1;
    k->n2 = c.n2;
    k->n3 = c.n3;
    k->d1 = c.d1;
    k->d2 = c.d2;
    k->d3 = c.d3;
    k->d4 = c.d4;
    k->m1 = c.m1;
    k->m2 = c.m2;
    k->m3 = c.m3;
    k->m4 = c.m4;
    /* ITK's ComputeRemainingCoefficients: the steady-state response to a constant border value */
    sn = k->n0 + k->n1 + k->n2 + k->n3;
    sm = k->m1 + k->m2 + k->m3 + k->m4;
    sd = 1.0 + k->d1 + k->d2 + k->d3 + k->d4;
    k->bn1 = k->d1 * sn / sd;
    k->bn2 = k->d2 * sn / sd;
    k->bn3 = k->d3 * sn / sd;
    k->bn4 = k->d4 * sn / sd;
    k->bm1 = k->d1 * sm / sd;
    k->bm2 = k->d2 * sm / sd;
    k->bm3 = k->d3 * sm / sd;
    k->bm4 = k->d4 * sm / sd;
}

/* ITK's FilterDataArray on w interleaved lines of ln >= 4 samples: x[i w + j] is sample i of
 * line j; the result goes to y (causal part, then + anticausal part), s is scratch. */
RADX_SIMD_CLONES static void lr_filter_block(const lr_coef *k, const double *x, double *y, double *s, int64_t ln, int w)
{
    const double n0 = k->n0, n1 = k->n1, n2 = k->n2, n3 = k->n3;
    const double d1 = k->d1, d2 = k->d2, d3 = k->d3, d4 = k->d4;
    const double m1 = k->m1, m2 = k->m2, m3 = k->m3, m4 = k->m4;
    int64_t i;
    int j;
#define X(i) (x + (int64_t)(i)*w)
#define Y(i) (y + (int64_t)(i)*w)
#define S(i) (s + (int64_t)(i)*w)
    /* ---- causal pass, initial conditions: the first sample extends to minus infinity ---- */
    for (j = 0; j < w; j++) {
        const double v = X(0)[j];
        double y0, y1, y2, y3;
        y0 = v * n0 + v * n1 + v * n2 + v * n3;
        y1 = X(1)[j] * n0 + v * n1 + v * n2 + v * n3;
        y2 = X(2)[j] * n0 + X(1)[j] * n1 + v * n2 + v * n3;
        y3 = X(3)[j] * n0 + X(2)[j] * n1 + X(1)[j] * n2 + v * n3;
        y0 -= v * k->bn1 + v * k->bn2 + v * k->bn3 + v * k->bn4;
        y1 -= y0 * d1 + v * k->bn2 + v * k->bn3 + v * k->bn4;
        y2 -= y1 * d1 + y0 * d2 + v * k->bn3 + v * k->bn4;
        y3 -= y2 * d1 + y1 * d2 + y0 * d3 + v * k->bn4;
        Y(0)[j] = y0;
        Y(1)[j] = y1;
        Y(2)[j] = y2;
        Y(3)[j] = y3;
    }
    for (i = 4; i < ln; i++) {
        double *yi = Y(i);
        const double *xi = X(i), *xa = X(i - 1), *xb = X(i - 2), *xc = X(i - 3);
        const double *ya = Y(i - 1), *yb = Y(i - 2), *yc = Y(i - 3), *yd = Y(i - 4);
        for (j = 0; j < w; j++) {
            double t = xi[j] * n0 + xa[j] * n1 + xb[j] * n2 + xc[j] * n3;
            t -= ya[j] * d1 + yb[j] * d2 + yc[j] * d3 + yd[j] * d4;
            yi[j] = t;
        }
    }
    /* ---- anticausal pass, initial conditions: the last sample extends to plus infinity ---- */
    for (j = 0; j < w; j++) {
        const double v = X(ln - 1)[j];
        double z1, z2, z3, z4; /* s[ln-1], s[ln-2], s[ln-3], s[ln-4] */
        z1 = v * m1 + v * m2 + v * m3 + v * m4;
        z2 = X(ln - 1)[j] * m1 + v * m2 + v * m3 + v * m4;
        z3 = X(ln - 2)[j] * m1 + X(ln - 1)[j] * m2 + v * m3 + v * m4;
        z4 = X(ln - 3)[j] * m1 + X(ln - 2)[j] * m2 + X(ln - 1)[j] * m3 + v * m4;
        z1 -= v * k->bm1 + v * k->bm2 + v * k->bm3 + v * k->bm4;
        z2 -= z1 * d1 + v * k->bm2 + v * k->bm3 + v * k->bm4;
        z3 -= z2 * d1 + z1 * d2 + v * k->bm3 + v * k->bm4;
        z4 -= z3 * d1 + z2 * d2 + z1 * d3 + v * k->bm4;
        S(ln - 1)[j] = z1;
        S(ln - 2)[j] = z2;
        S(ln - 3)[j] = z3;
        S(ln - 4)[j] = z4;
    }
    for (i = ln - 4; i > 0; i--) {
        double *so = S(i - 1);
        const double *xa = X(i), *xb = X(i + 1), *xc = X(i + 2), *xd = X(i + 3);
        const double *sa = S(i), *sb = S(i + 1), *sc = S(i + 2), *sd = S(i + 3);
        for (j = 0; j < w; j++) {
            double t = xa[j] * m1 + xb[j] * m2 + xc[j] * m3 + xd[j] * m4;
            t -= sa[j] * d1 + sb[j] * d2 + sc[j] * d3 + sd[j] * d4;
            so[j] = t;
        }
    }
    for (i = 0; i < ln * w; i++) y[i] += s[i];
#undef X
#undef Y
#undef S
}

/* One pass along axis `ax` over every line of the volume (size n[3]):
 *   src: the input volume (vin, any dtype) or a float image (fin);
 *   result stored as float into fout, or, when acc != NULL, accumulated as
 *   acc = (float)(acc + (double)(float)result * scale).
 * Returns 0, or -1 when out of memory. */
static int lr_pass(const radx_volume *vin, const float *fin, float *fout, float *acc, double scale, const int64_t n[3],
                   int ax, const lr_coef *k)
{
    const int64_t ln = n[ax];
    const int64_t st[3] = {1, n[0], n[0] * n[1]};
    /* the lines are grouped W at a time along axis bx (x, or y for passes along x); the
     * remaining axis ox enumerates the groups' planes */
    const int bx = ax == 0 ? 1 : 0, ox = 3 - ax - bx;
    const int64_t nb = n[bx], nblk = (nb + LR_W - 1) / LR_W, ntask = nblk * n[ox];
    int fail = 0;

#ifdef _OPENMP
#pragma omp parallel
#endif
    {
        double *x = (double *)malloc((size_t)(3 * ln * LR_W) * sizeof(double));
        int64_t t;
        if (!x) {
#ifdef _OPENMP
#pragma omp atomic write
#endif
            fail = 1;
        }
#ifdef _OPENMP
#pragma omp for schedule(static)
#endif
        for (t = 0; t < ntask; t++) {
            const int64_t o = t / nblk, b0 = (t % nblk) * LR_W;
            const int w = (int)(nb - b0 < LR_W ? nb - b0 : LR_W);
            const int64_t base = o * st[ox] + b0 * st[bx];
            double *y, *s;
            int64_t i;
            int j;
            if (!x) continue;
            y = x + ln * LR_W;
            s = y + ln * LR_W;
            /* gather */
            for (i = 0; i < ln; i++) {
                double *xi = x + i * w;
                const int64_t p = base + i * st[ax];
                if (fin) {
                    for (j = 0; j < w; j++) xi[j] = (double)fin[p + j * st[bx]];
                } else {
                    for (j = 0; j < w; j++) xi[j] = radx_volume_get(vin, p + j * st[bx]);
                }
            }
            lr_filter_block(k, x, y, s, ln, w);
            /* scatter */
            for (i = 0; i < ln; i++) {
                const double *yi = y + i * w;
                const int64_t p = base + i * st[ax];
                if (acc) {
                    for (j = 0; j < w; j++) {
                        float *a = acc + p + j * st[bx];
                        *a = (float)((double)*a + (double)(float)yi[j] * scale);
                    }
                } else {
                    for (j = 0; j < w; j++) fout[p + j * st[bx]] = (float)yi[j];
                }
            }
        }
        free(x);
    }
    return fail ? -1 : 0;
}

radx_status radx_log_filter_recursive(const radx_volume *in, double sigma_mm, const radx_log_opts *o, float *dst,
                                      radx_volume *out, radx_err *err)
{
    lr_coef c0[3], c2[3];
    int64_t n[3], nvox;
    int a, b, nf, ax_f[3], in_plane;
    float *cum = NULL, *t1 = NULL, *t2 = NULL;
    radx_status st = RADX_OK;

    if (out) memset(out, 0, sizeof *out);
    if (!in || !o || !out || !in->data) return radx_seterr(err, RADX_ERR_ARG, "LoG: NULL argument");
    if (!(sigma_mm > 0.0) || !isfinite(sigma_mm))
        return radx_seterr(err, RADX_ERR_PARAM, "LoG sigma %g mm: sigma must be greater than 0", sigma_mm);
    if (o->mode != RADX_LOG_PYRADIOMICS)
        return radx_seterr(err, RADX_ERR_PARAM, "LoG: the recursive method implements the PyRadiomics kernel only");
    for (a = 0; a < 3; a++) {
        if (in->g.size[a] < 1)
            return radx_seterr(err, RADX_ERR_ARG, "LoG: empty image (size %lld along axis %d)",
                               (long long)in->g.size[a], a);
        if (!(in->g.spacing[a] > 0.0) || !isfinite(in->g.spacing[a]))
            return radx_seterr(err, RADX_ERR_PARAM, "LoG: spacing %g along axis %d must be greater than 0",
                               in->g.spacing[a], a);
        n[a] = in->g.size[a];
    }
    in_plane = o->in_plane || in->g.ndim == 2;
    nf = in_plane ? 2 : 3;
    for (a = 0; a < nf; a++) {
        ax_f[a] = a;
        if (n[a] < 4) /* ITK's recursion needs 4 samples: radx_log_filter_into takes the FFT method */
            return radx_seterr(err, RADX_ERR_ARG, "LoG: the recursive method needs 4 voxels along axis %d", a);
        lr_setup(sigma_mm, in->g.spacing[a], 0, &c0[a]);
        lr_setup(sigma_mm, in->g.spacing[a], 2, &c2[a]);
    }
    nvox = n[0] * n[1] * n[2];
    cum = dst ? (float *)memset(dst, 0, (size_t)nvox * sizeof(float)) : (float *)calloc((size_t)nvox, sizeof(float));
    t1 = (float *)malloc((size_t)nvox * sizeof(float));
    t2 = nf == 3 ? (float *)malloc((size_t)nvox * sizeof(float)) : NULL;
    if (!cum || !t1 || (nf == 3 && !t2)) {
        st = radx_seterr(err, RADX_ERR_NOMEM, "LoG sigma %g mm: out of memory", sigma_mm);
        goto done;
    }
    for (a = 0; a < nf; a++) {
        /* ITK: derivative along a, then smoothing along the other axes in increasing order; the
         * sum uses 1 / spacing_a^2 */
        const double sp2 = in->g.spacing[a] * in->g.spacing[a];
        const double scale = 1.0 / sp2;
        int other[2], no = 0, r;
        for (b = 0; b < nf; b++)
            if (ax_f[b] != a) other[no++] = ax_f[b];
        if (no == 1) {
            r = lr_pass(in, NULL, t1, NULL, 0.0, n, a, &c2[a]);
            if (!r) r = lr_pass(NULL, t1, NULL, cum, scale, n, other[0], &c0[other[0]]);
        } else {
            r = lr_pass(in, NULL, t1, NULL, 0.0, n, a, &c2[a]);
            if (!r) r = lr_pass(NULL, t1, t2, NULL, 0.0, n, other[0], &c0[other[0]]);
            if (!r) r = lr_pass(NULL, t2, NULL, cum, scale, n, other[1], &c0[other[1]]);
        }
        if (r) {
            st = radx_seterr(err, RADX_ERR_NOMEM, "LoG sigma %g mm: out of memory", sigma_mm);
            goto done;
        }
    }
    out->g = in->g;
    out->dtype = RADX_DT_F32;
    out->data = cum;
    cum = NULL;
done:
    if (cum != dst) free(cum);
    free(t1);
    free(t2);
    return st;
}
