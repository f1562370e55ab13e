#!/usr/bin/env python3
"""Per-module summary of a Verilator coverage file (make coverage, tb/diff/diff.mk).

    cov_report.py merged.dat

Each coverage point of a .dat file is one line `C '<key/value pairs>' <count>`, the pairs
separated by \\x01 and each key from its value by \\x02; `page` is `v_line/<module>`,
`v_branch/<module>` or `v_toggle/<module>`. A point is covered when its count is > 0.
Points of every instance and parameter set of a module are added up. Prints one row per module: covered /
total points and the percentage for line (line + branch blocks) and toggle coverage.
"""
import collections
import re
import sys


def parse(path):
    pts = collections.defaultdict(lambda: [0, 0])  # (module, kind) -> [covered, total]
    rx = re.compile(r"^C '(.*)' (\d+)$")
    with open(path, encoding="latin-1") as f:
        for line in f:
            m = rx.match(line.rstrip("\n"))
            if not m:
                continue
            kv = {}
            for item in m.group(1).split("\x01"):
                if "\x02" in item:
                    k, v = item.split("\x02", 1)
                    kv[k] = v
            page = kv.get("page", "")
            if "/" not in page:
                continue
            kind, module = page.split("/", 1)
            module = module.split("__")[0]  # Verilator's parameter-set suffix
            kind = "toggle" if kind.endswith("toggle") else "line"
            c = pts[(module, kind)]
            c[1] += 1
            if int(m.group(2)) > 0:
                c[0] += 1
    return pts


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    pts = parse(sys.argv[1])
    mods = sorted({m for m, _ in pts})
    fmt = "{:<22} {:>16} {:>7} {:>16} {:>7}"
    print(fmt.format("module", "line+branch", "%", "toggle", "%"))
    tot = {"line": [0, 0], "toggle": [0, 0]}
    for mod in mods:
        row = [mod]
        for kind in ("line", "toggle"):
            c, t = pts.get((mod, kind), [0, 0])
            tot[kind][0] += c
            tot[kind][1] += t
            row += ["%d/%d" % (c, t), "%.1f" % (100.0 * c / t) if t else "-"]
        print(fmt.format(*row))
    row = ["total"]
    for kind in ("line", "toggle"):
        c, t = tot[kind]
        row += ["%d/%d" % (c, t), "%.1f" % (100.0 * c / t) if t else "-"]
    print(fmt.format(*row))
    return 0


if __name__ == "__main__":
    sys.exit(main())
