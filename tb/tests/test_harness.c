/*
 * The harness itself: the backdoor memory, the DMA pool, error injection, latency and
 * back-pressure (which must never change results), reset, counters and the trace.
 * Client traffic goes through the SMMU in global bypass (SMMU_GBPA.ABORT = 0).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "smmu/smmu_regs.h"
#include "test.h"

#define ACK_POLLS 100u

static bool bypass_on(test_ctx_t *t)
{
    sim_reg_write32(t->sim, SMMU_GBPA, SMMU_GBPA_UPDATE_MASK | 1u << SMMU_GBPA_SHCFG_SHIFT);
    bool ok = sim_reg_poll32(t->sim, SMMU_GBPA, SMMU_GBPA_UPDATE_MASK, 0, ACK_POLLS);
    CHECK(ok, "GBPA.Update did not clear");
    return ok;
}

static void fill(uint8_t *b, size_t n, uint32_t seed)
{
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        b[i] = (uint8_t)(seed >> 16);
    }
}

static dma_txn_t txn(uint64_t addr, uint32_t len)
{
    dma_txn_t x;
    memset(&x, 0, sizeof x);
    x.addr = addr;
    x.len = len;
    x.cache = 0xf;
    x.domain = 3;
    x.prot = 2;
    return x;
}

TEST(harness_backdoor_memory)
{
    uint8_t w[256], r[256];

    /* Never written: zero, anywhere. */
    mem_read(t->sim, 0x123456789a00ull, r, sizeof r);
    uint8_t zero[256] = {0};
    CHECK(memcmp(r, zero, sizeof r) == 0, "unwritten memory is not zero");

    /* Across a 4 KB page boundary. */
    fill(w, sizeof w, 1);
    mem_write(t->sim, 0x12345f80ull, w, sizeof w);
    mem_read(t->sim, 0x12345f80ull, r, sizeof r);
    CHECK(memcmp(w, r, sizeof w) == 0, "write/read across a page boundary");
    mem_read(t->sim, 0x12346000ull, r, 16);
    CHECK(memcmp(w + 0x80, r, 16) == 0, "the second page holds the tail");

    /* Little-endian 64-bit accessors. */
    mem_write64(t->sim, 0x5000, 0x0807060504030201ull);
    mem_read(t->sim, 0x5000, r, 8);
    CHECK(r[0] == 1 && r[7] == 8, "mem_write64 is not little-endian");
    CHECK_EQ(mem_read64(t->sim, 0x5000), 0x0807060504030201ull);
    CHECK_EQ(mem_read64(t->sim, 0x5004), 0x08070605ull);

    /* The top of the 64-bit space and the edges of the pool. */
    mem_write64(t->sim, 0xfffffffffffffff8ull, 0x1122334455667788ull);
    CHECK_EQ(mem_read64(t->sim, 0xfffffffffffffff8ull), 0x1122334455667788ull);
    fill(w, 64, 2);
    mem_write(t->sim, SIM_DMA_POOL_PA - 32, w, 64);
    mem_read(t->sim, SIM_DMA_POOL_PA - 32, r, 64);
    CHECK(memcmp(w, r, 64) == 0, "write/read across the start of the pool");
    mem_write(t->sim, SIM_DMA_POOL_PA + SIM_DMA_POOL_SIZE - 32, w, 64);
    mem_read(t->sim, SIM_DMA_POOL_PA + SIM_DMA_POOL_SIZE - 32, r, 64);
    CHECK(memcmp(w, r, 64) == 0, "write/read across the end of the pool");

    uint64_t pa;
    size_t size;
    uint8_t *pool = mem_dma_pool(t->sim, &pa, &size);
    CHECK(memcmp(pool, w + 32, 32) == 0, "the pool's first bytes");
    CHECK(memcmp(pool + size - 32, w, 32) == 0, "the pool's last bytes");
}

TEST(harness_dma_pool_coherence)
{
    uint64_t pa = 0;
    size_t size = 0;
    uint8_t *pool = mem_dma_pool(t->sim, &pa, &size);
    REQUIRE(pool != NULL, "no pool");
    CHECK_EQ(pa, SIM_DMA_POOL_PA);
    CHECK_EQ(size, SIM_DMA_POOL_SIZE);
    CHECK(mem_dma_pool(t->sim, NULL, NULL) == pool, "the pool moved");
    CHECK(pool[0] == 0 && pool[size - 1] == 0, "the pool does not start zeroed");
    REQUIRE(bypass_on(t), "bypass");

    /* CPU store -> backdoor and bus reads. */
    uint8_t w[512], r[512];
    fill(w, sizeof w, 3);
    memcpy(pool + 0x3000, w, sizeof w);
    mem_read(t->sim, pa + 0x3000, r, sizeof r);
    CHECK(memcmp(w, r, sizeof w) == 0, "backdoor read of a CPU store");
    dma_txn_t x = txn(pa + 0x3000, sizeof r);
    memset(r, 0, sizeof r);
    dma_result_t res = dma_read(t->sim, &x, r);
    CHECK(res.resp == 0 && memcmp(w, r, sizeof w) == 0, "bus read of a CPU store");

    /* Backdoor and bus writes -> CPU loads. */
    fill(w, sizeof w, 4);
    mem_write(t->sim, pa + 0x5000, w, sizeof w);
    CHECK(memcmp(pool + 0x5000, w, sizeof w) == 0, "CPU load of a backdoor write");
    fill(w, sizeof w, 5);
    x.addr = pa + 0x7100;
    res = dma_write(t->sim, &x, w);
    CHECK(res.resp == 0 && memcmp(pool + 0x7100, w, sizeof w) == 0, "CPU load of a bus write");
    mem_write64(t->sim, pa + size - 8, 0xa5a5a5a5a5a5a5a5ull);
    CHECK(pool[size - 1] == 0xa5, "the pool's last byte");
}

TEST(harness_error_injection)
{
    REQUIRE(bypass_on(t), "bypass");
    uint8_t w[256], r[256], orig[256];
    uint64_t base = 0x40001000ull;

    CHECK_EQ(mem_add_error_range(t->sim, base + 0x100, 0x100, MEM_ERR_READ), 0);
    CHECK_EQ(mem_add_error_range(t->sim, base + 0x400, 0x10, MEM_ERR_WRITE), 0);
    fill(orig, sizeof orig, 6);
    mem_write(t->sim, base, orig, sizeof orig);
    mem_write(t->sim, base + 0x300, orig, sizeof orig);

    static const struct {
        uint64_t off;
        uint32_t len;
        int rd, wr; /* expected responses */
    } c[] = {
        {0x000, 256, 0, 0}, /* ends where the read range starts */
        {0x0f8, 16, 2, 0},  /* last beat in the read range */
        {0x180, 8, 2, 0},
        {0x1f8, 8, 2, 0},   /* last dword of the read range */
        {0x200, 256, 0, 0}, /* just after it */
        {0x380, 256, 0, 2}, /* covers the write range */
        {0x408, 8, 0, 2},
        {0x410, 64, 0, 0},
    };
    for (unsigned i = 0; i < sizeof c / sizeof c[0]; i++) {
        uint64_t a = base + c[i].off;
        dma_txn_t x = txn(a, c[i].len);
        dma_result_t res = dma_read(t->sim, &x, r);
        CHECK(res.resp == c[i].rd, "read 0x%" PRIx64 "+%u: resp %d, expected %d", a, c[i].len,
              res.resp, c[i].rd);
        uint8_t before[256];
        mem_read(t->sim, a, before, c[i].len);
        fill(w, c[i].len, 7 + i);
        res = dma_write(t->sim, &x, w);
        CHECK(res.resp == c[i].wr, "write 0x%" PRIx64 "+%u: resp %d, expected %d", a, c[i].len,
              res.resp, c[i].wr);
        mem_read(t->sim, a, r, c[i].len);
        if (c[i].wr)
            CHECK(memcmp(r, before, c[i].len) == 0, "a failed write changed 0x%" PRIx64, a);
        else
            CHECK(memcmp(r, w, c[i].len) == 0, "write 0x%" PRIx64 " did not land", a);
    }

    /* Ranges apply inside the pool too; clearing them restores OKAY. */
    uint64_t pa;
    size_t size;
    uint8_t *pool = mem_dma_pool(t->sim, &pa, &size);
    CHECK_EQ(mem_add_error_range(t->sim, pa + 0x8000, 0x1000, MEM_ERR_READ | MEM_ERR_WRITE), 0);
    memset(pool + 0x8800, 0x77, 64);
    dma_txn_t x = txn(pa + 0x8800, 64);
    fill(w, 64, 9);
    CHECK_EQ(dma_write(t->sim, &x, w).resp, 2);
    CHECK(pool[0x8800] == 0x77 && pool[0x883f] == 0x77, "a failed pool write changed the pool");
    CHECK_EQ(dma_read(t->sim, &x, r).resp, 2);
    mem_clear_error_ranges(t->sim);
    CHECK_EQ(dma_write(t->sim, &x, w).resp, 0);
    CHECK_EQ(dma_read(t->sim, &x, r).resp, 0);
    CHECK(memcmp(r, w, 64) == 0, "data after clearing the ranges");

    /* At most 16 ranges; empty or flagless ones are refused. */
    for (unsigned i = 0; i < 16; i++)
        CHECK_EQ(mem_add_error_range(t->sim, 0x90000000ull + i * 0x1000, 8, MEM_ERR_READ), 0);
    CHECK_EQ(mem_add_error_range(t->sim, 0xa0000000ull, 8, MEM_ERR_READ), -1);
    mem_clear_error_ranges(t->sim);
    CHECK_EQ(mem_add_error_range(t->sim, 0xa0000000ull, 0, MEM_ERR_READ), -1);
    CHECK_EQ(mem_add_error_range(t->sim, 0xa0000000ull, 8, 0), -1);
}

/* The same traffic under a timing setting; returns the cycles of the first read. */
static uint64_t traffic(test_ctx_t *t, const char *label)
{
    static const struct {
        uint64_t addr;
        uint32_t len;
    } c[] = {{0x50000000ull, 8},  {0x50000100ull, 64},   {0x50001000ull, 2048},
             {0x50002ff8ull, 8},  {0x50003800ull, 1024}, {SIM_DMA_POOL_PA + 0x20000, 256}};
    uint8_t w[2048], r[2048];
    uint64_t first = 0;
    for (unsigned i = 0; i < sizeof c / sizeof c[0]; i++) {
        fill(w, c[i].len, 100 + i);
        dma_txn_t x = txn(c[i].addr, c[i].len);
        x.id = (uint8_t)i;
        dma_result_t res = dma_write(t->sim, &x, w);
        CHECK(res.resp == 0, "%s: write %u resp %d", label, i, res.resp);
        memset(r, 0, c[i].len);
        res = dma_read(t->sim, &x, r);
        CHECK(res.resp == 0 && memcmp(w, r, c[i].len) == 0, "%s: read %u (0x%" PRIx64 "+%u)",
              label, i, c[i].addr, c[i].len);
        if (i == 0)
            first = res.cycles;
        mem_read(t->sim, c[i].addr, r, c[i].len);
        CHECK(memcmp(w, r, c[i].len) == 0, "%s: memory %u", label, i);
    }
    return first;
}

TEST(harness_timing_does_not_change_results)
{
    REQUIRE(bypass_on(t), "bypass");
    static const struct {
        unsigned lo, hi, stall;
    } tm[] = {{0, 0, 0}, {2, 2, 0}, {10, 10, 0}, {5, 40, 0}, {0, 3, 50}, {1, 20, 80}, {0, 0, 95}};
    uint64_t cyc[7];
    for (unsigned i = 0; i < 7; i++) {
        char label[48];
        snprintf(label, sizeof label, "latency %u..%u stall %u%%", tm[i].lo, tm[i].hi, tm[i].stall);
        mem_set_timing(t->sim, tm[i].lo, tm[i].hi, tm[i].stall);
        cyc[i] = traffic(t, label);
        test_log(t, "%s: single-beat read %" PRIu64 " cycles", label, cyc[i]);
    }
    /* A fixed latency adds exactly itself to a single-beat read. */
    CHECK(cyc[1] == cyc[0] + 2, "latency 2: %" PRIu64 " cycles vs %" PRIu64, cyc[1], cyc[0]);
    CHECK(cyc[2] == cyc[0] + 10, "latency 10: %" PRIu64 " cycles vs %" PRIu64, cyc[2], cyc[0]);
    sim_counters_t c;
    sim_counters(t->sim, &c);
    CHECK_EQ(c.dn_ar, 7 * 6);
    CHECK_EQ(c.dn_aw, 7 * 6);
}

/* Back-pressure on the table port: event-queue records written under stalls. */
static const sim_opts_t seeded = {.seed = 0x1234567ull};

TEST_OPTS(harness_table_port_under_stalls, &seeded)
{
    mem_set_timing(t->sim, 3, 25, 60);
    uint64_t pa;
    size_t size;
    mem_dma_pool(t->sim, &pa, &size);
    uint64_t eq = pa + 0x1000;
    sim_reg_write64(t->sim, SMMU_EVENTQ_BASE, eq | 3);
    sim_reg_write32(t->sim, SMMU_STRTAB_BASE_CFG, 1); /* 2 StreamIDs */
    sim_reg_write32(t->sim, SMMU_CR2, SMMU_CR2_RECINVSID_MASK);
    uint32_t en = SMMU_CR0_EVENTQEN_MASK | SMMU_CR0_SMMUEN_MASK;
    sim_reg_write32(t->sim, SMMU_CR0, en);
    REQUIRE(sim_reg_poll32(t->sim, SMMU_CR0ACK, en, en, ACK_POLLS), "CR0ACK");
    uint8_t buf[32];
    for (unsigned i = 0; i < 6; i++) {
        dma_txn_t x = txn(0x60000000ull, 32);
        x.sid = 2 + i;
        CHECK_EQ((i & 1) ? dma_write(t->sim, &x, buf).resp : dma_read(t->sim, &x, buf).resp, 2);
    }
    CHECK(sim_reg_poll32(t->sim, SMMU_EVENTQ_PROD, SMMU_EVENTQ_PROD_WR_MASK, 6, ACK_POLLS),
          "EVENTQ_PROD 0x%x, expected 6", sim_reg_read32(t->sim, SMMU_EVENTQ_PROD));
    for (unsigned i = 0; i < 6; i++) {
        uint64_t d0 = mem_read64(t->sim, eq + 32 * i);
        CHECK(d0 == ((uint64_t)(2 + i) << EVT_SID_SHIFT | EVT_C_BAD_STREAMID),
              "record %u dword 0: 0x%016" PRIx64, i, d0);
    }
    sim_counters_t c;
    sim_counters(t->sim, &c);
    CHECK_EQ(c.tbl_w_beats, 6 * 4);
}

TEST(harness_reset_keeps_memory)
{
    const sim_params_t *p = sim_params(t->sim);
    REQUIRE(bypass_on(t), "bypass");
    mem_write64(t->sim, 0x7000, 0xdeadbeefcafef00dull);
    sim_reg_write32(t->sim, SMMU_CR1, 0x555);
    uint64_t before = sim_cycles(t->sim);
    sim_reset(t->sim, 5);
    CHECK(sim_cycles(t->sim) == before + 5, "reset took %" PRIu64 " cycles",
          sim_cycles(t->sim) - before);
    CHECK_EQ(sim_reg_read32(t->sim, SMMU_CR1), 0);
    uint32_t gbpa = (p->gbpa_abort ? SMMU_GBPA_ABORT_MASK : 0u) | 1u << SMMU_GBPA_SHCFG_SHIFT;
    CHECK_EQ(sim_reg_read32(t->sim, SMMU_GBPA), gbpa);
    CHECK_EQ(mem_read64(t->sim, 0x7000), 0xdeadbeefcafef00dull);
    /* The DMA master works after a reset. */
    REQUIRE(bypass_on(t), "bypass");
    uint8_t r[8];
    dma_txn_t x = txn(0x7000, 8);
    CHECK_EQ(dma_read(t->sim, &x, r).resp, 0);
    CHECK(r[0] == 0x0d && r[7] == 0xde, "data after reset");
}

TEST(harness_clock_and_counters)
{
    uint64_t c0 = sim_cycles(t->sim);
    sim_step(t->sim, 37);
    CHECK_EQ(sim_cycles(t->sim) - c0, 37);
    c0 = sim_cycles(t->sim);
    (void)sim_reg_read32(t->sim, SMMU_IDR0);
    CHECK(sim_cycles(t->sim) > c0, "a register read took no time");
    CHECK_EQ(sim_irq_count(t->sim, SIM_IRQ_EVENTQ), 0);
    CHECK_EQ(sim_irq_count(t->sim, SIM_IRQ_CMD_SYNC), 0);
    CHECK_EQ(sim_irq_count(t->sim, SIM_IRQ_GERROR), 0);
    sim_counters_t c;
    sim_counters(t->sim, &c);
    CHECK_EQ(c.tbl_ar + c.tbl_aw + c.tbl_r_beats + c.tbl_w_beats + c.dn_ar + c.dn_aw, 0);

    /* Counters count handshakes: one burst each way downstream. */
    REQUIRE(bypass_on(t), "bypass");
    uint8_t b[64] = {0};
    dma_txn_t x = txn(0x8000, 64);
    dma_write(t->sim, &x, b);
    dma_read(t->sim, &x, b);
    sim_counters(t->sim, &c);
    CHECK_EQ(c.dn_aw, 1);
    CHECK_EQ(c.dn_ar, 1);
}

TEST(harness_trace_file)
{
    char path[96];
    snprintf(path, sizeof path, "/tmp/smmu_harness_trace_%ld.fst", (long)getpid());
    sim_opts_t o = {.trace_path = path};
    sim_t *s = sim_create(&o);
    REQUIRE(s != NULL, "sim_create with a trace");
    CHECK_EQ(sim_reg_read32(s, SMMU_AIDR), 0x02);
    sim_step(s, 20);
    sim_destroy(s);
    struct stat st;
    CHECK(stat(path, &st) == 0 && st.st_size > 0, "no trace written to %s", path);
    unlink(path);
    /* The test's own model is unaffected. */
    CHECK_EQ(sim_reg_read32(t->sim, SMMU_AIDR), 0x02);
}
