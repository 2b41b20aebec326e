/* SPDX-License-Identifier: BSD-3-Clause */
/* The pipeline's only way into a backend (host/backend/backend.h): its buffers, and its ops with
 * the one fallback rule.  An op the backend declines (RADX_ERR_UNSUPPORTED with err clear) runs
 * on the CPU backend instead, on the host contents of the same buffers (mapped), so the result
 * lands in the caller's buffers either way. */
#ifndef RADX_DISPATCH_H
#define RADX_DISPATCH_H

#include "backend/backend.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- buffers (radx_buffer_ops; NULL-safe free) ---- */
radx_buf *radx_buf_alloc(const radx_be *be, size_t bytes);
radx_buf *radx_buf_wrap(const radx_be *be, const void *host, size_t bytes);
radx_buf *radx_buf_view(const radx_be *be, radx_buf *b, size_t off, size_t bytes);
void radx_buf_free(const radx_be *be, radx_buf *b);
radx_status radx_buf_set(const radx_be *be, radx_buf *b, size_t off, const void *src, size_t bytes, radx_err *err);
radx_status radx_buf_get(const radx_be *be, radx_buf *b, size_t off, void *dst, size_t bytes, radx_err *err);
void *radx_buf_map(const radx_be *be, radx_buf *b, radx_map_mode mode, radx_err *err);

/* ---- ops (radx_backend_ops' contracts) ---- */
radx_status radx_op_resample(const radx_be *be, const radx_volume *img, const radx_volume *mask, const radx_params *p,
                             uint32_t label, radx_volume *img_out, radx_volume *mask_out, radx_err *err);
radx_status radx_op_log_filter(const radx_be *be, const radx_volbuf *in, double sigma_mm, const radx_log_spec *spec,
                               radx_volbuf *out, radx_err *err);
radx_status radx_op_point_filter(const radx_be *be, const radx_volbuf *in, radx_point_filter f, radx_volbuf *out,
                                 radx_err *err);
radx_status radx_op_mean_filter(const radx_be *be, const radx_volbuf *in, const radx_mean_spec *spec, radx_volbuf *out,
                                radx_err *err);
radx_status radx_op_separable_filter(const radx_be *be, const radx_volbuf *in, const radx_sep_spec *spec,
                                     radx_volbuf *out, radx_err *err);
radx_status radx_op_gabor_filter(const radx_be *be, const radx_volbuf *in, const radx_gabor_spec *spec,
                                 radx_volbuf *out, radx_err *err);
radx_status radx_op_simoncelli_filter(const radx_be *be, const radx_volbuf *in, int level, radx_volbuf *out,
                                      radx_err *err);
radx_status radx_op_gradient(const radx_be *be, const radx_volbuf *in, int use_spacing, radx_volbuf *out,
                             radx_err *err);
radx_status radx_op_wavelet_pass(const radx_be *be, const radx_wavelet_pass *w, radx_buf *in, radx_buf *out,
                                 radx_err *err);
radx_status radx_op_lbp2d(const radx_be *be, const radx_lbp2d *l, const radx_volbuf *img, radx_buf *out, radx_err *err);
radx_status radx_op_lbp3d(const radx_be *be, const radx_lbp3d *t, radx_buf *coef, const radx_volbuf *img, radx_buf *roi,
                          int64_t n, radx_buf *out, radx_err *err);
radx_status radx_op_roi_values(const radx_be *be, const radx_volbuf *img, radx_buf *roi, const int64_t dims_zyx[3],
                               const int64_t lo_xyz[3], radx_buf *x, int64_t n, radx_roi_stats *s, radx_err *err);
radx_status radx_op_discretise(const radx_be *be, radx_buf *x, int64_t n, const double *edges, int nedges, radx_buf *gl,
                               int *ng, radx_err *err);
radx_status radx_op_level_box(const radx_be *be, radx_buf *gl, int64_t n, radx_buf *roi, int64_t nbox, radx_buf *glbox,
                              radx_err *err);
radx_status radx_op_firstorder(const radx_be *be, radx_buf *x, radx_buf *gl, int64_t n, int ng, double voxel_volume,
                               const radx_params *p, double *out, radx_err *err);
radx_status radx_op_texture(const radx_be *be, radx_class cls, const radx_box_bufs *in, const radx_params *p,
                            double *out, radx_err *err);
radx_status radx_op_shape(const radx_be *be, radx_class cls, const radx_box_bufs *in, const radx_params *p, double *out,
                          radx_err *err);
radx_status radx_op_voxel_firstorder(const radx_be *be, const radx_voxel_region *a, const radx_voxel_values *v,
                                     const radx_params *q, radx_buf *out, radx_err *err);
radx_status radx_op_voxel_texture(const radx_be *be, radx_class cls, const radx_voxel_region *a, radx_buf *present,
                                  const radx_params *q, radx_buf *out, radx_err *err);

#ifdef __cplusplus
}
#endif
#endif
