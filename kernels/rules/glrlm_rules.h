/* SPDX-License-Identifier: BSD-3-Clause */
/* GLRLM run rules shared by the CPU (host/features/glrlm.c) and CUDA paths; PyRadiomics 3.0.1 semantics
 * (cmatrices.c calculate_glrlm, glrlm.py _calculateMatrix).
 *
 * Volumes are the ROI bounding box in numpy order (nz, ny, nx), flat index x + nx*(y + ny*z).
 * Angles are the 13 (3-D) or 4 (2-D / force2D) mono-directional offsets of distance 1 from
 * kernels/rules/angles.h.  Along an angle the box splits into lines; a line starts at a voxel whose
 * predecessor (voxel - angle) is outside the box and runs forward until it leaves the box.
 * On a line, a run is a maximal sequence of consecutive ROI voxels with the same gray level; a
 * non-ROI voxel ends the current run.  Run of gray level g and length L adds one count at
 * P(g, L - 1) of that angle.  If no line of the angle holds more than one ROI voxel (the ROI is
 * "2-D" for that angle; PyRadiomics' multiElement), the whole matrix of that angle is zeroed. */
#ifndef RADX_GLRLM_RULES_H
#define RADX_GLRLM_RULES_H

#include <math.h>
#include <stdint.h>
#include "rules/host_device.h"
#include "rules/texture_rules.h" /* weightingNorm codes, radx_tex_angle_length */

RADX_HD int radx_glrlm_in_box(const long long dims[3], long long z, long long y, long long x)
{
    return z >= 0 && z < dims[0] && y >= 0 && y < dims[1] && x >= 0 && x < dims[2];
}

/* 1 when (z, y, x) starts a line along angle a = (dz, dy, dx): its predecessor is outside the box. */
RADX_HD int radx_glrlm_is_line_start(const long long dims[3], long long z, long long y, long long x, const int *a)
{
    return !radx_glrlm_in_box(dims, z - a[0], y - a[1], x - a[2]);
}

/* Run state along one line.  gl = -1: no open run. */
typedef struct radx_glrlm_run {
    int gl;          /* gray level (or level index) of the open run, -1 when none */
    long long len;   /* length of the open run */
    long long elems; /* ROI voxels seen on this line */
} radx_glrlm_run;

RADX_HD void radx_glrlm_run_init(radx_glrlm_run *r)
{
    r->gl = -1;
    r->len = 0;
    r->elems = 0;
}

/* Feeds the next voxel of the line: level = its gray level (or level index, >= 0) inside the ROI,
 * -1 outside.  Returns 1 and sets *done_gl / *done_len when a run was closed by this voxel. */
RADX_HD int radx_glrlm_run_step(radx_glrlm_run *r, int level, int *done_gl, long long *done_len)
{
    int closed = 0;
    if (level >= 0) {
        r->elems++;
        if (r->gl == level) {
            r->len++;
        } else {
            if (r->gl >= 0) {
                *done_gl = r->gl;
                *done_len = r->len;
                closed = 1;
            }
            r->gl = level;
            r->len = 1;
        }
    } else if (r->gl >= 0) {
        *done_gl = r->gl;
        *done_len = r->len;
        closed = 1;
        r->gl = -1;
        r->len = 0;
    }
    return closed;
}

/* Closes the run still open at the end of the line. */
RADX_HD int radx_glrlm_run_end(radx_glrlm_run *r, int *done_gl, long long *done_len)
{
    if (r->gl < 0) return 0;
    *done_gl = r->gl;
    *done_len = r->len;
    r->gl = -1;
    r->len = 0;
    return 1;
}

/* Matrix cell (row-major n x L) of a run of level index g (0..n-1) and length len (1..L). */
RADX_HD long long radx_glrlm_cell(int g, long long len, long long L) { return (long long)g * L + (len - 1); }

/* ---- the same runs seen from their first voxel (the GPU's formulation, kernels/cuda/glrlm.cu) ----
 * Each run has exactly one first voxel: an ROI voxel whose predecessor on the line (voxel - angle)
 * is outside the box or the ROI, or has another level.  Counting, for every such voxel, the run
 * that follows it gives the same matrix as walking the lines with radx_glrlm_run_step. */

/* Flat index of (z, y, x) + s * a, or -1 when that voxel is outside the box. */
RADX_HD long long radx_glrlm_along(const long long dims[3], long long z, long long y, long long x, const int *a,
                                   long long s)
{
    const long long pz = z + s * a[0], py = y + s * a[1], px = x + s * a[2];
    if (!radx_glrlm_in_box(dims, pz, py, px)) return -1;
    return px + dims[2] * (py + dims[1] * pz);
}

/* 1 when a voxel of level index `level` (-1: outside the ROI) starts a run, given the level index
 * of its predecessor on the line (-1 when outside the box or the ROI). */
RADX_HD int radx_glrlm_is_run_start(int level, int prev_level) { return level >= 0 && prev_level != level; }

/* multiElement from one run: 1 when the run's line certainly holds more than one ROI voxel,
 * judged from the run's length and the level index of the voxel right after it (-1 when outside
 * the box or the ROI).  When this gives 0 and the line goes on after the run, the line still
 * holds another ROI voxel if one lies further on, past the non-ROI voxels after the run. */
RADX_HD int radx_glrlm_run_multi(long long len, int next_level) { return len > 1 || next_level >= 0; }

/* ---- one voxel of the GPU's count, whole box or z-slab (kernels/cuda/glrlm.cu, tests/test_tiles.c) ----
 * The box may be held in z-slabs (kernels/rules/tile_rules.h): li then holds the slab's centre slices
 * [c0, c1) (slab-local z) and, where the box has them, the h = largest dz slices below and above
 * them; slabs hold at least h centre slices.  Angles have dz >= 0 (PyRadiomics' mono-directional
 * angles do).  A run is counted by the slab that holds its last voxel.  A run that goes on past
 * c1 hands its length so far on through a carry plane: carry_out[(zz - c1) * nxy + yy * nx + xx]
 * for its first voxel (zz, yy, xx) past c1, zz in [c1, c1 + dz).  The next slab holds that voxel
 * among its first dz centre slices, with the run's previous voxel in its halo below: it goes on
 * walking from the carried length (carry_in, indexed from its c0 the same way).  Each voxel has
 * one predecessor, so one run at most enters it: a plane slot is written once per slab.  The
 * whole box is the slab c0 = 0, c1 = nz, which carries nothing.
 *
 * radx_glrlm_slab_voxel is the whole per-voxel operation for the ROI voxel (z, y, x) of level index
 * `level` and angle a: it adds the run that starts (or continues) here to the angle's matrix m
 * (n x L cells) when the run ends in this slab, or writes its carry; and sets *multi (the angle's
 * multiElement flag) when the line certainly holds two ROI voxels (radx_glrlm_run_multi, or a
 * carried run, or, while *multi is still clear, an ROI voxel further on past a lone voxel's gap, as
 * far as li holds the line).  The flag is only ever set: in slabs, an angle it leaves clear is
 * decided by the host on the whole box (radx_glrlm_count_angle). */
RADX_HD void radx_glrlm_add1(uint32_t *cell)
{
#ifdef __CUDA_ARCH__
    atomicAdd(cell, 1u);
#else
    (*cell)++; /* the host runs it single-threaded (checks of the rule) */
#endif
}

RADX_HD void radx_glrlm_slab_voxel(const int32_t *li, const long long dims[3], long long c0, long long c1, long long z,
                                   long long y, long long x, int level, const int *a, long long L,
                                   const int32_t *carry_in, int32_t *carry_out, uint32_t *m, int *multi)
{
    const long long nxy = dims[1] * dims[2];
    const long long prev = radx_glrlm_along(dims, z, y, x, a, -1);
    long long len = 1, s, idx;
    int next;
    if (!radx_glrlm_is_run_start(level, prev < 0 ? -1 : li[prev])) {
        if (z - a[0] >= c0) return;                                      /* inside the run: its first voxel counts it */
        len = (long long)carry_in[(z - c0) * nxy + y * dims[2] + x] + 1; /* continued from the slab below */
    }
    for (s = 1;; s++, len++) { /* to the first voxel after the run */
        idx = radx_glrlm_along(dims, z, y, x, a, s);
        next = idx < 0 ? -1 : li[idx];
        if (next != level) break;
        if (z + s * a[0] >= c1) { /* goes on in the next slab */
            carry_out[(z + s * a[0] - c1) * nxy + idx % nxy] = (int32_t)len;
            *(volatile int *)multi = 1;
            return;
        }
    }
    radx_glrlm_add1(m + radx_glrlm_cell(level, len, L));

    volatile int *flag = multi;
    if (*flag) return;
    if (radx_glrlm_run_multi(len, next)) {
        *flag = 1;
        return;
    }
    while (idx >= 0) { /* non-ROI voxels after a lone voxel: another ROI voxel on the line? */
        idx = radx_glrlm_along(dims, z, y, x, a, ++s);
        if (idx >= 0 && li[idx] >= 0) {
            *flag = 1;
            return;
        }
    }
}

/* Distance weight of one angle (glrlm.py): the norm of a * spacing itself (not exp'ed as in the
 * GLCM; kernels/rules/texture_rules.h).  no_weighting (and unknown norms) give 1. */
RADX_HD double radx_glrlm_weight(const int *a, const double spacing_zyx[3], int norm)
{
    return radx_tex_is_distance_norm(norm) ? radx_tex_angle_length(a, spacing_zyx, norm, 0) : 1.0;
}

#endif
