/*
 * SMMUv3 driver: AArch64 translation tables, 4 KB, 16 KB or 64 KB granule (one per tree),
 * little-endian, stage 1 and stage 2 (VMSAv8-64; IHI 0070 3.4, Arm ARM D8.2-D8.6; DS = 0,
 * no 52-bit addresses).
 *
 * A table tree maps input addresses (VA at stage 1, IPA at stage 2) to output addresses
 * with pages of the granule and the blocks it has, chosen automatically wherever the
 * input address, output address and remaining length are aligned: 4 KB pages, 2 MB
 * (level 2) and 1 GB (level 1) blocks; 16 KB pages and 32 MB blocks (level 2); 64 KB
 * pages and 512 MB blocks (level 2). A table is one granule (512, 2048 or 8192
 * descriptors). Table memory (granule-sized and aligned; a concatenated stage-2 start
 * table is up to 16 contiguous tables) comes from the HAL's dma_alloc and goes back
 * through dma_free; descriptors hold physical addresses, so the HAL's pa_to_cpu is
 * required.
 *
 * The tree itself never talks to the SMMU. Removing translations needs TLB
 * invalidation, which the owner (a domain, smmu_domain.h) performs: unmap records the
 * removed input range and the freed table pages in an smmu_gather_t; the owner
 * invalidates the range, issues one CMD_SYNC and only then frees the pages (a walk in
 * flight may still read them until the sync). When the gather's page list is full, or
 * a block must be broken before it is replaced (no BBML2), the tree calls the gather's
 * flush callback itself.
 *
 * Freestanding (no libc, no 64-bit division or variable 64-bit shifts); not
 * thread-safe (callers serialise updates of one tree).
 */
#ifndef SMMU_PGTABLE_H
#define SMMU_PGTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "smmu/smmu_hal.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SMMU_PAGE_SIZE 0x1000ull   /* the 4 KB granule's page */
#define SMMU_BLOCK_2M 0x200000ull
#define SMMU_BLOCK_1G 0x40000000ull

/* Translation granules, as log2 of their size (smmu_pgtable_cfg.granule,
 * smmu_domain_cfg.granule). 0 means 4 KB. */
#define SMMU_GRANULE_4K 12u
#define SMMU_GRANULE_16K 14u
#define SMMU_GRANULE_64K 16u

/* Permissions of a mapping (bit set). */
#define SMMU_PROT_READ 0x1u  /* readable (stage 1: always; AArch64 has no write-only) */
#define SMMU_PROT_WRITE 0x2u /* writable */
#define SMMU_PROT_EXEC 0x4u  /* instruction fetches allowed (else PXN+UXN / S2 XN = 0b10) */
#define SMMU_PROT_PRIV 0x8u  /* stage 1: privileged accesses only (AP[1] = 0); ignored at
                              * stage 2, which has no privilege levels */

/* What a mapping points at; selects the memory attributes (IHI 0070 13 and Arm ARM D8.6). */
enum smmu_map_kind {
    /* Cacheable memory: stage 1 Normal WB RWA inner-shareable (MAIR index
     * SMMU_MAIR_IDX_WB); stage 2 MemAttr 0xF without FWB (Normal WB, stage 1 may weaken
     * it) or 0x6 with FWB (forced WB). */
    SMMU_MAP_MEM = 0,
    /* Device registers: stage 1 Device-nGnRE (SMMU_MAIR_IDX_DEV); stage 2 MemAttr 0x1
     * Device-nGnRE, with or without FWB. */
    SMMU_MAP_MMIO = 1,
    /* IO memory (a BAR, a frame buffer) that a guest may map Device or Normal-NC:
     * stage 1 Normal NC (SMMU_MAIR_IDX_NC); stage 2 MemAttr 0x5 (no FWB: Normal NC, the
     * guest's Device still wins in the combine; FWB: stage-1 Device stays Device,
     * anything else becomes Normal NC). */
    SMMU_MAP_IO = 2,
};

/* The MAIR a stage-1 CD must hold for the AttrIndx values the tree writes. */
#define SMMU_MAIR_IDX_NC 0u  /* 0x44 Normal iNC-oNC */
#define SMMU_MAIR_IDX_WB 1u  /* 0xFF Normal iWB-oWB RWA non-transient */
#define SMMU_MAIR_IDX_DEV 2u /* 0x04 Device-nGnRE */
#define SMMU_MAIR_VALUE 0x000000000004ff44ull

/* Stage-2 MemAttr values (descriptor bits [5:2]) per kind and encoding. */
#define SMMU_S2_MEMATTR_WB 0xFu        /* no FWB: Normal oWB-iWB */
#define SMMU_S2_MEMATTR_FWB_WB 0x6u    /* FWB: force write-back */
#define SMMU_S2_MEMATTR_DEV_nGnRE 0x1u /* both */
#define SMMU_S2_MEMATTR_NC 0x5u        /* both: Normal NC (no FWB) / "NC unless S1 Device" */

typedef struct smmu_pgtable smmu_pgtable_t;
typedef struct smmu_gather smmu_gather_t;

/* A table page waiting to be freed after the next CMD_SYNC. */
typedef struct smmu_freed_table {
    void *cpu;
    uint64_t pa;
    uint32_t size;            /* bytes (the tree's granule) */
} smmu_freed_table_t;

#define SMMU_GATHER_MAX_FREED 16u

/*
 * What an unmap (or a block split) removed: the input range to invalidate and the
 * table pages to free after the invalidation is complete. Initialise with
 * smmu_gather_init(); the owner's flush callback must invalidate [start, end) (leaf
 * only if `leaf`), issue a CMD_SYNC, then call smmu_gather_release() to free the pages
 * and empty the gather. It returns 0 or a negative smmu_err; the tree stops and passes
 * the error up.
 */
struct smmu_gather {
    uint64_t start, end;      /* [start, end) removed; start == end: nothing */
    bool leaf;                /* only leaf entries were removed (no table pages freed) */
    unsigned nfreed;
    smmu_freed_table_t freed[SMMU_GATHER_MAX_FREED];
    int (*flush)(void *cookie, smmu_gather_t *g);
    void *cookie;
    const smmu_hal_t *hal;    /* set by the tree: where freed pages go */
};

/* Empty gather with the owner's flush callback. */
void smmu_gather_init(smmu_gather_t *g, int (*flush)(void *cookie, smmu_gather_t *g),
                      void *cookie);
/* Add [iova, iova + size) to the range to invalidate (the range grows to cover it). */
void smmu_gather_add(smmu_gather_t *g, uint64_t iova, uint64_t size, bool leaf);
/* After the owner's invalidation and CMD_SYNC: free the gathered table pages and empty
 * the gather (range and list). */
void smmu_gather_release(smmu_gather_t *g);

/* Parameters of a new tree. */
typedef struct smmu_pgtable_cfg {
    unsigned stage;      /* 1 or 2 */
    unsigned ias;        /* input address bits: 25..48 (stage 1: VA, T0SZ = 64 - ias;
                          * stage 2: IPA, S2T0SZ = 64 - ias) */
    unsigned oas;        /* output address bits: 32..48 (IPS / S2PS), <= the SMMU's OAS */
    bool fwb;            /* stage 2: the STE will set S2FWB (MemAttr FWB encoding) */
    bool bbml2;          /* IDR3.BBML >= 2: a block may be replaced by a table without
                          * break-before-make */
    bool concat;         /* stage 2: concatenate up to 16 start tables to save a level
                          * when the start level would be level 0 (as Linux does); done
                          * anyway where the start level needs a larger PA size (level 0
                          * of 4 KB below 44 bits, level 1 of 16 KB below 42 and of 64 KB
                          * below 44) or does not exist without DS (level 0 of 16 KB) */
    bool split64;        /* the CPU writes a 64-bit descriptor as two 32-bit stores
                          * (rv32): halves are ordered so no torn descriptor is valid,
                          * and a block is replaced by a table only with
                          * break-before-make unless the high halves are equal */
    unsigned granule;    /* SMMU_GRANULE_4K (or 0: the default), SMMU_GRANULE_16K,
                          * SMMU_GRANULE_64K (last: older initialisers keep their meaning) */
} smmu_pgtable_cfg_t;

struct smmu_pgtable {
    const smmu_hal_t *hal;
    smmu_pgtable_cfg_t cfg;
    unsigned gshift;       /* log2 of the granule: 12, 14 or 16 */
    unsigned stride;       /* index bits per level: gshift - 3 */
    unsigned start_level;  /* 0..3 */
    unsigned start_bits;   /* index bits at the start level (with concatenation) */
    unsigned nconcat;      /* stage-2 start tables (1 = none) */
    void *root;            /* CPU pointer of the start table(s) */
    uint64_t root_pa;
    size_t root_size;
    unsigned tables;       /* live table pages below the root */
    uint64_t mapped;       /* bytes mapped */
};

/*
 * Create an empty tree: checks cfg (SMMU_EINVAL for an unsupported stage/granule/ias/oas,
 * or a stage-2 geometry the architecture cannot express),
 * needs hal->pa_to_cpu, allocates the start table(s) (zeroed = all invalid). Returns 0,
 * SMMU_EINVAL or SMMU_ENOMEM.
 */
int smmu_pgtable_init(smmu_pgtable_t *pgt, const smmu_hal_t *hal, const smmu_pgtable_cfg_t *cfg);

/* Free every table page (the root included). The caller has made sure the SMMU no
 * longer walks the tree (no STE/CD points at it, invalidation complete). */
void smmu_pgtable_free(smmu_pgtable_t *pgt);

/* Stage-1 TCR-like values for a CD (T0SZ, IPS encoding) / stage-2 values for an STE
 * (S2T0SZ, S2SL0, S2PS encoding) of this tree; the granule in the CD.TG0 / STE.S2TG
 * encoding (00 4 KB, 01 64 KB, 10 16 KB), in the range-TLBI TG encoding (1 4 KB, 2 16 KB,
 * 3 64 KB), and its size in bytes. */
unsigned smmu_pgtable_tsz(const smmu_pgtable_t *pgt);
unsigned smmu_pgtable_sl0(const smmu_pgtable_t *pgt);
unsigned smmu_pgtable_ps(const smmu_pgtable_t *pgt);
unsigned smmu_pgtable_tg(const smmu_pgtable_t *pgt);
unsigned smmu_pgtable_tlbi_tg(const smmu_pgtable_t *pgt);
uint64_t smmu_pgtable_page_size(const smmu_pgtable_t *pgt);

/*
 * Map [iova, iova + size) to [pa, pa + size) with permissions `prot` (SMMU_PROT_*) and
 * attributes of `kind` (enum smmu_map_kind). iova, pa and size must be aligned to the
 * granule (its page size), size > 0, iova + size <= 2^ias, pa + size <= 2^oas; prot must
 * include READ or WRITE (stage 1: a writable mapping is also readable). Blocks of the
 * granule are used where iova, pa and the remaining size allow and no table exists
 * there yet. Nothing in the
 * range may be mapped already. New entries become visible to the SMMU leaf-first
 * (a new table is filled before its table descriptor is written, with a write barrier
 * between); mapping needs no invalidation (invalid entries are never cached). On
 * failure the part mapped by this call is unmapped again into *g (which the caller
 * flushes as after an unmap; tables created are kept). Returns 0, SMMU_EINVAL,
 * SMMU_EEXIST or SMMU_ENOMEM.
 */
int smmu_pgtable_map(smmu_pgtable_t *pgt, uint64_t iova, uint64_t pa, uint64_t size,
                     unsigned prot, unsigned kind, smmu_gather_t *g);

/*
 * Unmap [iova, iova + size) (aligned to the granule). Unmapped holes inside the range are
 * skipped. A block only partly inside the range is split: replaced by a table that maps
 * the rest of it (with BBML2 directly, else break-before-make through g->flush). Table
 * pages whose whole range is unmapped are freed through the gather. The removed range
 * is added to *g; the caller flushes g afterwards (one TLBI batch + one CMD_SYNC).
 * Returns the bytes that were mapped and are now unmapped (>= 0), or a negative
 * smmu_err (SMMU_EINVAL, SMMU_ENOMEM for a split, or the flush callback's error).
 */
int64_t smmu_pgtable_unmap(smmu_pgtable_t *pgt, uint64_t iova, uint64_t size, smmu_gather_t *g);
/* The same, returning 0 or the error, with the bytes unmapped in *bytes also when it
 * stops part-way (what it removed before the error is in *g, to be flushed). */
int smmu_pgtable_unmap_bytes(smmu_pgtable_t *pgt, uint64_t iova, uint64_t size,
                             smmu_gather_t *g, uint64_t *bytes);

/*
 * Look up one input address: its output address (page offset kept) in *pa, and, when
 * not NULL, the leaf descriptor in *desc and its level (1, 2 or 3) in *level. Returns
 * 0 or SMMU_ENOENT (no translation).
 */
int smmu_pgtable_iova_to_phys(const smmu_pgtable_t *pgt, uint64_t iova, uint64_t *pa,
                              uint64_t *desc, unsigned *level);

/* The leaf descriptor the tree writes for (pa, prot, kind) at `level` (a block level of
 * the granule, or 3: page), without the output address check; 0 for invalid
 * prot/kind/level. Pure; for tests and for building a guest's tables. */
uint64_t smmu_pgtable_leaf(const smmu_pgtable_t *pgt, unsigned level, uint64_t pa,
                           unsigned prot, unsigned kind);

#ifdef __cplusplus
}
#endif
#endif /* SMMU_PGTABLE_H */
