/* The driver's HAL on the FPGA SoC (see smmu_hal_soc.h). */
#include "smmu_hal_soc.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "smmu/smmu.h"
#include "soc.h"

extern uint8_t __dma_pool_start[], __dma_pool_end[];

/* ---- registers --------------------------------------------------------------------- */

/* The SMMU window is device memory reached through volatile accesses: the compiler
 * keeps them in program order, and PicoRV32 completes each bus access before the next
 * (no write buffer), so program order is bus order. */
static uint32_t soc_rd32(void *ctx, uint32_t off)
{
    (void)ctx;
    return mmio_rd(SOC_SMMU_BASE, off);
}

static void soc_wr32(void *ctx, uint32_t off, uint32_t val)
{
    (void)ctx;
    mmio_wr(SOC_SMMU_BASE, off, val);
}

/* ---- DMA pool: the core's page allocator over the linker's pool ----------------------- */

int soc_dma_alloc(smmu_hal_soc_t *h, size_t size, size_t align, void **cpu, uint64_t *pa)
{
    return smmu_pool_alloc(&h->pool, size, align, cpu, pa);
}

void soc_dma_free(smmu_hal_soc_t *h, void *cpu, uint64_t pa, size_t size)
{
    if (smmu_pool_free(&h->pool, cpu, pa, size))
        printf("hal: bad dma_free(cpu=%p, pa=0x%08lx, size=%u)\n", cpu, (unsigned long)pa,
               (unsigned)size);
}

static void *hal_pa_to_cpu(void *ctx, uint64_t pa)
{
    return smmu_pool_pa_to_cpu(&((smmu_hal_soc_t *)ctx)->pool, pa);
}

static int hal_dma_alloc(void *ctx, size_t size, size_t align, void **cpu, uint64_t *pa)
{
    return soc_dma_alloc(ctx, size, align, cpu, pa);
}

static void hal_dma_free(void *ctx, void *cpu, uint64_t pa, size_t size)
{
    soc_dma_free(ctx, cpu, pa, size);
}

/* ---- barriers, time, log ----------------------------------------------------------- */

/* No caches and no write buffer between PicoRV32 and the RAM the SMMU reads: a store
 * has reached RAM when the CPU moves on, so ordering the compiler is all a barrier
 * needs to do. */
static void hal_barrier(void *ctx)
{
    (void)ctx;
    __asm__ volatile("" ::: "memory");
}

uint64_t soc_now_us(void)
{
    uint32_t lo = mmio_rd(SOC_TIMER_BASE, TIMER_US_LO); /* snapshots HI */
    uint32_t hi = mmio_rd(SOC_TIMER_BASE, TIMER_US_HI);
    return (uint64_t)hi << 32 | lo;
}

uint64_t soc_cycles(void)
{
    uint32_t lo = mmio_rd(SOC_TIMER_BASE, TIMER_CYCLE_LO);
    uint32_t hi = mmio_rd(SOC_TIMER_BASE, TIMER_CYCLE_HI);
    return (uint64_t)hi << 32 | lo;
}

static uint64_t hal_now_us(void *ctx)
{
    (void)ctx;
    return soc_now_us();
}

static void hal_log(void *ctx, int level, const char *msg)
{
    static const char *const names[4] = {"ERR", "WARN", "INFO", "DEBUG"};
    smmu_hal_soc_t *h = ctx;
    int l = level < 0 ? 0 : level > 3 ? 3 : level;

    h->log_count[l]++;
    if (l <= h->log_level)
        printf("[drv %s] %s\n", names[l], msg);
}

/* ---- MSIs: the interrupt logic's doorbell -------------------------------------------- */

/* Every source writes the doorbell with its own number as data, so the interrupt logic's
 * MSI_PEND bit n is source n; Device-nGnRE, as for a register of another device (IHI 0070
 * 3.18). */
static int hal_msi_msg(void *ctx, unsigned src, smmu_msi_msg_t *msg)
{
    (void)ctx;
    if (src >= SMMU_MSI_SOURCES)
        return SMMU_EINVAL;
    msg->addr = SOC_MSI_DOORBELL;
    msg->data = src;
    msg->memattr = 0x1;
    msg->sh = 0;
    return 0;
}

int smmu_hal_soc_init(smmu_hal_soc_t *h)
{
    uintptr_t start = (uintptr_t)__dma_pool_start, end = (uintptr_t)__dma_pool_end;

    memset(h, 0, sizeof *h);
    if (end <= start ||
        smmu_pool_init(&h->pool, __dma_pool_start, (uint64_t)start, end - start, h->used,
                       h->first, SOC_POOL_MAX_PAGES))
        return -1;
    h->log_level = SMMU_LOG_INFO;
    h->hal.ctx = h;
    h->hal.read32 = soc_rd32;
    h->hal.write32 = soc_wr32;
    /* The register bridge carries 32-bit accesses only: the driver splits 64-bit ones. */
    h->hal.read64 = NULL;
    h->hal.write64 = NULL;
    h->hal.dma_alloc = hal_dma_alloc;
    h->hal.dma_free = hal_dma_free;
    h->hal.pa_to_cpu = hal_pa_to_cpu;
    h->hal.wmb = hal_barrier;
    h->hal.rmb = hal_barrier;
    h->hal.now_us = hal_now_us;
    h->hal.log = hal_log;
    h->hal.msi_msg = hal_msi_msg;
    return 0;
}

/* ---- stdout on the UART (picolibc tinystdio) ------------------------------------------ */

static int uart_putc(char c, FILE *f)
{
    (void)f;
    /* A character time is 10 bit times; 100000 polls is far beyond that at any DIV. */
    for (unsigned i = 0; i < 100000u; i++)
        if (!(mmio_rd(SOC_UART_BASE, UART_STATUS) & UART_STATUS_BUSY))
            break;
    mmio_wr(SOC_UART_BASE, UART_TXDATA, (uint8_t)c);
    return (uint8_t)c;
}

static FILE soc_stdio = FDEV_SETUP_STREAM(uart_putc, NULL, NULL, _FDEV_SETUP_WRITE);
FILE *const stdin = &soc_stdio;
FILE *const stdout = &soc_stdio;
FILE *const stderr = &soc_stdio;
