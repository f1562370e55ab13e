/*
 * Unit tests of the translation-table code (sw/core/smmu_pgtable.c) on a host HAL whose
 * DMA memory is an arena of host pages at a made-up PA: block selection, splits
 * on partial unmap (BBML2 and break-before-make), table freeing, iova_to_phys, leaf
 * attributes per kind and permission (stage 1, stage 2 with and without FWB),
 * concatenated stage-2 start tables, and a random map/unmap run against a shadow map.
 * No model involved.
 */
#include <stdlib.h>
#include <string.h>

#include "smmu/smmu.h"
#include "smmu/smmu_pgtable.h"
#include "smmu/smmu_pool.h"
#include "test.h"

/* An arena of 4 KB pages at a made-up PA below 2^40, through the driver's own page
 * allocator (smmu_pool.h); counts allocations and frees. */
#define ARENA_PAGES 8192u
#define ARENA_PA 0x10000000ull
typedef struct {
    unsigned allocs, frees, live;
    uint8_t *arena;
    smmu_pool_t pool;
    uint32_t used[SMMU_POOL_WORDS(ARENA_PAGES)], first[SMMU_POOL_WORDS(ARENA_PAGES)];
} host_mem_t;

static int h_alloc(void *ctx, size_t size, size_t align, void **cpu, uint64_t *pa)
{
    host_mem_t *m = ctx;
    int ret;

    if (!m->arena) {
        m->arena = aligned_alloc(1u << 20, (size_t)ARENA_PAGES * 4096);
        if (!m->arena || smmu_pool_init(&m->pool, m->arena, ARENA_PA,
                                        (size_t)ARENA_PAGES * 4096, m->used, m->first,
                                        ARENA_PAGES))
            return SMMU_ENOMEM;
    }
    ret = smmu_pool_alloc(&m->pool, size, align, cpu, pa);
    if (ret == 0) {
        m->allocs++;
        m->live++;
    }
    return ret;
}

static void h_free(void *ctx, void *cpu, uint64_t pa, size_t size)
{
    host_mem_t *m = ctx;

    if (!cpu)
        return;
    if (smmu_pool_free(&m->pool, cpu, pa, size))
        abort(); /* not exactly one live allocation: a driver bug */
    m->frees++;
    m->live--;
}

static void *h_p2c(void *ctx, uint64_t pa)
{
    return smmu_pool_pa_to_cpu(&((host_mem_t *)ctx)->pool, pa);
}

static void host_mem_done(host_mem_t *m)
{
    free(m->arena);
    m->arena = NULL;
}

static void h_nop(void *ctx)
{
    (void)ctx;
}

static smmu_hal_t host_hal(host_mem_t *m)
{
    smmu_hal_t h = {0};

    h.ctx = m;
    h.dma_alloc = h_alloc;
    h.dma_free = h_free;
    h.pa_to_cpu = h_p2c;
    h.wmb = h_nop;
    h.rmb = h_nop;
    return h;
}

/* A flush callback that records what it was asked to invalidate. */
typedef struct {
    unsigned calls;
    uint64_t start, end;
    bool leaf;
} flush_log_t;

static int log_flush(void *cookie, smmu_gather_t *g)
{
    flush_log_t *l = cookie;

    l->calls++;
    l->start = g->start;
    l->end = g->end;
    l->leaf = g->leaf;
    smmu_gather_release(g);
    return 0;
}

#define GB SMMU_BLOCK_1G
#define MB2 SMMU_BLOCK_2M
#define PG SMMU_PAGE_SIZE
#define RW (SMMU_PROT_READ | SMMU_PROT_WRITE)

static unsigned level_of(test_ctx_t *t, smmu_pgtable_t *p, uint64_t iova, uint64_t want_pa)
{
    uint64_t pa = 0, d = 0;
    unsigned l = 0;
    int r = smmu_pgtable_iova_to_phys(p, iova, &pa, &d, &l);

    CHECK(r == 0, "iova 0x%" PRIx64 " not mapped", iova);
    CHECK(pa == want_pa, "iova 0x%" PRIx64 " -> 0x%" PRIx64 ", want 0x%" PRIx64, iova, pa,
          want_pa);
    return l;
}

TEST(drv_unit_pgtable_blocks)
{
    static host_mem_t m;
    memset(&m, 0, sizeof m);
    smmu_hal_t hal = host_hal(&m);
    smmu_pgtable_cfg_t cfg = {.stage = 1, .ias = 48, .oas = 48, .bbml2 = true};
    smmu_pgtable_t p;
    smmu_gather_t g;
    flush_log_t fl = {0};
    uint64_t pa;

    CHECK_EQ(smmu_pgtable_init(&p, &hal, &cfg), 0);
    CHECK_EQ(p.start_level, 0);
    CHECK_EQ(smmu_pgtable_tsz(&p), 16);
    CHECK_EQ(smmu_pgtable_ps(&p), 5);
    smmu_gather_init(&g, log_flush, &fl);

    /* 2 MB aligned but not 1 GB, length 1 GB + 4 MB + 8 KB: 2 MB blocks up to the 1 GB
     * boundary, one 1 GB block, 2 MB blocks, then pages. */
    uint64_t iova = 0x7fc00000ull, base = 0x1c0000000ull - (0x80000000ull - iova);
    uint64_t len = GB + 4 * MB2 + 2 * PG;
    CHECK_EQ(smmu_pgtable_map(&p, iova, base, len, RW, SMMU_MAP_MEM, &g), 0);
    CHECK_EQ(p.mapped, len);
    CHECK_EQ(level_of(t, &p, iova, base), 2);
    CHECK_EQ(level_of(t, &p, iova + MB2 + 0x123, base + MB2 + 0x123), 2);
    CHECK_EQ(level_of(t, &p, 0x80000000ull, base + 0x400000ull), 1);
    CHECK_EQ(level_of(t, &p, 0xbfffffffull, base + 0x400000ull + GB - 1), 1);
    CHECK_EQ(level_of(t, &p, 0xc0000000ull, base + 0x400000ull + GB), 2);
    CHECK_EQ(level_of(t, &p, iova + len - PG, base + len - PG), 3);
    CHECK_EQ(smmu_pgtable_iova_to_phys(&p, iova + len, &pa, 0, 0), SMMU_ENOENT);
    CHECK_EQ(smmu_pgtable_iova_to_phys(&p, iova - PG, &pa, 0, 0), SMMU_ENOENT);

    /* Output not congruent with the input: pages only. */
    CHECK_EQ(smmu_pgtable_map(&p, 0x200000000ull, 0x300001000ull, MB2, RW, SMMU_MAP_MEM, &g), 0);
    CHECK_EQ(level_of(t, &p, 0x200000000ull, 0x300001000ull), 3);

    /* Overlap: refused, and the part this call mapped is undone. */
    unsigned before = m.live;
    CHECK_EQ(smmu_pgtable_map(&p, iova - 2 * PG, 0x5000000ull, 4 * PG, RW, SMMU_MAP_MEM, &g),
             SMMU_EEXIST);
    CHECK_EQ(smmu_pgtable_iova_to_phys(&p, iova - 2 * PG, &pa, 0, 0), SMMU_ENOENT);
    CHECK_EQ(level_of(t, &p, iova, base), 2);
    CHECK(g.end - g.start == 2 * PG, "undo range gathered: 0x%" PRIx64, g.end - g.start);
    smmu_gather_release(&g);
    CHECK(m.live >= before, "tables kept");

    /* Bad arguments. */
    CHECK_EQ(smmu_pgtable_map(&p, 0x123, 0, PG, RW, 0, &g), SMMU_EINVAL);
    CHECK_EQ(smmu_pgtable_map(&p, 1ull << 48, 0, PG, RW, 0, &g), SMMU_EINVAL);
    CHECK_EQ(smmu_pgtable_map(&p, 0, 1ull << 48, PG, RW, 0, &g), SMMU_EINVAL);
    CHECK_EQ(smmu_pgtable_map(&p, 0, 0, PG, SMMU_PROT_EXEC, 0, &g), SMMU_EINVAL);
    CHECK_EQ(smmu_pgtable_map(&p, 0, 0, PG, RW, 7, &g), SMMU_EINVAL);

    /* Unmap one page inside a 2 MB block: split (BBML2: no early flush), the rest of the
     * block still maps with pages. */
    fl.calls = 0;
    CHECK_EQ(smmu_pgtable_unmap(&p, iova + MB2 + 5 * PG, PG, &g), (int64_t)PG);
    CHECK_EQ(fl.calls, 0);
    CHECK_EQ(g.start, iova + MB2 + 5 * PG);
    CHECK_EQ(g.end, iova + MB2 + 6 * PG);
    CHECK(g.leaf, "leaf-only");
    smmu_gather_release(&g);
    CHECK_EQ(smmu_pgtable_iova_to_phys(&p, iova + MB2 + 5 * PG, &pa, 0, 0), SMMU_ENOENT);
    CHECK_EQ(level_of(t, &p, iova + MB2 + 4 * PG, base + MB2 + 4 * PG), 3);
    CHECK_EQ(level_of(t, &p, iova + MB2 + 6 * PG, base + MB2 + 6 * PG), 3);
    CHECK_EQ(level_of(t, &p, iova + 2 * MB2 - PG, base + 2 * MB2 - PG), 3);

    /* Unmap 4 MB inside the 1 GB block: split into 2 MB blocks, two of them removed. */
    CHECK_EQ(smmu_pgtable_unmap(&p, 0x80200000ull, 2 * MB2, &g), (int64_t)(2 * MB2));
    smmu_gather_release(&g);
    CHECK_EQ(level_of(t, &p, 0x80000000ull, base + 0x400000ull), 2);
    CHECK_EQ(smmu_pgtable_iova_to_phys(&p, 0x80300000ull, &pa, 0, 0), SMMU_ENOENT);
    CHECK_EQ(level_of(t, &p, 0x80600000ull, base + 0x400000ull + 0x600000ull), 2);

    /* Unmap a range with holes: only mapped bytes count. */
    int64_t n = smmu_pgtable_unmap(&p, iova, len + PG, &g);
    CHECK_EQ(n, (int64_t)(len - PG - 2 * MB2));
    CHECK(!g.leaf, "tables were freed");
    smmu_gather_release(&g);
    n = smmu_pgtable_unmap(&p, 0x200000000ull, MB2, &g);
    CHECK_EQ(n, (int64_t)MB2);
    smmu_gather_release(&g);
    CHECK_EQ(p.mapped, 0);

    /* Unmapping a whole 1 GB range freed its tables: what is left is the path down to
     * the level-1 tables. */
    smmu_pgtable_free(&p);
    CHECK_EQ(m.live, 0);
    CHECK_EQ(m.allocs, m.frees);
    host_mem_done(&m);
}

TEST(drv_unit_pgtable_split_bbm)
{
    static host_mem_t m;
    memset(&m, 0, sizeof m);
    smmu_hal_t hal = host_hal(&m);
    smmu_pgtable_cfg_t cfg = {.stage = 2, .ias = 40, .oas = 48, .fwb = true, .concat = true,
                              .bbml2 = false};
    smmu_pgtable_t p;
    smmu_gather_t g;
    flush_log_t fl = {0};
    uint64_t pa;

    CHECK_EQ(smmu_pgtable_init(&p, &hal, &cfg), 0);
    /* 40-bit IPA: level 0 would have 2 entries, so two level-1 tables are concatenated. */
    CHECK_EQ(p.start_level, 1);
    CHECK_EQ(p.nconcat, 2);
    CHECK_EQ(smmu_pgtable_sl0(&p), 1);
    CHECK_EQ(smmu_pgtable_tsz(&p), 24);
    CHECK_EQ(p.root_size, 8192);
    smmu_gather_init(&g, log_flush, &fl);
    /* IPA above 2^39: the second concatenated table. */
    CHECK_EQ(smmu_pgtable_map(&p, 0x8040000000ull, 0x40000000ull, GB, RW, SMMU_MAP_MEM, &g), 0);
    CHECK_EQ(level_of(t, &p, 0x8040000000ull + 0x1234, 0x40001234ull), 1);
    CHECK(((uint64_t *)p.root)[512 + 1] != 0, "entry 1 of the second table");
    /* Without BBML2 a split breaks first: flush of the whole block, before the table. */
    CHECK_EQ(smmu_pgtable_unmap(&p, 0x8040000000ull, PG, &g), (int64_t)PG);
    CHECK_EQ(fl.calls, 2); /* 1 GB -> 2 MB, then 2 MB -> 4 KB */
    CHECK_EQ(fl.start, 0x8040000000ull);
    CHECK_EQ(fl.end, 0x8040000000ull + MB2);
    CHECK_EQ(level_of(t, &p, 0x8040001000ull, 0x40001000ull), 3);
    CHECK_EQ(level_of(t, &p, 0x8040200000ull, 0x40200000ull), 2);
    CHECK_EQ(smmu_pgtable_iova_to_phys(&p, 0x8040000000ull, &pa, 0, 0), SMMU_ENOENT);
    CHECK_EQ(smmu_pgtable_map(&p, 1ull << 40, 0, PG, RW, 0, &g), SMMU_EINVAL);
    smmu_gather_release(&g);
    smmu_pgtable_free(&p);
    CHECK_EQ(m.live, 0);

    /* Level 0 with a PA size below 44 bits is invalid: concatenation is forced. */
    cfg.oas = 40;
    cfg.concat = false;
    CHECK_EQ(smmu_pgtable_init(&p, &hal, &cfg), 0);
    CHECK_EQ(p.start_level, 1);
    smmu_pgtable_free(&p);
    cfg.ias = 48;
    CHECK_EQ(smmu_pgtable_init(&p, &hal, &cfg), SMMU_EINVAL);
    cfg.ias = 24;
    CHECK_EQ(smmu_pgtable_init(&p, &hal, &cfg), SMMU_EINVAL);
    CHECK_EQ(m.live, 0);
    host_mem_done(&m);
}

TEST(drv_unit_pgtable_attrs)
{
    static host_mem_t m;
    memset(&m, 0, sizeof m);
    smmu_hal_t hal = host_hal(&m);
    smmu_pgtable_cfg_t c1 = {.stage = 1, .ias = 39, .oas = 40};
    smmu_pgtable_cfg_t c2 = {.stage = 2, .ias = 40, .oas = 40, .concat = true};
    smmu_pgtable_t p;
    uint64_t pa = 0x12345000ull;

    CHECK_EQ(smmu_pgtable_init(&p, &hal, &c1), 0);
    CHECK_EQ(p.start_level, 1); /* T0SZ 25: 3 levels */
    /* Stage 1: AttrIndx [4:2], AP [7:6], SH [9:8], AF b10, nG b11, PXN b53, UXN b54. */
    CHECK_EQ(smmu_pgtable_leaf(&p, 3, pa, RW, SMMU_MAP_MEM),
             pa | 0x3 | (1 << 2) | (1 << 6) | (3 << 8) | (1 << 10) | (1 << 11) | (3ull << 53));
    CHECK_EQ(smmu_pgtable_leaf(&p, 3, pa, SMMU_PROT_READ, SMMU_MAP_MMIO),
             pa | 0x3 | (2 << 2) | (3 << 6) | (2 << 8) | (1 << 10) | (1 << 11) | (3ull << 53));
    CHECK_EQ(smmu_pgtable_leaf(&p, 3, pa, RW | SMMU_PROT_EXEC | SMMU_PROT_PRIV, SMMU_MAP_IO),
             pa | 0x3 | (0 << 2) | (0 << 6) | (2 << 8) | (1 << 10) | (1 << 11));
    CHECK_EQ(smmu_pgtable_leaf(&p, 2, 0x40200000ull, RW, SMMU_MAP_MEM) & 3, 1); /* block */
    smmu_pgtable_free(&p);

    /* Stage 2: MemAttr [5:2], S2AP [7:6] (01 read, 10 write), XN [54:53]. */
    for (int fwb = 0; fwb < 2; fwb++) {
        c2.fwb = fwb;
        CHECK_EQ(smmu_pgtable_init(&p, &hal, &c2), 0);
        uint64_t d = smmu_pgtable_leaf(&p, 3, pa, RW, SMMU_MAP_MEM);
        CHECK_EQ((d >> 2) & 0xf, fwb ? 0x6 : 0xf);
        CHECK_EQ((d >> 6) & 3, 3);
        CHECK_EQ((d >> 53) & 3, 2);
        CHECK_EQ((d >> 8) & 3, 3);
        d = smmu_pgtable_leaf(&p, 3, pa, SMMU_PROT_READ | SMMU_PROT_EXEC, SMMU_MAP_MMIO);
        CHECK_EQ((d >> 2) & 0xf, 0x1);
        CHECK_EQ((d >> 6) & 3, 1);
        CHECK_EQ((d >> 53) & 3, 0);
        d = smmu_pgtable_leaf(&p, 3, pa, SMMU_PROT_WRITE, SMMU_MAP_IO);
        CHECK_EQ((d >> 2) & 0xf, 0x5);
        CHECK_EQ((d >> 6) & 3, 2);
        CHECK_EQ((d >> 8) & 3, 2);
        smmu_pgtable_free(&p);
    }
    CHECK_EQ(m.live, 0);
    host_mem_done(&m);
}

/* Random map/unmap against a shadow of 4 KB pages over a 64 MB window. */
#define WIN_PAGES 16384u
static uint32_t shadow[WIN_PAGES]; /* 0 unmapped, else output page number + 1 */

static uint64_t rnd_state;
static uint64_t rnd(void)
{
    rnd_state ^= rnd_state << 13;
    rnd_state ^= rnd_state >> 7;
    rnd_state ^= rnd_state << 17;
    return rnd_state;
}

/* The random run with a granule of 2^gs bytes: pages of the granule, starts aligned to
 * the level-2 block (2 MB, 32 MB, 512 MB) half of the time, outputs congruent with the
 * inputs modulo that block so blocks are used. */
static void random_run(test_ctx_t *t, unsigned gs, bool bbml2)
{
    static host_mem_t m;
    memset(&m, 0, sizeof m);
    smmu_hal_t hal = host_hal(&m);
    smmu_pgtable_cfg_t cfg = {.stage = 1, .ias = 48, .oas = 48, .bbml2 = bbml2, .granule = gs};
    smmu_pgtable_t p;
    smmu_gather_t g;
    flush_log_t fl = {0};
    const uint64_t win = 0x40000000ull << (gs - 12u); /* window at 1 GB (x granule / 4 KB) */
    const uint64_t pg = 1ull << gs;
    const uint32_t blk = 1u << (gs - 3u);              /* pages per level-2 block */
    unsigned ops = 0, mismatches = 0, i;

    memset(shadow, 0, sizeof shadow);
    rnd_state = 0x9e3779b97f4a7c15ull ^ gs;
    CHECK_EQ(smmu_pgtable_init(&p, &hal, &cfg), 0);
    smmu_gather_init(&g, log_flush, &fl);
    for (ops = 0; ops < 3000; ops++) {
        /* Sizes from one page to two blocks, block-aligned starts half of the time. */
        uint32_t npg = 1u + (uint32_t)(rnd() % ((rnd() & 1) ? 2u * blk : 16u));
        uint32_t first = (uint32_t)(rnd() % WIN_PAGES);
        if (rnd() & 1)
            first &= ~(blk - 1u);
        if (first + npg > WIN_PAGES)
            npg = WIN_PAGES - first;
        uint64_t iova = win + (uint64_t)first * pg;
        if (rnd() % 3) {
            bool free_ = true;
            for (i = 0; i < npg; i++)
                free_ = free_ && !shadow[first + i];
            uint32_t out = (uint32_t)(rnd() % 8) * blk + first; /* congruent mod a block */
            int r = smmu_pgtable_map(&p, iova, 0x100000000ull + (uint64_t)out * pg,
                                     (uint64_t)npg * pg, RW, SMMU_MAP_MEM, &g);
            smmu_gather_release(&g);
            CHECK(r == (free_ ? 0 : SMMU_EEXIST), "map op %u: %d (free %d)", ops, r, free_);
            if (r == 0)
                for (i = 0; i < npg; i++)
                    shadow[first + i] = (uint32_t)(0x100000000ull >> gs) + out + i + 1u;
        } else {
            unsigned mapped = 0;
            for (i = 0; i < npg; i++)
                mapped += shadow[first + i] != 0;
            int64_t r = smmu_pgtable_unmap(&p, iova, (uint64_t)npg * pg, &g);
            smmu_gather_release(&g);
            CHECK(r == (int64_t)mapped * (int64_t)pg, "unmap op %u: %" PRId64 " want %u pages",
                  ops, r, mapped);
            for (i = 0; i < npg; i++)
                shadow[first + i] = 0;
        }
        if (ops % 100 == 99) {
            for (i = 0; i < WIN_PAGES; i++) {
                uint64_t pa = 0;
                int r = smmu_pgtable_iova_to_phys(&p, win + (uint64_t)i * pg + 8, &pa, 0, 0);
                uint64_t want = shadow[i] ? (uint64_t)(shadow[i] - 1u) * pg + 8 : 0;
                if ((r == 0) != (shadow[i] != 0) || (r == 0 && pa != want))
                    mismatches++;
            }
        }
    }
    CHECK(mismatches == 0, "%u lookups disagreed with the shadow", mismatches);
    test_log(t, "granule 2^%u: %u ops, %u table pages live at the end, %u allocations", gs,
             ops, p.tables, m.allocs);
    smmu_pgtable_free(&p);
    CHECK_EQ(m.live, 0);
    host_mem_done(&m);
}

TEST(drv_unit_pgtable_random)
{
    random_run(t, SMMU_GRANULE_4K, true);
}

TEST(drv_unit_pgtable_random_granules)
{
    random_run(t, SMMU_GRANULE_16K, true);
    random_run(t, SMMU_GRANULE_64K, false);
}

/* 16 KB and 64 KB trees (Arm ARM D8.2, D8.3; IHI 0070 5.2 S2SL0/S2TG, 5.4 TG0). */
TEST(drv_unit_pgtable_granules)
{
    static host_mem_t m;
    memset(&m, 0, sizeof m);
    smmu_hal_t hal = host_hal(&m);
    smmu_pgtable_cfg_t cfg = {.stage = 1, .ias = 48, .oas = 48, .bbml2 = true,
                              .granule = SMMU_GRANULE_16K};
    smmu_pgtable_t p;
    smmu_gather_t g;
    flush_log_t fl = {0};
    uint64_t pa;
    const uint64_t P16 = 0x4000, B32 = 0x2000000, P64 = 0x10000, B512 = 0x20000000;

    /* Stage 1, 16 KB, 48 bits: 34 bits in 4 levels of 11, level 0 resolves 1 bit */
    CHECK_EQ(smmu_pgtable_init(&p, &hal, &cfg), 0);
    CHECK_EQ(p.start_level, 0);
    CHECK_EQ(p.start_bits, 1);
    CHECK_EQ(smmu_pgtable_tg(&p), 2);
    CHECK_EQ(smmu_pgtable_tlbi_tg(&p), 2);
    CHECK_EQ(smmu_pgtable_page_size(&p), P16);
    smmu_gather_init(&g, log_flush, &fl);
    /* A 32 MB-aligned 32 MB + 3 pages: one level-2 block, then 16 KB pages */
    CHECK_EQ(smmu_pgtable_map(&p, 0x7e000000ull, 0x1c2000000ull, B32 + 3 * P16, RW,
                              SMMU_MAP_MEM, &g), 0);
    CHECK_EQ(level_of(t, &p, 0x7e000000ull + 0x123, 0x1c2000123ull), 2);
    CHECK_EQ(level_of(t, &p, 0x80000000ull + 2 * P16 + 8, 0x1c4000000ull + 2 * P16 + 8), 3);
    CHECK_EQ(smmu_pgtable_iova_to_phys(&p, 0x80000000ull + 3 * P16, &pa, 0, 0), SMMU_ENOENT);
    /* No level-1 block with 16 KB: a 64 GB-aligned range still maps with 32 MB blocks */
    CHECK_EQ(smmu_pgtable_leaf(&p, 1, 0, RW, SMMU_MAP_MEM), 0);
    CHECK_EQ(smmu_pgtable_leaf(&p, 2, 0, RW, SMMU_MAP_MEM) & 3, 1);
    /* 4 KB alignment is not enough */
    CHECK_EQ(smmu_pgtable_map(&p, 0x1000, 0x1000, P16, RW, SMMU_MAP_MEM, &g), SMMU_EINVAL);
    CHECK_EQ(smmu_pgtable_map(&p, 0, 0, 0x1000, RW, SMMU_MAP_MEM, &g), SMMU_EINVAL);
    /* Unmap one page inside the block: split into 2048 pages (BBML2), one removed */
    CHECK_EQ(smmu_pgtable_unmap(&p, 0x7e000000ull + 5 * P16, P16, &g), (int64_t)P16);
    CHECK_EQ(g.start, 0x7e000000ull + 5 * P16);
    CHECK_EQ(g.end, 0x7e000000ull + 6 * P16);
    smmu_gather_release(&g);
    CHECK_EQ(level_of(t, &p, 0x7e000000ull + 4 * P16, 0x1c2000000ull + 4 * P16), 3);
    CHECK_EQ(level_of(t, &p, 0x80000000ull - P16, 0x1c4000000ull - P16), 3);
    CHECK_EQ(smmu_pgtable_unmap(&p, 0x7e000000ull, B32 + 3 * P16, &g),
             (int64_t)(B32 + 2 * P16));
    smmu_gather_release(&g);
    CHECK_EQ(p.mapped, 0);
    smmu_pgtable_free(&p);
    CHECK_EQ(m.live, 0);

    /* Stage 1, 64 KB, 48 bits: 32 bits in 3 levels of 13, level 1 resolves 6 bits; 512 MB
     * blocks at level 2 */
    cfg.granule = SMMU_GRANULE_64K;
    cfg.bbml2 = false;
    CHECK_EQ(smmu_pgtable_init(&p, &hal, &cfg), 0);
    CHECK_EQ(p.start_level, 1);
    CHECK_EQ(p.start_bits, 6);
    CHECK_EQ(smmu_pgtable_tg(&p), 1);
    CHECK_EQ(smmu_pgtable_tlbi_tg(&p), 3);
    CHECK_EQ(smmu_pgtable_map(&p, B512, 2 * B512, B512 + P64, RW, SMMU_MAP_MEM, &g), 0);
    CHECK_EQ(level_of(t, &p, B512 + 0xabcd, 2 * B512 + 0xabcd), 2);
    CHECK_EQ(level_of(t, &p, 2 * B512 + 8, 3 * B512 + 8), 3);
    /* Without BBML2, a split breaks before it makes: one flush of the whole block */
    fl.calls = 0;
    CHECK_EQ(smmu_pgtable_unmap(&p, B512 + 3 * P64, P64, &g), (int64_t)P64);
    CHECK_EQ(fl.calls, 1);
    CHECK_EQ(fl.start, B512);
    CHECK_EQ(fl.end, 2 * B512);
    smmu_gather_release(&g);
    CHECK_EQ(level_of(t, &p, B512 + 4 * P64, 2 * B512 + 4 * P64), 3);
    CHECK_EQ(smmu_pgtable_iova_to_phys(&p, B512 + 3 * P64, &pa, 0, 0), SMMU_ENOENT);
    smmu_pgtable_free(&p);
    CHECK_EQ(m.live, 0);

    /* Stage-2 start levels (AArch64.S2StartLevel / S2InvalidSL / S2InconsistentSL) */
    cfg.stage = 2;
    cfg.concat = false;
    cfg.granule = SMMU_GRANULE_16K;
    /* 16 KB, 48 bits: level 0 (1 bit) needs DS, so two level-1 tables are concatenated */
    CHECK_EQ(smmu_pgtable_init(&p, &hal, &cfg), 0);
    CHECK_EQ(p.start_level, 1);
    CHECK_EQ(p.nconcat, 2);
    CHECK_EQ(p.start_bits, 12);
    CHECK_EQ(smmu_pgtable_sl0(&p), 2);
    CHECK_EQ(p.root_size, 2 * P16);
    CHECK_EQ(smmu_pgtable_map(&p, 0x1000000000000ull - P16, 0x4000, P16, RW, SMMU_MAP_MEM, &g), 0);
    CHECK(((uint64_t *)p.root)[2048 + 2047] != 0, "last entry of the second table");
    smmu_pgtable_free(&p);
    /* 16 KB, 40 bits: level 1 (4 bits) with a 48-bit PA; with a 40-bit PA (below the 42
     * bits level 1 needs) 16 level-2 tables */
    cfg.ias = 40;
    CHECK_EQ(smmu_pgtable_init(&p, &hal, &cfg), 0);
    CHECK_EQ(p.start_level, 1);
    CHECK_EQ(smmu_pgtable_sl0(&p), 2);
    smmu_pgtable_free(&p);
    cfg.oas = 40;
    CHECK_EQ(smmu_pgtable_init(&p, &hal, &cfg), 0);
    CHECK_EQ(p.start_level, 2);
    CHECK_EQ(p.nconcat, 16);
    CHECK_EQ(p.start_bits, 15);
    CHECK_EQ(smmu_pgtable_sl0(&p), 1);
    smmu_pgtable_free(&p);
    /* 64 KB: 42 bits start at level 2 (13 bits); 46 bits at level 1 (4 bits), or with a
     * 42-bit PA 16 level-2 tables; 48 bits with a 42-bit PA cannot be expressed */
    cfg.granule = SMMU_GRANULE_64K;
    cfg.ias = 42;
    cfg.oas = 48;
    CHECK_EQ(smmu_pgtable_init(&p, &hal, &cfg), 0);
    CHECK_EQ(p.start_level, 2);
    CHECK_EQ(p.start_bits, 13);
    CHECK_EQ(smmu_pgtable_sl0(&p), 1);
    CHECK_EQ(smmu_pgtable_tg(&p), 1);
    smmu_pgtable_free(&p);
    cfg.ias = 46;
    CHECK_EQ(smmu_pgtable_init(&p, &hal, &cfg), 0);
    CHECK_EQ(p.start_level, 1);
    CHECK_EQ(smmu_pgtable_sl0(&p), 2);
    smmu_pgtable_free(&p);
    cfg.oas = 42;
    CHECK_EQ(smmu_pgtable_init(&p, &hal, &cfg), 0);
    CHECK_EQ(p.start_level, 2);
    CHECK_EQ(p.nconcat, 16);
    CHECK_EQ(p.start_bits, 17);
    CHECK_EQ(p.root_size, 16 * P64);
    smmu_pgtable_free(&p);
    cfg.ias = 48;
    CHECK_EQ(smmu_pgtable_init(&p, &hal, &cfg), SMMU_EINVAL);
    /* Not a granule */
    cfg.granule = 13;
    cfg.ias = 40;
    CHECK_EQ(smmu_pgtable_init(&p, &hal, &cfg), SMMU_EINVAL);
    CHECK_EQ(m.live, 0);
    host_mem_done(&m);
}
