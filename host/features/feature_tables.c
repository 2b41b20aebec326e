/* SPDX-License-Identifier: BSD-3-Clause */
/* Feature name tables: every feature of every class in PyRadiomics' output order, its
 * getFeatureNames() order (the getters' names, get<Feature>FeatureValue, sorted as dir() sorts them:
 * MeanAbsoluteDeviation before Mean), with PyRadiomics' deprecation flags (generated from PyRadiomics 3.0.1's
 * getFeatureNames()); 2 marks the deprecated features whose PyRadiomics getter raises
 * DeprecationWarning, so PyRadiomics never reports them, even when named.  Feature modules fill out[] in exactly this order. */
#include "params/params.h"
#include "features/features.h"

const radx_feature_info radx_firstorder_features[] = {
    {"10Percentile", 0, "Fstat.P10"},
    {"90Percentile", 0, "Fstat.P90"},
    {"Energy", 0, "Fstat.energy"},
    {"Entropy", 0, "Fih.entropy"},
    {"InterquartileRange", 0, "Fstat.iqr"},
    {"Kurtosis", 0, "Fstat.kurt"},
    {"Maximum", 0, "Fstat.max"},
    {"MeanAbsoluteDeviation", 0, "Fstat.mad"},
    {"Mean", 0, "Fstat.mean"},
    {"Median", 0, "Fstat.median"},
    {"Minimum", 0, "Fstat.min"},
    {"Range", 0, "Fstat.range"},
    {"RobustMeanAbsoluteDeviation", 0, "Fstat.rmad"},
    {"RootMeanSquared", 0, "Fstat.rms"},
    {"Skewness", 0, "Fstat.skew"},
    {"StandardDeviation", 1, NULL},
    {"TotalEnergy", 0, NULL},
    {"Uniformity", 0, "Fih.uniformity"},
    {"Variance", 0, "Fstat.var"},
};
const int radx_firstorder_nfeatures = (int)(sizeof radx_firstorder_features / sizeof radx_firstorder_features[0]);

const radx_feature_info radx_glcm_features[] = {
    {"Autocorrelation", 0, "Fcm.auto.corr"},
    {"ClusterProminence", 0, "Fcm.clust.prom"},
    {"ClusterShade", 0, "Fcm.clust.shade"},
    {"ClusterTendency", 0, "Fcm.clust.tend"},
    {"Contrast", 0, "Fcm.contrast"},
    {"Correlation", 0, "Fcm.corr"},
    {"DifferenceAverage", 0, "Fcm.diff.avg"},
    {"DifferenceEntropy", 0, "Fcm.diff.entr"},
    {"DifferenceVariance", 0, "Fcm.diff.var"},
    {"Dissimilarity", 2, "Fcm.dissimilarity"},
    {"Homogeneity1", 2, NULL},
    {"Homogeneity2", 2, NULL},
    {"Id", 0, "Fcm.inv.diff"},
    {"Idm", 0, "Fcm.inv.diff.mom"},
    {"Idmn", 0, "Fcm.inv.diff.mom.norm"},
    {"Idn", 0, "Fcm.inv.diff.norm"},
    {"Imc1", 0, "Fcm.info.corr.1"},
    {"Imc2", 0, "Fcm.info.corr.2"},
    {"InverseVariance", 0, "Fcm.inv.var"},
    {"JointAverage", 0, "Fcm.joint.avg"},
    {"JointEnergy", 0, "Fcm.energy"},
    {"JointEntropy", 0, "Fcm.joint.entr"},
    {"MCC", 0, NULL},
    {"MaximumProbability", 0, "Fcm.joint.max"},
    {"SumAverage", 0, "Fcm.sum.avg"},
    {"SumEntropy", 0, "Fcm.sum.entr"},
    {"SumSquares", 0, "Fcm.joint.var"},
    {"SumVariance", 2, "Fcm.sum.var"},
};
const int radx_glcm_nfeatures = (int)(sizeof radx_glcm_features / sizeof radx_glcm_features[0]);

const radx_feature_info radx_glrlm_features[] = {
    {"GrayLevelNonUniformity", 0, "Frlm.glnu"},
    {"GrayLevelNonUniformityNormalized", 0, "Frlm.glnu.norm"},
    {"GrayLevelVariance", 0, "Frlm.gl.var"},
    {"HighGrayLevelRunEmphasis", 0, "Frlm.hgre"},
    {"LongRunEmphasis", 0, "Frlm.lre"},
    {"LongRunHighGrayLevelEmphasis", 0, "Frlm.lrhge"},
    {"LongRunLowGrayLevelEmphasis", 0, "Frlm.lrlge"},
    {"LowGrayLevelRunEmphasis", 0, "Frlm.lgre"},
    {"RunEntropy", 0, "Frlm.rl.entr"},
    {"RunLengthNonUniformity", 0, "Frlm.rlnu"},
    {"RunLengthNonUniformityNormalized", 0, "Frlm.rlnu.norm"},
    {"RunPercentage", 0, "Frlm.r.perc"},
    {"RunVariance", 0, "Frlm.rl.var"},
    {"ShortRunEmphasis", 0, "Frlm.sre"},
    {"ShortRunHighGrayLevelEmphasis", 0, "Frlm.srhge"},
    {"ShortRunLowGrayLevelEmphasis", 0, "Frlm.srlge"},
};
const int radx_glrlm_nfeatures = (int)(sizeof radx_glrlm_features / sizeof radx_glrlm_features[0]);

const radx_feature_info radx_glszm_features[] = {
    {"GrayLevelNonUniformity", 0, "Fszm.glnu"},
    {"GrayLevelNonUniformityNormalized", 0, "Fszm.glnu.norm"},
    {"GrayLevelVariance", 0, "Fszm.gl.var"},
    {"HighGrayLevelZoneEmphasis", 0, "Fszm.hgze"},
    {"LargeAreaEmphasis", 0, "Fszm.lze"},
    {"LargeAreaHighGrayLevelEmphasis", 0, "Fszm.lzhge"},
    {"LargeAreaLowGrayLevelEmphasis", 0, "Fszm.lzlge"},
    {"LowGrayLevelZoneEmphasis", 0, "Fszm.lgze"},
    {"SizeZoneNonUniformity", 0, "Fszm.zsnu"},
    {"SizeZoneNonUniformityNormalized", 0, "Fszm.zsnu.norm"},
    {"SmallAreaEmphasis", 0, "Fszm.sze"},
    {"SmallAreaHighGrayLevelEmphasis", 0, "Fszm.szhge"},
    {"SmallAreaLowGrayLevelEmphasis", 0, "Fszm.szlge"},
    {"ZoneEntropy", 0, "Fszm.zs.entr"},
    {"ZonePercentage", 0, "Fszm.z.perc"},
    {"ZoneVariance", 0, "Fszm.zs.var"},
};
const int radx_glszm_nfeatures = (int)(sizeof radx_glszm_features / sizeof radx_glszm_features[0]);

const radx_feature_info radx_gldm_features[] = {
    {"DependenceEntropy", 0, NULL},
    {"DependenceNonUniformity", 0, NULL},
    {"DependenceNonUniformityNormalized", 0, NULL},
    {"DependencePercentage", 2, NULL},
    {"DependenceVariance", 0, NULL},
    {"GrayLevelNonUniformity", 0, NULL},
    {"GrayLevelNonUniformityNormalized", 2, NULL},
    {"GrayLevelVariance", 0, NULL},
    {"HighGrayLevelEmphasis", 0, NULL},
    {"LargeDependenceEmphasis", 0, NULL},
    {"LargeDependenceHighGrayLevelEmphasis", 0, NULL},
    {"LargeDependenceLowGrayLevelEmphasis", 0, NULL},
    {"LowGrayLevelEmphasis", 0, NULL},
    {"SmallDependenceEmphasis", 0, NULL},
    {"SmallDependenceHighGrayLevelEmphasis", 0, NULL},
    {"SmallDependenceLowGrayLevelEmphasis", 0, NULL},
};
const int radx_gldm_nfeatures = (int)(sizeof radx_gldm_features / sizeof radx_gldm_features[0]);

const radx_feature_info radx_ngtdm_features[] = {
    {"Busyness", 0, "Fngt.busyness"}, {"Coarseness", 0, "Fngt.coarseness"}, {"Complexity", 0, "Fntg.complexity"},
    {"Contrast", 0, "Fngt.contrast"}, {"Strength", 0, "Fngt.strength"},
};
const int radx_ngtdm_nfeatures = (int)(sizeof radx_ngtdm_features / sizeof radx_ngtdm_features[0]);

const radx_feature_info radx_shape_features[] = {
    {"Compactness1", 1, "Fmorph.comp.1"},
    {"Compactness2", 1, "Fmorph.comp.2"},
    {"Elongation", 0, "Fmorph.pca.elongation"},
    {"Flatness", 0, "Fmorph.pca.flatness"},
    {"LeastAxisLength", 0, "Fmorph.pca.least"},
    {"MajorAxisLength", 0, "Fmorph.pca.major"},
    {"Maximum2DDiameterColumn", 0, NULL},
    {"Maximum2DDiameterRow", 0, NULL},
    {"Maximum2DDiameterSlice", 0, NULL},
    {"Maximum3DDiameter", 0, "Fmorph.diam"},
    {"MeshVolume", 0, "Fmorph.vol"},
    {"MinorAxisLength", 0, "Fmorph.pca.minor"},
    {"SphericalDisproportion", 1, "Fmorph.sph.dispr"},
    {"Sphericity", 0, "Fmorph.sphericity"},
    {"SurfaceArea", 0, "Fmorph.area"},
    {"SurfaceVolumeRatio", 0, "Fmorph.av"},
    {"VoxelVolume", 0, "Fmorph.approx.vol"},
};
const int radx_shape_nfeatures = (int)(sizeof radx_shape_features / sizeof radx_shape_features[0]);

/* IBSI-1 classes: IBSI's order (the manual's), names in PyRadiomics' style. */
const radx_feature_info radx_gldzm_features[] = {
    {"SmallDistanceEmphasis", 0, "Fdzm.sde"},
    {"LargeDistanceEmphasis", 0, "Fdzm.lde"},
    {"LowGrayLevelZoneEmphasis", 0, "Fdzm.lgze"},
    {"HighGrayLevelZoneEmphasis", 0, "Fdzm.hgze"},
    {"SmallDistanceLowGrayLevelEmphasis", 0, "Fdzm.sdlge"},
    {"SmallDistanceHighGrayLevelEmphasis", 0, "Fdzm.sdhge"},
    {"LargeDistanceLowGrayLevelEmphasis", 0, "Fdzm.ldlge"},
    {"LargeDistanceHighGrayLevelEmphasis", 0, "Fdzm.ldhge"},
    {"GrayLevelNonUniformity", 0, "Fdzm.glnu"},
    {"GrayLevelNonUniformityNormalized", 0, "Fdzm.glnu.norm"},
    {"ZoneDistanceNonUniformity", 0, "Fdzm.zdnu"},
    {"ZoneDistanceNonUniformityNormalized", 0, "Fdzm.zdnu.norm"},
    {"ZonePercentage", 0, "Fdzm.z.perc"},
    {"GrayLevelVariance", 0, "Fdzm.gl.var"},
    {"ZoneDistanceVariance", 0, "Fdzm.zd.var"},
    {"ZoneDistanceEntropy", 0, "Fdzm.zd.entr"},
};
const int radx_gldzm_nfeatures = (int)(sizeof radx_gldzm_features / sizeof radx_gldzm_features[0]);

const radx_feature_info radx_ngldm_features[] = {
    {"LowDependenceEmphasis", 0, "Fngl.lde"},
    {"HighDependenceEmphasis", 0, "Fngl.hde"},
    {"LowGrayLevelCountEmphasis", 0, "Fngl.lgce"},
    {"HighGrayLevelCountEmphasis", 0, "Fngl.hgce"},
    {"LowDependenceLowGrayLevelEmphasis", 0, "Fngl.ldlge"},
    {"LowDependenceHighGrayLevelEmphasis", 0, "Fngl.ldhge"},
    {"HighDependenceLowGrayLevelEmphasis", 0, "Fngl.hdlge"},
    {"HighDependenceHighGrayLevelEmphasis", 0, "Fngl.hdhge"},
    {"GrayLevelNonUniformity", 0, "Fngl.glnu"},
    {"GrayLevelNonUniformityNormalized", 0, "Fngl.glnu.norm"},
    {"DependenceCountNonUniformity", 0, "Fngl.dcnu"},
    {"DependenceCountNonUniformityNormalized", 0, "Fngl.dcnu.norm"},
    {"DependenceCountPercentage", 0, "Fngl.dc.perc"},
    {"GrayLevelVariance", 0, "Fngl.gl.var"},
    {"DependenceCountVariance", 0, "Fngl.dc.var"},
    {"DependenceCountEntropy", 0, "Fngl.dc.entr"},
    {"DependenceCountEnergy", 0, "Fngl.dc.energy"},
};
const int radx_ngldm_nfeatures = (int)(sizeof radx_ngldm_features / sizeof radx_ngldm_features[0]);

const radx_feature_info radx_ih_features[] = {
    {"Mean", 0, "Fih.mean"},
    {"Variance", 0, "Fih.var"},
    {"Skewness", 0, "Fih.skew"},
    {"Kurtosis", 0, "Fih.kurt"},
    {"Median", 0, "Fih.median"},
    {"Minimum", 0, "Fih.min"},
    {"10Percentile", 0, "Fih.P10"},
    {"90Percentile", 0, "Fih.P90"},
    {"Maximum", 0, "Fih.max"},
    {"Mode", 0, "Fih.mode"},
    {"InterquartileRange", 0, "Fih.iqr"},
    {"Range", 0, "Fih.range"},
    {"MeanAbsoluteDeviation", 0, "Fih.mad"},
    {"RobustMeanAbsoluteDeviation", 0, "Fih.rmad"},
    {"MedianAbsoluteDeviation", 0, "Fih.medad"},
    {"CoefficientOfVariation", 0, "Fih.cov"},
    {"QuartileCoefficientOfDispersion", 0, "Fih.qcod"},
    {"Entropy", 0, "Fih.entropy"},
    {"Uniformity", 0, "Fih.uniformity"},
    {"MaximumHistogramGradient", 0, "Fih.max.grad"},
    {"MaximumHistogramGradientGrayLevel", 0, "Fih.max.grad.gl"},
    {"MinimumHistogramGradient", 0, "Fih.min.grad"},
    {"MinimumHistogramGradientGrayLevel", 0, "Fih.min.grad.gl"},
};
const int radx_ih_nfeatures = (int)(sizeof radx_ih_features / sizeof radx_ih_features[0]);

const radx_feature_info radx_ivh_features[] = {
    {"VolumeAtIntensityFraction10", 0, "Fivh.V10"},      {"VolumeAtIntensityFraction90", 0, "Fivh.V90"},
    {"IntensityAtVolumeFraction10", 0, "Fivh.I10"},      {"IntensityAtVolumeFraction90", 0, "Fivh.I90"},
    {"VolumeFractionDifference", 0, "Fivh.V10minusV90"}, {"IntensityFractionDifference", 0, "Fivh.I10minusI90"},
};
const int radx_ivh_nfeatures = (int)(sizeof radx_ivh_features / sizeof radx_ivh_features[0]);

const radx_feature_info radx_li_features[] = {
    {"LocalIntensityPeak", 0, "Floc.peak.local"},
    {"GlobalIntensityPeak", 0, "Floc.peak.global"},
};
const int radx_li_nfeatures = (int)(sizeof radx_li_features / sizeof radx_li_features[0]);

const radx_feature_info radx_stat_features[] = {
    {"MedianAbsoluteDeviation", 0, "Fstat.medad"},
    {"CoefficientOfVariation", 0, "Fstat.cov"},
    {"QuartileCoefficientOfDispersion", 0, "Fstat.qcod"},
};
const int radx_stat_nfeatures = (int)(sizeof radx_stat_features / sizeof radx_stat_features[0]);

const radx_feature_info radx_morph_features[] = {
    {"Asphericity", 0, "Fmorph.asphericity"},
    {"CentreOfMassShift", 0, "Fmorph.com"},
    {"VolumeDensityAABB", 0, "Fmorph.v.dens.aabb"},
    {"AreaDensityAABB", 0, "Fmorph.a.dens.aabb"},
    {"VolumeDensityAEE", 0, "Fmorph.v.dens.aee"},
    {"AreaDensityAEE", 0, "Fmorph.a.dens.aee"},
    {"VolumeDensityConvexHull", 0, "Fmorph.v.dens.conv.hull"},
    {"AreaDensityConvexHull", 0, "Fmorph.a.dens.conv.hull"},
    {"IntegratedIntensity", 0, "Fmorph.integ.int"},
    {"MoransI", 0, "Fmorph.moran.i"},
    {"GearysC", 0, "Fmorph.geary.c"},
};
const int radx_morph_nfeatures = (int)(sizeof radx_morph_features / sizeof radx_morph_features[0]);

const radx_feature_info radx_shape2d_features[] = {
    {"Elongation", 0, NULL},
    {"MajorAxisLength", 0, NULL},
    {"MaximumDiameter", 0, NULL},
    {"MeshSurface", 0, NULL},
    {"MinorAxisLength", 0, NULL},
    {"Perimeter", 0, NULL},
    {"PerimeterSurfaceRatio", 0, NULL},
    {"PixelSurface", 0, NULL},
    {"SphericalDisproportion", 1, NULL},
    {"Sphericity", 0, NULL},
};
const int radx_shape2d_nfeatures = (int)(sizeof radx_shape2d_features / sizeof radx_shape2d_features[0]);

static const char *const class_names[RADX_CLASS_COUNT] = {"firstorder", "glcm",  "gldm",    "glrlm", "glszm",
                                                          "ngtdm",      "shape", "shape2D", "gldzm", "ih",
                                                          "ivh",        "li",    "morph",   "ngldm", "stat"};

const char *radx_class_name(radx_class c) { return ((int)c >= 0 && c < RADX_CLASS_COUNT) ? class_names[c] : "?"; }

void radx_class_table(radx_class c, const radx_feature_info **tab, int *n)
{
    static const radx_feature_info *const tabs[RADX_CLASS_COUNT] = {
        radx_firstorder_features, radx_glcm_features,  radx_gldm_features,    radx_glrlm_features, radx_glszm_features,
        radx_ngtdm_features,      radx_shape_features, radx_shape2d_features, radx_gldzm_features, radx_ih_features,
        radx_ivh_features,        radx_li_features,    radx_morph_features,   radx_ngldm_features, radx_stat_features};
    const int *const counts[RADX_CLASS_COUNT] = {
        &radx_firstorder_nfeatures, &radx_glcm_nfeatures,  &radx_gldm_nfeatures,  &radx_glrlm_nfeatures,
        &radx_glszm_nfeatures,      &radx_ngtdm_nfeatures, &radx_shape_nfeatures, &radx_shape2d_nfeatures,
        &radx_gldzm_nfeatures,      &radx_ih_nfeatures,    &radx_ivh_nfeatures,   &radx_li_nfeatures,
        &radx_morph_nfeatures,      &radx_ngldm_nfeatures, &radx_stat_nfeatures};
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
