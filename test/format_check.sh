#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-3.0-or-later
#
# Every C/C++ source of the tree is formatted as .clang-format says.
#   format_check.sh CLANG_FORMAT SOURCE_ROOT
set -euo pipefail
clang_format=$1
cd "$2"
mapfile -t files < <(find include src test examples bench \
  -name '*.c' -o -name '*.cpp' -o -name '*.h' -o -name '*.hpp')
"$clang_format" --dry-run --Werror "${files[@]}"
echo "${#files[@]} files formatted"
