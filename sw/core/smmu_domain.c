/* Domains, masters, STE/CD construction and the hitless entry update (smmu_domain.h). */
#include "smmu/smmu_domain.h"
#include "smmu/smmu_nested.h"
#include "smmu_internal.h"

#define LO32 0x00000000ffffffffull
#define HI32 0xffffffff00000000ull

/* ---- used bits ----------------------------------------------------------------------- */

/* STE dword-1 fields that override incoming attributes/permissions: they act in bypass
 * and ahead of both stages (IHI 0070 13.5), so any valid non-abort configuration uses
 * them. Conservative on purpose: claiming a bit used that the SMMU ignores only costs a
 * hitless transition, the opposite would break one. */
#define STE1_OVERRIDES                                                                    \
    (STE_MEMATTR_MASK | STE_MTCFG_MASK | STE_ALLOCCFG_MASK | STE_SHCFG_MASK |             \
     STE_NSCFG_MASK | STE_PRIVCFG_MASK | STE_INSTCFG_MASK | STE_MEV_MASK)
#define STE2_S2_ALL                                                                       \
    (STE_S2VMID_MASK | STE_S2T0SZ_MASK | STE_S2SL0_MASK | STE_S2IR0_MASK |                \
     STE_S2OR0_MASK | STE_S2SH0_MASK | STE_S2TG_MASK | STE_S2PS_MASK | STE_S2AA64_MASK |  \
     STE_S2ENDI_MASK | STE_S2AFFD_MASK | STE_S2PTW_MASK | STE_S2HD_MASK | STE_S2HA_MASK | \
     STE_S2S_MASK | STE_S2R_MASK)

void smmu_ste_used(const uint64_t ste[8], uint64_t used[8])
{
    unsigned i, cfg;

    for (i = 0; i < 8u; i++)
        used[i] = 0;
    used[0] = STE_V_MASK;
    if (!(ste[0] & STE_V_MASK))
        return; /* V = 0: nothing else is looked at (C_BAD_STE) */
    used[0] |= STE_CONFIG_MASK;
    cfg = (unsigned)DW_GET(STE, CONFIG, ste);
    if (!(cfg & 4u))
        return; /* abort: nothing else matters */
    used[1] |= STE1_OVERRIDES;
    if (cfg & 1u) {
        /* Stage 1: the CD pointer and its fetch attributes. SubstreamID fields and
         * S1STALLD are checked or ignored depending on IDR bits; claim them used. */
        used[0] |= STE_S1FMT_MASK | STE_S1CONTEXTPTR_MASK | STE_S1CDMAX_MASK;
        used[1] |= STE_S1DSS_MASK | STE_S1CIR_MASK | STE_S1COR_MASK | STE_S1CSH_MASK |
                   STE_S1STALLD_MASK;
        if (cfg == STE_CFG_S1)
            used[1] |= STE_STRW_MASK;
        /* S2VMID tags NS-EL1 stage-1-only translations when IDR0.S2P = 1 (IHI 0070 5.2). */
        used[2] |= STE_S2VMID_MASK;
    }
    if (cfg & 2u) {
        used[1] |= STE_S2FWB_MASK;
        used[2] |= STE2_S2_ALL;
        used[3] |= STE_S2TTB_MASK;
    }
}

void smmu_cd_used(const uint64_t cd[8], uint64_t used[8])
{
    unsigned i;

    for (i = 0; i < 8u; i++)
        used[i] = 0;
    used[0] = CD_V_MASK;
    if (!(cd[0] & CD_V_MASK))
        return;
    used[0] = ~0ull;
    used[1] = CD_HAD0_MASK | CD_E0PD0_MASK | CD_TTB0_MASK;
    if (!(cd[0] & CD_EPD1_MASK))
        used[2] = CD_HAD1_MASK | CD_TTB1_MASK;
    used[3] = ~0ull; /* MAIR */
    used[4] = ~0ull; /* AMAIR: IMPLEMENTATION DEFINED, assume it matters */
}

bool smmu_entry_equivalent(void (*used)(const uint64_t *, uint64_t *), const uint64_t a[8],
                           const uint64_t b[8])
{
    uint64_t ua[8], ub[8];
    unsigned i;

    used(a, ua);
    used(b, ub);
    for (i = 0; i < 8u; i++)
        if (ua[i] != ub[i] || ((a[i] ^ b[i]) & ua[i]))
            return false;
    return true;
}

/* ---- the update engine ---------------------------------------------------------------- */

static void copy8(uint64_t *dst, const uint64_t *src)
{
    unsigned i;

    for (i = 0; i < 8u; i++)
        dst[i] = src[i];
}

static void observe(smmu_entry_writer_t *w, const uint64_t *entry)
{
    if (w->observe)
        w->observe(w, entry);
}

/* One dword; on a split64 CPU as two 32-bit stores in the given order. */
static void store_dw(smmu_entry_writer_t *w, uint64_t *entry, unsigned i, uint64_t val,
                     bool hi_first)
{
    volatile uint32_t *h = (volatile uint32_t *)(void *)&entry[i];
    uint32_t lo = (uint32_t)val, hi = (uint32_t)(val >> 32);

    if (!w->split64) {
        *(volatile uint64_t *)&entry[i] = val;
        observe(w, entry);
        return;
    }
    if (hi_first && h[1] != hi) {
        h[1] = hi;
        observe(w, entry);
    }
    if (h[0] != lo) {
        h[0] = lo;
        observe(w, entry);
    }
    if (h[1] != hi) {
        h[1] = hi;
        observe(w, entry);
    }
}

/* Write dwords [first, first + n) of src, then sync if anything changed. */
static int entry_set(smmu_entry_writer_t *w, uint64_t *entry, const uint64_t *src,
                     unsigned first, unsigned n, bool hi_first)
{
    bool changed = false;
    unsigned i;

    for (i = first; i < first + n; i++) {
        if (entry[i] == src[i])
            continue;
        store_dw(w, entry, i, src[i], hi_first);
        changed = true;
    }
    if (!changed)
        return 0;
    w->syncs++;
    return w->sync(w);
}

/* Can dword `crit` go from before[crit] to after[crit] as two 32-bit stores in this
 * order without an intermediate that is neither configuration? */
static bool split_order_ok(smmu_entry_writer_t *w, const uint64_t *before,
                           const uint64_t *after, unsigned crit, bool hi_first)
{
    uint64_t mid[8];

    copy8(mid, before);
    mid[crit] = hi_first ? (after[crit] & HI32) | (before[crit] & LO32)
                         : (before[crit] & HI32) | (after[crit] & LO32);
    return smmu_entry_equivalent(w->used, mid, before) ||
           smmu_entry_equivalent(w->used, mid, after);
}

int smmu_entry_write(smmu_entry_writer_t *w, uint64_t *entry, const uint64_t target[8])
{
    uint64_t cur[8], cur_used[8], tgt_used[8], unused_update[8], after[8];
    unsigned i, ndiff = 0, crit = 0;
    int ret;

    w->syncs = 0;
    w->hitless = true;
    for (i = 0; i < 8u; i++)
        cur[i] = *(volatile uint64_t *)&entry[i];
    w->used(cur, cur_used);
    w->used(target, tgt_used);
    for (i = 0; i < 8u; i++) {
        /* Bits the current configuration ignores may take their new values now. */
        unused_update[i] = (cur[i] & cur_used[i]) | (target[i] & ~cur_used[i]);
        if ((unused_update[i] & tgt_used[i]) != (target[i] & tgt_used[i])) {
            ndiff++;
            crit = i;
        }
    }

    if (ndiff == 1u) {
        bool hi_first = false, ok = true;
        unused_update[crit] = cur[crit];
        if (w->split64) {
            copy8(after, unused_update);
            after[crit] = target[crit];
            hi_first = split_order_ok(w, unused_update, after, crit, true);
            ok = hi_first || split_order_ok(w, unused_update, after, crit, false);
        }
        if (ok) {
            ret = entry_set(w, entry, unused_update, 0, 8, false);
            if (ret == 0)
                ret = entry_set(w, entry, target, crit, 1, hi_first);
            if (ret == 0)
                ret = entry_set(w, entry, target, 0, 8, false);
            return ret;
        }
        /* No tear-free order for the critical dword: break instead. */
    } else if (ndiff == 0u) {
        return entry_set(w, entry, target, 0, 8, false);
    }

    /* Breaking update: V = 0 first (low half first: V is bit 0), the rest, then dword
     * 0 with its low half (V) last. */
    w->hitless = false;
    unused_update[0] = 0;
    ret = entry_set(w, entry, unused_update, 0, 1, false);
    if (ret == 0)
        ret = entry_set(w, entry, target, 1, 7, false);
    if (ret == 0)
        ret = entry_set(w, entry, target, 0, 1, true);
    return ret;
}

/* ---- entries ------------------------------------------------------------------------------ */

static void zero8(uint64_t *e)
{
    unsigned i;

    for (i = 0; i < 8u; i++)
        e[i] = 0;
}

void smmu_make_abort_ste(uint64_t ste[8])
{
    zero8(ste);
    DW_SET(STE, V, ste, 1u);
    DW_SET(STE, CONFIG, ste, STE_CFG_ABORT);
}

/* SHCFG = 0b01 (use the incoming shareability) where the field exists; 0 would force
 * Non-shareable (IHI 0070 5.2). RES0 without ATTR_TYPES_OVR. */
static void ste_shcfg(const smmu_t *smmu, uint64_t *ste)
{
    if (smmu->feat.attr_types_ovr)
        DW_SET(STE, SHCFG, ste, 1u);
}

void smmu_make_bypass_ste(const smmu_t *smmu, uint64_t ste[8])
{
    zero8(ste);
    DW_SET(STE, V, ste, 1u);
    DW_SET(STE, CONFIG, ste, STE_CFG_BYPASS);
    ste_shcfg(smmu, ste);
}

void smmu_make_s1_ste(const smmu_t *smmu, uint64_t ste[8], uint64_t cd_pa)
{
    bool coh = smmu->coherent;

    zero8(ste);
    DW_SET(STE, V, ste, 1u);
    DW_SET(STE, CONFIG, ste, STE_CFG_S1);
    ste[0] |= cd_pa & STE_S1CONTEXTPTR_MASK;
    /* CD fetch: WB read-allocate inner-shareable when the SMMU is coherent. */
    DW_SET(STE, S1CIR, ste, coh ? 1u : 0u);
    DW_SET(STE, S1COR, ste, coh ? 1u : 0u);
    DW_SET(STE, S1CSH, ste, coh ? 3u : 2u);
    ste_shcfg(smmu, ste);
    /* STRW = NS-EL1, S2VMID = 0. */
}

void smmu_make_s2_ste(const smmu_domain_t *d, uint64_t ste[8])
{
    const smmu_t *smmu = d->smmu;
    bool coh = d->coherent_walk;

    zero8(ste);
    DW_SET(STE, V, ste, 1u);
    DW_SET(STE, CONFIG, ste, STE_CFG_S2);
    ste_shcfg(smmu, ste);
    if (d->fwb)
        DW_SET(STE, S2FWB, ste, 1u);
    DW_SET(STE, S2VMID, ste, d->vmid);
    DW_SET(STE, S2T0SZ, ste, smmu_pgtable_tsz(&d->pgt));
    DW_SET(STE, S2SL0, ste, smmu_pgtable_sl0(&d->pgt));
    DW_SET(STE, S2IR0, ste, coh ? 1u : 0u);
    DW_SET(STE, S2OR0, ste, coh ? 1u : 0u);
    DW_SET(STE, S2SH0, ste, coh ? 3u : 2u);
    DW_SET(STE, S2TG, ste, 0u);
    DW_SET(STE, S2PS, ste, smmu_pgtable_ps(&d->pgt));
    DW_SET(STE, S2AA64, ste, 1u);
    DW_SET(STE, S2R, ste, 1u);
    if (d->nest_parent)
        DW_SET(STE, S2PTW, ste, 1u);
    ste[3] = d->pgt.root_pa & STE_S2TTB_MASK;
}

void smmu_make_domain_ste(const smmu_domain_t *d, uint64_t ste[8])
{
    switch (d->type) {
    case SMMU_DOMAIN_IDENTITY: smmu_make_bypass_ste(d->smmu, ste); break;
    case SMMU_DOMAIN_S1: smmu_make_s1_ste(d->smmu, ste, d->cd.pa); break;
    case SMMU_DOMAIN_S2: smmu_make_s2_ste(d, ste); break;
    case SMMU_DOMAIN_NESTED: smmu_make_nested_ste(d, ste); break;
    default: smmu_make_abort_ste(ste); break;
    }
}

void smmu_make_cd(const smmu_domain_t *d, uint64_t cd[8])
{
    bool coh = d->coherent_walk;

    zero8(cd);
    DW_SET(CD, T0SZ, cd, smmu_pgtable_tsz(&d->pgt));
    DW_SET(CD, TG0, cd, 0u);
    DW_SET(CD, IR0, cd, coh ? 1u : 0u);
    DW_SET(CD, OR0, cd, coh ? 1u : 0u);
    DW_SET(CD, SH0, cd, coh ? 3u : 2u);
    DW_SET(CD, EPD1, cd, 1u);
    DW_SET(CD, V, cd, 1u);
    DW_SET(CD, IPS, cd, smmu_pgtable_ps(&d->pgt));
    DW_SET(CD, AA64, cd, 1u);
    DW_SET(CD, R, cd, 1u);
    DW_SET(CD, A, cd, 1u);
    DW_SET(CD, ASID, cd, d->asid);
    cd[1] = d->pgt.root_pa & CD_TTB0_MASK;
    cd[3] = SMMU_MAIR_VALUE;
}

/* ---- stream table ---------------------------------------------------------------------- */

uint64_t *smmu_ste_ptr(smmu_t *smmu, uint32_t sid)
{
    uint64_t **l2;
    uint32_t l1;

    if (!smmu || !smmu->initialised || shr64(sid, smmu->strtab_log2))
        return 0;
    if (!smmu->strtab_2lvl)
        return (uint64_t *)smmu->strtab.cpu + (size_t)sid * STE_DWORDS;
    if (!smmu->l2_ptrs.cpu)
        return 0;
    l2 = (uint64_t **)smmu->l2_ptrs.cpu;
    l1 = sid >> smmu->strtab_split;
    if (!l2[l1])
        return 0;
    return l2[l1] + (size_t)(sid & ((1u << smmu->strtab_split) - 1u)) * STE_DWORDS;
}

static int l2_alloc(smmu_t *smmu, uint32_t sid)
{
    const smmu_hal_t *hal = smmu->hal;
    size_t size = ((size_t)1 << smmu->strtab_split) * STE_BYTES, i;
    uint32_t l1 = sid >> smmu->strtab_split;
    uint64_t *ste, desc, pa = 0;
    volatile uint32_t *w;
    void *cpu = 0;
    smmu_cmd_t cmd[1];
    int ret;

    if (!smmu->strtab_2lvl || shr64(sid, smmu->strtab_log2))
        return SMMU_EINVAL;
    if (!smmu->l2_ptrs.cpu) {
        size_t n = (size_t)smmu->l1_count * sizeof(void *);
        ret = hal->dma_alloc(hal->ctx, n, sizeof(void *), &cpu, &pa);
        if (ret < 0 || !cpu)
            return ret < 0 ? ret : SMMU_ENOMEM;
        smmu->l2_ptrs.cpu = cpu;
        smmu->l2_ptrs.pa = pa;
        smmu->l2_ptrs.size = n;
    }
    ret = hal->dma_alloc(hal->ctx, size, size, &cpu, &pa);
    if (ret < 0 || !cpu)
        return ret < 0 ? ret : SMMU_ENOMEM;
    if ((pa & (size - 1u)) || shr64(pa, smmu->feat.oas_bits)) {
        hal->dma_free(hal->ctx, cpu, pa, size);
        return SMMU_ENOMEM;
    }
    ste = (uint64_t *)cpu;
    for (i = 0; i < ((size_t)1 << smmu->strtab_split); i++)
        smmu_make_abort_ste(ste + i * STE_DWORDS);
    /* The level-2 table is complete before the descriptor that publishes it. */
    hal->wmb(hal->ctx);
    desc = (pa & L1STD_L2PTR_MASK) | ((uint64_t)(smmu->strtab_split + 1u) << L1STD_SPAN_SHIFT);
    w = (volatile uint32_t *)(void *)((uint64_t *)smmu->strtab.cpu + l1);
    if (smmu->split64) {
        /* SPAN (low half) last: the descriptor is invalid until it is complete. */
        w[1] = (uint32_t)(desc >> 32);
        w[0] = (uint32_t)desc;
    } else {
        *(volatile uint64_t *)((uint64_t *)smmu->strtab.cpu + l1) = desc;
    }
    ((void **)smmu->l2_ptrs.cpu)[l1] = cpu;
    hal->wmb(hal->ctx);
    /* Nothing of the range can be cached (it was invalid), but be exact anyway. */
    ret = smmu_cmd_cfgi_ste_range(cmd, l1 << smmu->strtab_split, smmu->strtab_split - 1u);
    if (ret == 0)
        ret = smmu_cmdq_submit(smmu, cmd, 1, true, SMMU_CS_NONE);
    return ret;
}

/* ---- masters ---------------------------------------------------------------------------- */

static int ste_sync(smmu_entry_writer_t *w)
{
    smmu_master_t *m = (smmu_master_t *)w->ctx;
    smmu_t *smmu = m->smmu;
    smmu_cmd_t cmd;
    int ret;

    smmu->hal->wmb(smmu->hal->ctx);
    smmu_cmd_cfgi_ste(&cmd, m->sid, true);
    ret = smmu_cmdq_submit(smmu, &cmd, 1, true, SMMU_CS_NONE);
    if (ret == 0 && smmu->entry_hook)
        smmu->entry_hook(smmu->entry_hook_arg, smmu_ste_ptr(smmu, m->sid), true);
    return ret;
}

static void ste_observe(smmu_entry_writer_t *w, const uint64_t *entry)
{
    smmu_master_t *m = (smmu_master_t *)w->ctx;

    if (m->smmu->entry_hook)
        m->smmu->entry_hook(m->smmu->entry_hook_arg, entry, false);
}

/* Take m off its SMMU's list if it is on it (m's own fields may be garbage: only the
 * list's pointers are followed). */
static void master_unlink(smmu_t *smmu, const smmu_master_t *m)
{
    smmu_master_t **pp;

    for (pp = &smmu->masters; *pp; pp = &(*pp)->next)
        if (*pp == m) {
            *pp = m->next;
            return;
        }
}

smmu_master_t *smmu_find_master(smmu_t *smmu, uint32_t sid)
{
    smmu_master_t *m;

    if (!smmu)
        return 0;
    for (m = smmu->masters; m; m = m->next)
        if (m->sid == sid)
            return m;
    return 0;
}

int smmu_master_init_fw(smmu_master_t *m, smmu_t *smmu, uint32_t sid, unsigned fw_flags)
{
    smmu_master_t *other;

    if (!m || !smmu || !smmu->initialised || shr64(sid, smmu->strtab_log2) ||
        (fw_flags & ~(SMMU_MASTER_DMA_COHERENT | SMMU_MASTER_CANWBS)))
        return SMMU_EINVAL;
    /* A listed master in use stays as it is (detach / unbind first): forgetting its
     * domain or vIOMMU here would leave a live STE and stale counts behind (a domain
     * that could never be freed, a CANWBS promise broken by new firmware flags). Only a
     * listed master's fields are trusted. */
    for (other = smmu->masters; other; other = other->next)
        if (other == m && (m->viommu || m->domain))
            return SMMU_EBUSY;
    master_unlink(smmu, m);
    other = smmu_find_master(smmu, sid);
    if (other)
        return SMMU_EEXIST;
    m->smmu = smmu;
    m->sid = sid;
    m->fw_flags = fw_flags;
    m->domain = 0;
    m->last_syncs = 0;
    m->last_hitless = true;
    m->viommu = 0;
    m->vsid = 0;
    m->next = smmu->masters;
    smmu->masters = m;
    return 0;
}

int smmu_master_init(smmu_master_t *m, smmu_t *smmu, uint32_t sid)
{
    return smmu_master_init_fw(m, smmu, sid, 0u);
}

int smmu_master_fini(smmu_master_t *m)
{
    int ret = 0;

    if (!m || !m->smmu)
        return SMMU_EINVAL;
    if (m->viommu)
        return SMMU_EBUSY;
    if (m->domain)
        ret = smmu_detach(m);
    if (ret == 0) {
        master_unlink(m->smmu, m);
        m->smmu = 0;
    }
    return ret;
}

bool smmu_master_capable(const smmu_master_t *m, unsigned cap)
{
    if (!m || !m->smmu)
        return false;
    switch (cap) {
    case SMMU_CAP_CACHE_COHERENCY:
        /* A coherent master behind a non-coherent SMMU integration is not coherent:
         * its traffic leaves through the same port as the SMMU's own. */
        return (m->fw_flags & SMMU_MASTER_CANWBS) ||
               ((m->fw_flags & SMMU_MASTER_DMA_COHERENT) && m->smmu->coherent);
    case SMMU_CAP_ENFORCE_CACHE_COHERENCY:
        return (m->fw_flags & SMMU_MASTER_CANWBS) != 0u;
    default:
        return false;
    }
}

static int master_write(smmu_master_t *m, const uint64_t target[8])
{
    smmu_entry_writer_t w;
    uint64_t *ste = smmu_ste_ptr(m->smmu, m->sid);
    int ret;

    if (!ste) {
        ret = l2_alloc(m->smmu, m->sid);
        if (ret)
            return ret;
        ste = smmu_ste_ptr(m->smmu, m->sid);
        if (!ste)
            return SMMU_EINVAL;
    }
    w.used = smmu_ste_used;
    w.sync = ste_sync;
    w.observe = ste_observe;
    w.split64 = m->smmu->split64;
    w.ctx = m;
    ret = smmu_entry_write(&w, ste, target);
    m->last_syncs = w.syncs;
    m->last_hitless = w.hitless;
    return ret;
}

/* The domain whose cache-coherency promise covers a master attached to d: a nested
 * domain's masters translate through its parent's stage 2, so the parent's (Linux too
 * keeps them on the parent's list). */
static const smmu_domain_t *cc_domain(const smmu_domain_t *d)
{
    return d->type == SMMU_DOMAIN_NESTED && d->viommu ? d->viommu->parent : d;
}

int smmu_attach(smmu_master_t *m, smmu_domain_t *d)
{
    uint64_t target[8];
    int ret;

    if (!m || !m->smmu || !d || d->smmu != m->smmu)
        return SMMU_EINVAL;
    /* A guest's domain serves only the devices the guest was given. */
    if (d->type == SMMU_DOMAIN_NESTED && (!d->viommu || m->viommu != d->viommu))
        return SMMU_EINVAL;
    if (cc_domain(d)->enforce_cc && !(m->fw_flags & SMMU_MASTER_CANWBS))
        return SMMU_ENOTSUP;
    smmu_make_domain_ste(d, target);
    ret = master_write(m, target);
    if (ret)
        return ret;
    if (m->domain)
        m->domain->attached--;
    m->domain = d;
    d->attached++;
    return 0;
}

int smmu_detach(smmu_master_t *m)
{
    uint64_t target[8];
    int ret;

    if (!m || !m->smmu)
        return SMMU_EINVAL;
    smmu_make_abort_ste(target);
    ret = master_write(m, target);
    if (ret)
        return ret;
    if (m->domain)
        m->domain->attached--;
    m->domain = 0;
    return 0;
}

/* ---- domains ------------------------------------------------------------------------------ */

static int id_alloc(uint32_t *map)
{
    unsigned i;

    for (i = 1; i < SMMU_MAX_IDS; i++)
        if (!((map[i / 32u] >> (i % 32u)) & 1u)) {
            map[i / 32u] |= 1u << (i % 32u);
            return (int)i;
        }
    return SMMU_ENOSPC;
}

static void id_free(uint32_t *map, unsigned id)
{
    if (id && id < SMMU_MAX_IDS)
        map[id / 32u] &= ~(1u << (id % 32u));
}

int smmu_domain_init(smmu_domain_t *d, smmu_t *smmu, unsigned type, const smmu_domain_cfg_t *cfg)
{
    smmu_domain_cfg_t c;
    smmu_pgtable_cfg_t pc;
    unsigned oas;
    int ret, id;

    if (!d)
        return SMMU_EINVAL;
    smmu_bzero(d, sizeof *d);
    if (!smmu || !smmu->initialised || type > SMMU_DOMAIN_S2)
        return SMMU_EINVAL; /* nested domains: smmu_nested_domain_init */
    if (cfg)
        smmu_bcopy(&c, cfg, sizeof c);
    else
        smmu_bzero(&c, sizeof c);
    d->smmu = smmu;
    d->type = type;
    d->coherent_walk = smmu->coherent;
    if (type == SMMU_DOMAIN_BLOCKED || type == SMMU_DOMAIN_IDENTITY)
        return 0;

    oas = smmu->feat.oas_bits < 48u ? smmu->feat.oas_bits : 48u;
    smmu_bzero(&pc, sizeof pc);
    pc.oas = oas;
    pc.bbml2 = smmu->feat.bbml >= 2u;
    pc.split64 = smmu->split64;
    if (type == SMMU_DOMAIN_S1) {
        if (!smmu->feat.s1p)
            return SMMU_ENOTSUP;
        pc.stage = 1;
        pc.ias = c.ias ? c.ias : 48u;
        id = id_alloc(smmu->asid_map);
        if (id < 0)
            return id;
        d->asid = (uint16_t)id;
    } else {
        if (!smmu->feat.s2p)
            return SMMU_ENOTSUP;
        pc.stage = 2;
        pc.ias = c.ias ? c.ias : oas;
        if (pc.ias > oas)
            return SMMU_EINVAL; /* IAS = OAS on this SMMU (Arm ARM D8.2-D8.4) */
        /* S2FWB only on a coherent SMMU (as Linux): forcing write-back on a
         * non-coherent integration would make the master's DMA cacheable where nothing
         * snoops it. */
        d->fwb = !c.no_fwb && smmu->feat.fwb && smmu->coherent;
        d->nest_parent = c.nest_parent;
        pc.fwb = d->fwb;
        pc.concat = !c.no_concat;
        id = id_alloc(smmu->vmid_map);
        if (id < 0)
            return id;
        d->vmid = (uint16_t)id;
    }
    ret = smmu_pgtable_init(&d->pgt, smmu->hal, &pc);
    if (ret == 0 && type == SMMU_DOMAIN_S1) {
        void *cpu = 0;
        uint64_t pa = 0, cd[8];
        ret = smmu->hal->dma_alloc(smmu->hal->ctx, CD_BYTES, CD_BYTES, &cpu, &pa);
        if (ret == 0 && (!cpu || shr64(pa, smmu->feat.oas_bits))) {
            smmu->hal->dma_free(smmu->hal->ctx, cpu, pa, CD_BYTES);
            ret = SMMU_ENOMEM;
        }
        if (ret == 0) {
            d->cd.cpu = cpu;
            d->cd.pa = pa;
            d->cd.size = CD_BYTES;
            /* No STE points at it yet: a plain write, published by the STE update's
             * barrier. */
            smmu_make_cd(d, cd);
            smmu_bcopy(cpu, cd, sizeof cd);
            smmu->hal->wmb(smmu->hal->ctx);
        } else {
            smmu_pgtable_free(&d->pgt);
        }
    }
    if (ret) {
        if (type == SMMU_DOMAIN_S1)
            id_free(smmu->asid_map, d->asid);
        else
            id_free(smmu->vmid_map, d->vmid);
        d->smmu = 0;
    }
    return ret;
}

int smmu_domain_free(smmu_domain_t *d)
{
    smmu_t *smmu;
    smmu_cmd_t cmd;
    int ret = 0;

    if (!d || !d->smmu)
        return SMMU_EINVAL;
    if (d->attached)
        return SMMU_EBUSY;
    smmu = d->smmu;
    if (d->type == SMMU_DOMAIN_S1) {
        smmu_cmd_tlbi_nh_asid(&cmd, 0, d->asid);
        ret = smmu_cmdq_submit(smmu, &cmd, 1, true, SMMU_CS_NONE);
        smmu_pgtable_free(&d->pgt);
        if (d->cd.cpu)
            smmu->hal->dma_free(smmu->hal->ctx, d->cd.cpu, d->cd.pa, d->cd.size);
        id_free(smmu->asid_map, d->asid);
    } else if (d->type == SMMU_DOMAIN_S2) {
        if (d->viommu)
            return SMMU_EBUSY; /* its vIOMMU goes first */
        smmu_cmd_tlbi_s12_vmall(&cmd, d->vmid);
        ret = smmu_cmdq_submit(smmu, &cmd, 1, true, SMMU_CS_NONE);
        smmu_pgtable_free(&d->pgt);
        id_free(smmu->vmid_map, d->vmid);
    } else if (d->type == SMMU_DOMAIN_NESTED && d->viommu) {
        /* The guest's TLB entries are the guest's to invalidate (through the vIOMMU);
         * the domain itself owns no memory. */
        d->viommu->nested--;
    }
    d->smmu = 0;
    return ret;
}

static bool paging(const smmu_domain_t *d)
{
    return d && d->smmu && (d->type == SMMU_DOMAIN_S1 || d->type == SMMU_DOMAIN_S2);
}

/* Add one command to the batch, submitting (no sync) when it is full. */
static int batch_put(smmu_domain_t *d, smmu_batch_t *b, const smmu_cmd_t *c)
{
    int ret;

    if (b->n == SMMU_BATCH_MAX) {
        ret = smmu_batch_submit(d->smmu, b, false, SMMU_CS_NONE);
        if (ret)
            return ret;
    }
    d->stats.tlbi_cmds++;
    return smmu_batch_add(b, c);
}

static int tlbi_addr_cmd(const smmu_domain_t *d, smmu_cmd_t *c, uint64_t addr, bool leaf,
                         const smmu_tlbi_range_t *r)
{
    if (d->type == SMMU_DOMAIN_S1)
        return smmu_cmd_tlbi_nh_va(c, 0, d->asid, addr, leaf, r);
    return smmu_cmd_tlbi_s2_ipa(c, d->vmid, addr, leaf, r);
}

int smmu_domain_flush(void *cookie, smmu_gather_t *g)
{
    smmu_domain_t *d = (smmu_domain_t *)cookie;
    smmu_batch_t b;
    smmu_cmd_t c;
    uint64_t addr = g->start, pages = shr64(g->end - g->start, 12);
    int ret = 0;

    if (!paging(d))
        return SMMU_EINVAL;
    smmu_batch_init(&b);
    if (g->start == g->end && g->nfreed == 0u)
        return 0;
    if (pages && d->smmu->feat.ril) {
        while (pages && ret == 0) {
            smmu_tlbi_range_t r;
            uint64_t n = smmu_tlbi_range_chunk(pages, 1, &r);
            ret = tlbi_addr_cmd(d, &c, addr, g->leaf, &r);
            if (ret == 0)
                ret = batch_put(d, &b, &c);
            addr += shl64(n, 12);
            pages -= n;
        }
    } else if (pages && pages <= SMMU_TLBI_MAX_PAGES) {
        for (; pages && ret == 0; pages--, addr += SMMU_PAGE_SIZE) {
            ret = tlbi_addr_cmd(d, &c, addr, g->leaf, 0);
            if (ret == 0)
                ret = batch_put(d, &b, &c);
        }
    } else {
        if (d->type == SMMU_DOMAIN_S1)
            smmu_cmd_tlbi_nh_asid(&c, 0, d->asid);
        else
            smmu_cmd_tlbi_s12_vmall(&c, d->vmid);
        ret = batch_put(d, &b, &c);
    }
    if (ret == 0 && d->type == SMMU_DOMAIN_S2 && d->nest_parent) {
        /* TLBI_S2_IPA need not hit combined stage 1+2 entries (IHI 0070 4.4). */
        smmu_cmd_tlbi_nh_all(&c, d->vmid);
        ret = batch_put(d, &b, &c);
    }
    if (ret == 0)
        ret = smmu_batch_submit(d->smmu, &b, true, SMMU_CS_NONE);
    d->stats.flushes++;
    if (ret) {
        /* The SMMU may still walk the freed tables: leak them rather than reuse. */
        g->nfreed = 0;
        smmu_gather_release(g);
        return ret;
    }
    d->stats.syncs++;
    smmu_gather_release(g);
    return 0;
}

int smmu_domain_map(smmu_domain_t *d, uint64_t iova, uint64_t pa, uint64_t size,
                    unsigned prot, unsigned kind)
{
    smmu_gather_t g;
    int ret, r2;

    if (!paging(d))
        return SMMU_EINVAL;
    smmu_gather_init(&g, smmu_domain_flush, d);
    ret = smmu_pgtable_map(&d->pgt, iova, pa, size, prot, kind, &g);
    if (ret && (g.start != g.end || g.nfreed)) {
        r2 = smmu_domain_flush(d, &g);
        (void)r2;
    }
    return ret;
}

int64_t smmu_domain_unmap(smmu_domain_t *d, uint64_t iova, uint64_t size)
{
    smmu_gather_t g;
    int64_t n;
    int ret = 0;

    if (!paging(d))
        return SMMU_EINVAL;
    smmu_gather_init(&g, smmu_domain_flush, d);
    n = smmu_pgtable_unmap(&d->pgt, iova, size, &g);
    if (g.start != g.end || g.nfreed)
        ret = smmu_domain_flush(d, &g);
    if (n < 0)
        return n;
    return ret ? ret : n;
}

int smmu_domain_iova_to_phys(const smmu_domain_t *d, uint64_t iova, uint64_t *pa)
{
    if (!d || !d->smmu || !pa)
        return SMMU_EINVAL;
    if (d->type == SMMU_DOMAIN_IDENTITY) {
        *pa = iova;
        return 0;
    }
    if (!paging(d))
        return SMMU_ENOENT;
    return smmu_pgtable_iova_to_phys(&d->pgt, iova, pa, 0, 0);
}

/* ---- cache coherency and events ------------------------------------------------------- */

int smmu_domain_enforce_cache_coherency(smmu_domain_t *d)
{
    smmu_master_t *m;

    if (!paging(d))
        return SMMU_EINVAL;
    for (m = d->smmu->masters; m; m = m->next)
        if (m->domain && cc_domain(m->domain) == d && !(m->fw_flags & SMMU_MASTER_CANWBS))
            return SMMU_ENOTSUP;
    d->enforce_cc = true;
    return 0;
}

void smmu_domain_set_fault_handler(smmu_domain_t *d, smmu_event_cb_t cb, void *arg)
{
    if (!d)
        return;
    d->fault_cb = cb;
    d->fault_arg = arg;
}

void smmu_set_event_handler(smmu_t *smmu, smmu_event_cb_t cb, void *arg)
{
    if (!smmu)
        return;
    smmu->event_cb = cb;
    smmu->event_arg = arg;
}

static void route_event(void *arg, const smmu_event_t *ev)
{
    smmu_t *smmu = (smmu_t *)arg;
    smmu_master_t *m = smmu_find_master(smmu, (uint32_t)DW_GET(EVT, SID, ev->dw));
    smmu_domain_t *d = m ? m->domain : 0;
    char line[SMMU_LINE];

    if (d && d->type == SMMU_DOMAIN_NESTED) {
        /* The stream table is the host's: an STE fetch abort is not the guest's. */
        if (!DW_GET(EVT, S2, ev->dw) && DW_GET(EVT, TYPE, ev->dw) != EVT_F_STE_FETCH &&
            smmu_viommu_report(d->viommu, m, ev))
            return;
        /* Stage-2 faults are the host's: the parent's handler. */
        d = d->viommu ? d->viommu->parent : 0;
    }
    if (d && d->fault_cb) {
        d->fault_cb(d->fault_arg, ev);
    } else if (smmu->event_cb) {
        smmu->event_cb(smmu->event_arg, ev);
    } else {
        smmu_event_decode(ev, line, sizeof line);
        smmu_log(smmu, SMMU_LOG_WARN, line);
    }
}

int smmu_evtq_dispatch(smmu_t *smmu, unsigned max)
{
    if (!smmu || !smmu->initialised)
        return SMMU_EINVAL;
    return smmu_evtq_drain(smmu, route_event, smmu, max);
}
