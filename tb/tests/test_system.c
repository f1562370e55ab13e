/*
 * System-level checks of behaviours that only the unit benches of the translation blocks
 * used to check: the safety net for a rewrite of the datapath. Each test drives the
 * whole SMMU through its ports (xlate_env.h: hand-built tables, raw commands; the
 * traffic master for transactions in flight) and fails when the behaviour breaks:
 *
 *   sys_tlbi_races_walk_*    an invalidation overtaking a walk that already read the
 *                            old leaf: nothing stale is used after the CMD_SYNC
 *   sys_cfgi_races_fetch     the same for CFGI_STE during a configuration fetch
 *   sys_sync_under_load      CMD_SYNC completes within a bound under saturating traffic
 *   sys_sync_cs_kinds        CS = NONE / SEV (IDR0.SEV = 0: as NONE) / IRQ: only IRQ pulses
 *   sys_desc_wrong_type      0b01 at level 0 and level 3, stage 1 and stage 2: F_TRANSLATION
 *   sys_tlbi_va_global       TLBI_NH_VA with any ASID removes a global entry
 *   sys_cd_epd_endi          EPD0 = EPD1 = 1 with ENDI = 1: a valid CD, F_TRANSLATION
 *   sys_table_attrs          AxCACHE/AxDOMAIN of every kind of table-port access
 *
 * Each race test changes the table at every cycle of a window after the walk (or fetch)
 * read the entry, with random table-port latencies so the invalidation sometimes
 * overtakes the walk (IHI 0070 §4.7.3: after CMD_SYNC completes no transaction uses the
 * invalidated entry, and one that did is globally observable).
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "xlate_env.h"

#define SID 4u
#define ASID 5u
#define VMID 3u
#define VA0 0x0000100000000000ull /* one page per sweep step */
#define PA_OLD 0x0000010000000000ull
#define PA_NEW 0x0000020000000000ull
#define TBL_LAT 30u

/* The leaf descriptor's address for `ia` in a tree (tables read from memory). */
static uint64_t leaf_addr(fx_t *f, uint64_t root, unsigned start, unsigned sbits, uint64_t ia)
{
    uint64_t tbl = root;
    for (unsigned lvl = start;; lvl++) {
        unsigned shift = 12 + 9 * (3 - lvl), bits = lvl == start ? sbits : 9;
        uint64_t da = tbl + (((ia >> shift) & ((1ull << bits) - 1)) << 3);
        uint64_t d = mem_read64(f->t->sim, da);
        if (lvl == 3 || (d & 3) != 3)
            return da;
        tbl = d & 0x0000fffffffff000ull;
    }
}

static uint64_t cmd_tlbi_va(unsigned op, unsigned vmid, unsigned asid, uint64_t va,
                            uint64_t *dw1)
{
    *dw1 = (va & CMD_ADDR_MASK) | CMD_LEAF_MASK;
    return op | (uint64_t)vmid << CMD_VMID_SHIFT | (uint64_t)asid << CMD_ASID_SHIFT;
}

/* Queue commands then a CMD_SYNC with CS = IRQ and move PROD; returns at once. */
static void sync_begin(fx_t *f, unsigned cs)
{
    cmd_put(f, CMD_OP_CMD_SYNC | (uint64_t)cs << CMD_CS_SHIFT, 0);
    cmd_kick(f);
}

/* Wait for CONS to pass everything queued; the cycle the CMD_SYNC's interrupt fired. */
static uint64_t sync_end(fx_t *f, uint64_t irq_before)
{
    test_ctx_t *t = f->t;
    uint32_t mask = SMMU_CMDQ_CONS_RD_MASK;
    uint64_t c0 = sim_cycles(t->sim);
    while ((sim_reg_read32(t->sim, SMMU_CMDQ_CONS) & mask) != (f->cmd_prod & mask))
        if (sim_cycles(t->sim) - c0 >= 50000)
            REQUIRE(0, "CMD_SYNC not consumed in 50000 cycles (CONS 0x%x)",
                    sim_reg_read32(t->sim, SMMU_CMDQ_CONS));
    REQUIRE(sim_irq_count(t->sim, SIM_IRQ_CMD_SYNC) == irq_before + 1, "no CMD_SYNC interrupt");
    return sim_irq_last_cycle(t->sim, SIM_IRQ_CMD_SYNC);
}

static tm_txn_t rd(uint32_t sid, uint64_t va)
{
    tm_txn_t x = tm_txn(false, sid, va, 1);
    x.cache = 0xf;
    x.domain = 3;
    x.prot = 2;
    return x;
}

/* ---- 1. invalidations racing walks and configuration fetches ------------------------ */

/* Steps the clock until the table port accepts a read of [addr, addr + len) after log
 * entry `from` (at most `max` cycles): the walk or fetch has issued it. */
static bool step_until_read(test_ctx_t *t, size_t from, uint64_t addr, uint64_t len,
                            unsigned max)
{
    for (unsigned c = 0; c < max; c++) {
        size_t n = mem_addr_log_count(t->sim, MEM_PORT_TBL);
        for (; from < n; from++) {
            const mem_addr_log_t *a = mem_addr_log_get(t->sim, MEM_PORT_TBL, from);
            if (a && !a->write && a->addr < addr + len && addr < a->addr + 8ull * (a->len + 1))
                return true;
        }
        sim_step(t->sim, 1);
    }
    return false;
}

/* The cycle of the first table-port read beat of [addr, addr + 8) since the log was
 * cleared, or 0. */
static uint64_t tbl_beat(test_ctx_t *t, uint64_t addr)
{
    size_t n = mem_log_count(t->sim, MEM_PORT_TBL);
    const mem_log_entry_t *e = mem_log_entries(t->sim, MEM_PORT_TBL);
    for (size_t i = 0; i < n; i++)
        if (!e[i].write && (e[i].addr & ~7ull) == (addr & ~7ull))
            return e[i].cycle;
    return 0;
}

/* The cycle of the last downstream data beat to the page of `pa` (byte log). */
static uint64_t mem_access_end(test_ctx_t *t, uint64_t pa)
{
    size_t n = mem_log_count(t->sim, MEM_PORT_DN);
    const mem_log_entry_t *e = mem_log_entries(t->sim, MEM_PORT_DN);
    uint64_t last = 0;
    for (size_t i = 0; i < n; i++)
        if ((e[i].addr & ~0xfffull) == (pa & ~0xfffull) && e[i].cycle > last)
            last = e[i].cycle;
    CHECK(last != 0, "no memory access to 0x%" PRIx64 " in the byte log", pa);
    return last;
}

enum race_kind { RACE_S1, RACE_S2, RACE_NESTED_S1, RACE_NESTED_S2 };

/* For each step k: a read of a cold page is issued; k % RACE_SPAN cycles after the table
 * port accepted the walk's read of the leaf, software points the leaf at PA_NEW and sends
 * the covering TLBI + CMD_SYNC. Table reads take their data at the address handshake and
 * return it 2..2*lat cycles later, so the walk holds the old leaf while the command fetch
 * may overtake it: the walk must not fill the TLB then. The read itself may use either
 * translation, but if it used the old one its memory access precedes the CMD_SYNC's
 * completion; the next read of the page must use the new one. */
#define RACE_SPAN 48u
static void tlbi_race_sweep(test_ctx_t *t, enum race_kind kind, unsigned steps,
                            unsigned tbl_lat)
{
    fx_t *f = fx_up(t, 0);
    bool nested = kind == RACE_NESTED_S1 || kind == RACE_NESTED_S2;
    stream_t s = {.config = kind == RACE_S1 ? STE_CFG_S1 : kind == RACE_S2 ? STE_CFG_S2
                                                                          : STE_CFG_NESTED,
                  .asid = ASID, .vmid = VMID};
    stream_setup(f, SID, &s);
    /* Stage 1 maps VA -> IPA (= PA_OLD region), stage 2 maps IPA -> PA (identity unless
     * the stage-2 leaf is the one that changes). */
    for (unsigned k = 0; k < steps; k++) {
        uint64_t va = VA0 + 0x1000ull * k, old = PA_OLD + 0x1000ull * k;
        if (kind != RACE_S2)
            s1_map(f, &s, va, s1_leaf(3, old, 2, 1, 3));
        if (kind == RACE_S2)
            s2_map(f, &s, va, s2_leaf(3, old, 0xf, 3, 3));
        else if (nested)
            s2_map(f, &s, old, s2_leaf(3, old, 0xf, 3, 3));
    }
    mem_set_port_timing(t->sim, MEM_PORT_TBL, 2, 2 * tbl_lat, 0);
    mem_set_order(t->sim, MEM_PORT_TBL, MEM_READ_EARLY, 0);
    mem_log_enable(t->sim, MEM_PORT_DN, true);
    mem_log_enable(t->sim, MEM_PORT_TBL, true);
    unsigned old_used = 0, new_used = 0, overtaken = 0;
    uint64_t worst_sync = 0;
    for (unsigned k = 0; k < steps; k++) {
        uint64_t va = VA0 + 0x1000ull * k, old = PA_OLD + 0x1000ull * k;
        uint64_t nw = PA_NEW + 0x1000ull * k, la, leaf, dw0, dw1;
        /* which leaf changes, and the TLBI that covers it */
        switch (kind) {
        case RACE_S1:
        case RACE_NESTED_S1:
            la = leaf_addr(f, s.ttb0, s.s1_start, s.s1_sbits, va);
            leaf = s1_leaf(3, nw, 2, 1, 3) & ~(3ull << 62);
            if (nested)
                s2_map(f, &s, nw, s2_leaf(3, nw, 0xf, 3, 3));
            /* a stage-1-only stream's entries carry STE.S2VMID too (IDR0.S2P = 1) */
            dw0 = cmd_tlbi_va(CMD_OP_TLBI_NH_VA, VMID, ASID, va, &dw1);
            break;
        case RACE_S2:
            la = leaf_addr(f, s.s2ttb, s.s2_start, s.s2_sbits, va);
            leaf = s2_leaf(3, nw, 0xf, 3, 3) & ~(3ull << 62);
            dw0 = cmd_tlbi_va(CMD_OP_TLBI_S2_IPA, VMID, 0, va, &dw1);
            break;
        default: /* the stage-2 leaf of the page's IPA: the VM's combined entries go */
            la = leaf_addr(f, s.s2ttb, s.s2_start, s.s2_sbits, old);
            leaf = s2_leaf(3, nw, 0xf, 3, 3) & ~(3ull << 62);
            dw0 = CMD_OP_TLBI_S12_VMALL | (uint64_t)VMID << CMD_VMID_SHIFT;
            dw1 = 0;
            break;
        }
        tm_txn_t x = rd(SID, va);
        mem_log_clear(t->sim, MEM_PORT_DN);
        mem_log_clear(t->sim, MEM_PORT_TBL);
        size_t from = mem_addr_log_count(t->sim, MEM_PORT_TBL);
        int h = tm_issue(t->sim, &x, NULL);
        REQUIRE(step_until_read(t, from, la, 8, 20000), "step %u: the walk never read the leaf "
                "at 0x%" PRIx64, k, la);
        sim_step(t->sim, k % RACE_SPAN);
        mem_write64(t->sim, la, leaf);
        uint64_t irq0 = sim_irq_count(t->sim, SIM_IRQ_CMD_SYNC);
        uint64_t tlbi_pa = CMDQ_PA + 16ull * (f->cmd_prod & ((1u << CMDQ_LOG2) - 1));
        cmd_put(f, dw0, dw1);
        uint64_t c_cmd = sim_cycles(t->sim);
        sync_begin(f, 1);
        uint64_t c_sync = sync_end(f, irq0);
        if (c_sync - c_cmd > worst_sync)
            worst_sync = c_sync - c_cmd;
        tm_result_t r = tm_wait(t->sim, h);
        CHECK(r.resp == 0 && r.dn.seen, "step %u: the racing read failed (resp %d)", k, r.resp);
        /* the TLBI reached the SMMU before the walk had the old leaf back */
        uint64_t tb = tbl_beat(t, tlbi_pa), lb = tbl_beat(t, la);
        overtaken += tb && lb && tb < lb;
        if (r.dn.addr == old) {
            /* A transaction translated with an invalidated entry is globally observable
             * when the CMD_SYNC completes (§4.7.3): its memory access happened before. */
            old_used++;
            uint64_t last = mem_access_end(t, old);
            CHECK(last <= c_sync, "step %u: the read used the old translation and reached "
                  "memory at cycle %" PRIu64 ", after the CMD_SYNC completed at %" PRIu64, k,
                  last, c_sync);
        } else {
            new_used++;
            CHECK(r.dn.addr == nw, "step %u: the racing read went to 0x%" PRIx64, k, r.dn.addr);
        }
        /* after the sync: only the new translation */
        tm_txn_t y = rd(SID, va);
        tm_result_t r2 = tm_wait(t->sim, tm_issue(t->sim, &y, NULL));
        CHECK(r2.resp == 0 && r2.dn.addr == nw, "step %u: a read after the CMD_SYNC went to "
              "0x%" PRIx64 " (old 0x%" PRIx64 ", new 0x%" PRIx64 "): a stale translation",
              k, r2.dn.addr, old, nw);
    }
    test_log(t, "%u steps: the racing read used the old translation %u times, the new %u; "
             "the TLBI overtook the walk's leaf %u times; longest TLBI + CMD_SYNC %" PRIu64
             " cycles", steps, old_used, new_used, overtaken, worst_sync);
    /* The sweep really raced: the invalidation overtook walks holding the old leaf. */
    CHECK(overtaken >= steps / 10, "the TLBI overtook the walk only %u times", overtaken);
}

TEST(sys_tlbi_races_walk_s1) { tlbi_race_sweep(t, RACE_S1, 240, TBL_LAT); }
TEST(sys_tlbi_races_walk_s2) { tlbi_race_sweep(t, RACE_S2, 240, TBL_LAT); }
TEST(sys_tlbi_races_walk_nested_s1) { tlbi_race_sweep(t, RACE_NESTED_S1, 240, TBL_LAT); }
TEST(sys_tlbi_races_walk_nested_s2) { tlbi_race_sweep(t, RACE_NESTED_S2, 240, TBL_LAT); }

/* CFGI_STE while the stream's configuration is being fetched: the STE moves from one CD
 * (ASID 5, VA -> PA_OLD) to another (ASID 6, VA -> PA_NEW). */
TEST(sys_cfgi_races_fetch)
{
    fx_t *f = fx_up(t, 0);
    stream_t a = {.config = STE_CFG_S1, .asid = ASID}, b = {.config = STE_CFG_S1, .asid = 6};
    stream_setup(f, SID, &b); /* B's STE and CD first (its CD at SID 4's slot) ... */
    uint64_t ste_b[8], sa = ste_pa(f, SID);
    for (unsigned i = 0; i < 8; i++)
        ste_b[i] = mem_read64(t->sim, sa + 8 * i);
    stream_setup(f, SID + 1, &a); /* ... A's at SID 5's; A's STE copied to SID 4 */
    uint64_t ste_a[8];
    for (unsigned i = 0; i < 8; i++)
        ste_a[i] = mem_read64(t->sim, ste_pa(f, SID + 1) + 8 * i);
    s1_map(f, &a, VA0, s1_leaf(3, PA_OLD, 2, 1, 3));
    s1_map(f, &b, VA0, s1_leaf(3, PA_NEW, 2, 1, 3));
    mem_set_port_timing(t->sim, MEM_PORT_TBL, 2, 2 * TBL_LAT, 0);
    mem_set_order(t->sim, MEM_PORT_TBL, MEM_READ_EARLY, 0);
    mem_log_enable(t->sim, MEM_PORT_DN, true);
    mem_log_enable(t->sim, MEM_PORT_TBL, true);
    unsigned old_used = 0, new_used = 0, overtaken = 0;
    for (unsigned k = 0; k < 240; k++) {
        /* A, with nothing of SID 4 cached */
        wr_struct(f, sa, ste_a);
        cmd_put(f, CMD_OP_CFGI_STE | (uint64_t)SID << CMD_SID_SHIFT, 1);
        cmd_put(f, CMD_OP_TLBI_NSNH_ALL, 0);
        uint64_t irq0 = sim_irq_count(t->sim, SIM_IRQ_CMD_SYNC);
        sync_begin(f, 1);
        sync_end(f, irq0);
        tm_txn_t x = rd(SID, VA0);
        mem_log_clear(t->sim, MEM_PORT_DN);
        mem_log_clear(t->sim, MEM_PORT_TBL);
        size_t from = mem_addr_log_count(t->sim, MEM_PORT_TBL);
        int h = tm_issue(t->sim, &x, NULL);
        REQUIRE(step_until_read(t, from, sa, 64, 20000), "step %u: the STE was never fetched", k);
        sim_step(t->sim, k % RACE_SPAN);
        wr_struct(f, sa, ste_b);
        irq0 = sim_irq_count(t->sim, SIM_IRQ_CMD_SYNC);
        uint64_t cfgi_pa = CMDQ_PA + 16ull * (f->cmd_prod & ((1u << CMDQ_LOG2) - 1));
        cmd_put(f, CMD_OP_CFGI_STE | (uint64_t)SID << CMD_SID_SHIFT, 1);
        sync_begin(f, 1);
        uint64_t c_sync = sync_end(f, irq0);
        tm_result_t r = tm_wait(t->sim, h);
        CHECK(r.resp == 0, "step %u: resp %d", k, r.resp);
        /* the CFGI reached the SMMU before the STE fetch returned (the CD's fetch follows) */
        uint64_t cb = tbl_beat(t, cfgi_pa), sb = tbl_beat(t, sa + 24);
        overtaken += cb && sb && cb < sb;
        if (r.dn.addr == PA_OLD) {
            old_used++;
            uint64_t last = mem_access_end(t, PA_OLD);
            CHECK(last <= c_sync, "step %u: the old configuration's access reached memory at "
                  "cycle %" PRIu64 ", after the CMD_SYNC completed at %" PRIu64, k, last, c_sync);
        } else {
            new_used++;
            CHECK(r.dn.addr == PA_NEW, "step %u: went to 0x%" PRIx64, k, r.dn.addr);
        }
        tm_txn_t y = rd(SID, VA0);
        tm_result_t r2 = tm_wait(t->sim, tm_issue(t->sim, &y, NULL));
        CHECK(r2.resp == 0 && r2.dn.addr == PA_NEW, "step %u: after CFGI_STE + CMD_SYNC the "
              "read went to 0x%" PRIx64 ": a stale configuration", k, r2.dn.addr);
    }
    test_log(t, "240 steps: old configuration %u times, new %u; the CFGI overtook the fetch %u "
             "times", old_used, new_used, overtaken);
    CHECK(overtaken >= 24, "the CFGI overtook the STE fetch only %u times", overtaken);
}

/* ---- 2. CMD_SYNC under saturating traffic -------------------------------------------- */

#define SYNC_BOUND 2000u /* cycles from PROD to the CMD_SYNC interrupt */

static void sync_under_load(test_ctx_t *t, unsigned stall)
{
    fx_t *f = fx_up(t, 0);
    stream_t s = {.config = STE_CFG_S1, .asid = ASID};
    stream_setup(f, SID, &s);
    for (unsigned k = 0; k < 8; k++)
        s1_map(f, &s, VA0 + 0x1000ull * k, s1_leaf(3, PA_OLD + 0x1000ull * k, 2, 1, 3));
    mem_set_timing(t->sim, 2, 8, stall);
    tm_config_t cfg;
    tm_get_config(t->sim, &cfg);
    cfg.max_rd = cfg.max_wr = 16;
    tm_config(t->sim, &cfg);
    /* far more than can finish while the syncs run: the port never goes idle */
    for (unsigned i = 0; i < 3000; i++) {
        tm_txn_t x = rd(SID, VA0 + 0x1000ull * (i % 8) + 64 * (i % 60));
        x.id = (uint8_t)(i % 16);
        x.len = 3;
        x.expect_resp = 0;
        tm_issue(t->sim, &x, NULL);
        tm_txn_t w = x;
        w.write = true;
        tm_issue(t->sim, &w, NULL);
    }
    uint64_t worst = 0;
    for (unsigned n = 0; n < 20; n++) {
        sim_step(t->sim, 37 + 13 * n);
        REQUIRE(tm_pending(t->sim, false) > 16 && tm_pending(t->sim, true) > 16,
                "the traffic ran out before sync %u", n);
        uint64_t irq0 = sim_irq_count(t->sim, SIM_IRQ_CMD_SYNC);
        /* half of them behind a TLBI of a page in use */
        if (n & 1) {
            uint64_t dw1, dw0 = cmd_tlbi_va(CMD_OP_TLBI_NH_VA, 0, ASID, VA0 + 0x1000ull * (n % 8),
                                           &dw1);
            cmd_put(f, dw0, dw1);
        }
        uint64_t c0 = sim_cycles(t->sim);
        sync_begin(f, 1);
        uint64_t done = sync_end(f, irq0);
        CHECK(done - c0 <= SYNC_BOUND, "sync %u took %" PRIu64 " cycles under load", n, done - c0);
        if (done - c0 > worst)
            worst = done - c0;
    }
    test_log(t, "stall %u%%: 20 CMD_SYNCs under 16 + 16 in flight, the longest %" PRIu64
             " cycles", stall, worst);
    tm_discard_done(t->sim);
    tm_wait_all(t->sim);
    tm_stats_t st;
    tm_stats(t->sim, &st);
    CHECK_EQ(st.done_rd, 3000);
    CHECK_EQ(st.done_wr, 3000);
}

TEST(sys_sync_under_load) { sync_under_load(t, 0); }
TEST(sys_sync_under_load_stalls) { sync_under_load(t, 40); }

/* ---- 3. CMD_SYNC completion signals --------------------------------------------------- */

TEST(sys_sync_cs_kinds)
{
    fx_t *f = fx_up(t, 0);
    CHECK_EQ(sim_reg_read32(t->sim, SMMU_IDR0) & SMMU_IDR0_SEV_MASK, 0);
    static const struct {
        unsigned cs, irqs;
    } c[] = {{0, 0}, {2, 0}, {1, 1}, {2, 0}, {0, 0}, {1, 1}};
    for (unsigned i = 0; i < sizeof c / sizeof c[0]; i++) {
        uint64_t irq0 = sim_irq_count(t->sim, SIM_IRQ_CMD_SYNC);
        sync_begin(f, c[i].cs);
        CHECK(cmd_wait(f), "CMD_SYNC CS=%u not consumed", c[i].cs);
        sim_step(t->sim, 20);
        CHECK(sim_irq_count(t->sim, SIM_IRQ_CMD_SYNC) == irq0 + c[i].irqs,
              "CMD_SYNC CS=%u: %" PRIu64 " interrupts, expected %u", c[i].cs,
              sim_irq_count(t->sim, SIM_IRQ_CMD_SYNC) - irq0, c[i].irqs);
        CHECK_EQ(sim_reg_read32(t->sim, SMMU_GERROR) ^ sim_reg_read32(t->sim, SMMU_GERRORN), 0);
    }
}

/* ---- 4. descriptors of the wrong type for their level --------------------------------- */

/* Make the descriptor at `level` of the walk of `ia` (a VA at stage 1, an IPA at stage 2)
 * a block (0b01) and expect F_TRANSLATION of that stage for a read of `va`, with the
 * model's record. */
static void wrong_type(fx_t *f, stream_t *s, bool stage2, unsigned level, uint64_t ia,
                       uint64_t va, const char *what)
{
    test_ctx_t *t = f->t;
    uint64_t root = stage2 ? s->s2ttb : s->ttb0;
    unsigned start = stage2 ? s->s2_start : s->s1_start;
    unsigned sbits = stage2 ? s->s2_sbits : s->s1_sbits;
    uint64_t tbl = root, da = 0;
    for (unsigned lvl = start; lvl <= level; lvl++) {
        unsigned shift = 12 + 9 * (3 - lvl), bits = lvl == start ? sbits : 9;
        da = tbl + (((ia >> shift) & ((1ull << bits) - 1)) << 3);
        tbl = mem_read64(t->sim, da) & 0x0000fffffffff000ull;
    }
    uint64_t saved = mem_read64(t->sim, da);
    /* type 0b01 (a block) with a plausible output address and attributes */
    mem_write64(t->sim, da, (saved & 0x0000fffffffff000ull) | 1u | 1u << 10 | 3u << 8);
    cmd_sync1(f, CMD_OP_TLBI_NSNH_ALL, 0);
    dma_txn_t x = txn(SID, va);
    bool got;
    uint64_t evt[4];
    smmu_model_result_t mr;
    dma_result_t r = run_cmp_evt(f, what, &x, false, false, &mr, &got, evt);
    CHECK(r.resp == 2 && !r.dn.seen, "%s: resp %d", what, r.resp);
    CHECK(mr.fault == EVT_F_TRANSLATION, "%s: the model says 0x%02x", what, mr.fault);
    CHECK(got && (evt[0] & 0xff) == EVT_F_TRANSLATION, "%s: record 0x%02x", what,
          got ? (unsigned)(evt[0] & 0xff) : 0u);
    CHECK(got && !!(evt[1] & EVT_S2_MASK) == stage2, "%s: record S2 bit (dw1 0x%016" PRIx64
          ")", what, evt[1]);
    if (stage2)
        CHECK(got && (evt[3] & EVT_IPA_MASK) == (ia & EVT_IPA_MASK), "%s: record IPA 0x%" PRIx64,
              what, evt[3]);
    mem_write64(t->sim, da, saved);
    cmd_sync1(f, CMD_OP_TLBI_NSNH_ALL, 0);
}

TEST(sys_desc_wrong_type)
{
    fx_t *f = fx_up(t, 0);
    /* a nested stream: 4 stage-1 levels (T0SZ 16), 4 stage-2 levels (S2T0SZ 16, SL0 2) */
    stream_t s = {.config = STE_CFG_NESTED, .asid = ASID, .vmid = VMID};
    stream_setup(f, SID, &s);
    s1_map(f, &s, VA0, s1_leaf(3, PA_OLD, 2, 1, 3));
    s2_map(f, &s, PA_OLD, s2_leaf(3, PA_OLD, 0xf, 3, 3));
    dma_txn_t x = txn(SID, VA0);
    run_cmp(f, "the page as mapped", &x, false, false, NULL);
    wrong_type(f, &s, false, 0, VA0, VA0, "stage 1, level 0, type 0b01");
    wrong_type(f, &s, false, 3, VA0, VA0, "stage 1, level 3, type 0b01");
    /* stage 2 of the final IPA */
    wrong_type(f, &s, true, 0, PA_OLD, VA0, "stage 2, level 0, type 0b01");
    wrong_type(f, &s, true, 3, PA_OLD, VA0, "stage 2, level 3, type 0b01");
    run_cmp(f, "the page as mapped again", &x, false, false, NULL);
}

/* ---- 5. TLBI_NH_VA and global entries -------------------------------------------------- */

TEST(sys_tlbi_va_global)
{
    fx_t *f = fx_up(t, 0);
    stream_t s = {.config = STE_CFG_S1, .asid = ASID};
    stream_setup(f, SID, &s);
    static const unsigned other[] = {0, 6, 0xffff, ASID};
    for (unsigned i = 0; i < 4; i++) {
        uint64_t va = VA0 + 0x1000ull * i, old = PA_OLD + 0x1000ull * i,
                 nw = PA_NEW + 0x1000ull * i;
        /* global: nG = 0 (s1_leaf sets nG, bit 11) */
        s1_map(f, &s, va, s1_leaf(3, old, 2, 1, 3) & ~(1ull << 11));
        tm_txn_t x = rd(SID, va);
        tm_result_t r = tm_wait(t->sim, tm_issue(t->sim, &x, NULL));
        CHECK(r.dn.addr == old, "fill %u", i);
        s1_map(f, &s, va, s1_leaf(3, nw, 2, 1, 3) & ~(1ull << 11));
        uint64_t dw1, dw0 = cmd_tlbi_va(CMD_OP_TLBI_NH_VA, 0, other[i], va, &dw1);
        cmd_sync1(f, dw0, dw1);
        r = tm_wait(t->sim, tm_issue(t->sim, &x, NULL));
        CHECK(r.resp == 0 && r.dn.addr == nw, "TLBI_NH_VA with ASID 0x%x left the global entry "
              "of ASID 0x%x: 0x%" PRIx64, other[i], ASID, r.dn.addr);
    }
}

/* ---- 6. a CD with both halves disabled -------------------------------------------------- */

TEST(sys_cd_epd_endi)
{
    fx_t *f = fx_up(t, 0);
    stream_t s = {.config = STE_CFG_S1, .asid = ASID,
                  .cd0 = CD_EPD0_MASK | CD_EPD1_MASK | CD_ENDI_MASK};
    stream_setup(f, SID, &s);
    dma_txn_t x = txn(SID, VA0);
    bool got;
    uint64_t evt[4];
    smmu_model_result_t mr;
    dma_result_t r = run_cmp_evt(f, "EPD0 = EPD1 = ENDI = 1", &x, false, false, &mr, &got, evt);
    CHECK(r.resp == 2, "resp %d", r.resp);
    CHECK(got && (evt[0] & 0xff) == EVT_F_TRANSLATION,
          "record 0x%02x, expected F_TRANSLATION (not C_BAD_CD)", got ? (unsigned)(evt[0] & 0xff) : 0u);
    x.addr |= 1ull << 55; /* the TTB1 half, disabled too */
    r = run_cmp_evt(f, "EPD0 = EPD1 = ENDI = 1, upper half", &x, false, false, &mr, &got, evt);
    CHECK(got && (evt[0] & 0xff) == EVT_F_TRANSLATION, "upper half: record 0x%02x",
          got ? (unsigned)(evt[0] & 0xff) : 0u);
}

/* ---- 7. attributes of the SMMU's own accesses ------------------------------------------- */

/* The table-port accesses since log index `from`, each checked against `want` in order
 * (cache/domain per access, by address range). */
typedef struct {
    const char *what;
    uint64_t lo, hi;      /* address range of this kind of access */
    uint8_t cache, domain;
    unsigned n;           /* accesses seen */
} tbl_kind_t;

static void check_tbl_log(test_ctx_t *t, size_t from, tbl_kind_t *k, unsigned nk)
{
    size_t n = mem_addr_log_count(t->sim, MEM_PORT_TBL);
    for (size_t i = from; i < n; i++) {
        const mem_addr_log_t *a = mem_addr_log_get(t->sim, MEM_PORT_TBL, i);
        REQUIRE(a != NULL, "address log entry %zu gone", i);
        unsigned j;
        for (j = 0; j < nk; j++)
            if (a->addr >= k[j].lo && a->addr < k[j].hi)
                break;
        if (j == nk) {
            CHECK(0, "a table-port access to 0x%" PRIx64 " of no expected kind", a->addr);
            continue;
        }
        k[j].n++;
        CHECK(a->cache == k[j].cache && a->domain == k[j].domain,
              "%s at 0x%" PRIx64 ": AxCACHE 0x%x AxDOMAIN %u, expected 0x%x / %u", k[j].what,
              a->addr, a->cache, a->domain, k[j].cache, k[j].domain);
    }
}

TEST(sys_table_attrs)
{
    fx_t *f = fx_up(t, 0);
    /* CR1: tables write-back (RA per STRTAB_BASE.RA), inner shareable; queues Non-cacheable */
    sim_reg_write32(t->sim, SMMU_CR0, 0);
    REQUIRE(sim_reg_poll32(t->sim, SMMU_CR0ACK, 0xffffffffu, 0, POLLS), "CR0ACK");
    sim_reg_write32(t->sim, SMMU_CR1, 1u << 6 | 1u << 8 | 3u << 10 | 2u << 4 | 2u << 2 | 2u);
    cr0_set(f, SMMU_CR0_SMMUEN_MASK | SMMU_CR0_EVENTQEN_MASK | SMMU_CR0_CMDQEN_MASK);

    /* stage 1: STE S1CIR/COR WB, S1CSH OSH; CD IR0/OR0 WB, SH0 NSH (stream_setup sets
     * S1C* = WB/WB/ISH and IR0/OR0/SH0 = WB/WB/ISH: adjust the STE and CD). */
    stream_t s1 = {.config = STE_CFG_S1, .asid = ASID};
    stream_setup(f, SID, &s1);
    uint64_t ste = ste_pa(f, SID);
    uint64_t d1 = mem_read64(t->sim, ste + 8);
    d1 = (d1 & ~STE_S1CSH_MASK) | 2ull << STE_S1CSH_SHIFT;
    mem_write64(t->sim, ste + 8, d1);
    uint64_t cd = CD_PA + 0x1000ull * SID;
    uint64_t c0 = mem_read64(t->sim, cd);
    c0 = (c0 & ~CD_SH0_MASK) | 0ull << CD_SH0_SHIFT;
    mem_write64(t->sim, cd, c0);
    s1_map(f, &s1, VA0, s1_leaf(3, PA_OLD, 2, 1, 3));

    /* nested: stage-1 walk WB/ISH; the table pages and the CD mapped by stage 2 WB OSH
     * (MemAttr 0xF, SH 2) or Non-cacheable (MemAttr 0x5); S2 walk WT (S2IR0/OR0 = 2). */
    stream_t sn = {.config = STE_CFG_NESTED, .asid = 7, .vmid = VMID};
    stream_setup(f, SID + 1, &sn);
    uint64_t sten = ste_pa(f, SID + 1);
    uint64_t d2 = mem_read64(t->sim, sten + 16);
    d2 = (d2 & ~(STE_S2IR0_MASK | STE_S2OR0_MASK)) | 2ull << STE_S2IR0_SHIFT |
         2ull << STE_S2OR0_SHIFT;
    mem_write64(t->sim, sten + 16, d2);
    s1_map(f, &sn, VA0, s1_leaf(3, PA_OLD, 2, 1, 3));
    s2_map(f, &sn, PA_OLD, s2_leaf(3, PA_OLD, 0xf, 3, 3));
    /* the stage-1 tables of the nested stream: WB OSH at stage 2, the level-1 one NC */
    uint64_t cdn = CD_PA + 0x1000ull * (SID + 1);
    uint64_t l1 = mem_read64(t->sim, sn.ttb0 + 8 * ((VA0 >> 39) & 511)) & 0x0000fffffffff000ull;
    for (uint64_t p = S1_POOL; p < f->s1_next; p += 0x1000)
        s2_map(f, &sn, p, s2_leaf(3, p, p == l1 ? 0x5 : 0xf, 3, 2));
    s2_map(f, &sn, cdn, s2_leaf(3, cdn, 0xf, 3, 2));
    cmd_sync1(f, CMD_OP_CFGI_STE_RANGE, 31);
    cmd_sync1(f, CMD_OP_TLBI_NSNH_ALL, 0);

    size_t from = mem_addr_log_count(t->sim, MEM_PORT_TBL);
    tbl_kind_t k[] = {
        {"STE fetch", STRTAB_PA, STRTAB_PA + 0x4000, 0xb, 1, 0},
        {"CD fetch (S1CIR/COR WB, S1CSH OSH)", cd, cd + 64, 0xf, 2, 0},
        {"stage-1 walk (IR0/OR0 WB, SH0 NSH)", S1_POOL, S1_POOL + 0x1000000, 0xf, 0, 0},
    };
    dma_txn_t x = txn(SID, VA0);
    run_cmp(f, "stage 1", &x, false, false, NULL);
    check_tbl_log(t, from, k, 3);
    CHECK(k[0].n == 1 && k[1].n == 1 && k[2].n == 4, "accesses: %u STE, %u CD, %u walk",
          k[0].n, k[1].n, k[2].n);

    /* Nested: the CD through stage 2 (WB OSH: S1CSH ISH + OSH -> OSH), the stage-1 walk
     * reads (WB ISH + stage 2 WB OSH -> Outer; the level-1 table's page NC -> System,
     * Non-cacheable), the stage-2 walk reads (WT -> Non-cacheable, System). */
    from = mem_addr_log_count(t->sim, MEM_PORT_TBL);
    tbl_kind_t kn[] = {
        {"STE fetch", STRTAB_PA, STRTAB_PA + 0x4000, 0xb, 1, 0},
        {"nested CD fetch", cdn, cdn + 64, 0xf, 2, 0},
        {"nested stage-1 walk, level-1 table in NC memory", l1, l1 + 0x1000, 0x3, 3, 0},
        {"nested stage-1 walk", S1_POOL, S1_POOL + 0x1000000, 0xf, 2, 0},
        {"stage-2 walk (S2IR0/OR0 WT)", S2_POOL, S2_POOL + 0x1000000, 0x3, 3, 0},
    };
    x.sid = SID + 1;
    run_cmp(f, "nested", &x, false, false, NULL);
    /* (the level-1 table's range lies inside the stage-1 pool: it comes first, so wins) */
    check_tbl_log(t, from, kn, 5);
    /* stage 2 (uncached 4 for the CD's IPA, 4 for each of the 4 stage-1 tables, 4 for the
     * final IPA: 24): the walk caches keep what the CD's walk read, so the start table's
     * IPA (same 1 GB, another 2 MB) costs the level-2 and level-3 descriptors, each further
     * stage-1 table (same 2 MB) only its level-3 one, the final IPA (another 512 GB) all 4:
     * 4 + 2 + 1 + 1 + 1 + 4 = 13 */
    CHECK(kn[1].n == 1 && kn[2].n == 1 && kn[3].n == 3 && kn[4].n == 13,
          "accesses: %u CD, %u level-1, %u other stage-1, %u stage-2", kn[1].n, kn[2].n,
          kn[3].n, kn[4].n);

    /* Queues: CR1.QUEUE_* Non-cacheable -> AxCACHE 0011, System; the event queue write of a
     * fault too. */
    from = mem_addr_log_count(t->sim, MEM_PORT_TBL);
    cmd_sync1(f, CMD_OP_TLBI_NSNH_ALL, 0);
    tbl_kind_t kq[] = {{"command fetch", CMDQ_PA, CMDQ_PA + 0x1000, 0x3, 3, 0}};
    check_tbl_log(t, from, kq, 1);
    CHECK(kq[0].n >= 1, "no command fetch seen");
    size_t aw0 = mem_addr_log_count(t->sim, MEM_PORT_TBL);
    x.sid = 200; /* no STE configured: C_BAD_STE (V = 0) is recorded */
    uint8_t buf[8];
    dma_read(t->sim, &x, buf);
    sim_step(t->sim, 60);
    unsigned writes = 0;
    for (size_t i = aw0; i < mem_addr_log_count(t->sim, MEM_PORT_TBL); i++) {
        const mem_addr_log_t *a = mem_addr_log_get(t->sim, MEM_PORT_TBL, i);
        if (!a->write)
            continue;
        writes++;
        CHECK(a->addr >= EVTQ_PA && a->addr < EVTQ_PA + 0x1000 && a->cache == 0x3 &&
              a->domain == 3, "event write at 0x%" PRIx64 ": AxCACHE 0x%x AxDOMAIN %u",
              a->addr, a->cache, a->domain);
    }
    CHECK_EQ(writes, 1);
}
