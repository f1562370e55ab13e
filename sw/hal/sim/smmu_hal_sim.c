/* The driver's HAL on the Verilator model: registers, DMA pool allocator, time, log. */
#include "smmu_hal_sim.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "smmu/smmu.h"

static uint32_t sim_rd32(void *ctx, uint32_t off)
{
    return sim_reg_read32(((smmu_hal_sim_t *)ctx)->sim, off);
}

static void sim_wr32(void *ctx, uint32_t off, uint32_t val)
{
    sim_reg_write32(((smmu_hal_sim_t *)ctx)->sim, off, val);
}

static uint64_t sim_rd64(void *ctx, uint32_t off)
{
    return sim_reg_read64(((smmu_hal_sim_t *)ctx)->sim, off);
}

static void sim_wr64(void *ctx, uint32_t off, uint64_t val)
{
    sim_reg_write64(((smmu_hal_sim_t *)ctx)->sim, off, val);
}

/* ---- page allocator over the DMA pool ------------------------------------------------ */

static bool page_used(const smmu_hal_sim_t *h, uint32_t p)
{
    return (h->used[p / 32u] >> (p % 32u)) & 1u;
}

static void page_mark(smmu_hal_sim_t *h, uint32_t p, bool used)
{
    if (used)
        h->used[p / 32u] |= 1u << (p % 32u);
    else
        h->used[p / 32u] &= ~(1u << (p % 32u));
}

static bool is_pow2(size_t v)
{
    return v && !(v & (v - 1u));
}

static int sim_dma_alloc(void *ctx, size_t size, size_t align, void **cpu, uint64_t *pa)
{
    smmu_hal_sim_t *h = ctx;
    size_t size_pow2 = 1;
    uint32_t pages, step, start;

    if (size == 0 || size > h->pool_size || !is_pow2(align))
        return SMMU_EINVAL;
    while (size_pow2 < size)
        size_pow2 <<= 1;
    if (align > size_pow2)
        return SMMU_EINVAL;
    pages = (uint32_t)((size + SMMU_HAL_SIM_PAGE - 1u) / SMMU_HAL_SIM_PAGE);
    /* The pool's PA is aligned far beyond any allocation, so aligning page numbers
     * aligns physical addresses. */
    step = align > SMMU_HAL_SIM_PAGE ? (uint32_t)(align / SMMU_HAL_SIM_PAGE) : 1u;
    for (start = 0; start + pages <= h->npages; start += step) {
        uint32_t p;
        for (p = 0; p < pages && !page_used(h, start + p); p++)
            ;
        if (p < pages)
            continue;
        for (p = 0; p < pages; p++)
            page_mark(h, start + p, true);
        h->alloc_pages[start] = pages;
        h->bytes_in_use += (size_t)pages * SMMU_HAL_SIM_PAGE;
        h->allocs++;
        *cpu = h->pool + (size_t)start * SMMU_HAL_SIM_PAGE;
        *pa = h->pool_pa + (uint64_t)start * SMMU_HAL_SIM_PAGE;
        memset(*cpu, 0, (size_t)pages * SMMU_HAL_SIM_PAGE);
        return 0;
    }
    return SMMU_ENOMEM;
}

static void sim_dma_free(void *ctx, void *cpu, uint64_t pa, size_t size)
{
    smmu_hal_sim_t *h = ctx;
    uint32_t start, pages;

    if (!cpu)
        return;
    start = (uint32_t)(((uint8_t *)cpu - h->pool) / SMMU_HAL_SIM_PAGE);
    pages = (uint32_t)((size + SMMU_HAL_SIM_PAGE - 1u) / SMMU_HAL_SIM_PAGE);
    if ((uint8_t *)cpu < h->pool || start >= h->npages ||
        (uint8_t *)cpu != h->pool + (size_t)start * SMMU_HAL_SIM_PAGE ||
        pa != h->pool_pa + (uint64_t)start * SMMU_HAL_SIM_PAGE ||
        h->alloc_pages[start] != pages) {
        /* A driver bug: say so loudly, but keep the allocator consistent. */
        printf("smmu_hal_sim: bad dma_free(cpu=%p, pa=0x%llx, size=%zu)\n", cpu,
               (unsigned long long)pa, size);
        return;
    }
    for (uint32_t p = 0; p < pages; p++)
        page_mark(h, start + p, false);
    h->alloc_pages[start] = 0;
    h->bytes_in_use -= (size_t)pages * SMMU_HAL_SIM_PAGE;
    h->allocs--;
}

static void *sim_pa_to_cpu(void *ctx, uint64_t pa)
{
    smmu_hal_sim_t *h = ctx;

    if (pa < h->pool_pa || pa - h->pool_pa >= h->pool_size)
        return NULL;
    return h->pool + (size_t)(pa - h->pool_pa);
}

/* ---- barriers, time, log ----------------------------------------------------------- */

static void sim_barrier(void *ctx)
{
    /* The model reads the pool only inside sim_* calls on this thread, so ordering the
     * compiler's accesses is all a barrier has to do. */
    (void)ctx;
    atomic_thread_fence(memory_order_seq_cst);
}

static uint64_t sim_now_us(void *ctx)
{
    smmu_hal_sim_t *h = ctx;

    sim_step(h->sim, 1);
    return sim_cycles(h->sim) / SMMU_HAL_SIM_MHZ;
}

static void sim_log(void *ctx, int level, const char *msg)
{
    static const char *const names[4] = {"ERR", "WARN", "INFO", "DEBUG"};
    smmu_hal_sim_t *h = ctx;
    int l = level < 0 ? 0 : level > 3 ? 3 : level;

    h->log_count[l]++;
    if (l <= SMMU_LOG_WARN)
        snprintf(h->last_warn, sizeof h->last_warn, "%s", msg);
    if (l <= h->log_level)
        printf("[%s] %s\n", names[l], msg);
}

int smmu_hal_sim_init(smmu_hal_sim_t *h, sim_t *sim)
{
    memset(h, 0, sizeof *h);
    h->sim = sim;
    h->pool = mem_dma_pool(sim, &h->pool_pa, &h->pool_size);
    if (!h->pool || h->pool_size < SMMU_HAL_SIM_PAGE || (h->pool_pa % SMMU_HAL_SIM_PAGE))
        return -1;
    h->npages = (uint32_t)(h->pool_size / SMMU_HAL_SIM_PAGE);
    if (h->npages > SMMU_HAL_SIM_MAX_PAGES)
        h->npages = SMMU_HAL_SIM_MAX_PAGES;
    h->log_level = SMMU_LOG_INFO;
    h->hal.ctx = h;
    h->hal.read32 = sim_rd32;
    h->hal.write32 = sim_wr32;
    h->hal.read64 = sim_rd64;
    h->hal.write64 = sim_wr64;
    h->hal.dma_alloc = sim_dma_alloc;
    h->hal.dma_free = sim_dma_free;
    h->hal.pa_to_cpu = sim_pa_to_cpu;
    h->hal.wmb = sim_barrier;
    h->hal.rmb = sim_barrier;
    h->hal.now_us = sim_now_us;
    h->hal.log = sim_log;
    return 0;
}

void smmu_hal_sim_fini(smmu_hal_sim_t *h)
{
    if (h->allocs)
        printf("smmu_hal_sim: %u DMA allocations (%zu bytes) still live\n", h->allocs,
               h->bytes_in_use);
    h->npages = 0;
}
