/* SPDX-License-Identifier: BSD-3-Clause */
/* Errors inside the library: a radx_err each call fills, and radx_seterr (host/core/status.c). */
#ifndef RADX_ERROR_H
#define RADX_ERROR_H

#include "radx.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------------------------
 * Errors.  Every module reports failures by filling a caller-provided radx_err; the public API
 * copies it into the context.  Messages are one line, no trailing newline, and name the file
 * or the setting and the problem ("brain1.nrrd: truncated gzip stream").
 * ---------------------------------------------------------------------------------------- */
#define RADX_ERR_LEN  1024
#define RADX_WARN_LEN 2048
typedef struct radx_err {
    radx_status status;
    char msg[RADX_ERR_LEN];
    /* warnings of a run that goes on (PyRadiomics logs them): one line each, each ended by '\n' */
    char warnings[RADX_WARN_LEN];
} radx_err;

/* Sets err (if not NULL) and returns status.  printf-style. */
radx_status radx_seterr(radx_err *err, radx_status status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Adds a one-line warning to err (if not NULL; dropped when there is no room).  printf-style. */
void radx_warn(radx_err *err, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

#ifdef __cplusplus
}
#endif
#endif
