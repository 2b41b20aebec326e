/* SPDX-License-Identifier: BSD-3-Clause */
/* The CPU backend: plain-memory buffers and the reference implementation of every op. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "backend/backend.h"
#include "cpu/backend_cpu.h"
#include "cpu/log_filter.h"
#include "cpu/point_filter.h"
#include "cpu/gradient.h"
#include "cpu/separable_filter.h"
#include "cpu/gabor_filter.h"
#include "cpu/mean_filter.h"
#include "cpu/simoncelli_filter.h"
#include "cpu/wavelet.h"
#include "cpu/lbp.h"
#include "cpu/resample.h"
#include "features/discretise.h"
#include "rules/roi_rules.h"
#include "features/features.h"

/* ---- buffers: impl is the memory (a view or a wrap: someone else's) ---- */

static radx_buf *cpu_alloc(void *ctx, size_t bytes)
{
    (void)ctx;
    radx_buf *b = calloc(1, sizeof *b);
    void *p = malloc(bytes ? bytes : 1);
    if (!b || !p) {
        free(b);
        free(p);
        return NULL;
    }
    b->bytes = bytes;
    b->impl = p;
    return b;
}

static radx_buf *cpu_wrap(void *ctx, const void *host, size_t bytes)
{
    (void)ctx;
    radx_buf *b = calloc(1, sizeof *b);
    if (!b) return NULL;
    b->bytes = bytes;
    b->impl = (void *)host;
    b->view = 1;
    return b;
}

static radx_buf *cpu_view(void *ctx, radx_buf *parent, size_t off, size_t bytes)
{
    (void)ctx;
    if (off > parent->bytes || bytes > parent->bytes - off) return NULL;
    radx_buf *b = calloc(1, sizeof *b);
    if (!b) return NULL;
    b->bytes = bytes;
    b->impl = parent->impl;
    b->off = parent->off + off;
    b->view = 1;
    return b;
}

static void cpu_free(void *ctx, radx_buf *b)
{
    (void)ctx;
    if (!b) return;
    if (!b->view) free(b->impl);
    free(b);
}

static radx_status range_check(const radx_buf *b, size_t off, size_t bytes, radx_err *err)
{
    if (off > b->bytes || bytes > b->bytes - off)
        return radx_seterr(err, RADX_ERR_INTERNAL, "buffer: [%zu, %zu) outside its %zu bytes", off, off + bytes,
                           b->bytes);
    return RADX_OK;
}

static radx_status cpu_set(void *ctx, radx_buf *b, size_t off, const void *src, size_t bytes, radx_err *err)
{
    (void)ctx;
    radx_status st = range_check(b, off, bytes, err);
    if (!st && bytes) memcpy((char *)radx_cpu_ptr(b) + off, src, bytes);
    return st;
}

static radx_status cpu_get(void *ctx, radx_buf *b, size_t off, void *dst, size_t bytes, radx_err *err)
{
    (void)ctx;
    radx_status st = range_check(b, off, bytes, err);
    if (!st && bytes) memcpy(dst, (const char *)radx_cpu_ptr(b) + off, bytes);
    return st;
}

static void *cpu_map(void *ctx, radx_buf *b, radx_map_mode mode, radx_err *err)
{
    (void)ctx;
    (void)mode;
    (void)err;
    return radx_cpu_ptr(b);
}

/* ---- ops ---- */

#define PTR(T, b) ((T *)radx_cpu_ptr(b))

static radx_status cpu_resample(void *ctx, const radx_volume *img, const radx_volume *mask, const radx_params *p,
                                uint32_t label, radx_volume *img_out, radx_volume *mask_out, radx_err *err)
{
    return radx_resample(img, mask, p, label, img_out, mask_out, err);
}

static radx_volume host_volume(const radx_volbuf *v)
{
    radx_volume h;
    h.g = v->g;
    h.dtype = v->dtype;
    h.data = radx_cpu_ptr(v->buf);
    return h;
}

static radx_status cpu_log_filter(void *ctx, const radx_volbuf *in, double sigma_mm, const radx_log_spec *spec,
                                  radx_volbuf *out, radx_err *err)
{
    radx_log_opts o;
    const radx_volume hin = host_volume(in);
    radx_volume hout;
    radx_status st = radx_log_prepare_spec(&hin, sigma_mm, spec, &o, err);
    if (st == RADX_OK) st = radx_log_filter_into(&hin, sigma_mm, &o, PTR(float, out->buf), &hout, err);
    if (st == RADX_OK) {
        out->g = hout.g;
        out->dtype = hout.dtype;
    }
    return st;
}

static radx_status cpu_mean_filter(void *ctx, const radx_volbuf *in, const radx_mean_spec *spec, radx_volbuf *out,
                                   radx_err *err)
{
    const radx_volume hin = host_volume(in);
    radx_status st = radx_mean_filter_into(&hin, spec, PTR(float, out->buf), err);
    if (st == RADX_OK) {
        out->g = in->g;
        out->dtype = RADX_DT_F32;
    }
    return st;
}

static radx_status cpu_separable_filter(void *ctx, const radx_volbuf *in, const radx_sep_spec *spec, radx_volbuf *out,
                                        radx_err *err)
{
    const radx_volume hin = host_volume(in);
    radx_status st = radx_separable_filter_into(&hin, spec, PTR(float, out->buf), err);
    if (st == RADX_OK) {
        out->g = in->g;
        out->dtype = RADX_DT_F32;
    }
    return st;
}

static radx_status cpu_gabor_filter(void *ctx, const radx_volbuf *in, const radx_gabor_spec *spec, radx_volbuf *out,
                                    radx_err *err)
{
    const radx_volume hin = host_volume(in);
    radx_status st = radx_gabor_filter_into(&hin, spec, PTR(float, out->buf), err);
    if (st == RADX_OK) {
        out->g = in->g;
        out->dtype = RADX_DT_F32;
    }
    return st;
}

static radx_status cpu_simoncelli_filter(void *ctx, const radx_volbuf *in, int level, radx_volbuf *out, radx_err *err)
{
    const radx_volume hin = host_volume(in);
    radx_status st = radx_simoncelli_filter_into(&hin, level, PTR(float, out->buf), err);
    if (st == RADX_OK) {
        out->g = in->g;
        out->dtype = RADX_DT_F32;
    }
    return st;
}

static radx_status cpu_point_filter(void *ctx, const radx_volbuf *in, radx_point_filter f, radx_volbuf *out,
                                    radx_err *err)
{
    (void)ctx;
    const radx_volume hin = host_volume(in);
    radx_status st = radx_point_filter_into(&hin, f, PTR(double, out->buf), err);
    if (st == RADX_OK) {
        out->g = in->g;
        out->dtype = RADX_DT_F64;
    }
    return st;
}

static radx_status cpu_gradient(void *ctx, const radx_volbuf *in, int use_spacing, radx_volbuf *out, radx_err *err)
{
    (void)ctx;
    const radx_volume hin = host_volume(in);
    radx_status st = radx_gradient_into(&hin, use_spacing, PTR(float, out->buf), err);
    if (st == RADX_OK) {
        out->g = in->g;
        out->dtype = RADX_DT_F32;
    }
    return st;
}

static radx_status cpu_wavelet_pass(void *ctx, const radx_wavelet_pass *w, radx_buf *in, radx_buf *out, radx_err *err)
{
    (void)ctx;
    return radx_wavelet_pass_into(w, PTR(const void, in), PTR(void, out), err);
}

static radx_status cpu_lbp2d(void *ctx, const radx_lbp2d *l, const radx_volbuf *img, radx_buf *out, radx_err *err)
{
    (void)ctx;
    return radx_lbp2d_into(l, PTR(const void, img->buf), PTR(void, out), err);
}

static radx_status cpu_lbp3d(void *ctx, const radx_lbp3d *t, radx_buf *coef, const radx_volbuf *img, radx_buf *roi,
                             int64_t n, radx_buf *out, radx_err *err)
{
    (void)ctx;
    return radx_lbp3d_into(t, PTR(const double, coef), PTR(const void, img->buf), PTR(const int64_t, roi), n,
                           PTR(double, out), err);
}

static radx_status cpu_roi_values(void *ctx, const radx_volbuf *img, radx_buf *roi, const int64_t dims_zyx[3],
                                  const int64_t lo_xyz[3], radx_buf *x, int64_t n, radx_roi_stats *s, radx_err *err)
{
    const radx_volume h = host_volume(img);
    return radx_roi_values_host(&h, PTR(const uint8_t, roi), dims_zyx, lo_xyz, PTR(double, x), n, s, err);
}

static radx_status cpu_discretise(void *ctx, radx_buf *x, int64_t n, const double *edges, int nedges, radx_buf *gl,
                                  int *ng, radx_err *err)
{
    *ng = radx_discretise(PTR(const double, x), n, edges, nedges, PTR(int32_t, gl));
    return RADX_OK;
}

static radx_status cpu_level_box(void *ctx, radx_buf *gl, int64_t n, radx_buf *roi, int64_t nbox, radx_buf *glbox,
                                 radx_err *err)
{
    return radx_level_box_host(PTR(const int32_t, gl), n, PTR(const uint8_t, roi), nbox, PTR(int32_t, glbox), err);
}

static radx_status cpu_firstorder(void *ctx, radx_buf *x, radx_buf *gl, int64_t n, int ng, double voxel_volume,
                                  const radx_params *p, double *out, radx_err *err)
{
    return radx_firstorder_compute(PTR(const double, x), PTR(const int32_t, gl), n, ng, voxel_volume, p, out, err);
}

static radx_texture_input texture_input(const radx_box_bufs *in)
{
    radx_texture_input t;
    memcpy(t.dims_zyx, in->dims_zyx, sizeof t.dims_zyx);
    memcpy(t.spacing_zyx, in->spacing_zyx, sizeof t.spacing_zyx);
    t.gl = PTR(const int32_t, in->gl);
    t.roi = PTR(const uint8_t, in->roi);
    t.morph = in->morph ? PTR(const uint8_t, in->morph) : NULL;
    t.ng = in->ng;
    t.n_roi = in->n_roi;
    return t;
}

static radx_status cpu_texture(void *ctx, radx_class cls, const radx_box_bufs *in, const radx_params *p, double *out,
                               radx_err *err)
{
    const radx_texture_input t = texture_input(in);
    return radx_texture_compute(cls, &t, p, out, err);
}

static radx_status cpu_shape(void *ctx, radx_class cls, const radx_box_bufs *in, const radx_params *p, double *out,
                             radx_err *err)
{
    radx_shape_input s;
    memcpy(s.dims_zyx, in->dims_zyx, sizeof s.dims_zyx);
    memcpy(s.spacing_zyx, in->spacing_zyx, sizeof s.spacing_zyx);
    s.roi = PTR(const uint8_t, in->roi);
    s.n_roi = in->n_roi;
    if (cls == RADX_CLASS_SHAPE) return radx_shape_compute(&s, p, out, err);
    if (cls == RADX_CLASS_SHAPE2D) return radx_shape2d_compute(&s, p, out, err);
    return radx_seterr(err, RADX_ERR_INTERNAL, "not a shape class: %d", (int)cls);
}

const radx_backend_ops radx_cpu_backend = {
    .name = "cpu",
    .buf = {cpu_alloc, cpu_wrap, cpu_view, cpu_free, cpu_set, cpu_get, cpu_map},
    .destroy = NULL,
    .resample = cpu_resample,
    .log_filter = cpu_log_filter,
    .point_filter = cpu_point_filter,
    .gradient = cpu_gradient,
    .mean_filter = cpu_mean_filter,
    .gabor_filter = cpu_gabor_filter,
    .simoncelli_filter = cpu_simoncelli_filter,
    .separable_filter = cpu_separable_filter,
    .wavelet_pass = cpu_wavelet_pass,
    .lbp2d = cpu_lbp2d,
    .lbp3d = cpu_lbp3d,
    .roi_values = cpu_roi_values,
    .discretise = cpu_discretise,
    .level_box = cpu_level_box,
    .firstorder = cpu_firstorder,
    .texture = cpu_texture,
    .shape = cpu_shape,
    .voxel_firstorder = radx_cpu_voxel_firstorder, /* host/cpu/voxel_ops.c */
    .voxel_texture = radx_cpu_voxel_texture,
};

/* ---- the host rules behind roi_values and level_box (also the CUDA backend's host halves) ---- */

radx_status radx_roi_values_host(const radx_volume *img, const uint8_t *roi, const int64_t dims_zyx[3],
                                 const int64_t lo_xyz[3], double *x, int64_t n, radx_roi_stats *s, radx_err *err)
{
    const int64_t nbox = dims_zyx[0] * dims_zyx[1] * dims_zyx[2];
    int64_t k = 0;
    s->nonfinite = 0;
    s->first_nonfinite = -1;
    s->min = INFINITY;
    s->max = -INFINITY;
    const int64_t nx = dims_zyx[2];
    for (int64_t row = 0; row < nbox; row += nx) {
        /* one box row is one run of image voxels: the rule's index for its first, then + i */
        const int64_t src0 = radx_roi_src_index(row, dims_zyx, lo_xyz, img->g.size);
        for (int64_t i = 0; i < nx; i++) {
            const int64_t v = row + i;
            if (!roi[v]) continue;
            if (k == n)
                return radx_seterr(err, RADX_ERR_INTERNAL, "ROI values: more than the %lld expected", (long long)n);
            const double val = radx_value_at((int)img->dtype, img->data, src0 + i);
            x[k++] = val;
            if (!isfinite(val)) {
                if (s->first_nonfinite < 0) s->first_nonfinite = v;
                s->nonfinite++;
            }
            if (val < s->min) s->min = val;
            if (val > s->max) s->max = val;
        }
    }
    if (k != n)
        return radx_seterr(err, RADX_ERR_INTERNAL, "ROI values: %lld, not the %lld expected", (long long)k,
                           (long long)n);
    return RADX_OK;
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
        return radx_seterr(err, RADX_ERR_INTERNAL, "level box: %lld ROI voxels in the box, %lld levels", (long long)k,
                           (long long)n);
    return RADX_OK;
}
