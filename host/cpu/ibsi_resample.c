/* SPDX-License-Identifier: BSD-3-Clause */
/* IBSI-style resampling, mask partial-volume thresholding, rounding and re-segmentation
 * (cpu/ibsi_resample.h; per-voxel rules in kernels/rules/ibsi_interp.h).
 *
 * Definitions (IBSI-1 reference manual arXiv:1612.07003, "Interpolation" and "Notes on
 * interpolation"; the same processing that IBSI-2 phase 2, arXiv:2006.05470, prescribes and that
 * MIRP, the IBSI authors' implementation, runs in mirp/_images/generic_image.py _interpolate):
 *   - grid size per axis m = ceil(n s_in / s_out); grid step g = s_out / s_in input voxels;
 *   - grid centres aligned: output voxel k sits at input index 0.5 (n-1) - 0.5 (m-1) g + k g;
 *   - the image is extended by its nearest boundary value (IBSI-1: "padded with voxels that take
 *     on the nearest boundary intensity"; scipy map_coordinates mode='nearest' in MIRP);
 *   - cubic B-spline ("tricubic spline"): the interpolating cubic B-spline.  Coefficients come
 *     from the usual two-pass recursive prefilter (pole sqrt(3)-2, gain 6) run on each line
 *     extended by 12 nearest-value voxels per side with mirror boundary conditions, which is
 *     what scipy.ndimage does for mode='nearest' (it pre-pads by 12 with 'edge');
 *   - the mask (1 inside the ROI, 0 outside) is interpolated likewise (IBSI: trilinear) and a
 *     voxel belongs to the ROI when the interpolated value, rounded to 6 decimals, is >= the
 *     partial-volume threshold (0.5);
 *   - CT intensities are rounded to integers after interpolation (half to even, numpy.round);
 *   - re-segmentation keeps ROI voxels whose (interpolated, rounded) intensity lies in [lo, hi].
 * The tensor-product interpolators are applied as one 1-D pass per resampled axis (x, y, z),
 * mathematically identical to the 3-D interpolation.
 *
 * Threads: OpenMP over lines; every output value is computed by one thread from the same inputs
 * in the same order, so results do not depend on the thread count. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/volume.h"
#include "cpu/resample.h"
#include "cpu/ibsi_resample.h"
#include "rules/ibsi_interp.h"

/* Nearest-value padding of each line before the B-spline prefilter (scipy's npad). */
#define IBSI_BSPLINE_PAD 12

void radx_ibsi_resample_opts_default(radx_ibsi_resample_opts *o)
{
    memset(o, 0, sizeof *o);
    o->spacing[0] = o->spacing[1] = o->spacing[2] = 1.0;
    o->image_interp = RADX_IBSI_INTERP_BSPLINE3;
    o->mask_interp = RADX_IBSI_INTERP_LINEAR;
    o->mask_threshold = 0.5;
    o->round_intensities = 1;
}

/* 1 when axis a is resampled under spacing[] (a positive spacing that differs from the input). */
static int axis_resampled(const radx_geom *g, const double spacing[3], int a)
{
    const double s = spacing[a];
    if (!(s > 0.0)) return 0;
    return fabs(s - g->spacing[a]) > 1e-9 * g->spacing[a];
}

radx_status radx_ibsi_grid(const radx_geom *g, const double spacing[3], radx_geom *out, radx_err *err)
{
    int a, r;
    double first[3];
    if (!g || !spacing || !out) return radx_seterr(err, RADX_ERR_ARG, "IBSI grid: NULL argument");
    *out = *g;
    for (a = 0; a < 3; a++) {
        if (g->size[a] < 1 || !(g->spacing[a] > 0.0) || !isfinite(g->spacing[a]))
            return radx_seterr(err, RADX_ERR_ARG, "IBSI grid: invalid input size/spacing along axis %d", a);
        if (isnan(spacing[a]) || isinf(spacing[a]))
            return radx_seterr(err, RADX_ERR_PARAM, "IBSI resampling: spacing %g along axis %d is not finite",
                               spacing[a], a);
        first[a] = 0.0;
        if (!axis_resampled(g, spacing, a)) continue;
        if (spacing[a] < 1e-6 * g->spacing[a])
            return radx_seterr(err, RADX_ERR_PARAM, "IBSI resampling: spacing %g mm along axis %d is too small",
                               spacing[a], a);
        out->size[a] = radx_ibsi_grid_size(g->size[a], g->spacing[a], spacing[a]);
        out->spacing[a] = spacing[a];
        first[a] = radx_ibsi_grid_first(g->size[a], out->size[a], spacing[a] / g->spacing[a]);
    }
    if ((double)out->size[0] * (double)out->size[1] * (double)out->size[2] > (double)RADX_MAX_RESAMPLED_VOXELS)
        return radx_seterr(err, RADX_ERR_NOMEM, "IBSI resampling: grid %lldx%lldx%lld exceeds the %lld-voxel limit",
                           (long long)out->size[0], (long long)out->size[1], (long long)out->size[2],
                           (long long)RADX_MAX_RESAMPLED_VOXELS);
    for (r = 0; r < 3; r++) {
        double s = g->origin[r];
        for (a = 0; a < 3; a++) s += g->direction[3 * r + a] * g->spacing[a] * first[a];
        out->origin[r] = s;
    }
    return RADX_OK;
}

/* Cubic B-spline coefficients of s[0..N-1] in place, mirror boundary conditions. */
static void bspline3_prefilter(double *s, int64_t N)
{
    const double z = RADX_IBSI_BSPLINE3_POLE;
    int64_t k;
    if (N < 2) return;
    for (k = 0; k < N; k++) s[k] *= 6.0;
    /* causal initialisation c+[0] = sum_k z^k s[k] over the mirrored signal */
    {
        const int64_t horizon = 40; /* |z|^40 < 1e-22 */
        double sum = 0.0, zk = 1.0;
        if (N > horizon) {
            for (k = 0; k < horizon; k++) {
                sum += zk * s[k];
                zk *= z;
            }
        } else {
            const int64_t p = 2 * (N - 1);
            double zp = 1.0;
            for (k = 0; k < p; k++) {
                sum += zk * s[radx_ibsi_mirror(k, N)];
                zk *= z;
            }
            for (k = 0; k < p; k++) zp *= z;
            sum /= 1.0 - zp;
        }
        s[0] = sum;
    }
    for (k = 1; k < N; k++) s[k] += z * s[k - 1];
    /* anticausal initialisation (mirror) */
    s[N - 1] = z / (z * z - 1.0) * (s[N - 1] + z * s[N - 2]);
    for (k = N - 2; k >= 0; k--) s[k] = z * (s[k + 1] - s[k]);
}

/* One 1-D resampling pass along `axis` of src (dims d) into dst (dims d with d[axis] = m). */
static radx_status resample_axis(const double *src, const int64_t d[3], int axis, int64_t m, double first, double g,
                                 radx_ibsi_interp it, double *dst, radx_err *err)
{
    const int64_t n = d[axis];
    const int64_t stride_in = axis == 0 ? 1 : (axis == 1 ? d[0] : d[0] * d[1]);
    int64_t dd[3] = {d[0], d[1], d[2]};
    int64_t nlines, stride_out, line;
    int fail = 0;
    dd[axis] = m;
    stride_out = axis == 0 ? 1 : (axis == 1 ? dd[0] : dd[0] * dd[1]);
    nlines = d[0] * d[1] * d[2] / n;

#ifdef _OPENMP
#pragma omp parallel reduction(| : fail)
#endif
    {
        const int64_t N = n + 2 * IBSI_BSPLINE_PAD;
        double *buf = NULL;
        if (it == RADX_IBSI_INTERP_BSPLINE3) {
            buf = (double *)malloc((size_t)N * sizeof(double));
            if (!buf) fail = 1;
        }
#ifdef _OPENMP
#pragma omp for schedule(static)
#endif
        for (line = 0; line < nlines; line++) {
            /* line -> base offsets: the two other indices, lower axis fastest */
            int64_t o[3] = {0, 0, 0}, rest = line, base_in, base_out, k;
            int b;
            if (fail) continue;
            for (b = 0; b < 3; b++) {
                if (b == axis) continue;
                o[b] = rest % d[b];
                rest /= d[b];
            }
            base_in = o[0] + d[0] * (o[1] + d[1] * o[2]);
            base_out = o[0] + dd[0] * (o[1] + dd[1] * o[2]);
            if (it == RADX_IBSI_INTERP_BSPLINE3) {
                for (k = 0; k < N; k++) buf[k] = src[base_in + stride_in * radx_ibsi_clamp(k - IBSI_BSPLINE_PAD, n)];
                bspline3_prefilter(buf, N);
                for (k = 0; k < m; k++) {
                    const double x = radx_ibsi_grid_pos(first, g, k) + IBSI_BSPLINE_PAD;
                    const double f = floor(x);
                    const int64_t i = (int64_t)f;
                    double w[4], v = 0.0;
                    int q;
                    radx_ibsi_bspline3_weights(x - f, w);
                    for (q = 0; q < 4; q++) v += w[q] * buf[radx_ibsi_mirror(i - 1 + q, N)];
                    dst[base_out + stride_out * k] = v;
                }
            } else if (it == RADX_IBSI_INTERP_LINEAR) {
                for (k = 0; k < m; k++) {
                    int64_t i0, i1;
                    double w;
                    radx_ibsi_linear(radx_ibsi_grid_pos(first, g, k), n, &i0, &i1, &w);
                    dst[base_out + stride_out * k] =
                        (1.0 - w) * src[base_in + stride_in * i0] + w * src[base_in + stride_in * i1];
                }
            } else {
                for (k = 0; k < m; k++)
                    dst[base_out + stride_out * k] =
                        src[base_in + stride_in * radx_ibsi_nearest(radx_ibsi_grid_pos(first, g, k), n)];
            }
        }
        free(buf);
    }
    if (fail) return radx_seterr(err, RADX_ERR_NOMEM, "IBSI resampling: out of memory for a line buffer");
    return RADX_OK;
}

/* Resamples the double volume *vol (geometry gin) onto gout, axis by axis; *vol is replaced. */
static radx_status resample_volume(double **vol, const radx_geom *gin, const radx_geom *gout, const double spacing[3],
                                   radx_ibsi_interp it, radx_err *err)
{
    int64_t d[3] = {gin->size[0], gin->size[1], gin->size[2]};
    int a;
    for (a = 0; a < 3; a++) {
        double *next;
        int64_t nd[3] = {d[0], d[1], d[2]};
        double g, first;
        radx_status st;
        if (!axis_resampled(gin, spacing, a)) continue;
        nd[a] = gout->size[a];
        next = (double *)malloc((size_t)(nd[0] * nd[1] * nd[2]) * sizeof(double));
        if (!next)
            return radx_seterr(err, RADX_ERR_NOMEM, "IBSI resampling: out of memory for %lldx%lldx%lld voxels",
                               (long long)nd[0], (long long)nd[1], (long long)nd[2]);
        g = spacing[a] / gin->spacing[a];
        first = radx_ibsi_grid_first(d[a], nd[a], g);
        st = resample_axis(*vol, d, a, nd[a], first, g, it, next, err);
        if (st != RADX_OK) {
            free(next);
            return st;
        }
        free(*vol);
        *vol = next;
        d[a] = nd[a];
    }
    return RADX_OK;
}

static int geom_close(const radx_geom *a, const radx_geom *b)
{
    int i;
    for (i = 0; i < 3; i++) {
        if (a->size[i] != b->size[i]) return 0;
        if (fabs(a->spacing[i] - b->spacing[i]) > 1e-4) return 0;
        if (fabs(a->origin[i] - b->origin[i]) > 1e-4) return 0;
    }
    for (i = 0; i < 9; i++)
        if (fabs(a->direction[i] - b->direction[i]) > 1e-6) return 0;
    return 1;
}

radx_status radx_ibsi_resample(const radx_volume *img, const radx_volume *mask, uint32_t label,
                               const radx_ibsi_resample_opts *opts, radx_volume *img_out, radx_volume *mask_out,
                               radx_err *err)
{
    radx_geom gout;
    radx_status st;
    double *iv = NULL, *mv = NULL;
    uint8_t *mo = NULL;
    int64_t n, nout, i;

    if (img_out) memset(img_out, 0, sizeof *img_out);
    if (mask_out) memset(mask_out, 0, sizeof *mask_out);
    if (!img || !mask || !opts || !img_out || !mask_out || !img->data || !mask->data)
        return radx_seterr(err, RADX_ERR_ARG, "IBSI resampling: NULL argument");
    if (opts->image_interp < RADX_IBSI_INTERP_NEAREST || opts->image_interp > RADX_IBSI_INTERP_BSPLINE3 ||
        opts->mask_interp < RADX_IBSI_INTERP_NEAREST || opts->mask_interp > RADX_IBSI_INTERP_BSPLINE3)
        return radx_seterr(err, RADX_ERR_PARAM, "IBSI resampling: unknown interpolator");
    if (!(opts->mask_threshold > 0.0 && opts->mask_threshold <= 1.0))
        return radx_seterr(err, RADX_ERR_PARAM, "IBSI resampling: mask threshold %g outside (0, 1]",
                           opts->mask_threshold);
    if (!geom_close(&img->g, &mask->g))
        return radx_seterr(err, RADX_ERR_GEOMETRY, "IBSI resampling: image and mask grids differ");
    st = radx_ibsi_grid(&img->g, opts->spacing, &gout, err);
    if (st != RADX_OK) return st;

    n = radx_geom_nvox(&img->g);
    nout = radx_geom_nvox(&gout);
    iv = (double *)malloc((size_t)n * sizeof(double));
    mv = (double *)malloc((size_t)n * sizeof(double));
    if (!iv || !mv) {
        st = radx_seterr(err, RADX_ERR_NOMEM, "IBSI resampling: out of memory for %lld voxels", (long long)n);
        goto fail;
    }
    for (i = 0; i < n; i++) {
        iv[i] = radx_volume_get(img, i);
        mv[i] = radx_volume_get(mask, i) == (double)label ? 1.0 : 0.0;
    }
    st = resample_volume(&iv, &img->g, &gout, opts->spacing, opts->image_interp, err);
    if (st != RADX_OK) goto fail;
    st = resample_volume(&mv, &img->g, &gout, opts->spacing, opts->mask_interp, err);
    if (st != RADX_OK) goto fail;

    mo = (uint8_t *)malloc((size_t)nout);
    if (!mo) {
        st = radx_seterr(err, RADX_ERR_NOMEM, "IBSI resampling: out of memory for %lld voxels", (long long)nout);
        goto fail;
    }
    for (i = 0; i < nout; i++) {
        if (opts->round_intensities) iv[i] = radx_ibsi_round(iv[i]);
        mo[i] = (uint8_t)radx_ibsi_mask_keep(mv[i], opts->mask_threshold);
    }
    free(mv);
    img_out->g = gout;
    img_out->dtype = RADX_DT_F64;
    img_out->data = iv;
    mask_out->g = gout;
    mask_out->dtype = RADX_DT_U8;
    mask_out->data = mo;
    return RADX_OK;

fail:
    free(iv);
    free(mv);
    free(mo);
    return st;
}

int64_t radx_ibsi_resegment(const radx_volume *img, uint8_t *roi, double lo, double hi)
{
    int64_t n, i, kept = 0;
    if (!img || !img->data || !roi) return -1;
    n = radx_geom_nvox(&img->g);
    for (i = 0; i < n; i++) {
        if (!roi[i]) continue;
        if (radx_ibsi_in_range(radx_volume_get(img, i), lo, hi))
            kept++;
        else
            roi[i] = 0;
    }
    return kept;
}

radx_status radx_ibsi_gather(const radx_volume *img, const uint8_t *roi, double **x, int64_t *n, radx_err *err)
{
    int64_t nv, i, c = 0;
    double *v;
    if (x) *x = NULL;
    if (n) *n = 0;
    if (!img || !img->data || !roi || !x || !n) return radx_seterr(err, RADX_ERR_ARG, "IBSI gather: NULL argument");
    nv = radx_geom_nvox(&img->g);
    for (i = 0; i < nv; i++) c += roi[i] != 0;
    if (c == 0) return radx_seterr(err, RADX_ERR_ROI, "IBSI gather: the ROI is empty");
    v = (double *)malloc((size_t)c * sizeof(double));
    if (!v) return radx_seterr(err, RADX_ERR_NOMEM, "IBSI gather: out of memory for %lld values", (long long)c);
    c = 0;
    for (i = 0; i < nv; i++)
        if (roi[i]) v[c++] = radx_volume_get(img, i);
    *x = v;
    *n = c;
    return RADX_OK;
}
