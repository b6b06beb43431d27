#!/usr/bin/env python3
"""A strict check of provscope's TAP output (TAP version 13).

Usage: tap_check.py FILE   Checks: the version line, then the plan, then
exactly the planned tests numbered from 1, each line well-formed (a
description with # escaped, at most a SKIP or TODO directive), and YAML
diagnostics blocks ("  ---" ... "  ...") only right after a test line, each
a mapping (parsed with PyYAML when it is installed). Prints
"tests=N pass=P fail=F skip=S" on success; the problems and exit 1 if not."""
import re
import sys

try:
    import yaml
except ImportError:
    yaml = None

TEST = re.compile(r"^(ok|not ok) ([0-9]+)(?: - ((?:[^#\\]|\\.)*?))?(?: # (SKIP|TODO)\b(.*))?$")


def main():
    lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    errors = []
    if not lines or lines[0] != "TAP version 13":
        errors.append("line 1: not 'TAP version 13'")
    plan = re.match(r"^1\.\.([0-9]+)$", lines[1]) if len(lines) > 1 else None
    if not plan:
        errors.append("line 2: no plan 1..N")
    planned = int(plan.group(1)) if plan else -1
    n = passed = failed = skipped = 0
    i = 2
    after_test = False
    while i < len(lines):
        line = lines[i]
        m = TEST.match(line)
        if m:
            n += 1
            if int(m.group(2)) != n:
                errors.append(f"line {i + 1}: test number {m.group(2)}, expected {n}")
            if m.group(4) == "SKIP":
                skipped += 1
                if m.group(1) != "ok":
                    errors.append(f"line {i + 1}: a skipped test must be ok")
            elif m.group(1) == "ok":
                passed += 1
            else:
                failed += 1
            after_test = True
            i += 1
            continue
        if line == "  ---":
            if not after_test:
                errors.append(f"line {i + 1}: a YAML block not right after a test")
            j = i + 1
            while j < len(lines) and lines[j] != "  ...":
                if not lines[j].startswith("  "):
                    errors.append(f"line {j + 1}: YAML not indented: {lines[j]!r}")
                j += 1
            if j == len(lines):
                errors.append(f"line {i + 1}: a YAML block without its end '  ...'")
                break
            if yaml:
                try:
                    doc = yaml.safe_load("\n".join(l[2:] for l in lines[i + 1 : j]))
                    if not isinstance(doc, dict):
                        errors.append(f"line {i + 1}: the YAML block is not a mapping")
                except yaml.YAMLError as e:
                    errors.append(f"line {i + 1}: YAML: {e}")
            after_test = False
            i = j + 1
            continue
        if line.startswith("#"):  # a diagnostic line (TAP 13 allows them anywhere)
            after_test = False
            i += 1
            continue
        errors.append(f"line {i + 1}: not TAP: {line!r}")
        i += 1
    if n != planned:
        errors.append(f"the plan says {planned} tests, there are {n}")
    for e in errors:
        print(e, file=sys.stderr)
    if errors:
        return 1
    print(f"tests={n} pass={passed} fail={failed} skip={skipped}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
