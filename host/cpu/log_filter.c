/* SPDX-License-Identifier: BSD-3-Clause */
/* Laplacian of Gaussian by FFT: radx_log_filter and radx_log_filter_ex (host/cpu/log_filter.h)
 * (log_filter.h).
 *
 * Method: on the CPU, RADX_LOG_PYRADIOMICS runs by default ITK's own recursive algorithm in space
 * (radx_log_opts.method = RADX_LOG_METHOD_RECURSIVE, host/cpu/log_recursive.c: O(N) per pass,
 * independent of sigma, SimpleITK's float32 output reproduced to its last bit in tests);
 * RADX_LOG_METHOD_FFT selects the FFT evaluation below, which is also what the CUDA filter runs.
 *
 * Both kernels are separable sums (kernels/rules/log_transfer.h), so the filter is one pointwise
 * multiplication in the frequency domain:
 *
 *   1. subtract a constant c (the image mean) so the float FFT works on a centred signal; the
 *      constant's response c T(0) is added back at the end (exact for every boundary mode that
 *      extends a constant by itself; zero padding does not, so there c = 0);
 *   2. extend the image by the boundary rule into a buffer of FFT-friendly size
 *      L >= n + 2 R per axis (R = the kernel's reach), the image sitting at offset R, so that the
 *      circular convolution never wraps into the output region;
 *   3. r2c FFT (host/cpu/fft.h), multiply by T(k) / (Lx Ly Lz), c2r FFT, crop.
 *
 * ---- RADX_LOG_PYRADIOMICS: SimpleITK's LaplacianRecursiveGaussianImageFilter ----
 * PyRadiomics 3.0.1 (imageoperations.getLoGImage) runs LaplacianRecursiveGaussianImageFilter
 * with NormalizeAcrossScale on, sigma in mm.  ITK computes, per axis a, the recursive (IIR)
 * second derivative along a followed by recursive smoothing along the other axes, scales it by
 * 1/spacing_a^2 and sums over a.  Each 1-D pass (RecursiveSeparableImageFilter::FilterDataArray)
 * initialises its causal pass as if the first sample extended to minus infinity and its
 * anticausal pass as if the last sample extended to plus infinity (the m_BN / m_BM boundary
 * coefficients are exactly the steady-state response to a constant).  Each pass is therefore
 * exactly "extend the line with its border value forever, then apply the two-sided infinite IIR
 * filter"; as the extension along one axis commutes with filtering along another, the whole
 * Laplacian equals the separable infinite IIR filter applied to the image extended by nearest
 * neighbour in all directions.  radx evaluates the IIR filters' exact frequency responses
 * (rational functions of e^{iw}, kernels/rules/log_transfer.h) on the DFT grid and pads with the
 * border value by P = ceil(ln(1e7) / rate) + 4 voxels per side, where exp(-rate) is the
 * slowest pole of the filter (rate = 1.3732 spacing / sigma): the part of the infinite
 * replicated extension that the buffer cuts off weighs < 1e-7 of the response
 * (P ~ 11.7 sigma/spacing + 4).
 * Measured against SimpleITK 2.5.7 (tests/test_log.c, tests/gen/log_ref.py): the same algorithm
 * in double precision (numpy) matches SimpleITK's float32 output to 6e-8 of the response range,
 * i.e. SimpleITK's own float rounding (ITK keeps its intermediate images in float); padding with
 * 6 / 8 / 10 sigma instead gives 1.6e-4 / 3.3e-6 / 5.5e-7 of the range near the borders.  With
 * the float FFT radx is within 1.5e-7 of the range of SimpleITK's output on brain1 / breast1
 * (sigma 1.5, 3, 5 mm; whole images, a padDistance-10 crop, a 2-D slice), and within 3.1e-7 of
 * the largest |response| inside the ROIs (tests/test_log.c prints the numbers).
 * Cost: the padded FFT grid grows with sigma/spacing (P ~ 11.7 sigma/spacing per side), so large
 * sigmas on fine grids cost more than ITK's O(N) recursion; grids above LOG_MAX_BUFFER complex
 * values fail with RADX_ERR_NOMEM.
 * Non-finite input voxels make the whole output non-finite (ITK's recursion also spreads them
 * along every line through them).
 *
 * ---- RADX_LOG_IBSI: IBSI-2's Gaussian LoG ----
 * IBSI-2 (reference manual arXiv:2006.05470, LoG filter) samples the continuous LoG at the voxel
 * centres with sigma in voxels (sigma_mm / spacing), normalisation 1/(sigma sqrt(2 pi))^D, no
 * sigma^2 scale normalisation, truncated to M = 1 + 2 floor(4 sigma + 0.5) voxels per axis;
 * per axis that is the separable sum of sampled 1-D Gaussians and second derivatives in voxel
 * units (for isotropic grids, which IBSI-2 requires, exactly the IBSI kernel; for anisotropic
 * grids it is scipy.ndimage.gaussian_laplace(sigma = sigma_mm / spacing) semantics).  The
 * reference response maps confirm voxel units (2.a: impulse 255 at 2 mm spacing, sigma 3 mm,
 * gives -6.3965 at the centre = 255 * -3 / (1.5^2 (1.5 sqrt(2 pi))^3)).
 * Boundary: a parameter (zero / nearest / mirror / periodic); the IBSI-2 tests use zero (2.a)
 * and mirror (2.b, 2.c).  radx_log_filter uses mirror padding with 4 sigma truncation, IBSI-2's
 * setting for LoG in radiomics (phase 2 configurations 3.A / 3.B, LoG features of the lung CT:
 * sigma 1.5 mm, 4 sigma, mirror padding; IBSI-2 uses mirror padding for all its phase 2 filters).
 *
 * Threads: OpenMP over rows; the mean is summed per z slice and then in slice order, so the
 * result does not depend on the thread count.
 *
 * CUDA: kernels/cuda/log_filter.cu runs the same steps on the device with cuFFT; the set-up
 * (radx_log_setup_init: checks, FFT sizes, per-axis tables) is this file's, and every per-sample
 * step (padding index, centring, spectrum multiplication, output) is a kernels/rules/log_transfer.h
 * function both loops call. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/volume.h"
#include "params/params.h"
#include "cpu/log_filter.h"
#include "cpu/fft.h"
#include "cpu/log_filter.h"
#include "rules/log_transfer.h"

/* ITK kernel: padding covers the IIR response down to LOG_ITK_TAIL (relative). */
#define LOG_ITK_TAIL      1e-7
#define LOG_ITK_EXTRA_PAD 4
/* Largest FFT buffer (complex elements) radx_log_filter allocates: 2^29 * 8 bytes = 4 GiB. */
#define LOG_MAX_BUFFER    ((int64_t)1 << 29)

void radx_log_opts_default(radx_log_opts *o, radx_log_mode mode)
{
    memset(o, 0, sizeof *o);
    o->mode = mode;
    o->boundary = mode == RADX_LOG_IBSI ? RADX_LOG_BC_MIRROR : RADX_LOG_BC_NEAREST;
    o->in_plane = 0;
    o->truncate = 4.0;
    o->method = RADX_LOG_METHOD_RECURSIVE;
}

void radx_log_setup_free(radx_log_setup *s)
{
    int a;
    if (!s) return;
    for (a = 0; a < 3; a++) {
        free(s->ax[a].g);
        free(s->ax[a].d);
        free(s->ax[a].map);
        s->ax[a].g = s->ax[a].d = NULL;
        s->ax[a].map = NULL;
    }
}

radx_status radx_log_setup_init(const radx_volume *in, double sigma_mm, const radx_log_opts *o, radx_log_setup *s,
                                radx_err *err)
{
    radx_itk_iir c0, c2;
    radx_status st;
    radx_log_boundary bc;
    int a, in_plane;

    if (s) memset(s, 0, sizeof *s);
    if (!in || !s || !o || !in->data) return radx_seterr(err, RADX_ERR_ARG, "LoG: NULL argument");
    if (!(sigma_mm > 0.0) || !isfinite(sigma_mm))
        return radx_seterr(err, RADX_ERR_PARAM, "LoG sigma %g mm: sigma must be greater than 0", sigma_mm);
    if (o->mode != RADX_LOG_PYRADIOMICS && o->mode != RADX_LOG_IBSI)
        return radx_seterr(err, RADX_ERR_PARAM, "LoG: unknown kernel %d", (int)o->mode);
    if (o->mode == RADX_LOG_IBSI && (!(o->truncate > 0.0) || !isfinite(o->truncate)))
        return radx_seterr(err, RADX_ERR_PARAM, "LoG: truncate %g must be greater than 0", o->truncate);
    for (a = 0; a < 3; a++) {
        if (in->g.size[a] < 1)
            return radx_seterr(err, RADX_ERR_ARG, "LoG: empty image (size %lld along axis %d)",
                               (long long)in->g.size[a], a);
        if (!(in->g.spacing[a] > 0.0) || !isfinite(in->g.spacing[a]))
            return radx_seterr(err, RADX_ERR_PARAM, "LoG: spacing %g along axis %d must be greater than 0",
                               in->g.spacing[a], a);
    }
    in_plane = o->in_plane || in->g.ndim == 2;
    bc = o->mode == RADX_LOG_PYRADIOMICS ? RADX_LOG_BC_NEAREST : o->boundary;
    if (bc != RADX_LOG_BC_ZERO && bc != RADX_LOG_BC_NEAREST && bc != RADX_LOG_BC_MIRROR && bc != RADX_LOG_BC_PERIODIC)
        return radx_seterr(err, RADX_ERR_PARAM, "LoG: unknown boundary mode %d", (int)bc);
    s->bc = bc;
    s->nvox = radx_geom_nvox(&in->g);

    /* ---- geometry and per-axis transfer tables ---- */
    st = RADX_OK;
    for (a = 0; a < 3 && st == RADX_OK; a++) {
        radx_log_axis *A = &s->ax[a];
        const double sp = in->g.spacing[a];
        int64_t reach = 0, k;
        A->n = in->g.size[a];
        A->filtered = !(a == 2 && in_plane);
        if (A->filtered) {
            if (o->mode == RADX_LOG_PYRADIOMICS) {
                reach =
                    (int64_t)ceil(log(1.0 / LOG_ITK_TAIL) / radx_itk_iir_decay_rate(sigma_mm, sp)) + LOG_ITK_EXTRA_PAD;
            } else {
                const double r = floor(o->truncate * sigma_mm / sp + 0.5);
                if (r > 1e9) {
                    st = radx_seterr(err, RADX_ERR_PARAM, "LoG sigma %g mm: kernel radius too large", sigma_mm);
                    break;
                }
                reach = (int64_t)r;
            }
        }
        if (reach > ((int64_t)1 << 29) || A->n > ((int64_t)1 << 29)) {
            st = radx_seterr(err, RADX_ERR_NOMEM, "LoG sigma %g mm: FFT size along axis %d too large", sigma_mm, a);
            break;
        }
        A->off = reach;
        A->L = radx_fft_good_size(A->n + 2 * reach, a == 0);
        if (A->L == 0) {
            st = radx_seterr(err, RADX_ERR_NOMEM, "LoG sigma %g mm: FFT size along axis %d too large", sigma_mm, a);
            break;
        }
        A->g = (double *)malloc((size_t)A->L * sizeof(double));
        A->d = (double *)malloc((size_t)A->L * sizeof(double));
        A->map = (int64_t *)malloc((size_t)A->L * sizeof(int64_t));
        if (!A->g || !A->d || !A->map) {
            st = radx_seterr(err, RADX_ERR_NOMEM, "LoG: out of memory");
            break;
        }
        for (k = 0; k < A->L; k++) A->map[k] = radx_log_ext(k - A->off, A->n, A->filtered ? bc : RADX_LOG_BC_NEAREST);
        if (!A->filtered) {
            for (k = 0; k < A->L; k++) {
                A->g[k] = 1.0;
                A->d[k] = 0.0;
            }
        } else if (o->mode == RADX_LOG_PYRADIOMICS) {
            radx_itk_iir_setup(sigma_mm, sp, 0, 1, &c0);
            radx_itk_iir_setup(sigma_mm, sp, 2, 1, &c2);
            for (k = 0; k < A->L; k++) {
                const double w = 2.0 * RADX_PI * (double)k / (double)A->L;
                A->g[k] = radx_log_itk_response(&c0, w);
                A->d[k] = radx_log_itk_response(&c2, w) / (sp * sp); /* ITK's 1/spacing^2 */
            }
        } else {
            const double sv = sigma_mm / sp;
            for (k = 0; k < A->L; k++) {
                const double w = 2.0 * RADX_PI * (double)k / (double)A->L;
                A->g[k] = radx_log_ibsi_response(sv, (int)reach, 0, w);
                A->d[k] = radx_log_ibsi_response(sv, (int)reach, 2, w);
            }
        }
    }
    if (st != RADX_OK) return st;

    s->nh = s->ax[0].L / 2 + 1;
    if (s->nh > LOG_MAX_BUFFER / s->ax[1].L || s->nh * s->ax[1].L > LOG_MAX_BUFFER / s->ax[2].L)
        return radx_seterr(err, RADX_ERR_NOMEM, "LoG sigma %g mm: FFT buffer %lldx%lldx%lld exceeds the memory limit",
                           sigma_mm, (long long)s->ax[0].L, (long long)s->ax[1].L, (long long)s->ax[2].L);
    s->nbuf = s->nh * s->ax[1].L * s->ax[2].L;
    s->scale = 1.0 / ((double)s->ax[0].L * (double)s->ax[1].L * (double)s->ax[2].L);
    s->t0 = radx_log_transfer_sample(s->ax[0].g[0], s->ax[0].d[0], s->ax[1].g[0], s->ax[1].d[0], s->ax[2].g[0],
                                     s->ax[2].d[0]);
    return RADX_OK;
}

double radx_log_centring(const radx_volume *in, const radx_log_setup *S, double *zsum)
{
    const radx_log_axis *ax = S->ax;
    const int64_t nslice = ax[0].n * ax[1].n;
    double sum = 0.0;
    int64_t z;
    if (S->bc == RADX_LOG_BC_ZERO) return 0.0;
#ifdef _OPENMP
#pragma omp parallel for schedule(static)
#endif
    for (z = 0; z < ax[2].n; z++) {
        double s = 0.0;
        int64_t i;
        for (i = 0; i < nslice; i++) s += radx_volume_get(in, z * nslice + i);
        zsum[z] = s;
    }
    for (z = 0; z < ax[2].n; z++) sum += zsum[z];
    return radx_log_centre(sum, S->nvox);
}

radx_status radx_log_filter_ex(const radx_volume *in, double sigma_mm, const radx_log_opts *o, radx_volume *out,
                               radx_err *err)
{
    return radx_log_filter_into(in, sigma_mm, o, NULL, out, err);
}

/* ITK's recursion needs 4 samples along every filtered axis; smaller images take the FFT method. */
static int recursion_fits(const radx_volume *in, const radx_log_opts *o)
{
    const int nf = o->in_plane || in->g.ndim == 2 ? 2 : 3;
    for (int a = 0; a < nf; a++)
        if (in->g.size[a] < 4) return 0;
    return 1;
}

radx_status radx_log_filter_into(const radx_volume *in, double sigma_mm, const radx_log_opts *o, float *dst,
                                 radx_volume *out, radx_err *err)
{
    radx_log_setup S;
    const radx_log_axis *ax = S.ax;
    radx_fft_plan *plan = NULL;
    radx_fft_cpx *buf = NULL;
    float *res = NULL;
    double *zsum = NULL;
    radx_status st;
    int64_t nvox, nh, z;
    double cval = 0.0;

    if (out) memset(out, 0, sizeof *out);
    if (!out) return radx_seterr(err, RADX_ERR_ARG, "LoG: NULL argument");
    if (o && o->mode == RADX_LOG_PYRADIOMICS && o->method == RADX_LOG_METHOD_RECURSIVE && in && recursion_fits(in, o))
        return radx_log_filter_recursive(in, sigma_mm, o, dst, out, err); /* host/cpu/log_recursive.c */
    st = radx_log_setup_init(in, sigma_mm, o, &S, err);
    if (st != RADX_OK) goto done;
    nvox = S.nvox;
    nh = S.nh;
    {
        const int64_t L3[3] = {ax[0].L, ax[1].L, ax[2].L};
        st = radx_fft_plan_3d(L3, &plan, err);
        if (st != RADX_OK) goto done;
    }
    buf = (radx_fft_cpx *)malloc((size_t)S.nbuf * sizeof(radx_fft_cpx));
    res = dst ? dst : (float *)malloc((size_t)nvox * sizeof(float));
    zsum = (double *)calloc((size_t)ax[2].n, sizeof(double));
    if (!buf || !res || !zsum) {
        st = radx_seterr(err, RADX_ERR_NOMEM, "LoG sigma %g mm: out of memory for a %lldx%lldx%lld FFT", sigma_mm,
                         (long long)ax[0].L, (long long)ax[1].L, (long long)ax[2].L);
        goto done;
    }

    /* ---- 1. centring constant ---- */
    cval = radx_log_centring(in, &S, zsum);
    /* centred image as float (res doubles as this scratch until step 3) */
#ifdef _OPENMP
#pragma omp parallel for schedule(static)
#endif
    for (z = 0; z < nvox; z++) res[z] = radx_log_centred(radx_volume_get(in, z), cval);

    /* ---- 2. extend into the FFT buffer (rows padded to 2 nh floats) ---- */
    {
        const int64_t Ly = ax[1].L, Lz = ax[2].L, Lx = ax[0].L, rows = Ly * Lz;
        int64_t r;
#ifdef _OPENMP
#pragma omp parallel for schedule(static)
#endif
        for (r = 0; r < rows; r++) {
            const int64_t py = r % Ly, pz = r / Ly;
            const int64_t sy = ax[1].map[py], sz = ax[2].map[pz];
            float *row = (float *)(buf + r * nh);
            int64_t px;
            if (sy < 0 || sz < 0) {
                memset(row, 0, (size_t)(2 * nh) * sizeof(float));
                continue;
            }
            {
                const float *src = res + ax[0].n * (sy + ax[1].n * sz);
                for (px = 0; px < Lx; px++) {
                    const int64_t sx = ax[0].map[px];
                    row[px] = sx < 0 ? 0.0f : src[sx];
                }
                row[Lx] = row[Lx + 1] = 0.0f;
            }
        }
    }

    /* ---- 3. FFT, multiply, inverse FFT ---- */
    st = radx_fft_r2c(plan, buf, err);
    if (st != RADX_OK) goto done;
    {
        const int64_t Ly = ax[1].L, rows = ax[1].L * ax[2].L;
        int64_t r;
#ifdef _OPENMP
#pragma omp parallel for schedule(static)
#endif
        for (r = 0; r < rows; r++) {
            const int64_t ky = r % Ly, kz = r / Ly;
            const double gy = ax[1].g[ky], dy = ax[1].d[ky], gz = ax[2].g[kz], dz = ax[2].d[kz];
            radx_fft_cpx *row = buf + r * nh;
            int64_t kx;
            for (kx = 0; kx < nh; kx++)
                radx_log_apply(&row[kx].re, &row[kx].im, ax[0].g[kx], ax[0].d[kx], gy, dy, gz, dz, S.scale);
        }
    }
    st = radx_fft_c2r(plan, buf, err);
    if (st != RADX_OK) goto done;

    /* ---- crop, add the constant's response ---- */
    {
        const double add = cval * S.t0;
        const int64_t rows = ax[1].n * ax[2].n;
        int64_t r;
#ifdef _OPENMP
#pragma omp parallel for schedule(static)
#endif
        for (r = 0; r < rows; r++) {
            const int64_t y = r % ax[1].n, zz = r / ax[1].n;
            const float *row = (const float *)(buf + ((zz + ax[2].off) * ax[1].L + y + ax[1].off) * nh) + ax[0].off;
            float *dst = res + r * ax[0].n;
            int64_t x;
            for (x = 0; x < ax[0].n; x++) dst[x] = radx_log_output(row[x], add);
        }
    }

    out->g = in->g;
    out->dtype = RADX_DT_F32;
    out->data = res;
    res = NULL;
    st = RADX_OK;

done:
    radx_log_setup_free(&S);
    radx_fft_destroy(plan);
    free(buf);
    if (res != dst) free(res);
    free(zsum);
    return st;
}

radx_status radx_log_prepare_spec(const radx_volume *in, double sigma_mm, const radx_log_spec *spec, radx_log_opts *o,
                                  radx_err *err)
{
    radx_status st = radx_log_prepare(in, sigma_mm, spec->mode, o, err);
    if (st || spec->mode != RADX_LOG_IBSI) return st;
    o->boundary = (radx_log_boundary)spec->boundary;
    o->in_plane = spec->in_plane;
    return RADX_OK;
}

radx_status radx_log_prepare(const radx_volume *in, double sigma_mm, radx_log_mode mode, radx_log_opts *o,
                             radx_err *err)
{
    char dims[96];
    int nd, a, small = 0, toosmall = 0;

    if (!in || !o || !in->data) return radx_seterr(err, RADX_ERR_ARG, "LoG: NULL argument");
    if (!(sigma_mm > 0.0) || !isfinite(sigma_mm))
        return radx_seterr(err, RADX_ERR_PARAM, "LoG sigma %g mm: sigma must be greater than 0", sigma_mm);
    /* PyRadiomics' getLoGImage checks, on the image's own dimensions (2 for a 2-D image) */
    nd = in->g.ndim == 2 ? 2 : 3;
    if (nd == 2)
        snprintf(dims, sizeof dims, "%lldx%lld", (long long)in->g.size[0], (long long)in->g.size[1]);
    else
        snprintf(dims, sizeof dims, "%lldx%lldx%lld", (long long)in->g.size[0], (long long)in->g.size[1],
                 (long long)in->g.size[2]);
    for (a = 0; a < nd; a++) {
        if (in->g.size[a] < 4) small = 1;
        if (in->g.spacing[a] > 0.0 && (double)in->g.size[a] < ceil(sigma_mm / in->g.spacing[a]) + 1.0) toosmall = 1;
    }
    if (small)
        return radx_seterr(err, RADX_ERR_PARAM,
                           "LoG sigma %g mm: image %s voxels too small (PyRadiomics requires at least 4 "
                           "voxels on every axis)",
                           sigma_mm, dims);
    if (toosmall)
        return radx_seterr(err, RADX_ERR_PARAM,
                           "LoG sigma %g mm: image %s voxels too small (PyRadiomics requires size >= "
                           "ceil(sigma/spacing)+1 on every axis)",
                           sigma_mm, dims);
    if (mode != RADX_LOG_PYRADIOMICS && mode != RADX_LOG_IBSI)
        return radx_seterr(err, RADX_ERR_PARAM, "LoG: unknown kernel %d", (int)mode);
    radx_log_opts_default(o, mode);
    return RADX_OK;
}

radx_status radx_log_filter(const radx_volume *in, double sigma_mm, radx_log_mode mode, radx_volume *out, radx_err *err)
{
    radx_log_opts o;
    radx_status st;

    if (out) memset(out, 0, sizeof *out);
    if (!out) return radx_seterr(err, RADX_ERR_ARG, "LoG: NULL argument");
    st = radx_log_prepare(in, sigma_mm, mode, &o, err);
    if (st != RADX_OK) return st;
    return radx_log_filter_ex(in, sigma_mm, &o, out, err);
}
