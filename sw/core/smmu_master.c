/* Masters: one StreamID each, their CD tables, attach/detach with hitless STE and CD
 * updates, and the event-queue drain when a master changes owner (smmu_domain.h). */
#include "smmu/smmu_domain.h"
#include "smmu/smmu_nested.h"
#include "smmu_internal.h"

bool smmu_master_listed(const smmu_t *smmu, const smmu_master_t *m)
{
    const smmu_master_t *p;

    for (p = smmu ? smmu->masters : 0; p; p = p->next)
        if (p == m)
            return true;
    return false;
}

/* Take m off its SMMU's list (only the list's pointers are followed). */
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

static bool master_live(const smmu_master_t *m)
{
    return m && m->smmu && smmu_master_listed(m->smmu, m);
}

int smmu_master_init_fw(smmu_master_t *m, smmu_t *smmu, uint32_t sid, unsigned fw_flags)
{
    smmu_master_t *other;
    bool live;

    if (!m)
        return SMMU_EINVAL;
    /* A live master (on the list) is never touched by a refused init: forgetting its
     * domain, CD table or vIOMMU would leave a live STE and stale counts behind. Only
     * the list's pointers are trusted, never m's own fields. */
    live = smmu && smmu_master_listed(smmu, m);
    if (!smmu || !smmu->initialised || shr64(sid, smmu->strtab_log2) ||
        (fw_flags & ~(SMMU_MASTER_DMA_COHERENT | SMMU_MASTER_CANWBS))) {
        if (!live)
            smmu_bzero(m, sizeof *m);
        return SMMU_EINVAL;
    }
    other = smmu_find_master(smmu, sid);
    if (other && other != m) {
        if (!live)
            smmu_bzero(m, sizeof *m);
        return SMMU_EEXIST;
    }
    if (live)
        return SMMU_EBUSY;
    smmu_bzero(m, sizeof *m);
    m->smmu = smmu;
    m->sid = sid;
    m->fw_flags = fw_flags;
    m->last_hitless = true;
    m->next = smmu->masters;
    smmu->masters = m;
    return 0;
}

int smmu_master_init(smmu_master_t *m, smmu_t *smmu, uint32_t sid)
{
    return smmu_master_init_fw(m, smmu, sid, 0u);
}

bool smmu_master_capable(const smmu_master_t *m, unsigned cap)
{
    if (!master_live(m))
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

unsigned smmu_master_last_syncs(const smmu_master_t *m)
{
    return m && m->smmu ? m->last_syncs : 0u;
}

bool smmu_master_last_hitless(const smmu_master_t *m)
{
    return m && m->smmu && m->last_hitless;
}

const uint64_t *smmu_master_cd(const smmu_master_t *m, uint32_t ssid)
{
    if (!m || !m->smmu || !m->cdtab.cpu || shr64(ssid, m->cd_log2))
        return 0;
    return (const uint64_t *)m->cdtab.cpu + (size_t)ssid * CD_DWORDS;
}

/* ---- STE and CD writers ---------------------------------------------------------------- */

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

static int cd_sync(smmu_entry_writer_t *w)
{
    smmu_master_t *m = (smmu_master_t *)w->ctx;
    smmu_t *smmu = m->smmu;
    smmu_cmd_t cmd;
    int ret;

    smmu->hal->wmb(smmu->hal->ctx);
    smmu_cmd_cfgi_cd(&cmd, m->sid, 0, true);
    ret = smmu_cmdq_submit(smmu, &cmd, 1, true, SMMU_CS_NONE);
    if (ret == 0 && smmu->entry_hook)
        smmu->entry_hook(smmu->entry_hook_arg, (const uint64_t *)m->cdtab.cpu, true);
    return ret;
}

static void entry_observe(smmu_entry_writer_t *w, const uint64_t *entry)
{
    smmu_master_t *m = (smmu_master_t *)w->ctx;

    if (m->smmu->entry_hook)
        m->smmu->entry_hook(m->smmu->entry_hook_arg, entry, false);
}

static int master_write_ste(smmu_master_t *m, const uint64_t target[8])
{
    smmu_entry_writer_t w;
    uint64_t *ste = smmu_ste_ptr(m->smmu, m->sid);
    int ret;

    if (!ste) {
        ret = smmu_strtab_l2_alloc(m->smmu, m->sid);
        if (ret)
            return ret;
        ste = smmu_ste_ptr(m->smmu, m->sid);
        if (!ste)
            return SMMU_EINVAL;
    }
    w.used = smmu_ste_used;
    w.safe = smmu_ste_update_safe;
    w.sync = ste_sync;
    w.observe = entry_observe;
    w.split64 = m->smmu->split64;
    w.ctx = m;
    ret = smmu_entry_write(&w, ste, target);
    m->last_syncs = w.syncs;
    m->last_hitless = w.hitless;
    return ret;
}

/* CD 0 of m's table := target. A new table is written plainly, V last: no STE points
 * at it yet, and the CFGI_STE of the STE update that will is what invalidates any CD
 * cached for this StreamID (IHI 0070 4.3.1). A table in use - the STE points at it -
 * goes through the writer with CFGI_CD + CMD_SYNC (IHI 0070 4.3.3). */
static int master_write_cd(smmu_master_t *m, const uint64_t target[8])
{
    smmu_t *smmu = m->smmu;
    smmu_entry_writer_t w;
    size_t size = (size_t)CD_BYTES << m->cd_log2;
    uint64_t *cd;
    int ret;

    m->last_cd_syncs = 0;
    if (!m->cdtab.cpu) {
        void *cpu = 0;
        uint64_t pa = 0;
        unsigned i;
        if (!(target[0] & CD_V_MASK))
            return 0; /* nothing to clear */
        ret = smmu->hal->dma_alloc(smmu->hal->ctx, size, size, &cpu, &pa);
        if (ret < 0 || !cpu)
            return ret < 0 ? ret : SMMU_ENOMEM;
        if (shr64(pa, smmu->feat.oas_bits) || (pa & (size - 1u))) {
            smmu->hal->dma_free(smmu->hal->ctx, cpu, pa, size);
            return SMMU_ENOMEM;
        }
        cd = (uint64_t *)cpu;
        for (i = 7; i > 0; i--)
            ((volatile uint64_t *)cd)[i] = target[i];
        smmu->hal->wmb(smmu->hal->ctx);
        ((volatile uint64_t *)cd)[0] = target[0];
        smmu->hal->wmb(smmu->hal->ctx);
        m->cdtab.cpu = cpu;
        m->cdtab.pa = pa;
        m->cdtab.size = size;
        return 0;
    }
    w.used = smmu_cd_used;
    w.safe = 0;
    w.sync = cd_sync;
    w.observe = entry_observe;
    w.split64 = smmu->split64;
    w.ctx = m;
    ret = smmu_entry_write(&w, (uint64_t *)m->cdtab.cpu, target);
    m->last_cd_syncs = w.syncs;
    return ret;
}

void smmu_master_free_cdtab(smmu_master_t *m)
{
    if (m->cdtab.cpu)
        m->smmu->hal->dma_free(m->smmu->hal->ctx, m->cdtab.cpu, m->cdtab.pa, m->cdtab.size);
    m->cdtab.cpu = 0;
    m->cdtab.pa = 0;
    m->cdtab.size = 0;
}

/* ---- attach -------------------------------------------------------------------------------- */

/* The domain whose cache-coherency promise covers a master attached to d: a nested
 * domain's masters translate through its parent's stage 2, so the parent's (Linux too
 * keeps them on the parent's list). */
const smmu_domain_t *smmu_cc_domain(const smmu_domain_t *d)
{
    return d->type == SMMU_DOMAIN_NESTED && d->viommu ? d->viommu->parent : d;
}

/* Who receives m's events while it is attached to d: its guest (the vIOMMU) or the
 * host (NULL). */
static const void *owner(const smmu_master_t *m, const smmu_domain_t *d)
{
    if (d && d->type == SMMU_DOMAIN_NESTED && m->viommu && d->viommu == m->viommu)
        return m->viommu;
    return 0;
}

/* A guest translating through stage 1 needs its vSID for invalidations and events. */
static bool nested_translates(const smmu_domain_t *d)
{
    return (d->guest_ste[0] & STE_V_MASK) &&
           ((d->guest_ste[0] & STE_CONFIG_MASK) >> STE_CONFIG_SHIFT) == STE_CFG_S1;
}

/* Move m to d (NULL: abort). */
static int master_set(smmu_master_t *m, smmu_domain_t *d)
{
    smmu_t *smmu = m->smmu;
    uint64_t target[8];
    int ret;

    /* Route what the old owner caused to the old owner: the CMD_SYNC makes sure the
     * records of every transaction terminated before it are in the queue. */
    if (owner(m, m->domain) != owner(m, d)) {
        ret = smmu_cmdq_sync(smmu, SMMU_CS_NONE);
        if (ret == 0)
            ret = smmu_evtq_dispatch(smmu, 0);
        if (ret < 0)
            return ret;
    }
    if (d && d->type == SMMU_DOMAIN_S1) {
        uint64_t cd[8];
        smmu_make_cd(d, cd);
        ret = master_write_cd(m, cd);
        if (ret)
            return ret;
    }
    smmu_make_master_ste(m, d, target);
    ret = master_write_ste(m, target);
    if (ret)
        return ret;
    if (m->domain)
        m->domain->attached--;
    m->domain = d;
    if (d)
        d->attached++;
    /* A CD table no STE points at any more goes back to the HAL (a page matters on the
     * SoC): the STE update's CFGI_STE invalidated every CD cached through this
     * StreamID (IHI 0070 4.3.1), and no other SubstreamID is in use. */
    if ((!d || d->type != SMMU_DOMAIN_S1) && m->cdtab.cpu)
        smmu_master_free_cdtab(m);
    return 0;
}

int smmu_attach(smmu_master_t *m, smmu_domain_t *d)
{
    if (!master_live(m) || !d || !d->smmu || d->smmu != m->smmu)
        return SMMU_EINVAL;
    if (d->type == SMMU_DOMAIN_NESTED) {
        /* A guest's domain serves the devices the guest was given; its abort and bypass
         * domains also devices given to no guest (Linux: a guest SMMU switched off). */
        if (!d->viommu)
            return SMMU_EINVAL;
        if (m->viommu != d->viommu && (m->viommu || nested_translates(d)))
            return SMMU_EINVAL;
    }
    if (smmu_cc_domain(d)->enforce_cc && !(m->fw_flags & SMMU_MASTER_CANWBS))
        return SMMU_ENOTSUP;
    return master_set(m, d);
}

int smmu_detach(smmu_master_t *m)
{
    if (!master_live(m))
        return SMMU_EINVAL;
    return master_set(m, 0);
}

int smmu_master_fini(smmu_master_t *m)
{
    int ret = 0;

    if (!master_live(m))
        return SMMU_EINVAL;
    if (m->viommu)
        return SMMU_EBUSY;
    if (m->domain)
        ret = smmu_detach(m);
    if (ret)
        return ret;
    smmu_master_free_cdtab(m);
    master_unlink(m->smmu, m);
    smmu_bzero(m, sizeof *m);
    return 0;
}

void smmu_masters_forget(smmu_t *smmu)
{
    smmu_master_t *m = smmu->masters, *next;

    while (m) {
        next = m->next;
        smmu_master_free_cdtab(m);
        smmu_bzero(m, sizeof *m);
        m = next;
    }
    smmu->masters = 0;
}
