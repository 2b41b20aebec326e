/* SPDX-License-Identifier: BSD-3-Clause */
/* The radx command line: a thin user of the public API (include/radx.h).  Here: the usage text
 * and the dispatch to the commands (one file each). */
#include <stdio.h>
#include <string.h>
#include "cli.h"

static const char *usage_text =
    "usage: radx extract IMAGE MASK [-p PARAMS.yaml] [-s NAME:VALUE]... [--label N]\n"
    "                    [--device auto|cpu|cuda] [-f txt|csv|json] [-o FILE] [-j THREADS]\n"
    "                    [--names radx|ibsi]\n"
    "       radx batch COHORT.csv -o OUT.csv [-p PARAMS] [-s NAME:VALUE]... [-j N]\n"
    "                  [--device auto|cpu|cuda] [--resume] [--shard I/N]\n"
    "       radx merge A.csv B.csv ... -o ALL.csv\n"
    "       radx delta --baseline A.csv --followup B.csv --id COLUMN[,COLUMN...] -o DELTA.csv\n"
    "                  [--relative]\n"
    "       radx map IMAGE MASK -o DIR [-p PARAMS] [-s NAME:VALUE]... [--label N]\n"
    "                [--device auto|cpu|cuda] [-j THREADS] [-f nii.gz|nii|nrrd] [-q]\n"
    "       radx filter IMAGE -o OUT.nii.gz [-p PARAMS] [-s NAME:VALUE]... [--device auto|cpu|cuda]\n"
    "                   [-j THREADS]\n"
    "       radx --version | --help\n"
    "\n"
    "  IMAGE, MASK     NIfTI (.nii, .nii.gz, .hdr) or NRRD (.nrrd, .nhdr) volumes on the same grid\n"
    "  -p PARAMS       PyRadiomics parameter file (YAML or JSON)\n"
    "  -s NAME:VALUE   override one setting, e.g. -s binWidth:10 -s distances:[1,2]\n"
    "  --label N       mask value of the ROI (default: the 'label' setting, 1)\n"
    "  --device D      auto (CUDA when a device is usable, else CPU), cpu, cuda\n"
    "  -f FORMAT       txt (name: value lines, default), csv (header + one row), json (one object)\n"
    "  -o FILE         write there (atomically: no file is left on error) instead of stdout\n"
    "  -j THREADS      CPU threads (default: all cores)\n"
    "  --names ibsi    key features by IBSI-1 tag (Fcm.joint.max|3D, averaged), only those with one\n"
    "\n"
    "batch: COHORT.csv is PyRadiomics' batch format: a header with Image and Mask (paths, relative\n"
    "  ones from the CSV's folder), optional Label and Label_channel; every column is copied in\n"
    "  front of the features.  -j N cases in flight.  Each finished row is appended whole and\n"
    "  flushed; failed cases go to OUT.errors.csv and make the exit status 1.  --resume skips the\n"
    "  cases already in OUT.csv; --shard I/N does rows I, I+N, I+2N, ... (1-based).\n"
    "merge: joins shard outputs with identical headers (atomically).\n"
    "map: PyRadiomics' voxel-based extraction (voxelSetting kernelRadius, maskedKernel, initValue,\n"
    "  voxelBatch): one float32 map per feature, DIR/<imageType>_<class>_<Feature>.nii.gz (.nrrd when\n"
    "  IMAGE is NRRD, or as -f says) on the image's grid (the resampled grid when resampling), with\n"
    "  initValue outside the ROI; progress on stderr (-q: none).  On error the folder is left as it was.\n"
    "filter: the response map of the one image the parameter file's image types make (Original, one\n"
    "  LoG sigma, ...), over the whole image (no mask, no crop), on its grid, as float32.\n"
    "delta: follow-up minus baseline for every feature of every ID in both files (--relative:\n"
    "  (follow-up - baseline) / baseline).\n"
    "\n"
    "environment: RADX_MEMORY_MIB=N  the memory a case may use (default: physical memory, ulimit -v)\n"
    "             RADX_ALLOW_OUTSIDE_DATA=1  let a detached NRRD header name data outside its folder\n"
    "\n"
    "exit status: 0 ok; 1 a batch case failed; 2 usage or invalid setting; 3 unreadable or corrupt\n"
    "file; 4 image/mask geometry, label or ROI problem; 5 not supported yet; 6 device unavailable;\n"
    "7 out of memory or a size limit; 8 internal error; 9 cannot write output\n";

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage_text, stderr);
        return 2;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        fputs(usage_text, stdout);
        return 0;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("radx %s\n", radx_version());
        return 0;
    }
    radx_cli_signals_install();
    if (!strcmp(argv[1], "extract")) return radx_cmd_extract(argc - 2, argv + 2);
    if (!strcmp(argv[1], "batch")) return radx_cmd_batch(argc - 2, argv + 2);
    if (!strcmp(argv[1], "merge")) return radx_cmd_merge(argc - 2, argv + 2);
    if (!strcmp(argv[1], "delta")) return radx_cmd_delta(argc - 2, argv + 2);
    if (!strcmp(argv[1], "map")) return radx_cmd_map(argc - 2, argv + 2);
    if (!strcmp(argv[1], "filter")) return radx_cmd_filter(argc - 2, argv + 2);
    fprintf(stderr, "radx: unknown command '%s' (see radx --help)\n", argv[1]);
    return 2;
}
