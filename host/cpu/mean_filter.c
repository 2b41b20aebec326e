/* SPDX-License-Identifier: BSD-3-Clause */
/* IBSI-2's mean filter on the CPU: the passes of kernels/rules/separable_rules.h along x, y and
 * (3-D) z, in double, slices in parallel; the result as float32. */
#include <stdlib.h>

#include "cpu/mean_filter.h"
#include "rules/separable_rules.h"

/* One pass along axis a of src (pixel type dt) into dst (double). */
static void pass(int dt, const void *src, const int64_t size[3], int a, const radx_mean_spec *s, double *dst)
{
#pragma omp parallel for schedule(static)
    for (int64_t k = 0; k < size[2]; k++)
        for (int64_t j = 0; j < size[1]; j++)
            for (int64_t i = 0; i < size[0]; i++)
                dst[i + size[0] * (j + size[1] * k)] =
                    radx_mean_pass_voxel(dt, src, size, a, s->support, (radx_log_boundary)s->boundary, i, j, k);
}

radx_status radx_mean_filter_into(const radx_volume *in, const radx_mean_spec *s, float *out, radx_err *err)
{
    if (!in || !in->data || !s || !out) return radx_seterr(err, RADX_ERR_ARG, "mean filter: NULL argument");
    if (s->support < 1 || s->support % 2 == 0)
        return radx_seterr(err, RADX_ERR_PARAM, "setting 'meanSupport': %d must be an odd number of voxels >= 1",
                           s->support);
    const int64_t n = radx_geom_nvox(&in->g);
    double *a = malloc((size_t)n * sizeof *a), *b = malloc((size_t)n * sizeof *b);
    if (!a || !b) {
        free(a);
        free(b);
        return radx_seterr(err, RADX_ERR_NOMEM, "mean filter: out of memory for %lld voxels", (long long)n);
    }
    const int axes = in->g.ndim == 2 || s->in_plane ? 2 : 3;
    pass(in->dtype, in->data, in->g.size, 0, s, a);
    pass(RADX_DT_F64, a, in->g.size, 1, s, b);
    if (axes == 3) pass(RADX_DT_F64, b, in->g.size, 2, s, a);
    const double *r = axes == 3 ? a : b;
    for (int64_t i = 0; i < n; i++) out[i] = (float)r[i];
    free(a);
    free(b);
    return RADX_OK;
}
