#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-3.0-or-later
"""Every exported symbol and every public macro has a doc block.

    doc_coverage.py ABI_TSV HEADER...

The headers are include/tevent.h and src/tevent_internal.h: the second one
declares the exported backend-writer functions (tevent_common_*,
tevent_debug, tevent_abort, the tevent_trace_*_callback invokers), which
upstream keeps out of the installed header.  doxygen reads both headers as
well, so its own warnings cover what this script does not look at (types,
enum values, struct members, parameters).

Rules:

- Each symbol of the ABI table is declared in one of the headers, and each
  of its declarations is immediately preceded by a doc block of its own
  (a /** or /*! comment, nothing but white space in between).  A function
  behind a macro (_tevent_add_fd behind tevent_add_fd, or the old entry
  point tevent_queue_add behind the macro of the same name) is not covered
  by the macro's block: it gets its own, which may be short and point to
  the macro, because doxygen lists it and a reader of the header meets it
  on its own.
- Its block has an @since tag that names the release of the symbol's
  version node (TEVENT_0.9.37 -> "@since 0.9.37").
- Each macro #define'd in the headers is public and needs its own doc block
  with an @since tag, except those in NOT_API below.
- A doc block that only opens or closes a group, or documents a file or a
  group, does not count.

The script then checks itself: it removes each of those doc blocks in turn
and expects exactly that name to be reported.
"""
import bisect
import collections
import re
import sys

# #define'd names that are not API, and why.
NOT_API = {
    '__TEVENT_H__': 'include guard of tevent.h',
    'TEVENT_CXX_TEVENT_INTERNAL_H': 'include guard of tevent_internal.h',
    '__has_attribute': 'fallback for compilers without the feature test, '
                       'used by the header itself',
    '_DEPRECATED_': 'attribute helper for the TEVENT_DEPRECATED '
                    'declarations (the includer may define it)',
    'TEVENT_DEPRECATED': 'tevent_internal.h switches on the deprecated '
                         'declarations of tevent.h for itself; the switch '
                         'is documented in tevent.h',
}

COMMENT = re.compile(r'/\*.*?\*/|//[^\n]*', re.S)
SINCE = re.compile(r'[@\\]since\s+(\d+\.\d+\.\d+)')
# Commands whose block documents something other than the next declaration.
NOT_A_MEMBER_BLOCK = re.compile(r'[@\\](defgroup|addtogroup|file|cond|'
                                r'endcond|mainpage|page)\b')


def load_abi(path):
    """Symbol -> release, from the ABI table."""
    abi = {}
    with open(path, encoding='utf-8') as f:
        for line in f:
            if line.startswith('#') or not line.strip():
                continue
            symbol, node = line.split('\t')[:2]
            m = re.fullmatch(r'TEVENT_(\d+\.\d+\.\d+)', node.strip())
            if m is None:
                raise SystemExit(f'{path}: bad version node {node!r}')
            abi[symbol] = m.group(1)
    return abi


class Header:
    """The comments, directives and declarations of one header."""

    def __init__(self, name, text):
        self.name = name
        self.text = text
        self.comments = []  # (start, end, is_doc)

        def blank(m):
            body = m.group(0)
            is_doc = (body.startswith('/**') or body.startswith('/*!')) \
                and not body.startswith('/**/')
            self.comments.append((m.start(), m.end(), is_doc))
            return '\n'.join(' ' * len(part) for part in body.split('\n'))

        # Code with comments blanked out, offsets unchanged.
        self.code = COMMENT.sub(blank, text)
        self.directives = []  # (start, end) of each preprocessor line
        for m in re.finditer(r'^[ \t]*#(?:[^\n]*\\\n)*[^\n]*', self.code,
                             re.M):
            self.directives.append((m.start(), m.end()))
        self.directive_starts = [s for s, _ in self.directives]
        self.comment_ends = {end: (start, is_doc)
                             for start, end, is_doc in self.comments}
        # Every `name (` outside preprocessor lines: declarations, calls in
        # struct members and the like.
        self.parens = collections.defaultdict(list)
        for m in re.finditer(r'\b([A-Za-z_]\w*)\s*\(', self.code):
            if not self.in_directive(m.start()):
                self.parens[m.group(1)].append(m.start())

    def line(self, pos):
        return self.text.count('\n', 0, pos) + 1

    def directive_before(self, pos):
        """Index of the last directive starting at or before pos, or -1."""
        return bisect.bisect_right(self.directive_starts, pos) - 1

    def in_directive(self, pos):
        i = self.directive_before(pos)
        return i >= 0 and pos < self.directives[i][1]

    def doc_block_before(self, pos):
        """The doc block right before pos, as (start, end), or None."""
        i = pos
        while i > 0 and self.text[i - 1] in ' \t\n':
            i -= 1
        found = self.comment_ends.get(i)
        if found is None or not found[1]:
            return None
        start = found[0]
        body = self.text[start:i]
        if NOT_A_MEMBER_BLOCK.search(body):
            return None
        words = re.sub(r'[@\\][{}]', '', body.strip('/*! \n'))
        if not re.search(r'[A-Za-z]', words):
            return None
        return (start, i)

    def macros(self):
        """(name, position of the directive) of every #define."""
        for start, end in self.directives:
            m = re.match(r'[ \t]*#[ \t]*define[ \t]+(\w+)',
                         self.code[start:end])
            if m:
                yield m.group(1), start

    def declaration_starts(self, name):
        """Start of every declaration statement that declares name()."""
        for pos in self.parens.get(name, []):
            # The statement begins after the previous ';', '{', '}' or
            # preprocessor line.
            begin = 0
            for ch in ';{}':
                begin = max(begin, self.code.rfind(ch, 0, pos) + 1)
            i = self.directive_before(pos)
            if i >= 0:
                begin = max(begin, self.directives[i][1])
            while self.code[begin] in ' \t\n':
                begin += 1
            yield begin


def check(headers, abi, only=None):
    """Problems as (name, message) pairs, and the doc blocks checked as
    (name, header index, (start, end)); only the name `only` if given."""
    problems, blocks = [], []

    def check_block(name, hi, pos, want_since):
        h = headers[hi]
        where = f'{h.name}:{h.line(pos)}'
        block = h.doc_block_before(pos)
        if block is None:
            problems.append((name, f'{where}: {name} has no doc block'))
            return
        blocks.append((name, hi, block))
        since = SINCE.findall(h.text[block[0]:block[1]])
        if not since:
            problems.append((name, f'{where}: doc block of {name} has no '
                                   '@since'))
        elif want_since is not None and since[0] != want_since:
            problems.append((name, f'{where}: doc block of {name} says '
                                   f'@since {since[0]}, its version node '
                                   f'is TEVENT_{want_since}'))

    for symbol, release in sorted(abi.items()):
        if only is not None and symbol != only:
            continue
        starts = [(hi, pos) for hi, h in enumerate(headers)
                  for pos in h.declaration_starts(symbol)]
        if not starts:
            problems.append((symbol, f'{symbol} is exported but declared in '
                                     'none of the headers'))
        for hi, pos in starts:
            check_block(symbol, hi, pos, release)

    defined = set()
    for hi, h in enumerate(headers):
        for name, pos in h.macros():
            defined.add(name)
            if name not in NOT_API and only in (None, name):
                check_block(name, hi, pos, None)
    if only is not None:
        return problems, blocks
    for name in sorted(set(NOT_API) - defined):
        problems.append((name, f'NOT_API lists {name}, which no header '
                               'defines any more'))
    return problems, blocks


def self_test(headers, abi, blocks):
    """Removing any one checked doc block must be reported for its name."""
    failures = []
    for name, hi, (start, end) in blocks:
        h = headers[hi]
        mutated = list(headers)
        mutated[hi] = Header(h.name, h.text[:start] + h.text[end:])
        reported = {n for n, _ in check(mutated, abi, only=name)[0]}
        if name not in reported:
            failures.append(f'{h.name}:{h.line(start)}: removing the doc '
                            f'block of {name} went unnoticed')
    return failures


def main(argv):
    if len(argv) < 3:
        raise SystemExit(__doc__)
    abi = load_abi(argv[1])
    headers = []
    for path in argv[2:]:
        with open(path, encoding='utf-8') as f:
            headers.append(Header(path, f.read()))
    problems, blocks = check(headers, abi)
    for _, message in problems:
        print(message)
    if problems:
        print(f'{len(problems)} documentation problem(s)')
        return 1
    failures = self_test(headers, abi, blocks)
    for message in failures:
        print(message)
    if failures:
        return 1
    macros = sum(1 for h in headers for n, _ in h.macros() if n not in NOT_API)
    print(f'{len(abi)} exported symbols and {macros} public macros '
          f'documented ({len(blocks)} doc blocks, each one missed when '
          'removed)')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
