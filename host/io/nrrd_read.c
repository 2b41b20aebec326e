/* SPDX-License-Identifier: BSD-3-Clause */
/* NRRD reader on teem (raw, gzip, bzip2, ascii, hex; attached or detached header), reporting the
 * geometry that SimpleITK 2.5.7 (ITK 5.4 NrrdImageIO + ImageFileReader) reports:
 *  - domain axes are the image axes; a single range axis is accepted only when it is a scalar of
 *    size 1 (ITK then also sees one scalar component); vector/RGB/complex pixels are refused;
 *  - "space directions": spacing = norm of the vector, direction = vector / spacing (teem's
 *    nrrdSpacingCalculate, as ITK calls it), converted to LPS: RAS negates x and y, LAS negates y,
 *    LPS and every other space (scanner-xyz, 3D-right-handed, ...) is taken as is; "space origin"
 *    likewise;
 *  - no space: "spacings" give the spacing (identity direction), "axis mins" the origin through
 *    nrrdOriginCalculate with cell centring (ITK's call), otherwise spacing 1 and origin 0;
 *  - a space dimension different from the number of domain axes is an error, as in ITK;
 *  - 4-D or higher images are accepted when every axis beyond the third has size 1 (SimpleITK keeps
 *    such an image 4-D; radx keeps its first three axes).
 * teem reports errors through biff; the text is fetched with biffGetDone(NRRD) and put in the
 * error message (teem prints nothing). */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <teem/nrrd.h>

#include "io/io.h"

static int map_type(int t, radx_dtype *dt)
{
    switch (t) {
    case nrrdTypeChar: *dt = RADX_DT_I8; return 1;
    case nrrdTypeUChar: *dt = RADX_DT_U8; return 1;
    case nrrdTypeShort: *dt = RADX_DT_I16; return 1;
    case nrrdTypeUShort: *dt = RADX_DT_U16; return 1;
    case nrrdTypeInt: *dt = RADX_DT_I32; return 1;
    case nrrdTypeUInt: *dt = RADX_DT_U32; return 1;
    case nrrdTypeLLong: *dt = RADX_DT_I64; return 1;
    case nrrdTypeULLong: *dt = RADX_DT_U64; return 1;
    case nrrdTypeFloat: *dt = RADX_DT_F32; return 1;
    case nrrdTypeDouble: *dt = RADX_DT_F64; return 1;
    }
    return 0;
}

/* teem's biff text (several lines, "[nrrd] func: message") -> the innermost message on one line */
static radx_status biff_error(const char *path, const char *what, radx_status status, radx_err *err)
{
    char *e = biffGetDone(NRRD);
    const char *msg = "";
    if (e) {
        /* biff lists the outermost call first; the last non-empty line is the root cause */
        char *last = NULL, *save = NULL;
        for (char *line = strtok_r(e, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
            if (*line) last = line;
        if (last) {
            while (*last == ' ') last++;
            if (*last == '[') { /* drop "[nrrd] " */
                char *rb = strchr(last, ']');
                if (rb) last = rb + 1;
                while (*last == ' ') last++;
            }
            msg = last;
        }
    }
    if (strstr(msg, "couldn't allocate")) { /* teem ran out of memory: not the file's fault */
        status = RADX_ERR_NOMEM;
        what = "out of memory reading the NRRD data";
    }
    radx_status s = radx_seterr(err, status, "%s: %s%s%s", path, what, *msg ? ": " : "", msg);
    free(e);
    return s;
}

/* The data of a gzip-encoded NRRD with an attached header (the common case, e.g. Slicer's .nrrd),
 * inflated by libdeflate instead of teem's zlib reader (about 10x faster): the file after the
 * header's terminating empty line, exactly nbytes, byte-swapped to this machine's order as teem
 * does.  NULL leaves the reading to teem (detached data, line or byte skips, no libdeflate, or a
 * stream that does not give exactly nbytes: teem then also reports the error). */
static void *gz_attached_fast(const char *path, const NrrdIoState *nio, size_t nbytes, size_t esz)
{
    if (nio->encoding != nrrdEncodingGzip || (nio->dataFNArr && nio->dataFNArr->len) || nio->dataFNFormat ||
        nio->dataFSkip || nio->lineSkip || nio->byteSkip || nbytes == 0)
        return NULL;
    size_t size = 0, pos = 0, start = 0;
    unsigned char *in = radx_io_slurp(path, &size), *out = NULL;
    if (!in) return NULL;
    /* the header ends at the first empty line ("\n" or "\r\n" line ends) */
    while (pos < size && !start) {
        const unsigned char *nl = memchr(in + pos, '\n', size - pos);
        if (!nl) break;
        const size_t end = (size_t)(nl - in);
        if (end == pos || (end == pos + 1 && in[pos] == '\r')) start = end + 1;
        pos = end + 1;
    }
    size_t used = 0;
    if (start && (out = malloc(nbytes)) != NULL &&
        (!radx_io_gunzip(in + start, size - start, out, nbytes, &used) ||
         /* another gzip member after the data: teem reads into it (and may refuse the file) */
         (size - start - used >= 2 && in[start + used] == 0x1f && in[start + used + 1] == 0x8b))) {
        free(out);
        out = NULL;
    }
    free(in);
    if (out && esz > 1 && nio->endian != airMyEndian()) {
        for (size_t i = 0; i < nbytes; i += esz)
            for (size_t a = 0, b = esz - 1; a < b; a++, b--) {
                const unsigned char t = out[i + a];
                out[i + a] = out[i + b];
                out[i + b] = t;
            }
    }
    return out;
}

static long g_fast_reads; /* under the reader lock (host/io/read.c) */
long radx_io_nrrd_fast_reads(void) { return g_fast_reads; }

/* What the reading steps below share. */
typedef struct {
    const char *path;
    Nrrd *hdr;        /* the header, read without the data */
    NrrdIoState *nio; /* how the header says the data are stored */
    radx_dtype dt;
    unsigned int dom[NRRD_DIM_MAX]; /* the domain (image) axes, ndom of them */
    unsigned int ndom;
    int64_t nvox; /* voxels, once count_voxels has passed */
} nrrd_reader;

/* The header only (teem skips the data), with a pixel type radx handles. */
static radx_status read_header(nrrd_reader *r, radx_err *err)
{
    radx_status st = radx_io_nrrd_precheck(r->path, err);
    if (st != RADX_OK) return st;
    nrrdIoStateSet(r->nio, nrrdIoStateSkipData, 1);
    if (nrrdLoad(r->hdr, r->path, r->nio) != 0)
        return biff_error(r->path, "not a readable NRRD file", RADX_ERR_FORMAT, err);
    if (r->hdr->type == nrrdTypeBlock || !map_type(r->hdr->type, &r->dt))
        return radx_seterr(err, RADX_ERR_UNSUPPORTED, "%s: unsupported NRRD pixel type %s", r->path,
                           airEnumStr(nrrdType, r->hdr->type));
    return RADX_OK;
}

/* The axes: as many domain axes as space dimensions, at most one range axis (a single scalar),
 * 2 or 3 domain axes plus any number of size 1. */
static radx_status check_axes(nrrd_reader *r, radx_err *err)
{
    const Nrrd *hdr = r->hdr;
    unsigned int rng[NRRD_DIM_MAX];
    const unsigned int ndom = r->ndom = nrrdDomainAxesGet(hdr, r->dom);
    const unsigned int nrng = nrrdRangeAxesGet(hdr, rng);
    if (hdr->spaceDim && hdr->spaceDim != ndom)
        return radx_seterr(err, RADX_ERR_FORMAT,
                           "%s: NRRD has %u domain axes but a %u-dimensional space (not handled, as in ITK)", r->path,
                           ndom, hdr->spaceDim);
    if (nrng > 1)
        return radx_seterr(err, RADX_ERR_UNSUPPORTED, "%s: NRRD has %u non-spatial (range) axes; not supported",
                           r->path, nrng);
    if (nrng == 1) {
        int kind = hdr->axis[rng[0]].kind;
        size_t n = hdr->axis[rng[0]].size;
        if (!((kind == nrrdKindStub || kind == nrrdKindScalar) && n == 1))
            return radx_seterr(err, RADX_ERR_UNSUPPORTED,
                               "%s: NRRD pixels are %s with %zu components (vector/RGB/complex images are not "
                               "supported)",
                               r->path, airEnumStr(nrrdKind, kind), n);
    }
    if (ndom < 2)
        return radx_seterr(err, RADX_ERR_UNSUPPORTED, "%s: %u-D image; only 2-D and 3-D images are supported", r->path,
                           ndom);
    for (unsigned int a = 3; a < ndom; a++)
        if (hdr->axis[r->dom[a]].size != 1)
            return radx_seterr(err, RADX_ERR_UNSUPPORTED,
                               "%s: %u-D image with %zu elements along axis %u; only single 2-D or 3-D volumes are "
                               "supported",
                               r->path, ndom, hdr->axis[r->dom[a]].size, a);
    return RADX_OK;
}

/* The number of voxels (every axis), within RADX_MAX_VOXELS. */
static radx_status count_voxels(nrrd_reader *r, radx_err *err)
{
    int64_t nvox = 1;
    for (unsigned int a = 0; a < r->hdr->dim; a++) {
        size_t n = r->hdr->axis[a].size;
        if (n < 1) return radx_seterr(err, RADX_ERR_FORMAT, "%s: invalid NRRD size 0 along axis %u", r->path, a);
        if ((uint64_t)n > (uint64_t)RADX_MAX_VOXELS || (int64_t)n > RADX_MAX_VOXELS / nvox)
            return radx_seterr(err, RADX_ERR_NOMEM,
                               "%s: header claims more than the limit of %lld voxels (axis %u: %zu)", r->path,
                               (long long)RADX_MAX_VOXELS, a, n);
        nvox *= (int64_t)n;
    }
    r->nvox = nvox;
    return RADX_OK;
}

/* Bytes of voxel data a data file of `have` bytes can hold at most in the header's encoding; *how
 * names the encoding for the message ("" for raw). */
static uint64_t encoded_capacity(const NrrdEncoding *enc, int64_t have, size_t esz, const char **how)
{
    if (enc == nrrdEncodingRaw) {
        *how = "";
        return (uint64_t)have;
    }
    if (enc == nrrdEncodingGzip || enc == nrrdEncodingBzip2) {
        *how = "compressed ";
        return radx_io_max_inflated((uint64_t)have);
    }
    if (enc == nrrdEncodingHex) {
        *how = "hex ";
        return (uint64_t)have / 2;
    }
    *how = "text "; /* ascii: at least one character per value */
    return (uint64_t)have * esz;
}

/* How many detached data files the header names: 0 for data in the header's own file, -1 for a
 * numbered list radx cannot count. */
static int64_t data_file_count(const NrrdIoState *nio)
{
    if (nio->dataFNFormat) {
        const int64_t lo = nio->dataFNMin, hi = nio->dataFNMax, step = nio->dataFNStep;
        if (step == 0 || (hi - lo) / step < 0) return -1;
        return (hi - lo) / step + 1;
    }
    return nio->dataFNArr ? (int64_t)nio->dataFNArr->len : 0;
}

/* The i-th data file's name as the header gives it (teem's numbering: min + i * step), or the
 * header's own path when the data are attached. */
static radx_status data_file_name(const char *path, const NrrdIoState *nio, int64_t i, int64_t nfiles, char *out,
                                  size_t outlen, radx_err *err)
{
    int n;
    if (nfiles == 0)
        n = snprintf(out, outlen, "%s", path);
    else if (nio->dataFNFormat) {
        if (!radx_io_nrrd_pattern_ok(nio->dataFNFormat))
            return radx_seterr(err, RADX_ERR_FORMAT, "%s: unsupported data file name pattern", path);
        n = snprintf(out, outlen, nio->dataFNFormat, (int)(nio->dataFNMin + i * nio->dataFNStep));
    } else
        n = snprintf(out, outlen, "%s", nio->dataFN[i]);
    if (n < 0 || (size_t)n >= outlen) return radx_seterr(err, RADX_ERR_FORMAT, "%s: data file name too long", path);
    return RADX_OK;
}

/* Every data file the header names, each checked by radx_io_data_file (regular file, inside the
 * header's folder) and able to hold its share of the voxel data after its skips. */
static radx_status check_data_files(const nrrd_reader *r, uint64_t *packed, radx_err *err)
{
    const NrrdIoState *nio = r->nio;
    const int64_t nfiles = data_file_count(nio);
    if (nfiles < 0 || nfiles > RADX_IO_MAX_DATA_FILES)
        return radx_seterr(err, RADX_ERR_NOMEM, "%s: header names %s data files (the limit is %d)", r->path,
                           nfiles < 0 ? "an invalid list of" : "too many", RADX_IO_MAX_DATA_FILES);
    const size_t esz = radx_dtype_size(r->dt);
    const uint64_t need = (uint64_t)r->nvox * esz;
    const uint64_t share = nfiles ? need / (uint64_t)nfiles : need; /* what each file must hold */
    for (int64_t i = 0; i < (nfiles ? nfiles : 1); i++) {
        char name[PATH_MAX + 64];
        int64_t have = 0;
        radx_status st = data_file_name(r->path, nio, i, nfiles, name, sizeof name, err);
        if (st == RADX_OK) st = radx_io_data_file(r->path, nfiles ? nio->path : NULL, name, nfiles > 0, &have, err);
        if (st != RADX_OK) return st;
        const char *how = "";
        const long skip = nio->dataFSkip ? nio->dataFSkip[i] : nio->byteSkip;
        const uint64_t bskip = skip > 0 ? (uint64_t)skip : 0;
        if ((uint64_t)nio->lineSkip > (uint64_t)have)
            return radx_seterr(err, RADX_ERR_FORMAT, "%s: header skips %u lines of the %lld-byte data file %s", r->path,
                               nio->lineSkip, (long long)have, name);
        const int is_packed = nio->encoding == nrrdEncodingGzip || nio->encoding == nrrdEncodingBzip2;
        if (is_packed) *packed += (uint64_t)have;
        if (is_packed && bskip > RADX_IO_MAX_SKIP)
            return radx_seterr(err, RADX_ERR_NOMEM, "%s: byte skip %llu beyond the limit of %llu bytes", r->path,
                               (unsigned long long)bskip, (unsigned long long)RADX_IO_MAX_SKIP);
        if (share + bskip > encoded_capacity(nio->encoding, have, esz, &how)) {
            char after[64] = "";
            if (bskip) snprintf(after, sizeof after, " after a %llu-byte skip", (unsigned long long)bskip);
            return radx_seterr(err, RADX_ERR_FORMAT,
                               "%s: header claims %llu bytes of voxel data%s, more than the %lld-byte %sdata file %s "
                               "can hold",
                               r->path, (unsigned long long)share, after, (long long)have, how, name);
        }
    }
    return RADX_OK;
}

/* ---- geometry, as ITK's NrrdImageIO::ReadImageInformation ---------------------------------- */

/* RAS negates x and y, LAS negates y (A -> P, as ITK 5.4 in SimpleITK 2.5.7 does); every other
 * space is taken as LPS. */
static void to_lps(int space, double v[])
{
    if (space == nrrdSpaceRightAnteriorSuperior) {
        v[0] *= -1;
        v[1] *= -1;
    } else if (space == nrrdSpaceLeftAnteriorSuperior) {
        v[1] *= -1;
    }
}

/* Spacing and direction of each image axis (g holds spacing 1 and the identity before). */
static radx_status axis_spacings(const nrrd_reader *r, unsigned int nd, radx_io_geom *g, radx_err *err)
{
    const Nrrd *hdr = r->hdr;
    for (unsigned int ai = 0; ai < nd; ai++) {
        double spacing = AIR_NAN, sdir[NRRD_SPACE_DIM_MAX];
        int sstat = nrrdSpacingCalculate(hdr, r->dom[ai], &spacing, sdir);
        switch (sstat) {
        case nrrdSpacingStatusNone: break;
        case nrrdSpacingStatusScalarNoSpace: g->spacing[ai] = spacing; break;
        case nrrdSpacingStatusDirection:
            if (AIR_EXISTS(spacing)) {
                to_lps(hdr->space, sdir);
                g->spacing[ai] = spacing;
                for (unsigned int s = 0; s < nd && s < hdr->spaceDim; s++) g->dircol[ai][s] = sdir[s];
            }
            break;
        default:
            return radx_seterr(err, RADX_ERR_FORMAT, "%s: cannot interpret the spacing of axis %u (%s)", r->path, ai,
                               sstat == nrrdSpacingStatusScalarWithSpace ? "\"spacings\" given together with a space"
                                                                         : "unknown spacing status");
        }
    }
    return RADX_OK;
}

/* The origin: "space origin" when there is a space, else from the "axis mins" (cell centring, as
 * ITK calls nrrdOriginCalculate); 0 when neither is given. */
static radx_status origin(nrrd_reader *r, unsigned int nd, radx_io_geom *g, radx_err *err)
{
    const Nrrd *hdr = r->hdr;
    if (hdr->spaceDim) {
        if (AIR_EXISTS(hdr->spaceOrigin[0])) {
            double o[NRRD_SPACE_DIM_MAX];
            for (unsigned int s = 0; s < hdr->spaceDim; s++) o[s] = hdr->spaceOrigin[s];
            to_lps(hdr->space, o);
            for (unsigned int s = 0; s < nd && s < hdr->spaceDim; s++) g->origin[s] = o[s];
        }
        return RADX_OK;
    }
    double o[NRRD_DIM_MAX];
    int ostat = nrrdOriginCalculate(hdr, r->dom, r->ndom, nrrdCenterCell, o);
    if (ostat == nrrdOriginStatusOkay) {
        for (unsigned int s = 0; s < nd; s++) g->origin[s] = o[s];
    } else if (ostat != nrrdOriginStatusNoMin && ostat != nrrdOriginStatusNoMaxOrSpacing) {
        return radx_seterr(err, RADX_ERR_FORMAT, "%s: cannot interpret the NRRD origin (axis mins)", r->path);
    }
    return RADX_OK;
}

/* Size, spacing, origin and direction of the first three image axes. */
static radx_status read_geometry(nrrd_reader *r, radx_io_geom *g, radx_err *err)
{
    const unsigned int nd = r->ndom > 3 ? 3 : r->ndom;
    g->ndim = (int)nd;
    for (unsigned int i = 0; i < 3; i++) {
        g->size[i] = i < nd ? (int64_t)r->hdr->axis[r->dom[i]].size : 1;
        g->spacing[i] = 1.0;
        g->origin[i] = 0.0;
        for (int j = 0; j < 3; j++) g->dircol[i][j] = (int)i == j ? 1.0 : 0.0;
    }
    radx_status st = axis_spacings(r, nd, g, err);
    if (st != RADX_OK) return st;
    return origin(r, nd, g, err);
}

/* ---- voxel data --------------------------------------------------------------------------- */

/* The voxels: gzip attached to the header through libdeflate (unless RADX_NRRD_TEEM is set),
 * everything else through teem. */
static radx_status read_data(const nrrd_reader *r, void **data, radx_err *err)
{
    if (getenv("RADX_NRRD_TEEM") == NULL) {
        void *fast =
            gz_attached_fast(r->path, r->nio, (size_t)r->nvox * nrrdElementSize(r->hdr), nrrdElementSize(r->hdr));
        if (fast) {
            g_fast_reads++;
            *data = fast;
            return RADX_OK;
        }
    }
    Nrrd *full = nrrdNew();
    if (!full) return radx_seterr(err, RADX_ERR_NOMEM, "%s: out of memory", r->path);
    radx_status st = RADX_OK;
    if (nrrdLoad(full, r->path, NULL) != 0) {
        st = biff_error(r->path, "truncated or corrupt NRRD data", RADX_ERR_FORMAT, err);
    } else if (!full->data || full->type != r->hdr->type || nrrdElementNumber(full) != (size_t)r->nvox) {
        st = radx_seterr(err, RADX_ERR_FORMAT, "%s: NRRD data do not match the header", r->path);
    } else {
        *data = full->data;
        full->data = NULL;
    }
    nrrdNuke(full);
    return st;
}

radx_status radx_io_read_nrrd(const char *path, radx_io_geom *g, radx_dtype *dtype, void **data, radx_err *err)
{
    nrrd_reader r;
    uint64_t packed = 0;
    memset(&r, 0, sizeof r);
    r.path = path;
    r.hdr = nrrdNew();
    r.nio = nrrdIoStateNew();
    radx_status st;
    if (!r.hdr || !r.nio) {
        st = radx_seterr(err, RADX_ERR_NOMEM, "%s: out of memory", path);
    } else {
        nrrdStateVerboseIO = 0;
        if ((st = read_header(&r, err)) == RADX_OK && (st = check_axes(&r, err)) == RADX_OK &&
            (st = count_voxels(&r, err)) == RADX_OK && (st = check_data_files(&r, &packed, err)) == RADX_OK &&
            (st = read_geometry(&r, g, err)) == RADX_OK && (!data || (st = read_data(&r, data, err)) == RADX_OK)) {
            *dtype = r.dt;
            g->packed = packed;
        }
    }
    if (r.hdr) nrrdNuke(r.hdr);
    if (r.nio) nrrdIoStateNix(r.nio);
    return st;
}
