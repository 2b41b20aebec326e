/* SPDX-License-Identifier: BSD-3-Clause */
/* GLCM features of one normalised co-occurrence matrix (PyRadiomics 3.0.1 glcm.py), MCC's
 * eigenvalue included, written once for the CPU (host/features/glcm.c: whole ROIs and voxel-map kernels)
 * and the CUDA voxel-map kernel.  RADX_HD: static inline in C, __host__ __device__ under nvcc.
 * No allocation: the caller passes the workspace (radx_glcm_ws). */
#ifndef RADX_GLCM_FEATURES_H
#define RADX_GLCM_FEATURES_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include "rules/host_device.h"

#if defined(_OPENMP) && !defined(__CUDACC__)
#define RADX_GLCM_SIMD(...) _Pragma(#__VA_ARGS__)
#else
#define RADX_GLCM_SIMD(...)
#endif

/* Output slots, in radx_glcm_features[] order. */
enum {
    GLCM_F_AUTOCORR = 0,
    GLCM_F_CPROM,
    GLCM_F_CSHADE,
    GLCM_F_CTEND,
    GLCM_F_CONTRAST,
    GLCM_F_CORR,
    GLCM_F_DAVG,
    GLCM_F_DENT,
    GLCM_F_DVAR,
    GLCM_F_DISSIM,
    GLCM_F_HOM1,
    GLCM_F_HOM2,
    GLCM_F_ID,
    GLCM_F_IDM,
    GLCM_F_IDMN,
    GLCM_F_IDN,
    GLCM_F_IMC1,
    GLCM_F_IMC2,
    GLCM_F_INVVAR,
    GLCM_F_JAVG,
    GLCM_F_JENERGY,
    GLCM_F_JENT,
    GLCM_F_MCC,
    GLCM_F_MAXP,
    GLCM_F_SAVG,
    GLCM_F_SENT,
    GLCM_F_SSQ,
    GLCM_F_SVAR,
    GLCM_F_COUNT
};

#define GLCM_EPS    2.220446049250313e-16 /* numpy.spacing(1) */
#define RADX_GLCM_E 2.7182818284590452354 /* M_E */

/* The gray levels of the matrix: n rows/columns, their values (vals, as double and as int) and
 * Ng, the largest gray level (PyRadiomics' Ng). */
typedef struct radx_glcm_levels {
    int n, ng;
    const double *vals;
    const int *ivals;
} radx_glcm_levels;

/* Workspace of the per-matrix feature functions (n: levels of the matrix, ng: largest level):
 * cnt n*n (counting only), p, q, crow, cval n*n, padd 2*ng+1, psub ng, cptr and cfill n+1, the
 * rest n. */
typedef struct radx_glcm_ws {
    uint32_t *cnt;              /* n*n counts of one angle */
    double *p;                  /* n*n normalised matrix */
    double *px, *py;            /* n */
    double *padd;               /* 2*ng+1, indexed by i+j */
    double *psub;               /* ng, indexed by |i-j| */
    double *q;                  /* n*n, MCC */
    double *arow;               /* n: Householder vector */
    int *act;                   /* n: levels with px > 0 */
    double *wr, *wi, *tmp, *sq; /* n: eigenvalues / tridiagonal, off-diagonal, scratch, sqrt(px) */
    size_t *cptr, *cfill;       /* n+1: p by columns (MCC) */
    int *crow;                  /* n*n */
    double *cval;               /* n*n */
} radx_glcm_ws;

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
RADX_HD void radx_glcm_sym_tridiag(double *a, int n, double *d, double *e, double *v, double *pv)
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
            RADX_GLCM_SIMD(omp simd reduction(+ : t))
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
            RADX_GLCM_SIMD(omp simd)
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
RADX_HD double radx_glcm_pyth(double a, double b)
{
    const double s = a * a + b * b;
    return (s > 1e-290 && s < 1e290) ? sqrt(s) : hypot(a, b);
}

/* Eigenvalues (into d) of the symmetric tridiagonal (d, e) by implicit QL with Wilkinson shifts.
 * Returns 0, or -1 when it does not converge. */
RADX_HD int radx_glcm_sym_tql(double *d, double *e, int n)
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
                r = radx_glcm_pyth(g, 1.0);
                g = d[m] - d[l] + e[l] / (g + copysign(r, g));
                s = c = 1.0;
                p = 0.0;
                for (i = m - 1; i >= l; i--) {
                    f = s * e[i];
                    b = c * e[i];
                    e[i + 1] = (r = radx_glcm_pyth(f, g));
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
RADX_HD int radx_glcm_mcc_lambda2(const radx_glcm_levels *c, radx_glcm_ws *w, double *l2)
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
        for (b = a + 1; b < m; b++) w->q[(size_t)a * m + b] = 0.5 * (w->q[(size_t)a * m + b] + w->q[(size_t)b * m + a]);
    if (m > 0) {
        radx_glcm_sym_tridiag(w->q, m, w->wr, w->wi, w->arow, w->tmp);
        if (radx_glcm_sym_tql(w->wr, w->wi, m) != 0) return -1;
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

/* Features of one normalised matrix w->p into f[GLCM_F_COUNT] (MCC left out). */
RADX_HD void radx_glcm_matrix_features(const radx_glcm_levels *c, radx_glcm_ws *w, double *f)
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
    f[GLCM_F_AUTOCORR] = ac;
    f[GLCM_F_CPROM] = cp;
    f[GLCM_F_CSHADE] = cs;
    f[GLCM_F_CTEND] = ct;
    f[GLCM_F_CONTRAST] = cont;
    f[GLCM_F_CORR] = (sigx * sigy == 0.0) ? 1.0 : corm / (sigx * sigy + eps);
    f[GLCM_F_DAVG] = davg;
    f[GLCM_F_DENT] = dent;
    f[GLCM_F_DVAR] = dvar;
    f[GLCM_F_DISSIM] = f[GLCM_F_HOM1] = f[GLCM_F_HOM2] = f[GLCM_F_SVAR] =
        NAN; /* deprecated: PyRadiomics gives no value */
    f[GLCM_F_ID] = id;
    f[GLCM_F_IDM] = idm;
    f[GLCM_F_IDMN] = idmn;
    f[GLCM_F_IDN] = idn;
    {
        const double div = fmax(hx, hy);
        f[GLCM_F_IMC1] = (div != 0.0) ? (hxy - hxy1) / div : 0.0;
    }
    /* numpy: (1 - e**(-2(HXY2-HXY)))**0.5, NaN for a negative radicand; 0 where HXY2 == HXY */
    f[GLCM_F_IMC2] = (hxy2 == hxy) ? 0.0 : sqrt(1.0 - pow(RADX_GLCM_E, -2.0 * (hxy2 - hxy)));
    f[GLCM_F_INVVAR] = inv;
    f[GLCM_F_JAVG] = ux;
    f[GLCM_F_JENERGY] = ene;
    f[GLCM_F_JENT] = hxy;
    f[GLCM_F_MCC] = NAN;
    f[GLCM_F_MAXP] = maxp;
    f[GLCM_F_SAVG] = savg;
    f[GLCM_F_SENT] = sent;
    f[GLCM_F_SSQ] = sx;
}

RADX_HD void radx_glcm_normalise(const uint32_t *cnt, double *p, size_t nn, double total)
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
RADX_HD int radx_glcm_matrix_all(const radx_glcm_levels *c, radx_glcm_ws *w, double *f)
{
    double l2 = 0.0;
    radx_glcm_matrix_features(c, w, f); /* f[GLCM_F_MCC] = NaN */
    if (c->n < 2) return 0;
    if (radx_glcm_mcc_lambda2(c, w, &l2) != 0) return 1;
    f[GLCM_F_MCC] = l2 >= 0.0 ? sqrt(l2) : NAN;
    return 0;
}
#endif
