/* SPDX-License-Identifier: BSD-3-Clause */
/* What the commands share: exit statuses, the options -p, -s, --label, --device and -j, the
 * backend and device reports, the clock. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include "cli.h"

int radx_cli_exit_code(radx_status s)
{
    switch (s) {
    case RADX_OK: return 0;
    case RADX_ERR_ARG:
    case RADX_ERR_PARAM: return 2;
    case RADX_ERR_IO:
    case RADX_ERR_FORMAT: return 3;
    case RADX_ERR_GEOMETRY:
    case RADX_ERR_LABEL:
    case RADX_ERR_ROI:
    case RADX_ERR_VALUE: return 4;
    case RADX_ERR_UNSUPPORTED: return 5;
    case RADX_ERR_DEVICE: return 6;
    case RADX_ERR_NOMEM: return 7;
    default: return 8;
    }
}

static int need(const radx_cli_opts *o, int argc, int i, const char *a)
{
    if (i + 1 < argc) return 0;
    fprintf(stderr, "radx %s: option %s needs a value\n", o->cmd, a);
    return -1;
}

static int parse_int(const radx_cli_opts *o, const char *opt, const char *v, long lo, long hi, long *out)
{
    char *end;
    long x = strtol(v, &end, 10);
    if (!v[0] || *end || x < lo || x > hi) {
        fprintf(stderr, "radx %s: %s '%s': must be an integer from %ld to %ld\n", o->cmd, opt, v, lo, hi);
        return -1;
    }
    *out = x;
    return 0;
}

int radx_cli_common_opt(radx_cli_opts *o, int argc, char **argv, int *i)
{
    const char *a = argv[*i];
    long v;
    if (!strcmp(a, "-p") || !strcmp(a, "--param")) {
        if (need(o, argc, *i, a)) return -1;
        o->params_path = argv[++*i];
    } else if (!strcmp(a, "-s") || !strcmp(a, "--setting")) {
        if (need(o, argc, *i, a)) return -1;
        if (o->nsets == RADX_CLI_MAX_SETS) {
            fprintf(stderr, "radx %s: too many -s options\n", o->cmd);
            return -1;
        }
        o->sets[o->nsets++] = argv[++*i];
    } else if (!strcmp(a, "--label")) {
        if (need(o, argc, *i, a) || parse_int(o, a, argv[++*i], 1, 2147483647L, &v)) return -1;
        o->label = (int)v;
    } else if (!strcmp(a, "--device")) {
        if (need(o, argc, *i, a)) return -1;
        o->device = argv[++*i];
    } else if (!strcmp(a, "-j") || !strcmp(a, "--jobs")) {
        if (need(o, argc, *i, a) || parse_int(o, "-j", argv[++*i], 1, o->max_jobs, &v)) return -1;
        o->jobs = (int)v;
    } else {
        return 0;
    }
    return 1;
}

/* -o, -f or (with_quiet) -q at argv[*i]: 1 when consumed, 0 when none of them, -1 after an error. */
static int case_opt(radx_cli_opts *o, int argc, char **argv, int *i, int with_quiet)
{
    const char *a = argv[*i];
    const char **value = !strcmp(a, "-o") || !strcmp(a, "--out")      ? &o->out
                         : !strcmp(a, "-f") || !strcmp(a, "--format") ? &o->fmt
                         : !strcmp(a, "--names")                      ? &o->names
                                                                      : NULL;
    if (value) {
        if (need(o, argc, *i, a)) return -1;
        *value = argv[++*i];
        return 1;
    }
    if (with_quiet && (!strcmp(a, "-q") || !strcmp(a, "--quiet"))) return o->quiet = 1;
    return 0;
}

int radx_cli_case_opts(radx_cli_opts *o, int argc, char **argv, int with_quiet)
{
    int npaths = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        int c = radx_cli_common_opt(o, argc, argv, &i);
        if (!c) c = case_opt(o, argc, argv, &i, with_quiet);
        if (c < 0) return 2;
        if (c) continue;
        if (a[0] == '-' && a[1]) {
            fprintf(stderr, "radx %s: unknown option '%s' (see radx --help)\n", o->cmd, a);
            return 2;
        }
        if (npaths == 2) {
            fprintf(stderr, "radx %s: unexpected argument '%s' (see radx --help)\n", o->cmd, a);
            return 2;
        }
        o->paths[npaths++] = a;
    }
    if (npaths != 2) {
        fprintf(stderr, "radx %s: needs IMAGE and MASK (see radx --help)\n", o->cmd);
        return 2;
    }
    return 0;
}

void radx_cli_report_auto_backend(radx_backend asked, const radx_plan *plan)
{
    if (asked != RADX_BACKEND_AUTO) return;
    radx_backend b = radx_plan_backend(plan);
    fprintf(stderr, "radx: using the %s backend%s\n", radx_backend_name(b),
            b == RADX_BACKEND_CPU ? " (no usable CUDA device)" : "");
}

void radx_cli_report_device(const radx_device_stats *s)
{
    fprintf(stderr, "radx: CUDA device memory: peak %.1f MiB of a %.0f MiB budget", (double)s->peak_bytes / 1048576.0,
            (double)s->budget_bytes / 1048576.0);
    if (s->cpu_fallbacks) fprintf(stderr, "; %lld op(s) ran on the CPU for lack of device memory", s->cpu_fallbacks);
    if (s->tiled_ops) fprintf(stderr, "; %lld op(s) processed in tiles", s->tiled_ops);
    fprintf(stderr, "; copies: %.1f MiB up, %.1f MiB down", (double)s->upload_bytes / 1048576.0,
            (double)s->download_bytes / 1048576.0);
    if (s->upload_bytes_saved)
        fprintf(stderr, "; %.1f MiB of uploads spared (already on the device)",
                (double)s->upload_bytes_saved / 1048576.0);
    if (s->download_bytes_saved)
        fprintf(stderr, "; %.1f MiB of results kept on the device, never downloaded",
                (double)s->download_bytes_saved / 1048576.0);
    if (s->narrow_bytes_saved)
        fprintf(stderr, "; %.1f MiB spared by narrow transfers", (double)s->narrow_bytes_saved / 1048576.0);
    fputc('\n', stderr);
}

void radx_cli_report_plan(const radx_plan *plan)
{
    radx_device_stats s;
    if (radx_plan_backend(plan) != RADX_BACKEND_CUDA || radx_plan_device_stats(plan, &s)) return;
    radx_cli_report_device(&s);
}

void radx_cli_add_device_stats(radx_device_stats *sum, const radx_device_stats *s)
{
    if (s->peak_bytes > sum->peak_bytes) sum->peak_bytes = s->peak_bytes;
    if (s->budget_bytes > sum->budget_bytes) sum->budget_bytes = s->budget_bytes;
    sum->cpu_fallbacks += s->cpu_fallbacks;
    sum->tiled_ops += s->tiled_ops;
    sum->upload_bytes += s->upload_bytes;
    sum->download_bytes += s->download_bytes;
    sum->upload_bytes_saved += s->upload_bytes_saved;
    sum->download_bytes_saved += s->download_bytes_saved;
    sum->narrow_bytes_saved += s->narrow_bytes_saved;
}

int radx_cli_backend(const radx_cli_opts *o, radx_backend *b)
{
    const char *d = o->device ? o->device : "auto";
    if (!strcmp(d, "auto"))
        *b = RADX_BACKEND_AUTO;
    else if (!strcmp(d, "cpu"))
        *b = RADX_BACKEND_CPU;
    else if (!strcmp(d, "cuda"))
        *b = RADX_BACKEND_CUDA;
    else {
        fprintf(stderr, "radx %s: --device '%s': must be auto, cpu or cuda\n", o->cmd, d);
        return -1;
    }
    return 0;
}

int radx_cli_params(const radx_cli_opts *o, radx_ctx *ctx, radx_params **out)
{
    radx_params *p = NULL;
    radx_status s = radx_params_create(ctx, &p);
    if (!s && o->params_path) s = radx_params_load(ctx, p, o->params_path);
    for (int i = 0; !s && i < o->nsets; i++) {
        char *buf = strdup(o->sets[i]), *colon = buf ? strchr(buf, ':') : NULL;
        if (!colon) {
            if (buf)
                fprintf(stderr, "radx %s: -s '%s': expected NAME:VALUE\n", o->cmd, o->sets[i]);
            else
                fprintf(stderr, "radx %s: out of memory\n", o->cmd);
            free(buf);
            radx_params_destroy(p);
            return buf ? 2 : 7;
        }
        *colon = 0;
        s = radx_params_set(ctx, p, buf, colon + 1);
        free(buf);
    }
    if (s) {
        fprintf(stderr, "radx: %s\n", radx_ctx_last_error(ctx));
        radx_params_destroy(p);
        return radx_cli_exit_code(s);
    }
    *out = p;
    return 0;
}

int radx_cli_same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return a && b && stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

int radx_cli_refuse_output_input(const char *cmd, const char *out, const char *const *inputs, int n)
{
    for (int i = 0; i < n; i++)
        if (radx_cli_same_file(out, inputs[i])) {
            fprintf(stderr, "radx %s: %s: the output is the input %s; it would be overwritten\n", cmd, out, inputs[i]);
            return 2;
        }
    return 0;
}

double radx_cli_now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int radx_cli_plan(const radx_cli_opts *o, radx_backend b, radx_ctx **ctx, radx_params **p, radx_plan **plan)
{
    *ctx = NULL;
    *p = NULL;
    *plan = NULL;
    radx_status s = radx_ctx_create(ctx);
    if (s) {
        fprintf(stderr, "radx: %s\n", radx_status_string(s));
        return radx_cli_exit_code(s);
    }
    if (o->jobs) radx_ctx_set_threads(*ctx, o->jobs);
    int rc = radx_cli_params(o, *ctx, p);
    if (rc) return rc;
    s = radx_plan_create(*ctx, *p, b, plan);
    if (s) fprintf(stderr, "radx: %s\n", radx_ctx_last_error(*ctx));
    return radx_cli_exit_code(s);
}

void radx_cli_report_warnings(const radx_ctx *ctx, const char *cmd)
{
    for (int i = 0; i < radx_ctx_warning_count(ctx); i++)
        fprintf(stderr, "radx %s: warning: %s\n", cmd, radx_ctx_warning(ctx, i));
}
