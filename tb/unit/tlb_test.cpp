// Unit bench of smmu_tlb (Verilator, default geometry: 256 entries, 64 sets x 4 ways):
// directed checks of lookup tagging, splintered blocks, fill without multi-hit, per-set
// replacement, the two-cycle fill (a fill of the set whose write is pending is dropped),
// every TLBI scope with range edges and the scan lengths; then a randomized run, fills
// back to back, against a reference model of the sets, the replacement, the dropped fills
// and the scopes. Prints
// "tlb: N passed, N failed". Debugging aids: TLB_DEEP=1 checks every entry after every
// fill; TLB_DBG=n prints iteration n's fills, sets and command.
#include "Vsmmu_tlb.h"
#include "verilated.h"
#include <cstdint>
#include <cstdio>
#include <cstdlib>
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

// The context's granule for fills and lookups (0 4 KB, 1 16 KB, 2 64 KB: smmu_gran.vh);
// 4 KB except in the granule section
static int cur_gran = 0;

// One cycle of fill_valid: the TLB chooses the way in it and writes the entry in the next
// cycle (a fill of the set whose write is then pending is dropped)
static void fill_cycle(const Ent &e) {
    top->fill_valid = 1;
    top->fill_gran = cur_gran;
    top->fill_world = e.world; top->fill_stages = e.stages;
    top->fill_vmid = e.vmid; top->fill_asid = e.asid; top->fill_page = e.page;
    uint32_t w[3]; leaf_of(e, w);
    for (int i = 0; i < 3; i++) top->fill_leaf[i] = w[i];
    step();
    top->fill_valid = 0;
}
// A fill and the cycle its write takes: the entry is visible after it
static void fill(const Ent &e) {
    fill_cycle(e);
    step();
}

// Combinational lookup; returns the OA of the hit (or ~0 on a miss)
static uint64_t look(int world, int stages, uint16_t vmid, uint16_t asid, uint64_t page) {
    top->lk_world = world; top->lk_stages = stages; top->lk_vmid = vmid;
    top->lk_asid = asid; top->lk_page = page; top->lk_gran = cur_gran;
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
        if (rdy || n > 200) break;
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

// ---------------- reference TLB: the sets, the replacement ----------------
enum { SETS = 64, WAYS = 4 };
static bool glb_of(const Ent &e) { return !e.ng || e.world == EL2 || e.stages == S2; }
static int set_of(int world, uint16_t vmid, uint64_t page) {
    return (int)((page ^ (world == EL1 ? vmid : 0)) & (SETS - 1));
}
static bool same_key(const Ent &x, const Ent &y) {
    return x.world == y.world && x.stages == y.stages && (x.world != EL1 || x.vmid == y.vmid) &&
           (glb_of(x) || glb_of(y) || x.asid == y.asid) && x.page == y.page;
}
struct RefTlb {
    bool v[SETS][WAYS] = {};
    Ent e[SETS][WAYS];
    int rr[SETS] = {};
    void clear() { for (auto &s : v) for (bool &b : s) b = false; }
    void fill(const Ent &n) {
        int s = set_of(n.world, n.vmid, n.page), way = -1, conf = -1, fr = -1;
        for (int w = 0; w < WAYS; w++) {
            if (v[s][w] && same_key(e[s][w], n) && conf < 0) conf = w;
            if (!v[s][w] && fr < 0) fr = w;
        }
        way = conf >= 0 ? conf : fr >= 0 ? fr : rr[s];
        if (conf < 0 && fr < 0) rr[s] = (rr[s] + 1) % WAYS;
        for (int w = 0; w < WAYS; w++)
            if (v[s][w] && same_key(e[s][w], n)) v[s][w] = false;
        v[s][way] = true;
        e[s][way] = n;
    }
    uint64_t look(int world, int stages, uint16_t vmid, uint16_t asid, uint64_t page) const {
        int s = set_of(world, vmid, page);
        for (int w = 0; w < WAYS; w++) {
            const Ent &x = e[s][w];
            if (v[s][w] && x.world == world && x.stages == stages &&
                (world != EL1 || x.vmid == vmid) && (glb_of(x) || x.asid == asid) && x.page == page)
                return x.oa;
        }
        return ~0ull;
    }
    void inv(const Cmd &c) {
        for (int s = 0; s < SETS; s++)
            for (int w = 0; w < WAYS; w++)
                if (v[s][w] && ref_hit(e[s][w], c)) v[s][w] = false;
    }
};

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
    CHECK(look(EL1, S1, 5, 99, 0x40033) == 0xB002 && look(EL1, S1, 5, 1, 0x40033) == 0xB002,
          "global 2 MB block: any ASID");
    CHECK(look(EL1, S1, 5, 1, 0x40000) == ~0ull && look(EL1, S1, 5, 1, 0x401ff) == ~0ull,
          "a block is kept for the 4 KB page that was walked (splintered)");
    Ent h2{EL2, S1, 9, 3, true, SZ4K, 0x777, 0xC003};           // EL2: always global
    fill(h2);
    CHECK(look(EL2, S1, 0, 0x55, 0x777) == 0xC003, "EL2 entry: no VMID, global");
    Ent s2{EL1, S2, 5, 1, true, SZ1G, 0x80000, 0xD004};          // stage 2: ASID-less
    fill(s2);
    CHECK(look(EL1, S2, 5, 0xffff, 0x80000) == 0xD004, "stage-2 entry: any ASID");

    // ===== no multi-hit on re-fill =====
    Ent a2 = a; a2.oa = 0xA0F0;
    fill(a2);
    CHECK(look(EL1, S1, 5, 7, a.page) == 0xA0F0, "re-fill replaces (no OR of two leaves)");
    Ent blk{EL1, S1, 5, 7, true, SZ2M, 0x12345, 0xE005};        // a block walked at a's page
    fill(blk);
    CHECK(look(EL1, S1, 5, 7, 0x12345) == 0xE005, "2 MB block walked for a 4 KB page's page replaces it");
    Ent pg{EL1, S1, 5, 7, true, SZ4K, 0x12345, 0xF006};          // the page again, 4 KB
    fill(pg);
    CHECK(look(EL1, S1, 5, 7, 0x12345) == 0xF006, "4 KB page replaces the block's entry of it");
    Ent ng5{EL1, S1, 5, 5, true, SZ4K, 0x500, 0x1111};
    Ent gl{EL1, S1, 5, 9, false, SZ4K, 0x500, 0x2222};
    fill(ng5); fill(gl);
    CHECK(look(EL1, S1, 5, 5, 0x500) == 0x2222, "global fill over an nG entry of the same page");
    Ent other{EL1, S1, 6, 5, true, SZ4K, 0x500, 0x3333};         // another VMID: coexists
    fill(other);
    CHECK(look(EL1, S1, 6, 5, 0x500) == 0x3333 && look(EL1, S1, 5, 5, 0x500) == 0x2222,
          "same page, other VMID coexists");

    // ===== granule pages: a 16 KB / 64 KB context keeps one entry per granule page =====
    flush();
    cur_gran = 2;
    Ent k64{EL1, S1, 3, 4, true, SZ64K, 0x5673, 0x7007};           // walked for 4 KB page 3
    fill(k64);
    int in64 = 0;
    for (uint64_t p = 0x5670; p < 0x5680; p++) in64 += look(EL1, S1, 3, 4, p) == 0x7007;
    CHECK(in64 == 16, "64 KB granule: every 4 KB page of the granule page hits (%d of 16)", in64);
    CHECK(look(EL1, S1, 3, 4, 0x5680) == ~0ull && look(EL1, S1, 3, 4, 0x566f) == ~0ull,
          "64 KB granule: the neighbouring granule pages miss");
    cur_gran = 0;
    CHECK(look(EL1, S1, 3, 4, 0x5673) == ~0ull, "a lookup with another granule misses");
    cur_gran = 1;
    Ent b16{EL1, S2, 3, 0, true, SZ32M, 0x9005, 0x8008};          // a 32 MB block, 16 KB
    fill(b16);
    CHECK(look(EL1, S2, 3, 0, 0x9004) == 0x8008 && look(EL1, S2, 3, 0, 0x9007) == 0x8008,
          "16 KB granule: the block's granule page that was walked hits");
    CHECK(look(EL1, S2, 3, 0, 0x9008) == ~0ull,
          "16 KB granule: the block's next granule page misses (splintered per granule page)");
    cur_gran = 2;
    std::vector<Ent> g64;
    for (int i = 0; i < 256; i++)
        g64.push_back({EL1, S1, 1, 1, true, SZ64K, (uint64_t)(0x100000 + 16 * i + (i & 15)),
                       (uint64_t)(0x400 + i)});
    for (auto &e : g64) fill(e);
    int held64 = 0;
    for (auto &e : g64) held64 += look(EL1, S1, 1, 1, e.page & ~15ull) == e.oa;
    CHECK(held64 == 256, "256 consecutive 64 KB pages all held: the set from the granule "
          "page number (%d)", held64);
    flush();
    fill(k64);
    inv(dw0(0x12, 3, 4), dw1(0x567a));
    CHECK(look(EL1, S1, 3, 4, 0x5670) == ~0ull, "TLBI_NH_VA of any 4 KB page inside removes "
          "the 64 KB entry");
    cur_gran = 0;

    // ===== capacity and replacement =====
    flush();
    std::vector<Ent> many;
    for (int i = 0; i < 256; i++) many.push_back({EL1, S1, 1, 1, true, SZ4K, (uint64_t)(0x1000 + i), (uint64_t)(0x100 + i)});
    for (auto &e : many) fill(e);
    int present = 0;
    for (auto &e : many) present += hits(e);
    CHECK(present == 256, "256 consecutive pages all held (%d)", present);
    flush();
    CHECK(!hits(many[5]), "flush");
    // one set (pages 64 apart): 4 ways, then round robin per set
    many.clear();
    for (int i = 0; i < 6; i++) many.push_back({EL1, S1, 1, 1, true, SZ4K, (uint64_t)(0x2000 + 64 * i), (uint64_t)(0x200 + i)});
    for (auto &e : many) fill(e);
    CHECK(!hits(many[0]) && !hits(many[1]) && hits(many[2]) && hits(many[3]) && hits(many[4]) &&
          hits(many[5]), "6 fills of one set: the two oldest evicted in turn");
    Ent vm2{EL1, S1, 2, 1, true, SZ4K, 0x2000, 0x2FF};            // same page, VMID 2: other set
    fill(vm2);
    CHECK(hits(vm2) && hits(many[2]) && hits(many[5]), "the VMID spreads a page over the sets");
    flush();

    // ===== back-to-back fills: a fill of the set whose write is pending is dropped =====
    {
        Ent p{EL1, S1, 3, 3, true, SZ4K, 0x1200, 0x7100};
        Ent q{EL1, S1, 3, 3, true, SZ4K, 0x1200 + SETS, 0x7200};    // same set, next page of it
        Ent r{EL1, S1, 3, 3, true, SZ4K, 0x1201, 0x7300};           // the next set
        fill_cycle(p); fill_cycle(q); step();
        CHECK(hits(p) && !hits(q), "a fill of the set whose write is pending is dropped");
        fill_cycle(q); fill_cycle(r); step();
        CHECK(hits(p) && hits(q) && hits(r), "back-to-back fills of different sets both land");
        fill_cycle(p); step(); step();
        CHECK(hits(p) && hits(q), "a fill after the pending write lands");
    }
    flush();

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
            {EL1, S2, 5, 0, true, SZ2M, 0x401, 7},     // 6 S2 vmid5 2 MB at 0x400, walked at 0x401
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
    CHECK(inv_cycles == 2 + SETS, "a scope scan takes 2 + 64 cycles (%d)", inv_cycles);
    v = setup(); inv(dw0(0x30), 0);
    CHECK(inv_cycles == 2, "NSNH_ALL takes 2 cycles (%d)", inv_cycles);
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
        uint64_t pages = last - first + 1;
        int want = 2 + (int)(pages < SETS ? pages : SETS);      // no block held: its sets only
        CHECK(inv_cycles == want, "range %s: %d cycles, expected %d", name, inv_cycles, want);
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
        CHECK(look(EL1, S1, 1, 1, 0x4010) == 0x31 && look(EL1, S1, 1, 1, 0x4020) == 0x32 &&
              look(EL1, S1, 1, 1, 0x401f) == ~0ull,
              "64 KB leaves: kept for the 4 KB page walked (another page of the leaf walks again)");
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
        CHECK(look(EL1, S1, 1, 1, 0x6000) == 0x50 && look(EL1, S1, 1, 1, 0x7fff) == ~0ull,
              "32 MB block: its walked page hits");
        CHECK(look(EL1, S1, 1, 1, 0x20000) == 0x51, "512 MB block: its walked page hits");
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
        // (the same 4 KB page walked each time, so the same entry)
        Ent small = pg(SZ16K, 0x4015, 0x60), big = pg(SZ64K, 0x4015, 0x61), blk = pg(SZ32M, 0x4015, 0x62);
        fill(small); fill(big);
        CHECK(look(EL1, S1, 1, 1, 0x4015) == 0x61, "64 KB page replaces a 16 KB one");
        fill(blk);
        CHECK(look(EL1, S1, 1, 1, 0x4015) == 0x62, "32 MB block replaces the 64 KB page");
        inv(dw0(0x13, 1), dw1(0x5fff));                               // the block's last page
        CHECK(look(EL1, S1, 1, 1, 0x4015) == ~0ull, "an address anywhere in the block removes its pages");
    }

    // ===== randomized against the reference =====
    {
        std::mt19937_64 rng(12345);
        int bad = 0, checks = 0;
        RefTlb ref;
        auto cmp = [&](int it, const char *when, int world, int stages, uint16_t vmid, uint16_t asid, uint64_t page) {
            uint64_t got = look(world, stages, vmid, asid, page);
            uint64_t want = ref.look(world, stages, vmid, asid, page);
            if (got != want) {
                bad++;
                if (bad < 10) printf("  it %d %s: w%d s%d vm%u as%u page %llx: got %llx want %llx\n", it, when,
                                     world, stages, vmid, asid, (unsigned long long)page,
                                     (unsigned long long)got, (unsigned long long)want);
            }
            checks++;
        };
        int dbg = getenv("TLB_DBG") ? atoi(getenv("TLB_DBG")) : -1;
        top->rst_n = 0; step(); top->rst_n = 1; step();   // the model's round robin starts at 0
        std::vector<Ent> all;                       // every fill since the last flush
        for (int it = 0; it < 3000; it++) {
            if (rng() % 4 == 0) { flush(); ref.clear(); all.clear(); }
            std::vector<Ent> v;
            int n = 1 + rng() % 24;
            // Fills back to back: the set of the previous cycle's accepted fill, whose write is
            // pending (-1: none); a fill of that set is dropped
            int pend = -1;
            for (int k = 0; k < n; k++) {
                Ent e;
                e.world = rng() % 3;
                e.stages = e.world == EL1 ? (int)(1 + rng() % 3) : (int)S1;
                e.vmid = rng() % 3; e.asid = rng() % 3; e.ng = rng() % 2;
                e.size = SIZES[rng() % 7];
                uint64_t region = (rng() % 2) ? 0x40000 : 0x80000;      // two 1 GB regions
                // a block is kept for the page walked: any page of it, often the same few
                e.page = region + (rng() % 2 ? (rng() % 0x600) : 64 * (rng() % 8));
                e.oa = 0x1000 + (uint64_t)(it * 32 + k);
                if (it == dbg) {
                    int ss = set_of(e.world, e.vmid, e.page);
                    printf("  set %d rr %d:", ss, ref.rr[ss]);
                    for (int w = 0; w < WAYS; w++)
                        printf(" [%d %llx]", ref.v[ss][w], (unsigned long long)ref.e[ss][w].oa);
                    printf("\n");
                }
                fill_cycle(e);
                int fs = set_of(e.world, e.vmid, e.page);
                if (fs == pend) {
                    pend = -1;
                } else {
                    ref.fill(e);
                    pend = fs;
                }
                v.push_back(e);
                all.push_back(e);
                if (getenv("TLB_DEEP")) {
                    step();                         // the write lands; nothing pending
                    pend = -1;
                    for (auto &x : all) cmp(it, "deep", x.world, x.stages, x.vmid, x.asid, x.page);
                }
                if (it == dbg) printf("  fill w%d s%d vm%u as%u ng%d sz%d page %llx oa %llx\n", e.world, e.stages,
                                      e.vmid, e.asid, e.ng, e.size, (unsigned long long)e.page, (unsigned long long)e.oa);
            }
            step();                                 // the last fill's write
            for (auto &e : v) {
                cmp(it, "after fills", e.world, e.stages, e.vmid, e.asid, e.page);
                cmp(it, "other asid", e.world, e.stages, e.vmid, (uint16_t)((e.asid + 1) % 3), e.page);
            }
            static const uint8_t ops[] = {0x10, 0x11, 0x12, 0x13, 0x20, 0x21, 0x22, 0x23, 0x28, 0x2a, 0x30};
            Cmd c;
            c.op = ops[rng() % 11]; c.vmid = rng() % 3; c.asid = rng() % 3;
            c.tg = rng() % 4; c.num = c.tg ? rng() % 32 : 0; c.scale = c.tg ? rng() % 8 : 0;
            c.page = ((rng() % 2) ? 0x40000 : 0x80000) + ((rng() % 4) ? rng() % 0x700 : rng() % 0x40000);
            c.e2h = rng() % 2;
            do_cmd(c);
            ref.inv(c);
            if (it == dbg) printf("  cmd op %02x vm%u as%u tg%u num%u scale%u page %llx e2h %d\n", c.op, c.vmid,
                                  c.asid, c.tg, c.num, c.scale, (unsigned long long)c.page, c.e2h);
            for (auto &e : all)                     // stale survivors and wrong removals
                cmp(it, "after the command", e.world, e.stages, e.vmid, e.asid, e.page);
        }
        CHECK(bad == 0, "randomized: %d mismatches in %d checks", bad, checks);
        printf("randomized: %d checks\n", checks);
    }

    printf("tlb: %d passed, %d failed\n", n_pass, n_fail);
    top->final();
    delete top;
    return n_fail ? 1 : 0;
}
