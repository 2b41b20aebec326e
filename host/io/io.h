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

/* The same checks and geometry without the voxels (out->data NULL; out->dtype as stored, before
 * NIfTI scaling): what a caller compares before reading gigabytes. */
radx_status radx_volume_read_header(const char *path, radx_volume *out, radx_err *err);

/* A case's image and mask: both headers first, then, when `same_grid` (PyRadiomics refuses a mask
 * of another size unless correctMask is set), a mask whose dimension or size differs from the
 * image's is refused (RADX_ERR_GEOMETRY, as the pipeline's geometry check words it) before either
 * volume's data is read; then the image's data and the mask's.  On failure both are freed. */
radx_status radx_volume_read_case(const char *ipath, const char *mpath, int same_grid, radx_volume *img,
                                  radx_volume *msk, radx_err *err);

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
    uint64_t packed;     /* bytes of the compressed (gzip, bzip2) files holding the voxels; 0: raw */
} radx_io_geom;

/* Format readers: fill g, *dtype and *data (malloc'ed, native byte order) or return an error that
 * names `path`; with data NULL, the header only (every check on it and on its data files, no
 * voxel read; *dtype as stored, before NIfTI scaling).  Called with the reader lock held (libnifti
 * and teem keep global state). */
radx_status radx_io_read_nifti(const char *path, radx_io_geom *g, radx_dtype *dtype, void **data, radx_err *err);
radx_status radx_io_read_nrrd(const char *path, radx_io_geom *g, radx_dtype *dtype, void **data, radx_err *err);

/* Bounds on what a header may ask for before radx reads anything it names (a hostile header must
 * be refused in milliseconds, not after gigabytes):
 *  - RADX_IO_MAX_HEADER_BYTES, RADX_IO_MAX_HEADER_LINES: a NRRD header (teem parses key/value
 *    lines in quadratic time: 10 000 lines take about half a second, 200 000 minutes); real
 *    headers, DICOM-derived ones with hundreds of key/value lines included, are far below both;
 *  - RADX_IO_MAX_DATA_FILES: detached NRRD data files (one per slice is the most seen in practice);
 *  - RADX_IO_MAX_SKIP: bytes before the voxel data (NRRD byte skip of compressed data, NIfTI
 *    vox_offset: the header and its extensions, which libnifti reads into memory); in a compressed
 *    file they must be inflated to be skipped.  256 MiB: real extensions (CIFTI XML included) are
 *    a few MiB at most. */
#define RADX_IO_MAX_HEADER_BYTES (1 << 20)
#define RADX_IO_MAX_HEADER_LINES 10000
#define RADX_IO_MAX_DATA_FILES   10000
#define RADX_IO_MAX_SKIP         ((uint64_t)1 << 28)
/* A decompression bomb (read.c): compressed voxels of more than RADX_IO_BOMB_BYTES inflating to
 * more than RADX_IO_BOMB_RATIO times their files' size.  CT and MR images compress 2 to 10 times. */
#define RADX_IO_BOMB_BYTES       ((uint64_t)1 << 30)
#define RADX_IO_BOMB_RATIO       64

/* The environment variable that lets a detached header name data files outside its own folder:
 * "1" allows absolute paths, "../" and symbolic links that lead out of the folder; unset or any
 * other value refuses them.  Data files must be regular files either way. */
#define RADX_ALLOW_OUTSIDE_DATA_ENV "RADX_ALLOW_OUTSIDE_DATA"

/* Checks a data file that the header `hdr` names: `name` as written in the header, relative to
 * `dir` (the header's folder, as teem gives it; NULL or "" for the current folder).  When
 * `detached`, the file must lie inside the header's folder after resolving symbolic links
 * (realpath), unless RADX_ALLOW_OUTSIDE_DATA=1; absolute names count as outside.  The file must be
 * a regular file (no device, FIFO or directory).  *size: its size.  Errors name hdr and the file
 * (RADX_ERR_FORMAT for a detached file: the header is at fault; RADX_ERR_IO otherwise). */
radx_status radx_io_data_file(const char *hdr, const char *dir, const char *name, int detached, int64_t *size,
                              radx_err *err);

/* host/io/nrrd_header.c: the NRRD header's size within the bounds above and every data file its
 * "data file" field names checked by radx_io_data_file, in one linear pass before teem reads the
 * header (teem opens the first data file while reading it). */
radx_status radx_io_nrrd_precheck(const char *path, radx_err *err);

/* Is fmt a numbered data file name with exactly one integer conversion ("%d", "%03d"; "%%")? */
int radx_io_nrrd_pattern_ok(const char *fmt);

/* Bytes a compressed stream of `file_bytes` can expand to at most (deflate's ratio is < 1032:1),
 * used to refuse headers that claim more data than a file can hold. */
static inline uint64_t radx_io_max_inflated(uint64_t file_bytes) { return file_bytes * 1040u + 65536u; }

/* Inflates the gzip members in[0..insize) (one after another) into exactly out[0..want) with
 * libdeflate; 1 when the members gave exactly `want` bytes without error (*in_used, when not
 * NULL: the input bytes they took), 0 otherwise (a short or corrupt stream, a member larger than
 * the room left, or radx built without libdeflate): the caller then reads through its format
 * library, which also reports the error. */
int radx_io_gunzip(const unsigned char *in, size_t insize, unsigned char *out, size_t want, size_t *in_used);

/* The same with zlib, streaming: the first `skip` inflated bytes go through a small scratch buffer
 * and are dropped, the next `want` go to out; never more than skip + want bytes are inflated. */
int radx_io_gunzip_skip(const unsigned char *in, size_t insize, uint64_t skip, unsigned char *out, size_t want);

/* Gzip NRRD data read by libdeflate rather than teem so far in this process (tests). */
long radx_io_nrrd_fast_reads(void);

/* The whole file into malloc'ed memory (*size bytes); NULL when it cannot be read. */
unsigned char *radx_io_slurp(const char *path, size_t *size);

#ifdef __cplusplus
}
#endif
#endif
