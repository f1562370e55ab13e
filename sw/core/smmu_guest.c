/* The guest's side of nesting: guest memory for the table code, and its TLB flush
 * through a vIOMMU (smmu_guest.h). */
#include "smmu/smmu_guest.h"

#include <stdbool.h>

#include "smmu/smmu.h"

static int guest_alloc(void *ctx, size_t size, size_t align, void **cpu, uint64_t *pa)
{
    return smmu_pool_alloc(&((smmu_hal_guest_t *)ctx)->pool, size, align, cpu, pa);
}

static void guest_free(void *ctx, void *cpu, uint64_t pa, size_t size)
{
    /* Not an allocation of this region: ignored rather than corrupting it. */
    (void)smmu_pool_free(&((smmu_hal_guest_t *)ctx)->pool, cpu, pa, size);
}

static void *guest_pa_to_cpu(void *ctx, uint64_t pa)
{
    return smmu_pool_pa_to_cpu(&((smmu_hal_guest_t *)ctx)->pool, pa);
}

/* The rest goes to the host HAL. */
static uint32_t guest_read32(void *ctx, uint32_t off)
{
    const smmu_hal_t *h = ((smmu_hal_guest_t *)ctx)->host;
    return h->read32(h->ctx, off);
}
static void guest_write32(void *ctx, uint32_t off, uint32_t val)
{
    const smmu_hal_t *h = ((smmu_hal_guest_t *)ctx)->host;
    h->write32(h->ctx, off, val);
}
static void guest_wmb(void *ctx)
{
    const smmu_hal_t *h = ((smmu_hal_guest_t *)ctx)->host;
    h->wmb(h->ctx);
}
static void guest_rmb(void *ctx)
{
    const smmu_hal_t *h = ((smmu_hal_guest_t *)ctx)->host;
    h->rmb(h->ctx);
}
static uint64_t guest_now_us(void *ctx)
{
    const smmu_hal_t *h = ((smmu_hal_guest_t *)ctx)->host;
    return h->now_us(h->ctx);
}
static void guest_log(void *ctx, int level, const char *msg)
{
    const smmu_hal_t *h = ((smmu_hal_guest_t *)ctx)->host;
    h->log(h->ctx, level, msg);
}

int smmu_hal_guest_init(smmu_hal_guest_t *g, const smmu_hal_t *host, void *cpu, uint64_t ipa,
                        size_t size)
{
    if (!g || !host || size == 0 || (size % SMMU_HAL_GUEST_PAGE) ||
        size / SMMU_HAL_GUEST_PAGE > SMMU_HAL_GUEST_MAX_PAGES ||
        smmu_pool_init(&g->pool, cpu, ipa, size, g->used, g->first, SMMU_HAL_GUEST_MAX_PAGES))
        return SMMU_EINVAL;
    g->host = host;
    g->hal.ctx = g;
    g->hal.caps = host->caps;
    g->hal.read32 = guest_read32;
    g->hal.write32 = guest_write32;
    g->hal.read64 = 0;
    g->hal.write64 = 0;
    g->hal.dma_alloc = guest_alloc;
    g->hal.dma_free = guest_free;
    g->hal.pa_to_cpu = guest_pa_to_cpu;
    g->hal.wmb = guest_wmb;
    g->hal.rmb = guest_rmb;
    g->hal.now_us = guest_now_us;
    g->hal.log = guest_log;
    return 0;
}

int smmu_guest_flush(void *cookie, smmu_gather_t *g)
{
    const smmu_guest_flush_t *f = (const smmu_guest_flush_t *)cookie;
    smmu_cmd_t cmds[SMMU_GUEST_FLUSH_MAX_PAGES];
    uint64_t pages = (g->end - g->start) / SMMU_HAL_GUEST_PAGE, va = g->start;
    size_t n = 0;
    int ret = 0;

    if (!f || !f->viommu)
        return SMMU_EINVAL;
    /* The VMID field is the guest's business to leave 0: the vIOMMU replaces it. */
    if (pages <= SMMU_GUEST_FLUSH_MAX_PAGES) {
        for (; pages && ret == 0; pages--, va += SMMU_HAL_GUEST_PAGE)
            ret = smmu_cmd_tlbi_nh_va(&cmds[n++], 0, f->asid, va, g->leaf, 0);
    } else {
        ret = smmu_cmd_tlbi_nh_asid(&cmds[n++], 0, f->asid);
    }
    if (ret == 0 && n)
        ret = smmu_viommu_invalidate(f->viommu, cmds, n, 0);
    if (ret == 0)
        smmu_gather_release(g);
    return ret;
}
