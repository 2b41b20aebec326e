/* SPDX-License-Identifier: BSD-3-Clause */
/* IBSI-1 texture classes with their aggregation methods (IBSI-1 manual, "Aggregating features"
 * of each texture family):
 *   2D, averaged          features of every (slice, direction) matrix, averaged;
 *   2D, slice-merged      per slice the direction matrices merged, features averaged over slices;
 *   2.5D, direction-merged per direction the slice matrices merged, features averaged over directions;
 *   2.5D, merged          every slice and direction matrix merged into one;
 *   3D, averaged          features of every 3-D direction matrix, averaged;
 *   3D, merged            the 3-D direction matrices merged into one;
 *   2D / 2.5D / 3D        classes without directions: per slice averaged / slices merged / volume.
 * Merging adds counts; the voxel count N_v of a merged matrix is the sum of its parts' (run, zone
 * and dependence count percentages).  Matrices use every level 1..Ng (Ng = the discretisation's
 * largest level in the ROI).  Slices are planes across force2Ddimension; in a slice, neighbours and
 * directions stay in plane (8-connected zones, 4-connected distance), in 3D they are 26- and
 * 6-connected.  Directions and neighbourhoods follow the `distances` setting (Chebyshev norm).
 * Features come from the same per-matrix formulas as the PyRadiomics classes
 * (kernels/rules/glcm_features.h, size_matrix_features.h, ngtdm_features.h) and are filled into the
 * class's table by IBSI tag. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "features/angular_classes.h"
#include "features/ibsi_texture.h"
#include "features/texture_common.h"
#include "rules/angles.h"
#include "rules/glcm_features.h"
#include "rules/gldm_rules.h"
#include "rules/ngtdm_features.h"
#include "rules/size_matrix_features.h"

int radx_class_directional(radx_class c) { return c == RADX_CLASS_GLCM || c == RADX_CLASS_GLRLM; }

radx_aggregation radx_aggregation_for_class(radx_class c, radx_aggregation a, const radx_params *p)
{
    if (a == RADX_AGG_PYRADIOMICS)
        return (c == RADX_CLASS_GLDZM || c == RADX_CLASS_NGLDM) ? (p->force2d ? RADX_AGG_25D : RADX_AGG_3D) : a;
    if (radx_class_directional(c)) return a; /* a bare dimension is not a directional method */
    switch (a) {
    case RADX_AGG_2D_AVG:
    case RADX_AGG_2D_SMRG: return RADX_AGG_2D;
    case RADX_AGG_25D_DMRG:
    case RADX_AGG_25D_VMRG: return RADX_AGG_25D;
    case RADX_AGG_3D_AVG:
    case RADX_AGG_3D_MRG: return RADX_AGG_3D;
    default: return a;
    }
}

/* ---- geometry: the box, its units (slices or the volume), directions and neighbours ---------- */

typedef struct tex_geom {
    int64_t d[3]; /* box size (z, y, x) */
    int axis;     /* slice axis (numpy), -1 for 3-D */
    int nunit;    /* slices, or 1 */
    int ndir;
    int dir[3 * RADX_MAX_ANGLES]; /* one of each +-pair (GLCM, GLRLM) */
    int nzone;                    /* zone linkage: offsets with Chebyshev norm 1 */
    int zone[3 * 26];
    radx_tex_nbhd nh; /* NGTDM, NGLDM: every neighbour offset (NGLDM: GLDM's rule, kernels/rules/gldm_rules.h) */
    const int32_t *gl;
    const uint8_t *roi;
} tex_geom;

/* Directions from the `distances` setting (GLRLM: distance 1, its runs step one voxel). */
static radx_status geom_init(tex_geom *g, radx_class c, const radx_texture_input *in, const radx_params *p, int two_d,
                             radx_err *err)
{
    const long long size[3] = {in->dims_zyx[0], in->dims_zyx[1], in->dims_zyx[2]};
    const int one = 1;
    memcpy(g->d, in->dims_zyx, sizeof g->d);
    g->axis = two_d ? p->force2d_dimension : -1;
    g->nunit = two_d ? (int)g->d[g->axis] : 1;
    g->gl = in->gl;
    g->roi = in->roi;
    const int *dist = c == RADX_CLASS_GLRLM ? &one : p->distances, ndist = c == RADX_CLASS_GLRLM ? 1 : p->n_distances;
    g->ndir = radx_angles_build(size, dist, ndist, 0, g->axis, g->dir, RADX_MAX_ANGLES);
    g->nzone = radx_angles_build(size, &one, 1, 1, g->axis, g->zone, 26);
    if (g->ndir < 0 || g->nzone < 0)
        return radx_seterr(err, RADX_ERR_PARAM, "texture: distances: invalid value (< 1) or more than %d angles",
                           RADX_MAX_ANGLES);
    if (c == RADX_CLASS_NGTDM)
        return radx_tex_nbhd_build(g->d, p->distances, p->n_distances, g->axis, "ngtdm", &g->nh, err);
    if (c != RADX_CLASS_NGLDM) return RADX_OK;
    if (!(p->gldm_a >= 0.0) || p->gldm_a > 2147483647.0 || p->gldm_a != floor(p->gldm_a))
        return radx_seterr(err, RADX_ERR_PARAM, "gldm_a: %g is not an integer >= 0", p->gldm_a);
    return radx_tex_nbhd_build(g->d, p->distances, p->n_distances, g->axis, "ngldm", &g->nh, err);
}

/* The voxel range of unit u (-1: every unit). */
typedef struct unit_box {
    int64_t lo[3], hi[3];
} unit_box;

static unit_box unit_range(const tex_geom *g, int u)
{
    unit_box b;
    for (int k = 0; k < 3; k++) {
        b.lo[k] = 0;
        b.hi[k] = g->d[k];
    }
    if (u >= 0 && g->axis >= 0) {
        b.lo[g->axis] = u;
        b.hi[g->axis] = u + 1;
    }
    return b;
}

/* Index of (z, y, x) + off, or -1 outside the box. */
static int64_t step(const tex_geom *g, int64_t z, int64_t y, int64_t x, const int *off)
{
    z += off[0];
    y += off[1];
    x += off[2];
    if (z < 0 || y < 0 || x < 0 || z >= g->d[0] || y >= g->d[1] || x >= g->d[2]) return -1;
    return x + g->d[2] * (y + g->d[1] * z);
}

/* Every voxel (z, y, x), flat index i, of unit u; break and continue act on the x loop. */
#define FOR_UNIT(g, u, z, y, x, i)                                          \
    for (unit_box b_ = unit_range(g, u), *once_ = &b_; once_; once_ = NULL) \
        for (int64_t z = b_.lo[0]; z < b_.hi[0]; z++)                       \
            for (int64_t y = b_.lo[1]; y < b_.hi[1]; y++)                   \
                for (int64_t x = b_.lo[2], i = x + g->d[2] * (y + g->d[1] * z); x < b_.hi[2]; x++, i++)

/* ---- matrices --------------------------------------------------------------------------------- */

/* A count matrix of ng rows (levels 1..ng) by ncol columns, with the voxel count N_v behind it. */
typedef struct count_matrix {
    int ng;
    int64_t ncol;
    double *c;
    double nv;
} count_matrix;

static void cm_clear(count_matrix *m)
{
    memset(m->c, 0, (size_t)m->ng * (size_t)m->ncol * sizeof *m->c);
    m->nv = 0;
}

/* GLCM of unit u (-1: all), direction a (-1: all), symmetric, added to m (ng x ng). */
static void add_glcm(const tex_geom *g, int u, int a, count_matrix *m)
{
    const int ng = m->ng;
    for (int k = a < 0 ? 0 : a; k < (a < 0 ? g->ndir : a + 1); k++) {
        FOR_UNIT(g, u, z, y, x, i)
        {
            const int32_t l = g->gl[i];
            if (l <= 0) continue;
            const int64_t j = step(g, z, y, x, g->dir + 3 * k);
            if (j < 0 || g->gl[j] <= 0) continue;
            m->c[(size_t)(l - 1) * ng + (size_t)(g->gl[j] - 1)] += 1.0;
            m->c[(size_t)(g->gl[j] - 1) * ng + (size_t)(l - 1)] += 1.0;
        }
    }
}

/* GLRLM of unit u (-1: all), direction a (-1: all), added to m (ng x (longest run + 1)); N_v
 * grows by the unit's ROI voxels once per direction. */
static void add_glrlm(const tex_geom *g, int u, int a, count_matrix *m)
{
    for (int k = a < 0 ? 0 : a; k < (a < 0 ? g->ndir : a + 1); k++) {
        const int *d = g->dir + 3 * k;
        const int back[3] = {-d[0], -d[1], -d[2]};
        FOR_UNIT(g, u, z, y, x, i)
        {
            const int32_t l = g->gl[i];
            if (l <= 0) continue;
            m->nv += 1.0;
            const int64_t prev = step(g, z, y, x, back);
            if (prev >= 0 && g->gl[prev] == l) continue; /* not the start of a run */
            int64_t len = 1, zz = z, yy = y, xx = x, j;
            while ((j = step(g, zz, yy, xx, d)) >= 0 && g->gl[j] == l) {
                zz += d[0];
                yy += d[1];
                xx += d[2];
                len++;
            }
            m->c[(size_t)(l - 1) * m->ncol + (size_t)len] += 1.0;
        }
    }
}

/* Distance to the ROI border, 1 on the border (IBSI's iterative erosion with the 6- or
 * 4-connected element: a breadth-first search from the voxels beside the outside); 0 outside.
 * The box edge is outside. */
static int32_t *border_distance(const tex_geom *g, const uint8_t *morph)
{
    const int64_t n = g->d[0] * g->d[1] * g->d[2];
    int32_t *dist = calloc((size_t)n, sizeof *dist);
    int64_t *queue = malloc((size_t)n * sizeof *queue), head = 0, tail = 0;
    static const int face[6][3] = {{1, 0, 0}, {-1, 0, 0}, {0, 1, 0}, {0, -1, 0}, {0, 0, 1}, {0, 0, -1}};
    if (!dist || !queue) {
        free(dist);
        free(queue);
        return NULL;
    }
    FOR_UNIT(g, -1, z, y, x, i)
    {
        if (!morph[i]) continue;
        for (int f = 0; f < 6; f++) {
            if (g->axis >= 0 && face[f][g->axis] != 0) continue;
            const int64_t j = step(g, z, y, x, face[f]);
            if (j < 0 || !morph[j]) {
                dist[i] = 1;
                queue[tail++] = i;
                break;
            }
        }
    }
    while (head < tail) {
        const int64_t i = queue[head++];
        const int64_t x = i % g->d[2], y = (i / g->d[2]) % g->d[1], z = i / (g->d[2] * g->d[1]);
        for (int f = 0; f < 6; f++) {
            if (g->axis >= 0 && face[f][g->axis] != 0) continue;
            const int64_t j = step(g, z, y, x, face[f]);
            if (j >= 0 && morph[j] && !dist[j]) {
                dist[j] = dist[i] + 1;
                queue[tail++] = j;
            }
        }
    }
    free(queue);
    return dist;
}

/* The zones of a matrix build: level, size and smallest border distance of each, with the ROI
 * voxels behind them. */
typedef struct zone_list {
    int64_t n, cap;
    int32_t *level;
    int64_t *size, *dist;
    double nv;
} zone_list;

static int zone_push(zone_list *z, int32_t level, int64_t size, int64_t dist)
{
    if (z->n == z->cap) {
        const int64_t cap = z->cap ? 2 * z->cap : 1024;
        int32_t *l = realloc(z->level, (size_t)cap * sizeof *l);
        if (l) z->level = l;
        int64_t *s = realloc(z->size, (size_t)cap * sizeof *s);
        if (s) z->size = s;
        int64_t *d = realloc(z->dist, (size_t)cap * sizeof *d);
        if (d) z->dist = d;
        if (!l || !s || !d) return -1;
        z->cap = cap;
    }
    z->level[z->n] = level;
    z->size[z->n] = size;
    z->dist[z->n] = dist;
    z->n++;
    return 0;
}

/* Appends the zones of unit u (-1: the whole box as one unit) to zl: same-level voxels linked by
 * the zone offsets; dist (optional) gives each zone's smallest border distance.  label and queue:
 * scratch, one per box voxel. */
static radx_status add_zones(const tex_geom *g, int u, const int32_t *dist, int64_t *label, int64_t *queue,
                             zone_list *zl)
{
    FOR_UNIT(g, u, z, y, x, i) label[i] = 0;
    int64_t next = 0;
    FOR_UNIT(g, u, z, y, x, i)
    {
        const int32_t l = g->gl[i];
        if (l <= 0 || label[i]) continue;
        int64_t head = 0, tail = 0, dmin = INT64_MAX;
        label[i] = ++next;
        queue[tail++] = i;
        while (head < tail) {
            const int64_t v = queue[head++];
            const int64_t vx = v % g->d[2], vy = (v / g->d[2]) % g->d[1], vz = v / (g->d[2] * g->d[1]);
            if (dist && dist[v] < dmin) dmin = dist[v];
            for (int k = 0; k < g->nzone; k++) {
                const int64_t j = step(g, vz, vy, vx, g->zone + 3 * k);
                if (j >= 0 && g->gl[j] == l && !label[j]) {
                    label[j] = next;
                    queue[tail++] = j;
                }
            }
        }
        if (zone_push(zl, l, tail, dist ? dmin : 0)) return RADX_ERR_NOMEM;
        zl->nv += (double)tail;
    }
    return RADX_OK;
}

/* NGTDM of unit u: n_i in m->c[i * 2], s_i in m->c[i * 2 + 1]; N_v counts the voxels with a
 * neighbour. */
static void add_ngtdm(const tex_geom *g, int u, count_matrix *m)
{
    FOR_UNIT(g, u, z, y, x, i)
    {
        const int32_t l = g->gl[i];
        if (l <= 0) continue;
        double sum = 0.0;
        int cnt = 0;
        for (int k = 0; k < g->nh.na; k++) {
            const int64_t j = step(g, z, y, x, g->nh.off + 3 * k);
            if (j >= 0 && g->gl[j] > 0) {
                sum += g->gl[j];
                cnt++;
            }
        }
        if (!cnt) continue;
        m->c[(size_t)(l - 1) * 2] += 1.0;
        m->c[(size_t)(l - 1) * 2 + 1] += fabs((double)l - sum / cnt);
        m->nv += 1.0;
    }
}

/* NGLDM of unit u (coarseness alpha = gldm_a): dependence count k + 1 of every ROI voxel, by GLDM's
 * per-voxel rule (the CUDA GLDM stage's too). */
static void add_ngldm(const tex_geom *g, int u, int alpha, count_matrix *m)
{
    FOR_UNIT(g, u, z, y, x, i)
    {
        const int32_t l = g->gl[i];
        if (l <= 0) continue;
        const int dep =
            radx_gldm_voxel_dependence(&g->nh, g->gl, g->roi, i, z, y, x, radx_tex_inner(&g->nh, z, y, x), alpha);
        m->c[(size_t)(l - 1) * m->ncol + (size_t)radx_gldm_size_of(dep)] += 1.0;
        m->nv += 1.0;
    }
}

/* ---- features of one matrix, in IBSI's order -------------------------------------------------- */

static const char *const glcm_tags[] = {
    "Fcm.joint.max",    "Fcm.joint.avg",         "Fcm.joint.var",     "Fcm.joint.entr",  "Fcm.diff.avg",
    "Fcm.diff.var",     "Fcm.diff.entr",         "Fcm.sum.avg",       "Fcm.sum.var",     "Fcm.sum.entr",
    "Fcm.energy",       "Fcm.contrast",          "Fcm.dissimilarity", "Fcm.inv.diff",    "Fcm.inv.diff.norm",
    "Fcm.inv.diff.mom", "Fcm.inv.diff.mom.norm", "Fcm.inv.var",       "Fcm.corr",        "Fcm.auto.corr",
    "Fcm.clust.tend",   "Fcm.clust.shade",       "Fcm.clust.prom",    "Fcm.info.corr.1", "Fcm.info.corr.2"};
/* glcm_features.h's slot of each tag above */
static const int glcm_slots[] = {GLCM_F_MAXP,    GLCM_F_JAVG,     GLCM_F_SSQ,    GLCM_F_JENT, GLCM_F_DAVG,
                                 GLCM_F_DVAR,    GLCM_F_DENT,     GLCM_F_SAVG,   GLCM_F_SVAR, GLCM_F_SENT,
                                 GLCM_F_JENERGY, GLCM_F_CONTRAST, GLCM_F_DISSIM, GLCM_F_ID,   GLCM_F_IDN,
                                 GLCM_F_IDM,     GLCM_F_IDMN,     GLCM_F_INVVAR, GLCM_F_CORR, GLCM_F_AUTOCORR,
                                 GLCM_F_CTEND,   GLCM_F_CSHADE,   GLCM_F_CPROM,  GLCM_F_IMC1, GLCM_F_IMC2};
#define N_GLCM 25

/* The 16 features the run, zone, distance and dependence matrices share, in IBSI's order; the
 * class's prefix ("Frlm.") and names differ. */
static const char *const rlm_tags[] = {"Frlm.sre",    "Frlm.lre",       "Frlm.lgre",   "Frlm.hgre",
                                       "Frlm.srlge",  "Frlm.srhge",     "Frlm.lrlge",  "Frlm.lrhge",
                                       "Frlm.glnu",   "Frlm.glnu.norm", "Frlm.rlnu",   "Frlm.rlnu.norm",
                                       "Frlm.r.perc", "Frlm.gl.var",    "Frlm.rl.var", "Frlm.rl.entr"};
static const char *const szm_tags[] = {"Fszm.sze",    "Fszm.lze",       "Fszm.lgze",   "Fszm.hgze",
                                       "Fszm.szlge",  "Fszm.szhge",     "Fszm.lzlge",  "Fszm.lzhge",
                                       "Fszm.glnu",   "Fszm.glnu.norm", "Fszm.zsnu",   "Fszm.zsnu.norm",
                                       "Fszm.z.perc", "Fszm.gl.var",    "Fszm.zs.var", "Fszm.zs.entr"};
static const char *const dzm_tags[] = {"Fdzm.sde",    "Fdzm.lde",       "Fdzm.lgze",   "Fdzm.hgze",
                                       "Fdzm.sdlge",  "Fdzm.sdhge",     "Fdzm.ldlge",  "Fdzm.ldhge",
                                       "Fdzm.glnu",   "Fdzm.glnu.norm", "Fdzm.zdnu",   "Fdzm.zdnu.norm",
                                       "Fdzm.z.perc", "Fdzm.gl.var",    "Fdzm.zd.var", "Fdzm.zd.entr"};
static const char *const ngl_tags[] = {
    "Fngl.lde",     "Fngl.hde",    "Fngl.lgce",   "Fngl.hgce",      "Fngl.ldlge",    "Fngl.ldhge",
    "Fngl.hdlge",   "Fngl.hdhge",  "Fngl.glnu",   "Fngl.glnu.norm", "Fngl.dcnu",     "Fngl.dcnu.norm",
    "Fngl.dc.perc", "Fngl.gl.var", "Fngl.dc.var", "Fngl.dc.entr",   "Fngl.dc.energy"};
static const char *const ngt_tags[] = {"Fngt.coarseness", "Fngt.contrast", "Fngt.busyness", "Fntg.complexity",
                                       "Fngt.strength"};
#define N_SZM 16
#define N_MAX 25

/* Workspace of the per-matrix features; entries (gi, j, c) hold a level x count matrix's
 * non-zero cells, ent_cap of them. */
typedef struct feat_ws {
    radx_glcm_ws glcm;
    double *vals, *s, *pv, *sv, *iv; /* levels; NGTDM's s_i (ng + 1) and its scratch */
    int *ivals;
    int64_t ent_cap;
    int32_t *gi;
    int64_t *j, *c, *pg, *ps, *key;
} feat_ws;

static int glcm_features(const count_matrix *m, feat_ws *w, double *f)
{
    const int ng = m->ng;
    const size_t nn = (size_t)ng * (size_t)ng;
    double total = 0.0, all[GLCM_F_COUNT];
    for (size_t e = 0; e < nn; e++) total += m->c[e];
    if (total == 0.0) return 0;
    for (size_t e = 0; e < nn; e++) w->glcm.p[e] = m->c[e] / total;
    const radx_glcm_levels lv = {ng, ng, w->vals, w->ivals};
    radx_glcm_matrix_features(&lv, &w->glcm, all);
    /* IBSI's dissimilarity is the difference average and its sum variance the cluster tendency:
     * the identities for which PyRadiomics deprecated both */
    all[GLCM_F_DISSIM] = all[GLCM_F_DAVG];
    all[GLCM_F_SVAR] = all[GLCM_F_CTEND];
    for (int k = 0; k < N_GLCM; k++) f[k] = all[glcm_slots[k]];
    return 1;
}

/* The 16 shared features (+ the dependence count energy as f[16]) of the n entries in w, whose
 * counts sum to total, over N_v = nv voxels. */
static void szm_vector(const int32_t *gi, const int64_t *j, const int64_t *c, int64_t n, int ng, int64_t jmax,
                       int64_t total, double nv, const double *vals, int64_t *pg, int64_t *ps, double *f)
{
    radx_szm_feats s;
    radx_szm_features_core(gi, j, c, n, ng, jmax, total, vals, pg, ps, &s);
    double energy = 0.0;
    for (int64_t e = 0; e < n; e++) energy += ((double)c[e] / total) * ((double)c[e] / total);
    const double v[N_SZM + 1] = {
        s.se,  s.le,   s.lgl, s.hgl, s.selg, s.sehg, s.lelg, s.lehg, s.gln, s.glnn, s.sn, s.snn, (double)total / nv,
        s.glv, s.jvar, s.ent, energy};
    memcpy(f, v, sizeof v);
}

static int entry_features(feat_ws *w, int64_t n, int ng, int64_t jmax, int64_t total, double nv, double *f)
{
    if (!total) return 0;
    szm_vector(w->gi, w->j, w->c, n, ng, jmax, total, nv, w->vals, w->pg, w->ps, f);
    return 1;
}

/* A dense level x count matrix's features. */
static int dense_features(const count_matrix *m, feat_ws *w, double *f)
{
    int64_t n = 0, total = 0, jmax = 0;
    for (int l = 0; l < m->ng; l++)
        for (int64_t j = 1; j < m->ncol; j++) {
            const int64_t c = (int64_t)m->c[(size_t)l * m->ncol + (size_t)j];
            if (!c) continue;
            w->gi[n] = l;
            w->j[n] = j;
            w->c[n] = c;
            total += c;
            if (j > jmax) jmax = j;
            n++;
        }
    return entry_features(w, n, m->ng, jmax, total, m->nv, f);
}

static int cmp_i64(const void *a, const void *b)
{
    const int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* A zone list's features by size (by_dist 0) or by border distance (1); -1 out of memory. */
static int zone_features(const zone_list *z, int by_dist, int ng, feat_ws *w, double *f)
{
    if (!z->n) return 0;
    const int64_t *col = by_dist ? z->dist : z->size;
    int64_t jmax = 0, n = 0;
    for (int64_t e = 0; e < z->n; e++)
        if (col[e] > jmax) jmax = col[e];
    if (z->n > w->ent_cap) return -1;
    for (int64_t e = 0; e < z->n; e++) w->key[e] = (int64_t)(z->level[e] - 1) * (jmax + 1) + col[e];
    qsort(w->key, (size_t)z->n, sizeof *w->key, cmp_i64);
    for (int64_t e = 0; e < z->n; e++) {
        if (n && w->key[e] == w->key[e - 1]) {
            w->c[n - 1]++;
            continue;
        }
        w->gi[n] = (int32_t)(w->key[e] / (jmax + 1));
        w->j[n] = w->key[e] % (jmax + 1);
        w->c[n] = 1;
        n++;
    }
    int64_t *ps = realloc(w->ps, ((size_t)jmax + 1) * sizeof *ps);
    if (!ps) return -1;
    w->ps = ps;
    return entry_features(w, n, ng, jmax, z->n, z->nv, f);
}

static int ngtdm_features(const count_matrix *m, feat_ws *w, double *f)
{
    if (m->nv == 0.0) return 0;
    w->pg[0] = 0;
    for (int l = 1; l <= m->ng; l++) {
        w->pg[l] = (int64_t)m->c[(size_t)(l - 1) * 2];
        w->s[l] = m->c[(size_t)(l - 1) * 2 + 1];
    }
    double out[RADX_NGTDM_NOUT]; /* Busyness, Coarseness, Complexity, Contrast, Strength */
    radx_ngtdm_features_core(w->pg, w->s, m->ng, m->nv, w->pv, w->sv, w->iv, out);
    f[0] = out[1];
    f[1] = out[3];
    f[2] = out[0];
    f[3] = out[2];
    f[4] = out[4];
    return 1;
}

/* ---- one class under one aggregation ----------------------------------------------------------- */

typedef struct class_run {
    radx_class c;
    const tex_geom *g;
    const radx_params *p;
    int32_t *dist;          /* GLDZM */
    int64_t *label, *queue; /* zones */
    count_matrix m;         /* GLCM, GLRLM, NGTDM, NGLDM */
    zone_list z;            /* GLSZM, GLDZM */
    feat_ws w;
    int nf;
} class_run;

static int zone_class(radx_class c) { return c == RADX_CLASS_GLSZM || c == RADX_CLASS_GLDZM; }

/* Clears the matrix and adds unit u (-1 all), direction a (-1 all). */
static radx_status build(class_run *r, int u, int a)
{
    if (zone_class(r->c)) {
        r->z.n = 0;
        r->z.nv = 0;
        if (u >= 0 || r->g->axis < 0) return add_zones(r->g, u, r->dist, r->label, r->queue, &r->z);
        for (int k = 0; k < r->g->nunit; k++) { /* 2.5D: zones linked within each slice */
            radx_status st = add_zones(r->g, k, r->dist, r->label, r->queue, &r->z);
            if (st) return st;
        }
        return RADX_OK;
    }
    cm_clear(&r->m);
    switch (r->c) {
    case RADX_CLASS_GLCM: add_glcm(r->g, u, a, &r->m); break;
    case RADX_CLASS_GLRLM: add_glrlm(r->g, u, a, &r->m); break;
    case RADX_CLASS_NGTDM: add_ngtdm(r->g, u, &r->m); break;
    default: add_ngldm(r->g, u, (int)r->p->gldm_a, &r->m); break;
    }
    return RADX_OK;
}

/* Features of the built matrix into f: 1, or 0 when it is empty, -1 out of memory. */
static int features(class_run *r, double *f)
{
    switch (r->c) {
    case RADX_CLASS_GLCM: return glcm_features(&r->m, &r->w, f);
    case RADX_CLASS_NGTDM: return ngtdm_features(&r->m, &r->w, f);
    case RADX_CLASS_GLSZM: return zone_features(&r->z, 0, r->m.ng, &r->w, f);
    case RADX_CLASS_GLDZM: return zone_features(&r->z, 1, r->m.ng, &r->w, f);
    default: return dense_features(&r->m, &r->w, f);
    }
}

/* Mean of the features over the matrices of every unit (per_unit) and direction (per_dir); a
 * loop that is off builds one matrix over all units or directions.  Empty matrices are skipped. */
static radx_status average(class_run *r, int per_unit, int per_dir, double *f)
{
    double sum[N_MAX] = {0}, one[N_MAX];
    int n = 0;
    const int nu = per_unit ? r->g->nunit : 1, nd = per_dir ? r->g->ndir : 1;
    for (int u = 0; u < nu; u++)
        for (int a = 0; a < nd; a++) {
            radx_status st = build(r, per_unit ? u : -1, per_dir ? a : -1);
            if (st) return st;
            const int got = features(r, one);
            if (got < 0) return RADX_ERR_NOMEM;
            if (!got) continue;
            for (int k = 0; k < r->nf; k++) sum[k] += one[k];
            n++;
        }
    for (int k = 0; k < r->nf; k++) f[k] = n ? sum[k] / n : NAN;
    return RADX_OK;
}

static radx_status aggregate(class_run *r, radx_aggregation a, double *f)
{
    switch (a) {
    case RADX_AGG_2D_AVG: return average(r, 1, 1, f);
    case RADX_AGG_2D_SMRG:
    case RADX_AGG_2D: return average(r, 1, 0, f);
    case RADX_AGG_25D_DMRG:
    case RADX_AGG_3D_AVG: return average(r, 0, 1, f);
    default: return average(r, 0, 0, f); /* 2.5D merged, 3D merged, 2.5D, 3D */
    }
}

static void run_free(class_run *r)
{
    free(r->m.c);
    free(r->z.level);
    free(r->z.size);
    free(r->z.dist);
    free(r->label);
    free(r->queue);
    free(r->dist);
    radx_glcm_ws_free(&r->w.glcm);
    free(r->w.vals);
    free(r->w.s);
    free(r->w.pv);
    free(r->w.sv);
    free(r->w.iv);
    free(r->w.ivals);
    free(r->w.gi);
    free(r->w.j);
    free(r->w.c);
    free(r->w.pg);
    free(r->w.ps);
    free(r->w.key);
}

/* The dense matrix's columns: GLCM the levels, GLRLM the longest line + 1, NGTDM (n_i, s_i),
 * NGLDM the dependence counts + 1. */
static int64_t columns(const class_run *r, int ng)
{
    const int64_t *d = r->g->d;
    switch (r->c) {
    case RADX_CLASS_GLCM: return ng;
    case RADX_CLASS_NGTDM: return 2;
    case RADX_CLASS_NGLDM: return r->g->nh.na + 2;
    case RADX_CLASS_GLRLM: return (d[0] > d[1] ? (d[0] > d[2] ? d[0] : d[2]) : (d[1] > d[2] ? d[1] : d[2])) + 1;
    default: return 0;
    }
}

static radx_status run_alloc(class_run *r, const radx_texture_input *in, const uint8_t *morph)
{
    const int ng = in->ng;
    const int64_t nbox = r->g->d[0] * r->g->d[1] * r->g->d[2];
    r->m.ng = ng;
    r->m.ncol = columns(r, ng);
    r->w.ent_cap = zone_class(r->c) ? in->n_roi : (int64_t)ng * r->m.ncol;
    if (r->m.ncol) {
        r->m.c = malloc((size_t)ng * (size_t)r->m.ncol * sizeof *r->m.c);
        if (!r->m.c) return RADX_ERR_NOMEM;
    }
    if (zone_class(r->c)) {
        r->label = malloc((size_t)nbox * sizeof *r->label);
        r->queue = malloc((size_t)nbox * sizeof *r->queue);
        r->w.key = malloc((size_t)r->w.ent_cap * sizeof *r->w.key);
        if (!r->label || !r->queue || !r->w.key) return RADX_ERR_NOMEM;
    }
    if (r->c == RADX_CLASS_GLDZM && !(r->dist = border_distance(r->g, morph ? morph : in->roi))) return RADX_ERR_NOMEM;
    if (r->c == RADX_CLASS_GLCM && radx_glcm_ws_alloc(&r->w.glcm, ng, ng, 0)) return RADX_ERR_NOMEM;
    r->w.vals = malloc((size_t)ng * sizeof *r->w.vals);
    r->w.ivals = malloc((size_t)ng * sizeof *r->w.ivals);
    r->w.s = malloc(((size_t)ng + 1) * sizeof *r->w.s);
    r->w.pv = malloc((size_t)ng * sizeof *r->w.pv);
    r->w.sv = malloc((size_t)ng * sizeof *r->w.sv);
    r->w.iv = malloc((size_t)ng * sizeof *r->w.iv);
    r->w.gi = malloc((size_t)r->w.ent_cap * sizeof *r->w.gi);
    r->w.j = malloc((size_t)r->w.ent_cap * sizeof *r->w.j);
    r->w.c = malloc((size_t)r->w.ent_cap * sizeof *r->w.c);
    r->w.pg = malloc(((size_t)ng + 1) * sizeof *r->w.pg);
    r->w.ps = malloc(((size_t)r->m.ncol + 1) * sizeof *r->w.ps);
    if (!r->w.vals || !r->w.ivals || !r->w.s || !r->w.pv || !r->w.sv || !r->w.iv || !r->w.gi || !r->w.j || !r->w.c ||
        !r->w.pg || !r->w.ps)
        return RADX_ERR_NOMEM;
    for (int l = 0; l < ng; l++) {
        r->w.vals[l] = l + 1;
        r->w.ivals[l] = l + 1;
    }
    return RADX_OK;
}

/* The memory limit against the matrices' bytes, before anything is allocated: GLCM's workspace is
 * about 6 levels^2 doubles, the dense matrices levels x columns (with their entries), zones a few
 * words per box voxel. */
static radx_status matrix_memory(radx_class c, const radx_texture_input *in, const radx_params *p, radx_err *err)
{
    const double ng = in->ng, nbox = (double)in->dims_zyx[0] * (double)in->dims_zyx[1] * (double)in->dims_zyx[2];
    const double dmax = fmax((double)in->dims_zyx[0], fmax((double)in->dims_zyx[1], (double)in->dims_zyx[2]));
    double bytes;
    switch (c) {
    case RADX_CLASS_GLCM: bytes = 48.0 * ng * ng; break;
    case RADX_CLASS_GLRLM: bytes = 40.0 * ng * (dmax + 1.0); break;
    case RADX_CLASS_NGLDM: bytes = 40.0 * ng * (2.0 * RADX_MAX_ANGLES + 2.0); break;
    case RADX_CLASS_NGTDM: bytes = 80.0 * ng; break;
    default: bytes = 48.0 * nbox + 40.0 * (double)in->n_roi; break;
    }
    (void)p;
    return radx_tex_matrix_memory(radx_class_name(c), in->ng, bytes, err);
}

static const char *const *class_tags(radx_class c, int *n)
{
    switch (c) {
    case RADX_CLASS_GLCM: *n = N_GLCM; return glcm_tags;
    case RADX_CLASS_GLRLM: *n = N_SZM; return rlm_tags;
    case RADX_CLASS_GLSZM: *n = N_SZM; return szm_tags;
    case RADX_CLASS_GLDZM: *n = N_SZM; return dzm_tags;
    case RADX_CLASS_NGLDM: *n = N_SZM + 1; return ngl_tags;
    case RADX_CLASS_NGTDM: *n = RADX_NGTDM_NOUT; return ngt_tags;
    default: *n = 0; return NULL;
    }
}

/* The class's table (out, radx_class_table order) from its features in IBSI's order (f). */
static void fill_table(radx_class c, const double *f, double *out)
{
    const radx_feature_info *tab;
    int ntab, nf;
    const char *const *tags = class_tags(c, &nf);
    radx_class_table(c, &tab, &ntab);
    for (int i = 0; i < ntab; i++) {
        out[i] = NAN;
        for (int k = 0; tab[i].ibsi && k < nf; k++)
            if (!strcmp(tab[i].ibsi, tags[k])) out[i] = f[k];
    }
}

radx_status radx_ngldm_from_gldm(const radx_szm_sparse *m, const double *ivals, int ngp, double *out, radx_err *err)
{
    double f[N_MAX];
    for (int k = 0; k < N_MAX; k++) f[k] = NAN;
    int64_t *pg = malloc(((size_t)ngp + 1) * sizeof *pg), *ps = malloc(((size_t)m->jmax + 1) * sizeof *ps);
    if (!pg || !ps) {
        free(pg);
        free(ps);
        return radx_seterr(err, RADX_ERR_NOMEM, "ngldm: out of memory");
    }
    if (m->nz > 0) szm_vector(m->gi, m->j, m->c, m->n, ngp, m->jmax, m->nz, (double)m->nz, ivals, pg, ps, f);
    fill_table(RADX_CLASS_NGLDM, f, out);
    free(pg);
    free(ps);
    return RADX_OK;
}

radx_status radx_ibsi_texture(radx_class c, radx_aggregation a, const radx_texture_input *in, const uint8_t *morph,
                              const radx_params *p, double *out, radx_err *err)
{
    const radx_feature_info *tab;
    int ntab, nf;
    const char *const *tags = class_tags(c, &nf);
    radx_class_table(c, &tab, &ntab);
    for (int i = 0; i < ntab; i++) out[i] = NAN;
    if (!tags) return radx_seterr(err, RADX_ERR_INTERNAL, "not an IBSI texture class: %d", (int)c);
    if (in->ng < 1 || in->n_roi < 1) return RADX_OK;
    radx_status st = matrix_memory(c, in, p, err);
    if (st) return st;
    a = radx_aggregation_for_class(c, a, p);
    const int two_d = a == RADX_AGG_2D_AVG || a == RADX_AGG_2D_SMRG || a == RADX_AGG_25D_DMRG ||
                      a == RADX_AGG_25D_VMRG || a == RADX_AGG_2D || a == RADX_AGG_25D;
    tex_geom *g = calloc(1, sizeof *g);
    class_run r;
    memset(&r, 0, sizeof r);
    if (!g) return radx_seterr(err, RADX_ERR_NOMEM, "%s: out of memory", radx_class_name(c));
    st = geom_init(g, c, in, p, two_d, err);
    if (!st) {
        r.c = c;
        r.g = g;
        r.p = p;
        r.nf = nf;
        double f[N_MAX];
        st = run_alloc(&r, in, morph);
        if (!st) st = aggregate(&r, a, f);
        if (st == RADX_ERR_NOMEM) st = radx_seterr(err, st, "%s: out of memory", radx_class_name(c));
        if (!st) fill_table(c, f, out);
    }
    run_free(&r);
    radx_tex_nbhd_free(&g->nh);
    free(g);
    return st;
}
