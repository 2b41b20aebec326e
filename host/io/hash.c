/* SPDX-License-Identifier: BSD-3-Clause */
/* The SimpleITK-compatible SHA1 of a volume's voxels (diagnostics hashes; host/io/io.h). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "io/io.h"
#include "rules/roi_rules.h" /* radx_value_at */

static int host_is_little_endian(void)
{
    const uint16_t one = 1;
    return *(const uint8_t *)&one == 1;
}

static uint32_t elem_to_u32(const radx_volume *v, size_t i)
{
    const void *d = v->data;
    switch (v->dtype) {
    case RADX_DT_U8: return ((const uint8_t *)d)[i];
    case RADX_DT_I8: return (uint32_t)(int32_t)((const int8_t *)d)[i];
    case RADX_DT_U16: return ((const uint16_t *)d)[i];
    case RADX_DT_I16: return (uint32_t)(int32_t)((const int16_t *)d)[i];
    case RADX_DT_U32: return ((const uint32_t *)d)[i];
    case RADX_DT_I32: return (uint32_t)((const int32_t *)d)[i];
    case RADX_DT_U64: return (uint32_t)((const uint64_t *)d)[i];
    case RADX_DT_I64: return (uint32_t)(uint64_t)((const int64_t *)d)[i];
    case RADX_DT_F32: return radx_f64_to_u32(((const float *)d)[i]);
    case RADX_DT_F64: return radx_f64_to_u32(((const double *)d)[i]);
    }
    return 0u;
}

radx_status radx_volume_sha1(const radx_volume *v, int as_mask_uint32, char hex[41])
{
    if (hex) hex[0] = '\0';
    if (!v || !hex || (!v->data && radx_geom_nvox(&v->g) > 0)) return RADX_ERR_ARG;
    size_t esz = radx_dtype_size(v->dtype);
    if (esz == 0) return RADX_ERR_ARG;
    size_t n = (size_t)radx_geom_nvox(&v->g);

    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (!ctx) return RADX_ERR_NOMEM;
    int ok = EVP_DigestInit_ex(ctx, EVP_sha1(), NULL) == 1;
    const int le = host_is_little_endian();
    const int same_bytes = !as_mask_uint32 || v->dtype == RADX_DT_U32 || v->dtype == RADX_DT_I32;
    if (ok && same_bytes && (le || esz == 1)) {
        ok = EVP_DigestUpdate(ctx, v->data, n * esz) == 1;
    } else if (ok) {
        /* converted / byte-swapped in chunks: little-endian bytes of each element */
        enum { CHUNK = 8192 };
        uint8_t buf[CHUNK * 8];
        for (size_t i0 = 0; ok && i0 < n; i0 += CHUNK) {
            size_t m = n - i0 < CHUNK ? n - i0 : CHUNK, nb = 0;
            if (as_mask_uint32) {
                for (size_t i = 0; i < m; i++) {
                    uint32_t u = elem_to_u32(v, i0 + i);
                    buf[nb++] = (uint8_t)u;
                    buf[nb++] = (uint8_t)(u >> 8);
                    buf[nb++] = (uint8_t)(u >> 16);
                    buf[nb++] = (uint8_t)(u >> 24);
                }
            } else {
                const uint8_t *src = (const uint8_t *)v->data + i0 * esz;
                for (size_t i = 0; i < m; i++, src += esz)
                    for (size_t b = 0; b < esz; b++) buf[nb++] = src[esz - 1 - b];
            }
            ok = EVP_DigestUpdate(ctx, buf, nb) == 1;
        }
    }
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    if (ok) ok = EVP_DigestFinal_ex(ctx, md, &mdlen) == 1 && mdlen == 20;
    EVP_MD_CTX_free(ctx);
    if (!ok) return RADX_ERR_INTERNAL;
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < 20; i++) {
        hex[2 * i] = digits[md[i] >> 4];
        hex[2 * i + 1] = digits[md[i] & 15];
    }
    hex[40] = '\0';
    return RADX_OK;
}
