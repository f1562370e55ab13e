/*
 * The random scenario generator (see diff_gen.h and docs/differential.md).
 *
 * Well-formedness rules the generator keeps, because the RTL's caches are tagged the way
 * the architecture tags them and the model is uncached:
 *   - one stage-2 address space per VMID (a "VM": S2TG, S2T0SZ, SL0, S2TTB, S2PS, S2AFFD,
 *     S2PTW, S2FWB are the VM's), shared by its stage-2-only and nested streams;
 *   - one stage-1 address space per {StreamWorld, VMID, ASID} (a "process": its CD, shared
 *     by its streams, each half with its own granule); EL2 without E2H has no ASIDs, so one
 *     EL2 process at most;
 *   - global (nG = 0) leaves only in a process that is alone in its {world, VMID} group,
 *     so a global TLB entry can never serve another ASID's different mapping;
 *   - stage-1-only VMIDs differ from the VMs' VMIDs;
 *   - client data pages never overlap the tables, the queues or the stream table (writes
 *     would change them behind the model), and nested guest tables (CDs, stage-1 tables)
 *     live in a per-VM "window" of IPA space that no client address reaches;
 *   - every change of a valid (cacheable) translation, STE or CD is followed by an
 *     invalidation that architecturally covers it, then CMD_SYNC; the commands chosen vary
 *     (by VA/IPA, ranges with TG/SCALE/NUM/TTL in the leaf's granule, ASID, VMID, ALL,
 *     CFGI_*) and extra
 *     unrelated invalidations are mixed in. Invalid -> valid changes need none;
 *   - a change made while transactions are in flight (a race window) is one 64-bit word
 *     (single-copy atomic for the SMMU's reads, IHI 0070 §3.21.3), so every transaction
 *     sees the old or the new state, never a mix.
 */
#include "diff_gen.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "smmu/smmu_regs.h"

#define FSET(arr, NAME, v)                                                               \
    ((arr)[NAME##_DW] = ((arr)[NAME##_DW] & ~(NAME##_MASK)) |                            \
                        (((uint64_t)(v) << NAME##_SHIFT) & (NAME##_MASK)))
#define FGET(arr, NAME) (((arr)[NAME##_DW] & (NAME##_MASK)) >> (NAME##_SHIFT))
/* Address fields take the address itself. */
#define ASET(arr, NAME, a)                                                               \
    ((arr)[NAME##_DW] = ((arr)[NAME##_DW] & ~(NAME##_MASK)) | ((uint64_t)(a) & (NAME##_MASK)))

/* ---- memory map --------------------------------------------------------------------- */
#define CMDQ_PA   0x01000000ull /* 256 commands */
#define EVTQ_PA   0x01010000ull /* 128 records */
#define STRTAB_PA 0x01400000ull /* linear table or level-1 table (aligned to 4 MB) */
#define POOL_PA   0x02000000ull /* every table, CD, level-2 stream table, VM window */
#define POOL_END  0x0f000000ull
#define DATA_LO   0x10000000ull /* client data (output addresses) from here up */
#define WIN_SIZE  0x800000ull   /* a VM's guest-table window: 8 MB of IPA space (room
                                   for 64 KB-granule stage-1 tables) */
#define CMDQ_LOG2 8u
#define EVTQ_LOG2 7u

#define MAX_VM     4
#define MAX_PROC   12
#define MAX_STREAM 24
#define MAX_MAP    80
#define MAX_PROBE  16
#define MAX_VPROBE 4
#define MAX_NOSID  6
#define MAX_HOT    48
#define MAX_DATA   24

enum { K_NOSTE, K_ABORT, K_BYPASS, K_S1, K_S2, K_NEST };
enum { W_EL1, W_EL2, W_E2H };

typedef struct {
    uint64_t ia;     /* input address of the leaf's first byte (VA sign-extended, or IPA) */
    unsigned level;  /* 1, 2 (blocks) or 3 (page) */
    unsigned gb;     /* its table's granule: log2 of the size, 12, 14 or 16 */
    uint64_t dpa;    /* PA of the descriptor */
    uint64_t desc;   /* its current value */
    int tag;         /* TAG_*: a deliberate wrong-type descriptor on its way */
} map_t;

typedef struct {
    uint64_t root;   /* as the walker sees it: PA, or IPA for nested stage 1 */
    unsigned gb;     /* granule: log2 of its size, 12 (4 KB), 14 (16 KB), 16 (64 KB) */
    unsigned start, sbits;
    int vm;          /* >= 0: table addresses are IPAs in that VM's window */
    bool s2;
} tree_t;

typedef struct {
    uint16_t vmid;
    unsigned ia, sl0, ps_field, ps;
    bool fwb, affd, ptw;
    tree_t tr;
    uint64_t win_pa, win_ipa;
    uint64_t win_used;     /* bytes handed out */
    bool win_pages;        /* window mapped by pages of the VM's granule (else, 4 KB only,
                              by 2 MB blocks) */
    map_t maps[MAX_MAP];   /* data IPA leaves */
    unsigned nmaps;
    bool has_nested;
    uint64_t probes[MAX_VPROBE]; /* IPAs behind a wrong-type stage-2 descriptor */
    int probe_tag[MAX_VPROBE];
    unsigned nprobes;
} vm_t;

typedef struct {
    int world;
    int vm;                /* nested: the VM; else -1 */
    uint16_t vmid, asid;
    bool global_ok;
    uint64_t cd[8];
    uint64_t cd_addr, cd_pa;
    tree_t t[2];
    bool half_on[2];
    unsigned ia[2];
    unsigned ips;
    uint64_t region[4][2]; /* VA region bases per half */
    map_t maps[MAX_MAP];
    unsigned nmaps;
    uint64_t probes[MAX_PROBE];
    int probe_tag[MAX_PROBE];
    unsigned nprobes;
    int tag;               /* TAG_EPD_ENDI / TAG_CD_JUNK: the CD's special case */
    bool tt_bad;           /* nested: a stage-1 table page behind a stage-2 0b01 at level 3 */
} proc_t;

typedef struct {
    uint32_t sid;
    int kind, kind0;       /* current and original kind */
    int proc, vm, world;
    int row;
    uint64_t ste[8];
    uint64_t ste_pa;
    bool broken;           /* a deliberately illegal STE or CD, or a fetch abort */
    bool private_cd;
    int tag;               /* a private CD's special case (TAG_*) */
    bool cfg_flipped;      /* a race set Config to abort/bypass in dword 0 alone */
    unsigned cfg0;         /* the Config to restore then */
} stream_t;

typedef struct {
    env_t *e;
    rng_t r;
    const sim_params_t *p;
    unsigned oas;
    uint64_t pool_next;
    bool two_level;
    unsigned log2size, split;
    int l1_span[64];       /* 2-level: SPAN of each populated level-1 entry (0 = none) */
    uint64_t l1_l2[64];
    unsigned nl1;
    bool e2h, recinvsid;
    vm_t vm[MAX_VM];
    unsigned nvm;
    proc_t proc[MAX_PROC];
    unsigned nproc;
    stream_t st[MAX_STREAM];
    unsigned nst;
    uint64_t data[MAX_DATA];   /* addresses for bypass / abort / no-STE streams */
    unsigned ndata;
    struct { int s, t; } hot[MAX_HOT];
    unsigned nhot;
    unsigned n_err_used;
    struct { int s, t; } focus[8]; /* targets just changed: hot in the next phase */
    unsigned nfocus;
    bool frozen;           /* no new processes once globals are settled */
    bool racing;           /* a race window's change: no warm-up, one word */
    unsigned lat_max;      /* memory latency (cycles), for a race's trigger */
    unsigned depth[2], id_pool; /* the phase's traffic shape */
    bool storm;            /* gen_opts_t.storm */
} gen_t;

/* ---- granules (Arm ARM D8.2, D8.3; DS = 0): a 2^gb granule resolves gb - 3 bits a level */
static uint64_t gsize(unsigned gb)
{
    return 1ull << gb;
}

/* log2 of the bytes an entry at `level` maps */
static unsigned lshift(unsigned gb, unsigned level)
{
    return gb + (gb - 3) * (3 - level);
}

static uint64_t lsize(unsigned gb, unsigned level)
{
    return 1ull << lshift(gb, level);
}

static uint64_t msize(const map_t *m)
{
    return lsize(m->gb, m->level);
}

/* A granule the SMMU supports (IDR5): 4 KB half the time, else 16 KB or 64 KB. */
static unsigned rand_gb(gen_t *g)
{
    unsigned k = (unsigned)rng_below(&g->r, 4);
    if (k == 2 && g->p->gran16k)
        return 14;
    if (k == 3 && g->p->gran64k)
        return 16;
    return 12;
}

/* A TG0 / S2TG value that is ILLEGAL here: Reserved, or a granule IDR5 lacks. */
static unsigned bad_tg0(gen_t *g)
{
    if (!g->p->gran64k && rng_pct(&g->r, 50))
        return 1;
    if (!g->p->gran16k && rng_pct(&g->r, 50))
        return 2;
    return 3;
}

/* ... and of TG1: Reserved 00, or a granule IDR5 lacks. */
static unsigned bad_tg1(gen_t *g)
{
    if (!g->p->gran16k && rng_pct(&g->r, 50))
        return 1;
    if (!g->p->gran64k && rng_pct(&g->r, 50))
        return 3;
    return 0;
}

/* 0b01 is a block: 4 KB levels 1 and 2, 16 KB and 64 KB level 2 (no DS, no 52-bit PA) */
static bool block_ok(unsigned gb, unsigned level)
{
    return level == 2 || (level == 1 && gb == 12);
}

static uint8_t gr_of(unsigned gb)
{
    return gb == 12 ? GR_4K : gb == 14 ? GR_16K : GR_64K;
}

/* The encodings: TG0 and S2TG 00 4K, 01 64K, 10 16K; TG1 01 16K, 10 4K, 11 64K; the
 * range-TLBI TG 01 4K, 10 16K, 11 64K (IHI 0070 5.2, 5.4, 4.4.1.1). */
static unsigned tg0_enc(unsigned gb)
{
    return gb == 12 ? 0 : gb == 16 ? 1 : 2;
}

static unsigned tg1_enc(unsigned gb)
{
    return gb == 12 ? 2 : gb == 14 ? 1 : 3;
}

static unsigned tlbi_tg(unsigned gb)
{
    return gb == 12 ? 1 : gb == 14 ? 2 : 3;
}

static uint64_t mask_bits(unsigned n)
{
    return n >= 64 ? ~0ull : (1ull << n) - 1;
}

static unsigned ps_bits(unsigned f, unsigned oas)
{
    static const unsigned t[8] = {32, 36, 40, 42, 44, 48, 52, 52};
    unsigned b = t[f & 7];
    return b < oas ? b : oas;
}

static unsigned ps_field_max(unsigned oas)
{
    unsigned f = 0;
    while (f < 5 && ps_bits(f + 1, 64) <= oas)
        f++;
    return f;
}

/* ---- memory --------------------------------------------------------------------------- */

static void wr(gen_t *g, uint64_t pa, uint64_t v)
{
    env_mem_write64(g->e, pa, v);
}

static uint64_t rd(gen_t *g, uint64_t pa)
{
    return env_mem_read64(g->e, pa);
}

static uint64_t pool_alloc(gen_t *g, uint64_t size, uint64_t align)
{
    if (align < 64)
        align = 64;
    uint64_t a = (g->pool_next + align - 1) & ~(align - 1);
    if (a + size > POOL_END)
        return 0;
    g->pool_next = a + size;
    return a;
}

static uint64_t tree_pa(const gen_t *g, const tree_t *t, uint64_t addr)
{
    if (t->vm < 0)
        return addr;
    const vm_t *v = &g->vm[t->vm];
    return v->win_pa + (addr - v->win_ipa);
}

/* `size` bytes (a power of two, aligned to it; at least 64) for a table or a CD: PA from
 * the pool, or IPA from a VM window. 0 if none is left. */
static uint64_t page_alloc(gen_t *g, int vm, uint64_t size)
{
    if (size < 64)
        size = 64;
    if (vm < 0)
        return pool_alloc(g, size, size);
    vm_t *v = &g->vm[vm];
    uint64_t off = (v->win_used + size - 1) & ~(size - 1);
    if (off + size > WIN_SIZE)
        return 0;
    v->win_used = off + size;
    return v->win_ipa + off;
}

/* Writes a leaf for `ia` at `level`, creating tables on the way. Fails (false) if a block
 * or a leaf is already in the way, or memory ran out; *dpa = the descriptor's PA. */
static bool map_leaf(gen_t *g, const tree_t *t, uint64_t ia, unsigned level, uint64_t desc,
                     uint64_t *dpa)
{
    uint64_t tbl = t->root;
    for (unsigned lvl = t->start;; lvl++) {
        unsigned shift = lshift(t->gb, lvl), bits = lvl == t->start ? t->sbits : t->gb - 3;
        uint64_t da = tbl + (((ia >> shift) & mask_bits(bits)) << 3);
        uint64_t pa = tree_pa(g, t, da);
        uint64_t d = rd(g, pa);
        if (lvl == level) {
            if (d & 1)
                return false;
            wr(g, pa, desc);
            *dpa = pa;
            return true;
        }
        if (lvl >= 3)
            return false; /* `level` is above the tree's start level */
        if ((d & 3) == 3) {
            tbl = d & 0x0000fffffffff000ull & ~(gsize(t->gb) - 1);
            continue;
        }
        if (d & 1)
            return false; /* a block */
        uint64_t nt = page_alloc(g, t->vm, gsize(t->gb));
        if (!nt)
            return false;
        d = nt | 3;
        if (!t->s2 && rng_pct(&g->r, 6)) /* hierarchical APTable / PXNTable / UXNTable */
            d |= rng_below(&g->r, 4) << 61 | rng_below(&g->r, 2) << 59 |
                 rng_below(&g->r, 2) << 60;
        wr(g, pa, d);
        tbl = nt;
    }
}

/* PA of the descriptor at `level` for ia (0 if the walk stops earlier). */
static uint64_t desc_pa(gen_t *g, const tree_t *t, uint64_t ia, unsigned level)
{
    uint64_t tbl = t->root;
    for (unsigned lvl = t->start;; lvl++) {
        unsigned shift = lshift(t->gb, lvl), bits = lvl == t->start ? t->sbits : t->gb - 3;
        uint64_t pa = tree_pa(g, t, tbl + (((ia >> shift) & mask_bits(bits)) << 3));
        if (lvl == level)
            return pa;
        uint64_t d = rd(g, pa);
        if ((d & 3) != 3)
            return 0;
        tbl = d & 0x0000fffffffff000ull & ~(gsize(t->gb) - 1);
    }
}

/* An output address of `size` (aligned) for data, below 2^ps; a few deliberately above. */
static uint64_t data_oa(gen_t *g, unsigned ps, uint64_t size)
{
    if (ps < 48 && rng_pct(&g->r, 2)) {
        uint64_t lo = 1ull << ps, span = (1ull << 48) - lo;
        return (lo + rng_below(&g->r, span)) & ~(size - 1) & 0x0000fffffffff000ull;
    }
    uint64_t lo = (DATA_LO + size - 1) & ~(size - 1), hi = (1ull << ps) - size;
    if (hi < lo)
        return lo;
    /* mostly near the bottom (a few GB), sometimes anywhere */
    uint64_t top = rng_pct(&g->r, 70) && hi - lo > (8ull << 30) ? lo + (8ull << 30) : hi;
    return lo + rng_below(&g->r, (top - lo) / size + 1) * size;
}

/* ---- descriptors ---------------------------------------------------------------------- */

static const uint8_t mair_pool[] = {0x00, 0x04, 0x08, 0x0c, 0x44, 0xff, 0xbb, 0xaa, 0x77,
                                    0xee, 0x4f, 0xf4, 0x48, 0x88, 0xcc, 0x33, 0x99, 0x6e};

static uint64_t rand_mair(gen_t *g)
{
    uint64_t m = 0;
    for (unsigned i = 0; i < 8; i++) {
        uint8_t b = rng_pct(&g->r, 8) ? (uint8_t)rng_below(&g->r, 256)
                                     : mair_pool[rng_below(&g->r, sizeof mair_pool)];
        if (b == 0xf0) /* Tagged: not supported (IHI 0070 5.4) */
            b = 0xff;
        m |= (uint64_t)b << (8 * i);
    }
    return m;
}

static unsigned rand_sh(gen_t *g)
{
    static const unsigned s[] = {0, 2, 3, 3, 3, 2, 1};
    return s[rng_below(&g->r, rng_pct(&g->r, 5) ? 7 : 6)];
}

static uint64_t s1_desc(gen_t *g, const proc_t *pr, unsigned level, uint64_t oa)
{
    uint64_t d = oa | (level == 3 ? 3u : 1u);
    d |= rng_below(&g->r, 8) << 2;
    d |= (uint64_t)(rng_pct(&g->r, 65) ? 1 : rng_below(&g->r, 4)) << 6;
    d |= (uint64_t)rand_sh(g) << 8;
    if (!rng_pct(&g->r, 3))
        d |= 1u << 10;
    if (!pr->global_ok || rng_pct(&g->r, 50))
        d |= 1u << 11;
    if (rng_pct(&g->r, 10))
        d |= 1ull << 53;
    if (rng_pct(&g->r, 10))
        d |= 1ull << 54;
    if (rng_pct(&g->r, 4)) /* DBM, software bits: ignored */
        d |= 1ull << 51 | rng_below(&g->r, 16) << 55;
    return d;
}

static uint64_t s2_desc(gen_t *g, const vm_t *v, unsigned level, uint64_t oa, bool data)
{
    uint64_t d = oa | (level == 3 ? 3u : 1u);
    unsigned ma;
    if (v->fwb) {
        static const unsigned f[] = {6, 6, 7, 7, 5, 6, 7, 1, 0, 2, 3, 4};
        ma = rng_pct(&g->r, 5) ? (unsigned)rng_below(&g->r, 16) : f[rng_below(&g->r, 12)];
    } else {
        static const unsigned f[] = {15, 15, 15, 5, 1, 10, 11, 14, 7, 13, 0, 6};
        ma = rng_pct(&g->r, 8) ? (unsigned)rng_below(&g->r, 16) : f[rng_below(&g->r, 12)];
    }
    if (!data) /* guest tables: Normal */
        ma = v->fwb ? 6 : 15;
    d |= (uint64_t)ma << 2;
    d |= (uint64_t)(!data || rng_pct(&g->r, 70) ? 3 : rng_below(&g->r, 4)) << 6;
    d |= (uint64_t)rand_sh(g) << 8;
    if (!data || !rng_pct(&g->r, 3))
        d |= 1u << 10;
    if (data && rng_pct(&g->r, 15))
        d |= rng_below(&g->r, 4) << 53;
    return d;
}

/* ---- VMs ------------------------------------------------------------------------------ */

static bool vm_overlaps_window(const vm_t *v, uint64_t ipa, uint64_t size)
{
    return ipa < v->win_ipa + WIN_SIZE && v->win_ipa < ipa + size;
}

static void vm_add_data(gen_t *g, vm_t *v)
{
    unsigned gb = v->tr.gb;
    uint64_t span = 1ull << v->ia, pg = gsize(gb);
    /* page runs live in one level-2 block's span (2 MB, 32 MB, 512 MB), or in a quarter
     * of a small IPA space */
    uint64_t region = lsize(gb, 2);
    while (region * 2 > span && region > pg * 64)
        region >>= 1;
    for (unsigned tries = 0; tries < 8 && v->nmaps < MAX_MAP - 8; tries++) {
        unsigned kind = (unsigned)rng_below(&g->r, 100);
        unsigned level = kind < 45 ? 3 : (kind < 85 || v->tr.start > 1 || v->ia <= 31 ||
                                          !block_ok(gb, 1)) ? 2 : 1;
        if (level < v->tr.start)
            level = 3;
        uint64_t size = lsize(gb, level);
        if (size * 2 > span || (level == 3 && region * 2 > span))
            continue;
        uint64_t base = rng_below(&g->r, span / size) * size;
        if (level == 3)
            base &= ~(region - 1);
        if (vm_overlaps_window(v, base, level == 3 ? region : size))
            continue;
        if (level < 3) {
            uint64_t dpa, d = s2_desc(g, v, level, data_oa(g, v->ps, size), true);
            if (map_leaf(g, &v->tr, base, level, d, &dpa))
                v->maps[v->nmaps++] = (map_t){base, level, gb, dpa, d, TAG_NONE};
            continue;
        }
        /* a run of pages in one region, maybe with holes */
        unsigned n = (unsigned)rng_range(&g->r, 4, 24);
        unsigned first = (unsigned)rng_below(&g->r, region / pg - 32);
        uint64_t oa = data_oa(g, v->ps, region);
        for (unsigned i = 0; i < n && v->nmaps < MAX_MAP; i++) {
            if (rng_pct(&g->r, 10))
                continue;
            uint64_t ipa = base + pg * (first + i), dpa;
            uint64_t poa = rng_pct(&g->r, 80) ? oa + pg * (first + i) : data_oa(g, v->ps, pg);
            uint64_t d = s2_desc(g, v, 3, poa, true);
            int tag = TAG_NONE;
            if (rng_pct(&g->r, 3)) { /* 0b01 at level 3: no block there (F_TRANSLATION) */
                d &= ~2ull;
                tag = TAG_BT_S2L3;
            }
            if (map_leaf(g, &v->tr, ipa, 3, d, &dpa))
                v->maps[v->nmaps++] = (map_t){ipa, 3, gb, dpa, d, tag};
        }
    }
}

static int vm_new(gen_t *g, uint16_t vmid)
{
    if (g->nvm >= MAX_VM)
        return -1;
    vm_t *v = &g->vm[g->nvm];
    memset(v, 0, sizeof *v);
    v->vmid = vmid;
    /* the granule, then the start level and IPA size: at least 2 entries and at most 16
     * concatenated tables (Arm ARM AArch64.S2InconsistentSL); SL0 2 (level 0 with 4 KB,
     * level 1 with 16 KB / 64 KB) needs a PA size of 44 bits (42 with 16 KB) */
    unsigned gb = rand_gb(g), st = gb - 3;
    unsigned opts[3], n = 0;
    opts[n++] = 0;
    opts[n++] = 1;
    if (g->oas >= (gb == 14 ? 42u : 44u))
        opts[n++] = 2;
    unsigned minia = 0, maxia = 0, start = 0;
    for (int k = 0; k < 2; k++) {
        v->sl0 = k ? 1 : opts[rng_below(&g->r, n)]; /* SL0 1 always fits (fallback) */
        start = (gb == 12 ? 2 : 3) - v->sl0;
        minia = (3 - start) * st + gb + 1;
        maxia = minia + st - 1 + 4;
        if (minia < 25)
            minia = 25;
        if (maxia > g->oas)
            maxia = g->oas;
        if (minia <= maxia)
            break;
    }
    v->ia = (unsigned)rng_range(&g->r, minia, maxia);
    if (rng_pct(&g->r, 30)) /* the concatenation edge cases */
        v->ia = rng_pct(&g->r, 50) ? minia : maxia;
    v->tr.gb = gb;
    v->tr.start = start;
    v->tr.sbits = v->ia - lshift(gb, start);
    v->tr.vm = -1;
    v->tr.s2 = true;
    uint64_t tsize = 8ull << v->tr.sbits;
    if (tsize < gsize(gb))
        tsize = gsize(gb);
    v->tr.root = pool_alloc(g, tsize, tsize);
    unsigned pmax = ps_field_max(g->oas);
    v->ps_field = rng_pct(&g->r, 60) ? pmax : (unsigned)rng_below(&g->r, pmax + 1);
    v->ps = ps_bits(v->ps_field, g->oas);
    v->fwb = g->p->fwb && rng_pct(&g->r, 50);
    v->affd = rng_pct(&g->r, 10);
    v->ptw = rng_pct(&g->r, 30);
    /* guest-table window: low in IPA space (below 4 GB, so any IPS reaches it) */
    uint64_t wspan = (v->ia < 32 ? 1ull << v->ia : 1ull << 32) / WIN_SIZE;
    v->win_ipa = rng_below(&g->r, wspan) * WIN_SIZE;
    v->win_pa = pool_alloc(g, WIN_SIZE, WIN_SIZE);
    /* a 2 MB block is a 4 KB-granule block only */
    v->win_pages = gb != 12 || rng_pct(&g->r, 50);
    uint64_t dpa;
    if (!v->win_pages) {
        for (uint64_t o = 0; o < WIN_SIZE; o += lsize(12, 2))
            map_leaf(g, &v->tr, v->win_ipa + o, 2, s2_desc(g, v, 2, v->win_pa + o, false), &dpa);
    } else {
        for (uint64_t o = 0; o < WIN_SIZE; o += gsize(gb))
            map_leaf(g, &v->tr, v->win_ipa + o, 3, s2_desc(g, v, 3, v->win_pa + o, false), &dpa);
    }
    vm_add_data(g, v);
    vm_add_data(g, v);
    /* a stage-2 descriptor 0b01 at level 0 (4 KB: no block there) or at level 1 (16 KB,
     * 64 KB: none there either without DS / 52-bit PAs): F_TRANSLATION, in a start-table
     * slot of its own above the window */
    if ((v->tr.start == 0 || (v->tr.start == 1 && gb != 12)) && v->tr.sbits >= 1 &&
        rng_pct(&g->r, 60)) {
        unsigned sh = lshift(gb, v->tr.start);
        uint64_t n0 = 1ull << v->tr.sbits;
        uint64_t idx = rng_range(&g->r, 1, n0 - 1);
        uint64_t pa = v->tr.root + 8 * idx;
        if (!rd(g, pa)) {
            wr(g, pa, (rng_u64(&g->r) & 0x0000fffffffff000ull & ~mask_bits(sh)) | 1u << 10 |
                          0xfcu | 1u);
            v->probes[v->nprobes] = idx << sh | (rng_u64(&g->r) & mask_bits(sh) & ~0xfffull);
            v->probe_tag[v->nprobes++] = v->tr.start == 0 ? TAG_BT_S2L0 : TAG_BT_S2L1;
        }
    }
    return (int)g->nvm++;
}

/* ---- processes ------------------------------------------------------------------------ */

static unsigned rand_tsz(gen_t *g)
{
    static const unsigned t[] = {16, 16, 16, 20, 24, 25, 28, 30, 32, 33, 34, 36, 39};
    return t[rng_below(&g->r, sizeof t / sizeof t[0])];
}

/* A stage-1 tree of `ia` input bits and granule gb: ceil((ia - gb) / (gb - 3)) levels
 * (Arm ARM AArch64.S1StartLevel). */
static void tree_for(tree_t *t, unsigned ia, unsigned gb, int vm)
{
    unsigned st = gb - 3;
    t->gb = gb;
    t->start = 4 - (ia - gb + st - 1) / st;
    t->sbits = ia - lshift(gb, t->start);
    t->root = 0;
    t->vm = vm;
    t->s2 = false;
}

static uint64_t va_in(const proc_t *pr, int half, uint64_t off)
{
    uint64_t m = mask_bits(pr->ia[half]);
    return half ? (~m | (off & m)) : (off & m);
}

static bool proc_add_map(gen_t *g, proc_t *pr)
{
    if (pr->nmaps >= MAX_MAP)
        return false;
    int half = pr->half_on[1] && rng_pct(&g->r, 30) ? 1 : 0;
    const tree_t *t = &pr->t[half];
    unsigned r = (unsigned)rng_below(&g->r, 100);
    unsigned level = r < 72 ? 3 : r < 94 ? 2 : 1;
    if (!block_ok(t->gb, level) && level < 3)
        level = 2;
    if (level < t->start)
        level = 3;
    uint64_t size = lsize(t->gb, level);
    if (size * 2 > (1ull << pr->ia[half]))
        level = 3, size = gsize(t->gb);
    uint64_t base = pr->region[rng_below(&g->r, 4)][half];
    uint64_t step = level == 3 ? rng_below(&g->r, 200) : level == 2 ? rng_below(&g->r, 12)
                                                                     : rng_below(&g->r, 3);
    uint64_t va = va_in(pr, half, (base & ~(size - 1)) + step * size);
    uint64_t oa;
    int tag = TAG_NONE;
    if (pr->vm >= 0) {
        /* nested: the output IPA inside the VM's data mappings (mostly) */
        vm_t *v = &g->vm[pr->vm];
        if (v->nprobes && rng_pct(&g->r, 3)) {
            /* behind the VM's wrong-type level-0 descriptor */
            oa = v->probes[0] & ~(size - 1);
            tag = v->probe_tag[0];
        } else if (v->nmaps && !rng_pct(&g->r, 4)) {
            const map_t *m = &v->maps[rng_below(&g->r, v->nmaps)];
            uint64_t ms = msize(m);
            if (ms >= size)
                oa = m->ia + rng_below(&g->r, ms / size) * size;
            else
                oa = m->ia & ~(size - 1);
            tag = m->tag;
        } else {
            oa = rng_below(&g->r, (1ull << v->ia) / size) * size;
        }
        /* never onto the guest tables (a stage-1 block larger than the VM's leaf it was
         * aimed at may cover the window) */
        if (vm_overlaps_window(v, oa & ~(size - 1), size))
            oa = (v->win_ipa + WIN_SIZE + size - 1) & ~(size - 1);
        if (pr->ips < 48 && rng_pct(&g->r, 2))
            oa |= 1ull << pr->ips;
    } else {
        oa = data_oa(g, pr->ips, size);
    }
    uint64_t dpa, d = s1_desc(g, pr, level, oa & 0x0000fffffffff000ull & ~(size - 1));
    if (level == 3 && rng_pct(&g->r, 3)) { /* 0b01 at level 3: F_TRANSLATION */
        d &= ~2ull;
        tag = TAG_BT_S1L3;
    }
    if (!map_leaf(g, t, va, level, d, &dpa))
        return false;
    pr->maps[pr->nmaps++] = (map_t){va, level, t->gb, dpa, d, tag};
    return true;
}

static int proc_new(gen_t *g, int world, int vm, uint16_t vmid, uint16_t asid)
{
    if (g->nproc >= MAX_PROC)
        return -1;
    proc_t *pr = &g->proc[g->nproc];
    memset(pr, 0, sizeof *pr);
    pr->world = world;
    pr->vm = vm;
    pr->vmid = vmid;
    pr->asid = asid;
    unsigned pmax = ps_field_max(g->oas);
    unsigned ipsf = rng_pct(&g->r, 60) ? pmax : (unsigned)rng_below(&g->r, pmax + 1);
    /* nested: mostly an IPS that reaches the whole IPA space (else many F_ADDR_SIZE) */
    while (vm >= 0 && ipsf < pmax && ps_bits(ipsf, g->oas) < g->vm[vm].ia && rng_pct(&g->r, 85))
        ipsf++;
    pr->ips = ps_bits(ipsf, g->oas);
    pr->half_on[0] = true;
    pr->half_on[1] = world != W_EL2 && rng_pct(&g->r, 30);
    for (int h = 0; h < 2; h++) {
        unsigned tsz = rand_tsz(g);
        if (vm >= 0 && h == 0 && 64 - tsz < 33) /* the window and regions need room */
            tsz = 16 + (unsigned)rng_below(&g->r, 15);
        pr->ia[h] = 64 - tsz;
        /* each half its own granule (TG0, TG1) */
        tree_for(&pr->t[h], pr->ia[h], rand_gb(g), vm);
        pr->t[h].root = page_alloc(g, vm, 8ull << pr->t[h].sbits);
        if (!pr->t[h].root)
            return -1;
        for (int k = 0; k < 4; k++)
            pr->region[k][h] = rng_below(&g->r, 1ull << pr->ia[h]);
    }
    pr->cd_addr = page_alloc(g, vm, 64);
    if (!pr->cd_addr)
        return -1;
    pr->cd_pa = vm >= 0 ? tree_pa(g, &pr->t[0], pr->cd_addr) : pr->cd_addr;

    uint64_t *cd = pr->cd;
    memset(cd, 0, sizeof pr->cd);
    FSET(cd, CD_T0SZ, 64 - pr->ia[0]);
    FSET(cd, CD_TG0, tg0_enc(pr->t[0].gb));
    FSET(cd, CD_IR0, rng_below(&g->r, 4));
    FSET(cd, CD_OR0, rng_below(&g->r, 4));
    FSET(cd, CD_SH0, rng_below(&g->r, 4));
    FSET(cd, CD_EPD0, world != W_EL2 && rng_pct(&g->r, 3));
    if (world != W_EL2 && rng_pct(&g->r, 4)) { /* both halves off: translates nothing */
        FSET(cd, CD_EPD0, 1);
        pr->half_on[1] = false;
    }
    FSET(cd, CD_T1SZ, 64 - pr->ia[1]);
    FSET(cd, CD_TG1, tg1_enc(pr->t[1].gb));
    FSET(cd, CD_IR1, rng_below(&g->r, 4));
    FSET(cd, CD_OR1, rng_below(&g->r, 4));
    FSET(cd, CD_SH1, rng_below(&g->r, 4));
    FSET(cd, CD_EPD1, !pr->half_on[1]);
    if (world == W_EL2 && rng_pct(&g->r, 50)) /* EPDx act as 0 in EL2: TTB1 unreachable */
        FSET(cd, CD_EPD1, 0);
    /* Fields of a disabled half are not checked (§5.4.1.1, CdIllegal): out-of-range
     * TxSZ, reserved TGx, a TTBx beyond the IPS in TTB1 when it is off (always in EL2), in
     * TTB0 when EPD0 = 1; ENDI matters only for an enabled half, so EPD0 = EPD1 = 1 with
     * ENDI = 1 is a valid CD that translates nothing (F_TRANSLATION). */
    bool off1 = world == W_EL2 || !pr->half_on[1], off0 = FGET(cd, CD_EPD0);
    if (off1 && rng_pct(&g->r, 40)) {
        FSET(cd, CD_T1SZ, rng_pct(&g->r, 50) ? rng_below(&g->r, 16) : rng_range(&g->r, 40, 63));
        FSET(cd, CD_TG1, rng_below(&g->r, 4));
        pr->tag = TAG_CD_JUNK;
    }
    if (off0 && rng_pct(&g->r, 50)) {
        FSET(cd, CD_T0SZ, rng_pct(&g->r, 50) ? rng_below(&g->r, 16) : rng_range(&g->r, 40, 63));
        FSET(cd, CD_TG0, rng_range(&g->r, 1, 3));
        pr->tag = TAG_CD_JUNK;
    }
    if (off0 && FGET(cd, CD_EPD1) && world != W_EL2 && rng_pct(&g->r, 75)) {
        FSET(cd, CD_ENDI, 1);
        pr->tag = TAG_EPD_ENDI;
    }
    FSET(cd, CD_V, 1);
    FSET(cd, CD_IPS, ipsf);
    FSET(cd, CD_AFFD, rng_pct(&g->r, 10));
    FSET(cd, CD_WXN, rng_pct(&g->r, 15));
    FSET(cd, CD_UWXN, rng_pct(&g->r, 10));
    FSET(cd, CD_TBI0, rng_pct(&g->r, 20));
    FSET(cd, CD_TBI1, rng_pct(&g->r, 20));
    FSET(cd, CD_PAN, rng_pct(&g->r, 20));
    FSET(cd, CD_AA64, 1);
    FSET(cd, CD_R, !rng_pct(&g->r, 10));
    FSET(cd, CD_A, 1);
    FSET(cd, CD_ASET, rng_pct(&g->r, 20));
    FSET(cd, CD_ASID, world == W_EL2 ? rng_below(&g->r, 65536) : asid);
    FSET(cd, CD_HAD0, rng_pct(&g->r, 20));
    ASET(cd, CD_TTB0, pr->t[0].root);
    FSET(cd, CD_HAD1, rng_pct(&g->r, 20));
    ASET(cd, CD_TTB1, pr->t[1].root);
    if (pr->tag && rng_pct(&g->r, 50)) { /* a TTB of a disabled half beyond the IPS */
        unsigned ipsb = pr->ips;
        if (off1 && ipsb < 48)
            ASET(cd, CD_TTB1, pr->t[1].root | 1ull << rng_range(&g->r, ipsb, 47));
        if (off0 && ipsb < 48)
            ASET(cd, CD_TTB0, pr->t[0].root | 1ull << rng_range(&g->r, ipsb, 47));
    }
    cd[3] = rand_mair(g);
    cd[4] = rng_u64(&g->r); /* AMAIR: IMPLEMENTATION DEFINED, ignored */
    for (int i = 0; i < 8; i++)
        wr(g, pr->cd_pa + 8ull * i, cd[i]);

    unsigned n = (unsigned)rng_range(&g->r, 6, 48);
    for (unsigned i = 0; i < n * 2 && pr->nmaps < n; i++)
        proc_add_map(g, pr);
    /* probes: addresses near the mappings, anywhere in range, out of range, other half */
    for (unsigned i = 0; i < MAX_PROBE - 2; i++) {
        uint64_t a;
        unsigned k = (unsigned)rng_below(&g->r, 6);
        if (k < 2 && pr->nmaps) {
            const map_t *m = &pr->maps[rng_below(&g->r, pr->nmaps)];
            a = m->ia + (rng_pct(&g->r, 50) ? msize(m) : (uint64_t)-0x1000ll);
        } else if (k < 4) {
            int h = pr->half_on[1] && rng_pct(&g->r, 30);
            a = va_in(pr, h, rng_u64(&g->r));
        } else if (k == 4) {
            a = 1ull << rng_range(&g->r, pr->ia[0], 63);
        } else {
            a = ~0ull << rng_range(&g->r, 12, 63);
        }
        pr->probe_tag[pr->nprobes] = TAG_NONE;
        pr->probes[pr->nprobes++] = a & ~0xfffull;
    }
    /* a stage-1 descriptor 0b01 at level 0 (never a block) or at level 1 of a 16 KB / 64 KB
     * table (no block there without DS / 52-bit PAs): F_TRANSLATION, in a start-table slot
     * of its own */
    const tree_t *t0 = &pr->t[0];
    if ((t0->start == 0 || (t0->start == 1 && t0->gb != 12)) && t0->sbits >= 1 &&
        pr->nprobes < MAX_PROBE && rng_pct(&g->r, 40)) {
        unsigned sh = lshift(t0->gb, t0->start);
        uint64_t idx = rng_below(&g->r, 1ull << t0->sbits);
        uint64_t pa = tree_pa(g, t0, t0->root + 8 * idx);
        uint64_t ia0 = idx << sh;
        if (!rd(g, pa)) {
            wr(g, pa, (rng_u64(&g->r) & 0x0000fffffffff000ull & ~mask_bits(sh)) | 1u << 10 |
                          3u << 8 | 1u);
            pr->probe_tag[pr->nprobes] = t0->start == 0 ? TAG_BT_S1L0 : TAG_BT_S1L1;
            pr->probes[pr->nprobes++] =
                va_in(pr, 0, ia0 | (rng_u64(&g->r) & mask_bits(sh) & ~0xfffull));
        }
    }
    return (int)g->nproc++;
}

/* ---- the stream table and STEs -------------------------------------------------------- */

static bool sid_used(const gen_t *g, uint32_t sid)
{
    for (unsigned i = 0; i < g->nst; i++)
        if (g->st[i].sid == sid)
            return true;
    return false;
}

static void strtab_init(gen_t *g)
{
    unsigned sb = g->p->sid_bits;
    g->two_level = g->p->st_level_2 && rng_pct(&g->r, 50);
    if (!g->two_level) {
        unsigned hi = sb < 10 ? sb : 10;
        g->log2size = (unsigned)rng_range(&g->r, hi < 4 ? hi : 4, hi);
        return;
    }
    static const unsigned splits[] = {6, 8, 10};
    g->split = splits[rng_below(&g->r, 3)];
    unsigned lo = g->split > 6 ? g->split - 2 : 4, hi = g->split + 5;
    if (hi > sb)
        hi = sb;
    if (lo > hi)
        lo = hi;
    g->log2size = (unsigned)rng_range(&g->r, lo, hi);
    unsigned nl1 = g->log2size > g->split ? 1u << (g->log2size - g->split) : 1;
    if (nl1 > 64)
        nl1 = 64;
    g->nl1 = nl1;
    unsigned pop = (unsigned)rng_range(&g->r, 1, nl1 < 4 ? nl1 : 4);
    for (unsigned i = 0; i < pop; i++) {
        unsigned idx = (unsigned)rng_below(&g->r, nl1);
        if (g->l1_span[idx])
            continue;
        unsigned span = rng_pct(&g->r, 70) ? g->split + 1
                                           : (unsigned)rng_range(&g->r, 1, g->split + 1);
        uint64_t sz = 64ull << (span - 1);
        g->l1_span[idx] = (int)span;
        g->l1_l2[idx] = pool_alloc(g, sz, sz);
        uint64_t d = 0;
        FSET(&d, L1STD_SPAN, span);
        ASET(&d, L1STD_L2PTR, g->l1_l2[idx]);
        wr(g, STRTAB_PA + 8ull * idx, d);
    }
}

/* A free StreamID that has an STE slot; UINT32_MAX if none. */
static uint32_t sid_alloc(gen_t *g)
{
    for (unsigned tries = 0; tries < 200; tries++) {
        uint32_t sid;
        if (!g->two_level) {
            sid = (uint32_t)rng_below(&g->r, 1ull << g->log2size);
        } else {
            unsigned idx = (unsigned)rng_below(&g->r, g->nl1);
            if (!g->l1_span[idx])
                continue;
            sid = (uint32_t)(idx << g->split) |
                  (uint32_t)rng_below(&g->r, 1ull << (g->l1_span[idx] - 1));
            if (sid >> g->log2size)
                continue;
        }
        if (!sid_used(g, sid))
            return sid;
    }
    return UINT32_MAX;
}

static uint64_t ste_pa_of(const gen_t *g, uint32_t sid)
{
    if (!g->two_level)
        return STRTAB_PA + 64ull * sid;
    unsigned idx = sid >> g->split;
    return g->l1_l2[idx] + 64ull * (sid & ((1u << g->split) - 1));
}

static void ste_write(gen_t *g, stream_t *s)
{
    for (int i = 0; i < 8; i++)
        wr(g, s->ste_pa + 8ull * i, s->ste[i]);
}

static int row_of(const gen_t *g, const stream_t *s)
{
    switch (s->kind) {
    case K_NOSTE: return ROW_NOSTE;
    case K_ABORT: return ROW_ABORT;
    case K_BYPASS: return ROW_BYPASS;
    case K_S1: return s->world == W_EL1 ? ROW_S1_EL1 : s->world == W_EL2 ? ROW_S1_EL2 : ROW_S1_E2H;
    case K_S2: return g->vm[s->vm].fwb ? ROW_S2_FWB : ROW_S2;
    default: return g->vm[s->vm].fwb ? ROW_NEST_FWB : ROW_NEST;
    }
}

/* The STE of s from its kind, process and VM, with random overrides and random junk in
 * the fields the configuration ignores. */
static void ste_build(gen_t *g, stream_t *s)
{
    uint64_t *d = s->ste;
    rng_t *r = &g->r;
    memset(s->ste, 0, sizeof s->ste);
    s->broken = false;
    s->private_cd = false;
    s->tag = TAG_NONE;
    s->cfg_flipped = false;
    bool s1 = s->kind == K_S1 || s->kind == K_NEST, s2 = s->kind == K_S2 || s->kind == K_NEST;
    unsigned cfg = s->kind == K_ABORT ? (unsigned)rng_below(r, 4)
                 : s->kind == K_BYPASS ? 4 : s->kind == K_S1 ? 5 : s->kind == K_S2 ? 6 : 7;
    FSET(d, STE_V, 1);
    FSET(d, STE_CONFIG, cfg);
    if (rng_pct(r, 20)) { /* ignored with SSIDSIZE = 0 */
        FSET(d, STE_S1FMT, rng_below(r, 4));
        FSET(d, STE_S1CDMAX, rng_below(r, 32));
        FSET(d, STE_S1DSS, rng_below(r, 4));
    }
    if (s1)
        ASET(d, STE_S1CONTEXTPTR, g->proc[s->proc].cd_addr);
    else if (rng_pct(r, 20))
        ASET(d, STE_S1CONTEXTPTR, rng_u64(r));
    FSET(d, STE_S1CIR, rng_below(r, 4));
    FSET(d, STE_S1COR, rng_below(r, 4));
    FSET(d, STE_S1CSH, rng_below(r, 4));
    FSET(d, STE_MEV, rng_pct(r, 20));
    if (g->p->attr_ovr) {
        if (rng_pct(r, 25)) {
            FSET(d, STE_MTCFG, 1);
            FSET(d, STE_MEMATTR, rng_below(r, 16));
        }
        if (rng_pct(r, 25))
            FSET(d, STE_ALLOCCFG, rng_below(r, 16));
        FSET(d, STE_SHCFG, rng_pct(r, 50) ? 1 : rng_below(r, 4));
        if (rng_pct(r, 25))
            FSET(d, STE_PRIVCFG, rng_below(r, 4));
        if (rng_pct(r, 25))
            FSET(d, STE_INSTCFG, rng_below(r, 4));
    } else {
        FSET(d, STE_SHCFG, 1);
    }
    if (s->kind == K_S1)
        FSET(d, STE_STRW, s->world == W_EL1 ? 0 : 2);
    else if (rng_pct(r, 20))
        FSET(d, STE_STRW, rng_below(r, 4)); /* used only with Config = 0b101 */
    if (s2) {
        const vm_t *v = &g->vm[s->vm];
        FSET(d, STE_S2FWB, v->fwb);
        FSET(d, STE_S2VMID, v->vmid);
        FSET(d, STE_S2T0SZ, 64 - v->ia);
        FSET(d, STE_S2SL0, v->sl0);
        FSET(d, STE_S2TG, tg0_enc(v->tr.gb));
        FSET(d, STE_S2IR0, rng_below(r, 4));
        FSET(d, STE_S2OR0, rng_below(r, 4));
        FSET(d, STE_S2SH0, rng_below(r, 4));
        FSET(d, STE_S2PS, v->ps_field);
        FSET(d, STE_S2AA64, 1);
        FSET(d, STE_S2AFFD, v->affd);
        FSET(d, STE_S2PTW, v->ptw);
        FSET(d, STE_S2R, !rng_pct(r, 12));
        ASET(d, STE_S2TTB, v->tr.root);
    } else {
        if (s->kind == K_S1 && s->world == W_EL1)
            FSET(d, STE_S2VMID, g->proc[s->proc].vmid);
        else
            FSET(d, STE_S2VMID, rng_below(r, 65536));
        if (rng_pct(r, 20)) { /* stage 2 off: all of this is ignored */
            FSET(d, STE_S2FWB, rng_below(r, 2));
            FSET(d, STE_S2T0SZ, rng_below(r, 64));
            FSET(d, STE_S2SL0, rng_below(r, 4));
            FSET(d, STE_S2PS, rng_below(r, 8));
            FSET(d, STE_S2AA64, rng_below(r, 2));
            FSET(d, STE_S2ENDI, rng_below(r, 2));
            FSET(d, STE_S2TG, rng_below(r, 4));
            ASET(d, STE_S2TTB, rng_u64(r));
        }
    }
    s->row = row_of(g, s);
}

/* ---- deliberate configuration faults ---------------------------------------------------- */

static bool err_add(gen_t *g, uint64_t base, uint64_t size)
{
    if (g->n_err_used >= 6)
        return false;
    if (!env_err_range(g->e, base, size))
        return false;
    g->n_err_used++;
    return true;
}

/* S2T0SZ and S2SL0 as SteIllegal accepts them with granule gb (no STT, no DS; Arm ARM
 * AArch64.S2InvalidSL / S2InconsistentSL, IHI 0070 5.2). */
static bool s2_sl_legal(const gen_t *g, unsigned gb, unsigned t0sz, unsigned sl0)
{
    unsigned tmin = 64 - g->oas > 16 ? 64 - g->oas : 16;
    if (t0sz < tmin || t0sz > 39 || sl0 == 3 || (sl0 == 2 && g->oas < (gb == 14 ? 42u : 44u)))
        return false;
    unsigned start = (gb == 12 ? 2 : 3) - sl0, st = gb - 3;
    unsigned minia = (3 - start) * st + gb + 1, ia = 64 - t0sz;
    return ia >= minia && ia <= minia + st - 1 + 4;
}

/* Makes s illegal in one way (SteIllegal / CdIllegal / a fetch abort). */
static void break_stream(gen_t *g, stream_t *s)
{
    rng_t *r = &g->r;
    uint64_t *d = s->ste;
    bool s1 = s->kind == K_S1 || s->kind == K_NEST, s2 = s->kind == K_S2 || s->kind == K_NEST;
    for (unsigned tries = 0; tries < 20; tries++) {
        unsigned k = (unsigned)rng_below(r, 20);
        switch (k) {
        case 0:
            FSET(d, STE_V, 0);
            break;
        case 1:
            if (s->kind != K_S1)
                continue;
            FSET(d, STE_STRW, rng_pct(r, 50) ? 1 : 3);
            break;
        case 2:
            if (!s1)
                continue;
            FSET(d, STE_S1STALLD, 1);
            break;
        case 3:
            if (!s1 || g->oas >= 56)
                continue;
            ASET(d, STE_S1CONTEXTPTR, FGET(d, STE_S1CONTEXTPTR) << STE_S1CONTEXTPTR_SHIFT |
                                          1ull << rng_range(r, g->oas, 55));
            break;
        case 4:
            if (!s2)
                continue;
            switch (rng_below(r, 6)) {
            case 0: FSET(d, STE_S2AA64, 0); break;
            case 1: FSET(d, STE_S2ENDI, 1); break;
            case 2: FSET(d, STE_S2S, 1); break;
            case 3: FSET(d, STE_S2HA, 1); break;
            case 4: FSET(d, STE_S2HD, 1); break;
            default: FSET(d, STE_S2TG, bad_tg0(g)); break; /* Reserved or unsupported */
            }
            break;
        case 5: {
            /* S2T0SZ / S2SL0 that SteIllegal rejects; a legal but different pair would
             * only be a second stage-2 configuration for the VMID (a TLB alias the
             * architecture leaves UNPREDICTABLE), so retry until illegal */
            if (!s2)
                continue;
            unsigned t0 = 0, sl = 0, n = 0;
            do {
                t0 = (unsigned)FGET(d, STE_S2T0SZ);
                sl = (unsigned)FGET(d, STE_S2SL0);
                if (rng_pct(r, 50))
                    t0 = (unsigned)(rng_pct(r, 50) ? rng_below(r, 16) : rng_range(r, 40, 63));
                else
                    sl = (sl + (unsigned)rng_range(r, 1, 3)) & 3;
            } while (s2_sl_legal(g, g->vm[s->vm].tr.gb, t0, sl) && ++n < 50);
            if (s2_sl_legal(g, g->vm[s->vm].tr.gb, t0, sl))
                continue;
            FSET(d, STE_S2T0SZ, t0);
            FSET(d, STE_S2SL0, sl);
            break;
        }
        case 6: {
            if (!s2)
                continue;
            unsigned ps = ps_bits((unsigned)FGET(d, STE_S2PS), g->oas);
            if (ps >= 48)
                continue;
            ASET(d, STE_S2TTB, FGET(d, STE_S2TTB) << STE_S2TTB_SHIFT | 1ull << rng_range(r, ps, 47));
            break;
        }
        case 7: case 8: case 9: case 10: case 11: {
            /* a private, illegal copy of the CD */
            if (!s1)
                continue;
            proc_t *pr = &g->proc[s->proc];
            uint64_t cd[8];
            memcpy(cd, pr->cd, sizeof cd);
            /* a stage-2 page of its own when nested (a stage-2 fault below breaks it alone) */
            uint64_t addr = page_alloc(g, pr->vm, pr->vm >= 0 ? gsize(g->vm[pr->vm].tr.gb) : 64);
            if (!addr)
                continue;
            uint64_t pa = pr->vm >= 0 ? tree_pa(g, &pr->t[0], addr) : addr;
            bool fetch_abort = false;
            switch (rng_below(r, 12)) {
            case 0: FSET(cd, CD_V, 0); break;
            case 1: FSET(cd, CD_AA64, 0); break;
            case 2: FSET(cd, CD_ENDI, 1); break;
            case 3: FSET(cd, CD_A, 0); break;
            case 4: FSET(cd, CD_S, 1); break;
            case 5: rng_pct(r, 50) ? FSET(cd, CD_HA, 1) : FSET(cd, CD_HD, 1); break;
            case 6: FSET(cd, CD_T0SZ, rng_pct(r, 50) ? rng_below(r, 16) : rng_range(r, 40, 63)); break;
            case 7: FSET(cd, CD_TG0, bad_tg0(g)); break;
            case 8: {
                unsigned ips = ps_bits((unsigned)FGET(cd, CD_IPS), g->oas);
                if (ips >= 48) {
                    FSET(cd, CD_V, 0);
                    break;
                }
                ASET(cd, CD_TTB0, pr->t[0].root | 1ull << rng_range(r, ips, 47));
                break;
            }
            case 9:
                FSET(cd, CD_EPD1, 0);
                if (rng_pct(r, 50))
                    FSET(cd, CD_TG1, bad_tg1(g));
                else
                    FSET(cd, CD_T1SZ, rng_range(r, 40, 63));
                if (s->world == W_EL2) /* TTB1 is not checked in EL2 */
                    FSET(cd, CD_V, 0);
                break;
            case 10:
                if (rng_pct(r, 50) || s->world == W_EL2) {
                    fetch_abort = true;
                    break;
                }
                /* not illegal: both halves off, so ENDI and the halves' fields are
                 * ignored (§5.4.1.1); every access is a stage-1 F_TRANSLATION */
                FSET(cd, CD_EPD0, 1);
                FSET(cd, CD_EPD1, 1);
                FSET(cd, CD_ENDI, 1);
                if (rng_pct(r, 50)) {
                    FSET(cd, CD_T0SZ, rng_range(r, 40, 63));
                    FSET(cd, CD_TG1, rng_below(r, 2));
                }
                s->tag = TAG_EPD_ENDI;
                break;
            default: { /* nested: the CD's page faults at stage 2 (CLASS = CD) */
                if (pr->vm < 0 || !g->vm[pr->vm].win_pages) {
                    fetch_abort = true;
                    break;
                }
                vm_t *v = &g->vm[pr->vm];
                uint64_t dp = desc_pa(g, &v->tr, addr, 3);
                uint64_t sd = rd(g, dp);
                switch (rng_below(r, 5)) {
                case 0: sd = 0; break;
                case 1: sd &= ~(1ull << 10); break;                   /* AF = 0 */
                case 2: sd = (sd & ~(3ull << 6)) | 2ull << 6; break;  /* write-only */
                case 3: sd &= ~2ull; break;                           /* 0b01 at level 3 */
                default: sd = (sd & ~(0xfull << 2)) | 1ull << 2; break; /* Device */
                }
                wr(g, dp, sd);
                break;
            }
            }
            for (int i = 0; i < 8; i++)
                wr(g, pa + 8ull * i, cd[i]);
            /* the abort on one of dwords 0..3, the ones the SMMU reads (docs/subset.md):
             * one on dwords 4..7 would leave a valid private copy of the process's CD,
             * sharing its ASID and tables, that the process's later CD changes miss */
            if (fetch_abort && !err_add(g, pa + 8 * (rng_below(r, 8) & 3), 8))
                FSET(cd, CD_V, 0), wr(g, pa, cd[0]);
            ASET(d, STE_S1CONTEXTPTR, addr);
            s->private_cd = true;
            break;
        }
        case 12:
            if (!err_add(g, s->ste_pa + 8 * rng_below(r, 8), 8))
                continue;
            break;
        default:
            continue;
        }
        s->broken = true;
        return;
    }
}

/* ---- building the system ------------------------------------------------------------------ */

static uint16_t rand_id(gen_t *g)
{
    return rng_pct(&g->r, 60) ? (uint16_t)rng_range(&g->r, 1, 6) : (uint16_t)rng_u64(&g->r);
}

static bool vmid_taken(const gen_t *g, uint16_t vmid)
{
    for (unsigned i = 0; i < g->nvm; i++)
        if (g->vm[i].vmid == vmid)
            return true;
    for (unsigned i = 0; i < g->nproc; i++)
        if (g->proc[i].world == W_EL1 && g->proc[i].vm < 0 && g->proc[i].vmid == vmid)
            return true;
    return false;
}

/* A process for a stream: an existing one of the same group (world, VM / VMID), or new. */
static int pick_proc(gen_t *g, int world, int vm)
{
    int cand[MAX_PROC], n = 0;
    for (unsigned i = 0; i < g->nproc; i++)
        if (g->proc[i].world == world && g->proc[i].vm == vm)
            cand[n++] = (int)i;
    if (world == W_EL2 && n) /* one EL2 address space */
        return cand[0];
    if (g->frozen) /* a new process could join a group that has global entries */
        return n ? cand[rng_below(&g->r, (uint64_t)n)] : -1;
    if (n && (rng_pct(&g->r, 45) || g->nproc >= MAX_PROC))
        return cand[rng_below(&g->r, (uint64_t)n)];
    uint16_t vmid = 0;
    if (vm >= 0) {
        vmid = g->vm[vm].vmid;
    } else if (world == W_EL1) {
        /* a stage-1 VMID: reuse one of an EL1 group or take a fresh one */
        if (n && rng_pct(&g->r, 50)) {
            vmid = g->proc[cand[0]].vmid;
        } else {
            do
                vmid = rand_id(g);
            while (vmid_taken(g, vmid));
        }
    }
    uint16_t asid;
    bool clash;
    unsigned tries = 0;
    do { /* distinct within the group */
        asid = rand_id(g);
        clash = false;
        for (unsigned i = 0; i < g->nproc; i++)
            if (g->proc[i].world == world && g->proc[i].vm == vm &&
                g->proc[i].vmid == vmid && g->proc[i].asid == asid)
                clash = true;
    } while (clash && ++tries < 50);
    if (clash)
        return n ? cand[0] : -1;
    int p = proc_new(g, world, vm, vmid, asid);
    if (p < 0)
        return n ? cand[0] : -1;
    return p;
}

/* Globals are allowed once the system is built, where a group has one process. */
static void settle_globals(gen_t *g)
{
    g->frozen = true;
    for (unsigned i = 0; i < g->nproc; i++) {
        proc_t *pr = &g->proc[i];
        unsigned same = 0;
        for (unsigned j = 0; j < g->nproc; j++)
            if (g->proc[j].world == pr->world && g->proc[j].vm == pr->vm &&
                g->proc[j].vmid == pr->vmid)
                same++;
        pr->global_ok = same == 1 || pr->world == W_EL2;
        if (!pr->global_ok || !rng_pct(&g->r, 60))
            continue;
        for (unsigned k = 0; k < pr->nmaps; k++)
            if (rng_pct(&g->r, 40)) {
                pr->maps[k].desc &= ~(1ull << 11);
                wr(g, pr->maps[k].dpa, pr->maps[k].desc);
            }
    }
}

static int stream_new(gen_t *g, int kind)
{
    if (g->nst >= MAX_STREAM)
        return -1;
    uint32_t sid = sid_alloc(g);
    if (sid == UINT32_MAX)
        return -1;
    stream_t *s = &g->st[g->nst];
    memset(s, 0, sizeof *s);
    s->sid = sid;
    s->kind = s->kind0 = kind;
    s->proc = s->vm = -1;
    s->ste_pa = ste_pa_of(g, sid);
    if (kind == K_S2 || kind == K_NEST) {
        if (!g->nvm || (g->nvm < MAX_VM && rng_pct(&g->r, 35))) {
            uint16_t vmid;
            do
                vmid = rand_id(g);
            while (vmid_taken(g, vmid));
            s->vm = vm_new(g, vmid);
        } else {
            s->vm = (int)rng_below(&g->r, g->nvm);
        }
        if (s->vm < 0)
            return -1;
    }
    if (kind == K_S1) {
        unsigned w = (unsigned)rng_below(&g->r, 100);
        s->world = w < 60 ? W_EL1 : g->e2h ? W_E2H : W_EL2;
        s->proc = pick_proc(g, s->world, -1);
        if (s->proc < 0)
            return -1;
    } else if (kind == K_NEST) {
        s->world = W_EL1;
        s->proc = pick_proc(g, W_EL1, s->vm);
        if (s->proc < 0)
            return -1;
        g->vm[s->vm].has_nested = true;
    }
    ste_build(g, s);
    g->nst++;
    return (int)(g->nst - 1);
}

/* ---- traffic ------------------------------------------------------------------------------ */

static const uint8_t axcache_pool[] = {0x0, 0x1, 0x2, 0x3, 0x6, 0x7, 0xa, 0xb, 0xe, 0xf,
                                       0xf, 0xf, 0xf, 0xb, 0x3};

static unsigned targets_of(const gen_t *g, const stream_t *s)
{
    switch (s->kind) {
    case K_S1:
    case K_NEST: {
        const proc_t *pr = &g->proc[s->proc];
        return pr->nmaps + pr->nprobes;
    }
    case K_S2: return g->vm[s->vm].nmaps + 6 + g->vm[s->vm].nprobes;
    default: return g->ndata;
    }
}

/* An address inside a leaf of `size`: near its start mostly (TLB locality). */
static uint64_t offset_in(gen_t *g, uint64_t size)
{
    uint64_t page = 0;
    if (size > 0x1000)
        page = rng_pct(&g->r, 70) ? rng_below(&g->r, 8) : rng_below(&g->r, size / 0x1000);
    return page * 0x1000 + (rng_below(&g->r, 0x1000) & ~7ull);
}

static uint64_t target_addr(gen_t *g, const stream_t *s, unsigned t, int *tag)
{
    rng_t *r = &g->r;
    unsigned nt = targets_of(g, s);
    t = nt ? t % nt : 0; /* the stream may have changed kind since t was chosen */
    *tag = TAG_NONE;
    switch (s->kind) {
    case K_S1:
    case K_NEST: {
        const proc_t *pr = &g->proc[s->proc];
        uint64_t a;
        if (t < pr->nmaps) {
            a = pr->maps[t].ia + offset_in(g, msize(&pr->maps[t]));
            *tag = pr->maps[t].tag;
        } else {
            a = pr->probes[t - pr->nmaps] + (rng_below(r, 0x1000) & ~7ull);
            *tag = pr->probe_tag[t - pr->nmaps];
        }
        /* the descriptor's wrong type first, then the CD's special case */
        if (s->kind == K_NEST && pr->tt_bad && *tag == TAG_NONE)
            *tag = TAG_BT_S2TT;
        if (*tag == TAG_NONE)
            *tag = s->private_cd ? s->tag : pr->tag;
        if (rng_pct(r, 4)) /* a tag in the top byte: TBI decides */
            a = (a & ~(0xffull << 56)) | rng_below(r, 256) << 56;
        return a;
    }
    case K_S2: {
        const vm_t *v = &g->vm[s->vm];
        if (t < v->nmaps) {
            *tag = v->maps[t].tag;
            return v->maps[t].ia + offset_in(g, msize(&v->maps[t]));
        }
        if (t >= v->nmaps + 6) {
            *tag = v->probe_tag[t - v->nmaps - 6];
            return v->probes[t - v->nmaps - 6] + (rng_below(r, 0x1000) & ~7ull);
        }
        uint64_t a;
        switch (t - v->nmaps) {
        case 0: a = 1ull << rng_range(r, v->ia, 63); break;      /* beyond the IPA size */
        case 1: a = 1ull << rng_range(r, g->oas, 63); break;     /* beyond the IAS */
        default: a = rng_below(r, 1ull << v->ia); break;
        }
        a &= ~7ull;
        if (vm_overlaps_window(v, a & ~0xfffull, 0x1000)) /* never touch guest tables */
            a = v->win_ipa + WIN_SIZE + (a & 0xff8);
        return a;
    }
    default:
        return g->data[t % g->ndata] + (rng_below(r, 0x1000) & ~7ull);
    }
}

static void make_txn(gen_t *g, int si, unsigned t, dtxn_t *x)
{
    rng_t *r = &g->r;
    memset(x, 0, sizeof *x);
    uint64_t a;
    if (si < 0) { /* a StreamID without an STE */
        x->sid = 0;
        a = g->data[t % g->ndata] + (rng_below(r, 0x1000) & ~7ull);
        x->row = ROW_NOSTE;
    } else {
        const stream_t *s = &g->st[si];
        x->sid = s->sid;
        a = target_addr(g, s, t, &x->tag);
        x->row = s->row;
        /* the granules of the translation (the half the address selects) */
        if (s->kind == K_S1 || s->kind == K_NEST) {
            const proc_t *pr = &g->proc[s->proc];
            int half = pr->world != W_EL2 && ((a >> 55) & 1);
            x->gran[0] = gr_of(pr->t[half].gb);
        }
        if (s->kind == K_S2 || s->kind == K_NEST)
            x->gran[1] = gr_of(g->vm[s->vm].tr.gb);
    }
    static const uint32_t lens[] = {8, 8, 8, 8, 8, 8, 16, 32, 64, 24};
    x->len = lens[rng_below(r, 10)];
    uint64_t off = a & 0xfff;
    if (off + x->len > 0x1000)
        off = 0x1000 - x->len;
    x->addr = (a & ~0xfffull) | (off & ~7ull);
    x->write = rng_pct(r, 40);
    /* privileged half the time, an instruction fetch now and then, NS mostly set */
    x->prot = (uint8_t)((rng_pct(r, 50) ? 1 : 0) | (rng_pct(r, 90) ? 2 : 0) |
                        (rng_pct(r, 15) ? 4 : 0));
    x->cache = axcache_pool[rng_below(r, sizeof axcache_pool)];
    x->domain = (uint8_t)(rng_pct(r, 3) ? 1 : (rng_pct(r, 50) ? 3 : rng_pct(r, 50) ? 2 : 0));
    x->nosnoop = rng_pct(r, 8);
    x->ssv = rng_pct(r, 1);
    x->ssid = x->ssv ? (uint32_t)rng_below(r, 1u << 20) : 0;
}

static uint32_t nosid_pick(gen_t *g)
{
    for (unsigned tries = 0; tries < 50; tries++) {
        uint32_t sid;
        unsigned k = (unsigned)rng_below(&g->r, 3);
        if (k == 0 && g->log2size < g->p->sid_bits)
            sid = (uint32_t)rng_range(&g->r, 1ull << g->log2size, (1ull << g->p->sid_bits) - 1);
        else
            sid = (uint32_t)rng_below(&g->r, 1ull << (g->log2size < g->p->sid_bits ? g->log2size : g->p->sid_bits));
        if (!sid_used(g, sid))
            return sid;
    }
    return (1u << g->p->sid_bits) - 1;
}

static void pick_hot(gen_t *g)
{
    g->nhot = (unsigned)rng_range(&g->r, 3, MAX_HOT);
    if (rng_pct(&g->r, 40))
        g->nhot = (unsigned)rng_range(&g->r, 3, 14); /* fits the TLB: mostly hits */
    unsigned i0 = 0;
    for (; i0 < g->nfocus && i0 < g->nhot; i0++) {
        g->hot[i0].s = g->focus[i0].s;
        g->hot[i0].t = g->focus[i0].t;
    }
    g->nfocus = 0;
    for (unsigned i = i0; i < g->nhot; i++) {
        int s = (int)rng_below(&g->r, g->nst);
        /* favour working translations */
        if (g->st[s].broken || g->st[s].kind <= K_BYPASS)
            s = (int)rng_below(&g->r, g->nst);
        unsigned n = targets_of(g, &g->st[s]);
        g->hot[i].s = s;
        g->hot[i].t = n ? (int)rng_below(&g->r, n) : 0;
        /* mostly real mappings, not probes */
        if ((g->st[s].kind == K_S1 || g->st[s].kind == K_NEST) &&
            g->proc[g->st[s].proc].nmaps && rng_pct(&g->r, 85))
            g->hot[i].t = (int)rng_below(&g->r, g->proc[g->st[s].proc].nmaps);
        if (g->st[s].kind == K_S2 && g->vm[g->st[s].vm].nmaps && rng_pct(&g->r, 85))
            g->hot[i].t = (int)rng_below(&g->r, g->vm[g->st[s].vm].nmaps);
    }
}

/* Storm: 12 % legal bursts of other shapes (narrow INCR, WRAP, FIXED, long INCR), 6 %
 * illegal ones on a stream that translates or bypasses (IHI 0070 §16.7.1: F_UUT). */
static void storm_shape(gen_t *g, int si, dtxn_t *x)
{
    rng_t *r = &g->r;
    unsigned k = (unsigned)rng_below(r, 100);
    uint64_t page = x->addr & ~0xfffull;
    bool can_uut = si >= 0 && !g->st[si].broken &&
                   (g->st[si].kind == K_S1 || g->st[si].kind == K_S2 ||
                    g->st[si].kind == K_NEST || g->st[si].kind == K_BYPASS);
    if (k < 12) {
        unsigned size, beats, burst = 1;
        uint64_t off;
        switch (rng_below(r, 4)) {
        case 0: /* narrow INCR */
            size = (unsigned)rng_below(r, 3);
            beats = (unsigned)rng_range(r, 1, 16);
            off = rng_below(r, 0x1000 - beats * (1u << size)) & ~((1ull << size) - 1);
            break;
        case 1: /* WRAP: 2, 4, 8 or 16 beats, aligned to the size */
            burst = 2;
            size = (unsigned)rng_below(r, 4);
            beats = 2u << rng_below(r, 4);
            off = rng_below(r, 0x1000) & ~((1ull << size) - 1);
            break;
        case 2: /* FIXED */
            burst = 0;
            size = (unsigned)rng_below(r, 4);
            beats = (unsigned)rng_range(r, 1, 16);
            off = rng_below(r, 0x1000) & ~((1ull << size) - 1);
            break;
        default: /* long INCR of 8-byte beats, unaligned start, inside the page */
            size = 3;
            beats = (unsigned)rng_range(r, 9, 64);
            off = rng_below(r, 0x1000 - beats * 8 + 1);
            break;
        }
        x->addr = page | off;
        x->beats = (uint16_t)beats;
        x->size = (uint8_t)size;
        x->burst = (uint8_t)burst;
        uint64_t bytes = 1ull << size;
        x->len = (uint32_t)(burst == 0 ? bytes : beats * bytes);
    } else if (k < 18 && can_uut) {
        x->illegal = true;
        /* now and then with a SubstreamID: the F_UUT record carries it (IHI 0070 7.3.2) */
        x->ssv = rng_pct(r, 10);
        x->ssid = x->ssv ? (uint32_t)rng_below(r, 1u << 20) : 0;
        x->burst = 1;
        x->size = 3;
        switch (rng_below(r, 5)) {
        case 0: /* INCR across 4 KB */
            x->beats = (uint16_t)rng_range(r, 2, 64);
            x->addr = page + 0x1000 - 8 * rng_range(r, 1, x->beats - 1u);
            break;
        case 1: /* reserved AxBURST */
            x->burst = 3;
            x->beats = (uint16_t)rng_range(r, 1, 8);
            break;
        case 2: /* WRAP of a length other than 2, 4, 8, 16, or not aligned to its size */
            x->burst = 2;
            if (rng_pct(r, 50)) {
                static const uint8_t bad[] = {3, 5, 6, 7, 9, 12, 15};
                x->beats = bad[rng_below(r, sizeof bad)];
            } else {
                x->beats = 4;
                x->addr |= 4;
            }
            break;
        case 3: /* AxSIZE wider than the 64-bit bus */
            x->size = (uint8_t)rng_range(r, 4, 7);
            x->beats = (uint16_t)rng_range(r, 1, 2);
            x->addr &= ~0x7full;
            break;
        default: /* FIXED longer than 16 beats */
            x->burst = 0;
            x->beats = (uint16_t)rng_range(r, 17, 32);
            break;
        }
        x->len = 8;
    }
}

static void one_txn(gen_t *g)
{
    dtxn_t x;
    int s;
    unsigned t;
    if (g->nst && rng_pct(&g->r, 85)) {
        unsigned h = (unsigned)rng_below(&g->r, g->nhot);
        s = g->hot[h].s;
        t = (unsigned)g->hot[h].t;
    } else if (g->nst && !rng_pct(&g->r, 3)) {
        s = (int)rng_below(&g->r, g->nst);
        unsigned n = targets_of(g, &g->st[s]);
        t = n ? (unsigned)rng_below(&g->r, n) : 0;
    } else {
        s = -1;
        t = (unsigned)rng_below(&g->r, g->ndata);
    }
    make_txn(g, s, t, &x);
    if (s < 0)
        x.sid = nosid_pick(g);
    if (g->storm)
        storm_shape(g, s, &x);
    env_txn(g->e, &x);
}

static void gbpa_phase(gen_t *g, unsigned n)
{
    uint32_t v = 0;
    rng_t *r = &g->r;
    if (rng_pct(r, 30))
        v |= SMMU_GBPA_ABORT_MASK;
    if (g->p->attr_ovr) {
        v |= (uint32_t)rng_below(r, 4) << SMMU_GBPA_INSTCFG_SHIFT;
        v |= (uint32_t)rng_below(r, 4) << SMMU_GBPA_PRIVCFG_SHIFT;
        v |= (uint32_t)rng_below(r, 4) << SMMU_GBPA_SHCFG_SHIFT;
        if (rng_pct(r, 40))
            v |= (uint32_t)rng_below(r, 16) << SMMU_GBPA_ALLOCCFG_SHIFT;
        if (rng_pct(r, 40))
            v |= SMMU_GBPA_MTCFG_MASK | (uint32_t)rng_below(r, 16) << SMMU_GBPA_MEMATTR_SHIFT;
    } else {
        v |= 1u << SMMU_GBPA_SHCFG_SHIFT;
    }
    env_note(g->e, "GBPA phase (SMMUEN = 0)");
    env_gbpa(g->e, v);
    for (unsigned i = 0; i < n && !env_stopped(g->e); i++) {
        dtxn_t x;
        make_txn(g, -1, (unsigned)rng_below(r, g->ndata), &x);
        x.sid = (uint32_t)rng_below(r, 1ull << g->p->sid_bits);
        x.row = ROW_GBPA;
        x.ssv = false;
        env_txn(g->e, &x);
    }
}

/* ---- invalidation ------------------------------------------------------------------------ */

static uint64_t cmd0(unsigned op)
{
    return op;
}

static uint64_t f_vmid(uint16_t v)
{
    return (uint64_t)v << CMD_VMID_SHIFT;
}

static uint64_t f_asid(uint16_t a)
{
    return (uint64_t)a << CMD_ASID_SHIFT;
}

/* A by-address TLBI (op, with dw0 fields) that covers [base, base + size), a leaf at
 * `level` of a granule-gb table: one address (allowed when a single TLB entry is used for
 * the whole leaf: `single_ok`) or a range in the leaf's granule (TG of gb: the command
 * need only remove entries of that granule, IHI 0070 4.4.1.1), SCALE, NUM and TTL (0 or
 * the leaf level). */
static void tlbi_addr(gen_t *g, uint64_t dw0, uint64_t base, uint64_t size, unsigned level,
                      bool single_ok, unsigned gb)
{
    rng_t *r = &g->r;
    uint64_t leaf = rng_pct(r, 50) ? CMD_LEAF_MASK : 0;
    if (single_ok && size > 0x1000 ? rng_pct(r, 50) : single_ok && rng_pct(r, 60)) {
        uint64_t a = base + (rng_below(r, size) & ~0xfffull);
        env_cmd(g->e, dw0, (a & CMD_ADDR_MASK) | leaf);
        return;
    }
    uint64_t pages = size >> gb; /* granules */
    unsigned lp = 0;
    while ((1ull << lp) < pages)
        lp++;
    /* maybe start a few granules early (the range still covers the leaf) */
    uint64_t pre = rng_pct(r, 30) ? rng_below(r, 4) : 0;
    if ((pre << gb) > base)
        pre = 0;
    uint64_t start = base - (pre << gb);
    uint64_t need = pages + pre;
    unsigned ln = 0;
    while ((1ull << ln) < need)
        ln++;
    unsigned scale = ln > 5 ? (unsigned)rng_range(r, ln - 5, ln) : (unsigned)rng_below(r, ln + 1);
    uint64_t num = (need + (1ull << scale) - 1) >> scale;
    if (num > 32) {
        scale++;
        num = (need + (1ull << scale) - 1) >> scale;
    }
    num = num ? num - 1 : 0;
    unsigned ttl = rng_pct(r, 50) ? level : 0;
    if (!num && !scale && !ttl)
        ttl = level; /* TG != 0 with NUM = SCALE = TTL = 0 is Reserved */
    (void)lp;
    env_cmd(g->e, dw0 | num << CMD_NUM_SHIFT | (uint64_t)scale << CMD_SCALE_SHIFT,
            (start & CMD_ADDR_MASK) | (uint64_t)tlbi_tg(gb) << CMD_TG_SHIFT |
                (uint64_t)ttl << CMD_TTL_SHIFT | leaf);
}

static bool proc_has_global(const proc_t *pr)
{
    for (unsigned i = 0; i < pr->nmaps; i++)
        if ((pr->maps[i].desc & 1) && !(pr->maps[i].desc & (1ull << 11)))
            return true;
    return false;
}

/* Invalidate what process pr may have cached for [va, va + size) (a leaf at `level` of a
 * granule-gb table); `global`: the old entry may be global. va = 0 and size = 0: the
 * whole process. */
static void inval_proc(gen_t *g, const proc_t *pr, uint64_t va, uint64_t size, unsigned level,
                       bool global, unsigned gb)
{
    rng_t *r = &g->r;
    bool whole = size == 0;
    bool nested = pr->vm >= 0;
    /* a nested entry may be smaller than the stage-1 leaf: one address is enough only
     * for a page no larger than the stage-2 granule (every stage-2 leaf covers it) */
    bool single_ok = !nested || (level == 3 && gb <= g->vm[pr->vm].tr.gb);
    unsigned k = (unsigned)rng_below(r, 10);
    if (global && !whole && rng_pct(r, 50))
        k = (unsigned)rng_below(r, 4); /* by VA: the case below */
    /* A global (nG = 0) entry matches a by-VA TLBI whatever its ASID (IHI 0070 §4.4.2,
     * TLBI_NH_VA / TLBI_EL2_VA: "ASID or global"): for a global leaf, half of them name
     * another ASID than the one that filled the entry. */
    uint16_t va_asid = pr->asid;
    if (global && !whole && rng_pct(r, 50)) {
        do
            va_asid = rng_pct(r, 50) ? (uint16_t)rng_range(r, 0, 7) : (uint16_t)rng_u64(r);
        while (va_asid == pr->asid);
    }
    bool by_va_asid = !whole && (pr->world == W_EL1 ? k < 4 : pr->world == W_E2H && k < 4);
    if (by_va_asid && va_asid != pr->asid && g->e->cov)
        g->e->cov->global_tlbi_other_asid++;
    if (pr->world == W_EL1) {
        if (!whole && k < 4) {
            tlbi_addr(g, cmd0(CMD_OP_TLBI_NH_VA) | f_vmid(pr->vmid) | f_asid(va_asid), va, size,
                      level, single_ok, gb);
        } else if (!whole && k < 6) {
            tlbi_addr(g, cmd0(CMD_OP_TLBI_NH_VAA) | f_vmid(pr->vmid), va, size, level, single_ok,
                      gb);
        } else if (!global && k < 8) {
            env_cmd(g->e, cmd0(CMD_OP_TLBI_NH_ASID) | f_vmid(pr->vmid) | f_asid(pr->asid), 0);
        } else if (k < 9) {
            env_cmd(g->e, cmd0(rng_pct(r, 50) ? CMD_OP_TLBI_NH_ALL : CMD_OP_TLBI_S12_VMALL) |
                              f_vmid(pr->vmid), 0);
        } else {
            env_cmd(g->e, cmd0(CMD_OP_TLBI_NSNH_ALL), 0);
        }
    } else {
        bool e2h = pr->world == W_E2H;
        /* without E2H the ASID of TLBI_EL2_VA is not matched: any value */
        uint16_t asid = e2h ? va_asid : (uint16_t)rng_u64(r);
        if (!whole && k < 4)
            tlbi_addr(g, cmd0(CMD_OP_TLBI_EL2_VA) | f_asid(asid), va, size, level, true, gb);
        else if (!whole && k < 7)
            tlbi_addr(g, cmd0(CMD_OP_TLBI_EL2_VAA), va, size, level, true, gb);
        else if (e2h && !global && k < 9)
            env_cmd(g->e, cmd0(CMD_OP_TLBI_EL2_ASID) | f_asid(pr->asid), 0);
        else
            env_cmd(g->e, cmd0(CMD_OP_TLBI_EL2_ALL), 0);
    }
}

/* Invalidate what VM v may have cached through stage-2 [ipa, ipa + size) (size 0: all). */
static void inval_vm(gen_t *g, const vm_t *v, uint64_t ipa, uint64_t size, unsigned level)
{
    rng_t *r = &g->r;
    unsigned k = (unsigned)rng_below(r, 10);
    if (k < 2 || size == 0) {
        env_cmd(g->e, cmd0(rng_pct(r, 75) ? CMD_OP_TLBI_S12_VMALL : CMD_OP_TLBI_NSNH_ALL) |
                          f_vmid(v->vmid), 0);
        return;
    }
    /* stage-2-only entries: TLBI_S2_IPA; combined ones also need a stage-1 TLBI of the
     * VMID (TLBI_S2_IPA need not hit them) */
    tlbi_addr(g, cmd0(CMD_OP_TLBI_S2_IPA) | f_vmid(v->vmid), ipa, size, level, true, v->tr.gb);
    if (v->has_nested || rng_pct(r, 10))
        env_cmd(g->e, cmd0(rng_pct(r, 70) ? CMD_OP_TLBI_NH_ALL : CMD_OP_TLBI_S12_VMALL) |
                          f_vmid(v->vmid), 0);
}

static void cfgi_stream(gen_t *g, const stream_t *s, bool cd_only)
{
    rng_t *r = &g->r;
    uint64_t sid = (uint64_t)s->sid << CMD_SID_SHIFT;
    unsigned k = (unsigned)rng_below(r, 10);
    if (cd_only && k < 4) {
        env_cmd(g->e, cmd0(CMD_OP_CFGI_CD) | sid, rng_below(r, 2));
    } else if (cd_only && k < 6) {
        env_cmd(g->e, cmd0(CMD_OP_CFGI_CD_ALL) | sid, 0);
    } else if (k < 8) {
        env_cmd(g->e, cmd0(CMD_OP_CFGI_STE) | sid, rng_below(r, 2));
    } else {
        unsigned range = (unsigned)rng_below(r, 7);
        uint64_t base = s->sid & ~((2ull << range) - 1);
        env_cmd(g->e, cmd0(CMD_OP_CFGI_STE_RANGE) | base << CMD_SID_SHIFT, range);
    }
}

/* Unrelated invalidations (over-invalidation is always allowed). */
static void noise_cmds(gen_t *g, unsigned n)
{
    rng_t *r = &g->r;
    for (unsigned i = 0; i < n; i++) {
        static const unsigned ops[] = {CMD_OP_TLBI_NH_ALL, CMD_OP_TLBI_NH_ASID, CMD_OP_TLBI_NH_VA,
                                       CMD_OP_TLBI_NH_VAA, CMD_OP_TLBI_EL2_ALL, CMD_OP_TLBI_EL2_ASID,
                                       CMD_OP_TLBI_EL2_VA, CMD_OP_TLBI_EL2_VAA,
                                       CMD_OP_TLBI_S12_VMALL, CMD_OP_TLBI_S2_IPA,
                                       CMD_OP_TLBI_NSNH_ALL, CMD_OP_CFGI_STE, CMD_OP_CFGI_CD,
                                       CMD_OP_CFGI_CD_ALL, CMD_OP_CFGI_STE_RANGE,
                                       CMD_OP_PREFETCH_CONFIG, CMD_OP_PREFETCH_ADDR};
        unsigned op = ops[rng_below(r, sizeof ops / sizeof ops[0])];
        uint64_t dw0 = op, dw1 = 0;
        if (op >= CMD_OP_TLBI_NH_ALL) {
            dw0 |= f_vmid(rand_id(g)) | f_asid(rand_id(g));
            if (op == CMD_OP_TLBI_NH_VA || op == CMD_OP_TLBI_NH_VAA || op == CMD_OP_TLBI_EL2_VA ||
                op == CMD_OP_TLBI_EL2_VAA || op == CMD_OP_TLBI_S2_IPA) {
                unsigned gb = rand_gb(g);
                tlbi_addr(g, dw0, rng_u64(r) & 0x0000fffffffff000ull & ~(gsize(gb) - 1),
                          gsize(gb) << rng_below(r, 10), 3, rng_pct(r, 50), gb);
                continue;
            }
        } else {
            uint32_t sid = g->nst && rng_pct(r, 70) ? g->st[rng_below(r, g->nst)].sid
                                                    : (uint32_t)rng_below(r, 1ull << g->p->sid_bits);
            dw0 |= (uint64_t)sid << CMD_SID_SHIFT;
            dw1 = op == CMD_OP_CFGI_STE_RANGE ? rng_below(r, 8)
                : op == CMD_OP_PREFETCH_ADDR ? rng_u64(r) & 0x0000fffffffff000ull
                : rng_below(r, 2);
        }
        env_cmd(g->e, dw0, dw1);
    }
}

/* ---- changes behind the caches ------------------------------------------------------------ */

/* Could the SMMU have cached leaf m (value d) as a translation? */
static bool cached_leaf(uint64_t d, const map_t *m, bool affd)
{
    if (!(d & 1) || ((d & 3) == 1 && !block_ok(m->gb, m->level)))
        return false;
    return (d & (1u << 10)) || affd;
}

static void streams_of_proc(gen_t *g, int p, bool cd_only)
{
    if (rng_pct(&g->r, 20)) {
        env_cmd(g->e, cmd0(CMD_OP_CFGI_STE_RANGE), 31); /* CFGI_ALL */
        return;
    }
    for (unsigned i = 0; i < g->nst; i++)
        if (g->st[i].proc == p && !g->st[i].private_cd &&
            (g->st[i].kind == K_S1 || g->st[i].kind == K_NEST))
            cfgi_stream(g, &g->st[i], cd_only);
}

/* A stream that uses process p (kind S1/nested, p >= 0) or VM v stage 2 only; -1 if
 * none. */
static int stream_using(gen_t *g, int p, int v)
{
    int cand[MAX_STREAM], n = 0;
    for (unsigned i = 0; i < g->nst; i++) {
        const stream_t *s = &g->st[i];
        if (s->broken)
            continue;
        if (p >= 0 && (s->kind == K_S1 || s->kind == K_NEST) && s->proc == p)
            cand[n++] = (int)i;
        if (v >= 0 && s->kind == K_S2 && s->vm == v)
            cand[n++] = (int)i;
    }
    return n ? cand[rng_below(&g->r, (uint64_t)n)] : -1;
}

/* Touch a target before its mapping changes (so the TLB holds it) and keep it hot after
 * the invalidation: a missed invalidation then shows as a stale translation. */
static void warm_and_focus(gen_t *g, int s, int t)
{
    if (s < 0)
        return;
    /* an earlier change of this batch may still wait for its invalidation: complete it
     * first, or the warm-up would see a stale translation the model cannot predict */
    if (g->e->cmd_pending)
        env_cmd_sync(g->e);
    for (unsigned k = 0; k < 2 && !env_stopped(g->e); k++) {
        dtxn_t x;
        make_txn(g, s, (unsigned)t, &x);
        x.write = false;
        x.ssv = false;
        env_txn(g->e, &x);
    }
    if (g->nfocus < 8) {
        g->focus[g->nfocus].s = s;
        g->focus[g->nfocus].t = t;
        g->nfocus++;
    }
}

/* Changes stage-1 leaf mi of process p (after a warm-up of the target unless racing). */
static void s1_leaf_change(gen_t *g, int p, unsigned mi)
{
    proc_t *pr = &g->proc[p];
    map_t *m = &pr->maps[mi];
    if (!g->racing)
        warm_and_focus(g, stream_using(g, p, -1), (int)mi);
    uint64_t old = m->desc, size = msize(m), d;
    rng_t *r = &g->r;
    unsigned k = (unsigned)rng_below(r, 10);
    uint64_t oa_mask = 0x0000fffffffff000ull & ~(size - 1);
    if (k < 3 || !(old & 1)) {
        /* a new mapping of the same VA */
        uint64_t oa;
        if (pr->vm >= 0) {
            const vm_t *v = &g->vm[pr->vm];
            const map_t *vm2 = v->nmaps ? &v->maps[rng_below(r, v->nmaps)] : NULL;
            oa = vm2 && msize(vm2) >= size ? vm2->ia : (old & oa_mask) ^ size;
            if (vm_overlaps_window(v, oa & oa_mask, size)) /* never onto guest tables */
                oa = (v->win_ipa + WIN_SIZE + size - 1) & ~(size - 1);
        } else {
            oa = data_oa(g, pr->ips, size);
        }
        d = s1_desc(g, pr, m->level, oa & oa_mask);
        if (!(old & (1ull << 11)) && pr->global_ok && (old & 1))
            d &= ~(1ull << 11);
        if (!pr->global_ok)
            d |= 1ull << 11;
    } else if (k < 6) {
        /* other permissions / attributes, same output */
        d = s1_desc(g, pr, m->level, old & oa_mask);
        d = (d & ~(1ull << 11)) | (old & (1ull << 11));
    } else if (k < 8) {
        d = rng_pct(r, 50) ? 0 : (old & ~1ull); /* invalid */
    } else {
        d = old ^ (1u << 10); /* AF */
    }
    bool affd = FGET(pr->cd, CD_AFFD);
    bool must = cached_leaf(old, m, affd);
    bool global = !(old & (1ull << 11)) || pr->world == W_EL2;
    wr(g, m->dpa, d);
    m->desc = d;
    m->tag = TAG_NONE;
    if (g->e->cov)
        g->e->cov->tlb_changes++;
    env_note(g->e, "stage-1 leaf of VA 0x%" PRIx64 " changed", m->ia);
    if (must || rng_pct(r, 50))
        inval_proc(g, pr, m->ia, size, m->level, global, m->gb);
}

static void change_s1_leaf(gen_t *g)
{
    if (!g->nproc)
        return;
    int p = (int)rng_below(&g->r, g->nproc);
    if (!g->proc[p].nmaps)
        return;
    unsigned mi = (unsigned)rng_below(&g->r, g->proc[p].nmaps);
    /* a third of the time a global leaf, when the process has one (its TLBI by VA may name
     * another ASID) */
    if (rng_pct(&g->r, 33))
        for (unsigned k = 0; k < g->proc[p].nmaps; k++) {
            unsigned j = (mi + k) % g->proc[p].nmaps;
            uint64_t d = g->proc[p].maps[j].desc;
            if ((d & 1) && !(d & (1ull << 11))) {
                mi = j;
                break;
            }
        }
    s1_leaf_change(g, p, mi);
}

/* Changes stage-2 leaf mi of VM vi. */
static void s2_leaf_change(gen_t *g, int vi, unsigned mi)
{
    vm_t *v = &g->vm[vi];
    map_t *m = &v->maps[mi];
    if (!g->racing)
        warm_and_focus(g, stream_using(g, -1, vi), (int)mi);
    uint64_t old = m->desc, size = msize(m), d;
    rng_t *r = &g->r;
    unsigned k = (unsigned)rng_below(r, 10);
    uint64_t oa_mask = 0x0000fffffffff000ull & ~(size - 1);
    if (k < 3 || !(old & 1))
        d = s2_desc(g, v, m->level, data_oa(g, v->ps, size) & oa_mask, true);
    else if (k < 6)
        d = s2_desc(g, v, m->level, old & oa_mask, true);
    else if (k < 8)
        d = rng_pct(r, 50) ? 0 : (old & ~1ull);
    else
        d = old ^ (1u << 10);
    bool must = cached_leaf(old, m, v->affd);
    wr(g, m->dpa, d);
    m->desc = d;
    m->tag = TAG_NONE;
    if (g->e->cov)
        g->e->cov->tlb_changes++;
    env_note(g->e, "stage-2 leaf of IPA 0x%" PRIx64 " changed", m->ia);
    if (must || rng_pct(r, 50))
        inval_vm(g, v, m->ia, size, m->level);
}

static void change_s2_leaf(gen_t *g)
{
    if (!g->nvm)
        return;
    int vi = (int)rng_below(&g->r, g->nvm);
    if (g->vm[vi].nmaps)
        s2_leaf_change(g, vi, (unsigned)rng_below(&g->r, g->vm[vi].nmaps));
}

static void change_new_leaf(gen_t *g)
{
    /* invalid -> valid: nothing was cached, no invalidation needed */
    if (rng_pct(&g->r, 50) && g->nproc) {
        proc_t *pr = &g->proc[rng_below(&g->r, g->nproc)];
        if (proc_add_map(g, pr))
            env_note(g->e, "new stage-1 leaf");
    } else if (g->nvm) {
        vm_add_data(g, &g->vm[rng_below(&g->r, g->nvm)]);
        env_note(g->e, "new stage-2 leaves");
    }
}

static void change_ste(gen_t *g)
{
    if (!g->nst)
        return;
    stream_t *s = &g->st[rng_below(&g->r, g->nst)];
    rng_t *r = &g->r;
    unsigned k = (unsigned)rng_below(r, 10);
    if (k < 2 && s->kind == s->kind0)
        s->kind = rng_pct(r, 50) ? K_BYPASS : K_ABORT;
    else if (k < 5)
        s->kind = s->kind0;
    else if (k < 7 && s->kind == K_S1) {
        int p = pick_proc(g, s->world, -1);
        if (p >= 0)
            s->proc = p;
    }
    ste_build(g, s);
    if (rng_pct(r, 8))
        break_stream(g, s);
    ste_write(g, s);
    if (g->e->cov)
        g->e->cov->tlb_changes++;
    env_note(g->e, "STE of StreamID 0x%x rewritten", s->sid);
    if (rng_pct(r, 15))
        env_cmd(g->e, cmd0(CMD_OP_CFGI_STE_RANGE), 31);
    else
        cfgi_stream(g, s, false);
}

/* Changes one word of process p's CD (every case is a single 64-bit word). */
static void cd_change(gen_t *g, int p)
{
    proc_t *pr = &g->proc[p];
    rng_t *r = &g->r;
    uint64_t *cd = pr->cd;
    switch (rng_below(r, 8)) {
    case 0: cd[3] = rand_mair(g); break;
    case 1: FSET(cd, CD_WXN, !FGET(cd, CD_WXN)); break;
    case 2: FSET(cd, CD_PAN, !FGET(cd, CD_PAN)); break;
    case 3: FSET(cd, CD_AFFD, !FGET(cd, CD_AFFD)); break;
    case 4: FSET(cd, CD_R, !FGET(cd, CD_R)); break;
    case 5: FSET(cd, CD_TBI0, !FGET(cd, CD_TBI0)); FSET(cd, CD_TBI1, rng_below(r, 2)); break;
    case 6: FSET(cd, CD_HAD0, !FGET(cd, CD_HAD0)); break;
    default: {
        unsigned pmax = ps_field_max(g->oas);
        FSET(cd, CD_IPS, rng_below(r, pmax + 1));
        pr->ips = ps_bits((unsigned)FGET(cd, CD_IPS), g->oas);
        break;
    }
    }
    for (int i = 0; i < 8; i++)
        wr(g, pr->cd_pa + 8ull * i, cd[i]);
    if (g->e->cov)
        g->e->cov->tlb_changes++;
    env_note(g->e, "CD of process %d changed", p);
    streams_of_proc(g, p, true);
    inval_proc(g, pr, 0, 0, 3, proc_has_global(pr) || pr->global_ok, 12);
}

static void change_cd(gen_t *g)
{
    if (g->nproc)
        cd_change(g, (int)rng_below(&g->r, g->nproc));
}

/* One word of s's STE changed (a race's change): Config to abort or bypass in dword 0 and
 * back, the overrides and CD-fetch attributes in dword 1, or S2R in dword 2. */
static void ste_word_change(gen_t *g, stream_t *s)
{
    rng_t *r = &g->r;
    uint64_t *d = s->ste;
    bool s2 = s->kind == K_S2 || s->kind == K_NEST;
    unsigned k = (unsigned)rng_below(r, 10), w;
    if (s->cfg_flipped || (k < 4 && s->kind == s->kind0 && s->kind != K_ABORT)) {
        if (s->cfg_flipped) {
            FSET(d, STE_CONFIG, s->cfg0);
            s->kind = s->kind0;
            s->cfg_flipped = false;
        } else {
            s->cfg0 = (unsigned)FGET(d, STE_CONFIG);
            unsigned nc = s->kind == K_BYPASS || rng_pct(r, 50) ? (unsigned)rng_below(r, 4) : 4;
            FSET(d, STE_CONFIG, nc);
            s->kind = nc == 4 ? K_BYPASS : K_ABORT;
            s->cfg_flipped = true;
        }
        w = 0;
    } else if (s2 && k < 6) {
        FSET(d, STE_S2R, !FGET(d, STE_S2R));
        w = 2;
    } else {
        FSET(d, STE_S1CIR, rng_below(r, 4));
        FSET(d, STE_S1COR, rng_below(r, 4));
        FSET(d, STE_S1CSH, rng_below(r, 4));
        if (g->p->attr_ovr) {
            FSET(d, STE_MTCFG, rng_pct(r, 30));
            FSET(d, STE_MEMATTR, rng_below(r, 16));
            FSET(d, STE_ALLOCCFG, rng_pct(r, 30) ? rng_below(r, 16) : 0);
            FSET(d, STE_SHCFG, rng_pct(r, 50) ? 1 : rng_below(r, 4));
            FSET(d, STE_PRIVCFG, rng_pct(r, 25) ? rng_below(r, 4) : 0);
            FSET(d, STE_INSTCFG, rng_pct(r, 25) ? rng_below(r, 4) : 0);
        }
        w = 1;
    }
    s->row = row_of(g, s);
    wr(g, s->ste_pa + 8ull * w, d[w]);
    if (g->e->cov)
        g->e->cov->tlb_changes++;
    env_note(g->e, "STE of StreamID 0x%x: dword %u changed", s->sid, w);
    if (rng_pct(r, 15))
        env_cmd(g->e, cmd0(CMD_OP_CFGI_STE_RANGE), 31);
    else
        cfgi_stream(g, s, false);
}

/* One batch of changes and invalidations, then CMD_SYNC. */
static void mutate(gen_t *g)
{
    rng_t *r = &g->r;
    env_drain_events(g->e);
    unsigned n = (unsigned)rng_range(r, 1, 3);
    for (unsigned i = 0; i < n; i++) {
        unsigned k = (unsigned)rng_below(r, 100);
        if (k < 30)
            change_s1_leaf(g);
        else if (k < 50)
            change_s2_leaf(g);
        else if (k < 60)
            change_new_leaf(g);
        else if (k < 75)
            change_ste(g);
        else if (k < 85)
            change_cd(g);
        else
            noise_cmds(g, (unsigned)rng_range(r, 1, 4));
        if (rng_pct(r, 20))
            noise_cmds(g, 1);
    }
    env_cmd_sync(g->e);
}

/* ---- racing invalidations --------------------------------------------------------------- */

/* A transaction of the race: the target (s, t) half the time, else the phase's traffic. */
static void race_txn(gen_t *g, int s, int t)
{
    if (rng_pct(&g->r, 50)) {
        dtxn_t x;
        make_txn(g, s, (unsigned)t, &x);
        x.ssv = false;
        env_txn(g->e, &x);
    } else {
        one_txn(g);
    }
}

/* A stream to race on: not broken, of one of the kinds in `kinds` (bit K_*), with what the
 * change needs (maps for a leaf, a shared CD for a CD change); -1 if none. */
static int race_stream(gen_t *g, unsigned kinds, bool need_maps, bool shared_cd)
{
    int cand[MAX_STREAM], n = 0;
    for (unsigned i = 0; i < g->nst; i++) {
        const stream_t *s = &g->st[i];
        if (s->broken || !((kinds >> s->kind) & 1))
            continue;
        if (shared_cd && s->private_cd)
            continue;
        if (need_maps && (s->kind == K_S2 ? !g->vm[s->vm].nmaps
                          : s->proc < 0 || !g->proc[s->proc].nmaps))
            continue;
        cand[n++] = (int)i;
    }
    return n ? cand[rng_below(&g->r, (uint64_t)n)] : -1;
}

/* One race window (env_race_*): a leaf, STE or CD word changes while a transaction that
 * needs it is in flight (just after its walk or fetch read the word, or at a random
 * cycle under hot traffic), its invalidation and a CMD_SYNC are queued without waiting,
 * and traffic to the target goes on until after the CMD_SYNC has completed. */
static void race(gen_t *g)
{
    env_t *e = g->e;
    rng_t *r = &g->r;
    unsigned k = (unsigned)rng_below(r, 100);
    int kind = k < 45 ? RACE_LEAF : k < 60 ? RACE_STE : k < 75 ? RACE_CD : RACE_TIMED;
    int what = kind == RACE_TIMED ? (int)rng_below(r, 3) : kind; /* RACE_LEAF/STE/CD */
    int si = -1, t = 0, p = -1, vi = -1;
    unsigned mi = 0;
    bool s1 = true;
    uint64_t trig = 0;
    if (what == RACE_LEAF) {
        s1 = rng_pct(r, 65);
        if (s1) {
            /* nested mostly: the final IPA's stage-2 walk follows the stage-1 leaf read */
            si = race_stream(g, rng_pct(r, 60) ? 1u << K_NEST : 1u << K_NEST | 1u << K_S1, true,
                             false);
            if (si < 0)
                si = race_stream(g, 1u << K_NEST | 1u << K_S1, true, false);
            if (si < 0)
                return;
            p = g->st[si].proc;
            mi = (unsigned)rng_below(r, g->proc[p].nmaps);
            trig = g->proc[p].maps[mi].dpa;
        } else {
            si = race_stream(g, 1u << K_S2, true, false);
            if (si < 0)
                return;
            vi = g->st[si].vm;
            mi = (unsigned)rng_below(r, g->vm[vi].nmaps);
            trig = g->vm[vi].maps[mi].dpa;
        }
        t = (int)mi;
    } else {
        unsigned kinds = what == RACE_STE ? 1u << K_S1 | 1u << K_S2 | 1u << K_NEST | 1u << K_BYPASS
                                          : 1u << K_S1 | 1u << K_NEST;
        si = race_stream(g, kinds, false, what == RACE_CD);
        if (si < 0)
            return;
        stream_t *st = &g->st[si];
        unsigned nt = targets_of(g, st);
        t = nt ? (int)rng_below(r, nt) : 0;
        if (st->proc >= 0 && g->proc[st->proc].nmaps && rng_pct(r, 80))
            t = (int)rng_below(r, g->proc[st->proc].nmaps);
        p = st->proc;
        trig = what == RACE_STE ? st->ste_pa : g->proc[p].cd_pa;
    }
    env_drain_events(e); /* quiet, with every earlier record checked */
    if (kind != RACE_TIMED) {
        /* so that the first transaction walks or fetches */
        if (what == RACE_LEAF && s1) {
            const map_t *m = &g->proc[p].maps[mi];
            inval_proc(g, &g->proc[p], m->ia, msize(m), m->level,
                       !(m->desc & 1ull << 11) || g->proc[p].world == W_EL2, m->gb);
        } else if (what == RACE_LEAF) {
            const map_t *m = &g->vm[vi].maps[mi];
            inval_vm(g, &g->vm[vi], m->ia, msize(m), m->level);
        } else {
            cfgi_stream(g, &g->st[si], what == RACE_CD);
        }
        env_cmd_sync(e);
    }
    env_traffic(e, g->depth[0], g->depth[1], 16, true); /* exact attribution in the window */
    env_race_open(e, kind);
    dtxn_t x;
    make_txn(g, si, (unsigned)t, &x);
    x.ssv = false;
    x.write = rng_pct(r, 30);
    size_t since = env_tbl_log_count(e);
    uint64_t a = env_txn_nowait(e, &x);
    if (kind != RACE_TIMED) {
        /* until the walk or fetch has read the word, then its data's return */
        for (unsigned guard = 0; guard < 20000 && env_txn_live(e, a) &&
                                 !env_tbl_read_seen(e, since, trig); guard++) {
            env_step(e, 1);
            if (!e->serial && rng_pct(r, 8))
                race_txn(g, si, t);
        }
        env_step(e, g->lat_max + 1 + (unsigned)rng_below(r, 6));
    } else {
        unsigned n = (unsigned)rng_range(r, 1, 16);
        for (unsigned i = 0; i < n && !e->serial; i++)
            race_txn(g, si, t);
        env_step(e, (unsigned)rng_below(r, 48));
    }
    if (env_txn_live(e, a) && e->cov)
        e->cov->races_hit++;
    g->racing = true;
    if (what == RACE_LEAF && s1)
        s1_leaf_change(g, p, mi);
    else if (what == RACE_LEAF)
        s2_leaf_change(g, vi, mi);
    else if (what == RACE_STE)
        ste_word_change(g, &g->st[si]);
    else
        cd_change(g, p);
    g->racing = false;
    env_race_changed(e);
    env_race_sync(e, rng_pct(r, 60) ? 1 : rng_pct(r, 75) ? 0 : 2);
    for (unsigned guard = 0; guard < 4000 && !env_race_synced(e) && !env_stopped(e); guard++) {
        race_txn(g, si, t);
        if (rng_pct(r, 30))
            env_step(e, (unsigned)rng_range(r, 1, 8));
    }
    unsigned after = (unsigned)rng_range(r, 4, 24);
    for (unsigned i = 0; i < after && !env_stopped(e); i++)
        race_txn(g, si, t);
    env_race_close(e);
    env_traffic(e, g->depth[0], g->depth[1], g->id_pool, false);
    if (g->nfocus < 8) {
        g->focus[g->nfocus].s = si;
        g->focus[g->nfocus].t = t;
        g->nfocus++;
    }
}

/* The traffic shape of a phase: outstanding transactions per direction and the AXI IDs. */
static void traffic_shape(gen_t *g)
{
    rng_t *r = &g->r;
    for (int d = 0; d < 2; d++) {
        unsigned k = (unsigned)rng_below(r, 100);
        if (g->storm) /* mostly deep: 17..64 outstanding in 70 % of phases */
            k = k < 70 ? 99 : k < 85 ? 60 : k;
        g->depth[d] = k < 20 ? 1 : k < 45 ? (unsigned)rng_range(r, 2, 4)
                    : k < 75 ? (unsigned)rng_range(r, 5, 16) : (unsigned)rng_range(r, 17, 64);
    }
    unsigned k = (unsigned)rng_below(r, 100);
    g->id_pool = k < 10 ? 1 : k < 40 ? (unsigned)rng_range(r, 2, 4) : (unsigned)rng_range(r, 5, 16);
    env_traffic(g->e, g->depth[0], g->depth[1], g->id_pool, false);
}

/* Invalidations with nothing changed, while traffic runs. */
static void async_noise(gen_t *g)
{
    env_drain_events(g->e);
    noise_cmds(g, (unsigned)rng_range(&g->r, 1, 6));
    env_cmd_sync_begin(g->e);
    unsigned n = (unsigned)rng_range(&g->r, 1, 20);
    for (unsigned i = 0; i < n && !env_stopped(g->e); i++)
        one_txn(g);
    env_cmd_sync_end(g->e);
}

/* Storm: garbage in about 8 % of the leaves, set up before translation is enabled: every
 * bit but the output address random (type, AP, SH, AttrIndx / MemAttr, AF, nG, XN, the
 * contiguous hint, software and RES0 bits, the output-address bits a block leaves RES0);
 * the output address stays and a block never becomes a table, so no walk reads client
 * data and no write reaches a table. The model decides each outcome. */
static void garbage_leaves(gen_t *g)
{
    rng_t *r = &g->r;
    for (unsigned i = 0; i < g->nproc + g->nvm; i++) {
        bool is_vm = i >= g->nproc;
        map_t *maps = is_vm ? g->vm[i - g->nproc].maps : g->proc[i].maps;
        unsigned n = is_vm ? g->vm[i - g->nproc].nmaps : g->proc[i].nmaps;
        for (unsigned k = 0; k < n; k++) {
            if (!rng_pct(r, 8))
                continue;
            map_t *m = &maps[k];
            uint64_t oa_mask = mask_bits(48) & ~mask_bits(12 + 9 * (3 - m->level));
            uint64_t d = (rng_u64(r) & ~oa_mask) | (m->desc & oa_mask);
            if (m->level < 3) /* a block stays a block or invalid: never a table of data */
                d &= ~2ull;
            wr(g, m->dpa, d);
            m->desc = d;
        }
    }
}

/* ---- the seed ------------------------------------------------------------------------------ */

void gen_sim_opts(uint64_t seed, sim_opts_t *opts)
{
    rng_t r = {seed * 0x2545f4914f6cdd1dull + 7};
    memset(opts, 0, sizeof *opts);
    opts->seed = seed;
    opts->canwbs = rng_pct(&r, 20);
    opts->timeout_cycles = 200000;
}

void gen_run_seed(env_t *e, uint64_t seed, const gen_opts_t *o)
{
    static gen_t gs;
    gen_t *g = &gs;
    memset(g, 0, sizeof *g);
    g->e = e;
    g->r.s = seed ^ 0x5eed5eed5eed5eedull;
    g->p = e->p;
    g->storm = o->storm;
    if (g->storm)
        env_storm(e);
    g->oas = e->p->pa_bits;
    g->pool_next = POOL_PA;
    rng_t *r = &g->r;
    uint64_t count = o->count ? o->count : 10000;

    env_note(e, "differential seed %" PRIu64 "%s", seed, e->canwbs ? " (run with --canwbs)" : "");
    g->lat_max = 2;
    if (rng_pct(r, 40)) {
        unsigned lo = (unsigned)rng_range(r, 1, 4);
        g->lat_max = lo + (unsigned)rng_below(r, 12);
        env_timing(e, lo, g->lat_max, (unsigned)rng_below(r, 25));
    }
    /* the client: ready back-pressure now and then, write data ahead of the address or not
     * (not recorded: the scenario runner's transactions are one at a time) */
    {
        tm_config_t tc;
        tm_get_config(e->sim, &tc);
        tc.rready_low_pct = rng_pct(r, 20) ? (unsigned)rng_range(r, 1, 30) : 0;
        tc.bready_low_pct = rng_pct(r, 20) ? (unsigned)rng_range(r, 1, 30) : 0;
        tc.w_before_aw = rng_pct(r, 50);
        tm_config(e->sim, &tc);
    }
    g->depth[0] = g->depth[1] = 1;
    g->id_pool = 16;
    g->e2h = rng_pct(r, 50);
    g->recinvsid = rng_pct(r, 70);
    for (unsigned i = 0; i < MAX_DATA; i++) {
        g->data[i] = data_oa(g, g->oas, 0x1000);
        if (rng_pct(r, 4))
            g->data[i] = (1ull << rng_range(r, g->oas, 63)) | (rng_u64(r) & 0xfffff000ull);
    }
    g->ndata = MAX_DATA;

    /* registers: queues, CR1, CR2, stream table base */
    env_queues(e, CMDQ_PA, CMDQ_LOG2 < e->p->cmdqs ? CMDQ_LOG2 : e->p->cmdqs, EVTQ_PA,
               EVTQ_LOG2 < e->p->eventqs ? EVTQ_LOG2 : e->p->eventqs, rng_pct(r, 50),
               rng_pct(r, 50));
    env_reg_write32(e, SMMU_CR1, (uint32_t)(rng_below(r, 4) << 10 | rng_below(r, 4) << 8 |
                                            rng_below(r, 4) << 6 | rng_below(r, 64)));
    env_reg_write32(e, SMMU_CR2, (g->e2h ? SMMU_CR2_E2H_MASK : 0) |
                                     (g->recinvsid ? SMMU_CR2_RECINVSID_MASK : 0));
    strtab_init(g);
    env_reg_write64(e, SMMU_STRTAB_BASE, STRTAB_PA | (rng_pct(r, 50) ? 1ull << 62 : 0));
    uint32_t cfg = g->log2size;
    if (g->two_level)
        cfg |= 1u << SMMU_STRTAB_BASE_CFG_FMT_SHIFT | g->split << SMMU_STRTAB_BASE_CFG_SPLIT_SHIFT;
    env_reg_write32(e, SMMU_STRTAB_BASE_CFG, cfg);
    env_reg_write32(e, SMMU_IRQ_CTRL, (uint32_t)rng_below(r, 8) & 5u);
    env_cr0(e, SMMU_CR0_CMDQEN_MASK | SMMU_CR0_EVENTQEN_MASK);

    /* SMMUEN = 0 first: GBPA abort / bypass */
    gbpa_phase(g, (unsigned)(count / 50 + 10));

    /* the system */
    unsigned nst = (unsigned)(g->storm ? rng_range(r, 14, MAX_STREAM) : rng_range(r, 5, 18));
    for (unsigned i = 0; i < nst; i++) {
        static const int kinds[] = {K_S1, K_S1, K_S1, K_S1, K_S2, K_S2, K_S2, K_NEST, K_NEST,
                                    K_NEST, K_NEST, K_NEST, K_BYPASS, K_BYPASS, K_ABORT};
        stream_new(g, kinds[rng_below(r, sizeof kinds / sizeof kinds[0])]);
    }
    settle_globals(g);
    for (unsigned i = 0; i < g->nst; i++) {
        if (rng_pct(r, g->storm ? 20 : 7))
            break_stream(g, &g->st[i]);
        ste_write(g, &g->st[i]);
    }
    /* a walk that hits an error-injecting range: one table page of a process or a VM */
    if (rng_pct(r, g->storm ? 70 : 25)) {
        if (g->nproc && rng_pct(r, 60)) {
            proc_t *pr = &g->proc[rng_below(r, g->nproc)];
            if (pr->nmaps)
                err_add(g, pr->maps[rng_below(r, pr->nmaps)].dpa & ~0xfffull, 0x1000);
        } else if (g->nvm) {
            vm_t *v = &g->vm[rng_below(r, g->nvm)];
            if (v->nmaps)
                err_add(g, v->maps[rng_below(r, v->nmaps)].dpa & ~0xfffull, 0x1000);
        }
    }
    /* a nested process's stage-1 table page faulting at stage 2 (CLASS = TT) */
    if (rng_pct(r, 35)) {
        for (unsigned i = 0; i < g->nproc; i++) {
            proc_t *pr = &g->proc[i];
            if (pr->vm < 0 || !g->vm[pr->vm].win_pages || !pr->nmaps)
                continue;
            vm_t *v = &g->vm[pr->vm];
            const map_t *tm = &pr->maps[rng_below(r, pr->nmaps)];
            uint64_t tpa = tm->dpa & ~(gsize(tm->gb) - 1); /* the stage-1 table */
            uint64_t ipa = v->win_ipa + (tpa - v->win_pa);
            uint64_t dp = desc_pa(g, &v->tr, ipa, 3);
            if (!dp)
                break;
            uint64_t sd = rd(g, dp);
            switch (rng_below(r, 6)) {
            case 0: sd = 0; break;
            case 1: sd &= ~(1ull << 10); break;
            case 2: sd = (sd & ~(3ull << 6)) | 2ull << 6; break;
            case 3: case 4: sd &= ~2ull; pr->tt_bad = true; break; /* 0b01 at level 3 */
            default: sd = (sd & ~(0xfull << 2)) | (uint64_t)rng_below(r, 4) << 2; break;
            }
            wr(g, dp, sd);
            break;
        }
    }

    /* as Linux at reset: invalidate everything, then enable */
    env_cmd(e, cmd0(CMD_OP_CFGI_STE_RANGE), 31);
    env_cmd(e, cmd0(CMD_OP_TLBI_EL2_ALL), 0);
    env_cmd(e, cmd0(CMD_OP_TLBI_NSNH_ALL), 0);
    env_cmd_sync(e);
    env_cr0(e, SMMU_CR0_CMDQEN_MASK | SMMU_CR0_EVENTQEN_MASK | SMMU_CR0_SMMUEN_MASK);

    if (g->storm)
        garbage_leaves(g);
    unsigned phases = (unsigned)(g->storm ? rng_range(r, 8, 16) : rng_range(r, 4, 10));
    uint64_t per = (count - count / 50) / phases;
    for (unsigned ph = 0; ph < phases && !env_stopped(e); ph++) {
        pick_hot(g);
        traffic_shape(g);
        uint64_t end = e->ntxn + per / 2 + rng_below(r, per + 1);
        while (e->ntxn < end && !env_stopped(e)) {
            one_txn(g);
            if (rng_below(r, 1000) < 2)
                pick_hot(g);
            if (rng_below(r, g->storm ? 300 : 2000) == 0)
                async_noise(g);
            if (rng_below(r, 1000) < (g->storm ? 15u : 3u))
                race(g);
        }
        if (!env_stopped(e))
            mutate(g);
    }
    if (!env_stopped(e)) {
        env_drain_events(e);
        /* and back to SMMUEN = 0 */
        env_cr0(e, SMMU_CR0_CMDQEN_MASK | SMMU_CR0_EVENTQEN_MASK);
        gbpa_phase(g, 10);
        env_drain_events(e);
    }
}
