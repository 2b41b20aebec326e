/* SPDX-License-Identifier: BSD-3-Clause */
/* Volumes in memory: a grid (ITK geometry) and its voxels (host/core/volume.c). */
#ifndef RADX_VOLUME_H
#define RADX_VOLUME_H

#include <stddef.h>
#include <stdint.h>
#include "core/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------------------------
 * Volumes.  Index order is ITK/NIfTI order: x fastest.  voxel (i,j,k) lives at
 * data[i + size[0]*(j + size[1]*k)].  That flat buffer is byte-for-byte the C-contiguous
 * numpy array PyRadiomics gets from sitk.GetArrayFromImage, whose shape is (z, y, x).
 * ---------------------------------------------------------------------------------------- */
typedef struct radx_geom {
    int64_t size[3];     /* voxels along x, y, z (a 2-D image has size[2] == 1) */
    double spacing[3];   /* mm, x y z */
    double origin[3];    /* mm, LPS world coordinates of voxel (0,0,0) as ITK reports them */
    double direction[9]; /* row-major 3x3; column c is the world direction of index axis c (ITK) */
    int ndim;            /* 2 or 3 as stored in the file */
} radx_geom;

typedef struct radx_volume {
    radx_geom g;
    radx_dtype dtype; /* native pixel type as stored in the file */
    void *data;       /* malloc'ed, size[0]*size[1]*size[2] elements of dtype */
    uint64_t packed;  /* as read: bytes of the compressed files its voxels came from (0: raw) */
} radx_volume;

/* The most voxels radx reads or makes in one volume. */
#define RADX_MAX_VOXELS ((int64_t)1 << 31)

size_t radx_dtype_size(radx_dtype t);
const char *radx_dtype_name(radx_dtype t);
static inline int64_t radx_geom_nvox(const radx_geom *g) { return g->size[0] * g->size[1] * g->size[2]; }
/* The world position (mm) of a continuous index (x y z), as ITK's TransformContinuousIndexToPhysicalPoint. */
static inline void radx_geom_index_to_physical(const radx_geom *g, const double idx[3], double out[3])
{
    for (int r = 0; r < 3; r++) {
        out[r] = g->origin[r];
        for (int c = 0; c < 3; c++) out[r] += g->direction[3 * r + c] * g->spacing[c] * idx[c];
    }
}
/* static_cast<uint32_t>(x) as x86-64 code does it, which is how sitk.Cast(mask, sitkUInt32)
 * casts a float voxel: truncate to int64 (cvttsd2si; NaN, +-Inf and |x| >= 2^63 give INT64_MIN),
 * keep the low 32 bits. */
static inline uint32_t radx_f64_to_u32(double x)
{
    if (!(x > -9223372036854775808.0 && x < 9223372036854775808.0)) return 0u;
    return (uint32_t)(uint64_t)(int64_t)x;
}
/* Voxel value as double (exact for every supported type except |int64| > 2^53). */
double radx_volume_get(const radx_volume *v, int64_t idx);
void radx_volume_free(radx_volume *v); /* frees data, zeroes the struct; NULL-safe */

#ifdef __cplusplus
}
#endif
#endif
