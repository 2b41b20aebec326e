#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Cases per second of `radx batch` on a cohort made of the shipped cases (brain1 and breast1,
# repeated), at -j 1 and -j 2 (or the values given), with the settings given (default: none).
#   bench/bench_cohort.sh build/radx [N_CASES] [PARAMS.yaml]
set -euo pipefail
RADX=${1:?usage: bench_cohort.sh RADX [N_CASES] [PARAMS]}
N=${2:-40}
PARAMS=${3:-}
HERE=$(cd "$(dirname "$0")/.." && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
{
  echo "Case,Image,Mask"
  for ((i = 0; i < N; i++)); do
    if ((i % 2)); then c=breast1; else c=brain1; fi
    echo "C$i,$HERE/data/pyradiomics/${c}_image.nrrd,$HERE/data/pyradiomics/${c}_label.nrrd"
  done
} > "$TMP/cohort.csv"
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores"
for j in 1 2; do
  args=("$RADX" batch "$TMP/cohort.csv" -o "$TMP/out$j.csv" -j "$j" --device cpu)
  [ -n "$PARAMS" ] && args+=(-p "$PARAMS")
  t0=$(date +%s.%N)
  "${args[@]}" 2>/dev/null
  t1=$(date +%s.%N)
  echo "radx batch -j $j: $N cases in $(echo "$t1 - $t0" | bc -l | xargs printf '%.2f') s = $(echo "$N / ($t1 - $t0)" | bc -l | xargs printf '%.1f') cases/s${PARAMS:+ ($PARAMS)}"
done
