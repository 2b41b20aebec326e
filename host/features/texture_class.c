/* SPDX-License-Identifier: BSD-3-Clause */
/* One texture class's features by its radx_class (host/features/features.h). */
#include "features/features.h"
#include "features/ibsi_texture.h"

radx_status radx_texture_compute(radx_class c, const radx_texture_input *in, const radx_params *p, double *out,
                                 radx_err *err)
{
    if (p->aggregation != RADX_AGG_PYRADIOMICS || c == RADX_CLASS_GLDZM || c == RADX_CLASS_NGLDM)
        return radx_ibsi_texture(c, radx_aggregation_for_class(c, p->aggregation, p), in, in->morph, p, out, err);
    switch (c) {
    case RADX_CLASS_GLCM: return radx_glcm_compute(in, p, out, err);
    case RADX_CLASS_GLRLM: return radx_glrlm_compute(in, p, out, err);
    case RADX_CLASS_GLSZM: return radx_glszm_compute(in, p, out, err);
    case RADX_CLASS_GLDM: return radx_gldm_compute(in, p, out, err);
    case RADX_CLASS_NGTDM: return radx_ngtdm_compute(in, p, out, err);
    default: return radx_seterr(err, RADX_ERR_INTERNAL, "not a texture class: %d", (int)c);
    }
}
