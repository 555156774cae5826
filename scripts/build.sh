#!/usr/bin/env bash
# Configures and builds etl with CMake.
#
#   scripts/build.sh [--werror] [--debug] [--sanitize | --fuzz] [--target T]... [BUILD_DIR]
#                    [-- EXTRA_CMAKE_ARGS...]
#
# BUILD_DIR defaults to <repo>/build. The build type is Release (--debug: Debug; or set
# CMAKE_BUILD_TYPE). Warnings are errors (ETL_WARNINGS_AS_ERRORS=ON) with --werror, when
# CI=true, or when ETL_WARNINGS_AS_ERRORS=ON is in the environment. Builds with all cores.
# --sanitize: the app and the tests scripts/sanitize.sh runs, with -fsanitize=address,undefined,
#   no recovery, into <repo>/build-sanitize by default (-O1 -g1, test code -O0; the compiler is
#   $CXX or c++).
# --fuzz: only the libFuzzer targets (tests/fuzz), with clang++-14 and address,undefined, into
#   <repo>/build-fuzz by default. See docs/hardening.md.
# --target T: build only target T (and what it needs); repeatable. Default: everything.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

die() {
  echo "build.sh: $*" >&2
  exit 1
}

build_dir=""
build_type="${CMAKE_BUILD_TYPE:-Release}"
flavour=plain
targets=()
werror="${ETL_WARNINGS_AS_ERRORS:-OFF}"
[[ "${CI:-}" == "true" ]] && werror=ON
extra_args=()
while (($# > 0)); do
  case "$1" in
    --werror) werror=ON ;;
    --debug) build_type=Debug ;;
    --sanitize) flavour=sanitize ;;
    --fuzz) flavour=fuzz ;;
    --target)
      (($# > 1)) || die "--target needs a target name"
      shift
      targets+=(--target "$1")
      ;;
    --)
      shift
      extra_args=("$@")
      break
      ;;
    -h | --help)
      sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    -*) die "unknown option '$1' (see --help)" ;;
    *) build_dir="$1" ;;
  esac
  shift
done

command -v cmake >/dev/null || die "cmake is missing (run scripts/install-deps.sh)"
jobs=$(nproc 2>/dev/null || echo 2)

flavour_args=()
case "$flavour" in
  plain) build_dir="${build_dir:-$REPO_ROOT/build}" ;;
  sanitize)
    build_dir="${build_dir:-$REPO_ROOT/build-sanitize}"
    [[ -n "${CMAKE_BUILD_TYPE:-}" ]] || build_type=RelWithDebInfo
    # -O1 -g1: the usual sanitizer setting (readable stacks, compiles and runs fast enough).
    flavour_args=(-DETL_SANITIZE=address,undefined -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1")
    ;;
  fuzz)
    build_dir="${build_dir:-$REPO_ROOT/build-fuzz}"
    [[ -n "${CMAKE_BUILD_TYPE:-}" ]] || build_type=RelWithDebInfo
    clangxx=$(command -v clang++-14 || command -v clang++ || true)
    [[ -n "$clangxx" ]] || die "--fuzz needs clang++-14 (run scripts/install-deps.sh)"
    flavour_args=(-DCMAKE_CXX_COMPILER="$clangxx" -DETL_FUZZ=ON -DETL_SANITIZE=address,undefined)
    ((${#targets[@]} > 0)) || targets=(--target spec_loader_fuzz)
    ;;
esac

echo "build.sh: configuring $build_dir ($build_type, $flavour, warnings as errors: $werror)"
cmake -S "$REPO_ROOT" -B "$build_dir" -DCMAKE_BUILD_TYPE="$build_type" \
  -DETL_WARNINGS_AS_ERRORS="$werror" "${flavour_args[@]}" "${extra_args[@]}" ||
  die "cmake configure failed"
echo "build.sh: building with $jobs jobs"
cmake --build "$build_dir" -j "$jobs" "${targets[@]}" ||
  die "build failed (see the compiler output above)"
if [[ $flavour == fuzz ]]; then
  echo "build.sh: built $build_dir/tests/fuzz/spec_loader_fuzz"
else
  echo "build.sh: built $build_dir/apps/etl"
fi
