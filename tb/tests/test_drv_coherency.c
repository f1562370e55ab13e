/*
 * The driver's cache-coherency decisions against the RTL, in every FWB/COHACC build
 * (`make variants`; docs/harness.md): every expectation is computed from
 * sim_params(t->sim), so each test checks the real behaviour of the build it runs in.
 *
 *   drv_coh_fw_coherent    smmu_t.coherent from cfg.fw_coherent (IDR/YES/NO) and the
 *                          WARN on an override; CR1 as the model reads it back; STE/CD
 *                          fetch and walk attributes; stage-2 S2FWB; DMA attributes
 *                          through S1 and S2 domains
 *   drv_coh_master_caps    smmu_master_capable() for every firmware flag combination
 *   drv_coh_enforce        smmu_domain_enforce_cache_coherency() and the attach refusal
 *   drv_coh_enforce_nested the same for a nest parent and the masters of its guest
 *   drv_coh_vdev_matrix    smmu_viommu_vdev_add() acceptance for (S2FWB, coherent,
 *                          CANWBS), and the nested STE and DMA of the accepted ones
 *   drv_coh_nested_dma     a guest stage 1 (its tables and CD at IPAs behind the nest
 *                          parent): a guest Non-cacheable mapping comes out write-back
 *                          under S2FWB; No_snoop still makes it Non-cacheable
 *   drv_coh_nested_canwbs  the same with the CANWBS integration input: without S2FWB
 *                          the guest's Non-cacheable stays Non-cacheable, No_snoop is
 *                          ignored (cacheable stays cacheable)
 */
#include <string.h>

#include "smmu/smmu_domain.h"
#include "smmu/smmu_nested.h"
#include "smmu/smmu_pgtable.h"
#include "smmu/smmu_guest.h"
#include "test_drv_common.h"

#define RW (SMMU_PROT_READ | SMMU_PROT_WRITE)
#define DATA_PA 0x100000000ull /* client data, outside the DMA pool */

/* A field of an STE/CD given as its generated prefix, e.g. FGET(ste, STE_S2IR0). */
#define FGET(w, f) (((w)[f##_DW] & f##_MASK) >> f##_SHIFT)
#define FPUT(w, f, v) ((w)[f##_DW] |= ((uint64_t)(v) << f##_SHIFT) & f##_MASK)

/* CR1 (IHI 0070 6.3.11) written by a driver of a coherent SMMU: tables and queues Inner
 * and Outer Write-Back, Inner Shareable; of a non-coherent one: Non-cacheable, which
 * is always Outer Shareable. */
#define CR1_COHERENT 0xd75u /* TABLE_SH 3, OC 1, IC 1, QUEUE_SH 3, OC 1, IC 1 */
#define CR1_NONCOH 0x820u   /* TABLE_SH 2, QUEUE_SH 2, all NC */

/* Downstream AMBA encodings (sim.h dn_obs_t, rtl/smmu_amba.vh). */
#define DN_WB_RWA 0xfu
#define DN_NC 0x3u
#define DN_INNER 1u
#define DN_OUTER 2u
#define DN_SYSTEM 3u

static const char *fw_name(unsigned fw)
{
    return fw == SMMU_FW_COH_IDR ? "IDR" : fw == SMMU_FW_COH_YES ? "YES" : "NO";
}

static bool expect_coherent(test_ctx_t *t, unsigned fw)
{
    return fw == SMMU_FW_COH_IDR ? sim_params(t->sim)->cohacc != 0 : fw == SMMU_FW_COH_YES;
}

static dma_result_t rd(test_ctx_t *t, uint32_t sid, uint64_t addr, uint8_t cache,
                       bool nosnoop, uint64_t *v)
{
    dma_txn_t x = {.sid = sid, .addr = addr, .len = 8, .prot = 2, .cache = cache,
                   .nosnoop = nosnoop};
    *v = 0;
    return dma_read(t->sim, &x, v);
}

/* Events of the refused and unattached streams' DMA: expected, not examined. */
static void discard_events(test_ctx_t *t, drv_fx_t *fx)
{
    int n = smmu_evtq_drain(&fx->s, NULL, NULL, 0);
    CHECK(n >= 0, "event drain: %s", smmu_strerror(n));
}

/* The attributes an S2-only (or guest-bypass nested) translation of incoming Normal
 * Non-cacheable (AxCACHE 0b0011) over SMMU_MAP_MEM comes out with: forced write-back
 * with S2FWB (MemAttr 0x6; NC -> WB RWA, Outer Shareable as the incoming NC), else the
 * combine keeps Non-cacheable (MemAttr 0xF). */
static void check_s2_nc_in(test_ctx_t *t, const char *what, dma_result_t r, uint64_t v,
                           uint64_t want, bool fwb)
{
    CHECK(r.resp == 0 && r.dn.seen, "%s: resp %d", what, r.resp);
    CHECK(v == want, "%s: data 0x%" PRIx64, what, v);
    CHECK(r.dn.attr == (fwb ? 0xff : 0x44), "%s: attr 0x%x (fwb %d)", what, r.dn.attr, fwb);
    CHECK(r.dn.cache == (fwb ? DN_WB_RWA : DN_NC), "%s: AxCACHE 0x%x", what, r.dn.cache);
    CHECK(r.dn.domain == (fwb ? DN_OUTER : DN_SYSTEM), "%s: AxDOMAIN %u", what, r.dn.domain);
}

/* ---- fw_coherent -> smmu_t.coherent, CR1, STE/CD attributes, S2FWB ------------------- */

TEST(drv_coh_fw_coherent)
{
    const sim_params_t *p = sim_params(t->sim);
    static const unsigned fws[3] = {SMMU_FW_COH_IDR, SMMU_FW_COH_YES, SMMU_FW_COH_NO};
    smmu_config_t bad = {.fw_coherent = 3};
    drv_fx_t *fx;

    /* An unknown firmware word is refused before anything is allocated. */
    fx = drv_probe(t);
    CHECK_EQ(smmu_init(&fx->s, &bad), SMMU_EINVAL);
    CHECK_EQ(fx->h.pool.allocs, 0);
    smmu_hal_sim_fini(&fx->h);

    mem_write64(t->sim, DATA_PA + 0x3000, 0xc0ffee0000000001ull);
    for (unsigned i = 0; i < 3; i++) {
        unsigned fw = fws[i];
        smmu_config_t cfg = {.fw_coherent = fw};
        smmu_domain_cfg_t nofwb = {.no_fwb = true};
        smmu_domain_t s1, s2, s2n;
        smmu_master_t m[3];
        bool coh = expect_coherent(t, fw);
        bool warn = fw != SMMU_FW_COH_IDR && coh != (p->cohacc != 0);
        uint64_t *ste, v;
        const uint64_t *cd;
        dma_result_t r;

        test_log(t, "fw_coherent %s: coherent %d, warning %d", fw_name(fw), coh, warn);
        fx = drv_up(t, &cfg);
        /* The model's ID registers say what it was built with. */
        CHECK_EQ(fx->s.feat.cohacc, p->cohacc);
        CHECK_EQ(fx->s.feat.fwb, p->fwb);
        CHECK(fx->s.coherent == coh, "fw %s: coherent %d", fw_name(fw), fx->s.coherent);
        CHECK((strstr(fx->h.last_warn, "COHACC") != NULL) == warn,
              "fw %s: override warning expected %d, last warning '%s'", fw_name(fw), warn,
              fx->h.last_warn);
        CHECK(sim_reg_read32(t->sim, SMMU_CR1) == (coh ? CR1_COHERENT : CR1_NONCOH),
              "fw %s: CR1 0x%x", fw_name(fw), sim_reg_read32(t->sim, SMMU_CR1));

        REQUIRE(smmu_domain_init(&s1, &fx->s, SMMU_DOMAIN_S1, NULL) == 0, "s1");
        REQUIRE(smmu_domain_init(&s2, &fx->s, SMMU_DOMAIN_S2, NULL) == 0, "s2");
        REQUIRE(smmu_domain_init(&s2n, &fx->s, SMMU_DOMAIN_S2, &nofwb) == 0, "s2 no_fwb");
        /* S2FWB needs the hardware feature and a coherent SMMU; no_fwb always wins. */
        CHECK(s2.fwb == (p->fwb && coh), "fw %s: s2.fwb %d", fw_name(fw), s2.fwb);
        CHECK(!s2n.fwb, "no_fwb");
        CHECK_EQ(s1.coherent_walk, coh);
        CHECK_EQ(s2.coherent_walk, coh);

        smmu_domain_t *doms[3] = {&s1, &s2, &s2n};
        for (unsigned k = 0; k < 3; k++) {
            CHECK_EQ(smmu_master_init(&m[k], &fx->s, 0x20 + k), 0);
            CHECK_EQ(smmu_attach(&m[k], doms[k]), 0);
        }

        /* Stage 1: the CD fetch (STE.S1C*) and the stage-1 walk (CD.IR0/OR0/SH0). */
        ste = smmu_ste_ptr(&fx->s, 0x20);
        REQUIRE(ste != NULL, "STE of sid 0x20");
        CHECK_EQ(FGET(ste, STE_CONFIG), STE_CFG_S1);
        CHECK_EQ(FGET(ste, STE_S1CIR), coh ? 1 : 0);
        CHECK_EQ(FGET(ste, STE_S1COR), coh ? 1 : 0);
        CHECK_EQ(FGET(ste, STE_S1CSH), coh ? 3 : 2);
        cd = smmu_master_cd(&m[0], 0); /* the master's CD table holds s1's CD */
        REQUIRE(cd != NULL, "CD of sid 0x20");
        CHECK_EQ(FGET(cd, CD_IR0), coh ? 1 : 0);
        CHECK_EQ(FGET(cd, CD_OR0), coh ? 1 : 0);
        CHECK_EQ(FGET(cd, CD_SH0), coh ? 3 : 2);
        /* Stage 2: the walk (STE.S2IR0/S2OR0/S2SH0) and S2FWB. */
        for (unsigned k = 1; k < 3; k++) {
            ste = smmu_ste_ptr(&fx->s, 0x20 + k);
            REQUIRE(ste != NULL, "STE of sid 0x%x", 0x20 + k);
            CHECK_EQ(FGET(ste, STE_CONFIG), STE_CFG_S2);
            CHECK_EQ(FGET(ste, STE_S2IR0), coh ? 1 : 0);
            CHECK_EQ(FGET(ste, STE_S2OR0), coh ? 1 : 0);
            CHECK_EQ(FGET(ste, STE_S2SH0), coh ? 3 : 2);
            CHECK_EQ(FGET(ste, STE_S2FWB), doms[k]->fwb);
        }

        /* The RTL translates with those fetch attributes, and S2FWB (only where the
         * driver set it) turns incoming Non-cacheable into write-back. */
        CHECK_EQ(smmu_domain_map(&s1, 0x40000000, DATA_PA, 0x4000, RW, SMMU_MAP_MEM), 0);
        CHECK_EQ(smmu_domain_map(&s2, 0x80000000, DATA_PA, 0x4000, RW, SMMU_MAP_MEM), 0);
        CHECK_EQ(smmu_domain_map(&s2n, 0x80000000, DATA_PA, 0x4000, RW, SMMU_MAP_MEM), 0);
        r = rd(t, 0x20, 0x40003000, DN_NC, false, &v);
        CHECK_EQ(r.resp, 0);
        CHECK_EQ(v, 0xc0ffee0000000001ull);
        CHECK_EQ(r.dn.attr, 0xff);
        CHECK_EQ(r.dn.domain, DN_INNER);
        r = rd(t, 0x21, 0x80003000, DN_NC, false, &v);
        check_s2_nc_in(t, "s2", r, v, 0xc0ffee0000000001ull, s2.fwb);
        r = rd(t, 0x22, 0x80003000, DN_NC, false, &v);
        check_s2_nc_in(t, "s2 no_fwb", r, v, 0xc0ffee0000000001ull, false);

        for (unsigned k = 0; k < 3; k++) {
            CHECK_EQ(smmu_detach(&m[k]), 0);
            CHECK_EQ(smmu_domain_free(doms[k]), 0);
        }
        CHECK_EQ(drv_gerror_active(t), 0);
        discard_events(t, fx);
        drv_down(t, fx);
    }
}

/* ---- master capabilities ------------------------------------------------------------ */

TEST(drv_coh_master_caps)
{
    static const unsigned fws[3] = {SMMU_FW_COH_IDR, SMMU_FW_COH_YES, SMMU_FW_COH_NO};
    static const unsigned flags[4] = {0, SMMU_MASTER_DMA_COHERENT, SMMU_MASTER_CANWBS,
                                      SMMU_MASTER_DMA_COHERENT | SMMU_MASTER_CANWBS};

    for (unsigned i = 0; i < 3; i++) {
        smmu_config_t cfg = {.fw_coherent = fws[i]};
        drv_fx_t *fx = drv_up(t, &cfg);
        bool coh = expect_coherent(t, fws[i]);
        smmu_master_t m[4], dup;

        CHECK_EQ(fx->s.coherent, coh);
        for (unsigned k = 0; k < 4; k++) {
            bool canwbs = flags[k] & SMMU_MASTER_CANWBS;
            bool dmacoh = flags[k] & SMMU_MASTER_DMA_COHERENT;

            CHECK_EQ(smmu_master_init_fw(&m[k], &fx->s, 0x100 + k, flags[k]), 0);
            /* Coherent DMA: CANWBS always; "dma-coherent" only behind a coherent SMMU
             * (its traffic leaves through the SMMU's own port). */
            CHECK(smmu_master_capable(&m[k], SMMU_CAP_CACHE_COHERENCY) ==
                      (canwbs || (dmacoh && coh)),
                  "fw %s flags %u: CACHE_COHERENCY", fw_name(fws[i]), flags[k]);
            /* Enforceable whatever the attributes: only CANWBS (No_snoop is honoured). */
            CHECK(smmu_master_capable(&m[k], SMMU_CAP_ENFORCE_CACHE_COHERENCY) == canwbs,
                  "fw %s flags %u: ENFORCE_CACHE_COHERENCY", fw_name(fws[i]), flags[k]);
            CHECK(!smmu_master_capable(&m[k], 2u), "unknown capability");
        }
        CHECK(!smmu_master_capable(NULL, SMMU_CAP_CACHE_COHERENCY), "NULL master");
        CHECK_EQ(smmu_master_init_fw(&dup, &fx->s, 0x110, 0x4u), SMMU_EINVAL);
        CHECK_EQ(smmu_master_init_fw(&dup, &fx->s, 0x100, SMMU_MASTER_CANWBS), SMMU_EEXIST);
        for (unsigned k = 0; k < 4; k++)
            CHECK_EQ(smmu_master_fini(&m[k]), 0);
        CHECK(!smmu_master_capable(&m[0], SMMU_CAP_CACHE_COHERENCY), "forgotten master");
        drv_down(t, fx);
    }
}

/* ---- enforce_cache_coherency -------------------------------------------------------- */

TEST(drv_coh_enforce)
{
    drv_fx_t *fx = drv_up(t, NULL);
    smmu_domain_t ident, blocked, s1, s2;
    smmu_master_t a, b, c, d;
    uint64_t v;
    dma_result_t r;

    REQUIRE(smmu_domain_init(&ident, &fx->s, SMMU_DOMAIN_IDENTITY, NULL) == 0, "ident");
    REQUIRE(smmu_domain_init(&blocked, &fx->s, SMMU_DOMAIN_BLOCKED, NULL) == 0, "blocked");
    REQUIRE(smmu_domain_init(&s1, &fx->s, SMMU_DOMAIN_S1, NULL) == 0, "s1");
    REQUIRE(smmu_domain_init(&s2, &fx->s, SMMU_DOMAIN_S2, NULL) == 0, "s2");
    CHECK_EQ(smmu_master_init_fw(&a, &fx->s, 0x30, SMMU_MASTER_CANWBS), 0);
    CHECK_EQ(smmu_master_init_fw(&b, &fx->s, 0x31, SMMU_MASTER_DMA_COHERENT), 0);
    CHECK_EQ(smmu_master_init_fw(&c, &fx->s, 0x32, 0), 0);
    CHECK_EQ(smmu_master_init_fw(&d, &fx->s, 0x33, SMMU_MASTER_CANWBS | SMMU_MASTER_DMA_COHERENT), 0);

    /* Only paging domains can promise anything. */
    CHECK_EQ(smmu_domain_enforce_cache_coherency(&ident), SMMU_EINVAL);
    CHECK_EQ(smmu_domain_enforce_cache_coherency(&blocked), SMMU_EINVAL);
    CHECK_EQ(smmu_domain_enforce_cache_coherency(NULL), SMMU_EINVAL);

    mem_write64(t->sim, DATA_PA + 0x1000, 0x600d000000000001ull);
    mem_write64(t->sim, 0x9000, 0x1de0000000000001ull);
    CHECK_EQ(smmu_domain_map(&s1, 0x1000, DATA_PA + 0x1000, 0x1000, RW, SMMU_MAP_MEM), 0);
    CHECK_EQ(smmu_domain_map(&s2, 0x1000, DATA_PA + 0x1000, 0x1000, RW, SMMU_MAP_MEM), 0);

    /* An empty domain can promise; then a non-CANWBS master is refused and keeps its
     * STE (never attached: no STE, so its DMA aborts), a CANWBS master is taken. */
    CHECK_EQ(smmu_domain_enforce_cache_coherency(&s2), 0);
    CHECK(s2.enforce_cc, "s2 enforce_cc");
    CHECK_EQ(smmu_attach(&b, &s2), SMMU_ENOTSUP);
    CHECK(b.domain == NULL && s2.attached == 0, "refused attach changed nothing");
    r = rd(t, 0x31, 0x1000, 0xf, false, &v);
    CHECK(r.resp != 0, "refused master has no translation");
    CHECK_EQ(smmu_attach(&a, &s2), 0);
    r = rd(t, 0x30, 0x1000, 0xf, false, &v);
    CHECK_EQ(r.resp, 0);
    CHECK_EQ(v, 0x600d000000000001ull);

    /* A domain with a non-CANWBS master attached cannot promise, and stays as it was. */
    CHECK_EQ(smmu_attach(&d, &s1), 0);
    CHECK_EQ(smmu_attach(&c, &s1), 0);
    CHECK_EQ(smmu_domain_enforce_cache_coherency(&s1), SMMU_ENOTSUP);
    CHECK(!s1.enforce_cc, "s1 unchanged");
    CHECK_EQ(smmu_attach(&b, &s1), 0); /* still takes anyone */
    r = rd(t, 0x32, 0x1000, 0xf, false, &v);
    CHECK_EQ(r.resp, 0);
    CHECK_EQ(v, 0x600d000000000001ull);

    /* Move the non-CANWBS masters to identity: now it can. A refused move keeps the
     * old attachment working (identity: the input address goes out). */
    CHECK_EQ(smmu_attach(&c, &ident), 0);
    CHECK_EQ(smmu_attach(&b, &ident), 0);
    CHECK_EQ(smmu_domain_enforce_cache_coherency(&s1), 0);
    CHECK_EQ(smmu_domain_enforce_cache_coherency(&s1), 0); /* idempotent */
    CHECK_EQ(smmu_attach(&c, &s1), SMMU_ENOTSUP);
    CHECK_EQ(smmu_attach(&b, &s1), SMMU_ENOTSUP);
    CHECK(c.domain == &ident && b.domain == &ident && s1.attached == 1, "attachments kept");
    r = rd(t, 0x32, 0x9000, 0xf, false, &v);
    CHECK_EQ(r.resp, 0);
    CHECK_EQ(v, 0x1de0000000000001ull);
    CHECK_EQ(smmu_attach(&a, &s1), 0); /* CANWBS: moves from s2 */
    r = rd(t, 0x30, 0x1000, 0xf, false, &v);
    CHECK_EQ(r.resp, 0);
    CHECK_EQ(v, 0x600d000000000001ull);
    r = rd(t, 0x33, 0x1000, 0xf, false, &v);
    CHECK_EQ(r.resp, 0);
    CHECK_EQ(v, 0x600d000000000001ull);

    CHECK_EQ(smmu_master_fini(&a), 0);
    CHECK_EQ(smmu_master_fini(&b), 0);
    CHECK_EQ(smmu_master_fini(&c), 0);
    CHECK_EQ(smmu_master_fini(&d), 0);
    CHECK_EQ(smmu_domain_free(&s1), 0);
    CHECK_EQ(smmu_domain_free(&s2), 0);
    CHECK_EQ(smmu_domain_free(&ident), 0);
    CHECK_EQ(smmu_domain_free(&blocked), 0);
    CHECK_EQ(drv_gerror_active(t), 0);
    discard_events(t, fx);
    drv_down(t, fx);
}

/* A guest STE saying bypass: its masters get the parent's stage 2 alone. */
static const uint64_t guest_bypass_ste[2] = {STE_V_MASK | ((uint64_t)STE_CFG_BYPASS << STE_CONFIG_SHIFT), 0};

/* A nest parent's promise covers the masters that translate through it by way of a
 * nested domain too (as Linux: the parent holds the nested masters). */
TEST(drv_coh_enforce_nested)
{
    static const unsigned fws[3] = {SMMU_FW_COH_IDR, SMMU_FW_COH_YES, SMMU_FW_COH_NO};

    mem_write64(t->sim, DATA_PA, 0x0123000000000004ull);
    for (unsigned i = 0; i < 3; i++) {
        smmu_config_t cfg = {.fw_coherent = fws[i]};
        drv_fx_t *fx = drv_up(t, &cfg);
        smmu_domain_cfg_t pc = {.nest_parent = true};
        smmu_domain_t par, ndp, ndc;
        smmu_viommu_t v;
        smmu_master_t plain, cw;
        bool plain_ok;
        uint64_t x;
        dma_result_t r;

        REQUIRE(smmu_domain_init(&par, &fx->s, SMMU_DOMAIN_S2, &pc) == 0, "parent");
        CHECK_EQ(smmu_domain_map(&par, 0x80000000, DATA_PA, 0x1000, RW, SMMU_MAP_MEM), 0);
        CHECK_EQ(smmu_viommu_init(&v, &par, NULL, NULL), 0);
        CHECK_EQ(smmu_master_init_fw(&plain, &fx->s, 0x80, SMMU_MASTER_DMA_COHERENT), 0);
        CHECK_EQ(smmu_master_init_fw(&cw, &fx->s, 0x81, SMMU_MASTER_CANWBS), 0);
        /* A plain master joins the guest only under S2FWB (drv_coh_vdev_matrix). */
        plain_ok = par.fwb;
        test_log(t, "fw %s: parent fwb %d", fw_name(fws[i]), par.fwb);
        CHECK_EQ(smmu_viommu_vdev_add(&v, &plain, 1), plain_ok ? 0 : SMMU_ENOTSUP);
        CHECK_EQ(smmu_viommu_vdev_add(&v, &cw, 2), 0);
        CHECK_EQ(smmu_nested_domain_init(&ndp, &v, guest_bypass_ste), 0);
        CHECK_EQ(smmu_nested_domain_init(&ndc, &v, guest_bypass_ste), 0);
        /* Nested domains make no promise of their own. */
        CHECK_EQ(smmu_domain_enforce_cache_coherency(&ndc), SMMU_EINVAL);

        if (plain_ok) {
            /* A non-CANWBS master behind the parent: the parent cannot promise. */
            CHECK_EQ(smmu_attach(&plain, &ndp), 0);
            CHECK_EQ(smmu_domain_enforce_cache_coherency(&par), SMMU_ENOTSUP);
            CHECK(!par.enforce_cc, "parent unchanged");
            CHECK_EQ(smmu_detach(&plain), 0);
        }
        CHECK_EQ(smmu_domain_enforce_cache_coherency(&par), 0);
        CHECK_EQ(smmu_attach(&cw, &ndc), 0);
        r = rd(t, 0x81, 0x80000000, 0xf, false, &x);
        CHECK_EQ(r.resp, 0);
        CHECK_EQ(x, 0x0123000000000004ull);
        if (plain_ok) {
            /* ... and once it has, a non-CANWBS master cannot reach it through the
             * guest. */
            CHECK_EQ(smmu_attach(&plain, &ndp), SMMU_ENOTSUP);
            CHECK(plain.domain == NULL, "refused");
            r = rd(t, 0x80, 0x80000000, 0xf, false, &x);
            CHECK(r.resp != 0, "refused master has no translation");
        }

        if (plain.domain)
            CHECK_EQ(smmu_detach(&plain), 0);
        CHECK_EQ(smmu_detach(&cw), 0);
        CHECK_EQ(smmu_domain_free(&ndp), 0);
        CHECK_EQ(smmu_domain_free(&ndc), 0);
        if (plain.viommu)
            CHECK_EQ(smmu_viommu_vdev_del(&v, &plain), 0);
        CHECK_EQ(smmu_viommu_vdev_del(&v, &cw), 0);
        CHECK_EQ(smmu_master_fini(&plain), 0);
        CHECK_EQ(smmu_master_fini(&cw), 0);
        CHECK_EQ(smmu_viommu_free(&v), 0);
        CHECK_EQ(smmu_domain_free(&par), 0);
        CHECK_EQ(drv_gerror_active(t), 0);
        discard_events(t, fx);
        drv_down(t, fx);
    }
}

/* ---- vdev_add under (S2FWB, coherent, CANWBS) --------------------------------------- */

TEST(drv_coh_vdev_matrix)
{
    const sim_params_t *p = sim_params(t->sim);
    static const unsigned fws[2] = {SMMU_FW_COH_YES, SMMU_FW_COH_NO};

    mem_write64(t->sim, DATA_PA + 0x2000, 0xfeed000000000002ull);
    for (unsigned i = 0; i < 2; i++) {
        smmu_config_t cfg = {.fw_coherent = fws[i]};
        drv_fx_t *fx = drv_up(t, &cfg);
        bool coh = expect_coherent(t, fws[i]);
        smmu_domain_cfg_t pcfg[2] = {{.nest_parent = true}, {.nest_parent = true, .no_fwb = true}};
        smmu_domain_t parent[2], nd[4];
        smmu_viommu_t vi[2];
        smmu_master_t m[5];
        /* Masters 0/1 go to parent 0, 2/3 to parent 1, 4 to parent 1; odd = CANWBS;
         * master 4 is only "dma-coherent", which does not make a guest safe. */
        static const unsigned mflags[5] = {0, SMMU_MASTER_CANWBS, 0, SMMU_MASTER_CANWBS,
                                           SMMU_MASTER_DMA_COHERENT};
        static const unsigned mpar[5] = {0, 0, 1, 1, 1};
        bool bound[5] = {false};
        unsigned nnd = 0;

        for (unsigned k = 0; k < 2; k++) {
            REQUIRE(smmu_domain_init(&parent[k], &fx->s, SMMU_DOMAIN_S2, &pcfg[k]) == 0,
                    "parent %u", k);
            CHECK_EQ(smmu_domain_map(&parent[k], 0x80000000, DATA_PA, 0x4000, RW, SMMU_MAP_MEM), 0);
            CHECK_EQ(smmu_viommu_init(&vi[k], &parent[k], NULL, NULL), 0);
        }
        CHECK(parent[0].fwb == (p->fwb && coh), "fw %s: parent fwb %d", fw_name(fws[i]),
              parent[0].fwb);
        CHECK(!parent[1].fwb, "no_fwb parent");

        for (unsigned k = 0; k < 5; k++) {
            smmu_domain_t *par = &parent[mpar[k]];
            bool canwbs = mflags[k] & SMMU_MASTER_CANWBS;
            bool ok = par->fwb || canwbs;
            int ret;

            CHECK_EQ(smmu_master_init_fw(&m[k], &fx->s, 0x50 + k, mflags[k]), 0);
            fx->h.last_warn[0] = 0;
            ret = smmu_viommu_vdev_add(&vi[mpar[k]], &m[k], 7 + k);
            CHECK(ret == (ok ? 0 : SMMU_ENOTSUP), "fw %s (fwb %d) master %u flags %u: vdev_add %d",
                  fw_name(fws[i]), par->fwb, k, mflags[k], ret);
            if (!ok) {
                CHECK(strstr(fx->h.last_warn, "nesting needs") != NULL, "refusal logged: '%s'",
                      fx->h.last_warn);
                CHECK(m[k].viommu == NULL, "refused master unbound");
                continue;
            }
            bound[k] = true;
            /* The guest's bypass: the parent's stage 2 alone, with its S2FWB and walk
             * attributes; what comes out is what the parent forces. */
            CHECK_EQ(smmu_nested_domain_init(&nd[nnd], &vi[mpar[k]], guest_bypass_ste), 0);
            CHECK_EQ(nd[nnd].fwb, par->fwb);
            CHECK_EQ(smmu_attach(&m[k], &nd[nnd]), 0);
            nnd++;
            const uint64_t *ste = smmu_ste_ptr(&fx->s, 0x50 + k);
            REQUIRE(ste != NULL, "STE");
            CHECK_EQ(FGET(ste, STE_CONFIG), STE_CFG_S2);
            CHECK_EQ(FGET(ste, STE_S2FWB), par->fwb);
            CHECK_EQ(FGET(ste, STE_S2PTW), 1);
            CHECK_EQ(FGET(ste, STE_S2IR0), coh ? 1 : 0);
            CHECK_EQ(FGET(ste, STE_S2SH0), coh ? 3 : 2);
            uint64_t v;
            dma_result_t r = rd(t, 0x50 + k, 0x80002000, DN_NC, false, &v);
            check_s2_nc_in(t, "nested bypass", r, v, 0xfeed000000000002ull, par->fwb);
        }
        /* Exactly the CANWBS masters, plus the rest where the parent forces WB. */
        CHECK_EQ(bound[0], parent[0].fwb);
        CHECK(bound[1] && bound[3] && !bound[2] && !bound[4], "CANWBS decides without FWB");

        for (unsigned k = 0; k < 5; k++) {
            if (bound[k]) {
                CHECK_EQ(smmu_detach(&m[k]), 0);
                CHECK_EQ(smmu_viommu_vdev_del(m[k].viommu, &m[k]), 0);
            }
            CHECK_EQ(smmu_master_fini(&m[k]), 0);
        }
        for (unsigned k = 0; k < nnd; k++)
            CHECK_EQ(smmu_domain_free(&nd[k]), 0);
        for (unsigned k = 0; k < 2; k++) {
            CHECK_EQ(smmu_viommu_free(&vi[k]), 0);
            CHECK_EQ(smmu_domain_free(&parent[k]), 0);
        }
        CHECK_EQ(drv_gerror_active(t), 0);
        discard_events(t, fx);
        drv_down(t, fx);
    }
}

/* ---- a guest's stage 1 behind a nest parent ------------------------------------------ */

/*
 * The guest's physical address space: 2 MB of its RAM at GUEST_RAM_IPA (host DMA-pool
 * memory, handed out by the guest-memory HAL, sw/hal/guest, which holds the guest's
 * stage-1 tables and CD at IPAs) and two data pages at GUEST_DATA_IPA (host memory at
 * DATA_PA). The guest maps VA GVA_NC -> its first data page Non-cacheable
 * (SMMU_MAP_IO: stage 1 Normal NC) and VA GVA_WB -> the second write-back (SMMU_MAP_MEM).
 */
#define GUEST_RAM_IPA 0x40000000ull
#define GUEST_RAM_SIZE SMMU_BLOCK_2M
#define GUEST_DATA_IPA 0x10000000ull
#define GVA_NC 0x7000ull
#define GVA_WB 0x8000ull
#define GUEST_ASID 5u

typedef struct guest {
    drv_fx_t *fx;
    void *ram;                /* the guest's RAM in the host's DMA pool */
    uint64_t ram_pa;
    smmu_hal_guest_t gh;      /* its allocator (IPAs) */
    smmu_pgtable_t pgt;       /* the guest's stage 1 (descriptors hold IPAs) */
    void *cd_cpu;
    uint64_t cd_ipa;
    uint64_t ste[2];          /* the STE the guest wrote in its own stream table */
} guest_t;

static int g_flush(void *cookie, smmu_gather_t *gt)
{
    (void)cookie;
    smmu_gather_release(gt); /* only a failed map flushes: nothing of it was live */
    return 0;
}

/* Build the guest's RAM, tables, CD and STE (nothing on the SMMU yet). */
static void guest_build(test_ctx_t *t, drv_fx_t *fx, guest_t *g)
{
    smmu_pgtable_cfg_t pc = {.stage = 1, .ias = 48, .oas = 48, .split64 = fx->s.split64};
    const smmu_hal_t *host = &fx->h.hal;
    smmu_gather_t gt;
    uint64_t *cd;
    int ret;

    memset(g, 0, sizeof *g);
    g->fx = fx;
    REQUIRE(host->dma_alloc(host->ctx, GUEST_RAM_SIZE, GUEST_RAM_SIZE, &g->ram, &g->ram_pa) == 0,
            "guest RAM");
    REQUIRE(smmu_hal_guest_init(&g->gh, host, g->ram, GUEST_RAM_IPA, GUEST_RAM_SIZE) == 0,
            "guest HAL");
    REQUIRE(smmu_pgtable_init(&g->pgt, &g->gh.hal, &pc) == 0, "guest pgtable");
    smmu_gather_init(&gt, g_flush, g);
    ret = smmu_pgtable_map(&g->pgt, GVA_NC, GUEST_DATA_IPA, 0x1000, RW, SMMU_MAP_IO, &gt);
    CHECK_EQ(ret, 0);
    ret = smmu_pgtable_map(&g->pgt, GVA_WB, GUEST_DATA_IPA + 0x1000, 0x1000, RW, SMMU_MAP_MEM, &gt);
    CHECK_EQ(ret, 0);

    REQUIRE(g->gh.hal.dma_alloc(g->gh.hal.ctx, CD_BYTES, CD_BYTES, &g->cd_cpu, &g->cd_ipa) == 0,
            "guest CD");
    cd = g->cd_cpu;
    FPUT(cd, CD_T0SZ, smmu_pgtable_tsz(&g->pgt));
    FPUT(cd, CD_IR0, 1);
    FPUT(cd, CD_OR0, 1);
    FPUT(cd, CD_SH0, 3);
    FPUT(cd, CD_EPD1, 1);
    FPUT(cd, CD_IPS, smmu_pgtable_ps(&g->pgt));
    FPUT(cd, CD_AA64, 1);
    FPUT(cd, CD_R, 1);
    FPUT(cd, CD_A, 1);
    FPUT(cd, CD_ASID, GUEST_ASID);
    cd[CD_TTB0_DW] |= g->pgt.root_pa & CD_TTB0_MASK;
    cd[CD_MAIR_DW] = SMMU_MAIR_VALUE;
    FPUT(cd, CD_V, 1);
    host->wmb(host->ctx);

    g->ste[0] = STE_V_MASK | ((uint64_t)STE_CFG_S1 << STE_CONFIG_SHIFT) |
                (g->cd_ipa & STE_S1CONTEXTPTR_MASK);
    FPUT(g->ste, STE_S1CIR, 1);
    FPUT(g->ste, STE_S1COR, 1);
    FPUT(g->ste, STE_S1CSH, 3);
}

static void guest_free(test_ctx_t *t, guest_t *g)
{
    const smmu_hal_t *host = &g->fx->h.hal;

    smmu_pgtable_free(&g->pgt);
    g->gh.hal.dma_free(g->gh.hal.ctx, g->cd_cpu, g->cd_ipa, CD_BYTES);
    CHECK_EQ(g->gh.pool.allocs, 0);
    host->dma_free(host->ctx, g->ram, g->ram_pa, GUEST_RAM_SIZE);
}

/* A nest parent mapping the guest's RAM and data pages as cacheable memory. */
static void parent_build(test_ctx_t *t, const guest_t *g, smmu_domain_t *par, bool no_fwb)
{
    smmu_domain_cfg_t pc = {.nest_parent = true, .no_fwb = no_fwb};

    REQUIRE(smmu_domain_init(par, &g->fx->s, SMMU_DOMAIN_S2, &pc) == 0, "parent");
    CHECK_EQ(smmu_domain_map(par, GUEST_RAM_IPA, g->ram_pa, GUEST_RAM_SIZE, RW, SMMU_MAP_MEM), 0);
    CHECK_EQ(smmu_domain_map(par, GUEST_DATA_IPA, DATA_PA, 0x2000, RW, SMMU_MAP_MEM), 0);
}

static void put_data(test_ctx_t *t)
{
    mem_write64(t->sim, DATA_PA, 0x0c0c000000000001ull);
    mem_write64(t->sim, DATA_PA + 0x1000, 0x0b0b000000000002ull);
}

/* A read through the guest's stage 1: the data, and the attributes expected. */
static void check_guest_read(test_ctx_t *t, const char *what, uint32_t sid, uint64_t va,
                             bool nosnoop, uint8_t attr, uint8_t cache, uint8_t domain)
{
    uint64_t v;
    dma_result_t r = rd(t, sid, va, 0xf, nosnoop, &v);
    uint64_t want = va == GVA_NC ? 0x0c0c000000000001ull : 0x0b0b000000000002ull;

    CHECK(r.resp == 0 && r.dn.seen, "%s: resp %d", what, r.resp);
    CHECK(r.dn.addr == DATA_PA + (va == GVA_NC ? 0 : 0x1000), "%s: PA 0x%" PRIx64, what,
          r.dn.addr);
    CHECK(v == want, "%s: data 0x%" PRIx64, what, v);
    CHECK(r.dn.attr == attr, "%s: attr 0x%02x, expected 0x%02x", what, r.dn.attr, attr);
    CHECK(r.dn.cache == cache, "%s: AxCACHE 0x%x, expected 0x%x", what, r.dn.cache, cache);
    CHECK(r.dn.domain == domain, "%s: AxDOMAIN %u, expected %u", what, r.dn.domain, domain);
}

static void nested_teardown(test_ctx_t *t, smmu_master_t *m, smmu_domain_t *nd, smmu_viommu_t *v,
                            smmu_domain_t *par)
{
    if (m->domain)
        CHECK_EQ(smmu_detach(m), 0);
    if (nd->smmu)
        CHECK_EQ(smmu_domain_free(nd), 0);
    if (m->viommu)
        CHECK_EQ(smmu_viommu_vdev_del(v, m), 0);
    CHECK_EQ(smmu_master_fini(m), 0);
    CHECK_EQ(smmu_viommu_free(v), 0);
    CHECK_EQ(smmu_domain_free(par), 0);
}

TEST(drv_coh_nested_dma)
{
    const sim_params_t *p = sim_params(t->sim);
    static const unsigned fws[3] = {SMMU_FW_COH_IDR, SMMU_FW_COH_YES, SMMU_FW_COH_NO};

    put_data(t);
    for (unsigned i = 0; i < 3; i++) {
        smmu_config_t cfg = {.fw_coherent = fws[i]};
        drv_fx_t *fx = drv_up(t, &cfg);
        bool coh = expect_coherent(t, fws[i]);
        smmu_domain_t par, nd;
        smmu_viommu_t v;
        smmu_master_t m;
        guest_t g;
        int ret;

        guest_build(t, fx, &g);
        parent_build(t, &g, &par, false);
        CHECK(par.fwb == (p->fwb && coh), "fw %s: parent fwb", fw_name(fws[i]));
        CHECK_EQ(smmu_viommu_init(&v, &par, NULL, NULL), 0);
        CHECK_EQ(smmu_master_init(&m, &fx->s, 0x60), 0); /* no firmware flags */
        ret = smmu_viommu_vdev_add(&v, &m, 3);
        memset(&nd, 0, sizeof nd);
        if (!par.fwb) {
            /* Without S2FWB the guest's NC mapping would reach memory as NC: refused. */
            CHECK_EQ(ret, SMMU_ENOTSUP);
            CHECK_EQ(smmu_nested_domain_init(&nd, &v, g.ste), 0);
            CHECK_EQ(smmu_attach(&m, &nd), SMMU_EINVAL);
            CHECK(m.domain == NULL, "not attached");
        } else {
            CHECK_EQ(ret, 0);
            CHECK_EQ(smmu_nested_domain_init(&nd, &v, g.ste), 0);
            CHECK_EQ(smmu_attach(&m, &nd), 0);
            const uint64_t *ste = smmu_ste_ptr(&fx->s, 0x60);
            REQUIRE(ste != NULL, "STE");
            CHECK_EQ(FGET(ste, STE_CONFIG), STE_CFG_NESTED);
            CHECK_EQ(FGET(ste, STE_S2FWB), 1);
            CHECK_EQ(FGET(ste, STE_S1CONTEXTPTR) << STE_S1CONTEXTPTR_SHIFT, g.cd_ipa);
            /* S2FWB MemAttr 0x6: the guest's Non-cacheable becomes write-back RWA
             * (Outer Shareable: a stage-1 iNC-oNC passes OSH on, IHI 0070 13 and Arm ARM D8.6). */
            check_guest_read(t, "guest NC, FWB", 0x60, GVA_NC, false, 0xff, DN_WB_RWA, DN_OUTER);
            check_guest_read(t, "guest WB, FWB", 0x60, GVA_WB, false, 0xff, DN_WB_RWA, DN_INNER);
            /* No_snoop is applied after S2FWB and this port has no CANWBS: NC. */
            check_guest_read(t, "guest WB, FWB, No_snoop", 0x60, GVA_WB, true, 0x44, DN_NC,
                             DN_SYSTEM);
            /* A write lands where the guest's stage 1 and the parent say. */
            dma_txn_t x = {.sid = 0x60, .addr = GVA_WB + 8, .len = 8, .prot = 2, .cache = 0xf};
            uint64_t w = 0x5a5a5a5a00000003ull;
            dma_result_t r = dma_write(t->sim, &x, &w);
            CHECK_EQ(r.resp, 0);
            CHECK_EQ(mem_read64(t->sim, DATA_PA + 0x1008), w);
        }
        nested_teardown(t, &m, &nd, &v, &par);
        guest_free(t, &g);
        CHECK_EQ(drv_gerror_active(t), 0);
        discard_events(t, fx);
        drv_down(t, fx);
    }
}

/* The upstream port's CANWBS integration input: its masters are coherent whatever the
 * attributes, and the RTL ignores their No_snoop. */
static const sim_opts_t canwbs_opts = {.canwbs = true};

TEST_OPTS(drv_coh_nested_canwbs, &canwbs_opts)
{
    const sim_params_t *p = sim_params(t->sim);
    static const unsigned fws[3] = {SMMU_FW_COH_IDR, SMMU_FW_COH_YES, SMMU_FW_COH_NO};

    put_data(t);
    for (unsigned i = 0; i < 3; i++) {
        smmu_config_t cfg = {.fw_coherent = fws[i]};
        drv_fx_t *fx = drv_up(t, &cfg);
        bool coh = expect_coherent(t, fws[i]);
        smmu_domain_t par[2], nd[2];
        smmu_viommu_t v[2];
        smmu_master_t m[2];
        guest_t g;

        guest_build(t, fx, &g);
        for (unsigned k = 0; k < 2; k++) {
            /* Parent 0 forces write-back where it can, parent 1 never does. */
            parent_build(t, &g, &par[k], k == 1);
            CHECK_EQ(smmu_viommu_init(&v[k], &par[k], NULL, NULL), 0);
            CHECK_EQ(smmu_master_init_fw(&m[k], &fx->s, 0x70 + k, SMMU_MASTER_CANWBS), 0);
            CHECK_EQ(smmu_viommu_vdev_add(&v[k], &m[k], 3), 0); /* CANWBS: always */
            CHECK_EQ(smmu_nested_domain_init(&nd[k], &v[k], g.ste), 0);
            CHECK_EQ(smmu_attach(&m[k], &nd[k]), 0);
        }
        CHECK(par[0].fwb == (p->fwb && coh), "fw %s: parent fwb", fw_name(fws[i]));
        CHECK(!par[1].fwb, "no_fwb parent");
        for (unsigned k = 0; k < 2; k++) {
            bool fwb = par[k].fwb;
            const uint64_t *ste = smmu_ste_ptr(&fx->s, 0x70 + k);
            REQUIRE(ste != NULL, "STE");
            CHECK_EQ(FGET(ste, STE_CONFIG), STE_CFG_NESTED);
            CHECK_EQ(FGET(ste, STE_S2FWB), fwb);
            /* Without S2FWB the guest's NC is NC (the interconnect keeps a CANWBS
             * master coherent); with it, write-back. */
            if (fwb)
                check_guest_read(t, "canwbs: guest NC, FWB", 0x70 + k, GVA_NC, false, 0xff,
                                 DN_WB_RWA, DN_OUTER);
            else
                check_guest_read(t, "canwbs: guest NC, no FWB", 0x70 + k, GVA_NC, false, 0x44,
                                 DN_NC, DN_SYSTEM);
            check_guest_read(t, "canwbs: guest WB", 0x70 + k, GVA_WB, false, 0xff, DN_WB_RWA,
                             DN_INNER);
            /* No_snoop ignored: cacheable stays cacheable, FWB or not. */
            check_guest_read(t, "canwbs: guest WB, No_snoop", 0x70 + k, GVA_WB, true, 0xff,
                             DN_WB_RWA, DN_INNER);
        }
        for (unsigned k = 0; k < 2; k++)
            nested_teardown(t, &m[k], &nd[k], &v[k], &par[k]);
        guest_free(t, &g);
        CHECK_EQ(drv_gerror_active(t), 0);
        discard_events(t, fx);
        drv_down(t, fx);
    }
}
