/* SPDX-License-Identifier: BSD-3-Clause */
/* The tests' shared harness: checks that count failures, the skip code, relative errors, and the
 * small file and process helpers several tests need.  CMake compiles in RADX_SOURCE_DIR (the
 * project), RADX_SHARED_DIR (../shared beside it) and RADX_CLI (the radx program). */
#ifndef RADX_TEST_H
#define RADX_TEST_H
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef RADX_SOURCE_DIR
#define RADX_SOURCE_DIR "."
#endif
#ifndef RADX_SHARED_DIR
#define RADX_SHARED_DIR "../shared"
#endif
#ifndef RADX_CLI
#define RADX_CLI "radx"
#endif

#define RADX_TEST_SKIP 77

static int radx_test_failures = 0;
static int radx_test_checks = 0;

#define CHECK(cond, ...)                                                    \
    do {                                                                    \
        radx_test_checks++;                                                 \
        if (!(cond)) {                                                      \
            radx_test_failures++;                                           \
            fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__);                                   \
            fputc('\n', stderr);                                            \
        }                                                                   \
    } while (0)

/* PyRadiomics' own baseline rule: relative difference, 0 must be matched exactly (here within
 * 1e-12 absolute, to absorb the sign of a computed -0 and rounding at 0). */
static inline double radx_test_relerr(double value, double ref)
{
    if (isnan(ref) && isnan(value)) return 0.0;
    if (isnan(ref) || isnan(value)) return INFINITY;
    if (ref == 0.0) return fabs(value) < 1e-12 ? 0.0 : INFINITY;
    return fabs(1.0 - value / ref);
}

static inline int radx_test_exists(const char *path) { return access(path, R_OK) == 0; }

/* A whole file, NUL-terminated (malloc'ed; *len its size when len is not NULL), or NULL. */
static inline char *radx_test_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    const long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = (char *)malloc((size_t)(n > 0 ? n : 0) + 1);
    const size_t got = b ? fread(b, 1, (size_t)(n > 0 ? n : 0), f) : 0;
    if (b) b[got] = 0;
    fclose(f);
    if (len) *len = got;
    return b;
}

/* Writes n bytes to path; a test cannot go on without its input files, so a failure exits. */
static inline void radx_test_write(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f || (n && fwrite(data, 1, n, f) != n)) {
        perror(path);
        exit(1);
    }
    fclose(f);
}

static inline void radx_test_write_text(const char *path, const char *text)
{
    radx_test_write(path, text, strlen(text));
}

/* Runs a shell command: its exit status, or 128 + the signal that ended it. */
static inline int radx_test_run(const char *cmd)
{
    const int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Starts `sh -c cmd` in folder `in` (exec'ed, so that signals reach the command), under the
 * resource limit `res` set to `value` when res >= 0 (set here, so that no shell's units apply).
 * Its pid; radx_test_wait ends it. */
static inline pid_t radx_test_start(const char *in, const char *cmd, int res, long value)
{
    char full[8704];
    snprintf(full, sizeof full, "cd %s && exec %s", in, cmd);
    pid_t pid = fork();
    if (pid == 0) {
        if (res >= 0) {
            struct rlimit rl = {(rlim_t)value, (rlim_t)value};
            setrlimit(res, &rl);
        }
        execl("/bin/sh", "sh", "-c", full, (char *)NULL);
        _exit(127);
    }
    return pid;
}

/* The exit status of a started command, or 128 + the signal that ended it. */
static inline int radx_test_wait(pid_t pid)
{
    int st;
    if (waitpid(pid, &st, 0) < 0) return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* The project's file rel (RADX_SOURCE_DIR/rel) opened for reading; NULL, said on stderr, when it
 * cannot be. */
static inline FILE *radx_test_open_source(const char *rel)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", RADX_SOURCE_DIR, rel);
    FILE *f = fopen(path, "r");
    if (!f) fprintf(stderr, "%s: cannot open\n", path);
    return f;
}

/* FNV-1a (64-bit) of n bytes, continuing from h (start: 0xCBF29CE484222325), as the reference
 * generators under tests/gen/ hash values. */
static inline unsigned long long radx_test_fnv1a(unsigned long long h, const void *p, size_t n)
{
    const unsigned char *b = (const unsigned char *)p;
    for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * 0x100000001B3ull;
    return h;
}

static inline int radx_test_finish(const char *name)
{
    printf("%s: %d checks, %d failed\n", name, radx_test_checks, radx_test_failures);
    return radx_test_failures ? 1 : 0;
}
#endif
