/*
 * The driver's API rules on the mock SMMU (mock_smmu.h), no model:
 *   - the failure rule for every public call that can fail: a refused call leaves the
 *     driver's state (smmu_t, every object, the DMA memory, the registers) unchanged
 *     and issues no command; a failed init leaves its object dead, and every later call
 *     on a dead object is refused; re-initialising a live object is refused;
 *   - what a VMM needs (Linux parity): TLBI_NSNH_ALL from a guest, MEV on nested STEs,
 *     guest abort/bypass domains for unbound masters, unmap's size on a partial
 *     failure, hw_info's IPA size, vIOMMUs of any size, accessors;
 *   - 16-bit ASIDs and VMIDs over the range IDR0 reports (8 bits without ASID16/VMID16).
 */
#include <stdlib.h>
#include <string.h>

#include "mock_smmu.h"
#include "smmu/smmu_domain.h"
#include "smmu/smmu_guest.h"
#include "smmu/smmu_nested.h"
#include "smmu/smmu_regs.h"
#include "test.h"

#define RW (SMMU_PROT_READ | SMMU_PROT_WRITE)

static unsigned count_op(const mock_smmu_t *m, unsigned from, unsigned op)
{
    unsigned n = 0;

    for (unsigned i = from; i < m->ncmds; i++)
        n += (unsigned)(mock_cmd(m, i)->dw[0] & 0xff) == op;
    return n;
}

/* ---- snapshots: everything a refused call must leave alone ------------------------------- */

typedef struct snap {
    smmu_t s;
    uint8_t *arena;
    uint32_t *regs;
    unsigned ncmds;
    struct {
        const void *p;
        size_t n;
        uint8_t *copy;
    } obj[8];
    unsigned nobj;
} snap_t;

static void snap_take(snap_t *sn, mock_smmu_t *m, const smmu_t *s, const void *const *objs,
                      const size_t *sizes, unsigned n)
{
    memcpy(&sn->s, s, sizeof *s);
    memset(&sn->s.stats, 0, sizeof sn->s.stats);
    sn->arena = malloc((size_t)MOCK_ARENA_PAGES * 4096u);
    memcpy(sn->arena, m->arena, (size_t)MOCK_ARENA_PAGES * 4096u);
    sn->regs = malloc(sizeof m->regs);
    memcpy(sn->regs, m->regs, sizeof m->regs);
    sn->ncmds = m->ncmds;
    sn->nobj = n;
    for (unsigned i = 0; i < n; i++) {
        sn->obj[i].p = objs[i];
        sn->obj[i].n = sizes[i];
        sn->obj[i].copy = malloc(sizes[i]);
        memcpy(sn->obj[i].copy, objs[i], sizes[i]);
    }
}

/* True when nothing changed (statistics aside); frees the snapshot. */
static bool snap_same(snap_t *sn, mock_smmu_t *m, const smmu_t *s, const char **what)
{
    smmu_t now;
    bool same = true;

    memcpy(&now, s, sizeof now);
    memset(&now.stats, 0, sizeof now.stats);
    *what = "";
    if (memcmp(&now, &sn->s, sizeof now)) {
        same = false;
        *what = "smmu_t";
    } else if (memcmp(sn->arena, m->arena, (size_t)MOCK_ARENA_PAGES * 4096u)) {
        same = false;
        *what = "DMA memory";
    } else if (memcmp(sn->regs, m->regs, sizeof m->regs)) {
        same = false;
        *what = "registers";
    } else if (sn->ncmds != m->ncmds) {
        same = false;
        *what = "commands issued";
    }
    for (unsigned i = 0; i < sn->nobj; i++) {
        if (sn->obj[i].n == sizeof(smmu_viommu_t)) {
            /* A vIOMMU's statistics (refused calls) are no state. */
            smmu_viommu_t a, b;
            memcpy(&a, sn->obj[i].p, sizeof a);
            memcpy(&b, sn->obj[i].copy, sizeof b);
            memset(&a.stats, 0, sizeof a.stats);
            memset(&b.stats, 0, sizeof b.stats);
            if (same && memcmp(&a, &b, sizeof a)) {
                same = false;
                *what = "the vIOMMU";
            }
        } else if (same && memcmp(sn->obj[i].p, sn->obj[i].copy, sn->obj[i].n)) {
            same = false;
            *what = "an object";
        }
        free(sn->obj[i].copy);
    }
    free(sn->arena);
    free(sn->regs);
    return same;
}

/* ---- one world on the mock: live objects of every kind ---------------------------------- */

typedef struct world {
    mock_smmu_t *m;
    smmu_t s;
    smmu_domain_t s1, s2, parent, ident, nested;
    smmu_master_t ma, mb, mg;
    smmu_viommu_t v;
} world_t;

static world_t *world_up(test_ctx_t *t)
{
    world_t *w = calloc(1, sizeof *w);
    smmu_domain_cfg_t np = {.nest_parent = true};
    const uint64_t byp[2] = {STE_V_MASK | (uint64_t)STE_CFG_BYPASS << STE_CONFIG_SHIFT, 0};

    REQUIRE(w && (w->m = mock_new()) != NULL, "alloc");
    REQUIRE(mock_up(w->m, &w->s, NULL) == 0, "up: %s", w->m->last);
    REQUIRE(smmu_domain_init(&w->s1, &w->s, SMMU_DOMAIN_S1, NULL) == 0, "s1");
    REQUIRE(smmu_domain_init(&w->s2, &w->s, SMMU_DOMAIN_S2, NULL) == 0, "s2");
    REQUIRE(smmu_domain_init(&w->parent, &w->s, SMMU_DOMAIN_S2, &np) == 0, "parent");
    REQUIRE(smmu_domain_init(&w->ident, &w->s, SMMU_DOMAIN_IDENTITY, NULL) == 0, "ident");
    REQUIRE(smmu_viommu_init(&w->v, &w->parent, NULL, NULL) == 0, "viommu");
    REQUIRE(smmu_nested_domain_init(&w->nested, &w->v, byp) == 0, "nested");
    REQUIRE(smmu_master_init(&w->ma, &w->s, 0x10) == 0, "ma");
    REQUIRE(smmu_master_init(&w->mb, &w->s, 0x11) == 0, "mb");
    REQUIRE(smmu_master_init(&w->mg, &w->s, 0x12) == 0, "mg");
    REQUIRE(smmu_viommu_vdev_add(&w->v, &w->mg, 7) == 0, "vdev");
    REQUIRE(smmu_domain_map(&w->s1, 0x40000000, 0x80000000, 0x200000, RW, SMMU_MAP_MEM) == 0,
            "map");
    REQUIRE(smmu_attach(&w->ma, &w->s1) == 0, "attach ma");
    REQUIRE(smmu_attach(&w->mg, &w->nested) == 0, "attach mg");
    return w;
}

static void world_down(test_ctx_t *t, world_t *w)
{
    CHECK_EQ(smmu_teardown(&w->s), 0);
    CHECK_EQ(w->m->pool.allocs, 0); /* teardown freed what live objects held */
    CHECK(w->s1.smmu == NULL && w->ma.smmu == NULL && w->v.smmu == NULL,
          "live objects are dead after teardown");
    mock_free(w->m);
    free(w);
}

#define OBJS(...) (const void *const[]){__VA_ARGS__}
#define SIZES(...) (const size_t[]){__VA_ARGS__}

/* Expect `call` to return `want` and change nothing. */
#define REFUSED(w, want, call)                                                            \
    do {                                                                                  \
        snap_t sn_;                                                                       \
        const char *what_;                                                                \
        snap_take(&sn_, (w)->m, &(w)->s,                                                  \
                  OBJS(&(w)->s1, &(w)->s2, &(w)->parent, &(w)->nested, &(w)->ma, &(w)->mb, \
                       &(w)->mg, &(w)->v),                                                \
                  SIZES(sizeof(w)->s1, sizeof(w)->s2, sizeof(w)->parent, sizeof(w)->nested, \
                        sizeof(w)->ma, sizeof(w)->mb, sizeof(w)->mg, sizeof(w)->v),        \
                  8);                                                                     \
        long long r_ = (long long)(call);                                                 \
        bool same_ = snap_same(&sn_, (w)->m, &(w)->s, &what_);                            \
        CHECK(r_ == (long long)(want) && same_, "%s: returned %lld (want %d), %s changed", \
              #call, r_, (int)(want), same_ ? "nothing" : what_);                         \
    } while (0)

TEST(drv_rules_refused_calls_change_nothing)
{
    world_t *w = world_up(t);
    smmu_domain_t dx;
    smmu_master_t mx;
    smmu_viommu_t vx;
    smmu_cmd_t c, cmds[3];
    smmu_batch_t b;
    uint64_t pa;
    size_t done;
    int err;
    const uint64_t bad_ste[2] = {STE_V_MASK | (uint64_t)STE_CFG_S2 << STE_CONFIG_SHIFT, 0};
    const uint64_t byp[2] = {STE_V_MASK | (uint64_t)STE_CFG_BYPASS << STE_CONFIG_SHIFT, 0};

    /* Re-initialising a live object: SMMU_EBUSY, nothing touched. */
    REFUSED(w, SMMU_EINVAL, smmu_init(&w->s, NULL)); /* already initialised */
    REFUSED(w, SMMU_EBUSY, smmu_domain_init(&w->s1, &w->s, SMMU_DOMAIN_S1, NULL));
    REFUSED(w, SMMU_EBUSY, smmu_domain_init(&w->ident, &w->s, SMMU_DOMAIN_S2, NULL));
    REFUSED(w, SMMU_EBUSY, smmu_nested_domain_init(&w->nested, &w->v, byp));
    REFUSED(w, SMMU_EBUSY, smmu_nested_domain_init(&w->s2, &w->v, byp));
    REFUSED(w, SMMU_EBUSY, smmu_master_init(&w->ma, &w->s, 0x10));
    REFUSED(w, SMMU_EBUSY, smmu_master_init(&w->mb, &w->s, 0x55));
    REFUSED(w, SMMU_EEXIST, smmu_master_init(&w->mb, &w->s, 0x10)); /* ma's StreamID */
    REFUSED(w, SMMU_EINVAL, smmu_master_init_fw(&w->mb, &w->s, 0x11, 0x80));
    REFUSED(w, SMMU_EBUSY, smmu_viommu_init(&w->v, &w->parent, NULL, NULL));
    REFUSED(w, SMMU_EBUSY, smmu_viommu_init(&w->v, &w->s2, NULL, NULL)); /* live elsewhere */
    /* Refusals of calls on live objects. */
    REFUSED(w, SMMU_EBUSY, smmu_domain_free(&w->s1));      /* attached */
    REFUSED(w, SMMU_EBUSY, smmu_domain_free(&w->parent));  /* its vIOMMU */
    REFUSED(w, SMMU_EBUSY, smmu_domain_free(&w->nested));  /* attached */
    REFUSED(w, SMMU_EBUSY, smmu_viommu_free(&w->v));
    REFUSED(w, SMMU_EBUSY, smmu_master_fini(&w->mg));      /* bound */
    REFUSED(w, SMMU_EBUSY, smmu_viommu_vdev_del(&w->v, &w->mg)); /* on a nested domain */
    REFUSED(w, SMMU_ENOENT, smmu_viommu_vdev_del(&w->v, &w->mb));
    REFUSED(w, SMMU_EEXIST, smmu_viommu_vdev_add(&w->v, &w->mb, 7)); /* vSID taken */
    REFUSED(w, SMMU_EEXIST, smmu_viommu_vdev_add(&w->v, &w->mg, 8)); /* bound */
    memset(&dx, 0, sizeof dx);
    REFUSED(w, SMMU_EINVAL, smmu_attach(&w->mb, &dx)); /* never initialised (zeroed) */
    REFUSED(w, SMMU_EEXIST, smmu_domain_map(&w->s1, 0x40000000, 0x90000000, 0x1000, RW,
                                            SMMU_MAP_MEM));
    REFUSED(w, SMMU_EINVAL, smmu_domain_map(&w->s1, 0x40000800, 0x90000000, 0x1000, RW,
                                            SMMU_MAP_MEM));
    REFUSED(w, SMMU_EINVAL, smmu_domain_map(&w->ident, 0, 0, 0x1000, RW, SMMU_MAP_MEM));
    REFUSED(w, 0, smmu_domain_unmap(&w->s1, 0x40000800, 0x1000, &err));
    CHECK_EQ(err, SMMU_EINVAL);
    REFUSED(w, 0, smmu_domain_unmap(&w->ident, 0, 0x1000, &err));
    REFUSED(w, SMMU_ENOENT, smmu_domain_iova_to_phys(&w->s1, 0x1000, &pa));
    REFUSED(w, SMMU_ENOTSUP, smmu_domain_enforce_cache_coherency(&w->s1)); /* ma: not CANWBS */
    REFUSED(w, SMMU_EINVAL, smmu_domain_enforce_cache_coherency(&w->ident));
    REFUSED(w, SMMU_EINVAL, smmu_nested_domain_init(&dx, &w->v, bad_ste)); /* dx not live */
    smmu_cmd_tlbi_nh_all(&cmds[0], 0);
    smmu_cmd_tlbi_s12_vmall(&cmds[1], 3);
    smmu_cmd_cfgi_ste(&cmds[2], 9, false);
    REFUSED(w, SMMU_EINVAL, smmu_viommu_invalidate(&w->v, cmds, 2, &done));
    CHECK_EQ(done, 1);
    cmds[1] = cmds[0];
    REFUSED(w, SMMU_ENOENT, smmu_viommu_invalidate(&w->v, cmds, 3, &done)); /* vSID 9 */
    CHECK_EQ(done, 2);
    REFUSED(w, SMMU_EINVAL, smmu_cmdq_submit(&w->s, cmds, 1, true, 3));
    smmu_batch_init(&b);
    REFUSED(w, SMMU_EINVAL, smmu_batch_submit(&w->s, &b, true, 3));
    REFUSED(w, SMMU_EINVAL, smmu_write_cr0(NULL, 0));
    {
        smmu_gbpa_t g = smmu_gbpa_incoming(false);
        g.privcfg = 1;
        REFUSED(w, SMMU_EINVAL, smmu_set_gbpa(&w->s, &g));
    }
    REFUSED(w, SMMU_EINVAL, smmu_hw_info(&w->s, NULL));
    REFUSED(w, SMMU_EINVAL, smmu_viommu_hw_info(&w->v, NULL));
    REFUSED(w, SMMU_EINVAL, smmu_viommu_vsid_to_sid(&w->v, 7, NULL));
    REFUSED(w, SMMU_EINVAL, smmu_evtq_drain(NULL, NULL, NULL, 0));
    REFUSED(w, SMMU_EINVAL, smmu_evtq_dispatch(NULL, 0));
    REFUSED(w, SMMU_EINVAL, smmu_gerror_handle(NULL));
    /* A builder's refusal zeroes its command and touches nothing else. */
    REFUSED(w, SMMU_EINVAL, smmu_cmd_sync(&c, 3));
    CHECK(c.dw[0] == 0 && c.dw[1] == 0, "refused builder: zeroed command");
    (void)mx;
    (void)vx;
    world_down(t, w);
}

/* The helpers' refusals: page tables, the page allocator, guest memory, the entry
 * writer. */
static int fail_sync(smmu_entry_writer_t *wr)
{
    (void)wr;
    return SMMU_ETIMEDOUT;
}

TEST(drv_rules_refused_helpers)
{
    world_t *w = world_up(t);
    smmu_gather_t g;
    smmu_pool_t before;
    void *cpu = NULL;
    uint64_t pa = 0, e[8], tgt[8];
    static smmu_hal_guest_t gh;
    uint32_t used0[SMMU_POOL_WORDS(MOCK_ARENA_PAGES)];

    smmu_gather_init(&g, smmu_domain_flush, &w->s1);
    REFUSED(w, SMMU_EEXIST, smmu_pgtable_map(&w->s1.pgt, 0x40000000, 0x90000000, 0x1000, RW,
                                             SMMU_MAP_MEM, &g));
    REFUSED(w, SMMU_EINVAL, smmu_pgtable_map(&w->s1.pgt, 0x1000, 0x90000000, 0x1000, 0,
                                             SMMU_MAP_MEM, &g)); /* no permission */
    REFUSED(w, SMMU_EINVAL, smmu_pgtable_map(&w->s1.pgt, 1ull << 48, 0x90000000, 0x1000, RW,
                                             SMMU_MAP_MEM, &g));
    REFUSED(w, SMMU_EINVAL, smmu_pgtable_unmap(&w->s1.pgt, 0x800, 0x1000, &g));
    CHECK(g.start == g.end && g.nfreed == 0, "nothing gathered");
    /* The allocator: refusals leave its bitmaps and counts alone. */
    void *x = NULL;
    uint64_t xpa = 0;
    REQUIRE(smmu_pool_alloc(&w->m->pool, 8192, 4096, &x, &xpa) == 0, "two pages");
    memcpy(&before, &w->m->pool, sizeof before);
    memcpy(used0, w->m->used, sizeof used0);
    CHECK_EQ(smmu_pool_alloc(&w->m->pool, 0, 4096, &cpu, &pa), SMMU_EINVAL);
    CHECK_EQ(smmu_pool_alloc(&w->m->pool, 4096, 3, &cpu, &pa), SMMU_EINVAL);
    CHECK_EQ(smmu_pool_alloc(&w->m->pool, 4096, 8192, &cpu, &pa), SMMU_EINVAL);
    CHECK_EQ(smmu_pool_alloc(&w->m->pool, (size_t)MOCK_ARENA_PAGES * 8192u, 4096, &cpu, &pa),
             SMMU_ENOMEM);
    CHECK(cpu == NULL && pa == 0, "outputs untouched on refusal");
    CHECK_EQ(smmu_pool_free(&w->m->pool, x, xpa, 4096), SMMU_EINVAL);   /* too short */
    CHECK_EQ(smmu_pool_free(&w->m->pool, x, xpa, 12288), SMMU_EINVAL);  /* too long */
    CHECK_EQ(smmu_pool_free(&w->m->pool, x, xpa + 4096, 8192), SMMU_EINVAL); /* wrong PA */
    CHECK_EQ(smmu_pool_free(&w->m->pool, (uint8_t *)x + 4096, xpa + 4096, 4096),
             SMMU_EINVAL); /* inside it */
    CHECK(!memcmp(&before, &w->m->pool, sizeof before) &&
              !memcmp(used0, w->m->used, sizeof used0),
          "pool unchanged by refusals");
    CHECK_EQ(smmu_pool_free(&w->m->pool, x, xpa, 8192), 0);
    /* Guest memory and the guest flush. */
    CHECK_EQ(smmu_hal_guest_init(&gh, &w->m->hal, w->m->arena, 0x1000, 4096 * 3 + 1),
             SMMU_EINVAL);
    CHECK_EQ(smmu_hal_guest_init(&gh, NULL, w->m->arena, 0x1000, 4096), SMMU_EINVAL);
    REFUSED(w, SMMU_EINVAL, smmu_guest_flush(NULL, &g));
    /* The entry writer stops at the first failed sync and says so. */
    {
        smmu_entry_writer_t wr;
        memset(&wr, 0, sizeof wr);
        smmu_make_abort_ste(e);
        smmu_make_bypass_ste(&w->s, tgt);
        wr.used = smmu_ste_used;
        wr.sync = fail_sync;
        CHECK_EQ(smmu_entry_write(&wr, e, tgt), SMMU_ETIMEDOUT);
        CHECK_EQ(wr.syncs, 1);
    }
    world_down(t, w);
}

/* A failed init leaves its object dead: every call on it is refused and changes
 * nothing, however the init failed. */
static void check_dead_domain(test_ctx_t *t, world_t *w, smmu_domain_t *d, const char *how)
{
    uint64_t pa = 0;
    int err = 0;
    smmu_viommu_t vx;
    smmu_domain_t nx;
    const uint64_t byp[2] = {STE_V_MASK | (uint64_t)STE_CFG_BYPASS << STE_CONFIG_SHIFT, 0};

    CHECK(d->smmu == NULL, "%s: dead", how);
    REFUSED(w, SMMU_EINVAL, smmu_domain_free(d));
    REFUSED(w, SMMU_EINVAL, smmu_attach(&w->mb, d));
    REFUSED(w, SMMU_EINVAL, smmu_domain_map(d, 0, 0x80000000, 0x1000, RW, SMMU_MAP_MEM));
    REFUSED(w, 0, smmu_domain_unmap(d, 0, 0x1000, &err));
    CHECK_EQ(err, SMMU_EINVAL);
    REFUSED(w, SMMU_EINVAL, smmu_domain_iova_to_phys(d, 0, &pa));
    REFUSED(w, SMMU_EINVAL, smmu_domain_enforce_cache_coherency(d));
    REFUSED(w, SMMU_EINVAL, smmu_domain_flush(d, NULL));
    REFUSED(w, SMMU_EINVAL, smmu_viommu_init(&vx, d, NULL, NULL));
    CHECK(!smmu_domain_fwb(d) && smmu_domain_asid(d) == 0 && smmu_domain_vmid(d) == 0 &&
              smmu_domain_ias(d) == 0,
          "%s: accessors of a dead domain", how);
    (void)nx;
    (void)byp;
}

TEST(drv_rules_failed_init_is_dead)
{
    world_t *w = world_up(t);
    smmu_domain_t d;
    smmu_domain_cfg_t big = {.ias = 49};
    smmu_master_t mx;
    smmu_viommu_t vx;
    const uint64_t bad_ste[2] = {STE_V_MASK | (uint64_t)STE_CFG_S2 << STE_CONFIG_SHIFT, 0};
    unsigned c0;

    /* EINVAL (a stage-2 input size above the output size): dead, no ID kept. */
    memset(&d, 0x5a, sizeof d);
    CHECK_EQ(smmu_domain_init(&d, &w->s, SMMU_DOMAIN_S2, &big), SMMU_EINVAL);
    check_dead_domain(t, w, &d, "S2 ias > oas");
    /* ENOMEM (no memory for the tree). */
    w->m->fail_alloc_after = 1;
    CHECK_EQ(smmu_domain_init(&d, &w->s, SMMU_DOMAIN_S1, NULL), SMMU_ENOMEM);
    check_dead_domain(t, w, &d, "ENOMEM");
    /* ENOSPC: a 2-bit ASID space on this SMMU (cfg.asid_bits) holds three. */
    {
        static smmu_t s2;
        smmu_config_t cfg = {.asid_bits = 2, .vmid_bits = 2};
        smmu_domain_t a[4];
        mock_smmu_t *m2 = mock_new();
        REQUIRE(m2 && mock_up(m2, &s2, &cfg) == 0, "second SMMU");
        for (unsigned i = 0; i < 3; i++)
            CHECK_EQ(smmu_domain_init(&a[i], &s2, SMMU_DOMAIN_S1, NULL), 0);
        CHECK(a[0].asid == 1 && a[1].asid == 2 && a[2].asid == 3, "lowest free ASIDs");
        c0 = m2->ncmds;
        CHECK_EQ(smmu_domain_init(&a[3], &s2, SMMU_DOMAIN_S1, NULL), SMMU_ENOSPC);
        CHECK(a[3].smmu == NULL, "ENOSPC: dead");
        CHECK_EQ(smmu_domain_free(&a[3]), SMMU_EINVAL);
        CHECK_EQ(count_op(m2, c0, CMD_OP_TLBI_NH_ASID), 0); /* no TLBI for ASID 0 */
        smmu_master_t mm;
        CHECK_EQ(smmu_master_init(&mm, &s2, 4), 0);
        CHECK_EQ(smmu_attach(&mm, &a[3]), SMMU_EINVAL);
        CHECK(mm.domain == NULL && mm.cdtab.cpu == NULL, "no STE, no CD for a dead domain");
        /* A freed ID is reused, lowest first. */
        CHECK_EQ(smmu_domain_free(&a[1]), 0);
        CHECK_EQ(smmu_domain_init(&a[3], &s2, SMMU_DOMAIN_S1, NULL), 0);
        CHECK_EQ(a[3].asid, 2);
        for (unsigned i = 0; i < 4; i++)
            if (i != 1)
                CHECK_EQ(smmu_domain_free(&a[i]), 0);
        CHECK_EQ(smmu_master_fini(&mm), 0);
        CHECK_EQ(smmu_teardown(&s2), 0);
        CHECK_EQ(m2->pool.allocs, 0);
        mock_free(m2);
    }
    /* A nested domain from a refused guest STE. */
    CHECK_EQ(smmu_nested_domain_init(&d, &w->v, bad_ste), SMMU_EINVAL);
    check_dead_domain(t, w, &d, "guest STE refused");
    CHECK_EQ(w->v.nested, 1);
    /* A master whose init failed. */
    memset(&mx, 0x5a, sizeof mx);
    CHECK_EQ(smmu_master_init(&mx, &w->s, 1u << 16), SMMU_EINVAL);
    CHECK(mx.smmu == NULL, "master: dead");
    REFUSED(w, SMMU_EINVAL, smmu_attach(&mx, &w->s2));
    REFUSED(w, SMMU_EINVAL, smmu_detach(&mx));
    REFUSED(w, SMMU_EINVAL, smmu_master_fini(&mx));
    REFUSED(w, SMMU_EINVAL, smmu_viommu_vdev_add(&w->v, &mx, 9));
    CHECK(!smmu_master_capable(&mx, SMMU_CAP_CACHE_COHERENCY), "dead master: no capability");
    CHECK(smmu_master_cd(&mx, 0) == NULL && smmu_master_last_syncs(&mx) == 0, "dead master");
    /* A vIOMMU whose init failed. */
    memset(&vx, 0x5a, sizeof vx);
    CHECK_EQ(smmu_viommu_init(&vx, &w->s1, NULL, NULL), SMMU_EINVAL);
    CHECK(vx.smmu == NULL, "vIOMMU: dead");
    REFUSED(w, SMMU_EINVAL, smmu_viommu_free(&vx));
    REFUSED(w, SMMU_EINVAL, smmu_viommu_vdev_add(&vx, &w->mb, 1));
    REFUSED(w, SMMU_EINVAL, smmu_viommu_invalidate(&vx, NULL, 0, NULL));
    REFUSED(w, SMMU_EINVAL, smmu_nested_domain_init(&d, &vx, bad_ste));
    CHECK(smmu_viommu_vmid(&vx) == 0 && smmu_viommu_ias(&vx) == 0, "dead vIOMMU");
    /* An SMMU whose probe failed, and one whose init failed. */
    {
        static smmu_t sx;
        mock_smmu_t *m3 = mock_new();
        smmu_config_t bad = {.split = 7};
        m3->regs[SMMU_IDR5 / 4] = 0; /* no 4 KB granule */
        CHECK_EQ(smmu_probe(&sx, &m3->hal), SMMU_ENODEV);
        CHECK_EQ(smmu_init(&sx, NULL), SMMU_EINVAL);
        CHECK_EQ(smmu_domain_init(&d, &sx, SMMU_DOMAIN_S1, NULL), SMMU_EINVAL);
        CHECK_EQ(smmu_master_init(&mx, &sx, 0), SMMU_EINVAL);
        mock_ids(m3);
        CHECK_EQ(smmu_probe(&sx, &m3->hal), 0);
        CHECK_EQ(smmu_init(&sx, &bad), SMMU_EINVAL);
        CHECK_EQ(smmu_cmdq_sync(&sx, SMMU_CS_NONE), SMMU_EINVAL);
        CHECK_EQ(smmu_evtq_dispatch(&sx, 0), SMMU_EINVAL);
        CHECK_EQ(smmu_domain_init(&d, &sx, SMMU_DOMAIN_IDENTITY, NULL), SMMU_EINVAL);
        CHECK_EQ(m3->pool.allocs, 0);
        mock_free(m3);
    }
    world_down(t, w);
}

static unsigned ev_seen;
static smmu_event_t ev_last;
static void ev_count(void *arg, const smmu_event_t *ev)
{
    (void)arg;
    ev_seen++;
    ev_last = *ev;
}

TEST(drv_rules_master_reinit)
{
    world_t *w = world_up(t);
    smmu_master_t c;
    smmu_event_t ev;

    /* A refused re-init (another master's StreamID) leaves the master as it was: still
     * listed under its own StreamID, still attached, and its StreamID still taken. */
    CHECK_EQ(smmu_master_init(&w->ma, &w->s, 0x11), SMMU_EEXIST);
    CHECK(smmu_find_master(&w->s, 0x10) == &w->ma, "ma still listed for 0x10");
    CHECK(w->ma.domain == &w->s1 && w->s1.attached == 1, "ma still attached");
    CHECK_EQ(smmu_master_init(&c, &w->s, 0x10), SMMU_EEXIST);
    CHECK(c.smmu == NULL, "the refused newcomer is dead");
    /* Its faults still reach its domain's handler. */
    smmu_domain_set_fault_handler(&w->s1, ev_count, NULL);
    memset(&ev, 0, sizeof ev);
    ev.dw[0] = 0x0000001000000010ull; /* F_TRANSLATION, sid 0x10 */
    REQUIRE(mock_inject_event(w->m, &ev), "inject");
    ev_seen = 0;
    CHECK_EQ(smmu_evtq_dispatch(&w->s, 0), 1);
    CHECK_EQ(ev_seen, 1);
    /* A fini'd master may be initialised again. */
    CHECK_EQ(smmu_detach(&w->mb), 0);
    CHECK_EQ(smmu_master_fini(&w->mb), 0);
    CHECK(w->mb.smmu == NULL, "fini: dead");
    CHECK_EQ(smmu_master_init(&w->mb, &w->s, 0x11), 0);
    world_down(t, w);
}

/* ---- Linux parity for a VMM ---------------------------------------------------------------- */

TEST(drv_parity_vmm)
{
    world_t *w = world_up(t);
    smmu_cmd_t c;
    smmu_domain_t ns1, nab;
    smmu_master_t mu, many[40];
    smmu_hw_info_t hi;
    uint64_t ste[8];
    size_t done = 99;
    unsigned c0;
    int err = 1;
    const uint64_t g_s1[2] = {STE_V_MASK | (uint64_t)STE_CFG_S1 << STE_CONFIG_SHIFT | 0x1000, 0};
    const uint64_t g_abort[2] = {STE_V_MASK, 0};

    /* TLBI_NSNH_ALL from the guest -> TLBI_NH_ALL with the vIOMMU's VMID. */
    smmu_cmd_tlbi_nsnh_all(&c);
    c0 = w->m->ncmds;
    CHECK_EQ(smmu_viommu_invalidate(&w->v, &c, 1, &done), 0);
    CHECK_EQ(done, 1);
    CHECK_EQ(w->m->ncmds - c0, 2);
    CHECK_EQ(mock_cmd(w->m, c0)->dw[0], 0x10ull | (uint64_t)smmu_viommu_vmid(&w->v) << 32);
    CHECK_EQ(mock_cmd(w->m, c0)->dw[1], 0);
    CHECK_EQ(mock_cmd(w->m, c0 + 1)->dw[0] & 0xff, CMD_OP_CMD_SYNC);

    /* MEV on a nested stage-1 STE (not on abort or bypass, as Linux). */
    CHECK_EQ(smmu_nested_domain_init(&ns1, &w->v, g_s1), 0);
    smmu_make_domain_ste(&ns1, ste);
    CHECK(ste[1] & STE_MEV_MASK, "nested S1: MEV");
    smmu_make_domain_ste(&w->nested, ste);
    CHECK(!(ste[1] & STE_MEV_MASK), "nested bypass: no MEV");
    /* ... and still hitless: the bound master moves bypass -> S1 -> bypass. */
    CHECK_EQ(smmu_attach(&w->mg, &ns1), 0);
    CHECK(smmu_master_last_hitless(&w->mg) && smmu_master_last_syncs(&w->mg) == 2,
          "bypass -> S1: %u syncs, hitless %d", smmu_master_last_syncs(&w->mg),
          smmu_master_last_hitless(&w->mg));
    CHECK_EQ(smmu_attach(&w->mg, &w->nested), 0);
    CHECK(smmu_master_last_hitless(&w->mg) && smmu_master_last_syncs(&w->mg) == 2,
          "S1 -> bypass: %u syncs", smmu_master_last_syncs(&w->mg));

    /* Abort and bypass nested domains take an unbound master; stage 1 does not. */
    CHECK_EQ(smmu_nested_domain_init(&nab, &w->v, g_abort), 0);
    CHECK_EQ(smmu_master_init(&mu, &w->s, 0x99), 0);
    CHECK_EQ(smmu_attach(&mu, &w->nested), 0);
    CHECK_EQ(smmu_attach(&mu, &nab), 0);
    CHECK_EQ(smmu_attach(&mu, &ns1), SMMU_EINVAL);
    CHECK(mu.domain == &nab, "unchanged after the refusal");
    CHECK_EQ(smmu_attach(&w->ma, &ns1), SMMU_EINVAL); /* unbound, stage 1 */
    CHECK_EQ(smmu_detach(&mu), 0);

    /* Unmap: the size unmapped, also when it fails part-way. A 2 MB block and one
     * page of the next: the block goes, splitting the next block needs a table page
     * and the allocation fails. */
    CHECK_EQ(smmu_domain_map(&w->s1, 0x40200000, 0x80200000, 0x200000, RW, SMMU_MAP_MEM), 0);
    w->m->fail_alloc_after = 1;
    c0 = w->m->ncmds;
    CHECK_EQ(smmu_domain_unmap(&w->s1, 0x40000000, 0x201000, &err), 0x200000);
    CHECK_EQ(err, SMMU_ENOMEM);
    CHECK(count_op(w->m, c0, CMD_OP_CMD_SYNC) == 1, "what was unmapped was invalidated");
    uint64_t pa = 0;
    CHECK_EQ(smmu_domain_iova_to_phys(&w->s1, 0x40000000, &pa), SMMU_ENOENT);
    CHECK_EQ(smmu_domain_iova_to_phys(&w->s1, 0x40200000, &pa), 0); /* still mapped */
    CHECK_EQ(smmu_domain_unmap(&w->s1, 0x40000000, 0x400000, &err), 0x200000);
    CHECK_EQ(err, 0);

    /* hw_info: the IPA size the guest may use, clamped to the parent's IPA size. */
    {
        smmu_domain_t p40;
        smmu_viommu_t v40;
        smmu_domain_cfg_t c40 = {.nest_parent = true, .ias = 39};
        CHECK_EQ(smmu_domain_init(&p40, &w->s, SMMU_DOMAIN_S2, &c40), 0);
        CHECK_EQ(smmu_viommu_init(&v40, &p40, NULL, NULL), 0);
        CHECK_EQ(smmu_viommu_hw_info(&v40, &hi), 0);
        CHECK_EQ((hi.idr[5] & SMMU_IDR5_OAS_MASK) >> SMMU_IDR5_OAS_SHIFT, 1); /* 36 bits */
        CHECK_EQ(smmu_viommu_ias(&v40), 39);
        CHECK_EQ(smmu_hw_info(&w->s, &hi), 0);
        CHECK_EQ((hi.idr[5] & SMMU_IDR5_OAS_MASK) >> SMMU_IDR5_OAS_SHIFT, 5); /* the SMMU's */
        CHECK_EQ(smmu_viommu_hw_info(&w->v, &hi), 0);
        CHECK_EQ((hi.idr[5] & SMMU_IDR5_OAS_MASK) >> SMMU_IDR5_OAS_SHIFT, 5); /* 48 */
        CHECK_EQ(smmu_viommu_free(&v40), 0);
        CHECK_EQ(smmu_domain_free(&p40), 0);
    }

    /* Accessors. */
    CHECK_EQ(smmu_domain_vmid(&w->parent), w->parent.vmid);
    CHECK_EQ(smmu_viommu_vmid(&w->v), w->parent.vmid);
    CHECK_EQ(smmu_domain_vmid(&w->nested), w->parent.vmid);
    CHECK_EQ(smmu_domain_fwb(&w->parent), w->parent.fwb);
    CHECK(smmu_domain_fwb(&w->parent), "FWB on a coherent SMMU with FWB");
    CHECK_EQ(smmu_domain_asid(&w->s1), w->s1.asid);
    CHECK_EQ(smmu_domain_ias(&w->s1), 48);
    CHECK_EQ(smmu_domain_ias(&w->nested), 48);
    CHECK_EQ(smmu_master_last_syncs(&w->ma), w->ma.last_syncs);

    /* A vIOMMU holds any number of devices (bound masters carry their vSIDs). */
    for (unsigned i = 0; i < 40; i++) {
        CHECK_EQ(smmu_master_init(&many[i], &w->s, 0x200 + i), 0);
        CHECK_EQ(smmu_viommu_vdev_add(&w->v, &many[i], 100 + i), 0);
    }
    uint32_t sid = 0;
    CHECK_EQ(smmu_viommu_vsid_to_sid(&w->v, 139, &sid), 0);
    CHECK_EQ(sid, 0x227);
    for (unsigned i = 0; i < 40; i++) {
        CHECK_EQ(smmu_viommu_vdev_del(&w->v, &many[i]), 0);
        CHECK_EQ(smmu_master_fini(&many[i]), 0);
    }
    CHECK_EQ(w->v.nvdevs, 1);
    CHECK_EQ(smmu_master_fini(&mu), 0);
    CHECK_EQ(smmu_domain_free(&nab), 0);
    CHECK_EQ(smmu_domain_free(&ns1), 0);
    world_down(t, w);
}

/* A fault queued by the host domain before the master goes to its guest reaches the
 * host; one the guest caused before it goes back reaches the guest. */
TEST(drv_parity_owner_drain)
{
    world_t *w = world_up(t);
    smmu_domain_t ns1;
    smmu_event_t ev;
    const uint64_t g_s1[2] = {STE_V_MASK | (uint64_t)STE_CFG_S1 << STE_CONFIG_SHIFT | 0x1000, 0};
    static unsigned guest_n;

    CHECK_EQ(smmu_nested_domain_init(&ns1, &w->v, g_s1), 0);
    smmu_domain_set_fault_handler(&w->s1, ev_count, NULL);
    w->v.event_cb = ev_count;
    CHECK_EQ(smmu_detach(&w->mg), 0);
    CHECK_EQ(smmu_attach(&w->mg, &w->s1), 0);
    memset(&ev, 0, sizeof ev);
    ev.dw[0] = 0x0000001200000010ull; /* F_TRANSLATION, sid 0x12 (mg) */
    ev.dw[2] = 0x40001000;            /* a host IOVA */
    REQUIRE(mock_inject_event(w->m, &ev), "inject");
    ev_seen = 0;
    CHECK_EQ(smmu_attach(&w->mg, &ns1), 0); /* host -> guest: drained first */
    CHECK_EQ(ev_seen, 1);
    CHECK_EQ(ev_last.dw[0] >> 32, 0x12); /* the pSID: the host's handler */
    CHECK_EQ(w->v.stats.events, 0);
    REQUIRE(mock_inject_event(w->m, &ev), "inject");
    ev_seen = 0;
    CHECK_EQ(smmu_attach(&w->mg, &w->s1), 0); /* guest -> host: drained first */
    CHECK_EQ(ev_seen, 1);
    CHECK_EQ(ev_last.dw[0] >> 32, 7); /* the vSID: the guest's */
    CHECK_EQ(w->v.stats.events, 1);
    (void)guest_n;
    CHECK_EQ(smmu_detach(&w->mg), 0);
    CHECK_EQ(smmu_domain_free(&ns1), 0);
    world_down(t, w);
}

/* ---- 16-bit ASIDs and VMIDs ----------------------------------------------------------------- */

static void ids(test_ctx_t *t, bool wide)
{
    mock_smmu_t *m = mock_new();
    static smmu_t s;
    static smmu_domain_t d1[300], d2[300];
    smmu_master_t ma;
    unsigned n1 = 0, n2 = 0, want = wide ? 300u : 255u;
    int r1 = 0, r2 = 0;

    if (!wide)
        m->regs[SMMU_IDR0 / 4] &= ~(SMMU_IDR0_ASID16_MASK | SMMU_IDR0_VMID16_MASK);
    REQUIRE(mock_up(m, &s, NULL) == 0, "up");
    CHECK_EQ(s.asid_bits, wide ? 16 : 8);
    CHECK_EQ(s.vmid_bits, wide ? 16 : 8);
    for (; n1 < 300 && (r1 = smmu_domain_init(&d1[n1], &s, SMMU_DOMAIN_S1, NULL)) == 0; n1++)
        CHECK_EQ(d1[n1].asid, n1 + 1);
    for (; n2 < 300 && (r2 = smmu_domain_init(&d2[n2], &s, SMMU_DOMAIN_S2, NULL)) == 0; n2++)
        CHECK_EQ(d2[n2].vmid, n2 + 1);
    CHECK(n1 == want && n2 == want, "%u ASIDs, %u VMIDs (want %u)", n1, n2, want);
    if (!wide)
        CHECK(r1 == SMMU_ENOSPC && r2 == SMMU_ENOSPC, "8-bit: the 256th is refused");
    if (wide) {
        /* The 16-bit ID in the CD and the STE, and in the TLBIs of an unmap. */
        uint64_t ste[8];
        const uint64_t *cd;
        CHECK_EQ(smmu_master_init(&ma, &s, 5), 0);
        CHECK_EQ(smmu_attach(&ma, &d1[299]), 0);
        cd = smmu_master_cd(&ma, 0);
        REQUIRE(cd != NULL, "CD");
        CHECK_EQ((cd[CD_ASID_DW] & CD_ASID_MASK) >> CD_ASID_SHIFT, 300);
        smmu_make_domain_ste(&d2[299], ste);
        CHECK_EQ((ste[STE_S2VMID_DW] & STE_S2VMID_MASK) >> STE_S2VMID_SHIFT, 300);
        CHECK_EQ(smmu_domain_map(&d1[299], 0x1000, 0x80000000, 0x1000, RW, SMMU_MAP_MEM), 0);
        unsigned c0 = m->ncmds;
        CHECK_EQ(smmu_domain_unmap(&d1[299], 0x1000, 0x1000, NULL), 0x1000);
        CHECK_EQ((mock_cmd(m, c0)->dw[0] >> 48) & 0xffff, 300); /* TLBI_NH_VA's ASID */
        CHECK_EQ(smmu_detach(&ma), 0);
        CHECK_EQ(smmu_master_fini(&ma), 0);
    }
    /* Freed IDs come back lowest first. */
    CHECK_EQ(smmu_domain_free(&d1[9]), 0);
    CHECK_EQ(smmu_domain_free(&d1[4]), 0);
    CHECK_EQ(smmu_domain_init(&d1[4], &s, SMMU_DOMAIN_S1, NULL), 0);
    CHECK_EQ(d1[4].asid, 5);
    CHECK_EQ(smmu_domain_init(&d1[9], &s, SMMU_DOMAIN_S1, NULL), 0);
    CHECK_EQ(d1[9].asid, 10);
    for (unsigned i = 0; i < n1; i++)
        CHECK_EQ(smmu_domain_free(&d1[i]), 0);
    for (unsigned i = 0; i < n2; i++)
        CHECK_EQ(smmu_domain_free(&d2[i]), 0);
    CHECK(s.domains == NULL, "list empty");
    CHECK_EQ(smmu_teardown(&s), 0);
    CHECK_EQ(m->pool.allocs, 0);
    mock_free(m);
}

TEST(drv_ids_16bit)
{
    ids(t, true);
}

TEST(drv_ids_8bit)
{
    ids(t, false);
}

/* ---- translation granules ------------------------------------------------------------------
 * A domain's granule (smmu_domain_cfg.granule) is one the SMMU reports (IDR5), refused
 * otherwise with nothing changed; it shows in the CD (TG0) / STE (S2TG, S2SL0) and in the
 * range TLBIs of unmap (TG, addresses and NUM/SCALE in granules, IHI 0070 4.4.1.1). */
TEST(drv_rules_granules)
{
    world_t *w = world_up(t);
    smmu_domain_t d16, d64, dx;
    smmu_domain_cfg_t g16 = {.granule = SMMU_GRANULE_16K};
    smmu_domain_cfg_t g64 = {.granule = SMMU_GRANULE_64K, .ias = 42};
    smmu_domain_cfg_t g13 = {.granule = 13};
    uint64_t e[8];
    unsigned c0;
    int err = 0;

    /* Stage 1, 16 KB: CD.TG0 = 0b10, T0SZ 16; maps refuse 4 KB alignment */
    CHECK_EQ(smmu_domain_init(&d16, &w->s, SMMU_DOMAIN_S1, &g16), 0);
    CHECK_EQ(smmu_pgtable_page_size(&d16.pgt), 0x4000);
    smmu_make_cd(&d16, e);
    CHECK_EQ((e[0] & CD_TG0_MASK) >> CD_TG0_SHIFT, 2);
    CHECK_EQ((e[0] & CD_T0SZ_MASK) >> CD_T0SZ_SHIFT, 16);
    REFUSED(w, SMMU_EINVAL, smmu_domain_map(&d16, 0x10000000, 0x80000000, 0x1000, RW, SMMU_MAP_MEM));
    REFUSED(w, SMMU_EINVAL, smmu_domain_map(&d16, 0x10001000, 0x80000000, 0x4000, RW, SMMU_MAP_MEM));
    CHECK_EQ(smmu_domain_map(&d16, 0x10000000, 0x80000000, 0xc000, RW, SMMU_MAP_MEM), 0);
    c0 = w->m->ncmds;
    CHECK_EQ(smmu_domain_unmap(&d16, 0x10000000, 0xc000, &err), 0xc000);
    CHECK_EQ(err, 0);
    /* TLBI_NH_VA, ASID of d16, TG = 0b10 (16 KB), 3 granules from 0x1000_0000: NUM 2,
     * SCALE 0; then CMD_SYNC */
    CHECK_EQ(w->m->ncmds - c0, 2);
    CHECK_EQ(mock_cmd(w->m, c0)->dw[0] & 0xff, 0x12);
    CHECK_EQ((mock_cmd(w->m, c0)->dw[1] >> 10) & 3, 2);
    CHECK_EQ(mock_cmd(w->m, c0)->dw[1] & ~0xfffull, 0x10000000);
    CHECK_EQ((mock_cmd(w->m, c0)->dw[0] >> 12) & 31, 2);
    CHECK_EQ((mock_cmd(w->m, c0)->dw[0] >> 20) & 63, 0);

    /* Stage 2, 64 KB, 42-bit IPA: level 2 with 13 bits, S2SL0 1 (3 - 2), S2TG 0b01 */
    CHECK_EQ(smmu_domain_init(&d64, &w->s, SMMU_DOMAIN_S2, &g64), 0);
    smmu_make_s2_ste(&d64, e);
    CHECK_EQ((e[2] & STE_S2TG_MASK) >> STE_S2TG_SHIFT, 1);
    CHECK_EQ((e[2] & STE_S2SL0_MASK) >> STE_S2SL0_SHIFT, 1);
    CHECK_EQ((e[2] & STE_S2T0SZ_MASK) >> STE_S2T0SZ_SHIFT, 22);
    /* A 512 MB block, then unmapping 64 KB from it: the mock has BBML 1, so the block is
     * broken first (TLBI_S2_IPA of its 8192 granules: (NUM + 1) << SCALE, TG 0b11; sync),
     * then made a table of 64 KB pages and the one page removed (a single-address TLBI:
     * TG != 0 with NUM = SCALE = TTL = 0 is Reserved; sync) */
    CHECK_EQ(smmu_domain_map(&d64, 0x20000000, 0x40000000, 0x20000000, RW, SMMU_MAP_MEM), 0);
    c0 = w->m->ncmds;
    CHECK_EQ(smmu_domain_unmap(&d64, 0x20010000, 0x10000, &err), 0x10000);
    CHECK_EQ(err, 0);
    CHECK_EQ(w->m->ncmds - c0, 4);
    CHECK_EQ(mock_cmd(w->m, c0)->dw[0] & 0xff, 0x2a);
    CHECK_EQ(mock_cmd(w->m, c0)->dw[1], 0x20000000ull | 3ull << 10 | 1); /* LEAF */
    CHECK_EQ((((mock_cmd(w->m, c0)->dw[0] >> 12) & 31) + 1) << ((mock_cmd(w->m, c0)->dw[0] >> 20) & 63),
             8192);
    CHECK_EQ(mock_cmd(w->m, c0 + 2)->dw[0] & 0xff, 0x2a);
    CHECK_EQ(mock_cmd(w->m, c0 + 2)->dw[1], 0x20010000ull | 1); /* LEAF, TG 0 */
    CHECK(smmu_domain_iova_to_phys(&d64, 0x20020000, &e[0]) == 0 && e[0] == 0x40020000,
          "the rest of the block still maps");
    /* 40 granules: NUM + 1 = 20 at SCALE 1 (one command), TG 0b11 */
    CHECK_EQ(smmu_domain_map(&d64, 0x80000000, 0x40000000, 40 * 0x10000, RW, SMMU_MAP_MEM), 0);
    c0 = w->m->ncmds;
    CHECK_EQ(smmu_domain_unmap(&d64, 0x80000000, 40 * 0x10000, &err), 40 * 0x10000);
    CHECK_EQ(w->m->ncmds - c0, 2);
    CHECK_EQ((mock_cmd(w->m, c0)->dw[1] >> 10) & 3, 3);
    CHECK_EQ(((mock_cmd(w->m, c0)->dw[0] >> 12) & 31) + 1, 20);
    CHECK_EQ((mock_cmd(w->m, c0)->dw[0] >> 20) & 63, 1);

    /* Not a granule at all */
    memset(&dx, 0x5a, sizeof dx);
    CHECK_EQ(smmu_domain_init(&dx, &w->s, SMMU_DOMAIN_S1, &g13), SMMU_EINVAL);
    check_dead_domain(t, w, &dx, "granule 13");
    CHECK_EQ(smmu_domain_free(&d16), 0);
    CHECK_EQ(smmu_domain_free(&d64), 0);

    /* An SMMU without 16 KB and 64 KB (IDR5.GRAN16K = GRAN64K = 0): refused, no ASID or
     * VMID taken, no command; 4 KB works */
    {
        static smmu_t s2;
        smmu_domain_t a, b;
        mock_smmu_t *m2 = mock_new();
        REQUIRE(m2, "mock");
        m2->regs[SMMU_IDR5 / 4] &= ~(uint32_t)(SMMU_IDR5_GRAN16K_MASK | SMMU_IDR5_GRAN64K_MASK);
        REQUIRE(mock_up(m2, &s2, NULL) == 0, "up: %s", m2->last);
        c0 = m2->ncmds;
        CHECK_EQ(smmu_domain_init(&a, &s2, SMMU_DOMAIN_S1, &g16), SMMU_EINVAL);
        CHECK(a.smmu == NULL, "dead");
        CHECK_EQ(smmu_domain_init(&a, &s2, SMMU_DOMAIN_S2, &g64), SMMU_EINVAL);
        CHECK(a.smmu == NULL && s2.domains == NULL && m2->ncmds == c0, "nothing taken");
        CHECK_EQ(smmu_domain_init(&a, &s2, SMMU_DOMAIN_S1, NULL), 0);
        CHECK_EQ(a.asid, 1);
        CHECK_EQ(smmu_domain_init(&b, &s2, SMMU_DOMAIN_S2, NULL), 0);
        smmu_make_s2_ste(&b, e);
        CHECK_EQ((e[2] & STE_S2TG_MASK) >> STE_S2TG_SHIFT, 0);
        CHECK_EQ(smmu_domain_free(&a), 0);
        CHECK_EQ(smmu_domain_free(&b), 0);
        CHECK_EQ(smmu_teardown(&s2), 0);
        CHECK_EQ(m2->pool.allocs, 0);
        mock_free(m2);
    }
    world_down(t, w);
}

/* One TLBI_NH_VA with the given range fields, built by the (pure) builder */
static smmu_cmd_t range_va(test_ctx_t *t, unsigned tg, unsigned ttl, unsigned num,
                           unsigned scale)
{
    smmu_tlbi_range_t r = {.tg = tg, .ttl = ttl, .num = num, .scale = scale};
    smmu_cmd_t c;

    CHECK_EQ(smmu_cmd_tlbi_nh_va(&c, 0, 1, 0x40000000ull, false, &r), 0);
    return c;
}

/*
 * Range TLBI fields against what the SMMU reports (IHI 0070 4.4.1.1): the builders refuse
 * only the combination Reserved under every IDR5 (TG != 0, TTL = NUM = SCALE = 0); where a
 * command meets an SMMU (smmu_cmdq_submit, smmu_batch_add, and the vIOMMU's guest
 * commands) TG = 16 KB with TTL = 0b01 and NUM = SCALE = 0 is refused when IDR5.DS = 0
 * and passes when DS = 1, and TG != 0 is refused without IDR3.RIL. Which granules IDR5
 * reports does not matter (a TG of an absent granule is legal). Refusals queue nothing.
 */
TEST(drv_rules_tlbi_range_idr5)
{
    world_t *w = world_up(t);
    smmu_tlbi_range_t r0 = {.tg = 2, .ttl = 0};
    smmu_batch_t b;
    smmu_cmd_t c;
    unsigned c0;

    CHECK_EQ(smmu_cmd_tlbi_nh_va(&c, 0, 1, 0x40000000ull, false, &r0), SMMU_EINVAL);
    CHECK_EQ(w->s.feat.ds, 0);
    /* DS = 0: 16 KB TTL 1 single granule refused, nothing queued, the batch unchanged */
    c = range_va(t, 2, 1, 0, 0);
    c0 = w->m->ncmds;
    REFUSED(w, SMMU_EINVAL, smmu_cmdq_submit(&w->s, &c, 1, true, SMMU_CS_NONE));
    smmu_batch_init(&b);
    CHECK_EQ(smmu_batch_add(&w->s, &b, &c), SMMU_EINVAL);
    CHECK_EQ(b.n, 0);
    {
        /* the guest's copy of it through the vIOMMU */
        size_t done = 99;
        smmu_cmd_t g = c;
        REFUSED(w, SMMU_EINVAL, smmu_viommu_invalidate(&w->v, &g, 1, &done));
    }
    CHECK_EQ(w->m->ncmds, c0);
    /* ... the same with a range, a level-2 hint, or another granule: legal */
    static const unsigned ok[][4] = {{2, 1, 1, 0}, {2, 1, 0, 1}, {2, 2, 0, 0}, {1, 1, 0, 0},
                                     {3, 3, 0, 0}, {3, 0, 7, 2}};
    for (unsigned i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        c = range_va(t, ok[i][0], ok[i][1], ok[i][2], ok[i][3]);
        c0 = w->m->ncmds;
        CHECK_EQ(smmu_cmdq_submit(&w->s, &c, 1, true, SMMU_CS_NONE), 0);
        CHECK_EQ(w->m->ncmds - c0, 2);
        CHECK_EQ(mock_cmd(w->m, c0)->dw[1], c.dw[1]);
        CHECK_EQ(smmu_batch_add(&w->s, &b, &c), 0);
    }
    CHECK_EQ(b.n, sizeof ok / sizeof ok[0]);
    CHECK_EQ(smmu_batch_submit(&w->s, &b, true, SMMU_CS_NONE), 0);
    world_down(t, w);

    /* IDR5.DS = 1: TTL 0b01 under 16 KB is a level-1 hint, accepted; TTL 0 still refused
     * by the builder. Without any 16 KB support in IDR5 the rule is the same. */
    {
        static smmu_t s2;
        mock_smmu_t *m2 = mock_new();
        REQUIRE(m2, "mock");
        m2->regs[SMMU_IDR5 / 4] |= SMMU_IDR5_DS_MASK;
        m2->regs[SMMU_IDR5 / 4] &= ~(uint32_t)SMMU_IDR5_GRAN16K_MASK;
        REQUIRE(mock_up(m2, &s2, NULL) == 0, "up: %s", m2->last);
        CHECK_EQ(s2.feat.ds, 1);
        c = range_va(t, 2, 1, 0, 0);
        c0 = m2->ncmds;
        CHECK_EQ(smmu_cmdq_submit(&s2, &c, 1, true, SMMU_CS_NONE), 0);
        CHECK_EQ(m2->ncmds - c0, 2);
        smmu_batch_init(&b);
        CHECK_EQ(smmu_batch_add(&s2, &b, &c), 0);
        CHECK_EQ(b.n, 1);
        CHECK_EQ(smmu_teardown(&s2), 0);
        mock_free(m2);
    }
    /* IDR3.RIL = 0: every TG != 0 refused, a single-address TLBI passes */
    {
        static smmu_t s3;
        mock_smmu_t *m3 = mock_new();
        REQUIRE(m3, "mock");
        m3->regs[SMMU_IDR3 / 4] &= ~(uint32_t)SMMU_IDR3_RIL_MASK;
        REQUIRE(mock_up(m3, &s3, NULL) == 0, "up: %s", m3->last);
        c = range_va(t, 1, 3, 0, 0);
        c0 = m3->ncmds;
        CHECK_EQ(smmu_cmdq_submit(&s3, &c, 1, true, SMMU_CS_NONE), SMMU_EINVAL);
        CHECK_EQ(m3->ncmds, c0);
        CHECK_EQ(smmu_cmd_tlbi_nh_va(&c, 0, 1, 0x40000000ull, false, NULL), 0);
        CHECK_EQ(smmu_cmdq_submit(&s3, &c, 1, true, SMMU_CS_NONE), 0);
        CHECK_EQ(m3->ncmds - c0, 2);
        CHECK_EQ(smmu_teardown(&s3), 0);
        mock_free(m3);
    }
}
