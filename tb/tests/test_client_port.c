/*
 * The client port (rtl/up_if): transactions it cannot translate as one are terminated with
 * F_UUT and nothing reaches memory; malformed write data are contained; a client that
 * stops taking responses or sending data cannot hold a CMD_SYNC; many transactions in
 * flight keep the AXI order per ID.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "xlate_env.h"

#define SID 4u
#define VA 0x0000200000000000ull
#define PA 0x0000030000000000ull

/* A stage-1 stream mapping 8 pages VA -> PA, with the event queue on. */
static void s1_up(fx_t *f, stream_t *s)
{
    memset(s, 0, sizeof *s);
    s->config = STE_CFG_S1;
    s->asid = 5;
    stream_setup(f, SID, s);
    for (unsigned k = 0; k < 8; k++)
        s1_map(f, s, VA + 0x1000ull * k, s1_leaf(3, PA + 0x1000ull * k, 2, 1, 3));
}

/* SMMUEN = 0 with the event queue on and GBPA bypass (or abort). */
static fx_t *gbpa_up(test_ctx_t *t, bool abort)
{
    fx_t *f = fx_up(t, 0);
    cr0_set(f, SMMU_CR0_EVENTQEN_MASK | SMMU_CR0_CMDQEN_MASK);
    sim_reg_write32(t->sim, SMMU_GBPA, SMMU_GBPA_UPDATE_MASK |
                    (abort ? SMMU_GBPA_ABORT_MASK : 0u) | 1u << SMMU_GBPA_SHCFG_SHIFT);
    REQUIRE(sim_reg_poll32(t->sim, SMMU_GBPA, SMMU_GBPA_UPDATE_MASK, 0, POLLS), "GBPA");
    return f;
}

typedef struct {
    const char *what;
    uint64_t off;       /* page offset */
    uint8_t len, size, burst;
    unsigned reason;    /* F_UUT Reason */
} bad_burst_t;

static const bad_burst_t bad_bursts[] = {
    {"INCR 32 x 8 bytes at 0xF80 crosses 4 KB", 0xf80, 31, 3, 1, 1},
    {"INCR 2 x 8 bytes at 0xFF8 crosses 4 KB", 0xff8, 1, 3, 1, 1},
    {"INCR 256 x 1 byte at 0xF01 crosses 4 KB", 0xf01, 255, 0, 1, 1},
    {"reserved AxBURST 0b11", 0x100, 3, 3, 3, 2},
    {"WRAP of 3 beats", 0x100, 2, 3, 2, 3},
    {"WRAP not aligned to its size", 0x104, 3, 3, 2, 3},
    {"AxSIZE 7 (128 bytes) on a 64-bit bus", 0x000, 14, 7, 1, 4},
    {"AxSIZE 4 (16 bytes)", 0x000, 0, 4, 1, 4},
    {"FIXED of 17 beats", 0x100, 16, 3, 0, 5},
};

/* Each bad burst, read and write: SLVERR, F_UUT with its fields, and nothing of it on the
 * downstream port (byte log empty); a good access afterwards still works. */
static void bad_bursts_all(fx_t *f, uint32_t sid, uint64_t base, bool record)
{
    test_ctx_t *t = f->t;
    mem_log_enable(t->sim, MEM_PORT_DN, true);
    for (unsigned i = 0; i < sizeof bad_bursts / sizeof bad_bursts[0]; i++) {
        const bad_burst_t *b = &bad_bursts[i];
        for (int w = 0; w < 2; w++) {
            mem_log_clear(t->sim, MEM_PORT_DN);
            tm_txn_t x = tm_txn(w, sid, base + b->off, b->len + 1u);
            x.size = b->size;
            x.burst = b->burst;
            x.prot = w ? 1 : 5; /* privileged; reads also instruction */
            x.cache = 0xf;
            x.domain = 3;
            x.expect_resp = 2;
            tm_result_t r = tm_wait(t->sim, tm_issue(t->sim, &x, NULL));
            CHECK(r.resp == 2 && !r.dn.seen, "%s (%s): resp %d, downstream %d", b->what,
                  w ? "write" : "read", r.resp, r.dn.seen);
            CHECK_EQ(mem_log_count(t->sim, MEM_PORT_DN), 0);
            if (!record)
                continue;
            uint64_t d[4];
            bool got = evt_next(f, d);
            CHECK(got, "%s (%s): no F_UUT record", b->what, w ? "write" : "read");
            if (!got)
                continue;
            CHECK_EQ(d[0] & EVT_TYPE_MASK, EVT_F_UUT);
            CHECK_EQ((d[0] & EVT_SID_MASK) >> EVT_SID_SHIFT, sid);
            CHECK_EQ(d[1] & 0xffff, b->reason);
            CHECK_EQ(!!(d[1] & EVT_RNW_MASK), !w);
            CHECK_EQ(!!(d[1] & EVT_PNU_MASK), 1);
            CHECK_EQ(!!(d[1] & EVT_IND_MASK), !w);
            CHECK_EQ(d[2], base + b->off);
            test_log(t, "%-44s %-5s F_UUT reason %u", b->what, w ? "write" : "read",
                     (unsigned)(d[1] & 0xffff));
        }
    }
    /* the port still works */
    tm_txn_t x = tm_txn(true, sid, base + 0x40, 4);
    x.cache = 0xf;
    x.domain = 3;
    x.prot = 2;
    CHECK_EQ(tm_wait(t->sim, tm_issue(t->sim, &x, NULL)).resp, 0);
    x.write = false;
    CHECK_EQ(tm_wait(t->sim, tm_issue(t->sim, &x, NULL)).resp, 0);
    CHECK(evt_none(f), "a record after good accesses");
}

TEST(port_uut_translated)
{
    fx_t *f = fx_up(t, 0);
    stream_t s;
    s1_up(f, &s);
    bad_bursts_all(f, SID, VA, true);
}

TEST(port_uut_ste_bypass)
{
    fx_t *f = fx_up(t, 0);
    stream_t s = {.config = STE_CFG_BYPASS};
    stream_setup(f, SID, &s);
    bad_bursts_all(f, SID, PA, true);
}

TEST(port_uut_gbpa_bypass)
{
    /* SMMUEN = 0: terminated and recorded too (IHI 0070 §7.3.2 allows it) */
    fx_t *f = gbpa_up(t, false);
    bad_bursts_all(f, 9, PA, true);
}

/* Early and missing WLAST: the write is terminated (SLVERR, F_UUT 6/7), nothing of it is
 * written, and the writes around it, same ID and other IDs, land exactly. */
/* The SubstreamID from AxUSER reaches the event record (IHI 0070 7.3): with SSV = 1 each
 * record that has the field carries it, C_BAD_SUBSTREAMID without an SSV bit (7.3.9); with
 * SSV = 0 the field is 0 whatever AxUSER holds. SSIDSIZE = 0, so the outcome of an SSV = 1
 * transaction is the one it always had: C_BAD_SUBSTREAMID on a valid STE, or the
 * configuration fault that comes first (7.3.22). Each record is also compared with the
 * reference model's. */
static void ssid_expect(test_ctx_t *t, const char *what, const uint64_t d[4], unsigned type,
                        uint32_t sid, bool ssv_bit, uint32_t ssid)
{
    CHECK(d[0] == (type | (ssv_bit ? EVT_SSV_MASK : 0) | (uint64_t)ssid << EVT_SSID_SHIFT |
                   (uint64_t)sid << EVT_SID_SHIFT),
          "%s: dw0 0x%016" PRIx64 ", expected type 0x%02x SSV %d SubstreamID 0x%05x", what,
          d[0], type, ssv_bit, ssid);
    test_log(t, "%-40s dw0 0x%016" PRIx64, what, d[0]);
}

TEST(port_substreamid_records)
{
    fx_t *f = fx_up(t, 0);
    stream_t s;
    s1_up(f, &s);
    static const uint32_t ssids[] = {0xabcde, 0x00001, 0xfffff, 0x12345};
    for (unsigned i = 0; i < sizeof ssids / sizeof ssids[0]; i++) {
        for (int w = 0; w < 2; w++) {
            /* a valid stage-1 STE: C_BAD_SUBSTREAMID with the SubstreamID, no SSV bit */
            dma_txn_t x = txn(SID, VA + 0x1000ull * i);
            x.ssv = true;
            x.ssid = ssids[i];
            bool got = false;
            uint64_t d[4] = {0};
            run_cmp_evt(f, "SSV = 1 on a stage-1 stream", &x, w, false, NULL, &got, d);
            CHECK(got, "no C_BAD_SUBSTREAMID record");
            if (got)
                ssid_expect(t, "C_BAD_SUBSTREAMID", d, EVT_C_BAD_SUBSTREAMID, SID, false,
                            ssids[i]);
        }
    }
    /* a configuration fault ahead of the SubstreamID check: C_BAD_STE (V = 0) with SSV */
    uint64_t ste[8] = {0};
    wr_struct(f, ste_pa(f, SID + 1), ste);
    dma_txn_t x = txn(SID + 1, VA);
    x.ssv = true;
    x.ssid = 0x5a5a5;
    bool got = false;
    uint64_t d[4] = {0};
    run_cmp_evt(f, "C_BAD_STE with SSV = 1", &x, false, false, NULL, &got, d);
    CHECK(got, "no C_BAD_STE record");
    if (got)
        ssid_expect(t, "C_BAD_STE, SSV = 1", d, EVT_C_BAD_STE, SID + 1, true, 0x5a5a5);
    /* SSV = 0: no SubstreamID recorded, whatever AxUSER carries in the field */
    x.ssv = false;
    got = false;
    run_cmp_evt(f, "C_BAD_STE with SSV = 0", &x, true, false, NULL, &got, d);
    CHECK(got, "no C_BAD_STE record");
    if (got)
        ssid_expect(t, "C_BAD_STE, SSV = 0", d, EVT_C_BAD_STE, SID + 1, false, 0);
    /* F_UUT from the client port itself: an INCR burst across 4 KB with SSV = 1 */
    tm_txn_t u = tm_txn(false, SID, VA + 0xff8, 2);
    u.cache = 0xf;
    u.domain = 3;
    u.prot = 2;
    u.ssv = true;
    u.ssid = 0x70f0f;
    u.expect_resp = 2;
    CHECK_EQ(tm_wait(t->sim, tm_issue(t->sim, &u, NULL)).resp, 2);
    got = evt_next(f, d);
    CHECK(got, "no F_UUT record");
    if (got)
        ssid_expect(t, "F_UUT, SSV = 1", d, EVT_F_UUT, SID, true, 0x70f0f);
    /* the stream still translates without a SubstreamID */
    x = txn(SID, VA);
    rw_cmp(f, "good after SubstreamIDs", &x);
}

TEST(port_wlast_contained)
{
    fx_t *f = fx_up(t, 0);
    stream_t s;
    s1_up(f, &s);
    mem_log_enable(t->sim, MEM_PORT_DN, true);
    static const struct {
        int wlast_at;   /* for a 4-beat write */
        unsigned reason;
    } c[] = {{1, 6}, {0, 6}, {4, 7}};
    uint8_t pat[5][32];
    for (unsigned k = 0; k < 5; k++)
        for (unsigned b = 0; b < 32; b++)
            pat[k][b] = (uint8_t)(0x10 * k + b);
    for (unsigned i = 0; i < 3; i++) {
        mem_log_clear(t->sim, MEM_PORT_DN);
        int h[3];
        for (unsigned k = 0; k < 3; k++) {
            tm_txn_t x = tm_txn(true, SID, VA + 0x1000ull * k + 0x100 * i, 4);
            x.id = (uint8_t)(k == 2 ? 7 : 3); /* two with the same ID, one other */
            x.cache = 0xf;
            x.domain = 3;
            x.prot = 2;
            x.wdata = pat[k];
            if (k == 1)
                x.wlast_at = c[i].wlast_at;
            x.expect_resp = k == 1 ? 2 : 0;
            h[k] = tm_issue(t->sim, &x, NULL);
        }
        for (unsigned k = 0; k < 3; k++) {
            tm_result_t r = tm_wait(t->sim, h[k]);
            CHECK(r.resp == (k == 1 ? 2 : 0), "case %u write %u: resp %d", i, k, r.resp);
        }
        uint8_t got[32];
        mem_read(t->sim, PA + 0x100 * i, got, 32);
        CHECK(memcmp(got, pat[0], 32) == 0, "case %u: the write before", i);
        mem_read(t->sim, PA + 0x2000 + 0x100 * i, got, 32);
        CHECK(memcmp(got, pat[2], 32) == 0, "case %u: the write after", i);
        size_t n = mem_log_count(t->sim, MEM_PORT_DN);
        const mem_log_entry_t *e = mem_log_entries(t->sim, MEM_PORT_DN);
        for (size_t j = 0; j < n; j++)
            CHECK((e[j].addr & ~0xfffull) != PA + 0x1000, "case %u: the malformed write "
                  "reached memory at 0x%" PRIx64, i, e[j].addr);
        uint64_t d[4];
        bool got_evt = evt_next(f, d);
        CHECK(got_evt && (d[0] & EVT_TYPE_MASK) == EVT_F_UUT && (d[1] & 0xffff) == c[i].reason,
              "case %u: F_UUT reason %u expected", i, c[i].reason);
    }
}

/* ---- a stuck client ------------------------------------------------------------------
 *
 * One client (stream A) stops taking read data (RREADY low), or write responses (BREADY
 * low), or stops sending a write's data before WLAST, forever, with transactions of its
 * own and of another stream (B) in flight. Meanwhile software unmaps a page of B and one
 * of A, invalidates (TLBI_NH_VA, TLBI_NH_ASID, CFGI_STE) and issues CMD_SYNCs: each must
 * complete within SYNC_BOUND cycles (IHI 0070 §4.7.3: completion of a CMD_SYNC waits for
 * the transactions that used an invalidated translation, not for a client). A write whose
 * address was accepted before the invalidation and whose data come after the CMD_SYNC
 * completed must not use the old translation: it faults on the unmapped page and nothing
 * of it lands at the old PA. When the client goes on, every response arrives with the
 * expected result and data. The AXI channels are shared by all streams of the port (one
 * RREADY, one BREADY, W in AW order), so B's responses on a held channel wait too; B's
 * traffic on the other channels goes on. */
#define SID_B 6u
#define VA_B 0x0000300000000000ull
#define PA_B 0x0000040000000000ull
#define SYNC_BOUND 3000u
#define STUCK_N 80u    /* more than the port's 64 slots of a direction */

static const sim_opts_t stuck_opts = {.timeout_cycles = 4000000};

/* A TLBI (or any command) + CMD_SYNC, consumed within `bound` cycles? */
static bool sync_within(fx_t *f, uint64_t dw0, uint64_t dw1, uint64_t bound, uint64_t *took)
{
    sim_t *s = f->t->sim;
    cmd_put(f, dw0, dw1);
    cmd_put(f, CMD_OP_CMD_SYNC, 0);
    uint64_t c0 = sim_cycles(s);
    cmd_kick(f);
    while ((sim_reg_read32(s, SMMU_CMDQ_CONS) & SMMU_CMDQ_CONS_RD_MASK) != f->cmd_prod) {
        if (sim_cycles(s) - c0 > bound) {
            *took = sim_cycles(s) - c0;
            return false;
        }
    }
    *took = sim_cycles(s) - c0;
    return true;
}

static tm_txn_t st_txn(bool w, uint32_t sid, uint64_t addr, unsigned beats, uint8_t id, int resp)
{
    tm_txn_t x = tm_txn(w, sid, addr, beats);
    x.id = id;
    x.cache = 0xf;
    x.domain = 3;
    x.prot = 2;
    x.expect_resp = resp;
    return x;
}

enum { STUCK_RREADY, STUCK_BREADY, STUCK_WLAST, STUCK_ALL, STUCK_CASES };

static void stuck_case(fx_t *f, stream_t *a, stream_t *b, int which)
{
    static const char *names[] = {"RREADY withheld", "BREADY withheld", "WLAST withheld",
                                  "RREADY + BREADY + WLAST withheld"};
    test_ctx_t *t = f->t;
    sim_t *s = t->sim;
    bool hold_r = which == STUCK_RREADY || which == STUCK_ALL;
    bool hold_b = which == STUCK_BREADY || which == STUCK_ALL;
    bool hold_w = which == STUCK_WLAST || which == STUCK_ALL;
    static uint8_t pat[8][64], rd[STUCK_N + 64][64], wpat[2 * STUCK_N + 64][8];
    for (unsigned k = 0; k < 8; k++) {
        for (unsigned i = 0; i < 64; i++)
            pat[k][i] = (uint8_t)(which * 71 + k * 13 + i);
        mem_write(s, PA + 0x1000ull * k + 0x800, pat[k], 64);
        mem_write(s, PA_B + 0x1000ull * k + 0x800, pat[k], 64);
    }
    /* the pages to be unmapped are in the TLB */
    for (int w = 0; w < 2; w++) {
        tm_txn_t x = st_txn(w, SID_B, VA_B + 0x7000, 1, 1, 0);
        CHECK_EQ(tm_wait(s, tm_issue(s, &x, NULL)).resp, 0);
        x = st_txn(w, SID, VA + 0x5000, 1, 1, 0);
        CHECK_EQ(tm_wait(s, tm_issue(s, &x, NULL)).resp, 0);
    }
    mem_log_clear(s, MEM_PORT_DN);
    int hs[2 * STUCK_N + 64];
    unsigned n = 0, nrd = 0;
    bool hw[2 * STUCK_N + 64];
    uint64_t waddr[2 * STUCK_N + 64];
    /* the stuck write (A, page 5): translated with the old mapping, data stopped */
    int hstuck = -1;
    if (hold_w) {
        tm_txn_t x = st_txn(true, SID, VA + 0x5000 + 0x100, 8, 9, 2);
        x.wbeats_max = 3;
        hstuck = tm_issue(s, &x, NULL);
    }
    if (hold_r || hold_b)
        tm_hold_ready(s, hold_r, hold_b, TM_HOLD_FOREVER);
    /* the stuck client's own traffic (pages 0..3) and B's (pages 0..6), both directions */
    for (unsigned i = 0; i < STUCK_N + 32; i++) {
        bool a = i < STUCK_N, w = i & 1;
        unsigned k = a ? i : i - STUCK_N, pages = a ? 4 : 7;
        if (a && which != STUCK_WLAST)
            w = hold_b ? (i & 1) || !hold_r : false;
        uint64_t off = 0x1000ull * (k % pages) + (!w ? 0x800 : a ? 0x100 + 8 * (k / 4)
                                                                 : 0x200 + 8 * k);
        tm_txn_t x = st_txn(w, a ? SID : SID_B, (a ? VA : VA_B) + off, w ? 1 : 8,
                            (uint8_t)((a ? 0 : 8) + k % 8), 0);
        if (!w)
            x.expect_rdata = pat[k % pages];
        for (unsigned b = 0; b < 8; b++)
            wpat[n][b] = (uint8_t)(which * 31 + n * 7 + b);
        x.wdata = wpat[n];
        hw[n] = w;
        waddr[n] = (a ? PA : PA_B) + off;
        hs[n++] = tm_issue(s, &x, w ? NULL : rd[nrd++]);
    }
    /* the CMD_SYNCs come while reads and writes are still downstream (memory latency 200..400
     * cycles): they wait for those, never for the client */
    sim_step(s, 120);
    tm_stats_t st;
    tm_stats(s, &st);
    mem_port_load_t ld;
    mem_port_load(s, MEM_PORT_DN, &ld);
    test_log(t, "%-34s at the CMD_SYNC: %u reads, %u writes downstream", names[which], ld.rd_now,
             ld.wr_now);
    /* the CMD_SYNCs below have something downstream to wait for: reads in every case, writes
     * too when only B is withheld (a withheld WLAST keeps the W channel, and so the writes
     * behind it, in the port) */
    CHECK(ld.rd_now > 0, "%s: no read downstream when the CMD_SYNCs come", names[which]);
    CHECK(hold_w || !hold_b || ld.wr_now > 0, "%s: no write downstream when the CMD_SYNCs come",
          names[which]);
    /* software: unmap B's page 7 and A's page 5, invalidate, CMD_SYNC; three times over */
    s1_map(f, b, VA_B + 0x7000, 3ull << 62);
    s1_map(f, a, VA + 0x5000, 3ull << 62);
    uint64_t took;
    bool ok = sync_within(f, CMD_OP_TLBI_NH_VA | 6ull << CMD_ASID_SHIFT, VA_B + 0x7000,
                          SYNC_BOUND, &took);
    CHECK(ok, "%s: TLBI_NH_VA (stream B) + CMD_SYNC not done in %" PRIu64 " cycles",
          names[which], took);
    test_log(t, "%-34s TLBI_NH_VA of stream B + CMD_SYNC: %" PRIu64 " cycles", names[which], took);
    ok = sync_within(f, CMD_OP_TLBI_NH_ASID | 5ull << CMD_ASID_SHIFT, 0, SYNC_BOUND, &took);
    CHECK(ok, "%s: TLBI_NH_ASID (the stuck stream) + CMD_SYNC not done in %" PRIu64 " cycles",
          names[which], took);
    test_log(t, "%-34s TLBI_NH_ASID of stream A + CMD_SYNC: %" PRIu64 " cycles", names[which], took);
    ok = sync_within(f, CMD_OP_CFGI_STE | (uint64_t)SID_B << CMD_SID_SHIFT, 1, SYNC_BOUND, &took);
    CHECK(ok, "%s: CFGI_STE + CMD_SYNC not done in %" PRIu64 " cycles", names[which], took);
    CHECK_EQ(sim_reg_read32(s, SMMU_GERROR) ^ sim_reg_read32(s, SMMU_GERRORN), 0);
    /* after the CMD_SYNCs: B's unmapped page faults, both directions */
    int hpost[2];
    for (int w = 0; w < 2; w++) {
        tm_txn_t x = st_txn(w, SID_B, VA_B + 0x7000 + 0x40, 2, 15, 2);
        hpost[w] = tm_issue(s, &x, rd[nrd++]);
    }
    /* a channel nobody holds still works for B */
    if (!hold_r) {
        tm_result_t r;
        tm_txn_t x = st_txn(false, SID_B, VA_B + 0x800, 8, 14, 0);
        x.expect_rdata = pat[0];
        CHECK(tm_wait_within(s, tm_issue(s, &x, rd[nrd++]), SYNC_BOUND, &r) && r.resp == 0,
              "%s: stream B's read during the stall", names[which]);
    }
    if (!hold_b && !hold_w) {
        tm_result_t r;
        tm_txn_t x = st_txn(true, SID_B, VA_B + 0x6000 + 0x600, 1, 14, 0);
        CHECK(tm_wait_within(s, tm_issue(s, &x, NULL), SYNC_BOUND, &r) && r.resp == 0,
              "%s: stream B's write during the stall", names[which]);
    }
    sim_step(s, 200);
    /* the client goes on */
    tm_hold_ready(s, true, true, 0);
    if (hstuck >= 0)
        CHECK(tm_release_w(s, hstuck), "the stuck write ended while stopped");
    for (unsigned i = 0; i < n; i++) {
        tm_result_t r;
        bool done = tm_wait_within(s, hs[i], 20000, &r);
        CHECK(done && r.resp == 0, "%s: transaction %u (%s) after the release: %s, resp %d",
              names[which], i, hw[i] ? "write" : "read", done ? "done" : "hangs", r.resp);
        if (done && hw[i]) {
            uint8_t got[8];
            mem_read(s, waddr[i], got, 8);
            CHECK(memcmp(got, wpat[i], 8) == 0, "%s: write %u did not land at 0x%" PRIx64,
                  names[which], i, waddr[i]);
        }
    }
    for (int w = 0; w < 2; w++) {
        tm_result_t r;
        bool done = tm_wait_within(s, hpost[w], 20000, &r);
        CHECK(done && r.resp == 2, "%s: stream B's %s of its unmapped page after the CMD_SYNC: "
              "%s, resp %d", names[which], w ? "write" : "read", done ? "done" : "hangs", r.resp);
    }
    if (hstuck >= 0) {
        tm_result_t r;
        bool done = tm_wait_within(s, hstuck, 20000, &r);
        CHECK(done && r.resp == 2, "%s: the write stopped before the unmap, its data sent after "
              "the CMD_SYNC: %s, resp %d (the old translation must not be used)", names[which],
              done ? "done" : "hangs", r.resp);
    }
    /* nothing reached the unmapped pages after their CMD_SYNC; the writes landed */
    size_t nl = mem_log_count(s, MEM_PORT_DN);
    const mem_log_entry_t *e = mem_log_entries(s, MEM_PORT_DN);
    unsigned at_a5 = 0, at_b7 = 0;
    for (size_t j = 0; j < nl; j++) {
        at_a5 += (e[j].addr & ~0xfffull) == PA + 0x5000;
        at_b7 += (e[j].addr & ~0xfffull) == PA_B + 0x7000;
    }
    CHECK(at_a5 == 0, "%s: %u beats reached A's unmapped page", names[which], at_a5);
    CHECK(at_b7 == 0, "%s: %u beats reached B's unmapped page", names[which], at_b7);
    for (size_t j = 0; j < nl; j++)
        CHECK(e[j].resp == 0, "%s: downstream error at 0x%" PRIx64, names[which], e[j].addr);
    /* the faults recorded: F_TRANSLATION for B's page 7 (and A's page 5), nothing else */
    uint64_t d[4];
    unsigned nb7 = 0, na5 = 0, other = 0;
    while (evt_next(f, d)) {
        uint32_t sid = (uint32_t)((d[0] & EVT_SID_MASK) >> EVT_SID_SHIFT);
        bool tr = (d[0] & EVT_TYPE_MASK) == EVT_F_TRANSLATION;
        if (tr && sid == SID_B && (d[2] & ~0xfffull) == VA_B + 0x7000)
            nb7++;
        else if (tr && sid == SID && (d[2] & ~0xfffull) == VA + 0x5000)
            na5++;
        else
            other++;
    }
    CHECK(nb7 == 2 && na5 == (hold_w ? 1u : 0u) && other == 0,
          "%s: records: %u for B's page, %u for A's page, %u others", names[which], nb7, na5,
          other);
    /* map the pages again for the next case (invalid -> valid: no invalidation needed) */
    s1_map(f, b, VA_B + 0x7000, s1_leaf(3, PA_B + 0x7000, 2, 1, 3));
    s1_map(f, a, VA + 0x5000, s1_leaf(3, PA + 0x5000, 2, 1, 3));
}

TEST_OPTS(port_stuck_client_sync, &stuck_opts)
{
    fx_t *f = fx_up(t, 0);
    stream_t a, b;
    s1_up(f, &a);
    memset(&b, 0, sizeof b);
    b.config = STE_CFG_S1;
    b.asid = 6;
    stream_setup(f, SID_B, &b);
    for (unsigned k = 0; k < 8; k++)
        s1_map(f, &b, VA_B + 0x1000ull * k, s1_leaf(3, PA_B + 0x1000ull * k, 2, 1, 3));
    mem_set_timing(t->sim, 5, 5, 0);
    mem_set_port_timing(t->sim, MEM_PORT_DN, 200, 400, 0);
    mem_log_enable(t->sim, MEM_PORT_DN, true);
    for (int which = 0; which < STUCK_CASES; which++)
        stuck_case(f, &a, &b, which);
}

/* Reads in flight with the same and different IDs: per-ID order with a miss ahead of a
 * hit (the checker knows each read's data), and other IDs not held. */
TEST(port_order_miss_then_hit)
{
    fx_t *f = fx_up(t, 0);
    stream_t s;
    s1_up(f, &s);
    static uint8_t data[8][64];
    for (unsigned k = 0; k < 8; k++) {
        for (unsigned b = 0; b < 64; b++)
            data[k][b] = (uint8_t)(k * 31 + b);
        mem_write(t->sim, PA + 0x1000ull * k, data[k], 64);
    }
    /* page 0 warm (hits), pages 1..7 cold (misses) */
    tm_txn_t w = tm_txn(false, SID, VA, 1);
    tm_wait(t->sim, tm_issue(t->sim, &w, NULL));
    mem_set_port_timing(t->sim, MEM_PORT_TBL, 40, 40, 0);
    int h[16];
    for (unsigned i = 0; i < 16; i++) {
        unsigned page = (i & 1) ? 0 : 1 + (i / 2) % 7; /* miss, hit, miss, hit, ... */
        tm_txn_t x = tm_txn(false, SID, VA + 0x1000ull * page, 8);
        x.id = (uint8_t)(i < 8 ? 2 : 3 + i);   /* 8 on ID 2, the rest alone */
        x.cache = 0xf;
        x.domain = 3;
        x.prot = 2;
        x.expect_rdata = data[page];
        x.expect_resp = 0;
        h[i] = tm_issue(t->sim, &x, NULL);
    }
    tm_result_t r[16];
    for (unsigned i = 0; i < 16; i++)
        r[i] = tm_wait(t->sim, h[i]);
    for (unsigned i = 1; i < 8; i++)
        CHECK(r[i].t_done >= r[i - 1].t_done, "ID 2: read %u answered before read %u", i,
              i - 1);
    tm_stats_t st;
    tm_stats(t->sim, &st);
    CHECK(st.peak_rd >= 16, "only %u reads were held at once", st.peak_rd);
}

/* The fast path (micro-TLB): once a page's translation is known, reads of it go downstream
 * one per cycle without a translation round trip, and their data pass straight through;
 * a TLBI + CMD_SYNC empties it, so the next read of a remapped page goes to the new
 * page; with RREADY held low the passing beat is held, not lost. */
TEST(port_fast_path)
{
    fx_t *f = fx_up(t, 0);
    stream_t s;
    s1_up(f, &s);
    static uint8_t d0[256], d1[256];
    for (unsigned b = 0; b < 256; b++) {
        d0[b] = (uint8_t)(0x40 + b * 3);
        d1[b] = (uint8_t)(0xc0 ^ b);
    }
    mem_write(t->sim, PA, d0, 256);
    mem_write(t->sim, PA + 0x7000ull, d1, 256);

    tm_txn_t x = tm_txn(false, SID, VA, 1);
    x.cache = 0xf;
    x.domain = 3;
    x.prot = 2;
    x.expect_resp = 0;
    tm_result_t cold = tm_wait(t->sim, tm_issue(t->sim, &x, NULL)); /* fills the micro-TLB */
    /* 32 single-beat reads of that page, on 4 IDs, issued back to back */
    int h[32];
    for (unsigned i = 0; i < 32; i++) {
        tm_txn_t y = x;
        y.addr = VA + 8u * i;
        y.id = (uint8_t)(i & 3);
        y.expect_rdata = d0 + 8u * i;
        h[i] = tm_issue(t->sim, &y, NULL);
    }
    tm_result_t r[32];
    for (unsigned i = 0; i < 32; i++)
        r[i] = tm_wait(t->sim, h[i]);
    unsigned steady = 0;
    uint64_t worst = 0;
    for (unsigned i = 1; i < 32; i++) {
        steady += r[i].t_addr == r[i - 1].t_addr + 1;
        if (r[i].t_done - r[i].t_addr > worst)
            worst = r[i].t_done - r[i].t_addr;
        CHECK(r[i].dn.seen && r[i].dn.addr == PA + 8u * i, "read %u went to 0x%" PRIx64, i,
              r[i].dn.addr);
    }
    test_log(t, "cold read %" PRIu64 " cycles; 32 hits: %u of 31 address handshakes in "
             "consecutive cycles, slowest %" PRIu64 " cycles", cold.t_done - cold.t_addr,
             steady, worst);
    CHECK(steady == 31, "hits took %u of 31 consecutive address handshakes", steady);
    CHECK(worst < cold.t_done - cold.t_addr, "a hit (%" PRIu64 ") as slow as the miss",
          worst);

    /* remap the page: after TLBI + CMD_SYNC the old translation is never used */
    s1_map(f, &s, VA, s1_leaf(3, PA + 0x7000ull, 2, 1, 3));
    cmd_sync1(f, CMD_OP_TLBI_NH_VA | (uint64_t)s.asid << CMD_ASID_SHIFT, VA);
    tm_txn_t z = x;
    z.expect_rdata = d1;
    tm_result_t n = tm_wait(t->sim, tm_issue(t->sim, &z, NULL));
    CHECK(n.dn.seen && n.dn.addr == PA + 0x7000ull, "after the TLBI: 0x%" PRIx64, n.dn.addr);

    /* RREADY low while the beats arrive: each is held in the output stage, none lost */
    tm_hold_ready(t->sim, true, false, 300);
    for (unsigned i = 0; i < 8; i++) {
        tm_txn_t y = z;
        y.addr = VA + 8u * i;
        y.id = (uint8_t)i;
        y.expect_rdata = d1 + 8u * i;
        h[i] = tm_issue(t->sim, &y, NULL);
    }
    for (unsigned i = 0; i < 8; i++)
        CHECK_EQ(tm_wait(t->sim, h[i]).resp, 0);
}
