/* SPDX-License-Identifier: BSD-3-Clause */
/* The radx command line: a thin user of the public API (include/radx.h). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#include "radx.h"

static const char *usage_text =
    "usage: radx extract IMAGE MASK [-p PARAMS.yaml] [-s NAME:VALUE]... [--label N]\n"
    "                    [--device auto|cpu|cuda] [-f txt|csv|json] [-o FILE] [-j THREADS]\n"
    "       radx batch COHORT.csv -o OUT.csv [-p PARAMS] [-s NAME:VALUE]... [-j N]\n"
    "                  [--device auto|cpu|cuda] [--resume] [--shard I/N]\n"
    "       radx merge A.csv B.csv ... -o ALL.csv\n"
    "       radx delta --baseline A.csv --followup B.csv --id COLUMN[,COLUMN...] -o DELTA.csv\n"
    "                  [--relative]\n"
    "       radx map IMAGE MASK -o DIR [-p PARAMS] [-s NAME:VALUE]... [--label N]\n"
    "                [--device auto|cpu|cuda] [-j THREADS] [-f nii.gz|nii|nrrd] [-q]\n"
    "       radx --version | --help\n"
    "\n"
    "  IMAGE, MASK     NIfTI (.nii, .nii.gz, .hdr) or NRRD (.nrrd, .nhdr) volumes on the same grid\n"
    "  -p PARAMS       PyRadiomics parameter file (YAML or JSON)\n"
    "  -s NAME:VALUE   override one setting, e.g. -s binWidth:10 -s distances:[1,2]\n"
    "  --label N       mask value of the ROI (default: the 'label' setting, 1)\n"
    "  --device D      auto (CUDA when a device is usable, else CPU), cpu, cuda\n"
    "  -f FORMAT       txt (name: value lines, default), csv (header + one row), json (one object)\n"
    "  -o FILE         write there (atomically: no file is left on error) instead of stdout\n"
    "  -j THREADS      CPU threads (default: all cores)\n"
    "\n"
    "batch: COHORT.csv is PyRadiomics' batch format: a header with Image and Mask (paths, relative\n"
    "  ones from the CSV's folder), optional Label and Label_channel; every column is copied in\n"
    "  front of the features.  -j N cases in flight.  Each finished row is appended whole and\n"
    "  flushed; failed cases go to OUT.errors.csv and make the exit status 1.  --resume skips the\n"
    "  cases already in OUT.csv; --shard I/N does rows I, I+N, I+2N, ... (1-based).\n"
    "merge: joins shard outputs with identical headers (atomically).\n"
    "map: PyRadiomics' voxel-based extraction (voxelSetting kernelRadius, maskedKernel, initValue,\n"
    "  voxelBatch): one float32 map per feature, DIR/<imageType>_<class>_<Feature>.nii.gz (.nrrd when\n"
    "  IMAGE is NRRD, or as -f says) on the image's grid (the resampled grid when resampling), with\n"
    "  initValue outside the ROI; progress on stderr (-q: none).  On error no map of the run is left.\n"
    "delta: follow-up minus baseline for every feature of every ID in both files (--relative:\n"
    "  (follow-up - baseline) / baseline).\n"
    "\n"
    "exit status: 0 ok; 2 usage or invalid setting; 3 unreadable or corrupt file; 4 image/mask\n"
    "geometry, label or ROI problem; 5 not supported yet; 6 device unavailable; 7 out of memory;\n"
    "8 internal error; 9 cannot write output\n";

static void json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
        else if (c < 0x20) fprintf(f, "\\u%04x", c);
        else fputc(c, f);
    }
    fputc('"', f);
}

static void csv_field(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\n\r")) { fputs(s, f); return; }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"') fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static int write_result(FILE *f, const radx_result *r, const char *fmt)
{
    size_t n = radx_result_count(r);
    if (strcmp(fmt, "json") == 0) {
        fputc('{', f);
        for (size_t i = 0; i < n; i++) {
            fputs(i ? ",\n " : "\n ", f);
            json_string(f, radx_result_name(r, i));
            fputs(": ", f);
            if (radx_result_is_number(r, i)) {
                double v = radx_result_value(r, i);
                if (isfinite(v)) fputs(radx_result_text(r, i), f);
                else fputs("null", f); /* JSON has no NaN/Inf */
            } else {
                json_string(f, radx_result_text(r, i));
            }
        }
        fputs("\n}\n", f);
    } else if (strcmp(fmt, "csv") == 0) {
        for (size_t i = 0; i < n; i++) {
            if (i) fputc(',', f);
            csv_field(f, radx_result_name(r, i));
        }
        fputc('\n', f);
        for (size_t i = 0; i < n; i++) {
            if (i) fputc(',', f);
            csv_field(f, radx_result_text(r, i));
        }
        fputc('\n', f);
    } else {
        for (size_t i = 0; i < n; i++) fprintf(f, "%s: %s\n", radx_result_name(r, i), radx_result_text(r, i));
    }
    return ferror(f) ? -1 : 0;
}

static int cmd_extract(int argc, char **argv)
{
    const char *paths[2] = {NULL, NULL};
    int npaths = 0;
    const char *out_path = NULL, *fmt = "txt";
    radx_cli_opts o;
    memset(&o, 0, sizeof o);
    o.cmd = "extract";
    o.max_jobs = 4096;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        int c = radx_cli_common_opt(&o, argc, argv, &i);
        if (c < 0) return 2;
        if (c) continue;
        if ((!strcmp(a, "-f") || !strcmp(a, "--format") || !strcmp(a, "-o") || !strcmp(a, "--out")) && i + 1 >= argc) {
            fprintf(stderr, "radx extract: option %s needs a value\n", a);
            return 2;
        }
        if (!strcmp(a, "-f") || !strcmp(a, "--format")) fmt = argv[++i];
        else if (!strcmp(a, "-o") || !strcmp(a, "--out")) out_path = argv[++i];
        else if (a[0] == '-' && a[1]) { fprintf(stderr, "radx extract: unknown option '%s' (see radx --help)\n", a); return 2; }
        else if (npaths < 2) paths[npaths++] = a;
        else { fprintf(stderr, "radx extract: unexpected argument '%s' (see radx --help)\n", a); return 2; }
    }
    if (npaths != 2) { fprintf(stderr, "radx extract: needs IMAGE and MASK (see radx --help)\n"); return 2; }
    if (strcmp(fmt, "txt") && strcmp(fmt, "csv") && strcmp(fmt, "json")) {
        fprintf(stderr, "radx extract: -f '%s': format must be txt, csv or json\n", fmt);
        return 2;
    }
    radx_backend backend;
    if (radx_cli_backend(&o, &backend)) return 2;
    const int label = o.label, threads = o.jobs;

    radx_ctx *ctx = NULL;
    radx_params *p = NULL;
    radx_plan *plan = NULL;
    radx_result *r = NULL;
    int rc = 0;
    radx_status s = radx_ctx_create(&ctx);
    if (s) { fprintf(stderr, "radx: %s\n", radx_status_string(s)); return radx_cli_exit_code(s); }
    if (threads) radx_ctx_set_threads(ctx, threads);
    rc = radx_cli_params(&o, ctx, &p);
    if (rc) goto out;
    if (!s) s = radx_plan_create(ctx, p, backend, &plan);
    if (!s && backend == RADX_BACKEND_AUTO)
        fprintf(stderr, "radx: using the %s backend%s\n", radx_backend_name(radx_plan_backend(plan)),
                radx_plan_backend(plan) == RADX_BACKEND_CPU ? " (no usable CUDA device)" : "");
    if (!s) s = radx_plan_execute(plan, paths[0], paths[1], label, &r);
    if (s) {
        fprintf(stderr, "radx: %s\n", radx_ctx_last_error(ctx));
        rc = radx_cli_exit_code(s);
        goto out;
    }
    if (out_path) {
        /* write beside the target, then rename: never a half-written or stale-on-error file */
        size_t l = strlen(out_path);
        char *tmp = malloc(l + 16);
        if (!tmp) { fprintf(stderr, "radx: out of memory\n"); rc = 7; goto out; }
        snprintf(tmp, l + 16, "%s.tmpXXXXXX", out_path);
        int fd = mkstemp(tmp);
        FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
        if (!f) {
            fprintf(stderr, "radx: %s: cannot write: %s\n", out_path, strerror(errno));
            if (fd >= 0) { close(fd); unlink(tmp); }
            free(tmp);
            rc = 9;
            goto out;
        }
        int bad = write_result(f, r, fmt);
        bad |= fflush(f) != 0;
        bad |= fsync(fileno(f)) != 0;
        bad |= fclose(f) != 0;
        if (bad || rename(tmp, out_path) != 0) {
            fprintf(stderr, "radx: %s: cannot write: %s\n", out_path, strerror(errno));
            unlink(tmp);
            rc = 9;
        }
        free(tmp);
    } else if (write_result(stdout, r, fmt) || fflush(stdout)) {
        fprintf(stderr, "radx: cannot write to standard output\n");
        rc = 9;
    }
    if (!rc) radx_cli_report_plan(plan);
out:
    radx_result_destroy(r);
    radx_plan_destroy(plan);
    radx_params_destroy(p);
    radx_ctx_destroy(ctx);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2) { fputs(usage_text, stderr); return 2; }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        fputs(usage_text, stdout);
        return 0;
    }
    if (!strcmp(argv[1], "--version")) { printf("radx %s\n", radx_version()); return 0; }
    if (!strcmp(argv[1], "extract")) return cmd_extract(argc - 2, argv + 2);
    if (!strcmp(argv[1], "batch")) return radx_cmd_batch(argc - 2, argv + 2);
    if (!strcmp(argv[1], "merge")) return radx_cmd_merge(argc - 2, argv + 2);
    if (!strcmp(argv[1], "delta")) return radx_cmd_delta(argc - 2, argv + 2);
    if (!strcmp(argv[1], "map")) return radx_cmd_map(argc - 2, argv + 2);
    fprintf(stderr, "radx: unknown command '%s' (see radx --help)\n", argv[1]);
    return 2;
}
