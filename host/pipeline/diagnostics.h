/* SPDX-License-Identifier: BSD-3-Clause */
/* The diagnostics rows of a case, as PyRadiomics' generalinfo module writes them
 * (host/pipeline/diagnostics.c): each appends its "diagnostics_..." text entries to res. */
#ifndef RADX_DIAGNOSTICS_H
#define RADX_DIAGNOSTICS_H

#include "core/result.h"
#include "pipeline/pipeline.h"

/* addStaticElements: versions, settings, enabled image types. */
radx_status radx_diag_config(const radx_params *p, int label, radx_result *res, radx_err *err);
/* addImageElements: spacing, size, mean / min / max over the whole image ("original" adds its
 * hash and dimensionality first); nd: the dimensions the image was stored with. */
radx_status radx_diag_image(const char *prefix, const radx_volume *img, int nd, radx_result *res, radx_err *err);
/* addMaskElements: the label map lab on grid g (the mask's own grid for "original", the image's
 * otherwise) with its box b; img (NULL for "original") adds the image's mean / min / max in it. */
radx_status radx_diag_mask(const char *prefix, const radx_geom *g, const uint8_t *lab, const radx_roi_box *b,
                           const radx_volume *img, int nd, radx_result *res, radx_err *err);

#endif
