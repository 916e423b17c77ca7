#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-3.0-or-later
#
# Scale sweep: instructions per operation (callgrind, as bench/run.sh
# --callgrind) of ours and the reference libtevent while the standing
# population grows, written to bench/sweep.dat and plotted (gnuplot) into
# bench/sweep.svg.
#
#   bench/sweep.sh [-b BUILD_DIR] [-s REF_LIBDIR] [-t REF_TIMER_MAX] [--plot-only]
#
# Timers pending 1k .. 100k: timer_random (add all at random now+1..3600 s,
# then free them) and timer_churn_mono.  Idle READ fds 10 .. 10 000 under
# the ping-pong, on epoll and on poll.  The reference's timer_random costs
# O(n) per timer, so by default it is measured only up to 20 000 timers
# (-t; 50 000 alone takes minutes under callgrind).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=$here/../build
ref=
ref_timer_max=20000
plot_only=false
while [ $# -gt 0 ]; do
  case "$1" in
    -b) build=$2; shift 2 ;;
    -s) ref=$2; shift 2 ;;
    -t) ref_timer_max=$2; shift 2 ;;
    --plot-only) plot_only=true; shift ;;
    -h|--help) sed -n '4,16p' "$0"; exit 0 ;;
    *) echo "sweep.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
if [ -z "$ref" ]; then
  arch=$(gcc -print-multiarch 2>/dev/null || dpkg-architecture -qDEB_HOST_MULTIARCH)
  ref=/usr/lib/$arch
fi
dat=$here/sweep.dat
svg=$here/sweep.svg

measure() { # side workload@size ops -> Ir per op
  local dir=$ours
  [ "$1" = ref ] && dir=$ref
  LD_LIBRARY_PATH=$dir valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out" \
    --collect-atstart=no '--toggle-collect=measured_*' "$bin" -n "$3" "$2" \
    >"$tmp/out" 2>"$tmp/log" || { cat "$tmp/log" >&2; exit 1; }
  awk -v ir="$(sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$tmp/log")" \
    '{ printf "%.1f\n", ir / $3 }' "$tmp/out"
}

if ! $plot_only; then
  bin=$build/bench/bench
  ours=$(cd "$build/src" && pwd)
  [ -x "$bin" ] || { echo "sweep.sh: $bin not built" >&2; exit 1; }
  [ -e "$ref/libtevent.so.0" ] || { echo "sweep.sh: no libtevent.so.0 in $ref" >&2; exit 1; }
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  {
    echo "# workload side size Ir_per_op (reference: $(basename "$(readlink -f "$ref/libtevent.so.0")"))"
    for n in 1000 2000 5000 10000 20000 50000 100000; do
      for side in ours ref; do
        if [ $side = ours ] || [ $n -le "$ref_timer_max" ]; then
          echo "timer_random $side $n $(measure $side "timer_random@$n" "$n")"
        fi
        echo "timer_churn_mono $side $n $(measure $side "timer_churn_mono@$n" 20000)"
      done
    done
    for k in 10 30 100 300 1000 3000 10000; do
      poll_ops=$((2000000 / k)); [ $poll_ops -gt 5000 ] && poll_ops=5000
      [ $poll_ops -lt 200 ] && poll_ops=200
      for side in ours ref; do
        echo "fd_many_epoll $side $k $(measure $side "fd_many_epoll@$k" 5000)"
        echo "fd_many_poll $side $k $(measure $side "fd_many_poll@$k" $poll_ops)"
      done
    done
  } >"$dat.new"
  mv "$dat.new" "$dat"
fi

refname=$(sed -n '1s/.*reference: \(.*\))/\1/p' "$dat")
gnuplot <<EOF
set terminal svg size 1000,420 dynamic font "sans,12" background "white" noenhanced
set output "$svg"
set multiplot layout 1,2 title "instructions per operation (callgrind, user space): ours vs $refname"
set logscale xy
set grid
set key top left Left reverse samplen 2
set format x "%.0s%c"
set ylabel "Ir per operation"
series(w, s) = sprintf("< awk '\$1 == \"%s\" && \$2 == \"%s\" { print \$3, \$4 }' $dat", w, s)
set xlabel "timers pending"
set xrange [700:140000]
set yrange [100:1000000]
plot series("timer_random", "ours") with linespoints lw 2 lc rgb "#1f77b4" title "timer_random, ours", \
     series("timer_random", "ref") with linespoints lw 2 dt 2 lc rgb "#1f77b4" title "timer_random, $refname", \
     series("timer_churn_mono", "ours") with linespoints lw 2 lc rgb "#d62728" title "timer_churn_mono, ours", \
     series("timer_churn_mono", "ref") with linespoints lw 2 dt 2 lc rgb "#d62728" title "timer_churn_mono, $refname"
set xlabel "idle READ fds (fd ping-pong, one round trip)"
set xrange [7:14000]
set yrange [100:10000000]
plot series("fd_many_epoll", "ours") with linespoints lw 2 lc rgb "#2ca02c" title "epoll, ours", \
     series("fd_many_epoll", "ref") with linespoints lw 2 dt 2 lc rgb "#2ca02c" title "epoll, $refname", \
     series("fd_many_poll", "ours") with linespoints lw 2 lc rgb "#9467bd" title "poll, ours", \
     series("fd_many_poll", "ref") with linespoints lw 2 dt 2 lc rgb "#9467bd" title "poll, $refname"
unset multiplot
EOF
echo "sweep.sh: wrote $dat and $svg"
