/* SPDX-License-Identifier: BSD-3-Clause */
/* The radx command line's commands (host/main.c dispatches). */
#ifndef RADX_CLI_H
#define RADX_CLI_H
#include "radx.h"

/* exit status of a failed call: 2 usage/setting, 3 file, 4 geometry/label/ROI/value,
 * 5 unsupported, 6 device, 7 memory, 8 internal */
int radx_cli_exit_code(radx_status s);
int radx_cmd_batch(int argc, char **argv);
int radx_cmd_merge(int argc, char **argv);
int radx_cmd_delta(int argc, char **argv);
int radx_cmd_map(int argc, char **argv);   /* host/cli_map.c */
#endif
