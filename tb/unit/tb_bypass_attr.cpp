// Unit bench: smmu_bypass_attr. Expectations are hand-derived from IHI 0070 13.1-13.3 and
// 16.7.5 (IHI 0070 13 and Arm ARM D8.6); each case says why. Focus: the shareability outputs, out_sh
// (SH encoding, the incoming shareability the translation stages combine with) and
// out_domain (AMBA AxDOMAIN: 0 NSH, 1 ISH, 2 OSH, 3 System).
#include "Vsmmu_bypass_attr.h"
#include "verilated.h"
#include "unit_check.h"

enum { NSH = 0, SH_RES = 1, OSH = 2, ISH = 3 };        // SH encoding
enum { D_NSH = 0, D_ISH = 1, D_OSH = 2, D_SYS = 3 };    // AMBA AxDOMAIN
enum { SHCFG_NSH = 0, SHCFG_IN = 1, SHCFG_OSH = 2, SHCFG_ISH = 3 };
static const int NO_MT = -1;                            // MTCFG = 0

static Vsmmu_bypass_attr *m;

struct Out { unsigned attr, sh, cache, dom; };

static Out run(unsigned cache, unsigned dom_in, int memattr, unsigned shcfg,
               unsigned alloccfg = 0, bool ns = false, bool rd = true) {
    m->is_read = rd;
    m->in_cache = cache;
    m->in_prot = 2;
    m->in_domain = dom_in;
    m->nosnoop = ns;
    m->mtcfg = memattr >= 0;
    m->memattr = memattr >= 0 ? (unsigned)memattr : 0;
    m->alloccfg = alloccfg;
    m->shcfg = shcfg;
    m->privcfg = 0;
    m->instcfg = 0;
    m->eval();
    return Out{m->out_attr, m->out_sh, m->out_cache, m->out_domain};
}

#define EXPECT(what, o, a, s, c, d)                                                      \
    do {                                                                                 \
        CHECK(what " attr", (o).attr, a); CHECK(what " sh", (o).sh, s);                  \
        CHECK(what " cache", (o).cache, c); CHECK(what " dom", (o).dom, d);              \
    } while (0)

int main(int argc, char **argv) {
    Verilated::commandArgs(argc, argv);
    m = new Vsmmu_bypass_attr;
    Out o;

    // Use incoming: a cacheable input keeps its domain (reserved 1 acts as NSH)
    o = run(0xF, ISH, NO_MT, SHCFG_IN);    EXPECT("wb ish", o, 0xFF, ISH, 0xF, D_ISH);
    o = run(0xF, OSH, NO_MT, SHCFG_IN);    EXPECT("wb osh", o, 0xFF, OSH, 0xF, D_OSH);
    o = run(0xF, NSH, NO_MT, SHCFG_IN);    EXPECT("wb nsh", o, 0xFF, NSH, 0xF, D_NSH);
    o = run(0xF, SH_RES, NO_MT, SHCFG_IN); EXPECT("wb rsv", o, 0xFF, NSH, 0xF, D_NSH);
    // WT keeps its shareability architecturally; AMBA sends it as NC System (16.7.5.3)
    o = run(0xE, ISH, NO_MT, SHCFG_IN);    EXPECT("wt ish", o, 0xBB, ISH, 0x3, D_SYS);
    // Device and Normal NC inputs are OSH whatever the domain (16.7.5.1), System out
    o = run(0x3, ISH, NO_MT, SHCFG_IN);    EXPECT("nc in", o, 0x44, OSH, 0x3, D_SYS);
    o = run(0x1, NSH, NO_MT, SHCFG_IN);    EXPECT("dev in", o, 0x04, OSH, 0x1, D_SYS);
    o = run(0x0, ISH, NO_MT, SHCFG_ISH);   EXPECT("dev shcfg", o, 0x00, OSH, 0x0, D_SYS);
    // MTCFG makes a Device/NC input WB: "use incoming" then means OSH (16.7.5.2 example)
    o = run(0x1, NSH, 0xF, SHCFG_IN);      EXPECT("dev->wb", o, 0xFF, OSH, 0xF, D_OSH);
    o = run(0x3, ISH, 0xF, SHCFG_IN);      EXPECT("nc->wb", o, 0xFF, OSH, 0xF, D_OSH);
    o = run(0x2, NSH, 0xF, SHCFG_NSH);     EXPECT("nc->wb nsh", o, 0xFF, NSH, 0xF, D_NSH);
    // SHCFG overrides a cacheable result
    o = run(0xF, NSH, NO_MT, SHCFG_ISH);   EXPECT("shcfg ish", o, 0xFF, ISH, 0xF, D_ISH);
    o = run(0xF, ISH, NO_MT, SHCFG_OSH);   EXPECT("shcfg osh", o, 0xFF, OSH, 0xF, D_OSH);
    o = run(0xF, ISH, NO_MT, SHCFG_NSH);   EXPECT("shcfg nsh", o, 0xFF, NSH, 0xF, D_NSH);
    // ...but not a Device or iNC-oNC one (13.1.7)
    o = run(0xF, ISH, 0x1, SHCFG_ISH);     EXPECT("mt dev", o, 0x04, OSH, 0x1, D_SYS);
    o = run(0xF, ISH, 0x5, SHCFG_NSH);     EXPECT("mt nc", o, 0x44, OSH, 0x3, D_SYS);
    // A mixed Normal type keeps its shareability: iWB-oNC (MemAttr 0b0111), ISH
    o = run(0xF, ISH, 0x7, SHCFG_IN);      EXPECT("mt onc iwb", o, 0x4F, ISH, 0x3, D_SYS);
    // No_snoop: Normal -> iNC-oNC, OSH, System; Device untouched
    o = run(0xF, ISH, NO_MT, SHCFG_IN, 0, true); EXPECT("ns wb", o, 0x44, OSH, 0x3, D_SYS);
    o = run(0x1, ISH, NO_MT, SHCFG_IN, 0, true); EXPECT("ns dev", o, 0x04, OSH, 0x1, D_SYS);
    // ALLOCCFG no-allocate keeps the domain; the AXI4 no-allocate WB encodings
    o = run(0xF, ISH, NO_MT, SHCFG_IN, 0x8, false, true);  EXPECT("noalloc rd", o, 0xCC, ISH, 0xB, D_ISH);
    o = run(0xF, ISH, NO_MT, SHCFG_IN, 0x8, false, false); EXPECT("noalloc wr", o, 0xCC, ISH, 0x7, D_ISH);

    // Sweep: out_sh is never the reserved 1, is OSH for Device and iNC-oNC, and AxDOMAIN
    // is System exactly when AxCACHE is not write-back (AxCACHE[1:0] = 11 with [3:2] != 0)
    unsigned bad_sh = 0, bad_dom = 0;
    for (unsigned c = 0; c < 16; c++)
        for (unsigned d = 0; d < 4; d++)
            for (int ma = -1; ma < 16; ma++)
                for (unsigned sc = 0; sc < 4; sc++)
                    for (unsigned ns = 0; ns < 2; ns++) {
                        o = run(c, d, ma, sc, 0, ns);
                        bool devnc = (o.attr >> 4) == 0 || o.attr == 0x44;
                        if (o.sh == SH_RES || (devnc && o.sh != OSH)) bad_sh++;
                        bool wb = (o.cache & 3) == 3 && (o.cache & 0xC) != 0;
                        unsigned want = !wb ? (unsigned)D_SYS
                                      : o.sh == ISH ? (unsigned)D_ISH
                                      : o.sh == OSH ? (unsigned)D_OSH : (unsigned)D_NSH;
                        if (o.dom != want) bad_dom++;
                    }
    CHECK("sweep out_sh", bad_sh, 0);
    CHECK("sweep out_domain", bad_dom, 0);

    delete m;
    return unit_report("smmu_bypass_attr");
}
