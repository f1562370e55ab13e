/*
 * Message-signalled interrupts (IHI 0070 3.18, 6.3.16, 6.3.21-23, 6.3.30-32, 4.7.3, 7.5)
 * through the SMMU's ports: the configuration registers and their Guard, each MSI
 * source with and without its IRQ_CTRL enable, the attributes on the bus against the
 * reference model, ordering against what each MSI signals (the record, GERROR, the
 * CMD_SYNC's consumption), CMD_SYNCs completing one after another by their MSIs, aborted
 * MSIs of each kind, and disabling a source while its MSI is in flight. The MSI writes
 * are found in the table port's address log (AXI ID 1 on the write channel, one 32-bit
 * beat) with the cycle of their address handshake and of their response; what they
 * wrote is read from memory.
 *
 * In a build without MSIs (MSI = 0) each test checks that none is sent and the
 * registers read 0.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "smmu/smmu_regs.h"
#include "test.h"
#include "xlate_env.h"

#define MSI_ID 1u                   /* the MSI writer's AXI ID on the table port */
#define TGT_EVQ 0x7ff00100ull       /* MSI targets used here: model memory */
#define TGT_GERR 0x7ff00204ull
#define TGT_SYNC 0x7ff0030cull
#define EVQ_DATA 0xe0e0e0e1u
#define GERR_DATA 0x6e6e6e6fu

static bool have_msi(test_ctx_t *t)
{
    return sim_params(t->sim)->msi != 0;
}

/* The n-th MSI write (0-based) on the table port since log index `from`, or NULL. */
static const mem_addr_log_t *msi_write(test_ctx_t *t, size_t from, unsigned n)
{
    size_t end = mem_addr_log_count(t->sim, MEM_PORT_TBL);
    for (size_t i = from; i < end; i++) {
        const mem_addr_log_t *a = mem_addr_log_get(t->sim, MEM_PORT_TBL, i);
        if (a && a->write && a->id == MSI_ID && n-- == 0)
            return a;
    }
    return NULL;
}

static unsigned msi_count(test_ctx_t *t, size_t from)
{
    unsigned n = 0;
    while (msi_write(t, from, n))
        n++;
    return n;
}

/* The last event-queue record write (ID 0) since `from`. */
static const mem_addr_log_t *record_write(test_ctx_t *t, size_t from)
{
    const mem_addr_log_t *r = NULL;
    size_t end = mem_addr_log_count(t->sim, MEM_PORT_TBL);
    for (size_t i = from; i < end; i++) {
        const mem_addr_log_t *a = mem_addr_log_get(t->sim, MEM_PORT_TBL, i);
        if (a && a->write && a->id == 0)
            r = a;
    }
    return r;
}

static uint32_t rd_mem32(test_ctx_t *t, uint64_t pa)
{
    uint32_t v = 0;
    mem_read(t->sim, pa, &v, sizeof v);
    return v;
}

static void wr_mem32(test_ctx_t *t, uint64_t pa, uint32_t v)
{
    mem_write(t->sim, pa, &v, sizeof v);
}

/* Steps one cycle at a time until the word at pa is non-zero (the MSI's write has
 * reached memory); false after `max` cycles. */
static bool wait_word(test_ctx_t *t, uint64_t pa, unsigned max)
{
    for (unsigned i = 0; i < max; i++) {
        if (rd_mem32(t, pa) != 0)
            return true;
        sim_step(t->sim, 1);
    }
    return rd_mem32(t, pa) != 0;
}

static void irq_ctrl(test_ctx_t *t, uint32_t v)
{
    sim_reg_write32(t->sim, SMMU_IRQ_CTRL, v);
    REQUIRE(sim_reg_poll32(t->sim, SMMU_IRQ_CTRLACK, 0x7u, v, POLLS), "IRQ_CTRLACK 0x%x", v);
}

static void msi_cfg(test_ctx_t *t, bool gerr, uint64_t addr, uint32_t data, unsigned memattr,
                    unsigned sh)
{
    sim_reg_write64(t->sim, gerr ? SMMU_GERROR_IRQ_CFG0 : SMMU_EVENTQ_IRQ_CFG0, addr);
    sim_reg_write32(t->sim, gerr ? SMMU_GERROR_IRQ_CFG1 : SMMU_EVENTQ_IRQ_CFG1, data);
    sim_reg_write32(t->sim, gerr ? SMMU_GERROR_IRQ_CFG2 : SMMU_EVENTQ_IRQ_CFG2,
                    sh << SMMU_GERROR_IRQ_CFG2_SH_SHIFT | memattr);
}

/* A transaction on StreamID 3, whose STE is invalid (V = 0): aborted with C_BAD_STE. */
static void bad_ste_dma(test_ctx_t *t)
{
    dma_txn_t x = txn(3, 0x1000);
    uint64_t d = 0;
    dma_result_t r = dma_read(t->sim, &x, &d);
    CHECK(r.resp != 0, "the transaction on an invalid STE aborts");
}

static uint64_t cmd_sync_dw0(unsigned cs, uint32_t data, unsigned msh, unsigned attr)
{
    return CMD_OP_CMD_SYNC | (uint64_t)cs << CMD_CS_SHIFT | (uint64_t)msh << CMD_MSH_SHIFT |
           (uint64_t)attr << CMD_MSIATTR_SHIFT | (uint64_t)data << CMD_MSIDATA_SHIFT;
}

/* Acknowledge every active global error. */
static uint32_t gerror_ack(test_ctx_t *t)
{
    uint32_t g = sim_reg_read32(t->sim, SMMU_GERROR), gn = sim_reg_read32(t->sim, SMMU_GERRORN);
    sim_reg_write32(t->sim, SMMU_GERRORN, g);
    return g ^ gn;
}

TEST(msi_regs)
{
    const sim_params_t *p = sim_params(t->sim);
    uint64_t pam = p->pa_bits >= 64 ? ~0ull : (1ull << p->pa_bits) - 1;
    uint64_t amask = p->msi ? SMMU_GERROR_IRQ_CFG0_ADDR_MASK & pam : 0;
    uint32_t dmask = p->msi ? 0xffffffffu : 0, tmask = p->msi ? 0x3fu : 0;
    static const struct { uint32_t c0, c1, c2, en; const char *name; } src[2] = {
        {SMMU_EVENTQ_IRQ_CFG0, SMMU_EVENTQ_IRQ_CFG1, SMMU_EVENTQ_IRQ_CFG2,
         SMMU_IRQ_CTRL_EVENTQ_IRQEN_MASK, "EVENTQ"},
        {SMMU_GERROR_IRQ_CFG0, SMMU_GERROR_IRQ_CFG1, SMMU_GERROR_IRQ_CFG2,
         SMMU_IRQ_CTRL_GERROR_IRQEN_MASK, "GERROR"},
    };

    CHECK_EQ((sim_reg_read32(t->sim, SMMU_IDR0) & SMMU_IDR0_MSI_MASK) != 0, p->msi != 0);
    for (unsigned i = 0; i < 2; i++) {
        /* writable fields while the source is disabled; RES0 without MSI (6.3.1) */
        sim_reg_write64(t->sim, src[i].c0, ~0ull);
        sim_reg_write32(t->sim, src[i].c1, ~0u);
        sim_reg_write32(t->sim, src[i].c2, ~0u);
        CHECK(sim_reg_read64(t->sim, src[i].c0) == amask, "%s_IRQ_CFG0 0x%" PRIx64, src[i].name,
              sim_reg_read64(t->sim, src[i].c0));
        CHECK_EQ(sim_reg_read32(t->sim, src[i].c1), dmask);
        CHECK_EQ(sim_reg_read32(t->sim, src[i].c2), tmask);
        /* 32-bit halves of CFG0 */
        sim_reg_write32(t->sim, src[i].c0, 0x1234);
        sim_reg_write32(t->sim, src[i].c0 + 4, 0);
        CHECK_EQ(sim_reg_read64(t->sim, src[i].c0), 0x1234u & amask);
        /* Guarded: IGNORED while IRQEN or its ACK is 1 (6.3.21) */
        irq_ctrl(t, src[i].en);
        sim_reg_write64(t->sim, src[i].c0, 0x4000);
        sim_reg_write32(t->sim, src[i].c1, 0x55);
        sim_reg_write32(t->sim, src[i].c2, 0x1);
        CHECK_EQ(sim_reg_read64(t->sim, src[i].c0), 0x1234u & amask);
        CHECK_EQ(sim_reg_read32(t->sim, src[i].c1), dmask);
        CHECK_EQ(sim_reg_read32(t->sim, src[i].c2), tmask);
        irq_ctrl(t, 0);
        sim_reg_write32(t->sim, src[i].c1, 0x55);
        CHECK_EQ(sim_reg_read32(t->sim, src[i].c1), 0x55u & dmask);
    }
    /* GERRORN's MSI abort bits exist with MSI (6.3.20) */
    uint32_t msi_bits = SMMU_GERRORN_MSI_GERROR_ABT_ERR_MASK | SMMU_GERRORN_MSI_EVENTQ_ABT_ERR_MASK |
                        SMMU_GERRORN_MSI_CMDQ_ABT_ERR_MASK;
    sim_reg_write32(t->sim, SMMU_GERRORN, msi_bits);
    CHECK_EQ(sim_reg_read32(t->sim, SMMU_GERRORN), p->msi ? msi_bits : 0u);
    sim_reg_write32(t->sim, SMMU_GERRORN, 0);
}

/* The event-queue MSI: sent when the queue goes non-empty with EVENTQ_IRQEN and ADDR !=
 * 0, after the record's write response, with the programmed data and attributes. */
TEST(msi_eventq)
{
    fx_t *f = fx_up(t, 0);
    bool msi = have_msi(t);
    static const struct { unsigned memattr, sh; } attrs[] = {
        {0x1, 0}, {0x0, 3}, {0xf, 3}, {0xf, 2}, {0xf, 0}, {0x5, 3}, {0xa, 3}, {0x8, 3}, {0x3, 2},
    };

    /* enabled, each attribute */
    for (unsigned i = 0; i < sizeof attrs / sizeof attrs[0]; i++) {
        uint64_t tgt = TGT_EVQ + 8 * i;
        msi_cfg(t, false, tgt, EVQ_DATA + i, attrs[i].memattr, attrs[i].sh);
        irq_ctrl(t, SMMU_IRQ_CTRL_EVENTQ_IRQEN_MASK);
        size_t mark = mem_addr_log_count(t->sim, MEM_PORT_TBL);
        uint64_t w0 = sim_irq_count(t->sim, SIM_IRQ_EVENTQ);
        bad_ste_dma(t);
        if (msi) {
            REQUIRE(wait_word(t, tgt, 2000), "the event-queue MSI arrives (attr 0x%x)",
                    attrs[i].memattr);
            /* the record is visible to PROD when the MSI is (3.18, 3.5.2) */
            uint32_t prod = sim_reg_read32(t->sim, SMMU_EVENTQ_PROD) & ((2u << EVTQ_LOG2) - 1);
            CHECK(prod != f->evq_cons, "PROD covers the record once the MSI is visible");
        }
        uint64_t d[4];
        CHECK(evt_next(f, d) && (d[0] & 0xff) == EVT_C_BAD_STE, "the record");
        CHECK_EQ(sim_irq_count(t->sim, SIM_IRQ_EVENTQ), w0 + 1); /* wired stays */
        const mem_addr_log_t *m = msi_write(t, mark, 0);
        const mem_addr_log_t *rec = record_write(t, mark);
        CHECK_EQ(msi_count(t, mark), msi ? 1u : 0u);
        if (!msi || !m || !rec)
            continue;
        uint8_t c, dom;
        smmu_model_msi_attr(attrs[i].memattr, attrs[i].sh, &c, &dom);
        test_log(t, "MemAttr 0x%x SH %u: AW cycle %" PRIu64 " (record B %" PRIu64 ") cache 0x%x "
                 "domain %u, model 0x%x %u", attrs[i].memattr, attrs[i].sh, m->cycle, rec->done,
                 m->cache, m->domain, c, dom);
        CHECK(m->addr == tgt && m->len == 0 && m->size == 2 && m->burst == 1,
              "MSI write: addr 0x%" PRIx64 " len %u size %u", m->addr, m->len, m->size);
        CHECK(m->cache == c && m->domain == dom, "MSI attributes 0x%x/%u, model 0x%x/%u",
              m->cache, m->domain, c, dom);
        CHECK(rec->done != 0 && m->cycle > rec->done,
              "the MSI (AW at %" PRIu64 ") follows the record's response (%" PRIu64 ")",
              m->cycle, rec->done);
        CHECK_EQ(rd_mem32(t, tgt), EVQ_DATA + i);
        CHECK_EQ(rd_mem32(t, tgt + 4), 0); /* only the addressed word */
        irq_ctrl(t, 0);
    }

    /* not while disabled; not with ADDR = 0 (the wired interrupt alone) */
    for (unsigned k = 0; k < 2; k++) {
        size_t mark = mem_addr_log_count(t->sim, MEM_PORT_TBL);
        uint64_t w0 = sim_irq_count(t->sim, SIM_IRQ_EVENTQ);
        msi_cfg(t, false, k ? 0 : TGT_EVQ + 0x80, EVQ_DATA, 0x1, 0);
        irq_ctrl(t, k ? SMMU_IRQ_CTRL_EVENTQ_IRQEN_MASK : 0);
        bad_ste_dma(t);
        uint64_t d[4];
        CHECK(evt_next(f, d), "the record");
        sim_step(t->sim, 100);
        CHECK_EQ(msi_count(t, mark), 0);
        CHECK_EQ(sim_irq_count(t->sim, SIM_IRQ_EVENTQ), w0 + k);
        irq_ctrl(t, 0);
    }

    /* a record into a non-empty queue sends none (3.18.2: empty -> non-empty) */
    msi_cfg(t, false, TGT_EVQ + 0x90, EVQ_DATA, 0x1, 0);
    irq_ctrl(t, SMMU_IRQ_CTRL_EVENTQ_IRQEN_MASK);
    size_t mark = mem_addr_log_count(t->sim, MEM_PORT_TBL);
    bad_ste_dma(t);
    bad_ste_dma(t);
    sim_step(t->sim, 100);
    CHECK_EQ(msi_count(t, mark), msi ? 1u : 0u);
    uint64_t d[4];
    CHECK(evt_next(f, d) && evt_next(f, d), "two records");
}

/* The GERROR MSI: sent when a global error activates with GERROR_IRQEN, after GERROR
 * shows it. */
TEST(msi_gerror)
{
    fx_t *f = fx_up(t, 0);
    bool msi = have_msi(t);

    for (unsigned en = 0; en < 2; en++) {
        msi_cfg(t, true, TGT_GERR, GERR_DATA, 0xf, 3);
        irq_ctrl(t, en ? SMMU_IRQ_CTRL_GERROR_IRQEN_MASK : 0);
        size_t mark = mem_addr_log_count(t->sim, MEM_PORT_TBL);
        uint64_t w0 = sim_irq_count(t->sim, SIM_IRQ_GERROR);
        cmd_put(f, 0xff, 0); /* not an opcode: CERROR_ILL, GERROR.CMDQ_ERR */
        cmd_kick(f);
        if (msi && en) {
            REQUIRE(wait_word(t, TGT_GERR, 2000), "the GERROR MSI arrives");
            uint32_t g = sim_reg_read32(t->sim, SMMU_GERROR) ^ sim_reg_read32(t->sim, SMMU_GERRORN);
            CHECK(g & SMMU_GERROR_CMDQ_ERR_MASK, "GERROR shows the error once the MSI is visible");
            CHECK_EQ(rd_mem32(t, TGT_GERR), GERR_DATA);
            wr_mem32(t, TGT_GERR, 0);
        } else {
            sim_step(t->sim, 200);
        }
        CHECK_EQ(msi_count(t, mark), msi && en ? 1u : 0u);
        CHECK_EQ(sim_irq_count(t->sim, SIM_IRQ_GERROR), w0 + en);
        /* recover: the bad slot becomes a CMD_SYNC, acknowledge */
        uint32_t idx = (f->cmd_prod - 1) & ((1u << CMDQ_LOG2) - 1);
        mem_write64(t->sim, CMDQ_PA + 16ull * idx, CMD_OP_CMD_SYNC);
        CHECK_EQ(gerror_ack(t), SMMU_GERROR_CMDQ_ERR_MASK);
        CHECK(cmd_wait(f), "the queue resumes");
        irq_ctrl(t, 0);
    }
}

/* CMD_SYNC with CS = SIG_IRQ and MSIAddress != 0 writes MSIData there once it has
 * completed and CONS has passed it; CS = NONE / SEV or MSIAddress = 0 send none. */
TEST(msi_cmd_sync)
{
    fx_t *f = fx_up(t, 0);
    bool msi = have_msi(t);
    const sim_params_t *p = sim_params(t->sim);
    static const struct { unsigned cs; uint64_t addr; unsigned msh, attr; bool sends; } c[] = {
        {1, TGT_SYNC, 3, 0xf, true},  {1, TGT_SYNC, 0, 0x1, true}, {1, TGT_SYNC, 2, 0x5, true},
        {0, TGT_SYNC, 3, 0xf, false}, {2, TGT_SYNC, 3, 0xf, false}, {1, 0, 3, 0xf, false},
    };

    for (unsigned i = 0; i < sizeof c / sizeof c[0]; i++) {
        size_t mark = mem_addr_log_count(t->sim, MEM_PORT_TBL);
        uint64_t w0 = sim_irq_count(t->sim, SIM_IRQ_CMD_SYNC);
        uint32_t data = 0xc0de0000u + i;
        cmd_put(f, cmd_sync_dw0(c[i].cs, data, c[i].msh, c[i].attr), c[i].addr);
        uint32_t after = f->cmd_prod;
        cmd_kick(f);
        bool sends = msi && c[i].sends;
        if (sends) {
            REQUIRE(wait_word(t, TGT_SYNC, 2000), "CMD_SYNC %u: the MSI arrives", i);
            /* its consumption is observable once the MSI is (4.7.3) */
            CHECK_EQ(sim_reg_read32(t->sim, SMMU_CMDQ_CONS) & SMMU_CMDQ_CONS_RD_MASK, after);
            CHECK_EQ(rd_mem32(t, TGT_SYNC), data);
            wr_mem32(t, TGT_SYNC, 0);
        }
        CHECK(cmd_wait(f), "consumed");
        sim_step(t->sim, 50);
        CHECK_EQ(msi_count(t, mark), sends ? 1u : 0u);
        /* the wired interrupt whatever MSIAddress says (4.7.3) */
        CHECK_EQ(sim_irq_count(t->sim, SIM_IRQ_CMD_SYNC), w0 + (c[i].cs == 1));
        const mem_addr_log_t *m = msi_write(t, mark, 0);
        if (sends && m) {
            uint8_t ca, dom;
            smmu_model_msi_attr(c[i].attr, c[i].msh, &ca, &dom);
            CHECK(m->addr == c[i].addr && m->size == 2 && m->len == 0, "addr 0x%" PRIx64,
                  m->addr);
            CHECK(m->cache == ca && m->domain == dom, "MSH %u MSIAttr 0x%x: 0x%x/%u, model 0x%x/%u",
                  c[i].msh, c[i].attr, m->cache, m->domain, ca, dom);
        }
    }

    /* MSIAddress bits at and above the OAS: non-zero, so an MSI, truncated (4.7.3) */
    if (msi && p->pa_bits < 56) {
        size_t mark = mem_addr_log_count(t->sim, MEM_PORT_TBL);
        cmd_put(f, cmd_sync_dw0(1, 0x77, 3, 0xf), TGT_SYNC | 1ull << p->pa_bits);
        cmd_kick(f);
        CHECK(wait_word(t, TGT_SYNC, 2000), "the MSI of a truncated address arrives");
        CHECK(cmd_wait(f), "consumed");
        const mem_addr_log_t *m = msi_write(t, mark, 0);
        CHECK(m && m->addr == TGT_SYNC, "written at the OAS-truncated address");
        wr_mem32(t, TGT_SYNC, 0);
        /* only bits above the OAS: still non-zero, an MSI to address 0 after truncation */
        mark = mem_addr_log_count(t->sim, MEM_PORT_TBL);
        cmd_put(f, cmd_sync_dw0(1, 0x78, 3, 0xf), 1ull << p->pa_bits);
        cmd_kick(f);
        CHECK(cmd_wait(f), "consumed");
        sim_step(t->sim, 50);
        m = msi_write(t, mark, 0);
        CHECK(m && m->addr == 0, "the whole field is checked for zero, then truncated");
        CHECK_EQ(gerror_ack(t), 0);
    }
}

/* Many CMD_SYNCs queued at once, each with an MSI into its own queue slot (as a driver's
 * MSI polling does), behind invalidations and a terminated transaction: each MSI follows
 * the earlier CMD_SYNC's MSI response (4.7.3) and the terminated transaction's record. */
TEST(msi_sync_many)
{
    fx_t *f = fx_up(t, 0);
    bool msi = have_msi(t);
    const unsigned n = 24; /* more than the 32-entry queue holds at once with the TLBIs */
    mem_set_port_timing(t->sim, MEM_PORT_TBL, 2, 12, 20);

    size_t mark = mem_addr_log_count(t->sim, MEM_PORT_TBL);
    bad_ste_dma(t); /* a record written before the first CMD_SYNC's completion */
    uint32_t slots[32];
    unsigned queued = 0;
    while (queued < n) {
        unsigned batch = 0;
        while (batch < 4 && queued < n) {
            cmd_put(f, CMD_OP_TLBI_NSNH_ALL, 0);
            uint32_t idx = f->cmd_prod & ((1u << CMDQ_LOG2) - 1);
            uint64_t slot_pa = CMDQ_PA + 16ull * idx;
            cmd_put(f, cmd_sync_dw0(1, 0, 3, 0xf), slot_pa); /* MSIData 0 into its slot */
            slots[queued % 32] = idx;
            queued++;
            batch++;
        }
        cmd_kick(f);
        CHECK(cmd_wait(f), "batch consumed");
        sim_step(t->sim, 40); /* the last CMD_SYNC's MSI follows CONS */
        /* each CMD_SYNC's slot's first word is 0 once its MSI landed (the command's before) */
        for (unsigned k = queued - batch; k < queued; k++) {
            uint32_t w = rd_mem32(t, CMDQ_PA + 16ull * slots[k % 32]);
            /* without MSIs the word keeps the command's dword 0 (opcode, CS, MSH, MSIAttr) */
            uint32_t unchanged = (uint32_t)cmd_sync_dw0(1, 0, 3, 0xf);
            CHECK(msi ? w == 0 : w == unchanged, "CMD_SYNC %u's slot word 0x%x", k, w);
        }
    }
    sim_step(t->sim, 200);
    unsigned got = msi_count(t, mark);
    CHECK_EQ(got, msi ? n : 0u);
    const mem_addr_log_t *rec = record_write(t, mark);
    uint64_t prev_done = rec ? rec->done : 0;
    CHECK(rec != NULL, "the terminated transaction's record");
    for (unsigned k = 0; k < got; k++) {
        const mem_addr_log_t *m = msi_write(t, mark, k);
        CHECK(m->cycle > prev_done && m->resp == 0,
              "MSI %u (AW %" PRIu64 ") after the previous MSI's / the record's response (%" PRIu64 ")",
              k, m->cycle, prev_done);
        prev_done = m->done;
    }
    test_log(t, "%u CMD_SYNCs, %u MSIs in order", n, got);
}

/* An MSI write that gets an error response: the matching GERROR.MSI_*_ABT_ERR activates
 * (7.5), nothing hangs, the MSIs after it are sent. GERROR's own MSI abort raises no
 * interrupt (wired or MSI: it would loop). */
TEST(msi_aborts)
{
    fx_t *f = fx_up(t, 0);
    if (!have_msi(t)) {
        CHECK_EQ(sim_reg_read32(t->sim, SMMU_IDR0) & SMMU_IDR0_MSI_MASK, 0);
        return;
    }
    REQUIRE(mem_add_error_range(t->sim, 0x7ff10000ull, 0x1000, MEM_ERR_WRITE) == 0, "range");
    uint64_t bad = 0x7ff10040ull;

    /* event queue */
    msi_cfg(t, false, bad, EVQ_DATA, 0x1, 0);
    msi_cfg(t, true, TGT_GERR, GERR_DATA, 0x1, 0);
    irq_ctrl(t, SMMU_IRQ_CTRL_EVENTQ_IRQEN_MASK | SMMU_IRQ_CTRL_GERROR_IRQEN_MASK);
    uint64_t g0 = sim_irq_count(t->sim, SIM_IRQ_GERROR);
    bad_ste_dma(t);
    uint64_t d[4];
    CHECK(evt_next(f, d), "the record is written");
    CHECK(wait_word(t, TGT_GERR, 2000), "the abort is signalled by the GERROR MSI");
    wr_mem32(t, TGT_GERR, 0);
    CHECK_EQ(gerror_ack(t), SMMU_GERROR_MSI_EVENTQ_ABT_ERR_MASK);
    CHECK_EQ(sim_irq_count(t->sim, SIM_IRQ_GERROR), g0 + 1);
    /* the next event's MSI goes out normally */
    irq_ctrl(t, SMMU_IRQ_CTRL_GERROR_IRQEN_MASK);
    msi_cfg(t, false, TGT_EVQ, EVQ_DATA, 0x1, 0);
    irq_ctrl(t, SMMU_IRQ_CTRL_EVENTQ_IRQEN_MASK | SMMU_IRQ_CTRL_GERROR_IRQEN_MASK);
    bad_ste_dma(t);
    CHECK(wait_word(t, TGT_EVQ, 2000), "later event MSIs are sent");
    CHECK(evt_next(f, d), "record");
    wr_mem32(t, TGT_EVQ, 0);

    /* CMD_SYNC: the queue goes on */
    g0 = sim_irq_count(t->sim, SIM_IRQ_GERROR);
    cmd_put(f, cmd_sync_dw0(1, 0x99, 0, 0x1), bad);
    cmd_put(f, CMD_OP_TLBI_NSNH_ALL, 0);
    cmd_put(f, cmd_sync_dw0(1, 0x9a, 0, 0x1), TGT_SYNC);
    cmd_kick(f);
    CHECK(cmd_wait(f), "the commands after an aborted CMD_SYNC MSI are consumed");
    CHECK(wait_word(t, TGT_SYNC, 2000), "the next CMD_SYNC MSI arrives");
    CHECK_EQ(rd_mem32(t, TGT_SYNC), 0x9a);
    wr_mem32(t, TGT_SYNC, 0);
    CHECK(wait_word(t, TGT_GERR, 2000), "signalled by the GERROR MSI");
    wr_mem32(t, TGT_GERR, 0);
    CHECK_EQ(gerror_ack(t), SMMU_GERROR_MSI_CMDQ_ABT_ERR_MASK);
    CHECK_EQ(sim_irq_count(t->sim, SIM_IRQ_GERROR), g0 + 1);

    /* GERROR's own MSI: MSI_GERROR_ABT_ERR, no further interrupt of any kind */
    irq_ctrl(t, 0);
    msi_cfg(t, true, bad, GERR_DATA, 0x1, 0);
    irq_ctrl(t, SMMU_IRQ_CTRL_GERROR_IRQEN_MASK);
    g0 = sim_irq_count(t->sim, SIM_IRQ_GERROR);
    size_t mark = mem_addr_log_count(t->sim, MEM_PORT_TBL);
    cmd_put(f, 0xff, 0);
    cmd_kick(f);
    sim_step(t->sim, 300);
    uint32_t act = sim_reg_read32(t->sim, SMMU_GERROR) ^ sim_reg_read32(t->sim, SMMU_GERRORN);
    CHECK_EQ(act, SMMU_GERROR_CMDQ_ERR_MASK | SMMU_GERROR_MSI_GERROR_ABT_ERR_MASK);
    CHECK_EQ(sim_irq_count(t->sim, SIM_IRQ_GERROR), g0 + 1);
    CHECK_EQ(msi_count(t, mark), 1u);
    uint32_t idx = (f->cmd_prod - 1) & ((1u << CMDQ_LOG2) - 1);
    mem_write64(t->sim, CMDQ_PA + 16ull * idx, CMD_OP_CMD_SYNC);
    gerror_ack(t);
    CHECK(cmd_wait(f), "recovered");
}

/* Disabling a source while its MSI is in flight: IRQ_CTRLACK follows only once the MSI
 * has completed (6.3.16, 3.18.1); after that no MSI of the source is sent. */
TEST(msi_disable_completes)
{
    fx_t *f = fx_up(t, 0);
    if (!have_msi(t)) {
        CHECK_EQ(sim_reg_read64(t->sim, SMMU_EVENTQ_IRQ_CFG0), 0);
        return;
    }
    msi_cfg(t, false, TGT_EVQ, EVQ_DATA, 0x1, 0);
    irq_ctrl(t, SMMU_IRQ_CTRL_EVENTQ_IRQEN_MASK);
    mem_set_port_timing(t->sim, MEM_PORT_TBL, 300, 300, 0);
    size_t mark = mem_addr_log_count(t->sim, MEM_PORT_TBL);
    bad_ste_dma(t);
    /* wait for the MSI's address handshake, then disable */
    const mem_addr_log_t *m = NULL;
    for (unsigned i = 0; i < 2000 && !(m = msi_write(t, mark, 0)); i++)
        sim_step(t->sim, 1);
    REQUIRE(m != NULL, "the MSI started");
    sim_reg_write32(t->sim, SMMU_IRQ_CTRL, 0);
    unsigned reads = 0;
    while (sim_reg_read32(t->sim, SMMU_IRQ_CTRLACK) & SMMU_IRQ_CTRLACK_EVENTQ_IRQEN_MASK) {
        REQUIRE(++reads < 1000, "IRQ_CTRLACK never falls");
    }
    m = msi_write(t, mark, 0);
    CHECK(m->done != 0 && m->done < sim_cycles(t->sim),
          "the ACK fell after the MSI's response (done %" PRIu64 ", now %" PRIu64 ")", m->done,
          sim_cycles(t->sim));
    CHECK(reads > 5, "the ACK waited (%u reads)", reads);
    mem_set_port_timing(t->sim, MEM_PORT_TBL, 2, 2, 0);
    uint64_t d[4];
    CHECK(evt_next(f, d), "record");
    mark = mem_addr_log_count(t->sim, MEM_PORT_TBL);
    bad_ste_dma(t);
    CHECK(evt_next(f, d), "record");
    sim_step(t->sim, 100);
    CHECK_EQ(msi_count(t, mark), 0);
}

/* MSI writes in the fault-injection matrix: each MSI kind (event queue, GERROR, CMD_SYNC)
 * whose target answers SLVERR, DECERR, or stalls for a long time. An error sets the
 * kind's GERROR.MSI_*_ABT_ERR (7.5) and writes nothing, the rest of the SMMU goes on
 * (the record is in the queue, the commands after the CMD_SYNC are consumed), and once
 * acknowledged the next MSI of the kind arrives; a stall delays the MSI and sets no
 * error. Prints `msi fault injection: N cases, W wrong outcomes, H hangs`. */
#define MSI_BAD_BASE 0x7ff10000ull
#define MSI_BAD      0x7ff10040ull
#define MSI_STALL    3000u

enum { MK_EVQ, MK_GERR, MK_SYNC, MK_N };
enum { MM_SLVERR, MM_DECERR, MM_STALL, MM_N };

typedef struct {
    unsigned cases, wrong, hangs;
    bool wrong_now;
} mfi_t;

#define MFI_EXPECT(ty, cond, ...)                                                              \
    do {                                                                                       \
        bool mfi_ok_ = (cond); /* once: the conditions read queues and memory */             \
        CHECK(mfi_ok_, __VA_ARGS__);                                                           \
        if (!mfi_ok_)                                                                          \
            (ty)->wrong_now = true;                                                            \
    } while (0)

static uint32_t gerror_active_bits(test_ctx_t *t)
{
    return sim_reg_read32(t->sim, SMMU_GERROR) ^ sim_reg_read32(t->sim, SMMU_GERRORN);
}

/* Wait until the active global errors include `bits`, at most `max` cycles. */
static bool gerror_wait(test_ctx_t *t, uint32_t bits, unsigned max)
{
    uint64_t c0 = sim_cycles(t->sim);
    while ((gerror_active_bits(t) & bits) != bits)
        if (sim_cycles(t->sim) - c0 > max)
            return false;
    return true;
}

/* IRQ_CTRL written; its ACK follows once the sources' MSIs have completed (a stalled one
 * holds it): false if not within `max` cycles. */
static bool irq_ctrl_within(test_ctx_t *t, uint32_t v, unsigned max)
{
    sim_reg_write32(t->sim, SMMU_IRQ_CTRL, v);
    uint64_t c0 = sim_cycles(t->sim);
    while ((sim_reg_read32(t->sim, SMMU_IRQ_CTRLACK) & 0x7u) != v)
        if (sim_cycles(t->sim) - c0 > max)
            return false;
    return true;
}

static void mfi_inject(test_ctx_t *t, int mode)
{
    if (mode == MM_STALL)
        REQUIRE(mem_add_stall_range(t->sim, MSI_BAD_BASE, 0x1000, MEM_ERR_WRITE, MSI_STALL) == 0,
                "stall range");
    else
        REQUIRE(mem_add_error_range_resp(t->sim, MSI_BAD_BASE, 0x1000, MEM_ERR_WRITE,
                                         mode == MM_SLVERR ? 2 : 3) == 0, "error range");
}

static void mfi_case(test_ctx_t *t, fx_t *f, mfi_t *ty, int kind, int mode)
{
    const bool abort = mode != MM_STALL;
    const unsigned bound = MSI_STALL + 4000;
    uint64_t d[4];
    ty->wrong_now = false;
    wr_mem32(t, MSI_BAD, 0);
    mem_clear_error_ranges(t->sim);
    mfi_inject(t, mode);
    if (kind == MK_EVQ) {
        irq_ctrl(t, 0);
        msi_cfg(t, false, MSI_BAD, EVQ_DATA, 0x1, 0);
        msi_cfg(t, true, TGT_GERR, GERR_DATA, 0x1, 0);
        irq_ctrl(t, SMMU_IRQ_CTRL_EVENTQ_IRQEN_MASK | SMMU_IRQ_CTRL_GERROR_IRQEN_MASK);
        bad_ste_dma(t);
        MFI_EXPECT(ty, evt_next(f, d), "the record is in the queue");
        if (abort) {
            if (!gerror_wait(t, SMMU_GERROR_MSI_EVENTQ_ABT_ERR_MASK, bound)) {
                ty->hangs++;
                return;
            }
            MFI_EXPECT(ty, wait_word(t, TGT_GERR, 2000), "the abort is signalled by the GERROR MSI");
            wr_mem32(t, TGT_GERR, 0);
        } else {
            if (!wait_word(t, MSI_BAD, bound)) {
                ty->hangs++;
                return;
            }
            MFI_EXPECT(ty, rd_mem32(t, MSI_BAD) == EVQ_DATA, "the stalled MSI's data");
        }
    } else if (kind == MK_GERR) {
        irq_ctrl(t, 0);
        msi_cfg(t, true, MSI_BAD, GERR_DATA, 0x1, 0);
        irq_ctrl(t, SMMU_IRQ_CTRL_GERROR_IRQEN_MASK);
        cmd_put(f, 0xff, 0); /* CERROR_ILL: a global error to signal */
        cmd_kick(f);
        uint32_t want = SMMU_GERROR_CMDQ_ERR_MASK | (abort ? SMMU_GERROR_MSI_GERROR_ABT_ERR_MASK : 0);
        if (!gerror_wait(t, want, bound) || (!abort && !wait_word(t, MSI_BAD, bound))) {
            ty->hangs++;
            return;
        }
        MFI_EXPECT(ty, gerror_active_bits(t) == want, "active global errors 0x%x, want 0x%x",
                   gerror_active_bits(t), want);
        if (!abort)
            MFI_EXPECT(ty, rd_mem32(t, MSI_BAD) == GERR_DATA, "the stalled MSI's data");
        /* recover: the illegal command becomes a CMD_SYNC, the error acknowledged */
        uint32_t idx = (f->cmd_prod - 1) & ((1u << CMDQ_LOG2) - 1);
        mem_write64(t->sim, CMDQ_PA + 16ull * idx, CMD_OP_CMD_SYNC);
        mem_write64(t->sim, CMDQ_PA + 16ull * idx + 8, 0);
        gerror_ack(t);
        if (!cmd_wait(f)) {
            ty->hangs++;
            return;
        }
    } else {
        irq_ctrl(t, 0);
        msi_cfg(t, true, TGT_GERR, GERR_DATA, 0x1, 0);
        irq_ctrl(t, SMMU_IRQ_CTRL_GERROR_IRQEN_MASK);
        cmd_put(f, cmd_sync_dw0(1, 0x99, 0, 0x1), MSI_BAD);
        cmd_put(f, CMD_OP_TLBI_NSNH_ALL, 0);
        cmd_put(f, cmd_sync_dw0(1, 0x9a, 0, 0x1), TGT_SYNC);
        cmd_kick(f);
        if (!wait_word(t, TGT_SYNC, bound) || !cmd_wait(f)) {
            ty->hangs++;
            return;
        }
        MFI_EXPECT(ty, rd_mem32(t, TGT_SYNC) == 0x9a, "the next CMD_SYNC's MSI");
        wr_mem32(t, TGT_SYNC, 0);
        if (abort) {
            if (!gerror_wait(t, SMMU_GERROR_MSI_CMDQ_ABT_ERR_MASK, bound)) {
                ty->hangs++;
                return;
            }
            MFI_EXPECT(ty, wait_word(t, TGT_GERR, 2000), "the abort is signalled by the GERROR MSI");
            wr_mem32(t, TGT_GERR, 0);
        } else {
            MFI_EXPECT(ty, rd_mem32(t, MSI_BAD) == 0x99, "the stalled CMD_SYNC MSI's data");
        }
    }
    if (abort)
        MFI_EXPECT(ty, rd_mem32(t, MSI_BAD) == 0, "an aborted MSI wrote nothing");
    uint32_t act = gerror_ack(t);
    uint32_t want = kind == MK_GERR ? 0
                    : !abort        ? 0
                    : kind == MK_EVQ ? SMMU_GERROR_MSI_EVENTQ_ABT_ERR_MASK
                                     : SMMU_GERROR_MSI_CMDQ_ABT_ERR_MASK;
    if (kind != MK_GERR)
        MFI_EXPECT(ty, act == want, "active global errors 0x%x, want 0x%x", act, want);
    /* the fault gone: the next MSI of the kind arrives at a good address */
    mem_clear_error_ranges(t->sim);
    wr_mem32(t, TGT_EVQ, 0);
    wr_mem32(t, TGT_GERR, 0);
    if (!irq_ctrl_within(t, 0, bound)) {
        ty->hangs++;
        return;
    }
    if (kind == MK_EVQ) {
        msi_cfg(t, false, TGT_EVQ, EVQ_DATA, 0x1, 0);
        irq_ctrl(t, SMMU_IRQ_CTRL_EVENTQ_IRQEN_MASK);
        bad_ste_dma(t);
        MFI_EXPECT(ty, wait_word(t, TGT_EVQ, 2000), "a later event-queue MSI arrives");
        MFI_EXPECT(ty, evt_next(f, d), "its record");
    } else if (kind == MK_GERR) {
        msi_cfg(t, true, TGT_GERR, GERR_DATA, 0x1, 0);
        irq_ctrl(t, SMMU_IRQ_CTRL_GERROR_IRQEN_MASK);
        cmd_put(f, 0xff, 0);
        cmd_kick(f);
        MFI_EXPECT(ty, wait_word(t, TGT_GERR, bound), "a later GERROR MSI arrives");
        uint32_t idx = (f->cmd_prod - 1) & ((1u << CMDQ_LOG2) - 1);
        mem_write64(t->sim, CMDQ_PA + 16ull * idx, CMD_OP_CMD_SYNC);
        mem_write64(t->sim, CMDQ_PA + 16ull * idx + 8, 0);
        gerror_ack(t);
        MFI_EXPECT(ty, cmd_wait(f), "the queue recovers");
    } else {
        cmd_put(f, cmd_sync_dw0(1, 0x9b, 0, 0x1), TGT_SYNC);
        cmd_kick(f);
        MFI_EXPECT(ty, cmd_wait(f) && wait_word(t, TGT_SYNC, 2000) && rd_mem32(t, TGT_SYNC) == 0x9b,
                   "a later CMD_SYNC MSI arrives");
    }
    wr_mem32(t, TGT_EVQ, 0);
    wr_mem32(t, TGT_GERR, 0);
    wr_mem32(t, TGT_SYNC, 0);
    irq_ctrl(t, 0);
    MFI_EXPECT(ty, gerror_active_bits(t) == 0, "no global error left: 0x%x", gerror_active_bits(t));
    ty->wrong += ty->wrong_now;
}

TEST(msi_fault_injection)
{
    fx_t *f = fx_up(t, 0);
    if (!have_msi(t)) {
        CHECK_EQ(sim_reg_read32(t->sim, SMMU_IDR0) & SMMU_IDR0_MSI_MASK, 0);
        return;
    }
    static const char *kn[MK_N] = {"event-queue MSI", "GERROR MSI", "CMD_SYNC MSI"};
    static const char *mn[MM_N] = {"SLVERR", "DECERR", "stall"};
    mfi_t ty = {0};
    for (int k = 0; k < MK_N && !ty.hangs; k++)
        for (int m = 0; m < MM_N && !ty.hangs; m++) { /* after a hang the state is unknown */
            ty.cases++;
            mfi_case(t, f, &ty, k, m);
            test_log(t, "%-16s x %-6s: %s", kn[k], mn[m],
                     ty.hangs ? "HANG" : ty.wrong_now ? "WRONG" : "ok");
        }
    test_log(t, "msi fault injection: %u cases, %u wrong outcomes, %u hangs", ty.cases, ty.wrong,
             ty.hangs);
    CHECK(ty.wrong == 0 && ty.hangs == 0, "msi fault injection: %u wrong, %u hangs", ty.wrong,
          ty.hangs);
}
