/* SPDX-License-Identifier: BSD-3-Clause */
/* Voxel maps, GLSZM: the features of one ROI voxel's kernel, as radx_glszm_compute gives them on
 * the kernel box (PyRadiomics 3.0.1's voxel mode; see the top of host/pipeline/voxelmap.c), written once for
 * the CPU map loop and a device kernel:
 *   - the levels are those of the kernel's voxels (ascending);
 *   - zones by flood fill over the GLSZM neighbourhood of the box (kernels/rules/glszm_rules.h:
 *     radx_angles_build, distance 1, bidirectional, force2D), seeds in C order;
 *   - the (level, zone size) items sorted into (level, size) order and counted: the entries of
 *     radx_szm_aggregate's dense branch;
 *   - the features by radx_szm_features_core (kernels/rules/size_matrix_features.h) and radx_glszm_out.
 * RADX_HD; no allocation: the caller passes the workspace (radx_vglszm_ws_size). */
#ifndef RADX_VOXEL_GLSZM_H
#define RADX_VOXEL_GLSZM_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include "rules/angles.h"
#include "rules/glszm_rules.h"
#include "rules/host_device.h"
#include "rules/size_matrix_features.h"
#include "rules/voxel_gldm.h" /* radx_vgldm_in (the same description) */
#include "rules/voxel_rules.h"

/* GLSZM output slots from the shared features (radx_glszm_features order, host/features/feature_tables.c);
 * np: the ROI voxels (the sum of the zone sizes). */
#define RADX_GLSZM_NOUT 16
RADX_HD void radx_glszm_out(const radx_szm_feats *f, int64_t nz, int64_t np, double *out)
{
    out[0] = f->gln;                   /* GrayLevelNonUniformity */
    out[1] = f->glnn;                  /* GrayLevelNonUniformityNormalized */
    out[2] = f->glv;                   /* GrayLevelVariance */
    out[3] = f->hgl;                   /* HighGrayLevelZoneEmphasis */
    out[4] = f->le;                    /* LargeAreaEmphasis */
    out[5] = f->lehg;                  /* LargeAreaHighGrayLevelEmphasis */
    out[6] = f->lelg;                  /* LargeAreaLowGrayLevelEmphasis */
    out[7] = f->lgl;                   /* LowGrayLevelZoneEmphasis */
    out[8] = f->sn;                    /* SizeZoneNonUniformity */
    out[9] = f->snn;                   /* SizeZoneNonUniformityNormalized */
    out[10] = f->se;                   /* SmallAreaEmphasis */
    out[11] = f->sehg;                 /* SmallAreaHighGrayLevelEmphasis */
    out[12] = f->selg;                 /* SmallAreaLowGrayLevelEmphasis */
    out[13] = f->ent;                  /* ZoneEntropy */
    out[14] = (double)nz / (double)np; /* ZonePercentage: Nz / Np */
    out[15] = f->jvar;                 /* ZoneVariance */
}

/* GLSZM uses GLDM's description of the image type (distances and alpha unused: distance 1). */
typedef radx_vgldm_in radx_vglszm_in;

typedef struct radx_vglszm_ws {
    uint32_t *stamp;  /* ng + 1: level -> 1 + its index while a voxel is processed, else 0 */
    double *ivals;    /* kmax */
    int *off;         /* 3 * 27 */
    int32_t *open;    /* kmax: level of a box voxel not yet in a zone, else 0 */
    int64_t *stack;   /* kmax */
    int64_t *key;     /* kmax: zone items as level index * (kmax + 1) + size, then sorted */
    int32_t *egi;     /* kmax: entries */
    int64_t *ej, *ec; /* kmax each */
    int64_t *pg, *ps; /* kmax; kmax + 1 */
} radx_vglszm_ws;

RADX_HD size_t radx_vglszm_ws_size(int64_t kmax, int ng)
{
    const size_t k = (size_t)kmax;
    return ((size_t)ng + 1) * 4 + k * 8 + 81 * 4 + k * 4 + k * 8 * 2 + k * 4 + k * 8 * 2 + k * 8 + (k + 1) * 8 + 12 * 8;
}

RADX_HD void radx_vglszm_ws_carve(void *mem, int64_t kmax, int ng, radx_vglszm_ws *w)
{
    const size_t k = (size_t)kmax;
    char *p = (char *)mem;
    RADX_VM_TAKE(p, w->ivals, double, k);
    RADX_VM_TAKE(p, w->stack, int64_t, k);
    RADX_VM_TAKE(p, w->key, int64_t, k);
    RADX_VM_TAKE(p, w->ej, int64_t, k);
    RADX_VM_TAKE(p, w->ec, int64_t, k);
    RADX_VM_TAKE(p, w->pg, int64_t, k);
    RADX_VM_TAKE(p, w->ps, int64_t, k + 1);
    RADX_VM_TAKE(p, w->off, int, 81);
    RADX_VM_TAKE(p, w->open, int32_t, k);
    RADX_VM_TAKE(p, w->egi, int32_t, k);
    RADX_VM_TAKE(p, w->stamp, uint32_t, (size_t)ng + 1);
}

/* The GLSZM features (out[0..RADX_GLSZM_NOUT)) of the kernel of the ROI voxel at A index ai.
 * Returns 0, or -1 when the offsets do not fit the workspace (cannot happen). */
RADX_HD int radx_vglszm_voxel(const radx_vglszm_in *in, int64_t ai, radx_vglszm_ws *w, double *out)
{
    int64_t k0[3], k1[3];
    radx_vm_kernel_box(in->dim, in->r, in->f2d_xyz, ai, k0, k1);
    const int64_t kx = k1[0] - k0[0] + 1, ky = k1[1] - k0[1] + 1, kz = k1[2] - k0[2] + 1, nb = kx * ky * kz;
    for (int k = 0; k < RADX_GLSZM_NOUT; k++) out[k] = NAN;
    const long long box[3] = {kz, ky, kx};
    const int dist1 = 1;
    const int na = radx_angles_build(box, &dist1, 1, 1, in->force2d_dim, w->off, 27);
    if (na < 0) return -1;
    /* the box's open labels and the kernel's levels */
    int64_t np = 0;
    for (int64_t z = 0; z < kz; z++)
        for (int64_t y = 0; y < ky; y++)
            for (int64_t x = 0; x < kx; x++) {
                const int64_t i = radx_vm_at(in->dim, k0, x, y, z);
                const int32_t lab = radx_glszm_open_label(in->mk[i] != 0, in->gl[i]);
                w->open[x + kx * (y + ky * z)] = lab;
                if (lab) {
                    w->stamp[lab] = 1;
                    np++;
                }
            }
    const int ngp = radx_vm_index_levels(w->stamp, in->ng, w->ivals, NULL);
    /* zones by flood fill, seeds in C order; item key = level index * (nb + 1) + size */
    int64_t nzones = 0, maxsize = 0;
    for (int64_t v = 0; v < nb; v++) {
        const int32_t gl = w->open[v];
        if (!gl) continue;
        int64_t top = 1, size = 0;
        w->open[v] = 0;
        w->stack[0] = v;
        while (top > 0) {
            const int64_t c = w->stack[--top];
            const int64_t x = c % kx, y = (c / kx) % ky, z = c / (kx * ky);
            size++;
            for (int a = 0; a < na; a++) {
                const int64_t zz = z + w->off[3 * a], yy = y + w->off[3 * a + 1], xx = x + w->off[3 * a + 2];
                if (zz < 0 || zz >= kz || yy < 0 || yy >= ky || xx < 0 || xx >= kx) continue;
                const int64_t n = xx + kx * (yy + ky * zz);
                if (!radx_glszm_joins_open(gl, w->open[n])) continue;
                w->open[n] = 0;
                w->stack[top++] = n;
            }
        }
        w->key[nzones++] = (int64_t)(w->stamp[gl] - 1) * (nb + 1) + size;
        if (size > maxsize) maxsize = size;
    }
    radx_vm_unmark_levels(w->stamp, w->ivals, ngp); /* zero again for the next voxel */
    /* items into (level, size) order (insertion: a few hundred at most), counted into entries */
    for (int64_t i = 1; i < nzones; i++) {
        const int64_t t = w->key[i];
        int64_t j = i - 1;
        while (j >= 0 && w->key[j] > t) {
            w->key[j + 1] = w->key[j];
            j--;
        }
        w->key[j + 1] = t;
    }
    int64_t ne = 0;
    for (int64_t i = 0; i < nzones; i++) {
        if (i > 0 && w->key[i] == w->key[i - 1]) {
            w->ec[ne - 1]++;
            continue;
        }
        w->egi[ne] = (int32_t)(w->key[i] / (nb + 1));
        w->ej[ne] = w->key[i] % (nb + 1);
        w->ec[ne] = 1;
        ne++;
    }
    radx_szm_feats f;
    radx_szm_features_core(w->egi, w->ej, w->ec, ne, ngp, maxsize, nzones, w->ivals, w->pg, w->ps, &f);
    radx_glszm_out(&f, nzones, np, out);
    return 0;
}
#endif
