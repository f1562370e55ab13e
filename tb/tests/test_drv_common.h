/* Shared set-up of the driver-against-RTL tests: the simulator HAL plus one smmu_t. */
#ifndef TEST_DRV_COMMON_H
#define TEST_DRV_COMMON_H

#include <string.h>

#include "smmu/smmu.h"
#include "smmu/smmu_domain.h"
#include "smmu/smmu_queue.h"
#include "smmu/smmu_regs.h"
#include "smmu_hal_sim.h"
#include "test.h"

typedef struct drv_fx {
    smmu_hal_sim_t h;
    smmu_t s;
} drv_fx_t;

/* One fixture at a time (tests run one after another); static because the HAL's page
 * tables are large, and heap-free so a test that stops early leaks nothing. */
static drv_fx_t drv_fx_storage;

static inline drv_fx_t *drv_probe(test_ctx_t *t)
{
    drv_fx_t *fx = &drv_fx_storage;
    int ret;

    memset(fx, 0, sizeof *fx);
    REQUIRE(smmu_hal_sim_init(&fx->h, t->sim) == 0, "simulator HAL init");
    /* Recovered errors log at WARN; tests check them through h.last_warn, so only
     * errors reach stdout. */
    fx->h.log_level = SMMU_LOG_ERR;
    ret = smmu_probe(&fx->s, &fx->h.hal);
    REQUIRE(ret == 0, "probe: %s", smmu_strerror(ret));
    return fx;
}

static inline drv_fx_t *drv_up(test_ctx_t *t, const smmu_config_t *cfg)
{
    drv_fx_t *fx = drv_probe(t);
    int ret = smmu_init(&fx->s, cfg);

    REQUIRE(ret == 0, "init: %s (last warning: %s)", smmu_strerror(ret), fx->h.last_warn);
    return fx;
}

static inline void drv_down(test_ctx_t *t, drv_fx_t *fx)
{
    CHECK_EQ(smmu_teardown(&fx->s), 0);
    CHECK_EQ(fx->h.pool.allocs, 0);
    smmu_hal_sim_fini(&fx->h);
}

/* Active global errors as the hardware reports them. */
static inline uint32_t drv_gerror_active(test_ctx_t *t)
{
    return sim_reg_read32(t->sim, SMMU_GERROR) ^ sim_reg_read32(t->sim, SMMU_GERRORN);
}

/* ---- exact table-read counts with the walk caches (rtl/smmu_walk_cache.v) ---------------
 * What a walk reads depends on what earlier walks left in the walk caches. wc_tree_t
 * follows one translation tree as the SMMU caches it: a walk of input address `ia` reads
 * from the deepest level whose table an earlier walk of the same tree passed through, down
 * to the leaf; for a stage-2 tree the leaf cache also answers an address in a granule page
 * an earlier walk ended in (nothing read). Valid for the tests that use it: every leaf at
 * level 3, no invalidation in between, fewer walks than the caches' 16 entries. */
typedef struct {
    unsigned start, gshift, stride, n;
    uint64_t ia[32];
} wc_tree_t;

static inline void wc_tree_init(wc_tree_t *c, const smmu_pgtable_t *p)
{
    memset(c, 0, sizeof *c);
    c->start = p->start_level;
    c->gshift = p->gshift;
    c->stride = p->stride;
}

/* The level a walk of ia starts reading at (4: the leaf is cached), then remember ia. */
static inline unsigned wc_tree_walk(wc_tree_t *c, uint64_t ia, bool leaf_cache)
{
    unsigned from = c->start;
    for (unsigned i = 0; i < c->n; i++) {
        uint64_t p = c->ia[i];
        if (leaf_cache && (p >> c->gshift) == (ia >> c->gshift))
            from = 4;
        /* the level-l table is known when the level-(l-1) descriptor is the same one */
        for (unsigned l = c->start + 1; l <= 3; l++)
            if (((p ^ ia) >> (c->gshift + c->stride * (4 - l))) == 0 && l > from)
                from = l;
    }
    if (c->n < 32)
        c->ia[c->n++] = ia;
    return from;
}

/* The descriptor addresses (PAs; IPAs for a guest's tree) a walk of iova reads in tree p,
 * start level first, down to the leaf or the first invalid descriptor; returns how many. */
static inline unsigned pgt_walk_addrs(const smmu_pgtable_t *p, uint64_t iova, uint64_t da[4])
{
    uint64_t tbl = p->root_pa;
    unsigned k = 0;
    for (unsigned l = p->start_level; l <= 3; l++) {
        unsigned sh = p->gshift + p->stride * (3 - l);
        unsigned bits = l == p->start_level ? p->start_bits : p->stride;
        uint64_t a = tbl + (((iova >> sh) & ((1ull << bits) - 1)) << 3);
        uint64_t d = *(const volatile uint64_t *)p->hal->pa_to_cpu(p->hal->ctx, a);
        da[k++] = a;
        if ((d & 3) != 3 || l == 3)
            break;
        tbl = d & 0x0000ffffffffffffull & ~((1ull << p->gshift) - 1);
    }
    return k;
}

/* Table reads of a nested walk of va through guest tree g (walk-cache state s1) over the
 * stage-2 state s2, ending at output IPA out: the stage-1 levels not cached, each after
 * the stage-2 reads of its descriptor's IPA, then the stage-2 reads of out. */
static inline unsigned wc_nested_reads(wc_tree_t *s1, wc_tree_t *s2, const smmu_pgtable_t *g,
                                       uint64_t va, uint64_t out)
{
    uint64_t da[4];
    unsigned n = pgt_walk_addrs(g, va, da), reads = 0;
    for (unsigned k = wc_tree_walk(s1, va, false) - g->start_level; k < n; k++)
        reads += 4u - wc_tree_walk(s2, da[k], true) + 1u;
    return reads + 4u - wc_tree_walk(s2, out, true);
}

/* A client read of 8 bytes. */
static inline dma_result_t drv_dma_read(test_ctx_t *t, uint32_t sid, uint64_t addr,
                                        uint64_t *data)
{
    dma_txn_t txn = {.sid = sid, .addr = addr, .len = 8, .prot = 2};
    return dma_read(t->sim, &txn, data);
}

static inline dma_result_t drv_dma_write(test_ctx_t *t, uint32_t sid, uint64_t addr,
                                         uint64_t data)
{
    dma_txn_t txn = {.sid = sid, .addr = addr, .len = 8, .prot = 2};
    return dma_write(t->sim, &txn, &data);
}

/* A recognisable value for the first dword of each page: its own PA, tagged. */
static inline uint64_t drv_tag_of(uint64_t pa)
{
    return 0x5a00000000000000ull | pa;
}

/* Put drv_tag_of(page) at the start of each page of [pa, pa + len). */
static inline void drv_tag_pages(test_ctx_t *t, uint64_t pa, uint64_t len)
{
    for (uint64_t o = 0; o < len; o += 0x1000)
        mem_write64(t->sim, pa + o, drv_tag_of(pa + o));
}

static inline uint32_t drv_xs32(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return (uint32_t)(*s >> 11);
}

/*
 * Random map/unmap stress of a paging domain `d` through which StreamID `sid` reaches
 * [DRV_ST_IOVA, + 8 MB) (directly for a stage-1 or stage-2 domain; through a guest's
 * stage 1 that maps that range onto the same IPAs for a nest parent). Each of `batches`
 * batches does 10 random operations - maps of 1..24 pages or of a whole 2 MB block
 * (output congruent modulo 2 MB, so runs become blocks), or unmaps of any range, each
 * after warming the TLB on what is about to change - then DMA-reads what changed plus
 * 24 random pages: a mapped page must read its output page's tag, an unmapped one must
 * abort (a stale translation is a missed invalidation). Output pages are tagged first.
 * The events of each batch go through smmu_evtq_dispatch.
 */
#define DRV_ST_PAGES 2048u               /* 8 MB of input: four 2 MB regions */
#define DRV_ST_IOVA 0x20000000ull
#define DRV_ST_OUT 0x200000000ull        /* output pages: DRV_ST_OUT + k * 4 KB */
#define DRV_ST_OUT_PAGES 8192u

static uint32_t drv_st_map[DRV_ST_PAGES]; /* 0 unmapped, else output page + 1 */

static inline void drv_map_stress(test_ctx_t *t, drv_fx_t *fx, smmu_domain_t *d, uint32_t sid,
                                  unsigned batches)
{
    const unsigned rw = SMMU_PROT_READ | SMMU_PROT_WRITE;
    uint64_t seed = 0x1234567887654321ull, v, c0, tlbi0 = d->stats.tlbi_cmds,
             syncs0 = d->stats.syncs;
    unsigned ops = 0, checks = 0, bad = 0, maps = 0, unmaps = 0, blocks = 0, ntouched;
    uint32_t touched[64];

    memset(drv_st_map, 0, sizeof drv_st_map);
    drv_tag_pages(t, DRV_ST_OUT, (uint64_t)DRV_ST_OUT_PAGES * 0x1000);
    c0 = sim_cycles(t->sim);
    for (unsigned batch = 0; batch < batches; batch++) {
        ntouched = 0;
        for (unsigned k = 0; k < 10; k++, ops++) {
            uint32_t first = drv_xs32(&seed) % DRV_ST_PAGES, n = 1 + drv_xs32(&seed) % 24, i;
            bool block = drv_xs32(&seed) % 8 == 0;
            if (block) {
                first &= ~511u;
                n = 512;
            }
            if (first + n > DRV_ST_PAGES)
                n = DRV_ST_PAGES - first;
            bool free_ = true;
            for (i = 0; i < n; i++)
                free_ = free_ && !drv_st_map[first + i];
            uint64_t iova = DRV_ST_IOVA + (uint64_t)first * 0x1000;
            /* Warm the TLB on what is about to change, so a missed invalidation shows. */
            if (drv_st_map[first])
                (void)drv_dma_read(t, sid, iova, &v);
            if (free_ && drv_xs32(&seed) % 2) {
                uint32_t out = (drv_xs32(&seed) % (DRV_ST_OUT_PAGES / 512 - 1)) * 512 + (first % 512);
                int r = smmu_domain_map(d, iova, DRV_ST_OUT + (uint64_t)out * 0x1000,
                                        (uint64_t)n * 0x1000, rw, SMMU_MAP_MEM);
                CHECK(r == 0, "map: %s", smmu_strerror(r));
                if (r == 0)
                    for (i = 0; i < n; i++)
                        drv_st_map[first + i] = out + i + 1;
                maps++;
                blocks += n == 512;
            } else {
                unsigned mapped = 0;
                for (i = 0; i < n; i++)
                    mapped += drv_st_map[first + i] != 0;
                int err = 1;
                uint64_t r = smmu_domain_unmap(d, iova, (uint64_t)n * 0x1000, &err);
                CHECK(r == (uint64_t)mapped * 4096 && err == 0,
                      "unmap: %" PRIu64 " (%s) want %u pages", r, smmu_strerror(err), mapped);
                for (i = 0; i < n; i++)
                    drv_st_map[first + i] = 0;
                unmaps++;
            }
            if (ntouched < 64)
                touched[ntouched++] = first;
            if (ntouched < 64 && n > 1)
                touched[ntouched++] = first + n - 1;
        }
        for (unsigned j = 0; j < ntouched + 24; j++) {
            uint32_t p = j < ntouched ? touched[j] : drv_xs32(&seed) % DRV_ST_PAGES;
            uint64_t iova = DRV_ST_IOVA + (uint64_t)p * 0x1000;
            dma_result_t r = drv_dma_read(t, sid, iova, &v);
            checks++;
            if (drv_st_map[p]) {
                uint64_t want = drv_tag_of(DRV_ST_OUT + (uint64_t)(drv_st_map[p] - 1) * 0x1000);
                if ((r.resp != 0 || v != want) && bad++ < 5)
                    CHECK(false, "batch %u page %u: resp %d data 0x%" PRIx64 " want 0x%" PRIx64,
                          batch, p, r.resp, v, want);
            } else if (r.resp == 0 && bad++ < 5) {
                CHECK(false, "batch %u page %u: stale translation to 0x%" PRIx64, batch, p,
                      r.dn.addr);
            }
        }
        /* The faults of the unmapped pages, routed to whoever owns them. */
        (void)smmu_cmdq_sync(&fx->s, SMMU_CS_NONE);
        (void)smmu_evtq_dispatch(&fx->s, 0);
    }
    CHECK(bad == 0, "%u bad DMA results", bad);
    CHECK(maps > batches / 2 && unmaps > batches / 2 && blocks > batches / 20,
          "mix: %u maps %u unmaps %u blocks", maps, unmaps, blocks);
    test_log(t, "%u ops (%u maps, %u of them 2 MB, %u unmaps), %u DMA checks, %" PRIu64
                " TLBIs, %" PRIu64 " TLBI batches (syncs), %u tables live, %" PRIu64 " cycles",
             ops, maps, blocks, unmaps, checks, d->stats.tlbi_cmds - tlbi0,
             d->stats.syncs - syncs0, d->pgt.tables, sim_cycles(t->sim) - c0);
}

/*
 * Traffic during a structure update: install with drv_live_start(); the driver calls
 * the hook after every store to a live STE/CD and after every sync of an update
 * (smmu_t.entry_hook). After a store it first makes the SMMU refetch `sid`'s STE as it
 * now is in memory (CFGI_STE + CMD_SYNC: it could fetch it at any time anyway), then
 * reads `ndw` dwords at `addr`; dword i must be want[0] + 8i (the old configuration's
 * data) or want[1] + 8i (the new one's), or abort. Counts reads, aborts and wrong data.
 */
typedef struct drv_live {
    test_ctx_t *t;
    smmu_t *s;
    uint32_t sid;
    uint64_t addr;
    unsigned ndw;          /* dwords read per hook call (1 or 2) */
    uint64_t want[2];
    unsigned reads, aborts, wrong, busy;
} drv_live_t;

static inline void drv_live_hook(void *arg, const uint64_t *entry, bool after_sync)
{
    drv_live_t *l = (drv_live_t *)arg;
    smmu_cmd_t c;
    uint64_t v;
    dma_result_t r;

    (void)entry;
    if (l->busy)
        return; /* the refetch below is itself a sync of no update */
    l->busy = 1;
    if (!after_sync) {
        smmu_cmd_cfgi_ste(&c, l->sid, true);
        (void)smmu_cmdq_submit(l->s, &c, 1, true, SMMU_CS_NONE);
    }
    for (unsigned i = 0; i < l->ndw; i++) {
        v = 0;
        r = drv_dma_read(l->t, l->sid, l->addr + (uint64_t)i * 8u, &v);
        l->reads++;
        if (r.resp != 0)
            l->aborts++;
        else if (v != l->want[0] + (uint64_t)i * 8u && v != l->want[1] + (uint64_t)i * 8u)
            l->wrong++;
    }
    l->busy = 0;
}

/* Start observing an update of `sid` whose data at addr goes from old_data to new_data;
 * smmu_t.entry_hook stays installed until drv_live_stop(). */
static inline void drv_live_start(drv_live_t *l, test_ctx_t *t, smmu_t *s, uint32_t sid,
                                  uint64_t addr, unsigned ndw, uint64_t old_data,
                                  uint64_t new_data)
{
    memset(l, 0, sizeof *l);
    l->t = t;
    l->s = s;
    l->sid = sid;
    l->addr = addr;
    l->ndw = ndw;
    l->want[0] = old_data;
    l->want[1] = new_data;
    s->entry_hook = drv_live_hook;
    s->entry_hook_arg = l;
}

static inline void drv_live_stop(drv_live_t *l)
{
    l->s->entry_hook = NULL;
    l->s->entry_hook_arg = NULL;
}

#endif /* TEST_DRV_COMMON_H */
