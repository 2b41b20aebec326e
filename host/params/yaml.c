/* SPDX-License-Identifier: BSD-3-Clause */
/* A parameter file read with libyaml into a pval tree (a .json file goes to json.c): scalars
 * typed as ruamel.yaml types them, source positions kept for messages, limits on size, depth,
 * anchors and alias expansion. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>
#include "params/params_internal.h"

typedef struct lctx {
    const char *file;
    long nodes;
    size_t bytes; /* scalar text, aliases expanded */
    radx_err *err;
} lctx;

#define MAX_DEPTH       RADX_PARAM_MAX_DEPTH
#define MAX_NODES       RADX_PARAM_MAX_NODES
#define MAX_ANCHORS     256                /* libyaml looks every alias up among all anchors */
#define MAX_VALUE_BYTES ((size_t)32 << 20) /* scalar text with aliases expanded */

static radx_status node_to_pval(yaml_document_t *doc, yaml_node_t *node, pval *v, int depth, lctx *c);

/* A scalar: plain ones typed as ruamel.yaml does, quoted ones are strings. */
static radx_status scalar_to_pval(yaml_node_t *node, pval *v, lctx *c)
{
    const char *text = (const char *)node->data.scalar.value;
    size_t n = node->data.scalar.length;
    if (strlen(text) != n)
        return radx_seterr(c->err, RADX_ERR_PARAM, "%s:%zu:%zu: NUL character in a value", c->file, v->line, v->col);
    if ((c->bytes += n) > MAX_VALUE_BYTES)
        return radx_seterr(c->err, RADX_ERR_PARAM, "%s:%zu:%zu: more than %zu bytes of values (alias expansion?)",
                           c->file, v->line, v->col, MAX_VALUE_BYTES);
    v->s = radx_pstrdup(text);
    if (!v->s) return radx_seterr(c->err, RADX_ERR_NOMEM, "out of memory");
    if (node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
        v->plain = 1;
        radx_resolve_plain(v->s, v, 0);
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

static const char *key_text(yaml_document_t *doc, const yaml_node_pair_t *pr)
{
    yaml_node_t *kn = yaml_document_get_node(doc, pr->key);
    return kn && kn->type == YAML_SCALAR_NODE ? (const char *)kn->data.scalar.value : NULL;
}

/* The mapping's keys are scalars, each once: the first key (in file order) that is not, or that
 * repeats an earlier one, is refused.  Sorted, so that many keys take n log n steps. */
static radx_status check_keys(yaml_document_t *doc, yaml_node_t *node, const pval *v, lctx *c)
{
    const yaml_node_pair_t *pairs = node->data.mapping.pairs.start;
    int n = (int)(node->data.mapping.pairs.top - pairs), bad = n, dup = 0;
    radx_keyref *k = malloc((size_t)(n > 0 ? n : 1) * sizeof *k);
    if (!k) return radx_seterr(c->err, RADX_ERR_NOMEM, "out of memory");
    int m = 0;
    for (int i = 0; i < n && bad == n; i++) {
        k[m] = (radx_keyref){key_text(doc, &pairs[i]), i};
        if (k[m].s)
            m++;
        else
            bad = i;
    }
    qsort(k, (size_t)m, sizeof *k, radx_keyref_cmp);
    for (int j = 1; j < m; j++)
        if (k[j].i < bad && !strcmp(k[j].s, k[j - 1].s)) {
            bad = k[j].i;
            dup = 1;
        }
    free(k);
    if (bad == n) return RADX_OK;
    yaml_node_t *kn = yaml_document_get_node(doc, pairs[bad].key);
    size_t line = kn ? kn->start_mark.line + 1 : v->line, col = kn ? kn->start_mark.column + 1 : v->col;
    if (!dup)
        return radx_seterr(c->err, RADX_ERR_PARAM, "%s:%zu:%zu: mapping key is not a plain name", c->file, line, col);
    return radx_seterr(c->err, RADX_ERR_PARAM, "%s:%zu:%zu: duplicate key '%s'", c->file, line, col,
                       key_text(doc, &pairs[bad]));
}

/* A mapping: keys are scalars, each once; each value remembers its key's line. */
static radx_status map_to_pval(yaml_document_t *doc, yaml_node_t *node, pval *v, int depth, lctx *c)
{
    v->k = PV_MAP;
    int n = (int)(node->data.mapping.pairs.top - node->data.mapping.pairs.start);
    radx_status st = check_keys(doc, node, v, c);
    if (st) return st;
    if (n > 0 && (!(v->items = calloc((size_t)n, sizeof *v->items)) || !(v->keys = calloc((size_t)n, sizeof *v->keys))))
        return radx_seterr(c->err, RADX_ERR_NOMEM, "out of memory");
    for (int i = 0; i < n; i++) {
        yaml_node_pair_t *pr = &node->data.mapping.pairs.start[i];
        yaml_node_t *kn = yaml_document_get_node(doc, pr->key);
        v->n = i + 1;
        if (!(v->keys[i] = radx_pstrdup(key_text(doc, pr))))
            return radx_seterr(c->err, RADX_ERR_NOMEM, "out of memory");
        st = node_to_pval(doc, yaml_document_get_node(doc, pr->value), &v->items[i], depth + 1, c);
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

/* The parser's one document into *root. */
static radx_status load_document(yaml_parser_t *ps, const char *path, pval *root, radx_err *err)
{
    yaml_document_t doc;
    if (!yaml_parser_load(ps, &doc)) return yaml_error(ps, path, err);
    yaml_node_t *rn = yaml_document_get_root_node(&doc);
    if (!rn) {
        yaml_document_delete(&doc);
        return radx_seterr(err, RADX_ERR_IO, "%s: parameter file is empty (no YAML document)", path);
    }
    lctx c = {path, 0, 0, err};
    radx_status st = node_to_pval(&doc, rn, root, 0, &c);
    yaml_document_delete(&doc);
    if (!st) st = no_second_document(ps, path, err);
    if (st) radx_pval_free(root);
    return st;
}

/* The limit an event breaks, as a message into err; RADX_OK when none. *depth: collections
 * open before the event (a node's depth, as node_to_pval counts it). */
static radx_status event_limits(const yaml_event_t *ev, int *depth, long *nodes, long *anchors, const char *path,
                                radx_err *err)
{
    const size_t line = ev->start_mark.line + 1, col = ev->start_mark.column + 1;
    const yaml_event_type_t t = ev->type;
    if (t == YAML_SEQUENCE_END_EVENT || t == YAML_MAPPING_END_EVENT) (*depth)--;
    if (t != YAML_SCALAR_EVENT && t != YAML_ALIAS_EVENT && t != YAML_SEQUENCE_START_EVENT &&
        t != YAML_MAPPING_START_EVENT)
        return RADX_OK;
    if ((t == YAML_SCALAR_EVENT && ev->data.scalar.anchor) ||
        (t == YAML_SEQUENCE_START_EVENT && ev->data.sequence_start.anchor) ||
        (t == YAML_MAPPING_START_EVENT && ev->data.mapping_start.anchor))
        if (++*anchors > MAX_ANCHORS)
            return radx_seterr(err, RADX_ERR_PARAM, "%s:%zu:%zu: more than %d anchors (&name)", path, line, col,
                               MAX_ANCHORS);
    if (*depth > MAX_DEPTH)
        return radx_seterr(err, RADX_ERR_PARAM, "%s:%zu:%zu: nesting deeper than %d levels", path, line, col,
                           MAX_DEPTH);
    if (++*nodes > MAX_NODES)
        return radx_seterr(err, RADX_ERR_PARAM, "%s:%zu:%zu: more than %ld values", path, line, col, MAX_NODES);
    if (t == YAML_SEQUENCE_START_EVENT || t == YAML_MAPPING_START_EVENT) (*depth)++;
    return RADX_OK;
}

/* The limits checked on libyaml's events before its document loader runs: the events come as
 * the text is scanned, so a refusal comes after a bounded amount of work, while the loader
 * would first build all of it (and libyaml's scanner takes steps in proportion to the open
 * flow levels at each token, its loader to the anchors at each anchor and alias). */
static radx_status check_events(const unsigned char *text, size_t n, const char *path, radx_err *err)
{
    yaml_parser_t ps;
    if (!yaml_parser_initialize(&ps)) return radx_seterr(err, RADX_ERR_NOMEM, "out of memory");
    yaml_parser_set_input_string(&ps, text, n);
    int depth = 0;
    long nodes = 0, anchors = 0;
    radx_status st = RADX_OK;
    for (int done = 0; !done && !st;) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&ps, &ev)) {
            st = yaml_error(&ps, path, err);
            break;
        }
        done = ev.type == YAML_STREAM_END_EVENT;
        st = event_limits(&ev, &depth, &nodes, &anchors, path, err);
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&ps);
    return st;
}

static radx_status parse_yaml(const unsigned char *text, size_t n, const char *path, pval *root, radx_err *err)
{
    radx_status st = check_events(text, n, path, err);
    if (st) return st;
    yaml_parser_t ps;
    if (!yaml_parser_initialize(&ps)) return radx_seterr(err, RADX_ERR_NOMEM, "out of memory");
    yaml_parser_set_input_string(&ps, text, n);
    st = load_document(&ps, path, root, err);
    yaml_parser_delete(&ps);
    return st;
}

radx_status radx_params_parse_text(const char *text, const char *name, pval *root, radx_err *err)
{
    const size_t n = strlen(text);
    size_t i = 0;
    while (i < n && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r')) i++;
    if (i == n) return radx_seterr(err, RADX_ERR_PARAM, "%s: parameters are empty", name);
    const unsigned char *u = (const unsigned char *)text;
    if (text[i] == '{' && radx_json_parse(u, n, name, root, err) == RADX_OK) return RADX_OK;
    radx_pval_free(root); /* not JSON: YAML (whose flow style also starts with '{') */
    memset(root, 0, sizeof *root);
    return parse_yaml(u, n, name, root, err);
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
    size_t l = strlen(path);
    if (l >= 5 && !strcmp(path + l - 5, ".json"))
        st = radx_json_parse(text, n, path, root, err);
    else
        st = parse_yaml(text, n, path, root, err);
    free(text);
    return st;
}
