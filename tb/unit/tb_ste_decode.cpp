// Unit bench: smmu_ste_decode. Field positions come from the generated C header; every
// expectation is hand-derived from IHI 0070 5.2 (SteIllegal()) and Arm ARM D8.2-D8.4.
// Default build: PA_W = 48; -DBENCH_PA_W=40 with -GPA_W=40 checks the OAS-dependent rules;
// -DBENCH_GRAN=0 with -GGRAN16K=0 -GGRAN64K=0 checks that S2TG naming those is C_BAD_STE.
#include "Vsmmu_ste_decode.h"
#include "verilated.h"
#include "unit_check.h"

#ifndef BENCH_PA_W
#define BENCH_PA_W 48
#endif
#ifndef BENCH_GRAN
#define BENCH_GRAN 1   // 16 KB and 64 KB granules built in (GRAN16K = GRAN64K = 1)
#endif
enum { G4K = 0, G16K = 1, G64K = 2 };   // rtl/smmu_gran.vh

static Vsmmu_ste_decode *m;
typedef Image<16> Ste;

static void run(const Ste &s, int e2h = 0) {
    s.to(m->ste);
    m->cr2_e2h = e2h;
    m->eval();
}

// Valid stage-2-only STE: 40-bit IPA (S2T0SZ 24) from level 1 (S2SL0 1): level 1 resolves
// IPA[38:30], so IPA[39:30] indexes two concatenated tables (Arm ARM D8.2-D8.4 example); S2PS 40 bits.
static Ste s2_base() {
    Ste s;
    s.set(FLD(STE_V), 1);
    s.set(FLD(STE_CONFIG), 6);
    s.set(FLD(STE_S2VMID), 0x1234);
    s.set(FLD(STE_S2T0SZ), 24);
    s.set(FLD(STE_S2SL0), 1);
    s.set(FLD(STE_S2IR0), 1);
    s.set(FLD(STE_S2OR0), 3);
    s.set(FLD(STE_S2SH0), 3);
    s.set(FLD(STE_S2TG), 0);
    s.set(FLD(STE_S2PS), 2);
    s.set(FLD(STE_S2AA64), 1);
    s.set(FLD(STE_S2R), 1);
    s.set(FLD(STE_S2TTB), 0x80002000ull >> 4);   // 8 KB aligned: two 4 KB tables
    return s;
}

// Valid stage-1-only STE (CD at a PA)
static Ste s1_base() {
    Ste s;
    s.set(FLD(STE_V), 1);
    s.set(FLD(STE_CONFIG), 5);
    s.set(FLD(STE_S1CONTEXTPTR), 0x12345640ull >> 6);
    s.set(FLD(STE_S1CIR), 1);
    s.set(FLD(STE_S1COR), 2);
    s.set(FLD(STE_S1CSH), 3);
    return s;
}

static bool bad(const Ste &s, int e2h = 0) { run(s, e2h); return m->ste_bad; }

// S2 geometry for a given S2T0SZ/S2SL0 (with the base's other fields) and granule S2TG
static void geo(unsigned t0sz, unsigned sl0, uint64_t ttb, int exp_bad, unsigned exp_sl = 0,
                unsigned exp_bits = 0, unsigned exp_cat = 0, uint64_t exp_ttb = 0,
                unsigned s2tg = 0) {
    Ste s = s2_base();
    s.set(FLD(STE_S2TG), s2tg);
    s.set(FLD(STE_S2T0SZ), t0sz);
    s.set(FLD(STE_S2SL0), sl0);
    s.set(FLD(STE_S2PS), 5);
    s.set(FLD(STE_S2TTB), ttb >> 4);
    run(s);
    CHECK("geo bad", m->ste_bad, exp_bad);
    if (!exp_bad) {
        CHECK("geo ias", m->s2_ias, 64 - t0sz);
        CHECK("geo tg", m->s2_tg, s2tg == 1 ? G64K : s2tg == 2 ? G16K : G4K);
        CHECK("geo sl", m->s2_sl, exp_sl);
        CHECK("geo sl_bits", m->s2_sl_bits, exp_bits);
        CHECK("geo concat", m->s2_concat_log2, exp_cat);
        CHECK("geo ttb", m->s2_ttb, exp_ttb);
    }
}

int main(int argc, char **argv) {
    Verilated::commandArgs(argc, argv);
    m = new Vsmmu_ste_decode;
    const int PA = BENCH_PA_W;

    // ---------------- baseline stage-2-only STE decodes
    Ste s = s2_base();
    run(s);
    CHECK("s2 base bad", m->ste_bad, 0);
    CHECK("s2 cfg", m->cfg, 6);
    CHECK("s2 s1_en", m->s1_en, 0);
    CHECK("s2 s2_en", m->s2_en, 1);
    CHECK("s2 world", m->world, 0);            // stage 2 on: NS-EL1
    CHECK("s2 vmid", m->vmid, 0x1234);
    CHECK("s2 t0sz", m->s2_t0sz, 24);
    CHECK("s2 ias", m->s2_ias, 40);
    CHECK("s2 sl", m->s2_sl, 1);               // SL0 1 -> level 1
    CHECK("s2 sl_bits", m->s2_sl_bits, 10);    // IPA[39:30]
    CHECK("s2 concat", m->s2_concat_log2, 1);  // 2 tables
    CHECK("s2 ttb", m->s2_ttb, 0x80002000ull);
    CHECK("s2 ps", m->s2_ps_bits, 40);         // S2PS 2 = 40 bits <= OAS
    CHECK("s2 ir0", m->s2ir0, 1);
    CHECK("s2 or0", m->s2or0, 3);
    CHECK("s2 sh0", m->s2sh0, 3);
    CHECK("s2 r", m->s2r, 1);
    CHECK("s2 affd", m->s2affd, 0);
    CHECK("s2 ptw", m->s2ptw, 0);
    CHECK("s2 fwb", m->s2fwb, 0);
    s.set(FLD(STE_S2AFFD), 1); s.set(FLD(STE_S2PTW), 1); s.set(FLD(STE_S2FWB), 1);
    s.set(FLD(STE_S2VMID), 0xFF00);            // VMID16: upper bits legal
    run(s);
    CHECK("s2 affd1", m->s2affd, 1);
    CHECK("s2 ptw1", m->s2ptw, 1);
    CHECK("s2 fwb1", m->s2fwb, 1);
    CHECK("s2 vmid16 ok", m->ste_bad, 0);
    // TTB bits below the 8 KB start-table size are treated as 0
    s = s2_base(); s.set(FLD(STE_S2TTB), 0x80003FF0ull >> 4); run(s);
    CHECK("s2 ttb align", m->s2_ttb, 0x80002000ull);

    // ---------------- C_BAD_STE: one rule per flip from the valid baseline
    s = s2_base(); s.set(FLD(STE_V), 0);       CHECK("V=0", bad(s), 1);
    s = s2_base(); s.set(FLD(STE_S2AA64), 0);  CHECK("S2AA64=0", bad(s), 1);
    s = s2_base(); s.set(FLD(STE_S2ENDI), 1);  CHECK("S2ENDI=1", bad(s), 1);
    s = s2_base(); s.set(FLD(STE_S2S), 1);     CHECK("S2S=1", bad(s), 1);
    s = s2_base(); s.set(FLD(STE_S2HA), 1);    CHECK("S2HA=1", bad(s), 1);
    s = s2_base(); s.set(FLD(STE_S2HD), 1);    CHECK("S2HD=1", bad(s), 1);
    // the base's 40-bit IPA from SL0 1 is legal with every granule: 4 KB level 1
    // (10 bits), 64 KB level 2 (11 bits), 16 KB level 2 (15 bits, 16 tables)
    s = s2_base(); s.set(FLD(STE_S2TG), 1);    CHECK("S2TG=64K", bad(s), !BENCH_GRAN);
    s = s2_base(); s.set(FLD(STE_S2TG), 2);    CHECK("S2TG=16K", bad(s), !BENCH_GRAN);
    s = s2_base(); s.set(FLD(STE_S2TG), 3);    CHECK("S2TG=rsv", bad(s), 1);
    s = s2_base(); s.set(FLD(STE_S2SL0), 3);   CHECK("S2SL0=3 (no STT)", bad(s), 1);
    s = s2_base(); s.set(FLD(STE_S2T0SZ), 40); s.set(FLD(STE_S2SL0), 0);
    CHECK("S2T0SZ=40", bad(s), 1);             // > 39 without STT (SL0 0 would fit otherwise)
    s = s2_base(); s.set(FLD(STE_S2T0SZ), 15); s.set(FLD(STE_S2SL0), 2);
    CHECK("S2T0SZ=15", bad(s), 1);             // < 16
    // S2TTB beyond the effective S2PS (40 bits): bit 40 set
    s = s2_base(); s.set(FLD(STE_S2TTB), (1ull << 40 | 0x2000) >> 4); CHECK("S2TTB>=2^S2PS", bad(s), 1);
    s = s2_base(); s.set(FLD(STE_S2TTB), (1ull << 39 | 0x2000) >> 4); CHECK("S2TTB<2^S2PS", bad(s), 0);
    // S2TTB beyond 48 bits: bit 48 (field covers [51:4])
    s = s2_base(); s.set(FLD(STE_S2PS), 7); s.set(FLD(STE_S2TTB), (1ull << 48 | 0x2000) >> 4);
    CHECK("S2TTB>=2^48", bad(s), 1);
    // S2PS 32 bits with a TTB at 4 GB
    s = s2_base(); s.set(FLD(STE_S2PS), 0); s.set(FLD(STE_S2TTB), 0x100002000ull >> 4);
    CHECK("S2TTB>=2^32", bad(s), 1);
    s = s2_base(); s.set(FLD(STE_S2PS), 0); run(s);
    CHECK("S2PS=32 ok", m->ste_bad, 0); CHECK("S2PS=32 bits", m->s2_ps_bits, 32);
    // Effective S2PS is capped to the OAS (reserved 52/56 included)
    s = s2_base(); s.set(FLD(STE_S2PS), 7); run(s); CHECK("S2PS=7 cap", m->s2_ps_bits, PA < 48 ? PA : 48);
    s = s2_base(); s.set(FLD(STE_S2PS), 6); run(s); CHECK("S2PS=6 cap", m->s2_ps_bits, PA < 48 ? PA : 48);
    s = s2_base(); s.set(FLD(STE_S2PS), 5); run(s); CHECK("S2PS=5", m->s2_ps_bits, PA < 48 ? PA : 48);
    s = s2_base(); s.set(FLD(STE_S2PS), 4); run(s); CHECK("S2PS=4", m->s2_ps_bits, PA < 44 ? PA : 44);

    // ---------------- stage-2 start level / concatenation (ARM AArch64.S2InconsistentSL:
    // the start level must resolve 1..13 IPA bits: >= 2 entries, <= 16 tables)
    if (PA >= 44) {
        geo(24, 2, 0x80000000ull, 0, 0, 1, 0, 0x80000000ull);   // 40 bits from level 0: IPA[39]
        geo(16, 2, 0x80000000ull, 0, 0, 9, 0, 0x80000000ull);   // 48 bits from level 0: 1 table
        geo(21, 1, 0x80008000ull, 0, 1, 13, 4, 0x80000000ull);  // 43 bits, level 1: 16 tables, 64 KB aligned
        geo(20, 1, 0x80000000ull, 1);                            // 44 bits, level 1: 32 tables -> bad
        geo(17, 1, 0x80000000ull, 1);                            // 47 bits: far too many
        geo(16, 1, 0x80000000ull, 1);
    }
    geo(24, 1, 0x80001000ull, 0, 1, 10, 1, 0x80000000ull);      // the example above: 2 tables
    geo(25, 1, 0x80000FF0ull, 0, 1, 9, 0, 0x80000000ull);       // 39 bits: one 4 KB table
    geo(33, 1, 0x80000FF0ull, 0, 1, 1, 0, 0x80000FF0ull);       // 31 bits: 2 entries, 16 B aligned
    geo(30, 1, 0x800000F0ull, 0, 1, 4, 0, 0x80000080ull);       // 34 bits: 16 entries, 128 B aligned
    geo(34, 1, 0x80000000ull, 1);                                // 30 bits: 1 entry at level 1 -> bad
    geo(30, 0, 0x8000F000ull, 0, 2, 13, 4, 0x80000000ull);      // 34 bits from level 2: 16 tables
    geo(29, 0, 0x80000000ull, 1);                                // 35 bits from level 2: 32 tables
    geo(39, 0, 0x80000000ull, 0, 2, 4, 0, 0x80000000ull);       // 25 bits from level 2
    geo(24, 0, 0x80000000ull, 1);                                // 40 bits from level 2: bad
    geo(32, 2, 0x80000000ull, 1);                                // 32 bits from level 0: bad

    // ---------------- 16 KB and 64 KB (AArch64.S2StartLevel: 3 - SL0; S2InconsistentSL:
    // 1..stride+4 bits at the start level; SL0 3 ILLEGAL without DS / always for 64 KB)
    if (BENCH_GRAN) {
        // 16 KB: stride 11; level 3 takes 15..29 bits, level 2 26..40, level 1 37..51
        geo(24, 1, 0x8003FFF0ull, 0, 2, 15, 4, 0x80000000ull, 2);   // 40 bits, L2: 16 tables, 256 KB
        geo(29, 1, 0x80003FF0ull, 0, 2, 10, 0, 0x80002000ull, 2);   // 35 bits, L2: 1024 entries
        geo(37, 1, 0x800000F0ull, 0, 2, 2, 0, 0x800000E0ull, 2);    // 27 bits, L2: 4 entries
        geo(38, 1, 0x80000000ull, 0, 2, 1, 0, 0x80000000ull, 2);    // 26 bits, L2: 2 entries
        geo(39, 1, 0x80000000ull, 1, 0, 0, 0, 0, 2);                 // 25 bits, L2: 1 entry
        geo(23, 1, 0x80000000ull, 1, 0, 0, 0, 0, 2);                 // 41 bits, L2: 32 tables
        geo(35, 0, 0x8001FFF0ull, 0, 3, 15, 4, 0x80000000ull, 2);   // 29 bits from level 3
        geo(39, 0, 0x80003FF0ull, 0, 3, 11, 0, 0x80000000ull, 2);   // 25 bits from level 3
        geo(34, 0, 0x80000000ull, 1, 0, 0, 0, 0, 2);                 // 30 bits from level 3: bad
        geo(24, 3, 0x80000000ull, 1, 0, 0, 0, 0, 2);                 // level 0 needs DS
        // 64 KB: stride 13; level 3 takes 17..33 bits, level 2 30..46, level 1 43..59
        if (PA >= 46) {   // (S2T0SZ at least 64 - IAS)
            geo(22, 1, 0x8000FFF0ull, 0, 2, 13, 0, 0x80000000ull, 1); // 42 bits, L2: one 64 KB table
            geo(18, 1, 0x800FFFF0ull, 0, 2, 17, 4, 0x80000000ull, 1); // 46 bits, L2: 16 tables, 1 MB
        }
        geo(17, 1, 0x80000000ull, 1, 0, 0, 0, 0, 1);                 // 47 bits, L2: 32 tables
        geo(34, 1, 0x80000000ull, 0, 2, 1, 0, 0x80000000ull, 1);    // 30 bits, L2: 2 entries
        geo(35, 1, 0x80000000ull, 1, 0, 0, 0, 0, 1);                 // 29 bits, L2: 1 entry
        geo(31, 0, 0x800FFFF0ull, 0, 3, 17, 4, 0x80000000ull, 1);   // 33 bits from level 3
        geo(34, 0, 0x8001FFF0ull, 0, 3, 14, 1, 0x80000000ull, 1);   // 30 bits from level 3
        geo(30, 0, 0x80000000ull, 1, 0, 0, 0, 0, 1);                 // 34 bits from level 3: bad
        geo(24, 3, 0x80000000ull, 1, 0, 0, 0, 0, 1);                 // SL0 3 Reserved with 64 KB
        if (PA >= 44) {
            geo(21, 2, 0x80000000ull, 0, 1, 1, 0, 0x80000000ull, 1); // 43 bits from level 1
            geo(16, 2, 0x800001F0ull, 0, 1, 6, 0, 0x80000000ull, 1); // 48 bits from level 1
            geo(22, 2, 0x80000000ull, 1, 0, 0, 0, 0, 1);             // 42 bits from level 1: bad
            geo(24, 2, 0x800000F0ull, 0, 1, 4, 0, 0x80000080ull, 2); // 16 KB 40 bits from L1
        }
    }

    // ---------------- OAS-dependent rules
    if (PA == 40) {
        // S2T0SZ minimum is 64 - IAS = 24
        s = s2_base(); s.set(FLD(STE_S2T0SZ), 23); CHECK("S2T0SZ<64-IAS", bad(s), 1);
        // SL0 = 2 (level 0) with PA < 44 bits [project decision] even when T0SZ fits
        geo(24, 2, 0x80000000ull, 1);
        // ... and a 16 KB level-1 start with PA < 42 bits (40 bits from level 1 fits)
        if (BENCH_GRAN)
            geo(24, 2, 0x80000000ull, 1, 0, 0, 0, 0, 2);
        // S2PS 48 capped to 40: TTB bit 40 is out of range
        s = s2_base(); s.set(FLD(STE_S2PS), 5); s.set(FLD(STE_S2TTB), (1ull << 40 | 0x2000) >> 4);
        CHECK("S2TTB>=2^OAS", bad(s), 1);
    }

    // ---------------- stage 1: StreamWorld, STRW, S1STALLD, S1ContextPtr
    s = s1_base(); run(s);
    CHECK("s1 bad", m->ste_bad, 0);
    CHECK("s1 cfg", m->cfg, 5);
    CHECK("s1 s1_en", m->s1_en, 1);
    CHECK("s1 s2_en", m->s2_en, 0);
    CHECK("s1 world", m->world, 0);
    CHECK("s1 cdptr", m->cd_ptr, 0x12345640ull);
    CHECK("s1 cir", m->s1cir, 1);
    CHECK("s1 cor", m->s1cor, 2);
    CHECK("s1 csh", m->s1csh, 3);
    s = s1_base(); s.set(FLD(STE_STRW), 2); run(s, 0); CHECK("STRW=EL2", m->world, 1); CHECK("STRW=EL2 ok", m->ste_bad, 0);
    run(s, 1); CHECK("STRW=EL2-E2H", m->world, 2);
    s = s1_base(); s.set(FLD(STE_STRW), 1); CHECK("STRW=01", bad(s), 1);
    s = s1_base(); s.set(FLD(STE_STRW), 3); CHECK("STRW=11", bad(s), 1);
    s = s1_base(); s.set(FLD(STE_S1STALLD), 1); CHECK("S1STALLD", bad(s), 1);
    // STRW and S1STALLD are not used without stage 1 / with stage 2
    s = s2_base(); s.set(FLD(STE_STRW), 1); s.set(FLD(STE_S1STALLD), 1); run(s);
    CHECK("s2 STRW ignored", m->ste_bad, 0); CHECK("s2 STRW world", m->world, 0);
    // S1ContextPtr (PA) at/above the OAS, and just below
    s = s1_base(); s.set(FLD(STE_S1CONTEXTPTR), (1ull << PA) >> 6); CHECK("ctxptr>=OAS", bad(s), 1);
    s = s1_base(); s.set(FLD(STE_S1CONTEXTPTR), ((1ull << PA) - 64) >> 6); CHECK("ctxptr<OAS", bad(s), 0);
    s = s1_base(); s.set(FLD(STE_S1CONTEXTPTR), (1ull << 55) >> 6); CHECK("ctxptr bit55", bad(s), 1);
    // Stage-2 fields are IGNORED when stage 2 is off
    s = s1_base(); s.set(FLD(STE_S2AA64), 0); s.set(FLD(STE_S2TG), 3); s.set(FLD(STE_S2S), 1);
    s.set(FLD(STE_S2T0SZ), 0); s.set(FLD(STE_S2SL0), 3); s.set(FLD(STE_S2FWB), 1); run(s);
    CHECK("s1 ignores S2*", m->ste_bad, 0); CHECK("s1 no fwb", m->s2fwb, 0);

    // ---------------- nested
    s = s2_base(); s.set(FLD(STE_CONFIG), 7); s.set(FLD(STE_S1CONTEXTPTR), 0x4000ull >> 6);
    s.set(FLD(STE_STRW), 2); run(s);
    CHECK("nest bad", m->ste_bad, 0); CHECK("nest cfg", m->cfg, 7);
    CHECK("nest s1", m->s1_en, 1); CHECK("nest s2", m->s2_en, 1);
    CHECK("nest world", m->world, 0);          // STRW ignored with stage 2
    CHECK("nest cdptr", m->cd_ptr, 0x4000);
    // nested S1ContextPtr (IPA) beyond the IAS [project decision: C_BAD_STE]
    s.set(FLD(STE_S1CONTEXTPTR), (1ull << PA) >> 6); CHECK("nest ctxptr>=IAS", bad(s), 1);
    s = s2_base(); s.set(FLD(STE_CONFIG), 7); s.set(FLD(STE_S1STALLD), 1); CHECK("nest S1STALLD", bad(s), 1);
    s = s2_base(); s.set(FLD(STE_CONFIG), 7); s.set(FLD(STE_S2S), 1); CHECK("nest S2S", bad(s), 1);
    // stage-2-only ignores S1ContextPtr
    s = s2_base(); s.set(FLD(STE_S1CONTEXTPTR), (1ull << 55) >> 6); CHECK("s2 ignores ctxptr", bad(s), 0);

    // ---------------- abort and bypass
    for (unsigned c = 0; c < 4; c++) {
        s = Ste(); s.set(FLD(STE_V), 1); s.set(FLD(STE_CONFIG), c);
        s.set(FLD(STE_S1STALLD), 1); s.set(FLD(STE_S2S), 1); s.set(FLD(STE_STRW), 3);
        run(s);
        CHECK("0b0xx not bad", m->ste_bad, 0); CHECK("0b0xx cfg", m->cfg, 0);
        CHECK("0b0xx s1", m->s1_en, 0); CHECK("0b0xx s2", m->s2_en, 0);
    }
    s = Ste(); s.set(FLD(STE_CONFIG), 0); CHECK("V=0 abort cfg", bad(s), 1);
    s = Ste(); s.set(FLD(STE_V), 1); s.set(FLD(STE_CONFIG), 4); s.set(FLD(STE_S2S), 1);
    s.set(FLD(STE_S1STALLD), 1); s.set(FLD(STE_STRW), 1); s.set(FLD(STE_S2TG), 3);
    s.set(FLD(STE_S1CONTEXTPTR), (1ull << 55) >> 6);
    run(s);
    CHECK("bypass ok", m->ste_bad, 0); CHECK("bypass cfg", m->cfg, 4);
    CHECK("bypass s1", m->s1_en, 0); CHECK("bypass s2", m->s2_en, 0); CHECK("bypass world", m->world, 0);

    // ---------------- overrides (ATTR_OVR = 1); reserved PRIVCFG/INSTCFG 0b01 -> incoming
    s = Ste(); s.set(FLD(STE_V), 1); s.set(FLD(STE_CONFIG), 4);
    s.set(FLD(STE_MTCFG), 1); s.set(FLD(STE_MEMATTR), 0xF); s.set(FLD(STE_ALLOCCFG), 0xE);
    s.set(FLD(STE_SHCFG), 0); s.set(FLD(STE_PRIVCFG), 1); s.set(FLD(STE_INSTCFG), 3);
    run(s);
    CHECK("mtcfg", m->mtcfg, 1); CHECK("memattr", m->memattr, 0xF); CHECK("alloccfg", m->alloccfg, 0xE);
    CHECK("shcfg", m->shcfg, 0); CHECK("privcfg rsv", m->privcfg, 0); CHECK("instcfg", m->instcfg, 3);
    s.set(FLD(STE_PRIVCFG), 2); s.set(FLD(STE_INSTCFG), 1); s.set(FLD(STE_SHCFG), 1); run(s);
    CHECK("privcfg", m->privcfg, 2); CHECK("instcfg rsv", m->instcfg, 0); CHECK("shcfg in", m->shcfg, 1);

    delete m;
    return unit_report(BENCH_GRAN == 0 ? "smmu_ste_decode(GRAN16K=GRAN64K=0)" :
                       PA == 48 ? "smmu_ste_decode" : "smmu_ste_decode(PA_W=40)");
}
