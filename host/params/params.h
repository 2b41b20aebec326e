/* SPDX-License-Identifier: BSD-3-Clause */
/* PyRadiomics parameter files and -s NAME:VALUE overrides (host/params; params_internal.h
 * lists its files).
 *
 * Semantics are PyRadiomics 3.0.1's (featureextractor._applyParams, schemas/paramSchema.yaml,
 * schemas/schemaFuncs.py, scripts._parseOverrides):
 *  - a file is parsed with libyaml (JSON files are YAML too) and validated against the schema:
 *    unknown keys, wrong types, out-of-range values, unknown image types / feature classes /
 *    feature names, unknown interpolator / weightingNorm / resegmentMode / wavelet names fail
 *    with RADX_ERR_PARAM and a one-line message naming the file, the key and the value;
 *  - loading a file RESETS the settings to the defaults and applies the file (PyRadiomics'
 *    loadParams does the same): settings not in the file are lost, so apply -s overrides after
 *    loading; a file replaces the enabled image types (none listed: Original only) and feature
 *    classes (none listed: all eight classes, shape2D included, as PyRadiomics does);
 *  - settings radx does not use yet (wavelet, start_level, level, gradientUseSpacing, lbp*,
 *    a global 'sigma') are validated and kept, and show up in radx_params_format_settings;
 *  - stricter than PyRadiomics where PyRadiomics would only fail (or misbehave) later, at
 *    extraction time: None for a setting that has no "off" state (binWidth, label, distances,
 *    ...), resegmentRange with 0 or more than 2 values, an empty distances list, a
 *    resampledPixelSpacing without exactly 3 values, NaN / infinite values of ranged
 *    numbers, NaN in resegmentRange, booleans as interpolator, "-s" booleans other than
 *    true/false/1/0.  'dtype' and 'Ngtdm settings' are rejected, as PyRadiomics 3.0.1 does
 *    (they are not in its schema).
 *  - radx extension: 'ibsiKurtosisExcess' (bool) is accepted under setting: and by -s only.
 *
 * Status codes: RADX_ERR_IO (missing, unreadable or empty file), RADX_ERR_FORMAT (YAML syntax
 * error or invalid UTF-8, with line and column; more than one YAML document), RADX_ERR_PARAM
 * (anything the schema refuses), RADX_ERR_NOMEM.  On any failure *p is left unchanged.
 *
 * radx_params_format_settings prints the effective settings as PyRadiomics'
 * diagnostics_Configuration_Settings: the repr of the dict PyRadiomics builds (its defaults in
 * its key order, then the given keys in the order they were given: file 'setting:', file
 * 'voxelSetting:', then -s overrides), with each value as PyRadiomics holds it (ints stay
 * ints, 'nan' given as a plain YAML scalar is the string 'nan', -s numbers are floats).  A
 * value changed directly in the struct afterwards (e.g. label) is printed from the struct. */
#ifndef RADX_PARAMS_H
#define RADX_PARAMS_H

#include "core/radx_internal.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Loads a parameter file into *p (see above).  *p must have been initialised
 * (radx_params_init_defaults or a previous load / copy). */
radx_status radx_params_load_file(radx_params *p, const char *path, radx_err *err);

/* One override, as the PyRadiomics CLI's --setting NAME:VALUE: NAME is a setting: or
 * voxelSetting: key (or ibsiKurtosisExcess); VALUE is text: numbers as Python's int()/float()
 * read them, booleans true/false/1/0, strings with or without quotes, lists "1,2", "[1, 2]" or
 * "(1, 2)" for list settings (a single number is a one-element list), and None / null / ~ to
 * switch an optional setting off (minimumROISize, geometryTolerance, binCount, removeOutliers,
 * resampledPixelSpacing, interpolator, resegmentRange, weightingNorm).  As in PyRadiomics'
 * CLI, numbers of float-typed settings become floats ("5" -> 5.0 in the diagnostics). */
radx_status radx_params_set_text(radx_params *p, const char *name, const char *value, radx_err *err);

/* The settings one image type runs with: *src plus that image type's custom settings from
 * the file (imageType: {LoG: {binWidth: 10, sigma: [...]}}), as PyRadiomics' execute applies
 * them (args = settings.copy(); args.update(customKwargs)).  *dst must not own anything (it is
 * overwritten); free it with radx_params_clear. */
radx_status radx_params_for_imtype(radx_params *dst, const radx_params *src, radx_imtype t, radx_err *err);

/* PyRadiomics' name of an image type ("Original", "LoG", ...), "?" when out of range. */
const char *radx_params_imtype_name(radx_imtype t);

#ifdef __cplusplus
}
#endif
#endif
