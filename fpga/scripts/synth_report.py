#!/usr/bin/env python3
"""`make synth-report`: Yosys vendor synthesis of the SMMU alone and of the whole SoC
for ECP5, Xilinx 7-series and iCE40; resource counts into a Markdown table, with the
ECP5 Fmax from nextpnr (the board build's log, `make fpga BOARD=ulx3s`) when present.

  synth_report.py --build DIR --hex FW.hex --out docs/fpga-report.md --picorv32 FILE
                  [--only smmu|soc] [--targets ecp5,xilinx,ice40] [--pnr-log FILE]
                  [--reuse-board ULX3S_SYNTH_LOG]
"""
import argparse
import concurrent.futures as cf
import datetime
import glob
import os
import re
import subprocess
import sys
import time

# The SMMU parameters the SoC uses (fpga/rtl/soc_top.v), for "the SMMU alone".
SMMU_PARAMS = {"SID_W": 8, "PA_W": 32, "CMDQS": 6, "EVENTQS": 5, "TLB_ENTRIES": 4,
               "CFG_ENTRIES": 2, "ID_W": 2, "UP_USER_W": 12}

TARGETS = {
    "ecp5":   ("synth_ecp5", "Lattice ECP5 (LFE5U-85F)"),
    "xilinx": ("synth_xilinx -family xc7", "Xilinx 7-series"),
    "ice40":  ("synth_ice40", "Lattice iCE40"),
}


def cells(log):
    """Cell counts of the last `stat` in a Yosys log."""
    out = {}
    text = open(log).read()
    last = text.rfind("Number of cells:")
    for m in re.finditer(r"^\s+(\S+)\s+(\d+)\s*$", text[last:], re.M):
        out[m.group(1)] = out.get(m.group(1), 0) + int(m.group(2))
    return out


def summarise(target, c):
    def total(pred):
        return sum(v for k, v in c.items() if pred(k))
    if target == "ecp5":
        return {"LUT": total(lambda k: k == "LUT4") + 2 * total(lambda k: k == "CCU2C"),
                "FF": total(lambda k: k.startswith("TRELLIS_FF")),
                "BRAM": "%d DP16KD" % total(lambda k: k == "DP16KD"),
                "DSP": total(lambda k: k.startswith("MULT18X18")),
                "LUTRAM": total(lambda k: k.startswith("TRELLIS_DPR16X4"))}
    if target == "xilinx":
        # synth_xilinx keeps the hierarchy, leaving inverters at module boundaries as INV
        # cells: each becomes a LUT1, so they count.
        return {"LUT": total(lambda k: re.fullmatch(r"LUT[1-6]|INV", k) is not None),
                "FF": total(lambda k: re.fullmatch(r"FD[RSCP]E", k) is not None),
                "BRAM": "%d RAMB36 + %d RAMB18" % (total(lambda k: k.startswith("RAMB36")),
                                                   total(lambda k: k.startswith("RAMB18"))),
                "DSP": total(lambda k: k.startswith("DSP48")),
                "LUTRAM": total(lambda k: k.startswith("RAM32") or k.startswith("RAM64")
                                or k.startswith("RAM128") or k.startswith("RAM256"))}
    return {"LUT": total(lambda k: k == "SB_LUT4"),
            "FF": total(lambda k: k.startswith("SB_DFF")),
            "BRAM": "%d SB_RAM40_4K" % total(lambda k: k.startswith("SB_RAM40")),
            "DSP": total(lambda k: k.startswith("SB_MAC16")),
            "LUTRAM": 0}


def run(design, target, args):
    if design == "soc" and target == "ecp5" and args.reuse_board and os.path.exists(args.reuse_board):
        # The board build already synthesised the SoC for ECP5 (soc_ulx3s = soc_top plus
        # a reset counter): its counts, not another 10 minutes of Yosys.
        return design, target, summarise(target, cells(args.reuse_board)), 0.0, None
    outdir = os.path.join(args.build, design + "-" + target)
    os.makedirs(outdir, exist_ok=True)
    log = os.path.join(outdir, "yosys.log")
    if args.cached and os.path.exists(log) and "Number of cells:" in open(log).read():
        return design, target, summarise(target, cells(log)), 0.0, None
    srcs = " ".join(sorted(glob.glob("rtl/*.v")))
    if design == "smmu":
        top = "smmu_top"
        chp = "; ".join("chparam -set %s %d smmu_top" % kv for kv in SMMU_PARAMS.items())
    else:
        top = "soc_top"
        srcs += " " + " ".join(sorted(glob.glob("fpga/rtl/*.v"))) + " " + args.picorv32
        chp = 'chparam -set INIT_FILE "%s" soc_top' % args.hex
    script = "read_verilog -sv -Irtl/gen %s; %s; %s -top %s; stat" % (
        srcs, chp, TARGETS[target][0], top)
    t0 = time.time()
    r = subprocess.run(["yosys", "-q", "-l", log, "-p", script], stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, text=True)
    dt = time.time() - t0
    if r.returncode != 0:
        return design, target, None, dt, r.stderr.strip().splitlines()[-1:] or ["failed"]
    return design, target, summarise(target, cells(log)), dt, None


def fmax(pnr_log):
    if not pnr_log or not os.path.exists(pnr_log):
        return None
    found = re.findall(r"Max frequency for clock\s+'([^']+)':\s+([\d.]+) MHz \((PASS|FAIL) at ([\d.]+) MHz\)",
                       open(pnr_log).read())
    if not found:
        return None
    # nextpnr prints the figure after placement (an estimate) and again after routing;
    # the last one is the routed design's whenever routing completed.
    routed = "Routing complete" in open(pnr_log).read()
    return found[-1] + (("post-route" if routed else "post-placement estimate, not routed"),)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--hex", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--picorv32", required=True)
    ap.add_argument("--only", choices=["smmu", "soc"])
    ap.add_argument("--targets", default="ecp5,xilinx,ice40")
    ap.add_argument("--pnr-log", default=None)
    ap.add_argument("-j", type=int, default=2)
    ap.add_argument("--cached", action="store_true",
                    help="reuse earlier Yosys logs in --build (no re-synthesis)")
    ap.add_argument("--reuse-board", default=None,
                    help="Yosys log of the ULX3S build, used for the SoC's ECP5 counts")
    args = ap.parse_args()

    designs = [args.only] if args.only else ["smmu", "soc"]
    targets = args.targets.split(",")
    jobs = [(d, t) for d in designs for t in targets]
    results = {}
    with cf.ThreadPoolExecutor(max_workers=args.j) as ex:
        for d, t, s, dt, err in ex.map(lambda j: run(j[0], j[1], args), jobs):
            results[(d, t)] = (s, dt, err)
            print("synth-report: %-4s %-6s %s (%.0f s)" % (d, t, "ok" if s else "FAIL %s" % err, dt))

    pnr_log = args.pnr_log or os.path.join(os.path.dirname(args.build.rstrip("/")), "ulx3s", "pnr.log")
    fm = fmax(pnr_log)
    lines = [
        "# FPGA resource report",
        "",
        "Generated by `make synth-report` (fpga/scripts/synth_report.py) on %s with %s." % (
            datetime.date.today().isoformat(),
            subprocess.run(["yosys", "-V"], capture_output=True, text=True).stdout.strip()),
        "",
        "SMMU parameters (the SoC's, fpga/rtl/soc_top.v): " +
        ", ".join("%s=%d" % kv for kv in SMMU_PARAMS.items()) +
        "; ST_LEVEL_2=1, FWB=1, COHACC=1, ATTR_OVR=1.",
        "SoC: PicoRV32 (RV32IM, barrel shifter, single-cycle multiplier, divider, IRQs), "
        "256 KB RAM (64-bit, one port shared by CPU / SMMU tables / SMMU downstream), "
        "UART, timer, DMA engine, the SMMU above.",
        "",
        "LUT = logic LUTs (ECP5: LUT4 + 2 per CCU2C carry cell); FF = flip-flops; "
        "Fmax: nextpnr's timing analysis of the last `make fpga BOARD=ulx3s` (post-route "
        "when routing completed, which the Fmax cell says); the other targets are not placed.",
        "",
        "| design | target | LUT | FF | block RAM | LUT RAM | DSP | Fmax |",
        "|---|---|---:|---:|---|---:|---:|---|",
    ]
    for d in designs:
        for t in targets:
            s, dt, err = results[(d, t)]
            name = "SMMU (smmu_top)" if d == "smmu" else "SoC (soc_top)"
            f = "-"
            if t == "ecp5" and d == "soc" and fm:
                f = "%s MHz (%s at %s MHz, ULX3S LFE5U-85F-6, %s)" % (fm[1], fm[2], fm[3], fm[4])
            elif t == "ecp5" and d == "smmu":
                f = "n/a (alone: more I/Os than any package; see SoC)"
            if s is None:
                lines.append("| %s | %s | synthesis failed: %s | | | | | |" % (name, TARGETS[t][1], err))
            else:
                lines.append("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
                    name, TARGETS[t][1], s["LUT"], s["FF"], s["BRAM"], s["LUTRAM"], s["DSP"], f))
    lines += [
        "",
        "Notes:",
        "- iCE40: the SoC's 256 KB RAM is far beyond any iCE40's block RAM (HX8K: 16 KB; "
        "the UP5K's 128 KB SPRAM is not inferred), so iCE40 is synthesis-only and not "
        "placed. The SMMU-alone iCE40 LUT count is far below the ECP5 and 7-series counts of the same RTL "
        "(under a LUT6 count, with fewer flip-flops than the ECP5 count plus the LUT-RAM "
        "bits it has to replace), so treat it as unverified: compare with "
        "nextpnr-ice40 before relying on it.",
        "- Xilinx: synthesis only (no open place and route); LUT includes the INV cells "
        "synth_xilinx leaves at module boundaries (it keeps the hierarchy).",
        "- The SMMU-alone rows synthesise smmu_top with every port a top-level I/O, so "
        "nothing around it trims or shares its logic; the SoC rows are the ones to trust. "
        "The ECP5 SoC row is the netlist nextpnr placed (its log's `stat`).",
        "",
    ]
    with open(args.out, "w") as f:
        f.write("\n".join(lines))
    print("synth-report: wrote %s" % args.out)
    return 0 if all(v[0] for v in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
