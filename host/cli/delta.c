/* SPDX-License-Identifier: BSD-3-Clause */
/* `radx delta`: follow-up minus baseline (or relative to the baseline) for every feature of every
 * ID in both files: the delta-radiomics model's inputs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "csv.h"
#include "output.h"

#define DELTA_MAX_LISTED 20 /* IDs in one file only: how many are named one by one */

/* Feature columns are named <imageType>_<class>_<Feature> (PyRadiomics). */
static int is_feature_name(const char *s)
{
    static const char *const cls[] = {"_firstorder_", "_glcm_",  "_gldm_",  "_glrlm_",
                                      "_glszm_",      "_ngtdm_", "_shape_", "_shape2D_"};
    if (!strncmp(s, "diagnostics_", 12)) return 0;
    const char *u = strchr(s, '_');
    if (!u || u == s) return 0;
    for (size_t i = 0; i < sizeof cls / sizeof cls[0]; i++)
        if (!strncmp(u, cls[i], strlen(cls[i])) && u[strlen(cls[i])]) return 1;
    return 0;
}

/* A data row's ID key and its row number in the file. */
typedef struct keyed {
    char *key;
    int row;
} keyed;

static int cmp_keyed(const void *a, const void *b) { return strcmp(((const keyed *)a)->key, ((const keyed *)b)->key); }

/* A whole field as a number: 0, or -1 when it is empty or not all a number. */
static int parse_num(const char *s, double *v)
{
    if (!s[0]) return -1;
    char *end;
    *v = strtod(s, &end);
    return *end ? -1 : 0;
}

typedef struct delta_opts {
    const char *a_path, *b_path; /* --baseline, --followup */
    const char *ids;             /* --id COLUMN[,COLUMN...] */
    const char *out;             /* -o */
    int relative;                /* --relative */
} delta_opts;

/* One input: the baseline (A) or the follow-up (B). */
typedef struct delta_file {
    const char *path;
    csv_doc doc;
    int *id;        /* its ID columns */
    int *feat;      /* its feature columns, in the baseline's order */
    keyed *keys;    /* one per data row: A's in row order, B's sorted */
    csv_index cols; /* its header, by name */
    int nkeys;
} delta_file;

typedef struct delta {
    delta_opts o;
    delta_file a, b;
    char *idlist;   /* a copy of --id, cut at the commas */
    char **idnames; /* the ID columns' names, in idlist */
    int nid, nf;    /* ID and feature columns */
    sbuf_t out;     /* the output's text */
} delta;

/* Where the value of option a goes; NULL when a takes no value. */
static const char **option_value(delta_opts *o, const char *a)
{
    if (!strcmp(a, "--baseline")) return &o->a_path;
    if (!strcmp(a, "--followup")) return &o->b_path;
    if (!strcmp(a, "--id")) return &o->ids;
    if (!strcmp(a, "-o") || !strcmp(a, "--out")) return &o->out;
    return NULL;
}

/* 0, or the exit status after printing the error. */
static int parse_options(delta_opts *o, int argc, char **argv)
{
    memset(o, 0, sizeof *o);
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        const char **value = option_value(o, a);
        if (value && i + 1 >= argc) {
            fprintf(stderr, "radx delta: option %s needs a value\n", a);
            return 2;
        }
        if (value)
            *value = argv[++i];
        else if (!strcmp(a, "--relative"))
            o->relative = 1;
        else {
            fprintf(stderr, "radx delta: unexpected argument '%s' (see radx --help)\n", a);
            return 2;
        }
    }
    if (!o->a_path || !o->b_path || !o->ids || !o->out) {
        fprintf(stderr, "radx delta: needs --baseline A.csv --followup B.csv --id COLUMN[,COLUMN...] -o DELTA.csv\n");
        return 2;
    }
    return 0;
}

/* A complete file with a header in which no column appears twice.  0, or the exit status after
 * printing the error. */
static int read_input(delta_file *f)
{
    char err[2048];
    if (csv_read_output(f->path, &f->doc, err, sizeof err)) {
        fprintf(stderr, "radx delta: %s\n", err);
        return 3;
    }
    if (f->doc.trailing_partial) {
        fprintf(stderr, "radx delta: %s: its last row is cut off (an interrupted run); finish it first\n", f->path);
        return 3;
    }
    if (f->doc.nrows < 1) {
        fprintf(stderr, "radx delta: %s: empty file (no header)\n", f->path);
        return 3;
    }
    if (csv_index_build(&f->doc.rows[0], &f->cols)) return 7;
    const char *twice = csv_index_repeated(&f->cols);
    if (twice) {
        fprintf(stderr, "radx delta: %s: column '%s' appears twice in the header\n", f->path, twice);
        return 2;
    }
    return 0;
}

/* Both files, each with a header; neither is the output.  0, or the exit status after printing
 * the error. */
static int read_inputs(delta *D)
{
    D->a.path = D->o.a_path;
    D->b.path = D->o.b_path;
    const char *in[2] = {D->a.path, D->b.path};
    int rc = radx_cli_refuse_output_input("delta", D->o.out, in, 2);
    if (!rc) rc = read_input(&D->a);
    if (!rc) rc = read_input(&D->b);
    return rc;
}

/* The --id columns in both files, each named once.  0, or the exit status after printing the
 * error. */
static int find_id_columns(delta *D)
{
    size_t n = 1;
    for (const char *c = D->o.ids; *c; c++) n += *c == ',';
    D->idlist = strdup(D->o.ids);
    D->idnames = malloc(sizeof *D->idnames * n);
    D->a.id = malloc(sizeof *D->a.id * n);
    D->b.id = malloc(sizeof *D->b.id * n);
    if (!D->idlist || !D->idnames || !D->a.id || !D->b.id) return 7;
    for (char *t = strtok(D->idlist, ","); t; t = strtok(NULL, ",")) D->idnames[D->nid++] = t;
    if (!D->nid) {
        fprintf(stderr, "radx delta: --id: no column given\n");
        return 2;
    }
    for (int k = 0; k < D->nid; k++) {
        for (int j = 0; j < k; j++)
            if (!strcmp(D->idnames[j], D->idnames[k])) {
                fprintf(stderr, "radx delta: --id: column '%s' given twice\n", D->idnames[k]);
                return 2;
            }
        D->a.id[k] = csv_index_find(&D->a.cols, D->idnames[k]);
        D->b.id[k] = csv_index_find(&D->b.cols, D->idnames[k]);
        if (D->a.id[k] < 0 || D->b.id[k] < 0) {
            fprintf(stderr, "radx delta: %s: no ID column '%s'\n", D->a.id[k] < 0 ? D->a.path : D->b.path,
                    D->idnames[k]);
            return 2;
        }
    }
    return 0;
}

/* Does every feature column of x appear in y?  Prints the first that does not. */
static int features_within(const delta_file *x, const delta_file *y)
{
    const csv_row *hx = &x->doc.rows[0];
    for (int i = 0; i < hx->n; i++)
        if (is_feature_name(hx->f[i]) && csv_index_find(&y->cols, hx->f[i]) < 0) {
            fprintf(stderr,
                    "radx delta: %s has feature '%s' but %s does not: the two were extracted with different settings\n",
                    x->path, hx->f[i], y->path);
            return 0;
        }
    return 1;
}

/* The feature columns: the baseline's, which the follow-up must have exactly.  0, or the exit
 * status after printing the error. */
static int find_feature_columns(delta *D)
{
    const csv_row *ha = &D->a.doc.rows[0];
    D->a.feat = malloc(sizeof *D->a.feat * (size_t)(ha->n + 1));
    D->b.feat = malloc(sizeof *D->b.feat * (size_t)(ha->n + 1));
    if (!D->a.feat || !D->b.feat) return 7;
    if (!features_within(&D->a, &D->b)) return 2;
    for (int i = 0; i < ha->n; i++) {
        if (!is_feature_name(ha->f[i])) continue;
        D->a.feat[D->nf] = i;
        D->b.feat[D->nf++] = csv_index_find(&D->b.cols, ha->f[i]);
    }
    if (!features_within(&D->b, &D->a)) return 2;
    if (!D->nf) {
        fprintf(stderr, "radx delta: %s: no feature columns (<imageType>_<class>_<Feature>)\n", D->a.path);
        return 2;
    }
    return 0;
}

/* The key a row is found by: its ID columns, joined. */
static char *id_key(const csv_row *r, const int *cols, int n)
{
    sbuf_t b = {0};
    for (int i = 0; i < n; i++) sbuf_field(&b, cols[i] < r->n ? r->f[cols[i]] : "", i == 0);
    if (!b.s) sbuf_add(&b, "", 0);
    return b.s;
}

/* A key per data row of f.  0, or 7 when out of memory. */
static int make_keys(delta_file *f, int nid)
{
    f->keys = calloc((size_t)f->doc.nrows, sizeof *f->keys);
    if (!f->keys) return 7;
    f->nkeys = f->doc.nrows - 1;
    for (int r = 0; r < f->nkeys; r++) {
        f->keys[r].key = id_key(&f->doc.rows[r + 1], f->id, nid);
        f->keys[r].row = r + 1;
    }
    return 0;
}

/* Does an ID appear twice in keys k (sorted)?  Prints the first such ID. */
static int has_duplicate(const keyed *k, int n, const char *path)
{
    for (int r = 1; r < n; r++)
        if (!strcmp(k[r].key, k[r - 1].key)) {
            fprintf(stderr, "radx delta: %s: ID %s appears twice (rows %d and %d)\n", path, k[r].key, k[r - 1].row,
                    k[r].row);
            return 1;
        }
    return 0;
}

/* An ID found in only one file: named, for the first few. */
static void report_only_in(const char *key, const char *path, const char *what, int *count)
{
    if (*count < DELTA_MAX_LISTED) fprintf(stderr, "radx delta: ID %s only in %s (%s)\n", key, path, what);
    (*count)++;
}

static void report_only_in_total(int count, const char *path)
{
    if (count > DELTA_MAX_LISTED) fprintf(stderr, "radx delta: ... %d IDs only in %s in all\n", count, path);
}

/* Keys for both files' rows; IDs must be unique in each file; the follow-up's IDs missing from
 * the baseline are listed.  0, or the exit status after printing the error. */
static int index_ids(delta *D)
{
    if (make_keys(&D->a, D->nid) || make_keys(&D->b, D->nid)) return 7;
    qsort(D->b.keys, (size_t)D->b.nkeys, sizeof *D->b.keys, cmp_keyed);
    if (has_duplicate(D->b.keys, D->b.nkeys, D->b.path)) return 2;
    int na = D->a.nkeys;
    keyed *sa = malloc(sizeof *sa * (size_t)(na + 1)); /* the baseline's keys, sorted */
    if (!sa) return 7;
    memcpy(sa, D->a.keys, sizeof *sa * (size_t)na);
    qsort(sa, (size_t)na, sizeof *sa, cmp_keyed);
    int rc = has_duplicate(sa, na, D->a.path) ? 2 : 0, only_b = 0;
    for (int r = 0; r < D->b.nkeys && !rc; r++)
        if (!bsearch(&D->b.keys[r], sa, (size_t)na, sizeof *sa, cmp_keyed))
            report_only_in(D->b.keys[r].key, D->b.path, "follow-up", &only_b);
    report_only_in_total(only_b, D->b.path);
    free(sa);
    return rc;
}

/* One output row: the IDs, then each feature's difference (empty where either is no number). */
static void delta_row(delta *D, const csv_row *ra, const csv_row *rb)
{
    const int *ida = D->a.id, *fa = D->a.feat, *fb = D->b.feat;
    for (int k = 0; k < D->nid; k++) sbuf_field(&D->out, ida[k] < ra->n ? ra->f[ida[k]] : "", k == 0);
    for (int f = 0; f < D->nf; f++) {
        double x, y;
        char num[40] = "";
        const char *sa = fa[f] < ra->n ? ra->f[fa[f]] : "", *sb = fb[f] < rb->n ? rb->f[fb[f]] : "";
        if (!parse_num(sa, &x) && !parse_num(sb, &y)) {
            double d = D->o.relative ? (y - x) / x : y - x;
            radx_format_number(d, num, sizeof num);
        }
        sbuf_field(&D->out, num, 0);
    }
    sbuf_endrow(&D->out);
}

/* The output's text: a header, then a row per baseline ID also in the follow-up, in the
 * baseline's order; baseline IDs missing from the follow-up are listed.  Returns the rows. */
static int delta_rows(delta *D)
{
    const csv_row *ha = &D->a.doc.rows[0];
    for (int k = 0; k < D->nid; k++) sbuf_field(&D->out, D->idnames[k], k == 0);
    for (int f = 0; f < D->nf; f++) sbuf_field(&D->out, ha->f[D->a.feat[f]], 0);
    sbuf_endrow(&D->out);
    int paired = 0, only_a = 0;
    for (int r = 0; r < D->a.nkeys; r++) {
        const keyed *ka = &D->a.keys[r];
        const keyed *m = bsearch(ka, D->b.keys, (size_t)D->b.nkeys, sizeof *D->b.keys, cmp_keyed);
        if (!m) {
            report_only_in(ka->key, D->a.path, "baseline", &only_a);
            continue;
        }
        delta_row(D, &D->a.doc.rows[ka->row], &D->b.doc.rows[m->row]);
        paired++;
    }
    report_only_in_total(only_a, D->a.path);
    return paired;
}

static void delta_file_free(delta_file *f)
{
    for (int r = 0; f->keys && r < f->nkeys; r++) free(f->keys[r].key);
    free(f->keys);
    free(f->feat);
    free(f->id);
    csv_index_free(&f->cols);
    csv_doc_free(&f->doc);
}

int radx_cmd_delta(int argc, char **argv)
{
    delta D;
    memset(&D, 0, sizeof D);
    int rc = parse_options(&D.o, argc, argv);
    if (rc) return rc;
    rc = read_inputs(&D);
    if (!rc) rc = find_id_columns(&D);
    if (!rc) rc = find_feature_columns(&D);
    if (!rc) rc = index_ids(&D);
    if (rc == 7) fprintf(stderr, "radx delta: out of memory\n");
    if (!rc) {
        char err[2048];
        int paired = delta_rows(&D);
        if ((rc = radx_cli_write_atomic(D.o.out, D.out.s, D.out.n, err, sizeof err)) != 0) {
            fprintf(stderr, "radx delta: %s\n", err);
        } else {
            fprintf(stderr, "radx delta: %d ID(s) in both files, %d feature(s), written to %s\n", paired, D.nf,
                    D.o.out);
        }
    }
    delta_file_free(&D.a);
    delta_file_free(&D.b);
    free(D.idlist);
    free(D.idnames);
    sbuf_free(&D.out);
    return rc;
}
