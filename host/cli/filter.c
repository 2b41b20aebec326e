/* SPDX-License-Identifier: BSD-3-Clause */
/* radx filter: the response map of the one image a parameter file's image types make, over the
 * whole image (no mask, no crop), on its grid, as float32 (radx_plan_execute_filter). */
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "radx.h"

typedef struct filter_out {
    radx_ctx *ctx;
    radx_file *file;
    const char *format; /* "nii.gz", "nii", "nrrd" */
    int written;
    char msg[1200];
} filter_out;

static int ends_with(const char *s, const char *suffix)
{
    const size_t n = strlen(s), k = strlen(suffix);
    return n >= k && !strcmp(s + n - k, suffix);
}

static radx_status on_map(void *user, const radx_map *m)
{
    filter_out *o = user;
    if (m->count != 1) {
        snprintf(o->msg, sizeof o->msg,
                 "the settings make %zu images (the first: %s); radx filter writes one: enable one image type "
                 "(LoG with one sigma)",
                 m->count, m->image_type);
        return RADX_ERR_PARAM;
    }
    radx_status s = radx_map_save_fd(o->ctx, m, radx_file_fd(o->file), o->format);
    if (s) snprintf(o->msg, sizeof o->msg, "%s", radx_ctx_last_error(o->ctx));
    o->written = !s;
    return s;
}

/* IMAGE, the common options and -o OUT: 0, or 2 after printing the error. */
static int parse_options(radx_cli_opts *o, int argc, char **argv)
{
    memset(o, 0, sizeof *o);
    o->cmd = "filter";
    o->max_jobs = 4096;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        const int c = radx_cli_common_opt(o, argc, argv, &i);
        if (c < 0) return 2;
        if (c) continue;
        if (!strcmp(a, "-o") || !strcmp(a, "--out")) {
            if (i + 1 >= argc) {
                fprintf(stderr, "radx filter: %s needs a value\n", a);
                return 2;
            }
            o->out = argv[++i];
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "radx filter: unknown option '%s' (see radx --help)\n", a);
            return 2;
        } else if (o->paths[0]) {
            fprintf(stderr, "radx filter: unexpected argument '%s' (see radx --help)\n", a);
            return 2;
        } else {
            o->paths[0] = a;
        }
    }
    if (!o->paths[0] || !o->out) {
        fprintf(stderr, "radx filter: needs IMAGE and -o OUT (.nii.gz, .nii or .nrrd)\n");
        return 2;
    }
    if (!ends_with(o->out, ".nii.gz") && !ends_with(o->out, ".nii") && !ends_with(o->out, ".nrrd")) {
        fprintf(stderr, "radx filter: -o %s: the map is written as .nii.gz, .nii or .nrrd\n", o->out);
        return 2;
    }
    const char *const inputs[2] = {o->paths[0], o->params_path};
    return radx_cli_refuse_output_input("filter", o->out, inputs, 2);
}

int radx_cmd_filter(int argc, char **argv)
{
    radx_cli_opts co;
    radx_backend backend;
    int rc = parse_options(&co, argc, argv);
    if (!rc && radx_cli_backend(&co, &backend)) rc = 2;
    if (rc) return rc;
    radx_ctx *ctx;
    radx_params *p;
    radx_plan *plan;
    rc = radx_cli_plan(&co, backend, &ctx, &p, &plan);
    if (rc) goto out;
    radx_cli_report_auto_backend(backend, plan);
    filter_out o = {ctx, NULL,
                    ends_with(co.out, ".nii.gz") ? "nii.gz"
                    : ends_with(co.out, ".nii")  ? "nii"
                                                 : "nrrd",
                    0, ""};
    radx_status s = radx_file_create(ctx, co.out, &o.file);
    if (s) {
        fprintf(stderr, "radx: %s\n", radx_ctx_last_error(ctx));
        rc = 9;
        goto out;
    }
    s = radx_plan_execute_filter(plan, co.paths[0], on_map, &o);
    if (!s && !o.written) {
        s = RADX_ERR_PARAM;
        snprintf(o.msg, sizeof o.msg, "the settings make no image (no image type enabled)");
    }
    if (s) {
        radx_file_discard(o.file); /* nothing is left */
    } else if ((s = radx_file_commit(ctx, o.file))) {
        rc = 9;
    }
    if (s) {
        fprintf(stderr, "radx: %s\n", o.msg[0] ? o.msg : radx_ctx_last_error(ctx));
        if (!rc) rc = radx_cli_exit_code(s);
    }
out:
    radx_plan_destroy(plan);
    radx_params_destroy(p);
    radx_ctx_destroy(ctx);
    return rc;
}
