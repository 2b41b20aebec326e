/* SPDX-License-Identifier: BSD-3-Clause */
/* A case made ready for extraction: PyRadiomics 3.0.1's RadiomicsFeatureExtractor.execute steps
 * loadImage (getMask, normalizeImage, resampleImage or preCrop), checkMask (geometry,
 * correctMask, the ROI checks) and resegmentMask, one function each, in that order
 * (radx_pipeline_prepare at the end).  The comments name the PyRadiomics function each step
 * reproduces; the diagnostics rows they add come from host/pipeline/diagnostics.c. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/dispatch.h"
#include "cpu/ibsi_resample.h"
#include "cpu/resample.h"
#include "io/io.h"
#include "pipeline/diagnostics.h"
#include "pipeline/pipeline.h"
#include "rules/kahan_sum.h"

/* sitk.Cast(mask, sitkUInt32) of one voxel: integers wrap modulo 2^32 (static_cast, taken on the
 * integer itself so that int64 labels beyond 2^53 keep their low bits), floats as radx_f64_to_u32. */
static uint32_t mask_u32(const radx_volume *m, int64_t i)
{
    if (m->dtype == RADX_DT_I64) return (uint32_t)(uint64_t)((const int64_t *)m->data)[i];
    if (m->dtype == RADX_DT_U64) return (uint32_t)((const uint64_t *)m->data)[i];
    return radx_f64_to_u32(radx_volume_get(m, i));
}

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
#define CONV(T, F)                                      \
    do {                                                \
        const T *d = (const T *)m->data;                \
        for (int64_t i = 0; i < n; i++) o[i] = F(d[i]); \
    } while (0)
#define WRAP(x) ((uint32_t)(uint64_t)(int64_t)(x))
    switch (m->dtype) {
    case RADX_DT_U8: CONV(uint8_t, WRAP); break;
    case RADX_DT_I8: CONV(int8_t, WRAP); break;
    case RADX_DT_U16: CONV(uint16_t, WRAP); break;
    case RADX_DT_I16: CONV(int16_t, WRAP); break;
    case RADX_DT_I32: CONV(int32_t, WRAP); break;
    case RADX_DT_U64: CONV(uint64_t, (uint32_t)); break;
    case RADX_DT_I64: CONV(int64_t, WRAP); break;
    case RADX_DT_F32: CONV(float, radx_f64_to_u32); break;
    case RADX_DT_F64: CONV(double, radx_f64_to_u32); break;
    default:
        for (int64_t i = 0; i < n; i++) o[i] = mask_u32(m, i);
    }
#undef WRAP
#undef CONV
    return o;
}

/* --- geometry check (ITK ImageToImageFilter::VerifyInputInformation, as LabelStatistics) ---- */

static radx_status check_geometry(const radx_geom *gi, const radx_geom *gm, const radx_params *p, const char *ipath,
                                  const char *mpath, radx_err *err)
{
    if (gi->ndim != gm->ndim)
        return radx_seterr(err, RADX_ERR_GEOMETRY, "%s: mask is %d-D but image %s is %d-D", mpath, gm->ndim, ipath,
                           gi->ndim);
    for (int k = 0; k < 3; k++)
        if (gi->size[k] != gm->size[k])
            return radx_seterr(err, RADX_ERR_GEOMETRY,
                               "%s: mask size %lldx%lldx%lld differs from image %s size %lldx%lldx%lld "
                               "(set correctMask: True to resample the mask onto the image grid)",
                               mpath, (long long)gm->size[0], (long long)gm->size[1], (long long)gm->size[2], ipath,
                               (long long)gi->size[0], (long long)gi->size[1], (long long)gi->size[2]);
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
static radx_status correct_mask(const radx_volume *img, const radx_volume *msk, uint32_t label, const char *mpath,
                                uint32_t **out, radx_err *err)
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

static void box_of(const uint8_t *lab, const radx_geom *g, radx_roi_box *b)
{
    for (int a = 0; a < 3; a++) {
        b->lo[a] = INT64_MAX;
        b->hi[a] = -1;
    }
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
static radx_status check_roi(const radx_roi_box *b, const radx_params *p, const char *mpath, int label,
                             const char *what, radx_err *err)
{
    if (b->n == 0) return radx_seterr(err, RADX_ERR_ROI, "%s: %sROI with label %d is empty", mpath, what, label);
    int ndims = 0;
    for (int a = 0; a < 3; a++) ndims += (b->hi[a] - b->lo[a] + 1) > 1;
    if (ndims == 0)
        return radx_seterr(err, RADX_ERR_ROI, "%s: %sROI with label %d is a single voxel; cannot extract features",
                           mpath, what, label);
    if (ndims < p->minimum_roi_dimensions)
        return radx_seterr(err, RADX_ERR_ROI,
                           "%s: %sROI with label %d spans %d dimension(s), minimumROIDimensions is %d", mpath, what,
                           label, ndims, p->minimum_roi_dimensions);
    if (p->has_minimum_roi_size && b->n <= p->minimum_roi_size)
        return radx_seterr(err, RADX_ERR_ROI,
                           "%s: %sROI with label %d has %lld voxels, minimumROISize requires more than %lld", mpath,
                           what, label, (long long)b->n, (long long)p->minimum_roi_size);
    return RADX_OK;
}

/* Crops the box of `lab` into a numpy-ordered ROI mask (pipeline.h). */
radx_status radx_pipeline_crop_box(const radx_geom *g, const uint8_t *lab, const radx_roi_box *b, int64_t dims_zyx[3],
                                   uint8_t **roi_out, radx_err *err)
{
    const int64_t nx = b->hi[0] - b->lo[0] + 1, ny = b->hi[1] - b->lo[1] + 1, nz = b->hi[2] - b->lo[2] + 1;
    dims_zyx[0] = nz;
    dims_zyx[1] = ny;
    dims_zyx[2] = nx;
    uint8_t *roi = malloc((size_t)(nx * ny * nz));
    if (!roi)
        return radx_seterr(err, RADX_ERR_NOMEM, "out of memory for a %lldx%lldx%lld ROI box", (long long)nx,
                           (long long)ny, (long long)nz);
    for (int64_t k = 0; k < nz; k++)
        for (int64_t j = 0; j < ny; j++) {
            const uint8_t *src = lab + b->lo[0] + g->size[0] * ((b->lo[1] + j) + g->size[1] * (b->lo[2] + k));
            uint8_t *dst = roi + nx * (j + ny * k);
            for (int64_t i = 0; i < nx; i++) dst[i] = src[i] ? 1 : 0;
        }
    *roi_out = roi;
    return RADX_OK;
}

/* A sub-volume [lo, hi] (inclusive, x y z) of v with its geometry (cropToTumorMask). */
static radx_status crop_volume(const radx_volume *v, const int64_t lo[3], const int64_t hi[3], radx_volume *out,
                               radx_err *err)
{
    memset(out, 0, sizeof *out);
    out->g = v->g;
    out->dtype = v->dtype;
    for (int a = 0; a < 3; a++) out->g.size[a] = hi[a] - lo[a] + 1;
    double l[3] = {(double)lo[0], (double)lo[1], (double)lo[2]};
    radx_geom_index_to_physical(&v->g, l, out->g.origin);
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

/* Wraps a uint8 label map as a U32 mask volume on grid g (label where set, 0 elsewhere). */
static radx_status lab_to_mask(const uint8_t *lab, const radx_geom *g, uint32_t label, radx_volume *out, radx_err *err)
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

/* ---- the working image and mask: borrowed from the caller until a step replaces them ---- */

static void set_image(radx_case *cs, radx_volume v)
{
    if (cs->img_owned) radx_volume_free(&cs->img);
    cs->img = v;
    cs->img_owned = 1;
}

static void set_mask(radx_case *cs, radx_volume v)
{
    if (cs->msk_owned) radx_volume_free(&cs->msk);
    cs->msk = v;
    cs->msk_owned = 1;
}

void radx_case_free(radx_case *cs)
{
    if (!cs) return;
    free(cs->lab);
    free(cs->lab_reseg);
    if (cs->img_owned) radx_volume_free(&cs->img);
    if (cs->msk_owned) radx_volume_free(&cs->msk);
    memset(cs, 0, sizeof *cs);
}

const uint8_t *radx_case_feature_mask(const radx_case *cs, const radx_params *p, const radx_roi_box **box)
{
    if (cs->lab_reseg && p->ibsi_morph_mask) {
        *box = &cs->box_wide;
        return cs->lab_reseg;
    }
    if (cs->lab_reseg) {
        *box = &cs->box2;
        return cs->lab_reseg;
    }
    *box = &cs->box;
    return cs->lab;
}

const uint8_t *radx_case_morph_mask(const radx_case *cs, const radx_params *p)
{
    return cs->lab_reseg && p->ibsi_morph_mask ? cs->lab : NULL;
}

const uint8_t *radx_case_shape_mask(const radx_case *cs, const radx_params *p, const radx_roi_box **box)
{
    if (p->ibsi_morph_mask) {
        *box = &cs->box;
        return cs->lab;
    }
    if (cs->lab_reseg && p->reseg_shape) {
        *box = &cs->box2;
        return cs->lab_reseg;
    }
    *box = cs->lab_reseg ? &cs->box_shape : &cs->box;
    return cs->lab;
}

/* The box b with the voxels of lab inside it counted. */
static radx_roi_box count_in_box(const uint8_t *lab, const radx_geom *g, radx_roi_box b)
{
    b.n = 0;
    for (int64_t z = b.lo[2]; z <= b.hi[2]; z++)
        for (int64_t y = b.lo[1]; y <= b.hi[1]; y++) {
            const uint8_t *row = lab + (z * g->size[1] + y) * g->size[0];
            for (int64_t x = b.lo[0]; x <= b.hi[0]; x++) b.n += row[x] != 0;
        }
    return b;
}

/* ---- the steps ---- */

/* What every step reads. */
typedef struct prep {
    const radx_params *p;
    const char *ipath, *mpath;
    int label;
    int nd;            /* the image's dimensions as stored */
    radx_result *diag; /* diagnostics rows wanted there, or NULL */
} prep;

/* The labels of a mask, for getMask's messages. */
typedef struct mask_labels {
    uint32_t first;
    int several, found;
    uint32_t others[8]; /* labels other than 0 and the label, the first 8 */
    int nothers;
} mask_labels;

static void note_label(mask_labels *m, uint32_t v, uint32_t label)
{
    if (v != m->first) m->several = 1;
    if (v == label) {
        m->found = 1;
    } else if (v != 0 && m->nothers < 8) {
        int seen = 0;
        for (int k = 0; k < m->nothers; k++) seen |= m->others[k] == v;
        if (!seen) m->others[m->nothers++] = v;
    }
}

/* imageoperations.getMask: cast to uint32, at least two values, the label present.  The same pass
 * builds the label map of the mask as read (*lab_orig), which the diagnostics use, and the
 * working label map when the mask is neither resampled nor corrected. */
static radx_status get_mask(const radx_case *cs, const prep *pr, uint8_t **lab_orig, radx_err *err)
{
    const int64_t nm = radx_geom_nvox(&cs->msk.g);
    int owned = 0;
    const uint32_t *mv = mask_values(&cs->msk, &owned);
    uint8_t *lab = malloc((size_t)nm);
    if (!mv || !lab) {
        if (owned) free((void *)mv);
        free(lab);
        return radx_seterr(err, RADX_ERR_NOMEM, "%s: out of memory for the mask", pr->mpath);
    }
    mask_labels m;
    memset(&m, 0, sizeof m);
    m.first = mv[0];
    for (int64_t i = 0; i < nm; i++) {
        lab[i] = mv[i] == (uint32_t)pr->label;
        note_label(&m, mv[i], (uint32_t)pr->label);
    }
    if (owned) free((void *)mv);
    *lab_orig = lab;
    if (!m.several)
        return radx_seterr(err, RADX_ERR_LABEL,
                           "%s: no labels found in the mask (every voxel is %u; nothing is segmented)", pr->mpath,
                           m.first);
    if (!m.found) {
        char lst[128] = "";
        size_t o = 0;
        for (int k = 0; k < m.nothers && o < sizeof lst; k++)
            o += (size_t)snprintf(lst + o, sizeof lst - o, "%s%u", k ? ", " : "", m.others[k]);
        return radx_seterr(err, RADX_ERR_LABEL, "%s: label %d not present in the mask (labels present: %s)", pr->mpath,
                           pr->label, m.nothers ? lst : "none");
    }
    return RADX_OK;
}

/* generalinfo: configuration, the image and the mask as read. */
static radx_status diagnose_as_read(const radx_case *cs, const prep *pr, const uint8_t *lab_orig, radx_err *err)
{
    radx_roi_box box_orig;
    box_of(lab_orig, &cs->msk.g, &box_orig);
    radx_status st = radx_diag_config(pr->p, pr->label, pr->diag, err);
    if (!st) st = radx_diag_image("original", &cs->img, pr->nd, pr->diag, err);
    char hex[41];
    if (!st && radx_volume_sha1(&cs->msk, 1, hex) == RADX_OK &&
        radx_result_add_text(pr->diag, "diagnostics_Mask-original_Hash", hex))
        st = radx_seterr(err, RADX_ERR_NOMEM, "out of memory");
    if (!st) st = radx_diag_mask("original", &cs->msk.g, lab_orig, &box_orig, NULL, pr->nd, pr->diag, err);
    return st;
}

/* imageoperations.normalizeImage: sitk.Normalize over the whole image (mean, sample standard
 * deviation; output float64), then removeOutliers clipping, then * normalizeScale. */
static radx_status normalize_image(radx_case *cs, const prep *pr, radx_err *err)
{
    const radx_params *p = pr->p;
    const radx_volume *img = &cs->img;
    const int64_t nvox = radx_geom_nvox(&img->g);
    radx_ksum ks = {0, 0}, kss = {0, 0};
    for (int64_t i = 0; i < nvox; i++) {
        const double v = radx_volume_get(img, i);
        radx_kadd(&ks, v);
        radx_kadd(&kss, v * v);
    }
    const double s = radx_kval(&ks), ss = radx_kval(&kss);
    const double mean = s / (double)nvox;
    const double var = (ss - s * s / (double)nvox) / (double)(nvox - 1);
    if (!(var > 0))
        return radx_seterr(err, RADX_ERR_VALUE, "%s: normalize: the image is constant (standard deviation 0)",
                           pr->ipath);
    const double scale = 1.0 / sqrt(var);
    double *d = malloc(sizeof *d * (size_t)nvox);
    if (!d) return radx_seterr(err, RADX_ERR_NOMEM, "%s: out of memory normalising the image", pr->ipath);
    for (int64_t i = 0; i < nvox; i++) {
        /* ITK ShiftScale: (v + shift) * scale with shift = -mean, scale = 1/sigma */
        double v = (radx_volume_get(img, i) + (-mean)) * scale;
        if (p->has_remove_outliers) {
            if (v > p->remove_outliers) v = p->remove_outliers;
            if (v < -p->remove_outliers) v = -p->remove_outliers;
        }
        d[i] = v * p->normalize_scale;
    }
    radx_volume nv = {img->g, RADX_DT_F64, d, 0};
    set_image(cs, nv);
    return RADX_OK;
}

/* imageoperations.resampleImage (interpolator and resampledPixelSpacing both set). */
static radx_status resample_case(radx_case *cs, const prep *pr, const radx_be *be, radx_err *err)
{
    radx_volume ri, rm;
    radx_status st = radx_op_resample(be, &cs->img, &cs->msk, pr->p, (uint32_t)pr->label, &ri, &rm, err);
    if (st) return st;
    set_image(cs, ri);
    set_mask(cs, rm);
    cs->resampled = 1;
    return RADX_OK;
}

/* ibsiInterpolation: image and mask on IBSI's grid (host/cpu/ibsi_resample.c), the mask thresholded
 * and given the label again. */
static radx_status ibsi_resample_case(radx_case *cs, const prep *pr, radx_err *err)
{
    const radx_params *p = pr->p;
    radx_ibsi_resample_opts o;
    radx_ibsi_resample_opts_default(&o);
    memcpy(o.spacing, p->resampled_spacing, sizeof o.spacing);
    if (!strcmp(p->interpolator, "sitkNearestNeighbor"))
        o.image_interp = RADX_IBSI_INTERP_NEAREST;
    else if (!strcmp(p->interpolator, "sitkLinear"))
        o.image_interp = RADX_IBSI_INTERP_LINEAR;
    else if (!strcmp(p->interpolator, "sitkBSpline"))
        o.image_interp = RADX_IBSI_INTERP_BSPLINE3;
    else
        return radx_seterr(err, RADX_ERR_PARAM,
                           "setting 'interpolator': '%s' has no IBSI interpolation (ibsiInterpolation takes "
                           "sitkNearestNeighbor, sitkLinear or sitkBSpline)",
                           p->interpolator);
    o.mask_threshold = p->ibsi_mask_threshold;
    o.round_intensities = p->ibsi_round_intensities;
    radx_volume ri, rm;
    radx_status st = radx_ibsi_resample(&cs->img, &cs->msk, (uint32_t)pr->label, &o, &ri, &rm, err);
    if (st) return st;
    const int64_t n = radx_geom_nvox(&rm.g);
    uint32_t *m = malloc((size_t)n * sizeof *m);
    if (!m) {
        radx_volume_free(&ri);
        radx_volume_free(&rm);
        return radx_seterr(err, RADX_ERR_NOMEM, "%s: out of memory for the interpolated mask", pr->mpath);
    }
    for (int64_t i = 0; i < n; i++) m[i] = ((const uint8_t *)rm.data)[i] ? (uint32_t)pr->label : 0u;
    radx_volume_free(&rm);
    radx_volume mv = {ri.g, RADX_DT_U32, m, 0};
    set_image(cs, ri);
    set_mask(cs, mv);
    cs->resampled = 1;
    return RADX_OK;
}

/* lab[i] = (mask value i == label) for the n voxels of m. */
static radx_status label_map_of(const radx_volume *m, uint32_t label, const char *mpath, uint8_t **lab, radx_err *err)
{
    const int64_t n = radx_geom_nvox(&m->g);
    int owned = 0;
    const uint32_t *mv = mask_values(m, &owned);
    *lab = malloc((size_t)n);
    if (mv && *lab)
        for (int64_t i = 0; i < n; i++) (*lab)[i] = mv[i] == label;
    if (owned) free((void *)mv);
    if (!mv || !*lab) return radx_seterr(err, RADX_ERR_NOMEM, "%s: out of memory for the label map", mpath);
    return RADX_OK;
}

/* checkMask: the geometry (LabelStatisticsImageFilter), with correctMask, and the working label
 * map on the image grid (*lab_orig is taken when it is that map); *corrected = 1 when the mask
 * was corrected. */
static radx_status check_mask(radx_case *cs, const prep *pr, uint8_t **lab_orig, int *corrected, radx_err *err)
{
    const radx_params *p = pr->p;
    radx_status st = check_geometry(&cs->img.g, &cs->msk.g, p, pr->ipath, pr->mpath, err);
    *corrected = 0;
    if (st == RADX_ERR_GEOMETRY && p->correct_mask) {
        uint32_t *cm = NULL;
        st = correct_mask(&cs->img, &cs->msk, (uint32_t)pr->label, pr->mpath, &cm, err);
        if (st) return st;
        radx_volume v = {cs->img.g, RADX_DT_U32, cm, 0};
        st = label_map_of(&v, (uint32_t)pr->label, pr->mpath, &cs->lab, err);
        free(cm);
        *corrected = 1;
    } else if (!st && !cs->resampled) {
        cs->lab = *lab_orig; /* the mask as read is on the image grid */
        *lab_orig = NULL;
    } else if (!st) {
        st = label_map_of(&cs->msk, (uint32_t)pr->label, pr->mpath, &cs->lab, err);
    }
    if (st) return st;
    box_of(cs->lab, &cs->img.g, &cs->box);
    return check_roi(&cs->box, p, pr->mpath, pr->label, "", err);
}

/* generalinfo after checkMask: the resampled image and mask, or the corrected mask. */
static radx_status diagnose_checked(const radx_case *cs, const prep *pr, int corrected, radx_err *err)
{
    radx_status st = RADX_OK;
    if (cs->resampled) {
        st = radx_diag_image("interpolated", &cs->img, pr->nd, pr->diag, err);
        if (!st) st = radx_diag_mask("interpolated", &cs->img.g, cs->lab, &cs->box, &cs->img, pr->nd, pr->diag, err);
    }
    if (!st && corrected)
        st = radx_diag_mask("corrected", &cs->img.g, cs->lab, &cs->box, &cs->img, pr->nd, pr->diag, err);
    return st;
}

/* preCrop (without resampling): image and mask cropped to the ROI box plus padDistance. */
static radx_status pre_crop(radx_case *cs, const prep *pr, radx_err *err)
{
    int64_t lo[3], hi[3];
    for (int a = 0; a < 3; a++) {
        lo[a] = cs->box.lo[a] - pr->p->pad_distance;
        hi[a] = cs->box.hi[a] + pr->p->pad_distance;
        if (lo[a] < 0) lo[a] = 0;
        if (hi[a] > cs->img.g.size[a] - 1) hi[a] = cs->img.g.size[a] - 1;
    }
    const int64_t fx = cs->img.g.size[0], fy = cs->img.g.size[1];
    const int64_t nx = hi[0] - lo[0] + 1, ny = hi[1] - lo[1] + 1, nz = hi[2] - lo[2] + 1;
    uint8_t *nl = malloc((size_t)(nx * ny * nz));
    if (!nl) return radx_seterr(err, RADX_ERR_NOMEM, "out of memory cropping the mask");
    for (int64_t k = 0; k < nz; k++)
        for (int64_t j = 0; j < ny; j++)
            memcpy(nl + nx * (j + ny * k), cs->lab + (lo[0] + fx * ((lo[1] + j) + fy * (lo[2] + k))), (size_t)nx);
    free(cs->lab);
    cs->lab = nl;
    radx_volume ci, cm;
    radx_status st = crop_volume(&cs->img, lo, hi, &ci, err);
    if (st) return st;
    set_image(cs, ci);
    st = lab_to_mask(cs->lab, &cs->img.g, (uint32_t)pr->label, &cm, err);
    if (st) return st;
    set_mask(cs, cm);
    box_of(cs->lab, &cs->img.g, &cs->box);
    return RADX_OK;
}

/* Mean and population standard deviation of the image over the voxels of lab; 0 voxels: NaN. */
static void roi_mean_sd(const radx_case *cs, const uint8_t *lab, double *mean, double *sd)
{
    const int64_t nvox = radx_geom_nvox(&cs->img.g);
    radx_ksum ks = {0, 0};
    int64_t n = 0;
    for (int64_t i = 0; i < nvox; i++)
        if (lab[i]) {
            radx_kadd(&ks, radx_volume_get(&cs->img, i));
            n++;
        }
    *mean = radx_kval(&ks) / (double)n;
    double dv = 0;
    for (int64_t i = 0; i < nvox; i++)
        if (lab[i]) {
            const double d = radx_volume_get(&cs->img, i) - *mean;
            dv += d * d;
        }
    *sd = sqrt(dv / (double)n);
}

/* resegmentMask's thresholds th[0..nth): resegmentRange, relative to the ROI's largest value
 * (relative) or to its mean and standard deviation (sigma). */
static int reseg_thresholds(const radx_case *cs, const radx_params *p, double th[2])
{
    const int64_t nvox = radx_geom_nvox(&cs->img.g);
    const int nth = p->n_reseg_range;
    double r0 = p->reseg_range[0], r1 = nth > 1 ? p->reseg_range[1] : 0;
    if (nth > 1 && r1 < r0) {
        const double t = r0;
        r0 = r1;
        r1 = t;
    }
    double a = 1, c0 = 0;
    if (p->reseg_mode == RADX_RESEG_RELATIVE) {
        double mx = -INFINITY;
        for (int64_t i = 0; i < nvox; i++)
            if (cs->lab[i]) {
                const double v = radx_volume_get(&cs->img, i);
                if (v > mx) mx = v;
            }
        a = mx;
    } else if (p->reseg_mode == RADX_RESEG_SIGMA) {
        roi_mean_sd(cs, cs->lab, &c0, &a);
    }
    if (p->reseg_mode == RADX_RESEG_ABSOLUTE) {
        th[0] = r0;
        th[1] = r1;
    } else if (p->reseg_mode == RADX_RESEG_RELATIVE) {
        th[0] = a * r0;
        th[1] = a * r1;
    } else {
        th[0] = c0 + a * r0;
        th[1] = c0 + a * r1;
    }
    return nth;
}

/* IBSI's outlier filtering after the range: the ROI voxels outside mean +- k sigma (population
 * standard deviation) of the ROI's values leave it.  Returns the voxels kept. */
static int64_t remove_outliers(radx_case *cs, double k)
{
    const int64_t nvox = radx_geom_nvox(&cs->img.g);
    int64_t kept = 0;
    double mean, sd;
    roi_mean_sd(cs, cs->lab_reseg, &mean, &sd);
    const double lo = mean - k * sd, hi = mean + k * sd; /* NaN for an empty ROI: none kept */
    for (int64_t i = 0; i < nvox; i++) {
        if (!cs->lab_reseg[i]) continue;
        const double v = radx_volume_get(&cs->img, i);
        cs->lab_reseg[i] = v >= lo && v <= hi;
        kept += cs->lab_reseg[i];
    }
    return kept;
}

/* imageoperations.resegmentMask: the ROI voxels whose values lie in the thresholds. */
static radx_status resegment(radx_case *cs, const prep *pr, radx_err *err)
{
    const int64_t nvox = radx_geom_nvox(&cs->img.g);
    double th[2];
    const int nth = reseg_thresholds(cs, pr->p, th);
    cs->lab_reseg = malloc((size_t)nvox);
    if (!cs->lab_reseg) return radx_seterr(err, RADX_ERR_NOMEM, "out of memory");
    int64_t kept = 0;
    for (int64_t i = 0; i < nvox; i++) {
        uint8_t l = cs->lab[i];
        if (l && nth > 0) {
            const double v = radx_volume_get(&cs->img, i);
            l = v >= th[0] && (nth < 2 || v <= th[1]);
        }
        cs->lab_reseg[i] = l;
        kept += l;
    }
    if (pr->p->ibsi_outlier_sigma > 0) kept = remove_outliers(cs, pr->p->ibsi_outlier_sigma);
    if (kept <= 1)
        return radx_seterr(
            err, RADX_ERR_ROI,
            "%s: resegmentation (resegmentRange) kept %lld voxel(s) of label %d; cannot extract features", pr->mpath,
            (long long)kept, pr->label);
    box_of(cs->lab_reseg, &cs->img.g, &cs->box2);
    cs->box_shape = count_in_box(cs->lab, &cs->img.g, cs->box2);
    cs->box_wide = count_in_box(cs->lab_reseg, &cs->img.g, cs->box);
    radx_status st = check_roi(&cs->box2, pr->p, pr->mpath, pr->label, "resegmented ", err);
    if (!st && pr->diag)
        st = radx_diag_mask("resegmented", &cs->img.g, cs->lab_reseg, &cs->box2, &cs->img, pr->nd, pr->diag, err);
    return st;
}

/* The case's memory, estimated from the mask's ROI box before the steps that allocate. */
static radx_status check_memory(radx_case *cs, const prep *pr, const uint8_t *lab_orig, radx_err *err)
{
    radx_roi_box b;
    box_of(lab_orig, &cs->msk.g, &b);
    return radx_pipeline_check_memory(pr->p, &cs->img, pr->ipath, &cs->msk, &b, 0.0, &cs->mem_bytes, err);
}

radx_status radx_pipeline_prepare(const radx_params *p, const radx_be *be, const radx_volume *img, const char *ipath,
                                  const radx_volume *msk, const char *mpath, int label, radx_result *res, radx_case *cs,
                                  radx_err *err)
{
    memset(cs, 0, sizeof *cs);
    cs->img = *img;
    cs->msk = *msk;
    cs->label = label > 0 ? label : p->label;
    prep pr = {p, ipath, mpath, cs->label, img->g.ndim, res && p->additional_info ? res : NULL};
    uint8_t *lab_orig = NULL;
    int corrected = 0;
    radx_status st = get_mask(cs, &pr, &lab_orig, err);
    if (!st) st = check_memory(cs, &pr, lab_orig, err);
    if (!st && pr.diag) st = diagnose_as_read(cs, &pr, lab_orig, err);
    if (!st && p->normalize) st = normalize_image(cs, &pr, err);
    if (!st && p->has_resampled_spacing && p->interpolator[0])
        st = p->ibsi_interpolation ? ibsi_resample_case(cs, &pr, err) : resample_case(cs, &pr, be, err);
    if (!st) st = check_mask(cs, &pr, &lab_orig, &corrected, err);
    free(lab_orig);
    if (!st && pr.diag) st = diagnose_checked(cs, &pr, corrected, err);
    if (!st && !cs->resampled && p->pre_crop) st = pre_crop(cs, &pr, err);
    if (!st && (p->n_reseg_range > 0 || p->ibsi_outlier_sigma > 0)) st = resegment(cs, &pr, err);
    if (st) radx_case_free(cs);
    return st;
}
