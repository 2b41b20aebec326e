/* SPDX-License-Identifier: BSD-3-Clause */
/* Gray Level Size Zone Matrix features, reproducing PyRadiomics 3.0.1 (glszm.py and
 * cmatrices.c calculate_glszm / fill_glszm).
 *
 * Zones are found with an iterative flood fill (each ROI voxel pushed once; O(N * Na)), using
 * the neighbour rule of kernels/glszm_rules.h over the GLSZM angles (distance 1, bidirectional).
 * The matrix is kept sparse (host/sparse_texture.c, shared with GLDM): the (gray level, size)
 * pairs of the zones are aggregated into distinct entries with integer counts, so memory stays
 * O(zones) where PyRadiomics allocates Ng x maxZoneSize.  Gray levels absent from the ROI and
 * zone sizes that never occur carry no entry, which is what PyRadiomics' row/column deletion
 * does; the features use the actual gray values (coefficients['grayLevels']) and actual zone
 * sizes (jvector). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "glszm_rules.h"
#include "radx_internal.h"
#include "sparse_texture.h"
#include "texture_common.h"

/* Pushes the neighbour nb = (z, y, x) + off onto the stack of the zone of gray level gl when it
 * joins the zone (see fill_zone); returns the new stack top. */
static inline int64_t join_zone(int64_t nb, int32_t gl, int32_t z, int32_t y, int32_t x, const int *off,
                                int32_t *RADX_RESTRICT open, int64_t *RADX_RESTRICT stack,
                                int32_t *RADX_RESTRICT stack_xyz, int64_t top)
{
    if (!radx_glszm_joins_open(gl, open[nb])) return top;
    open[nb] = 0;
    stack[top] = nb;
    stack_xyz[3 * top] = z + off[0];
    stack_xyz[3 * top + 1] = y + off[1];
    stack_xyz[3 * top + 2] = x + off[2];
    return top + 1;
}

/* Flood-fills the zone of the ROI voxel v, gray level gl, not yet in a zone, over the neighbourhood
 * nh: open[] (the gray level of the ROI voxels not yet in a zone, else 0) is set to 0 for every
 * voxel of the zone, each pushed exactly once; stack and stack_xyz (z, y, x of the stacked voxels,
 * saving divisions) have room for every ROI voxel.  Returns the zone size. */
static int64_t fill_zone(const radx_tex_nbhd *nh, int64_t v, int32_t gl, int32_t *RADX_RESTRICT open,
                         int64_t *RADX_RESTRICT stack, int32_t *RADX_RESTRICT stack_xyz)
{
    const int na = nh->na, *off = nh->off;
    const int64_t *flat = nh->flat, *dims = nh->dims;
    int64_t top = 1, size = 0;
    open[v] = 0;
    stack[0] = v;
    stack_xyz[0] = (int32_t)(v / (dims[1] * dims[2]));
    stack_xyz[1] = (int32_t)((v / dims[2]) % dims[1]);
    stack_xyz[2] = (int32_t)(v % dims[2]);
    while (top > 0) {
        const int64_t c = stack[--top];
        const int32_t z = stack_xyz[3 * top], y = stack_xyz[3 * top + 1], x = stack_xyz[3 * top + 2];
        int a;
        size++;
        if (radx_tex_inner(nh, z, y, x)) {
            for (a = 0; a < na; a++)
                top = join_zone(c + flat[a], gl, z, y, x, off + 3 * a, open, stack, stack_xyz, top);
        } else {
            for (a = 0; a < na; a++) {
                const int64_t nb = radx_tex_neighbor(z, y, x, off + 3 * a, dims);
                if (nb >= 0) top = join_zone(nb, gl, z, y, x, off + 3 * a, open, stack, stack_xyz, top);
            }
        }
    }
    return size;
}

radx_status radx_glszm_compute(const radx_texture_input *in, const radx_params *p, double *out, radx_err *err)
{
    int64_t dims[3], nvox, v, n_roi = 0, nzones = 0, maxsize = 0;
    int32_t *lut = NULL, *zone_gi = NULL;
    int64_t *zone_size = NULL, *stack = NULL;
    int32_t *stack_xyz = NULL, *open = NULL; /* see fill_zone */
    double *ivals = NULL;
    radx_tex_nbhd nh;
    int ngp = 0, f2d = -1;
    const int dist1 = 1;
    radx_status st = RADX_OK;
    radx_szm_feats f;

    memset(&nh, 0, sizeof nh);
    st = radx_tex_check_neighbourhood(in, p, "glszm", radx_glszm_nfeatures, 0, out, dims, &f2d, err);
    if (st != RADX_OK) return st;
    nvox = dims[0] * dims[1] * dims[2];

    /* gray levels present in the ROI */
    st = radx_tex_roi_levels(in, "glszm", &n_roi, &lut, &ivals, &ngp, err);
    if (st != RADX_OK) return st;

    st = radx_tex_nbhd_build(dims, &dist1, 1, f2d, "glszm", &nh, err);
    if (st != RADX_OK) goto done;

    open = malloc((size_t)nvox * sizeof *open);
    stack = malloc((size_t)n_roi * sizeof *stack);
    stack_xyz = malloc((size_t)n_roi * 3 * sizeof *stack_xyz);
    zone_gi = malloc((size_t)n_roi * sizeof *zone_gi);
    zone_size = malloc((size_t)n_roi * sizeof *zone_size);
    if (!open || !stack || !stack_xyz || !zone_gi || !zone_size) {
        st = radx_seterr(err, RADX_ERR_NOMEM, "glszm: out of memory (%lld ROI voxels)", (long long)n_roi);
        goto done;
    }
    for (v = 0; v < nvox; v++) open[v] = radx_glszm_open_label(in->roi[v] != 0, in->gl[v]);

    /* flood fill, zone by zone */
    for (v = 0; v < nvox; v++) {
        const int32_t gl = open[v];
        if (!gl) continue;
        const int64_t size = fill_zone(&nh, v, gl, open, stack, stack_xyz);
        zone_gi[nzones] = lut[gl];
        zone_size[nzones] = size;
        nzones++;
        if (size > maxsize) maxsize = size;
    }
    free(stack); stack = NULL;
    free(stack_xyz); stack_xyz = NULL;
    free(open); open = NULL;

    if (radx_szm_item_features(nzones, zone_gi, zone_size, ngp, ivals, maxsize, &f) < 0) {
        st = radx_seterr(err, RADX_ERR_NOMEM, "glszm: out of memory (%lld zones)", (long long)nzones);
        goto done;
    }

    /* order of radx_glszm_features (host/feature_tables.c) */
    out[0] = f.gln;                           /* GrayLevelNonUniformity */
    out[1] = f.glnn;                          /* GrayLevelNonUniformityNormalized */
    out[2] = f.glv;                           /* GrayLevelVariance */
    out[3] = f.hgl;                           /* HighGrayLevelZoneEmphasis */
    out[4] = f.le;                            /* LargeAreaEmphasis */
    out[5] = f.lehg;                          /* LargeAreaHighGrayLevelEmphasis */
    out[6] = f.lelg;                          /* LargeAreaLowGrayLevelEmphasis */
    out[7] = f.lgl;                           /* LowGrayLevelZoneEmphasis */
    out[8] = f.sn;                            /* SizeZoneNonUniformity */
    out[9] = f.snn;                           /* SizeZoneNonUniformityNormalized */
    out[10] = f.se;                           /* SmallAreaEmphasis */
    out[11] = f.sehg;                         /* SmallAreaHighGrayLevelEmphasis */
    out[12] = f.selg;                         /* SmallAreaLowGrayLevelEmphasis */
    out[13] = f.ent;                          /* ZoneEntropy */
    out[14] = (double)nzones / (double)n_roi; /* ZonePercentage: Nz / Np, Np = sum of zone sizes */
    out[15] = f.jvar;                         /* ZoneVariance */

done:
    radx_tex_nbhd_free(&nh);
    free(stack);
    free(stack_xyz);
    free(open);
    free(zone_gi);
    free(zone_size);
    free(ivals);
    free(lut);
    return st;
}
