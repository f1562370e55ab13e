/*
 * Driver domains against the RTL: DMA through identity, blocked, stage-1 and stage-2
 * domains (2-level and linear stream tables), attach/detach, a stage-1 map/unmap stress
 * with DMA checks after every batch, and DMA traffic interleaved with every store of a
 * hitless STE update (smmu_t.entry_hook) on 64-bit and split 32-bit stores.
 */
#include <stdlib.h>

#include "smmu/smmu_domain.h"
#include "test_drv_common.h"

#define RW (SMMU_PROT_READ | SMMU_PROT_WRITE)
#define DATA_PA 0x100000000ull /* client data lives outside the DMA pool */

static void discard_events(drv_fx_t *fx)
{
    (void)smmu_evtq_drain(&fx->s, NULL, NULL, 0);
}

TEST(drv_domain_dma_each_type)
{
    drv_fx_t *fx = drv_up(t, NULL); /* 16-bit StreamIDs: 2-level stream table */
    smmu_domain_t ident, blocked, s1, s2, s2n;
    smmu_master_t m[5];
    smmu_domain_cfg_t nofwb = {.no_fwb = true};
    uint64_t v = 0, pa = 0;
    dma_result_t r;

    REQUIRE(fx->s.strtab_2lvl, "2-level stream table expected");
    CHECK_EQ(smmu_domain_init(&ident, &fx->s, SMMU_DOMAIN_IDENTITY, NULL), 0);
    CHECK_EQ(smmu_domain_init(&blocked, &fx->s, SMMU_DOMAIN_BLOCKED, NULL), 0);
    CHECK_EQ(smmu_domain_init(&s1, &fx->s, SMMU_DOMAIN_S1, NULL), 0);
    CHECK_EQ(smmu_domain_init(&s2, &fx->s, SMMU_DOMAIN_S2, NULL), 0);
    CHECK_EQ(smmu_domain_init(&s2n, &fx->s, SMMU_DOMAIN_S2, &nofwb), 0);
    CHECK_EQ(s2.fwb, sim_params(t->sim)->fwb && sim_params(t->sim)->cohacc);
    CHECK(!s2n.fwb, "no_fwb");
    CHECK(s1.asid != 0 && s2.vmid != 0 && s2n.vmid != s2.vmid, "ids");

    /* StreamIDs in two different level-2 tables. */
    static const uint32_t sids[5] = {0x0010, 0x0011, 0x1234, 0x1235, 0xff00};
    smmu_domain_t *doms[5] = {&ident, &blocked, &s1, &s2, &s2n};
    for (int i = 0; i < 5; i++) {
        CHECK_EQ(smmu_master_init(&m[i], &fx->s, sids[i]), 0);
        CHECK_EQ(smmu_attach(&m[i], doms[i]), 0);
    }
    CHECK_EQ(smmu_master_init(&m[0], &fx->s, 1u << 16), SMMU_EINVAL);
    /* An attached master cannot be re-initialised (its STE is live): detach first. */
    CHECK_EQ(smmu_master_init(&m[0], &fx->s, sids[0]), SMMU_EBUSY);
    CHECK(m[0].domain == &ident && ident.attached == 1, "a refused re-init changes nothing");

    drv_tag_pages(t, DATA_PA, 0x400000);
    mem_write64(t->sim, 0x7000, 0x1111222233334444ull);

    /* Identity: the input address is the output address. */
    r = drv_dma_read(t, sids[0], 0x7000, &v);
    CHECK_EQ(r.resp, 0);
    CHECK_EQ(v, 0x1111222233334444ull);
    /* Blocked: abort. */
    r = drv_dma_read(t, sids[1], 0x7000, &v);
    CHECK(r.resp != 0, "blocked domain aborts");

    /* Stage 1: cacheable memory (a 2 MB block), device registers, IO memory. */
    CHECK_EQ(smmu_domain_map(&s1, 0x40000000, DATA_PA, 0x200000, RW, SMMU_MAP_MEM), 0);
    CHECK_EQ(smmu_domain_map(&s1, 0x50000000, DATA_PA + 0x200000, 0x1000, RW, SMMU_MAP_MMIO), 0);
    CHECK_EQ(smmu_domain_map(&s1, 0x50001000, DATA_PA + 0x201000, 0x1000, SMMU_PROT_READ,
                             SMMU_MAP_IO), 0);
    CHECK_EQ(smmu_domain_iova_to_phys(&s1, 0x40123456, &pa), 0);
    CHECK_EQ(pa, DATA_PA + 0x123456);
    r = drv_dma_read(t, sids[2], 0x40005000, &v);
    CHECK_EQ(r.resp, 0);
    CHECK_EQ(v, drv_tag_of(DATA_PA + 0x5000));
    CHECK_EQ(r.dn.attr, 0xff);
    CHECK_EQ(r.dn.addr, DATA_PA + 0x5000);
    r = drv_dma_read(t, sids[2], 0x50000000, &v);
    CHECK_EQ(r.resp, 0);
    CHECK_EQ(r.dn.attr, 0x04);
    r = drv_dma_read(t, sids[2], 0x50001000, &v);
    CHECK_EQ(r.resp, 0);
    CHECK_EQ(r.dn.attr, 0x44);
    CHECK_EQ(v, drv_tag_of(DATA_PA + 0x201000));
    /* Read-only: a write faults; writable: data lands in memory. */
    r = drv_dma_write(t, sids[2], 0x50001000, 1);
    CHECK(r.resp != 0, "write to a read-only page faults");
    r = drv_dma_write(t, sids[2], 0x40010008, 0xabcdef);
    CHECK_EQ(r.resp, 0);
    CHECK_EQ(mem_read64(t->sim, DATA_PA + 0x10008), 0xabcdef);
    /* Outside any mapping: translation fault. */
    r = drv_dma_read(t, sids[2], 0x60000000, &v);
    CHECK(r.resp != 0, "unmapped IOVA faults");

    /* Stage 2 (FWB and not): the IPA maps to the same data. */
    CHECK_EQ(smmu_domain_map(&s2, 0x80000000, DATA_PA, 0x200000, RW, SMMU_MAP_MEM), 0);
    CHECK_EQ(smmu_domain_map(&s2n, 0x80000000, DATA_PA, 0x200000, RW, SMMU_MAP_MEM), 0);
    CHECK_EQ(smmu_domain_map(&s2, 0x90000000, DATA_PA + 0x200000, 0x1000, RW, SMMU_MAP_MMIO), 0);
    r = drv_dma_read(t, sids[3], 0x80007000, &v);
    CHECK_EQ(r.resp, 0);
    CHECK_EQ(v, drv_tag_of(DATA_PA + 0x7000));
    r = drv_dma_read(t, sids[4], 0x80007000, &v);
    CHECK_EQ(r.resp, 0);
    CHECK_EQ(v, drv_tag_of(DATA_PA + 0x7000));
    {
        /* Incoming Normal WB: stage 2's Device-nGnRE wins (an incoming Device-nGnRnE,
         * AxCACHE 0, would be the stronger type and stay). */
        dma_txn_t x = {.sid = sids[3], .addr = 0x90000000, .len = 8, .prot = 2, .cache = 0xf};
        r = dma_read(t->sim, &x, &v);
        CHECK_EQ(r.resp, 0);
        CHECK_EQ(r.dn.attr, 0x04);
        x.cache = 0;
        r = dma_read(t->sim, &x, &v);
        CHECK_EQ(r.dn.attr, 0x00);
    }

    /* Unmap: gone at once (the TLB held it: read just before). */
    CHECK_EQ(smmu_domain_unmap(&s1, 0x40005000, 0x1000, NULL), 0x1000);
    r = drv_dma_read(t, sids[2], 0x40005000, &v);
    CHECK(r.resp != 0, "unmapped page faults");
    r = drv_dma_read(t, sids[2], 0x40006000, &v); /* the rest of the split block */
    CHECK_EQ(r.resp, 0);
    CHECK_EQ(v, drv_tag_of(DATA_PA + 0x6000));
    CHECK_EQ(smmu_domain_unmap(&s2, 0x80000000, 0x200000, NULL), 0x200000);
    r = drv_dma_read(t, sids[3], 0x80007000, &v);
    CHECK(r.resp != 0, "unmapped IPA faults");

    /* Move a stream between domains, then detach: abort. */
    CHECK_EQ(smmu_attach(&m[2], &ident), 0);
    CHECK(m[2].last_hitless, "S1 -> identity is hitless");
    r = drv_dma_read(t, sids[2], 0x7000, &v);
    CHECK_EQ(v, 0x1111222233334444ull);
    CHECK_EQ(smmu_domain_free(&ident), SMMU_EBUSY);
    for (int i = 0; i < 5; i++)
        CHECK_EQ(smmu_detach(&m[i]), 0);
    r = drv_dma_read(t, sids[0], 0x7000, &v);
    CHECK(r.resp != 0, "detached stream aborts");
    CHECK_EQ(ident.attached + s1.attached + s2.attached, 0);
    for (int i = 0; i < 5; i++)
        CHECK_EQ(smmu_domain_free(doms[i]), 0);
    CHECK_EQ(drv_gerror_active(t), 0);
    test_log(t, "s1 flushes %" PRIu64 ", TLBIs %" PRIu64, s1.stats.flushes, s1.stats.tlbi_cmds);
    discard_events(fx);
    drv_down(t, fx); /* checks every DMA allocation came back */
}

TEST(drv_domain_linear_table)
{
    smmu_config_t cfg = {.strtab_log2 = 6};
    drv_fx_t *fx = drv_up(t, &cfg);
    smmu_domain_t s1;
    smmu_master_t m;
    uint64_t v = 0;
    dma_result_t r;

    CHECK(!fx->s.strtab_2lvl, "linear");
    CHECK_EQ(smmu_domain_init(&s1, &fx->s, SMMU_DOMAIN_S1, NULL), 0);
    CHECK_EQ(smmu_master_init(&m, &fx->s, 63), 0);
    CHECK_EQ(smmu_master_init(&m, &fx->s, 64), SMMU_EINVAL);
    /* m is live (refusals above left it so): a re-init is refused. */
    CHECK_EQ(smmu_master_init(&m, &fx->s, 63), SMMU_EBUSY);
    CHECK(smmu_find_master(&fx->s, 63) == &m, "m still listed");
    CHECK_EQ(smmu_attach(&m, &s1), 0);
    CHECK_EQ(m.last_syncs, 2);
    drv_tag_pages(t, DATA_PA, 0x1000);
    CHECK_EQ(smmu_domain_map(&s1, 0x1000, DATA_PA, 0x1000, RW, SMMU_MAP_MEM), 0);
    r = drv_dma_read(t, 63, 0x1000, &v);
    CHECK_EQ(r.resp, 0);
    CHECK_EQ(v, drv_tag_of(DATA_PA));
    CHECK_EQ(smmu_detach(&m), 0);
    CHECK_EQ(smmu_domain_free(&s1), 0);
    drv_down(t, fx);
}

/* ---- stage-1 map/unmap stress ---------------------------------------------------------- */

static void stress(test_ctx_t *t, bool split)
{
    smmu_config_t cfg = {.split_stores = split};
    drv_fx_t *fx = drv_up(t, &cfg);
    smmu_domain_t d;
    smmu_master_t m;
    const uint32_t sid = 0x77;

    CHECK_EQ(smmu_domain_init(&d, &fx->s, SMMU_DOMAIN_S1, NULL), 0);
    CHECK_EQ(smmu_master_init(&m, &fx->s, sid), 0);
    CHECK_EQ(smmu_attach(&m, &d), 0);
    drv_map_stress(t, fx, &d, sid, 200);
    CHECK_EQ(smmu_detach(&m), 0);
    CHECK_EQ(smmu_domain_free(&d), 0);
    CHECK_EQ(drv_gerror_active(t), 0);
    drv_down(t, fx);
}

TEST(drv_domain_s1_stress)
{
    stress(t, false);
}

TEST(drv_domain_s1_stress_split)
{
    stress(t, true);
}

/* ---- traffic during hitless STE updates ------------------------------------------------- */

static void live_update(test_ctx_t *t, bool split)
{
    smmu_config_t cfg = {.split_stores = split};
    drv_fx_t *fx = drv_up(t, &cfg);
    smmu_domain_t ident, s1, s2;
    smmu_master_t m;
    const uint64_t iova = 0x3000;
    uint64_t pa_s1 = DATA_PA + 0x10000, pa_s2 = DATA_PA + 0x20000;

    /* Different data behind each configuration: identity reads iova itself. */
    for (int i = 0; i < 2; i++) {
        mem_write64(t->sim, iova + i * 8, 0x1000 + i * 8);
        mem_write64(t->sim, pa_s1 + i * 8, 0x2000 + i * 8);
        mem_write64(t->sim, pa_s2 + i * 8, 0x3000 + i * 8);
    }
    CHECK_EQ(smmu_domain_init(&ident, &fx->s, SMMU_DOMAIN_IDENTITY, NULL), 0);
    CHECK_EQ(smmu_domain_init(&s1, &fx->s, SMMU_DOMAIN_S1, NULL), 0);
    CHECK_EQ(smmu_domain_init(&s2, &fx->s, SMMU_DOMAIN_S2, NULL), 0);
    CHECK_EQ(smmu_domain_map(&s1, iova, pa_s1, 0x1000, RW, SMMU_MAP_MEM), 0);
    CHECK_EQ(smmu_domain_map(&s2, iova, pa_s2, 0x1000, RW, SMMU_MAP_MEM), 0);
    CHECK_EQ(smmu_master_init(&m, &fx->s, 0x4321), 0);
    CHECK_EQ(smmu_attach(&m, &ident), 0);

    drv_live_t live;
    drv_live_start(&live, t, &fx->s, m.sid, iova, 2, 0, 0);

    /* identity -> S1 -> identity -> S2 -> identity -> S1, all hitless. */
    static const struct { int to; uint64_t from_data, to_data; } steps[] = {
        {1, 0x1000, 0x2000}, {0, 0x2000, 0x1000}, {2, 0x1000, 0x3000},
        {0, 0x3000, 0x1000}, {1, 0x1000, 0x2000},
    };
    smmu_domain_t *doms[3] = {&ident, &s1, &s2};
    unsigned total_reads = 0;
    for (unsigned i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        live.want[0] = steps[i].from_data;
        live.want[1] = steps[i].to_data;
        live.reads = live.aborts = live.wrong = 0;
        CHECK_EQ(smmu_attach(&m, doms[steps[i].to]), 0);
        CHECK(m.last_hitless, "step %u hitless", i);
        CHECK(live.reads >= 4, "step %u: traffic ran during the update (%u reads)", i,
              live.reads);
        CHECK(live.aborts == 0 && live.wrong == 0, "step %u: %u aborts, %u wrong data of %u",
              i, live.aborts, live.wrong, live.reads);
        total_reads += live.reads;
        test_log(t, "step %u (split %d): %u syncs, %u reads during the update", i, split,
                 m.last_syncs, live.reads);
    }
    /* S1 -> S2 cannot be hitless (dwords 0 and 2): the driver says so, and traffic does
     * see the invalid STE in between - the check above would have caught it. */
    live.want[0] = 0x2000;
    live.want[1] = 0x3000;
    live.reads = live.aborts = live.wrong = 0;
    CHECK_EQ(smmu_attach(&m, &s2), 0);
    CHECK(!m.last_hitless, "S1 -> S2 is a breaking update");
    CHECK_EQ(m.last_syncs, 3);
    CHECK(live.aborts > 0, "traffic saw the V = 0 step (%u reads)", live.reads);
    CHECK_EQ(live.wrong, 0);
    test_log(t, "S1->S2 breaking: %u of %u reads aborted; %u reads during hitless steps",
             live.aborts, live.reads, total_reads);

    drv_live_stop(&live);
    uint64_t v = 0;
    CHECK_EQ(drv_dma_read(t, m.sid, iova, &v).resp, 0);
    CHECK_EQ(v, 0x3000);
    CHECK_EQ(smmu_detach(&m), 0);
    CHECK_EQ(smmu_domain_free(&ident), 0);
    CHECK_EQ(smmu_domain_free(&s1), 0);
    CHECK_EQ(smmu_domain_free(&s2), 0);
    CHECK_EQ(drv_gerror_active(t), 0);
    discard_events(fx);
    drv_down(t, fx);
}

TEST(drv_domain_hitless_under_traffic)
{
    live_update(t, false);
}

TEST(drv_domain_hitless_under_traffic_split)
{
    live_update(t, true);
}
