/* SPDX-License-Identifier: BSD-3-Clause */
/* Internal plan entry points for radx's own command line (not part of the public API). */
#ifndef RADX_PLAN_INTERNAL_H
#define RADX_PLAN_INTERNAL_H
#include "pipeline/pipeline.h"

/* radx_plan_execute with the case's volumes already read (pre->valid) and their read errors;
 * the plan takes the volumes.  Used by `radx batch`'s read-ahead thread. */
radx_status radx_plan_execute_loaded(radx_plan *plan, const char *image_path, const char *mask_path,
                                     radx_loaded *pre, int label, radx_result **out);
#endif
