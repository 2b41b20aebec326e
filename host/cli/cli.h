/* SPDX-License-Identifier: BSD-3-Clause */
/* The radx command line's commands (main.c dispatches) and what they share (common.c). */
#ifndef RADX_CLI_H
#define RADX_CLI_H
#include "radx.h"

/* The commands: argv holds the arguments after the command's name; they return the exit status. */
int radx_cmd_extract(int argc, char **argv); /* extract.c */
int radx_cmd_batch(int argc, char **argv);   /* batch.c */
int radx_cmd_merge(int argc, char **argv);   /* merge.c */
int radx_cmd_delta(int argc, char **argv);   /* delta.c */
int radx_cmd_map(int argc, char **argv);     /* map.c */
int radx_cmd_filter(int argc, char **argv);  /* filter.c */

/* exit status of a failed call: 2 usage/setting, 3 file, 4 geometry/label/ROI/value,
 * 5 unsupported, 6 device, 7 memory, 8 internal (9, cannot write output, is the CLI's own) */
int radx_cli_exit_code(radx_status s);

/* Options shared by extract, map and batch. */
#define RADX_CLI_MAX_SETS 256
typedef struct radx_cli_opts {
    const char *cmd;                     /* "extract", "map", "batch": for messages */
    const char *params_path;             /* -p */
    const char *sets[RADX_CLI_MAX_SETS]; /* -s NAME:VALUE, in order */
    int nsets;
    int label;          /* --label, 0 = the label setting */
    const char *device; /* --device, NULL = auto */
    int jobs;           /* -j, 0 = unset */
    long max_jobs;      /* upper bound for -j */
    /* extract and map (radx_cli_case_opts) */
    const char *paths[2]; /* IMAGE, MASK */
    const char *out;      /* -o */
    const char *fmt;      /* -f, NULL = unset */
    const char *names;    /* --names (extract): "radx" (default) or "ibsi" */
    int quiet;            /* -q (map) */
} radx_cli_opts;
/* Consumes argv[*i] (and its value) when it is -p, -s, --label, --device or -j: returns 1; 0 when
 * it is none of them; -1 after printing a one-line error (exit status 2). */
int radx_cli_common_opt(radx_cli_opts *o, int argc, char **argv, int *i);
/* All of extract's or map's arguments: IMAGE MASK, the common options, -o, -f and (with_quiet)
 * -q.  0, or 2 after printing the error. */
int radx_cli_case_opts(radx_cli_opts *o, int argc, char **argv, int with_quiet);
/* --device as a backend; -1 after printing an error. */
int radx_cli_backend(const radx_cli_opts *o, radx_backend *b);
/* Settings from -p and -s (in that order); 0, or the exit status after printing the error. */
int radx_cli_params(const radx_cli_opts *o, radx_ctx *ctx, radx_params **p);

/* The context (with -j's threads), the settings (-p, -s) and a plan on backend b, as extract and
 * map make them.  0, or the exit status after printing the error; the caller destroys what was
 * made (NULL otherwise) either way. */
int radx_cli_plan(const radx_cli_opts *o, radx_backend b, radx_ctx **ctx, radx_params **p, radx_plan **plan);

/* The last run's warnings (radx_ctx_warning), a stderr line each. */
void radx_cli_report_warnings(const radx_ctx *ctx, const char *cmd);

/* When --device was auto: one stderr line naming the backend the plan chose. */
void radx_cli_report_auto_backend(radx_backend asked, const radx_plan *plan);
/* After a successful run on CUDA: one stderr line with the device memory peak, budget, CPU
 * fallbacks and the copies spared. */
void radx_cli_report_device(const radx_device_stats *s);
/* The same for a plan: nothing for the CPU backend. */
void radx_cli_report_plan(const radx_plan *plan);
/* *sum += *s (peaks and budgets: the largest). */
void radx_cli_add_device_stats(radx_device_stats *sum, const radx_device_stats *s);

/* Signals (signals.c): SIGTERM, SIGINT and SIGHUP remove the run's unfinished outputs and say so
 * in one line (with `note` after it, e.g. what was kept), then the process dies of the signal;
 * SIGXFSZ and SIGPIPE become write errors. */
void radx_cli_signals_install(void);
void radx_cli_set_interrupt_note(const char *note);
/* Files the handler removes too, in slots 0 and 1 (NULL: none); the strings must stay valid. */
void radx_cli_remove_on_interrupt(int slot, const char *path);
/* Holds the three signals back (1) until released (0): around steps that must not be cut. */
void radx_cli_signals_block(int block);

/* Are a and b the same file (device and inode)?  0 when either does not exist. */
int radx_cli_same_file(const char *a, const char *b);
/* 0 when the output `out` is none of the n inputs; else prints the error and returns 2. */
int radx_cli_refuse_output_input(const char *cmd, const char *out, const char *const *inputs, int n);

/* Seconds on a monotonic clock (progress and timings). */
double radx_cli_now_s(void);
#endif
