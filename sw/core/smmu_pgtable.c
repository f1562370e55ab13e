/* AArch64 translation tables with a 4 KB, 16 KB or 64 KB granule, stage 1 and stage 2
 * (smmu_pgtable.h). */
#include "smmu/smmu_pgtable.h"
#include "smmu_internal.h"

/* Descriptor fields (Arm ARM D8.3). */
#define D_VALID 0x1ull
#define D_TYPE 0x2ull         /* with VALID: table (levels 0-2) or page (level 3) */
#define D_OA_MASK 0x0000fffffffff000ull
#define D_ATTRIDX_SHIFT 2     /* stage 1 AttrIndx[4:2] */
#define D_MEMATTR_SHIFT 2     /* stage 2 MemAttr[5:2] */
#define D_AP1 (1ull << 6)     /* stage 1 AP[1]: EL0 access; stage 2 S2AP[0]: read */
#define D_AP2 (1ull << 7)     /* stage 1 AP[2]: read-only; stage 2 S2AP[1]: write */
#define D_SH_SHIFT 8
#define D_AF (1ull << 10)
#define D_NG (1ull << 11)
#define D_PXN (1ull << 53)    /* stage 2: XN[0] */
#define D_UXN (1ull << 54)    /* stage 2: XN[1] */
#define SH_OSH 2ull
#define SH_ISH 3ull

/* ---- granule geometry (Arm ARM D8.2, D8.3; DS = 0) -----------------------------------
 * A table is one granule of 2^gshift bytes holding 2^stride descriptors (stride = gshift
 * - 3); an entry at level L maps 2^(gshift + stride * (3 - L)) bytes. */

static unsigned lvl_shift(const smmu_pgtable_t *pgt, unsigned level)
{
    return pgt->gshift + pgt->stride * (3u - level);
}

static uint32_t table_bytes(const smmu_pgtable_t *pgt)
{
    return (uint32_t)1u << pgt->gshift;
}

static unsigned ptrs_per_table(const smmu_pgtable_t *pgt)
{
    return 1u << pgt->stride;
}

/* Levels with blocks: 4 KB 1 and 2, 16 KB and 64 KB 2 only (no DS, no 52-bit PA). */
static bool block_level(const smmu_pgtable_t *pgt, unsigned level)
{
    return level == 2u || (level == 1u && pgt->gshift == SMMU_GRANULE_4K);
}

static bool d_valid(uint64_t d)
{
    return (d & D_VALID) != 0u;
}

static bool d_is_table(uint64_t d, unsigned level)
{
    return level < 3u && (d & (D_VALID | D_TYPE)) == (D_VALID | D_TYPE);
}

static bool d_is_leaf(const smmu_pgtable_t *pgt, uint64_t d, unsigned level)
{
    if (!d_valid(d))
        return false;
    /* Level 3: page (0b11); a block level of the granule: block (0b01). */
    if (level == 3u)
        return (d & D_TYPE) != 0u;
    return block_level(pgt, level) && (d & D_TYPE) == 0u;
}

/* ---- descriptor stores ------------------------------------------------------------------
 * The walker reads a descriptor as one 64-bit single-copy-atomic access. A 64-bit CPU
 * writes it as one store. A 32-bit CPU writes two halves, ordered so no torn value is a
 * valid descriptor the SMMU could use: the valid bit (bit 0) is in the low half, so a new
 * descriptor's high half goes first and an old one's low half is cleared first. */
static void d_write(const smmu_pgtable_t *pgt, uint64_t *p, uint64_t old, uint64_t val)
{
    volatile uint32_t *w = (volatile uint32_t *)(void *)p;

    if (!pgt->cfg.split64) {
        *(volatile uint64_t *)p = val;
        return;
    }
    if (!d_valid(val)) {
        w[0] = (uint32_t)val;
        w[1] = (uint32_t)(val >> 32);
    } else if (!d_valid(old) || (uint32_t)old == (uint32_t)val) {
        w[1] = (uint32_t)(val >> 32);
        w[0] = (uint32_t)val;
    } else {
        /* Valid to valid: callers only get here with equal high halves. */
        w[0] = (uint32_t)val;
        w[1] = (uint32_t)(val >> 32);
    }
}

static uint64_t d_read(const uint64_t *p)
{
    return *(const volatile uint64_t *)p;
}

/* ---- gather --------------------------------------------------------------------------- */

void smmu_gather_init(smmu_gather_t *g, int (*flush)(void *cookie, smmu_gather_t *g),
                      void *cookie)
{
    g->start = 0;
    g->end = 0;
    g->leaf = true;
    g->nfreed = 0;
    g->flush = flush;
    g->cookie = cookie;
    g->hal = 0;
}

void smmu_gather_add(smmu_gather_t *g, uint64_t iova, uint64_t size, bool leaf)
{
    if (size == 0u)
        return;
    if (g->start == g->end) {
        g->start = iova;
        g->end = iova + size;
        g->leaf = leaf;
        return;
    }
    if (iova < g->start)
        g->start = iova;
    if (iova + size > g->end)
        g->end = iova + size;
    g->leaf = g->leaf && leaf;
}

void smmu_gather_release(smmu_gather_t *g)
{
    unsigned i;

    for (i = 0; i < g->nfreed; i++)
        if (g->hal)
            g->hal->dma_free(g->hal->ctx, g->freed[i].cpu, g->freed[i].pa, g->freed[i].size);
    g->nfreed = 0;
    g->start = 0;
    g->end = 0;
    g->leaf = true;
}

static int gather_flush(smmu_gather_t *g)
{
    if (!g->flush) {
        /* No owner to invalidate: nothing can be cached (a tree no SMMU walks). */
        smmu_gather_release(g);
        return 0;
    }
    return g->flush(g->cookie, g);
}

/* Queue a table page for freeing after the next sync; flushes when the list is full. */
static int gather_free_table(const smmu_pgtable_t *pgt, smmu_gather_t *g, void *cpu,
                             uint64_t pa)
{
    int ret;

    g->hal = pgt->hal;
    g->leaf = false;
    if (g->nfreed == SMMU_GATHER_MAX_FREED) {
        ret = gather_flush(g);
        if (ret)
            return ret;
    }
    g->freed[g->nfreed].cpu = cpu;
    g->freed[g->nfreed].pa = pa;
    g->freed[g->nfreed].size = table_bytes(pgt);
    g->nfreed++;
    return 0;
}

/* ---- tree set-up ------------------------------------------------------------------------- */

static unsigned ps_of_bits(unsigned bits)
{
    switch (bits) {
    case 32: return 0;
    case 36: return 1;
    case 40: return 2;
    case 42: return 3;
    case 44: return 4;
    case 48: return 5;
    default: return 7; /* not representable */
    }
}

/* Can a stage-2 walk start at `level` (Arm ARM AArch64.S2InvalidSL, DS = 0, no STT):
 * 4 KB level 0 needs a PA size of 44 bits; 16 KB level 0 needs DS, level 1 42 bits; 64 KB
 * level 1 44 bits. (IHI 0070 5.2: an STE the SMMU refuses.) */
static bool s2_start_ok(unsigned gshift, unsigned level, unsigned oas)
{
    if (gshift == SMMU_GRANULE_4K)
        return level != 3u && (level != 0u || oas >= 44u);
    if (gshift == SMMU_GRANULE_16K)
        return level != 0u && (level != 1u || oas >= 42u);
    return level != 1u || oas >= 44u;
}

int smmu_pgtable_init(smmu_pgtable_t *pgt, const smmu_hal_t *hal, const smmu_pgtable_cfg_t *cfg)
{
    unsigned bits, levels, gs;
    int ret;

    if (!pgt || !hal || !cfg || !hal->pa_to_cpu || !hal->dma_alloc || !hal->dma_free)
        return SMMU_EINVAL;
    smmu_bzero(pgt, sizeof *pgt);
    gs = cfg->granule ? cfg->granule : SMMU_GRANULE_4K;
    if ((cfg->stage != 1u && cfg->stage != 2u) || cfg->ias < 25u || cfg->ias > 48u ||
        ps_of_bits(cfg->oas) == 7u ||
        (gs != SMMU_GRANULE_4K && gs != SMMU_GRANULE_16K && gs != SMMU_GRANULE_64K))
        return SMMU_EINVAL;
    smmu_bcopy(&pgt->cfg, cfg, sizeof *cfg);
    pgt->cfg.granule = gs;
    pgt->hal = hal;
    pgt->gshift = gs;
    pgt->stride = gs - 3u;

    /* As many levels as resolve ias - gshift bits, stride bits each (Arm ARM
     * AArch64.S1StartLevel); 32-bit division: rv32im divu */
    bits = cfg->ias - gs;
    levels = (bits + pgt->stride - 1u) / pgt->stride;
    pgt->start_level = 4u - levels;
    pgt->start_bits = bits - pgt->stride * (levels - 1u);
    pgt->nconcat = 1;
    if (cfg->stage == 2u && pgt->start_bits <= 4u && pgt->start_level < 3u &&
        (!s2_start_ok(gs, pgt->start_level, cfg->oas) ||
         (cfg->concat && pgt->start_level == 0u))) {
        /* Up to 16 tables of the next level side by side replace a start table of <= 16
         * entries (IHI 0070 5.2 S2SL0/S2T0SZ; Arm ARM AArch64.S2InconsistentSL allows
         * 2..16): saves a level, or avoids a start level the PA size or DS = 0 rules out
         * (Arm ARM D8.2-D8.4). */
        pgt->nconcat = 1u << pgt->start_bits;
        pgt->start_level++;
        pgt->start_bits += pgt->stride;
    }
    if (cfg->stage == 2u && !s2_start_ok(gs, pgt->start_level, cfg->oas))
        return SMMU_EINVAL;
    pgt->root_size = (size_t)pgt->nconcat * table_bytes(pgt);
    ret = hal->dma_alloc(hal->ctx, pgt->root_size, pgt->root_size, &pgt->root, &pgt->root_pa);
    if (ret < 0)
        return ret;
    if (!pgt->root || (pgt->root_pa & (pgt->root_size - 1u)) || shr64(pgt->root_pa, cfg->oas)) {
        hal->dma_free(hal->ctx, pgt->root, pgt->root_pa, pgt->root_size);
        pgt->root = 0;
        return SMMU_ENOMEM;
    }
    return 0;
}

unsigned smmu_pgtable_tsz(const smmu_pgtable_t *pgt)
{
    return 64u - pgt->cfg.ias;
}

/* The granule of a tree for the accessors below: a zeroed (hand-made) tree is 4 KB. */
static unsigned gshift_of(const smmu_pgtable_t *pgt)
{
    return pgt->gshift ? pgt->gshift : SMMU_GRANULE_4K;
}

unsigned smmu_pgtable_sl0(const smmu_pgtable_t *pgt)
{
    /* S2SL0 (Arm ARM AArch64.S2StartLevel): 4 KB 0 = level 2, 1 = level 1, 2 = level 0;
     * 16 KB and 64 KB 0 = level 3, 1 = level 2, 2 = level 1. */
    return (gshift_of(pgt) == SMMU_GRANULE_4K ? 2u : 3u) - pgt->start_level;
}

unsigned smmu_pgtable_ps(const smmu_pgtable_t *pgt)
{
    return ps_of_bits(pgt->cfg.oas);
}

unsigned smmu_pgtable_tg(const smmu_pgtable_t *pgt)
{
    /* CD.TG0 and STE.S2TG: 00 4 KB, 01 64 KB, 10 16 KB (IHI 0070 5.4, 5.2) */
    unsigned gs = gshift_of(pgt);
    return gs == SMMU_GRANULE_4K ? 0u : gs == SMMU_GRANULE_64K ? 1u : 2u;
}

unsigned smmu_pgtable_tlbi_tg(const smmu_pgtable_t *pgt)
{
    /* Range TLBI TG: 1 4 KB, 2 16 KB, 3 64 KB (IHI 0070 4.4.1.1) */
    unsigned gs = gshift_of(pgt);
    return gs == SMMU_GRANULE_4K ? 1u : gs == SMMU_GRANULE_16K ? 2u : 3u;
}

uint64_t smmu_pgtable_page_size(const smmu_pgtable_t *pgt)
{
    return shl64(1, gshift_of(pgt));
}

static uint64_t *table_cpu(const smmu_pgtable_t *pgt, uint64_t d)
{
    return (uint64_t *)pgt->hal->pa_to_cpu(pgt->hal->ctx,
                                            d & D_OA_MASK & ~((uint64_t)table_bytes(pgt) - 1u));
}

static void free_subtree(smmu_pgtable_t *pgt, uint64_t *table, unsigned level)
{
    unsigned i;

    if (level >= 3u)
        return;
    for (i = 0; i < ptrs_per_table(pgt); i++) {
        uint64_t d = table[i];
        uint64_t *child;
        if (!d_is_table(d, level))
            continue;
        child = table_cpu(pgt, d);
        if (!child)
            continue;
        free_subtree(pgt, child, level + 1u);
        pgt->hal->dma_free(pgt->hal->ctx, child, d & D_OA_MASK, table_bytes(pgt));
        pgt->tables--;
    }
}

void smmu_pgtable_free(smmu_pgtable_t *pgt)
{
    unsigned i, n;

    if (!pgt || !pgt->root)
        return;
    /* The concatenated root is nconcat tables at the start level. */
    n = pgt->nconcat;
    for (i = 0; i < n; i++)
        free_subtree(pgt, (uint64_t *)pgt->root + (size_t)i * ptrs_per_table(pgt),
                     pgt->start_level);
    pgt->hal->dma_free(pgt->hal->ctx, pgt->root, pgt->root_pa, pgt->root_size);
    pgt->root = 0;
    pgt->mapped = 0;
}

/* ---- leaves ---------------------------------------------------------------------------- */

uint64_t smmu_pgtable_leaf(const smmu_pgtable_t *pgt, unsigned level, uint64_t pa,
                           unsigned prot, unsigned kind)
{
    uint64_t d = D_VALID | D_AF;

    if (level < 1u || level > 3u || (level < 3u && !block_level(pgt, level)) ||
        !(prot & (SMMU_PROT_READ | SMMU_PROT_WRITE)) || kind > SMMU_MAP_IO || prot > 0xfu)
        return 0;
    if (level == 3u)
        d |= D_TYPE;
    d |= pa & D_OA_MASK & ~(shl64(1, lvl_shift(pgt, level)) - 1u);
    d |= (kind == SMMU_MAP_MEM ? SH_ISH : SH_OSH) << D_SH_SHIFT;
    if (pgt->cfg.stage == 1u) {
        static const uint8_t idx[3] = {SMMU_MAIR_IDX_WB, SMMU_MAIR_IDX_DEV, SMMU_MAIR_IDX_NC};
        d |= (uint64_t)idx[kind] << D_ATTRIDX_SHIFT;
        if (!(prot & SMMU_PROT_PRIV))
            d |= D_AP1;
        if (!(prot & SMMU_PROT_WRITE))
            d |= D_AP2;
        if (!(prot & SMMU_PROT_EXEC))
            d |= D_PXN | D_UXN;
        d |= D_NG; /* ASID-tagged */
    } else {
        unsigned ma;
        if (kind == SMMU_MAP_MEM)
            ma = pgt->cfg.fwb ? SMMU_S2_MEMATTR_FWB_WB : SMMU_S2_MEMATTR_WB;
        else if (kind == SMMU_MAP_MMIO)
            ma = SMMU_S2_MEMATTR_DEV_nGnRE;
        else
            ma = SMMU_S2_MEMATTR_NC;
        d |= (uint64_t)ma << D_MEMATTR_SHIFT;
        if (prot & SMMU_PROT_READ)
            d |= D_AP1;
        if (prot & SMMU_PROT_WRITE)
            d |= D_AP2;
        if (!(prot & SMMU_PROT_EXEC))
            d |= D_UXN; /* XN[1:0] = 0b10: no execution at any level */
    }
    return d;
}

/* ---- map -------------------------------------------------------------------------------- */

static unsigned index_at(const smmu_pgtable_t *pgt, uint64_t iova, unsigned level)
{
    uint32_t i = (uint32_t)shr64(iova, lvl_shift(pgt, level));
    unsigned bits = level == pgt->start_level ? pgt->start_bits : pgt->stride;

    return i & ((1u << bits) - 1u);
}

static int new_table(smmu_pgtable_t *pgt, void **cpu, uint64_t *pa)
{
    int ret = pgt->hal->dma_alloc(pgt->hal->ctx, table_bytes(pgt), table_bytes(pgt), cpu, pa);

    if (ret < 0)
        return ret;
    if (!*cpu || (*pa & (table_bytes(pgt) - 1u)) || (*pa & ~D_OA_MASK)) {
        pgt->hal->dma_free(pgt->hal->ctx, *cpu, *pa, table_bytes(pgt));
        return SMMU_ENOMEM;
    }
    pgt->tables++;
    return 0;
}

/* The entry for iova at `level`, creating tables on the way. 1: a table is already
 * there (use a smaller leaf); SMMU_EEXIST: a leaf covers it. */
static int walk_create(smmu_pgtable_t *pgt, uint64_t iova, unsigned level, uint64_t **out)
{
    uint64_t *table = (uint64_t *)pgt->root;
    unsigned l;

    for (l = pgt->start_level;; l++) {
        uint64_t *p = &table[index_at(pgt, iova, l)];
        uint64_t d = d_read(p);
        void *cpu;
        uint64_t pa;
        int ret;

        if (l == level) {
            *out = p;
            if (!d_valid(d))
                return 0;
            return d_is_table(d, l) ? 1 : SMMU_EEXIST;
        }
        if (d_valid(d) && !d_is_table(d, l))
            return SMMU_EEXIST;
        if (!d_valid(d)) {
            ret = new_table(pgt, &cpu, &pa);
            if (ret)
                return ret;
            /* The zeroed table is visible before the descriptor that points at it. */
            pgt->hal->wmb(pgt->hal->ctx);
            d = pa | D_VALID | D_TYPE;
            d_write(pgt, p, 0, d);
            table = (uint64_t *)cpu;
        } else {
            table = table_cpu(pgt, d);
            if (!table)
                return SMMU_EINVAL;
        }
    }
}

int smmu_pgtable_map(smmu_pgtable_t *pgt, uint64_t iova, uint64_t pa, uint64_t size,
                     unsigned prot, unsigned kind, smmu_gather_t *g)
{
    uint64_t start = iova, limit_in, limit_out;
    int ret = 0;

    if (!pgt || !pgt->root || size == 0u ||
        ((iova | pa | size) & (smmu_pgtable_page_size(pgt) - 1u)))
        return SMMU_EINVAL;
    limit_in = shl64(1, pgt->cfg.ias);
    limit_out = shl64(1, pgt->cfg.oas);
    if (iova >= limit_in || size > limit_in - iova || pa >= limit_out || size > limit_out - pa)
        return SMMU_EINVAL;
    if (smmu_pgtable_leaf(pgt, 3, 0, prot, kind) == 0u)
        return SMMU_EINVAL;

    while (size) {
        unsigned level;
        uint64_t *p = 0, bsz = 0;

        /* Largest leaf that fits: a block of the granule at a level the tree has (4 KB:
         * 1 GB needs a level-1 table, not with start level 2), or the page. */
        for (level = 1; level <= 3u; level++) {
            bsz = shl64(1, lvl_shift(pgt, level));
            if ((level < 3u && !block_level(pgt, level)) || level < pgt->start_level ||
                ((iova | pa) & (bsz - 1u)) || size < bsz)
                continue;
            ret = walk_create(pgt, iova, level, &p);
            if (ret == 1)
                continue; /* a table is there: go finer */
            break;
        }
        if (ret)
            break;
        d_write(pgt, p, 0, smmu_pgtable_leaf(pgt, level, pa, prot, kind));
        pgt->mapped += bsz;
        iova += bsz;
        pa += bsz;
        size -= bsz;
    }
    /* Leaves visible before the caller starts using them. */
    pgt->hal->wmb(pgt->hal->ctx);
    if (ret && iova != start && g) {
        int64_t r = smmu_pgtable_unmap(pgt, start, iova - start, g);
        (void)r; /* the first error is the one to report */
    }
    return ret;
}

/* ---- unmap ------------------------------------------------------------------------------- */

/* Bytes mapped under a table (for the unmapped count), and queue its pages for freeing. */
static int drop_subtree(smmu_pgtable_t *pgt, uint64_t *table, uint64_t pa, unsigned level,
                        smmu_gather_t *g, uint64_t *bytes)
{
    unsigned i;
    int ret;

    for (i = 0; i < ptrs_per_table(pgt); i++) {
        uint64_t d = table[i];
        if (d_is_leaf(pgt, d, level)) {
            *bytes += shl64(1, lvl_shift(pgt, level));
        } else if (d_is_table(d, level)) {
            uint64_t *child = table_cpu(pgt, d);
            if (!child)
                return SMMU_EINVAL;
            ret = drop_subtree(pgt, child, d & D_OA_MASK & ~((uint64_t)table_bytes(pgt) - 1u),
                               level + 1u, g, bytes);
            if (ret)
                return ret;
        }
    }
    pgt->tables--;
    return gather_free_table(pgt, g, table, pa);
}

/* Replace the block at *p (level `level`) by a table mapping the same range with the
 * next level's leaves. */
static int split_block(smmu_pgtable_t *pgt, uint64_t *p, unsigned level, uint64_t base,
                       smmu_gather_t *g)
{
    uint64_t d = d_read(p), attrs, oa, td;
    uint64_t *t;
    void *cpu;
    uint64_t pa;
    unsigned i;
    int ret = new_table(pgt, &cpu, &pa);

    if (ret)
        return ret;
    t = (uint64_t *)cpu;
    attrs = d & ~D_OA_MASK & ~D_TYPE;
    oa = d & D_OA_MASK;
    for (i = 0; i < ptrs_per_table(pgt); i++)
        t[i] = attrs | (level + 1u == 3u ? D_TYPE : 0u) | (oa + shl64(i, lvl_shift(pgt, level + 1u)));
    pgt->hal->wmb(pgt->hal->ctx);
    td = pa | D_VALID | D_TYPE;
    if (!pgt->cfg.bbml2 || (pgt->cfg.split64 && (uint32_t)(td >> 32) != (uint32_t)(d >> 32))) {
        /* Break-before-make: the block goes, its TLB entries go (sync), then the table
         * comes; traffic to the block faults meanwhile. */
        d_write(pgt, p, d, 0);
        smmu_gather_add(g, base, shl64(1, lvl_shift(pgt, level)), true);
        ret = gather_flush(g);
        if (ret) {
            d_write(pgt, p, 0, d); /* put the block back; the new table goes */
            pgt->hal->dma_free(pgt->hal->ctx, cpu, pa, table_bytes(pgt));
            pgt->tables--;
            return ret;
        }
        d_write(pgt, p, 0, td);
    } else {
        /* BBML2: the same output for every address, no TLB conflict possible. */
        d_write(pgt, p, d, td);
    }
    return 0;
}

static int unmap_level(smmu_pgtable_t *pgt, uint64_t *table, unsigned level, uint64_t tbase,
                       uint64_t iova, uint64_t end, smmu_gather_t *g, uint64_t *bytes)
{
    uint64_t esz = shl64(1, lvl_shift(pgt, level));
    int ret;

    while (iova < end) {
        unsigned idx = index_at(pgt, iova, level);
        uint64_t eb = tbase + shl64(idx, lvl_shift(pgt, level)); /* entry's first input address */
        uint64_t ee = eb + esz, hi = end < ee ? end : ee;
        uint64_t *p = &table[idx];
        uint64_t d = d_read(p);
        bool whole = iova == eb && hi == ee;

        if (d_is_leaf(pgt, d, level)) {
            if (whole) {
                d_write(pgt, p, d, 0);
                smmu_gather_add(g, eb, esz, true);
                *bytes += esz;
            } else {
                ret = split_block(pgt, p, level, eb, g);
                if (ret)
                    return ret;
                continue; /* same entry again, now a table */
            }
        } else if (d_is_table(d, level)) {
            uint64_t *child = table_cpu(pgt, d);
            if (!child)
                return SMMU_EINVAL;
            if (whole) {
                d_write(pgt, p, d, 0);
                smmu_gather_add(g, eb, esz, false);
                ret = drop_subtree(pgt, child, d & D_OA_MASK & ~((uint64_t)table_bytes(pgt) - 1u),
                                   level + 1u, g, bytes);
            } else {
                ret = unmap_level(pgt, child, level + 1u, eb, iova, hi, g, bytes);
            }
            if (ret)
                return ret;
        }
        iova = hi;
    }
    return 0;
}

int smmu_pgtable_unmap_bytes(smmu_pgtable_t *pgt, uint64_t iova, uint64_t size,
                             smmu_gather_t *g, uint64_t *bytes)
{
    uint64_t limit, n = 0;
    int ret;

    if (bytes)
        *bytes = 0;
    if (!pgt || !pgt->root || !g || size == 0u ||
        ((iova | size) & (smmu_pgtable_page_size(pgt) - 1u)))
        return SMMU_EINVAL;
    limit = shl64(1, pgt->cfg.ias);
    if (iova >= limit || size > limit - iova)
        return SMMU_EINVAL;
    g->hal = pgt->hal;
    ret = unmap_level(pgt, (uint64_t *)pgt->root, pgt->start_level, 0, iova, iova + size, g,
                      &n);
    pgt->mapped -= n;
    /* Cleared entries visible before the caller's invalidation commands. */
    pgt->hal->wmb(pgt->hal->ctx);
    if (bytes)
        *bytes = n;
    return ret;
}

int64_t smmu_pgtable_unmap(smmu_pgtable_t *pgt, uint64_t iova, uint64_t size, smmu_gather_t *g)
{
    uint64_t bytes = 0;
    int ret = smmu_pgtable_unmap_bytes(pgt, iova, size, g, &bytes);

    return ret ? ret : (int64_t)bytes;
}

/* ---- lookup ------------------------------------------------------------------------------ */

int smmu_pgtable_iova_to_phys(const smmu_pgtable_t *pgt, uint64_t iova, uint64_t *pa,
                              uint64_t *desc, unsigned *level)
{
    const uint64_t *table;
    unsigned l;

    if (!pgt || !pgt->root || !pa || shr64(iova, pgt->cfg.ias))
        return SMMU_ENOENT;
    table = (const uint64_t *)pgt->root;
    for (l = pgt->start_level; l <= 3u; l++) {
        uint64_t d = d_read(&table[index_at(pgt, iova, l)]);
        if (d_is_leaf(pgt, d, l)) {
            uint64_t off = shl64(1, lvl_shift(pgt, l)) - 1u;
            *pa = (d & D_OA_MASK & ~off) | (iova & off);
            if (desc)
                *desc = d;
            if (level)
                *level = l;
            return 0;
        }
        if (!d_is_table(d, l))
            return SMMU_ENOENT;
        table = table_cpu(pgt, d);
        if (!table)
            return SMMU_ENOENT;
    }
    return SMMU_ENOENT;
}
