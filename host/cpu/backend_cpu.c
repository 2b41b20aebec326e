/* SPDX-License-Identifier: BSD-3-Clause */
/* The CPU backend: the reference implementation of every op. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "backend/backend.h"
#include "pipeline/discretise.h"
#include "rules/roi_rules.h"

static radx_status cpu_discretise(void *ctx, const double *x, int64_t n, const double *edges,
                                  int nedges, int32_t *gl, int *ng, radx_err *err)
{
    *ng = radx_discretise(x, n, edges, nedges, gl);
    return RADX_OK;
}

static radx_status cpu_firstorder(void *ctx, const double *x, const int32_t *gl, int64_t n, int ng,
                                  double voxel_volume, const radx_params *p, double *out,
                                  radx_err *err)
{
    return radx_firstorder_compute(x, gl, n, ng, voxel_volume, p, out, err);
}

static radx_status cpu_texture(void *ctx, radx_class cls, const radx_texture_input *in,
                               const radx_params *p, double *out, radx_err *err)
{
    switch (cls) {
    case RADX_CLASS_GLCM: return radx_glcm_compute(in, p, out, err);
    case RADX_CLASS_GLRLM: return radx_glrlm_compute(in, p, out, err);
    case RADX_CLASS_GLSZM: return radx_glszm_compute(in, p, out, err);
    case RADX_CLASS_GLDM: return radx_gldm_compute(in, p, out, err);
    case RADX_CLASS_NGTDM: return radx_ngtdm_compute(in, p, out, err);
    default: return radx_seterr(err, RADX_ERR_INTERNAL, "not a texture class: %d", (int)cls);
    }
}

static radx_status cpu_shape(void *ctx, radx_class cls, const radx_shape_input *in,
                             const radx_params *p, double *out, radx_err *err)
{
    if (cls == RADX_CLASS_SHAPE) return radx_shape_compute(in, p, out, err);
    if (cls == RADX_CLASS_SHAPE2D) return radx_shape2d_compute(in, p, out, err);
    return radx_seterr(err, RADX_ERR_INTERNAL, "not a shape class: %d", (int)cls);
}

static radx_status cpu_log_filter(void *ctx, const radx_volume *in, double sigma_mm, radx_log_mode mode,
                                  radx_volume *out, radx_err *err)
{
    (void)ctx;
    if (!out || !out->data) return radx_log_filter(in, sigma_mm, mode, out, err);
    /* the caller's buffer (a device backend's contract, honoured here for its CPU fallback) */
    void *buf = out->data;
    radx_volume tmp;
    radx_status st = radx_log_filter(in, sigma_mm, mode, &tmp, err);
    if (st != RADX_OK) return st;
    memcpy(buf, tmp.data, sizeof(float) * (size_t)radx_geom_nvox(&tmp.g));
    *out = tmp;
    out->data = buf;
    free(tmp.data);
    return RADX_OK;
}

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
    if (k != n) return radx_seterr(err, RADX_ERR_INTERNAL, "ROI values: %lld, not the %lld expected", (long long)k, (long long)n);
    return RADX_OK;
}

static radx_status cpu_level_box(void *ctx, const int32_t *gl, int64_t n, const uint8_t *roi, int64_t nbox,
                                 int32_t *glbox, radx_err *err)
{
    (void)ctx;
    return radx_level_box_host(gl, n, roi, nbox, glbox, err);
}

static radx_status cpu_roi_values(void *ctx, const radx_volume *img, const uint8_t *roi, const int64_t dims_zyx[3],
                                  const int64_t lo_xyz[3], double *x, int64_t n, radx_roi_stats *s, radx_err *err)
{
    (void)ctx;
    return radx_roi_values_host(img, roi, dims_zyx, lo_xyz, x, n, s, err);
}

static radx_status cpu_resample(void *ctx, const radx_volume *img, const radx_volume *mask, const radx_params *p,
                                uint32_t label, radx_volume *img_out, radx_volume *mask_out, radx_err *err)
{
    return radx_resample(img, mask, p, label, img_out, mask_out, err);
}

const radx_backend_ops radx_cpu_backend = {
    "cpu", cpu_discretise, cpu_firstorder, cpu_texture, cpu_shape, cpu_log_filter, cpu_resample, NULL,
    NULL, NULL, /* voxel maps: host/pipeline/voxelmap.c runs its own loop */
    NULL, NULL, NULL, NULL, /* residency, host memory: nothing to keep on a device */
    cpu_roi_values, NULL,   /* host copies are never stale */
    cpu_level_box,
};
