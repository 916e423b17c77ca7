#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-3.0-or-later
#
# Builds the API-sequence fuzzer with clang, libFuzzer, ASan and UBSan in
# its own build directory and runs it for a bounded time on a copy of the
# committed corpus.  Any finding (crash, sanitizer report, tevent abort,
# an input running longer than the timeout, a leak) fails the run; the
# reproducer is left in the build directory.
#   run_libfuzzer.sh [SECONDS]   (default 180; FUZZ_BUILD_DIR overrides
#                                 the build directory, build-fuzz)
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/../.."
seconds=${1:-180}
build=${FUZZ_BUILD_DIR:-build-fuzz}

# clang links no sanitizer runtime into shared libraries, and the library
# is linked with -z defs, so the runtime is a shared one here; UBSan's
# function check needs C++ RTTI, which the library does not link.
if [[ ! -d $build ]]; then
    CC=clang CXX=clang++ meson setup "$build" -Dsanitize=true -Dfuzz=enabled \
        -Dc_link_args=-shared-libsan -Dcpp_link_args=-shared-libsan \
        -Dcpp_args=-fno-sanitize=function -Dc_args=-fno-sanitize=function
fi
ninja -C "$build" test/fuzz/fuzz_api
runtime=$(clang -print-file-name="libclang_rt.asan-$(uname -m).so")

corpus=$(mktemp -d)
trap 'rm -rf "$corpus"' EXIT
shopt -s nullglob
seeds=(test/fuzz/corpus/*)
if ((${#seeds[@]} > 0)); then
    cp "${seeds[@]}" "$corpus"/
fi
mkdir -p "$build/fuzz-artifacts"
LD_PRELOAD=$runtime \
ASAN_OPTIONS=abort_on_error=1:detect_leaks=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$build/test/fuzz/fuzz_api" -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2048 -max_len=4096 -print_final_stats=1 \
    -artifact_prefix="$build/fuzz-artifacts/" "$corpus"
