/* SPDX-License-Identifier: BSD-3-Clause */
/* The per-case pipeline (host/pipeline.c). */
#ifndef RADX_PIPELINE_H
#define RADX_PIPELINE_H
#include "backend.h"


/* Runs one case; label <= 0 uses p->label.  On success *out is a new result. */
radx_status radx_pipeline_run(const radx_params *p, const radx_backend_ops *ops, void *bctx,
                              const char *image_path, const char *mask_path, int label,
                              radx_result **out, radx_err *err);
#endif
