/* SPDX-License-Identifier: BSD-3-Clause */
/* Writing float32 feature maps (host/pipeline/voxelmap.h radx_map_write): NIfTI-1 through libnifti2 (header
 * and orientation built by libnifti, written with zlib so that every write error is seen) and NRRD
 * through teem.  Geometry as ITK writes it, so SimpleITK reads back the input's grid:
 *  - NIfTI: world coordinates are RAS, ITK's are LPS: the x and y rows of the index-to-world
 *    matrix (direction * spacing) and of the origin change sign.  sform = that matrix, qform = its
 *    quaternion (nifti_dmat44_to_quatern) with pixdim = spacing; both codes SCANNER_ANAT, units
 *    mm, as ITK's NiftiImageIO.  NIfTI-1 stores single precision, like every NIfTI-1 writer.
 *  - NRRD: space left-posterior-superior, space directions = direction columns * spacing, space
 *    origin, gzip encoding, as ITK's NrrdImageIO.
 * A file goes to its path through io/output_file.h: whole or not at all.
 *
 * Compression: a map is mostly initValue (everything outside the ROI), often for hundreds of MB on
 * a CT grid.  The gzip stream is written here (zlib, level 1) with every aligned block of FGZ_UNIT
 * background voxels inserted as one precompressed deflate segment: a segment that
 * starts and ends byte-aligned after a full flush (no back-references across it) can be spliced
 * into any deflate stream, and the gzip CRC-32 of the spliced bytes is combined arithmetically
 * (crc32_combine, which every zlib has; zlib 1.2.12's faster crc32_combine_op would tie the
 * Python wheel to the newest glibc platforms).  The result is an ordinary single-member gzip file that any reader
 * inflates; writing costs about what compressing the ROI's neighbourhood costs. */
#include <errno.h>
#include <stdint.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "nifti2_io.h"
#include <teem/nrrd.h>

#include "io/map_write.h"
#include "io/output_file.h"

/* libnifti and teem keep global state (debug levels, biff messages) */
static pthread_mutex_t g_write_lock = PTHREAD_MUTEX_INITIALIZER;

static int ends_with(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && strcasecmp(s + a - b, suf) == 0;
}

/* ---- gzip stream with precompressed background runs ---------------------------------------- */

#define FGZ_UNIT 1024 /* floats per precompressed background segment */
#define FGZ_OUT  (1u << 16)

typedef struct fgz {
    FILE *f;
    z_stream zs;
    int zinit, ok;
    uLong crc;
    uint64_t isize;
    unsigned char *out;
    unsigned char *unit_z; /* the background segment, deflated, ending byte-aligned */
    size_t unit_zlen;
    uLong unit_crc;
    float *unit; /* FGZ_UNIT background values */
} fgz;

static void fgz_write(fgz *g, const void *p, size_t n)
{
    if (g->ok && n && fwrite(p, 1, n, g->f) != n) g->ok = 0;
}

/* runs deflate(flush) until the input is consumed (and, for Z_FINISH, the stream ends) */
static void fgz_deflate(fgz *g, int flush)
{
    int r;
    do {
        g->zs.next_out = g->out;
        g->zs.avail_out = FGZ_OUT;
        r = deflate(&g->zs, flush);
        if (r == Z_STREAM_ERROR) {
            g->ok = 0;
            return;
        }
        fgz_write(g, g->out, FGZ_OUT - g->zs.avail_out);
    } while (g->zs.avail_out == 0 || (flush == Z_FINISH && r != Z_STREAM_END));
}

static void fgz_data(fgz *g, const void *p, size_t n)
{
    const unsigned char *b = p;
    while (n && g->ok) {
        uInt chunk = n > (1u << 30) ? (1u << 30) : (uInt)n;
        g->crc = crc32(g->crc, b, chunk);
        g->isize += chunk;
        g->zs.next_in = (Bytef *)(uintptr_t)b;
        g->zs.avail_in = chunk;
        fgz_deflate(g, Z_NO_FLUSH);
        b += chunk;
        n -= chunk;
    }
}

/* k background segments: flush the stream to a byte boundary, then the segment bytes k times */
static void fgz_units(fgz *g, size_t k)
{
    if (!k || !g->ok) return;
    g->zs.next_in = NULL;
    g->zs.avail_in = 0;
    fgz_deflate(g, Z_FULL_FLUSH);
    for (size_t i = 0; i < k; i++) {
        fgz_write(g, g->unit_z, g->unit_zlen);
        g->crc = crc32_combine(g->crc, g->unit_crc, (z_off_t)(sizeof(float) * FGZ_UNIT));
    }
    g->isize += (uint64_t)k * FGZ_UNIT * sizeof(float);
}

/* Opens the stream on f (already positioned) with `background` as the run value. */
static int fgz_open(fgz *g, FILE *f, float background)
{
    memset(g, 0, sizeof *g);
    g->f = f;
    g->ok = 1;
    g->crc = crc32(0L, Z_NULL, 0);
    g->out = malloc(FGZ_OUT);
    float *unit = g->unit = malloc(sizeof *unit * FGZ_UNIT);
    g->unit_z = malloc(FGZ_OUT);
    if (!g->out || !unit || !g->unit_z) return -1;
    for (int i = 0; i < FGZ_UNIT; i++) unit[i] = background;
    /* the segment: a raw deflate stream of the unit, ended by a full flush (non-final, aligned) */
    z_stream u;
    memset(&u, 0, sizeof u);
    if (deflateInit2(&u, 1, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) return -1;
    u.next_in = (Bytef *)unit;
    u.avail_in = sizeof *unit * FGZ_UNIT;
    u.next_out = g->unit_z;
    u.avail_out = FGZ_OUT;
    int r = deflate(&u, Z_FULL_FLUSH);
    g->unit_zlen = FGZ_OUT - u.avail_out;
    deflateEnd(&u);
    if (r != Z_OK || u.avail_in != 0) return -1;
    g->unit_crc = crc32(crc32(0L, Z_NULL, 0), (const Bytef *)unit, sizeof *unit * FGZ_UNIT);
    if (deflateInit2(&g->zs, 1, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) return -1;
    g->zinit = 1;
    static const unsigned char hdr[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3}; /* gzip, deflate, Unix */
    fgz_write(g, hdr, sizeof hdr);
    return 0;
}

/* The map's voxels: every FGZ_UNIT-aligned block made only of the background value goes in as a
 * segment (consecutive ones together), the rest through deflate. */
static void fgz_floats(fgz *g, const float *d, size_t n, const float *unit)
{
    size_t start = 0, i = 0, k = 0;
    for (; i + FGZ_UNIT <= n && g->ok; i += FGZ_UNIT) {
        if (memcmp(d + i, unit, sizeof *d * FGZ_UNIT) == 0) {
            if (k == 0) fgz_data(g, d + start, sizeof *d * (i - start));
            k++;
            start = i + FGZ_UNIT;
        } else if (k) {
            fgz_units(g, k);
            k = 0;
        }
    }
    fgz_units(g, k);
    fgz_data(g, d + start, sizeof *d * (n - start));
}

/* Ends the stream (final block, CRC-32 and length trailer); 0 when everything was written. */
static int fgz_close(fgz *g)
{
    if (g->zinit) {
        g->zs.next_in = NULL;
        g->zs.avail_in = 0;
        if (g->ok) fgz_deflate(g, Z_FINISH);
        deflateEnd(&g->zs);
    }
    unsigned char t[8];
    for (int k = 0; k < 4; k++) {
        t[k] = (unsigned char)(g->crc >> (8 * k));
        t[4 + k] = (unsigned char)(g->isize >> (8 * k));
    }
    fgz_write(g, t, 8);
    free(g->out);
    free(g->unit_z);
    free(g->unit);
    return g->ok && g->zinit ? 0 : -1;
}

/* The background a map's runs are made of: its first voxel (a corner, outside most ROIs). */
static float background_of(const float *d) { return d[0]; }

static radx_status write_nifti(FILE *f, const char *path, int gz, const radx_geom *g, const float *data, radx_err *err)
{
    const int nd = g->ndim == 2 ? 2 : 3;
    int64_t dims[8] = {nd, g->size[0], g->size[1], nd == 3 ? g->size[2] : 1, 1, 1, 1, 1};
    nifti_image *nim = nifti_make_new_nim(dims, NIFTI_TYPE_FLOAT32, 0);
    if (!nim) return radx_seterr(err, RADX_ERR_NOMEM, "%s: cannot build a NIfTI header", path);
    nim->nifti_type = NIFTI_FTYPE_NIFTI1_1;
    nifti_set_iname_offset(nim, 1);
    for (int a = 0; a < 3; a++) nim->pixdim[a + 1] = g->spacing[a];
    nim->dx = g->spacing[0];
    nim->dy = g->spacing[1];
    nim->dz = g->spacing[2];
    nim->scl_slope = 1.0; /* as ITK writes it */
    nim->scl_inter = 0.0;
    nim->xyz_units = NIFTI_UNITS_MM;
    nim->time_units = NIFTI_UNITS_SEC;
    /* index -> RAS world: flip x and y of ITK's LPS */
    nifti_dmat44 m;
    memset(&m, 0, sizeof m);
    for (int r = 0; r < 3; r++) {
        const double s = r < 2 ? -1.0 : 1.0;
        for (int c = 0; c < 3; c++) m.m[r][c] = s * g->direction[3 * r + c] * g->spacing[c];
        m.m[r][3] = s * g->origin[r];
    }
    m.m[3][3] = 1.0;
    nim->qform_code = NIFTI_XFORM_SCANNER_ANAT;
    nim->sform_code = NIFTI_XFORM_SCANNER_ANAT;
    nim->sto_xyz = m;
    double qx, qy, qz, dx, dy, dz, qfac;
    nifti_dmat44_to_quatern(m, &nim->quatern_b, &nim->quatern_c, &nim->quatern_d, &qx, &qy, &qz, &dx, &dy, &dz, &qfac);
    nim->qoffset_x = qx;
    nim->qoffset_y = qy;
    nim->qoffset_z = qz;
    nim->qfac = qfac;
    nim->pixdim[0] = qfac;
    snprintf(nim->descrip, sizeof nim->descrip, "radx %s voxel-based feature map", RADX_VERSION_STRING);
    nifti_1_header hdr;
    int bad = nifti_convert_nim2n1hdr(nim, &hdr) != 0;
    nim->data = NULL;
    nifti_image_free(nim);
    if (bad) return radx_seterr(err, RADX_ERR_INTERNAL, "%s: cannot build a NIfTI-1 header", path);

    const size_t nvox = (size_t)radx_geom_nvox(g), nbytes = sizeof(float) * nvox;
    const char ext[4] = {0, 0, 0, 0};
    int ok = 1;
    if (gz) {
        fgz z;
        const float bg = background_of(data);
        ok = fgz_open(&z, f, bg) == 0;
        if (ok) {
            fgz_data(&z, &hdr, sizeof hdr);
            fgz_data(&z, ext, 4);
            fgz_floats(&z, data, nvox, z.unit);
        }
        ok = (fgz_close(&z) == 0) && ok;
    } else {
        ok = fwrite(&hdr, sizeof hdr, 1, f) == 1 && fwrite(ext, 4, 1, f) == 1 &&
             (nbytes == 0 || fwrite(data, nbytes, 1, f) == 1);
    }
    ok = fflush(f) == 0 && ok;
    if (!ok)
        return radx_seterr(err, RADX_ERR_IO, "%s: cannot write: %s", path, errno ? strerror(errno) : "write error");
    return RADX_OK;
}

static radx_status write_nrrd(FILE *f, const char *path, const radx_geom *g, const float *data, radx_err *err)
{
    const unsigned nd = g->ndim == 2 ? 2u : 3u;
    Nrrd *n = nrrdNew();
    NrrdIoState *nio = nrrdIoStateNew();
    radx_status st = RADX_OK;
    if (!n || !nio) {
        st = radx_seterr(err, RADX_ERR_NOMEM, "%s: out of memory", path);
        goto done;
    }
    size_t sz[3] = {(size_t)g->size[0], (size_t)g->size[1], (size_t)g->size[2]};
    if (nrrdWrap_nva(n, (void *)data, nrrdTypeFloat, nd, sz) != 0) {
        st = radx_seterr(err, RADX_ERR_INTERNAL, "%s: cannot describe the NRRD", path);
        goto done;
    }
    if (nd == 3) {
        nrrdSpaceSet(n, nrrdSpaceLeftPosteriorSuperior);
    } else {
        nrrdSpaceDimensionSet(n, 2);
    }
    for (unsigned c = 0; c < nd; c++) {
        for (unsigned r = 0; r < nd; r++) n->axis[c].spaceDirection[r] = g->direction[3 * r + c] * g->spacing[c];
        n->axis[c].kind = nrrdKindDomain;
        n->axis[c].center = nrrdCenterCell;
    }
    for (unsigned r = 0; r < nd; r++) n->spaceOrigin[r] = g->origin[r];
    /* the header by teem (data skipped), then the gzip data stream */
    nio->encoding = nrrdEncodingGzip;
    nio->skipData = 1;
    nrrdStateVerboseIO = 0;
    if (nrrdWrite(f, n, nio) != 0) {
        char *e = biffGetDone(NRRD);
        char *nl = e ? strchr(e, '\n') : NULL;
        if (nl) *nl = 0;
        st = radx_seterr(err, RADX_ERR_IO, "%s: cannot write: %s", path, e ? e : "teem error");
        free(e);
        goto done;
    }
    fgz z;
    const float bg = background_of(data);
    int ok = fgz_open(&z, f, bg) == 0;
    if (ok) fgz_floats(&z, data, (size_t)radx_geom_nvox(g), z.unit);
    ok = (fgz_close(&z) == 0) && ok;
    ok = (fflush(f) == 0) && ok;
    if (!ok) st = radx_seterr(err, RADX_ERR_IO, "%s: cannot write: %s", path, errno ? strerror(errno) : "write error");
done:
    if (n) nrrdNix(n); /* the data belongs to the caller */
    if (nio) nrrdIoStateNix(nio);
    return st;
}

/* 0 nii, 1 nii.gz, 2 nrrd; -1 for another format */
static int format_kind(const char *format)
{
    if (!strcmp(format, "nii.gz")) return 1;
    if (!strcmp(format, "nii")) return 0;
    if (!strcmp(format, "nrrd")) return 2;
    return -1;
}

radx_status radx_map_write_fd(int fd, const char *format, const char *name, const radx_geom *g, const float *data,
                              radx_err *err)
{
    const int kind = format ? format_kind(format) : -1;
    if (kind < 0) return radx_seterr(err, RADX_ERR_ARG, "%s: unknown map format (nii.gz, nii or nrrd)", name);
    int dup_fd = dup(fd);
    FILE *f = dup_fd >= 0 ? fdopen(dup_fd, "wb") : NULL;
    if (!f) {
        if (dup_fd >= 0) close(dup_fd);
        return radx_seterr(err, RADX_ERR_IO, "%s: cannot write: %s", name, strerror(errno));
    }
    pthread_mutex_lock(&g_write_lock);
    errno = 0;
    radx_status st = kind == 2 ? write_nrrd(f, name, g, data, err) : write_nifti(f, name, kind == 1, g, data, err);
    pthread_mutex_unlock(&g_write_lock);
    if (fclose(f) != 0 && !st) st = radx_seterr(err, RADX_ERR_IO, "%s: cannot write: %s", name, strerror(errno));
    return st;
}

radx_status radx_map_write(const char *path, const radx_geom *g, const float *data, radx_err *err)
{
    if (!path || !g || !data) return radx_seterr(err, RADX_ERR_ARG, "radx_map_write: NULL argument");
    const char *format = ends_with(path, ".nii.gz") ? "nii.gz"
                         : ends_with(path, ".nii")  ? "nii"
                         : ends_with(path, ".nrrd") ? "nrrd"
                                                    : NULL;
    if (!format) return radx_seterr(err, RADX_ERR_ARG, "%s: unknown map format (use .nii.gz, .nii or .nrrd)", path);
    radx_outfile *f;
    radx_status st = radx_outfile_create(path, &f, err);
    if (st) return st;
    st = radx_map_write_fd(radx_outfile_fd(f), format, path, g, data, err);
    if (st) {
        radx_outfile_discard(f);
        return st;
    }
    return radx_outfile_commit(f, err);
}
