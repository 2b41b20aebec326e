/* SPDX-License-Identifier: BSD-3-Clause */
/* NIfTI-1 / NIfTI-2 / Analyze 7.5 reader on libnifti2 (nifti_clib), reporting the geometry that
 * SimpleITK 2.5.7 (ITK 5.4 NiftiImageIO + ImageFileReader) reports for the same file.
 *
 * ITK's rules, reproduced here:
 *  - number of dimensions: dim[0], with trailing size-1 dimensions above 3 dropped (a 4-D file with
 *    one time point is 3-D); a 3-D file with nz = 1 stays 3-D; 2-D stays 2-D;
 *  - spacing = pixdim[1..3] (as libnifti holds them, sign included) times the unit scale (metre
 *    1000, micron 0.001); ImageFileReader later flips negative spacings into the direction;
 *  - no qform and no sform: origin 0, identity direction (also for Analyze 7.5: SimpleITK uses
 *    ITK's default "ITK4" Analyze flavour, which ignores the Analyze orient field);
 *  - otherwise the sform or the qform is chosen as ITK 5.4 NiftiImageIO::SetImageIOOrientationFromNIfTI
 *    does (sform when it is orthonormal after removing scales and: the qform is absent, or
 *    sform_code is SCANNER_ANAT, or both codes are set and the two transforms are nearly equal;
 *    the qform otherwise; neither usable -> error);
 *  - origin = (-m[0][3], -m[1][3], m[2][3]) and direction columns = (-m[0][c], -m[1][c], m[2][c])
 *    normalised (RAS -> LPS), from the chosen 4x4 matrix;
 *  - ITK reads NIfTI-1 through nifti1_io, whose matrices are single precision: for NIfTI-1 files the
 *    matrices are rebuilt here in float exactly as nifti1_io builds them (nifti_quatern_to_mat44 on
 *    the float header fields), so the origin/direction doubles are the same bits ITK gets.  ITK
 *    cannot read NIfTI-2; for NIfTI-2 the same rules run on libnifti2's double matrices;
 *  - scl_slope / scl_inter: when |slope| > eps and (|slope-1| > eps or |inter| > eps) (NIfTI only,
 *    not Analyze), integer data become float32: v = (float)((double)(float)x * slope + inter);
 *    float32/float64 data are rescaled in place in their own type.
 *  - "both codes set and nearly equal" is ITK's test on vnl_svd<float> of the two 3x3 blocks;
 *    its outcome depends on float rounding noise inside LINPACK's ssvdc (ITK takes the qform for
 *    some rotations where sform and qform agree to 1e-7), so ssvdc is reproduced below operation by
 *    operation; checked against SimpleITK on 1 700 random and axis-aligned qform/sform pairs.
 * Deviations (unreachable for sane files): ITK's IsAffine tests the 4x4 sform's condition number
 * (> DBL_EPSILON, computed by a double SVD); here the test is "finite, bottom row (0,0,0,1), 3x3
 * block non-singular" (they differ only for translations beyond ~1e8 or spacings spanning ~16
 * orders of magnitude).  ITK_NIFTI_SFORM_PERMISSIVE (off by default) is not honoured: a
 * non-orthonormal sform without a qform is an error, as in SimpleITK's default. */
/* ITK's float arithmetic is reproduced operation by operation: no fused multiply-adds here, even
 * when the build targets a CPU that has them. */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "nifti2_io.h"

#include <zlib.h>
#include "io/io.h"

typedef struct {
    double m[4][4];
} m44;

static int map_dtype(int nifti_dt, radx_dtype *dt)
{
    switch (nifti_dt) {
    case NIFTI_TYPE_UINT8: *dt = RADX_DT_U8; return 1;
    case NIFTI_TYPE_INT8: *dt = RADX_DT_I8; return 1;
    case NIFTI_TYPE_UINT16: *dt = RADX_DT_U16; return 1;
    case NIFTI_TYPE_INT16: *dt = RADX_DT_I16; return 1;
    case NIFTI_TYPE_UINT32: *dt = RADX_DT_U32; return 1;
    case NIFTI_TYPE_INT32: *dt = RADX_DT_I32; return 1;
    case NIFTI_TYPE_UINT64: *dt = RADX_DT_U64; return 1;
    case NIFTI_TYPE_INT64: *dt = RADX_DT_I64; return 1;
    case NIFTI_TYPE_FLOAT32: *dt = RADX_DT_F32; return 1;
    case NIFTI_TYPE_FLOAT64: *dt = RADX_DT_F64; return 1;
    }
    return 0;
}

static const char *nifti_dt_name(int nifti_dt)
{
    switch (nifti_dt) {
    case NIFTI_TYPE_COMPLEX64: return "complex64";
    case NIFTI_TYPE_COMPLEX128: return "complex128";
    case NIFTI_TYPE_COMPLEX256: return "complex256";
    case NIFTI_TYPE_RGB24: return "RGB24";
    case NIFTI_TYPE_RGBA32: return "RGBA32";
    case NIFTI_TYPE_FLOAT128: return "float128";
    case DT_BINARY: return "binary (1 bit)";
    }
    return "unknown";
}

/* ---- the sform/qform decision (ITK 5.4 SetImageIOOrientationFromNIfTI) -------------------- */

static double col_norm(const m44 *a, int c)
{
    double s = 0;
    for (int r = 0; r < 3; r++) s += a->m[r][c] * a->m[r][c];
    return sqrt(s);
}

static double det33(const m44 *a)
{
    const double(*m)[4] = a->m;
    return m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
           m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
}

/* ITK's first, cheap test: 3x3 blocks within 1e-5 element-wise, translations and bottom rows within
 * 1e-7 (one-norm of the difference). */
static int qs_similar(const m44 *s, const m44 *q)
{
    for (int r = 0; r < 3; r++)
        for (int c = 0; c < 3; c++)
            if (fabs(s->m[r][c] - q->m[r][c]) > 1e-5) return 0;
    double t = 0, b = 0;
    for (int r = 0; r < 4; r++) t += fabs(s->m[r][3] - q->m[r][3]);
    for (int c = 0; c < 4; c++) b += fabs(s->m[3][c] - q->m[3][c]);
    return t <= 1e-7 && b <= 1e-7;
}

/* IsAffine + "orthonormal after removing scales" (sform_decomposable_without_skew). */
static int sform_decomposable(const m44 *s)
{
    for (int r = 0; r < 4; r++)
        for (int c = 0; c < 4; c++)
            if (!isfinite(s->m[r][c])) return 0;
    double bottom = fabs(s->m[3][3] - 1.0) + fabs(s->m[3][0]) + fabs(s->m[3][1]) + fabs(s->m[3][2]);
    if (bottom > 1.1920928955078125e-07 /* FLT_EPSILON */) return 0;
    if (det33(s) == 0.0) return 0;
    double u[3][3];
    for (int c = 0; c < 3; c++) {
        double n = col_norm(s, c);
        for (int r = 0; r < 3; r++) u[r][c] = n > 0 ? s->m[r][c] / n : s->m[r][c];
    }
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            double d = 0;
            for (int k = 0; k < 3; k++) d += u[i][k] * u[j][k];
            if (fabs(d - (i == j ? 1.0 : 0.0)) > 1e-4) return 0;
        }
    return 1;
}

/* ---- LINPACK ssvdc for a 3x3 float matrix ---------------------------------------------------
 * ITK decides "sform and qform are very similar" from vnl_svd<float> of the two 3x3 blocks, i.e.
 * LINPACK's ssvdc (job 21) in single precision, and the decision depends on the exact signs and
 * order of the computed left singular vectors (for an already orthogonal-times-diagonal matrix the
 * iteration runs on rounding noise).  linpack_svd.h holds the operation-for-operation transcription
 * (shared with the double-precision dsvdc of resample.c), instantiated here in single precision. */
#define RADX_SVD_T    float
#define RADX_SVD_SUF  f
#define RADX_SVD_FABS fabsf
#include "io/linpack_svd.h"

/* in: a (row-major 3x3).  out: w = |singular values| (descending), u row-major (u[r*3+c]).
 * returns 0, or the LINPACK info (non-convergence), or -1 for a non-finite element (a corrupt
 * header: there is no decomposition, and the iteration would not end) */
static int svd3f(const float a[9], float w[3], float u_out[9])
{
    float x[9], s[3], u[9], v[9];
    for (int i = 0; i < 9; i++)
        if (!isfinite(a[i])) return -1;
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) x[i + 3 * j] = a[i * 3 + j];
    const int info = radx_svdc_f(x, s, u, v);
    for (int j = 0; j < 3; j++) {
        w[j] = fabsf(s[j]);
        for (int i = 0; i < 3; i++) u_out[i * 3 + j] = u[i + 3 * j];
    }
    return info;
}

/* ITK's sform_and_qform_are_very_similar: with U, W from vnl_svd<float> of the two 3x3 blocks,
 * U_s * inv(U_q) is the identity within 1e-4, the singular values agree within 1e-4, and so do the
 * offsets and the bottom rows. */
static int qs_very_similar(const m44 *s, const m44 *q)
{
    float as[9], aq[9], ws[3], wq[3], us[9], uq[9];
    for (int r = 0; r < 3; r++)
        for (int c = 0; c < 3; c++) {
            as[r * 3 + c] = (float)s->m[r][c];
            aq[r * 3 + c] = (float)q->m[r][c];
        }
    if (svd3f(as, ws, us) < 0 || svd3f(aq, wq, uq) < 0) return 0; /* not finite: no decomposition, not similar */
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            double d = 0; /* U_q is orthogonal to float precision: inv(U_q) = U_q^T */
            for (int k = 0; k < 3; k++) d += (double)us[i * 3 + k] * (double)uq[j * 3 + k];
            if (fabs(d - (i == j ? 1.0 : 0.0)) > 1e-4) return 0;
        }
    for (int i = 0; i < 3; i++)
        if (fabsf(ws[i] - wq[i]) > 1e-4f) return 0;
    for (int r = 0; r < 3; r++)
        if (fabs((double)(float)s->m[r][3] - (double)(float)q->m[r][3]) > 1e-4) return 0;
    for (int c = 0; c < 4; c++)
        if (fabs((double)(float)s->m[3][c] - (double)(float)q->m[3][c]) > 1e-4) return 0;
    return 1;
}

/* returns 1 = sform, 0 = qform, -1 = neither usable */
static int choose_sform(const m44 *s, const m44 *q, int qcode, int scode)
{
    int prefer_s = qs_similar(s, q);
    if (!prefer_s || scode != NIFTI_XFORM_UNKNOWN) {
        if (sform_decomposable(s)) {
            if (qcode == NIFTI_XFORM_UNKNOWN && scode != NIFTI_XFORM_UNKNOWN)
                prefer_s = 1;
            else if (scode == NIFTI_XFORM_SCANNER_ANAT)
                prefer_s = 1;
            else if (qcode != NIFTI_XFORM_UNKNOWN && scode != NIFTI_XFORM_UNKNOWN)
                prefer_s = qs_very_similar(s, q);
        }
    }
    if (prefer_s) return 1;
    if (qcode != NIFTI_XFORM_UNKNOWN) return 0;
    return -1;
}

/* ---- reading ------------------------------------------------------------------------------ */

static int is_gz(const char *name)
{
    size_t n = strlen(name);
    return n >= 3 && strcasecmp(name + n - 3, ".gz") == 0;
}

/* Checks the fixed part of a NIfTI-1/2 (or Analyze) header before libnifti sees it: libnifti
 * prints to stderr (whatever its debug level) on a bad datatype or dimension, and overruns its
 * own arrays on a dim[0] above 7 (found by fuzzing).  0 when plausible, else a message. */
static int nifti_precheck(const char *path, char *why, size_t wlen)
{
    unsigned char h[540];
    char hdr[4096];
    size_t pl = strlen(path);
    snprintf(hdr, sizeof hdr, "%s", path);
    /* an Analyze / NIfTI pair named by its data file: the header is the .hdr beside it */
    if (pl >= 4 && pl < sizeof hdr && !strcasecmp(path + pl - 4, ".img"))
        memcpy(hdr + pl - 4, ".hdr", 4);
    else if (pl >= 7 && pl < sizeof hdr && !strcasecmp(path + pl - 7, ".img.gz"))
        memcpy(hdr + pl - 7, ".hdr", 4);
    struct stat sb;
    if (stat(hdr, &sb) == 0 && !S_ISREG(sb.st_mode)) { /* a FIFO would block gzopen */
        snprintf(why, wlen, "header %.100s is not a regular file", hdr);
        return -1;
    }
    gzFile f = gzopen(hdr, "rb");
    if (!f) {
        snprintf(why, wlen, "cannot open");
        return -1;
    }
    int n = gzread(f, h, sizeof h);
    gzclose(f);
    if (n < 348) {
        snprintf(why, wlen, "too short for a NIfTI or Analyze header (%d bytes)", n < 0 ? 0 : n);
        return -1;
    }
    uint32_t sz = (uint32_t)h[0] | (uint32_t)h[1] << 8 | (uint32_t)h[2] << 16 | (uint32_t)h[3] << 24;
    uint32_t szs = (uint32_t)h[3] | (uint32_t)h[2] << 8 | (uint32_t)h[1] << 16 | (uint32_t)h[0] << 24;
    int swap = 0, v2;
    if (sz == 348 || sz == 540)
        v2 = sz == 540;
    else if (szs == 348 || szs == 540) {
        v2 = szs == 540;
        swap = 1;
    } else {
        snprintf(why, wlen, "not a NIfTI or Analyze header (sizeof_hdr %u)", sz);
        return -1;
    }
    if (v2 && n < 540) {
        snprintf(why, wlen, "truncated NIfTI-2 header");
        return -1;
    }
#define RD16(o) (swap ? (int)(int16_t)((h[o] << 8) | h[(o) + 1]) : (int)(int16_t)(h[o] | (h[(o) + 1] << 8)))
    int64_t dim[8];
    int datatype;
    double vox_offset;
    if (v2) {
        uint64_t x = 0;
        for (int b = 0; b < 8; b++) x |= (uint64_t)h[168 + (swap ? 7 - b : b)] << (8 * b);
        vox_offset = (double)(int64_t)x;
        datatype = RD16(12);
        for (int i = 0; i < 8; i++) {
            uint64_t x = 0;
            for (int b = 0; b < 8; b++) x |= (uint64_t)h[16 + 8 * i + (swap ? 7 - b : b)] << (8 * b);
            dim[i] = (int64_t)x;
        }
    } else {
        datatype = RD16(70);
        for (int i = 0; i < 8; i++) dim[i] = RD16(40 + 2 * i);
        uint32_t x = 0;
        for (int b = 0; b < 4; b++) x |= (uint32_t)h[108 + (swap ? 3 - b : b)] << (8 * b);
        float fo;
        memcpy(&fo, &x, sizeof fo);
        vox_offset = fo;
    }
#undef RD16
    /* libnifti reads the extensions before vox_offset into memory, and in a gzipped file every
     * byte before the data must be inflated: bound it before libnifti sees the header */
    if (!(vox_offset >= 0 && vox_offset <= (double)RADX_IO_MAX_SKIP)) {
        snprintf(why, wlen, "vox_offset %g beyond the limit of %llu bytes", vox_offset,
                 (unsigned long long)RADX_IO_MAX_SKIP);
        return -1;
    }
    if (dim[0] < 1 || dim[0] > 7) {
        snprintf(why, wlen, "invalid header: dim[0] = %lld (must be 1..7)", (long long)dim[0]);
        return -1;
    }
    int64_t nvox = 1;
    for (int i = 1; i <= dim[0]; i++) {
        if (dim[i] < 1) {
            snprintf(why, wlen, "invalid header: dim[%d] = %lld", i, (long long)dim[i]);
            return -1;
        }
        if (nvox > RADX_MAX_VOXELS / dim[i]) {
            snprintf(why, wlen, "header claims more than the limit of %lld voxels", (long long)RADX_MAX_VOXELS);
            return -1;
        }
        nvox *= dim[i];
    }
    static const int known[] = {2, 4, 8, 16, 32, 64, 128, 256, 512, 768, 1024, 1280, 1536, 1792, 2048, 2304};
    int ok = 0;
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) ok |= datatype == known[i];
    if (!ok) {
        snprintf(why, wlen, "invalid or unsupported NIfTI datatype %d", datatype);
        return -1;
    }
    return 0;
}

/* The voxel data of a gzipped image (.nii.gz, .img.gz) decompressed by libdeflate, with what
 * libnifti's nifti_image_load then does to them (nifti_read_buffer: byte swap to the CPU's
 * order, non-finite floats set to 0, as SimpleITK's reader gets them), so that the result is
 * nifti_image_load's.  Returns 1 when nim->data holds them; 0 leaves the reading to libnifti
 * (no libdeflate, not gzipped, or anything unusual: a short or corrupt stream, extra members),
 * which also reports the errors. */
static int load_gz_fast(nifti_image *nim)
{
#ifdef RADX_HAVE_LIBDEFLATE
    if (!nim || !nim->iname || !is_gz(nim->iname) || nim->iname_offset < 0 || nim->nbyper <= 0) return 0;
    const uint64_t nbytes = (uint64_t)nim->nvox * (uint64_t)nim->nbyper;
    const uint64_t offset = (uint64_t)nim->iname_offset;
    /* a small offset (the header and a few extensions) is inflated with the data by libdeflate and
     * dropped; a large one is streamed through zlib, so that memory stays the data's size */
    const int small = offset <= 65536;
    const uint64_t want = small ? offset + nbytes : nbytes;
    size_t insize = 0;
    unsigned char *in = radx_io_slurp(nim->iname, &insize), *out = in ? malloc(want > 0 ? (size_t)want : 1) : NULL;
    const int ok = in && out &&
                   (small ? radx_io_gunzip(in, insize, out, (size_t)want, NULL)
                          : radx_io_gunzip_skip(in, insize, offset, out, (size_t)want));
    free(in);
    if (!ok) {
        free(out);
        return 0;
    }
    if (small && offset > 0) memmove(out, out + offset, (size_t)nbytes);
    if (nim->swapsize > 1 && nim->byteorder != nifti_short_order())
        nifti_swap_Nbytes((int64_t)(nbytes / (uint64_t)nim->swapsize), nim->swapsize, out);
    if (nim->datatype == NIFTI_TYPE_FLOAT32 || nim->datatype == NIFTI_TYPE_COMPLEX64) {
        float *v = (float *)out;
        for (uint64_t i = 0; i < nbytes / sizeof(float); i++)
            if (!isfinite(v[i])) v[i] = 0;
    } else if (nim->datatype == NIFTI_TYPE_FLOAT64 || nim->datatype == NIFTI_TYPE_COMPLEX128) {
        double *v = (double *)out;
        for (uint64_t i = 0; i < nbytes / sizeof(double); i++)
            if (!isfinite(v[i])) v[i] = 0;
    }
    free(nim->data);
    nim->data = out;
    return 1;
#else
    (void)nim;
    return 0;
#endif
}

/* What the reading steps below share. */
typedef struct {
    const char *path;
    nifti_image *nim;
    int analyze;   /* Analyze 7.5: no orientation, no scaling */
    int nifti1;    /* NIfTI-1 (or Analyze): single-precision matrices, as ITK's nifti1_io has them */
    radx_dtype dt; /* pixel type of nim->data */
    int realdim;   /* 2 or 3, once check_ndim has passed */
    int64_t nvox;  /* voxels of the image, once check_size has passed */
} nii_reader;

/* Checks the header, then has libnifti read it (without the data). */
static radx_status open_header(nii_reader *r, radx_err *err)
{
    char why[160];
    if (nifti_precheck(r->path, why, sizeof why) != 0)
        return radx_seterr(err, strstr(why, "limit") ? RADX_ERR_NOMEM : RADX_ERR_FORMAT, "%s: %s", r->path, why);
    nifti_set_debug_level(0);
    nifti_set_allow_upper_fext(1);

    r->nim = nifti_image_read(r->path, 0);
    if (!r->nim)
        return radx_seterr(err, RADX_ERR_FORMAT, "%s: not a NIfTI or Analyze file (bad or truncated header)", r->path);
    r->analyze = r->nim->nifti_type == NIFTI_FTYPE_ANALYZE;
    r->nifti1 = 1;
    if (!r->analyze) {
        /* nifti_type does not tell NIfTI-2 from NIfTI-1 (both report 1 for a .nii); the header does */
        int nver = 1;
        void *h = nifti_read_header(r->nim->fname ? r->nim->fname : r->path, &nver, 0);
        free(h);
        r->nifti1 = nver != 2;
    }
    return RADX_OK;
}

/* A scalar pixel type radx handles; vector and matrix intents refused. */
static radx_status check_pixel_type(nii_reader *r, radx_err *err)
{
    const nifti_image *nim = r->nim;
    if (!map_dtype(nim->datatype, &r->dt))
        return radx_seterr(err, RADX_ERR_UNSUPPORTED, "%s: unsupported NIfTI pixel type %s (datatype %d)", r->path,
                           nifti_dt_name(nim->datatype), nim->datatype);
    if (nim->intent_code == NIFTI_INTENT_VECTOR || nim->intent_code == NIFTI_INTENT_DISPVECT ||
        nim->intent_code == NIFTI_INTENT_SYMMATRIX || nim->intent_code == NIFTI_INTENT_GENMATRIX)
        return radx_seterr(err, RADX_ERR_UNSUPPORTED,
                           "%s: vector/matrix-valued NIfTI image (intent_code %d, %lld components) is not supported",
                           r->path, nim->intent_code, (long long)nim->dim[5]);
    return RADX_OK;
}

/* ITK's number of dimensions: dim[0] less the trailing size-1 dimensions above 3; 2 or 3 accepted. */
static radx_status check_ndim(nii_reader *r, radx_err *err)
{
    const nifti_image *nim = r->nim;
    const int64_t d0 = nim->dim[0];
    if (d0 < 1 || d0 > 7)
        return radx_seterr(err, RADX_ERR_FORMAT, "%s: invalid NIfTI dimension count %lld", r->path, (long long)d0);
    int realdim = (int)d0;
    while (realdim > 3 && nim->dim[realdim] == 1) realdim--;
    if (realdim > 3) {
        if (realdim == 4)
            return radx_seterr(err, RADX_ERR_UNSUPPORTED,
                               "%s: 4-D image with %lld volumes; only single 2-D or 3-D volumes are supported", r->path,
                               (long long)nim->dim[4]);
        return radx_seterr(err, RADX_ERR_UNSUPPORTED, "%s: %d-D image; only 2-D and 3-D images are supported", r->path,
                           realdim);
    }
    if (realdim < 2)
        return radx_seterr(err, RADX_ERR_UNSUPPORTED, "%s: 1-D image; only 2-D and 3-D images are supported", r->path);
    r->realdim = realdim;
    return RADX_OK;
}

/* The image size (g->size, g->ndim, r->nvox) within RADX_MAX_VOXELS and consistent with libnifti's
 * nvox. */
static radx_status check_size(nii_reader *r, radx_io_geom *g, radx_err *err)
{
    const nifti_image *nim = r->nim;
    const int realdim = r->realdim;
    int64_t nvox = 1;
    for (int i = 1; i <= 3; i++) {
        int64_t n = i <= realdim ? nim->dim[i] : 1;
        if (n < 1)
            return radx_seterr(err, RADX_ERR_FORMAT, "%s: invalid image size %lld along axis %d", r->path, (long long)n,
                               i - 1);
        if (n > RADX_MAX_VOXELS / nvox)
            return radx_seterr(err, RADX_ERR_NOMEM,
                               "%s: header claims a %lld x %lld x %lld image, more than the limit of %lld voxels",
                               r->path, (long long)nim->dim[1], (long long)(realdim >= 2 ? nim->dim[2] : 1),
                               (long long)(realdim >= 3 ? nim->dim[3] : 1), (long long)RADX_MAX_VOXELS);
        nvox *= n;
        g->size[i - 1] = n;
    }
    if (nim->nvox != nvox)
        return radx_seterr(err, RADX_ERR_FORMAT, "%s: inconsistent NIfTI header (nvox %lld for %lld voxels)", r->path,
                           (long long)nim->nvox, (long long)nvox);
    g->ndim = realdim;
    r->nvox = nvox;
    return RADX_OK;
}

/* Does the data file (a regular file) hold the bytes the header claims at its offset?  (A gzipped
 * one: could it inflate to them?) */
static radx_status check_data_file(const nii_reader *r, uint64_t *packed, radx_err *err)
{
    const nifti_image *nim = r->nim;
    const uint64_t need = (uint64_t)r->nvox * (uint64_t)nim->nbyper;
    if (!nim->iname) return radx_seterr(err, RADX_ERR_IO, "%s: image data file not found", r->path);
    int64_t size = 0;
    radx_status st = radx_io_data_file(r->path, NULL, nim->iname, 0, &size, err);
    if (st != RADX_OK) return st;
    const uint64_t have = (uint64_t)size;
    if (nim->iname_offset < 0 || (uint64_t)nim->iname_offset > RADX_IO_MAX_SKIP)
        return radx_seterr(err, RADX_ERR_NOMEM, "%s: data offset %lld beyond the limit of %llu bytes", r->path,
                           (long long)nim->iname_offset, (unsigned long long)RADX_IO_MAX_SKIP);
    const uint64_t want = (uint64_t)nim->iname_offset + need;
    if (is_gz(nim->iname)) {
        *packed = have;
        if (want > radx_io_max_inflated(have))
            return radx_seterr(err, RADX_ERR_FORMAT,
                               "%s: header claims %llu bytes of voxel data at offset %lld, more than the %llu-byte "
                               "compressed file can hold",
                               r->path, (unsigned long long)need, (long long)nim->iname_offset,
                               (unsigned long long)have);
    } else if (want > have) {
        return radx_seterr(err, RADX_ERR_FORMAT,
                           "%s: truncated image data: header claims %llu bytes at offset %lld, file %s has %llu bytes",
                           r->path, (unsigned long long)need, (long long)nim->iname_offset, nim->iname,
                           (unsigned long long)have);
    }
    return RADX_OK;
}

/* ---- geometry ----------------------------------------------------------------------------- */

/* millimetres per unit of xyz_units (unknown units are taken as millimetres) */
static double unit_scale(int xyz_units)
{
    switch (xyz_units) {
    case NIFTI_UNITS_METER: return 1e3;
    case NIFTI_UNITS_MM: return 1e0;
    case NIFTI_UNITS_MICRON: return 1e-3;
    }
    return 1.0;
}

/* qform and sform of a NIfTI-1 file as nifti1_io builds them, in float (s left 0 without an sform;
 * without a qform, q is diag(dx, dy, dz, 1)). */
static void xforms_nifti1(const nifti_image *nim, int qcode, int scode, m44 *q, m44 *s)
{
    mat44 fq;
    if (qcode != NIFTI_XFORM_UNKNOWN) {
        fq = nifti_quatern_to_mat44((float)nim->quatern_b, (float)nim->quatern_c, (float)nim->quatern_d,
                                    (float)nim->qoffset_x, (float)nim->qoffset_y, (float)nim->qoffset_z, (float)nim->dx,
                                    (float)nim->dy, (float)nim->dz, (float)nim->qfac);
    } else {
        memset(&fq, 0, sizeof fq);
        fq.m[0][0] = (float)nim->dx;
        fq.m[1][1] = (float)nim->dy;
        fq.m[2][2] = (float)nim->dz;
        fq.m[3][3] = 1.0f;
    }
    for (int r = 0; r < 4; r++)
        for (int c = 0; c < 4; c++) {
            q->m[r][c] = fq.m[r][c];
            if (scode != NIFTI_XFORM_UNKNOWN) s->m[r][c] = (float)nim->sto_xyz.m[r][c];
        }
}

/* The same for NIfTI-2, from libnifti2's double matrices. */
static void xforms_nifti2(const nifti_image *nim, int qcode, int scode, m44 *q, m44 *s)
{
    for (int r = 0; r < 4; r++)
        for (int c = 0; c < 4; c++) {
            q->m[r][c] = nim->qto_xyz.m[r][c];
            if (scode != NIFTI_XFORM_UNKNOWN) s->m[r][c] = nim->sto_xyz.m[r][c];
        }
    if (qcode == NIFTI_XFORM_UNKNOWN) {
        memset(q, 0, sizeof *q);
        q->m[0][0] = nim->dx;
        q->m[1][1] = nim->dy;
        q->m[2][2] = nim->dz;
        q->m[3][3] = 1.0;
    }
}

/* Origin and direction from the chosen 4x4 matrix, RAS -> LPS, direction columns normalised. */
static void orientation_from(const m44 *m, double spacingscale, int realdim, radx_io_geom *g)
{
    g->origin[0] = -m->m[0][3] * spacingscale;
    g->origin[1] = -m->m[1][3] * spacingscale;
    if (realdim > 2) g->origin[2] = m->m[2][3] * spacingscale;
    const int nd = realdim > 3 ? 3 : realdim;
    for (int c = 0; c < nd; c++) {
        double v[3] = {0, 0, 0}, sum = 0.0;
        for (int r = 0; r < nd; r++) {
            v[r] = m->m[r][c];
            if (r < 2) v[r] *= -1.0;
        }
        for (int r = 0; r < nd; r++) sum += v[r] * v[r];
        if (sum != 0.0) {
            sum = sqrt(sum);
            for (int r = 0; r < nd; r++) v[r] = v[r] / sum;
        }
        for (int r = 0; r < 3; r++) g->dircol[c][r] = v[r];
    }
}

/* Spacing from pixdim; origin and direction from the sform or the qform as ITK chooses (origin 0,
 * identity direction when there is neither, and for Analyze). */
static radx_status read_geometry(const nii_reader *r, radx_io_geom *g, radx_err *err)
{
    const nifti_image *nim = r->nim;
    const double spacingscale = unit_scale(nim->xyz_units);
    const double dxyz[3] = {nim->dx, nim->dy, nim->dz};
    for (int i = 0; i < 3; i++) {
        g->spacing[i] = i < r->realdim ? dxyz[i] * spacingscale : 1.0;
        g->origin[i] = 0.0;
        for (int j = 0; j < 3; j++) g->dircol[i][j] = i == j ? 1.0 : 0.0;
    }
    if (r->analyze || (nim->qform_code == NIFTI_XFORM_UNKNOWN && nim->sform_code == NIFTI_XFORM_UNKNOWN))
        return RADX_OK;
    m44 q, s;
    memset(&q, 0, sizeof q);
    memset(&s, 0, sizeof s);
    const int qcode = nim->qform_code > 0 ? nim->qform_code : NIFTI_XFORM_UNKNOWN;
    const int scode = nim->sform_code > 0 ? nim->sform_code : NIFTI_XFORM_UNKNOWN;
    if (r->nifti1)
        xforms_nifti1(nim, qcode, scode, &q, &s);
    else
        xforms_nifti2(nim, qcode, scode, &q, &s);
    const int which = choose_sform(&s, &q, qcode, scode);
    if (which < 0)
        return radx_seterr(err, RADX_ERR_FORMAT,
                           "%s: sform is not orthonormal and there is no qform: no orthonormal orientation "
                           "(SimpleITK refuses it too unless ITK_NIFTI_SFORM_PERMISSIVE is set)",
                           r->path);
    orientation_from(which ? &s : &q, spacingscale, r->realdim, g);
    return RADX_OK;
}

/* ---- voxel data --------------------------------------------------------------------------- */

/* The voxels into nim->data: libdeflate for gzip, libnifti otherwise or when that declines. */
static radx_status load_data(const nii_reader *r, radx_err *err)
{
    nifti_image *nim = r->nim;
    if (!load_gz_fast(nim) && (nifti_image_load(nim) < 0 || !nim->data))
        return radx_seterr(err, RADX_ERR_FORMAT, "%s: truncated or corrupt image data (could not read %llu bytes%s)",
                           r->path, (unsigned long long)((uint64_t)r->nvox * (uint64_t)nim->nbyper),
                           is_gz(nim->iname) ? " from the gzip stream" : "");
    return RADX_OK;
}

/* Integer voxels rescaled into a new float32 buffer, which replaces nim->data: ITK's CastCopy to
 * float, then its RescaleFunction on the float buffer. */
static radx_status rescale_to_float(nii_reader *r, double slope, double inter, radx_err *err)
{
    nifti_image *nim = r->nim;
    const radx_dtype dt = r->dt;
    const int64_t nvox = r->nvox;
    float *fbuf = (float *)malloc((size_t)nvox * sizeof(float));
    if (!fbuf)
        return radx_seterr(err, RADX_ERR_NOMEM, "%s: out of memory rescaling %lld voxels", r->path, (long long)nvox);
    radx_volume tmp;
    memset(&tmp, 0, sizeof tmp);
    tmp.dtype = dt;
    tmp.data = nim->data;
    for (int64_t i = 0; i < nvox; i++) {
        float f;
        switch (dt) {
        case RADX_DT_U64: f = (float)((const uint64_t *)nim->data)[i]; break;
        case RADX_DT_I64: f = (float)((const int64_t *)nim->data)[i]; break;
        case RADX_DT_U32: f = (float)((const uint32_t *)nim->data)[i]; break;
        case RADX_DT_I32: f = (float)((const int32_t *)nim->data)[i]; break;
        default: f = (float)radx_volume_get(&tmp, i); break; /* 8/16-bit: exact */
        }
        double t = (double)f * slope;
        t += inter;
        fbuf[i] = (float)t;
    }
    free(nim->data);
    nim->data = fbuf;
    r->dt = RADX_DT_F32;
    return RADX_OK;
}

/* scl_slope / scl_inter as ITK applies them (NIfTI only): float data in place in their own type,
 * integer data into float32. */
static radx_status apply_scaling(nii_reader *r, radx_err *err)
{
    const nifti_image *nim = r->nim;
    const int64_t nvox = r->nvox;
    double slope = r->analyze ? 1.0 : nim->scl_slope;
    double inter = r->analyze ? 0.0 : nim->scl_inter;
    const double eps = 2.220446049250313e-16;
    if (fabs(slope) < eps) slope = 1.0;
    int must = fabs(slope) > eps && (fabs(slope - 1.0) > eps || fabs(inter) > eps);
    if (!must) return RADX_OK;
    if (r->dt == RADX_DT_F32) {
        float *p = (float *)nim->data;
        for (int64_t i = 0; i < nvox; i++) {
            double t = (double)p[i] * slope;
            t += inter;
            p[i] = (float)t;
        }
    } else if (r->dt == RADX_DT_F64) {
        double *p = (double *)nim->data;
        for (int64_t i = 0; i < nvox; i++) {
            double t = p[i] * slope;
            t += inter;
            p[i] = t;
        }
    } else {
        return rescale_to_float(r, slope, inter, err);
    }
    return RADX_OK;
}

radx_status radx_io_read_nifti(const char *path, radx_io_geom *g, radx_dtype *dtype, void **data, radx_err *err)
{
    nii_reader r;
    uint64_t packed = 0;
    memset(&r, 0, sizeof r);
    r.path = path;
    radx_status st = open_header(&r, err);
    if (st != RADX_OK) return st;
    if ((st = check_pixel_type(&r, err)) == RADX_OK && (st = check_ndim(&r, err)) == RADX_OK &&
        (st = check_size(&r, g, err)) == RADX_OK && (st = check_data_file(&r, &packed, err)) == RADX_OK &&
        (st = read_geometry(&r, g, err)) == RADX_OK && data && (st = load_data(&r, err)) == RADX_OK &&
        (st = apply_scaling(&r, err)) == RADX_OK) {
        *dtype = r.dt;
        *data = r.nim->data;
        r.nim->data = NULL;
    }
    if (st == RADX_OK && !data) *dtype = r.dt;
    if (st == RADX_OK) g->packed = packed;
    nifti_image_free(r.nim);
    return st;
}
