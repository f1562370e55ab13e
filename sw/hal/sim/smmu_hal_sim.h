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
 * the model sees directly, so the CPU view is coherent) through the core's page
 * allocator (smmu/smmu_pool.h): this HAL only hands it the pool. 64-bit stores are
 * single-copy atomic here (SMMU_HAL_CAP_STORE64: the model reads the pool only between
 * the host's calls).
 * Time: the model's clock is taken as SMMU_HAL_SIM_MHZ (100 MHz), so now_us() =
 * cycles / 100; each now_us() call also steps the model one cycle, so time advances even
 * in a loop that touched nothing else. Log lines go to stdout.
 */
#ifndef SMMU_HAL_SIM_H
#define SMMU_HAL_SIM_H

#include <stdint.h>

#include "sim.h"
#include "smmu/smmu_hal.h"
#include "smmu/smmu_pool.h"

#define SMMU_HAL_SIM_MHZ 100u
/* The simulated interrupt controller's MSI doorbells: one 32-bit register per source
 * (enum smmu_msi_src) at SMMU_HAL_SIM_DOORBELL_PA + 4 * src, outside the DMA pool (model
 * memory the platform reads through the back door), written with
 * SMMU_HAL_SIM_MSI_DATA(src) as Device-nGnRE. */
#define SMMU_HAL_SIM_DOORBELL_PA 0x7ff00000ull
#define SMMU_HAL_SIM_MSI_DATA(src) (0x4d534900u | (unsigned)(src))
#define SMMU_HAL_SIM_PAGE 4096u
#define SMMU_HAL_SIM_MAX_PAGES (SIM_DMA_POOL_SIZE / SMMU_HAL_SIM_PAGE)

typedef struct smmu_hal_sim {
    smmu_hal_t hal;          /* pass &hal to smmu_probe; hal.ctx points back here */
    sim_t *sim;

    /* The DMA pool; pool.allocs / pool.bytes_in_use say what is live. No heap: a test
     * that stops early (longjmp) leaks nothing. */
    smmu_pool_t pool;
    uint32_t used[SMMU_POOL_WORDS(SMMU_HAL_SIM_MAX_PAGES)];
    uint32_t first[SMMU_POOL_WORDS(SMMU_HAL_SIM_MAX_PAGES)];

    /* Logging. */
    int log_level;           /* print lines at this level or more severe (default INFO) */
    unsigned log_count[4];   /* lines per level (printed or not) */
    char last_warn[256];     /* the last line at SMMU_LOG_WARN or more severe */
} smmu_hal_sim_t;

/* Fill *h for `sim`: 0, or -1 if the pool is unusable. */
int smmu_hal_sim_init(smmu_hal_sim_t *h, sim_t *sim);

/* Offer MSI targets (hal.msi_msg): the doorbells above, for every source; off by default
 * (the driver then uses wired interrupts). Call before smmu_init. */
void smmu_hal_sim_msi(smmu_hal_sim_t *h, int on);

/* The doorbell of `src` as the interrupt controller sees it, cleared for the next MSI:
 * SMMU_HAL_SIM_MSI_DATA(src) if an MSI arrived since the last call, else 0. */
uint32_t smmu_hal_sim_doorbell(smmu_hal_sim_t *h, unsigned src);

/* Forget the pool (it belongs to the model); reports on stdout allocations still live. */
void smmu_hal_sim_fini(smmu_hal_sim_t *h);

#endif /* SMMU_HAL_SIM_H */
