/* The driver's HAL on the FPGA SoC: volatile MMIO, a static DMA pool in on-chip RAM
 * (4 KB pages, alignment up to the allocation's size), the hardware microsecond
 * counter, UART logging. */
#ifndef SMMU_HAL_SOC_H
#define SMMU_HAL_SOC_H

#include <stddef.h>
#include <stdint.h>

#include "smmu/smmu_hal.h"

#define SOC_POOL_PAGE 4096u
#define SOC_POOL_MAX_PAGES 64u

typedef struct smmu_hal_soc {
    smmu_hal_t hal;
    uint8_t *pool;             /* CPU address = physical address on this SoC */
    uint32_t npages;
    uint32_t used[SOC_POOL_MAX_PAGES / 32u];
    uint8_t alloc_pages[SOC_POOL_MAX_PAGES]; /* pages of the allocation starting here */
    unsigned allocs;           /* live allocations */
    size_t bytes_in_use;
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
