/*
 * The guest's side of nesting, for a VMM (or a test or demo playing the guest): a
 * memory provider for building a guest's translation structures in the guest's own
 * memory, and the guest's TLB maintenance through a vIOMMU.
 *
 * Under nesting the guest's CDs and stage-1 tables hold intermediate physical addresses
 * (IPAs), which the SMMU turns into physical addresses through the nest parent's stage
 * 2. A VMM, a test or a demo playing the guest can still use the driver's table code
 * (smmu_pgtable_*) for them: this HAL hands out 4 KB pages of one region of guest RAM
 * (host memory the parent maps at `ipa`), reports their IPA as the "physical" address
 * and maps IPAs back to CPU pointers. Barriers, time and logging are the host HAL's.
 *
 * Part of the core (it builds TLBIs and drives the vIOMMU), freestanding; the pages
 * come from the core's page allocator (smmu_pool.h) over the guest RAM region.
 * Below, the guest's invalidation for such a tree, as a gather flush through the
 * vIOMMU.
 */
#ifndef SMMU_GUEST_H
#define SMMU_GUEST_H

#include <stddef.h>
#include <stdint.h>

#include "smmu/smmu_hal.h"
#include "smmu/smmu_nested.h"
#include "smmu/smmu_pgtable.h"
#include "smmu/smmu_pool.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SMMU_HAL_GUEST_PAGE 4096u
#define SMMU_HAL_GUEST_MAX_PAGES 512u /* 2 MB of guest RAM */

typedef struct smmu_hal_guest {
    smmu_hal_t hal;             /* give &hal to smmu_pgtable_init; hal.ctx points here */
    const smmu_hal_t *host;     /* what barriers, time and logging delegate to */
    /* The region: CPU address = the host's view, "physical" = the IPA; pool.allocs
     * counts the live allocations. */
    smmu_pool_t pool;
    uint32_t used[SMMU_POOL_WORDS(SMMU_HAL_GUEST_MAX_PAGES)];
    uint32_t first[SMMU_POOL_WORDS(SMMU_HAL_GUEST_MAX_PAGES)];
} smmu_hal_guest_t;

/*
 * Set up *g for the region [cpu, cpu + size) that the guest sees at `ipa`. `cpu` and
 * `ipa` must be 4 KB aligned with the same offset within any larger alignment the
 * guest's allocations will ask for (align both to 2 MB to be safe); size a multiple of
 * 4 KB, at most SMMU_HAL_GUEST_MAX_PAGES pages. Returns 0 or SMMU_EINVAL.
 */
int smmu_hal_guest_init(smmu_hal_guest_t *g, const smmu_hal_t *host, void *cpu, uint64_t ipa,
                        size_t size);

/*
 * The guest's side of TLB maintenance for a stage-1 tree it built in its memory: an
 * smmu_gather_t flush callback (cookie: an smmu_guest_flush_t) that queues what the
 * guest's own driver would put on its virtual SMMU - one TLBI_NH_VA per page of the
 * gathered range (leaf as gathered) up to SMMU_GUEST_FLUSH_MAX_PAGES, else one
 * TLBI_NH_ASID - and hands it to smmu_viommu_invalidate(), which supplies the VMID;
 * then releases the gathered table pages. Returns 0 or the vIOMMU's error.
 */
#define SMMU_GUEST_FLUSH_MAX_PAGES 16u
typedef struct smmu_guest_flush {
    smmu_viommu_t *viommu;
    uint16_t asid;            /* the guest's ASID for the tree (in its CD) */
} smmu_guest_flush_t;
int smmu_guest_flush(void *cookie, smmu_gather_t *g);

#ifdef __cplusplus
}
#endif
#endif /* SMMU_GUEST_H */
