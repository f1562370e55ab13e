/*
 * The driver's perf-like PMCG API (smmu_pmu.h) against the RTL: counters allocated for
 * every event, DMA through a stage-1 domain, counts compared with the harness's own
 * (client transactions issued, table-port reads by AXI ID), StreamID filtering through
 * the API, stop/start keeping the count, the 64-bit count carried across an overflow by
 * the overflow interrupt (the MSI on the simulator HAL's doorbell when the build has
 * MSIs, the wired pulse otherwise), and the `perf stat`-style summary.
 */
#include <inttypes.h>
#include <string.h>

#include "smmu/smmu_pmu.h"
#include "test_drv_common.h"

#define IOVA 0x10000000ull

static void tbl_reads(test_ctx_t *t, size_t from, uint64_t *cfg, uint64_t *walk)
{
    size_t end = mem_addr_log_count(t->sim, MEM_PORT_TBL);
    *cfg = *walk = 0;
    for (size_t i = from; i < end; i++) {
        const mem_addr_log_t *a = mem_addr_log_get(t->sim, MEM_PORT_TBL, i);
        if (!a || a->write)
            continue;
        if (a->id == 1)
            (*cfg)++;
        else if (a->id >= 2)
            (*walk)++;
    }
}

TEST(drv_pmu_stat)
{
    drv_fx_t *fx = drv_up(t, NULL);
    smmu_t *s = &fx->s;
    static smmu_pmu_t pmu;
    static smmu_domain_t d;
    static smmu_master_t m[2];
    int c[8];

    REQUIRE(smmu_pmu_init(&pmu, s) == 0, "smmu_pmu_init");
    CHECK(pmu.ncounters >= 4, "%u counters", pmu.ncounters);
    REQUIRE(smmu_domain_init(&d, s, SMMU_DOMAIN_S1, NULL) == 0, "domain");
    REQUIRE(smmu_domain_map(&d, IOVA, 0x60000000ull, 0x40000,
                            SMMU_PROT_READ | SMMU_PROT_WRITE, SMMU_MAP_MEM) == 0, "map");
    REQUIRE(smmu_master_init(&m[0], s, 0x31) == 0 && smmu_master_init(&m[1], s, 0x32) == 0,
            "masters");
    REQUIRE(smmu_attach(&m[0], &d) == 0 && smmu_attach(&m[1], &d) == 0, "attach");

    for (unsigned e = 0; e < 6; e++)
        c[e] = smmu_pmu_alloc(&pmu, e, SMMU_PMU_ALL_SIDS, true);
    for (unsigned e = 0; e < 6; e++)
        CHECK(c[e] >= 0, "counter for %s: %d", smmu_pmu_event_name(e), c[e]);
    /* one stream's transactions exactly, if there is room */
    c[6] = smmu_pmu_alloc(&pmu, SMMU_PMU_TRANSACTIONS, 0x32, false);
    CHECK(pmu.ncounters < 7 ? c[6] == SMMU_ENOSPC : c[6] == 6, "filtered counter %d", c[6]);
    CHECK_EQ(smmu_pmu_alloc(&pmu, 6, SMMU_PMU_ALL_SIDS, true), SMMU_EINVAL); /* not in CEID0 */

    size_t mark = mem_addr_log_count(t->sim, MEM_PORT_TBL);
    for (unsigned e = 0; e < 7; e++)
        if (c[e] >= 0)
            CHECK_EQ(smmu_pmu_start(&pmu, c[e]), 0);
    uint64_t seed = 0x51ed;
    unsigned n32 = 0, bad = 0, pages = 0;
    bool touched[64] = {false};
    for (unsigned i = 0; i < 200; i++) {
        uint32_t r = drv_xs32(&seed);
        uint32_t sid = (r & 1) ? 0x32 : 0x31;
        unsigned pg = (r >> 4) % 64;
        pages += !touched[pg];
        touched[pg] = true;
        uint64_t va = IOVA + (uint64_t)pg * 0x1000 + ((r >> 12) & 0xff8);
        uint64_t v = r;
        dma_result_t res = (r & 2) ? drv_dma_write(t, sid, va, v) : drv_dma_read(t, sid, va, &v);
        n32 += sid == 0x32;
        bad += res.resp != 0;
    }
    for (unsigned e = 0; e < 7; e++)
        if (c[e] >= 0)
            CHECK_EQ(smmu_pmu_stop(&pmu, c[e]), 0);
    uint64_t v[7] = {0};
    for (unsigned e = 0; e < 7; e++)
        if (c[e] >= 0)
            CHECK_EQ(smmu_pmu_read(&pmu, c[e], &v[e]), 0);
    uint64_t cfg_rd, walk_rd;
    tbl_reads(t, mark, &cfg_rd, &walk_rd);
    CHECK_EQ(bad, 0u);
    CHECK(v[SMMU_PMU_TRANSACTIONS] == 200, "transactions %" PRIu64, v[SMMU_PMU_TRANSACTIONS]);
    CHECK(v[SMMU_PMU_WALK_ACCESS] == walk_rd, "walk reads %" PRIu64 ", table port %" PRIu64,
          v[SMMU_PMU_WALK_ACCESS], walk_rd);
    CHECK(v[SMMU_PMU_CFG_ACCESS] == cfg_rd, "config reads %" PRIu64 ", table port %" PRIu64,
          v[SMMU_PMU_CFG_ACCESS], cfg_rd);
    /* up to 64 pages of one domain (one ASID), one access at a time: the TLB holds them
     * all, so each page touched misses once, whichever stream touches it first */
    CHECK(v[SMMU_PMU_TLB_MISS] == pages, "TLB misses %" PRIu64 ", pages touched %u",
          v[SMMU_PMU_TLB_MISS], pages);
    CHECK(v[SMMU_PMU_CFG_MISS] >= 2 && v[SMMU_PMU_CFG_MISS] <= 200, "config misses %" PRIu64,
          v[SMMU_PMU_CFG_MISS]);
    if (c[6] >= 0)
        CHECK(v[6] == n32, "transactions of 0x32: %" PRIu64 ", issued %u", v[6], n32);
    /* stopped: nothing more counts */
    uint64_t before = v[SMMU_PMU_CYCLES], after = 0;
    sim_step(t->sim, 100);
    CHECK_EQ(smmu_pmu_read(&pmu, c[SMMU_PMU_CYCLES], &after), 0);
    CHECK_EQ(after, before);
    /* started again: the count goes on from where it stopped */
    CHECK_EQ(smmu_pmu_start(&pmu, c[SMMU_PMU_CYCLES]), 0);
    sim_step(t->sim, 100);
    CHECK_EQ(smmu_pmu_read(&pmu, c[SMMU_PMU_CYCLES], &after), 0);
    CHECK(after >= before + 100, "cycles %" PRIu64 " -> %" PRIu64, before, after);

    char line[512];
    int len = smmu_pmu_format(&pmu, c, 6, line, sizeof line);
    CHECK(len > 0 && strstr(line, "smmu/walk-reads/") && strstr(line, "per transaction"),
          "summary (%d):\n%s", len, line);
    test_log(t, "perf stat:\n%s", line);

    for (unsigned e = 0; e < 7; e++)
        if (c[e] >= 0)
            CHECK_EQ(smmu_pmu_free(&pmu, c[e]), 0);
    CHECK_EQ(smmu_pmu_free(&pmu, c[0]), SMMU_EINVAL);
    CHECK_EQ(smmu_pmu_teardown(&pmu), 0);
    smmu_detach(&m[0]);
    smmu_detach(&m[1]);
    smmu_master_fini(&m[0]);
    smmu_master_fini(&m[1]);
    smmu_domain_free(&d);
    drv_down(t, fx);
}

/* The 64-bit count across overflows: a cycles counter preset near the top of its range
 * wraps twice; each overflow's interrupt (the doorbell MSI with MSIs, else the wired
 * pulse) makes the driver fold one wrap in, so the count keeps growing. */
TEST(drv_pmu_overflow)
{
    drv_fx_t *fx = drv_probe(t);
    smmu_t *s = &fx->s;
    bool msi = sim_params(t->sim)->msi != 0;
    static smmu_pmu_t pmu;
    smmu_hal_sim_msi(&fx->h, 1);
    REQUIRE(smmu_init(s, NULL) == 0, "init");
    REQUIRE(smmu_pmu_init(&pmu, s) == 0, "smmu_pmu_init");
    CHECK_EQ(pmu.msi, msi);
    int c = smmu_pmu_alloc(&pmu, SMMU_PMU_CYCLES, SMMU_PMU_ALL_SIDS, true);
    REQUIRE(c >= 0, "alloc");
    uint64_t top = pmu.bits >= 64 ? ~0ull : (1ull << pmu.bits) - 1;
    uint64_t irq0 = sim_irq_count(t->sim, SIM_IRQ_PMCG), prev = 0;
    /* the counter starts 300 cycles below the wrap (a test's shortcut to an overflow) */
    uint32_t off = SMMU_PMCG_EVCNTR0 + (pmu.bits > 32 ? 8u : 4u) * (unsigned)c;
    for (unsigned wrap = 0; wrap < 2; wrap++) {
        uint64_t cur;
        CHECK_EQ(smmu_pmu_read(&pmu, c, &cur), 0);
        /* move the hardware counter and its software shadow together */
        if (pmu.bits > 32)
            sim_reg_write64(t->sim, off, top - 300);
        else
            sim_reg_write32(t->sim, off, (uint32_t)(top - 300));
        pmu.ctr[c].last = top - 300;
        CHECK_EQ(smmu_pmu_start(&pmu, c), 0);
        unsigned waited = 0;
        bool seen = false;
        for (; waited < 2000 && !seen; waited++) {
            sim_step(t->sim, 1);
            seen = msi ? smmu_hal_sim_doorbell(&fx->h, SMMU_MSI_PMCG) ==
                             SMMU_HAL_SIM_MSI_DATA(SMMU_MSI_PMCG)
                       : sim_irq_count(t->sim, SIM_IRQ_PMCG) > irq0 + wrap;
        }
        CHECK(seen, "overflow interrupt %u", wrap);
        CHECK_EQ(sim_irq_count(t->sim, SIM_IRQ_PMCG), irq0 + wrap + 1);
        CHECK_EQ(smmu_pmu_irq(&pmu), 1 << c);
        CHECK_EQ(smmu_pmu_stop(&pmu, c), 0);
        uint64_t now;
        CHECK_EQ(smmu_pmu_read(&pmu, c, &now), 0);
        /* at least the 300 cycles to the wrap; never a wrap's worth backwards */
        CHECK(now >= cur + 300 && now < cur + 300 + 10000, "count %" PRIu64 " -> %" PRIu64, cur,
              now);
        CHECK(now > prev, "monotonic");
        prev = now;
    }
    CHECK_EQ(pmu.overflows, 2u);
    CHECK_EQ(smmu_pmu_irq(&pmu), 0);
    CHECK_EQ(smmu_pmu_teardown(&pmu), 0);
    drv_down(t, fx);
}
