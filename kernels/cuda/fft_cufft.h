/* SPDX-License-Identifier: BSD-3-Clause */
/* radx's internal 3-D FFT (host/cpu/fft.h) on the GPU with cuFFT: same sizes, same in-place buffer
 * layout, same (unnormalised) conventions, but the buffer is DEVICE memory and every plan is
 * bound to a CUDA backend context (its stream and device budget).
 *
 *   host/cpu/fft.h                 here
 *   radx_fft_plan_3d(n, &p)    radx_cufft_plan_3d(cu, n, &p)       (from the context's cache)
 *   radx_fft_buffer_len(p)     radx_cufft_buffer_len(p)
 *   radx_fft_r2c(p, buf)       radx_cufft_r2c(p, dbuf)             (enqueued on the stream)
 *   radx_fft_c2r(p, buf)       radx_cufft_c2r(p, dbuf)
 *   radx_fft_destroy(p)        radx_cufft_release(p)               (back to the cache)
 *
 * Layout (host/cpu/fft.h): sizes n[0] (x, fastest, even), n[1], n[2]; nh = n[0]/2 + 1 complex values
 * per x-row; real element (x, y, z) at ((float *)buf)[x + 2 nh (y + n[1] z)], complex element
 * (kx, ky, kz) at buf[kx + nh (ky + n[1] kz)]; forward e^{-i..}, inverse e^{+i..}, unnormalised.
 * That is exactly cuFFT's in-place R2C / C2R layout (cufftPlan3d(n[2], n[1], n[0])); axes of
 * size 1 other than x are dropped (a 2-D or 1-D cuFFT plan on the same memory), since cuFFT's
 * multi-dimensional plans want every dimension >= 2.
 *
 * Precision: cuFFT works in float like KissFFT, with its own algorithms, so the CPU and GPU
 * transforms agree to float rounding (relative error ~1e-7 times log2 of the size), not bit for
 * bit.
 *
 * Plan cache: creating a cuFFT plan costs milliseconds and a work area, so every CUDA backend
 * context (one per radx plan) keeps its own: radx_cufft_plan_3d hands out a cached idle plan of
 * the same size when there is one (the R2C and C2R plans of a size share one work area), so a
 * cohort's cases reuse the plans of the sizes they share.  At most RADX_CUFFT_CACHE plans are
 * kept (the least recently used idle one evicted).  The context is used by one thread at a time,
 * so the cache needs no lock. */
#ifndef RADX_FFT_CUFFT_H
#define RADX_FFT_CUFFT_H

#include <stddef.h>
#include <stdint.h>
#include "core/error.h"
#include "cpu/fft.h" /* radx_fft_cpx: the layout of cufftComplex */

#define RADX_CUFFT_CACHE 8

struct radx_cuda;
typedef struct radx_cufft_plan radx_cufft_plan;
typedef struct radx_cufft_cache radx_cufft_cache;

/* A context's cache (empty), and its destruction with every plan in it. */
radx_cufft_cache *radx_cufft_cache_new(void);
void radx_cufft_cache_free(radx_cufft_cache *c);

/* A plan for n[0] x n[1] x n[2] (x fastest; n[0] even, every n[i] in [1, 2^30)) on cu's stream.
 * Errors: RADX_ERR_ARG (bad size), RADX_ERR_NOMEM (device memory for the work area, after
 * evicting the idle cached plans), RADX_ERR_DEVICE (other cuFFT/CUDA failures). */
radx_status radx_cufft_plan_3d(radx_cuda *cu, const int64_t n[3], radx_cufft_plan **out, radx_err *err);
/* Batches of lower-rank transforms on the same buffer layout (the LoG's tiles, kernels/cuda/
 * log_filter.cu): axes = 2 transforms every x-y plane (n[2] of them), axes = 1 every x row (n[1]
 * n[2] of them; n[0] >= 2, odd allowed: rows still hold n[0]/2+1 complex values); axes = 3 is
 * radx_cufft_plan_3d.  Cached like it (the key includes axes). */
radx_status radx_cufft_plan_many(radx_cuda *cu, const int64_t n[3], int axes, radx_cufft_plan **out, radx_err *err);
/* Complex elements of the buffer: (n[0]/2+1) n[1] n[2]. */
int64_t radx_cufft_buffer_len(const radx_cufft_plan *p);
/* Bytes of device work area the plan holds (for memory budgeting). */
size_t radx_cufft_work_size(const radx_cufft_plan *p);
/* Forward real -> half-complex, in place on the device buffer, enqueued on the plan's stream. */
radx_status radx_cufft_r2c(radx_cufft_plan *p, radx_fft_cpx *dbuf, radx_err *err);
/* Inverse half-complex -> real, in place, unnormalised, enqueued on the plan's stream.  The input
 * must be Hermitian-symmetric (the spectrum of a real signal times a real even function is). */
radx_status radx_cufft_c2r(radx_cufft_plan *p, radx_fft_cpx *dbuf, radx_err *err);
/* Returns the plan to its cache (NULL-safe); work still queued on the stream may use it. */
void radx_cufft_release(radx_cufft_plan *p);
/* Destroys cu's idle cached plans (their device memory is wanted for something else). */
void radx_cufft_cache_clear(radx_cuda *cu);

#endif
