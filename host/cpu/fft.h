/* SPDX-License-Identifier: BSD-3-Clause */
/* radx internal 3-D FFT: plan once, execute many (the shape of FFTW's and cuFFT's interfaces).
 *
 * One plan = one size of a 3-D real <-> half-complex transform, single precision, in place,
 * with the layout FFTW and cuFFT use for in-place real transforms:
 *
 *   - sizes n[0] (x, fastest), n[1] (y), n[2] (z); n[0] must be even;
 *   - the buffer holds nh = n[0]/2 + 1 complex values per x-row, ny*nz rows:
 *     radx_fft_cpx buf[nh * n[1] * n[2]];
 *   - real view (before radx_fft_r2c, after radx_fft_c2r): float element (x, y, z) is
 *     ((float *)buf)[x + 2*nh*(y + n[1]*z)], i.e. rows padded to 2*nh floats (the 2 pad floats
 *     per row are ignored on input and undefined on output);
 *   - complex view (after radx_fft_r2c): element (kx, ky, kz), kx in [0, nh), is
 *     buf[kx + nh*(ky + n[1]*kz)], frequencies k <-> 2 pi k / n (ky, kz over the full range);
 *   - forward is e^{-i...}, inverse e^{+i...}, neither is normalised: c2r(r2c(x)) = n0 n1 n2 x.
 *
 * cuFFT equivalent (kernels/, later): cufftPlan3d(&p, n[2], n[1], n[0], CUFFT_R2C / CUFFT_C2R)
 * with cufftExecR2C / cufftExecC2R on the same buffer (cuFFT lists dimensions slowest first).
 *
 * The CPU implementation (host/cpu/fft_kissfft.c) uses KissFFT (BSD-3-Clause, float) line by line with
 * OpenMP over lines; every line is transformed independently, so the result does not depend on
 * the thread count.  A plan may be executed by one caller at a time. */
#ifndef RADX_FFT_H
#define RADX_FFT_H

#include <stdint.h>
#include "core/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct radx_fft_cpx {
    float re, im; /* layout of cufftComplex / fftwf_complex / kiss_fft_cpx */
} radx_fft_cpx;

typedef struct radx_fft_plan radx_fft_plan;

/* Smallest m >= n whose prime factors are 2, 3, 5 only (m even when need_even); 0 when no such
 * value fits in int (n > ~2^30). */
int64_t radx_fft_good_size(int64_t n, int need_even);

/* Creates a plan for sizes n[0] x n[1] x n[2] (x fastest), n[0] even, each n[i] >= 1 and
 * < 2^30.  Errors: RADX_ERR_ARG (bad size), RADX_ERR_NOMEM. */
radx_status radx_fft_plan_3d(const int64_t n[3], radx_fft_plan **out, radx_err *err);
/* Number of complex elements of the buffer: (n[0]/2+1) * n[1] * n[2]. */
int64_t radx_fft_buffer_len(const radx_fft_plan *p);
/* Forward real -> half-complex, in place (layout above).  Errors: RADX_ERR_NOMEM (scratch). */
radx_status radx_fft_r2c(radx_fft_plan *p, radx_fft_cpx *buf, radx_err *err);
/* Inverse half-complex -> real, in place, unnormalised.  Errors: RADX_ERR_NOMEM (scratch). */
radx_status radx_fft_c2r(radx_fft_plan *p, radx_fft_cpx *buf, radx_err *err);
void radx_fft_destroy(radx_fft_plan *p); /* NULL-safe */

#ifdef __cplusplus
}
#endif
#endif
