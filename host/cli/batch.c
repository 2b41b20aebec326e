/* SPDX-License-Identifier: BSD-3-Clause */
/* `radx batch` (a cohort from a PyRadiomics batch CSV: pipelined, resumable, shardable) and
 * `radx merge` (join shard outputs). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "cli.h"
#include "csv.h"
#include "radx.h"

/* ------------------------------------------------------------------------------------------ */

/* A case's image and mask read ahead, or the first read's error. */
typedef struct prefetch {
    int valid;
    radx_image *img, *msk;
    radx_status status;
    char *msg;
} prefetch;

static void prefetch_read(prefetch *f, radx_ctx *ctx, const char *ip, const char *mp)
{
    memset(f, 0, sizeof *f);
    f->status = radx_image_read(ctx, ip, &f->img);
    if (!f->status) f->status = radx_image_read(ctx, mp, &f->msk);
    if (f->status) f->msg = strdup(radx_ctx_last_error(ctx));
    f->valid = 1;
}

static void prefetch_free(prefetch *f)
{
    radx_image_destroy(f->img);
    radx_image_destroy(f->msk);
    free(f->msg);
    memset(f, 0, sizeof *f);
}

typedef struct job {
    int row;            /* index in the cohort document (1 = first data row) */
    char *ip, *mp;      /* resolved image and mask paths (NULL: the row is invalid, see msg) */
    int label;
    prefetch pre;       /* the files read ahead by the reader thread */
    int loaded;         /* pre filled (or nothing to read) */
    int done;           /* result ready */
    radx_result *res;   /* on success */
    char *msg;          /* on failure: one line */
    radx_status status;
} job;

typedef struct batch {
    /* inputs */
    const csv_doc *cohort;
    const char *csv_dir;
    int col_image, col_mask, col_label, col_channel;
    const radx_params *params;
    radx_backend backend;
    int threads_per_case;
    /* work list */
    int njobs;
    job *jobs;
    int next_take;      /* next job to hand to a worker */
    int ahead;          /* how many cases the reader may hold beyond those taken */
    int next_write;     /* next job the writer waits for */
    int window;         /* workers stay within next_write + window */
    int abort;
    int used_cuda;              /* a worker's plan ran on CUDA */
    radx_device_stats device;   /* the workers' plans' statistics, summed */
    pthread_mutex_t mu;
    pthread_cond_t cv_done, cv_room;
} batch;

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static char *resolve(const char *dir, const char *p)
{
    size_t n = strlen(dir) + strlen(p) + 2;
    char *out = malloc(n);
    if (!out) return NULL;
    if (p[0] == '/' || !dir[0]) snprintf(out, n, "%s", p);
    else snprintf(out, n, "%s/%s", dir, p);
    return out;
}

static char *dupmsg(const char *fmt, const char *a, const char *b)
{
    char buf[2048];
    snprintf(buf, sizeof buf, fmt, a, b);
    for (char *c = buf; *c; c++)
        if (*c == '\n' || *c == '\r') *c = ' ';
    return strdup(buf);
}

/* Checks a cohort row and resolves its paths (before the run starts). */
static void setup_job(batch *B, job *J)
{
    const csv_row *r = &B->cohort->rows[J->row];
    const char *img = B->col_image < r->n ? r->f[B->col_image] : "";
    const char *msk = B->col_mask < r->n ? r->f[B->col_mask] : "";
    if (!img[0] || !msk[0]) {
        J->status = RADX_ERR_ARG;
        J->msg = dupmsg("empty %s%s column", !img[0] ? "Image" : "Mask", "");
        return;
    }
    if (B->col_label >= 0 && B->col_label < r->n && r->f[B->col_label][0]) {
        char *end;
        long v = strtol(r->f[B->col_label], &end, 10);
        if (*end || v < 1 || v > INT_MAX) {
            J->status = RADX_ERR_ARG;
            J->msg = dupmsg("Label '%s': must be a positive integer%s", r->f[B->col_label], "");
            return;
        }
        J->label = (int)v;
    }
    if (B->col_channel >= 0 && B->col_channel < r->n && r->f[B->col_channel][0] &&
        strcmp(r->f[B->col_channel], "0") != 0) {
        J->status = RADX_ERR_UNSUPPORTED;
        J->msg = dupmsg("Label_channel '%s': vector (multi-channel) masks are not supported yet%s",
                        r->f[B->col_channel], "");
        return;
    }
    J->ip = resolve(B->csv_dir, img);
    J->mp = resolve(B->csv_dir, msk);
    if (!J->ip || !J->mp) {
        J->status = RADX_ERR_NOMEM;
        J->msg = strdup("out of memory");
    }
}

/* The read-ahead thread: reads and decompresses the next cases' files while the workers
 * compute, at most `ahead` cases beyond those the workers have taken (bounded memory). */
static void *reader(void *arg)
{
    batch *B = arg;
    radx_ctx *ctx = NULL;
    if (radx_ctx_create(&ctx)) ctx = NULL; /* no context: the workers read the files themselves */
    for (int k = 0; k < B->njobs; k++) {
        pthread_mutex_lock(&B->mu);
        while (!B->abort && k >= B->next_take + B->ahead) pthread_cond_wait(&B->cv_room, &B->mu);
        int stop = B->abort;
        pthread_mutex_unlock(&B->mu);
        if (stop) break;
        job *J = &B->jobs[k];
        if (ctx && !J->status && J->ip) prefetch_read(&J->pre, ctx, J->ip, J->mp);
        pthread_mutex_lock(&B->mu);
        J->loaded = 1;
        pthread_cond_broadcast(&B->cv_done);
        pthread_mutex_unlock(&B->mu);
    }
    /* wake anyone waiting for a case the reader will not load (abort) */
    pthread_mutex_lock(&B->mu);
    for (int k = 0; k < B->njobs; k++) B->jobs[k].loaded = 1;
    pthread_cond_broadcast(&B->cv_done);
    pthread_mutex_unlock(&B->mu);
    radx_ctx_destroy(ctx);
    return NULL;
}

static void run_job(batch *B, radx_ctx *ctx, radx_plan *plan, job *J)
{
    if (J->status) return; /* invalid row, message set by setup_job */
    const prefetch *f = &J->pre;
    if (f->valid && f->status) {
        J->status = f->status;
        J->msg = dupmsg("%s%s", f->msg ? f->msg : "out of memory", "");
    } else {
        J->status = f->valid ? radx_plan_execute_image(plan, f->img, f->msk, J->label, &J->res)
                             : radx_plan_execute(plan, J->ip, J->mp, J->label, &J->res);
        if (J->status) J->msg = dupmsg("%s%s", radx_ctx_last_error(ctx), "");
    }
    prefetch_free(&J->pre);
}

static void *worker(void *arg)
{
    batch *B = arg;
    radx_ctx *ctx = NULL;
    radx_plan *plan = NULL;
    radx_status st = radx_ctx_create(&ctx);
    if (!st) radx_ctx_set_threads(ctx, B->threads_per_case);
    if (!st) st = radx_plan_create(ctx, B->params, B->backend, &plan);
    for (;;) {
        pthread_mutex_lock(&B->mu);
        while (!B->abort && B->next_take < B->njobs && B->next_take >= B->next_write + B->window)
            pthread_cond_wait(&B->cv_room, &B->mu);
        if (B->abort || B->next_take >= B->njobs) {
            pthread_mutex_unlock(&B->mu);
            break;
        }
        job *J = &B->jobs[B->next_take++];
        pthread_cond_broadcast(&B->cv_room); /* the reader may read further */
        while (!J->loaded) pthread_cond_wait(&B->cv_done, &B->mu);
        pthread_mutex_unlock(&B->mu);
        if (st) {
            if (!J->status) {
                J->status = st;
                J->msg = dupmsg("%s%s", ctx ? radx_ctx_last_error(ctx) : "out of memory", "");
            }
            prefetch_free(&J->pre);
        } else {
            run_job(B, ctx, plan, J);
        }
        pthread_mutex_lock(&B->mu);
        J->done = 1;
        pthread_cond_broadcast(&B->cv_done);
        pthread_mutex_unlock(&B->mu);
    }
    if (plan && radx_plan_backend(plan) == RADX_BACKEND_CUDA) {
        radx_device_stats ds;
        radx_plan_device_stats(plan, &ds);
        pthread_mutex_lock(&B->mu);
        B->used_cuda = 1;
        radx_cli_add_device_stats(&B->device, &ds);
        pthread_mutex_unlock(&B->mu);
    }
    radx_plan_destroy(plan);
    radx_ctx_destroy(ctx);
    return NULL;
}

/* Writes all of buf with one write() per call (O_APPEND: a row lands whole or not at all when
 * the process is killed), then flushes it to the disk. */
static int append_durable(int fd, const char *buf, size_t n)
{
    while (n) {
        ssize_t w = write(fd, buf, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        buf += w;
        n -= (size_t)w;
    }
    return fdatasync(fd);
}

static int is_feature_column(const char *name)
{
    return strncmp(name, "diagnostics_", 12) != 0;
}

/* The key a cohort row is recognised by in OUT (--resume): its input columns, joined. */
static char *row_key(const csv_row *r, int ncols)
{
    sbuf_t b = {0};
    for (int i = 0; i < ncols; i++) sbuf_field(&b, i < r->n ? r->f[i] : "", i == 0);
    if (!b.s) sbuf_add(&b, "", 0);
    return b.s;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void progress(int tty, int done, int total, int failed, double t0, int final)
{
    double el = now_s() - t0, rate = el > 0 ? done / el : 0;
    double eta = rate > 0 ? (total - done) / rate : 0;
    if (tty) {
        int w = 30, fill = total ? (int)((double)w * done / total) : w;
        char bar[64];
        for (int i = 0; i < w; i++) bar[i] = i < fill ? '#' : '.';
        bar[w] = 0;
        fprintf(stderr, "\r[%s] %d/%d cases, %d failed, %.2f cases/s, ETA %.0f s   %s", bar, done, total, failed,
                rate, eta, final ? "\n" : "");
    } else {
        fprintf(stderr, "radx batch: %d/%d cases done, %d failed, %.2f cases/s, ETA %.0f s\n", done, total, failed, rate,
                eta);
    }
    fflush(stderr);
}

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

int radx_cmd_batch(int argc, char **argv)
{
    const char *cohort_path = NULL, *out_path = NULL;
    int resume = 0, shard_i = 1, shard_n = 1;
    radx_cli_opts co;
    memset(&co, 0, sizeof co);
    co.cmd = "batch";
    co.max_jobs = 256;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        int c = radx_cli_common_opt(&co, argc, argv, &i);
        if (c < 0) return 2;
        if (c) continue;
        if ((!strcmp(a, "-o") || !strcmp(a, "--out") || !strcmp(a, "--shard")) && i + 1 >= argc) {
            fprintf(stderr, "radx batch: option %s needs a value\n", a);
            return 2;
        }
        if (!strcmp(a, "-o") || !strcmp(a, "--out")) out_path = argv[++i];
        else if (!strcmp(a, "--resume")) resume = 1;
        else if (!strcmp(a, "--shard")) {
            if (parse_shard(argv[++i], &shard_i, &shard_n)) {
                fprintf(stderr, "radx batch: --shard '%s': expected I/N with 1 <= I <= N\n", argv[i]);
                return 2;
            }
        } else if (a[0] == '-' && a[1]) { fprintf(stderr, "radx batch: unknown option '%s' (see radx --help)\n", a); return 2; }
        else if (!cohort_path) cohort_path = a;
        else { fprintf(stderr, "radx batch: unexpected argument '%s'\n", a); return 2; }
    }
    if (co.label) { fprintf(stderr, "radx batch: --label: give per-case labels in the cohort's Label column (or -s label:N)\n"); return 2; }
    const int jobs_n = co.jobs ? co.jobs : 1;
    if (!cohort_path || !out_path) { fprintf(stderr, "radx batch: needs COHORT.csv and -o OUT.csv (see radx --help)\n"); return 2; }
    radx_backend backend;
    if (radx_cli_backend(&co, &backend)) return 2;

    char err[2048];
    csv_doc cohort;
    if (csv_read_file(cohort_path, &cohort, err, sizeof err)) { fprintf(stderr, "radx batch: %s\n", err); return 3; }
    int rc = 0;
    radx_ctx *ctx = NULL;
    radx_params *params = NULL;
    radx_plan *probe = NULL;
    csv_doc outdoc;
    memset(&outdoc, 0, sizeof outdoc);
    char **done_keys = NULL;
    int ndone = 0;
    batch B;
    memset(&B, 0, sizeof B);
    int fd = -1, efd = -1;
    char *errpath = NULL, *dir = NULL;
    sbuf_t row = {0};
    char **header = NULL;
    int nheader = 0, header_owned_from = 0; /* header[i] for i >= header_owned_from were strdup'ed */

    if (cohort.nrows < 1) { fprintf(stderr, "radx batch: %s: empty file (needs a header row with Image and Mask)\n", cohort_path); rc = 2; goto out; }
    const csv_row *hdr = &cohort.rows[0];
    B.col_image = csv_col(hdr, "Image");
    B.col_mask = csv_col(hdr, "Mask");
    B.col_label = csv_col(hdr, "Label");
    B.col_channel = csv_col(hdr, "Label_channel");
    if (B.col_image < 0 || B.col_mask < 0) {
        fprintf(stderr, "radx batch: %s: header has no '%s' column (PyRadiomics batch format: Image, Mask[, Label, Label_channel, ...])\n",
                cohort_path, B.col_image < 0 ? "Image" : "Mask");
        rc = 2;
        goto out;
    }
    for (int i = 0; i < hdr->n; i++)
        for (int j = 0; j < i; j++)
            if (!strcmp(hdr->f[i], hdr->f[j])) {
                fprintf(stderr, "radx batch: %s: column '%s' appears twice in the header\n", cohort_path, hdr->f[i]);
                rc = 2;
                goto out;
            }
    dir = strdup(cohort_path);
    if (!dir) { rc = 7; goto out; }
    {
        char *slash = strrchr(dir, '/');
        if (slash) *slash = 0;
        else dir[0] = 0;
    }
    B.csv_dir = dir;

    /* settings, checked once before any case runs */
    radx_status s = radx_ctx_create(&ctx);
    if (s) { fprintf(stderr, "radx batch: %s\n", radx_status_string(s)); rc = radx_cli_exit_code(s); goto out; }
    rc = radx_cli_params(&co, ctx, &params);
    if (rc) goto out;
    if (!s) s = radx_plan_create(ctx, params, backend, &probe);
    if (s) { fprintf(stderr, "radx batch: %s\n", radx_ctx_last_error(ctx)); rc = radx_cli_exit_code(s); goto out; }
    if (backend == RADX_BACKEND_AUTO)
        fprintf(stderr, "radx: using the %s backend%s\n", radx_backend_name(radx_plan_backend(probe)),
                radx_plan_backend(probe) == RADX_BACKEND_CPU ? " (no usable CUDA device)" : "");
    backend = radx_plan_backend(probe);
    radx_plan_destroy(probe);
    probe = NULL;

    /* the existing output: --resume continues it; without --resume it is never overwritten */
    struct stat sb;
    const int out_present = stat(out_path, &sb) == 0;
    int out_exists = out_present && sb.st_size > 0;
    if (out_exists && !resume) {
        fprintf(stderr, "radx batch: %s already exists; use --resume to continue it, or remove it\n", out_path);
        rc = 2;
        goto out;
    }
    if (out_exists) {
        if (csv_read_file(out_path, &outdoc, err, sizeof err)) { fprintf(stderr, "radx batch: %s\n", err); rc = 3; goto out; }
        if (outdoc.trailing_partial) {
            /* a row cut off by a crash: drop it (it is recomputed) */
            if (truncate(out_path, outdoc.partial_offset) != 0) {
                fprintf(stderr, "radx batch: %s: cannot remove the cut-off last row: %s\n", out_path, strerror(errno));
                rc = 9;
                goto out;
            }
            csv_row_free(&outdoc.rows[--outdoc.nrows]);
            fprintf(stderr, "radx batch: %s: removed a cut-off last row (it will be recomputed)\n", out_path);
        }
        if (outdoc.nrows >= 1) {
            const csv_row *oh = &outdoc.rows[0];
            int ok = oh->n >= hdr->n;
            for (int i = 0; ok && i < hdr->n; i++) ok = !strcmp(oh->f[i], hdr->f[i]);
            if (!ok) {
                fprintf(stderr, "radx batch: %s: its columns do not start with the cohort's columns (%s...); "
                                "it was written for another cohort\n", out_path, hdr->f[0]);
                rc = 2;
                goto out;
            }
            nheader = oh->n;
            header = malloc(sizeof *header * (size_t)nheader);
            if (!header) { rc = 7; goto out; }
            for (int i = 0; i < nheader; i++) header[i] = oh->f[i];
            header_owned_from = nheader;
            done_keys = malloc(sizeof *done_keys * (size_t)(outdoc.nrows + 1));
            if (!done_keys) { rc = 7; goto out; }
            for (int i = 1; i < outdoc.nrows; i++) done_keys[ndone++] = row_key(&outdoc.rows[i], hdr->n);
            qsort(done_keys, (size_t)ndone, sizeof *done_keys, cmp_str);
        }
    }

    /* the cases of this run: this shard's rows, less those already in OUT */
    B.jobs = calloc((size_t)cohort.nrows, sizeof *B.jobs);
    if (!B.jobs) { rc = 7; goto out; }
    int skipped = 0;
    for (int r = 1; r < cohort.nrows; r++) {
        if ((r - 1) % shard_n != shard_i - 1) continue;
        if (ndone) {
            char *k = row_key(&cohort.rows[r], hdr->n);
            int found = k && bsearch(&k, done_keys, (size_t)ndone, sizeof *done_keys, cmp_str) != NULL;
            free(k);
            if (found) { skipped++; continue; }
        }
        B.jobs[B.njobs++].row = r;
    }
    if (skipped) fprintf(stderr, "radx batch: %d case(s) already in %s, skipped\n", skipped, out_path);

    fd = open(out_path, O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd < 0) { fprintf(stderr, "radx batch: %s: cannot write: %s\n", out_path, strerror(errno)); rc = 9; goto out; }
    size_t el = strlen(out_path) + 16;
    errpath = malloc(el);
    if (!errpath) { rc = 7; goto out; }
    {
        /* OUT.csv -> OUT.errors.csv */
        snprintf(errpath, el, "%s", out_path);
        size_t l = strlen(errpath);
        if (l > 4 && !strcmp(errpath + l - 4, ".csv")) errpath[l - 4] = 0;
        strcat(errpath, ".errors.csv");
    }

    B.cohort = &cohort;
    B.params = params;
    B.backend = backend;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    B.threads_per_case = jobs_n >= ncpu ? 1 : (int)(ncpu / jobs_n);
    B.window = 4 * jobs_n;
    B.ahead = jobs_n; /* read ahead one case per worker: peak memory about 2 x jobs_n cases */
    for (int k = 0; k < B.njobs; k++) setup_job(&B, &B.jobs[k]);
    pthread_mutex_init(&B.mu, NULL);
    pthread_cond_init(&B.cv_done, NULL);
    pthread_cond_init(&B.cv_room, NULL);
    int nthreads = jobs_n < B.njobs ? jobs_n : B.njobs;
    pthread_t th[256], rth;
    int have_reader = B.njobs > 0 && pthread_create(&rth, NULL, reader, &B) == 0;
    if (!have_reader)
        for (int k = 0; k < B.njobs; k++) B.jobs[k].loaded = 1; /* workers read the files themselves */
    for (int t = 0; t < nthreads; t++) pthread_create(&th[t], NULL, worker, &B);

    int tty = isatty(2), failed = 0, written = 0;
    double t0 = now_s(), last = t0;
    int step = B.njobs >= 10 ? B.njobs / 10 : 1;
    for (int k = 0; k < B.njobs; k++) {
        pthread_mutex_lock(&B.mu);
        while (!B.jobs[k].done) pthread_cond_wait(&B.cv_done, &B.mu);
        pthread_mutex_unlock(&B.mu);
        job *J = &B.jobs[k];
        const csv_row *cr = &cohort.rows[J->row];
        if (J->status == RADX_OK && !header) {
            /* the header: cohort columns, then this first case's diagnostics and features */
            nheader = hdr->n + (int)radx_result_count(J->res);
            header = malloc(sizeof *header * (size_t)nheader);
            if (!header) { rc = 7; B.abort = 1; }
            header_owned_from = hdr->n;
            for (int i = 0; header && i < hdr->n; i++) header[i] = hdr->f[i];
            for (size_t i = 0; header && i < radx_result_count(J->res); i++)
                header[hdr->n + (int)i] = strdup(radx_result_name(J->res, i));
            row.n = 0;
            for (int i = 0; header && i < nheader; i++) sbuf_field(&row, header[i], i == 0);
            sbuf_endrow(&row);
            if (header && append_durable(fd, row.s, row.n)) {
                fprintf(stderr, "radx batch: %s: cannot write: %s\n", out_path, strerror(errno));
                rc = 9;
                B.abort = 1;
            }
        }
        if (J->status == RADX_OK && !B.abort) {
            /* the row, by the header's columns; a feature set that differs from the header is an
             * error for the whole run (OUT would mix settings) */
            row.n = 0;
            for (int i = 0; i < hdr->n; i++) sbuf_field(&row, i < cr->n ? cr->f[i] : "", i == 0);
            int mismatch = -1;
            size_t nres = radx_result_count(J->res), pos = 0, nfeat_res = 0;
            for (size_t i = 0; i < nres; i++) nfeat_res += is_feature_column(radx_result_name(J->res, i));
            size_t nfeat_hdr = 0;
            for (int c = hdr->n; c < nheader; c++) {
                const char *name = header[c];
                long idx = -1;
                if (pos < nres && !strcmp(radx_result_name(J->res, pos), name)) idx = (long)pos;
                else idx = radx_result_find(J->res, name);
                if (idx >= 0) pos = (size_t)idx + 1;
                if (is_feature_column(name)) {
                    nfeat_hdr++;
                    if (idx < 0 && mismatch < 0) mismatch = c;
                }
                sbuf_field(&row, idx >= 0 ? radx_result_text(J->res, (size_t)idx) : "", 0);
            }
            sbuf_endrow(&row);
            if (mismatch >= 0 || nfeat_hdr != nfeat_res) {
                fprintf(stderr, "radx batch: %s: the current settings give other features than its header (%s%s); "
                                "use the settings it was written with, or another output file\n",
                        out_path, mismatch >= 0 ? "missing " : "", mismatch >= 0 ? header[mismatch] : "different count");
                rc = 2;
                B.abort = 1;
            } else if (append_durable(fd, row.s, row.n)) {
                fprintf(stderr, "radx batch: %s: cannot write: %s\n", out_path, strerror(errno));
                rc = 9;
                B.abort = 1;
            } else {
                written++;
            }
        } else if (!B.abort) {
            failed++;
            sbuf_t id = {0};
            for (int i = 0; i < hdr->n; i++) {
                if (i == B.col_image || i == B.col_mask) continue;
                sbuf_add(&id, id.n ? ", " : "", id.n ? 2 : 0);
                sbuf_add(&id, hdr->f[i], strlen(hdr->f[i]));
                sbuf_add(&id, "=", 1);
                sbuf_add(&id, i < cr->n ? cr->f[i] : "", i < cr->n ? strlen(cr->f[i]) : 0);
            }
            if (tty) fputc('\n', stderr);
            fprintf(stderr, "radx batch: row %d%s%s%s failed: %s\n", J->row, id.n ? " (" : "", id.n ? id.s : "",
                    id.n ? ")" : "", J->msg ? J->msg : "error");
            sbuf_free(&id);
            if (efd < 0) {
                struct stat es;
                int fresh = stat(errpath, &es) != 0 || es.st_size == 0;
                efd = open(errpath, O_WRONLY | O_CREAT | O_APPEND, 0644);
                if (efd >= 0 && fresh) {
                    row.n = 0;
                    sbuf_field(&row, "row", 1);
                    for (int i = 0; i < hdr->n; i++) sbuf_field(&row, hdr->f[i], 0);
                    sbuf_field(&row, "message", 0);
                    sbuf_endrow(&row);
                    append_durable(efd, row.s, row.n);
                }
            }
            if (efd >= 0) {
                char num[32];
                snprintf(num, sizeof num, "%d", J->row);
                row.n = 0;
                sbuf_field(&row, num, 1);
                for (int i = 0; i < hdr->n; i++) sbuf_field(&row, i < cr->n ? cr->f[i] : "", 0);
                sbuf_field(&row, J->msg ? J->msg : "error", 0);
                sbuf_endrow(&row);
                append_durable(efd, row.s, row.n);
            }
        }
        radx_result_destroy(J->res);
        J->res = NULL;
        free(J->msg);
        J->msg = NULL;
        pthread_mutex_lock(&B.mu);
        B.next_write = k + 1;
        pthread_cond_broadcast(&B.cv_room);
        pthread_mutex_unlock(&B.mu);
        if (B.abort) break;
        double t = now_s();
        if (tty ? (t - last > 0.2 || k + 1 == B.njobs) : ((k + 1) % step == 0 || t - last > 10)) {
            progress(tty, k + 1, B.njobs, failed, t0, tty && k + 1 == B.njobs);
            last = t;
        }
    }
    pthread_mutex_lock(&B.mu);
    B.abort = 1;
    pthread_cond_broadcast(&B.cv_room);
    pthread_mutex_unlock(&B.mu);
    for (int t = 0; t < nthreads; t++) pthread_join(th[t], NULL);
    if (have_reader) pthread_join(rth, NULL);
    for (int k = 0; k < B.njobs; k++) {
        radx_result_destroy(B.jobs[k].res);
        free(B.jobs[k].msg);
        free(B.jobs[k].ip);
        free(B.jobs[k].mp);
        prefetch_free(&B.jobs[k].pre);
    }
    /* a run that created OUT and wrote nothing into it leaves no empty file behind */
    int removed = 0;
    if (!out_present && fd >= 0) {
        struct stat osb;
        if (fstat(fd, &osb) == 0 && osb.st_size == 0 && unlink(out_path) == 0) removed = 1;
    }
    if (!rc) {
        if (failed && removed)
            fprintf(stderr, "radx batch: no case written (%s not created), %d failed (listed in %s)\n", out_path,
                    failed, errpath);
        else if (failed)
            fprintf(stderr, "radx batch: %d case(s) written to %s, %d failed (listed in %s)\n", written, out_path,
                    failed, errpath);
        else
            fprintf(stderr, "radx batch: %d case(s) written to %s\n", written, out_path);
        if (B.used_cuda) radx_cli_report_device(&B.device);
        if (failed) rc = 1;
    }
out:
    if (fd >= 0) close(fd);
    if (efd >= 0) close(efd);
    if (header) {
        for (int i = header_owned_from; i < nheader; i++) free(header[i]);
        free(header);
    }
    for (int i = 0; i < ndone; i++) free(done_keys[i]);
    free(done_keys);
    free(B.jobs);
    free(errpath);
    free(dir);
    sbuf_free(&row);
    csv_doc_free(&outdoc);
    csv_doc_free(&cohort);
    radx_plan_destroy(probe);
    radx_params_destroy(params);
    radx_ctx_destroy(ctx);
    return rc;
}
