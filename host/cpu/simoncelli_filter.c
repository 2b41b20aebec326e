/* SPDX-License-Identifier: BSD-3-Clause */
/* IBSI-2's Simoncelli wavelet on the CPU: the image's 3-D FFT (double, host/cpu/fft_double.h) times
 * the level's isotropic band (kernels/rules/simoncelli_rules.h), the inverse FFT's real part.  The
 * FFT's periodicity is the boundary condition (IBSI's tests use periodic padding). */
#include <math.h>
#include <stdlib.h>

#include "cpu/fft_double.h"
#include "cpu/simoncelli_filter.h"
#include "rules/simoncelli_rules.h"

radx_status radx_simoncelli_filter_into(const radx_volume *in, int level, float *out, radx_err *err)
{
    if (!in || !in->data || !out) return radx_seterr(err, RADX_ERR_ARG, "Simoncelli filter: NULL argument");
    if (level < 1 || level > 30)
        return radx_seterr(err, RADX_ERR_PARAM, "setting 'simoncelliLevel': %d must be 1 to 30", level);
    const int64_t *n = in->g.size, nv = radx_geom_nvox(&in->g);
    double *c = malloc((size_t)(2 * nv) * sizeof *c);
    if (!c) return radx_seterr(err, RADX_ERR_NOMEM, "Simoncelli filter: out of memory for %lld voxels", (long long)nv);
    for (int64_t i = 0; i < nv; i++) {
        c[2 * i] = radx_volume_get(in, i);
        c[2 * i + 1] = 0.0;
    }
    radx_status st = radx_fft3_double(c, n, 0, err);
    for (int64_t k = 0, i = 0; !st && k < n[2]; k++)
        for (int64_t j = 0; j < n[1]; j++)
            for (int64_t m = 0; m < n[0]; m++, i++) {
                const double fx = radx_simoncelli_axis_freq(m, n[0]), fy = radx_simoncelli_axis_freq(j, n[1]);
                const double fz = radx_simoncelli_axis_freq(k, n[2]);
                const double psi = radx_simoncelli_psi(sqrt(fx * fx + fy * fy + fz * fz), level) / (double)nv;
                c[2 * i] *= psi;
                c[2 * i + 1] *= psi;
            }
    if (!st) st = radx_fft3_double(c, n, 1, err);
    for (int64_t i = 0; !st && i < nv; i++) out[i] = (float)c[2 * i];
    free(c);
    return st;
}
