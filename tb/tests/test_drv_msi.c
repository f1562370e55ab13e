/*
 * The driver's MSIs against the RTL: set-up from the HAL's MSI targets (the simulator
 * HAL's doorbells), event and global-error handling on an MSI through smmu_irq(), and
 * CMD_SYNC completion by MSI polling (the MSI of 0 into the sync's own queue slot, as
 * Linux does) with its fall-back to CMDQ_CONS when that MSI is aborted. Expectations
 * follow the build: MSI polling needs IDR0.MSI and a coherent SMMU (IDR0.COHACC here);
 * without IDR0.MSI every source stays wired.
 */
#include "test_drv_common.h"

static bool msi_build(test_ctx_t *t)
{
    return sim_params(t->sim)->msi != 0;
}

/* A HAL read32 that counts CMDQ_CONS reads (the register MSI polling saves). */
static const smmu_hal_t *orig_hal;
static unsigned cons_reads;
static uint32_t counting_rd32(void *ctx, uint32_t off)
{
    if (off == SMMU_CMDQ_CONS)
        cons_reads++;
    return orig_hal->read32(ctx, off);
}

typedef struct {
    unsigned n;
    uint32_t sid;
    unsigned type;
} faults_t;

static void on_fault(void *arg, const smmu_event_t *ev)
{
    faults_t *f = arg;
    f->n++;
    f->sid = (uint32_t)(ev->dw[0] >> 32);
    f->type = (unsigned)(ev->dw[0] & 0xff);
}

/* Init with the HAL's doorbells: the *_IRQ_CFG registers hold them; a fault's record is
 * announced by an MSI, and smmu_irq(SMMU_MSI_EVENTQ) routes it to the domain. */
TEST(drv_msi_events)
{
    drv_fx_t *fx = drv_probe(t);
    smmu_t *s = &fx->s;
    bool msi = msi_build(t);
    smmu_hal_sim_msi(&fx->h, 1);
    smmu_config_t cfg = {.irq_eventq = true, .irq_gerror = true};
    REQUIRE(smmu_init(s, &cfg) == 0, "init (%s)", fx->h.last_warn);

    uint32_t want = msi ? (1u << SMMU_MSI_EVENTQ) | (1u << SMMU_MSI_GERROR) : 0u;
    CHECK_EQ(s->msi_srcs, want);
    CHECK_EQ(sim_reg_read64(t->sim, SMMU_EVENTQ_IRQ_CFG0),
             msi ? SMMU_HAL_SIM_DOORBELL_PA + 4u * SMMU_MSI_EVENTQ : 0u);
    CHECK_EQ(sim_reg_read32(t->sim, SMMU_EVENTQ_IRQ_CFG1),
             msi ? SMMU_HAL_SIM_MSI_DATA(SMMU_MSI_EVENTQ) : 0u);
    CHECK_EQ(sim_reg_read32(t->sim, SMMU_EVENTQ_IRQ_CFG2), msi ? 0x1u : 0u);
    CHECK_EQ(sim_reg_read64(t->sim, SMMU_GERROR_IRQ_CFG0),
             msi ? SMMU_HAL_SIM_DOORBELL_PA + 4u * SMMU_MSI_GERROR : 0u);

    static smmu_domain_t d;
    static smmu_master_t m;
    static faults_t fl;
    memset(&fl, 0, sizeof fl);
    REQUIRE(smmu_domain_init(&d, s, SMMU_DOMAIN_S1, NULL) == 0, "domain");
    smmu_domain_set_fault_handler(&d, on_fault, &fl);
    REQUIRE(smmu_master_init(&m, s, 0x21) == 0, "master");
    REQUIRE(smmu_attach(&m, &d) == 0, "attach");
    uint64_t w0 = sim_irq_count(t->sim, SIM_IRQ_EVENTQ);
    for (unsigned round = 0; round < 3; round++) {
        uint64_t data;
        dma_result_t r = drv_dma_read(t, 0x21, 0x7770000ull + 0x1000ull * round, &data);
        CHECK(r.resp != 0, "unmapped IOVA aborted");
        /* the platform's interrupt controller: wait for the doorbell */
        uint32_t bell = 0;
        for (unsigned i = 0; i < 500 && !bell; i++) {
            bell = smmu_hal_sim_doorbell(&fx->h, SMMU_MSI_EVENTQ);
            sim_step(t->sim, 1);
        }
        CHECK_EQ(bell, msi ? SMMU_HAL_SIM_MSI_DATA(SMMU_MSI_EVENTQ) : 0u);
        CHECK_EQ(smmu_irq(s, SMMU_MSI_EVENTQ), 1);
        CHECK_EQ(fl.n, round + 1);
        CHECK(fl.sid == 0x21 && fl.type == EVT_F_TRANSLATION, "fault sid 0x%x type 0x%x", fl.sid,
              fl.type);
    }
    CHECK_EQ(sim_irq_count(t->sim, SIM_IRQ_EVENTQ), w0 + 3); /* the wired one stays */
    CHECK_EQ(smmu_irq(s, SMMU_MSI_PMCG), SMMU_EINVAL);
    CHECK_EQ(smmu_detach(&m), 0);
    CHECK_EQ(smmu_master_fini(&m), 0);
    CHECK_EQ(smmu_domain_free(&d), 0);
    drv_down(t, fx);
}

/* A command error announced by the GERROR MSI, recovered by smmu_irq(SMMU_MSI_GERROR). */
TEST(drv_msi_gerror)
{
    drv_fx_t *fx = drv_probe(t);
    smmu_t *s = &fx->s;
    bool msi = msi_build(t);
    smmu_hal_sim_msi(&fx->h, 1);
    smmu_config_t cfg = {.irq_gerror = true};
    REQUIRE(smmu_init(s, &cfg) == 0, "init");

    smmu_cmd_t bad = {{0xffu, 0}};
    CHECK_EQ(smmu_cmdq_submit(s, &bad, 1, false, SMMU_CS_NONE), 0);
    uint32_t bell = 0;
    for (unsigned i = 0; i < 500 && !bell; i++) {
        bell = smmu_hal_sim_doorbell(&fx->h, SMMU_MSI_GERROR);
        sim_step(t->sim, 1);
    }
    CHECK_EQ(bell, msi ? SMMU_HAL_SIM_MSI_DATA(SMMU_MSI_GERROR) : 0u);
    CHECK_EQ(smmu_irq(s, SMMU_MSI_GERROR), (int)SMMU_GERROR_CMDQ_ERR_MASK);
    CHECK_EQ(s->stats.cmdq_ill, 1);
    CHECK_EQ(smmu_cmdq_sync(s, SMMU_CS_NONE), 0);
    CHECK_EQ(drv_gerror_active(t), 0);
    drv_down(t, fx);
}

/* CMD_SYNC completion by MSI polling: 300 syncs, each seen complete by its MSI, with no
 * CMDQ_CONS read while waiting; the same with CONS polling for comparison. */
TEST(drv_msi_sync_poll)
{
    const sim_params_t *p = sim_params(t->sim);
    bool expect = p->msi && p->cohacc;
    uint64_t cyc[2] = {0, 0};
    unsigned reads[2] = {0, 0};

    for (unsigned mode = 0; mode < 2; mode++) {
        drv_fx_t *fx = drv_probe(t);
        smmu_t *s = &fx->s;
        static smmu_hal_t hal;
        smmu_config_t cfg = {.cmdq_log2 = 4, .no_msipoll = mode == 1};
        REQUIRE(smmu_init(s, &cfg) == 0, "init");
        CHECK_EQ(s->msipoll, mode == 0 && expect);
        hal = fx->h.hal;
        orig_hal = &fx->h.hal;
        hal.read32 = counting_rd32;
        s->hal = &hal; /* count register reads from here on */
        cons_reads = 0;
        uint64_t i0 = sim_irq_count(t->sim, SIM_IRQ_CMD_SYNC), c0 = sim_cycles(t->sim);
        uint64_t m0 = s->stats.msi_syncs; /* the bring-up's own syncs */
        smmu_cmd_t c;
        smmu_cmd_tlbi_nsnh_all(&c);
        for (unsigned k = 0; k < 300; k++)
            CHECK_EQ(smmu_cmdq_submit(s, &c, 1, true, SMMU_CS_NONE), 0);
        cyc[mode] = sim_cycles(t->sim) - c0;
        reads[mode] = cons_reads;
        bool polled = mode == 0 && expect;
        CHECK_EQ(s->stats.msi_syncs - m0, polled ? 300u : 0u);
        /* MSI polling sends every CMD_SYNC with CS = SIG_IRQ */
        CHECK_EQ(sim_irq_count(t->sim, SIM_IRQ_CMD_SYNC) - i0, polled ? 300u : 0u);
        if (polled)
            CHECK(cons_reads < 30, "CMDQ_CONS read %u times for 300 syncs", cons_reads);
        else
            CHECK(cons_reads >= 300, "CONS polling reads CMDQ_CONS (%u)", cons_reads);
        s->hal = &fx->h.hal;
        drv_down(t, fx);
    }
    printf("  drv_msi_sync_poll: 300 x (TLBI + CMD_SYNC): MSI polling %" PRIu64 " cycles, %u "
           "CMDQ_CONS reads; CONS polling %" PRIu64 " cycles, %u reads\n",
           cyc[0], reads[0], cyc[1], reads[1]);
}

/* The sync's MSI aborted (the queue memory rejects writes): the driver sees
 * MSI_CMDQ_ABT_ERR, falls back to CMDQ_CONS, and every submission still succeeds. */
TEST(drv_msi_sync_abort)
{
    const sim_params_t *p = sim_params(t->sim);
    drv_fx_t *fx = drv_up(t, NULL);
    smmu_t *s = &fx->s;
    REQUIRE(mem_add_error_range(t->sim, s->cmdq.pa, s->cmdq.size, MEM_ERR_WRITE) == 0, "range");
    uint64_t m0 = s->stats.msi_syncs;
    for (unsigned k = 0; k < 5; k++)
        CHECK_EQ(smmu_cmdq_sync(s, SMMU_CS_NONE), 0);
    bool polled = p->msi && p->cohacc;
    CHECK_EQ(s->stats.msi_abt, polled ? 5u : 0u);
    CHECK_EQ(s->stats.msi_syncs, m0);
    CHECK_EQ(drv_gerror_active(t), 0);
    mem_clear_error_ranges(t->sim);
    CHECK_EQ(smmu_cmdq_sync(s, SMMU_CS_NONE), 0);
    CHECK_EQ(s->stats.msi_syncs - m0, polled ? 1u : 0u);
    drv_down(t, fx);
}

/* No MSI without a HAL target or with cfg.no_msi: the configuration registers stay 0. */
TEST(drv_msi_wired)
{
    for (unsigned mode = 0; mode < 2; mode++) {
        drv_fx_t *fx = drv_probe(t);
        if (mode == 1)
            smmu_hal_sim_msi(&fx->h, 1);
        smmu_config_t cfg = {.no_msi = mode == 1, .irq_eventq = true, .irq_gerror = true};
        REQUIRE(smmu_init(&fx->s, &cfg) == 0, "init");
        CHECK_EQ(fx->s.msi_srcs, 0);
        CHECK_EQ(sim_reg_read64(t->sim, SMMU_EVENTQ_IRQ_CFG0), 0);
        CHECK_EQ(sim_reg_read64(t->sim, SMMU_GERROR_IRQ_CFG0), 0);
        drv_down(t, fx);
    }
}
