/* SPDX-License-Identifier: BSD-3-Clause */
/* IBSI-1 morphology beyond PyRadiomics' shape (IBSI-1 manual, "Morphological features") and the
 * local intensity features ("Local intensity features").
 *
 * Morphology reads the morphological mask (its voxel centres X_c, its mesh's volume V and area A)
 * and the intensity mask with its values X_gl:
 *   asphericity (A^3 / (36 pi V^2))^(1/3) - 1; centre of mass shift |CoM(X_c) - CoM_gl|;
 *   axis-aligned bounding box of the mesh (the ROI's voxel box, its faces being the mesh's extreme
 *   vertices at half a voxel beyond the outer voxel centres): V / V_aabb, A / A_aabb;
 *   approximate enclosing ellipsoid with semi-axes 2 sqrt(lambda) of the PCA of X_c (covariance
 *   over N - 1): V / (4 pi abc / 3), A / A_aee (Legendre series to degree 20);
 *   convex hull of the mesh vertices: V / V_hull, A / A_hull;
 *   integrated intensity V mean(X_gl); Moran's I and Geary's C with inverse-distance weights.
 * The mesh's vertices are the midpoints of the voxel edges that cross the ROI border (marching
 * cubes on a binary mask), so in doubled voxel coordinates they are integers: the hull is found
 * with exact integer orientation tests, then measured in mm. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "features/features.h"
#include "core/limits.h"
#include "cpu/fft.h"
#include "cpu/fft_double.h"
#include "features/ibsi_morph.h"

#define PI 3.14159265358979323846

/* ---- convex hull of the mesh vertices ------------------------------------------------------------ */

typedef struct hull_pts {
    int64_t n, cap;
    int64_t (*p)[3]; /* doubled voxel coordinates (z, y, x) */
} hull_pts;

static int pts_push(hull_pts *h, int64_t z, int64_t y, int64_t x)
{
    if (h->n == h->cap) {
        const int64_t cap = h->cap ? 2 * h->cap : 4096;
        int64_t(*p)[3] = realloc(h->p, (size_t)cap * sizeof *p);
        if (!p) return -1;
        h->p = p;
        h->cap = cap;
    }
    h->p[h->n][0] = z;
    h->p[h->n][1] = y;
    h->p[h->n][2] = x;
    h->n++;
    return 0;
}

static int inside(const radx_shape_input *s, int64_t z, int64_t y, int64_t x)
{
    const int64_t *d = s->dims_zyx;
    if (z < 0 || y < 0 || x < 0 || z >= d[0] || y >= d[1] || x >= d[2]) return 0;
    return s->roi[x + d[2] * (y + d[1] * z)] != 0;
}

/* Candidate hull vertices: the border-crossing edge midpoints that are extreme on their line
 * along x (only those can be hull vertices: the others lie between two of them). */
static int hull_candidates(const radx_shape_input *s, hull_pts *h)
{
    static const int face[6][3] = {{1, 0, 0}, {-1, 0, 0}, {0, 1, 0}, {0, -1, 0}, {0, 0, 1}, {0, 0, -1}};
    const int64_t *d = s->dims_zyx;
    for (int64_t z = 0; z < d[0]; z++)
        for (int64_t y = 0; y < d[1]; y++) {
            /* each doubled (z, y) line of vertices: keep its smallest and largest x */
            for (int dz = -1; dz <= 1; dz++)
                for (int dy = -1; dy <= 1; dy++) {
                    if (dz && dy) continue;
                    int64_t lo = INT64_MAX, hi = INT64_MIN;
                    for (int64_t x = 0; x < d[2]; x++) {
                        if (!inside(s, z, y, x)) continue;
                        for (int f = 0; f < 6; f++) {
                            if (face[f][0] != dz || face[f][1] != dy) continue;
                            if (inside(s, z + face[f][0], y + face[f][1], x + face[f][2])) continue;
                            const int64_t vx = 2 * x + face[f][2];
                            if (vx < lo) lo = vx;
                            if (vx > hi) hi = vx;
                        }
                    }
                    if (lo == INT64_MAX) continue;
                    if (pts_push(h, 2 * z + dz, 2 * y + dy, lo)) return -1;
                    if (hi != lo && pts_push(h, 2 * z + dz, 2 * y + dy, hi)) return -1;
                }
        }
    return 0;
}

/* Orientation of d against the plane (a, b, c): > 0 when d is on the side the face's normal
 * (b - a) x (c - a) points to.  Exact: doubled coordinates stay far below 2^20. */
static int64_t orient(const int64_t *a, const int64_t *b, const int64_t *c, const int64_t *d)
{
    const int64_t bx = b[0] - a[0], by = b[1] - a[1], bz = b[2] - a[2];
    const int64_t cx = c[0] - a[0], cy = c[1] - a[1], cz = c[2] - a[2];
    const int64_t dx = d[0] - a[0], dy = d[1] - a[1], dz = d[2] - a[2];
    return dx * (by * cz - bz * cy) - dy * (bx * cz - bz * cx) + dz * (bx * cy - by * cx);
}

typedef struct hull {
    int64_t nf, cap;
    int64_t (*f)[3]; /* point indices, normal outward */
} hull;

static int face_push(hull *h, int64_t a, int64_t b, int64_t c)
{
    if (h->nf == h->cap) {
        const int64_t cap = h->cap ? 2 * h->cap : 256;
        int64_t(*f)[3] = realloc(h->f, (size_t)cap * sizeof *f);
        if (!f) return -1;
        h->f = f;
        h->cap = cap;
    }
    h->f[h->nf][0] = a;
    h->f[h->nf][1] = b;
    h->f[h->nf][2] = c;
    h->nf++;
    return 0;
}

/* Four points not in one plane (indices into i[4]); 0 when all points are coplanar. */
static int initial_simplex(const hull_pts *P, int64_t i[4])
{
    const int64_t(*p)[3] = (const int64_t(*)[3])P->p;
    i[0] = 0;
    for (i[1] = 1; i[1] < P->n; i[1]++)
        if (memcmp(p[i[1]], p[0], sizeof p[0])) break;
    if (i[1] >= P->n) return 0;
    for (i[2] = i[1] + 1; i[2] < P->n; i[2]++) {
        int64_t u[3], v[3];
        for (int k = 0; k < 3; k++) {
            u[k] = p[i[1]][k] - p[0][k];
            v[k] = p[i[2]][k] - p[0][k];
        }
        if (u[1] * v[2] - u[2] * v[1] || u[2] * v[0] - u[0] * v[2] || u[0] * v[1] - u[1] * v[0]) break;
    }
    if (i[2] >= P->n) return 0;
    for (i[3] = i[2] + 1; i[3] < P->n; i[3]++)
        if (orient(p[0], p[i[1]], p[i[2]], p[i[3]])) return 1;
    return 0;
}

static int cmp_edge(const void *a, const void *b)
{
    const int64_t *x = a, *y = b;
    for (int k = 0; k < 2; k++)
        if (x[k] != y[k]) return x[k] < y[k] ? -1 : 1;
    return 0;
}

/* Adds point q to the hull: removes the faces it sees strictly and joins it to their horizon.
 * edges: scratch of 3 * (face count) directed edges {min, max, from, to}. */
static int hull_add(hull *h, const int64_t (*p)[3], int64_t q, int64_t (**edges)[4], int64_t *ecap)
{
    int64_t ne = 0, keep = 0;
    if (3 * h->nf > *ecap) {
        int64_t(*e)[4] = realloc(*edges, (size_t)(6 * h->nf) * sizeof *e);
        if (!e) return -1;
        *edges = e;
        *ecap = 6 * h->nf;
    }
    for (int64_t f = 0; f < h->nf; f++) {
        const int64_t *t = h->f[f];
        if (orient(p[t[0]], p[t[1]], p[t[2]], p[q]) > 0) {
            for (int k = 0; k < 3; k++) {
                const int64_t a = t[k], b = t[(k + 1) % 3];
                int64_t *e = (*edges)[ne++];
                e[0] = a < b ? a : b;
                e[1] = a < b ? b : a;
                e[2] = a;
                e[3] = b;
            }
        } else {
            memmove(h->f[keep++], t, sizeof h->f[0]);
        }
    }
    if (!ne) return 0;
    h->nf = keep;
    qsort(*edges, (size_t)ne, sizeof **edges, cmp_edge);
    for (int64_t e = 0; e < ne; e++) { /* an edge two seen faces share is inside; the rest is the horizon */
        if ((e + 1 < ne && !cmp_edge((*edges)[e], (*edges)[e + 1])) ||
            (e > 0 && !cmp_edge((*edges)[e], (*edges)[e - 1])))
            continue;
        if (face_push(h, (*edges)[e][2], (*edges)[e][3], q)) return -1;
    }
    return 0;
}

/* Volume and area (mm) of the convex hull of the mesh vertices; NaN when the ROI is flat. */
static radx_status convex_hull(const radx_shape_input *s, double *vol, double *area)
{
    hull_pts P = {0};
    hull h = {0};
    int64_t(*edges)[4] = NULL, ecap = 0, i[4];
    radx_status st = RADX_ERR_NOMEM;
    *vol = *area = NAN;
    if (hull_candidates(s, &P)) goto done;
    st = RADX_OK;
    if (!initial_simplex(&P, i)) goto done;
    const int64_t(*p)[3] = (const int64_t(*)[3])P.p;
    const int pos = orient(p[i[0]], p[i[1]], p[i[2]], p[i[3]]) > 0; /* i[3] on the normal's side */
    const int64_t a = i[0], b = pos ? i[2] : i[1], c = pos ? i[1] : i[2], d = i[3];
    st = RADX_ERR_NOMEM;
    if (face_push(&h, a, b, c) || face_push(&h, a, d, b) || face_push(&h, b, d, c) || face_push(&h, c, d, a)) goto done;
    for (int64_t q = 0; q < P.n; q++)
        if (q != i[0] && q != i[1] && q != i[2] && q != i[3] && hull_add(&h, p, q, &edges, &ecap)) goto done;
    st = RADX_OK;
    double v = 0.0, ar = 0.0;
    for (int64_t f = 0; f < h.nf; f++) {
        double w[3][3]; /* the face's corners in mm (x, y, z) */
        for (int k = 0; k < 3; k++)
            for (int ax = 0; ax < 3; ax++) w[k][ax] = 0.5 * (double)p[h.f[f][k]][2 - ax] * s->spacing_zyx[2 - ax];
        const double u[3] = {w[1][0] - w[0][0], w[1][1] - w[0][1], w[1][2] - w[0][2]};
        const double t[3] = {w[2][0] - w[0][0], w[2][1] - w[0][1], w[2][2] - w[0][2]};
        const double n[3] = {u[1] * t[2] - u[2] * t[1], u[2] * t[0] - u[0] * t[2], u[0] * t[1] - u[1] * t[0]};
        ar += 0.5 * sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
        v += (w[0][0] * n[0] + w[0][1] * n[1] + w[0][2] * n[2]) / 6.0;
    }
    *vol = fabs(v);
    *area = ar;
done:
    free(P.p);
    free(h.f);
    free(edges);
    return st;
}

/* ---- the ellipsoid ------------------------------------------------------------------------------ */

/* Surface of the ellipsoid with semi-axes a >= b >= c: 4 pi a b sum_{v=0}^{20} (alpha beta)^v
 * P_v((alpha^2 + beta^2) / (2 alpha beta)) / (1 - 4 v^2), with Q_v = (alpha beta)^v P_v(.) from
 * Legendre's recurrence (no division, so a sphere is no special case). */
static double ellipsoid_area(double a, double b, double c)
{
    const double al2 = 1.0 - (b * b) / (a * a), be2 = 1.0 - (c * c) / (a * a);
    const double half = 0.5 * (al2 + be2), prod2 = al2 * be2;
    double q0 = 1.0, q1 = half, sum = q0 + q1 / (1.0 - 4.0);
    for (int v = 1; v < 20; v++) {
        const double q2 = ((2.0 * v + 1.0) * half * q1 - v * prod2 * q0) / (v + 1.0);
        sum += q2 / (1.0 - 4.0 * (v + 1.0) * (v + 1.0));
        q0 = q1;
        q1 = q2;
    }
    return 4.0 * PI * a * b * sum;
}

/* ---- spatial autocorrelation -------------------------------------------------------------------- */

/* The inverse-distance weights of every voxel offset, wrapped into a P-periodic grid (offsets up
 * to the box size minus one on each axis; the voxel itself weighs 0), as complex numbers. */
static void weight_grid(double *w, const int64_t P[3], const int64_t d[3], const double sp[3])
{
    for (int64_t z = 0, i = 0; z < P[2]; z++)
        for (int64_t y = 0; y < P[1]; y++)
            for (int64_t x = 0; x < P[0]; x++, i++) {
                const int64_t oz = z < d[0] ? z : P[2] - z, oy = y < d[1] ? y : P[1] - y, ox = x < d[2] ? x : P[0] - x;
                const double a = oz * sp[0], b = oy * sp[1], c = ox * sp[2];
                const int valid = oz < d[0] && oy < d[1] && ox < d[2] && (oz | oy | ox);
                w[2 * i] = valid ? 1.0 / sqrt(a * a + b * b + c * c) : 0.0;
                w[2 * i + 1] = 0.0;
            }
}

/* Moran's I and Geary's C of the intensity mask im (box dims d, zyx, spacing sp) whose k values x
 * are in box order, every pair of voxels weighted by the inverse distance of their centres.  Per
 * voxel i the sums over the others, S_w = sum_j w_ij, S_y = sum_j w_ij y_j and S_yy = sum_j w_ij
 * y_j^2 (y = x - mean), are convolutions of the mask, y and y^2 with the weights: computed exactly
 * by double-precision FFTs over the box padded to twice its size (no wrap-around), the mask and y
 * as one complex field.  Then Moran's numerator is sum_i y_i S_y(i) and Geary's
 * sum_i (y_i^2 S_w - 2 y_i S_y + S_yy). */
static radx_status autocorrelation(const uint8_t *im, const int64_t d[3], const double sp[3], const double *x,
                                   int64_t k, double *moran, double *geary, radx_err *err)
{
    *moran = *geary = NAN;
    if (k < 2) return RADX_OK;
    int64_t P[3]; /* x, y, z */
    for (int a = 0; a < 3; a++) P[a] = radx_fft_good_size(2 * d[2 - a] - 1, 0);
    if (!P[0] || !P[1] || !P[2]) return radx_seterr(err, RADX_ERR_NOMEM, "morph: ROI box too large");
    const int64_t np = P[0] * P[1] * P[2];
    radx_status st = radx_memory_check(3.0 * 16.0 * (double)np, "morph: Moran's I and Geary's C", err);
    if (st) return st;
    double mu = 0.0, den = 0.0;
    for (int64_t i = 0; i < k; i++) mu += x[i];
    mu /= (double)k;
    for (int64_t i = 0; i < k; i++) den += (x[i] - mu) * (x[i] - mu);
    double *w = malloc((size_t)np * 2 * sizeof *w), *f = calloc((size_t)np * 2, sizeof *f);
    double *g = calloc((size_t)np * 2, sizeof *g);
    if (!w || !f || !g) {
        st = radx_seterr(err, RADX_ERR_NOMEM, "morph: out of memory for Moran's I and Geary's C");
        goto done;
    }
    weight_grid(w, P, d, sp);
    for (int64_t z = 0, i = 0, j = 0; z < d[0]; z++) /* f = mask + i y, g = y^2 */
        for (int64_t y = 0; y < d[1]; y++)
            for (int64_t c = 0; c < d[2]; c++, i++) {
                if (!im[i] || j >= k) continue;
                const int64_t q = c + P[0] * (y + P[1] * z);
                const double v = x[j++] - mu;
                f[2 * q] = 1.0;
                f[2 * q + 1] = v;
                g[2 * q] = v * v;
            }
    if ((st = radx_fft3_double(w, P, 0, err)) || (st = radx_fft3_double(f, P, 0, err)) ||
        (st = radx_fft3_double(g, P, 0, err)))
        goto done;
    for (int64_t i = 0; i < np; i++) { /* the weights are even: their spectrum is real */
        const double s = w[2 * i] / (double)np;
        f[2 * i] *= s;
        f[2 * i + 1] *= s;
        g[2 * i] *= s;
        g[2 * i + 1] *= s;
    }
    if ((st = radx_fft3_double(f, P, 1, err)) || (st = radx_fft3_double(g, P, 1, err))) goto done;
    double s0 = 0.0, sm = 0.0, sg = 0.0;
    for (int64_t z = 0, i = 0, j = 0; z < d[0]; z++)
        for (int64_t y = 0; y < d[1]; y++)
            for (int64_t c = 0; c < d[2]; c++, i++) {
                if (!im[i] || j >= k) continue;
                const int64_t q = c + P[0] * (y + P[1] * z);
                const double v = x[j++] - mu, sw = f[2 * q], sy = f[2 * q + 1], syy = g[2 * q];
                s0 += sw;
                sm += v * sy;
                sg += v * v * sw - 2.0 * v * sy + syy;
            }
    if (den > 0.0) {
        *moran = (double)k / s0 * sm / den;
        *geary = (double)(k - 1) / (2.0 * s0) * sg / den;
    }
done:
    free(w);
    free(f);
    free(g);
    return st;
}

/* ---- morphology --------------------------------------------------------------------------------- */

radx_status radx_morph_compute(const radx_morph_input *in, double *out, radx_err *err)
{
    const radx_shape_input *s = &in->s;
    const int64_t *d = s->dims_zyx;
    const double *sp = s->spacing_zyx;
    const uint8_t *im = in->imask ? in->imask : s->roi;
    const double V = in->volume, A = in->area;
    for (int i = 0; i < radx_morph_nfeatures; i++) out[i] = NAN;
    if (s->n_roi < 1 || in->nx < 1) return RADX_OK;

    out[0] = cbrt(A * A * A / (36.0 * PI * V * V)) - 1.0;

    /* centres of mass */
    double cg[3] = {0}, ci[3] = {0}, sx = 0.0, xsum = 0.0;
    int64_t ng = 0, k = 0, lo[3] = {d[0], d[1], d[2]}, hi[3] = {-1, -1, -1};
    for (int64_t z = 0, i = 0; z < d[0]; z++)
        for (int64_t y = 0; y < d[1]; y++)
            for (int64_t x = 0; x < d[2]; x++, i++) {
                const double c[3] = {z * sp[0], y * sp[1], x * sp[2]};
                const int64_t v[3] = {z, y, x};
                if (s->roi[i]) {
                    for (int a = 0; a < 3; a++) {
                        cg[a] += c[a];
                        lo[a] = v[a] < lo[a] ? v[a] : lo[a];
                        hi[a] = v[a] > hi[a] ? v[a] : hi[a];
                    }
                    ng++;
                }
                if (im[i] && k < in->nx) {
                    for (int a = 0; a < 3; a++) ci[a] += in->x[k] * c[a];
                    sx += in->x[k];
                    xsum += in->x[k];
                    k++;
                }
            }
    double com = 0.0;
    for (int a = 0; a < 3; a++) com += pow(cg[a] / (double)ng - ci[a] / sx, 2.0);
    out[1] = sx != 0.0 ? sqrt(com) : NAN;

    /* axis-aligned bounding box of the mesh */
    const double e[3] = {(hi[0] - lo[0] + 1) * sp[0], (hi[1] - lo[1] + 1) * sp[1], (hi[2] - lo[2] + 1) * sp[2]};
    out[2] = V / (e[0] * e[1] * e[2]);
    out[3] = A / (2.0 * (e[0] * e[1] + e[1] * e[2] + e[0] * e[2]));

    /* approximate enclosing ellipsoid: PCA of the voxel centres, covariance over N - 1 */
    double cov[3][3], w[3];
    int64_t npc = 0;
    radx_status st = radx_shape_covariance(s->roi, d, sp, cov, &npc, err);
    if (st) return st;
    radx_shape_eigvals(3, cov, w); /* ascending */
    if (npc > 1 && w[0] > 0.0) {   /* a flat ROI has no enclosing ellipsoid */
        const double f = (double)npc / (double)(npc - 1);
        const double a = 2.0 * sqrt(w[2] * f), b = 2.0 * sqrt(w[1] * f), c = 2.0 * sqrt(w[0] * f);
        out[4] = 3.0 * V / (4.0 * PI * a * b * c);
        out[5] = A / ellipsoid_area(a, b, c);
    }

    /* convex hull */
    double hv, ha;
    if ((st = convex_hull(s, &hv, &ha))) return radx_seterr(err, st, "morph: out of memory");
    out[6] = V / hv;
    out[7] = A / ha;

    out[8] = V * xsum / (double)k;
    return autocorrelation(im, d, sp, in->x, k, &out[9], &out[10], err);
}

/* ---- local intensity ---------------------------------------------------------------------------- */

radx_status radx_li_compute(const radx_li_input *in, double *out, radx_err *err)
{
    const double r = 10.0 * cbrt(3.0 / (4.0 * PI)); /* mm: the 1 cm^3 sphere */
    const int64_t *n = in->size_xyz;
    const double *sp = in->spacing_xyz;
    out[0] = out[1] = NAN;
    int64_t ext[3];
    for (int a = 0; a < 3; a++) ext[a] = (int64_t)floor(r / sp[a]);
    /* the sphere's offsets */
    const int64_t nk = (2 * ext[0] + 1) * (2 * ext[1] + 1) * (2 * ext[2] + 1);
    int64_t(*off)[3] = malloc((size_t)nk * sizeof *off), m = 0;
    if (!off) return radx_seterr(err, RADX_ERR_NOMEM, "li: out of memory");
    for (int64_t z = -ext[2]; z <= ext[2]; z++)
        for (int64_t y = -ext[1]; y <= ext[1]; y++)
            for (int64_t x = -ext[0]; x <= ext[0]; x++) {
                const double dx = x * sp[0], dy = y * sp[1], dz = z * sp[2];
                if (dx * dx + dy * dy + dz * dz > r * r) continue;
                off[m][0] = x;
                off[m][1] = y;
                off[m][2] = z;
                m++;
            }
    double vmax = -INFINITY, local = -INFINITY, global = -INFINITY;
    for (int64_t i = 0; i < in->nroi; i++) vmax = fmax(vmax, in->value(in->ctx, in->roi_xyz[i]));
    for (int64_t i = 0; i < in->nroi; i++) {
        const int64_t *c = in->roi_xyz[i];
        double sum = 0.0;
        int64_t cnt = 0;
        for (int64_t k = 0; k < m; k++) {
            const int64_t q[3] = {c[0] + off[k][0], c[1] + off[k][1], c[2] + off[k][2]};
            if (q[0] < 0 || q[1] < 0 || q[2] < 0 || q[0] >= n[0] || q[1] >= n[1] || q[2] >= n[2]) continue;
            sum += in->value(in->ctx, q);
            cnt++;
        }
        const double mean = sum / (double)cnt;
        global = fmax(global, mean);
        if (in->value(in->ctx, c) == vmax) local = fmax(local, mean);
    }
    free(off);
    out[0] = local;
    out[1] = global;
    return RADX_OK;
}
