/* SPDX-License-Identifier: BSD-3-Clause */
/* Voxel maps, GLDM: the features of one ROI voxel's kernel, as radx_gldm_compute gives them on
 * the kernel box (PyRadiomics 3.0.1's voxel mode; see the top of host/pipeline/voxelmap.c), written once for
 * the CPU map loop and a device kernel:
 *   - the levels are those of the kernel's voxels (ascending);
 *   - the neighbourhood is radx_angles_build's bidirectional offsets for the box (the `distances`
 *     setting, force2D), as radx_tex_nbhd_build makes them;
 *   - each voxel's dependence count (kernels/rules/gldm_rules.h's rule, neighbours inside the box and
 *     taking part), counted into a dense (level, dependence size) histogram, whose non-zero cells
 *     in (level, size) order are the entries radx_szm_aggregate's dense branch gives;
 *   - the features by radx_szm_features_core (kernels/rules/size_matrix_features.h) and radx_gldm_out.
 * RADX_HD; no allocation: the caller passes the workspace (radx_vgldm_ws_size). */
#ifndef RADX_VOXEL_GLDM_H
#define RADX_VOXEL_GLDM_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include "rules/angles.h"
#include "rules/gldm_rules.h"
#include "rules/host_device.h"
#include "rules/size_matrix_features.h"
#include "rules/voxel_rules.h"

/* GLDM output slots from the shared features (radx_gldm_features order, host/features/feature_tables.c);
 * the deprecated DependencePercentage and GrayLevelNonUniformityNormalized get NaN (PyRadiomics
 * reports no value for them). */
#define RADX_GLDM_NOUT 16
RADX_HD void radx_gldm_out(const radx_szm_feats *f, double *out)
{
    out[0] = f->ent;   /* DependenceEntropy */
    out[1] = f->sn;    /* DependenceNonUniformity */
    out[2] = f->snn;   /* DependenceNonUniformityNormalized */
    out[3] = NAN;      /* DependencePercentage: deprecated */
    out[4] = f->jvar;  /* DependenceVariance */
    out[5] = f->gln;   /* GrayLevelNonUniformity */
    out[6] = NAN;      /* GrayLevelNonUniformityNormalized: deprecated */
    out[7] = f->glv;   /* GrayLevelVariance */
    out[8] = f->hgl;   /* HighGrayLevelEmphasis */
    out[9] = f->le;    /* LargeDependenceEmphasis */
    out[10] = f->lehg; /* LargeDependenceHighGrayLevelEmphasis */
    out[11] = f->lelg; /* LargeDependenceLowGrayLevelEmphasis */
    out[12] = f->lgl;  /* LowGrayLevelEmphasis */
    out[13] = f->se;   /* SmallDependenceEmphasis */
    out[14] = f->sehg; /* SmallDependenceHighGrayLevelEmphasis */
    out[15] = f->selg; /* SmallDependenceLowGrayLevelEmphasis */
}

/* What every voxel of one map image type shares: the description the GLDM, GLRLM, GLSZM and
 * NGTDM rules take (each reads the fields it needs). */
typedef struct radx_vgldm_in {
    int64_t dim[3];    /* A's size, x y z */
    const uint8_t *mk; /* voxel takes part in kernels */
    const int32_t *gl; /* gray level (0 outside mk) */
    int ng;            /* the ROI's largest level */
    int r, f2d_xyz;    /* kernelRadius; force2D axis (x y z) or -1 */
    int force2d_dim;   /* force2D axis in numpy order, or -1 */
    const int *distances;
    int ndist, dmax;
    int alpha;             /* gldm_a */
    int norm;              /* weightingNorm (radx_wnorm; GLRLM) */
    double spacing_zyx[3]; /* for the weighting (GLRLM) */
} radx_vgldm_in;

/* Neighbour offsets a kernel box can have (bound): (2 dmax + 1)^3. */
RADX_HD int64_t radx_vgldm_maxoff(int dmax)
{
    const int64_t e = 2 * (int64_t)dmax + 1;
    return e * e * e;
}

typedef struct radx_vgldm_ws {
    uint32_t *stamp;  /* ng + 1: level -> 1 + its index while a voxel is processed, else 0 */
    double *ivals;    /* kmax: the kernel's levels */
    int *off;         /* 3 * maxoff */
    int64_t *hist;    /* kmax * (maxoff + 2): dense (level index, dependence size) counts */
    int32_t *egi;     /* entries: kmax */
    int64_t *ej, *ec; /* kmax each */
    int64_t *pg, *ps; /* kmax; maxoff + 2 */
} radx_vgldm_ws;

RADX_HD size_t radx_vgldm_ws_size(int64_t kmax, int ng, int dmax)
{
    const size_t mo = (size_t)radx_vgldm_maxoff(dmax), k = (size_t)kmax;
    return ((size_t)ng + 1) * 4 + k * 8 + 3 * mo * 4 + k * (mo + 2) * 8 + k * 4 + 2 * k * 8 + k * 8 + (mo + 2) * 8 +
           12 * 8;
}

RADX_HD void radx_vgldm_ws_carve(void *mem, int64_t kmax, int ng, int dmax, radx_vgldm_ws *w)
{
    const size_t mo = (size_t)radx_vgldm_maxoff(dmax), k = (size_t)kmax;
    char *p = (char *)mem;
    RADX_VM_TAKE(p, w->ivals, double, k);
    RADX_VM_TAKE(p, w->hist, int64_t, k * (mo + 2));
    RADX_VM_TAKE(p, w->ej, int64_t, k);
    RADX_VM_TAKE(p, w->ec, int64_t, k);
    RADX_VM_TAKE(p, w->pg, int64_t, k);
    RADX_VM_TAKE(p, w->ps, int64_t, mo + 2);
    RADX_VM_TAKE(p, w->off, int, 3 * mo);
    RADX_VM_TAKE(p, w->egi, int32_t, k);
    RADX_VM_TAKE(p, w->stamp, uint32_t, (size_t)ng + 1);
}

/* The GLDM features (out[0..RADX_GLDM_NOUT)) of the kernel of the ROI voxel at A index ai.
 * Returns 0, or -1 when the offsets do not fit the workspace (cannot happen for valid settings). */
RADX_HD int radx_vgldm_voxel(const radx_vgldm_in *in, int64_t ai, radx_vgldm_ws *w, double *out)
{
    int64_t k0[3], k1[3];
    radx_vm_kernel_box(in->dim, in->r, in->f2d_xyz, ai, k0, k1);
    const int64_t kx = k1[0] - k0[0] + 1, ky = k1[1] - k0[1] + 1, kz = k1[2] - k0[2] + 1;
    for (int k = 0; k < RADX_GLDM_NOUT; k++) out[k] = NAN;
#define RADX_VD_AT(x, y, z) radx_vm_at(in->dim, k0, (x), (y), (z))
    /* the kernel's levels, ascending */
    radx_vm_mark_levels(in->dim, in->mk, in->gl, k0, k1, w->stamp);
    const int ngp = radx_vm_index_levels(w->stamp, in->ng, w->ivals, NULL);
    /* the box's neighbourhood */
    const long long box[3] = {kz, ky, kx};
    const int na =
        radx_angles_build(box, in->distances, in->ndist, 1, in->force2d_dim, w->off, (int)radx_vgldm_maxoff(in->dmax));
    if (na < 0) {
        radx_vm_unmark_levels(w->stamp, w->ivals, ngp);
        return -1;
    }
    const int64_t jmax = (int64_t)na + 1, cols = jmax + 1;
    for (int64_t e = 0; e < (int64_t)ngp * cols; e++) w->hist[e] = 0;
    int64_t nz = 0;
    for (int64_t z = 0; z < kz; z++)
        for (int64_t y = 0; y < ky; y++)
            for (int64_t x = 0; x < kx; x++) {
                const int64_t i = RADX_VD_AT(x, y, z);
                if (!in->mk[i]) continue;
                const int32_t g = in->gl[i];
                int dep = 0;
                for (int a = 0; a < na; a++) {
                    const int64_t zz = z + w->off[3 * a], yy = y + w->off[3 * a + 1], xx = x + w->off[3 * a + 2];
                    if (zz < 0 || zz >= kz || yy < 0 || yy >= ky || xx < 0 || xx >= kx) continue;
                    const int64_t nb = RADX_VD_AT(xx, yy, zz);
                    if (in->mk[nb] && radx_gldm_dependent(g, in->gl[nb], in->alpha)) dep++;
                }
                w->hist[(int64_t)(w->stamp[g] - 1) * cols + radx_gldm_size_of(dep)]++;
                nz++;
            }
#undef RADX_VD_AT
    radx_vm_unmark_levels(w->stamp, w->ivals, ngp); /* zero again for the next voxel */
    /* entries in (level, size) order */
    int64_t ne = 0;
    for (int g = 0; g < ngp; g++)
        for (int64_t jj = 1; jj <= jmax; jj++) {
            const int64_t c = w->hist[(int64_t)g * cols + jj];
            if (!c) continue;
            w->egi[ne] = g;
            w->ej[ne] = jj;
            w->ec[ne] = c;
            ne++;
        }
    radx_szm_feats f;
    radx_szm_features_core(w->egi, w->ej, w->ec, ne, ngp, jmax, nz, w->ivals, w->pg, w->ps, &f);
    radx_gldm_out(&f, out);
    return 0;
}
#endif
