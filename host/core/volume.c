/* SPDX-License-Identifier: BSD-3-Clause */
/* Volumes in memory: pixel type sizes and names, one voxel as double, freeing
 * (host/core/volume.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/volume.h"
#include "rules/roi_rules.h" /* radx_value_at */

size_t radx_dtype_size(radx_dtype t)
{
    switch (t) {
    case RADX_DT_U8:
    case RADX_DT_I8: return 1;
    case RADX_DT_U16:
    case RADX_DT_I16: return 2;
    case RADX_DT_U32:
    case RADX_DT_I32:
    case RADX_DT_F32: return 4;
    case RADX_DT_U64:
    case RADX_DT_I64:
    case RADX_DT_F64: return 8;
    }
    return 0;
}

const char *radx_dtype_name(radx_dtype t)
{
    /* SimpleITK's GetPixelIDTypeAsString() wording */
    switch (t) {
    case RADX_DT_U8: return "8-bit unsigned integer";
    case RADX_DT_I8: return "8-bit signed integer";
    case RADX_DT_U16: return "16-bit unsigned integer";
    case RADX_DT_I16: return "16-bit signed integer";
    case RADX_DT_U32: return "32-bit unsigned integer";
    case RADX_DT_I32: return "32-bit signed integer";
    case RADX_DT_U64: return "64-bit unsigned integer";
    case RADX_DT_I64: return "64-bit signed integer";
    case RADX_DT_F32: return "32-bit float";
    case RADX_DT_F64: return "64-bit float";
    }
    return "unknown pixel type";
}

double radx_volume_get(const radx_volume *v, int64_t idx) { return radx_value_at((int)v->dtype, v->data, idx); }

void radx_volume_free(radx_volume *v)
{
    if (!v) return;
    free(v->data);
    memset(v, 0, sizeof *v);
}

/* ------------------------------------------------------------------------------------------ */
