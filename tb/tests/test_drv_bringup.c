/* Driver against the RTL: probe, bring-up, tear-down, GBPA. */
#include "test_drv_common.h"

/* Probe reports what the model was built with, and what SMMUv3.2 with both stages
 * implies (docs/subset.md). */
TEST(drv_probe_features)
{
    const sim_params_t *p = sim_params(t->sim);
    drv_fx_t *fx = drv_probe(t);
    const smmu_features_t *f = &fx->s.feat;

    CHECK_EQ(f->sid_bits, p->sid_bits);
    CHECK_EQ(f->oas_bits, p->pa_bits);
    CHECK_EQ(f->cmdq_log2, p->cmdqs);
    CHECK_EQ(f->eventq_log2, p->eventqs);
    CHECK_EQ(f->st_2lvl, p->st_level_2);
    CHECK_EQ(f->fwb, p->fwb);
    CHECK_EQ(f->cohacc, p->cohacc);
    CHECK_EQ(f->attr_types_ovr, p->attr_ovr);
    CHECK_EQ(f->attr_perms_ovr, p->attr_ovr);
    CHECK_EQ(f->arch_major, 0);
    CHECK_EQ(f->arch_minor, 2);
    CHECK(f->s1p && f->s2p, "both stages");
    CHECK(f->hyp, "IDR0.HYP (v3.2 with both stages)");
    CHECK(f->ril && f->xnx && f->had, "IDR3 RIL, XNX, HAD");
    CHECK(f->bbml == 1 || f->bbml == 2, "BBML %u", f->bbml);
    CHECK_EQ(f->ttf, 2);
    CHECK_EQ(f->ttendian, 2);
    CHECK(f->term_model, "TERM_MODEL");
    CHECK_EQ(f->stall_model, 1);
    CHECK(f->gran4k, "4 KB granule");
    CHECK_EQ(f->msi, p->msi);
    CHECK(!f->ats && !f->pri && !f->sev, "no ATS, PRI, SEV");
    CHECK_EQ(f->ssid_bits, 0);

    smmu_gbpa_t g;
    CHECK_EQ(smmu_get_gbpa(&fx->s, &g), 0);
    CHECK_EQ(g.abort, p->gbpa_abort);
    /* Probe touches no control register. */
    CHECK_EQ(sim_reg_read32(t->sim, SMMU_CR0ACK), 0);
    smmu_hal_sim_fini(&fx->h);
}

TEST(drv_bringup_teardown)
{
    smmu_config_t cfg = {.strtab_log2 = 6, .cmdq_log2 = 4, .eventq_log2 = 5};
    drv_fx_t *fx = drv_up(t, &cfg);
    smmu_t *s = &fx->s;
    const uint32_t on = SMMU_CR0_SMMUEN_MASK | SMMU_CR0_CMDQEN_MASK | SMMU_CR0_EVENTQEN_MASK;

    CHECK_EQ(sim_reg_read32(t->sim, SMMU_CR0ACK), on);
    CHECK_EQ(sim_reg_read32(t->sim, SMMU_CR0), on);
    CHECK_EQ(sim_reg_read32(t->sim, SMMU_CR2), SMMU_CR2_RECINVSID_MASK);
    CHECK(!s->strtab_2lvl, "64 StreamIDs: linear");
    CHECK_EQ(sim_reg_read32(t->sim, SMMU_STRTAB_BASE_CFG), 6);
    CHECK_EQ(sim_reg_read64(t->sim, SMMU_STRTAB_BASE) & SMMU_STRTAB_BASE_ADDR_MASK,
             s->strtab.pa);
    CHECK_EQ(sim_reg_read64(t->sim, SMMU_CMDQ_BASE),
             SMMU_CMDQ_BASE_RA_MASK | s->cmdq.pa | 4);
    CHECK_EQ(sim_reg_read64(t->sim, SMMU_EVENTQ_BASE),
             SMMU_EVENTQ_BASE_WA_MASK | s->evtq.pa | 5);
    /* The reset invalidation went through: CFGI_ALL, TLBI_EL2_ALL, TLBI_NSNH_ALL, each
     * with a CMD_SYNC. */
    CHECK_EQ(s->stats.cmds, 6);
    CHECK_EQ(s->stats.syncs, 3);
    CHECK_EQ(sim_reg_read32(t->sim, SMMU_CMDQ_CONS), sim_reg_read32(t->sim, SMMU_CMDQ_PROD));
    CHECK_EQ(sim_reg_read32(t->sim, SMMU_CMDQ_PROD), 6);
    CHECK_EQ(drv_gerror_active(t), 0);
    /* Every STE is valid with Config = abort. */
    const uint64_t *ste = s->strtab.cpu;
    CHECK_EQ(ste[0], 1);
    CHECK_EQ(ste[63 * 8], 1);
    /* A second init is refused while up. */
    CHECK_EQ(smmu_init(s, &cfg), SMMU_EINVAL);

    CHECK_EQ(smmu_teardown(s), 0);
    CHECK_EQ(sim_reg_read32(t->sim, SMMU_CR0ACK), 0);
    CHECK_EQ(sim_reg_read32(t->sim, SMMU_IRQ_CTRLACK), 0);
    CHECK_EQ(fx->h.pool.allocs, 0);

    /* Up again, this time with the whole StreamID space: a 2-level table (SPLIT 8) if
     * the model has one. */
    cfg.strtab_log2 = 0;
    cfg.irq_gerror = cfg.irq_eventq = true;
    int ret = smmu_init(s, &cfg);
    REQUIRE(ret == 0, "second init: %s", smmu_strerror(ret));
    CHECK_EQ(sim_reg_read32(t->sim, SMMU_CR0ACK), on);
    CHECK_EQ(sim_reg_read32(t->sim, SMMU_IRQ_CTRLACK),
             SMMU_IRQ_CTRL_GERROR_IRQEN_MASK | SMMU_IRQ_CTRL_EVENTQ_IRQEN_MASK);
    if (sim_params(t->sim)->st_level_2 && s->feat.sid_bits > 8) {
        CHECK(s->strtab_2lvl, "2-level");
        CHECK_EQ(sim_reg_read32(t->sim, SMMU_STRTAB_BASE_CFG),
                 (1u << SMMU_STRTAB_BASE_CFG_FMT_SHIFT) |
                     (8u << SMMU_STRTAB_BASE_CFG_SPLIT_SHIFT) | s->feat.sid_bits);
        CHECK_EQ(s->l1_count, 1u << (s->feat.sid_bits - 8));
    }
    test_log(t, "up in %" PRIu64 " cycles so far", sim_cycles(t->sim));
    drv_down(t, fx);
    CHECK_EQ(sim_reg_read32(t->sim, SMMU_CR0ACK), 0);
}

/* init finds the SMMU enabled (a previous owner) and disables it before reprogramming. */
TEST(drv_init_when_enabled)
{
    drv_fx_t *fx = drv_up(t, NULL);
    smmu_t *s = &fx->s;
    int ret;

    /* Forget the driver state (and its allocations) but leave the hardware running, as
     * after a warm restart. */
    (void)s;
    fx = drv_probe(t);
    s = &fx->s;
    ret = smmu_init(s, NULL);
    CHECK(ret == 0, "init over a running SMMU: %s", smmu_strerror(ret));
    CHECK(strstr(fx->h.last_warn, "was enabled") != NULL, "logged: %s", fx->h.last_warn);
    CHECK_EQ(sim_reg_read32(t->sim, SMMU_CR0ACK) & SMMU_CR0_SMMUEN_MASK, 1);
    drv_down(t, fx);
}

/* GBPA through the driver's setter governs traffic while SMMUEN = 0. */
TEST(drv_gbpa_abort_bypass)
{
    const sim_params_t *p = sim_params(t->sim);
    drv_fx_t *fx = drv_probe(t);
    smmu_t *s = &fx->s;
    const uint64_t addr = 0x40002000, pattern = 0x0123456789abcdefull;
    uint64_t data = 0;
    dma_result_t r;
    smmu_gbpa_t g;

    /* Abort: no downstream access, an error response. */
    g = smmu_gbpa_incoming(true);
    CHECK_EQ(smmu_set_gbpa(s, &g), 0);
    CHECK_EQ(sim_reg_read32(t->sim, SMMU_GBPA) & (SMMU_GBPA_UPDATE_MASK | SMMU_GBPA_ABORT_MASK),
             SMMU_GBPA_ABORT_MASK);
    r = drv_dma_write(t, 3, addr, pattern);
    CHECK(r.resp != 0, "write aborted (resp %d)", r.resp);
    CHECK(!r.dn.seen, "aborted write never went downstream");
    r = drv_dma_read(t, 3, addr, &data);
    CHECK(r.resp != 0 && !r.dn.seen, "read aborted (resp %d, seen %d)", r.resp, r.dn.seen);
    CHECK_EQ(mem_read64(t->sim, addr), 0);

    /* Bypass with incoming attributes: the address goes through unchanged. */
    g = smmu_gbpa_incoming(false);
    CHECK_EQ(smmu_set_gbpa(s, &g), 0);
    r = drv_dma_write(t, 3, addr, pattern);
    CHECK_EQ(r.resp, 0);
    CHECK(r.dn.seen && r.dn.addr == addr, "bypassed write at 0x%" PRIx64, r.dn.addr);
    CHECK_EQ(mem_read64(t->sim, addr), pattern);
    r = drv_dma_read(t, 3, addr, &data);
    CHECK_EQ(r.resp, 0);
    CHECK_EQ(data, pattern);

    /* Bypass with permission overrides (if the model has them): privileged instruction
     * fetch whatever the client said. */
    if (p->attr_ovr) {
        g.privcfg = 3;
        g.instcfg = 3;
        CHECK_EQ(smmu_set_gbpa(s, &g), 0);
        r = drv_dma_read(t, 3, addr, &data);
        CHECK_EQ(r.resp, 0);
        CHECK(r.dn.seen && (r.dn.prot & 1) && (r.dn.prot & 4),
              "PRIVCFG/INSTCFG override: AxPROT 0x%x", r.dn.prot);
    } else {
        g.privcfg = 3;
        CHECK_EQ(smmu_set_gbpa(s, &g), SMMU_EINVAL);
    }

    /* Back to abort; the setter leaves UPDATE clear. */
    g = smmu_gbpa_incoming(true);
    CHECK_EQ(smmu_set_gbpa(s, &g), 0);
    CHECK_EQ(sim_reg_read32(t->sim, SMMU_GBPA) & SMMU_GBPA_UPDATE_MASK, 0);
    r = drv_dma_read(t, 3, addr, &data);
    CHECK(r.resp != 0 && !r.dn.seen, "aborted again");
    smmu_hal_sim_fini(&fx->h);
}
