/* The driver's HAL on the FPGA SoC (fpga/): volatile MMIO, the linker's DMA pool in
 * on-chip RAM handed to the core's page allocator (smmu/smmu_pool.h), the hardware
 * microsecond counter, UART logging, and the interrupt logic's MSI doorbell as every
 * source's MSI target (data = the source: MSI_PEND bit n is enum smmu_msi_src n). PicoRV32 is a 32-bit CPU: no
 * SMMU_HAL_CAP_STORE64. */
#ifndef SMMU_HAL_SOC_H
#define SMMU_HAL_SOC_H

#include <stddef.h>
#include <stdint.h>

#include "smmu/smmu_hal.h"
#include "smmu/smmu_pool.h"

#define SOC_POOL_PAGE SMMU_POOL_PAGE
#define SOC_POOL_MAX_PAGES 64u

typedef struct smmu_hal_soc {
    smmu_hal_t hal;
    smmu_pool_t pool;          /* CPU address = physical address on this SoC */
    uint32_t used[SMMU_POOL_WORDS(SOC_POOL_MAX_PAGES)];
    uint32_t first[SMMU_POOL_WORDS(SOC_POOL_MAX_PAGES)];
    int log_level;             /* lines at or below this level are printed */
    unsigned log_count[4];
} smmu_hal_soc_t;

/* Fill the HAL over the linker's DMA pool; returns 0 or -1 (pool missing/misaligned). */
int smmu_hal_soc_init(smmu_hal_soc_t *h);

/* The pool's allocator, also used by the self-test for its own tables and buffers. */
int soc_dma_alloc(smmu_hal_soc_t *h, size_t size, size_t align, void **cpu, uint64_t *pa);
void soc_dma_free(smmu_hal_soc_t *h, void *cpu, uint64_t pa, size_t size);

uint64_t soc_now_us(void);
uint64_t soc_cycles(void);

#endif
