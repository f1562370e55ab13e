/*
 * 16 KB and 64 KB translation granules through the driver against the RTL: a stage-1 and
 * a stage-2 domain of each granule (smmu_domain_cfg.granule: the CD's TG0, the STE's
 * S2TG and S2SL0, map/unmap in the granule, unmap's range TLBIs with the granule's TG),
 * with DMA through pages and level-2 blocks (32 MB, 512 MB), walks that read exactly one
 * descriptor per level of the granule's geometry, unmaps that split a block and take
 * effect at once; and nesting with a different granule at each stage (a guest's stage 1
 * built with the driver's table code on the guest-memory HAL, over a nest parent).
 */
#include "smmu/smmu_domain.h"
#include "smmu/smmu_guest.h"
#include "smmu/smmu_nested.h"
#include "test_drv_common.h"

#define RW (SMMU_PROT_READ | SMMU_PROT_WRITE)
#define DATA_PA 0x100000000ull /* client data, outside the DMA pool (512 MB aligned) */
#define SID 0x0021u

static void discard_events(drv_fx_t *fx)
{
    (void)smmu_evtq_drain(&fx->s, NULL, NULL, 0);
}

static void ev_first(void *arg, const smmu_event_t *ev)
{
    unsigned *first = arg;

    if (!*first)
        *first = (unsigned)(ev->dw[0] & 0xff);
}

/* The type of the first event in the queue (after a CMD_SYNC, which completes only once
 * the events of terminated transactions are in it); 0 if none. The queue is emptied. */
static unsigned first_event(drv_fx_t *fx)
{
    unsigned first = 0;

    if (smmu_cmdq_sync(&fx->s, SMMU_CS_NONE))
        return 0;
    (void)smmu_evtq_drain(&fx->s, ev_first, &first, 0);
    return first;
}

/* One paging domain of granule 2^gs and `type` (S1 or S2), SID attached to it. A block
 * (level 2) and two pages after it are mapped at IOVA 1 GB -> DATA_PA. */
static void paging_case(test_ctx_t *t, unsigned type, unsigned gs)
{
    drv_fx_t *fx = drv_up(t, NULL);
    smmu_domain_t d;
    smmu_master_t m;
    smmu_domain_cfg_t c = {.granule = gs};
    const uint64_t pg = 1ull << gs, blk = 1ull << (2u * gs - 3u), iova = 0x40000000ull;
    uint64_t v = 0, e[8];
    dma_result_t r;

    REQUIRE((gs != SMMU_GRANULE_16K || sim_params(t->sim)->gran16k) &&
                (gs != SMMU_GRANULE_64K || sim_params(t->sim)->gran64k),
            "a build with the granule (GRAN16K / GRAN64K = 1)");
    CHECK_EQ(smmu_domain_init(&d, &fx->s, type, &c), 0);
    CHECK_EQ(smmu_master_init(&m, &fx->s, SID), 0);
    CHECK_EQ(smmu_attach(&m, &d), 0);
    /* What the SMMU is told: TG0 / S2TG (00 4K, 01 64K, 10 16K) */
    if (type == SMMU_DOMAIN_S1) {
        smmu_make_cd(&d, e);
        CHECK_EQ((e[0] & CD_TG0_MASK) >> CD_TG0_SHIFT,
                 gs == SMMU_GRANULE_4K ? 0 : gs == SMMU_GRANULE_64K ? 1 : 2);
    } else {
        const uint64_t *ste = smmu_ste_ptr(&fx->s, SID);
        REQUIRE(ste != NULL, "live STE");
        CHECK_EQ((ste[2] & STE_S2TG_MASK) >> STE_S2TG_SHIFT,
                 gs == SMMU_GRANULE_4K ? 0 : gs == SMMU_GRANULE_64K ? 1 : 2);
        CHECK_EQ((ste[2] & STE_S2SL0_MASK) >> STE_S2SL0_SHIFT, smmu_pgtable_sl0(&d.pgt));
    }
    CHECK_EQ(smmu_domain_map(&d, iova, DATA_PA, blk + 2 * pg, RW, SMMU_MAP_MEM), 0);
    /* Requests not aligned to the granule are refused (4 KB ones under 16 KB / 64 KB) */
    CHECK_EQ(smmu_domain_map(&d, iova + blk + 4 * pg, DATA_PA, pg / 2, RW, SMMU_MAP_MEM),
             SMMU_EINVAL);
    mem_write64(t->sim, DATA_PA + 0x238, 0x1111000000000001ull);
    mem_write64(t->sim, DATA_PA + blk - 8, 0x1111000000000002ull);
    mem_write64(t->sim, DATA_PA + blk + pg + pg / 2, 0x1111000000000003ull);

    /* Levels the walk reads: from the tree's start level down to the leaf's */
    unsigned lv_page = 4u - d.pgt.start_level, lv_blk = lv_page - 1u;
    /* Cold: the L1STD of a 2-level stream table, the STE, the CD at stage 1, then the walk
     * to the block */
    const unsigned cfg_reads = (fx->s.strtab_2lvl ? 1u : 0u) + (type == SMMU_DOMAIN_S1 ? 2u : 1u);
    r = drv_dma_read(t, SID, iova + 0x238, &v);
    CHECK_EQ(r.resp, 0);
    CHECK_EQ(v, 0x1111000000000001ull);
    CHECK_EQ(r.dn.addr, DATA_PA + 0x238);
    CHECK(r.tbl_reads == cfg_reads + lv_blk, "cold block miss: %" PRIu64 " reads, want %u",
          r.tbl_reads, cfg_reads + lv_blk);
    const uint64_t cold_reads = r.tbl_reads, cold_cycles = r.cycles;
    /* The same block, its last granule page: the TLB keeps a leaf per granule page walked
     * (docs/translation.md), so this walks again, from the table holding the block (the
     * walk cache has it): one read */
    r = drv_dma_read(t, SID, iova + blk - 8, &v);
    CHECK_EQ(r.resp, 0);
    CHECK_EQ(v, 0x1111000000000002ull);
    CHECK(r.tbl_reads == 1, "the block's last page: %" PRIu64 " reads, want 1", r.tbl_reads);
    r = drv_dma_read(t, SID, iova + 0x230, &v); /* the first access's 4 KB page: a TLB hit */
    CHECK_EQ(r.resp, 0);
    CHECK_EQ(r.tbl_reads, 0);
    /* a page beside the block: from the block's table (cached), its table descriptor
     * and the page: two reads */
    r = drv_dma_read(t, SID, iova + blk + pg + pg / 2, &v);
    CHECK_EQ(r.resp, 0);
    CHECK_EQ(v, 0x1111000000000003ull);
    CHECK_EQ(r.dn.addr, DATA_PA + blk + pg + pg / 2);
    CHECK(r.tbl_reads == 2, "page walk: %" PRIu64 " reads, want 2 (uncached %u)", r.tbl_reads,
          lv_page);
    r = drv_dma_read(t, SID, iova + blk + pg + pg / 2 + 8, &v); /* the same 4 KB: a hit */
    CHECK_EQ(r.tbl_reads, 0);
    /* the page's first 4 KB: the same granule page, a TLB hit (the TLB keeps an entry
     * per page of the context's granule) */
    r = drv_dma_read(t, SID, iova + blk + pg + 8, &v);
    CHECK(r.tbl_reads == 0, "the page's first 4 KB: %" PRIu64 " reads, want 0 (a TLB hit)",
          r.tbl_reads);
    /* A write lands at the output address */
    r = drv_dma_write(t, SID, iova + pg + 0x40, 0xabcdef0123ull);
    CHECK_EQ(r.resp, 0);
    CHECK_EQ(mem_read64(t->sim, DATA_PA + pg + 0x40), 0xabcdef0123ull);
    test_log(t, "granule %u KB %s: cold block miss %" PRIu64 " reads (%u configuration + %u"
                " descriptors) %" PRIu64 " cycles; page miss with the configuration cached %u reads",
             (unsigned)(pg >> 10), type == SMMU_DOMAIN_S1 ? "S1" : "S2", cold_reads, cfg_reads,
             lv_blk, cold_cycles, 2u);

    /* Unmap the second page (its translation is in the TLB): gone at once */
    CHECK_EQ(smmu_domain_unmap(&d, iova + blk + pg, pg, NULL), pg);
    r = drv_dma_read(t, SID, iova + blk + pg + 8, &v);
    CHECK(r.resp != 0, "unmapped page faults");
    CHECK_EQ(first_event(fx), 0x10); /* F_TRANSLATION */
    r = drv_dma_read(t, SID, iova + blk + 0x10, &v); /* the first page stays */
    CHECK_EQ(r.resp, 0);
    /* Unmap one page inside the block (warm): a split; that page faults, the rest of the
     * block still reads, now through a level-3 walk */
    CHECK_EQ(smmu_domain_unmap(&d, iova + pg, pg, NULL), pg);
    r = drv_dma_read(t, SID, iova + pg + 0x40, &v);
    CHECK(r.resp != 0, "unmapped page inside the block faults");
    CHECK_EQ(first_event(fx), 0x10);
    /* the faulting access above walked through the new level-3 table after the
     * invalidation, so the walk cache holds it: one read */
    r = drv_dma_read(t, SID, iova + 0x238, &v);
    CHECK_EQ(r.resp, 0);
    CHECK_EQ(v, 0x1111000000000001ull);
    CHECK(r.tbl_reads == 1, "after the split: %" PRIu64 " reads, want 1 (uncached %u)",
          r.tbl_reads, lv_page);
    r = drv_dma_read(t, SID, iova + blk - 8, &v);
    CHECK_EQ(v, 0x1111000000000002ull);

    CHECK_EQ(smmu_detach(&m), 0);
    CHECK_EQ(smmu_master_fini(&m), 0);
    CHECK_EQ(smmu_domain_free(&d), 0);
    discard_events(fx);
    CHECK_EQ(drv_gerror_active(t), 0);
    drv_down(t, fx);
}

TEST(drv_gran_s1_4k)
{
    paging_case(t, SMMU_DOMAIN_S1, SMMU_GRANULE_4K);
}

TEST(drv_gran_s1_16k)
{
    paging_case(t, SMMU_DOMAIN_S1, SMMU_GRANULE_16K);
}

TEST(drv_gran_s1_64k)
{
    paging_case(t, SMMU_DOMAIN_S1, SMMU_GRANULE_64K);
}

TEST(drv_gran_s2_4k)
{
    paging_case(t, SMMU_DOMAIN_S2, SMMU_GRANULE_4K);
}

TEST(drv_gran_s2_16k)
{
    paging_case(t, SMMU_DOMAIN_S2, SMMU_GRANULE_16K);
}

TEST(drv_gran_s2_64k)
{
    paging_case(t, SMMU_DOMAIN_S2, SMMU_GRANULE_64K);
}

/* ---- nesting: a guest stage 1 of granule 2^g1 over a nest parent of granule 2^g2 ----- */

#define G_IPA 0x40000000ull   /* guest RAM: 4 MB of IPA, 1 GB aligned */
#define G_SIZE 0x400000ull
#define G_TBL 0x200000ull     /* its first 2 MB: the guest's tables and CD */
#define VA0 0x80000000ull     /* a guest VA, aligned to every granule */

static void nested_case(test_ctx_t *t, unsigned g1, unsigned g2)
{
    drv_fx_t *fx = drv_up(t, NULL);
    const smmu_hal_t *host = &fx->h.hal;
    smmu_domain_t parent, nd, gd;
    smmu_domain_cfg_t pc = {.nest_parent = true, .granule = g2};
    smmu_viommu_t vi;
    smmu_master_t m;
    smmu_hal_guest_t gh;
    smmu_guest_flush_t gf;
    smmu_gather_t g;
    const uint64_t p1 = 1ull << g1, data_ipa = G_IPA + G_TBL;
    uint64_t ram_pa = 0, gste[2], cd[8], cd_ipa = 0, v = 0;
    void *ram = NULL, *cdp = NULL;
    dma_result_t r;

    REQUIRE(sim_params(t->sim)->gran16k && sim_params(t->sim)->gran64k,
            "a build with both granules (GRAN16K = GRAN64K = 1)");
    REQUIRE(smmu_domain_init(&parent, &fx->s, SMMU_DOMAIN_S2, &pc) == 0, "parent");
    REQUIRE(host->dma_alloc(host->ctx, G_SIZE, G_SIZE, &ram, &ram_pa) == 0, "guest RAM");
    /* page by page, so every stage-2 walk goes down to level 3 */
    for (uint64_t o = 0; o < G_SIZE; o += 1ull << g2)
        REQUIRE(smmu_domain_map(&parent, G_IPA + o, ram_pa + o, 1ull << g2, RW, SMMU_MAP_MEM) == 0,
                "map guest RAM");
    REQUIRE(smmu_viommu_init(&vi, &parent, NULL, NULL) == 0, "viommu");
    REQUIRE(smmu_master_init_fw(&m, &fx->s, SID,
                                parent.fwb ? SMMU_MASTER_DMA_COHERENT : SMMU_MASTER_CANWBS) == 0,
            "master");
    REQUIRE(smmu_viommu_vdev_add(&vi, &m, 3) == 0, "vdev");

    /* The guest: tables of granule g1 and a CD in the first 2 MB of its RAM */
    REQUIRE(smmu_hal_guest_init(&gh, host, ram, G_IPA, G_TBL) == 0, "guest HAL");
    smmu_pgtable_cfg_t gc = {.stage = 1, .ias = 48, .oas = parent.pgt.cfg.ias, .granule = g1};
    memset(&gd, 0, sizeof gd);
    gd.asid = 9;
    gd.coherent_walk = fx->s.coherent;
    REQUIRE(smmu_pgtable_init(&gd.pgt, &gh.hal, &gc) == 0, "guest tables");
    REQUIRE(gh.hal.dma_alloc(gh.hal.ctx, 64, 64, &cdp, &cd_ipa) == 0, "guest CD");
    smmu_make_cd(&gd, cd);
    CHECK_EQ((cd[0] & CD_TG0_MASK) >> CD_TG0_SHIFT, g1 == SMMU_GRANULE_4K ? 0 : g1 == SMMU_GRANULE_64K ? 1 : 2);
    for (int i = 7; i >= 0; i--)
        ((volatile uint64_t *)cdp)[i] = cd[i];
    gf.viommu = &vi;
    gf.asid = gd.asid;
    smmu_gather_init(&g, smmu_guest_flush, &gf);
    /* Two guest pages over guest data IPA (the second half of its RAM) */
    CHECK_EQ(smmu_pgtable_map(&gd.pgt, VA0, data_ipa, 2 * p1, RW, SMMU_MAP_MEM, &g), 0);
    mem_write64(t->sim, ram_pa + G_TBL + 0x18, 0x2222000000000001ull);
    mem_write64(t->sim, ram_pa + G_TBL + p1 + p1 - 8, 0x2222000000000002ull);

    gste[0] = STE_V_MASK | ((uint64_t)STE_CFG_S1 << STE_CONFIG_SHIFT) |
              (cd_ipa & STE_S1CONTEXTPTR_MASK);
    gste[1] = (1ull << STE_S1CIR_SHIFT) | (1ull << STE_S1COR_SHIFT) | (3ull << STE_S1CSH_SHIFT);
    CHECK_EQ(smmu_nested_domain_init(&nd, &vi, gste), 0);
    CHECK_EQ(smmu_attach(&m, &nd), 0);
    {
        const uint64_t *ste = smmu_ste_ptr(&fx->s, SID);
        REQUIRE(ste != NULL, "live STE");
        CHECK_EQ((ste[2] & STE_S2TG_MASK) >> STE_S2TG_SHIFT, smmu_pgtable_tg(&parent.pgt));
    }

    /* Without caches: n stage-1 levels, each through an m-level stage-2 walk, then the
     * output IPA's walk; cold, the STE, the stage-2 walk of the CD's IPA and the CD come
     * first. With the walk caches, the stage-2 walks share what earlier ones left (the CD's
     * walk leaves the path to the guest's first 2 MB, where its tables live) and the
     * second page's walk resumes at the stage-1 level-3 table. */
    const unsigned n = 4u - gd.pgt.start_level, mm = 4u - parent.pgt.start_level;
    const unsigned full = n * mm + n + mm;
    wc_tree_t c1, c2;
    wc_tree_init(&c1, &gd.pgt);
    wc_tree_init(&c2, &parent.pgt);
    const unsigned cold = (fx->s.strtab_2lvl ? 1u : 0u) + 1u +
                          (4u - wc_tree_walk(&c2, cd_ipa, true)) + 1u +
                          wc_nested_reads(&c1, &c2, &gd.pgt, VA0 + 0x18, data_ipa + 0x18);
    const unsigned walk = wc_nested_reads(&c1, &c2, &gd.pgt, VA0 + 2 * p1 - 8,
                                          data_ipa + 2 * p1 - 8);
    CHECK(cold < (fx->s.strtab_2lvl ? 1u : 0u) + 1u + mm + 1u + full && walk <= 2,
          "walk caches: cold %u, warm %u reads (uncached %u)", cold, walk, full);
    r = drv_dma_read(t, SID, VA0 + 0x18, &v);
    CHECK_EQ(r.resp, 0);
    CHECK_EQ(v, 0x2222000000000001ull);
    CHECK_EQ(r.dn.addr, ram_pa + G_TBL + 0x18);
    CHECK(r.tbl_reads == cold, "cold nested miss: %" PRIu64 " reads, want %u", r.tbl_reads,
          cold);
    const uint64_t cold_cycles = r.cycles;
    r = drv_dma_read(t, SID, VA0 + 2 * p1 - 8, &v);
    CHECK_EQ(r.resp, 0);
    CHECK_EQ(v, 0x2222000000000002ull);
    /* A TLB miss with the configuration cached, on the neighbouring page */
    CHECK(r.tbl_reads == walk, "nested miss: %" PRIu64 " reads, want %u (%u x %u levels: %u "
          "uncached)", r.tbl_reads, walk, n, mm, full);
    test_log(t, "nested %u KB over %u KB: %ux%u levels; cold miss %u reads %" PRIu64
                " cycles; miss with the configuration cached %u reads %" PRIu64 " cycles",
             (unsigned)(p1 >> 10), 1u << (g2 - 10u), n, mm, cold, cold_cycles, walk, r.cycles);
    r = drv_dma_write(t, SID, VA0 + p1 + 0x100, 0x33334444ull);
    CHECK_EQ(r.resp, 0);
    CHECK_EQ(mem_read64(t->sim, ram_pa + G_TBL + p1 + 0x100), 0x33334444ull);

    /* The guest unmaps its second page (through its vIOMMU): gone */
    CHECK_EQ(smmu_pgtable_unmap(&gd.pgt, VA0 + p1, p1, &g), (int64_t)p1);
    CHECK_EQ(smmu_guest_flush(&gf, &g), 0);
    r = drv_dma_read(t, SID, VA0 + p1 + 0x100, &v);
    CHECK(r.resp != 0, "guest-unmapped page faults");
    /* The host unmaps the stage-2 page under the first guest page: gone too */
    r = drv_dma_read(t, SID, VA0 + 0x18, &v);
    CHECK_EQ(r.resp, 0);
    CHECK_EQ(smmu_domain_unmap(&parent, data_ipa, 1ull << g2, NULL), 1ull << g2);
    r = drv_dma_read(t, SID, VA0 + 0x18, &v);
    CHECK(r.resp != 0, "host-unmapped IPA faults");
    CHECK_EQ(first_event(fx), 0x10);

    CHECK_EQ(smmu_detach(&m), 0);
    CHECK_EQ(smmu_domain_free(&nd), 0);
    smmu_pgtable_free(&gd.pgt);
    gh.hal.dma_free(gh.hal.ctx, cdp, cd_ipa, 64);
    CHECK_EQ(smmu_viommu_vdev_del(&vi, &m), 0);
    CHECK_EQ(smmu_viommu_free(&vi), 0);
    CHECK_EQ(smmu_domain_free(&parent), 0);
    CHECK_EQ(smmu_master_fini(&m), 0);
    CHECK(gh.pool.allocs == 0, "guest allocations leaked: %u", gh.pool.allocs);
    host->dma_free(host->ctx, ram, ram_pa, G_SIZE);
    discard_events(fx);
    CHECK_EQ(drv_gerror_active(t), 0);
    drv_down(t, fx);
}

TEST(drv_gran_nested_16k_on_64k)
{
    nested_case(t, SMMU_GRANULE_16K, SMMU_GRANULE_64K);
}

TEST(drv_gran_nested_64k_on_4k)
{
    nested_case(t, SMMU_GRANULE_64K, SMMU_GRANULE_4K);
}

TEST(drv_gran_nested_4k_on_16k)
{
    nested_case(t, SMMU_GRANULE_4K, SMMU_GRANULE_16K);
}
