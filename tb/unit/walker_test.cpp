// Unit bench: the walk units (smmu_s1_walker and smmu_s2_walker behind smmu_s2_arb, as
// tb/unit/walker_unit_top.v connects them) with a sparse memory model behind their shared
// read-client port.
// Tables are hand-built (4 KB granule; 16 KB and 64 KB in t_granules) in C++; expectations follow Arm ARM D8.2-D8.4; IHI 0070 7.3
// (IHI 0070 7.3, ARM D8). The read port is modelled after smmu_mem_arb + a memory with a
// fixed latency: a request handshake at cycle t returns its single beat at t + LAT
// (LAT = 2: the arbiter's AR register, then a 1-cycle memory). Pass 1 runs with LAT = 2
// and an always-ready port and prints the cycle counts; pass 2 repeats everything with
// LAT = 5 and a randomly stalling request port (results must not change).
#include "Vwalker_unit_top.h"
#include "verilated.h"
#include "unit_check.h"
#include <cstdlib>
#include <map>
#include <vector>
#include <set>

#ifndef BENCH_PA_W
#define BENCH_PA_W 48
#endif

typedef Image<8> Ste;   // dwords 0..3
typedef Image<8> Cd;

static Vwalker_unit_top *m;
static uint64_t cyc;
static std::map<uint64_t, uint64_t> mem;    // PA -> dword (8-byte aligned)
static std::set<uint64_t> abort_pa;         // reads of these PAs get an error response
struct Rd { uint64_t addr; unsigned cache; };
static std::vector<Rd> rdlog;
static int lat = 2;
static bool stall = false;
static bool verbose_cycles = true;
static int pending = -1;
static uint64_t pend_addr;
static bool req_fire, beat_fire;
// The walk caches (smmu_walk_cache) are not here: every lookup misses, answered one cycle
// after it is granted; pass 2 grants late at random (what the caches hold and when a
// walk may fill them: the xlate tests and the differential).
static bool wc_ans, wc_gnt;
static int proto_err;

// ---------------------------------------------------------------- clocking
static void pre() {
    m->rd_valid = 0;
    m->rd_last = 0;
    m->rd_err = 0;
    m->rd_data = 0;
    if (pending == 0) {
        m->rd_valid = 1;
        m->rd_last = 1;
        m->rd_data = mem.count(pend_addr) ? mem[pend_addr] : 0;
        m->rd_err = abort_pa.count(pend_addr) ? 1 : 0;
    }
    m->rd_req_ready = stall ? (std::rand() & 1) : 1;
    m->wc_rs_valid = wc_ans;
    m->wc_rs_tbl_hit = 0;
    m->wc_rs_leaf_hit = 0;
    m->wc_inv = 0;
    m->clk = 0;
    m->eval();
    wc_gnt = m->wc_lk_valid && !wc_ans && (!stall || (std::rand() & 1));
    req_fire = m->rd_req_valid && m->rd_req_ready;
    beat_fire = (pending == 0);
    if (req_fire) {
        if (pending >= 0) proto_err++;              // only one read may be in flight
        if (m->rd_req_len != 0) proto_err++;
        rdlog.push_back(Rd{m->rd_req_addr, m->rd_req_cache});
        pend_addr = m->rd_req_addr;
    }
}
static void edge() {
    m->clk = 1;
    m->eval();
    cyc++;
    if (beat_fire) pending = -1;
    if (pending > 0) pending--;
    if (req_fire) pending = lat - 1;
    wc_ans = wc_gnt;
}
static void tick() { pre(); edge(); }

static void reset() {
    m->rst_n = 0;
    m->wk_valid = 0; m->s2_req_valid = 0; m->rsp_ready = 0; m->s2_rsp_ready = 0;
    for (int i = 0; i < 3; i++) tick();
    m->rst_n = 1;
    tick();
    pending = -1;
}

// ---------------------------------------------------------------- result
struct Res {
    bool fault; unsigned evt, s2, cls; uint64_t addr; bool rec, ttrnw; unsigned reads;
    uint64_t cycles; uint32_t leaf[3];
    uint64_t lf(int lsb, int w) const {
        uint64_t v = 0;
        for (int i = 0; i < w; i++) v |= (uint64_t)((leaf[(lsb + i) / 32] >> ((lsb + i) % 32)) & 1) << i;
        return v;
    }
    // the leaf bundle of rtl/smmu_leaf.vh
    uint64_t pa_base() const { return lf(0, 44) << 12; }
    unsigned size() const { return (unsigned)lf(44, 6); }   // log2 of the leaf's bytes
    unsigned s1attr() const { return (unsigned)lf(50, 8); }
    unsigned s1sh() const { return (unsigned)lf(58, 2); }
    unsigned s2memattr() const { return (unsigned)lf(60, 4); }
    unsigned s2sh() const { return (unsigned)lf(64, 2); }
    unsigned s1ap() const { return (unsigned)lf(66, 2); }
    unsigned s1pxn() const { return (unsigned)lf(68, 1); }
    unsigned s1uxn() const { return (unsigned)lf(69, 1); }
    unsigned ng() const { return (unsigned)lf(70, 1); }
    unsigned s2ap() const { return (unsigned)lf(71, 2); }
    unsigned s2xn() const { return (unsigned)lf(73, 2); }
};

struct Acc { bool rnw, priv, instr; };
static const Acc RD = {true, false, false}, WR = {false, false, false},
                 PRD = {true, true, false}, PWR = {false, true, false},
                 IFU = {true, false, true}, IFP = {true, true, true};

static Res walk(const Ste &s, const Cd &c, uint64_t addr, Acc a = RD, bool e2h = false) {
    Res r{};
    rdlog.clear();
    s.to(m->wk_ste);
    c.to(m->wk_cd);
    m->wk_e2h = e2h;
    m->wk_addr = addr;
    m->wk_rnw = a.rnw; m->wk_priv = a.priv; m->wk_instr = a.instr;
    m->wk_valid = 1;
    int n = 0;
    for (;; n++) {
        pre();
        bool fire = m->wk_ready;
        edge();
        if (fire || n > 100) break;
    }
    m->wk_valid = 0;
    uint64_t t0 = cyc;
    for (n = 0;; n++) {
        m->rsp_ready = (stall ? (std::rand() & 1) : 1);
        pre();
        if (m->rsp_valid && m->rsp_ready) {
            r.fault = m->rsp_fault; r.evt = m->rsp_evt; r.s2 = m->rsp_s2; r.cls = m->rsp_class;
            r.addr = m->rsp_addr; r.rec = m->rsp_record; r.ttrnw = m->rsp_ttrnw;
            r.reads = m->rsp_reads;
            for (int i = 0; i < 3; i++) r.leaf[i] = m->rsp_leaf[i];
            edge();
            break;
        }
        if (m->rsp_valid && r.cycles == 0) r.cycles = cyc - t0 + 1;
        edge();
        if (n > 5000) { std::printf("TIMEOUT\n"); g_fail++; break; }
    }
    if (r.cycles == 0) r.cycles = cyc - t0;
    m->rsp_ready = 0;
    tick();
    if (m->busy) { std::printf("busy after response\n"); g_fail++; }
    return r;
}

struct SvcRes { bool fault; unsigned evt; uint64_t addr, pa; bool rec; unsigned memattr, sh, reads; };
static SvcRes svc(const Ste &s, uint64_t ipa) {
    SvcRes r{};
    rdlog.clear();
    s.to(m->s2_req_ste);
    m->s2_req_ipa = ipa;
    m->s2_req_valid = 1;
    for (int n = 0;; n++) {
        pre();
        bool fire = m->s2_req_ready;
        edge();
        if (fire || n > 100) break;
    }
    m->s2_req_valid = 0;
    m->s2_rsp_ready = 1;
    for (int n = 0;; n++) {
        pre();
        if (m->s2_rsp_valid) {
            r.fault = m->s2_rsp_fault; r.evt = m->s2_rsp_evt; r.addr = m->s2_rsp_addr;
            r.pa = m->s2_rsp_pa; r.rec = m->s2_rsp_record; r.memattr = m->s2_rsp_memattr;
            r.sh = m->s2_rsp_sh; r.reads = m->s2_rsp_reads;
            edge();
            break;
        }
        edge();
        if (n > 5000) { std::printf("TIMEOUT svc\n"); g_fail++; break; }
    }
    m->s2_rsp_ready = 0;
    tick();
    return r;
}

// ---------------------------------------------------------------- table building
static uint64_t pa_pool;
static uint64_t alloc_pa() { uint64_t a = pa_pool; pa_pool += 0x1000; return a; }

// Stage-2 tables (PA space) of the current test
struct S2 {
    uint64_t root; int sl; int slbits; int ias;
} s2t;
// Stage-1 tables; in IPA space when nested (each table page mapped by stage 2)
struct S1 {
    uint64_t root; int sl; int slbits; bool nested;
} s1t;
static uint64_t ipa_pool;
static std::map<uint64_t, uint64_t> ipa2pa;   // stage-1 table pages (nested)

static uint64_t idx(uint64_t ia, int lvl, int bits) {
    return (ia >> (12 + 9 * (3 - lvl))) & ((1ull << bits) - 1);
}
static uint64_t rdq(uint64_t pa) { return mem.count(pa) ? mem[pa] : 0; }

// Generic: address of the level-`leaf` entry for ia, creating tables above it.
// `tr` translates a table-space address to a PA (identity unless nested stage 1).
template <typename Alloc, typename Tr>
static uint64_t slot(uint64_t root, int sl, int slbits, uint64_t ia, int leaf, Alloc alloc, Tr tr,
                     uint64_t tbl_bits = 0) {
    uint64_t tbl = root;
    for (int l = sl; l < leaf; l++) {
        uint64_t a = tbl + 8 * idx(ia, l, l == sl ? slbits : 9);
        uint64_t d = rdq(tr(a));
        if ((d & 3) != 3) { d = alloc() | 3 | tbl_bits; mem[tr(a)] = d; }
        tbl = d & 0x0000FFFFFFFFF000ull;
    }
    return tbl + 8 * idx(ia, leaf, leaf == sl ? slbits : 9);
}
static uint64_t ident(uint64_t a) { return a; }

// Stage-2 leaf descriptor
static uint64_t s2d(uint64_t pa, int lvl, unsigned memattr = 0xF, unsigned s2ap = 3, unsigned xn = 0,
                    bool af = true, unsigned sh = 3) {
    return pa | (lvl == 3 ? 3 : 1) | (uint64_t)memattr << 2 | (uint64_t)s2ap << 6 | (uint64_t)sh << 8 |
           (uint64_t)af << 10 | (uint64_t)xn << 53;
}
static uint64_t s2_slot(uint64_t ipa, int leaf = 3) {
    return slot(s2t.root, s2t.sl, s2t.slbits, ipa, leaf, alloc_pa, ident);
}
static void s2_map(uint64_t ipa, uint64_t pa, unsigned memattr = 0xF, unsigned s2ap = 3) {
    mem[s2_slot(ipa)] = s2d(pa, 3, memattr, s2ap);
}
static uint64_t s1_tr(uint64_t a) {
    if (!s1t.nested) return a;
    return ipa2pa.at(a & ~0xFFFull) | (a & 0xFFF);
}
static uint64_t s1_alloc() {
    if (!s1t.nested) return alloc_pa();
    uint64_t ipa = ipa_pool; ipa_pool += 0x1000;
    uint64_t pa = alloc_pa();
    ipa2pa[ipa] = pa;
    s2_map(ipa, pa);
    return ipa;
}
// Stage-1 leaf descriptor
static uint64_t s1d(uint64_t oa, int lvl, unsigned ap = 1, unsigned attr = 1, bool af = true,
                    bool pxn = false, bool uxn = false, bool ng = true, unsigned sh = 3) {
    return oa | (lvl == 3 ? 3 : 1) | (uint64_t)attr << 2 | (uint64_t)ap << 6 | (uint64_t)sh << 8 |
           (uint64_t)af << 10 | (uint64_t)ng << 11 | (uint64_t)pxn << 53 | (uint64_t)uxn << 54;
}
static uint64_t s1_slot(uint64_t va, int leaf = 3, uint64_t tbl_bits = 0) {
    return slot(s1t.root, s1t.sl, s1t.slbits, va, leaf, s1_alloc, s1_tr, tbl_bits);
}
static void s1_put(uint64_t va, int leaf, uint64_t d, uint64_t tbl_bits = 0) {
    mem[s1_tr(s1_slot(va, leaf, tbl_bits))] = d;
}

// Fresh memory and table roots for one test
static void fresh() {
    mem.clear(); abort_pa.clear(); ipa2pa.clear();
    pa_pool = 0x10000000ull;
    ipa_pool = 0x40000000ull;
}

// ---------------------------------------------------------------- STE/CD
static const uint64_t MAIR = 0x44FF04AA000CEE08ull;   // Attr0..7 = 08 EE 0C 00 AA 04 FF 44

static Ste ste(unsigned config) {
    Ste s;
    s.set(FLD(STE_V), 1);
    s.set(FLD(STE_CONFIG), config);
    return s;
}
// Stage-2 fields: IPA size 64 - t0sz, SL0, S2PS (5 = 48 bits)
static void ste_s2(Ste &s, unsigned t0sz, unsigned sl0, uint64_t ttb, unsigned ps = 5) {
    s.set(FLD(STE_S2VMID), 7);
    s.set(FLD(STE_S2T0SZ), t0sz);
    s.set(FLD(STE_S2SL0), sl0);
    s.set(FLD(STE_S2IR0), 1);
    s.set(FLD(STE_S2OR0), 1);
    s.set(FLD(STE_S2SH0), 3);
    s.set(FLD(STE_S2PS), ps);
    s.set(FLD(STE_S2AA64), 1);
    s.set(FLD(STE_S2R), 1);
    s.set(FLD(STE_S2TTB), ttb >> 4);
}
static Cd cd(uint64_t ttb0, unsigned t0sz = 16, unsigned ips = 5) {
    Cd c;
    c.set(FLD(CD_T0SZ), t0sz);
    c.set(FLD(CD_IR0), 1); c.set(FLD(CD_OR0), 1); c.set(FLD(CD_SH0), 3);
    c.set(FLD(CD_EPD1), 1);
    c.set(FLD(CD_V), 1);
    c.set(FLD(CD_IPS), ips);
    c.set(FLD(CD_AA64), 1);
    c.set(FLD(CD_R), 1);
    c.set(FLD(CD_A), 1);
    c.set(FLD(CD_ASID), 0x42);
    c.set(FLD(CD_TTB0), ttb0 >> 4);
    c.set(FLD(CD_MAIR), MAIR);
    return c;
}

// Stage-1-only setup: 4-level (T0SZ 16) tables at PA
static Cd s1_setup(unsigned t0sz = 16) {
    fresh();
    s1t.nested = false;
    s1t.root = alloc_pa();
    s1t.sl = t0sz <= 24 ? 0 : t0sz <= 33 ? 1 : 2;
    s1t.slbits = t0sz <= 24 ? 25 - t0sz + 0 : 0;   // fixed below
    int va_bits = 64 - t0sz;
    s1t.slbits = va_bits - (12 + 9 * (3 - s1t.sl));
    return cd(s1t.root, t0sz);
}
// Stage-2 tables: IPA size 64 - t0sz, start level from sl0, root aligned to its size
static void s2_setup(unsigned t0sz, unsigned sl0) {
    s2t.sl = 2 - (int)sl0;
    s2t.ias = 64 - t0sz;
    s2t.slbits = s2t.ias - (12 + 9 * (3 - s2t.sl));
    uint64_t size = 8ull << s2t.slbits;
    if (size < 0x1000) size = 0x1000;
    pa_pool = (pa_pool + size - 1) & ~(size - 1);
    s2t.root = pa_pool;
    pa_pool += size;
}

#define EXPECT_FAULT(tag, r, e, s2_, cls_, addr_, rec_)                               \
    do {                                                                             \
        CHECK(tag " fault", (r).fault, 1); CHECK(tag " evt", (r).evt, (e));          \
        CHECK(tag " s2", (r).s2, (s2_)); CHECK(tag " class", (r).cls, (cls_));       \
        CHECK(tag " addr", (r).addr, (addr_)); CHECK(tag " record", (r).rec, (rec_)); \
    } while (0)

enum { CD_ = 0, TT = 1, IN = 2 };

static void cyc_report(const char *what, const Res &r) {
    if (verbose_cycles)
        std::printf("  %-44s reads %2u  cycles %3llu (accept -> rsp_valid)\n", what, r.reads,
                    (unsigned long long)r.cycles);
}

// ================================================================ tests
static void t_s1_basic() {
    const uint64_t VA = 0x0000123456789ABCull & 0xFFFFFFFFFFFFull;
    // ---- 4 KB page, 4 levels
    Cd c = s1_setup();
    Ste s = ste(5);
    s1_put(VA, 3, s1d(0x87654000ull, 3, /*ap*/1, /*attr*/6, true, false, true, true, 2));
    Res r = walk(s, c, VA);
    CHECK("s1 4k fault", r.fault, 0);
    CHECK("s1 4k reads", r.reads, 4);
    CHECK("s1 4k pa", r.pa_base(), 0x87654000ull);
    CHECK("s1 4k size", r.size(), 12);
    CHECK("s1 4k mair", r.s1attr(), 0xFF);          // Attr6 of MAIR
    CHECK("s1 4k sh", r.s1sh(), 2);
    CHECK("s1 4k ap", r.s1ap(), 1);
    CHECK("s1 4k uxn", r.s1uxn(), 1);
    CHECK("s1 4k pxn", r.s1pxn(), 0);
    CHECK("s1 4k ng", r.ng(), 1);
    CHECK("s1 4k read count", rdlog.size(), 4);
    // Read addresses: root + VA[47:39]*8, then each table
    if (rdlog.size() == 4) {
        CHECK("s1 4k rd0", rdlog[0].addr, s1t.root + 8 * idx(VA, 0, 9));
        CHECK("s1 4k rd3", rdlog[3].addr, s1_slot(VA, 3));
        CHECK("s1 4k cache WB", rdlog[0].cache, 0xF);    // IR0 = OR0 = WB RA WA
    }
    cyc_report("S1 4-level 4K page", r);
    // ---- Non-cacheable walk when IR0 = NC
    Cd c2 = c; c2.set(FLD(CD_IR0), 0);
    r = walk(s, c2, VA);
    CHECK("s1 nc walk ok", r.fault, 0);
    if (!rdlog.empty()) CHECK("s1 nc walk cache", rdlog[0].cache, 0x3);
    // WT outer -> not write-back: Non-cacheable on AXI
    c2 = c; c2.set(FLD(CD_OR0), 2);
    r = walk(s, c2, VA);
    if (!rdlog.empty()) CHECK("s1 wt walk cache", rdlog[0].cache, 0x3);

    // ---- 2 MB block at level 2 (3 reads), offset bits cleared in the bundle
    const uint64_t VB = 0x0000008040312345ull;
    s1_put(VB, 2, s1d(0xA0200000ull, 2, 0, 0));
    r = walk(s, c, VB, PRD);
    CHECK("s1 2m fault", r.fault, 0);
    CHECK("s1 2m reads", r.reads, 3);
    CHECK("s1 2m pa", r.pa_base(), 0xA0200000ull);
    CHECK("s1 2m size", r.size(), 21);
    CHECK("s1 2m mair", r.s1attr(), 0x08);
    cyc_report("S1 2M block (level 2)", r);
    // ---- 1 GB block at level 1 (2 reads)
    const uint64_t VG = 0x0000010087654321ull;
    s1_put(VG, 1, s1d(0x1C0000000ull, 1, 2, 2));
    r = walk(s, c, VG, PRD);
    CHECK("s1 1g fault", r.fault, 0);
    CHECK("s1 1g reads", r.reads, 2);
    CHECK("s1 1g pa", r.pa_base(), 0x1C0000000ull);
    CHECK("s1 1g size", r.size(), 30);
    CHECK("s1 1g mair", r.s1attr(), 0x0C);
    cyc_report("S1 1G block (level 1)", r);
    CHECK("s1 1g ap", r.s1ap(), 2);

    // ---- T0SZ = 25: start at level 1 (3 reads to a page)
    Cd c3 = s1_setup(25);
    const uint64_t V3 = 0x0000004512345678ull & ((1ull << 39) - 1);
    s1_put(V3, 3, s1d(0x55555000ull, 3));
    r = walk(s, c3, V3);
    CHECK("s1 t0sz25 fault", r.fault, 0);
    CHECK("s1 t0sz25 reads", r.reads, 3);
    CHECK("s1 t0sz25 pa", r.pa_base(), 0x55555000ull);
    // ---- T0SZ = 24 (40-bit VA): level 0 resolves only VA[39] (2-entry start table)
    Cd c4 = s1_setup(24);
    const uint64_t V4 = 0x000000C012345000ull;
    s1_put(V4, 3, s1d(0x66666000ull, 3));
    r = walk(s, c4, V4);
    CHECK("s1 t0sz24 fault", r.fault, 0);
    CHECK("s1 t0sz24 reads", r.reads, 4);
    CHECK("s1 t0sz24 pa", r.pa_base(), 0x66666000ull);
    if (!rdlog.empty()) CHECK("s1 t0sz24 rd0", rdlog[0].addr, s1t.root + 8);
    // ---- TTB1 half (VA[55] = 1), T1SZ 25: tables from TTB1
    Cd c5 = s1_setup(25);
    c5.set(FLD(CD_EPD1), 0); c5.set(FLD(CD_T1SZ), 25); c5.set(FLD(CD_TG1), 2);
    c5.set(FLD(CD_TTB1), s1t.root >> 4); c5.set(FLD(CD_TTB0), 0x7000000ull >> 4);
    c5.set(FLD(CD_IR1), 0); c5.set(FLD(CD_OR1), 0);
    const uint64_t V5 = 0xFFFFFF8012345000ull;
    s1_put(V5, 3, s1d(0x77777000ull, 3));
    r = walk(s, c5, V5);
    CHECK("s1 ttb1 fault", r.fault, 0);
    CHECK("s1 ttb1 pa", r.pa_base(), 0x77777000ull);
    if (!rdlog.empty()) CHECK("s1 ttb1 rd0", rdlog[0].addr, s1t.root + 8 * idx(V5, 1, 9));
    if (!rdlog.empty()) CHECK("s1 ttb1 cache (IR1/OR1 NC)", rdlog[0].cache, 0x3);
}

static void t_s1_faults() {
    const uint64_t VA = 0x0000765432101000ull;
    Ste s = ste(5);
    // ---- translation fault at each level: that level's entry is invalid
    for (int l = 0; l <= 3; l++) {
        Cd c = s1_setup();
        s1_put(VA, 3, s1d(0x12345000ull, 3));
        mem[s1_slot(VA, l)] = 0x0000000012345000ull;   // bit 0 clear
        Res r = walk(s, c, VA);
        char tag[32]; std::snprintf(tag, sizeof tag, "s1 xlat L%d", l);
        EXPECT_FAULT("s1 xlat", r, EVT_F_TRANSLATION, 0, IN, 0, 1);
        CHECK(tag, r.reads, (unsigned)l + 1);
    }
    // Reserved encodings: block at level 0, 0b01 at level 3
    {
        Cd c = s1_setup();
        mem[s1_slot(VA, 0)] = 0x0000000040000001ull;
        Res r = walk(s, c, VA);
        EXPECT_FAULT("s1 L0 block", r, EVT_F_TRANSLATION, 0, IN, 0, 1);
        s1_put(VA, 3, s1d(0x12345000ull, 3) & ~2ull);
        r = walk(s, c, VA);
        EXPECT_FAULT("s1 L3 0b01", r, EVT_F_TRANSLATION, 0, IN, 0, 1);
        CHECK("s1 L3 0b01 reads", r.reads, 4);
        // CD.R = 0: still a fault, not recorded
        Cd c0 = c; c0.set(FLD(CD_R), 0);
        r = walk(s, c0, VA);
        EXPECT_FAULT("s1 xlat R=0", r, EVT_F_TRANSLATION, 0, IN, 0, 0);
    }
    // ---- address size: IPS = 32 bits; a next-table address and an output address above
    {
        Cd c = s1_setup();
        c.set(FLD(CD_IPS), 0);
        s1_put(VA, 3, s1d(0x100000000ull, 3));        // output 4 GB: beyond 32 bits
        Res r = walk(s, c, VA);
        EXPECT_FAULT("s1 asz out", r, EVT_F_ADDR_SIZE, 0, IN, 0, 1);
        CHECK("s1 asz out reads", r.reads, 4);
        mem[s1_slot(VA, 1)] = 0x0000008000000003ull;  // table at 512 GB
        r = walk(s, c, VA);
        EXPECT_FAULT("s1 asz tbl", r, EVT_F_ADDR_SIZE, 0, IN, 0, 1);
        CHECK("s1 asz tbl reads", r.reads, 2);
        // invalid beats address size: an invalid descriptor with high bits set
        mem[s1_slot(VA, 1)] = 0x0000008000000002ull;
        r = walk(s, c, VA);
        EXPECT_FAULT("s1 inv before asz", r, EVT_F_TRANSLATION, 0, IN, 0, 1);
    }
    // ---- external abort on a stage-1 descriptor: S2 = 0, CLASS = TT, FetchAddr
    {
        Cd c = s1_setup();
        s1_put(VA, 3, s1d(0x12345000ull, 3));
        uint64_t fa = s1_slot(VA, 2);
        abort_pa.insert(fa);
        Res r = walk(s, c, VA);
        EXPECT_FAULT("s1 eabt", r, EVT_F_WALK_EABT, 0, TT, fa, 1);
        CHECK("s1 eabt reads", r.reads, 3);
        Cd c0 = c; c0.set(FLD(CD_R), 0);
        r = walk(s, c0, VA);
        CHECK("s1 eabt R=0 still recorded", r.rec, 1);
    }
    // ---- access flag
    {
        Cd c = s1_setup();
        s1_put(VA, 3, s1d(0x12345000ull, 3, 1, 1, /*af*/false));
        Res r = walk(s, c, VA);
        EXPECT_FAULT("s1 af", r, EVT_F_ACCESS, 0, IN, 0, 1);
        Cd c1 = c; c1.set(FLD(CD_AFFD), 1);
        r = walk(s, c1, VA);
        CHECK("s1 affd ok", r.fault, 0);
        // AF before permission: AF = 0 and a write to read-only -> F_ACCESS
        s1_put(VA, 3, s1d(0x12345000ull, 3, 3, 1, false));
        r = walk(s, c, VA, WR);
        EXPECT_FAULT("s1 af before perm", r, EVT_F_ACCESS, 0, IN, 0, 1);
    }
    // ---- permissions
    {
        Cd c = s1_setup();
        Res r;
        s1_put(VA, 3, s1d(0x12345000ull, 3, /*ap RO any*/3));
        r = walk(s, c, VA, RD);  CHECK("s1 ro read ok", r.fault, 0);
        r = walk(s, c, VA, WR);
        EXPECT_FAULT("s1 ro write", r, EVT_F_PERMISSION, 0, IN, 0, 1);
        CHECK("s1 perm ttrnw n/a", r.ttrnw, 0);
        Cd c0 = c; c0.set(FLD(CD_R), 0);
        r = walk(s, c0, VA, WR);
        EXPECT_FAULT("s1 ro write R=0", r, EVT_F_PERMISSION, 0, IN, 0, 0);
        // privileged-only page: unprivileged read faults, privileged read ok
        s1_put(VA, 3, s1d(0x12345000ull, 3, 0));
        r = walk(s, c, VA, RD);
        EXPECT_FAULT("s1 priv-only user rd", r, EVT_F_PERMISSION, 0, IN, 0, 1);
        r = walk(s, c, VA, PRD); CHECK("s1 priv-only priv rd", r.fault, 0);
        // PAN: privileged data access to an EL0-accessible page
        s1_put(VA, 3, s1d(0x12345000ull, 3, 1));
        r = walk(s, c, VA, PRD); CHECK("s1 pan off", r.fault, 0);
        Cd cp = c; cp.set(FLD(CD_PAN), 1);
        r = walk(s, cp, VA, PRD);
        EXPECT_FAULT("s1 pan", r, EVT_F_PERMISSION, 0, IN, 0, 1);
        r = walk(s, cp, VA, RD); CHECK("s1 pan user ok", r.fault, 0);
        // WXN: instruction fetch from a writable page
        s1_put(VA, 3, s1d(0x12345000ull, 3, 0));       // priv RW
        r = walk(s, c, VA, IFP); CHECK("s1 priv exec ok", r.fault, 0);
        Cd cw = c; cw.set(FLD(CD_WXN), 1);
        r = walk(s, cw, VA, IFP);
        EXPECT_FAULT("s1 wxn", r, EVT_F_PERMISSION, 0, IN, 0, 1);
        // UXN / PXN
        s1_put(VA, 3, s1d(0x12345000ull, 3, 1, 1, true, false, true));
        r = walk(s, c, VA, IFU);
        EXPECT_FAULT("s1 uxn", r, EVT_F_PERMISSION, 0, IN, 0, 1);
        // EL0-writable page is never privileged-executable
        r = walk(s, c, VA, IFP);
        EXPECT_FAULT("s1 user-w priv exec", r, EVT_F_PERMISSION, 0, IN, 0, 1);
    }
    // ---- hierarchical bits: APTable = 10 (no writes) at level 1; HAD0 ignores it
    {
        Cd c = s1_setup();
        const uint64_t APT_RO = 2ull << 61, PXNT = 1ull << 59;
        s1_put(VA, 3, s1d(0x12345000ull, 3, 1), APT_RO | PXNT);
        Res r = walk(s, c, VA, RD);
        CHECK("s1 aptable rd ok", r.fault, 0);
        CHECK("s1 aptable folded ap", r.s1ap(), 3);     // AP[2] set by APTable[1]
        CHECK("s1 pxntable folded", r.s1pxn(), 1);
        r = walk(s, c, VA, WR);
        EXPECT_FAULT("s1 aptable wr", r, EVT_F_PERMISSION, 0, IN, 0, 1);
        Cd ch = c; ch.set(FLD(CD_HAD0), 1);
        r = walk(s, ch, VA, WR);
        CHECK("s1 had0 wr ok", r.fault, 0);
        CHECK("s1 had0 ap", r.s1ap(), 1);
        CHECK("s1 had0 pxn", r.s1pxn(), 0);
        // Software bits [58:55] and leaf [63:59] never fault
        s1_put(VA, 3, s1d(0x12345000ull, 3, 1) | (0xFull << 55) | (0x1Full << 59));
        r = walk(s, ch, VA, RD);
        CHECK("s1 sw bits ok", r.fault, 0);
    }
    // ---- EL2 StreamWorld (STRW = 0b10, E2H = 0): AP[1] acts as 1, PRIV plays no part,
    // bit 54 is XN
    {
        Cd c = s1_setup();
        Ste s2w = ste(5); s2w.set(FLD(STE_STRW), 2);
        s1_put(VA, 3, s1d(0x12345000ull, 3, 0));        // "privileged RW only"
        Res r = walk(s2w, c, VA, RD); CHECK("el2 unpriv rd ok", r.fault, 0);
        r = walk(s2w, c, VA, WR); CHECK("el2 wr ok", r.fault, 0);
        s1_put(VA, 3, s1d(0x12345000ull, 3, 2));        // read-only
        r = walk(s2w, c, VA, WR);
        EXPECT_FAULT("el2 ro wr", r, EVT_F_PERMISSION, 0, IN, 0, 1);
        Cd cp = c; cp.set(FLD(CD_PAN), 1);             // PAN ignored in EL2
        s1_put(VA, 3, s1d(0x12345000ull, 3, 1));
        r = walk(s2w, cp, VA, PRD); CHECK("el2 pan ignored", r.fault, 0);
        s1_put(VA, 3, s1d(0x12345000ull, 3, 2, 1, true, false, /*XN*/true));
        r = walk(s2w, c, VA, IFP);
        EXPECT_FAULT("el2 xn", r, EVT_F_PERMISSION, 0, IN, 0, 1);
        // EL2-E2H: two privilege levels again, PAN applies
        s1_put(VA, 3, s1d(0x12345000ull, 3, 1));
        r = walk(s2w, cp, VA, PRD, /*e2h*/true);
        EXPECT_FAULT("e2h pan", r, EVT_F_PERMISSION, 0, IN, 0, 1);
    }
}

static void t_s2_only() {
    // S2T0SZ = 24 (40-bit IPA), SL0 = 1: level 1 resolves IPA[39:30] -> 2 concatenated tables
    fresh();
    s2_setup(24, 1);
    Ste s = ste(6);
    ste_s2(s, 24, 1, s2t.root);
    Cd c;   // ignored
    const uint64_t IPA = 0x000000C0ABCDE123ull;       // IPA[39] = 1: second table
    s2_map(IPA & ~0xFFFull, 0x3456789000ull, 0x5, 1);
    mem[s2_slot(IPA)] |= 2ull << 53;                   // XN = 10
    Res r = walk(s, c, IPA);
    CHECK("s2 fault", r.fault, 0);
    CHECK("s2 reads", r.reads, 3);
    CHECK("s2 pa", r.pa_base(), 0x3456789000ull);
    CHECK("s2 size", r.size(), 12);
    CHECK("s2 memattr", r.s2memattr(), 5);
    CHECK("s2 s2ap", r.s2ap(), 1);
    CHECK("s2 xn", r.s2xn(), 2);
    CHECK("s2 sh", r.s2sh(), 3);
    if (!rdlog.empty()) {
        CHECK("s2 rd0 (2nd concat table)", rdlog[0].addr, s2t.root + 8 * ((IPA >> 30) & 0x3FF));
        CHECK("s2 rd0 >= root+4K", rdlog[0].addr >= s2t.root + 0x1000, 1);
        CHECK("s2 cache", rdlog[0].cache, 0xF);
    }
    cyc_report("S2-only, 2 concatenated L1 tables, 4K page", r);
    // the other table: IPA[39] = 0
    const uint64_t IPB = 0x0000004012345000ull;
    s2_map(IPB, 0x2000000000ull);
    r = walk(s, c, IPB);
    CHECK("s2 t0 ok", r.fault, 0);
    CHECK("s2 t0 pa", r.pa_base(), 0x2000000000ull);
    if (!rdlog.empty()) CHECK("s2 t0 rd0", rdlog[0].addr, s2t.root + 8 * ((IPB >> 30) & 0x3FF));
    // 2 MB and 1 GB stage-2 blocks
    const uint64_t IPC = 0x0000002000345678ull;
    mem[s2_slot(IPC, 2)] = s2d(0x7800000000ull, 2);
    r = walk(s, c, IPC);
    CHECK("s2 2m ok", r.fault, 0); CHECK("s2 2m reads", r.reads, 2);
    CHECK("s2 2m pa", r.pa_base(), 0x7800000000ull); CHECK("s2 2m size", r.size(), 21);
    const uint64_t IPD = 0x0000003F12345678ull;
    mem[s2_slot(IPD, 1)] = s2d(0x7C0000000ull, 1);
    r = walk(s, c, IPD);
    CHECK("s2 1g ok", r.fault, 0); CHECK("s2 1g reads", r.reads, 1);
    CHECK("s2 1g pa", r.pa_base(), 0x7C0000000ull); CHECK("s2 1g size", r.size(), 30);

    // ---- faults, CLASS = IN, IPA recorded
    // range: IPA >= 2^40
    r = walk(s, c, 0x0000010000000000ull);
    EXPECT_FAULT("s2 range", r, EVT_F_TRANSLATION, 1, IN, 0x0000010000000000ull, 1);
    CHECK("s2 range reads", r.reads, 0);
    // S2R = 0 suppresses the record
    Ste s0 = s; s0.set(FLD(STE_S2R), 0);
    r = walk(s0, c, 0x0000010000000000ull);
    EXPECT_FAULT("s2 range S2R=0", r, EVT_F_TRANSLATION, 1, IN, 0x0000010000000000ull, 0);
    // invalid at level 2
    const uint64_t IPE = 0x0000001234567000ull;
    s2_map(IPE, 0x1000000ull);
    mem[s2_slot(IPE, 2)] = 0;
    r = walk(s, c, IPE);
    EXPECT_FAULT("s2 xlat L2", r, EVT_F_TRANSLATION, 1, IN, IPE, 1);
    CHECK("s2 xlat L2 reads", r.reads, 2);
    // address size: S2PS = 32 bits, output at 4 GB
    s2_map(IPE, 0x100000000ull);
    Ste sp = s; sp.set(FLD(STE_S2PS), 0);
    r = walk(sp, c, IPE + 0x10);
    EXPECT_FAULT("s2 asz", r, EVT_F_ADDR_SIZE, 1, IN, IPE + 0x10, 1);
    // external abort: FetchAddr, S2 = 1, CLASS = IN, recorded even with S2R = 0
    s2_map(IPE, 0x1000000ull);
    uint64_t fa = s2_slot(IPE, 3);
    abort_pa.insert(fa);
    r = walk(s0, c, IPE);
    EXPECT_FAULT("s2 eabt", r, EVT_F_WALK_EABT, 1, IN, fa, 1);
    abort_pa.clear();
    // access flag (S2AFFD)
    mem[s2_slot(IPE)] = s2d(0x1000000ull, 3, 0xF, 3, 0, /*af*/false);
    r = walk(s, c, IPE);
    EXPECT_FAULT("s2 af", r, EVT_F_ACCESS, 1, IN, IPE, 1);
    Ste sa = s; sa.set(FLD(STE_S2AFFD), 1);
    r = walk(sa, c, IPE); CHECK("s2 affd ok", r.fault, 0);
    // permission: S2AP read-only, write faults
    mem[s2_slot(IPE)] = s2d(0x1000000ull, 3, 0xF, 1);
    r = walk(s, c, IPE, RD); CHECK("s2 ro rd ok", r.fault, 0);
    r = walk(s, c, IPE, WR);
    EXPECT_FAULT("s2 ro wr", r, EVT_F_PERMISSION, 1, IN, IPE, 1);
    CHECK("s2 IN ttrnw n/a", r.ttrnw, 0);
    // write-only: read faults
    mem[s2_slot(IPE)] = s2d(0x1000000ull, 3, 0xF, 2);
    r = walk(s, c, IPE, RD);
    EXPECT_FAULT("s2 wo rd", r, EVT_F_PERMISSION, 1, IN, IPE, 1);
    // XNX: XN = 01 -> not executable privileged; 11 -> not unprivileged
    mem[s2_slot(IPE)] = s2d(0x1000000ull, 3, 0xF, 3, 1);
    r = walk(s, c, IPE, IFP);
    EXPECT_FAULT("s2 xn01 priv", r, EVT_F_PERMISSION, 1, IN, IPE, 1);
    r = walk(s, c, IPE, IFU); CHECK("s2 xn01 user ok", r.fault, 0);
    mem[s2_slot(IPE)] = s2d(0x1000000ull, 3, 0xF, 3, 3);
    r = walk(s, c, IPE, IFU);
    EXPECT_FAULT("s2 xn11 user", r, EVT_F_PERMISSION, 1, IN, IPE, 1);
    r = walk(s, c, IPE, IFP); CHECK("s2 xn11 priv ok", r.fault, 0);
    // S2PTW does not apply to the input IPA: Device page, read ok
    mem[s2_slot(IPE)] = s2d(0x1000000ull, 3, 0x1, 3);
    Ste sd = s; sd.set(FLD(STE_S2PTW), 1);
    r = walk(sd, c, IPE); CHECK("s2 ptw n/a to IN", r.fault, 0);
}

// Nested setup: stage 2 with a 48-bit IPA from level 0 (SL0 = 2), stage-1 tables in IPA space
static void nest_setup(Ste &s, Cd &c) {
    fresh();
    s2_setup(16, 2);
    s = ste(7);
    ste_s2(s, 16, 2, s2t.root);
    s1t.nested = true;
    s1t.sl = 0; s1t.slbits = 9;
    s1t.root = s1_alloc();
    c = cd(s1t.root);
}

static void t_nested() {
    Ste s; Cd c;
    nest_setup(s, c);
    const uint64_t VA = 0x00007ABCDEF12345ull;
    const uint64_t IPA = 0x0000000987654000ull, PA = 0x0000456789ABC000ull;
    s1_put(VA, 3, s1d(IPA, 3, 1, 4));
    s2_map(IPA, PA, 0x6, 3);
    Res r = walk(s, c, VA);
    CHECK("nest fault", r.fault, 0);
    CHECK("nest reads 4x4", r.reads, 24);
    CHECK("nest pa", r.pa_base(), PA);
    CHECK("nest size", r.size(), 12);
    CHECK("nest mair", r.s1attr(), 0xAA);
    CHECK("nest s2 memattr", r.s2memattr(), 6);
    cyc_report("nested 4x4 to a 4K page", r);
    // Every 5th read is a stage-1 descriptor at its stage-2-translated PA
    if (rdlog.size() == 24) {
        CHECK("nest rd4 = S1 L0 desc PA", rdlog[4].addr, s1_tr(s1t.root + 8 * idx(VA, 0, 9)));
        CHECK("nest rd19 = S1 L3 desc PA", rdlog[19].addr, s1_tr(s1_slot(VA, 3)));
        CHECK("nest rd0 = S2 root", rdlog[0].addr, s2t.root + 8 * idx(s1t.root, 0, 9));
    }
    // smaller leaf wins: S1 1 GB block, S2 4 KB page -> 4 KB with the PA offset of the page
    const uint64_t VB = 0x0000100040000000ull;
    s1_put(VB + 0x1234567, 1, s1d(0x0000004000000000ull, 1, 1, 4));
    s2_map(0x0000004001234000ull, 0x0000222222222000ull);
    r = walk(s, c, VB + 0x1234567);
    CHECK("nest mix ok", r.fault, 0);
    CHECK("nest mix size", r.size(), 12);
    CHECK("nest mix pa", r.pa_base(), 0x0000222222222000ull);
    CHECK("nest mix reads", r.reads, 2 * 4 + 2 + 4);
    // S1 4 KB page, S2 2 MB block -> 4 KB, PA = block | IPA offset within 2 MB
    const uint64_t VC = 0x0000200000003000ull, IPC = 0x0000000A00155000ull;
    s1_put(VC, 3, s1d(IPC, 3));
    mem[s2_slot(IPC, 2)] = s2d(0x0000333333200000ull, 2);
    r = walk(s, c, VC);
    CHECK("nest s2blk ok", r.fault, 0);
    CHECK("nest s2blk size", r.size(), 12);
    CHECK("nest s2blk pa", r.pa_base(), 0x0000333333355000ull);

    // ---- stage-2 fault on a stage-1 table access: CLASS = TT, IPA = descriptor IPA
    {
        uint64_t d_ipa = s1_slot(VA, 2);                 // level-2 descriptor IPA
        uint64_t pg = d_ipa & ~0xFFFull;
        uint64_t sv = mem[s2_slot(pg)];
        mem[s2_slot(pg)] = 0;
        r = walk(s, c, VA);
        EXPECT_FAULT("nest s2 TT xlat", r, EVT_F_TRANSLATION, 1, TT, d_ipa, 1);
        CHECK("nest s2 TT xlat reads", r.reads, 2 * 5 + 4);
        Ste s0 = s; s0.set(FLD(STE_S2R), 0);
        r = walk(s0, c, VA);
        EXPECT_FAULT("nest s2 TT S2R=0", r, EVT_F_TRANSLATION, 1, TT, d_ipa, 0);
        // no read permission at stage 2 for the table page: F_PERMISSION, TTRnW = 1
        mem[s2_slot(pg)] = s2d(ipa2pa.at(pg), 3, 0xF, 2);
        r = walk(s, c, VA);
        EXPECT_FAULT("nest s2 TT perm", r, EVT_F_PERMISSION, 1, TT, d_ipa, 1);
        CHECK("nest s2 TT perm ttrnw", r.ttrnw, 1);
        // AF = 0 on the table page
        mem[s2_slot(pg)] = s2d(ipa2pa.at(pg), 3, 0xF, 3, 0, false);
        r = walk(s, c, VA);
        EXPECT_FAULT("nest s2 TT af", r, EVT_F_ACCESS, 1, TT, d_ipa, 1);
        // S2PTW: the table page is Device at stage 2
        mem[s2_slot(pg)] = s2d(ipa2pa.at(pg), 3, 0x1, 3);
        r = walk(s, c, VA);
        CHECK("nest device table, S2PTW=0 ok", r.fault, 0);
        if (rdlog.size() == 24)
            CHECK("nest device table read cache", rdlog[14].cache, 0x1);   // Device-nGnRE
        Ste sd = s; sd.set(FLD(STE_S2PTW), 1);
        r = walk(sd, c, VA);
        EXPECT_FAULT("nest S2PTW device", r, EVT_F_PERMISSION, 1, TT, d_ipa, 1);
        CHECK("nest S2PTW device ttrnw", r.ttrnw, 1);
        // Normal-NC (0x5) is not Device: allowed with S2PTW = 1, read is Non-cacheable
        mem[s2_slot(pg)] = s2d(ipa2pa.at(pg), 3, 0x5, 3);
        r = walk(sd, c, VA);
        CHECK("nest S2PTW NC ok", r.fault, 0);
        if (rdlog.size() == 24) CHECK("nest NC table read cache", rdlog[14].cache, 0x3);
        // FWB: with S2PTW = 0, MemAttr 0xF is Device-nGnRnE [project decision] and 0x6
        // forces write-back even for a Non-cacheable walk attribute
        Ste sf = s; sf.set(FLD(STE_S2FWB), 1);
        Cd cn = c; cn.set(FLD(CD_IR0), 0); cn.set(FLD(CD_OR0), 0);
        mem[s2_slot(pg)] = s2d(ipa2pa.at(pg), 3, 0x6, 3);
        r = walk(sf, cn, VA);
        CHECK("nest FWB6 ok", r.fault, 0);
        if (rdlog.size() == 24) {
            CHECK("nest FWB6 table read cache", rdlog[14].cache, 0xF);
            CHECK("nest FWB 0xF table read Device", rdlog[4].cache, 0x0);
        }
        // FWB + S2PTW: every table page FWB-WB (6) except pg, which is Device (2)
        for (auto &kv : ipa2pa) mem[s2_slot(kv.first)] = s2d(kv.second, 3, 0x6, 3);
        Ste sfd = sf; sfd.set(FLD(STE_S2PTW), 1);
        r = walk(sfd, cn, VA);
        CHECK("nest FWB6 S2PTW ok", r.fault, 0);
        mem[s2_slot(pg)] = s2d(ipa2pa.at(pg), 3, 0x2, 3);
        r = walk(sfd, c, VA);
        EXPECT_FAULT("nest FWB device S2PTW", r, EVT_F_PERMISSION, 1, TT, d_ipa, 1);
        for (auto &kv : ipa2pa) mem[s2_slot(kv.first)] = s2d(kv.second, 3);
        mem[s2_slot(pg)] = sv;
        // stage-2 EABT while translating a table IPA: S2 = 1, CLASS = TT, FetchAddr
        uint64_t fa = s2_slot(pg, 1);
        abort_pa.insert(fa);
        r = walk(s, c, VA);
        EXPECT_FAULT("nest s2 eabt TT", r, EVT_F_WALK_EABT, 1, TT, fa, 1);
        abort_pa.clear();
        // stage-1 descriptor EABT after its IPA translated: S2 = 0, CLASS = TT, PA
        uint64_t fpa = s1_tr(d_ipa);
        abort_pa.insert(fpa);
        r = walk(s, c, VA);
        EXPECT_FAULT("nest s1 eabt", r, EVT_F_WALK_EABT, 0, TT, fpa, 1);
        CHECK("nest s1 eabt reads", r.reads, 3 * 5);
        abort_pa.clear();
        // TTB itself outside the stage-2 input range (S2T0SZ = 24 here: 40-bit IPA)
    }
    // ---- stage-1 faults in nested mode are S2 = 0, CLASS = IN, before the final S2 walk
    {
        s1_put(VA, 3, s1d(IPA, 3, 3, 4));               // read-only
        uint64_t sv = mem[s2_slot(IPA)];
        mem[s2_slot(IPA)] = 0;                          // final IPA unmapped too
        r = walk(s, c, VA, WR);
        EXPECT_FAULT("nest s1 perm first", r, EVT_F_PERMISSION, 0, IN, 0, 1);
        CHECK("nest s1 perm reads", r.reads, 20);
        r = walk(s, c, VA, RD);
        EXPECT_FAULT("nest final IPA xlat", r, EVT_F_TRANSLATION, 1, IN, IPA | 0x345, 1);
        mem[s2_slot(IPA)] = sv;
        // final stage-2 permission with the access's properties
        mem[s2_slot(IPA)] = s2d(PA, 3, 0xF, 1);
        s1_put(VA, 3, s1d(IPA, 3, 1, 4));
        r = walk(s, c, VA, WR);
        EXPECT_FAULT("nest final s2 perm", r, EVT_F_PERMISSION, 1, IN, IPA | 0x345, 1);
        CHECK("nest final s2 perm ttrnw", r.ttrnw, 0);
        // S2PTW does not apply to the final IPA
        mem[s2_slot(IPA)] = s2d(PA, 3, 0x0, 3);
        Ste sd = s; sd.set(FLD(STE_S2PTW), 1);
        r = walk(sd, c, VA, RD);
        CHECK("nest final device ok", r.fault, 0);
        mem[s2_slot(IPA)] = sv;
        // final IPA beyond the stage-2 input size: S2T0SZ = 24 -> 40-bit IPA
        //  (needs a stage-2 geometry the tables fit: rebuild with a 40-bit IPA)
    }
    {
        // stage-2 range check on the output IPA: stage 1 outputs IPA 2^40 with a 40-bit S2
        fresh();
        s2_setup(24, 1);
        s = ste(7);
        ste_s2(s, 24, 1, s2t.root);
        s1t.nested = true; s1t.sl = 0; s1t.slbits = 9;
        s1t.root = s1_alloc();
        c = cd(s1t.root);
        s1_put(VA, 3, s1d(0x0000010000000000ull, 3));
        r = walk(s, c, VA);
        EXPECT_FAULT("nest IN range", r, EVT_F_TRANSLATION, 1, IN, 0x0000010000000345ull, 1);
        CHECK("nest IN range reads", r.reads, 4 * 4);   // 3-level S2 walks + S1 reads
        // the TTB itself beyond the stage-2 input range: S2 = 1, CLASS = TT, IPA of the
        // level-0 descriptor, no read made
        Cd ct = c; ct.set(FLD(CD_TTB0), 0x0000020000000000ull >> 4);
        r = walk(s, ct, VA);
        EXPECT_FAULT("nest TTB range", r, EVT_F_TRANSLATION, 1, TT,
                     0x0000020000000000ull + 8 * idx(VA, 0, 9), 1);
        CHECK("nest TTB range reads", r.reads, 0);
        CHECK("nest TTB range ttrnw", r.ttrnw, 1);
        // S1 address size against IPS (40 bits) comes before
        Cd ci = c; ci.set(FLD(CD_IPS), 2);
        r = walk(s, ci, VA);
        EXPECT_FAULT("nest s1 asz", r, EVT_F_ADDR_SIZE, 0, IN, 0, 1);
    }
}

static void t_service() {
    Ste s; Cd c;
    nest_setup(s, c);
    const uint64_t CDIPA = 0x0000000012345040ull, CDPA = 0x0000654321000000ull;
    s2_map(CDIPA & ~0xFFFull, CDPA, 0x6, 3);
    SvcRes r = svc(s, CDIPA);
    CHECK("svc fault", r.fault, 0);
    CHECK("svc pa", r.pa, CDPA | 0x040);
    CHECK("svc memattr", r.memattr, 6);
    CHECK("svc sh", r.sh, 3);
    CHECK("svc reads", r.reads, 4);
    if (verbose_cycles) std::printf("  %-44s reads %2u\n", "S2 service (CD IPA), 4-level", r.reads);
    // unmapped: F_TRANSLATION with the CD IPA; S2R = 0 -> not recorded
    SvcRes q = svc(s, 0x0000000077777000ull);
    CHECK("svc xlat", q.fault, 1); CHECK("svc xlat evt", q.evt, EVT_F_TRANSLATION);
    CHECK("svc xlat addr", q.addr, 0x0000000077777000ull); CHECK("svc xlat rec", q.rec, 1);
    Ste s0 = s; s0.set(FLD(STE_S2R), 0);
    q = svc(s0, 0x0000000077777000ull);
    CHECK("svc xlat S2R=0", q.rec, 0);
    // no read permission
    mem[s2_slot(CDIPA)] = s2d(CDPA, 3, 0xF, 2);
    q = svc(s, CDIPA);
    CHECK("svc perm", q.evt, EVT_F_PERMISSION); CHECK("svc perm addr", q.addr, CDIPA);
    // S2PTW Device
    mem[s2_slot(CDIPA)] = s2d(CDPA, 3, 0x0, 3);
    q = svc(s, CDIPA); CHECK("svc device S2PTW=0", q.fault, 0);
    Ste sd = s; sd.set(FLD(STE_S2PTW), 1);
    q = svc(sd, CDIPA);
    CHECK("svc device S2PTW", q.fault, 1); CHECK("svc device evt", q.evt, EVT_F_PERMISSION);
    // EABT: FetchAddr
    uint64_t fa = s2_slot(CDIPA, 2);
    abort_pa.insert(fa);
    q = svc(s0, CDIPA);
    CHECK("svc eabt", q.evt, EVT_F_WALK_EABT); CHECK("svc eabt addr", q.addr, fa);
    CHECK("svc eabt rec", q.rec, 1);
    CHECK("svc eabt pa = FetchAddr", q.pa, fa);
    abort_pa.clear();
    // a main walk right after works (service left no state behind)
    const uint64_t VA = 0x0000000000201000ull;
    s1_put(VA, 3, s1d(0x5000ull, 3));
    s2_map(0x5000ull, 0x9000ull);
    Res w = walk(s, c, VA);
    CHECK("after svc walk", w.fault, 0); CHECK("after svc pa", w.pa_base(), 0x9000ull);
    // both requests at once: the service goes first, the walk follows; neither is lost
    {
        s2_map(CDIPA & ~0xFFFull, CDPA, 0x6, 3);
        s.to(m->s2_req_ste); m->s2_req_ipa = CDIPA; m->s2_req_valid = 1;
        s.to(m->wk_ste); c.to(m->wk_cd); m->wk_addr = VA; m->wk_rnw = 1; m->wk_priv = 0;
        m->wk_instr = 0; m->wk_e2h = 0; m->wk_valid = 1;
        m->rsp_ready = 1; m->s2_rsp_ready = 1;
        bool got_svc = false, got_rsp = false, svc_first = false;
        for (int n = 0; n < 2000 && !(got_svc && got_rsp); n++) {
            pre();
            bool sf = m->s2_req_ready && m->s2_req_valid, wf = m->wk_ready && m->wk_valid;
            if (m->s2_rsp_valid && !got_svc) { got_svc = true; svc_first = !got_rsp;
                CHECK("tie svc pa", m->s2_rsp_pa, CDPA | 0x40); }
            if (m->rsp_valid && !got_rsp) { got_rsp = true; CHECK("tie walk pa", (uint64_t)m->rsp_leaf[0] << 12 | 0, 0x9000ull); }
            edge();
            if (sf) m->s2_req_valid = 0;
            if (wf) m->wk_valid = 0;
        }
        CHECK("tie both done", got_svc && got_rsp, 1);
        CHECK("tie svc first", svc_first, 1);
        m->rsp_ready = 0; m->s2_rsp_ready = 0;
        tick();
    }
}

// A stream with neither stage enabled is answered, not hung
static void t_defensive() {
    {
        // right after a service request, so no state of the service leaks into the walk
        Ste sn; Cd cn;
        nest_setup(sn, cn);
        svc(sn, 0x1000);
    }
    fresh();
    Ste s = ste(4);
    Cd c;
    Res r = walk(s, c, 0x1000);
    CHECK("bypass ste faults", r.fault, 1);
    CHECK("bypass ste not recorded", r.rec, 0);
    // garbage tables everywhere: a walk still ends (random descriptors)
    std::srand(7);
    Cd cg = s1_setup();
    Ste s1 = ste(5);
    for (int i = 0; i < 200; i++) {
        uint64_t va = ((uint64_t)std::rand() << 20 ^ (uint64_t)std::rand()) & 0xFFFFFFFFF000ull;
        for (int l = 0; l < 4; l++) {
            uint64_t d = ((uint64_t)std::rand() << 33) ^ ((uint64_t)std::rand() << 10) ^ (std::rand() & 3);
            d &= 0x0000000FFFFFFFFFull | 0xFFF0000000000000ull;
            mem[s1_slot(va, l)] = d;
        }
        Res g = walk(s1, cg, va);
        if (g.reads > 4) { CHECK("garbage reads <= 4", g.reads, 4); break; }
    }
}


// ---------------------------------------------------------------- 16 KB and 64 KB granules
// Hand-built tables (addresses spelled out), the same walks as tb/tests/test_model.c's
// granule tests. A 2^g granule resolves g - 3 bits per level; leaf sizes are log2 bytes.
static void t_granules() {
    // ---- stage 1, 16 KB (TG0 10), T0SZ 16: start level 0 resolves VA[47] (2 entries);
    // VA = 1 << 47 | 2 << 36 | 3 << 25 | 4 << 14 | 0x1234
    fresh();
    Ste s = ste(5);
    const uint64_t V16 = 0x0000802006011234ull;
    Cd c = cd(0x340000);
    c.set(FLD(CD_TG0), 2);
    mem[0x340008] = 0x344003;
    mem[0x344010] = 0x348003 | 0x2000;           // bits below the granule: ignored
    mem[0x348018] = 0x34C003;
    mem[0x34C020] = s1d(0x8000C000ull, 3);
    Res r = walk(s, c, V16);
    CHECK("g16 s1 fault", r.fault, 0);
    CHECK("g16 s1 reads", r.reads, 4);
    CHECK("g16 s1 pa", r.pa_base(), 0x8000C000ull);
    CHECK("g16 s1 size", r.size(), 14);
    if (rdlog.size() == 4) {
        CHECK("g16 s1 rd0", rdlog[0].addr, 0x340008); CHECK("g16 s1 rd1", rdlog[1].addr, 0x344010);
        CHECK("g16 s1 rd2", rdlog[2].addr, 0x348018); CHECK("g16 s1 rd3", rdlog[3].addr, 0x34C020);
    }
    cyc_report("S1 16K 4-level page", r);
    mem[0x348018] = s1d(0x42000000ull, 2);       // 32 MB block at level 2
    r = walk(s, c, V16);
    CHECK("g16 s1 32m fault", r.fault, 0); CHECK("g16 s1 32m reads", r.reads, 3);
    CHECK("g16 s1 32m pa", r.pa_base(), 0x42000000ull); CHECK("g16 s1 32m size", r.size(), 25);
    mem[0x344010] = s1d(0x1000000000ull, 1);     // 0b01 at level 1: no block with 16 KB
    r = walk(s, c, V16);
    EXPECT_FAULT("g16 s1 l1 block", r, EVT_F_TRANSLATION, 0, IN, 0, 1);
    CHECK("g16 s1 l1 block reads", r.reads, 2);
    // T0SZ 39 (25 bits): level 3 only, index VA[24:14]
    c = cd(0x360000, 39);
    c.set(FLD(CD_TG0), 2);
    mem[0x360000 + 0x6AF * 8] = s1d(0x90000000ull, 3);
    r = walk(s, c, 0x1ABCDEFull);
    CHECK("g16 l3-only fault", r.fault, 0); CHECK("g16 l3-only reads", r.reads, 1);
    CHECK("g16 l3-only pa", r.pa_base(), 0x90000000ull);

    // ---- stage 1, 64 KB (TG0 01), T0SZ 16: start level 1 resolves VA[47:42]
    fresh();
    const uint64_t V64 = 0x00001400E009ABC8ull;   // 5 << 42 | 7 << 29 | 9 << 16 | 0xABC8
    c = cd(0x400000);
    c.set(FLD(CD_TG0), 1);
    mem[0x400028] = 0x410003;
    mem[0x410038] = 0x420003;
    mem[0x420048] = s1d(0x123450000ull | 0xF000, 3);   // bits [15:12] ignored
    r = walk(s, c, V64, PRD);
    CHECK("g64 s1 fault", r.fault, 0); CHECK("g64 s1 reads", r.reads, 3);
    CHECK("g64 s1 pa", r.pa_base(), 0x123450000ull); CHECK("g64 s1 size", r.size(), 16);
    if (rdlog.size() == 3) CHECK("g64 s1 rd0", rdlog[0].addr, 0x400028);
    cyc_report("S1 64K 3-level page", r);
    mem[0x410038] = s1d(0x200000000ull, 2);      // 512 MB block
    r = walk(s, c, V64, PRD);
    CHECK("g64 s1 512m pa", r.pa_base(), 0x200000000ull); CHECK("g64 s1 512m size", r.size(), 29);
    mem[0x400028] = s1d(0x40000000000ull, 1);     // 0b01 at level 1: no block without 52 bits
    r = walk(s, c, V64, PRD);
    EXPECT_FAULT("g64 s1 l1 block", r, EVT_F_TRANSLATION, 0, IN, 0, 1);
    // TTB1 with TG1 11 (64 KB), T1SZ 25: level 2 resolves VA[38:29] (1024 entries)
    c = cd(0x430000);
    c.set(FLD(CD_EPD1), 0); c.set(FLD(CD_T1SZ), 25); c.set(FLD(CD_TG1), 3);
    c.set(FLD(CD_TTB1), 0x500000ull >> 4);
    mem[0x501008] = 0x510003;
    mem[0x510018] = s1d(0x77770000ull, 3);
    r = walk(s, c, 0xFFFFFFC020034560ull);
    CHECK("g64 ttb1 fault", r.fault, 0); CHECK("g64 ttb1 reads", r.reads, 2);
    CHECK("g64 ttb1 pa", r.pa_base(), 0x77770000ull);
    // TG1 01 is 16 KB: level 1 resolves VA[38:36]
    c.set(FLD(CD_TG1), 1);
    mem[0x500020] = 0x520003; mem[0x520008] = 0x524003; mem[0x524000] = s1d(0x66664000ull, 3);
    r = walk(s, c, 0xFFFFFFC002001234ull);
    CHECK("g16 ttb1 fault", r.fault, 0); CHECK("g16 ttb1 reads", r.reads, 3);
    CHECK("g16 ttb1 pa", r.pa_base(), 0x66664000ull); CHECK("g16 ttb1 size", r.size(), 14);

    // ---- stage 2 only, 16 KB, S2T0SZ 24, SL0 1: level 2 with 16 concatenated tables
    fresh();
    Ste s2 = ste(6);
    ste_s2(s2, 24, 1, 0x600000);
    s2.set(FLD(STE_S2TG), 2);
    mem[0x620008] = 0x700003;
    mem[0x700028] = s2d(0x30000C000ull, 3);
    r = walk(s2, Cd(), 0x8002014ABCull);
    CHECK("g16 s2 fault", r.fault, 0); CHECK("g16 s2 reads", r.reads, 2);
    CHECK("g16 s2 pa", r.pa_base(), 0x30000C000ull); CHECK("g16 s2 size", r.size(), 14);
    if (rdlog.size() == 2) CHECK("g16 s2 rd0 (ninth table)", rdlog[0].addr, 0x620008);
    mem[0x620008] = s2d(0x502000000ull, 2);
    r = walk(s2, Cd(), 0x8002014ABCull);
    CHECK("g16 s2 32m pa", r.pa_base(), 0x502000000ull); CHECK("g16 s2 32m size", r.size(), 25);
    // ---- stage 2 only, 64 KB, S2T0SZ 34, SL0 0: level 3 with 2 concatenated tables
    ste_s2(s2, 34, 0, 0xA00000);
    s2.set(FLD(STE_S2TG), 1);
    mem[0xA11A28] = s2d(0x11110000ull, 3);
    r = walk(s2, Cd(), 0x23456788ull);
    CHECK("g64 s2 fault", r.fault, 0); CHECK("g64 s2 reads", r.reads, 1);
    CHECK("g64 s2 pa", r.pa_base(), 0x11110000ull); CHECK("g64 s2 size", r.size(), 16);
    mem[0xA11A28] = s2d(0x11110000ull, 3) & ~2ull;   // 0b01 at level 3
    r = walk(s2, Cd(), 0x23456788ull);
    EXPECT_FAULT("g64 s2 l3 0b01", r, EVT_F_TRANSLATION, 1, IN, 0x23456788ull, 1);
    // ---- the stage-2 service (CD fetch) with 64 KB: the PA keeps the offset
    ste_s2(s2, 22, 1, 0x800000);
    s2.set(FLD(STE_S2TG), 1);
    mem[0x800000] = s2d(0x100000000ull, 2);
    SvcRes v = svc(s2, 0x1234567ull);
    CHECK("g64 svc fault", v.fault, 0); CHECK("g64 svc pa", v.pa, 0x101234567ull);
    CHECK("g64 svc reads", v.reads, 1);

    // ---- nested, stage 1 16 KB over stage 2 64 KB (S2T0SZ 22, SL0 1, level-2 table at
    // 0x800000: entry 0 a 512 MB block IPA [0, 512M) -> PA 0x1_0000_0000, entry 1 a
    // level-3 table at 0x900000 mapping IPA 0x2000_0000 -> PA 0x7_0000_0000)
    fresh();
    Ste sn = ste(7);
    ste_s2(sn, 22, 1, 0x800000);
    sn.set(FLD(STE_S2TG), 1);
    mem[0x800000] = s2d(0x100000000ull, 2);
    mem[0x800008] = 0x900003;
    mem[0x900000] = s2d(0x700000000ull, 3);
    c = cd(0x20000, 36);                          // 28 bits: level 2 (VA[27:25]), level 3
    c.set(FLD(CD_TG0), 2);
    mem[0x100020028ull] = 0x24003;
    mem[0x100024020ull] = s1d(0x20008000ull, 3);
    r = walk(sn, c, 0x0A012345ull);
    CHECK("g mix nest fault", r.fault, 0);
    CHECK("g mix nest reads", r.reads, 6);        // (1 + 1) per stage-1 level + 2
    CHECK("g mix nest pa", r.pa_base(), 0x700008000ull);   // the 16 KB page in the 64 KB one
    CHECK("g mix nest size", r.size(), 14);       // the smaller stage
    if (rdlog.size() == 6) {
        CHECK("g mix rd1", rdlog[1].addr, 0x100020028ull); CHECK("g mix rd3", rdlog[3].addr, 0x100024020ull);
        CHECK("g mix rd4", rdlog[4].addr, 0x800008); CHECK("g mix rd5", rdlog[5].addr, 0x900000);
    }
    cyc_report("nested 16K over 64K", r);
    // ---- nested, stage 1 64 KB (T0SZ 34: level 2 VA[29], level 3 VA[28:16]) over stage 2
    // 4 KB (S2T0SZ 25, SL0 1: level 1; IPA [0, 1G) a 1 GB block -> PA 0x1_0000_0000,
    // [1G, 2G) through tables at 0x810000 / 0x820000)
    fresh();
    ste_s2(sn, 25, 1, 0x800000);
    sn.set(FLD(STE_S2TG), 0);
    mem[0x800000] = s2d(0x100000000ull, 1);
    mem[0x800008] = 0x810003;
    mem[0x810000] = 0x820003;
    mem[0x820088] = s2d(0x912345000ull, 3);
    c = cd(0x20000, 34);
    c.set(FLD(CD_TG0), 1);
    mem[0x100020008ull] = 0x30003;
    mem[0x100030028ull] = s1d(0x40010000ull, 3);
    r = walk(sn, c, 0x20051234ull);               // 1 << 29 | 5 << 16 | 0x1234
    CHECK("g mix2 nest fault", r.fault, 0);
    CHECK("g mix2 nest reads", r.reads, 7);       // (1 + 1) x 2 + 3
    CHECK("g mix2 nest pa", r.pa_base(), 0x912345000ull);
    CHECK("g mix2 nest size", r.size(), 12);
}

static void run_all() {
    reset();
    t_s1_basic();
    t_s1_faults();
    t_s2_only();
    t_nested();
    t_service();
    t_defensive();
    t_granules();
}

int main(int argc, char **argv) {
    Verilated::commandArgs(argc, argv);
    m = new Vwalker_unit_top;
    std::printf("pass 1: LAT 2 (arbiter + 1-cycle memory), no stalls\n");
    run_all();
    std::printf("pass 2: LAT 5, random request-port and response stalls\n");
    lat = 5; stall = true; verbose_cycles = false;
    std::srand(12345);
    run_all();
    CHECK("read-port protocol errors", proto_err, 0);
    m->final();
    delete m;
    return unit_report("walker");
}
