/* SPDX-License-Identifier: BSD-3-Clause */
/* Cohort commands through the CLI: `radx batch` with good and bad rows (pass-through columns,
 * relative paths, errors file, exit status), rows equal to `radx extract` of the same case,
 * resume after a cut-off row and after kill -9, refusal to overwrite or to mix settings, shards
 * that partition the cohort exactly, `radx merge`, and `radx delta` against hand-computed
 * differences; and the hostile cases: two runs on one output (locked), a row cut inside a quoted
 * field, a write error under a file-size limit, a cohort listing a case three times, an errors
 * file that cannot be made, merging 5000 inputs or one given twice, delta on a cut-off or
 * ambiguous file and with 70 ID columns. */
#include <signal.h>
#include <stdarg.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "csv_read.h"
#include "radx_test.h"

static char dir[256];

static int run(const char *fmt, ...)
{
    char cmd[8192], full[8704];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    snprintf(full, sizeof full, "cd %s && %s", dir, cmd);
    return radx_test_run(full);
}

static void put(const char *name, const char *text)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    radx_test_write_text(p, text);
}

static int load(const char *name, csv_table *t)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return csv_load(p, ',', t);
}

static char *slurp(const char *name)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return radx_test_slurp(p, NULL);
}

/* rows 1.. of a table as joined strings, sorted: for set comparisons */
static int cmpstr(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }
static char **row_set(const csv_table *t, int *n)
{
    char **s = malloc(sizeof *s * (size_t)(t->nrows + 1));
    *n = 0;
    for (int r = 1; r < t->nrows; r++) {
        size_t len = 1;
        for (int c = 0; c < t->len[r]; c++) len += strlen(t->cell[r][c]) + 1;
        char *j = calloc(len, 1);
        for (int c = 0; c < t->len[r]; c++) {
            strcat(j, t->cell[r][c]);
            strcat(j, "\x1f");
        }
        s[(*n)++] = j;
    }
    qsort(s, (size_t)*n, sizeof *s, cmpstr);
    return s;
}

static int same_rows(const csv_table *a, const csv_table *b)
{
    int na, nb, same;
    char **x = row_set(a, &na), **y = row_set(b, &nb);
    same = na == nb;
    for (int i = 0; same && i < na; i++) same = strcmp(x[i], y[i]) == 0;
    for (int i = 0; i < na; i++) free(x[i]);
    for (int i = 0; i < nb; i++) free(y[i]);
    free(x);
    free(y);
    return same;
}

static int lines_in(const char *name)
{
    char *b = slurp(name);
    int n = 0;
    for (char *c = b; c && *c; c++) n += *c == '\n';
    free(b);
    return n;
}

static pid_t start(const char *cmd) { return radx_test_start(dir, cmd, -1, 0); }

static int finish(pid_t pid) { return radx_test_wait(pid); }

/* run() under a file-size limit of `bytes`. */
static int run_fsize(long bytes, const char *cmd)
{
    return radx_test_wait(radx_test_start(dir, cmd, RLIMIT_FSIZE, bytes));
}

/* Lines of a file that contain `what`. */
static int count_lines_with(const char *name, const char *what)
{
    char *b = slurp(name);
    int n = 0;
    for (char *l = b; l && *l;) {
        char *nl = strchr(l, '\n');
        if (nl) *nl = 0;
        n += strstr(l, what) != NULL;
        l = nl ? nl + 1 : l + strlen(l);
    }
    free(b);
    return n;
}

/* Lines of an error file besides the "using the ... backend" note. */
static int error_lines(const char *name) { return lines_in(name) - count_lines_with(name, "radx: using the "); }

static int exists(const char *name)
{
    char p[600];
    struct stat sb;
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return stat(p, &sb) == 0;
}

/* Two batch runs on one output: the second refuses (OUT locked, and OUT.errors.csv locked when the
 * second run names it through another OUT); the first one's file holds each row once. */
static void check_lock(void)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s batch sub/big.csv -o locked.csv -j 1 2>/dev/null", RADX_CLI);
    pid_t first = start(cmd);
    for (int t = 0; t < 2000 && !exists("locked.csv"); t++) usleep(2000);
    int rc = run("%s batch sub/big.csv -o locked.csv --resume 2>lock.err", RADX_CLI);
    int rc2 = run("%s batch sub/big.csv -o locked --resume 2>lock2.err", RADX_CLI);
    int rc1 = finish(first);
    CHECK(rc == 9 && error_lines("lock.err") == 1 && count_lines_with("lock.err", "another radx batch") == 1,
          "a second batch on a locked OUT: exit %d, want 9 and one line", rc);
    CHECK(rc2 == 9 && count_lines_with("lock2.err", "locked.errors.csv") == 1,
          "a second batch on a locked OUT.errors.csv: exit %d", rc2);
    CHECK(rc1 == 0 && lines_in("locked.csv") == 25 && count_lines_with("locked.csv", "Patient,") == 1,
          "the first run: exit %d, %d lines, header once", rc1, lines_in("locked.csv"));
    CHECK(!exists("locked"), "the refused run left its output behind");
    printf("lock: second run exit %d: ", rc);
    char *m = slurp("lock.err");
    printf("%s", m ? m : "");
    free(m);
}

/* --resume after a cut inside a quoted field. */
static void check_cut_rows(const csv_table *full)
{
    char *f = slurp("full.csv");
    char *q = f ? strstr(f, "\"P5, with") : NULL;
    CHECK(q != NULL, "full.csv has the quoted field");
    if (!q) return;
    char p[600];
    snprintf(p, sizeof p, "%s/quoted.csv", dir);
    radx_test_write(p, f, (size_t)(q - f) + 5);
    free(f);
    int rc = run("%s batch sub/cohort.csv -o quoted.csv --resume 2>quoted.err", RADX_CLI);
    csv_table t;
    load("quoted.csv", &t);
    CHECK(rc == 1 && same_rows(&t, full), "resume after a row cut inside a quoted field: exit %d", rc);
    csv_free(&t);
}

/* A write error under a file-size limit: one line naming the file, exit 9 (not a signal), and a
 * clean resume afterwards. */
static void check_fsize(void)
{
    int rc;
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s batch sub/big.csv -o fsize.csv -j 1 2>fsize.err", RADX_CLI);
    rc = run_fsize(40000, cmd);
    CHECK(rc == 9 && count_lines_with("fsize.err", "fsize.csv: cannot write") == 1,
          "a file-size limit: exit %d (want 9, not a signal), one line naming the file", rc);
    char *m = slurp("fsize.err");
    printf("file-size limit during batch: exit %d: %s", rc, m ? m : "(nothing)\n");
    free(m);
    rc = run("%s batch sub/big.csv -o fsize.csv --resume -j 2 2>/dev/null", RADX_CLI);
    csv_table a, b;
    load("clean.csv", &a);
    load("fsize.csv", &b);
    CHECK(rc == 0 && same_rows(&a, &b), "resume after the write error: exit %d, rows equal a clean run", rc);
    csv_free(&a);
    csv_free(&b);
}

/* A cohort listing a case three times: three rows, also after a resume. */
static void check_repeated_rows(void)
{
    put("sub/rep.csv", "Patient,Image,Mask\n"
                       "R,img/brain1_image.nrrd,img/brain1_label.nrrd\n"
                       "R,img/brain1_image.nrrd,img/brain1_label.nrrd\n"
                       "S,img/breast1_image.nrrd,img/breast1_label.nrrd\n"
                       "R,img/brain1_image.nrrd,img/brain1_label.nrrd\n");
    int rc = run("%s batch sub/rep.csv -o rep.csv 2>/dev/null && head -n 2 rep.csv > rep2.csv", RADX_CLI);
    CHECK(rc == 0 && count_lines_with("rep.csv", "R,img/") == 3, "a row listed three times: %d rows",
          count_lines_with("rep.csv", "R,img/"));
    rc = run("%s batch sub/rep.csv -o rep2.csv --resume 2>/dev/null", RADX_CLI);
    CHECK(rc == 0 && count_lines_with("rep2.csv", "R,img/") == 3 && lines_in("rep2.csv") == 5,
          "resumed after one of three: exit %d, %d R rows, %d lines", rc, count_lines_with("rep2.csv", "R,img/"),
          lines_in("rep2.csv"));
    rc = run("%s merge rep.csv -o rep_merged.csv 2>/dev/null", RADX_CLI);
    CHECK(rc == 0 && count_lines_with("rep_merged.csv", "R,img/") == 3, "merge keeps a cohort's repeated rows");
}

/* An errors file that cannot be made refuses the run before any case is computed. */
static void check_errors_file(void)
{
    run("mkdir -p noerr.errors.csv");
    int rc = run("%s batch sub/cohort.csv -o noerr.csv 2>noerr.err", RADX_CLI);
    CHECK(rc == 9 && error_lines("noerr.err") == 1 && count_lines_with("noerr.err", "noerr.errors.csv") == 1,
          "an errors file that cannot be made: exit %d, one line naming it", rc);
    CHECK(!exists("noerr.csv"), "the refused run left OUT behind");
}

/* merge: 5000 inputs; an input given twice, by another name or as a copy. */
static void check_merge_inputs(void)
{
    run("mkdir -p many && cd many && i=0; while [ $i -lt 5000 ]; do printf 'ID,x\\n%%d,1\\n' $i > s$i.csv; "
        "i=$((i+1)); done");
    int rc = run("%s merge many/*.csv -o many_all.csv 2>/dev/null", RADX_CLI);
    CHECK(rc == 0 && lines_in("many_all.csv") == 5001, "merge of 5000 inputs: exit %d, %d lines", rc,
          lines_in("many_all.csv"));
    run("cp shard1.csv shard1_copy.csv && ln -sf shard1.csv shard1_link.csv");
    rc = run("%s merge shard1.csv shard2.csv shard1.csv -o dup.csv 2>dup.err", RADX_CLI);
    CHECK(rc == 2 && error_lines("dup.err") == 1 && !exists("dup.csv"), "the same shard twice: exit %d", rc);
    rc = run("%s merge shard1.csv shard2.csv shard1_link.csv -o dup.csv 2>dup.err", RADX_CLI);
    CHECK(rc == 2 && !exists("dup.csv"), "a shard and a link to it: exit %d", rc);
    rc = run("%s merge shard1_copy.csv shard2.csv shard1.csv -o dup.csv 2>dup.err", RADX_CLI);
    CHECK(rc == 2 && count_lines_with("dup.err", "already in") == 1 && !exists("dup.csv"), "a copy of a shard: exit %d",
          rc);
    rc = run("%s merge merged.csv shard2.csv -o dup.csv 2>dup.err", RADX_CLI);
    CHECK(rc == 2 && !exists("dup.csv"), "a shard beside the merged file holding it: exit %d", rc);
    rc = run("%s merge shard1.csv shard2.csv -o shard2.csv 2>dup.err", RADX_CLI);
    CHECK(rc == 2 && lines_in("shard2.csv") == 9, "merge -o one of its inputs: exit %d, the input unchanged", rc);
}

/* delta: a cut-off row, a column twice, an --id twice, 70 ID columns. */
static void check_delta_inputs(void)
{
    run("head -c -3 b.csv > b_cut.csv");
    int rc = run("%s delta --baseline a.csv --followup b_cut.csv --id Patient -o dc.csv 2>dc.err", RADX_CLI);
    CHECK(rc == 3 && count_lines_with("dc.err", "b_cut.csv") == 1 && !exists("dc.csv"), "delta on a cut-off row: %d",
          rc);
    put("a2.csv", "Patient,original_firstorder_Mean,original_firstorder_Mean\nP1,1,2\n");
    rc = run("%s delta --baseline a2.csv --followup b.csv --id Patient -o dc.csv 2>dc.err", RADX_CLI);
    CHECK(rc == 2 && count_lines_with("dc.err", "original_firstorder_Mean") == 1, "a feature column twice: %d", rc);
    rc = run("%s delta --baseline a.csv --followup b.csv --id Patient,Patient -o dc.csv 2>dc.err", RADX_CLI);
    CHECK(rc == 2 && count_lines_with("dc.err", "Patient") == 1, "--id naming a column twice: %d", rc);
    rc = run("%s delta --baseline a.csv --followup b.csv --id Patient -o a.csv 2>dc.err", RADX_CLI);
    CHECK(rc == 2 && lines_in("a.csv") == 4, "delta -o the baseline: exit %d, the baseline unchanged", rc);
    char hdr[4096] = "", row[4096] = "", ids[4096] = "";
    for (int i = 0; i < 70; i++) {
        snprintf(hdr + strlen(hdr), sizeof hdr - strlen(hdr), "I%d,", i);
        snprintf(row + strlen(row), sizeof row - strlen(row), "v%d,", i);
        snprintf(ids + strlen(ids), sizeof ids - strlen(ids), "%sI%d", i ? "," : "", i);
    }
    char text[9000];
    snprintf(text, sizeof text, "%soriginal_firstorder_Mean\n%s1\n", hdr, row);
    put("w1.csv", text);
    snprintf(text, sizeof text, "%soriginal_firstorder_Mean\n%s3.5\n", hdr, row);
    put("w2.csv", text);
    rc = run("%s delta --baseline w1.csv --followup w2.csv --id %s -o w.csv 2>/dev/null", RADX_CLI, ids);
    csv_table w;
    CHECK(rc == 0 && load("w.csv", &w) == 0 && w.nrows == 2 && w.len[0] == 71 && !strcmp(csv_get(&w, 1, 70), "2.5"),
          "70 ID columns: exit %d", rc);
    if (rc == 0) csv_free(&w);
    /* 300 000 feature columns: lookups by name, not pairwise (a hang guard, not a timing) */
    run("awk 'BEGIN { printf \"ID\"; for (i = 0; i < 300000; i++) printf \",original_firstorder_F%%d\", i; "
        "printf \"\\nP1\"; for (i = 0; i < 300000; i++) printf \",%%d\", i; print \"\" }' > wide.csv");
    run("cp wide.csv wide2.csv");
    rc = run("timeout -s KILL 60 %s delta --baseline wide.csv --followup wide2.csv --id ID -o wide_d.csv 2>/dev/null",
             RADX_CLI);
    CHECK(rc == 0 && lines_in("wide_d.csv") == 2, "delta with 300 000 feature columns: exit %d", rc);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/radx_cohort_XXXXXX");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    const char *D = RADX_SOURCE_DIR "/data/pyradiomics";
    /* a cohort in a subfolder with relative paths to copies of the cases */
    run("mkdir -p sub/img && cp %s/breast1_image.nrrd %s/breast1_label.nrrd %s/brain1_image.nrrd %s/brain1_label.nrrd "
        "sub/img/",
        D, D, D, D);
    put("sub/cohort.csv", "Patient,Timepoint,Image,Mask,Label\n"
                          "P1,base,img/brain1_image.nrrd,img/brain1_label.nrrd,1\n"
                          "P2,base,img/breast1_image.nrrd,img/breast1_label.nrrd,\n"
                          "P3,base,img/missing.nrrd,img/breast1_label.nrrd,\n"
                          "P4,base,img/breast1_image.nrrd,img/breast1_label.nrrd,2\n"
                          "\"P5, with comma\",base,img/breast1_image.nrrd,img/breast1_label.nrrd,1\n"
                          "P6,base,img/brain1_image.nrrd,img/breast1_label.nrrd,1\n");

    /* 1. good and bad rows, two cases in flight */
    int rc = run("%s batch sub/cohort.csv -o out.csv -j 2 2>batch.err", RADX_CLI);
    CHECK(rc == 1, "batch with failed rows: exit %d, want 1", rc);
    csv_table out, errs;
    CHECK(load("out.csv", &out) == 0, "out.csv missing");
    CHECK(out.nrows == 4, "out.csv: %d lines, want header + 3 rows", out.nrows);
    CHECK(!strcmp(csv_get(&out, 0, 0), "Patient") && !strcmp(csv_get(&out, 0, 4), "Label") &&
              !strncmp(csv_get(&out, 0, 5), "diagnostics_", 12),
          "out.csv header: cohort columns, then diagnostics");
    CHECK(!strcmp(csv_get(&out, 1, 0), "P1") && !strcmp(csv_get(&out, 2, 0), "P2") &&
              !strcmp(csv_get(&out, 3, 0), "P5, with comma"),
          "rows in cohort order with pass-through columns");
    CHECK(load("out.errors.csv", &errs) == 0 && errs.nrows == 4, "errors file: header + 3 failed rows");
    CHECK(!strcmp(csv_get(&errs, 1, 0), "3") && strstr(csv_get(&errs, 1, 6), "missing.nrrd"), "row 3: missing file");
    CHECK(!strcmp(csv_get(&errs, 2, 0), "4") && strstr(csv_get(&errs, 2, 6), "label 2"), "row 4: absent label");
    CHECK(!strcmp(csv_get(&errs, 3, 0), "6") && strstr(csv_get(&errs, 3, 6), "differs"), "row 6: geometry");
    char *be = slurp("batch.err");
    CHECK(be && strstr(be, "row 3 (Patient=P3") && strstr(be, "3 failed"), "stderr names failed rows: %s",
          be ? be : "");
    free(be);

    /* 2. a row equals `radx extract` of the same case */
    rc =
        run("%s extract sub/img/breast1_image.nrrd sub/img/breast1_label.nrrd -f csv -o one.csv 2>/dev/null", RADX_CLI);
    csv_table one;
    CHECK(rc == 0 && load("one.csv", &one) == 0, "extract");
    int ndiff = 0, ncmp = 0;
    for (int c = 0; c < one.len[0]; c++) {
        int oc = -1;
        for (int k = 0; k < out.len[0]; k++)
            if (!strcmp(csv_get(&out, 0, k), csv_get(&one, 0, c))) oc = k;
        if (oc < 0) {
            ndiff++;
            continue;
        }
        ncmp++;
        if (strcmp(csv_get(&out, 2, oc), csv_get(&one, 1, c))) ndiff++;
    }
    CHECK(ndiff == 0 && ncmp == one.len[0], "batch row P2 differs from radx extract in %d of %d columns", ndiff, ncmp);
    printf("batch row == extract: %d columns compared, %d differ\n", ncmp, ndiff);

    /* 3. never overwrite; resume after a cut-off last row */
    rc = run("%s batch sub/cohort.csv -o out.csv 2>/dev/null", RADX_CLI);
    CHECK(rc == 2, "existing output without --resume: exit %d, want 2", rc);
    CHECK(lines_in("out.csv") == 4, "existing output left alone");
    run("cp out.csv full.csv && head -c -300 full.csv > out.csv");
    rc = run("%s batch sub/cohort.csv -o out.csv --resume 2>resume.err", RADX_CLI);
    csv_table res1, full;
    load("out.csv", &res1);
    load("full.csv", &full);
    CHECK(rc == 1 && same_rows(&res1, &full), "resume after a cut-off row: exit %d, rows equal a clean run", rc);
    char *re = slurp("resume.err");
    CHECK(re && strstr(re, "cut-off") && strstr(re, "2 case(s) already"), "resume stderr: %s", re ? re : "");
    free(re);
    check_cut_rows(&full);
    check_repeated_rows();
    check_errors_file();

    /* 4. resume with other features in the header is refused, the file unchanged */
    put("fo.yaml", "featureClass:\n  firstorder:\n");
    char *before = slurp("out.csv");
    run("head -n 2 full.csv > out2.csv");
    rc = run("%s batch sub/cohort.csv -o out2.csv --resume -p fo.yaml 2>mix.err", RADX_CLI);
    char *mix = slurp("mix.err");
    CHECK(rc == 2 && mix && strstr(mix, "other features"), "mixing settings: exit %d: %s", rc, mix ? mix : "");
    CHECK(lines_in("out2.csv") == 2, "refused resume wrote nothing");
    free(mix);
    free(before);

    /* 5. kill -9 in the middle, then --resume: every case exactly once */
    {
        char big[8192] = "Patient,Image,Mask\n";
        for (int i = 0; i < 24; i++) {
            char l[256];
            snprintf(l, sizeof l, "K%02d,img/%s_image.nrrd,img/%s_label.nrrd\n", i, i % 4 ? "breast1" : "brain1",
                     i % 4 ? "breast1" : "brain1");
            strcat(big, l);
        }
        put("sub/big.csv", big);
        run("%s batch sub/big.csv -o clean.csv -j 2 2>/dev/null", RADX_CLI);
        char cmd[1024];
        snprintf(cmd, sizeof cmd, "%s batch sub/big.csv -o killed.csv -j 1 2>/dev/null", RADX_CLI);
        pid_t pid = start(cmd);
        for (int t = 0; t < 2000 && lines_in("killed.csv") < 4; t++) usleep(5000);
        kill(pid, SIGKILL);
        finish(pid);
        int partial = lines_in("killed.csv");
        rc = run("%s batch sub/big.csv -o killed.csv --resume -j 2 2>/dev/null", RADX_CLI);
        csv_table a, b;
        load("clean.csv", &a);
        load("killed.csv", &b);
        CHECK(rc == 0 && b.nrows == 25 && same_rows(&a, &b), "kill -9 after %d lines, then resume: exit %d, %d lines",
              partial, rc, b.nrows);
        printf("kill -9 after %d lines; resumed: %d rows, equal to a clean run: %s\n", partial, b.nrows - 1,
               same_rows(&a, &b) ? "yes" : "no");

        /* 6. shards partition the cohort; merge gives the clean run */
        int total = 0;
        for (int i = 1; i <= 3; i++) {
            rc = run("%s batch sub/big.csv -o shard%d.csv --shard %d/3 2>/dev/null", RADX_CLI, i, i);
            CHECK(rc == 0, "shard %d/3: exit %d", i, rc);
            char nm[32];
            snprintf(nm, sizeof nm, "shard%d.csv", i);
            total += lines_in(nm) - 1;
        }
        CHECK(total == 24, "shards hold %d rows, cohort 24", total);
        rc = run("%s merge shard1.csv shard2.csv shard3.csv -o merged.csv 2>/dev/null", RADX_CLI);
        csv_table m;
        load("merged.csv", &m);
        CHECK(rc == 0 && m.nrows == 25 && same_rows(&a, &m), "merged shards equal the clean run");
        CHECK(!strcmp(csv_get(&m, 1, 0), "K00") && !strcmp(csv_get(&m, 9, 0), "K01"),
              "shard 1 holds rows 1, 4, 7, ...");
        rc = run("%s merge shard1.csv out.csv -o bad.csv 2>/dev/null", RADX_CLI);
        CHECK(rc == 2, "merging different headers: exit %d", rc);
        check_lock();
        check_fsize();
        check_merge_inputs();
        csv_free(&a);
        csv_free(&b);
        csv_free(&m);
    }

    /* 7. delta against hand-computed differences */
    put("a.csv", "Patient,Image,original_firstorder_Mean,original_glcm_Contrast,diagnostics_Versions_radx\n"
                 "P1,x,10,2.5,0.1.0\nP2,y,-4,0,0.1.0\nP3,z,1,1,0.1.0\n");
    put("b.csv", "Patient,Image,original_firstorder_Mean,original_glcm_Contrast,diagnostics_Versions_radx\n"
                 "P2,y,-1,3,0.1.0\nP1,x,12.5,2,0.1.0\nP9,q,1,1,0.1.0\n");
    rc = run("%s delta --baseline a.csv --followup b.csv --id Patient -o d.csv 2>d.err", RADX_CLI);
    csv_table d;
    load("d.csv", &d);
    CHECK(rc == 0 && d.nrows == 3 && d.len[0] == 3, "delta: %d rows %d columns", d.nrows, d.len[0]);
    CHECK(!strcmp(csv_get(&d, 1, 0), "P1") && strtod(csv_get(&d, 1, 1), NULL) == 2.5 &&
              strtod(csv_get(&d, 1, 2), NULL) == -0.5,
          "P1: 12.5-10, 2-2.5 -> %s %s", csv_get(&d, 1, 1), csv_get(&d, 1, 2));
    CHECK(!strcmp(csv_get(&d, 2, 0), "P2") && strtod(csv_get(&d, 2, 1), NULL) == 3.0 &&
              strtod(csv_get(&d, 2, 2), NULL) == 3.0,
          "P2: -1-(-4), 3-0");
    char *de = slurp("d.err");
    CHECK(de && strstr(de, "P3 only in") && strstr(de, "P9 only in"), "IDs in one file only are listed: %s",
          de ? de : "");
    free(de);
    rc = run("%s delta --baseline a.csv --followup b.csv --id Patient -o r.csv --relative 2>/dev/null", RADX_CLI);
    csv_table rr;
    load("r.csv", &rr);
    CHECK(rc == 0 && strtod(csv_get(&rr, 1, 1), NULL) == 0.25 && strtod(csv_get(&rr, 2, 1), NULL) == -0.75,
          "relative: (12.5-10)/10, (-1+4)/-4 -> %s %s", csv_get(&rr, 1, 1), csv_get(&rr, 2, 1));
    CHECK(isinf(strtod(csv_get(&rr, 2, 2), NULL)), "relative with baseline 0 -> inf: %s", csv_get(&rr, 2, 2));
    put("c.csv", "Patient,original_firstorder_Mean\nP1,1\n");
    rc = run("%s delta --baseline a.csv --followup c.csv --id Patient -o x.csv 2>/dev/null", RADX_CLI);
    CHECK(rc == 2, "differing feature sets: exit %d", rc);
    rc = run("%s delta --baseline a.csv --followup b.csv --id Nope -o x.csv 2>/dev/null", RADX_CLI);
    CHECK(rc == 2, "missing ID column: exit %d", rc);
    struct stat sb;
    char xp[600];
    snprintf(xp, sizeof xp, "%s/x.csv", dir);
    CHECK(stat(xp, &sb) != 0, "no output after a delta error");
    check_delta_inputs();

    csv_free(&out);
    csv_free(&errs);
    csv_free(&one);
    csv_free(&res1);
    csv_free(&full);
    csv_free(&d);
    csv_free(&rr);
    run("cd / && rm -rf %s", dir);
    return radx_test_finish("test_cohort");
}
