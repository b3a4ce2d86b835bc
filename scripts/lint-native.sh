#!/usr/bin/env bash
# Checks (default) or applies (--fix) the C++/CUDA layout of native/ with clang-format and .clang-format.
# Needs clang-format (Debian: apt-get install clang-format); .ci/run installs it.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v clang-format >/dev/null || { echo "lint-native: clang-format is not installed (apt-get install clang-format)" >&2; exit 1; }
mapfile -t files < <(git ls-files 'native/*.cc' 'native/*.h' 'native/*.cu' 'native/*.cuh')
if [ "${1:-}" = "--fix" ]; then
  clang-format -i "${files[@]}"
else
  clang-format --dry-run --Werror "${files[@]}"
  echo "lint-native: ${#files[@]} files follow .clang-format"
fi
