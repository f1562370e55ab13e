#!/usr/bin/env python3
"""`make synth-report`: Yosys vendor synthesis of the SMMU alone and of the whole SoC
for ECP5, Xilinx 7-series and iCE40; resource counts into a Markdown table, with the
Fmax from nextpnr when its logs are present: the SoC's from the board build
(`make fpga BOARD=ulx3s`), the SMMU alone's from the out-of-context runs
(`make fmax-smmu`: FMAX_DIR/fmax-<target>/{synth,pnr}.log). This script never runs
place and route itself.

  synth_report.py --build DIR --hex FW.hex --out docs/fpga-report.md --picorv32 FILE
                  [--only smmu|soc] [--targets ecp5,xilinx,ice40] [--pnr-log FILE]
                  [--reuse-board ULX3S_SYNTH_LOG] [--fmax-dir DIR]
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
               "CFG_ENTRIES": 2, "CD_ENTRIES": 2,
               "WC_S1": 4, "WC_S2": 4, "NRD": 8, "NWR": 8, "NWALK": 2, "NS2WALK": 1,
               "UTLB": 4, "ID_W": 2, "UP_USER_W": 12}

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
    # every RTL file in build order, subfolders included (the fmax and board flows' list)
    srcs = " ".join(subprocess.run(["bash", "scripts/rtl_files.sh"], check=True,
                                   capture_output=True, text=True).stdout.split())
    if design == "smmu":
        top = "smmu_top"
        chp = "; ".join("chparam -set %s %d smmu_top" % kv for kv in SMMU_PARAMS.items())
    else:
        top = "soc_top"
        srcs += " " + " ".join(sorted(glob.glob("fpga/rtl/*.v"))) + " " + args.picorv32
        chp = 'chparam -set INIT_FILE "%s" soc_top' % args.hex
    script = "read_verilog -sv -Irtl -Irtl/gen %s; %s; %s -top %s; stat" % (
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


def reg_name(cell):
    """The register behind a flip-flop cell name (u_x.q_TRELLIS_FF_Q_3 -> u_x.q)."""
    return re.sub(r"_(TRELLIS_FF|SB_DFF\w*?)_Q(_\d+)?$", "", cell)


def critical_path(pnr_log):
    """(start, end, total ns, logic ns, routing ns) of the last clock-to-clock critical
    path nextpnr printed (the post-route one when routing completed), or None."""
    if not pnr_log or not os.path.exists(pnr_log):
        return None
    text = open(pnr_log).read()
    start = text.rfind("Critical path report for clock")
    if start < 0:
        return None
    end = text.find("ns routing", start)
    if end < 0:
        return None
    sect = text[start:end + len("ns routing")]
    srcs = re.findall(r"^Info:\s+\S+\s+[\d.]+\s+([\d.]+) Source (\S+)", sect, re.M)
    sinks = re.findall(r"Sink (\S+)", sect)
    split = re.search(r"([\d.]+) ns logic, ([\d.]+) ns routing", sect)
    if not srcs or not sinks or not split:
        return None
    first = srcs[0][1].rsplit(".", 1)[0]
    last = sinks[-1].rsplit(".", 1)[0]
    return (reg_name(first), reg_name(last), float(srcs[-1][0]), float(split.group(1)),
            float(split.group(2)))


def pnr_failure(pnr_log):
    """nextpnr's utilisation line of the first over-full resource and its error, when
    place and route stopped because the design does not fit; else None."""
    if not pnr_log or not os.path.exists(pnr_log):
        return None
    text = open(pnr_log).read()
    if "ERROR:" not in text:
        return None
    over = [m for m in re.finditer(r"^Info:\s+(\S+):\s+(\d+)/\s*(\d+)\s+(\d+)%", text, re.M)
            if int(m.group(2)) > int(m.group(3))]
    if over:
        m = over[0]
        return "%s %s/%s (%s %%)" % (m.group(1), m.group(2), m.group(3), m.group(4))
    return re.search(r"ERROR: (.*)", text).group(1).strip()


# The out-of-context wrapper (fpga/fmax/smmu_fmax.v): one flip-flop per SMMU input and
# output bit, plus two 2-flop synchronisers; its formulas, for these parameters.
def wrapper_ffs():
    p = dict(SMMU_PARAMS, TBL_ID_W=4, DN_USER_W=8)
    n_in = 512 + 2 * p["TBL_ID_W"] + 4 * p["ID_W"] + 2 * p["UP_USER_W"]
    n_out = 390 + 2 * p["TBL_ID_W"] + 4 * p["ID_W"] + 4 * p["PA_W"] + 2 * p["DN_USER_W"]
    return n_in, n_out, 4


# Out-of-context place and route: target -> (nextpnr device, what the row says).
FMAX_DEVICES = {"ecp5": "LFE5U-85F-6 CABGA381", "ice40": "iCE40HX8K CT256"}


def ooc_notes(designs, targets, results, ooc, soc_pnr_log):
    """Notes on the out-of-context SMMU runs: the wrapped netlist against the SMMU-alone
    synthesis (nothing pruned), and the critical paths."""
    notes = []
    n_in, n_out, n_sync = wrapper_ffs()
    wrap = n_in + n_out + n_sync
    placed = [t for t in FMAX_DEVICES if t in targets and os.path.exists(ooc[t][0])
              and "Number of cells:" in open(ooc[t][0]).read()]
    if "smmu" in designs and placed:
        notes.append(
            "- SMMU alone, placed: fpga/fmax/smmu_fmax.v drives each of smmu_top's %d input "
            "bits from a flip-flop of a shift chain fed by one pin, and XORs each of its %d "
            "output bits into a flip-flop of a signature chain ending on four pins, so "
            "nothing is optimised away and every SMMU path is register to register; the "
            "wrapper adds no logic on the input side and one XOR2 on the output side (the "
            "paths of interest are internal). The wrapped netlists against the SMMU-alone "
            "rows above (same RTL, same parameters):" % (n_in, n_out))
        for t in placed:
            alone = results.get(("smmu", t), (None,))[0]
            w = summarise(t, cells(ooc[t][0]))
            if not alone:
                continue
            extra = w["FF"] - alone["FF"]
            notes.append(
                "  - %s: %d LUT, %d FF = the SMMU's %d FF + %d%s; %+d LUT (the output XORs, "
                "some absorbed into the SMMU's last LUTs)." % (
                    TARGETS[t][1], w["LUT"], w["FF"], alone["FF"], extra,
                    " (the wrapper's %d: nothing pruned)" % wrap if extra == wrap
                    else " (the wrapper has %d: check for pruning)" % wrap,
                    w["LUT"] - alone["LUT"]))
    paths = []
    if "soc" in designs and "ecp5" in targets:
        paths.append(("SoC, ULX3S LFE5U-85F-6", soc_pnr_log))
    if "smmu" in designs:
        paths += [("SMMU alone, %s" % FMAX_DEVICES[t], ooc[t][1]) for t in FMAX_DEVICES
                  if t in targets]
    for what, log in paths:
        cp = critical_path(log) if fmax(log) else None
        if cp:
            notes.append(
                "- Critical path (%s, %s): %s -> %s, %.2f ns (%.2f ns logic, %.2f ns "
                "routing); the whole path is in %s." % (
                    what, fmax(log)[4], cp[0], cp[1], cp[2], cp[3], cp[4], log))
    return notes


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
    ap.add_argument("--fmax-dir", default=None,
                    help="where `make fmax-smmu` wrote fmax-<target>/ (default: beside --build)")
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
    fmax_dir = args.fmax_dir or os.path.dirname(args.build.rstrip("/"))
    ooc = {}  # target -> (synth.log, pnr.log) of the out-of-context SMMU runs
    for t in FMAX_DEVICES:
        d = os.path.join(fmax_dir, "fmax-" + t)
        ooc[t] = (os.path.join(d, "synth.log"), os.path.join(d, "pnr.log"))
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
        "Fmax: nextpnr's timing analysis (post-route when routing completed, which the "
        "Fmax cell says) of the last `make fpga BOARD=ulx3s` for the SoC, and of the last "
        "`make fmax-smmu` for the SMMU alone (out of context: fpga/fmax/smmu_fmax.v); "
        "Xilinx is not placed (no open place and route).",
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
            elif d == "smmu" and t in FMAX_DEVICES:
                ofm, fail = fmax(ooc[t][1]), pnr_failure(ooc[t][1])
                if ofm:
                    f = "%s MHz (%s at %s MHz, %s, %s, out of context)" % (
                        ofm[1], ofm[2], ofm[3], FMAX_DEVICES[t], ofm[4])
                elif fail:
                    f = "does not fit %s%s: %s, wrapper included" % (
                        FMAX_DEVICES[t], " (the largest iCE40)" if t == "ice40" else "", fail)
                else:
                    f = "- (`make fmax-smmu`)"
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
        "placed; the SMMU alone does not fit the largest iCE40 either (the iCE40 Fmax cell: "
        "nextpnr-ice40 on the wrapped SMMU, `make fmax-smmu`). The SMMU-alone iCE40 LUT "
        "count is far below the ECP5 and 7-series counts of the same RTL "
        "(under a LUT6 count, with fewer flip-flops than the ECP5 count plus the LUT-RAM "
        "bits it has to replace), so treat it as unverified (nextpnr packs Yosys's netlist "
        "as it is, so its logic-cell count does not check it).",
        "- Xilinx: synthesis only (no open place and route); LUT includes the INV cells "
        "synth_xilinx leaves at module boundaries (it keeps the hierarchy).",
        "- The SMMU-alone rows synthesise smmu_top with every port a top-level I/O, so "
        "nothing around it trims or shares its logic; the SoC rows are the ones to trust. "
        "The ECP5 SoC row is the netlist nextpnr placed (its log's `stat`).",
    ]
    lines += ooc_notes(designs, targets, results, ooc, pnr_log)
    lines.append("")
    with open(args.out, "w") as f:
        f.write("\n".join(lines))
    print("synth-report: wrote %s" % args.out)
    return 0 if all(v[0] for v in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
