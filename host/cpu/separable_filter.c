/* SPDX-License-Identifier: BSD-3-Clause */
/* IBSI-2's separable filters on the CPU (data/ibsi2/definitions.md): Laws' kernels and the
 * undecimated separable wavelets.  Each stage convolves the image with one 1-D kernel per axis
 * (first x, then y, then z: one pass per axis, kernels/rules/separable_rules.h); with rotation
 * invariance, the responses of the whole chain under every right-angle rotation (24 in 3-D, 4 in
 * the x-y plane) pooled voxel by voxel (max, mean or min); with an energy distance delta, the mean
 * of |response| over the (2 delta + 1)^d box around each voxel, the same boundary condition
 * extending it.  Sums in double, the result as float32; slices in parallel, so the result does not
 * depend on the thread count. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/separable_filter.h"
#include "pipeline/wavelet_filters.h"
#include "rules/separable_rules.h"

static const struct {
    const char *name;
    int len;
    double w[5];
} laws_kernels[] = {
    {"L3", 3, {1, 2, 1}},         {"E3", 3, {-1, 0, 1}},        {"S3", 3, {-1, 2, -1}},
    {"L5", 5, {1, 4, 6, 4, 1}},   {"E5", 5, {-1, -2, 0, 2, 1}}, {"S5", 5, {-1, 0, 2, 0, -1}},
    {"W5", 5, {-1, 2, 0, -2, 1}}, {"R5", 5, {1, -4, 6, -4, 1}},
};

radx_status radx_laws_spec_make(const char *kernel, int two_d, int rotation_invariant, int pooling, int delta,
                                int boundary, radx_sep_spec *s, radx_err *err)
{
    memset(s, 0, sizeof *s);
    s->nstage = 1;
    const size_t len = strlen(kernel);
    s->nk = (int)(len / 2);
    if (len % 2 || (s->nk != 2 && s->nk != 3) || s->nk != (two_d ? 2 : 3))
        return radx_seterr(err, RADX_ERR_PARAM,
                           "setting 'lawsKernel': '%s' must name %s kernels of L3 E3 S3 L5 E5 S5 W5 R5 (e.g. %s)",
                           kernel, two_d ? "2 (force2D: x and y)" : "3 (x, y, z)", two_d ? "L5S5" : "E5L5S5");
    for (int a = 0; a < s->nk; a++) {
        int found = 0;
        for (size_t t = 0; t < sizeof laws_kernels / sizeof laws_kernels[0] && !found; t++) {
            if (strncmp(kernel + 2 * a, laws_kernels[t].name, 2)) continue;
            double norm = 0.0;
            for (int q = 0; q < laws_kernels[t].len; q++) norm += laws_kernels[t].w[q] * laws_kernels[t].w[q];
            s->len[0][a] = laws_kernels[t].len;
            for (int q = 0; q < laws_kernels[t].len; q++) s->k[0][a][q] = laws_kernels[t].w[q] / sqrt(norm);
            found = 1;
        }
        if (!found)
            return radx_seterr(err, RADX_ERR_PARAM,
                               "setting 'lawsKernel': '%s': '%.2s' is not one of L3 E3 S3 L5 E5 S5 W5 R5", kernel,
                               kernel + 2 * a);
    }
    s->rotation_invariant = rotation_invariant;
    s->pooling = pooling;
    s->delta = delta;
    s->boundary = boundary;
    return RADX_OK;
}

/* kernel (len) with D - 1 zeros between its taps, into out; the new length. */
static int dilate(const double *kernel, int len, int d, double *out)
{
    const int n = (len - 1) * d + 1;
    for (int q = 0; q < n; q++) out[q] = 0.0;
    for (int q = 0; q < len; q++) out[q * d] = kernel[q];
    return n;
}

radx_status radx_wavelet_ibsi_spec_make(const char *wavelet, int level, const char *bands, int two_d,
                                        int rotation_invariant, int pooling, int boundary, radx_sep_spec *s,
                                        radx_err *err)
{
    memset(s, 0, sizeof *s);
    s->nk = two_d ? 2 : 3;
    const radx_wavelet_filter *f = NULL;
    for (int i = 0; i < radx_wavelet_filter_count && !f; i++)
        if (!strcmp(radx_wavelet_filters[i].name, wavelet)) f = &radx_wavelet_filters[i];
    if (!f) return radx_seterr(err, RADX_ERR_PARAM, "setting 'wavelet': '%s' is not a discrete wavelet", wavelet);
    if ((int)strlen(bands) != s->nk || strspn(bands, "LH") != strlen(bands))
        return radx_seterr(err, RADX_ERR_PARAM, "setting 'waveletDecomposition': '%s' must be %d letters L or H (%s)",
                           bands, s->nk, two_d ? "x, y: force2D" : "x, y, z");
    /* PyWavelets' decomposition filters, a zero appended to an even length (the centre) */
    double lo[RADX_SEP_MAX_TAPS] = {0}, hi[RADX_SEP_MAX_TAPS] = {0};
    const int len = f->taps + (f->taps % 2 == 0);
    const int full = (len - 1) * (1 << (level - 1)) + 1;
    if (level < 1 || level > RADX_SEP_MAX_STAGES || len > RADX_SEP_MAX_TAPS || full > RADX_SEP_MAX_TAPS)
        return radx_seterr(err, RADX_ERR_PARAM,
                           "setting 'level': %d with wavelet '%s' gives a %d-tap filter (radx's IBSI wavelets take up "
                           "to %d taps and %d levels)",
                           level, wavelet, full, RADX_SEP_MAX_TAPS, RADX_SEP_MAX_STAGES);
    for (int q = 0; q < f->taps; q++) {
        lo[q] = f->lo[q];
        hi[q] = f->hi[q];
    }
    s->nstage = level;
    for (int st = 0; st < level; st++) /* levels 1 .. L-1: the low-pass a trous; level L: the bands */
        for (int a = 0; a < s->nk; a++)
            s->len[st][a] = dilate(st + 1 < level || bands[a] == 'L' ? lo : hi, len, 1 << st, s->k[st][a]);
    s->rotation_invariant = rotation_invariant;
    s->pooling = pooling;
    s->delta = -1;
    s->boundary = boundary;
    return RADX_OK;
}

int radx_right_angle_rotations(int d, int perm[24][3], int sign[24][3])
{
    static const int perms3[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
    static const int parity3[6] = {1, -1, -1, 1, 1, -1};
    static const int perms2[2][3] = {{0, 1, 2}, {1, 0, 2}};
    static const int parity2[2] = {1, -1};
    int n = 0;
    for (int p = 0; p < (d == 3 ? 6 : 2); p++)
        for (int sg = 0; sg < (1 << d); sg++) {
            int det = d == 3 ? parity3[p] : parity2[p], sv[3] = {1, 1, 1};
            for (int a = 0; a < d; a++) {
                sv[a] = (sg >> a) & 1 ? -1 : 1;
                det *= sv[a];
            }
            if (det != 1) continue;
            for (int a = 0; a < 3; a++) {
                perm[n][a] = d == 3 ? perms3[p][a] : perms2[p][a];
                sign[n][a] = sv[a];
            }
            n++;
        }
    return n;
}

int radx_separable_rotations(const radx_sep_spec *s, int perm[24][3], int sign[24][3])
{
    if (s->rotation_invariant) return radx_right_angle_rotations(s->nk, perm, sign);
    for (int a = 0; a < 3; a++) {
        perm[0][a] = a;
        sign[0][a] = 1;
    }
    return 1;
}

/* One pass along axis a of src (pixel type dt) with kernel w into dst (double). */
static void conv_pass(int dt, const void *src, const int64_t size[3], int a, const double *w, int len, int bc,
                      double *dst)
{
#pragma omp parallel for schedule(static)
    for (int64_t k = 0; k < size[2]; k++)
        for (int64_t j = 0; j < size[1]; j++)
            for (int64_t i = 0; i < size[0]; i++)
                dst[i + size[0] * (j + size[1] * k)] =
                    radx_conv_pass_voxel(dt, src, size, a, w, len, (radx_log_boundary)bc, i, j, k);
}

/* The response of the chain under rotation (perm, sign) into r (t: scratch): stage after stage,
 * axis after axis, input axis a's kernel moved to axis perm[a] and reversed by a negative sign. */
static void rotated_response(const radx_volume *in, const radx_sep_spec *s, const int perm[3], const int sign[3],
                             double *r, double *t)
{
    const void *cur = in->data;
    int dt = in->dtype;
    double *bufs[2] = {t, r};
    int which = (s->nstage * s->nk) % 2; /* the last pass lands in r */
    for (int st = 0; st < s->nstage; st++)
        for (int o = 0; o < s->nk; o++) {
            int a = 0;
            while (perm[a] != o) a++;
            double w[RADX_SEP_MAX_TAPS];
            const int len = s->len[st][a];
            for (int q = 0; q < len; q++) w[q] = sign[a] > 0 ? s->k[st][a][q] : s->k[st][a][len - 1 - q];
            double *dst = bufs[which];
            conv_pass(dt, cur, in->g.size, o, w, len, s->boundary, dst);
            cur = dst;
            dt = RADX_DT_F64;
            which ^= 1;
        }
}

/* The energy map: the mean of |x| over the (2 delta + 1)^d box, into x (t: scratch). */
static void energy(const radx_volume *in, const radx_sep_spec *s, double *x, double *t)
{
    const int64_t n = radx_geom_nvox(&in->g);
    const int m = 2 * s->delta + 1;
    for (int64_t i = 0; i < n; i++) x[i] = fabs(x[i]);
    for (int a = 0; a < s->nk; a++) {
        double *src = a % 2 ? t : x, *dst = a % 2 ? x : t;
#pragma omp parallel for schedule(static)
        for (int64_t k = 0; k < in->g.size[2]; k++)
            for (int64_t j = 0; j < in->g.size[1]; j++)
                for (int64_t i = 0; i < in->g.size[0]; i++)
                    dst[i + in->g.size[0] * (j + in->g.size[1] * k)] = radx_mean_pass_voxel(
                        RADX_DT_F64, src, in->g.size, a, m, (radx_log_boundary)s->boundary, i, j, k);
    }
    if (s->nk % 2) memcpy(x, t, sizeof *x * (size_t)n); /* an odd number of passes ended in t */
}

radx_status radx_separable_filter_into(const radx_volume *in, const radx_sep_spec *s, float *out, radx_err *err)
{
    if (!in || !in->data || !s || !out) return radx_seterr(err, RADX_ERR_ARG, "Laws filter: NULL argument");
    const int64_t n = radx_geom_nvox(&in->g);
    double *pool = malloc((size_t)n * sizeof *pool), *r = malloc((size_t)n * sizeof *r);
    double *t = malloc((size_t)n * sizeof *t);
    if (!pool || !r || !t) {
        free(pool);
        free(r);
        free(t);
        return radx_seterr(err, RADX_ERR_NOMEM, "separable filter: out of memory for %lld voxels", (long long)n);
    }
    int perm[24][3], sign[24][3];
    const int nrot = radx_separable_rotations(s, perm, sign);
    for (int q = 0; q < nrot; q++) {
        rotated_response(in, s, perm[q], sign[q], r, t);
        for (int64_t i = 0; i < n; i++) {
            if (q == 0)
                pool[i] = r[i];
            else if (s->pooling == RADX_POOL_MAX)
                pool[i] = fmax(pool[i], r[i]);
            else if (s->pooling == RADX_POOL_MIN)
                pool[i] = fmin(pool[i], r[i]);
            else
                pool[i] += r[i];
        }
    }
    if (s->pooling == RADX_POOL_MEAN)
        for (int64_t i = 0; i < n; i++) pool[i] /= nrot;
    if (s->delta >= 0) energy(in, s, pool, t);
    for (int64_t i = 0; i < n; i++) out[i] = (float)pool[i];
    free(pool);
    free(r);
    free(t);
    return RADX_OK;
}
