/*
 * The translation engine against the RTL (smmu_xlate with smmu_cfg, the walk units
 * smmu_s1_walker and smmu_s2_walker, smmu_tlb):
 * hand-built stream tables, CDs and translation tables (written with mem_write64; no driver
 * page-table code), raw register set-up, the event queue read from memory, commands written
 * into the command queue directly. Every directed transaction also runs through the
 * reference model (tb/model/smmu_model.h) and the two must agree on the outcome, PA,
 * attribute, AxCACHE, AxDOMAIN, AxPROT and the event record (under the model's mask).
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "xlate_env.h"

/* ---- tests ------------------------------------------------------------------------- */

TEST(xlate_s1_4k_2m_1g)
{
    fx_t *f = fx_up(t, 0);
    stream_t s = {.config = STE_CFG_S1, .vmid = 3, .asid = 7};
    stream_setup(f, 1, &s);
    s1_map(f, &s, 0x0000123456789000ull, s1_leaf(3, 0x40001000ull, 2, 1, 3));
    s1_map(f, &s, 0x0000000080000000ull, s1_leaf(2, 0x40200000ull, 2, 1, 3));
    s1_map(f, &s, 0x0000004000000000ull, s1_leaf(1, 0x80000000ull, 2, 1, 3));
    mem_write64(t->sim, 0x40001ab8ull, 0x1122334455667788ull);

    dma_txn_t x = txn(1, 0x0000123456789ab8ull);
    uint64_t data = 0;
    smmu_model_result_t mr;
    dma_result_t r = run_cmp(f, "4K miss", &x, false, false, &mr);
    test_log(t, "S1 4K miss: %" PRIu64 " cycles, %" PRIu64 " table reads (model %u)", r.cycles,
             r.tbl_reads, mr.reads);
    uint64_t miss_cycles = r.cycles;
    CHECK_EQ(r.tbl_reads, 6); /* STE + CD + 4 levels */
    CHECK_EQ(mr.reads, 6);
    r = dma_read(t->sim, &x, &data);
    CHECK_EQ(data, 0x1122334455667788ull);
    CHECK_EQ(r.tbl_reads, 0);
    test_log(t, "S1 4K hit: %" PRIu64 " cycles", r.cycles);
    printf("  [xlate] S1 4K miss %" PRIu64 " cycles (6 reads), hit %" PRIu64 " cycles\n",
           miss_cycles, r.cycles);
    rw_cmp(f, "4K", &x);
    x.addr = 0x0000000080123458ull;
    rw_cmp(f, "2M", &x);
    x.addr = 0x0000004012345678ull & ~7ull;
    rw_cmp(f, "1G", &x);
    x.addr = 0x0000004000000000ull + 0x3fffff00ull;
    rw_cmp(f, "1G top", &x);
}

TEST(xlate_s2_concat)
{
    fx_t *f = fx_up(t, 0);
    /* 40-bit IPA, start level 1: two concatenated level-1 tables (IPA[39:30]) */
    stream_t s = {.config = STE_CFG_S2, .vmid = 9, .s2t0sz = 24, .s2sl0 = 1};
    stream_setup(f, 2, &s);
    CHECK_EQ(s.s2_sbits, 10);
    s2_map(f, &s, 0x0000008040003000ull, s2_leaf(3, 0x50003000ull, 0xf, 3, 3));
    s2_map(f, &s, 0x0000000000200000ull, s2_leaf(2, 0x50400000ull, 0xf, 3, 3));
    dma_txn_t x = txn(2, 0x0000008040003010ull);
    smmu_model_result_t mr;
    dma_result_t r = run_cmp(f, "S2 4K (second table)", &x, false, false, &mr);
    CHECK_EQ(r.tbl_reads, 4); /* STE + 3 levels */
    CHECK_EQ(mr.reads, 4);
    rw_cmp(f, "S2 4K", &x);
    x.addr = 0x0000000000312340ull;
    rw_cmp(f, "S2 2M", &x);
    x.addr = 1ull << 40; /* beyond S2T0SZ: stage-2 translation fault */
    rw_cmp(f, "S2 IPA beyond T0SZ", &x);
    x.addr = 1ull << 48; /* beyond IAS: stage-1 F_ADDR_SIZE */
    rw_cmp(f, "S2 input beyond IAS", &x);
    x.addr = 0x0000000000600000ull; /* unmapped */
    rw_cmp(f, "S2 unmapped", &x);
}

TEST(xlate_nested_4x4)
{
    fx_t *f = fx_up(t, 0);
    stream_t s = {.config = STE_CFG_NESTED, .vmid = 5, .asid = 1, .ste1 = STE_S2FWB_MASK};
    stream_setup(f, 3, &s);
    s1_map(f, &s, 0x0000007000001000ull, s1_leaf(3, 0x0000001000002000ull, 2, 1, 3));
    s2_map(f, &s, 0x0000001000002000ull, s2_leaf(3, 0x60005000ull, 0x6, 3, 3));
    mem_write64(t->sim, 0x60005040ull, 0xfeedfacecafebeefull);
    dma_txn_t x = txn(3, 0x0000007000001040ull);
    smmu_model_result_t mr;
    dma_result_t r = run_cmp(f, "nested miss", &x, false, false, &mr);
    test_log(t, "nested 4x4 miss: %" PRIu64 " cycles, %" PRIu64 " table reads (model %u)",
             r.cycles, r.tbl_reads, mr.reads);
    printf("  [xlate] nested 4x4 miss %" PRIu64 " cycles\n", r.cycles);
    /* Uncached: STE + (4 + CD) + 24 = 30, as the model lists. The walk caches keep the
     * CD's stage-2 walk (CD_PA: IPA 1 GB region 0, 2 MB region 8), so the stage-1 start
     * table (S1_POOL, 2 MB region 16) costs the stage-2 level-2 and level-3 descriptors,
     * the next three tables (same 2 MB) one each, the final IPA 0x1000002000 (another
     * 1 GB) three: STE + (4 + CD) + (2 + 1) + 3 x (1 + 1) + 3 = 18 */
    CHECK_EQ(r.tbl_reads, 18);
    CHECK_EQ(mr.reads, 30);
    const uint64_t miss_reads = r.tbl_reads;
    uint64_t data = 0;
    r = dma_read(t->sim, &x, &data);
    CHECK_EQ(data, 0xfeedfacecafebeefull);
    CHECK_EQ(r.tbl_reads, 0);
    test_log(t, "nested hit (AR accepted to R): %" PRIu64 " cycles", r.cycles);
    uint64_t hit = r.cycles;
    /* the same through an STE bypass stream */
    stream_t b = {.config = STE_CFG_BYPASS};
    stream_setup(f, 4, &b);
    dma_txn_t y = txn(4, 0x60005040ull);
    dma_read(t->sim, &y, &data);
    r = dma_read(t->sim, &y, &data);
    CHECK_EQ(data, 0xfeedfacecafebeefull);
    test_log(t, "STE bypass (config cached): %" PRIu64 " cycles; hit costs %" PRId64 " more",
             r.cycles, (int64_t)hit - (int64_t)r.cycles);
    uint64_t ste_byp = r.cycles;
    rw_cmp(f, "nested", &x);
    /* SMMUEN = 0, GBPA bypass: the port without the translation unit */
    cr0_set(f, SMMU_CR0_EVENTQEN_MASK | SMMU_CR0_CMDQEN_MASK);
    sim_reg_write32(t->sim, SMMU_GBPA, SMMU_GBPA_UPDATE_MASK | 1u << SMMU_GBPA_SHCFG_SHIFT);
    REQUIRE(sim_reg_poll32(t->sim, SMMU_GBPA, SMMU_GBPA_UPDATE_MASK, 0, POLLS), "GBPA");
    r = dma_read(t->sim, &y, &data);
    CHECK(r.resp == 0 && r.dn.addr == 0x60005040ull, "SMMUEN = 0 bypass");
    printf("  [xlate] nested 4x4 miss: %" PRIu64 " table reads; TLB hit %" PRIu64
           " cycles, STE bypass %" PRIu64 " cycles, SMMUEN = 0 bypass %" PRIu64 " cycles\n",
           miss_reads, hit, ste_byp, r.cycles);
}

/* Fault kinds, each with its event record, compared with the model. */
TEST(xlate_faults_s1)
{
    fx_t *f = fx_up(t, 0);
    stream_t s = {.config = STE_CFG_S1, .vmid = 1, .asid = 2, .t0sz = 25};
    stream_setup(f, 5, &s);
    s1_map(f, &s, 0x1000, s1_leaf(3, 0x41000000ull, 2, 2, 3));          /* RO, priv only */
    s1_map(f, &s, 0x2000, s1_leaf(3, 0x41001000ull, 2, 1, 3) & ~(1ull << 10)); /* AF = 0 */
    s1_map(f, &s, 0x3000, s1_leaf(3, 0x0001000000000000ull >> 1, 2, 1, 3)); /* OA 2^47 ok */
    s1_map(f, &s, 0x5000, s1_leaf(3, 0x41002000ull, 2, 1, 3) | 1ull << 54); /* UXN */
    dma_txn_t x = txn(5, 0x1000);
    rw_cmp(f, "RO page, unprivileged", &x);
    x.prot = 3;
    rw_cmp(f, "RO page, privileged", &x);
    x.prot = 2;
    x.addr = 0x2000;
    rw_cmp(f, "AF = 0", &x);
    x.addr = 0x3000;
    rw_cmp(f, "OA at 2^47", &x);
    x.addr = 0x4000;
    rw_cmp(f, "invalid leaf", &x);
    x.addr = 0x5000;
    x.prot = 6;
    run_cmp(f, "UXN instruction fetch", &x, false, false, NULL);
    x.prot = 2;
    x.addr = 1ull << 39; /* beyond T0SZ = 25 */
    rw_cmp(f, "VA beyond T0SZ", &x);
    x.addr = 0xffff800000001000ull; /* TTB1 half, EPD1 = 1 */
    rw_cmp(f, "EPD1 half", &x);
    x.addr = 0x5a00000000001000ull; /* top byte set, TBI0 = 0 */
    rw_cmp(f, "top byte without TBI", &x);

    /* CD.R = 0 suppresses the record, not the abort. Its own tree (stream_setup allocates
     * a new TTB0), so its own ASID: caches are tagged by {VMID, ASID}, and two CDs sharing
     * them must share the translation tables (IHI 0070 3.17) */
    stream_t q = s;
    q.cd0 = 0;
    q.asid = 3;
    stream_setup(f, 6, &q);
    uint64_t cd0 = mem_read64(t->sim, CD_PA + 0x6000);
    mem_write64(t->sim, CD_PA + 0x6000, cd0 & ~CD_R_MASK);
    x.sid = 6;
    x.addr = 0x4000;
    rw_cmp(f, "CD.R = 0", &x);
    /* Output beyond CD.IPS = 32 bits: stage-1 F_ADDR_SIZE */
    stream_t z = {.config = STE_CFG_S1, .vmid = 1, .asid = 5, .t0sz = 25};
    stream_setup(f, 4, &z);
    mem_write64(t->sim, CD_PA + 0x4000, mem_read64(t->sim, CD_PA + 0x4000) & ~CD_IPS_MASK);
    s1_map(f, &z, 0x1000, s1_leaf(3, 0x100000000ull, 2, 1, 3));
    s1_map(f, &z, 0x2000, s1_leaf(3, 0xfffff000ull, 2, 1, 3));
    x.sid = 4;
    x.addr = 0x1000;
    rw_cmp(f, "output beyond IPS", &x);
    x.addr = 0x2ff8;
    rw_cmp(f, "output at the top of IPS", &x);
    /* TBI0 on the same table */
    stream_t u = {.config = STE_CFG_S1, .vmid = 1, .asid = 3, .t0sz = 25, .cd0 = CD_TBI0_MASK};
    stream_setup(f, 7, &u);
    s1_map(f, &u, 0x1000, s1_leaf(3, 0x41003000ull, 2, 1, 3));
    x.sid = 7;
    x.addr = 0x5a00000000001008ull;
    rw_cmp(f, "TBI0 top byte", &x);
}

TEST(xlate_faults_nested)
{
    fx_t *f = fx_up(t, 0);
    stream_t s = {.config = STE_CFG_NESTED, .vmid = 2, .asid = 4, .ste1 = STE_S2FWB_MASK};
    stream_setup(f, 8, &s);
    s1_map(f, &s, 0x7000, s1_leaf(3, 0x0000001000010000ull, 2, 1, 3));
    s2_map(f, &s, 0x0000001000010000ull, s2_leaf(3, 0x61000000ull, 0x6, 1, 3)); /* read only */
    s1_map(f, &s, 0x8000, s1_leaf(3, 0x0000001000011000ull, 2, 1, 3));       /* IPA unmapped */
    dma_txn_t x = txn(8, 0x7000);
    rw_cmp(f, "S2 read-only final (CLASS IN)", &x);
    x.addr = 0x8000;
    rw_cmp(f, "S2 unmapped final IPA", &x);
    /* a stage-1 table page not mapped at stage 2: CLASS TT */
    stream_t n = {.config = STE_CFG_NESTED, .vmid = 3, .asid = 4};
    stream_setup(f, 9, &n);
    map(f, &f->s2_next, n.s2ttb, n.s2_start, n.s2_sbits, n.ttb0, s2_leaf(3, n.ttb0, 0xf, 3, 3));
    map(f, &f->s1_next, n.ttb0, n.s1_start, n.s1_sbits, 0x9000, s1_leaf(3, 0x1000, 2, 1, 3));
    x.sid = 9;
    x.addr = 0x9000;
    rw_cmp(f, "S2 fault on a stage-1 table (CLASS TT)", &x);
    /* S2AP without read on a stage-1 table: F_PERMISSION CLASS TT, TTRnW = 1 */
    {
        uint64_t l1 = mem_read64(t->sim, n.ttb0) & 0x0000fffffffff000ull;
        map(f, &f->s2_next, n.s2ttb, n.s2_start, n.s2_sbits, l1, s2_leaf(3, l1, 0xf, 2, 3));
        rw_cmp(f, "S2 permission on a stage-1 table (TTRnW)", &x);
    }
    /* S2R = 0 suppresses stage-2 records */
    stream_t q = {.config = STE_CFG_NESTED, .vmid = 4, .asid = 4};
    stream_setup(f, 10, &q);
    uint64_t d2 = mem_read64(t->sim, STRTAB_PA + 64 * 10 + 16);
    mem_write64(t->sim, STRTAB_PA + 64 * 10 + 16, d2 & ~STE_S2R_MASK);
    s1_map(f, &q, 0x7000, s1_leaf(3, 0x0000001000020000ull, 2, 1, 3));
    x.sid = 10;
    x.addr = 0x7000;
    rw_cmp(f, "S2R = 0", &x);
    /* the CD's IPA unmapped at stage 2 (CLASS CD) */
    stream_t c = {.config = STE_CFG_NESTED, .vmid = 5};
    stream_setup(f, 11, &c);
    mem_write64(t->sim, STRTAB_PA + 64 * 11, (mem_read64(t->sim, STRTAB_PA + 64 * 11) &
                                              ~STE_S1CONTEXTPTR_MASK) | 0x0000002000000000ull);
    x.sid = 11;
    rw_cmp(f, "S2 fault on the CD (CLASS CD)", &x);
}

TEST(xlate_faults_config)
{
    fx_t *f = fx_up(t, 0);
    stream_t s = {.config = STE_CFG_S1, .vmid = 1, .asid = 2};
    stream_setup(f, 12, &s);
    s1_map(f, &s, 0x1000, s1_leaf(3, 0x42000000ull, 2, 1, 3));
    dma_txn_t x = txn(12, 0x1000);
    rw_cmp(f, "good", &x);
    x.ssv = true;
    rw_cmp(f, "SSV on a cached S1 stream (C_BAD_SUBSTREAMID)", &x);
    /* C_BAD_STE: V = 0 */
    uint64_t ste[8] = {0};
    wr_struct(f, STRTAB_PA + 64 * 13, ste);
    x.sid = 13;
    x.ssv = false;
    rw_cmp(f, "C_BAD_STE (V = 0)", &x);
    x.ssv = true;
    rw_cmp(f, "C_BAD_STE before SSV", &x);
    x.ssv = false;
    /* Config abort: no event, also with SSV */
    ste[0] = STE_V_MASK;
    wr_struct(f, STRTAB_PA + 64 * 14, ste);
    x.sid = 14;
    rw_cmp(f, "Config abort", &x);
    x.ssv = true;
    rw_cmp(f, "Config abort with SSV", &x);
    x.ssv = false;
    /* C_BAD_CD: A = 0 */
    stream_t b = {.config = STE_CFG_S1, .vmid = 1};
    stream_setup(f, 15, &b);
    mem_write64(t->sim, CD_PA + 0xf000, mem_read64(t->sim, CD_PA + 0xf000) & ~CD_A_MASK);
    x.sid = 15;
    rw_cmp(f, "C_BAD_CD (A = 0)", &x);
    /* SSV on an uncached S1 stream: before the CD fetch */
    stream_t v = {.config = STE_CFG_S1, .vmid = 1};
    stream_setup(f, 16, &v);
    x.sid = 16;
    x.ssv = true;
    uint64_t before = 0;
    sim_counters_t c;
    sim_counters(t->sim, &c);
    before = c.tbl_ar;
    run_cmp(f, "SSV before the CD fetch", &x, false, false, NULL);
    sim_counters(t->sim, &c);
    CHECK_EQ(c.tbl_ar - before, 1); /* the STE only */
    x.ssv = false;
    /* F_STE_FETCH, F_CD_FETCH, F_WALK_EABT */
    stream_t e = {.config = STE_CFG_S1, .vmid = 1};
    stream_setup(f, 17, &e);
    s1_map(f, &e, 0x1000, s1_leaf(3, 0x42001000ull, 2, 1, 3));
    err_range(f, STRTAB_PA + 64 * 17 + 8, 8);
    x.sid = 17;
    rw_cmp(f, "F_STE_FETCH", &x);
    err_clear(f);
    err_range(f, CD_PA + 0x11000 + 24, 8);
    rw_cmp(f, "F_CD_FETCH", &x);
    err_clear(f);
    err_range(f, e.ttb0, 0x1000);
    rw_cmp(f, "F_WALK_EABT (stage 1)", &x);
    err_clear(f);
    stream_t w = {.config = STE_CFG_NESTED, .vmid = 6};
    stream_setup(f, 18, &w);
    s1_map(f, &w, 0x1000, s1_leaf(3, 0x0000001000010000ull, 2, 1, 3));
    err_range(f, w.s2ttb, 0x1000);
    x.sid = 18;
    rw_cmp(f, "F_WALK_EABT (stage 2, CD)", &x);
    err_clear(f);
    /* C_BAD_STREAMID (RECINVSID = 1) */
    x.sid = 256;
    rw_cmp(f, "C_BAD_STREAMID", &x);
    /* STE bypass beyond the OAS */
    stream_t by = {.config = STE_CFG_BYPASS};
    stream_setup(f, 19, &by);
    x.sid = 19;
    x.addr = 1ull << 48;
    rw_cmp(f, "STE bypass beyond the OAS", &x);
    CHECK_EQ(sim_reg_read32(t->sim, SMMU_GERROR) ^ sim_reg_read32(t->sim, SMMU_GERRORN), 0);
}

TEST(xlate_bypass_overrides)
{
    fx_t *f = fx_up(t, 0);
    static const struct {
        const char *what;
        uint64_t ste1;
        uint8_t cache, domain, prot;
    } c[] = {
        {"use incoming", 0, 0xf, 3, 2},
        {"MemAttr Device-nGnRE", STE_MTCFG_MASK | 1ull << STE_MEMATTR_SHIFT, 0xf, 3, 2},
        {"MemAttr NC", STE_MTCFG_MASK | 5ull << STE_MEMATTR_SHIFT, 0xf, 3, 2},
        {"MemAttr WB over NC", STE_MTCFG_MASK | 0xfull << STE_MEMATTR_SHIFT, 0x3, 3, 2},
        {"SHCFG OSH", 2ull << STE_SHCFG_SHIFT, 0xf, 0, 2},
        {"SHCFG NSH", 0, 0xf, 2, 2},
        {"ALLOCCFG no-allocate", 0x8ull << STE_ALLOCCFG_SHIFT, 0xf, 3, 2},
        {"PRIVCFG priv, INSTCFG instr", 3ull << STE_PRIVCFG_SHIFT | 3ull << STE_INSTCFG_SHIFT,
         0xf, 3, 2},
        {"PRIVCFG unpriv, INSTCFG data", 2ull << STE_PRIVCFG_SHIFT | 2ull << STE_INSTCFG_SHIFT,
         0xf, 3, 5},
    };
    for (unsigned i = 0; i < sizeof c / sizeof c[0]; i++) {
        stream_t s = {.config = STE_CFG_BYPASS, .ste1 = c[i].ste1};
        stream_setup(f, 20 + i, &s);
        if (i == 5) /* SHCFG = 0 */
            mem_write64(t->sim, STRTAB_PA + 64 * (20 + i) + 8,
                        mem_read64(t->sim, STRTAB_PA + 64 * (20 + i) + 8) & ~STE_SHCFG_MASK);
        dma_txn_t x = txn(20 + i, 0x43000000ull + 0x100 * i);
        x.cache = c[i].cache;
        x.domain = c[i].domain;
        x.prot = c[i].prot;
        rw_cmp(f, c[i].what, &x);
    }
}

TEST(xlate_fwb_attrs)
{
    fx_t *f = fx_up(t, 0);
    /* MAIR: 0 Device-nGnRE, 1 NC, 2 WB RWA */
    const uint64_t mair = 0x0000000000ff4404ull;
    static const struct {
        const char *what;
        bool fwb;
        unsigned idx, memattr;
    } c[] = {
        {"S1 NC + S2 FWB 6 -> WB", true, 1, 6},
        {"S1 Device + S2 FWB 6", true, 0, 6},
        {"S1 WB + S2 FWB 5 -> NC", true, 2, 5},
        {"S1 Device + S2 FWB 5 -> Device", true, 0, 5},
        {"S1 WB + S2 FWB 7", true, 2, 7},
        {"S1 WB + S2 FWB 1 -> Device", true, 2, 1},
        {"S1 NC + S2 0xF no FWB -> NC", false, 1, 0xf},
        {"S1 WB + S2 0x5 no FWB -> NC", false, 2, 0x5},
        {"S1 Device + S2 0x5 no FWB", false, 0, 0x5},
        {"S1 WB + S2 0xA no FWB -> WT", false, 2, 0xa},
    };
    for (unsigned i = 0; i < sizeof c / sizeof c[0]; i++) {
        stream_t s = {.config = STE_CFG_NESTED, .vmid = (uint16_t)(10 + i), .asid = 1,
                      .mair = mair, .ste1 = c[i].fwb ? STE_S2FWB_MASK : 0};
        uint32_t sid = 40 + i;
        stream_setup(f, sid, &s);
        s1_map(f, &s, 0x10000, s1_leaf(3, 0x0000001000030000ull, c[i].idx, 1, 3));
        s2_map(f, &s, 0x0000001000030000ull, s2_leaf(3, 0x62000000ull, c[i].memattr, 3, 3));
        dma_txn_t x = txn(sid, 0x10008);
        rw_cmp(f, c[i].what, &x);
    }
}

static void nosnoop_cases(test_ctx_t *t, bool canwbs)
{
    fx_t *f = fx_up(t, 0);
    stream_t s = {.config = STE_CFG_S1, .vmid = 1, .asid = 1};
    stream_setup(f, 60, &s);
    s1_map(f, &s, 0x1000, s1_leaf(3, 0x44000000ull, 2, 1, 3));
    s1_map(f, &s, 0x2000, s1_leaf(3, 0x44001000ull, 1, 1, 3)); /* Device-nGnRE */
    stream_t b = {.config = STE_CFG_BYPASS};
    stream_setup(f, 61, &b);
    dma_txn_t x = txn(60, 0x1000);
    x.nosnoop = true;
    run_cmp(f, "No_snoop WB", &x, false, canwbs, NULL);
    run_cmp(f, "No_snoop WB", &x, true, canwbs, NULL);
    x.addr = 0x2000;
    run_cmp(f, "No_snoop Device", &x, false, canwbs, NULL);
    x.sid = 61;
    x.addr = 0x44002000ull;
    run_cmp(f, "No_snoop STE bypass", &x, false, canwbs, NULL);
}

TEST(xlate_nosnoop)
{
    nosnoop_cases(t, false);
}

static const sim_opts_t canwbs_opts = {.canwbs = true};
TEST_OPTS(xlate_nosnoop_canwbs, &canwbs_opts)
{
    nosnoop_cases(t, true);
}

/* EL2 and EL2-E2H StreamWorlds (STRW = 0b10) and TLBI_EL2_*. */
static void el2_case(test_ctx_t *t, bool e2h)
{
    fx_t *f = fx_up(t, e2h ? SMMU_CR2_E2H_MASK : 0);
    stream_t s = {.config = STE_CFG_S1, .asid = 9, .ste1 = 2ull << STE_STRW_SHIFT};
    stream_setup(f, 70, &s);
    s1_map(f, &s, 0x1000, s1_leaf(3, 0x45000000ull, 2, 0, 3)); /* AP = 00: EL2 RW */
    s1_map(f, &s, 0x2000, s1_leaf(3, 0x45001000ull, 2, 1, 3));
    dma_txn_t x = txn(70, 0x1000);
    rw_cmp(f, "EL2 AP 00 unprivileged", &x);
    x.prot = 3;
    rw_cmp(f, "EL2 AP 00 privileged", &x);
    x.addr = 0x2000;
    rw_cmp(f, "EL2 AP 01", &x);
    x.addr = 0x0080000000002000ull; /* VA[55] = 1 */
    rw_cmp(f, "EL2 VA[55]", &x);

    /* TLBI_EL2_VA: change the mapping behind the TLB */
    x.addr = 0x1000;
    uint64_t d;
    dma_read(t->sim, &x, &d);
    s1_map(f, &s, 0x1000, s1_leaf(3, 0x45100000ull, 2, 0, 3));
    dma_result_t r = dma_read(t->sim, &x, &d);
    CHECK(r.dn.addr == 0x45000000ull, "EL2: stale translation expected before TLBI");
    cmd_sync1(f, CMD_OP_TLBI_EL2_VA | (uint64_t)9 << CMD_ASID_SHIFT, 0x1000);
    r = dma_read(t->sim, &x, &d);
    CHECK(r.dn.addr == 0x45100000ull, "EL2: TLBI_EL2_VA: PA 0x%" PRIx64, r.dn.addr);
    s1_map(f, &s, 0x1000, s1_leaf(3, 0x45200000ull, 2, 0, 3));
    cmd_sync1(f, CMD_OP_TLBI_EL2_ALL, 0);
    r = dma_read(t->sim, &x, &d);
    CHECK(r.dn.addr == 0x45200000ull, "EL2: TLBI_EL2_ALL: PA 0x%" PRIx64, r.dn.addr);
    s1_map(f, &s, 0x1000, s1_leaf(3, 0x45300000ull, 2, 0, 3));
    cmd_sync1(f, CMD_OP_TLBI_EL2_VAA, 0x1000);
    r = dma_read(t->sim, &x, &d);
    CHECK(r.dn.addr == 0x45300000ull, "EL2: TLBI_EL2_VAA: PA 0x%" PRIx64, r.dn.addr);
    if (e2h) {
        s1_map(f, &s, 0x1000, s1_leaf(3, 0x45400000ull, 2, 0, 3));
        cmd_sync1(f, CMD_OP_TLBI_EL2_ASID | (uint64_t)8 << CMD_ASID_SHIFT, 0);
        r = dma_read(t->sim, &x, &d);
        CHECK(r.dn.addr == 0x45300000ull, "E2H: TLBI_EL2_ASID of another ASID hit");
        cmd_sync1(f, CMD_OP_TLBI_EL2_ASID | (uint64_t)9 << CMD_ASID_SHIFT, 0);
        r = dma_read(t->sim, &x, &d);
        CHECK(r.dn.addr == 0x45400000ull, "E2H: TLBI_EL2_ASID: PA 0x%" PRIx64, r.dn.addr);
    }
    /* TLBI_NH_ALL must not touch EL2 entries */
    s1_map(f, &s, 0x1000, s1_leaf(3, 0x45500000ull, 2, 0, 3));
    cmd_sync1(f, CMD_OP_TLBI_NSNH_ALL, 0);
    r = dma_read(t->sim, &x, &d);
    CHECK(r.dn.addr != 0x45500000ull, "TLBI_NSNH_ALL removed an EL2 entry");
}

TEST(xlate_el2)
{
    el2_case(t, false);
}

TEST(xlate_el2_e2h)
{
    el2_case(t, true);
}

/* Each TLBI / CFGI: the stale translation is used until the command + CMD_SYNC, then the
 * new one. */
TEST(xlate_tlbi)
{
    fx_t *f = fx_up(t, 0);
    const uint16_t vmid = 0x21, asid = 0x33;
    stream_t s = {.config = STE_CFG_S1, .vmid = vmid, .asid = asid};
    stream_setup(f, 80, &s);
    stream_t n = {.config = STE_CFG_S2, .vmid = vmid};
    stream_setup(f, 81, &n);
    stream_t ne = {.config = STE_CFG_NESTED, .vmid = vmid, .asid = asid};
    stream_setup(f, 82, &ne);
    const uint64_t va = 0x0000000012345000ull;
    struct {
        const char *what;
        uint64_t dw0, dw1;
        int kind; /* 0 S1 stream, 1 S2 stream, 2 nested stream */
    } c[] = {
        {"TLBI_NH_ALL", CMD_OP_TLBI_NH_ALL | (uint64_t)vmid << CMD_VMID_SHIFT, 0, 0},
        {"TLBI_NH_ASID", CMD_OP_TLBI_NH_ASID | (uint64_t)vmid << CMD_VMID_SHIFT |
                             (uint64_t)asid << CMD_ASID_SHIFT, 0, 0},
        {"TLBI_NH_VA", CMD_OP_TLBI_NH_VA | (uint64_t)vmid << CMD_VMID_SHIFT |
                           (uint64_t)asid << CMD_ASID_SHIFT, va, 0},
        {"TLBI_NH_VA range", CMD_OP_TLBI_NH_VA | (uint64_t)vmid << CMD_VMID_SHIFT |
                                 (uint64_t)asid << CMD_ASID_SHIFT | 3u << CMD_NUM_SHIFT,
         (va - 0x2000) | 1u << CMD_TG_SHIFT, 0},
        {"TLBI_NH_VAA", CMD_OP_TLBI_NH_VAA | (uint64_t)vmid << CMD_VMID_SHIFT, va, 0},
        {"TLBI_S12_VMALL", CMD_OP_TLBI_S12_VMALL | (uint64_t)vmid << CMD_VMID_SHIFT, 0, 0},
        {"TLBI_NSNH_ALL", CMD_OP_TLBI_NSNH_ALL, 0, 0},
        {"TLBI_S2_IPA", CMD_OP_TLBI_S2_IPA | (uint64_t)vmid << CMD_VMID_SHIFT, va, 1},
        {"TLBI_S12_VMALL (S2)", CMD_OP_TLBI_S12_VMALL | (uint64_t)vmid << CMD_VMID_SHIFT, 0, 1},
        {"TLBI_S2_IPA (nested)", CMD_OP_TLBI_S2_IPA | (uint64_t)vmid << CMD_VMID_SHIFT, va, 2},
    };
    uint64_t pa = 0x46000000ull;
    for (unsigned i = 0; i < sizeof c / sizeof c[0]; i++) {
        stream_t *st = c[i].kind == 0 ? &s : c[i].kind == 1 ? &n : &ne;
        uint32_t sid = 80 + (uint32_t)c[i].kind;
        uint64_t ipa = 0x0000002000000000ull;
        dma_txn_t x = txn(sid, va + 0x18);
        uint64_t d;
        /* map to pa, warm the TLB */
        if (c[i].kind == 0)
            s1_map(f, st, va, s1_leaf(3, pa, 2, 1, 3));
        else if (c[i].kind == 1)
            s2_map(f, st, va, s2_leaf(3, pa, 0xf, 3, 3));
        else {
            s1_map(f, st, va, s1_leaf(3, ipa, 2, 1, 3));
            s2_map(f, st, ipa, s2_leaf(3, pa, 0xf, 3, 3));
        }
        cmd_sync1(f, CMD_OP_TLBI_NSNH_ALL, 0);
        dma_result_t r = dma_read(t->sim, &x, &d);
        CHECK(r.dn.addr == pa + 0x18, "%s: first PA 0x%" PRIx64, c[i].what, r.dn.addr);
        /* change the mapping behind the TLB */
        if (c[i].kind == 0)
            s1_map(f, st, va, s1_leaf(3, pa + 0x100000, 2, 1, 3));
        else
            s2_map(f, st, c[i].kind == 1 ? va : ipa, s2_leaf(3, pa + 0x100000, 0xf, 3, 3));
        r = dma_read(t->sim, &x, &d);
        CHECK(r.dn.addr == pa + 0x18 && r.tbl_reads == 0, "%s: stale PA 0x%" PRIx64
              " reads %" PRIu64 " before the TLBI", c[i].what, r.dn.addr, r.tbl_reads);
        cmd_sync1(f, c[i].dw0, c[i].dw1);
        r = dma_read(t->sim, &x, &d);
        CHECK(r.dn.addr == pa + 0x100018, "%s: PA 0x%" PRIx64 " after the TLBI", c[i].what,
              r.dn.addr);
        pa += 0x200000;
    }
    /* A TLBI of another VMID / ASID leaves the entry */
    s1_map(f, &s, va, s1_leaf(3, pa, 2, 1, 3));
    cmd_sync1(f, CMD_OP_TLBI_NSNH_ALL, 0);
    dma_txn_t x = txn(80, va);
    uint64_t d;
    dma_read(t->sim, &x, &d);
    s1_map(f, &s, va, s1_leaf(3, pa + 0x100000, 2, 1, 3));
    cmd_sync1(f, CMD_OP_TLBI_NH_ALL | (uint64_t)(vmid + 1) << CMD_VMID_SHIFT, 0);
    cmd_sync1(f, CMD_OP_TLBI_NH_ASID | (uint64_t)vmid << CMD_VMID_SHIFT |
                     (uint64_t)(asid + 1) << CMD_ASID_SHIFT, 0);
    dma_result_t r = dma_read(t->sim, &x, &d);
    CHECK(r.dn.addr == pa, "TLBI of another VMID/ASID removed the entry");
    /* CFGI_STE / CFGI_ALL: the STE changes (another VMID and table) behind the cache */
    stream_t s2 = {.config = STE_CFG_S1, .vmid = 0x55, .asid = asid};
    stream_setup(f, 83, &s2);
    s1_map(f, &s2, va, s1_leaf(3, 0x47000000ull, 2, 1, 3));
    uint64_t ste83[8], ste80[8];
    for (unsigned k = 0; k < 8; k++) {
        ste83[k] = mem_read64(t->sim, STRTAB_PA + 64 * 83 + 8 * k);
        ste80[k] = mem_read64(t->sim, STRTAB_PA + 64 * 80 + 8 * k);
    }
    wr_struct(f, STRTAB_PA + 64 * 80, ste83);
    r = dma_read(t->sim, &x, &d);
    CHECK(r.dn.addr == pa && r.tbl_reads == 0, "stale STE expected before CFGI_STE");
    cmd_sync1(f, CMD_OP_CFGI_STE | (uint64_t)80 << CMD_SID_SHIFT, 1);
    r = dma_read(t->sim, &x, &d);
    CHECK(r.dn.addr == 0x47000000ull, "CFGI_STE: PA 0x%" PRIx64, r.dn.addr);
    /* now a bypass STE: the cached S1 one stays in use until CFGI_ALL */
    (void)ste80;
    stream_t by = {.config = STE_CFG_BYPASS};
    stream_setup(f, 80, &by);
    r = dma_read(t->sim, &x, &d);
    CHECK(r.dn.addr == 0x47000000ull, "stale STE expected before CFGI_ALL");
    cmd_sync1(f, CMD_OP_CFGI_STE_RANGE, 31);
    r = dma_read(t->sim, &x, &d);
    CHECK(r.dn.addr == va, "CFGI_ALL: PA 0x%" PRIx64, r.dn.addr);
}

/* CMD_SYNC completes while client traffic runs (misses and hits). */
TEST(xlate_sync_under_traffic)
{
    fx_t *f = fx_up(t, 0);
    stream_t s = {.config = STE_CFG_NESTED, .vmid = 1, .asid = 1};
    stream_setup(f, 90, &s);
    for (unsigned i = 0; i < 8; i++) {
        s1_map(f, &s, 0x10000 + 0x1000 * i, s1_leaf(3, 0x0000001000040000ull + 0x1000 * i, 2, 1, 3));
        s2_map(f, &s, 0x0000001000040000ull + 0x1000 * i,
               s2_leaf(3, 0x48000000ull + 0x1000 * i, 0xf, 3, 3));
    }
    uint64_t syncs0 = sim_irq_count(t->sim, SIM_IRQ_CMD_SYNC);
    for (unsigned k = 0; k < 4; k++) {
        cmd_put(f, CMD_OP_TLBI_NSNH_ALL, 0);
        cmd_put(f, CMD_OP_CMD_SYNC | 1u << CMD_CS_SHIFT, 0);
        cmd_kick(f);
        for (unsigned i = 0; i < 8; i++) {
            dma_txn_t x = txn(90, 0x10000 + 0x1000 * i);
            uint64_t d;
            dma_result_t r = dma_read(t->sim, &x, &d);
            CHECK(r.resp == 0 && r.dn.addr == 0x48000000ull + 0x1000 * i,
                  "traffic during CMD_SYNC: resp %d PA 0x%" PRIx64, r.resp, r.dn.addr);
        }
        CHECK(cmd_wait(f), "CMD_SYNC %u did not complete", k);
    }
    CHECK_EQ(sim_irq_count(t->sim, SIM_IRQ_CMD_SYNC) - syncs0, 4);
}
