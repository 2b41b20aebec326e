/* SPDX-License-Identifier: BSD-3-Clause */
/* A texture input over a test's level box gl and ROI mask roi (nz x ny x nx, numpy order, unit
 * spacing), with its ROI voxels counted: the boxes test_tiles and test_narrow build by hand. */
#ifndef RADX_TEX_BOX_H
#define RADX_TEX_BOX_H
#include <stdint.h>
#include <string.h>
#include "features/features.h"

static inline radx_texture_input tex_box(int32_t *gl, uint8_t *roi, int64_t nz, int64_t ny, int64_t nx, int ng)
{
    radx_texture_input in;
    memset(&in, 0, sizeof in);
    in.dims_zyx[0] = nz;
    in.dims_zyx[1] = ny;
    in.dims_zyx[2] = nx;
    in.spacing_zyx[0] = in.spacing_zyx[1] = in.spacing_zyx[2] = 1;
    in.gl = gl;
    in.roi = roi;
    in.ng = ng;
    for (int64_t v = 0; v < nz * ny * nx; v++) in.n_roi += roi[v] != 0;
    return in;
}
#endif
