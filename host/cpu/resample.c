/* SPDX-License-Identifier: BSD-3-Clause */
/* PyRadiomics 3.0.1 imageoperations.resampleImage (with _checkROI and cropToTumorMask), on top of
 * a reimplementation of SimpleITK 2.5.7's ResampleImageFilter (ITK 5.4) for an identity
 * transform:
 *   - the output grid: PyRadiomics' numpy arithmetic, operation for operation;
 *   - ITK's geometry: Direction*diag(Spacing) and its inverse, computed as ITK does (vnl_svd on
 *     LINPACK dsvdc, transcribed below), so oblique images map points to the same bits;
 *   - the voxel -> input continuous index map: ITK's LinearThreadedGenerateData (both ends of
 *     each output scanline mapped through physical space, voxels interpolated between them);
 *   - interpolation: nearest neighbour, linear, cubic B-spline and the five radius-5 windowed
 *     sincs, as ITK computes them (the B-spline coefficients by BSplineDecompositionImageFilter's
 *     recursions on whole image lines, x then y then z, but only for the lines that reach the
 *     voxels the output needs);
 *   - the conversion to the output pixel type: clamp to the type's range, then truncate toward
 *     zero (static_cast), as ResampleImageFilter::CastComponentWithBoundsChecking does; voxels
 *     mapping outside the input get 0.
 * All arithmetic follows ITK's order, so image and mask come out bit-identical to SimpleITK's
 * (tests/test_resample.c; the per-voxel rules are in kernels/rules/resample_rules.h).  Not
 * implemented: sitkGaussian and sitkLabelGaussian (RADX_ERR_UNSUPPORTED; ITK evaluates them
 * with vnl_erf, an incomplete-gamma series).  Threads (OpenMP) split output slices and image
 * lines; every voxel's arithmetic is the same for any thread count. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "core/error.h"
#include "core/volume.h"
#include "params/params.h"
#include "cpu/resample.h"

/* Bit-identity with ITK needs separate roundings of every product and sum (no FMA). */
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

#include "rules/resample_rules.h"
#include "rules/resample_eval.h"
#include "cpu/resample.h"

typedef enum rs_interp {
    RS_NEAREST = RADX_RS_NEAREST,
    RS_LINEAR = RADX_RS_LINEAR,
    RS_BSPLINE = RADX_RS_BSPLINE,
    RS_WSINC = RADX_RS_WSINC, /* + window kind: RS_WSINC + RADX_RS_WS_HAMMING ... RS_WSINC + RADX_RS_WS_BLACKMAN */
} rs_interp;

/* A pluggable evaluator (host/cpu/resample.h); NULL members: the CPU loop below. */
typedef struct rs_hook {
    radx_rs_eval_fn fn;
    void *ctx;
} rs_hook;

/* ------------------------------------------------------------------------------------------
 * Pixel access
 * ---------------------------------------------------------------------------------------- */
/* clang-format off */
#define RS_FOR_TYPES(X)                                                                          \
    X(RADX_DT_U8, uint8_t) X(RADX_DT_I8, int8_t) X(RADX_DT_U16, uint16_t) X(RADX_DT_I16, int16_t) \
    X(RADX_DT_U32, uint32_t) X(RADX_DT_I32, int32_t) X(RADX_DT_U64, uint64_t)                     \
    X(RADX_DT_I64, int64_t) X(RADX_DT_F32, float) X(RADX_DT_F64, double)
/* clang-format on */

/* n voxels of v from flat index off, as double, to dst[i * stride]. */
static void load_row(const radx_volume *v, int64_t off, int64_t n, double *dst, int64_t stride)
{
    switch (v->dtype) {
#define X(DT, T)                                                        \
    case DT: {                                                          \
        const T *s = (const T *)v->data + off;                          \
        for (int64_t i = 0; i < n; i++) dst[i * stride] = (double)s[i]; \
    } break;
        RS_FOR_TYPES(X)
#undef X
    }
}

/* nl consecutive rows of n voxels from flat index off, as double, interleaved: dst[x * RS_BLOCK + l]. */
#define RS_BLOCK 16
static void load_block_t(const radx_volume *v, int64_t off, int64_t n, int64_t nl, double *dst)
{
    switch (v->dtype) {
#define X(DT, T)                                                                           \
    case DT: {                                                                             \
        const T *s = (const T *)v->data + off;                                             \
        for (int64_t x = 0; x < n; x++)                                                    \
            for (int64_t l = 0; l < nl; l++) dst[x * RS_BLOCK + l] = (double)s[l * n + x]; \
    } break;
        RS_FOR_TYPES(X)
#undef X
    }
}

/* n mask voxels from flat index off, as sitk.Cast(mask, sitkUInt32) gives them: integers wrap
 * modulo 2^32, floats as radx_f64_to_u32. */
static void load_mask_row(const radx_volume *v, int64_t off, int64_t n, uint32_t *dst)
{
    const void *d = v->data;
    switch (v->dtype) {
    case RADX_DT_U8:
        for (int64_t i = 0; i < n; i++) dst[i] = ((const uint8_t *)d)[off + i];
        break;
    case RADX_DT_I8:
        for (int64_t i = 0; i < n; i++) dst[i] = (uint32_t)(int32_t)((const int8_t *)d)[off + i];
        break;
    case RADX_DT_U16:
        for (int64_t i = 0; i < n; i++) dst[i] = ((const uint16_t *)d)[off + i];
        break;
    case RADX_DT_I16:
        for (int64_t i = 0; i < n; i++) dst[i] = (uint32_t)(int32_t)((const int16_t *)d)[off + i];
        break;
    case RADX_DT_U32: memcpy(dst, (const uint32_t *)d + off, sizeof *dst * (size_t)n); break;
    case RADX_DT_I32:
        for (int64_t i = 0; i < n; i++) dst[i] = (uint32_t)((const int32_t *)d)[off + i];
        break;
    case RADX_DT_U64:
        for (int64_t i = 0; i < n; i++) dst[i] = (uint32_t)((const uint64_t *)d)[off + i];
        break;
    case RADX_DT_I64:
        for (int64_t i = 0; i < n; i++) dst[i] = (uint32_t)(uint64_t)((const int64_t *)d)[off + i];
        break;
    case RADX_DT_F32:
        for (int64_t i = 0; i < n; i++) dst[i] = radx_f64_to_u32(((const float *)d)[off + i]);
        break;
    case RADX_DT_F64:
        for (int64_t i = 0; i < n; i++) dst[i] = radx_f64_to_u32(((const double *)d)[off + i]);
        break;
    }
}

/* The output cast (radx_rs_to_*, kernels/rules/resample_eval.h), by C type. */
#define RS_CAST(T, F) \
    static inline T rs_to_##T(double x) { return radx_rs_to_##F(x); }
RS_CAST(uint8_t, u8)
RS_CAST(int8_t, i8)
RS_CAST(uint16_t, u16)
RS_CAST(int16_t, i16)
RS_CAST(uint32_t, u32)
RS_CAST(int32_t, i32)
RS_CAST(uint64_t, u64)
RS_CAST(int64_t, i64)
RS_CAST(float, f32)
#undef RS_CAST
static inline double rs_to_double(double x) { return x; }

static void store_row(radx_volume *v, int64_t off, int64_t n, const double *src)
{
    switch (v->dtype) {
#define X(DT, T)                                                  \
    case DT: {                                                    \
        T *d = (T *)v->data + off;                                \
        for (int64_t i = 0; i < n; i++) d[i] = rs_to_##T(src[i]); \
    } break;
        RS_FOR_TYPES(X)
#undef X
    }
}

/* ------------------------------------------------------------------------------------------
 * Geometry (ITK ImageBase matrices)
 * ---------------------------------------------------------------------------------------- */
static void geom_i2p(const radx_geom *g, double m[9])
{
    for (int r = 0; r < 3; r++)
        for (int c = 0; c < 3; c++) m[3 * r + c] = g->direction[3 * r + c] * g->spacing[c];
}

/* ---- ITK's matrix inverse: itk::Matrix::GetInverse = vnl_matrix_inverse = vnl_svd pseudo-inverse
 * V * W^-1 * U^T, the SVD by LINPACK dsvdc (v3p netlib, with the reference BLAS it calls).  The
 * 3x3 case is transcribed operation for operation in linpack_svd.h (shared with the single-
 * precision ssvdc of io_nifti.c), instantiated here in double, so oblique geometries map points to
 * exactly the continuous indices ITK computes (ties between two voxels are then broken alike). */
#define RADX_SVD_T    double
#define RADX_SVD_SUF  d
#define RADX_SVD_FABS fabs
#include "io/linpack_svd.h"

/* vnl_matrix_inverse<double>(A).as_matrix() for a row-major 3x3 A. */
static int itk_inverse3(const double a[9], double inv[9])
{
    double x[9], u[9], v[9], w[3];
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) x[i + 3 * j] = a[3 * i + j];
    if (radx_svdc_d(x, w, u, v) != 0) return 0;
    double winv[3];
    for (int k = 0; k < 3; k++) {
        w[k] = fabs(w[k]);
        winv[k] = w[k] <= 0.0 ? 0.0 : 1.0 / w[k];
    }
    /* (V * diag(winv)) * U^T as vnl's dense products: terms summed in index order */
    double vw[9];
    for (int i = 0; i < 3; i++)
        for (int k = 0; k < 3; k++) {
            double acc = 0.0;
            for (int j = 0; j < 3; j++) acc += v[i + 3 * j] * (j == k ? winv[k] : 0.0);
            vw[3 * i + k] = acc;
        }
    for (int i = 0; i < 3; i++)
        for (int k = 0; k < 3; k++) {
            double acc = 0.0;
            for (int j = 0; j < 3; j++) acc += vw[3 * i + j] * u[k + 3 * j];
            inv[3 * i + k] = acc;
        }
    for (int k = 0; k < 9; k++)
        if (!isfinite(inv[k])) return 0;
    return 1;
}

/* m_PhysicalPointToIndex = inverse(Direction * diag(spacing)) exactly as ITK computes it. */
static int geom_p2i(const radx_geom *g, double inv[9])
{
    double m[9];
    geom_i2p(g, m);
    double det =
        m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6]);
    if (!(fabs(det) > 0.0) || !isfinite(det)) return 0;
    return itk_inverse3(m, inv);
}

/* ------------------------------------------------------------------------------------------
 * The output-voxel -> input-index map of ResampleImageFilter (identity transform)
 * ---------------------------------------------------------------------------------------- */
typedef struct rs_map {
    const radx_geom *gin; /* input image */
    double p2i[9];
    const radx_geom *gout; /* full output grid */
    double i2p[9];
} rs_map;

static int rs_map_init(rs_map *m, const radx_geom *gin, const radx_geom *gout)
{
    m->gin = gin;
    m->gout = gout;
    geom_i2p(gout, m->i2p);
    return geom_p2i(gin, m->p2i);
}

/* Continuous input indices of output voxels (0, j, k) and (size[0], j, k). */
static void rs_line_ends(const rs_map *m, int64_t j, int64_t k, double st[3], double en[3])
{
    radx_rs_line_ends(m->i2p, m->gout->origin, m->gout->size[0], m->p2i, m->gin->origin, j, k, st, en);
}

/* Input box [blo, blo + bsz) holding every input voxel that interpolator `it` reads for the
 * output voxels [lo, hi) of the output grid (index -> point: i2p, out_origin; out_nx voxels per
 * scanline) from the input image (point -> continuous index: p2i, in_origin; nin voxels).
 * Returns 0 when no such voxel maps inside the input (then every output voxel is the default 0). */
static int input_box(const double i2p[9], const double out_origin[3], int64_t out_nx, const double p2i[9],
                     const double in_origin[3], const int64_t nin[3], rs_interp it, const int64_t lo[3],
                     const int64_t hi[3], int64_t blo[3], int64_t bsz[3])
{
    double cmin[3] = {INFINITY, INFINITY, INFINITY}, cmax[3] = {-INFINITY, -INFINITY, -INFINITY};
    for (int64_t k = lo[2]; k < hi[2]; k++)
        for (int64_t j = lo[1]; j < hi[1]; j++) {
            double st[3], en[3];
            radx_rs_line_ends(i2p, out_origin, out_nx, p2i, in_origin, j, k, st, en);
            for (int d = 0; d < 3; d++) {
                /* the map is monotone along a scanline: extremes at its first and last voxel */
                double a = radx_rs_scan_index(st[d], en[d], lo[0], out_nx);
                double b = radx_rs_scan_index(st[d], en[d], hi[0] - 1, out_nx);
                double mn = a < b ? a : b, mx = a < b ? b : a;
                if (mn < cmin[d]) cmin[d] = mn;
                if (mx > cmax[d]) cmax[d] = mx;
            }
        }
    for (int d = 0; d < 3; d++) {
        const int64_t n = nin[d];
        double a = cmin[d] < -0.5 ? -0.5 : cmin[d];
        double b = cmax[d] > (double)n - 0.5 ? (double)n - 0.5 : cmax[d];
        if (!(a <= b)) return 0;
        int64_t l, h;
        if (it == RS_BSPLINE) {
            int64_t s0 = (int64_t)floorf((float)a) - 1, s1 = (int64_t)floorf((float)b) + 2;
            l = INT64_MAX;
            h = INT64_MIN;
            for (int64_t i = s0; i <= s1; i++) {
                int64_t mi = radx_rs_mirror(i, n);
                if (mi < l) l = mi;
                if (mi > h) h = mi;
            }
        } else if (it >= RS_WSINC) {
            l = (int64_t)floor(a) - (RADX_RS_WS_RADIUS - 1);
            h = (int64_t)floor(b) + RADX_RS_WS_RADIUS;
        } else {
            l = (int64_t)floor(a) - 1;
            h = (int64_t)floor(b) + 2;
        }
        if (l < 0) l = 0;
        if (h > n - 1) h = n - 1;
        blo[d] = l;
        bsz[d] = h - l + 1;
    }
    return 1;
}

static int rs_input_box(const rs_map *m, rs_interp it, const int64_t lo[3], const int64_t hi[3], int64_t blo[3],
                        int64_t bsz[3])
{
    return input_box(m->i2p, m->gout->origin, m->gout->size[0], m->p2i, m->gin->origin, m->gin->size, it, lo, hi, blo,
                     bsz);
}

void radx_rs_job_slab(const radx_rs_job *job, int64_t z0, int64_t z1, radx_rs_job *sub)
{
    int64_t blo[3], bsz[3];
    *sub = *job;
    sub->lo[2] = z0;
    sub->hi[2] = z1;
    if (!job->buf || !input_box(job->out_i2p, job->out_origin, job->out_size[0], job->in_p2i, job->in_origin,
                                job->in_size, (rs_interp)job->interp, sub->lo, sub->hi, blo, bsz)) {
        sub->buf = NULL; /* nothing of these slices maps inside the input: all 0 */
        sub->blo[2] = job->blo[2];
        sub->bsz[2] = 0;
        return;
    }
    /* the slices' box lies inside the job's (the same extremes over fewer scanlines); clip anyway */
    int64_t l = blo[2], h = blo[2] + bsz[2];
    if (l < job->blo[2]) l = job->blo[2];
    if (h > job->blo[2] + job->bsz[2]) h = job->blo[2] + job->bsz[2];
    if (h < l) h = l;
    sub->blo[2] = l;
    sub->bsz[2] = h - l;
    sub->buf = job->buf + (size_t)(l - job->blo[2]) * (size_t)job->bsz[0] * (size_t)job->bsz[1];
}

int radx_rs_mask_palette(const double *buf, size_t n, uint8_t *idx, double pal[256])
{
    int np = 1, last = 0;
    pal[0] = 0.0;
    for (size_t i = 0; i < n; i++) {
        const double v = buf[i];
        if (pal[last] != v) { /* labels come in runs: the last one first, then the rest */
            int k = 0;
            while (k < np && pal[k] != v) k++;
            if (k == np) {
                if (np == 256) return 0;
                pal[np++] = v;
            }
            last = k;
        }
        idx[i] = (uint8_t)last;
    }
    return np;
}

size_t radx_rs_job_bytes(const radx_rs_job *job)
{
    const size_t nx = (size_t)(job->hi[0] - job->lo[0]), ny = (size_t)(job->hi[1] - job->lo[1]),
                 nz = (size_t)(job->hi[2] - job->lo[2]);
    const size_t box = job->buf ? (size_t)job->bsz[0] * (size_t)job->bsz[1] * (size_t)job->bsz[2] : 0;
    return sizeof(double) * box + radx_dtype_size((radx_dtype)job->out_dtype) * nx * ny * nz +
           6 * sizeof(double) * ny * nz;
}

radx_status radx_rs_eval_slabs(const radx_rs_job *job, void *out, radx_rs_slab_fn eval_slab, void *ctx, int *nslabs,
                               radx_err *err)
{
    const int64_t z_lo = job->lo[2], z_hi = job->hi[2];
    const size_t plane = (size_t)(job->hi[0] - job->lo[0]) * (size_t)(job->hi[1] - job->lo[1]) *
                         radx_dtype_size((radx_dtype)job->out_dtype);
    int64_t t = z_hi - z_lo, z = z_lo;
    int count = 0;
    while (z < z_hi) {
        const int64_t z1 = z + t < z_hi ? z + t : z_hi;
        radx_rs_job sub;
        radx_rs_job_slab(job, z, z1, &sub);
        char *v = (char *)out + plane * (size_t)(z - z_lo);
        radx_status st = RADX_OK;
        if (sub.buf)
            st = eval_slab(ctx, &sub, v, err);
        else /* every voxel maps outside the input: the default 0 (all zero bytes in every type) */
            memset(v, 0, plane * (size_t)(z1 - z));
        if (st == RADX_ERR_NOMEM && t > 1) { /* thinner slabs; the slices done so far stay */
            t /= 2;
            continue;
        }
        if (st != RADX_OK) {
            if (nslabs) *nslabs = count;
            return st;
        }
        count++;
        z = z1;
    }
    if (nslabs) *nslabs = count;
    return RADX_OK;
}

/* Output voxels [lo, hi) of the grid, interpolated from buf (input box [blo, blo + bsz); the
 * B-spline coefficients for RS_BSPLINE), stored into out (whose grid is the box [lo, hi)) with
 * out's pixel type.  buf == NULL: nothing maps inside, all 0. */
static radx_status rs_eval(const rs_map *m, rs_interp it, const int64_t lo[3], const int64_t hi[3], const double *buf,
                           const int64_t blo[3], const int64_t bsz[3], radx_volume *out, radx_err *err)
{
    const int64_t nx = hi[0] - lo[0], ny = hi[1] - lo[1], nz = hi[2] - lo[2];
    const int64_t sx = m->gout->size[0];
    const int64_t *nin = m->gin->size;
    int failed = 0;
#pragma omp parallel
    {
        double *row = malloc(sizeof *row * (size_t)nx);
        if (!row) {
#pragma omp atomic write
            failed = 1;
        }
#pragma omp for schedule(static)
        for (int64_t kk = 0; kk < nz; kk++) {
            if (!row) continue;
            for (int64_t jj = 0; jj < ny; jj++) {
                const int64_t k = lo[2] + kk, j = lo[1] + jj;
                double st[3], en[3];
                rs_line_ends(m, j, k, st, en);
                for (int64_t ii = 0; ii < nx; ii++) {
                    const int64_t i = lo[0] + ii;
                    if (it == RS_BSPLINE && buf && ii + 1 < nx) { /* pairs: two interleaved sums */
                        double ca[3], cb[3];
                        for (int d = 0; d < 3; d++) {
                            ca[d] = radx_rs_scan_index(st[d], en[d], i, sx);
                            cb[d] = radx_rs_scan_index(st[d], en[d], i + 1, sx);
                        }
                        if (radx_rs_inside(ca[0], nin[0]) && radx_rs_inside(ca[1], nin[1]) &&
                            radx_rs_inside(ca[2], nin[2]) && radx_rs_inside(cb[0], nin[0]) &&
                            radx_rs_inside(cb[1], nin[1]) && radx_rs_inside(cb[2], nin[2])) {
                            radx_rs_bspline3_eval2(buf, blo, bsz, nin, ca, cb, row + ii);
                            ii++;
                            continue;
                        }
                    }
                    row[ii] = radx_rs_eval_voxel((int)it, buf, blo, bsz, nin, st, en, i, sx);
                }
                store_row(out, nx * (jj + ny * kk), nx, row);
            }
        }
        free(row);
    }
    if (failed) return radx_seterr(err, RADX_ERR_NOMEM, "resample: out of memory for a scanline buffer");
    return RADX_OK;
}

/* ------------------------------------------------------------------------------------------
 * Cubic B-spline coefficients (BSplineDecompositionImageFilter, order 3, mirror boundaries)
 * ---------------------------------------------------------------------------------------- */

/* DataToCoefficients1D on nl independent lines at once.  Each line sees exactly ITK's sequence of
 * operations (gain, causal initialisation with the 1e-10 horizon, causal recursion, anticausal
 * initialisation and recursion); only elements keep_from..len-1 are wanted, so the anticausal
 * recursion stops there (elements below keep intermediate values).  Element i of line l is
 * S[i * stride + l]: the lines lie side by side and every step runs across them (SIMD). */
static void prefilter_lanes(double *S, int64_t len, int64_t nl, int64_t stride, int64_t keep_from)
{
    if (len == 1) return; /* ITK leaves lines of one sample alone */
    const double z = radx_rs_bspline3_pole();
    double c0 = 1.0;
    c0 = c0 * (1.0 - z) * (1.0 - 1.0 / z);
    for (int64_t i = 0; i < len; i++) {
        double *s = S + i * stride;
#pragma omp simd
        for (int64_t l = 0; l < nl; l++) s[l] *= c0;
    }
    /* SetInitialCausalCoefficient (mirror boundary; 1e-10 tolerance horizon) */
    const int64_t horizon = (int64_t)ceil(log(1e-10) / log(fabs(z)));
    if (horizon < len) {
        double zn = z;
        for (int64_t i = 1; i < horizon; i++) {
            const double *s = S + i * stride;
#pragma omp simd
            for (int64_t l = 0; l < nl; l++) S[l] += zn * s[l];
            zn *= z;
        }
    } else {
        double zn = z;
        const double iz = 1.0 / z;
        double z2n = pow(z, (double)(len - 1));
        const double *last = S + (len - 1) * stride;
#pragma omp simd
        for (int64_t l = 0; l < nl; l++) S[l] = S[l] + z2n * last[l];
        z2n *= z2n * iz;
        for (int64_t i = 1; i <= len - 2; i++) {
            const double *s = S + i * stride;
            const double f = zn + z2n;
#pragma omp simd
            for (int64_t l = 0; l < nl; l++) S[l] += f * s[l];
            zn *= z;
            z2n *= iz;
        }
        const double q = 1.0 - zn * zn;
#pragma omp simd
        for (int64_t l = 0; l < nl; l++) S[l] = S[l] / q;
    }
    /* causal recursion */
    for (int64_t i = 1; i < len; i++) {
        double *s = S + i * stride;
        const double *p = s - stride;
#pragma omp simd
        for (int64_t l = 0; l < nl; l++) s[l] += z * p[l];
    }
    /* SetInitialAntiCausalCoefficient, anticausal recursion */
    {
        double *s = S + (len - 1) * stride;
        const double *p = s - stride;
        const double f = z / (z * z - 1.0);
#pragma omp simd
        for (int64_t l = 0; l < nl; l++) s[l] = f * (z * p[l] + s[l]);
    }
    for (int64_t i = len - 2; i >= keep_from; i--) {
        double *s = S + i * stride;
        const double *q = s + stride;
#pragma omp simd
        for (int64_t l = 0; l < nl; l++) s[l] = z * (q[l] - s[l]);
    }
}

/* Coefficients of the box [blo, blo + bsz) of the whole-image decomposition: x lines of every
 * slice in full, y lines (full length) only for the box's x range, z lines (full length) only
 * for the box's x and y ranges.  *coef (malloc'ed, box layout) is what radx_rs_bspline3_eval
 * reads; *base is the allocation to free. */
static radx_status bspline_coefficients(const radx_volume *in, const int64_t blo[3], const int64_t bsz[3],
                                        double **base, double **coef, radx_err *err)
{
    const int64_t nx = in->g.size[0], ny = in->g.size[1], nz = in->g.size[2];
    const int64_t x0 = blo[0], rx = bsz[0], y0 = blo[1], ry = bsz[1], z0 = blo[2];
    const size_t tn = (size_t)rx * (size_t)ry * (size_t)nz;
    double *T = malloc(sizeof *T * tn);
    if (!T)
        return radx_seterr(err, RADX_ERR_NOMEM, "resample: out of memory for B-spline coefficients (%zu values)", tn);
    int failed = 0;
#pragma omp parallel
    {
        /* x lines in blocks of RS_BLOCK rows, interleaved [x][row] so the recursions run across rows */
        double *A = malloc(sizeof *A * (size_t)(nx * RS_BLOCK));
        double *B = malloc(sizeof *B * (size_t)(ny * rx));
        if (!A || !B) {
#pragma omp atomic write
            failed = 1;
        }
#pragma omp for schedule(static)
        for (int64_t z = 0; z < nz; z++) {
            if (!A || !B) continue;
            for (int64_t yb = 0; yb < ny; yb += RS_BLOCK) {
                const int64_t nl = ny - yb < RS_BLOCK ? ny - yb : RS_BLOCK;
                load_block_t(in, nx * (yb + ny * z), nx, nl, A);
                prefilter_lanes(A, nx, nl, RS_BLOCK, x0);
                for (int64_t l = 0; l < nl; l++) {
                    double *b = B + (yb + l) * rx;
                    const double *a = A + x0 * RS_BLOCK + l;
                    for (int64_t x = 0; x < rx; x++) b[x] = a[x * RS_BLOCK];
                }
            }
            prefilter_lanes(B, ny, rx, rx, y0);
            memcpy(T + (size_t)(z * ry) * (size_t)rx, B + y0 * rx, sizeof *T * (size_t)(ry * rx));
        }
        free(A);
        free(B);
    }
    if (failed) {
        free(T);
        return radx_seterr(err, RADX_ERR_NOMEM, "resample: out of memory for B-spline scratch lines");
    }
    const int64_t lanes = rx * ry;
#pragma omp parallel
    {
#ifdef _OPENMP
        int nt = omp_get_num_threads(), t = omp_get_thread_num();
#else
        int nt = 1, t = 0;
#endif
        int64_t a = lanes * t / nt, b = lanes * (t + 1) / nt;
        if (b > a) prefilter_lanes(T + a, nz, b - a, lanes, z0);
    }
    *base = T;
    *coef = T + (size_t)z0 * (size_t)lanes;
    return RADX_OK;
}

/* ------------------------------------------------------------------------------------------
 * One resampling (ResampleImageFilter::Execute) onto the voxels [lo, hi) of a grid
 * ---------------------------------------------------------------------------------------- */
static radx_status rs_resample(const radx_volume *in, int is_mask, rs_interp it, const radx_geom *gout,
                               const int64_t lo[3], const int64_t hi[3], const rs_hook *hook, radx_volume *out,
                               radx_err *err)
{
    rs_map m;
    if (!rs_map_init(&m, &in->g, gout))
        return radx_seterr(err, RADX_ERR_GEOMETRY, "resample: singular direction/spacing matrix of the input");
    int64_t blo[3], bsz[3];
    int any = rs_input_box(&m, it, lo, hi, blo, bsz);
    double *buf = NULL, *base = NULL;
    radx_status st = RADX_OK;
    if (any && it == RS_BSPLINE) {
        st = bspline_coefficients(in, blo, bsz, &base, &buf, err);
        if (st) return st;
    } else if (any) {
        size_t nb = (size_t)bsz[0] * (size_t)bsz[1] * (size_t)bsz[2];
        base = buf = malloc(sizeof *buf * nb);
        uint32_t *mrow = is_mask ? malloc(sizeof *mrow * (size_t)bsz[0]) : NULL;
        if (!buf || (is_mask && !mrow)) {
            free(buf);
            free(mrow);
            return radx_seterr(err, RADX_ERR_NOMEM, "resample: out of memory for %zu input voxels", nb);
        }
        const int64_t *n = in->g.size;
        for (int64_t k = 0; k < bsz[2]; k++)
            for (int64_t j = 0; j < bsz[1]; j++) {
                int64_t off = blo[0] + n[0] * ((blo[1] + j) + n[1] * (blo[2] + k));
                double *dst = buf + bsz[0] * (j + bsz[1] * k);
                if (is_mask) {
                    load_mask_row(in, off, bsz[0], mrow);
                    for (int64_t i = 0; i < bsz[0]; i++) dst[i] = (double)mrow[i];
                } else {
                    load_row(in, off, bsz[0], dst, 1);
                }
            }
        free(mrow);
    }
    if (buf && hook && hook->fn) { /* another backend evaluates, casts and stores */
        radx_rs_job job;
        memset(&job, 0, sizeof job);
        job.interp = (int)it;
        job.is_mask = is_mask;
        memcpy(job.out_i2p, m.i2p, sizeof job.out_i2p);
        memcpy(job.in_p2i, m.p2i, sizeof job.in_p2i);
        for (int d = 0; d < 3; d++) {
            job.out_origin[d] = gout->origin[d];
            job.out_size[d] = gout->size[d];
            job.in_origin[d] = in->g.origin[d];
            job.in_size[d] = in->g.size[d];
            job.lo[d] = lo[d];
            job.hi[d] = hi[d];
            job.blo[d] = blo[d];
            job.bsz[d] = bsz[d];
        }
        job.buf = buf;
        job.out_dtype = (int)out->dtype;
        int handled = 0;
        st = hook->fn(hook->ctx, &job, out->data, &handled, err);
        if (st == RADX_OK && handled) {
            free(base);
            return RADX_OK;
        }
        if (st != RADX_OK) {
            free(base);
            return st;
        }
    }
    st = rs_eval(&m, it, lo, hi, buf, blo, bsz, out, err);
    free(base);
    return st;
}

/* ------------------------------------------------------------------------------------------
 * PyRadiomics resampleImage
 * ---------------------------------------------------------------------------------------- */

/* LabelShapeStatisticsImageFilter bounding box of `label` (voxels whose sitk.Cast UInt32 value is
 * label): lo/hi inclusive.  Returns 1, or 0 if the label is absent. */
static int row_extent(const radx_volume *v, int64_t off, int64_t n, uint32_t label, int64_t *first, int64_t *last)
{
    int64_t a = 0, b = n - 1;
    if (v->dtype == RADX_DT_U8) {
        if (label > 255) return 0;
        const uint8_t *s = (const uint8_t *)v->data + off;
        const uint8_t *f = memchr(s, (int)label, (size_t)n);
        if (!f) return 0;
        *first = f - s;
        *last = (const uint8_t *)memrchr(s, (int)label, (size_t)n) - s;
        return 1;
    }
    switch (v->dtype) {
#define X(DT, T, CONV)                                                                                   \
    case DT: {                                                                                           \
        const T *s = (const T *)v->data + off;                                                           \
        int any = 0;                                                                                     \
        _Pragma("omp simd reduction(|:any)") for (int64_t i = 0; i < n; i++) any |= CONV(s[i]) == label; \
        if (!any) return 0;                                                                              \
        while (CONV(s[a]) != label) a++;                                                                 \
        while (CONV(s[b]) != label) b--;                                                                 \
    } break;
#define C_U(x)   ((uint32_t)(x))
#define C_S(x)   ((uint32_t)(int32_t)(x))
#define C_U64(x) ((uint32_t)(uint64_t)(x))
        /* clang-format off */
        X(RADX_DT_U8, uint8_t, C_U) X(RADX_DT_I8, int8_t, C_S) X(RADX_DT_U16, uint16_t, C_U)
        X(RADX_DT_I16, int16_t, C_S) X(RADX_DT_U32, uint32_t, C_U) X(RADX_DT_I32, int32_t, C_U)
        X(RADX_DT_U64, uint64_t, C_U) X(RADX_DT_I64, int64_t, C_U64)
        X(RADX_DT_F32, float, radx_f64_to_u32) X(RADX_DT_F64, double, radx_f64_to_u32)
        /* clang-format on */
#undef C_U
#undef C_S
#undef C_U64
#undef X
    }
    *first = a;
    *last = b;
    return 1;
}

static int label_bbox(const radx_volume *msk, uint32_t label, int64_t lo[3], int64_t hi[3])
{
    const int64_t *n = msk->g.size;
    int64_t l0 = INT64_MAX, l1 = INT64_MAX, l2 = INT64_MAX, h0 = -1, h1 = -1, h2 = -1;
#pragma omp parallel
    {
        int64_t a0 = INT64_MAX, a1 = INT64_MAX, a2 = INT64_MAX, b0 = -1, b1 = -1, b2 = -1;
#pragma omp for schedule(static)
        for (int64_t k = 0; k < n[2]; k++) {
            for (int64_t j = 0; j < n[1]; j++) {
                int64_t first, last;
                if (!row_extent(msk, n[0] * (j + n[1] * k), n[0], label, &first, &last)) continue;
                if (first < a0) a0 = first;
                if (last > b0) b0 = last;
                if (j < a1) a1 = j;
                if (j > b1) b1 = j;
                if (k < a2) a2 = k;
                if (k > b2) b2 = k;
            }
        }
#pragma omp critical(radx_resample_bbox)
        {
            if (a0 < l0) l0 = a0;
            if (a1 < l1) l1 = a1;
            if (a2 < l2) l2 = a2;
            if (b0 > h0) h0 = b0;
            if (b1 > h1) h1 = b1;
            if (b2 > h2) h2 = b2;
        }
    }
    if (h0 < 0) return 0;
    lo[0] = l0;
    lo[1] = l1;
    lo[2] = l2;
    hi[0] = h0;
    hi[1] = h1;
    hi[2] = h2;
    return 1;
}

static radx_status volume_alloc(radx_volume *v, const radx_geom *g, radx_dtype t, radx_err *err)
{
    memset(v, 0, sizeof *v);
    v->g = *g;
    v->dtype = t;
    size_t n = (size_t)radx_geom_nvox(g), es = radx_dtype_size(t);
    v->data = malloc(n * es > 0 ? n * es : 1);
    if (!v->data)
        return radx_seterr(err, RADX_ERR_NOMEM, "resample: out of memory for a %lldx%lldx%lld %s volume",
                           (long long)g->size[0], (long long)g->size[1], (long long)g->size[2], radx_dtype_name(t));
    return RADX_OK;
}

static int parse_interpolator(const char *name, rs_interp *it)
{
    static const struct {
        const char *name;
        int it;
    } tab[] = {{"sitkNearestNeighbor", RS_NEAREST},
               {"sitkLinear", RS_LINEAR},
               {"sitkBSpline", RS_BSPLINE},
               {"sitkHammingWindowedSinc", RS_WSINC + RADX_RS_WS_HAMMING},
               {"sitkCosineWindowedSinc", RS_WSINC + RADX_RS_WS_COSINE},
               {"sitkWelchWindowedSinc", RS_WSINC + RADX_RS_WS_WELCH},
               {"sitkLanczosWindowedSinc", RS_WSINC + RADX_RS_WS_LANCZOS},
               {"sitkBlackmanWindowedSinc", RS_WSINC + RADX_RS_WS_BLACKMAN},
               {"sitkGaussian", -1},
               {"sitkLabelGaussian", -1}};
    for (size_t i = 0; i < sizeof tab / sizeof *tab; i++)
        if (!strcmp(name, tab[i].name)) {
            if (tab[i].it < 0) return 2;
            *it = (rs_interp)tab[i].it;
            return 1;
        }
    return 0;
}

/* The equal-spacing shortcut: the mask resampled (nearest neighbour) onto the image grid, then
 * image and mask cropped to the label's bounding box plus padDistance (cropToTumorMask).  Only
 * the part of the image grid that the mask's label can reach is resampled to find the box. */
static radx_status shortcut(const radx_volume *img, const radx_volume *msk, uint32_t label, int pad,
                            radx_volume *img_out, radx_volume *mask_out, const int64_t mlo[3], const int64_t mhi[3],
                            const rs_hook *hook, radx_err *err)
{
    const radx_geom *gi = &img->g, *gm = &msk->g;
    double mi2p[9], ip2i[9];
    geom_i2p(gm, mi2p);
    if (!geom_p2i(gi, ip2i))
        return radx_seterr(err, RADX_ERR_GEOMETRY, "resample: singular direction/spacing matrix of the image");
    /* image-grid box reached by the mask voxels [mlo, mhi] (their cells, one voxel margin) */
    int64_t lo[3], hi[3];
    double cmin[3] = {INFINITY, INFINITY, INFINITY}, cmax[3] = {-INFINITY, -INFINITY, -INFINITY};
    for (int corner = 0; corner < 8; corner++) {
        double ci[3], p[3], c[3];
        for (int d = 0; d < 3; d++) ci[d] = (corner >> d & 1) ? (double)mhi[d] + 0.5 : (double)mlo[d] - 0.5;
        radx_rs_cindex_to_point(mi2p, gm->origin, ci, p);
        radx_rs_point_to_cindex(ip2i, gi->origin, p, c);
        for (int d = 0; d < 3; d++) {
            if (c[d] < cmin[d]) cmin[d] = c[d];
            if (c[d] > cmax[d]) cmax[d] = c[d];
        }
    }
    for (int d = 0; d < 3; d++) {
        double a = floor(cmin[d]) - 2, b = ceil(cmax[d]) + 2;
        lo[d] = a < 0 ? 0 : a > (double)gi->size[d] ? gi->size[d] : (int64_t)a;
        hi[d] = b < 0 ? 0 : b > (double)(gi->size[d] - 1) ? gi->size[d] : (int64_t)b + 1;
        if (hi[d] <= lo[d]) {
            lo[d] = 0;
            hi[d] = gi->size[d];
        }
    }
    radx_geom gbox = *gi;
    for (int d = 0; d < 3; d++) gbox.size[d] = hi[d] - lo[d];
    radx_volume box;
    radx_status st = volume_alloc(&box, &gbox, RADX_DT_U32, err);
    if (st) return st;
    st = rs_resample(msk, 1, RS_NEAREST, gi, lo, hi, hook, &box, err);
    if (st) {
        radx_volume_free(&box);
        return st;
    }
    int64_t blo[3], bhi[3];
    int found = label_bbox(&box, label, blo, bhi);
    radx_volume_free(&box);
    if (!found)
        return radx_seterr(err, RADX_ERR_ROI,
                           "resample: label %u vanishes when the mask is resampled onto the image grid "
                           "(nearest neighbour); PyRadiomics fails here too",
                           label);
    /* cropToTumorMask(image, mask, bb, padDistance) */
    int64_t clo[3], chi[3];
    for (int d = 0; d < 3; d++) {
        int64_t l = lo[d] + blo[d] - pad, h = lo[d] + bhi[d] + pad + 1;
        clo[d] = l < 0 ? 0 : l;
        chi[d] = h > gi->size[d] ? gi->size[d] : h;
    }
    radx_geom gc = *gi;
    double idx[3] = {(double)clo[0], (double)clo[1], (double)clo[2]}, i2p[9];
    geom_i2p(gi, i2p);
    radx_rs_index_to_point(i2p, gi->origin, idx, gc.origin);
    for (int d = 0; d < 3; d++) gc.size[d] = chi[d] - clo[d];
    st = volume_alloc(mask_out, &gc, RADX_DT_U32, err);
    if (!st) st = rs_resample(msk, 1, RS_NEAREST, gi, clo, chi, hook, mask_out, err);
    if (!st) st = volume_alloc(img_out, &gc, img->dtype, err);
    if (st) {
        radx_volume_free(mask_out);
        radx_volume_free(img_out);
        return st;
    }
    const size_t es = radx_dtype_size(img->dtype);
    for (int64_t k = 0; k < gc.size[2]; k++)
        for (int64_t j = 0; j < gc.size[1]; j++) {
            const int64_t src = clo[0] + gi->size[0] * ((clo[1] + j) + gi->size[1] * (clo[2] + k));
            memcpy((char *)img_out->data + (size_t)(gc.size[0] * (j + gc.size[1] * k)) * es,
                   (const char *)img->data + (size_t)src * es, (size_t)gc.size[0] * es);
        }
    return RADX_OK;
}

/* PyRadiomics' _correctMask resampling (ResampleImageFilter with SetReferenceImage(image) and
 * nearest neighbour): *out is U32 on grid g with the mask's values (sitk.Cast UInt32), 0 where a
 * voxel maps outside the mask (host/cpu/resample.h). */
/* PyRadiomics' _checkROI: the label is present in the mask and the ROI's bounding box (voxel
 * edges, mapped through physical space with ITK's index arithmetic) lies inside the image,
 * within 1e-3 voxel.  Fills the box (mask voxel indices, inclusive).  RADX_ERR_LABEL /
 * RADX_ERR_GEOMETRY with a message that names neither file (callers prefix it). */
radx_status radx_check_roi_in_image(const radx_volume *img, const radx_volume *mask, uint32_t label, int64_t bblo[3],
                                    int64_t bbhi[3], radx_err *err)
{
    const radx_geom *gi = &img->g, *gm = &mask->g;
    if (!label_bbox(mask, label, bblo, bbhi))
        return radx_seterr(err, RADX_ERR_LABEL, "label %u not present in the mask", label);
    double mi2p[9], ip2i[9], c[2][3];
    geom_i2p(gm, mi2p);
    if (!geom_p2i(gi, ip2i))
        return radx_seterr(err, RADX_ERR_GEOMETRY, "singular direction/spacing matrix of the image");
    const int nd = gm->ndim == 2 ? 2 : 3; /* a 2-D mask: its single plane, z not tested */
    for (int corner = 0; corner < 2; corner++) {
        double ci[3], ph[3];
        for (int d = 0; d < 3; d++)
            ci[d] = corner ? (double)(bblo[d] + (bbhi[d] - bblo[d] + 1)) - 0.5 : (double)bblo[d] - 0.5;
        if (nd == 2) ci[2] = 0;
        radx_rs_cindex_to_point(mi2p, gm->origin, ci, ph);
        radx_rs_point_to_cindex(ip2i, gi->origin, ph, c[corner]);
    }
    for (int d = 0; d < nd; d++) {
        double mn = c[0][d] < c[1][d] ? c[0][d] : c[1][d], mx = c[0][d] < c[1][d] ? c[1][d] : c[0][d];
        if (mn < -0.5 - 1e-3 || mx > (double)gi->size[d] - 0.5 + 1e-3)
            return radx_seterr(err, RADX_ERR_GEOMETRY,
                               "bounding box of the ROI (label %u) is larger than the image space "
                               "(axis %d: ROI edges %.6g..%.6g in image voxels, image size %lld)",
                               label, d, mn, mx, (long long)gi->size[d]);
    }
    return RADX_OK;
}

radx_status radx_resample_mask_onto(const radx_volume *mask, const radx_geom *g, radx_volume *out, radx_err *err);
radx_status radx_resample_mask_onto(const radx_volume *mask, const radx_geom *g, radx_volume *out, radx_err *err)
{
    if (out) memset(out, 0, sizeof *out);
    if (!mask || !mask->data || !g || !out) return radx_seterr(err, RADX_ERR_ARG, "resample: NULL argument");
    const int64_t lo[3] = {0, 0, 0};
    radx_status st = volume_alloc(out, g, RADX_DT_U32, err);
    if (!st) st = rs_resample(mask, 1, RS_NEAREST, g, lo, g->size, NULL, out, err);
    if (st) radx_volume_free(out);
    return st;
}

radx_status radx_resample(const radx_volume *img, const radx_volume *mask, const radx_params *p, uint32_t label,
                          radx_volume *img_out, radx_volume *mask_out, radx_err *err)
{
    return radx_resample_with(img, mask, p, label, NULL, NULL, img_out, mask_out, err);
}

radx_status radx_resample_with(const radx_volume *img, const radx_volume *mask, const radx_params *p, uint32_t label,
                               radx_rs_eval_fn eval, void *eval_ctx, radx_volume *img_out, radx_volume *mask_out,
                               radx_err *err)
{
    const rs_hook hook = {eval, eval_ctx};
    if (img_out) memset(img_out, 0, sizeof *img_out);
    if (mask_out) memset(mask_out, 0, sizeof *mask_out);
    if (!img || !mask || !p || !img_out || !mask_out || !img->data || !mask->data)
        return radx_seterr(err, RADX_ERR_ARG, "resample: NULL argument");
    if (!p->has_resampled_spacing)
        return radx_seterr(err, RADX_ERR_PARAM, "resample: resampledPixelSpacing is not set");
    rs_interp it = RS_BSPLINE;
    int known = parse_interpolator(p->interpolator, &it);
    if (known == 0)
        return radx_seterr(err, RADX_ERR_PARAM, "interpolator: '%s' is not an interpolator PyRadiomics accepts",
                           p->interpolator);
    if (known == 2)
        return radx_seterr(err, RADX_ERR_UNSUPPORTED,
                           "interpolator: %s is not implemented in radx (use sitkBSpline, sitkLinear, "
                           "sitkNearestNeighbor or a sitk*WindowedSinc)",
                           p->interpolator);
    if (mask->g.ndim != 3 || img->g.ndim != 3)
        return radx_seterr(err, RADX_ERR_PARAM,
                           "resampledPixelSpacing: 3 values given but the %s is %d-D (PyRadiomics requires one "
                           "value per mask dimension)",
                           mask->g.ndim != 3 ? "mask" : "image", mask->g.ndim != 3 ? mask->g.ndim : img->g.ndim);
    if (p->pad_distance < 0) return radx_seterr(err, RADX_ERR_PARAM, "padDistance: %d must be >= 0", p->pad_distance);
    const radx_geom *gi = &img->g, *gm = &mask->g;
    double rps[3];
    for (int d = 0; d < 3; d++) {
        double s = p->resampled_spacing[d];
        if (!(s >= 0.0) || !isfinite(s))
            return radx_seterr(err, RADX_ERR_PARAM,
                               "resampledPixelSpacing: value %g (axis %d) must be a finite number >= 0", s, d);
        rps[d] = s == 0.0 ? gm->spacing[d] : s; /* 0: keep the mask's spacing */
    }

    /* _checkROI: label present, ROI bounding box (voxel edges) inside the image, 1e-3 tolerance */
    int64_t bblo[3], bbhi[3];
    radx_status cst = radx_check_roi_in_image(img, mask, label, bblo, bbhi, err);
    if (cst) {
        char m[RADX_ERR_LEN];
        snprintf(m, sizeof m, "%s", err ? err->msg : "");
        return radx_seterr(err, cst, "resample: %s", m);
    }
    /* no resampling along axes where the ROI is one voxel thick */
    for (int d = 0; d < 3; d++)
        if (bbhi[d] == bblo[d]) rps[d] = gm->spacing[d];

    /* numpy.allclose(imageSpacing, resampledPixelSpacing): |a - b| <= 1e-8 + 1e-5 * |b| */
    int same = 1;
    for (int d = 0; d < 3; d++)
        if (!(fabs(gi->spacing[d] - rps[d]) <= 1e-8 + 1e-5 * fabs(rps[d]))) same = 0;
    if (same) return shortcut(img, mask, label, p->pad_distance, img_out, mask_out, bblo, bbhi, &hook, err);

    /* the new grid, in PyRadiomics' numpy arithmetic */
    const double pad = (double)p->pad_distance;
    double ratio[3], lb[3], ub[3], nci[3];
    int64_t size[3];
    double total = 1.0;
    for (int d = 0; d < 3; d++) {
        ratio[d] = gm->spacing[d] / rps[d];
        lb[d] = floor(((double)bblo[d] - 0.5) * ratio[d] - pad);
        ub[d] = ceil(((double)(bblo[d] + (bbhi[d] - bblo[d] + 1)) - 0.5) * ratio[d] + pad);
        double maxub = ceil((double)gm->size[d] * ratio[d]) - 1.0;
        if (lb[d] < 0) lb[d] = 0;
        if (ub[d] > maxub) ub[d] = maxub;
        double s = ub[d] - lb[d] + 1.0;
        if (!(s >= 1.0)) return radx_seterr(err, RADX_ERR_GEOMETRY, "resample: empty resampled grid along axis %d", d);
        total *= s;
        double noi = 0.5 * (rps[d] - gm->spacing[d]) / gm->spacing[d];
        nci[d] = noi + lb[d] / ratio[d];
    }
    if (!(total <= (double)RADX_MAX_RESAMPLED_VOXELS))
        return radx_seterr(err, RADX_ERR_NOMEM,
                           "resampledPixelSpacing: [%g, %g, %g] gives a resampled grid of %.0fx%.0fx%.0f = %.4g "
                           "voxels, above the limit of %lld",
                           rps[0], rps[1], rps[2], ub[0] - lb[0] + 1.0, ub[1] - lb[1] + 1.0, ub[2] - lb[2] + 1.0, total,
                           (long long)RADX_MAX_RESAMPLED_VOXELS);
    for (int d = 0; d < 3; d++) size[d] = (int64_t)(ub[d] - lb[d] + 1.0);
    radx_geom g;
    memset(&g, 0, sizeof g);
    g.ndim = gm->ndim;
    double mi2p[9];
    geom_i2p(gm, mi2p);
    radx_rs_cindex_to_point(mi2p, gm->origin, nci, g.origin);
    for (int d = 0; d < 3; d++) {
        g.size[d] = size[d];
        g.spacing[d] = rps[d];
    }
    memcpy(g.direction, gm->direction, sizeof g.direction);

    const int64_t lo[3] = {0, 0, 0};
    radx_status st = volume_alloc(img_out, &g, img->dtype, err);
    if (!st) st = rs_resample(img, 0, it, &g, lo, size, &hook, img_out, err);
    if (!st) st = volume_alloc(mask_out, &g, RADX_DT_U32, err);
    if (!st) st = rs_resample(mask, 1, RS_NEAREST, &g, lo, size, &hook, mask_out, err);
    if (st) {
        radx_volume_free(img_out);
        radx_volume_free(mask_out);
    }
    return st;
}
