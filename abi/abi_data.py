# SPDX-License-Identifier: LGPL-3.0-or-later
"""Reading the ABI data (version-nodes.txt, tevent-abi.tsv) and the command
line that the generators in this folder share."""

import argparse
import os
import sys

ABI_DIR = os.path.dirname(os.path.abspath(__file__))
NODE_PREFIX = "TEVENT_"


def read_nodes(path):
    """The version nodes, oldest first."""
    with open(path, encoding="utf-8") as f:
        nodes = [line.strip() for line in f if line.strip()]
    seen = set()
    for node in nodes:
        if not node.startswith(NODE_PREFIX):
            sys.exit(f"{path}: version node {node} does not start with {NODE_PREFIX}")
        if node in seen:
            sys.exit(f"{path}: duplicate version node {node}")
        seen.add(node)
    return nodes


def read_symbols(path, nodes):
    """(symbol, node) pairs in file order; every node is one of `nodes`."""
    known = set(nodes)
    symbols = []
    seen = set()
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            fields = line.split("\t")
            if len(fields) < 2:
                sys.exit(f"{path}:{lineno}: expected symbol<TAB>node")
            symbol, node = fields[0], fields[1]
            if node not in known:
                sys.exit(f"{path}:{lineno}: unknown version node {node}")
            if symbol in seen:
                sys.exit(f"{path}:{lineno}: duplicate symbol {symbol}")
            seen.add(symbol)
            symbols.append((symbol, node))
    return symbols


def main(doc, render):
    """Parses [--tsv FILE] [--nodes FILE] [-o OUTPUT] and writes
    render(nodes, symbols) to OUTPUT or standard output."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
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
