#!/usr/bin/env bash
# Configures and builds etl with CMake.
#
#   scripts/build.sh [--werror] [--debug] [BUILD_DIR] [-- EXTRA_CMAKE_ARGS...]
#
# BUILD_DIR defaults to <repo>/build. The build type is Release (--debug: Debug; or set
# CMAKE_BUILD_TYPE). Warnings are errors (ETL_WARNINGS_AS_ERRORS=ON) with --werror, when
# CI=true, or when ETL_WARNINGS_AS_ERRORS=ON is in the environment. Builds with all cores.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

die() {
  echo "build.sh: $*" >&2
  exit 1
}

build_dir="$REPO_ROOT/build"
build_type="${CMAKE_BUILD_TYPE:-Release}"
werror="${ETL_WARNINGS_AS_ERRORS:-OFF}"
[[ "${CI:-}" == "true" ]] && werror=ON
extra_args=()
while (($# > 0)); do
  case "$1" in
    --werror) werror=ON ;;
    --debug) build_type=Debug ;;
    --)
      shift
      extra_args=("$@")
      break
      ;;
    -h | --help)
      sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    -*) die "unknown option '$1' (see --help)" ;;
    *) build_dir="$1" ;;
  esac
  shift
done

command -v cmake >/dev/null || die "cmake is missing (run scripts/install-deps.sh)"
jobs=$(nproc 2>/dev/null || echo 2)

echo "build.sh: configuring $build_dir ($build_type, warnings as errors: $werror)"
cmake -S "$REPO_ROOT" -B "$build_dir" -DCMAKE_BUILD_TYPE="$build_type" \
  -DETL_WARNINGS_AS_ERRORS="$werror" "${extra_args[@]}" || die "cmake configure failed"
echo "build.sh: building with $jobs jobs"
cmake --build "$build_dir" -j "$jobs" || die "build failed (see the compiler output above)"
echo "build.sh: built $build_dir/apps/etl"
