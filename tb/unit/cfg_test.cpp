// Unit bench of smmu_cfg (Verilator): a small memory model on the read-client port, a stub
// of the walker's stage-2 service, and directed checks of every lookup outcome, the cache
// and the CFGI scopes. Prints "cfg: N passed, N failed"; exit status 1 on any failure.
#include "Vcfg_unit_top.h"
#include "verilated.h"
#include <cstdint>
#include <cstdio>
#include <deque>
#include <map>
#include <set>

static Vcfg_unit_top *top;
static uint64_t cyc;
static int n_pass, n_fail;

#define CHECK(cond, ...)                                                        \
    do {                                                                        \
        if (cond) {                                                             \
            n_pass++;                                                           \
        } else {                                                                \
            n_fail++;                                                           \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);                         \
            printf(__VA_ARGS__);                                                \
            printf("\n");                                                       \
        }                                                                       \
    } while (0)

// ---------------- memory model ----------------
static std::map<uint64_t, uint64_t> mem;     // dword address -> data
static std::set<uint64_t> bad;               // dword addresses that return SLVERR
static const int MEM_LAT = 2;                // cycles from AR accept to the first beat
struct Rd { uint64_t addr; int beats; uint64_t due; };
static std::deque<Rd> rdq;
static int beat_no;
static uint64_t last_req_addr;
static unsigned last_req_cache, last_req_len;

static uint64_t rd64(uint64_t a) { auto it = mem.find(a & ~7ull); return it == mem.end() ? 0 : it->second; }
static void wr64(uint64_t a, uint64_t d) { mem[a & ~7ull] = d; }

// ---------------- stage-2 stub ----------------
static bool s2_fault;
static uint8_t s2_evt;
static bool s2_record;
static uint64_t s2_off = 0x100000;           // PA = IPA + offset
static int s2_pend = -1;                     // cycles until the response
static uint64_t s2_ipa;
static int s2_reqs;
static unsigned s2_memattr = 0xf;            // stage-2 leaf Normal WB

static void set_inputs() {
    top->rd_req_ready = 1;
    if (!rdq.empty() && cyc >= rdq.front().due) {
        const Rd &r = rdq.front();
        uint64_t a = r.addr + 8ull * beat_no;
        top->rd_valid = 1;
        top->rd_data = rd64(a);
        top->rd_err = bad.count(a & ~7ull) ? 1 : 0;
        top->rd_last = (beat_no == r.beats - 1);
    } else {
        top->rd_valid = 0;
        top->rd_data = 0;
        top->rd_err = 0;
        top->rd_last = 0;
    }
    top->s2_req_ready = (s2_pend < 0);
    top->s2_rsp_valid = (s2_pend == 0);
    top->s2_rsp_fault = s2_fault;
    top->s2_rsp_evt = s2_evt;
    top->s2_rsp_record = s2_record;
    top->s2_rsp_pa = s2_ipa + s2_off;
    top->s2_rsp_addr = (s2_fault && s2_evt == 0x0b) ? 0xdead000 : s2_ipa;
    top->s2_rsp_memattr = s2_memattr;
    top->s2_rsp_sh = 3;
}

static void step() {
    set_inputs();
    top->clk = 0;
    top->eval();
    set_inputs();
    top->eval();
    bool req = top->rd_req_valid && top->rd_req_ready;
    bool beat = top->rd_valid;
    bool s2q = top->s2_req_valid && top->s2_req_ready;
    bool s2r = top->s2_rsp_valid && top->s2_rsp_ready;
    if (req) {
        last_req_addr = top->rd_req_addr;
        last_req_cache = top->rd_req_cache;
        last_req_len = top->rd_req_len;
    }
    uint64_t ipa = top->s2_req_ipa;
    top->clk = 1;
    top->eval();
    cyc++;
    if (beat) {
        if (++beat_no == rdq.front().beats) { rdq.pop_front(); beat_no = 0; }
    }
    if (req) rdq.push_back({last_req_addr, (int)last_req_len + 1, cyc + MEM_LAT - 1});
    if (s2r) s2_pend = -1;
    else if (s2_pend > 0) s2_pend--;
    if (s2q) { s2_pend = 3; s2_ipa = ipa; s2_reqs++; }
}

// ---------------- register setup ----------------
static uint64_t strtab_base;
static uint32_t strtab_cfg;
static void regs(uint64_t base, uint32_t log2size, uint32_t fmt = 0, uint32_t split = 0,
                 bool recinv = true) {
    strtab_base = base;
    strtab_cfg = log2size | (split << 6) | (fmt << 16);
    top->strtab_base = base;
    top->strtab_base_cfg = strtab_cfg;
    top->cr2_recinvsid = recinv;
}

// ---------------- structures ----------------
struct Ste { uint64_t dw[4]; };
static Ste ste_bypass() { return {{1ull | (4ull << 1), 0, 0, 0}}; }
static Ste ste_abort() { return {{1ull | (0ull << 1), 0, 0, 0}}; }
static Ste ste_s2(uint16_t vmid) {
    Ste s{};
    s.dw[0] = 1ull | (6ull << 1);
    // S2T0SZ = 24 (40-bit IPA), S2SL0 = 1 (start level 1), S2TG 4K, S2PS = 5 (48), S2AA64
    s.dw[2] = vmid | (24ull << 32) | (1ull << 38) | (5ull << 48) | (1ull << 51);
    s.dw[3] = 0x80000000ull;                      // S2TTB
    return s;
}
static Ste ste_s1(uint64_t cdptr, unsigned cir = 1, unsigned cor = 1) {
    Ste s{};
    s.dw[0] = 1ull | (5ull << 1) | (cdptr & 0x00ffffffffffffc0ull);
    s.dw[1] = ((uint64_t)cir << 2) | ((uint64_t)cor << 4);
    return s;
}
static Ste ste_nested(uint64_t cd_ipa) {
    Ste s = ste_s2(7);
    s.dw[0] = 1ull | (7ull << 1) | (cd_ipa & 0x00ffffffffffffc0ull);
    s.dw[1] = (1ull << 2) | (1ull << 4);
    return s;
}
struct Cd { uint64_t dw[4]; };
static Cd cd_ok(uint16_t asid) {
    Cd c{};
    // T0SZ 25, TG0 4K, EPD1, V, IPS 48, AA64, A, ASID
    c.dw[0] = 25ull | (1ull << 30) | (1ull << 31) | (5ull << 32) | (1ull << 41) |
              (1ull << 46) | ((uint64_t)asid << 48);
    c.dw[1] = 0x40000000ull;                      // TTB0
    c.dw[3] = 0x0000000000ff4404ull;              // MAIR
    return c;
}
static void put_ste(uint64_t a, const Ste &s) { for (int i = 0; i < 4; i++) wr64(a + 8 * i, s.dw[i]); }
static void put_cd(uint64_t a, const Cd &c) { for (int i = 0; i < 4; i++) wr64(a + 8 * i, c.dw[i]); }

// ---------------- lookup driver ----------------
static const int SCTX_WORDS = (int)(sizeof(top->rsp_sctx) / sizeof(top->rsp_sctx[0]));
static const int S1CTX_WORDS = (int)(sizeof(top->rsp_s1ctx) / sizeof(top->rsp_s1ctx[0]));
struct Rsp {
    bool ok; uint8_t evt; bool s2; unsigned cls; uint64_t addr; bool record;
    uint32_t sctx[SCTX_WORDS], s1ctx[S1CTX_WORDS]; int lat;   // the typed contexts
};

static Rsp lookup(uint32_t sid) {
    Rsp r{};
    top->lk_valid = 1;
    top->lk_sid = sid;
    top->rsp_ready = 1;
    int guard = 0;
    top->clk = 0;
    set_inputs();
    top->eval();
    while (!top->lk_ready && guard++ < 1000) step();
    step();                                        // lk accepted at this edge
    top->lk_valid = 0;
    int lat = 1;
    for (;;) {
        top->clk = 0;
        set_inputs();
        top->eval();
        if (top->rsp_valid) break;
        if (++guard > 2000) { printf("timeout sid %u\n", sid); n_fail++; return r; }
        step();
        lat++;
    }
    r.ok = top->rsp_ok; r.evt = top->rsp_evt; r.s2 = top->rsp_s2; r.cls = top->rsp_class;
    r.addr = top->rsp_addr; r.record = top->rsp_record; r.lat = lat;
    for (int i = 0; i < SCTX_WORDS; i++) r.sctx[i] = top->rsp_sctx[i];
    for (int i = 0; i < S1CTX_WORDS; i++) r.s1ctx[i] = top->rsp_s1ctx[i];
    step();                                        // rsp taken
    return r;
}

static void inv(uint64_t dw0, uint64_t dw1) {
    top->inv_cmd[0] = (uint32_t)dw0; top->inv_cmd[1] = (uint32_t)(dw0 >> 32);
    top->inv_cmd[2] = (uint32_t)dw1; top->inv_cmd[3] = (uint32_t)(dw1 >> 32);
    top->inv_valid = 1;
    int g = 0;
    for (;;) {
        top->clk = 0; set_inputs(); top->eval();
        bool rdy = top->inv_ready;
        step();
        if (rdy || ++g > 100) break;
    }
    top->inv_valid = 0;
}
static void cfgi_ste(uint32_t sid) { inv(0x03 | ((uint64_t)sid << 32), 0); }
static void cfgi_range(uint32_t sid, unsigned range) { inv(0x04 | ((uint64_t)sid << 32), range); }
static void cfgi_cd(uint32_t sid, uint32_t ssid = 0) {
    inv(0x05 | ((uint64_t)ssid << 12) | ((uint64_t)sid << 32), 1 /* Leaf */);
}
static void cfgi_cd_all(uint32_t sid) { inv(0x06 | ((uint64_t)sid << 32), 0); }

static uint32_t fetches() { return top->fetch_cnt; }
// smmu_cfg answers with the typed contexts (rtl/smmu_ctx.vh); the bench top decodes the
// structure the test expects (exp_ste / exp_cd, smmu_ctx_decode, combinational) and the
// answer must equal that decode, word for word. The CDs here are for NS-EL1 streams
// (STRW = 0), so the expected CD is decoded beside an all-zero STE (StreamWorld NS-EL1).
static void set_exp(const uint64_t ste[4], const uint64_t cd[4]) {
    for (int i = 0; i < 4; i++) {
        top->exp_ste[2 * i] = (uint32_t)ste[i]; top->exp_ste[2 * i + 1] = (uint32_t)(ste[i] >> 32);
        top->exp_cd[2 * i] = (uint32_t)cd[i]; top->exp_cd[2 * i + 1] = (uint32_t)(cd[i] >> 32);
    }
    top->eval();
}
static const uint64_t ZERO4[4] = {0, 0, 0, 0};
static bool same_ste(const Rsp &r, const Ste &s) {
    set_exp(s.dw, ZERO4);
    for (int i = 0; i < SCTX_WORDS; i++) if (r.sctx[i] != top->exp_sctx[i]) return false;
    return true;
}
static bool same_cd(const Rsp &r, const Cd &c) {
    set_exp(ZERO4, c.dw);
    for (int i = 0; i < S1CTX_WORDS; i++) if (r.s1ctx[i] != top->exp_s1ctx[i]) return false;
    return true;
}
// a stream without stage 1 answers with an all-zero stage-1 context
static bool cd_zero(const Rsp &r) { for (int i = 0; i < S1CTX_WORDS; i++) if (r.s1ctx[i]) return false; return true; }

static void reset() {
    top->rst_n = 0;
    top->flush = 0;
    top->lk_valid = 0;
    top->inv_valid = 0;
    top->rsp_ready = 1;
    top->table_ic = 1; top->table_oc = 1;
    top->cr2_e2h = 0;
    for (int i = 0; i < 4; i++) step();
    top->rst_n = 1;
    step();
}

int main(int argc, char **argv) {
    Verilated::commandArgs(argc, argv);
    top = new Vcfg_unit_top;
    reset();

    // ===== linear table =====
    const uint64_t LB = 0x10000;                   // 64 entries * 64 B = 4 KB
    regs(LB | 0x40 /* below the alignment: ignored */, 6);
    for (uint32_t s = 0; s < 64; s++) put_ste(LB + 64 * s, ste_bypass());
    put_ste(LB + 64 * 5, ste_s2(0x55));
    {
        uint32_t f0 = fetches();
        Rsp r = lookup(5);
        CHECK(r.ok && same_ste(r, ste_s2(0x55)) && cd_zero(r), "linear S2 STE ok");
        CHECK(fetches() == f0 + 1, "linear miss = 1 fetch (%u)", fetches() - f0);
        CHECK(last_req_addr == LB + 5 * 64 && last_req_len == 3, "STE address %llx len %u",
              (unsigned long long)last_req_addr, last_req_len);
        CHECK(last_req_cache == 0xB, "table cache WB no-RA = 0xB (%x)", last_req_cache);
        printf("cycles: linear miss %d (memory model: first beat %d cycles after AR)\n", r.lat, MEM_LAT);
        Rsp h = lookup(5);
        CHECK(h.ok && same_ste(h, ste_s2(0x55)) && fetches() == f0 + 1, "hit, no fetch");
        printf("cycles: hit %d\n", h.lat);
        CHECK(h.lat == 1, "hit answers the cycle after lk (%d)", h.lat);
    }
    // Table attributes
    top->strtab_base = LB | (1ull << 62);
    cfgi_range(0, 31);
    lookup(6);
    CHECK(last_req_cache == 0xF, "table cache WB RA = 0xF (%x)", last_req_cache);
    top->strtab_base = LB; top->table_ic = 2;
    cfgi_range(0, 31);
    lookup(6);
    CHECK(last_req_cache == 0x3, "table cache WT = NC 0x3 (%x)", last_req_cache);
    top->table_ic = 1;

    // ===== C_BAD_STREAMID (linear) =====
    {
        uint32_t f0 = fetches();
        Rsp r = lookup(64);
        CHECK(!r.ok && r.evt == 0x02 && r.record, "SID >= 2^LOG2SIZE -> C_BAD_STREAMID");
        top->cr2_recinvsid = 0;
        r = lookup(100);
        CHECK(!r.ok && r.evt == 0 && !r.record, "RECINVSID = 0: abort, no event");
        top->cr2_recinvsid = 1;
        CHECK(fetches() == f0, "no fetch for a bad StreamID");
    }
    // LOG2SIZE > SID_W: capped, base aligned to the literal LOG2SIZE
    {
        const uint64_t BB = 0x4000000;             // aligned to 2^(20 + 6)
        regs(BB | 0x123440, 20);
        put_ste(BB + 64ull * 0xffff, ste_s2(0x77));
        cfgi_range(0, 31);
        Rsp r = lookup(0xffff);
        CHECK(r.ok && same_ste(r, ste_s2(0x77)), "LOG2SIZE 20 > SID_W 16: SID 0xffff in range");
        CHECK(last_req_addr == BB + 64ull * 0xffff, "base aligned to 2^26 (%llx)", (unsigned long long)last_req_addr);
    }

    // ===== 2-level table =====
    {
        // LOG2SIZE 16, SPLIT 8: 256 L1STDs, 2 KB table, aligned to 2 KB
        const uint64_t L1 = 0x200800;
        regs(L1 | 0x7c0, 16, 1, 8);
        cfgi_range(0, 31);
        const uint64_t L2A = 0x300000;              // Span 9: 256 STEs, 16 KB aligned
        const uint64_t L2B = 0x310000;              // Span 3: 4 STEs
        wr64(L1 + 8 * 0, 9 | L2A | 0x3fc0 /* low L2Ptr bits ignored */);
        wr64(L1 + 8 * 1, 3 | L2B);
        wr64(L1 + 8 * 2, 0);                        // Span 0
        wr64(L1 + 8 * 3, 12 | L2A);                 // reserved Span
        wr64(L1 + 8 * 4, 10 | L2A);                 // Span 10 > SPLIT + 1
        wr64(L1 + 8 * 5, 1 | 0x320000);             // Span 1: one STE
        put_ste(L2A + 64 * 0x12, ste_s2(0x12));
        put_ste(L2B + 64 * 3, ste_s2(0x103));
        put_ste(0x320000, ste_s2(0x500));
        uint32_t f0 = fetches();
        Rsp r = lookup(0x0012);
        CHECK(r.ok && same_ste(r, ste_s2(0x12)), "2-level SID 0x12");
        CHECK(fetches() == f0 + 2, "2-level miss = 2 fetches (%u)", fetches() - f0);
        CHECK(last_req_addr == L2A + 64 * 0x12, "L2 STE address %llx", (unsigned long long)last_req_addr);
        printf("cycles: 2-level miss %d\n", r.lat);
        r = lookup(0x0103);
        CHECK(r.ok && same_ste(r, ste_s2(0x103)), "2-level SID 0x103, last of a Span-3 table");
        r = lookup(0x0104);
        CHECK(!r.ok && r.evt == 0x02 && r.record, "SID low part >= 2^(Span-1) -> C_BAD_STREAMID");
        r = lookup(0x0200);
        CHECK(!r.ok && r.evt == 0x02, "Span 0 -> C_BAD_STREAMID");
        r = lookup(0x0300);
        CHECK(!r.ok && r.evt == 0x02, "Span reserved -> C_BAD_STREAMID");
        r = lookup(0x0400);
        CHECK(!r.ok && r.evt == 0x02, "Span > SPLIT + 1 -> C_BAD_STREAMID");
        r = lookup(0x0500);
        CHECK(r.ok && same_ste(r, ste_s2(0x500)), "Span 1, SID low 0");
        r = lookup(0x0501);
        CHECK(!r.ok && r.evt == 0x02, "Span 1, SID low 1 -> C_BAD_STREAMID");
        top->cr2_recinvsid = 0;
        r = lookup(0x0200);
        CHECK(!r.ok && r.evt == 0 && !r.record, "Span 0, RECINVSID = 0: no event");
        top->cr2_recinvsid = 1;
        // L1STD fetch abort
        bad.insert(L1 + 8 * 6);
        r = lookup(0x0600);
        CHECK(!r.ok && r.evt == 0x03 && r.addr == L1 + 8 * 6 && r.record, "L1STD abort -> F_STE_FETCH (addr %llx)",
              (unsigned long long)r.addr);
        bad.clear();
        // SPLIT reserved -> 6; LOG2SIZE 8 -> 4 L1STDs (32 B, base aligned to 64 B)
        regs(0x400000, 8, 1, 7);
        cfgi_range(0, 31);
        wr64(0x400000 + 8 * 2, 7 | 0x410000);       // SIDs 128.. : Span 7 (64 STEs)
        put_ste(0x410000 + 64 * 63, ste_s2(0x1bf));
        r = lookup(128 + 63);
        CHECK(r.ok && same_ste(r, ste_s2(0x1bf)), "SPLIT reserved acts as 6");
        r = lookup(256);
        CHECK(!r.ok && r.evt == 0x02, "SID >= 2^LOG2SIZE (2-level) -> C_BAD_STREAMID");
    }

    // ===== STE faults and Config =====
    regs(LB, 6);
    cfgi_range(0, 31);
    {
        bad.insert(LB + 64 * 9 + 16);
        Rsp r = lookup(9);
        CHECK(!r.ok && r.evt == 0x03 && r.addr == LB + 64 * 9 && r.record, "STE abort -> F_STE_FETCH (addr %llx)",
              (unsigned long long)r.addr);
        bad.clear();
        uint32_t f0 = fetches();
        r = lookup(9);
        CHECK(r.ok && fetches() == f0 + 1, "failed fetch not cached");

        Ste s = ste_bypass(); s.dw[0] &= ~1ull;    // V = 0
        put_ste(LB + 64 * 10, s);
        r = lookup(10);
        CHECK(!r.ok && r.evt == 0x04 && r.record, "V = 0 -> C_BAD_STE");
        s = ste_s2(3); s.dw[2] &= ~(1ull << 51);   // S2AA64 = 0
        put_ste(LB + 64 * 11, s);
        r = lookup(11);
        CHECK(!r.ok && r.evt == 0x04, "S2AA64 = 0 -> C_BAD_STE");
        f0 = fetches();
        r = lookup(11);
        CHECK(fetches() == f0 + 1, "C_BAD_STE not cached");

        put_ste(LB + 64 * 12, ste_abort());
        r = lookup(12);
        CHECK(!r.ok && r.evt == 0 && !r.record && same_ste(r, ste_abort()), "Config = abort: no event");
        f0 = fetches();
        r = lookup(12);
        CHECK(!r.ok && r.evt == 0 && fetches() == f0, "Config = abort cached");
        Ste s3 = ste_abort(); s3.dw[0] = 1 | (2ull << 1);  // 0b010 acts as abort
        put_ste(LB + 64 * 13, s3);
        r = lookup(13);
        CHECK(!r.ok && r.evt == 0, "Config = 0b010 acts as abort");
    }

    // ===== stage 1: CD fetch =====
    {
        const uint64_t CD = 0x500040;
        put_ste(LB + 64 * 20, ste_s1(CD));
        put_cd(CD, cd_ok(0x1234));
        uint32_t f0 = fetches();
        Rsp r = lookup(20);
        CHECK(r.ok && same_ste(r, ste_s1(CD)) && same_cd(r, cd_ok(0x1234)), "S1 STE + CD");
        CHECK(fetches() == f0 + 2 && last_req_addr == CD && last_req_cache == 0xF,
              "CD fetch at %llx cache %x", (unsigned long long)last_req_addr, last_req_cache);
        printf("cycles: linear miss with CD %d\n", r.lat);
        r = lookup(20);
        CHECK(r.ok && same_cd(r, cd_ok(0x1234)) && fetches() == f0 + 2, "S1 hit");
        put_ste(LB + 64 * 21, ste_s1(CD, 0, 1));
        lookup(21);
        CHECK(last_req_cache == 0x3, "CD cache NC inner -> 0x3 (%x)", last_req_cache);
        put_ste(LB + 64 * 22, ste_s1(CD, 3, 3));
        lookup(22);
        CHECK(last_req_cache == 0xb, "CD cache WB no-RA (S1C*R 0b11) -> 0xb (%x)", last_req_cache);

        Cd c = cd_ok(1); c.dw[0] &= ~(1ull << 31);  // V = 0
        put_ste(LB + 64 * 23, ste_s1(0x500100));
        put_cd(0x500100, c);
        r = lookup(23);
        CHECK(!r.ok && r.evt == 0x0a && r.record, "CD V = 0 -> C_BAD_CD");
        f0 = fetches();
        r = lookup(23);
        CHECK(!r.ok && r.evt == 0x0a && fetches() == f0 + 1 && last_req_addr == 0x500100,
              "C_BAD_CD not cached; its valid STE is: the CD alone is fetched again (%u)",
              fetches() - f0);

        put_ste(LB + 64 * 24, ste_s1(0x500200));
        put_cd(0x500200, cd_ok(2));
        bad.insert(0x500200 + 24);
        r = lookup(24);
        CHECK(!r.ok && r.evt == 0x09 && r.addr == 0x500200 && r.record && !r.s2, "CD abort -> F_CD_FETCH");
        bad.clear();
    }

    // ===== nested: CD through the stage-2 service =====
    {
        const uint64_t IPA = 0x600000;
        put_ste(LB + 64 * 30, ste_nested(IPA));
        put_cd(IPA + s2_off, cd_ok(0x4321));
        s2_fault = false;
        int q0 = s2_reqs;
        Rsp r = lookup(30);
        CHECK(r.ok && same_cd(r, cd_ok(0x4321)) && s2_reqs == q0 + 1, "nested CD via stage 2");
        CHECK(last_req_addr == IPA + s2_off && last_req_cache == 0xF, "CD read at the stage-2 PA, WB");
        s2_memattr = 0x5;                           // stage-2 Normal NC: CD fetch NC
        put_ste(LB + 64 * 32, ste_nested(IPA));
        r = lookup(32);
        CHECK(r.ok && last_req_cache == 0x3, "nested CD fetch combined with stage-2 NC (%x)", last_req_cache);
        s2_memattr = 0xf;
        CHECK(s2_ipa == IPA, "stage-2 request IPA %llx", (unsigned long long)s2_ipa);
        printf("cycles: nested miss %d (stage-2 stub answers 3 cycles after its request)\n", r.lat);
        s2_fault = true; s2_evt = 0x10; s2_record = false;
        put_ste(LB + 64 * 31, ste_nested(0x700040));
        r = lookup(31);
        CHECK(!r.ok && r.evt == 0x10 && r.s2 && r.cls == 0 && r.addr == 0x700040 && !r.record,
              "nested stage-2 F_TRANSLATION, S2R = 0: not recorded (evt %x s2 %d addr %llx)",
              r.evt, r.s2, (unsigned long long)r.addr);
        s2_evt = 0x13; s2_record = true;
        r = lookup(31);
        CHECK(!r.ok && r.evt == 0x13 && r.s2 && r.cls == 0 && r.record, "stage-2 F_PERMISSION recorded");
        s2_evt = 0x0b;
        r = lookup(31);
        CHECK(!r.ok && r.evt == 0x0b && r.addr == 0xdead000, "stage-2 F_WALK_EABT: FetchAddr from s2_rsp_pa");
        s2_fault = false;
        uint32_t f0 = fetches();
        r = lookup(30);
        CHECK(r.ok && fetches() == f0, "nested hit");
    }

    // ===== CFGI scopes =====
    {
        cfgi_range(0, 31);
        for (uint32_t s = 32; s < 40; s++) put_ste(LB + 64 * s, ste_s2((uint16_t)s));
        for (uint32_t s = 32; s < 40; s++) lookup(s);
        uint32_t f0 = fetches();
        for (uint32_t s = 32; s < 40; s++) lookup(s);
        CHECK(fetches() == f0, "8 entries all hit (%u)", fetches() - f0);

        auto miss = [&](uint32_t s) { uint32_t f = fetches(); lookup(s); return fetches() != f; };
        cfgi_ste(33);
        CHECK(miss(33) && !miss(32) && !miss(34), "CFGI_STE drops only its SID");
        cfgi_range(36, 1);                          // 36..39
        CHECK(!miss(35), "CFGI_STE_RANGE: 35 outside");
        CHECK(miss(36) && miss(37) && miss(38) && miss(39), "CFGI_STE_RANGE(36, 1): 36..39");
        cfgi_range(33, 0);                          // 32..33
        CHECK(miss(32) && miss(33) && !miss(34), "CFGI_STE_RANGE(33, 0): 32..33");
        cfgi_cd(34);
        cfgi_cd_all(35);
        CHECK(!miss(34) && !miss(35), "CFGI_CD / CFGI_CD_ALL keep the STE cached");
        inv(0x10, 0);                               // TLBI_NH_ALL: ignored
        inv(0x01 | (36ull << 32), 0);               // PREFETCH_CONFIG: ignored
        CHECK(!miss(36) && !miss(37), "other commands ignored");
        cfgi_range(0x12345678, 31);
        int m = 0;
        for (uint32_t s = 32; s < 40; s++) m += miss(s);
        CHECK(m == 8, "CFGI_ALL drops everything (%d)", m);
        top->flush = 1; step(); top->flush = 0;
        m = 0;
        for (uint32_t s = 32; s < 40; s++) m += miss(s);
        CHECK(m == 8, "flush drops everything (%d)", m);
    }

    // ===== replacement: 9 SIDs into 8 entries (from reset: round-robin pointer at 0) =====
    {
        reset();
        regs(LB, 6);
        for (uint32_t s = 40; s < 49; s++) put_ste(LB + 64 * s, ste_s2((uint16_t)s));
        bool all_ok = true;
        for (uint32_t s = 40; s < 49; s++) { Rsp r = lookup(s); all_ok &= r.ok && same_ste(r, ste_s2((uint16_t)s)); }
        CHECK(all_ok, "9 SIDs answered correctly");
        int hits = 0;
        for (uint32_t s = 41; s < 49; s++) { uint32_t f = fetches(); lookup(s); hits += fetches() == f; }
        CHECK(hits == 8, "after 9 fills, the last 8 are cached (%d hits)", hits);
    }

    // ===== an invalidation racing a fetch: answers, does not fill =====
    {
        cfgi_range(0, 31);
        put_ste(LB + 64 * 50, ste_s2(50));
        top->lk_valid = 1; top->lk_sid = 50;
        step();                                     // accepted
        top->lk_valid = 0;
        step();
        cfgi_ste(3);                                // any CFGI, another SID
        int g = 0;
        for (;;) { top->clk = 0; set_inputs(); top->eval(); if (top->rsp_valid || ++g > 100) break; step(); }
        CHECK(top->rsp_ok && top->busy, "racing lookup still answers ok, busy while answering");
        step();
        CHECK(!top->busy, "not busy when idle");
        uint32_t f0 = fetches();
        Rsp r = lookup(50);
        CHECK(r.ok && fetches() == f0 + 1, "raced lookup was not cached");
        f0 = fetches();
        lookup(50);
        CHECK(fetches() == f0, "next lookup cached normally");
        // nested: CFGI while the stage-2 service is busy
        put_ste(LB + 64 * 51, ste_nested(0x600000));
        top->lk_valid = 1; top->lk_sid = 51;
        step();
        top->lk_valid = 0;
        g = 0;
        while (!(top->s2_req_valid) && g++ < 50) step();
        cfgi_cd(51);
        g = 0;
        for (;;) { top->clk = 0; set_inputs(); top->eval(); if (top->rsp_valid || ++g > 100) break; step(); }
        CHECK(top->rsp_ok, "nested raced lookup answers ok");
        step();
        f0 = fetches();
        lookup(51);
        // the STE was validated and cached before the CFGI_CD (which leaves STEs alone);
        // the CD, whose fetch the CFGI overlapped, was not
        CHECK(fetches() == f0 + 1 && last_req_addr == 0x600000 + s2_off,
              "nested raced lookup: its CD not cached (%u)", fetches() - f0);
    }

    // ===== response back-pressure =====
    {
        top->lk_valid = 1; top->lk_sid = 51; top->rsp_ready = 0;
        step();
        top->lk_valid = 0;
        for (int i = 0; i < 5; i++) step();
        top->clk = 0; set_inputs(); top->eval();
        CHECK(top->rsp_valid && top->rsp_ok && !top->lk_ready, "response held under back-pressure");
        top->rsp_ready = 1;
        step();
        top->clk = 0; set_inputs(); top->eval();
        CHECK(!top->rsp_valid && top->lk_ready, "response taken");
    }

    // ===== the CD cache: {StreamID, SubstreamID}, its own invalidation scopes =====
    {
        reset();
        regs(LB, 6);
        const uint64_t CD0 = 0x510000, CD1 = 0x510040;
        put_ste(LB + 64 * 60, ste_s1(CD0));
        put_cd(CD0, cd_ok(0x60));
        put_ste(LB + 64 * 61, ste_s1(CD1));
        put_cd(CD1, cd_ok(0x61));
        lookup(60);
        lookup(61);
        // what a lookup fetches: 0 (both cached), 1 (the CD alone, at its address) or 2
        auto fetched = [&](uint32_t s) { uint32_t f = fetches(); lookup(s); return fetches() - f; };
        CHECK(fetched(60) == 0 && fetched(61) == 0, "STE and CD cached");
        cfgi_cd(60, 1);                             // another SubstreamID's CD
        CHECK(fetched(60) == 0, "CFGI_CD of SubstreamID 1 keeps SubstreamID 0's CD");
        cfgi_cd(60, 0);
        uint32_t n = fetched(60);
        CHECK(n == 1 && last_req_addr == CD0, "CFGI_CD(60, 0): the CD alone is fetched (%u at %llx)",
              n, (unsigned long long)last_req_addr);
        CHECK(fetched(61) == 0, "CFGI_CD(60) leaves StreamID 61");
        put_cd(CD0, cd_ok(0x70));                   // a changed CD, invalidated: the new one
        cfgi_cd_all(60);
        Rsp r = lookup(60);
        CHECK(r.ok && same_cd(r, cd_ok(0x70)) && same_ste(r, ste_s1(CD0)),
              "CFGI_CD_ALL: the new CD is answered with the cached STE");
        cfgi_ste(61);
        n = fetched(61);
        CHECK(n == 2, "CFGI_STE drops the STE and the CDs cached through it (%u)", n);
        // a CD outlives its STE's eviction: 8 more STEs push StreamID 60's STE out of the
        // STE cache; its CD (8 CD entries, 2 used) stays, so only the STE is fetched
        for (uint32_t s = 52; s < 60; s++) { put_ste(LB + 64 * s, ste_s2((uint16_t)s)); lookup(s); }
        n = fetched(60);
        CHECK(n == 1 && last_req_addr == LB + 64 * 60, "STE evicted, CD kept: 1 fetch, the STE (%u)", n);
        r = lookup(60);
        CHECK(r.ok && same_cd(r, cd_ok(0x70)), "the kept CD answered");
        // a lookup with a SubstreamID: C_BAD_SUBSTREAMID (SSIDSIZE = 0) from the cached STE
        top->lk_ssv = 1; top->lk_ssid = 5;
        uint32_t f0 = fetches();
        r = lookup(60);
        top->lk_ssv = 0; top->lk_ssid = 0;
        CHECK(!r.ok && r.evt == 0x08 && r.record && fetches() == f0,
              "SubstreamID on a cached stage-1 STE: C_BAD_SUBSTREAMID, no fetch");
    }

    printf("cfg: %d passed, %d failed\n", n_pass, n_fail);
    top->final();
    delete top;
    return n_fail ? 1 : 0;
}
