/* SPDX-License-Identifier: BSD-3-Clause */
/* The private backend op table (after ggml's ggml_backend_i).  The pipeline calls only through
 * it.  The CPU backend implements every op; another backend may leave an op NULL, and the
 * pipeline then runs the CPU op for it (the CUDA backend fills its ops in issue 4). */
#ifndef RADX_BACKEND_H
#define RADX_BACKEND_H
#include "rules/firstorder_rules.h" /* RADX_FO_N */
#include "rules/voxel_glcm.h"       /* radx_vglcm_in */
#include "rules/voxel_gldm.h"       /* radx_vgldm_in */
#include "rules/voxel_ngtdm.h"      /* radx_vngtdm_in */
#include "rules/voxel_glszm.h"      /* radx_vglszm_in */
#include "rules/voxel_glrlm.h"      /* radx_vglrlm_in */
#include "core/radx_internal.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A voxel-map image type for the per-voxel first-order op: the array A (x fastest) the kernels
 * live in and its ROI voxels (host/pipeline/voxelmap.c). */
typedef struct radx_vfo_input {
    int64_t dim[3];      /* A's size, x y z */
    const uint8_t *mk;   /* voxel takes part in kernels (the ROI, or all of A unmasked) */
    const double *val;   /* values */
    const int32_t *gl;   /* first order's discretised levels (0 outside mk) */
    const int64_t *aidx; /* ROI voxels as indices into A, ascending */
    int64_t nroi;
    int r;               /* kernelRadius */
    int f2d_xyz;         /* force2D axis (x y z), -1 without force2D */
    double voxel_volume, shift;
    int excess;          /* ibsiKurtosisExcess */
} radx_vfo_input;

/* The ROI values' statistics (roi_values op). */
typedef struct radx_roi_stats {
    double min, max;         /* of the values (meaningful when nonfinite == 0) */
    int64_t nonfinite;       /* NaN or infinite values */
    int64_t first_nonfinite; /* box index (x fastest) of the first one, -1 when none */
} radx_roi_stats;

typedef struct radx_backend_ops {
    const char *name;
    /* gl[i] = radx_bin_index(edges, x[i]) for n values; returns max gray level via *ng */
    radx_status (*discretise)(void *ctx, const double *x, int64_t n, const double *edges, int nedges,
                              int32_t *gl, int *ng, radx_err *err);
    radx_status (*firstorder)(void *ctx, const double *x, const int32_t *gl, int64_t n, int ng,
                              double voxel_volume, const radx_params *p, double *out, radx_err *err);
    /* one texture class (RADX_CLASS_GLCM .. RADX_CLASS_NGTDM) */
    radx_status (*texture)(void *ctx, radx_class cls, const radx_texture_input *in,
                           const radx_params *p, double *out, radx_err *err);
    radx_status (*shape)(void *ctx, radx_class cls, const radx_shape_input *in, const radx_params *p,
                         double *out, radx_err *err);
    /* preprocessing (contracts of radx_log_filter / radx_resample in radx_internal.h).  log_filter:
     * when out->data is not NULL on entry it is the caller's buffer of in's voxel count floats,
     * which the filter writes (F32) instead of allocating one; a device backend may then leave the
     * result on the device only when the caller holds that buffer (stale: see materialize) */
    radx_status (*log_filter)(void *ctx, const radx_volume *in, double sigma_mm, radx_log_mode mode,
                              radx_volume *out, radx_err *err);
    radx_status (*resample)(void *ctx, const radx_volume *img, const radx_volume *mask, const radx_params *p,
                            uint32_t label, radx_volume *img_out, radx_volume *mask_out, radx_err *err);
    void (*destroy)(void *ctx); /* optional */
    /* optional, voxel maps: the first-order features of every ROI voxel's kernel into
     * out[v * RADX_FO_N + feature]; RADX_ERR_UNSUPPORTED or RADX_ERR_NOMEM (no room on the
     * device) make the caller run its CPU loop instead */
    radx_status (*voxel_firstorder)(void *ctx, const radx_vfo_input *in, double *out, radx_err *err);
    /* optional, voxel maps: a texture class's per-voxel rule over the ROI voxels aidx[0..nroi):
     * cls RADX_CLASS_GLCM (in: radx_vglcm_in, kernels/rules/voxel_glcm.h; out[v * GLCM_F_COUNT + f]) or
     * RADX_CLASS_GLDM (in: radx_vgldm_in, kernels/rules/voxel_gldm.h; out[v * RADX_GLDM_NOUT + f]) or
     * RADX_CLASS_NGTDM (in: radx_vngtdm_in, kernels/rules/voxel_ngtdm.h; out[v * RADX_NGTDM_NOUT + f]) or
     * RADX_CLASS_GLSZM (in: radx_vglszm_in, kernels/rules/voxel_glszm.h; out[v * RADX_GLSZM_NOUT + f]) or
     * RADX_CLASS_GLRLM (in: radx_vglrlm_in, kernels/rules/voxel_glrlm.h; out[v * GLRLM_F_COUNT + f]);
     * declines (any other class included) as voxel_firstorder does */
    radx_status (*voxel_texture)(void *ctx, radx_class cls, const void *in, const int64_t *aidx, int64_t nroi,
                                 double *out, radx_err *err);
    /* optional, device residency (host/backend/resident.h): the caller promises that h[0..bytes) stays
     * unchanged from now until release(ctx, h) (except by the next op, when it writes that very
     * range as its output), so the backend may upload it once and let every later op read the
     * device copy.  release(ctx, NULL) ends every hold; the caller releases before freeing. */
    void (*hold)(void *ctx, const void *h, size_t bytes);
    void (*release)(void *ctx, const void *h);
    /* optional, host memory for arrays the backend will upload (CUDA: page-locked, from a pool
     * kept across cases, so uploads are direct DMA).  NULL: malloc / free. */
    void *(*host_alloc)(void *ctx, size_t bytes);
    void (*host_free)(void *ctx, void *p);
    /* optional: the values of img's voxels inside the ROI box (roi: the box's mask, numpy order
     * dims_zyx; the box starts at img voxel lo_xyz) in box order into x[0..n) (n: the mask's
     * voxels), and their statistics.  A device backend may leave x on the device only when the
     * caller holds it (stale).  NULL: radx_roi_values_host. */
    radx_status (*roi_values)(void *ctx, const radx_volume *img, const uint8_t *roi, const int64_t dims_zyx[3],
                              const int64_t lo_xyz[3], double *x, int64_t n, radx_roi_stats *s, radx_err *err);
    /* optional, with a backend that leaves held ranges on the device only (host/backend/resident.h): brings
     * the host copy of the held range containing h (NULL: of every held range) up to date; the
     * caller does so before it reads such a range on the host.  NULL: host copies are never stale. */
    radx_status (*materialize)(void *ctx, const void *h);
    /* optional: the level box into glbox (radx_level_box_host's contract), which the caller holds;
     * a device backend may build the box's device copy from its copies of gl and roi instead of
     * uploading glbox at its first use.  NULL: radx_level_box_host. */
    radx_status (*level_box)(void *ctx, const int32_t *gl, int64_t n, const uint8_t *roi, int64_t nbox,
                             int32_t *glbox, radx_err *err);
} radx_backend_ops;

/* roi_values on the host (the CPU backend's op), by kernels/rules/roi_rules.h. */
radx_status radx_roi_values_host(const radx_volume *img, const uint8_t *roi, const int64_t dims_zyx[3],
                                 const int64_t lo_xyz[3], double *x, int64_t n, radx_roi_stats *s, radx_err *err);

/* The level box on the host (the CPU backend's op): glbox[i] = gl[k] for the box's k-th ROI voxel
 * i (roi[i] != 0, C order), 0 elsewhere; n: the ROI voxels. */
radx_status radx_level_box_host(const int32_t *gl, int64_t n, const uint8_t *roi, int64_t nbox, int32_t *glbox,
                                radx_err *err);

/* The optional ops above, or their plain defaults (host/pipeline/pipeline.c).  radx_backend_release
 * ignores h NULL (it never ends every hold). */
void radx_backend_hold(const radx_backend_ops *ops, void *ctx, const void *h, size_t bytes);
void radx_backend_release(const radx_backend_ops *ops, void *ctx, const void *h);
void *radx_backend_host_alloc(const radx_backend_ops *ops, void *ctx, size_t bytes);
void radx_backend_host_free(const radx_backend_ops *ops, void *ctx, void *p);
radx_status radx_backend_materialize(const radx_backend_ops *ops, void *ctx, const void *h);

extern const radx_backend_ops radx_cpu_backend;

/* CUDA side (kernels/cuda/backend_cuda.cu, or host/backend/no_cuda.c without CUDA). */
int radx_cuda_device_count(void);                  /* 0 when not built, no driver or no device */
/* Device memory of this process (kernels/cuda/device_mem.cu): the most radx held at once, the budget
 * (90 % of the device, or RADX_CUDA_MEMORY_MIB), and how many stages ran on the CPU because the
 * device could not hold them.  All zero without CUDA. */
typedef struct radx_cuda_memstats {
    unsigned long long peak_bytes, budget_bytes;
    long long cpu_fallbacks;
    /* host -> device bytes not copied because a stage read a device-resident copy (hold) */
    unsigned long long resident_bytes_saved;
    /* stages the device held only in tiles (z-slabs), for lack of memory for the whole box */
    long long tiled_stages;
    /* device -> host bytes not copied because the result stayed on the device (the ROI values,
     * filtered images) and no host read needed it */
    unsigned long long download_bytes_saved;
    /* bytes not copied because what crossed went narrow (kernels/rules/narrow_rules.h: levels, sorted
     * values, NGTDM codes, mask palette indices) */
    unsigned long long narrow_bytes_saved;
} radx_cuda_memstats;
void radx_cuda_memory_stats(radx_cuda_memstats *s);
void radx_cuda_note_cpu_fallback(void);
radx_status radx_cuda_backend_create(const radx_backend_ops **ops, void **ctx, radx_err *err);
#ifdef __cplusplus
}
#endif
#endif
