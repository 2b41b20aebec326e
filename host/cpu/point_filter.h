/* SPDX-License-Identifier: BSD-3-Clause */
/* PyRadiomics' point filters on a host volume (host/cpu/point_filter.c). */
#ifndef RADX_CPU_POINT_FILTER_H
#define RADX_CPU_POINT_FILTER_H

#include "core/error.h"
#include "core/volume.h"
#include "rules/point_filter_rules.h"

/* The filter f of in (any pixel type) into out: nvox doubles on in's grid. */
radx_status radx_point_filter_into(const radx_volume *in, radx_point_filter f, double *out, radx_err *err);

#endif
