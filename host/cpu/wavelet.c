/* SPDX-License-Identifier: BSD-3-Clause */
/* One pass of PyRadiomics' Wavelet image type on the CPU: the rule of kernels/rules/
 * wavelet_rules.h at every output voxel, slices in parallel, with a loop per input pixel type
 * so that the rule's read is inlined. */
#include "cpu/wavelet.h"

/* The pass w over rows [0, nrows) of the output, input of the constant pixel type DT. */
#define WAVELET_ROWS(DT)                                                                                \
    _Pragma("omp parallel for schedule(static)") for (int64_t r = 0; r < nrows; r++)                    \
    {                                                                                                   \
        const int64_t j = r % ny, k = r / ny, row = nx * r;                                             \
        if (w->out_f32)                                                                                 \
            for (int64_t i = 0; i < nx; i++) o32[row + i] = radx_wavelet_voxel_f32(w, DT, in, i, j, k); \
        else                                                                                            \
            for (int64_t i = 0; i < nx; i++) o64[row + i] = radx_wavelet_voxel_f64(w, DT, in, i, j, k); \
    }

radx_status radx_wavelet_pass_into(const radx_wavelet_pass *w, const void *in, void *out, radx_err *err)
{
    if (!w || !in || !out) return radx_seterr(err, RADX_ERR_ARG, "wavelet: NULL argument");
    const int64_t nx = w->out_dims[0], ny = w->out_dims[1], nrows = ny * w->out_dims[2];
    float *o32 = out;
    double *o64 = out;
    switch (w->in_dtype) {
    case RADX_DT_F64: WAVELET_ROWS(RADX_DT_F64) break;
    case RADX_DT_F32: WAVELET_ROWS(RADX_DT_F32) break;
    case RADX_DT_I16: WAVELET_ROWS(RADX_DT_I16) break;
    default: WAVELET_ROWS(w->in_dtype) break;
    }
    return RADX_OK;
}
