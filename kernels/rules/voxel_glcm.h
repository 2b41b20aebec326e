/* SPDX-License-Identifier: BSD-3-Clause */
/* Voxel maps, GLCM: the features of one ROI voxel's kernel, as PyRadiomics 3.0.1's voxel mode
 * gives them (see the top of host/pipeline/voxelmap.c), written once for the CPU map loop and a device
 * kernel.  It is radx_glcm_compute on the kernel box with host/pipeline/voxelmap.c's phantom voxel, done
 * without building the box:
 *   - the matrix levels are the levels of the kernel's voxels plus the phantom level (the ROI's
 *     largest level when the kernel lacks it, else the smallest ROI level the kernel lacks, if
 *     any): it has no pair, so its row and column are zero, which gives PyRadiomics' Ng and
 *     MCC's zero rows;
 *   - the angles are those radx_angles_build gives for the box the segment function would see:
 *     the kernel box plus dmax + 1 columns along x (where the phantom sits);
 *   - per angle the integer counts over the kernel box (symmetrised when symmetricalGLCM), then
 *     host/features/glcm.c's steps: the weighted sum, or per-angle features and their nanmean, MCC rules,
 *     with the per-matrix features of kernels/rules/glcm_features.h.
 * RADX_HD; no allocation: the caller passes the workspace (radx_vglcm_ws_size). */
#ifndef RADX_VOXEL_GLCM_H
#define RADX_VOXEL_GLCM_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include "rules/angles.h"
#include "rules/glcm_features.h"
#include "rules/glcm_rules.h"
#include "rules/host_device.h"
#include "rules/voxel_rules.h"

/* What every voxel of one map image type shares. */
typedef struct radx_vglcm_in {
    int64_t dim[3];         /* A's size, x y z */
    const uint8_t *mk;      /* voxel takes part in kernels */
    const int32_t *gl;      /* gray level (0 outside mk) */
    const uint8_t *present; /* ng + 1: level present in the ROI */
    int ng, nlev;           /* the ROI's largest level; levels present in it */
    int r, f2d_xyz;         /* kernelRadius; force2D axis (x y z) or -1 */
    int force2d_dim;        /* force2D axis in numpy order (radx_angles_build), or -1 */
    const int *distances;
    int ndist, dmax;
    int sym, norm; /* symmetricalGLCM; weightingNorm (radx_wnorm) */
    double spacing_zyx[3];
} radx_vglcm_in;

/* The workspace of one voxel, for kernels of at most kmax voxels (radx_vm_kernel_max): nmax =
 * min(kmax, ng) + 1 matrix levels. */
typedef struct radx_vglcm_ws {
    radx_glcm_ws m;  /* per-matrix features; m.cnt holds one angle's counts */
    double *wsum;    /* nmax^2: weighted sum */
    double *vals;    /* nmax */
    int *ivals;      /* nmax */
    int32_t *li;     /* kmax: level index of each kernel-box voxel (-1: not taking part) */
    uint32_t *stamp; /* ng + 1: level -> 1 + its index while the voxel is processed, else 0 */
    int *angles;     /* 3 * RADX_MAX_ANGLES */
    double *res;     /* RADX_MAX_ANGLES * GLCM_F_COUNT: per-angle features */
    int *mcc_fail;   /* RADX_MAX_ANGLES */
} radx_vglcm_ws;

RADX_HD int radx_vglcm_nmax(int64_t kmax, int ng) { return (int)((kmax < (int64_t)ng ? kmax : (int64_t)ng) + 1); }

/* Bytes of one workspace (radx_vglcm_ws_carve lays it out in one block, 8-byte aligned). */
RADX_HD size_t radx_vglcm_ws_size(int64_t kmax, int ng)
{
    const size_t n = (size_t)radx_vglcm_nmax(kmax, ng), nn = n * n, g2 = 2 * (size_t)ng + 1;
    size_t b = 0;
    b += nn * sizeof(uint32_t) + 8;                               /* m.cnt */
    b += nn * sizeof(double) * 3;                                 /* m.p, m.q, m.cval */
    b += nn * sizeof(int) + 8;                                    /* m.crow */
    b += n * sizeof(double) * 7;                                  /* px py arow wr wi tmp sq */
    b += g2 * sizeof(double) + (size_t)ng * sizeof(double) + 8;   /* padd psub */
    b += n * sizeof(int) + 8;                                     /* act */
    b += (n + 1) * sizeof(size_t) * 2;                            /* cptr cfill */
    b += nn * sizeof(double);                                     /* wsum */
    b += n * sizeof(double) + n * sizeof(int) + 8;                /* vals ivals */
    b += (size_t)kmax * sizeof(int32_t) + 8;                      /* li */
    b += ((size_t)ng + 1) * sizeof(uint32_t) + 8;                 /* stamp */
    b += 3 * RADX_MAX_ANGLES * sizeof(int);                       /* angles */
    b += (size_t)RADX_MAX_ANGLES * GLCM_F_COUNT * sizeof(double); /* res */
    b += RADX_MAX_ANGLES * sizeof(int);                           /* mcc_fail */
    return b + 64;
}

/* Points w's arrays into the block `mem` of radx_vglcm_ws_size bytes; stamp must then be zeroed
 * once (it is kept zero between voxels). */
RADX_HD void radx_vglcm_ws_carve(void *mem, int64_t kmax, int ng, radx_vglcm_ws *w)
{
    const size_t n = (size_t)radx_vglcm_nmax(kmax, ng), nn = n * n, g2 = 2 * (size_t)ng + 1;
    char *p = (char *)mem;
    RADX_VM_TAKE(p, w->m.p, double, nn);
    RADX_VM_TAKE(p, w->m.q, double, nn);
    RADX_VM_TAKE(p, w->m.cval, double, nn);
    RADX_VM_TAKE(p, w->wsum, double, nn);
    RADX_VM_TAKE(p, w->m.px, double, n);
    RADX_VM_TAKE(p, w->m.py, double, n);
    RADX_VM_TAKE(p, w->m.arow, double, n);
    RADX_VM_TAKE(p, w->m.wr, double, n);
    RADX_VM_TAKE(p, w->m.wi, double, n);
    RADX_VM_TAKE(p, w->m.tmp, double, n);
    RADX_VM_TAKE(p, w->m.sq, double, n);
    RADX_VM_TAKE(p, w->m.padd, double, g2);
    RADX_VM_TAKE(p, w->m.psub, double, ng);
    RADX_VM_TAKE(p, w->vals, double, n);
    RADX_VM_TAKE(p, w->res, double, (size_t)RADX_MAX_ANGLES *GLCM_F_COUNT);
    RADX_VM_TAKE(p, w->m.cptr, size_t, n + 1);
    RADX_VM_TAKE(p, w->m.cfill, size_t, n + 1);
    RADX_VM_TAKE(p, w->m.cnt, uint32_t, nn);
    RADX_VM_TAKE(p, w->m.crow, int, nn);
    RADX_VM_TAKE(p, w->m.act, int, n);
    RADX_VM_TAKE(p, w->ivals, int, n);
    RADX_VM_TAKE(p, w->li, int32_t, kmax);
    RADX_VM_TAKE(p, w->stamp, uint32_t, (size_t)ng + 1);
    RADX_VM_TAKE(p, w->angles, int, 3 * RADX_MAX_ANGLES);
    RADX_VM_TAKE(p, w->mcc_fail, int, RADX_MAX_ANGLES);
}

/* Counts of angle a over the kernel box (k0..k1, A coordinates, x y z) into w->m.cnt (n x n),
 * symmetrised when in->sym; returns the total (twice the pairs when symmetrised). */
RADX_HD uint64_t radx_vglcm_count(const radx_vglcm_in *in, const int64_t k0[3], const int64_t k1[3], const int32_t *li,
                                  int n, const int *ang, uint32_t *cnt)
{
    const int64_t kx = k1[0] - k0[0] + 1, ky = k1[1] - k0[1] + 1, kz = k1[2] - k0[2] + 1;
    const int dz = ang[0], dy = ang[1], dx = ang[2];
    uint64_t total = 0;
    for (size_t e = 0; e < (size_t)n * (size_t)n; e++) cnt[e] = 0;
    for (int64_t z = 0; z < kz; z++) {
        if (z + dz < 0 || z + dz >= kz) continue;
        for (int64_t y = 0; y < ky; y++) {
            if (y + dy < 0 || y + dy >= ky) continue;
            for (int64_t x = 0; x < kx; x++) {
                if (x + dx < 0 || x + dx >= kx) continue;
                const int64_t c = x + kx * (y + ky * z), nb = (x + dx) + kx * ((y + dy) + ky * (z + dz));
                const long long cell = radx_glcm_cell(li[c], li[nb], n);
                if (cell >= 0) {
                    cnt[cell]++;
                    total++;
                }
            }
        }
    }
    if (in->sym) {
        for (int i = 0; i < n; i++) {
            cnt[(size_t)i * n + i] *= 2u;
            for (int j = i + 1; j < n; j++) {
                const uint32_t t = cnt[(size_t)i * n + j] + cnt[(size_t)j * n + i];
                cnt[(size_t)i * n + j] = t;
                cnt[(size_t)j * n + i] = t;
            }
        }
        total *= 2;
    }
    return total;
}

/* The GLCM features (out[GLCM_F_*]) of the kernel of the ROI voxel at A index ai.  Returns 0,
 * or -1 when the box would need more angles than RADX_MAX_ANGLES (an invalid setting, which the
 * segment function reports). */
RADX_HD int radx_vglcm_voxel(const radx_vglcm_in *in, int64_t ai, radx_vglcm_ws *w, double *out)
{
    int64_t k0[3], k1[3];
    radx_vm_kernel_box(in->dim, in->r, in->f2d_xyz, ai, k0, k1);
    const int64_t kx = k1[0] - k0[0] + 1, ky = k1[1] - k0[1] + 1, kz = k1[2] - k0[2] + 1;
    for (int k = 0; k < GLCM_F_COUNT; k++) out[k] = NAN;

    /* levels of the kernel's voxels, ascending, and the phantom */
    const int nk = radx_vm_mark_levels(in->dim, in->mk, in->gl, k0, k1, w->stamp);
    int ph = 0;
    if (!w->stamp[in->ng])
        ph = in->ng;
    else if (nk < in->nlev)
        for (int g = 1; g <= in->ng && !ph; g++)
            if (in->present[g] && !w->stamp[g]) ph = g;
    if (ph) w->stamp[ph] = 1;
    const int n = radx_vm_index_levels(w->stamp, in->ng, w->vals, w->ivals);
    radx_vm_level_index(in->dim, in->mk, in->gl, k0, k1, w->stamp, w->li);
    radx_vm_unmark_levels(w->stamp, w->vals, n); /* zero again for the next voxel */
    const radx_glcm_levels lv = {n, w->ivals[n - 1], w->vals, w->ivals};

    /* the angles of the box with the phantom's columns */
    const long long box[3] = {kz, ky, kx + in->dmax + 1};
    const int na = radx_angles_build(box, in->distances, in->ndist, 0, in->force2d_dim, w->angles, RADX_MAX_ANGLES);
    if (na < 0) return -1;
    const size_t nn = (size_t)n * (size_t)n;
    const double mcc_one_level = 1.0;

    if (in->norm != 0) { /* weightingNorm: one matrix sum_a w_a P_a, added in angle order */
        for (size_t e = 0; e < nn; e++) w->wsum[e] = 0.0;
        for (int a = 0; a < na; a++) {
            radx_vglcm_count(in, k0, k1, w->li, n, w->angles + 3 * a, w->m.cnt);
            const double wgt = radx_glcm_weight(w->angles + 3 * a, in->spacing_zyx, in->norm);
            for (size_t e = 0; e < nn; e++) w->wsum[e] += wgt * (double)w->m.cnt[e];
        }
        double total = 0.0;
        for (size_t e = 0; e < nn; e++) total += w->wsum[e];
        if (total == 0.0) {
            if (lv.ng == 1) out[GLCM_F_INVVAR] = 0.0;
            return 0;
        }
        for (size_t e = 0; e < nn; e++) w->m.p[e] = w->wsum[e] / total;
        radx_glcm_matrix_all(&lv, &w->m, out);
        if (n < 2) out[GLCM_F_MCC] = mcc_one_level;
        return 0;
    }
    for (int a = 0; a < na; a++) {
        double *f = w->res + (size_t)a * GLCM_F_COUNT;
        w->mcc_fail[a] = 0;
        const uint64_t total = radx_vglcm_count(in, k0, k1, w->li, n, w->angles + 3 * a, w->m.cnt);
        if (total == 0) {
            for (int j = 0; j < GLCM_F_COUNT; j++) f[j] = NAN;
            continue;
        }
        radx_glcm_normalise(w->m.cnt, w->m.p, nn, (double)total);
        w->mcc_fail[a] = radx_glcm_matrix_all(&lv, &w->m, f);
    }
    for (int k = 0; k < GLCM_F_COUNT; k++) out[k] = radx_vm_nanmean(w->res, na, GLCM_F_COUNT, k);
    if (n < 2) {
        out[GLCM_F_MCC] = mcc_one_level;
    } else {
        for (int a = 0; a < na; a++)
            if (w->mcc_fail[a]) out[GLCM_F_MCC] = NAN;
    }
    return 0;
}
#endif
