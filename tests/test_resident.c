/* SPDX-License-Identifier: BSD-3-Clause */
/* Device residency (host/backend/resident.h), the part of the CUDA backend's chaining that decides which
 * device copy a stage reads, checked on the CPU:
 *   1. the residency table with a stand-in device (host buffers for device buffers): a held
 *      range is uploaded once, at its first use, and then served (whole or a part) without a
 *      copy; adoption, overlaps, a full table, a device without room, release;
 *   2. the rule by which the CUDA path makes GLCM's and GLRLM's level index from the resident
 *      boxes (radx_tex_level_map + radx_tex_level_index_of) equals the host's level index;
 *   3. the pipeline's promise behind every hold, watched by a backend made of the CPU ops plus
 *      hold / release / host_alloc / host_free hooks: a held range never changes between its
 *      first use and its release (else a device copy would be stale), except by the op that
 *      writes it as its output (discretise's levels, which the device adopts); every hold is
 *      released before its memory is freed; every array from host_alloc goes back to
 *      host_free; and the features equal the plain CPU backend's.  Cases: brain1 with
 *      resampling and LoG (the image held across the sigmas), breast1 with every class. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "backend/backend.h"
#include "params/params.h"
#include "params_yaml.h"
#include "pipeline/pipeline.h"
#include "radx.h"
#include "core/radx_internal.h"
#include "radx_test.h"
#include "backend/resident.h"
#include "features/texture_common.h"
#include "rules/texture_rules.h"

#ifndef RADX_SOURCE_DIR
#define RADX_SOURCE_DIR "."
#endif

/* ---- 1. the table, with a stand-in device -------------------------------------------------- */

typedef struct fake_dev {
    int allocs, frees, uploads, room; /* room: allocations still allowed (-1: any) */
    int downloads, fail_download;
} fake_dev;

static void *fd_alloc(void *u, size_t bytes)
{
    fake_dev *f = u;
    if (f->room == 0) return NULL;
    if (f->room > 0) f->room--;
    f->allocs++;
    return malloc(bytes);
}

static int fd_upload(void *u, void *d, const void *h, size_t bytes)
{
    ((fake_dev *)u)->uploads++;
    memcpy(d, h, bytes);
    return 0;
}

static int fd_download(void *u, void *h, const void *d, size_t bytes)
{
    fake_dev *f = u;
    if (f->fail_download) return -1;
    f->downloads++;
    memcpy(h, d, bytes);
    return 0;
}

static void fd_free(void *u, void *d, size_t bytes)
{
    (void)bytes;
    ((fake_dev *)u)->frees++;
    free(d);
}

static void table(void)
{
    fake_dev f = {0, 0, 0, -1, 0, 0};
    radx_resident_dev dev = {fd_alloc, fd_upload, fd_free, fd_download, &f};
    radx_resident r;
    radx_resident_init(&r, &dev);
    double a[100], b[50];
    int32_t c[10];
    for (int i = 0; i < 100; i++) a[i] = i * 0.5;
    for (int i = 0; i < 50; i++) b[i] = -i;
    for (int i = 0; i < 10; i++) c[i] = 7 * i;

    CHECK(radx_resident_find(&r, a, sizeof a) == NULL, "nothing held: no device copy");
    CHECK(radx_resident_hold(&r, a, sizeof a) == 0, "hold a");
    CHECK(radx_resident_peek(&r, a, sizeof a) == NULL && f.uploads == 0, "peek neither uploads nor invents a copy");
    CHECK(radx_resident_hold(&r, b, sizeof b) == 0, "hold b");
    CHECK(radx_resident_hold(&r, a + 10, 8) == -1, "an overlapping hold is refused");
    CHECK(f.uploads == 0 && f.allocs == 0, "holding copies nothing (%d uploads)", f.uploads);
    const double *da = radx_resident_find(&r, a, sizeof a);
    CHECK(da && f.uploads == 1 && !memcmp(da, a, sizeof a), "first use uploads the range");
    CHECK(radx_resident_peek(&r, a + 5, 8) == da + 5 && r.hits == 0, "peek sees the copy and counts nothing");
    const double *da2 = radx_resident_find(&r, a, sizeof a);
    CHECK(da2 == da && f.uploads == 1 && r.hits == 1, "second use is served without a copy");
    const double *part = radx_resident_find(&r, a + 20, 30 * sizeof(double));
    CHECK(part == da + 20 && f.uploads == 1, "a part of a held range is served from its copy");
    CHECK(radx_resident_find(&r, a + 90, 20 * sizeof(double)) == NULL, "a range reaching past the hold is not");
    CHECK(radx_resident_find(&r, c, sizeof c) == NULL, "an unheld range is not");
    CHECK(r.bytes_saved == sizeof a + 30 * sizeof(double), "bytes saved %llu", r.bytes_saved);

    /* adoption: exactly the held range, only while it has no copy */
    int32_t *dc = malloc(sizeof c);
    memcpy(dc, c, sizeof c);
    CHECK(radx_resident_adopt(&r, c, sizeof c, dc) == 0, "an unheld range is not adopted");
    CHECK(radx_resident_hold(&r, c, sizeof c) == 0, "hold c");
    CHECK(radx_resident_adopt(&r, c, sizeof c - 4, dc) == 0, "a different size is not adopted");
    CHECK(radx_resident_adopt(&r, a, sizeof a, dc) == 0, "a range with a copy already is not adopted");
    CHECK(radx_resident_adopt(&r, c, sizeof c, dc) == 1 && r.adopted == 1, "adopt c");
    CHECK(radx_resident_find(&r, c, sizeof c) == dc && f.uploads == 1, "the adopted buffer is c's copy, not uploaded");

    /* eviction frees the copies but keeps the holds: the next use uploads again */
    const int up_before = f.uploads, frees_before = f.frees;
    CHECK(radx_resident_evict(&r) == sizeof a + sizeof c && f.frees == frees_before + 2 && r.n == 3,
          "evict: %d frees, %d held", f.frees - frees_before, r.n);
    const double *da3 = radx_resident_find(&r, a, sizeof a);
    CHECK(da3 && f.uploads == up_before + 1 && !memcmp(da3, a, sizeof a), "after eviction a is uploaded again");
    int32_t *dc2 = malloc(sizeof c);
    memcpy(dc2, c, sizeof c);
    CHECK(radx_resident_adopt(&r, c, sizeof c, dc2) == 1, "an evicted range may adopt again");

    /* release one, then all: every device copy freed once (adopted ones included) */
    radx_resident_release(&r, b); /* never used: nothing to free */
    CHECK(r.n == 2 && f.frees == frees_before + 2, "release b: %d left, %d frees", r.n, f.frees - frees_before);
    CHECK(radx_resident_find(&r, b, sizeof b) == NULL, "b no longer held");
    radx_resident_release(&r, NULL);
    CHECK(r.n == 0 && f.frees == frees_before + 4, "release all: %d frees", f.frees - frees_before);
    CHECK(f.allocs + 2 == f.frees, "allocations %d + 2 adopted = frees %d", f.allocs, f.frees);

    /* a device without room: no copy, the stage uploads itself; nothing leaks */
    f.room = 0;
    CHECK(radx_resident_hold(&r, a, sizeof a) == 0, "hold again");
    CHECK(radx_resident_find(&r, a, sizeof a) == NULL, "no room: no device copy");
    f.room = -1;
    CHECK(radx_resident_find(&r, a, sizeof a) != NULL, "room again: copied at the next use");
    radx_resident_release(&r, NULL);

    /* a full table */
    static char many[RADX_RESIDENT_MAX + 1][8];
    int ok = 0;
    for (int i = 0; i <= RADX_RESIDENT_MAX; i++) ok += radx_resident_hold(&r, many[i], 8) == 0;
    CHECK(ok == RADX_RESIDENT_MAX, "a full table refuses the next hold (%d held)", ok);
    radx_resident_release(&r, NULL);
    CHECK(f.allocs == f.frees - 2, "no device buffer left: %d allocations, %d frees", f.allocs, f.frees);
    printf("table: %d uploads, %lld hits, 2 adopted; eviction, overlaps, full table, no room: as specified\n",
           f.uploads, r.hits);

    /* stale host copies: a stage that left its output on the device only */
    double s1[20], s2[30];
    for (int i = 0; i < 20; i++) s1[i] = -1.0; /* what the host holds: out of date */
    for (int i = 0; i < 30; i++) s2[i] = -2.0;
    double *d1 = malloc(sizeof s1), *d2 = malloc(sizeof s2);
    for (int i = 0; i < 20; i++) d1[i] = i;
    for (int i = 0; i < 30; i++) d2[i] = 100 + i;
    CHECK(radx_resident_adopt_stale(&r, s1, sizeof s1, d1) == 0, "an unheld range is not adopted stale");
    CHECK(radx_resident_hold(&r, s1, sizeof s1) == 0 && radx_resident_hold(&r, s2, sizeof s2) == 0, "hold s1 s2");
    CHECK(radx_resident_adopt_stale(&r, s1, sizeof s1, d1) == 1 && radx_resident_adopt_stale(&r, s2, sizeof s2, d2) == 1,
          "adopt s1, s2 stale");
    CHECK(radx_resident_is_stale(&r, s1 + 3, 8) && radx_resident_find(&r, s1, sizeof s1) == d1 && s1[5] == -1.0,
          "a stale range is served from the device; its host copy untouched");
    CHECK(radx_resident_materialize(&r, s1 + 7) == 0 && f.downloads == 1 && s1[19] == 19.0 &&
              !radx_resident_is_stale(&r, s1, sizeof s1) && s2[0] == -2.0,
          "materialize(a pointer inside s1) brings s1 down, only s1");
    CHECK(radx_resident_materialize(&r, s1) == 0 && f.downloads == 1, "a second materialize copies nothing");
    CHECK(r.bytes_kept == sizeof s2, "bytes kept on the device: %llu", r.bytes_kept);
    f.fail_download = 1;
    const int fr0 = f.frees;
    CHECK(radx_resident_evict(&r) == sizeof s1 && f.frees == fr0 + 1 && radx_resident_is_stale(&r, s2, sizeof s2),
          "eviction keeps a stale range whose download fails (its only copy)");
    f.fail_download = 0;
    CHECK(radx_resident_evict(&r) == sizeof s2 && s2[29] == 129.0 && f.downloads == 2 && f.frees == fr0 + 2,
          "eviction brings a stale range down before it frees the copy");
    CHECK(radx_resident_find(&r, s2, sizeof s2) != NULL && f.uploads > 0, "and uploads it again at its next use");
    for (int i = 0; i < 20; i++) s1[i] = -1.0;
    d1 = malloc(sizeof s1);
    for (int i = 0; i < 20; i++) d1[i] = i;
    radx_resident_evict(&r);
    CHECK(radx_resident_adopt_stale(&r, s1, sizeof s1, d1) == 1, "adopt s1 stale again");
    const int dl0 = f.downloads;
    radx_resident_release(&r, NULL);
    CHECK(r.n == 0 && f.downloads == dl0 && s1[0] == -1.0, "release does not bring a stale range down");
    radx_resident_dev nodl = dev;
    nodl.download = NULL;
    radx_resident q;
    radx_resident_init(&q, &nodl);
    CHECK(radx_resident_hold(&q, s1, sizeof s1) == 0 && radx_resident_adopt_stale(&q, s1, sizeof s1, d1) == 0,
          "no download hook: nothing is adopted stale");
    radx_resident_release(&q, NULL);
    /* freed: every allocation, the two buffers adopted above and the three adopted stale */
    CHECK(f.allocs + 2 + 3 == f.frees, "stale: every device buffer freed (%d allocations, %d frees)", f.allocs,
          f.frees);
    printf("stale host copies: served from the device, materialized on demand (one range or all), brought down "
           "before eviction, not on release\n");
}

/* ---- 2. the device's level index rule ------------------------------------------------------ */

static void level_index(void)
{
    uint64_t s = 12345;
    int boxes = 0;
    for (int t = 0; t < 40; t++) {
        const int64_t nz = 1 + t % 5, ny = 2 + t % 7, nx = 3 + t % 11, n = nz * ny * nx;
        const int ng = 1 + (t * 7) % 60;
        int32_t *gl = malloc(sizeof *gl * (size_t)n);
        uint8_t *roi = malloc((size_t)n);
        int64_t nroi = 0;
        for (int64_t v = 0; v < n; v++) {
            s = s * 6364136223846793005ull + 1442695040888963407ull;
            roi[v] = (s >> 33) % 3 != 0;
            gl[v] = roi[v] ? 1 + (int32_t)((s >> 40) % (uint64_t)ng) : 0;
            nroi += roi[v];
        }
        if (!nroi) {
            roi[0] = 1;
            gl[0] = ng;
        }
        radx_texture_input in;
        memset(&in, 0, sizeof in);
        in.dims_zyx[0] = nz; in.dims_zyx[1] = ny; in.dims_zyx[2] = nx;
        in.gl = gl;
        in.roi = roi;
        in.ng = ng;
        int32_t *li = NULL;
        double *vals = NULL;
        int nl = 0;
        radx_err e = {RADX_OK, ""};
        radx_status st = radx_tex_level_index(&in, "test", &li, &vals, &nl, &e);
        CHECK(st == RADX_OK, "box %d: %s", t, e.msg);
        if (st == RADX_OK) {
            const int top = (int)vals[nl - 1];
            int32_t *map = malloc(sizeof *map * ((size_t)top + 1));
            radx_tex_level_map(vals, nl, map, top);
            int64_t bad = 0;
            for (int64_t v = 0; v < n; v++) bad += radx_tex_level_index_of(roi[v], gl[v], map) != li[v];
            CHECK(bad == 0, "box %d: %lld voxels differ", t, (long long)bad);
            boxes++;
            free(map);
        }
        free(li);
        free(vals);
        free(gl);
        free(roi);
    }
    printf("level index from resident boxes: equal to the host's in %d random boxes\n", boxes);
}

/* ---- 3. the pipeline's promise, watched ---------------------------------------------------- */

#define WMAX 64
typedef struct watch {
    struct {
        const char *h;
        size_t bytes;
        char *snap; /* the content at the first op after the hold (what a device would copy) */
    } e[WMAX];
    int n;
    void *alloc[WMAX];
    int nalloc;
    long long holds, releases, checked, violations, host_allocs;
    radx_resident tab; /* the real table, no device: a refused hold (overlap, full) is a pipeline fault */
    long long refused;
    int calls, fail_at; /* op calls so far; the call that fails (injected), 0: none */
    /* outputs left "on the device": the values in shadow, poison in the host range until
     * materialized (a host read before that shows in the features) */
    struct {
        char *h;
        size_t bytes;
        char *shadow;
    } st[WMAX];
    int nst;
    long long deferred, materialized;
} watch;

/* What an op reads at p: the "device" copy of a range left there, else the host. */
static const void *dev_view(const watch *w, const void *p)
{
    for (int i = 0; i < w->nst; i++)
        if ((const char *)p >= w->st[i].h && (const char *)p < w->st[i].h + w->st[i].bytes)
            return w->st[i].shadow + ((const char *)p - w->st[i].h);
    return p;
}

/* An op just wrote the range h on the host: when it is held, keep the values as the only valid
 * copy and poison the host range (0xff bytes: NaN in every float and double). */
static void defer_output(watch *w, void *h, size_t bytes)
{
    int held = 0;
    for (int i = 0; i < w->n; i++) held |= w->e[i].h == (const char *)h && w->e[i].bytes == bytes;
    if (!held || w->nst >= WMAX) return;
    w->st[w->nst].h = h;
    w->st[w->nst].bytes = bytes;
    w->st[w->nst].shadow = malloc(bytes);
    memcpy(w->st[w->nst].shadow, h, bytes);
    memset(h, 0xff, bytes);
    w->nst++;
    w->deferred++;
}

static radx_status w_materialize(void *ctx, const void *h)
{
    watch *w = ctx;
    int k = 0;
    for (int i = 0; i < w->nst; i++) {
        if (h && !((const char *)h >= w->st[i].h && (const char *)h < w->st[i].h + w->st[i].bytes)) {
            w->st[k++] = w->st[i];
            continue;
        }
        memcpy(w->st[i].h, w->st[i].shadow, w->st[i].bytes);
        for (int j = 0; j < w->n; j++) /* the range's value did not change: only its host copy */
            if (w->e[j].h == w->st[i].h && w->e[j].snap) memcpy(w->e[j].snap, w->e[j].h, w->e[j].bytes);
        free(w->st[i].shadow);
        w->materialized++;
    }
    w->nst = k;
    return RADX_OK;
}

/* Drops the "device" copies of the ranges that begin at h (NULL: all), as release does. */
static void drop_deferred(watch *w, const void *h)
{
    int k = 0;
    for (int i = 0; i < w->nst; i++) {
        if (h && w->st[i].h != (const char *)h) {
            w->st[k++] = w->st[i];
            continue;
        }
        free(w->st[i].shadow);
    }
    w->nst = k;
}

/* The injected failure of op call number w->fail_at. */
static int inject(watch *w, radx_err *err)
{
    if (++w->calls != w->fail_at) return 0;
    radx_seterr(err, RADX_ERR_DEVICE, "injected failure of op call %d", w->calls);
    return 1;
}

static void snap(watch *w, int i)
{
    w->e[i].snap = malloc(w->e[i].bytes);
    memcpy(w->e[i].snap, w->e[i].h, w->e[i].bytes);
}

/* Before an op: every held range is still what it was at its first use; ranges not used yet are
 * taken now, but for the op's own output range. */
static void before(watch *w, const void *out)
{
    for (int i = 0; i < w->n; i++) {
        if (w->e[i].snap) {
            w->checked++;
            if (memcmp(w->e[i].snap, w->e[i].h, w->e[i].bytes)) {
                w->violations++;
                fprintf(stderr, "held range %p (%zu bytes) changed while held\n", (const void *)w->e[i].h,
                        w->e[i].bytes);
            }
        } else if (w->e[i].h != (const char *)out) {
            snap(w, i);
        }
    }
}

/* After an op that wrote range out: a device backend adopts its device copy of it. */
static void after(watch *w, const void *out)
{
    for (int i = 0; i < w->n; i++)
        if (w->e[i].h == (const char *)out && !w->e[i].snap) snap(w, i);
}

static void w_hold(void *ctx, const void *h, size_t bytes)
{
    watch *w = ctx;
    w->holds++;
    w->refused += radx_resident_hold(&w->tab, h, bytes) != 0;
    if (w->n < WMAX) {
        w->e[w->n].h = h;
        w->e[w->n].bytes = bytes;
        w->e[w->n].snap = NULL;
        w->n++;
    }
}

static void w_release(void *ctx, const void *h)
{
    watch *w = ctx;
    before(w, NULL); /* the range must not have changed up to its release either */
    if (!h) {
        w->violations++;
        fprintf(stderr, "release of every hold from the pipeline\n");
    }
    radx_resident_release(&w->tab, h);
    drop_deferred(w, h);
    int k = 0;
    for (int i = 0; i < w->n; i++) {
        if (h && w->e[i].h != (const char *)h) {
            w->e[k++] = w->e[i];
            continue;
        }
        w->releases++;
        free(w->e[i].snap);
    }
    w->n = k;
}

static void *w_host_alloc(void *ctx, size_t bytes)
{
    watch *w = ctx;
    void *p = malloc(bytes);
    w->host_allocs++;
    if (p && w->nalloc < WMAX) w->alloc[w->nalloc++] = p;
    return p;
}

static void w_host_free(void *ctx, void *p)
{
    watch *w = ctx;
    int found = 0;
    for (int i = 0; i < w->n; i++)
        if (w->e[i].h == (const char *)p) {
            w->violations++;
            fprintf(stderr, "host_free of %p while held\n", p);
        }
    for (int i = 0; i < w->nalloc; i++)
        if (w->alloc[i] == p) {
            w->alloc[i] = w->alloc[--w->nalloc];
            found = 1;
            break;
        }
    if (!found) {
        w->violations++;
        fprintf(stderr, "host_free of %p, not from host_alloc\n", p);
    }
    free(p);
}

static radx_status w_discretise(void *ctx, const double *x, int64_t n, const double *edges, int nedges, int32_t *gl,
                                 int *ng, radx_err *err)
{
    if (inject(ctx, err)) return RADX_ERR_DEVICE;
    before(ctx, gl);
    radx_status st = radx_cpu_backend.discretise(NULL, dev_view(ctx, x), n, edges, nedges, gl, ng, err);
    after(ctx, gl);
    return st;
}

static radx_status w_level_box(void *ctx, const int32_t *gl, int64_t n, const uint8_t *roi, int64_t nbox,
                               int32_t *glbox, radx_err *err)
{
    if (inject(ctx, err)) return RADX_ERR_DEVICE;
    before(ctx, glbox);
    radx_status st = radx_level_box_host(dev_view(ctx, gl), n, dev_view(ctx, roi), nbox, glbox, err);
    after(ctx, glbox);
    return st;
}

static radx_status w_firstorder(void *ctx, const double *x, const int32_t *gl, int64_t n, int ng, double vv,
                                const radx_params *p, double *out, radx_err *err)
{
    if (inject(ctx, err)) return RADX_ERR_DEVICE;
    before(ctx, NULL);
    return radx_cpu_backend.firstorder(NULL, dev_view(ctx, x), dev_view(ctx, gl), n, ng, vv, p, out, err);
}

static radx_status w_texture(void *ctx, radx_class cls, const radx_texture_input *in, const radx_params *p,
                             double *out, radx_err *err)
{
    if (inject(ctx, err)) return RADX_ERR_DEVICE;
    before(ctx, NULL);
    radx_texture_input v = *in;
    v.gl = dev_view(ctx, in->gl);
    v.roi = dev_view(ctx, in->roi);
    return radx_cpu_backend.texture(NULL, cls, &v, p, out, err);
}

static radx_status w_shape(void *ctx, radx_class cls, const radx_shape_input *in, const radx_params *p, double *out,
                           radx_err *err)
{
    if (inject(ctx, err)) return RADX_ERR_DEVICE;
    before(ctx, NULL);
    return radx_cpu_backend.shape(NULL, cls, in, p, out, err);
}

static radx_status w_log(void *ctx, const radx_volume *in, double sigma, radx_log_mode mode, radx_volume *out,
                         radx_err *err)
{
    if (inject(ctx, err)) return RADX_ERR_DEVICE;
    void *buf = out->data; /* the caller's buffer, if any: the output range */
    before(ctx, buf);
    radx_volume v = *in;
    v.data = (void *)dev_view(ctx, in->data);
    radx_status st = radx_cpu_backend.log_filter(NULL, &v, sigma, mode, out, err);
    if (st == RADX_OK && buf) defer_output(ctx, buf, sizeof(float) * (size_t)radx_geom_nvox(&out->g));
    after(ctx, buf);
    return st;
}

static radx_status w_roi_values(void *ctx, const radx_volume *img, const uint8_t *roi, const int64_t dims_zyx[3],
                                const int64_t lo_xyz[3], double *x, int64_t n, radx_roi_stats *s, radx_err *err)
{
    if (inject(ctx, err)) return RADX_ERR_DEVICE;
    before(ctx, x);
    radx_volume v = *img;
    v.data = (void *)dev_view(ctx, img->data);
    radx_status st = radx_roi_values_host(&v, dev_view(ctx, roi), dims_zyx, lo_xyz, x, n, s, err);
    if (st == RADX_OK) defer_output(ctx, x, sizeof *x * (size_t)n);
    after(ctx, x);
    return st;
}

static radx_status w_resample(void *ctx, const radx_volume *img, const radx_volume *mask, const radx_params *p,
                              uint32_t label, radx_volume *io, radx_volume *mo, radx_err *err)
{
    if (inject(ctx, err)) return RADX_ERR_DEVICE;
    before(ctx, NULL);
    return radx_cpu_backend.resample(NULL, img, mask, p, label, io, mo, err);
}

static void pipeline_case(const char *what, const char *img, const char *msk, const char *yaml, int want_image_hold)
{
    char ip[512], mp[512];
    snprintf(ip, sizeof ip, "%s/data/pyradiomics/%s", RADX_SOURCE_DIR, img);
    snprintf(mp, sizeof mp, "%s/data/pyradiomics/%s", RADX_SOURCE_DIR, msk);
    radx_params p;
    radx_err e = {RADX_OK, ""};
    radx_status st = radx_test_params_yaml(yaml, &p, &e);
    CHECK(st == RADX_OK, "%s: parameters: %s", what, e.msg);
    if (st) {
        radx_params_clear(&p);
        return;
    }

    radx_backend_ops ops = radx_cpu_backend;
    ops.name = "watch";
    ops.discretise = w_discretise;
    ops.firstorder = w_firstorder;
    ops.texture = w_texture;
    ops.shape = w_shape;
    ops.log_filter = w_log;
    ops.resample = w_resample;
    ops.hold = w_hold;
    ops.release = w_release;
    ops.host_alloc = w_host_alloc;
    ops.host_free = w_host_free;
    ops.roi_values = w_roi_values;
    ops.materialize = w_materialize;
    ops.level_box = w_level_box;
    watch w;
    memset(&w, 0, sizeof w);
    radx_result *cpu = NULL, *wr = NULL;
    st = radx_pipeline_run(&p, &radx_cpu_backend, NULL, ip, mp, 1, &cpu, &e);
    CHECK(st == RADX_OK, "%s: CPU: %s", what, e.msg);
    st = radx_pipeline_run(&p, &ops, &w, ip, mp, 1, &wr, &e);
    CHECK(st == RADX_OK, "%s: watched: %s", what, e.msg);
    CHECK(w.violations == 0, "%s: %lld violations of the holding rules", what, w.violations);
    CHECK(w.n == 0 && w.holds == w.releases, "%s: %lld holds, %lld released, %d still held", what, w.holds,
          w.releases, w.n);
    CHECK(w.nalloc == 0 && w.host_allocs > 0, "%s: %lld host arrays, %d not returned", what, w.host_allocs, w.nalloc);
    /* per image type: x, gl, the level box, the ROI box; plus the image across the LoG sigmas */
    CHECK(w.holds >= 4 + want_image_hold, "%s: only %lld holds", what, w.holds);
    CHECK(w.checked > 0, "%s: no held range was ever re-checked", what);
    CHECK(w.refused == 0, "%s: %lld holds overlapped a held range or found the table full", what, w.refused);
    /* per image type the ROI values, and every filtered image, stay "on the device" */
    CHECK(w.deferred >= 1 + want_image_hold && w.nst == 0, "%s: %lld outputs left on the device, %d not dropped",
          what, w.deferred, w.nst);
    size_t same = 0, n = cpu && wr ? radx_result_count(cpu) : 0;
    CHECK(n > 0 && wr && radx_result_count(wr) == n, "%s: %zu and %zu results", what, n,
          wr ? radx_result_count(wr) : 0);
    for (size_t i = 0; wr && i < n && i < radx_result_count(wr); i++) {
        const double a = radx_result_value(cpu, i), b = radx_result_value(wr, i);
        const int eq = !strcmp(radx_result_name(cpu, i), radx_result_name(wr, i)) &&
                       ((isnan(a) && isnan(b)) || !memcmp(&a, &b, sizeof a));
        same += eq;
        CHECK(eq, "%s: %s differs", what, radx_result_name(cpu, i));
    }
    printf("%-34s %lld holds released, %lld held-range checks, 0 violations; %lld outputs left on the device "
           "(host copies poisoned), %lld brought down; %zu/%zu values equal the CPU's\n",
           what, w.releases, w.checked, w.deferred, w.materialized, same, n);

    /* every op call failing in turn: the run fails with that error, and still releases every
     * hold and returns every host array */
    const int ncalls = w.calls;
    int leaks = 0;
    for (int k = 1; k <= ncalls; k++) {
        watch v;
        memset(&v, 0, sizeof v);
        v.fail_at = k;
        radx_result *r = NULL;
        radx_err ek = {RADX_OK, ""};
        st = radx_pipeline_run(&p, &ops, &v, ip, mp, 1, &r, &ek);
        CHECK(st == RADX_ERR_DEVICE && strstr(ek.msg, "injected"), "%s: op call %d failing gave %d (%s)", what, k,
              (int)st, ek.msg);
        leaks += v.n != 0 || v.nalloc != 0 || v.violations != 0 || v.refused != 0 || v.nst != 0;
        for (int i = 0; i < v.n; i++) free(v.e[i].snap);
        radx_result_destroy(r);
    }
    CHECK(leaks == 0, "%s: %d failing runs left holds, host arrays or violations", what, leaks);
    printf("%-34s each of its %d op calls failing in turn: error reported, every hold released\n", what, ncalls);
    radx_result_destroy(cpu);
    radx_result_destroy(wr);
    radx_params_clear(&p);
}

int main(void)
{
    table();
    level_index();
    pipeline_case("brain1, resampled, LoG 1 and 2 mm", "brain1_image.nrrd", "brain1_label.nrrd",
                  "imageType:\n  Original: {}\n  LoG:\n    sigma: [1.0, 2.0]\n"
                  "setting:\n  binWidth: 25\n  interpolator: sitkBSpline\n  resampledPixelSpacing: [2, 2, 2]\n",
                  1);
    pipeline_case("breast1, every class", "breast1_image.nrrd", "breast1_label.nrrd",
                  "featureClass:\n  shape:\n  firstorder:\n  glcm:\n  glrlm:\n  glszm:\n  gldm:\n  ngtdm:\n"
                  "setting:\n  binWidth: 25\n",
                  0);
    return radx_test_finish("test_resident");
}
