/* SPDX-License-Identifier: BSD-3-Clause */
/* `radx merge` (join shard outputs) and `radx delta` (follow-up minus baseline per feature, the
 * delta-radiomics model's inputs). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#include "csv.h"

/* Writes buf to path atomically (temporary file beside it, fsync, rename). */
static int write_atomic(const char *path, const char *buf, size_t n, char *err, size_t errlen)
{
    size_t l = strlen(path) + 16;
    char *tmp = malloc(l);
    if (!tmp) { snprintf(err, errlen, "%s: out of memory", path); return -1; }
    snprintf(tmp, l, "%s.tmpXXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
        free(tmp);
        return -1;
    }
    size_t off = 0;
    int bad = 0;
    while (off < n) {
        ssize_t w = write(fd, buf + off, n - off);
        if (w < 0) {
            if (errno == EINTR) continue;
            bad = 1;
            break;
        }
        off += (size_t)w;
    }
    if (!bad) bad = fsync(fd) != 0;
    if (close(fd) != 0) bad = 1;
    if (!bad) bad = rename(tmp, path) != 0;
    if (bad) {
        snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
        unlink(tmp);
    }
    free(tmp);
    return bad ? -1 : 0;
}

/* Feature columns are named <imageType>_<class>_<Feature> (PyRadiomics). */
static int is_feature_name(const char *s)
{
    static const char *const cls[] = {"_firstorder_", "_glcm_", "_gldm_", "_glrlm_", "_glszm_", "_ngtdm_",
                                      "_shape_", "_shape2D_"};
    if (!strncmp(s, "diagnostics_", 12)) return 0;
    const char *u = strchr(s, '_');
    if (!u || u == s) return 0;
    for (size_t i = 0; i < sizeof cls / sizeof cls[0]; i++)
        if (!strncmp(u, cls[i], strlen(cls[i])) && u[strlen(cls[i])]) return 1;
    return 0;
}

int radx_cmd_merge(int argc, char **argv)
{
    const char *out = NULL;
    const char *in[4096];
    int nin = 0;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "-o") || !strcmp(argv[i], "--out")) {
            if (i + 1 >= argc) { fprintf(stderr, "radx merge: option -o needs a value\n"); return 2; }
            out = argv[++i];
        } else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "radx merge: unknown option '%s'\n", argv[i]);
            return 2;
        } else if (nin < 4096) {
            in[nin++] = argv[i];
        }
    }
    if (!out || nin < 1) { fprintf(stderr, "radx merge: needs INPUT.csv ... and -o OUT.csv\n"); return 2; }
    char err[2048];
    sbuf_t b = {0};
    csv_doc first;
    memset(&first, 0, sizeof first);
    int rc = 0, nrows = 0;
    for (int k = 0; k < nin && !rc; k++) {
        csv_doc d;
        if (csv_read_file(in[k], &d, err, sizeof err)) { fprintf(stderr, "radx merge: %s\n", err); rc = 3; break; }
        if (d.trailing_partial) {
            fprintf(stderr, "radx merge: %s: its last row is cut off (an interrupted run); finish it with radx batch --resume first\n", in[k]);
            csv_doc_free(&d);
            rc = 3;
            break;
        }
        if (d.nrows < 1) { /* a shard whose cases all failed writes no header */
            fprintf(stderr, "radx merge: %s: empty (no case of that run succeeded), skipped\n", in[k]);
            csv_doc_free(&d);
            continue;
        }
        if (!first.nrows) {
            for (int i = 0; i < d.rows[0].n; i++) sbuf_field(&b, d.rows[0].f[i], i == 0);
            sbuf_endrow(&b);
        } else {
            const csv_row *h0 = &first.rows[0], *h = &d.rows[0];
            const char *first_path = in[0];
            (void)first_path;
            int same = h0->n == h->n;
            int at = -1;
            for (int i = 0; same && i < h->n; i++)
                if (strcmp(h0->f[i], h->f[i])) { same = 0; at = i; }
            if (!same) {
                fprintf(stderr, "radx merge: %s: header differs from the first file's (%s%s); only outputs of the same settings and cohort columns can be merged\n",
                        in[k], at >= 0 ? "column " : "different number of columns", at >= 0 ? h->f[at] : "");
                csv_doc_free(&d);
                rc = 2;
                break;
            }
        }
        for (int r = 1; r < d.nrows; r++) {
            for (int i = 0; i < d.rows[r].n; i++) sbuf_field(&b, d.rows[r].f[i], i == 0);
            sbuf_endrow(&b);
            nrows++;
        }
        if (!first.nrows) first = d;
        else csv_doc_free(&d);
    }
    if (!rc && !first.nrows) { fprintf(stderr, "radx merge: no input has any rows\n"); rc = 3; }
    if (!rc && write_atomic(out, b.s, b.n, err, sizeof err)) { fprintf(stderr, "radx merge: %s\n", err); rc = 9; }
    if (!rc) fprintf(stderr, "radx merge: %d row(s) from %d file(s) written to %s\n", nrows, nin, out);
    csv_doc_free(&first);
    sbuf_free(&b);
    return rc;
}

typedef struct keyed {
    char *key;
    int row;
} keyed;

static int cmp_keyed(const void *a, const void *b) { return strcmp(((const keyed *)a)->key, ((const keyed *)b)->key); }

static char *id_key(const csv_row *r, const int *cols, int n)
{
    sbuf_t b = {0};
    for (int i = 0; i < n; i++) sbuf_field(&b, cols[i] < r->n ? r->f[cols[i]] : "", i == 0);
    if (!b.s) sbuf_add(&b, "", 0);
    return b.s;
}

static int parse_num(const char *s, double *v)
{
    if (!s[0]) return -1;
    char *end;
    *v = strtod(s, &end);
    return *end ? -1 : 0;
}

int radx_cmd_delta(int argc, char **argv)
{
    const char *a_path = NULL, *b_path = NULL, *ids = NULL, *out = NULL;
    int relative = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
#define NEED()                                                                                     \
    if (i + 1 >= argc) {                                                                           \
        fprintf(stderr, "radx delta: option %s needs a value\n", a);                              \
        return 2;                                                                                  \
    }
        if (!strcmp(a, "--baseline")) { NEED(); a_path = argv[++i]; }
        else if (!strcmp(a, "--followup")) { NEED(); b_path = argv[++i]; }
        else if (!strcmp(a, "--id")) { NEED(); ids = argv[++i]; }
        else if (!strcmp(a, "-o") || !strcmp(a, "--out")) { NEED(); out = argv[++i]; }
        else if (!strcmp(a, "--relative")) relative = 1;
        else { fprintf(stderr, "radx delta: unexpected argument '%s' (see radx --help)\n", a); return 2; }
#undef NEED
    }
    if (!a_path || !b_path || !ids || !out) {
        fprintf(stderr, "radx delta: needs --baseline A.csv --followup B.csv --id COLUMN[,COLUMN...] -o DELTA.csv\n");
        return 2;
    }
    char err[2048];
    csv_doc A, Bd;
    memset(&A, 0, sizeof A);
    memset(&Bd, 0, sizeof Bd);
    if (csv_read_file(a_path, &A, err, sizeof err)) { fprintf(stderr, "radx delta: %s\n", err); return 3; }
    if (csv_read_file(b_path, &Bd, err, sizeof err)) { fprintf(stderr, "radx delta: %s\n", err); csv_doc_free(&A); return 3; }
    int rc = 0;
    char *idlist = strdup(ids);
    char *idnames[64];
    int nid = 0;
    int ida[64], idb[64];
    int *fa = NULL, *fb = NULL, nf = 0;
    keyed *ka = NULL, *kb = NULL;
    sbuf_t o = {0};
    const csv_doc *docs[2] = {&A, &Bd};
    const char *paths[2] = {a_path, b_path};
    for (int d = 0; d < 2; d++)
        if (docs[d]->nrows < 1) { fprintf(stderr, "radx delta: %s: empty file (no header)\n", paths[d]); rc = 3; goto out; }
    for (char *t = strtok(idlist, ","); t && nid < 64; t = strtok(NULL, ",")) idnames[nid++] = t;
    if (!nid) { fprintf(stderr, "radx delta: --id: no column given\n"); rc = 2; goto out; }
    for (int k = 0; k < nid; k++) {
        ida[k] = csv_col(&A.rows[0], idnames[k]);
        idb[k] = csv_col(&Bd.rows[0], idnames[k]);
        if (ida[k] < 0 || idb[k] < 0) {
            fprintf(stderr, "radx delta: %s: no ID column '%s'\n", ida[k] < 0 ? a_path : b_path, idnames[k]);
            rc = 2;
            goto out;
        }
    }
    /* feature columns: the baseline's, which the follow-up must have exactly */
    const csv_row *ha = &A.rows[0], *hb = &Bd.rows[0];
    fa = malloc(sizeof *fa * (size_t)(ha->n + 1));
    fb = malloc(sizeof *fb * (size_t)(ha->n + 1));
    if (!fa || !fb) { rc = 7; goto out; }
    for (int i = 0; i < ha->n; i++) {
        if (!is_feature_name(ha->f[i])) continue;
        int j = csv_col(hb, ha->f[i]);
        if (j < 0) {
            fprintf(stderr, "radx delta: %s has feature '%s' but %s does not: the two were extracted with different settings\n",
                    a_path, ha->f[i], b_path);
            rc = 2;
            goto out;
        }
        fa[nf] = i;
        fb[nf++] = j;
    }
    for (int j = 0; j < hb->n; j++)
        if (is_feature_name(hb->f[j]) && csv_col(ha, hb->f[j]) < 0) {
            fprintf(stderr, "radx delta: %s has feature '%s' but %s does not: the two were extracted with different settings\n",
                    b_path, hb->f[j], a_path);
            rc = 2;
            goto out;
        }
    if (!nf) { fprintf(stderr, "radx delta: %s: no feature columns (<imageType>_<class>_<Feature>)\n", a_path); rc = 2; goto out; }
    /* index the follow-up by ID; IDs must be unique in each file */
    int na = A.nrows - 1, nb = Bd.nrows - 1;
    ka = calloc((size_t)(na + 1), sizeof *ka);
    kb = calloc((size_t)(nb + 1), sizeof *kb);
    if (!ka || !kb) { rc = 7; goto out; }
    for (int r = 0; r < na; r++) { ka[r].key = id_key(&A.rows[r + 1], ida, nid); ka[r].row = r + 1; }
    for (int r = 0; r < nb; r++) { kb[r].key = id_key(&Bd.rows[r + 1], idb, nid); kb[r].row = r + 1; }
    qsort(kb, (size_t)nb, sizeof *kb, cmp_keyed);
    for (int r = 1; r < nb; r++)
        if (!strcmp(kb[r].key, kb[r - 1].key)) {
            fprintf(stderr, "radx delta: %s: ID %s appears twice (rows %d and %d)\n", b_path, kb[r].key, kb[r - 1].row, kb[r].row);
            rc = 2;
            goto out;
        }
    {
        keyed *sa = malloc(sizeof *sa * (size_t)(na + 1));
        if (!sa) { rc = 7; goto out; }
        memcpy(sa, ka, sizeof *sa * (size_t)na);
        qsort(sa, (size_t)na, sizeof *sa, cmp_keyed);
        for (int r = 1; r < na; r++)
            if (!strcmp(sa[r].key, sa[r - 1].key)) {
                fprintf(stderr, "radx delta: %s: ID %s appears twice (rows %d and %d)\n", a_path, sa[r].key, sa[r - 1].row, sa[r].row);
                rc = 2;
                break;
            }
        /* IDs in only one file */
        int only_b = 0;
        for (int r = 0; r < nb && !rc; r++)
            if (!bsearch(&kb[r], sa, (size_t)na, sizeof *sa, cmp_keyed)) {
                if (only_b < 20) fprintf(stderr, "radx delta: ID %s only in %s (follow-up)\n", kb[r].key, b_path);
                only_b++;
            }
        if (only_b > 20) fprintf(stderr, "radx delta: ... %d IDs only in %s in all\n", only_b, b_path);
        free(sa);
        if (rc) goto out;
    }
    /* header */
    for (int k = 0; k < nid; k++) sbuf_field(&o, idnames[k], k == 0);
    for (int f = 0; f < nf; f++) sbuf_field(&o, ha->f[fa[f]], 0);
    sbuf_endrow(&o);
    int paired = 0, only_a = 0;
    for (int r = 0; r < na; r++) {
        keyed *m = bsearch(&ka[r], kb, (size_t)nb, sizeof *kb, cmp_keyed);
        if (!m) {
            if (only_a < 20) fprintf(stderr, "radx delta: ID %s only in %s (baseline)\n", ka[r].key, a_path);
            only_a++;
            continue;
        }
        const csv_row *ra = &A.rows[ka[r].row], *rb = &Bd.rows[m->row];
        for (int k = 0; k < nid; k++) sbuf_field(&o, ida[k] < ra->n ? ra->f[ida[k]] : "", k == 0);
        for (int f = 0; f < nf; f++) {
            double x, y;
            char num[40] = "";
            const char *sa = fa[f] < ra->n ? ra->f[fa[f]] : "", *sb = fb[f] < rb->n ? rb->f[fb[f]] : "";
            if (!parse_num(sa, &x) && !parse_num(sb, &y)) {
                double d = relative ? (y - x) / x : y - x;
                radx_format_number(d, num, sizeof num);
            }
            sbuf_field(&o, num, 0);
        }
        sbuf_endrow(&o);
        paired++;
    }
    if (only_a > 20) fprintf(stderr, "radx delta: ... %d IDs only in %s in all\n", only_a, a_path);
    if (write_atomic(out, o.s, o.n, err, sizeof err)) { fprintf(stderr, "radx delta: %s\n", err); rc = 9; goto out; }
    fprintf(stderr, "radx delta: %d ID(s) in both files, %d feature(s), written to %s\n", paired, nf, out);
out:
    if (ka) for (int r = 0; r < A.nrows - 1; r++) free(ka[r].key);
    if (kb) for (int r = 0; r < Bd.nrows - 1; r++) free(kb[r].key);
    free(ka);
    free(kb);
    free(fa);
    free(fb);
    free(idlist);
    sbuf_free(&o);
    csv_doc_free(&A);
    csv_doc_free(&Bd);
    return rc;
}
