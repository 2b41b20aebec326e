#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Are two builds' outputs byte-identical?  Builds REF (a commit) and the working tree (CPU backend,
# Release), runs both on every shipped case with every shipped parameter file (radx extract in
# txt, csv and json; radx map; radx batch), and compares every output file, exit status and
# error message.  Only the radx version string is masked.  Exit 0 when all are identical.
#
#   bench/compare_builds.sh REF [CURRENT_RADX]
#
# REF: a commit (e.g. HEAD~3); CURRENT_RADX: a radx CLI to use instead of building the working
# tree.  RADX_COMPARE_KEEP=1 keeps the outputs (their folder is printed).  Parameter files that
# enable Wavelet (not computed yet) also run with Wavelet removed.
set -euo pipefail
REF=${1:?usage: compare_builds.sh REF [CURRENT_RADX]}
HERE=$(cd "$(dirname "$0")/.." && pwd)
TMP=$(mktemp -d)
cleanup() {
  git -C "$HERE" worktree remove --force "$TMP/ref" >/dev/null 2>&1 || true
  if [ -n "${RADX_COMPARE_KEEP:-}" ]; then echo "outputs kept in $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
JOBS=$(nproc)

build() { # build SRC_DIR BUILD_DIR
  cmake -S "$1" -B "$2" -DCMAKE_BUILD_TYPE=Release -DRADX_CUDA=OFF -DRADX_BUILD_TESTS=OFF >/dev/null
  cmake --build "$2" -j "$JOBS" --target radx_cli >/dev/null
}

git -C "$HERE" worktree add --detach "$TMP/ref" "$REF" >/dev/null 2>&1
echo "building $REF ..."
build "$TMP/ref" "$TMP/build-ref"
if [ -n "${2:-}" ]; then
  CUR=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
else
  echo "building the working tree ..."
  build "$HERE" "$TMP/build-cur"
  CUR=$TMP/build-cur/radx
fi
REFBIN=$TMP/build-ref/radx

D=$HERE/data
cases=(
  "brain1 $D/pyradiomics/brain1_image.nrrd $D/pyradiomics/brain1_label.nrrd"
  "breast1 $D/pyradiomics/breast1_image.nrrd $D/pyradiomics/breast1_label.nrrd"
  "breast1nii $D/pyradiomics/breast1_image.nii.gz $D/pyradiomics/breast1_label.nii.gz"
  "brain1_2d $D/pyradiomics/brain1_image.nrrd $D/pyradiomics/brain1_label_2D.nrrd"
  "ibsi1 $D/ibsi1/digital_phantom/image.nii.gz $D/ibsi1/digital_phantom/mask.nii.gz"
)
mkdir -p "$TMP/params"
params=(default)
for f in "$D"/lung_ct_egfr_delta.yaml "$D"/pyradiomics/params/*.yaml "$D"/pyradiomics/baseline_params/*.yaml \
  "$D"/ibsi1/ibsi1_digital_phantom.yaml; do
  n=$(basename "$(dirname "$f")")_$(basename "$f" .yaml)
  cp "$f" "$TMP/params/$n.yaml"
  params+=("$n")
  if grep -q '^ *Wavelet:' "$f"; then # the same without Wavelet
    sed '/^ *Wavelet:/d' "$f" > "$TMP/params/${n}_nowavelet.yaml"
    params+=("${n}_nowavelet")
  fi
done

# one command line per job: OUTDIR-relative name, then the radx arguments
jobs_file=$TMP/jobs
: > "$jobs_file"
for c in "${cases[@]}"; do
  read -r cname img msk <<< "$c"
  for p in "${params[@]}"; do
    pa=""
    [ "$p" != default ] && pa="-p $TMP/params/$p.yaml"
    for f in txt csv json; do
      echo "extract_${cname}_${p}.$f extract $img $msk $pa -f $f --device cpu -j 1" >> "$jobs_file"
    done
  done
done
for m in "brain1 default" "breast1 default" "brain1 data_lung_ct_egfr_delta" "ibsi1 ibsi1_ibsi1_digital_phantom"; do
  read -r cname p <<< "$m"
  for c in "${cases[@]}"; do
    read -r n img msk <<< "$c"
    [ "$n" = "$cname" ] || continue
    pa=""
    [ "$p" != default ] && pa="-p $TMP/params/$p.yaml"
    echo "map_${cname}_${p} map $img $msk -o @OUT@/map_${cname}_${p} $pa -f nrrd -q --device cpu -j 1" >> "$jobs_file"
  done
done

run_all() { # run_all BIN OUTDIR
  local bin=$1 out=$2
  mkdir -p "$out"
  {
    echo "Case,Image,Mask"
    for c in "${cases[@]}"; do
      read -r cname img msk <<< "$c"
      echo "$cname,$img,$msk"
    done
  } > "$out/cohort.csv"
  while read -r name args; do
    args=${args//@OUT@/$out}
    printf '%s\0' "$name" "$args"
  done < "$jobs_file" | BIN=$bin OUT=$out xargs -0 -n 2 -P "$JOBS" bash -c '
    name=$1; args=$2
    case $name in map_*) mkdir -p "$OUT/$name" ;; esac
    # shellcheck disable=SC2086
    "$BIN" $args > "$OUT/$name.stdout" 2> "$OUT/$name.stderr"
    echo $? > "$OUT/$name.rc"' _
  for p in default lung_ct_egfr_delta; do
    pa=()
    [ "$p" != default ] && pa=(-p "$D/lung_ct_egfr_delta.yaml")
    rc=0
    "$bin" batch "$out/cohort.csv" -o "$out/batch_$p.csv" "${pa[@]}" -j 2 --device cpu \
      > "$out/batch_$p.stdout" 2> "$out/batch_$p.stderr" || rc=$?
    echo $rc > "$out/batch_$p.rc"
    sed -i -E '/^radx batch: [0-9]+\/[0-9]+ cases done/d' "$out/batch_$p.stderr" # progress: timings
  done
  # the version string is the one difference allowed
  { grep -rlZ "0\.[0-9]*\.[0-9]" "$out" --include='*.stdout' --include='*.csv' || true; } | xargs -0 -r sed -i -E \
    's/(diagnostics_Versions_radx[": ,]*)[0-9]+\.[0-9]+\.[0-9]+/\1VERSION/g; s/^(radx )[0-9]+\.[0-9]+\.[0-9]+/\1VERSION/'
}
echo "running $(wc -l < "$jobs_file") commands and 2 batches with each build ..."
run_all "$REFBIN" "$TMP/out-ref"
run_all "$CUR" "$TMP/out-cur"
# csv batches: the version is a column of every row
for f in "$TMP"/out-*/batch_*.csv; do
  python3 - "$f" <<'EOF'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline='')))
if rows and 'diagnostics_Versions_radx' in rows[0]:
    k = rows[0].index('diagnostics_Versions_radx')
    for r in rows[1:]:
        if len(r) > k: r[k] = 'VERSION'
    csv.writer(open(sys.argv[1], 'w', newline=''), lineterminator='\n').writerows(rows)
EOF
done
sed -i "s#$TMP/out-ref#OUT#g" "$TMP"/out-ref/*.stderr "$TMP"/out-ref/*.stdout 2>/dev/null || true
sed -i "s#$TMP/out-cur#OUT#g" "$TMP"/out-cur/*.stderr "$TMP"/out-cur/*.stdout 2>/dev/null || true

nfiles=$(find "$TMP/out-ref" -type f | wc -l)
nfail=$(grep -L '^0$' "$TMP"/out-ref/*.rc | wc -l)
if diff -rq "$TMP/out-ref" "$TMP/out-cur" > "$TMP/diff.txt"; then
  echo "identical: $nfiles files ($nfail commands failing the same way in both, e.g. Wavelet not computed)"
  exit 0
fi
echo "DIFFERENT ($(wc -l < "$TMP/diff.txt") of $nfiles files):"
head -20 "$TMP/diff.txt"
first=$(head -1 "$TMP/diff.txt" | awk '{print $2}')
[ -f "$first" ] && diff "$first" "${first/out-ref/out-cur}" | head -20
exit 1
