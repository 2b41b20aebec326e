/* SPDX-License-Identifier: BSD-3-Clause */
/* PyRadiomics 3.0.1 parameter files (YAML and JSON, parsed with libyaml) and -s NAME:VALUE
 * overrides.  See params.h for the semantics; the validation rules are those of PyRadiomics'
 * schemas/paramSchema.yaml and schemas/schemaFuncs.py, the YAML scalar typing is that of the
 * ruamel.yaml loader PyRadiomics validates with (YAML 1.2 core schema). */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>
#include "core/repr.h"
#include "params/params.h"
#include "params/params_internal.h"

/* PyRadiomics' _getDefaultSettings(), in its order, with the values as it prints them. */
static const struct { kid k; const char *repr; } pydefaults[] = {
    {K_MINROIDIM, "2"}, {K_MINROISIZE, "None"}, {K_NORMALIZE, "False"}, {K_NORMSCALE, "1"},
    {K_REMOVEOUT, "None"}, {K_RESAMPLED, "None"}, {K_INTERP, "'sitkBSpline'"}, {K_PRECROP, "False"},
    {K_PADDIST, "5"}, {K_DISTANCES, "[1]"}, {K_FORCE2D, "False"}, {K_FORCE2DDIM, "0"},
    {K_RESEGRANGE, "None"}, {K_LABEL, "1"}, {K_ADDINFO, "True"},
};
#define N_PYDEFAULTS ((int)(sizeof pydefaults / sizeof pydefaults[0]))

/* ------------------------------------------------------------------------------------------
 * Defaults, clear, copy.
 * ---------------------------------------------------------------------------------------- */
void radx_params_init_defaults(radx_params *p)
{
    if (!p) return;
    memset(p, 0, sizeof *p);
    p->label = 1;
    p->label_channel = 0;
    p->additional_info = 1;
    p->minimum_roi_dimensions = 2;
    p->pad_distance = 5;
    p->normalize_scale = 1.0;
    p->reseg_mode = RADX_RESEG_ABSOLUTE;
    snprintf(p->interpolator, sizeof p->interpolator, "sitkBSpline");
    p->bin_width = 25.0;
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
    for (int c = 0; c < RADX_CLASS_COUNT; c++) {
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

/* ------------------------------------------------------------------------------------------
 * Canonical text of a setting from the struct (NULL-free; "" when the key has no field).
 * Used to tell whether a field still holds what was given, and to print changed fields.
 * ---------------------------------------------------------------------------------------- */
static void sb_int_or_float(sbuf *b, double d)
{
    if (d == floor(d) && fabs(d) < 9.0e15) radx_sb_printf(b, "%.0f", d);
    else radx_sb_float(b, d);
}

int radx_params_canon(const radx_params *p, int k, sbuf *b)
{
    switch (k) {
    case K_MINROIDIM: radx_sb_printf(b, "%d", p->minimum_roi_dimensions); return 1;
    case K_MINROISIZE:
        if (p->has_minimum_roi_size) radx_sb_printf(b, "%lld", (long long)p->minimum_roi_size);
        else radx_sb_puts(b, "None");
        return 1;
    case K_GEOMTOL:
        if (p->has_geometry_tolerance) radx_sb_float(b, p->geometry_tolerance);
        else radx_sb_puts(b, "None");
        return 1;
    case K_CORRECTMASK: radx_sb_puts(b, p->correct_mask ? "True" : "False"); return 1;
    case K_ADDINFO: radx_sb_puts(b, p->additional_info ? "True" : "False"); return 1;
    case K_LABEL: radx_sb_printf(b, "%d", p->label); return 1;
    case K_LABELCH: radx_sb_printf(b, "%d", p->label_channel); return 1;
    case K_BINWIDTH: radx_sb_float(b, p->bin_width); return 1;
    case K_BINCOUNT:
        if (p->has_bin_count) radx_sb_printf(b, "%d", p->bin_count);
        else radx_sb_puts(b, "None");
        return 1;
    case K_NORMALIZE: radx_sb_puts(b, p->normalize ? "True" : "False"); return 1;
    case K_NORMSCALE: radx_sb_float(b, p->normalize_scale); return 1;
    case K_REMOVEOUT:
        if (p->has_remove_outliers) radx_sb_float(b, p->remove_outliers);
        else radx_sb_puts(b, "None");
        return 1;
    case K_RESAMPLED:
        if (!p->has_resampled_spacing) { radx_sb_puts(b, "None"); return 1; }
        radx_sb_puts(b, "[");
        for (int i = 0; i < 3; i++) {
            if (i) radx_sb_puts(b, ", ");
            radx_sb_float(b, p->resampled_spacing[i]);
        }
        radx_sb_puts(b, "]");
        return 1;
    case K_INTERP:
        if (p->interpolator[0]) radx_sb_pystr(b, p->interpolator);
        else radx_sb_puts(b, "None");
        return 1;
    case K_PADDIST: radx_sb_printf(b, "%d", p->pad_distance); return 1;
    case K_DISTANCES:
        radx_sb_puts(b, "[");
        for (int i = 0; i < p->n_distances && i < RADX_MAX_DISTANCES; i++) radx_sb_printf(b, "%s%d", i ? ", " : "", p->distances[i]);
        radx_sb_puts(b, "]");
        return 1;
    case K_FORCE2D: radx_sb_puts(b, p->force2d ? "True" : "False"); return 1;
    case K_FORCE2DDIM: radx_sb_printf(b, "%d", p->force2d_dimension); return 1;
    case K_RESEGRANGE:
        if (p->n_reseg_range <= 0) { radx_sb_puts(b, "None"); return 1; }
        radx_sb_puts(b, "[");
        for (int i = 0; i < p->n_reseg_range && i < 2; i++) {
            if (i) radx_sb_puts(b, ", ");
            radx_sb_float(b, p->reseg_range[i]);
        }
        radx_sb_puts(b, "]");
        return 1;
    case K_RESEGMODE:
        radx_sb_pystr(b, ((int)p->reseg_mode >= 0 && (int)p->reseg_mode < 3) ? radx_reseg_names[p->reseg_mode] : "?");
        return 1;
    case K_RESEGSHAPE: radx_sb_puts(b, p->reseg_shape ? "True" : "False"); return 1;
    case K_PRECROP: radx_sb_puts(b, p->pre_crop ? "True" : "False"); return 1;
    case K_VOXSHIFT: sb_int_or_float(b, p->voxel_array_shift); return 1;
    case K_SYMGLCM: radx_sb_puts(b, p->symmetrical_glcm ? "True" : "False"); return 1;
    case K_WNORM:
        if (p->weighting_norm == RADX_WNORM_NONE) radx_sb_puts(b, "None");
        else if (p->weighting_norm >= RADX_WNORM_MANHATTAN && p->weighting_norm <= RADX_WNORM_NO_WEIGHTING)
            radx_sb_pystr(b, radx_wnorm_names[p->weighting_norm - RADX_WNORM_MANHATTAN]);
        else radx_sb_puts(b, "?");
        return 1;
    case K_GLDMA: sb_int_or_float(b, p->gldm_a); return 1;
    case K_IBSIKURT: radx_sb_puts(b, p->ibsi_kurtosis_excess ? "True" : "False"); return 1;
    case K_LOGKERNEL: radx_sb_pystr(b, radx_logkernel_names[p->log_mode == 1]); return 1;
    case K_KERNELRADIUS: radx_sb_printf(b, "%d", p->kernel_radius); return 1;
    case K_MASKEDKERNEL: radx_sb_puts(b, p->masked_kernel ? "True" : "False"); return 1;
    case K_INITVALUE: radx_sb_float(b, p->init_value); return 1;
    case K_VOXELBATCH: radx_sb_printf(b, "%d", p->voxel_batch); return 1;
    default: return 0; /* settings radx keeps but has no field for */
    }
}

/* ------------------------------------------------------------------------------------------
 * Validation and application of one setting.
 * ---------------------------------------------------------------------------------------- */
radx_status radx_param_error(const actx *a, const char *key, const char *fmt, ...)
{
    char msg[700];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (a->file)
        return radx_seterr(a->err, RADX_ERR_PARAM, "%s: %s '%s': %s", a->file, a->section, key, msg);
    return radx_seterr(a->err, RADX_ERR_PARAM, "%s '%s': %s", a->section, key, msg);
}

static const char *range_text(krange r)
{
    switch (r) {
    case R_GT0: return "> 0";
    case R_GE0: return ">= 0";
    case R_1_3: return "between 1 and 3";
    case R_0_2: return "between 0 and 2";
    default: return "";
    }
}

static int in_range_ll(krange r, long long v)
{
    switch (r) {
    case R_GT0: return v > 0;
    case R_GE0: return v >= 0;
    case R_1_3: return v >= 1 && v <= 3;
    case R_0_2: return v >= 0 && v <= 2;
    default: return 1;
    }
}

static int in_range_d(krange r, double v)
{
    switch (r) {
    case R_GT0: return isfinite(v) && v > 0;
    case R_GE0: return isfinite(v) && v >= 0;
    default: return 1;
    }
}

/* "value X" for a scalar, "element i = X of [..]" for an element of the list seq. */
static void what_text(char *out, size_t len, const pval *v, const pval *seq, int i)
{
    char sh[160], ss[160];
    radx_show_value(v, sh, sizeof sh);
    if (!seq) { snprintf(out, len, "value %s", sh); return; }
    radx_show_value(seq, ss, sizeof ss);
    snprintf(out, len, "element %d = %s of %s", i, sh, ss);
}

/* An int-typed scalar (pykwalify is_int: int, not bool). */
static radx_status get_int(const actx *a, const keydef *kd, const pval *v, const pval *seq, int idx, long long lo,
                           long long hi, long long *out)
{
    char what[400];
    what_text(what, sizeof what, v, seq, idx);
    if (v->k != PV_INT) return radx_param_error(a, kd->name, "%s is not an integer", what);
    if (v->big || v->i < lo || v->i > hi) return radx_param_error(a, kd->name, "%s is out of range", what);
    if (!in_range_ll(kd->r, v->i)) return radx_param_error(a, kd->name, "%s must be %s", what, range_text(kd->r));
    *out = v->i;
    return RADX_OK;
}

/* A float-typed scalar (pykwalify is_float: float, int, or text Python's float() reads). */
static radx_status get_float(const actx *a, const keydef *kd, const pval *v, const pval *seq, int idx, double *out)
{
    char what[400];
    what_text(what, sizeof what, v, seq, idx);
    double d;
    if (v->k == PV_FLOAT || v->k == PV_INT) d = v->d;
    else if (v->k == PV_STR && v->s && radx_py_float(v->s, &d) == 0) { /* e.g. initValue: nan */ }
    else return radx_param_error(a, kd->name, "%s is not a number", what);
    if (kd->r != R_NONE && !isfinite(d)) return radx_param_error(a, kd->name, "%s is not a finite number", what);
    if (!in_range_d(kd->r, d)) return radx_param_error(a, kd->name, "%s must be %s", what, range_text(kd->r));
    if (seq && isnan(d) && kd->r == R_NONE) return radx_param_error(a, kd->name, "%s: NaN is not allowed", what);
    *out = d;
    return RADX_OK;
}

static radx_status get_enum(const actx *a, const keydef *kd, const pval *v, const char *const *names, int n,
                            int *out)
{
    char sh[160], list[1600];
    radx_show_value(v, sh, sizeof sh);
    if (v->k != PV_STR) return radx_param_error(a, kd->name, "value %s is not a string", sh);
    int i = radx_find_name(names, n, v->s);
    if (i < 0) {
        radx_join_names(list, sizeof list, names, n);
        if (n > 20) snprintf(list, sizeof list, "the names of pywt.wavelist(), e.g. haar, coif1, db2, sym4");
        return radx_param_error(a, kd->name, "value '%s' is not one of: %s", v->s, list);
    }
    *out = i;
    return RADX_OK;
}

static radx_status set_extra_sigma(radx_params *p, int has, int n, const double *s, const actx *a)
{
    if (radx_params_ensure_extra(p)) return radx_seterr(a->err, RADX_ERR_NOMEM, "out of memory");
    p->extra->has_gsigma = has;
    p->extra->n_gsigma = n;
    for (int i = 0; i < n; i++) p->extra->gsigma[i] = s[i];
    return RADX_OK;
}

/* Validates v for key k and stores it in *p.  Does not record it (see radx_record_given). */
radx_status radx_apply_value(radx_params *p, int k, const pval *v, const actx *a)
{
    const keydef *kd = &radx_param_keys[k];
    char sh[160];
    radx_show_value(v, sh, sizeof sh);
    long long iv = 0;
    double dv = 0;
    radx_status st;

    if (v->k == PV_NULL) {
        if (!kd->nullok) return radx_param_error(a, kd->name, "value None is not allowed");
        switch (k) {
        case K_MINROISIZE: p->has_minimum_roi_size = 0; p->minimum_roi_size = 0; break;
        case K_GEOMTOL: p->has_geometry_tolerance = 0; p->geometry_tolerance = 0; break;
        case K_BINCOUNT: p->has_bin_count = 0; p->bin_count = 0; break;
        case K_REMOVEOUT: p->has_remove_outliers = 0; p->remove_outliers = 0; break;
        case K_RESAMPLED: p->has_resampled_spacing = 0; memset(p->resampled_spacing, 0, sizeof p->resampled_spacing); break;
        case K_INTERP: p->interpolator[0] = 0; break;
        case K_RESEGRANGE: p->n_reseg_range = 0; p->reseg_range[0] = p->reseg_range[1] = 0; break;
        case K_WNORM: p->weighting_norm = RADX_WNORM_NONE; break;
        /* booleans: None is falsy where PyRadiomics tests them */
        case K_CORRECTMASK: p->correct_mask = 0; break;
        case K_ADDINFO: p->additional_info = 0; break;
        case K_NORMALIZE: p->normalize = 0; break;
        case K_FORCE2D: p->force2d = 0; break;
        case K_RESEGSHAPE: p->reseg_shape = 0; break;
        case K_PRECROP: p->pre_crop = 0; break;
        case K_SYMGLCM: p->symmetrical_glcm = 0; break;
        case K_IBSIKURT: p->ibsi_kurtosis_excess = 0; break;
        case K_MASKEDKERNEL: p->masked_kernel = 0; break;
        default: break; /* gradientUseSpacing: kept as text only */
        }
        return RADX_OK;
    }

    switch (kd->t) {
    case T_BOOL: {
        if (v->k != PV_BOOL) return radx_param_error(a, kd->name, "value %s is not a boolean (true or false)", sh);
        int b = v->b;
        switch (k) {
        case K_CORRECTMASK: p->correct_mask = b; break;
        case K_ADDINFO: p->additional_info = b; break;
        case K_NORMALIZE: p->normalize = b; break;
        case K_FORCE2D: p->force2d = b; break;
        case K_RESEGSHAPE: p->reseg_shape = b; break;
        case K_PRECROP: p->pre_crop = b; break;
        case K_SYMGLCM: p->symmetrical_glcm = b; break;
        case K_IBSIKURT: p->ibsi_kurtosis_excess = b; break;
        case K_MASKEDKERNEL: p->masked_kernel = b; break;
        default: break;
        }
        return RADX_OK;
    }
    case T_INT: {
        long long lo = LLONG_MIN, hi = LLONG_MAX;
        if (k != K_MINROISIZE && k != K_VOXSHIFT && k != K_GLDMA) { lo = INT_MIN; hi = INT_MAX; }
        if (k == K_VOXSHIFT || k == K_GLDMA) { lo = -(1LL << 53); hi = 1LL << 53; } /* stored as double */
        if ((st = get_int(a, kd, v, NULL, 0, lo, hi, &iv))) return st;
        switch (k) {
        case K_MINROIDIM: p->minimum_roi_dimensions = (int)iv; break;
        case K_MINROISIZE: p->has_minimum_roi_size = 1; p->minimum_roi_size = (int64_t)iv; break;
        case K_LABEL: p->label = (int)iv; break;
        case K_LABELCH: p->label_channel = (int)iv; break;
        case K_BINCOUNT: p->has_bin_count = 1; p->bin_count = (int)iv; break;
        case K_PADDIST: p->pad_distance = (int)iv; break;
        case K_FORCE2DDIM: p->force2d_dimension = (int)iv; break;
        case K_VOXSHIFT: p->voxel_array_shift = (double)iv; break;
        case K_GLDMA: p->gldm_a = (double)iv; break;
        case K_KERNELRADIUS: p->kernel_radius = (int)iv; break;
        case K_VOXELBATCH: p->voxel_batch = (int)iv; break;
        default: break; /* start_level, level, lbp*: validated, kept as text */
        }
        return RADX_OK;
    }
    case T_FLOAT:
        if ((st = get_float(a, kd, v, NULL, 0, &dv))) return st;
        switch (k) {
        case K_GEOMTOL: p->has_geometry_tolerance = 1; p->geometry_tolerance = dv; break;
        case K_BINWIDTH: p->bin_width = dv; break;
        case K_NORMSCALE: p->normalize_scale = dv; break;
        case K_REMOVEOUT: p->has_remove_outliers = 1; p->remove_outliers = dv; break;
        case K_INITVALUE: p->init_value = dv; break;
        default: break; /* lbp radii */
        }
        return RADX_OK;
    case T_STR: {
        int i = 0;
        if (k == K_RESEGMODE) {
            if ((st = get_enum(a, kd, v, radx_reseg_names, NELEM(radx_reseg_names), &i))) return st;
            p->reseg_mode = (radx_reseg_mode)i;
        } else if (k == K_LOGKERNEL) {
            if ((st = get_enum(a, kd, v, radx_logkernel_names, NELEM(radx_logkernel_names), &i))) return st;
            p->log_mode = i;
        } else if (k == K_LBP2DMETHOD) {
            if ((st = get_enum(a, kd, v, radx_lbp2d_methods, NELEM(radx_lbp2d_methods), &i))) return st;
        } else if (k == K_WAVELET) {
            if ((st = get_enum(a, kd, v, radx_wavelet_names, NELEM(radx_wavelet_names), &i))) return st;
        }
        return RADX_OK;
    }
    case T_INTERP: {
        if (v->k == PV_INT) { /* checkInterpolator: an int 1..10 (SimpleITK's legacy enum values) */
            if (v->big || v->i < 1 || v->i > 10)
                return radx_param_error(a, kd->name, "value %s must be an interpolator name or an integer between 1 and 10", sh);
            /* SimpleITK 2.x numbers sitkBSpline 23; 3 is no interpolator there, and PyRadiomics
             * then fails with "Interpolator not set" */
            if (v->i == 3)
                return radx_param_error(a, kd->name, "value %s is not a SimpleITK interpolator (sitkBSpline is 23 in SimpleITK 2; use the name 'sitkBSpline')", sh);
            snprintf(p->interpolator, sizeof p->interpolator, "%s", radx_interp_names[v->i - 1]);
            return RADX_OK;
        }
        if (v->k != PV_STR)
            return radx_param_error(a, kd->name, "value %s is not an interpolator name (string) or integer", sh);
        int i = 0;
        if ((st = get_enum(a, kd, v, radx_interp_names, NELEM(radx_interp_names), &i))) return st;
        snprintf(p->interpolator, sizeof p->interpolator, "%s", radx_interp_names[i]);
        return RADX_OK;
    }
    case T_WNORM: {
        int i = 0;
        if ((st = get_enum(a, kd, v, radx_wnorm_names, NELEM(radx_wnorm_names), &i))) return st;
        p->weighting_norm = (radx_wnorm)(RADX_WNORM_MANHATTAN + i);
        return RADX_OK;
    }
    case T_SEQI:
    case T_SEQF: {
        if (v->k != PV_SEQ) return radx_param_error(a, kd->name, "value %s is not a list", sh);
        int maxn = 64, minn = 0;
        if (k == K_DISTANCES) { maxn = RADX_MAX_DISTANCES; minn = 1; }
        if (k == K_SIGMA) maxn = RADX_MAX_SIGMAS;
        if (k == K_RESAMPLED) minn = maxn = 3;
        if (k == K_RESEGRANGE) { minn = 1; maxn = 2; }
        if (v->n < minn || v->n > maxn) {
            if (k == K_RESAMPLED) return radx_param_error(a, kd->name, "value %s must have 3 values (x, y, z)", sh);
            if (k == K_RESEGRANGE) return radx_param_error(a, kd->name, "value %s must have 1 or 2 values (lower [, upper] bound)", sh);
            if (v->n < minn) return radx_param_error(a, kd->name, "value %s must have at least %d value(s)", sh, minn);
            return radx_param_error(a, kd->name, "value %s has more than %d values", sh, maxn);
        }
        double fl[64];
        int il[64];
        for (int i = 0; i < v->n; i++) {
            if (kd->t == T_SEQI) {
                if ((st = get_int(a, kd, &v->items[i], v, i, INT_MIN, INT_MAX, &iv))) return st;
                il[i] = (int)iv;
            } else {
                if ((st = get_float(a, kd, &v->items[i], v, i, &dv))) return st;
                fl[i] = dv;
            }
        }
        switch (k) {
        case K_DISTANCES:
            p->n_distances = v->n;
            for (int i = 0; i < v->n; i++) p->distances[i] = il[i];
            break;
        case K_RESAMPLED:
            p->has_resampled_spacing = 1;
            for (int i = 0; i < 3; i++) p->resampled_spacing[i] = fl[i];
            break;
        case K_RESEGRANGE:
            p->n_reseg_range = v->n;
            p->reseg_range[0] = fl[0];
            p->reseg_range[1] = v->n > 1 ? fl[1] : 0.0;
            break;
        case K_SIGMA:
            if ((st = set_extra_sigma(p, 1, v->n, fl, a))) return st;
            for (int j = 0; j < v->n && j < RADX_MAX_SIGMAS; j++)
                radx_pv_number_str(&v->items[j], p->extra->gsigma_text[j], sizeof p->extra->gsigma_text[j]);
            return RADX_OK;
        default: break;
        }
        return RADX_OK;
    }
    }
    return RADX_OK;
}

/* Remembers key = repr in PyRadiomics' settings dict order (update keeps an existing key's slot). */
radx_status radx_record_given(radx_params *p, int k, const pval *v, radx_err *err)
{
    if (radx_params_ensure_extra(p)) return radx_seterr(err, RADX_ERR_NOMEM, "out of memory");
    struct radx_params_extra *x = p->extra;
    sbuf r = {0}, c = {0};
    radx_sb_repr(&r, v);
    int has_canon = radx_params_canon(p, k, &c);
    char *repr = radx_sb_take(&r);
    char *cn = has_canon ? radx_sb_take(&c) : (free(c.p), NULL);
    if (!repr || (has_canon && !cn)) {
        free(repr);
        free(cn);
        return radx_seterr(err, RADX_ERR_NOMEM, "out of memory");
    }
    for (int i = 0; i < x->n_given; i++) {
        if (!strcmp(x->given[i].key, radx_param_keys[k].name)) {
            free(x->given[i].repr);
            free(x->given[i].canon);
            x->given[i].repr = repr;
            x->given[i].canon = cn;
            return RADX_OK;
        }
    }
    if (x->n_given == x->cap_given) {
        int cap = x->cap_given ? 2 * x->cap_given : 16;
        given_rec *g = realloc(x->given, (size_t)cap * sizeof *g);
        if (!g) { free(repr); free(cn); return radx_seterr(err, RADX_ERR_NOMEM, "out of memory"); }
        x->given = g;
        x->cap_given = cap;
    }
    given_rec *g = &x->given[x->n_given];
    g->key = radx_pstrdup(radx_param_keys[k].name);
    if (!g->key) { free(repr); free(cn); return radx_seterr(err, RADX_ERR_NOMEM, "out of memory"); }
    g->repr = repr;
    g->canon = cn;
    x->n_given++;
    return RADX_OK;
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
                if (v->items[j].k == PV_STR) radx_py_float(v->items[j].s, &d);
                else d = v->items[j].d;
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

/* ------------------------------------------------------------------------------------------
 * Formatting (diagnostics).
 * ---------------------------------------------------------------------------------------- */
static void copy_out(char *buf, size_t len, sbuf *b)
{
    if (!buf || !len) { free(b->p); return; }
    if (b->oom || !b->p) snprintf(buf, len, "{}");
    else snprintf(buf, len, "%s", b->p);
    free(b->p);
}

static const given_rec *find_given(const radx_params *p, const char *key)
{
    if (!p->extra) return NULL;
    for (int i = 0; i < p->extra->n_given; i++)
        if (!strcmp(p->extra->given[i].key, key)) return &p->extra->given[i];
    return NULL;
}

/* Value text of key k: what was given while the struct still holds it, else the struct. */
static void put_value(sbuf *b, const radx_params *p, const radx_params *def, int k, const given_rec *g,
                      const char *default_repr)
{
    sbuf cur = {0}, d = {0};
    int has = radx_params_canon(p, k, &cur);
    if (g) {
        if (!has || (g->canon && cur.p && !strcmp(g->canon, cur.p))) radx_sb_puts(b, g->repr);
        else radx_sb_puts(b, cur.p ? cur.p : "?");
    } else {
        radx_params_canon(def, k, &d);
        if (default_repr && cur.p && d.p && !strcmp(cur.p, d.p)) radx_sb_puts(b, default_repr);
        else radx_sb_puts(b, cur.p ? cur.p : "?");
    }
    free(cur.p);
    free(d.p);
}

void radx_params_format_settings(const radx_params *p, char *buf, size_t len)
{
    if (!buf || !len) return;
    if (!p) { snprintf(buf, len, "{}"); return; }
    radx_params def;
    radx_params_init_defaults(&def);
    sbuf b = {0};
    int first = 1, isdef[K_COUNT] = {0};
    radx_sb_puts(&b, "{");
    for (int i = 0; i < N_PYDEFAULTS; i++) {
        int k = pydefaults[i].k;
        isdef[k] = 1;
        radx_sb_printf(&b, "%s'%s': ", first ? "" : ", ", radx_param_keys[k].name);
        first = 0;
        put_value(&b, p, &def, k, find_given(p, radx_param_keys[k].name), pydefaults[i].repr);
    }
    int shown[K_COUNT] = {0};
    if (p->extra) {
        for (int i = 0; i < p->extra->n_given; i++) {
            const given_rec *g = &p->extra->given[i];
            int k = radx_find_key(g->key);
            if (k < 0 || isdef[k]) continue;
            shown[k] = 1;
            radx_sb_printf(&b, "%s'%s': ", first ? "" : ", ", g->key);
            first = 0;
            put_value(&b, p, &def, k, g, NULL);
        }
    }
    /* fields changed in the struct without a setting given: show them too */
    for (int k = 0; k < K_COUNT; k++) {
        if (isdef[k] || shown[k]) continue;
        sbuf c1 = {0}, c2 = {0};
        if (radx_params_canon(p, k, &c1) && radx_params_canon(&def, k, &c2) && c1.p && c2.p && strcmp(c1.p, c2.p)) {
            radx_sb_printf(&b, "%s'%s': %s", first ? "" : ", ", radx_param_keys[k].name, c1.p);
            first = 0;
        }
        free(c1.p);
        free(c2.p);
    }
    radx_sb_puts(&b, "}");
    copy_out(buf, len, &b);
}

void radx_params_format_imtypes(const radx_params *p, char *buf, size_t len)
{
    if (!buf || !len) return;
    if (!p) { snprintf(buf, len, "{}"); return; }
    sbuf b = {0};
    radx_sb_puts(&b, "{");
    int first = 1, done[RADX_IMG_COUNT] = {0};
    for (int i = 0; i < p->n_imtype_order && i < RADX_IMG_COUNT; i++) {
        int t = p->imtype_order[i];
        if (t < 0 || t >= RADX_IMG_COUNT || done[t] || !p->imtype[t].enabled) continue;
        done[t] = 1;
        radx_sb_printf(&b, "%s'%s': %s", first ? "" : ", ", radx_imtype_names[t], p->imtype[t].custom[0] ? p->imtype[t].custom : "{}");
        first = 0;
    }
    for (int t = 0; t < RADX_IMG_COUNT; t++) { /* enabled but not in the order list */
        if (done[t] || !p->imtype[t].enabled) continue;
        radx_sb_printf(&b, "%s'%s': %s", first ? "" : ", ", radx_imtype_names[t], p->imtype[t].custom[0] ? p->imtype[t].custom : "{}");
        first = 0;
    }
    radx_sb_puts(&b, "}");
    copy_out(buf, len, &b);
}

/* ------------------------------------------------------------------------------------------
 * YAML -> pval.
 * ---------------------------------------------------------------------------------------- */
typedef struct lctx {
    const char *file;
    int json;
    long nodes;
    radx_err *err;
} lctx;

#define MAX_DEPTH 32
#define MAX_NODES 200000L

static radx_status node_to_pval(yaml_document_t *doc, yaml_node_t *node, pval *v, int depth, lctx *c)
{
    memset(v, 0, sizeof *v);
    if (!node) return radx_seterr(c->err, RADX_ERR_FORMAT, "%s: malformed YAML document", c->file);
    v->line = node->start_mark.line + 1;
    v->col = node->start_mark.column + 1;
    if (depth > MAX_DEPTH)
        return radx_seterr(c->err, RADX_ERR_PARAM, "%s:%zu:%zu: nesting deeper than %d levels", c->file, v->line, v->col, MAX_DEPTH);
    if (++c->nodes > MAX_NODES)
        return radx_seterr(c->err, RADX_ERR_PARAM, "%s:%zu:%zu: more than %ld values (alias expansion?)", c->file, v->line,
                           v->col, MAX_NODES);
    switch (node->type) {
    case YAML_SCALAR_NODE: {
        const char *text = (const char *)node->data.scalar.value;
        size_t n = node->data.scalar.length;
        if (strlen(text) != n)
            return radx_seterr(c->err, RADX_ERR_PARAM, "%s:%zu:%zu: NUL character in a value", c->file, v->line, v->col);
        v->s = radx_pstrdup(text);
        if (!v->s) return radx_seterr(c->err, RADX_ERR_NOMEM, "out of memory");
        if (node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
            v->plain = 1;
            radx_resolve_plain(v->s, v, c->json);
        } else {
            v->k = PV_STR;
        }
        return RADX_OK;
    }
    case YAML_SEQUENCE_NODE: {
        v->k = PV_SEQ;
        int n = (int)(node->data.sequence.items.top - node->data.sequence.items.start);
        if (n > 0 && !(v->items = calloc((size_t)n, sizeof *v->items)))
            return radx_seterr(c->err, RADX_ERR_NOMEM, "out of memory");
        for (int i = 0; i < n; i++) {
            v->n = i + 1;
            radx_status st = node_to_pval(doc, yaml_document_get_node(doc, node->data.sequence.items.start[i]),
                                          &v->items[i], depth + 1, c);
            if (st) return st;
        }
        return RADX_OK;
    }
    case YAML_MAPPING_NODE: {
        v->k = PV_MAP;
        int n = (int)(node->data.mapping.pairs.top - node->data.mapping.pairs.start);
        if (n > 0 && (!(v->items = calloc((size_t)n, sizeof *v->items)) || !(v->keys = calloc((size_t)n, sizeof *v->keys))))
            return radx_seterr(c->err, RADX_ERR_NOMEM, "out of memory");
        for (int i = 0; i < n; i++) {
            yaml_node_pair_t *pr = &node->data.mapping.pairs.start[i];
            yaml_node_t *kn = yaml_document_get_node(doc, pr->key);
            v->n = i + 1;
            if (!kn || kn->type != YAML_SCALAR_NODE)
                return radx_seterr(c->err, RADX_ERR_PARAM, "%s:%zu:%zu: mapping key is not a plain name", c->file,
                                   kn ? kn->start_mark.line + 1 : v->line, kn ? kn->start_mark.column + 1 : v->col);
            const char *ks = (const char *)kn->data.scalar.value;
            for (int j = 0; j < i; j++)
                if (!strcmp(v->keys[j], ks))
                    return radx_seterr(c->err, RADX_ERR_PARAM, "%s:%zu:%zu: duplicate key '%s'", c->file,
                                       kn->start_mark.line + 1, kn->start_mark.column + 1, ks);
            if (!(v->keys[i] = radx_pstrdup(ks))) return radx_seterr(c->err, RADX_ERR_NOMEM, "out of memory");
            radx_status st = node_to_pval(doc, yaml_document_get_node(doc, pr->value), &v->items[i], depth + 1, c);
            v->items[i].kline = kn->start_mark.line + 1;
            if (st) return st;
        }
        return RADX_OK;
    }
    default:
        return radx_seterr(c->err, RADX_ERR_FORMAT, "%s:%zu:%zu: empty YAML node", c->file, v->line, v->col);
    }
}

static radx_status yaml_error(const yaml_parser_t *ps, const char *file, radx_err *err)
{
    const char *what = ps->problem ? ps->problem : "syntax error";
    size_t line = ps->problem_mark.line + 1, col = ps->problem_mark.column + 1;
    if (ps->error == YAML_READER_ERROR)
        return radx_seterr(err, RADX_ERR_FORMAT, "%s: not a text file (%s at byte %zu)", file, what, ps->problem_offset);
    if (ps->error == YAML_MEMORY_ERROR) return radx_seterr(err, RADX_ERR_NOMEM, "%s: out of memory parsing YAML", file);
    if (ps->context)
        return radx_seterr(err, RADX_ERR_FORMAT, "%s:%zu:%zu: YAML syntax error: %s (%s started at line %zu, column %zu)",
                           file, line, col, what, ps->context, ps->context_mark.line + 1, ps->context_mark.column + 1);
    return radx_seterr(err, RADX_ERR_FORMAT, "%s:%zu:%zu: YAML syntax error: %s", file, line, col, what);
}

#define MAX_FILE_BYTES (16L << 20)

static radx_status read_text(const char *path, unsigned char **out, size_t *n, radx_err *err)
{
    *out = NULL;
    *n = 0;
    FILE *f = fopen(path, "rb");
    if (!f) return radx_seterr(err, RADX_ERR_IO, "%s: cannot open parameter file: %s", path, strerror(errno));
    size_t cap = 4096, len = 0;
    unsigned char *b = malloc(cap);
    if (!b) { fclose(f); return radx_seterr(err, RADX_ERR_NOMEM, "out of memory"); }
    for (;;) {
        if (len == cap) {
            if (cap >= (size_t)MAX_FILE_BYTES) {
                free(b);
                fclose(f);
                return radx_seterr(err, RADX_ERR_PARAM, "%s: parameter file larger than %ld bytes", path, MAX_FILE_BYTES);
            }
            unsigned char *q = realloc(b, cap * 2);
            if (!q) { free(b); fclose(f); return radx_seterr(err, RADX_ERR_NOMEM, "out of memory"); }
            b = q;
            cap *= 2;
        }
        size_t r = fread(b + len, 1, cap - len, f);
        len += r;
        if (r == 0) break;
    }
    int bad = ferror(f);
    int e = errno;
    fclose(f);
    if (bad) {
        free(b);
        return radx_seterr(err, RADX_ERR_IO, "%s: cannot read parameter file: %s", path, strerror(e));
    }
    *out = b;
    *n = len;
    return RADX_OK;
}

radx_status radx_params_parse_file(const char *path, pval *root, radx_err *err)
{
    unsigned char *text;
    size_t n;
    radx_status st = read_text(path, &text, &n, err);
    if (st) return st;
    if (n == 0) { free(text); return radx_seterr(err, RADX_ERR_IO, "%s: parameter file is empty", path); }
    yaml_parser_t ps;
    yaml_document_t doc;
    if (!yaml_parser_initialize(&ps)) { free(text); return radx_seterr(err, RADX_ERR_NOMEM, "out of memory"); }
    yaml_parser_set_input_string(&ps, text, n);
    if (!yaml_parser_load(&ps, &doc)) {
        st = yaml_error(&ps, path, err);
        yaml_parser_delete(&ps);
        free(text);
        return st;
    }
    yaml_node_t *rn = yaml_document_get_root_node(&doc);
    if (!rn) {
        yaml_document_delete(&doc);
        yaml_parser_delete(&ps);
        free(text);
        return radx_seterr(err, RADX_ERR_IO, "%s: parameter file is empty (no YAML document)", path);
    }
    size_t l = strlen(path);
    lctx c = {path, l >= 5 && !strcmp(path + l - 5, ".json"), 0, err};
    st = node_to_pval(&doc, rn, root, 0, &c);
    yaml_document_delete(&doc);
    if (st) {
        radx_pval_free(root);
    } else { /* a second document is an error (ruamel's load() refuses it too) */
        yaml_document_t d2;
        if (!yaml_parser_load(&ps, &d2)) {
            st = yaml_error(&ps, path, err);
        } else {
            yaml_node_t *r2 = yaml_document_get_root_node(&d2);
            if (r2)
                st = radx_seterr(err, RADX_ERR_FORMAT, "%s:%zu:%zu: more than one YAML document", path,
                                 r2->start_mark.line + 1, r2->start_mark.column + 1);
            yaml_document_delete(&d2);
        }
        if (st) radx_pval_free(root);
    }
    yaml_parser_delete(&ps);
    free(text);
    return st;
}

/* ------------------------------------------------------------------------------------------
 * Sections of a file.
 * ---------------------------------------------------------------------------------------- */
static radx_status section_map(const pval *v, const char *file, const char *name, radx_err *err)
{
    if (v->k == PV_MAP) return RADX_OK;
    char sh[160];
    radx_show_value(v, sh, sizeof sh);
    return radx_seterr(err, RADX_ERR_PARAM, "%s: section '%s': value %s is not a mapping (line %zu)", file, name,
                       v->k == PV_NULL ? "None" : sh, v->kline);
}

static radx_status apply_settings_map(radx_params *p, const pval *m, int sect, const char *file, radx_err *err)
{
    actx a = {file, sect == S_VOXEL ? "voxelSetting" : "setting", err};
    for (int i = 0; i < m->n; i++) {
        int k = radx_find_key(m->keys[i]);
        if (k < 0 || !(radx_param_keys[k].sect & (sect | (sect == S_SETTING ? S_RADX : 0)))) {
            if (k >= 0 && (radx_param_keys[k].sect & S_VOXEL))
                return radx_param_error(&a, m->keys[i], "unknown setting here; it belongs under voxelSetting: (line %zu)",
                            m->items[i].kline);
            if (k >= 0)
                return radx_param_error(&a, m->keys[i], "unknown setting here; it belongs under setting: (line %zu)", m->items[i].kline);
            return radx_param_error(&a, m->keys[i], "unknown setting (not a PyRadiomics parameter; line %zu)", m->items[i].kline);
        }
        radx_status st = radx_apply_value(p, k, &m->items[i], &a);
        if (!st) st = radx_record_given(p, k, &m->items[i], err);
        if (st) return st;
    }
    return RADX_OK;
}

static radx_status apply_imtypes(radx_params *p, const pval *m, const char *file, radx_err *err)
{
    char list[256];
    radx_join_names(list, sizeof list, radx_imtype_names, RADX_IMG_COUNT);
    for (int t = 0; t < RADX_IMG_COUNT; t++) {
        p->imtype[t].enabled = 0;
        snprintf(p->imtype[t].custom, sizeof p->imtype[t].custom, "{}");
    }
    p->n_imtype_order = 0;
    if (m->n == 0) { /* PyRadiomics: no image types -> Original */
        p->imtype[RADX_IMG_ORIGINAL].enabled = 1;
        p->imtype_order[p->n_imtype_order++] = RADX_IMG_ORIGINAL;
        return RADX_OK;
    }
    if (radx_params_ensure_extra(p)) return radx_seterr(err, RADX_ERR_NOMEM, "out of memory");
    for (int i = 0; i < m->n; i++) {
        int t = radx_find_name(radx_imtype_names, RADX_IMG_COUNT, m->keys[i]);
        if (t < 0)
            return radx_seterr(err, RADX_ERR_PARAM, "%s: imageType '%s': unknown image type (line %zu; expected one of %s)",
                               file, m->keys[i], m->items[i].kline, list);
        const pval *cv = &m->items[i];
        if (cv->k != PV_MAP) {
            char sh[160];
            radx_show_value(cv, sh, sizeof sh);
            return radx_seterr(err, RADX_ERR_PARAM,
                               "%s: imageType '%s': value %s is not a mapping of custom settings (use {} for none; line %zu)",
                               file, m->keys[i], cv->k == PV_NULL ? "None" : sh, cv->kline);
        }
        /* validate the custom settings against the settings schema on a scratch copy */
        char sect[96];
        snprintf(sect, sizeof sect, "imageType '%s': setting", radx_imtype_names[t]);
        actx a = {file, sect, err};
        radx_params scratch;
        radx_params_init_defaults(&scratch);
        radx_status st = RADX_OK;
        for (int j = 0; j < cv->n && !st; j++) {
            int k = radx_find_key(cv->keys[j]);
            if (k < 0 || !(radx_param_keys[k].sect & S_SETTING))
                st = radx_param_error(&a, cv->keys[j], "unknown setting (not allowed as an image type custom setting; line %zu)",
                          cv->items[j].kline);
            else
                st = radx_apply_value(&scratch, k, &cv->items[j], &a);
        }
        radx_params_clear(&scratch);
        if (st) return st;
        struct radx_params_extra *x = p->extra;
        if (cv->n > 0) {
            x->custom[t] = calloc((size_t)cv->n, sizeof *x->custom[t]);
            if (!x->custom[t]) return radx_seterr(err, RADX_ERR_NOMEM, "out of memory");
            for (int j = 0; j < cv->n; j++) {
                x->n_custom[t] = j + 1;
                x->custom[t][j].key = radx_pstrdup(cv->keys[j]);
                x->custom[t][j].val = calloc(1, sizeof(pval));
                if (!x->custom[t][j].key || !x->custom[t][j].val || radx_pval_copy(x->custom[t][j].val, &cv->items[j]))
                    return radx_seterr(err, RADX_ERR_NOMEM, "out of memory");
            }
        }
        sbuf r = {0};
        radx_sb_repr(&r, cv);
        if (r.oom) { free(r.p); return radx_seterr(err, RADX_ERR_NOMEM, "out of memory"); }
        if (r.n >= sizeof p->imtype[t].custom) {
            free(r.p);
            return radx_seterr(err, RADX_ERR_PARAM, "%s: imageType '%s': custom settings longer than %zu characters",
                               file, radx_imtype_names[t], sizeof p->imtype[t].custom - 1);
        }
        snprintf(p->imtype[t].custom, sizeof p->imtype[t].custom, "%s", r.p ? r.p : "{}");
        free(r.p);
        p->imtype[t].enabled = 1;
        p->imtype_order[p->n_imtype_order++] = t;
    }
    return RADX_OK;
}

static radx_status apply_classes(radx_params *p, const pval *m, const char *file, radx_err *err)
{
    char list[256];
    radx_join_names(list, sizeof list, radx_class_names, RADX_CLASS_COUNT);
    for (int c = 0; c < RADX_CLASS_COUNT; c++) {
        p->cls[c].enabled = 0;
        p->cls[c].all = 0;
    }
    p->n_class_order = 0;
    if (m->n == 0) { /* PyRadiomics: no classes named -> every class, shape2D included */
        for (int c = 0; c < RADX_CLASS_COUNT; c++) {
            p->cls[c].enabled = 1;
            p->cls[c].all = 1;
            p->class_order[p->n_class_order++] = c;
        }
        return RADX_OK;
    }
    for (int i = 0; i < m->n; i++) {
        int c = radx_find_name(radx_class_names, RADX_CLASS_COUNT, m->keys[i]);
        if (c < 0)
            return radx_seterr(err, RADX_ERR_PARAM, "%s: featureClass '%s': unknown feature class (line %zu; expected one of %s)",
                               file, m->keys[i], m->items[i].kline, list);
        const pval *fv = &m->items[i];
        radx_class_sel *s = &p->cls[c];
        s->enabled = 1;
        p->class_order[p->n_class_order++] = c;
        if (fv->k == PV_NULL || (fv->k == PV_SEQ && fv->n == 0)) {
            s->all = 1;
            continue;
        }
        if (fv->k != PV_SEQ) {
            char sh[160];
            radx_show_value(fv, sh, sizeof sh);
            return radx_seterr(err, RADX_ERR_PARAM, "%s: featureClass '%s': value %s is not a list of feature names (line %zu)",
                               file, radx_class_names[c], sh, fv->kline);
        }
        if (fv->n > RADX_MAX_NAMES)
            return radx_seterr(err, RADX_ERR_PARAM, "%s: featureClass '%s': more than %d feature names", file, radx_class_names[c],
                               RADX_MAX_NAMES);
        const radx_feature_info *tab;
        int nf;
        radx_class_table((radx_class)c, &tab, &nf);
        for (int j = 0; j < fv->n; j++) {
            const pval *e = &fv->items[j];
            int found = 0;
            if (e->k == PV_STR)
                for (int q = 0; q < nf && !found; q++) found = !strcmp(tab[q].name, e->s);
            if (!found) {
                char sh[160];
                radx_show_value(e, sh, sizeof sh);
                return radx_seterr(err, RADX_ERR_PARAM, "%s: featureClass '%s': unknown feature %s (line %zu)", file,
                                   radx_class_names[c], sh, e->line);
            }
            if (!(s->names[j] = radx_pstrdup(e->s))) return radx_seterr(err, RADX_ERR_NOMEM, "out of memory");
            s->n = j + 1;
        }
    }
    return RADX_OK;
}

radx_status radx_params_load_file(radx_params *p, const char *path, radx_err *err)
{
    if (!p || !path) return radx_seterr(err, RADX_ERR_ARG, "radx_params_load_file: NULL argument");
    pval root;
    memset(&root, 0, sizeof root);
    radx_status st = radx_params_parse_file(path, &root, err);
    if (st) return st;
    radx_params t;
    radx_params_init_defaults(&t); /* PyRadiomics' _applyParams starts from the defaults */
    static const char *const sections[] = {"setting", "voxelSetting", "imageType", "featureClass"};
    const pval *sec[4] = {NULL, NULL, NULL, NULL};
    if (root.k != PV_MAP) {
        char sh[160];
        radx_show_value(&root, sh, sizeof sh);
        st = radx_seterr(err, RADX_ERR_PARAM, "%s: top level is not a mapping of setting / imageType / featureClass / voxelSetting (found %s)",
                         path, root.k == PV_SEQ ? "a list" : root.k == PV_NULL ? "None" : sh);
        goto done;
    }
    for (int i = 0; i < root.n; i++) {
        int s = radx_find_name(sections, 4, root.keys[i]);
        if (s < 0) {
            st = radx_seterr(err, RADX_ERR_PARAM,
                             "%s: unknown top-level key '%s' (line %zu; expected setting, imageType, featureClass, voxelSetting)",
                             path, root.keys[i], root.items[i].kline);
            goto done;
        }
        if ((st = section_map(&root.items[i], path, sections[s], err))) goto done;
        sec[s] = &root.items[i];
    }
    /* settings = defaults; update(setting); update(voxelSetting) */
    if (sec[0] && (st = apply_settings_map(&t, sec[0], S_SETTING, path, err))) goto done;
    if (sec[1] && (st = apply_settings_map(&t, sec[1], S_VOXEL, path, err))) goto done;
    if (sec[2] && (st = apply_imtypes(&t, sec[2], path, err))) goto done;
    if (sec[3]) {
        st = apply_classes(&t, sec[3], path, err);
    } else { /* no featureClass section: every class */
        pval empty;
        memset(&empty, 0, sizeof empty);
        empty.k = PV_MAP;
        st = apply_classes(&t, &empty, path, err);
    }
    if (st) goto done;
    radx_params_sync_log_sigma(&t);
    snprintf(t.source, sizeof t.source, "%s", path);
done:
    radx_pval_free(&root);
    if (st) {
        radx_params_clear(&t);
        return st;
    }
    radx_params_clear(p);
    *p = t;
    return RADX_OK;
}

/* ------------------------------------------------------------------------------------------
 * -s NAME:VALUE
 * ---------------------------------------------------------------------------------------- */
static char *trim_dup(const char *s, size_t n)
{
    while (n && isspace((unsigned char)*s)) { s++; n--; }
    while (n && isspace((unsigned char)s[n - 1])) n--;
    char *r = malloc(n + 1);
    if (!r) return NULL;
    memcpy(r, s, n);
    r[n] = 0;
    return r;
}

static int is_none_text(const char *s)
{
    return !strcmp(s, "None") || !strcmp(s, "none") || !strcmp(s, "null") || !strcmp(s, "Null") ||
           !strcmp(s, "NULL") || !strcmp(s, "~");
}

static void unquote(char *s)
{
    size_t n = strlen(s);
    if (n >= 2 && (s[0] == '\'' || s[0] == '"') && s[n - 1] == s[0]) {
        memmove(s, s + 1, n - 2);
        s[n - 2] = 0;
    }
}

/* One scalar of the given schema type from text, as PyRadiomics' CLI converts it. */
static radx_status text_scalar(const char *txt, ktype t, pval *v, const actx *a, const char *key)
{
    memset(v, 0, sizeof *v);
    v->plain = 1;
    if (!(v->s = radx_pstrdup(txt))) return radx_seterr(a->err, RADX_ERR_NOMEM, "out of memory");
    if (is_none_text(txt)) { v->k = PV_NULL; return RADX_OK; }
    switch (t) {
    case T_INT: case T_SEQI: {
        int r = radx_py_int(txt, &v->i);
        if (r == -1) return radx_param_error(a, key, "value '%s' is not an integer", txt);
        v->k = PV_INT;
        if (r == -2) v->big = 1;
        v->d = (double)v->i;
        return RADX_OK;
    }
    case T_FLOAT: case T_SEQF:
        if (radx_py_float(txt, &v->d)) return radx_param_error(a, key, "value '%s' is not a number", txt);
        v->k = PV_FLOAT;
        return RADX_OK;
    case T_BOOL:
        if (radx_ci_eq(txt, "true") || !strcmp(txt, "1")) { v->k = PV_BOOL; v->b = 1; return RADX_OK; }
        if (radx_ci_eq(txt, "false") || !strcmp(txt, "0")) { v->k = PV_BOOL; v->b = 0; return RADX_OK; }
        return radx_param_error(a, key, "value '%s' is not a boolean (true, false, 1 or 0)", txt);
    case T_INTERP:
        if (radx_py_int(txt, &v->i) == 0) { v->k = PV_INT; v->d = (double)v->i; return RADX_OK; }
        /* fall through */
    case T_STR: case T_WNORM:
        v->k = PV_STR;
        v->plain = 0;
        unquote(v->s);
        return RADX_OK;
    }
    return RADX_OK;
}

static radx_status text_value(const char *value, const keydef *kd, pval *v, const actx *a)
{
    char *txt = trim_dup(value, strlen(value));
    if (!txt) return radx_seterr(a->err, RADX_ERR_NOMEM, "out of memory");
    radx_status st = RADX_OK;
    memset(v, 0, sizeof *v);
    if (!*txt) {
        st = radx_param_error(a, kd->name, "empty value");
    } else if (kd->t == T_SEQI || kd->t == T_SEQF) {
        if (is_none_text(txt)) {
            v->k = PV_NULL;
            v->plain = 1;
            v->s = txt;
            return RADX_OK;
        }
        char *body = txt;
        size_t n = strlen(body);
        if (n >= 2 && ((body[0] == '[' && body[n - 1] == ']') || (body[0] == '(' && body[n - 1] == ')'))) {
            body[n - 1] = 0;
            body++;
        }
        v->k = PV_SEQ;
        v->plain = 0;
        char *t = trim_dup(body, strlen(body));
        if (!t) { free(txt); return radx_seterr(a->err, RADX_ERR_NOMEM, "out of memory"); }
        int cnt = 0;
        if (*t) {
            cnt = 1;
            for (char *q = t; *q; q++) cnt += *q == ',';
        }
        if (cnt > 64) st = radx_param_error(a, kd->name, "value '%s' has more than 64 values", txt);
        if (!st && cnt && !(v->items = calloc((size_t)cnt, sizeof *v->items)))
            st = radx_seterr(a->err, RADX_ERR_NOMEM, "out of memory");
        char *q = t;
        for (int i = 0; !st && i < cnt; i++) {
            char *e = strchr(q, ',');
            size_t len = e ? (size_t)(e - q) : strlen(q);
            char *el = trim_dup(q, len);
            if (!el) { st = radx_seterr(a->err, RADX_ERR_NOMEM, "out of memory"); break; }
            v->n = i + 1;
            if (!*el) st = radx_param_error(a, kd->name, "value '%s' has an empty element", txt);
            else if (is_none_text(el)) st = radx_param_error(a, kd->name, "value '%s': element %d is None", txt, i);
            else st = text_scalar(el, kd->t, &v->items[i], a, kd->name);
            free(el);
            q = e ? e + 1 : q + len;
        }
        free(t);
    } else {
        st = text_scalar(txt, kd->t, v, a, kd->name);
    }
    free(txt);
    return st;
}

radx_status radx_params_set_text(radx_params *p, const char *name, const char *value, radx_err *err)
{
    if (!p || !name || !value) return radx_seterr(err, RADX_ERR_ARG, "radx_params_set_text: NULL argument");
    actx a = {NULL, "setting", err};
    char *nm = trim_dup(name, strlen(name));
    if (!nm) return radx_seterr(err, RADX_ERR_NOMEM, "out of memory");
    int k = radx_find_key(nm);
    if (k < 0) {
        radx_status st = radx_param_error(&a, nm, "unknown setting (not a PyRadiomics parameter)");
        free(nm);
        return st;
    }
    free(nm);
    if (radx_param_keys[k].sect & S_VOXEL) a.section = "voxelSetting";
    pval v;
    radx_status st = text_value(value, &radx_param_keys[k], &v, &a);
    if (st) { radx_pval_free(&v); return st; }
    radx_params t;
    if ((st = radx_params_copy(&t, p, err))) { radx_pval_free(&v); return st; }
    st = radx_apply_value(&t, k, &v, &a);
    if (!st) st = radx_record_given(&t, k, &v, err);
    radx_pval_free(&v);
    if (st) {
        radx_params_clear(&t);
        return st;
    }
    radx_params_sync_log_sigma(&t);
    radx_params_clear(p);
    *p = t;
    return RADX_OK;
}

radx_status radx_params_for_imtype(radx_params *dst, const radx_params *src, radx_imtype t, radx_err *err)
{
    if (!dst || !src || (int)t < 0 || t >= RADX_IMG_COUNT)
        return radx_seterr(err, RADX_ERR_ARG, "radx_params_for_imtype: invalid argument");
    radx_status st = radx_params_copy(dst, src, err);
    if (st) return st;
    if (!src->extra) return RADX_OK;
    char sect[96];
    snprintf(sect, sizeof sect, "imageType '%s': setting", radx_imtype_names[t]);
    actx a = {src->source[0] ? src->source : NULL, sect, err};
    for (int i = 0; i < src->extra->n_custom[t] && !st; i++) {
        int k = radx_find_key(src->extra->custom[t][i].key);
        if (k < 0) continue;
        st = radx_apply_value(dst, k, src->extra->custom[t][i].val, &a);
        if (!st) st = radx_record_given(dst, k, src->extra->custom[t][i].val, err);
    }
    if (st) {
        radx_params_clear(dst);
        return st;
    }
    radx_params_sync_log_sigma(dst);
    return RADX_OK;
}
