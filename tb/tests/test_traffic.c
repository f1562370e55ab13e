/*
 * The traffic master (tm_*) and the memory model's new settings: many transactions in
 * flight, the wire mode, per-port latency, DECERR, reordered and interleaved responses,
 * the byte and address logs, ready hold modes; and the checker, shown catching every
 * violation it claims to by a memory port that breaks the protocol on purpose.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "smmu/smmu_regs.h"
#include "test.h"

static const sim_opts_t wire = {.wire = true};

static void pattern(uint8_t *b, size_t n, uint32_t seed)
{
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        b[i] = (uint8_t)(seed >> 16);
    }
}

static bool bypass_on(test_ctx_t *t)
{
    sim_reg_write32(t->sim, SMMU_GBPA, SMMU_GBPA_UPDATE_MASK | 1u << SMMU_GBPA_SHCFG_SHIFT);
    return sim_reg_poll32(t->sim, SMMU_GBPA, SMMU_GBPA_UPDATE_MASK, 0, 100);
}

#define NTX 64
#define BASE 0x40000000ull

/* 64 reads of 4 beats at once, each checked against what memory holds. */
static void many_reads(test_ctx_t *t, unsigned *peak, uint64_t *cycles)
{
    static uint8_t data[NTX][32], got[NTX][32];
    int h[NTX];
    for (unsigned i = 0; i < NTX; i++) {
        pattern(data[i], 32, 1000 + i);
        mem_write(t->sim, BASE + 0x100 * i, data[i], 32);
    }
    tm_stats_reset(t->sim);
    uint64_t c0 = sim_cycles(t->sim);
    for (unsigned i = 0; i < NTX; i++) {
        tm_txn_t x = tm_txn(false, 0, BASE + 0x100 * i, 4);
        x.id = (uint8_t)(i % 16);
        x.expect_rdata = data[i];
        x.expect_resp = 0;
        h[i] = tm_issue(t->sim, &x, got[i]);
    }
    for (unsigned i = 0; i < NTX; i++) {
        tm_result_t r = tm_wait(t->sim, h[i]);
        CHECK(r.resp == 0 && r.beats == 4, "read %u: resp %d, %u beats", i, r.resp, r.beats);
        CHECK(memcmp(got[i], data[i], 32) == 0, "read %u: data", i);
    }
    *cycles = sim_cycles(t->sim) - c0;
    tm_stats_t st;
    tm_stats(t->sim, &st);
    *peak = st.peak_rd;
    CHECK_EQ(st.done_rd, NTX);
    CHECK_EQ(st.r_beats, 4 * NTX);
}

TEST_OPTS(traffic_wire_many_outstanding, &wire)
{
    /* Latency 100: the wire keeps all 64 in flight, so they take about one latency. */
    mem_set_port_timing(t->sim, MEM_PORT_DN, 100, 100, 0);
    unsigned peak;
    uint64_t cyc;
    many_reads(t, &peak, &cyc);
    test_log(t, "wire: 64 x 32-byte reads at latency 100: %" PRIu64 " cycles, peak %u", cyc, peak);
    CHECK_EQ(peak, NTX);
    CHECK(cyc < 100 + 4 * NTX + 20, "64 reads took %" PRIu64 " cycles", cyc);
    mem_port_load_t ld;
    mem_port_load(t->sim, MEM_PORT_DN, &ld);
    CHECK_EQ(ld.rd_peak, NTX);
    CHECK_EQ(ld.rd_now, 0);
    /* The SMMU saw none of it. */
    sim_counters_t c;
    sim_counters(t->sim, &c);
    CHECK_EQ(c.tbl_ar, 0);

    /* The outstanding limit is a run-time setting. */
    tm_config_t cfg;
    tm_get_config(t->sim, &cfg);
    cfg.max_rd = 8;
    tm_config(t->sim, &cfg);
    many_reads(t, &peak, &cyc);
    CHECK_EQ(peak, 8);
    CHECK(cyc > 8 * 100, "8 at a time: %" PRIu64 " cycles", cyc);
}

TEST(traffic_through_smmu_bypass)
{
    /* Today's client port takes one transaction per direction at a time: the master
     * queues the rest and every one still completes with the right data. */
    REQUIRE(bypass_on(t), "bypass");
    unsigned peak;
    uint64_t cyc;
    many_reads(t, &peak, &cyc);
    test_log(t, "GBPA bypass: 64 x 32-byte reads: %" PRIu64 " cycles, peak %u outstanding",
             cyc, peak);
    CHECK(peak >= 1, "peak %u", peak);

    /* Writes and reads mixed, both directions at once, data checked in memory. */
    static uint8_t w[NTX][64], r[NTX][64];
    int hw[NTX], hr[NTX];
    for (unsigned i = 0; i < NTX; i++) {
        pattern(w[i], 64, 2000 + i);
        tm_txn_t x = tm_txn(true, 0, BASE + 0x10000 + 0x80 * i, 8);
        x.id = (uint8_t)(i & 3);
        x.wdata = w[i];
        x.expect_resp = 0;
        hw[i] = tm_issue(t->sim, &x, NULL);
    }
    for (unsigned i = 0; i < NTX; i++) {
        tm_txn_t x = tm_txn(false, 0, BASE + 0x80 * i, 8);
        x.id = (uint8_t)(4 + (i & 3));
        hr[i] = tm_issue(t->sim, &x, r[i]);
    }
    CHECK(tm_pending(t->sim, true) == NTX && tm_pending(t->sim, false) == NTX, "pending");
    tm_wait_all(t->sim);
    CHECK(tm_pending(t->sim, true) == 0 && tm_pending(t->sim, false) == 0, "still pending");
    for (unsigned i = 0; i < NTX; i++) {
        tm_result_t res;
        CHECK(tm_poll(t->sim, hw[i], &res) && res.resp == 0, "write %u", i);
        CHECK(tm_poll(t->sim, hr[i], &res) && res.resp == 0, "read %u", i);
        CHECK(res.dn.seen && res.dn.addr == BASE + 0x80 * i, "read %u went downstream to "
              "0x%" PRIx64, i, res.dn.addr);
        uint8_t m[64];
        mem_read(t->sim, BASE + 0x10000 + 0x80 * i, m, 64);
        CHECK(memcmp(m, w[i], 64) == 0, "write %u did not land", i);
        CHECK(!tm_poll(t->sim, hw[i], &res), "a handle polled twice");
    }
}

TEST_OPTS(traffic_wire_reorder_interleave, &wire)
{
    /* Different IDs may overtake and interleave; same-ID order always holds, and the
     * checker (which knows the data each read expects) would catch any slip. */
    mem_set_port_timing(t->sim, MEM_PORT_DN, 1, 30, 20);
    mem_set_order(t->sim, MEM_PORT_DN, MEM_ORDER_REORDER | MEM_ORDER_INTERLEAVE, 0);
    mem_log_enable(t->sim, MEM_PORT_DN, true);
    unsigned peak;
    uint64_t cyc;
    many_reads(t, &peak, &cyc);
    /* Out of issue order: some read finished before an older one of another ID. */
    size_t n = mem_log_count(t->sim, MEM_PORT_DN);
    const mem_log_entry_t *e = mem_log_entries(t->sim, MEM_PORT_DN);
    CHECK_EQ(n, 4 * NTX);
    unsigned switches = 0, reorders = 0;
    for (size_t i = 1; i < n; i++) {
        switches += e[i].id != e[i - 1].id && (e[i - 1].addr & 0x18) != 0x18;
        reorders += e[i].addr < e[i - 1].addr && (e[i].addr & 0x18) == 0;
    }
    test_log(t, "%u switches inside a burst, %u bursts started below the previous", switches,
             reorders);
    CHECK(switches > 0, "no read data interleaved across IDs");
    CHECK(reorders > 0, "no read overtook an older one");

    /* Writes reordered across IDs, same-ID B order checked by the expected response. */
    mem_add_error_range_resp(t->sim, BASE + 0x20000, 0x40, MEM_ERR_WRITE, 3);
    int h[16];
    for (unsigned i = 0; i < 16; i++) {
        tm_txn_t x = tm_txn(true, 0, BASE + 0x20000 + 0x40 * (i % 4), 1);
        x.id = (uint8_t)(i % 3);
        x.expect_resp = (i % 4 == 0) ? 3 : 0;
        h[i] = tm_issue(t->sim, &x, NULL);
    }
    for (unsigned i = 0; i < 16; i++) {
        tm_result_t r = tm_wait(t->sim, h[i]);
        CHECK_EQ(r.resp, (i % 4 == 0) ? 3 : 0);
    }
}

TEST_OPTS(traffic_memory_port_settings, &wire)
{
    /* Per-port latency: the downstream port alone. */
    mem_set_port_timing(t->sim, MEM_PORT_DN, 37, 37, 0);
    mem_set_port_timing(t->sim, MEM_PORT_TBL, 5, 5, 0);
    tm_txn_t x = tm_txn(false, 0, BASE, 1);
    tm_result_t r = tm_wait(t->sim, tm_issue(t->sim, &x, NULL));
    CHECK_EQ(r.t_done - r.t_addr, 38);

    /* DECERR and SLVERR ranges, the first matching range decides. */
    CHECK_EQ(mem_add_error_range_resp(t->sim, BASE + 0x1000, 0x100, MEM_ERR_READ, 3), 0);
    CHECK_EQ(mem_add_error_range(t->sim, BASE + 0x1000, 0x1000, MEM_ERR_READ), 0);
    CHECK_EQ(mem_add_error_range_resp(t->sim, BASE, 8, MEM_ERR_READ, 1), -1);
    x.addr = BASE + 0x1080;
    CHECK_EQ(tm_wait(t->sim, tm_issue(t->sim, &x, NULL)).resp, 3);
    x.addr = BASE + 0x1200;
    CHECK_EQ(tm_wait(t->sim, tm_issue(t->sim, &x, NULL)).resp, 2);
    mem_clear_error_ranges(t->sim);

    /* The byte log: byte-exact, strobes for writes, lanes for narrow reads; errored
     * beats carry their response. */
    mem_set_port_timing(t->sim, MEM_PORT_DN, 2, 2, 0);
    mem_log_enable(t->sim, MEM_PORT_DN, true);
    static const uint8_t strb[2] = {0x0f, 0xf0};
    uint8_t wd[16] = {0};
    x = tm_txn(true, 0, BASE + 0x2000, 2);
    x.wdata = wd;
    x.wstrb = strb;
    tm_wait(t->sim, tm_issue(t->sim, &x, NULL));
    x = tm_txn(false, 0, BASE + 0x3002, 3);
    x.size = 1; /* 2-byte beats, INCR */
    tm_wait(t->sim, tm_issue(t->sim, &x, NULL));
    size_t n = mem_log_count(t->sim, MEM_PORT_DN);
    const mem_log_entry_t *e = mem_log_entries(t->sim, MEM_PORT_DN);
    REQUIRE(n == 5, "%zu log entries", n);
    CHECK(e[0].write && e[0].addr == BASE + 0x2000 && e[0].mask == 0x0f, "write beat 0");
    CHECK(e[1].write && e[1].addr == BASE + 0x2008 && e[1].mask == 0xf0, "write beat 1");
    CHECK(!e[2].write && e[2].addr == BASE + 0x3002 && e[2].mask == 0x0c, "narrow read beat 0");
    CHECK(e[3].addr == BASE + 0x3004 && e[3].mask == 0x30, "narrow read beat 1");
    CHECK(e[4].addr == BASE + 0x3006 && e[4].mask == 0xc0, "narrow read beat 2");
    mem_log_clear(t->sim, MEM_PORT_DN);
    CHECK_EQ(mem_log_count(t->sim, MEM_PORT_DN), 0);

    /* The address log keeps every handshake with its attributes. */
    size_t na = mem_addr_log_count(t->sim, MEM_PORT_DN);
    const mem_addr_log_t *a = mem_addr_log_get(t->sim, MEM_PORT_DN, na - 1);
    REQUIRE(a != NULL, "no address log");
    CHECK(!a->write && a->addr == BASE + 0x3002 && a->len == 2 && a->size == 1, "last AR");
    CHECK(mem_addr_log_get(t->sim, MEM_PORT_DN, na) == NULL, "entry past the end");
}

TEST_OPTS(traffic_ready_hold, &wire)
{
    /* RREADY and BREADY held low: the port must hold its responses (the checker sees
     * them stable), and everything completes once released. */
    tm_hold_ready(t->sim, true, true, 200);
    tm_txn_t rd = tm_txn(false, 0, BASE, 4);
    int hr = tm_issue(t->sim, &rd, NULL);
    tm_txn_t w = tm_txn(true, 0, BASE, 4);
    int hw = tm_issue(t->sim, &w, NULL);
    sim_step(t->sim, 150);
    tm_result_t r;
    CHECK(!tm_poll(t->sim, hr, &r) && !tm_poll(t->sim, hw, &r), "completed while held");
    r = tm_wait(t->sim, hr);
    CHECK(r.t_done >= r.t_issue + 200, "read done at +%" PRIu64, r.t_done - r.t_issue);
    r = tm_wait(t->sim, hw);
    CHECK(r.resp == 0, "write resp %d", r.resp);

    /* Random low RREADY / BREADY with data checked. */
    tm_config_t cfg;
    tm_get_config(t->sim, &cfg);
    cfg.rready_low_pct = 60;
    cfg.bready_low_pct = 60;
    tm_config(t->sim, &cfg);
    unsigned peak;
    uint64_t cyc;
    many_reads(t, &peak, &cyc);
    tm_stats_t st;
    tm_stats(t->sim, &st);
    CHECK_EQ(st.violations, 0);
}

/* ---- the checker catches what it claims to ------------------------------------------ */

static void record_mode(test_ctx_t *t)
{
    tm_config_t cfg;
    tm_get_config(t->sim, &cfg);
    cfg.record_violations = true;
    tm_config(t->sim, &cfg);
}

static void expect_violation(test_ctx_t *t, const char *what, const char *needle)
{
    const char *msg, *found = NULL;
    for (size_t i = 0; (msg = tm_violation(t->sim, i)) != NULL; i++)
        if (!found && strstr(msg, needle))
            found = msg;
    CHECK(found != NULL, "%s: no violation \"%s\" recorded", what, needle);
    if (found)
        test_log(t, "%s: caught: %s", what, found);
}

/* Two same-ID reads with different data, the second returned first. */
TEST_OPTS(traffic_checker_same_id_read_order, &wire)
{
    record_mode(t);
    uint8_t d0[8] = {1}, d1[8] = {2};
    mem_write(t->sim, BASE, d0, 8);
    mem_write(t->sim, BASE + 8, d1, 8);
    mem_set_port_timing(t->sim, MEM_PORT_DN, 20, 20, 0);
    tm_txn_t x = tm_txn(false, 0, BASE, 1);
    x.id = 5;
    x.expect_rdata = d0;
    tm_issue(t->sim, &x, NULL);
    x.addr = BASE + 8;
    x.expect_rdata = d1;
    tm_issue(t->sim, &x, NULL);
    /* First without the bug: clean. */
    tm_wait_all(t->sim);
    tm_stats_t st;
    tm_stats(t->sim, &st);
    CHECK_EQ(st.violations, 0);
    mem_inject_bug(t->sim, MEM_PORT_DN, MEM_BUG_SAME_ID_REORDER);
    x.addr = BASE;
    x.expect_rdata = d0;
    tm_issue(t->sim, &x, NULL);
    x.addr = BASE + 8;
    x.expect_rdata = d1;
    tm_issue(t->sim, &x, NULL);
    tm_wait_all(t->sim);
    expect_violation(t, "same-ID reads swapped", "same-ID responses out of order");
}

TEST_OPTS(traffic_checker_same_id_write_order, &wire)
{
    record_mode(t);
    mem_add_error_range(t->sim, BASE + 0x40, 8, MEM_ERR_WRITE);
    mem_set_port_timing(t->sim, MEM_PORT_DN, 10, 10, 0);
    mem_inject_bug(t->sim, MEM_PORT_DN, MEM_BUG_SAME_ID_B_REORDER);
    tm_txn_t x = tm_txn(true, 0, BASE, 1);
    x.id = 3;
    x.expect_resp = 0;
    tm_issue(t->sim, &x, NULL);
    x.addr = BASE + 0x40;
    x.expect_resp = 2;
    tm_issue(t->sim, &x, NULL);
    tm_wait_all(t->sim);
    expect_violation(t, "same-ID writes swapped", "same-ID responses out of order");
}

TEST_OPTS(traffic_checker_rlast, &wire)
{
    record_mode(t);
    mem_inject_bug(t->sim, MEM_PORT_DN, MEM_BUG_EARLY_RLAST);
    tm_txn_t x = tm_txn(false, 0, BASE, 4);
    tm_issue(t->sim, &x, NULL);
    sim_step(t->sim, 30);
    expect_violation(t, "early RLAST", "RLAST early at beat 3 of 4");
    mem_inject_bug(t->sim, MEM_PORT_DN, MEM_BUG_MISSING_RLAST);
    x.id = 7;
    tm_issue(t->sim, &x, NULL);
    sim_step(t->sim, 30);
    expect_violation(t, "missing RLAST", "RLAST missing on beat 4 of 4");
}

TEST_OPTS(traffic_checker_wrong_id, &wire)
{
    record_mode(t);
    mem_inject_bug(t->sim, MEM_PORT_DN, MEM_BUG_WRONG_RID);
    tm_txn_t x = tm_txn(false, 0, BASE, 1);
    x.id = 2;
    tm_issue(t->sim, &x, NULL);
    sim_step(t->sim, 20);
    expect_violation(t, "wrong RID", "with no read outstanding");
}

TEST_OPTS(traffic_checker_b_before_wlast, &wire)
{
    record_mode(t);
    /* Data trickle in (W after AW, 90 % WREADY stalls) so the bogus B comes mid-burst. */
    tm_config_t cfg;
    tm_get_config(t->sim, &cfg);
    cfg.w_before_aw = false;
    tm_config(t->sim, &cfg);
    mem_inject_bug(t->sim, MEM_PORT_DN, MEM_BUG_B_BEFORE_WLAST);
    mem_set_port_timing(t->sim, MEM_PORT_DN, 2, 2, 90);
    tm_txn_t x = tm_txn(true, 0, BASE, 16);
    tm_issue(t->sim, &x, NULL);
    sim_step(t->sim, 100);
    expect_violation(t, "B before WLAST", "BVALID before the last W beat");
}

TEST_OPTS(traffic_checker_rvalid_stable, &wire)
{
    record_mode(t);
    tm_hold_ready(t->sim, true, false, 20);
    mem_inject_bug(t->sim, MEM_PORT_DN, MEM_BUG_RVALID_DROP);
    tm_txn_t x = tm_txn(false, 0, BASE, 1);
    tm_issue(t->sim, &x, NULL);
    sim_step(t->sim, 30);
    expect_violation(t, "RVALID dropped", "RVALID dropped or the payload changed");
}

TEST_OPTS(traffic_checker_w_before_aw, &wire)
{
    /* A port that forbids write data ahead of the address catches a master sending it:
     * the check the SMMU's downstream port can be held to. */
    record_mode(t);
    mem_set_w_after_aw(t->sim, MEM_PORT_DN, true);
    tm_config_t cfg;
    tm_get_config(t->sim, &cfg);
    cfg.max_wr = 1; /* the second AW waits for the first B; its data go ahead */
    tm_config(t->sim, &cfg);
    tm_txn_t x = tm_txn(true, 0, BASE, 2);
    tm_issue(t->sim, &x, NULL);
    tm_issue(t->sim, &x, NULL);
    tm_wait_all(t->sim);
    expect_violation(t, "W before AW", "W beat before the AW handshake");
    /* With W after AW, the same traffic is clean. */
    tm_stats_reset(t->sim);
    tm_stats_t st;
    tm_stats(t->sim, &st);
    uint64_t before = st.violations;
    cfg.w_before_aw = false;
    tm_config(t->sim, &cfg);
    tm_issue(t->sim, &x, NULL);
    tm_issue(t->sim, &x, NULL);
    tm_wait_all(t->sim);
    tm_stats(t->sim, &st);
    CHECK_EQ(st.violations, before);
}

TEST_OPTS(traffic_checker_wlast, &wire)
{
    /* A memory port counts the beats of each burst against its WLAST. */
    record_mode(t);
    tm_txn_t x = tm_txn(true, 0, BASE, 4);
    x.wlast_at = 1; /* early: WLAST on beat 2 of 4 (the master stops there) */
    tm_issue(t->sim, &x, NULL);
    x.wlast_at = 4; /* missing: 4 beats, none with WLAST */
    tm_issue(t->sim, &x, NULL);
    sim_step(t->sim, 40);
    expect_violation(t, "early WLAST", "WLAST early at beat 2 of a 4-beat burst");
    expect_violation(t, "missing WLAST", "WLAST missing at beat 4 of a 4-beat burst");
}
