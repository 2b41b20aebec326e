/* SPDX-License-Identifier: BSD-3-Clause */
/* `radx extract`: the features of one case, as txt, csv or json, on stdout or in a file. */
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "output.h"

typedef struct extract_opts {
    radx_cli_opts co; /* co.paths: IMAGE, MASK; co.out: -o (NULL = stdout); co.fmt: -f */
    radx_backend backend;
} extract_opts;

/* 0, or the exit status after printing the error. */
static int parse_options(extract_opts *o, int argc, char **argv)
{
    memset(o, 0, sizeof *o);
    o->co.cmd = "extract";
    o->co.max_jobs = 4096;
    if (radx_cli_case_opts(&o->co, argc, argv, 0)) return 2;
    if (!o->co.fmt) o->co.fmt = "txt";
    if (strcmp(o->co.fmt, "txt") && strcmp(o->co.fmt, "csv") && strcmp(o->co.fmt, "json")) {
        fprintf(stderr, "radx extract: -f '%s': format must be txt, csv or json\n", o->co.fmt);
        return 2;
    }
    if (o->co.names && strcmp(o->co.names, "radx") && strcmp(o->co.names, "ibsi")) {
        fprintf(stderr, "radx extract: --names '%s': must be radx or ibsi\n", o->co.names);
        return 2;
    }
    if (radx_cli_backend(&o->co, &o->backend)) return 2;
    const char *const inputs[3] = {o->co.paths[0], o->co.paths[1], o->co.params_path};
    return o->co.out ? radx_cli_refuse_output_input("extract", o->co.out, inputs, 3) : 0;
}

/* The result to -o (the file opened before the case was computed) or to stdout.  0, or the exit
 * status after printing the error. */
static int write_output(const extract_opts *o, radx_ctx *ctx, radx_file *out, const radx_result *r)
{
    sbuf_t b = {0};
    int rc = 0;
    char err[2048];
    const int ibsi = o->co.names && !strcmp(o->co.names, "ibsi");
    if (radx_cli_format_result(&b, r, o->co.fmt, ibsi)) {
        fprintf(stderr, "radx: out of memory\n");
        radx_file_discard(out);
        rc = 7;
    } else if (out) {
        rc = radx_cli_write_file(ctx, out, b.s, b.n, err, sizeof err);
        if (rc) fprintf(stderr, "radx: %s\n", rc == 7 ? "out of memory" : err);
    } else if (fwrite(b.s, 1, b.n, stdout) != b.n || fflush(stdout)) {
        fprintf(stderr, "radx: cannot write to standard output\n");
        rc = 9;
    }
    sbuf_free(&b);
    return rc;
}

int radx_cmd_extract(int argc, char **argv)
{
    extract_opts o;
    int rc = parse_options(&o, argc, argv);
    if (rc) return rc;

    radx_ctx *ctx;
    radx_params *p;
    radx_plan *plan;
    radx_result *r = NULL;
    radx_file *file = NULL;
    rc = radx_cli_plan(&o.co, o.backend, &ctx, &p, &plan);
    if (rc) goto out;
    radx_cli_report_auto_backend(o.backend, plan);
    int cannot_write = 0; /* a bad -o fails before the case is computed */
    radx_status s = RADX_OK;
    if (o.co.out) cannot_write = (s = radx_file_create(ctx, o.co.out, &file)) == RADX_ERR_IO;
    if (!s) s = radx_plan_execute(plan, o.co.paths[0], o.co.paths[1], o.co.label, &r);
    if (s) {
        fprintf(stderr, "radx: %s\n", radx_ctx_last_error(ctx));
        rc = cannot_write ? 9 : radx_cli_exit_code(s);
        radx_file_discard(file);
        goto out;
    }
    radx_cli_report_warnings(ctx, "extract");
    rc = write_output(&o, ctx, file, r);
    if (!rc) radx_cli_report_plan(plan);
out:
    radx_result_destroy(r);
    radx_plan_destroy(plan);
    radx_params_destroy(p);
    radx_ctx_destroy(ctx);
    return rc;
}
