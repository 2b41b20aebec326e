/* SPDX-License-Identifier: BSD-3-Clause */
/* Whole files into memory, gzip streams inflated into a known size, and the checks on a data file
 * a header names: what the NIfTI and NRRD readers share (host/io/io.h). */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#ifdef RADX_HAVE_LIBDEFLATE
#include <libdeflate.h>
#endif

#include "io/io.h"

/* Is `p` (a resolved path) `dir` itself or inside it? */
static int path_inside(const char *p, const char *dir)
{
    size_t n = strlen(dir);
    if (n == 1 && dir[0] == '/') return 1;
    return strncmp(p, dir, n) == 0 && (p[n] == '/' || p[n] == 0);
}

radx_status radx_io_data_file(const char *hdr, const char *dir, const char *name, int detached, int64_t *size,
                              radx_err *err)
{
    char full[PATH_MAX], real[PATH_MAX], realdir[PATH_MAX];
    *size = 0;
    const radx_status bad = detached ? RADX_ERR_FORMAT : RADX_ERR_IO; /* a header naming a bad file is corrupt */
    const int have_dir = detached && name[0] != '/' && dir && dir[0];
    if ((size_t)snprintf(full, sizeof full, "%s%s%s", have_dir ? dir : "", have_dir ? "/" : "", name) >= sizeof full)
        return radx_seterr(err, bad, "%s: data file name too long", hdr);
    if (detached) {
        const char *allow = getenv(RADX_ALLOW_OUTSIDE_DATA_ENV);
        const int anywhere = allow && strcmp(allow, "1") == 0;
        if (!anywhere && name[0] == '/')
            return radx_seterr(err, bad,
                               "%s: data file %s is an absolute path, outside the header's folder (set %s=1 to "
                               "allow it)",
                               hdr, name, RADX_ALLOW_OUTSIDE_DATA_ENV);
        if (!realpath(full, real)) return radx_seterr(err, bad, "%s: data file %s: %s", hdr, full, strerror(errno));
        if (!anywhere && !realpath(have_dir ? dir : ".", realdir))
            return radx_seterr(err, bad, "%s: folder of the header: %s", hdr, strerror(errno));
        if (!anywhere && !path_inside(real, realdir))
            return radx_seterr(err, bad,
                               "%s: data file %s lies outside the header's folder (it resolves to %s; set %s=1 to "
                               "allow it)",
                               hdr, name, real, RADX_ALLOW_OUTSIDE_DATA_ENV);
    }
    struct stat st;
    if (stat(full, &st) != 0) return radx_seterr(err, bad, "%s: data file %s: %s", hdr, full, strerror(errno));
    if (!S_ISREG(st.st_mode)) return radx_seterr(err, bad, "%s: data file %s is not a regular file", hdr, full);
    *size = (int64_t)st.st_size;
    return RADX_OK;
}

int radx_io_gunzip(const unsigned char *in, size_t insize, unsigned char *out, size_t want, size_t *in_used)
{
    if (in_used) *in_used = 0;
#ifdef RADX_HAVE_LIBDEFLATE
    struct libdeflate_decompressor *d = libdeflate_alloc_decompressor();
    size_t inpos = 0, outpos = 0;
    int ok = d != NULL;
    while (ok && outpos < want && inpos < insize) {
        size_t used_in = 0, used_out = 0;
        const enum libdeflate_result r = libdeflate_gzip_decompress_ex(d, in + inpos, insize - inpos, out + outpos,
                                                                       want - outpos, &used_in, &used_out);
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

int radx_io_gunzip_skip(const unsigned char *in, size_t insize, uint64_t skip, unsigned char *out, size_t want)
{
    unsigned char scratch[65536];
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, 15 + 16) != Z_OK) return 0;
    size_t inpos = 0, outpos = 0;
    int ok = 1;
    while (ok && outpos < want) {
        const uInt chunk_in = (uInt)(insize - inpos < (1u << 30) ? insize - inpos : (1u << 30));
        z.next_in = (unsigned char *)(uintptr_t)(in + inpos);
        z.avail_in = chunk_in;
        if (skip > 0) { /* inflate into the scratch buffer and drop it */
            z.next_out = scratch;
            z.avail_out = (uInt)(skip < sizeof scratch ? skip : sizeof scratch);
        } else {
            z.next_out = out + outpos;
            z.avail_out = (uInt)(want - outpos < (1u << 30) ? want - outpos : (1u << 30));
        }
        const uInt avail_out = z.avail_out;
        const int r = inflate(&z, Z_NO_FLUSH);
        const size_t made = avail_out - z.avail_out;
        inpos += chunk_in - z.avail_in;
        if (skip > 0)
            skip -= made;
        else
            outpos += made;
        if (r == Z_STREAM_END) { /* the next gzip member, if any */
            ok = inpos < insize && inflateReset(&z) == Z_OK;
        } else if (r != Z_OK || (made == 0 && chunk_in == z.avail_in)) {
            ok = 0;
        }
    }
    inflateEnd(&z);
    return ok && outpos == want;
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
