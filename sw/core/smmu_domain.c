/* Domains: the SMMU's list of live domains and its ASID/VMID allocator, paging domains'
 * trees and their TLB invalidation, cache-coherency enforcement (smmu_domain.h). */
#include "smmu/smmu_domain.h"
#include "smmu/smmu_nested.h"
#include "smmu_internal.h"

/* ---- the list of live domains and the ID allocator ----------------------------------------
 *
 * smmu_t.domains holds every live domain, sorted by ID space (0: none - blocked,
 * identity, nested; 1: ASID - stage 1; 2: VMID - stage 2) and, within a space, by ID.
 * An allocation walks to its space and takes the first gap in 1, 2, 3, ...: the lowest
 * free ID, in one pass, with no memory beyond the link each domain has anyway. A
 * 2^16-bit bitmap per space would cost 16 KB in every smmu_t - an eighth of the SoC's
 * code and data RAM - for lists that hold a handful of domains there; the list costs
 * O(live domains) per init and free, which a caller owning each domain's storage (and
 * its page tables) can afford. */

static unsigned id_space(const smmu_domain_t *d)
{
    return d->type == SMMU_DOMAIN_S1 ? 1u : d->type == SMMU_DOMAIN_S2 ? 2u : 0u;
}

static unsigned id_of(const smmu_domain_t *d)
{
    return d->type == SMMU_DOMAIN_S1 ? d->asid : d->type == SMMU_DOMAIN_S2 ? d->vmid : 0u;
}

bool smmu_domain_listed(const smmu_t *smmu, const smmu_domain_t *d)
{
    const smmu_domain_t *p;

    for (p = smmu ? smmu->domains : 0; p; p = p->next)
        if (p == d)
            return true;
    return false;
}

/* The lowest free ID of `space` (1 or 2) up to `max`, and the link to insert a domain
 * holding it at; SMMU_ENOSPC when 1..max are all taken. */
static int id_find(smmu_t *smmu, unsigned space, unsigned max, smmu_domain_t ***link)
{
    smmu_domain_t **pp = &smmu->domains;
    unsigned want = 1;

    while (*pp && id_space(*pp) < space)
        pp = &(*pp)->next;
    while (*pp && id_space(*pp) == space && id_of(*pp) == want) {
        want++;
        pp = &(*pp)->next;
    }
    if (want > max)
        return SMMU_ENOSPC;
    *link = pp;
    return (int)want;
}

void smmu_domain_link(smmu_t *smmu, smmu_domain_t *d)
{
    smmu_domain_t **pp = &smmu->domains;

    /* Space 0 first; IDs are placed by id_find. */
    d->next = *pp;
    *pp = d;
}

static void domain_unlink(smmu_t *smmu, const smmu_domain_t *d)
{
    smmu_domain_t **pp;

    for (pp = &smmu->domains; *pp; pp = &(*pp)->next)
        if (*pp == d) {
            *pp = d->next;
            return;
        }
}

static unsigned id_max(unsigned bits)
{
    return (1u << bits) - 1u;
}

/* ---- init and free ------------------------------------------------------------------------ */

int smmu_domain_init(smmu_domain_t *d, smmu_t *smmu, unsigned type, const smmu_domain_cfg_t *cfg)
{
    smmu_domain_cfg_t c;
    smmu_pgtable_cfg_t pc;
    smmu_domain_t **link = 0;
    unsigned oas;
    int ret, id;

    if (!d)
        return SMMU_EINVAL;
    if (smmu && smmu_domain_listed(smmu, d))
        return SMMU_EBUSY; /* live: free it first */
    smmu_bzero(d, sizeof *d); /* dead until it is complete */
    if (!smmu || !smmu->initialised || type > SMMU_DOMAIN_S2)
        return SMMU_EINVAL; /* nested domains: smmu_nested_domain_init */
    if (cfg)
        smmu_bcopy(&c, cfg, sizeof c);
    else
        smmu_bzero(&c, sizeof c);
    if (type == SMMU_DOMAIN_BLOCKED || type == SMMU_DOMAIN_IDENTITY) {
        d->smmu = smmu;
        d->type = type;
        d->coherent_walk = smmu->coherent;
        smmu_domain_link(smmu, d);
        return 0;
    }

    oas = smmu->feat.oas_bits < 48u ? smmu->feat.oas_bits : 48u;
    smmu_bzero(&pc, sizeof pc);
    pc.oas = oas;
    /* The granule: one the SMMU reports in IDR5 (IHI 0070 5.2 S2TG, 5.4 TG0: any other
     * makes the STE / CD ILLEGAL). */
    pc.granule = c.granule ? c.granule : SMMU_GRANULE_4K;
    if (!(pc.granule == SMMU_GRANULE_4K && smmu->feat.gran4k) &&
        !(pc.granule == SMMU_GRANULE_16K && smmu->feat.gran16k) &&
        !(pc.granule == SMMU_GRANULE_64K && smmu->feat.gran64k))
        return SMMU_EINVAL;
    pc.bbml2 = smmu->feat.bbml >= 2u;
    pc.split64 = smmu->split64;
    if (type == SMMU_DOMAIN_S1) {
        if (!smmu->feat.s1p)
            return SMMU_ENOTSUP;
        pc.stage = 1;
        pc.ias = c.ias ? c.ias : 48u;
        id = id_find(smmu, 1, id_max(smmu->asid_bits), &link);
    } else {
        if (!smmu->feat.s2p)
            return SMMU_ENOTSUP;
        pc.stage = 2;
        pc.ias = c.ias ? c.ias : oas;
        if (pc.ias > oas)
            return SMMU_EINVAL; /* IAS = OAS on this SMMU (IHI 0070 3.4) */
        pc.concat = !c.no_concat;
        /* S2FWB only on a coherent SMMU (as Linux): forcing write-back on a
         * non-coherent integration would make the master's DMA cacheable where nothing
         * snoops it. */
        pc.fwb = !c.no_fwb && smmu->feat.fwb && smmu->coherent;
        id = id_find(smmu, 2, id_max(smmu->vmid_bits), &link);
    }
    if (id < 0)
        return id;
    ret = smmu_pgtable_init(&d->pgt, smmu->hal, &pc);
    if (ret) {
        smmu_bzero(d, sizeof *d);
        return ret;
    }
    d->smmu = smmu;
    d->type = type;
    d->coherent_walk = smmu->coherent;
    if (type == SMMU_DOMAIN_S1) {
        d->asid = (uint16_t)id;
    } else {
        d->vmid = (uint16_t)id;
        d->fwb = pc.fwb;
        d->nest_parent = c.nest_parent;
    }
    /* In ID order: the allocator's invariant. */
    d->next = *link;
    *link = d;
    return 0;
}

int smmu_domain_free(smmu_domain_t *d)
{
    smmu_t *smmu;
    smmu_cmd_t cmd;
    int ret = 0;

    if (!d || !d->smmu || !smmu_domain_listed(d->smmu, d))
        return SMMU_EINVAL;
    if (d->attached || (d->type == SMMU_DOMAIN_S2 && d->viommu))
        return SMMU_EBUSY; /* masters first; a nest parent's vIOMMU first */
    smmu = d->smmu;
    if (d->type == SMMU_DOMAIN_S1) {
        smmu_cmd_tlbi_nh_asid(&cmd, 0, d->asid);
        ret = smmu_cmdq_submit(smmu, &cmd, 1, true, SMMU_CS_NONE);
        smmu_pgtable_free(&d->pgt);
    } else if (d->type == SMMU_DOMAIN_S2) {
        smmu_cmd_tlbi_s12_vmall(&cmd, d->vmid);
        ret = smmu_cmdq_submit(smmu, &cmd, 1, true, SMMU_CS_NONE);
        smmu_pgtable_free(&d->pgt);
    } else if (d->type == SMMU_DOMAIN_NESTED && d->viommu) {
        /* The guest's TLB entries are the guest's to invalidate (through the vIOMMU);
         * the domain itself owns no memory. */
        d->viommu->nested--;
    }
    domain_unlink(smmu, d);
    smmu_bzero(d, sizeof *d);
    return ret;
}

void smmu_domains_forget(smmu_t *smmu)
{
    smmu_domain_t *d = smmu->domains, *next;

    while (d) {
        next = d->next;
        if (d->type == SMMU_DOMAIN_S2 && d->viommu)
            smmu_bzero(d->viommu, sizeof(smmu_viommu_t)); /* dead too */
        if (d->type == SMMU_DOMAIN_S1 || d->type == SMMU_DOMAIN_S2)
            smmu_pgtable_free(&d->pgt);
        smmu_bzero(d, sizeof *d);
        d = next;
    }
    smmu->domains = 0;
}

/* ---- accessors ------------------------------------------------------------------------------ */

static bool live(const smmu_domain_t *d)
{
    return d && d->smmu;
}

static bool paging(const smmu_domain_t *d)
{
    return live(d) && (d->type == SMMU_DOMAIN_S1 || d->type == SMMU_DOMAIN_S2);
}

bool smmu_domain_fwb(const smmu_domain_t *d)
{
    return live(d) && d->fwb;
}

unsigned smmu_domain_asid(const smmu_domain_t *d)
{
    return live(d) && d->type == SMMU_DOMAIN_S1 ? d->asid : 0u;
}

unsigned smmu_domain_vmid(const smmu_domain_t *d)
{
    return live(d) && (d->type == SMMU_DOMAIN_S2 || d->type == SMMU_DOMAIN_NESTED) ? d->vmid
                                                                                    : 0u;
}

unsigned smmu_domain_ias(const smmu_domain_t *d)
{
    if (paging(d))
        return d->pgt.cfg.ias;
    if (live(d) && d->type == SMMU_DOMAIN_NESTED && d->viommu && d->viommu->parent)
        return d->viommu->parent->pgt.cfg.ias;
    return 0;
}

/* ---- invalidation, map, unmap ----------------------------------------------------------------- */

static int tlbi_addr_cmd(const smmu_domain_t *d, smmu_cmd_t *c, uint64_t addr, bool leaf,
                         const smmu_tlbi_range_t *r)
{
    if (d->type == SMMU_DOMAIN_S1)
        return smmu_cmd_tlbi_nh_va(c, 0, d->asid, addr, leaf, r);
    return smmu_cmd_tlbi_s2_ipa(c, d->vmid, addr, leaf, r);
}

static int put(smmu_domain_t *d, smmu_batch_t *b, const smmu_cmd_t *c)
{
    d->stats.tlbi_cmds++;
    return smmu_batch_add(d->smmu, b, c);
}

int smmu_domain_flush(void *cookie, smmu_gather_t *g)
{
    smmu_domain_t *d = (smmu_domain_t *)cookie;
    smmu_batch_t b;
    smmu_cmd_t c;
    uint64_t addr, pages;
    unsigned gs;
    int ret = 0;

    if (!paging(d) || !g)
        return SMMU_EINVAL;
    /* In the tree's granule: a range TLBI with TG != 0 need only remove entries of that
     * granule (IHI 0070 4.4.1.1), and the gathered range is whole granules. */
    gs = d->pgt.gshift ? d->pgt.gshift : SMMU_GRANULE_4K;
    addr = g->start;
    pages = shr64(g->end - g->start, gs);
    smmu_batch_init(&b);
    if (g->start == g->end && g->nfreed == 0u)
        return 0;
    if (pages && d->smmu->feat.ril) {
        while (pages && ret == 0) {
            smmu_tlbi_range_t r;
            uint64_t n = smmu_tlbi_range_chunk(pages, smmu_pgtable_tlbi_tg(&d->pgt), &r);
            ret = tlbi_addr_cmd(d, &c, addr, g->leaf, &r);
            if (ret == 0)
                ret = put(d, &b, &c);
            addr += shl64(n, gs);
            pages -= n;
        }
    } else if (pages && pages <= SMMU_TLBI_MAX_PAGES) {
        for (; pages && ret == 0; pages--, addr += shl64(1, gs)) {
            ret = tlbi_addr_cmd(d, &c, addr, g->leaf, 0);
            if (ret == 0)
                ret = put(d, &b, &c);
        }
    } else {
        if (d->type == SMMU_DOMAIN_S1)
            smmu_cmd_tlbi_nh_asid(&c, 0, d->asid);
        else
            smmu_cmd_tlbi_s12_vmall(&c, d->vmid);
        ret = put(d, &b, &c);
    }
    if (ret == 0 && d->type == SMMU_DOMAIN_S2 && d->nest_parent) {
        /* TLBI_S2_IPA need not hit combined stage 1+2 entries (IHI 0070 4.4.3). */
        smmu_cmd_tlbi_nh_all(&c, d->vmid);
        ret = put(d, &b, &c);
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
    int ret;

    if (!paging(d))
        return SMMU_EINVAL;
    smmu_gather_init(&g, smmu_domain_flush, d);
    ret = smmu_pgtable_map(&d->pgt, iova, pa, size, prot, kind, &g);
    if (ret && (g.start != g.end || g.nfreed))
        (void)smmu_domain_flush(d, &g); /* the first error is the one to report */
    return ret;
}

uint64_t smmu_domain_unmap(smmu_domain_t *d, uint64_t iova, uint64_t size, int *err)
{
    smmu_gather_t g;
    uint64_t bytes = 0;
    int ret, r2 = 0;

    if (err)
        *err = SMMU_EINVAL;
    if (!paging(d))
        return 0;
    smmu_gather_init(&g, smmu_domain_flush, d);
    ret = smmu_pgtable_unmap_bytes(&d->pgt, iova, size, &g, &bytes);
    if (g.start != g.end || g.nfreed)
        r2 = smmu_domain_flush(d, &g);
    if (err)
        *err = ret ? ret : r2;
    return bytes;
}

int smmu_domain_iova_to_phys(const smmu_domain_t *d, uint64_t iova, uint64_t *pa)
{
    if (!live(d) || !pa)
        return SMMU_EINVAL;
    if (d->type == SMMU_DOMAIN_IDENTITY) {
        *pa = iova;
        return 0;
    }
    if (!paging(d))
        return SMMU_ENOENT;
    return smmu_pgtable_iova_to_phys(&d->pgt, iova, pa, 0, 0);
}

/* ---- cache coherency and fault handlers -------------------------------------------------------- */

int smmu_domain_enforce_cache_coherency(smmu_domain_t *d)
{
    smmu_master_t *m;

    if (!paging(d))
        return SMMU_EINVAL;
    for (m = d->smmu->masters; m; m = m->next)
        if (m->domain && smmu_cc_domain(m->domain) == d && !(m->fw_flags & SMMU_MASTER_CANWBS))
            return SMMU_ENOTSUP;
    d->enforce_cc = true;
    return 0;
}

void smmu_domain_set_fault_handler(smmu_domain_t *d, smmu_event_cb_t cb, void *arg)
{
    if (!live(d))
        return;
    d->fault_cb = cb;
    d->fault_arg = arg;
}
