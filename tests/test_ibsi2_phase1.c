/* SPDX-License-Identifier: BSD-3-Clause */
/* IBSI-2 phase 1: every test data/ibsi2/phase1/tests.csv lists (test, phantom, parameter file) is run
 * as `radx filter` runs it (radx_plan_execute_filter: the whole phantom, no mask) and compared with
 * the consensus response map (CC0) voxel by voxel; IBSI-2's pass rule is every voxel within 1 % of
 * the map's range.  Phantoms and maps come from RADX_SHARED_DIR (phantoms/<name>/image/<name>.nii.gz,
 * response_maps/<test>-ValidCRM.nii), else from the copies in data/ibsi2/; a test with neither is
 * skipped and named, and with no test run at all the test skips (77).  Prints each test's worst
 * voxel as a fraction of the range, and how many of IBSI-2's 33 maps pass. */
#include <math.h>
#include "csv_read.h"
#include "radx.h"
#include "radx_test.h"

enum { IBSI2_MAPS = 33 };

typedef struct map_check {
    radx_image *ref;
    double worst, range;
    int n;
} map_check;

static radx_status compare(void *user, const radx_map *m)
{
    map_check *c = user;
    radx_grid g;
    radx_image_grid(c->ref, &g);
    const long long n = g.size[0] * g.size[1] * g.size[2];
    if (m->grid->size[0] * m->grid->size[1] * m->grid->size[2] != n || radx_image_dtype(c->ref) != RADX_DT_F32)
        return RADX_ERR_GEOMETRY;
    const float *r = radx_image_data(c->ref);
    double mn = INFINITY, mx = -INFINITY, d = 0.0;
    for (long long i = 0; i < n; i++) {
        mn = fmin(mn, r[i]);
        mx = fmax(mx, r[i]);
        d = fmax(d, fabs((double)m->data[i] - r[i]));
    }
    c->range = mx - mn;
    c->worst = d / c->range;
    c->n++;
    return RADX_OK;
}

/* The first readable of the shared file and the project's copy into buf; 0 when neither. */
static int locate(char *buf, size_t len, const char *shared, const char *local)
{
    snprintf(buf, len, "%s/data/ibsi2/%s", RADX_SHARED_DIR, shared);
    if (radx_test_exists(buf)) return 1;
    snprintf(buf, len, "%s/data/ibsi2/%s", RADX_SOURCE_DIR, local);
    return radx_test_exists(buf);
}

int main(void)
{
    char path[2048], img[2048], map[2048], a[512], b[512];
    csv_table t;
    snprintf(path, sizeof path, "%s/data/ibsi2/phase1/tests.csv", RADX_SOURCE_DIR);
    if (csv_load(path, ',', &t)) {
        fprintf(stderr, "cannot read %s\n", path);
        return 1;
    }
    radx_ctx *ctx;
    radx_ctx_create(&ctx);
    int run = 0, passed = 0;
    for (int row = 1; row < t.nrows; row++) {
        const char *test = csv_get(&t, row, 0), *phantom = csv_get(&t, row, 1), *params = csv_get(&t, row, 2);
        snprintf(a, sizeof a, "phantoms/%s/image/%s.nii.gz", phantom, phantom);
        snprintf(b, sizeof b, "phantoms/%s.nii.gz", phantom);
        const int have_img = locate(img, sizeof img, a, b);
        snprintf(a, sizeof a, "response_maps/%s-ValidCRM.nii", test);
        snprintf(b, sizeof b, "response_maps/%s-ValidCRM.nii.gz", test);
        if (!have_img || !locate(map, sizeof map, a, b)) {
            printf("%-7s skipped: its phantom or map is in neither %s nor data/ibsi2\n", test, RADX_SHARED_DIR);
            continue;
        }
        radx_params *p = NULL;
        radx_plan *plan = NULL;
        map_check c = {NULL, 0.0, 0.0, 0};
        snprintf(path, sizeof path, "%s/data/ibsi2/phase1/%s", RADX_SOURCE_DIR, params);
        radx_status s = radx_image_read(ctx, map, &c.ref);
        if (!s) s = radx_params_create(ctx, &p);
        if (!s) s = radx_params_load(ctx, p, path);
        if (!s) s = radx_plan_create(ctx, p, RADX_BACKEND_CPU, &plan);
        if (!s) s = radx_plan_execute_filter(plan, img, compare, &c);
        CHECK(s == RADX_OK && c.n == 1, "%s: %s (%d maps)", test, radx_ctx_last_error(ctx), c.n);
        if (!s && c.n == 1) {
            run++;
            passed += c.worst <= 0.01;
            printf("%-7s %-13s worst voxel %.3g %% of the map's range (pass: <= 1 %%)\n", test, phantom, 100 * c.worst);
            CHECK(c.worst <= 0.01, "%s: worst voxel %.4g %% of the range", test, 100 * c.worst);
        }
        radx_plan_destroy(plan);
        radx_params_destroy(p);
        radx_image_destroy(c.ref);
    }
    csv_free(&t);
    radx_ctx_destroy(ctx);
    printf("IBSI-2 phase 1: %d of %d listed tests pass (%d of IBSI-2's %d maps)\n", passed, run, passed, IBSI2_MAPS);
    if (!run) {
        printf("no phantom and map found: skipped\n");
        return 77;
    }
    return radx_test_finish("test_ibsi2_phase1");
}
