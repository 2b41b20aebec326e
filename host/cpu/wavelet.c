/* SPDX-License-Identifier: BSD-3-Clause */
/* One pass of PyRadiomics' Wavelet image type on the CPU: the rule of kernels/rules/
 * wavelet_rules.h at every output voxel, slices in parallel. */
#include "cpu/wavelet.h"

radx_status radx_wavelet_pass_into(const radx_wavelet_pass *w, const void *in, void *out, radx_err *err)
{
    if (!w || !in || !out) return radx_seterr(err, RADX_ERR_ARG, "wavelet: NULL argument");
    const int64_t nx = w->out_dims[0], ny = w->out_dims[1], nz = w->out_dims[2];
    float *o32 = out;
    double *o64 = out;
#pragma omp parallel for schedule(static) collapse(2)
    for (int64_t k = 0; k < nz; k++)
        for (int64_t j = 0; j < ny; j++) {
            const int64_t row = nx * (j + ny * k);
            if (w->out_f32)
                for (int64_t i = 0; i < nx; i++) o32[row + i] = radx_wavelet_voxel_f32(w, in, i, j, k);
            else
                for (int64_t i = 0; i < nx; i++) o64[row + i] = radx_wavelet_voxel_f64(w, in, i, j, k);
        }
    return RADX_OK;
}
