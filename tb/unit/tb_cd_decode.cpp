// Unit bench: smmu_cd_decode. Field positions come from the generated C header; every
// expectation is hand-derived from IHI 0070 5.4 (CdIllegal()) and Arm ARM D8.2-D8.4.
// Default build: PA_W = 48; -DBENCH_PA_W=40 with -GPA_W=40 checks the IPS cap;
// -DBENCH_GRAN=0 with -GGRAN16K=0 -GGRAN64K=0 checks that TGx naming those is C_BAD_CD.
#include "Vsmmu_cd_decode.h"
#include "verilated.h"
#include "unit_check.h"

#ifndef BENCH_PA_W
#define BENCH_PA_W 48
#endif
#ifndef BENCH_GRAN
#define BENCH_GRAN 1   // 16 KB and 64 KB granules built in (GRAN16K = GRAN64K = 1)
#endif

enum { W_EL1 = 0, W_EL2 = 1, W_E2H = 2 };
enum { G4K = 0, G16K = 1, G64K = 2 };   // rtl/smmu_gran.vh
static Vsmmu_cd_decode *m;
typedef Image<16> Cd;

static void run(const Cd &c, int world = W_EL1) {
    c.to(m->cd);
    m->world = world;
    m->eval();
}
static bool bad(const Cd &c, int world = W_EL1) { run(c, world); return m->cd_bad; }

// Valid CD the way Linux writes one: TTB0 only (EPD1 = 1), 48-bit VA, 4 KB, IPS 40 bits
static Cd base() {
    Cd c;
    c.set(FLD(CD_T0SZ), 16);
    c.set(FLD(CD_TG0), 0);
    c.set(FLD(CD_IR0), 1);
    c.set(FLD(CD_OR0), 3);
    c.set(FLD(CD_SH0), 3);
    c.set(FLD(CD_EPD1), 1);
    c.set(FLD(CD_V), 1);
    c.set(FLD(CD_IPS), 2);
    c.set(FLD(CD_WXN), 1);
    c.set(FLD(CD_TBI0), 1);
    c.set(FLD(CD_PAN), 1);
    c.set(FLD(CD_AA64), 1);
    c.set(FLD(CD_R), 1);
    c.set(FLD(CD_A), 1);
    c.set(FLD(CD_ASID), 0xBEEF);
    c.set(FLD(CD_HAD0), 1);
    c.set(FLD(CD_TTB0), 0x40000000ull >> 4);
    c.set(FLD(CD_MAIR), 0x0011223344556677ull);
    return c;
}
// Both halves on: TTB1 with T1SZ 25 and TG1 = 0b10 (4 KB in TG1's encoding)
static Cd base2() {
    Cd c = base();
    c.set(FLD(CD_EPD1), 0);
    c.set(FLD(CD_T1SZ), 25);
    c.set(FLD(CD_TG1), 2);
    c.set(FLD(CD_IR1), 2);
    c.set(FLD(CD_OR1), 1);
    c.set(FLD(CD_SH1), 2);
    c.set(FLD(CD_TBI1), 1);
    c.set(FLD(CD_HAD1), 1);
    c.set(FLD(CD_TTB1), 0x50000000ull >> 4);
    return c;
}

// Start level and TTB alignment for T0SZ with TG0 (00 4 KB, 01 64 KB, 10 16 KB)
static void geo(unsigned tsz, uint64_t ttb, unsigned exp_sl, unsigned exp_bits, uint64_t exp_ttb,
                unsigned tg0 = 0) {
    Cd c = base();
    c.set(FLD(CD_T0SZ), tsz);
    c.set(FLD(CD_TG0), tg0);
    c.set(FLD(CD_TTB0), ttb >> 4);
    run(c);
    CHECK("geo bad", m->cd_bad, 0);
    CHECK("geo tg", m->t0_tg, tg0 == 1 ? G64K : tg0 == 2 ? G16K : G4K);
    CHECK("geo sl", m->t0_sl, exp_sl);
    CHECK("geo bits", m->t0_sl_bits, exp_bits);
    CHECK("geo ttb", m->ttb0, exp_ttb);
}

int main(int argc, char **argv) {
    Verilated::commandArgs(argc, argv);
    m = new Vsmmu_cd_decode;
    const int PA = BENCH_PA_W;

    // ---------------- baseline decodes
    Cd c = base();
    run(c);
    CHECK("base bad", m->cd_bad, 0);
    CHECK("t0_en", m->t0_en, 1);
    CHECK("t1_en", m->t1_en, 0);
    CHECK("t0_sz", m->t0_sz, 16);
    CHECK("t0_sl", m->t0_sl, 0);               // 16..24 -> level 0
    CHECK("t0_sl_bits", m->t0_sl_bits, 9);     // VA[47:39]
    CHECK("ttb0", m->ttb0, 0x40000000ull);
    CHECK("ir0", m->ir0, 1); CHECK("or0", m->or0, 3); CHECK("sh0", m->sh0, 3);
    CHECK("tbi0", m->tbi0, 1); CHECK("had0", m->had0, 1);
    CHECK("ips", m->ips_bits, 40);
    CHECK("affd", m->affd, 0); CHECK("wxn", m->wxn, 1); CHECK("pan", m->pan, 1); CHECK("r", m->r, 1);
    CHECK("asid", m->asid, 0xBEEF);
    CHECK("mair", m->mair, 0x0011223344556677ull);
    c = base2(); run(c);
    CHECK("2h bad", m->cd_bad, 0); CHECK("2h t1_en", m->t1_en, 1);
    CHECK("t1_sz", m->t1_sz, 25); CHECK("t1_sl", m->t1_sl, 1); CHECK("t1_bits", m->t1_sl_bits, 9);
    CHECK("ttb1", m->ttb1, 0x50000000ull);
    CHECK("ir1", m->ir1, 2); CHECK("or1", m->or1, 1); CHECK("sh1", m->sh1, 2);
    CHECK("tbi1", m->tbi1, 1); CHECK("had1", m->had1, 1);
    // IPS capped to the OAS; 0b111 behaves as 52 bits, also capped
    c = base(); c.set(FLD(CD_IPS), 5); run(c); CHECK("ips 48", m->ips_bits, PA < 48 ? PA : 48);
    c = base(); c.set(FLD(CD_IPS), 7); run(c); CHECK("ips 7 cap", m->ips_bits, PA < 48 ? PA : 48);
    c = base(); c.set(FLD(CD_IPS), 0); run(c); CHECK("ips 32", m->ips_bits, 32);
    c = base(); c.set(FLD(CD_IPS), 3); run(c); CHECK("ips 42", m->ips_bits, PA < 42 ? PA : 42);
    c = base(); c.set(FLD(CD_ASID), 0xFF00); CHECK("asid16 ok", bad(c), 0);

    // ---------------- start levels and TTB alignment (table size 2^(bits + 3) bytes)
    geo(24, 0x40000010ull, 0, 1, 0x40000010ull);   // 40-bit VA: L0 resolves VA[39], 16 B table
    geo(25, 0x40000FF0ull, 1, 9, 0x40000000ull);   // 39-bit: L1, 4 KB table
    geo(33, 0x40000FF0ull, 1, 1, 0x40000FF0ull);   // 31-bit: L1 resolves VA[30]
    geo(34, 0x40000FF0ull, 2, 9, 0x40000000ull);   // 30-bit: L2, 4 KB
    geo(39, 0x400000F0ull, 2, 4, 0x40000080ull);   // 25-bit: L2 resolves VA[24:21], 128 B

    // ---------------- C_BAD_CD: one rule per flip from the valid baseline
    c = base(); c.set(FLD(CD_V), 0);     CHECK("V=0", bad(c), 1);
    c = base(); c.set(FLD(CD_AA64), 0);  CHECK("AA64=0", bad(c), 1);
    c = base(); c.set(FLD(CD_ENDI), 1);  CHECK("ENDI=1", bad(c), 1);
    c = base(); c.set(FLD(CD_A), 0);     CHECK("A=0", bad(c), 1);
    c = base(); c.set(FLD(CD_S), 1);     CHECK("S=1", bad(c), 1);
    c = base(); c.set(FLD(CD_HA), 1);    CHECK("HA=1", bad(c), 1);
    c = base(); c.set(FLD(CD_HD), 1);    CHECK("HD=1", bad(c), 1);
    c = base(); c.set(FLD(CD_T0SZ), 15); CHECK("T0SZ=15", bad(c), 1);
    c = base(); c.set(FLD(CD_T0SZ), 40); CHECK("T0SZ=40", bad(c), 1);
    c = base(); c.set(FLD(CD_T0SZ), 39); CHECK("T0SZ=39 ok", bad(c), 0);
    c = base(); c.set(FLD(CD_TG0), 1);   CHECK("TG0=64K", bad(c), !BENCH_GRAN);
    c = base(); c.set(FLD(CD_TG0), 2);   CHECK("TG0=16K", bad(c), !BENCH_GRAN);
    c = base(); c.set(FLD(CD_TG0), 3);   CHECK("TG0=rsv", bad(c), 1);
    // TxSZ 16..39 whatever the granule (IDR5.VAX = 0, no STT)
    for (unsigned tg = 1; tg <= 2 && BENCH_GRAN; tg++) {
        c = base(); c.set(FLD(CD_TG0), tg); c.set(FLD(CD_T0SZ), 15); CHECK("g T0SZ=15", bad(c), 1);
        c = base(); c.set(FLD(CD_TG0), tg); c.set(FLD(CD_T0SZ), 40); CHECK("g T0SZ=40", bad(c), 1);
        c = base(); c.set(FLD(CD_TG0), tg); c.set(FLD(CD_T0SZ), 39); CHECK("g T0SZ=39", bad(c), 0);
    }
    // TTB0 beyond the effective IPS (40 bits) / beyond 48 bits
    c = base(); c.set(FLD(CD_TTB0), (1ull << 40) >> 4); CHECK("TTB0>=2^IPS", bad(c), 1);
    c = base(); c.set(FLD(CD_TTB0), (1ull << 39) >> 4); CHECK("TTB0<2^IPS", bad(c), 0);
    c = base(); c.set(FLD(CD_IPS), 6); c.set(FLD(CD_TTB0), (1ull << 48) >> 4); CHECK("TTB0>=2^48", bad(c), 1);
    c = base(); c.set(FLD(CD_IPS), 0); c.set(FLD(CD_TTB0), (1ull << 32) >> 4); CHECK("TTB0>=2^32", bad(c), 1);
    if (PA == 40) {   // IPS 48 capped to the 40-bit OAS
        c = base(); c.set(FLD(CD_IPS), 5); c.set(FLD(CD_TTB0), (1ull << 40) >> 4); CHECK("TTB0>=2^OAS", bad(c), 1);
    }
    // TTB1 rules (TG1 has its own encoding: 01 16K, 10 4K, 11 64K, 00 reserved)
    c = base2(); c.set(FLD(CD_TG1), 0);   CHECK("TG1=rsv", bad(c), 1);
    c = base2(); c.set(FLD(CD_TG1), 1);   CHECK("TG1=16K", bad(c), !BENCH_GRAN);
    c = base2(); c.set(FLD(CD_TG1), 3);   CHECK("TG1=64K", bad(c), !BENCH_GRAN);
    if (BENCH_GRAN) {
        c = base2(); c.set(FLD(CD_TG1), 1); run(c); CHECK("TG1 01 = 16K", m->t1_tg, G16K);
        CHECK("TG1 16K T1SZ 25: L1", m->t1_sl, 1); CHECK("TG1 16K bits", m->t1_sl_bits, 3);
        c = base2(); c.set(FLD(CD_TG1), 3); run(c); CHECK("TG1 11 = 64K", m->t1_tg, G64K);
        CHECK("TG1 64K T1SZ 25: L2", m->t1_sl, 2); CHECK("TG1 64K bits", m->t1_sl_bits, 10);
        c = base2(); c.set(FLD(CD_TG1), 2); run(c); CHECK("TG1 10 = 4K", m->t1_tg, G4K);
    }
    c = base2(); c.set(FLD(CD_T1SZ), 15); CHECK("T1SZ=15", bad(c), 1);
    c = base2(); c.set(FLD(CD_T1SZ), 40); CHECK("T1SZ=40", bad(c), 1);
    c = base2(); c.set(FLD(CD_TTB1), (1ull << 40) >> 4); CHECK("TTB1>=2^IPS", bad(c), 1);
    c = base2(); c.set(FLD(CD_IPS), 6); c.set(FLD(CD_TTB1), (1ull << 49) >> 4); CHECK("TTB1>=2^48", bad(c), 1);
    // Fields of a disabled half are not checked
    c = base(); c.set(FLD(CD_T1SZ), 0); c.set(FLD(CD_TG1), 0); c.set(FLD(CD_TTB1), (1ull << 50) >> 4);
    CHECK("EPD1 hides TTB1", bad(c), 0);
    c = base2(); c.set(FLD(CD_EPD0), 1); c.set(FLD(CD_T0SZ), 0); c.set(FLD(CD_TG0), 3);
    c.set(FLD(CD_TTB0), (1ull << 50) >> 4);
    run(c); CHECK("EPD0 hides TTB0", m->cd_bad, 0); CHECK("EPD0 t0_en", m->t0_en, 0);
    // ENDI is IGNORED when both halves are disabled (EL1 / E2H only)
    c = base(); c.set(FLD(CD_EPD0), 1); c.set(FLD(CD_ENDI), 1); CHECK("ENDI both off", bad(c), 0);
    CHECK("ENDI both off e2h", bad(c, W_E2H), 0);

    // ---------------- StreamWorld
    // EL2: EPD0 acts as 0, no TTB1 (its fields RES0, unchecked), PAN/TBI1/HAD1 inert
    c = base2(); c.set(FLD(CD_EPD0), 1); c.set(FLD(CD_TG1), 0); run(c, W_EL2);
    CHECK("el2 bad", m->cd_bad, 0); CHECK("el2 t0_en", m->t0_en, 1); CHECK("el2 t1_en", m->t1_en, 0);
    CHECK("el2 pan", m->pan, 0); CHECK("el2 tbi1", m->tbi1, 0); CHECK("el2 had1", m->had1, 0);
    c = base(); c.set(FLD(CD_EPD0), 1); c.set(FLD(CD_T0SZ), 15); CHECK("el2 EPD0 ignored", bad(c, W_EL2), 1);
    c = base(); c.set(FLD(CD_EPD0), 1); c.set(FLD(CD_ENDI), 1); CHECK("el2 ENDI", bad(c, W_EL2), 1);
    // EL2-E2H: two halves, EPDx honoured, PAN applies
    c = base2(); c.set(FLD(CD_EPD0), 1); run(c, W_E2H);
    CHECK("e2h bad", m->cd_bad, 0); CHECK("e2h t0_en", m->t0_en, 0); CHECK("e2h t1_en", m->t1_en, 1);
    CHECK("e2h pan", m->pan, 1); CHECK("e2h tbi1", m->tbi1, 1);
    c = base2(); c.set(FLD(CD_TG1), 0); CHECK("e2h TG1", bad(c, W_E2H), 1);

    // ---------------- 16 KB and 64 KB stage-1 geometry (Arm ARM AArch64.S1StartLevel):
    // ceil((64 - TxSZ - g) / (g - 3)) levels; the start table 2^(bits + 3) bytes, aligned
    if (BENCH_GRAN) {
        geo(16, 0x40000018ull, 0, 1, 0x40000010ull, 2);   // 16K 48-bit: L0 resolves VA[47], 16 B
        geo(17, 0x40003FF0ull, 1, 11, 0x40000000ull, 2);  // 47-bit: L1 VA[46:36], 16 KB table
        geo(27, 0x40000FF0ull, 1, 1, 0x40000FF0ull, 2);   // 37-bit: L1 resolves VA[36]
        geo(28, 0x40003FF0ull, 2, 11, 0x40000000ull, 2);  // 36-bit: L2 VA[35:25]
        geo(38, 0x40000FF0ull, 2, 1, 0x40000FF0ull, 2);   // 26-bit: L2 VA[25]
        geo(39, 0x40003FF0ull, 3, 11, 0x40000000ull, 2);  // 25-bit: level 3 only
        geo(16, 0x400001F0ull, 1, 6, 0x40000000ull, 1);   // 64K 48-bit: L1 VA[47:42], 512 B
        geo(21, 0x40000FF0ull, 1, 1, 0x40000FF0ull, 1);   // 43-bit: L1 VA[42]
        geo(22, 0x4000FFF0ull, 2, 13, 0x40000000ull, 1);  // 42-bit: L2 VA[41:29], 64 KB table
        geo(34, 0x40000FF0ull, 2, 1, 0x40000FF0ull, 1);   // 30-bit: L2 VA[29]
        geo(35, 0x4000FFF0ull, 3, 13, 0x40000000ull, 1);  // 29-bit: level 3 VA[28:16]
        geo(39, 0x4000FFF0ull, 3, 9, 0x4000F000ull, 1);   // 25-bit: level 3 VA[24:16], 4 KB
    }

    delete m;
    return unit_report(BENCH_GRAN == 0 ? "smmu_cd_decode(GRAN16K=GRAN64K=0)" :
                       PA == 48 ? "smmu_cd_decode" : "smmu_cd_decode(PA_W=40)");
}
