#!/bin/bash
# SPDX-License-Identifier: LGPL-3.0-or-later
#
# Compare a built libtevent with the ABI data of upstream 0.17.2:
#  - every symbol of the TSV is exported, as a function, with its node as
#    the default version; nothing else is exported;
#  - all version nodes are defined, in order, each inheriting the previous
#    one except the newest;
#  - SONAME is libtevent.so.0;
#  - NEEDED is libtalloc.so.2 + libc.so.6 (+ the dynamic loader), which also
#    proves that no C++ runtime is pulled in (skipped with --skip-needed, for
#    sanitizer builds that link the sanitizer runtimes);
#  - src/tevent.map is what abi/gen-version-script.py makes of the data
#    (when python3 is available).
#
# Usage: abi_check.sh [--skip-needed] LIBRARY TSV [VERSION-NODES]
# VERSION-NODES defaults to version-nodes.txt next to TSV.

set -euo pipefail
export LC_ALL=C

skip_needed=false
if [[ ${1:-} == --skip-needed ]]; then
    skip_needed=true
    shift
fi
if [[ $# -lt 2 || $# -gt 3 ]]; then
    echo "usage: $0 [--skip-needed] LIBRARY TSV [VERSION-NODES]" >&2
    exit 2
fi
lib=$1
tsv=$2
nodes_file=${3:-$(dirname "$tsv")/version-nodes.txt}
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)

for tool in objdump readelf; do
    if ! command -v "$tool" >/dev/null; then
        echo "abi_check: $tool not found (install binutils)" >&2
        exit 2
    fi
done
for f in "$lib" "$tsv" "$nodes_file"; do
    if [[ ! -r $f ]]; then
        echo "abi_check: cannot read $f" >&2
        exit 2
    fi
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

errors=0
fail() {
    echo "FAIL: $*"
    errors=$((errors + 1))
}

# Expected: "symbol node" lines, and the ordered node list.
awk -F'\t' '!/^#/ && NF >= 2 { print $1, $2 }' "$tsv" | sort >"$tmp/expected"
grep -v '^[[:space:]]*$' "$nodes_file" | tr -d '[:blank:]' >"$tmp/nodes"

# Exported definitions as "symbol version type", version "-" when the
# symbol is unversioned and "(hidden)VER" for a non-default version.  The
# ABS symbols that carry the names of the version definitions themselves
# are not exports.
readelf --dyn-syms -W "$lib" |
    awk 'NR == FNR { node[$1]; next }
         $1 ~ /^[0-9]+:$/ && $7 != "UND" && ($5 == "GLOBAL" || $5 == "WEAK") \
         && ($6 == "DEFAULT" || $6 == "PROTECTED") {
            name = $8; ver = "-"
            if ((i = index(name, "@@")) > 0) {
                ver = substr(name, i + 2); name = substr(name, 1, i - 1)
            } else if ((i = index(name, "@")) > 0) {
                ver = "(hidden)" substr(name, i + 1); name = substr(name, 1, i - 1)
            }
            if ($7 == "ABS" && name in node && (ver == "-" || ver == name))
                next
            print name, ver, $4
         }' "$tmp/nodes" - | sort >"$tmp/actual"

# Symbols: missing, mis-versioned, wrong type, extra.
join -a1 -a2 -e MISSING -o 0,1.2,2.2,2.3 "$tmp/expected" "$tmp/actual" \
    >"$tmp/joined"
total=$(wc -l <"$tmp/expected")
good=0
extra=0
while read -r sym want have type; do
    if [[ $want == MISSING ]]; then
        fail "extra exported symbol $sym@$have"
        extra=$((extra + 1))
    elif [[ $have == MISSING ]]; then
        fail "missing symbol $sym (expected at $want)"
    elif [[ $have != "$want" ]]; then
        fail "symbol $sym has version $have, expected $want"
    elif [[ $type != FUNC ]]; then
        fail "symbol $sym is exported as $type, expected FUNC"
    else
        good=$((good + 1))
    fi
done <"$tmp/joined"

# Version definitions, from objdump's "Version definitions:" block: entry 1
# is the base (the SONAME); every other entry is "index flags hash name",
# followed by an indented line naming its parent.
objdump -p "$lib" | awk '
    function flush() { if (cur != "") print cur, parent; cur = "" }
    /^Version definitions:/ { on = 1; next }
    !on { next }
    NF == 0 { exit }
    /^[0-9]/ { flush(); if ($1 != 1) cur = $4; parent = ""; next }
    cur != "" && parent == "" { parent = $1 }
    END { flush() }' >"$tmp/verdefs"
cut -d' ' -f1 "$tmp/verdefs" >"$tmp/verdef_names"
ndefs=$(grep -c . "$tmp/verdef_names" || true)
nnodes=$(wc -l <"$tmp/nodes")
while read -r node; do
    grep -qxF "$node" "$tmp/verdef_names" || fail "missing version node $node"
done <"$tmp/nodes"
while read -r node; do
    grep -qxF "$node" "$tmp/nodes" || fail "unexpected version node $node"
done <"$tmp/verdef_names"
# The nodes that are present must keep upstream's order and chain.
grep -xFf "$tmp/verdef_names" "$tmp/nodes" >"$tmp/present" || true
if ! diff -q "$tmp/present" <(grep -xFf "$tmp/nodes" "$tmp/verdef_names") \
    >/dev/null; then
    fail "version nodes are not in upstream order"
fi
# Upstream chains each node to the previous one, except the newest (current)
# node, which has no parent.
last=$(tail -n 1 "$tmp/verdefs" | cut -d' ' -f1)
prev=""
while read -r node parent; do
    want=$prev
    [[ $node == "$last" ]] && want=""
    [[ ${parent:-} == "$want" ]] ||
        fail "version node $node inherits '${parent:-}', expected '$want'"
    prev=$node
done <"$tmp/verdefs"

soname=$(objdump -p "$lib" | awk '$1 == "SONAME" { print $2 }')
[[ $soname == libtevent.so.0 ]] ||
    fail "SONAME is '${soname}', expected libtevent.so.0"

needed=$(objdump -p "$lib" | awk '$1 == "NEEDED" { print $2 }' | sort)
if $skip_needed; then
    needed_summary="not checked"
else
    needed_summary=${needed//$'\n'/ }
    want_needed=$(printf '%s\n' libc.so.6 libtalloc.so.2 | sort)
    # The dynamic loader itself (ld-linux-x86-64.so.2, ld-linux-aarch64.so.1,
    # ld64.so.2, ...) may be NEEDED for its TLS entry points.
    got_needed=$(grep -vxE 'ld(-linux)?[-a-z0-9_]*\.so\.[0-9]+' <<<"$needed" || true)
    [[ $got_needed == "$want_needed" ]] ||
        fail "NEEDED is '$needed_summary', expected libtalloc.so.2 libc.so.6" \
            "(and optionally the dynamic loader)"
fi

map_summary="map not checked (no python3)"
if command -v python3 >/dev/null; then
    python3 "$root/abi/gen-version-script.py" --tsv "$tsv" \
        --nodes "$nodes_file" -o "$tmp/tevent.map"
    if diff -u "$root/src/tevent.map" "$tmp/tevent.map" >"$tmp/map.diff"; then
        map_summary="map in sync"
    else
        cat "$tmp/map.diff"
        fail "src/tevent.map is out of date: run abi/gen-version-script.py -o src/tevent.map"
        map_summary="map OUT OF DATE"
    fi
fi

echo "ABI: $good/$total symbols at their node, $extra extra," \
    "$ndefs/$nnodes version nodes, SONAME: ${soname:-none}," \
    "NEEDED: $needed_summary, $map_summary"
if ((errors > 0)); then
    echo "ABI check FAILED ($errors problems)"
    exit 1
fi
