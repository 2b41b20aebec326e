/* SPDX-License-Identifier: BSD-3-Clause */
/* A small CSV reader for the tests (RFC 4180 quoting; ',' or ';' separators). */
#ifndef RADX_TEST_CSV_READ_H
#define RADX_TEST_CSV_READ_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct csv_table {
    int nrows;
    int *len;     /* fields in each row */
    char ***cell; /* cell[row][col] */
} csv_table;

static const char *csv_get(const csv_table *t, int r, int c)
{
    return (r >= 0 && r < t->nrows && c >= 0 && c < t->len[r]) ? t->cell[r][c] : "";
}

static void csv_free(csv_table *t)
{
    for (int r = 0; r < t->nrows; r++) {
        for (int c = 0; c < t->len[r]; c++) free(t->cell[r][c]);
        free(t->cell[r]);
    }
    free(t->cell);
    free(t->len);
    memset(t, 0, sizeof *t);
}

/* Returns 0 on success. */
static int csv_load(const char *path, char sep, csv_table *t)
{
    memset(t, 0, sizeof *t);
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 2);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
        fclose(f);
        free(buf);
        return -1;
    }
    fclose(f);
    buf[n] = 0;
    char *field = malloc((size_t)n + 1);
    int cap = 0;
    char **row = NULL;
    int rl = 0, rcap = 0;
    long i = 0;
    for (;;) {
        size_t fl = 0;
        int q = 0;
        if (i < n && buf[i] == '"') {
            q = 1;
            i++;
        }
        while (i < n) {
            char ch = buf[i];
            if (q) {
                if (ch == '"' && i + 1 < n && buf[i + 1] == '"') {
                    field[fl++] = '"';
                    i += 2;
                } else if (ch == '"') {
                    q = 0;
                    i++;
                } else {
                    field[fl++] = ch;
                    i++;
                }
            } else if (ch == sep || ch == '\n' || ch == '\r') {
                break;
            } else {
                field[fl++] = ch;
                i++;
            }
        }
        field[fl] = 0;
        if (rl == rcap) {
            rcap = rcap ? 2 * rcap : 16;
            row = realloc(row, sizeof *row * (size_t)rcap);
        }
        row[rl++] = strdup(field);
        int at_end = i >= n;
        char end = at_end ? '\n' : buf[i++];
        if (end == '\r' && i < n && buf[i] == '\n') i++;
        if (end == sep && !at_end) continue;
        if (rl == 1 && row[0][0] == 0) { /* blank line */
            free(row[0]);
            rl = 0;
        } else {
            if (t->nrows == cap) {
                cap = cap ? 2 * cap : 64;
                t->cell = realloc(t->cell, sizeof *t->cell * (size_t)cap);
                t->len = realloc(t->len, sizeof *t->len * (size_t)cap);
            }
            t->cell[t->nrows] = row;
            t->len[t->nrows] = rl;
            t->nrows++;
            row = NULL;
            rl = 0;
            rcap = 0;
        }
        if (i >= n) break;
    }
    free(row);
    free(field);
    free(buf);
    return 0;
}
#endif
