/* SPDX-License-Identifier: BSD-3-Clause */
/* Bad input through the CLI (files, geometry, labels, settings, the inputs of batch and map), each
 * case through `radx extract`, `radx map` and `radx batch` under the contract of bad_input.h; and
 * outputs that must not destroy anything: a character device or FIFO, an input named as the
 * output, modes, names of up to 255 bytes, a map run that fails beside an earlier run's maps. */
#include <signal.h>
#include <sys/sysmacros.h>
#include "bad_input.h"

static int path_mode(const char *name)
{
    char p[600];
    struct stat sb;
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return stat(p, &sb) == 0 ? (int)(sb.st_mode & 07777) : -1;
}

static int run_in_dir(const char *fmt, const char *a, const char *b)
{
    char cmd[4096], full[4600];
    snprintf(cmd, sizeof cmd, fmt, a, b);
    snprintf(full, sizeof full, "cd %s && " HANG_GUARD "sh -c '%s'", dir, cmd);
    return radx_test_run(full);
}

/* A LoG sigma too large for the image is left out with a warning, as PyRadiomics does (the case is
 * not an error): extract, map and batch succeed, say so once (batch: in the errors file as a
 * warning) and give the other sigma's features. */
static void check_log_sigma_left_out(void)
{
    const char *y = "imageType:\n  Original: {}\n  LoG:\n    sigma: [1.0, 40.0]\n";
    write_file("log_big.yaml", y, strlen(y));
    int rc = run_in_dir("%s extract img.nrrd lab.nrrd -p %s -o logw.txt 2>logw.err", RADX_CLI, "log_big.yaml");
    char p[600];
    snprintf(p, sizeof p, "%s/logw.err", dir);
    char *e = radx_test_slurp(p, NULL), *last;
    int lines = error_lines(e, &last);
    snprintf(p, sizeof p, "%s/logw.txt", dir);
    char *o = radx_test_slurp(p, NULL);
    printf("extract LoG sigma too large for the image exit %3d  %s", rc, last ? last : "(no stderr)\n");
    CHECK(rc == 0 && lines == 1 && last && strstr(last, "warning") && strstr(last, "sigma 40"),
          "LoG sigma 40 on a 6-voxel image: exit %d, %d lines, one warning naming it", rc, lines);
    CHECK(o && strstr(o, "log-sigma-1-0-mm-3D_firstorder_Mean") && !strstr(o, "log-sigma-40"),
          "LoG sigma 40 left out, sigma 1 kept");
    free(e);
    free(o);
    write_file("cohort_log.csv", "Image,Mask\nimg.nrrd,lab.nrrd\n", 29);
    rc = run_in_dir("%s batch cohort_log.csv -o logw.csv -p %s 2>/dev/null", RADX_CLI, "log_big.yaml");
    snprintf(p, sizeof p, "%s/logw.errors.csv", dir);
    e = radx_test_slurp(p, NULL);
    CHECK(rc == 0 && e && strstr(e, "warning: ") && strstr(e, "sigma 40") && path_mode("logw.csv") >= 0,
          "batch: exit %d, the case written, its warning in the errors file", rc);
    free(e);
    rc = run_in_dir("%s map img.nrrd lab.nrrd -o logmaps -q -p %s 2>/dev/null", RADX_CLI, "log_big.yaml");
    CHECK(rc == 0 && path_mode("logmaps/log-sigma-1-0-mm-3D_firstorder_Mean.nrrd") >= 0, "map: exit %d", rc);
}

/* -o a character device or a FIFO: written in place, never replaced by a regular file.  The
 * device is a private null device where the test may make one (as root: a broken radx must not
 * replace the machine's /dev/null), else /dev/null, which a user without root cannot replace. */
static void check_special_targets(void)
{
    struct stat sb;
    char null_dev[600];
    snprintf(null_dev, sizeof null_dev, "%s/null", dir);
    if (mknod(null_dev, S_IFCHR | 0666, makedev(1, 3)) != 0) snprintf(null_dev, sizeof null_dev, "/dev/null");
    int rc = run_in_dir("%s extract img.nrrd lab.nrrd -f csv -o %s 2>/dev/null", RADX_CLI, null_dev);
    CHECK(rc == 0 && stat(null_dev, &sb) == 0 && S_ISCHR(sb.st_mode), "-o %s: exit %d, still a device", null_dev, rc);
    char fifo[600];
    snprintf(fifo, sizeof fifo, "%s/fifo", dir);
    mkfifo(fifo, 0666);
    rc = run_in_dir("cat fifo > fifo.txt & %s extract img.nrrd lab.nrrd -f csv -o %s 2>/dev/null; wait", RADX_CLI,
                    "fifo");
    char ft[600];
    snprintf(ft, sizeof ft, "%s/fifo.txt", dir);
    char *got = radx_test_slurp(ft, NULL);
    CHECK(rc == 0 && got && strstr(got, "original_glcm_Contrast"), "-o FIFO with a reader: exit %d, text through it",
          rc);
    free(got);
    CHECK(stat(fifo, &sb) == 0 && S_ISFIFO(sb.st_mode), "-o FIFO: still a FIFO");
    expect_error_cmd("-o FIFO nobody reads", "extract img.nrrd lab.nrrd -o fifo", "fifo", NULL);
    CHECK(stat(fifo, &sb) == 0 && S_ISFIFO(sb.st_mode), "-o FIFO without a reader: still a FIFO");
    char cmdline[800];
    snprintf(cmdline, sizeof cmdline, "batch cohort_ok.csv -o %s", null_dev);
    expect_error_cmd("batch -o a character device", cmdline, null_dev, NULL);
    CHECK(stat(null_dev, &sb) == 0 && S_ISCHR(sb.st_mode), "batch -o %s: still a device", null_dev);
}

/* An output that is an input (by another name too) is refused and the input left as it was. */
static void check_output_is_input(void)
{
    run_in_dir("cp %s in_img.nrrd && ln -sf in_img.nrrd %s", "img.nrrd", "link_img.nrrd");
    char p[600];
    size_t n0, n1;
    snprintf(p, sizeof p, "%s/in_img.nrrd", dir);
    char *before = radx_test_slurp(p, &n0);
    expect_error_cmd("extract -o the image", "extract in_img.nrrd lab.nrrd -o in_img.nrrd", "in_img.nrrd", NULL);
    expect_error_cmd("extract -o a link to the image", "extract in_img.nrrd lab.nrrd -o link_img.nrrd", "in_img.nrrd",
                     NULL);
    write_file("p_in.yaml", "setting:\n  binWidth: 25\n", 23);
    expect_error_cmd("extract -o the parameter file", "extract img.nrrd lab.nrrd -p p_in.yaml -o p_in.yaml",
                     "p_in.yaml", NULL);
    expect_error_cmd("batch -o the cohort", "batch cohort_ok.csv -o cohort_ok.csv", "cohort_ok.csv", NULL);
    write_file("cohort_self.csv", "Image,Mask\nin_img.nrrd,lab.nrrd\n", 31);
    int rc = run_in_dir("%s batch cohort_self.csv -o %s 2>/dev/null", RADX_CLI, "in_img.nrrd");
    char *after = radx_test_slurp(p, &n1);
    CHECK(rc != 0 && after && n0 == n1 && !memcmp(before, after, n0), "batch -o a case's image: exit %d, image kept",
          rc);
    free(before);
    free(after);
    CHECK(path_mode("cohort_ok.csv") >= 0, "the cohort is still there");
}

/* Modes: a new file honours the umask, a replaced one keeps its mode; names of 255 bytes work. */
static void check_modes_and_names(void)
{
    run_in_dir("umask 022 && %s extract img.nrrd lab.nrrd -f csv -o %s 2>/dev/null", RADX_CLI, "m644.csv");
    run_in_dir("umask 077 && %s extract img.nrrd lab.nrrd -f csv -o %s 2>/dev/null", RADX_CLI, "m600.csv");
    CHECK(path_mode("m644.csv") == 0644 && path_mode("m600.csv") == 0600,
          "new files: 0%o under umask 022, 0%o under 077", path_mode("m644.csv"), path_mode("m600.csv"));
    run_in_dir("chmod 664 %s && umask 077 && %s", "m644.csv", "true");
    run_in_dir("umask 077 && %s extract img.nrrd lab.nrrd -f json -o %s 2>/dev/null", RADX_CLI, "m644.csv");
    CHECK(path_mode("m644.csv") == 0664, "a replaced 0664 file: 0%o", path_mode("m644.csv"));
    char name[300];
    for (int len = 246; len <= 255; len += 3) {
        memset(name, 'n', (size_t)len);
        memcpy(name + len - 4, ".csv", 5);
        int rc = run_in_dir("%s extract img.nrrd lab.nrrd -f csv -o %s 2>/dev/null", RADX_CLI, name);
        CHECK(rc == 0 && path_mode(name) >= 0, "-o a name of %d bytes: exit %d", len, rc);
        rc = run_in_dir("%s batch cohort_ok.csv -o %s 2>/dev/null", RADX_CLI, name);
        CHECK(rc == 2, "batch onto the existing %d-byte name without --resume: exit %d", len, rc);
        char rm[600];
        snprintf(rm, sizeof rm, "%s/%s", dir, name);
        unlink(rm);
        rc = run_in_dir("%s batch cohort_ok.csv -o %s 2>/dev/null", RADX_CLI, name);
        CHECK(rc == 0 && path_mode(name) >= 0, "batch -o a name of %d bytes: exit %d", len, rc);
        unlink(rm);
    }
    no_temporaries("names of 246-255 bytes", "extract");
}

/* A map run that fails leaves an earlier run's maps of the same names as they were. */
static void check_map_keeps_earlier(void)
{
    int rc = run_in_dir("%s map img.nrrd lab.nrrd -o %s -q -s kernelRadius:1 2>/dev/null", RADX_CLI, "keep");
    char p[600];
    size_t n0 = 0, n1 = 0;
    snprintf(p, sizeof p, "%s/keep/original_firstorder_Mean.nrrd", dir);
    char *before = radx_test_slurp(p, &n0);
    CHECK(rc == 0 && before, "a first map run: exit %d", rc);
    run_in_dir("rm keep/%s && mkdir keep/%s && touch keep/other.txt", "original_ngtdm_Strength.nrrd",
               "original_ngtdm_Strength.nrrd");
    rc = run_in_dir("%s map img.nrrd lab.nrrd -o %s -q -s kernelRadius:2 2>/dev/null", RADX_CLI, "keep");
    char *after = radx_test_slurp(p, &n1);
    CHECK(rc == 9 && after && n0 == n1 && !memcmp(before, after, n0),
          "a failing map run: exit %d, the earlier map unchanged", rc);
    CHECK(path_mode("keep/other.txt") >= 0, "a failing map run: other files stay");
    no_temporaries("a failing map run", "map");
    free(before);
    free(after);
}

int main(void)
{
    bad_input_setup();
    char brain_img[512], brain_msk[512], breast_img[512], breast_msk[512], breast_nii[512];
    snprintf(brain_img, sizeof brain_img, "%s/data/pyradiomics/brain1_image.nrrd", RADX_SOURCE_DIR);
    snprintf(brain_msk, sizeof brain_msk, "%s/data/pyradiomics/brain1_label.nrrd", RADX_SOURCE_DIR);
    snprintf(breast_img, sizeof breast_img, "%s/data/pyradiomics/breast1_image.nrrd", RADX_SOURCE_DIR);
    snprintf(breast_msk, sizeof breast_msk, "%s/data/pyradiomics/breast1_label.nrrd", RADX_SOURCE_DIR);
    snprintf(breast_nii, sizeof breast_nii, "%s/data/pyradiomics/breast1_image.nii.gz", RADX_SOURCE_DIR);
    char args[2048];
    int *sz = bad_input_sz;
    short *vol = bad_input_vol, *lab = bad_input_lab;

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
        char longset[2048] = "img.nrrd lab.nrrd -s distances:[";
        for (int i = 0; i < 600; i++) strcat(longset, "1,");
        strcat(longset, "0]"); /* the bad value past 1024 characters: read whole, not cut */
        expect_error("a long -s value, bad at its end", longset, "distances", 0);
    }
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
            check_log_sigma_left_out();
            const char *y2 = "imageType:\n  LoG: {}\n";
            write_file("log_nosigma.yaml", y2, strlen(y2));
            expect_error("LoG without sigma", "img.nrrd lab.nrrd -p log_nosigma.yaml", "sigma", 0);
            const char *y3 = "imageType:\n  LBP3D: {}\nsetting:\n  lbp3DLevels: 1\n";
            write_file("lbp3d.yaml", y3, strlen(y3));
            expect_error("LBP3D with one level (PyRadiomics fails)", "img.nrrd lab.nrrd -p lbp3d.yaml", "lbp3DLevels",
                         0);
            const char *y5 = "imageType:\n  LBP2D:\n    lbp2DMethod: ror\n    lbp2DSamples: 40\n";
            write_file("lbp2d_ror.yaml", y5, strlen(y5));
            expect_error("LBP2D ror beyond 32 samples", "img.nrrd lab.nrrd -p lbp2d_ror.yaml", "lbp2DSamples", 0);
            expect_error("LBP3D subdivision above the limit", "img.nrrd lab.nrrd -s lbp3DIcosphereSubdivision:9",
                         "lbp3DIcosphereSubdivision", 0);
            const char *y4 = "imageType:\n  Wavelet: {}\nsetting:\n  wavelet: mexh\n";
            write_file("wavelet_mexh.yaml", y4, strlen(y4));
            expect_error("continuous wavelet", "img.nrrd lab.nrrd -p wavelet_mexh.yaml", "mexh", 0);
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

    check_special_targets();
    check_output_is_input();
    check_modes_and_names();
    check_map_keeps_earlier();

    /* and a good run writes the file */
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "cd %s && %s extract img.nrrd lab.nrrd -f json -o good.json 2>/dev/null", dir, RADX_CLI);
    CHECK(system(cmd) == 0, "good case failed");
    char gp[600];
    snprintf(gp, sizeof gp, "%s/good.json", dir);
    char *g = radx_test_slurp(gp, NULL);
    CHECK(g && strstr(g, "\"original_glcm_Contrast\""), "good case: no features in output");
    free(g);
    bad_input_cleanup();
    return radx_test_finish("test_bad_input");
}
