/*
 * Unit tests of the reference model (tb/model/smmu_model.c) with hand-computed
 * expectations. The Verilator model the runner creates for each test (t->sim) is not
 * used: these tests only exercise the C model against page tables built here in a host
 * sparse memory. Every expected value is derived from the architecture rules in the
 * comment next to it, never copied from the model's output.
 *
 * Common layout (unless a test says otherwise):
 *   linear stream table at 0x100000, LOG2SIZE 8 (256 STEs), CR2.RECINVSID = 1
 *   CD at 0x200000; stage-1 tables L0..L3 at 0x300000, 0x301000, 0x302000, 0x303000
 *   VA_STD = 0x80_8060_4567: L0 index 1 (VA[47:39]), L1 index 2 (VA[38:30]),
 *   L2 index 3 (VA[29:21]), L3 index 4 (VA[20:12]), offset 0x567.
 *   MAIR: Attr0 0xFF, Attr1 0x04, Attr2 0x44, Attr3 0xBB, Attr4 0x77, Attr5 0xF4.
 */
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "../model/smmu_model.h"
#include "../../sw/include/smmu/smmu_regs.h"

/* ---- sparse memory ----------------------------------------------------------------- */

#define MEM_CELLS 4096
static struct {
    struct { uint64_t a, v; } c[MEM_CELLS];
    unsigned n;
    struct { uint64_t lo, hi; } ab[8]; /* abort ranges [lo, hi] */
    unsigned nab;
    uint64_t pool; /* next free 4 KB page for builder tables */
} g_mem;

static int tmem_read(void *ctx, uint64_t pa, uint64_t *val)
{
    (void)ctx;
    for (unsigned i = 0; i < g_mem.nab; i++)
        if (pa >= g_mem.ab[i].lo && pa <= g_mem.ab[i].hi)
            return -1;
    for (unsigned i = 0; i < g_mem.n; i++)
        if (g_mem.c[i].a == pa) {
            *val = g_mem.c[i].v;
            return 0;
        }
    *val = 0;
    return 0;
}

/* Builder-side read: ignores the abort ranges. */
static uint64_t r64(uint64_t a)
{
    for (unsigned i = 0; i < g_mem.n; i++)
        if (g_mem.c[i].a == a)
            return g_mem.c[i].v;
    return 0;
}

static void w64(uint64_t a, uint64_t v)
{
    for (unsigned i = 0; i < g_mem.n; i++)
        if (g_mem.c[i].a == a) {
            g_mem.c[i].v = v;
            return;
        }
    if (g_mem.n == MEM_CELLS) {
        fprintf(stderr, "test_model: sparse memory full\n");
        abort();
    }
    g_mem.c[g_mem.n].a = a;
    g_mem.c[g_mem.n].v = v;
    g_mem.n++;
}

static void abort_range(uint64_t lo, uint64_t hi)
{
    g_mem.ab[g_mem.nab].lo = lo;
    g_mem.ab[g_mem.nab].hi = hi;
    g_mem.nab++;
}

/* ---- structure builders -------------------------------------------------------------- */

#define SET(arr, name, v)                                                              \
    ((arr)[name##_DW] = ((arr)[name##_DW] & ~(uint64_t)(name##_MASK)) |               \
                        (((uint64_t)(v) << (name##_SHIFT)) & (name##_MASK)))

#define STRTAB 0x100000ULL
#define CD_PA 0x200000ULL
#define TL0 0x300000ULL
#define TL1 0x301000ULL
#define TL2 0x302000ULL
#define TL3 0x303000ULL
#define VA_STD 0x0000008080604567ULL
#define MAIR_STD 0x0000F477BB4404FFULL

#define D_AF (1ULL << 10)
#define D_PXN (1ULL << 53)
#define D_UXN (1ULL << 54)
#define D_TABLE(a) ((uint64_t)(a) | 3)
/* Stage-1 leaf: AttrIndx[4:2], AP[7:6], SH[9:8], AF. */
#define S1_PAGE(oa, idx, ap, sh)                                                       \
    ((uint64_t)(oa) | ((uint64_t)(idx) << 2) | ((uint64_t)(ap) << 6) |                \
     ((uint64_t)(sh) << 8) | D_AF | 3)
#define S1_BLOCK(oa, idx, ap, sh) (S1_PAGE(oa, idx, ap, sh) & ~2ULL)
/* Stage-2 leaf: MemAttr[5:2], S2AP[7:6], SH[9:8], AF. */
#define S2_PAGE(oa, ma, s2ap, sh)                                                      \
    ((uint64_t)(oa) | ((uint64_t)(ma) << 2) | ((uint64_t)(s2ap) << 6) |               \
     ((uint64_t)(sh) << 8) | D_AF | 3)
#define S2_BLOCK(oa, ma, s2ap, sh) (S2_PAGE(oa, ma, s2ap, sh) & ~2ULL)

/* Event dword builders (IHI 0070 7.3 positions, spelled out here on purpose). */
#define EV0(type, sid) ((uint64_t)(type) | ((uint64_t)(sid) << 32))
#define EV1(rnw, ind, pnu, s2, cls)                                                    \
    (((uint64_t)(rnw) << 35) | ((uint64_t)(ind) << 34) | ((uint64_t)(pnu) << 33) |    \
     ((uint64_t)(s2) << 39) | ((uint64_t)(cls) << 40))
#define CLS_CD 0
#define CLS_TT 1
#define CLS_IN 2
#define TTRNW (1ULL << 44)

static smmu_model_t g_m;

/* Fresh memory and a model with the default parameters (PA 48, SID 16, 2-level, FWB,
 * ATTR_OVR), SMMUEN = 1, linear table of 256 STEs at STRTAB, RECINVSID = 1. */
static smmu_model_t *env(void)
{
    memset(&g_mem, 0, sizeof g_mem);
    g_mem.pool = 0x7000000;
    smmu_model_init(&g_m, NULL);
    g_m.read64 = tmem_read;
    g_m.ctx = &g_mem;
    g_m.smmuen = true;
    g_m.gbpa = 0;
    g_m.strtab_base = STRTAB;
    g_m.strtab_base_cfg = 8;
    g_m.cr2 = SMMU_CR2_RECINVSID_MASK;
    return &g_m;
}

static void put_ste_at(uint64_t pa, const uint64_t *s)
{
    for (int i = 0; i < 8; i++)
        w64(pa + 8 * (uint64_t)i, s[i]);
}

static void put_ste(unsigned sid, const uint64_t *s)
{
    put_ste_at(STRTAB + 64ULL * sid, s);
}

static void put_cd(uint64_t pa, const uint64_t *cd)
{
    for (int i = 0; i < 8; i++)
        w64(pa + 8 * (uint64_t)i, cd[i]);
}

static void ste_bypass(uint64_t *s)
{
    memset(s, 0, 64);
    SET(s, STE_V, 1);
    SET(s, STE_CONFIG, 4);
    SET(s, STE_SHCFG, 1); /* use incoming, as Linux writes it */
}

static void ste_s1(uint64_t *s, uint64_t cd)
{
    memset(s, 0, 64);
    SET(s, STE_V, 1);
    SET(s, STE_CONFIG, 5);
    SET(s, STE_S1CONTEXTPTR, cd >> 6);
    SET(s, STE_SHCFG, 1);
}

/* Stage 2 fields: VMSAv8-64, 4 KB, S2PS 48 bits, record faults. */
static void ste_s2_fields(uint64_t *s, unsigned t0sz, unsigned sl0, uint64_t ttb)
{
    SET(s, STE_S2T0SZ, t0sz);
    SET(s, STE_S2SL0, sl0);
    SET(s, STE_S2PS, 5);
    SET(s, STE_S2AA64, 1);
    SET(s, STE_S2R, 1);
    SET(s, STE_S2TTB, ttb >> 4);
}

static void cd_std(uint64_t *cd, uint64_t ttb0)
{
    memset(cd, 0, 64);
    SET(cd, CD_V, 1);
    SET(cd, CD_A, 1);
    SET(cd, CD_R, 1);
    SET(cd, CD_AA64, 1);
    SET(cd, CD_T0SZ, 16);
    SET(cd, CD_IPS, 5);
    SET(cd, CD_EPD1, 1);
    SET(cd, CD_T1SZ, 16);
    SET(cd, CD_TG1, 2);
    SET(cd, CD_TTB0, ttb0 >> 4);
    SET(cd, CD_MAIR, MAIR_STD);
}

/* The standard stage-1 chain for VA_STD ending in `leaf` at L3 index 4. */
static void s1_chain(uint64_t leaf)
{
    w64(TL0 + 1 * 8, D_TABLE(TL1));
    w64(TL1 + 2 * 8, D_TABLE(TL2));
    w64(TL2 + 3 * 8, D_TABLE(TL3));
    w64(TL3 + 4 * 8, leaf);
}

/* sid 1: stage-1-only STE -> CD_PA -> standard CD (TTB0 = TL0). */
static void s1_setup(void)
{
    uint64_t s[8], cd[8];
    ste_s1(s, CD_PA);
    put_ste(1, s);
    cd_std(cd, TL0);
    put_cd(CD_PA, cd);
}

static smmu_model_txn_t txn(uint32_t sid, uint64_t addr, bool write, uint8_t prot)
{
    smmu_model_txn_t x;
    memset(&x, 0, sizeof x);
    x.sid = sid;
    x.addr = addr;
    x.write = write;
    x.prot = prot;
    x.cache = 0xF;  /* WB, RA, WA */
    x.domain = 3;   /* ISH */
    return x;
}

static smmu_model_result_t run(const smmu_model_txn_t *t)
{
    smmu_model_result_t r;
    smmu_model_translate(&g_m, t, &r);
    return r;
}

/* Builder for 4 KB-page tables (4-level from level 0 when start = 0); tables come from
 * g_mem.pool. Returns the address of the leaf descriptor written. */
static uint64_t map_page(uint64_t root, unsigned start, uint64_t ia, uint64_t leaf)
{
    uint64_t tbl = root;
    for (unsigned l = start; l < 3; l++) {
        uint64_t da = tbl + (((ia >> (39 - 9 * l)) & 511) << 3);
        uint64_t d = r64(da);
        if (!(d & 1)) {
            uint64_t nt = g_mem.pool;
            g_mem.pool += 0x1000;
            w64(da, D_TABLE(nt));
            d = D_TABLE(nt);
        }
        tbl = d & 0x0000FFFFFFFFF000ULL;
    }
    w64(tbl + (((ia >> 12) & 511) << 3), leaf);
    return tbl + (((ia >> 12) & 511) << 3);
}

#define EXPECT_OK(r)                                                                   \
    CHECK((r).outcome == SMMU_MODEL_OK, "expected OK, got outcome %d fault 0x%x",       \
          (int)(r).outcome, (unsigned)(r).fault)
#define EXPECT_FAULT(r, type)                                                          \
    CHECK((r).outcome == SMMU_MODEL_FAULT && (r).fault == (type),                      \
          "expected fault 0x%x, got outcome %d fault 0x%x", (unsigned)(type),          \
          (int)(r).outcome, (unsigned)(r).fault)
#define EXPECT_EVT(r, d0, d1, d2, d3)                                                  \
    do {                                                                               \
        CHECK((r).evt_valid, "expected a recorded event");                             \
        CHECK_EQ((r).evt[0], (d0));                                                    \
        CHECK_EQ((r).evt[1], (d1));                                                    \
        CHECK_EQ((r).evt[2], (d2));                                                    \
        CHECK_EQ((r).evt[3], (d3));                                                    \
    } while (0)

/* ---- SMMUEN = 0 ------------------------------------------------------------------------ */

TEST(model_gbpa)
{
    smmu_model_t *m = env();
    smmu_model_txn_t x = txn(5, 0x12345678, false, 0);
    smmu_model_result_t r;
    m->smmuen = false;

    /* GBPA.ABORT = 1: abort, no event, no table read. */
    m->gbpa = SMMU_GBPA_ABORT_MASK;
    r = run(&x);
    CHECK(r.outcome == SMMU_MODEL_ABORT_NO_EVENT && !r.evt_valid, "GBPA abort");
    CHECK_EQ(r.reads, 0);

    /* Bypass, no overrides: PA = input; WB RA WA ISH in -> 0xFF ISH, AxCACHE 0xF,
     * AxDOMAIN ISH = 1; AxPROT unprivileged data, NS = 1 -> 0b010. */
    m->gbpa = 1u << SMMU_GBPA_SHCFG_SHIFT;
    r = run(&x);
    EXPECT_OK(r);
    CHECK_EQ(r.pa, 0x12345678);
    CHECK_EQ(r.attr, 0xFF);
    CHECK_EQ(r.axcache, 0xF);
    CHECK_EQ(r.axdomain, 1);
    CHECK_EQ(r.axprot, 2);

    /* Input at 2^OAS = 2^48: abort with no event (§3.4). Just below: passes. */
    x.addr = 1ULL << 48;
    r = run(&x);
    CHECK(r.outcome == SMMU_MODEL_ABORT_NO_EVENT && !r.evt_valid, "GBPA >= OAS");
    x.addr = (1ULL << 48) - 8;
    r = run(&x);
    EXPECT_OK(r);

    /* Overrides: MTCFG with MemAttr 0b0001 = Device-nGnRE -> 0x04, OSH, AxCACHE
     * 0001 (Device bufferable), AxDOMAIN System; PRIVCFG 3 = privileged, INSTCFG 3 =
     * instruction (a read) -> AxPROT 0b111. */
    m->gbpa = SMMU_GBPA_MTCFG_MASK | 1u | (1u << SMMU_GBPA_SHCFG_SHIFT) |
              (3u << SMMU_GBPA_PRIVCFG_SHIFT) | (3u << SMMU_GBPA_INSTCFG_SHIFT);
    x.addr = 0x1000;
    r = run(&x);
    EXPECT_OK(r);
    CHECK_EQ(r.attr, 0x04);
    CHECK_EQ(r.sh, 2);
    CHECK_EQ(r.axcache, 0x1);
    CHECK_EQ(r.axdomain, 3);
    CHECK_EQ(r.axprot, 7);
    /* INSTCFG affects reads only: the same as a write is Data -> AxPROT 0b011. */
    x.write = true;
    r = run(&x);
    CHECK_EQ(r.axprot, 3);
}

/* ---- stream table ------------------------------------------------------------------- */

TEST(model_strtab_linear_range)
{
    smmu_model_t *m = env();
    uint64_t s[8];
    smmu_model_txn_t x = txn(0x100, 0x4000, false, 0);
    smmu_model_result_t r;

    ste_bypass(s);
    put_ste(0xFF, s);
    /* LOG2SIZE 8: StreamID 0x100 is out of range -> C_BAD_STREAMID, recorded with
     * RECINVSID = 1; dw0 = type 0x02 | SID << 32; nothing read. */
    r = run(&x);
    EXPECT_FAULT(r, EVT_C_BAD_STREAMID);
    EXPECT_EVT(r, EV0(0x02, 0x100), 0, 0, 0);
    CHECK_EQ(r.reads, 0);
    /* RECINVSID = 0: still aborted, nothing recorded. */
    m->cr2 = 0;
    r = run(&x);
    EXPECT_FAULT(r, EVT_C_BAD_STREAMID);
    CHECK(!r.evt_valid, "C_BAD_STREAMID must not be recorded with RECINVSID = 0");
    /* SID 0xFF is in range: STE at 0x100000 + 0xFF * 64 = 0x103FC0, one fetch. */
    x.sid = 0xFF;
    r = run(&x);
    EXPECT_OK(r);
    CHECK_EQ(r.reads, 1);
    /* Effective size = MIN(LOG2SIZE, SIDSIZE): LOG2SIZE 20 with 16 SID bits rejects
     * 0x10000 even though the table would be big enough. */
    m->cr2 = SMMU_CR2_RECINVSID_MASK;
    m->strtab_base_cfg = 20;
    m->strtab_base = 0; /* base aligned to 2^(20+6): 0 */
    x.sid = 0x10000;
    r = run(&x);
    EXPECT_FAULT(r, EVT_C_BAD_STREAMID);
    /* Linear base alignment: LOG2SIZE 8 -> ADDR[13:0] ignored, so a base of
     * 0x100040 still puts STE 0xFF at 0x103FC0. */
    m->strtab_base = STRTAB + 0x40;
    m->strtab_base_cfg = 8;
    x.sid = 0xFF;
    r = run(&x);
    EXPECT_OK(r);
}

TEST(model_strtab_2level)
{
    smmu_model_t *m = env();
    uint64_t s[8];
    smmu_model_txn_t x = txn(0x0305, 0x4000, false, 0);
    smmu_model_result_t r;

    /* FMT 2-level, SPLIT 8, LOG2SIZE 16. SID 0x305: L1 index 3 -> L1STD at
     * 0x100000 + 3 * 8 = 0x100018; L2 index 5. L2Ptr 0x400000, Span 9 (256 STEs):
     * STE at 0x400000 + 5 * 64 = 0x400140. */
    m->strtab_base_cfg = (1u << SMMU_STRTAB_BASE_CFG_FMT_SHIFT) |
                         (8u << SMMU_STRTAB_BASE_CFG_SPLIT_SHIFT) | 16u;
    w64(STRTAB + 3 * 8, 0x400000ULL | 9);
    ste_bypass(s);
    put_ste_at(0x400140, s);
    r = run(&x);
    EXPECT_OK(r);
    CHECK_EQ(r.reads, 2); /* L1STD + STE */
    CHECK_EQ(r.pa, 0x4000);

    /* Span 3: the level-2 table holds 4 STEs, index 5 is outside -> C_BAD_STREAMID. */
    w64(STRTAB + 3 * 8, 0x400000ULL | 3);
    r = run(&x);
    EXPECT_FAULT(r, EVT_C_BAD_STREAMID);
    EXPECT_EVT(r, EV0(0x02, 0x305), 0, 0, 0);
    /* Span 10 > SPLIT + 1 = 9 -> C_BAD_STREAMID. */
    w64(STRTAB + 3 * 8, 0x400000ULL | 10);
    r = run(&x);
    EXPECT_FAULT(r, EVT_C_BAD_STREAMID);
    /* Missing level 2 (Span 0) -> C_BAD_STREAMID; with RECINVSID = 0 not recorded. */
    w64(STRTAB + 3 * 8, 0);
    m->cr2 = 0;
    r = run(&x);
    EXPECT_FAULT(r, EVT_C_BAD_STREAMID);
    CHECK(!r.evt_valid, "L1STD span 0 with RECINVSID = 0");
    /* Abort reading the L1STD -> F_STE_FETCH, FetchAddr = the L1STD address. */
    w64(STRTAB + 3 * 8, 0x400000ULL | 9);
    abort_range(STRTAB + 0x18, STRTAB + 0x18);
    r = run(&x);
    EXPECT_FAULT(r, EVT_F_STE_FETCH);
    EXPECT_EVT(r, EV0(0x03, 0x305), 0, 0, 0x100018);
    /* ST_LEVEL_2 = 0: FMT is RES0, the table is linear. A linear table is aligned to
     * its size from the literal LOG2SIZE: 2^16 * 64 = 4 MB, so the base 0x100000 acts
     * as 0 and STE 0x305 is at 0x305 * 64 = 0xC140. */
    g_mem.nab = 0;
    m->params.st_level_2 = false;
    put_ste_at(0xC140, s);
    r = run(&x);
    EXPECT_OK(r);
    CHECK_EQ(r.reads, 1);
}

TEST(model_ste_fetch_abort)
{
    env();
    smmu_model_txn_t x = txn(7, 0x4000, false, 0);
    smmu_model_result_t r;
    /* STE 7 at 0x1001C0; the fetch reads dwords 0..3 (docs/subset.md), so an abort in
     * its last dword alone is no fault, one in dword 3 fails the fetch: F_STE_FETCH with
     * FetchAddr = the STE address. With SSV the record carries SSV and the SubstreamID. */
    abort_range(0x1001F8, 0x1001F8);
    r = run(&x);
    CHECK(r.fault != EVT_F_STE_FETCH, "an abort on STE dword 7 alone faulted");
    abort_range(0x1001D8, 0x1001D8);
    x.ssv = true;
    x.ssid = 0x1234;
    r = run(&x);
    EXPECT_FAULT(r, EVT_F_STE_FETCH);
    EXPECT_EVT(r, EV0(0x03, 7) | (1ULL << 11) | (0x1234ULL << 12), 0, 0, 0x1001C0);
    CHECK_EQ(r.reads, 1);
}

/* Every C_BAD_STE rule of IHI 0070 5.2 for this subset, one mutation at a time. */
TEST(model_bad_ste_rules)
{
    smmu_model_t *m = env();
    smmu_model_txn_t x = txn(2, 0x4000, false, 0);
    smmu_model_result_t r;
    uint64_t s[8], good[8];

    /* A legal stage-2 STE: S2T0SZ 25 (39-bit IPA) with SL0 1 (start level 1): the
     * IPA needs 39 - 30 = 9 bits at level 1, between 2 entries and 16 tables. */
    memset(good, 0, sizeof good);
    SET(good, STE_V, 1);
    SET(good, STE_CONFIG, 6);
    ste_s2_fields(good, 25, 1, 0x500000);
    w64(0x500000, S2_BLOCK(0x40000000ULL, 0xF, 3, 3)); /* IPA [0, 1G) -> 1G block */
    put_ste(2, good);
    r = run(&x);
    EXPECT_OK(r);
    CHECK_EQ(r.pa, 0x40004000);

#define BAD(what, stmt)                                                                \
    do {                                                                               \
        memcpy(s, good, sizeof s);                                                     \
        stmt;                                                                          \
        put_ste(2, s);                                                                 \
        r = run(&x);                                                                   \
        CHECK(r.outcome == SMMU_MODEL_FAULT && r.fault == EVT_C_BAD_STE && r.evt_valid,\
              "%s: expected C_BAD_STE, got outcome %d fault 0x%x", what,              \
              (int)r.outcome, (unsigned)r.fault);                                      \
    } while (0)
    BAD("V = 0", SET(s, STE_V, 0));
    BAD("S2S = 1 (no stall)", SET(s, STE_S2S, 1));
    BAD("S2AA64 = 0", SET(s, STE_S2AA64, 0));
    BAD("S2ENDI = 1", SET(s, STE_S2ENDI, 1));
    BAD("S2HA = 1 (no HTTU)", SET(s, STE_S2HA, 1));
    BAD("S2HD = 1 (no HTTU)", SET(s, STE_S2HD, 1));
    BAD("S2TG reserved", SET(s, STE_S2TG, 3));
    /* A granule IDR5 does not report is ILLEGAL (§5.2 S2TG). With both supported, the
     * same STE with S2TG 64 KB is legal: SL0 1 starts at level 2, 39 - 29 = 10 bits. */
    m->params.gran64k = false;
    BAD("S2TG 64K without GRAN64K", SET(s, STE_S2TG, 1));
    m->params.gran64k = true;
    m->params.gran16k = false;
    BAD("S2TG 16K without GRAN16K", SET(s, STE_S2TG, 2));
    m->params.gran16k = true;
    BAD("S2TTB beyond 48 bits", SET(s, STE_S2TTB, (1ULL << 48) >> 4));
    BAD("S2TTB beyond S2PS (32 bits)", {
        SET(s, STE_S2PS, 0);
        SET(s, STE_S2TTB, 0x100000000ULL >> 4);
    });
    BAD("S2T0SZ 15 < 16", { SET(s, STE_S2T0SZ, 15); SET(s, STE_S2SL0, 2); });
    BAD("S2T0SZ 40 > 39", { SET(s, STE_S2T0SZ, 40); SET(s, STE_S2SL0, 0); });
    BAD("S2SL0 3 without STT", SET(s, STE_S2SL0, 3));
    /* T0SZ 24 (40 bits) at level 2 needs 40 - 21 = 19 bits there: > 9 + 4 -> more
     * than 16 concatenated tables. */
    BAD("SL0 0 with 40-bit IPA", { SET(s, STE_S2T0SZ, 24); SET(s, STE_S2SL0, 0); });
    /* T0SZ 29 (35 bits) at level 2 needs 35 - 21 = 14 bits: 32 concatenated tables. */
    BAD("SL0 0 with 35-bit IPA", { SET(s, STE_S2T0SZ, 29); SET(s, STE_S2SL0, 0); });
    /* T0SZ 34 (30 bits) at level 1 needs 0 bits there: fewer than 2 entries. */
    BAD("SL0 1 with 30-bit IPA", { SET(s, STE_S2T0SZ, 34); SET(s, STE_S2SL0, 1); });
    BAD("Config 101 STRW 0b01", { SET(s, STE_CONFIG, 5); SET(s, STE_STRW, 1);
                                  SET(s, STE_S1CONTEXTPTR, CD_PA >> 6); });
    BAD("Config 101 STRW 0b11", { SET(s, STE_CONFIG, 5); SET(s, STE_STRW, 3);
                                  SET(s, STE_S1CONTEXTPTR, CD_PA >> 6); });
    BAD("S1STALLD with STALL_MODEL 01", { SET(s, STE_CONFIG, 5); SET(s, STE_S1STALLD, 1);
                                          SET(s, STE_S1CONTEXTPTR, CD_PA >> 6); });
    /* Stage-1-only S1ContextPtr (a PA) at 2^48 = OAS. */
    BAD("S1ContextPtr >= OAS", { SET(s, STE_CONFIG, 5);
                                 SET(s, STE_S1CONTEXTPTR, (1ULL << 48) >> 6); });
    /* Nested S1ContextPtr (an IPA) beyond the IAS: IHI 0070 5.2 [project decision, docs/subset.md]. */
    BAD("nested S1ContextPtr >= IAS", { SET(s, STE_CONFIG, 7);
                                        SET(s, STE_S1CONTEXTPTR, (1ULL << 48) >> 6); });
    /* 8-bit VMIDs (a non-default parameter): S2VMID[15:8] != 0 is ILLEGAL. */
    m->params.vmid16 = false;
    BAD("S2VMID[15:8] with 8-bit VMIDs", SET(s, STE_S2VMID, 0x100));
    m->params.vmid16 = true;
#undef BAD

    /* T0SZ 30 (34 bits) at level 2: 13 bits, 16 concatenated tables: legal. The
     * input 0x4000 uses entry 0 of the first table (at 0x500000, 128 KB aligned). */
    memcpy(s, good, sizeof s);
    SET(s, STE_S2T0SZ, 30);
    SET(s, STE_S2SL0, 0);
    put_ste(2, s);
    w64(0x500000, S2_BLOCK(0x40000000ULL, 0xF, 3, 3)); /* a 2 MB block at level 2 */
    r = run(&x);
    EXPECT_OK(r);
    CHECK_EQ(r.pa, 0x40004000);

    /* Not illegal: STRW is IGNORED with stage 2 on; S2VMID[15:8] with 16-bit VMIDs;
     * fields of a disabled stage (S2TG reserved in a bypass STE). */
    memcpy(s, good, sizeof s);
    SET(s, STE_STRW, 1);
    SET(s, STE_S2VMID, 0xABCD);
    put_ste(2, s);
    r = run(&x);
    EXPECT_OK(r);
    ste_bypass(s);
    SET(s, STE_S2TG, 3);
    SET(s, STE_S2T0SZ, 63);
    put_ste(2, s);
    r = run(&x);
    EXPECT_OK(r);
    /* Config 0b001..0b011 behave as 0b000: abort, no event, not C_BAD_STE. */
    memcpy(s, good, sizeof s);
    SET(s, STE_CONFIG, 3);
    SET(s, STE_S2TG, 3);
    put_ste(2, s);
    r = run(&x);
    CHECK(r.outcome == SMMU_MODEL_ABORT_NO_EVENT && !r.evt_valid, "Config 0b011 aborts silently");
    /* A C_BAD_STE record: type 4, SSV/SSID, StreamID; nothing else. */
    memcpy(s, good, sizeof s);
    SET(s, STE_V, 0);
    put_ste(2, s);
    x.ssv = true;
    x.ssid = 0x55;
    r = run(&x);
    EXPECT_EVT(r, EV0(0x04, 2) | (1ULL << 11) | (0x55ULL << 12), 0, 0, 0);
}

TEST(model_ste_bypass_overrides)
{
    smmu_model_t *m = env();
    uint64_t s[8];
    smmu_model_txn_t x = txn(3, 0x00ABC000, false, 0);
    smmu_model_result_t r;

    ste_bypass(s);
    put_ste(3, s);
    /* Bypass, SHCFG incoming: WB RA WA ISH in -> out unchanged. */
    r = run(&x);
    EXPECT_OK(r);
    CHECK_EQ(r.pa, 0x00ABC000);
    CHECK_EQ(r.attr, 0xFF);
    CHECK_EQ(r.sh, 3);
    CHECK(r.path == SMMU_MODEL_PATH_BYPASS, "path");

    /* §16.7.5.2 example: a Device input (AxCACHE 0) overridden to iWB-oWB (MemAttr
     * 0xF) with SHCFG "use incoming": Device input is OSH, the RA/WA/TR default to
     * RA WA nTR -> 0xFF OSH, AxCACHE 1111, AxDOMAIN OSH (2). */
    SET(s, STE_MTCFG, 1);
    SET(s, STE_MEMATTR, 0xF);
    put_ste(3, s);
    x.cache = 0x0;
    r = run(&x);
    CHECK_EQ(r.attr, 0xFF);
    CHECK_EQ(r.sh, 2);
    CHECK_EQ(r.axcache, 0xF);
    CHECK_EQ(r.axdomain, 2);
    /* MemAttr 0b0100 is reserved for STE.MemAttr and behaves as Device-nGnRnE. */
    SET(s, STE_MEMATTR, 0x4);
    put_ste(3, s);
    x.cache = 0xF;
    r = run(&x);
    CHECK_EQ(r.attr, 0x00);
    CHECK_EQ(r.axcache, 0x0);
    CHECK_EQ(r.axdomain, 3);
    /* ALLOCCFG 0b1010 (RA 0, WA 1, TR 0) on a WB input: nibble 0b1101 -> 0xDD;
     * AxCACHE WB with WA only = 1011. */
    SET(s, STE_MTCFG, 0);
    SET(s, STE_ALLOCCFG, 0xA);
    put_ste(3, s);
    r = run(&x);
    CHECK_EQ(r.attr, 0xDD);
    CHECK_EQ(r.axcache, 0xB);
    /* ALLOCCFG 0b1001: transient with no allocation is non-transient (§13.1.7) ->
     * WB no-allocate 0b1100 -> 0xCC; AXI4 WB no-allocate read ARCACHE = 1011. */
    SET(s, STE_ALLOCCFG, 0x9);
    put_ste(3, s);
    r = run(&x);
    CHECK_EQ(r.attr, 0xCC);
    CHECK_EQ(r.axcache, 0xB);
    x.write = true; /* AWCACHE WB no-allocate = 0111 */
    r = run(&x);
    CHECK_EQ(r.axcache, 0x7);
    x.write = false;
    /* SHCFG 0 forces NSH on a cacheable type (AxDOMAIN 0); on a Device input the
     * result stays OSH / System. */
    SET(s, STE_ALLOCCFG, 0);
    SET(s, STE_SHCFG, 0);
    put_ste(3, s);
    r = run(&x);
    CHECK_EQ(r.sh, 0);
    CHECK_EQ(r.axdomain, 0);
    x.cache = 0x1;
    r = run(&x);
    CHECK_EQ(r.attr, 0x04);
    CHECK_EQ(r.sh, 2);
    x.cache = 0xF;
    /* PRIVCFG 2 = unprivileged over a privileged input; INSTCFG 3 on a read. */
    SET(s, STE_SHCFG, 1);
    SET(s, STE_PRIVCFG, 2);
    SET(s, STE_INSTCFG, 3);
    put_ste(3, s);
    x.prot = 1;
    r = run(&x);
    CHECK_EQ(r.axprot, 6);
    /* Without ATTR_TYPES_OVR / ATTR_PERMS_OVR the fields are RES0: incoming used. */
    SET(s, STE_MTCFG, 1);
    SET(s, STE_MEMATTR, 0x1);
    put_ste(3, s);
    m->params.attr_types_ovr = false;
    m->params.attr_perms_ovr = false;
    r = run(&x);
    CHECK_EQ(r.attr, 0xFF);
    CHECK_EQ(r.axprot, 3);
    m->params.attr_types_ovr = m->params.attr_perms_ovr = true;

    /* STE bypass with input >= 2^OAS: stage-1 F_ADDR_SIZE, S2 = 0, CLASS IN,
     * RnW 1, InD 1 (INSTCFG 3), PnU 0 (PRIVCFG 2), InputAddr as presented. */
    x.addr = 0x0001000000000000ULL;
    r = run(&x);
    EXPECT_FAULT(r, EVT_F_ADDR_SIZE);
    EXPECT_EVT(r, EV0(0x11, 3), EV1(1, 1, 0, 0, CLS_IN), 0x0001000000000000ULL, 0);
    /* Config 0b000: abort without an event. */
    SET(s, STE_CONFIG, 0);
    put_ste(3, s);
    r = run(&x);
    CHECK(r.outcome == SMMU_MODEL_ABORT_NO_EVENT && !r.evt_valid, "Config 0 aborts silently");
}

TEST(model_substream)
{
    env();
    uint64_t s[8];
    smmu_model_txn_t x = txn(3, 1ULL << 50, false, 0);
    smmu_model_result_t r;
    ste_bypass(s);
    put_ste(3, s);
    /* SSIDSIZE = 0: a SubstreamID is C_BAD_SUBSTREAMID, ahead of the bypass
     * F_ADDR_SIZE the address would cause. Record: SubstreamID always valid, no SSV
     * bit (§7.3.9): 0x08 | 0x9 << 12 | SID 3 << 32. */
    x.ssv = true;
    x.ssid = 9;
    r = run(&x);
    EXPECT_FAULT(r, EVT_C_BAD_SUBSTREAMID);
    EXPECT_EVT(r, EV0(0x08, 3) | (9ULL << 12), 0, 0, 0);
    /* Config abort comes first: no event. */
    SET(s, STE_CONFIG, 0);
    put_ste(3, s);
    r = run(&x);
    CHECK(r.outcome == SMMU_MODEL_ABORT_NO_EVENT, "abort STE beats the SubstreamID check");
}

/* ---- stage 1 ----------------------------------------------------------------------- */

TEST(model_s1_walk_sizes)
{
    env();
    smmu_model_txn_t x = txn(1, VA_STD, false, 0);
    smmu_model_result_t r;
    s1_setup();

    /* 4 KB page at level 3: L0[1] -> L1[2] -> L2[3] -> L3[4] -> 0x80005000;
     * PA = 0x80005000 | 0x567; reads = STE + CD + 4 descriptors = 6. */
    s1_chain(S1_PAGE(0x80005000ULL, 0, 1, 3));
    r = run(&x);
    EXPECT_OK(r);
    CHECK_EQ(r.pa, 0x80005567);
    CHECK_EQ(r.reads, 6);
    CHECK(r.path == SMMU_MODEL_PATH_S1, "path S1");
    /* Attr0 0xFF with a WB RA WA input, SH ISH -> 0xFF, AxCACHE 1111, AxDOMAIN 1. */
    CHECK_EQ(r.attr, 0xFF);
    CHECK_EQ(r.axdomain, 1);

    /* 2 MB block at level 2 (L2[3]): PA = 0x40600000 + VA[20:0] (0x4567); 5 reads. */
    w64(TL2 + 3 * 8, S1_BLOCK(0x40600000ULL, 0, 1, 3));
    r = run(&x);
    EXPECT_OK(r);
    CHECK_EQ(r.pa, 0x40604567);
    CHECK_EQ(r.reads, 5);

    /* 1 GB block at level 1 (L1[2]): PA = 0xC0000000 + VA[29:0] (0x604567); 4 reads. */
    w64(TL1 + 2 * 8, S1_BLOCK(0xC0000000ULL, 0, 1, 3));
    r = run(&x);
    EXPECT_OK(r);
    CHECK_EQ(r.pa, 0xC0604567);
    CHECK_EQ(r.reads, 4);

    /* T0SZ 20 (44-bit VA): levels = ceil((44 - 12) / 9) = 4, start level 0 with
     * 44 - 39 = 5 bits there (a 32-entry, 256-byte table, so TTB0 need only be
     * 256-byte aligned). TTB0 = 0x304100: L0 index 1 at 0x304108 -> TL1, then the
     * standard chain (restored here): PA 0x80005567, 6 reads. */
    {
        uint64_t cd[8];
        cd_std(cd, 0x304100);
        SET(cd, CD_T0SZ, 20);
        put_cd(CD_PA, cd);
        s1_chain(S1_PAGE(0x80005000ULL, 0, 1, 3));
        w64(0x304108, D_TABLE(TL1));
        r = run(&x);
        EXPECT_OK(r);
        CHECK_EQ(r.pa, 0x80005567);
        CHECK_EQ(r.reads, 6);
        /* VA bit 44 set is beyond the 44-bit range. */
        x.addr = VA_STD | (1ULL << 44);
        r = run(&x);
        EXPECT_FAULT(r, EVT_F_TRANSLATION);
        x.addr = VA_STD;
    }

    /* Start level 1 (T0SZ 25, 39-bit VA): TTB0 -> L1 indexed by VA[38:30]. VA 0x4000_1234
     * has index 1: descriptor at TL1 + 8, a 1 GB block 0x1_0000_0000 -> PA 0x1_0000_1234,
     * 3 reads. */
    {
        uint64_t cd[8];
        cd_std(cd, TL1);
        SET(cd, CD_T0SZ, 25);
        put_cd(CD_PA, cd);
        w64(TL1 + 8, S1_BLOCK(0x100000000ULL, 0, 1, 3));
        x.addr = 0x40001234;
        r = run(&x);
        EXPECT_OK(r);
        CHECK_EQ(r.pa, 0x100001234ULL);
        CHECK_EQ(r.reads, 3);
    }
}

TEST(model_s1_range_tbi_epd)
{
    env();
    smmu_model_txn_t x;
    smmu_model_result_t r;
    uint64_t cd[8];
    s1_setup();
    s1_chain(S1_PAGE(0x80005000ULL, 0, 1, 3));

    /* VA[63:48] not all equal to VA[55] (0): F_TRANSLATION at stage 1 before any walk
     * (reads = STE + CD), S2 0, CLASS IN; InputAddr keeps the top byte. */
    x = txn(1, 0x5A00008080604567ULL, false, 0);
    r = run(&x);
    EXPECT_FAULT(r, EVT_F_TRANSLATION);
    EXPECT_EVT(r, EV0(0x10, 1), EV1(1, 0, 0, 0, CLS_IN), 0x5A00008080604567ULL, 0);
    CHECK_EQ(r.reads, 2);
    /* Stage-1 fault: the IPA field is UNKNOWN and left out of the mask. */
    CHECK_EQ(r.evt_mask[3] & 0x00FFFFFFFFFFF000ULL, 0);
    /* TBI0 = 1: VA[63:56] ignored, the same address translates to 0x80005567. */
    cd_std(cd, TL0);
    SET(cd, CD_TBI0, 1);
    put_cd(CD_PA, cd);
    r = run(&x);
    EXPECT_OK(r);
    CHECK_EQ(r.pa, 0x80005567);
    /* TBI does not cover VA[55:48]: 0x0001_0080_8060_4567 still faults. */
    x.addr = 0x0001008080604567ULL;
    r = run(&x);
    EXPECT_FAULT(r, EVT_F_TRANSLATION);
    /* VA[55] = 1 selects TTB1, disabled by EPD1 = 1 -> F_TRANSLATION. */
    x.addr = 0xFFFF008080604567ULL;
    r = run(&x);
    EXPECT_FAULT(r, EVT_F_TRANSLATION);
    CHECK_EQ(r.reads, 2);
    /* EPD0 = 1 (with an invalid T0SZ that is then not checked): TTB0 walks fault. */
    cd_std(cd, TL0);
    SET(cd, CD_EPD0, 1);
    SET(cd, CD_T0SZ, 0);
    SET(cd, CD_EPD1, 0);
    put_cd(CD_PA, cd);
    x.addr = VA_STD;
    r = run(&x);
    EXPECT_FAULT(r, EVT_F_TRANSLATION);
    /* T0SZ 39 (25-bit VA, start level 2): VA 0x0200_0000 (bit 25) is beyond. */
    cd_std(cd, TL2);
    SET(cd, CD_T0SZ, 39);
    put_cd(CD_PA, cd);
    x.addr = 0x02000000;
    r = run(&x);
    EXPECT_FAULT(r, EVT_F_TRANSLATION);
}

TEST(model_s1_faults)
{
    env();
    smmu_model_txn_t x = txn(1, VA_STD, false, 0);
    smmu_model_result_t r;
    uint64_t cd[8];
    s1_setup();
    s1_chain(S1_PAGE(0x80005000ULL, 0, 1, 3));

    /* External abort on the L2 descriptor read (TL2 + 3 * 8 = 0x302018):
     * F_WALK_EABT, S2 0, CLASS TT, FetchAddr 0x302018; reads STE, CD, L0, L1, L2. */
    abort_range(0x302018, 0x302018);
    r = run(&x);
    EXPECT_FAULT(r, EVT_F_WALK_EABT);
    EXPECT_EVT(r, EV0(0x0B, 1), EV1(1, 0, 0, 0, CLS_TT), VA_STD, 0x302018);
    CHECK_EQ(r.reads, 5);
    g_mem.nab = 0;

    /* Invalid L3 descriptor: F_TRANSLATION stage 1, 6 reads. A privileged write:
     * RnW 0, InD 0, PnU 1. */
    w64(TL3 + 4 * 8, 0);
    x.write = true;
    x.prot = 1 | 4; /* instruction marking on a write is ignored: Data */
    r = run(&x);
    EXPECT_FAULT(r, EVT_F_TRANSLATION);
    EXPECT_EVT(r, EV0(0x10, 1), EV1(0, 0, 1, 0, CLS_IN), VA_STD, 0);
    CHECK_EQ(r.reads, 6);
    x.write = false;
    x.prot = 0;
    /* Block descriptor (0b01) at level 3 is reserved: F_TRANSLATION. */
    w64(TL3 + 4 * 8, S1_PAGE(0x80005000ULL, 0, 1, 3) & ~2ULL);
    r = run(&x);
    EXPECT_FAULT(r, EVT_F_TRANSLATION);
    /* Block at level 0 is reserved with 4 KB: F_TRANSLATION after one table read. */
    w64(TL0 + 8, S1_BLOCK(0, 0, 1, 3));
    r = run(&x);
    EXPECT_FAULT(r, EVT_F_TRANSLATION);
    CHECK_EQ(r.reads, 3);
    w64(TL0 + 8, D_TABLE(TL1));

    /* IPS 32 bits (CD.IPS 0): a page at 0x1_0000_0000 is an output beyond the IPS
     * -> stage-1 F_ADDR_SIZE (checked before AF, so AF = 0 does not matter). */
    cd_std(cd, TL0);
    SET(cd, CD_IPS, 0);
    put_cd(CD_PA, cd);
    w64(TL3 + 4 * 8, S1_PAGE(0x100000000ULL, 0, 1, 3) & ~D_AF);
    r = run(&x);
    EXPECT_FAULT(r, EVT_F_ADDR_SIZE);
    EXPECT_EVT(r, EV0(0x11, 1), EV1(1, 0, 0, 0, CLS_IN), VA_STD, 0);
    /* A next-level table address beyond the IPS: F_ADDR_SIZE at L1 (3 reads). */
    w64(TL0 + 8, D_TABLE(0x100001000ULL));
    r = run(&x);
    EXPECT_FAULT(r, EVT_F_ADDR_SIZE);
    CHECK_EQ(r.reads, 3);
    w64(TL0 + 8, D_TABLE(TL1));

    /* AF = 0 with AFFD = 0: F_ACCESS; with AFFD = 1 it translates. */
    cd_std(cd, TL0);
    put_cd(CD_PA, cd);
    w64(TL3 + 4 * 8, S1_PAGE(0x80005000ULL, 0, 1, 3) & ~D_AF);
    r = run(&x);
    EXPECT_FAULT(r, EVT_F_ACCESS);
    EXPECT_EVT(r, EV0(0x12, 1), EV1(1, 0, 0, 0, CLS_IN), VA_STD, 0);
    SET(cd, CD_AFFD, 1);
    put_cd(CD_PA, cd);
    r = run(&x);
    EXPECT_OK(r);

    /* CD.R = 0 suppresses the record of the four translation faults only. */
    cd_std(cd, TL0);
    SET(cd, CD_R, 0);
    put_cd(CD_PA, cd);
    r = run(&x);
    EXPECT_FAULT(r, EVT_F_ACCESS);
    CHECK(!r.evt_valid, "CD.R = 0 suppresses F_ACCESS");
    abort_range(0x302018, 0x302018);
    r = run(&x);
    EXPECT_FAULT(r, EVT_F_WALK_EABT);
    CHECK(r.evt_valid, "F_WALK_EABT is recorded whatever CD.R says");
}

TEST(model_s1_permissions)
{
    env();
    smmu_model_txn_t x;
    smmu_model_result_t r;
    uint64_t cd[8];
    s1_setup();
#define PERM(leaf, write, prot, ok)                                                    \
    do {                                                                               \
        w64(TL3 + 4 * 8, (leaf));                                                      \
        x = txn(1, VA_STD, (write), (prot));                                           \
        r = run(&x);                                                                   \
        if (ok)                                                                        \
            CHECK(r.outcome == SMMU_MODEL_OK, "line %d: expected OK, fault 0x%x",      \
                  __LINE__, (unsigned)r.fault);                                         \
        else                                                                           \
            CHECK(r.outcome == SMMU_MODEL_FAULT && r.fault == EVT_F_PERMISSION,        \
                  "line %d: expected F_PERMISSION, got %d/0x%x", __LINE__,             \
                  (int)r.outcome, (unsigned)r.fault);                                   \
    } while (0)
    s1_chain(S1_PAGE(0x80005000ULL, 0, 0, 3));
    /* AP 00: privileged RW, no EL0 access. prot: 1 privileged, 4 instruction. */
    PERM(S1_PAGE(0x80005000ULL, 0, 0, 3), false, 1, true);
    PERM(S1_PAGE(0x80005000ULL, 0, 0, 3), true, 1, true);
    PERM(S1_PAGE(0x80005000ULL, 0, 0, 3), false, 0, false);
    /* AP 10: privileged read-only. */
    PERM(S1_PAGE(0x80005000ULL, 0, 2, 3), true, 1, false);
    /* AP 11: read-only at both levels. */
    PERM(S1_PAGE(0x80005000ULL, 0, 3, 3), false, 0, true);
    PERM(S1_PAGE(0x80005000ULL, 0, 3, 3), true, 0, false);
    /* The event of an unprivileged write to RO: RnW 0, PnU 0, S2 0, CLASS IN. */
    EXPECT_EVT(r, EV0(0x13, 1), EV1(0, 0, 0, 0, CLS_IN), VA_STD, 0);
    /* Instruction fetches need execute only: unprivileged fetch of an AP 01 page is
     * fine unless UXN; a privileged fetch of an EL0-writable page never is. */
    PERM(S1_PAGE(0x80005000ULL, 0, 1, 3), false, 4, true);
    PERM(S1_PAGE(0x80005000ULL, 0, 1, 3) | D_UXN, false, 4, false);
    PERM(S1_PAGE(0x80005000ULL, 0, 1, 3), false, 5, false);
    PERM(S1_PAGE(0x80005000ULL, 0, 0, 3), false, 5, true);
    PERM(S1_PAGE(0x80005000ULL, 0, 0, 3) | D_PXN, false, 5, false);
    /* PXN does not stop an unprivileged fetch; UXN does not stop a privileged one. */
    PERM(S1_PAGE(0x80005000ULL, 0, 3, 3) | D_PXN, false, 4, true);
    PERM(S1_PAGE(0x80005000ULL, 0, 0, 3) | D_UXN, false, 5, true);
    /* The F_PERMISSION record of a privileged instruction read: RnW 1 InD 1 PnU 1. */
    PERM(S1_PAGE(0x80005000ULL, 0, 0, 3) | D_PXN, false, 5, false);
    EXPECT_EVT(r, EV0(0x13, 1), EV1(1, 1, 1, 0, CLS_IN), VA_STD, 0);

    /* WXN: no execution from a page writable at the access's level. */
    cd_std(cd, TL0);
    SET(cd, CD_WXN, 1);
    put_cd(CD_PA, cd);
    PERM(S1_PAGE(0x80005000ULL, 0, 0, 3), false, 5, false); /* priv RW -> no exec */
    PERM(S1_PAGE(0x80005000ULL, 0, 2, 3), false, 5, true);  /* priv RO -> exec */
    PERM(S1_PAGE(0x80005000ULL, 0, 1, 3), false, 4, false); /* EL0 RW -> no EL0 exec */

    /* PAN: a privileged data access to an EL0-accessible page faults; an instruction
     * fetch is not affected. */
    cd_std(cd, TL0);
    SET(cd, CD_PAN, 1);
    put_cd(CD_PA, cd);
    PERM(S1_PAGE(0x80005000ULL, 0, 3, 3), false, 1, false);
    PERM(S1_PAGE(0x80005000ULL, 0, 3, 3), false, 5, true);
    PERM(S1_PAGE(0x80005000ULL, 0, 2, 3), false, 1, true);
    PERM(S1_PAGE(0x80005000ULL, 0, 3, 3), false, 0, true);

    /* Hierarchical attributes on the L2 table descriptor (HAD0 = 0). */
    cd_std(cd, TL0);
    put_cd(CD_PA, cd);
    w64(TL2 + 3 * 8, D_TABLE(TL3) | (2ULL << 61)); /* APTable 10: no writes */
    PERM(S1_PAGE(0x80005000ULL, 0, 1, 3), true, 1, false);
    w64(TL2 + 3 * 8, D_TABLE(TL3) | (1ULL << 61)); /* APTable 01: no EL0 access */
    PERM(S1_PAGE(0x80005000ULL, 0, 1, 3), false, 0, false);
    PERM(S1_PAGE(0x80005000ULL, 0, 1, 3), false, 1, true);
    w64(TL2 + 3 * 8, D_TABLE(TL3) | (1ULL << 60)); /* UXNTable */
    PERM(S1_PAGE(0x80005000ULL, 0, 1, 3), false, 4, false);
    w64(TL2 + 3 * 8, D_TABLE(TL3) | (1ULL << 59)); /* PXNTable */
    PERM(S1_PAGE(0x80005000ULL, 0, 0, 3), false, 5, false);
    /* HAD0 = 1: the same table bits are ignored (software may use them). */
    w64(TL2 + 3 * 8, D_TABLE(TL3) | (3ULL << 61) | (3ULL << 59));
    SET(cd, CD_HAD0, 1);
    put_cd(CD_PA, cd);
    PERM(S1_PAGE(0x80005000ULL, 0, 1, 3), true, 0, true);
    PERM(S1_PAGE(0x80005000ULL, 0, 0, 3), false, 5, true);
    /* Software bits [58:55] in a leaf and [63:59] ignored never fault. */
    PERM(S1_PAGE(0x80005000ULL, 0, 1, 3) | (0xFULL << 55), false, 0, true);
#undef PERM
}

TEST(model_cd_fetch_and_bad_cd)
{
    smmu_model_t *m = env();
    smmu_model_txn_t x = txn(1, VA_STD, false, 0);
    smmu_model_result_t r;
    uint64_t cd[8], good[8];
    s1_setup();
    s1_chain(S1_PAGE(0x80005000ULL, 0, 1, 3));

    /* Abort in the CD's dwords 0..3 (the part fetched, docs/subset.md): F_CD_FETCH,
     * FetchAddr = the CD PA (0x200000); reads = STE + CD. */
    abort_range(CD_PA + 0x18, CD_PA + 0x18);
    r = run(&x);
    EXPECT_FAULT(r, EVT_F_CD_FETCH);
    EXPECT_EVT(r, EV0(0x09, 1), 0, 0, CD_PA);
    CHECK_EQ(r.reads, 2);
    g_mem.nab = 0;

    cd_std(good, TL0);
#define BADCD(what, stmt)                                                              \
    do {                                                                               \
        memcpy(cd, good, sizeof cd);                                                   \
        stmt;                                                                          \
        put_cd(CD_PA, cd);                                                             \
        r = run(&x);                                                                   \
        CHECK(r.outcome == SMMU_MODEL_FAULT && r.fault == EVT_C_BAD_CD && r.evt_valid, \
              "%s: expected C_BAD_CD, got %d/0x%x", what, (int)r.outcome,              \
              (unsigned)r.fault);                                                      \
    } while (0)
    BADCD("V = 0", SET(cd, CD_V, 0));
    BADCD("A = 0 (TERM_MODEL 1)", SET(cd, CD_A, 0));
    BADCD("S = 1 (no stall)", SET(cd, CD_S, 1));
    BADCD("ENDI = 1", SET(cd, CD_ENDI, 1));
    BADCD("AA64 = 0", SET(cd, CD_AA64, 0));
    BADCD("HA = 1", SET(cd, CD_HA, 1));
    BADCD("HD = 1", SET(cd, CD_HD, 1));
    BADCD("T0SZ 15", SET(cd, CD_T0SZ, 15));
    BADCD("T0SZ 40", SET(cd, CD_T0SZ, 40));
    BADCD("TG0 reserved", SET(cd, CD_TG0, 3));
    /* Granules the parameters leave out (IDR5.GRAN16K/GRAN64K = 0), TG0 and TG1 with
     * their two encodings (TG0 01 64K, 10 16K; TG1 01 16K, 11 64K). */
    m->params.gran64k = false;
    BADCD("TG0 64K without GRAN64K", SET(cd, CD_TG0, 1));
    BADCD("TG1 64K without GRAN64K", { SET(cd, CD_EPD1, 0); SET(cd, CD_TG1, 3); });
    m->params.gran64k = true;
    m->params.gran16k = false;
    BADCD("TG0 16K without GRAN16K", SET(cd, CD_TG0, 2));
    BADCD("TG1 16K without GRAN16K", { SET(cd, CD_EPD1, 0); SET(cd, CD_TG1, 1); });
    /* ... but a disabled half's TGx is IGNORED (§5.4 TG0/TG1). */
    memcpy(cd, good, sizeof cd);
    SET(cd, CD_TG1, 1);
    put_cd(CD_PA, cd);
    r = run(&x);
    EXPECT_OK(r);
    m->params.gran16k = true;
    BADCD("TTB0 beyond 48 bits", SET(cd, CD_TTB0, (1ULL << 48) >> 4));
    BADCD("TTB0 beyond IPS 32", { SET(cd, CD_IPS, 0); SET(cd, CD_TTB0, 0x100000000ULL >> 4); });
    BADCD("TTB1 enabled, TG1 00 reserved", { SET(cd, CD_EPD1, 0); SET(cd, CD_TG1, 0); });
    BADCD("TTB1 enabled, T1SZ 12", { SET(cd, CD_EPD1, 0); SET(cd, CD_T1SZ, 12); });
    m->params.asid16 = false;
    BADCD("ASID[15:8] with 8-bit ASIDs", SET(cd, CD_ASID, 0x100));
    m->params.asid16 = true;
#undef BADCD
    /* Fields of a disabled TTB are not checked; ASID[15:8] fine with 16-bit ASIDs. */
    memcpy(cd, good, sizeof cd);
    SET(cd, CD_TG1, 0);
    SET(cd, CD_T1SZ, 63);
    SET(cd, CD_ASID, 0xFFFF);
    put_cd(CD_PA, cd);
    r = run(&x);
    EXPECT_OK(r);
    /* The C_BAD_CD record: type 0x0A and StreamID only. */
    memcpy(cd, good, sizeof cd);
    SET(cd, CD_V, 0);
    put_cd(CD_PA, cd);
    r = run(&x);
    EXPECT_EVT(r, EV0(0x0A, 1), 0, 0, 0);
}

TEST(model_el2_streamworlds)
{
    smmu_model_t *m = env();
    smmu_model_txn_t x;
    smmu_model_result_t r;
    uint64_t s[8], cd[8];
    ste_s1(s, CD_PA);
    SET(s, STE_STRW, 2);
    put_ste(1, s);
    cd_std(cd, TL0);
    put_cd(CD_PA, cd);
    s1_chain(S1_PAGE(0x80005000ULL, 0, 0, 3));

    /* EL2 (CR2.E2H = 0): AP[1] acts as 1, so an unprivileged read of an AP 00 page
     * is allowed (it would fault in NS-EL1, checked in model_s1_permissions). */
    x = txn(1, VA_STD, false, 0);
    r = run(&x);
    EXPECT_OK(r);
    CHECK_EQ(r.pa, 0x80005567);
    /* ... and unprivileged write too (AP[2] = 0). */
    x.write = true;
    r = run(&x);
    EXPECT_OK(r);
    /* Bit 54 is XN for every access; PXN (bit 53) has no meaning. */
    w64(TL3 + 32, S1_PAGE(0x80005000ULL, 0, 0, 3) | D_UXN);
    x = txn(1, VA_STD, false, 5);
    r = run(&x);
    EXPECT_FAULT(r, EVT_F_PERMISSION);
    w64(TL3 + 32, S1_PAGE(0x80005000ULL, 0, 0, 3) | D_PXN);
    r = run(&x);
    EXPECT_OK(r);
    /* EPD0 acts as 0 in EL2: the walk still happens. */
    SET(cd, CD_EPD0, 1);
    put_cd(CD_PA, cd);
    r = run(&x);
    EXPECT_OK(r);
    /* One VA range: VA[55] = 1 is out of range (no TTB1) -> F_TRANSLATION after STE
     * and CD only, even with TTB1 fields that would be illegal in EL1. */
    SET(cd, CD_EPD1, 0);
    SET(cd, CD_TG1, 0);
    put_cd(CD_PA, cd);
    x.addr = 0xFFFFFFC040001234ULL;
    r = run(&x);
    EXPECT_FAULT(r, EVT_F_TRANSLATION);
    CHECK_EQ(r.reads, 2);

    /* EL2-E2H (CR2.E2H = 1): two privilege levels again and TTB1. */
    m->cr2 |= SMMU_CR2_E2H_MASK;
    cd_std(cd, TL0);
    SET(cd, CD_EPD1, 0);
    SET(cd, CD_T1SZ, 25);
    SET(cd, CD_TTB1, 0x310000ULL >> 4);
    put_cd(CD_PA, cd);
    x = txn(1, VA_STD, false, 0);
    w64(TL3 + 32, S1_PAGE(0x80005000ULL, 0, 0, 3));
    r = run(&x);
    EXPECT_FAULT(r, EVT_F_PERMISSION); /* AP 00 denies EL0 again */
    /* TTB1 with T1SZ 25 (39 bits, start level 1): VA 0xFFFF_FFC0_4000_1234 has
     * VA[63:39] all ones and L1 index VA[38:30] = 0x101 -> descriptor at
     * 0x310000 + 0x808; a 1 GB block at 0x1_0000_0000 -> PA 0x1_0000_1234, 3 reads. */
    w64(0x310000 + 0x808, S1_BLOCK(0x100000000ULL, 0, 1, 3));
    x = txn(1, 0xFFFFFFC040001234ULL, false, 0);
    r = run(&x);
    EXPECT_OK(r);
    CHECK_EQ(r.pa, 0x100001234ULL);
    CHECK_EQ(r.reads, 3);
    /* An EL2-E2H stream records PnU as presented after PRIVCFG: PRIVCFG 3. */
    SET(s, STE_PRIVCFG, 3);
    put_ste(1, s);
    w64(0x310000 + 0x808, 0);
    r = run(&x);
    EXPECT_FAULT(r, EVT_F_TRANSLATION);
    EXPECT_EVT(r, EV0(0x10, 1), EV1(1, 0, 1, 0, CLS_IN), 0xFFFFFFC040001234ULL, 0);
}

/* ---- stage 2 ------------------------------------------------------------------------- */

/* sid 4: stage-2-only STE, S2T0SZ 24 (40-bit IPA), SL0 1: level 1 resolves IPA[38:30],
 * so two level-1 tables are concatenated at 0x400000 (8 KB, aligned) and IPA[39:30]
 * indexes them. */
static void s2_only_setup(uint64_t *s)
{
    memset(s, 0, 64);
    SET(s, STE_V, 1);
    SET(s, STE_CONFIG, 6);
    SET(s, STE_SHCFG, 1);
    ste_s2_fields(s, 24, 1, 0x400000);
    put_ste(4, s);
    /* IPA 0x80_4000_1234: IPA[39:30] = 0x201 -> 0x400000 + 0x201 * 8 = 0x401008. */
    w64(0x401008, S2_BLOCK(0x1C0000000ULL, 0xF, 3, 3));
    /* IPA 0x00_4000_1234: index 1 -> 0x400008. */
    w64(0x400008, S2_BLOCK(0x200000000ULL, 0xF, 3, 3));
}

TEST(model_s2_only)
{
    smmu_model_t *m = env();
    uint64_t s[8];
    smmu_model_txn_t x = txn(4, 0x8040001234ULL, false, 0);
    smmu_model_result_t r;
    s2_only_setup(s);

    /* Second concatenated table: PA = 0x1_C000_0000 + IPA[29:0] = 0x1_C000_1234;
     * reads = STE + 1. MemAttr 0xF (no FWB) keeps the input WB RA WA -> 0xFF, ISH. */
    r = run(&x);
    EXPECT_OK(r);
    CHECK_EQ(r.pa, 0x1C0001234ULL);
    CHECK_EQ(r.reads, 2);
    CHECK_EQ(r.attr, 0xFF);
    CHECK_EQ(r.sh, 3);
    CHECK(r.path == SMMU_MODEL_PATH_S2, "path S2");
    x.addr = 0x0040001234ULL;
    r = run(&x);
    CHECK_EQ(r.pa, 0x200001234ULL);
    /* Bits of S2TTB below the total size of the concatenated tables (8 KB) are
     * taken as 0 (IHI 0070 5.2): S2TTB 0x401000 still walks from 0x400000. */
    SET(s, STE_S2TTB, 0x401000ULL >> 4);
    put_ste(4, s);
    r = run(&x);
    CHECK_EQ(r.pa, 0x200001234ULL);
    SET(s, STE_S2TTB, 0x400000ULL >> 4);
    put_ste(4, s);

    /* IPA beyond 2^40: stage-2 F_TRANSLATION, CLASS IN, IPA = input ([55:12]). */
    x.addr = 0x10000001234ULL;
    r = run(&x);
    EXPECT_FAULT(r, EVT_F_TRANSLATION);
    EXPECT_EVT(r, EV0(0x10, 4), EV1(1, 0, 0, 1, CLS_IN), 0x10000001234ULL, 0x10000001000ULL);
    CHECK_EQ(r.reads, 1);
    /* Input beyond the IAS (48): stage-1 F_ADDR_SIZE, S2 0 (§3.4). */
    x.addr = 0x1000000000000ULL;
    r = run(&x);
    EXPECT_FAULT(r, EVT_F_ADDR_SIZE);
    EXPECT_EVT(r, EV0(0x11, 4), EV1(1, 0, 0, 0, CLS_IN), 0x1000000000000ULL, 0);

    /* Invalid descriptor (IPA index 2): F_TRANSLATION S2; STE.S2R = 0 suppresses it. */
    x.addr = 0x80001000ULL;
    r = run(&x);
    EXPECT_FAULT(r, EVT_F_TRANSLATION);
    EXPECT_EVT(r, EV0(0x10, 4), EV1(1, 0, 0, 1, CLS_IN), 0x80001000ULL, 0x80001000ULL);
    SET(s, STE_S2R, 0);
    put_ste(4, s);
    r = run(&x);
    EXPECT_FAULT(r, EVT_F_TRANSLATION);
    CHECK(!r.evt_valid, "S2R = 0 suppresses a stage-2 F_TRANSLATION");
    /* ... but not F_WALK_EABT (S2 1, CLASS IN, FetchAddr 0x400010). */
    abort_range(0x400010, 0x400010);
    r = run(&x);
    EXPECT_FAULT(r, EVT_F_WALK_EABT);
    EXPECT_EVT(r, EV0(0x0B, 4), EV1(1, 0, 0, 1, CLS_IN), 0x80001000ULL, 0x400010);
    g_mem.nab = 0;
    SET(s, STE_S2R, 1);
    put_ste(4, s);

    /* S2AP 01 (read only): a write faults with F_PERMISSION S2 CLASS IN. */
    x = txn(4, 0x0040001234ULL, true, 0);
    w64(0x400008, S2_BLOCK(0x200000000ULL, 0xF, 1, 3));
    r = run(&x);
    EXPECT_FAULT(r, EVT_F_PERMISSION);
    EXPECT_EVT(r, EV0(0x13, 4), EV1(0, 0, 0, 1, CLS_IN), 0x0040001234ULL, 0x0040001000ULL);
    /* S2AP 10 (write only): reads fault, writes pass. */
    w64(0x400008, S2_BLOCK(0x200000000ULL, 0xF, 2, 3));
    r = run(&x);
    EXPECT_OK(r);
    x.write = false;
    r = run(&x);
    EXPECT_FAULT(r, EVT_F_PERMISSION);
    /* XN[1:0] with XNX (bit 54 = XN[1], bit 53 = XN[0]). */
#define XN(xn, prot, ok)                                                               \
    do {                                                                               \
        w64(0x400008, S2_BLOCK(0x200000000ULL, 0xF, 1, 3) | ((uint64_t)(xn) << 53));   \
        x = txn(4, 0x0040001234ULL, false, (prot));                                    \
        r = run(&x);                                                                   \
        CHECK((r.outcome == SMMU_MODEL_OK) == (ok), "XN %u prot %u: outcome %d",      \
              (unsigned)(xn), (unsigned)(prot), (int)r.outcome);                       \
    } while (0)
    XN(0, 4, true);  /* 00: execute at both */
    XN(0, 5, true);
    XN(1, 5, false); /* 01: not privileged */
    XN(1, 4, true);
    XN(2, 4, false); /* 10: none */
    XN(2, 5, false);
    XN(3, 5, true);  /* 11: not unprivileged */
    XN(3, 4, false);
    XN(2, 0, true);  /* XN never stops a data read */
    m->params.xnx = false; /* without XNX, XN[0] is ignored and PnU plays no part */
    XN(1, 5, true);
    XN(3, 4, false);
    m->params.xnx = true;
#undef XN
    /* AF = 0: F_ACCESS unless S2AFFD. */
    w64(0x400008, S2_BLOCK(0x200000000ULL, 0xF, 3, 3) & ~D_AF);
    x = txn(4, 0x0040001234ULL, false, 0);
    r = run(&x);
    EXPECT_FAULT(r, EVT_F_ACCESS);
    SET(s, STE_S2AFFD, 1);
    put_ste(4, s);
    r = run(&x);
    EXPECT_OK(r);
    /* S2PS 40 bits: a block at 0x100_0000_0000 (bit 40) -> stage-2 F_ADDR_SIZE. */
    SET(s, STE_S2PS, 2);
    put_ste(4, s);
    w64(0x400008, S2_BLOCK(0x10000000000ULL, 0xF, 3, 3));
    r = run(&x);
    EXPECT_FAULT(r, EVT_F_ADDR_SIZE);
    CHECK_EQ(r.evt[1], EV1(1, 0, 0, 1, CLS_IN));
}

/* ---- nested -------------------------------------------------------------------------- */

/* sid 6: nested. Stage 2: S2T0SZ 16 (48-bit IPA), SL0 2 (level 0, four levels), root
 * at 0x6F00000, 4 KB pages: IPA 0x1000_0000 (CD) -> 0x5000_0000, IPA 0x3000_1000..
 * 0x3000_4000 (stage-1 L0..L3) -> 0x5000_1000..0x5000_4000, IPA 0x2000_0000 (data) ->
 * 0x6000_0000. Stage 1 (in IPA space): CD.TTB0 = 0x3000_1000, VA_STD ->
 * IPA 0x2000_0567 -> PA 0x6000_0567. Returns the stage-2 leaf address of the data page. */
#define S2ROOT 0x6F00000ULL
static uint64_t nested_setup(uint64_t *s, uint64_t *cd, uint64_t s1leaf)
{
    uint64_t leaf_data;
    memset(s, 0, 64);
    SET(s, STE_V, 1);
    SET(s, STE_CONFIG, 7);
    SET(s, STE_SHCFG, 1);
    SET(s, STE_S1CONTEXTPTR, 0x10000000ULL >> 6);
    ste_s2_fields(s, 16, 2, S2ROOT);
    put_ste(6, s);
    map_page(S2ROOT, 0, 0x10000000ULL, S2_PAGE(0x50000000ULL, 0xF, 3, 3));
    for (uint64_t i = 1; i <= 4; i++)
        map_page(S2ROOT, 0, 0x30000000ULL + 0x1000 * i,
                 S2_PAGE(0x50000000ULL + 0x1000 * i, 0xF, 3, 3));
    leaf_data = map_page(S2ROOT, 0, 0x20000000ULL, S2_PAGE(0x60000000ULL, 0xF, 3, 3));
    cd_std(cd, 0x30001000ULL);
    put_cd(0x50000000ULL, cd);
    /* Stage-1 descriptors, written at the PA their IPA maps to. */
    w64(0x50001000ULL + 1 * 8, D_TABLE(0x30002000ULL));
    w64(0x50002000ULL + 2 * 8, D_TABLE(0x30003000ULL));
    w64(0x50003000ULL + 3 * 8, D_TABLE(0x30004000ULL));
    w64(0x50004000ULL + 4 * 8, s1leaf);
    return leaf_data;
}

TEST(model_nested)
{
    smmu_model_t *m = env();
    uint64_t s[8], cd[8], leaf_data;
    smmu_model_txn_t x = txn(6, VA_STD, false, 0);
    smmu_model_result_t r;
    leaf_data = nested_setup(s, cd, S1_PAGE(0x20000000ULL, 0, 1, 3));

    /* 4 x 4 nested: STE 1 + CD walk 4 + CD 1 + 4 stage-1 levels x (4 + 1) + final
     * stage-2 walk 4 = 30 reads; PA 0x6000_0567. */
    r = run(&x);
    EXPECT_OK(r);
    CHECK_EQ(r.pa, 0x60000567);
    CHECK_EQ(r.reads, 30);
    CHECK(r.path == SMMU_MODEL_PATH_NESTED, "path nested");
    CHECK_EQ(r.attr, 0xFF);

    /* Attributes: stage-1 Attr4 0x77 (WB transient RW) with stage-2 MemAttr 0b1010
     * (oWT iWT), no FWB: WT keeps stage 1's hints -> WT transient RW = 0x33; AMBA:
     * not iWB-oWB -> Normal NC (0011), System. */
    w64(0x50004000ULL + 32, S1_PAGE(0x20000000ULL, 4, 1, 3));
    w64(leaf_data, S2_PAGE(0x60000000ULL, 0xA, 3, 3));
    r = run(&x);
    CHECK_EQ(r.attr, 0x33);
    CHECK_EQ(r.axcache, 0x3);
    CHECK_EQ(r.axdomain, 3);
    /* With S2FWB and MemAttr 0b110 (force WB) stage 1's WB transient stays 0x77. */
    SET(s, STE_S2FWB, 1);
    put_ste(6, s);
    w64(leaf_data, S2_PAGE(0x60000000ULL, 0x6, 3, 3));
    r = run(&x);
    CHECK_EQ(r.attr, 0x77);
    /* No_snoop after FWB: Normal NC OSH (not coherent even with FWB). */
    x.nosnoop = true;
    r = run(&x);
    CHECK_EQ(r.attr, 0x44);
    CHECK_EQ(r.sh, 2);
    x.nosnoop = false;
    SET(s, STE_S2FWB, 0);
    put_ste(6, s);
    w64(0x50004000ULL + 32, S1_PAGE(0x20000000ULL, 0, 1, 3));
    w64(leaf_data, S2_PAGE(0x60000000ULL, 0xF, 3, 3));

    /* CD fetch: an abort at the CD's PA -> F_CD_FETCH with the PA 0x5000_0000. */
    abort_range(0x50000000ULL, 0x50000000ULL);
    r = run(&x);
    EXPECT_FAULT(r, EVT_F_CD_FETCH);
    EXPECT_EVT(r, EV0(0x09, 6), 0, 0, 0x50000000ULL);
    CHECK_EQ(r.reads, 6);
    g_mem.nab = 0;
    /* S2PTW = 1 and the CD page is stage-2 Device (MemAttr 0b0001): stage-2
     * F_PERMISSION, CLASS CD, IPA = the CD IPA; reads = STE + 4. With S2PTW = 0 it
     * is allowed. */
    map_page(S2ROOT, 0, 0x10000000ULL, S2_PAGE(0x50000000ULL, 0x1, 3, 3));
    SET(s, STE_S2PTW, 1);
    put_ste(6, s);
    r = run(&x);
    EXPECT_FAULT(r, EVT_F_PERMISSION);
    EXPECT_EVT(r, EV0(0x13, 6), EV1(1, 0, 0, 1, CLS_CD), VA_STD, 0x10000000ULL);
    CHECK_EQ(r.reads, 5);
    SET(s, STE_S2PTW, 0);
    put_ste(6, s);
    r = run(&x);
    EXPECT_OK(r);
    /* CD page unmapped at stage 2: F_TRANSLATION, S2 1, CLASS CD. */
    map_page(S2ROOT, 0, 0x10000000ULL, 0);
    r = run(&x);
    EXPECT_FAULT(r, EVT_F_TRANSLATION);
    EXPECT_EVT(r, EV0(0x10, 6), EV1(1, 0, 0, 1, CLS_CD), VA_STD, 0x10000000ULL);
    map_page(S2ROOT, 0, 0x10000000ULL, S2_PAGE(0x50000000ULL, 0xF, 3, 3));

    /* Stage-1 L1 table page (IPA 0x3000_2000) unmapped: stage-2 F_TRANSLATION, CLASS
     * TT, IPA = the L1 descriptor's IPA 0x3000_2010 -> [55:12] = 0x3000_2000; reads =
     * STE 1 + 4 + CD 1 + (4 + 1) for L0 + 4 = 15. */
    map_page(S2ROOT, 0, 0x30002000ULL, 0);
    r = run(&x);
    EXPECT_FAULT(r, EVT_F_TRANSLATION);
    EXPECT_EVT(r, EV0(0x10, 6), EV1(1, 0, 0, 1, CLS_TT), VA_STD, 0x30002000ULL);
    CHECK_EQ(r.reads, 15);
    /* Mapped write-only (S2AP 10): the table read is refused -> F_PERMISSION CLASS
     * TT with TTRnW = 1 (a read), InputAddr the VA. */
    map_page(S2ROOT, 0, 0x30002000ULL, S2_PAGE(0x50002000ULL, 0xF, 2, 3));
    r = run(&x);
    EXPECT_FAULT(r, EVT_F_PERMISSION);
    EXPECT_EVT(r, EV0(0x13, 6), EV1(1, 0, 0, 1, CLS_TT) | TTRNW, VA_STD, 0x30002000ULL);
    map_page(S2ROOT, 0, 0x30002000ULL, S2_PAGE(0x50002000ULL, 0xF, 3, 3));
    /* Abort reading the stage-2 leaf for the stage-1 L0 page: F_WALK_EABT S2 1,
     * CLASS TT, FetchAddr = that stage-2 descriptor. */
    {
        uint64_t l = map_page(S2ROOT, 0, 0x30001000ULL, S2_PAGE(0x50001000ULL, 0xF, 3, 3));
        abort_range(l, l);
        r = run(&x);
        EXPECT_FAULT(r, EVT_F_WALK_EABT);
        EXPECT_EVT(r, EV0(0x0B, 6), EV1(1, 0, 0, 1, CLS_TT), VA_STD, l);
        g_mem.nab = 0;
    }
    /* Abort reading the stage-1 L0 descriptor at PA 0x5000_1008: S2 0, CLASS TT. */
    abort_range(0x50001008ULL, 0x50001008ULL);
    r = run(&x);
    EXPECT_FAULT(r, EVT_F_WALK_EABT);
    EXPECT_EVT(r, EV0(0x0B, 6), EV1(1, 0, 0, 0, CLS_TT), VA_STD, 0x50001008ULL);
    g_mem.nab = 0;

    /* Final IPA unmapped: stage-2 F_TRANSLATION CLASS IN, IPA 0x2000_0567 -> the
     * record holds [55:12] = 0x2000_0000. */
    w64(leaf_data, 0);
    r = run(&x);
    EXPECT_FAULT(r, EVT_F_TRANSLATION);
    EXPECT_EVT(r, EV0(0x10, 6), EV1(1, 0, 0, 1, CLS_IN), VA_STD, 0x20000000ULL);
    /* Stage-1 permission comes before the final stage-2 walk: a write to a stage-1
     * read-only page is a stage-1 F_PERMISSION even though the IPA is unmapped. */
    w64(0x50004000ULL + 32, S1_PAGE(0x20000000ULL, 0, 3, 3));
    x.write = true;
    r = run(&x);
    EXPECT_FAULT(r, EVT_F_PERMISSION);
    CHECK_EQ(r.evt[1], EV1(0, 0, 0, 0, CLS_IN));
    /* STE.S2R = 0 does not suppress a stage-1 fault; CD.R = 0 does. */
    SET(s, STE_S2R, 0);
    put_ste(6, s);
    r = run(&x);
    CHECK(r.evt_valid, "S2R does not govern stage-1 faults");
    SET(cd, CD_R, 0);
    put_cd(0x50000000ULL, cd);
    r = run(&x);
    CHECK(!r.evt_valid, "CD.R = 0 suppresses the stage-1 F_PERMISSION");
    (void)m;
}

/* ---- attributes ---------------------------------------------------------------------- */

TEST(model_attr_fwb_table)
{
    uint8_t sh = 0xFF;
    /* Each row of IHI 0070 13 and Arm ARM D8.6's FWB table (ARM AArch64.S2ApplyFWBMemAttrs). SH values:
     * 0 NSH, 2 OSH, 3 ISH. */
    /* 0..3: Device with subtype MemAttr[1:0] over a Normal stage 1. */
    CHECK_EQ(smmu_model_s2_combine(0xFF, 3, 0, 3, true, &sh), 0x00);
    CHECK_EQ(sh, 2);
    CHECK_EQ(smmu_model_s2_combine(0xFF, 3, 1, 3, true, NULL), 0x04);
    CHECK_EQ(smmu_model_s2_combine(0xFF, 3, 2, 3, true, NULL), 0x08);
    CHECK_EQ(smmu_model_s2_combine(0xFF, 3, 3, 3, true, NULL), 0x0C);
    /* ... and with a stage-1 Device the stronger subtype wins. */
    CHECK_EQ(smmu_model_s2_combine(0x00, 2, 1, 3, true, NULL), 0x00);
    CHECK_EQ(smmu_model_s2_combine(0x04, 2, 3, 3, true, NULL), 0x04);
    CHECK_EQ(smmu_model_s2_combine(0x0C, 2, 2, 3, true, NULL), 0x08);
    /* 4: reserved -> Device-nGnRnE [project decision]. */
    CHECK_EQ(smmu_model_s2_combine(0xFF, 3, 4, 3, true, NULL), 0x00);
    /* 5: stage-1 Device stays Device; otherwise Normal NC (0x44) OSH. */
    CHECK_EQ(smmu_model_s2_combine(0xFF, 3, 5, 3, true, &sh), 0x44);
    CHECK_EQ(sh, 2);
    CHECK_EQ(smmu_model_s2_combine(0x08, 2, 5, 3, true, NULL), 0x08);
    /* 6: force WB. Stage-1 Device -> 0xFF, its shareability taken as OSH [project
     * decision], so OSH even over a stage-2 NSH leaf. */
    CHECK_EQ(smmu_model_s2_combine(0x04, 2, 6, 0, true, &sh), 0xFF);
    CHECK_EQ(sh, 2);
    /* NC -> WB RWA non-transient. */
    CHECK_EQ(smmu_model_s2_combine(0x44, 2, 6, 3, true, NULL), 0xFF);
    /* WT or WB keep stage 1's hints and transient bit: WT nT R-only 0xAA -> 0xEE;
     * WT transient RW 0x33 -> WB transient RW 0x77; WB transient 0x77 stays. */
    CHECK_EQ(smmu_model_s2_combine(0xAA, 3, 6, 3, true, NULL), 0xEE);
    CHECK_EQ(smmu_model_s2_combine(0x33, 3, 6, 3, true, NULL), 0x77);
    CHECK_EQ(smmu_model_s2_combine(0x77, 3, 6, 3, true, NULL), 0x77);
    /* Mixed oWB-iNC 0xF4: the outer keeps its hints, the NC inner becomes RWA -> 0xFF. */
    CHECK_EQ(smmu_model_s2_combine(0xF4, 3, 6, 3, true, NULL), 0xFF);
    /* Shareability with a cacheable result combines: stage 1 NSH + stage 2 ISH -> ISH. */
    smmu_model_s2_combine(0xFF, 0, 6, 3, true, &sh);
    CHECK_EQ(sh, 3);
    /* 7: stage 1 unchanged. */
    CHECK_EQ(smmu_model_s2_combine(0x77, 3, 7, 3, true, NULL), 0x77);
    CHECK_EQ(smmu_model_s2_combine(0x04, 2, 7, 3, true, NULL), 0x04);
    /* 8..15: MemAttr[3] RES0 -> Device-nGnRnE [project decision]. */
    CHECK_EQ(smmu_model_s2_combine(0xFF, 3, 0xF, 3, true, NULL), 0x00);
    CHECK_EQ(smmu_model_s2_combine(0xFF, 3, 0xE, 3, true, NULL), 0x00);
    CHECK_EQ(smmu_model_s2_combine(0xFF, 3, 0x8, 3, true, NULL), 0x00);
}

TEST(model_attr_nofwb)
{
    uint8_t sh = 0xFF;
    /* IHI 0070 13 and Arm ARM D8.6 examples: S1 WB-transient (0x77) + S2 WT (0b1010) = WT-transient 0x33. */
    CHECK_EQ(smmu_model_s2_combine(0x77, 3, 0xA, 3, false, NULL), 0x33);
    /* MemAttr 0xF returns the stage-1 attribute. */
    CHECK_EQ(smmu_model_s2_combine(0x77, 3, 0xF, 3, false, NULL), 0x77);
    CHECK_EQ(smmu_model_s2_combine(0xBB, 3, 0xF, 3, false, NULL), 0xBB);
    CHECK_EQ(smmu_model_s2_combine(0x44, 2, 0xF, 3, false, NULL), 0x44);
    CHECK_EQ(smmu_model_s2_combine(0x04, 2, 0xF, 3, false, NULL), 0x04);
    /* Either NC -> NC: S2 0b0101 (oNC iNC) over 0xFF -> 0x44, OSH. */
    CHECK_EQ(smmu_model_s2_combine(0xFF, 3, 0x5, 3, false, &sh), 0x44);
    CHECK_EQ(sh, 2);
    /* Device at stage 2 wins; stronger subtype between two Devices. */
    CHECK_EQ(smmu_model_s2_combine(0xFF, 3, 0x1, 3, false, &sh), 0x04);
    CHECK_EQ(sh, 2);
    CHECK_EQ(smmu_model_s2_combine(0x00, 2, 0x2, 3, false, NULL), 0x00);
    CHECK_EQ(smmu_model_s2_combine(0x0C, 2, 0x2, 3, false, NULL), 0x08);
    /* Per level: S2 0b1110 (oWB iWT) over 0xFF -> outer WB RWA 0xF, inner WT RWA 0xB. */
    CHECK_EQ(smmu_model_s2_combine(0xFF, 3, 0xE, 3, false, NULL), 0xFB);
    /* S2 0b1101 (oWB iNC) over WT transient 0x33: outer WT keeps hints 0x3, inner NC. */
    CHECK_EQ(smmu_model_s2_combine(0x33, 3, 0xD, 3, false, NULL), 0x34);
    /* Reserved inner field 00 (0b0100, 0b1000, 0b1100): Non-cacheable for that nibble
     * [project decision]: 0b1000 over 0xFF -> oWT RWA (0xB) iNC -> 0xB4; 0b0100 -> 0x44. */
    CHECK_EQ(smmu_model_s2_combine(0xFF, 3, 0x8, 3, false, NULL), 0xB4);
    CHECK_EQ(smmu_model_s2_combine(0xFF, 3, 0x4, 3, false, NULL), 0x44);
    CHECK_EQ(smmu_model_s2_combine(0xFF, 3, 0xC, 3, false, NULL), 0xF4);
    /* Shareability: outer wins, then inner, else NSH. */
    smmu_model_s2_combine(0xFF, 3, 0xF, 2, false, &sh);
    CHECK_EQ(sh, 2);
    smmu_model_s2_combine(0xFF, 0, 0xF, 3, false, &sh);
    CHECK_EQ(sh, 3);
    smmu_model_s2_combine(0xFF, 0, 0xF, 0, false, &sh);
    CHECK_EQ(sh, 0);
    smmu_model_s2_combine(0xFF, 2, 0xF, 0, false, &sh); /* S1 OSH + S2 NSH -> OSH */
    CHECK_EQ(sh, 2);
    smmu_model_s2_combine(0xFF, 3, 0xF, 0, false, &sh); /* S1 ISH + S2 NSH -> ISH */
    CHECK_EQ(sh, 3);
    smmu_model_s2_combine(0xFF, 3, 0x6, 0, true, &sh);  /* same with FWB */
    CHECK_EQ(sh, 3);
    /* MAIR canonical forms (§5.4 MAIR reserved rows): 0x01..0x03 act as nGnRnE, 0x0D
     * as GRE, 0x40 (inner 0000, outer != 0) as iWT transient RW = 11 -> 0x43, 0xF0
     * (Tagged, unsupported) likewise -> 0xF3. */
    CHECK_EQ(smmu_model_mair_canon(0x03), 0x00);
    CHECK_EQ(smmu_model_mair_canon(0x0D), 0x0C);
    CHECK_EQ(smmu_model_mair_canon(0x40), 0x43);
    CHECK_EQ(smmu_model_mair_canon(0xF0), 0xF3);
    CHECK_EQ(smmu_model_mair_canon(0xFF), 0xFF);
}

TEST(model_attr_amba_nosnoop)
{
    smmu_model_t *m = env();
    uint64_t s[8];
    uint8_t sh = 0xFF, c = 0xFF, d = 0xFF;
    smmu_model_txn_t x = txn(3, 0x9000, false, 0);
    smmu_model_result_t r;

    /* AMBA in (§16.7.5.1): Device non-bufferable / bufferable; NC -> iNC-oNC-OSH;
     * WB RA/WA from AxCACHE[2]/[3], non-transient, SH from the domain. */
    CHECK_EQ(smmu_model_attr_from_amba(0x0, 3, &sh), 0x00);
    CHECK_EQ(sh, 2);
    CHECK_EQ(smmu_model_attr_from_amba(0x1, 3, NULL), 0x04);
    CHECK_EQ(smmu_model_attr_from_amba(0x3, 3, &sh), 0x44);
    CHECK_EQ(sh, 2);
    CHECK_EQ(smmu_model_attr_from_amba(0xF, 3, &sh), 0xFF);
    CHECK_EQ(sh, 3);
    CHECK_EQ(smmu_model_attr_from_amba(0x7, 0, &sh), 0xEE); /* RA only: 0b1110 */
    CHECK_EQ(sh, 0);
    CHECK_EQ(smmu_model_attr_from_amba(0xB, 2, NULL), 0xDD); /* WA only: 0b1101 */
    CHECK_EQ(smmu_model_attr_from_amba(0xE, 2, NULL), 0xBB); /* WT RA WA (model choice) */

    /* AMBA out (§16.7.5.2, project decision): WB -> WB with RA/WA and the domain;
     * any other Normal -> NC bufferable System; Device -> System. */
    smmu_model_attr_to_amba(0xFF, 3, false, &c, &d);
    CHECK(c == 0xF && d == 1, "0xFF ISH -> 1111 / ISH (%x %x)", c, d);
    smmu_model_attr_to_amba(0xEE, 0, false, &c, &d);
    CHECK(c == 0x7 && d == 0, "0xEE NSH -> 0111 / NSH (%x %x)", c, d);
    smmu_model_attr_to_amba(0xBB, 2, false, &c, &d);
    CHECK(c == 0x3 && d == 3, "WT -> NC System (%x %x)", c, d);
    smmu_model_attr_to_amba(0xF4, 3, false, &c, &d);
    CHECK(c == 0x3 && d == 3, "oWB-iNC -> NC System (%x %x)", c, d);
    smmu_model_attr_to_amba(0x0C, 2, false, &c, &d);
    CHECK(c == 0x1 && d == 3, "GRE -> Device bufferable (%x %x)", c, d);
    smmu_model_attr_to_amba(0xCC, 0, true, &c, &d);
    CHECK(c == 0x7 && d == 0, "WB no-allocate write -> AWCACHE 0111 (%x %x)", c, d);

    /* No_snoop on a bypass stream: a WB result becomes 0x44 OSH (AxCACHE 0011,
     * System); CANWBS = 1 keeps it coherent; Device is untouched. */
    ste_bypass(s);
    put_ste(3, s);
    x.nosnoop = true;
    r = run(&x);
    CHECK_EQ(r.attr, 0x44);
    CHECK_EQ(r.axcache, 0x3);
    CHECK_EQ(r.axdomain, 3);
    m->canwbs = true;
    r = run(&x);
    CHECK_EQ(r.attr, 0xFF);
    m->canwbs = false;
    x.cache = 0x1;
    r = run(&x);
    CHECK_EQ(r.attr, 0x04);
    /* ... and on the SMMUEN = 0 path too. */
    m->smmuen = false;
    m->gbpa = 1u << SMMU_GBPA_SHCFG_SHIFT;
    x.cache = 0xF;
    r = run(&x);
    CHECK_EQ(r.attr, 0x44);
    m->smmuen = true;

    /* Stage 1 with a cacheable input: the input's hints combine (no-allocate wins):
     * AxCACHE 0xB (RA 0, WA 1) with Attr0 0xFF -> 0xDD. An NC input takes stage 1's
     * hints unchanged -> 0xFF. */
    x.nosnoop = false;
    s1_setup();
    s1_chain(S1_PAGE(0x80005000ULL, 0, 1, 3));
    x = txn(1, VA_STD, false, 0);
    x.cache = 0xB;
    r = run(&x);
    CHECK_EQ(r.attr, 0xDD);
    x.cache = 0x3;
    r = run(&x);
    CHECK_EQ(r.attr, 0xFF);
    /* Stage-1 Device (Attr1 0x04): SH forced OSH whatever the descriptor says. */
    w64(TL3 + 32, S1_PAGE(0x80005000ULL, 1, 1, 0));
    r = run(&x);
    CHECK_EQ(r.attr, 0x04);
    CHECK_EQ(r.sh, 2);
    CHECK_EQ(r.axcache, 0x1);
}

/* ---- fault priority (§7.3.22) ----------------------------------------------------------- */

TEST(model_priority)
{
    env();
    uint64_t s[8], cd[8];
    smmu_model_txn_t x;
    smmu_model_result_t r;
    s1_setup();
    s1_chain(S1_PAGE(0x80005000ULL, 0, 3, 3));

    /* C_BAD_STREAMID before F_STE_FETCH: an out-of-range SID never reads. */
    abort_range(0, ~0ULL);
    x = txn(0x200, VA_STD, false, 0);
    r = run(&x);
    EXPECT_FAULT(r, EVT_C_BAD_STREAMID);
    CHECK_EQ(r.reads, 0);
    g_mem.nab = 0;
    /* C_BAD_STE before C_BAD_SUBSTREAMID. */
    ste_s1(s, CD_PA);
    SET(s, STE_S1STALLD, 1);
    put_ste(1, s);
    x = txn(1, VA_STD, false, 0);
    x.ssv = true;
    r = run(&x);
    EXPECT_FAULT(r, EVT_C_BAD_STE);
    /* C_BAD_SUBSTREAMID before the CD is fetched (reads = STE only). */
    SET(s, STE_S1STALLD, 0);
    put_ste(1, s);
    r = run(&x);
    EXPECT_FAULT(r, EVT_C_BAD_SUBSTREAMID);
    CHECK_EQ(r.reads, 1);
    /* C_BAD_CD before the VA range check. */
    cd_std(cd, TL0);
    SET(cd, CD_T0SZ, 40);
    put_cd(CD_PA, cd);
    x = txn(1, 0xFF00000000000000ULL, false, 0);
    r = run(&x);
    EXPECT_FAULT(r, EVT_C_BAD_CD);
    /* F_ACCESS before F_PERMISSION: AF = 0 on a read-only page written. */
    cd_std(cd, TL0);
    put_cd(CD_PA, cd);
    w64(TL3 + 32, S1_PAGE(0x80005000ULL, 0, 3, 3) & ~D_AF);
    x = txn(1, VA_STD, true, 0);
    r = run(&x);
    EXPECT_FAULT(r, EVT_F_ACCESS);
    /* F_WALK_EABT at a level before that level's descriptor is looked at; the
     * earlier F_TRANSLATION of a later level never happens. */
    w64(TL3 + 32, 0);
    abort_range(TL2 + 24, TL2 + 24);
    r = run(&x);
    EXPECT_FAULT(r, EVT_F_WALK_EABT);
}

/* ---- implementation parameters --------------------------------------------------------- */

TEST(model_oas_params)
{
    smmu_model_params_t p;
    uint64_t s[8];
    smmu_model_txn_t x = txn(3, 1ULL << 40, false, 0);
    smmu_model_result_t r;
    env();
    smmu_model_default_params(&p);
    p.oas_bits = 40;
    smmu_model_init(&g_m, &p);
    g_m.read64 = tmem_read;
    g_m.smmuen = true;
    g_m.strtab_base = STRTAB;
    g_m.strtab_base_cfg = 8;
    /* OAS 40: an STE-bypass input at 2^40 is F_ADDR_SIZE; 2^40 - 4 KB passes. */
    ste_bypass(s);
    put_ste(3, s);
    r = run(&x);
    EXPECT_FAULT(r, EVT_F_ADDR_SIZE);
    x.addr = (1ULL << 40) - 0x1000;
    r = run(&x);
    EXPECT_OK(r);
    /* SL0 2 (start level 0) needs a PA size of 44 bits: C_BAD_STE with OAS 40
     * [project decision]; the S2T0SZ floor is 64 - 40 = 24. */
    memset(s, 0, sizeof s);
    SET(s, STE_V, 1);
    SET(s, STE_CONFIG, 6);
    ste_s2_fields(s, 24, 2, 0x500000);
    put_ste(3, s);
    r = run(&x);
    EXPECT_FAULT(r, EVT_C_BAD_STE);
    SET(s, STE_S2T0SZ, 23);
    SET(s, STE_S2SL0, 1);
    put_ste(3, s);
    r = run(&x);
    EXPECT_FAULT(r, EVT_C_BAD_STE);
    /* S2T0SZ 24 with SL0 1 is legal at OAS 40 (two concatenated level-1 tables). */
    SET(s, STE_S2T0SZ, 24);
    put_ste(3, s);
    w64(0x500000 + 8 * 1023, S2_BLOCK(0xFFC0000000ULL, 0xF, 3, 3));
    x.addr = 0xFFC0001000ULL; /* IPA[39:30] = 0x3FF -> entry 1023 */
    r = run(&x);
    EXPECT_OK(r);
    CHECK_EQ(r.pa, 0xFFC0001000ULL);
}

/* ---- the SMMU's own reads: addresses, order and attributes (IHI 0070 §13.8) ------------- */

#define CR1_TABLE(ic, oc, sh) ((uint32_t)(ic) << 6 | (uint32_t)(oc) << 8 | (uint32_t)(sh) << 10)
#define CR1_QUEUE(ic, oc, sh) ((uint32_t)(ic) | (uint32_t)(oc) << 2 | (uint32_t)(sh) << 4)

static void check_rd(test_ctx_t *t, const smmu_model_result_t *r, unsigned i, unsigned kind,
                     uint64_t pa, unsigned cache, unsigned domain)
{
    CHECK(i < r->nrd, "read %u missing (%u reads)", i, r->nrd);
    if (i >= r->nrd)
        return;
    CHECK(r->rd[i].kind == kind && r->rd[i].pa == pa && r->rd[i].axcache == cache &&
              r->rd[i].axdomain == domain,
          "read %u: kind %u pa 0x%llx cache 0x%x domain %u, expected kind %u pa 0x%llx "
          "cache 0x%x domain %u", i, r->rd[i].kind, (unsigned long long)r->rd[i].pa,
          r->rd[i].axcache, r->rd[i].axdomain, kind, (unsigned long long)pa, cache, domain);
}

TEST(model_table_read_attrs)
{
    smmu_model_t *m = env();
    smmu_model_txn_t x = txn(1, VA_STD, false, 0);
    smmu_model_result_t r;
    uint64_t s[8], cd[8];
    s1_setup();
    s1_chain(S1_PAGE(0x80005000ULL, 0, 1, 3));
    /* Stream table WB/WB ISH, STRTAB_BASE.RA = 0. STE.S1CIR 01 (WB RA), S1COR 11 (WB,
     * *no* Read-Allocate: §5.2), S1CSH OSH. CD.IR0 01, OR0 11 (WB RA, no WA: §5.4), SH0
     * ISH. */
    m->cr1 = CR1_TABLE(1, 1, 3);
    ste_s1(s, CD_PA);
    SET(s, STE_S1CIR, 1);
    SET(s, STE_S1COR, 3);
    SET(s, STE_S1CSH, 2);
    put_ste(1, s);
    cd_std(cd, TL0);
    SET(cd, CD_IR0, 1);
    SET(cd, CD_OR0, 3);
    SET(cd, CD_SH0, 3);
    put_cd(CD_PA, cd);
    r = run(&x);
    EXPECT_OK(r);
    CHECK_EQ(r.nrd, 6);
    CHECK_EQ(r.nrd, r.reads);
    /* AMBA carries the outer level: WB read with RA 0 -> ARCACHE 1011 (no read-allocate;
     * the write-allocate hint of a read-only structure is 1 by the model's choice, which
     * ARCACHE 1011 shows either way); ISH -> ARDOMAIN 1 (Inner). */
    check_rd(t, &r, 0, SMMU_MODEL_RD_STE, STRTAB + 64, 0xB, 1);
    /* S1COR 11 is WB without read-allocate -> 1011; OSH -> 2. */
    check_rd(t, &r, 1, SMMU_MODEL_RD_CD, CD_PA, 0xB, 2);
    /* OR0 11: WB RA, no WA -> ARCACHE {WA 0, RA 1, 1, 1} = 0111; ISH -> 1. Levels 0..3 at
     * the VA_STD indices 1, 2, 3, 4. */
    check_rd(t, &r, 2, SMMU_MODEL_RD_S1, TL0 + 8, 0x7, 1);
    check_rd(t, &r, 3, SMMU_MODEL_RD_S1, TL1 + 16, 0x7, 1);
    check_rd(t, &r, 4, SMMU_MODEL_RD_S1, TL2 + 24, 0x7, 1);
    check_rd(t, &r, 5, SMMU_MODEL_RD_S1, TL3 + 32, 0x7, 1);
    CHECK_EQ(r.rd[5].level, 3);

    /* STRTAB_BASE.RA = 1 -> 1111; S1COR 01 (WB RA) -> 1111; OR0 01 (WB RA WA) -> 1111. */
    m->strtab_base = STRTAB | 1ULL << 62;
    SET(s, STE_S1COR, 1);
    put_ste(1, s);
    SET(cd, CD_OR0, 1);
    put_cd(CD_PA, cd);
    r = run(&x);
    check_rd(t, &r, 0, SMMU_MODEL_RD_STE, STRTAB + 64, 0xF, 1);
    check_rd(t, &r, 1, SMMU_MODEL_RD_CD, CD_PA, 0xF, 2);
    check_rd(t, &r, 2, SMMU_MODEL_RD_S1, TL0 + 8, 0xF, 1);
    /* A Write-Through outer level is not iWB-oWB: Normal Non-cacheable 0011, System. */
    SET(cd, CD_OR0, 2);
    put_cd(CD_PA, cd);
    r = run(&x);
    check_rd(t, &r, 3, SMMU_MODEL_RD_S1, TL1 + 16, 0x3, 3);
    /* Non-cacheable both: SH0 is ignored (Outer Shareable), AMBA System anyway. */
    SET(cd, CD_IR0, 0);
    SET(cd, CD_OR0, 0);
    put_cd(CD_PA, cd);
    r = run(&x);
    check_rd(t, &r, 4, SMMU_MODEL_RD_S1, TL2 + 24, 0x3, 3);
    /* CR1.TABLE_OC WT, or IC = OC = 0b11 (reserved, treated as NC): 0011, System. */
    m->cr1 = CR1_TABLE(1, 2, 3);
    r = run(&x);
    check_rd(t, &r, 0, SMMU_MODEL_RD_STE, STRTAB + 64, 0x3, 3);
    m->cr1 = CR1_TABLE(3, 3, 3);
    r = run(&x);
    check_rd(t, &r, 0, SMMU_MODEL_RD_STE, STRTAB + 64, 0x3, 3);
    /* TABLE_SH 0b01 (reserved, NSH) with WB: ARDOMAIN 0. */
    m->cr1 = CR1_TABLE(1, 1, 1);
    r = run(&x);
    check_rd(t, &r, 0, SMMU_MODEL_RD_STE, STRTAB + 64, 0xF, 0);

    /* A fault keeps the reads up to and including the one that faulted: an invalid L2
     * descriptor -> STE, CD, L0, L1, L2. */
    w64(TL2 + 3 * 8, 0);
    r = run(&x);
    EXPECT_FAULT(r, EVT_F_TRANSLATION);
    CHECK_EQ(r.nrd, 5);
    check_rd(t, &r, 4, SMMU_MODEL_RD_S1, TL2 + 24, 0x3, 3);

    /* 2-level stream table, SPLIT 6: the L1STD (8 bytes at STRTAB) with the table
     * attributes, then the STE in the level-2 array at 0x180000. */
    w64(STRTAB, 0x180000ULL | 7); /* SPAN 7: 64 STEs */
    put_ste_at(0x180000ULL + 64, s);
    m->strtab_base_cfg = 1u << SMMU_STRTAB_BASE_CFG_FMT_SHIFT | 6u << SMMU_STRTAB_BASE_CFG_SPLIT_SHIFT | 8;
    m->cr1 = CR1_TABLE(1, 1, 2);
    r = run(&x);
    check_rd(t, &r, 0, SMMU_MODEL_RD_L1STD, STRTAB, 0xF, 2);
    check_rd(t, &r, 1, SMMU_MODEL_RD_STE, 0x180040ULL, 0xF, 2);
}

TEST(model_queue_attrs)
{
    uint8_t c = 0, d = 0;
    /* QUEUE WB/WB OSH: a command fetch with CMDQ_BASE.RA 1 -> 1111, 0 -> 1011; an event
     * write with EVENTQ_BASE.WA 1 -> 1111, 0 -> 0111 (the read-allocate hint of a write
     * is 1, the model's choice); OSH -> 2. */
    smmu_model_cr1_attr(CR1_QUEUE(1, 1, 2), true, true, false, &c, &d);
    CHECK(c == 0xF && d == 2, "cmdq RA: 0x%x %u", c, d);
    smmu_model_cr1_attr(CR1_QUEUE(1, 1, 2), true, false, false, &c, &d);
    CHECK(c == 0xB && d == 2, "cmdq no RA: 0x%x %u", c, d);
    smmu_model_cr1_attr(CR1_QUEUE(1, 1, 2), true, true, true, &c, &d);
    CHECK(c == 0xF && d == 2, "evtq WA: 0x%x %u", c, d);
    smmu_model_cr1_attr(CR1_QUEUE(1, 1, 2), true, false, true, &c, &d);
    CHECK(c == 0x7 && d == 2, "evtq no WA: 0x%x %u", c, d);
    /* Inner NC: not iWB-oWB -> 0011 System; both NC: SH ignored, 0011 System. */
    smmu_model_cr1_attr(CR1_QUEUE(0, 1, 3), true, true, false, &c, &d);
    CHECK(c == 0x3 && d == 3, "inner NC: 0x%x %u", c, d);
    smmu_model_cr1_attr(CR1_QUEUE(0, 0, 0), true, true, true, &c, &d);
    CHECK(c == 0x3 && d == 3, "NC: 0x%x %u", c, d);
    /* The TABLE_* fields do not affect the queues, nor QUEUE_* the tables. */
    smmu_model_cr1_attr(CR1_TABLE(1, 1, 3), true, true, false, &c, &d);
    CHECK(c == 0x3 && d == 3, "queues from TABLE_*: 0x%x %u", c, d);
    smmu_model_cr1_attr(CR1_QUEUE(1, 1, 3) | CR1_TABLE(1, 1, 3), false, true, false, &c, &d);
    CHECK(c == 0xF && d == 1, "tables ISH: 0x%x %u", c, d);
}

TEST(model_nested_read_attrs)
{
    smmu_model_t *m = env();
    uint64_t s[8], cd[8], leaf_cd;
    smmu_model_txn_t x = txn(6, VA_STD, false, 0);
    smmu_model_result_t r;
    nested_setup(s, cd, S1_PAGE(0x20000000ULL, 0, 1, 3));
    m->cr1 = CR1_TABLE(1, 1, 3);
    /* STE read: WB/WB ISH with STRTAB_BASE.RA 0 -> 1011, 1. Stage-2 walk reads: S2IR0/S2OR0 01 (WB RA WA), S2SH0 OSH -> 1111, 2. CD fetch:
     * S1CIR/S1COR 01, S1CSH ISH, combined with the CD page's stage-2 leaf (MemAttr 0xF,
     * ISH; no FWB: WB stays WB with the walk's hints) -> 1111, ISH 1. Stage-1 reads: CD
     * IR0/OR0 11 (WB RA, no WA), SH0 ISH, combined with the table pages' leaves (0xF,
     * ISH) -> 0111, 1. */
    SET(s, STE_S2IR0, 1);
    SET(s, STE_S2OR0, 1);
    SET(s, STE_S2SH0, 2);
    SET(s, STE_S1CIR, 1);
    SET(s, STE_S1COR, 1);
    SET(s, STE_S1CSH, 3);
    put_ste(6, s);
    SET(cd, CD_IR0, 3);
    SET(cd, CD_OR0, 3);
    SET(cd, CD_SH0, 3);
    put_cd(0x50000000ULL, cd);
    r = run(&x);
    EXPECT_OK(r);
    CHECK_EQ(r.nrd, 30);
    check_rd(t, &r, 0, SMMU_MODEL_RD_STE, STRTAB + 6 * 64, 0xB, 1); /* STRTAB_BASE.RA 0 */
    for (unsigned i = 1; i <= 4; i++) {
        check_rd(t, &r, i, SMMU_MODEL_RD_S2, r.rd[i].pa, 0xF, 2);
        CHECK_EQ(r.rd[i].cls, CLS_CD);
    }
    check_rd(t, &r, 5, SMMU_MODEL_RD_CD, 0x50000000ULL, 0xF, 1);
    /* each stage-1 level: the stage-2 walk of its table's IPA (CLASS TT), then the read at
     * the PA that walk gave */
    for (unsigned l = 0; l < 4; l++) {
        for (unsigned i = 6 + 5 * l; i < 10 + 5 * l; i++) {
            CHECK_EQ(r.rd[i].kind, SMMU_MODEL_RD_S2);
            CHECK_EQ(r.rd[i].cls, CLS_TT);
        }
        check_rd(t, &r, 10 + 5 * l, SMMU_MODEL_RD_S1, 0x50001000ULL + 0x1000 * l + 8 * (l + 1),
                 0x7, 1);
    }
    for (unsigned i = 26; i < 30; i++) {
        CHECK_EQ(r.rd[i].kind, SMMU_MODEL_RD_S2);
        CHECK_EQ(r.rd[i].cls, CLS_IN);
        CHECK_EQ(r.rd[i].axcache, 0xF);
    }
    /* The CD page mapped oNC-iWB (MemAttr 0b0111): the outer level becomes NC -> the CD
     * read is Normal Non-cacheable, System. */
    leaf_cd = map_page(S2ROOT, 0, 0x10000000ULL, S2_PAGE(0x50000000ULL, 0x7, 3, 3));
    r = run(&x);
    check_rd(t, &r, 5, SMMU_MODEL_RD_CD, 0x50000000ULL, 0x3, 3);
    /* S2FWB with MemAttr 0b110 forces write-back: a Non-cacheable CD fetch (S1CIR/COR 00,
     * OSH as NC) comes out WB RWA -> 1111, OSH 2. */
    SET(s, STE_S2FWB, 1);
    SET(s, STE_S1CIR, 0);
    SET(s, STE_S1COR, 0);
    put_ste(6, s);
    w64(leaf_cd, S2_PAGE(0x50000000ULL, 0x6, 3, 3));
    r = run(&x);
    check_rd(t, &r, 5, SMMU_MODEL_RD_CD, 0x50000000ULL, 0xF, 2);
    /* The CD page stage-2 Device-nGnRE with S2PTW = 0 (and IDR3.PTWNNC = 0): the fetch is
     * allowed and is a Device read -> ARCACHE 0001, System. */
    SET(s, STE_S2FWB, 0);
    put_ste(6, s);
    w64(leaf_cd, S2_PAGE(0x50000000ULL, 0x1, 3, 3));
    r = run(&x);
    EXPECT_OK(r);
    check_rd(t, &r, 5, SMMU_MODEL_RD_CD, 0x50000000ULL, 0x1, 3);
}

TEST(model_wrong_type_descriptors)
{
    env();
    uint64_t s[8], cd[8];
    smmu_model_result_t r;
    /* Stage 2 only, start level 0 (S2T0SZ 16, S2SL0 2), tables from 0x6E00000. */
    const uint64_t root = 0x6E00000ULL;
    memset(s, 0, 64);
    SET(s, STE_V, 1);
    SET(s, STE_CONFIG, 6);
    SET(s, STE_SHCFG, 1);
    ste_s2_fields(s, 16, 2, root);
    put_ste(7, s);
    /* 0b01 (a block) at level 0 does not exist with the 4 KB granule: stage-2
     * F_TRANSLATION, CLASS IN, IPA = the input, after one read (STE + 1). */
    w64(root + 8, 0x8000000000ULL | D_AF | 0xFC | 1);
    smmu_model_txn_t x = txn(7, 0x8000001000ULL, false, 0);
    r = run(&x);
    EXPECT_FAULT(r, EVT_F_TRANSLATION);
    EXPECT_EVT(r, EV0(0x10, 7), EV1(1, 0, 0, 1, CLS_IN), 0x8000001000ULL, 0x8000001000ULL);
    CHECK_EQ(r.reads, 2);
    /* 0b01 at level 3 (only pages there): F_TRANSLATION after 4 levels. */
    map_page(root, 0, 0x40001000ULL, S2_PAGE(0x90001000ULL, 0xF, 3, 3) & ~2ULL);
    x.addr = 0x40001008ULL;
    r = run(&x);
    EXPECT_FAULT(r, EVT_F_TRANSLATION);
    EXPECT_EVT(r, EV0(0x10, 7), EV1(1, 0, 0, 1, CLS_IN), 0x40001008ULL, 0x40001000ULL);
    CHECK_EQ(r.reads, 5);
    /* 0b01 at level 1 is a 1 GB block with the 4 KB granule: it translates. */
    uint64_t l1 = r64(root) & 0x0000FFFFFFFFF000ULL; /* the level-1 table of IPA 0..512 GB */
    w64(l1 + 8 * 2, S2_BLOCK(0xC0000000ULL, 0xF, 3, 3));
    x.addr = 0x80012345ULL;
    r = run(&x);
    EXPECT_OK(r);
    CHECK_EQ(r.pa, 0xC0012345ULL);

    /* Nested (sid 6): a stage-1 table page (IPA 0x3000_2000, the level-1 table) mapped by
     * a stage-2 0b01 at level 3 -> stage-2 F_TRANSLATION, CLASS TT, IPA of the level-1
     * descriptor (0x3000_2010, bits [55:12] recorded); reads STE, 4 + CD, 4 + L0, 4. */
    nested_setup(s, cd, S1_PAGE(0x20000000ULL, 0, 1, 3));
    map_page(S2ROOT, 0, 0x30002000ULL, S2_PAGE(0x50002000ULL, 0xF, 3, 3) & ~2ULL);
    x = txn(6, VA_STD, false, 0);
    r = run(&x);
    EXPECT_FAULT(r, EVT_F_TRANSLATION);
    EXPECT_EVT(r, EV0(0x10, 6), EV1(1, 0, 0, 1, CLS_TT), VA_STD, 0x30002000ULL);
    CHECK_EQ(r.reads, 15);
    map_page(S2ROOT, 0, 0x30002000ULL, S2_PAGE(0x50002000ULL, 0xF, 3, 3));
    /* The final IPA's stage-2 leaf 0b01 at level 3: CLASS IN, IPA 0x2000_0000 (+ offset
     * 0x567 not recorded below bit 12). */
    map_page(S2ROOT, 0, 0x20000000ULL, S2_PAGE(0x60000000ULL, 0xF, 3, 3) & ~2ULL);
    r = run(&x);
    EXPECT_FAULT(r, EVT_F_TRANSLATION);
    EXPECT_EVT(r, EV0(0x10, 6), EV1(1, 0, 0, 1, CLS_IN), VA_STD, 0x20000000ULL);
    CHECK_EQ(r.reads, 30);
    /* The stage-1 leaf itself 0b01 at level 3: stage-1 F_TRANSLATION (S2 0). */
    map_page(S2ROOT, 0, 0x20000000ULL, S2_PAGE(0x60000000ULL, 0xF, 3, 3));
    w64(0x50004000ULL + 4 * 8, S1_PAGE(0x20000000ULL, 0, 1, 3) & ~2ULL);
    r = run(&x);
    EXPECT_FAULT(r, EVT_F_TRANSLATION);
    CHECK_EQ(r.evt[1] & (1ULL << 39), 0);
    CHECK_EQ(r.reads, 26);
}

TEST(model_cd_epd_endi)
{
    env();
    smmu_model_txn_t x = txn(1, VA_STD, false, 0);
    smmu_model_result_t r;
    uint64_t cd[8], s[8];
    s1_setup();
    s1_chain(S1_PAGE(0x80005000ULL, 0, 1, 3));
    /* EPD0 = EPD1 = 1 with ENDI = 1: ENDI matters only for an enabled half (§5.4, CdIllegal),
     * so the CD is valid and every access is a stage-1 F_TRANSLATION (CLASS IN, after STE +
     * CD), not C_BAD_CD. */
    cd_std(cd, TL0);
    SET(cd, CD_EPD0, 1);
    SET(cd, CD_EPD1, 1);
    SET(cd, CD_ENDI, 1);
    put_cd(CD_PA, cd);
    r = run(&x);
    EXPECT_FAULT(r, EVT_F_TRANSLATION);
    EXPECT_EVT(r, EV0(0x10, 1), EV1(1, 0, 0, 0, CLS_IN), VA_STD, 0);
    CHECK_EQ(r.reads, 2);
    x.addr = 0xFFFF008080604567ULL; /* the TTB1 half */
    r = run(&x);
    EXPECT_FAULT(r, EVT_F_TRANSLATION);
    x.addr = VA_STD;
    /* ... also with every field of both halves out of range (not checked when disabled). */
    SET(cd, CD_T0SZ, 0);
    SET(cd, CD_TG0, 3);
    SET(cd, CD_TTB0, (1ULL << 47) >> 4);
    SET(cd, CD_T1SZ, 63);
    SET(cd, CD_TG1, 0);
    put_cd(CD_PA, cd);
    r = run(&x);
    EXPECT_FAULT(r, EVT_F_TRANSLATION);
    /* TTB1 enabled (valid fields) with ENDI = 1: C_BAD_CD. */
    cd_std(cd, TL0);
    SET(cd, CD_EPD0, 1);
    SET(cd, CD_EPD1, 0);
    SET(cd, CD_ENDI, 1);
    put_cd(CD_PA, cd);
    r = run(&x);
    EXPECT_FAULT(r, EVT_C_BAD_CD);
    /* EL2 StreamWorld (STRW = 0b10, E2H = 0): EPDx act as 0, so TTB0 is enabled and
     * ENDI = 1 is C_BAD_CD. */
    SET(cd, CD_EPD1, 1);
    put_cd(CD_PA, cd);
    ste_s1(s, CD_PA);
    SET(s, STE_STRW, 2);
    put_ste(1, s);
    r = run(&x);
    EXPECT_FAULT(r, EVT_C_BAD_CD);
}

/* ---- 16 KB and 64 KB granules (Arm ARM D8.2, D8.3; IHI 0070 5.2 S2TG, 5.4 TG0/TG1) ----
 * A granule of 2^g bytes holds 2^(g - 3) descriptors, so each level resolves g - 3 bits
 * (16 KB: 11, 64 KB: 13) and level L maps 2^(g + (g - 3) * (3 - L)) bytes: 16 KB pages,
 * 32 MB level-2 blocks; 64 KB pages, 512 MB level-2 blocks. Without DS / 52-bit PAs
 * neither has a level-1 block. */

TEST(model_s1_gran16k)
{
    env();
    smmu_model_result_t r;
    uint64_t cd[8];
    s1_setup();
    /* TG0 = 0b10 (16 KB), T0SZ 16: 48 - 14 = 34 bits in ceil(34 / 11) = 4 levels, start
     * level 0 resolving 34 - 33 = 1 bit (VA[47]); L1 VA[46:36], L2 VA[35:25], L3
     * VA[24:14], offset VA[13:0].
     * VA = 1 << 47 | 2 << 36 | 3 << 25 | 4 << 14 | 0x1234 = 0x8020_0601_1234. */
    const uint64_t va = 0x0000802006011234ULL;
    cd_std(cd, 0x340000);
    SET(cd, CD_TG0, 2);
    put_cd(CD_PA, cd);
    w64(0x340000 + 1 * 8, D_TABLE(0x344000));
    w64(0x344000 + 2 * 8, D_TABLE(0x348000));
    w64(0x348000 + 3 * 8, D_TABLE(0x34C000));
    w64(0x34C000 + 4 * 8, S1_PAGE(0x8000C000ULL, 0, 1, 3));
    smmu_model_txn_t x = txn(1, va, false, 0);
    /* 16 KB page: PA = 0x8000_C000 | VA[13:0] = 0x8000_D234; STE + CD + 4 reads. */
    r = run(&x);
    EXPECT_OK(r);
    CHECK_EQ(r.pa, 0x8000D234ULL);
    CHECK_EQ(r.reads, 6);
    CHECK(r.nrd == 6 && r.rd[2].pa == 0x340008 && r.rd[3].pa == 0x344010 &&
              r.rd[4].pa == 0x348018 && r.rd[5].pa == 0x34C020 && r.rd[5].level == 3,
          "16 KB descriptor addresses and levels");
    /* A page descriptor's address bits [13:12] are below the granule: ignored. */
    w64(0x34C000 + 4 * 8, S1_PAGE(0x8000C000ULL | 0x3000, 0, 1, 3));
    r = run(&x);
    CHECK_EQ(r.pa, 0x8000D234ULL);
    /* So are a table descriptor's: L2[3] -> 0x34C000 | 0x2000 still walks 0x34C000. */
    w64(0x348000 + 3 * 8, D_TABLE(0x34C000 | 0x2000));
    r = run(&x);
    CHECK_EQ(r.pa, 0x8000D234ULL);
    w64(0x348000 + 3 * 8, D_TABLE(0x34C000));
    /* 32 MB block at level 2: PA = 0x4200_0000 + VA[24:0] (0x1_1234); 5 reads. */
    w64(0x348000 + 3 * 8, S1_BLOCK(0x42000000ULL, 0, 1, 3));
    r = run(&x);
    EXPECT_OK(r);
    CHECK_EQ(r.pa, 0x42011234ULL);
    CHECK_EQ(r.reads, 5);
    /* 0b01 at level 1 is no block with 16 KB (DS = 0): stage-1 F_TRANSLATION, 4 reads. */
    w64(0x344000 + 2 * 8, S1_BLOCK(0x1000000000ULL, 0, 1, 3));
    r = run(&x);
    EXPECT_FAULT(r, EVT_F_TRANSLATION);
    CHECK_EQ(r.reads, 4);
    /* 0b01 at level 0 is none either (that slot is a table above). */
    w64(0x340000 + 1 * 8, S1_BLOCK(0x800000000000ULL, 0, 1, 3));
    r = run(&x);
    EXPECT_FAULT(r, EVT_F_TRANSLATION);
    CHECK_EQ(r.reads, 3);

    /* T0SZ 25 (39 bits): 25 bits in 3 levels, start level 1 resolving 25 - 22 = 3 bits
     * (VA[38:36]), an 8-entry, 64-byte start table. TTB0 = 0x350040 (64-byte aligned).
     * VA 0x20_0601_1234: L1 index 2, then L2 index 3, L3 index 4 as above. */
    cd_std(cd, 0x350040);
    SET(cd, CD_TG0, 2);
    SET(cd, CD_T0SZ, 25);
    put_cd(CD_PA, cd);
    w64(0x350040 + 2 * 8, D_TABLE(0x348000));
    w64(0x348000 + 3 * 8, D_TABLE(0x34C000));
    x.addr = 0x2006011234ULL;
    r = run(&x);
    EXPECT_OK(r);
    CHECK_EQ(r.pa, 0x8000D234ULL);
    CHECK_EQ(r.reads, 5);
    /* T0SZ 39 (25 bits): 11 bits at level 3 only, after 14 offset bits; a single read.
     * VA 0x1AB_CDEF: index VA[24:14] = 0x6AF, offset VA[13:0] = 0xDEF. */
    SET(cd, CD_T0SZ, 39);
    SET(cd, CD_TTB0, 0x360000ULL >> 4);
    put_cd(CD_PA, cd);
    w64(0x360000 + 0x6AF * 8, S1_PAGE(0x90000000ULL, 0, 1, 3));
    x.addr = 0x1ABCDEFULL;
    r = run(&x);
    EXPECT_OK(r);
    CHECK_EQ(r.pa, 0x90000DEFULL);
    CHECK_EQ(r.reads, 3);
    CHECK(r.rd[2].level == 3, "T0SZ 39 with 16 KB starts at level 3");
}

TEST(model_s1_gran64k)
{
    env();
    smmu_model_result_t r;
    uint64_t cd[8];
    s1_setup();
    /* TG0 = 0b01 (64 KB), T0SZ 16: 48 - 16 = 32 bits in ceil(32 / 13) = 3 levels, start
     * level 1 resolving 32 - 26 = 6 bits (VA[47:42], a 64-entry table); L2 VA[41:29],
     * L3 VA[28:16], offset VA[15:0].
     * VA = 5 << 42 | 7 << 29 | 9 << 16 | 0xABC8 = 0x1400_E009_ABC8. */
    const uint64_t va = 0x00001400E009ABC8ULL;
    cd_std(cd, 0x400000);
    SET(cd, CD_TG0, 1);
    put_cd(CD_PA, cd);
    w64(0x400000 + 5 * 8, D_TABLE(0x410000));
    w64(0x410000 + 7 * 8, D_TABLE(0x420000));
    w64(0x420000 + 9 * 8, S1_PAGE(0x123450000ULL, 0, 1, 3));
    smmu_model_txn_t x = txn(1, va, false, 0);
    /* 64 KB page: PA = 0x1_2345_0000 | VA[15:0]; STE + CD + 3 reads. */
    r = run(&x);
    EXPECT_OK(r);
    CHECK_EQ(r.pa, 0x12345ABC8ULL);
    CHECK_EQ(r.reads, 5);
    CHECK(r.rd[2].pa == 0x400028 && r.rd[2].level == 1 && r.rd[3].pa == 0x410038 &&
              r.rd[4].pa == 0x420048,
          "64 KB descriptor addresses");
    /* Address bits [15:12] of a 64 KB page descriptor (PA[51:48] only with 52-bit PAs)
     * are ignored. */
    w64(0x420000 + 9 * 8, S1_PAGE(0x123450000ULL | 0xF000, 0, 1, 3));
    r = run(&x);
    CHECK_EQ(r.pa, 0x12345ABC8ULL);
    /* 512 MB block at level 2: PA = 0x2_0000_0000 + VA[28:0] (0x9_ABC8); 4 reads. */
    w64(0x410000 + 7 * 8, S1_BLOCK(0x200000000ULL, 0, 1, 3));
    r = run(&x);
    EXPECT_OK(r);
    CHECK_EQ(r.pa, 0x20009ABC8ULL);
    CHECK_EQ(r.reads, 4);
    /* 0b01 at level 1 (4 TB) is no block without 52-bit PAs: F_TRANSLATION, 3 reads. */
    w64(0x400000 + 5 * 8, S1_BLOCK(0x40000000000ULL, 0, 1, 3));
    r = run(&x);
    EXPECT_FAULT(r, EVT_F_TRANSLATION);
    CHECK_EQ(r.reads, 3);
    /* A next-table address beyond the IPS: IPS 0b000 (32 bits), L1 -> 0x1_0000_0000:
     * stage-1 F_ADDR_SIZE. */
    SET(cd, CD_IPS, 0);
    put_cd(CD_PA, cd);
    w64(0x400000 + 5 * 8, D_TABLE(0x100000000ULL));
    r = run(&x);
    EXPECT_FAULT(r, EVT_F_ADDR_SIZE);

    /* T0SZ 39 (25 bits): 9 bits at level 3 only (a 512-entry, 4 KB start table).
     * VA 0x1AB_CDEF: index VA[24:16] = 0x1AB, offset 0xCDEF. */
    cd_std(cd, 0x430000);
    SET(cd, CD_TG0, 1);
    SET(cd, CD_T0SZ, 39);
    put_cd(CD_PA, cd);
    w64(0x430000 + 0x1AB * 8, S1_PAGE(0x77770000ULL, 0, 1, 3));
    x.addr = 0x1ABCDEFULL;
    r = run(&x);
    EXPECT_OK(r);
    CHECK_EQ(r.pa, 0x7777CDEFULL);
    CHECK_EQ(r.reads, 3);

    /* TTB1 with TG1 = 0b11 (64 KB), T1SZ 25 (39 bits): 23 bits in 2 levels, start level
     * 2 resolving 39 - 29 = 10 bits (VA[38:29], an 8 KB table), L3 VA[28:16].
     * VA = 0xFFFF_FF80_0000_0000 | 0x201 << 29 | 3 << 16 | 0x4560 = 0xFFFF_FFC0_2003_4560:
     * L2[0x201] at 0x501008, L3[3] at 0x510018 -> 0x7777_0000 | 0x4560. */
    cd_std(cd, 0x430000);
    SET(cd, CD_EPD1, 0);
    SET(cd, CD_T1SZ, 25);
    SET(cd, CD_TG1, 3);
    SET(cd, CD_TTB1, 0x500000ULL >> 4);
    put_cd(CD_PA, cd);
    w64(0x501008, D_TABLE(0x510000));
    w64(0x510018, S1_PAGE(0x77770000ULL, 0, 1, 3));
    x.addr = 0xFFFFFFC020034560ULL;
    r = run(&x);
    EXPECT_OK(r);
    CHECK_EQ(r.pa, 0x77774560ULL);
    CHECK_EQ(r.reads, 4);
    /* TG1 = 0b01 is 16 KB: the same T1SZ then has 25 bits in 3 levels from level 1 (3
     * bits, VA[38:36] = 4), L2 VA[35:25] = 1, L3 VA[24:14] = 0 for the VA below. */
    SET(cd, CD_TG1, 1);
    put_cd(CD_PA, cd);
    w64(0x500000 + 4 * 8, D_TABLE(0x520000));
    w64(0x520000 + 1 * 8, D_TABLE(0x524000));
    w64(0x524000, S1_PAGE(0x66664000ULL, 0, 1, 3));
    x.addr = 0xFFFFFFC002001234ULL;
    r = run(&x);
    EXPECT_OK(r);
    CHECK_EQ(r.pa, 0x66665234ULL);
    CHECK_EQ(r.reads, 5);
}

/* sid 4 as a stage-2-only stream with granule S2TG. */
static void s2_gran_ste(uint64_t *s, unsigned s2tg, unsigned t0sz, unsigned sl0, uint64_t ttb)
{
    memset(s, 0, 64);
    SET(s, STE_V, 1);
    SET(s, STE_CONFIG, 6);
    SET(s, STE_SHCFG, 1);
    ste_s2_fields(s, t0sz, sl0, ttb);
    SET(s, STE_S2TG, s2tg);
    put_ste(4, s);
}

TEST(model_s2_granules)
{
    smmu_model_t *m = env();
    uint64_t s[8];
    smmu_model_txn_t x;
    smmu_model_result_t r;

    /* 16 KB (S2TG 0b10), S2T0SZ 24 (40-bit IPA), SL0 1: start level 3 - 1 = 2, which
     * resolves 40 - 25 = 15 bits: 2^15 / 2^11 = 16 concatenated tables, 256 KB, aligned
     * to their size (0x600000). IPA = 0x4001 << 25 | 5 << 14 | 0xABC = 0x80_0201_4ABC:
     * level-2 index 0x4001 (the ninth table) at 0x620008, level-3 index 5. */
    s2_gran_ste(s, 2, 24, 1, 0x600000);
    w64(0x620008, D_TABLE(0x700000));
    w64(0x700000 + 5 * 8, S2_PAGE(0x30000C000ULL, 0xF, 3, 3));
    x = txn(4, 0x8002014ABCULL, false, 0);
    r = run(&x);
    EXPECT_OK(r);
    CHECK_EQ(r.pa, 0x30000CABCULL);
    CHECK_EQ(r.reads, 3);
    CHECK(r.rd[1].pa == 0x620008 && r.rd[1].level == 2 && r.rd[2].pa == 0x700028,
          "16 KB stage-2 descriptor addresses");
    /* 32 MB block at level 2: PA = 0x5_0200_0000 + IPA[24:0] (0x1_4ABC). */
    w64(0x620008, S2_BLOCK(0x502000000ULL, 0xF, 3, 3));
    r = run(&x);
    EXPECT_OK(r);
    CHECK_EQ(r.pa, 0x502014ABCULL);
    CHECK_EQ(r.reads, 2);
    /* SL0 2 (level 1) with 16 KB: 40 bits need 40 - 36 = 4 bits at level 1 (legal);
     * the Arm ARM's AArch64.S2InvalidSL wants a PA size of at least 42 bits: fine with
     * OAS 42, C_BAD_STE with OAS 40 [project decision, docs/subset.md]. The level-1
     * index of the IPA is IPA[39:36] = 8; 0b01 there is no block: F_TRANSLATION S2. */
    s2_gran_ste(s, 2, 24, 2, 0x600000);
    w64(0x600000 + 8 * 8, S2_BLOCK(0x8000000000ULL, 0xF, 3, 3));
    m->params.oas_bits = 42;
    r = run(&x);
    EXPECT_FAULT(r, EVT_F_TRANSLATION);
    EXPECT_EVT(r, EV0(0x10, 4), EV1(1, 0, 0, 1, CLS_IN), 0x8002014ABCULL, 0x8002014000ULL);
    CHECK_EQ(r.reads, 2);
    m->params.oas_bits = 40;
    r = run(&x);
    EXPECT_FAULT(r, EVT_C_BAD_STE);
    m->params.oas_bits = 48;
    /* SL0 0 (level 3) reaches at most 14 + 11 + 4 = 29 bits; SL0 3 (level 0) needs
     * DS: both ILLEGAL with a 40-bit IPA. */
    s2_gran_ste(s, 2, 24, 0, 0x600000);
    r = run(&x);
    EXPECT_FAULT(r, EVT_C_BAD_STE);
    s2_gran_ste(s, 2, 24, 3, 0x600000);
    r = run(&x);
    EXPECT_FAULT(r, EVT_C_BAD_STE);

    /* 64 KB (S2TG 0b01), S2T0SZ 22 (42-bit IPA), SL0 1: level 2 resolves 42 - 29 = 13
     * bits, one full 64 KB table at 0x800000. IPA = 0x1ABC << 29 | 0x123 << 16 | 0xFEDC
     * = 0x357_8123_FEDC: level-2 index 0x1ABC at 0x80D5E0, level-3 index 0x123 at
     * 0x900918 -> 0x4_5678_0000 | 0xFEDC. */
    s2_gran_ste(s, 1, 22, 1, 0x800000);
    w64(0x80D5E0, D_TABLE(0x900000));
    w64(0x900918, S2_PAGE(0x456780000ULL, 0xF, 3, 3));
    x = txn(4, 0x3578123FEDCULL, false, 0);
    r = run(&x);
    EXPECT_OK(r);
    CHECK_EQ(r.pa, 0x45678FEDCULL);
    CHECK_EQ(r.reads, 3);
    /* 512 MB block at level 2: PA = 0x6_0000_0000 + IPA[28:0] (0x123_FEDC). */
    w64(0x80D5E0, S2_BLOCK(0x600000000ULL, 0xF, 3, 3));
    r = run(&x);
    EXPECT_OK(r);
    CHECK_EQ(r.pa, 0x60123FEDCULL);
    /* SL0 0 with 64 KB starts at level 3: S2T0SZ 34 (30 bits) needs 30 - 16 = 14 bits
     * there, two concatenated 64 KB tables (128 KB at 0xA00000). IPA 0x2345_6788:
     * index IPA[29:16] = 0x2345 (the second table) at 0xA11A28. */
    s2_gran_ste(s, 1, 34, 0, 0xA00000);
    w64(0xA11A28, S2_PAGE(0x11110000ULL, 0xF, 3, 3));
    x = txn(4, 0x23456788ULL, false, 0);
    r = run(&x);
    EXPECT_OK(r);
    CHECK_EQ(r.pa, 0x11116788ULL);
    CHECK_EQ(r.reads, 2);
    /* ... and 0b01 at level 3 is a translation fault. */
    w64(0xA11A28, S2_PAGE(0x11110000ULL, 0xF, 3, 3) & ~2ULL);
    r = run(&x);
    EXPECT_FAULT(r, EVT_F_TRANSLATION);
    /* 64 KB SL0 3 is reserved; SL0 0 with 34 bits would need 18 bits at level 3: 32
     * tables, more than 16. */
    s2_gran_ste(s, 1, 34, 3, 0xA00000);
    r = run(&x);
    EXPECT_FAULT(r, EVT_C_BAD_STE);
    s2_gran_ste(s, 1, 30, 0, 0xA00000);
    r = run(&x);
    EXPECT_FAULT(r, EVT_C_BAD_STE);
    /* SL0 2 (level 1) with 64 KB needs 43..48 bits: S2T0SZ 16 (48) resolves 48 - 42 = 6
     * bits at level 1; S2T0SZ 22 (42 bits) is inconsistent there. */
    s2_gran_ste(s, 1, 16, 2, 0xB00000);
    w64(0xB00000, D_TABLE(0xB10000));
    w64(0xB10000, D_TABLE(0xB20000));
    w64(0xB20000 + 0x2345 / 0x10000 * 8, S2_PAGE(0x22220000ULL, 0xF, 3, 3));
    x = txn(4, 0x2345ULL, false, 0);
    r = run(&x);
    EXPECT_OK(r);
    CHECK_EQ(r.pa, 0x22222345ULL);
    CHECK_EQ(r.reads, 4);
    s2_gran_ste(s, 1, 22, 2, 0xB00000);
    r = run(&x);
    EXPECT_FAULT(r, EVT_C_BAD_STE);
}

/* Nested with a different granule at each stage: stage 1 16 KB over stage 2 64 KB.
 * Stage 2: S2TG 64 KB, S2T0SZ 22 (42 bits), SL0 1, one 8192-entry level-2 table at
 * 0x800000: entry 0 a 512 MB block IPA [0, 512 MB) -> PA 0x1_0000_0000 (the CD and the
 * stage-1 tables), entry 1 -> a level-3 table at 0x900000 whose entry 0 maps IPA
 * 0x2000_0000 (64 KB) -> PA 0x7_0000_0000.
 * Stage 1: TG0 16 KB, T0SZ 36 (28 bits): 14 bits in 2 levels from level 2 (3 bits,
 * VA[27:25]); L3 VA[24:14]. CD at IPA 0x10000, TTB0 IPA 0x20000, level-3 table IPA
 * 0x24000. VA 0x0A01_2345: L2 index 5 (IPA 0x20028), L3 index 4 (IPA 0x24020) -> output
 * IPA 0x2000_8000 | 0x2345; stage 2: L2 index 1, L3 index 0 -> PA 0x7_0000_A345. */
TEST(model_nested_mixed_granules)
{
    env();
    uint64_t s[8], cd[8];
    smmu_model_result_t r;
    memset(s, 0, 64);
    SET(s, STE_V, 1);
    SET(s, STE_CONFIG, 7);
    SET(s, STE_SHCFG, 1);
    SET(s, STE_S1CONTEXTPTR, 0x10000ULL >> 6);
    ste_s2_fields(s, 22, 1, 0x800000);
    SET(s, STE_S2TG, 1);
    put_ste(6, s);
    w64(0x800000, S2_BLOCK(0x100000000ULL, 0xF, 3, 3));
    w64(0x800008, D_TABLE(0x900000));
    w64(0x900000, S2_PAGE(0x700000000ULL, 0xF, 3, 3));
    cd_std(cd, 0x20000);
    SET(cd, CD_TG0, 2);
    SET(cd, CD_T0SZ, 36);
    put_cd(0x100010000ULL, cd);
    w64(0x100020000ULL + 5 * 8, D_TABLE(0x24000));
    w64(0x100024000ULL + 4 * 8, S1_PAGE(0x20008000ULL, 0, 1, 3));
    smmu_model_txn_t x = txn(6, 0x0A012345ULL, false, 0);
    /* Reads: STE, the CD IPA's stage-2 walk (1: the block), CD, per stage-1 level its
     * IPA's stage-2 walk (1) and the descriptor (1), the output IPA's walk (2) = 9. */
    r = run(&x);
    EXPECT_OK(r);
    CHECK_EQ(r.pa, 0x70000A345ULL);
    CHECK_EQ(r.reads, 9);
    CHECK(r.nrd == 9 && r.rd[2].pa == 0x100010000ULL && r.rd[4].pa == 0x100020028ULL &&
              r.rd[6].pa == 0x100024020ULL && r.rd[7].pa == 0x800008 && r.rd[8].pa == 0x900000,
          "nested mixed-granule read order");
    /* The stage-1 leaf is a 16 KB page over a 64 KB stage-2 page: the VA's neighbour
     * 16 KB up (L3 index 5, IPA 0x2000_C000) is the same stage-2 page, PA 0x7_0000_C000. */
    w64(0x100024000ULL + 5 * 8, S1_PAGE(0x2000C000ULL, 0, 1, 3));
    x.addr = 0x0A016345ULL;
    r = run(&x);
    EXPECT_OK(r);
    CHECK_EQ(r.pa, 0x70000E345ULL);
}
