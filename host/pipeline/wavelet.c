/* SPDX-License-Identifier: BSD-3-Clause */
/* PyRadiomics' Wavelet image type (imageoperations.getWaveletImage and _swt3): the image, padded
 * by wrapping one voxel onto every odd-sized axis, goes through PyWavelets' swtn with level 1
 * start_level times (keeping only the approximation), then `level` times more, each time
 * yielding the detail sub-bands ("wavelet-LLH" ... "wavelet-HHH", "wavelet2-..." from the second
 * level on) and carrying the approximation on; the last approximation is "wavelet-LLL" (or
 * "waveletN-LLL"; "wavelet-LL" with two axes).  The axes are x, y, z in that order (numpy's last first), less force2D's;
 * a sub-band's name has one letter per axis in that order, L for dec_lo and H for dec_hi.
 *
 * The transform is periodic, so every output voxel depends on a few neighbours only, wrapped
 * round the padded image.  Only the window the features read (`need`) is computed: each
 * level's approximation on that window grown by the filter's reach on each transformed axis
 * (to the whole period when that is as large), the details on the window itself.  Every pass is
 * the backend's wavelet_pass op (kernels/rules/wavelet_rules.h) on buffers of the backend,
 * with tables of input positions and coefficients built here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/dispatch.h"
#include "pipeline/pipeline.h"
#include "pipeline/wavelet_filters.h"

/* Positions s .. s + n - 1 of one axis of the padded image (taken modulo its period). */
typedef struct wwin {
    int64_t s, n;
} wwin;

typedef struct wplan {
    const radx_wavelet_filter *f;
    int f32;            /* float32 image: float data and filters */
    int naxes, axes[3]; /* transformed axes, in the order they are filtered */
    int transformed[3]; /* per axis x y z */
    int64_t N[3], P[3]; /* the image's size and the padded period */
    wwin need[3];       /* the window the features read */
    int levels;         /* start_level + level */
    wwin (*R)[3];       /* [levels]: each level's approximation window */
} wplan;

/* A sub-band: its buffer (doubles, floats, or the image itself at the first level), its windows
 * and its key ("ad": dec_lo on the first axis, dec_hi on the second). */
typedef struct band {
    char key[4];
    radx_buf *buf;
    int dtype;
    int is_image; /* the image: positions past its size read voxel 0 (the wrap padding) */
    wwin w[3];
} band;

const radx_wavelet_filter *radx_wavelet_filter_find(const char *name)
{
    for (int i = 0; i < radx_wavelet_filter_count; i++)
        if (!strcmp(radx_wavelet_filters[i].name, name)) return &radx_wavelet_filters[i];
    return NULL;
}

int radx_wavelet_filter_taps(const radx_wavelet_filter *f) { return f->taps; }

/* The window that output window w of a pass along axis a reads. */
static wwin grow(const wplan *pl, int a, wwin w)
{
    const int F = pl->f->taps;
    if (!pl->transformed[a]) return w;
    if (w.n + F - 1 >= pl->P[a]) return (wwin){0, pl->P[a]};
    return (wwin){w.s - (F - 1 - F / 2), w.n + F - 1};
}

static int all_lo(const char *key)
{
    for (; *key; key++)
        if (*key != 'a') return 0;
    return 1;
}

/* Where position q of axis a lies in band b's buffer. */
static int64_t local_pos(const wplan *pl, const band *b, int a, int64_t q)
{
    int64_t m = radx_wavelet_mod(q - b->w[a].s, pl->P[a]);
    if (b->is_image && m >= pl->N[a]) m = 0;
    return m;
}

/* The window on axis b of a sub-band with key `key` at level l after the passes along
 * axes[0..k]: the approximation's or the details' window on the axes filtered so far, grown by
 * the filter's reach on those still to come. */
static wwin band_window(const wplan *pl, int l, const char *key, int k, int b)
{
    const wwin target = all_lo(key) ? pl->R[l][b] : pl->need[b];
    for (int i = k + 1; i < pl->naxes; i++)
        if (pl->axes[i] == b) return grow(pl, b, target);
    return target;
}

/* Runs one pass: out (window wo) = filter `hi ? dec_hi : dec_lo` along axis a of in. */
static radx_status run_pass(const wplan *pl, const radx_be *be, const band *in, int a, int hi, band *out, radx_err *err)
{
    const int F = pl->f->taps;
    radx_wavelet_pass w;
    memset(&w, 0, sizeof w);
    w.axis = a;
    w.taps = F;
    w.in_dtype = in->dtype;
    w.out_f32 = pl->f32;
    int64_t nout = 1;
    for (int b = 0; b < 3; b++) {
        w.in_dims[b] = in->w[b].n;
        w.out_dims[b] = out->w[b].n;
        nout *= out->w[b].n;
    }
    int64_t *pos[3] = {NULL, NULL, NULL};
    double *coef = malloc(sizeof *coef * (size_t)(out->w[a].n * F));
    radx_status st = coef ? RADX_OK : radx_seterr(err, RADX_ERR_NOMEM, "out of memory for a wavelet pass");
    for (int b = 0; b < 3 && !st; b++) {
        const int64_t n = out->w[b].n, P = pl->P[b];
        pos[b] = malloc(sizeof *pos[b] * (size_t)(b == a ? n * F : n));
        if (!pos[b]) {
            st = radx_seterr(err, RADX_ERR_NOMEM, "out of memory for a wavelet pass");
            break;
        }
        for (int64_t o = 0; o < n; o++) {
            const int64_t q = radx_wavelet_mod(out->w[b].s + o, P);
            if (b != a) {
                pos[b][o] = local_pos(pl, in, b, q);
                continue;
            }
            for (int t = 0; t < F; t++) {
                const int j = radx_wavelet_tap(q, P, F, t);
                pos[b][o * F + t] = local_pos(pl, in, b, q + F / 2 - j);
                coef[o * F + t] =
                    pl->f32 ? (double)(hi ? pl->f->hi32 : pl->f->lo32)[j] : (hi ? pl->f->hi : pl->f->lo)[j];
            }
        }
        w.pos[b] = pos[b];
    }
    w.coef = coef;
    if (!st) {
        out->buf = radx_buf_alloc(be, (size_t)nout * (pl->f32 ? sizeof(float) : sizeof(double)));
        if (!out->buf) st = radx_seterr(err, RADX_ERR_NOMEM, "out of memory for a wavelet sub-band");
    }
    if (!st) st = radx_op_wavelet_pass(be, &w, in->buf, out->buf, err);
    out->dtype = pl->f32 ? RADX_DT_F32 : RADX_DT_F64;
    out->is_image = 0;
    for (int b = 0; b < 3; b++) free(pos[b]);
    free(coef);
    return st;
}

/* A sub-band on the window `need` as the image type fn reads, named as PyRadiomics does. */
static radx_status hand_over(const wplan *pl, const radx_volbuf *img, const band *b, const char *name,
                             radx_image_type_fn fn, void *user, const radx_params *q, radx_err *err)
{
    radx_volbuf v = {img->g, (radx_dtype)b->dtype, b->buf, {0, 0, 0}};
    double idx[3];
    for (int a = 0; a < 3; a++) {
        v.g.size[a] = pl->need[a].n;
        v.at[a] = img->at[a] + pl->need[a].s;
        idx[a] = (double)pl->need[a].s;
    }
    radx_geom_index_to_physical(&img->g, idx, v.g.origin);
    return fn(user, &v, q, name, err);
}

static void free_bands(const radx_be *be, band *b, int n)
{
    for (int i = 0; i < n; i++)
        if (!b[i].is_image) radx_buf_free(be, b[i].buf);
}

/* One level: the passes along every axis from *in (freed unless the image), the details handed
 * over when the level is one PyRadiomics keeps (idx > 0: its number), the approximation left
 * in *in (nothing on failure). */
static radx_status run_level(const wplan *pl, const radx_be *be, int l, int idx, const radx_volbuf *img,
                             const radx_params *q, radx_image_type_fn fn, void *user, band *in, radx_err *err)
{
    band cur[8], next[8];
    int ncur = 1, nnext = 0;
    cur[0] = *in;
    cur[0].key[0] = 0;
    memset(in, 0, sizeof *in);
    radx_status st = RADX_OK;
    for (int k = 0; k < pl->naxes && !st; k++) {
        nnext = 0;
        for (int c = 0; c < ncur && !st; c++) {
            for (int hi = 0; hi < 2 && !st; hi++) {
                band *o = &next[nnext];
                memset(o, 0, sizeof *o);
                const size_t kl = strlen(cur[c].key);
                memcpy(o->key, cur[c].key, kl);
                o->key[kl] = hi ? 'd' : 'a';
                if (!idx && !all_lo(o->key)) continue; /* a start level: its details are not used */
                for (int b = 0; b < 3; b++) o->w[b] = band_window(pl, l, o->key, k, b);
                st = run_pass(pl, be, &cur[c], pl->axes[k], hi, o, err);
                nnext++;
            }
            free_bands(be, &cur[c], 1); /* its two sub-bands made: freed before the next's */
            cur[c].buf = NULL;
        }
        free_bands(be, cur, ncur);
        memcpy(cur, next, sizeof next);
        ncur = nnext;
    }
    for (int c = 0; c < ncur && !st; c++) {
        if (all_lo(cur[c].key)) continue;
        char name[48], sub[4];
        for (int i = 0; i < 4; i++) sub[i] = cur[c].key[i] == 'a' ? 'L' : cur[c].key[i] == 'd' ? 'H' : cur[c].key[i];
        if (idx == 1)
            snprintf(name, sizeof name, "wavelet-%s", sub);
        else
            snprintf(name, sizeof name, "wavelet%d-%s", idx, sub);
        st = hand_over(pl, img, &cur[c], name, fn, user, q, err);
    }
    for (int c = 0; c < ncur; c++) {
        if (!st && all_lo(cur[c].key)) {
            *in = cur[c];
            continue;
        }
        free_bands(be, &cur[c], 1);
    }
    return st;
}

/* The axes getWaveletImage transforms: numpy's, last first, less force2Ddimension (q's: an axis
 * of (z, y, x), a 2-D image's z standing for PyRadiomics' axis 2, which it has not). */
static radx_status plan_axes(wplan *pl, const radx_geom *g, const radx_params *q, const char *ipath, radx_err *err)
{
    const int nd = g->ndim == 2 ? 2 : 3;
    int skip = -1;
    if (q->force2d) {
        if (nd == 2 && q->force2d_dimension == 0)
            return radx_seterr(err, RADX_ERR_PARAM,
                               "%s: force2Ddimension 2 is not an axis of this 2-D image (Wavelet with force2D)", ipath);
        skip = 2 - q->force2d_dimension;
    }
    for (int a = 0; a < nd; a++)
        if (a != skip) {
            pl->axes[pl->naxes++] = a;
            pl->transformed[a] = 1;
        }
    return RADX_OK;
}

radx_status radx_pipeline_wavelet(const radx_volbuf *img, const radx_params *q, const radx_be *be,
                                  const radx_roi_box *need, const char *ipath, radx_image_type_fn fn, void *user,
                                  radx_err *err)
{
    wplan pl;
    memset(&pl, 0, sizeof pl);
    pl.f = radx_wavelet_filter_find(q->wavelet);
    if (!pl.f)
        return radx_seterr(err, RADX_ERR_PARAM, "%s: wavelet '%s' is not a discrete wavelet of PyWavelets", ipath,
                           q->wavelet);
    pl.levels = q->wavelet_start_level + q->wavelet_level;
    if (pl.levels > RADX_MAX_WAVELET_LEVELS)
        return radx_seterr(err, RADX_ERR_PARAM, "start_level + level: %d is above the limit of %d", pl.levels,
                           RADX_MAX_WAVELET_LEVELS);
    pl.f32 = img->dtype == RADX_DT_F32;
    radx_status st = plan_axes(&pl, &img->g, q, ipath, err);
    if (st) return st;
    for (int a = 0; a < 3; a++) {
        pl.N[a] = img->g.size[a];
        pl.P[a] = pl.N[a] + (pl.N[a] % 2);
        pl.need[a] = need ? (wwin){need->lo[a], need->hi[a] - need->lo[a] + 1} : (wwin){0, pl.N[a]};
    }
    pl.R = malloc(sizeof *pl.R * (size_t)pl.levels);
    if (!pl.R) return radx_seterr(err, RADX_ERR_NOMEM, "out of memory");
    for (int l = pl.levels - 1; l >= 0; l--)
        for (int a = 0; a < 3; a++) pl.R[l][a] = l == pl.levels - 1 ? pl.need[a] : grow(&pl, a, pl.R[l + 1][a]);

    band in;
    memset(&in, 0, sizeof in);
    in.buf = img->buf;
    in.dtype = img->dtype;
    in.is_image = 1;
    for (int a = 0; a < 3; a++) in.w[a] = (wwin){0, pl.N[a]};
    for (int l = 0; l < pl.levels && !st; l++) {
        const int idx = l < q->wavelet_start_level ? 0 : l - q->wavelet_start_level + 1;
        st = run_level(&pl, be, l, idx, img, q, fn, user, &in, err);
    }
    if (!st) {
        char name[48];
        const char *approx = "LLL" + (3 - pl.naxes);
        if (q->wavelet_level == 1)
            snprintf(name, sizeof name, "wavelet-%s", approx);
        else
            snprintf(name, sizeof name, "wavelet%d-%s", q->wavelet_level, approx);
        st = hand_over(&pl, img, &in, name, fn, user, q, err);
    }
    free_bands(be, &in, 1);
    free(pl.R);
    return st;
}
