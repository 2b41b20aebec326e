/* SPDX-License-Identifier: BSD-3-Clause */
/* Signals and limits through the CLI.  SIGTERM, SIGINT and SIGHUP during `radx map` end the run
 * with one line saying so, by the signal, leaving no map of the run and no temporary file, and an
 * earlier run's files as they were; during `radx batch` the rows written stay whole and --resume
 * completes the run; kill -9 leaves no temporary file either (unnamed files, where
 * the filesystem has them).  A file-size limit during `radx extract -o` or `radx map` is a
 * one-line write error naming the file (exit 9), not a death by SIGXFSZ.  An address-space limit
 * gives a result or a one-line refusal (exit 7), never a crash. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "radx_test.h"

static char dir[256];

/* Starts cmd in the test folder under the limit `res` = `bytes` (res < 0: none), stderr to
 * err.txt (removed first: a watcher must not see the last run's progress). */
static pid_t start(const char *cmd, int res, long bytes)
{
    char full[4096];
    snprintf(full, sizeof full, "%s/err.txt", dir);
    unlink(full);
    snprintf(full, sizeof full, "%s 2>err.txt", cmd);
    return radx_test_start(dir, full, res, bytes);
}

static int finish(pid_t pid) { return radx_test_wait(pid); }

static char *err_text(void)
{
    char p[600];
    snprintf(p, sizeof p, "%s/err.txt", dir);
    return radx_test_slurp(p, NULL);
}

/* Lines of err.txt that are neither progress ("radx map: [") nor the backend note. */
static int message_lines(const char *text, char **first)
{
    int n = 0;
    *first = NULL;
    for (const char *l = text; l && *l;) {
        const char *nl = strchr(l, '\n');
        size_t len = nl ? (size_t)(nl - l) : strlen(l);
        if (strncmp(l, "radx map: [", 11) && strncmp(l, "radx: using the ", 16)) {
            if (!n) *first = strndup(l, len);
            n++;
        }
        l = nl ? nl + 1 : l + len;
    }
    return n;
}

/* The files in `sub` (a folder of the test folder) other than those listed: how many. */
static int other_files(const char *sub, const char *const *keep, int nkeep)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "ls -A %s/%s 2>/dev/null", dir, sub);
    FILE *p = popen(cmd, "r");
    int n = 0;
    char line[1024];
    while (p && fgets(line, sizeof line, p)) {
        line[strcspn(line, "\n")] = 0;
        int kept = 0;
        for (int i = 0; i < nkeep; i++) kept |= !strcmp(line, keep[i]);
        if (!kept) {
            printf("    left behind: %s\n", line);
            n++;
        }
    }
    if (p) pclose(p);
    return n;
}

static void put(const char *name, const char *text)
{
    char p[600];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    radx_test_write_text(p, text);
}

static char *get(const char *name)
{
    char p[600];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return radx_test_slurp(p, NULL);
}

/* Waits (at most 15 s) until err.txt shows the fifth map done. */
static void wait_for_fifth_map(void)
{
    char *e = NULL;
    for (int t = 0; t < 3000; t++) {
        free(e);
        e = err_text();
        if (e && strstr(e, "[5/")) break;
        usleep(5000);
    }
    free(e);
}

/* A map run into `maps` (holding an earlier run's map and another file) killed by sig once a few
 * maps are done. */
static void check_map_signal(int sig, const char *name)
{
    const char *keep[2] = {"original_firstorder_Mean.nrrd", "notes.txt"};
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "rm -rf %s/maps && mkdir %s/maps", dir, dir);
    if (system(cmd) != 0) return;
    put("maps/original_firstorder_Mean.nrrd", "an earlier run's map\n");
    put("maps/notes.txt", "the user's notes\n");
    snprintf(cmd, sizeof cmd, "%s map img.nrrd lab.nrrd -o maps -j 1 -s kernelRadius:3", RADX_CLI);
    pid_t pid = start(cmd, -1, 0);
    wait_for_fifth_map();
    kill(pid, sig);
    int rc = finish(pid);
    char *e = err_text(), *first;
    int lines = message_lines(e, &first);
    printf("%-8s during map: status %d, %d line(s): %s\n", name, rc, lines, first ? first : "");
    CHECK(rc == 128 + sig, "%s: status %d, want death by the signal (%d)", name, rc, 128 + sig);
    CHECK(lines == 1 && first && strstr(first, name) && strstr(first, "removed"), "%s: one line saying so", name);
    CHECK(other_files("maps", keep, 2) == 0, "%s: files of the run were left in the folder", name);
    char *m = get("maps/original_firstorder_Mean.nrrd");
    CHECK(m && !strcmp(m, "an earlier run's map\n"), "%s: an earlier run's map was changed", name);
    free(m);
    free(first);
    free(e);
}

/* Can the test folder hold unnamed files?  (Else kill -9 may leave a hidden name.) */
static int has_unnamed_files(void)
{
    int fd = open(dir, O_TMPFILE | O_WRONLY, 0600);
    if (fd < 0) return 0;
    close(fd);
    return 1;
}

static void check_map_kill9(void)
{
    if (!has_unnamed_files()) {
        printf("kill -9 during map: skipped (no O_TMPFILE in %s)\n", dir);
        return;
    }
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "rm -rf %s/maps && mkdir %s/maps", dir, dir);
    if (system(cmd) != 0) return;
    snprintf(cmd, sizeof cmd, "%s map img.nrrd lab.nrrd -o maps -j 1 -s kernelRadius:3", RADX_CLI);
    pid_t pid = start(cmd, -1, 0);
    wait_for_fifth_map();
    kill(pid, SIGKILL);
    int rc = finish(pid);
    int left = other_files("maps", NULL, 0);
    printf("SIGKILL  during map: status %d, %d file(s) left\n", rc, left);
    CHECK(rc == 128 + SIGKILL && left == 0, "kill -9 during map: %d file(s) left", left);
}

/* SIGTERM during a batch: the rows written stay whole, the message says how to go on, and
 * --resume completes the cohort. */
static void check_batch_signal(void)
{
    char text[4096] = "Patient,Image,Mask\n", cmd[1024];
    for (int i = 0; i < 40; i++)
        snprintf(text + strlen(text), sizeof text - strlen(text), "P%02d,img.nrrd,lab.nrrd\n", i);
    put("cohort.csv", text);
    snprintf(cmd, sizeof cmd, "%s batch cohort.csv -o out/batch.csv -j 1", RADX_CLI);
    pid_t pid = start(cmd, -1, 0);
    char *b = NULL;
    for (int t = 0; t < 3000; t++) {
        free(b);
        b = get("out/batch.csv");
        int lines = 0;
        for (char *c = b; c && *c; c++) lines += *c == '\n';
        if (lines >= 3) break;
        usleep(5000);
    }
    free(b);
    kill(pid, SIGTERM);
    int rc = finish(pid);
    char *e = err_text(), *first = NULL;
    int n = 0;
    for (char *l = e; l && (l = strstr(l, "interrupted")); l++) n++;
    b = get("out/batch.csv");
    int lines = 0;
    for (char *c = b; c && *c; c++) lines += *c == '\n';
    printf("SIGTERM  during batch: status %d, %d rows kept, %s\n", rc, lines - 1, n == 1 ? "said so" : "no message");
    CHECK(rc == 128 + SIGTERM && n == 1 && strstr(e, "--resume"), "SIGTERM during batch: status %d", rc);
    CHECK(b && lines >= 3 && b[strlen(b) - 1] == '\n', "SIGTERM during batch: whole rows kept");
    free(b);
    free(e);
    free(first);
    snprintf(cmd, sizeof cmd, "%s batch cohort.csv -o out/batch.csv --resume -j 2", RADX_CLI);
    rc = finish(start(cmd, -1, 0));
    b = get("out/batch.csv");
    lines = 0;
    for (char *c = b; c && *c; c++) lines += *c == '\n';
    CHECK(rc == 0 && lines == 41, "resume after SIGTERM: exit %d, %d lines", rc, lines);
    free(b);
    snprintf(cmd, sizeof cmd, "rm -f %s/out/*", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not empty out/\n");
}

/* Under a limit of 48 open files, map parks most of its maps (hidden names, descriptors closed)
 * until all are written: the same maps as without the limit, and nothing else left. */
static void check_map_parked(void)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "rm -rf %s/pa %s/pb", dir, dir);
    if (system(cmd) != 0) return;
    snprintf(cmd, sizeof cmd, "%s map img.nrrd lab.nrrd -o pa -q -s kernelRadius:1", RADX_CLI);
    int rc = finish(start(cmd, -1, 0));
    snprintf(cmd, sizeof cmd, "%s map img.nrrd lab.nrrd -o pb -q -s kernelRadius:1", RADX_CLI);
    int rc2 = finish(start(cmd, RLIMIT_NOFILE, 48));
    snprintf(cmd, sizeof cmd, "cd %s && ls -A pb | wc -l | tr -d ' ' && diff -r pa pb >/dev/null && echo same", dir);
    FILE *p = popen(cmd, "r");
    char n[64] = "", same[64] = "";
    if (p && fgets(n, sizeof n, p)) fgets(same, sizeof same, p);
    if (p) pclose(p);
    printf("map under 48 open files: exit %d, %ld maps, %s\n", rc2, strtol(n, NULL, 10),
           strncmp(same, "same", 4) ? "DIFFERENT from an unlimited run" : "the same as an unlimited run");
    CHECK(rc == 0 && rc2 == 0 && strtol(n, NULL, 10) > 48 && !strncmp(same, "same", 4),
          "map under 48 open files: exit %d, %s maps, %s", rc2, n, same);
}

/* A command under a file-size limit: exit 9, one line naming `names`, nothing left. */
static void check_fsize(const char *what, const char *cmd, long bytes, const char *names, const char *sub)
{
    pid_t pid = start(cmd, RLIMIT_FSIZE, bytes);
    int rc = finish(pid);
    char *e = err_text(), *first;
    int lines = message_lines(e, &first);
    printf("%-30s exit %d: %s\n", what, rc, first ? first : "(no message)");
    CHECK(rc == 9, "%s: exit %d, want 9 (a write error, not SIGXFSZ)", what, rc);
    CHECK(lines == 1 && first && strstr(first, names) && strstr(first, "too large"), "%s: one line naming %s", what,
          names);
    CHECK(other_files(sub, NULL, 0) == 0, "%s: files were left", what);
    free(first);
    free(e);
}

/* Under an address-space limit in which radx loads: a result, or a one-line refusal; never a
 * crash.  1 when it was checked. */
static int check_address_space(long mib)
{
#if defined(__SANITIZE_ADDRESS__)
    (void)mib;
    printf("address-space limit: skipped (AddressSanitizer reserves more address space than any limit)\n");
    return 1;
#else
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s --version", RADX_CLI);
    if (finish(start(cmd, RLIMIT_AS, mib << 20)) != 0) { /* the loader cannot map its libraries (CUDA's) */
        printf("address space %4ld MiB: radx itself does not load in it, skipped\n", mib);
        return 0;
    }
    snprintf(cmd, sizeof cmd, "%s extract img.nrrd lab.nrrd -f csv -o as/out.csv", RADX_CLI);
    pid_t pid = start(cmd, RLIMIT_AS, mib << 20);
    int rc = finish(pid);
    char *e = err_text(), *first;
    int lines = message_lines(e, &first);
    printf("address space %4ld MiB: exit %d: %s\n", mib, rc, first ? first : "(result written)");
    CHECK(rc == 0 || (rc == 7 && lines == 1), "address space %ld MiB: exit %d (want 0 or 7), %d lines", mib, rc, lines);
    CHECK(rc != 0 || other_files("as", (const char *[]){"out.csv"}, 1) == 0, "stray files");
    CHECK(rc == 0 || other_files("as", NULL, 0) == 0, "address space %ld MiB: files left after a refusal", mib);
    free(first);
    free(e);
    return 1;
#endif
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/radx_signals_XXXXXX");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "cp %s/data/pyradiomics/brain1_image.nrrd %s/img.nrrd && cp %s/data/pyradiomics/brain1_label.nrrd "
             "%s/lab.nrrd && mkdir %s/out %s/as",
             RADX_SOURCE_DIR, dir, RADX_SOURCE_DIR, dir, dir, dir);
    if (system(cmd) != 0) return 1;

    check_map_signal(SIGTERM, "SIGTERM");
    check_map_signal(SIGINT, "SIGINT");
    check_map_signal(SIGHUP, "SIGHUP");
    check_map_kill9();
    check_batch_signal();
    check_map_parked();

    snprintf(cmd, sizeof cmd, "%s extract img.nrrd lab.nrrd -f json -o out/features.json", RADX_CLI);
    check_fsize("extract -o under a 1 kB limit", cmd, 1000, "features.json", "out");
    snprintf(cmd, sizeof cmd, "rm -rf %s/maps && mkdir %s/maps", dir, dir);
    if (system(cmd) != 0) return 1;
    snprintf(cmd, sizeof cmd, "%s map img.nrrd lab.nrrd -o maps -q -s kernelRadius:1", RADX_CLI);
    check_fsize("map under a 20 kB limit", cmd, 20000, "maps/", "maps");
    int limits_checked = 0;
    for (long mib = 16; mib <= 1024; mib *= 4) limits_checked += check_address_space(mib);
    CHECK(limits_checked > 0, "radx loads in none of the address-space limits up to 1 GiB");

    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    return radx_test_finish("test_signals");
}
