/* SPDX-License-Identifier: BSD-3-Clause */
/* Double-precision 3-D complex FFT for the host's exact sums (Moran's I and Geary's C,
 * host/features/ibsi_morph.c), on KissFFT's C++ template (kissfft.hh, BSD-3-Clause, the header of
 * the KissFFT package whose float library host/cpu/fft.h uses) in host/cpu/fft_double.cc.
 *
 * data: n[0] * n[1] * n[2] complex values (re, im interleaved), x fastest.  Forward e^{-i...},
 * inverse e^{+i...}, unnormalised.  Lines are transformed independently (OpenMP over lines), so the
 * result does not depend on the thread count.  Sizes of any factors work; 2, 3 and 5 are fast
 * (radx_fft_good_size). */
#ifndef RADX_FFT_DOUBLE_H
#define RADX_FFT_DOUBLE_H

#include <stdint.h>
#include "core/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* RADX_OK, or RADX_ERR_NOMEM (message in err). */
radx_status radx_fft3_double(double *data, const int64_t n[3], int inverse, radx_err *err);

#ifdef __cplusplus
}
#endif
#endif
