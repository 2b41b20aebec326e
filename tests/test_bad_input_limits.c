/* SPDX-License-Identifier: BSD-3-Clause */
/* Hostile inputs that ask for too much: huge binCount, deeply nested parameter files, many gray
 * levels, memory beyond RADX_MEMORY_MIB or ulimit -v, a resampled grid near the voxel limit,
 * huge OMP_NUM_THREADS, and .json files outside Python's json grammar.  Each runs under the
 * contract of bad_input.h, must be refused within 10 s, and (outside sanitizer builds, whose
 * shadow memory needs more) under a 2.5 GB address-space limit, so that a regression fails
 * instead of eating the machine. */
#include <sys/resource.h>
#include <time.h>
#include "bad_input.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* expect_error_in, one command at a time, each within 10 s. */
static void hostile(int cmds, const char *what, const char *args, const char *must_name)
{
    const int one[3] = {EXTRACT, MAP, BATCH};
    for (int k = 0; k < 3; k++) {
        if (!(cmds & one[k])) continue;
        double t0 = now();
        expect_error_in(one[k] | (cmds & BATCH_ALL_FAIL), what, args, must_name, 0);
        double dt = now() - t0;
        CHECK(dt < 10.0, "%s: took %.1f s (limit 10 s)", what, dt);
    }
}

/* `radx extract ARGS` must fail with exit status code, one line naming must_name, within 10 s. */
static void expect_exit(const char *what, const char *args, const char *must_name, int code)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "cd %s && " HANG_GUARD "%s extract %s -o never.csv 2>%s/stderr.txt >/dev/null", dir,
             RADX_CLI, args, dir);
    int got = 0;
    double t0 = now();
    free(run_and_check("extract ", what, cmd, must_name, &got));
    CHECK(now() - t0 < 10.0, "%s: took more than 10 s", what);
    CHECK(got == code, "%s: exit status %d, expected %d", what, got, code);
    char p[600];
    snprintf(p, sizeof p, "%s/never.csv", dir);
    CHECK(!radx_test_exists(p), "%s: an output file was written", what);
}

/* `radx extract ARGS` (with env set in this process) must succeed and write its output, or
 * fail by the contract; within 10 s either way. */
static void expect_ok_or_clean(const char *what, const char *args)
{
    char cmd[4096], out[600];
    snprintf(out, sizeof out, "%s/ok.csv", dir);
    unlink(out);
    snprintf(cmd, sizeof cmd, "cd %s && " HANG_GUARD "%s extract %s -f csv -o %s 2>%s/stderr.txt >/dev/null", dir,
             RADX_CLI, args, out, dir);
    double t0 = now();
    int code = radx_test_run(cmd);
    CHECK(now() - t0 < 10.0, "%s: took more than 10 s", what);
    if (code == 0) {
        printf("ok      %-34s exit   0\n", what);
        CHECK(radx_test_exists(out), "%s: exit 0 but no output", what);
        return;
    }
    free(run_and_check("extract ", what, cmd, "radx", NULL));
}

static void write_text(const char *name, const char *text) { write_file(name, text, strlen(text)); }

/* name: "[[[ ... ]]]" nested depth deep under `setting:` (YAML) or "setting" (JSON). */
static void write_deep(const char *name, int depth, int json)
{
    size_t n = 2 * (size_t)depth + 64, k = 0;
    char *s = malloc(n);
    k += (size_t)snprintf(s, n, json ? "{\"setting\": " : "setting: ");
    for (int i = 0; i < depth; i++) s[k++] = '[';
    for (int i = 0; i < depth; i++) s[k++] = ']';
    k += (size_t)snprintf(s + k, n - k, json ? "}" : "\n");
    write_file(name, s, k);
    free(s);
}

static void bin_count_cases(void)
{
    hostile(ALL, "binCount 1e9 (-s)", "img.nrrd lab.nrrd -s binCount:1000000000", "binCount");
    write_text("bincount.yaml", "setting:\n  binCount: 1000000000\n");
    hostile(ALL, "binCount 1e9 (file)", "img.nrrd lab.nrrd -p bincount.yaml", "binCount");
    expect_exit("binCount 1e9: invalid setting", "img.nrrd lab.nrrd -s binCount:1000000000", "binCount", 2);
}

static void deep_file_cases(void)
{
    write_deep("deep.yaml", 150000, 0);
    hostile(ALL, "YAML nested 150000 deep", "img.nrrd lab.nrrd -p deep.yaml", "deep.yaml");
    write_deep("deep.json", 150000, 1);
    hostile(ALL, "JSON nested 150000 deep", "img.nrrd lab.nrrd -p deep.json", "deep.json");
    /* a billion laughs: nine levels of nine aliases */
    char laughs[1024];
    size_t k = (size_t)snprintf(laughs, sizeof laughs, "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for (int i = 1; i < 10; i++) {
        k += (size_t)snprintf(laughs + k, sizeof laughs - k, "a%d: &a%d [", i, i);
        for (int j = 0; j < 9; j++)
            k += (size_t)snprintf(laughs + k, sizeof laughs - k, "%s*a%d", j ? ", " : "", i - 1);
        k += (size_t)snprintf(laughs + k, sizeof laughs - k, "]\n");
    }
    write_file("laughs.yaml", laughs, k);
    hostile(EXTRACT, "YAML billion laughs", "img.nrrd lab.nrrd -p laughs.yaml", "laughs.yaml");
    /* 300000 keys in one mapping (duplicate check) */
    size_t cap = 300000 * 16, m = 0;
    char *keys = malloc(cap);
    m += (size_t)snprintf(keys, cap, "setting: {");
    for (int i = 0; i < 300000; i++) m += (size_t)snprintf(keys + m, cap - m, "%sk%d: 1", i ? ", " : "", i);
    m += (size_t)snprintf(keys + m, cap - m, "}\n");
    write_file("manykeys.yaml", keys, m);
    free(keys);
    hostile(EXTRACT, "YAML mapping of 300000 keys", "img.nrrd lab.nrrd -p manykeys.yaml", "manykeys.yaml");
}

/* A float image of 100 x 100 x 50 voxels with 500000 distinct values (0, 1, 2, ...), its ROI
 * every voxel but the first. */
static void write_many_levels(void)
{
    const int sz[3] = {100, 100, 50}, n = 100 * 100 * 50;
    float *v = malloc(sizeof *v * (size_t)n);
    unsigned char *l = malloc((size_t)n);
    for (int i = 0; i < n; i++) {
        v[i] = (float)i;
        l[i] = i > 0;
    }
    write_nrrd("levels.nrrd", "float", sz, 3, v, sizeof *v, NULL);
    write_nrrd("levels_lab.nrrd", "uchar", sz, 3, l, 1, NULL);
    free(v);
    free(l);
}

static void gray_level_cases(void)
{
    write_many_levels();
    static const char *const cls[] = {"ngtdm", "glcm", "glrlm", "glszm", "gldm"};
    for (int c = 0; c < 5; c++) {
        char name[64], y[160], what[96];
        snprintf(name, sizeof name, "levels_%s.yaml", cls[c]);
        snprintf(y, sizeof y, "setting:\n  binWidth: 1\nfeatureClass:\n  %s:\n", cls[c]);
        write_text(name, y);
        snprintf(what, sizeof what, "500000 gray levels, %s", cls[c]);
        char args[256];
        snprintf(args, sizeof args, "levels.nrrd levels_lab.nrrd -p %s", name);
        /* (not radx map: its kernels hold 27 levels at most, and a map of 500000 ROI voxels is
         * long by nature) */
        hostile(c == 0 ? EXTRACT | BATCH : EXTRACT, what, args, "binWidth");
        if (c == 0) expect_exit("500000 gray levels: size limit", args, "499999 gray levels", 7);
    }
    /* GLCM's MCC (levels^3): 2500 levels refused, naming MCC */
    write_text("levels_mcc.yaml", "setting:\n  binWidth: 200\nfeatureClass:\n  glcm:\n");
    hostile(EXTRACT, "GLCM MCC with 2500 gray levels", "levels.nrrd levels_lab.nrrd -p levels_mcc.yaml", "MCC");
    /* NGTDM neighbourhood of distance 32 over a 500000-voxel box */
    write_text("levels_dist.yaml", "setting:\n  binWidth: 100000\n  distances: [32]\nfeatureClass:\n  ngtdm:\n");
    hostile(EXTRACT, "distances [32] on a large box", "levels.nrrd levels_lab.nrrd -p levels_dist.yaml", "distances");
}

static void memory_cases(const char *brain_img, const char *brain_msk)
{
    char args[2048];
    setenv("RADX_MEMORY_MIB", "1", 1);
    snprintf(args, sizeof args, "%s %s", brain_img, brain_msk);
    hostile(ALL, "RADX_MEMORY_MIB=1", args, "RADX_MEMORY_MIB"); /* the small good case fits */
    expect_exit("RADX_MEMORY_MIB=1: exit 7, MiB", args, "MiB", 7);
    unsetenv("RADX_MEMORY_MIB");
    /* a resampled grid of 521 x 770 x 642 voxels, just under the voxel limit: refused by memory
     * (ulimit -v here; RADX_MEMORY_MIB in sanitizer builds, which run without it) */
    if (BAD_INPUT_SANITIZED) setenv("RADX_MEMORY_MIB", "2048", 1);
    snprintf(args, sizeof args, "%s %s -s resampledPixelSpacing:[0.072,0.072,0.072]", brain_img, brain_msk);
    hostile(ALL, "resampled grid near the voxel limit", args, "resampledPixelSpacing");
    expect_exit("resampled grid: exit 7, MiB", args, "MiB", 7);
    unsetenv("RADX_MEMORY_MIB");
}

static void thread_cases(void)
{
    static const char *const vals[] = {"100000", "garbage", "-5", "99999999999", "1,2,3"};
    char what[96];
    for (int i = 0; i < 5; i++) {
        setenv("OMP_NUM_THREADS", vals[i], 1);
        snprintf(what, sizeof what, "OMP_NUM_THREADS=%s", vals[i]);
        expect_ok_or_clean(what, "img.nrrd lab.nrrd");
    }
    unsetenv("OMP_NUM_THREADS");
    setenv("OMP_STACKSIZE", "100G", 1);
    expect_ok_or_clean("OMP_STACKSIZE=100G", "img.nrrd lab.nrrd -j 64");
    unsetenv("OMP_STACKSIZE");
    setenv("OMP_THREAD_LIMIT", "100000", 1);
    expect_ok_or_clean("OMP_THREAD_LIMIT=100000", "img.nrrd lab.nrrd");
    unsetenv("OMP_THREAD_LIMIT");
}

static void json_cases(void)
{
    static const char *const bad[][2] = {
        {"{\"setting\": {\"binWidth\": 25,}}", "trailing comma"},
        {"{\"setting\": {\"binWidth\": 25}} // note", "comment"},
        {"{'setting': {'binWidth': 25}}", "single quotes"},
        {"{setting: {binWidth: 25}}", "unquoted keys"},
        {"{\"setting\": {\"binWidth\": 25}}{}", "extra data"},
        {"{\"setting\": {\"interpolator\": \"sitk\tBSpline\"}}", "tab inside a string"},
        {"{\"setting\": {\"binWidth\": 025}}", "leading zero"},
        {"{\"setting\": {\"binWidth\": -NaN}}", "-NaN"},
        {"\xef\xbb\xbf{\"setting\": {}}", "byte order mark"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char what[96];
        write_text("bad.json", bad[i][0]);
        snprintf(what, sizeof what, "JSON: %s", bad[i][1]);
        hostile(EXTRACT, what, "img.nrrd lab.nrrd -p bad.json", "bad.json");
    }
    write_text("good.json", "{\"setting\": {\"binWidth\": 25, \"label\": 1},\n"
                            " \"voxelSetting\": {\"initValue\": NaN},\n \"featureClass\": {\"firstorder\": []}}\n");
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "cd %s && %s extract img.nrrd lab.nrrd -p good.json -f csv -o good.csv 2>/dev/null", dir,
             RADX_CLI);
    CHECK(radx_test_run(cmd) == 0, "valid JSON with NaN was refused");
}

int main(void)
{
    bad_input_setup();
    if (!BAD_INPUT_SANITIZED) { /* every command below inherits it */
        struct rlimit r = {2500000ULL * 1024, 2500000ULL * 1024};
        CHECK(setrlimit(RLIMIT_AS, &r) == 0, "cannot set the address-space limit");
    }
    char brain_img[512], brain_msk[512];
    snprintf(brain_img, sizeof brain_img, "%s/data/pyradiomics/brain1_image.nrrd", RADX_SOURCE_DIR);
    snprintf(brain_msk, sizeof brain_msk, "%s/data/pyradiomics/brain1_label.nrrd", RADX_SOURCE_DIR);
    bin_count_cases();
    deep_file_cases();
    gray_level_cases();
    memory_cases(brain_img, brain_msk);
    thread_cases();
    json_cases();
    bad_input_cleanup();
    return radx_test_finish("test_bad_input_limits");
}
