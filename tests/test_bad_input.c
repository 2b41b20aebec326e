/* SPDX-License-Identifier: BSD-3-Clause */
/* Bad input through the CLI: each case must end with exactly one line on stderr that names the
 * file or setting, an exit status in 1..127, no output file, and an existing output file left
 * untouched. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "radx_test.h"

#ifndef RADX_CLI
#define RADX_CLI "radx"
#endif
#ifndef RADX_SOURCE_DIR
#define RADX_SOURCE_DIR "."
#endif

static char dir[256];

static void write_file(const char *name, const void *data, size_t n)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "wb");
    if (!f) { perror(p); exit(1); }
    if (n) fwrite(data, 1, n, f);
    fclose(f);
}

/* A little NRRD writer: short/float 3-D volume, LPS identity geometry, raw little endian. */
static void write_nrrd(const char *name, const char *type, const int *size, int dims, const void *data,
                       size_t elem, const char *extra)
{
    char hdr[1024];
    size_t n = 1;
    char sizes[64] = "", dirs[256] = "";
    for (int d = 0; d < dims; d++) {
        n *= (size_t)size[d];
        snprintf(sizes + strlen(sizes), sizeof sizes - strlen(sizes), "%s%d", d ? " " : "", size[d]);
    }
    if (dims == 3) snprintf(dirs, sizeof dirs, "space: left-posterior-superior\nspace directions: (1,0,0) (0,1,0) (0,0,1)\nspace origin: (0,0,0)\n");
    snprintf(hdr, sizeof hdr, "NRRD0004\ntype: %s\ndimension: %d\nsizes: %s\n%s%sencoding: raw\nendian: little\n\n",
             type, dims, sizes, dirs, extra ? extra : "");
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "wb");
    fputs(hdr, f);
    if (data) fwrite(data, elem, n, f);
    fclose(f);
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    size_t got = fread(b, 1, (size_t)n, f);
    b[got] = 0;
    fclose(f);
    if (len) *len = got;
    return b;
}

/* Runs `radx extract ARGS -o OUT`; checks the error contract; `must_name` must appear in the
 * message.  If `preexisting`, OUT exists beforehand and must be unchanged. */
static void expect_error(const char *what, const char *args, const char *must_name, int preexisting)
{
    char out[512], err[512], cmd[4096];
    snprintf(out, sizeof out, "%s/out.csv", dir);
    snprintf(err, sizeof err, "%s/stderr.txt", dir);
    unlink(out);
    if (preexisting) write_file("out.csv", "previous results\n", 17);
    snprintf(cmd, sizeof cmd, "cd %s && %s extract -f csv -o %s %s 2>%s >/dev/null", dir, RADX_CLI, out, args, err);
    int st = system(cmd);
    int code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    char *msg = slurp(err, NULL);
    int lines = 0;
    for (char *c = msg; c && *c; c++) lines += *c == '\n';
    /* "radx: using the cpu backend" is informational and may precede the error line */
    char *last = msg;
    if (msg && strncmp(msg, "radx: using the ", 16) == 0) {
        char *nl = strchr(msg, '\n');
        if (nl) { last = nl + 1; lines--; }
    }
    printf("%-34s exit %3d  %s", what, code, last ? last : "(no stderr)\n");
    CHECK(code >= 1 && code <= 127, "%s: exit status %d", what, code);
    CHECK(lines == 1, "%s: %d lines on stderr", what, lines);
    CHECK(last && strstr(last, must_name), "%s: message does not name '%s'", what, must_name);
    struct stat sb;
    if (preexisting) {
        char *o = slurp(out, NULL);
        CHECK(o && strcmp(o, "previous results\n") == 0, "%s: existing output file was changed", what);
        free(o);
    } else {
        CHECK(stat(out, &sb) != 0, "%s: an output file was written", what);
    }
    /* no temporary files left behind */
    char ls[600];
    snprintf(ls, sizeof ls, "ls %s | grep -c tmp >/dev/null", dir);
    CHECK(system(ls) != 0, "%s: a temporary output file was left behind", what);
    free(msg);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/radx_bad_XXXXXX");
    if (!mkdtemp(dir)) { perror("mkdtemp"); return 1; }
    char brain_img[512], brain_msk[512], breast_img[512], breast_msk[512], breast_nii[512];
    snprintf(brain_img, sizeof brain_img, "%s/data/pyradiomics/brain1_image.nrrd", RADX_SOURCE_DIR);
    snprintf(brain_msk, sizeof brain_msk, "%s/data/pyradiomics/brain1_label.nrrd", RADX_SOURCE_DIR);
    snprintf(breast_img, sizeof breast_img, "%s/data/pyradiomics/breast1_image.nrrd", RADX_SOURCE_DIR);
    snprintf(breast_msk, sizeof breast_msk, "%s/data/pyradiomics/breast1_label.nrrd", RADX_SOURCE_DIR);
    snprintf(breast_nii, sizeof breast_nii, "%s/data/pyradiomics/breast1_image.nii.gz", RADX_SOURCE_DIR);
    char args[2048];

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
        char *gz = slurp(breast_nii, &n);
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
        char *b = slurp(p, &n);
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
        char *b = slurp(p, &n);
        char *o = strstr(b, "space origin: (2,0,0)");
        snprintf(p, sizeof p, "%s/lab_far.nrrd", dir);
        FILE *f = fopen(p, "wb");
        fwrite(b, 1, (size_t)(o - b), f);
        fputs("space origin: (20,0,0)", f);
        fwrite(o + strlen("space origin: (2,0,0)"), 1, n - (size_t)(o - b) - strlen("space origin: (2,0,0)"), f);
        fclose(f);
        free(b);
        expect_error("correctMask, ROI outside the image", "img.nrrd lab_far.nrrd -s correctMask:true", "lab_far.nrrd", 0);
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
        expect_error("ROI below minimumROISize", "img.nrrd lab.nrrd -s minimumROISize:1000", "minimumROISize", 0);
        expect_error("resegmentation empties ROI", "img.nrrd lab.nrrd -s resegmentRange:[1000,2000]",
                     "resegment", 0);
    }
    {
        float fv[6 * 6 * 6];
        for (int i = 0; i < 6 * 6 * 6; i++) fv[i] = (float)(i % 11);
        fv[2 + 6 * (2 + 6 * 2)] = NAN;
        write_nrrd("nan.nrrd", "float", sz, 3, fv, 4, NULL);
        expect_error("NaN voxel in ROI", "nan.nrrd lab.nrrd", "nan.nrrd", 0);
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
    expect_error("resampled grid above memory limit", args, "resampledPixelSpacing", 0);
    snprintf(args, sizeof args, "%s %s -s resampledPixelSpacing:[1,1,1] -s interpolator:sitkGaussian", brain_img, brain_msk);
    expect_error("interpolator not implemented", args, "sitkGaussian", 0);
    expect_error("unknown interpolator", "img.nrrd lab.nrrd -s interpolator:sitkFoo", "sitkFoo", 0);
    {
        const char *y = "imageType:\n  LoG:\n    sigma: [40.0]\n";
        write_file("log_big.yaml", y, strlen(y));
        expect_error("LoG sigma too large for image", "img.nrrd lab.nrrd -p log_big.yaml", "sigma", 0);
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
    expect_error("bad format", "img.nrrd lab.nrrd -f xml", "xml", 0);

    /* and a good run writes the file */
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "cd %s && %s extract img.nrrd lab.nrrd -f json -o good.json 2>/dev/null", dir, RADX_CLI);
    CHECK(system(cmd) == 0, "good case failed");
    char gp[600];
    snprintf(gp, sizeof gp, "%s/good.json", dir);
    char *g = slurp(gp, NULL);
    CHECK(g && strstr(g, "\"original_glcm_Contrast\""), "good case: no features in output");
    free(g);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    return radx_test_finish("test_bad_input");
}
