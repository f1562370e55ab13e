/*
 * Command-queue errors (IHI 0070 4.1.3, 7.1, 7.5): the GERROR/GERRORN handshake under a
 * racing acknowledgement, and the commands the SMMU must refuse with CERROR_ILL.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>

#include "smmu/smmu_regs.h"
#include "test.h"

#define ACK_POLLS 100u
#define Q_PA      0x00400000ull /* a 16-entry command queue */
#define Q_LOG2    4u
#define OP_BAD    0x7fu /* a Reserved opcode (4.1.1): CERROR_ILL */

static void q_put(sim_t *s, unsigned idx, uint64_t dw0, uint64_t dw1)
{
    mem_write64(s, Q_PA + 16ull * idx, dw0);
    mem_write64(s, Q_PA + 16ull * idx + 8, dw1);
}

/* The command queue alone (SMMUEN = 0), with the GERROR interrupt on. */
static void q_up(test_ctx_t *t, sim_t *s)
{
    sim_reg_write32(s, SMMU_IRQ_CTRL, SMMU_IRQ_CTRL_GERROR_IRQEN_MASK);
    REQUIRE(sim_reg_poll32(s, SMMU_IRQ_CTRLACK, 0xffffffffu, SMMU_IRQ_CTRL_GERROR_IRQEN_MASK,
                           ACK_POLLS), "IRQ_CTRLACK");
    sim_reg_write64(s, SMMU_CMDQ_BASE, Q_PA | Q_LOG2);
    sim_reg_write32(s, SMMU_CMDQ_PROD, 0);
    sim_reg_write32(s, SMMU_CMDQ_CONS, 0);
    sim_reg_write32(s, SMMU_CR0, SMMU_CR0_CMDQEN_MASK);
    REQUIRE(sim_reg_poll32(s, SMMU_CR0ACK, SMMU_CR0_CMDQEN_MASK, SMMU_CR0_CMDQEN_MASK, ACK_POLLS),
            "CR0ACK.CMDQEN");
}

static uint32_t cmdq_active(sim_t *s)
{
    return (sim_reg_read32(s, SMMU_GERROR) ^ sim_reg_read32(s, SMMU_GERRORN)) &
           SMMU_GERROR_CMDQ_ERR_MASK;
}

static uint64_t tbl_reads(sim_t *s)
{
    sim_counters_t c;
    sim_counters(s, &c);
    return c.tbl_ar;
}

/*
 * A GERRORN write that toggles CMDQ_ERR lands on each clock edge around the one where the
 * SMMU raises CMDQ_ERR for an illegal command at CONS. Software toggling an inactive error
 * makes it CONSTRAINED UNPREDICTABLE whether the error is active (6.3.20), but it is
 * either active or not (7.5): active, software acknowledges it; inactive, commands are
 * processed (4.1.2) and the illegal command raises the error again. So after every offset
 * the error must be active with CONS.RD on the command, and fixing the command plus one
 * acknowledgement must restart the queue (7.1).
 */
TEST(cmdq_gerrorn_race)
{
    sim_t *s = t->sim;
    bool saw_early = false, saw_late = false;
    int edge = -1; /* first offset whose write is not earlier than the SMMU's toggle */
    for (unsigned off = 0; off < 24; off++) {
        sim_reset(s, 4);
        q_up(t, s);
        q_put(s, 0, OP_BAD, 0);
        uint64_t g0 = sim_irq_count(s, SIM_IRQ_GERROR);
        uint64_t reads0 = tbl_reads(s);
        sim_reg_write32(s, SMMU_CMDQ_PROD, 1);
        uint64_t c_prod = sim_cycles(s);
        sim_step(s, off);
        /* CMDQ_ERR of GERRORN 0 -> 1: a toggle, as software acknowledging would write */
        uint64_t c_w = sim_cycles(s);
        sim_reg_write32(s, SMMU_GERRORN, SMMU_GERROR_CMDQ_ERR_MASK);
        uint64_t c_b = sim_cycles(s);
        sim_step(s, 100);
        uint64_t toggles = sim_irq_count(s, SIM_IRQ_GERROR) - g0;
        uint32_t gerror = sim_reg_read32(s, SMMU_GERROR), gerrorn = sim_reg_read32(s, SMMU_GERRORN);
        uint32_t cons = sim_reg_read32(s, SMMU_CMDQ_CONS);
        uint64_t reads = tbl_reads(s) - reads0;
        /* No toggle: the write came first and activated the error, nothing was raised. */
        if (toggles == 0)
            saw_early = true;
        else {
            saw_late = true;
            if (edge < 0)
                edge = (int)off;
        }
        test_log(t, "offset %2u: PROD written by cycle %" PRIu64 ", GERRORN write over cycles %"
                    PRIu64 "..%" PRIu64 ": GERROR 0x%x GERRORN 0x%x CONS 0x%08x, %" PRIu64
                    " GERROR toggles, %" PRIu64 " command reads",
                 off, c_prod, c_w, c_b, gerror, gerrorn, cons, toggles, reads);
        CHECK((gerror ^ gerrorn) & SMMU_GERROR_CMDQ_ERR_MASK,
              "offset %u: CMDQ_ERR inactive (GERROR 0x%x GERRORN 0x%x) with the illegal command "
              "at CONS 0x%08x: the queue stopped with no error visible",
              off, gerror, gerrorn, cons);
        CHECK_EQ(cons & SMMU_CMDQ_CONS_RD_MASK, 0);
        if (toggles)
            CHECK_EQ((cons & SMMU_CMDQ_CONS_ERR_MASK) >> SMMU_CMDQ_CONS_ERR_SHIFT, CERROR_ILL);

        /* Recovery as 7.1 prescribes: fix the command, acknowledge the error. */
        q_put(s, 0, CMD_OP_CMD_SYNC, 0);
        sim_reg_write32(s, SMMU_GERRORN, sim_reg_read32(s, SMMU_GERROR));
        bool ok = sim_reg_poll32(s, SMMU_CMDQ_CONS, SMMU_CMDQ_CONS_RD_MASK, 1, ACK_POLLS);
        if (!ok) {
            /* What else software could try: the queue off and on, CONS and PROD rewritten,
             * acknowledged again. Logged, so a failure says whether anything helps. */
            sim_reg_write32(s, SMMU_CR0, 0);
            bool off_ok = sim_reg_poll32(s, SMMU_CR0ACK, SMMU_CR0_CMDQEN_MASK, 0, ACK_POLLS);
            sim_reg_write32(s, SMMU_CMDQ_CONS, 0);
            sim_reg_write32(s, SMMU_CMDQ_PROD, 1);
            sim_reg_write32(s, SMMU_CR0, SMMU_CR0_CMDQEN_MASK);
            bool on_ok = sim_reg_poll32(s, SMMU_CR0ACK, SMMU_CR0_CMDQEN_MASK,
                                        SMMU_CR0_CMDQEN_MASK, ACK_POLLS);
            sim_reg_write32(s, SMMU_GERRORN, sim_reg_read32(s, SMMU_GERROR));
            bool again = sim_reg_poll32(s, SMMU_CMDQ_CONS, SMMU_CMDQ_CONS_RD_MASK, 1, ACK_POLLS);
            test_log(t, "offset %2u: not restarted; CMDQEN off %s, on %s, CONS/PROD rewritten "
                        "and acknowledged again: %s (%" PRIu64 " table reads in all)",
                     off, off_ok ? "acked" : "not acked", on_ok ? "acked" : "not acked",
                     again ? "restarted" : "still stopped", tbl_reads(s) - reads0);
        }
        CHECK(ok, "offset %u: fixed command not consumed after the acknowledgement (CONS 0x%08x)",
              off, sim_reg_read32(s, SMMU_CMDQ_CONS));
        CHECK_EQ(cmdq_active(s), 0);
    }
    CHECK(saw_early && saw_late,
          "the scan did not cross the edge where the SMMU raises CMDQ_ERR (early %d, late %d)",
          saw_early, saw_late);
    test_log(t, "the GERRORN write meets the SMMU's GERROR toggle at offset %d", edge);
}
