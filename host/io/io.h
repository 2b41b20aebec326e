/* SPDX-License-Identifier: BSD-3-Clause */
/* Reading volumes (host/io/read.c, gzip.c, nifti_read.c, nrrd_read.c) and the image hash
 * (hash.c). */
#ifndef RADX_IO_H
#define RADX_IO_H

#include "core/volume.h"

#ifdef __cplusplus
extern "C" {
#endif

/* host/io/read.c: reads NIfTI-1/2 (.nii, .nii.gz, .hdr/.img) via libnifti2 and NRRD (.nrrd, .nhdr;
 * raw and gzip, attached and detached) via teem, into *out (native dtype, ITK LPS geometry as
 * SimpleITK would report it).  Refuses: missing/unreadable/empty files, truncated or corrupt
 * data, vector/4-D images with more than one component or time point, unsupported pixel types,
 * and headers whose size would exceed RADX_MAX_VOXELS.  On failure *out is left zeroed. */
radx_status radx_volume_read(const char *path, radx_volume *out, radx_err *err);

/* What PyRadiomics prints as diagnostics_Image-original_Hash / diagnostics_Mask-original_Hash:
 * sitk.Hash(image), the SHA1 of the pixel buffer (little-endian bytes, x fastest).
 *   as_mask_uint32 = 0: the buffer in its native type (Image-original_Hash);
 *   as_mask_uint32 = 1: the buffer cast to uint32 as sitk.Cast(mask, sitkUInt32) does it
 *     (PyRadiomics' getMask casts every mask before hashing): integers wrap modulo 2^32, floats
 *     are truncated toward zero to int64 first (NaN, +-Inf and |x| >= 2^63 give 0, as x86-64
 *     code generated for static_cast<uint32_t>(double) does).
 * hex receives 40 lowercase hex digits and a NUL.  Returns RADX_OK, RADX_ERR_ARG (NULL or empty
 * volume), RADX_ERR_NOMEM or RADX_ERR_INTERNAL (libcrypto failure); hex is "" on failure. */
radx_status radx_volume_sha1(const radx_volume *v, int as_mask_uint32, char hex[41]);

/* ---- internal to the reader -------------------------------------------------------------- */

/* Geometry as an ITK ImageIO reports it, before ImageFileReader's fix-ups. */
typedef struct radx_io_geom {
    int ndim; /* 2 or 3 */
    int64_t size[3];
    double spacing[3]; /* may be negative (NIfTI pixdim); fixed by radx_io_finish */
    double origin[3];
    double dircol[3][3]; /* dircol[c] = world direction of index axis c (ITK "GetDirection(c)") */
} radx_io_geom;

/* Format readers: fill g, *dtype and *data (malloc'ed, native byte order) or return an error that
 * names `path`.  Called with the reader lock held (libnifti and teem keep global state). */
radx_status radx_io_read_nifti(const char *path, radx_io_geom *g, radx_dtype *dtype, void **data, radx_err *err);
radx_status radx_io_read_nrrd(const char *path, radx_io_geom *g, radx_dtype *dtype, void **data, radx_err *err);

/* Bytes a compressed stream of `file_bytes` can expand to at most (deflate's ratio is < 1032:1),
 * used to refuse headers that claim more data than a file can hold. */
static inline uint64_t radx_io_max_inflated(uint64_t file_bytes) { return file_bytes * 1040u + 65536u; }

/* Inflates the gzip members in[0..insize) (one after another) into exactly out[0..want) with
 * libdeflate; 1 when the members gave exactly `want` bytes without error (*in_used, when not
 * NULL: the input bytes they took), 0 otherwise (a short or corrupt stream, a member larger than
 * the room left, or radx built without libdeflate): the caller then reads through its format
 * library, which also reports the error. */
int radx_io_gunzip(const unsigned char *in, size_t insize, unsigned char *out, size_t want, size_t *in_used);

/* Gzip NRRD data read by libdeflate rather than teem so far in this process (tests). */
long radx_io_nrrd_fast_reads(void);

/* The whole file into malloc'ed memory (*size bytes); NULL when it cannot be read. */
unsigned char *radx_io_slurp(const char *path, size_t *size);

#ifdef __cplusplus
}
#endif
#endif
