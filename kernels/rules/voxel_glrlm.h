/* SPDX-License-Identifier: BSD-3-Clause */
/* Voxel maps, GLRLM: the features of one ROI voxel's kernel, as radx_glrlm_compute gives them on
 * the kernel box (PyRadiomics 3.0.1's voxel mode; see the top of host/pipeline/voxelmap.c), written once for
 * the CPU map loop and a device kernel:
 *   - rows: the levels of the kernel's voxels (ascending); columns: run lengths 1..L, L the
 *     box's largest size;
 *   - angles: radx_angles_build for the box, distance 1, mono-directional, force2D;
 *   - per angle the runs of every line of the box (kernels/rules/glrlm_rules.h), the angle zeroed when
 *     no line holds more than one voxel taking part;
 *   - host/features/glrlm.c's steps: the weighted sum, or per-angle features and their nanmean, with the
 *     per-matrix features of kernels/rules/glrlm_features.h.
 * RADX_HD; no allocation: the caller passes the workspace (radx_vglrlm_ws_size). */
#ifndef RADX_VOXEL_GLRLM_H
#define RADX_VOXEL_GLRLM_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include "rules/angles.h"
#include "rules/glrlm_features.h"
#include "rules/glrlm_rules.h"
#include "rules/host_device.h"
#include "rules/voxel_gldm.h" /* radx_vgldm_in */
#include "rules/voxel_rules.h"

#define RADX_VGLRLM_MAXANG 13 /* distance 1, mono-directional */

/* GLRLM uses GLDM's description of the image type (distances and alpha unused: distance 1). */
typedef radx_vgldm_in radx_vglrlm_in;

typedef struct radx_vglrlm_ws {
    uint32_t *stamp;  /* ng + 1: level -> 1 + its index while a voxel is processed, else 0 */
    double *vals;     /* kmax */
    int32_t *li;      /* kmax: level index of each box voxel, -1 when not taking part */
    int *angles;      /* 3 * RADX_VGLRLM_MAXANG */
    uint32_t *cnt;    /* kmax * lmax */
    double *P, *wsum; /* kmax * lmax */
    double *pg, *pr;  /* kmax, lmax */
    double *res;      /* RADX_VGLRLM_MAXANG * GLRLM_F_COUNT */
} radx_vglrlm_ws;

/* lmax: the largest kernel size along an axis (2 r + 1). */
RADX_HD size_t radx_vglrlm_ws_size(int64_t kmax, int ng, int64_t lmax)
{
    const size_t k = (size_t)kmax, kl = k * (size_t)lmax;
    return ((size_t)ng + 1) * 4 + k * 8 + k * 4 + 3 * RADX_VGLRLM_MAXANG * 4 + kl * 4 + 2 * kl * 8 + k * 8 +
           (size_t)lmax * 8 + RADX_VGLRLM_MAXANG * GLRLM_F_COUNT * 8 + 12 * 8;
}

RADX_HD void radx_vglrlm_ws_carve(void *mem, int64_t kmax, int ng, int64_t lmax, radx_vglrlm_ws *w)
{
    const size_t k = (size_t)kmax, kl = k * (size_t)lmax;
    char *p = (char *)mem;
    RADX_VM_TAKE(p, w->vals, double, k);
    RADX_VM_TAKE(p, w->P, double, kl);
    RADX_VM_TAKE(p, w->wsum, double, kl);
    RADX_VM_TAKE(p, w->pg, double, k);
    RADX_VM_TAKE(p, w->pr, double, (size_t)lmax);
    RADX_VM_TAKE(p, w->res, double, RADX_VGLRLM_MAXANG *GLRLM_F_COUNT);
    RADX_VM_TAKE(p, w->cnt, uint32_t, kl);
    RADX_VM_TAKE(p, w->li, int32_t, k);
    RADX_VM_TAKE(p, w->angles, int, 3 * RADX_VGLRLM_MAXANG);
    RADX_VM_TAKE(p, w->stamp, uint32_t, (size_t)ng + 1);
}

/* Runs of angle a over the box (dims zyx, li) into cnt (n x L); returns the number of runs, 0
 * (and cnt zeroed) when no line holds more than one voxel taking part. */
RADX_HD uint64_t radx_vglrlm_count(const long long dims[3], const int32_t *li, int n, long long L, const int *ang,
                                   uint32_t *cnt)
{
    uint64_t runs = 0;
    int multi = 0;
    for (size_t e = 0; e < (size_t)n * (size_t)L; e++) cnt[e] = 0;
    for (long long z = 0; z < dims[0]; z++)
        for (long long y = 0; y < dims[1]; y++)
            for (long long x = 0; x < dims[2]; x++) {
                if (!radx_glrlm_is_line_start(dims, z, y, x, ang)) continue;
                radx_glrlm_run run;
                int g;
                long long rl;
                radx_glrlm_run_init(&run);
                for (long long s = 0;; s++) {
                    const long long v = radx_glrlm_along(dims, z, y, x, ang, s);
                    if (v < 0) break;
                    if (radx_glrlm_run_step(&run, li[v], &g, &rl)) {
                        cnt[radx_glrlm_cell(g, rl, L)]++;
                        runs++;
                    }
                }
                if (radx_glrlm_run_end(&run, &g, &rl)) {
                    cnt[radx_glrlm_cell(g, rl, L)]++;
                    runs++;
                }
                if (run.elems > 1) multi = 1;
            }
    if (!multi) {
        for (size_t e = 0; e < (size_t)n * (size_t)L; e++) cnt[e] = 0;
        runs = 0;
    }
    return runs;
}

/* The GLRLM features (out[0..GLRLM_F_COUNT)) of the kernel of the ROI voxel at A index ai.
 * Returns 0, or -1 when the box would give more angles than the workspace holds (cannot happen). */
RADX_HD int radx_vglrlm_voxel(const radx_vglrlm_in *in, int64_t ai, radx_vglrlm_ws *w, double *out)
{
    int64_t k0[3], k1[3];
    radx_vm_kernel_box(in->dim, in->r, in->f2d_xyz, ai, k0, k1);
    const int64_t kx = k1[0] - k0[0] + 1, ky = k1[1] - k0[1] + 1, kz = k1[2] - k0[2] + 1;
    for (int k = 0; k < GLRLM_F_COUNT; k++) out[k] = NAN;
    const long long dims[3] = {kz, ky, kx};
    long long L = dims[0];
    if (dims[1] > L) L = dims[1];
    if (dims[2] > L) L = dims[2];
    /* the kernel's levels, ascending, and each box voxel's level index */
    radx_vm_mark_levels(in->dim, in->mk, in->gl, k0, k1, w->stamp);
    const int n = radx_vm_index_levels(w->stamp, in->ng, w->vals, NULL);
    radx_vm_level_index(in->dim, in->mk, in->gl, k0, k1, w->stamp, w->li);
    radx_vm_unmark_levels(w->stamp, w->vals, n); /* zero again for the next voxel */
    const int dist1 = 1;
    const int na = radx_angles_build(dims, &dist1, 1, 0, in->force2d_dim, w->angles, RADX_VGLRLM_MAXANG);
    if (na < 0) return -1;
    const size_t nl = (size_t)n * (size_t)L;
    if (in->norm != 0) { /* weightingNorm: one matrix sum_a w_a P_a, added in angle order */
        for (size_t e = 0; e < nl; e++) w->wsum[e] = 0.0;
        for (int a = 0; a < na; a++) {
            radx_vglrlm_count(dims, w->li, n, L, w->angles + 3 * a, w->cnt);
            const double wgt = radx_glrlm_weight(w->angles + 3 * a, in->spacing_zyx, in->norm);
            for (size_t e = 0; e < nl; e++) w->wsum[e] += wgt * (double)w->cnt[e];
        }
        radx_glrlm_matrix_features(n, L, w->vals, w->wsum, w->pg, w->pr, out);
        return 0;
    }
    for (int a = 0; a < na; a++) {
        radx_vglrlm_count(dims, w->li, n, L, w->angles + 3 * a, w->cnt);
        for (size_t e = 0; e < nl; e++) w->P[e] = (double)w->cnt[e];
        radx_glrlm_matrix_features(n, L, w->vals, w->P, w->pg, w->pr, w->res + (size_t)a * GLRLM_F_COUNT);
    }
    for (int k = 0; k < GLRLM_F_COUNT; k++) out[k] = radx_vm_nanmean(w->res, na, GLRLM_F_COUNT, k);
    return 0;
}
#endif
