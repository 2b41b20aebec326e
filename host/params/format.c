/* SPDX-License-Identifier: BSD-3-Clause */
/* The settings and image types as PyRadiomics' diagnostics print them
 * (diagnostics_Configuration_Settings, diagnostics_Configuration_EnabledImageTypes), and the
 * canonical text of a setting from the struct, which tells whether a field still holds what was
 * given and prints fields changed in the struct directly. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "params/params_internal.h"

/* PyRadiomics' _getDefaultSettings(), in its order, with the values as it prints them. */
static const struct {
    kid k;
    const char *repr;
} pydefaults[] = {
    {K_MINROIDIM, "2"},     {K_MINROISIZE, "None"}, {K_NORMALIZE, "False"},      {K_NORMSCALE, "1"},
    {K_REMOVEOUT, "None"},  {K_RESAMPLED, "None"},  {K_INTERP, "'sitkBSpline'"}, {K_PRECROP, "False"},
    {K_PADDIST, "5"},       {K_DISTANCES, "[1]"},   {K_FORCE2D, "False"},        {K_FORCE2DDIM, "0"},
    {K_RESEGRANGE, "None"}, {K_LABEL, "1"},         {K_ADDINFO, "True"},
};
#define N_PYDEFAULTS ((int)(sizeof pydefaults / sizeof pydefaults[0]))

/* An int-valued setting held as a double: "5" while it is integral, else the float's repr. */
static void sb_int_or_float(sbuf *b, double d)
{
    if (d == floor(d) && fabs(d) < 9.0e15)
        radx_sb_printf(b, "%.0f", d);
    else
        radx_sb_float(b, d);
}

static void sb_float_list(sbuf *b, const double *v, int n)
{
    radx_sb_puts(b, "[");
    for (int i = 0; i < n; i++) {
        if (i) radx_sb_puts(b, ", ");
        radx_sb_float(b, v[i]);
    }
    radx_sb_puts(b, "]");
}

static int canon_bool(const radx_params *p, int k, sbuf *b)
{
    int v;
    switch (k) {
    case K_CORRECTMASK: v = p->correct_mask; break;
    case K_ADDINFO: v = p->additional_info; break;
    case K_NORMALIZE: v = p->normalize; break;
    case K_FORCE2D: v = p->force2d; break;
    case K_RESEGSHAPE: v = p->reseg_shape; break;
    case K_PRECROP: v = p->pre_crop; break;
    case K_SYMGLCM: v = p->symmetrical_glcm; break;
    case K_IBSIKURT: v = p->ibsi_kurtosis_excess; break;
    case K_IBSIPCA: v = p->ibsi_pca; break;
    case K_IBSIMORPH: v = p->ibsi_morph_mask; break;
    case K_IBSIINTERP: v = p->ibsi_interpolation; break;
    case K_IBSIROUND: v = p->ibsi_round_intensities; break;
    case K_IBSIDISC: v = p->ibsi_discretisation; break;
    case K_ROTINV: v = p->rotation_invariance; break;
    case K_IBSI:
        v = p->ibsi_interpolation && p->ibsi_discretisation && p->ibsi_morph_mask && p->ibsi_pca &&
            p->ibsi_kurtosis_excess;
        break;
    case K_MASKEDKERNEL: v = p->masked_kernel; break;
    case K_GRADSPACING: v = p->gradient_use_spacing; break;
    default: return 0;
    }
    radx_sb_puts(b, v ? "True" : "False");
    return 1;
}

static int canon_number(const radx_params *p, int k, sbuf *b)
{
    switch (k) {
    case K_MINROIDIM: radx_sb_printf(b, "%d", p->minimum_roi_dimensions); return 1;
    case K_LABEL: radx_sb_printf(b, "%d", p->label); return 1;
    case K_LABELCH: radx_sb_printf(b, "%d", p->label_channel); return 1;
    case K_PADDIST: radx_sb_printf(b, "%d", p->pad_distance); return 1;
    case K_MEANSUPPORT: radx_sb_printf(b, "%d", p->mean_support); return 1;
    case K_SIMLEVEL: radx_sb_printf(b, "%d", p->simoncelli_level); return 1;
    case K_FORCE2DDIM: radx_sb_printf(b, "%d", p->force2d_dimension); return 1;
    case K_KERNELRADIUS: radx_sb_printf(b, "%d", p->kernel_radius); return 1;
    case K_VOXELBATCH: radx_sb_printf(b, "%d", p->voxel_batch); return 1;
    case K_STARTLEVEL: radx_sb_printf(b, "%d", p->wavelet_start_level); return 1;
    case K_LEVEL: radx_sb_printf(b, "%d", p->wavelet_level); return 1;
    case K_LBP2DSAMPLES: radx_sb_printf(b, "%d", p->lbp2d_samples); return 1;
    case K_LBP3DLEVELS: radx_sb_printf(b, "%d", p->lbp3d_levels); return 1;
    case K_LBP3DSUBDIV: radx_sb_printf(b, "%d", p->lbp3d_subdivision); return 1;
    case K_LBP2DRADIUS: radx_sb_float(b, p->lbp2d_radius); return 1;
    case K_LBP3DRADIUS: radx_sb_float(b, p->lbp3d_radius); return 1;
    case K_BINWIDTH: radx_sb_float(b, p->bin_width); return 1;
    case K_NORMSCALE: radx_sb_float(b, p->normalize_scale); return 1;
    case K_INITVALUE: radx_sb_float(b, p->init_value); return 1;
    case K_VOXSHIFT: sb_int_or_float(b, p->voxel_array_shift); return 1;
    case K_GLDMA: sb_int_or_float(b, p->gldm_a); return 1;
    case K_IBSIMASKTH: radx_sb_float(b, p->ibsi_mask_threshold); return 1;
    case K_GABORSIGMA: radx_sb_float(b, p->gabor_sigma); return 1;
    case K_GABORLAMBDA: radx_sb_float(b, p->gabor_lambda); return 1;
    case K_GABORGAMMA: radx_sb_float(b, p->gabor_gamma); return 1;
    case K_GABORANGLE: radx_sb_float(b, p->gabor_angle); return 1;
    case K_GABORSTEP: radx_sb_float(b, p->gabor_angle_step); return 1;
    default: return 0;
    }
}

/* Settings that can be None (switched off). */
static int canon_optional(const radx_params *p, int k, sbuf *b)
{
    int has;
    switch (k) {
    case K_MINROISIZE: has = p->has_minimum_roi_size; break;
    case K_GEOMTOL: has = p->has_geometry_tolerance; break;
    case K_BINCOUNT: has = p->has_bin_count; break;
    case K_REMOVEOUT: has = p->has_remove_outliers; break;
    case K_RESAMPLED: has = p->has_resampled_spacing; break;
    case K_INTERP: has = p->interpolator[0] != 0; break;
    case K_RESEGRANGE: has = p->n_reseg_range > 0; break;
    case K_WNORM: has = p->weighting_norm != RADX_WNORM_NONE; break;
    case K_IVHBINWIDTH: has = p->ivh_bin_width > 0; break;
    case K_IVHBINCOUNT: has = p->ivh_bin_count > 0; break;
    case K_IBSIOUTLIER: has = p->ibsi_outlier_sigma > 0; break;
    case K_LAWSDELTA: has = p->laws_delta >= 0; break;
    case K_TEXAGG: has = p->n_aggregations > 0; break;
    default: return 0;
    }
    if (!has) {
        radx_sb_puts(b, "None");
        return 1;
    }
    switch (k) {
    case K_MINROISIZE: radx_sb_printf(b, "%lld", (long long)p->minimum_roi_size); break;
    case K_GEOMTOL: radx_sb_float(b, p->geometry_tolerance); break;
    case K_BINCOUNT: radx_sb_printf(b, "%d", p->bin_count); break;
    case K_IVHBINWIDTH: radx_sb_float(b, p->ivh_bin_width); break;
    case K_IVHBINCOUNT: radx_sb_printf(b, "%d", p->ivh_bin_count); break;
    case K_IBSIOUTLIER: radx_sb_float(b, p->ibsi_outlier_sigma); break;
    case K_LAWSDELTA: radx_sb_printf(b, "%d", p->laws_delta); break;
    case K_TEXAGG: return 0;
    case K_REMOVEOUT: radx_sb_float(b, p->remove_outliers); break;
    case K_RESAMPLED: sb_float_list(b, p->resampled_spacing, 3); break;
    case K_INTERP: radx_sb_pystr(b, p->interpolator); break;
    case K_RESEGRANGE: sb_float_list(b, p->reseg_range, p->n_reseg_range < 2 ? p->n_reseg_range : 2); break;
    default: /* K_WNORM */
        if (p->weighting_norm >= RADX_WNORM_MANHATTAN && p->weighting_norm <= RADX_WNORM_NO_WEIGHTING)
            radx_sb_pystr(b, radx_wnorm_names[p->weighting_norm - RADX_WNORM_MANHATTAN]);
        else
            radx_sb_puts(b, "?");
        break;
    }
    return 1;
}

int radx_params_canon(const radx_params *p, int k, sbuf *b)
{
    if (canon_bool(p, k, b) || canon_number(p, k, b) || canon_optional(p, k, b)) return 1;
    switch (k) {
    case K_DISTANCES:
        radx_sb_puts(b, "[");
        for (int i = 0; i < p->n_distances && i < RADX_MAX_DISTANCES; i++)
            radx_sb_printf(b, "%s%d", i ? ", " : "", p->distances[i]);
        radx_sb_puts(b, "]");
        return 1;
    case K_RESEGMODE:
        radx_sb_pystr(b, ((int)p->reseg_mode >= 0 && (int)p->reseg_mode < 3) ? radx_reseg_names[p->reseg_mode] : "?");
        return 1;
    case K_LOGKERNEL: radx_sb_pystr(b, radx_logkernel_names[p->log_mode == 1]); return 1;
    case K_FILTERBC: radx_sb_pystr(b, radx_boundary_names[p->filter_boundary & 3]); return 1;
    case K_LAWSKERNEL: radx_sb_pystr(b, p->laws_kernel); return 1;
    case K_WAVEBANDS: radx_sb_pystr(b, p->wavelet_bands); return 1;
    case K_ROTPOOL: radx_sb_pystr(b, radx_pooling_names[p->rotation_pooling % 3]); return 1;
    case K_TEXAGG:
        radx_sb_puts(b, "[");
        for (int i = 0; i < p->n_aggregations; i++) {
            if (i) radx_sb_puts(b, ", ");
            radx_sb_pystr(b, radx_aggregation_ibsi(p->aggregations[i]));
        }
        radx_sb_puts(b, "]");
        return 1;
    case K_WAVELET: radx_sb_pystr(b, p->wavelet); return 1;
    case K_LBP2DMETHOD:
        radx_sb_pystr(b, p->lbp2d_method >= 0 && p->lbp2d_method < 4 ? radx_lbp2d_methods[p->lbp2d_method] : "?");
        return 1;
    default: return 0; /* settings radx keeps but has no field for */
    }
}

static void copy_out(char *buf, size_t len, sbuf *b)
{
    if (!buf || !len) {
        free(b->p);
        return;
    }
    if (b->oom || !b->p)
        snprintf(buf, len, "{}");
    else
        snprintf(buf, len, "%s", b->p);
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
        if (!has || (g->canon && cur.p && !strcmp(g->canon, cur.p)))
            radx_sb_puts(b, g->repr);
        else
            radx_sb_puts(b, cur.p ? cur.p : "?");
    } else {
        radx_params_canon(def, k, &d);
        if (default_repr && cur.p && d.p && !strcmp(cur.p, d.p))
            radx_sb_puts(b, default_repr);
        else
            radx_sb_puts(b, cur.p ? cur.p : "?");
    }
    free(cur.p);
    free(d.p);
}

/* The effective settings as PyRadiomics' repr of its settings dict, into b. */
static void build_settings(const radx_params *p, sbuf *out)
{
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
    *out = b;
}

void radx_params_format_settings(const radx_params *p, char *buf, size_t len)
{
    if (!buf || !len) return;
    if (!p) {
        snprintf(buf, len, "{}");
        return;
    }
    sbuf b;
    build_settings(p, &b);
    copy_out(buf, len, &b);
}

char *radx_params_settings_text(const radx_params *p)
{
    sbuf b;
    build_settings(p, &b);
    if (b.oom) {
        free(b.p);
        return NULL;
    }
    return b.p;
}

char *radx_params_classes_text(const radx_params *p)
{
    sbuf b = {0};
    radx_sb_puts(&b, "{");
    int first = 1;
    for (int i = 0; i < p->n_class_order; i++) {
        const int c = p->class_order[i];
        if (c < 0 || c >= RADX_CLASS_COUNT || !p->cls[c].enabled) continue;
        radx_sb_printf(&b, "%s'%s': [", first ? "" : ", ", radx_class_names[c]);
        first = 0;
        for (int k = 0; !p->cls[c].all && k < p->cls[c].n; k++) {
            if (k) radx_sb_puts(&b, ", ");
            radx_sb_pystr(&b, p->cls[c].names[k]);
        }
        radx_sb_puts(&b, "]");
    }
    radx_sb_puts(&b, "}");
    if (b.oom) {
        free(b.p);
        return NULL;
    }
    return b.p;
}

/* PyRadiomics' enabledImagetypes dict, as it prints, into b. */
static void build_imtypes(const radx_params *p, sbuf *b)
{
    radx_sb_puts(b, "{");
    int first = 1, done[RADX_IMG_COUNT] = {0};
    for (int i = 0; i < p->n_imtype_order && i < RADX_IMG_COUNT; i++) {
        int t = p->imtype_order[i];
        if (t < 0 || t >= RADX_IMG_COUNT || done[t] || !p->imtype[t].enabled) continue;
        done[t] = 1;
        radx_sb_printf(b, "%s'%s': %s", first ? "" : ", ", radx_imtype_names[t],
                       p->imtype[t].custom[0] ? p->imtype[t].custom : "{}");
        first = 0;
    }
    for (int t = 0; t < RADX_IMG_COUNT; t++) { /* enabled but not in the order list */
        if (done[t] || !p->imtype[t].enabled) continue;
        radx_sb_printf(b, "%s'%s': %s", first ? "" : ", ", radx_imtype_names[t],
                       p->imtype[t].custom[0] ? p->imtype[t].custom : "{}");
        first = 0;
    }
    radx_sb_puts(b, "}");
}

char *radx_params_imtypes_text(const radx_params *p)
{
    sbuf b = {0};
    build_imtypes(p, &b);
    if (b.oom) {
        free(b.p);
        return NULL;
    }
    return b.p;
}

void radx_params_format_imtypes(const radx_params *p, char *buf, size_t len)
{
    if (!buf || !len) return;
    if (!p) {
        snprintf(buf, len, "{}");
        return;
    }
    sbuf b = {0};
    build_imtypes(p, &b);
    copy_out(buf, len, &b);
}
