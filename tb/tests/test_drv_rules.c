/*
 * Driver rules against the RTL where the hardware matters: a domain whose init failed
 * is dead (attach refused: the stream keeps aborting, no STE with a stale CD pointer or
 * an illegal stage 2 is ever installed); ASIDs and VMIDs above 255 tag translations
 * and invalidations in the hardware.
 */
#include "smmu/smmu_domain.h"
#include "test_drv_common.h"

#define RW (SMMU_PROT_READ | SMMU_PROT_WRITE)
#define DATA_PA 0x100000000ull

static unsigned evcount;
static void count_ev(void *arg, const smmu_event_t *ev)
{
    (void)arg;
    (void)ev;
    evcount++;
}

TEST(drv_rules_dead_domain)
{
    smmu_config_t lin = {.strtab_log2 = 8}; /* linear: every STE exists (abort) */
    drv_fx_t *fx = drv_up(t, &lin);
    smmu_domain_cfg_t big = {.ias = 49};
    smmu_domain_t d;
    smmu_master_t m;
    uint64_t v = 0;
    dma_result_t r;

    mem_write64(t->sim, 0x0, 0x1111);
    CHECK_EQ(smmu_domain_init(&d, &fx->s, SMMU_DOMAIN_S2, &big), SMMU_EINVAL);
    CHECK_EQ(smmu_master_init(&m, &fx->s, 0x21), 0);
    CHECK_EQ(smmu_attach(&m, &d), SMMU_EINVAL);
    CHECK(m.domain == NULL, "not attached");
    evcount = 0;
    smmu_set_event_handler(&fx->s, count_ev, NULL);
    r = drv_dma_read(t, 0x21, 0x0, &v);
    CHECK(r.resp != 0, "the stream still aborts");
    (void)smmu_cmdq_sync(&fx->s, SMMU_CS_NONE);
    CHECK_EQ(smmu_evtq_dispatch(&fx->s, 0), 0); /* abort STE: no event (no illegal STE) */
    CHECK_EQ(evcount, 0);
    CHECK_EQ(smmu_domain_free(&d), SMMU_EINVAL);
    CHECK_EQ(smmu_master_fini(&m), 0);
    CHECK_EQ(drv_gerror_active(t), 0);
    drv_down(t, fx);
}

TEST(drv_rules_asid_vmid16)
{
    drv_fx_t *fx = drv_up(t, NULL);
    static smmu_domain_t d[516];
    smmu_domain_cfg_t small = {.ias = 32};
    smmu_master_t m1, m2;
    uint64_t v = 0;
    dma_result_t r;
    unsigned n = 0;
    int ret = 0;

    REQUIRE(fx->s.feat.asid16 && fx->s.feat.vmid16, "the model has 16-bit ASIDs and VMIDs");
    /* 258 stage-1 and 258 stage-2 domains: the last of each has an ID above 255 only
     * if the driver uses the 16-bit range. */
    for (n = 0; n < 516 && ret == 0; n++)
        ret = smmu_domain_init(&d[n], &fx->s, n % 2 ? SMMU_DOMAIN_S2 : SMMU_DOMAIN_S1, &small);
    REQUIRE(ret == 0, "domain %u: %s", n - 1, smmu_strerror(ret));
    smmu_domain_t *s1 = &d[514], *s2 = &d[515];
    CHECK(s1->asid > 255 && s2->vmid > 255, "ASID %u VMID %u", s1->asid, s2->vmid);
    drv_tag_pages(t, DATA_PA, 0x2000);
    CHECK_EQ(smmu_domain_map(s1, 0x10000, DATA_PA, 0x1000, RW, SMMU_MAP_MEM), 0);
    CHECK_EQ(smmu_domain_map(s2, 0x10000, DATA_PA + 0x1000, 0x1000, RW, SMMU_MAP_MEM), 0);
    CHECK_EQ(smmu_master_init(&m1, &fx->s, 0x31), 0);
    CHECK_EQ(smmu_master_init(&m2, &fx->s, 0x32), 0);
    CHECK_EQ(smmu_attach(&m1, s1), 0);
    CHECK_EQ(smmu_attach(&m2, s2), 0);
    r = drv_dma_read(t, 0x31, 0x10000, &v);
    CHECK(r.resp == 0 && v == drv_tag_of(DATA_PA), "S1 (ASID above 255) translates");
    r = drv_dma_read(t, 0x32, 0x10000, &v);
    CHECK(r.resp == 0 && v == drv_tag_of(DATA_PA + 0x1000), "S2 (VMID above 255) translates");
    /* Invalidation by the 16-bit tag: a truncated ASID/VMID would leave the TLB entry. */
    CHECK_EQ(smmu_domain_unmap(s1, 0x10000, 0x1000, NULL), 0x1000);
    CHECK_EQ(smmu_domain_unmap(s2, 0x10000, 0x1000, NULL), 0x1000);
    CHECK(drv_dma_read(t, 0x31, 0x10000, &v).resp != 0, "S1 entry invalidated");
    CHECK(drv_dma_read(t, 0x32, 0x10000, &v).resp != 0, "S2 entry invalidated");
    CHECK_EQ(smmu_detach(&m1), 0);
    CHECK_EQ(smmu_detach(&m2), 0);
    CHECK_EQ(smmu_master_fini(&m1), 0);
    CHECK_EQ(smmu_master_fini(&m2), 0);
    for (unsigned i = 0; i < 516; i++)
        CHECK_EQ(smmu_domain_free(&d[i]), 0);
    (void)smmu_evtq_drain(&fx->s, NULL, NULL, 0);
    CHECK_EQ(drv_gerror_active(t), 0);
    drv_down(t, fx);
}
