/* SPDX-License-Identifier: BSD-3-Clause */
/* Device-resident copies of host arrays that stay unchanged across several backend ops
 * (the functions below): the bookkeeping behind the backend ops hold / release (host/backend/backend.h).
 *
 * The pipeline knows which of its host arrays several stages read without changing them: the
 * image every LoG sigma filters, and per image type the ROI values, their levels, the level
 * box and the ROI box that first order and all five texture classes read.  It *holds* each such
 * range for as long as that is true and releases it after.  A device backend then copies a held
 * range to the device once, at the first stage that uploads it, and every later stage that would
 * upload the same range (or a part of it) gets the device copy instead; a stage that computed a
 * held range on the device (discretisation: the levels) may hand its device buffer over instead
 * (adopt), so that range never crosses the bus upwards at all.
 *
 * A stage may also leave its output on the device only (adopt_stale): the held host range is then
 * out of date (stale) until radx_resident_materialize copies the device copy down.  Whoever reads
 * such a range on the host materializes it first: the pipeline before its own reads, the
 * backend before it runs a CPU op in place of a device one; eviction materializes before it
 * frees, release does not (the caller is done with the range).
 *
 * Nothing is keyed on a host pointer that could be freed and reused while held: an entry lives
 * from hold to release, and the pipeline releases before it frees.  The device itself is
 * reached through callbacks, so that the rules here are tested on the CPU (tests/test_resident.c)
 * with a stand-in device; kernels/cuda/device_mem.cu supplies the CUDA ones.  Not thread-safe: one
 * per backend context, and a context is used by one thread at a time. */
#ifndef RADX_RESIDENT_H
#define RADX_RESIDENT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct radx_resident_dev {
    /* a device buffer of `bytes`, or NULL when the device (or its budget) has no room */
    void *(*alloc)(void *u, size_t bytes);
    /* host -> device copy, ordered before every later use on the backend's stream; 0 on success */
    int (*upload)(void *u, void *d, const void *h, size_t bytes);
    void (*free)(void *u, void *d, size_t bytes);
    /* device -> host copy, complete when it returns; 0 on success (NULL: no stale ranges) */
    int (*download)(void *u, void *h, const void *d, size_t bytes);
    void *u;
} radx_resident_dev;

#define RADX_RESIDENT_MAX 16

typedef struct radx_resident_entry {
    const char *h; /* held host range [h, h + bytes) */
    size_t bytes;
    void *d;       /* its device copy; NULL until a stage first needs it (or adopts one) */
    int stale;     /* the host copy is out of date: only d holds the values */
    int kept;      /* d was adopted stale: a stage's output that was never on the host */
} radx_resident_entry;

typedef struct radx_resident {
    radx_resident_dev dev;
    radx_resident_entry e[RADX_RESIDENT_MAX];
    int n;
    /* counters: uploads done here, stage uploads answered by a device copy, buffers adopted */
    long long uploads, hits, adopted, materialized;
    unsigned long long bytes_saved; /* host -> device bytes the hits and adoptions did not copy */
    unsigned long long bytes_kept;  /* device -> host bytes stale adoptions did not copy (so far) */
} radx_resident;

/* static inline, so that the C host code and the CUDA backend's C++ share one copy without a
 * link-order dependency between the two static libraries. */

static inline void radx_resident_init(radx_resident *r, const radx_resident_dev *dev)
{
    memset(r, 0, sizeof *r);
    if (dev) r->dev = *dev;
}

/* Declares [h, h + bytes) unchanged until released.  Returns 0, or -1 when the table is full or
 * the range overlaps one already held (nothing is then held; stages upload as before). */
static inline int radx_resident_hold(radx_resident *r, const void *h, size_t bytes)
{
    const char *c = (const char *)h;
    if (!h || bytes == 0 || r->n >= RADX_RESIDENT_MAX) return -1;
    for (int i = 0; i < r->n; i++)
        if (c < r->e[i].h + r->e[i].bytes && r->e[i].h < c + bytes) return -1; /* overlaps */
    r->e[r->n].h = c;
    r->e[r->n].bytes = bytes;
    r->e[r->n].d = NULL;
    r->e[r->n].stale = 0;
    r->e[r->n].kept = 0;
    r->n++;
    return 0;
}

/* The device copy of [h, h + bytes) when a held range contains it (uploading the whole held
 * range at its first use), else NULL: the caller uploads as it would without residency.  NULL
 * also when the device has no room for the copy. */
/* The index of the held range that contains [h, h + bytes), or -1. */
static inline int radx_resident_entry_of(const radx_resident *r, const void *h, size_t bytes)
{
    const char *c = (const char *)h;
    for (int i = 0; h && i < r->n; i++)
        if (c >= r->e[i].h && c + bytes <= r->e[i].h + r->e[i].bytes) return i;
    return -1;
}

static inline void *radx_resident_find(radx_resident *r, const void *h, size_t bytes)
{
    const int i = radx_resident_entry_of(r, h, bytes);
    if (i < 0) return NULL;
    radx_resident_entry *e = &r->e[i];
    if (e->d) {
        r->hits++;
        if (!e->kept) r->bytes_saved += bytes; /* a kept output was never to be uploaded */
    } else {
        if (!r->dev.alloc || !r->dev.upload) return NULL;
        void *d = r->dev.alloc(r->dev.u, e->bytes);
        if (!d) return NULL;
        if (r->dev.upload(r->dev.u, d, e->h, e->bytes) != 0) {
            r->dev.free(r->dev.u, d, e->bytes);
            return NULL;
        }
        e->d = d;
        r->uploads++;
    }
    return (char *)e->d + ((const char *)h - e->h);
}

/* The existing device copy of [h, h + bytes) when a held range with a copy contains it, else
 * NULL; uploads nothing and counts nothing (for planning memory). */
static inline const void *radx_resident_peek(const radx_resident *r, const void *h, size_t bytes)
{
    const int i = radx_resident_entry_of(r, h, bytes);
    return i >= 0 && r->e[i].d ? (const char *)r->e[i].d + ((const char *)h - r->e[i].h) : NULL;
}

/* A stage that wrote exactly the held range [h, h + bytes) on the host and holds the same bytes
 * in device buffer d offers d: returns 1 when the entry took it (the caller must then not free
 * d), 0 when no held range is exactly that or it already has a device copy. */
static inline int radx_resident_adopt_as(radx_resident *r, const void *h, size_t bytes, void *d, int stale)
{
    for (int i = 0; i < r->n; i++) {
        radx_resident_entry *e = &r->e[i];
        if (e->h != (const char *)h || e->bytes != bytes || e->d) continue;
        e->d = d;
        e->stale = e->kept = stale;
        r->adopted++;
        if (stale) r->bytes_kept += bytes;
        return 1;
    }
    return 0;
}

static inline int radx_resident_adopt(radx_resident *r, const void *h, size_t bytes, void *d)
{
    return radx_resident_adopt_as(r, h, bytes, d, 0);
}

/* adopt for a stage that wrote the held range [h, h + bytes) only on the device: the host copy
 * is stale until materialized (requires the device's download hook).  1 when taken. */
static inline int radx_resident_adopt_stale(radx_resident *r, const void *h, size_t bytes, void *d)
{
    return r->dev.download ? radx_resident_adopt_as(r, h, bytes, d, 1) : 0;
}

/* Brings a stale entry's host copy up to date from its device copy: 0, or -1 when the download
 * failed (it stays stale). */
static inline int radx_resident_download(radx_resident *r, radx_resident_entry *e)
{
    if (r->dev.download(r->dev.u, (void *)e->h, e->d, e->bytes) != 0) return -1;
    e->stale = 0;
    r->materialized++;
    r->bytes_kept -= e->bytes;
    return 0;
}

/* 1 when [h, h + bytes) lies in a held range whose host copy is stale. */
static inline int radx_resident_is_stale(const radx_resident *r, const void *h, size_t bytes)
{
    const int i = radx_resident_entry_of(r, h, bytes);
    return i >= 0 && r->e[i].stale;
}

/* Brings the host copy of the held range containing h (NULL: of every held range) up to date
 * from its device copy.  0, or -1 when a download failed (that range stays stale). */
static inline int radx_resident_materialize(radx_resident *r, const void *h)
{
    int rc = 0;
    for (int i = 0; i < r->n; i++) {
        radx_resident_entry *e = &r->e[i];
        if (!e->stale || (h && !((const char *)h >= e->h && (const char *)h < e->h + e->bytes))) continue;
        if (radx_resident_download(r, e) != 0) rc = -1;
    }
    return rc;
}

/* Frees every device copy but keeps every hold, so that a stage short of device memory can have
 * the room; a held range is uploaded again at its next use (its host copy is valid: a range gets
 * a device copy only once it has been written).  Returns the bytes freed. */
static inline size_t radx_resident_evict(radx_resident *r)
{
    size_t freed = 0;
    for (int i = 0; i < r->n; i++) {
        radx_resident_entry *e = &r->e[i];
        if (!e->d) continue;
        /* a stale range's only copy is on the device: bring it down first (kept if that fails) */
        if (e->stale && radx_resident_download(r, e) != 0) continue;
        if (r->dev.free) r->dev.free(r->dev.u, e->d, e->bytes);
        e->d = NULL;
        e->kept = 0; /* its next copy is an upload */
        freed += e->bytes;
    }
    return freed;
}

/* Ends the holds on the ranges that begin at h (NULL: every hold), freeing their device copies;
 * a stale host copy stays stale (the caller is done with the range). */
static inline void radx_resident_release(radx_resident *r, const void *h)
{
    int k = 0;
    for (int i = 0; i < r->n; i++) {
        radx_resident_entry *e = &r->e[i];
        if (h && e->h != (const char *)h) {
            r->e[k++] = *e;
            continue;
        }
        if (e->stale) r->bytes_kept -= e->bytes; /* never brought down: no longer counted as kept */
        if (e->d && r->dev.free) r->dev.free(r->dev.u, e->d, e->bytes);
    }
    r->n = k;
}

#ifdef __cplusplus
}
#endif
#endif
