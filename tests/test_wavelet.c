/* SPDX-License-Identifier: BSD-3-Clause */
/* radx's Wavelet image type (host/pipeline/wavelet.c over kernels/rules/wavelet_rules.h, on the
 * CPU backend and on the stand-in device) against PyRadiomics' own getWaveletImage: for every
 * discrete wavelet of PyWavelets, float64 and float32 voxels, one level on three axes and
 * start_level 1, level 2 with force2D, the images' names must be PyRadiomics' in its order and
 * the FNV-1a hash of their voxels equal (data/wavelet/pyradiomics_wavelet.txt,
 * tests/gen/wavelet_ref.py): every voxel bit-identical.  Then the windowed transform: a window
 * inside the volume must hold exactly the whole transform's voxels there. */
#include "radx_test.h"
#include "backend/dispatch.h"
#include "params/params.h"
#include "pipeline/pipeline.h"
#include "stand_in_device.h"

#define NX     7
#define NY     6
#define NZ     5
#define MAXIMG 16

typedef struct collected {
    int n;
    char names[1024];
    uint64_t hash;
    const radx_be *be;
    void *copy[MAXIMG]; /* the images' voxels (when keep) */
    radx_volbuf img[MAXIMG];
    int keep;
} collected;

static radx_status collect(void *user, const radx_volbuf *img, const radx_params *q, const char *name, radx_err *err)
{
    (void)q;
    collected *c = user;
    const size_t bytes = radx_dtype_size(img->dtype) * (size_t)radx_geom_nvox(&img->g);
    const unsigned char *v = radx_buf_map(c->be, img->buf, RADX_MAP_READ, err);
    if (!v) return err->status ? err->status : RADX_ERR_INTERNAL;
    c->hash = radx_test_fnv1a(c->hash, v, bytes); /* x86-64 and CUDA devices are little endian, as the file */
    size_t o = strlen(c->names);
    snprintf(c->names + o, sizeof c->names - o, "%s%s", c->n ? "," : "", name);
    if (c->keep && c->n < MAXIMG) {
        c->copy[c->n] = malloc(bytes);
        if (c->copy[c->n]) memcpy(c->copy[c->n], v, bytes);
        c->img[c->n] = *img;
    }
    c->n++;
    return RADX_OK;
}

static double voxel(int i, int j, int k) { return ((7 * i + 13 * j + 29 * k) % 31) - 15 + (i % 3) / 4.0; }

/* The test volume in dtype (F64 or F32), in a buffer of be. */
static radx_volbuf test_volume(const radx_be *be, radx_dtype dt, void *host)
{
    radx_volbuf v;
    memset(&v, 0, sizeof v);
    v.g.size[0] = NX;
    v.g.size[1] = NY;
    v.g.size[2] = NZ;
    v.g.ndim = 3;
    for (int a = 0; a < 3; a++) {
        v.g.spacing[a] = 1.0;
        v.g.direction[4 * a] = 1.0;
    }
    v.dtype = dt;
    for (int k = 0; k < NZ; k++)
        for (int j = 0; j < NY; j++)
            for (int i = 0; i < NX; i++) {
                const int idx = i + NX * (j + NY * k);
                if (dt == RADX_DT_F32)
                    ((float *)host)[idx] = (float)voxel(i, j, k);
                else
                    ((double *)host)[idx] = voxel(i, j, k);
            }
    v.buf = radx_buf_wrap(be, host, radx_dtype_size(dt) * NX * NY * NZ);
    return v;
}

static void set_wavelet(radx_params *q, const char *wavelet, const char *setting)
{
    radx_params_init_defaults(q);
    snprintf(q->wavelet, sizeof q->wavelet, "%s", wavelet);
    if (!strcmp(setting, "levels_force2d")) {
        q->wavelet_start_level = 1;
        q->wavelet_level = 2;
        q->force2d = 1;
        q->force2d_dimension = 0;
    }
}

/* One line of the reference on backend be: 1 when it matched. */
static int check_line(const radx_be *be, const char *bname, const char *wavelet, const char *dtype, const char *setting,
                      int n_ref, const char *names_ref, uint64_t hash_ref)
{
    double host[NX * NY * NZ];
    const radx_dtype dt = !strcmp(dtype, "float32") ? RADX_DT_F32 : RADX_DT_F64;
    radx_volbuf v = test_volume(be, dt, host);
    radx_params q;
    set_wavelet(&q, wavelet, setting);
    collected c;
    memset(&c, 0, sizeof c);
    c.hash = 0xCBF29CE484222325ull;
    c.be = be;
    radx_err err = {RADX_OK, "", ""};
    radx_status st = radx_pipeline_wavelet(&v, &q, be, NULL, "volume", collect, &c, &err);
    radx_buf_free(be, v.buf);
    radx_params_clear(&q);
    CHECK(st == RADX_OK, "%s %s %s %s: %s", bname, wavelet, dtype, setting, err.msg);
    CHECK(c.n == n_ref && !strcmp(c.names, names_ref), "%s %s %s %s: images %s, PyRadiomics %s", bname, wavelet, dtype,
          setting, c.names, names_ref);
    CHECK(c.hash == hash_ref, "%s %s %s %s: voxels differ from PyRadiomics' (hash %016llx, PyRadiomics %016llx)", bname,
          wavelet, dtype, setting, (unsigned long long)c.hash, (unsigned long long)hash_ref);
    return st == RADX_OK && c.hash == hash_ref && !strcmp(c.names, names_ref);
}

/* Every window of the volume inside [lo, hi] must equal the whole transform there. */
static void check_window(const radx_be *be, const char *wavelet, const char *setting, radx_dtype dt,
                         const int64_t lo[3], const int64_t hi[3])
{
    double host[NX * NY * NZ];
    radx_volbuf v = test_volume(be, dt, host);
    radx_params q;
    set_wavelet(&q, wavelet, setting);
    collected whole, part;
    memset(&whole, 0, sizeof whole);
    memset(&part, 0, sizeof part);
    whole.be = part.be = be;
    whole.keep = part.keep = 1;
    radx_err err = {RADX_OK, "", ""};
    radx_roi_box need = {{lo[0], lo[1], lo[2]}, {hi[0], hi[1], hi[2]}, 0};
    radx_status s1 = radx_pipeline_wavelet(&v, &q, be, NULL, "volume", collect, &whole, &err);
    radx_status s2 = radx_pipeline_wavelet(&v, &q, be, &need, "volume", collect, &part, &err);
    CHECK(!s1 && !s2 && whole.n == part.n, "window %s %s: %s", wavelet, setting, err.msg);
    int64_t differ = 0;
    for (int m = 0; !s1 && !s2 && m < whole.n && m < MAXIMG; m++) {
        const radx_volbuf *w = &part.img[m];
        CHECK(w->at[0] == lo[0] && w->at[1] == lo[1] && w->at[2] == lo[2] && w->g.size[0] == hi[0] - lo[0] + 1,
              "window %s: image %d is not the window asked for", wavelet, m);
        const size_t es = radx_dtype_size(w->dtype);
        for (int64_t k = lo[2]; k <= hi[2]; k++)
            for (int64_t j = lo[1]; j <= hi[1]; j++)
                for (int64_t i = lo[0]; i <= hi[0]; i++) {
                    const int64_t a = i + NX * (j + NY * k);
                    const int64_t b = (i - lo[0]) + w->g.size[0] * ((j - lo[1]) + w->g.size[1] * (k - lo[2]));
                    differ += memcmp((char *)whole.copy[m] + a * es, (char *)part.copy[m] + b * es, es) != 0;
                }
    }
    CHECK(differ == 0, "window %s %s: %lld voxels differ from the whole transform's", wavelet, setting,
          (long long)differ);
    for (int m = 0; m < MAXIMG; m++) {
        free(whole.copy[m]);
        free(part.copy[m]);
    }
    radx_buf_free(be, v.buf);
    radx_params_clear(&q);
}

int main(void)
{
    FILE *f = radx_test_open_source("data/wavelet/pyradiomics_wavelet.txt");
    if (!f) return 1;
    const radx_be cpu = {&radx_cpu_backend, NULL};
    radx_be dev = stand_in_create(0, 3); /* declines every third op: the CPU fallback in between */
    int lines = 0, ok_cpu = 0, ok_dev = 0;
    char line[2048];
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#') continue;
        char wavelet[32], dtype[16], setting[32], names[1024];
        int n = 0;
        unsigned long long hash = 0;
        if (sscanf(line, "%31s %15s %31s %d %1023s %llx", wavelet, dtype, setting, &n, names, &hash) != 6) continue;
        lines++;
        ok_cpu += check_line(&cpu, "cpu", wavelet, dtype, setting, n, names, hash);
        ok_dev += check_line(&dev, "stand-in", wavelet, dtype, setting, n, names, hash);
    }
    fclose(f);
    CHECK(lines == 424, "%d reference lines, 424 expected", lines);
    printf("%d of %d wavelet/pixel type/setting combinations bit-identical to PyRadiomics on the CPU, %d on the "
           "stand-in device\n",
           ok_cpu, lines, ok_dev);
    const int64_t lo1[3] = {2, 1, 1}, hi1[3] = {4, 3, 2}, lo2[3] = {0, 0, 4}, hi2[3] = {6, 0, 4};
    check_window(&cpu, "coif1", "one_level", RADX_DT_F64, lo1, hi1);
    check_window(&cpu, "db4", "levels_force2d", RADX_DT_F32, lo1, hi1);
    check_window(&cpu, "haar", "levels_force2d", RADX_DT_F64, lo2, hi2);
    check_window(&dev, "sym3", "one_level", RADX_DT_F32, lo2, hi2);
    dev.ops->destroy(dev.ctx);
    return radx_test_finish("test_wavelet");
}
