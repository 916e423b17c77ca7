#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-3.0-or-later
#
# Installs the build into a scratch DESTDIR, then builds a C program the way
# a user would, `cc prog.c $(pkg-config --cflags --libs tevent)`, against
# that prefix only, and runs it on the installed library: once with
# LD_LIBRARY_PATH, once built with an rpath and nothing in the environment
# (the system's libtevent.so.0 is in the loader cache, so only the rpath can
# make the loader take ours).
#   install_check.sh BUILD_DIR PROGRAM.c [CC [PKG_CONFIG]]
set -euo pipefail
build=$1 prog=$2 cc=${3:-cc} pkg_config=${4:-pkg-config}
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT

meson install -C "$build" --destdir "$dest" --no-rebuild --quiet
pc=$(find "$dest" -name tevent.pc)
[ -n "$pc" ] || { echo "tevent.pc not installed"; exit 1; }
hdr=$(find "$dest" -name tevent.h)
[ -n "$hdr" ] || { echo "tevent.h not installed"; exit 1; }
lib=$(find "$dest" -name libtevent.so.0)
[ -n "$lib" ] || { echo "libtevent.so.0 not installed"; exit 1; }
libdir=$(dirname "$lib")

export PKG_CONFIG_PATH=$(dirname "$pc") PKG_CONFIG_SYSROOT_DIR=$dest
[ "$("$pkg_config" --modversion tevent)" = 0.17.2 ] || { echo "wrong version"; exit 1; }
flags=$("$pkg_config" --cflags --libs tevent)

# Runs env ARGS... (a program with its environment) and fails unless the
# loader initialised the installed libtevent.so.0.
loads_installed() {
  rm -f "$dest"/ld.*
  (export LD_DEBUG=libs LD_DEBUG_OUTPUT="$dest/ld" && env "$@" >/dev/null)
  grep -q "calling init: $libdir/libtevent.so.0" "$dest"/ld.* || {
    echo "$*: the installed libtevent.so.0 was not the one loaded"; exit 1; }
}

# shellcheck disable=SC2086
"$cc" -o "$dest/prog" "$prog" $flags
loads_installed LD_LIBRARY_PATH="$libdir" "$dest/prog"
# shellcheck disable=SC2086
"$cc" -o "$dest/prog-rpath" "$prog" $flags -Wl,-rpath,"$libdir"
# meson test puts the build's own src/ in LD_LIBRARY_PATH, which would win.
loads_installed -u LD_LIBRARY_PATH "$dest/prog-rpath"
echo "installed: $(cd "$dest" && ls "${lib#"$dest"/}" "${hdr#"$dest"/}" "${pc#"$dest"/}" | tr '\n' ' ')"
echo "loaded by LD_LIBRARY_PATH and by rpath"
