/* SPDX-License-Identifier: BSD-3-Clause */
/* The parts of `radx batch`: the cases in flight (batch_jobs.c: a reader thread reads the files
 * ahead, worker threads compute) and the output files (batch_output.c: OUT.csv, which --resume
 * continues, and OUT.errors.csv).  batch.c runs the command and writes the rows in cohort order. */
#ifndef RADX_CLI_BATCH_H
#define RADX_CLI_BATCH_H
#include <pthread.h>
#include "csv.h"
#include "output.h"
#include "radx.h"

#define BATCH_MAX_JOBS 256 /* -j: cases in flight */

/* ---- the cases in flight (batch_jobs.c) ---- */

/* A case's image and mask read ahead, or the first read's error. */
typedef struct prefetch {
    int valid;
    radx_image *img, *msk;
    radx_status status;
    char *msg;
} prefetch;

typedef struct job {
    int row;       /* index in the cohort document (1 = first data row) */
    char *ip, *mp; /* resolved image and mask paths (NULL: the row is invalid, see msg) */
    int label;
    prefetch pre;     /* the files read ahead by the reader thread */
    int loaded;       /* pre filled (or nothing to read) */
    int done;         /* result ready */
    radx_result *res; /* on success */
    char *msg;        /* on failure: one line */
    char *warnings;   /* the run's warnings, each line ended by '\n' (NULL: none) */
    radx_status status;
} job;

typedef struct batch {
    /* inputs */
    const csv_doc *cohort;
    const char *csv_dir; /* relative paths in the cohort start there */
    int col_image, col_mask, col_label, col_channel;
    const radx_params *params;
    radx_backend backend;
    int threads_per_case;
    const char *out_path, *errors_path; /* no case may read these */
    /* work list */
    int njobs;
    job *jobs;
    int next_take;  /* next job to hand to a worker */
    int ahead;      /* how many cases the reader may hold beyond those taken */
    int next_write; /* next job the writer waits for */
    int window;     /* workers stay within next_write + window */
    int abort;
    int used_cuda;            /* a worker's plan ran on CUDA */
    radx_device_stats device; /* the workers' plans' statistics, summed */
    pthread_mutex_t mu;
    pthread_cond_t cv_done, cv_room;
    pthread_t reader, workers[BATCH_MAX_JOBS];
    int have_reader, nworkers;
} batch;

/* Checks each job's cohort row, then starts the reader and up to jobs_n workers.  0, or 7 after
 * printing the error when no worker thread could be started. */
int batch_start(batch *B, int jobs_n);
/* Waits until job k is computed. */
job *batch_wait(batch *B, int k);
/* Job k is written: frees its result and lets the workers go on; stop: no further job is needed. */
void batch_written(batch *B, int k, int stop);
/* Stops and joins the threads; frees what the jobs still hold (not the jobs array). */
void batch_stop(batch *B);

/* ---- the output files (batch_output.c) ---- */

typedef struct batch_out {
    const char *path; /* OUT.csv */
    char *errpath;    /* OUT.errors.csv */
    int created;      /* this run created OUT */
    int err_created;  /* ... and OUT.errors.csv */
    int fd, efd;      /* OUT and OUT.errors.csv, locked, appended to; -1: not open */
    csv_doc old;      /* OUT's rows when resuming */
    char **header;    /* OUT's columns: the cohort's, then the results' */
    int nheader;
    int header_owned_from; /* header[i] for i >= header_owned_from were strdup'ed */
    char **done_keys;      /* the cohort rows already in OUT (--resume): sorted, distinct */
    int *done_count;       /* how many rows of OUT each has */
    int ndone;
    sbuf_t row; /* the row being written */
} batch_out;

void batch_out_init(batch_out *o, const char *path);
/* OUT.csv -> OUT.errors.csv, the name cut to fit a folder entry when OUT's is too long
 * (malloc'ed; NULL when out of memory). */
char *batch_out_errors_path(const char *path);
/* Opens OUT (created when absent) and OUT.errors.csv for appending and locks both: a file that is
 * not a regular one, cannot be written or is locked by another process refuses the run.  0, or
 * the exit status after printing the error. */
int batch_out_open(batch_out *o);
/* A non-empty OUT: refused without --resume; with it, a cut-off last row is removed, its header
 * must start with the cohort's columns (hdr), and its rows are the cases done.  0, or the exit
 * status after printing the error. */
int batch_out_resume(batch_out *o, const csv_row *hdr, int resume);
/* Is cohort row r (its first ncols columns) one of the rows already in OUT?  Each row of OUT
 * answers yes once, so that a case the cohort lists k times is done k times. */
int batch_out_take(batch_out *o, const csv_row *r, int ncols);
/* Appends the row of a successful case (cohort row r, result res), after OUT's header when it
 * has none yet.  0, or the exit status after printing the error (the run stops). */
int batch_out_case(batch_out *o, const csv_row *hdr, const csv_row *r, const radx_result *res);
/* Appends a failed case (cohort row number `row`) to OUT.errors.csv; a warning of a case that was
 * written goes there too, its message starting "warning: ".  0, or the exit status after printing
 * the error (the run stops). */
int batch_out_failure(batch_out *o, const csv_row *hdr, const csv_row *r, int row, const char *msg);
/* Removes OUT and OUT.errors.csv where this run created them and wrote nothing into them; 1 when
 * OUT was removed. */
int batch_out_drop_if_empty(batch_out *o);
void batch_out_free(batch_out *o);
#endif
