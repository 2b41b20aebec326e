/* SPDX-License-Identifier: BSD-3-Clause */
/* libFuzzer harness helper: the readers take file names, so each input is written to a private
 * temporary file first. */
#ifndef RADX_FUZZ_COMMON_H
#define RADX_FUZZ_COMMON_H
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *fuzz_write(const uint8_t *data, size_t size, const char *suffix)
{
    static char path[256];
    if (!path[0]) snprintf(path, sizeof path, "/tmp/radx_fuzz_%d%s", (int)getpid(), suffix);
    FILE *f = fopen(path, "wb");
    if (!f) abort();
    if (size && fwrite(data, 1, size, f) != size) abort();
    fclose(f);
    return path;
}
#endif
