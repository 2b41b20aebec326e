/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file radx.h
 * @brief radx: radiomics feature extraction (PyRadiomics-compatible), the one public C header.
 *
 * Shape of the API (plan once, execute many, like FFTW and cuFFT).  A whole program, which
 * tests/test_install.sh builds against the installed library and runs:
 *
 * @code
 * #include <stdio.h>
 * #include <radx.h>
 *
 * int main(int argc, char **argv)   // radx_example IMAGE MASK [PARAMS.yaml]
 * {
 *     radx_ctx *ctx;
 *     radx_params *p = NULL;
 *     radx_plan *plan = NULL;
 *     radx_result *r = NULL;
 *     if (argc < 3 || radx_ctx_create(&ctx) != RADX_OK) return 2;
 *     radx_status s = radx_params_create(ctx, &p);                    // PyRadiomics' defaults
 *     if (!s && argc > 3) s = radx_params_load(ctx, p, argv[3]);       // a parameter file
 *     if (!s) s = radx_params_set(ctx, p, "binWidth", "10");           // one setting
 *     if (!s) s = radx_plan_create(ctx, p, RADX_BACKEND_AUTO, &plan);  // once per cohort
 *     if (!s) s = radx_plan_execute(plan, argv[1], argv[2], 0, &r);    // once per case
 *     for (size_t i = 0; !s && i < radx_result_count(r); i++)
 *         if (radx_result_is_number(r, i)) printf("%s: %s\n", radx_result_name(r, i), radx_result_text(r, i));
 *     if (s) fprintf(stderr, "radx: %s\n", radx_ctx_last_error(ctx));
 *     radx_result_destroy(r);
 *     radx_plan_destroy(plan);
 *     radx_params_destroy(p);
 *     radx_ctx_destroy(ctx);
 *     return s ? 1 : 0;
 * }
 * @endcode
 *
 * Every fallible call returns a radx_status; on failure radx_ctx_last_error(ctx) holds one line
 * naming the file or setting and the problem.  The library never aborts and never exits.
 *
 * Images already in memory (a numpy array, an ITK image) go in without a copy through
 * radx_image_wrap and radx_plan_execute_image.
 *
 * Threads: a context and everything created from it must be used by one thread at a time.
 * Different contexts are independent and may be used concurrently; each has its own thread
 * count (radx_ctx_set_threads), capped (like OpenMP's default) so that the threads' stacks fit.
 *
 * Limits: what a file or setting asks for is checked before memory is taken.  A case's memory is
 * estimated from the headers and settings and refused (RADX_ERR_NOMEM, with the MiB needed and
 * allowed) above the least of physical memory, the cgroup limit, ulimit -v / -d and the
 * environment variable RADX_MEMORY_MIB (MiB; it replaces physical memory, so it may also raise
 * the limit for a case the estimate overstates).  A detached NRRD header may name data files
 * outside its own folder only when RADX_ALLOW_OUTSIDE_DATA=1.
 */
#ifndef RADX_H
#define RADX_H

#include <stddef.h>

#if defined(_WIN32) && defined(RADX_BUILD_SHARED)
#define RADX_API __declspec(dllexport)
#elif defined(__GNUC__)
#define RADX_API __attribute__((visibility("default")))
#else
#define RADX_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

#define RADX_VERSION_STRING "0.1.0"

/** Status codes.  0 is success; every other value is an error whose text is in the context. */
typedef enum radx_status {
    RADX_OK = 0,
    RADX_ERR_ARG = 1,         /**< invalid argument (NULL handle, out of range) */
    RADX_ERR_IO = 2,          /**< file missing, unreadable, empty */
    RADX_ERR_FORMAT = 3,      /**< corrupt or unsupported file contents */
    RADX_ERR_GEOMETRY = 4,    /**< image and mask grids do not match */
    RADX_ERR_LABEL = 5,       /**< label absent from the mask */
    RADX_ERR_ROI = 6,         /**< ROI empty or too small for the settings */
    RADX_ERR_VALUE = 7,       /**< NaN or Inf voxel inside the ROI */
    RADX_ERR_PARAM = 8,       /**< unknown setting or invalid value */
    RADX_ERR_UNSUPPORTED = 9, /**< valid request that this build cannot do yet */
    RADX_ERR_NOMEM = 10,      /**< allocation failed or request exceeds a memory limit */
    RADX_ERR_DEVICE = 11,     /**< requested backend not available */
    RADX_ERR_INTERNAL = 12
} radx_status;

typedef enum radx_backend {
    RADX_BACKEND_AUTO = 0, /**< CUDA when a device is usable, else CPU */
    RADX_BACKEND_CPU = 1,
    RADX_BACKEND_CUDA = 2
} radx_backend;

/** Pixel types of an image (the element type of its voxel buffer). */
typedef enum radx_dtype {
    RADX_DT_U8 = 0,
    RADX_DT_I8,
    RADX_DT_U16,
    RADX_DT_I16,
    RADX_DT_U32,
    RADX_DT_I32,
    RADX_DT_U64,
    RADX_DT_I64,
    RADX_DT_F32,
    RADX_DT_F64
} radx_dtype;

/** A grid as ITK/SimpleITK report an image's: voxel (i, j, k) is data[i + size[0] * (j + size[1] * k)],
 *  which is the C-contiguous numpy array of shape (size[2], size[1], size[0]). */
typedef struct radx_grid {
    long long size[3];   /**< voxels along x, y, z (size[2] == 1 for a 2-D image) */
    double spacing[3];   /**< mm */
    double origin[3];    /**< LPS world coordinates of voxel (0, 0, 0) */
    double direction[9]; /**< row-major 3x3; column c is the world direction of index axis c */
    int ndim;            /**< 2 or 3 */
} radx_grid;

typedef struct radx_ctx radx_ctx;       /**< error state and options; opaque */
typedef struct radx_params radx_params; /**< extraction settings (PyRadiomics semantics); opaque */
typedef struct radx_plan radx_plan;     /**< prepared extraction; opaque */
typedef struct radx_result radx_result; /**< ordered named values of one case; opaque */
typedef struct radx_image radx_image;   /**< an image or mask in memory; opaque */

/** @return a static, never-NULL description of a status code. */
RADX_API const char *radx_status_string(radx_status s);
/** @return the library version, e.g. "0.1.0". */
RADX_API const char *radx_version(void);

/** Creates a context.  @param[out] out receives the context (caller owns; radx_ctx_destroy).
 *  @return RADX_OK, RADX_ERR_ARG, RADX_ERR_NOMEM. */
RADX_API radx_status radx_ctx_create(radx_ctx **out);
/** Destroys a context.  NULL-safe.  Objects created from it must be destroyed first. */
RADX_API void radx_ctx_destroy(radx_ctx *ctx);
/** @return the message of the last failed call on ctx ("" if none); owned by ctx, valid until the
 *  next call on ctx. */
RADX_API const char *radx_ctx_last_error(const radx_ctx *ctx);
/** The warnings of the last radx_plan_execute* call on ctx: what PyRadiomics logs as a warning and
 *  goes on from (a LoG sigma too large for the image is left out, with its features).  One line
 *  each; i from 0; NULL past the end.  Owned by ctx, valid until the next run on it. */
RADX_API int radx_ctx_warning_count(const radx_ctx *ctx);
RADX_API const char *radx_ctx_warning(const radx_ctx *ctx, int i);
/** CPU threads the plans of this context use inside one case (0 = the OpenMP default, normally
 *  every core).  Applies to the calls made on this context only; other contexts and the
 *  caller's own OpenMP settings are left alone.  Results do not depend on it. */
RADX_API radx_status radx_ctx_set_threads(radx_ctx *ctx, int nthreads);

/** Reads an image or mask file (NIfTI-1/2 .nii/.nii.gz/.hdr, NRRD .nrrd/.nhdr) into memory, with
 *  its geometry as SimpleITK reports it.  @param[out] out caller owns; radx_image_destroy.
 *  @return RADX_OK, RADX_ERR_ARG, RADX_ERR_IO, RADX_ERR_FORMAT, RADX_ERR_NOMEM. */
RADX_API radx_status radx_image_read(radx_ctx *ctx, const char *path, radx_image **out);
/** Wraps the caller's voxels as an image, without a copy: data holds size[0] * size[1] * size[2]
 *  elements of dtype in the grid's order, and must stay valid and unchanged until the image is
 *  destroyed (radx only reads it).  name is what error messages call the image (e.g. a path).
 *  @param[out] out caller owns; radx_image_destroy.
 *  @return RADX_OK, RADX_ERR_ARG (NULL argument, empty or negative size, ndim not 2 or 3, a 2-D
 *  grid with size[2] != 1, spacing not finite and positive, more voxels than radx reads). */
RADX_API radx_status radx_image_wrap(radx_ctx *ctx, const void *data, radx_dtype dtype, const radx_grid *grid,
                                     const char *name, radx_image **out);
/** The image's grid, pixel type and voxels (owned by the image). */
RADX_API void radx_image_grid(const radx_image *img, radx_grid *grid);
RADX_API radx_dtype radx_image_dtype(const radx_image *img);
RADX_API const void *radx_image_data(const radx_image *img);
/** Destroys an image (the wrapped voxels stay the caller's).  NULL-safe. */
RADX_API void radx_image_destroy(radx_image *img);

/** Creates settings holding PyRadiomics' defaults (all default feature classes, Original image).
 *  @param[out] out caller owns; radx_params_destroy.  @return RADX_OK, RADX_ERR_ARG, RADX_ERR_NOMEM. */
RADX_API radx_status radx_params_create(radx_ctx *ctx, radx_params **out);
/** Loads a PyRadiomics parameter file (YAML or JSON: setting / imageType / featureClass /
 *  voxelSetting) over the current settings, as PyRadiomics does (a file replaces the enabled
 *  classes and image types).  An unknown key or invalid value fails with RADX_ERR_PARAM naming the
 *  key, value and file; a missing or unreadable file fails with RADX_ERR_IO.  On failure p is
 *  unchanged. */
RADX_API radx_status radx_params_load(radx_ctx *ctx, radx_params *p, const char *path);
/** radx_params_load on a document in memory: JSON when its first character other than white
 *  space is '{' and it parses as JSON, else YAML (flow style included).  name stands for the file
 *  in error messages (e.g. "<dict>").
 *  @return RADX_OK, RADX_ERR_ARG, RADX_ERR_FORMAT (not a document) or RADX_ERR_PARAM (p unchanged). */
RADX_API radx_status radx_params_load_string(radx_ctx *ctx, radx_params *p, const char *text, const char *name);
/** Sets one setting by its PyRadiomics name from text, as the CLI's -s NAME:VALUE does
 *  (e.g. "binWidth", "10"; "distances", "[1,2]"; "resegmentRange", "[-3,3]").
 *  @return RADX_OK or RADX_ERR_PARAM (p unchanged). */
RADX_API radx_status radx_params_set(radx_ctx *ctx, radx_params *p, const char *name, const char *value);
/** The settings as PyRadiomics' extractor holds them, as Python literals: what "settings" (its
 *  settings dict, as diagnostics_Configuration_Settings prints it), "imageTypes" (its
 *  enabledImagetypes) or "featureClasses" (its enabledFeatures; [] for every feature of a class).
 *  Writes at most len bytes with the terminating NUL into buf (snprintf-style).
 *  @return the text's length (without the NUL; larger than len - 1 when cut), 0 for an unknown
 *  what or a NULL argument. */
RADX_API size_t radx_params_describe(const radx_params *p, const char *what, char *buf, size_t len);
/** Disables every feature class ("featureClasses") or every image type ("imageTypes"), as
 *  PyRadiomics' extractor's disableAllFeatures / disableAllImageTypes do (a parameter file cannot:
 *  an empty section there means all).  @return RADX_OK or RADX_ERR_ARG. */
RADX_API radx_status radx_params_disable(radx_ctx *ctx, radx_params *p, const char *what);
/** Destroys settings.  NULL-safe. */
RADX_API void radx_params_destroy(radx_params *p);

/** @return 1 if the backend can run here (CPU: always; CUDA: built in and a device usable). */
RADX_API int radx_backend_available(radx_backend b);
/** @return "cpu" or "cuda". */
RADX_API const char *radx_backend_name(radx_backend b);

/** Prepares an extraction.  Settings are copied; p may be destroyed afterwards.
 *  @param[out] out caller owns; radx_plan_destroy.
 *  @return RADX_OK, RADX_ERR_ARG, RADX_ERR_NOMEM, RADX_ERR_DEVICE (CUDA asked for but not usable),
 *  RADX_ERR_UNSUPPORTED (a setting this build cannot compute, e.g. the sitkGaussian interpolator).
 *  The plan's set-up lives as long as the plan and serves every case it runs: on CUDA a stream,
 *  a page-locked host pool and a cuFFT plan cache (an FFT size's plan is made at its first case
 *  and reused). */
RADX_API radx_status radx_plan_create(radx_ctx *ctx, const radx_params *p, radx_backend backend, radx_plan **out);
/** The backend a plan runs on (AUTO resolved). */
RADX_API radx_backend radx_plan_backend(const radx_plan *plan);
/** What a plan did on its device, over every case it ran.  All zero for the CPU backend. */
typedef struct radx_device_stats {
    unsigned long long peak_bytes;           /**< the most device memory the plan held at once */
    unsigned long long budget_bytes;         /**< what radx keeps within on the device: 90 % of its
                                                  memory, or RADX_CUDA_MEMORY_MIB from the environment */
    long long cpu_fallbacks;                 /**< ops that ran on the CPU for lack of device memory */
    long long tiled_ops;                     /**< ops the device ran in pieces (slabs, chunks) */
    unsigned long long upload_bytes;         /**< host -> device copies */
    unsigned long long download_bytes;       /**< device -> host copies */
    unsigned long long upload_bytes_saved;   /**< copies not made: the data was on the device already */
    unsigned long long download_bytes_saved; /**< results that stayed on the device, never needed on the host */
    unsigned long long narrow_bytes_saved;   /**< bytes spared by copying values in fewer bytes (exactly) */
} radx_device_stats;
/** Fills *s with the plan's device statistics.  @return RADX_OK or RADX_ERR_ARG. */
RADX_API radx_status radx_plan_device_stats(const radx_plan *plan, radx_device_stats *s);
/** Runs one case: reads image and mask (NIfTI .nii/.nii.gz, NRRD .nrrd/.nhdr), validates them,
 *  and computes diagnostics and features.  @param[out] out caller owns; radx_result_destroy.
 *  @param label mask value of the ROI, or 0 to use the plan's setting.
 *  @return RADX_OK or any error status; on error *out is NULL. */
RADX_API radx_status radx_plan_execute(radx_plan *plan, const char *image_path, const char *mask_path, int label,
                                       radx_result **out);
/** Reads a case's two files as radx_plan_execute does, for radx_plan_execute_image later (a
 *  reader thread ahead of the computing ones): both headers first, so that a mask whose size
 *  differs from the image's (where the plan's settings neither resample nor correct the mask) is
 *  refused before either volume's voxels are read.  Free both with radx_image_destroy.
 *  @return as radx_plan_execute for its files. */
RADX_API radx_status radx_plan_read_case(radx_plan *plan, const char *image_path, const char *mask_path,
                                         radx_image **image, radx_image **mask);
/** radx_plan_execute on images in memory (radx_image_read, radx_image_wrap).  Neither is changed;
 *  the mask's grid must match the image's as the files' would (or correctMask: True). */
RADX_API radx_status radx_plan_execute_image(radx_plan *plan, const radx_image *image, const radx_image *mask,
                                             int label, radx_result **out);
/** Destroys a plan.  NULL-safe. */
RADX_API void radx_plan_destroy(radx_plan *plan);

/** Number of entries (diagnostics first, then features, PyRadiomics' order). */
RADX_API size_t radx_result_count(const radx_result *r);
/** Name of entry i, e.g. "original_glcm_Contrast"; owned by r. */
RADX_API const char *radx_result_name(const radx_result *r, size_t i);
/** 1 if entry i is a number (features), 0 if text (most diagnostics). */
RADX_API int radx_result_is_number(const radx_result *r, size_t i);
/** Value of a numeric entry (NaN for text entries). */
RADX_API double radx_result_value(const radx_result *r, size_t i);
/** Text of entry i: the diagnostic's text, or the number as radx_format_number writes it; owned
 *  by r. */
RADX_API const char *radx_result_text(const radx_result *r, size_t i);
/** Entry i's IBSI-1 key: the tag as the IBSI-1 manual's reference tables write it, with
 *  "|AGGREGATION" for texture features ("Fcm.joint.max|3D, averaged") and "IMAGETYPE:" before it
 *  for filtered images; NULL for diagnostics and features without an IBSI code. */
RADX_API const char *radx_result_ibsi_name(const radx_result *r, size_t i);
/** Every entry's name at once (for bindings): the names joined by '\n' into buf, at most len bytes
 *  with the NUL (nothing but the NUL when they do not fit).  @return their length without the
 *  NUL. */
RADX_API size_t radx_result_names(const radx_result *r, char *buf, size_t len);
/** Every entry's value at once: values[i] (NaN for a text entry) and is_number[i] (1 or 0) for the
 *  first n entries (at most the result's count; elements past it are left alone); either array
 *  may be NULL. */
RADX_API void radx_result_values(const radx_result *r, double *values, unsigned char *is_number, size_t n);
/** Index of a named entry, or -1. */
RADX_API long radx_result_find(const radx_result *r, const char *name);
/** Destroys a result.  NULL-safe. */
RADX_API void radx_result_destroy(radx_result *r);
/** Writes v as Python's repr() writes a float, as PyRadiomics' outputs show it: the shortest text
 *  that reads back to the same double ("0.1", "2.0", "1e-05", "nan", "inf").  buf: at least 32
 *  bytes. */
RADX_API void radx_format_number(double v, char *buf, size_t len);

/* ============================================================================================
 * Voxel-based feature maps (PyRadiomics' voxel-based extraction, execute(..., voxelBased=True))
 *
 *     radx_status on_map(void *user, const radx_map *m) {       // one call per finished map
 *         ... m->name, m->grid, m->data (owned by radx, valid during the call) ...
 *         return radx_map_save(ctx, m, path);                    // or copy m->data
 *     }
 *     radx_plan_execute_map(plan, "image.nrrd", "mask.nrrd", 0, on_map, NULL);
 *
 * Every ROI voxel gets the features of the kernel around it (voxelSetting: kernelRadius,
 * maskedKernel, initValue, voxelBatch) with PyRadiomics 3.0.1's semantics, for every enabled
 * image type and every enabled class except shape / shape2D (which have no voxel-based form).
 * Maps are float32 on the working grid: the input image's grid, or the resampled grid when
 * resampledPixelSpacing is set (preCrop: the cropped grid), as PyRadiomics' maps.  Voxels outside
 * the ROI hold initValue.  The library keeps one map in memory at a time (plus the values of one
 * class at the ROI voxels), so memory stays bounded however many maps the settings ask for.
 * ========================================================================================== */

/** Grid of a map. */
typedef radx_grid radx_map_grid;

/** One finished map.  Everything it points to is owned by radx and valid during the callback
 *  only. */
typedef struct radx_map {
    const char *name;          /**< "<imageType>_<class>_<Feature>", e.g. "original_glcm_Contrast" */
    const char *image_type;    /**< "original", "log-sigma-1-0-mm-3D" */
    const char *feature_class; /**< "firstorder", "glcm", ... */
    const char *feature;       /**< "Contrast" */
    size_t index;              /**< 0-based position of this map in the run */
    size_t count;              /**< number of maps the run produces */
    long long n_roi;           /**< ROI voxels (the voxels that were computed) */
    const radx_map_grid *grid;
    const float *data; /**< size[0] * size[1] * size[2] values */
} radx_map;

/** Called once per map, in PyRadiomics' order (image types, classes, features), from the thread
 *  that called radx_plan_execute_map.  Return RADX_OK to go on; any other status stops the run
 *  and radx_plan_execute_map returns it. */
typedef radx_status (*radx_map_callback)(void *user, const radx_map *map);

/** Runs the voxel-based extraction of one case (the files as radx_plan_execute reads them) and
 *  hands every map to cb.  label: mask value of the ROI, or 0 for the plan's setting.  Every
 *  step runs on the plan's backend (the per-voxel features of kernels larger than 7x7x7 voxels
 *  on the CPU); results do not depend on the backend or the thread count.
 *  @return RADX_OK, any error status radx_plan_execute can return (errors in the input files and
 *  settings are found before the first map is handed out), or the status cb returned. */
RADX_API radx_status radx_plan_execute_map(radx_plan *plan, const char *image_path, const char *mask_path, int label,
                                           radx_map_callback cb, void *user);
/** radx_plan_execute_map on images in memory (as radx_plan_execute_image). */
RADX_API radx_status radx_plan_execute_image_map(radx_plan *plan, const radx_image *image, const radx_image *mask,
                                                 int label, radx_map_callback cb, void *user);

/** The response maps of the image types the plan's settings enable (Original, each LoG sigma,
 *  each wavelet sub-band, ...), made of the whole image read from image_path: no mask, no crop,
 *  on the image's grid, float32, as extraction's filters compute them.  Each map is handed to cb
 *  (name and image_type: "log-sigma-3-0-mm-3D"; feature_class and feature ""; n_roi: every voxel).
 *  @return RADX_OK, the errors radx_plan_execute gives for the image and the settings, or the
 *  status cb returned. */
RADX_API radx_status radx_plan_execute_filter(radx_plan *plan, const char *image_path, radx_map_callback cb,
                                              void *user);
/** radx_plan_execute_filter on an image in memory. */
RADX_API radx_status radx_plan_execute_image_filter(radx_plan *plan, const radx_image *image, radx_map_callback cb,
                                                    void *user);

/** Writes a map to path: NIfTI-1 (".nii", ".nii.gz"; qform and sform from the grid, LPS converted
 *  to NIfTI's RAS) or NRRD (".nrrd", gzip-encoded, LPS space), float32.  The file appears whole or
 *  not at all, as a radx_file (below): on failure no file is left and an existing one is
 *  unchanged.
 *  @return RADX_OK, RADX_ERR_ARG (NULL argument, unknown extension), RADX_ERR_IO, RADX_ERR_NOMEM. */
RADX_API radx_status radx_map_save(radx_ctx *ctx, const radx_map *map, const char *path);
/** Writes a map to the open descriptor fd (a radx_file's, say) in format "nii.gz", "nii" or
 *  "nrrd", from its current position.
 *  @return RADX_OK, RADX_ERR_ARG (NULL argument, unknown format), RADX_ERR_IO, RADX_ERR_NOMEM. */
RADX_API radx_status radx_map_save_fd(radx_ctx *ctx, const radx_map *map, int fd, const char *format);

/* ============================================================================================
 * Output files that appear whole or not at all
 *
 *     radx_file *f;
 *     if (radx_file_create(ctx, "out.csv", &f) == RADX_OK) {
 *         write(radx_file_fd(f), text, n);                       // check it; on error:
 *         radx_file_commit(ctx, f);                              //   radx_file_discard(f)
 *     }
 *
 * radx writes its own outputs this way.  A regular file (or a new one) is written unnamed in the
 * target's folder where the filesystem allows (O_TMPFILE), so that nothing is left by a process
 * that dies, even by kill -9, and is put in place in one step at commit; elsewhere it carries a
 * short hidden name (".radx-tmp-" and 16 hex digits, which fits whatever the target's name), that
 * radx_file_discard_all removes.  A new file gets mode 0666 less the umask, a replaced one keeps
 * its mode; a symbolic link stays and its target is replaced.  A character device or a FIFO is
 * written directly (a FIFO that no process opens to read within 5 s is refused); any other kind of file
 * is refused.
 * ========================================================================================== */

typedef struct radx_file radx_file;

/** Starts writing path (which stays as it is until commit).
 *  @return RADX_OK, RADX_ERR_IO (cannot write there; the message names path), RADX_ERR_NOMEM. */
RADX_API radx_status radx_file_create(radx_ctx *ctx, const char *path, radx_file **out);
/** The descriptor to write to (-1 while parked). */
RADX_API int radx_file_fd(const radx_file *f);
/** The path the file goes to (a symbolic link's target), owned by f. */
RADX_API const char *radx_file_path(const radx_file *f);
/** Closes the descriptor until commit, keeping what was written under a hidden name: for a run
 *  holding more files than the process may open. */
RADX_API radx_status radx_file_park(radx_ctx *ctx, radx_file *f);
/** Flushes the file to the disk and puts it at its path in one step; frees f (on failure too,
 *  leaving nothing of it).  @return RADX_OK, RADX_ERR_IO. */
RADX_API radx_status radx_file_commit(radx_ctx *ctx, radx_file *f);
/** Drops an uncommitted file, leaving nothing of it; frees f.  NULL-safe. */
RADX_API void radx_file_discard(radx_file *f);
/** Removes the hidden names of every uncommitted file of the process; async-signal-safe (it only
 *  calls unlink), for a SIGTERM or SIGINT handler.  The files' memory is not freed. */
RADX_API void radx_file_discard_all(void);

#ifdef __cplusplus
}
#endif
#endif
