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
