/* SPDX-License-Identifier: BSD-3-Clause */
/* The private backend interface, after ggml's ggml_backend_buffer_i / ggml_backend_i: buffers
 * that belong to a backend, and one list of ops that every backend implements.
 *
 * Buffers.  The pipeline asks its backend for memory (alloc) or lends it host memory that stays
 * unchanged while the buffer lives (wrap), passes buffers to ops, and reads their contents on
 * the host only where it needs them (map, get).  The CPU backend's buffers are plain memory; the
 * CUDA backend's live on the device and reach the host only when mapped or read.  Page-locked
 * staging, narrow transfers and tiling are properties of a backend's buffers and ops.
 *
 * Ops.  Every op of the table is implemented by the CPU backend (host/cpu/).  Another backend may
 * decline an op for one call (RADX_ERR_UNSUPPORTED, err left clear: a size it has no kernel for,
 * or no room on its device); the pipeline calls ops only through host/backend/dispatch.h, which
 * then runs the CPU backend's op on the buffers' host contents.  Ops that fail for any other
 * reason return that status with err set.
 *
 * Contracts shared by the ops: a buffer argument holds the element type and count its comment
 * names; outputs are written whole; "box" arrays are in numpy order (x fastest, dims_zyx). */
#ifndef RADX_BACKEND_H
#define RADX_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/volume.h"
#include "params/params.h"
#include "rules/point_filter_rules.h"
#include "rules/wavelet_rules.h"
#include "rules/lbp2d_rules.h"
#include "rules/lbp3d_rules.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A backend's allocation, or a view of part of one.  The fields belong to the backend. */
typedef struct radx_buf radx_buf;
struct radx_buf {
    size_t bytes;
    void *impl; /* the backend's state of the storage (the CPU backend: the memory) */
    size_t off; /* a view: where it starts in impl's storage; 0 otherwise */
    int view;   /* 1: a view (freeing it leaves the storage alone) */
};

typedef enum radx_map_mode {
    RADX_MAP_READ = 1,  /* the host reads the contents */
    RADX_MAP_WRITE = 2, /* the host replaces the whole contents */
    RADX_MAP_UPDATE = 3 /* the host reads and changes them */
} radx_map_mode;

typedef struct radx_buffer_ops {
    /* bytes of undefined contents; NULL when out of memory */
    radx_buf *(*alloc)(void *ctx, size_t bytes);
    /* the caller's host memory [host, host + bytes), read-only, without a copy where the backend
     * reads host memory; it must stay unchanged until the buffer is freed.  NULL: out of memory */
    radx_buf *(*wrap)(void *ctx, const void *host, size_t bytes);
    /* [off, off + bytes) of b, sharing b's storage; freed before b.  NULL: out of memory */
    radx_buf *(*view)(void *ctx, radx_buf *b, size_t off, size_t bytes);
    void (*free)(void *ctx, radx_buf *b); /* NULL-safe */
    /* host -> buffer and buffer -> host copies of [off, off + bytes) */
    radx_status (*set)(void *ctx, radx_buf *b, size_t off, const void *src, size_t bytes, radx_err *err);
    radx_status (*get)(void *ctx, radx_buf *b, size_t off, void *dst, size_t bytes, radx_err *err);
    /* the contents in host memory, valid until the next op or buffer call on b */
    void *(*map)(void *ctx, radx_buf *b, radx_map_mode mode, radx_err *err);
} radx_buffer_ops;

/* An image in a buffer (x fastest, g's size, dtype's elements): the working grid's voxels from
 * `at` on (all zero: the whole grid; a window of it otherwise, g then the window's grid). */
typedef struct radx_volbuf {
    radx_geom g;
    radx_dtype dtype;
    radx_buf *buf;
    int64_t at[3];
} radx_volbuf;

/* The ROI statistics roi_values returns. */
typedef struct radx_roi_stats {
    double min, max;         /* of the values (meaningful when nonfinite == 0) */
    int64_t nonfinite;       /* NaN or infinite values */
    int64_t first_nonfinite; /* box index (x fastest) of the first one, -1 when none */
} radx_roi_stats;

/* The ROI bounding box of an image type, as the texture and shape classes read it (numpy order,
 * radx_texture_input's layout). */
typedef struct radx_box_bufs {
    int64_t dims_zyx[3];
    double spacing_zyx[3];
    radx_buf *roi;   /* uint8, 1 inside the ROI */
    radx_buf *gl;    /* int32 levels 1..ng inside the ROI, 0 outside (NULL for shape) */
    radx_buf *morph; /* uint8: IBSI's morphological mask (GLDZM's distances); NULL: roi */
    int ng;
    int64_t n_roi;
} radx_box_bufs;

/* A voxel map's region A of one image type (the ROI box padded by kernelRadius; host/pipeline/
 * voxelmap.c), as every per-voxel op reads it. */
typedef struct radx_voxel_region {
    int64_t dim[3];   /* A's size, x y z */
    int64_t lo[3];    /* A's first voxel on the working grid (error messages) */
    const char *name; /* the image, for error messages */
    radx_buf *mk;     /* uint8: the voxel takes part in kernels */
    radx_buf *gl;     /* int32: level, 0 outside mk */
    int ng;           /* the largest level (PyRadiomics' Ng) */
    radx_buf *aidx;   /* int64 [nroi]: the ROI voxels as indices into A, ascending */
    int64_t nroi;
    double spacing_zyx[3];
    double voxel_volume;
} radx_voxel_region;

/* First order's extra inputs of a voxel map (a float32 image with binCount bins first order on
 * other edges than the texture classes, as PyRadiomics does). */
typedef struct radx_voxel_values {
    radx_buf *val; /* double: A's values */
    radx_buf *gl;  /* int32: first order's levels, 0 outside mk */
    int ng;
} radx_voxel_values;

typedef struct radx_backend_ops {
    const char *name;
    radx_buffer_ops buf;
    void (*destroy)(void *ctx); /* NULL-safe ctx */

    /* ---- preprocessing (radx_resample and radx_log_filter's contracts: cpu/resample.h, cpu/log_filter.h) ---- */
    /* on host volumes: the files arrive there and the results are read there */
    radx_status (*resample)(void *ctx, const radx_volume *img, const radx_volume *mask, const radx_params *p,
                            uint32_t label, radx_volume *img_out, radx_volume *mask_out, radx_err *err);
    /* out->buf: in's voxel count floats, which the filter writes (out->g, out->dtype set) */
    radx_status (*log_filter)(void *ctx, const radx_volbuf *in, double sigma_mm, const radx_log_spec *spec,
                              radx_volbuf *out, radx_err *err);
    /* PyRadiomics' point filter f of in (cpu/point_filter.h): out->buf holds in's voxel count
     * doubles, which the filter writes (out->g, out->dtype set) */
    radx_status (*point_filter)(void *ctx, const radx_volbuf *in, radx_point_filter f, radx_volbuf *out, radx_err *err);
    /* PyRadiomics' Gradient of in (cpu/gradient.h): out->buf holds in's voxel count floats, which
     * the filter writes (out->g, out->dtype set) */
    radx_status (*gradient)(void *ctx, const radx_volbuf *in, int use_spacing, radx_volbuf *out, radx_err *err);
    /* IBSI-2's mean filter of in (cpu/mean_filter.h): out->buf holds in's voxel count floats */
    radx_status (*mean_filter)(void *ctx, const radx_volbuf *in, const radx_mean_spec *spec, radx_volbuf *out,
                               radx_err *err);
    /* IBSI-2's Simoncelli wavelet of level `level` of in (cpu/simoncelli_filter.h): out->buf holds
     * in's voxel count floats */
    radx_status (*simoncelli_filter)(void *ctx, const radx_volbuf *in, int level, radx_volbuf *out, radx_err *err);
    /* IBSI-2's Gabor filter of in (cpu/gabor_filter.h): out->buf holds in's voxel count floats */
    radx_status (*gabor_filter)(void *ctx, const radx_volbuf *in, const radx_gabor_spec *spec, radx_volbuf *out,
                                radx_err *err);
    /* IBSI-2's Laws filter of in (cpu/separable_filter.h): out->buf holds in's voxel count floats */
    radx_status (*separable_filter)(void *ctx, const radx_volbuf *in, const radx_sep_spec *spec, radx_volbuf *out,
                                    radx_err *err);
    /* one pass of PyRadiomics' Wavelet (rules/wavelet_rules.h; w's tables in host memory): out
     * (w->out_dims floats or doubles) = the pass over in (w->in_dims voxels of w->in_dtype) */
    radx_status (*wavelet_pass)(void *ctx, const radx_wavelet_pass *w, radx_buf *in, radx_buf *out, radx_err *err);
    /* PyRadiomics' LBP2D (rules/lbp2d_rules.h; l's tables in host memory): out (l->out_dims
     * voxels of l->out_dtype) = the LBP2D values of l's window of img, the whole image */
    radx_status (*lbp2d)(void *ctx, const radx_lbp2d *l, const radx_volbuf *img, radx_buf *out, radx_err *err);
    /* PyRadiomics' LBP3D (rules/lbp3d_rules.h; t's tables in host memory): out (doubles, levels +
     * 1 images of t->out_dims voxels, 0 outside the ROI) at the n ROI voxels roi (int64 indices
     * into the output window, ascending); coef: t's spline coefficients (doubles); img: the whole
     * image */
    radx_status (*lbp3d)(void *ctx, const radx_lbp3d *t, radx_buf *coef, const radx_volbuf *img, radx_buf *roi,
                         int64_t n, radx_buf *out, radx_err *err);

    /* ---- one image type of a case ---- */
    /* x[0..n) = the values of img's voxels in the box's ROI, in box order (roi: uint8, dims_zyx;
     * the box starts at img voxel lo_xyz), and their statistics */
    radx_status (*roi_values)(void *ctx, const radx_volbuf *img, radx_buf *roi, const int64_t dims_zyx[3],
                              const int64_t lo_xyz[3], radx_buf *x, int64_t n, radx_roi_stats *s, radx_err *err);
    /* gl[i] = radx_bin_index(edges, x[i]) for the n values (double -> int32); *ng their largest */
    radx_status (*discretise)(void *ctx, radx_buf *x, int64_t n, const double *edges, int nedges, radx_buf *gl, int *ng,
                              radx_err *err);
    /* glbox[i] = gl[k] for the box's k-th ROI voxel i (roi[i] != 0, C order), 0 elsewhere
     * (int32 [nbox]; gl: the n ROI voxels' levels) */
    radx_status (*level_box)(void *ctx, radx_buf *gl, int64_t n, radx_buf *roi, int64_t nbox, radx_buf *glbox,
                             radx_err *err);
    /* radx_firstorder_compute on x (double [n]) and gl (int32 [n]) into out[radx_firstorder_nfeatures] */
    radx_status (*firstorder)(void *ctx, radx_buf *x, radx_buf *gl, int64_t n, int ng, double voxel_volume,
                              const radx_params *p, double *out, radx_err *err);
    /* one texture class (RADX_CLASS_GLCM .. RADX_CLASS_NGTDM): radx_<class>_compute's contract */
    radx_status (*texture)(void *ctx, radx_class cls, const radx_box_bufs *in, const radx_params *p, double *out,
                           radx_err *err);
    /* RADX_CLASS_SHAPE or RADX_CLASS_SHAPE2D on the box's ROI (in->gl unused) */
    radx_status (*shape)(void *ctx, radx_class cls, const radx_box_bufs *in, const radx_params *p, double *out,
                         radx_err *err);

    /* ---- voxel maps: the features of the kernel around every ROI voxel of A ---- */
    /* out: double [nroi * radx_firstorder_nfeatures], voxel after voxel, features in table order */
    radx_status (*voxel_firstorder)(void *ctx, const radx_voxel_region *a, const radx_voxel_values *v,
                                    const radx_params *q, radx_buf *out, radx_err *err);
    /* a texture class (RADX_CLASS_GLCM .. RADX_CLASS_NGTDM); out: double [nroi * the class's
     * table size].  GLCM's rows are the ROI's levels: present (uint8 [ng + 1]) marks them. */
    radx_status (*voxel_texture)(void *ctx, radx_class cls, const radx_voxel_region *a, radx_buf *present,
                                 const radx_params *q, radx_buf *out, radx_err *err);
} radx_backend_ops;

/* A backend instance: its op table and its context (what a plan runs on). */
typedef struct radx_be {
    const radx_backend_ops *ops;
    void *ctx;
} radx_be;

/* The CPU backend (host/cpu/backend_cpu.c): its context is NULL. */
extern const radx_backend_ops radx_cpu_backend;

#ifdef __cplusplus
}
#endif
#endif
