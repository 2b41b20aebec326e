/* SPDX-License-Identifier: BSD-3-Clause */
/* The storage of a device backend's buffer: a host copy and a device copy, either or both holding
 * the contents, each made when first needed.  The CUDA backend's buffers are these
 * (kernels/cuda/backend_cuda.cu); tests/test_mirror.c runs the same rules on a stand-in device.
 *
 * A buffer's contents live where the last writer put them: an op that writes on the device leaves
 * the host copy out of date, and the host copy is brought up to date only when something reads it
 * on the host (a map, a CPU fallback, a tiled op); an input the host wrote goes up at the first
 * op that reads it on the device and stays there for every later one.  When the device runs out
 * of room, evict brings device-only contents down and frees every device copy, and the copies
 * come back at their next use.
 *
 * The device is reached through callbacks.  static inline, so that the C library and the CUDA
 * backend's C++ share one copy without a link-order dependency between them.  Not thread-safe:
 * one set per backend context, which one thread uses at a time. */
#ifndef RADX_MIRROR_H
#define RADX_MIRROR_H

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct radx_mirror_dev {
    void *(*alloc)(void *u, size_t bytes); /* device memory, NULL: no room */
    void (*free)(void *u, void *d, size_t bytes);
    int (*upload)(void *u, void *d, const void *h, size_t bytes);   /* 0: queued in order */
    int (*download)(void *u, void *h, const void *d, size_t bytes); /* 0: complete on return */
    void *(*host_alloc)(void *u, size_t bytes);                     /* host copies (page-locked) */
    void (*host_free)(void *u, void *h);
    void *u;
} radx_mirror_dev;

typedef struct radx_mirror {
    size_t bytes;
    char *h;   /* host copy (NULL until needed) */
    char *d;   /* device copy (NULL until needed, or after an eviction) */
    int h_own; /* 0: h is the caller's memory (a wrap: read-only) */
    int h_ok;  /* the host copy holds the contents (or would, once it exists) */
    int d_ok;  /* the same for the device copy */
    struct radx_mirror *prev, *next;
} radx_mirror;

/* Bytes copied and spared, for the backend's statistics. */
typedef struct radx_mirror_counts {
    unsigned long long up, down;   /* copied host -> device, device -> host */
    unsigned long long up_saved;   /* device reads of contents the host holds too: no copy needed */
    unsigned long long down_saved; /* device-only contents freed without ever coming down */
} radx_mirror_counts;

typedef struct radx_mirror_set {
    radx_mirror_dev dev;
    radx_mirror *head;
    radx_mirror_counts n;
} radx_mirror_set;

static inline void radx_mirror_set_init(radx_mirror_set *s, const radx_mirror_dev *dev)
{
    memset(s, 0, sizeof *s);
    s->dev = *dev;
}

static inline radx_mirror *radx_mirror_link(radx_mirror_set *s, radx_mirror *m)
{
    m->next = s->head;
    if (s->head) s->head->prev = m;
    s->head = m;
    return m;
}

/* New contents of `bytes`, undefined: either copy may be made without a transfer. */
static inline radx_mirror *radx_mirror_new(radx_mirror_set *s, size_t bytes)
{
    radx_mirror *m = (radx_mirror *)calloc(1, sizeof *m);
    if (!m) return NULL;
    m->bytes = bytes;
    m->h_own = 1;
    m->h_ok = m->d_ok = 1;
    return radx_mirror_link(s, m);
}

/* The caller's host memory as the host copy (read-only, no copy). */
static inline radx_mirror *radx_mirror_wrap(radx_mirror_set *s, const void *host, size_t bytes)
{
    radx_mirror *m = (radx_mirror *)calloc(1, sizeof *m);
    if (!m) return NULL;
    m->bytes = bytes;
    m->h = (char *)host;
    m->h_ok = 1;
    return radx_mirror_link(s, m);
}

/* Device and host copies are allocated with at least a byte. */
static inline size_t radx_mirror_alloc_size(const radx_mirror *m) { return m->bytes ? m->bytes : 1; }

static inline void radx_mirror_drop_device(radx_mirror_set *s, radx_mirror *m)
{
    if (!m->d) return;
    if (!m->h_ok) s->n.down_saved += m->bytes;
    s->dev.free(s->dev.u, m->d, radx_mirror_alloc_size(m));
    m->d = NULL;
}

static inline void radx_mirror_free(radx_mirror_set *s, radx_mirror *m)
{
    if (!m) return;
    radx_mirror_drop_device(s, m);
    if (m->h && m->h_own) s->dev.host_free(s->dev.u, m->h);
    if (m->prev)
        m->prev->next = m->next;
    else
        s->head = m->next;
    if (m->next) m->next->prev = m->prev;
    free(m);
}

/* The host copy, made if needed; 0, or -1 when no host memory is left. */
static inline int radx_mirror_host_alloc(radx_mirror_set *s, radx_mirror *m)
{
    if (m->h) return 0;
    m->h = (char *)s->dev.host_alloc(s->dev.u, radx_mirror_alloc_size(m));
    return m->h ? 0 : -1;
}

/* The contents on the host: NULL when host memory or the download failed. */
static inline char *radx_mirror_host_read(radx_mirror_set *s, radx_mirror *m)
{
    if (radx_mirror_host_alloc(s, m)) return NULL;
    if (!m->h_ok) {
        if (!m->d || s->dev.download(s->dev.u, m->h, m->d, m->bytes) != 0) return NULL;
        s->n.down += m->bytes;
        m->h_ok = 1;
    }
    return m->h;
}

/* The host copy for writing (whole: every byte is replaced, nothing comes down first); the
 * device copy is out of date after.  NULL for a wrap (read-only) or on failure. */
static inline char *radx_mirror_host_write(radx_mirror_set *s, radx_mirror *m, int whole)
{
    if (m->h && !m->h_own) return NULL;
    if (whole) {
        if (radx_mirror_host_alloc(s, m)) return NULL;
        m->h_ok = 1;
    } else if (!radx_mirror_host_read(s, m)) {
        return NULL;
    }
    m->d_ok = 0;
    return m->h;
}

/* The device copy, made if needed (no transfer); 0, or -1 when the device has no room. */
static inline int radx_mirror_dev_alloc(radx_mirror_set *s, radx_mirror *m)
{
    if (m->d) return 0;
    m->d = (char *)s->dev.alloc(s->dev.u, radx_mirror_alloc_size(m));
    if (!m->d) return -1;
    if (m->d_ok && !(m->h_ok && m->h)) return 0; /* new contents: nothing to copy */
    m->d_ok = 0;                                 /* the host has them: uploaded when read */
    return 0;
}

/* The contents on the device: NULL when the device has no room or the upload failed. */
static inline char *radx_mirror_dev_read(radx_mirror_set *s, radx_mirror *m)
{
    const int had = m->d && m->d_ok;
    if (radx_mirror_dev_alloc(s, m)) return NULL;
    if (!m->d_ok) {
        if (!m->h_ok || !m->h || s->dev.upload(s->dev.u, m->d, m->h, m->bytes) != 0) return NULL;
        s->n.up += m->bytes;
        m->d_ok = 1;
    } else if (had && m->h_ok && m->h) {
        s->n.up_saved += m->bytes;
    }
    return m->d;
}

/* The device copy for writing (whole: nothing goes up first); the host copy is out of date
 * after.  NULL for a wrap (read-only), when the device has no room or the upload failed. */
static inline char *radx_mirror_dev_write(radx_mirror_set *s, radx_mirror *m, int whole)
{
    if (m->h && !m->h_own) return NULL;
    if (whole) {
        if (radx_mirror_dev_alloc(s, m)) return NULL;
        m->d_ok = 1;
    } else if (!radx_mirror_dev_read(s, m)) {
        return NULL;
    }
    m->h_ok = 0;
    return m->d;
}

/* After a stage wrote the same contents into both copies. */
static inline void radx_mirror_both_written(radx_mirror *m)
{
    m->h_ok = m->h != NULL;
    m->d_ok = m->d != NULL;
}

/* Brings every device-only content down and frees every device copy; the bytes freed.  A
 * content that cannot come down keeps its device copy. */
static inline size_t radx_mirror_evict(radx_mirror_set *s)
{
    size_t freed = 0;
    for (radx_mirror *m = s->head; m; m = m->next) {
        if (!m->d) continue;
        if (!m->h_ok && !radx_mirror_host_read(s, m)) continue;
        freed += m->bytes;
        radx_mirror_drop_device(s, m);
        m->d_ok = m->h == NULL; /* never written anywhere: still new contents */
    }
    return freed;
}

#ifdef __cplusplus
}
#endif
#endif
