/* SPDX-License-Identifier: BSD-3-Clause */
/* Gray Level Size Zone Matrix features, reproducing PyRadiomics 3.0.1 (glszm.py and
 * cmatrices.c calculate_glszm / fill_glszm).
 *
 * Zones are found with an iterative flood fill (each ROI voxel pushed once; O(N * Na)), using
 * the neighbour rule of kernels/rules/glszm_rules.h over the GLSZM angles (distance 1, bidirectional).
 * The matrix is kept sparse (host/features/size_matrix.c, shared with GLDM): the (gray level, size)
 * pairs of the zones are aggregated into distinct entries with integer counts, so memory stays
 * O(zones) where PyRadiomics allocates Ng x maxZoneSize.  Gray levels absent from the ROI and
 * zone sizes that never occur carry no entry, which is what PyRadiomics' row/column deletion
 * does; the features use the actual gray values (coefficients['grayLevels']) and actual zone
 * sizes (jvector).
 *
 * Three steps (host/features/texture_common.h), shared with the CUDA entry point (kernels/cuda/glszm.cu, which
 * finds the zones by union-find and gives the same matrix): radx_glszm_setup, the matrix
 * (radx_glszm_matrix here), radx_glszm_from_matrix. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rules/glszm_rules.h"
#include "rules/voxel_glszm.h" /* radx_glszm_out */
#include "core/error.h"
#include "params/params.h"
#include "features/features.h"
#include "features/size_matrix.h"
#include "features/texture_common.h"

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
static int64_t fill_zone(const radx_tex_nbhd *nhp, int64_t v, int32_t gl, int32_t *RADX_RESTRICT open,
                         int64_t *RADX_RESTRICT stack, int32_t *RADX_RESTRICT stack_xyz)
{
    const radx_tex_nbhd nh = *nhp; /* a local copy: its fields stay in registers */
    const int na = nh.na, *off = nh.off;
    const int64_t *flat = nh.flat, *dims = nh.dims;
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
        if (radx_tex_inner(&nh, z, y, x)) {
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

radx_status radx_glszm_setup(const radx_texture_input *in, const radx_params *p, double *out, radx_tex_nbclass *s,
                             radx_err *err)
{
    const int dist1 = 1;
    int f2d = -1;
    radx_status st;
    memset(s, 0, sizeof *s);
    st = radx_tex_check_neighbourhood(in, p, "glszm", radx_glszm_nfeatures, 0, out, s->dims, &f2d, err);
    if (st != RADX_OK) return st;
    s->nvox = s->dims[0] * s->dims[1] * s->dims[2];

    /* gray levels present in the ROI */
    st = radx_tex_roi_levels(in, "glszm", &s->n_roi, &s->lut, &s->ivals, &s->ngp, err);
    if (st != RADX_OK) return st;

    st = radx_tex_nbhd_build(s->dims, &dist1, 1, f2d, "glszm", &s->nh, err);
    if (st != RADX_OK) radx_tex_nbclass_free(s);
    return st;
}

/* Union-find over the zones of the slabs (radx_glszm_stitch): a set's root is its smallest id,
 * the part whose first voxel comes first in C order. */
static int64_t stitch_find(int64_t *parent, int64_t x)
{
    while (parent[x] != x) {
        parent[x] = parent[parent[x]]; /* path halving */
        x = parent[x];
    }
    return x;
}

static void stitch_union(int64_t *parent, int64_t a, int64_t b)
{
    a = stitch_find(parent, a);
    b = stitch_find(parent, b);
    if (a < b)
        parent[b] = a;
    else if (b < a)
        parent[a] = b;
}

radx_status radx_glszm_stitch(const radx_texture_input *in, const radx_tex_nbclass *s, const radx_szm_slab *sl, int nsl,
                              radx_szm_sparse *m, radx_err *err)
{
    const int64_t ny = s->dims[1], nx = s->dims[2], nxy = ny * nx;
    int64_t total = 0, nzones = 0, jmax = 0;
    radx_status st = RADX_OK;
    memset(m, 0, sizeof *m);
    for (int a = 0; a < s->nh.na; a++)
        if (s->nh.off[3 * a] > 1 || s->nh.off[3 * a] < -1)
            return radx_seterr(err, RADX_ERR_ARG, "glszm: slabs need neighbours at most one slice away");
    for (int k = 0; k < nsl; k++) total += sl[k].nzones;
    int64_t *parent = malloc(sizeof *parent * (size_t)(total > 0 ? total : 1));
    int64_t *base = malloc(sizeof *base * (size_t)(nsl + 1));
    int64_t *size = calloc((size_t)(total > 0 ? total : 1), sizeof *size);
    int32_t *ogi = malloc(sizeof *ogi * (size_t)(total > 0 ? total : 1));
    int64_t *oj = malloc(sizeof *oj * (size_t)(total > 0 ? total : 1));
    if (!parent || !base || !size || !ogi || !oj) {
        st = radx_seterr(err, RADX_ERR_NOMEM, "glszm: out of memory stitching %lld zones", (long long)total);
        goto done;
    }
    base[0] = 0;
    for (int k = 0; k < nsl; k++) base[k + 1] = base[k] + sl[k].nzones;
    for (int64_t i = 0; i < total; i++) parent[i] = i;
    /* a voxel of a slab's first slice joins the zone of a neighbour in the slice below (the
     * previous slab's last): dz = -1 visits each such pair once (the angles are mirrored) */
    for (int k = 0; k + 1 < nsl; k++) {
        const int64_t zb = sl[k + 1].z0;
        for (int a = 0; a < s->nh.na; a++) {
            const int *o = s->nh.off + 3 * a;
            if (o[0] != -1) continue;
            for (int64_t y = 0; y < ny; y++) {
                const int64_t yy = y + o[1];
                if (yy < 0 || yy >= ny) continue;
                for (int64_t x = 0; x < nx; x++) {
                    const int64_t xx = x + o[2];
                    if (xx < 0 || xx >= nx) continue;
                    const int64_t ov = sl[k + 1].bottom[y * nx + x], ou = sl[k].top[yy * nx + xx];
                    if (ov < 0 || ou < 0) continue;
                    const int64_t v = zb * nxy + y * nx + x, u = (zb - 1) * nxy + yy * nx + xx;
                    if (radx_glszm_joins(in->gl[v], in->roi[u] != 0, in->gl[u]))
                        stitch_union(parent, base[k + 1] + ov, base[k] + ou);
                }
            }
        }
    }
    for (int k = 0; k < nsl; k++)
        for (int64_t i = 0; i < sl[k].nzones; i++) size[stitch_find(parent, base[k] + i)] += sl[k].j[i];
    /* the roots in id order: the zones in the C order of their first voxel */
    for (int k = 0; k < nsl; k++)
        for (int64_t i = 0; i < sl[k].nzones; i++) {
            const int64_t id = base[k] + i;
            if (parent[id] != id) continue;
            ogi[nzones] = sl[k].gi[i];
            oj[nzones] = size[id];
            if (size[id] > jmax) jmax = size[id];
            nzones++;
        }
    if (nzones > 0 && radx_szm_aggregate(nzones, ogi, oj, s->ngp, jmax, m) < 0)
        st = radx_seterr(err, RADX_ERR_NOMEM, "glszm: out of memory (%lld zones)", (long long)nzones);
done:
    free(parent);
    free(base);
    free(size);
    free(ogi);
    free(oj);
    return st;
}

radx_status radx_glszm_matrix(const radx_texture_input *in, const radx_tex_nbclass *s, radx_szm_sparse *m,
                              radx_err *err)
{
    const int64_t nvox = s->nvox, n_roi = s->n_roi;
    int64_t v, nzones = 0, maxsize = 0;
    int32_t *zone_gi = NULL;
    int64_t *zone_size = NULL, *stack = NULL;
    int32_t *stack_xyz = NULL, *open = NULL; /* see fill_zone */
    radx_status st = RADX_OK;

    memset(m, 0, sizeof *m);
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

    /* flood fill, zone by zone; zones in the C order of their first voxel */
    for (v = 0; v < nvox; v++) {
        const int32_t gl = open[v];
        if (!gl) continue;
        const int64_t size = fill_zone(&s->nh, v, gl, open, stack, stack_xyz);
        zone_gi[nzones] = s->lut[gl];
        zone_size[nzones] = size;
        nzones++;
        if (size > maxsize) maxsize = size;
    }
    free(stack);
    stack = NULL;
    free(stack_xyz);
    stack_xyz = NULL;
    free(open);
    open = NULL;

    if (radx_szm_aggregate(nzones, zone_gi, zone_size, s->ngp, maxsize, m) < 0)
        st = radx_seterr(err, RADX_ERR_NOMEM, "glszm: out of memory (%lld zones)", (long long)nzones);

done:
    free(stack);
    free(stack_xyz);
    free(open);
    free(zone_gi);
    free(zone_size);
    return st;
}

radx_status radx_glszm_from_matrix(const radx_tex_nbclass *s, const radx_szm_sparse *m, double *out, radx_err *err)
{
    radx_szm_feats f;
    if (radx_szm_features(m, s->ngp, s->ivals, &f) < 0)
        return radx_seterr(err, RADX_ERR_NOMEM, "glszm: out of memory (%lld zones)", (long long)m->nz);

    radx_glszm_out(&f, m->nz, s->n_roi, out); /* kernels/rules/voxel_glszm.h */
    return RADX_OK;
}

radx_status radx_glszm_compute(const radx_texture_input *in, const radx_params *p, double *out, radx_err *err)
{
    radx_tex_nbclass s;
    radx_szm_sparse m;
    radx_status st = radx_glszm_setup(in, p, out, &s, err);
    if (st != RADX_OK) return st;
    st = radx_glszm_matrix(in, &s, &m, err);
    if (st == RADX_OK) st = radx_glszm_from_matrix(&s, &m, out, err);
    radx_szm_sparse_free(&m);
    radx_tex_nbclass_free(&s);
    return st;
}
