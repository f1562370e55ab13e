/*
 * The driver's page allocator: hands out zero-filled runs of 4 KB pages of one region of
 * DMA-able memory, aligned (the physical address, and the CPU address when the region's
 * two addresses are congruent modulo the alignment) up to the allocation's size rounded
 * up to a power of two, first fit. A HAL gives it memory and two bitmaps of storage, and
 * its dma_alloc / dma_free / pa_to_cpu call these; it keeps no other state and
 * allocates nothing itself (freestanding, like the core).
 *
 * Per page it keeps two bits: in use, and first page of an allocation; a free names its
 * allocation exactly (start, page count) or is refused, so a driver bug cannot corrupt
 * the pool. Metadata is 2 bits a page: 8 bytes for the SoC's 32-page pool, 4 KB for
 * the simulator's 64 MB.
 */
#ifndef SMMU_POOL_H
#define SMMU_POOL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SMMU_POOL_PAGE 4096u
/* 32-bit words of each bitmap for `pages` pages. */
#define SMMU_POOL_WORDS(pages) (((pages) + 31u) / 32u)

typedef struct smmu_pool {
    uint8_t *cpu;        /* the region as the CPU sees it (4 KB aligned) */
    uint64_t pa;         /* ... and as the SMMU does (4 KB aligned) */
    uint32_t npages;
    uint32_t *used;      /* SMMU_POOL_WORDS(npages) words: page in use */
    uint32_t *first;     /* SMMU_POOL_WORDS(npages) words: first page of an allocation */
    unsigned allocs;     /* live allocations */
    size_t bytes_in_use; /* in whole pages */
} smmu_pool_t;

/*
 * A pool over [cpu, cpu + size) at physical address pa: both 4 KB aligned; size in
 * whole pages, at most max_pages of them (the bitmaps' capacity: `used` and `first`
 * each hold SMMU_POOL_WORDS(max_pages) words). Pages beyond max_pages go unused.
 * Returns 0 or SMMU_EINVAL.
 */
int smmu_pool_init(smmu_pool_t *p, void *cpu, uint64_t pa, size_t size, uint32_t *used,
                   uint32_t *first, uint32_t max_pages);

/* smmu_hal_t.dma_alloc semantics: 0, SMMU_EINVAL (size 0, alignment not a power of two
 * or above the size rounded up to one) or SMMU_ENOMEM; *cpu and *pa set only on
 * success. */
int smmu_pool_alloc(smmu_pool_t *p, size_t size, size_t align, void **cpu, uint64_t *pa);

/* Free an allocation: cpu, pa and size as allocated (NULL cpu: nothing). Returns 0, or
 * SMMU_EINVAL for anything that is not exactly one live allocation (nothing freed). */
int smmu_pool_free(smmu_pool_t *p, void *cpu, uint64_t pa, size_t size);

/* The CPU pointer of a physical address inside the region, or NULL. */
void *smmu_pool_pa_to_cpu(const smmu_pool_t *p, uint64_t pa);

#ifdef __cplusplus
}
#endif
#endif /* SMMU_POOL_H */
