/* SPDX-License-Identifier: BSD-3-Clause */
/* Writing float maps as images (host/io/map_write.c). */
#ifndef RADX_MAP_WRITE_H
#define RADX_MAP_WRITE_H

#include "core/error.h"
#include "core/volume.h"

/* Writes one float map (grid g, x fastest) to path: NIfTI (.nii, .nii.gz; libnifti2) or NRRD
 * (.nrrd; teem, gzip-encoded) chosen by the extension, whole or not at all (io/output_file.h).
 * RADX_ERR_ARG (unknown extension), RADX_ERR_IO (cannot write), RADX_ERR_NOMEM. */
radx_status radx_map_write(const char *path, const radx_geom *g, const float *data, radx_err *err);
/* The same to the open descriptor fd, in format "nii.gz", "nii" or "nrrd"; name: for messages. */
radx_status radx_map_write_fd(int fd, const char *format, const char *name, const radx_geom *g, const float *data,
                              radx_err *err);

#endif
