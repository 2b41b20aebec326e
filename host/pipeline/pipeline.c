/* SPDX-License-Identifier: BSD-3-Clause */
/* One case, end to end: read, validate, normalise/resegment, crop, discretise, features.
 * Follows PyRadiomics 3.0.1's RadiomicsFeatureExtractor.execute step by step; the comments
 * name the PyRadiomics function each step reproduces. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "backend/backend.h"
#include "pipeline/discretise.h"
#include "rules/kahan_sum.h"
#include "io/io.h"
#include "params/params.h"
#include "pipeline/pipeline.h"
#include "api/result.h"


/* Adds the enabled features of one class, computed into vals[], to the result. */
static radx_status emit_class(radx_result *res, const char *prefix, radx_class c,
                              const radx_params *p, const double *vals)
{
    const radx_feature_info *tab;
    int nf;
    radx_class_table(c, &tab, &nf);
    const radx_class_sel *sel = &p->cls[c];
    char name[256];
    if (sel->all || sel->n == 0) {
        for (int i = 0; i < nf; i++) {
            if (tab[i].deprecated) continue;
            snprintf(name, sizeof name, "%s_%s_%s", prefix, radx_class_name(c), tab[i].name);
            if (radx_result_add_number(res, name, vals[i])) return RADX_ERR_NOMEM;
        }
        return RADX_OK;
    }
    for (int k = 0; k < sel->n; k++) {
        int dup = 0;
        for (int j = 0; j < k; j++)
            if (strcmp(sel->names[j], sel->names[k]) == 0) dup = 1;
        if (dup) continue;
        for (int i = 0; i < nf; i++) {
            if (strcmp(tab[i].name, sel->names[k]) != 0 || tab[i].deprecated == 2) continue;
            snprintf(name, sizeof name, "%s_%s_%s", prefix, radx_class_name(c), tab[i].name);
            if (radx_result_add_number(res, name, vals[i])) return RADX_ERR_NOMEM;
        }
    }
    return RADX_OK;
}

/* --- small geometry helpers ------------------------------------------------------------- */

static void index_to_physical(const radx_geom *g, const double idx[3], double out[3])
{
    for (int r = 0; r < 3; r++) {
        out[r] = g->origin[r];
        for (int c = 0; c < 3; c++) out[r] += g->direction[3 * r + c] * g->spacing[c] * idx[c];
    }
}

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

/* sitk.Cast(mask, sitkUInt32) of one value. */
static inline uint32_t u32_of(double v)
{
    if (!(v == v)) return 0;
    if (v < 0) return (uint32_t)(int64_t)v;
    if (v >= 4294967296.0) return 0xFFFFFFFFu;
    return (uint32_t)v;
}

/* sitk.Cast(mask, sitkUInt32) of one voxel. */
static uint32_t mask_u32(const radx_volume *m, int64_t i) { return u32_of(radx_volume_get(m, i)); }

/* The whole mask cast to uint32 in one typed pass (the per-voxel type switch of radx_volume_get
 * costs more than the rest of a small case).  Returns m->data itself for a U32 mask
 * (*owned = 0), else a malloc'ed array (*owned = 1); NULL when out of memory. */
static const uint32_t *mask_values(const radx_volume *m, int *owned)
{
    *owned = 0;
    if (m->dtype == RADX_DT_U32) return (const uint32_t *)m->data;
    int64_t n = radx_geom_nvox(&m->g);
    uint32_t *o = malloc(sizeof *o * (size_t)(n ? n : 1));
    if (!o) return NULL;
    *owned = 1;
#define CONV(T)                                                                                        do {                                                                                                   const T *d = (const T *)m->data;                                                                   for (int64_t i = 0; i < n; i++) o[i] = u32_of((double)d[i]);                                  } while (0)
    switch (m->dtype) {
    case RADX_DT_U8: CONV(uint8_t); break;
    case RADX_DT_I8: CONV(int8_t); break;
    case RADX_DT_U16: CONV(uint16_t); break;
    case RADX_DT_I16: CONV(int16_t); break;
    case RADX_DT_I32: CONV(int32_t); break;
    case RADX_DT_U64: CONV(uint64_t); break;
    case RADX_DT_I64: CONV(int64_t); break;
    case RADX_DT_F32: CONV(float); break;
    case RADX_DT_F64: CONV(double); break;
    default:
        for (int64_t i = 0; i < n; i++) o[i] = mask_u32(m, i);
    }
#undef CONV
    return o;
}

/* --- geometry check (ITK ImageToImageFilter::VerifyInputInformation, as LabelStatistics) ---- */

static radx_status check_geometry(const radx_geom *gi, const radx_geom *gm, const radx_params *p,
                                  const char *ipath, const char *mpath, radx_err *err)
{
    if (gi->ndim != gm->ndim)
        return radx_seterr(err, RADX_ERR_GEOMETRY, "%s: mask is %d-D but image %s is %d-D", mpath,
                           gm->ndim, ipath, gi->ndim);
    for (int k = 0; k < 3; k++)
        if (gi->size[k] != gm->size[k])
            return radx_seterr(err, RADX_ERR_GEOMETRY,
                               "%s: mask size %lldx%lldx%lld differs from image %s size %lldx%lldx%lld "
                               "(set correctMask: True to resample the mask onto the image grid)",
                               mpath, (long long)gm->size[0], (long long)gm->size[1], (long long)gm->size[2],
                               ipath, (long long)gi->size[0], (long long)gi->size[1], (long long)gi->size[2]);
    double tol = p->has_geometry_tolerance ? p->geometry_tolerance : 1e-6;
    double ctol = fabs(tol * gi->spacing[0]);
    for (int k = 0; k < 3; k++) {
        if (fabs(gi->origin[k] - gm->origin[k]) > ctol)
            return radx_seterr(err, RADX_ERR_GEOMETRY,
                               "%s: mask origin differs from image %s origin (axis %d: %.9g vs %.9g mm, "
                               "tolerance %.3g; see geometryTolerance / correctMask)",
                               mpath, ipath, k, gm->origin[k], gi->origin[k], ctol);
        if (fabs(gi->spacing[k] - gm->spacing[k]) > ctol)
            return radx_seterr(err, RADX_ERR_GEOMETRY,
                               "%s: mask spacing differs from image %s spacing (axis %d: %.9g vs %.9g mm, "
                               "tolerance %.3g; see geometryTolerance / correctMask)",
                               mpath, ipath, k, gm->spacing[k], gi->spacing[k], ctol);
    }
    for (int k = 0; k < 9; k++)
        if (fabs(gi->direction[k] - gm->direction[k]) > tol)
            return radx_seterr(err, RADX_ERR_GEOMETRY,
                               "%s: mask direction differs from image %s direction (element %d: %.9g vs %.9g, "
                               "tolerance %.3g; see geometryTolerance / correctMask)",
                               mpath, ipath, k, gm->direction[k], gi->direction[k], tol);
    return RADX_OK;
}

/* PyRadiomics _correctMask: check the ROI lies inside the image, then resample the mask onto the
 * image grid with nearest-neighbour interpolation (ITK rounds half up; outside -> 0). Produces a
 * uint32 label volume on the image grid. */
static radx_status correct_mask(const radx_volume *img, const radx_volume *msk, uint32_t label,
                                const char *mpath, uint32_t **out, radx_err *err)
{
    const radx_geom *gi = &img->g, *gm = &msk->g;
    if (gm->ndim != gi->ndim)
        return radx_seterr(err, RADX_ERR_GEOMETRY, "%s: mask is %d-D, image %d-D", mpath, gm->ndim, gi->ndim);
    /* _checkROI: the ROI bounding box must lie inside the image (tolerance 0.001 voxel) */
    int64_t lo[3], hi[3];
    radx_status cst = radx_check_roi_in_image(img, msk, label, lo, hi, err);
    if (cst) {
        char m[RADX_ERR_LEN];
        snprintf(m, sizeof m, "%s", err ? err->msg : "");
        return radx_seterr(err, cst, "%s: %s; cannot correct the mask", mpath, m);
    }
    /* SimpleITK's nearest-neighbour resampling of the mask onto the image grid (ITK's exact
     * index arithmetic, including half-voxel ties on oblique grids) */
    radx_volume cm;
    radx_status st = radx_resample_mask_onto(msk, gi, &cm, err);
    if (st) return st;
    *out = (uint32_t *)cm.data; /* malloc'ed; the caller frees it */
    return RADX_OK;
}

/* --- ROI box ------------------------------------------------------------------------------ */

typedef radx_roi_box roi_box; /* pipeline.h */

static void box_of(const uint8_t *lab, const radx_geom *g, roi_box *b)
{
    for (int a = 0; a < 3; a++) { b->lo[a] = INT64_MAX; b->hi[a] = -1; }
    b->n = 0;
    for (int64_t k = 0; k < g->size[2]; k++)
        for (int64_t j = 0; j < g->size[1]; j++) {
            const uint8_t *row = lab + g->size[0] * (j + g->size[1] * k);
            for (int64_t i = 0; i < g->size[0]; i++) {
                if (!row[i]) continue;
                b->n++;
                if (i < b->lo[0]) b->lo[0] = i;
                if (i > b->hi[0]) b->hi[0] = i;
                if (j < b->lo[1]) b->lo[1] = j;
                if (j > b->hi[1]) b->hi[1] = j;
                if (k < b->lo[2]) b->lo[2] = k;
                if (k > b->hi[2]) b->hi[2] = k;
            }
        }
}

/* imageoperations.checkMask: dimensions and size requirements */
static radx_status check_roi(const roi_box *b, const radx_params *p, const char *mpath, int label,
                             const char *what, radx_err *err)
{
    if (b->n == 0)
        return radx_seterr(err, RADX_ERR_ROI, "%s: %sROI with label %d is empty", mpath, what, label);
    int ndims = 0;
    for (int a = 0; a < 3; a++) ndims += (b->hi[a] - b->lo[a] + 1) > 1;
    if (ndims == 0)
        return radx_seterr(err, RADX_ERR_ROI,
                           "%s: %sROI with label %d is a single voxel; cannot extract features", mpath, what, label);
    if (ndims < p->minimum_roi_dimensions)
        return radx_seterr(err, RADX_ERR_ROI,
                           "%s: %sROI with label %d spans %d dimension(s), minimumROIDimensions is %d",
                           mpath, what, label, ndims, p->minimum_roi_dimensions);
    if (p->has_minimum_roi_size && b->n <= p->minimum_roi_size)
        return radx_seterr(err, RADX_ERR_ROI,
                           "%s: %sROI with label %d has %lld voxels, minimumROISize requires more than %lld",
                           mpath, what, label, (long long)b->n, (long long)p->minimum_roi_size);
    return RADX_OK;
}

/* Number of 26-connected components (sitk ConnectedComponent, FullyConnectedOn). */
static int64_t count_components(const uint8_t *lab, const radx_geom *g, const roi_box *b)
{
    int64_t nx = b->hi[0] - b->lo[0] + 1, ny = b->hi[1] - b->lo[1] + 1, nz = b->hi[2] - b->lo[2] + 1;
    int64_t n = nx * ny * nz;
    uint8_t *seen = calloc((size_t)n, 1);
    int64_t *stack = malloc(sizeof *stack * (size_t)n);
    if (!seen || !stack) { free(seen); free(stack); return -1; }
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

/* --- the case ----------------------------------------------------------------------------- */

typedef radx_case case_state; /* pipeline.h */

static radx_status add_diag_text(radx_result *res, const char *name, const char *text)
{
    return radx_result_add_text(res, name, text);
}

#define ADD(n_, t_) do { if (add_diag_text(res, n_, t_)) goto nomem; } while (0)

/* generalinfo.addMaskElements: mask `lab` on grid g (the mask's own grid for "original", the
 * image grid otherwise); img (may be NULL) adds the image's mean/min/max inside the mask. */
static radx_status mask_elements(const char *prefix, const radx_geom *g, const uint8_t *lab,
                                 const roi_box *b, const radx_volume *img, int nd,
                                 radx_result *res, radx_err *err)
{
    char buf[4096], name[160];
#define NAME(what) (snprintf(name, sizeof name, "diagnostics_Mask-%s_%s", prefix, what), name)
    fmt_tuple_d(buf, sizeof buf, g->spacing, nd);
    ADD(NAME("Spacing"), buf);
    fmt_tuple_i(buf, sizeof buf, g->size, nd);
    ADD(NAME("Size"), buf);
    int64_t bb[6];
    for (int a = 0; a < nd; a++) { bb[a] = b->lo[a]; bb[nd + a] = b->hi[a] - b->lo[a] + 1; }
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
                s[0] += (double)i; s[1] += (double)j; s[2] += (double)k;
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
    index_to_physical(g, com, ph);
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
static radx_status image_elements(const char *prefix, const radx_volume *img, int nd, radx_result *res,
                                  radx_err *err)
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
#define STATS(T)                                                                                   \
    do {                                                                                           \
        const T *d = (const T *)img->data;                                                         \
        for (int64_t i = 0; i < n; i++) {                                                          \
            double v = (double)d[i];                                                               \
            radx_kadd(&sum, v);                                                                    \
            if (v < mn) mn = v;                                                                    \
            if (v > mx) mx = v;                                                                    \
        }                                                                                          \
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

/* generalinfo's static part: versions, configuration. */
static radx_status config_elements(const radx_params *p, radx_result *res, radx_err *err)
{
    char buf[4096];
    ADD("diagnostics_Versions_radx", RADX_VERSION_STRING);
    radx_params_format_settings(p, buf, sizeof buf);
    ADD("diagnostics_Configuration_Settings", buf);
    radx_params_format_imtypes(p, buf, sizeof buf);
    ADD("diagnostics_Configuration_EnabledImageTypes", buf);
    return RADX_OK;
nomem:
    return radx_seterr(err, RADX_ERR_NOMEM, "out of memory building diagnostics");
}
#undef ADD

/* Crops the box of `lab` into numpy-ordered buffers (pipeline.h). */
radx_status radx_pipeline_crop(const radx_volume *img, const uint8_t *lab, const radx_roi_box *b,
                               int64_t dims_zyx[3], uint8_t **roi_out, double **val_out, radx_err *err)
{
    const radx_geom *g = &img->g;
    int64_t nx = b->hi[0] - b->lo[0] + 1, ny = b->hi[1] - b->lo[1] + 1, nz = b->hi[2] - b->lo[2] + 1;
    int64_t n = nx * ny * nz;
    dims_zyx[0] = nz; dims_zyx[1] = ny; dims_zyx[2] = nx;
    uint8_t *roi = malloc((size_t)n);
    double *val = val_out ? malloc(sizeof *val * (size_t)n) : NULL;
    if (!roi || (val_out && !val)) {
        free(roi);
        free(val);
        return radx_seterr(err, RADX_ERR_NOMEM, "out of memory for a %lldx%lldx%lld ROI box",
                           (long long)nx, (long long)ny, (long long)nz);
    }
    for (int64_t k = 0; k < nz; k++)
        for (int64_t j = 0; j < ny; j++)
            for (int64_t i = 0; i < nx; i++) {
                int64_t src = (b->lo[0] + i) + g->size[0] * ((b->lo[1] + j) + g->size[1] * (b->lo[2] + k));
                int64_t dst = i + nx * (j + ny * k);
                roi[dst] = lab[src] ? 1 : 0;
                if (val) val[dst] = radx_volume_get(img, src);
            }
    *roi_out = roi;
    if (val_out) *val_out = val;
    return RADX_OK;
}

/* A sub-volume [lo, hi] (inclusive, x y z) of v with its geometry (cropToTumorMask). */
static radx_status crop_volume(const radx_volume *v, const int64_t lo[3], const int64_t hi[3],
                               radx_volume *out, radx_err *err)
{
    memset(out, 0, sizeof *out);
    out->g = v->g;
    out->dtype = v->dtype;
    for (int a = 0; a < 3; a++) out->g.size[a] = hi[a] - lo[a] + 1;
    double l[3] = {(double)lo[0], (double)lo[1], (double)lo[2]};
    index_to_physical(&v->g, l, out->g.origin);
    size_t es = radx_dtype_size(v->dtype);
    out->data = malloc(es * (size_t)radx_geom_nvox(&out->g));
    if (!out->data) return radx_seterr(err, RADX_ERR_NOMEM, "out of memory cropping the image");
    for (int64_t k = 0; k < out->g.size[2]; k++)
        for (int64_t j = 0; j < out->g.size[1]; j++) {
            const char *src = (const char *)v->data +
                              es * (size_t)(lo[0] + v->g.size[0] * ((lo[1] + j) + v->g.size[1] * (lo[2] + k)));
            char *dst = (char *)out->data + es * (size_t)(out->g.size[0] * (j + out->g.size[1] * k));
            memcpy(dst, src, es * (size_t)out->g.size[0]);
        }
    return RADX_OK;
}

static radx_status run_shape(const case_state *cs, const radx_params *p, const radx_backend_ops *ops,
                             void *bctx, const uint8_t *lab, const roi_box *b, radx_result *res,
                             radx_err *err)
{
    int want3 = p->cls[RADX_CLASS_SHAPE].enabled, want2 = p->cls[RADX_CLASS_SHAPE2D].enabled;
    if (!want3 && !want2) return RADX_OK;
    const radx_geom *g = &cs->img.g;
    radx_shape_input in;
    uint8_t *roi = NULL;
    radx_status st = radx_pipeline_crop(&cs->img, lab, b, in.dims_zyx, &roi, NULL, err);
    if (st) return st;
    in.roi = roi;
    in.n_roi = b->n;
    in.spacing_zyx[0] = g->spacing[2]; in.spacing_zyx[1] = g->spacing[1]; in.spacing_zyx[2] = g->spacing[0];
    double vals[64];
    if (want3 && g->ndim == 3) {
        st = ops->shape(bctx, RADX_CLASS_SHAPE, &in, p, vals, err);
        if (!st) st = emit_class(res, "original", RADX_CLASS_SHAPE, p, vals);
    }
    /* featureextractor.computeShape's rule for shape2D (radx_shape2d_extractor_gate) */
    if (!st && want2 && radx_shape2d_extractor_gate(g->ndim, p, in.dims_zyx)) {
        radx_params q2;
        const radx_params *pp = p;
        if (g->ndim == 2) { /* PyRadiomics ignores force2D for 2-D masks: reduce along z */
            q2 = *p;
            q2.force2d = 0;
            pp = &q2;
        }
        st = ops->shape(bctx, RADX_CLASS_SHAPE2D, &in, pp, vals, err);
        if (!st) st = emit_class(res, "original", RADX_CLASS_SHAPE2D, p, vals);
    }
    free(roi);
    return st;
}

/* ---- the backend's optional residency and host-memory ops (host/backend/backend.h) ---------------- */

void radx_backend_hold(const radx_backend_ops *ops, void *ctx, const void *h, size_t bytes)
{
    if (ops && ops->hold && h && bytes) ops->hold(ctx, h, bytes);
}

void radx_backend_release(const radx_backend_ops *ops, void *ctx, const void *h)
{
    if (ops && ops->release && h) ops->release(ctx, h); /* h NULL: nothing was held (an allocation failed) */
}

void *radx_backend_host_alloc(const radx_backend_ops *ops, void *ctx, size_t bytes)
{
    return ops && ops->host_alloc ? ops->host_alloc(ctx, bytes) : malloc(bytes);
}

radx_status radx_level_box_host(const int32_t *gl, int64_t n, const uint8_t *roi, int64_t nbox, int32_t *glbox,
                                radx_err *err)
{
    int64_t k = 0;
    for (int64_t i = 0; i < nbox; i++) {
        glbox[i] = roi[i] && k < n ? gl[k] : 0;
        k += roi[i] != 0;
    }
    if (k != n)
        return radx_seterr(err, RADX_ERR_INTERNAL, "level box: %lld ROI voxels in the box, %lld levels",
                           (long long)k, (long long)n);
    return RADX_OK;
}

radx_status radx_backend_materialize(const radx_backend_ops *ops, void *ctx, const void *h)
{
    return ops && ops->materialize ? ops->materialize(ctx, h) : RADX_OK;
}

void radx_backend_host_free(const radx_backend_ops *ops, void *ctx, void *p)
{
    if (!p) return;
    if (ops && ops->host_free)
        ops->host_free(ctx, p);
    else
        free(p);
}

/* Features of one (filtered) image: crop to the ROI box, discretise, every enabled class.
 * The ROI values x, their levels gl, the level box and the ROI box are read by first order and
 * every texture class unchanged: they come from the backend's host memory and are held on it
 * (host/backend/resident.h), so a device backend uploads each once per image type (the values and the
 * levels not at all: the device gathers the values from its copy of the image and keeps them,
 * its discretisation hands its own copy of the levels over).  The host itself reads the image
 * only through the roi_values op, and the values only through their statistics. */
static radx_status run_image_type(const radx_volume *img, const radx_params *p,
                                  const radx_backend_ops *ops, void *bctx, const char *prefix,
                                  const uint8_t *lab, const roi_box *b, radx_result *res,
                                  const char *ipath, radx_err *err)
{
    radx_class order[RADX_CLASS_COUNT];
    int ncls = radx_class_order(p, order);
    const radx_geom *g = &img->g;
    radx_texture_input tin;
    uint8_t *roi = NULL;
    double *x = NULL, *edges = NULL;
    int32_t *glbox = NULL, *gl = NULL;
    int nedges = 0, ng = 0;
    radx_status st = radx_pipeline_crop(img, lab, b, tin.dims_zyx, &roi, NULL, err);
    if (st) return st;
    int64_t nbox = tin.dims_zyx[0] * tin.dims_zyx[1] * tin.dims_zyx[2];
    const int64_t n = b->n;
    x = radx_backend_host_alloc(ops, bctx, sizeof *x * (size_t)n);
    gl = radx_backend_host_alloc(ops, bctx, sizeof *gl * (size_t)n);
    glbox = radx_backend_host_alloc(ops, bctx, sizeof *glbox * (size_t)nbox);
    if (glbox) memset(glbox, 0, sizeof *glbox * (size_t)nbox);
    if (!x || !gl || !glbox) {
        st = radx_seterr(err, RADX_ERR_NOMEM, "out of memory for %lld ROI voxels", (long long)b->n);
        goto done;
    }
    /* the ROI values: written by roi_values (a device backend may keep them on the device only:
     * the host reads no value of x below, only their statistics), then read by discretisation
     * and first order */
    radx_backend_hold(ops, bctx, x, sizeof *x * (size_t)n);
    radx_backend_hold(ops, bctx, roi, (size_t)nbox);
    radx_roi_stats rs;
    {
        const int64_t lo[3] = {b->lo[0], b->lo[1], b->lo[2]};
        if (ops->roi_values) {
            st = ops->roi_values(bctx, img, roi, tin.dims_zyx, lo, x, n, &rs, err);
        } else { /* the host reads the image: bring it down if the backend kept it */
            st = radx_backend_materialize(ops, bctx, img->data);
            if (st) radx_seterr(err, st, "%s: the filtered image could not be brought down from the device", ipath);
            else st = radx_roi_values_host(img, roi, tin.dims_zyx, lo, x, n, &rs, err);
        }
    }
    if (st) goto done;
    if (rs.nonfinite) {
        const int64_t nx = tin.dims_zyx[2], ny = tin.dims_zyx[1], fb = rs.first_nonfinite;
        st = radx_seterr(err, RADX_ERR_VALUE,
                         "%s: %lld NaN or infinite voxel(s) inside the ROI%s%s, first at index (%lld, %lld, %lld)",
                         ipath, (long long)rs.nonfinite, strcmp(prefix, "original") ? " of image type " : "",
                         strcmp(prefix, "original") ? prefix : "", (long long)(b->lo[0] + fb % nx),
                         (long long)(b->lo[1] + (fb / nx) % ny), (long long)(b->lo[2] + fb / (nx * ny)));
        goto done;
    }
    st = radx_bin_edges_range(rs.min, rs.max, n, p, img->dtype == RADX_DT_F32, &edges, &nedges, err);
    if (st) goto done;
    radx_backend_hold(ops, bctx, gl, sizeof *gl * (size_t)n); /* written by discretise, then read */
    const radx_backend_ops *dops = ops->discretise ? ops : &radx_cpu_backend;
    st = dops->discretise(dops == ops ? bctx : NULL, x, n, edges, nedges, gl, &ng, err);
    if (st) goto done;
    /* the level box: held first, so a device backend may keep the copy it builds from gl and roi */
    radx_backend_hold(ops, bctx, glbox, sizeof *glbox * (size_t)nbox);
    st = ops->level_box ? ops->level_box(bctx, gl, n, roi, nbox, glbox, err)
                        : radx_level_box_host(gl, n, roi, nbox, glbox, err);
    if (st) goto done;
    tin.spacing_zyx[0] = g->spacing[2]; tin.spacing_zyx[1] = g->spacing[1]; tin.spacing_zyx[2] = g->spacing[0];
    tin.gl = glbox;
    tin.roi = roi;
    tin.ng = ng;
    tin.n_roi = n;
    double vals[64];
    for (int ci = 0; ci < ncls && !st; ci++) {
        radx_class c = order[ci];
        if (c == RADX_CLASS_SHAPE || c == RADX_CLASS_SHAPE2D) continue;
        if (c == RADX_CLASS_FIRSTORDER) {
            const radx_backend_ops *o = ops->firstorder ? ops : &radx_cpu_backend;
            /* numpy.multiply.reduce(spacing): ((sx * sy) * sz) */
            double vv = g->spacing[0] * g->spacing[1];
            if (g->ndim == 3) vv *= g->spacing[2];
            st = o->firstorder(o == ops ? bctx : NULL, x, gl, n, ng, vv, p, vals, err);
        } else {
            const radx_backend_ops *o = ops->texture ? ops : &radx_cpu_backend;
            st = o->texture(o == ops ? bctx : NULL, c, &tin, p, vals, err);
        }
        if (!st && emit_class(res, prefix, c, p, vals)) st = radx_seterr(err, RADX_ERR_NOMEM, "out of memory");
    }
done:
    radx_backend_release(ops, bctx, x);
    radx_backend_release(ops, bctx, gl);
    radx_backend_release(ops, bctx, glbox);
    radx_backend_release(ops, bctx, roi);
    free(roi);
    radx_backend_host_free(ops, bctx, x);
    radx_backend_host_free(ops, bctx, gl);
    radx_backend_host_free(ops, bctx, glbox);
    free(edges);
    return st;
}

radx_status radx_pipeline_image_type(const radx_volume *img, const radx_params *p, const radx_backend_ops *ops,
                                     void *bctx, const char *prefix, const uint8_t *lab, const radx_roi_box *b,
                                     radx_result *res, const char *ipath, radx_err *err)
{
    return run_image_type(img, p, ops, bctx, prefix, lab, b, res, ipath, err);
}

/* imageoperations.normalizeImage: sitk.Normalize over the whole image (mean, sample standard
 * deviation; output float64), then removeOutliers clipping, then * normalizeScale. */
static radx_status normalize_image(radx_volume *img, const radx_params *p, const char *ipath, radx_err *err)
{
    int64_t nvox = radx_geom_nvox(&img->g);
    radx_ksum ks = {0, 0}, kss = {0, 0};
    for (int64_t i = 0; i < nvox; i++) {
        double v = radx_volume_get(img, i);
        radx_kadd(&ks, v);
        radx_kadd(&kss, v * v);
    }
    const double s = radx_kval(&ks), ss = radx_kval(&kss);
    double mean = s / (double)nvox;
    double var = (ss - s * s / (double)nvox) / (double)(nvox - 1);
    if (!(var > 0)) return radx_seterr(err, RADX_ERR_VALUE, "%s: normalize: the image is constant (standard deviation 0)", ipath);
    double scale = 1.0 / sqrt(var);
    double *d = malloc(sizeof *d * (size_t)nvox);
    if (!d) return radx_seterr(err, RADX_ERR_NOMEM, "%s: out of memory normalising the image", ipath);
    for (int64_t i = 0; i < nvox; i++) {
        /* ITK ShiftScale: (v + shift) * scale with shift = -mean, scale = 1/sigma */
        double v = (radx_volume_get(img, i) + (-mean)) * scale;
        if (p->has_remove_outliers) {
            if (v > p->remove_outliers) v = p->remove_outliers;
            if (v < -p->remove_outliers) v = -p->remove_outliers;
        }
        d[i] = v * p->normalize_scale;
    }
    free(img->data);
    img->data = d;
    img->dtype = RADX_DT_F64;
    return RADX_OK;
}

/* Wraps a uint8 label map as a U32 mask volume on grid g (label where set, 0 elsewhere). */
static radx_status lab_to_mask(const uint8_t *lab, const radx_geom *g, uint32_t label, radx_volume *out,
                               radx_err *err)
{
    memset(out, 0, sizeof *out);
    out->g = *g;
    out->dtype = RADX_DT_U32;
    int64_t n = radx_geom_nvox(g);
    uint32_t *m = malloc(sizeof *m * (size_t)n);
    if (!m) return radx_seterr(err, RADX_ERR_NOMEM, "out of memory for the mask");
    for (int64_t i = 0; i < n; i++) m[i] = lab[i] ? label : 0;
    out->data = m;
    return RADX_OK;
}

/* "log-sigma-1-5-mm-3D": PyRadiomics' name, from str(sigma) with '.' -> '-'. */
static void log_prefix(char *buf, size_t len, const char *sigma_text)
{
    size_t o = (size_t)snprintf(buf, len, "log-sigma-");
    for (const char *c = sigma_text; *c && o + 1 < len; c++) buf[o++] = *c == '.' ? '-' : *c;
    snprintf(buf + o, len - o, "-mm-3D");
}

/* ---- preparation shared by extract and map (pipeline.h) ----------------------------------- */

void radx_case_free(radx_case *cs)
{
    if (!cs) return;
    free(cs->lab);
    free(cs->lab_reseg);
    radx_volume_free(&cs->img);
    radx_volume_free(&cs->msk);
    memset(cs, 0, sizeof *cs);
}

const uint8_t *radx_case_feature_mask(const radx_case *cs, const radx_roi_box **box)
{
    if (cs->lab_reseg) { *box = &cs->box2; return cs->lab_reseg; }
    *box = &cs->box;
    return cs->lab;
}

const uint8_t *radx_case_shape_mask(const radx_case *cs, const radx_params *p, const radx_roi_box **box)
{
    if (cs->lab_reseg && p->reseg_shape) { *box = &cs->box2; return cs->lab_reseg; }
    *box = &cs->box;
    return cs->lab;
}

radx_status radx_pipeline_prepare(const radx_params *p, const radx_backend_ops *ops, void *bctx,
                                  const char *ipath, const char *mpath, int label,
                                  radx_result *res, radx_case *cs_out, radx_err *err)
{
    return radx_pipeline_prepare_loaded(p, ops, bctx, ipath, mpath, NULL, label, res, cs_out, err);
}

void radx_loaded_free(radx_loaded *pre)
{
    if (!pre) return;
    radx_volume_free(&pre->img);
    radx_volume_free(&pre->msk);
}

void radx_loaded_read(radx_loaded *pre, const char *ipath, const char *mpath)
{
    memset(pre, 0, sizeof *pre);
    pre->img_err.status = radx_volume_read(ipath, &pre->img, &pre->img_err);
    if (!pre->img_err.status) pre->msk_err.status = radx_volume_read(mpath, &pre->msk, &pre->msk_err);
    pre->valid = 1;
}

radx_status radx_pipeline_prepare_loaded(const radx_params *p, const radx_backend_ops *ops, void *bctx,
                                         const char *ipath, const char *mpath, radx_loaded *pre, int label,
                                         radx_result *res, radx_case *cs_out, radx_err *err)
{
    case_state cs;
    memset(&cs, 0, sizeof cs);
    memset(cs_out, 0, sizeof *cs_out);
    uint32_t *corrected = NULL;
    uint8_t *lab_orig = NULL;
    roi_box box_orig;
    radx_status st;
    int nd;
    if (label <= 0) label = p->label;
    cs.label = label;
    const int diag = res != NULL && p->additional_info; /* diagnostics rows wanted */

    /* loadImage: read both files (or take the volumes a read-ahead thread read, with its errors) */
    if (pre && pre->valid) {
        if (pre->img_err.status) { st = radx_seterr(err, pre->img_err.status, "%s", pre->img_err.msg); goto fail; }
        if (pre->msk_err.status) { st = radx_seterr(err, pre->msk_err.status, "%s", pre->msk_err.msg); goto fail; }
        cs.img = pre->img;
        cs.msk = pre->msk;
        memset(&pre->img, 0, sizeof pre->img); /* ownership moves to the case */
        memset(&pre->msk, 0, sizeof pre->msk);
    } else {
        st = radx_volume_read(ipath, &cs.img, err);
        if (st) goto fail;
        st = radx_volume_read(mpath, &cs.msk, err);
        if (st) goto fail;
    }
    nd = cs.img.g.ndim;

    /* getMask: cast to uint32, at least two values, label present; the same pass builds the
     * label map of the mask as read (lab_orig), used by the diagnostics and, when the mask is
     * neither resampled nor corrected, as the working label map */
    int64_t nm = radx_geom_nvox(&cs.msk.g);
    {
        int owned_mv = 0;
        const uint32_t *mv = mask_values(&cs.msk, &owned_mv);
        lab_orig = malloc((size_t)nm);
        if (!mv || !lab_orig) {
            if (owned_mv) free((void *)mv);
            st = radx_seterr(err, RADX_ERR_NOMEM, "%s: out of memory for the mask", mpath);
            goto fail;
        }
        uint32_t first = mv[0];
        int several = 0, found = 0;
        uint32_t others[8];
        int nothers = 0;
        for (int64_t i = 0; i < nm; i++) {
            uint32_t v = mv[i];
            lab_orig[i] = v == (uint32_t)label;
            if (v != first) several = 1;
            if (v == (uint32_t)label) found = 1;
            else if (v != 0 && nothers < 8) {
                int seen = 0;
                for (int k = 0; k < nothers; k++) seen |= others[k] == v;
                if (!seen) others[nothers++] = v;
            }
        }
        if (owned_mv) free((void *)mv);
        if (!several) {
            st = radx_seterr(err, RADX_ERR_LABEL, "%s: no labels found in the mask (every voxel is %u; nothing is segmented)", mpath, first);
            goto fail;
        }
        if (!found) {
            char lst[128] = "";
            size_t o = 0;
            for (int k = 0; k < nothers && o < sizeof lst; k++)
                o += (size_t)snprintf(lst + o, sizeof lst - o, "%s%u", k ? ", " : "", others[k]);
            st = radx_seterr(err, RADX_ERR_LABEL, "%s: label %d not present in the mask (labels present: %s)",
                             mpath, label, nothers ? lst : "none");
            goto fail;
        }
    }

    /* generalinfo: configuration, the image and the mask as read */
    if (diag) {
        box_of(lab_orig, &cs.msk.g, &box_orig);
        st = config_elements(p, res, err);
        if (!st) st = image_elements("original", &cs.img, nd, res, err);
        char hex[41];
        if (!st && radx_volume_sha1(&cs.msk, 1, hex) == RADX_OK &&
            radx_result_add_text(res, "diagnostics_Mask-original_Hash", hex))
            st = radx_seterr(err, RADX_ERR_NOMEM, "out of memory");
        if (!st) st = mask_elements("original", &cs.msk.g, lab_orig, &box_orig, NULL, nd, res, err);
        if (st) goto fail;
    }

    /* normalizeImage (whole image, before resampling) */
    if (p->normalize) {
        st = normalize_image(&cs.img, p, ipath, err);
        if (st) goto fail;
    }

    /* resampleImage (interpolator and resampledPixelSpacing both set) */
    int resampled = 0;
    if (p->has_resampled_spacing && p->interpolator[0]) {
        radx_volume ri, rm;
        const radx_backend_ops *ro = ops->resample ? ops : &radx_cpu_backend;
        st = ro->resample(ro == ops ? bctx : NULL, &cs.img, &cs.msk, p, (uint32_t)label, &ri, &rm, err);
        if (st) goto fail;
        radx_volume_free(&cs.img);
        radx_volume_free(&cs.msk);
        cs.img = ri;
        cs.msk = rm;
        resampled = 1;
    }
    cs.resampled = resampled;

    /* checkMask: geometry (LabelStatisticsImageFilter), with correctMask */
    st = check_geometry(&cs.img.g, &cs.msk.g, p, ipath, mpath, err);
    int64_t nvox = radx_geom_nvox(&cs.img.g);
    if (st == RADX_ERR_GEOMETRY && p->correct_mask) {
        st = correct_mask(&cs.img, &cs.msk, (uint32_t)label, mpath, &corrected, err);
        if (st) goto fail;
        cs.lab = malloc((size_t)nvox);
        if (!cs.lab) { st = radx_seterr(err, RADX_ERR_NOMEM, "%s: out of memory for the label map", mpath); goto fail; }
        for (int64_t i = 0; i < nvox; i++) cs.lab[i] = corrected[i] == (uint32_t)label;
    } else if (st) {
        goto fail;
    } else if (!resampled) {
        cs.lab = lab_orig; /* the mask as read is on the image grid */
        lab_orig = NULL;
    } else {
        int owned = 0;
        const uint32_t *mv = mask_values(&cs.msk, &owned);
        cs.lab = malloc((size_t)nvox);
        if (!mv || !cs.lab) {
            if (owned) free((void *)mv);
            st = radx_seterr(err, RADX_ERR_NOMEM, "%s: out of memory for the label map", mpath);
            goto fail;
        }
        for (int64_t i = 0; i < nvox; i++) cs.lab[i] = mv[i] == (uint32_t)label;
        if (owned) free((void *)mv);
    }
    free(lab_orig);
    lab_orig = NULL;
    box_of(cs.lab, &cs.img.g, &cs.box);
    st = check_roi(&cs.box, p, mpath, label, "", err);
    if (st) goto fail;
    if (resampled && diag) {
        st = image_elements("interpolated", &cs.img, nd, res, err);
        if (!st) st = mask_elements("interpolated", &cs.img.g, cs.lab, &cs.box, &cs.img, nd, res, err);
        if (st) goto fail;
    }
    if (corrected && diag) {
        st = mask_elements("corrected", &cs.img.g, cs.lab, &cs.box, &cs.img, nd, res, err);
        if (st) goto fail;
    }

    /* preCrop (without resampling): crop image and mask to the ROI box plus padDistance */
    if (!resampled && p->pre_crop) {
        int64_t lo[3], hi[3];
        for (int a = 0; a < 3; a++) {
            lo[a] = cs.box.lo[a] - p->pad_distance;
            hi[a] = cs.box.hi[a] + p->pad_distance;
            if (lo[a] < 0) lo[a] = 0;
            if (hi[a] > cs.img.g.size[a] - 1) hi[a] = cs.img.g.size[a] - 1;
        }
        const int64_t fx = cs.img.g.size[0], fy = cs.img.g.size[1];
        const int64_t nx = hi[0] - lo[0] + 1, ny = hi[1] - lo[1] + 1, nz = hi[2] - lo[2] + 1;
        uint8_t *nl = malloc((size_t)(nx * ny * nz));
        if (!nl) { st = radx_seterr(err, RADX_ERR_NOMEM, "out of memory cropping the mask"); goto fail; }
        for (int64_t k = 0; k < nz; k++)
            for (int64_t j = 0; j < ny; j++)
                memcpy(nl + nx * (j + ny * k), cs.lab + (lo[0] + fx * ((lo[1] + j) + fy * (lo[2] + k))), (size_t)nx);
        free(cs.lab);
        cs.lab = nl;
        radx_volume ci;
        st = crop_volume(&cs.img, lo, hi, &ci, err);
        if (st) goto fail;
        radx_volume_free(&cs.img);
        cs.img = ci;
        radx_volume_free(&cs.msk);
        st = lab_to_mask(cs.lab, &cs.img.g, (uint32_t)label, &cs.msk, err);
        if (st) goto fail;
        nvox = radx_geom_nvox(&cs.img.g);
        box_of(cs.lab, &cs.img.g, &cs.box);
    }

    /* resegmentMask */
    if (p->n_reseg_range > 0) {
        double th[2];
        int nth = p->n_reseg_range;
        double r0 = p->reseg_range[0], r1 = nth > 1 ? p->reseg_range[1] : 0;
        if (nth > 1 && r1 < r0) { double t = r0; r0 = r1; r1 = t; }
        double a = 1, c0 = 0;
        if (p->reseg_mode == RADX_RESEG_RELATIVE) {
            double mx = -INFINITY;
            for (int64_t i = 0; i < nvox; i++)
                if (cs.lab[i]) { double v = radx_volume_get(&cs.img, i); if (v > mx) mx = v; }
            a = mx;
        } else if (p->reseg_mode == RADX_RESEG_SIGMA) {
            radx_ksum ks = {0, 0};
            int64_t n = 0;
            for (int64_t i = 0; i < nvox; i++)
                if (cs.lab[i]) {
                    radx_kadd(&ks, radx_volume_get(&cs.img, i));
                    n++;
                }
            double mean = radx_kval(&ks) / (double)n, dv = 0;
            for (int64_t i = 0; i < nvox; i++)
                if (cs.lab[i]) { double d = radx_volume_get(&cs.img, i) - mean; dv += d * d; }
            c0 = mean;
            a = sqrt(dv / (double)n);
        }
        if (p->reseg_mode == RADX_RESEG_ABSOLUTE) { th[0] = r0; th[1] = r1; }
        else if (p->reseg_mode == RADX_RESEG_RELATIVE) { th[0] = a * r0; th[1] = a * r1; }
        else { th[0] = c0 + a * r0; th[1] = c0 + a * r1; }
        cs.lab_reseg = malloc((size_t)nvox);
        if (!cs.lab_reseg) { st = radx_seterr(err, RADX_ERR_NOMEM, "out of memory"); goto fail; }
        int64_t kept = 0;
        for (int64_t i = 0; i < nvox; i++) {
            uint8_t l = cs.lab[i];
            if (l) {
                double v = radx_volume_get(&cs.img, i);
                l = v >= th[0] && (nth < 2 || v <= th[1]);
            }
            cs.lab_reseg[i] = l;
            kept += l;
        }
        if (kept <= 1) {
            st = radx_seterr(err, RADX_ERR_ROI,
                             "%s: resegmentation (resegmentRange) kept %lld voxel(s) of label %d; cannot extract features",
                             mpath, (long long)kept, label);
            goto fail;
        }
        box_of(cs.lab_reseg, &cs.img.g, &cs.box2);
        st = check_roi(&cs.box2, p, mpath, label, "resegmented ", err);
        if (st) goto fail;
    }

    if (diag && cs.lab_reseg) {
        st = mask_elements("resegmented", &cs.img.g, cs.lab_reseg, &cs.box2, &cs.img, nd, res, err);
        if (st) goto fail;
    }

    free(corrected);
    *cs_out = cs;
    return RADX_OK;
fail:
    free(corrected);
    free(lab_orig);
    radx_case_free(&cs);
    return st;
}

/* defer: fn reads a filtered image only through backend ops (run_image_type), so a device
 * backend that can leave ranges on the device (materialize) filters into a held buffer of the
 * pipeline's and keeps the result there; otherwise each filtered image comes back whole. */
static radx_status for_each_image(const radx_case *cs, const radx_params *p, const radx_backend_ops *ops, void *bctx,
                                  const char *ipath, radx_image_type_fn fn, void *user, int defer, radx_err *err)
{
    radx_status st = RADX_OK;
    radx_volume filtered;
    memset(&filtered, 0, sizeof filtered);
    defer = defer && ops->materialize;
    const size_t fbytes = sizeof(float) * (size_t)radx_geom_nvox(&cs->img.g);
    /* every LoG sigma filters this image: a device backend uploads it once */
    const void *held = cs->img.data;
    radx_backend_hold(ops, bctx, held, radx_dtype_size(cs->img.dtype) * (size_t)radx_geom_nvox(&cs->img.g));
    /* image types, in the order the parameter file lists them; each with its own settings */
    for (int t = 0; t < (p->n_imtype_order ? p->n_imtype_order : 1); t++) {
        int it = p->n_imtype_order ? p->imtype_order[t] : RADX_IMG_ORIGINAL;
        if (!p->imtype[it].enabled) continue;
        radx_params q;
        memset(&q, 0, sizeof q);
        st = radx_params_for_imtype(&q, p, (radx_imtype)it, err);
        if (st) {
            radx_params_clear(&q);
            break; /* to the release below */
        }
        if (it == RADX_IMG_ORIGINAL) {
            st = fn(user, &cs->img, &q, "original", err);
        } else if (it == RADX_IMG_LOG) {
            const radx_imtype_sel *ls = &q.imtype[RADX_IMG_LOG];
            for (int k = 0; k < ls->n_sigma && !st; k++) {
                char prefix[96];
                log_prefix(prefix, sizeof prefix, ls->sigma_text[k]);
                const radx_backend_ops *lo = ops->log_filter ? ops : &radx_cpu_backend;
                void *buf = NULL;
                if (defer) { /* the filter's output: the pipeline's buffer, held while fn reads it */
                    buf = radx_backend_host_alloc(ops, bctx, fbytes);
                    if (!buf) {
                        st = radx_seterr(err, RADX_ERR_NOMEM, "out of memory for a filtered image");
                        break;
                    }
                    filtered.data = buf;
                    radx_backend_hold(ops, bctx, buf, fbytes);
                }
                st = lo->log_filter(lo == ops ? bctx : NULL, &cs->img, ls->sigma[k], (radx_log_mode)q.log_mode,
                                    &filtered, err);
                if (!st) {
                    st = fn(user, &filtered, &q, prefix, err);
                } else if (err) { /* name the image: the filter's message names sigma and sizes */
                    char m[RADX_ERR_LEN];
                    snprintf(m, sizeof m, "%s", err->msg);
                    radx_seterr(err, st, "%s: %s", ipath, m);
                }
                if (buf) {
                    radx_backend_release(ops, bctx, buf);
                    radx_backend_host_free(ops, bctx, buf);
                    memset(&filtered, 0, sizeof filtered);
                } else {
                    radx_volume_free(&filtered);
                }
            }
        } else {
            st = radx_seterr(err, RADX_ERR_UNSUPPORTED, "imageType '%s' is not implemented in radx %s yet",
                             radx_params_imtype_name((radx_imtype)it), RADX_VERSION_STRING);
        }
        radx_params_clear(&q);
        if (st) break;
    }
    radx_backend_release(ops, bctx, held);
    radx_volume_free(&filtered);
    return st;
}

radx_status radx_pipeline_for_each_image(const radx_case *cs, const radx_params *p,
                                         const radx_backend_ops *ops, void *bctx, const char *ipath,
                                         radx_image_type_fn fn, void *user, radx_err *err)
{
    return for_each_image(cs, p, ops, bctx, ipath, fn, user, 0, err);
}

/* ---- extract ------------------------------------------------------------------------------ */

typedef struct extract_ctx {
    const radx_backend_ops *ops;
    void *bctx;
    const uint8_t *feat_lab;
    const roi_box *feat_box;
    radx_result *res;
    const char *ipath;
} extract_ctx;

static radx_status extract_image_type(void *user, const radx_volume *img, const radx_params *q,
                                      const char *prefix, radx_err *err)
{
    const extract_ctx *x = user;
    return run_image_type(img, q, x->ops, x->bctx, prefix, x->feat_lab, x->feat_box, x->res, x->ipath, err);
}

radx_status radx_pipeline_run(const radx_params *p, const radx_backend_ops *ops, void *bctx,
                              const char *ipath, const char *mpath, int label,
                              radx_result **out, radx_err *err)
{
    return radx_pipeline_run_loaded(p, ops, bctx, ipath, mpath, NULL, label, out, err);
}

radx_status radx_pipeline_run_loaded(const radx_params *p, const radx_backend_ops *ops, void *bctx,
                                     const char *ipath, const char *mpath, radx_loaded *pre, int label,
                                     radx_result **out, radx_err *err)
{
    *out = NULL;
    case_state cs;
    radx_status st;
    radx_result *res = radx_result_new();
    if (!res) return radx_seterr(err, RADX_ERR_NOMEM, "out of memory");
    st = radx_pipeline_prepare_loaded(p, ops, bctx, ipath, mpath, pre, label, res, &cs, err);
    if (st) goto fail;

    const roi_box *shape_box, *feat_box;
    const uint8_t *shape_lab = radx_case_shape_mask(&cs, p, &shape_box);
    const uint8_t *feat_lab = radx_case_feature_mask(&cs, &feat_box);
    st = run_shape(&cs, p, ops, bctx, shape_lab, shape_box, res, err);
    if (st) goto fail;

    extract_ctx x = {ops, bctx, feat_lab, feat_box, res, ipath};
    st = for_each_image(&cs, p, ops, bctx, ipath, extract_image_type, &x, 1, err);
    if (st) goto fail;

    radx_case_free(&cs);
    *out = res;
    return RADX_OK;
fail:
    radx_case_free(&cs);
    radx_result_destroy(res);
    return st;
}
