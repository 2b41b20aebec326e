/* SPDX-License-Identifier: BSD-3-Clause */
/* The rules of a device backend's buffers (host/backend/mirror.h), on a stand-in device whose
 * memory is host memory with a byte budget and whose copies are counted:
 *   - new contents need no transfer in either direction;
 *   - host-written contents go up once, at the first device read, and later reads copy nothing;
 *   - device-written contents come down only when the host reads them, once;
 *   - a wrap's host copy is the caller's memory, never written;
 *   - eviction brings device-only contents down and frees every device copy, which come back at
 *     their next use; with no room the device read fails and nothing changes;
 *   - freeing device-only contents counts the download it spared; new contents stay new across an
 *     eviction; an empty buffer's byte is given back; a wrap refuses device writes too.
 * Then 20000 random operations on 8 buffers against a model (the contents each buffer should
 * hold), under a budget that forces evictions: every read gives the model's bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "backend/mirror.h"
#include "radx_test.h"

typedef struct dev {
    size_t budget, in_use;
    long ups, downs;
} dev;

static void *d_alloc(void *u, size_t n)
{
    dev *d = u;
    if (d->budget && d->in_use + n > d->budget) return NULL;
    d->in_use += n;
    return malloc(n);
}
static void d_free(void *u, void *p, size_t n)
{
    ((dev *)u)->in_use -= n;
    free(p);
}
static int d_up(void *u, void *d, const void *h, size_t n)
{
    ((dev *)u)->ups++;
    memcpy(d, h, n);
    return 0;
}
static int d_down(void *u, void *h, const void *d, size_t n)
{
    ((dev *)u)->downs++;
    memcpy(h, d, n);
    return 0;
}
static void *h_alloc(void *u, size_t n) { return malloc(n); }
static void h_free(void *u, void *h) { free(h); }

static radx_mirror_set make(dev *d)
{
    radx_mirror_dev md = {d_alloc, d_free, d_up, d_down, h_alloc, h_free, d};
    radx_mirror_set s;
    radx_mirror_set_init(&s, &md);
    return s;
}

static void rules(void)
{
    dev d = {0};
    radx_mirror_set s = make(&d);
    /* new contents */
    radx_mirror *m = radx_mirror_new(&s, 64);
    CHECK(radx_mirror_dev_read(&s, m) && radx_mirror_host_read(&s, m), "new buffer: no copies");
    CHECK(d.ups == 0 && d.downs == 0, "new contents copied: %ld up, %ld down", d.ups, d.downs);
    /* host-written: up once */
    char *h = radx_mirror_host_write(&s, m, 1);
    memset(h, 7, 64);
    char *dv = radx_mirror_dev_read(&s, m);
    CHECK(dv && dv[63] == 7 && d.ups == 1, "host-written contents go up (%ld)", d.ups);
    radx_mirror_dev_read(&s, m);
    CHECK(d.ups == 1 && s.n.up_saved == 64, "second device read copied (%ld ups, %llu saved)", d.ups, s.n.up_saved);
    /* device-written: down once, on a host read */
    dv = radx_mirror_dev_write(&s, m, 1);
    memset(dv, 9, 64);
    CHECK(d.downs == 0, "a device write downloads");
    h = radx_mirror_host_read(&s, m);
    CHECK(h && h[0] == 9 && d.downs == 1, "device-written contents come down on a host read");
    radx_mirror_host_read(&s, m);
    CHECK(d.downs == 1, "second host read downloads");
    /* a partial host write keeps the rest */
    dv = radx_mirror_dev_write(&s, m, 1);
    memset(dv, 3, 64);
    h = radx_mirror_host_write(&s, m, 0);
    CHECK(h && h[10] == 3 && d.downs == 2, "a partial host write brings the contents down first");
    h[0] = 4;
    dv = radx_mirror_dev_read(&s, m);
    CHECK(dv && dv[0] == 4 && dv[10] == 3, "a partial write reaches the device");
    /* wraps are read-only */
    char caller[32];
    memset(caller, 5, sizeof caller);
    radx_mirror *w = radx_mirror_wrap(&s, caller, sizeof caller);
    CHECK(radx_mirror_host_write(&s, w, 1) == NULL, "a wrap accepted a host write");
    dv = radx_mirror_dev_read(&s, w);
    CHECK(dv && dv[31] == 5, "a wrap goes up");
    /* eviction */
    dv = radx_mirror_dev_write(&s, m, 1);
    memset(dv, 8, 64);
    const long downs = d.downs;
    const size_t freed = radx_mirror_evict(&s);
    CHECK(freed == 64 + 32 && d.in_use == 0, "evicted %zu bytes, %zu in use", freed, d.in_use);
    CHECK(d.downs == downs + 1, "eviction brought %ld buffers down (1 device-only)", d.downs - downs);
    h = radx_mirror_host_read(&s, m);
    CHECK(h && h[0] == 8, "device-only contents lost in an eviction");
    dv = radx_mirror_dev_read(&s, m);
    CHECK(dv && dv[1] == 8, "an evicted buffer came back wrong");
    /* no room: the read fails, nothing changes */
    d.budget = d.in_use + 16;
    radx_mirror *big = radx_mirror_new(&s, 1024);
    h = radx_mirror_host_write(&s, big, 1);
    memset(h, 1, 1024);
    CHECK(radx_mirror_dev_read(&s, big) == NULL && big->h_ok && !big->d, "no room: the device read must fail cleanly");
    /* freeing device-only contents */
    d.budget = 0;
    dv = radx_mirror_dev_write(&s, big, 1);
    const unsigned long long saved = s.n.down_saved;
    radx_mirror_free(&s, big);
    CHECK(s.n.down_saved == saved + 1024, "a freed device-only buffer did not count its spared download");
    /* a wrap is read-only on the device too */
    CHECK(radx_mirror_dev_write(&s, w, 1) == NULL, "a wrap accepted a device write");
    /* new contents survive an eviction as new contents */
    radx_mirror *fresh = radx_mirror_new(&s, 48);
    CHECK(radx_mirror_dev_alloc(&s, fresh) == 0, "no device copy for new contents");
    radx_mirror_evict(&s);
    CHECK(radx_mirror_dev_read(&s, fresh) != NULL, "new contents evicted: the device read fails");
    radx_mirror_free(&s, fresh);
    /* empty buffers take a byte and give it back */
    radx_mirror *empty = radx_mirror_new(&s, 0);
    const size_t before = d.in_use;
    CHECK(radx_mirror_dev_write(&s, empty, 1) != NULL, "no device copy for an empty buffer");
    radx_mirror_free(&s, empty);
    CHECK(d.in_use == before, "an empty buffer left %zu device bytes counted", d.in_use - before);
    radx_mirror_free(&s, w);
    radx_mirror_free(&s, m);
    CHECK(s.head == NULL && d.in_use == 0, "buffers left: %zu device bytes", d.in_use);
    CHECK(caller[0] == 5, "the wrapped memory was written");
}

/* Random operations against a model. */
static void random_walk(void)
{
    enum { NB = 8, SZ = 256, STEPS = 20000 };
    dev d = {0};
    d.budget = 3 * SZ; /* at most 3 device copies at once */
    radx_mirror_set s = make(&d);
    radx_mirror *m[NB];
    unsigned char model[NB][SZ], caller[SZ];
    for (int i = 0; i < SZ; i++) caller[i] = (unsigned char)(i * 7);
    for (int b = 0; b < NB; b++) {
        if (b == 0) {
            m[b] = radx_mirror_wrap(&s, caller, SZ);
            memcpy(model[b], caller, SZ);
        } else {
            m[b] = radx_mirror_new(&s, SZ);
            unsigned char *h = (unsigned char *)radx_mirror_host_write(&s, m[b], 1);
            for (int i = 0; i < SZ; i++) h[i] = model[b][i] = (unsigned char)(b + i);
        }
    }
    srand(12345);
    long bad = 0, nomem = 0;
    for (int k = 0; k < STEPS; k++) {
        const int b = rand() % NB, op = rand() % 6;
        const unsigned char v = (unsigned char)rand();
        unsigned char *p = NULL;
        switch (op) {
        case 0: /* host read */
            p = (unsigned char *)radx_mirror_host_read(&s, m[b]);
            if (p && memcmp(p, model[b], SZ)) bad++;
            break;
        case 1: /* device read */
            p = (unsigned char *)radx_mirror_dev_read(&s, m[b]);
            if (!p)
                nomem++;
            else if (memcmp(p, model[b], SZ))
                bad++;
            break;
        case 2: /* device write, whole */
            if (b == 0) break;
            p = (unsigned char *)radx_mirror_dev_write(&s, m[b], 1);
            if (!p) {
                nomem++;
                break;
            }
            memset(p, v, SZ);
            memset(model[b], v, SZ);
            break;
        case 3: /* host write, part */
            if (b == 0) break;
            p = (unsigned char *)radx_mirror_host_write(&s, m[b], 0);
            if (p) {
                p[v] = v;
                model[b][v] = v;
            }
            break;
        case 4: /* device write, part */
            if (b == 0) break;
            p = (unsigned char *)radx_mirror_dev_write(&s, m[b], 0);
            if (!p) {
                nomem++;
                break;
            }
            p[v] ^= 1;
            model[b][v] ^= 1;
            break;
        default: radx_mirror_evict(&s);
        }
    }
    for (int b = 0; b < NB; b++) {
        const unsigned char *h = (const unsigned char *)radx_mirror_host_read(&s, m[b]);
        if (!h || memcmp(h, model[b], SZ)) bad++;
    }
    printf("random walk: %d steps, %ld uploads, %ld downloads, %ld refused for room, %ld wrong reads\n", STEPS, d.ups,
           d.downs, nomem, bad);
    CHECK(bad == 0, "%ld reads differ from the model", bad);
    CHECK(d.in_use <= d.budget, "device bytes %zu over the budget", d.in_use);
    for (int i = 0; i < SZ; i++) CHECK(caller[i] == (unsigned char)(i * 7), "the wrapped memory was written at %d", i);
    for (int b = 0; b < NB; b++) radx_mirror_free(&s, m[b]);
    CHECK(d.in_use == 0, "%zu device bytes left", d.in_use);
}

int main(void)
{
    rules();
    random_walk();
    return radx_test_finish("test_mirror");
}
