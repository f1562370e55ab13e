/* Driver against the RTL: the event queue (C_BAD_STREAMID records, decoding, overflow,
 * write aborts). */
#include "test_drv_common.h"

typedef struct {
    unsigned n;
    char text[64][96];
    uint32_t sid[64];
} evlog_t;

static void collect(void *arg, const smmu_event_t *ev)
{
    evlog_t *l = arg;
    if (l->n < 64) {
        smmu_event_decode(ev, l->text[l->n], sizeof l->text[0]);
        l->sid[l->n] = (uint32_t)(ev->dw[0] >> 32);
    }
    l->n++;
}

/* A client read with an out-of-range StreamID: aborted, and C_BAD_STREAMID recorded
 * (CR2.RECINVSID = 1, StreamID >= 2^STRTAB_BASE_CFG.LOG2SIZE). */
static void bad_sid_read(test_ctx_t *t, uint32_t sid)
{
    uint64_t data;
    dma_result_t r = drv_dma_read(t, sid, 0x40000000, &data);
    CHECK(r.resp != 0 && !r.dn.seen, "StreamID 0x%x aborted (resp %d, seen %d)", sid, r.resp,
          r.dn.seen);
}

/* Fill an 8-entry event queue with C_BAD_STREAMID, overflow it, drain: eight decoded
 * records, one overflow seen and acknowledged, then records flow again. */
TEST(drv_evtq_bad_streamid_overflow)
{
    smmu_config_t cfg = {.strtab_log2 = 4, .eventq_log2 = 3, .irq_eventq = true};
    drv_fx_t *fx = drv_up(t, &cfg);
    smmu_t *s = &fx->s;
    static evlog_t l;
    uint64_t eirq0 = sim_irq_count(t->sim, SIM_IRQ_EVENTQ);
    int n;

    memset(&l, 0, sizeof l);
    REQUIRE(s->eventq_log2 == 3, "8-entry event queue");
    /* An in-range StreamID with its abort STE: aborted, and no event. */
    bad_sid_read(t, 0xf);
    sim_step(t->sim, 50);
    CHECK_EQ(sim_reg_read32(t->sim, SMMU_EVENTQ_PROD), 0);
    CHECK_EQ(sim_irq_count(t->sim, SIM_IRQ_EVENTQ), eirq0);

    for (uint32_t i = 0; i < 12; i++)
        bad_sid_read(t, 0x100 + i);
    sim_step(t->sim, 100);
    uint32_t prod = sim_reg_read32(t->sim, SMMU_EVENTQ_PROD);
    CHECK_EQ(prod & SMMU_EVENTQ_PROD_OVFLG_MASK, SMMU_EVENTQ_PROD_OVFLG_MASK);
    CHECK_EQ(prod & 0xfffff, 0x8); /* full: slot 0, wrap 1 */
    CHECK_EQ(sim_irq_count(t->sim, SIM_IRQ_EVENTQ), eirq0 + 1);

    n = smmu_evtq_drain(s, collect, &l, 0);
    CHECK_EQ(n, 8);
    CHECK_EQ(s->stats.evtq_overflows, 1);
    CHECK(strstr(fx->h.last_warn, "overflow") != NULL, "overflow logged: %s", fx->h.last_warn);
    for (unsigned i = 0; i < 8 && i < l.n; i++) {
        char want[64];
        snprintf(want, sizeof want, "C_BAD_STREAMID sid=0x%x", 0x100 + i);
        CHECK(!strcmp(l.text[i], want), "event %u: '%s', want '%s'", i, l.text[i], want);
    }
    test_log(t, "first event: %s", l.text[0]);
    /* Acknowledged: OVACKFLG == OVFLG, CONS == PROD. */
    uint32_t cons = sim_reg_read32(t->sim, SMMU_EVENTQ_CONS);
    prod = sim_reg_read32(t->sim, SMMU_EVENTQ_PROD);
    CHECK_EQ(cons, prod);
    CHECK_EQ(sim_reg_read32(t->sim, SMMU_EVENTQ_CONS_ALIAS0), cons);

    /* Records flow again, with no new overflow. */
    bad_sid_read(t, 0xabcd);
    sim_step(t->sim, 50);
    l.n = 0;
    CHECK_EQ(smmu_evtq_drain(s, collect, &l, 0), 1);
    CHECK(!strcmp(l.text[0], "C_BAD_STREAMID sid=0xabcd"), "got '%s'", l.text[0]);
    CHECK_EQ(s->stats.evtq_overflows, 1);
    CHECK_EQ(s->stats.events, 9);
    CHECK_EQ(sim_irq_count(t->sim, SIM_IRQ_EVENTQ), eirq0 + 2);
    /* Empty: nothing to hand over. */
    CHECK_EQ(smmu_evtq_drain(s, collect, &l, 0), 0);
    drv_down(t, fx);
}

/* A drain limit hands over only that many and leaves the rest for the next call. */
TEST(drv_evtq_drain_limit)
{
    smmu_config_t cfg = {.strtab_log2 = 4, .eventq_log2 = 3};
    drv_fx_t *fx = drv_up(t, &cfg);
    static evlog_t l;

    memset(&l, 0, sizeof l);
    for (uint32_t i = 0; i < 5; i++)
        bad_sid_read(t, 0x20 + i);
    sim_step(t->sim, 50);
    CHECK_EQ(smmu_evtq_drain(&fx->s, collect, &l, 2), 2);
    CHECK_EQ(smmu_evtq_drain(&fx->s, collect, &l, 0), 3);
    CHECK_EQ(l.n, 5);
    CHECK_EQ(l.sid[4], 0x24);
    CHECK_EQ(fx->s.stats.evtq_overflows, 0);
    drv_down(t, fx);
}

/* An event-queue write abort: GERROR.EVENTQ_ABT_ERR (with its interrupt), handled and
 * acknowledged by the driver; delivery resumes afterwards. */
TEST(drv_evtq_write_abort)
{
    smmu_config_t cfg = {.strtab_log2 = 4, .eventq_log2 = 3, .irq_gerror = true};
    drv_fx_t *fx = drv_up(t, &cfg);
    smmu_t *s = &fx->s;
    static evlog_t l;
    uint64_t girq0 = sim_irq_count(t->sim, SIM_IRQ_GERROR);

    memset(&l, 0, sizeof l);
    REQUIRE(mem_add_error_range(t->sim, s->evtq.pa, s->evtq.size, MEM_ERR_WRITE) == 0,
            "error range");
    bad_sid_read(t, 0x40);
    sim_step(t->sim, 100);
    CHECK_EQ(drv_gerror_active(t), SMMU_GERROR_EVENTQ_ABT_ERR_MASK);
    CHECK_EQ(sim_irq_count(t->sim, SIM_IRQ_GERROR), girq0 + 1);
    /* While active, records are dropped (not an overflow). */
    bad_sid_read(t, 0x41);
    CHECK_EQ(smmu_gerror_handle(s), (int)SMMU_GERROR_EVENTQ_ABT_ERR_MASK);
    CHECK_EQ(s->stats.evtq_abt, 1);
    CHECK(strstr(fx->h.last_warn, "event queue write aborted") != NULL, "reported: %s",
          fx->h.last_warn);
    CHECK_EQ(drv_gerror_active(t), 0);
    CHECK_EQ(smmu_evtq_drain(s, collect, &l, 0), 0);
    CHECK_EQ(s->stats.evtq_overflows, 0);

    mem_clear_error_ranges(t->sim);
    bad_sid_read(t, 0x42);
    sim_step(t->sim, 50);
    CHECK_EQ(smmu_evtq_drain(s, collect, &l, 0), 1);
    CHECK(!strcmp(l.text[0], "C_BAD_STREAMID sid=0x42"), "got '%s'", l.text[0]);
    CHECK_EQ(drv_gerror_active(t), 0);
    /* A second abort raises the error (and the interrupt) again. */
    REQUIRE(mem_add_error_range(t->sim, s->evtq.pa, s->evtq.size, MEM_ERR_WRITE) == 0,
            "error range");
    bad_sid_read(t, 0x43);
    sim_step(t->sim, 100);
    CHECK_EQ(sim_irq_count(t->sim, SIM_IRQ_GERROR), girq0 + 2);
    CHECK_EQ(smmu_gerror_handle(s), (int)SMMU_GERROR_EVENTQ_ABT_ERR_MASK);
    CHECK_EQ(s->stats.evtq_abt, 2);
    CHECK_EQ(drv_gerror_active(t), 0);
    mem_clear_error_ranges(t->sim);
    drv_down(t, fx);
}
