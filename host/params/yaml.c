/* SPDX-License-Identifier: BSD-3-Clause */
/* A parameter file read with libyaml into a pval tree (JSON files are YAML too): scalars typed
 * as ruamel.yaml types them, source positions kept for messages, limits on size, depth and
 * alias expansion. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>
#include "params/params_internal.h"

typedef struct lctx {
    const char *file;
    int json;
    long nodes;
    radx_err *err;
} lctx;

#define MAX_DEPTH 32
#define MAX_NODES 200000L

static radx_status node_to_pval(yaml_document_t *doc, yaml_node_t *node, pval *v, int depth, lctx *c);

/* A scalar: plain ones typed as ruamel.yaml does, quoted ones are strings. */
static radx_status scalar_to_pval(yaml_node_t *node, pval *v, lctx *c)
{
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

static radx_status seq_to_pval(yaml_document_t *doc, yaml_node_t *node, pval *v, int depth, lctx *c)
{
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

/* A mapping: keys are scalars, each once; each value remembers its key's line. */
static radx_status map_to_pval(yaml_document_t *doc, yaml_node_t *node, pval *v, int depth, lctx *c)
{
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

/* node into *v (zeroed first), with its source position; depth and node count are limited
 * (aliases can expand a small file into a huge tree). */
static radx_status node_to_pval(yaml_document_t *doc, yaml_node_t *node, pval *v, int depth, lctx *c)
{
    memset(v, 0, sizeof *v);
    if (!node) return radx_seterr(c->err, RADX_ERR_FORMAT, "%s: malformed YAML document", c->file);
    v->line = node->start_mark.line + 1;
    v->col = node->start_mark.column + 1;
    if (depth > MAX_DEPTH)
        return radx_seterr(c->err, RADX_ERR_PARAM, "%s:%zu:%zu: nesting deeper than %d levels", c->file, v->line,
                           v->col, MAX_DEPTH);
    if (++c->nodes > MAX_NODES)
        return radx_seterr(c->err, RADX_ERR_PARAM, "%s:%zu:%zu: more than %ld values (alias expansion?)", c->file,
                           v->line, v->col, MAX_NODES);
    switch (node->type) {
    case YAML_SCALAR_NODE: return scalar_to_pval(node, v, c);
    case YAML_SEQUENCE_NODE: return seq_to_pval(doc, node, v, depth, c);
    case YAML_MAPPING_NODE: return map_to_pval(doc, node, v, depth, c);
    default: return radx_seterr(c->err, RADX_ERR_FORMAT, "%s:%zu:%zu: empty YAML node", c->file, v->line, v->col);
    }
}

static radx_status yaml_error(const yaml_parser_t *ps, const char *file, radx_err *err)
{
    const char *what = ps->problem ? ps->problem : "syntax error";
    size_t line = ps->problem_mark.line + 1, col = ps->problem_mark.column + 1;
    if (ps->error == YAML_READER_ERROR)
        return radx_seterr(err, RADX_ERR_FORMAT, "%s: not a text file (%s at byte %zu)", file, what,
                           ps->problem_offset);
    if (ps->error == YAML_MEMORY_ERROR) return radx_seterr(err, RADX_ERR_NOMEM, "%s: out of memory parsing YAML", file);
    if (ps->context)
        return radx_seterr(err, RADX_ERR_FORMAT,
                           "%s:%zu:%zu: YAML syntax error: %s (%s started at line %zu, column %zu)", file, line, col,
                           what, ps->context, ps->context_mark.line + 1, ps->context_mark.column + 1);
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
    if (!b) {
        fclose(f);
        return radx_seterr(err, RADX_ERR_NOMEM, "out of memory");
    }
    for (;;) {
        if (len == cap) {
            if (cap >= (size_t)MAX_FILE_BYTES) {
                free(b);
                fclose(f);
                return radx_seterr(err, RADX_ERR_PARAM, "%s: parameter file larger than %ld bytes", path,
                                   MAX_FILE_BYTES);
            }
            unsigned char *q = realloc(b, cap * 2);
            if (!q) {
                free(b);
                fclose(f);
                return radx_seterr(err, RADX_ERR_NOMEM, "out of memory");
            }
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

/* After the first document the input must end (ruamel's load() refuses a second one too). */
static radx_status no_second_document(yaml_parser_t *ps, const char *path, radx_err *err)
{
    yaml_document_t d2;
    if (!yaml_parser_load(ps, &d2)) return yaml_error(ps, path, err);
    radx_status st = RADX_OK;
    yaml_node_t *r2 = yaml_document_get_root_node(&d2);
    if (r2)
        st = radx_seterr(err, RADX_ERR_FORMAT, "%s:%zu:%zu: more than one YAML document", path, r2->start_mark.line + 1,
                         r2->start_mark.column + 1);
    yaml_document_delete(&d2);
    return st;
}

/* The parser's one document into *root (a .json file reads NaN / Infinity as Python's json does). */
static radx_status load_document(yaml_parser_t *ps, const char *path, pval *root, radx_err *err)
{
    yaml_document_t doc;
    if (!yaml_parser_load(ps, &doc)) return yaml_error(ps, path, err);
    yaml_node_t *rn = yaml_document_get_root_node(&doc);
    if (!rn) {
        yaml_document_delete(&doc);
        return radx_seterr(err, RADX_ERR_IO, "%s: parameter file is empty (no YAML document)", path);
    }
    size_t l = strlen(path);
    lctx c = {path, l >= 5 && !strcmp(path + l - 5, ".json"), 0, err};
    radx_status st = node_to_pval(&doc, rn, root, 0, &c);
    yaml_document_delete(&doc);
    if (!st) st = no_second_document(ps, path, err);
    if (st) radx_pval_free(root);
    return st;
}

radx_status radx_params_parse_file(const char *path, pval *root, radx_err *err)
{
    unsigned char *text;
    size_t n;
    radx_status st = read_text(path, &text, &n, err);
    if (st) return st;
    if (n == 0) {
        free(text);
        return radx_seterr(err, RADX_ERR_IO, "%s: parameter file is empty", path);
    }
    yaml_parser_t ps;
    if (!yaml_parser_initialize(&ps)) {
        free(text);
        return radx_seterr(err, RADX_ERR_NOMEM, "out of memory");
    }
    yaml_parser_set_input_string(&ps, text, n);
    st = load_document(&ps, path, root, err);
    yaml_parser_delete(&ps);
    free(text);
    return st;
}
