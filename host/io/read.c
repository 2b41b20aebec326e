/* SPDX-License-Identifier: BSD-3-Clause */
/* Volume reader front end: file checks, dispatch to the NIfTI / NRRD readers, and the geometry
 * fix-ups ITK's ImageFileReader applies. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/limits.h"
#include "io/io.h"

static int ends_with_ci(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

/* libnifti and teem keep global state (debug level, biff message store): one read at a time. */
static pthread_mutex_t g_io_lock = PTHREAD_MUTEX_INITIALIZER;

static double det3(const double m[9])
{
    return m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6]);
}

/* What itk::ImageFileReader<Image<T,3>>::GenerateOutputInformation and Image::SetDirection do with
 * the ImageIO's answer: axes the file does not have get size 1, spacing 1, origin 0 and the unit
 * direction; a negative spacing is made positive by flipping that direction column; a zero
 * spacing or a singular direction matrix is an error. */
static radx_status finish_geometry(const char *path, const radx_io_geom *io, radx_geom *g, radx_err *err)
{
    memset(g, 0, sizeof *g);
    g->ndim = io->ndim;
    for (int i = 0; i < 3; i++) {
        if (i < io->ndim) {
            g->size[i] = io->size[i];
            g->spacing[i] = io->spacing[i];
            g->origin[i] = io->origin[i];
            for (int j = 0; j < 3; j++) g->direction[j * 3 + i] = j < io->ndim ? io->dircol[i][j] : 0.0;
        } else {
            g->size[i] = 1;
            g->spacing[i] = 1.0;
            g->origin[i] = 0.0;
            for (int j = 0; j < 3; j++) g->direction[j * 3 + i] = (i == j) ? 1.0 : 0.0;
        }
    }
    for (int i = 0; i < 3; i++) {
        if (g->spacing[i] < 0) {
            g->spacing[i] = -g->spacing[i];
            for (int j = 0; j < 3; j++) g->direction[j * 3 + i] = -g->direction[j * 3 + i];
        }
    }
    for (int i = 0; i < 3; i++) {
        if (!(g->spacing[i] > 0) || !isfinite(g->spacing[i]))
            return radx_seterr(err, RADX_ERR_FORMAT, "%s: invalid voxel spacing %g along axis %d", path, g->spacing[i],
                               i);
        if (!isfinite(g->origin[i])) return radx_seterr(err, RADX_ERR_FORMAT, "%s: invalid origin (non-finite)", path);
    }
    for (int k = 0; k < 9; k++)
        if (!isfinite(g->direction[k]))
            return radx_seterr(err, RADX_ERR_FORMAT, "%s: invalid direction matrix (non-finite)", path);
    if (det3(g->direction) == 0.0)
        return radx_seterr(err, RADX_ERR_FORMAT, "%s: invalid direction matrix (determinant is 0)", path);
    return RADX_OK;
}

/* The file checks and the reading, with or without the voxels (want_data). */
static radx_status read_volume(const char *path, int want_data, radx_volume *out, radx_err *err)
{
    if (out) memset(out, 0, sizeof *out);
    if (!path || !*path) return radx_seterr(err, RADX_ERR_ARG, "volume read: empty file name");
    if (!out) return radx_seterr(err, RADX_ERR_ARG, "%s: volume read: NULL output", path);

    struct stat st;
    if (stat(path, &st) != 0) return radx_seterr(err, RADX_ERR_IO, "%s: %s", path, strerror(errno));
    if (S_ISDIR(st.st_mode)) return radx_seterr(err, RADX_ERR_IO, "%s: is a directory, not an image file", path);
    if (!S_ISREG(st.st_mode)) return radx_seterr(err, RADX_ERR_IO, "%s: not a regular file", path);
    if (access(path, R_OK) != 0) return radx_seterr(err, RADX_ERR_IO, "%s: %s", path, strerror(errno));
    if (st.st_size == 0) return radx_seterr(err, RADX_ERR_IO, "%s: empty file", path);

    int is_nrrd = ends_with_ci(path, ".nrrd") || ends_with_ci(path, ".nhdr");
    int is_nifti = ends_with_ci(path, ".nii") || ends_with_ci(path, ".nii.gz") || ends_with_ci(path, ".hdr") ||
                   ends_with_ci(path, ".img") || ends_with_ci(path, ".hdr.gz") || ends_with_ci(path, ".img.gz") ||
                   ends_with_ci(path, ".nia");
    if (!is_nrrd && !is_nifti)
        return radx_seterr(err, RADX_ERR_FORMAT,
                           "%s: unrecognised image file name (expected .nrrd, .nhdr, .nii, .nii.gz, .hdr or .img)",
                           path);

    radx_io_geom io;
    memset(&io, 0, sizeof io);
    radx_dtype dt = RADX_DT_U8;
    void *data = NULL;
    pthread_mutex_lock(&g_io_lock);
    void **dp = want_data ? &data : NULL;
    radx_status s = is_nrrd ? radx_io_read_nrrd(path, &io, &dt, dp, err) : radx_io_read_nifti(path, &io, &dt, dp, err);
    pthread_mutex_unlock(&g_io_lock);
    if (s != RADX_OK) {
        free(data);
        return s;
    }
    s = finish_geometry(path, &io, &out->g, err);
    if (s != RADX_OK) {
        free(data);
        memset(out, 0, sizeof *out);
        return s;
    }
    out->dtype = dt;
    out->data = data;
    out->packed = io.packed;
    return RADX_OK;
}

radx_status radx_volume_read(const char *path, radx_volume *out, radx_err *err)
{
    return read_volume(path, 1, out, err);
}

radx_status radx_volume_read_header(const char *path, radx_volume *out, radx_err *err)
{
    return read_volume(path, 0, out, err);
}

static int same_size(const radx_geom *a, const radx_geom *b)
{
    return a->size[0] == b->size[0] && a->size[1] == b->size[1] && a->size[2] == b->size[2];
}

/* A compressed volume whose voxels would take over RADX_IO_BOMB_BYTES at more than
 * RADX_IO_BOMB_RATIO times the size of their files: a decompression bomb, refused before it is
 * inflated.  (Real images compress a few times; a mask may compress far more, but it is checked
 * here only when it is not on the image's grid, as the image decides otherwise.) */
static radx_status check_inflation(const char *path, const radx_volume *h, radx_err *err)
{
    const uint64_t bytes = (uint64_t)radx_geom_nvox(&h->g) * radx_dtype_size(h->dtype);
    if (!h->packed || bytes <= RADX_IO_BOMB_BYTES || bytes / RADX_IO_BOMB_RATIO <= h->packed) return RADX_OK;
    return radx_seterr(err, RADX_ERR_NOMEM,
                       "%s: %llu MiB of voxels from %llu KiB of compressed data, more than %d times as much: refused "
                       "as a likely decompression bomb (decompress the file first if it is genuine)",
                       path, (unsigned long long)(bytes >> 20), (unsigned long long)(h->packed >> 10),
                       RADX_IO_BOMB_RATIO);
}

/* The two volumes as stored must fit the memory limit before either is read. */
static radx_status check_case_memory(const char *ipath, const radx_volume *hi, const char *mpath, const radx_volume *hm,
                                     radx_err *err)
{
    const double need = (double)radx_geom_nvox(&hi->g) * (double)radx_dtype_size(hi->dtype) +
                        (double)radx_geom_nvox(&hm->g) * (double)radx_dtype_size(hm->dtype);
    char what[PATH_MAX];
    snprintf(what, sizeof what, "%s and %s: the image and mask as stored", ipath, mpath);
    return radx_memory_check(need, what, err);
}

radx_status radx_volume_read_case(const char *ipath, const char *mpath, int same_grid, radx_volume *img,
                                  radx_volume *msk, radx_err *err)
{
    radx_volume hi, hm;
    memset(img, 0, sizeof *img);
    memset(msk, 0, sizeof *msk);
    radx_status s = radx_volume_read_header(ipath, &hi, err);
    if (s == RADX_OK) s = radx_volume_read_header(mpath, &hm, err);
    if (s == RADX_OK && same_grid) {
        const radx_geom *gi = &hi.g, *gm = &hm.g;
        if (gi->ndim != gm->ndim)
            s = radx_seterr(err, RADX_ERR_GEOMETRY, "%s: mask is %d-D but image %s is %d-D", mpath, gm->ndim, ipath,
                            gi->ndim);
        for (int k = 0; k < 3 && s == RADX_OK; k++)
            if (gi->size[k] != gm->size[k])
                s = radx_seterr(err, RADX_ERR_GEOMETRY,
                                "%s: mask size %lldx%lldx%lld differs from image %s size %lldx%lldx%lld "
                                "(set correctMask: True to resample the mask onto the image grid)",
                                mpath, (long long)gm->size[0], (long long)gm->size[1], (long long)gm->size[2], ipath,
                                (long long)gi->size[0], (long long)gi->size[1], (long long)gi->size[2]);
    }
    if (s == RADX_OK) s = check_inflation(ipath, &hi, err);
    if (s == RADX_OK && !same_size(&hi.g, &hm.g)) s = check_inflation(mpath, &hm, err);
    if (s == RADX_OK) s = check_case_memory(ipath, &hi, mpath, &hm, err);
    if (s == RADX_OK) s = radx_volume_read(ipath, img, err);
    if (s == RADX_OK) s = radx_volume_read(mpath, msk, err);
    if (s != RADX_OK) {
        radx_volume_free(img);
        radx_volume_free(msk);
    }
    return s;
}
