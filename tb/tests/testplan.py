#!/usr/bin/env python3
"""The test plan (tb/tests/testplan.toml): every test of smmu_tests, its feature, one line.

  testplan.py header OUT.h      the C table that `smmu_tests --list` prints
  testplan.py check BINARY      every test BINARY registers (--names) is in the plan, and
                                every test in the plan is registered (a make test stage)
  testplan.py has NAME          exit 0 if NAME is a test; else print the nearest names and
                                exit 2 (make check / make waves, before building)
Standard library only (tomllib: Python 3.11).
"""
import subprocess
import sys
import tomllib
from pathlib import Path

PLAN = Path(__file__).with_name("testplan.toml")


def load():
    with open(PLAN, "rb") as f:
        plan = tomllib.load(f)
    tests, features = plan["tests"], plan["features"]
    bad = [n for n, t in tests.items() if t.get("feature") not in features or not t.get("desc")]
    if bad:
        sys.exit(f"{PLAN}: no known feature or no desc for: {', '.join(bad)}")
    return tests, features


def distance(a, b):
    """Levenshtein distance."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def nearest(name, names, n=5):
    """Names containing NAME first, then the closest by edit distance."""
    within = [x for x in names if name and name in x]
    rest = sorted((x for x in names if x not in within), key=lambda x: (distance(name, x), x))
    return (within + rest)[:n]


def c_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def header(out):
    tests, features = load()
    lines = ["/* Generated from tb/tests/testplan.toml by tb/tests/testplan.py: do not edit. */",
             "static const struct { const char *name, *feature, *desc; } testplan[] = {"]
    lines += [f"    {{{c_str(n)}, {c_str(t['feature'])}, {c_str(t['desc'])}}}," for n, t in tests.items()]
    lines += ["};", ""]
    p = Path(out)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text("\n".join(lines))


def check(binary):
    tests, _ = load()
    names = subprocess.run([binary, "--names"], check=True, capture_output=True,
                           text=True).stdout.split()
    missing = [n for n in names if n not in tests]
    stale = [n for n in tests if n not in names]
    for n in missing:
        print(f"testplan: test {n} is not in {PLAN.name}: add `{n} = {{ feature = ..., desc = ... }}`")
    for n in stale:
        print(f"testplan: {PLAN.name} lists {n}, which no test registers")
    if missing or stale:
        return 1
    print(f"testplan ok: {len(names)} tests, each with a feature and a description")
    return 0


def has(name):
    tests, _ = load()
    if name in tests:
        return 0
    print(f"no test named '{name}'. Nearest: {', '.join(nearest(name, list(tests)))}",
          file=sys.stderr)
    print("(all tests with what they check: build/tests/smmu_tests --list, or tb/tests/testplan.toml)",
          file=sys.stderr)
    return 2


def main(argv):
    if len(argv) == 3 and argv[1] == "header":
        header(argv[2])
        return 0
    if len(argv) == 3 and argv[1] == "check":
        return check(argv[2])
    if len(argv) == 3 and argv[1] == "has":
        return has(argv[2])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
