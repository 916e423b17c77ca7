#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-3.0-or-later
"""Runs an example program and compares its standard output with the
expected output that the tutorial shows.

Usage: check_output.py PROGRAM EXPECTED_FILE

Fails if the program exits with a nonzero status or prints anything else
than EXPECTED_FILE holds; on a difference it prints a unified diff.  The
program's standard error is passed through.
"""
import difflib
import subprocess
import sys


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    program, expected_path = sys.argv[1], sys.argv[2]
    with open(expected_path, encoding="utf-8") as f:
        expected = f.read()
    run = subprocess.run([program], stdout=subprocess.PIPE, check=False)
    actual = run.stdout.decode("utf-8", errors="replace")
    ok = True
    if run.returncode != 0:
        print(f"{program} exited with status {run.returncode}")
        ok = False
    if actual != expected:
        print(f"output of {program} differs from {expected_path}:")
        sys.stdout.writelines(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                actual.splitlines(keepends=True),
                fromfile=expected_path,
                tofile="actual output",
            )
        )
        ok = False
    if ok:
        print(f"{program}: output as expected ({len(expected.splitlines())} lines)")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
