/* SPDX-License-Identifier: BSD-3-Clause */
/* What the files of host/params share (not for the rest of the library: see params.h).
 *
 *   pval.c       the value tree a parameter file or an override becomes (pval)
 *   pyrepr.c     growable strings and Python's repr() of values
 *   pyliteral.c  Python's int() / float() text rules, YAML 1.2 plain-scalar typing
 *   keys.c       the settings PyRadiomics knows, their types and ranges, the name lists
 *   params.c     defaults, clear, copy
 *   apply.c      validation of one setting's value, storing it; per-image-type settings
 *   format.c     the settings and image types as PyRadiomics' diagnostics print them
 *   yaml.c       reading a file with libyaml into a pval tree
 *   json.c       reading a .json file as Python's json module does
 *   file.c       the sections of a file (setting, voxelSetting, imageType, featureClass)
 *   overrides.c  -s NAME:VALUE
 *
 * Every function here has external linkage in the static library, hence the radx_ prefix. */
#ifndef RADX_PARAMS_INTERNAL_H
#define RADX_PARAMS_INTERNAL_H

#include <stddef.h>
#include "core/error.h"
#include "params/params.h"
#include "features/features.h"

/* ------------------------------------------------------------------------------------------
 * Values as PyRadiomics' loader would hand them to its validator (pval.c).
 * ---------------------------------------------------------------------------------------- */
typedef enum { PV_NULL, PV_BOOL, PV_INT, PV_FLOAT, PV_STR, PV_SEQ, PV_MAP } pv_kind;

typedef struct pval pval;
struct pval {
    pv_kind k;
    int plain;   /* scalar written without quotes (messages show it verbatim) */
    int b;       /* PV_BOOL */
    int big;     /* PV_INT beyond long long */
    long long i; /* PV_INT */
    double d;    /* PV_FLOAT, and PV_INT as double */
    char *s;     /* PV_STR: the string; other scalars: the source text (may be NULL) */
    int n;       /* PV_SEQ / PV_MAP entries */
    pval *items;
    char **keys;      /* PV_MAP */
    size_t line, col; /* 1-based source position, 0 if none */
    size_t kline;     /* value of a mapping entry: line of its key */
};

/* strdup that passes NULL through (and returns NULL when out of memory). */
char *radx_pstrdup(const char *s);
/* Frees what v owns and zeroes it. */
void radx_pval_free(pval *v);
/* Deep copy; -1 when out of memory (dst then owns what was copied so far). */
int radx_pval_copy(pval *dst, const pval *src);

/* ------------------------------------------------------------------------------------------
 * The opaque part of radx_params (its field 'extra').
 * ---------------------------------------------------------------------------------------- */
typedef struct given_rec { /* one key of PyRadiomics' settings dict beyond the defaults */
    char *key;
    char *repr;  /* Python repr of the value as PyRadiomics holds it */
    char *canon; /* struct state right after it was set (NULL: no struct field) */
} given_rec;

typedef struct custom_rec { /* one imageType custom setting */
    char *key;
    pval *val;
} custom_rec;

struct radx_params_extra {
    int n_given, cap_given;
    given_rec *given;
    int has_gsigma, n_gsigma; /* setting: sigma (used by LoG without its own) */
    double gsigma[RADX_MAX_SIGMAS];
    char gsigma_text[RADX_MAX_SIGMAS][32]; /* Python str() of each, as PyRadiomics names images */
    int n_custom[RADX_IMG_COUNT];
    custom_rec *custom[RADX_IMG_COUNT];
};

/* Allocates p->extra if it has none; -1 when out of memory. */
int radx_params_ensure_extra(radx_params *p);
/* LoG's sigmas (p->imtype[RADX_IMG_LOG]) from its custom 'sigma', else the global one. */
void radx_params_sync_log_sigma(radx_params *p);

/* ------------------------------------------------------------------------------------------
 * Growable string and Python reprs (pyrepr.c).  After a failed allocation the string stays
 * as it was and oom is set; later appends do nothing.
 * ---------------------------------------------------------------------------------------- */
typedef struct sbuf {
    char *p;
    size_t n, cap;
    int oom;
} sbuf;

void radx_sb_putn(sbuf *b, const char *s, size_t n);
void radx_sb_puts(sbuf *b, const char *s);
void radx_sb_printf(sbuf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Hands over the string ("" when empty); NULL (and the buffer freed) after out of memory. */
char *radx_sb_take(sbuf *b);

void radx_sb_float(sbuf *b, double d);      /* repr(float) */
void radx_sb_pystr(sbuf *b, const char *s); /* repr(str) */
void radx_sb_repr(sbuf *b, const pval *v);  /* repr of the Python value v stands for */
/* A value in messages: plain scalars as written, the rest as repr; at most 120 characters. */
void radx_show_value(const pval *v, char *out, size_t len);
/* Python's str() of a number as written in the file (int 3 -> "3", float 3.0 -> "3.0"). */
void radx_pv_number_str(const pval *v, char *out, size_t len);

/* ------------------------------------------------------------------------------------------
 * Number syntax (pyliteral.c).
 * ---------------------------------------------------------------------------------------- */
/* Python int(text), base 10.  0 ok, -1 syntax, -2 beyond long long. */
int radx_py_int(const char *text, long long *out);
/* Python float(text).  0 ok, -1 syntax. */
int radx_py_float(const char *text, double *out);
/* ASCII case-insensitive equality. */
int radx_ci_eq(const char *a, const char *b);
/* Types plain YAML scalar s into v (k, b, i, d, big) as ruamel.yaml does; json: a .json file. */
void radx_resolve_plain(const char *s, pval *v, int json);

/* ------------------------------------------------------------------------------------------
 * The settings PyRadiomics knows (keys.c), in its schema's order.
 * ---------------------------------------------------------------------------------------- */
typedef enum kid {
    K_MINROIDIM,
    K_MINROISIZE,
    K_GEOMTOL,
    K_CORRECTMASK,
    K_ADDINFO,
    K_LABEL,
    K_LABELCH,
    K_BINWIDTH,
    K_BINCOUNT,
    K_NORMALIZE,
    K_NORMSCALE,
    K_REMOVEOUT,
    K_RESAMPLED,
    K_INTERP,
    K_PADDIST,
    K_DISTANCES,
    K_FORCE2D,
    K_FORCE2DDIM,
    K_RESEGRANGE,
    K_RESEGMODE,
    K_RESEGSHAPE,
    K_PRECROP,
    K_SIGMA,
    K_STARTLEVEL,
    K_LEVEL,
    K_WAVELET,
    K_GRADSPACING,
    K_LBP2DRADIUS,
    K_LBP2DSAMPLES,
    K_LBP2DMETHOD,
    K_LBP3DLEVELS,
    K_LBP3DRADIUS,
    K_LBP3DSUBDIV,
    K_VOXSHIFT,
    K_SYMGLCM,
    K_WNORM,
    K_GLDMA,
    K_IBSIKURT,
    K_LOGKERNEL,
    K_TEXAGG,
    K_SIMLEVEL,
    K_GABORSIGMA,
    K_GABORLAMBDA,
    K_GABORGAMMA,
    K_GABORANGLE,
    K_GABORSTEP,
    K_WAVEBANDS,
    K_LAWSKERNEL,
    K_ROTINV,
    K_ROTPOOL,
    K_LAWSDELTA,
    K_MEANSUPPORT,
    K_FILTERBC,
    K_IBSI,
    K_IBSIINTERP,
    K_IBSIMASKTH,
    K_IBSIROUND,
    K_IBSIDISC,
    K_IBSIOUTLIER,
    K_IBSIMORPH,
    K_IBSIPCA,
    K_IVHBINWIDTH,
    K_IVHBINCOUNT,
    K_KERNELRADIUS,
    K_MASKEDKERNEL,
    K_INITVALUE,
    K_VOXELBATCH,
    K_COUNT
} kid;

typedef enum { T_INT, T_FLOAT, T_BOOL, T_STR, T_SEQI, T_SEQF, T_SEQS, T_INTERP, T_WNORM } ktype;
typedef enum { R_NONE, R_GT0, R_GE0, R_1_3, R_0_2 } krange;
enum { S_SETTING = 1, S_VOXEL = 2, S_RADX = 4 }; /* where a key may appear */

typedef struct keydef {
    const char *name;
    ktype t;
    krange r;
    int sect;
    int nullok; /* None accepted (optional setting off, or bool falsy) */
} keydef;

extern const keydef radx_param_keys[K_COUNT];
extern const char *const radx_boundary_names[4];
extern const char *const radx_pooling_names[3];

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))
extern const char *const radx_interp_names[10];   /* integer i (1..10) is [i - 1] */
extern const char *const radx_wnorm_names[4];     /* radx_wnorm order from RADX_WNORM_MANHATTAN */
extern const char *const radx_reseg_names[3];     /* radx_reseg_mode order */
extern const char *const radx_logkernel_names[2]; /* log_mode order */
extern const char *const radx_lbp2d_methods[4];
extern const char *const radx_wavelet_names[127]; /* pywt.wavelist() */
extern const char *const radx_imtype_names[RADX_IMG_COUNT];
extern const char *const radx_class_names[RADX_CLASS_COUNT];

/* Index of s in names[0..n), or -1. */
int radx_find_name(const char *const *names, int n, const char *s);
/* The kid of a setting name, or -1. */
int radx_find_key(const char *name);
/* "a, b, c" into out (cut at len). */
void radx_join_names(char *out, size_t len, const char *const *names, int n);

/* ------------------------------------------------------------------------------------------
 * Validation and application of one setting (apply.c).
 * ---------------------------------------------------------------------------------------- */
typedef struct actx {
    const char *file;    /* for messages; NULL for -s */
    const char *section; /* "setting", "voxelSetting", "imageType 'LoG': setting" */
    radx_err *err;
} actx;

/* RADX_ERR_PARAM with "FILE: SECTION 'KEY': message". */
radx_status radx_param_error(const actx *a, const char *key, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* Validates v for key k and stores it in *p.  Does not record it (radx_record_given does). */
radx_status radx_apply_value(radx_params *p, int k, const pval *v, const actx *a);
/* Remembers key k = repr(v) in PyRadiomics' settings dict order (an update keeps the key's
 * slot), with the struct's canonical text of k right after it was set. */
radx_status radx_record_given(radx_params *p, int k, const pval *v, radx_err *err);

/* ------------------------------------------------------------------------------------------
 * Text of the settings (format.c).
 * ---------------------------------------------------------------------------------------- */
/* Python repr of key k as the struct holds it; 0 (nothing written) for keys without a field. */
int radx_params_canon(const radx_params *p, int k, sbuf *b);

/* ------------------------------------------------------------------------------------------
 * Files (yaml.c, json.c).  Both readers refuse, with one line naming the file, nesting deeper
 * than RADX_PARAM_MAX_DEPTH and more than RADX_PARAM_MAX_NODES values (aliases expanded); their
 * work is linear in the file's size up to those bounds.
 * ---------------------------------------------------------------------------------------- */
#define RADX_PARAM_MAX_DEPTH 32      /* PyRadiomics' files nest 4 deep */
#define RADX_PARAM_MAX_NODES 200000L /* values, aliases expanded */

/* Reads and parses a parameter file into *root (freed by the caller on success): a name
 * ending in .json with radx_json_parse, any other as YAML. */
radx_status radx_params_parse_file(const char *path, pval *root, radx_err *err);
/* The same from text: JSON when it starts with '{', else YAML; name stands for the file in
 * messages. */
radx_status radx_params_parse_text(const char *text, const char *name, pval *root, radx_err *err);
/* The n bytes of text as Python's json module reads them (json.c) into *root. */
radx_status radx_json_parse(const unsigned char *text, size_t n, const char *path, pval *root, radx_err *err);

/* A mapping's key and its position, sorted by radx_keyref_cmp (text, then position) to find
 * repeated keys in n log n steps (pval.c). */
typedef struct radx_keyref {
    const char *s;
    int i;
} radx_keyref;
int radx_keyref_cmp(const void *a, const void *b);

#endif
