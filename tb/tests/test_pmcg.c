/*
 * The Performance Monitor Counter Group (IHI 0070 chapter 10) through the SMMU's ports:
 * its ID registers, every event counted exactly against the harness's own counts
 * (cycles, client-port address handshakes, table-port reads by AXI ID) over random
 * traffic with many transactions in flight, TLB and configuration-cache misses exactly
 * against a model of the caches over random one-at-a-time traffic, StreamID filters
 * (exact and span), enable/disable, overflow with its wired interrupt and MSI, an aborted
 * MSI, and a test derived from the SBSA rules (IDR0.MSI = 1; a PMCG with at least 4
 * counters reachable and counting).
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "smmu/smmu_regs.h"
#include "test.h"
#include "xlate_env.h"

#define EVTYPER(n) (SMMU_PMCG_EVTYPER0 + 4u * (n))
#define SMR(n) (SMMU_PMCG_SMR0 + 4u * (n))
#define SPAN SMMU_PMCG_EVTYPER0_FILTER_SID_SPAN_MASK
#define WALK_ID_FIRST 2u /* table-port read IDs: 0 cmdq, 1 configuration, 2.. walkers */
#define MSI_ID 1u        /* the MSI writer's ID on the write channel */

static unsigned nctr(test_ctx_t *t)
{
    return (sim_reg_read32(t->sim, SMMU_PMCG_CFGR) & SMMU_PMCG_CFGR_NCTR_MASK) + 1u;
}

static unsigned ctr_bits(test_ctx_t *t)
{
    return ((sim_reg_read32(t->sim, SMMU_PMCG_CFGR) & SMMU_PMCG_CFGR_SIZE_MASK) >>
            SMMU_PMCG_CFGR_SIZE_SHIFT) + 1u;
}

static uint32_t ctr_off(test_ctx_t *t, unsigned n)
{
    return SMMU_PMCG_EVCNTR0 + (ctr_bits(t) > 32 ? 8u : 4u) * n;
}

static uint64_t ctr_read(test_ctx_t *t, unsigned n)
{
    return ctr_bits(t) > 32 ? sim_reg_read64(t->sim, ctr_off(t, n))
                            : sim_reg_read32(t->sim, ctr_off(t, n));
}

static void ctr_write(test_ctx_t *t, unsigned n, uint64_t v)
{
    if (ctr_bits(t) > 32)
        sim_reg_write64(t->sim, ctr_off(t, n), v);
    else
        sim_reg_write32(t->sim, ctr_off(t, n), (uint32_t)v);
}

/* Counter n counts `event`, for every StreamID (span, all ones) or exactly `sid`. */
static void ctr_setup(test_ctx_t *t, unsigned n, unsigned event, bool all, uint32_t smr, bool span)
{
    sim_reg_write32(t->sim, EVTYPER(n), event | (all || span ? SPAN : 0u));
    sim_reg_write32(t->sim, SMR(n), all ? 0xffffffffu : smr);
    ctr_write(t, n, 0);
}

/* The table-port reads logged since `from`: by the configuration fetcher and the walkers. */
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
        else if (a->id >= WALK_ID_FIRST)
            (*walk)++;
    }
}

static uint64_t rng_next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* Streams used by the traffic: stage 1, ASIDs apart, 4 mapped pages each (12 TLB
 * entries, 3 configurations: both caches hold all of them), plus unmapped pages. */
#define NSTREAMS 3
static const uint32_t sids[NSTREAMS] = {0x11, 0x15, 0x22};
#define NPAGES 6 /* pages 0-3 mapped, 4-5 not (F_TRANSLATION, never cached) */
static uint64_t page_va(unsigned p) { return 0x40000000ull + 0x1000ull * p; }

static fx_t *traffic_up(test_ctx_t *t)
{
    fx_t *f = fx_up(t, 0);
    for (unsigned s = 0; s < NSTREAMS; s++) {
        stream_t st = {.config = STE_CFG_S1, .vmid = 1, .asid = (uint16_t)(10 + s)};
        stream_setup(f, sids[s], &st);
        for (unsigned p = 0; p < 4; p++)
            s1_map(f, &st, page_va(p), s1_leaf(3, 0x50000000ull + 0x100000ull * s + 0x1000ull * p,
                                                2, 1, 3));
    }
    return f;
}

TEST(pmcg_id_regs)
{
    const sim_params_t *p = sim_params(t->sim);
    uint32_t cfgr = sim_reg_read32(t->sim, SMMU_PMCG_CFGR);
    unsigned n = nctr(t);

    test_log(t, "PMCG_CFGR 0x%08x: %u counters of %u bits", cfgr, n, ctr_bits(t));
    CHECK(n >= 4 && n <= 32, "NCTR + 1 = %u", n);
    CHECK(ctr_bits(t) == 32 || ctr_bits(t) == 36 || ctr_bits(t) == 40 || ctr_bits(t) == 44 ||
              ctr_bits(t) == 48 || ctr_bits(t) == 64,
          "SIZE = %u is an architected size", ctr_bits(t) - 1);
    CHECK_EQ((cfgr & SMMU_PMCG_CFGR_RELOC_CTRS_MASK) != 0, true);
    CHECK_EQ((cfgr & SMMU_PMCG_CFGR_SID_FILTER_TYPE_MASK) != 0, false);
    CHECK_EQ((cfgr & SMMU_PMCG_CFGR_CAPTURE_MASK) != 0, false);
    CHECK_EQ((cfgr & SMMU_PMCG_CFGR_MSI_MASK) != 0, p->msi != 0);
    CHECK_EQ(sim_reg_read64(t->sim, SMMU_PMCG_CEID0), 0x3full);
    CHECK_EQ(sim_reg_read64(t->sim, SMMU_PMCG_CEID1), 0ull);
    CHECK_EQ(sim_reg_read32(t->sim, SMMU_PMCG_AIDR), sim_reg_read32(t->sim, SMMU_AIDR));
    CHECK_EQ(sim_reg_read32(t->sim, SMMU_PMCG_IIDR), sim_reg_read32(t->sim, SMMU_IIDR));
    /* reset state: disabled */
    CHECK_EQ(sim_reg_read32(t->sim, SMMU_PMCG_CR), 0u);
    CHECK_EQ(sim_reg_read64(t->sim, SMMU_PMCG_CNTENSET0), 0ull);
    CHECK_EQ(sim_reg_read32(t->sim, SMMU_PMCG_IRQ_CTRLACK), 0u);

    /* the enable bitmaps: W1S/W1C, bits of absent counters RES0 */
    uint64_t all = n >= 64 ? ~0ull : (1ull << n) - 1;
    sim_reg_write64(t->sim, SMMU_PMCG_CNTENSET0, ~0ull);
    CHECK_EQ(sim_reg_read64(t->sim, SMMU_PMCG_CNTENSET0), all);
    CHECK_EQ(sim_reg_read64(t->sim, SMMU_PMCG_CNTENCLR0), all);
    sim_reg_write64(t->sim, SMMU_PMCG_CNTENCLR0, 0x5);
    CHECK_EQ(sim_reg_read64(t->sim, SMMU_PMCG_CNTENSET0), all & ~0x5ull);
    sim_reg_write64(t->sim, SMMU_PMCG_CNTENCLR0, ~0ull);
    CHECK_EQ(sim_reg_read64(t->sim, SMMU_PMCG_CNTENSET0), 0ull);
    sim_reg_write32(t->sim, SMMU_PMCG_INTENSET0, 0x3);
    CHECK_EQ(sim_reg_read64(t->sim, SMMU_PMCG_INTENCLR0), 0x3ull);
    sim_reg_write32(t->sim, SMMU_PMCG_INTENCLR0, 0x1);
    CHECK_EQ(sim_reg_read64(t->sim, SMMU_PMCG_INTENSET0), 0x2ull);
    sim_reg_write64(t->sim, SMMU_PMCG_OVSSET0, ~0ull);
    CHECK_EQ(sim_reg_read64(t->sim, SMMU_PMCG_OVSCLR0), all);
    sim_reg_write64(t->sim, SMMU_PMCG_OVSCLR0, ~0ull);
    CHECK_EQ(sim_reg_read64(t->sim, SMMU_PMCG_OVSSET0), 0ull);

    /* EVTYPER: EVENT[15:0] and FILTER_SID_SPAN; SMR: the StreamID bits (10.4.1) */
    for (unsigned i = 0; i < n; i++) {
        sim_reg_write32(t->sim, EVTYPER(i), 0xffffffffu);
        CHECK_EQ(sim_reg_read32(t->sim, EVTYPER(i)), SPAN | 0xffffu);
        sim_reg_write32(t->sim, SMR(i), 0xffffffffu);
        CHECK_EQ(sim_reg_read32(t->sim, SMR(i)),
                 p->sid_bits >= 32 ? 0xffffffffu : (1u << p->sid_bits) - 1);
        ctr_write(t, i, 0x12345678u + i);
        CHECK_EQ(ctr_read(t, i), 0x12345678ull + i);
    }
    /* the registers of absent counters read 0 */
    CHECK_EQ(sim_reg_read32(t->sim, EVTYPER(n)), 0u);
    CHECK_EQ(sim_reg_read32(t->sim, SMR(n)), 0u);
    CHECK_EQ(ctr_read(t, n), 0ull);
    /* page 0 holds no counters (RELOC_CTRS = 1) */
    CHECK_EQ(sim_reg_read32(t->sim, SMMU_PMCG_EVCNTR0 - 0x10000u), 0u);
    /* not counting while CR.E = 0, whatever CNTEN says */
    sim_reg_write32(t->sim, EVTYPER(0), 0);
    sim_reg_write64(t->sim, SMMU_PMCG_CNTENSET0, 1);
    sim_step(t->sim, 50);
    CHECK_EQ(ctr_read(t, 0), 0x12345678ull);
    sim_reg_write64(t->sim, SMMU_PMCG_CNTENCLR0, ~0ull);

    /* IRQ_CFG0-2: writable fields only with MSI, Guarded by IRQEN and its ACK */
    uint64_t pam = p->pa_bits >= 64 ? ~0ull : (1ull << p->pa_bits) - 1;
    uint64_t amask = p->msi ? SMMU_PMCG_IRQ_CFG0_ADDR_MASK & pam : 0;
    sim_reg_write64(t->sim, SMMU_PMCG_IRQ_CFG0, ~0ull);
    sim_reg_write32(t->sim, SMMU_PMCG_IRQ_CFG1, ~0u);
    sim_reg_write32(t->sim, SMMU_PMCG_IRQ_CFG2, ~0u);
    CHECK_EQ(sim_reg_read64(t->sim, SMMU_PMCG_IRQ_CFG0), amask);
    CHECK_EQ(sim_reg_read32(t->sim, SMMU_PMCG_IRQ_CFG1), p->msi ? ~0u : 0u);
    CHECK_EQ(sim_reg_read32(t->sim, SMMU_PMCG_IRQ_CFG2), p->msi ? 0x3fu : 0u);
    sim_reg_write32(t->sim, SMMU_PMCG_IRQ_CTRL, 1);
    CHECK(sim_reg_poll32(t->sim, SMMU_PMCG_IRQ_CTRLACK, 1, 1, 20), "IRQ_CTRLACK.IRQEN");
    sim_reg_write64(t->sim, SMMU_PMCG_IRQ_CFG0, 0x1000);
    sim_reg_write32(t->sim, SMMU_PMCG_IRQ_CFG1, 7);
    CHECK_EQ(sim_reg_read64(t->sim, SMMU_PMCG_IRQ_CFG0), amask);
    CHECK_EQ(sim_reg_read32(t->sim, SMMU_PMCG_IRQ_CFG1), p->msi ? ~0u : 0u);
    sim_reg_write32(t->sim, SMMU_PMCG_IRQ_CTRL, 0);
    CHECK(sim_reg_poll32(t->sim, SMMU_PMCG_IRQ_CTRLACK, 1, 0, 20), "IRQ_CTRLACK.IRQEN clear");
    sim_reg_write64(t->sim, SMMU_PMCG_IRQ_CFG0, 0x1000);
    CHECK_EQ(sim_reg_read64(t->sim, SMMU_PMCG_IRQ_CFG0), 0x1000u & amask);
}

/* Every event on every counter, against the harness: random traffic, up to 16
 * transactions in flight per direction, mapped and unmapped pages, three streams; counters
 * 0-5 count events 0-5 for every StreamID, 6 and 7 (when present) transactions of one
 * stream exactly and walk accesses of a StreamID span. */
TEST(pmcg_events_exact)
{
    fx_t *f = traffic_up(t);
    unsigned n = nctr(t);
    uint64_t seed = 0x9e3779b97f4a7c15ull;
    static uint64_t rbuf[64][4];

    for (unsigned e = 0; e < 6; e++)
        ctr_setup(t, e, e, true, 0, false);
    if (n >= 8) {
        ctr_setup(t, 6, 1, false, sids[1], false);        /* transactions of 0x15 exactly */
        ctr_setup(t, 7, 4, false, 0x13, true);            /* walk reads of 0x10-0x17 */
    }
    tm_config_t tc = {.max_rd = 16, .max_wr = 16, .w_before_aw = true};
    tm_config(t->sim, &tc);
    tm_stats_reset(t->sim);

    for (unsigned round = 0; round < 3; round++) {
        size_t mark = mem_addr_log_count(t->sim, MEM_PORT_TBL);
        uint64_t n_sid1 = 0, n_txn = 0;
        sim_reg_write64(t->sim, SMMU_PMCG_CNTENSET0, n >= 64 ? ~0ull : (1ull << n) - 1);
        for (unsigned i = 0; i < n; i++)
            ctr_write(t, i, 0);
        sim_reg_write32(t->sim, SMMU_PMCG_CR, 1);
        uint64_t c0 = sim_cycles(t->sim);
        for (unsigned i = 0; i < 400; i++) {
            uint64_t r = rng_next(&seed);
            unsigned s = (unsigned)(r % NSTREAMS);
            unsigned pg = (unsigned)((r >> 8) % NPAGES);
            bool wr = (r >> 16) & 1;
            tm_txn_t x = tm_txn(wr, sids[s], page_va(pg) + ((r >> 20) & 0x3c0), 1 + (unsigned)((r >> 32) & 3));
            tm_issue(t->sim, &x, rbuf[i % 64]);
            n_txn++;
            if (s == 1)
                n_sid1++;
            if ((i % 64) == 63)
                tm_wait_all(t->sim);
        }
        tm_wait_all(t->sim);
        tm_discard_done(t->sim);
        /* invalidate between rounds so the next one misses again */
        sim_reg_write32(t->sim, SMMU_PMCG_CR, 0);
        uint64_t c1 = sim_cycles(t->sim);
        uint64_t cfg_rd, walk_rd;
        tbl_reads(t, mark, &cfg_rd, &walk_rd);
        uint64_t v[8] = {0};
        for (unsigned i = 0; i < 8 && i < n; i++)
            v[i] = ctr_read(t, i);
        test_log(t, "round %u: cycles %" PRIu64 "/%" PRIu64 ", txns %" PRIu64 "/%" PRIu64
                 ", TLB misses %" PRIu64 ", cfg misses %" PRIu64 ", walk reads %" PRIu64 "/%" PRIu64
                 ", cfg reads %" PRIu64 "/%" PRIu64, round, v[0], c1 - c0, v[1], n_txn, v[2], v[3],
                 v[4], walk_rd, v[5], cfg_rd);
        CHECK(v[0] == c1 - c0, "cycles: counted %" PRIu64 ", harness %" PRIu64, v[0], c1 - c0);
        CHECK(v[1] == n_txn, "transactions: counted %" PRIu64 ", issued %" PRIu64, v[1], n_txn);
        CHECK(v[4] == walk_rd, "walk reads: counted %" PRIu64 ", table port %" PRIu64, v[4], walk_rd);
        CHECK(v[5] == cfg_rd, "config reads: counted %" PRIu64 ", table port %" PRIu64, v[5], cfg_rd);
        /* misses: at least one per stream and page first walked, at most one per txn */
        CHECK(v[2] >= 1 && v[2] <= n_txn, "TLB misses %" PRIu64, v[2]);
        CHECK(v[3] <= n_txn, "config misses %" PRIu64, v[3]);
        if (n >= 8) {
            CHECK(v[6] == n_sid1, "transactions of 0x%x: counted %" PRIu64 ", issued %" PRIu64,
                  sids[1], v[6], n_sid1);
            /* every walk is for 0x11, 0x15 or 0x22: the span 0x10-0x17 counts the first two */
            CHECK(v[7] <= v[4] && v[7] > 0, "walk reads of 0x10-0x17: %" PRIu64 " of %" PRIu64,
                  v[7], v[4]);
        }
        cmd_sync1(f, CMD_OP_TLBI_NSNH_ALL, 0);
        cmd_sync1(f, CMD_OP_CFGI_STE_RANGE, 31);
    }
}

/* TLB and configuration-cache misses exactly, one transaction at a time: a model of the
 * caches (they hold every entry of this traffic, so a mapped page misses on its first
 * access only, an unmapped one every time; a stream's configuration on its first access)
 * predicts each miss, per stream through filtered counters. */
TEST(pmcg_misses_exact)
{
    fx_t *f = traffic_up(t);
    unsigned n = nctr(t);
    uint64_t seed = 0x123456789abcdefull;
    bool walked[NSTREAMS][NPAGES];
    bool cfg_seen[NSTREAMS];
    uint64_t exp_tlb = 0, exp_cfg = 0, exp_tlb_s0 = 0, exp_cfg_s2 = 0;

    memset(walked, 0, sizeof walked);
    memset(cfg_seen, 0, sizeof cfg_seen);
    cmd_sync1(f, CMD_OP_TLBI_NSNH_ALL, 0);
    cmd_sync1(f, CMD_OP_CFGI_STE_RANGE, 31);
    ctr_setup(t, 0, 2, true, 0, false);
    ctr_setup(t, 1, 3, true, 0, false);
    ctr_setup(t, 2, 2, false, sids[0], false);
    ctr_setup(t, 3, 3, false, sids[2], false);
    sim_reg_write64(t->sim, SMMU_PMCG_CNTENSET0, 0xf);
    sim_reg_write32(t->sim, SMMU_PMCG_CR, 1);
    tm_config_t tc = {.max_rd = 1, .max_wr = 1, .w_before_aw = true};
    tm_config(t->sim, &tc);
    for (unsigned i = 0; i < 300; i++) {
        uint64_t r = rng_next(&seed), buf[4];
        unsigned s = (unsigned)(r % NSTREAMS);
        unsigned pg = (unsigned)((r >> 8) % NPAGES);
        tm_txn_t x = tm_txn((r >> 16) & 1, sids[s], page_va(pg) + ((r >> 20) & 0x3c0), 1);
        tm_result_t res = tm_wait(t->sim, tm_issue(t->sim, &x, buf));
        if (!cfg_seen[s]) {
            cfg_seen[s] = true;
            exp_cfg++;
            exp_cfg_s2 += s == 2;
        }
        bool hit = pg < 4 && walked[s][pg];
        if (!hit) {
            exp_tlb++;
            exp_tlb_s0 += s == 0;
            if (pg < 4)
                walked[s][pg] = true;
        }
        CHECK(pg < 4 ? res.resp == 0 : res.resp == 2, "txn %u resp %d", i, res.resp);
        /* every 100: invalidate all, the caches start empty again */
        if (i % 100 == 99) {
            cmd_sync1(f, CMD_OP_TLBI_NSNH_ALL, 0);
            cmd_sync1(f, CMD_OP_CFGI_STE_RANGE, 31);
            memset(walked, 0, sizeof walked);
            memset(cfg_seen, 0, sizeof cfg_seen);
        }
    }
    sim_reg_write32(t->sim, SMMU_PMCG_CR, 0);
    test_log(t, "TLB misses %" PRIu64 " (model %" PRIu64 "), config misses %" PRIu64
             " (model %" PRIu64 ")", ctr_read(t, 0), exp_tlb, ctr_read(t, 1), exp_cfg);
    CHECK_EQ(ctr_read(t, 0), exp_tlb);
    CHECK_EQ(ctr_read(t, 1), exp_cfg);
    CHECK_EQ(ctr_read(t, 2), exp_tlb_s0);
    CHECK_EQ(ctr_read(t, 3), exp_cfg_s2);
    (void)n;
}

/* StreamID filters (10.4): exact, spans of 2, 8 and 16 StreamIDs, all (all ones), and
 * all with the top implemented bit 0 (the largest span). */
TEST(pmcg_sid_filter)
{
    traffic_up(t);
    const sim_params_t *p = sim_params(t->sim);
    uint32_t top = p->sid_bits >= 32 ? 0x7fffffffu : (1u << (p->sid_bits - 1)) - 1;
    static const struct { uint32_t smr; bool span; unsigned n11, n15, n22; } f[] = {
        {0x15, false, 0, 1, 0},  /* exactly 0x15 */
        {0x14, true, 0, 1, 0},   /* 0x14-0x15 */
        {0x13, true, 1, 1, 0},   /* 0x10-0x17 */
        {0x17, true, 1, 1, 0},   /* 0x10-0x1f */
        {0x2f, true, 0, 0, 1},   /* 0x20-0x3f */
        {0xffffffffu, true, 1, 1, 1},
    };
    unsigned n = nctr(t), k = (unsigned)(sizeof f / sizeof f[0]);
    uint64_t buf[4];

    sim_reg_write64(t->sim, SMMU_PMCG_CNTENCLR0, ~0ull);
    for (unsigned base = 0; base < k + 1; base += n) {
        unsigned m = 0;
        for (unsigned i = 0; i < n && base + i < k + 1; i++, m++) {
            if (base + i < k)
                ctr_setup(t, i, 1, false, f[base + i].smr, f[base + i].span);
            else
                ctr_setup(t, i, 1, false, top, true);
        }
        sim_reg_write64(t->sim, SMMU_PMCG_CNTENSET0, (1ull << m) - 1);
        sim_reg_write32(t->sim, SMMU_PMCG_CR, 1);
        /* 3 transactions of 0x11, 5 of 0x15, 7 of 0x22 */
        static const unsigned cnt[NSTREAMS] = {3, 5, 7};
        for (unsigned s = 0; s < NSTREAMS; s++)
            for (unsigned j = 0; j < cnt[s]; j++) {
                tm_txn_t x = tm_txn(false, sids[s], page_va(j % 4), 1);
                tm_wait(t->sim, tm_issue(t->sim, &x, buf));
            }
        sim_reg_write32(t->sim, SMMU_PMCG_CR, 0);
        for (unsigned i = 0; i < m; i++) {
            uint64_t want = base + i < k ? 3ull * f[base + i].n11 + 5ull * f[base + i].n15 +
                                               7ull * f[base + i].n22
                                         : 15;
            uint64_t got = ctr_read(t, i);
            CHECK(got == want, "SMR 0x%x span %d: %" PRIu64 " transactions, want %" PRIu64,
                  base + i < k ? f[base + i].smr : top, base + i < k ? f[base + i].span : 1,
                  got, want);
        }
        sim_reg_write64(t->sim, SMMU_PMCG_CNTENCLR0, ~0ull);
    }
    /* event 0 is never filtered: a filter nothing matches still counts cycles */
    ctr_setup(t, 0, 0, false, 0x3, false);
    sim_reg_write64(t->sim, SMMU_PMCG_CNTENSET0, 1);
    sim_reg_write32(t->sim, SMMU_PMCG_CR, 1);
    sim_step(t->sim, 100);
    sim_reg_write32(t->sim, SMMU_PMCG_CR, 0);
    CHECK(ctr_read(t, 0) >= 100, "cycles counted under a StreamID filter: %" PRIu64,
          ctr_read(t, 0));
    /* an unimplemented event number counts nothing */
    ctr_setup(t, 0, 0x80, true, 0, false);
    sim_reg_write32(t->sim, SMMU_PMCG_CR, 1);
    tm_txn_t x = tm_txn(false, sids[0], page_va(0), 1);
    tm_wait(t->sim, tm_issue(t->sim, &x, buf));
    sim_reg_write32(t->sim, SMMU_PMCG_CR, 0);
    CHECK_EQ(ctr_read(t, 0), 0ull);
}

/* Overflow (10.5.2.9): OVS set, the count wraps, the wired interrupt and the MSI only
 * with INTEN and IRQEN; an aborted MSI sets IRQ_STATUS.IRQ_ABT, cleared when IRQEN is
 * Updated from 0 to 1; OVSSET0 raises no interrupt. */
TEST(pmcg_overflow_irq)
{
    fx_up(t, 0);
    const sim_params_t *p = sim_params(t->sim);
    unsigned bits = ctr_bits(t);
    uint64_t max = bits >= 64 ? ~0ull : (1ull << bits) - 1;
    const uint64_t tgt = 0x7ff00400ull;

    ctr_setup(t, 1, 0, true, 0, false);
    sim_reg_write64(t->sim, SMMU_PMCG_CNTENSET0, 2);
    /* without INTEN: OVS, no interrupt */
    ctr_write(t, 1, max - 20);
    uint64_t irq0 = sim_irq_count(t->sim, SIM_IRQ_PMCG);
    sim_reg_write32(t->sim, SMMU_PMCG_IRQ_CTRL, 1);
    CHECK(sim_reg_poll32(t->sim, SMMU_PMCG_IRQ_CTRLACK, 1, 1, 20), "IRQ_CTRLACK");
    sim_reg_write32(t->sim, SMMU_PMCG_CR, 1);
    sim_step(t->sim, 60);
    sim_reg_write32(t->sim, SMMU_PMCG_CR, 0);
    CHECK_EQ(sim_reg_read64(t->sim, SMMU_PMCG_OVSSET0), 2ull);
    CHECK(ctr_read(t, 1) < 100, "wrapped to %" PRIu64, ctr_read(t, 1));
    CHECK_EQ(sim_irq_count(t->sim, SIM_IRQ_PMCG), irq0);
    sim_reg_write64(t->sim, SMMU_PMCG_OVSCLR0, 2);
    CHECK_EQ(sim_reg_read64(t->sim, SMMU_PMCG_OVSSET0), 0ull);

    /* with INTEN and IRQEN: one pulse per overflow, and the MSI */
    sim_reg_write32(t->sim, SMMU_PMCG_IRQ_CTRL, 0);
    CHECK(sim_reg_poll32(t->sim, SMMU_PMCG_IRQ_CTRLACK, 1, 0, 20), "ACK clear");
    sim_reg_write64(t->sim, SMMU_PMCG_IRQ_CFG0, tgt);
    sim_reg_write32(t->sim, SMMU_PMCG_IRQ_CFG1, 0xabcd0002u);
    sim_reg_write32(t->sim, SMMU_PMCG_IRQ_CFG2, 0x1); /* Device-nGnRE */
    mem_write64(t->sim, tgt, 0);
    sim_reg_write64(t->sim, SMMU_PMCG_INTENSET0, 2);
    sim_reg_write32(t->sim, SMMU_PMCG_IRQ_CTRL, 1);
    CHECK(sim_reg_poll32(t->sim, SMMU_PMCG_IRQ_CTRLACK, 1, 1, 20), "IRQ_CTRLACK");
    size_t mark = mem_addr_log_count(t->sim, MEM_PORT_TBL);
    ctr_write(t, 1, max - 20);
    sim_reg_write32(t->sim, SMMU_PMCG_CR, 1);
    sim_step(t->sim, 60);
    sim_reg_write32(t->sim, SMMU_PMCG_CR, 0);
    CHECK_EQ(sim_irq_count(t->sim, SIM_IRQ_PMCG), irq0 + 1);
    CHECK_EQ(sim_reg_read64(t->sim, SMMU_PMCG_OVSSET0), 2ull);
    unsigned msis = 0;
    for (size_t i = mark; i < mem_addr_log_count(t->sim, MEM_PORT_TBL); i++) {
        const mem_addr_log_t *a = mem_addr_log_get(t->sim, MEM_PORT_TBL, i);
        if (a && a->write && a->id == MSI_ID) {
            msis++;
            CHECK(a->addr == tgt && a->size == 2 && a->len == 0, "MSI write at 0x%" PRIx64, a->addr);
            CHECK(a->cycle > sim_irq_last_cycle(t->sim, SIM_IRQ_PMCG), "MSI after the overflow");
        }
    }
    CHECK_EQ(msis, p->msi ? 1u : 0u);
    uint32_t word = 0;
    mem_read(t->sim, tgt, &word, 4);
    CHECK_EQ(word, p->msi ? 0xabcd0002u : 0u);
    /* OVSSET0 raises no interrupt */
    sim_reg_write64(t->sim, SMMU_PMCG_OVSCLR0, 2);
    sim_reg_write64(t->sim, SMMU_PMCG_OVSSET0, 2);
    sim_step(t->sim, 20);
    CHECK_EQ(sim_irq_count(t->sim, SIM_IRQ_PMCG), irq0 + 1);
    sim_reg_write64(t->sim, SMMU_PMCG_OVSCLR0, 2);

    /* an aborted MSI: IRQ_STATUS.IRQ_ABT, nothing else; cleared by IRQEN 0 -> 1 */
    REQUIRE(mem_add_error_range(t->sim, tgt & ~0xfffull, 0x1000, MEM_ERR_WRITE) == 0, "error range");
    ctr_write(t, 1, max - 20);
    sim_reg_write32(t->sim, SMMU_PMCG_CR, 1);
    sim_step(t->sim, 60);
    sim_reg_write32(t->sim, SMMU_PMCG_CR, 0);
    CHECK_EQ(sim_irq_count(t->sim, SIM_IRQ_PMCG), irq0 + 2);
    CHECK_EQ(sim_reg_read32(t->sim, SMMU_PMCG_IRQ_STATUS), p->msi ? 1u : 0u);
    CHECK_EQ(sim_reg_read32(t->sim, SMMU_GERROR) & SMMU_GERROR_MSI_GERROR_ABT_ERR_MASK, 0u);
    mem_clear_error_ranges(t->sim);
    sim_reg_write32(t->sim, SMMU_PMCG_IRQ_CTRL, 0);
    CHECK(sim_reg_poll32(t->sim, SMMU_PMCG_IRQ_CTRLACK, 1, 0, 20), "ACK clear");
    CHECK_EQ(sim_reg_read32(t->sim, SMMU_PMCG_IRQ_STATUS), p->msi ? 1u : 0u);
    sim_reg_write32(t->sim, SMMU_PMCG_IRQ_CTRL, 1);
    CHECK(sim_reg_poll32(t->sim, SMMU_PMCG_IRQ_CTRLACK, 1, 1, 20), "IRQ_CTRLACK");
    CHECK_EQ(sim_reg_read32(t->sim, SMMU_PMCG_IRQ_STATUS), 0u);
}

/* Derived from the SBSA SMMU rules: level 6 wants IDR0.MSI = 1 (S_L6SM_03), level 7 a
 * PMCG with at least 4 counters (S_L7SM_03/04): read the ID registers as a compliance
 * suite does, then make each of 4 counters count cycles. */
TEST(pmcg_sbsa)
{
    const sim_params_t *p = sim_params(t->sim);
    uint32_t idr0 = sim_reg_read32(t->sim, SMMU_IDR0);
    unsigned n = nctr(t);

    CHECK_EQ((idr0 & SMMU_IDR0_MSI_MASK) != 0, p->msi != 0);
    if (p->msi == 0)
        test_log(t, "MSI = 0 build: the level 6 rule is not met by design");
    CHECK(n >= 4, "PMCG counters %u", n);
    for (unsigned i = 0; i < 4; i++)
        ctr_setup(t, i, 0, true, 0, false);
    sim_reg_write64(t->sim, SMMU_PMCG_CNTENSET0, 0xf);
    sim_reg_write32(t->sim, SMMU_PMCG_CR, 1);
    sim_step(t->sim, 40);
    sim_reg_write32(t->sim, SMMU_PMCG_CR, 0);
    for (unsigned i = 0; i < 4; i++)
        CHECK(ctr_read(t, i) >= 40, "counter %u counted %" PRIu64 " cycles", i, ctr_read(t, i));
}
