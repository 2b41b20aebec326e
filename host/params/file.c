/* SPDX-License-Identifier: BSD-3-Clause */
/* A parameter file's sections applied as PyRadiomics' _applyParams does: settings start from
 * the defaults, then setting:, voxelSetting:, imageType: and featureClass: (see params.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "params/params.h"
#include "params/params_internal.h"

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
                return radx_param_error(&a, m->keys[i],
                                        "unknown setting here; it belongs under voxelSetting: (line %zu)",
                                        m->items[i].kline);
            if (k >= 0)
                return radx_param_error(&a, m->keys[i], "unknown setting here; it belongs under setting: (line %zu)",
                                        m->items[i].kline);
            return radx_param_error(&a, m->keys[i], "unknown setting (not a PyRadiomics parameter; line %zu)",
                                    m->items[i].kline);
        }
        radx_status st = radx_apply_value(p, k, &m->items[i], &a);
        if (!st) st = radx_record_given(p, k, &m->items[i], err);
        if (st) return st;
    }
    return RADX_OK;
}

/* Custom settings of image type t checked against the settings schema (on a scratch copy:
 * they apply only when that image type runs, see radx_params_for_imtype). */
static radx_status check_custom_settings(int t, const pval *cv, const char *file, radx_err *err)
{
    char sect[96];
    snprintf(sect, sizeof sect, "imageType '%s': setting", radx_imtype_names[t]);
    actx a = {file, sect, err};
    radx_params scratch;
    radx_params_init_defaults(&scratch);
    radx_status st = RADX_OK;
    for (int j = 0; j < cv->n && !st; j++) {
        int k = radx_find_key(cv->keys[j]);
        if (k < 0 || !(radx_param_keys[k].sect & S_SETTING))
            st = radx_param_error(&a, cv->keys[j],
                                  "unknown setting (not allowed as an image type custom setting; line %zu)",
                                  cv->items[j].kline);
        else
            st = radx_apply_value(&scratch, k, &cv->items[j], &a);
    }
    radx_params_clear(&scratch);
    return st;
}

/* Keeps the custom settings of image type t (p->extra exists). */
static radx_status keep_custom_settings(radx_params *p, int t, const pval *cv, radx_err *err)
{
    struct radx_params_extra *x = p->extra;
    if (cv->n == 0) return RADX_OK;
    x->custom[t] = calloc((size_t)cv->n, sizeof *x->custom[t]);
    if (!x->custom[t]) return radx_seterr(err, RADX_ERR_NOMEM, "out of memory");
    for (int j = 0; j < cv->n; j++) {
        x->n_custom[t] = j + 1;
        x->custom[t][j].key = radx_pstrdup(cv->keys[j]);
        x->custom[t][j].val = calloc(1, sizeof(pval));
        if (!x->custom[t][j].key || !x->custom[t][j].val || radx_pval_copy(x->custom[t][j].val, &cv->items[j]))
            return radx_seterr(err, RADX_ERR_NOMEM, "out of memory");
    }
    return RADX_OK;
}

/* The custom settings' repr, as diagnostics_Configuration_EnabledImageTypes shows them. */
static radx_status set_custom_text(radx_params *p, int t, const pval *cv, const char *file, radx_err *err)
{
    sbuf r = {0};
    radx_sb_repr(&r, cv);
    if (r.oom) {
        free(r.p);
        return radx_seterr(err, RADX_ERR_NOMEM, "out of memory");
    }
    if (r.n >= sizeof p->imtype[t].custom) {
        free(r.p);
        return radx_seterr(err, RADX_ERR_PARAM, "%s: imageType '%s': custom settings longer than %zu characters", file,
                           radx_imtype_names[t], sizeof p->imtype[t].custom - 1);
    }
    snprintf(p->imtype[t].custom, sizeof p->imtype[t].custom, "%s", r.p ? r.p : "{}");
    free(r.p);
    return RADX_OK;
}

/* imageType: the listed image types replace the enabled ones, in file order. */
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
            return radx_seterr(err, RADX_ERR_PARAM,
                               "%s: imageType '%s': unknown image type (line %zu; expected one of %s)", file,
                               m->keys[i], m->items[i].kline, list);
        const pval *cv = &m->items[i];
        if (cv->k != PV_MAP) {
            char sh[160];
            radx_show_value(cv, sh, sizeof sh);
            return radx_seterr(
                err, RADX_ERR_PARAM,
                "%s: imageType '%s': value %s is not a mapping of custom settings (use {} for none; line %zu)", file,
                m->keys[i], cv->k == PV_NULL ? "None" : sh, cv->kline);
        }
        radx_status st = check_custom_settings(t, cv, file, err);
        if (!st) st = keep_custom_settings(p, t, cv, err);
        if (!st) st = set_custom_text(p, t, cv, file, err);
        if (st) return st;
        p->imtype[t].enabled = 1;
        p->imtype_order[p->n_imtype_order++] = t;
    }
    return RADX_OK;
}

/* The feature names listed for class c: each must be one of the class's features. */
static radx_status apply_feature_names(radx_class_sel *s, int c, const pval *fv, const char *file, radx_err *err)
{
    if (fv->k != PV_SEQ) {
        char sh[160];
        radx_show_value(fv, sh, sizeof sh);
        return radx_seterr(err, RADX_ERR_PARAM,
                           "%s: featureClass '%s': value %s is not a list of feature names (line %zu)", file,
                           radx_class_names[c], sh, fv->kline);
    }
    if (fv->n > RADX_MAX_NAMES)
        return radx_seterr(err, RADX_ERR_PARAM, "%s: featureClass '%s': more than %d feature names", file,
                           radx_class_names[c], RADX_MAX_NAMES);
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
    return RADX_OK;
}

/* featureClass: the listed classes replace the enabled ones, in file order; a class with no
 * list (or an empty one) computes all its features. */
static radx_status apply_classes(radx_params *p, const pval *m, const char *file, radx_err *err)
{
    char list[256];
    radx_join_names(list, sizeof list, radx_class_names, RADX_CLASS_COUNT);
    for (int c = 0; c < RADX_CLASS_COUNT; c++) {
        p->cls[c].enabled = 0;
        p->cls[c].all = 0;
    }
    p->n_class_order = 0;
    if (m->n == 0) { /* PyRadiomics: no classes named -> every class of PyRadiomics, shape2D included */
        for (int c = 0; c < RADX_CLASS_PYRADIOMICS_COUNT; c++) {
            p->cls[c].enabled = 1;
            p->cls[c].all = 1;
            p->class_order[p->n_class_order++] = c;
        }
        return RADX_OK;
    }
    for (int i = 0; i < m->n; i++) {
        int c = radx_find_name(radx_class_names, RADX_CLASS_COUNT, m->keys[i]);
        if (c < 0)
            return radx_seterr(err, RADX_ERR_PARAM,
                               "%s: featureClass '%s': unknown feature class (line %zu; expected one of %s)", file,
                               m->keys[i], m->items[i].kline, list);
        const pval *fv = &m->items[i];
        radx_class_sel *s = &p->cls[c];
        s->enabled = 1;
        p->class_order[p->n_class_order++] = c;
        if (fv->k == PV_NULL || (fv->k == PV_SEQ && fv->n == 0)) {
            s->all = 1;
            continue;
        }
        radx_status st = apply_feature_names(s, c, fv, file, err);
        if (st) return st;
    }
    return RADX_OK;
}

enum { SEC_SETTING, SEC_VOXEL, SEC_IMTYPE, SEC_CLASS, SEC_COUNT };

/* The file's sections by kind (NULL where absent); each must be a mapping. */
static radx_status find_sections(const pval *root, const char *path, const pval *sec[SEC_COUNT], radx_err *err)
{
    static const char *const names[SEC_COUNT] = {"setting", "voxelSetting", "imageType", "featureClass"};
    if (root->k != PV_MAP) {
        char sh[160];
        radx_show_value(root, sh, sizeof sh);
        return radx_seterr(
            err, RADX_ERR_PARAM,
            "%s: top level is not a mapping of setting / imageType / featureClass / voxelSetting (found %s)", path,
            root->k == PV_SEQ    ? "a list"
            : root->k == PV_NULL ? "None"
                                 : sh);
    }
    for (int i = 0; i < root->n; i++) {
        int s = radx_find_name(names, SEC_COUNT, root->keys[i]);
        if (s < 0)
            return radx_seterr(
                err, RADX_ERR_PARAM,
                "%s: unknown top-level key '%s' (line %zu; expected setting, imageType, featureClass, voxelSetting)",
                path, root->keys[i], root->items[i].kline);
        radx_status st = section_map(&root->items[i], path, names[s], err);
        if (st) return st;
        sec[s] = &root->items[i];
    }
    return RADX_OK;
}

/* settings = defaults; update(setting); update(voxelSetting); then image types and classes
 * (no featureClass section: every class). */
static radx_status apply_sections(radx_params *t, const pval *const sec[SEC_COUNT], const char *path, radx_err *err)
{
    radx_status st;
    if (sec[SEC_SETTING] && (st = apply_settings_map(t, sec[SEC_SETTING], S_SETTING, path, err))) return st;
    if (sec[SEC_VOXEL] && (st = apply_settings_map(t, sec[SEC_VOXEL], S_VOXEL, path, err))) return st;
    if (sec[SEC_IMTYPE] && (st = apply_imtypes(t, sec[SEC_IMTYPE], path, err))) return st;
    if (sec[SEC_CLASS]) return apply_classes(t, sec[SEC_CLASS], path, err);
    pval empty;
    memset(&empty, 0, sizeof empty);
    empty.k = PV_MAP;
    return apply_classes(t, &empty, path, err);
}

/* Applies a parsed parameter document (freed here) to *p, as PyRadiomics' _applyParams. */
static radx_status load_root(radx_params *p, pval *root, const char *path, radx_err *err)
{
    radx_status st;
    radx_params t;
    radx_params_init_defaults(&t); /* PyRadiomics' _applyParams starts from the defaults */
    const pval *sec[SEC_COUNT] = {NULL, NULL, NULL, NULL};
    st = find_sections(root, path, sec, err);
    if (!st) st = apply_sections(&t, sec, path, err);
    radx_pval_free(root);
    if (st) {
        radx_params_clear(&t);
        return st;
    }
    radx_params_sync_log_sigma(&t);
    snprintf(t.source, sizeof t.source, "%s", path);
    radx_params_clear(p);
    *p = t;
    return RADX_OK;
}

radx_status radx_params_load_file(radx_params *p, const char *path, radx_err *err)
{
    if (!p || !path) return radx_seterr(err, RADX_ERR_ARG, "radx_params_load_file: NULL argument");
    pval root;
    memset(&root, 0, sizeof root);
    radx_status st = radx_params_parse_file(path, &root, err);
    return st ? st : load_root(p, &root, path, err);
}

radx_status radx_params_load_text(radx_params *p, const char *text, const char *name, radx_err *err)
{
    if (!p || !text || !name) return radx_seterr(err, RADX_ERR_ARG, "radx_params_load_text: NULL argument");
    pval root;
    memset(&root, 0, sizeof root);
    radx_status st = radx_params_parse_text(text, name, &root, err);
    return st ? st : load_root(p, &root, name, err);
}
