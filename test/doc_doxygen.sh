#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-3.0-or-later
#
# The API reference builds without a single doxygen warning.  Runs the
# configured doc/Doxyfile into a scratch directory, so the test neither
# needs nor touches the output of `meson compile docs`.
#   doc_doxygen.sh DOXYGEN DOXYFILE
set -uo pipefail
doxygen=$1
doxyfile=$2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# Settings given later override the configured ones.
{
  cat "$doxyfile"
  echo "OUTPUT_DIRECTORY = $out"
  echo "WARN_LOGFILE = $out/warnings.log"
} | "$doxygen" -
status=$?

if [ -s "$out/warnings.log" ]; then
  cat "$out/warnings.log"
  echo "doxygen reported $(grep -c . "$out/warnings.log") warning line(s)"
  exit 1
fi
if [ "$status" -ne 0 ]; then
  echo "doxygen failed with status $status"
  exit 1
fi
if [ ! -s "$out/html/index.html" ]; then
  echo "doxygen wrote no html/index.html"
  exit 1
fi
echo "$(ls "$out/html" | grep -c '\.html$') pages, no warnings ($("$doxygen" --version))"
