/* SPDX-License-Identifier: BSD-3-Clause */
/* Voxel maps, NGTDM: the features of one ROI voxel's kernel, as radx_ngtdm_compute gives them on
 * the kernel box (PyRadiomics 3.0.1's voxel mode; see the top of host/pipeline/voxelmap.c), written once for
 * the CPU map loop and a device kernel:
 *   - the neighbourhood is radx_angles_build's bidirectional offsets for the box (`distances`,
 *     force2D), as radx_tex_nbhd_build makes them;
 *   - each voxel taking part adds 1 to n_i and its absolute gray tone difference
 *     (kernels/rules/ngtdm_rules.h, neighbours inside the box and taking part) to s_i of its level, in C
 *     order over the box, as radx_ngtdm_accumulate sums them;
 *   - the features by radx_ngtdm_features_core (kernels/rules/ngtdm_features.h), Nvp = the voxels taking
 *     part.
 * RADX_HD; no allocation: the caller passes the workspace (radx_vngtdm_ws_size). */
#ifndef RADX_VOXEL_NGTDM_H
#define RADX_VOXEL_NGTDM_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include "rules/angles.h"
#include "rules/ngtdm_features.h"
#include "rules/ngtdm_rules.h"
#include "rules/host_device.h"
#include "rules/voxel_gldm.h" /* radx_vgldm_in (the same description), radx_vgldm_maxoff */
#include "rules/voxel_rules.h"

/* NGTDM uses GLDM's description of the image type (alpha unused). */
typedef radx_vgldm_in radx_vngtdm_in;

typedef struct radx_vngtdm_ws {
    int64_t *ni;          /* ng + 1, zero between voxels */
    double *si;           /* ng + 1, zero between voxels */
    double *pv, *sv, *iv; /* min(kmax, ng) + 1 */
    int *off;             /* 3 * maxoff */
} radx_vngtdm_ws;

RADX_HD size_t radx_vngtdm_ws_size(int64_t kmax, int ng, int dmax)
{
    const size_t g = (size_t)ng + 1, k = (size_t)(kmax < (int64_t)ng ? kmax : (int64_t)ng) + 1;
    return g * 8 * 2 + 3 * k * 8 + 3 * (size_t)radx_vgldm_maxoff(dmax) * 4 + 8 * 8;
}

RADX_HD void radx_vngtdm_ws_carve(void *mem, int64_t kmax, int ng, int dmax, radx_vngtdm_ws *w)
{
    const size_t g = (size_t)ng + 1, k = (size_t)(kmax < (int64_t)ng ? kmax : (int64_t)ng) + 1;
    char *p = (char *)mem;
    RADX_VM_TAKE(p, w->ni, int64_t, g);
    RADX_VM_TAKE(p, w->si, double, g);
    RADX_VM_TAKE(p, w->pv, double, k);
    RADX_VM_TAKE(p, w->sv, double, k);
    RADX_VM_TAKE(p, w->iv, double, k);
    RADX_VM_TAKE(p, w->off, int, 3 * (size_t)radx_vgldm_maxoff(dmax));
}

/* The NGTDM features (out[0..RADX_NGTDM_NOUT)) of the kernel of the ROI voxel at A index ai.
 * Returns 0, or -1 when the offsets do not fit the workspace (cannot happen for valid settings). */
RADX_HD int radx_vngtdm_voxel(const radx_vngtdm_in *in, int64_t ai, radx_vngtdm_ws *w, double *out)
{
    int64_t k0[3], k1[3];
    radx_vm_kernel_box(in->dim, in->r, in->f2d_xyz, ai, k0, k1);
    const int64_t kx = k1[0] - k0[0] + 1, ky = k1[1] - k0[1] + 1, kz = k1[2] - k0[2] + 1;
    for (int k = 0; k < RADX_NGTDM_NOUT; k++) out[k] = NAN;
    const long long box[3] = {kz, ky, kx};
    const int na =
        radx_angles_build(box, in->distances, in->ndist, 1, in->force2d_dim, w->off, (int)radx_vgldm_maxoff(in->dmax));
    if (na < 0) return -1;
#define RADX_VN_AT(x, y, z) radx_vm_at(in->dim, k0, (x), (y), (z))
    int64_t nvp = 0;
    for (int64_t z = 0; z < kz; z++)
        for (int64_t y = 0; y < ky; y++)
            for (int64_t x = 0; x < kx; x++) {
                const int64_t i = RADX_VN_AT(x, y, z);
                if (!in->mk[i]) continue;
                int64_t count = 0, sum = 0;
                for (int a = 0; a < na; a++) {
                    const int64_t zz = z + w->off[3 * a], yy = y + w->off[3 * a + 1], xx = x + w->off[3 * a + 2];
                    if (zz < 0 || zz >= kz || yy < 0 || yy >= ky || xx < 0 || xx >= kx) continue;
                    const int64_t nb = RADX_VN_AT(xx, yy, zz);
                    if (in->mk[nb]) {
                        count++;
                        sum += in->gl[nb];
                    }
                }
                w->ni[in->gl[i]]++;
                w->si[in->gl[i]] += radx_ngtdm_absdiff(in->gl[i], count, sum);
                nvp++;
            }
#undef RADX_VN_AT
    radx_ngtdm_features_core(w->ni, w->si, in->ng, (double)nvp, w->pv, w->sv, w->iv, out);
    for (int g = 0; g <= in->ng; g++) { /* zero again for the next voxel */
        w->ni[g] = 0;
        w->si[g] = 0.0;
    }
    return 0;
}
#endif
