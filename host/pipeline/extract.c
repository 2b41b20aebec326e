/* SPDX-License-Identifier: BSD-3-Clause */
/* Features of a prepared case (host/pipeline/case.c): shape once, then per image type (the
 * original image, each LoG sigma) the ROI values, their levels, first order and the texture
 * classes, as PyRadiomics' RadiomicsFeatureExtractor.execute computes them.  Every step runs
 * through the plan's backend (host/backend/dispatch.h); the host reads only the ROI values'
 * statistics and the features. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/dispatch.h"
#include "cpu/separable_filter.h" /* radx_laws_spec_make */
#include "rules/log_transfer.h"   /* radx_log_boundary */
#include "io/io.h"
#include "params/params.h"
#include "features/discretise.h"
#include "pipeline/pipeline.h"
#include "features/features.h"
#include "features/ibsi_morph.h"
#include "features/ibsi_texture.h"

typedef radx_roi_box roi_box;
typedef radx_case case_state;

/* IBSI-1's aggregation of a texture class computed the PyRadiomics way (NULL: not a texture class
 * IBSI tabulates, or no aggregation). */
static const char *pyradiomics_aggregation(radx_class c, const radx_params *p)
{
    switch (c) {
    case RADX_CLASS_GLCM:
    case RADX_CLASS_GLRLM: return p->force2d ? "2.5D, direction-merged" : "3D, averaged";
    case RADX_CLASS_GLSZM:
    case RADX_CLASS_NGTDM: return p->force2d ? "2.5D" : "3D";
    default: return NULL;
    }
}

/* The IBSI key of feature f of class c ("Fcm.joint.max|3D, averaged", "log-sigma-1-mm-3D:Fstat.mean")
 * into buf, or NULL when f has none (non-excess kurtosis is not IBSI's). */
static const char *ibsi_key(char *buf, size_t len, const char *prefix, radx_class c, const radx_feature_info *f,
                            const radx_params *p, radx_aggregation agg)
{
    if (!f->ibsi) return NULL;
    if (c == RADX_CLASS_FIRSTORDER && !strcmp(f->name, "Kurtosis") && !p->ibsi_kurtosis_excess) return NULL;
    const char *at = agg != RADX_AGG_PYRADIOMICS ? radx_aggregation_ibsi(agg) : pyradiomics_aggregation(c, p);
    const int original = !strcmp(prefix, "original");
    snprintf(buf, len, "%s%s%s%s%s", original ? "" : prefix, original ? "" : ":", f->ibsi, at ? "|" : "", at ? at : "");
    return buf;
}

/* 1 when feature i of the table is reported: by the class's selection, deprecated ones only when
 * named and never those PyRadiomics cannot report; under an IBSI aggregation the features with an
 * IBSI tag. */
static int reported(const radx_class_sel *sel, const radx_feature_info *tab, int i, int ibsi)
{
    if (ibsi && !tab[i].ibsi) return 0;
    if (sel->all || sel->n == 0) return ibsi || !tab[i].deprecated;
    for (int k = 0; k < sel->n; k++)
        if (!strcmp(tab[i].name, sel->names[k])) return ibsi || tab[i].deprecated != 2;
    return 0;
}

/* Adds the enabled features of one class, computed into vals[], to the result: names
 * "<prefix>_<class>_<Feature>", with "_<aggregation>" when suffixed (textureAggregation). */
static radx_status emit_class(radx_result *res, const char *prefix, radx_class c, const radx_params *p,
                              const double *vals, radx_aggregation agg, int suffixed)
{
    const radx_feature_info *tab;
    int nf;
    radx_class_table(c, &tab, &nf);
    const radx_class_sel *sel = &p->cls[c];
    const int ibsi = agg != RADX_AGG_PYRADIOMICS;
    char name[256], key[256];
    /* file order of the named features (duplicates once), else the table's */
    const int named = !(sel->all || sel->n == 0);
    for (int k = 0; k < (named ? sel->n : nf); k++) {
        int dup = 0;
        for (int j = 0; named && j < k; j++) dup |= strcmp(sel->names[j], sel->names[k]) == 0;
        for (int i = 0; i < nf && !dup; i++) {
            if ((named && strcmp(tab[i].name, sel->names[k])) || (!named && i != k)) continue;
            if (!reported(sel, tab, i, ibsi)) continue;
            snprintf(name, sizeof name, "%s_%s_%s%s%s", prefix, radx_class_name(c), tab[i].name, suffixed ? "_" : "",
                     suffixed ? radx_aggregation_suffix(agg) : "");
            const char *ik = ibsi_key(key, sizeof key, prefix, c, &tab[i], p, agg);
            if (radx_result_add_feature(res, name, ik, vals[i])) return RADX_ERR_NOMEM;
        }
    }
    return RADX_OK;
}

/* ibsiPCA: the axis lengths (4 sqrt of the covariance's eigenvalues) with the covariance over
 * N - 1 voxels instead of N; elongation and flatness, ratios, do not change. */
static void ibsi_axis_lengths(double *shape, int64_t n)
{
    const double f = sqrt((double)n / (double)(n - 1));
    shape[4] *= f;  /* LeastAxisLength */
    shape[5] *= f;  /* MajorAxisLength */
    shape[11] *= f; /* MinorAxisLength */
}

static radx_status run_shape(const case_state *cs, const radx_params *p, const radx_be *be, const uint8_t *lab,
                             const roi_box *b, radx_result *res, radx_err *err)
{
    int want3 = p->cls[RADX_CLASS_SHAPE].enabled, want2 = p->cls[RADX_CLASS_SHAPE2D].enabled;
    if (!want3 && !want2) return RADX_OK;
    const radx_geom *g = &cs->img.g;
    radx_box_bufs in;
    memset(&in, 0, sizeof in);
    uint8_t *roi = NULL;
    radx_status st = radx_pipeline_crop_box(g, lab, b, in.dims_zyx, &roi, err);
    if (st) return st;
    const int64_t nbox = in.dims_zyx[0] * in.dims_zyx[1] * in.dims_zyx[2];
    in.roi = radx_buf_wrap(be, roi, (size_t)nbox);
    if (!in.roi) {
        free(roi);
        return radx_seterr(err, RADX_ERR_NOMEM, "out of memory for the ROI box");
    }
    in.n_roi = b->n;
    in.spacing_zyx[0] = g->spacing[2];
    in.spacing_zyx[1] = g->spacing[1];
    in.spacing_zyx[2] = g->spacing[0];
    double vals[64];
    if (want3 && g->ndim == 3) {
        st = radx_op_shape(be, RADX_CLASS_SHAPE, &in, p, vals, err);
        if (!st && p->ibsi_pca && b->n > 1) ibsi_axis_lengths(vals, b->n);
        if (!st) st = emit_class(res, "original", RADX_CLASS_SHAPE, p, vals, RADX_AGG_PYRADIOMICS, 0);
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
        st = radx_op_shape(be, RADX_CLASS_SHAPE2D, &in, pp, vals, err);
        if (!st) st = emit_class(res, "original", RADX_CLASS_SHAPE2D, p, vals, RADX_AGG_PYRADIOMICS, 0);
    }
    radx_buf_free(be, in.roi);
    free(roi);
    return st;
}

/* The buffers of one image type: the ROI box's mask, the ROI values, their levels and the level
 * box, which first order and every texture class read. */
typedef struct image_type_bufs {
    uint8_t *roi_host, *morph_host; /* morph_host: the morphological mask's box, NULL when it is roi */
    int64_t n_morph;
    radx_buf *roi, *x, *gl, *glbox, *morph;
} image_type_bufs;

static void image_type_bufs_free(const radx_be *be, image_type_bufs *t)
{
    radx_buf_free(be, t->roi);
    radx_buf_free(be, t->x);
    radx_buf_free(be, t->gl);
    radx_buf_free(be, t->glbox);
    radx_buf_free(be, t->morph);
    free(t->roi_host);
    free(t->morph_host);
}

/* "<ipath>: N NaN or infinite voxel(s) inside the ROI[ of image type T], first at index (i, j, k)" */
static radx_status nonfinite_error(const radx_roi_stats *rs, const int64_t dims_zyx[3], const roi_box *b,
                                   const char *prefix, const char *ipath, radx_err *err)
{
    const int64_t nx = dims_zyx[2], ny = dims_zyx[1], fb = rs->first_nonfinite;
    const int other = strcmp(prefix, "original") != 0;
    return radx_seterr(err, RADX_ERR_VALUE,
                       "%s: %lld NaN or infinite voxel(s) inside the ROI%s%s, first at index (%lld, %lld, %lld)", ipath,
                       (long long)rs->nonfinite, other ? " of image type " : "", other ? prefix : "",
                       (long long)(b->lo[0] + fb % nx), (long long)(b->lo[1] + (fb / nx) % ny),
                       (long long)(b->lo[2] + fb / (nx * ny)));
}

/* Crop, gather the ROI values, discretise, build the level box: everything the classes read. */
static radx_status discretised_box(const radx_volbuf *img, const radx_params *p, const radx_be *be, const char *prefix,
                                   const radx_geom *grid, const uint8_t *lab, const roi_box *b, const char *ipath,
                                   image_type_bufs *t, radx_box_bufs *in, radx_err *err)
{
    const radx_geom *g = &img->g;
    memset(in, 0, sizeof *in);
    radx_status st = radx_pipeline_crop_box(grid, lab, b, in->dims_zyx, &t->roi_host, err);
    if (st) return st;
    const int64_t nbox = in->dims_zyx[0] * in->dims_zyx[1] * in->dims_zyx[2], n = b->n;
    t->roi = radx_buf_wrap(be, t->roi_host, (size_t)nbox);
    t->x = radx_buf_alloc(be, sizeof(double) * (size_t)n);
    t->gl = radx_buf_alloc(be, sizeof(int32_t) * (size_t)n);
    t->glbox = radx_buf_alloc(be, sizeof(int32_t) * (size_t)nbox);
    if (!t->roi || !t->x || !t->gl || !t->glbox)
        return radx_seterr(err, RADX_ERR_NOMEM, "out of memory for %lld ROI voxels", (long long)n);
    /* the host reads the ROI values' statistics only */
    radx_roi_stats rs;
    const int64_t lo[3] = {b->lo[0] - img->at[0], b->lo[1] - img->at[1], b->lo[2] - img->at[2]};
    st = radx_op_roi_values(be, img, t->roi, in->dims_zyx, lo, t->x, n, &rs, err);
    if (st) return st;
    if (rs.nonfinite) return nonfinite_error(&rs, in->dims_zyx, b, prefix, ipath, err);
    double *edges = NULL;
    int nedges = 0;
    st = radx_bin_edges_range(rs.min, rs.max, n, p, img->dtype == RADX_DT_F32, &edges, &nedges, err);
    if (!st) st = radx_op_discretise(be, t->x, n, edges, nedges, t->gl, &in->ng, err);
    free(edges);
    if (!st) st = radx_op_level_box(be, t->gl, n, t->roi, nbox, t->glbox, err);
    in->spacing_zyx[0] = g->spacing[2];
    in->spacing_zyx[1] = g->spacing[1];
    in->spacing_zyx[2] = g->spacing[0];
    in->gl = t->glbox;
    in->roi = t->roi;
    in->n_roi = n;
    return st;
}

/* The IBSI intensity classes (stat, ih, ivh) of the ROI values and levels, read on the host. */
static radx_status intensity_class(const radx_be *be, radx_class c, const image_type_bufs *t, int64_t n, int ng,
                                   const radx_params *p, double *vals, radx_err *err)
{
    const double *x = radx_buf_map(be, t->x, RADX_MAP_READ, err);
    const int32_t *gl = radx_buf_map(be, t->gl, RADX_MAP_READ, err);
    if (!x || !gl) return err && err->status ? err->status : RADX_ERR_DEVICE;
    if (c == RADX_CLASS_STAT) return radx_stat_compute(x, n, vals, err);
    if (c == RADX_CLASS_IH) return radx_ih_compute(gl, n, ng, vals, err);
    return radx_ivh_compute(x, n, p, vals, err);
}

/* The morph class on the original image: the ROI box's mask, its mesh (shape) and values. */
static radx_status morph_class(const radx_be *be, const image_type_bufs *t, const radx_box_bufs *in,
                               const radx_params *p, double *vals, radx_err *err)
{
    double shape[64];
    radx_box_bufs ms = *in;
    if (in->morph) {
        ms.roi = in->morph;
        ms.n_roi = t->n_morph;
    }
    radx_status st = radx_op_shape(be, RADX_CLASS_SHAPE, &ms, p, shape, err);
    if (st) return st;
    const double *x = radx_buf_map(be, t->x, RADX_MAP_READ, err);
    if (!x) return err && err->status ? err->status : RADX_ERR_DEVICE;
    radx_morph_input m;
    memset(&m, 0, sizeof m);
    memcpy(m.s.dims_zyx, in->dims_zyx, sizeof m.s.dims_zyx);
    memcpy(m.s.spacing_zyx, in->spacing_zyx, sizeof m.s.spacing_zyx);
    m.s.roi = t->morph_host ? t->morph_host : t->roi_host;
    m.s.n_roi = t->morph_host ? t->n_morph : in->n_roi;
    m.imask = t->roi_host;
    m.x = x;
    m.nx = in->n_roi;
    m.volume = shape[10]; /* MeshVolume */
    m.area = shape[14];   /* SurfaceArea */
    return radx_morph_compute(&m, vals, err);
}

static double volume_value(const void *ctx, const int64_t xyz[3])
{
    const radx_volume *v = ctx;
    return radx_volume_get(v, xyz[0] + v->g.size[0] * (xyz[1] + v->g.size[1] * xyz[2]));
}

/* The li class: the ROI box's voxels as indices of the image (window) img, read on the host. */
static radx_status local_intensity(const radx_be *be, const radx_volbuf *img, const image_type_bufs *t,
                                   const radx_box_bufs *in, const roi_box *b, double *vals, radx_err *err)
{
    radx_volume v = {img->g, img->dtype, radx_buf_map(be, img->buf, RADX_MAP_READ, err), 0};
    if (!v.data) return err && err->status ? err->status : RADX_ERR_DEVICE;
    int64_t(*xyz)[3] = malloc((size_t)in->n_roi * sizeof *xyz), k = 0;
    if (!xyz) return radx_seterr(err, RADX_ERR_NOMEM, "li: out of memory");
    const int64_t *d = in->dims_zyx;
    for (int64_t z = 0, i = 0; z < d[0]; z++)
        for (int64_t y = 0; y < d[1]; y++)
            for (int64_t x = 0; x < d[2]; x++, i++) {
                if (!t->roi_host[i] || k >= in->n_roi) continue;
                xyz[k][0] = b->lo[0] + x - img->at[0];
                xyz[k][1] = b->lo[1] + y - img->at[1];
                xyz[k][2] = b->lo[2] + z - img->at[2];
                k++;
            }
    radx_li_input li = {{img->g.size[0], img->g.size[1], img->g.size[2]},
                        {img->g.spacing[0], img->g.spacing[1], img->g.spacing[2]},
                        (const int64_t(*)[3])xyz,
                        k,
                        volume_value,
                        &v};
    radx_status st = radx_li_compute(&li, vals, err);
    free(xyz);
    return st;
}

/* A texture class under each aggregation textureAggregation names (the ones that differ for this
 * class, suffixed), or PyRadiomics' way. */
static radx_status texture_class(const radx_be *be, radx_class c, const radx_box_bufs *in, const radx_params *p,
                                 const char *prefix, radx_result *res, radx_err *err)
{
    double vals[64];
    radx_params q = *p;
    const int nagg = c == RADX_CLASS_GLDM ? 0 : p->n_aggregations;
    radx_aggregation done[RADX_AGG_COUNT];
    int ndone = 0;
    for (int k = 0; k < (nagg ? nagg : 1); k++) {
        q.aggregation = nagg ? radx_aggregation_for_class(c, p->aggregations[k], p) : RADX_AGG_PYRADIOMICS;
        int dup = 0;
        for (int j = 0; j < ndone; j++) dup |= done[j] == q.aggregation;
        if (dup) continue;
        done[ndone++] = q.aggregation;
        radx_status st = radx_op_texture(be, c, in, &q, vals, err);
        if (st) return st;
        const radx_aggregation key = radx_aggregation_for_class(c, q.aggregation, p);
        if (emit_class(res, prefix, c, p, vals, key, nagg > 0))
            return radx_seterr(err, RADX_ERR_NOMEM, "out of memory");
    }
    return RADX_OK;
}

/* The morphological mask over the same box as the feature mask, for morph and GLDZM. */
static radx_status morph_box(const radx_be *be, const radx_geom *grid, const uint8_t *morph, const roi_box *b,
                             image_type_bufs *t, radx_box_bufs *in, radx_err *err)
{
    int64_t dims[3];
    radx_status st = radx_pipeline_crop_box(grid, morph, b, dims, &t->morph_host, err);
    if (st) return st;
    const int64_t nbox = dims[0] * dims[1] * dims[2];
    for (int64_t i = 0; i < nbox; i++) t->n_morph += t->morph_host[i] != 0;
    if (!(t->morph = radx_buf_wrap(be, t->morph_host, (size_t)nbox)))
        return radx_seterr(err, RADX_ERR_NOMEM, "out of memory for the morphological mask");
    in->morph = t->morph;
    return RADX_OK;
}

/* Features of one (filtered) image: crop to the ROI box, discretise, every enabled class. */
radx_status radx_pipeline_image_type(const radx_volbuf *img, const radx_params *p, const radx_be *be,
                                     const char *prefix, const radx_geom *grid, const uint8_t *lab,
                                     const uint8_t *morph, const radx_roi_box *b, radx_result *res, const char *ipath,
                                     radx_err *err)
{
    radx_class order[RADX_CLASS_COUNT];
    const int ncls = radx_class_order(p, order);
    const radx_geom *g = &img->g;
    image_type_bufs t;
    radx_box_bufs in;
    memset(&t, 0, sizeof t);
    radx_status st = discretised_box(img, p, be, prefix, grid, lab, b, ipath, &t, &in, err);
    if (!st && morph) st = morph_box(be, grid, morph, b, &t, &in, err);
    double vals[64];
    for (int ci = 0; ci < ncls && !st; ci++) {
        const radx_class c = order[ci];
        switch (c) {
        case RADX_CLASS_SHAPE:
        case RADX_CLASS_SHAPE2D: continue;
        case RADX_CLASS_MORPH:
            if (strcmp(prefix, "original")) continue; /* a property of the ROI and its image */
            st = morph_class(be, &t, &in, p, vals, err);
            break;
        case RADX_CLASS_LI: st = local_intensity(be, img, &t, &in, b, vals, err); break;
        case RADX_CLASS_FIRSTORDER: {
            /* numpy.multiply.reduce(spacing): ((sx * sy) * sz) */
            double vv = g->spacing[0] * g->spacing[1];
            if (g->ndim == 3) vv *= g->spacing[2];
            st = radx_op_firstorder(be, t.x, t.gl, b->n, in.ng, vv, p, vals, err);
            break;
        }
        case RADX_CLASS_STAT:
        case RADX_CLASS_IH:
        case RADX_CLASS_IVH: st = intensity_class(be, c, &t, b->n, in.ng, p, vals, err); break;
        default: st = texture_class(be, c, &in, p, prefix, res, err); continue;
        }
        if (!st && emit_class(res, prefix, c, p, vals, RADX_AGG_PYRADIOMICS, 0))
            st = radx_seterr(err, RADX_ERR_NOMEM, "out of memory");
    }
    image_type_bufs_free(be, &t);
    return st;
}

/* "log-sigma-1-5-mm-3D": PyRadiomics' name, from str(sigma) with '.' -> '-'. */
static void log_prefix(char *buf, size_t len, const char *sigma_text)
{
    size_t o = (size_t)snprintf(buf, len, "log-sigma-");
    for (const char *c = sigma_text; *c && o + 1 < len; c++) buf[o++] = *c == '.' ? '-' : *c;
    snprintf(buf + o, len - o, "-mm-3D");
}

/* The image's axes as PyRadiomics' getLoGImage sees them (2 for a 2-D image), and its size as
 * text ("6x6x6") for the warnings. */
static int log_axes(const radx_geom *g, char *dims, size_t len)
{
    const int nd = g->ndim == 2 ? 2 : 3;
    snprintf(dims, len, nd == 2 ? "%lldx%lld" : "%lldx%lldx%lld", (long long)g->size[0], (long long)g->size[1],
             (long long)g->size[2]);
    return nd;
}

/* getLoGImage gives no LoG at all for an image under 4 voxels on an axis; with a warning. */
static int log_image_too_small(const radx_geom *g, const char *ipath, radx_err *err)
{
    char dims[96];
    const int nd = log_axes(g, dims, sizeof dims);
    int small = 0;
    for (int a = 0; a < nd; a++) small |= g->size[a] < 4;
    if (small)
        radx_warn(err, "%s: image %s voxels too small to apply the LoG filter (4 voxels on every axis); no LoG", ipath,
                  dims);
    return small;
}

/* getLoGImage leaves out a sigma needing more than size - 1 voxels on an axis (size <
 * ceil(sigma / spacing) + 1); with a warning. */
static int log_sigma_too_large(const radx_geom *g, double sigma, const char *ipath, radx_err *err)
{
    char dims[96];
    const int nd = log_axes(g, dims, sizeof dims);
    int under = 0;
    for (int a = 0; a < nd; a++) under |= (double)g->size[a] < ceil(sigma / g->spacing[a]) + 1.0;
    if (under)
        radx_warn(err,
                  "%s: LoG sigma %g mm needs ceil(sigma/spacing)+1 voxels on every axis, more than the %s "
                  "image has; that sigma is left out",
                  ipath, sigma, dims);
    return under;
}

/* IBSI-2's 2-D filtering (force2D, or a 2-D image) works on the x-y plane of every slice: 1 for 2-D,
 * 0 for 3-D, -1 after the error for another force2Ddimension (what names the filter). */
static int ibsi_filter_plane(const radx_volbuf *img, const radx_params *q, const char *what, radx_err *err)
{
    if (q->force2d && q->force2d_dimension != 0 && img->g.ndim == 3) {
        radx_seterr(err, RADX_ERR_PARAM,
                    "setting 'force2Ddimension': %d: the 2-D %s works on the x-y plane of every slice "
                    "(force2Ddimension 0)",
                    q->force2d_dimension, what);
        return -1;
    }
    return q->force2d || img->g.ndim == 2;
}

/* The LoG image types of one sigma list: each filtered image in a buffer of the backend, handed
 * to fn and freed. */
static radx_status for_each_log(const radx_volbuf *img, const radx_params *q, const radx_be *be, const char *ipath,
                                radx_image_type_fn fn, void *user, radx_err *err)
{
    const radx_imtype_sel *ls = &q->imtype[RADX_IMG_LOG];
    const size_t fbytes = sizeof(float) * (size_t)radx_geom_nvox(&img->g);
    radx_status st = RADX_OK;
    if (q->log_mode == RADX_LOG_IBSI && ibsi_filter_plane(img, q, "LoG (logKernel: ibsi)", err) < 0)
        return RADX_ERR_PARAM;
    if (log_image_too_small(&img->g, ipath, err)) return RADX_OK;
    for (int k = 0; k < ls->n_sigma && !st; k++) {
        if (ls->sigma[k] > 0 && log_sigma_too_large(&img->g, ls->sigma[k], ipath, err)) continue;
        char prefix[96];
        log_prefix(prefix, sizeof prefix, ls->sigma_text[k]);
        radx_volbuf filtered = {img->g, RADX_DT_F32, radx_buf_alloc(be, fbytes), {0, 0, 0}};
        if (!filtered.buf) return radx_seterr(err, RADX_ERR_NOMEM, "out of memory for a filtered image");
        /* IBSI's LoG: filterBoundary, and force2D as slices across z (the x-y plane) */
        const radx_log_spec spec = {(radx_log_mode)q->log_mode, q->filter_boundary, q->force2d};
        st = radx_op_log_filter(be, img, ls->sigma[k], &spec, &filtered, err);
        if (!st) {
            st = fn(user, &filtered, q, prefix, err);
        } else if (err) { /* name the image: the filter's message names sigma and sizes */
            char m[RADX_ERR_LEN];
            snprintf(m, sizeof m, "%s", err->msg);
            radx_seterr(err, st, "%s: %s", ipath, m);
        }
        radx_buf_free(be, filtered.buf);
    }
    return st;
}

/* A point filter's image type (Square, SquareRoot, Logarithm, Exponential): the filtered image, as
 * doubles in a buffer of the backend, handed to fn as "square", "squareroot", ... */
static radx_status for_point_filter(const radx_volbuf *img, const radx_params *q, const radx_be *be, radx_imtype it,
                                    radx_image_type_fn fn, void *user, radx_err *err)
{
    const radx_point_filter f = it == RADX_IMG_SQUARE       ? RADX_PF_SQUARE
                                : it == RADX_IMG_SQUAREROOT ? RADX_PF_SQUAREROOT
                                : it == RADX_IMG_LOGARITHM  ? RADX_PF_LOGARITHM
                                                            : RADX_PF_EXPONENTIAL;
    char name[32];
    snprintf(name, sizeof name, "%s", radx_params_imtype_name(it));
    for (char *c = name; *c; c++) *c = (char)tolower((unsigned char)*c);
    radx_volbuf filtered = {
        img->g, RADX_DT_F64, radx_buf_alloc(be, sizeof(double) * (size_t)radx_geom_nvox(&img->g)), {0, 0, 0}};
    if (!filtered.buf) return radx_seterr(err, RADX_ERR_NOMEM, "out of memory for a filtered image");
    radx_status st = radx_op_point_filter(be, img, f, &filtered, err);
    if (!st) st = fn(user, &filtered, q, name, err);
    radx_buf_free(be, filtered.buf);
    return st;
}

/* The Gradient image type: SimpleITK's gradient magnitude (float32) in a buffer of the backend,
 * handed to fn as "gradient". */
static radx_status for_gradient(const radx_volbuf *img, const radx_params *q, const radx_be *be, radx_image_type_fn fn,
                                void *user, radx_err *err)
{
    radx_volbuf filtered = {
        img->g, RADX_DT_F32, radx_buf_alloc(be, sizeof(float) * (size_t)radx_geom_nvox(&img->g)), {0, 0, 0}};
    if (!filtered.buf) return radx_seterr(err, RADX_ERR_NOMEM, "out of memory for a filtered image");
    radx_status st = radx_op_gradient(be, img, q->gradient_use_spacing, &filtered, err);
    if (!st) st = fn(user, &filtered, q, "gradient", err);
    radx_buf_free(be, filtered.buf);
    return st;
}

/* IBSI-2's mean filter: "mean-<support>-3D" (or "-2D": force2D, the x-y plane of every slice). */
static radx_status for_mean(const radx_volbuf *img, const radx_params *q, const radx_be *be, radx_image_type_fn fn,
                            void *user, radx_err *err)
{
    const int in_plane = ibsi_filter_plane(img, q, "mean filter", err);
    if (in_plane < 0) return RADX_ERR_PARAM;
    radx_volbuf filtered = {
        img->g, RADX_DT_F32, radx_buf_alloc(be, sizeof(float) * (size_t)radx_geom_nvox(&img->g)), {0, 0, 0}};
    if (!filtered.buf) return radx_seterr(err, RADX_ERR_NOMEM, "out of memory for a filtered image");
    const radx_mean_spec spec = {q->mean_support, q->filter_boundary, in_plane};
    char prefix[64];
    snprintf(prefix, sizeof prefix, "mean-%d-%s", q->mean_support, in_plane ? "2D" : "3D");
    radx_status st = radx_op_mean_filter(be, img, &spec, &filtered, err);
    if (!st) st = fn(user, &filtered, q, prefix, err);
    radx_buf_free(be, filtered.buf);
    return st;
}

/* IBSI-2's Laws filter: "laws-<kernel>-3D" (or "-2D"), with "-ri<pooling>" and "-energy<delta>". */
static radx_status for_laws(const radx_volbuf *img, const radx_params *q, const radx_be *be, radx_image_type_fn fn,
                            void *user, radx_err *err)
{
    const int two_d = ibsi_filter_plane(img, q, "Laws filter", err);
    if (two_d < 0) return RADX_ERR_PARAM;
    radx_sep_spec spec;
    radx_status st = radx_laws_spec_make(q->laws_kernel, two_d, q->rotation_invariance, q->rotation_pooling,
                                         q->laws_delta, q->filter_boundary, &spec, err);
    if (st) return st;
    radx_volbuf filtered = {
        img->g, RADX_DT_F32, radx_buf_alloc(be, sizeof(float) * (size_t)radx_geom_nvox(&img->g)), {0, 0, 0}};
    if (!filtered.buf) return radx_seterr(err, RADX_ERR_NOMEM, "out of memory for a filtered image");
    static const char *const pool[] = {"max", "mean", "min"};
    char prefix[96], energy[32] = "";
    if (q->laws_delta >= 0) snprintf(energy, sizeof energy, "-energy%d", q->laws_delta);
    snprintf(prefix, sizeof prefix, "laws-%s-%s%s%s%s", q->laws_kernel, two_d ? "2D" : "3D",
             q->rotation_invariance ? "-ri" : "", q->rotation_invariance ? pool[q->rotation_pooling % 3] : "", energy);
    st = radx_op_separable_filter(be, img, &spec, &filtered, err);
    if (!st) st = fn(user, &filtered, q, prefix, err);
    radx_buf_free(be, filtered.buf);
    return st;
}

/* IBSI-2's undecimated separable wavelet: "wavelet-ibsi-<wavelet>-<bands>-level<L>-3D" (or "-2D"),
 * with "-ri<pooling>". */
static radx_status for_wavelet_ibsi(const radx_volbuf *img, const radx_params *q, const radx_be *be,
                                    radx_image_type_fn fn, void *user, radx_err *err)
{
    const int two_d = ibsi_filter_plane(img, q, "wavelet", err);
    if (two_d < 0) return RADX_ERR_PARAM;
    radx_sep_spec *spec = malloc(sizeof *spec);
    if (!spec) return radx_seterr(err, RADX_ERR_NOMEM, "out of memory");
    radx_status st =
        radx_wavelet_ibsi_spec_make(q->wavelet, q->wavelet_level, q->wavelet_bands, two_d, q->rotation_invariance,
                                    q->rotation_pooling, q->filter_boundary, spec, err);
    radx_volbuf filtered = {img->g,
                            RADX_DT_F32,
                            st ? NULL : radx_buf_alloc(be, sizeof(float) * (size_t)radx_geom_nvox(&img->g)),
                            {0, 0, 0}};
    if (!st && !filtered.buf) st = radx_seterr(err, RADX_ERR_NOMEM, "out of memory for a filtered image");
    static const char *const pool[] = {"max", "mean", "min"};
    char prefix[128];
    snprintf(prefix, sizeof prefix, "wavelet-ibsi-%s-%s-level%d-%s%s%s", q->wavelet, q->wavelet_bands, q->wavelet_level,
             two_d ? "2D" : "3D", q->rotation_invariance ? "-ri" : "",
             q->rotation_invariance ? pool[q->rotation_pooling % 3] : "");
    if (!st) st = radx_op_separable_filter(be, img, spec, &filtered, err);
    if (!st) st = fn(user, &filtered, q, prefix, err);
    radx_buf_free(be, filtered.buf);
    free(spec);
    return st;
}

/* IBSI-2's Gabor filter: "gabor-sigma<s>-lambda<l>-gamma<g>-angle<a>" (or "-step<d>-3planes" with
 * rotation invariance: orientations averaged, and the three orthogonal planes of a 3-D image). */
static radx_status for_gabor(const radx_volbuf *img, const radx_params *q, const radx_be *be, radx_image_type_fn fn,
                             void *user, radx_err *err)
{
    const double deg = 3.14159265358979323846 / 180.0;
    const radx_gabor_spec spec = {q->gabor_sigma,
                                  q->gabor_lambda,
                                  q->gabor_gamma,
                                  q->gabor_angle * deg,
                                  q->rotation_invariance ? q->gabor_angle_step * deg : 0.0,
                                  q->rotation_invariance,
                                  q->filter_boundary};
    radx_volbuf filtered = {
        img->g, RADX_DT_F32, radx_buf_alloc(be, sizeof(float) * (size_t)radx_geom_nvox(&img->g)), {0, 0, 0}};
    if (!filtered.buf) return radx_seterr(err, RADX_ERR_NOMEM, "out of memory for a filtered image");
    char prefix[160];
    if (q->rotation_invariance)
        snprintf(prefix, sizeof prefix, "gabor-sigma%g-lambda%g-gamma%g-angle%g-step%g-ri", q->gabor_sigma,
                 q->gabor_lambda, q->gabor_gamma, q->gabor_angle, q->gabor_angle_step);
    else
        snprintf(prefix, sizeof prefix, "gabor-sigma%g-lambda%g-gamma%g-angle%g", q->gabor_sigma, q->gabor_lambda,
                 q->gabor_gamma, q->gabor_angle);
    radx_status st = radx_op_gabor_filter(be, img, &spec, &filtered, err);
    if (!st) st = fn(user, &filtered, q, prefix, err);
    radx_buf_free(be, filtered.buf);
    return st;
}

/* IBSI-2's Simoncelli wavelet: "simoncelli-level<j>", periodic (the FFT's) boundary. */
static radx_status for_simoncelli(const radx_volbuf *img, const radx_params *q, const radx_be *be,
                                  radx_image_type_fn fn, void *user, radx_err *err)
{
    if (q->filter_boundary != RADX_LOG_BC_PERIODIC)
        return radx_seterr(err, RADX_ERR_PARAM,
                           "setting 'filterBoundary': the Simoncelli wavelet is periodic (the FFT's); set "
                           "filterBoundary: periodic");
    radx_volbuf filtered = {
        img->g, RADX_DT_F32, radx_buf_alloc(be, sizeof(float) * (size_t)radx_geom_nvox(&img->g)), {0, 0, 0}};
    if (!filtered.buf) return radx_seterr(err, RADX_ERR_NOMEM, "out of memory for a filtered image");
    char prefix[64];
    snprintf(prefix, sizeof prefix, "simoncelli-level%d", q->simoncelli_level);
    radx_status st = radx_op_simoncelli_filter(be, img, q->simoncelli_level, &filtered, err);
    if (!st) st = fn(user, &filtered, q, prefix, err);
    radx_buf_free(be, filtered.buf);
    return st;
}

static int is_point_filter(int it)
{
    return it == RADX_IMG_SQUARE || it == RADX_IMG_SQUAREROOT || it == RADX_IMG_LOGARITHM || it == RADX_IMG_EXPONENTIAL;
}

radx_status radx_pipeline_for_each_image(const radx_case *cs, const radx_params *p, const radx_be *be,
                                         const radx_roi_box *need, const char *ipath, radx_image_type_fn fn, void *user,
                                         radx_err *err)
{
    /* the image every image type reads (every LoG sigma filters it): one buffer for all */
    const size_t bytes = radx_dtype_size(cs->img.dtype) * (size_t)radx_geom_nvox(&cs->img.g);
    radx_volbuf img = {cs->img.g, cs->img.dtype, radx_buf_wrap(be, cs->img.data, bytes), {0, 0, 0}};
    if (!img.buf) return radx_seterr(err, RADX_ERR_NOMEM, "out of memory for the image");
    radx_status st = RADX_OK;
    /* image types, in the order the parameter file lists them; each with its own settings */
    for (int t = 0; t < (p->n_imtype_order ? p->n_imtype_order : 1) && !st; t++) {
        const int it = p->n_imtype_order ? p->imtype_order[t] : RADX_IMG_ORIGINAL;
        if (!p->imtype[it].enabled) continue;
        radx_params q;
        memset(&q, 0, sizeof q);
        st = radx_params_for_imtype(&q, p, (radx_imtype)it, err);
        /* force2Ddimension is a numpy axis of PyRadiomics' array, (y, x) for a 2-D image: the
         * classes and filters take it as one of (z, y, x), where 2 is then z (no exclusion) */
        if (!st && cs->img.g.ndim == 2 && q.force2d) q.force2d_dimension = (q.force2d_dimension + 1) % 3;
        if (st) {
        } else if (it == RADX_IMG_ORIGINAL) {
            st = fn(user, &img, &q, "original", err);
        } else if (it == RADX_IMG_LOG) {
            st = for_each_log(&img, &q, be, ipath, fn, user, err);
        } else if (it == RADX_IMG_WAVELET) {
            st = radx_pipeline_wavelet(&img, &q, be, need, ipath, fn, user, err);
        } else if (it == RADX_IMG_GRADIENT) {
            st = for_gradient(&img, &q, be, fn, user, err);
        } else if (it == RADX_IMG_MEAN) {
            st = for_mean(&img, &q, be, fn, user, err);
        } else if (it == RADX_IMG_LAWS) {
            st = for_laws(&img, &q, be, fn, user, err);
        } else if (it == RADX_IMG_SIMONCELLI) {
            st = for_simoncelli(&img, &q, be, fn, user, err);
        } else if (it == RADX_IMG_GABOR) {
            st = for_gabor(&img, &q, be, fn, user, err);
        } else if (it == RADX_IMG_WAVELET_IBSI) {
            st = for_wavelet_ibsi(&img, &q, be, fn, user, err);
        } else if (it == RADX_IMG_LBP2D) {
            st = radx_pipeline_lbp2d(&img, &q, be, need, ipath, fn, user, err);
        } else if (it == RADX_IMG_LBP3D) {
            const radx_roi_box *fb;
            st = radx_pipeline_lbp3d(&cs->img, &img, radx_case_feature_mask(cs, p, &fb), &q, be, need, ipath, fn, user,
                                     err);
        } else if (is_point_filter(it)) {
            st = for_point_filter(&img, &q, be, (radx_imtype)it, fn, user, err);
        } else {
            st = radx_seterr(err, RADX_ERR_UNSUPPORTED, "imageType '%s' is not implemented in radx %s yet",
                             radx_params_imtype_name((radx_imtype)it), RADX_VERSION_STRING);
        }
        radx_params_clear(&q);
    }
    radx_buf_free(be, img.buf);
    return st;
}

int radx_pipeline_image_count(const radx_params *p, int ndim)
{
    int n = 0;
    for (int t = 0; t < RADX_IMG_COUNT; t++) {
        if (!p->imtype[t].enabled) continue;
        radx_params q;
        memset(&q, 0, sizeof q);
        if (radx_params_for_imtype(&q, p, (radx_imtype)t, NULL)) {
            n++;
            continue;
        }
        const int axes = (ndim == 2 ? 2 : 3) - (q.force2d ? 1 : 0);
        if (t == RADX_IMG_LOG)
            n += q.imtype[RADX_IMG_LOG].n_sigma;
        else if (t == RADX_IMG_WAVELET)
            n += q.wavelet_level * ((1 << axes) - 1) + 1;
        else if (t == RADX_IMG_LBP3D)
            n += ndim == 2 ? 0 : q.lbp3d_levels + 1;
        else
            n++;
        radx_params_clear(&q);
    }
    return n;
}

/* ---- extract ------------------------------------------------------------------------------ */

typedef struct extract_ctx {
    const radx_be *be;
    const radx_geom *grid;
    const uint8_t *feat_lab, *morph_lab;
    const roi_box *feat_box;
    radx_result *res;
    const char *ipath;
} extract_ctx;

static radx_status extract_image_type(void *user, const radx_volbuf *img, const radx_params *q, const char *prefix,
                                      radx_err *err)
{
    const extract_ctx *x = user;
    return radx_pipeline_image_type(img, q, x->be, prefix, x->grid, x->feat_lab, x->morph_lab, x->feat_box, x->res,
                                    x->ipath, err);
}

radx_status radx_pipeline_run(const radx_params *p, const radx_be *be, const radx_volume *img, const char *ipath,
                              const radx_volume *msk, const char *mpath, int label, radx_result **out, radx_err *err)
{
    *out = NULL;
    radx_case cs;
    radx_result *res = radx_result_new();
    if (!res) return radx_seterr(err, RADX_ERR_NOMEM, "out of memory");
    radx_status st = radx_pipeline_prepare(p, be, img, ipath, msk, mpath, label, res, &cs, err);
    if (st) {
        radx_result_destroy(res);
        return st;
    }
    const roi_box *shape_box, *feat_box;
    const uint8_t *shape_lab = radx_case_shape_mask(&cs, p, &shape_box);
    const uint8_t *feat_lab = radx_case_feature_mask(&cs, p, &feat_box);
    st = run_shape(&cs, p, be, shape_lab, shape_box, res, err);
    extract_ctx x = {be, &cs.img.g, feat_lab, radx_case_morph_mask(&cs, p), feat_box, res, ipath};
    if (!st) st = radx_pipeline_for_each_image(&cs, p, be, feat_box, ipath, extract_image_type, &x, err);
    radx_case_free(&cs);
    if (st) {
        radx_result_destroy(res);
        return st;
    }
    *out = res;
    return RADX_OK;
}
