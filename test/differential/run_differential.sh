#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-3.0-or-later
#
# Runs one program against our libtevent and against a reference one (by
# LD_LIBRARY_PATH) for every backend and fails if the logs differ.
#   run_differential.sh PROGRAM OUR_LIBDIR REF_LIBDIR
set -euo pipefail
prog=$1 ours=$2 ref=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
for backend in epoll poll poll_mt standard; do
  LD_LIBRARY_PATH=$ours timeout 60 "$prog" "$backend" >"$tmp/ours" 2>&1 || {
    echo "$backend: failed against our library"; cat "$tmp/ours"; status=1; continue; }
  LD_LIBRARY_PATH=$ref timeout 60 "$prog" "$backend" >"$tmp/ref" 2>&1 || {
    echo "$backend: failed against the reference library"; cat "$tmp/ref"; status=1; continue; }
  if diff -u "$tmp/ref" "$tmp/ours"; then
    echo "$backend: $(wc -l <"$tmp/ours") lines identical"
  else
    status=1
  fi
done
exit $status
