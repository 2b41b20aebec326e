/* SPDX-License-Identifier: BSD-3-Clause */
/* Hostile inputs to the readers, through the CLI with the bad-input contract (tests/bad_input.h):
 * detached NRRD headers naming devices, FIFOs or files outside their folder (and
 * RADX_ALLOW_OUTSIDE_DATA, which allows the latter), a NRRD header of 200 000 key lines, a NIfTI-2
 * .nii.gz whose data start gigabytes into the stream, a gzip bomb image beside a small mask, and
 * int64 / uint64 mask labels of 2^32 and more.  Each command runs under `ulimit -v` (2 GB; not in
 * sanitizer builds, which reserve far more address space) and `timeout -s KILL 10`: a reader that
 * reads gigabytes before refusing ends killed (exit 137) or out of memory, with another message
 * than the one expected, and the case fails. */
#include <stdint.h>
#include <zlib.h>

#ifndef RADX_CLI
#define RADX_CLI "radx"
#endif
static const char *g_radx = RADX_CLI;
static char g_guarded[1024];
#undef RADX_CLI
#define RADX_CLI g_guarded
#include "bad_input.h"

/* The radx command as the harness runs it: within 2 GB of address space and 10 seconds. */
static void guard_cli(void)
{
    snprintf(g_guarded, sizeof g_guarded, "sh -c '%stimeout -s KILL 10 \"$0\" \"$@\"' %s",
             BAD_INPUT_SANITIZED ? "" : "ulimit -v 2000000 && ", g_radx);
}

/* A little NIfTI-2 header: dims, datatype / bitpix, vox_offset; unit spacing, no orientation. */
static void nifti2_header(unsigned char h[544], const int64_t *dims, int nd, int datatype, int bitpix, int64_t off)
{
    memset(h, 0, 544);
    const int32_t sz = 540;
    memcpy(h, &sz, 4);
    memcpy(h + 4, "n+2\0\r\n\032\n", 8);
    const int16_t dt = (int16_t)datatype, bp = (int16_t)bitpix;
    memcpy(h + 12, &dt, 2);
    memcpy(h + 14, &bp, 2);
    int64_t dim[8] = {nd, 1, 1, 1, 1, 1, 1, 1};
    for (int i = 0; i < nd; i++) dim[i + 1] = dims[i];
    memcpy(h + 16, dim, sizeof dim);
    const double pixdim[8] = {1, 1, 1, 1, 1, 1, 1, 1};
    memcpy(h + 104, pixdim, sizeof pixdim);
    memcpy(h + 168, &off, 8);
}

/* One gzip member holding `in`. */
static unsigned char *gz_member(const void *in, size_t n, size_t *out_n)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK) exit(1);
    const size_t cap = deflateBound(&z, (uLong)n) + 64;
    unsigned char *o = malloc(cap);
    z.next_in = (unsigned char *)(uintptr_t)in;
    z.avail_in = (uInt)n;
    z.next_out = o;
    z.avail_out = (uInt)cap;
    if (!o || deflate(&z, Z_FINISH) != Z_STREAM_END) exit(1);
    *out_n = cap - z.avail_out;
    deflateEnd(&z);
    return o;
}

/* A .nii.gz of several gzip members: the header (and whatever `pre` adds), then `zeros` zero bytes
 * (16 MiB members, each compressed once), then `tail`.  A few MB of file for gigabytes of stream. */
static void write_niigz(const char *name, const unsigned char *hdr, size_t hn, uint64_t zeros, const void *tail,
                        size_t tn)
{
    char p[600];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "wb");
    size_t n;
    unsigned char *m = gz_member(hdr, hn, &n);
    fwrite(m, 1, n, f);
    free(m);
    const size_t chunk = (size_t)16 << 20;
    unsigned char *z = calloc(1, chunk);
    unsigned char *zm = gz_member(z, chunk, &n);
    for (; zeros >= chunk; zeros -= chunk) fwrite(zm, 1, n, f);
    free(zm);
    if (zeros) {
        m = gz_member(z, (size_t)zeros, &n);
        fwrite(m, 1, n, f);
        free(m);
    }
    free(z);
    if (tn) {
        m = gz_member(tail, tn, &n);
        fwrite(m, 1, n, f);
        free(m);
    }
    fclose(f);
}

/* Runs `radx extract ARGS -f json` (guarded) and returns the output, or NULL when it failed. */
static char *extract_json(const char *args)
{
    char cmd[4096], out[600];
    snprintf(out, sizeof out, "%s/out.json", dir);
    unlink(out);
    snprintf(cmd, sizeof cmd, "cd %s && %s extract -f json -o %s %s 2>%s/stderr.txt >/dev/null", dir, g_guarded, out,
             args, dir);
    const int code = radx_test_run(cmd);
    char *o = radx_test_slurp(out, NULL);
    if (code != 0) {
        char ep[600];
        snprintf(ep, sizeof ep, "%s/stderr.txt", dir);
        char *e = radx_test_slurp(ep, NULL);
        printf("extract %s: exit %d: %s", args, code, e ? e : "");
        free(e);
        free(o);
        return NULL;
    }
    return o;
}

/* The NRRD header of a 6x6x6 short volume (the good case's geometry) with `extra` lines. */
static void write_nhdr(const char *name, const char *extra)
{
    char h[4096];
    snprintf(h, sizeof h,
             "NRRD0004\ntype: short\ndimension: 3\nsizes: 6 6 6\nspace: left-posterior-superior\n"
             "space directions: (1,0,0) (0,1,0) (0,0,1)\nspace origin: (0,0,0)\nencoding: raw\nendian: little\n%s",
             extra);
    write_file(name, h, strlen(h));
}

static void detached_data_files(void)
{
    /* /dev/zero listed as every slice of a large volume: refused before anything is read */
    write_file("zero.nhdr",
               "NRRD0004\ntype: double\ndimension: 3\nsizes: 4096 4096 4\nencoding: raw\nendian: little\n"
               "data file: LIST 2\n/dev/zero\n/dev/zero\n/dev/zero\n/dev/zero\n",
               strlen("NRRD0004\ntype: double\ndimension: 3\nsizes: 4096 4096 4\nencoding: raw\nendian: little\n"
                      "data file: LIST 2\n/dev/zero\n/dev/zero\n/dev/zero\n/dev/zero\n"));
    expect_error("/dev/zero as data files", "zero.nhdr lab.nrrd", "zero.nhdr: data file /dev/zero is an absolute", 0);
    write_nhdr("passwd.nhdr", "data file: /etc/passwd\n");
    expect_error("/etc/passwd as data file", "passwd.nhdr lab.nrrd", "passwd.nhdr: data file /etc/passwd is an", 0);
    write_nhdr("up.nhdr", "data file: ../../../../../../../../etc/passwd\n");
    expect_error("../ to /etc/passwd", "up.nhdr lab.nrrd", "up.nhdr: data file ../../../../../../../../etc/passwd lies",
                 0);
    /* a symbolic link inside the folder that leads out of it, and a name with ../ */
    char cmd[1200];
    mkdir(strcat(strcpy(cmd, dir), "/sub"), 0777);
    write_file("outside.raw", bad_input_vol, 6 * 6 * 6 * 2);
    snprintf(cmd, sizeof cmd, "ln -sf ../outside.raw %s/sub/link.raw && ln -sf /dev/zero %s/sub/zero.raw", dir, dir);
    CHECK(system(cmd) == 0, "cannot make the symbolic links");
    write_nhdr("sub/link.nhdr", "data file: link.raw\n");
    expect_error("symlink leaving the folder", "sub/link.nhdr lab.nrrd", "link.nhdr: data file link.raw lies outside",
                 0);
    write_nhdr("sub/rel.nhdr", "data file: ../outside.raw\n");
    expect_error("../ data file", "sub/rel.nhdr lab.nrrd", "rel.nhdr: data file ../outside.raw lies outside", 0);
    write_nhdr("sub/zero.nhdr", "data file: zero.raw\n");
    expect_error("symlink to /dev/zero", "sub/zero.nhdr lab.nrrd", "zero.nhdr: data file zero.raw lies outside", 0);
    /* a FIFO would block teem's fopen: refused as not a regular file */
    snprintf(cmd, sizeof cmd, "mkfifo %s/fifo.raw", dir);
    CHECK(system(cmd) == 0, "cannot make the FIFO");
    write_nhdr("fifo.nhdr", "data file: fifo.raw\n");
    expect_error("FIFO as data file", "fifo.nhdr lab.nrrd", "fifo.nhdr: data file fifo.raw is not a regular file", 0);
    /* a numbered list of a million files */
    write_nhdr("many.nhdr", "data file: slice%03d.raw 0 999999 1 2\n");
    expect_error("a million data files", "many.nhdr lab.nrrd", "many.nhdr: header names too many data files", 0);

    /* inside the folder (a subfolder included) it reads; RADX_ALLOW_OUTSIDE_DATA=1 lets the header
     * name files elsewhere, but never a device */
    snprintf(cmd, sizeof cmd, "mkdir -p %s/sub/data && cp %s/outside.raw %s/sub/data/in.raw", dir, dir, dir);
    CHECK(system(cmd) == 0, "cannot copy the data file");
    write_nhdr("sub/in.nhdr", "data file: data/in.raw\n");
    char *o = extract_json("sub/in.nhdr lab.nrrd");
    CHECK(o != NULL, "a data file in a subfolder of the header's folder is refused");
    free(o);
    setenv("RADX_ALLOW_OUTSIDE_DATA", "1", 1);
    o = extract_json("sub/rel.nhdr lab.nrrd");
    CHECK(o != NULL, "%s=1: a data file outside the header's folder is refused", "RADX_ALLOW_OUTSIDE_DATA");
    free(o);
    o = extract_json("sub/link.nhdr lab.nrrd");
    CHECK(o != NULL, "%s=1: a symbolic link leaving the folder is refused", "RADX_ALLOW_OUTSIDE_DATA");
    free(o);
    expect_error_in(EXTRACT, "allowed outside, /dev/zero", "zero.nhdr lab.nrrd",
                    "zero.nhdr: data file /dev/zero is not a regular file", 0);
    setenv("RADX_ALLOW_OUTSIDE_DATA", "yes", 1); /* only "1" allows */
    expect_error_in(EXTRACT, "allowed only by 1", "sub/rel.nhdr lab.nrrd", "rel.nhdr: data file ../outside.raw lies",
                    0);
    unsetenv("RADX_ALLOW_OUTSIDE_DATA");
}

static void long_nrrd_header(void)
{
    /* 200 000 key/value lines (2.6 MB): teem would parse them for minutes */
    const char *head = "NRRD0004\ntype: short\ndimension: 3\nsizes: 6 6 6\nencoding: raw\nendian: little\n";
    size_t cap = 200000 * 32 + 1024, n = 0;
    char *h = malloc(cap);
    n += (size_t)snprintf(h, cap, "%s", head);
    for (int i = 0; i < 200000; i++) n += (size_t)snprintf(h + n, cap - n, "key%d:=value %d\n", i, i);
    h[n++] = '\n';
    memcpy(h + n, bad_input_vol, 6 * 6 * 6 * 2);
    write_file("keys.nrrd", h, n + 6 * 6 * 6 * 2);
    free(h);
    expect_error("200 000 header lines", "keys.nrrd lab.nrrd", "keys.nrrd: NRRD header has more than the limit", 0);
    /* one line of 2 MB */
    h = malloc((size_t)3 << 20);
    n = (size_t)snprintf(h, (size_t)3 << 20, "%scontent: ", head);
    memset(h + n, 'x', (size_t)2 << 20);
    n += (size_t)2 << 20;
    memcpy(h + n, "\n\n", 2);
    write_file("longline.nrrd", h, n + 2);
    free(h);
    expect_error_in(EXTRACT, "a 2 MB header line", "longline.nrrd lab.nrrd", "longline.nrrd: NRRD header longer", 0);
}

static void niigz_offsets_and_bombs(void)
{
    unsigned char h[544];
    const int64_t six[3] = {6, 6, 6};
    /* the small mask, as NIfTI-2: the good case's label */
    {
        unsigned char buf[544 + 6 * 6 * 6 * 2];
        nifti2_header(buf, six, 3, 4, 16, 544);
        memcpy(buf + 544, bad_input_lab, sizeof bad_input_lab);
        write_file("small.nii", buf, sizeof buf);
    }
    /* data at byte 4.5e9 of the stream: refused from the header (vox_offset bound) */
    nifti2_header(h, six, 3, 4, 16, (int64_t)4500000000);
    write_niigz("offset.nii.gz", h, sizeof h, (uint64_t)64 << 20, NULL, 0);
    expect_error("vox_offset 4.5e9 in a .nii.gz", "offset.nii.gz small.nii", "offset.nii.gz: vox_offset", 0);
    /* data at byte 200 MiB (under the bound): streamed past in a small buffer, within the guard */
    const uint64_t off = (uint64_t)200 << 20;
    nifti2_header(h, six, 3, 4, 16, (int64_t)off);
    write_niigz("offset200m.nii.gz", h, sizeof h, off - sizeof h, bad_input_vol, 6 * 6 * 6 * 2);
    char *o = extract_json("offset200m.nii.gz small.nii");
    CHECK(o && strstr(o, "\"diagnostics_Mask-original_VoxelNum\": \"64\""),
          "a .nii.gz with its data 200 MiB into the stream is not read within 2 GB and 10 s");
    free(o);
    /* a 4.4 MB gzip bomb (1040^3 int32, 4.5 GB) beside a 6x6x6 mask: refused by the headers'
     * sizes before either volume's data is read (batch reads the image ahead of its mask) */
    const int64_t big[3] = {1040, 1040, 1040};
    nifti2_header(h, big, 3, 8, 32, 544);
    write_niigz("bomb.nii.gz", h, sizeof h, (uint64_t)1040 * 1040 * 1040 * 4, NULL, 0);
    expect_error_in(ALL, "gzip bomb image, small mask", "bomb.nii.gz small.nii",
                    "small.nii: mask size 6x6x6 differs from image bomb.nii.gz", 0);
    expect_error_in(ALL, "small image, gzip bomb mask", "small.nii bomb.nii.gz",
                    "bomb.nii.gz: mask size 1040x1040x1040 differs from image small.nii", 0);
    /* a matched pair of bombs (8.8 MB in all), and a bomb mask that correctMask would resample:
     * refused as decompression bombs before anything is inflated */
    write_niigz("bomb_mask.nii.gz", h, sizeof h, (uint64_t)1040 * 1040 * 1040 * 4, NULL, 0);
    expect_error_in(ALL, "gzip bomb image and mask", "bomb.nii.gz bomb_mask.nii.gz",
                    "bomb.nii.gz: 4291 MiB of voxels from", 0);
    expect_error_in(ALL, "gzip bomb mask with correctMask", "small.nii bomb.nii.gz -s correctMask:true",
                    "decompression bomb", 0);
}

/* A mask of int64 / uint64 voxels: the good case's label, one voxel of the ROI replaced by v; the
 * number of voxels radx takes as label 1. */
static long labelled_voxels(const char *type, uint64_t v)
{
    uint64_t m[6 * 6 * 6];
    for (int i = 0; i < 6 * 6 * 6; i++) m[i] = (uint64_t)bad_input_lab[i];
    m[2 + 6 * (2 + 6 * 2)] = v;
    write_nrrd("lab64.nrrd", type, bad_input_sz, 3, m, 8, NULL);
    char *o = extract_json("img.nrrd lab64.nrrd");
    const char *k = o ? strstr(o, "\"diagnostics_Mask-original_VoxelNum\": \"") : NULL;
    const long n = k ? strtol(k + strlen("\"diagnostics_Mask-original_VoxelNum\": \""), NULL, 10) : -1;
    free(o);
    return n;
}

/* PyRadiomics 3.0.1 casts the mask with sitk.Cast(mask, sitkUInt32), and SimpleITK 2.5.7 casts an
 * integer voxel with static_cast: int64 and uint64 labels wrap modulo 2^32.  Observed with an
 * int64 NRRD mask (the inner 4x4x4 cube labelled 1, one of its voxels set to v, label 1):
 * v = 2^32+1, 2^33+1, -(2^32)+1, 2^60+1 -> VoxelNum 64 (the voxel counts as label 1);
 * v = 2^63-1, -1 -> 63 (cast to 4294967295); uint64 2^32+1, 2^64-2^32+1, 2^60+1 -> 64. */
static void int64_labels(void)
{
    static const struct {
        const char *type;
        uint64_t v;
        long want;
    } cases[] = {
        {"int64", ((uint64_t)1 << 32) + 1, 64},
        {"int64", ((uint64_t)1 << 33) + 1, 64},
        {"int64", (uint64_t)(-((int64_t)1 << 32) + 1), 64},
        {"int64", ((uint64_t)1 << 60) + 1, 64},
        {"int64", ((uint64_t)1 << 63) - 1, 63},
        {"int64", (uint64_t)-1, 63},
        {"uint64", ((uint64_t)1 << 32) + 1, 64},
        {"uint64", (uint64_t)0 - ((uint64_t)1 << 32) + 1, 64},
        {"uint64", ((uint64_t)1 << 60) + 1, 64},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const long n = labelled_voxels(cases[i].type, cases[i].v);
        printf("%-8s%-34s VoxelNum %ld (PyRadiomics %ld)\n", cases[i].type, "mask label", n, cases[i].want);
        CHECK(n == cases[i].want, "%s mask voxel %llu: %ld voxels of label 1, PyRadiomics counts %ld", cases[i].type,
              (unsigned long long)cases[i].v, n, cases[i].want);
    }
}

int main(void)
{
    bad_input_setup();
    guard_cli();
    detached_data_files();
    long_nrrd_header();
    niigz_offsets_and_bombs();
    int64_labels();
    bad_input_cleanup();
    return radx_test_finish("test_bad_input_io");
}
