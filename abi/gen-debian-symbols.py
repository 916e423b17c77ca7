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

import argparse
import os
import sys

ABI_DIR = os.path.dirname(os.path.abspath(__file__))
NODE_PREFIX = "TEVENT_"


def read_nodes(path):
    with open(path, encoding="utf-8") as f:
        nodes = [line.strip() for line in f if line.strip()]
    for node in nodes:
        if not node.startswith(NODE_PREFIX):
            sys.exit(f"{path}: version node {node} does not start with {NODE_PREFIX}")
    return nodes


def read_symbols(path, nodes):
    known = set(nodes)
    symbols = []
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            fields = line.split("\t")
            if len(fields) < 2 or fields[1] not in known:
                sys.exit(f"{path}:{lineno}: expected symbol<TAB>known version node")
            symbols.append((fields[0], fields[1]))
    return symbols


def render(nodes, symbols):
    entries = [(f"{node}@{node}", node) for node in nodes]
    entries += [(f"{symbol}@{node}", node) for symbol, node in symbols]
    # dpkg-gensymbols writes the entries in byte order.
    entries.sort(key=lambda e: e[0].encode())
    out = [
        "libtevent.so.0 libtevent0 #MINVER#",
        "* Build-Depends-Package: libtevent-dev",
    ]
    out += [f" {name} {node[len(NODE_PREFIX):]}" for name, node in entries]
    return "\n".join(out) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tsv", default=os.path.join(ABI_DIR, "tevent-abi.tsv"))
    parser.add_argument("--nodes",
                        default=os.path.join(ABI_DIR, "version-nodes.txt"))
    parser.add_argument("-o", "--output")
    args = parser.parse_args()

    nodes = read_nodes(args.nodes)
    text = render(nodes, read_symbols(args.tsv, nodes))
    if args.output:
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(text)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
