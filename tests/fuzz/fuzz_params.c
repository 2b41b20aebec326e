/* SPDX-License-Identifier: BSD-3-Clause */
/* libFuzzer target: the PyRadiomics parameter-file parser (YAML / JSON). */
#include "fuzz_common.h"
#include "params/params.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write(data, size, ".yaml");
    radx_params p;
    radx_err e;
    radx_params_init_defaults(&p);
    if (radx_params_load_file(&p, path, &e) == RADX_OK) {
        char buf[4096];
        radx_params_format_settings(&p, buf, sizeof buf);
        radx_params_format_imtypes(&p, buf, sizeof buf);
    }
    radx_params_clear(&p);
    return 0;
}
