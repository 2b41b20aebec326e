/* SPDX-License-Identifier: BSD-3-Clause */
/* A stand-in device backend for the tests: what the CUDA backend does with buffers and ops, on a
 * "device" that is host memory, so that the pipeline, the dispatcher and the buffer rules
 * (host/backend/mirror.h) are tested on machines without a GPU.
 *
 * Its buffers are mirrors (a host copy and a device copy); an op reads its inputs from their
 * device copies and writes its outputs only there, running the CPU backend's op on the device
 * memory.  The host copy of every output is then filled with a poison pattern, so that a host
 * read that skips the map (a stale host copy) gives wrong features.  The device has a byte
 * budget: an op whose buffers do not fit evicts the other buffers' device copies and tries once
 * more, then declines (the dispatcher runs the CPU backend on the host contents), as the CUDA
 * backend does; with decline_every = k it also declines every k-th op for no reason, which walks
 * every op through the fallback path. */
#ifndef RADX_STAND_IN_DEVICE_H
#define RADX_STAND_IN_DEVICE_H

#include <stdlib.h>
#include <string.h>

#include "backend/dispatch.h"
#include "backend/mirror.h"

typedef struct stand_in {
    radx_mirror_set bufs;
    size_t budget; /* device bytes (0: unlimited) */
    size_t in_use, peak;
    int decline_every; /* decline every k-th op (0: never) */
    long ops, declines, evictions, poisoned;
} stand_in;

#define SI(ctx) ((stand_in *)(ctx))

static void *si_dev_alloc(void *u, size_t bytes)
{
    stand_in *s = SI(u);
    if (s->budget && s->in_use + bytes > s->budget) return NULL;
    void *d = malloc(bytes ? bytes : 1);
    if (d) {
        s->in_use += bytes;
        if (s->in_use > s->peak) s->peak = s->in_use;
    }
    return d;
}
static void si_dev_free(void *u, void *d, size_t bytes)
{
    SI(u)->in_use -= bytes;
    free(d);
}
static int si_copy(void *u, void *dst, const void *src, size_t bytes)
{
    (void)u;
    if (bytes) memcpy(dst, src, bytes);
    return 0;
}
static void *si_host_alloc(void *u, size_t bytes) { return malloc(bytes ? bytes : 1); }
static void si_host_free(void *u, void *h) { free(h); }

/* ---- buffers ---- */

static radx_buf *si_buf(radx_mirror *m, size_t bytes)
{
    radx_buf *b = m ? (radx_buf *)calloc(1, sizeof *b) : NULL;
    if (!b) return NULL;
    b->bytes = bytes;
    b->impl = m;
    return b;
}
static radx_buf *si_alloc(void *ctx, size_t bytes) { return si_buf(radx_mirror_new(&SI(ctx)->bufs, bytes), bytes); }
static radx_buf *si_wrap(void *ctx, const void *h, size_t bytes)
{
    return si_buf(radx_mirror_wrap(&SI(ctx)->bufs, h, bytes), bytes);
}
static radx_buf *si_view(void *ctx, radx_buf *p, size_t off, size_t bytes)
{
    if (off > p->bytes || bytes > p->bytes - off) return NULL;
    radx_buf *b = si_buf((radx_mirror *)p->impl, bytes);
    if (b) {
        b->off = p->off + off;
        b->view = 1;
    }
    return b;
}
static void si_free(void *ctx, radx_buf *b)
{
    if (!b) return;
    if (!b->view) radx_mirror_free(&SI(ctx)->bufs, (radx_mirror *)b->impl);
    free(b);
}
static radx_status si_set(void *ctx, radx_buf *b, size_t off, const void *src, size_t bytes, radx_err *err)
{
    char *h = radx_mirror_host_write(&SI(ctx)->bufs, (radx_mirror *)b->impl, !b->view && off == 0 && bytes == b->bytes);
    if (!h) return radx_seterr(err, RADX_ERR_NOMEM, "stand-in: no host copy");
    memcpy(h + b->off + off, src, bytes);
    return RADX_OK;
}
static radx_status si_get(void *ctx, radx_buf *b, size_t off, void *dst, size_t bytes, radx_err *err)
{
    const char *h = radx_mirror_host_read(&SI(ctx)->bufs, (radx_mirror *)b->impl);
    if (!h) return radx_seterr(err, RADX_ERR_NOMEM, "stand-in: no host copy");
    memcpy(dst, h + b->off + off, bytes);
    return RADX_OK;
}
static void *si_map(void *ctx, radx_buf *b, radx_map_mode mode, radx_err *err)
{
    radx_mirror *m = (radx_mirror *)b->impl;
    char *h = mode == RADX_MAP_READ ? radx_mirror_host_read(&SI(ctx)->bufs, m)
                                    : radx_mirror_host_write(&SI(ctx)->bufs, m, mode == RADX_MAP_WRITE && !b->view);
    if (!h) radx_seterr(err, RADX_ERR_NOMEM, "stand-in: no host copy");
    return h ? h + b->off : NULL;
}

/* ---- ops: the CPU backend's, on the device copies ---- */

/* One op's buffers on the device, as CPU buffers over the device memory. */
typedef struct si_args {
    radx_buf cpu[8];
    int n, failed;
} si_args;

static radx_buf *si_in(stand_in *s, si_args *a, radx_buf *b)
{
    if (!b) return NULL;
    char *d = radx_mirror_dev_read(&s->bufs, (radx_mirror *)b->impl);
    radx_buf *c = &a->cpu[a->n++];
    memset(c, 0, sizeof *c);
    if (!d) a->failed = 1;
    c->bytes = b->bytes;
    c->impl = d ? d + b->off : NULL;
    c->view = 1;
    return c;
}

static radx_buf *si_out(stand_in *s, si_args *a, radx_buf *b)
{
    radx_mirror *m = (radx_mirror *)b->impl;
    char *d = radx_mirror_dev_write(&s->bufs, m, !b->view);
    if (d && m->h_own) radx_mirror_host_alloc(&s->bufs, m);
    if (d && m->h && m->h_own) { /* the host copy is stale now: a read that skips the download shows */
        memset(m->h, 0xA5, m->bytes);
        s->poisoned++;
    }
    radx_buf *c = &a->cpu[a->n++];
    memset(c, 0, sizeof *c);
    if (!d) a->failed = 1;
    c->bytes = b->bytes;
    c->impl = d ? d + b->off : NULL;
    c->view = 1;
    return c;
}

static radx_status si_decline(stand_in *s, radx_err *err)
{
    s->declines++;
    err->status = RADX_OK;
    err->msg[0] = '\0';
    return RADX_ERR_UNSUPPORTED;
}

/* 1 when this op is declined for no reason (decline_every). */
static int si_whim(stand_in *s)
{
    s->ops++;
    return s->decline_every > 0 && s->ops % s->decline_every == 0;
}

/* Runs BODY with the op's buffers on the device (declared by BIND, e.g. si_in / si_out calls);
 * when they do not fit, evicts and binds once more, then declines. */
#define SI_RUN(ctx, err, BIND, BODY)                                            \
    do {                                                                        \
        stand_in *s_ = SI(ctx);                                                 \
        if (si_whim(s_)) return si_decline(s_, err);                            \
        for (int try_ = 0; try_ < 2; try_++) {                                  \
            si_args a_;                                                         \
            memset(&a_, 0, sizeof a_);                                          \
            BIND;                                                               \
            if (!a_.failed) return BODY;                                        \
            if (try_ == 0 && radx_mirror_evict(&s_->bufs) > 0) s_->evictions++; \
        }                                                                       \
        return si_decline(s_, err);                                             \
    } while (0)

#define CPU_OP (&radx_cpu_backend)

static radx_status si_resample(void *ctx, const radx_volume *img, const radx_volume *mask, const radx_params *p,
                               uint32_t label, radx_volume *io, radx_volume *mo, radx_err *err)
{
    if (si_whim(SI(ctx))) return si_decline(SI(ctx), err);
    return CPU_OP->resample(NULL, img, mask, p, label, io, mo, err);
}

/* A filter's status; when it ran, its output's grid and type (set on the device buffer dout) go
 * to out. */
static radx_status si_filtered(radx_status st, const radx_volbuf *dout, radx_volbuf *out)
{
    if (!st) {
        out->g = dout->g;
        out->dtype = dout->dtype;
    }
    return st;
}

static radx_status si_log_filter(void *ctx, const radx_volbuf *in, double sigma, const radx_log_spec *spec,
                                 radx_volbuf *out, radx_err *err)
{
    radx_volbuf di = *in, dout = *out;
    SI_RUN(ctx, err, (di.buf = si_in(s_, &a_, in->buf), dout.buf = si_out(s_, &a_, out->buf)),
           si_filtered(CPU_OP->log_filter(NULL, &di, sigma, spec, &dout, err), &dout, out));
}

static radx_status si_point_filter(void *ctx, const radx_volbuf *in, radx_point_filter f, radx_volbuf *out,
                                   radx_err *err)
{
    radx_volbuf di = *in, dout = *out;
    SI_RUN(ctx, err, (di.buf = si_in(s_, &a_, in->buf), dout.buf = si_out(s_, &a_, out->buf)),
           si_filtered(CPU_OP->point_filter(NULL, &di, f, &dout, err), &dout, out));
}

static radx_status si_gradient(void *ctx, const radx_volbuf *in, int use_spacing, radx_volbuf *out, radx_err *err)
{
    radx_volbuf di = *in, dout = *out;
    SI_RUN(ctx, err, (di.buf = si_in(s_, &a_, in->buf), dout.buf = si_out(s_, &a_, out->buf)),
           si_filtered(CPU_OP->gradient(NULL, &di, use_spacing, &dout, err), &dout, out));
}

static radx_status si_mean_filter(void *ctx, const radx_volbuf *in, const radx_mean_spec *spec, radx_volbuf *out,
                                  radx_err *err)
{
    radx_volbuf di = *in, dout = *out;
    SI_RUN(ctx, err, (di.buf = si_in(s_, &a_, in->buf), dout.buf = si_out(s_, &a_, out->buf)),
           si_filtered(CPU_OP->mean_filter(NULL, &di, spec, &dout, err), &dout, out));
}

static radx_status si_simoncelli_filter(void *ctx, const radx_volbuf *in, int level, radx_volbuf *out, radx_err *err)
{
    radx_volbuf di = *in, dout = *out;
    SI_RUN(ctx, err, (di.buf = si_in(s_, &a_, in->buf), dout.buf = si_out(s_, &a_, out->buf)),
           si_filtered(CPU_OP->simoncelli_filter(NULL, &di, level, &dout, err), &dout, out));
}

static radx_status si_gabor_filter(void *ctx, const radx_volbuf *in, const radx_gabor_spec *spec, radx_volbuf *out,
                                   radx_err *err)
{
    radx_volbuf di = *in, dout = *out;
    SI_RUN(ctx, err, (di.buf = si_in(s_, &a_, in->buf), dout.buf = si_out(s_, &a_, out->buf)),
           si_filtered(CPU_OP->gabor_filter(NULL, &di, spec, &dout, err), &dout, out));
}

static radx_status si_separable_filter(void *ctx, const radx_volbuf *in, const radx_sep_spec *spec, radx_volbuf *out,
                                       radx_err *err)
{
    radx_volbuf di = *in, dout = *out;
    SI_RUN(ctx, err, (di.buf = si_in(s_, &a_, in->buf), dout.buf = si_out(s_, &a_, out->buf)),
           si_filtered(CPU_OP->separable_filter(NULL, &di, spec, &dout, err), &dout, out));
}

static radx_status si_wavelet_pass(void *ctx, const radx_wavelet_pass *w, radx_buf *in, radx_buf *out, radx_err *err)
{
    radx_buf *di = NULL, *dout = NULL;
    SI_RUN(ctx, err, (di = si_in(s_, &a_, in), dout = si_out(s_, &a_, out)),
           CPU_OP->wavelet_pass(NULL, w, di, dout, err));
}

static radx_status si_lbp2d(void *ctx, const radx_lbp2d *l, const radx_volbuf *img, radx_buf *out, radx_err *err)
{
    radx_volbuf di = *img;
    radx_buf *dout = NULL;
    SI_RUN(ctx, err, (di.buf = si_in(s_, &a_, img->buf), dout = si_out(s_, &a_, out)),
           CPU_OP->lbp2d(NULL, l, &di, dout, err));
}

static radx_status si_lbp3d(void *ctx, const radx_lbp3d *t, radx_buf *coef, const radx_volbuf *img, radx_buf *roi,
                            int64_t n, radx_buf *out, radx_err *err)
{
    radx_volbuf di = *img;
    radx_buf *dc = NULL, *dr = NULL, *dout = NULL;
    SI_RUN(ctx, err,
           (dc = si_in(s_, &a_, coef), di.buf = si_in(s_, &a_, img->buf), dr = si_in(s_, &a_, roi),
            dout = si_out(s_, &a_, out)),
           CPU_OP->lbp3d(NULL, t, dc, &di, dr, n, dout, err));
}

static radx_status si_roi_values(void *ctx, const radx_volbuf *img, radx_buf *roi, const int64_t dims[3],
                                 const int64_t lo[3], radx_buf *x, int64_t n, radx_roi_stats *st, radx_err *err)
{
    radx_volbuf di = *img;
    radx_buf *dr = NULL, *dx = NULL;
    SI_RUN(ctx, err, (di.buf = si_in(s_, &a_, img->buf), dr = si_in(s_, &a_, roi), dx = si_out(s_, &a_, x)),
           CPU_OP->roi_values(NULL, &di, dr, dims, lo, dx, n, st, err));
}

static radx_status si_discretise(void *ctx, radx_buf *x, int64_t n, const double *edges, int nedges, radx_buf *gl,
                                 int *ng, radx_err *err)
{
    radx_buf *dx = NULL, *dg = NULL;
    SI_RUN(ctx, err, (dx = si_in(s_, &a_, x), dg = si_out(s_, &a_, gl)),
           CPU_OP->discretise(NULL, dx, n, edges, nedges, dg, ng, err));
}

static radx_status si_level_box(void *ctx, radx_buf *gl, int64_t n, radx_buf *roi, int64_t nbox, radx_buf *box,
                                radx_err *err)
{
    radx_buf *dg = NULL, *dr = NULL, *db = NULL;
    SI_RUN(ctx, err, (dg = si_in(s_, &a_, gl), dr = si_in(s_, &a_, roi), db = si_out(s_, &a_, box)),
           CPU_OP->level_box(NULL, dg, n, dr, nbox, db, err));
}

static radx_status si_firstorder(void *ctx, radx_buf *x, radx_buf *gl, int64_t n, int ng, double vv,
                                 const radx_params *p, double *out, radx_err *err)
{
    radx_buf *dx = NULL, *dg = NULL;
    SI_RUN(ctx, err, (dx = si_in(s_, &a_, x), dg = si_in(s_, &a_, gl)),
           CPU_OP->firstorder(NULL, dx, dg, n, ng, vv, p, out, err));
}

static radx_status si_texture(void *ctx, radx_class cls, const radx_box_bufs *in, const radx_params *p, double *out,
                              radx_err *err)
{
    radx_box_bufs d = *in;
    SI_RUN(ctx, err, (d.roi = si_in(s_, &a_, in->roi), d.gl = si_in(s_, &a_, in->gl)),
           CPU_OP->texture(NULL, cls, &d, p, out, err));
}

static radx_status si_shape(void *ctx, radx_class cls, const radx_box_bufs *in, const radx_params *p, double *out,
                            radx_err *err)
{
    radx_box_bufs d = *in;
    SI_RUN(ctx, err, (d.roi = si_in(s_, &a_, in->roi), d.gl = si_in(s_, &a_, in->gl)),
           CPU_OP->shape(NULL, cls, &d, p, out, err));
}

static radx_status si_voxel_firstorder(void *ctx, const radx_voxel_region *a, const radx_voxel_values *v,
                                       const radx_params *q, radx_buf *out, radx_err *err)
{
    radx_voxel_region da = *a;
    radx_voxel_values dv = *v;
    radx_buf *dout = NULL;
    SI_RUN(ctx, err,
           (da.mk = si_in(s_, &a_, a->mk), da.gl = si_in(s_, &a_, a->gl), da.aidx = si_in(s_, &a_, a->aidx),
            dv.val = si_in(s_, &a_, v->val), dv.gl = si_in(s_, &a_, v->gl), dout = si_out(s_, &a_, out)),
           CPU_OP->voxel_firstorder(NULL, &da, &dv, q, dout, err));
}

static radx_status si_voxel_texture(void *ctx, radx_class cls, const radx_voxel_region *a, radx_buf *present,
                                    const radx_params *q, radx_buf *out, radx_err *err)
{
    radx_voxel_region da = *a;
    radx_buf *dp = NULL, *dout = NULL;
    SI_RUN(ctx, err,
           (da.mk = si_in(s_, &a_, a->mk), da.gl = si_in(s_, &a_, a->gl), da.aidx = si_in(s_, &a_, a->aidx),
            dp = si_in(s_, &a_, present), dout = si_out(s_, &a_, out)),
           CPU_OP->voxel_texture(NULL, cls, &da, dp, q, dout, err));
}

static void si_destroy(void *ctx)
{
    stand_in *s = SI(ctx);
    while (s->bufs.head) radx_mirror_free(&s->bufs, s->bufs.head);
    free(s);
}

static const radx_backend_ops stand_in_ops = {
    "stand-in",
    {si_alloc, si_wrap, si_view, si_free, si_set, si_get, si_map},
    si_destroy,
    si_resample,
    si_log_filter,
    si_point_filter,
    si_gradient,
    si_mean_filter,
    si_simoncelli_filter,
    si_gabor_filter,
    si_separable_filter,
    si_wavelet_pass,
    si_lbp2d,
    si_lbp3d,
    si_roi_values,
    si_discretise,
    si_level_box,
    si_firstorder,
    si_texture,
    si_shape,
    si_voxel_firstorder,
    si_voxel_texture,
};

/* A stand-in device of `budget` bytes (0: unlimited) that declines every decline_every-th op. */
static inline radx_be stand_in_create(size_t budget, int decline_every)
{
    radx_be be = {NULL, NULL};
    stand_in *s = (stand_in *)calloc(1, sizeof *s);
    if (!s) return be;
    radx_mirror_dev dev = {si_dev_alloc, si_dev_free, si_copy, si_copy, si_host_alloc, si_host_free, s};
    radx_mirror_set_init(&s->bufs, &dev);
    s->budget = budget;
    s->decline_every = decline_every;
    be.ops = &stand_in_ops;
    be.ctx = s;
    return be;
}
#endif
