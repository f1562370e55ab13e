/*
 * SMMUv3 driver: domains, masters (StreamIDs) and hitless STE/CD updates.
 *
 * A domain is a translation context that streams attach to:
 *   SMMU_DOMAIN_BLOCKED   every transaction aborts (STE Config = abort, no event)
 *   SMMU_DOMAIN_IDENTITY  bypass (STE Config = bypass, incoming attributes)
 *   SMMU_DOMAIN_S1        stage-1 paging: own ASID, one CD, a stage-1 table tree
 *                         (NS-EL1 StreamWorld, VMID 0)
 *   SMMU_DOMAIN_S2        stage-2 paging: own VMID, a stage-2 table tree (S2FWB when
 *                         the SMMU has FWB and is coherent, unless cfg.no_fwb)
 *   SMMU_DOMAIN_NESTED    a guest's stage 1 on a nest-parent stage 2 (smmu_nested.h)
 * A master (smmu_master_t, caller-owned) is one StreamID, what the firmware says about
 * it (coherency, CANWBS) and the domain it is attached to; the driver keeps a list of
 * its masters to route events by StreamID (smmu_evtq_dispatch). smmu_attach() moves a master between domains by rewriting its STE in place with
 * the hitless update algorithm (IHI 0070 3.21), so a move between configurations
 * that differ in a single used dword never exposes traffic to anything but the old or
 * the new configuration.
 *
 * Entry updates (STE and CD) follow Linux's arm_smmu_write_entry: per dword, the bits
 * the SMMU uses in the current and in the target entry (smmu_ste_used/smmu_cd_used):
 *   - no used bit changes: write the entry; one sync if anything changed;
 *   - used bits change in exactly one dword ("critical"): write the bits the current
 *     configuration ignores (sync), the critical dword (sync), clear bits the target
 *     ignores (sync) - up to 3 syncs, hitless;
 *   - more than one: V = 0 (sync), dwords 1..7 (sync), dword 0 (sync) - 3 syncs; traffic
 *     in between sees an invalid STE (C_BAD_STE) / CD (C_BAD_CD).
 * A "sync" is CFGI_STE (CFGI_CD for a CD) + CMD_SYNC, skipped when the step changed
 * nothing.
 *
 * 32-bit CPUs (smmu_t.split64): a dword is written as two 32-bit stores, so the SMMU
 * may read a half-written dword. Unused-bit steps are harmless in any order. The
 * critical dword is written in the order (low or high half first) whose intermediate
 * entry is equivalent to the old or the new one (same used bits, same values in them);
 * when neither order has that property the update takes the V = 0 path instead. The
 * V = 0 path clears dword 0's low half (V) first and writes the final dword 0 high half
 * first, so an intermediate is either invalid or complete. The L1 stream-table
 * descriptor is written high half first (SPAN, in the low half, last).
 */
#ifndef SMMU_DOMAIN_H
#define SMMU_DOMAIN_H

#include <stdbool.h>
#include <stdint.h>

#include "smmu/smmu.h"
#include "smmu/smmu_pgtable.h"

#ifdef __cplusplus
extern "C" {
#endif

enum smmu_domain_type {
    SMMU_DOMAIN_BLOCKED = 0,
    SMMU_DOMAIN_IDENTITY = 1,
    SMMU_DOMAIN_S1 = 2,
    SMMU_DOMAIN_S2 = 3,
    SMMU_DOMAIN_NESTED = 4,  /* made by smmu_nested_domain_init only */
};

struct smmu_viommu; /* smmu_nested.h */

/* Options of a new domain (NULL = defaults). */
typedef struct smmu_domain_cfg {
    unsigned ias;        /* S1: VA bits (default 48); S2: IPA bits (default min(OAS, 48));
                          * 25..48 */
    bool no_fwb;         /* S2: never set S2FWB (stage-2 MemAttr in the non-FWB encoding) */
    bool no_concat;      /* S2: no concatenated start tables */
    bool nest_parent;    /* S2: will be the stage 2 of nested domains (S2PTW = 1; unmap
                          * also invalidates the VMID's combined entries, TLBI_NH_ALL) */
    unsigned granule;    /* S1, S2: the tree's translation granule, SMMU_GRANULE_4K (0,
                          * the default), SMMU_GRANULE_16K or SMMU_GRANULE_64K; one the
                          * SMMU lacks (IDR5.GRAN4K/16K/64K) is SMMU_EINVAL. The CD's TG0
                          * or the STE's S2TG says it, invalidation uses it as the range
                          * TLBI's TG, and map/unmap work in its page size (last, so
                          * initialisers written before it keep their meaning) */
} smmu_domain_cfg_t;

/* Invalidation counts of a domain. */
typedef struct smmu_domain_stats {
    uint64_t tlbi_cmds;  /* TLBI commands issued */
    uint64_t syncs;      /* CMD_SYNCs that completed a TLBI batch */
    uint64_t flushes;    /* batches (gathers flushed) */
} smmu_domain_stats_t;

typedef struct smmu_domain {
    smmu_t *smmu;            /* NULL: dead (never initialised, init failed, or freed) */
    unsigned type;           /* enum smmu_domain_type */
    uint16_t asid;           /* S1 */
    uint16_t vmid;           /* S2 (S1 domains use VMID 0); nested: the parent's */
    bool fwb;                /* S2: STE.S2FWB (and the tree's MemAttr encoding) */
    bool nest_parent;
    bool coherent_walk;      /* table walks are WB cacheable (smmu_t.coherent) */
    bool enforce_cc;         /* smmu_domain_enforce_cache_coherency() succeeded: only
                              * CANWBS masters may attach */
    smmu_pgtable_t pgt;      /* S1, S2 */
    unsigned attached;       /* masters attached */
    smmu_domain_stats_t stats;
    /* Events of attached masters (smmu_evtq_dispatch); NULL: the SMMU's handler. */
    smmu_event_cb_t fault_cb;
    void *fault_arg;
    /* NESTED: the vIOMMU (its parent gives stage 2) and the validated guest STE. A nest
     * parent: the vIOMMU on it. */
    struct smmu_viommu *viommu;
    uint64_t guest_ste[2];
    struct smmu_domain *next;/* the SMMU's list of live domains */
} smmu_domain_t;

/* What the firmware (DT, ACPI IORT) says about a master: smmu_master_init_fw flags. */
#define SMMU_MASTER_DMA_COHERENT 0x1u /* "dma-coherent": its accesses snoop the CPU caches
                                       * when the attributes say cacheable */
#define SMMU_MASTER_CANWBS 0x2u       /* IORT CANWBS: its accesses are coherent write-back
                                       * whatever the attributes and No_snoop say */

/* One StreamID, its context descriptors and where it is attached (caller-owned). */
typedef struct smmu_master {
    smmu_t *smmu;            /* NULL: dead (never initialised, init failed, or fini) */
    uint32_t sid;
    unsigned fw_flags;       /* SMMU_MASTER_* */
    smmu_domain_t *domain;   /* NULL: the STE aborts (never attached, or detached) */
    unsigned last_syncs;     /* syncs the last attach/detach needed for the STE (0..3) */
    bool last_hitless;       /* the last attach/detach never exposed V = 0 */
    unsigned last_cd_syncs;  /* ... and for the CD (0..3) */
    /* The master's CD table (as Linux's cd_table): 2^cd_log2 CDs, linear (S1Fmt 0),
     * allocated by a stage-1 attach; CD 0 (SubstreamID 0) holds the stage-1 domain's
     * CD. Freed when the master leaves stage 1 (no other SubstreamID is in use yet),
     * or by smmu_master_fini. */
    smmu_dma_t cdtab;
    unsigned cd_log2;        /* STE.S1CDMax; 0 today (SubstreamID 0 only) */
    struct smmu_viommu *viommu; /* bound to a vIOMMU (smmu_viommu_vdev_add) */
    uint32_t vsid;           /* its virtual StreamID there */
    struct smmu_master *next;/* the SMMU's list of masters */
} smmu_master_t;

/*
 * Create a domain of `type` on an initialised SMMU. S1 needs IDR0.S1P, S2 needs
 * IDR0.S2P (else SMMU_ENOTSUP); cfg->granule one IDR5 reports (else SMMU_EINVAL). S1 allocates an ASID (the lowest free of
 * 1..2^smmu->asid_bits - 1) and the tree; S2 a VMID (likewise) and the tree. Returns 0,
 * SMMU_EINVAL, SMMU_ENOTSUP, SMMU_ENOSPC (no free ASID/VMID), SMMU_ENOMEM, or
 * SMMU_EBUSY when d is a live domain (left unchanged). On any other failure d is dead.
 */
int smmu_domain_init(smmu_domain_t *d, smmu_t *smmu, unsigned type, const smmu_domain_cfg_t *cfg);

/*
 * Destroy a domain with no master attached (else SMMU_EBUSY): invalidate its TLB
 * entries (TLBI_NH_ASID or TLBI_S12_VMALL + CMD_SYNC), free the tree and the
 * ASID/VMID. A nest parent with a vIOMMU is SMMU_EBUSY too. Returns 0 or a negative
 * smmu_err (on SMMU_ETIMEDOUT/SMMU_EIO the domain is freed regardless; SMMU_EBUSY and
 * SMMU_EINVAL change nothing). The domain is dead afterwards.
 */
int smmu_domain_free(smmu_domain_t *d);

/*
 * Map [iova, iova + size) to pa in a paging domain (S1/S2): smmu_pgtable_map() with
 * prot (SMMU_PROT_*) and kind (enum smmu_map_kind). Returns 0 or its error (a partial
 * mapping is undone and invalidated). SMMU_EINVAL for identity/blocked domains.
 */
int smmu_domain_map(smmu_domain_t *d, uint64_t iova, uint64_t pa, uint64_t size,
                    unsigned prot, unsigned kind);

/*
 * Unmap [iova, iova + size) and invalidate it as one batch: with IDR3.RIL, range TLBIs
 * (TLBI_NH_VA with the ASID / TLBI_S2_IPA with the VMID) covering the range; without,
 * one TLBI per 4 KB page, or one TLBI_NH_ASID / TLBI_S12_VMALL when that would exceed
 * SMMU_TLBI_MAX_PAGES; LEAF = 1 unless table pages were freed; then one CMD_SYNC (more
 * only when a split without BBML2 or a full list of freed tables forced an early
 * flush); then freed table pages go back to the HAL.
 * Returns the bytes unmapped, as Linux's iommu_unmap: the mapped part of the range
 * (holes are skipped). `err` (may be NULL) gets 0 or the error that stopped the unmap
 * part-way: then only what the return value counts was unmapped - and invalidated,
 * unless the error came from the invalidation itself (SMMU_ETIMEDOUT/SMMU_EIO) - and
 * the rest is still mapped. A refused call (SMMU_EINVAL) returns 0.
 */
#define SMMU_TLBI_MAX_PAGES 64u
uint64_t smmu_domain_unmap(smmu_domain_t *d, uint64_t iova, uint64_t size, int *err);

/* Read-only views of a domain (0 / false for a dead one): S2FWB, the ASID (S1), the
 * VMID (S2; nested: the parent's), the input address size in bits (S1: VA; S2: IPA;
 * nested: the parent's IPA size). */
bool smmu_domain_fwb(const smmu_domain_t *d);
unsigned smmu_domain_asid(const smmu_domain_t *d);
unsigned smmu_domain_vmid(const smmu_domain_t *d);
unsigned smmu_domain_ias(const smmu_domain_t *d);

/* Output address of `iova` in a paging domain (identity: iova itself); 0 or
 * SMMU_ENOENT. */
int smmu_domain_iova_to_phys(const smmu_domain_t *d, uint64_t iova, uint64_t *pa);

/* The gather flush a domain uses (invalidate, sync, release); `cookie` is the domain.
 * Exposed for callers that drive smmu_pgtable_* on a domain's tree directly. */
int smmu_domain_flush(void *cookie, smmu_gather_t *g);

/* ---- masters ---------------------------------------------------------------------- */

/*
 * A master for StreamID `sid` (< 2^smmu->strtab_log2) with the firmware's description
 * `fw_flags` (SMMU_MASTER_*), not attached; touches no hardware. The master joins the
 * SMMU's list. Returns 0, SMMU_EINVAL (m is then dead, unless it is live), SMMU_EEXIST
 * (another master has this StreamID) or SMMU_EBUSY (m is live: on the list; fini it
 * first). A live m is never changed by a refused call.
 */
int smmu_master_init_fw(smmu_master_t *m, smmu_t *smmu, uint32_t sid, unsigned fw_flags);
/* smmu_master_init_fw with no firmware flags (not coherent, not CANWBS). */
int smmu_master_init(smmu_master_t *m, smmu_t *smmu, uint32_t sid);

/* Forget a master: detach it (abort STE) if attached, free its CD table and leave the
 * SMMU's list; it is dead afterwards. SMMU_EBUSY while it is bound to a vIOMMU. 0 or a
 * negative smmu_err. smmu_teardown() forgets all masters at once. */
int smmu_master_fini(smmu_master_t *m);

/* Read-only views of a master (0 / false / NULL for a dead one): the STE syncs of the
 * last attach/detach, whether it was hitless, and the CD of SubstreamID `ssid` in its
 * CD table (NULL: none, or no table yet). */
unsigned smmu_master_last_syncs(const smmu_master_t *m);
bool smmu_master_last_hitless(const smmu_master_t *m);
const uint64_t *smmu_master_cd(const smmu_master_t *m, uint32_t ssid);

/* The master with StreamID `sid`, or NULL. */
smmu_master_t *smmu_find_master(smmu_t *smmu, uint32_t sid);

/* Capabilities of a master (Linux's iommu_capable):
 *   SMMU_CAP_CACHE_COHERENCY          its DMA through the SMMU is cache coherent: CANWBS,
 *                                     or "dma-coherent" with a coherent SMMU
 *   SMMU_CAP_ENFORCE_CACHE_COHERENCY  a domain can guarantee coherence for it whatever
 *                                     the attributes: only CANWBS (this SMMU honours
 *                                     No_snoop and has no way to strip it) */
enum smmu_cap {
    SMMU_CAP_CACHE_COHERENCY = 0,
    SMMU_CAP_ENFORCE_CACHE_COHERENCY = 1,
};
bool smmu_master_capable(const smmu_master_t *m, unsigned cap);

/*
 * Make domain d guarantee cache-coherent DMA (Linux's enforce_cache_coherency, used by
 * VFIO when no cache maintenance will be done): succeeds only if every master attached
 * now is CANWBS; from then on smmu_attach() refuses other masters with SMMU_ENOTSUP.
 * For a nest parent this covers the masters attached to nested domains of its vIOMMU
 * (they translate through its stage 2).
 * Returns 0, SMMU_ENOTSUP (a non-CANWBS master is attached; d unchanged) or SMMU_EINVAL
 * (not a paging domain).
 */
int smmu_domain_enforce_cache_coherency(smmu_domain_t *d);

/* Where events of the masters attached to d go (smmu_evtq_dispatch); NULL cb: the SMMU's
 * handler. */
void smmu_domain_set_fault_handler(smmu_domain_t *d, smmu_event_cb_t cb, void *arg);

/* The handler of events no domain or vIOMMU claims (NULL: log them at WARN). */
void smmu_set_event_handler(smmu_t *smmu, smmu_event_cb_t cb, void *arg);

/*
 * Drain the event queue (smmu_evtq_drain, at most `max` records, 0 = no limit) and
 * route each record by its StreamID:
 *   - a master attached to a nested domain, event not a stage-2 fault (S2 = 0) and not
 *     F_STE_FETCH (the stream table is the host's): to its vIOMMU's handler, with the
 *     StreamID replaced by the master's vSID and, in F_CD_FETCH / F_WALK_EABT, the
 *     FetchAddr (a host physical address) cleared (the guest's view: C_BAD_STE/C_BAD_CD
 *     of its STE or CD, its stage-1 faults);
 *   - otherwise, a master attached to a domain with a fault handler (a nested domain's
 *     stage-2 faults go to its parent's handler): to that handler, unchanged;
 *   - otherwise: to the SMMU's handler (smmu_set_event_handler), or logged.
 * It routes what is in the queue now: the record of a faulting transaction may be
 * written after the transaction's error response; a CMD_SYNC (smmu_cmdq_sync) first
 * makes sure the records of every transaction terminated before it are in the queue.
 * Returns the number of records routed, or SMMU_EINVAL.
 * Handlers must not attach, detach or free (smmu_attach itself dispatches).
 */
int smmu_evtq_dispatch(smmu_t *smmu, unsigned max);

/*
 * Attach the master to `d` (any type), replacing its current domain. A nested domain
 * whose guest STE translates (stage 1) takes only masters bound to its vIOMMU; a guest
 * abort or bypass domain also takes masters bound to no vIOMMU (Linux allows it, for a
 * guest whose virtual SMMU is off); a domain with enforce_cc only CANWBS masters (else
 * SMMU_EINVAL / SMMU_ENOTSUP). On a 2-level stream table the level-2 table covering
 * the StreamID is allocated first (abort-filled, then the L1 descriptor,
 * CFGI_STE_RANGE + CMD_SYNC). A stage-1 domain's CD goes into the master's CD table
 * (allocated on first use; an update of a CD in use is itself hitless where possible,
 * CFGI_CD + CMD_SYNC); then the STE is rewritten hitlessly where possible; a CD table
 * no longer used is freed afterwards (the STE's CFGI_STE dropped its cached CDs).
 * When the master changes owner - from the host to its guest (a nested domain of the
 * vIOMMU it is bound to) or back - the event queue is drained first (CMD_SYNC, then
 * smmu_evtq_dispatch under the old routing), so a fault of the old owner never reaches
 * the new one: a host IOVA never reaches a guest.
 * Returns 0 or a negative smmu_err (the old attachment then stays in place unless the
 * failure was in a sync).
 */
int smmu_attach(smmu_master_t *m, smmu_domain_t *d);

/* Detach: the STE goes to abort (Config = abort, V = 1). 0 or a negative smmu_err. */
int smmu_detach(smmu_master_t *m);

/* ---- entries ---------------------------------------------------------------------- */

/* The STE "make" functions: fill ste[8] completely. */
void smmu_make_abort_ste(uint64_t ste[8]);
void smmu_make_bypass_ste(const smmu_t *smmu, uint64_t ste[8]);
/* Stage 1 with a CD table of one CD at cd_pa (S1Fmt linear, S1CDMax 0, NS-EL1, VMID 0),
 * as Linux's make_cdtable_ste. */
void smmu_make_s1_ste(const smmu_t *smmu, uint64_t ste[8], uint64_t cd_pa);
/* Stage 2 of domain d (S2 type). */
void smmu_make_s2_ste(const smmu_domain_t *d, uint64_t ste[8]);
/* A nested domain's STE: abort, the parent's stage 2, or the guest's stage 1 fields on
 * the parent's stage 2 with Config = nested (smmu_nested.h). */
void smmu_make_nested_ste(const smmu_domain_t *d, uint64_t ste[8]);
/* The STE master m gets when attached to d (any type; stage 1: m's CD table). */
void smmu_make_master_ste(const smmu_master_t *m, const smmu_domain_t *d, uint64_t ste[8]);
/* The same for a domain whose STE does not depend on the master (not S1). */
void smmu_make_domain_ste(const smmu_domain_t *d, uint64_t ste[8]);
/* The CD of an S1 domain (TTB0 = tree, EPD1, ASID, MAIR = SMMU_MAIR_VALUE, R, A), as
 * Linux's make_s1_cd; it goes into the CD table of each master attached. */
void smmu_make_cd(const smmu_domain_t *d, uint64_t cd[8]);

/* Bits the SMMU uses in an STE / CD, per dword (IHI 0070 5.2, 5.4): used[8]. */
void smmu_ste_used(const uint64_t ste[8], uint64_t used[8]);
void smmu_cd_used(const uint64_t cd[8], uint64_t used[8]);
/* STE bits that may change at any point of an update although the SMMU uses them
 * (safe[8]): STE.MEV, which only merges fault records - IHI 0070 5.2 lets an SMMU merge
 * them even with MEV = 0, so software must cope either way. */
void smmu_ste_update_safe(const uint64_t cur[8], const uint64_t target[8], uint64_t safe[8]);

/*
 * The hitless update engine, independent of where the entry lives (unit tests drive it
 * with their own sync and observe callbacks).
 */
typedef struct smmu_entry_writer smmu_entry_writer_t;
struct smmu_entry_writer {
    void (*used)(const uint64_t *entry, uint64_t *used);   /* smmu_ste_used/smmu_cd_used */
    void (*safe)(const uint64_t *cur, const uint64_t *target, uint64_t *safe); /* optional:
                                                            * smmu_ste_update_safe */
    int (*sync)(smmu_entry_writer_t *w);                   /* make the entry's new state
                                                            * visible (CFGI + CMD_SYNC) */
    void (*observe)(smmu_entry_writer_t *w, const uint64_t *entry); /* optional: after
                                                            * every store */
    bool split64;            /* dwords are written as two 32-bit stores */
    void *ctx;               /* for the callbacks */
    /* Results of the last smmu_entry_write. */
    unsigned syncs;
    bool hitless;            /* false: the V = 0 path was taken */
};

/* Rewrite the 8-dword entry at `entry` (live memory) to `target`. Returns 0 or the first
 * error of w->sync (the update stops there). */
int smmu_entry_write(smmu_entry_writer_t *w, uint64_t *entry, const uint64_t target[8]);

/* True if entries a and b configure the SMMU identically: the same used bits, with the
 * same values in them (per `used`). */
bool smmu_entry_equivalent(void (*used)(const uint64_t *, uint64_t *), const uint64_t a[8],
                           const uint64_t b[8]);

/* The live STE of `sid`, or NULL (out of range; 2-level: no level-2 table yet). */
uint64_t *smmu_ste_ptr(smmu_t *smmu, uint32_t sid);

#ifdef __cplusplus
}
#endif
#endif /* SMMU_DOMAIN_H */
