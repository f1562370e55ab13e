/*
 * Nesting through the driver's API against the RTL (smmu_nested.h): the host brings the
 * SMMU up, makes a nest-parent stage-2 domain holding the VM's IPA -> PA map, a vIOMMU and
 * a vSID -> pSID binding; a "guest" builds its own CD and stage-1 tables in its RAM, at
 * IPAs, with the driver's page-table code running on the guest-memory HAL (sw/hal/guest:
 * allocations come out of guest RAM and report IPAs as physical addresses). The guest's
 * STE goes through smmu_nested_domain_init, its invalidations through
 * smmu_viommu_invalidate, and its faults come back through smmu_evtq_dispatch with the
 * vSID. No host table is built by hand: everything the SMMU walks on the host side comes
 * from the driver.
 */
#include <stdatomic.h>

#include "smmu/smmu_domain.h"
#include "smmu/smmu_nested.h"
#include "smmu/smmu_guest.h"
#include "test_drv_common.h"

#define RW (SMMU_PROT_READ | SMMU_PROT_WRITE)
#define PG SMMU_PAGE_SIZE

/* Guest RAM: 2 MB of host DMA memory at IPA G_IPA, mapped page by page (so stage 2 is a
 * full 4-level walk). The first half, below 4 GB, holds the guest's tables and CDs (the
 * guest HAL's region); the second, above 4 GB, its data pages (so IPAs use both halves
 * of a dword, which matters to 32-bit structure stores). */
#define G_IPA 0xfff00000ull
#define G_PAGES 512u
#define G_TBL_PAGES 256u
#define G_DATA(k) (G_IPA + (uint64_t)(G_TBL_PAGES + (k)) * PG)
#define IPA_HOLE 0x50000000ull /* an IPA the host never maps */
#define IO_IPA 0x60000000ull   /* IO memory (host: SMMU_MAP_IO) */
#define IO_PA 0x100000000ull   /* outside the DMA pool */

#define PSID 0x0042u           /* the physical StreamID */
#define VSID 0x0003u           /* what the guest calls it */
#define VA0 0x10000000ull      /* guest VAs */

/* A field of an event record. */
#define EVF(ev, f) (((ev)->dw[EVT_##f##_DW] & EVT_##f##_MASK) >> EVT_##f##_SHIFT)

/* ---- event collection ------------------------------------------------------------------- */

typedef struct evlog {
    unsigned n;
    smmu_event_t ev[8];
} evlog_t;

static void ev_collect(void *arg, const smmu_event_t *ev)
{
    evlog_t *l = arg;

    if (l->n < 8u)
        l->ev[l->n] = *ev;
    l->n++;
}

/* ---- the hypervisor's side -------------------------------------------------------------- */

typedef struct hv {
    drv_fx_t *fx;
    smmu_domain_t parent;
    smmu_viommu_t v;
    smmu_master_t m;
    smmu_dma_t ram;
    smmu_hal_guest_t g;
    evlog_t gev, pev, hev; /* the guest (vIOMMU), the parent's handler, the SMMU's */
} hv_t;

static hv_t hv_storage;

static hv_t *hv_up(test_ctx_t *t, const smmu_config_t *cfg)
{
    hv_t *h = &hv_storage;
    smmu_domain_cfg_t pc = {.nest_parent = true};
    const smmu_hal_t *host;
    void *cpu = NULL;
    uint64_t pa = 0;

    memset(h, 0, sizeof *h);
    h->fx = drv_up(t, cfg);
    host = &h->fx->h.hal;
    REQUIRE(smmu_domain_init(&h->parent, &h->fx->s, SMMU_DOMAIN_S2, &pc) == 0, "parent");
    REQUIRE(host->dma_alloc(host->ctx, (size_t)G_PAGES * PG, 0x200000, &cpu, &pa) == 0,
            "guest RAM");
    h->ram.cpu = cpu;
    h->ram.pa = pa;
    h->ram.size = (size_t)G_PAGES * PG;
    int ret = 0;
    for (unsigned i = 0; i < G_PAGES && ret == 0; i++)
        ret = smmu_domain_map(&h->parent, G_IPA + i * PG, pa + i * PG, PG, RW, SMMU_MAP_MEM);
    REQUIRE(ret == 0, "map guest RAM: %s", smmu_strerror(ret));
    REQUIRE(smmu_viommu_init(&h->v, &h->parent, ev_collect, &h->gev) == 0, "viommu");
    /* Nesting needs S2FWB or a CANWBS master: on a model without S2FWB the master is
     * CANWBS. */
    REQUIRE(smmu_master_init_fw(&h->m, &h->fx->s, PSID,
                                h->parent.fwb ? SMMU_MASTER_DMA_COHERENT : SMMU_MASTER_CANWBS) == 0,
            "master");
    REQUIRE(smmu_viommu_vdev_add(&h->v, &h->m, VSID) == 0, "vdev");
    smmu_domain_set_fault_handler(&h->parent, ev_collect, &h->pev);
    smmu_set_event_handler(&h->fx->s, ev_collect, &h->hev);

    REQUIRE(smmu_hal_guest_init(&h->g, host, cpu, G_IPA, (size_t)G_TBL_PAGES * PG) == 0,
            "guest HAL");
    /* Tag every data page of guest RAM. */
    for (unsigned k = 0; k < G_PAGES - G_TBL_PAGES; k++)
        mem_write64(t->sim, pa + (uint64_t)(G_TBL_PAGES + k) * PG, 0x6a00000000000000ull | G_DATA(k));
    return h;
}

static uint64_t gtag(unsigned k)
{
    return 0x6a00000000000000ull | G_DATA(k);
}

/* Host PA of an IPA in guest RAM. */
static uint64_t hv_pa(const hv_t *h, uint64_t ipa)
{
    return h->ram.pa + (ipa - G_IPA);
}

/* The master must be detached from nested domains and those freed first. */
static void hv_down(test_ctx_t *t, hv_t *h)
{
    const smmu_hal_t *host = &h->fx->h.hal;

    CHECK_EQ(smmu_viommu_vdev_del(&h->v, &h->m), 0);
    CHECK_EQ(smmu_viommu_free(&h->v), 0);
    CHECK_EQ(smmu_domain_free(&h->parent), 0);
    CHECK_EQ(smmu_master_fini(&h->m), 0);
    CHECK(h->g.pool.allocs == 0, "guest allocations leaked: %u", h->g.pool.allocs);
    host->dma_free(host->ctx, h->ram.cpu, h->ram.pa, h->ram.size);
    CHECK_EQ(drv_gerror_active(t), 0);
    drv_down(t, h->fx);
}

/* Drain and route the event queue; the logs start empty. A CMD_SYNC first: it completes
 * only once the events of every transaction terminated before it are in the queue
 * (IHI 0070 4.4), so nothing of the DMA just done is left for the next call. */
static int hv_dispatch(hv_t *h)
{
    int ret = smmu_cmdq_sync(&h->fx->s, SMMU_CS_NONE);

    h->gev.n = h->pev.n = h->hev.n = 0;
    return ret ? ret : smmu_evtq_dispatch(&h->fx->s, 0);
}

static void hv_clear(hv_t *h)
{
    (void)hv_dispatch(h);
    h->gev.n = h->pev.n = h->hev.n = 0;
}

/* ---- the guest's side ------------------------------------------------------------------- */

/* One guest address space: stage-1 tables and a CD, in guest RAM. `d` is only a carrier
 * for smmu_make_cd (pgt, asid, coherent_walk); the guest invalidates through the vIOMMU
 * when its tree asks (smmu_guest_flush). */
typedef struct gctx {
    smmu_domain_t d;
    uint64_t *cd;
    uint64_t cd_ipa;
    bool cd_alloc;          /* the CD came from the guest HAL (else: a data page) */
    smmu_guest_flush_t fl;
    hv_t *h;
} gctx_t;

static void g_write_cd(gctx_t *c, const uint64_t cd[8])
{
    /* Dword 0 (V) last, as a guest driver installs a CD. */
    for (int i = 7; i >= 0; i--)
        ((volatile uint64_t *)c->cd)[i] = cd[i];
    atomic_thread_fence(memory_order_seq_cst);
}

/* cd_at: 0 = allocate the CD with the guest HAL, else its IPA in the data half. */
static void gctx_init_at(test_ctx_t *t, hv_t *h, gctx_t *c, uint16_t asid, uint64_t cd_at)
{
    smmu_pgtable_cfg_t pc = {.stage = 1, .ias = 48, .oas = h->parent.pgt.cfg.ias};
    uint64_t cd[8];
    void *cpu = NULL;

    memset(c, 0, sizeof *c);
    c->h = h;
    c->d.asid = asid;
    c->d.coherent_walk = h->fx->s.coherent;
    c->fl.viommu = &h->v;
    c->fl.asid = asid;
    REQUIRE(smmu_pgtable_init(&c->d.pgt, &h->g.hal, &pc) == 0, "guest tables");
    if (cd_at) {
        c->cd_ipa = cd_at;
        cpu = (uint8_t *)h->ram.cpu + (cd_at - G_IPA);
    } else {
        REQUIRE(h->g.hal.dma_alloc(h->g.hal.ctx, 64, 64, &cpu, &c->cd_ipa) == 0, "guest CD");
        c->cd_alloc = true;
    }
    c->cd = cpu;
    smmu_make_cd(&c->d, cd);
    g_write_cd(c, cd);
}

static void gctx_init(test_ctx_t *t, hv_t *h, gctx_t *c, uint16_t asid)
{
    gctx_init_at(t, h, c, asid, 0);
}

static void gctx_free(gctx_t *c)
{
    smmu_pgtable_free(&c->d.pgt);
    if (c->cd_alloc)
        c->h->g.hal.dma_free(c->h->g.hal.ctx, c->cd, c->cd_ipa, 64);
}

static void gmap(test_ctx_t *t, gctx_t *c, uint64_t va, uint64_t ipa, uint64_t size, unsigned prot,
                 unsigned kind)
{
    smmu_gather_t g;
    int ret;

    smmu_gather_init(&g, smmu_guest_flush, &c->fl);
    ret = smmu_pgtable_map(&c->d.pgt, va, ipa, size, prot, kind, &g);
    CHECK(ret == 0, "guest map 0x%" PRIx64 " -> 0x%" PRIx64 ": %s", va, ipa, smmu_strerror(ret));
}

/* The two dwords of the guest's STE. */
static void gste_s1(uint64_t ste[2], uint64_t cd_ipa)
{
    ste[0] = STE_V_MASK | ((uint64_t)STE_CFG_S1 << STE_CONFIG_SHIFT) | (cd_ipa & STE_S1CONTEXTPTR_MASK);
    ste[1] = (1ull << STE_S1CIR_SHIFT) | (1ull << STE_S1COR_SHIFT) | (3ull << STE_S1CSH_SHIFT);
}

static void gste_cfg(uint64_t ste[2], unsigned cfg)
{
    ste[0] = STE_V_MASK | ((uint64_t)cfg << STE_CONFIG_SHIFT);
    ste[1] = 0;
}

static int ginv1(hv_t *h, const smmu_cmd_t *c)
{
    size_t done = 99;
    int ret = smmu_viommu_invalidate(&h->v, c, 1, &done);

    return ret ? ret : done == 1 ? 0 : -1000;
}

/* A guest read: data, or ~0 when the SMMU aborted it. */
static uint64_t gread(test_ctx_t *t, uint64_t va, dma_result_t *res)
{
    uint64_t v = 0;
    dma_result_t r = drv_dma_read(t, PSID, va, &v);

    if (res)
        *res = r;
    return r.resp ? ~0ull : v;
}

/* ---- 1. the hypervisor flow ------------------------------------------------------------- */

TEST(drv_nested_guest_flow)
{
    hv_t *h = hv_up(t, NULL);
    drv_fx_t *fx = h->fx;
    gctx_t A, B;
    smmu_domain_t nd;
    uint64_t gste[2], cd[8];
    smmu_cmd_t c;
    dma_result_t r;
    size_t done = 0;

    gctx_init(t, h, &A, 5);
    gmap(t, &A, VA0, G_DATA(0), 2 * PG, RW, SMMU_MAP_MEM);
    gste_s1(gste, A.cd_ipa);
    CHECK_EQ(smmu_nested_domain_init(&nd, &h->v, gste), 0);
    CHECK_EQ(nd.type, SMMU_DOMAIN_NESTED);
    CHECK_EQ(nd.vmid, h->parent.vmid);
    CHECK_EQ(h->v.nested, 1);
    CHECK_EQ(smmu_attach(&h->m, &nd), 0);
    CHECK_EQ(nd.attached, 1);
    test_log(t, "attach nested: %u syncs, hitless %d", h->m.last_syncs, h->m.last_hitless);
    {
        /* What the driver wrote: the guest's stage 1 on the parent's stage 2. */
        const uint64_t *ste = smmu_ste_ptr(&fx->s, PSID);
        REQUIRE(ste != NULL, "live STE");
        CHECK_EQ((ste[0] & STE_CONFIG_MASK) >> STE_CONFIG_SHIFT, STE_CFG_NESTED);
        CHECK_EQ(ste[0] & STE_S1CONTEXTPTR_MASK, A.cd_ipa);
        CHECK_EQ(ste[2] & STE_S2VMID_MASK, h->parent.vmid);
        CHECK_EQ(ste[3] & STE_S2TTB_MASK, h->parent.pgt.root_pa);
        CHECK(ste[2] & STE_S2PTW_MASK, "S2PTW");
        CHECK_EQ(!!(ste[1] & STE_S2FWB_MASK), h->parent.fwb);
        CHECK_EQ(ste[1] & STE_STRW_MASK, 0);
    }

    /* DMA through both stages: a write lands in guest RAM, a read returns it. */
    r = drv_dma_write(t, PSID, VA0 + 0x10, 0x1122334455667788ull);
    CHECK_EQ(r.resp, 0);
    CHECK_EQ(r.dn.addr, hv_pa(h, G_DATA(0)) + 0x10);
    CHECK_EQ(mem_read64(t->sim, hv_pa(h, G_DATA(0)) + 0x10), 0x1122334455667788ull);
    test_log(t, "nested DMA, cold (STE + CD via stage 2 + walk): %" PRIu64 " cycles, %" PRIu64
                " table reads", r.cycles, r.tbl_reads);
    mem_write64(t->sim, hv_pa(h, G_DATA(1)) + 0x20, 0xfeedface12345678ull);
    /* Uncached, a nested walk reads n x m + n + m descriptors; the walk caches let the
     * stage-2 walks share what the CD's walk and earlier ones left, and the next page's
     * walk resume at the stage-1 level-3 table (test_drv_common.h: wc_tree_t). */
    unsigned n = 4u - A.d.pgt.start_level, m = 4u - h->parent.pgt.start_level;
    wc_tree_t c1, c2;
    wc_tree_init(&c1, &A.d.pgt);
    wc_tree_init(&c2, &h->parent.pgt);
    {
        /* Cold: the STE (L1 descriptor + STE with a 2-level table), the CD (its IPA
         * through stage 2, then the CD), then the nested walk. */
        unsigned want = (fx->s.strtab_2lvl ? 2u : 1u) + (4u - wc_tree_walk(&c2, A.cd_ipa, true)) +
                        1u + wc_nested_reads(&c1, &c2, &A.d.pgt, VA0 + 0x10, G_DATA(0) + 0x10);
        CHECK(r.tbl_reads == want, "cold nested DMA: %" PRIu64 " table reads, want %u "
              "(uncached %u)", r.tbl_reads, want,
              (fx->s.strtab_2lvl ? 2u : 1u) + (m + 1u) + (n * m + n + m));
    }
    CHECK_EQ(gread(t, VA0 + PG + 0x20, &r), 0xfeedface12345678ull);
    {
        unsigned want = wc_nested_reads(&c1, &c2, &A.d.pgt, VA0 + PG + 0x20, G_DATA(1) + 0x20);
        CHECK(r.tbl_reads == want && want <= 2, "nested TLB miss: %" PRIu64 " table reads, "
              "want %u (uncached %u x %u levels: %u)", r.tbl_reads, want, n, m, n * m + n + m);
        test_log(t, "nested DMA, TLB miss (configuration cached, %ux%u levels): %" PRIu64
                    " cycles, %" PRIu64 " table reads", n, m, r.cycles, r.tbl_reads);
    }
    CHECK_EQ(gread(t, VA0 + PG + 0x20, &r), 0xfeedface12345678ull);
    CHECK_EQ(r.tbl_reads, 0);
    test_log(t, "nested DMA, TLB hit: %" PRIu64 " cycles, %" PRIu64 " table reads", r.cycles,
             r.tbl_reads);

    /* The guest moves VA0 to data page 2 without invalidating: the TLB still says page 0. */
    CHECK_EQ(gread(t, VA0, NULL), gtag(0));
    {
        smmu_gather_t lazy;
        smmu_gather_init(&lazy, smmu_guest_flush, &A.fl);
        CHECK_EQ(smmu_pgtable_unmap(&A.d.pgt, VA0, PG, &lazy), (int64_t)PG);
        gmap(t, &A, VA0, G_DATA(2), PG, RW, SMMU_MAP_MEM);
        CHECK_EQ(gread(t, VA0, NULL), gtag(0)); /* stale */
        /* The guest's TLBI_NH_VA names a VMID of its own choosing. Issued as it is, it
         * misses this VM's entries ... */
        uint16_t bogus = (uint16_t)((h->parent.vmid ^ 0x55u) & 0xffu);
        CHECK(bogus != h->parent.vmid && bogus != 0, "bogus VMID");
        CHECK_EQ(smmu_cmd_tlbi_nh_va(&c, bogus, A.d.asid, VA0, true, NULL), 0);
        CHECK_EQ(smmu_cmdq_submit(&fx->s, &c, 1, true, SMMU_CS_NONE), 0);
        CHECK_EQ(gread(t, VA0, NULL), gtag(0)); /* still stale */
        /* ... through the vIOMMU it gets the VM's VMID and hits. */
        uint64_t cmds0 = fx->s.stats.cmds;
        CHECK_EQ(smmu_viommu_invalidate(&h->v, &c, 1, &done), 0);
        CHECK_EQ(done, 1);
        CHECK_EQ(fx->s.stats.cmds - cmds0, 2); /* the TLBI and one CMD_SYNC */
        CHECK_EQ(h->v.stats.cmds, 1);
        CHECK_EQ(gread(t, VA0, NULL), gtag(2));
        CHECK_EQ(gread(t, VA0 + PG, NULL), 0x6a00000000000000ull | G_DATA(1)); /* untouched */
        smmu_gather_release(&lazy);
    }

    /* The guest repoints its CD at another tree with another ASID (B maps VA0 -> page 3):
     * invisible until its CFGI_CD (vSID) arrives through the vIOMMU. */
    gctx_init(t, h, &B, 9);
    gmap(t, &B, VA0, G_DATA(3), PG, RW, SMMU_MAP_MEM);
    smmu_make_cd(&B.d, cd);
    g_write_cd(&A, cd);
    CHECK_EQ(gread(t, VA0, NULL), gtag(2));
    CHECK_EQ(smmu_cmd_cfgi_cd(&c, VSID, 0, true), 0);
    CHECK_EQ(ginv1(h, &c), 0);
    CHECK_EQ(gread(t, VA0, NULL), gtag(3));
    /* Back to A's tree and ASID, announced with CFGI_STE (which drops the CDs cached
     * through the StreamID too). */
    smmu_make_cd(&A.d, cd);
    g_write_cd(&A, cd);
    CHECK_EQ(gread(t, VA0, NULL), gtag(3));
    CHECK_EQ(smmu_cmd_cfgi_ste(&c, VSID, false), 0);
    CHECK_EQ(ginv1(h, &c), 0);
    CHECK_EQ(gread(t, VA0, NULL), gtag(2));
    /* And B again with CFGI_CD_ALL. */
    smmu_make_cd(&B.d, cd);
    g_write_cd(&A, cd);
    CHECK_EQ(gread(t, VA0, NULL), gtag(2));
    CHECK_EQ(smmu_cmd_cfgi_cd_all(&c, VSID), 0);
    CHECK_EQ(ginv1(h, &c), 0);
    CHECK_EQ(gread(t, VA0, NULL), gtag(3));
    smmu_make_cd(&A.d, cd);
    g_write_cd(&A, cd);
    CHECK_EQ(smmu_cmd_cfgi_cd(&c, VSID, 0, true), 0);
    CHECK_EQ(ginv1(h, &c), 0);
    CHECK_EQ(gread(t, VA0, NULL), gtag(2));

    /* The host takes a page of guest RAM away while the guest uses it. The parent is a
     * nest parent, so its unmap also drops the VM's combined stage 1+2 entries: the
     * guest's next access faults at stage 2 instead of reaching the old page. */
    CHECK_EQ(gread(t, VA0, NULL), gtag(2)); /* in the TLB */
    hv_clear(h);
    uint64_t tlbi0 = h->parent.stats.tlbi_cmds;
    CHECK_EQ(smmu_domain_unmap(&h->parent, G_DATA(2), PG, NULL), PG);
    test_log(t, "parent unmap of one page: %" PRIu64 " TLBI commands",
             h->parent.stats.tlbi_cmds - tlbi0);
    CHECK(h->parent.stats.tlbi_cmds - tlbi0 >= 2, "TLBI_S2_IPA and TLBI_NH_ALL");
    CHECK_EQ(gread(t, VA0, NULL), ~0ull);
    CHECK_EQ(hv_dispatch(h), 1);
    CHECK(h->pev.n == 1 && h->gev.n == 0, "host unmap fault to the parent: %u/%u", h->pev.n,
          h->gev.n);
    if (h->pev.n == 1) {
        CHECK_EQ(EVF(&h->pev.ev[0], S2), 1);
        CHECK_EQ(EVF(&h->pev.ev[0], IPA) << 12, G_DATA(2));
    }
    CHECK_EQ(smmu_domain_map(&h->parent, G_DATA(2), hv_pa(h, G_DATA(2)), PG, RW, SMMU_MAP_MEM), 0);
    CHECK_EQ(gread(t, VA0, NULL), gtag(2));

    /* A guest stage-1 fault: the guest's, with its vSID. */
    hv_clear(h);
    uint64_t ev0 = h->v.stats.events;
    CHECK_EQ(gread(t, 0x20000008, NULL), ~0ull);
    CHECK_EQ(hv_dispatch(h), 1);
    CHECK(h->gev.n == 1 && h->pev.n == 0 && h->hev.n == 0, "stage-1 fault routed: guest %u, "
          "parent %u, host %u", h->gev.n, h->pev.n, h->hev.n);
    if (h->gev.n == 1) {
        const smmu_event_t *e = &h->gev.ev[0];
        CHECK_EQ(EVF(e, TYPE), EVT_F_TRANSLATION);
        CHECK_EQ(EVF(e, SID), VSID);
        CHECK_EQ(EVF(e, S2), 0);
        CHECK_EQ(EVF(e, CLASS), 2); /* IN */
        CHECK_EQ(EVF(e, RNW), 1);
        CHECK_EQ(EVF(e, INPUTADDR), 0x20000008);
    }
    CHECK_EQ(h->v.stats.events - ev0, 1);

    /* A stage-2 fault: the guest maps a VA to an IPA the host never mapped. The host's
     * (the parent's handler), with the physical StreamID. */
    gmap(t, &A, 0x30000000, IPA_HOLE, PG, RW, SMMU_MAP_MEM);
    r = drv_dma_write(t, PSID, 0x30000010, 1);
    CHECK(r.resp != 0, "stage-2 fault aborts");
    CHECK_EQ(hv_dispatch(h), 1);
    CHECK(h->gev.n == 0 && h->pev.n == 1 && h->hev.n == 0, "stage-2 fault routed: guest %u, "
          "parent %u, host %u", h->gev.n, h->pev.n, h->hev.n);
    if (h->pev.n == 1) {
        const smmu_event_t *e = &h->pev.ev[0];
        CHECK_EQ(EVF(e, TYPE), EVT_F_TRANSLATION);
        CHECK_EQ(EVF(e, SID), PSID);
        CHECK_EQ(EVF(e, S2), 1);
        CHECK_EQ(EVF(e, CLASS), 2); /* IN: the output IPA */
        CHECK_EQ(EVF(e, RNW), 0);
        CHECK_EQ(EVF(e, INPUTADDR), 0x30000010);
        CHECK_EQ(EVF(e, IPA) << 12, IPA_HOLE);
    }

    /* A bad guest CD (V = 0): C_BAD_CD, the guest's, with the vSID. */
    smmu_make_cd(&A.d, cd);
    cd[0] &= ~CD_V_MASK;
    g_write_cd(&A, cd);
    CHECK_EQ(smmu_cmd_cfgi_cd(&c, VSID, 0, true), 0);
    CHECK_EQ(ginv1(h, &c), 0);
    CHECK_EQ(gread(t, VA0, NULL), ~0ull);
    CHECK_EQ(hv_dispatch(h), 1);
    CHECK(h->gev.n == 1 && h->pev.n == 0 && h->hev.n == 0, "C_BAD_CD routed: guest %u, "
          "parent %u, host %u", h->gev.n, h->pev.n, h->hev.n);
    if (h->gev.n == 1) {
        CHECK_EQ(EVF(&h->gev.ev[0], TYPE), EVT_C_BAD_CD);
        CHECK_EQ(EVF(&h->gev.ev[0], SID), VSID);
    }
    /* Fixed by the guest: traffic flows again. */
    smmu_make_cd(&A.d, cd);
    g_write_cd(&A, cd);
    CHECK_EQ(ginv1(h, &c), 0);
    CHECK_EQ(gread(t, VA0, NULL), gtag(2));
    CHECK_EQ(hv_dispatch(h), 0);
    test_log(t, "vIOMMU: %" PRIu64 " guest commands, %" PRIu64 " refused calls, %" PRIu64
                " events forwarded", h->v.stats.cmds, h->v.stats.refused, h->v.stats.events);

    /* Orderly teardown. */
    CHECK_EQ(smmu_domain_free(&nd), SMMU_EBUSY);
    CHECK_EQ(smmu_viommu_vdev_del(&h->v, &h->m), SMMU_EBUSY);
    CHECK_EQ(smmu_detach(&h->m), 0);
    CHECK_EQ(smmu_domain_free(&nd), 0);
    CHECK_EQ(h->v.nested, 0);
    gctx_free(&A);
    gctx_free(&B);
    hv_down(t, h);
}

/* The host's map/unmap stress on the nest parent while the device DMAs through the
 * guest's stage 1 (which maps [DRV_ST_IOVA, + 8 MB) onto the same IPAs with 2 MB
 * blocks): every host unmap must also drop the combined stage 1+2 TLB entries built
 * from it, or a DMA check reads a stale translation. */
TEST(drv_nested_parent_stress)
{
    hv_t *h = hv_up(t, NULL);
    gctx_t A;
    smmu_domain_t nd;
    uint64_t s[2];

    gctx_init(t, h, &A, 9);
    gmap(t, &A, DRV_ST_IOVA, DRV_ST_IOVA, (uint64_t)DRV_ST_PAGES * PG, RW, SMMU_MAP_MEM);
    gste_s1(s, A.cd_ipa);
    CHECK_EQ(smmu_nested_domain_init(&nd, &h->v, s), 0);
    CHECK_EQ(smmu_attach(&h->m, &nd), 0);
    drv_map_stress(t, h->fx, &h->parent, PSID, 100);
    /* The reads of unmapped pages were stage-2 faults: the host's (the parent's
     * handler), none the guest's. */
    CHECK(h->pev.n > 100 && h->gev.n == 0 && h->hev.n == 0, "events: parent %u, guest %u, "
          "other %u", h->pev.n, h->gev.n, h->hev.n);
    test_log(t, "%u stage-2 faults routed to the parent's handler", h->pev.n);
    CHECK_EQ(smmu_detach(&h->m), 0);
    CHECK_EQ(smmu_domain_free(&nd), 0);
    gctx_free(&A);
    hv_down(t, h);
}

/* ---- 2. guest STE validation and moves between nested domains ---------------------------- */

/* Move the master to `to` with DMA reads of `va` during every store and sync of the STE
 * update (drv_live_hook, as drv_domain_hitless_under_traffic does): each read must see
 * the old or the new configuration's data; aborts only in a breaking (V = 0) update. */
static void live_move(test_ctx_t *t, hv_t *h, smmu_domain_t *to, const char *what, uint64_t va,
                      uint64_t old_data, uint64_t new_data, bool hitless)
{
    drv_live_t live;

    drv_live_start(&live, t, &h->fx->s, PSID, va, 1, old_data, new_data);
    CHECK_EQ(smmu_attach(&h->m, to), 0);
    drv_live_stop(&live);
    CHECK(h->m.last_hitless == hitless, "%s: hitless %d", what, h->m.last_hitless);
    /* A breaking update must show its V = 0 step to the traffic (else this hook would
     * not catch a broken hitless one either). */
    CHECK(live.reads >= 2 && (hitless ? live.aborts == 0 : live.aborts > 0) && live.wrong == 0,
          "%s: %u reads during the update, %u aborts, %u wrong", what, live.reads, live.aborts,
          live.wrong);
    CHECK_EQ(gread(t, va, NULL), new_data);
    test_log(t, "%s under traffic: %u syncs, hitless %d, %u reads (%u aborted), split64 %d",
             what, h->m.last_syncs, h->m.last_hitless, live.reads, live.aborts,
             h->fx->s.split64);
}

static void guest_ste(test_ctx_t *t, bool split)
{
    smmu_config_t cfg = {.split_stores = split};
    hv_t *h = hv_up(t, &cfg);
    gctx_t A, B;
    smmu_domain_t nd, n_abort, n_abort0, n_byp, n_s1a, n_s1b, n_far, n_hole, n_stall, n_eabt;
    uint64_t s[2];
    dma_result_t r;

    /* A's CD is below 4 GB, B's above (at data page 10): a move between them changes
     * both halves of the S1ContextPtr dword. */
    gctx_init(t, h, &A, 5);
    gctx_init_at(t, h, &B, 6, G_DATA(10));
    CHECK(A.cd_ipa >> 32 == 0 && B.cd_ipa >> 32 != 0, "CDs on both sides of 4 GB");
    gmap(t, &A, VA0, G_DATA(0), PG, RW, SMMU_MAP_MEM);
    gmap(t, &B, VA0, G_DATA(1), PG, RW, SMMU_MAP_MEM);
    /* Both also map page 5 at its IPA, so bypass and stage 1 read the same there. */
    gmap(t, &A, G_DATA(5), G_DATA(5), PG, RW, SMMU_MAP_MEM);
    gmap(t, &B, G_DATA(5), G_DATA(5), PG, RW, SMMU_MAP_MEM);

    /* Refused: bits a guest may not set, and configurations it may not ask for. */
    static const struct { unsigned dw; uint64_t bits; const char *what; } bad_bits[] = {
        {0, 1ull << 56, "dw0 reserved bit 56"},
        {0, 1ull << 58, "dw0 reserved bit 58"},
        {1, STE_S2FWB_MASK, "S2FWB"},
        {1, STE_STRW_MASK, "STRW"},
        {1, STE_EATS_MASK, "EATS"},
        {1, STE_MEMATTR_MASK, "MemAttr"},
        {1, STE_SHCFG_MASK, "SHCFG"},
        {1, 1ull << 12, "DRE"},
        {1, 1ull << 19, "MEV"},
        {1, 1ull << 63, "dw1 bit 63"},
    };
    for (unsigned i = 0; i < sizeof bad_bits / sizeof bad_bits[0]; i++) {
        gste_s1(s, A.cd_ipa);
        s[bad_bits[i].dw] |= bad_bits[i].bits;
        int ret = smmu_nested_domain_init(&nd, &h->v, s);
        CHECK(ret == SMMU_EINVAL, "%s: %d", bad_bits[i].what, ret);
        CHECK_EQ(smmu_attach(&h->m, &nd), SMMU_EINVAL); /* left unusable */
    }
    for (unsigned cfg = 1; cfg < 8; cfg++) {
        if (cfg == STE_CFG_BYPASS || cfg == STE_CFG_S1)
            continue;
        gste_s1(s, A.cd_ipa);
        s[0] = (s[0] & ~STE_CONFIG_MASK) | ((uint64_t)cfg << STE_CONFIG_SHIFT);
        int ret = smmu_nested_domain_init(&nd, &h->v, s);
        CHECK(ret == SMMU_EINVAL, "Config %u: %d", cfg, ret);
    }
    CHECK_EQ(h->v.nested, 0);
    CHECK_EQ(smmu_nested_domain_init(&nd, NULL, s), SMMU_EINVAL);
    CHECK_EQ(smmu_nested_domain_init(&nd, &h->v, NULL), SMMU_EINVAL);
    CHECK_EQ(h->v.nested, 0);

    /* Accepted: V = 0 (whatever else it holds), abort, bypass, stage 1 (two CDs). */
    s[0] = ~STE_V_MASK;
    s[1] = ~0ull;
    CHECK_EQ(smmu_nested_domain_init(&n_abort0, &h->v, s), 0);
    gste_s1(s, A.cd_ipa);
    s[0] &= ~STE_CONFIG_MASK; /* abort, with stage-1 fields left in */
    CHECK_EQ(smmu_nested_domain_init(&n_abort, &h->v, s), 0);
    CHECK_EQ(n_abort.guest_ste[0], STE_V_MASK); /* canonical */
    CHECK_EQ(n_abort.guest_ste[1], 0);
    gste_cfg(s, STE_CFG_BYPASS);
    CHECK_EQ(smmu_nested_domain_init(&n_byp, &h->v, s), 0);
    gste_s1(s, A.cd_ipa);
    CHECK_EQ(smmu_nested_domain_init(&n_s1a, &h->v, s), 0);
    gste_s1(s, B.cd_ipa);
    CHECK_EQ(smmu_nested_domain_init(&n_s1b, &h->v, s), 0);
    CHECK_EQ(h->v.nested, 5);

    /* abort (V = 0 guest STE) -> abort -> bypass -> S1 (A) -> S1 (B) -> abort. */
    hv_clear(h);
    CHECK_EQ(smmu_attach(&h->m, &n_abort0), 0);
    test_log(t, "-> guest V=0:    %u syncs, hitless %d", h->m.last_syncs, h->m.last_hitless);
    CHECK_EQ(gread(t, VA0, NULL), ~0ull);
    CHECK_EQ(gread(t, G_DATA(0), NULL), ~0ull);
    CHECK_EQ(smmu_attach(&h->m, &n_abort), 0);
    CHECK_EQ(h->m.last_syncs, 0); /* the same abort STE */
    test_log(t, "-> guest abort:  %u syncs, hitless %d", h->m.last_syncs, h->m.last_hitless);
    CHECK_EQ(gread(t, VA0, NULL), ~0ull);
    CHECK_EQ(hv_dispatch(h), 0); /* abort: no event */

    CHECK_EQ(smmu_attach(&h->m, &n_byp), 0);
    CHECK(h->m.last_hitless, "abort -> bypass hitless");
    test_log(t, "-> guest bypass: %u syncs, hitless %d", h->m.last_syncs, h->m.last_hitless);
    /* Bypass in the guest = the parent's stage 2 alone: the input address is an IPA. */
    CHECK_EQ(gread(t, G_DATA(0) + 8, &r), 0);
    CHECK_EQ(r.dn.addr, hv_pa(h, G_DATA(0)) + 8);
    CHECK_EQ(gread(t, G_DATA(0), NULL), gtag(0));
    r = drv_dma_write(t, PSID, G_DATA(1) + 0x18, 0xb1b2b3b4b5b6b7b8ull);
    CHECK_EQ(r.resp, 0);
    CHECK_EQ(mem_read64(t->sim, hv_pa(h, G_DATA(1)) + 0x18), 0xb1b2b3b4b5b6b7b8ull);
    CHECK_EQ(gread(t, VA0, NULL), ~0ull); /* VA0 is not an IPA the host mapped */
    CHECK_EQ(hv_dispatch(h), 1);
    CHECK(h->pev.n == 1 && h->gev.n == 0, "bypass stage-2 fault to the parent: %u/%u",
          h->pev.n, h->gev.n);
    if (h->pev.n == 1) {
        CHECK_EQ(EVF(&h->pev.ev[0], SID), PSID);
        CHECK_EQ(EVF(&h->pev.ev[0], S2), 1);
        CHECK_EQ(EVF(&h->pev.ev[0], IPA) << 12, VA0);
    }

    CHECK_EQ(smmu_attach(&h->m, &n_s1a), 0);
    CHECK(h->m.last_hitless, "bypass (stage 2) -> nested hitless");
    test_log(t, "-> guest S1 (A): %u syncs, hitless %d", h->m.last_syncs, h->m.last_hitless);
    CHECK_EQ(gread(t, VA0, NULL), gtag(0));
    CHECK_EQ(smmu_attach(&h->m, &n_s1b), 0);
    /* One dword (S1ContextPtr) changes: one 64-bit store. Split into halves, either
     * intermediate points at a CD neither configuration has, so it breaks (V = 0, dwords
     * 1..7 unchanged, dword 0: 2 syncs). */
    CHECK(h->m.last_hitless == !split, "nested -> nested (another CD): hitless %d",
          h->m.last_hitless);
    CHECK_EQ(h->m.last_syncs, split ? 2 : 1);
    test_log(t, "-> guest S1 (B): %u syncs, hitless %d", h->m.last_syncs, h->m.last_hitless);
    CHECK_EQ(gread(t, VA0, NULL), gtag(1));
    r = drv_dma_write(t, PSID, VA0 + 0x28, 0x0badc0de0badc0deull);
    CHECK_EQ(r.resp, 0);
    CHECK_EQ(mem_read64(t->sim, hv_pa(h, G_DATA(1)) + 0x28), 0x0badc0de0badc0deull);
    CHECK_EQ(smmu_attach(&h->m, &n_s1a), 0);
    CHECK_EQ(gread(t, VA0, NULL), gtag(0));
    CHECK_EQ(smmu_attach(&h->m, &n_abort), 0);
    CHECK(h->m.last_hitless, "nested -> abort hitless");
    test_log(t, "-> guest abort:  %u syncs, hitless %d", h->m.last_syncs, h->m.last_hitless);
    CHECK_EQ(gread(t, VA0, NULL), ~0ull);
    CHECK_EQ(hv_dispatch(h), 0);
    CHECK_EQ(smmu_domain_free(&n_abort), SMMU_EBUSY);

    /* Guest STEs the hardware refuses: a CD pointer beyond the IPA size is C_BAD_STE (the
     * guest's, vSID); a CD at an IPA the host never mapped is a stage-2 fault of the CD
     * fetch (the host's, pSID, CLASS = CD). */
    gste_s1(s, 1ull << 50);
    CHECK_EQ(smmu_nested_domain_init(&n_far, &h->v, s), 0);
    CHECK_EQ(smmu_attach(&h->m, &n_far), 0);
    CHECK_EQ(gread(t, VA0, NULL), ~0ull);
    CHECK_EQ(hv_dispatch(h), 1);
    CHECK(h->gev.n == 1 && h->pev.n == 0 && h->hev.n == 0, "C_BAD_STE routed: %u/%u/%u",
          h->gev.n, h->pev.n, h->hev.n);
    if (h->gev.n == 1) {
        CHECK_EQ(EVF(&h->gev.ev[0], TYPE), EVT_C_BAD_STE);
        CHECK_EQ(EVF(&h->gev.ev[0], SID), VSID);
    }
    /* S1STALLD is the guest's to set, and its virtual SMMU reports STALL_MODEL = 0b01
     * (no stall), under which the hardware finds the STE ILLEGAL: the guest's error. */
    gste_s1(s, A.cd_ipa);
    s[1] |= STE_S1STALLD_MASK;
    CHECK_EQ(smmu_nested_domain_init(&n_stall, &h->v, s), 0);
    CHECK_EQ(smmu_attach(&h->m, &n_stall), 0);
    CHECK_EQ(gread(t, VA0, NULL), ~0ull);
    CHECK_EQ(hv_dispatch(h), 1);
    CHECK(h->gev.n == 1 && h->pev.n == 0 && h->hev.n == 0, "S1STALLD C_BAD_STE routed: "
          "%u/%u/%u", h->gev.n, h->pev.n, h->hev.n);
    if (h->gev.n == 1) {
        CHECK_EQ(EVF(&h->gev.ev[0], TYPE), EVT_C_BAD_STE);
        CHECK_EQ(EVF(&h->gev.ev[0], SID), VSID);
    }
    gste_s1(s, IPA_HOLE + 0x40);
    CHECK_EQ(smmu_nested_domain_init(&n_hole, &h->v, s), 0);
    CHECK_EQ(smmu_attach(&h->m, &n_hole), 0);
    CHECK_EQ(gread(t, VA0, NULL), ~0ull);
    CHECK_EQ(hv_dispatch(h), 1);
    CHECK(h->gev.n == 0 && h->pev.n == 1 && h->hev.n == 0, "CD fetch stage-2 fault routed: "
          "%u/%u/%u", h->gev.n, h->pev.n, h->hev.n);
    if (h->pev.n == 1) {
        const smmu_event_t *e = &h->pev.ev[0];
        CHECK_EQ(EVF(e, TYPE), EVT_F_TRANSLATION);
        CHECK_EQ(EVF(e, SID), PSID);
        CHECK_EQ(EVF(e, S2), 1);
        CHECK_EQ(EVF(e, CLASS), 0); /* CD */
        CHECK_EQ(EVF(e, IPA) << 12, IPA_HOLE);
    }
    /* A CD at an IPA the host maps, but whose memory answers the fetch with an error:
     * F_CD_FETCH, the guest's (vSID), with the FetchAddr - a host physical address -
     * cleared before the guest sees it. */
    const uint64_t eabt_pa = hv_pa(h, G_DATA(7));
    REQUIRE(mem_add_error_range(t->sim, eabt_pa, PG, MEM_ERR_READ) == 0, "error range");
    gste_s1(s, G_DATA(7) + 0x80);
    CHECK_EQ(smmu_nested_domain_init(&n_eabt, &h->v, s), 0);
    CHECK_EQ(smmu_attach(&h->m, &n_eabt), 0);
    CHECK_EQ(gread(t, VA0, NULL), ~0ull);
    CHECK_EQ(hv_dispatch(h), 1);
    CHECK(h->gev.n == 1 && h->pev.n == 0 && h->hev.n == 0, "F_CD_FETCH routed: %u/%u/%u",
          h->gev.n, h->pev.n, h->hev.n);
    if (h->gev.n == 1) {
        const smmu_event_t *e = &h->gev.ev[0];
        CHECK_EQ(EVF(e, TYPE), EVT_F_CD_FETCH);
        CHECK_EQ(EVF(e, SID), VSID);
        CHECK_EQ(EVF(e, FETCHADDR), 0); /* the hardware wrote eabt_pa + 0x80 */
    }
    mem_clear_error_ranges(t->sim);

    /* Back to a good configuration from a broken one. */
    CHECK_EQ(smmu_attach(&h->m, &n_s1b), 0);
    CHECK_EQ(gread(t, VA0, &r), gtag(1));

    /* The moves a guest makes by rewriting its STE, with traffic at every step. */
    CHECK_EQ(hv_dispatch(h), 0);
    live_move(t, h, &n_byp, "S1 (B) -> bypass", G_DATA(5), gtag(5), gtag(5), true);
    live_move(t, h, &n_s1a, "bypass -> S1 (A)", G_DATA(5), gtag(5), gtag(5), true);
    CHECK_EQ(hv_dispatch(h), 0);
    live_move(t, h, &n_s1b, "S1 (A) -> S1 (B)", VA0, gtag(0), gtag(1), !split);
    live_move(t, h, &n_s1a, "S1 (B) -> S1 (A)", VA0, gtag(1), gtag(0), !split);
    /* The breaking moves (split stores) showed the invalid STE to traffic: C_BAD_STE,
     * which the guest gets with its vSID (its own SMMU would have done the same while it
     * rewrote its STE with V = 0). */
    int nev = hv_dispatch(h);
    CHECK(split ? nev > 0 : nev == 0, "%d events after the CD moves", nev);
    CHECK((unsigned)nev == h->gev.n && h->pev.n == 0 && h->hev.n == 0, "routed %u/%u/%u",
          h->gev.n, h->pev.n, h->hev.n);
    for (unsigned i = 0; i < h->gev.n && i < 8u; i++) {
        CHECK_EQ(EVF(&h->gev.ev[i], TYPE), EVT_C_BAD_STE);
        CHECK_EQ(EVF(&h->gev.ev[i], SID), VSID);
    }
    test_log(t, "events during the CD moves: %d", nev);

    /* Without a fault handler on the parent, stage-2 faults go to the SMMU's handler;
     * without one on the vIOMMU ... the vIOMMU logs them (its events never leak to the
     * host's handler with a vSID). */
    smmu_domain_set_fault_handler(&h->parent, NULL, NULL);
    CHECK_EQ(smmu_attach(&h->m, &n_hole), 0);
    CHECK_EQ(gread(t, VA0, NULL), ~0ull);
    CHECK_EQ(hv_dispatch(h), 1);
    CHECK(h->hev.n == 1 && h->pev.n == 0 && h->gev.n == 0, "no parent handler: %u/%u/%u",
          h->gev.n, h->pev.n, h->hev.n);
    if (h->hev.n == 1)
        CHECK_EQ(EVF(&h->hev.ev[0], SID), PSID);
    h->v.event_cb = NULL;
    CHECK_EQ(smmu_attach(&h->m, &n_far), 0);
    CHECK_EQ(gread(t, VA0, NULL), ~0ull);
    CHECK_EQ(hv_dispatch(h), 1);
    CHECK(h->hev.n == 0 && h->gev.n == 0, "no vIOMMU handler: logged, host %u", h->hev.n);
    h->v.event_cb = ev_collect;

    CHECK_EQ(smmu_detach(&h->m), 0);
    smmu_domain_t *all[] = {&n_abort0, &n_abort, &n_byp, &n_s1a, &n_s1b, &n_far, &n_hole, &n_stall,
                            &n_eabt};
    for (unsigned i = 0; i < sizeof all / sizeof all[0]; i++)
        CHECK_EQ(smmu_domain_free(all[i]), 0);
    CHECK_EQ(h->v.nested, 0);
    gctx_free(&A);
    gctx_free(&B);
    hv_down(t, h);
}

TEST(drv_nested_guest_ste)
{
    guest_ste(t, false);
}

/* The same with 32-bit structure stores (the rv32 driver). */
TEST(drv_nested_guest_ste_split)
{
    guest_ste(t, true);
}

/* ---- 3. guest invalidations the vIOMMU refuses ------------------------------------------- */

TEST(drv_nested_invalidate_refused)
{
    hv_t *h = hv_up(t, NULL);
    drv_fx_t *fx = h->fx;
    gctx_t A;
    smmu_domain_t nd;
    uint64_t s[2];
    smmu_cmd_t good, batch[40];
    size_t done;
    int ret;

    gctx_init(t, h, &A, 5);
    gmap(t, &A, VA0, G_DATA(0), PG, RW, SMMU_MAP_MEM);
    gste_s1(s, A.cd_ipa);
    CHECK_EQ(smmu_nested_domain_init(&nd, &h->v, s), 0);
    CHECK_EQ(smmu_attach(&h->m, &nd), 0);
    CHECK_EQ(gread(t, VA0, NULL), gtag(0));
    /* The guest moves VA0 and has yet to invalidate it: the TLB gives the old page. */
    smmu_gather_t lazy;
    smmu_gather_init(&lazy, smmu_guest_flush, &A.fl);
    CHECK_EQ(smmu_pgtable_unmap(&A.d.pgt, VA0, PG, &lazy), (int64_t)PG);
    gmap(t, &A, VA0, G_DATA(1), PG, RW, SMMU_MAP_MEM);
    CHECK_EQ(gread(t, VA0, NULL), gtag(0));
    CHECK_EQ(smmu_cmd_tlbi_nh_va(&good, 0, A.d.asid, VA0, true, NULL), 0);

    smmu_cmd_t cmd;
    struct { const char *name; smmu_cmd_t c; int err; } bad[20];
    unsigned nb = 0;
#define BAD(nm, build, e)                                                                 \
    do {                                                                                  \
        memset(&cmd, 0, sizeof cmd);                                                      \
        CHECK_EQ(build, 0);                                                               \
        bad[nb].name = nm;                                                                \
        bad[nb].c = cmd;                                                                  \
        bad[nb].err = e;                                                                  \
        nb++;                                                                             \
    } while (0)
    BAD("TLBI_S2_IPA", smmu_cmd_tlbi_s2_ipa(&cmd, h->parent.vmid, G_DATA(0), true, NULL),
        SMMU_EINVAL);
    BAD("TLBI_S12_VMALL", smmu_cmd_tlbi_s12_vmall(&cmd, h->parent.vmid), SMMU_EINVAL);
    BAD("TLBI_EL2_ALL", smmu_cmd_tlbi_el2_all(&cmd), SMMU_EINVAL);
    BAD("TLBI_EL2_ASID", smmu_cmd_tlbi_el2_asid(&cmd, A.d.asid), SMMU_EINVAL);
    BAD("TLBI_EL2_VA", smmu_cmd_tlbi_el2_va(&cmd, A.d.asid, VA0, true, NULL), SMMU_EINVAL);
    BAD("TLBI_EL2_VAA", smmu_cmd_tlbi_el2_vaa(&cmd, VA0, true, NULL), SMMU_EINVAL);
    BAD("CFGI_ALL", smmu_cmd_cfgi_all(&cmd), SMMU_EINVAL);
    BAD("CFGI_STE_RANGE", smmu_cmd_cfgi_ste_range(&cmd, 0, 3), SMMU_EINVAL);
    BAD("CMD_SYNC", smmu_cmd_sync(&cmd, SMMU_CS_NONE), SMMU_EINVAL);
    BAD("PREFETCH_CONFIG", smmu_cmd_prefetch_config(&cmd, VSID), SMMU_EINVAL);
    BAD("PREFETCH_ADDR", smmu_cmd_prefetch_addr(&cmd, VSID, VA0), SMMU_EINVAL);
    BAD("opcode 0x7f", (cmd.dw[0] = 0x7f, 0), SMMU_EINVAL);
    BAD("opcode 0x00", (cmd.dw[0] = 0, 0), SMMU_EINVAL);
    BAD("CFGI_STE unbound vSID", smmu_cmd_cfgi_ste(&cmd, VSID + 1, false), SMMU_ENOENT);
    BAD("CFGI_STE pSID", smmu_cmd_cfgi_ste(&cmd, PSID, false), SMMU_ENOENT);
    BAD("CFGI_CD unbound vSID", smmu_cmd_cfgi_cd(&cmd, 0x999, 0, true), SMMU_ENOENT);
    BAD("CFGI_CD_ALL unbound vSID", smmu_cmd_cfgi_cd_all(&cmd, 0x999), SMMU_ENOENT);
#undef BAD

    for (unsigned i = 0; i < nb; i++) {
        /* The refused command between two valid TLBIs: nothing of the batch happens. */
        smmu_cmd_t b3[3] = {good, bad[i].c, good};
        uint64_t cmds0 = fx->s.stats.cmds, ref0 = h->v.stats.refused, acc0 = h->v.stats.cmds;
        done = 99;
        ret = smmu_viommu_invalidate(&h->v, b3, 3, &done);
        CHECK(ret == bad[i].err, "%s: returned %d, want %d", bad[i].name, ret, bad[i].err);
        CHECK(done == 1, "%s: done %zu", bad[i].name, done);
        CHECK(fx->s.stats.cmds == cmds0, "%s: %" PRIu64 " commands issued", bad[i].name,
              fx->s.stats.cmds - cmds0);
        CHECK_EQ(h->v.stats.refused - ref0, 1);
        CHECK_EQ(h->v.stats.cmds, acc0);
        /* First in the batch, alone. */
        done = 99;
        ret = smmu_viommu_invalidate(&h->v, &bad[i].c, 1, &done);
        CHECK(ret == bad[i].err && done == 0, "%s alone: %d, done %zu", bad[i].name, ret, done);
        CHECK_EQ(fx->s.stats.cmds, cmds0);
        CHECK(gread(t, VA0, NULL) == gtag(0), "%s: the stale entry went away", bad[i].name);
    }
    /* A long batch (more than one submission chunk) with its last command refused. */
    for (unsigned i = 0; i < 40; i++)
        batch[i] = good;
    batch[39] = bad[0].c;
    uint64_t cmds0 = fx->s.stats.cmds;
    done = 0;
    CHECK_EQ(smmu_viommu_invalidate(&h->v, batch, 40, &done), SMMU_EINVAL);
    CHECK_EQ(done, 39);
    CHECK_EQ(fx->s.stats.cmds, cmds0);
    CHECK_EQ(gread(t, VA0, NULL), gtag(0));
    CHECK_EQ(smmu_viommu_invalidate(&h->v, NULL, 1, &done), SMMU_EINVAL);
    CHECK_EQ(fx->s.stats.cmds, cmds0);
    CHECK_EQ(gread(t, VA0, NULL), gtag(0));
    /* Accepted as a whole: all 40 (two chunks) plus one CMD_SYNC, and the entry is gone. */
    batch[39] = good;
    done = 0;
    CHECK_EQ(smmu_viommu_invalidate(&h->v, batch, 40, &done), 0);
    CHECK_EQ(done, 40);
    CHECK_EQ(fx->s.stats.cmds - cmds0, 41);
    CHECK_EQ(gread(t, VA0, NULL), gtag(1));
    smmu_gather_release(&lazy);
    CHECK_EQ(fx->s.stats.cmdq_ill, 0);
    CHECK_EQ(drv_gerror_active(t), 0);

    /* A range the SMMU would reject: TLBI_NH_VA with the Reserved range encoding
     * (TG != 0, NUM = SCALE = TTL = 0) would stop the host's queue with CERROR_ILL, so
     * the vIOMMU refuses it up front: nothing issued, no global error. */
    smmu_cmd_t ill[2] = {good, good};
    ill[1].dw[CMD_TG_DW] |= 1ull << CMD_TG_SHIFT;
    done = 99;
    cmds0 = fx->s.stats.cmds;
    ret = smmu_viommu_invalidate(&h->v, ill, 2, &done);
    CHECK(ret == SMMU_EINVAL, "illegal guest range TLBI: %d", ret);
    CHECK_EQ(done, 1);
    CHECK_EQ(fx->s.stats.cmds, cmds0);
    CHECK_EQ(fx->s.stats.cmdq_ill, 0);
    CHECK_EQ(drv_gerror_active(t), 0);
    /* TG = 16 KB with TTL = 0b01 and NUM = SCALE = 0 is Reserved too (TTL 0b01 reads
     * as 0b00 under 16 KB without DS). */
    ill[1] = good;
    ill[1].dw[CMD_TG_DW] |= 2ull << CMD_TG_SHIFT | 1ull << CMD_TTL_SHIFT;
    ret = smmu_viommu_invalidate(&h->v, ill, 2, &done);
    CHECK(ret == SMMU_EINVAL, "illegal guest 16 KB TTL 1 TLBI: %d", ret);
    CHECK_EQ(fx->s.stats.cmds, cmds0);
    /* SSec = 1 on a guest CFGI_STE is ILLEGAL on a Non-secure queue: refused. */
    smmu_cmd_t cfgi[2];
    cfgi[0] = good;
    CHECK_EQ(smmu_cmd_cfgi_ste(&cfgi[1], VSID, false), 0);
    cfgi[1].dw[CMD_SSEC_DW] |= 1ull << CMD_SSEC_SHIFT;
    ret = smmu_viommu_invalidate(&h->v, cfgi, 2, &done);
    CHECK(ret == SMMU_EINVAL, "guest CFGI_STE with SSec: %d", ret);
    CHECK_EQ(done, 1);
    CHECK_EQ(fx->s.stats.cmds, cmds0);
    CHECK_EQ(fx->s.stats.cmdq_ill, 0);
    CHECK_EQ(drv_gerror_active(t), 0);
    /* The same with a real range (NUM = 1: two pages) is accepted. */
    ill[1] = good;
    ill[1].dw[CMD_TG_DW] |= 1ull << CMD_TG_SHIFT;
    ill[1].dw[CMD_NUM_DW] |= 1ull << CMD_NUM_SHIFT;
    CHECK_EQ(smmu_viommu_invalidate(&h->v, ill, 2, &done), 0);
    CHECK_EQ(done, 2);
    CHECK_EQ(fx->s.stats.cmdq_ill, 0);
    CHECK_EQ(ginv1(h, &good), 0); /* the queue works again */
    CHECK_EQ(gread(t, VA0, NULL), gtag(1));
    test_log(t, "%u refused commands, each alone and inside a batch: no command issued; "
                "vIOMMU refused %" PRIu64 " calls, accepted %" PRIu64 " commands", nb,
             h->v.stats.refused, h->v.stats.cmds);
    CHECK_EQ(hv_dispatch(h), 0);

    /* A guest resetting its SMMU sends TLBI_NSNH_ALL: the vIOMMU issues TLBI_NH_ALL of
     * the guest's VMID instead (as Linux), which drops the guest's stale entry. */
    CHECK_EQ(smmu_pgtable_unmap(&A.d.pgt, VA0, PG, &lazy), (int64_t)PG);
    gmap(t, &A, VA0, G_DATA(0), PG, RW, SMMU_MAP_MEM);
    CHECK_EQ(gread(t, VA0, NULL), gtag(1)); /* stale */
    smmu_cmd_t nsnh;
    CHECK_EQ(smmu_cmd_tlbi_nsnh_all(&nsnh), 0);
    cmds0 = fx->s.stats.cmds;
    CHECK_EQ(ginv1(h, &nsnh), 0);
    CHECK_EQ(fx->s.stats.cmds - cmds0, 2); /* TLBI_NH_ALL + CMD_SYNC */
    CHECK_EQ(gread(t, VA0, NULL), gtag(0));
    smmu_gather_release(&lazy);

    CHECK_EQ(smmu_detach(&h->m), 0);
    CHECK_EQ(smmu_domain_free(&nd), 0);
    gctx_free(&A);
    hv_down(t, h);
}

/* ---- 4. attributes under S2FWB ------------------------------------------------------------ */

TEST(drv_nested_attrs_fwb)
{
    const sim_params_t *p = sim_params(t->sim);
    if (!p->fwb || !p->cohacc) {
        test_log(t, "skipped: the model has FWB=%u COHACC=%u (needs both)", p->fwb, p->cohacc);
        CHECK(1, "skipped"); /* the runner fails a test that checks nothing */
        return;
    }
    hv_t *h = hv_up(t, NULL);
    gctx_t A;
    smmu_domain_t nd, nb;
    uint64_t s[2], v = 0;
    dma_result_t r;

    CHECK(h->parent.fwb, "the nest parent uses S2FWB");
    /* IO memory the guest may map as it likes: stage 2 MemAttr 0x5. */
    CHECK_EQ(smmu_domain_map(&h->parent, IO_IPA, IO_PA, 3 * PG, RW, SMMU_MAP_IO), 0);
    for (unsigned i = 0; i < 3; i++)
        mem_write64(t->sim, IO_PA + i * PG, 0x10a0000000000000ull + i);

    gctx_init(t, h, &A, 5);
    static const struct {
        uint64_t va, ipa;
        unsigned kind;
        const char *what;
        uint8_t attr, cache, domain; /* expected: MAIR byte, AxCACHE (read), AxDOMAIN */
    } cases[] = {
        /* RAM (stage 2 MemAttr 0x6, force write-back). Stage 1 NC is forced to WB RWA;
         * its Normal-NC shareability is OSH (IHI 0070 13 and Arm ARM D8.6, project decision), outer wins. */
        {VA0, G_DATA(0), SMMU_MAP_IO, "RAM, guest NC", 0xff, 0xf, 2},
        {VA0 + PG, G_DATA(1), SMMU_MAP_MEM, "RAM, guest WB", 0xff, 0xf, 1},
        /* IO (MemAttr 0x5): guest Device stays Device, anything else is Normal NC. */
        {VA0 + 2 * PG, IO_IPA, SMMU_MAP_MMIO, "IO, guest Device", 0x04, 0x1, 3},
        {VA0 + 3 * PG, IO_IPA + PG, SMMU_MAP_IO, "IO, guest NC", 0x44, 0x3, 3},
        {VA0 + 4 * PG, IO_IPA + 2 * PG, SMMU_MAP_MEM, "IO, guest WB", 0x44, 0x3, 3},
    };
    const unsigned nc = sizeof cases / sizeof cases[0];
    for (unsigned i = 0; i < nc; i++)
        gmap(t, &A, cases[i].va, cases[i].ipa, PG, RW, cases[i].kind);
    gste_s1(s, A.cd_ipa);
    CHECK_EQ(smmu_nested_domain_init(&nd, &h->v, s), 0);
    CHECK_EQ(smmu_attach(&h->m, &nd), 0);
    for (unsigned i = 0; i < nc; i++) {
        /* Incoming attributes (default Device, AxCACHE 0) are replaced by stage 1. */
        r = drv_dma_read(t, PSID, cases[i].va, &v);
        CHECK(r.resp == 0, "%s: resp %d", cases[i].what, r.resp);
        CHECK(r.dn.attr == cases[i].attr && r.dn.cache == cases[i].cache &&
                  r.dn.domain == cases[i].domain,
              "%s: attr 0x%02x cache 0x%x domain %u, want 0x%02x 0x%x %u", cases[i].what,
              r.dn.attr, r.dn.cache, r.dn.domain, cases[i].attr, cases[i].cache,
              cases[i].domain);
        bool io = cases[i].ipa - IO_IPA < 3 * PG;
        uint64_t want = io ? 0x10a0000000000000ull + (cases[i].ipa - IO_IPA) / PG
                           : gtag((unsigned)((cases[i].ipa - G_DATA(0)) / PG));
        CHECK(v == want, "%s: data 0x%" PRIx64, cases[i].what, v);
        test_log(t, "%-17s read:  attr 0x%02x AxCACHE 0x%x AxDOMAIN %u", cases[i].what,
                 r.dn.attr, r.dn.cache, r.dn.domain);
        r = drv_dma_write(t, PSID, cases[i].va + 0x40, 0x77);
        CHECK(r.resp == 0 && r.dn.attr == cases[i].attr, "%s write: resp %d attr 0x%02x",
              cases[i].what, r.resp, r.dn.attr);
        test_log(t, "%-17s write: attr 0x%02x AxCACHE 0x%x AxDOMAIN %u", cases[i].what,
                 r.dn.attr, r.dn.cache, r.dn.domain);
    }
    /* Guest bypass (stage 2 alone): an incoming Non-cacheable access to RAM is forced to
     * write-back as well; IO memory gives NC. */
    gste_cfg(s, STE_CFG_BYPASS);
    CHECK_EQ(smmu_nested_domain_init(&nb, &h->v, s), 0);
    CHECK_EQ(smmu_attach(&h->m, &nb), 0);
    {
        dma_txn_t x = {.sid = PSID, .addr = G_DATA(0), .len = 8, .prot = 2, .cache = 0x3};
        r = dma_read(t->sim, &x, &v);
        CHECK_EQ(r.resp, 0);
        CHECK_EQ(r.dn.attr, 0xff);
        test_log(t, "bypass, RAM, incoming NC: attr 0x%02x AxCACHE 0x%x AxDOMAIN %u",
                 r.dn.attr, r.dn.cache, r.dn.domain);
        x.addr = IO_IPA;
        x.cache = 0xf;
        r = dma_read(t->sim, &x, &v);
        CHECK_EQ(r.resp, 0);
        CHECK_EQ(r.dn.attr, 0x44);
        test_log(t, "bypass, IO, incoming WB:  attr 0x%02x AxCACHE 0x%x AxDOMAIN %u",
                 r.dn.attr, r.dn.cache, r.dn.domain);
    }
    CHECK_EQ(smmu_detach(&h->m), 0);
    CHECK_EQ(smmu_domain_free(&nd), 0);
    CHECK_EQ(smmu_domain_free(&nb), 0);
    gctx_free(&A);
    CHECK_EQ(hv_dispatch(h), 0);
    hv_down(t, h);
}

/* ---- 4b. a master handed from the host to its guest ---------------------------------------- */

/* A fault of the device's previous host domain may still be in the event queue when the
 * device goes to the guest: it must reach the host's handler, never the guest (its
 * address is a host IOVA). The driver drains the queue (CMD_SYNC, then routes what is in
 * it) before the master changes owner. */
TEST(drv_nested_owner_drain)
{
    hv_t *h = hv_up(t, NULL);
    smmu_domain_t hs, nd;
    evlog_t host;
    gctx_t A;
    uint64_t s[2];
    const uint64_t host_iova = 0x7770000ull;

    memset(&host, 0, sizeof host);
    REQUIRE(smmu_domain_init(&hs, &h->fx->s, SMMU_DOMAIN_S1, NULL) == 0, "host S1");
    smmu_domain_set_fault_handler(&hs, ev_collect, &host);
    gctx_init(t, h, &A, 5);
    gmap(t, &A, VA0, G_DATA(0), PG, RW, SMMU_MAP_MEM);
    gste_s1(s, A.cd_ipa);
    CHECK_EQ(smmu_nested_domain_init(&nd, &h->v, s), 0);
    hv_clear(h);

    /* The host domain faults; nobody drains the queue before the hand-over. */
    CHECK_EQ(smmu_attach(&h->m, &hs), 0);
    CHECK_EQ(gread(t, host_iova, NULL), ~0ull);
    CHECK_EQ(smmu_attach(&h->m, &nd), 0);
    CHECK_EQ(gread(t, VA0, NULL), gtag(0));
    (void)hv_dispatch(h);
    CHECK(h->gev.n == 0, "the guest got %u event(s) of the host domain", h->gev.n);
    CHECK(host.n == 1, "the host domain's handler got %u event(s)", host.n);
    if (host.n == 1) {
        CHECK_EQ(EVF(&host.ev[0], SID), PSID);
        CHECK_EQ(EVF(&host.ev[0], INPUTADDR), host_iova);
    }
    /* And back: the guest's fault, still queued when the device returns to the host, is
     * the guest's. */
    host.n = 0;
    CHECK_EQ(gread(t, VA0 + 0x100000, NULL), ~0ull);
    CHECK_EQ(smmu_attach(&h->m, &hs), 0);
    CHECK(h->gev.n == 1 && host.n == 0, "guest fault at hand-back: guest %u host %u",
          h->gev.n, host.n);
    if (h->gev.n == 1)
        CHECK_EQ(EVF(&h->gev.ev[0], SID), VSID);
    CHECK_EQ(smmu_detach(&h->m), 0);
    CHECK_EQ(smmu_domain_free(&nd), 0);
    CHECK_EQ(smmu_domain_free(&hs), 0);
    gctx_free(&A);
    (void)hv_dispatch(h);
    hv_down(t, h);
}

/* ---- 5. hardware information for the guest's virtual SMMU ------------------------------- */

TEST(drv_nested_hw_info)
{
    drv_fx_t *fx = drv_probe(t);
    smmu_hw_info_t hi;
    uint32_t hw[6];
    smmu_t unprobed;

    for (unsigned i = 0; i < 6; i++)
        hw[i] = sim_reg_read32(t->sim, SMMU_IDR0 + 4u * i);
    memset(&hi, 0xa5, sizeof hi);
    CHECK_EQ(smmu_hw_info(&fx->s, &hi), 0);
    for (unsigned i = 0; i < 6; i++) {
        CHECK((hi.idr[i] & ~hw[i]) == 0, "IDR%u: 0x%08x has bits the hardware lacks (0x%08x)",
              i, hi.idr[i], hw[i]);
        test_log(t, "IDR%u hardware 0x%08x guest 0x%08x", i, hw[i], hi.idr[i]);
    }
    /* The host's: stage 2, EL2, VMIDs, FWB, overrides. */
    CHECK_EQ(hi.idr[0] & (SMMU_IDR0_S2P_MASK | SMMU_IDR0_HYP_MASK | SMMU_IDR0_VMID16_MASK |
                          SMMU_IDR0_VMW_MASK | SMMU_IDR0_ATS_MASK | SMMU_IDR0_PRI_MASK |
                          SMMU_IDR0_MSI_MASK | SMMU_IDR0_BTM_MASK | SMMU_IDR0_HTTU_MASK),
             0);
    CHECK_EQ(hi.idr[1] & (SMMU_IDR1_ATTR_TYPES_OVR_MASK | SMMU_IDR1_ATTR_PERMS_OVR_MASK |
                          SMMU_IDR1_TABLES_PRESET_MASK | SMMU_IDR1_QUEUES_PRESET_MASK),
             0);
    CHECK_EQ(hi.idr[2], 0);
    CHECK_EQ(hi.idr[3] & (SMMU_IDR3_FWB_MASK | SMMU_IDR3_XNX_MASK | SMMU_IDR3_PTWNNC_MASK |
                          SMMU_IDR3_MPAM_MASK | SMMU_IDR3_PBHA_MASK),
             0);
    CHECK_EQ(hi.idr[4], 0);
    /* The guest's: stage 1 and what describes it. */
    CHECK_EQ(hi.idr[0] & SMMU_IDR0_S1P_MASK, hw[0] & SMMU_IDR0_S1P_MASK);
    CHECK(hi.idr[0] & SMMU_IDR0_S1P_MASK, "S1P");
    CHECK_EQ(hi.idr[0] & SMMU_IDR0_TTF_MASK, hw[0] & SMMU_IDR0_TTF_MASK);
    CHECK_EQ(hi.idr[0] & SMMU_IDR0_COHACC_MASK, hw[0] & SMMU_IDR0_COHACC_MASK);
    CHECK_EQ(hi.idr[0] & SMMU_IDR0_ST_LEVEL_MASK, hw[0] & SMMU_IDR0_ST_LEVEL_MASK);
    CHECK_EQ(hi.idr[1] & SMMU_IDR1_SIDSIZE_MASK, hw[1] & SMMU_IDR1_SIDSIZE_MASK);
    CHECK_EQ(hi.idr[1] & SMMU_IDR1_CMDQS_MASK, hw[1] & SMMU_IDR1_CMDQS_MASK);
    CHECK_EQ(hi.idr[1] & SMMU_IDR1_EVENTQS_MASK, hw[1] & SMMU_IDR1_EVENTQS_MASK);
    CHECK_EQ(hi.idr[3] & SMMU_IDR3_RIL_MASK, hw[3] & SMMU_IDR3_RIL_MASK);
    CHECK_EQ(hi.idr[3] & SMMU_IDR3_BBML_MASK, hw[3] & SMMU_IDR3_BBML_MASK);
    CHECK_EQ(hi.idr[5] & SMMU_IDR5_OAS_MASK, hw[5] & SMMU_IDR5_OAS_MASK);
    CHECK_EQ(hi.idr[5] & SMMU_IDR5_GRAN4K_MASK, hw[5] & SMMU_IDR5_GRAN4K_MASK);
    CHECK_EQ(hi.iidr, sim_reg_read32(t->sim, SMMU_IIDR));
    CHECK_EQ(hi.aidr, sim_reg_read32(t->sim, SMMU_AIDR));
    /* What the hardware had that the guest does not see. */
    test_log(t, "hidden from the guest: IDR0 0x%08x IDR1 0x%08x IDR3 0x%08x IDR5 0x%08x",
             hw[0] & ~hi.idr[0], hw[1] & ~hi.idr[1], hw[3] & ~hi.idr[3], hw[5] & ~hi.idr[5]);
    CHECK(hw[0] & SMMU_IDR0_S2P_MASK, "the model has stage 2 (so clearing it was tested)");
    CHECK_EQ(smmu_hw_info(NULL, &hi), SMMU_EINVAL);
    CHECK_EQ(smmu_hw_info(&fx->s, NULL), SMMU_EINVAL);
    memset(&unprobed, 0, sizeof unprobed);
    CHECK_EQ(smmu_hw_info(&unprobed, &hi), SMMU_EINVAL);
    /* Only probed: the information does not need the SMMU initialised. */
    CHECK_EQ(smmu_teardown(&fx->s), 0);
    smmu_hal_sim_fini(&fx->h);
}

/* ---- 6. life cycle and its errors --------------------------------------------------------- */

TEST(drv_nested_lifecycle)
{
    drv_fx_t *fx = drv_up(t, NULL);
    smmu_domain_cfg_t np = {.nest_parent = true}, np_nofwb = {.nest_parent = true, .no_fwb = true};
    smmu_domain_t plain, s1, p1, p2, p3, nd, nd2;
    smmu_viommu_t v1, v2, vx, v3;
    smmu_master_t ma, mb, mc, mw;
    uint64_t s[2];

    CHECK_EQ(smmu_domain_init(&plain, &fx->s, SMMU_DOMAIN_S2, NULL), 0);
    CHECK_EQ(smmu_domain_init(&s1, &fx->s, SMMU_DOMAIN_S1, NULL), 0);
    CHECK_EQ(smmu_domain_init(&p1, &fx->s, SMMU_DOMAIN_S2, &np), 0);
    CHECK_EQ(smmu_domain_init(&p2, &fx->s, SMMU_DOMAIN_S2, &np), 0);
    CHECK_EQ(smmu_domain_init(&p3, &fx->s, SMMU_DOMAIN_S2, &np_nofwb), 0);
    CHECK(p1.nest_parent && !plain.nest_parent, "nest_parent kept");
    CHECK(!p3.fwb, "no_fwb");

    /* vIOMMU: only on a nest parent, one per parent. */
    CHECK_EQ(smmu_viommu_init(&vx, &plain, NULL, NULL), SMMU_EINVAL);
    CHECK_EQ(smmu_viommu_init(&vx, &s1, NULL, NULL), SMMU_EINVAL);
    CHECK_EQ(smmu_viommu_init(&vx, NULL, NULL, NULL), SMMU_EINVAL);
    CHECK_EQ(smmu_viommu_init(&v1, &p1, NULL, NULL), 0);
    CHECK_EQ(v1.vmid, p1.vmid);
    CHECK_EQ(smmu_viommu_init(&vx, &p1, NULL, NULL), SMMU_EBUSY);
    CHECK(p1.viommu == &v1, "the first vIOMMU stays the parent's");
    CHECK_EQ(smmu_viommu_init(&v2, &p2, NULL, NULL), 0);
    CHECK_EQ(smmu_viommu_init(&v3, &p3, NULL, NULL), 0);

    /* vdevs. */
    /* Without S2FWB in the model (FWB = 0 or COHACC = 0) only CANWBS masters may join. */
    unsigned bind = p1.fwb ? 0u : SMMU_MASTER_CANWBS;
    if (!p1.fwb)
        test_log(t, "no S2FWB on this model: the vIOMMU masters are CANWBS");
    CHECK_EQ(smmu_master_init_fw(&ma, &fx->s, 0x10, SMMU_MASTER_DMA_COHERENT | bind), 0);
    CHECK_EQ(smmu_master_init_fw(&mb, &fx->s, 0x11, bind), 0);
    CHECK_EQ(smmu_master_init_fw(&mc, &fx->s, 0x12, bind), 0);
    CHECK_EQ(smmu_master_init_fw(&mw, &fx->s, 0x13, SMMU_MASTER_CANWBS), 0);
    CHECK_EQ(smmu_master_init_fw(&mw, &fx->s, 0x10, 0), SMMU_EEXIST); /* ma has 0x10 */
    /* mw is live: a re-init is refused and changes nothing (fini it first). */
    CHECK_EQ(smmu_master_init_fw(&mw, &fx->s, 0x13, SMMU_MASTER_CANWBS), SMMU_EBUSY);
    CHECK_EQ(smmu_master_init_fw(&mw, &fx->s, 0x13, 0x80), SMMU_EINVAL);
    CHECK_EQ(smmu_master_init_fw(&mw, &fx->s, 0x13, SMMU_MASTER_CANWBS), SMMU_EBUSY);
    CHECK(mw.fw_flags == SMMU_MASTER_CANWBS && mw.sid == 0x13, "mw unchanged");
    CHECK(smmu_find_master(&fx->s, 0x13) == &mw, "find_master");
    CHECK_EQ(smmu_viommu_vdev_add(&v1, &ma, 1), 0);
    CHECK_EQ(smmu_viommu_vdev_add(&v1, &mb, 1), SMMU_EEXIST);  /* vSID taken */
    CHECK_EQ(smmu_viommu_vdev_add(&v1, &ma, 2), SMMU_EEXIST);  /* master bound */
    CHECK_EQ(smmu_viommu_vdev_add(&v2, &ma, 1), SMMU_EEXIST);  /* bound elsewhere */
    CHECK_EQ(smmu_viommu_vdev_add(&v1, &mb, 2), 0);
    CHECK_EQ(smmu_viommu_vdev_add(&v2, &mc, 1), 0);            /* vSIDs are per vIOMMU */
    /* Without S2FWB only a CANWBS master may join (the guest's attributes would reach
     * memory). */
    CHECK_EQ(smmu_viommu_vdev_add(&v3, &ma, 5), SMMU_EEXIST);
    {
        smmu_master_t md;
        CHECK_EQ(smmu_master_init_fw(&md, &fx->s, 0x14, SMMU_MASTER_DMA_COHERENT), 0);
        CHECK_EQ(smmu_viommu_vdev_add(&v3, &md, 5), SMMU_ENOTSUP);
        CHECK_EQ(md.viommu, NULL);
        CHECK_EQ(smmu_master_fini(&md), 0);
        CHECK(smmu_find_master(&fx->s, 0x14) == NULL, "fini leaves the list");
    }
    CHECK_EQ(smmu_viommu_vdev_add(&v3, &mw, 5), 0);
    uint32_t sid = 0;
    CHECK_EQ(smmu_viommu_vsid_to_sid(&v1, 2, &sid), 0);
    CHECK_EQ(sid, 0x11);
    CHECK_EQ(smmu_viommu_vsid_to_sid(&v1, 3, &sid), SMMU_ENOENT);
    CHECK_EQ(smmu_viommu_vdev_del(&v2, &ma), SMMU_ENOENT);
    CHECK_EQ(smmu_master_fini(&ma), SMMU_EBUSY); /* bound */
    /* Re-initialising a bound master would leave its vIOMMU holding a master that no
     * longer knows it (a vIOMMU that can never be freed): refused like fini. */
    CHECK_EQ(smmu_master_init_fw(&mb, &fx->s, 0x11, 0), SMMU_EBUSY);
    CHECK(mb.viommu == &v1 && mb.vsid == 2, "mb still bound");
    CHECK(smmu_find_master(&fx->s, 0x11) == &mb, "mb still listed");

    /* Nested domains: only for the vIOMMU's masters. */
    gste_cfg(s, STE_CFG_BYPASS);
    CHECK_EQ(smmu_nested_domain_init(&nd, &v1, s), 0);
    CHECK_EQ(smmu_nested_domain_init(&nd2, &v2, s), 0);
    CHECK_EQ(smmu_attach(&mc, &nd), SMMU_EINVAL);  /* bound to v2 */
    CHECK_EQ(smmu_attach(&mw, &nd), SMMU_EINVAL);  /* bound to v3 */
    {
        /* Bound to no vIOMMU: a guest abort or bypass domain takes it (as Linux, for a
         * guest whose SMMU is off), a guest stage-1 domain does not (no vSID). */
        smmu_master_t mu;
        smmu_domain_t ns1;
        CHECK_EQ(smmu_master_init(&mu, &fx->s, 0x20), 0);
        CHECK_EQ(smmu_attach(&mu, &nd), 0); /* nd: guest bypass */
        CHECK(mu.domain == &nd, "unbound master on a guest bypass domain");
        CHECK_EQ(smmu_detach(&mu), 0);
        s[0] = STE_V_MASK | ((uint64_t)STE_CFG_S1 << STE_CONFIG_SHIFT) | 0x1000;
        CHECK_EQ(smmu_nested_domain_init(&ns1, &v1, s), 0);
        CHECK_EQ(smmu_attach(&mu, &ns1), SMMU_EINVAL);
        CHECK_EQ(mu.domain, NULL);
        CHECK_EQ(smmu_domain_free(&ns1), 0);
        gste_cfg(s, STE_CFG_BYPASS);
        CHECK_EQ(smmu_master_fini(&mu), 0);
    }
    {
        smmu_domain_t scratch;
        CHECK_EQ(smmu_domain_init(&scratch, &fx->s, SMMU_DOMAIN_NESTED, NULL), SMMU_EINVAL);
    }
    CHECK_EQ(v1.nested, 1);
    CHECK_EQ(smmu_attach(&ma, &nd), 0);
    CHECK_EQ(smmu_attach(&mb, &nd), 0);
    CHECK_EQ(smmu_attach(&mc, &nd2), 0);
    CHECK_EQ(nd.attached, 2);

    /* Teardown in the wrong order is refused. */
    CHECK_EQ(smmu_viommu_free(&v1), SMMU_EBUSY);          /* vdevs and nested domains */
    CHECK_EQ(smmu_domain_free(&p1), SMMU_EBUSY);          /* its vIOMMU */
    CHECK_EQ(smmu_domain_free(&nd), SMMU_EBUSY);          /* attached */
    CHECK_EQ(smmu_viommu_vdev_del(&v1, &ma), SMMU_EBUSY); /* attached to a nested domain */
    CHECK_EQ(smmu_master_fini(&ma), SMMU_EBUSY);

    /* The right order: masters off the nested domains, nested domains, vdevs, vIOMMUs,
     * parents. A detached master may leave its vIOMMU. */
    CHECK_EQ(smmu_detach(&ma), 0);
    CHECK_EQ(smmu_attach(&mb, &p1), 0); /* a bound master on plain stage 2 */
    CHECK_EQ(smmu_viommu_vdev_del(&v1, &mb), 0);
    CHECK_EQ(smmu_detach(&mc), 0);
    CHECK_EQ(smmu_domain_free(&nd), 0);
    CHECK_EQ(v1.nested, 0);
    CHECK_EQ(smmu_viommu_free(&v1), SMMU_EBUSY); /* ma still bound */
    CHECK_EQ(smmu_viommu_vdev_del(&v1, &ma), 0);
    CHECK_EQ(smmu_viommu_vdev_del(&v1, &ma), SMMU_ENOENT);
    CHECK_EQ(smmu_viommu_free(&v1), 0);
    CHECK_EQ(p1.viommu, NULL);
    CHECK_EQ(smmu_viommu_free(&v1), SMMU_EINVAL); /* already gone */
    CHECK_EQ(smmu_domain_free(&p1), SMMU_EBUSY);  /* mb is on it */
    CHECK_EQ(smmu_detach(&mb), 0);
    CHECK_EQ(smmu_domain_free(&p1), 0);
    CHECK_EQ(smmu_domain_free(&nd2), 0);
    CHECK_EQ(smmu_viommu_vdev_del(&v2, &mc), 0);
    CHECK_EQ(smmu_viommu_free(&v2), 0);
    CHECK_EQ(smmu_domain_free(&p2), 0);
    CHECK_EQ(smmu_viommu_vdev_del(&v3, &mw), 0);
    CHECK_EQ(smmu_viommu_free(&v3), 0);
    CHECK_EQ(smmu_domain_free(&p3), 0);
    /* A new vIOMMU on a parent whose old one is gone. */
    CHECK_EQ(smmu_domain_init(&p1, &fx->s, SMMU_DOMAIN_S2, &np), 0);
    CHECK_EQ(smmu_viommu_init(&v1, &p1, NULL, NULL), 0);
    CHECK_EQ(smmu_viommu_free(&v1), 0);
    CHECK_EQ(smmu_domain_free(&p1), 0);

    /* Coherency (fresh masters): k1 "dma-coherent" (coherent on a coherent SMMU, but it
     * honours No_snoop), k2 CANWBS, k3 neither. */
    smmu_master_t k1, k2, k3;
    CHECK_EQ(smmu_master_init_fw(&k1, &fx->s, 0x30, SMMU_MASTER_DMA_COHERENT), 0);
    CHECK_EQ(smmu_master_init_fw(&k2, &fx->s, 0x31, SMMU_MASTER_CANWBS), 0);
    CHECK_EQ(smmu_master_init_fw(&k3, &fx->s, 0x32, 0), 0);
    CHECK(smmu_master_capable(&k1, SMMU_CAP_CACHE_COHERENCY) == fx->s.coherent, "k1 coherent");
    CHECK(!smmu_master_capable(&k1, SMMU_CAP_ENFORCE_CACHE_COHERENCY), "k1 enforce");
    CHECK(smmu_master_capable(&k2, SMMU_CAP_CACHE_COHERENCY), "k2 coherent");
    CHECK(smmu_master_capable(&k2, SMMU_CAP_ENFORCE_CACHE_COHERENCY), "k2 enforce");
    CHECK(!smmu_master_capable(&k3, SMMU_CAP_CACHE_COHERENCY), "k3 not coherent");
    CHECK_EQ(smmu_attach(&k1, &plain), 0);
    CHECK_EQ(smmu_domain_enforce_cache_coherency(&plain), SMMU_ENOTSUP);
    CHECK(!plain.enforce_cc, "unchanged on refusal");
    CHECK_EQ(smmu_detach(&k1), 0);
    CHECK_EQ(smmu_attach(&k2, &plain), 0);
    CHECK_EQ(smmu_domain_enforce_cache_coherency(&plain), 0);
    CHECK_EQ(smmu_attach(&k1, &plain), SMMU_ENOTSUP);
    CHECK_EQ(k1.domain, NULL);
    CHECK_EQ(smmu_attach(&k3, &plain), SMMU_ENOTSUP);
    CHECK_EQ(smmu_detach(&k2), 0);
    CHECK_EQ(smmu_domain_enforce_cache_coherency(&nd2), SMMU_EINVAL); /* freed */
    {
        smmu_domain_t blk;
        CHECK_EQ(smmu_domain_init(&blk, &fx->s, SMMU_DOMAIN_BLOCKED, NULL), 0);
        CHECK_EQ(smmu_domain_enforce_cache_coherency(&blk), SMMU_EINVAL); /* not paging */
        CHECK_EQ(smmu_domain_free(&blk), 0);
    }
    CHECK_EQ(smmu_master_fini(&k1), 0);
    CHECK_EQ(smmu_master_fini(&k2), 0);
    CHECK_EQ(smmu_master_fini(&k3), 0);
    CHECK_EQ(smmu_domain_free(&plain), 0);
    CHECK_EQ(smmu_domain_free(&s1), 0);
    smmu_master_t *ms[] = {&ma, &mb, &mc, &mw};
    for (unsigned i = 0; i < 4; i++)
        CHECK_EQ(smmu_master_fini(ms[i]), 0);
    CHECK(fx->s.masters == NULL, "no master left on the list");
    CHECK_EQ(drv_gerror_active(t), 0);
    (void)smmu_evtq_drain(&fx->s, NULL, NULL, 0);
    drv_down(t, fx);
}
