/* SPDX-License-Identifier: BSD-3-Clause */
/* Bad input through the CLI, each case through `radx extract`, `radx map` and `radx batch`: it must
 * end, within the hang guard, with exactly one line on stderr that names the file or setting, an
 * exit status in 1..127, no output file (no map, no batch output when the run is refused), an
 * existing output file left untouched, and no temporary file; in a batch, a bad case fails alone
 * (one line, listed in the errors file) and the good case beside it is written. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "radx.h"
#include "radx_test.h"

static char dir[256];

static void write_file(const char *name, const void *data, size_t n)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    radx_test_write(p, data, n);
}

/* A little NRRD writer: short/float 3-D volume, LPS identity geometry, raw little endian. */
static void write_nrrd(const char *name, const char *type, const int *size, int dims, const void *data, size_t elem,
                       const char *extra)
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
static int error_lines(char *msg, char **last)
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

static void no_temporaries(const char *what, const char *cmdname)
{
    char ls[600];
    snprintf(ls, sizeof ls, "find %s -name '*tmp*' | grep -q .", dir);
    CHECK(system(ls) != 0, "%s (%s): a temporary output file was left behind", what, cmdname);
}

/* Runs cmd (stderr to the test folder's stderr.txt) and checks the one-line contract: exit 1..127,
 * one line on stderr (besides "using the ... backend"), naming must_name.  Returns the stderr
 * text (caller frees). */
static char *run_and_check(const char *label, const char *what, const char *cmd, const char *must_name, int *code_out)
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
static void expect_error_extract(const char *what, const char *args, const char *must_name, int preexisting)
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
static void expect_error_map(const char *what, const char *args, const char *must_name, int preexisting)
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
static void expect_error_batch(const char *what, const char *args, const char *must_name, int all_fail)
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
static void expect_error_cmd(const char *what, const char *cmdline, const char *must_name, const char *must_not_exist)
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
static void expect_error_in(int cmds, const char *what, const char *args, const char *must_name, int preexisting)
{
    if (cmds & EXTRACT) expect_error_extract(what, args, must_name, preexisting);
    if (cmds & MAP) expect_error_map(what, args, must_name, preexisting);
    if (cmds & BATCH) expect_error_batch(what, args, must_name, (cmds & BATCH_ALL_FAIL) != 0);
}

static void expect_error(const char *what, const char *args, const char *must_name, int preexisting)
{
    expect_error_in(ALL, what, args, must_name, preexisting);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/radx_bad_XXXXXX");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    char brain_img[512], brain_msk[512], breast_img[512], breast_msk[512], breast_nii[512];
    snprintf(brain_img, sizeof brain_img, "%s/data/pyradiomics/brain1_image.nrrd", RADX_SOURCE_DIR);
    snprintf(brain_msk, sizeof brain_msk, "%s/data/pyradiomics/brain1_label.nrrd", RADX_SOURCE_DIR);
    snprintf(breast_img, sizeof breast_img, "%s/data/pyradiomics/breast1_image.nrrd", RADX_SOURCE_DIR);
    snprintf(breast_msk, sizeof breast_msk, "%s/data/pyradiomics/breast1_label.nrrd", RADX_SOURCE_DIR);
    snprintf(breast_nii, sizeof breast_nii, "%s/data/pyradiomics/breast1_image.nii.gz", RADX_SOURCE_DIR);
    char args[2048];

    /* the small good case (img.nrrd, lab.nrrd) that batch runs beside each bad one */
    int sz[4] = {6, 6, 6, 2};
    short vol[6 * 6 * 6 * 2];
    short lab[6 * 6 * 6];
    for (int i = 0; i < 6 * 6 * 6 * 2; i++) vol[i] = (short)(i % 17);
    for (int i = 0; i < 6 * 6 * 6; i++) {
        int x = i % 6, y = (i / 6) % 6, z = i / 36;
        lab[i] = (x > 0 && x < 5 && y > 0 && y < 5 && z > 0 && z < 5) ? 1 : 0;
    }
    write_nrrd("img.nrrd", "short", sz, 3, vol, 2, NULL);
    write_nrrd("lab.nrrd", "short", sz, 3, lab, 2, NULL);

    /* files */
    snprintf(args, sizeof args, "missing_image.nrrd %s", brain_msk);
    expect_error("missing image file", args, "missing_image.nrrd", 0);
    snprintf(args, sizeof args, "%s missing_mask.nii.gz", brain_img);
    expect_error("missing mask file", args, "missing_mask.nii.gz", 1);
    write_file("empty.nii.gz", "", 0);
    snprintf(args, sizeof args, "empty.nii.gz %s", brain_msk);
    expect_error("empty file", args, "empty.nii.gz", 0);
    snprintf(args, sizeof args, ". %s", brain_msk);
    expect_error("a directory", args, ".", 0);
    {
        size_t n;
        char *gz = radx_test_slurp(breast_nii, &n);
        write_file("truncated.nii.gz", gz, n / 2);
        free(gz);
        snprintf(args, sizeof args, "truncated.nii.gz %s", breast_msk);
        expect_error("truncated gzip", args, "truncated.nii.gz", 0);
        char garbage[4096];
        for (int i = 0; i < 4096; i++) garbage[i] = (char)((i * 7919 + 13) & 0xff);
        write_file("garbage.nrrd", garbage, sizeof garbage);
        snprintf(args, sizeof args, "garbage.nrrd %s", breast_msk);
        expect_error("garbage bytes (.nrrd)", args, "garbage.nrrd", 0);
        write_file("garbage.nii", garbage, sizeof garbage);
        snprintf(args, sizeof args, "garbage.nii %s", breast_msk);
        expect_error("garbage bytes (.nii)", args, "garbage.nii", 0);
    }
    write_nrrd("truncated_raw.nrrd", "short", sz, 3, NULL, 2, NULL);
    {
        char p[512];
        snprintf(p, sizeof p, "%s/truncated_raw.nrrd", dir);
        FILE *f = fopen(p, "ab");
        fwrite(vol, 2, 50, f);
        fclose(f);
    }
    expect_error("truncated raw data", "truncated_raw.nrrd lab.nrrd", "truncated_raw.nrrd", 0);
    write_nrrd("four_d.nrrd", "short", sz, 4, vol, 2, NULL);
    expect_error("4-D image", "four_d.nrrd lab.nrrd", "four_d.nrrd", 0);
    {
        int big[3] = {100000, 100000, 100000};
        write_nrrd("absurd.nrrd", "short", big, 3, NULL, 2, NULL);
        expect_error("absurd size in header", "absurd.nrrd lab.nrrd", "absurd.nrrd", 0);
    }
    {
        char blk[6 * 6 * 6 * 4] = {0};
        write_nrrd("block.nrrd", "block", sz, 3, blk, 4, "block size: 4\n");
        expect_error("unsupported pixel type", "block.nrrd lab.nrrd", "block.nrrd", 0);
        int one_d[1] = {36};
        write_nrrd("one_d.nrrd", "short", one_d, 1, vol, 2, NULL);
        expect_error("1-D image", "one_d.nrrd lab.nrrd", "one_d.nrrd", 0);
    }
    /* geometry, labels, ROI */
    snprintf(args, sizeof args, "%s %s", brain_img, breast_msk);
    expect_error("image/mask size mismatch", args, "breast1_label.nrrd", 0);
    write_nrrd("lab_shifted.nrrd", "short", sz, 3, lab, 2, NULL);
    {
        /* same size, origin moved by 2 mm */
        char p[512];
        snprintf(p, sizeof p, "%s/lab_shifted.nrrd", dir);
        size_t n;
        char *b = radx_test_slurp(p, &n);
        char *o = strstr(b, "space origin: (0,0,0)");
        FILE *f = fopen(p, "wb");
        fwrite(b, 1, (size_t)(o - b), f);
        fputs("space origin: (2,0,0)", f);
        fwrite(o + strlen("space origin: (0,0,0)"), 1, n - (size_t)(o - b) - strlen("space origin: (0,0,0)"), f);
        fclose(f);
        free(b);
    }
    expect_error("mask origin mismatch", "img.nrrd lab_shifted.nrrd", "lab_shifted.nrrd", 0);
    {
        /* correctMask cannot help when the ROI lies outside the image: mask moved by 20 mm */
        char p[512];
        snprintf(p, sizeof p, "%s/lab_shifted.nrrd", dir);
        size_t n;
        char *b = radx_test_slurp(p, &n);
        char *o = strstr(b, "space origin: (2,0,0)");
        snprintf(p, sizeof p, "%s/lab_far.nrrd", dir);
        FILE *f = fopen(p, "wb");
        fwrite(b, 1, (size_t)(o - b), f);
        fputs("space origin: (20,0,0)", f);
        fwrite(o + strlen("space origin: (2,0,0)"), 1, n - (size_t)(o - b) - strlen("space origin: (2,0,0)"), f);
        fclose(f);
        free(b);
        expect_error("correctMask, ROI outside the image", "img.nrrd lab_far.nrrd -s correctMask:true", "lab_far.nrrd",
                     0);
    }
    expect_error("label absent", "img.nrrd lab.nrrd --label 7", "label 7", 0);
    {
        short zero[6 * 6 * 6] = {0};
        write_nrrd("lab_empty.nrrd", "short", sz, 3, zero, 2, NULL);
        expect_error("empty mask", "img.nrrd lab_empty.nrrd", "lab_empty.nrrd", 0);
        short one[6 * 6 * 6] = {0};
        one[3 + 6 * (3 + 6 * 3)] = 1;
        write_nrrd("lab_one.nrrd", "short", sz, 3, one, 2, NULL);
        expect_error("single-voxel ROI", "img.nrrd lab_one.nrrd", "lab_one.nrrd", 0);
        short flat[6 * 6 * 6] = {0};
        for (int i = 0; i < 6 * 6; i++) flat[i + 36 * 2] = 1;
        write_nrrd("lab_flat.nrrd", "short", sz, 3, flat, 2, NULL);
        expect_error("ROI below minimumROIDimensions", "img.nrrd lab_flat.nrrd -s minimumROIDimensions:3",
                     "minimumROIDimensions", 0);
        expect_error_in(ALL | BATCH_ALL_FAIL, "ROI below minimumROISize", "img.nrrd lab.nrrd -s minimumROISize:1000",
                        "minimumROISize", 0);
        expect_error_in(ALL | BATCH_ALL_FAIL, "resegmentation empties ROI",
                        "img.nrrd lab.nrrd -s resegmentRange:[1000,2000]", "resegment", 0);
    }
    {
        float fv[6 * 6 * 6];
        for (int i = 0; i < 6 * 6 * 6; i++) fv[i] = (float)(i % 11);
        fv[2 + 6 * (2 + 6 * 2)] = NAN;
        write_nrrd("nan.nrrd", "float", sz, 3, fv, 4, NULL);
        expect_error("NaN voxel in ROI", "nan.nrrd lab.nrrd", "nan.nrrd", 0);
        expect_error("NaN voxel in ROI: its index", "nan.nrrd lab.nrrd", "first at index (2, 2, 2)", 0);
        fv[2 + 6 * (2 + 6 * 2)] = INFINITY;
        write_nrrd("inf.nrrd", "float", sz, 3, fv, 4, NULL);
        expect_error("Inf voxel in ROI", "inf.nrrd lab.nrrd", "inf.nrrd", 0);
    }
    /* settings */
    expect_error("binWidth 0", "img.nrrd lab.nrrd -s binWidth:0", "binWidth", 0);
    expect_error("binWidth negative", "img.nrrd lab.nrrd -s binWidth:-5", "binWidth", 1);
    expect_error("binCount 0", "img.nrrd lab.nrrd -s binCount:0", "binCount", 0);
    expect_error("unknown setting", "img.nrrd lab.nrrd -s binwidth:5", "binwidth", 0);
    expect_error("bad distances", "img.nrrd lab.nrrd -s distances:[0]", "distances", 0);
    {
        const char *y = "setting:\n  binWidth: 25\n  notASetting: 3\n";
        /* preprocessing settings */
        snprintf(args, sizeof args, "%s %s -s resampledPixelSpacing:[0.7,-1,0]", brain_img, brain_msk);
        expect_error("negative resampled spacing", args, "resampledPixelSpacing", 0);
        snprintf(args, sizeof args, "%s %s -s resampledPixelSpacing:[0.001,0.001,0.001]", brain_img, brain_msk);
        expect_error_in(ALL | BATCH_ALL_FAIL, "resampled grid above memory limit", args, "resampledPixelSpacing", 0);
        snprintf(args, sizeof args, "%s %s -s resampledPixelSpacing:[1,1,1] -s interpolator:sitkGaussian", brain_img,
                 brain_msk);
        expect_error_in(ALL | BATCH_ALL_FAIL, "interpolator not implemented", args, "sitkGaussian", 0);
        expect_error("unknown interpolator", "img.nrrd lab.nrrd -s interpolator:sitkFoo", "sitkFoo", 0);
        {
            const char *y = "imageType:\n  LoG:\n    sigma: [40.0]\n";
            write_file("log_big.yaml", y, strlen(y));
            expect_error_in(ALL | BATCH_ALL_FAIL, "LoG sigma too large for image", "img.nrrd lab.nrrd -p log_big.yaml",
                            "sigma", 0);
            const char *y2 = "imageType:\n  LoG: {}\n";
            write_file("log_nosigma.yaml", y2, strlen(y2));
            expect_error("LoG without sigma", "img.nrrd lab.nrrd -p log_nosigma.yaml", "sigma", 0);
            const char *y3 = "imageType:\n  Wavelet: {}\n";
            write_file("wavelet.yaml", y3, strlen(y3));
            expect_error("image type not implemented", "img.nrrd lab.nrrd -p wavelet.yaml", "Wavelet", 0);
        }
        write_file("bad.yaml", y, strlen(y));
    }
    expect_error("unknown key in params file", "img.nrrd lab.nrrd -p bad.yaml", "notASetting", 0);
    {
        const char *y = "setting:\n  binWidth: [oops\n";
        write_file("bad2.yaml", y, strlen(y));
    }
    expect_error("YAML syntax error", "img.nrrd lab.nrrd -p bad2.yaml", "bad2.yaml", 0);
    expect_error("missing params file", "img.nrrd lab.nrrd -p nothere.yaml", "nothere.yaml", 0);
    expect_error("bad --device", "img.nrrd lab.nrrd --device tpu", "tpu", 0);
    if (!radx_backend_available(RADX_BACKEND_CUDA)) /* on a machine with a usable GPU this runs */
        expect_error("--device cuda without a GPU", "img.nrrd lab.nrrd --device cuda", "cuda", 0);
    expect_error_in(EXTRACT | MAP, "bad format", "img.nrrd lab.nrrd -f xml", "xml", 0);

    /* inputs of batch and map themselves */
    expect_error_cmd("batch: missing cohort file", "batch nocohort.csv -o b.csv", "nocohort.csv", "b.csv");
    write_file("cohort_empty.csv", "", 0);
    expect_error_cmd("batch: empty cohort file", "batch cohort_empty.csv -o b.csv", "cohort_empty.csv", "b.csv");
    write_file("cohort_nomask.csv", "Image,Label\nimg.nrrd,1\n", 22);
    expect_error_cmd("batch: cohort without a Mask column", "batch cohort_nomask.csv -o b.csv", "Mask", "b.csv");
    {
        char garbage[2048];
        for (int i = 0; i < 2048; i++) garbage[i] = (char)((i * 131 + 7) & 0xff);
        write_file("cohort_garbage.csv", garbage, sizeof garbage);
        expect_error_cmd("batch: garbage cohort file", "batch cohort_garbage.csv -o b.csv", "cohort_garbage.csv",
                         "b.csv");
    }
    write_file("cohort_ok.csv", "Image,Mask\nimg.nrrd,lab.nrrd\n", 29);
    expect_error_cmd("batch: bad --shard", "batch cohort_ok.csv -o b.csv --shard 3/2", "--shard", "b.csv");
    expect_error_cmd("batch: -j 0", "batch cohort_ok.csv -o b.csv -j 0", "-j", "b.csv");
    write_file("notadir", "x", 1);
    expect_error_cmd("map: -o names a file", "map img.nrrd lab.nrrd -o notadir -q", "notadir", NULL);
    expect_error_cmd("map: no -o", "map img.nrrd lab.nrrd -q", "-o", NULL);
    expect_error_cmd("map: bad kernelRadius", "map img.nrrd lab.nrrd -o m2 -q -s kernelRadius:0", "kernelRadius", "m2");

    /* and a good run writes the file */
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "cd %s && %s extract img.nrrd lab.nrrd -f json -o good.json 2>/dev/null", dir, RADX_CLI);
    CHECK(system(cmd) == 0, "good case failed");
    char gp[600];
    snprintf(gp, sizeof gp, "%s/good.json", dir);
    char *g = radx_test_slurp(gp, NULL);
    CHECK(g && strstr(g, "\"original_glcm_Contrast\""), "good case: no features in output");
    free(g);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    return radx_test_finish("test_bad_input");
}
