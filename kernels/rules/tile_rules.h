/* SPDX-License-Identifier: BSD-3-Clause */
/* Tiles: a box too large for the device is processed in z-slabs, for the classes whose counts
 * are sums over centre voxels of a rule that looks at most h slices away (GLCM: h = the largest
 * |dz| of its angles).  Slab k holds the centre slices [z0, z1) and, around them, the halo
 * slices its centres' neighbours may lie in, clipped to the box: [lo, hi).  A centre's neighbour
 * is then inside the slab exactly when it is inside the box, so the counts of the slabs, added,
 * are the counts of the whole box (integers: in any order).  The same holds for the per-voxel
 * values of GLDM and NGTDM (halo: the neighbourhood's largest |dz|).  Used by the CUDA angular
 * engine (kernels/cuda/angular_count.cuh) and kernels/cuda/neighbourhood_texture.cuh, tested on the CPU
 * (tests/test_tiles.c).  Box order as in
 * kernels/rules/texture_rules.h: (nz, ny, nx), flat index x + nx * (y + ny * z). */
#ifndef RADX_TILE_RULES_H
#define RADX_TILE_RULES_H

#include <stddef.h>
#include <stdint.h>
#include "rules/host_device.h"
#include "rules/texture_rules.h"

typedef struct radx_slab {
    int64_t z0, z1; /* centre slices */
    int64_t lo, hi; /* slices held: the centres and their halo, inside the box */
} radx_slab;

/* The largest |dz| of na angles (3 ints each, dz first). */
RADX_HD int radx_slab_halo(const int *angles, int na)
{
    int h = 0;
    for (int a = 0; a < na; a++) {
        const int dz = angles[3 * a] < 0 ? -angles[3 * a] : angles[3 * a];
        h = dz > h ? dz : h;
    }
    return h;
}

/* How many slabs of t centre slices cut nz slices. */
RADX_HD int64_t radx_slab_count(int64_t nz, int64_t t) { return t > 0 ? (nz + t - 1) / t : 0; }

/* Slab k of nz slices cut into t centre slices with halo h. */
RADX_HD radx_slab radx_slab_at(int64_t nz, int64_t t, int64_t h, int64_t k)
{
    radx_slab s;
    s.z0 = k * t;
    s.z1 = s.z0 + t < nz ? s.z0 + t : nz;
    s.lo = s.z0 - h > 0 ? s.z0 - h : 0;
    s.hi = s.z1 + h < nz ? s.z1 + h : nz;
    return s;
}

/* Slices held at once for slabs of t centre slices with halo h: t + 2h, at most nz (nz when
 * t >= nz: the whole box). */
RADX_HD int64_t radx_slab_held(int64_t nz, int64_t t, int64_t h) { return t >= nz || t + 2 * h >= nz ? nz : t + 2 * h; }

/* The most centre slices t (1..nz) whose slab, t + 2h slices of slice_bytes each, fits in bytes;
 * 0 when not even one centre slice does. */
RADX_HD int64_t radx_slab_fit(int64_t nz, int64_t h, size_t slice_bytes, size_t bytes)
{
    if (slice_bytes == 0) return nz;
    const int64_t slices = (int64_t)(bytes / slice_bytes);
    const int64_t t = slices - 2 * h;
    if (t < 1) return 0;
    return t < nz ? t : nz;
}

/* The neighbourhood of slab b of a box whose neighbourhood is nh (GLDM, NGTDM): the same offsets
 * (their flat displacements depend only on ny and nx) and margins, dims[0] = the slab's slices;
 * its halo must be nh->margin[0]. */
RADX_HD radx_tex_nbhd radx_slab_nbhd(radx_tex_nbhd nh, radx_slab b)
{
    nh.dims[0] = b.hi - b.lo;
    return nh;
}

#endif
