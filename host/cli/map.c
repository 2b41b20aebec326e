/* SPDX-License-Identifier: BSD-3-Clause */
/* radx map: voxel-based feature maps (PyRadiomics' voxel-based extraction), one file per feature,
 * through the public API (radx_plan_execute_map, radx_map_save). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli.h"
#include "radx.h"

typedef struct map_out {
    radx_ctx *ctx;
    const char *dir;
    const char *ext;           /* ".nii.gz", ".nii", ".nrrd" */
    const char *const *inputs; /* IMAGE, MASK, PARAMS: no map may replace one */
    int quiet;
    radx_file **files; /* this run's maps, written, not yet in place */
    char **paths;      /* where each goes */
    size_t n, cap;
    size_t open_max; /* maps held open; those beyond are parked */
    double t0, t_write;
    char msg[1200];
} map_out;

/* Room for one more map in o->files and o->paths.  0, or -1. */
static int grow(map_out *o)
{
    if (o->n < o->cap) return 0;
    size_t nc = o->cap ? 2 * o->cap : 64;
    radx_file **nf = realloc(o->files, nc * sizeof *nf);
    if (nf) o->files = nf;
    char **np = nf ? realloc(o->paths, nc * sizeof *np) : NULL;
    if (np) o->paths = np;
    if (!nf || !np) return -1;
    o->cap = nc;
    return 0;
}

/* A map goes to a radx_file; every one of them is put in place together once all are written
 * (commit_maps), so that a failed or interrupted run leaves the folder as it found it. */
static radx_status on_map(void *user, const radx_map *m)
{
    map_out *o = user;
    size_t l = strlen(o->dir) + strlen(m->name) + strlen(o->ext) + 2;
    char *path = malloc(l);
    if (!path || grow(o)) {
        free(path);
        snprintf(o->msg, sizeof o->msg, "out of memory");
        return RADX_ERR_NOMEM;
    }
    snprintf(path, l, "%s/%s%s", o->dir, m->name, o->ext);
    for (int i = 0; i < 3; i++)
        if (radx_cli_same_file(path, o->inputs[i])) {
            snprintf(o->msg, sizeof o->msg, "%s: the map would replace the input %s", path, o->inputs[i]);
            free(path);
            return RADX_ERR_ARG;
        }
    double t = radx_cli_now_s();
    radx_file *f = NULL;
    radx_status s = radx_file_create(o->ctx, path, &f);
    if (!s) s = radx_map_save_fd(o->ctx, m, radx_file_fd(f), o->ext + 1);
    if (!s && o->n >= o->open_max) s = radx_file_park(o->ctx, f);
    o->t_write += radx_cli_now_s() - t;
    if (s) { /* the message names the map's file */
        const char *e = radx_ctx_last_error(o->ctx);
        size_t nl = strlen(m->name);
        if (!strncmp(e, m->name, nl) && !strncmp(e + nl, ": ", 2)) e += nl + 2;
        if (!strncmp(e, path, strlen(path))) /* already named */
            snprintf(o->msg, sizeof o->msg, "%s", e);
        else
            snprintf(o->msg, sizeof o->msg, "%s: %s", path, e);
        radx_file_discard(f);
        free(path);
        return s;
    }
    o->files[o->n] = f;
    o->paths[o->n++] = path;
    if (!o->quiet)
        fprintf(stderr, "radx map: [%zu/%zu] %s (%.2f s)\n", m->index + 1, m->count, m->name, radx_cli_now_s() - o->t0);
    return RADX_OK;
}

/* Every map in place, with the three signals held back so that the set is not cut in two.
 * 0, or 9 after printing the error. */
static int commit_maps(map_out *o)
{
    int rc = 0;
    radx_cli_signals_block(1);
    for (size_t i = 0; i < o->n; i++) {
        if (!rc && radx_file_commit(o->ctx, o->files[i]) != RADX_OK) {
            fprintf(stderr, "radx: %s\n", radx_ctx_last_error(o->ctx));
            rc = 9;
        } else if (rc) {
            radx_file_discard(o->files[i]);
        }
        o->files[i] = NULL;
    }
    radx_cli_signals_block(0);
    return rc;
}

/* How many files the run may hold open: the descriptor limit raised to its maximum, less a
 * margin for the inputs and the libraries. */
static size_t files_open_max(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return 64;
    if (rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max == RLIM_INFINITY ? 65536 : rl.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &rl) != 0) getrlimit(RLIMIT_NOFILE, &rl);
    }
    rlim_t n = rl.rlim_cur == RLIM_INFINITY ? 65536 : rl.rlim_cur;
    return n > 128 ? (size_t)(n - 64) : n / 2;
}

/* mkdir -p; *first_new: the length of the shortest prefix of dir this call created (0: none),
 * so that remove_new_dirs can take them away again. */
static int make_dirs(const char *dir, size_t *first_new)
{
    char buf[4096];
    size_t l = strlen(dir);
    *first_new = 0;
    if (l == 0 || l >= sizeof buf) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(buf, dir, l + 1);
    for (size_t i = 1; i <= l; i++) {
        if (buf[i] == '/' || buf[i] == 0) {
            char c = buf[i];
            buf[i] = 0;
            if (mkdir(buf, 0777) == 0 && !*first_new) *first_new = i;
            if (errno != EEXIST && access(buf, F_OK) != 0) return -1;
            buf[i] = c;
        }
    }
    struct stat st;
    if (stat(dir, &st) != 0) return -1;
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return -1;
    }
    return 0;
}

/* Removes the folders make_dirs created (when still empty), deepest first. */
static void remove_new_dirs(const char *dir, size_t first_new)
{
    char buf[4096];
    size_t l = strlen(dir);
    if (!first_new || l >= sizeof buf) return;
    memcpy(buf, dir, l + 1);
    for (size_t i = l; i >= first_new; i--)
        if (buf[i] == '/' || buf[i] == 0) {
            buf[i] = 0;
            if (rmdir(buf) != 0) return;
        }
}

static int ends_with(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && strcasecmp(s + a - b, suf) == 0;
}

typedef struct map_opts {
    radx_cli_opts co; /* co.paths: IMAGE, MASK; co.out: -o DIR; co.fmt: -f; co.quiet: -q */
    const char *ext;  /* the maps' file type, from -f or the image's */
    radx_backend backend;
} map_opts;

/* 0, or the exit status after printing the error. */
static int parse_options(map_opts *o, int argc, char **argv)
{
    memset(o, 0, sizeof *o);
    o->co.cmd = "map";
    o->co.max_jobs = 4096;
    if (radx_cli_case_opts(&o->co, argc, argv, 1)) return 2;
    if (o->co.names) {
        fprintf(stderr, "radx map: --names is extract's option (maps are named <imageType>_<class>_<Feature>)\n");
        return 2;
    }
    if (!o->co.out) {
        fprintf(stderr, "radx map: needs -o DIR (the folder the maps go to)\n");
        return 2;
    }
    const char *fmt = o->co.fmt;
    if (!fmt)
        o->ext = (ends_with(o->co.paths[0], ".nrrd") || ends_with(o->co.paths[0], ".nhdr")) ? ".nrrd" : ".nii.gz";
    else if (!strcmp(fmt, "nii.gz"))
        o->ext = ".nii.gz";
    else if (!strcmp(fmt, "nii"))
        o->ext = ".nii";
    else if (!strcmp(fmt, "nrrd"))
        o->ext = ".nrrd";
    else {
        fprintf(stderr, "radx map: -f '%s': format must be nii.gz, nii or nrrd\n", fmt);
        return 2;
    }
    if (radx_cli_backend(&o->co, &o->backend)) return 2;
    return 0;
}

/* Computes the maps, then puts them in place all together; on error none of them is left and
 * the folder is as it was.  0, or the exit status after printing the error. */
static int make_maps(const map_opts *mo, radx_ctx *ctx, radx_plan *plan, map_out *o)
{
    const char *const inputs[3] = {mo->co.paths[0], mo->co.paths[1], mo->co.params_path};
    o->ctx = ctx;
    o->dir = mo->co.out;
    o->ext = mo->ext;
    o->inputs = inputs;
    o->quiet = mo->co.quiet;
    o->open_max = files_open_max();
    o->t0 = radx_cli_now_s();
    radx_status s = radx_plan_execute_map(plan, mo->co.paths[0], mo->co.paths[1], mo->co.label, on_map, o);
    if (s) {
        /* a failed save: its own message; anything else: the context's */
        fprintf(stderr, "radx: %s\n", o->msg[0] ? o->msg : radx_ctx_last_error(ctx));
        return o->msg[0] && s == RADX_ERR_IO ? 9 : radx_cli_exit_code(s);
    }
    radx_cli_report_warnings(ctx, "map");
    if (o->n == 0) {
        fprintf(stderr, "radx map: the settings enable no feature class with a voxel-based form "
                        "(shape and shape2D have none)\n");
        return 2;
    }
    double tc = radx_cli_now_s();
    int rc = commit_maps(o);
    o->t_write += radx_cli_now_s() - tc;
    if (!rc && !mo->co.quiet) {
        double t = radx_cli_now_s() - o->t0;
        fprintf(stderr,
                "radx map: %zu maps in %s (%.3f s: read, prepare and compute %.3f s, write %.3f s; "
                "%s)\n",
                o->n, mo->co.out, t, t - o->t_write, o->t_write,
                radx_plan_backend(plan) == RADX_BACKEND_CUDA
                    ? "preprocessing and first order on the cuda backend, the other classes on the CPU"
                    : "on the cpu backend");
        radx_cli_report_plan(plan);
    }
    return rc;
}

int radx_cmd_map(int argc, char **argv)
{
    map_opts mo;
    int rc = parse_options(&mo, argc, argv);
    if (rc) return rc;

    radx_ctx *ctx;
    radx_params *p;
    radx_plan *plan;
    map_out o;
    memset(&o, 0, sizeof o);
    rc = radx_cli_plan(&mo.co, mo.backend, &ctx, &p, &plan);
    if (rc) goto out;
    size_t first_new = 0;
    if (make_dirs(mo.co.out, &first_new) != 0 || access(mo.co.out, W_OK | X_OK) != 0) {
        fprintf(stderr, "radx: %s: cannot write maps there: %s\n", mo.co.out, strerror(errno));
        remove_new_dirs(mo.co.out, first_new);
        rc = 9;
        goto out;
    }
    rc = make_maps(&mo, ctx, plan, &o);
    if (rc) remove_new_dirs(mo.co.out, first_new);
out:
    for (size_t i = 0; i < o.n; i++) {
        radx_file_discard(o.files[i]); /* NULL once committed */
        free(o.paths[i]);
    }
    free(o.files);
    free(o.paths);
    radx_plan_destroy(plan);
    radx_params_destroy(p);
    radx_ctx_destroy(ctx);
    return rc;
}
