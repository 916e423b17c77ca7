#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-3.0-or-later
#
# Runs the same bench binary against our libtevent and a reference one
# (Debian's by default), interleaved, and prints per-workload medians (ns
# per operation; bytes per object for *_bytes) and the ratio reference/ours
# (above 1 means we are faster or smaller).
#
#   bench/run.sh [-b BUILD_DIR] [-r ROUNDS] [-s REF_LIBDIR] [--callgrind] [workload ...]
#
# --callgrind reports instruction counts (valgrind --tool=callgrind), which
# are stable on a noisy machine, instead of wall-clock medians.
set -euo pipefail

build=build
rounds=5
ref=/usr/lib/$(${CC:-cc} -print-multiarch)
callgrind=false
while [ $# -gt 0 ]; do
  case "$1" in
    -b) build=$2; shift 2 ;;
    -r) rounds=$2; shift 2 ;;
    -s) ref=$2; shift 2 ;;
    --callgrind) callgrind=true; shift ;;
    *) break ;;
  esac
done

bin=$build/bench/bench
ours=$(cd "$build/src" && pwd)
[ -x "$bin" ] || { echo "run.sh: $bin not built (ninja -C $build)" >&2; exit 1; }
[ -e "$ref/libtevent.so.0" ] || { echo "run.sh: no libtevent.so.0 in $ref" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if $callgrind; then
  # Instruction counts of each workload, one process per workload.
  workloads=("$@")
  if [ ${#workloads[@]} -eq 0 ]; then
    mapfile -t workloads < <(BENCH_SCALE=0.001 LD_LIBRARY_PATH=$ours "$bin" | awk '{print $1}')
  fi
  printf '%-24s %16s %16s %8s\n' workload ours_Ir reference_Ir ratio
  for w in "${workloads[@]}"; do
    for side in ours ref; do
      dir=$ours; [ $side = ref ] && dir=$ref
      BENCH_SCALE=${BENCH_SCALE:-0.05} LD_LIBRARY_PATH=$dir valgrind --tool=callgrind \
        --callgrind-out-file="$tmp/cg.$side" "$bin" "$w" >/dev/null 2>"$tmp/log.$side"
      grep -o 'Collected : [0-9]*' "$tmp/log.$side" | awk '{print $3}' >"$tmp/ir.$side"
    done
    awk -v w="$w" -v o="$(cat "$tmp/ir.ours")" -v r="$(cat "$tmp/ir.ref")" \
      'BEGIN { printf "%-24s %16d %16d %8.2f\n", w, o, r, r / o }'
  done
  exit 0
fi

for i in $(seq "$rounds"); do
  LD_LIBRARY_PATH=$ours "$bin" "$@" | sed 's/^/ours /' >>"$tmp/results"
  LD_LIBRARY_PATH=$ref "$bin" "$@" | sed 's/^/ref /' >>"$tmp/results"
done

# median per (side, workload)
awk '
  { v[$1 " " $2] = v[$1 " " $2] " " $3; names[$2] = 1; order[++n] = $2 }
  END {
    printf "%-24s %12s %12s %8s\n", "workload", "ours", "reference", "ratio"
    for (i = 1; i <= n; i++) {
      w = order[i]; if (seen[w]++) continue
      o = median(v["ours " w]); r = median(v["ref " w])
      printf "%-24s %12.1f %12.1f %8.2f\n", w, o, r, r / o
    }
  }
  function median(s,   a, k, i, j, t) {
    k = split(s, a, " ")
    for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++)
      if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
    return (k % 2) ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
  }' "$tmp/results"
