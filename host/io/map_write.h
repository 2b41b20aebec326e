/* SPDX-License-Identifier: BSD-3-Clause */
/* Writing float maps as images (host/io/map_write.c). */
#ifndef RADX_MAP_WRITE_H
#define RADX_MAP_WRITE_H

#include "core/error.h"
#include "core/volume.h"

/* Writes one float map (grid g, x fastest) to path: NIfTI (.nii, .nii.gz; libnifti2) or NRRD
 * (.nrrd; teem, gzip-encoded) chosen by the extension, through a temporary file in the same
 * folder renamed into place (no partial file on failure).  RADX_ERR_ARG (unknown extension),
 * RADX_ERR_IO (cannot write), RADX_ERR_NOMEM. */
radx_status radx_map_write(const char *path, const radx_geom *g, const float *data, radx_err *err);

#endif
