/* SPDX-License-Identifier: BSD-3-Clause */
/* Every input the fuzzers once failed on (tests/fuzz/regressions/<target>/) is read again by the
 * ordinary build: it must give a clean error status (or succeed), never a crash, and print
 * nothing (the readers' libraries must not write to stderr). */
#include <dirent.h>
#include <fcntl.h>
#include "cli/csv.h"
#include "io/io.h"
#include "params/params.h"
#include "radx_test.h"

static int run_dir(const char *target, const char *suffix)
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/tests/fuzz/regressions/%s", RADX_SOURCE_DIR, target);
    DIR *d = opendir(dir);
    if (!d) return 0;
    struct dirent *e;
    int n = 0;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char src[2048], dst[256];
        snprintf(src, sizeof src, "%s/%s", dir, e->d_name);
        snprintf(dst, sizeof dst, "/tmp/radx_regress_%d%s", (int)getpid(), suffix);
        char cmd[4096];
        snprintf(cmd, sizeof cmd, "cp '%s' '%s'", src, dst);
        if (system(cmd) != 0) continue;
        /* stderr to a file: it must stay empty */
        char errp[256];
        snprintf(errp, sizeof errp, "/tmp/radx_regress_%d.err", (int)getpid());
        fflush(stderr);
        int saved = dup(2), fd = open(errp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        dup2(fd, 2);
        radx_err err = {RADX_OK, "", ""};
        radx_status st = RADX_OK;
        if (!strcmp(target, "params")) {
            radx_params p;
            radx_params_init_defaults(&p);
            st = radx_params_load_file(&p, dst, &err);
            radx_params_clear(&p);
        } else if (!strcmp(target, "csv")) {
            csv_doc doc;
            char m[256];
            if (csv_read_file(dst, &doc, m, sizeof m) == 0) csv_doc_free(&doc);
        } else {
            radx_volume v;
            st = radx_volume_read(dst, &v, &err);
            if (!st) radx_volume_free(&v);
        }
        fflush(stderr);
        dup2(saved, 2);
        close(saved);
        close(fd);
        FILE *f = fopen(errp, "r");
        int c = f ? fgetc(f) : EOF;
        if (f) fclose(f);
        CHECK(c == EOF, "%s/%s: the library wrote to stderr", target, e->d_name);
        printf("%-7s %-28s -> %s%s%s\n", target, e->d_name, st ? radx_status_string(st) : "read", st ? ": " : "",
               st ? err.msg : "");
        unlink(dst);
        unlink(errp);
        n++;
    }
    closedir(d);
    return n;
}

int main(void)
{
    int n = run_dir("nifti", ".nii") + run_dir("niigz", ".nii.gz") + run_dir("nrrd", ".nrrd") +
            run_dir("params", ".yaml") + run_dir("csv", ".csv");
    printf("%d fuzzer regression inputs replayed\n", n);
    CHECK(n >= 2, "regression inputs present");
    return radx_test_finish("test_fuzz_regressions");
}
