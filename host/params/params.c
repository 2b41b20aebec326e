/* SPDX-License-Identifier: BSD-3-Clause */
/* radx_params itself: PyRadiomics' default settings, clear, copy.  The rest of the parameter
 * code is split by role: see params_internal.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "params/params.h"
#include "params/params_internal.h"

void radx_params_init_defaults(radx_params *p)
{
    if (!p) return;
    memset(p, 0, sizeof *p);
    p->label = 1;
    p->label_channel = 0;
    p->additional_info = 1;
    p->minimum_roi_dimensions = 2;
    p->pad_distance = 5;
    p->gradient_use_spacing = 1;
    snprintf(p->wavelet, sizeof p->wavelet, "coif1");
    p->wavelet_level = 1;
    p->lbp2d_radius = 1.0;
    p->lbp2d_samples = 8;
    p->lbp2d_method = 2; /* uniform */
    p->lbp3d_levels = 2;
    p->lbp3d_radius = 1.0;
    p->lbp3d_subdivision = 1;
    p->normalize_scale = 1.0;
    p->reseg_mode = RADX_RESEG_ABSOLUTE;
    snprintf(p->interpolator, sizeof p->interpolator, "sitkBSpline");
    p->bin_width = 25.0;
    p->ibsi_mask_threshold = 0.5;
    p->filter_boundary = 2; /* mirror */
    p->mean_support = 3;
    snprintf(p->laws_kernel, sizeof p->laws_kernel, "L5L5L5");
    p->laws_delta = -1;
    p->simoncelli_level = 1;
    p->gabor_sigma = 1.0;
    p->gabor_lambda = 2.0;
    p->gabor_gamma = 1.0;
    p->gabor_angle_step = 45.0;
    snprintf(p->wavelet_bands, sizeof p->wavelet_bands, "LLL");
    p->n_distances = 1;
    p->distances[0] = 1;
    p->symmetrical_glcm = 1;
    p->weighting_norm = RADX_WNORM_NONE;
    p->kernel_radius = 1;
    p->masked_kernel = 1;
    p->init_value = 0.0;
    p->voxel_batch = -1;
    p->imtype[RADX_IMG_ORIGINAL].enabled = 1;
    for (int t = 0; t < RADX_IMG_COUNT; t++) snprintf(p->imtype[t].custom, sizeof p->imtype[t].custom, "{}");
    p->imtype_order[0] = RADX_IMG_ORIGINAL;
    p->n_imtype_order = 1;
    for (int c = 0; c < RADX_CLASS_PYRADIOMICS_COUNT; c++) {
        if (c == RADX_CLASS_SHAPE2D) continue; /* PyRadiomics does not enable shape2D by default */
        p->cls[c].enabled = 1;
        p->cls[c].all = 1;
        p->class_order[p->n_class_order++] = c;
    }
    p->source[0] = 0;
    p->extra = NULL;
}

static void extra_free(struct radx_params_extra *x)
{
    if (!x) return;
    for (int i = 0; i < x->n_given; i++) {
        free(x->given[i].key);
        free(x->given[i].repr);
        free(x->given[i].canon);
    }
    free(x->given);
    for (int t = 0; t < RADX_IMG_COUNT; t++) {
        for (int i = 0; i < x->n_custom[t]; i++) {
            free(x->custom[t][i].key);
            radx_pval_free(x->custom[t][i].val);
            free(x->custom[t][i].val);
        }
        free(x->custom[t]);
    }
    free(x);
}

void radx_params_clear(radx_params *p)
{
    if (!p) return;
    for (int c = 0; c < RADX_CLASS_COUNT; c++) {
        for (int i = 0; i < p->cls[c].n && i < RADX_MAX_NAMES; i++) {
            free(p->cls[c].names[i]);
            p->cls[c].names[i] = NULL;
        }
        p->cls[c].n = 0;
    }
    extra_free(p->extra);
    p->extra = NULL;
}

static struct radx_params_extra *extra_copy(const struct radx_params_extra *s)
{
    struct radx_params_extra *d = calloc(1, sizeof *d);
    if (!d) return NULL;
    d->has_gsigma = s->has_gsigma;
    d->n_gsigma = s->n_gsigma;
    memcpy(d->gsigma, s->gsigma, sizeof d->gsigma);
    memcpy(d->gsigma_text, s->gsigma_text, sizeof d->gsigma_text);
    if (s->n_given) {
        d->given = calloc((size_t)s->n_given, sizeof *d->given);
        if (!d->given) goto fail;
        d->cap_given = s->n_given;
        for (int i = 0; i < s->n_given; i++) {
            d->n_given = i + 1;
            d->given[i].key = radx_pstrdup(s->given[i].key);
            d->given[i].repr = radx_pstrdup(s->given[i].repr);
            d->given[i].canon = s->given[i].canon ? radx_pstrdup(s->given[i].canon) : NULL;
            if (!d->given[i].key || !d->given[i].repr || (s->given[i].canon && !d->given[i].canon)) goto fail;
        }
    }
    for (int t = 0; t < RADX_IMG_COUNT; t++) {
        if (!s->n_custom[t]) continue;
        d->custom[t] = calloc((size_t)s->n_custom[t], sizeof *d->custom[t]);
        if (!d->custom[t]) goto fail;
        for (int i = 0; i < s->n_custom[t]; i++) {
            d->n_custom[t] = i + 1;
            d->custom[t][i].key = radx_pstrdup(s->custom[t][i].key);
            d->custom[t][i].val = calloc(1, sizeof(pval));
            if (!d->custom[t][i].key || !d->custom[t][i].val) goto fail;
            if (radx_pval_copy(d->custom[t][i].val, s->custom[t][i].val)) goto fail;
        }
    }
    return d;
fail:
    extra_free(d);
    return NULL;
}

radx_status radx_params_copy(radx_params *dst, const radx_params *src, radx_err *err)
{
    if (!dst || !src) return radx_seterr(err, RADX_ERR_ARG, "radx_params_copy: NULL argument");
    if (dst == src) return RADX_OK;
    *dst = *src;
    for (int c = 0; c < RADX_CLASS_COUNT; c++)
        for (int i = 0; i < RADX_MAX_NAMES; i++) dst->cls[c].names[i] = NULL;
    dst->extra = NULL;
    for (int c = 0; c < RADX_CLASS_COUNT; c++) {
        int n = src->cls[c].n;
        dst->cls[c].n = 0;
        for (int i = 0; i < n && i < RADX_MAX_NAMES; i++) {
            dst->cls[c].names[i] = radx_pstrdup(src->cls[c].names[i]);
            dst->cls[c].n = i + 1;
            if (src->cls[c].names[i] && !dst->cls[c].names[i]) goto nomem;
        }
    }
    if (src->extra && !(dst->extra = extra_copy(src->extra))) goto nomem;
    return RADX_OK;
nomem:
    radx_params_clear(dst);
    return radx_seterr(err, RADX_ERR_NOMEM, "out of memory copying settings");
}

int radx_params_ensure_extra(radx_params *p)
{
    if (!p->extra) p->extra = calloc(1, sizeof *p->extra);
    return p->extra ? 0 : -1;
}

/* LoG runs with its own 'sigma' when the file gave one under imageType: LoG:, else with the
 * general setting (PyRadiomics: args = settings; args.update(customKwargs)). */
void radx_params_sync_log_sigma(radx_params *p)
{
    radx_imtype_sel *s = &p->imtype[RADX_IMG_LOG];
    const struct radx_params_extra *x = p->extra;
    s->n_sigma = 0;
    if (!x) return;
    for (int i = 0; i < x->n_custom[RADX_IMG_LOG]; i++) {
        if (!strcmp(x->custom[RADX_IMG_LOG][i].key, "sigma")) {
            const pval *v = x->custom[RADX_IMG_LOG][i].val;
            for (int j = 0; j < v->n && j < RADX_MAX_SIGMAS; j++) {
                double d = 0;
                if (v->items[j].k == PV_STR)
                    radx_py_float(v->items[j].s, &d);
                else
                    d = v->items[j].d;
                radx_pv_number_str(&v->items[j], s->sigma_text[s->n_sigma], sizeof s->sigma_text[0]);
                s->sigma[s->n_sigma++] = d;
            }
            return;
        }
    }
    if (x->has_gsigma)
        for (int j = 0; j < x->n_gsigma; j++) {
            snprintf(s->sigma_text[s->n_sigma], sizeof s->sigma_text[0], "%s", x->gsigma_text[j]);
            s->sigma[s->n_sigma++] = x->gsigma[j];
        }
}
