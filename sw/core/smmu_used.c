/* The bits the SMMU uses in an STE or CD, and those that may change at any time
 * (smmu_domain.h): what the hitless entry writer (smmu_entry.c) works from. */
#include "smmu/smmu_domain.h"
#include "smmu_internal.h"

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
        /* S2VMID tags NS-EL1 stage-1-only translations when IDR0.S2P = 1 (facts 3). */
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

void smmu_ste_update_safe(const uint64_t cur[8], const uint64_t target[8], uint64_t safe[8])
{
    unsigned i;

    (void)cur;
    (void)target;
    for (i = 0; i < 8u; i++)
        safe[i] = 0;
    /* MEV only lets the SMMU merge fault records of one stream; IHI 0070 5.2 (STE.MEV)
     * allows merging even with MEV = 0, so software copes with either at any time. */
    safe[STE_MEV_DW] = STE_MEV_MASK;
}

bool smmu_entry_equivalent_masked(void (*used)(const uint64_t *, uint64_t *),
                                  const uint64_t a[8], const uint64_t b[8],
                                  const uint64_t *ignore)
{
    uint64_t ua[8], ub[8];
    unsigned i;

    used(a, ua);
    used(b, ub);
    for (i = 0; i < 8u; i++) {
        uint64_t keep = ignore ? ~ignore[i] : ~0ull;
        if ((ua[i] & keep) != (ub[i] & keep) || ((a[i] ^ b[i]) & ua[i] & keep))
            return false;
    }
    return true;
}

bool smmu_entry_equivalent(void (*used)(const uint64_t *, uint64_t *), const uint64_t a[8],
                           const uint64_t b[8])
{
    return smmu_entry_equivalent_masked(used, a, b, 0);
}

