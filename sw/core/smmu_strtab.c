/* The stream table: where a StreamID's STE lives, and level-2 tables allocated on
 * first use (IHI 0070 3.3). */
#include "smmu/smmu_domain.h"
#include "smmu_internal.h"

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

int smmu_strtab_l2_alloc(smmu_t *smmu, uint32_t sid)
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

