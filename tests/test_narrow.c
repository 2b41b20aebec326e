/* SPDX-License-Identifier: BSD-3-Clause */
/* Narrow transfers (kernels/rules/narrow_rules.h), checked on the CPU: what the CUDA stages send in
 * fewer bytes must come back out bit for bit.
 *   - values (first order's sorted values): for a million values of every kind (int16 values,
 *     float values, doubles, signed zeros, infinities, NaN, subnormals, the edges of the int16 and
 *     float ranges), the width radx_value_width picks from the OR of radx_value_flags gives every
 *     value back with its bits, and no narrower width would;
 *   - levels: every width boundary;
 *   - NGTDM codes: on random boxes (levels up to 5000, distances 1, 2, 3 and {1, 3}, force2D),
 *     each ROI voxel's neighbour count and sum packed by radx_ngtdm_code at the width
 *     radx_ngtdm_code_width picks, summed by radx_ngtdm_accumulate_codes (the host half of the
 *     CUDA NGTDM), give radx_ngtdm_matrix's n_i and s_i bit for bit;
 *   - mask palettes (radx_rs_mask_palette): 255 labels besides 0 fit, 256 do not, and the indices
 *     give the labels back (the device's use of them: tests/test_resample.c's tiles);
 *   - the level box on the host (radx_level_box_host) and its refusal of a count mismatch. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/backend_cpu.h"
#include "rules/narrow_rules.h"
#include "rules/ngtdm_rules.h"
#include "params/params.h"
#include "core/error.h"
#include "params/params.h"
#include "features/features.h"
#include "radx_test.h"
#include "cpu/resample.h"
#include "features/texture_common.h"
#include "tex_box.h"

static uint64_t g_s = 0x9E3779B97F4A7C15ull;
static uint64_t rnd(void)
{
    g_s = g_s * 6364136223846793005ull + 1442695040888963407ull;
    return g_s >> 11;
}

/* ---- values ---- */
static double value_of_kind(int kind)
{
    uint64_t b;
    double v;
    switch (kind) {
    case 0: return (double)((int64_t)(rnd() % 65536) - 32768);                          /* int16 */
    case 1: return (double)(float)((double)(int64_t)(rnd() % 2000001 - 1000000) / 7.0); /* float */
    case 2: return (double)(int64_t)(rnd() % 200001 - 100000);                          /* integers beyond int16 */
    case 3:
        b = rnd() << 11 | (rnd() & 0x7FF); /* any bits: doubles of every exponent, NaN and infinities */
        memcpy(&v, &b, sizeof v);
        return v;
    case 4: {
        static const double sp[] = {0.0,
                                    -0.0,
                                    32767.0,
                                    -32768.0,
                                    32768.0,
                                    -32769.0,
                                    32767.5,
                                    3.4028234663852886e38,
                                    -3.4028234663852886e38,
                                    3.4028235677973366e38,
                                    1e-45,
                                    1.401298464324817e-45,
                                    4.9406564584124654e-324,
                                    0.1,
                                    INFINITY,
                                    -INFINITY,
                                    NAN};
        return sp[rnd() % (sizeof sp / sizeof *sp)];
    }
    default: return ldexp((double)(rnd() & 0xFFFFFF), (int)(rnd() % 200) - 150); /* floats incl. subnormal ones */
    }
}

static void values(void)
{
    long counts[9] = {0}, bad = 0, tight = 0, sets = 0;
    for (int set = 0; set < 200; set++) {
        const int n = 5000;
        double x[5000];
        const int kinds = (int)(rnd() % 6) + 1, k0 = (int)(rnd() % 6);
        unsigned f = 0;
        for (int i = 0; i < n; i++) {
            x[i] = value_of_kind((k0 + (int)(rnd() % (uint64_t)kinds)) % 6);
            f |= radx_value_flags(x[i]);
        }
        const int w = radx_value_width(f);
        counts[w]++;
        char buf[5000 * 8];
        for (int i = 0; i < n; i++) radx_value_put(buf, w, i, x[i]);
        for (int i = 0; i < n; i++) {
            const double y = radx_value_get(buf, w, i);
            bad += memcmp(&x[i], &y, sizeof y) != 0;
        }
        /* no narrower width would have kept every value */
        for (int v = 2; v < w; v *= 2) {
            int lost = 0;
            for (int i = 0; i < n && !lost; i++) {
                char one[8];
                radx_value_put(one, v, 0, x[i]);
                const double y = radx_value_get(one, v, 0);
                lost = memcmp(&x[i], &y, sizeof y) != 0;
            }
            tight += !lost;
        }
        sets++;
    }
    /* single values at the edges: the width each needs */
    static const struct {
        double v;
        int w;
    } edge[] = {{0.0, 2},
                {-0.0, 4},
                {32767.0, 2},
                {-32768.0, 2},
                {32768.0, 4},
                {-32769.0, 4},
                {0.5, 4},
                {1.401298464324817e-45, 4},
                {3.4028234663852886e38, 4},
                {3.4028235677973366e38, 8},
                {0.1, 8},
                {INFINITY, 8},
                {NAN, 8},
                {4.9406564584124654e-324, 8}};
    for (size_t i = 0; i < sizeof edge / sizeof *edge; i++) {
        const int w = radx_value_width(radx_value_flags(edge[i].v));
        CHECK(w == edge[i].w, "values: %.17g goes in %d bytes, expected %d", edge[i].v, w, edge[i].w);
    }
    CHECK(bad == 0, "values: %ld values did not come back bit for bit", bad);
    CHECK(tight == 0, "values: %ld sets were sent wider than they needed", tight);
    CHECK(counts[2] > 0 && counts[4] > 0 && counts[8] > 0, "values: widths 2/4/8 used %ld/%ld/%ld times", counts[2],
          counts[4], counts[8]);
    printf("values: %ld sets of 5000 (widths 2 / 4 / 8 bytes: %ld / %ld / %ld) came back bit for bit\n", sets,
           counts[2], counts[4], counts[8]);
}

/* ---- levels ---- */
static void levels(void)
{
    static const int64_t maxes[] = {0, 1, 50, 255, 256, 65535, 65536, 2147483647};
    static const int widths[] = {1, 1, 1, 1, 2, 2, 4, 4};
    int bad = 0;
    for (int k = 0; k < 8; k++) {
        const int w = radx_level_width(maxes[k]);
        CHECK(w == widths[k], "levels: up to %lld in %d bytes, expected %d", (long long)maxes[k], w, widths[k]);
        int32_t vals[4] = {0, 1, (int32_t)(maxes[k] / 2), (int32_t)maxes[k]};
        char buf[16];
        for (int i = 0; i < 4; i++) radx_uint_put(buf, w, i, (uint32_t)vals[i]);
        for (int i = 0; i < 4; i++) bad += (int32_t)radx_uint_get(buf, w, i) != vals[i];
    }
    CHECK(bad == 0, "levels: %d levels did not come back", bad);
    printf("levels: every width boundary comes back\n");
}

/* ---- NGTDM codes ---- */
static int w2, w4;

static void ngtdm_box(int c)
{
    const int64_t nz = 1 + c % 7, ny = 2 + (c * 5) % 9, nx = 2 + (c * 3) % 11, n = nz * ny * nx;
    static const int ngs[] = {1, 7, 50, 255, 1000, 5000};
    const int ng = ngs[c % 6];
    static const char *dist[] = {"[1]", "[2]", "[3]", "[1, 3]"};
    int32_t *gl = malloc(sizeof *gl * (size_t)n);
    uint8_t *roi = malloc((size_t)n);
    for (int64_t v = 0; v < n; v++) {
        roi[v] = rnd() % 4 != 0 || v == 0;
        gl[v] = roi[v] ? 1 + (int32_t)(rnd() % (uint64_t)ng) : 0;
    }
    if (c % 3 == 0) gl[0] = ng; /* the largest level present */
    radx_texture_input in = tex_box(gl, roi, nz, ny, nx, ng);
    radx_params p;
    radx_err e = {RADX_OK, "", ""};
    radx_params_init_defaults(&p);
    CHECK(radx_params_set_text(&p, "distances", dist[c % 4], &e) == RADX_OK, "distances: %s", e.msg);
    if (c % 5 == 2) CHECK(radx_params_set_text(&p, "force2D", "true", &e) == RADX_OK, "force2D: %s", e.msg);
    double out[16];
    radx_tex_nbclass s;
    radx_ngtdm_mat a, b;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    if (radx_ngtdm_setup(&in, &p, out, &s, &e) != RADX_OK) {
        CHECK(0, "box %d: setup: %s", c, e.msg);
        goto out;
    }
    const int w = radx_ngtdm_code_width(s.nh.na, ng);
    CHECK(w == 2 || w == 4, "box %d: %d neighbours, %d levels: code width %d", c, s.nh.na, ng, w);
    w2 += w == 2;
    w4 += w == 4;
    uint32_t *codes = malloc(sizeof *codes * (size_t)in.n_roi);
    int64_t k = 0;
    for (int64_t v = 0; v < n; v++) {
        if (!roi[v]) continue;
        const int64_t x = v % nx, y = (v / nx) % ny, z = v / (nx * ny);
        int64_t count, sum;
        radx_ngtdm_voxel_sums(&s.nh, gl, roi, v, z, y, x, radx_tex_inner(&s.nh, z, y, x), &count, &sum);
        radx_uint_put(codes, w, k++, radx_ngtdm_code(s.nh.na, count, sum));
    }
    CHECK(radx_ngtdm_matrix(&in, &s, &a, &e) == RADX_OK, "box %d: %s", c, e.msg);
    CHECK(radx_ngtdm_mat_alloc(&b, ng) == 0, "box %d: out of memory", c);
    radx_ngtdm_accumulate_codes(&in, codes, w, s.nh.na, &b);
    int bad = 0;
    for (int g = 0; g <= ng; g++) bad += a.ni[g] != b.ni[g] || memcmp(&a.si[g], &b.si[g], sizeof a.si[g]) != 0;
    CHECK(bad == 0, "box %d (%lldx%lldx%lld, %d levels, distances %s): %d gray levels differ from the codes'", c,
          (long long)nz, (long long)ny, (long long)nx, ng, dist[c % 4], bad);
    free(codes);
    radx_ngtdm_mat_free(&a);
    radx_ngtdm_mat_free(&b);
    radx_tex_nbclass_free(&s);
out:
    radx_params_clear(&p);
    free(gl);
    free(roi);
}

static void ngtdm_codes(void)
{
    for (int c = 0; c < 48; c++) ngtdm_box(c);
    CHECK(w2 > 0 && w4 > 0, "ngtdm: widths 2 and 4 used %d and %d times", w2, w4);
    CHECK(radx_ngtdm_code_width(26, 50) == 2 && radx_ngtdm_code_width(26, 93) == 2 &&
              radx_ngtdm_code_width(26, 94) == 4 && radx_ngtdm_code_width(124, 1000000) == 0,
          "ngtdm: code widths at their boundaries");
    /* the largest code of each width */
    int64_t cnt, sum;
    radx_ngtdm_uncode(26, radx_ngtdm_code(26, 26, 26 * 93), &cnt, &sum);
    CHECK(cnt == 26 && sum == 26 * 93 && radx_ngtdm_code(26, 26, 26 * 93) <= 0xFFFF, "ngtdm: largest 2-byte code");
    radx_ngtdm_uncode(124, radx_ngtdm_code(124, 124, 124 * 277000), &cnt, &sum);
    CHECK(cnt == 124 && sum == 124 * 277000, "ngtdm: a large 4-byte code");
    printf("ngtdm: 48 random boxes (%d with 2-byte codes, %d with 4-byte ones): the codes' n_i and s_i equal "
           "radx_ngtdm_matrix's bit for bit\n",
           w2, w4);
}

/* ---- mask palettes ---- */
static void palettes(void)
{
    enum { N = 4096 };
    double buf[N], pal[256];
    uint8_t idx[N];
    for (int labels = 254; labels <= 256; labels++) {
        for (int i = 0, j = 0; i < N; i++) buf[i] = i % 3 == 0 ? 0.0 : (double)(1000u + (unsigned)(j++ % labels) * 3u);
        const int np = radx_rs_mask_palette(buf, N, idx, pal);
        CHECK((labels <= 255) == (np > 0), "palette: %d labels besides 0 gave %d entries", labels, np);
        if (np > 0) {
            int bad = pal[0] != 0.0 || np != labels + 1;
            for (int i = 0; i < N; i++) bad += pal[idx[i]] != buf[i];
            CHECK(!bad, "palette: %d labels: the indices do not give the labels back", labels);
        }
    }
    buf[0] = 4294967295.0; /* the largest label, and a box without 0 */
    for (int i = 1; i < N; i++) buf[i] = 5.0;
    CHECK(radx_rs_mask_palette(buf, N, idx, pal) == 3 && pal[idx[0]] == 4294967295.0 && pal[idx[N - 1]] == 5.0,
          "palette: a box without 0");
    printf("palettes: 255 labels besides 0 fit in a byte, 256 do not\n");
}

/* ---- level box ---- */
static void level_box(void)
{
    enum { NB = 1000 };
    uint8_t roi[NB];
    int32_t gl[NB], box[NB];
    int64_t n = 0;
    for (int i = 0; i < NB; i++) {
        roi[i] = rnd() % 3 != 0;
        if (roi[i]) gl[n++] = 1 + (int32_t)(rnd() % 50);
    }
    radx_err e = {RADX_OK, "", ""};
    CHECK(radx_level_box_host(gl, n, roi, NB, box, &e) == RADX_OK, "level box: %s", e.msg);
    int bad = 0;
    for (int i = 0, k = 0; i < NB; i++) bad += box[i] != (roi[i] ? gl[k++] : 0);
    CHECK(bad == 0, "level box: %d voxels wrong", bad);
    CHECK(radx_level_box_host(gl, n - 1, roi, NB, box, &e) == RADX_ERR_INTERNAL &&
              radx_level_box_host(gl, n + 1, roi, NB, box, &e) == RADX_ERR_INTERNAL,
          "level box: a count mismatch is not refused");
    printf("level box: built and a count mismatch refused (%s)\n", e.msg);
}

int main(void)
{
    values();
    levels();
    ngtdm_codes();
    palettes();
    level_box();
    return radx_test_finish("test_narrow");
}
