/* SPDX-License-Identifier: BSD-3-Clause */
/* Whole files into memory and gzip streams inflated into a known size: what the NIfTI and NRRD
 * readers share (host/io/io.h). */
#include <errno.h>
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
