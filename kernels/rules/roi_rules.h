/* SPDX-License-Identifier: BSD-3-Clause */
/* The ROI values of an image type (the roi_values backend op, host/backend/backend.h), per voxel, for
 * the CPU (host/cpu/backend_cpu.c) and the device (kernels/cuda/roi_values.cu): the ROI box is the box of
 * the image [lo, lo + dims) (x y z), held as its own array in numpy order (nz, ny, nx; flat
 * index x + nx (y + ny z)); box voxel v maps to image voxel radx_roi_src_index; an image voxel of
 * pixel type dt is read as double by radx_value_at (radx_volume_get too). */
#ifndef RADX_ROI_RULES_H
#define RADX_ROI_RULES_H

#include <math.h>
#include <stdint.h>
#include "rules/host_device.h"
#include "radx.h" /* radx_dtype */

/* The image voxel of box voxel v (box dims_zyx at lo_xyz of an image of size_xyz). */
RADX_HD int64_t radx_roi_src_index(int64_t v, const int64_t dims_zyx[3], const int64_t lo_xyz[3],
                                   const int64_t size_xyz[3])
{
    const int64_t i = v % dims_zyx[2], r = v / dims_zyx[2], j = r % dims_zyx[1], k = r / dims_zyx[1];
    return (lo_xyz[0] + i) + size_xyz[0] * ((lo_xyz[1] + j) + size_xyz[1] * (lo_xyz[2] + k));
}

/* Element i of an array of pixel type dt, as double. */
RADX_HD double radx_value_at(int dt, const void *data, int64_t i)
{
    switch (dt) {
    case RADX_DT_U8: return (double)((const uint8_t *)data)[i];
    case RADX_DT_I8: return (double)((const int8_t *)data)[i];
    case RADX_DT_U16: return (double)((const uint16_t *)data)[i];
    case RADX_DT_I16: return (double)((const int16_t *)data)[i];
    case RADX_DT_U32: return (double)((const uint32_t *)data)[i];
    case RADX_DT_I32: return (double)((const int32_t *)data)[i];
    case RADX_DT_U64: return (double)((const uint64_t *)data)[i];
    case RADX_DT_I64: return (double)((const int64_t *)data)[i];
    case RADX_DT_F32: return (double)((const float *)data)[i];
    case RADX_DT_F64: return ((const double *)data)[i];
    }
    return NAN;
}

#endif
