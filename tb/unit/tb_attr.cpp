// Unit bench: smmu_attr. Expectations are hand-derived from IHI 0070 chapter 13 and Arm ARM D8.6
// and ARM D8.6; each case says why. Build with -DBENCH_FWB=0 against -GFWB=0 for the
// variant without S2FWB support.
#include "Vsmmu_attr.h"
#include "verilated.h"
#include "unit_check.h"

#ifndef BENCH_FWB
#define BENCH_FWB 1
#endif

enum { NSH = 0, SH_RES = 1, OSH = 2, ISH = 3 };              // SH encoding (out_sh)
enum { D_NSH = 0, D_ISH = 1, D_OSH = 2, D_SYS = 3 };          // AMBA AxDOMAIN (out_domain)
static Vsmmu_attr *m;

struct Out { unsigned attr, sh, cache, dom; };

// Path selectors
enum Path { BYP, S1, S2, NEST };

static Out run(Path p, bool fwb, unsigned in, unsigned in_sh, unsigned s1, unsigned s1_sh,
               unsigned ma, unsigned s2_sh, bool ns = false, bool canwbs = false, bool rd = true) {
    m->s1_en = (p == S1 || p == NEST);
    m->s2_en = (p == S2 || p == NEST);
    m->s2fwb = fwb;
    m->is_read = rd;
    m->in_attr = in; m->in_sh = in_sh;
    m->s1_mair = s1; m->s1_sh = s1_sh;
    m->s2_memattr = ma; m->s2_sh = s2_sh;
    m->nosnoop = ns; m->canwbs = canwbs;
    m->eval();
    return Out{m->out_attr, m->out_sh, m->out_cache, m->out_domain};
}

#define EXPECT(what, o, a, s)        do { CHECK(what " attr", (o).attr, a); CHECK(what " sh", (o).sh, s); } while (0)
#define EXPECT_AMBA(what, o, c, d)   do { CHECK(what " cache", (o).cache, c); CHECK(what " dom", (o).dom, d); } while (0)

int main(int argc, char **argv) {
    Verilated::commandArgs(argc, argv);
    m = new Vsmmu_attr;
    Out o;

    // ---------------- stage 1 replaces type and SH (13.4.2)
    o = run(S1, 0, 0xFF, NSH, 0xFF, ISH, 0, 0);       // WB RWA both sides -> WB RWA, S1 SH
    EXPECT("s1 wb", o, 0xFF, ISH); EXPECT_AMBA("s1 wb", o, 0xF, D_ISH);
    o = run(S1, 0, 0xFF, ISH, 0x44, ISH, 0, 0);       // S1 iNC-oNC -> forced OSH
    EXPECT("s1 nc", o, 0x44, OSH); EXPECT_AMBA("s1 nc", o, 0x3, D_SYS);
    o = run(S1, 0, 0xFF, NSH, 0x04, NSH, 0, 0);       // S1 Device-nGnRE, OSH, bufferable
    EXPECT("s1 dev", o, 0x04, OSH); EXPECT_AMBA("s1 dev", o, 0x1, D_SYS);
    o = run(S1, 0, 0xFF, NSH, 0x00, NSH, 0, 0);       // S1 Device-nGnRnE, non-bufferable
    EXPECT("s1 ngnrne", o, 0x00, OSH); EXPECT_AMBA("s1 ngnrne", o, 0x0, D_SYS);
    // Hints: cacheable input level combines (no-allocate and transient win)
    o = run(S1, 0, 0xEE, NSH, 0xFF, NSH, 0, 0);       // in WB RA-only: WA 0&1 = 0 -> 0xEE
    EXPECT("s1 hint ra", o, 0xEE, NSH); EXPECT_AMBA("s1 hint ra", o, 0x7, D_NSH);  // {WA0,RA1,1,1}
    o = run(S1, 0, 0x77, NSH, 0xFF, NSH, 0, 0);       // in WB transient: TR 1|0 -> WB transient 0x77
    EXPECT("s1 hint tr", o, 0x77, NSH);
    o = run(S1, 0, 0xFF, NSH, 0x33, NSH, 0, 0);       // S1 WT transient RWA, in RWA -> 0x33
    EXPECT("s1 wt tr", o, 0x33, NSH);
    o = run(S1, 0, 0xCC, NSH, 0xFF, NSH, 0, 0);       // in WB no-alloc: RA=WA=0 -> WB no-alloc 0xCC
    EXPECT("s1 noalloc", o, 0xCC, NSH);
    o = run(S1, 0, 0xCC, NSH, 0x77, NSH, 0, 0);       // no-alloc & transient S1: no alloc -> nTR (13.1.7) 0xCC
    EXPECT("s1 noalloc tr", o, 0xCC, NSH);
    // Non-cacheable / Device input levels carry no hints: stage 1's are used unchanged
    o = run(S1, 0, 0x44, NSH, 0x77, ISH, 0, 0);
    EXPECT("s1 in nc", o, 0x77, ISH); EXPECT_AMBA("s1 in nc", o, 0xF, D_ISH);
    o = run(S1, 0, 0x00, NSH, 0xAA, NSH, 0, 0);       // in Device, S1 WT RA: WT -> AMBA NC
    EXPECT("s1 in dev", o, 0xAA, NSH); EXPECT_AMBA("s1 in dev", o, 0x3, D_SYS);
    o = run(S1, 0, 0xCF, NSH, 0xFF, NSH, 0, 0);       // in oWB-noalloc iWB-RWA: per level
    EXPECT("s1 per level", o, 0xCF, NSH);
    o = run(S1, 0, 0x4F, NSH, 0xEE, NSH, 0, 0);       // in oNC iWB: outer S1 hints 0xE, inner 1&1,1&0 -> 0xEE
    EXPECT("s1 in onc", o, 0xEE, NSH);
    o = run(S1, 0, 0xFF, NSH, 0xFF, SH_RES, 0, 0);    // descriptor SH 01 reserved -> NSH
    EXPECT("s1 sh01", o, 0xFF, NSH);
    // MAIR reserved encodings (CD.MAIR table, 5.4)
    o = run(S1, 0, 0xFF, NSH, 0x01, NSH, 0, 0); EXPECT("mair 01", o, 0x00, OSH);  // 0b00RW -> nGnRnE
    o = run(S1, 0, 0xFF, NSH, 0x05, NSH, 0, 0); EXPECT("mair 05", o, 0x04, OSH);  // 0b01RW -> nGnRE
    o = run(S1, 0, 0xFF, NSH, 0x0B, NSH, 0, 0); EXPECT("mair 0B", o, 0x08, OSH);  // 0b10RW -> nGRE
    o = run(S1, 0, 0xFF, NSH, 0x0F, NSH, 0, 0); EXPECT("mair 0F", o, 0x0C, OSH);  // 0b11RW -> GRE
    o = run(S1, 0, 0xFF, NSH, 0x08, NSH, 0, 0); EXPECT("mair 08", o, 0x08, OSH);  // architected nGRE
    o = run(S1, 0, 0xFF, ISH, 0x40, ISH, 0, 0); EXPECT("mair 40", o, 0x43, ISH);  // inner 0 -> iWT transient RW=11
    o = run(S1, 0, 0xFF, ISH, 0xF0, ISH, 0, 0); EXPECT("mair F0", o, 0xF3, ISH);  // Tagged: same rule
    EXPECT_AMBA("mair F0", o, 0x3, D_SYS);                                              // iWT -> NC out

    // ---------------- stage 2 without FWB (ARM D8.6.5)
    o = run(S2, 0, 0xFF, ISH, 0, 0, 0xF, ISH);        // MemAttr 0xF returns the input
    EXPECT("s2 f", o, 0xFF, ISH);
    o = run(S2, 0, 0xFF, ISH, 0, 0, 0x5, ISH);        // oNC iNC -> 0x44 OSH
    EXPECT("s2 5", o, 0x44, OSH);
    o = run(S2, 0, 0xFF, ISH, 0, 0, 0x1, ISH);        // Device-nGnRE wins over Normal
    EXPECT("s2 1", o, 0x04, OSH);
    o = run(S2, 0, 0x04, OSH, 0, 0, 0x0, NSH);        // nGnRE + nGnRnE -> nGnRnE (13.1.5.1)
    EXPECT("s2 dev strongest a", o, 0x00, OSH);
    o = run(S2, 0, 0x00, OSH, 0, 0, 0x3, NSH);        // nGnRnE + GRE -> nGnRnE
    EXPECT("s2 dev strongest b", o, 0x00, OSH);
    o = run(S2, 0, 0x0C, OSH, 0, 0, 0x2, NSH);        // GRE + nGRE -> nGRE
    EXPECT("s2 dev strongest c", o, 0x08, OSH);
    o = run(S2, 0, 0x08, OSH, 0, 0, 0xF, NSH);        // Device input + Normal WB -> Device
    EXPECT("s2 dev in", o, 0x08, OSH);
    o = run(S2, 0, 0x77, NSH, 0, 0, 0xA, NSH);        // WB-transient + WT = WT-transient (IHI 0070 13 and Arm ARM D8.6)
    EXPECT("s2 wt tr", o, 0x33, NSH); EXPECT_AMBA("s2 wt tr", o, 0x3, D_SYS);
    o = run(S2, 0, 0xFF, NSH, 0, 0, 0xE, NSH);        // oWB iWT -> 0xFB (mixed -> NC on AMBA)
    EXPECT("s2 mixed", o, 0xFB, NSH); EXPECT_AMBA("s2 mixed", o, 0x3, D_SYS);
    o = run(S2, 0, 0xBB, NSH, 0, 0, 0xF, NSH);        // WT + WB -> WT
    EXPECT("s2 wt wb", o, 0xBB, NSH);
    o = run(S2, 0, 0x44, NSH, 0, 0, 0xF, NSH);        // NC + WB -> NC, OSH
    EXPECT("s2 nc wb", o, 0x44, OSH);
    o = run(S2, 0, 0xFF, NSH, 0, 0, 0x9, NSH);        // oWT iNC -> 0xB4
    EXPECT("s2 9", o, 0xB4, NSH);
    // reserved inner field 00 -> Non-cacheable for that nibble [project decision]
    o = run(S2, 0, 0xFF, NSH, 0, 0, 0x4, NSH); EXPECT("s2 rsv 4", o, 0x44, OSH);
    o = run(S2, 0, 0xFF, NSH, 0, 0, 0x8, NSH); EXPECT("s2 rsv 8", o, 0xB4, NSH);
    o = run(S2, 0, 0xFF, NSH, 0, 0, 0xC, NSH); EXPECT("s2 rsv C", o, 0xF4, NSH);
    // shareability: outer > inner > non-shareable (ARM S2CombineS1Shareability)
    o = run(S2, 0, 0xFF, NSH, 0, 0, 0xF, ISH); EXPECT("sh n+i", o, 0xFF, ISH);
    o = run(S2, 0, 0xFF, ISH, 0, 0, 0xF, OSH); EXPECT("sh i+o", o, 0xFF, OSH);
    o = run(S2, 0, 0xFF, OSH, 0, 0, 0xF, NSH); EXPECT("sh o+n", o, 0xFF, OSH);
    o = run(S2, 0, 0xFF, NSH, 0, 0, 0xF, NSH); EXPECT("sh n+n", o, 0xFF, NSH);
    o = run(S2, 0, 0xFF, ISH, 0, 0, 0xF, ISH); EXPECT("sh i+i", o, 0xFF, ISH);
    o = run(S2, 0, 0xFF, SH_RES, 0, 0, 0xF, SH_RES); EXPECT("sh rsv", o, 0xFF, NSH);
    o = run(S2, 0, 0x44, NSH, 0, 0, 0xF, NSH); EXPECT("sh nc input", o, 0x44, OSH);
    // nested without FWB
    o = run(NEST, 0, 0xFF, NSH, 0xFF, ISH, 0xF, NSH); EXPECT("nest wb", o, 0xFF, ISH);
    o = run(NEST, 0, 0xFF, NSH, 0x04, NSH, 0xF, NSH); EXPECT("nest s1dev", o, 0x04, OSH);
    o = run(NEST, 0, 0xFF, NSH, 0xFF, ISH, 0x5, NSH); EXPECT("nest s2nc", o, 0x44, OSH);
    // in Device: stage 1's hints as they are; S2 oWT-iWT: outer 0x7 (WB transient RWA)
    // -> WT transient RWA 0x3, inner 0xF -> WT RWA 0xB
    o = run(NEST, 0, 0x00, NSH, 0x7F, ISH, 0xA, ISH);
    EXPECT("nest wt", o, 0x3B, ISH);

    // ---------------- stage 2 with FWB (ARM AArch64.S2ApplyFWBMemAttrs; IHI 0070 13 and Arm ARM D8.6 table)
    if (BENCH_FWB) {
        // 0..3: Device subtype; a stage-1 Device combines, the stronger wins
        o = run(NEST, 1, 0xFF, NSH, 0xFF, ISH, 0x0, ISH); EXPECT("fwb0 n", o, 0x00, OSH);
        o = run(NEST, 1, 0xFF, NSH, 0x0C, ISH, 0x0, ISH); EXPECT("fwb0 d", o, 0x00, OSH);
        o = run(NEST, 1, 0xFF, NSH, 0xFF, ISH, 0x1, ISH); EXPECT("fwb1 n", o, 0x04, OSH);
        o = run(NEST, 1, 0xFF, NSH, 0x00, ISH, 0x1, ISH); EXPECT("fwb1 d0", o, 0x00, OSH);
        o = run(NEST, 1, 0xFF, NSH, 0x08, ISH, 0x1, ISH); EXPECT("fwb1 d2", o, 0x04, OSH);
        o = run(NEST, 1, 0xFF, NSH, 0xFF, ISH, 0x2, ISH); EXPECT("fwb2 n", o, 0x08, OSH);
        o = run(NEST, 1, 0xFF, NSH, 0x04, ISH, 0x2, ISH); EXPECT("fwb2 d1", o, 0x04, OSH);
        o = run(NEST, 1, 0xFF, NSH, 0x0C, ISH, 0x2, ISH); EXPECT("fwb2 d3", o, 0x08, OSH);
        o = run(NEST, 1, 0xFF, NSH, 0xFF, ISH, 0x3, ISH); EXPECT("fwb3 n", o, 0x0C, OSH);
        o = run(NEST, 1, 0xFF, NSH, 0x08, ISH, 0x3, ISH); EXPECT("fwb3 d2", o, 0x08, OSH);
        o = run(NEST, 1, 0xFF, NSH, 0x0C, ISH, 0x3, ISH); EXPECT("fwb3 d3", o, 0x0C, OSH);
        // 4: reserved -> Device-nGnRnE [project decision]
        o = run(NEST, 1, 0xFF, NSH, 0xFF, ISH, 0x4, ISH); EXPECT("fwb4 n", o, 0x00, OSH);
        o = run(NEST, 1, 0xFF, NSH, 0x44, ISH, 0x4, ISH); EXPECT("fwb4 nc", o, 0x00, OSH);
        // 5: stage-1 Device stays; otherwise Normal NC
        o = run(NEST, 1, 0xFF, NSH, 0xFF, ISH, 0x5, ISH); EXPECT("fwb5 wb", o, 0x44, OSH);
        o = run(NEST, 1, 0xFF, NSH, 0xBB, ISH, 0x5, ISH); EXPECT("fwb5 wt", o, 0x44, OSH);
        o = run(NEST, 1, 0xFF, NSH, 0x08, ISH, 0x5, ISH); EXPECT("fwb5 dev", o, 0x08, OSH);
        // 6: force write-back; Device -> 0xFF, NC nibble -> 0xF, WT/WB keep hints/transient
        o = run(NEST, 1, 0xFF, NSH, 0x00, NSH, 0x6, NSH); EXPECT("fwb6 dev", o, 0xFF, OSH);  // S1 Device passes OSH [decision]
        o = run(NEST, 1, 0xFF, NSH, 0x44, NSH, 0x6, NSH); EXPECT("fwb6 nc", o, 0xFF, OSH);   // iNC-oNC passes OSH
        o = run(NEST, 1, 0xFF, NSH, 0x2A, ISH, 0x6, NSH); EXPECT("fwb6 wt", o, 0x6E, ISH);   // o WT-tr R -> WB-tr R 0x6; i WT R -> 0xE
        o = run(NEST, 1, 0xFF, NSH, 0x4E, ISH, 0x6, NSH); EXPECT("fwb6 mix", o, 0xFE, ISH);  // o NC -> 0xF; i WB R stays 0xE
        o = run(NEST, 1, 0xFF, NSH, 0xFF, ISH, 0x6, NSH); EXPECT("fwb6 wb", o, 0xFF, ISH);
        o = run(NEST, 1, 0xFF, NSH, 0xFF, NSH, 0x6, OSH); EXPECT("fwb6 sh", o, 0xFF, OSH);
        // 7: stage-1 attributes unchanged
        o = run(NEST, 1, 0xFF, NSH, 0xBB, ISH, 0x7, NSH); EXPECT("fwb7 wt", o, 0xBB, ISH);
        o = run(NEST, 1, 0xFF, NSH, 0x08, ISH, 0x7, NSH); EXPECT("fwb7 dev", o, 0x08, OSH);
        o = run(NEST, 1, 0xFF, NSH, 0x44, ISH, 0x7, NSH); EXPECT("fwb7 nc", o, 0x44, OSH);
        // 8..15: bit 3 RES0 -> Device-nGnRnE [project decision]
        for (unsigned ma = 8; ma < 16; ma++) {
            o = run(NEST, 1, 0xFF, NSH, 0xFF, ISH, ma, ISH);
            EXPECT("fwb 8..15", o, 0x00, OSH);
        }
        // stage-2 only with FWB: the overridden input is "stage 1"
        o = run(S2, 1, 0x44, NSH, 0, 0, 0x6, NSH); EXPECT("fwb s2only nc", o, 0xFF, OSH);
        o = run(S2, 1, 0xFF, NSH, 0, 0, 0x6, ISH); EXPECT("fwb s2only wb", o, 0xFF, ISH);
        o = run(S2, 1, 0x04, OSH, 0, 0, 0x7, NSH); EXPECT("fwb s2only dev", o, 0x04, OSH);
    } else {
        // FWB parameter 0: STE.S2FWB has no effect, MemAttr keeps the no-FWB meaning
        o = run(NEST, 1, 0xFF, NSH, 0xFF, ISH, 0x6, NSH); EXPECT("nofwb 6", o, 0x4B, ISH);  // 0b01|10: oNC, iWT RWA
    }

    // ---------------- No_snoop (13.1.6): last, Normal -> iNC-oNC OSH unless canwbs
    o = run(S1, 0, 0xFF, NSH, 0xFF, ISH, 0, 0, true, false);
    EXPECT("ns wb", o, 0x44, OSH); EXPECT_AMBA("ns wb", o, 0x3, D_SYS);
    o = run(S1, 0, 0xFF, NSH, 0xFF, ISH, 0, 0, true, true);   // canwbs: ignored
    EXPECT("ns canwbs", o, 0xFF, ISH);
    o = run(S1, 0, 0xFF, NSH, 0x04, ISH, 0, 0, true, false);  // Device untouched
    EXPECT("ns dev", o, 0x04, OSH);
    o = run(BYP, 0, 0xFF, ISH, 0, 0, 0, 0, true, false);      // bypass path too
    EXPECT("ns bypass", o, 0x44, OSH);
    o = run(BYP, 0, 0xFB, ISH, 0, 0, 0, 0, true, false);      // mixed Normal too
    EXPECT("ns mixed", o, 0x44, OSH);
    o = run(BYP, 0, 0xFF, ISH, 0, 0, 0, 0, false, false);     // no No_snoop: unchanged
    EXPECT("bypass", o, 0xFF, ISH); EXPECT_AMBA("bypass", o, 0xF, D_ISH);
    if (BENCH_FWB) {
        o = run(NEST, 1, 0xFF, NSH, 0x44, NSH, 0x6, ISH, true, false);  // after FWB
        EXPECT("ns fwb6", o, 0x44, OSH);
    }

    // ---------------- AMBA out-mapping (16.7.5.2/3 and the project decisions)
    o = run(BYP, 0, 0xCC, ISH, 0, 0, 0, 0, false, false, true);   // WB no-alloc read
    EXPECT_AMBA("wb noalloc rd", o, 0xB, D_ISH);
    o = run(BYP, 0, 0xCC, ISH, 0, 0, 0, 0, false, false, false);  // WB no-alloc write
    EXPECT_AMBA("wb noalloc wr", o, 0x7, D_ISH);
    o = run(BYP, 0, 0xDD, NSH, 0, 0, 0, 0, false, false, false);  // WB WA only -> {1,0,1,1}
    EXPECT_AMBA("wb wa", o, 0xB, D_NSH);
    o = run(BYP, 0, 0xFE, OSH, 0, 0, 0, 0);                      // hints from the outer level
    EXPECT_AMBA("wb outer hints", o, 0xF, D_OSH);
    o = run(BYP, 0, 0x0C, OSH, 0, 0, 0, 0);                      // GRE -> Device bufferable
    EXPECT_AMBA("gre", o, 0x1, D_SYS);
    o = run(BYP, 0, 0x4F, ISH, 0, 0, 0, 0);                      // iWB-oNC -> NC
    EXPECT("iwb onc", o, 0x4F, ISH); EXPECT_AMBA("iwb onc", o, 0x3, D_SYS);
    o = run(BYP, 0, 0x00, NSH, 0, 0, 0, 0);                      // Device input is OSH
    EXPECT("dev in", o, 0x00, OSH); EXPECT_AMBA("dev in", o, 0x0, D_SYS);
    o = run(BYP, 0, 0xBB, ISH, 0, 0, 0, 0);                      // iWT-oWT ISH -> NC, System
    EXPECT("wt in", o, 0xBB, ISH); EXPECT_AMBA("wt in", o, 0x3, D_SYS);
    o = run(BYP, 0, 0xFF, NSH, 0, 0, 0, 0);                      // iWB-oWB keeps NSH
    EXPECT_AMBA("wb nsh", o, 0xF, D_NSH);

    // AxDOMAIN against the architectural result over every input byte and shareability
    // (16.7.5.2): System exactly when the result is not iWB-oWB (Device, iNC-oNC and the
    // other Normal mixes that 16.7.5.3 sends out as NC), else out_sh in AMBA encoding.
    {
        const unsigned dom_of_sh[4] = {D_NSH, D_NSH, D_OSH, D_ISH};
        unsigned bad = 0;
        for (unsigned p = 0; p < 2; p++)
            for (unsigned b = 0; b < 256; b++)
                for (unsigned sh = 0; sh < 4; sh++) {
                    o = run(p ? S1 : BYP, 0, p ? 0xFF : b, sh, b, sh, 0, 0);
                    bool wb = ((o.attr >> 4) & 0xC) == 0xC || (((o.attr >> 4) & 0xC) == 0x4 && ((o.attr >> 4) & 3));
                    bool wbi = (o.attr & 0xC) == 0xC || ((o.attr & 0xC) == 0x4 && (o.attr & 3));
                    bool wbwb = wb && wbi;
                    unsigned want = wbwb ? dom_of_sh[o.sh & 3] : (unsigned)D_SYS;
                    if (o.dom != want) bad++;
                }
        CHECK("dom sweep mismatches", bad, 0);
    }

    delete m;
    return unit_report(BENCH_FWB ? "smmu_attr" : "smmu_attr(FWB=0)");
}
