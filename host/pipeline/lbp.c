/* SPDX-License-Identifier: BSD-3-Clause */
/* PyRadiomics' LBP2D and LBP3D image types (imageoperations.getLBP2DImage, getLBP3DImage): the
 * tables the rules read (kernels/rules/lbp2d_rules.h, lbp3d_rules.h), built here as scikit-image,
 * trimesh and scipy build theirs, and the runs of the backend's lbp2d and lbp3d ops over the
 * window the features read.
 *
 * LBP2D: the sample offsets of skimage's local_binary_pattern; the slices lie across
 * force2Ddimension (numpy's axis of a 3-D image, whatever force2D says; a 2-D image is one
 * slice).  A 3-D image's values are held in the image's own pixel type (PyRadiomics writes them
 * back into its array), a 2-D image's as float64.
 *
 * LBP3D: trimesh's icosphere (its icosahedron, subdivided at the edges' midpoints, which it orders
 * by (larger, smaller) vertex index, and pushed back onto the sphere after each subdivision),
 * the spherical harmonics scipy.special.sph_harm(m, n, theta, phi) at its vertices, which
 * PyRadiomics calls with theta the polar angle and phi the azimuth (sph_harm's own convention is
 * the other way round; as scipy >= 1.15 defines sph_harm through sph_harm_y(n, m, phi, theta),
 * these are xsf's recurrences at polar angle phi and azimuth theta), and scipy's cubic spline
 * coefficients of the whole image on the window the ROI's samples read.  Only the ROI's voxels
 * get values (PyRadiomics leaves the others uninitialised; here they are 0). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/dispatch.h"
#include "cpu/lbp.h"
#include "params/params.h"
#include "pipeline/pipeline.h"

/* The image's window [lo, lo + n) on every axis (need, or the whole grid) as an image of a new
 * buffer: its grid, dtype and place on the working grid. */
static radx_volbuf window_of(const radx_volbuf *img, const int64_t lo[3], const int64_t n[3], radx_dtype dt,
                             radx_buf *buf)
{
    radx_volbuf v = {img->g, dt, buf, {0, 0, 0}};
    double idx[3];
    for (int a = 0; a < 3; a++) {
        v.g.size[a] = n[a];
        v.at[a] = img->at[a] + lo[a];
        idx[a] = (double)lo[a];
    }
    radx_geom_index_to_physical(&img->g, idx, v.g.origin);
    return v;
}

/* The window the features read: need, or the whole image. */
static void read_window(const radx_volbuf *img, const radx_roi_box *need, int64_t lo[3], int64_t n[3])
{
    for (int a = 0; a < 3; a++) {
        lo[a] = need ? need->lo[a] : 0;
        n[a] = need ? need->hi[a] - need->lo[a] + 1 : img->g.size[a];
    }
}

/* ---- LBP2D ---- */

/* The slice's rows and columns (axes 0 x, 1 y, 2 z) across numpy axis d of a 3-D image: the
 * axes left after swapaxes(0, d), in numpy order; a 2-D image's rows are y, its columns x. */
static void lbp2d_axes(int ndim, int d, int *row, int *col)
{
    static const int rows[3] = {1, 2, 1}, cols[3] = {0, 0, 2};
    *row = ndim == 2 ? 1 : rows[d];
    *col = ndim == 2 ? 0 : cols[d];
}

radx_status radx_pipeline_lbp2d(const radx_volbuf *img, const radx_params *q, const radx_be *be,
                                const radx_roi_box *need, const char *ipath, radx_image_type_fn fn, void *user,
                                radx_err *err)
{
    const radx_geom *g = &img->g;
    const int P = q->lbp2d_samples;
    if (q->lbp2d_method == RADX_LBP2D_ROR && P > 32)
        return radx_seterr(err, RADX_ERR_PARAM, "%s: lbp2DMethod 'ror' takes at most 32 lbp2DSamples, not %d", ipath,
                           P);
    if (g->ndim != 2 && !q->force2d)
        radx_warn(err, "%s: LBP2D runs on 2-D slices but the features are 3-D (force2D is false); use with caution",
                  ipath);
    radx_lbp2d l;
    memset(&l, 0, sizeof l);
    l.samples = P;
    l.method = q->lbp2d_method;
    lbp2d_axes(g->ndim, q->force2d_dimension, &l.row_axis, &l.col_axis);
    l.in_dtype = img->dtype;
    l.out_dtype = g->ndim == 2 ? RADX_DT_F64 : img->dtype;
    read_window(img, need, l.out_at, l.out_dims);
    for (int a = 0; a < 3; a++) l.in_dims[a] = g->size[a];
    double *rp = malloc(sizeof *rp * 2 * (size_t)P), *cp = rp ? rp + P : NULL;
    const size_t bytes = radx_dtype_size(l.out_dtype) * (size_t)(l.out_dims[0] * l.out_dims[1] * l.out_dims[2]);
    radx_buf *out = rp ? radx_buf_alloc(be, bytes) : NULL;
    radx_status st = out ? RADX_OK : radx_seterr(err, RADX_ERR_NOMEM, "out of memory for the LBP2D image");
    if (!st) {
        for (int k = 0; k < P; k++) radx_lbp2d_offset(k, P, q->lbp2d_radius, &rp[k], &cp[k]);
        l.rp = rp;
        l.cp = cp;
        st = radx_op_lbp2d(be, &l, img, out, err);
    }
    if (!st) {
        const radx_volbuf v = window_of(img, l.out_at, l.out_dims, (radx_dtype)l.out_dtype, out);
        st = fn(user, &v, q, "lbp-2D", err);
    }
    radx_buf_free(be, out);
    free(rp);
    return st;
}

/* ---- LBP3D: trimesh's icosphere ---- */

typedef struct icosphere {
    double *v; /* [nv][3] */
    int nv;
    int (*f)[3];
    int nf;
} icosphere;

static void icosphere_free(icosphere *s)
{
    free(s->v);
    free(s->f);
}

/* trimesh's icosahedron (resources/creation.json), its vertices (+-1, +-phi, 0) and their
 * rotations over the norm sqrt(1 + phi^2). */
static int icosahedron(icosphere *s)
{
    static const int faces[20][3] = {{0, 11, 5}, {0, 5, 1},  {0, 1, 7},   {0, 7, 10}, {0, 10, 11},
                                     {1, 5, 9},  {5, 11, 4}, {11, 10, 2}, {10, 7, 6}, {7, 1, 8},
                                     {3, 9, 4},  {3, 4, 2},  {3, 2, 6},   {3, 6, 8},  {3, 8, 9},
                                     {4, 9, 5},  {2, 4, 11}, {6, 2, 10},  {8, 6, 7},  {9, 8, 1}};
    const double phi = (1.0 + sqrt(5.0)) / 2.0, norm = sqrt(1.0 + phi * phi), a = 1.0 / norm, b = phi / norm;
    const double v[12][3] = {{-a, b, 0},  {a, b, 0},  {-a, -b, 0}, {a, -b, 0}, {0, -a, b},  {0, a, b},
                             {0, -a, -b}, {0, a, -b}, {b, 0, -a},  {b, 0, a},  {-b, 0, -a}, {-b, 0, a}};
    s->v = malloc(sizeof v);
    s->f = malloc(sizeof faces);
    if (!s->v || !s->f) return -1;
    memcpy(s->v, v, sizeof v);
    memcpy(s->f, faces, sizeof faces);
    s->nv = 12;
    s->nf = 20;
    return 0;
}

/* An edge as trimesh's unique_rows orders the sorted pairs: by the larger index, then the smaller. */
static int64_t edge_key(int p, int q) { return p < q ? ((int64_t)q << 32) | p : ((int64_t)p << 32) | q; }

static int cmp_key(const void *x, const void *y)
{
    const int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
    return a < b ? -1 : a > b;
}

/* The index of edge key k among the sorted unique keys. */
static int edge_index(const int64_t *keys, int n, int64_t k)
{
    const int64_t *hit = bsearch(&k, keys, (size_t)n, sizeof *keys, cmp_key);
    return (int)(hit - keys);
}

/* The faces' edges as sorted unique keys into *keys (malloc'ed), their count in *ne. */
static int unique_edges(const icosphere *s, int64_t **keys, int *ne)
{
    int64_t *k = malloc(sizeof *k * 3 * (size_t)s->nf);
    if (!k) return -1;
    for (int f = 0; f < s->nf; f++)
        for (int e = 0; e < 3; e++) k[3 * f + e] = edge_key(s->f[f][e], s->f[f][(e + 1) % 3]);
    qsort(k, 3 * (size_t)s->nf, sizeof *k, cmp_key);
    int n = 0;
    for (int i = 0; i < 3 * s->nf; i++)
        if (i == 0 || k[i] != k[n - 1]) k[n++] = k[i];
    *keys = k;
    *ne = n;
    return 0;
}

/* trimesh.remesh.subdivide: a vertex at every edge's midpoint ((a + b) / 2, after the old ones, in
 * edge order), every face split in four. */
static int subdivide(icosphere *s)
{
    int64_t *keys = NULL;
    int ne = 0;
    if (unique_edges(s, &keys, &ne)) return -1;
    double *v = realloc(s->v, sizeof *v * 3 * (size_t)(s->nv + ne));
    int(*f)[3] = v ? malloc(sizeof *f * 4 * (size_t)s->nf) : NULL;
    if (v) s->v = v;
    if (!f) {
        free(keys);
        return -1;
    }
    for (int e = 0; e < ne; e++) {
        const int lo = (int)(keys[e] & 0xffffffff), hi = (int)(keys[e] >> 32);
        for (int d = 0; d < 3; d++) v[3 * (s->nv + e) + d] = (v[3 * lo + d] + v[3 * hi + d]) / 2;
    }
    for (int i = 0; i < s->nf; i++) {
        const int *c = s->f[i], m01 = s->nv + edge_index(keys, ne, edge_key(c[0], c[1])),
                  m12 = s->nv + edge_index(keys, ne, edge_key(c[1], c[2])),
                  m20 = s->nv + edge_index(keys, ne, edge_key(c[2], c[0]));
        const int quad[4][3] = {{c[0], m01, m20}, {m01, c[1], m12}, {m20, m12, c[2]}, {m01, m12, m20}};
        memcpy(f[4 * i], quad, sizeof quad);
    }
    free(s->f);
    s->f = f;
    s->nv += ne;
    s->nf *= 4;
    free(keys);
    return 0;
}

/* trimesh's icosphere: every vertex v moved to radius R as v + (v / |v|) (R - |v|). */
static void to_radius(icosphere *s, double R)
{
    for (int i = 0; i < s->nv; i++) {
        double *p = s->v + 3 * i;
        const double norm = sqrt((p[0] * p[0] + p[1] * p[1]) + p[2] * p[2]);
        for (int d = 0; d < 3; d++) p[d] += (p[d] / norm) * (R - norm);
    }
}

static int make_icosphere(int subdivisions, double R, icosphere *s)
{
    memset(s, 0, sizeof *s);
    if (icosahedron(s)) return -1;
    for (int i = 0; i < subdivisions; i++) {
        if (subdivide(s)) return -1;
        to_radius(s, R);
    }
    if (subdivisions <= 0) to_radius(s, R);
    return 0;
}

/* ---- LBP3D: the spherical harmonics ---- */

#define PI 3.14159265358979323846 /* M_PI, as xsf takes it */

/* xsf's sph_legendre_p for n = m_abs = |m| (sph_legendre_p_for_each_m_abs_m): the recurrence
 * from P_0^0 and P_1^1 (P_1^-1 for m < 0) in steps of 2 in |m|. */
static double legendre_mm(int m, double theta)
{
    const double s = sin(theta), fac0 = 1.0 / (2.0 * sqrt(PI));
    double fac1 = -sqrt(3.0) / (2.0 * sqrt(2.0 * PI));
    if (m < 0) fac1 = -fac1;
    double r0 = fac0, r1 = fac1 * fabs(s);
    const int ma = abs(m);
    if (ma == 0) return r0;
    for (int k = 2; k <= ma; k++) { /* r0, r1: the values at |m| k - 2 and k - 1 */
        const double fac = sqrt((double)((2 * k + 1) * (2 * k - 1)) / (double)(4 * k * (k - 1)));
        double next = 0.0;
        next += fac * s * s * r0;
        next += 0.0 * r1;
        r0 = r1;
        r1 = next;
    }
    return r1;
}

/* xsf's sph_legendre_p(n, m, theta): from P_|m|^m upwards in n by its three-term recurrence. */
static double legendre(int n, int m, double theta)
{
    const int ma = abs(m);
    const double c = cos(theta), pmm = legendre_mm(m, theta);
    double r0 = pmm, r1 = sqrt((double)(2 * ma + 3)) * c * pmm;
    if (n == ma) return r0;
    for (int k = ma + 2; k <= n; k++) {
        const double fac0 = -sqrt((double)((2 * k + 1) * ((k - 1) * (k - 1) - m * m)) /
                                  (double)((2 * k - 3) * (k * k - m * m))),
                     fac1 = sqrt((double)((2 * k + 1) * (4 * (k - 1) * (k - 1) - 1)) /
                                 (double)((2 * k - 3) * (k * k - m * m)));
        const double c1 = fac1 * c;
        double next = 0.0;
        next += fac0 * r0;
        next += c1 * r1;
        r0 = r1;
        r1 = next;
    }
    return r1;
}

/* Y[v][j] for the n < levels, |m| <= n, j = n^2 + n + m: sph_harm(m, n, theta, phi) at vertex v,
 * theta = arccos(z / R), phi = arctan2(y, x), computed as xsf's sph_harm_y(n, m, phi, theta). */
static void harmonics(const icosphere *s, double R, int levels, double *ylm)
{
    const int nh = levels * levels;
    for (int v = 0; v < s->nv; v++) {
        const double *p = s->v + 3 * v, theta = acos(p[2] / R), phi = atan2(p[1], p[0]);
        for (int n = 0; n < levels; n++)
            for (int m = -n; m <= n; m++) {
                const double pl = legendre(n, m, phi), a = (double)m * theta;
                double *y = ylm + 2 * ((int64_t)v * nh + n * n + n + m);
                y[0] = pl * cos(a);
                y[1] = pl * sin(a);
            }
    }
}

/* ---- LBP3D: the run ---- */

typedef struct lbp3d_run {
    radx_lbp3d t;
    icosphere sphere;
    double *ylm, *coef;
    int64_t *roi, nroi;
    radx_buf *coef_buf, *roi_buf, *out;
} lbp3d_run;

static void lbp3d_run_free(const radx_be *be, lbp3d_run *r)
{
    radx_buf_free(be, r->coef_buf);
    radx_buf_free(be, r->roi_buf);
    radx_buf_free(be, r->out);
    icosphere_free(&r->sphere);
    free(r->ylm);
    free(r->coef);
    free(r->roi);
}

/* The coefficient window: the output window grown by the samples' reach (the radius, the spline's
 * 2 voxels and one more for rounding), within the image (in double: the radius is unbounded). */
static void coef_window(lbp3d_run *r, double R)
{
    const double reach = ceil(R) + 3;
    for (int a = 0; a < 3; a++) {
        const double lo = (double)r->t.out_at[a] - reach, hi = (double)(r->t.out_at[a] + r->t.out_dims[a] - 1) + reach;
        r->t.coef_at[a] = (int64_t)fmax(lo, 0.0);
        r->t.coef_dims[a] = (int64_t)fmin(hi, (double)(r->t.img_dims[a] - 1)) - r->t.coef_at[a] + 1;
    }
}

/* The ROI's voxels in the output window (lab on the working grid), as window indices. */
static int roi_list(lbp3d_run *r, const uint8_t *lab)
{
    const int64_t *d = r->t.out_dims, *at = r->t.out_at, *g = r->t.img_dims, nout = d[0] * d[1] * d[2];
    r->roi = malloc(sizeof *r->roi * (size_t)(nout ? nout : 1));
    if (!r->roi) return -1;
    for (int64_t o = 0; o < nout; o++) {
        const int64_t x = at[0] + o % d[0], y = at[1] + (o / d[0]) % d[1], z = at[2] + o / (d[0] * d[1]);
        if (lab[x + g[0] * (y + g[1] * z)]) r->roi[r->nroi++] = o;
    }
    return 0;
}

/* The tables, the spline coefficients and the ROI list in r, the op's output in r->out. */
static radx_status lbp3d_compute(lbp3d_run *r, const radx_volume *host_img, const radx_volbuf *img, const uint8_t *lab,
                                 const radx_params *q, const radx_be *be, radx_err *err)
{
    const int nh = q->lbp3d_levels * q->lbp3d_levels;
    if (make_icosphere(q->lbp3d_subdivision, q->lbp3d_radius, &r->sphere))
        return radx_seterr(err, RADX_ERR_NOMEM, "out of memory for LBP3D's icosphere");
    r->t.nv = r->sphere.nv;
    r->t.offset = r->sphere.v;
    r->ylm = malloc(sizeof *r->ylm * 2 * (size_t)r->t.nv * (size_t)nh);
    if (!r->ylm || roi_list(r, lab)) return radx_seterr(err, RADX_ERR_NOMEM, "out of memory for LBP3D's tables");
    harmonics(&r->sphere, q->lbp3d_radius, q->lbp3d_levels, r->ylm);
    r->t.ylm = r->ylm;
    coef_window(r, q->lbp3d_radius);
    const int64_t ncoef = r->t.coef_dims[0] * r->t.coef_dims[1] * r->t.coef_dims[2],
                  nout = r->t.out_dims[0] * r->t.out_dims[1] * r->t.out_dims[2];
    r->coef = malloc(sizeof *r->coef * (size_t)ncoef);
    if (!r->coef) return radx_seterr(err, RADX_ERR_NOMEM, "out of memory for LBP3D's spline coefficients");
    radx_status st = radx_spline3_window(host_img, r->t.coef_at, r->t.coef_dims, r->coef, err);
    if (st) return st;
    r->coef_buf = radx_buf_wrap(be, r->coef, sizeof *r->coef * (size_t)ncoef);
    r->roi_buf = radx_buf_wrap(be, r->roi, sizeof *r->roi * (size_t)(r->nroi ? r->nroi : 1));
    r->out = radx_buf_alloc(be, sizeof(double) * (size_t)(nout * (q->lbp3d_levels + 1)));
    if (!r->coef_buf || !r->roi_buf || !r->out) return radx_seterr(err, RADX_ERR_NOMEM, "out of memory for LBP3D");
    return radx_op_lbp3d(be, &r->t, r->coef_buf, img, r->roi_buf, r->nroi, r->out, err);
}

radx_status radx_pipeline_lbp3d(const radx_volume *host_img, const radx_volbuf *img, const uint8_t *lab,
                                const radx_params *q, const radx_be *be, const radx_roi_box *need, const char *ipath,
                                radx_image_type_fn fn, void *user, radx_err *err)
{
    const radx_geom *g = &img->g;
    if (g->ndim == 2) {
        radx_warn(err, "%s: LBP3D needs a 3-D image, this one has 2 dimensions; no LBP3D", ipath);
        return RADX_OK;
    }
    if (q->lbp3d_levels < 2)
        return radx_seterr(err, RADX_ERR_PARAM, "%s: LBP3D needs lbp3DLevels 2 or more (PyRadiomics fails with 1)",
                           ipath);
    if (q->force2d)
        radx_warn(err, "%s: LBP3D runs in 3-D but the features are 2-D (force2D is true); use with caution", ipath);
    lbp3d_run r;
    memset(&r, 0, sizeof r);
    r.t.levels = q->lbp3d_levels;
    r.t.dtype = img->dtype;
    for (int a = 0; a < 3; a++) r.t.img_dims[a] = g->size[a];
    read_window(img, need, r.t.out_at, r.t.out_dims);
    radx_status st = lbp3d_compute(&r, host_img, img, lab, q, be, err);
    const size_t nout = (size_t)(r.t.out_dims[0] * r.t.out_dims[1] * r.t.out_dims[2]);
    for (int l = 0; l <= q->lbp3d_levels && !st; l++) {
        char name[32];
        if (l < q->lbp3d_levels)
            snprintf(name, sizeof name, "lbp-3D-m%d", l + 1);
        else
            snprintf(name, sizeof name, "lbp-3D-k");
        radx_buf *view = radx_buf_view(be, r.out, sizeof(double) * nout * (size_t)l, sizeof(double) * nout);
        if (!view) {
            st = radx_seterr(err, RADX_ERR_NOMEM, "out of memory for an LBP3D image");
            break;
        }
        const radx_volbuf v = window_of(img, r.t.out_at, r.t.out_dims, RADX_DT_F64, view);
        st = fn(user, &v, q, name, err);
        radx_buf_free(be, view);
    }
    lbp3d_run_free(be, &r);
    return st;
}
