// Unit bench of smmu_tlb (Verilator): directed checks of lookup tagging, fill without
// multi-hit, replacement, and every TLBI scope with range edges; then a randomized run
// against a reference model of the scopes. Prints "tlb: N passed, N failed".
#include "Vsmmu_tlb.h"
#include "verilated.h"
#include <cstdint>
#include <cstdio>
#include <random>
#include <vector>

static Vsmmu_tlb *top;
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

enum { EL1 = 0, EL2 = 1, E2H = 2 };
enum { S1 = 1, S2 = 2, NEST = 3 };
// Leaf sizes as log2 of bytes (rtl/smmu_leaf.vh): every page and block of the three granules
enum { SZ4K = 12, SZ16K = 14, SZ64K = 16, SZ2M = 21, SZ32M = 25, SZ512M = 29, SZ1G = 30 };
static const int SIZES[7] = {SZ4K, SZ16K, SZ64K, SZ2M, SZ32M, SZ512M, SZ1G};
static uint64_t pages(int size) { return 1ull << (size - 12); }   // in 4 KB page numbers

struct Ent {
    int world, stages; uint16_t vmid, asid; bool ng; int size; uint64_t page; uint64_t oa;
};

// Leaf bundle: OA [43:0], SIZE [49:44], nG b70 (rtl/smmu_leaf.vh); the rest zero
static void leaf_of(const Ent &e, uint32_t w[3]) {
    unsigned __int128 v = 0;
    v |= (unsigned __int128)(e.oa & ((1ull << 44) - 1));
    v |= (unsigned __int128)(e.size & 63) << 44;
    v |= (unsigned __int128)(e.ng ? 1 : 0) << 70;
    w[0] = (uint32_t)v; w[1] = (uint32_t)(v >> 32); w[2] = (uint32_t)(v >> 64);
}

static void step() {
    top->clk = 0; top->eval();
    top->clk = 1; top->eval();
}

static void fill(const Ent &e) {
    top->fill_valid = 1;
    top->fill_world = e.world; top->fill_stages = e.stages;
    top->fill_vmid = e.vmid; top->fill_asid = e.asid; top->fill_page = e.page;
    uint32_t w[3]; leaf_of(e, w);
    for (int i = 0; i < 3; i++) top->fill_leaf[i] = w[i];
    step();
    top->fill_valid = 0;
}

// Combinational lookup; returns the OA of the hit (or ~0 on a miss)
static uint64_t look(int world, int stages, uint16_t vmid, uint16_t asid, uint64_t page) {
    top->lk_world = world; top->lk_stages = stages; top->lk_vmid = vmid;
    top->lk_asid = asid; top->lk_page = page;
    top->clk = 0; top->eval();
    if (!top->lk_hit) return ~0ull;
    return ((uint64_t)top->lk_leaf[0] | ((uint64_t)top->lk_leaf[1] << 32)) & ((1ull << 44) - 1);
}
static bool hits(const Ent &e, uint64_t page_off = 0) {
    return look(e.world, e.stages, e.vmid, e.asid, e.page + page_off) == e.oa;
}

static int inv_cycles;
static void inv(uint64_t dw0, uint64_t dw1) {
    top->inv_cmd[0] = (uint32_t)dw0; top->inv_cmd[1] = (uint32_t)(dw0 >> 32);
    top->inv_cmd[2] = (uint32_t)dw1; top->inv_cmd[3] = (uint32_t)(dw1 >> 32);
    top->inv_valid = 1;
    int n = 0;
    for (;;) {
        top->clk = 0; top->eval();
        bool rdy = top->inv_ready;
        step();
        n++;
        if (rdy || n > 10) break;
    }
    inv_cycles = n;
    top->inv_valid = 0;
}
static uint64_t dw0(uint8_t op, uint16_t vmid = 0, uint16_t asid = 0, unsigned num = 0, unsigned scale = 0) {
    return op | ((uint64_t)num << 12) | ((uint64_t)scale << 20) | ((uint64_t)vmid << 32) | ((uint64_t)asid << 48);
}
static uint64_t dw1(uint64_t page, unsigned tg = 0, unsigned ttl = 0, bool leaf = false) {
    return (leaf ? 1 : 0) | ((uint64_t)ttl << 8) | ((uint64_t)tg << 10) | (page << 12);
}

static void flush() { top->flush = 1; step(); top->flush = 0; }

// ---------------- reference scope ----------------
struct Cmd { uint8_t op; uint16_t vmid, asid; unsigned num, scale, tg; uint64_t page; bool e2h; };
static bool ref_hit(const Ent &e, const Cmd &c) {
    bool glb = !e.ng || e.world == EL2 || e.stages == S2;
    uint64_t base = e.page & ~(pages(e.size) - 1);
    uint64_t start = c.page, len = 1;
    if (c.tg) len = (uint64_t)(c.num + 1) << (c.scale + (c.tg == 2 ? 2 : c.tg == 3 ? 4 : 0));
    bool ovl = base < start + len && start < base + pages(e.size);
    bool el1 = e.world == EL1, el2w = e.world == EL2 || e.world == E2H;
    bool vm = el1 && e.vmid == c.vmid;
    switch (c.op) {
    case 0x10: case 0x28: return vm;
    case 0x11: return vm && !glb && e.asid == c.asid;
    case 0x12: return vm && (glb || e.asid == c.asid) && ovl;
    case 0x13: return vm && ovl;
    case 0x20: return el2w;
    case 0x21: return e.world == E2H && !glb && e.asid == c.asid;
    case 0x22: return el2w && ovl && (!c.e2h || glb || e.asid == c.asid);
    case 0x23: return el2w && ovl;
    case 0x2a: return vm && ((e.stages == S2 && ovl) || e.stages == NEST);
    case 0x30: return el1;
    default: return false;
    }
}
static void do_cmd(const Cmd &c) {
    top->cr2_e2h = c.e2h;
    inv(dw0(c.op, c.vmid, c.asid, c.num, c.scale), dw1(c.page, c.tg));
}

int main(int argc, char **argv) {
    Verilated::commandArgs(argc, argv);
    top = new Vsmmu_tlb;
    top->rst_n = 0; top->flush = 0; top->fill_valid = 0; top->inv_valid = 0; top->cr2_e2h = 0;
    for (int i = 0; i < 3; i++) step();
    top->rst_n = 1;
    step();

    // ===== lookup tagging =====
    Ent a{EL1, S1, 5, 7, true, SZ4K, 0x12345, 0xA001};
    fill(a);
    CHECK(hits(a), "fill then hit");
    CHECK(look(EL1, S1, 6, 7, a.page) == ~0ull, "other VMID misses");
    CHECK(look(EL1, S1, 5, 8, a.page) == ~0ull, "other ASID misses (nG)");
    CHECK(look(EL1, NEST, 5, 7, a.page) == ~0ull, "other stages miss");
    CHECK(look(E2H, S1, 5, 7, a.page) == ~0ull, "other world misses");
    CHECK(look(EL1, S1, 5, 7, a.page + 1) == ~0ull, "next page misses");
    Ent g{EL1, S1, 5, 7, false, SZ2M, 0x40000 + 0x33, 0xB002};  // global 2 MB block
    fill(g);
    CHECK(look(EL1, S1, 5, 99, 0x40000) == 0xB002 && look(EL1, S1, 5, 1, 0x401ff) == 0xB002,
          "global 2 MB block: any ASID, whole block");
    CHECK(look(EL1, S1, 5, 1, 0x40200) == ~0ull, "one past the block misses");
    Ent h2{EL2, S1, 9, 3, true, SZ4K, 0x777, 0xC003};           // EL2: always global
    fill(h2);
    CHECK(look(EL2, S1, 0, 0x55, 0x777) == 0xC003, "EL2 entry: no VMID, global");
    Ent s2{EL1, S2, 5, 1, true, SZ1G, 0x80000, 0xD004};          // stage 2: ASID-less
    fill(s2);
    CHECK(look(EL1, S2, 5, 0xffff, 0x80000 + 12345) == 0xD004, "stage-2 entry: any ASID, 1 GB");

    // ===== no multi-hit on re-fill =====
    Ent a2 = a; a2.oa = 0xA0F0;
    fill(a2);
    CHECK(look(EL1, S1, 5, 7, a.page) == 0xA0F0, "re-fill replaces (no OR of two leaves)");
    Ent blk{EL1, S1, 5, 7, true, SZ2M, 0x12200, 0xE005};        // covers a's page
    fill(blk);
    CHECK(look(EL1, S1, 5, 7, 0x12345) == 0xE005 && look(EL1, S1, 5, 7, 0x12200) == 0xE005,
          "2 MB block over a 4 KB page replaces it");
    Ent pg{EL1, S1, 5, 7, true, SZ4K, 0x12201, 0xF006};          // page inside the block
    fill(pg);
    CHECK(look(EL1, S1, 5, 7, 0x12201) == 0xF006 && look(EL1, S1, 5, 7, 0x12345) == ~0ull,
          "4 KB page inside a block replaces the block");
    Ent ng5{EL1, S1, 5, 5, true, SZ4K, 0x500, 0x1111};
    Ent gl{EL1, S1, 5, 9, false, SZ4K, 0x500, 0x2222};
    fill(ng5); fill(gl);
    CHECK(look(EL1, S1, 5, 5, 0x500) == 0x2222, "global fill over an nG entry of the same page");
    Ent other{EL1, S1, 6, 5, true, SZ4K, 0x500, 0x3333};         // another VMID: coexists
    fill(other);
    CHECK(look(EL1, S1, 6, 5, 0x500) == 0x3333 && look(EL1, S1, 5, 5, 0x500) == 0x2222,
          "same page, other VMID coexists");

    // ===== replacement =====
    flush();
    std::vector<Ent> many;
    for (int i = 0; i < 17; i++) many.push_back({EL1, S1, 1, 1, true, SZ4K, (uint64_t)(0x1000 + i), (uint64_t)(0x100 + i)});
    for (auto &e : many) fill(e);
    int present = 0;
    for (auto &e : many) present += hits(e);
    CHECK(present == 16 && !hits(many[0]) && hits(many[16]), "17 fills: the oldest evicted (%d present)", present);
    flush();
    CHECK(!hits(many[5]), "flush");

    // ===== fill dropped while an invalidation completes =====
    {
        top->inv_valid = 1;
        top->inv_cmd[0] = 0x30; top->inv_cmd[1] = 0; top->inv_cmd[2] = 0; top->inv_cmd[3] = 0;
        step();                                     // scope registered
        Ent f{EL1, S1, 1, 1, true, SZ4K, 0x999, 0x9999};
        top->clk = 0; top->eval();
        CHECK(top->inv_ready, "inv_ready in the second cycle");
        fill(f);                                    // same cycle as the apply
        top->inv_valid = 0;
        CHECK(!hits(f), "fill during the invalidation's apply cycle is dropped");
        // a fill in the registering cycle is covered by the apply
        top->inv_valid = 1;
        fill(f);
        top->clk = 0; top->eval();
        step();
        top->inv_valid = 0;
        CHECK(!hits(f), "fill in the registering cycle is invalidated by the apply");
        fill(f);
        CHECK(hits(f), "fill after the invalidation sticks");
    }

    // ===== directed scopes =====
    auto setup = [&]() {
        flush();
        std::vector<Ent> v = {
            {EL1, S1, 5, 7, true, SZ4K, 0x100, 1},     // 0 nG vmid5 asid7
            {EL1, S1, 5, 8, true, SZ4K, 0x100, 2},     // 1 nG vmid5 asid8
            {EL1, S1, 5, 7, false, SZ4K, 0x101, 3},    // 2 global vmid5
            {EL1, S1, 6, 7, true, SZ4K, 0x100, 4},     // 3 nG vmid6
            {EL1, NEST, 5, 7, true, SZ4K, 0x200, 5},   // 4 nested vmid5
            {EL1, S2, 5, 0, true, SZ4K, 0x100, 6},     // 5 S2 vmid5 (IPA page 0x100)
            {EL1, S2, 5, 0, true, SZ2M, 0x400, 7},     // 6 S2 vmid5 2 MB at 0x400
            {EL1, S2, 6, 0, true, SZ4K, 0x100, 8},     // 7 S2 vmid6
            {EL2, S1, 0, 0, true, SZ4K, 0x100, 9},     // 8 EL2 (global)
            {E2H, S1, 0, 7, true, SZ4K, 0x100, 10},    // 9 E2H nG asid7
            {E2H, S1, 0, 8, true, SZ4K, 0x100, 11},    // 10 E2H nG asid8
            {E2H, S1, 0, 7, false, SZ4K, 0x102, 12},   // 11 E2H global
        };
        for (auto &e : v) fill(e);
        return v;
    };
    auto expect = [&](const std::vector<Ent> &v, const char *name, std::vector<int> gone) {
        bool okall = true;
        for (size_t i = 0; i < v.size(); i++) {
            bool g = false;
            for (int x : gone) g |= (x == (int)i);
            bool h = hits(v[i]);
            if (h == g) { okall = false; printf("  %s: entry %zu %s\n", name, i, h ? "survived" : "removed"); }
        }
        CHECK(okall, "%s scope", name);
    };
    std::vector<Ent> v;
    v = setup(); inv(dw0(0x10, 5), 0);            expect(v, "NH_ALL vmid5", {0, 1, 2, 4, 5, 6});
    CHECK(inv_cycles == 2, "invalidation takes 2 cycles (%d)", inv_cycles);
    v = setup(); inv(dw0(0x11, 5, 7), 0);         expect(v, "NH_ASID vmid5 asid7", {0, 4});
    v = setup(); inv(dw0(0x12, 5, 7), dw1(0x100)); expect(v, "NH_VA vmid5 asid7 page 0x100", {0, 5});
    v = setup(); inv(dw0(0x12, 5, 9), dw1(0x101)); expect(v, "NH_VA global page 0x101", {2});
    v = setup(); inv(dw0(0x13, 5), dw1(0x100));   expect(v, "NH_VAA vmid5 page 0x100", {0, 1, 5});
    v = setup(); inv(dw0(0x20), 0);               expect(v, "EL2_ALL", {8, 9, 10, 11});
    v = setup(); inv(dw0(0x21, 0, 7), 0);         expect(v, "EL2_ASID 7", {9});
    top->cr2_e2h = 1;
    v = setup(); inv(dw0(0x22, 0, 7), dw1(0x100)); expect(v, "EL2_VA E2H=1 asid7 0x100", {8, 9});
    v = setup(); inv(dw0(0x22, 0, 7), dw1(0x102)); expect(v, "EL2_VA E2H=1 global 0x102", {11});
    top->cr2_e2h = 0;
    v = setup(); inv(dw0(0x22, 0, 7), dw1(0x100)); expect(v, "EL2_VA E2H=0 ASID ignored", {8, 9, 10});
    v = setup(); inv(dw0(0x23), dw1(0x100));      expect(v, "EL2_VAA 0x100", {8, 9, 10});
    v = setup(); inv(dw0(0x28, 5), 0);            expect(v, "S12_VMALL vmid5", {0, 1, 2, 4, 5, 6});
    v = setup(); inv(dw0(0x2a, 5), dw1(0x100));   expect(v, "S2_IPA vmid5 0x100", {4, 5});
    v = setup(); inv(dw0(0x2a, 5), dw1(0x5ff));   expect(v, "S2_IPA vmid5 inside 2 MB", {4, 6});
    v = setup(); inv(dw0(0x30), 0);               expect(v, "NSNH_ALL", {0, 1, 2, 3, 4, 5, 6, 7});
    v = setup(); inv(0x46, 0);                    expect(v, "CMD_SYNC (not a TLBI)", {});
    v = setup(); inv(dw0(0x03), 0);               expect(v, "CFGI_STE (not a TLBI)", {});

    // ===== range edges (TLBI_NH_VAA, vmid 1) =====
    auto range_case = [&](const char *name, unsigned tg, unsigned num, unsigned scale, uint64_t start,
                          uint64_t first, uint64_t last) {
        flush();
        Ent pre{EL1, S1, 1, 1, true, SZ4K, start - 1, 0x10};
        Ent fst{EL1, S1, 1, 1, true, SZ4K, first, 0x11};
        Ent lst{EL1, S1, 1, 1, true, SZ4K, last, 0x12};
        Ent past{EL1, S1, 1, 1, true, SZ4K, last + 1, 0x13};
        fill(pre); fill(fst); fill(lst); fill(past);
        inv(dw0(0x13, 1, 0, num, scale), dw1(start, tg, 0));
        bool ok = hits(pre) && !hits(fst) && !hits(lst) && hits(past);
        CHECK(ok, "range %s: before %d first %d last %d past %d", name, hits(pre), hits(fst), hits(lst), hits(past));
    };
    range_case("4K NUM=3", 1, 3, 0, 0x1000, 0x1000, 0x1003);
    range_case("4K NUM=1 SCALE=2", 1, 1, 2, 0x2000, 0x2000, 0x2007);
    range_case("16K NUM=0 SCALE=1", 2, 0, 1, 0x3000, 0x3000, 0x3007);
    range_case("64K NUM=2 SCALE=0", 3, 2, 0, 0x4000, 0x4000, 0x402f);
    range_case("4K NUM=31 SCALE=5", 1, 31, 5, 0x10000, 0x10000, 0x103ff);
    range_case("TG=0 single", 0, 0, 0, 0x5000, 0x5000, 0x5000);
    {
        // blocks overlapping a range partly
        flush();
        Ent b{EL1, S1, 1, 1, true, SZ2M, 0x600, 0x20};               // pages 0x600..0x7ff
        Ent b2{EL1, S1, 1, 1, true, SZ2M, 0x800, 0x21};              // pages 0x800..0x9ff
        Ent gig{EL1, S1, 1, 1, true, SZ1G, 0xC0000, 0x22};           // 1 GB
        fill(b); fill(b2); fill(gig);
        inv(dw0(0x13, 1, 0, 1, 0), dw1(0x7ff, 1, 0));               // pages 0x7ff, 0x800
        CHECK(!hits(b) && !hits(b2) && hits(gig), "range across two blocks hits both");
        fill(b); fill(b2);
        inv(dw0(0x13, 1, 0, 0, 0), dw1(0x7fe, 1, 3));               // page 0x7fe only (TTL 3)
        CHECK(!hits(b) && hits(b2), "one page inside a block hits the block only");
        inv(dw0(0x13, 1), dw1(0xC0000 + 0x3ffff));                  // last page of the 1 GB
        CHECK(!hits(gig), "TG=0 address at the last page of a 1 GB block");
        fill(gig);
        inv(dw0(0x13, 1), dw1(0xC0000 + 0x40000));                  // one past
        CHECK(hits(gig), "one past a 1 GB block");
        // the top of the address space: no wrap
        Ent top_pg{EL1, S1, 1, 1, true, SZ4K, 0xFFFFFFFFFFFull, 0x23};
        Ent low_pg{EL1, S1, 1, 1, true, SZ4K, 0x0, 0x24};
        fill(top_pg); fill(low_pg);
        inv(dw0(0x13, 1, 0, 31, 31), dw1(0xFFFFFFFFFFFull, 3, 0));
        CHECK(!hits(top_pg) && hits(low_pg), "huge range at the top does not wrap");
    }

    // ===== 16 KB and 64 KB granules: entries of their page and block sizes, and range
    // TLBIs in their granule (IHI 0070 4.4.1.1: (NUM + 1) * 2^SCALE granules from the
    // address), all through TLBI_NH_VAA of VMID 1 =====
    {
        auto pg = [&](int size, uint64_t page, uint64_t oa) {
            return Ent{EL1, S1, 1, 1, true, size, page, oa};
        };
        // 64 KB pages 0x4000 (page numbers, 16 per 64 KB) .. 0x4030; TG 64K, NUM 1: two
        // granules from 0x4010
        flush();
        Ent p0 = pg(SZ64K, 0x4000, 0x30), p1 = pg(SZ64K, 0x4010, 0x31), p2 = pg(SZ64K, 0x4020, 0x32),
            p3 = pg(SZ64K, 0x4030, 0x33);
        fill(p0); fill(p1); fill(p2); fill(p3);
        CHECK(look(EL1, S1, 1, 1, 0x401f) == 0x31 && look(EL1, S1, 1, 1, 0x4020) == 0x32,
              "64 KB entries: a lookup anywhere inside hits, the next page is the next entry");
        inv(dw0(0x13, 1, 0, 1, 0), dw1(0x4010, 3, 3));
        CHECK(hits(p0) && !hits(p1) && !hits(p2) && hits(p3), "64K range of 2 granules");
        // 16 KB pages, TG 16K, NUM 0, SCALE 2: 4 granules (16 pages) from 0x5004
        flush();
        Ent q0 = pg(SZ16K, 0x5000, 0x40), q1 = pg(SZ16K, 0x5004, 0x41), q2 = pg(SZ16K, 0x5010, 0x42),
            q3 = pg(SZ16K, 0x5014, 0x43);
        fill(q0); fill(q1); fill(q2); fill(q3);
        inv(dw0(0x13, 1, 0, 0, 2), dw1(0x5004, 2, 3));
        CHECK(hits(q0) && !hits(q1) && !hits(q2) && hits(q3), "16K range of 4 granules");
        // Blocks: 32 MB (8192 pages) and 512 MB (131072 pages); an address inside each
        flush();
        Ent b32 = pg(SZ32M, 0x6000, 0x50), b512 = pg(SZ512M, 0x20000, 0x51);
        fill(b32); fill(b512);
        CHECK(look(EL1, S1, 1, 1, 0x7fff) == 0x50 && look(EL1, S1, 1, 1, 0x8000) == ~0ull,
              "32 MB block spans 0x6000..0x7fff");
        CHECK(look(EL1, S1, 1, 1, 0x3ffff) == 0x51, "512 MB block spans 0x20000..0x3ffff");
        inv(dw0(0x13, 1), dw1(0x7ff0));                               // TG 0: one address
        CHECK(!hits(b32) && hits(b512), "an address inside a 32 MB block removes it");
        inv(dw0(0x13, 1, 0, 0, 0), dw1(0x3fff0, 3, 2));              // 64K granule at its end
        CHECK(!hits(b512), "a 64 KB range at the end of a 512 MB block removes it");
        // A 4 KB-granule range never reaches a 64 KB page it does not overlap ...
        flush();
        fill(p1);
        inv(dw0(0x13, 1, 0, 3, 0), dw1(0x4020, 1, 3));               // pages 0x4020..0x4023
        CHECK(hits(p1), "a range after a 64 KB page leaves it");
        // ... and removes one it overlaps, whatever TG says (TG only narrows the scope)
        inv(dw0(0x13, 1, 0, 0, 0), dw1(0x401f, 1, 3));
        CHECK(!hits(p1), "a 4 KB range on a 64 KB page's last 4 KB removes it");
        // No multi-hit: a 64 KB page over a 16 KB one, a 32 MB block over both
        flush();
        Ent small = pg(SZ16K, 0x4014, 0x60), big = pg(SZ64K, 0x4010, 0x61), blk = pg(SZ32M, 0x4000, 0x62);
        fill(small); fill(big);
        CHECK(look(EL1, S1, 1, 1, 0x4015) == 0x61 && !hits(small), "64 KB page replaces a 16 KB one");
        fill(blk);
        CHECK(look(EL1, S1, 1, 1, 0x4015) == 0x62 && !hits(big), "32 MB block replaces the 64 KB page");
    }

    // ===== randomized against the reference =====
    {
        std::mt19937_64 rng(12345);
        int bad = 0, checks = 0;
        for (int it = 0; it < 3000; it++) {
            flush();
            std::vector<Ent> v;
            int n = 1 + rng() % 16;
            for (int k = 0; k < n; k++) {
                Ent e;
                e.world = rng() % 3;
                e.stages = e.world == EL1 ? (int)(1 + rng() % 3) : (int)S1;
                e.vmid = rng() % 3; e.asid = rng() % 3; e.ng = rng() % 2;
                e.size = SIZES[rng() % 7];
                uint64_t region = (rng() % 2) ? 0x40000 : 0x80000;      // two 1 GB regions
                // mostly near the regions' start (overlaps), sometimes anywhere in them
                uint64_t off = (rng() % 4) ? rng() % 0x600 : rng() % 0x40000;
                e.page = (region + off) & ~(pages(e.size) - 1);
                e.oa = 0x1000 + (uint64_t)k;
                fill(e);
                v.push_back(e);
            }
            // The TLB replaced conflicting entries: keep only the last fill of each conflict
            std::vector<bool> live(v.size(), true);
            for (size_t i = 0; i < v.size(); i++)
                for (size_t j = i + 1; j < v.size(); j++) {
                    const Ent &x = v[i], &y = v[j];
                    bool gx = !x.ng || x.world == EL2 || x.stages == S2;
                    bool gy = !y.ng || y.world == EL2 || y.stages == S2;
                    uint64_t m = ~(std::max(pages(x.size), pages(y.size)) - 1);
                    if (x.world == y.world && x.stages == y.stages &&
                        (x.world != EL1 || x.vmid == y.vmid) && (gx || gy || x.asid == y.asid) &&
                        (x.page & m) == (y.page & m))
                        live[i] = false;
                }
            for (size_t i = 0; i < v.size(); i++) {
                if (hits(v[i]) != live[i]) { bad++; if (bad < 5) printf("  fill model mismatch it %d entry %zu\n", it, i); }
                checks++;
            }
            static const uint8_t ops[] = {0x10, 0x11, 0x12, 0x13, 0x20, 0x21, 0x22, 0x23, 0x28, 0x2a, 0x30};
            Cmd c;
            c.op = ops[rng() % 11]; c.vmid = rng() % 3; c.asid = rng() % 3;
            c.tg = rng() % 4; c.num = c.tg ? rng() % 32 : 0; c.scale = c.tg ? rng() % 8 : 0;
            c.page = ((rng() % 2) ? 0x40000 : 0x80000) + ((rng() % 4) ? rng() % 0x700 : rng() % 0x40000);
            c.e2h = rng() % 2;
            do_cmd(c);
            for (size_t i = 0; i < v.size(); i++) {
                if (!live[i]) continue;
                bool expect_hit = !ref_hit(v[i], c);
                if (hits(v[i]) != expect_hit) {
                    bad++;
                    if (bad < 10) printf("  it %d op %02x entry %zu: hit %d expected %d\n", it, c.op, i, !expect_hit, expect_hit);
                }
                checks++;
            }
        }
        CHECK(bad == 0, "randomized: %d mismatches in %d checks", bad, checks);
        printf("randomized: %d checks\n", checks);
    }

    printf("tlb: %d passed, %d failed\n", n_pass, n_fail);
    top->final();
    delete top;
    return n_fail ? 1 : 0;
}
