/* SPDX-License-Identifier: BSD-3-Clause */
/* The ordered name -> value list a case produces (struct radx_result).  Numbers are formatted
 * with radx_fmt_double (core/repr.h), included here for the users of results. */
#ifndef RADX_RESULT_H
#define RADX_RESULT_H
#include "core/error.h"
#include "core/repr.h"

typedef struct radx_entry {
    char *name;
    int is_number;
    double value;
    char *text; /* diagnostics text, or the formatted number */
    char *ibsi; /* the feature's IBSI-1 key ("Fcm.joint.max|3D, averaged"), or NULL */
} radx_entry;

struct radx_result {
    size_t n, cap;
    radx_entry *e;
};

radx_result *radx_result_new(void);
radx_status radx_result_add_number(radx_result *r, const char *name, double v);
/* A feature with its IBSI-1 key (NULL: none). */
radx_status radx_result_add_feature(radx_result *r, const char *name, const char *ibsi, double v);
radx_status radx_result_add_text(radx_result *r, const char *name, const char *text);
#endif
