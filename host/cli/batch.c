/* SPDX-License-Identifier: BSD-3-Clause */
/* `radx batch`: a cohort from a PyRadiomics batch CSV, one output row per case, pipelined (cases
 * computed in parallel, rows written in cohort order), resumable and shardable.  The steps are
 * here; the threads are in batch_jobs.c, the output files in batch_output.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "batch.h"
#include "cli.h"

typedef struct batch_cmd {
    /* options */
    radx_cli_opts co;
    const char *cohort_path, *out_path;
    int resume, shard_i, shard_n; /* --resume, --shard I/N */
    int jobs_n;                   /* -j: cases in flight */
    radx_backend backend;
    /* inputs */
    csv_doc cohort;
    char *dir; /* the cohort's folder */
    radx_ctx *ctx;
    radx_params *params;
    /* the run */
    batch B;       /* the cases in flight */
    batch_out out; /* OUT.csv and OUT.errors.csv */
    int tty;       /* stderr is a terminal: a progress bar */
    char note[96]; /* what an interrupt keeps */
    int written, failed;
} batch_cmd;

static int parse_shard(const char *s, int *i, int *n)
{
    char *end;
    long a = strtol(s, &end, 10);
    if (*end != '/') return -1;
    long b = strtol(end + 1, &end, 10);
    if (*end || b < 1 || a < 1 || a > b || b > 1000000) return -1;
    *i = (int)a;
    *n = (int)b;
    return 0;
}

/* 0, or the exit status after printing the error. */
static int parse_options(batch_cmd *C, int argc, char **argv)
{
    radx_cli_opts *co = &C->co;
    co->cmd = "batch";
    co->max_jobs = BATCH_MAX_JOBS;
    C->shard_i = C->shard_n = 1;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        int c = radx_cli_common_opt(co, argc, argv, &i);
        if (c < 0) return 2;
        if (c) continue;
        if ((!strcmp(a, "-o") || !strcmp(a, "--out") || !strcmp(a, "--shard")) && i + 1 >= argc) {
            fprintf(stderr, "radx batch: option %s needs a value\n", a);
            return 2;
        }
        if (!strcmp(a, "-o") || !strcmp(a, "--out"))
            C->out_path = argv[++i];
        else if (!strcmp(a, "--resume"))
            C->resume = 1;
        else if (!strcmp(a, "--shard")) {
            if (parse_shard(argv[++i], &C->shard_i, &C->shard_n)) {
                fprintf(stderr, "radx batch: --shard '%s': expected I/N with 1 <= I <= N\n", argv[i]);
                return 2;
            }
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "radx batch: unknown option '%s' (see radx --help)\n", a);
            return 2;
        } else if (!C->cohort_path)
            C->cohort_path = a;
        else {
            fprintf(stderr, "radx batch: unexpected argument '%s'\n", a);
            return 2;
        }
    }
    if (co->label) {
        fprintf(stderr, "radx batch: --label: give per-case labels in the cohort's Label column (or -s label:N)\n");
        return 2;
    }
    C->jobs_n = co->jobs ? co->jobs : 1;
    if (!C->cohort_path || !C->out_path) {
        fprintf(stderr, "radx batch: needs COHORT.csv and -o OUT.csv (see radx --help)\n");
        return 2;
    }
    if (radx_cli_backend(co, &C->backend)) return 2;
    return 0;
}

/* The cohort: a header with Image and Mask (optional Label and Label_channel), no column twice.
 * 0, or the exit status after printing the error. */
static int read_cohort(batch_cmd *C)
{
    char err[2048];
    const char *path = C->cohort_path;
    if (csv_read_file(path, &C->cohort, err, sizeof err)) {
        fprintf(stderr, "radx batch: %s\n", err);
        return 3;
    }
    if (C->cohort.nrows < 1) {
        fprintf(stderr, "radx batch: %s: empty file (needs a header row with Image and Mask)\n", path);
        return 2;
    }
    const csv_row *hdr = &C->cohort.rows[0];
    C->B.col_image = csv_col(hdr, "Image");
    C->B.col_mask = csv_col(hdr, "Mask");
    C->B.col_label = csv_col(hdr, "Label");
    C->B.col_channel = csv_col(hdr, "Label_channel");
    if (C->B.col_image < 0 || C->B.col_mask < 0) {
        fprintf(stderr,
                "radx batch: %s: header has no '%s' column (PyRadiomics batch format: Image, Mask[, Label, "
                "Label_channel, ...])\n",
                path, C->B.col_image < 0 ? "Image" : "Mask");
        return 2;
    }
    csv_index ix;
    if (csv_index_build(hdr, &ix)) return 7;
    const char *twice = csv_index_repeated(&ix);
    if (twice) fprintf(stderr, "radx batch: %s: column '%s' appears twice in the header\n", path, twice);
    csv_index_free(&ix);
    if (twice) return 2;
    /* relative image and mask paths start in the cohort's folder */
    C->dir = strdup(path);
    if (!C->dir) return 7;
    char *slash = strrchr(C->dir, '/');
    if (slash)
        *slash = 0;
    else
        C->dir[0] = 0;
    C->B.csv_dir = C->dir;
    return 0;
}

/* The settings, checked once before any case runs (a plan is made and dropped); --device auto
 * becomes the backend it chose.  0, or the exit status after printing the error. */
static int check_settings(batch_cmd *C)
{
    radx_status s = radx_ctx_create(&C->ctx);
    if (s) {
        fprintf(stderr, "radx batch: %s\n", radx_status_string(s));
        return radx_cli_exit_code(s);
    }
    int rc = radx_cli_params(&C->co, C->ctx, &C->params);
    if (rc) return rc;
    radx_plan *probe = NULL;
    s = radx_plan_create(C->ctx, C->params, C->backend, &probe);
    if (s) {
        fprintf(stderr, "radx batch: %s\n", radx_ctx_last_error(C->ctx));
        return radx_cli_exit_code(s);
    }
    radx_cli_report_auto_backend(C->backend, probe);
    C->backend = radx_plan_backend(probe);
    radx_plan_destroy(probe);
    return 0;
}

/* OUT and OUT.errors.csv must be neither the cohort nor the parameter file.  0, or the exit status
 * after printing the error. */
static int refuse_inputs_as_outputs(batch_cmd *C)
{
    const char *in[2] = {C->cohort_path, C->co.params_path};
    char *errs = batch_out_errors_path(C->out_path);
    if (!errs) return 7;
    int rc = radx_cli_refuse_output_input("batch", C->out_path, in, 2);
    if (!rc) rc = radx_cli_refuse_output_input("batch", errs, in, 2);
    free(errs);
    return rc;
}

/* The cases of this run: this shard's rows (I, I+N, I+2N, ...), less those already in OUT.
 * 0, or the exit status. */
static int select_cases(batch_cmd *C)
{
    const csv_doc *cohort = &C->cohort;
    C->B.jobs = calloc((size_t)cohort->nrows, sizeof *C->B.jobs);
    if (!C->B.jobs) return 7;
    int skipped = 0;
    for (int r = 1; r < cohort->nrows; r++) {
        if ((r - 1) % C->shard_n != C->shard_i - 1) continue;
        if (batch_out_take(&C->out, &cohort->rows[r], cohort->rows[0].n)) {
            skipped++;
            continue;
        }
        C->B.jobs[C->B.njobs++].row = r;
    }
    if (skipped) fprintf(stderr, "radx batch: %d case(s) already in %s, skipped\n", skipped, C->out_path);
    return 0;
}

/* ---- progress ---- */

typedef struct progress {
    double t0, last; /* start, last report */
    int step;        /* without a terminal: a line every `step` cases (or 10 s) */
} progress;

static void print_progress(int tty, int done, int total, int failed, double t0, int final)
{
    double el = radx_cli_now_s() - t0, rate = el > 0 ? done / el : 0;
    double eta = rate > 0 ? (total - done) / rate : 0;
    if (tty) {
        int w = 30, fill = total ? (int)((double)w * done / total) : w;
        char bar[64];
        for (int i = 0; i < w; i++) bar[i] = i < fill ? '#' : '.';
        bar[w] = 0;
        fprintf(stderr, "\r[%s] %d/%d cases, %d failed, %.2f cases/s, ETA %.0f s   %s", bar, done, total, failed, rate,
                eta, final ? "\n" : "");
    } else {
        fprintf(stderr, "radx batch: %d/%d cases done, %d failed, %.2f cases/s, ETA %.0f s\n", done, total, failed,
                rate, eta);
    }
    fflush(stderr);
}

/* After `done` cases: a progress report when one is due (a terminal's bar: every 0.2 s). */
static void update_progress(const batch_cmd *C, progress *p, int done)
{
    int total = C->B.njobs;
    double t = radx_cli_now_s();
    if (C->tty ? (t - p->last > 0.2 || done == total) : (done % p->step == 0 || t - p->last > 10)) {
        print_progress(C->tty, done, total, C->failed, p->t0, C->tty && done == total);
        p->last = t;
    }
}

/* ---- the run ---- */

/* A case's failure (what "failed") or warning: a stderr line naming its row by the cohort's columns
 * other than Image and Mask, and a row in OUT.errors.csv.  0, or the exit status of an error that
 * stops the run. */
static int report_row(batch_cmd *C, const job *J, const char *what, const char *msg)
{
    const csv_row *hdr = &C->cohort.rows[0], *cr = &C->cohort.rows[J->row];
    sbuf_t id = {0};
    for (int i = 0; i < hdr->n; i++) {
        if (i == C->B.col_image || i == C->B.col_mask) continue;
        sbuf_add(&id, id.n ? ", " : "", id.n ? 2 : 0);
        sbuf_add(&id, hdr->f[i], strlen(hdr->f[i]));
        sbuf_add(&id, "=", 1);
        sbuf_add(&id, i < cr->n ? cr->f[i] : "", i < cr->n ? strlen(cr->f[i]) : 0);
    }
    if (C->tty) fputc('\n', stderr);
    fprintf(stderr, "radx batch: row %d%s%s%s %s: %s\n", J->row, id.n ? " (" : "", id.n ? id.s : "", id.n ? ")" : "",
            what, msg);
    sbuf_free(&id);
    if (strcmp(what, "warning")) return batch_out_failure(&C->out, hdr, cr, J->row, msg);
    sbuf_t m = {0};
    int rc = sbuf_add(&m, "warning: ", 9) || sbuf_add(&m, msg, strlen(msg))
                 ? 7
                 : batch_out_failure(&C->out, hdr, cr, J->row, m.s);
    sbuf_free(&m);
    return rc;
}

/* Each warning of a case, reported as report_row does.  0, or the exit status. */
static int report_warnings(batch_cmd *C, const job *J)
{
    int rc = 0;
    for (const char *w = J->warnings; w && *w && !rc;) {
        const char *nl = strchr(w, '\n');
        const size_t n = nl ? (size_t)(nl - w) : strlen(w);
        char *line = strndup(w, n);
        rc = line ? report_row(C, J, "warning", line) : 7;
        free(line);
        w += n + (nl != NULL);
    }
    return rc;
}

/* Writes the cases' rows in cohort order as they are computed.  0, or the exit status of an
 * error that stops the run. */
static int write_cases(batch_cmd *C)
{
    const csv_row *hdr = &C->cohort.rows[0];
    progress p;
    p.t0 = p.last = radx_cli_now_s();
    p.step = C->B.njobs >= 10 ? C->B.njobs / 10 : 1;
    for (int k = 0; k < C->B.njobs; k++) {
        job *J = batch_wait(&C->B, k);
        int rc = 0;
        rc = report_warnings(C, J);
        if (rc) {
        } else if (J->status == RADX_OK) {
            rc = batch_out_case(&C->out, hdr, &C->cohort.rows[J->row], J->res);
            if (!rc) C->written++;
        } else {
            C->failed++;
            rc = report_row(C, J, "failed", J->msg ? J->msg : "error");
        }
        batch_written(&C->B, k, rc != 0);
        if (rc) return rc;
        update_progress(C, &p, k + 1);
    }
    return 0;
}

/* The last stderr lines; the exit status: 1 when a case failed. */
static int final_report(const batch_cmd *C, int removed)
{
    const char *out = C->out_path, *errs = C->out.errpath;
    if (C->failed && removed)
        fprintf(stderr, "radx batch: no case written (%s not created), %d failed (listed in %s)\n", out, C->failed,
                errs);
    else if (C->failed)
        fprintf(stderr, "radx batch: %d case(s) written to %s, %d failed (listed in %s)\n", C->written, out, C->failed,
                errs);
    else
        fprintf(stderr, "radx batch: %d case(s) written to %s\n", C->written, out);
    if (C->B.used_cuda) radx_cli_report_device(&C->B.device);
    return C->failed ? 1 : 0;
}

/* Computes and writes the selected cases; a run that created OUT and wrote nothing into it leaves
 * no empty file behind. */
static int run_cases(batch_cmd *C)
{
    C->B.cohort = &C->cohort;
    C->B.params = C->params;
    C->B.backend = C->backend;
    C->B.out_path = C->out_path;
    C->B.errors_path = C->out.errpath;
    int rc = batch_start(&C->B, C->jobs_n);
    C->tty = isatty(2);
    if (!rc) rc = write_cases(C);
    batch_stop(&C->B);
    int removed = batch_out_drop_if_empty(&C->out);
    if (!rc) rc = final_report(C, removed);
    return rc;
}

int radx_cmd_batch(int argc, char **argv)
{
    batch_cmd C;
    memset(&C, 0, sizeof C);
    int rc = parse_options(&C, argc, argv);
    if (rc) return rc;
    batch_out_init(&C.out, C.out_path);
    rc = read_cohort(&C);
    if (!rc) rc = check_settings(&C);
    if (!rc) rc = refuse_inputs_as_outputs(&C);
    if (!rc) rc = batch_out_open(&C.out);
    if (!rc) {
        snprintf(C.note, sizeof C.note, "; the rows already written stay (radx batch --resume goes on)");
        radx_cli_set_interrupt_note(C.note);
    }
    if (!rc) rc = batch_out_resume(&C.out, &C.cohort.rows[0], C.resume);
    if (!rc) rc = select_cases(&C);
    if (!rc)
        rc = run_cases(&C);
    else
        batch_out_drop_if_empty(&C.out);
    batch_out_free(&C.out);
    free(C.B.jobs);
    free(C.dir);
    csv_doc_free(&C.cohort);
    radx_params_destroy(C.params);
    radx_ctx_destroy(C.ctx);
    return rc;
}
