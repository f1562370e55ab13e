/* Guest-memory HAL (smmu_hal_guest.h). */
#include "smmu_hal_guest.h"

#include <stdbool.h>

#include "smmu/smmu.h"

static bool page_used(const smmu_hal_guest_t *g, uint32_t p)
{
    return (g->used[p / 32u] >> (p % 32u)) & 1u;
}

static void mark(smmu_hal_guest_t *g, uint32_t first, uint32_t n, bool on)
{
    for (uint32_t p = first; p < first + n; p++) {
        if (on)
            g->used[p / 32u] |= 1u << (p % 32u);
        else
            g->used[p / 32u] &= ~(1u << (p % 32u));
    }
}

static int guest_alloc(void *ctx, size_t size, size_t align, void **cpu, uint64_t *pa)
{
    smmu_hal_guest_t *g = (smmu_hal_guest_t *)ctx;
    uint32_t n, step, first, i;

    if (size == 0 || align == 0 || (align & (align - 1u)))
        return SMMU_EINVAL;
    n = (uint32_t)((size + SMMU_HAL_GUEST_PAGE - 1u) / SMMU_HAL_GUEST_PAGE);
    if (n > g->npages)
        return SMMU_ENOMEM;
    /* The region is aligned at least as far as its callers align (see the header), so
     * aligning page numbers aligns both addresses. */
    step = align > SMMU_HAL_GUEST_PAGE ? (uint32_t)(align / SMMU_HAL_GUEST_PAGE) : 1u;
    for (first = 0; first + n <= g->npages; first += step) {
        for (i = 0; i < n && !page_used(g, first + i); i++)
            ;
        if (i < n)
            continue;
        mark(g, first, n, true);
        g->alloc_pages[first] = (uint16_t)n;
        g->allocs++;
        /* Zero it word by word through a volatile pointer: the compiler may not turn
         * this into a memset call (the HAL is freestanding). */
        volatile uint64_t *w = (volatile uint64_t *)(void *)(g->cpu + (size_t)first * SMMU_HAL_GUEST_PAGE);
        for (size_t k = 0; k < (size_t)n * SMMU_HAL_GUEST_PAGE / 8u; k++)
            w[k] = 0;
        *cpu = (void *)(g->cpu + (size_t)first * SMMU_HAL_GUEST_PAGE);
        *pa = g->ipa + (uint64_t)first * SMMU_HAL_GUEST_PAGE;
        return 0;
    }
    return SMMU_ENOMEM;
}

static void guest_free(void *ctx, void *cpu, uint64_t pa, size_t size)
{
    smmu_hal_guest_t *g = (smmu_hal_guest_t *)ctx;
    uint32_t first;

    (void)size;
    if (!cpu || pa < g->ipa)
        return;
    first = (uint32_t)((pa - g->ipa) / SMMU_HAL_GUEST_PAGE);
    if (first >= g->npages || !g->alloc_pages[first])
        return; /* not an allocation of this region: ignore rather than corrupt */
    mark(g, first, g->alloc_pages[first], false);
    g->alloc_pages[first] = 0;
    g->allocs--;
}

static void *guest_pa_to_cpu(void *ctx, uint64_t pa)
{
    smmu_hal_guest_t *g = (smmu_hal_guest_t *)ctx;

    if (pa < g->ipa || pa - g->ipa >= (uint64_t)g->npages * SMMU_HAL_GUEST_PAGE)
        return 0;
    return g->cpu + (size_t)(pa - g->ipa);
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
    uint32_t i;

    if (!g || !host || !cpu || (ipa & (SMMU_HAL_GUEST_PAGE - 1u)) ||
        ((uintptr_t)cpu & (SMMU_HAL_GUEST_PAGE - 1u)) || size == 0 ||
        (size % SMMU_HAL_GUEST_PAGE) || size / SMMU_HAL_GUEST_PAGE > SMMU_HAL_GUEST_MAX_PAGES)
        return SMMU_EINVAL;
    g->host = host;
    g->cpu = (uint8_t *)cpu;
    g->ipa = ipa;
    g->npages = (uint32_t)(size / SMMU_HAL_GUEST_PAGE);
    for (i = 0; i < SMMU_HAL_GUEST_MAX_PAGES / 32u; i++)
        g->used[i] = 0;
    for (i = 0; i < SMMU_HAL_GUEST_MAX_PAGES; i++)
        g->alloc_pages[i] = 0;
    g->allocs = 0;
    g->hal.ctx = g;
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
