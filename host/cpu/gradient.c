/* SPDX-License-Identifier: BSD-3-Clause */
/* PyRadiomics' Gradient image type on the CPU: the rule of kernels/rules/gradient_rules.h at every
 * voxel, slices in parallel. */
#include "cpu/gradient.h"
#include "rules/gradient_rules.h"

radx_status radx_gradient_into(const radx_volume *in, int use_spacing, float *out, radx_err *err)
{
    if (!in || !in->data || !out) return radx_seterr(err, RADX_ERR_ARG, "gradient: NULL argument");
    const radx_geom *g = &in->g;
    const int nd = g->ndim == 2 ? 2 : 3;
    double c[3];
    for (int a = 0; a < 3; a++) c[a] = radx_gradient_coefficient(g->spacing[a], use_spacing);
    const int64_t nx = g->size[0], ny = g->size[1], nz = g->size[2];
#pragma omp parallel for schedule(static)
    for (int64_t k = 0; k < nz; k++)
        for (int64_t j = 0; j < ny; j++)
            for (int64_t i = 0; i < nx; i++)
                out[i + nx * (j + ny * k)] = radx_gradient_voxel(in->dtype, in->data, g->size, nd, c, i, j, k);
    return RADX_OK;
}
