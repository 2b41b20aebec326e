/* SPDX-License-Identifier: BSD-3-Clause */
/* Feature name tables: every feature of every class in PyRadiomics' output order, its
 * getFeatureNames() order (the getters' names, get<Feature>FeatureValue, sorted as dir() sorts them:
 * MeanAbsoluteDeviation before Mean), with PyRadiomics' deprecation flags (generated from PyRadiomics 3.0.1's
 * getFeatureNames()); 2 marks the deprecated features whose PyRadiomics getter raises
 * DeprecationWarning, so PyRadiomics never reports them, even when named.  Feature modules fill out[] in exactly this order. */
#include "params/params.h"
#include "features/features.h"

const radx_feature_info radx_firstorder_features[] = {
    {"10Percentile", 0},
    {"90Percentile", 0},
    {"Energy", 0},
    {"Entropy", 0},
    {"InterquartileRange", 0},
    {"Kurtosis", 0},
    {"Maximum", 0},
    {"MeanAbsoluteDeviation", 0},
    {"Mean", 0},
    {"Median", 0},
    {"Minimum", 0},
    {"Range", 0},
    {"RobustMeanAbsoluteDeviation", 0},
    {"RootMeanSquared", 0},
    {"Skewness", 0},
    {"StandardDeviation", 1},
    {"TotalEnergy", 0},
    {"Uniformity", 0},
    {"Variance", 0},
};
const int radx_firstorder_nfeatures = (int)(sizeof radx_firstorder_features / sizeof radx_firstorder_features[0]);

const radx_feature_info radx_glcm_features[] = {
    {"Autocorrelation", 0},
    {"ClusterProminence", 0},
    {"ClusterShade", 0},
    {"ClusterTendency", 0},
    {"Contrast", 0},
    {"Correlation", 0},
    {"DifferenceAverage", 0},
    {"DifferenceEntropy", 0},
    {"DifferenceVariance", 0},
    {"Dissimilarity", 2},
    {"Homogeneity1", 2},
    {"Homogeneity2", 2},
    {"Id", 0},
    {"Idm", 0},
    {"Idmn", 0},
    {"Idn", 0},
    {"Imc1", 0},
    {"Imc2", 0},
    {"InverseVariance", 0},
    {"JointAverage", 0},
    {"JointEnergy", 0},
    {"JointEntropy", 0},
    {"MCC", 0},
    {"MaximumProbability", 0},
    {"SumAverage", 0},
    {"SumEntropy", 0},
    {"SumSquares", 0},
    {"SumVariance", 2},
};
const int radx_glcm_nfeatures = (int)(sizeof radx_glcm_features / sizeof radx_glcm_features[0]);

const radx_feature_info radx_glrlm_features[] = {
    {"GrayLevelNonUniformity", 0},
    {"GrayLevelNonUniformityNormalized", 0},
    {"GrayLevelVariance", 0},
    {"HighGrayLevelRunEmphasis", 0},
    {"LongRunEmphasis", 0},
    {"LongRunHighGrayLevelEmphasis", 0},
    {"LongRunLowGrayLevelEmphasis", 0},
    {"LowGrayLevelRunEmphasis", 0},
    {"RunEntropy", 0},
    {"RunLengthNonUniformity", 0},
    {"RunLengthNonUniformityNormalized", 0},
    {"RunPercentage", 0},
    {"RunVariance", 0},
    {"ShortRunEmphasis", 0},
    {"ShortRunHighGrayLevelEmphasis", 0},
    {"ShortRunLowGrayLevelEmphasis", 0},
};
const int radx_glrlm_nfeatures = (int)(sizeof radx_glrlm_features / sizeof radx_glrlm_features[0]);

const radx_feature_info radx_glszm_features[] = {
    {"GrayLevelNonUniformity", 0},
    {"GrayLevelNonUniformityNormalized", 0},
    {"GrayLevelVariance", 0},
    {"HighGrayLevelZoneEmphasis", 0},
    {"LargeAreaEmphasis", 0},
    {"LargeAreaHighGrayLevelEmphasis", 0},
    {"LargeAreaLowGrayLevelEmphasis", 0},
    {"LowGrayLevelZoneEmphasis", 0},
    {"SizeZoneNonUniformity", 0},
    {"SizeZoneNonUniformityNormalized", 0},
    {"SmallAreaEmphasis", 0},
    {"SmallAreaHighGrayLevelEmphasis", 0},
    {"SmallAreaLowGrayLevelEmphasis", 0},
    {"ZoneEntropy", 0},
    {"ZonePercentage", 0},
    {"ZoneVariance", 0},
};
const int radx_glszm_nfeatures = (int)(sizeof radx_glszm_features / sizeof radx_glszm_features[0]);

const radx_feature_info radx_gldm_features[] = {
    {"DependenceEntropy", 0},
    {"DependenceNonUniformity", 0},
    {"DependenceNonUniformityNormalized", 0},
    {"DependencePercentage", 2},
    {"DependenceVariance", 0},
    {"GrayLevelNonUniformity", 0},
    {"GrayLevelNonUniformityNormalized", 2},
    {"GrayLevelVariance", 0},
    {"HighGrayLevelEmphasis", 0},
    {"LargeDependenceEmphasis", 0},
    {"LargeDependenceHighGrayLevelEmphasis", 0},
    {"LargeDependenceLowGrayLevelEmphasis", 0},
    {"LowGrayLevelEmphasis", 0},
    {"SmallDependenceEmphasis", 0},
    {"SmallDependenceHighGrayLevelEmphasis", 0},
    {"SmallDependenceLowGrayLevelEmphasis", 0},
};
const int radx_gldm_nfeatures = (int)(sizeof radx_gldm_features / sizeof radx_gldm_features[0]);

const radx_feature_info radx_ngtdm_features[] = {
    {"Busyness", 0}, {"Coarseness", 0}, {"Complexity", 0}, {"Contrast", 0}, {"Strength", 0},
};
const int radx_ngtdm_nfeatures = (int)(sizeof radx_ngtdm_features / sizeof radx_ngtdm_features[0]);

const radx_feature_info radx_shape_features[] = {
    {"Compactness1", 1},
    {"Compactness2", 1},
    {"Elongation", 0},
    {"Flatness", 0},
    {"LeastAxisLength", 0},
    {"MajorAxisLength", 0},
    {"Maximum2DDiameterColumn", 0},
    {"Maximum2DDiameterRow", 0},
    {"Maximum2DDiameterSlice", 0},
    {"Maximum3DDiameter", 0},
    {"MeshVolume", 0},
    {"MinorAxisLength", 0},
    {"SphericalDisproportion", 1},
    {"Sphericity", 0},
    {"SurfaceArea", 0},
    {"SurfaceVolumeRatio", 0},
    {"VoxelVolume", 0},
};
const int radx_shape_nfeatures = (int)(sizeof radx_shape_features / sizeof radx_shape_features[0]);

const radx_feature_info radx_shape2d_features[] = {
    {"Elongation", 0},
    {"MajorAxisLength", 0},
    {"MaximumDiameter", 0},
    {"MeshSurface", 0},
    {"MinorAxisLength", 0},
    {"Perimeter", 0},
    {"PerimeterSurfaceRatio", 0},
    {"PixelSurface", 0},
    {"SphericalDisproportion", 1},
    {"Sphericity", 0},
};
const int radx_shape2d_nfeatures = (int)(sizeof radx_shape2d_features / sizeof radx_shape2d_features[0]);

static const char *const class_names[RADX_CLASS_COUNT] = {"firstorder", "glcm",  "gldm",  "glrlm",
                                                          "glszm",      "ngtdm", "shape", "shape2D"};

const char *radx_class_name(radx_class c) { return ((int)c >= 0 && c < RADX_CLASS_COUNT) ? class_names[c] : "?"; }

void radx_class_table(radx_class c, const radx_feature_info **tab, int *n)
{
    static const radx_feature_info *const tabs[RADX_CLASS_COUNT] = {
        radx_firstorder_features, radx_glcm_features,  radx_gldm_features,  radx_glrlm_features,
        radx_glszm_features,      radx_ngtdm_features, radx_shape_features, radx_shape2d_features};
    const int *const counts[RADX_CLASS_COUNT] = {
        &radx_firstorder_nfeatures, &radx_glcm_nfeatures,  &radx_gldm_nfeatures,  &radx_glrlm_nfeatures,
        &radx_glszm_nfeatures,      &radx_ngtdm_nfeatures, &radx_shape_nfeatures, &radx_shape2d_nfeatures};
    if ((int)c < 0 || c >= RADX_CLASS_COUNT) {
        *tab = NULL;
        *n = 0;
        return;
    }
    *tab = tabs[c];
    *n = *counts[c];
}

int radx_class_order(const radx_params *p, radx_class *order)
{
    int n = 0;
    if (p->n_class_order > 0) {
        for (int i = 0; i < p->n_class_order; i++)
            if (p->cls[p->class_order[i]].enabled) order[n++] = (radx_class)p->class_order[i];
    } else {
        for (int c = 0; c < RADX_CLASS_COUNT; c++)
            if (p->cls[c].enabled) order[n++] = (radx_class)c;
    }
    return n;
}
