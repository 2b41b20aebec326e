/* SPDX-License-Identifier: BSD-3-Clause */
/* A radx_map_callback that keeps copies of the maps a run hands over (test_gpu_map.c). */
#ifndef RADX_TEST_MAP_KEEP_H
#define RADX_TEST_MAP_KEEP_H

#include <stdlib.h>
#include <string.h>
#include "radx.h"

#define MAP_KEEP_MAX 64

typedef struct maps {
    int n;
    char *name[MAP_KEEP_MAX];
    float *data[MAP_KEEP_MAX];
    size_t nvox;
} maps;

/* radx_map_callback: user is a zeroed `maps`. */
static radx_status keep(void *user, const radx_map *m)
{
    maps *s = (maps *)user;
    if (s->n >= MAP_KEEP_MAX) return RADX_ERR_INTERNAL;
    s->nvox = (size_t)(m->grid->size[0] * m->grid->size[1] * m->grid->size[2]);
    s->name[s->n] = strdup(m->name);
    s->data[s->n] = (float *)malloc(s->nvox * sizeof(float));
    if (!s->name[s->n] || !s->data[s->n]) return RADX_ERR_NOMEM;
    memcpy(s->data[s->n], m->data, s->nvox * sizeof(float));
    s->n++;
    return RADX_OK;
}

static void maps_free(maps *s)
{
    for (int i = 0; i < s->n; i++) {
        free(s->name[i]);
        free(s->data[i]);
    }
    s->n = 0;
}
#endif
