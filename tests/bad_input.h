/* SPDX-License-Identifier: BSD-3-Clause */
/* The bad-input harness: each case goes through the CLI and must end, within the hang guard, with
 * exactly one line on stderr that names the file or setting, an exit status in 1..127, no output
 * file (no map, no batch output when the run is refused), an existing output file left untouched,
 * and no temporary file; in a batch, a bad case fails alone (one line, listed in the errors file)
 * and the good case beside it (img.nrrd, lab.nrrd, written by bad_input_setup) is written. */
#ifndef RADX_TESTS_BAD_INPUT_H
#define RADX_TESTS_BAD_INPUT_H
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "radx.h"
#include "radx_test.h"

/* Built with a sanitizer, which reserves more address space than any `ulimit -v` a test sets. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define BAD_INPUT_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer)
#define BAD_INPUT_SANITIZED 1
#endif
#endif
#ifndef BAD_INPUT_SANITIZED
#define BAD_INPUT_SANITIZED 0
#endif

static char dir[256];

static inline void write_file(const char *name, const void *data, size_t n)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    radx_test_write(p, data, n);
}

/* A little NRRD writer: short/float 3-D volume, LPS identity geometry, raw little endian. */
static inline void write_nrrd(const char *name, const char *type, const int *size, int dims, const void *data,
                              size_t elem, const char *extra)
{
    char hdr[1024];
    size_t n = 1;
    char sizes[64] = "", dirs[256] = "";
    for (int d = 0; d < dims; d++) {
        n *= (size_t)size[d];
        snprintf(sizes + strlen(sizes), sizeof sizes - strlen(sizes), "%s%d", d ? " " : "", size[d]);
    }
    if (dims == 3)
        snprintf(dirs, sizeof dirs,
                 "space: left-posterior-superior\nspace directions: (1,0,0) (0,1,0) (0,0,1)\nspace origin: (0,0,0)\n");
    snprintf(hdr, sizeof hdr, "NRRD0004\ntype: %s\ndimension: %d\nsizes: %s\n%s%sencoding: raw\nendian: little\n\n",
             type, dims, sizes, dirs, extra ? extra : "");
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "wb");
    fputs(hdr, f);
    if (data) fwrite(data, elem, n, f);
    fclose(f);
}

/* Counts stderr lines, skipping the informational "radx: using the ... backend" line; *last: the
 * first other line. */
static inline int error_lines(char *msg, char **last)
{
    int lines = 0;
    for (char *c = msg; c && *c; c++) lines += *c == '\n';
    *last = msg;
    if (msg && strncmp(msg, "radx: using the ", 16) == 0) {
        char *nl = strchr(msg, '\n');
        if (nl) {
            *last = nl + 1;
            lines--;
        }
    }
    return lines;
}

static inline void no_temporaries(const char *what, const char *cmdname)
{
    char ls[600];
    snprintf(ls, sizeof ls, "find %s -name '*tmp*' | grep -q .", dir);
    CHECK(system(ls) != 0, "%s (%s): a temporary output file was left behind", what, cmdname);
}

/* Runs cmd (stderr to the test folder's stderr.txt) and checks the one-line contract: exit 1..127,
 * one line on stderr (besides "using the ... backend"), naming must_name.  Returns the stderr
 * text (caller frees). */
static inline char *run_and_check(const char *label, const char *what, const char *cmd, const char *must_name,
                                  int *code_out)
{
    char err[512];
    snprintf(err, sizeof err, "%s/stderr.txt", dir);
    int code = radx_test_run(cmd);
    char *msg = radx_test_slurp(err, NULL), *last;
    int lines = error_lines(msg, &last);
    printf("%-8s%-34s exit %3d  %s", label, what, code, last ? last : "(no stderr)\n");
    CHECK(code >= 1 && code <= 127, "%s%s: exit status %d", label, what, code);
    CHECK(lines == 1, "%s%s: %d lines on stderr", label, what, lines);
    CHECK(last && strstr(last, must_name), "%s%s: message does not name '%s'", label, what, must_name);
    if (code_out) *code_out = code;
    return msg;
}

/* Every command runs under `timeout -s KILL`: a hang ends as 137, outside 1..127. */
#define HANG_GUARD "timeout -s KILL 120 "

/* `radx extract ARGS -o OUT`: the error contract; `must_name` must appear in the message.  If
 * `preexisting`, OUT exists beforehand and must be unchanged. */
static inline void expect_error_extract(const char *what, const char *args, const char *must_name, int preexisting)
{
    char out[512], err[512], cmd[4096];
    snprintf(out, sizeof out, "%s/out.csv", dir);
    snprintf(err, sizeof err, "%s/stderr.txt", dir);
    unlink(out);
    if (preexisting) write_file("out.csv", "previous results\n", 17);
    snprintf(cmd, sizeof cmd, "cd %s && " HANG_GUARD "%s extract -f csv -o %s %s 2>%s >/dev/null", dir, RADX_CLI, out,
             args, err);
    char *msg = run_and_check("extract ", what, cmd, must_name, NULL);
    struct stat sb;
    if (preexisting) {
        char *o = radx_test_slurp(out, NULL);
        CHECK(o && strcmp(o, "previous results\n") == 0, "%s: existing output file was changed", what);
        free(o);
    } else {
        CHECK(stat(out, &sb) != 0, "%s: an output file was written", what);
    }
    no_temporaries(what, "extract");
    free(msg);
}

/* `radx map ARGS -o DIR -q`: the same contract; no map is left in DIR, and a file already there
 * (preexisting) is untouched. */
static inline void expect_error_map(const char *what, const char *args, const char *must_name, int preexisting)
{
    char maps[512], err[512], cmd[4096];
    snprintf(maps, sizeof maps, "%s/maps", dir);
    snprintf(err, sizeof err, "%s/stderr.txt", dir);
    snprintf(cmd, sizeof cmd, "rm -rf %s", maps);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", maps);
    if (preexisting) {
        mkdir(maps, 0777);
        write_file("maps/previous.nii.gz", "previous map\n", 13);
    }
    snprintf(cmd, sizeof cmd, "cd %s && " HANG_GUARD "%s map %s -o %s -q 2>%s >/dev/null", dir, RADX_CLI, args, maps,
             err);
    char *msg = run_and_check("map     ", what, cmd, must_name, NULL);
    snprintf(cmd, sizeof cmd, "test -d %s && ls -A %s | grep -v '^previous.nii.gz$' | grep -q .", maps, maps);
    CHECK(system(cmd) != 0, "map %s: maps were left in the output folder", what);
    if (preexisting) {
        char *o = radx_test_slurp("maps/previous.nii.gz", NULL);
        char pp[600];
        snprintf(pp, sizeof pp, "%s/maps/previous.nii.gz", dir);
        free(o);
        o = radx_test_slurp(pp, NULL);
        CHECK(o && strcmp(o, "previous map\n") == 0, "map %s: a file already in the folder was changed", what);
        free(o);
    }
    no_temporaries(what, "map");
    free(msg);
}

/* `radx batch` on a cohort of a good case and the bad one (IMAGE MASK of args; --label N becomes
 * the Label column; the other options are passed on).  Either the whole run is refused (a bad
 * setting: exit 1..127, one line naming it, no output file), or the bad case fails alone (exit 1,
 * one "failed" line naming the problem, the good case written, the bad one in the errors file);
 * all_fail: a setting that no case can satisfy, so both fail, both are listed, and no output
 * file is left. */
static inline void expect_error_batch(const char *what, const char *args, const char *must_name, int all_fail)
{
    char img[512] = "", msk[512] = "", opts[2048] = "", label[32] = "";
    char out[512], errs[512], err[512], cmd[4096];
    {
        char buf[2048];
        snprintf(buf, sizeof buf, "%s", args);
        int k = 0;
        for (char *t = strtok(buf, " "); t; t = strtok(NULL, " "), k++) {
            if (k == 0)
                snprintf(img, sizeof img, "%s", t);
            else if (k == 1)
                snprintf(msk, sizeof msk, "%s", t);
            else if (!strcmp(t, "--label")) {
                t = strtok(NULL, " ");
                snprintf(label, sizeof label, "%s", t ? t : "");
            } else
                snprintf(opts + strlen(opts), sizeof opts - strlen(opts), " %s", t);
        }
    }
    char csv[2200];
    if (label[0])
        snprintf(csv, sizeof csv, "Image,Mask,Label\nimg.nrrd,lab.nrrd,1\n%s,%s,%s\n", img, msk, label);
    else
        snprintf(csv, sizeof csv, "Image,Mask\nimg.nrrd,lab.nrrd\n%s,%s\n", img, msk);
    write_file("cohort.csv", csv, strlen(csv));
    snprintf(out, sizeof out, "%s/batch.csv", dir);
    snprintf(errs, sizeof errs, "%s/batch.errors.csv", dir);
    snprintf(err, sizeof err, "%s/stderr.txt", dir);
    unlink(out);
    unlink(errs);
    snprintf(cmd, sizeof cmd, "cd %s && " HANG_GUARD "%s batch cohort.csv -o %s -j 1%s 2>%s >/dev/null", dir, RADX_CLI,
             out, opts, err);
    int code = radx_test_run(cmd);
    char *msg = radx_test_slurp(err, NULL), *last;
    int lines = error_lines(msg, &last);
    struct stat sb;
    const int per_case = code == 1 && strstr(msg ? msg : "", " failed: ") != NULL;
    if (!per_case) { /* refused as a whole */
        printf("batch   %-34s exit %3d  %s", what, code, last ? last : "(no stderr)\n");
        CHECK(code >= 1 && code <= 127, "batch %s: exit status %d", what, code);
        CHECK(lines == 1, "batch %s: %d lines on stderr", what, lines);
        CHECK(last && strstr(last, must_name), "batch %s: message does not name '%s'", what, must_name);
        CHECK(stat(out, &sb) != 0, "batch %s: an output file was written", what);
    } else { /* the bad case failed alone */
        int nfail = 0;
        char *fl = NULL;
        for (char *l = msg; l && *l;) {
            char *nl = strchr(l, '\n');
            if (nl) *nl = 0;
            if (strstr(l, " failed: ")) {
                nfail++;
                fl = l;
            }
            l = nl ? nl + 1 : l + strlen(l);
        }
        printf("batch   %-34s exit %3d  %s\n", what, code, fl ? fl : "(no failure line)");
        CHECK(nfail == (all_fail ? 2 : 1), "batch %s: %d 'failed' lines", what, nfail);
        CHECK(fl && strstr(fl, must_name), "batch %s: failure line does not name '%s'", what, must_name);
        char *o = radx_test_slurp(out, NULL), *e = radx_test_slurp(errs, NULL);
        if (all_fail) {
            CHECK(!o, "batch %s: every case failed, yet an output file was left", what);
            CHECK(e && strstr(e, must_name), "batch %s: the errors file does not name '%s'", what, must_name);
            free(o);
            free(e);
            no_temporaries(what, "batch");
            free(msg);
            return;
        }
        int rows = 0;
        for (char *c = o; c && *c; c++) rows += *c == '\n';
        CHECK(rows == 2, "batch %s: %d lines in the output (header + the good case expected)", what, rows);
        CHECK(o && strstr(o, "img.nrrd,lab.nrrd"), "batch %s: the good case is missing from the output", what);
        CHECK(e && strstr(e, must_name), "batch %s: the errors file does not name '%s'", what, must_name);
        free(o);
        free(e);
    }
    no_temporaries(what, "batch");
    free(msg);
}

enum { EXTRACT = 1, MAP = 2, BATCH = 4, ALL = 7, BATCH_ALL_FAIL = 8 };

/* A whole command line (after `radx `) that must fail by the contract, leaving `must_not_exist`
 * (relative to the test folder; NULL: nothing to check) absent. */
static inline void expect_error_cmd(const char *what, const char *cmdline, const char *must_name,
                                    const char *must_not_exist)
{
    char err[512], cmd[4096];
    snprintf(err, sizeof err, "%s/stderr.txt", dir);
    snprintf(cmd, sizeof cmd, "cd %s && " HANG_GUARD "%s %s 2>%s >/dev/null", dir, RADX_CLI, cmdline, err);
    char *msg = run_and_check("", what, cmd, must_name, NULL);
    if (must_not_exist) {
        char pth[600];
        struct stat sb;
        snprintf(pth, sizeof pth, "%s/%s", dir, must_not_exist);
        CHECK(stat(pth, &sb) != 0, "%s: %s was written", what, must_not_exist);
    }
    no_temporaries(what, "cmd");
    free(msg);
}

/* The case through extract, map and batch (those in cmds). */
static inline void expect_error_in(int cmds, const char *what, const char *args, const char *must_name, int preexisting)
{
    if (cmds & EXTRACT) expect_error_extract(what, args, must_name, preexisting);
    if (cmds & MAP) expect_error_map(what, args, must_name, preexisting);
    if (cmds & BATCH) expect_error_batch(what, args, must_name, (cmds & BATCH_ALL_FAIL) != 0);
}

static inline void expect_error(const char *what, const char *args, const char *must_name, int preexisting)
{
    expect_error_in(ALL, what, args, must_name, preexisting);
}

/* Makes the test folder (the global `dir`) and the small good case img.nrrd, lab.nrrd: 6x6x6
 * shorts, the ROI the inner 4x4x4 cube; `bad_input_sz` is its size.  Exits on failure. */
static int bad_input_sz[4] = {6, 6, 6, 2};
static short bad_input_vol[6 * 6 * 6 * 2];
static short bad_input_lab[6 * 6 * 6];

static inline void bad_input_setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/radx_bad_XXXXXX");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        exit(1);
    }
    for (int i = 0; i < 6 * 6 * 6 * 2; i++) bad_input_vol[i] = (short)(i % 17);
    for (int i = 0; i < 6 * 6 * 6; i++) {
        int x = i % 6, y = (i / 6) % 6, z = i / 36;
        bad_input_lab[i] = (x > 0 && x < 5 && y > 0 && y < 5 && z > 0 && z < 5) ? 1 : 0;
    }
    write_nrrd("img.nrrd", "short", bad_input_sz, 3, bad_input_vol, 2, NULL);
    write_nrrd("lab.nrrd", "short", bad_input_sz, 3, bad_input_lab, 2, NULL);
}

/* Removes the test folder. */
static inline void bad_input_cleanup(void)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
}
#endif
