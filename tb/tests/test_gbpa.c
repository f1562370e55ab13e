/*
 * Client traffic while translation is off (SMMU_CR0.SMMUEN = 0): global abort and global
 * bypass with the SMMU_GBPA attribute overrides (IHI 0070 6.3.14, 13.2, 16.7.5), the
 * output-address-size check, and, with SMMUEN = 1, out-of-range StreamIDs with
 * C_BAD_STREAMID (6.3.25, 7.3.2).
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "../model/smmu_model.h"
#include "smmu/smmu_regs.h"
#include "test.h"

#define ACK_POLLS 100u

static bool gbpa_set(test_ctx_t *t, uint32_t v)
{
    sim_reg_write32(t->sim, SMMU_GBPA, v | SMMU_GBPA_UPDATE_MASK);
    bool ok = sim_reg_poll32(t->sim, SMMU_GBPA, SMMU_GBPA_UPDATE_MASK, 0, ACK_POLLS);
    CHECK(ok, "GBPA.Update did not clear");
    return ok;
}

static bool cr0_set(test_ctx_t *t, uint32_t v)
{
    sim_reg_write32(t->sim, SMMU_CR0, v);
    bool ok = sim_reg_poll32(t->sim, SMMU_CR0ACK, 0xffffffffu, v, ACK_POLLS);
    CHECK(ok, "CR0ACK did not reach 0x%x", v);
    return ok;
}

/* Bypass with "use incoming" everywhere (SHCFG = 1 is "use incoming"). */
#define GBPA_BYPASS (1u << SMMU_GBPA_SHCFG_SHIFT)

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
    x.cache = 0xf; /* Normal WB, read- and write-allocate */
    x.domain = 3;  /* ISH */
    x.prot = 2;    /* non-secure, unprivileged, data */
    return x;
}

TEST(gbpa_abort_blocks_traffic)
{
    const sim_params_t *p = sim_params(t->sim);
    uint8_t orig[256], data[256], back[256];
    uint64_t addr = 0x10002000;
    fill(orig, sizeof orig, 1);
    fill(data, sizeof data, 2);
    mem_write(t->sim, addr, orig, sizeof orig);

    /* With GBPA_ABORT_RESET the SMMU aborts straight out of reset; else program it. */
    if (!p->gbpa_abort)
        gbpa_set(t, SMMU_GBPA_ABORT_MASK | GBPA_BYPASS);
    CHECK(sim_reg_read32(t->sim, SMMU_GBPA) & SMMU_GBPA_ABORT_MASK, "GBPA.ABORT is not set");

    dma_txn_t x = txn(addr, sizeof data);
    x.sid = 5;
    dma_result_t r = dma_write(t->sim, &x, data);
    CHECK_EQ(r.resp, 2);
    CHECK(!r.dn.seen, "an aborted write went downstream");
    mem_read(t->sim, addr, back, sizeof back);
    CHECK(memcmp(back, orig, sizeof orig) == 0, "an aborted write changed memory");

    memset(back, 0x5a, sizeof back);
    r = dma_read(t->sim, &x, back);
    CHECK_EQ(r.resp, 2);
    CHECK(!r.dn.seen, "an aborted read went downstream");

    /* Single beats and the largest burst abort the same way. */
    x.len = 8;
    CHECK_EQ(dma_read(t->sim, &x, back).resp, 2);
    x.addr = 0x10003000;
    x.len = 2048;
    uint8_t big[2048];
    fill(big, sizeof big, 3);
    CHECK_EQ(dma_write(t->sim, &x, big).resp, 2);

    sim_counters_t c;
    sim_counters(t->sim, &c);
    CHECK_EQ(c.dn_ar + c.dn_aw, 0);
    CHECK_EQ(c.tbl_ar + c.tbl_aw, 0);
    CHECK_EQ(mem_read64(t->sim, 0x10003000), 0);
}

TEST(gbpa_bypass_data)
{
    REQUIRE(gbpa_set(t, GBPA_BYPASS), "GBPA update");
    uint64_t pool;
    size_t pool_size;
    mem_dma_pool(t->sim, &pool, &pool_size);
    const sim_params_t *p = sim_params(t->sim);
    uint64_t top = p->pa_bits < 64 ? (1ull << p->pa_bits) : 0;

    static const struct {
        uint64_t off; /* from the region base */
        uint32_t len;
    } cases[] = {{0x0, 8}, {0x108, 64}, {0x1800, 256}, {0x3000, 2048}, {0x4ff8, 8}, {0x5f00, 256}};
    const uint64_t bases[] = {0x20000000ull, pool, top ? top - 0x10000 : 0x40000000ull};
    uint8_t w[2048], r[2048];

    for (unsigned b = 0; b < 3; b++) {
        for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
            uint64_t a = bases[b] + cases[i].off;
            uint32_t n = cases[i].len;
            fill(w, n, (uint32_t)(a ^ n));
            dma_txn_t x = txn(a, n);
            x.sid = (uint32_t)(i * 7 + b);
            x.id = (uint8_t)(i & 0xf);
            dma_result_t res = dma_write(t->sim, &x, w);
            CHECK(res.resp == 0, "write 0x%" PRIx64 "+%u: resp %d", a, n, res.resp);
            CHECK(res.dn.seen && res.dn.addr == a, "write 0x%" PRIx64 ": downstream %s 0x%" PRIx64,
                  a, res.dn.seen ? "at" : "not seen", res.dn.addr);
            mem_read(t->sim, a, r, n);
            CHECK(memcmp(w, r, n) == 0, "write 0x%" PRIx64 "+%u: memory differs", a, n);

            memset(r, 0, n);
            res = dma_read(t->sim, &x, r);
            CHECK(res.resp == 0, "read 0x%" PRIx64 ": resp %d", a, res.resp);
            CHECK(res.dn.seen && res.dn.addr == a, "read 0x%" PRIx64 ": downstream address", a);
            CHECK(memcmp(w, r, n) == 0, "read 0x%" PRIx64 "+%u: data differs", a, n);
            CHECK(res.tbl_reads == 0, "bypass read fetched %" PRIu64 " table entries",
                  res.tbl_reads);
        }
    }
    /* Bytes around the bursts are untouched. */
    CHECK_EQ(mem_read64(t->sim, 0x20000000ull + 0x100), 0);
    CHECK_EQ(mem_read64(t->sim, 0x20000000ull + 0x148), 0);
}

/* One attribute case: GBPA value, incoming attributes, expected downstream ones. The
 * incoming domain uses the SH encoding (AxUSER); the expected AxDOMAIN the AMBA one. */
struct attr_case {
    const char *what;
    uint32_t gbpa;
    uint8_t in_cache, in_domain, in_prot;
    bool nosnoop;
    /* expected; cache_w applies to writes when it differs (AXI4 allocate encodings) */
    uint8_t cache_r, cache_w, domain, attr;
};

#define MT(m) (SMMU_GBPA_MTCFG_MASK | (uint32_t)(m) << SMMU_GBPA_MEMATTR_SHIFT)
#define SH(s) ((uint32_t)(s) << SMMU_GBPA_SHCFG_SHIFT)
#define ALLOC(a) ((uint32_t)(a) << SMMU_GBPA_ALLOCCFG_SHIFT)

/* Incoming shareability (SH encoding) and downstream AxDOMAIN (AMBA encoding). */
enum { IN_NSH = 0, IN_OSH = 2, IN_ISH = 3 };
enum { DOM_NSH = 0, DOM_ISH = 1, DOM_OSH = 2, DOM_SYS = 3 };

static uint8_t dom_of_sh(uint8_t sh)
{
    return sh == IN_ISH ? DOM_ISH : sh == IN_OSH ? DOM_OSH : DOM_NSH;
}

static const struct attr_case attr_cases[] = {
    /* MTCFG overrides the type; Device and Normal-NC results go out as System whatever
     * SHCFG says (13.1.4, 16.7.5.2); Device-nGnRE is Device bufferable. */
    {"MemAttr Device-nGnRE", MT(0x1) | SH(1), 0xf, IN_ISH, 2, false, 0x1, 0x1, DOM_SYS, 0x04},
    {"MemAttr Device-nGnRnE", MT(0x0) | SH(3), 0xf, IN_ISH, 2, false, 0x0, 0x0, DOM_SYS, 0x00},
    {"MemAttr Normal-NC", MT(0x5) | SH(1), 0xf, IN_ISH, 2, false, 0x3, 0x3, DOM_SYS, 0x44},
    /* A non-cacheable input made WB takes the default hints RA = WA = 1 (13.1.3); an NC
     * or Device input is OSH whatever its domain, so "use incoming" gives OSH (16.7.5.1,
     * the 16.7.5.2 example: Device-Sys in, MemAttr iWB-oWB -> WB-OSH). */
    {"MemAttr Normal-WB over NC input", MT(0xf) | SH(1), 0x3, IN_ISH, 2, false, 0xf, 0xf, DOM_OSH, 0xff},
    {"MemAttr Normal-WB over Device input", MT(0xf) | SH(1), 0x1, IN_NSH, 2, false, 0xf, 0xf, DOM_OSH, 0xff},
    {"MemAttr Normal-WB over Device, SHCFG ISH", MT(0xf) | SH(3), 0x0, IN_NSH, 2, false, 0xf, 0xf, DOM_ISH, 0xff},
    /* Use incoming. */
    {"incoming WB, ISH", SH(1), 0xf, IN_ISH, 2, false, 0xf, 0xf, DOM_ISH, 0xff},
    {"incoming WB, OSH", SH(1), 0xf, IN_OSH, 2, false, 0xf, 0xf, DOM_OSH, 0xff},
    {"incoming WB, NSH", SH(1), 0xf, IN_NSH, 2, false, 0xf, 0xf, DOM_NSH, 0xff},
    {"incoming WB, reserved domain 1", SH(1), 0xf, 1, 2, false, 0xf, 0xf, DOM_NSH, 0xff},
    {"incoming WT, ISH", SH(1), 0xe, IN_ISH, 2, false, 0x3, 0x3, DOM_SYS, 0xbb},
    {"incoming NC", SH(0), 0x3, IN_NSH, 2, false, 0x3, 0x3, DOM_SYS, 0x44},
    {"incoming Device bufferable", SH(3), 0x1, IN_ISH, 2, false, 0x1, 0x1, DOM_SYS, 0x04},
    {"incoming Device non-bufferable", SH(1), 0x0, IN_NSH, 2, false, 0x0, 0x0, DOM_SYS, 0x00},
    /* SHCFG overrides a cacheable result's shareability. */
    {"SHCFG OSH", SH(2), 0xf, IN_NSH, 2, false, 0xf, 0xf, DOM_OSH, 0xff},
    {"SHCFG ISH", SH(3), 0xf, IN_NSH, 2, false, 0xf, 0xf, DOM_ISH, 0xff},
    {"SHCFG NSH", SH(0), 0xf, IN_OSH, 2, false, 0xf, 0xf, DOM_NSH, 0xff},
    /* ALLOCCFG = 1RWT: no allocation -> WB no-allocate (AR 1011, AW 0111). */
    {"ALLOCCFG no-allocate", SH(1) | ALLOC(0x8), 0xf, IN_ISH, 2, false, 0xb, 0x7, DOM_ISH, 0xcc},
    {"ALLOCCFG RA+WA", SH(1) | ALLOC(0xe), 0xb, IN_ISH, 2, false, 0xf, 0xf, DOM_ISH, 0xff},
    /* No_snoop makes a cacheable result Normal-NC, OSH: System (13.1.6); Device stays. */
    {"No_snoop on WB", SH(1), 0xf, IN_ISH, 2, true, 0x3, 0x3, DOM_SYS, 0x44},
    {"No_snoop on Device", SH(1), 0x1, IN_ISH, 2, true, 0x1, 0x1, DOM_SYS, 0x04},
};

static void run_attr_case(test_ctx_t *t, const struct attr_case *c, bool canwbs)
{
    REQUIRE(gbpa_set(t, c->gbpa), "GBPA update");
    uint64_t a = 0x30000000ull;
    uint8_t w[64], r[64];
    fill(w, sizeof w, 7);
    for (int wr = 0; wr < 2; wr++) {
        dma_txn_t x = txn(a, sizeof w);
        x.cache = c->in_cache;
        x.domain = c->in_domain;
        x.prot = c->in_prot;
        x.nosnoop = c->nosnoop;
        x.sid = 1;
        dma_result_t res = wr ? dma_write(t->sim, &x, w) : dma_read(t->sim, &x, r);
        uint8_t cache = wr ? c->cache_w : c->cache_r, attr = c->attr, dom = c->domain;
        if (canwbs && c->nosnoop && c->in_cache == 0xf) {
            /* CANWBS: the master is coherent whatever No_snoop says. */
            cache = 0xf;
            attr = 0xff;
            dom = dom_of_sh(c->in_domain);
        }
        const char *dir = wr ? "write" : "read";
        CHECK(res.resp == 0 && res.dn.seen, "%s, %s: resp %d, downstream %d", c->what, dir,
              res.resp, res.dn.seen);
        CHECK(res.dn.cache == cache, "%s, %s: AxCACHE 0x%x, expected 0x%x", c->what, dir,
              res.dn.cache, cache);
        CHECK(res.dn.domain == dom, "%s, %s: AxDOMAIN %u, expected %u", c->what, dir,
              res.dn.domain, dom);
        CHECK(res.dn.attr == attr, "%s, %s: attribute 0x%02x, expected 0x%02x", c->what, dir,
              res.dn.attr, attr);
        CHECK((res.dn.prot & 5) == (c->in_prot & (wr ? 1 : 5)), "%s, %s: AxPROT 0x%x", c->what,
              dir, res.dn.prot);
    }
}

TEST(gbpa_bypass_attributes)
{
    /* Without ATTR_TYPES_OVR the overrides are fixed to "use incoming" (6.3.14): only
     * the cases that override nothing apply. */
    bool ovr = sim_params(t->sim)->attr_ovr;
    for (unsigned i = 0; i < sizeof attr_cases / sizeof attr_cases[0]; i++)
        if (ovr || attr_cases[i].gbpa == SH(1))
            run_attr_case(t, &attr_cases[i], false);
}

/* The bypass attribute path against the reference model (tb/model): random GBPA
 * overrides and incoming attributes, every downstream attribute compared, AxDOMAIN in
 * the AMBA encoding on both sides. */
static int model_read64(void *ctx, uint64_t pa, uint64_t *val)
{
    *val = mem_read64((sim_t *)ctx, pa);
    return 0;
}

static void bypass_vs_model(test_ctx_t *t, bool canwbs)
{
    const sim_params_t *p = sim_params(t->sim);
    smmu_model_t m;
    smmu_model_init(&m, NULL);
    m.read64 = model_read64;
    m.ctx = t->sim;
    m.params.oas_bits = p->pa_bits;
    m.params.attr_types_ovr = m.params.attr_perms_ovr = p->attr_ovr;
    m.canwbs = canwbs;
    uint32_t seed = canwbs ? 0x5eedu : 0xc0ffeeu;
    uint8_t buf[16] = {0};
    unsigned mismatches = 0, txns = 0;
    for (unsigned g = 0; g < 160; g++) {
        seed = seed * 1103515245u + 12345u;
        uint32_t r = seed >> 8;
        uint32_t gbpa = (r & 1 ? MT((r >> 1) & 0xf) : 0) | SH((r >> 5) & 3) |
                        ((r >> 7) & 1 ? ALLOC(0x8 | ((r >> 8) & 7)) : 0) |
                        ((r >> 11) & 3) << SMMU_GBPA_PRIVCFG_SHIFT |
                        ((r >> 13) & 3) << SMMU_GBPA_INSTCFG_SHIFT;
        REQUIRE(gbpa_set(t, gbpa), "GBPA update");
        m.gbpa = sim_reg_read32(t->sim, SMMU_GBPA);
        for (unsigned k = 0; k < 16; k++) {
            seed = seed * 1103515245u + 12345u;
            uint32_t q = seed >> 8;
            dma_txn_t x = txn(0x30010000ull + 0x40u * k, 16);
            x.cache = (uint8_t)(q & 0xf);
            x.domain = (uint8_t)((q >> 4) & 3);
            x.nosnoop = (q >> 6) & 1;
            x.prot = (uint8_t)(((q >> 7) & 7) | 2);
            x.sid = (q >> 10) & 0xff;
            bool wr = (q >> 18) & 1;
            smmu_model_txn_t mt = {.sid = x.sid, .addr = x.addr, .write = wr, .prot = x.prot,
                                   .cache = x.cache, .domain = x.domain, .nosnoop = x.nosnoop};
            smmu_model_result_t want;
            REQUIRE(smmu_model_translate(&m, &mt, &want) == 0, "model");
            dma_result_t got = wr ? dma_write(t->sim, &x, buf) : dma_read(t->sim, &x, buf);
            txns++;
            bool ok = want.outcome == SMMU_MODEL_OK && got.resp == 0 && got.dn.seen &&
                      got.dn.addr == want.pa && got.dn.cache == want.axcache &&
                      got.dn.domain == want.axdomain && got.dn.attr == want.attr &&
                      got.dn.prot == want.axprot;
            if (!ok && mismatches++ < 8)
                CHECK(ok, "GBPA 0x%08x %s AxCACHE 0x%x domain %u nosnoop %d prot %u: RTL resp %d "
                      "cache 0x%x dom %u attr 0x%02x prot %u, model outcome %d cache 0x%x dom %u "
                      "attr 0x%02x prot %u", m.gbpa, wr ? "write" : "read", x.cache, x.domain,
                      x.nosnoop, x.prot, got.resp, got.dn.cache, got.dn.domain, got.dn.attr,
                      got.dn.prot, want.outcome, want.axcache, want.axdomain, want.attr,
                      want.axprot);
        }
    }
    CHECK(mismatches == 0, "%u of %u transactions differ from the model", mismatches, txns);
}

TEST(gbpa_bypass_matches_model)
{
    bypass_vs_model(t, false);
}

static const sim_opts_t canwbs_opts = {.canwbs = true};

TEST_OPTS(gbpa_bypass_canwbs_ignores_nosnoop, &canwbs_opts)
{
    for (unsigned i = 0; i < sizeof attr_cases / sizeof attr_cases[0]; i++)
        if (attr_cases[i].nosnoop)
            run_attr_case(t, &attr_cases[i], true);
    bypass_vs_model(t, true);
}

TEST(gbpa_bypass_prot_overrides)
{
    if (!sim_params(t->sim)->attr_ovr) {
        CHECK(1, "skipped: ATTR_OVR = 0");
        return;
    }
    static const struct {
        uint32_t privcfg, instcfg;
        uint8_t in_prot, want_r, want_w; /* AxPROT bits 0 and 2 */
    } c[] = {
        {0, 0, 0x5, 0x5, 0x1}, /* incoming; writes are always Data (6.3.14) */
        {3, 0, 0x0, 0x1, 0x1}, /* privileged */
        {2, 0, 0x1, 0x0, 0x0}, /* unprivileged */
        {1, 0, 0x1, 0x1, 0x1}, /* reserved, behaves as incoming */
        {0, 3, 0x0, 0x4, 0x0}, /* instruction */
        {0, 2, 0x4, 0x0, 0x0}, /* data */
        {3, 3, 0x2, 0x5, 0x1},
    };
    uint8_t buf[8] = {0};
    for (unsigned i = 0; i < sizeof c / sizeof c[0]; i++) {
        REQUIRE(gbpa_set(t, GBPA_BYPASS | c[i].privcfg << SMMU_GBPA_PRIVCFG_SHIFT |
                                c[i].instcfg << SMMU_GBPA_INSTCFG_SHIFT), "GBPA update");
        dma_txn_t x = txn(0x30001000ull, 8);
        x.prot = c[i].in_prot;
        dma_result_t r = dma_read(t->sim, &x, buf);
        CHECK(r.dn.seen && (r.dn.prot & 5) == c[i].want_r,
              "PRIVCFG %u INSTCFG %u read: AxPROT 0x%x, expected bits 0x%x", c[i].privcfg,
              c[i].instcfg, r.dn.prot, c[i].want_r);
        r = dma_write(t->sim, &x, buf);
        CHECK(r.dn.seen && (r.dn.prot & 5) == c[i].want_w,
              "PRIVCFG %u INSTCFG %u write: AxPROT 0x%x, expected bits 0x%x", c[i].privcfg,
              c[i].instcfg, r.dn.prot, c[i].want_w);
    }
}

TEST(gbpa_bypass_address_size)
{
    const sim_params_t *p = sim_params(t->sim);
    if (p->pa_bits >= 64) {
        CHECK(1, "skipped: 64-bit PA");
        return;
    }
    REQUIRE(gbpa_set(t, GBPA_BYPASS), "GBPA update");
    uint64_t top = 1ull << p->pa_bits;
    const uint64_t bad[] = {top, top + 0x1000, top << 1, 0xfffffffffffff000ull,
                            0x8000000000000000ull | 0x1000};
    uint8_t buf[64];
    fill(buf, sizeof buf, 9);
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        dma_txn_t x = txn(bad[i], sizeof buf);
        dma_result_t r = dma_write(t->sim, &x, buf);
        CHECK(r.resp == 2 && !r.dn.seen, "write at 0x%" PRIx64 " (>= 2^%u): resp %d, downstream %d",
              bad[i], p->pa_bits, r.resp, r.dn.seen);
        r = dma_read(t->sim, &x, buf);
        CHECK(r.resp == 2 && !r.dn.seen, "read at 0x%" PRIx64 ": resp %d, downstream %d", bad[i],
              r.resp, r.dn.seen);
    }
    /* Nothing landed at the truncated address. */
    CHECK_EQ(mem_read64(t->sim, 0), 0);
    CHECK_EQ(mem_read64(t->sim, 0x1000), 0);
    /* The last page below 2^PA_W still bypasses. */
    dma_txn_t x = txn(top - 0x1000, sizeof buf);
    dma_result_t r = dma_write(t->sim, &x, buf);
    CHECK(r.resp == 0 && r.dn.seen && r.dn.addr == top - 0x1000, "write below 2^PA_W");
    sim_counters_t c;
    sim_counters(t->sim, &c);
    CHECK_EQ(c.dn_aw, 1);
    CHECK_EQ(c.dn_ar, 0);
}

/* Event queue at `eq` with 2^4 entries, stream table of 2^log2size StreamIDs, SMMUEN. */
static void enable_with_eventq(test_ctx_t *t, uint64_t eq, uint32_t stcfg, bool recinvsid)
{
    uint64_t pool;
    size_t pool_size;
    mem_dma_pool(t->sim, &pool, &pool_size);
    sim_reg_write64(t->sim, SMMU_EVENTQ_BASE, eq | 4);
    sim_reg_write32(t->sim, SMMU_EVENTQ_PROD, 0);
    sim_reg_write32(t->sim, SMMU_EVENTQ_CONS, 0);
    sim_reg_write32(t->sim, SMMU_IRQ_CTRL, SMMU_IRQ_CTRL_EVENTQ_IRQEN_MASK);
    CHECK(sim_reg_poll32(t->sim, SMMU_IRQ_CTRLACK, 0xffffffffu, SMMU_IRQ_CTRL_EVENTQ_IRQEN_MASK,
                         ACK_POLLS), "IRQ_CTRLACK");
    /* The table is never read for an out-of-range StreamID. */
    sim_reg_write64(t->sim, SMMU_STRTAB_BASE, pool + 0x100000);
    sim_reg_write32(t->sim, SMMU_STRTAB_BASE_CFG, stcfg);
    sim_reg_write32(t->sim, SMMU_CR2, recinvsid ? SMMU_CR2_RECINVSID_MASK : 0);
    REQUIRE(cr0_set(t, SMMU_CR0_EVENTQEN_MASK | SMMU_CR0_SMMUEN_MASK), "enable");
}

static void check_bad_sid_record(test_ctx_t *t, uint64_t rec_pa, uint32_t sid)
{
    uint64_t d[4];
    for (unsigned i = 0; i < 4; i++)
        d[i] = mem_read64(t->sim, rec_pa + 8 * i);
    CHECK((d[0] & EVT_TYPE_MASK) >> EVT_TYPE_SHIFT == EVT_C_BAD_STREAMID,
          "record type 0x%02x, expected C_BAD_STREAMID", (unsigned)(d[0] & EVT_TYPE_MASK));
    CHECK((d[0] & EVT_SID_MASK) >> EVT_SID_SHIFT == sid, "record StreamID 0x%x, expected 0x%x",
          (unsigned)((d[0] & EVT_SID_MASK) >> EVT_SID_SHIFT), sid);
    CHECK(!(d[0] & EVT_SSV_MASK), "record has SSV set");
    /* C_BAD_STREAMID carries only SSV/SSID and StreamID (7.3.2); the rest is RES0. */
    CHECK(d[1] == 0 && d[2] == 0 && d[3] == 0,
          "record dwords 1-3: 0x%" PRIx64 " 0x%" PRIx64 " 0x%" PRIx64, d[1], d[2], d[3]);
}

TEST(smmuen_bad_streamid_event)
{
    uint64_t pool;
    size_t pool_size;
    mem_dma_pool(t->sim, &pool, &pool_size);
    uint64_t eq = pool + 0x2000;
    enable_with_eventq(t, eq, 4, true); /* linear, 16 StreamIDs */

    uint8_t buf[64];
    fill(buf, sizeof buf, 11);
    dma_txn_t x = txn(0x30002000ull, sizeof buf);
    x.sid = 0x10;
    dma_result_t r = dma_read(t->sim, &x, buf);
    CHECK_EQ(r.resp, 2);
    CHECK(!r.dn.seen, "out-of-range StreamID went downstream");
    CHECK_EQ(r.tbl_reads, 0);

    CHECK(sim_reg_poll32(t->sim, SMMU_EVENTQ_PROD, SMMU_EVENTQ_PROD_WR_MASK, 1, ACK_POLLS),
          "EVENTQ_PROD did not advance to 1 (reads 0x%x)", sim_reg_read32(t->sim, SMMU_EVENTQ_PROD));
    check_bad_sid_record(t, eq, 0x10);
    CHECK_EQ(sim_irq_count(t->sim, SIM_IRQ_EVENTQ), 1);

    /* Consume it; a write with the largest StreamID makes the next record. */
    sim_reg_write32(t->sim, SMMU_EVENTQ_CONS, 1);
    uint32_t big = (uint32_t)((1ull << sim_params(t->sim)->sid_bits) - 1);
    x.sid = big;
    r = dma_write(t->sim, &x, buf);
    CHECK_EQ(r.resp, 2);
    CHECK(!r.dn.seen, "out-of-range write went downstream");
    CHECK(sim_reg_poll32(t->sim, SMMU_EVENTQ_PROD, SMMU_EVENTQ_PROD_WR_MASK, 2, ACK_POLLS),
          "EVENTQ_PROD did not advance to 2");
    check_bad_sid_record(t, eq + 32, big);
    CHECK_EQ(sim_irq_count(t->sim, SIM_IRQ_EVENTQ), 2);
    CHECK_EQ(mem_read64(t->sim, 0x30002000ull), 0);

    sim_counters_t c;
    sim_counters(t->sim, &c);
    /* Two 32-byte records: 8 beats, however the writes are split into bursts. */
    CHECK(c.tbl_aw >= 2 && c.tbl_w_beats == 8, "event-queue writes: %" PRIu64 " bursts, %" PRIu64
          " beats", c.tbl_aw, c.tbl_w_beats);
    CHECK_EQ(c.tbl_ar, 0);
    CHECK_EQ(c.dn_ar + c.dn_aw, 0);
    CHECK_EQ(sim_reg_read32(t->sim, SMMU_GERROR), 0);
}

TEST(smmuen_bad_streamid_2level)
{
    if (!sim_params(t->sim)->st_level_2) {
        CHECK(1, "skipped: linear stream tables only");
        return;
    }
    uint64_t pool;
    size_t pool_size;
    mem_dma_pool(t->sim, &pool, &pool_size);
    uint64_t eq = pool + 0x4000;
    /* 2-level, SPLIT 6, 256 StreamIDs. */
    enable_with_eventq(t, eq, 1u << SMMU_STRTAB_BASE_CFG_FMT_SHIFT |
                                  6u << SMMU_STRTAB_BASE_CFG_SPLIT_SHIFT | 8u, true);
    uint8_t buf[8];
    dma_txn_t x = txn(0x30003000ull, 8);
    x.sid = 0x100;
    dma_result_t r = dma_read(t->sim, &x, buf);
    CHECK_EQ(r.resp, 2);
    CHECK_EQ(r.tbl_reads, 0);
    CHECK(sim_reg_poll32(t->sim, SMMU_EVENTQ_PROD, SMMU_EVENTQ_PROD_WR_MASK, 1, ACK_POLLS),
          "EVENTQ_PROD did not advance");
    check_bad_sid_record(t, eq, 0x100);
}

TEST(smmuen_bad_streamid_not_recorded)
{
    uint64_t pool;
    size_t pool_size;
    mem_dma_pool(t->sim, &pool, &pool_size);
    uint64_t eq = pool + 0x6000;
    enable_with_eventq(t, eq, 2, false); /* 4 StreamIDs, RECINVSID = 0 */
    uint8_t buf[16];
    dma_txn_t x = txn(0x30004000ull, 16);
    x.sid = 4;
    CHECK_EQ(dma_read(t->sim, &x, buf).resp, 2);
    CHECK_EQ(dma_write(t->sim, &x, buf).resp, 2);
    sim_step(t->sim, 200);
    CHECK_EQ(sim_reg_read32(t->sim, SMMU_EVENTQ_PROD), 0);
    CHECK_EQ(sim_irq_count(t->sim, SIM_IRQ_EVENTQ), 0);
    CHECK_EQ(mem_read64(t->sim, eq), 0);
    sim_counters_t c;
    sim_counters(t->sim, &c);
    CHECK_EQ(c.tbl_aw + c.tbl_ar + c.dn_ar + c.dn_aw, 0);
}
