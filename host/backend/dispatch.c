/* SPDX-License-Identifier: BSD-3-Clause */
/* Buffers and ops of the plan's backend, and the CPU fallback for ops it declines
 * (host/backend/dispatch.h). */
#include <string.h>

#include "backend/dispatch.h"

/* ---- buffers ---- */

radx_buf *radx_buf_alloc(const radx_be *be, size_t bytes) { return be->ops->buf.alloc(be->ctx, bytes); }

radx_buf *radx_buf_wrap(const radx_be *be, const void *host, size_t bytes)
{
    return be->ops->buf.wrap(be->ctx, host, bytes);
}

radx_buf *radx_buf_view(const radx_be *be, radx_buf *b, size_t off, size_t bytes)
{
    return be->ops->buf.view(be->ctx, b, off, bytes);
}

void radx_buf_free(const radx_be *be, radx_buf *b)
{
    if (b) be->ops->buf.free(be->ctx, b);
}

radx_status radx_buf_set(const radx_be *be, radx_buf *b, size_t off, const void *src, size_t bytes, radx_err *err)
{
    return be->ops->buf.set(be->ctx, b, off, src, bytes, err);
}

radx_status radx_buf_get(const radx_be *be, radx_buf *b, size_t off, void *dst, size_t bytes, radx_err *err)
{
    return be->ops->buf.get(be->ctx, b, off, dst, bytes, err);
}

void *radx_buf_map(const radx_be *be, radx_buf *b, radx_map_mode mode, radx_err *err)
{
    return be->ops->buf.map(be->ctx, b, mode, err);
}

/* ---- the fallback ---- */

/* 1 when be declined the op it was asked for: the CPU backend runs it instead. */
static int declined(const radx_be *be, radx_status st, const radx_err *err)
{
    return st == RADX_ERR_UNSUPPORTED && be->ops != &radx_cpu_backend && (!err || err->msg[0] == '\0');
}

/* b's host contents as a CPU backend buffer (*h; NULL b: NULL); map's status. */
static radx_status on_host(const radx_be *be, radx_buf *b, radx_map_mode mode, radx_buf *h, radx_buf **hp,
                           radx_err *err)
{
    *hp = NULL;
    if (!b) return RADX_OK;
    void *p = radx_buf_map(be, b, mode, err);
    if (!p) return err && err->status ? err->status : RADX_ERR_DEVICE;
    memset(h, 0, sizeof *h);
    h->bytes = b->bytes;
    h->impl = p;
    h->view = 1;
    *hp = h;
    return RADX_OK;
}

#define CPU (&radx_cpu_backend)

/* ---- ops ---- */

radx_status radx_op_resample(const radx_be *be, const radx_volume *img, const radx_volume *mask, const radx_params *p,
                             uint32_t label, radx_volume *img_out, radx_volume *mask_out, radx_err *err)
{
    radx_status st = be->ops->resample(be->ctx, img, mask, p, label, img_out, mask_out, err);
    if (declined(be, st, err)) st = CPU->resample(NULL, img, mask, p, label, img_out, mask_out, err);
    return st;
}

/* The arguments of a filter op: log, point, gradient, mean, separable, Gabor or Simoncelli. */
typedef struct filter_args {
    enum { FILTER_LOG, FILTER_POINT, FILTER_GRADIENT, FILTER_MEAN, FILTER_LAWS, FILTER_GABOR, FILTER_SIMONCELLI } op;
    double sigma_mm;
    const radx_log_spec *spec;
    const radx_mean_spec *mean;
    const radx_sep_spec *laws;
    const radx_gabor_spec *gabor;
    int level; /* the Simoncelli wavelet's */
    radx_point_filter f;
    int use_spacing;
} filter_args;

static radx_status run_filter(const radx_backend_ops *ops, void *ctx, const filter_args *a, const radx_volbuf *in,
                              radx_volbuf *out, radx_err *err)
{
    switch (a->op) {
    case FILTER_LOG: return ops->log_filter(ctx, in, a->sigma_mm, a->spec, out, err);
    case FILTER_POINT: return ops->point_filter(ctx, in, a->f, out, err);
    case FILTER_MEAN: return ops->mean_filter(ctx, in, a->mean, out, err);
    case FILTER_LAWS: return ops->separable_filter(ctx, in, a->laws, out, err);
    case FILTER_GABOR: return ops->gabor_filter(ctx, in, a->gabor, out, err);
    case FILTER_SIMONCELLI: return ops->simoncelli_filter(ctx, in, a->level, out, err);
    default: return ops->gradient(ctx, in, a->use_spacing, out, err);
    }
}

/* A filter op on be, or on the CPU (image and output mapped to the host) when be declines it. */
static radx_status filter_op(const radx_be *be, const filter_args *a, const radx_volbuf *in, radx_volbuf *out,
                             radx_err *err)
{
    radx_status st = run_filter(be->ops, be->ctx, a, in, out, err);
    if (!declined(be, st, err)) return st;
    radx_buf hi, ho;
    radx_volbuf ci = *in, co = *out;
    if ((st = on_host(be, in->buf, RADX_MAP_READ, &hi, &ci.buf, err)) ||
        (st = on_host(be, out->buf, RADX_MAP_WRITE, &ho, &co.buf, err)))
        return st;
    st = run_filter(CPU, NULL, a, &ci, &co, err);
    out->g = co.g;
    out->dtype = co.dtype;
    return st;
}

radx_status radx_op_log_filter(const radx_be *be, const radx_volbuf *in, double sigma_mm, const radx_log_spec *spec,
                               radx_volbuf *out, radx_err *err)
{
    const filter_args a = {.op = FILTER_LOG, .sigma_mm = sigma_mm, .spec = spec};
    return filter_op(be, &a, in, out, err);
}

radx_status radx_op_mean_filter(const radx_be *be, const radx_volbuf *in, const radx_mean_spec *spec, radx_volbuf *out,
                                radx_err *err)
{
    const filter_args a = {.op = FILTER_MEAN, .mean = spec};
    return filter_op(be, &a, in, out, err);
}

radx_status radx_op_separable_filter(const radx_be *be, const radx_volbuf *in, const radx_sep_spec *spec,
                                     radx_volbuf *out, radx_err *err)
{
    const filter_args a = {.op = FILTER_LAWS, .laws = spec};
    return filter_op(be, &a, in, out, err);
}

radx_status radx_op_gabor_filter(const radx_be *be, const radx_volbuf *in, const radx_gabor_spec *spec,
                                 radx_volbuf *out, radx_err *err)
{
    const filter_args a = {.op = FILTER_GABOR, .gabor = spec};
    return filter_op(be, &a, in, out, err);
}

radx_status radx_op_simoncelli_filter(const radx_be *be, const radx_volbuf *in, int level, radx_volbuf *out,
                                      radx_err *err)
{
    const filter_args a = {.op = FILTER_SIMONCELLI, .level = level};
    return filter_op(be, &a, in, out, err);
}

radx_status radx_op_point_filter(const radx_be *be, const radx_volbuf *in, radx_point_filter f, radx_volbuf *out,
                                 radx_err *err)
{
    const filter_args a = {.op = FILTER_POINT, .f = f};
    return filter_op(be, &a, in, out, err);
}

radx_status radx_op_gradient(const radx_be *be, const radx_volbuf *in, int use_spacing, radx_volbuf *out, radx_err *err)
{
    const filter_args a = {.op = FILTER_GRADIENT, .use_spacing = use_spacing};
    return filter_op(be, &a, in, out, err);
}

radx_status radx_op_wavelet_pass(const radx_be *be, const radx_wavelet_pass *w, radx_buf *in, radx_buf *out,
                                 radx_err *err)
{
    radx_status st = be->ops->wavelet_pass(be->ctx, w, in, out, err);
    if (!declined(be, st, err)) return st;
    radx_buf hi, ho, *ci, *co;
    if ((st = on_host(be, in, RADX_MAP_READ, &hi, &ci, err)) || (st = on_host(be, out, RADX_MAP_WRITE, &ho, &co, err)))
        return st;
    return CPU->wavelet_pass(NULL, w, ci, co, err);
}

radx_status radx_op_lbp2d(const radx_be *be, const radx_lbp2d *l, const radx_volbuf *img, radx_buf *out, radx_err *err)
{
    radx_status st = be->ops->lbp2d(be->ctx, l, img, out, err);
    if (!declined(be, st, err)) return st;
    radx_buf hi, ho, *co;
    radx_volbuf ci = *img;
    if ((st = on_host(be, img->buf, RADX_MAP_READ, &hi, &ci.buf, err)) ||
        (st = on_host(be, out, RADX_MAP_WRITE, &ho, &co, err)))
        return st;
    return CPU->lbp2d(NULL, l, &ci, co, err);
}

radx_status radx_op_lbp3d(const radx_be *be, const radx_lbp3d *t, radx_buf *coef, const radx_volbuf *img, radx_buf *roi,
                          int64_t n, radx_buf *out, radx_err *err)
{
    radx_status st = be->ops->lbp3d(be->ctx, t, coef, img, roi, n, out, err);
    if (!declined(be, st, err)) return st;
    radx_buf hc, hi, hr, ho, *cc, *cr, *co;
    radx_volbuf ci = *img;
    if ((st = on_host(be, coef, RADX_MAP_READ, &hc, &cc, err)) ||
        (st = on_host(be, img->buf, RADX_MAP_READ, &hi, &ci.buf, err)) ||
        (st = on_host(be, roi, RADX_MAP_READ, &hr, &cr, err)) || (st = on_host(be, out, RADX_MAP_WRITE, &ho, &co, err)))
        return st;
    return CPU->lbp3d(NULL, t, cc, &ci, cr, n, co, err);
}

radx_status radx_op_roi_values(const radx_be *be, const radx_volbuf *img, radx_buf *roi, const int64_t dims_zyx[3],
                               const int64_t lo_xyz[3], radx_buf *x, int64_t n, radx_roi_stats *s, radx_err *err)
{
    radx_status st = be->ops->roi_values(be->ctx, img, roi, dims_zyx, lo_xyz, x, n, s, err);
    if (!declined(be, st, err)) return st;
    radx_buf hi, hr, hx, *pr, *px;
    radx_volbuf ci = *img;
    if ((st = on_host(be, img->buf, RADX_MAP_READ, &hi, &ci.buf, err)) ||
        (st = on_host(be, roi, RADX_MAP_READ, &hr, &pr, err)) || (st = on_host(be, x, RADX_MAP_WRITE, &hx, &px, err)))
        return st;
    return CPU->roi_values(NULL, &ci, pr, dims_zyx, lo_xyz, px, n, s, err);
}

radx_status radx_op_discretise(const radx_be *be, radx_buf *x, int64_t n, const double *edges, int nedges, radx_buf *gl,
                               int *ng, radx_err *err)
{
    radx_status st = be->ops->discretise(be->ctx, x, n, edges, nedges, gl, ng, err);
    if (!declined(be, st, err)) return st;
    radx_buf hx, hg, *px, *pg;
    if ((st = on_host(be, x, RADX_MAP_READ, &hx, &px, err)) || (st = on_host(be, gl, RADX_MAP_WRITE, &hg, &pg, err)))
        return st;
    return CPU->discretise(NULL, px, n, edges, nedges, pg, ng, err);
}

radx_status radx_op_level_box(const radx_be *be, radx_buf *gl, int64_t n, radx_buf *roi, int64_t nbox, radx_buf *glbox,
                              radx_err *err)
{
    radx_status st = be->ops->level_box(be->ctx, gl, n, roi, nbox, glbox, err);
    if (!declined(be, st, err)) return st;
    radx_buf hg, hr, hb, *pg, *pr, *pb;
    if ((st = on_host(be, gl, RADX_MAP_READ, &hg, &pg, err)) || (st = on_host(be, roi, RADX_MAP_READ, &hr, &pr, err)) ||
        (st = on_host(be, glbox, RADX_MAP_WRITE, &hb, &pb, err)))
        return st;
    return CPU->level_box(NULL, pg, n, pr, nbox, pb, err);
}

radx_status radx_op_firstorder(const radx_be *be, radx_buf *x, radx_buf *gl, int64_t n, int ng, double voxel_volume,
                               const radx_params *p, double *out, radx_err *err)
{
    radx_status st = be->ops->firstorder(be->ctx, x, gl, n, ng, voxel_volume, p, out, err);
    if (!declined(be, st, err)) return st;
    radx_buf hx, hg, *px, *pg;
    if ((st = on_host(be, x, RADX_MAP_READ, &hx, &px, err)) || (st = on_host(be, gl, RADX_MAP_READ, &hg, &pg, err)))
        return st;
    return CPU->firstorder(NULL, px, pg, n, ng, voxel_volume, p, out, err);
}

/* The box's buffers on the host. */
static radx_status box_on_host(const radx_be *be, const radx_box_bufs *in, radx_buf h[3], radx_box_bufs *c,
                               radx_err *err)
{
    *c = *in;
    radx_status st = on_host(be, in->roi, RADX_MAP_READ, &h[0], &c->roi, err);
    if (!st) st = on_host(be, in->morph, RADX_MAP_READ, &h[2], &c->morph, err);
    return st ? st : on_host(be, in->gl, RADX_MAP_READ, &h[1], &c->gl, err);
}

radx_status radx_op_texture(const radx_be *be, radx_class cls, const radx_box_bufs *in, const radx_params *p,
                            double *out, radx_err *err)
{
    radx_status st = be->ops->texture(be->ctx, cls, in, p, out, err);
    if (!declined(be, st, err)) return st;
    radx_buf h[3];
    radx_box_bufs c;
    if ((st = box_on_host(be, in, h, &c, err))) return st;
    return CPU->texture(NULL, cls, &c, p, out, err);
}

radx_status radx_op_shape(const radx_be *be, radx_class cls, const radx_box_bufs *in, const radx_params *p, double *out,
                          radx_err *err)
{
    radx_status st = be->ops->shape(be->ctx, cls, in, p, out, err);
    if (!declined(be, st, err)) return st;
    radx_buf h[3];
    radx_box_bufs c;
    if ((st = box_on_host(be, in, h, &c, err))) return st;
    return CPU->shape(NULL, cls, &c, p, out, err);
}

/* The region's buffers on the host. */
static radx_status region_on_host(const radx_be *be, const radx_voxel_region *a, radx_buf h[3], radx_voxel_region *c,
                                  radx_err *err)
{
    *c = *a;
    radx_status st = on_host(be, a->mk, RADX_MAP_READ, &h[0], &c->mk, err);
    if (!st) st = on_host(be, a->gl, RADX_MAP_READ, &h[1], &c->gl, err);
    return st ? st : on_host(be, a->aidx, RADX_MAP_READ, &h[2], &c->aidx, err);
}

radx_status radx_op_voxel_firstorder(const radx_be *be, const radx_voxel_region *a, const radx_voxel_values *v,
                                     const radx_params *q, radx_buf *out, radx_err *err)
{
    radx_status st = be->ops->voxel_firstorder(be->ctx, a, v, q, out, err);
    if (!declined(be, st, err)) return st;
    radx_buf h[3], hv, hg, ho, *po;
    radx_voxel_region ca;
    radx_voxel_values cv = *v;
    if ((st = region_on_host(be, a, h, &ca, err)) || (st = on_host(be, v->val, RADX_MAP_READ, &hv, &cv.val, err)) ||
        (st = on_host(be, v->gl, RADX_MAP_READ, &hg, &cv.gl, err)) ||
        (st = on_host(be, out, RADX_MAP_WRITE, &ho, &po, err)))
        return st;
    return CPU->voxel_firstorder(NULL, &ca, &cv, q, po, err);
}

radx_status radx_op_voxel_texture(const radx_be *be, radx_class cls, const radx_voxel_region *a, radx_buf *present,
                                  const radx_params *q, radx_buf *out, radx_err *err)
{
    radx_status st = be->ops->voxel_texture(be->ctx, cls, a, present, q, out, err);
    if (!declined(be, st, err)) return st;
    radx_buf h[3], hp, ho, *pp, *po;
    radx_voxel_region ca;
    if ((st = region_on_host(be, a, h, &ca, err)) || (st = on_host(be, present, RADX_MAP_READ, &hp, &pp, err)) ||
        (st = on_host(be, out, RADX_MAP_WRITE, &ho, &po, err)))
        return st;
    return CPU->voxel_texture(NULL, cls, &ca, pp, q, po, err);
}
