/* SPDX-License-Identifier: BSD-3-Clause */
/* Status strings and the module-level error helper. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "core/error.h"

radx_status radx_seterr(radx_err *err, radx_status status, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        err->status = status;
        for (char *c = err->msg; *c; c++)
            if (*c == '\n' || *c == '\r') *c = ' '; /* one line, always */
    }
    return status;
}

void radx_warn(radx_err *err, const char *fmt, ...)
{
    if (!err) return;
    char line[RADX_ERR_LEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    for (char *c = line; *c; c++)
        if (*c == '\n' || *c == '\r') *c = ' ';
    const size_t have = strnlen(err->warnings, sizeof err->warnings), add = strlen(line);
    if (have + add + 2 > sizeof err->warnings) return;
    memcpy(err->warnings + have, line, add);
    err->warnings[have + add] = '\n';
    err->warnings[have + add + 1] = 0;
}

const char *radx_status_string(radx_status s)
{
    switch (s) {
    case RADX_OK: return "success";
    case RADX_ERR_ARG: return "invalid argument";
    case RADX_ERR_IO: return "file missing or unreadable";
    case RADX_ERR_FORMAT: return "corrupt or unsupported file";
    case RADX_ERR_GEOMETRY: return "image and mask geometry differ";
    case RADX_ERR_LABEL: return "label absent from mask";
    case RADX_ERR_ROI: return "ROI empty or too small";
    case RADX_ERR_VALUE: return "NaN or infinite voxel in ROI";
    case RADX_ERR_PARAM: return "invalid setting";
    case RADX_ERR_UNSUPPORTED: return "not supported by this build";
    case RADX_ERR_NOMEM: return "out of memory";
    case RADX_ERR_DEVICE: return "device not available";
    case RADX_ERR_INTERNAL: return "internal error";
    }
    return "unknown status";
}

const char *radx_version(void) { return RADX_VERSION_STRING; }
