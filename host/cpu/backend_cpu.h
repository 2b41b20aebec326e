/* SPDX-License-Identifier: BSD-3-Clause */
/* The CPU backend's pieces that other files share (host/cpu/backend_cpu.c, voxel_ops.c). */
#ifndef RADX_BACKEND_CPU_H
#define RADX_BACKEND_CPU_H

#include "backend/backend.h"
#include "rules/voxel_glcm.h"
#include "rules/voxel_gldm.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The memory of a CPU backend buffer (NULL for NULL). */
static inline void *radx_cpu_ptr(const radx_buf *b) { return b ? (char *)b->impl + b->off : NULL; }

/* The per-voxel ops (host/cpu/voxel_ops.c). */
radx_status radx_cpu_voxel_firstorder(void *ctx, const radx_voxel_region *a, const radx_voxel_values *v,
                                      const radx_params *q, radx_buf *out, radx_err *err);
radx_status radx_cpu_voxel_texture(void *ctx, radx_class cls, const radx_voxel_region *a, radx_buf *present,
                                   const radx_params *q, radx_buf *out, radx_err *err);

/* The per-voxel rules' description of region a (kernels/rules/voxel_glcm.h, voxel_gldm.h) over
 * the arrays mk, gl and GLCM's present (nlev: the levels present marks), host or device pointers
 * as the caller runs the rules; distances stays q's host pointer.  The CUDA backend uses it too. */
void radx_voxel_rule_inputs(const radx_voxel_region *a, const radx_params *q, const uint8_t *mk, const int32_t *gl,
                            const uint8_t *present, int nlev, radx_vglcm_in *g, radx_vgldm_in *d);

/* roi_values and level_box on host arrays (the ops' contracts), which the CUDA backend's host
 * halves run too. */
radx_status radx_roi_values_host(const radx_volume *img, const uint8_t *roi, const int64_t dims_zyx[3],
                                 const int64_t lo_xyz[3], double *x, int64_t n, radx_roi_stats *s, radx_err *err);
radx_status radx_level_box_host(const int32_t *gl, int64_t n, const uint8_t *roi, int64_t nbox, int32_t *glbox,
                                radx_err *err);

#ifdef __cplusplus
}
#endif
#endif
