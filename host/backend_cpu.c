/* SPDX-License-Identifier: BSD-3-Clause */
/* The CPU backend: the reference implementation of every op. */
#include "backend.h"
#include "discretise.h"

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
    return radx_log_filter(in, sigma_mm, mode, out, err);
}

static radx_status cpu_resample(void *ctx, const radx_volume *img, const radx_volume *mask, const radx_params *p,
                                uint32_t label, radx_volume *img_out, radx_volume *mask_out, radx_err *err)
{
    return radx_resample(img, mask, p, label, img_out, mask_out, err);
}

const radx_backend_ops radx_cpu_backend = {
    "cpu", cpu_discretise, cpu_firstorder, cpu_texture, cpu_shape, cpu_log_filter, cpu_resample, NULL,
    NULL, NULL, /* voxel maps: host/voxelmap.c runs its own loop */
    NULL, NULL, NULL, NULL, /* residency, host memory: nothing to keep on a device */
};
