/* LINPACK xSVDC (job 21) for a 3x3 matrix, written once, instantiated per precision.
 *
 * ITK computes two things through vnl_svd, i.e. through the f2c translation of LINPACK's
 * ssvdc / dsvdc with the reference BLAS they call (v3p netlib):
 *  - io_nifti.c: "sform and qform are very similar" from vnl_svd<float> (ssvdc, single
 *    precision); the decision depends on the exact signs and order of the left singular vectors,
 *    which for an orthogonal-times-diagonal matrix come out of rounding noise;
 *  - resample.c: the inverse of Direction x Spacing (vnl_matrix_inverse<double>, dsvdc), which
 *    decides the continuous index of every output voxel of an oblique resampling.
 * Both must match ITK bit for bit, so the algorithm is transcribed operation for operation
 * (BLAS xnrm2 / xdot / xaxpy / xscal / xrot / xswap / xrotg in their order of operations,
 * including the places where f2c computes in double even for ssvdc: the square roots in xnrm2,
 * xrotg and the QR shift take and return double; in the double instantiation those casts are
 * no-ops).  All other arithmetic is in the instantiated type T.
 *
 * Usage (no include guard: the file is meant to be included once per precision):
 *     #define RADX_SVD_T    float      element type
 *     #define RADX_SVD_SUF  f          name suffix: defines radx_svdc_f
 *     #define RADX_SVD_FABS fabsf      absolute value of a T, in T
 *     #include "io/linpack_svd.h"
 * which defines
 *     static int radx_svdc_SUF(T x[9], T s[3], T u[9], T v[9]);
 * x: the 3x3 matrix, column-major (x[i + 3*j] = X(i,j)), destroyed.  s: singular values (signs
 * as LINPACK leaves them: callers take |s|), descending.  u, v: left / right singular vectors,
 * column-major.  Returns 0, or LINPACK's info (the index of a value that did not converge).
 * The parameter macros are #undef'd at the end.  Needs <math.h> and <string.h>. */

#if !defined(RADX_SVD_T) || !defined(RADX_SVD_SUF) || !defined(RADX_SVD_FABS)
#error "define RADX_SVD_T, RADX_SVD_SUF and RADX_SVD_FABS before including linpack_svd.h"
#endif

#define RADX_SVD_CAT2_(a, b) a##_##b
#define RADX_SVD_CAT_(a, b)  RADX_SVD_CAT2_(a, b)
#define RADX_SVD_FN(name)    RADX_SVD_CAT_(name, RADX_SVD_SUF)

/* reference BLAS on contiguous vectors (incx = incy = 1), in their order of operations */
static RADX_SVD_T RADX_SVD_FN(radx_svd_nrm2)(int n, const RADX_SVD_T *x)
{
    typedef RADX_SVD_T T;
    if (n < 1) return (T)0;
    if (n == 1) return RADX_SVD_FABS(x[0]);
    T scale = (T)0, ssq = (T)1;
    for (int i = 0; i < n; i++) {
        if (x[i] != (T)0) {
            T ax = RADX_SVD_FABS(x[i]);
            if (scale < ax) {
                T r = scale / ax;
                ssq = ssq * (r * r) + (T)1;
                scale = ax;
            } else {
                T r = ax / scale;
                ssq += r * r;
            }
        }
    }
    return (T)((double)scale * sqrt((double)ssq));
}

static RADX_SVD_T RADX_SVD_FN(radx_svd_dot)(int n, const RADX_SVD_T *x, const RADX_SVD_T *y)
{
    RADX_SVD_T t = (RADX_SVD_T)0; /* n < 5 here: the plain clean-up loop of BLAS xdot */
    for (int i = 0; i < n; i++) t += x[i] * y[i];
    return t;
}

static void RADX_SVD_FN(radx_svd_axpy)(int n, RADX_SVD_T a, const RADX_SVD_T *x, RADX_SVD_T *y)
{
    if (n <= 0 || a == (RADX_SVD_T)0) return;
    for (int i = 0; i < n; i++) y[i] += a * x[i];
}

static void RADX_SVD_FN(radx_svd_scal)(int n, RADX_SVD_T a, RADX_SVD_T *x)
{
    for (int i = 0; i < n; i++) x[i] = a * x[i];
}

static void RADX_SVD_FN(radx_svd_rot)(int n, RADX_SVD_T *x, RADX_SVD_T *y, RADX_SVD_T c, RADX_SVD_T s)
{
    for (int i = 0; i < n; i++) {
        RADX_SVD_T t = c * x[i] + s * y[i];
        y[i] = c * y[i] - s * x[i];
        x[i] = t;
    }
}

static void RADX_SVD_FN(radx_svd_swap)(int n, RADX_SVD_T *x, RADX_SVD_T *y)
{
    for (int i = 0; i < n; i++) {
        RADX_SVD_T t = x[i];
        x[i] = y[i];
        y[i] = t;
    }
}

/* Fortran SIGN(a, b): |a| with the sign of b */
static RADX_SVD_T RADX_SVD_FN(radx_svd_sign)(RADX_SVD_T a, RADX_SVD_T b)
{
    RADX_SVD_T x = a >= 0 ? a : -a;
    return b >= 0 ? x : -x;
}

static void RADX_SVD_FN(radx_svd_rotg)(RADX_SVD_T *sa, RADX_SVD_T *sb, RADX_SVD_T *c, RADX_SVD_T *s)
{
    typedef RADX_SVD_T T;
    T roe = *sb, r, z;
    if (RADX_SVD_FABS(*sa) > RADX_SVD_FABS(*sb)) roe = *sa;
    T scale = RADX_SVD_FABS(*sa) + RADX_SVD_FABS(*sb);
    if (scale == (T)0) {
        *c = (T)1;
        *s = (T)0;
        r = (T)0;
        z = (T)0;
    } else {
        T r1 = *sa / scale, r2 = *sb / scale;
        r = (T)((double)scale * sqrt((double)(r1 * r1 + r2 * r2)));
        r = RADX_SVD_FN(radx_svd_sign)((T)1, roe) * r;
        *c = *sa / r;
        *s = *sb / r;
        z = (T)1;
        if (RADX_SVD_FABS(*sa) > RADX_SVD_FABS(*sb)) z = *s;
        if (RADX_SVD_FABS(*sb) >= RADX_SVD_FABS(*sa) && *c != (T)0) z = (T)1 / *c;
    }
    *sa = r;
    *sb = z;
}

/* ---- xSVDC, one static function per phase ---------------------------------------------------
 * The phases share the arrays of the Fortran: x (destroyed), u, v, the diagonal s and the
 * super-diagonal e (1-based, as the Fortran indexes them).  Each phase runs the original loops and
 * statements unchanged, so the floating-point operations and their order are those of dsvdc. */
#define RADX_SVD_N         3 /* rows of x */
#define RADX_SVD_P         3 /* columns of x */
#define X_(i, j)           xm[((i)-1) + ((j)-1) * RADX_SVD_N]
#define U_(i, j)           um[((i)-1) + ((j)-1) * RADX_SVD_N]
#define V_(i, j)           vm[((i)-1) + ((j)-1) * RADX_SVD_P]
#define RADX_SVD_ABS       RADX_SVD_FABS
#define RADX_SVD_NRM2      RADX_SVD_FN(radx_svd_nrm2)
#define RADX_SVD_DOT       RADX_SVD_FN(radx_svd_dot)
#define RADX_SVD_AXPY      RADX_SVD_FN(radx_svd_axpy)
#define RADX_SVD_SCAL      RADX_SVD_FN(radx_svd_scal)
#define RADX_SVD_ROT       RADX_SVD_FN(radx_svd_rot)
#define RADX_SVD_SWAP      RADX_SVD_FN(radx_svd_swap)
#define RADX_SVD_SIGN      RADX_SVD_FN(radx_svd_sign)
#define RADX_SVD_ROTG      RADX_SVD_FN(radx_svd_rotg)
#define RADX_SVD_MAX(a, b) ((a) >= (b) ? (a) : (b))

/* Householder reduction, column step l: the reflection that zeroes X(l+1.., l) (its norm, negated,
 * in s[l]) applied to the columns right of l, whose row l then goes to e; the reflection vector is
 * kept in column l of u. */
static void RADX_SVD_FN(radx_svd_house_col)(RADX_SVD_T xm[9], RADX_SVD_T um[9], RADX_SVD_T s[], RADX_SVD_T e[], int l,
                                            int nct)
{
    typedef RADX_SVD_T T;
    enum { N = RADX_SVD_N, P = RADX_SVD_P };
    const int lp1 = l + 1;
    if (l <= nct) {
        s[l] = RADX_SVD_NRM2(N - l + 1, &X_(l, l));
        if (s[l] != (T)0) {
            if (X_(l, l) != (T)0) s[l] = RADX_SVD_SIGN(s[l], X_(l, l));
            RADX_SVD_SCAL(N - l + 1, (T)1 / s[l], &X_(l, l));
            X_(l, l) += (T)1;
        }
        s[l] = -s[l];
    }
    for (int j = lp1; j <= P; j++) {
        if (l <= nct && s[l] != (T)0) {
            T t = -RADX_SVD_DOT(N - l + 1, &X_(l, l), &X_(l, j)) / X_(l, l);
            RADX_SVD_AXPY(N - l + 1, t, &X_(l, l), &X_(l, j));
        }
        e[j] = X_(l, j);
    }
    if (l <= nct)
        for (int i = l; i <= N; i++) U_(i, l) = X_(i, l);
}

/* Householder reduction, row step l: the reflection that zeroes e[l+2..] (its norm, negated, in
 * e[l]) applied to the rows below l; the reflection vector is kept in column l of v. */
static void RADX_SVD_FN(radx_svd_house_row)(RADX_SVD_T xm[9], RADX_SVD_T vm[9], RADX_SVD_T e[], RADX_SVD_T work[],
                                            int l)
{
    typedef RADX_SVD_T T;
    enum { N = RADX_SVD_N, P = RADX_SVD_P };
    const int lp1 = l + 1;
    e[l] = RADX_SVD_NRM2(P - l, &e[lp1]);
    if (e[l] != (T)0) {
        if (e[lp1] != (T)0) e[l] = RADX_SVD_SIGN(e[l], e[lp1]);
        RADX_SVD_SCAL(P - l, (T)1 / e[l], &e[lp1]);
        e[lp1] += (T)1;
    }
    e[l] = -e[l];
    if (!(lp1 > N || e[l] == (T)0)) {
        for (int i = lp1; i <= N; i++) work[i] = (T)0;
        for (int j = lp1; j <= P; j++) RADX_SVD_AXPY(N - l, e[j], &X_(lp1, j), &work[lp1]);
        for (int j = lp1; j <= P; j++) RADX_SVD_AXPY(N - l, -e[j] / e[lp1], &work[lp1], &X_(lp1, j));
    }
    for (int i = lp1; i <= P; i++) V_(i, l) = e[i];
}

/* Reduces x to bidiagonal form (diagonal s, super-diagonal e), the transformations stored in u
 * and v; returns m, the order of the bidiagonal matrix. */
static int RADX_SVD_FN(radx_svd_bidiag)(RADX_SVD_T xm[9], RADX_SVD_T um[9], RADX_SVD_T vm[9], RADX_SVD_T s[],
                                        RADX_SVD_T e[], int nct, int nrt)
{
    typedef RADX_SVD_T T;
    enum { N = RADX_SVD_N, P = RADX_SVD_P };
    T work[N + 2];
    memset(work, 0, sizeof work);
    const int lu = nct > nrt ? nct : nrt;
    for (int l = 1; l <= lu; l++) {
        RADX_SVD_FN(radx_svd_house_col)(xm, um, s, e, l, nct);
        if (l <= nrt) RADX_SVD_FN(radx_svd_house_row)(xm, vm, e, work, l);
    }
    /* set up the final bidiagonal matrix of order m */
    int m = P < N + 1 ? P : N + 1;
    const int nctp1 = nct + 1, nrtp1 = nrt + 1;
    if (nct < P) s[nctp1] = X_(nctp1, nctp1);
    if (N < m) s[m] = (T)0;
    if (nrtp1 < m) e[nrtp1] = X_(nrtp1, m);
    e[m] = (T)0;
    return m;
}

/* Generates u from the column reflections kept in it (back to front). */
static void RADX_SVD_FN(radx_svd_gen_u)(RADX_SVD_T um[9], const RADX_SVD_T s[], int nct)
{
    typedef RADX_SVD_T T;
    enum { N = RADX_SVD_N, P = RADX_SVD_P };
    const int ncu = N < P ? N : P; /* job 21: jobu = 2 -> min(n,p) columns of u */
    for (int j = nct + 1; j <= ncu; j++) {
        for (int i = 1; i <= N; i++) U_(i, j) = (T)0;
        U_(j, j) = (T)1;
    }
    for (int ll = 1; ll <= nct; ll++) {
        const int l = nct - ll + 1;
        if (s[l] != (T)0) {
            for (int j = l + 1; j <= ncu; j++) {
                T t = -RADX_SVD_DOT(N - l + 1, &U_(l, l), &U_(l, j)) / U_(l, l);
                RADX_SVD_AXPY(N - l + 1, t, &U_(l, l), &U_(l, j));
            }
            RADX_SVD_SCAL(N - l + 1, (T)-1, &U_(l, l));
            U_(l, l) += (T)1;
            for (int i = 1; i <= l - 1; i++) U_(i, l) = (T)0;
        } else {
            for (int i = 1; i <= N; i++) U_(i, l) = (T)0;
            U_(l, l) = (T)1;
        }
    }
}

/* Generates v from the row reflections kept in it (back to front). */
static void RADX_SVD_FN(radx_svd_gen_v)(RADX_SVD_T vm[9], const RADX_SVD_T e[], int nrt)
{
    typedef RADX_SVD_T T;
    enum { P = RADX_SVD_P };
    for (int ll = 1; ll <= P; ll++) {
        const int l = P - ll + 1;
        const int lp1 = l + 1;
        if (l <= nrt && e[l] != (T)0) {
            for (int j = lp1; j <= P; j++) {
                T t = -RADX_SVD_DOT(P - l, &V_(lp1, l), &V_(lp1, j)) / V_(lp1, l);
                RADX_SVD_AXPY(P - l, t, &V_(lp1, l), &V_(lp1, j));
            }
        }
        for (int i = 1; i <= P; i++) V_(i, l) = (T)0;
        V_(l, l) = (T)1;
    }
}

/* The convergence tests of one pass of the QR iteration on the leading m x m block: sets a
 * negligible e or s to 0 and returns LINPACK's kase (1: s[m] negligible, deflate; 2: s[l-1]
 * negligible, split; 3: one QR step; 4: s[m] has converged), *l_out the first index of the block
 * the kase works on. */
static int RADX_SVD_FN(radx_svd_kase)(RADX_SVD_T s[], RADX_SVD_T e[], int m, int *l_out)
{
    typedef RADX_SVD_T T;
    int l = 0, kase, ls = 0;
    for (int ll = 1; ll <= m; ll++) {
        l = m - ll;
        if (l == 0) break;
        T test = RADX_SVD_ABS(s[l]) + RADX_SVD_ABS(s[l + 1]);
        T ztest = test + RADX_SVD_ABS(e[l]);
        if (ztest == test) {
            e[l] = (T)0;
            break;
        }
    }
    if (l == m - 1) {
        kase = 4;
    } else {
        const int lp1 = l + 1, mp1 = m + 1;
        for (int lls = lp1; lls <= mp1; lls++) {
            ls = m - lls + lp1;
            if (ls == l) break;
            T test = (T)0;
            if (ls != m) test += RADX_SVD_ABS(e[ls]);
            if (ls != l + 1) test += RADX_SVD_ABS(e[ls - 1]);
            T ztest = test + RADX_SVD_ABS(s[ls]);
            if (ztest == test) {
                s[ls] = (T)0;
                break;
            }
        }
        if (ls == l)
            kase = 3;
        else if (ls == m)
            kase = 1;
        else {
            kase = 2;
            l = ls;
        }
    }
    *l_out = l + 1;
    return kase;
}

/* kase 1: deflate negligible s(m), chasing e(m-1) up with rotations applied to v. */
static void RADX_SVD_FN(radx_svd_deflate)(RADX_SVD_T vm[9], RADX_SVD_T s[], RADX_SVD_T e[], int l, int m)
{
    typedef RADX_SVD_T T;
    enum { P = RADX_SVD_P };
    const int mm1 = m - 1;
    T f = e[m - 1];
    e[m - 1] = (T)0;
    for (int kk = l; kk <= mm1; kk++) {
        const int k = mm1 - kk + l;
        T t1 = s[k], cs, sn;
        RADX_SVD_ROTG(&t1, &f, &cs, &sn);
        s[k] = t1;
        if (k != l) {
            f = -sn * e[k - 1];
            e[k - 1] = cs * e[k - 1];
        }
        RADX_SVD_ROT(P, &V_(1, k), &V_(1, m), cs, sn);
    }
}

/* kase 2: split at negligible s(l-1), chasing e(l-1) down with rotations applied to u. */
static void RADX_SVD_FN(radx_svd_split)(RADX_SVD_T um[9], RADX_SVD_T s[], RADX_SVD_T e[], int l, int m)
{
    typedef RADX_SVD_T T;
    enum { N = RADX_SVD_N };
    T f = e[l - 1];
    e[l - 1] = (T)0;
    for (int k = l; k <= m; k++) {
        T t1 = s[k], cs, sn;
        RADX_SVD_ROTG(&t1, &f, &cs, &sn);
        s[k] = t1;
        f = -sn * e[k];
        e[k] = cs * e[k];
        RADX_SVD_ROT(N, &U_(1, k), &U_(1, l - 1), cs, sn);
    }
}

/* kase 3, start: the shift from the trailing 2x2 block (on values scaled by the largest of them),
 * and the first rotation's (f, g). */
static void RADX_SVD_FN(radx_svd_shift)(const RADX_SVD_T s[], const RADX_SVD_T e[], int l, int m, RADX_SVD_T *f_out,
                                        RADX_SVD_T *g_out)
{
    typedef RADX_SVD_T T;
    T scale = RADX_SVD_MAX(RADX_SVD_ABS(s[m]), RADX_SVD_ABS(s[m - 1]));
    scale = RADX_SVD_MAX(scale, RADX_SVD_ABS(e[m - 1]));
    scale = RADX_SVD_MAX(scale, RADX_SVD_ABS(s[l]));
    scale = RADX_SVD_MAX(scale, RADX_SVD_ABS(e[l]));
    const T sm = s[m] / scale, smm1 = s[m - 1] / scale, emm1 = e[m - 1] / scale;
    const T sl = s[l] / scale, el = e[l] / scale;
    const T b = ((smm1 + sm) * (smm1 - sm) + emm1 * emm1) / (T)2;
    const T c = (sm * emm1) * (sm * emm1);
    T shift = (T)0;
    if (!(b == (T)0 && c == (T)0)) {
        shift = (T)sqrt((double)(b * b + c));
        if (b < (T)0) shift = -shift;
        shift = c / (b + shift);
    }
    *f_out = (sl + sm) * (sl - sm) + shift;
    *g_out = sl * el;
}

/* kase 3: one shifted QR step on the block l..m, rotations applied to v and u. */
static void RADX_SVD_FN(radx_svd_qr_step)(RADX_SVD_T um[9], RADX_SVD_T vm[9], RADX_SVD_T s[], RADX_SVD_T e[], int l,
                                          int m)
{
    typedef RADX_SVD_T T;
    enum { N = RADX_SVD_N, P = RADX_SVD_P };
    T f, g;
    RADX_SVD_FN(radx_svd_shift)(s, e, l, m, &f, &g);
    const int mm1 = m - 1;
    for (int k = l; k <= mm1; k++) {
        T cs, sn;
        RADX_SVD_ROTG(&f, &g, &cs, &sn);
        if (k != l) e[k - 1] = f;
        f = cs * s[k] + sn * e[k];
        e[k] = cs * e[k] - sn * s[k];
        g = sn * s[k + 1];
        s[k + 1] = cs * s[k + 1];
        RADX_SVD_ROT(P, &V_(1, k), &V_(1, k + 1), cs, sn);
        RADX_SVD_ROTG(&f, &g, &cs, &sn);
        s[k] = f;
        f = cs * e[k] + sn * s[k + 1];
        s[k + 1] = -sn * e[k] + cs * s[k + 1];
        g = sn * e[k + 1];
        e[k + 1] = cs * e[k + 1];
        if (k < N) RADX_SVD_ROT(N, &U_(1, k), &U_(1, k + 1), cs, sn);
    }
    e[m - 1] = f;
}

/* kase 4, convergence: makes s(l) non-negative (flipping v's column), then moves it down past the
 * smaller values below it (mm: the order of the whole bidiagonal matrix), swapping u and v alike. */
static void RADX_SVD_FN(radx_svd_order)(RADX_SVD_T um[9], RADX_SVD_T vm[9], RADX_SVD_T s[], int l, int mm)
{
    typedef RADX_SVD_T T;
    enum { N = RADX_SVD_N, P = RADX_SVD_P };
    if (s[l] < (T)0) {
        s[l] = -s[l];
        RADX_SVD_SCAL(P, (T)-1, &V_(1, l));
    }
    while (l != mm && !(s[l] >= s[l + 1])) {
        T t = s[l];
        s[l] = s[l + 1];
        s[l + 1] = t;
        if (l < P) RADX_SVD_SWAP(P, &V_(1, l), &V_(1, l + 1));
        if (l < N) RADX_SVD_SWAP(N, &U_(1, l), &U_(1, l + 1));
        l++;
    }
}

/* The main iteration loop for the singular values of the m x m bidiagonal matrix; returns 0, or
 * the index of the value that did not converge. */
static int RADX_SVD_FN(radx_svd_iterate)(RADX_SVD_T um[9], RADX_SVD_T vm[9], RADX_SVD_T s[], RADX_SVD_T e[], int m)
{
    const int mm = m;
    int iter = 0, steps = 0;
    const int maxit = 1000;
    while (m != 0) {
        /* maxit bounds the QR steps per singular value (LINPACK's rule); steps bounds every pass,
         * deflations and splits included, which non-finite input could otherwise repeat forever */
        if (iter >= maxit || ++steps > 100 * maxit) return m;
        int l;
        const int kase = RADX_SVD_FN(radx_svd_kase)(s, e, m, &l);
        if (kase == 1) {
            RADX_SVD_FN(radx_svd_deflate)(vm, s, e, l, m);
        } else if (kase == 2) {
            RADX_SVD_FN(radx_svd_split)(um, s, e, l, m);
        } else if (kase == 3) {
            RADX_SVD_FN(radx_svd_qr_step)(um, vm, s, e, l, m);
            iter++;
        } else {
            RADX_SVD_FN(radx_svd_order)(um, vm, s, l, mm);
            iter = 0;
            m--;
        }
    }
    return 0;
}

static int RADX_SVD_FN(radx_svdc)(RADX_SVD_T xm[9], RADX_SVD_T s0[3], RADX_SVD_T um[9], RADX_SVD_T vm[9])
{
    typedef RADX_SVD_T T;
    enum { N = RADX_SVD_N, P = RADX_SVD_P };
    T s[P + 2], e[P + 2];
    memset(s, 0, sizeof s);
    memset(e, 0, sizeof e);
    memset(um, 0, 9 * sizeof *um);
    memset(vm, 0, 9 * sizeof *vm);
    const int nct = N - 1 < P ? N - 1 : P;
    const int nrt = (P - 2 < N ? P - 2 : N) > 0 ? (P - 2 < N ? P - 2 : N) : 0;
    const int m = RADX_SVD_FN(radx_svd_bidiag)(xm, um, vm, s, e, nct, nrt);
    RADX_SVD_FN(radx_svd_gen_u)(um, s, nct);
    RADX_SVD_FN(radx_svd_gen_v)(vm, e, nrt);
    const int info = RADX_SVD_FN(radx_svd_iterate)(um, vm, s, e, m);
    for (int i = 0; i < 3; i++) s0[i] = s[i + 1];
    return info;
}

#undef X_
#undef U_
#undef V_
#undef RADX_SVD_N
#undef RADX_SVD_P
#undef RADX_SVD_ABS
#undef RADX_SVD_NRM2
#undef RADX_SVD_DOT
#undef RADX_SVD_AXPY
#undef RADX_SVD_SCAL
#undef RADX_SVD_ROT
#undef RADX_SVD_SWAP
#undef RADX_SVD_SIGN
#undef RADX_SVD_ROTG
#undef RADX_SVD_MAX
#undef RADX_SVD_FN
#undef RADX_SVD_CAT_
#undef RADX_SVD_CAT2_
#undef RADX_SVD_T
#undef RADX_SVD_SUF
#undef RADX_SVD_FABS
