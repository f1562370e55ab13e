/*
 * Feature parameters (S1P, S2P, HYP, XNX, HAD): the ID registers report what the build
 * has and the logic does what the ID registers say. Every expectation comes from
 * sim_params(), so the same tests run in the default build and in the variants that
 * turn features off (make variants: s1only, s2only, v30, the FWB/COHACC builds).
 *
 *   feat_id_regs          IDR0.S1P/S2P/Hyp, IDR3.XNX/HAD/FWB and AIDR from the parameters
 *                         (IHI 0070 6.3.1, 6.3.4, 6.3.8), CR2.E2H writable only with Hyp
 *   feat_stage_configs    an STE of an absent stage is C_BAD_STE (5.2 STE.Config), the
 *                         present stages translate
 *   feat_cmd_legality     CFGI_CD*, TLBI_NH_* without stage 1, TLBI_EL2_* without Hyp,
 *                         TLBI_S2_IPA / TLBI_S12_VMALL without stage 2 are CERROR_ILL (4.3,
 *                         4.4); the others are consumed
 *   feat_had              CD.HAD0 = 1 makes a table descriptor's APTable ignored only with
 *                         IDR3.HAD = 1
 *   feat_xnx              a stage-2 XN[1:0] = 0b01 leaf forbids privileged instruction
 *                         fetches only with IDR3.XNX = 1 (XN[0] is ignored without it)
 *   feat_driver           the driver brings the SMMU up without a command error, offers
 *                         the domain types of the present stages only, and DMA works
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "smmu/smmu.h"
#include "smmu/smmu_domain.h"
#include "smmu/smmu_regs.h"
#include "smmu_hal_sim.h"
#include "test.h"
#include "xlate_env.h"

/* The effective features: what the ID registers must report (smmu_top's rules). */
typedef struct {
    bool s1p, s2p, hyp, xnx, had, fwb;
    unsigned aidr;
} feat_t;

static feat_t feat_of(const sim_params_t *p)
{
    feat_t f;
    f.s1p = p->s1p != 0;
    f.s2p = p->s2p != 0;
    f.hyp = p->hyp && f.s1p && f.s2p;
    f.xnx = p->xnx && f.s2p;
    f.had = p->had && f.s1p;
    f.fwb = p->fwb != 0;
    /* v3.1: XNX with stage 2, HAD with stage 1; v3.2 also FWB and Hyp with both stages */
    bool v31 = (!f.s2p || f.xnx) && (!f.s1p || f.had);
    bool v32 = v31 && f.fwb && (!(f.s1p && f.s2p) || f.hyp);
    f.aidr = v32 ? 2u : v31 ? 1u : 0u;
    return f;
}

TEST(feat_id_regs)
{
    const sim_params_t *p = sim_params(t->sim);
    feat_t f = feat_of(p);
    uint32_t idr0 = sim_reg_read32(t->sim, SMMU_IDR0);
    uint32_t idr3 = sim_reg_read32(t->sim, SMMU_IDR3);
    uint32_t aidr = sim_reg_read32(t->sim, SMMU_AIDR);

    test_log(t, "S1P %u S2P %u HYP %u XNX %u HAD %u FWB %u: IDR0 0x%08x IDR3 0x%08x AIDR 0x%02x",
             p->s1p, p->s2p, p->hyp, p->xnx, p->had, p->fwb, idr0, idr3, aidr);
    CHECK_EQ((idr0 & SMMU_IDR0_S1P_MASK) != 0, f.s1p);
    CHECK_EQ((idr0 & SMMU_IDR0_S2P_MASK) != 0, f.s2p);
    CHECK_EQ((idr0 & SMMU_IDR0_HYP_MASK) != 0, f.hyp);
    CHECK_EQ((idr3 & SMMU_IDR3_XNX_MASK) != 0, f.xnx);
    CHECK_EQ((idr3 & SMMU_IDR3_HAD_MASK) != 0, f.had);
    CHECK_EQ((idr3 & SMMU_IDR3_FWB_MASK) != 0, f.fwb);
    CHECK_EQ(aidr, f.aidr);
    /* a v3.2 SMMU has FWB (6.3.4): never 0x02 without it */
    CHECK(f.fwb || aidr != 2u, "AIDR reports v3.2 without FWB");

    /* CR2.E2H is RES0 without Hyp (6.3.12) */
    sim_reg_write32(t->sim, SMMU_CR2, SMMU_CR2_E2H_MASK | SMMU_CR2_RECINVSID_MASK);
    uint32_t cr2 = sim_reg_read32(t->sim, SMMU_CR2);
    CHECK_EQ(cr2, SMMU_CR2_RECINVSID_MASK | (f.hyp ? SMMU_CR2_E2H_MASK : 0u));
}

/* One DMA read of 8 bytes; the response and the event record (if any). */
static dma_result_t read_evt(fx_t *f, uint32_t sid, uint64_t addr, bool *evt, uint64_t d[4])
{
    dma_txn_t x = txn(sid, addr);
    uint64_t data = 0;
    dma_result_t r = dma_read(f->t->sim, &x, &data);
    *evt = r.resp != 0 ? evt_next(f, d) : !evt_none(f);
    return r;
}

TEST(feat_stage_configs)
{
    feat_t ft = feat_of(sim_params(t->sim));
    fx_t *f = fx_up(t, 0);
    static const struct {
        unsigned config;
        bool s1, s2;
        const char *name;
    } cfgs[] = {
        {STE_CFG_S1, true, false, "stage 1"},
        {STE_CFG_S2, false, true, "stage 2"},
        {STE_CFG_NESTED, true, true, "nested"},
    };

    for (unsigned i = 0; i < 3; i++) {
        uint32_t sid = 10 + i;
        uint64_t va = 0x0000000040000000ull, pa = 0x50000000ull + 0x1000ull * i;
        stream_t s = {.config = cfgs[i].config, .vmid = (uint16_t)(1 + i), .asid = 5};
        stream_setup(f, sid, &s);
        if (cfgs[i].s1 && cfgs[i].s2) {
            s1_map(f, &s, va, s1_leaf(3, 0x60000000ull, 2, 1, 3));
            s2_map(f, &s, 0x60000000ull, s2_leaf(3, pa, 0xf, 3, 3));
        } else if (cfgs[i].s1) {
            s1_map(f, &s, va, s1_leaf(3, pa, 2, 1, 3));
        } else {
            s2_map(f, &s, va, s2_leaf(3, pa, 0xf, 3, 3));
        }
        mem_write64(t->sim, pa, 0x600dull << 16 | i);
        bool legal = (!cfgs[i].s1 || ft.s1p) && (!cfgs[i].s2 || ft.s2p);
        bool evt;
        uint64_t d[4] = {0};
        dma_result_t r = read_evt(f, sid, va, &evt, d);
        test_log(t, "%s: resp %d, PA 0x%llx, event %d type 0x%02x", cfgs[i].name, r.resp,
                 (unsigned long long)r.dn.addr, evt, (unsigned)(d[0] & 0xff));
        if (legal) {
            CHECK(r.resp == 0 && r.dn.seen && r.dn.addr == pa, "%s: translates (resp %d)",
                  cfgs[i].name, r.resp);
            CHECK(!evt, "%s: no event", cfgs[i].name);
        } else {
            /* an STE of a stage the SMMU does not have is ILLEGAL (5.2): C_BAD_STE */
            CHECK(r.resp != 0 && !r.dn.seen, "%s: aborted (resp %d)", cfgs[i].name, r.resp);
            CHECK(evt && (d[0] & 0xff) == EVT_C_BAD_STE && (d[0] >> 32) == sid,
                  "%s: C_BAD_STE for StreamID %u (event %d, 0x%016llx)", cfgs[i].name, sid,
                  evt, (unsigned long long)d[0]);
        }
    }
}

/* Consumes one command; true if it was taken, false if it stopped the queue with
 * CERROR_ILL (then the slot is replaced by a CMD_SYNC and the error acknowledged). */
static bool cmd_legal(fx_t *f, uint64_t dw0, uint64_t dw1)
{
    test_ctx_t *t = f->t;
    uint32_t slot = f->cmd_prod;
    cmd_put(f, dw0, dw1);
    cmd_kick(f);
    if (cmd_wait(f))
        return true;
    uint32_t gerr = sim_reg_read32(t->sim, SMMU_GERROR), gn = sim_reg_read32(t->sim, SMMU_GERRORN);
    uint32_t cons = sim_reg_read32(t->sim, SMMU_CMDQ_CONS);
    CHECK((gerr ^ gn) == SMMU_GERROR_CMDQ_ERR_MASK, "only CMDQ_ERR active (GERROR 0x%x ^ 0x%x)",
          gerr, gn);
    CHECK_EQ((cons & SMMU_CMDQ_CONS_ERR_MASK) >> SMMU_CMDQ_CONS_ERR_SHIFT, CERROR_ILL);
    CHECK_EQ(cons & SMMU_CMDQ_CONS_RD_MASK, slot);
    uint32_t idx = slot & ((1u << CMDQ_LOG2) - 1);
    mem_write64(t->sim, CMDQ_PA + 16ull * idx, CMD_OP_CMD_SYNC);
    mem_write64(t->sim, CMDQ_PA + 16ull * idx + 8, 0);
    sim_reg_write32(t->sim, SMMU_GERRORN, gn ^ SMMU_GERROR_CMDQ_ERR_MASK);
    CHECK(cmd_wait(f), "the queue resumes after the acknowledgement");
    return false;
}

TEST(feat_cmd_legality)
{
    feat_t ft = feat_of(sim_params(t->sim));
    fx_t *f = fx_up(t, 0);
    static const struct {
        unsigned op;
        unsigned need; /* 1 stage 1, 2 stage 2, 4 Hyp */
        uint64_t dw1;
    } cmds[] = {
        {CMD_OP_CFGI_STE, 0, 0},        {CMD_OP_CFGI_STE_RANGE, 0, 31},
        {CMD_OP_CFGI_CD, 1, 0},         {CMD_OP_CFGI_CD_ALL, 1, 0},
        {CMD_OP_TLBI_NH_ALL, 1, 0},     {CMD_OP_TLBI_NH_ASID, 1, 0},
        {CMD_OP_TLBI_NH_VA, 1, 0x1000}, {CMD_OP_TLBI_NH_VAA, 1, 0x1000},
        {CMD_OP_TLBI_EL2_ALL, 4, 0},    {CMD_OP_TLBI_EL2_ASID, 4, 0},
        {CMD_OP_TLBI_EL2_VA, 4, 0x1000}, {CMD_OP_TLBI_EL2_VAA, 4, 0x1000},
        {CMD_OP_TLBI_S12_VMALL, 2, 0},  {CMD_OP_TLBI_S2_IPA, 2, 0x1000},
        {CMD_OP_TLBI_NSNH_ALL, 0, 0},   {CMD_OP_CMD_SYNC, 0, 0},
    };
    unsigned ill = 0;

    for (unsigned i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        bool want = (!(cmds[i].need & 1) || ft.s1p) && (!(cmds[i].need & 2) || ft.s2p) &&
                    (!(cmds[i].need & 4) || ft.hyp);
        bool got = cmd_legal(f, cmds[i].op, cmds[i].dw1);
        test_log(t, "opcode 0x%02x: %s", cmds[i].op, got ? "consumed" : "CERROR_ILL");
        CHECK(got == want, "opcode 0x%02x: %s, expected %s", cmds[i].op,
              got ? "consumed" : "CERROR_ILL", want ? "consumed" : "CERROR_ILL");
        ill += !got;
    }
    test_log(t, "%u of %zu commands CERROR_ILL in this build", ill, sizeof cmds / sizeof cmds[0]);
}

TEST(feat_had)
{
    feat_t ft = feat_of(sim_params(t->sim));
    if (!ft.s1p) {
        /* no stage 1: nothing to disable; IDR3.HAD must say so (6.3.4) */
        CHECK_EQ(sim_reg_read32(t->sim, SMMU_IDR3) & SMMU_IDR3_HAD_MASK, 0);
        return;
    }
    fx_t *f = fx_up(t, 0);
    uint64_t va = 0x0000000040000000ull, pa = 0x51000000ull;
    for (unsigned had0 = 0; had0 < 2; had0++) {
        uint32_t sid = 20 + had0;
        stream_t s = {.config = STE_CFG_S1, .asid = (uint16_t)(9 + had0),
                      .cd0 = 0};
        stream_setup(f, sid, &s);
        if (had0) /* CD.HAD0 (dword 1) */
            mem_write64(t->sim, CD_PA + 0x1000ull * sid + 8, s.ttb0 | CD_HAD0_MASK);
        s1_map(f, &s, va, s1_leaf(3, pa, 2, 1, 3)); /* AP = 01: read/write at any EL */
        /* APTable[1] = 1 in the start level's table descriptor: no writes below it */
        unsigned shift = 12 + 9 * (3 - s.s1_start);
        uint64_t da = s.ttb0 + (((va >> shift) & ((1ull << s.s1_sbits) - 1)) << 3);
        mem_write64(t->sim, da, mem_read64(t->sim, da) | 1ull << 62);
        dma_txn_t x = txn(sid, va);
        uint64_t data = 0x1234;
        dma_result_t r = dma_write(t->sim, &x, &data);
        bool ignored = had0 && ft.had;
        test_log(t, "HAD0 %u, IDR3.HAD %u: write resp %d", had0, ft.had, r.resp);
        CHECK(ignored ? r.resp == 0 : r.resp != 0,
              "HAD0 = %u with IDR3.HAD = %u: write %s, expected %s", had0, ft.had,
              r.resp ? "faulted" : "allowed", ignored ? "allowed" : "a permission fault");
        uint64_t d[4];
        bool evt = evt_next(f, d);
        CHECK(ignored ? !evt : evt && (d[0] & 0xff) == EVT_F_PERMISSION,
              "HAD0 = %u: event %d type 0x%02x", had0, evt, evt ? (unsigned)(d[0] & 0xff) : 0u);
    }
}

TEST(feat_xnx)
{
    feat_t ft = feat_of(sim_params(t->sim));
    if (!ft.s2p) {
        CHECK_EQ(sim_reg_read32(t->sim, SMMU_IDR3) & SMMU_IDR3_XNX_MASK, 0);
        return;
    }
    fx_t *f = fx_up(t, 0);
    uint32_t sid = 30;
    uint64_t ipa = 0x0000000040000000ull, pa = 0x52000000ull;
    stream_t s = {.config = STE_CFG_S2, .vmid = 4};
    stream_setup(f, sid, &s);
    /* XN[1:0] = 0b01 (descriptor bits [54:53]): with FEAT_XNX, no execution at EL1;
     * without it XN[0] is ignored and XN[1] = 0 permits execution */
    s2_map(f, &s, ipa, s2_leaf(3, pa, 0xf, 3, 3) | 1ull << 53);
    for (unsigned priv = 0; priv < 2; priv++) {
        dma_txn_t x = txn(sid, ipa + 8 * priv);
        x.prot = (uint8_t)(4u | 2u | priv); /* instruction, Non-secure, privileged? */
        uint64_t data = 0;
        dma_result_t r = dma_read(t->sim, &x, &data);
        bool fault = ft.xnx && priv;
        test_log(t, "instruction fetch, %s, IDR3.XNX %u: resp %d",
                 priv ? "privileged" : "unprivileged", ft.xnx, r.resp);
        CHECK(fault ? r.resp != 0 : r.resp == 0, "%s fetch with XN = 01, XNX %u: resp %d",
              priv ? "privileged" : "unprivileged", ft.xnx, r.resp);
        uint64_t d[4];
        bool evt = fault ? evt_next(f, d) : !evt_none(f);
        CHECK(fault ? evt && (d[0] & 0xff) == EVT_F_PERMISSION && (d[1] >> 39 & 1) : !evt,
              "%s fetch: event %d", priv ? "privileged" : "unprivileged", evt);
    }
}

TEST(feat_driver)
{
    static smmu_hal_sim_t h;
    static smmu_t s;
    feat_t ft = feat_of(sim_params(t->sim));

    memset(&h, 0, sizeof h);
    REQUIRE(smmu_hal_sim_init(&h, t->sim) == 0, "HAL");
    h.log_level = SMMU_LOG_ERR;
    REQUIRE(smmu_probe(&s, &h.hal) == 0, "probe");
    CHECK_EQ(s.feat.s1p, ft.s1p);
    CHECK_EQ(s.feat.s2p, ft.s2p);
    CHECK_EQ(s.feat.hyp, ft.hyp);
    CHECK_EQ(s.feat.arch_minor, ft.aidr);
    smmu_config_t cfg = {.cmdq_log2 = 4, .e2h = true};
    int ret = smmu_init(&s, &cfg);
    REQUIRE(ret == 0, "init: %s (%s)", smmu_strerror(ret), h.last_warn);
    /* no command of the bring-up was refused (TLBI_EL2_ALL only with Hyp) */
    CHECK_EQ(s.stats.cmdq_ill, 0);
    CHECK_EQ(sim_reg_read32(t->sim, SMMU_CR2) & SMMU_CR2_E2H_MASK,
             ft.hyp ? SMMU_CR2_E2H_MASK : 0u);

    static const unsigned types[2] = {SMMU_DOMAIN_S1, SMMU_DOMAIN_S2};
    for (unsigned i = 0; i < 2; i++) {
        static smmu_domain_t d;
        static smmu_master_t m;
        bool have = i == 0 ? ft.s1p : ft.s2p;
        ret = smmu_domain_init(&d, &s, types[i], NULL);
        CHECK(have ? ret == 0 : ret == SMMU_ENOTSUP, "%s domain: %s", i ? "S2" : "S1",
              smmu_strerror(ret));
        if (ret)
            continue;
        void *cpu = NULL;
        uint64_t pa = 0;
        REQUIRE(h.hal.dma_alloc(h.hal.ctx, 4096, 4096, &cpu, &pa) == 0, "buffer");
        *(volatile uint64_t *)cpu = 0xfeed0000ull + i;
        CHECK_EQ(smmu_domain_map(&d, 0x10000000ull, pa, 4096, SMMU_PROT_READ | SMMU_PROT_WRITE,
                                 SMMU_MAP_MEM), 0);
        REQUIRE(smmu_master_init(&m, &s, 40 + i) == 0, "master");
        CHECK_EQ(smmu_attach(&m, &d), 0);
        dma_txn_t x = {.sid = 40 + i, .addr = 0x10000000ull, .len = 8, .prot = 2};
        uint64_t data = 0;
        dma_result_t r = dma_read(t->sim, &x, &data);
        CHECK(r.resp == 0 && data == 0xfeed0000ull + i, "%s DMA: resp %d data 0x%llx",
              i ? "S2" : "S1", r.resp, (unsigned long long)data);
        CHECK_EQ(smmu_detach(&m), 0);
        CHECK_EQ(smmu_master_fini(&m), 0);
        CHECK_EQ(smmu_domain_free(&d), 0);
        h.hal.dma_free(h.hal.ctx, cpu, pa, 4096);
    }
    CHECK_EQ(s.stats.cmdq_ill, 0);
    CHECK_EQ(smmu_teardown(&s), 0);
    smmu_hal_sim_fini(&h);
}
