/* SPDX-License-Identifier: BSD-3-Clause */
/* The settings PyRadiomics 3.0.1 knows (schemas/paramSchema.yaml, in its order) with their
 * types, ranges and sections, and the names its checks accept. */
#include <stdio.h>
#include <string.h>
#include "params/params.h"
#include "params/params_internal.h"

const keydef radx_param_keys[K_COUNT] = {
    [K_MINROIDIM] = {"minimumROIDimensions", T_INT, R_1_3, S_SETTING, 0},
    [K_MINROISIZE] = {"minimumROISize", T_INT, R_GT0, S_SETTING, 1},
    [K_GEOMTOL] = {"geometryTolerance", T_FLOAT, R_GT0, S_SETTING, 1},
    [K_CORRECTMASK] = {"correctMask", T_BOOL, R_NONE, S_SETTING, 1},
    [K_ADDINFO] = {"additionalInfo", T_BOOL, R_NONE, S_SETTING, 1},
    [K_LABEL] = {"label", T_INT, R_GT0, S_SETTING, 0},
    [K_LABELCH] = {"label_channel", T_INT, R_GE0, S_SETTING, 0},
    [K_BINWIDTH] = {"binWidth", T_FLOAT, R_GT0, S_SETTING, 0},
    [K_BINCOUNT] = {"binCount", T_INT, R_GT0, S_SETTING, 1},
    [K_NORMALIZE] = {"normalize", T_BOOL, R_NONE, S_SETTING, 1},
    [K_NORMSCALE] = {"normalizeScale", T_FLOAT, R_GT0, S_SETTING, 0},
    [K_REMOVEOUT] = {"removeOutliers", T_FLOAT, R_GT0, S_SETTING, 1},
    [K_RESAMPLED] = {"resampledPixelSpacing", T_SEQF, R_GE0, S_SETTING, 1},
    [K_INTERP] = {"interpolator", T_INTERP, R_NONE, S_SETTING, 1},
    [K_PADDIST] = {"padDistance", T_INT, R_GE0, S_SETTING, 0},
    [K_DISTANCES] = {"distances", T_SEQI, R_GT0, S_SETTING, 0},
    [K_FORCE2D] = {"force2D", T_BOOL, R_NONE, S_SETTING, 1},
    [K_FORCE2DDIM] = {"force2Ddimension", T_INT, R_0_2, S_SETTING, 0},
    [K_RESEGRANGE] = {"resegmentRange", T_SEQF, R_NONE, S_SETTING, 1},
    [K_RESEGMODE] = {"resegmentMode", T_STR, R_NONE, S_SETTING, 0},
    [K_RESEGSHAPE] = {"resegmentShape", T_BOOL, R_NONE, S_SETTING, 1},
    [K_PRECROP] = {"preCrop", T_BOOL, R_NONE, S_SETTING, 1},
    [K_SIGMA] = {"sigma", T_SEQF, R_GT0, S_SETTING, 0},
    [K_STARTLEVEL] = {"start_level", T_INT, R_GE0, S_SETTING, 0},
    [K_LEVEL] = {"level", T_INT, R_GT0, S_SETTING, 0},
    [K_WAVELET] = {"wavelet", T_STR, R_NONE, S_SETTING, 0},
    [K_GRADSPACING] = {"gradientUseSpacing", T_BOOL, R_NONE, S_SETTING, 1},
    [K_LBP2DRADIUS] = {"lbp2DRadius", T_FLOAT, R_GT0, S_SETTING, 0},
    [K_LBP2DSAMPLES] = {"lbp2DSamples", T_INT, R_GT0, S_SETTING, 0},
    [K_LBP2DMETHOD] = {"lbp2DMethod", T_STR, R_NONE, S_SETTING, 0},
    [K_LBP3DLEVELS] = {"lbp3DLevels", T_INT, R_GT0, S_SETTING, 0},
    [K_LBP3DRADIUS] = {"lbp3DIcosphereRadius", T_FLOAT, R_GT0, S_SETTING, 0},
    [K_LBP3DSUBDIV] = {"lbp3DIcosphereSubdivision", T_INT, R_GE0, S_SETTING, 0},
    [K_VOXSHIFT] = {"voxelArrayShift", T_INT, R_NONE, S_SETTING, 0},
    [K_SYMGLCM] = {"symmetricalGLCM", T_BOOL, R_NONE, S_SETTING, 1},
    [K_WNORM] = {"weightingNorm", T_WNORM, R_NONE, S_SETTING, 1},
    [K_GLDMA] = {"gldm_a", T_INT, R_GE0, S_SETTING, 0},
    [K_IBSIKURT] = {"ibsiKurtosisExcess", T_BOOL, R_NONE, S_RADX, 1},
    [K_LOGKERNEL] = {"logKernel", T_STR, R_NONE, S_RADX, 0},
    [K_TEXAGG] = {"textureAggregation", T_SEQS, R_NONE, S_RADX, 1},
    [K_FILTERBC] = {"filterBoundary", T_STR, R_NONE, S_RADX, 0},
    [K_MEANSUPPORT] = {"meanSupport", T_INT, R_GT0, S_RADX, 0},
    [K_SIMLEVEL] = {"simoncelliLevel", T_INT, R_GT0, S_RADX, 0},
    [K_GABORSIGMA] = {"gaborSigma", T_FLOAT, R_GT0, S_RADX, 0},
    [K_GABORLAMBDA] = {"gaborLambda", T_FLOAT, R_GT0, S_RADX, 0},
    [K_GABORGAMMA] = {"gaborGamma", T_FLOAT, R_GT0, S_RADX, 0},
    [K_GABORANGLE] = {"gaborAngle", T_FLOAT, R_NONE, S_RADX, 0},
    [K_GABORSTEP] = {"gaborAngleStep", T_FLOAT, R_GT0, S_RADX, 0},
    [K_WAVEBANDS] = {"waveletDecomposition", T_STR, R_NONE, S_RADX, 0},
    [K_LAWSKERNEL] = {"lawsKernel", T_STR, R_NONE, S_RADX, 0},
    [K_ROTINV] = {"rotationInvariance", T_BOOL, R_NONE, S_RADX, 1},
    [K_ROTPOOL] = {"rotationPooling", T_STR, R_NONE, S_RADX, 0},
    [K_LAWSDELTA] = {"lawsEnergyDelta", T_INT, R_GE0, S_RADX, 1},
    [K_IBSI] = {"ibsi", T_BOOL, R_NONE, S_RADX, 1},
    [K_IBSIINTERP] = {"ibsiInterpolation", T_BOOL, R_NONE, S_RADX, 1},
    [K_IBSIMASKTH] = {"ibsiMaskThreshold", T_FLOAT, R_GT0, S_RADX, 0},
    [K_IBSIROUND] = {"ibsiRoundIntensities", T_BOOL, R_NONE, S_RADX, 1},
    [K_IBSIDISC] = {"ibsiDiscretisation", T_BOOL, R_NONE, S_RADX, 1},
    [K_IBSIOUTLIER] = {"ibsiOutlierSigma", T_FLOAT, R_GT0, S_RADX, 1},
    [K_IBSIPCA] = {"ibsiPCA", T_BOOL, R_NONE, S_RADX, 1},
    [K_IBSIMORPH] = {"ibsiMorphologicalMask", T_BOOL, R_NONE, S_RADX, 1},
    [K_IVHBINWIDTH] = {"ivhBinWidth", T_FLOAT, R_GT0, S_RADX, 1},
    [K_IVHBINCOUNT] = {"ivhBinCount", T_INT, R_GT0, S_RADX, 1},
    [K_KERNELRADIUS] = {"kernelRadius", T_INT, R_GT0, S_VOXEL, 0},
    [K_MASKEDKERNEL] = {"maskedKernel", T_BOOL, R_NONE, S_VOXEL, 1},
    [K_INITVALUE] = {"initValue", T_FLOAT, R_NONE, S_VOXEL, 0},
    [K_VOXELBATCH] = {"voxelBatch", T_INT, R_GT0, S_VOXEL, 0},
};

const char *const radx_interp_names[] = {"sitkNearestNeighbor",
                                         "sitkLinear",
                                         "sitkBSpline",
                                         "sitkGaussian",
                                         "sitkLabelGaussian",
                                         "sitkHammingWindowedSinc",
                                         "sitkCosineWindowedSinc",
                                         "sitkWelchWindowedSinc",
                                         "sitkLanczosWindowedSinc",
                                         "sitkBlackmanWindowedSinc"}; /* integer i (1..10) is [i - 1] */
const char *const radx_wnorm_names[] = {"manhattan", "euclidean", "infinity", "no_weighting"}; /* enum order */
const char *const radx_reseg_names[] = {"absolute", "relative", "sigma"};
const char *const radx_logkernel_names[] = {"pyradiomics", "ibsi"};
const char *const radx_pooling_names[] = {"max", "mean", "min"};                     /* RADX_POOL_* order */
const char *const radx_boundary_names[] = {"zero", "nearest", "mirror", "periodic"}; /* radx_log_boundary order */
const char *const radx_lbp2d_methods[] = {"default", "ror", "uniform", "var"};
/* pywt.wavelist() of PyWavelets 1.x (PyRadiomics' checkWavelet) */
const char *const radx_wavelet_names[] = {
    "bior1.1", "bior1.3", "bior1.5", "bior2.2", "bior2.4", "bior2.6", "bior2.8", "bior3.1", "bior3.3", "bior3.5",
    "bior3.7", "bior3.9", "bior4.4", "bior5.5", "bior6.8", "cgau1",   "cgau2",   "cgau3",   "cgau4",   "cgau5",
    "cgau6",   "cgau7",   "cgau8",   "cmor",    "coif1",   "coif2",   "coif3",   "coif4",   "coif5",   "coif6",
    "coif7",   "coif8",   "coif9",   "coif10",  "coif11",  "coif12",  "coif13",  "coif14",  "coif15",  "coif16",
    "coif17",  "db1",     "db2",     "db3",     "db4",     "db5",     "db6",     "db7",     "db8",     "db9",
    "db10",    "db11",    "db12",    "db13",    "db14",    "db15",    "db16",    "db17",    "db18",    "db19",
    "db20",    "db21",    "db22",    "db23",    "db24",    "db25",    "db26",    "db27",    "db28",    "db29",
    "db30",    "db31",    "db32",    "db33",    "db34",    "db35",    "db36",    "db37",    "db38",    "dmey",
    "fbsp",    "gaus1",   "gaus2",   "gaus3",   "gaus4",   "gaus5",   "gaus6",   "gaus7",   "gaus8",   "haar",
    "mexh",    "morl",    "rbio1.1", "rbio1.3", "rbio1.5", "rbio2.2", "rbio2.4", "rbio2.6", "rbio2.8", "rbio3.1",
    "rbio3.3", "rbio3.5", "rbio3.7", "rbio3.9", "rbio4.4", "rbio5.5", "rbio6.8", "shan",    "sym2",    "sym3",
    "sym4",    "sym5",    "sym6",    "sym7",    "sym8",    "sym9",    "sym10",   "sym11",   "sym12",   "sym13",
    "sym14",   "sym15",   "sym16",   "sym17",   "sym18",   "sym19",   "sym20"};

const char *const radx_imtype_names[RADX_IMG_COUNT] = {
    "Original", "LoG",   "Wavelet", "Square", "SquareRoot",  "Logarithm", "Exponential", "Gradient",
    "LBP2D",    "LBP3D", "Mean",    "Laws",   "WaveletIBSI", "Gabor",     "Simoncelli"};
const char *const radx_class_names[RADX_CLASS_COUNT] = {"firstorder", "glcm",  "gldm",    "glrlm", "glszm",
                                                        "ngtdm",      "shape", "shape2D", "gldzm", "ih",
                                                        "ivh",        "li",    "morph",   "ngldm", "stat"};

static const char *const agg_ibsi[RADX_AGG_COUNT] = {"",
                                                     "2D, averaged",
                                                     "2D, slice-merged",
                                                     "2.5D, direction-merged",
                                                     "2.5D, merged",
                                                     "3D, averaged",
                                                     "3D, merged",
                                                     "2D",
                                                     "2.5D",
                                                     "3D"};
static const char *const agg_suffix[RADX_AGG_COUNT] = {"",      "2Davg", "2Dsmrg", "2.5Ddmrg", "2.5Dvmrg",
                                                       "3Davg", "3Dmrg", "2D",     "2.5D",     "3D"};

const char *radx_aggregation_ibsi(radx_aggregation a) { return (unsigned)a < RADX_AGG_COUNT ? agg_ibsi[a] : ""; }
const char *radx_aggregation_suffix(radx_aggregation a) { return (unsigned)a < RADX_AGG_COUNT ? agg_suffix[a] : ""; }

radx_aggregation radx_aggregation_parse(const char *s)
{
    for (int a = 1; a < RADX_AGG_COUNT; a++)
        if (!strcmp(s, agg_ibsi[a]) || !strcmp(s, agg_suffix[a])) return (radx_aggregation)a;
    return RADX_AGG_PYRADIOMICS;
}

const char *radx_params_imtype_name(radx_imtype t)
{
    return ((int)t >= 0 && t < RADX_IMG_COUNT) ? radx_imtype_names[t] : "?";
}

int radx_find_name(const char *const *names, int n, const char *s)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(names[i], s)) return i;
    return -1;
}

int radx_find_key(const char *name)
{
    for (int k = 0; k < K_COUNT; k++)
        if (!strcmp(radx_param_keys[k].name, name)) return k;
    return -1;
}

void radx_join_names(char *out, size_t len, const char *const *names, int n)
{
    size_t o = 0;
    out[0] = 0;
    for (int i = 0; i < n && o + 1 < len; i++) {
        int w = snprintf(out + o, len - o, "%s%s", i ? ", " : "", names[i]);
        if (w < 0) break;
        o += (size_t)w;
    }
}
