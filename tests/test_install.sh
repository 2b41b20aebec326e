#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The installed library as a C user meets it: `cmake --install` into a temporary prefix, then the
# example program of include/radx.h (the @code block, taken from the header itself) built four
# ways, shared and static, through pkg-config and through find_package(radx), and each run on
# the shipped brain1 case with a parameter file.  All four must succeed and print the same
# features; the static builds must not need libradx.so.
#   tests/test_install.sh BUILD_DIR SOURCE_DIR [SANITIZERS]
# Exits 77 (skipped) without a C compiler or pkg-config, or in a sanitizer build (a program
# linked against its static library would need the same sanitizers).
set -u
BUILD=${1:?usage: test_install.sh BUILD_DIR SOURCE_DIR [SANITIZERS]}
SRC=${2:?usage: test_install.sh BUILD_DIR SOURCE_DIR [SANITIZERS]}
SAN=${3:-}
CC=${CC:-cc}
if [ -n "$SAN" ]; then echo "test_install: sanitizer build ($SAN): skipped"; exit 77; fi
for t in "$CC" pkg-config cmake; do
  command -v "$t" > /dev/null || { echo "test_install: $t not found: skipped"; exit 77; }
done
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "test_install: FAIL: $*"; exit 1; }

cmake --install "$BUILD" --prefix "$TMP/prefix" > "$TMP/install.log" 2>&1 || { cat "$TMP/install.log"; fail "cmake --install"; }
PC=$(find "$TMP/prefix" -name radx.pc | head -1)
[ -n "$PC" ] || fail "no radx.pc installed"
LIBDIR=$(dirname "$(dirname "$PC")")
export PKG_CONFIG_PATH="$(dirname "$PC")"
[ -f "$LIBDIR/libradx.a" ] && [ -f "$LIBDIR/libradx.so" ] || fail "libradx.a or libradx.so missing in $LIBDIR"
[ -f "$TMP/prefix/include/radx.h" ] || fail "radx.h not installed"

# the header's example, as a file
sed -n '/@code/,/@endcode/p' "$SRC/include/radx.h" | sed '1d;$d' | sed -E 's/^ \* ?//' > "$TMP/example.c"
grep -q "radx_plan_execute" "$TMP/example.c" || fail "no example program in include/radx.h"

# 1, 2: pkg-config, shared and static
"$CC" -o "$TMP/ex_pc_shared" "$TMP/example.c" $(pkg-config --cflags --libs radx) -Wl,-rpath,"$LIBDIR" \
  2> "$TMP/cc1.log" || { cat "$TMP/cc1.log"; fail "pkg-config, shared: does not build"; }
"$CC" -o "$TMP/ex_pc_static" "$TMP/example.c" $(pkg-config --cflags radx) "$LIBDIR/libradx.a" \
  $(pkg-config --libs --static radx | sed -E 's/(^| )-lradx( |$)/ /') 2> "$TMP/cc2.log" ||
  { cat "$TMP/cc2.log"; fail "pkg-config, static: does not build"; }

# 3, 4: find_package(radx), radx::radx and radx::radx_static
mkdir -p "$TMP/consumer"
cp "$TMP/example.c" "$TMP/consumer/"
cat > "$TMP/consumer/CMakeLists.txt" << 'EOF'
cmake_minimum_required(VERSION 3.20)
project(radx_consumer C CXX)
find_package(radx 0.1 REQUIRED)
add_executable(ex_cmake_shared example.c)
target_link_libraries(ex_cmake_shared PRIVATE radx::radx)
add_executable(ex_cmake_static example.c)
target_link_libraries(ex_cmake_static PRIVATE radx::radx_static)
EOF
cmake -S "$TMP/consumer" -B "$TMP/consumer/build" -DCMAKE_PREFIX_PATH="$TMP/prefix" \
  -DCMAKE_BUILD_RPATH="$LIBDIR" > "$TMP/cmake.log" 2>&1 || { cat "$TMP/cmake.log"; fail "find_package(radx)"; }
cmake --build "$TMP/consumer/build" > "$TMP/cmake-build.log" 2>&1 || { tail -30 "$TMP/cmake-build.log"; fail "CMake consumer build"; }
cp "$TMP/consumer/build/ex_cmake_shared" "$TMP/consumer/build/ex_cmake_static" "$TMP/"

# the static programs stand alone
for p in ex_pc_static ex_cmake_static; do
  ldd "$TMP/$p" 2> /dev/null | grep -q libradx && fail "$p needs libradx.so"
done
ldd "$TMP/ex_pc_shared" | grep -q libradx.so || fail "ex_pc_shared is not linked against libradx.so"

# every one runs the case and prints the same features
D=$SRC/data
ref=""
for p in ex_pc_shared ex_pc_static ex_cmake_shared ex_cmake_static; do
  "$TMP/$p" "$D/pyradiomics/brain1_image.nrrd" "$D/pyradiomics/brain1_label.nrrd" "$D/lung_ct_egfr_delta.yaml" \
    > "$TMP/$p.out" 2> "$TMP/$p.err" || { cat "$TMP/$p.err"; fail "$p exited with an error"; }
  n=$(grep -c ': ' "$TMP/$p.out")
  grep -q '^log-sigma-3-0-mm-3D_glcm_Contrast: ' "$TMP/$p.out" || fail "$p: no LoG GLCM feature in its output"
  if [ -z "$ref" ]; then
    ref=$p
  else
    cmp -s "$TMP/$ref.out" "$TMP/$p.out" || fail "$p prints other features than $ref"
  fi
  echo "test_install: $p: $n features"
done
echo "test_install: the header's example builds four ways against the installed library and runs: ok"
