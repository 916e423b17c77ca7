#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-3.0-or-later
#
# Runs the same bench binary against our libtevent and a reference one
# (Debian's by default) and prints, per workload, ours, the reference's,
# the ratio reference/ours (above 1: ours is cheaper or faster) and the
# target with a mark.
#
#   bench/run.sh [-b BUILD_DIR] [-r ROUNDS] [-s REF_LIBDIR] [--callgrind]
#                [--markdown] [WORKLOAD ...]
#
# --callgrind: instructions per operation in user space (valgrind
#   --tool=callgrind, counting only inside the measured loop, so set-up and
#   process start cancel out); the target is the goal in Ir per operation.
# default: wall-clock. ROUNDS runs of each side (default 7), interleaved
#   and alternating which side goes first; ns per operation are medians,
#   the ratio is the median of the per-round ratios (ops/s ours / ops/s
#   reference); the target is the minimum ratio.
# The *_bytes workloads (malloc'ed bytes per object) and the nest_stack_*
# ones (stack bytes per nested tevent_loop_once() level) always run natively.
# --markdown prints the table as Markdown (bench/report.sh uses that).
# REF_LIBDIR defaults to the multiarch library dir, /usr/lib/$(gcc
# -print-multiarch). BENCH_SCALE scales the operation counts (default 0.1
# under callgrind, 1 otherwise).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=$here/../build
rounds=7
ref=
callgrind=false
markdown=false
while [ $# -gt 0 ]; do
  case "$1" in
    -b) build=$2; shift 2 ;;
    -r) rounds=$2; shift 2 ;;
    -s) ref=$2; shift 2 ;;
    --callgrind) callgrind=true; shift ;;
    --markdown) markdown=true; shift ;;
    -h|--help) sed -n '4,22p' "$0"; exit 0 ;;
    *) break ;;
  esac
done
if [ -z "$ref" ]; then
  arch=$(gcc -print-multiarch 2>/dev/null || dpkg-architecture -qDEB_HOST_MULTIARCH)
  ref=/usr/lib/$arch
fi

bin=$build/bench/bench
ours=$(cd "$build/src" && pwd)
[ -x "$bin" ] || { echo "run.sh: $bin not built (ninja -C $build)" >&2; exit 1; }
[ -e "$ref/libtevent.so.0" ] || { echo "run.sh: no libtevent.so.0 in $ref (use -s)" >&2; exit 1; }
refname=$(basename "$(readlink -f "$ref/libtevent.so.0")")

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# name unit target wall, for every workload of the table
LD_LIBRARY_PATH=$ours "$bin" --list >"$tmp/list"
workloads=("$@")
if [ ${#workloads[@]} -eq 0 ]; then
  mapfile -t workloads < <(awk '{print $1}' "$tmp/list")
fi
unit_of() { awk -v w="$1" '$1 == w { print $2; f = 1 } END { if (!f) print "Ir" }' "$tmp/list"; }

# one_run SIDE WORKLOAD: prints the workload's value for that side
one_run() {
  local dir=$ours
  [ "$1" = ref ] && dir=$ref
  if $callgrind && [ "$(unit_of "$2")" = Ir ]; then
    BENCH_SCALE=${BENCH_SCALE:-0.1} LD_LIBRARY_PATH=$dir valgrind --tool=callgrind \
      --callgrind-out-file="$tmp/cg.out" --collect-atstart=no \
      '--toggle-collect=measured_*' "$bin" "$2" >"$tmp/out" 2>"$tmp/log" ||
      { cat "$tmp/log" >&2; exit 1; }
    awk -v ir="$(sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$tmp/log")" \
      '{ printf "%.1f\n", ir / $3 }' "$tmp/out"
  else
    LD_LIBRARY_PATH=$dir "$bin" "$2" | awk '{ print $2 }'
  fi
}

if $callgrind; then
  rounds=1
fi
# results: "side workload value" per round and side
for r in $(seq "$rounds"); do
  for w in "${workloads[@]}"; do
    sides="ours ref"
    [ $((r % 2)) -eq 0 ] && sides="ref ours"
    for side in $sides; do
      echo "$r $side $w $(one_run "$side" "$w")" >>"$tmp/results"
    done
  done
done

awk -v cg="$callgrind" -v md="$markdown" -v ref="$refname" '
  FILENAME == ARGV[1] { unit[$1] = $2; target[$1] = $3; wall[$1] = $4; next }
  {
    v[$2 " " $3] = v[$2 " " $3] " " $4
    val[$1 " " $2 " " $3] = $4
    if (!($3 in seen)) { seen[$3] = 1; order[++n] = $3 }
    rounds[$1] = 1
  }
  END {
    what = cg == "true" ? "instructions per operation (callgrind)" \
                        : "ns per operation (wall-clock medians)"
    if (md == "true") {
      printf "| workload | unit | ours | %s | ratio | target | |\n", ref
      print "|---|---|---:|---:|---:|---:|---|"
    } else {
      printf "%s; ratio = %s / ours\n", what, ref
      printf "%-22s %-6s %12s %12s %7s %10s\n", "workload", "unit", "ours", \
             "reference", "ratio", "target"
    }
    met = 0; total = 0
    for (i = 1; i <= n; i++) {
      w = order[i]
      u = (w in unit) ? unit[w] : "Ir"
      o = median(v["ours " w]); r = median(v["ref " w])
      # paired ratio: median over rounds of reference/ours
      s = ""
      for (k in rounds) {
        a = val[k " ours " w]; b = val[k " ref " w]
        if (a > 0) s = s " " b / a
      }
      ratio = median(s)
      if (u == "B" || u == "S") {
        shown_unit = u == "B" ? "B/obj" : "B/level"; t = target[w]; ok = t == 0 || o <= t; tt = "<= " t
      }
      else if (cg == "true") { shown_unit = "Ir/op"; t = target[w]; ok = t == 0 || o <= t; tt = "<= " t }
      else { shown_unit = "ns/op"; t = wall[w]; ok = t == 0 || ratio >= t; tt = ">= " t "x" }
      if (t == 0) { tt = "-"; mark = "" }
      else { total++; if (ok) { met++; mark = "ok" } else mark = "MISS" }
      if (md == "true")
        printf "| %s | %s | %.0f | %.0f | %.2f | %s | %s |\n", w, shown_unit, o, r, ratio, tt, mark
      else
        printf "%-22s %-6s %12.1f %12.1f %7.2f %10s %s\n", w, shown_unit, o, r, ratio, tt, mark
    }
    if (md != "true") printf "targets met: %d of %d\n", met, total
  }
  function median(s,   a, k, i, j, t) {
    k = split(s, a, " ")
    if (k == 0) return 0
    for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++)
      if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
    return (k % 2) ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
  }' "$tmp/list" "$tmp/results"
