// Unit bench: smmu_desc_decode. Expectations hand-derived from the Arm ARM D8.3.
// Default build PA_W = 48; -DBENCH_PA_W=40 with -GPA_W=40 checks the OAS clamp.
#include "Vsmmu_desc_decode.h"
#include "verilated.h"
#include "unit_check.h"

#ifndef BENCH_PA_W
#define BENCH_PA_W 48
#endif

enum { K_INV = 0, K_TABLE = 1, K_BLOCK = 2, K_PAGE = 3 };
// leaf_size is log2 of the leaf's bytes (rtl/smmu_leaf.vh)
enum { SZ_4K = 12, SZ_2M = 21, SZ_1G = 30, SZ_16K = 14, SZ_32M = 25, SZ_64K = 16, SZ_512M = 29 };
enum { G4K = 0, G16K = 1, G64K = 2 };   // rtl/smmu_gran.vh
static Vsmmu_desc_decode *m;

static void run(uint64_t d, unsigned level, bool s2 = false, unsigned oa_bits = 48, uint64_t ia = 0,
                unsigned gran = G4K) {
    m->desc = d; m->level = level; m->stage2 = s2; m->oa_bits = oa_bits; m->ia = ia; m->gran = gran;
    m->eval();
}

int main(int argc, char **argv) {
    Verilated::commandArgs(argc, argv);
    m = new Vsmmu_desc_decode;
    const int PA = BENCH_PA_W;
    const uint64_t SW = 0xFull << 55;          // software bits [58:55]

    // ---------------- kinds per level (bits[1:0]: x0 invalid, 01 block at 1/2, 11 table/page)
    for (unsigned lv = 0; lv < 4; lv++) {
        run(0x0, lv); CHECK("00 invalid", m->kind, K_INV);
        run(0x2, lv); CHECK("10 invalid", m->kind, K_INV);
        run(0x1, lv); CHECK("01", m->kind, (lv == 1 || lv == 2) ? K_BLOCK : K_INV);
        run(0x3, lv); CHECK("11", m->kind, lv == 3 ? K_PAGE : K_TABLE);
        run(0x3, lv, true); CHECK("11 s2", m->kind, lv == 3 ? K_PAGE : K_TABLE);
        run(0x1, lv, true); CHECK("01 s2", m->kind, (lv == 1 || lv == 2) ? K_BLOCK : K_INV);
    }
    run(0xFFFFFFFFFFFFFFFCull, 1); CHECK("invalid with bits", m->kind, K_INV);
    CHECK("invalid no addr fault", m->addr_fault, 0);

    // ---------------- table: next address [47:12], hierarchical bits (stage 1 only)
    uint64_t t = 0x0000123456789003ull | SW | (1ull << 63) | (0x3ull << 61) | (1ull << 60) | (1ull << 59)
               | (0xFFull << 2);             // bits [11:2] of a table are IGNORED
    run(t, 0, false, 48);
    CHECK("table kind", m->kind, K_TABLE);
    CHECK("table next", m->next_table, 0x123456789000ull & ((1ull << PA) - 1));  // PA 40: truncated, and faults
    CHECK("table apt", m->ap_table, 3); CHECK("table pxnt", m->pxn_table, 1); CHECK("table uxnt", m->uxn_table, 1);
    CHECK("table addr fault", m->addr_fault, PA == 48 ? 0 : 1);            // 0x1234_5678_9000 needs 45 bits
    run(t, 2, true, 48);
    CHECK("s2 table apt", m->ap_table, 0); CHECK("s2 table pxnt", m->pxn_table, 0); CHECK("s2 table uxnt", m->uxn_table, 0);
    run(0x00000000ABCDE003ull | (1ull << 61), 1);
    CHECK("table apt 01", m->ap_table, 1); CHECK("table next small", m->next_table, 0xABCDE000ull);

    // ---------------- leaf output address with the input offset merged in
    // L1 block at 2 GB: OA[47:30] from the descriptor, IA[29:0]; nT (bit 16) and RES0 bits in
    // [29:12] are not address bits
    uint64_t b1 = 0x80000000ull | (1ull << 29) | (1ull << 16) | 0x701;
    run(b1, 1, false, 48, 0xFFFF12345678ull);
    CHECK("l1 kind", m->kind, K_BLOCK); CHECK("l1 size", m->leaf_size, SZ_1G);
    CHECK("l1 oa", m->oa, 0x80000000ull | (0xFFFF12345678ull & 0x3FFFFFFFull));
    CHECK("l1 fault", m->addr_fault, 0);
    // L2 block: OA[47:21], IA[20:0]
    uint64_t b2 = 0x0000001234400000ull | 0x1FF000ull | 0x401 | SW;
    run(b2, 2, false, 48, 0x0ABCDEF123456ull);
    CHECK("l2 kind", m->kind, K_BLOCK); CHECK("l2 size", m->leaf_size, SZ_2M);
    CHECK("l2 oa", m->oa, PA == 48 ? (0x1234400000ull | 0x123456ull) : ((0x1234400000ull | 0x123456ull) & 0xFFFFFFFFFFull));
    CHECK("l2 fault", m->addr_fault, 0);       // 0x12_3440_0000 < 2^37
    // L3 page: OA[47:12], IA[11:0]
    run(0x00007FFFFFFFF403ull | SW, 3, false, 48, 0x123ABCull);
    CHECK("page kind", m->kind, K_PAGE); CHECK("page size", m->leaf_size, SZ_4K);
    CHECK("page oa", m->oa, PA == 48 ? 0x7FFFFFFFFABCull : (0x7FFFFFFFFABCull & 0xFFFFFFFFFFull));
    CHECK("page fault", m->addr_fault, PA == 48 ? 0 : 1);

    // ---------------- address-size faults: address field bit at/above the limit
    run(0x0000010000000003ull, 0, false, 40); CHECK("tbl bit40 @40", m->addr_fault, 1);
    run(0x0000008000000003ull, 0, false, 40); CHECK("tbl bit39 @40", m->addr_fault, 0);
    run(0x0000008000000003ull, 3, false, 40); CHECK("page bit39 @40", m->addr_fault, 0);
    run(0x0000800000000001ull, 1, false, 40); CHECK("l1 bit47 @40", m->addr_fault, 1);
    run(0x0000800000000001ull, 1, false, 48); CHECK("l1 bit47 @48", m->addr_fault, PA == 48 ? 0 : 1);
    run(0x0000000080000001ull, 1, false, 32); CHECK("l1 bit31 @32", m->addr_fault, 0);
    run(0x0000000100000001ull, 1, false, 32); CHECK("l1 bit32 @32", m->addr_fault, 1);
    run(0x0000000080200001ull, 2, false, 32); CHECK("l2 bit31 @32", m->addr_fault, 0);
    run(0x0000000100000003ull, 3, true, 32);  CHECK("s2 page bit32 @32", m->addr_fault, 1);
    run(0x000F000000001003ull, 3, false, 32); CHECK("bits 51:48 ignored", m->addr_fault, 0);
    run(0x0000800000000003ull, 3, false, 52); CHECK("limit 52 -> OAS", m->addr_fault, PA == 48 ? 0 : 1);
    run(0x0000010000000003ull, 3, false, 44); CHECK("bit40 @44", m->addr_fault, PA == 48 ? 0 : 1);  // OAS clamp
    run(0x0000010000000000ull, 3, false, 32); CHECK("invalid never addr", m->addr_fault, 0);
    run(0x0000010000000001ull, 0, false, 32); CHECK("l0 block invalid no addr", m->addr_fault, 0);

    // ---------------- stage-1 leaf fields
    uint64_t l1 = (1ull << 54) | (1ull << 53) | (1ull << 52) | (1ull << 11) | (1ull << 10) | (3ull << 8)
                | (2ull << 6) | (1ull << 5) | (5ull << 2) | 0x3 | SW | (1ull << 51) | (1ull << 50);
    run(l1, 3);
    CHECK("s1 attrindx", m->attr_indx, 5); CHECK("s1 ap", m->ap, 2); CHECK("s1 sh", m->sh, 3);
    CHECK("s1 af", m->af, 1); CHECK("s1 ng", m->ng, 1); CHECK("s1 contig", m->contig, 1);
    CHECK("s1 pxn", m->pxn, 1); CHECK("s1 uxn", m->uxn, 1); CHECK("s1 fault", m->addr_fault, 0);
    run(0x403 | (1ull << 6), 3);
    CHECK("s1 ap 01", m->ap, 1); CHECK("s1 pxn0", m->pxn, 0); CHECK("s1 uxn0", m->uxn, 0); CHECK("s1 ng0", m->ng, 0);
    // ---------------- stage-2 leaf fields: MemAttr [5:2], S2AP [7:6], SH, AF, XN [54:53]
    uint64_t l2 = (2ull << 53) | (1ull << 10) | (2ull << 8) | (3ull << 6) | (0xFull << 2) | 0x1 | (0xFull << 60);
    run(l2 | 0x40000000ull, 1, true, 40, 0x3FFFFFFFull);
    CHECK("s2 kind", m->kind, K_BLOCK); CHECK("s2 memattr", m->s2_memattr, 0xF); CHECK("s2 s2ap", m->s2ap, 3);
    CHECK("s2 sh", m->sh, 2); CHECK("s2 af", m->af, 1); CHECK("s2 xn", m->s2xn, 2);
    CHECK("s2 oa", m->oa, 0x7FFFFFFFull); CHECK("s2 rsv63:60 no fault", m->addr_fault, 0);
    run((1ull << 53) | (1ull << 7) | (0x5ull << 2) | 0x3, 3, true);
    CHECK("s2 xn 01", m->s2xn, 1); CHECK("s2 s2ap 10", m->s2ap, 2); CHECK("s2 memattr 5", m->s2_memattr, 5);
    CHECK("s2 af0", m->af, 0);

    // ---------------- 16 KB and 64 KB granules (DS = 0, no 52-bit PA): 0b01 is a block at
    // level 2 only (32 MB / 512 MB), never at levels 0, 1, 3
    for (unsigned g = G16K; g <= G64K; g++)
        for (unsigned lv = 0; lv < 4; lv++) {
            run(0x1, lv, false, 48, 0, g); CHECK("g 01", m->kind, lv == 2 ? K_BLOCK : K_INV);
            run(0x1, lv, true, 48, 0, g);  CHECK("g 01 s2", m->kind, lv == 2 ? K_BLOCK : K_INV);
            run(0x3, lv, false, 48, 0, g); CHECK("g 11", m->kind, lv == 3 ? K_PAGE : K_TABLE);
        }
    // Tables: the next table is granule-aligned, address bits below the granule ignored
    run(0x0000123456789003ull | 0xF000, 1, false, 48, 0, G16K);
    CHECK("16k table next", m->next_table, 0x12345678C000ull & ((1ull << PA) - 1));
    run(0x0000123456789003ull | 0xF000, 2, true, 48, 0, G64K);
    CHECK("64k table next", m->next_table, 0x123456780000ull & ((1ull << PA) - 1));
    // 16 KB page: OA[47:14] | IA[13:0]; 32 MB block: OA[47:25] | IA[24:0]
    run(0x000000ABCDEF4003ull | 0x3000, 3, false, 48, 0x00FFFFFFFFFFFFull, G16K);
    CHECK("16k page kind", m->kind, K_PAGE); CHECK("16k page size", m->leaf_size, SZ_16K);
    CHECK("16k page oa", m->oa, 0xABCDEF4000ull | 0x3FFF);
    run(0x000000AB82000001ull | 0x1FFF000, 2, false, 48, 0x00FFFFFFFFFFFFull, G16K);
    CHECK("32m block kind", m->kind, K_BLOCK); CHECK("32m size", m->leaf_size, SZ_32M);
    CHECK("32m oa", m->oa, 0xAB82000000ull | 0x1FFFFFF);
    // 64 KB page: OA[47:16] | IA[15:0] (bits [15:12], PA[51:48] only with 52-bit PAs, are
    // not address bits); 512 MB block: OA[47:29] | IA[28:0]
    run(0x0000000987650003ull | 0xF000, 3, true, 48, 0x123456789ABCull, G64K);
    CHECK("64k page kind", m->kind, K_PAGE); CHECK("64k page size", m->leaf_size, SZ_64K);
    CHECK("64k page oa", m->oa, 0x987650000ull | 0x9ABC);
    run(0x0000000A60000001ull | 0x1FFFF000, 2, true, 48, 0x123456789ABCull, G64K);
    CHECK("512m block kind", m->kind, K_BLOCK); CHECK("512m size", m->leaf_size, SZ_512M);
    CHECK("512m oa", m->oa, 0xA60000000ull | (0x123456789ABCull & 0x1FFFFFFF));
    // Address size: bits below the granule never fault; the field itself does
    run(0x000000008000F003ull, 3, false, 32, 0, G64K); CHECK("64k low bits no fault", m->addr_fault, 0);
    run(0x0000000100000003ull, 3, false, 32, 0, G64K); CHECK("64k bit32 @32", m->addr_fault, 1);
    run(0x0000000100000001ull, 2, false, 32, 0, G16K); CHECK("32m bit32 @32", m->addr_fault, 1);
    run(0x0000000001FFF001ull, 2, false, 24, 0, G16K); CHECK("32m low bits @24", m->addr_fault, 0);

    delete m;
    return unit_report(PA == 48 ? "smmu_desc_decode" : "smmu_desc_decode(PA_W=40)");
}
