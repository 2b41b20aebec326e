/* SPDX-License-Identifier: BSD-3-Clause */
/* Shape features (3-D), PyRadiomics 3.0.1 radiomics/shape.py + cshape.c calculate_coefficients.
 *
 * Pipeline
 *   1. The ROI bounding box is padded with one layer of background on every side (PyRadiomics
 *      pads the cropped mask with sitk.ConstantPadImageFilter(1)).
 *   2. Marching cubes over the padded mask (kernels/rules/marching_cubes.h).  Cube planes are
 *      processed in parallel: a first pass counts triangles and diameter vertices per plane, a
 *      second writes every triangle's volume and area term and every vertex at an offset fixed
 *      by the counts, and the terms are then summed sequentially in raster order -- the order
 *      cshape.c uses -- so MeshVolume and SurfaceArea are bit-identical to PyRadiomics' and
 *      independent of the thread count.
 *   3. Maximum diameters (3-D, and per slice / column / row plane) from the mesh vertices, by
 *      an exact convex-hull reduction (radx_shape_diameters, proof below).
 *   4. PCA axes from the covariance of the physical voxel coordinates (population covariance,
 *      as PyRadiomics' dot(X^T, X) / Np), accumulated exactly in integers, eigenvalues by
 *      cyclic Jacobi; small negative eigenvalues in (-1e-10, 0) are set to 0 as PyRadiomics
 *      does, larger negative ones make the dependent features NaN.
 *
 * Helpers shared with host/features/shape2d.c are the radx_shape_* functions below (not static); their
 * prototypes are repeated at the top of shape2d.c.
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "core/error.h"
#include "core/volume.h"
#include "params/params.h"
#include "features/features.h"
#include "rules/marching_cubes.h"

#define RADX_SHAPE_PI      3.141592653589793238462643383279502884
/* Bounding-box edges longer than this are refused (keeps every integer sum below in range). */
#define RADX_SHAPE_MAX_DIM ((int64_t)1 << 20)

__extension__ typedef __int128 radx_i128;

/* ==========================================================================================
 * Maximum diameters
 *
 * PyRadiomics (calculate_meshDiameter) takes every pair of mesh vertices a, b and computes
 * d(a,b) = fl(fl(fl(da0^2) + fl(da1^2)) + fl(da2^2)) with da = fl(a - b); the 3-D diameter is the
 * largest d over all pairs, the Slice / Column / Row diameters the largest d over pairs with
 * a0 == b0 / a1 == b1 / a2 == b2 (same z / y / x plane).  That is O(n^2).
 *
 * Reduction.  The vertices are edge midpoints: doubled integer lattice points q scaled per axis
 * by spacing/2 (exactly representable before the final multiplication).  Axis scaling is an
 * affine map, so convexity statements about the lattice points carry over.
 *   Lemma.  Let P be a finite point set, V its extreme points (vertices of conv P), p in P \ V
 *   and a any point.  Then there is v in V with |a-v|^2 >= |a-p|^2 + h^2, where h is the
 *   smallest distance between two distinct points of P.
 *   Proof.  p = sum l_i v_i, l_i >= 0, sum l_i = 1.  Since sum l_i (v_i - p) = 0,
 *   sum l_i |a - v_i|^2 = |a - p|^2 + sum l_i |v_i - p|^2 >= |a - p|^2 + h^2, and the largest
 *   |a - v_i|^2 is at least the weighted mean.                                           []
 *   Rounding.  With coordinates up to X_k along axis k, the computed d differs from the exact
 *   squared distance by at most E = 10 u sum_k X_k^2 (u = 2^-53: rounding of the coordinate
 *   product, the difference, the squares and the two sums).  Here h >= min_k(spacing_k)/2.  If
 *   h^2 > 2E, then for any pair (a, p) with p not extreme, d(a, v) > d(a, p) for some extreme
 *   v: the maximum computed d is attained only on pairs of extreme points, and the largest d
 *   over pairs of a superset of V (inside P) equals the largest d over all pairs of P --
 *   exactly, the same double.  The guard below checks h^2 > 4E (it holds unless a bounding
 *   box has ~10^7 voxels along an axis or absurd anisotropy) and otherwise falls back to all
 *   pairs.
 *   Superset of V.  A point extreme in P is extreme in every subset containing it, in
 *   particular in the plane sections through it.  So:
 *     - plane diameters: for each plane (z = const, y = const, x = const) take the points of
 *       the plane, keep per line the two end points (inner points of a segment are never
 *       extreme), compute the 2-D hull vertices exactly in integer arithmetic (Andrew's
 *       monotone chain, collinear points dropped), and take all pairs of hull vertices;
 *     - 3-D diameter: candidates are the points that are hull vertices in all three of their
 *       axis-plane sections, then, among the remaining candidates, in the six diagonal plane
 *       sections (z +- y, z +- x, y +- x = const); this is still a superset of V (each filter
 *       only drops points that are not extreme in a subset of P).  All pairs of candidates are
 *       then examined, skipping only pairs proven below a value already attained
 *       (max_pairs_pruned: triangle inequality through a common centre).
 *   The answer is the maximum of exactly computed doubles, so it does not depend on the order
 *   of evaluation or on the thread count.  tests/test_shape.c also compares against all pairs
 *   (bit for bit, random meshes with anisotropic spacing) and against PyRadiomics.
 *   Cost: O(n) plus sorting the candidates; a sphere of radius 150 voxels (424k vertices) leaves
 *   ~10k candidates, of which the pruning examines a small fraction.
 * ======================================================================================== */

typedef struct hpt {
    int32_t a, b; /* in-plane doubled coordinates */
    int32_t idx;  /* vertex index */
} hpt;

static int64_t hcross(const hpt *o, const hpt *p, const hpt *q)
{
    return (int64_t)(p->a - o->a) * (q->b - o->b) - (int64_t)(p->b - o->b) * (q->a - o->a);
}

/* Strict convex hull of pts[0..n) sorted by (a, b), distinct; writes hull indices into h
 * (capacity 2n), returns the vertex count. */
static int64_t monotone_chain(const hpt *pts, int64_t n, hpt *h)
{
    int64_t k = 0, i, t;
    if (n <= 2) {
        for (i = 0; i < n; i++) h[i] = pts[i];
        return n;
    }
    for (i = 0; i < n; i++) {
        while (k >= 2 && hcross(&h[k - 2], &h[k - 1], &pts[i]) <= 0) k--;
        h[k++] = pts[i];
    }
    for (i = n - 2, t = k + 1; i >= 0; i--) {
        while (k >= t && hcross(&h[k - 2], &h[k - 1], &pts[i]) <= 0) k--;
        h[k++] = pts[i];
    }
    return k - 1; /* last point repeats the first */
}

typedef struct spt {
    int64_t key;
    int32_t u, w, idx;
} spt;

static int spt_cmp(const void *pa, const void *pb)
{
    const spt *a = (const spt *)pa, *b = (const spt *)pb;
    if (a->key != b->key) return a->key < b->key ? -1 : 1;
    if (a->u != b->u) return a->u < b->u ? -1 : 1;
    return (a->w > b->w) - (a->w < b->w);
}

/* Keeps in cand[0..*nc) only the points that are hull vertices of their section by the planes
 * kv . q = const, with in-plane coordinates (uv . q, wv . q) (an affine bijection of the plane,
 * so hull vertices correspond).  Order of cand is kept.  Returns 0, or -1 when out of memory. */
static int filter_sections(const int32_t *v, int32_t *cand, int64_t *nc, const int kv[3], const int uv[3],
                           const int wv[3])
{
    int64_t n = *nc, i, g, out = 0;
    spt *s = (spt *)malloc(sizeof(spt) * (size_t)(n ? n : 1));
    hpt *pts = (hpt *)malloc(sizeof(hpt) * (size_t)(n ? n : 1));
    hpt *hull = (hpt *)malloc(sizeof(hpt) * (size_t)(2 * n + 2));
    uint8_t *keep = (uint8_t *)calloc((size_t)(n ? n : 1), 1);
    if (!s || !pts || !hull || !keep) {
        free(s);
        free(pts);
        free(hull);
        free(keep);
        return -1;
    }
    for (i = 0; i < n; i++) {
        const int32_t *q = v + 3 * (int64_t)cand[i];
        s[i].key = (int64_t)kv[0] * q[0] + (int64_t)kv[1] * q[1] + (int64_t)kv[2] * q[2];
        s[i].u = uv[0] * q[0] + uv[1] * q[1] + uv[2] * q[2];
        s[i].w = wv[0] * q[0] + wv[1] * q[1] + wv[2] * q[2];
        s[i].idx = (int32_t)i;
    }
    qsort(s, (size_t)n, sizeof(spt), spt_cmp);
    for (g = 0; g < n;) {
        int64_t e = g, np = 0, nh, x;
        while (e < n && s[e].key == s[g].key) e++;
        for (i = g; i < e;) { /* lines of equal u: both ends */
            int64_t j = i;
            while (j + 1 < e && s[j + 1].u == s[i].u) j++;
            pts[np].a = s[i].u;
            pts[np].b = s[i].w;
            pts[np].idx = s[i].idx;
            np++;
            if (j != i) {
                pts[np].a = s[j].u;
                pts[np].b = s[j].w;
                pts[np].idx = s[j].idx;
                np++;
            }
            i = j + 1;
        }
        nh = monotone_chain(pts, np, hull);
        for (x = 0; x < nh; x++) keep[hull[x].idx] = 1;
        g = e;
    }
    for (i = 0; i < n; i++)
        if (keep[i]) cand[out++] = cand[i];
    *nc = out;
    free(s);
    free(pts);
    free(hull);
    free(keep);
    return 0;
}

typedef struct rpt {
    double r, p[3];
    int32_t idx;
} rpt;

static int rpt_cmp(const void *pa, const void *pb)
{
    const rpt *a = (const rpt *)pa, *b = (const rpt *)pb;
    if (a->r != b->r) return a->r > b->r ? -1 : 1;
    return (a->idx > b->idx) - (a->idx < b->idx);
}

/* Largest d over all pairs of the points cand[0..nc), exactly, with pruning that never skips a
 * pair that could reach the maximum: for any centre c, |a - b| <= |a - c| + |b - c|.  Points are
 * sorted by r = |p - c| (c: centre of their bounding box), descending; a pair (i, j), j after i,
 * is skipped when (r_i + r_j)^2 (1 + 1e-9) < L, L being a d already computed for some pair (so
 * the maximum is >= L and the skipped pair is strictly below it; 1e-9 covers the rounding of
 * r and of d, a few ulps).  Because r_j only decreases along the inner loop, the first skip ends
 * it.  lb: a d of an actual pair (or 0).  Returns -1 when out of memory. */
static int max_pairs_pruned(const int32_t *v, const int32_t *cand, int64_t nc, const double sp[3], double lb,
                            double *res)
{
    rpt *q;
    double lo[3] = {INFINITY, INFINITY, INFINITY}, hi[3] = {-INFINITY, -INFINITY, -INFINITY}, c[3], L;
    int64_t i, a, it;
    int k;
    *res = lb;
    if (nc < 2) return 0;
    q = (rpt *)malloc(sizeof(rpt) * (size_t)nc);
    if (!q) return -1;
    for (i = 0; i < nc; i++) {
        radx_mc_vertex_point(v, cand[i], sp, q[i].p);
        q[i].idx = cand[i];
        for (k = 0; k < 3; k++) {
            if (q[i].p[k] < lo[k]) lo[k] = q[i].p[k];
            if (q[i].p[k] > hi[k]) hi[k] = q[i].p[k];
        }
    }
    for (k = 0; k < 3; k++) c[k] = 0.5 * (lo[k] + hi[k]);
    for (i = 0; i < nc; i++) {
        double s = 0;
        for (k = 0; k < 3; k++) s += (q[i].p[k] - c[k]) * (q[i].p[k] - c[k]);
        q[i].r = sqrt(s);
    }
    qsort(q, (size_t)nc, sizeof(rpt), rpt_cmp);
    /* a good first L: a few farthest-point hops */
    L = lb;
    for (it = 0, a = 0; it < 4; it++) {
        int64_t far = a;
        double fd = -1;
        for (i = 0; i < nc; i++) {
            double d = radx_mc_dist2(q[a].p, q[i].p);
            if (d > fd) {
                fd = d;
                far = i;
            }
        }
        if (fd > L) L = fd;
        a = far;
    }
#pragma omp parallel
    {
        double loc = L;
        int64_t ii;
#pragma omp for schedule(dynamic, 16)
        for (ii = 0; ii < nc - 1; ii++) {
            int64_t j;
            double ri = q[ii].r, u = (ri + ri) * (ri + ri) * (1 + 1e-9);
            if (u < loc) continue;
            for (j = ii + 1; j < nc; j++) {
                double d, rs = ri + q[j].r;
                if (rs * rs * (1 + 1e-9) < loc) break;
                d = radx_mc_dist2(q[ii].p, q[j].p);
                if (d > loc) loc = d;
            }
        }
#pragma omp critical(radx_shape_diam)
        if (loc > *res) *res = loc;
    }
    free(q);
    return 0;
}

/* PyRadiomics' definition, all pairs: O(n^2).  Used when the rounding guard fails, and by the
 * test as the reference for the reduction. */
static void diameters_all_pairs(const int32_t *v, int64_t n, const double sp[3], int planar_only, double best[4])
{
    double b0 = 0, b1 = 0, b2 = 0, b3 = 0;
    int64_t i;
#pragma omp parallel for schedule(dynamic, 64) reduction(max : b0, b1, b2, b3)
    for (i = 1; i < n; i++) {
        double pa[3], pb[3];
        int64_t j;
        radx_mc_vertex_point(v, i, sp, pa);
        for (j = 0; j < i; j++) {
            double d;
            radx_mc_vertex_point(v, j, sp, pb);
            d = radx_mc_dist2(pa, pb);
            if (d > b3) b3 = d;
            if (planar_only) continue;
            if (v[3 * i] == v[3 * j] && d > b0) b0 = d;
            if (v[3 * i + 1] == v[3 * j + 1] && d > b1) b1 = d;
            if (v[3 * i + 2] == v[3 * j + 2] && d > b2) b2 = d;
        }
    }
    best[0] = b0;
    best[1] = b1;
    best[2] = b2;
    best[3] = b3;
    if (planar_only) best[0] = b3;
}

/* Diameters over the vertex set v (n triples of doubled coordinates, each in [0, ext[k])),
 * spacing sp (numpy order).  diam[0..3] = Slice (same z), Column (same y), Row (same x), 3-D, as
 * cshape.c's diameters[] (already square-rooted).  planar_only: all vertices share axis 0 and
 * only the overall maximum is wanted (shape2D); diam[0] = diam[3] = it.  brute: all pairs. */
radx_status radx_shape_diameters(const int32_t *v, int64_t n, const int64_t ext[3], const double sp[3], int planar_only,
                                 int brute, double diam[4], radx_err *err)
{
    double best[4] = {0, 0, 0, 0};
    uint8_t *flag = NULL;
    int32_t *gmin = NULL, *gmax = NULL, *cand = NULL;
    int64_t f, i, ncand = 0;
    int nfam = planar_only ? 1 : 3, fail = 0;

    diam[0] = diam[1] = diam[2] = diam[3] = 0.0;
    if (n < 2) return RADX_OK;
    if (n > INT32_MAX)
        return radx_seterr(err, RADX_ERR_ROI, "shape: mesh has %lld vertices, more than supported", (long long)n);
    {
        double sx = 0, hmin = INFINITY;
        int k;
        for (k = 0; k < 3; k++) {
            double x = 0.5 * (double)(ext[k] - 1) * sp[k];
            sx += x * x;
            if (ext[k] > 1 && 0.5 * sp[k] < hmin) hmin = 0.5 * sp[k];
        }
        /* h^2 > 4E with E = 10 u sum X^2, u = DBL_EPSILON / 2 */
        if (!(hmin * hmin > 40.0 * (DBL_EPSILON / 2) * sx)) brute = 1;
    }
    if (brute) {
        diameters_all_pairs(v, n, sp, planar_only, best);
        goto done;
    }

    flag = (uint8_t *)calloc((size_t)n, 1);
    if (!flag) goto nomem;
    for (f = 0; f < nfam; f++) {
        /* plane axis k; lines run along axis lb at fixed (k, la); la is the shorter in-plane
         * axis so that the line table is small */
        int k = (int)f, la = (k + 1) % 3, lb = (k + 2) % 3;
        int64_t nl, nplanes = ext[k], g;
        if (ext[la] > ext[lb]) {
            int t = la;
            la = lb;
            lb = t;
        }
        nl = ext[la];
        gmin = (int32_t *)malloc(sizeof(int32_t) * (size_t)(nplanes * nl));
        gmax = (int32_t *)malloc(sizeof(int32_t) * (size_t)(nplanes * nl));
        if (!gmin || !gmax) goto nomem;
        for (g = 0; g < nplanes * nl; g++) gmin[g] = gmax[g] = -1;
        for (i = 0; i < n; i++) {
            int64_t key = (int64_t)v[3 * i + k] * nl + v[3 * i + la];
            int32_t b = v[3 * i + lb];
            if (gmin[key] < 0 || b < v[3 * (int64_t)gmin[key] + lb]) gmin[key] = (int32_t)i;
            if (gmax[key] < 0 || b > v[3 * (int64_t)gmax[key] + lb]) gmax[key] = (int32_t)i;
        }
        {
            double fb = 0;
            int64_t pk;
#pragma omp parallel reduction(max : fb)
            {
                hpt *pts = (hpt *)malloc(sizeof(hpt) * (size_t)(2 * nl + 2));
                hpt *hull = (hpt *)malloc(sizeof(hpt) * (size_t)(4 * nl + 4));
                if (!pts || !hull) {
#pragma omp atomic write
                    fail = 1;
                }
#pragma omp for schedule(dynamic, 4)
                for (pk = 0; pk < nplanes; pk++) {
                    int64_t np = 0, nh, x, y, la_;
                    if (!pts || !hull) continue;
                    for (la_ = 0; la_ < nl; la_++) {
                        int32_t i0 = gmin[pk * nl + la_], i1 = gmax[pk * nl + la_];
                        if (i0 < 0) continue;
                        pts[np].a = (int32_t)la_;
                        pts[np].b = v[3 * (int64_t)i0 + lb];
                        pts[np].idx = i0;
                        np++;
                        if (i1 != i0) {
                            pts[np].a = (int32_t)la_;
                            pts[np].b = v[3 * (int64_t)i1 + lb];
                            pts[np].idx = i1;
                            np++;
                        }
                    }
                    if (np == 0) continue;
                    nh = monotone_chain(pts, np, hull);
                    for (x = 0; x < nh; x++) flag[hull[x].idx] |= (uint8_t)(1u << f);
                    for (x = 1; x < nh; x++) {
                        double pa[3], pb[3];
                        radx_mc_vertex_point(v, hull[x].idx, sp, pa);
                        for (y = 0; y < x; y++) {
                            double d;
                            radx_mc_vertex_point(v, hull[y].idx, sp, pb);
                            d = radx_mc_dist2(pa, pb);
                            if (d > fb) fb = d;
                        }
                    }
                }
                free(pts);
                free(hull);
            }
            best[f] = fb;
        }
        free(gmin);
        free(gmax);
        gmin = gmax = NULL;
        if (fail) goto nomem;
    }
    if (planar_only) {
        best[3] = best[0];
        goto done;
    }
    /* 3-D: pairs of points extreme in all three plane sections */
    for (i = 0; i < n; i++) ncand += flag[i] == 7;
    cand = (int32_t *)malloc(sizeof(int32_t) * (size_t)(ncand ? ncand : 1));
    if (!cand) goto nomem;
    ncand = 0;
    for (i = 0; i < n; i++)
        if (flag[i] == 7) cand[ncand++] = (int32_t)i;
    {
        /* the diagonal plane sections, on the remaining candidates (still a superset of V) */
        static const int fam[6][3][3] = {{{1, 1, 0}, {1, 0, 0}, {0, 0, 1}}, {{1, -1, 0}, {1, 0, 0}, {0, 0, 1}},
                                         {{1, 0, 1}, {1, 0, 0}, {0, 1, 0}}, {{1, 0, -1}, {1, 0, 0}, {0, 1, 0}},
                                         {{0, 1, 1}, {0, 1, 0}, {1, 0, 0}}, {{0, 1, -1}, {0, 1, 0}, {1, 0, 0}}};
        for (f = 0; f < 6; f++)
            if (filter_sections(v, cand, &ncand, fam[f][0], fam[f][1], fam[f][2]) != 0) goto nomem;
    }
    {
        double lb = best[0];
        if (best[1] > lb) lb = best[1];
        if (best[2] > lb) lb = best[2];
        if (max_pairs_pruned(v, cand, ncand, sp, lb, &best[3]) != 0) goto nomem;
    }
done:
    free(flag);
    free(cand);
    diam[0] = sqrt(best[0]);
    diam[1] = sqrt(best[1]);
    diam[2] = sqrt(best[2]);
    diam[3] = sqrt(best[3]);
    return RADX_OK;
nomem:
    free(flag);
    free(cand);
    free(gmin);
    free(gmax);
    return radx_seterr(err, RADX_ERR_NOMEM, "shape: out of memory in the diameter search (%lld vertices)",
                       (long long)n);
}

/* ==========================================================================================
 * PCA
 * ======================================================================================== */

/* Physical covariance of the ROI voxel coordinates (numpy order z, y, x), as PyRadiomics forms
 * it: X centred, divided by sqrt(Np), cov = X^T X, i.e. sum (x_a - mean_a)(x_b - mean_b) / Np.
 * Computed from exact integer moments: cov_ab = (Np S_ab - S_a S_b) / Np^2 * sp_a * sp_b with
 * the numerator exact; only the final conversion and scaling round.  *np_out gets Np. */
radx_status radx_shape_covariance(const uint8_t *roi, const int64_t d[3], const double sp[3], double cov[3][3],
                                  int64_t *np_out, radx_err *err)
{
    int64_t nz = d[0], ny = d[1], nx = d[2], z;
    /* per plane: n, S_z, S_y, S_x, S_zz, S_yy, S_xx, S_zy, S_zx, S_yx */
    radx_i128 *acc = (radx_i128 *)calloc((size_t)nz * 10, sizeof(radx_i128));
    radx_i128 t[10];
    int a, b, j;
    if (!acc) return radx_seterr(err, RADX_ERR_NOMEM, "shape: out of memory for the PCA moments");
#pragma omp parallel for schedule(static)
    for (z = 0; z < nz; z++) {
        radx_i128 *s = acc + 10 * z;
        int64_t y;
        for (y = 0; y < ny; y++) {
            const uint8_t *r = roi + (z * ny + y) * nx;
            int64_t c = 0, sx = 0, sxx = 0, x;
            for (x = 0; x < nx; x++) {
                int64_t in_ = r[x] != 0;
                c += in_;
                sx += in_ * x;
                sxx += in_ * x * x;
            }
            if (!c) continue;
            s[0] += c;
            s[1] += (radx_i128)z * c;
            s[2] += (radx_i128)y * c;
            s[3] += sx;
            s[4] += (radx_i128)z * z * c;
            s[5] += (radx_i128)y * y * c;
            s[6] += sxx;
            s[7] += (radx_i128)z * y * c;
            s[8] += (radx_i128)z * sx;
            s[9] += (radx_i128)y * sx;
        }
    }
    for (j = 0; j < 10; j++) t[j] = 0;
    for (z = 0; z < nz; z++)
        for (j = 0; j < 10; j++) t[j] += acc[10 * z + j];
    free(acc);
    *np_out = (int64_t)t[0];
    if (t[0] == 0) {
        for (a = 0; a < 3; a++)
            for (b = 0; b < 3; b++) cov[a][b] = 0;
        return RADX_OK;
    }
    {
        radx_i128 N = t[0], S[3] = {t[1], t[2], t[3]};
        radx_i128 SS[3][3];
        double n2 = (double)N * (double)N;
        SS[0][0] = t[4];
        SS[1][1] = t[5];
        SS[2][2] = t[6];
        SS[0][1] = SS[1][0] = t[7];
        SS[0][2] = SS[2][0] = t[8];
        SS[1][2] = SS[2][1] = t[9];
        for (a = 0; a < 3; a++)
            for (b = a; b < 3; b++) {
                radx_i128 num = N * SS[a][b] - S[a] * S[b];
                cov[a][b] = cov[b][a] = ((double)num / n2) * sp[a] * sp[b];
            }
    }
    return RADX_OK;
}

/* Eigenvalues of the symmetric n x n (n = 2, 3) matrix a (destroyed) by cyclic Jacobi rotations,
 * then PyRadiomics' clean-up: values in (-1e-10, 0) become 0; sorted ascending into w. */
void radx_shape_eigvals(int n, double a[3][3], double w[3])
{
    int sweep, p, q, r, i, j;
    for (sweep = 0; sweep < 64; sweep++) {
        double off = 0;
        for (p = 0; p < n; p++)
            for (q = p + 1; q < n; q++) off += fabs(a[p][q]);
        if (off == 0) break;
        for (p = 0; p < n; p++)
            for (q = p + 1; q < n; q++) {
                double apq = a[p][q], g = 100.0 * fabs(apq), theta, t, c, s;
                if (apq == 0) continue;
                if (sweep > 3 && fabs(a[p][p]) + g == fabs(a[p][p]) && fabs(a[q][q]) + g == fabs(a[q][q])) {
                    a[p][q] = a[q][p] = 0;
                    continue;
                }
                theta = (a[q][q] - a[p][p]) / (2.0 * apq);
                if (fabs(theta) > 1e150)
                    t = 0.5 / theta;
                else
                    t = (theta >= 0 ? 1.0 : -1.0) / (fabs(theta) + sqrt(theta * theta + 1.0));
                c = 1.0 / sqrt(t * t + 1.0);
                s = t * c;
                a[p][p] -= t * apq;
                a[q][q] += t * apq;
                a[p][q] = a[q][p] = 0;
                for (r = 0; r < n; r++) {
                    double arp, arq;
                    if (r == p || r == q) continue;
                    arp = a[r][p];
                    arq = a[r][q];
                    a[r][p] = a[p][r] = c * arp - s * arq;
                    a[r][q] = a[q][r] = s * arp + c * arq;
                }
            }
    }
    for (i = 0; i < n; i++) {
        w[i] = a[i][i];
        if (w[i] < 0 && w[i] > -1e-10) w[i] = 0; /* shape.py: "machine errors" */
    }
    for (i = 1; i < n; i++)
        for (j = i; j > 0 && w[j] < w[j - 1]; j--) {
            double x = w[j];
            w[j] = w[j - 1];
            w[j - 1] = x;
        }
}

/* Shared input checks. */
radx_status radx_shape_check_input(const radx_shape_input *in, const char *cls, radx_err *err)
{
    int k;
    if (!in || !in->roi) return radx_seterr(err, RADX_ERR_ARG, "%s: no ROI given", cls);
    for (k = 0; k < 3; k++) {
        if (in->dims_zyx[k] < 1)
            return radx_seterr(err, RADX_ERR_ARG, "%s: ROI bounding box has size %lld along numpy axis %d", cls,
                               (long long)in->dims_zyx[k], k);
        if (in->dims_zyx[k] > RADX_SHAPE_MAX_DIM)
            return radx_seterr(err, RADX_ERR_ROI,
                               "%s: ROI bounding box is %lld voxels long along numpy axis %d, more than %lld", cls,
                               (long long)in->dims_zyx[k], k, (long long)RADX_SHAPE_MAX_DIM);
        if (!(in->spacing_zyx[k] > 0) || !isfinite(in->spacing_zyx[k]))
            return radx_seterr(err, RADX_ERR_ARG, "%s: spacing %g along numpy axis %d is not a positive number", cls,
                               in->spacing_zyx[k], k);
    }
    if (in->dims_zyx[0] * in->dims_zyx[1] * in->dims_zyx[2] > RADX_MAX_VOXELS)
        return radx_seterr(err, RADX_ERR_ROI, "%s: ROI bounding box too large", cls);
    return RADX_OK;
}

/* ==========================================================================================
 * 3-D shape
 * ======================================================================================== */

/* For the cube row (z, y) starting at row (corner 0 of cube x = 0): o[x] / a[x] = OR / AND of
 * the four mask voxels (z..z+1, y..y+1, x).  Cube x has index 0 when o[x] | o[x+1] == 0 and 255
 * when a[x] & a[x+1] == 1.  Returns 0 when the whole row is empty. */
static int cube_row_masks(const uint8_t *row, int64_t sz, int64_t sy, int64_t n, uint8_t *o, uint8_t *a)
{
    const uint8_t *r0 = row, *r1 = row + sy, *r2 = row + sz, *r3 = row + sz + sy;
    uint64_t any = 0;
    int64_t x = 0;
    for (; x + 8 <= n; x += 8) { /* eight voxels at a time (bytes are 0 or 1) */
        uint64_t w0, w1, w2, w3, oo, aa;
        memcpy(&w0, r0 + x, 8);
        memcpy(&w1, r1 + x, 8);
        memcpy(&w2, r2 + x, 8);
        memcpy(&w3, r3 + x, 8);
        oo = w0 | w1 | w2 | w3;
        aa = w0 & w1 & w2 & w3;
        memcpy(o + x, &oo, 8);
        memcpy(a + x, &aa, 8);
        any |= oo;
    }
    for (; x < n; x++) {
        uint8_t oo = (uint8_t)(r0[x] | r1[x] | r2[x] | r3[x]);
        o[x] = oo;
        a[x] = (uint8_t)(r0[x] & r1[x] & r2[x] & r3[x]);
        any |= oo;
    }
    return any != 0;
}

/* Next cube x' >= x of the row (cubes 0..n-2) whose index is neither 0 nor 255, or n - 1. */
static int64_t next_active_cube(const uint8_t *o, const uint8_t *a, int64_t x, int64_t n)
{
    const uint64_t ones = 0x0101010101010101ull;
    while (x < n - 1) {
        if (x + 9 <= n) { /* cubes x..x+7 use voxels x..x+8 */
            uint64_t wo, wa;
            memcpy(&wo, o + x, 8);
            memcpy(&wa, a + x, 8);
            if ((wo == 0 && o[x + 8] == 0) || (wa == ones && a[x + 8])) {
                x += 8;
                continue;
            }
        }
        if ((o[x] | o[x + 1]) && !(a[x] & a[x + 1])) return x;
        x++;
    }
    return n - 1;
}

/* The shape features from a mesh: per-triangle terms vol6/area in cshape.c's order (summed here,
 * in that order), the crossing-edge vertices (doubled coordinates, any order) or, when
 * diam_given is not NULL, the four diameters already found from them (Slice, Column, Row, 3-D,
 * square-rooted, as radx_shape_diameters gives them), and the ROI voxel count np.  Shared by the CPU loop above and the CUDA backend (kernels/cuda/shape.cu), which builds
 * the same arrays on the device, so both give the same features bit for bit. */
radx_status radx_shape_from_mesh(const radx_shape_input *in, const double *vol6, const double *area, int64_t ntri,
                                 const int32_t *vtx, int64_t nvtx, const double *diam_given, int64_t np, double *out,
                                 radx_err *err)
{
    double V = 0, A = 0, diam[4], cov[3][3], w[3];
    int64_t z, P0 = in->dims_zyx[0] + 2, P1 = in->dims_zyx[1] + 2, P2 = in->dims_zyx[2] + 2;
    radx_status st;
    /* cshape.c's running sums, same order */
    for (z = 0; z < ntri; z++) {
        V += vol6[z];
        A += area[z];
    }
    V = V / 6;

    if (diam_given) {
        memcpy(diam, diam_given, sizeof diam);
    } else {
        int64_t ext[3];
        ext[0] = 2 * (P0 - 1) + 1;
        ext[1] = 2 * (P1 - 1) + 1;
        ext[2] = 2 * (P2 - 1) + 1;
        st = radx_shape_diameters(vtx, nvtx, ext, in->spacing_zyx, 0, 0, diam, err);
        if (st != RADX_OK) return st;
    }
    {
        int64_t npc;
        st = radx_shape_covariance(in->roi, in->dims_zyx, in->spacing_zyx, cov, &npc, err);
        if (st != RADX_OK) return st;
        radx_shape_eigvals(3, cov, w);
    }

    {
        const double pi = RADX_SHAPE_PI;
        const double sz = in->spacing_zyx[0], sy = in->spacing_zyx[1], sx = in->spacing_zyx[2];
        /* shape.py, operation for operation (Python float ** is C pow) */
        double sph = pow(36 * pi * pow(V, 2.0), 1.0 / 3.0);
        out[0] = V / (pow(A, 3.0 / 2.0) * sqrt(pi));               /* Compactness1 */
        out[1] = (36.0 * pi) * pow(V, 2.0) / pow(A, 3.0);          /* Compactness2 */
        out[2] = (w[1] < 0 || w[2] < 0) ? NAN : sqrt(w[1] / w[2]); /* Elongation */
        out[3] = (w[0] < 0 || w[2] < 0) ? NAN : sqrt(w[0] / w[2]); /* Flatness */
        out[4] = w[0] < 0 ? NAN : sqrt(w[0]) * 4;                  /* LeastAxisLength */
        out[5] = w[2] < 0 ? NAN : sqrt(w[2]) * 4;                  /* MajorAxisLength */
        out[6] = diam[1];                                          /* Maximum2DDiameterColumn */
        out[7] = diam[2];                                          /* Maximum2DDiameterRow */
        out[8] = diam[0];                                          /* Maximum2DDiameterSlice */
        out[9] = diam[3];                                          /* Maximum3DDiameter */
        out[10] = V;                                               /* MeshVolume */
        out[11] = w[1] < 0 ? NAN : sqrt(w[1]) * 4;                 /* MinorAxisLength */
        out[12] = A / sph;                                         /* SphericalDisproportion */
        out[13] = sph / A;                                         /* Sphericity */
        out[14] = A;                                               /* SurfaceArea */
        out[15] = A / V;                                           /* SurfaceVolumeRatio */
        out[16] = (double)np * (sz * sx * sy);                     /* VoxelVolume */
    }
    return RADX_OK;
}

radx_status radx_shape_compute(const radx_shape_input *in, const radx_params *p, double *out, radx_err *err)
{
    int64_t P0, P1, P2, ncz, z, ntri = 0, nvtx = 0, np = 0;
    int64_t *cnt = NULL; /* per cube plane: triangles, vertices; then offsets */
    uint8_t *m = NULL;
    double *vol6 = NULL, *area = NULL;
    int32_t *vtx = NULL;
    int8_t ntab[128];
    radx_status st;
    int k, fail = 0;

    st = radx_shape_check_input(in, "shape", err);
    if (st != RADX_OK) return st;
    for (k = 0; k < radx_shape_nfeatures; k++) out[k] = NAN;

    P0 = in->dims_zyx[0] + 2;
    P1 = in->dims_zyx[1] + 2;
    P2 = in->dims_zyx[2] + 2;
    ncz = P0 - 1;
    m = (uint8_t *)calloc((size_t)(P0 * P1 * P2), 1);
    cnt = (int64_t *)calloc((size_t)(2 * ncz + 2), sizeof(int64_t));
    if (!m || !cnt) goto nomem;
#pragma omp parallel for schedule(static) reduction(+ : np)
    for (z = 0; z < in->dims_zyx[0]; z++) {
        int64_t y;
        for (y = 0; y < in->dims_zyx[1]; y++) {
            const uint8_t *src = in->roi + (z * in->dims_zyx[1] + y) * in->dims_zyx[2];
            uint8_t *dst = m + ((z + 1) * P1 + (y + 1)) * P2 + 1;
            int64_t x, c = 0;
            for (x = 0; x < in->dims_zyx[2]; x++) {
                dst[x] = src[x] != 0;
                c += dst[x];
            }
            np += c;
        }
    }
    if (np == 0) {
        free(m);
        free(cnt);
        return radx_seterr(err, RADX_ERR_ROI, "shape: ROI is empty");
    }
    for (k = 0; k < 128; k++) ntab[k] = (int8_t)radx_mc_ntri(k);

        /* pass 1: counts per cube plane */
#pragma omp parallel
    {
        uint8_t *o4 = (uint8_t *)malloc((size_t)(2 * P2)), *a4 = o4 ? o4 + P2 : NULL;
        int64_t zz;
        if (!o4) {
#pragma omp atomic write
            fail = 1;
        }
#pragma omp for schedule(dynamic, 1)
        for (zz = 0; zz < ncz; zz++) {
            int64_t y, x, nt = 0, nv = 0;
            if (!o4) continue;
            for (y = 0; y < P1 - 1; y++) {
                const uint8_t *row = m + (zz * P1 + y) * P2;
                if (!cube_row_masks(row, P1 * P2, P2, P2, o4, a4)) continue;
                for (x = next_active_cube(o4, a4, 0, P2); x < P2 - 1; x = next_active_cube(o4, a4, x + 1, P2)) {
                    int sign, idx;
                    idx = radx_mc_fold(radx_mc_cube_index(row + x, P1 * P2, P2), &sign);
                    nt += ntab[idx];
                    nv += ((idx >> 6) & 1) + ((idx >> 4) & 1) + ((idx >> 3) & 1);
                }
            }
            cnt[2 * zz] = nt;
            cnt[2 * zz + 1] = nv;
        }
        free(o4);
    }
    if (fail) goto nomem;
    for (z = 0; z < ncz; z++) {
        int64_t a = cnt[2 * z], b = cnt[2 * z + 1];
        cnt[2 * z] = ntri;
        cnt[2 * z + 1] = nvtx;
        ntri += a;
        nvtx += b;
    }
    vol6 = (double *)malloc(sizeof(double) * (size_t)(ntri ? ntri : 1));
    area = (double *)malloc(sizeof(double) * (size_t)(ntri ? ntri : 1));
    vtx = (int32_t *)malloc(sizeof(int32_t) * 3 * (size_t)(nvtx ? nvtx : 1));
    if (!vol6 || !area || !vtx) goto nomem;

        /* pass 2: terms and vertices at fixed offsets */
#pragma omp parallel
    {
        uint8_t *o4 = (uint8_t *)malloc((size_t)(2 * P2)), *a4 = o4 ? o4 + P2 : NULL;
        int64_t zz;
        if (!o4) {
#pragma omp atomic write
            fail = 1;
        }
#pragma omp for schedule(dynamic, 1)
        for (zz = 0; zz < ncz; zz++) {
            int64_t y, x, ot = cnt[2 * zz], ov = cnt[2 * zz + 1];
            if (!o4) continue;
            for (y = 0; y < P1 - 1; y++) {
                const uint8_t *row = m + (zz * P1 + y) * P2;
                if (!cube_row_masks(row, P1 * P2, P2, P2, o4, a4)) continue;
                for (x = next_active_cube(o4, a4, 0, P2); x < P2 - 1; x = next_active_cube(o4, a4, x + 1, P2)) {
                    int sign, t, idx;
                    idx = radx_mc_fold(radx_mc_cube_index(row + x, P1 * P2, P2), &sign);
                    ov += radx_mc_cube_vertices(idx, zz, y, x, vtx + 3 * ov);
                    for (t = 0; t < ntab[idx]; t++, ot++)
                        radx_mc_triangle(zz, y, x, idx, t, sign, in->spacing_zyx, &vol6[ot], &area[ot]);
                }
            }
        }
        free(o4);
    }
    if (fail) goto nomem;
    free(m);
    m = NULL;
    st = radx_shape_from_mesh(in, vol6, area, ntri, vtx, nvtx, NULL, np, out, err);
    free(vol6);
    free(area);
    free(vtx);
    free(cnt);
    (void)p;
    return st;

nomem:
    free(m);
    free(cnt);
    free(vol6);
    free(area);
    free(vtx);
    return radx_seterr(err, RADX_ERR_NOMEM, "shape: out of memory building the mesh of a %lld x %lld x %lld ROI",
                       (long long)in->dims_zyx[0], (long long)in->dims_zyx[1], (long long)in->dims_zyx[2]);
}
