/* SPDX-License-Identifier: BSD-3-Clause */
/* radx's LBP2D and LBP3D image types (host/pipeline/lbp.c over kernels/rules/lbp2d_rules.h and
 * lbp3d_rules.h, on the CPU backend and on the stand-in device) against PyRadiomics' own
 * getLBP2DImage and getLBP3DImage: for float64, float32, int16 and uint8 voxels, every LBP2D
 * method at several radii, sample counts and force2Ddimension values on a 3-D and a 2-D image, and
 * LBP3D at several levels, icosphere radii and subdivisions, the images' names must be
 * PyRadiomics' in its order and the FNV-1a hash of their voxels equal (data/lbp/
 * pyradiomics_lbp.txt, tests/gen/lbp_ref.py): every voxel bit-identical (LBP3D's ROI voxels, the
 * only ones PyRadiomics sets).  Then a window (the features' ROI box) must hold exactly the whole
 * image's voxels there, and the rules' copy of glibc's csqrt and hypot must give glibc's bits. */
#include <complex.h>

#include "radx_test.h"
#include "backend/dispatch.h"
#include "params/params.h"
#include "pipeline/pipeline.h"
#include "stand_in_device.h"

#define NX     10
#define NY     9
#define NZ     8
#define NVOX   (NX * NY * NZ)
#define MAXIMG 8

/* The images one run hands over: names, hash (of the ROI voxels when roi is set), copies. */
typedef struct collected {
    int n;
    char names[256];
    uint64_t hash;
    const radx_be *be;
    const uint8_t *roi; /* hash only these voxels (LBP3D) */
    void *copy[MAXIMG];
    radx_volbuf img[MAXIMG];
} collected;

static uint64_t fnv1a(uint64_t h, const unsigned char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * 0x100000001B3ull;
    return h;
}

static radx_status collect(void *user, const radx_volbuf *img, const radx_params *q, const char *name, radx_err *err)
{
    (void)q;
    collected *c = user;
    const int64_t n = radx_geom_nvox(&img->g);
    const size_t es = radx_dtype_size(img->dtype);
    const unsigned char *v = radx_buf_map(c->be, img->buf, RADX_MAP_READ, err);
    if (!v) return err->status ? err->status : RADX_ERR_INTERNAL;
    for (int64_t i = 0; i < n; i++) /* x86-64 and CUDA devices are little endian, as the file */
        if (!c->roi || c->roi[i]) c->hash = fnv1a(c->hash, v + i * es, es);
    size_t o = strlen(c->names);
    snprintf(c->names + o, sizeof c->names - o, "%s%s", c->n ? "," : "", name);
    if (c->n < MAXIMG) {
        c->copy[c->n] = malloc(es * (size_t)n);
        if (c->copy[c->n]) memcpy(c->copy[c->n], v, es * (size_t)n);
        c->img[c->n] = *img;
    }
    c->n++;
    return RADX_OK;
}

static void collected_free(collected *c)
{
    for (int m = 0; m < MAXIMG; m++) free(c->copy[m]);
}

static int is_flat(int i, int j, int k) { return i >= 2 && i <= 6 && j >= 2 && j <= 6 && k >= 2 && k <= 6; }

/* tests/gen/lbp_ref.py's volume at (i, j, k). */
static double voxel(radx_dtype dt, int i, int j, int k)
{
    const int code = (7 * i + 13 * j + 29 * k) % 31, flat = is_flat(i, j, k);
    if (dt == RADX_DT_I16) return flat ? 35 : code * 5 - 40;
    if (dt == RADX_DT_U8) return flat ? 56 : code * 8;
    return flat ? 7.0 : code - 15 + (i % 3) / 4.0;
}

static int in_roi(int i, int j, int k)
{
    return i >= 1 && i <= 8 && j >= 1 && j <= 7 && k <= 6 && !(i == 1 && j == 1 && k == 0);
}

static radx_dtype dtype_of(const char *name)
{
    return !strcmp(name, "float32") ? RADX_DT_F32
           : !strcmp(name, "int16") ? RADX_DT_I16
           : !strcmp(name, "uint8") ? RADX_DT_U8
                                    : RADX_DT_F64;
}

/* The test volume (nz slices; 2-D when ndim is 2) in a buffer of be over host. */
static radx_volbuf test_volume(const radx_be *be, radx_dtype dt, int ndim, void *host)
{
    radx_volbuf v;
    memset(&v, 0, sizeof v);
    const int nz = ndim == 2 ? 1 : NZ;
    v.g.size[0] = NX;
    v.g.size[1] = NY;
    v.g.size[2] = nz;
    v.g.ndim = ndim;
    for (int a = 0; a < 3; a++) {
        v.g.spacing[a] = 1.0;
        v.g.direction[4 * a] = 1.0;
    }
    v.dtype = dt;
    for (int k = 0; k < nz; k++)
        for (int j = 0; j < NY; j++)
            for (int i = 0; i < NX; i++) {
                const int idx = i + NX * (j + NY * k);
                const double x = voxel(dt, i, j, k);
                switch (dt) {
                case RADX_DT_F32: ((float *)host)[idx] = (float)x; break;
                case RADX_DT_I16: ((int16_t *)host)[idx] = (int16_t)x; break;
                case RADX_DT_U8: ((uint8_t *)host)[idx] = (uint8_t)x; break;
                default: ((double *)host)[idx] = x; break;
                }
            }
    v.buf = radx_buf_wrap(be, host, radx_dtype_size(dt) * (size_t)(NX * NY * nz));
    return v;
}

static void roi_labels(uint8_t *lab)
{
    for (int k = 0; k < NZ; k++)
        for (int j = 0; j < NY; j++)
            for (int i = 0; i < NX; i++) lab[i + NX * (j + NY * k)] = (uint8_t)in_roi(i, j, k);
}

/* One reference line's run. */
typedef struct lbp_case {
    int lbp3d; /* 0: LBP2D */
    radx_dtype dt;
    int ndim;
    radx_params q;
} lbp_case;

/* Runs case t on be (need: the window, NULL for the whole image) into *c. */
static radx_status run_case(const radx_be *be, const lbp_case *t, const radx_roi_box *need, collected *c, radx_err *err)
{
    static double host[NVOX];
    static uint8_t lab[NVOX];
    radx_volbuf v = test_volume(be, t->dt, t->ndim, host);
    radx_status st;
    if (t->lbp3d) {
        roi_labels(lab);
        const radx_volume hv = {v.g, v.dtype, host, 0};
        st = radx_pipeline_lbp3d(&hv, &v, lab, &t->q, be, need, "volume", collect, c, err);
    } else {
        st = radx_pipeline_lbp2d(&v, &t->q, be, need, "volume", collect, c, err);
    }
    radx_buf_free(be, v.buf);
    return st;
}

/* The settings of a reference line ("lbp2d DTYPE NDIM METHOD P R DIM" or "lbp3d DTYPE - LEVELS
 * SUBDIV R -"); 0 when it does not parse. */
static int parse_case(const char *kind, const char *dtype, char f[5][32], lbp_case *t)
{
    memset(t, 0, sizeof *t);
    radx_params_init_defaults(&t->q);
    t->lbp3d = !strcmp(kind, "lbp3d");
    t->dt = dtype_of(dtype);
    t->ndim = t->lbp3d ? 3 : atoi(f[0]);
    if (t->lbp3d) {
        t->q.lbp3d_levels = atoi(f[1]);
        t->q.lbp3d_subdivision = atoi(f[2]);
        t->q.lbp3d_radius = strtod(f[3], NULL);
        return 1;
    }
    static const char *const methods[] = {"default", "ror", "uniform", "var"};
    t->q.lbp2d_method = -1;
    for (int m = 0; m < 4; m++)
        if (!strcmp(f[1], methods[m])) t->q.lbp2d_method = m;
    t->q.lbp2d_samples = atoi(f[2]);
    t->q.lbp2d_radius = strtod(f[3], NULL);
    t->q.force2d = 1;
    t->q.force2d_dimension = atoi(f[4]);
    return t->q.lbp2d_method >= 0;
}

/* One reference line on backend be: 1 when it matched. */
static int check_line(const radx_be *be, const char *bname, const lbp_case *t, const char *what, const char *names_ref,
                      uint64_t hash_ref)
{
    static uint8_t lab[NVOX];
    roi_labels(lab);
    collected c;
    memset(&c, 0, sizeof c);
    c.hash = 0xCBF29CE484222325ull;
    c.be = be;
    c.roi = t->lbp3d ? lab : NULL;
    radx_err err = {RADX_OK, "", ""};
    const radx_status st = run_case(be, t, NULL, &c, &err);
    CHECK(st == RADX_OK, "%s %s: %s", bname, what, err.msg);
    CHECK(!strcmp(c.names, names_ref), "%s %s: images %s, PyRadiomics %s", bname, what, c.names, names_ref);
    CHECK(c.hash == hash_ref, "%s %s: voxels differ from PyRadiomics' (hash %016llx, PyRadiomics %016llx)", bname, what,
          (unsigned long long)c.hash, (unsigned long long)hash_ref);
    collected_free(&c);
    return st == RADX_OK && c.hash == hash_ref && !strcmp(c.names, names_ref);
}

/* A window of case t must hold the whole image's voxels there (LBP3D: at the ROI's voxels). */
static void check_window(const radx_be *be, const lbp_case *t, const int64_t lo[3], const int64_t hi[3])
{
    collected whole, part;
    memset(&whole, 0, sizeof whole);
    memset(&part, 0, sizeof part);
    whole.be = part.be = be;
    radx_err err = {RADX_OK, "", ""};
    const radx_roi_box need = {{lo[0], lo[1], lo[2]}, {hi[0], hi[1], hi[2]}, 0};
    const radx_status s1 = run_case(be, t, NULL, &whole, &err), s2 = run_case(be, t, &need, &part, &err);
    CHECK(!s1 && !s2 && whole.n == part.n && whole.n > 0, "window: %s", err.msg);
    int64_t differ = 0;
    for (int m = 0; !s1 && !s2 && m < whole.n && m < MAXIMG; m++) {
        const radx_volbuf *w = &part.img[m];
        CHECK(w->at[0] == lo[0] && w->at[1] == lo[1] && w->at[2] == lo[2] && w->g.size[0] == hi[0] - lo[0] + 1,
              "window: image %d is not the window asked for", m);
        const size_t es = radx_dtype_size(w->dtype);
        for (int64_t k = lo[2]; k <= hi[2]; k++)
            for (int64_t j = lo[1]; j <= hi[1]; j++)
                for (int64_t i = lo[0]; i <= hi[0]; i++) {
                    if (t->lbp3d && !in_roi((int)i, (int)j, (int)k)) continue;
                    const int64_t a = i + NX * (j + NY * k);
                    const int64_t b = (i - lo[0]) + w->g.size[0] * ((j - lo[1]) + w->g.size[1] * (k - lo[2]));
                    differ += memcmp((char *)whole.copy[m] + a * es, (char *)part.copy[m] + b * es, es) != 0;
                }
    }
    CHECK(differ == 0, "window: %lld voxels differ from the whole image's", (long long)differ);
    collected_free(&whole);
    collected_free(&part);
}

/* The rules' csqrt and hypot against glibc's on values over the whole double range: bit for bit. */
static void check_csqrt(void)
{
    uint64_t s = 0x9E3779B97F4A7C15ull;
    int64_t differ = 0, n = 0;
    for (int i = 0; i < 400000; i++) {
        double x[2];
        for (int h = 0; h < 2; h++) {
            s ^= s << 13, s ^= s >> 7, s ^= s << 17;
            const int e = (int)(s % 2000) - 1000;
            x[h] = ldexp((double)(s >> 11) / 9007199254740992.0, e) * ((s >> 3) & 1 ? -1 : 1);
            if (i % 7 == 0 && h == 1) x[1] = x[0] * ldexp(1.0, -(int)(s % 80)); /* |im| << |re|, as LBP3D has */
            if (i % 11 == 0 && h == 1) x[1] = 0.0;
        }
        const double complex z = csqrt(x[0] + x[1] * I);
        differ += memcmp(&(double){creal(z)}, &(double){radx_csqrt_re(x[0], x[1])}, sizeof(double)) != 0;
        differ += memcmp(&(double){hypot(x[0], x[1])}, &(double){radx_hypot(x[0], x[1])}, sizeof(double)) != 0;
        n += 2;
    }
    CHECK(differ == 0, "csqrt/hypot: %lld of %lld values differ from glibc's", (long long)differ, (long long)n);
    printf("csqrt and hypot: %lld values, %lld differ from glibc's\n", (long long)n, (long long)differ);
}

int main(void)
{
    char path[600];
    snprintf(path, sizeof path, "%s/data/lbp/pyradiomics_lbp.txt", RADX_SOURCE_DIR);
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "%s: cannot open\n", path);
        return 1;
    }
    const radx_be cpu = {&radx_cpu_backend, NULL};
    radx_be dev = stand_in_create(0, 3); /* declines every third op: the CPU fallback in between */
    int lines = 0, ok_cpu = 0, ok_dev = 0;
    char line[1024];
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#') continue;
        char kind[8], dtype[16], fields[5][32], names[256];
        int n = 0;
        unsigned long long hash = 0;
        if (sscanf(line, "%7s %15s %31s %31s %31s %31s %31s %d %255s %llx", kind, dtype, fields[0], fields[1],
                   fields[2], fields[3], fields[4], &n, names, &hash) != 10)
            continue;
        lbp_case t;
        CHECK(parse_case(kind, dtype, fields, &t), "cannot read the line %s", line);
        char what[256];
        snprintf(what, sizeof what, "%s %s %s %s %s %s %s", kind, dtype, fields[0], fields[1], fields[2], fields[3],
                 fields[4]);
        lines++;
        ok_cpu += check_line(&cpu, "cpu", &t, what, names, hash);
        ok_dev += check_line(&dev, "stand-in", &t, what, names, hash);
        radx_params_clear(&t.q);
    }
    fclose(f);
    CHECK(lines == 124, "%d reference lines, 124 expected", lines);
    printf("%d of %d LBP settings/pixel type combinations bit-identical to PyRadiomics on the CPU, %d on the stand-in "
           "device\n",
           ok_cpu, lines, ok_dev);
    char f2[5][32] = {"3", "var", "12", "2.3", "1"}, f3[5][32] = {"-", "3", "2", "1.6", "-"};
    lbp_case t2, t3;
    parse_case("lbp2d", "int16", f2, &t2);
    parse_case("lbp3d", "float32", f3, &t3);
    const int64_t lo[3] = {2, 1, 3}, hi[3] = {6, 7, 5}, lo2[3] = {0, 0, 0}, hi2[3] = {8, 2, 1};
    check_window(&cpu, &t2, lo, hi);
    check_window(&cpu, &t3, lo, hi);
    check_window(&dev, &t3, lo2, hi2);
    check_csqrt();
    dev.ops->destroy(dev.ctx);
    return radx_test_finish("test_lbp");
}
