/* SPDX-License-Identifier: BSD-3-Clause */
/* Gray Level Co-occurrence Matrix features, reproducing PyRadiomics 3.0.1 (glcm.py and
 * cmatrices.c calculate_glcm).
 *
 * Outline (PyRadiomics' steps, in its order):
 *   1. one integer co-occurrence matrix per angle (kernels/angles.h, mono-directional, the
 *      `distances` setting), restricted to the gray levels present in the ROI (PyRadiomics deletes
 *      the absent rows/columns; features use the actual gray values and Ng = max gray level);
 *   2. symmetricalGLCM: P += P^T;
 *   3. weightingNorm set: one matrix sum_a w_a P_a (w = exp(-||a*spacing||^2));
 *   4. empty angles are dropped (when more than one angle), an empty single matrix gives NaN;
 *   5. each matrix is normalised, features are computed per angle, then nanmean over angles.
 * eps = numpy.spacing(1) = 2^-52.
 *
 * MCC needs the eigenvalues of Q(i,j) = sum_k p(i,k)p(j,k)/(px(i)py(k)+eps); see mcc_lambda2.
 *
 * Steps (host/glcm_glrlm.h): radx_glcm_prepare (checks, level index, angles), the matrices
 * (radx_glcm_count_angle here; kernels/glcm.cu on the GPU), radx_glcm_from_counts (steps 2-5,
 * shared by both backends).  radx_glcm_compute chains them on the CPU.
 *
 * Threads: non-weighted, each angle (matrix and features) is done by one thread and the mean is
 * taken in angle order; weighted, angle matrices are counted in parallel batches and added in
 * angle order.  Results do not depend on the thread count. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#define GLCM_OMP(...) _Pragma(#__VA_ARGS__)
#else
#define GLCM_OMP(...)
#endif

#include "radx_internal.h"
#include "angles.h"
#include "glcm_cuda.h" /* radx_glcm_cuda_counts, the test stream (stand-ins without CUDA: end of file) */
#include "glcm_glrlm.h"
#include "glcm_rules.h"
#include "texture_common.h"

/* Output slots, in radx_glcm_features[] order. */
enum {
    F_AUTOCORR = 0, F_CPROM, F_CSHADE, F_CTEND, F_CONTRAST, F_CORR, F_DAVG, F_DENT, F_DVAR, F_DISSIM,
    F_HOM1, F_HOM2, F_ID, F_IDM, F_IDMN, F_IDN, F_IMC1, F_IMC2, F_INVVAR, F_JAVG, F_JENERGY, F_JENT,
    F_MCC, F_MAXP, F_SAVG, F_SENT, F_SSQ, F_SVAR, F_COUNT
};

#define GLCM_EPS 2.220446049250313e-16 /* numpy.spacing(1) */

/* The prepared input (host/glcm_glrlm.h): dims, li, n, vals, ivals, ng, sym, angles. */
typedef radx_angular_prep glcm_ctx;

/* Per-thread workspace. */
typedef struct glcm_ws {
    uint32_t *cnt;   /* n*n counts of one angle */
    double *p;       /* n*n normalised matrix */
    double *px, *py; /* n */
    double *padd;    /* 2*ng+1, indexed by i+j */
    double *psub;    /* ng, indexed by |i-j| */
    double *q;       /* n*n, MCC */
    double *arow;    /* n: Householder vector */
    int *act;        /* n: levels with px > 0 */
    double *wr, *wi, *tmp, *sq; /* n: eigenvalues / tridiagonal, off-diagonal, scratch, sqrt(px) */
    size_t *cptr, *cfill;       /* n+1: p by columns (MCC) */
    int *crow;                  /* n*n */
    double *cval;               /* n*n */
} glcm_ws;

static void ws_free(glcm_ws *w)
{
    free(w->cnt); free(w->p); free(w->px); free(w->py); free(w->padd); free(w->psub); free(w->q);
    free(w->arow); free(w->act); free(w->wr); free(w->wi); free(w->tmp); free(w->sq);
    free(w->cptr); free(w->cfill); free(w->crow); free(w->cval);
    memset(w, 0, sizeof *w);
}

static int ws_alloc(glcm_ws *w, int n, int ng, int with_counts)
{
    size_t nn = (size_t)n * (size_t)n;
    memset(w, 0, sizeof *w);
    if (with_counts) w->cnt = malloc(nn * sizeof *w->cnt);
    w->p = malloc(nn * sizeof *w->p);
    w->px = malloc((size_t)n * sizeof *w->px);
    w->py = malloc((size_t)n * sizeof *w->py);
    w->padd = malloc((2 * (size_t)ng + 1) * sizeof *w->padd);
    w->psub = malloc((size_t)ng * sizeof *w->psub);
    w->q = malloc(nn * sizeof *w->q);
    w->arow = malloc((size_t)n * sizeof *w->arow);
    w->act = malloc((size_t)n * sizeof *w->act);
    w->wr = malloc((size_t)n * sizeof *w->wr);
    w->wi = malloc((size_t)n * sizeof *w->wi);
    w->tmp = malloc((size_t)n * sizeof *w->tmp);
    w->sq = malloc((size_t)n * sizeof *w->sq);
    w->cptr = malloc(((size_t)n + 1) * sizeof *w->cptr);
    w->cfill = malloc(((size_t)n + 1) * sizeof *w->cfill);
    w->crow = malloc(nn * sizeof *w->crow);
    w->cval = malloc(nn * sizeof *w->cval);
    if ((with_counts && !w->cnt) || !w->p || !w->px || !w->py || !w->padd || !w->psub || !w->q || !w->arow ||
        !w->act || !w->wr || !w->wi || !w->tmp || !w->sq || !w->cptr || !w->cfill || !w->crow || !w->cval) {
        ws_free(w);
        return -1;
    }
    return 0;
}

/* Co-occurrence counts of angle a into cnt (n*n, not symmetrised); returns the total.  Counts fit
 * uint32: at most one pair per ROI voxel and angle (twice that once symmetrised), and the ROI has
 * fewer than 2^31 voxels. */
uint64_t radx_glcm_count_angle(const void *ctx, int a, uint32_t *cnt)
{
    const glcm_ctx *c = ctx;
    const int *ang = c->angles + 3 * a;
    const long long nz = c->dims[0], ny = c->dims[1], nx = c->dims[2];
    const int n = c->n;
    long long z0, z1, y0, y1, x0, x1, z, y, x;
    uint64_t total = 0;
    memset(cnt, 0, (size_t)n * (size_t)n * sizeof *cnt);
    radx_glcm_axis_range(nz, ang[0], &z0, &z1);
    radx_glcm_axis_range(ny, ang[1], &y0, &y1);
    radx_glcm_axis_range(nx, ang[2], &x0, &x1);
    const long long off = (long long)ang[2] + nx * ((long long)ang[1] + ny * (long long)ang[0]);
    for (z = z0; z < z1; z++) {
        for (y = y0; y < y1; y++) {
            const int32_t *row = c->li + nx * (y + ny * z);
            const int32_t *nrow = row + off;
            for (x = x0; x < x1; x++) {
                const long long cell = radx_glcm_cell(row[x], nrow[x], n);
                if (cell >= 0) {
                    cnt[cell]++;
                    total++;
                }
            }
        }
    }
    return total;
}

/* The matrix source of radx_glcm_from_counts with symmetricalGLCM applied: P += P^T. */
typedef struct glcm_src {
    radx_angular_count_fn count;
    const void *ctx;
    int n, sym;
} glcm_src;

static uint64_t src_count(const void *vsrc, int a, uint32_t *cnt)
{
    const glcm_src *s = vsrc;
    const int n = s->n;
    uint64_t total = s->count(s->ctx, a, cnt);
    if (s->sym) {
        int i, j;
        for (i = 0; i < n; i++) {
            cnt[(size_t)i * n + i] *= 2u;
            for (j = i + 1; j < n; j++) {
                uint32_t t = cnt[(size_t)i * n + j] + cnt[(size_t)j * n + i];
                cnt[(size_t)i * n + j] = t;
                cnt[(size_t)j * n + i] = t;
            }
        }
        total *= 2;
    }
    return total;
}

/* ---------------------------------------------------------------------------------------------
 * MCC.  numpy.linalg.eigvals(Q), Q(i,j) = sum_k p(i,k)p(j,k) / (px(i)py(k) + eps), is a general
 * (non-symmetric) eigenproblem in PyRadiomics.  Without eps, Q = Dx^-1 P Dy^-1 P^T is similar to
 * the symmetric S = Dx^1/2 Q Dx^-1/2 = C C^T (C = Dx^-1/2 P Dy^-1/2), so its eigenvalues are real.
 * With eps, S = Dx^1/2 Q Dx^-1/2 (still similar to Q) is symmetric up to a tiny skew part E; the
 * eigenvalues of (S + S^T)/2 differ from those of S by O(|E|^2) only (a skew perturbation has no
 * first-order effect on the eigenvalues of a symmetric matrix), so the eps terms' effect is kept
 * while the problem becomes symmetric: Householder tridiagonalisation and implicit QL, about 10x
 * fewer operations than the general QR algorithm.  Levels without a pair in that angle (px = 0)
 * give exact zero rows/columns of Q, hence exact zero eigenvalues; they are left out of the solve.
 * ------------------------------------------------------------------------------------------- */
#define M_(i, j) a[(size_t)(i) * (size_t)n + (size_t)(j)]

/* Symmetric a (n x n, row-major, upper triangle used, destroyed) to tridiagonal form by Householder
 * reflections: diagonal d[n], e[k] couples k and k+1 (e[n-1] = 0).  v, pv: n scratch. */
static void sym_tridiag(double *a, int n, double *d, double *e, double *v, double *pv)
{
    int k, i, j;
    for (k = 0; k < n - 2; k++) {
        double scale = 0.0, h = 0.0, alpha, K = 0.0;
        const double *rk = &M_(k, 0);
        for (i = k + 1; i < n; i++) scale += fabs(rk[i]);
        d[k] = rk[k];
        if (scale == 0.0) {
            e[k] = 0.0;
            continue;
        }
        for (i = k + 1; i < n; i++) {
            v[i] = rk[i] / scale;
            h += v[i] * v[i];
        }
        alpha = v[k + 1] > 0.0 ? -sqrt(h) : sqrt(h);
        h -= v[k + 1] * alpha;
        v[k + 1] -= alpha;
        e[k] = alpha * scale;
        /* trailing block B <- H B H, H = I - v v^T / h:  B -= v q^T + q v^T with p = B v / h,
         * K = v^T p / (2h), q = p - K v.  B v from the upper triangle: row sweeps. */
        for (i = k + 1; i < n; i++) pv[i] = 0.0;
        for (i = k + 1; i < n; i++) {
            const double *RADX_RESTRICT row = &M_(i, 0);
            const double vi = v[i];
            double t = row[i] * vi;
            GLCM_OMP(omp simd reduction(+ : t))
            for (j = i + 1; j < n; j++) {
                t += row[j] * v[j];
                pv[j] += row[j] * vi;
            }
            pv[i] += t;
        }
        for (i = k + 1; i < n; i++) {
            pv[i] /= h;
            K += v[i] * pv[i];
        }
        K /= 2.0 * h;
        for (i = k + 1; i < n; i++) pv[i] -= K * v[i];
        for (i = k + 1; i < n; i++) {
            double *RADX_RESTRICT row = &M_(i, 0);
            const double vi = v[i], qi = pv[i];
            GLCM_OMP(omp simd)
            for (j = i; j < n; j++) row[j] -= vi * pv[j] + qi * v[j];
        }
    }
    if (n >= 2) {
        d[n - 2] = M_(n - 2, n - 2);
        e[n - 2] = M_(n - 2, n - 1);
    }
    d[n - 1] = M_(n - 1, n - 1);
    e[n - 1] = 0.0;
}
#undef M_

/* sqrt(a^2 + b^2); hypot (slow in glibc) only where squaring could under- or overflow. */
static inline double pyth(double a, double b)
{
    const double s = a * a + b * b;
    return (s > 1e-290 && s < 1e290) ? sqrt(s) : hypot(a, b);
}

/* Eigenvalues (into d) of the symmetric tridiagonal (d, e) by implicit QL with Wilkinson shifts.
 * Returns 0, or -1 when it does not converge. */
static int sym_tql(double *d, double *e, int n)
{
    int l, m, i, iter;
    for (l = 0; l < n; l++) {
        iter = 0;
        do {
            for (m = l; m < n - 1; m++) {
                const double dd = fabs(d[m]) + fabs(d[m + 1]);
                if (fabs(e[m]) + dd == dd) break;
            }
            if (m != l) {
                double g, r, s, c, p, f, b;
                if (iter++ == 100) return -1;
                g = (d[l + 1] - d[l]) / (2.0 * e[l]);
                r = pyth(g, 1.0);
                g = d[m] - d[l] + e[l] / (g + copysign(r, g));
                s = c = 1.0;
                p = 0.0;
                for (i = m - 1; i >= l; i--) {
                    f = s * e[i];
                    b = c * e[i];
                    e[i + 1] = (r = pyth(f, g));
                    if (r == 0.0) {
                        d[i + 1] -= p;
                        e[m] = 0.0;
                        break;
                    }
                    s = f / r;
                    c = g / r;
                    g = d[i + 1] - p;
                    r = (d[i] - g) * s + 2.0 * c * b;
                    d[i + 1] = g + (p = s * r);
                    g = c * r - b;
                }
                if (r == 0.0 && i >= l) continue;
                d[l] -= p;
                e[l] = g;
                e[m] = 0.0;
            }
        } while (m != l);
    }
    return 0;
}

/* Second largest eigenvalue of Q for the normalised matrix in w->p (needs n >= 2) into *l2.
 * Returns -1 when the eigen solver fails. */
static int mcc_lambda2(const glcm_ctx *c, glcm_ws *w, double *l2)
{
    const int n = c->n;
    const double *p = w->p, *px = w->px, *py = w->py;
    int m = 0, i, a, b, k;
    for (i = 0; i < n; i++)
        if (px[i] != 0.0) w->act[m++] = i;
    for (a = 0; a < m; a++) w->sq[a] = sqrt(px[w->act[a]]);
    /* columns of p over the active rows (compressed sparse columns) */
    for (k = 0; k <= n; k++) w->cptr[k] = 0;
    for (a = 0; a < m; a++) {
        const double *prow = p + (size_t)w->act[a] * n;
        for (k = 0; k < n; k++)
            if (prow[k] != 0.0) w->cptr[k + 1]++;
    }
    for (k = 0; k < n; k++) w->cptr[k + 1] += w->cptr[k];
    for (k = 0; k < n; k++) w->cfill[k] = w->cptr[k];
    for (a = 0; a < m; a++) {
        const double *prow = p + (size_t)w->act[a] * n;
        for (k = 0; k < n; k++) {
            if (prow[k] != 0.0) {
                const size_t t = w->cfill[k]++;
                w->crow[t] = a;
                w->cval[t] = prow[k];
            }
        }
    }
    /* Q(a,b) = sum_k p(a,k) p(b,k) / (px_a py_k + eps), as the sparse product over the non-zero
     * p(a,k) and the non-zeros of column k; then S(a,b) = Q(a,b) sqrt(px_a) / sqrt(px_b). */
    for (a = 0; a < m; a++) {
        const int ia = w->act[a];
        const double *prow = p + (size_t)ia * n;
        double *RADX_RESTRICT qrow = w->q + (size_t)a * m;
        for (b = 0; b < m; b++) qrow[b] = 0.0;
        for (k = 0; k < n; k++) {
            if (prow[k] == 0.0) continue;
            const double coef = prow[k] / (px[ia] * py[k] + GLCM_EPS);
            const size_t t1 = w->cptr[k + 1];
            for (size_t t = w->cptr[k]; t < t1; t++) qrow[w->crow[t]] += coef * w->cval[t];
        }
        for (b = 0; b < m; b++) qrow[b] *= w->sq[a] / w->sq[b];
    }
    /* symmetric part, upper triangle */
    for (a = 0; a < m; a++)
        for (b = a + 1; b < m; b++)
            w->q[(size_t)a * m + b] = 0.5 * (w->q[(size_t)a * m + b] + w->q[(size_t)b * m + a]);
    if (m > 0) {
        sym_tridiag(w->q, m, w->wr, w->wi, w->arow, w->tmp);
        if (sym_tql(w->wr, w->wi, m) != 0) return -1;
    }
    for (i = m; i < n; i++) w->wr[i] = 0.0; /* exact zeros of the inactive levels */
    double l1 = -INFINITY, s2 = -INFINITY;
    for (i = 0; i < n; i++) {
        if (w->wr[i] > l1) {
            s2 = l1;
            l1 = w->wr[i];
        } else if (w->wr[i] > s2) {
            s2 = w->wr[i];
        }
    }
    *l2 = s2;
    return 0;
}

/* Features of one normalised matrix w->p into f[F_COUNT] (MCC left out). */
static void matrix_features(const glcm_ctx *c, glcm_ws *w, double *f)
{
    const int n = c->n, ng = c->ng;
    const double eps = GLCM_EPS;
    const double *p = w->p;
    double *px = w->px, *py = w->py;
    int i, j, k;
    double ux = 0.0, uy = 0.0;

    for (i = 0; i < n; i++) px[i] = py[i] = 0.0;
    for (i = 0; i < n; i++) {
        const double *row = p + (size_t)i * n;
        double s = 0.0;
        for (j = 0; j < n; j++) {
            s += row[j];
            py[j] += row[j];
        }
        px[i] = s;
    }
    for (i = 0; i < n; i++) {
        ux += c->vals[i] * px[i];
        uy += c->vals[i] * py[i];
    }
    for (k = 0; k <= 2 * ng; k++) w->padd[k] = 0.0;
    for (k = 0; k < ng; k++) w->psub[k] = 0.0;

    double ac = 0.0, ct = 0.0, cs = 0.0, cp = 0.0, cont = 0.0, corm = 0.0, sx = 0.0, sy = 0.0;
    double ene = 0.0, hxy = 0.0, hxy1 = 0.0, maxp = 0.0;
    for (i = 0; i < n; i++) {
        const double *row = p + (size_t)i * n;
        const double vi = c->vals[i], dxi = vi - ux;
        const int ii = c->ivals[i];
        for (j = 0; j < n; j++) {
            const double pij = row[j];
            if (pij == 0.0) continue;
            const double vj = c->vals[j];
            const double s = vi + vj - ux - uy, s2 = s * s;
            const double d = vi - vj;
            const double dyj = vj - uy;
            const int jj = c->ivals[j];
            ac += pij * (vi * vj);
            ct += pij * s2;
            cs += pij * (s2 * s);
            cp += pij * (s2 * s2);
            cont += pij * (d * d);
            corm += pij * dxi * dyj;
            sx += pij * (dxi * dxi);
            sy += pij * (dyj * dyj);
            ene += pij * pij;
            hxy -= pij * log2(pij + eps);
            hxy1 -= pij * log2(px[i] * py[j] + eps);
            if (pij > maxp) maxp = pij;
            w->padd[ii + jj] += pij;
            w->psub[ii > jj ? ii - jj : jj - ii] += pij;
        }
    }
    double hx = 0.0, hy = 0.0, hxy2 = 0.0;
    for (i = 0; i < n; i++) {
        hx -= px[i] * log2(px[i] + eps);
        hy -= py[i] * log2(py[i] + eps);
    }
    for (i = 0; i < n; i++) {
        if (px[i] == 0.0) continue;
        for (j = 0; j < n; j++) {
            const double pp = px[i] * py[j];
            if (pp != 0.0) hxy2 -= pp * log2(pp + eps);
        }
    }
    double davg = 0.0, dent = 0.0, id = 0.0, idm = 0.0, idmn = 0.0, idn = 0.0, inv = 0.0, dvar = 0.0;
    const double ngd = (double)ng, ng2 = (double)ng * (double)ng;
    for (k = 0; k < ng; k++) {
        const double ps = w->psub[k], kd = (double)k;
        if (ps == 0.0) continue;
        davg += kd * ps;
        dent -= ps * log2(ps + eps);
        id += ps / (1.0 + kd);
        idm += ps / (1.0 + kd * kd);
        idmn += ps / (1.0 + (kd * kd) / ng2);
        idn += ps / (1.0 + kd / ngd);
        if (k > 0) inv += ps / (kd * kd);
    }
    for (k = 0; k < ng; k++) {
        const double ps = w->psub[k], dk = (double)k - davg;
        if (ps != 0.0) dvar += ps * (dk * dk);
    }
    double savg = 0.0, sent = 0.0;
    for (k = 2; k <= 2 * ng; k++) {
        const double pa = w->padd[k];
        if (pa == 0.0) continue;
        savg += (double)k * pa;
        sent -= pa * log2(pa + eps);
    }

    const double sigx = sqrt(sx), sigy = sqrt(sy);
    f[F_AUTOCORR] = ac;
    f[F_CPROM] = cp;
    f[F_CSHADE] = cs;
    f[F_CTEND] = ct;
    f[F_CONTRAST] = cont;
    f[F_CORR] = (sigx * sigy == 0.0) ? 1.0 : corm / (sigx * sigy + eps);
    f[F_DAVG] = davg;
    f[F_DENT] = dent;
    f[F_DVAR] = dvar;
    f[F_DISSIM] = f[F_HOM1] = f[F_HOM2] = f[F_SVAR] = NAN; /* deprecated: PyRadiomics gives no value */
    f[F_ID] = id;
    f[F_IDM] = idm;
    f[F_IDMN] = idmn;
    f[F_IDN] = idn;
    {
        const double div = fmax(hx, hy);
        f[F_IMC1] = (div != 0.0) ? (hxy - hxy1) / div : 0.0;
    }
    /* numpy: (1 - e**(-2(HXY2-HXY)))**0.5, NaN for a negative radicand; 0 where HXY2 == HXY */
    f[F_IMC2] = (hxy2 == hxy) ? 0.0 : sqrt(1.0 - pow(M_E, -2.0 * (hxy2 - hxy)));
    f[F_INVVAR] = inv;
    f[F_JAVG] = ux;
    f[F_JENERGY] = ene;
    f[F_JENT] = hxy;
    f[F_MCC] = NAN;
    f[F_MAXP] = maxp;
    f[F_SAVG] = savg;
    f[F_SENT] = sent;
    f[F_SSQ] = sx;
}

static void normalise(const uint32_t *cnt, double *p, size_t nn, double total)
{
    size_t t;
    for (t = 0; t < nn; t++) p[t] = (double)cnt[t] / total;
}

/* Features of the normalised matrix w->p into f, MCC included: the square root of the second
 * largest eigenvalue of Q (numpy's sqrt of a round-off negative eigenvalue is NaN); NaN for a
 * 1 x 1 matrix (the caller applies PyRadiomics' 1) and when the eigen solver failed, which
 * returns 1.  (PyRadiomics takes the real part of a complex root when LAPACK returned complex
 * eigenvalues; with Q's eigenvalues real in exact arithmetic that only concerns eigenvalues that
 * are zero up to round-off.) */
static int matrix_all(const glcm_ctx *c, glcm_ws *w, double *f)
{
    double l2 = 0.0;
    matrix_features(c, w, f); /* f[F_MCC] = NaN */
    if (c->n < 2) return 0;
    if (mcc_lambda2(c, w, &l2) != 0) return 1;
    f[F_MCC] = l2 >= 0.0 ? sqrt(l2) : NAN;
    return 0;
}

void radx_angular_prep_free(radx_angular_prep *g)
{
    if (!g) return;
    free(g->li);
    free(g->vals);
    free(g->ivals);
    free(g->angles);
    memset(g, 0, sizeof *g);
}

uint64_t radx_angular_counts_get(const void *ctx, int a, uint32_t *cnt)
{
    const radx_angular_counts *s = ctx;
    const uint32_t *src = s->cnt + (size_t)a * s->ncell;
    uint64_t total = 0;
    size_t e;
    for (e = 0; e < s->ncell; e++) total += (cnt[e] = src[e]);
    return total;
}

radx_status radx_glcm_prepare(const radx_texture_input *in, const radx_params *p, double *out,
                              radx_angular_prep *g, radx_err *err)
{
    int i;
    memset(g, 0, sizeof *g);
    radx_status st = radx_tex_check_angular(in, p, "glcm", radx_glcm_nfeatures, F_COUNT, 1, out, err);
    if (st != RADX_OK) return st;

    const long long dims[3] = {in->dims_zyx[0], in->dims_zyx[1], in->dims_zyx[2]};
    memcpy(g->dims, dims, sizeof g->dims);
    /* gray levels present in the ROI */
    st = radx_tex_level_index(in, "glcm", &g->li, &g->vals, &g->n, err);
    if (st != RADX_OK) return st;
    const int n = g->n;
    g->ng = (int)g->vals[n - 1]; /* Ng = max gray level present (PyRadiomics), whatever in->ng says */
    if ((uint64_t)n * (uint64_t)n > ((uint64_t)1 << 31)) {
        st = radx_seterr(err, RADX_ERR_NOMEM, "glcm: %d gray levels give a too large matrix; increase binWidth", n);
        goto fail;
    }
    g->ncell = (size_t)n * (size_t)n;
    g->ivals = malloc((size_t)n * sizeof *g->ivals);
    g->angles = malloc(3 * RADX_MAX_ANGLES * sizeof *g->angles);
    if (!g->ivals || !g->angles) { st = radx_seterr(err, RADX_ERR_NOMEM, "glcm: out of memory"); goto fail; }
    for (i = 0; i < n; i++) g->ivals[i] = (int)g->vals[i];

    const int force = p->force2d ? p->force2d_dimension : -1;
    g->na = radx_angles_build(dims, p->distances, p->n_distances, 0, force, g->angles, RADX_MAX_ANGLES);
    if (g->na < 0) {
        st = radx_seterr(err, RADX_ERR_PARAM, "glcm: distances: invalid value (< 1) or more than %d angles",
                         RADX_MAX_ANGLES);
        goto fail;
    }
    g->sym = p->symmetrical_glcm ? 1 : 0;
    return RADX_OK;
fail:
    radx_angular_prep_free(g);
    return st;
}

radx_status radx_glcm_from_counts(const radx_angular_prep *g, const radx_params *p, const double spacing_zyx[3],
                                  radx_angular_count_fn count, const void *ctx, double *out, radx_err *err)
{
    int k;
    const glcm_ctx *c = g;
    const int n = g->n, ng = g->ng, na = g->na;
    const size_t nn = (size_t)n * (size_t)n;
    const glcm_src src = {count, ctx, n, g->sym};
    double *res = NULL, *wsum = NULL; /* res: F_COUNT features per angle */
    int *mcc_fail = NULL;
    int nthr = radx_tex_max_threads();
    radx_status st = RADX_OK;
    double mcc_one_level = 1.0; /* PyRadiomics returns 1 when the matrices are 1 x 1 */

    for (k = 0; k < F_COUNT; k++) out[k] = NAN;
    if (p->weighting_norm != RADX_WNORM_NONE) {
        /* one matrix: sum_a w_a P_a, added in angle order */
        st = radx_tex_weighted_sum("glcm", na, g->angles, nn, nthr, src_count, &src, radx_glcm_weight, spacing_zyx,
                                   (int)p->weighting_norm, &wsum, err);
        if (st != RADX_OK) goto done;
        double total = 0.0;
        for (size_t e = 0; e < nn; e++) total += wsum[e];
        if (total == 0.0) {
            /* NaN matrix: every feature NaN (MCC: numpy refuses NaN input), except InverseVariance
             * when Ng = 1: its sum over k = 1..Ng-1 is empty, hence 0. */
            if (ng == 1) out[F_INVVAR] = 0.0;
            goto done;
        }
        glcm_ws w;
        if (ws_alloc(&w, n, ng, 0) != 0) { st = radx_seterr(err, RADX_ERR_NOMEM, "glcm: out of memory"); goto done; }
        for (size_t e = 0; e < nn; e++) w.p[e] = wsum[e] / total;
        matrix_all(c, &w, out); /* MCC NaN when the eigen solver failed */
        ws_free(&w);
        if (n < 2) out[F_MCC] = mcc_one_level;
        goto done;
    }

    /* no weighting: features per angle, then the mean over the non-empty angles */
    res = malloc((na > 0 ? (size_t)na : 1) * F_COUNT * sizeof *res);
    mcc_fail = calloc(na > 0 ? (size_t)na : 1, sizeof *mcc_fail);
    if (!res || !mcc_fail) { st = radx_seterr(err, RADX_ERR_NOMEM, "glcm: out of memory"); goto done; }
    int nomem = 0;
    /* workspace per thread is about 32 n^2 bytes: keep the total under ~2 GiB */
    {
        const double per = 32.0 * (double)n * (double)n + 1.0;
        int lim = (int)fmin((double)nthr, fmax(1.0, 2147483648.0 / per));
        nthr = lim < 1 ? 1 : lim;
    }
    GLCM_OMP(omp parallel num_threads(nthr) reduction(| : nomem))
    {
        glcm_ws w;
        const int ok = ws_alloc(&w, n, ng, 1) == 0;
        int a;
        nomem = !ok;
        GLCM_OMP(omp for schedule(dynamic, 1))
        for (a = 0; a < na; a++) {
            double *f = res + (size_t)a * F_COUNT;
            if (!ok) continue;
            uint64_t total = src_count(&src, a, w.cnt);
            if (total == 0) { /* no pair: PyRadiomics deletes the angle, the mean skips its NaN */
                for (int j = 0; j < F_COUNT; j++) f[j] = NAN;
                continue;
            }
            normalise(w.cnt, w.p, nn, (double)total);
            mcc_fail[a] = matrix_all(c, &w, f);
        }
        if (ok) ws_free(&w);
    }
    if (nomem) { st = radx_seterr(err, RADX_ERR_NOMEM, "glcm: out of memory"); goto done; }

    /* numpy.nanmean over the angles.  With no pair in any angle, PyRadiomics deletes all (empty)
     * angles: every mean is NaN, but MCC still returns 1 for 1 x 1 matrices.  (With a single angle
     * it would keep a NaN matrix and MCC would be NaN too; PyRadiomics' extractor pads the cropped
     * box, so it generates more than one angle except for 1-D images; the padded box is the
     * reference here.) */
    for (k = 0; k < F_COUNT; k++) out[k] = radx_tex_angle_nanmean(res, na, F_COUNT, k);
    if (n < 2) {
        out[F_MCC] = mcc_one_level;
    } else {
        for (int a = 0; a < na; a++)
            if (mcc_fail[a]) out[F_MCC] = NAN; /* numpy.linalg raised: PyRadiomics stores NaN */
    }

done:
    free(wsum);
    free(res);
    free(mcc_fail);
    return st;
}

radx_status radx_glcm_compute(const radx_texture_input *in, const radx_params *p, double *out, radx_err *err)
{
    radx_angular_prep g;
    radx_status st = radx_glcm_prepare(in, p, out, &g, err);
    if (st != RADX_OK) return st;
    st = radx_glcm_from_counts(&g, p, in->spacing_zyx, radx_glcm_count_angle, &g, out, err);
    radx_angular_prep_free(&g);
    return st;
}

#ifndef RADX_HAVE_CUDA
/* Built without CUDA: stand-ins for the GPU entry points of kernels/glcm.cu, so that the GPU tests
 * (which skip before calling them) link in every build. */
radx_status radx_cuda_glcm(void *stream, const radx_texture_input *in, const radx_params *p, double *out,
                           radx_err *err)
{
    return radx_seterr(err, RADX_ERR_DEVICE, "glcm: this radx was built without CUDA");
}

radx_status radx_glcm_cuda_counts(void *stream, const radx_angular_prep *g, int mode, uint32_t *cnt, radx_err *err)
{
    return radx_seterr(err, RADX_ERR_DEVICE, "glcm: this radx was built without CUDA");
}

radx_status radx_angular_cuda_test_stream(void **stream, radx_err *err)
{
    *stream = NULL;
    return radx_seterr(err, RADX_ERR_DEVICE, "this radx was built without CUDA");
}

void radx_angular_cuda_test_stream_destroy(void *stream) {}
#endif
