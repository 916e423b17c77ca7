#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-3.0-or-later
"""Generate the Debian symbols file (debian/libtevent0.symbols) from the ABI data.

Every version node of version-nodes.txt and every symbol of the TSV is
listed as NAME@NODE with the upstream version that introduced the node as
its minimum version (TEVENT_0.15.0 -> 0.15.0).  dpkg-shlibdeps gives a
program built against the package the highest minimum version among the
symbols it uses: a program that keeps to the 0.14 API still installs next
to Debian's libtevent0 0.14.1, one that calls a 0.15 function needs ours.

Usage: gen-debian-symbols.py [--tsv FILE] [--nodes FILE] [-o OUTPUT]
Without -o the file is written to standard output.
"""

import sys

# A generator run from the source tree leaves no __pycache__ there.
sys.dont_write_bytecode = True

import abi_data  # noqa: E402 (after the line above on purpose)


def render(nodes, symbols):
    entries = [(f"{node}@{node}", node) for node in nodes]
    entries += [(f"{symbol}@{node}", node) for symbol, node in symbols]
    # dpkg-gensymbols writes the entries in byte order.
    entries.sort(key=lambda e: e[0].encode())
    out = [
        "libtevent.so.0 libtevent0 #MINVER#",
        "* Build-Depends-Package: libtevent-dev",
    ]
    out += [f" {name} {node[len(abi_data.NODE_PREFIX):]}" for name, node in entries]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    abi_data.main(__doc__, render)
