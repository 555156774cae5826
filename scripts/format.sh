#!/usr/bin/env bash
# Formats the C++ sources with the project's .clang-format, or with --check only reports the files
# that differ (exit 1), as the `format` test in ctest does.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mapfile -t files < <(git ls-files --cached --others --exclude-standard -- \
  'apps/*.cpp' 'lib/*.h' 'lib/*.cpp' 'tests/*.h' 'tests/*.cpp')
if [[ "${1:-}" == "--check" ]]; then
  bad=0
  for f in "${files[@]}"; do
    [[ -f "$f" ]] || continue
    if ! clang-format --dry-run -Werror "$f" >/dev/null 2>&1; then
      echo "not formatted: $f (run scripts/format.sh)"
      bad=1
    fi
  done
  exit "$bad"
fi
clang-format -i "${files[@]}"
