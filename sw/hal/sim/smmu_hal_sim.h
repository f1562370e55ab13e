/*
 * The driver's HAL on the Verilator model (tb/harness/sim.h).
 *
 *   smmu_hal_sim_t h;
 *   smmu_hal_sim_init(&h, sim);        // h.hal is the table for smmu_probe()
 *   ... smmu_probe(&smmu, &h.hal) ...
 *   smmu_hal_sim_fini(&h);
 *
 * Registers go through sim_reg_read/write32/64 (each access advances the model by its
 * bus cycles). DMA memory comes from the harness DMA pool (mem_dma_pool: one host buffer
 * the model sees directly, so the CPU view is coherent) through a page allocator: a
 * bitmap of 4 KB pages, first fit, alignment up to the allocation size, with free.
 * Time: the model's clock is taken as SMMU_HAL_SIM_MHZ (100 MHz), so now_us() =
 * cycles / 100; each now_us() call also steps the model one cycle, so time advances even
 * in a loop that touched nothing else. Log lines go to stdout.
 */
#ifndef SMMU_HAL_SIM_H
#define SMMU_HAL_SIM_H

#include <stdint.h>

#include "sim.h"
#include "smmu/smmu_hal.h"

#define SMMU_HAL_SIM_MHZ 100u
#define SMMU_HAL_SIM_PAGE 4096u
#define SMMU_HAL_SIM_MAX_PAGES (SIM_DMA_POOL_SIZE / SMMU_HAL_SIM_PAGE)

typedef struct smmu_hal_sim {
    smmu_hal_t hal;          /* pass &hal to smmu_probe; hal.ctx points back here */
    sim_t *sim;

    /* DMA pool and its page allocator. */
    uint8_t *pool;
    uint64_t pool_pa;
    size_t pool_size;
    uint32_t npages;
    /* No heap: a test that stops early (longjmp) leaks nothing. */
    uint32_t used[SMMU_HAL_SIM_MAX_PAGES / 32u];   /* bitmap, one bit per page */
    uint32_t alloc_pages[SMMU_HAL_SIM_MAX_PAGES];  /* at an allocation's first page: its
                                                    * page count */
    size_t bytes_in_use;     /* in whole pages */
    unsigned allocs;         /* live allocations */

    /* Logging. */
    int log_level;           /* print lines at this level or more severe (default INFO) */
    unsigned log_count[4];   /* lines per level (printed or not) */
    char last_warn[256];     /* the last line at SMMU_LOG_WARN or more severe */
} smmu_hal_sim_t;

/* Fill *h for `sim` (about 66 KB: make it static or give it room): 0, or -1 if the pool
 * is unusable. */
int smmu_hal_sim_init(smmu_hal_sim_t *h, sim_t *sim);

/* Forget the pool (it belongs to the model); reports on stdout allocations still live. */
void smmu_hal_sim_fini(smmu_hal_sim_t *h);

#endif /* SMMU_HAL_SIM_H */
