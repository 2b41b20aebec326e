/* SPDX-License-Identifier: BSD-3-Clause */
/* Volume reader front end: file checks, dispatch to the NIfTI / NRRD readers, the geometry
 * fix-ups ITK's ImageFileReader applies, dtype helpers and the SimpleITK-compatible SHA1. */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#ifdef RADX_HAVE_LIBDEFLATE
#include <libdeflate.h>
#endif

#include "io/io.h"
#include "rules/roi_rules.h" /* radx_value_at */

int radx_io_gunzip(const unsigned char *in, size_t insize, unsigned char *out, size_t want, size_t *in_used)
{
    if (in_used) *in_used = 0;
#ifdef RADX_HAVE_LIBDEFLATE
    struct libdeflate_decompressor *d = libdeflate_alloc_decompressor();
    size_t inpos = 0, outpos = 0;
    int ok = d != NULL;
    while (ok && outpos < want && inpos < insize) {
        size_t used_in = 0, used_out = 0;
        const enum libdeflate_result r =
            libdeflate_gzip_decompress_ex(d, in + inpos, insize - inpos, out + outpos, want - outpos, &used_in, &used_out);
        if (r != LIBDEFLATE_SUCCESS || used_in == 0) ok = 0;
        inpos += used_in;
        outpos += used_out;
    }
    libdeflate_free_decompressor(d);
    if (in_used) *in_used = inpos;
    return ok && outpos == want;
#else
    (void)in;
    (void)insize;
    (void)out;
    (void)want;
    (void)in_used;
    return 0;
#endif
}

unsigned char *radx_io_slurp(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    struct stat sb;
    unsigned char *buf = NULL;
    *size = 0;
    if (!f) return NULL;
    if (fstat(fileno(f), &sb) == 0 && sb.st_size > 0 && (buf = malloc((size_t)sb.st_size)) != NULL &&
        fread(buf, 1, (size_t)sb.st_size, f) == (size_t)sb.st_size) {
        *size = (size_t)sb.st_size;
    } else {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    return buf;
}

size_t radx_dtype_size(radx_dtype t)
{
    switch (t) {
    case RADX_DT_U8: case RADX_DT_I8: return 1;
    case RADX_DT_U16: case RADX_DT_I16: return 2;
    case RADX_DT_U32: case RADX_DT_I32: case RADX_DT_F32: return 4;
    case RADX_DT_U64: case RADX_DT_I64: case RADX_DT_F64: return 8;
    }
    return 0;
}

const char *radx_dtype_name(radx_dtype t)
{
    /* SimpleITK's GetPixelIDTypeAsString() wording */
    switch (t) {
    case RADX_DT_U8: return "8-bit unsigned integer";
    case RADX_DT_I8: return "8-bit signed integer";
    case RADX_DT_U16: return "16-bit unsigned integer";
    case RADX_DT_I16: return "16-bit signed integer";
    case RADX_DT_U32: return "32-bit unsigned integer";
    case RADX_DT_I32: return "32-bit signed integer";
    case RADX_DT_U64: return "64-bit unsigned integer";
    case RADX_DT_I64: return "64-bit signed integer";
    case RADX_DT_F32: return "32-bit float";
    case RADX_DT_F64: return "64-bit float";
    }
    return "unknown pixel type";
}

double radx_volume_get(const radx_volume *v, int64_t idx) { return radx_value_at((int)v->dtype, v->data, idx); }

void radx_volume_free(radx_volume *v)
{
    if (!v) return;
    free(v->data);
    memset(v, 0, sizeof *v);
}

/* ------------------------------------------------------------------------------------------ */

static int ends_with_ci(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

/* libnifti and teem keep global state (debug level, biff message store): one read at a time. */
static pthread_mutex_t g_io_lock = PTHREAD_MUTEX_INITIALIZER;

static double det3(const double m[9])
{
    return m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) +
           m[2] * (m[3] * m[7] - m[4] * m[6]);
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
            return radx_seterr(err, RADX_ERR_FORMAT, "%s: invalid voxel spacing %g along axis %d", path,
                               g->spacing[i], i);
        if (!isfinite(g->origin[i]))
            return radx_seterr(err, RADX_ERR_FORMAT, "%s: invalid origin (non-finite)", path);
    }
    for (int k = 0; k < 9; k++)
        if (!isfinite(g->direction[k]))
            return radx_seterr(err, RADX_ERR_FORMAT, "%s: invalid direction matrix (non-finite)", path);
    if (det3(g->direction) == 0.0)
        return radx_seterr(err, RADX_ERR_FORMAT, "%s: invalid direction matrix (determinant is 0)", path);
    return RADX_OK;
}

radx_status radx_volume_read(const char *path, radx_volume *out, radx_err *err)
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
    radx_status s = is_nrrd ? radx_io_read_nrrd(path, &io, &dt, &data, err)
                            : radx_io_read_nifti(path, &io, &dt, &data, err);
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
    return RADX_OK;
}

/* ------------------------------------------------------------------------------------------ */

static int host_is_little_endian(void)
{
    const uint16_t one = 1;
    return *(const uint8_t *)&one == 1;
}

/* static_cast<uint32_t>(x) as x86-64 code does it: truncate to int64 (cvttsd2si; out of range and
 * NaN give INT64_MIN), keep the low 32 bits. */
static uint32_t f64_to_u32(double x)
{
    if (!(x > -9223372036854775808.0 && x < 9223372036854775808.0)) return 0u;
    return (uint32_t)(uint64_t)(int64_t)x;
}

static uint32_t elem_to_u32(const radx_volume *v, size_t i)
{
    const void *d = v->data;
    switch (v->dtype) {
    case RADX_DT_U8: return ((const uint8_t *)d)[i];
    case RADX_DT_I8: return (uint32_t)(int32_t)((const int8_t *)d)[i];
    case RADX_DT_U16: return ((const uint16_t *)d)[i];
    case RADX_DT_I16: return (uint32_t)(int32_t)((const int16_t *)d)[i];
    case RADX_DT_U32: return ((const uint32_t *)d)[i];
    case RADX_DT_I32: return (uint32_t)((const int32_t *)d)[i];
    case RADX_DT_U64: return (uint32_t)((const uint64_t *)d)[i];
    case RADX_DT_I64: return (uint32_t)(uint64_t)((const int64_t *)d)[i];
    case RADX_DT_F32: return f64_to_u32(((const float *)d)[i]);
    case RADX_DT_F64: return f64_to_u32(((const double *)d)[i]);
    }
    return 0u;
}

radx_status radx_volume_sha1(const radx_volume *v, int as_mask_uint32, char hex[41])
{
    if (hex) hex[0] = '\0';
    if (!v || !hex || (!v->data && radx_geom_nvox(&v->g) > 0)) return RADX_ERR_ARG;
    size_t esz = radx_dtype_size(v->dtype);
    if (esz == 0) return RADX_ERR_ARG;
    size_t n = (size_t)radx_geom_nvox(&v->g);

    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (!ctx) return RADX_ERR_NOMEM;
    int ok = EVP_DigestInit_ex(ctx, EVP_sha1(), NULL) == 1;
    const int le = host_is_little_endian();
    const int same_bytes = !as_mask_uint32 || v->dtype == RADX_DT_U32 || v->dtype == RADX_DT_I32;
    if (ok && same_bytes && (le || esz == 1)) {
        ok = EVP_DigestUpdate(ctx, v->data, n * esz) == 1;
    } else if (ok) {
        /* converted / byte-swapped in chunks: little-endian bytes of each element */
        enum { CHUNK = 8192 };
        uint8_t buf[CHUNK * 8];
        for (size_t i0 = 0; ok && i0 < n; i0 += CHUNK) {
            size_t m = n - i0 < CHUNK ? n - i0 : CHUNK, nb = 0;
            if (as_mask_uint32) {
                for (size_t i = 0; i < m; i++) {
                    uint32_t u = elem_to_u32(v, i0 + i);
                    buf[nb++] = (uint8_t)u; buf[nb++] = (uint8_t)(u >> 8);
                    buf[nb++] = (uint8_t)(u >> 16); buf[nb++] = (uint8_t)(u >> 24);
                }
            } else {
                const uint8_t *src = (const uint8_t *)v->data + i0 * esz;
                for (size_t i = 0; i < m; i++, src += esz)
                    for (size_t b = 0; b < esz; b++) buf[nb++] = src[esz - 1 - b];
            }
            ok = EVP_DigestUpdate(ctx, buf, nb) == 1;
        }
    }
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    if (ok) ok = EVP_DigestFinal_ex(ctx, md, &mdlen) == 1 && mdlen == 20;
    EVP_MD_CTX_free(ctx);
    if (!ok) return RADX_ERR_INTERNAL;
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < 20; i++) {
        hex[2 * i] = digits[md[i] >> 4];
        hex[2 * i + 1] = digits[md[i] & 15];
    }
    hex[40] = '\0';
    return RADX_OK;
}
