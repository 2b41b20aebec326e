/* SPDX-License-Identifier: BSD-3-Clause */
/* PyRadiomics' point filters on the CPU: max |x| over the image, then the rule of every voxel
 * (kernels/rules/point_filter_rules.h); Logarithm scales its result by max |x| / max |log|. */
#include "cpu/point_filter.h"
#include <math.h>

/* numpy.max(numpy.abs(a)) of n doubles (NaN when one is NaN, as numpy's max propagates it). */
static double max_abs(const double *a, int64_t n)
{
    double m = 0;
    for (int64_t i = 0; i < n; i++) {
        const double v = fabs(a[i]);
        if (v > m || isnan(v)) m = v;
        if (isnan(m)) break;
    }
    return m;
}

radx_status radx_point_filter_into(const radx_volume *in, radx_point_filter f, double *out, radx_err *err)
{
    if (!in || !in->data || !out) return radx_seterr(err, RADX_ERR_ARG, "point filter: NULL argument");
    const int64_t n = radx_geom_nvox(&in->g);
    for (int64_t i = 0; i < n; i++) out[i] = radx_volume_get(in, i); /* im.astype('float64') */
    const double m = max_abs(out, n), c = radx_pf_coefficient(f, m);
    for (int64_t i = 0; i < n; i++) out[i] = radx_pf_value(f, out[i], c);
    if (f == RADX_PF_LOGARITHM) {
        const double scale = m / max_abs(out, n);
        for (int64_t i = 0; i < n; i++) out[i] = out[i] * scale;
    }
    return RADX_OK;
}
