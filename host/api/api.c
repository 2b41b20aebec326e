/* SPDX-License-Identifier: BSD-3-Clause */
/* Public entry points: argument checks, context error state, plan set-up. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#include "params/params.h"
#include "pipeline/pipeline.h"
#include "api/plan_internal.h"
#include "api/result.h"

struct radx_ctx {
    char msg[RADX_ERR_LEN];
    int nthreads;
};

struct radx_plan {
    radx_ctx *ctx;
    radx_params p;
    radx_backend backend;
    const radx_backend_ops *ops;
    void *bctx;
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

radx_status radx_ctx_create(radx_ctx **out)
{
    if (!out) return RADX_ERR_ARG;
    *out = calloc(1, sizeof **out);
    return *out ? RADX_OK : RADX_ERR_NOMEM;
}

void radx_ctx_destroy(radx_ctx *ctx) { free(ctx); }

const char *radx_ctx_last_error(const radx_ctx *ctx) { return ctx ? ctx->msg : "no context"; }

radx_status radx_ctx_set_threads(radx_ctx *ctx, int nthreads)
{
    if (!ctx) return RADX_ERR_ARG;
    if (nthreads < 0) return fail_msg(ctx, RADX_ERR_ARG, "thread count must be >= 0");
    ctx->nthreads = nthreads;
#ifdef _OPENMP
    if (nthreads > 0) omp_set_num_threads(nthreads);
#endif
    return RADX_OK;
}

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
    radx_err e = {RADX_OK, ""};
    radx_status s = radx_params_load_file(p, path, &e);
    return s ? fail(ctx, &e) : RADX_OK;
}

radx_status radx_params_set(radx_ctx *ctx, radx_params *p, const char *name, const char *value)
{
    if (!ctx || !p || !name || !value)
        return ctx ? fail_msg(ctx, RADX_ERR_ARG, "radx_params_set: NULL argument") : RADX_ERR_ARG;
    radx_err e = {RADX_OK, ""};
    radx_status s = radx_params_set_text(p, name, value, &e);
    return s ? fail(ctx, &e) : RADX_OK;
}

void radx_params_destroy(radx_params *p)
{
    if (!p) return;
    radx_params_clear(p);
    free(p);
}

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

radx_status radx_plan_create(radx_ctx *ctx, const radx_params *p, radx_backend backend, radx_plan **out)
{
    if (!ctx || !p || !out) return ctx ? fail_msg(ctx, RADX_ERR_ARG, "radx_plan_create: NULL argument") : RADX_ERR_ARG;
    *out = NULL;
    radx_err e = {RADX_OK, ""};
    /* what this build can compute: Original and LoG image types */
    for (int t = 0; t < RADX_IMG_COUNT; t++) {
        if (t == RADX_IMG_ORIGINAL || t == RADX_IMG_LOG || !p->imtype[t].enabled) continue;
        radx_seterr(&e, RADX_ERR_UNSUPPORTED, "%s%simageType '%s' is not implemented in radx %s yet (Original and LoG are)",
                    p->source[0] ? p->source : "", p->source[0] ? ": " : "", radx_params_imtype_name((radx_imtype)t),
                    RADX_VERSION_STRING);
        return fail(ctx, &e);
    }
    if (p->imtype[RADX_IMG_LOG].enabled && p->imtype[RADX_IMG_LOG].n_sigma == 0) {
        /* PyRadiomics silently computes nothing for LoG without sigma; radx says so */
        radx_seterr(&e, RADX_ERR_PARAM, "%s%simageType 'LoG' has no 'sigma' values (give sigma: [...] under LoG or setting)",
                    p->source[0] ? p->source : "", p->source[0] ? ": " : "");
        return fail(ctx, &e);
    }
    radx_plan *plan = calloc(1, sizeof *plan);
    if (!plan) return fail_msg(ctx, RADX_ERR_NOMEM, "out of memory");
    plan->ctx = ctx;
    if (radx_params_copy(&plan->p, p, &e)) {
        free(plan);
        return fail(ctx, &e);
    }
    plan->ops = &radx_cpu_backend;
    plan->backend = RADX_BACKEND_CPU;
    if (backend == RADX_BACKEND_CUDA || (backend == RADX_BACKEND_AUTO && radx_cuda_device_count() > 0)) {
        const radx_backend_ops *ops;
        void *bctx;
        if (radx_cuda_backend_create(&ops, &bctx, &e) == RADX_OK) {
            plan->ops = ops;
            plan->bctx = bctx;
            plan->backend = RADX_BACKEND_CUDA;
        } else if (backend == RADX_BACKEND_CUDA) {
            radx_params_clear(&plan->p);
            free(plan);
            return fail(ctx, &e);
        }
    }
    *out = plan;
    return RADX_OK;
}

radx_backend radx_plan_backend(const radx_plan *plan) { return plan ? plan->backend : RADX_BACKEND_CPU; }

void radx_device_memory(unsigned long long *peak_bytes, unsigned long long *budget_bytes, long long *cpu_fallbacks)
{
    radx_cuda_memstats m = {0, 0, 0, 0, 0, 0, 0};
    if (radx_cuda_device_count() > 0) radx_cuda_memory_stats(&m);
    if (peak_bytes) *peak_bytes = m.peak_bytes;
    if (budget_bytes) *budget_bytes = m.budget_bytes;
    if (cpu_fallbacks) *cpu_fallbacks = m.cpu_fallbacks;
}

radx_status radx_plan_execute(radx_plan *plan, const char *image_path, const char *mask_path, int label,
                              radx_result **out)
{
    if (!plan) return RADX_ERR_ARG;
    if (!image_path || !mask_path || !out) return fail_msg(plan->ctx, RADX_ERR_ARG, "radx_plan_execute: NULL argument");
    if (label < 0) return fail_msg(plan->ctx, RADX_ERR_ARG, "radx_plan_execute: label must be >= 0");
    radx_err e = {RADX_OK, ""};
    radx_status s = radx_pipeline_run(&plan->p, plan->ops, plan->bctx, image_path, mask_path, label, out, &e);
    return s ? fail(plan->ctx, &e) : RADX_OK;
}

/* host/api/plan_internal.h: radx_plan_execute with volumes read ahead (radx batch). */
radx_status radx_plan_execute_loaded(radx_plan *plan, const char *image_path, const char *mask_path,
                                     radx_loaded *pre, int label, radx_result **out)
{
    if (!plan) return RADX_ERR_ARG;
    if (!image_path || !mask_path || !out) return fail_msg(plan->ctx, RADX_ERR_ARG, "radx_plan_execute: NULL argument");
    radx_err e = {RADX_OK, ""};
    radx_status s = radx_pipeline_run_loaded(&plan->p, plan->ops, plan->bctx, image_path, mask_path, pre, label, out, &e);
    return s ? fail(plan->ctx, &e) : RADX_OK;
}

void radx_plan_destroy(radx_plan *plan)
{
    if (!plan) return;
    if (plan->ops && plan->ops->destroy) plan->ops->destroy(plan->bctx);
    radx_params_clear(&plan->p);
    free(plan);
}

/* ---- voxel-based feature maps (include/radx.h; host/pipeline/voxelmap.c, host/io/map_write.c) ---------- */

#include "pipeline/voxelmap.h"

radx_status radx_plan_execute_map(radx_plan *plan, const char *image_path, const char *mask_path, int label,
                                  radx_map_callback cb, void *user)
{
    if (!plan) return RADX_ERR_ARG;
    if (!image_path || !mask_path || !cb)
        return fail_msg(plan->ctx, RADX_ERR_ARG, "radx_plan_execute_map: NULL argument");
    if (label < 0) return fail_msg(plan->ctx, RADX_ERR_ARG, "radx_plan_execute_map: label must be >= 0");
    radx_err e = {RADX_OK, ""};
    radx_status s = radx_voxelmap_run_public(&plan->p, plan->ops, plan->bctx, image_path, mask_path, label, cb,
                                             user, &e);
    return s ? fail(plan->ctx, &e) : RADX_OK;
}

radx_status radx_map_save(radx_ctx *ctx, const radx_map *map, const char *path)
{
    if (!ctx) return RADX_ERR_ARG;
    if (!map || !map->grid || !map->data || !path) return fail_msg(ctx, RADX_ERR_ARG, "radx_map_save: NULL argument");
    radx_geom g;
    memset(&g, 0, sizeof g);
    for (int a = 0; a < 3; a++) {
        g.size[a] = (int64_t)map->grid->size[a];
        g.spacing[a] = map->grid->spacing[a];
        g.origin[a] = map->grid->origin[a];
    }
    memcpy(g.direction, map->grid->direction, sizeof g.direction);
    g.ndim = map->grid->ndim;
    if (g.size[0] < 1 || g.size[1] < 1 || g.size[2] < 1)
        return fail_msg(ctx, RADX_ERR_ARG, "radx_map_save: empty grid");
    radx_err e = {RADX_OK, ""};
    radx_status s = radx_map_write(path, &g, map->data, &e);
    return s ? fail(ctx, &e) : RADX_OK;
}
