/*
 * Unit tests of the hitless STE/CD update (sw/core/smmu_entry.c), in the manner of
 * Linux's arm-smmu-v3 KUnit suite: for each transition, the writer runs against a plain
 * array; after every store the test checks that the entry as it then is in memory is
 * equivalent to the old or the new configuration (same used bits, same values), or, for
 * a transition that cannot be hitless, invalid (V = 0); and it counts the syncs. Every
 * transition runs twice: 64-bit stores, and split into 32-bit halves (rv32), where the
 * SMMU can read a half-written dword. No model involved (t->sim is unused).
 */
#include <string.h>

#include "smmu/smmu_domain.h"
#include "smmu/smmu_nested.h"
#include "smmu/smmu_regs.h"
#include "test.h"

typedef struct {
    test_ctx_t *t;
    uint64_t old[8], target[8];
    void (*used)(const uint64_t *, uint64_t *);
    bool allow_break;
    unsigned stores, bad, invalid_seen;
} obs_t;

static int fake_sync(smmu_entry_writer_t *w)
{
    (void)w;
    return 0;
}

/* Equivalent configurations, the STE bits that may change at any time (MEV) aside. */
static bool equiv(const obs_t *o, const uint64_t *a, const uint64_t *b)
{
    uint64_t x[8], y[8];

    memcpy(x, a, sizeof x);
    memcpy(y, b, sizeof y);
    if (o->used == smmu_ste_used) {
        x[STE_MEV_DW] &= ~STE_MEV_MASK;
        y[STE_MEV_DW] &= ~STE_MEV_MASK;
    }
    return smmu_entry_equivalent(o->used, x, y);
}

static void check_state(smmu_entry_writer_t *w, const uint64_t *e)
{
    obs_t *o = w->ctx;
    uint64_t cur[8];

    memcpy(cur, e, sizeof cur);
    o->stores++;
    if (equiv(o, cur, o->old) || equiv(o, cur, o->target))
        return;
    if (o->allow_break && !(cur[0] & 1u)) { /* V (bit 0 in STE dword 0) */
        o->invalid_seen++;
        return;
    }
    if (o->used == smmu_cd_used && o->allow_break && !(cur[0] & CD_V_MASK)) {
        o->invalid_seen++;
        return;
    }
    o->bad++;
}

/* Run old -> target; expect `syncs` syncs and hitless (or not). */
static void run_transition(test_ctx_t *t, const char *name, const uint64_t old[8],
                           const uint64_t target[8], bool is_cd, bool hitless, unsigned syncs,
                           bool split64)
{
    obs_t o = {.t = t, .allow_break = !hitless};
    smmu_entry_writer_t w = {0};
    uint64_t entry[8];

    o.used = is_cd ? smmu_cd_used : smmu_ste_used;
    memcpy(o.old, old, sizeof o.old);
    memcpy(o.target, target, sizeof o.target);
    memcpy(entry, old, sizeof entry);
    w.used = o.used;
    w.safe = is_cd ? NULL : smmu_ste_update_safe; /* as the driver's STE writer */
    w.sync = fake_sync;
    w.observe = check_state;
    w.split64 = split64;
    w.ctx = &o;
    CHECK_EQ(smmu_entry_write(&w, entry, target), 0);
    CHECK(!memcmp(entry, target, sizeof entry), "%s (split %d): final entry is the target",
          name, split64);
    CHECK(o.bad == 0, "%s (split %d): %u intermediate states were neither old nor new", name,
          split64, o.bad);
    CHECK(w.hitless == hitless, "%s (split %d): hitless %d, want %d", name, split64,
          w.hitless, hitless);
    CHECK(w.syncs == syncs, "%s (split %d): %u syncs, want %u", name, split64, w.syncs, syncs);
    if (!hitless)
        CHECK(o.invalid_seen > 0, "%s: a breaking update shows V = 0", name);
    test_log(t, "%-22s split64=%d: %u stores, %u syncs, %s", name, split64, o.stores, w.syncs,
             w.hitless ? "hitless" : "breaking");
}

/* Both directions, both store widths. */
static void both_ways(test_ctx_t *t, const char *ab, const char *ba, const uint64_t *a,
                      const uint64_t *b, bool hitless, unsigned syncs)
{
    for (int split = 0; split < 2; split++) {
        run_transition(t, ab, a, b, false, hitless, syncs, split);
        run_transition(t, ba, b, a, false, hitless, syncs, split);
    }
}

/* A pretend SMMU with what the make functions look at, and domains whose trees sit above
 * 4 GB so pointers differ in both 32-bit halves. */
static smmu_t fake_smmu;

static void fake_setup(void)
{
    memset(&fake_smmu, 0, sizeof fake_smmu);
    fake_smmu.feat.cohacc = true;
    fake_smmu.coherent = true;
    fake_smmu.feat.attr_types_ovr = true;
    fake_smmu.feat.attr_perms_ovr = true;
    fake_smmu.feat.fwb = true;
    fake_smmu.feat.s1p = fake_smmu.feat.s2p = true;
    fake_smmu.feat.oas_bits = 48;
}

static void fake_s2(smmu_domain_t *d, uint16_t vmid, uint64_t root, bool fwb)
{
    memset(d, 0, sizeof *d);
    d->smmu = &fake_smmu;
    d->type = SMMU_DOMAIN_S2;
    d->vmid = vmid;
    d->fwb = fwb;
    d->coherent_walk = true;
    d->pgt.cfg.stage = 2;
    d->pgt.cfg.ias = 48;
    d->pgt.cfg.oas = 48;
    d->pgt.start_level = 0;
    d->pgt.root_pa = root;
}

static void fake_s1(smmu_domain_t *d, uint16_t asid, uint64_t root, uint64_t cd_pa)
{
    memset(d, 0, sizeof *d);
    d->smmu = &fake_smmu;
    d->type = SMMU_DOMAIN_S1;
    d->asid = asid;
    d->coherent_walk = true;
    d->pgt.cfg.stage = 1;
    d->pgt.cfg.ias = 48;
    d->pgt.cfg.oas = 48;
    d->pgt.root_pa = root;
    (void)cd_pa; /* the CD lives in a master's CD table now */
}

#define CD_A 0x0000123456789a40ull
#define CD_B 0x0000654321fedc80ull

TEST(drv_unit_ste_make)
{
    uint64_t e[8], u[8];
    smmu_domain_t s2;

    fake_setup();
    smmu_make_abort_ste(e);
    CHECK_EQ(e[0], 0x1); /* V, Config = 0b000 */
    for (int i = 1; i < 8; i++)
        CHECK_EQ(e[i], 0);
    smmu_make_bypass_ste(&fake_smmu, e);
    CHECK_EQ(e[0], 0x9);            /* V, Config = 0b100 */
    CHECK_EQ(e[1], 1ull << 44);     /* SHCFG = incoming */
    smmu_make_s1_ste(&fake_smmu, e, CD_A);
    CHECK_EQ(e[0], 0xb | CD_A);     /* V, Config = 0b101, S1ContextPtr */
    /* S1CIR = S1COR = WB (01), S1CSH = ISH, SHCFG = 1, STRW = NS-EL1. */
    CHECK_EQ(e[1], (1ull << 2) | (1ull << 4) | (3ull << 6) | (1ull << 44));
    CHECK_EQ(e[2], 0);
    fake_s2(&s2, 0x42, 0x0000000fedcb0000ull, true);
    smmu_make_s2_ste(&s2, e);
    CHECK_EQ(e[0], 0xd);            /* Config = 0b110 */
    CHECK_EQ(e[1], (1ull << 25) | (1ull << 44)); /* S2FWB, SHCFG */
    /* VMID, S2T0SZ 16, SL0 2 (level 0), IR0/OR0 WB, SH0 ISH, TG 4K, PS 48 (5), AA64, R */
    CHECK_EQ(e[2], 0x42ull | (16ull << 32) | (2ull << 38) | (1ull << 40) | (1ull << 42) |
                       (3ull << 44) | (5ull << 48) | (1ull << 51) | (1ull << 58));
    CHECK_EQ(e[3], 0x0000000fedcb0000ull);
    /* The make functions set only bits their own configuration uses (else the update
     * algorithm could leave a stale used bit behind). */
    smmu_ste_used(e, u);
    for (int i = 0; i < 8; i++)
        CHECK((e[i] & ~u[i]) == 0, "S2 STE dword %d sets unused bits", i);
    smmu_make_s1_ste(&fake_smmu, e, CD_A);
    smmu_ste_used(e, u);
    for (int i = 0; i < 8; i++)
        CHECK((e[i] & ~u[i]) == 0, "S1 STE dword %d sets unused bits", i);

    smmu_domain_t s1;
    fake_s1(&s1, 7, 0x0000000123456000ull, CD_A);
    smmu_make_cd(&s1, e);
    /* T0SZ 16, IR0/OR0 WB, SH0 ISH, EPD1, V, IPS 48, AA64, R, A, ASID 7 */
    CHECK_EQ(e[0], 16ull | (1ull << 8) | (1ull << 10) | (3ull << 12) | (1ull << 30) |
                       (1ull << 31) | (5ull << 32) | (1ull << 41) | (1ull << 45) |
                       (1ull << 46) | (7ull << 48));
    CHECK_EQ(e[1], 0x0000000123456000ull);
    CHECK_EQ(e[3], SMMU_MAIR_VALUE);
}

TEST(drv_unit_ste_transitions)
{
    uint64_t abort_[8], bypass[8], s1[8], s1b[8], s2[8], s2b[8], nested[8];
    smmu_domain_t d2, d2b;

    fake_setup();
    smmu_make_abort_ste(abort_);
    smmu_make_bypass_ste(&fake_smmu, bypass);
    smmu_make_s1_ste(&fake_smmu, s1, CD_A);
    smmu_make_s1_ste(&fake_smmu, s1b, CD_B);
    fake_s2(&d2, 5, 0x0000000fedcb0000ull, true);
    fake_s2(&d2b, 6, 0x0000000abcde0000ull, false);
    smmu_make_s2_ste(&d2, s2);
    smmu_make_s2_ste(&d2b, s2b);
    /* Nested: the S2 STE with stage 1 turned on from a (guest) CD. */
    memcpy(nested, s2, sizeof nested);
    nested[0] = s1[0] | (uint64_t)STE_CFG_NESTED << STE_CONFIG_SHIFT;
    nested[1] |= s1[1];

    /* Exactly one used dword (dword 0) changes: hitless. Two syncs: the bits the old
     * configuration ignores + the critical dword, or the critical dword + clearing. */
    both_ways(t, "abort->bypass", "bypass->abort", abort_, bypass, true, 2);
    both_ways(t, "abort->s1", "s1->abort", abort_, s1, true, 2);
    both_ways(t, "bypass->s1", "s1->bypass", bypass, s1, true, 2);
    both_ways(t, "abort->s2", "s2->abort", abort_, s2, true, 2);
    both_ways(t, "bypass->s2", "s2->bypass", bypass, s2, true, 2);
    both_ways(t, "s2->nested", "nested->s2", s2, nested, true, 2);
    both_ways(t, "abort->nested", "nested->abort", abort_, nested, true, 2);
    /* Dword 0 and dword 2 (S2VMID tags stage-1 entries too) both change: breaking,
     * V = 0 + rest + dword 0. */
    both_ways(t, "s1->s2", "s2->s1", s1, s2, false, 3);
    /* Another VMID and table: dwords 2 and 3. */
    both_ways(t, "s2->s2'", "s2'->s2", s2, s2b, false, 3);
    both_ways(t, "nested->s1", "s1->nested", nested, s1, false, 3);
    /* Same entry: nothing written, no sync. */
    run_transition(t, "s1->s1", s1, s1, false, true, 0, false);
    run_transition(t, "s1->s1", s1, s1, false, true, 0, true);

    /* Another CD pointer, both halves differ: one store with 64-bit atomicity (1 sync);
     * split into halves either intermediate points at a CD that exists for neither
     * configuration, so the update must break (V = 0) instead. */
    run_transition(t, "s1->s1'", s1, s1b, false, true, 1, false);
    run_transition(t, "s1->s1'", s1, s1b, false, false, 2, true); /* dwords 1..7 unchanged */
    /* A CD pointer change confined to the low half stays hitless when split. */
    uint64_t s1c[8];
    smmu_make_s1_ste(&fake_smmu, s1c, (CD_A & ~0xffffffffull) | 0x1000);
    run_transition(t, "s1->s1(low)", s1, s1c, false, true, 1, true);
}

TEST(drv_unit_cd_transitions)
{
    uint64_t a[8], b[8], c[8], off[8] = {0};
    smmu_domain_t d;

    fake_setup();
    fake_s1(&d, 7, 0x0000000123456000ull, CD_A);
    smmu_make_cd(&d, a);
    d.asid = 9;
    smmu_make_cd(&d, b);
    d.pgt.root_pa = 0x0000000876543000ull;
    smmu_make_cd(&d, c);
    for (int split = 0; split < 2; split++) {
        /* ASID only (dword 0): hitless, one sync. Split: the ASID is in the high half
         * alone, so one 32-bit store does it. */
        run_transition(t, "cd asid", a, b, true, true, 1, split);
        /* ASID and TTB0: two dwords, breaking. */
        run_transition(t, "cd asid+ttb0", a, c, true, false, 3, split);
        /* Invalid -> valid: V = 0 ignores everything, so dwords 1..7 first, then dword 0:
         * hitless by construction. */
        run_transition(t, "cd install", off, a, true, true, 2, split);
        run_transition(t, "cd remove", a, off, true, true, 2, split);
    }
}

/* Nested domains (smmu_nested.h) on the pretend SMMU: guest STE validation, the STE each
 * guest configuration becomes, and the transitions a VMM makes when the guest rewrites
 * its STE (a new nested domain, attached over the old one). */
TEST(drv_unit_nested_ste)
{
    smmu_domain_t parent, n_abort, n_bypass, n_s1a, n_s1b, n_s1dss, bad;
    smmu_viommu_t v;
    uint64_t e[8], s2[8], nabort[8], nbypass[8], ns1a[8], ns1b[8], ns1dss[8], u[8];
    const uint64_t v_cfg = STE_V_MASK, s1cfg = (uint64_t)STE_CFG_S1 << STE_CONFIG_SHIFT;

    fake_setup();
    fake_s2(&parent, 9, 0x0000000fedcb0000ull, true);
    CHECK_EQ(smmu_viommu_init(&v, &parent, NULL, NULL), SMMU_EINVAL); /* not a nest parent */
    parent.nest_parent = true;
    REQUIRE(smmu_viommu_init(&v, &parent, NULL, NULL) == 0, "viommu");
    CHECK_EQ(v.vmid, 9);
    CHECK_EQ(smmu_viommu_init(&v, &parent, NULL, NULL), SMMU_EBUSY); /* one per parent */
    CHECK(v.parent == &parent && parent.viommu == &v, "a refused init leaves v alone");

    /* Accepted guest STEs. */
    const uint64_t g_off[2] = {0, 0x123}; /* V = 0: junk ignored, abort */
    const uint64_t g_abort[2] = {v_cfg, 0};
    const uint64_t g_bypass[2] = {v_cfg | (uint64_t)STE_CFG_BYPASS << STE_CONFIG_SHIFT, 0};
    const uint64_t g_s1a[2] = {v_cfg | s1cfg | CD_A | (3ull << STE_S1CDMAX_SHIFT),
                               (1ull << STE_S1CIR_SHIFT) | (1ull << STE_S1COR_SHIFT) |
                                   (3ull << STE_S1CSH_SHIFT)};
    const uint64_t g_s1b[2] = {v_cfg | s1cfg | CD_B, g_s1a[1]};
    const uint64_t g_s1dss[2] = {g_s1a[0], g_s1a[1] | (1ull << STE_S1DSS_SHIFT)};
    CHECK_EQ(smmu_nested_domain_init(&n_abort, &v, g_off), 0);
    smmu_make_domain_ste(&n_abort, nabort);
    smmu_make_abort_ste(e);
    CHECK(!memcmp(nabort, e, sizeof e), "invalid guest STE -> abort STE");
    CHECK_EQ(smmu_domain_free(&n_abort), 0);
    CHECK_EQ(smmu_nested_domain_init(&n_abort, &v, g_abort), 0);
    smmu_make_domain_ste(&n_abort, nabort);
    CHECK(!memcmp(nabort, e, sizeof e), "guest abort -> abort STE");
    CHECK_EQ(smmu_nested_domain_init(&n_bypass, &v, g_bypass), 0);
    smmu_make_domain_ste(&n_bypass, nbypass);
    smmu_make_s2_ste(&parent, s2);
    CHECK(!memcmp(nbypass, s2, sizeof s2), "guest bypass -> the parent's stage 2 alone");
    CHECK(s2[1] & STE_S2FWB_MASK, "parent forces write-back");
    CHECK(s2[2] & STE_S2PTW_MASK, "nest parent: S2PTW");
    CHECK_EQ(smmu_nested_domain_init(&n_s1a, &v, g_s1a), 0);
    CHECK_EQ(smmu_nested_domain_init(&n_s1b, &v, g_s1b), 0);
    CHECK_EQ(smmu_nested_domain_init(&n_s1dss, &v, g_s1dss), 0);
    CHECK_EQ(v.nested, 5);
    smmu_make_domain_ste(&n_s1a, ns1a);
    smmu_make_domain_ste(&n_s1b, ns1b);
    smmu_make_domain_ste(&n_s1dss, ns1dss);
    /* Guest stage 1 on the parent's stage 2: Config nested, the guest's S1 fields, the
     * parent's dwords 2 and 3 (VMID, S2 tables) and S2FWB unchanged. */
    CHECK_EQ(ns1a[0], STE_V_MASK | (uint64_t)STE_CFG_NESTED << STE_CONFIG_SHIFT | CD_A |
                          (3ull << STE_S1CDMAX_SHIFT));
    CHECK_EQ(ns1a[1], s2[1] | g_s1a[1] | STE_MEV_MASK); /* MEV: guest faults merged */
    CHECK_EQ(ns1a[2], s2[2]);
    CHECK_EQ(ns1a[3], s2[3]);
    smmu_ste_used(ns1a, u);
    for (int i = 0; i < 8; i++)
        CHECK((ns1a[i] & ~u[i]) == 0, "nested STE dword %d sets unused bits", i);

    /* Refused: any bit a guest may not set, stage 2 or nested or reserved Config. */
    static const struct {
        const char *what;
        uint64_t dw0, dw1;
    } refuse[] = {
        {"Config S2", v_cfg | (uint64_t)STE_CFG_S2 << STE_CONFIG_SHIFT, 0},
        {"Config nested", v_cfg | (uint64_t)STE_CFG_NESTED << STE_CONFIG_SHIFT, 0},
        {"Config reserved 0b001", v_cfg | 1ull << STE_CONFIG_SHIFT, 0},
        {"Config reserved 0b011", v_cfg | 3ull << STE_CONFIG_SHIFT, 0},
        {"dword 0 bit 56 (reserved)", v_cfg | s1cfg | CD_A | (1ull << 56), 0},
        {"STRW (dword 1)", v_cfg | s1cfg | CD_A, STE_STRW_MASK},
        {"EATS / SHCFG (dword 1)", v_cfg | s1cfg | CD_A, 1ull << 44},
        {"MTCFG override (dword 1)", v_cfg | s1cfg | CD_A, STE_MTCFG_MASK},
        {"PRIVCFG (dword 1)", v_cfg | s1cfg | CD_A, STE_PRIVCFG_MASK},
        {"abort with stage-1 junk in dword 1", v_cfg, 1ull << 63},
    };
    for (unsigned i = 0; i < sizeof refuse / sizeof refuse[0]; i++) {
        const uint64_t g[2] = {refuse[i].dw0, refuse[i].dw1};
        CHECK(smmu_nested_domain_init(&bad, &v, g) == SMMU_EINVAL, "%s accepted",
              refuse[i].what);
    }
    CHECK_EQ(v.nested, 5); /* refusals leave nothing behind */

    /* What the VMM does when the guest rewrites its STE. */
    both_ways(t, "s2->nested(S1)", "nested(S1)->s2", s2, ns1a, true, 2);
    both_ways(t, "gbypass->gS1", "gS1->gbypass", nbypass, ns1a, true, 2);
    both_ways(t, "gabort->gS1", "gS1->gabort", nabort, ns1a, true, 2);
    both_ways(t, "gabort->gbypass", "gbypass->gabort", nabort, nbypass, true, 2);
    /* S1DSS alone (dword 1): hitless, one sync. */
    both_ways(t, "gS1->gS1(dss)", "gS1(dss)->gS1", ns1a, ns1dss, true, 1);
    /* Another CD table and S1CDMax (dword 0, both halves): one store; split, it must
     * break. */
    run_transition(t, "gS1->gS1'", ns1a, ns1b, false, true, 1, false);
    run_transition(t, "gS1->gS1'", ns1a, ns1b, false, false, 2, true);

    CHECK_EQ(smmu_viommu_free(&v), SMMU_EBUSY); /* nested domains left */
    CHECK_EQ(smmu_domain_free(&n_abort), 0);
    CHECK_EQ(smmu_domain_free(&n_bypass), 0);
    CHECK_EQ(smmu_domain_free(&n_s1a), 0);
    CHECK_EQ(smmu_domain_free(&n_s1b), 0);
    CHECK_EQ(smmu_domain_free(&n_s1dss), 0);
    CHECK_EQ(v.nested, 0);
    CHECK_EQ(smmu_viommu_free(&v), 0);
    CHECK(parent.viommu == NULL, "parent released");
}
