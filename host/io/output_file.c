/* SPDX-License-Identifier: BSD-3-Clause */
/* Output files that appear whole or not at all.
 *
 * A regular file (or a new one) is written to an unnamed file in the target's folder (O_TMPFILE)
 * and linked into place at commit, so that an interrupted run, even by kill -9, leaves nothing
 * behind and an existing file is replaced in one step.  Where the filesystem has no unnamed files,
 * or a file is parked (closed until commit), it carries a short hidden name, ".radx-tmp-" and 16
 * hex digits, that fits any folder whatever the target's name; such names sit in a registry that
 * radx_outfile_discard_all empties from a signal handler.  New files get 0666 less the umask, as
 * open() gives them; a replaced file keeps its mode.  A character device or a FIFO (/dev/null, a
 * pipe) is written in place: there is nothing to replace, and replacing it would destroy it. */
#include "io/output_file.h"
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct radx_file {
    char *path; /* where the file goes (a symbolic link's target) */
    char *dir;  /* its folder */
    char *tmp;  /* its hidden name, when it has one */
    int slot;   /* tmp's registry slot, or -1 */
    int fd;     /* -1 while parked */
    int direct; /* a character device or FIFO, written in place */
};

/* ---- the registry of hidden names (read by the signal handler) ---- */

#define OUTFILE_SLOTS 4096
static char *volatile g_hidden[OUTFILE_SLOTS];

static int registry_add(char *name)
{
    for (int i = 0; i < OUTFILE_SLOTS; i++) {
        char *expected = NULL;
        if (__atomic_compare_exchange_n(&g_hidden[i], &expected, name, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) return i;
    }
    return -1; /* full: the file is still removed on error, only not from a signal handler */
}

static void registry_remove(int slot)
{
    if (slot >= 0) __atomic_store_n(&g_hidden[slot], NULL, __ATOMIC_SEQ_CST);
}

void radx_outfile_discard_all(void)
{
    for (int i = 0; i < OUTFILE_SLOTS; i++) {
        char *p = __atomic_load_n(&g_hidden[i], __ATOMIC_SEQ_CST);
        if (p) unlink(p);
    }
}

/* ---- names ---- */

static uint64_t next_random(void)
{
    static uint64_t counter;
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    uint64_t x = __atomic_add_fetch(&counter, 1, __ATOMIC_RELAXED) * 0x9E3779B97F4A7C15ull;
    x ^= ((uint64_t)getpid() << 32) ^ (uint64_t)t.tv_nsec ^ ((uint64_t)t.tv_sec << 20);
    x ^= x >> 31; /* splitmix64's finaliser */
    x *= 0xBF58476D1CE4E5B9ull;
    return x ^ (x >> 29);
}

/* A fresh hidden name in f->dir, made by make(name, f) (0, or -1 with errno; EEXIST: try
 * another), then registered.  0, or -1 with errno. */
static int hidden_name(radx_outfile *f, int (*make)(const char *name, radx_outfile *f))
{
    size_t l = strlen(f->dir) + 32;
    char *name = malloc(l);
    if (!name) return -1;
    for (int tries = 0; tries < 100; tries++) {
        snprintf(name, l, "%s/.radx-tmp-%016llx", f->dir, (unsigned long long)next_random());
        if (make(name, f) == 0) {
            f->tmp = name;
            f->slot = registry_add(name);
            return 0;
        }
        if (errno != EEXIST) break;
    }
    int e = errno;
    free(name);
    errno = e;
    return -1;
}

static int create_named(const char *name, radx_outfile *f)
{
    f->fd = open(name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    return f->fd < 0 ? -1 : 0;
}

/* The unnamed file f->fd gets the name (Linux: through /proc, which needs no privilege). */
static int link_unnamed(const char *name, radx_outfile *f)
{
    char proc[64];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", f->fd);
    return linkat(AT_FDCWD, proc, AT_FDCWD, name, AT_SYMLINK_FOLLOW);
}

/* ---- create ---- */

static void outfile_free(radx_outfile *f)
{
    if (!f) return;
    if (f->fd >= 0) close(f->fd);
    registry_remove(f->slot);
    if (f->tmp) unlink(f->tmp);
    free(f->tmp);
    free(f->path);
    free(f->dir);
    free(f);
}

/* f->path and f->dir: a symbolic link stands for the file it points to. */
static int set_names(radx_outfile *f, const char *path)
{
    struct stat ls;
    char *real = lstat(path, &ls) == 0 && S_ISLNK(ls.st_mode) ? realpath(path, NULL) : NULL;
    f->path = real ? real : strdup(path);
    if (!f->path) return -1;
    const char *slash = strrchr(f->path, '/');
    f->dir = slash ? strndup(f->path, slash == f->path ? 1 : (size_t)(slash - f->path)) : strdup(".");
    return f->dir ? 0 : -1;
}

/* A character device or FIFO, opened for writing in place; a FIFO that no process opens to read
 * within FIFO_WAIT_MS is refused rather than waited for without end. */
#define FIFO_WAIT_MS 5000
static radx_status open_direct(radx_outfile *f, int fifo, radx_err *err)
{
    f->direct = 1;
    f->fd = open(f->path, O_WRONLY | O_CLOEXEC | (fifo ? O_NONBLOCK : 0));
    for (int tries = 0; f->fd < 0 && fifo && errno == ENXIO && tries < FIFO_WAIT_MS / 10; tries++) {
        const struct timespec t = {0, 10 * 1000 * 1000};
        nanosleep(&t, NULL);
        f->fd = open(f->path, O_WRONLY | O_CLOEXEC | O_NONBLOCK);
    }
    if (f->fd < 0 && fifo && errno == ENXIO)
        return radx_seterr(err, RADX_ERR_IO, "%s: cannot write: a FIFO that no process has opened to read", f->path);
    if (f->fd < 0) return radx_seterr(err, RADX_ERR_IO, "%s: cannot write: %s", f->path, strerror(errno));
    if (fifo) fcntl(f->fd, F_SETFL, fcntl(f->fd, F_GETFL) & ~O_NONBLOCK);
    return RADX_OK;
}

/* An unnamed file in the folder, or else one with a hidden name. */
static radx_status open_replacement(radx_outfile *f, radx_err *err)
{
#ifdef O_TMPFILE
    f->fd = open(f->dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666);
    if (f->fd >= 0 && access("/proc/self/fd", X_OK) == 0) return RADX_OK;
    if (f->fd >= 0) close(f->fd);
    f->fd = -1;
#endif
    if (hidden_name(f, create_named) != 0)
        return radx_seterr(err, RADX_ERR_IO, "%s: cannot write: %s", f->path, strerror(errno));
    return RADX_OK;
}

radx_status radx_outfile_create(const char *path, radx_outfile **out, radx_err *err)
{
    *out = NULL;
    radx_outfile *f = calloc(1, sizeof *f);
    if (!f || (f->fd = -1, f->slot = -1, set_names(f, path) != 0)) {
        outfile_free(f);
        return radx_seterr(err, RADX_ERR_NOMEM, "%s: out of memory", path);
    }
    struct stat st;
    radx_status s;
    const int exists = stat(f->path, &st) == 0;
    if (exists && (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)))
        s = open_direct(f, S_ISFIFO(st.st_mode), err);
    else if (exists && !S_ISREG(st.st_mode))
        s = radx_seterr(err, RADX_ERR_IO, "%s: cannot write: %s", path,
                        S_ISDIR(st.st_mode) ? "it is a folder" : "not a regular file, character device or FIFO");
    else if (!f->path[0] || f->path[strlen(f->path) - 1] == '/')
        s = radx_seterr(err, RADX_ERR_IO, "'%s': cannot write: not a file name", path);
    else
        s = open_replacement(f, err);
    if (s) {
        outfile_free(f);
        return s;
    }
    *out = f;
    return RADX_OK;
}

int radx_outfile_fd(const radx_outfile *f) { return f ? f->fd : -1; }

const char *radx_outfile_path(const radx_outfile *f) { return f ? f->path : ""; }

/* ---- park, commit, discard ---- */

radx_status radx_outfile_park(radx_outfile *f, radx_err *err)
{
    if (f->direct || f->fd < 0) return RADX_OK;
    if (!f->tmp && hidden_name(f, link_unnamed) != 0)
        return radx_seterr(err, RADX_ERR_IO, "%s: cannot write: %s", f->path, strerror(errno));
    int bad = fsync(f->fd) != 0 && errno != EINVAL; /* commit cannot flush a closed file */
    bad = close(f->fd) != 0 || bad;
    f->fd = -1;
    return bad ? radx_seterr(err, RADX_ERR_IO, "%s: cannot write: %s", f->path, strerror(errno)) : RADX_OK;
}

/* The data on the disk, with the mode of the file it replaces (a new file has open()'s). */
static int flush_with_mode(radx_outfile *f)
{
    struct stat st;
    const int replaces = stat(f->path, &st) == 0 && S_ISREG(st.st_mode);
    if (f->fd >= 0) {
        if (fsync(f->fd) != 0 && errno != EINVAL) return -1;
        return replaces ? fchmod(f->fd, st.st_mode & 07777) : 0;
    }
    return replaces ? chmod(f->tmp, st.st_mode & 07777) : 0;
}

/* The file at its path: an unnamed file is linked there directly when the path is free, else
 * named first and renamed over it. */
static int put_in_place(radx_outfile *f)
{
    if (!f->tmp) {
        if (link_unnamed(f->path, f) == 0) return 0;
        if (errno != EEXIST || hidden_name(f, link_unnamed) != 0) return -1;
    }
    if (rename(f->tmp, f->path) != 0) return -1;
    registry_remove(f->slot);
    f->slot = -1;
    free(f->tmp);
    f->tmp = NULL;
    return 0;
}

radx_status radx_outfile_commit(radx_outfile *f, radx_err *err)
{
    int bad = !f->direct && (flush_with_mode(f) != 0 || put_in_place(f) != 0);
    if (!bad && f->fd >= 0) { /* in place now; an error closing still counts */
        bad = close(f->fd) != 0;
        f->fd = -1;
    }
    radx_status s = bad ? radx_seterr(err, RADX_ERR_IO, "%s: cannot write: %s", f->path, strerror(errno)) : RADX_OK;
    outfile_free(f);
    return s;
}

void radx_outfile_discard(radx_outfile *f) { outfile_free(f); }
