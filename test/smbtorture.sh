#!/bin/bash
# SPDX-License-Identifier: LGPL-3.0-or-later
#
# Run Samba's smbtorture tevent tests against a given libtevent.so.0.
#
# Usage: smbtorture.sh LIBRARY-OR-DIRECTORY TEST...
#   LIBRARY-OR-DIRECTORY  the built libtevent (any of its file names) or the
#                         directory holding libtevent.so.0
#   TEST                  smbtorture test names, e.g. local.event.epoll.fd1
# Environment: SMBTORTURE overrides the smbtorture binary to run;
# SMBTORTURE_PRELOAD is put in LD_PRELOAD of smbtorture only (a sanitizer
# runtime, which must come first when the library is instrumented but
# smbtorture is not).
#
# The run fails unless smbtorture exits 0, the dynamic loader really loaded
# libtevent.so.0 from that directory (and no other copy), every test that
# started reported success, and no failure, error, skip, xfail or
# unexpected-success result appears in the output.

set -euo pipefail
export LC_ALL=C

if [[ $# -lt 2 ]]; then
    echo "usage: $0 LIBRARY-OR-DIRECTORY TEST..." >&2
    exit 2
fi
target=$1
shift
if [[ -d $target ]]; then
    libdir=$(cd "$target" && pwd)
else
    libdir=$(cd "$(dirname "$target")" && pwd)
fi
if [[ ! -e $libdir/libtevent.so.0 ]]; then
    echo "smbtorture.sh: no libtevent.so.0 in $libdir" >&2
    exit 2
fi
expected=$(readlink -f "$libdir/libtevent.so.0")
smbtorture=${SMBTORTURE:-smbtorture}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The local tests need no server and no configuration; an empty smb.conf
# keeps the host's /etc/samba out of the run and a private HOME and base
# directory keep smbtorture's scratch files inside the temporary directory.
: >"$tmp/smb.conf"
status=0
HOME=$tmp \
    LD_LIBRARY_PATH=$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} \
    LD_DEBUG=libs LD_DEBUG_OUTPUT=$tmp/ld-debug \
    LD_PRELOAD=${SMBTORTURE_PRELOAD:-${LD_PRELOAD:-}} \
    "$smbtorture" --fullname --format=subunit --configfile="$tmp/smb.conf" \
    --basedir="$tmp" //localhost/x "$@" >"$tmp/out" 2>&1 || status=$?
cat "$tmp/out"

errors=0
fail() {
    echo "FAIL: $*"
    errors=$((errors + 1))
}

if ((status != 0)); then
    fail "smbtorture exited with status $status"
fi

# The loader logs "calling init: PATH" for every object it initialises; one
# file per process, so forked test children are covered too.
loaded=$(cat "$tmp"/ld-debug.* 2>/dev/null |
    sed -n 's/^.*calling init: \(.*libtevent\.so\.0\)$/\1/p' | sort -u)
if [[ -z $loaded ]]; then
    fail "libtevent.so.0 was not loaded (no loader trace)"
fi
while read -r path; do
    [[ -z $path ]] && continue
    if [[ $(readlink -f "$path") != "$expected" ]]; then
        fail "loaded $path instead of $expected"
    fi
done <<<"$loaded"

# smbtorture speaks subunit v1: "test: NAME" starts a test and one of
# success/failure/error/skip/xfail/uxsuccess ends it.
bad=$(grep -E '^(failure|fail|error|skip|xfail|uxsuccess):' "$tmp/out" || true)
if [[ -n $bad ]]; then
    fail "smbtorture reported: $(echo "$bad" | tr '\n' ' ')"
fi
started=$(sed -n 's/^test: //p' "$tmp/out" | sort)
passed=$(sed -n 's/^success: //p' "$tmp/out" | sort)
if [[ -z $started ]]; then
    fail "no test was run"
elif [[ $started != "$passed" ]]; then
    fail "tests without a success result:" \
        "$(comm -23 <(echo "$started") <(echo "$passed") | tr '\n' ' ')"
fi

# Each argument must have run: it names one test or a suite of them.
for name in "$@"; do
    grep -qxE "${name//./\\.}([.].*)?" <<<"$started" ||
        fail "$name did not run"
done

npassed=$(grep -c . <<<"$passed" || true)
echo "smbtorture: $npassed tests passed against $expected"
if ((errors > 0)); then
    echo "smbtorture run FAILED ($errors problems)"
    exit 1
fi
