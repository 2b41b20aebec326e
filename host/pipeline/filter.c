/* SPDX-License-Identifier: BSD-3-Clause */
/* Response maps (`radx filter`, radx_plan_execute_filter): every image the enabled image types
 * make of one image, over the whole image (no mask, no crop), on its grid, as float32: the filters
 * exactly as extraction runs them (radx_pipeline_for_each_image), with an ROI of every voxel. */
#include <stdlib.h>
#include <string.h>

#include "backend/dispatch.h"
#include "pipeline/pipeline.h"

typedef struct filter_run {
    const radx_be *be;
    radx_map_callback cb;
    void *user;
    size_t index, count;
    radx_map_grid grid;
    float *buf;
} filter_run;

/* One filtered image (a backend buffer on the whole grid) to the caller as a float32 map. */
static radx_status hand_over(void *user, const radx_volbuf *img, const radx_params *q, const char *prefix,
                             radx_err *err)
{
    filter_run *f = user;
    (void)q;
    const void *data = radx_buf_map(f->be, img->buf, RADX_MAP_READ, err);
    if (!data) return err && err->status ? err->status : RADX_ERR_DEVICE;
    const radx_volume v = {img->g, img->dtype, (void *)data, 0};
    const int64_t n = radx_geom_nvox(&img->g);
    for (int64_t i = 0; i < n; i++) f->buf[i] = (float)radx_volume_get(&v, i);
    radx_map m = {prefix, prefix, "", "", f->index++, f->count, (long long)n, &f->grid, f->buf};
    const radx_status s = f->cb(f->user, &m);
    if (s != RADX_OK)
        return radx_seterr(err, s, "%s: the map callback stopped the run (%s)", prefix, radx_status_string(s));
    return RADX_OK;
}

radx_status radx_pipeline_filter(const radx_params *p, const radx_be *be, const radx_volume *img, const char *ipath,
                                 radx_map_callback cb, void *user, radx_err *err)
{
    const radx_geom *g = &img->g;
    const int64_t n = radx_geom_nvox(g);
    filter_run f;
    memset(&f, 0, sizeof f);
    f.be = be;
    f.cb = cb;
    f.user = user;
    f.count = (size_t)radx_pipeline_image_count(p, g->ndim);
    for (int a = 0; a < 3; a++) {
        f.grid.size[a] = (long long)g->size[a];
        f.grid.spacing[a] = g->spacing[a];
        f.grid.origin[a] = g->origin[a];
    }
    memcpy(f.grid.direction, g->direction, sizeof f.grid.direction);
    f.grid.ndim = g->ndim;
    radx_case cs;
    memset(&cs, 0, sizeof cs);
    cs.img = *img;
    cs.lab = malloc((size_t)n); /* the ROI: every voxel (LBP3D samples there) */
    f.buf = malloc((size_t)n * sizeof *f.buf);
    radx_status st = RADX_OK;
    if (!cs.lab || !f.buf) {
        st = radx_seterr(err, RADX_ERR_NOMEM, "%s: out of memory for a %lld-voxel map", ipath, (long long)n);
    } else {
        memset(cs.lab, 1, (size_t)n);
        cs.box.hi[0] = g->size[0] - 1;
        cs.box.hi[1] = g->size[1] - 1;
        cs.box.hi[2] = g->size[2] - 1;
        cs.box.n = n;
        st = radx_pipeline_for_each_image(&cs, p, be, NULL, ipath, hand_over, &f, err);
    }
    free(cs.lab);
    free(f.buf);
    return st;
}
