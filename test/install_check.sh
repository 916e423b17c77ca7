#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-3.0-or-later
#
# Installs the build into a scratch DESTDIR, then builds a C program the way
# a user would, `cc prog.c $(pkg-config --cflags --libs tevent)`, against
# that prefix only, and runs it on the installed library.
#   install_check.sh BUILD_DIR PROGRAM.c
set -euo pipefail
build=$1 prog=$2
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT

meson install -C "$build" --destdir "$dest" --no-rebuild --quiet
pc=$(find "$dest" -name tevent.pc)
[ -n "$pc" ] || { echo "tevent.pc not installed"; exit 1; }
hdr=$(find "$dest" -name tevent.h)
[ -n "$hdr" ] || { echo "tevent.h not installed"; exit 1; }
lib=$(find "$dest" -name libtevent.so.0)
[ -n "$lib" ] || { echo "libtevent.so.0 not installed"; exit 1; }

export PKG_CONFIG_PATH=$(dirname "$pc") PKG_CONFIG_SYSROOT_DIR=$dest
[ "$(pkg-config --modversion tevent)" = 0.17.2 ] || { echo "wrong version"; exit 1; }
# shellcheck disable=SC2046
cc -o "$dest/prog" "$prog" $(pkg-config --cflags --libs tevent)
LD_LIBRARY_PATH=$(dirname "$lib") LD_DEBUG=libs LD_DEBUG_OUTPUT=$dest/ld \
  "$dest/prog"
grep -q "calling init: $(dirname "$lib")/libtevent.so.0" "$dest"/ld.* || {
  echo "the installed libtevent.so.0 was not the one loaded"; exit 1; }
echo "installed: $(cd "$dest" && ls "${lib#"$dest"/}" "${hdr#"$dest"/}" "${pc#"$dest"/}" | tr '\n' ' ')"
