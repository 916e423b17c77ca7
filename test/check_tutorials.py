#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-3.0-or-later
"""Checks that the tutorial chapters show the tested examples, never copies.

Usage: check_tutorials.py SOURCE_ROOT BUILD_ROOT

The chapters are doc/tutorial_*.md and doc/tevent_queue_tutorial.md.  For
every chapter:

- each doxygen command that takes code from a file (@include, @snippet,
  @verbinclude, ...) names a file in examples/, and each @snippet marker
  occurs in that file exactly twice (start and end);
- the chapter shows at least one example program, and every program it
  takes a snippet from it also includes whole;
- every example program it uses is registered as a meson test that
  compares the program's output with examples/<name>.expected (read from
  the build's meson-info/intro-tests.json);
- it contains no pasted copy of an example or of its output: no three
  consecutive significant lines of the chapter equal three consecutive
  significant lines of a file in examples/;
- every `meson test` and `ninja` command in it names the build folder with
  -C, so that it works from the top of the source tree.
"""
import json
import os
import re
import sys

INCLUDE_RE = re.compile(
    r"[@\\](include|includelineno|includedoc|verbinclude|dontinclude|"
    r"snippet|snippetlineno|snippetdoc)(\{[^}]*\})?[ \t]+(\S+)(?:[ \t]+(\S+))?"
)
COMMAND_RE = re.compile(r"\b(meson test|ninja)\b(?![ \t]+-C[ \t])")
RUN = 3  # consecutive lines that count as a pasted copy


def significant_lines(text):
    """Stripped lines that carry content (not blank, not only braces)."""
    lines = []
    for line in text.splitlines():
        line = line.strip()
        if len(line) >= 4 and line.strip("{}();,*/ ") != "":
            lines.append(line)
    return lines


def runs(lines):
    return {tuple(lines[i : i + RUN]) for i in range(len(lines) - RUN + 1)}


def output_tests(build_root):
    """Maps example program names to the expected files their output tests
    compare with."""
    with open(os.path.join(build_root, "meson-info", "intro-tests.json")) as f:
        tests = json.load(f)
    checked = {}
    for test in tests:
        cmd = test["cmd"]
        if not any(os.path.basename(c) == "check_output.py" for c in cmd):
            continue
        expected = [c for c in cmd if c.endswith(".expected")]
        for c in cmd:
            name = os.path.basename(c)
            if expected and os.path.basename(expected[0]) == name + ".expected":
                checked[name] = expected[0]
    return checked


def check_chapter(path, examples_dir, example_runs, checked):
    errors = []
    with open(path, encoding="utf-8") as f:
        text = f.read()
    chapter = os.path.relpath(path)
    whole, snippets, outputs = set(), set(), set()

    for m in INCLUDE_RE.finditer(text):
        command, name, marker = m.group(1), m.group(3), m.group(4)
        file = os.path.join(examples_dir, name)
        if "/" in name or not os.path.isfile(file):
            errors.append(f"{chapter}: @{command} {name}: no such file in examples/")
            continue
        if name.endswith(".expected"):
            outputs.add(name)
        if command.startswith("snippet"):
            snippets.add(name)
            with open(file, encoding="utf-8") as f:
                count = f.read().count(f"[{marker}]") if marker else 0
            if count != 2:
                errors.append(
                    f"{chapter}: @{command} {name} {marker}: the marker occurs "
                    f"{count} times in examples/{name}, not twice"
                )
        elif command == "include":
            whole.add(name)

    programs = {n for n in whole | snippets if n.endswith(".c")}
    if not programs:
        errors.append(f"{chapter}: shows no example program from examples/")
    for name in sorted(snippets - whole):
        errors.append(f"{chapter}: takes snippets from {name} but does not @include it whole")
    for program in sorted({n.rsplit(".", 1)[0] for n in programs | outputs}):
        if program not in checked:
            errors.append(
                f"{chapter}: no meson test compares the output of "
                f"examples/{program}.c with examples/{program}.expected"
            )

    chapter_runs = runs(significant_lines(text))
    for name, example in sorted(example_runs.items()):
        pasted = chapter_runs & example
        if pasted:
            first = sorted(pasted)[0]
            errors.append(
                f"{chapter}: contains a copy of examples/{name} "
                f"(starting with {first[0]!r}); include it instead"
            )

    for number, line in enumerate(text.splitlines(), 1):
        m = COMMAND_RE.search(line)
        if m:
            errors.append(
                f"{chapter}:{number}: `{m.group(1)}` without -C: commands must "
                f"work from the top of the source tree"
            )
    return errors


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    source_root, build_root = sys.argv[1], sys.argv[2]
    doc_dir = os.path.join(source_root, "doc")
    examples_dir = os.path.join(source_root, "examples")
    os.chdir(source_root)

    chapters = sorted(
        os.path.join(doc_dir, n)
        for n in os.listdir(doc_dir)
        if re.fullmatch(r"tutorial_.*\.md|tevent_queue_tutorial\.md", n)
    )
    example_runs = {}
    for n in os.listdir(examples_dir):
        if n.endswith((".c", ".expected")):
            with open(os.path.join(examples_dir, n), encoding="utf-8") as f:
                example_runs[n] = runs(significant_lines(f.read()))
    checked = output_tests(build_root)

    errors = []
    for chapter in chapters:
        errors += check_chapter(chapter, examples_dir, example_runs, checked)
    for e in errors:
        print(e)
    print(f"{len(chapters)} chapters checked, {len(errors)} problems")
    sys.exit(1 if errors or not chapters else 0)


if __name__ == "__main__":
    main()
