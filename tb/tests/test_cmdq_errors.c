/*
 * Command-queue errors (IHI 0070 4.1.3, 7.1, 7.5): the GERROR/GERRORN handshake under a
 * racing acknowledgement, and the commands the SMMU must refuse with CERROR_ILL.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "smmu/smmu_regs.h"
#include "test.h"
#include "xlate_env.h"

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

/* ---- commands the Non-secure queue refuses ------------------------------------------ */

/* Puts dw0/dw1 and a CMD_SYNC (CS = IRQ) behind it, kicks, and expects CERROR_ILL with
 * CONS.RD on the command and the CMD_SYNC not executed. Returns the command's index. */
static uint32_t ill_expect(fx_t *f, const char *what, uint64_t dw0, uint64_t dw1)
{
    test_ctx_t *t = f->t;
    sim_t *sim = t->sim;
    uint32_t bad = f->cmd_prod;
    uint64_t syncs0 = sim_irq_count(sim, SIM_IRQ_CMD_SYNC);
    cmd_put(f, dw0, dw1);
    cmd_put(f, CMD_OP_CMD_SYNC | 1ull << CMD_CS_SHIFT, 0);
    cmd_kick(f);
    bool err = false;
    for (unsigned i = 0; i < POLLS && !err; i++)
        err = cmdq_active(sim) != 0;
    CHECK(err, "%s: consumed, no GERROR.CMDQ_ERR (CONS 0x%08x)", what,
          sim_reg_read32(sim, SMMU_CMDQ_CONS));
    uint32_t cons = sim_reg_read32(sim, SMMU_CMDQ_CONS);
    CHECK(((cons & SMMU_CMDQ_CONS_ERR_MASK) >> SMMU_CMDQ_CONS_ERR_SHIFT) == CERROR_ILL,
          "%s: CONS.ERR 0x%x, expected CERROR_ILL", what,
          (cons & SMMU_CMDQ_CONS_ERR_MASK) >> SMMU_CMDQ_CONS_ERR_SHIFT);
    sim_step(sim, 100);
    cons = sim_reg_read32(sim, SMMU_CMDQ_CONS);
    CHECK((cons & SMMU_CMDQ_CONS_RD_MASK) == bad, "%s: CONS.RD 0x%x, expected 0x%x", what,
          cons & SMMU_CMDQ_CONS_RD_MASK, bad);
    CHECK(sim_irq_count(sim, SIM_IRQ_CMD_SYNC) == syncs0,
          "%s: the CMD_SYNC behind the illegal command completed", what);
    return bad;
}

/* Replaces the command at index `bad` with a legal one, acknowledges, and expects the
 * queue to run to PROD with the CMD_SYNC's interrupt. */
static void fix_ack(fx_t *f, const char *what, uint32_t bad, uint64_t dw0, uint64_t dw1)
{
    test_ctx_t *t = f->t;
    sim_t *sim = t->sim;
    uint64_t syncs0 = sim_irq_count(sim, SIM_IRQ_CMD_SYNC);
    uint32_t idx = bad & ((1u << CMDQ_LOG2) - 1);
    mem_write64(sim, CMDQ_PA + 16ull * idx, dw0);
    mem_write64(sim, CMDQ_PA + 16ull * idx + 8, dw1);
    sim_reg_write32(sim, SMMU_GERRORN, sim_reg_read32(sim, SMMU_GERROR));
    CHECK(cmd_wait(f), "%s: fixed command not consumed after the acknowledgement (CONS 0x%08x)",
          what, sim_reg_read32(sim, SMMU_CMDQ_CONS));
    CHECK(cmdq_active(sim) == 0, "%s: CMDQ_ERR active after the fixed command", what);
    sim_step(sim, 4);
    CHECK(sim_irq_count(sim, SIM_IRQ_CMD_SYNC) == syncs0 + 1,
          "%s: the CMD_SYNC behind the fixed command did not complete", what);
}

/* One command and a CMD_SYNC, both consumed with no error. */
static void legal(fx_t *f, const char *what, uint64_t dw0, uint64_t dw1)
{
    test_ctx_t *t = f->t;
    cmd_put(f, dw0, dw1);
    cmd_put(f, CMD_OP_CMD_SYNC, 0);
    cmd_kick(f);
    CHECK(cmd_wait(f), "%s: not consumed (CONS 0x%08x)", what,
          sim_reg_read32(t->sim, SMMU_CMDQ_CONS));
    CHECK(cmdq_active(t->sim) == 0, "%s: CMDQ_ERR raised", what);
}

static uint64_t sid_op(unsigned op, uint32_t sid)
{
    return op | (uint64_t)sid << CMD_SID_SHIFT;
}

/* Downstream PA of a read, or ~0 when it did not go downstream. */
static uint64_t read_pa(fx_t *f, uint32_t sid, uint64_t addr)
{
    dma_txn_t x = txn(sid, addr);
    uint64_t d;
    dma_result_t r = dma_read(f->t->sim, &x, &d);
    return r.resp == 0 && r.dn.seen ? r.dn.addr : ~0ull;
}

/*
 * SSec = 1 (dw0 bit 10) on the Non-secure Command queue is ILLEGAL whether or not Secure
 * state is implemented (4.1.6): every command that has the field, PREFETCH_CONFIG,
 * PREFETCH_ADDR (4.2), CFGI_STE, CFGI_STE_RANGE / CFGI_ALL, CFGI_CD and CFGI_CD_ALL
 * (4.3), stops the queue with CERROR_ILL and has no effect; the same command with
 * SSec = 0 is consumed. (CFGI_VMS_PIDM also has SSec; it is CERROR_ILL anyway, IDR3.MPAM = 0.)
 */
TEST(cmdq_ssec_illegal)
{
    fx_t *f = fx_up(t, 0);
    const uint32_t sid = 7;
    static const struct {
        const char *name;
        unsigned op;
        uint64_t dw1;
    } c[] = {
        {"PREFETCH_CONFIG", CMD_OP_PREFETCH_CONFIG, 0},
        {"PREFETCH_ADDR", CMD_OP_PREFETCH_ADDR, 0x123000ull},
        {"CFGI_STE", CMD_OP_CFGI_STE, CMD_LEAF_MASK},
        {"CFGI_STE_RANGE", CMD_OP_CFGI_STE_RANGE, 3ull << CMD_RANGE_SHIFT},
        {"CFGI_ALL", CMD_OP_CFGI_STE_RANGE, 31ull << CMD_RANGE_SHIFT},
        {"CFGI_CD", CMD_OP_CFGI_CD, CMD_LEAF_MASK},
        {"CFGI_CD_ALL", CMD_OP_CFGI_CD_ALL, 0},
    };
    for (unsigned i = 0; i < sizeof c / sizeof c[0]; i++) {
        char what[64];
        snprintf(what, sizeof what, "%s with SSec = 1", c[i].name);
        uint32_t bad = ill_expect(f, what, sid_op(c[i].op, sid) | CMD_SSEC_MASK, c[i].dw1);
        fix_ack(f, what, bad, sid_op(c[i].op, sid), c[i].dw1);
    }
    /* Bit 10 of a command without SSec is RES0, which this SMMU ignores (docs/subset.md). */
    legal(f, "TLBI_NSNH_ALL with dw0 bit 10 set", CMD_OP_TLBI_NSNH_ALL | 1ull << 10, 0);
    legal(f, "CMD_SYNC with dw0 bit 10 set", CMD_OP_CMD_SYNC | 1ull << 10, 0);

    /* No effect: a stage-1 stream's STE is cached, then becomes bypass in memory; the
     * refused CFGI_STE leaves the cached one in use, the accepted one removes it. */
    const uint64_t va = 0x234000ull, pa = 0x46000000ull;
    stream_t s = {.config = STE_CFG_S1, .vmid = 0x21, .asid = 0x31};
    stream_setup(f, 90, &s);
    s1_map(f, &s, va, s1_leaf(3, pa, 2, 1, 3));
    legal(f, "CFGI_ALL before the test", CMD_OP_CFGI_STE_RANGE, 31);
    CHECK_EQ(read_pa(f, 90, va), pa);
    stream_t by = {.config = STE_CFG_BYPASS};
    stream_setup(f, 90, &by);
    uint32_t bad = ill_expect(f, "CFGI_STE(90) with SSec = 1",
                              sid_op(CMD_OP_CFGI_STE, 90) | CMD_SSEC_MASK, CMD_LEAF_MASK);
    CHECK(read_pa(f, 90, va) == pa, "the refused CFGI_STE invalidated the cached STE");
    fix_ack(f, "CFGI_STE(90)", bad, sid_op(CMD_OP_CFGI_STE, 90), CMD_LEAF_MASK);
    CHECK_EQ(read_pa(f, 90, va), va);
}

/* dw1 of a range TLBI */
static uint64_t rng(uint64_t addr, unsigned tg, unsigned ttl)
{
    return (addr & CMD_ADDR_MASK) | (uint64_t)tg << CMD_TG_SHIFT | (uint64_t)ttl << CMD_TTL_SHIFT;
}

/*
 * Range TLBI rules against what IDR5 reports, IHI 0070 4.4.1.1: the expectations are
 * derived from IDR5 as read (DS, GRAN16K, GRAN64K); only DS changes them:
 *   - TG != 0 with NUM = SCALE = 0 and TTL = 0 is Reserved: CERROR_ILL, for every granule;
 *   - with IDR5.DS = 0, TTL = 0b01 under TG = 16 KB is Reserved and read as 0b00, so with
 *     NUM = SCALE = 0 it is the same Reserved combination: CERROR_ILL (with DS = 1 it
 *     would be a level-1 hint, legal);
 *   - TTL = 0b01 under TG = 16 KB with a range (NUM or SCALE != 0) is a legal range with
 *     no level hint; TTL 2/3 under 16 KB and every TTL under 4 KB / 64 KB are level hints;
 *   - TG naming a granule IDR5 does not report (GRAN16K / GRAN64K = 0) is not illegal:
 *     only entries of that granule need go (there are none); this TLB removes the range
 *     from entries of every granule (over-invalidation, docs/subset.md);
 *   - TTL128 is RES0 here (no 128-bit descriptors) and ignored.
 * Each illegal case is checked on every range opcode (NH_VA, NH_VAA, EL2_VA, EL2_VAA,
 * S2_IPA), then fixed and acknowledged.
 */
TEST(cmdq_tlbi_range_rules)
{
    fx_t *f = fx_up(t, 0);
    const uint16_t vmid = 0x44, asid = 0x54;
    const uint64_t va = 0x345000ull;
    const uint64_t vm = (uint64_t)vmid << CMD_VMID_SHIFT, as = (uint64_t)asid << CMD_ASID_SHIFT;
    static const struct {
        const char *name;
        unsigned op;
        bool vmid, asid;
    } ops[] = {
        {"TLBI_NH_VA", CMD_OP_TLBI_NH_VA, true, true},
        {"TLBI_NH_VAA", CMD_OP_TLBI_NH_VAA, true, false},
        {"TLBI_EL2_VA", CMD_OP_TLBI_EL2_VA, false, true},
        {"TLBI_EL2_VAA", CMD_OP_TLBI_EL2_VAA, false, false},
        {"TLBI_S2_IPA", CMD_OP_TLBI_S2_IPA, true, false},
    };
    /* What IDR5 reports: the granules match the build, and DS decides TG 16K / TTL 1 */
    const uint32_t idr5 = sim_reg_read32(t->sim, SMMU_IDR5);
    const bool ds = (idr5 & SMMU_IDR5_DS_MASK) != 0;
    CHECK_EQ((idr5 & SMMU_IDR5_GRAN4K_MASK) != 0, 1);
    CHECK_EQ((idr5 & SMMU_IDR5_GRAN16K_MASK) != 0, sim_params(t->sim)->gran16k != 0);
    CHECK_EQ((idr5 & SMMU_IDR5_GRAN64K_MASK) != 0, sim_params(t->sim)->gran64k != 0);
    static const struct {
        unsigned tg, ttl;
    } bad_all[] = {{1, 0}, {2, 0}, {3, 0}, {2, 1}};
    const unsigned n_bad = ds ? 3u : 4u; /* {2, 1} is Reserved only with DS = 0 */
    static const struct {
        unsigned tg, ttl, num, scale, ttl128;
    } ok_rng[] = {
        {1, 1, 0, 0, 0}, {1, 2, 0, 0, 0}, {1, 3, 0, 0, 0}, {1, 3, 0, 0, 1},
        {2, 2, 0, 0, 0}, {2, 3, 0, 0, 0}, {2, 1, 1, 0, 0}, {2, 1, 0, 1, 0},
        {3, 1, 0, 0, 0}, {3, 2, 0, 0, 0}, {3, 3, 0, 0, 0}, {3, 0, 3, 2, 0},
    };
    for (unsigned o = 0; o < sizeof ops / sizeof ops[0]; o++) {
        uint64_t dw0 = ops[o].op | (ops[o].vmid ? vm : 0) | (ops[o].asid ? as : 0);
        char what[96];
        for (unsigned i = 0; i < n_bad; i++) {
            snprintf(what, sizeof what, "%s TG %u TTL %u NUM = SCALE = 0", ops[o].name,
                     bad_all[i].tg, bad_all[i].ttl);
            uint32_t bad = ill_expect(f, what, dw0, rng(va, bad_all[i].tg, bad_all[i].ttl));
            fix_ack(f, what, bad, dw0, rng(va, bad_all[i].tg, 3));
        }
        if (ds) {
            snprintf(what, sizeof what, "%s TG 2 TTL 1 NUM = SCALE = 0 (DS = 1)", ops[o].name);
            legal(f, what, dw0, rng(va, 2, 1));
        }
        for (unsigned i = 0; i < sizeof ok_rng / sizeof ok_rng[0]; i++) {
            snprintf(what, sizeof what, "%s TG %u TTL %u NUM %u SCALE %u TTL128 %u",
                     ops[o].name, ok_rng[i].tg, ok_rng[i].ttl, ok_rng[i].num, ok_rng[i].scale,
                     ok_rng[i].ttl128);
            legal(f, what,
                  dw0 | (uint64_t)ok_rng[i].num << CMD_NUM_SHIFT |
                      (uint64_t)ok_rng[i].scale << CMD_SCALE_SHIFT,
                  rng(va, ok_rng[i].tg, ok_rng[i].ttl) |
                      (uint64_t)ok_rng[i].ttl128 << CMD_TTL128_SHIFT);
        }
    }

    /* Effects on a cached stage-1 page: the refused TG = 16 KB / TTL = 0b01 command leaves
     * it; the accepted one-granule 64 KB range holding it removes the 4 KB entry too
     * (over-invalidation: TG names 64 KB entries). */
    stream_t s = {.config = STE_CFG_S1, .vmid = vmid, .asid = asid};
    stream_setup(f, 91, &s);
    s1_map(f, &s, va, s1_leaf(3, 0x48000000ull, 2, 1, 3));
    legal(f, "TLBI_NSNH_ALL", CMD_OP_TLBI_NSNH_ALL, 0);
    CHECK_EQ(read_pa(f, 91, va), 0x48000000ull);
    s1_map(f, &s, va, s1_leaf(3, 0x48100000ull, 2, 1, 3));
    uint32_t bad = ill_expect(f, "TLBI_NH_VA TG 16K TTL 1", CMD_OP_TLBI_NH_VA | vm | as,
                              rng(va, 2, 1));
    CHECK(read_pa(f, 91, va) == 0x48000000ull, "the refused TLBI removed the entry");
    fix_ack(f, "TLBI_NH_VA TG 16K TTL 1 -> TG 64K TTL 3", bad, CMD_OP_TLBI_NH_VA | vm | as,
            rng(va & ~0xffffull, 3, 3));
    CHECK_EQ(read_pa(f, 91, va), 0x48100000ull);
}
