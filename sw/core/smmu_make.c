/* The "make" functions: complete STEs and CDs for each kind of domain (smmu_domain.h,
 * smmu_nested.h; IHI 0070 5.2, 5.4). Pure: they read domains, masters and the SMMU's
 * features, and write only the entry they are given. */
#include "smmu/smmu_domain.h"
#include "smmu/smmu_nested.h"
#include "smmu_internal.h"

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
 * Non-shareable (facts 3). RES0 without ATTR_TYPES_OVR. */
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
    DW_SET(STE, S2TG, ste, smmu_pgtable_tg(&d->pgt));
    DW_SET(STE, S2PS, ste, smmu_pgtable_ps(&d->pgt));
    DW_SET(STE, S2AA64, ste, 1u);
    DW_SET(STE, S2R, ste, 1u);
    if (d->nest_parent)
        DW_SET(STE, S2PTW, ste, 1u);
    ste[3] = d->pgt.root_pa & STE_S2TTB_MASK;
}

void smmu_make_master_ste(const smmu_master_t *m, const smmu_domain_t *d, uint64_t ste[8])
{
    if (!d) {
        smmu_make_abort_ste(ste);
        return;
    }
    switch (d->type) {
    case SMMU_DOMAIN_IDENTITY: smmu_make_bypass_ste(d->smmu, ste); break;
    case SMMU_DOMAIN_S1:
        /* The master's CD table (Linux's make_cdtable_ste). */
        if (m && m->cdtab.cpu) {
            smmu_make_s1_ste(d->smmu, ste, m->cdtab.pa);
            DW_SET(STE, S1CDMAX, ste, m->cd_log2);
        } else {
            smmu_make_abort_ste(ste);
        }
        break;
    case SMMU_DOMAIN_S2: smmu_make_s2_ste(d, ste); break;
    case SMMU_DOMAIN_NESTED: smmu_make_nested_ste(d, ste); break;
    default: smmu_make_abort_ste(ste); break;
    }
}

void smmu_make_domain_ste(const smmu_domain_t *d, uint64_t ste[8])
{
    smmu_make_master_ste(0, d, ste);
}

void smmu_make_cd(const smmu_domain_t *d, uint64_t cd[8])
{
    bool coh = d->coherent_walk;

    zero8(cd);
    DW_SET(CD, T0SZ, cd, smmu_pgtable_tsz(&d->pgt));
    DW_SET(CD, TG0, cd, smmu_pgtable_tg(&d->pgt));
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


void smmu_make_nested_ste(const smmu_domain_t *d, uint64_t ste[8])
{
    const uint64_t *g = d->guest_ste;
    unsigned cfg = (unsigned)((g[0] & STE_CONFIG_MASK) >> STE_CONFIG_SHIFT);

    if (!d->viommu || !(g[0] & STE_V_MASK) || (cfg != STE_CFG_BYPASS && cfg != STE_CFG_S1)) {
        smmu_make_abort_ste(ste);
        return;
    }
    /* The parent's stage 2 (S2FWB, S2PTW, VMID, walk attributes) ... */
    smmu_make_s2_ste(d->viommu->parent, ste);
    if (cfg == STE_CFG_BYPASS)
        return;
    /* ... under the guest's stage 1: its CD table (an IPA), format, size, default
     * substream and CD fetch attributes; StreamWorld NS-EL1 (STRW = 0). MEV = 1: the
     * guest's faults are merged rather than flooding the host's event queue (as
     * Linux). */
    DW_SET(STE, CONFIG, ste, STE_CFG_NESTED);
    ste[0] |= g[0] & (STE_S1FMT_MASK | STE_S1CONTEXTPTR_MASK | STE_S1CDMAX_MASK);
    ste[1] |= g[1] & SMMU_GUEST_STE1_ALLOWED;
    DW_SET(STE, MEV, ste, 1u);
}
