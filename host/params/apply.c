/* SPDX-License-Identifier: BSD-3-Clause */
/* Validation of one setting's value against PyRadiomics' schema (schemas/paramSchema.yaml,
 * schemas/schemaFuncs.py), storing it in radx_params, and remembering it as given; and the
 * settings one image type runs with (its custom settings from the file on top of the others). */
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "params/params_internal.h"
#include "features/discretise.h"

radx_status radx_param_error(const actx *a, const char *key, const char *fmt, ...)
{
    char msg[700];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (a->file) return radx_seterr(a->err, RADX_ERR_PARAM, "%s: %s '%s': %s", a->file, a->section, key, msg);
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
    if (!seq) {
        snprintf(out, len, "value %s", sh);
        return;
    }
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
    if (v->k == PV_FLOAT || v->k == PV_INT)
        d = v->d;
    else if (v->k == PV_STR && v->s && radx_py_float(v->s, &d) == 0) { /* e.g. initValue: nan */
    } else
        return radx_param_error(a, kd->name, "%s is not a number", what);
    if (kd->r != R_NONE && !isfinite(d)) return radx_param_error(a, kd->name, "%s is not a finite number", what);
    if (!in_range_d(kd->r, d)) return radx_param_error(a, kd->name, "%s must be %s", what, range_text(kd->r));
    if (seq && isnan(d) && kd->r == R_NONE) return radx_param_error(a, kd->name, "%s: NaN is not allowed", what);
    *out = d;
    return RADX_OK;
}

static radx_status get_enum(const actx *a, const keydef *kd, const pval *v, const char *const *names, int n, int *out)
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

/* "value X <what>" for key k, X as messages show v. */
static radx_status bad_value(const actx *a, int k, const pval *v, const char *what)
{
    char sh[160];
    radx_show_value(v, sh, sizeof sh);
    return radx_param_error(a, radx_param_keys[k].name, "value %s %s", sh, what);
}

/* The field behind a boolean key. */
static int *bool_field(radx_params *p, int k)
{
    switch (k) {
    case K_CORRECTMASK: return &p->correct_mask;
    case K_ADDINFO: return &p->additional_info;
    case K_NORMALIZE: return &p->normalize;
    case K_FORCE2D: return &p->force2d;
    case K_RESEGSHAPE: return &p->reseg_shape;
    case K_PRECROP: return &p->pre_crop;
    case K_SYMGLCM: return &p->symmetrical_glcm;
    case K_IBSIKURT: return &p->ibsi_kurtosis_excess;
    case K_IBSIPCA: return &p->ibsi_pca;
    case K_IBSIMORPH: return &p->ibsi_morph_mask;
    case K_IBSIINTERP: return &p->ibsi_interpolation;
    case K_ROTINV: return &p->rotation_invariance;
    case K_IBSIROUND: return &p->ibsi_round_intensities;
    case K_IBSIDISC: return &p->ibsi_discretisation;
    case K_MASKEDKERNEL: return &p->masked_kernel;
    case K_GRADSPACING: return &p->gradient_use_spacing;
    default: return NULL;
    }
}

/* None switches an optional setting off; a boolean becomes False (PyRadiomics tests them for
 * truth); any other setting refuses it. */
static radx_status apply_none(radx_params *p, int k, const actx *a)
{
    if (!radx_param_keys[k].nullok) return radx_param_error(a, radx_param_keys[k].name, "value None is not allowed");
    int *b = bool_field(p, k);
    if (b) {
        *b = 0;
        return RADX_OK;
    }
    switch (k) {
    case K_MINROISIZE:
        p->has_minimum_roi_size = 0;
        p->minimum_roi_size = 0;
        break;
    case K_GEOMTOL:
        p->has_geometry_tolerance = 0;
        p->geometry_tolerance = 0;
        break;
    case K_BINCOUNT:
        p->has_bin_count = 0;
        p->bin_count = 0;
        break;
    case K_REMOVEOUT:
        p->has_remove_outliers = 0;
        p->remove_outliers = 0;
        break;
    case K_RESAMPLED:
        p->has_resampled_spacing = 0;
        memset(p->resampled_spacing, 0, sizeof p->resampled_spacing);
        break;
    case K_INTERP: p->interpolator[0] = 0; break;
    case K_IVHBINWIDTH: p->ivh_bin_width = 0; break;
    case K_IBSIOUTLIER: p->ibsi_outlier_sigma = 0; break;
    case K_LAWSDELTA: p->laws_delta = -1; break;
    case K_IVHBINCOUNT: p->ivh_bin_count = 0; break;
    case K_TEXAGG: p->n_aggregations = 0; break;
    case K_RESEGRANGE:
        p->n_reseg_range = 0;
        p->reseg_range[0] = p->reseg_range[1] = 0;
        break;
    case K_WNORM: p->weighting_norm = RADX_WNORM_NONE; break;
    default: break;
    }
    return RADX_OK;
}

/* The ibsi preset: IBSI's behaviour wherever it differs from PyRadiomics' (settings given after it
 * still change their part). */
static void apply_ibsi_preset(radx_params *p, int on)
{
    p->ibsi_interpolation = on;
    p->ibsi_discretisation = on;
    p->ibsi_morph_mask = on;
    p->ibsi_pca = on;
    p->ibsi_kurtosis_excess = on;
}

static radx_status apply_bool(radx_params *p, int k, const pval *v, const actx *a)
{
    if (v->k != PV_BOOL) return bad_value(a, k, v, "is not a boolean (true or false)");
    if (k == K_IBSI) apply_ibsi_preset(p, v->b);
    int *b = bool_field(p, k);
    if (b) *b = v->b;
    return RADX_OK;
}

/* What an int key's field can hold, on top of the schema's range. */
static void int_limits(int k, long long *lo, long long *hi)
{
    switch (k) {
    case K_MINROISIZE:
        *lo = LLONG_MIN;
        *hi = LLONG_MAX;
        break; /* int64_t */
    case K_VOXSHIFT:
    case K_GLDMA:
        *lo = -(1LL << 53);
        *hi = 1LL << 53;
        break; /* a double, exactly */
    case K_STARTLEVEL:
    case K_LEVEL: /* every level is a pass over the image: bounded, far above any use */
        *lo = 0;
        *hi = RADX_MAX_WAVELET_LEVELS;
        break;
    default:
        *lo = INT_MIN;
        *hi = INT_MAX;
        break;
    }
}

/* lbp2DSamples, lbp3DLevels, lbp3DIcosphereSubdivision: bounded, far above any use (the work per
 * voxel and the tables grow with them). */
static radx_status apply_lbp_int(radx_params *p, int k, long long iv, const actx *a)
{
    const long long hi = k == K_LBP2DSAMPLES  ? RADX_MAX_LBP2D_SAMPLES
                         : k == K_LBP3DLEVELS ? RADX_MAX_LBP3D_LEVELS
                                              : RADX_MAX_LBP3D_SUBDIV;
    if (iv > hi) return radx_param_error(a, radx_param_keys[k].name, "value %lld is above the limit of %lld", iv, hi);
    int *f = k == K_LBP2DSAMPLES ? &p->lbp2d_samples : k == K_LBP3DLEVELS ? &p->lbp3d_levels : &p->lbp3d_subdivision;
    *f = (int)iv;
    return RADX_OK;
}

static radx_status apply_int(radx_params *p, int k, const pval *v, const actx *a)
{
    long long lo, hi, iv = 0;
    int_limits(k, &lo, &hi);
    radx_status st = get_int(a, &radx_param_keys[k], v, NULL, 0, lo, hi, &iv);
    if (st) return st;
    switch (k) {
    case K_MINROIDIM: p->minimum_roi_dimensions = (int)iv; break;
    case K_MINROISIZE:
        p->has_minimum_roi_size = 1;
        p->minimum_roi_size = (int64_t)iv;
        break;
    case K_LABEL: p->label = (int)iv; break;
    case K_LABELCH: p->label_channel = (int)iv; break;
    case K_BINCOUNT:
        /* the bound binWidth's implied bin number has (discretise.h): bins are allocated */
        if (iv > RADX_MAX_BINS)
            return radx_param_error(a, radx_param_keys[k].name, "value %lld is above the limit of %d bins", iv,
                                    RADX_MAX_BINS);
        p->has_bin_count = 1;
        p->bin_count = (int)iv;
        break;
    case K_PADDIST: p->pad_distance = (int)iv; break;
    case K_SIMLEVEL:
        if (iv > 30) return radx_param_error(a, radx_param_keys[k].name, "value %lld is above 30", iv);
        p->simoncelli_level = (int)iv;
        break;
    case K_LAWSDELTA:
        if (iv > 500) return radx_param_error(a, radx_param_keys[k].name, "value %lld is above 500 voxels", iv);
        p->laws_delta = (int)iv;
        break;
    case K_MEANSUPPORT:
        if (iv % 2 == 0 || iv > 1001)
            return radx_param_error(a, radx_param_keys[k].name, "value %lld must be an odd number of voxels up to 1001",
                                    iv);
        p->mean_support = (int)iv;
        break;
    case K_IVHBINCOUNT:
        if (iv > RADX_MAX_BINS)
            return radx_param_error(a, radx_param_keys[k].name, "value %lld is above the limit of %d bins", iv,
                                    RADX_MAX_BINS);
        p->ivh_bin_count = (int)iv;
        break;
    case K_FORCE2DDIM: p->force2d_dimension = (int)iv; break;
    case K_VOXSHIFT: p->voxel_array_shift = (double)iv; break;
    case K_GLDMA: p->gldm_a = (double)iv; break;
    case K_KERNELRADIUS: p->kernel_radius = (int)iv; break;
    case K_VOXELBATCH: p->voxel_batch = (int)iv; break;
    case K_STARTLEVEL: p->wavelet_start_level = (int)iv; break;
    case K_LEVEL: p->wavelet_level = (int)iv; break;
    case K_LBP2DSAMPLES:
    case K_LBP3DLEVELS:
    case K_LBP3DSUBDIV: return apply_lbp_int(p, k, iv, a);
    default: break;
    }
    return RADX_OK;
}

static radx_status apply_float(radx_params *p, int k, const pval *v, const actx *a)
{
    double dv = 0;
    radx_status st = get_float(a, &radx_param_keys[k], v, NULL, 0, &dv);
    if (st) return st;
    switch (k) {
    case K_GEOMTOL:
        p->has_geometry_tolerance = 1;
        p->geometry_tolerance = dv;
        break;
    case K_BINWIDTH: p->bin_width = dv; break;
    case K_NORMSCALE: p->normalize_scale = dv; break;
    case K_REMOVEOUT:
        p->has_remove_outliers = 1;
        p->remove_outliers = dv;
        break;
    case K_INITVALUE: p->init_value = dv; break;
    case K_IVHBINWIDTH: p->ivh_bin_width = dv; break;
    case K_GABORSIGMA: p->gabor_sigma = dv; break;
    case K_GABORLAMBDA: p->gabor_lambda = dv; break;
    case K_GABORGAMMA: p->gabor_gamma = dv; break;
    case K_GABORANGLE: p->gabor_angle = dv; break;
    case K_GABORSTEP: p->gabor_angle_step = dv; break;
    case K_IBSIOUTLIER: p->ibsi_outlier_sigma = dv; break;
    case K_IBSIMASKTH:
        if (dv > 1.0) return radx_param_error(a, radx_param_keys[k].name, "value %g is above 1", dv);
        p->ibsi_mask_threshold = dv;
        break;
    case K_LBP2DRADIUS:
        /* sample positions far outside any image would overflow skimage's integer pixel indices */
        if (dv > RADX_MAX_LBP2D_RADIUS)
            return radx_param_error(a, radx_param_keys[k].name, "value %g is above the limit of %g voxels", dv,
                                    RADX_MAX_LBP2D_RADIUS);
        p->lbp2d_radius = dv;
        break;
    case K_LBP3DRADIUS: p->lbp3d_radius = dv; break;
    default: break;
    }
    return RADX_OK;
}

/* A string key, one of a list of names: resegmentMode, logKernel, lbp2DMethod, wavelet. */
static radx_status apply_name(radx_params *p, int k, const pval *v, const actx *a)
{
    const keydef *kd = &radx_param_keys[k];
    int i = 0;
    radx_status st = RADX_OK;
    switch (k) {
    case K_RESEGMODE:
        st = get_enum(a, kd, v, radx_reseg_names, NELEM(radx_reseg_names), &i);
        if (!st) p->reseg_mode = (radx_reseg_mode)i;
        break;
    case K_LOGKERNEL:
        st = get_enum(a, kd, v, radx_logkernel_names, NELEM(radx_logkernel_names), &i);
        if (!st) p->log_mode = i;
        break;
    case K_ROTPOOL:
        st = get_enum(a, kd, v, radx_pooling_names, 3, &i);
        if (!st) p->rotation_pooling = i;
        break;
    case K_WAVEBANDS:
        if (v->k != PV_STR || strlen(v->s) >= sizeof p->wavelet_bands || strspn(v->s, "LH") != strlen(v->s))
            return bad_value(a, k, v, "must be 2 or 3 letters L or H, e.g. 'LHL'");
        snprintf(p->wavelet_bands, sizeof p->wavelet_bands, "%s", v->s);
        break;
    case K_LAWSKERNEL:
        if (v->k != PV_STR || strlen(v->s) >= sizeof p->laws_kernel)
            return bad_value(a, k, v, "must name 2 or 3 Laws kernels, e.g. 'E5L5S5'");
        snprintf(p->laws_kernel, sizeof p->laws_kernel, "%s", v->s);
        break;
    case K_FILTERBC:
        st = get_enum(a, kd, v, radx_boundary_names, 4, &i);
        if (!st) p->filter_boundary = i;
        break;
    case K_LBP2DMETHOD:
        st = get_enum(a, kd, v, radx_lbp2d_methods, NELEM(radx_lbp2d_methods), &i);
        if (!st) p->lbp2d_method = i;
        break;
    case K_WAVELET:
        st = get_enum(a, kd, v, radx_wavelet_names, NELEM(radx_wavelet_names), &i);
        if (!st) snprintf(p->wavelet, sizeof p->wavelet, "%s", radx_wavelet_names[i]);
        break;
    default: break;
    }
    return st;
}

/* interpolator: a SimpleITK interpolator name, or (checkInterpolator) its legacy number 1..10. */
static radx_status apply_interp(radx_params *p, int k, const pval *v, const actx *a)
{
    if (v->k == PV_INT) {
        if (v->big || v->i < 1 || v->i > 10)
            return bad_value(a, k, v, "must be an interpolator name or an integer between 1 and 10");
        /* SimpleITK 2.x numbers sitkBSpline 23; 3 is no interpolator there, and PyRadiomics
         * then fails with "Interpolator not set" */
        if (v->i == 3)
            return bad_value(
                a, k, v,
                "is not a SimpleITK interpolator (sitkBSpline is 23 in SimpleITK 2; use the name 'sitkBSpline')");
        snprintf(p->interpolator, sizeof p->interpolator, "%s", radx_interp_names[v->i - 1]);
        return RADX_OK;
    }
    if (v->k != PV_STR) return bad_value(a, k, v, "is not an interpolator name (string) or integer");
    int i = 0;
    radx_status st = get_enum(a, &radx_param_keys[k], v, radx_interp_names, NELEM(radx_interp_names), &i);
    if (st) return st;
    snprintf(p->interpolator, sizeof p->interpolator, "%s", radx_interp_names[i]);
    return RADX_OK;
}

static radx_status apply_wnorm(radx_params *p, int k, const pval *v, const actx *a)
{
    int i = 0;
    radx_status st = get_enum(a, &radx_param_keys[k], v, radx_wnorm_names, NELEM(radx_wnorm_names), &i);
    if (st) return st;
    p->weighting_norm = (radx_wnorm)(RADX_WNORM_MANHATTAN + i);
    return RADX_OK;
}

/* The number of values a list key takes. */
static radx_status check_list_length(int k, const pval *v, const actx *a)
{
    int minn = 0, maxn = 64;
    switch (k) {
    case K_DISTANCES:
        minn = 1;
        maxn = RADX_MAX_DISTANCES;
        break;
    case K_SIGMA: maxn = RADX_MAX_SIGMAS; break;
    case K_RESAMPLED: minn = maxn = 3; break;
    case K_RESEGRANGE:
        minn = 1;
        maxn = 2;
        break;
    default: break;
    }
    if (v->n >= minn && v->n <= maxn) return RADX_OK;
    if (k == K_RESAMPLED) return bad_value(a, k, v, "must have 3 values (x, y, z)");
    if (k == K_RESEGRANGE) return bad_value(a, k, v, "must have 1 or 2 values (lower [, upper] bound)");
    char what[64];
    if (v->n < minn)
        snprintf(what, sizeof what, "must have at least %d value(s)", minn);
    else
        snprintf(what, sizeof what, "has more than %d values", maxn);
    return bad_value(a, k, v, what);
}

/* The general 'sigma' (LoG's unless its image type gives its own), with Python's str() of each
 * value, which names LoG's images. */
static radx_status set_global_sigma(radx_params *p, const pval *v, const double *sigma, const actx *a)
{
    if (radx_params_ensure_extra(p)) return radx_seterr(a->err, RADX_ERR_NOMEM, "out of memory");
    struct radx_params_extra *x = p->extra;
    x->has_gsigma = 1;
    x->n_gsigma = v->n;
    for (int i = 0; i < v->n; i++) {
        x->gsigma[i] = sigma[i];
        radx_pv_number_str(&v->items[i], x->gsigma_text[i], sizeof x->gsigma_text[i]);
    }
    return RADX_OK;
}

/* distances, resampledPixelSpacing, resegmentRange, sigma: length checked, then each element. */
static radx_status apply_list(radx_params *p, int k, const pval *v, const actx *a)
{
    const keydef *kd = &radx_param_keys[k];
    if (v->k != PV_SEQ) return bad_value(a, k, v, "is not a list");
    radx_status st = check_list_length(k, v, a);
    if (st) return st;
    double fl[64] = {0};
    int il[64] = {0};
    for (int i = 0; i < v->n; i++) {
        long long iv = 0;
        if (kd->t == T_SEQI) {
            if ((st = get_int(a, kd, &v->items[i], v, i, INT_MIN, INT_MAX, &iv))) return st;
            il[i] = (int)iv;
        } else if ((st = get_float(a, kd, &v->items[i], v, i, &fl[i]))) {
            return st;
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
    case K_SIGMA: return set_global_sigma(p, v, fl, a);
    default: break;
    }
    return RADX_OK;
}

/* textureAggregation: IBSI aggregation names ("2D, averaged" or "2Davg"), a list or one string. */
static radx_status apply_aggregations(radx_params *p, int k, const pval *v, const actx *a)
{
    const int n = v->k == PV_SEQ ? v->n : 1;
    p->n_aggregations = 0;
    for (int i = 0; i < n; i++) {
        const pval *e = v->k == PV_SEQ ? &v->items[i] : v;
        if (e->k != PV_STR) return bad_value(a, k, v, "must be aggregation names (strings)");
        const radx_aggregation g = radx_aggregation_parse(e->s);
        if (g == RADX_AGG_PYRADIOMICS)
            return bad_value(a, k, v,
                             "names an unknown aggregation (expected IBSI's '2D, averaged', '2D, slice-merged', "
                             "'2.5D, direction-merged', '2.5D, merged', '3D, averaged', '3D, merged', '2D', '2.5D', "
                             "'3D', or 2Davg, 2Dsmrg, 2.5Ddmrg, 2.5Dvmrg, 3Davg, 3Dmrg)");
        int dup = 0;
        for (int j = 0; j < p->n_aggregations; j++) dup |= p->aggregations[j] == g;
        if (!dup) p->aggregations[p->n_aggregations++] = g;
    }
    return RADX_OK;
}

/* Validates v for key k and stores it in *p.  Does not record it (see radx_record_given). */
radx_status radx_apply_value(radx_params *p, int k, const pval *v, const actx *a)
{
    if (v->k == PV_NULL) return apply_none(p, k, a);
    switch (radx_param_keys[k].t) {
    case T_BOOL: return apply_bool(p, k, v, a);
    case T_INT: return apply_int(p, k, v, a);
    case T_FLOAT: return apply_float(p, k, v, a);
    case T_STR: return apply_name(p, k, v, a);
    case T_INTERP: return apply_interp(p, k, v, a);
    case T_WNORM: return apply_wnorm(p, k, v, a);
    case T_SEQI:
    case T_SEQF: return apply_list(p, k, v, a);
    case T_SEQS: return apply_aggregations(p, k, v, a);
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
        if (!g) {
            free(repr);
            free(cn);
            return radx_seterr(err, RADX_ERR_NOMEM, "out of memory");
        }
        x->given = g;
        x->cap_given = cap;
    }
    given_rec *g = &x->given[x->n_given];
    g->key = radx_pstrdup(radx_param_keys[k].name);
    if (!g->key) {
        free(repr);
        free(cn);
        return radx_seterr(err, RADX_ERR_NOMEM, "out of memory");
    }
    g->repr = repr;
    g->canon = cn;
    x->n_given++;
    return RADX_OK;
}

/* The settings of one image type: the file's settings, then its imageType section's own. */
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
