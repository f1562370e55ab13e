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

/* ---- DMA memory: the core's page allocator over the harness's pool ---------------------- */

static int sim_dma_alloc(void *ctx, size_t size, size_t align, void **cpu, uint64_t *pa)
{
    return smmu_pool_alloc(&((smmu_hal_sim_t *)ctx)->pool, size, align, cpu, pa);
}

static void sim_dma_free(void *ctx, void *cpu, uint64_t pa, size_t size)
{
    if (smmu_pool_free(&((smmu_hal_sim_t *)ctx)->pool, cpu, pa, size))
        /* A driver bug: say so loudly (the pool stays consistent). */
        printf("smmu_hal_sim: bad dma_free(cpu=%p, pa=0x%llx, size=%zu)\n", cpu,
               (unsigned long long)pa, size);
}

static void *sim_pa_to_cpu(void *ctx, uint64_t pa)
{
    return smmu_pool_pa_to_cpu(&((smmu_hal_sim_t *)ctx)->pool, pa);
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

/* ---- MSIs: the simulated interrupt controller's doorbells ------------------------------- */

static int sim_msi_msg(void *ctx, unsigned src, smmu_msi_msg_t *msg)
{
    (void)ctx;
    if (src >= SMMU_MSI_SOURCES)
        return SMMU_EINVAL;
    msg->addr = SMMU_HAL_SIM_DOORBELL_PA + 4u * src;
    msg->data = SMMU_HAL_SIM_MSI_DATA(src);
    msg->memattr = 0x1; /* Device-nGnRE: a register of another device (IHI 0070 3.18) */
    msg->sh = 0;
    return 0;
}

void smmu_hal_sim_msi(smmu_hal_sim_t *h, int on)
{
    h->hal.msi_msg = on ? sim_msi_msg : NULL;
}

uint32_t smmu_hal_sim_doorbell(smmu_hal_sim_t *h, unsigned src)
{
    uint32_t v = 0, zero = 0;
    uint64_t pa = SMMU_HAL_SIM_DOORBELL_PA + 4u * src;

    mem_read(h->sim, pa, &v, sizeof v);
    mem_write(h->sim, pa, &zero, sizeof zero);
    return v;
}

int smmu_hal_sim_init(smmu_hal_sim_t *h, sim_t *sim)
{
    uint8_t *pool;
    uint64_t pool_pa = 0;
    size_t pool_size = 0;

    memset(h, 0, sizeof *h);
    h->sim = sim;
    pool = mem_dma_pool(sim, &pool_pa, &pool_size);
    if (!pool || smmu_pool_init(&h->pool, pool, pool_pa, pool_size, h->used, h->first,
                                SMMU_HAL_SIM_MAX_PAGES))
        return -1;
    h->log_level = SMMU_LOG_INFO;
    h->hal.ctx = h;
    h->hal.caps = SMMU_HAL_CAP_STORE64;
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
    if (h->pool.allocs)
        printf("smmu_hal_sim: %u DMA allocations (%zu bytes) still live\n", h->pool.allocs,
               h->pool.bytes_in_use);
    h->pool.npages = 0;
}
