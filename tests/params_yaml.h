/* SPDX-License-Identifier: BSD-3-Clause */
/* Test helper: radx_params from YAML text, loaded as a parameter file is (through a temporary
 * file), defaults first. */
#ifndef RADX_TEST_PARAMS_YAML_H
#define RADX_TEST_PARAMS_YAML_H
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "params/params.h"
#include "core/error.h"
#include "params/params.h"

static inline radx_status radx_test_params_yaml(const char *yaml, radx_params *p, radx_err *e)
{
    char path[] = "/tmp/radx_test_params_XXXXXX";
    radx_params_init_defaults(p);
    const int fd = mkstemp(path);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        if (fd >= 0) close(fd);
        return radx_seterr(e, RADX_ERR_IO, "cannot write a temporary parameter file");
    }
    fputs(yaml, f);
    fclose(f);
    const radx_status st = radx_params_load_file(p, path, e);
    unlink(path);
    return st;
}
#endif
