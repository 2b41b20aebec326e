/* SPDX-License-Identifier: BSD-3-Clause */
/* The diagnostics rows PyRadiomics' generalinfo module adds (host/pipeline/diagnostics.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/io.h"
#include "params/params.h"
#include "pipeline/diagnostics.h"

static void fmt_tuple_d(char *buf, size_t len, const double *v, int n)
{
    char t[40];
    size_t o = (size_t)snprintf(buf, len, "(");
    for (int i = 0; i < n && o < len; i++) {
        radx_fmt_double(t, sizeof t, v[i]);
        o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? ", " : "", t);
    }
    if (o < len) snprintf(buf + o, len - o, ")");
}

static void fmt_tuple_i(char *buf, size_t len, const int64_t *v, int n)
{
    size_t o = (size_t)snprintf(buf, len, "(");
    for (int i = 0; i < n && o < len; i++)
        o += (size_t)snprintf(buf + o, len - o, "%s%lld", i ? ", " : "", (long long)v[i]);
    if (o < len) snprintf(buf + o, len - o, ")");
}

/* Number of 26-connected components (sitk ConnectedComponent, FullyConnectedOn). */
static int64_t count_components(const uint8_t *lab, const radx_geom *g, const radx_roi_box *b)
{
    int64_t nx = b->hi[0] - b->lo[0] + 1, ny = b->hi[1] - b->lo[1] + 1, nz = b->hi[2] - b->lo[2] + 1;
    int64_t n = nx * ny * nz;
    uint8_t *seen = calloc((size_t)n, 1);
    int64_t *stack = malloc(sizeof *stack * (size_t)n);
    if (!seen || !stack) {
        free(seen);
        free(stack);
        return -1;
    }
    int64_t ncomp = 0;
#define LAB(i, j, k) lab[((b->lo[0] + (i)) + g->size[0] * ((b->lo[1] + (j)) + g->size[1] * (b->lo[2] + (k))))]
    for (int64_t k = 0; k < nz; k++)
        for (int64_t j = 0; j < ny; j++)
            for (int64_t i = 0; i < nx; i++) {
                int64_t id = i + nx * (j + ny * k);
                if (seen[id] || !LAB(i, j, k)) continue;
                ncomp++;
                int64_t top = 0;
                stack[top++] = id;
                seen[id] = 1;
                while (top) {
                    int64_t c = stack[--top];
                    int64_t ci = c % nx, cj = (c / nx) % ny, ck = c / (nx * ny);
                    for (int dk = -1; dk <= 1; dk++)
                        for (int dj = -1; dj <= 1; dj++)
                            for (int di = -1; di <= 1; di++) {
                                int64_t a = ci + di, bb = cj + dj, cc = ck + dk;
                                if (a < 0 || bb < 0 || cc < 0 || a >= nx || bb >= ny || cc >= nz) continue;
                                int64_t nid = a + nx * (bb + ny * cc);
                                if (seen[nid] || !LAB(a, bb, cc)) continue;
                                seen[nid] = 1;
                                stack[top++] = nid;
                            }
                }
            }
#undef LAB
    free(seen);
    free(stack);
    return ncomp;
}

#define ADD(n_, t_)                                        \
    do {                                                   \
        if (radx_result_add_text(res, n_, t_)) goto nomem; \
    } while (0)

/* numpy's sum of n values as doubles, which numpy.mean divides by n: the reduction hands the
 * values to its inner loop 8192 at a time (numpy's buffer size) and adds each block's pairwise_sum
 * (under 8 values in a row; up to 128 in eight running sums joined as a tree; above, split in two
 * halves rounded down to a multiple of 8) to the running total, starting from 0.  The same
 * rounding as PyRadiomics' means. */
#define NUMPY_BUFSIZE 8192
#define NUMPY_SUM(T)                                                                        \
    static double pairwise_##T(const T *a, int64_t n)                                       \
    {                                                                                       \
        if (n < 8) {                                                                        \
            double r = 0.0;                                                                 \
            for (int64_t i = 0; i < n; i++) r += (double)a[i];                              \
            return r;                                                                       \
        }                                                                                   \
        if (n <= 128) {                                                                     \
            double r[8];                                                                    \
            for (int j = 0; j < 8; j++) r[j] = (double)a[j];                                \
            int64_t i = 8;                                                                  \
            for (; i < n - (n % 8); i += 8)                                                 \
                for (int j = 0; j < 8; j++) r[j] += (double)a[i + j];                       \
            double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7])); \
            for (; i < n; i++) res += (double)a[i];                                         \
            return res;                                                                     \
        }                                                                                   \
        int64_t n2 = n / 2;                                                                 \
        n2 -= n2 % 8;                                                                       \
        return pairwise_##T(a, n2) + pairwise_##T(a + n2, n - n2);                          \
    }                                                                                       \
    static double numpy_sum_##T(const T *a, int64_t n)                                      \
    {                                                                                       \
        double sum = 0;                                                                     \
        for (int64_t b = 0; b < n; b += NUMPY_BUFSIZE)                                      \
            sum += pairwise_##T(a + b, n - b < NUMPY_BUFSIZE ? n - b : NUMPY_BUFSIZE);      \
        return sum;                                                                         \
    }
NUMPY_SUM(uint8_t)
NUMPY_SUM(int8_t)
NUMPY_SUM(uint16_t)
NUMPY_SUM(int16_t)
NUMPY_SUM(uint32_t)
NUMPY_SUM(int32_t)
NUMPY_SUM(uint64_t)
NUMPY_SUM(int64_t)
NUMPY_SUM(float)
NUMPY_SUM(double)
#undef NUMPY_SUM

/* diagnostics_<kind>-<prefix>_Mean, _Minimum and _Maximum.  0, or -1 when out of memory. */
static int add_mean_min_max(radx_result *res, const char *kind, const char *prefix, double mean, double mn, double mx)
{
    const char *what[3] = {"Mean", "Minimum", "Maximum"};
    const double v[3] = {mean, mn, mx};
    for (int i = 0; i < 3; i++) {
        char name[160], buf[64];
        snprintf(name, sizeof name, "diagnostics_%s-%s_%s", kind, prefix, what[i]);
        radx_fmt_double(buf, sizeof buf, v[i]);
        if (radx_result_add_text(res, name, buf)) return -1;
    }
    return 0;
}

/* generalinfo.addMaskElements: mask `lab` on grid g (the mask's own grid for "original", the
 * image grid otherwise); img (may be NULL) adds the image's mean/min/max inside the mask. */
radx_status radx_diag_mask(const char *prefix, const radx_geom *g, const uint8_t *lab, const radx_roi_box *b,
                           const radx_volume *img, int nd, radx_result *res, radx_err *err)
{
    char buf[4096], name[160];
#define NAME(what) (snprintf(name, sizeof name, "diagnostics_Mask-%s_%s", prefix, what), name)
    fmt_tuple_d(buf, sizeof buf, g->spacing, nd);
    ADD(NAME("Spacing"), buf);
    fmt_tuple_i(buf, sizeof buf, g->size, nd);
    ADD(NAME("Size"), buf);
    int64_t bb[6];
    for (int a = 0; a < nd; a++) {
        bb[a] = b->lo[a];
        bb[nd + a] = b->hi[a] - b->lo[a] + 1;
    }
    fmt_tuple_i(buf, sizeof buf, bb, 2 * nd);
    ADD(NAME("BoundingBox"), buf);
    snprintf(buf, sizeof buf, "%lld", (long long)b->n);
    ADD(NAME("VoxelNum"), buf);
    int64_t nc = count_components(lab, g, b);
    if (nc < 0) goto nomem;
    snprintf(buf, sizeof buf, "%lld", (long long)nc);
    ADD(NAME("VolumeNum"), buf);
    double s[3] = {0, 0, 0};
    double *vals = img ? malloc(sizeof *vals * (size_t)(b->n > 0 ? b->n : 1)) : NULL, vmin = INFINITY, vmax = -INFINITY;
    int64_t nv = 0;
    if (img && !vals) goto nomem;
    for (int64_t k = b->lo[2]; k <= b->hi[2]; k++)
        for (int64_t j = b->lo[1]; j <= b->hi[1]; j++)
            for (int64_t i = b->lo[0]; i <= b->hi[0]; i++) {
                int64_t idx = i + g->size[0] * (j + g->size[1] * k);
                if (!lab[idx]) continue;
                s[0] += (double)i;
                s[1] += (double)j;
                s[2] += (double)k;
                if (img) {
                    double v = radx_volume_get(img, idx);
                    if (nv < b->n) vals[nv++] = v; /* numpy's order: z, y, x */
                    if (v < vmin) vmin = v;
                    if (v > vmax) vmax = v;
                }
            }
    const double vmean = img ? numpy_sum_double(vals, nv) / (double)b->n : 0;
    free(vals);
    double com[3] = {s[0] / (double)b->n, s[1] / (double)b->n, s[2] / (double)b->n}, ph[3];
    fmt_tuple_d(buf, sizeof buf, com, nd);
    ADD(NAME("CenterOfMassIndex"), buf);
    radx_geom_index_to_physical(g, com, ph);
    fmt_tuple_d(buf, sizeof buf, ph, nd);
    ADD(NAME("CenterOfMass"), buf);
#undef NAME
    if (img && add_mean_min_max(res, "Mask", prefix, vmean, vmin, vmax)) goto nomem;
    return RADX_OK;
nomem:
    return radx_seterr(err, RADX_ERR_NOMEM, "out of memory building diagnostics");
}

/* generalinfo.addImageElements: spacing, size, mean/min/max over the whole image ("original"
 * adds the hash and dimensionality first); the mean as numpy.mean of the image as doubles. */
radx_status radx_diag_image(const char *prefix, const radx_volume *img, int nd, radx_result *res, radx_err *err)
{
    char buf[4096], name[160];
    const radx_geom *g = &img->g;
#define NAME(what) (snprintf(name, sizeof name, "diagnostics_Image-%s_%s", prefix, what), name)
    if (!strcmp(prefix, "original")) {
        char hex[41];
        if (radx_volume_sha1(img, 0, hex) == RADX_OK) ADD(NAME("Hash"), hex);
        snprintf(buf, sizeof buf, "%dD", nd);
        ADD(NAME("Dimensionality"), buf);
    }
    fmt_tuple_d(buf, sizeof buf, g->spacing, nd);
    ADD(NAME("Spacing"), buf);
    fmt_tuple_i(buf, sizeof buf, g->size, nd);
    ADD(NAME("Size"), buf);
    int64_t n = radx_geom_nvox(g);
    double sum = 0, mn = INFINITY, mx = -INFINITY;
    /* the type switch outside the loops */
#define STATS(T)                           \
    do {                                   \
        const T *d = (const T *)img->data; \
        sum = numpy_sum_##T(d, n);         \
        for (int64_t i = 0; i < n; i++) {  \
            double v = (double)d[i];       \
            if (v < mn) mn = v;            \
            if (v > mx) mx = v;            \
        }                                  \
    } while (0)
    switch (img->dtype) {
    case RADX_DT_U8: STATS(uint8_t); break;
    case RADX_DT_I8: STATS(int8_t); break;
    case RADX_DT_U16: STATS(uint16_t); break;
    case RADX_DT_I16: STATS(int16_t); break;
    case RADX_DT_U32: STATS(uint32_t); break;
    case RADX_DT_I32: STATS(int32_t); break;
    case RADX_DT_U64: STATS(uint64_t); break;
    case RADX_DT_I64: STATS(int64_t); break;
    case RADX_DT_F32: STATS(float); break;
    case RADX_DT_F64: STATS(double); break;
    }
#undef STATS
#undef NAME
    if (add_mean_min_max(res, "Image", prefix, sum / (double)n, mn, mx)) goto nomem;
    return RADX_OK;
nomem:
    return radx_seterr(err, RADX_ERR_NOMEM, "out of memory building diagnostics");
}

/* generalinfo's static part: versions, configuration (with the label the case used, which
 * PyRadiomics' execute(..., label=N) writes into its settings). */
radx_status radx_diag_config(const radx_params *p, int label, radx_result *res, radx_err *err)
{
    char buf[4096];
    ADD("diagnostics_Versions_radx", RADX_VERSION_STRING);
    radx_params used = *p; /* a view: only read, its pointers shared */
    if (label > 0) used.label = label;
    char *settings = radx_params_settings_text(&used);
    const int bad = !settings || radx_result_add_text(res, "diagnostics_Configuration_Settings", settings);
    free(settings);
    if (bad) goto nomem;
    radx_params_format_imtypes(p, buf, sizeof buf);
    ADD("diagnostics_Configuration_EnabledImageTypes", buf);
    return RADX_OK;
nomem:
    return radx_seterr(err, RADX_ERR_NOMEM, "out of memory building diagnostics");
}

#undef ADD
