/* SPDX-License-Identifier: BSD-3-Clause */
/* PyRadiomics' Wavelet image type runs PyWavelets' swtn one level at a time: along each axis in
 * turn, every sub-band so far is convolved with the decomposition filters dec_lo and dec_hi
 * (downsampling_convolution_periodization with step 1) on the periodic signal.  This header is
 * one such pass of one filter over a window of the (padded) image, one output voxel at a time,
 * for the CPU (host/cpu/wavelet.c) and the device (kernels/cuda/wavelet.cu); host/pipeline/
 * wavelet.c plans the windows and builds the tables a pass reads.
 *
 * Output o of a signal of period P and a filter f of F taps is, with i = o + F/2,
 *     sum over j of f[j] * x[(i - j) mod P]
 * added in PyWavelets' order (radx_wavelet_tap), in the data's type: float for float32 images
 * (with PyWavelets' float filters), double otherwise. */
#ifndef RADX_WAVELET_RULES_H
#define RADX_WAVELET_RULES_H

#include <stdint.h>
#include "rules/host_device.h"
#include "rules/roi_rules.h"

/* The filter index of the t-th term PyWavelets adds for output o (period P, F taps): where
 * i = o + F/2 runs past the end, the taps that wrap to the start come first, from i - P down to
 * 0, then the others upwards; elsewhere j = t. */
RADX_HD int radx_wavelet_tap(int64_t o, int64_t P, int F, int t)
{
    const int64_t i = o + F / 2;
    if (i < P) return t;
    const int64_t wrapped = i - P + 1;
    return t < wrapped ? (int)(i - P - t) : t;
}

/* (a mod P) in [0, P) */
RADX_HD int64_t radx_wavelet_mod(int64_t a, int64_t P) { return ((a % P) + P) % P; }

/* One pass: out = the filter along `axis` of in, both windows of the padded image.  pos[b] maps
 * each output position on axis b to the input position it reads: one per position on the other
 * axes, `taps` per position (in the order they are added) on the filtered axis, where coef holds
 * the filter coefficient of each. */
typedef struct radx_wavelet_pass {
    int axis;            /* the filtered axis: 0 x, 1 y, 2 z */
    int taps;            /* F */
    int in_dtype;        /* the input's pixel type (radx_dtype) */
    int out_f32;         /* 1: float32 data, summed in float; 0: float64 */
    int64_t in_dims[3];  /* the input window's size, x y z */
    int64_t out_dims[3]; /* the output window's size */
    const int64_t *pos[3];
    const double *coef; /* out_dims[axis] * taps (float values when out_f32) */
} radx_wavelet_pass;

/* The input index of output voxel (x, y, z) on the two axes that are not filtered, and where the
 * filtered axis' taps and coefficients of that voxel start. */
RADX_HD int64_t radx_wavelet_base(const radx_wavelet_pass *w, int64_t x, int64_t y, int64_t z, int64_t *stride,
                                  int64_t *row)
{
    const int64_t at[3] = {x, y, z}, st[3] = {1, w->in_dims[0], w->in_dims[0] * w->in_dims[1]};
    int64_t base = 0;
    for (int b = 0; b < 3; b++)
        if (b != w->axis) base += w->pos[b][at[b]] * st[b];
    *stride = st[w->axis];
    *row = at[w->axis] * w->taps;
    return base;
}

/* Output voxel (x, y, z) of a float64 pass over input of pixel type dt (w->in_dtype; a
 * parameter so that a caller looping with a constant type gets the read inlined). */
RADX_HD double radx_wavelet_voxel_f64(const radx_wavelet_pass *w, int dt, const void *in, int64_t x, int64_t y,
                                      int64_t z)
{
    int64_t stride, row;
    const int64_t base = radx_wavelet_base(w, x, y, z, &stride, &row);
    const int64_t *pos = w->pos[w->axis] + row;
    const double *coef = w->coef + row;
    double sum = 0.0;
    for (int t = 0; t < w->taps; t++) {
        const double prod = coef[t] * radx_value_at(dt, in, base + pos[t] * stride);
        sum += prod;
    }
    return sum;
}

/* Output voxel (x, y, z) of a float32 pass: float products and sums, as PyWavelets' float code. */
RADX_HD float radx_wavelet_voxel_f32(const radx_wavelet_pass *w, int dt, const void *in, int64_t x, int64_t y,
                                     int64_t z)
{
    int64_t stride, row;
    const int64_t base = radx_wavelet_base(w, x, y, z, &stride, &row);
    const int64_t *pos = w->pos[w->axis] + row;
    const double *coef = w->coef + row;
    float sum = 0.0f;
    for (int t = 0; t < w->taps; t++) {
        const float v = (float)radx_value_at(dt, in, base + pos[t] * stride);
        const float prod = (float)coef[t] * v;
        sum += prod;
    }
    return sum;
}

#endif
