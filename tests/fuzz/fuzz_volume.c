/* SPDX-License-Identifier: BSD-3-Clause */
/* libFuzzer target: the NIfTI or NRRD reader (FUZZ_SUFFIX chooses which, at compile time). */
#include "fuzz_common.h"
#include "io/io.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write(data, size, FUZZ_SUFFIX);
    radx_volume v;
    radx_err e;
    if (radx_volume_read(path, &v, &e) == RADX_OK) {
        char hex[41];
        radx_volume_sha1(&v, 0, hex);
        int64_t n = radx_geom_nvox(&v.g);
        volatile double s = 0; /* reads voxels across the buffer, so that the sanitizers see them */
        for (int64_t i = 0; i < n; i += 97) s += radx_volume_get(&v, i);
        (void)s;
        radx_volume_free(&v);
    }
    return 0;
}
