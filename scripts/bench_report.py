#!/usr/bin/env python3
"""The report side of `make bench` (tb/bench/bench.mk, docs/performance.md).

  bench_report.py check FILE              every required key present and a number
  bench_report.py merge --out F A [san=B] [C...]
                                          one JSON from the bench's parts (san=: take its
                                          sim_cycles_per_second as ..._san)
  bench_report.py soc-speed --out F -- CMD...
                                          run the SoC simulation, time it, keep its cycles
                                          per second as soc_cycles_per_second
  bench_report.py table FILE              the figures as a table
  bench_report.py plot FILE --out DIR [--docs DIR]
                                          the PNG plots (matplotlib)

Only `plot` needs anything beyond the standard library.
"""
import argparse
import json
import re
import resource
import shutil
import subprocess
import sys
from pathlib import Path

# The keys `make bench` promises, with what each one is (docs/performance.md).
REQUIRED = {
    "hit_added_latency_cycles": "a single-beat S1 TLB-hit read, over the wire (cycles)",
    "hit_txn_per_cycle": "address handshakes per cycle, back-to-back single-beat S1 hits",
    "stream_bw_ratio_vs_wire": "256 B S1-hit reads, 16 outstanding, latency 100, / wire",
    "nested_sweep_bw_ratio_vs_wire": "nested, a new 4 KB page per 16 reads, latency 100, / wire",
    "cold_reads_s1": "table reads of a first S1 access (STE, CD, walk)",
    "cold_reads_nested": "table reads of a first nested access",
    "warm_reads_s1": "table reads, S1, neighbouring page, configuration cached",
    "warm_reads_nested": "table reads, nested, neighbouring page, configuration cached",
    "cold_cfg_reads_s1": "table reads of a new S1 stream whose page is in the TLB",
    "max_translations_in_flight": "most table reads in flight at once (64 misses, latency 100)",
    "max_outstanding_per_direction": "most client transactions the SMMU holds per direction",
    "hit_under_miss_latency_cycles": "an S1 hit while a nested walk is outstanding, latency 100",
    "tlb_hit_rate_64_pages_random": "TLB hit rate, 64 pages, random order",
    "cmd_sync_cycles": "CMD_SYNC (CS = IRQ), idle: driver call to interrupt",
    "cmd_sync_under_load_cycles": "the same with 16 reads and 16 writes in flight",
    "sim_cycles_per_second": "simulated cycles per second, release build",
    "sim_cycles_per_second_san": "simulated cycles per second, sanitizer build",
    "soc_cycles_per_second": "the PicoRV32 SoC simulation, cycles per second",
}
# Produced by the bench itself (check in the quick run); the rest come from merge.
FROM_BENCH = [k for k in REQUIRED if k not in ("sim_cycles_per_second_san",
                                               "soc_cycles_per_second")]


def load(path):
    with open(path) as f:
        return json.load(f)


def cmd_check(a):
    d = load(a.file)
    missing = [k for k in FROM_BENCH if not isinstance(d.get(k), (int, float))]
    if missing:
        print("bench: missing or not a number: " + ", ".join(missing))
        return 1
    series = d.get("series", {})
    empty = [k for k, v in series.items() if not v]
    if not series or empty:
        print("bench: empty plot series: " + ", ".join(empty or ["(none)"]))
        return 1
    print(f"bench: {len(FROM_BENCH)} keys and {len(series)} series present in {a.file}")
    return 0


def cmd_merge(a):
    out = load(a.parts[0])
    for p in a.parts[1:]:
        if p.startswith("san="):
            out["sim_cycles_per_second_san"] = load(p[4:])["sim_cycles_per_second"]
        else:
            d = load(p)
            d.pop("series", None)
            out.update(d)
    missing = [k for k in REQUIRED if not isinstance(out.get(k), (int, float))]
    if missing:
        print("bench: missing after merge: " + ", ".join(missing))
        return 1
    Path(a.out).write_text(json.dumps(out, indent=2) + "\n")
    return 0


def cmd_soc_speed(a):
    cmd = a.command[1:] if a.command[:1] == ["--"] else a.command
    # CPU time of the child (user + system), so a busy machine does not skew it
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    p = subprocess.run(cmd, capture_output=True, text=True)
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    dt = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    m = re.search(r"after (\d+) cycles: PASS", p.stdout)
    if p.returncode != 0 or not m:
        print(p.stdout[-2000:], p.stderr[-2000:])
        print("bench: the SoC simulation did not pass")
        return 1
    cycles = int(m.group(1))
    Path(a.out).write_text(json.dumps({"soc_cycles_per_second": round(cycles / dt),
                                       "soc_selftest_cycles": cycles}) + "\n")
    return 0


def cmd_table(a):
    d = load(a.file)
    print(f"{'figure':36} {'value':>14}  what")
    for k, what in REQUIRED.items():
        v = d[k]
        txt = f"{v:,.0f}" if abs(v) >= 1000 else (f"{v:.0f}" if v == int(v) else f"{v:.3f}")
        print(f"{k:36} {txt:>14}  {what}")
    extra = [k for k in d if k not in REQUIRED and k != "series"]
    for k in extra:
        v = d[k]
        txt = f"{v:,.0f}" if abs(v) >= 1000 else (f"{v:.0f}" if v == int(v) else f"{v:.3f}")
        print(f"{k:36} {txt:>14}")
    return 0


MODES = ["wire", "gbpa_bypass", "ste_bypass", "s1", "s2", "nested"]


def cmd_plot(a):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    d = load(a.file)
    s = d["series"]
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    meta = {"Software": None}
    files = []

    def xy(name):
        pts = s.get(name, [])
        return [p[0] for p in pts], [p[1] for p in pts]

    def save(fig, name):
        fig.tight_layout()
        path = out / name
        fig.savefig(path, dpi=90, metadata=meta)
        plt.close(fig)
        files.append(path)

    fig, ax = plt.subplots(figsize=(7, 4.5))
    for m in MODES:
        x, y = xy(f"latency_vs_beats/{m}")
        if x:
            ax.plot(x, y, marker="o", label=m)
    ax.set_xscale("log", base=2)
    ax.set_xlabel("read burst length (beats of 8 bytes)")
    ax.set_ylabel("cycles, address to last beat")
    ax.set_title("Latency of one read (TLB hit), memory latency 2")
    ax.grid(True, alpha=0.3)
    ax.legend()
    save(fig, "latency_vs_burst.png")

    lats = sorted({int(k.split("/")[1][3:]) for k in s if k.startswith("bw_vs_depth/")})
    fig, axes = plt.subplots(1, len(lats), figsize=(5 * len(lats), 4.2), sharey=True)
    for ax, lat in zip(axes if len(lats) > 1 else [axes], lats):
        for m in MODES:
            x, y = xy(f"bw_vs_depth/lat{lat}/{m}")
            if x:
                ax.plot(x, y, marker="o", label=m)
        ax.set_xscale("log", base=2)
        ax.set_xlabel("reads outstanding (256 bytes each)")
        ax.set_title(f"memory latency {lat}")
        ax.grid(True, alpha=0.3)
    axes[0].set_ylabel("fraction of the bus (8 B/cycle)")
    axes[0].legend()
    fig.suptitle("Read bandwidth by outstanding depth (hits)")
    save(fig, "bandwidth_vs_depth.png")

    fig, ax = plt.subplots(figsize=(7, 4.5))
    for kind in ("cyclic", "random"):
        x, y = xy(f"tlb_hit_rate/{kind}")
        ax.plot(x, y, marker="o", label=kind)
    ax.set_xscale("log", base=2)
    ax.set_xlabel("working set (4 KB pages)")
    ax.set_ylabel("TLB hit rate")
    ax.set_title("TLB hit rate by working-set size (stage 1)")
    ax.grid(True, alpha=0.3)
    ax.legend()
    save(fig, "tlb_hit_rate.png")

    fig, ax = plt.subplots(figsize=(7, 4.5))
    for m in ("s1", "s2", "nested"):
        x, y = xy(f"miss_cycles_vs_latency/{m}")
        ax.plot(x, y, marker="o", label=f"{m} miss")
        x, y = xy(f"hit_cycles_vs_latency/{m}")
        ax.plot(x, y, marker=".", linestyle="--", label=f"{m} hit")
    ax.set_xlabel("memory latency (cycles, tables and data)")
    ax.set_ylabel("cycles of a single-beat read")
    ax.set_title("Cost of a TLB miss (configuration cached)")
    ax.grid(True, alpha=0.3)
    ax.legend()
    save(fig, "miss_cost_vs_latency.png")

    if a.docs:
        docs = Path(a.docs)
        docs.mkdir(parents=True, exist_ok=True)
        for f in files:
            shutil.copy(f, docs / f.name)
    print("bench: plots " + ", ".join(str(f) for f in files))
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("check")
    p.add_argument("file")
    p = sub.add_parser("merge")
    p.add_argument("--out", required=True)
    p.add_argument("parts", nargs="+")
    p = sub.add_parser("soc-speed")
    p.add_argument("--out", required=True)
    p.add_argument("command", nargs=argparse.REMAINDER)
    p = sub.add_parser("table")
    p.add_argument("file")
    p = sub.add_parser("plot")
    p.add_argument("file")
    p.add_argument("--out", required=True)
    p.add_argument("--docs")
    a = ap.parse_args()
    fn = {"check": cmd_check, "merge": cmd_merge, "soc-speed": cmd_soc_speed,
          "table": cmd_table, "plot": cmd_plot}[a.cmd]
    return fn(a)


if __name__ == "__main__":
    sys.exit(main())
