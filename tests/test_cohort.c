/* SPDX-License-Identifier: BSD-3-Clause */
/* Cohort commands through the CLI: `radx batch` with good and bad rows (pass-through columns,
 * relative paths, errors file, exit status), rows equal to `radx extract` of the same case,
 * resume after a cut-off row and after kill -9, refusal to overwrite or to mix settings, shards
 * that partition the cohort exactly, `radx merge`, and `radx delta` against hand-computed
 * differences. */
#include <signal.h>
#include <stdarg.h>
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
        snprintf(cmd, sizeof cmd, "cd %s && exec %s batch sub/big.csv -o killed.csv -j 1 2>/dev/null", dir, RADX_CLI);
        pid_t pid = fork();
        if (pid == 0) {
            execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
            _exit(127);
        }
        for (int t = 0; t < 2000 && lines_in("killed.csv") < 4; t++) usleep(5000);
        kill(pid, SIGKILL);
        int st;
        waitpid(pid, &st, 0);
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
