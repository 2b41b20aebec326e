/* SPDX-License-Identifier: BSD-3-Clause */
/* Voxel-map rules shared by the CPU loop (host/pipeline/voxelmap.c) and the CUDA per-voxel kernels
 * (kernels/cuda/voxel_firstorder.cu). */
#ifndef RADX_VOXEL_RULES_H
#define RADX_VOXEL_RULES_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include "rules/firstorder_rules.h"
#include "rules/host_device.h"

/* Lays out a per-voxel workspace: takes `count` elements of `type` from the block cursor `p`
 * (char *), 8-byte aligned, into ptr.  Used by the radx_v*_ws_carve functions. */
#define RADX_VM_TAKE(p, ptr, type, count)                     \
    do {                                                      \
        (p) = (char *)(((uintptr_t)(p) + 7) & ~(uintptr_t)7); \
        (ptr) = (type *)(p);                                  \
        (p) += (size_t)(count) * sizeof(type);                \
    } while (0)

/* Flat index in A of the kernel-box voxel (x, y, z) (box coordinates from k0). */
RADX_HD int64_t radx_vm_at(const int64_t dim[3], const int64_t k0[3], int64_t x, int64_t y, int64_t z)
{
    return (k0[0] + x) + dim[0] * ((k0[1] + y) + dim[1] * (k0[2] + z));
}

/* Marks stamp[level] = 1 for every level of the box's voxels taking part; returns how many
 * distinct levels were newly marked. */
RADX_HD int radx_vm_mark_levels(const int64_t dim[3], const uint8_t *mk, const int32_t *gl, const int64_t k0[3],
                                const int64_t k1[3], uint32_t *stamp)
{
    int n = 0;
    for (int64_t z = 0; z <= k1[2] - k0[2]; z++)
        for (int64_t y = 0; y <= k1[1] - k0[1]; y++)
            for (int64_t x = 0; x <= k1[0] - k0[0]; x++) {
                const int64_t i = radx_vm_at(dim, k0, x, y, z);
                if (mk[i] && !stamp[gl[i]]) {
                    stamp[gl[i]] = 1;
                    n++;
                }
            }
    return n;
}

/* The marked levels, ascending: vals[k] (and ivals[k] when not NULL) = level, stamp[level] =
 * k + 1; returns how many.  Unmark with radx_vm_unmark_levels. */
RADX_HD int radx_vm_index_levels(uint32_t *stamp, int ng, double *vals, int *ivals)
{
    int n = 0;
    for (int g = 0; g <= ng; g++)
        if (stamp[g]) {
            vals[n] = (double)g;
            if (ivals) ivals[n] = g;
            stamp[g] = (uint32_t)(++n);
        }
    return n;
}

RADX_HD void radx_vm_unmark_levels(uint32_t *stamp, const double *vals, int n)
{
    for (int k = 0; k < n; k++) stamp[(int)vals[k]] = 0;
}

/* li[box voxel] = its level's index (stamp - 1), or -1 when it does not take part (box x fastest). */
RADX_HD void radx_vm_level_index(const int64_t dim[3], const uint8_t *mk, const int32_t *gl, const int64_t k0[3],
                                 const int64_t k1[3], const uint32_t *stamp, int32_t *li)
{
    const int64_t kx = k1[0] - k0[0] + 1, ky = k1[1] - k0[1] + 1, kz = k1[2] - k0[2] + 1;
    for (int64_t z = 0; z < kz; z++)
        for (int64_t y = 0; y < ky; y++)
            for (int64_t x = 0; x < kx; x++) {
                const int64_t i = radx_vm_at(dim, k0, x, y, z);
                li[x + kx * (y + ky * z)] = mk[i] ? (int32_t)stamp[gl[i]] - 1 : -1;
            }
}

/* numpy.nanmean of slot k over na rows of nslots (NaN when every row is NaN). */
RADX_HD double radx_vm_nanmean(const double *res, int na, int nslots, int k)
{
    double s = 0.0;
    int cnt = 0;
    for (int a = 0; a < na; a++) {
        const double v = res[(size_t)a * (size_t)nslots + (size_t)k];
        if (isnan(v)) continue;
        s += v;
        cnt++;
    }
    return cnt ? s / cnt : NAN;
}

/* The first-order voxel map of a region A (host/pipeline/voxelmap.c), as the CUDA kernel reads it
 * (device pointers there). */
typedef struct radx_vfo_input {
    int64_t dim[3];      /* A's size, x y z */
    const uint8_t *mk;   /* voxel takes part in kernels */
    const double *val;   /* values */
    const int32_t *gl;   /* first order's levels (0 outside mk) */
    const int64_t *aidx; /* ROI voxels as indices into A, ascending */
    int64_t nroi;
    int r;       /* kernelRadius */
    int f2d_xyz; /* force2D axis (x y z), -1 without force2D */
    double voxel_volume, shift;
    int excess; /* ibsiKurtosisExcess */
} radx_vfo_input;

/* Largest kernel (voxels) radx_vfo_voxel takes: kernelRadius <= 3. */
#define RADX_VFO_MAX 343

/* Kernel box of the voxel at index ai of the array A (size dim, x y z, x fastest): ai +- r per
 * axis clipped to A, a single plane along f2d_xyz under force2D (-1: none).  k0, k1 inclusive,
 * x y z. */
RADX_HD void radx_vm_kernel_box(const int64_t dim[3], int r, int f2d_xyz, int64_t ai, int64_t k0[3], int64_t k1[3])
{
    const int64_t c[3] = {ai % dim[0], (ai / dim[0]) % dim[1], ai / (dim[0] * dim[1])};
    for (int a = 0; a < 3; a++) {
        if (a == f2d_xyz) {
            k0[a] = k1[a] = c[a];
            continue;
        }
        k0[a] = c[a] - r;
        k1[a] = c[a] + r;
        if (k0[a] < 0) k0[a] = 0;
        if (k1[a] > dim[a] - 1) k1[a] = dim[a] - 1;
    }
}

/* First-order features (out[RADX_FO_*]) of the kernel of the ROI voxel at A index ai: the values
 * val and levels gl of the voxels of the kernel box that take part (mk), sorted, the levels
 * counted, radx_fo_features.  s, g, cnt: scratch of RADX_VFO_MAX entries (the box must not hold
 * more voxels).  The CPU map loop and the CUDA kernel both run this. */
RADX_HD void radx_vfo_voxel(const int64_t dim[3], const uint8_t *mk, const double *val, const int32_t *gl, int64_t ai,
                            int r, int f2d_xyz, double shift, int excess, double voxel_volume, double *s, int32_t *g,
                            int64_t *cnt, double *out)
{
    int64_t k0[3], k1[3], n = 0;
    radx_vm_kernel_box(dim, r, f2d_xyz, ai, k0, k1);
    for (int64_t z = k0[2]; z <= k1[2]; z++)
        for (int64_t y = k0[1]; y <= k1[1]; y++)
            for (int64_t x = k0[0]; x <= k1[0]; x++) {
                const int64_t i = x + dim[0] * (y + dim[1] * z);
                if (!mk[i]) continue;
                s[n] = val[i];
                g[n++] = gl[i];
            }
    radx_fo_insertion_sort(s, n);
    const int64_t m = radx_fo_level_counts(g, n, cnt);
    radx_fo_features(s, n, cnt, m, shift, excess, voxel_volume, out);
}

/* Voxels of the largest kernel box of an array of size dim (x y z) for kernelRadius r. */
RADX_HD int64_t radx_vm_kernel_max(const int64_t dim[3], int r, int f2d_xyz)
{
    int64_t k = 1;
    for (int a = 0; a < 3; a++) {
        const int64_t e = a == f2d_xyz ? 1 : (2 * (int64_t)r + 1 < dim[a] ? 2 * (int64_t)r + 1 : dim[a]);
        k *= e;
    }
    return k;
}
#endif
