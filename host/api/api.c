/* SPDX-License-Identifier: BSD-3-Clause */
/* Public entry points (include/radx.h): argument checks, the context's error text and thread
 * count, images, plans and their backends. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "core/limits.h"
#include "core/result.h"
#include "backend/cuda.h"
#include "io/io.h"
#include "io/map_write.h"
#include "io/output_file.h"
#include "params/params.h"
#include "pipeline/pipeline.h"
#include "pipeline/voxelmap.h"

struct radx_ctx {
    char msg[RADX_ERR_LEN];
    int nthreads;                 /* 0: OpenMP's default */
    char warnings[RADX_WARN_LEN]; /* the last run's warnings, each line ended by '\0' */
    int nwarnings;
};

struct radx_image {
    radx_volume v;
    int owned; /* 1: radx read the voxels; 0: the caller's (wrapped) */
    char *name;
};

struct radx_plan {
    radx_ctx *ctx;
    radx_params p;
    radx_backend kind;
    radx_be be;
};

static radx_status fail(radx_ctx *ctx, const radx_err *e)
{
    if (ctx) snprintf(ctx->msg, sizeof ctx->msg, "%s", e->msg);
    return e->status;
}

static radx_status fail_msg(radx_ctx *ctx, radx_status s, const char *m)
{
    if (ctx) snprintf(ctx->msg, sizeof ctx->msg, "%s", m);
    return s;
}

/* ---- context ---- */

radx_status radx_ctx_create(radx_ctx **out)
{
    if (!out) return RADX_ERR_ARG;
    *out = calloc(1, sizeof **out);
    return *out ? RADX_OK : RADX_ERR_NOMEM;
}

void radx_ctx_destroy(radx_ctx *ctx) { free(ctx); }

const char *radx_ctx_last_error(const radx_ctx *ctx) { return ctx ? ctx->msg : "no context"; }

/* A run's warnings (e->warnings, lines ended by '\n') become the context's. */
static void keep_warnings(radx_ctx *ctx, const radx_err *e)
{
    memcpy(ctx->warnings, e->warnings, sizeof ctx->warnings);
    ctx->warnings[sizeof ctx->warnings - 1] = 0;
    ctx->nwarnings = 0;
    for (char *c = ctx->warnings; *c; c++)
        if (*c == '\n') {
            *c = 0;
            ctx->nwarnings++;
        }
}

int radx_ctx_warning_count(const radx_ctx *ctx) { return ctx ? ctx->nwarnings : 0; }

const char *radx_ctx_warning(const radx_ctx *ctx, int i)
{
    if (!ctx || i < 0 || i >= ctx->nwarnings) return NULL;
    const char *w = ctx->warnings;
    while (i-- > 0) w += strlen(w) + 1;
    return w;
}

radx_status radx_ctx_set_threads(radx_ctx *ctx, int nthreads)
{
    if (!ctx) return RADX_ERR_ARG;
    if (nthreads < 0) return fail_msg(ctx, RADX_ERR_ARG, "thread count must be >= 0");
    if (nthreads > RADX_MAX_THREADS) nthreads = RADX_MAX_THREADS;
    ctx->nthreads = nthreads;
    return RADX_OK;
}

/* The context's thread count for the calling thread while a call runs (OpenMP's count is per
 * thread: the caller's own setting comes back afterwards).  OpenMP's default is capped too
 * (radx_thread_count): OMP_NUM_THREADS=100000 would make the runtime abort creating threads. */
typedef struct thread_scope {
    int saved; /* 0: nothing changed */
} thread_scope;

static thread_scope threads_begin(const radx_ctx *ctx)
{
    thread_scope t = {0};
#ifdef _OPENMP
    t.saved = omp_get_max_threads();
    omp_set_num_threads(radx_thread_count(ctx->nthreads));
#endif
    return t;
}

static void threads_end(thread_scope t)
{
#ifdef _OPENMP
    if (t.saved > 0) omp_set_num_threads(t.saved);
#endif
    (void)t;
}

/* ---- settings ---- */

radx_status radx_params_create(radx_ctx *ctx, radx_params **out)
{
    if (!ctx || !out) return RADX_ERR_ARG;
    *out = calloc(1, sizeof **out);
    if (!*out) return fail_msg(ctx, RADX_ERR_NOMEM, "out of memory");
    radx_params_init_defaults(*out);
    return RADX_OK;
}

radx_status radx_params_load(radx_ctx *ctx, radx_params *p, const char *path)
{
    if (!ctx || !p || !path) return ctx ? fail_msg(ctx, RADX_ERR_ARG, "radx_params_load: NULL argument") : RADX_ERR_ARG;
    radx_err e = {RADX_OK, "", ""};
    radx_status s = radx_params_load_file(p, path, &e);
    return s ? fail(ctx, &e) : RADX_OK;
}

radx_status radx_params_load_string(radx_ctx *ctx, radx_params *p, const char *text, const char *name)
{
    if (!ctx || !p || !text || !name)
        return ctx ? fail_msg(ctx, RADX_ERR_ARG, "radx_params_load_string: NULL argument") : RADX_ERR_ARG;
    radx_err e = {RADX_OK, "", ""};
    radx_status s = radx_params_load_text(p, text, name, &e);
    return s ? fail(ctx, &e) : RADX_OK;
}

size_t radx_params_describe(const radx_params *p, const char *what, char *buf, size_t len)
{
    if (buf && len) buf[0] = 0;
    if (!p || !what) return 0;
    char *text = NULL;
    if (!strcmp(what, "settings")) {
        text = radx_params_settings_text(p);
    } else if (!strcmp(what, "imageTypes")) {
        text = radx_params_imtypes_text(p);
    } else if (!strcmp(what, "featureClasses")) {
        text = radx_params_classes_text(p);
    }
    if (!text) return 0;
    const size_t n = strlen(text);
    if (buf && len) snprintf(buf, len, "%s", text);
    free(text);
    return n;
}

radx_status radx_params_disable(radx_ctx *ctx, radx_params *p, const char *what)
{
    if (!ctx || !p || !what)
        return ctx ? fail_msg(ctx, RADX_ERR_ARG, "radx_params_disable: NULL argument") : RADX_ERR_ARG;
    if (!strcmp(what, "featureClasses")) {
        for (int c = 0; c < RADX_CLASS_COUNT; c++) p->cls[c].enabled = 0;
        p->n_class_order = 0;
    } else if (!strcmp(what, "imageTypes")) {
        for (int t = 0; t < RADX_IMG_COUNT; t++) p->imtype[t].enabled = 0;
        p->n_imtype_order = 0;
    } else {
        return fail_msg(ctx, RADX_ERR_ARG, "radx_params_disable: what is not featureClasses or imageTypes");
    }
    return RADX_OK;
}

radx_status radx_params_set(radx_ctx *ctx, radx_params *p, const char *name, const char *value)
{
    if (!ctx || !p || !name || !value)
        return ctx ? fail_msg(ctx, RADX_ERR_ARG, "radx_params_set: NULL argument") : RADX_ERR_ARG;
    radx_err e = {RADX_OK, "", ""};
    radx_status s = radx_params_set_text(p, name, value, &e);
    return s ? fail(ctx, &e) : RADX_OK;
}

void radx_params_destroy(radx_params *p)
{
    if (!p) return;
    radx_params_clear(p);
    free(p);
}

/* ---- images ---- */

/* A radx_image owning v, named path; v is freed on failure. */
static radx_status image_of(radx_ctx *ctx, radx_volume *v, const char *path, radx_image **out)
{
    radx_image *im = calloc(1, sizeof *im);
    char *name = strdup(path);
    if (!im || !name) {
        free(im);
        free(name);
        radx_volume_free(v);
        return fail_msg(ctx, RADX_ERR_NOMEM, "out of memory");
    }
    im->v = *v;
    im->owned = 1;
    im->name = name;
    *out = im;
    return RADX_OK;
}

radx_status radx_image_read(radx_ctx *ctx, const char *path, radx_image **out)
{
    if (!ctx || !path || !out)
        return ctx ? fail_msg(ctx, RADX_ERR_ARG, "radx_image_read: NULL argument") : RADX_ERR_ARG;
    *out = NULL;
    radx_err e = {RADX_OK, "", ""};
    radx_volume v;
    if (radx_volume_read(path, &v, &e)) return fail(ctx, &e);
    return image_of(ctx, &v, path, out);
}

/* The grid's one-line problem, or NULL when radx can hold it. */
static const char *grid_problem(const radx_grid *g)
{
    if (g->ndim != 2 && g->ndim != 3) return "ndim must be 2 or 3";
    if (g->ndim == 2 && g->size[2] != 1) return "a 2-D grid has size[2] == 1";
    for (int a = 0; a < 3; a++) {
        if (g->size[a] < 1) return "every size must be at least 1";
        if (!(g->spacing[a] > 0) || !isfinite(g->spacing[a])) return "every spacing must be finite and positive";
        if (!isfinite(g->origin[a])) return "the origin must be finite";
    }
    for (int k = 0; k < 9; k++)
        if (!isfinite(g->direction[k])) return "the direction must be finite";
    if (g->size[0] * g->size[1] > RADX_MAX_VOXELS || g->size[0] * g->size[1] * g->size[2] > RADX_MAX_VOXELS)
        return "more voxels than radx reads (2^31)";
    return NULL;
}

radx_status radx_image_wrap(radx_ctx *ctx, const void *data, radx_dtype dtype, const radx_grid *grid, const char *name,
                            radx_image **out)
{
    if (!ctx || !data || !grid || !out)
        return ctx ? fail_msg(ctx, RADX_ERR_ARG, "radx_image_wrap: NULL argument") : RADX_ERR_ARG;
    *out = NULL;
    char m[RADX_ERR_LEN];
    const char *label = name ? name : "image";
    if ((int)dtype < RADX_DT_U8 || (int)dtype > RADX_DT_F64) {
        snprintf(m, sizeof m, "%s: unknown pixel type %d", label, (int)dtype);
        return fail_msg(ctx, RADX_ERR_ARG, m);
    }
    const char *why = grid_problem(grid);
    if (why) {
        snprintf(m, sizeof m, "%s: %s", label, why);
        return fail_msg(ctx, RADX_ERR_ARG, m);
    }
    radx_image *im = calloc(1, sizeof *im);
    char *nm = strdup(label);
    if (!im || !nm) {
        free(im);
        free(nm);
        return fail_msg(ctx, RADX_ERR_NOMEM, "out of memory");
    }
    for (int a = 0; a < 3; a++) {
        im->v.g.size[a] = (int64_t)grid->size[a];
        im->v.g.spacing[a] = grid->spacing[a];
        im->v.g.origin[a] = grid->origin[a];
    }
    memcpy(im->v.g.direction, grid->direction, sizeof im->v.g.direction);
    im->v.g.ndim = grid->ndim;
    im->v.dtype = dtype;
    im->v.data = (void *)data; /* never written: the pipeline replaces, it does not modify */
    im->name = nm;
    *out = im;
    return RADX_OK;
}

void radx_image_grid(const radx_image *img, radx_grid *grid)
{
    if (!img || !grid) return;
    for (int a = 0; a < 3; a++) {
        grid->size[a] = (long long)img->v.g.size[a];
        grid->spacing[a] = img->v.g.spacing[a];
        grid->origin[a] = img->v.g.origin[a];
    }
    memcpy(grid->direction, img->v.g.direction, sizeof grid->direction);
    grid->ndim = img->v.g.ndim;
}

radx_dtype radx_image_dtype(const radx_image *img) { return img ? img->v.dtype : RADX_DT_U8; }

const void *radx_image_data(const radx_image *img) { return img ? img->v.data : NULL; }

void radx_image_destroy(radx_image *img)
{
    if (!img) return;
    if (img->owned) radx_volume_free(&img->v);
    free(img->name);
    free(img);
}

/* ---- plans ---- */

int radx_backend_available(radx_backend b)
{
    switch (b) {
    case RADX_BACKEND_CPU: return 1;
    case RADX_BACKEND_CUDA: return radx_cuda_device_count() > 0;
    case RADX_BACKEND_AUTO: return 1;
    }
    return 0;
}

const char *radx_backend_name(radx_backend b)
{
    return b == RADX_BACKEND_CUDA ? "cuda" : b == RADX_BACKEND_CPU ? "cpu" : "auto";
}

/* What this build can compute: RADX_OK, or the error naming the setting it cannot. */
static radx_status check_computable(const radx_params *p, radx_err *e)
{
    const char *src = p->source[0] ? p->source : "", *sep = p->source[0] ? ": " : "";
    if (p->imtype[RADX_IMG_LBP2D].enabled) {
        radx_params q;
        memset(&q, 0, sizeof q);
        radx_status st = radx_params_for_imtype(&q, p, RADX_IMG_LBP2D, e);
        /* skimage rotates the code as a C int: beyond 32 bits its shifts are undefined */
        if (!st && q.lbp2d_method == RADX_LBP2D_ROR && q.lbp2d_samples > 32)
            st = radx_seterr(e, RADX_ERR_PARAM,
                             "%s%ssetting 'lbp2DSamples': %d with lbp2DMethod 'ror' is above the limit of 32 (skimage "
                             "rotates the pattern as a 32-bit int)",
                             src, sep, q.lbp2d_samples);
        radx_params_clear(&q);
        if (st) return st;
    }
    if (p->imtype[RADX_IMG_LBP3D].enabled) {
        radx_params q;
        memset(&q, 0, sizeof q);
        radx_status st = radx_params_for_imtype(&q, p, RADX_IMG_LBP3D, e);
        /* with one level PyRadiomics' table of harmonics is a vector, which it then indexes as a
         * matrix: getLBP3DImage raises IndexError */
        if (!st && q.lbp3d_levels < 2)
            st = radx_seterr(e, RADX_ERR_PARAM,
                             "%s%ssetting 'lbp3DLevels': 1 makes PyRadiomics 3.0.1's LBP3D fail (IndexError); give 2 "
                             "or more",
                             src, sep);
        radx_params_clear(&q);
        if (st) return st;
    }
    if (p->imtype[RADX_IMG_WAVELET].enabled) {
        radx_params q;
        memset(&q, 0, sizeof q);
        radx_status st = radx_params_for_imtype(&q, p, RADX_IMG_WAVELET, e);
        if (!st && !radx_wavelet_filter_find(q.wavelet))
            st = radx_seterr(
                e, RADX_ERR_PARAM,
                "%s%ssetting 'wavelet': '%s' is a continuous wavelet; the Wavelet image type (PyWavelets' "
                "stationary transform) needs a discrete one (haar, dbN, symN, coifN, biorX.Y, rbioX.Y, dmey)",
                src, sep, q.wavelet);
        if (!st && q.wavelet_start_level + q.wavelet_level > RADX_MAX_WAVELET_LEVELS)
            st = radx_seterr(e, RADX_ERR_PARAM, "%s%ssettings 'start_level' + 'level': %d is above the limit of %d",
                             src, sep, q.wavelet_start_level + q.wavelet_level, RADX_MAX_WAVELET_LEVELS);
        radx_params_clear(&q);
        if (st) return st;
    }
    /* PyRadiomics silently computes nothing for LoG without sigma; radx says so */
    if (p->imtype[RADX_IMG_LOG].enabled && p->imtype[RADX_IMG_LOG].n_sigma == 0)
        return radx_seterr(e, RADX_ERR_PARAM,
                           "%s%simageType 'LoG' has no 'sigma' values (give sigma: [...] under LoG or setting)", src,
                           sep);
    return RADX_OK;
}

radx_status radx_plan_create(radx_ctx *ctx, const radx_params *p, radx_backend backend, radx_plan **out)
{
    if (!ctx || !p || !out) return ctx ? fail_msg(ctx, RADX_ERR_ARG, "radx_plan_create: NULL argument") : RADX_ERR_ARG;
    *out = NULL;
    radx_err e = {RADX_OK, "", ""};
    if (check_computable(p, &e)) return fail(ctx, &e);
    radx_plan *plan = calloc(1, sizeof *plan);
    if (!plan) return fail_msg(ctx, RADX_ERR_NOMEM, "out of memory");
    plan->ctx = ctx;
    if (radx_params_copy(&plan->p, p, &e)) {
        free(plan);
        return fail(ctx, &e);
    }
    plan->be.ops = &radx_cpu_backend;
    plan->kind = RADX_BACKEND_CPU;
    if (backend == RADX_BACKEND_CUDA || (backend == RADX_BACKEND_AUTO && radx_cuda_device_count() > 0)) {
        radx_be cuda;
        if (radx_cuda_backend_create(&cuda, &e) == RADX_OK) {
            plan->be = cuda;
            plan->kind = RADX_BACKEND_CUDA;
        } else if (backend == RADX_BACKEND_CUDA) {
            radx_params_clear(&plan->p);
            free(plan);
            return fail(ctx, &e);
        }
    }
    *out = plan;
    return RADX_OK;
}

radx_backend radx_plan_backend(const radx_plan *plan) { return plan ? plan->kind : RADX_BACKEND_CPU; }

radx_status radx_plan_device_stats(const radx_plan *plan, radx_device_stats *s)
{
    if (!plan || !s) return RADX_ERR_ARG;
    memset(s, 0, sizeof *s);
    if (plan->kind == RADX_BACKEND_CUDA) radx_cuda_backend_stats(plan->be.ctx, s);
    return RADX_OK;
}

void radx_plan_destroy(radx_plan *plan)
{
    if (!plan) return;
    if (plan->be.ops && plan->be.ops->destroy) plan->be.ops->destroy(plan->be.ctx);
    radx_params_clear(&plan->p);
    free(plan);
}

/* ---- execution ---- */

/* The two files of a case: both headers (the image's error first), then the voxels.  Unless the
 * settings resample or correct the mask, a mask whose size differs from the image's is refused
 * from the headers, before gigabytes of data are read. */
static radx_status read_case(const radx_plan *plan, const char *ipath, const char *mpath, radx_volume *img,
                             radx_volume *msk, radx_err *e)
{
    const radx_params *p = &plan->p;
    const int same_grid = !p->correct_mask && !(p->has_resampled_spacing && p->interpolator[0]);
    return radx_volume_read_case(ipath, mpath, same_grid, img, msk, e);
}

static radx_status check_run(const radx_plan *plan, int ok, int label, const char *fn)
{
    char m[128];
    plan->ctx->warnings[0] = 0; /* a new run: the last one's warnings go */
    plan->ctx->nwarnings = 0;
    if (!ok) {
        snprintf(m, sizeof m, "%s: NULL argument", fn);
        return fail_msg(plan->ctx, RADX_ERR_ARG, m);
    }
    if (label < 0) {
        snprintf(m, sizeof m, "%s: label must be >= 0", fn);
        return fail_msg(plan->ctx, RADX_ERR_ARG, m);
    }
    return RADX_OK;
}

static radx_status run_case(radx_plan *plan, const radx_volume *img, const char *iname, const radx_volume *msk,
                            const char *mname, int label, radx_result **out)
{
    radx_err e = {RADX_OK, "", ""};
    const thread_scope t = threads_begin(plan->ctx);
    radx_status s = radx_pipeline_run(&plan->p, &plan->be, img, iname, msk, mname, label, out, &e);
    threads_end(t);
    keep_warnings(plan->ctx, &e);
    return s ? fail(plan->ctx, &e) : RADX_OK;
}

radx_status radx_plan_read_case(radx_plan *plan, const char *image_path, const char *mask_path, radx_image **image,
                                radx_image **mask)
{
    if (!plan) return RADX_ERR_ARG;
    radx_status s = check_run(plan, image_path && mask_path && image && mask, 0, "radx_plan_read_case");
    if (s) return s;
    *image = *mask = NULL;
    radx_volume img, msk;
    radx_err e = {RADX_OK, "", ""};
    if (read_case(plan, image_path, mask_path, &img, &msk, &e)) return fail(plan->ctx, &e);
    s = image_of(plan->ctx, &img, image_path, image);
    if (s) {
        radx_volume_free(&msk);
        return s;
    }
    s = image_of(plan->ctx, &msk, mask_path, mask);
    if (s) {
        radx_image_destroy(*image);
        *image = NULL;
    }
    return s;
}

radx_status radx_plan_execute(radx_plan *plan, const char *image_path, const char *mask_path, int label,
                              radx_result **out)
{
    if (!plan) return RADX_ERR_ARG;
    radx_status s = check_run(plan, image_path && mask_path && out, label, "radx_plan_execute");
    if (s) return s;
    *out = NULL;
    radx_volume img, msk;
    radx_err e = {RADX_OK, "", ""};
    if (read_case(plan, image_path, mask_path, &img, &msk, &e)) return fail(plan->ctx, &e);
    s = run_case(plan, &img, image_path, &msk, mask_path, label, out);
    radx_volume_free(&img);
    radx_volume_free(&msk);
    return s;
}

radx_status radx_plan_execute_image(radx_plan *plan, const radx_image *image, const radx_image *mask, int label,
                                    radx_result **out)
{
    if (!plan) return RADX_ERR_ARG;
    radx_status s = check_run(plan, image && mask && out, label, "radx_plan_execute_image");
    if (s) return s;
    *out = NULL;
    return run_case(plan, &image->v, image->name, &mask->v, mask->name, label, out);
}

/* ---- voxel-based feature maps (host/pipeline/voxelmap.c, host/io/map_write.c) ---- */

static radx_status run_map(radx_plan *plan, const radx_volume *img, const char *iname, const radx_volume *msk,
                           const char *mname, int label, radx_map_callback cb, void *user)
{
    radx_err e = {RADX_OK, "", ""};
    const thread_scope t = threads_begin(plan->ctx);
    radx_status s = radx_voxelmap_run_public(&plan->p, &plan->be, img, iname, msk, mname, label, cb, user, &e);
    threads_end(t);
    keep_warnings(plan->ctx, &e);
    return s ? fail(plan->ctx, &e) : RADX_OK;
}

radx_status radx_plan_execute_map(radx_plan *plan, const char *image_path, const char *mask_path, int label,
                                  radx_map_callback cb, void *user)
{
    if (!plan) return RADX_ERR_ARG;
    radx_status s = check_run(plan, image_path && mask_path && cb, label, "radx_plan_execute_map");
    if (s) return s;
    if (plan->p.kernel_radius < 1) { /* before reading: the settings are wrong whatever the files hold */
        radx_err e;
        radx_seterr(&e, RADX_ERR_PARAM, "voxelSetting 'kernelRadius': %d must be >= 1", plan->p.kernel_radius);
        return fail(plan->ctx, &e);
    }
    radx_volume img, msk;
    radx_err e = {RADX_OK, "", ""};
    if (read_case(plan, image_path, mask_path, &img, &msk, &e)) return fail(plan->ctx, &e);
    s = run_map(plan, &img, image_path, &msk, mask_path, label, cb, user);
    radx_volume_free(&img);
    radx_volume_free(&msk);
    return s;
}

radx_status radx_plan_execute_image_map(radx_plan *plan, const radx_image *image, const radx_image *mask, int label,
                                        radx_map_callback cb, void *user)
{
    if (!plan) return RADX_ERR_ARG;
    radx_status s = check_run(plan, image && mask && cb, label, "radx_plan_execute_image_map");
    if (s) return s;
    return run_map(plan, &image->v, image->name, &mask->v, mask->name, label, cb, user);
}

/* ---- response maps (host/pipeline/filter.c) ---- */

static radx_status run_filter(radx_plan *plan, const radx_volume *img, const char *iname, radx_map_callback cb,
                              void *user)
{
    radx_err e = {RADX_OK, "", ""};
    const thread_scope t = threads_begin(plan->ctx);
    radx_status s = radx_pipeline_filter(&plan->p, &plan->be, img, iname, cb, user, &e);
    threads_end(t);
    keep_warnings(plan->ctx, &e);
    return s ? fail(plan->ctx, &e) : RADX_OK;
}

radx_status radx_plan_execute_filter(radx_plan *plan, const char *image_path, radx_map_callback cb, void *user)
{
    if (!plan) return RADX_ERR_ARG;
    radx_status s = check_run(plan, image_path && cb, 0, "radx_plan_execute_filter");
    if (s) return s;
    radx_volume img;
    radx_err e = {RADX_OK, "", ""};
    if (radx_volume_read(image_path, &img, &e)) return fail(plan->ctx, &e);
    s = run_filter(plan, &img, image_path, cb, user);
    radx_volume_free(&img);
    return s;
}

radx_status radx_plan_execute_image_filter(radx_plan *plan, const radx_image *image, radx_map_callback cb, void *user)
{
    if (!plan) return RADX_ERR_ARG;
    radx_status s = check_run(plan, image && cb, 0, "radx_plan_execute_image_filter");
    return s ? s : run_filter(plan, &image->v, image->name, cb, user);
}

/* The map's grid as the library's; RADX_ERR_ARG for an empty one. */
static radx_status map_geom(radx_ctx *ctx, const radx_map *map, radx_geom *g)
{
    memset(g, 0, sizeof *g);
    for (int a = 0; a < 3; a++) {
        g->size[a] = (int64_t)map->grid->size[a];
        g->spacing[a] = map->grid->spacing[a];
        g->origin[a] = map->grid->origin[a];
    }
    memcpy(g->direction, map->grid->direction, sizeof g->direction);
    g->ndim = map->grid->ndim;
    if (g->size[0] < 1 || g->size[1] < 1 || g->size[2] < 1)
        return fail_msg(ctx, RADX_ERR_ARG, "radx_map_save: empty grid");
    return RADX_OK;
}

radx_status radx_map_save(radx_ctx *ctx, const radx_map *map, const char *path)
{
    if (!ctx) return RADX_ERR_ARG;
    if (!map || !map->grid || !map->data || !path) return fail_msg(ctx, RADX_ERR_ARG, "radx_map_save: NULL argument");
    radx_geom g;
    radx_status s = map_geom(ctx, map, &g);
    if (s) return s;
    radx_err e = {RADX_OK, "", ""};
    s = radx_map_write(path, &g, map->data, &e);
    return s ? fail(ctx, &e) : RADX_OK;
}

radx_status radx_map_save_fd(radx_ctx *ctx, const radx_map *map, int fd, const char *format)
{
    if (!ctx) return RADX_ERR_ARG;
    if (!map || !map->grid || !map->data || !format)
        return fail_msg(ctx, RADX_ERR_ARG, "radx_map_save_fd: NULL argument");
    radx_geom g;
    radx_status s = map_geom(ctx, map, &g);
    if (s) return s;
    radx_err e = {RADX_OK, "", ""};
    s = radx_map_write_fd(fd, format, map->name ? map->name : "map", &g, map->data, &e);
    return s ? fail(ctx, &e) : RADX_OK;
}

/* ---- output files ---- */

radx_status radx_file_create(radx_ctx *ctx, const char *path, radx_file **out)
{
    if (!ctx) return RADX_ERR_ARG;
    if (!path || !out) return fail_msg(ctx, RADX_ERR_ARG, "radx_file_create: NULL argument");
    radx_err e = {RADX_OK, "", ""};
    radx_status s = radx_outfile_create(path, out, &e);
    return s ? fail(ctx, &e) : RADX_OK;
}

int radx_file_fd(const radx_file *f) { return radx_outfile_fd(f); }

const char *radx_file_path(const radx_file *f) { return radx_outfile_path(f); }

radx_status radx_file_park(radx_ctx *ctx, radx_file *f)
{
    if (!ctx || !f) return RADX_ERR_ARG;
    radx_err e = {RADX_OK, "", ""};
    radx_status s = radx_outfile_park(f, &e);
    return s ? fail(ctx, &e) : RADX_OK;
}

radx_status radx_file_commit(radx_ctx *ctx, radx_file *f)
{
    if (!ctx || !f) {
        radx_outfile_discard(f);
        return RADX_ERR_ARG;
    }
    radx_err e = {RADX_OK, "", ""};
    radx_status s = radx_outfile_commit(f, &e);
    return s ? fail(ctx, &e) : RADX_OK;
}

void radx_file_discard(radx_file *f) { radx_outfile_discard(f); }

void radx_file_discard_all(void) { radx_outfile_discard_all(); }
