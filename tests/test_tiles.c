/* SPDX-License-Identifier: BSD-3-Clause */
/* Tiles (kernels/rules/tile_rules.h), checked on the CPU: when a box's level index does not fit on the
 * device, the CUDA GLCM counts it in z-slabs (kernels/cuda/angular_count.cuh), each slab uploaded with
 * the halo its centres' neighbours need, and adds the slabs' counts.  Here the same slabs are
 * cut, copied out of the level index as the device would receive them, and counted voxel by
 * voxel with the GPU's per-voxel rule (radx_glcm_pair, the body of the CUDA kernel's operation),
 * for every slab thickness from 1 to the whole box; the sums must equal the CPU's matrices
 * (radx_glcm_count_angle) cell for cell.  Likewise every ROI voxel's GLDM dependence (alpha 0
 * and 1) and NGTDM difference computed on a slab with its neighbourhood (radx_slab_nbhd) must
 * equal the whole box's, bit for bit.  Boxes: random ROIs and levels of many shapes (one
 * slice, thin, tall), distances 1, 2, 3 and {1, 3}, force2D.  Also the slab plan itself: the centres cover every slice once, the halo
 * stays inside the box, radx_slab_fit never exceeds the bytes it is given.
 *
 * GLRLM likewise, with the runs that cross slabs: each slab runs the GPU's whole per-voxel
 * operation (radx_glrlm_slab_voxel) over its centres, a run that goes on past them leaves its
 * length in a carry plane for the next slab (zeroed before each slab here, so that a read of a
 * slot nobody wrote shows as a wrong length), and an angle whose multiElement flag the slabs leave
 * clear is decided on the whole box (radx_glrlm_count_angle), as the CUDA GLRLM does; for every
 * slab thickness from the halo to the whole box the matrices must equal the CPU's.
 *
 * GLSZM: each slab's zones labelled alone (here by a flood fill restricted to the slab, as the
 * device's union-find labels a slab), stitched across the slab boundaries by the host
 * (radx_glszm_stitch), must give radx_glszm_matrix's entries in its order, for every thickness.
 *
 * Shape: the mesh built slab of cube layers after slab (each slab's sub-mask from only the ROI
 * slices radx_mc_slab_mask says it reads, copied into a buffer of exactly that size; cube layers
 * offset), appended, must give radx_shape_compute's features bit for bit, for every thickness. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "features/discretise.h"
#include "features/angular_classes.h"
#include "rules/glcm_rules.h"
#include "rules/glrlm_rules.h"
#include "rules/marching_cubes.h"
#include "rules/gldm_rules.h"
#include "rules/ngtdm_rules.h"
#include "features/texture_common.h"
#include "params/params.h"
#include "core/error.h"
#include "params/params.h"
#include "features/features.h"
#include "radx_test.h"
#include "rules/tile_rules.h"
#include "tex_box.h"

static long long g_slabbings, g_cells, g_nb_slabbings, g_nb_voxels;
static long long g_rl_slabbings, g_rl_carried, g_rl_host;
static long long g_sz_slabbings, g_sz_joins, g_sh_slabbings;

/* GLDM dependence and NGTDM difference of every ROI voxel, by the whole box's neighbourhood and
 * by the slabs of t centre slices (radx_slab_nbhd), must agree bit for bit (alpha 0 and 1). */
static int nbtex_tiled(const radx_texture_input *in, const int *dist, int ndist, int f2d)
{
    radx_tex_nbhd nh;
    radx_err e = {RADX_OK, "", ""};
    if (radx_tex_nbhd_build(in->dims_zyx, dist, ndist, f2d, "test", &nh, &e) != RADX_OK) {
        CHECK(0, "neighbourhood: %s", e.msg);
        return 1;
    }
    const int64_t nz = in->dims_zyx[0], nxy = in->dims_zyx[1] * in->dims_zyx[2], n = nz * nxy;
    const int h = (int)nh.margin[0];
    int bad = 0;
    int32_t *sgl = malloc(sizeof *sgl * (size_t)n);
    uint8_t *sroi = malloc((size_t)n);
    for (int64_t t = 1; t <= nz; t++)
        for (int64_t k = 0; k < radx_slab_count(nz, t); k++) {
            const radx_slab b = radx_slab_at(nz, t, h, k);
            const radx_tex_nbhd l = radx_slab_nbhd(nh, b);
            memcpy(sgl, in->gl + b.lo * nxy, sizeof *sgl * (size_t)((b.hi - b.lo) * nxy)); /* the uploads */
            memcpy(sroi, in->roi + b.lo * nxy, (size_t)((b.hi - b.lo) * nxy));
            for (int64_t c = b.z0 * nxy; c < b.z1 * nxy; c++) {
                if (!in->roi[c]) continue;
                const int64_t x = c % in->dims_zyx[2], y = (c / in->dims_zyx[2]) % in->dims_zyx[1], z = c / nxy;
                const int64_t lc = c - b.lo * nxy, lz = z - b.lo;
                for (int alpha = 0; alpha <= 1; alpha++)
                    bad += radx_gldm_voxel_dependence(&nh, in->gl, in->roi, c, z, y, x, radx_tex_inner(&nh, z, y, x),
                                                      alpha) !=
                           radx_gldm_voxel_dependence(&l, sgl, sroi, lc, lz, y, x, radx_tex_inner(&l, lz, y, x), alpha);
                const double dw =
                    radx_ngtdm_voxel_absdiff(&nh, in->gl, in->roi, c, z, y, x, radx_tex_inner(&nh, z, y, x));
                const double ds = radx_ngtdm_voxel_absdiff(&l, sgl, sroi, lc, lz, y, x, radx_tex_inner(&l, lz, y, x));
                bad += memcmp(&dw, &ds, sizeof dw) != 0;
                g_nb_voxels++;
            }
            g_nb_slabbings += k == 0;
        }
    free(sgl);
    free(sroi);
    radx_tex_nbhd_free(&nh);
    return bad;
}

/* Counts angle a of g over the slabs of t centre slices as the device does; 0 when equal to ref. */
static int count_tiled(const radx_angular_prep *g, int a, int64_t t, const uint32_t *ref, uint32_t *cnt)
{
    const int64_t nz = g->dims[0], nxy = g->dims[1] * g->dims[2];
    const int h = radx_slab_halo(g->angles, g->na);
    memset(cnt, 0, g->ncell * sizeof *cnt);
    int32_t *slab = malloc(sizeof *slab * (size_t)(radx_slab_held(nz, t, h) * nxy)); /* as the device sizes it */
    for (int64_t k = 0; k < radx_slab_count(nz, t); k++) {
        const radx_slab b = radx_slab_at(nz, t, h, k);
        memcpy(slab, g->li + b.lo * nxy, sizeof *slab * (size_t)((b.hi - b.lo) * nxy)); /* the upload */
        const long long ld[3] = {b.hi - b.lo, g->dims[1], g->dims[2]};
        for (int64_t v = (b.z0 - b.lo) * nxy; v < (b.z1 - b.lo) * nxy; v++) {
            const int level = slab[v];
            if (level < 0) continue;
            const long long x = v % ld[2], r = v / ld[2], y = r % ld[1], z = r / ld[1];
            const long long cell = radx_glcm_pair(slab, ld, z, y, x, level, g->angles + 3 * a, g->n);
            if (cell >= 0) cnt[cell]++;
        }
    }
    free(slab);
    g_slabbings++;
    g_cells += (long long)g->ncell;
    return memcmp(cnt, ref, g->ncell * sizeof *cnt) != 0;
}

/* GLRLM angle a of g over the slabs of t centre slices (t >= halo) as the CUDA engine counts it;
 * 0 when equal to ref. */
static int glrlm_tiled(const radx_angular_prep *g, int a, int64_t t, const uint32_t *ref, uint32_t *cnt)
{
    const int64_t nz = g->dims[0], nxy = g->dims[1] * g->dims[2];
    const int h = radx_slab_halo(g->angles, g->na);
    const int *ang = g->angles + 3 * a;
    const size_t plane = (size_t)(h > 0 ? h : 1) * (size_t)nxy;
    int32_t *slab = malloc(sizeof *slab * (size_t)(radx_slab_held(nz, t, h) * nxy));
    int32_t *carry[2] = {calloc(plane, sizeof(int32_t)), calloc(plane, sizeof(int32_t))};
    int multi = 0;
    memset(cnt, 0, g->ncell * sizeof *cnt);
    const int64_t nslabs = radx_slab_count(nz, t);
    for (int64_t k = 0; k < nslabs; k++) {
        const radx_slab b = radx_slab_at(nz, t, h, k);
        memcpy(slab, g->li + b.lo * nxy, sizeof *slab * (size_t)((b.hi - b.lo) * nxy));
        const long long ld[3] = {b.hi - b.lo, g->dims[1], g->dims[2]};
        const int32_t *cin = carry[(k + 1) & 1];
        int32_t *cout = carry[k & 1];
        memset(cout, 0, plane * sizeof *cout);
        for (int64_t v = (b.z0 - b.lo) * nxy; v < (b.z1 - b.lo) * nxy; v++) {
            const int level = slab[v];
            if (level < 0) continue;
            const long long x = v % ld[2], r = v / ld[2], y = r % ld[1], z = r / ld[1];
            radx_glrlm_slab_voxel(slab, ld, b.z0 - b.lo, b.z1 - b.lo, z, y, x, level, ang, g->L, cin, cout, cnt,
                                  &multi);
        }
        for (size_t i = 0; i < plane && k + 1 < nslabs; i++) g_rl_carried += cout[i] != 0;
    }
    if (!multi) {
        if (nslabs > 1) { /* the host decides on the whole box */
            radx_glrlm_count_angle(g, a, cnt);
            g_rl_host++;
        } else {
            memset(cnt, 0, g->ncell * sizeof *cnt);
        }
    }
    free(slab);
    free(carry[0]);
    free(carry[1]);
    g_rl_slabbings++;
    return memcmp(cnt, ref, g->ncell * sizeof *cnt) != 0;
}

/* The zones of the slices [z0, z1) alone, in the C order of their first voxel, and the zone
 * ordinals of the first and last slice (what the CUDA GLSZM downloads per slab). */
static void label_slab(const radx_texture_input *in, const radx_tex_nbclass *s, int64_t z0, int64_t z1,
                       radx_szm_slab *o, int64_t *lab, int64_t *stack)
{
    const int64_t ny = s->dims[1], nx = s->dims[2], nxy = ny * nx, n = (z1 - z0) * nxy;
    o->z0 = z0;
    o->z1 = z1;
    o->nzones = 0;
    o->gi = malloc(sizeof *o->gi * (size_t)n);
    o->j = malloc(sizeof *o->j * (size_t)n);
    o->bottom = malloc(sizeof *o->bottom * (size_t)nxy);
    o->top = malloc(sizeof *o->top * (size_t)nxy);
    for (int64_t v = 0; v < n; v++) lab[v] = -1;
    for (int64_t v = 0; v < n; v++) {
        const int64_t gv = z0 * nxy + v;
        if (!in->roi[gv] || lab[v] >= 0) continue;
        const int64_t id = o->nzones++;
        int64_t top = 0, size = 0;
        lab[v] = id;
        stack[top++] = v;
        while (top > 0) {
            const int64_t c = stack[--top];
            const int64_t z = c / nxy, y = (c / nx) % ny, x = c % nx;
            size++;
            for (int a = 0; a < s->nh.na; a++) {
                const int *d = s->nh.off + 3 * a;
                const int64_t zz = z + d[0], yy = y + d[1], xx = x + d[2];
                if (zz < 0 || zz >= z1 - z0 || yy < 0 || yy >= ny || xx < 0 || xx >= nx) continue;
                const int64_t nb = zz * nxy + yy * nx + xx;
                if (lab[nb] >= 0 || !in->roi[z0 * nxy + nb] || in->gl[z0 * nxy + nb] != in->gl[gv]) continue;
                lab[nb] = id;
                stack[top++] = nb;
            }
        }
        o->gi[id] = s->lut[in->gl[gv]];
        o->j[id] = size;
    }
    for (int64_t i = 0; i < nxy; i++) {
        o->bottom[i] = lab[i];
        o->top[i] = lab[(z1 - z0 - 1) * nxy + i];
    }
}

static void glszm_box(const char *what, const radx_texture_input *in, const radx_params *p)
{
    radx_tex_nbclass s;
    radx_szm_sparse ref, m;
    radx_err e = {RADX_OK, "", ""};
    double out[64];
    radx_status st = radx_glszm_setup(in, p, out, &s, &e);
    if (st == RADX_OK) st = radx_glszm_matrix(in, &s, &ref, &e);
    CHECK(st == RADX_OK, "%s: GLSZM: %s", what, e.msg);
    if (st) {
        radx_tex_nbclass_free(&s);
        return;
    }
    const int64_t nz = s.dims[0], nxy = s.dims[1] * s.dims[2];
    int64_t *lab = malloc(sizeof *lab * (size_t)s.nvox), *stack = malloc(sizeof *stack * (size_t)s.nvox);
    radx_szm_slab *sl = calloc((size_t)nz, sizeof *sl);
    int bad = 0;
    for (int64_t t = 1; t <= nz; t++) {
        const int nsl = (int)radx_slab_count(nz, t);
        int64_t parts = 0;
        for (int k = 0; k < nsl; k++) {
            const radx_slab b = radx_slab_at(nz, t, 0, k);
            label_slab(in, &s, b.z0, b.z1, &sl[k], lab + b.z0 * nxy, stack);
            parts += sl[k].nzones;
        }
        st = radx_glszm_stitch(in, &s, sl, nsl, &m, &e);
        CHECK(st == RADX_OK, "%s: stitch: %s", what, e.msg);
        if (st == RADX_OK) {
            int same = m.n == ref.n && m.jmax == ref.jmax && m.nz == ref.nz;
            for (int64_t i = 0; same && i < m.n; i++)
                same = m.gi[i] == ref.gi[i] && m.j[i] == ref.j[i] && m.c[i] == ref.c[i];
            bad += !same;
            g_sz_joins += parts - m.nz;
            radx_szm_sparse_free(&m);
        }
        for (int k = 0; k < nsl; k++) {
            free(sl[k].gi);
            free(sl[k].j);
            free(sl[k].bottom);
            free(sl[k].top);
        }
        g_sz_slabbings++;
    }
    CHECK(bad == 0, "%s: GLSZM: %d slabbings stitch to another matrix than the whole box's", what, bad);
    free(lab);
    free(stack);
    free(sl);
    radx_szm_sparse_free(&ref);
    radx_tex_nbclass_free(&s);
}

/* Shape from the mesh of slabs of t cube layers, as the CUDA shape_slabs builds it; 0 when its
 * features equal ref bit for bit. */
static int shape_tiled(const radx_shape_input *in, int64_t t, const double *ref)
{
    const int64_t d0 = in->dims_zyx[0], d1 = in->dims_zyx[1], d2 = in->dims_zyx[2];
    const int64_t P1 = d1 + 2, P2 = d2 + 2, ncl = d0 + 1, layer = (P1 - 1) * (P2 - 1);
    const int64_t maxc = (ncl)*layer;
    double *vol6 = malloc(sizeof *vol6 * (size_t)(5 * maxc + 1)), *area = malloc(sizeof *area * (size_t)(5 * maxc + 1));
    int32_t *vtx = malloc(sizeof *vtx * (size_t)(9 * maxc + 3));
    int64_t ntri = 0, nvtx = 0, np = 0;
    for (int64_t v = 0; v < d0 * d1 * d2; v++) np += in->roi[v] != 0;
    for (int64_t c0 = 0; c0 < ncl; c0 += t) {
        const int64_t c1 = c0 + t < ncl ? c0 + t : ncl, ns = c1 - c0 + 1;
        const int64_t r0 = c0 - 1 > 0 ? c0 - 1 : 0, r1 = c1 < d0 ? c1 : d0;
        const size_t held = (size_t)((r1 > r0 ? r1 - r0 : 0) * d1 * d2);
        uint8_t *roi = malloc(held ? held : 1), *m = malloc((size_t)(ns * P1 * P2));
        if (held) memcpy(roi, in->roi + r0 * d1 * d2, held);
        for (int64_t sl = 0; sl < ns; sl++)
            for (int64_t y = 0; y < P1; y++)
                for (int64_t x = 0; x < P2; x++)
                    m[(sl * P1 + y) * P2 + x] = radx_mc_slab_mask(roi, r0, r1, d1, d2, c0, sl, y, x);
        for (int64_t c = 0; c < (c1 - c0) * layer; c++) { /* the kernels' cube order */
            const int64_t ix = c % (P2 - 1), r = c / (P2 - 1), iy = r % (P1 - 1), iz = r / (P1 - 1);
            int sign;
            const int idx = radx_mc_fold(radx_mc_cube_index(m + (iz * P1 + iy) * P2 + ix, P1 * P2, P2), &sign);
            nvtx += radx_mc_cube_vertices(idx, iz + c0, iy, ix, vtx + 3 * nvtx);
            const double sp[3] = {in->spacing_zyx[0], in->spacing_zyx[1], in->spacing_zyx[2]};
            for (int k = 0; k < radx_mc_ntri(idx); k++, ntri++)
                radx_mc_triangle(iz + c0, iy, ix, idx, k, sign, sp, vol6 + ntri, area + ntri);
        }
        free(roi);
        free(m);
    }
    double out[64];
    radx_err e = {RADX_OK, "", ""};
    radx_status st = radx_shape_from_mesh(in, vol6, area, ntri, vtx, nvtx, NULL, np, out, &e);
    CHECK(st == RADX_OK, "shape from the slabs' mesh: %s", e.msg);
    int bad = st != RADX_OK;
    for (int f = 0; st == RADX_OK && f < radx_shape_nfeatures; f++)
        bad += memcmp(&out[f], &ref[f], sizeof out[f]) != 0 && !(isnan(out[f]) && isnan(ref[f]));
    free(vol6);
    free(area);
    free(vtx);
    g_sh_slabbings++;
    return bad;
}

static void shape_box(const char *what, const radx_texture_input *tin)
{
    radx_shape_input in;
    radx_params p;
    radx_err e = {RADX_OK, "", ""};
    double ref[64];
    memset(&in, 0, sizeof in);
    for (int d = 0; d < 3; d++) {
        in.dims_zyx[d] = tin->dims_zyx[d];
        in.spacing_zyx[d] = 0.5 + 0.25 * d;
    }
    in.roi = tin->roi;
    in.n_roi = tin->n_roi;
    radx_params_init_defaults(&p);
    radx_status st = radx_shape_compute(&in, &p, ref, &e);
    radx_params_clear(&p);
    CHECK(st == RADX_OK, "%s: shape: %s", what, e.msg);
    if (st) return;
    int bad = 0;
    for (int64_t t = 1; t <= in.dims_zyx[0] + 1; t++) bad += shape_tiled(&in, t, ref) != 0;
    CHECK(bad == 0, "%s: shape: %d slabbings give other features than the whole mesh", what, bad);
}

/* An angular class (GLCM or GLRLM) counted in slabs of every thickness from min(halo, 1) up (the
 * GLRLM engine needs slabs of at least the halo), against its whole-box counts. */
typedef struct ang_class {
    const char *name;
    radx_status (*prepare)(const radx_texture_input *, const radx_params *, double *, radx_angular_prep *, radx_err *);
    uint64_t (*count)(const void *, int, uint32_t *);
    int (*tiled)(const radx_angular_prep *, int, int64_t, const uint32_t *, uint32_t *);
    int t_from_halo;
} ang_class;

static void angular_box(const char *what, const ang_class *k, const radx_texture_input *in, const radx_params *p)
{
    radx_angular_prep g;
    radx_err e = {RADX_OK, "", ""};
    double out[64];
    radx_status st = k->prepare(in, p, out, &g, &e);
    CHECK(st == RADX_OK, "%s: %s prepare: %s", what, k->name, e.msg);
    if (st) return;
    const int h = radx_slab_halo(g.angles, g.na);
    uint32_t *ref = malloc(g.ncell * sizeof *ref), *cnt = malloc(g.ncell * sizeof *cnt);
    int bad = 0;
    for (int a = 0; a < g.na; a++) {
        k->count(&g, a, ref);
        for (int64_t t = k->t_from_halo && h > 1 ? h : 1; t <= g.dims[0]; t++) bad += k->tiled(&g, a, t, ref, cnt);
    }
    CHECK(bad == 0, "%s: %s: %d slabbings differ from the whole box's counts", what, k->name, bad);
    free(ref);
    free(cnt);
    radx_angular_prep_free(&g);
}

static const ang_class k_glcm = {"GLCM", radx_glcm_prepare, radx_glcm_count_angle, count_tiled, 0};
static const ang_class k_glrlm = {"GLRLM", radx_glrlm_prepare, radx_glrlm_count_angle, glrlm_tiled, 1};

static void plan_checks(void)
{
    int bad = 0;
    for (int64_t nz = 1; nz <= 40; nz++)
        for (int64_t t = 1; t <= nz + 2; t++)
            for (int h = 0; h <= 4; h++) {
                int64_t next = 0;
                for (int64_t k = 0; k < radx_slab_count(nz, t); k++) {
                    const radx_slab b = radx_slab_at(nz, t, h, k);
                    bad += b.z0 != next || b.z1 <= b.z0 || b.z1 > nz; /* centres: consecutive, once */
                    bad += b.lo != (b.z0 - h > 0 ? b.z0 - h : 0) || b.hi != (b.z1 + h < nz ? b.z1 + h : nz);
                    bad += b.hi - b.lo > radx_slab_held(nz, t, h); /* fits the buffer the device sizes */
                    next = b.z1;
                }
                bad += next != nz;
            }
    CHECK(bad == 0, "slab plan: %d faults", bad);
    /* fit: t + 2h slices of slice bytes within the bytes given, t <= nz; 0 when none */
    int fbad = 0;
    for (size_t bytes = 0; bytes < 4000; bytes += 37)
        for (int h = 0; h <= 3; h++) {
            const int64_t t = radx_slab_fit(50, h, 100, bytes);
            if (t)
                fbad +=
                    (size_t)(t + 2 * h) * 100 > bytes || t > 50 || (t < 50 && (size_t)(t + 1 + 2 * h) * 100 <= bytes);
            else
                fbad += (size_t)(1 + 2 * h) * 100 <= bytes;
        }
    CHECK(fbad == 0, "radx_slab_fit: %d faults", fbad);
    const int ang[] = {0, 1, 1, -2, 0, 1, 1, 0, 0, 3, -1, 0};
    CHECK(radx_slab_halo(ang, 4) == 3 && radx_slab_halo(ang, 2) == 2 && radx_slab_halo(ang, 1) == 0, "halo");
}

/* First order in chunks (kernels/cuda/firstorder.cu, sort_in_chunks): runs sorted one by one and
 * merged by radx_firstorder_merge_runs must give first order's features bit for bit. */
static uint64_t key_of(double v) /* the sort order of host/features/firstorder.c: -0.0 before +0.0 */
{
    uint64_t u;
    memcpy(&u, &v, sizeof u);
    return (u >> 63) ? ~u : (u | 0x8000000000000000ull);
}

static int by_key(const void *a, const void *b)
{
    const uint64_t x = key_of(*(const double *)a), y = key_of(*(const double *)b);
    return x < y ? -1 : x > y;
}

static void firstorder_chunks(void)
{
    uint64_t s = 99;
    int bad = 0, sets = 0;
    for (int t = 0; t < 12; t++) {
        const int64_t n = 1000 + 3777 * t;
        double *x = malloc(sizeof *x * (size_t)n), *runs = malloc(sizeof *runs * (size_t)n),
               *merged = malloc(sizeof *merged * (size_t)n);
        int32_t *gl = malloc(sizeof *gl * (size_t)n);
        for (int64_t i = 0; i < n; i++) {
            s = s * 6364136223846793005ull + 1442695040888963407ull;
            const int64_t r = (int64_t)(s >> 44);
            x[i] = (r % 7 == 0) ? ((r & 8) ? -0.0 : 0.0) : (double)(r % 2001 - 1000) * (t % 3 == 0 ? 0.25 : 1.5);
        }
        radx_params p;
        radx_err e = {RADX_OK, "", ""};
        radx_params_init_defaults(&p);
        double *edges = NULL;
        int nedges = 0;
        CHECK(radx_bin_edges(x, n, &p, 0, &edges, &nedges, &e) == RADX_OK, "edges: %s", e.msg);
        const int ng = radx_discretise(x, n, edges, nedges, gl);
        int64_t *hist = calloc((size_t)ng + 1, sizeof *hist);
        for (int64_t i = 0; i < n; i++) hist[gl[i]]++;
        const int k = 1 + t % 6;
        int64_t bounds[8];
        for (int r = 0; r <= k; r++) bounds[r] = n * r / k - (r > 0 && r < k ? 17 * r : 0);
        memcpy(runs, x, sizeof *x * (size_t)n);
        for (int r = 0; r < k; r++) qsort(runs + bounds[r], (size_t)(bounds[r + 1] - bounds[r]), sizeof *runs, by_key);
        CHECK(radx_firstorder_merge_runs(runs, bounds, k, merged) == 0, "merge");
        double a[64], b[64];
        CHECK(radx_firstorder_compute(x, gl, n, ng, 1.0, &p, a, &e) == RADX_OK, "first order: %s", e.msg);
        CHECK(radx_firstorder_from_sorted(merged, n, hist, ng, 1.0, &p, b, &e) == RADX_OK, "from sorted: %s", e.msg);
        for (int f = 0; f < radx_firstorder_nfeatures; f++) bad += memcmp(&a[f], &b[f], sizeof a[f]) != 0;
        for (int64_t i = 1; i < n; i++) bad += key_of(merged[i - 1]) > key_of(merged[i]);
        sets++;
        free(x);
        free(runs);
        free(merged);
        free(gl);
        free(hist);
        free(edges);
        radx_params_clear(&p);
    }
    CHECK(bad == 0, "first order from merged runs: %d differences", bad);
    printf("first order from 1 to 6 merged sorted runs: %d value sets, features equal the whole sort's\n", sets);
}

int main(void)
{
    plan_checks();
    firstorder_chunks();
    uint64_t s = 987654321;
    static const char *dist[] = {"[1]", "[2]", "[3]", "[1, 3]"};
    int boxes = 0;
    for (int c = 0; c < 36; c++) {
        const int64_t nz = 1 + c % 9, ny = 1 + (c * 5) % 8, nx = 2 + (c * 3) % 7, n = nz * ny * nx;
        const int ng = 1 + (c * 11) % 17;
        int32_t *gl = malloc(sizeof *gl * (size_t)n);
        uint8_t *roi = malloc((size_t)n);
        for (int64_t v = 0; v < n; v++) {
            s = s * 6364136223846793005ull + 1442695040888963407ull;
            roi[v] = (s >> 35) % 4 != 0 || v == 0;
            gl[v] = roi[v] ? 1 + (int32_t)((s >> 41) % (uint64_t)ng) : 0;
        }
        radx_texture_input in = tex_box(gl, roi, nz, ny, nx, ng);
        radx_params p;
        radx_err e = {RADX_OK, "", ""};
        radx_params_init_defaults(&p);
        CHECK(radx_params_set_text(&p, "distances", dist[c % 4], &e) == RADX_OK, "distances: %s", e.msg);
        if (c % 7 == 3) CHECK(radx_params_set_text(&p, "force2D", "true", &e) == RADX_OK, "force2D: %s", e.msg);
        char what[96];
        snprintf(what, sizeof what, "box %lldx%lldx%lld, %d levels, distances %s%s", (long long)nz, (long long)ny,
                 (long long)nx, ng, dist[c % 4], c % 7 == 3 ? ", force2D" : "");
        angular_box(what, &k_glcm, &in, &p);
        angular_box(what, &k_glrlm, &in, &p);
        glszm_box(what, &in, &p);
        shape_box(what, &in);
        const int nbad = nbtex_tiled(&in, p.distances, p.n_distances, p.force2d ? p.force2d_dimension : -1);
        CHECK(nbad == 0, "%s: GLDM/NGTDM: %d voxel values differ between the slabs and the whole box", what, nbad);
        boxes++;
        radx_params_clear(&p);
        free(gl);
        free(roi);
    }
    printf("GLCM counted in z-slabs of every thickness: %d random boxes, %lld slabbings (%lld cells) equal the "
           "whole box's matrices\n",
           boxes, g_slabbings, g_cells);
    printf("GLDM dependences and NGTDM differences in z-slabs: %lld slabbings, %lld voxel values equal the whole "
           "box's\n",
           g_nb_slabbings, g_nb_voxels);
    printf("GLRLM counted in z-slabs of every thickness from the halo up: %lld slabbings, %lld runs carried "
           "from one slab to the next, %lld angles decided on the host; the matrices equal the whole box's\n",
           g_rl_slabbings, g_rl_carried, g_rl_host);
    printf("GLSZM zones labelled per z-slab and stitched on the host: %lld slabbings, %lld zone parts joined "
           "across slabs; the matrices equal the whole box's entry for entry\n",
           g_sz_slabbings, g_sz_joins);
    printf("shape from the mesh built in slabs of cube layers: %lld slabbings, features equal the whole mesh's bit for "
           "bit\n",
           g_sh_slabbings);
    CHECK(g_sz_joins > 0, "GLSZM tiles: no zone crossed a slab boundary");
    CHECK(g_rl_carried > 0 && g_rl_host > 0,
          "GLRLM tiles: the boxes carried no run (%lld) or left no angle to the "
          "host (%lld)",
          g_rl_carried, g_rl_host);
    return radx_test_finish("test_tiles");
}
