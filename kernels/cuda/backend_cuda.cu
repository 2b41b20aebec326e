/* SPDX-License-Identifier: BSD-3-Clause */
/* The CUDA backend (host/backend/backend.h): buffers whose contents live on the device and reach
 * the host only when mapped or read (host/backend/mirror.h), and the ops, each a stage of
 * kernels/cuda/<stage>.cu.  A stage the device has no room for is tried once more after the
 * buffers' device copies are freed, then declined, and the CPU backend runs it on the buffers'
 * host contents (host/backend/dispatch.c); shape2D and kernels larger than the per-voxel rules
 * take are declined too. */
#include <cuda_runtime.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "backend/cuda.h"
#include "cpu/backend_cpu.h"       /* radx_voxel_rule_inputs */
#include "features/ibsi_texture.h" /* radx_aggregation_for_class */
#include "cuda/cuda_check.cuh"
#include "cuda/device_mem.cuh"
#include "cuda/fft_cufft.h"
#include "cuda/stages.h"
#include "rules/voxel_rules.h"

extern "C" int radx_cuda_device_count(void)
{
    int n = 0;
    if (cudaGetDeviceCount(&n) != cudaSuccess) {
        cudaGetLastError(); /* clear the sticky error */
        return 0;
    }
    return n;
}

static radx_cuda *CU(void *ctx) { return (radx_cuda *)ctx; }

/* ---- buffers ---- */

static radx_buf *buf_of(radx_mirror *m, size_t bytes)
{
    if (!m) return NULL;
    radx_buf *b = (radx_buf *)calloc(1, sizeof *b);
    if (!b) return NULL;
    b->bytes = bytes;
    b->impl = m;
    return b;
}

static radx_buf *cuda_alloc(void *ctx, size_t bytes)
{
    radx_mirror *m = radx_mirror_new(&CU(ctx)->bufs, bytes);
    radx_buf *b = buf_of(m, bytes);
    if (!b) radx_mirror_free(&CU(ctx)->bufs, m);
    return b;
}

static radx_buf *cuda_wrap(void *ctx, const void *host, size_t bytes)
{
    radx_mirror *m = radx_mirror_wrap(&CU(ctx)->bufs, host, bytes);
    radx_buf *b = buf_of(m, bytes);
    if (!b) radx_mirror_free(&CU(ctx)->bufs, m);
    return b;
}

static radx_buf *cuda_view(void *ctx, radx_buf *parent, size_t off, size_t bytes)
{
    if (off > parent->bytes || bytes > parent->bytes - off) return NULL;
    radx_buf *b = buf_of((radx_mirror *)parent->impl, bytes);
    if (!b) return NULL;
    b->off = parent->off + off;
    b->view = 1;
    return b;
}

static void cuda_free(void *ctx, radx_buf *b)
{
    if (!b) return;
    radx_mirror *m = (radx_mirror *)b->impl;
    if (!b->view && m->d && !m->h_own) { /* the caller's memory: no upload from it may still be queued */
        cudaStreamSynchronize(CU(ctx)->stream);
        cudaGetLastError();
    }
    if (!b->view) radx_mirror_free(&CU(ctx)->bufs, m);
    free(b);
}

static radx_status no_copy(radx_err *err, const char *what, size_t bytes)
{
    return radx_seterr(err, RADX_ERR_DEVICE, "CUDA buffer: %s of %zu bytes failed (out of host memory or a CUDA error)",
                       what, bytes);
}

static int in_range(const radx_buf *b, size_t off, size_t bytes) { return off <= b->bytes && bytes <= b->bytes - off; }

static radx_status cuda_set(void *ctx, radx_buf *b, size_t off, const void *src, size_t bytes, radx_err *err)
{
    if (!in_range(b, off, bytes)) return radx_seterr(err, RADX_ERR_INTERNAL, "CUDA buffer: set outside the buffer");
    char *h = (char *)radx_cuda_host_write(CU(ctx), b, off == 0 && bytes == b->bytes);
    if (!h) return no_copy(err, "a host write", b->bytes);
    if (bytes) memcpy(h + off, src, bytes);
    return RADX_OK;
}

static radx_status cuda_get(void *ctx, radx_buf *b, size_t off, void *dst, size_t bytes, radx_err *err)
{
    if (!in_range(b, off, bytes)) return radx_seterr(err, RADX_ERR_INTERNAL, "CUDA buffer: get outside the buffer");
    const char *h = (const char *)radx_cuda_host_read(CU(ctx), b);
    if (!h) return no_copy(err, "a download", b->bytes);
    if (bytes) memcpy(dst, h + off, bytes);
    return RADX_OK;
}

static void *cuda_map(void *ctx, radx_buf *b, radx_map_mode mode, radx_err *err)
{
    void *h = mode == RADX_MAP_READ    ? (void *)radx_cuda_host_read(CU(ctx), b)
              : mode == RADX_MAP_WRITE ? radx_cuda_host_write(CU(ctx), b, 1)
                                       : radx_cuda_host_write(CU(ctx), b, 0);
    if (!h) no_copy(err, mode == RADX_MAP_WRITE ? "a host copy" : "a download", b->bytes);
    return h;
}

/* ---- running a stage ---- */

static radx_status decline(radx_err *err)
{
    err->status = RADX_OK;
    err->msg[0] = '\0';
    return RADX_ERR_UNSUPPORTED;
}

/* Runs stage() on the device; when the device had no room (the budget or the driver refused an
 * allocation: kernels/cuda/device_mem.cuh), frees the buffers' device copies (they come back at
 * their next use) and runs it once more, and declines the op when that fails too, counting a
 * CPU fallback: a case too big for the device is computed, not refused. */
template <class Stage> static radx_status on_device(radx_cuda *cu, radx_err *err, Stage stage)
{
    radx_dev::clear_oom();
    radx_status st = stage();
    if (st == RADX_ERR_NOMEM && radx_dev::oom() && radx_mirror_evict(&cu->bufs) > 0) {
        cudaStreamSynchronize(cu->stream); /* the frees have run: the pool's figures are true */
        cudaGetLastError();
        radx_dev::clear_oom();
        err->status = RADX_OK;
        err->msg[0] = '\0';
        st = stage();
    }
    if (st == RADX_ERR_NOMEM && radx_dev::oom()) {
        cu->fallbacks++;
        return decline(err);
    }
    return st;
}

/* The device has no room for a buffer a stage needs (counted as a shortage). */
static radx_status no_room(radx_err *err, const char *what)
{
    radx_dev::note_oom();
    return radx_seterr(err, RADX_ERR_NOMEM, "%s (CUDA): out of GPU memory for its inputs", what);
}

/* ---- ops ---- */

static radx_status cuda_resample(void *ctx, const radx_volume *img, const radx_volume *mask, const radx_params *p,
                                 uint32_t label, radx_volume *img_out, radx_volume *mask_out, radx_err *err)
{
    radx_cuda *cu = CU(ctx);
    return on_device(cu, err, [&] { return radx_cuda_resample(cu, img, mask, p, label, img_out, mask_out, err); });
}

static radx_status cuda_log_filter(void *ctx, const radx_volbuf *in, double sigma_mm, const radx_log_spec *spec,
                                   radx_volbuf *out, radx_err *err)
{
    radx_cuda *cu = CU(ctx);
    return on_device(cu, err, [&] { return radx_cuda_log_filter(cu, in, sigma_mm, spec, out, err); });
}

static radx_status cuda_point_filter(void *ctx, const radx_volbuf *in, radx_point_filter f, radx_volbuf *out,
                                     radx_err *err)
{
    radx_cuda *cu = CU(ctx);
    return on_device(cu, err, [&] { return radx_cuda_point_filter(cu, in, f, out, err); });
}

static radx_status cuda_gradient(void *ctx, const radx_volbuf *in, int use_spacing, radx_volbuf *out, radx_err *err)
{
    radx_cuda *cu = CU(ctx);
    return on_device(cu, err, [&] { return radx_cuda_gradient(cu, in, use_spacing, out, err); });
}

static radx_status cuda_mean_filter(void *ctx, const radx_volbuf *in, const radx_mean_spec *spec, radx_volbuf *out,
                                    radx_err *err)
{
    radx_cuda *cu = CU(ctx);
    return on_device(cu, err, [&] { return radx_cuda_mean_filter(cu, in, spec, out, err); });
}

/* Gabor: the CPU's (its FFTs in double; cuFFT's Z2Z would take them on the device) */
static radx_status cuda_gabor_filter(void *ctx, const radx_volbuf *in, const radx_gabor_spec *spec, radx_volbuf *out,
                                     radx_err *err)
{
    return decline(err);
}

/* Simoncelli: the CPU's (its FFT in double; cuFFT's Z2Z would take it on the device) */
static radx_status cuda_simoncelli_filter(void *ctx, const radx_volbuf *in, int level, radx_volbuf *out, radx_err *err)
{
    return decline(err);
}

static radx_status cuda_separable_filter(void *ctx, const radx_volbuf *in, const radx_sep_spec *spec, radx_volbuf *out,
                                         radx_err *err)
{
    radx_cuda *cu = CU(ctx);
    return on_device(cu, err, [&] { return radx_cuda_separable_filter(cu, in, spec, out, err); });
}

static radx_status cuda_wavelet_pass(void *ctx, const radx_wavelet_pass *w, radx_buf *in, radx_buf *out, radx_err *err)
{
    radx_cuda *cu = CU(ctx);
    return on_device(cu, err, [&] { return radx_cuda_wavelet_pass(cu, w, in, out, err); });
}

static radx_status cuda_lbp2d(void *ctx, const radx_lbp2d *l, const radx_volbuf *img, radx_buf *out, radx_err *err)
{
    radx_cuda *cu = CU(ctx);
    return on_device(cu, err, [&] { return radx_cuda_lbp2d(cu, l, img, out, err); });
}

static radx_status cuda_lbp3d(void *ctx, const radx_lbp3d *t, radx_buf *coef, const radx_volbuf *img, radx_buf *roi,
                              int64_t n, radx_buf *out, radx_err *err)
{
    radx_cuda *cu = CU(ctx);
    return on_device(cu, err, [&] { return radx_cuda_lbp3d(cu, t, coef, img, roi, n, out, err); });
}

static radx_status cuda_roi_values(void *ctx, const radx_volbuf *img, radx_buf *roi, const int64_t dims_zyx[3],
                                   const int64_t lo_xyz[3], radx_buf *x, int64_t n, radx_roi_stats *s, radx_err *err)
{
    radx_cuda *cu = CU(ctx);
    return on_device(cu, err, [&] { return radx_cuda_roi_values(cu, img, roi, dims_zyx, lo_xyz, x, n, s, err); });
}

static radx_status cuda_discretise(void *ctx, radx_buf *x, int64_t n, const double *edges, int nedges, radx_buf *gl,
                                   int *ng, radx_err *err)
{
    radx_cuda *cu = CU(ctx);
    return on_device(cu, err, [&] { return radx_cuda_discretise(cu, x, n, edges, nedges, gl, ng, err); });
}

static radx_status cuda_level_box(void *ctx, radx_buf *gl, int64_t n, radx_buf *roi, int64_t nbox, radx_buf *glbox,
                                  radx_err *err)
{
    radx_cuda *cu = CU(ctx);
    return on_device(cu, err, [&] { return radx_cuda_level_box(cu, gl, n, roi, nbox, glbox, err); });
}

static radx_status cuda_firstorder(void *ctx, radx_buf *x, radx_buf *gl, int64_t n, int ng, double voxel_volume,
                                   const radx_params *p, double *out, radx_err *err)
{
    radx_cuda *cu = CU(ctx);
    return on_device(cu, err, [&] { return radx_cuda_firstorder(cu, x, gl, n, ng, voxel_volume, p, out, err); });
}

/* The box's host copies (which the stages' set-up reads) and device copies (NULL when the
 * device has no room: the stage then uploads or tiles). */
static radx_status cuda_box(radx_cuda *cu, const radx_box_bufs *in, radx_cuda_box *b, radx_err *err)
{
    memset(b, 0, sizeof *b);
    memcpy(b->in.dims_zyx, in->dims_zyx, sizeof b->in.dims_zyx);
    memcpy(b->in.spacing_zyx, in->spacing_zyx, sizeof b->in.spacing_zyx);
    b->in.ng = in->ng;
    b->in.n_roi = in->n_roi;
    b->in.roi = (const uint8_t *)radx_cuda_host_read(cu, in->roi);
    b->in.gl = in->gl ? (const int32_t *)radx_cuda_host_read(cu, in->gl) : NULL;
    if (!b->in.roi || (in->gl && !b->in.gl)) return no_copy(err, "the ROI box's host copy", in->roi->bytes);
    const int was_oom = radx_dev::oom();
    b->d_roi = (const uint8_t *)radx_cuda_dev_read(cu, in->roi);
    b->d_gl = in->gl && b->d_roi ? (const int32_t *)radx_cuda_dev_read(cu, in->gl) : NULL;
    if (!was_oom) radx_dev::clear_oom(); /* the stage copes without them */
    return RADX_OK;
}

static radx_status cuda_texture(void *ctx, radx_class cls, const radx_box_bufs *in, const radx_params *p, double *out,
                                radx_err *err)
{
    radx_cuda *cu = CU(ctx);
    const radx_aggregation agg = radx_aggregation_for_class(cls, p->aggregation, p);
    if (cls == RADX_CLASS_NGLDM && (agg == RADX_AGG_3D || agg == RADX_AGG_25D))
        return on_device(cu, err, [&] {
            radx_cuda_box b;
            radx_status st = cuda_box(cu, in, &b, err);
            return st ? st : radx_cuda_ngldm(cu, &b, p, agg == RADX_AGG_25D, out, err);
        });
    if (p->aggregation != RADX_AGG_PYRADIOMICS) return decline(err); /* other IBSI aggregations: the CPU's */
    radx_status (*stage)(radx_cuda *, const radx_cuda_box *, const radx_params *, double *, radx_err *) =
        cls == RADX_CLASS_GLCM    ? radx_cuda_glcm
        : cls == RADX_CLASS_GLRLM ? radx_cuda_glrlm
        : cls == RADX_CLASS_GLSZM ? radx_cuda_glszm
        : cls == RADX_CLASS_GLDM  ? radx_cuda_gldm
        : cls == RADX_CLASS_NGTDM ? radx_cuda_ngtdm
                                  : NULL;
    if (!stage) return decline(err);
    return on_device(cu, err, [&] {
        radx_cuda_box b;
        radx_status st = cuda_box(cu, in, &b, err);
        return st ? st : stage(cu, &b, p, out, err);
    });
}

static radx_status cuda_shape(void *ctx, radx_class cls, const radx_box_bufs *in, const radx_params *p, double *out,
                              radx_err *err)
{
    radx_cuda *cu = CU(ctx);
    if (cls != RADX_CLASS_SHAPE) return decline(err); /* shape2D: a slice, small work for the CPU */
    return on_device(cu, err, [&] {
        radx_box_bufs roi_only = *in;
        roi_only.gl = NULL;
        radx_cuda_box b;
        radx_status st = cuda_box(cu, &roi_only, &b, err);
        return st ? st : radx_cuda_shape(cu, &b, p, out, err);
    });
}

/* The region's mask and ROI voxels on the device: 0, or -1 (no room). */
static int region_on_device(radx_cuda *cu, const radx_voxel_region *a, const uint8_t **mk, const int64_t **aidx)
{
    *mk = (const uint8_t *)radx_cuda_dev_read(cu, a->mk);
    *aidx = (const int64_t *)radx_cuda_dev_read(cu, a->aidx);
    return *mk && *aidx ? 0 : -1;
}

/* 1 when the kernels of the region are larger than the per-voxel rules take (the CPU's op). */
static int kernel_too_large(const radx_voxel_region *a, const radx_params *q)
{
    const int f2d = q->force2d ? 2 - q->force2d_dimension : -1;
    return radx_vm_kernel_max(a->dim, q->kernel_radius, f2d) > RADX_VFO_MAX;
}

static radx_status cuda_voxel_firstorder(void *ctx, const radx_voxel_region *a, const radx_voxel_values *v,
                                         const radx_params *q, radx_buf *out, radx_err *err)
{
    radx_cuda *cu = CU(ctx);
    if (kernel_too_large(a, q)) return decline(err);
    return on_device(cu, err, [&] {
        radx_vfo_input in;
        memset(&in, 0, sizeof in);
        if (region_on_device(cu, a, &in.mk, &in.aidx)) return no_room(err, "first-order voxel map");
        in.val = (const double *)radx_cuda_dev_read(cu, v->val);
        in.gl = (const int32_t *)radx_cuda_dev_read(cu, v->gl);
        double *d_out = (double *)radx_cuda_dev_write(cu, out, 1);
        if (!in.val || !in.gl || !d_out) return no_room(err, "first-order voxel map");
        memcpy(in.dim, a->dim, sizeof in.dim);
        in.nroi = a->nroi;
        in.r = q->kernel_radius;
        in.f2d_xyz = q->force2d ? 2 - q->force2d_dimension : -1;
        in.voxel_volume = a->voxel_volume;
        in.shift = q->voxel_array_shift;
        in.excess = q->ibsi_kurtosis_excess;
        return radx_cuda_voxel_firstorder(cu, &in, d_out, err);
    });
}

static radx_status cuda_voxel_texture(void *ctx, radx_class cls, const radx_voxel_region *a, radx_buf *present,
                                      const radx_params *q, radx_buf *out, radx_err *err)
{
    radx_cuda *cu = CU(ctx);
    if (cls < RADX_CLASS_GLCM || cls > RADX_CLASS_NGTDM || kernel_too_large(a, q)) return decline(err);
    return on_device(cu, err, [&] {
        const uint8_t *mk = NULL, *d_present = NULL;
        const int64_t *aidx = NULL;
        if (region_on_device(cu, a, &mk, &aidx)) return no_room(err, "voxel map");
        const int32_t *gl = (const int32_t *)radx_cuda_dev_read(cu, a->gl);
        if (!gl) return no_room(err, "voxel map");
        if (cls == RADX_CLASS_GLCM && !(d_present = (const uint8_t *)radx_cuda_dev_read(cu, present)))
            return no_room(err, "GLCM voxel map");
        double *d_out = (double *)radx_cuda_dev_write(cu, out, 1);
        if (!d_out) return no_room(err, "voxel map");
        int nlev = 0;
        const uint8_t *h_present = cls == RADX_CLASS_GLCM ? (const uint8_t *)radx_cuda_host_read(cu, present) : NULL;
        for (int l = 1; h_present && l <= a->ng; l++) nlev += h_present[l] != 0;
        radx_vglcm_in g;
        radx_vgldm_in d;
        radx_voxel_rule_inputs(a, q, mk, gl, d_present, nlev, &g, &d); /* host/cpu/voxel_ops.c */
        return radx_cuda_voxel_texture(cu, cls, &g, &d, aidx, a->nroi, d_out, err);
    });
}

static void cuda_destroy(void *ctx)
{
    radx_cuda *cu = CU(ctx);
    if (!cu) return;
    while (cu->bufs.head) radx_mirror_free(&cu->bufs, cu->bufs.head); /* buffers the caller left */
    cudaStreamSynchronize(cu->stream);
    cudaGetLastError();
    radx_cufft_cache_free(cu->fft);
    radx_dev::host_pool_clear(&cu->pool);
    cudaStreamDestroy(cu->stream);
    free(cu);
}

static const radx_backend_ops cuda_ops = {
    "cuda",
    {cuda_alloc, cuda_wrap, cuda_view, cuda_free, cuda_set, cuda_get, cuda_map},
    cuda_destroy,
    cuda_resample,
    cuda_log_filter,
    cuda_point_filter,
    cuda_gradient,
    cuda_mean_filter,
    cuda_simoncelli_filter,
    cuda_gabor_filter,
    cuda_separable_filter,
    cuda_wavelet_pass,
    cuda_lbp2d,
    cuda_lbp3d,
    cuda_roi_values,
    cuda_discretise,
    cuda_level_box,
    cuda_firstorder,
    cuda_texture,
    cuda_shape,
    cuda_voxel_firstorder,
    cuda_voxel_texture,
};

extern "C" void radx_cuda_backend_stats(void *ctx, radx_device_stats *s)
{
    memset(s, 0, sizeof *s);
    const radx_cuda *cu = CU(ctx);
    if (!cu) return;
    s->peak_bytes = cu->peak;
    s->budget_bytes = cu->own_budget && cu->own_budget < radx_dev::budget() ? cu->own_budget : radx_dev::budget();
    s->cpu_fallbacks = cu->fallbacks;
    s->tiled_ops = cu->tiled;
    s->upload_bytes = cu->bufs.n.up;
    s->download_bytes = cu->bufs.n.down;
    s->upload_bytes_saved = cu->bufs.n.up_saved;
    s->download_bytes_saved = cu->bufs.n.down_saved;
    s->narrow_bytes_saved = cu->narrow_saved;
}

extern "C" void radx_cuda_backend_set_budget(void *ctx, size_t bytes)
{
    if (ctx) CU(ctx)->own_budget = bytes;
}

extern "C" void radx_cuda_backend_set_angular_mode(void *ctx, int mode)
{
    if (ctx) CU(ctx)->angular_mode = mode;
}

extern "C" void *radx_cuda_backend_stream(void *ctx) { return ctx ? (void *)CU(ctx)->stream : NULL; }

extern "C" radx_status radx_cuda_backend_create(radx_be *be, radx_err *err)
{
    be->ops = NULL;
    be->ctx = NULL;
    int n = 0;
    cudaError_t e = cudaGetDeviceCount(&n);
    if (e != cudaSuccess || n == 0) {
        cudaGetLastError();
        return radx_seterr(err, RADX_ERR_DEVICE, "--device cuda: no usable CUDA device (%s)",
                           e != cudaSuccess ? cudaGetErrorString(e) : "no device found");
    }
    cudaDeviceProp prop;
    RADX_CUDA_TRY(cudaGetDeviceProperties(&prop, 0), err);
    if (prop.major < 7)
        return radx_seterr(err, RADX_ERR_DEVICE,
                           "--device cuda: device 0 (%s) has compute capability %d.%d; radx needs 7.0 or newer",
                           prop.name, prop.major, prop.minor);
    radx_cuda *cu = (radx_cuda *)calloc(1, sizeof *cu);
    if (cu) cu->fft = radx_cufft_cache_new();
    if (!cu || !cu->fft) {
        free(cu);
        return radx_seterr(err, RADX_ERR_NOMEM, "out of memory");
    }
    e = cudaStreamCreateWithFlags(&cu->stream, cudaStreamNonBlocking);
    if (e != cudaSuccess) {
        radx_cufft_cache_free(cu->fft);
        free(cu);
        return radx_seterr(err, RADX_ERR_DEVICE, "CUDA stream creation failed: %s", cudaGetErrorString(e));
    }
    const radx_mirror_dev md = radx_dev::mirror_dev(cu);
    radx_mirror_set_init(&cu->bufs, &md);
    be->ops = &cuda_ops;
    be->ctx = cu;
    return RADX_OK;
}
