/* SPDX-License-Identifier: BSD-3-Clause */
/* `radx batch`'s cases in flight: a reader thread reads and decompresses the next cases' files
 * while worker threads compute; the writer (batch.c) takes the results in cohort order. */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "batch.h"
#include "cli.h"

/* Both files of a case, headers first (radx_plan_read_case), through the reader's plan. */
static void prefetch_read(prefetch *f, radx_ctx *ctx, radx_plan *plan, const char *ip, const char *mp)
{
    memset(f, 0, sizeof *f);
    f->status = radx_plan_read_case(plan, ip, mp, &f->img, &f->msk);
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

static char *resolve(const char *dir, const char *p)
{
    size_t n = strlen(dir) + strlen(p) + 2;
    char *out = malloc(n);
    if (!out) return NULL;
    if (p[0] == '/' || !dir[0])
        snprintf(out, n, "%s", p);
    else
        snprintf(out, n, "%s/%s", dir, p);
    return out;
}

/* A job's message: one line (line breaks become spaces), allocated. */
__attribute__((format(printf, 1, 2))) static char *one_line(const char *fmt, ...)
{
    char buf[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
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
        J->msg = one_line("empty %s column", !img[0] ? "Image" : "Mask");
        return;
    }
    if (B->col_label >= 0 && B->col_label < r->n && r->f[B->col_label][0]) {
        char *end;
        long v = strtol(r->f[B->col_label], &end, 10);
        if (*end || v < 1 || v > INT_MAX) {
            J->status = RADX_ERR_ARG;
            J->msg = one_line("Label '%s': must be a positive integer", r->f[B->col_label]);
            return;
        }
        J->label = (int)v;
    }
    if (B->col_channel >= 0 && B->col_channel < r->n && r->f[B->col_channel][0] &&
        strcmp(r->f[B->col_channel], "0") != 0) {
        J->status = RADX_ERR_UNSUPPORTED;
        J->msg =
            one_line("Label_channel '%s': vector (multi-channel) masks are not supported yet", r->f[B->col_channel]);
        return;
    }
    J->ip = resolve(B->csv_dir, img);
    J->mp = resolve(B->csv_dir, msk);
    if (!J->ip || !J->mp) {
        J->status = RADX_ERR_NOMEM;
        J->msg = strdup("out of memory");
        return;
    }
    const char *in[2] = {J->ip, J->mp}, *out[2] = {B->out_path, B->errors_path};
    for (int i = 0; i < 4 && !J->status; i++)
        if (radx_cli_same_file(in[i / 2], out[i % 2])) {
            J->status = RADX_ERR_ARG;
            J->msg = one_line("%s: is the output file %s; it would be overwritten", in[i / 2], out[i % 2]);
        }
}

/* The read-ahead thread: reads and decompresses the next cases' files while the workers
 * compute, at most `ahead` cases beyond those the workers have taken (bounded memory). */
static void *reader(void *arg)
{
    batch *B = arg;
    radx_ctx *ctx = NULL;
    radx_plan *plan = NULL; /* the settings that decide how the files are read; CPU: it computes nothing */
    if (radx_ctx_create(&ctx) || radx_plan_create(ctx, B->params, RADX_BACKEND_CPU, &plan))
        plan = NULL; /* none: the workers read the files themselves */
    for (int k = 0; k < B->njobs; k++) {
        pthread_mutex_lock(&B->mu);
        while (!B->abort && k >= B->next_take + B->ahead) pthread_cond_wait(&B->cv_room, &B->mu);
        int stop = B->abort;
        pthread_mutex_unlock(&B->mu);
        if (stop) break;
        job *J = &B->jobs[k];
        if (plan && !J->status && J->ip) prefetch_read(&J->pre, ctx, plan, J->ip, J->mp);
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
    radx_plan_destroy(plan);
    radx_ctx_destroy(ctx);
    return NULL;
}

/* The context's warnings as one text, a line each (NULL: none or out of memory). */
static char *warnings_of(const radx_ctx *ctx)
{
    sbuf_t b = {0};
    for (int i = 0; i < radx_ctx_warning_count(ctx); i++) {
        const char *w = radx_ctx_warning(ctx, i);
        if (sbuf_add(&b, w, strlen(w)) || sbuf_add(&b, "\n", 1)) break;
    }
    return b.s;
}

/* Computes one job from the files read ahead, or from its paths when none were. */
static void run_job(radx_ctx *ctx, radx_plan *plan, job *J)
{
    if (J->status) return; /* invalid row, message set by setup_job */
    const prefetch *f = &J->pre;
    if (f->valid && f->status) {
        J->status = f->status;
        J->msg = one_line("%s", f->msg ? f->msg : "out of memory");
    } else {
        J->status = f->valid ? radx_plan_execute_image(plan, f->img, f->msk, J->label, &J->res)
                             : radx_plan_execute(plan, J->ip, J->mp, J->label, &J->res);
        if (J->status) J->msg = one_line("%s", radx_ctx_last_error(ctx));
        J->warnings = warnings_of(ctx);
    }
    prefetch_free(&J->pre);
}

/* The next job for a worker, once its files are loaded; NULL when there is none (or abort).
 * Workers stay within `window` jobs of the writer. */
static job *take_job(batch *B)
{
    pthread_mutex_lock(&B->mu);
    while (!B->abort && B->next_take < B->njobs && B->next_take >= B->next_write + B->window)
        pthread_cond_wait(&B->cv_room, &B->mu);
    if (B->abort || B->next_take >= B->njobs) {
        pthread_mutex_unlock(&B->mu);
        return NULL;
    }
    job *J = &B->jobs[B->next_take++];
    pthread_cond_broadcast(&B->cv_room); /* the reader may read further */
    while (!J->loaded) pthread_cond_wait(&B->cv_done, &B->mu);
    pthread_mutex_unlock(&B->mu);
    return J;
}

/* A worker: one context and plan, jobs until there are none; its plan's device statistics are
 * added to the batch's. */
static void *worker(void *arg)
{
    batch *B = arg;
    radx_ctx *ctx = NULL;
    radx_plan *plan = NULL;
    radx_status st = radx_ctx_create(&ctx);
    if (!st) radx_ctx_set_threads(ctx, B->threads_per_case);
    if (!st) st = radx_plan_create(ctx, B->params, B->backend, &plan);
    job *J;
    while ((J = take_job(B))) {
        if (st) {
            if (!J->status) {
                J->status = st;
                J->msg = one_line("%s", ctx ? radx_ctx_last_error(ctx) : "out of memory");
            }
            prefetch_free(&J->pre);
        } else {
            run_job(ctx, plan, J);
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

int batch_start(batch *B, int jobs_n)
{
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    B->threads_per_case = jobs_n >= ncpu ? 1 : (int)(ncpu / jobs_n);
    B->window = 4 * jobs_n;
    B->ahead = jobs_n; /* read ahead one case per worker: peak memory about 2 x jobs_n cases */
    for (int k = 0; k < B->njobs; k++) setup_job(B, &B->jobs[k]);
    pthread_mutex_init(&B->mu, NULL);
    pthread_cond_init(&B->cv_done, NULL);
    pthread_cond_init(&B->cv_room, NULL);
    B->nworkers = jobs_n < B->njobs ? jobs_n : B->njobs;
    B->have_reader = B->njobs > 0 && pthread_create(&B->reader, NULL, reader, B) == 0;
    if (!B->have_reader)
        for (int k = 0; k < B->njobs; k++) B->jobs[k].loaded = 1; /* workers read the files themselves */
    int started = 0;
    for (int t = 0; t < B->nworkers; t++) started += pthread_create(&B->workers[started], NULL, worker, B) == 0;
    B->nworkers = started;
    if (started == 0 && B->njobs > 0) {
        fprintf(stderr, "radx batch: cannot start a worker thread (out of memory or a thread limit)\n");
        return 7;
    }
    return 0;
}

job *batch_wait(batch *B, int k)
{
    pthread_mutex_lock(&B->mu);
    while (!B->jobs[k].done) pthread_cond_wait(&B->cv_done, &B->mu);
    pthread_mutex_unlock(&B->mu);
    return &B->jobs[k];
}

void batch_written(batch *B, int k, int stop)
{
    job *J = &B->jobs[k];
    radx_result_destroy(J->res);
    J->res = NULL;
    free(J->msg);
    J->msg = NULL;
    free(J->warnings);
    J->warnings = NULL;
    pthread_mutex_lock(&B->mu);
    if (stop) B->abort = 1;
    B->next_write = k + 1;
    pthread_cond_broadcast(&B->cv_room);
    pthread_mutex_unlock(&B->mu);
}

void batch_stop(batch *B)
{
    pthread_mutex_lock(&B->mu);
    B->abort = 1;
    pthread_cond_broadcast(&B->cv_room);
    pthread_mutex_unlock(&B->mu);
    for (int t = 0; t < B->nworkers; t++) pthread_join(B->workers[t], NULL);
    if (B->have_reader) pthread_join(B->reader, NULL);
    for (int k = 0; k < B->njobs; k++) {
        radx_result_destroy(B->jobs[k].res);
        free(B->jobs[k].msg);
        free(B->jobs[k].warnings);
        free(B->jobs[k].ip);
        free(B->jobs[k].mp);
        prefetch_free(&B->jobs[k].pre);
    }
    pthread_cond_destroy(&B->cv_room);
    pthread_cond_destroy(&B->cv_done);
    pthread_mutex_destroy(&B->mu);
}
