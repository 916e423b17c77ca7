#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-3.0-or-later
#
# Regenerates every figure of bench/README.md: the callgrind table, the
# wall-clock table (bench/run.sh) and the scale sweep (bench/sweep.sh,
# bench/sweep.svg).  Takes a few minutes on an idle machine.
#
#   bench/report.sh [-b BUILD_DIR] [-s REF_LIBDIR]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
common=()
while [ $# -gt 0 ]; do
  case "$1" in
    -b|-s) common+=("$1" "$2"); shift 2 ;;
    -h|--help) sed -n '4,8p' "$0"; exit 0 ;;
    *) echo "report.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$here/run.sh" "${common[@]}" --callgrind --markdown >"$tmp/callgrind"
"$here/run.sh" "${common[@]}" --markdown >"$tmp/wallclock"
"$here/sweep.sh" "${common[@]}"
printf 'Made by `bench/report.sh` on %s (%s, %s, %s CPUs, commit %s).\n' \
  "$(date -u +%Y-%m-%d)" "$(uname -m)" \
  "$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')" "$(nproc)" \
  "$(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo unknown)" \
  >"$tmp/made"

# Replaces the text between "<!-- begin NAME -->" and "<!-- end NAME -->".
awk -v dir="$tmp" '
  /^<!-- end [a-z]* -->$/ { skipping = 0 }
  !skipping { print }
  /^<!-- begin [a-z]* -->$/ {
    f = dir "/" $3
    while ((getline line < f) > 0) print line
    close(f)
    skipping = 1
  }' "$here/README.md" >"$tmp/README.md"
cp "$tmp/README.md" "$here/README.md"
echo "report.sh: updated $here/README.md and $here/sweep.svg"
