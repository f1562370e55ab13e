#!/usr/bin/env python3
"""The GTKWave layout of smmu_top traces (tb/waves/smmu.gtkw), from the lists below.

  layout.py gen TRACE.fst [OUT.gtkw]     write the layout (default tb/waves/smmu.gtkw); signal
                                         ranges come from TRACE (a default-parameter build)
  layout.py at TRACE.fst OUT.gtkw        the layout opened on TRACE's first client transaction
                                         (make waves writes build/waves/TEST.gtkw with it)
  layout.py check TRACE.fst [GTKW]       every signal of the layout file is in TRACE with its
                                         range, and the file is what `gen` writes (make test)

Names are as Verilator's FST writes them: TOP.<port> for smmu_top's ports, TOP.smmu_top.<inst>...
for the inside. The trace is read through fst2vcd (Debian package gtkwave). Standard library only.
"""
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GTKW = ROOT / "tb/waves/smmu.gtkw"

# Formats: b = binary (1-bit), h = hex, d = decimal; d<name>: decimal shown through the
# value-to-name file tb/waves/<name>.txt (the state encodings of the RTL, next to the list).
CLIENT = ("Client s_up: requests in (AR/AW with StreamID in AxUSER), data, responses", False, [
    ("TOP.clk", "b"),
    ("TOP.s_up_arvalid", "b"), ("TOP.s_up_arready", "b"), ("TOP.s_up_arid", "h"),
    ("TOP.s_up_araddr", "h"), ("TOP.s_up_aruser", "h"),
    ("TOP.s_up_rvalid", "b"), ("TOP.s_up_rid", "h"), ("TOP.s_up_rdata", "h"),
    ("TOP.s_up_rresp", "h"),
    ("TOP.s_up_awvalid", "b"), ("TOP.s_up_awready", "b"), ("TOP.s_up_awid", "h"),
    ("TOP.s_up_awaddr", "h"), ("TOP.s_up_awuser", "h"),
    ("TOP.s_up_wvalid", "b"), ("TOP.s_up_wdata", "h"),
    ("TOP.s_up_bvalid", "b"), ("TOP.s_up_bid", "h"), ("TOP.s_up_bresp", "h"),
])

# ==== INTERNAL SIGNALS: the translation datapath ===========================================
# The only place that names RTL internals (rtl/smmu_xlate.v, smmu_cfg.v, smmu_tlb.v,
# smmu_s1_walker.v, smmu_s2_arb.v, smmu_s2_walker.v as instantiated in smmu_top.v). When the datapath is rebuilt, edit this
# list, then `make waves-layout` rewrites tb/waves/smmu.gtkw; the make test stage
# waves-layout names any signal that no longer exists.
TRANSLATION = ("Translation: accept (A), configuration and TLB (B), decide (C), walkers (W), finish (F)", False, [
    # A: a request from a client port (or a parked miss replayed) is accepted with its tag
    ("TOP.smmu_top.u_xlate.req_valid", "b"), ("TOP.smmu_top.u_xlate.req_ready", "b"),
    ("TOP.smmu_top.u_xlate.req_tag", "h"), ("TOP.smmu_top.u_xlate.req_sid", "h"),
    ("TOP.smmu_top.u_xlate.req_addr", "h"), ("TOP.smmu_top.u_xlate.rp_go", "b"),
    # configuration lookup: the STE (s_hit) and CD (c_hit) caches, or a fetch
    ("TOP.smmu_top.u_cfg.s_hit", "b"), ("TOP.smmu_top.u_cfg.c_hit", "b"),
    ("TOP.smmu_top.u_cfg.state", "dcfg_state"),
    ("TOP.smmu_top.u_cfg.rd_req_addr", "h"),
    # B: the TLB answers; C: a miss starts a walk, or parks behind a walk of the same page
    ("TOP.smmu_top.u_xlate.b_v_q", "b"), ("TOP.smmu_top.u_xlate.b_tag_q", "h"),
    ("TOP.smmu_top.u_xlate.tlb_hit", "b"), ("TOP.smmu_top.u_xlate.c_v_q", "b"),
    ("TOP.smmu_top.u_xlate.c_walk", "b"),
    ("TOP.smmu_top.u_xlate.c_park", "b"), ("TOP.smmu_top.u_xlate.w_busy_q", "h"),
    # W: stage-1 walk units 0 and 1 (of NWALK): state, level and descriptor address of
    # each read; stage-2 walk unit 0 (of NS2WALK) and which units hold a stage-2 request
    ("TOP.smmu_top.u_xlate.g_walk[0].u_walker.state", "dwalker_state"),
    ("TOP.smmu_top.u_xlate.g_walk[0].u_walker.s1_lvl", "d"),
    ("TOP.smmu_top.u_xlate.g_walk[0].u_walker.rd_req_valid", "b"),
    ("TOP.smmu_top.u_xlate.g_walk[0].u_walker.rd_req_addr", "h"),
    ("TOP.smmu_top.u_xlate.g_walk[0].u_walker.reads", "d"),
    ("TOP.smmu_top.u_xlate.g_walk[1].u_walker.state", "dwalker_state"),
    ("TOP.smmu_top.u_xlate.u_s2_arb.act_q", "h"),
    ("TOP.smmu_top.u_xlate.g_s2walk[0].u_s2_walker.state", "ds2walker_state"),
    ("TOP.smmu_top.u_xlate.g_s2walk[0].u_s2_walker.lvl", "d"),
    ("TOP.smmu_top.u_xlate.g_s2walk[0].u_s2_walker.rd_req_valid", "b"),
    ("TOP.smmu_top.u_xlate.g_s2walk[0].u_s2_walker.rd_req_addr", "h"),
    # F: the TLB fill, and the response by tag: output address and attributes, or a fault
    ("TOP.smmu_top.u_xlate.tlb_fill_valid", "b"),
    ("TOP.smmu_top.u_xlate.rsp_valid", "b"), ("TOP.smmu_top.u_xlate.rsp_tag", "h"),
    ("TOP.smmu_top.u_xlate.rsp_ok", "b"), ("TOP.smmu_top.u_xlate.rsp_pa", "h"),
    ("TOP.smmu_top.u_xlate.rsp_attr", "h"), ("TOP.smmu_top.u_xlate.evt_valid", "b"),
])
# ==== end of internal signals ===============================================================

DOWNSTREAM = ("Downstream m_dn: translated requests out, data, responses", False, [
    ("TOP.m_dn_arvalid", "b"), ("TOP.m_dn_arready", "b"), ("TOP.m_dn_arid", "h"),
    ("TOP.m_dn_araddr", "h"), ("TOP.m_dn_arcache", "h"), ("TOP.m_dn_aruser", "h"),
    ("TOP.m_dn_rvalid", "b"), ("TOP.m_dn_rid", "h"), ("TOP.m_dn_rdata", "h"),
    ("TOP.m_dn_rresp", "h"),
    ("TOP.m_dn_awvalid", "b"), ("TOP.m_dn_awready", "b"), ("TOP.m_dn_awid", "h"),
    ("TOP.m_dn_awaddr", "h"), ("TOP.m_dn_awcache", "h"), ("TOP.m_dn_awuser", "h"),
    ("TOP.m_dn_wvalid", "b"), ("TOP.m_dn_wdata", "h"),
    ("TOP.m_dn_bvalid", "b"), ("TOP.m_dn_bid", "h"), ("TOP.m_dn_bresp", "h"),
])
TABLE_RD = ("Table reads m_tbl AR/R: STEs, CDs, descriptors, commands", False, [
    ("TOP.m_tbl_arvalid", "b"), ("TOP.m_tbl_arready", "b"), ("TOP.m_tbl_arid", "h"),
    ("TOP.m_tbl_araddr", "h"), ("TOP.m_tbl_arlen", "d"),
    ("TOP.m_tbl_rvalid", "b"), ("TOP.m_tbl_rid", "h"), ("TOP.m_tbl_rdata", "h"),
    ("TOP.m_tbl_rresp", "h"), ("TOP.m_tbl_rlast", "b"),
])
IRQ = ("Interrupts", False, [
    ("TOP.irq_eventq", "b"), ("TOP.irq_cmd_sync", "b"), ("TOP.irq_gerror", "b"),
    ("TOP.irq_pmcg", "b"),
])
RESET = ("Clock and reset", True, [("TOP.clk", "b"), ("TOP.rst_n", "b"), ("TOP.canwbs", "b")])
REGS = ("Registers: AXI4-Lite s_reg", True, [
    ("TOP.s_reg_awvalid", "b"), ("TOP.s_reg_awready", "b"), ("TOP.s_reg_awaddr", "h"),
    ("TOP.s_reg_wvalid", "b"), ("TOP.s_reg_wdata", "h"), ("TOP.s_reg_wstrb", "h"),
    ("TOP.s_reg_bvalid", "b"), ("TOP.s_reg_bresp", "h"),
    ("TOP.s_reg_arvalid", "b"), ("TOP.s_reg_arready", "b"), ("TOP.s_reg_araddr", "h"),
    ("TOP.s_reg_rvalid", "b"), ("TOP.s_reg_rdata", "h"), ("TOP.s_reg_rresp", "h"),
])
TABLE_WR = ("Table writes m_tbl AW/W/B: events, CMD_SYNC", True, [
    ("TOP.m_tbl_awvalid", "b"), ("TOP.m_tbl_awready", "b"), ("TOP.m_tbl_awaddr", "h"),
    ("TOP.m_tbl_wvalid", "b"), ("TOP.m_tbl_wdata", "h"),
    ("TOP.m_tbl_bvalid", "b"), ("TOP.m_tbl_bresp", "h"),
])
GROUPS = [CLIENT, TRANSLATION, DOWNSTREAM, TABLE_RD, IRQ, RESET, REGS, TABLE_WR]

CLOCK_PS = 10000         # one clock in the trace (tb/harness/sim_core.cpp: 10 ns)
ZOOM = -18.0             # GTKWave's zoom: about 90 cycles across a 1600-pixel window
BEFORE_CYCLES = 4        # cycles shown before the first client request
FMT = {"b": "28", "h": "22", "d": "24"}


def vcd(trace):
    """fst2vcd's output as a line iterator (the process is ended when the caller stops)."""
    p = subprocess.Popen(["fst2vcd", "-f", str(trace)], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True)
    try:
        yield from p.stdout
    finally:
        p.kill()
        p.wait()


def header(lines):
    """{name: (vcd id, '[hi:lo]' or '')} from a VCD header; stops at $enddefinitions."""
    scope, sigs = [], {}
    for line in lines:
        t = line.split()
        if not t:
            continue
        if t[0] == "$scope":
            scope.append(t[2])
        elif t[0] == "$upscope":
            scope.pop()
        elif t[0] == "$var":
            rng = t[5] if len(t) > 6 and t[5].startswith("[") else ""
            sigs[".".join(scope + [t[4]])] = (t[3], rng)
        elif t[0] == "$enddefinitions":
            break
    if not sigs:
        sys.exit("layout: no signals read from the trace (is fst2vcd installed? Debian gtkwave)")
    return sigs


def first_request(trace):
    """Time (ps) of the first cycle with s_up_arvalid or s_up_awvalid high, or None."""
    lines = vcd(trace)
    sigs = header(lines)
    ids = {sigs[n][0] for n in ("TOP.s_up_arvalid", "TOP.s_up_awvalid") if n in sigs}
    now = 0
    for line in lines:
        if line.startswith("#"):
            now = int(line[1:])
        elif line[:1] == "1" and line[1:].strip() in ids:
            return now
    return None


def render(sigs, timestart=0, zoom=-3.0, marker=-1):
    filters = sorted({f[1:] for _, _, items in GROUPS for _, f in items if f[1:]})
    out = ["[*] GTKWave layout for smmu_top traces: make waves TEST=name opens it on the test's",
           "[*] first client transaction. Generated by tb/waves/layout.py from its lists: edit",
           "[*] them there (internal signals in one marked list), then `make waves-layout`.",
           "[*] Time: one clock is 10 ns (100 MHz); vector ranges are the default parameters'.",
           f"[timestart] {timestart}", "[size] 1600 1300", "[pos] -1 -1",
           f"*{zoom:.6f} {marker} " + " ".join(["-1"] * 26),
           "[treeopen] TOP.", "[sst_width] 240", "[signals_width] 300", "[sst_expanded] 0",
           "[sst_vpaned_height] 300"]
    for title, closed, items in GROUPS:
        out += ["@c00200" if closed else "@800200", "-" + title]
        for name, fmt in items:
            code = FMT[fmt[0]]
            if fmt[1:]:  # a state-name filter file: tb/waves/<name>.txt, filter slot k
                out += [f"^{filters.index(fmt[1:]) + 1} tb/waves/{fmt[1:]}.txt"]
                code = hex(int(code, 16) | 0x2000)[2:]
            inside = name.startswith("TOP.smmu_top.")
            alias = "+{" + "/".join(name.split(".")[2:]).removeprefix("u_") + "} " if inside else ""
            out += ["@" + code, alias + name + sigs[name][1]]
        out += ["@1401200" if closed else "@1000200", "-" + title]
    out += ["[pattern_trace] 1", "[pattern_trace] 0", ""]
    return "\n".join(out)


def missing(sigs):
    names = [n for _, _, items in GROUPS for n, _ in items]
    return [n for n in names if n not in sigs]


def nearest(name, names):
    stem = name.rsplit(".", 1)[0]
    return sorted(n for n in names if n.startswith(stem + "."))[:12]


def need_all(sigs, trace):
    gone = missing(sigs)
    for n in gone:
        near = nearest(n, sigs)
        print(f"layout: {n} is not in {trace}" + (f"; in that scope: {', '.join(near)}" if near else ""))
    return not gone


def main(argv):
    if len(argv) in (3, 4) and argv[1] == "gen":
        sigs = header(vcd(argv[2]))
        if not need_all(sigs, argv[2]):
            return 1
        Path(argv[3] if len(argv) == 4 else GTKW).write_text(render(sigs))
        return 0
    if len(argv) == 4 and argv[1] == "at":
        sigs = header(vcd(argv[2]))
        if not need_all(sigs, argv[2]):
            return 1
        t = first_request(argv[2])
        if t is None:
            print(f"layout: no client transaction in {argv[2]}: opening at time 0")
            Path(argv[3]).write_text(render(sigs))
            return 0
        start = max(0, t - BEFORE_CYCLES * CLOCK_PS)
        # GTKWave's zoom z shows 2^-z time units per pixel; about 1250 pixels of waves.
        Path(argv[3]).write_text(render(sigs, start, ZOOM, t))
        print(f"layout: first client transaction at {t // 1000} ns (cycle {t // CLOCK_PS})")
        return 0
    if len(argv) in (3, 4) and argv[1] == "check":
        gtkw = Path(argv[3] if len(argv) == 4 else GTKW)
        sigs = header(vcd(argv[2]))
        listed = [l.strip() for l in gtkw.read_text().splitlines()
                  if l.startswith("TOP.")]
        bad = [l for l in listed
               if re.sub(r"\[\d+:\d+\]$", "", l) not in sigs
               or l != re.sub(r"\[\d+:\d+\]$", "", l) + sigs[re.sub(r"\[\d+:\d+\]$", "", l)][1]]
        for l in bad:
            print(f"layout: {gtkw.name} shows {l}, which {argv[2]} does not have")
        ok = not bad and need_all(sigs, argv[2])
        if ok and gtkw.read_text() != render(sigs):
            print(f"layout: {gtkw} is not what tb/waves/layout.py writes: run make waves-layout")
            ok = False
        if ok and first_request(argv[2]) is None:
            print(f"layout: no client transaction found in {argv[2]}")
            ok = False
        if ok:
            print(f"layout ok: {len(listed)} signals of {gtkw.name}, each in {argv[2]}")
        return 0 if ok else 1
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
