/* SPDX-License-Identifier: BSD-3-Clause */
/* The diagnostics rows PyRadiomics' generalinfo module adds (host/pipeline/diagnostics.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/io.h"
#include "params/params.h"
#include "pipeline/diagnostics.h"
#include "rules/kahan_sum.h"

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
    radx_ksum vsum = {0, 0};
    double vmin = INFINITY, vmax = -INFINITY;
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
                    radx_kadd(&vsum, v);
                    if (v < vmin) vmin = v;
                    if (v > vmax) vmax = v;
                }
            }
    double com[3] = {s[0] / (double)b->n, s[1] / (double)b->n, s[2] / (double)b->n}, ph[3];
    fmt_tuple_d(buf, sizeof buf, com, nd);
    ADD(NAME("CenterOfMassIndex"), buf);
    radx_geom_index_to_physical(g, com, ph);
    fmt_tuple_d(buf, sizeof buf, ph, nd);
    ADD(NAME("CenterOfMass"), buf);
    if (img) {
        radx_fmt_double(buf, sizeof buf, radx_kval(&vsum) / (double)b->n);
        ADD(NAME("Mean"), buf);
        radx_fmt_double(buf, sizeof buf, vmin);
        ADD(NAME("Minimum"), buf);
        radx_fmt_double(buf, sizeof buf, vmax);
        ADD(NAME("Maximum"), buf);
    }
#undef NAME
    return RADX_OK;
nomem:
    return radx_seterr(err, RADX_ERR_NOMEM, "out of memory building diagnostics");
}

/* generalinfo.addImageElements: spacing, size, mean/min/max over the whole image ("original"
 * adds the hash and dimensionality first). */
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
    radx_ksum sum = {0, 0};
    double mn = INFINITY, mx = -INFINITY;
    /* one typed pass (compensated sum), the type switch outside the loop */
#define STATS(T)                           \
    do {                                   \
        const T *d = (const T *)img->data; \
        for (int64_t i = 0; i < n; i++) {  \
            double v = (double)d[i];       \
            radx_kadd(&sum, v);            \
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
    radx_fmt_double(buf, sizeof buf, radx_kval(&sum) / (double)n);
    ADD(NAME("Mean"), buf);
    radx_fmt_double(buf, sizeof buf, mn);
    ADD(NAME("Minimum"), buf);
    radx_fmt_double(buf, sizeof buf, mx);
    ADD(NAME("Maximum"), buf);
#undef NAME
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
