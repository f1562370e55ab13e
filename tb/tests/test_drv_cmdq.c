/* Driver against the RTL: the command queue (wrapping, batching, CMD_SYNC interrupt,
 * illegal commands and fetch aborts with recovery). */
#include "test_drv_common.h"

/* A deterministic mix of every command the driver builds. */
static void make_cmd(smmu_cmd_t *c, unsigned i)
{
    smmu_tlbi_range_t r = {.tg = 1, .scale = i % 4, .num = i % 32, .ttl = 1 + i % 3};

    switch (i % 16) {
    case 0: smmu_cmd_cfgi_ste(c, i & 0x3f, i & 1); break;
    case 1: smmu_cmd_cfgi_ste_range(c, 0, 3); break;
    case 2: smmu_cmd_cfgi_cd(c, i & 0x3f, 0, false); break;
    case 3: smmu_cmd_cfgi_cd_all(c, i & 0x3f); break;
    case 4: smmu_cmd_tlbi_nh_all(c, (uint16_t)i); break;
    case 5: smmu_cmd_tlbi_nh_asid(c, 1, (uint16_t)i); break;
    case 6: smmu_cmd_tlbi_nh_va(c, 1, 2, (uint64_t)i << 12, true, &r); break;
    case 7: smmu_cmd_tlbi_nh_vaa(c, 1, (uint64_t)i << 12, false, NULL); break;
    case 8: smmu_cmd_tlbi_el2_all(c); break;
    case 9: smmu_cmd_tlbi_el2_asid(c, (uint16_t)i); break;
    case 10: smmu_cmd_tlbi_el2_va(c, 3, (uint64_t)i << 21, false, &r); break;
    case 11: smmu_cmd_tlbi_el2_vaa(c, (uint64_t)i << 12, true, NULL); break;
    case 12: smmu_cmd_tlbi_s12_vmall(c, (uint16_t)i); break;
    case 13: smmu_cmd_tlbi_s2_ipa(c, 4, (uint64_t)i << 12, true, &r); break;
    case 14: smmu_cmd_prefetch_config(c, i & 0x3f); break;
    default: smmu_cmd_cfgi_all(c); break;
    }
}

/* More than 1000 commands through an 8-entry queue: it wraps over a hundred times;
 * batches up to 3x the queue size are split; PROD and CONS agree after every sync. */
TEST(drv_cmdq_wrap_1000)
{
    smmu_config_t cfg = {.strtab_log2 = 6, .cmdq_log2 = 3};
    drv_fx_t *fx = drv_up(t, &cfg);
    smmu_t *s = &fx->s;
    smmu_batch_t b;
    unsigned sent = 0, batches = 0, i = 0;
    uint64_t c0, cmds0 = s->stats.cmds;
    sim_counters_t k0, k1;

    REQUIRE(s->cmdq_log2 == 3, "8-entry queue (log2 %u)", s->cmdq_log2);
    sim_counters(t->sim, &k0);
    c0 = sim_cycles(t->sim);
    smmu_batch_init(&b);
    while (sent < 1000) {
        unsigned n = 1 + (batches * 7) % 24; /* 1..24 commands per batch */
        for (unsigned k = 0; k < n; k++) {
            smmu_cmd_t c;
            make_cmd(&c, i++);
            REQUIRE(smmu_batch_add(s, &b, &c) == 0, "batch add");
        }
        /* Every third batch without a sync: commands pile up behind the next one. */
        bool sync = batches % 3 != 1;
        int ret = smmu_batch_submit(s, &b, sync, SMMU_CS_NONE);
        REQUIRE(ret == 0, "batch %u: %s (%s)", batches, smmu_strerror(ret), fx->h.last_warn);
        sent += n;
        batches++;
        uint32_t prod = sim_reg_read32(t->sim, SMMU_CMDQ_PROD);
        CHECK_EQ(prod, s->cmdq_prod);
        if (sync)
            CHECK_EQ(sim_reg_read32(t->sim, SMMU_CMDQ_CONS) & 0xfffff, prod);
    }
    REQUIRE(smmu_cmdq_sync(s, SMMU_CS_NONE) == 0, "final sync");
    uint64_t cycles = sim_cycles(t->sim) - c0, cmds = s->stats.cmds - cmds0;
    sim_counters(t->sim, &k1);
    CHECK(cmds >= 1000 + batches / 2, "commands %" PRIu64, cmds);
    CHECK_EQ(sim_reg_read32(t->sim, SMMU_CMDQ_CONS), sim_reg_read32(t->sim, SMMU_CMDQ_PROD));
    CHECK_EQ(drv_gerror_active(t), 0);
    CHECK_EQ(s->stats.cmdq_ill + s->stats.cmdq_abt, 0);
    printf("  drv_cmdq_wrap_1000: %u commands + syncs = %" PRIu64 " entries in %u batches, "
           "8-entry queue (%" PRIu64 " wraps), %" PRIu64 " cycles (%.1f cycles/entry), "
           "%" PRIu64 " queue reads\n",
           sent, cmds, batches, cmds / 8, cycles, (double)cycles / (double)cmds,
           k1.tbl_ar - k0.tbl_ar);
    drv_down(t, fx);
}

/* CMD_SYNC with CS = IRQ pulses the CMD_SYNC interrupt; CS = NONE does not (with CONS
 * polling: MSI polling sends every CMD_SYNC with CS = IRQ, tb/tests/test_msi.c). */
TEST(drv_cmdq_sync_irq)
{
    smmu_config_t cfg = {.no_msipoll = true};
    drv_fx_t *fx = drv_up(t, &cfg);
    smmu_t *s = &fx->s;
    uint64_t n0 = sim_irq_count(t->sim, SIM_IRQ_CMD_SYNC);
    smmu_cmd_t c;

    CHECK_EQ(smmu_cmdq_sync(s, SMMU_CS_NONE), 0);
    sim_step(t->sim, 20);
    CHECK_EQ(sim_irq_count(t->sim, SIM_IRQ_CMD_SYNC), n0);
    CHECK_EQ(smmu_cmdq_sync(s, SMMU_CS_IRQ), 0);
    sim_step(t->sim, 20); /* CONS passes the sync first, then the pulse */
    CHECK_EQ(sim_irq_count(t->sim, SIM_IRQ_CMD_SYNC), n0 + 1);
    smmu_cmd_tlbi_nsnh_all(&c);
    CHECK_EQ(smmu_cmdq_submit(s, &c, 1, true, SMMU_CS_IRQ), 0);
    sim_step(t->sim, 20);
    CHECK_EQ(sim_irq_count(t->sim, SIM_IRQ_CMD_SYNC), n0 + 2);
    /* CS = 3 is illegal: refused before it reaches the queue. */
    CHECK_EQ(smmu_cmdq_sync(s, 3), SMMU_EINVAL);
    drv_down(t, fx);
}

/* An illegal opcode stops the queue (GERROR.CMDQ_ERR, CONS.ERR = CERROR_ILL); the driver
 * reports it, replaces it with a CMD_SYNC, acknowledges, and later commands run. */
TEST(drv_cmdq_illegal_opcode)
{
    smmu_config_t cfg = {.cmdq_log2 = 3, .strtab_log2 = 4, .irq_gerror = true};
    drv_fx_t *fx = drv_up(t, &cfg);
    smmu_t *s = &fx->s;
    uint64_t girq0 = sim_irq_count(t->sim, SIM_IRQ_GERROR);
    smmu_cmd_t c[3];
    uint32_t pos = s->cmdq_prod, cons;

    /* 1. Seen from the hardware side: submit without waiting. */
    smmu_cmd_tlbi_nsnh_all(&c[0]);
    c[1] = (smmu_cmd_t){{0x3f, 0}}; /* Reserved opcode */
    smmu_cmd_cfgi_all(&c[2]);
    CHECK_EQ(smmu_cmdq_submit(s, c, 3, false, SMMU_CS_NONE), 0);
    sim_step(t->sim, 300);
    CHECK_EQ(drv_gerror_active(t) & SMMU_GERROR_CMDQ_ERR_MASK, SMMU_GERROR_CMDQ_ERR_MASK);
    cons = sim_reg_read32(t->sim, SMMU_CMDQ_CONS);
    CHECK_EQ((cons & SMMU_CMDQ_CONS_ERR_MASK) >> SMMU_CMDQ_CONS_ERR_SHIFT, CERROR_ILL);
    CHECK_EQ(cons & SMMU_CMDQ_CONS_RD_MASK, smmu_q_add(pos, 1, 3)); /* stopped on it */
    CHECK_EQ(sim_irq_count(t->sim, SIM_IRQ_GERROR), girq0 + 1);
    /* The driver's handler: reported, replaced, acknowledged. */
    CHECK_EQ(smmu_gerror_handle(s), (int)SMMU_GERROR_CMDQ_ERR_MASK);
    CHECK_EQ(drv_gerror_active(t), 0);
    CHECK_EQ(s->stats.cmdq_ill, 1);
    CHECK_EQ(s->stats.last_cerror, CERROR_ILL);
    CHECK_EQ(s->stats.last_cerror_opcode, 0x3f);
    CHECK(strstr(fx->h.last_warn, "CERROR_ILL") && strstr(fx->h.last_warn, "opcode 0x3f"),
          "reported: %s", fx->h.last_warn);
    /* The queue runs again: the CFGI_ALL behind it and a new CMD_SYNC complete. */
    CHECK_EQ(smmu_cmdq_sync(s, SMMU_CS_NONE), 0);
    CHECK_EQ(sim_reg_read32(t->sim, SMMU_CMDQ_CONS) & SMMU_CMDQ_CONS_RD_MASK, s->cmdq_prod);

    /* 2. Inside a submission: the wait notices the stopped queue, recovers, and returns
     * SMMU_EIO because a command of the caller was dropped. */
    smmu_cmd_t bad[2] = {{{0x3f, 0}}, {{0x3f | 0xff00, 0}}};
    int ret = smmu_cmdq_submit(s, bad, 2, true, SMMU_CS_NONE);
    CHECK(ret == SMMU_EIO, "submit with bad commands: %s", smmu_strerror(ret));
    CHECK_EQ(s->stats.cmdq_ill, 3);
    CHECK_EQ(drv_gerror_active(t), 0);
    CHECK_EQ(sim_irq_count(t->sim, SIM_IRQ_GERROR), girq0 + 3);
    /* Later commands are executed. */
    smmu_cmd_tlbi_nh_all(&c[0], 1);
    CHECK_EQ(smmu_cmdq_submit(s, c, 1, true, SMMU_CS_IRQ), 0);
    CHECK_EQ(sim_reg_read32(t->sim, SMMU_CMDQ_CONS) & SMMU_CMDQ_CONS_RD_MASK, s->cmdq_prod);
    drv_down(t, fx);
}

/* A read abort on one queue slot: CERROR_ABT, the driver retries once, then skips the
 * slot (queue disabled, CONS stepped, re-enabled); later commands run. */
TEST(drv_cmdq_fetch_abort)
{
    smmu_config_t cfg = {.cmdq_log2 = 3, .strtab_log2 = 4, .irq_gerror = true};
    drv_fx_t *fx = drv_up(t, &cfg);
    smmu_t *s = &fx->s;
    uint64_t girq0 = sim_irq_count(t->sim, SIM_IRQ_GERROR);
    uint32_t bad = smmu_q_add(s->cmdq_prod, 2, 3);
    uint64_t bad_pa = s->cmdq.pa + (uint64_t)smmu_q_slot(bad, 3) * 16;
    smmu_cmd_t c[4];
    int ret;

    REQUIRE(mem_add_error_range(t->sim, bad_pa, 16, MEM_ERR_READ) == 0, "error range");
    for (unsigned i = 0; i < 4; i++)
        smmu_cmd_tlbi_nh_asid(&c[i], 1, (uint16_t)i);
    ret = smmu_cmdq_submit(s, c, 4, true, SMMU_CS_NONE);
    CHECK(ret == SMMU_EIO, "submit over the aborting slot: %s", smmu_strerror(ret));
    CHECK_EQ(s->stats.last_cerror, CERROR_ABT);
    CHECK_EQ(s->stats.last_cerror_pa, bad_pa);
    CHECK_EQ(s->stats.cmdq_abt, 2);     /* first abort retried, second skipped */
    CHECK_EQ(s->stats.cmdq_skipped, 1);
    CHECK(strstr(fx->h.last_warn, "CERROR_ABT") != NULL, "reported: %s", fx->h.last_warn);
    CHECK_EQ(drv_gerror_active(t), 0);
    CHECK_EQ(sim_irq_count(t->sim, SIM_IRQ_GERROR), girq0 + 2);
    CHECK_EQ(sim_reg_read32(t->sim, SMMU_CMDQ_CONS) & SMMU_CMDQ_CONS_RD_MASK, s->cmdq_prod);
    CHECK_EQ(sim_reg_read32(t->sim, SMMU_CR0ACK) & SMMU_CR0_CMDQEN_MASK, SMMU_CR0_CMDQEN_MASK);

    /* A transient abort: the retry succeeds, nothing is dropped. Arm the range, let
     * the queue stop on it, clear the range, then let the driver recover. */
    bad = smmu_q_add(s->cmdq_prod, 1, 3);
    bad_pa = s->cmdq.pa + (uint64_t)smmu_q_slot(bad, 3) * 16;
    mem_clear_error_ranges(t->sim);
    REQUIRE(mem_add_error_range(t->sim, bad_pa, 16, MEM_ERR_READ) == 0, "error range");
    CHECK_EQ(smmu_cmdq_submit(s, c, 2, false, SMMU_CS_NONE), 0);
    sim_step(t->sim, 300);
    uint32_t cons = sim_reg_read32(t->sim, SMMU_CMDQ_CONS);
    CHECK_EQ((cons & SMMU_CMDQ_CONS_ERR_MASK) >> SMMU_CMDQ_CONS_ERR_SHIFT, CERROR_ABT);
    CHECK_EQ(cons & SMMU_CMDQ_CONS_RD_MASK, bad);
    mem_clear_error_ranges(t->sim);
    CHECK_EQ(smmu_gerror_handle(s), (int)SMMU_GERROR_CMDQ_ERR_MASK);
    ret = smmu_cmdq_sync(s, SMMU_CS_NONE);
    CHECK(ret == 0, "after a transient abort: %s", smmu_strerror(ret));
    CHECK_EQ(s->stats.cmdq_skipped, 1);

    /* Later commands still run, with the queue wrapping over the once-bad slots. */
    for (unsigned i = 0; i < 10; i++)
        CHECK_EQ(smmu_cmdq_submit(s, c, 4, true, SMMU_CS_NONE), 0);
    CHECK_EQ(sim_reg_read32(t->sim, SMMU_CMDQ_CONS) & SMMU_CMDQ_CONS_RD_MASK, s->cmdq_prod);
    drv_down(t, fx);
}

/* The same paths under memory latency and random back-pressure: 300 commands through
 * the 8-entry queue with an illegal command and a transient fetch abort among them. */
static const sim_opts_t stall_opts = {.seed = 12345};
TEST_OPTS(drv_cmdq_under_backpressure, &stall_opts)
{
    smmu_config_t cfg = {.strtab_log2 = 4, .cmdq_log2 = 3};
    drv_fx_t *fx = drv_up(t, &cfg);
    smmu_t *s = &fx->s;
    unsigned sent = 0, i = 0, eio = 0;
    bool ill_done = false;
    uint64_t c0 = sim_cycles(t->sim);

    mem_set_timing(t->sim, 2, 30, 40);
    while (sent < 300) {
        smmu_cmd_t c[11];
        unsigned n = 1 + sent % 11;
        for (unsigned k = 0; k < n; k++)
            make_cmd(&c[k], i++);
        if (sent >= 100 && !ill_done) {
            c[n / 2] = (smmu_cmd_t){{0x7e, 0}}; /* Reserved opcode */
            ill_done = true;
        }
        if (sent >= 200 && sent < 200 + n) {
            /* One read abort on the slot the next command will use, cleared once hit. */
            uint64_t pa = s->cmdq.pa + (uint64_t)smmu_q_slot(s->cmdq_prod, 3) * 16;
            REQUIRE(mem_add_error_range(t->sim, pa, 16, MEM_ERR_READ) == 0, "range");
        }
        int ret = smmu_cmdq_submit(s, c, n, true, SMMU_CS_NONE);
        mem_clear_error_ranges(t->sim);
        CHECK(ret == 0 || ret == SMMU_EIO, "submit at %u: %s", sent, smmu_strerror(ret));
        eio += ret == SMMU_EIO;
        sent += n;
    }
    CHECK_EQ(s->stats.cmdq_ill, 1);
    CHECK_EQ(s->stats.cmdq_abt, 2);    /* the slot aborts twice: retry, then skip */
    CHECK_EQ(s->stats.cmdq_skipped, 1);
    CHECK_EQ(eio, 2);
    CHECK_EQ(drv_gerror_active(t), 0);
    CHECK_EQ(sim_reg_read32(t->sim, SMMU_CMDQ_CONS) & SMMU_CMDQ_CONS_RD_MASK, s->cmdq_prod);
    test_log(t, "%u commands under back-pressure in %" PRIu64 " cycles", sent,
             sim_cycles(t->sim) - c0);
    drv_down(t, fx);
}
