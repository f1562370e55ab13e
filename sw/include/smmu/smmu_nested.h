/*
 * SMMUv3 driver: nested translation for a hypervisor, modelled on Linux's iommufd
 * (IOMMU_GET_HW_INFO, nest-parent HWPT, vIOMMU, vDEVICE, nested HWPT, vIOMMU cache
 * invalidation, vEVENTQ).
 *
 * The host owns stage 2; a guest owns stage 1 through a virtual SMMU that the VMM
 * emulates. The pieces:
 *
 *   smmu_hw_info()        what the guest's virtual SMMU may advertise (IDR0..5, IIDR,
 *                         AIDR with the stage-2/EL2 features taken out)
 *   nest parent           an SMMU_DOMAIN_S2 domain created with cfg.nest_parent: the
 *                         VM's IPA -> PA map (S2FWB when the SMMU has FWB and is
 *                         coherent; S2PTW)
 *   smmu_viommu_t         one per (VM, SMMU): holds the parent, its VMID, the guest's
 *                         vSID -> pSID table and where guest events go
 *   smmu_viommu_vdev_add  bind a physical master to a virtual StreamID
 *   nested domain         an SMMU_DOMAIN_NESTED domain built from the guest's STE (two
 *                         dwords), validated: abort -> abort STE, bypass -> the parent's
 *                         stage 2 alone, stage 1 -> a nested STE (the guest's CD table at
 *                         an IPA, walked through the parent's stage 2)
 *   smmu_viommu_invalidate  the guest's invalidation commands, rewritten for the host
 *   smmu_evtq_dispatch    (smmu_domain.h) events of a nested stream that the guest
 *                         caused reach the vIOMMU's handler with the vSID in place of the
 *                         physical StreamID
 *
 * The guest cannot make DMA non-coherent behind the host's back: a master joins a
 * vIOMMU only if the parent forces write-back (S2FWB) or the firmware says the master
 * is CANWBS (smmu_domain.h, SMMU_MASTER_CANWBS).
 *
 * A guest changes its STE by having the VMM build a new nested domain from the new
 * dwords and attach it: smmu_attach() moves the master hitlessly where the hardware
 * allows (for instance between two CD table pointers, or stage 2 <-> nested).
 */
#ifndef SMMU_NESTED_H
#define SMMU_NESTED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "smmu/smmu.h"
#include "smmu/smmu_domain.h"
#include "smmu/smmu_regs.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- hardware information for a virtual SMMU --------------------------------------- */

typedef struct smmu_hw_info {
    uint32_t idr[6];   /* IDR0..IDR5 as the guest may see them */
    uint32_t iidr;
    uint32_t aidr;
} smmu_hw_info_t;

/*
 * The ID registers a guest's virtual SMMU may report (IOMMU_HW_INFO_TYPE_ARM_SMMUV3).
 * Fields describing what a guest controls through its STE fragment, CDs and stage-1
 * tables, or its queues, pass through: IDR0 S1P, TTF, COHACC, ASID16, TTENDIAN,
 * ST_LEVEL, TERM_MODEL, STALL_MODEL, CD2L, SEV; IDR1 SIDSIZE, SSIDSIZE, CMDQS, EVENTQS;
 * IDR3 RIL, BBML, HAD, E0PD, STT; IDR5 GRAN4K/16K/64K, VAX, OAS, STALL_MAX. Everything
 * else reads as zero: stage 2, EL2, VMIDs (S2P, HYP, VMID16, VMW, IDR3.FWB, XNX: the
 * host owns stage 2), the attribute and permission overrides (STE fields a guest may not
 * set), PRI, ATS, ATOS/VATOS, MSI, BTM, HTTU, preset tables, ECMDQ, MPAM, PBHA, and the
 * IMPLEMENTATION DEFINED IDR2/IDR4. COHACC is smmu_t.coherent once initialised (the
 * firmware's word). IIDR and AIDR are the hardware's. OAS here is the SMMU's; what a
 * guest may use is smmu_viommu_hw_info's. Returns 0 or SMMU_EINVAL (NULL, or an SMMU not
 * probed).
 */
int smmu_hw_info(const smmu_t *smmu, smmu_hw_info_t *info);

/* ---- vIOMMU --------------------------------------------------------------------------- */

typedef struct smmu_viommu_stats {
    uint64_t cmds;         /* guest commands accepted (and issued, rewritten) */
    uint64_t refused;      /* invalidate calls refused */
    uint64_t events;       /* events forwarded to the guest */
} smmu_viommu_stats_t;

/* One vIOMMU. Its devices (vSID -> master) are the masters bound to it: each carries
 * its vSID (smmu_master_t.viommu, .vsid), so there is no table to fill and no limit
 * but the masters themselves. */
typedef struct smmu_viommu {
    smmu_t *smmu;                    /* NULL: dead (never initialised, init failed, freed) */
    smmu_domain_t *parent;           /* the nest-parent stage-2 domain */
    uint16_t vmid;                   /* the parent's VMID: tags every guest translation */
    smmu_event_cb_t event_cb;        /* guest events (vSID in place of the StreamID) */
    void *event_arg;
    unsigned nvdevs;                 /* masters bound */
    unsigned nested;                 /* live nested domains of this vIOMMU */
    smmu_viommu_stats_t stats;
} smmu_viommu_t;

/*
 * hw_info for the guest of vIOMMU v: smmu_hw_info, with IDR5.OAS no larger than the
 * nest parent's IPA size (the guest's stage 1 outputs IPAs; the largest OAS encoding not
 * above it). What the VMM's virtual SMMU reports. 0 or SMMU_EINVAL (a dead v).
 */
int smmu_viommu_hw_info(const smmu_viommu_t *v, smmu_hw_info_t *info);

/* Read-only views (0 for a dead v): its VMID and the IPA size (bits) its guest has. */
unsigned smmu_viommu_vmid(const smmu_viommu_t *v);
unsigned smmu_viommu_ias(const smmu_viommu_t *v);

/*
 * Create a vIOMMU on `parent`, an SMMU_DOMAIN_S2 domain made with cfg.nest_parent. The
 * vIOMMU uses the parent's VMID, so one parent carries at most one vIOMMU (two guests
 * sharing a VMID would share their ASID space in the TLB): SMMU_EBUSY otherwise.
 * `event_cb` (may be NULL: events are logged and dropped) receives the guest's events
 * from smmu_evtq_dispatch(). Needs IDR0.S1P and S2P. Returns 0, SMMU_EINVAL,
 * SMMU_ENOTSUP or SMMU_EBUSY (the parent has a vIOMMU, or v is live: v is then left
 * as it is); after any other failure v is dead.
 */
int smmu_viommu_init(smmu_viommu_t *v, smmu_domain_t *parent, smmu_event_cb_t event_cb,
                     void *event_arg);

/* Destroy a vIOMMU with no vdev and no nested domain left (else SMMU_EBUSY); it frees
 * nothing in hardware (the parent keeps its VMID). 0 or a negative smmu_err. */
int smmu_viommu_free(smmu_viommu_t *v);

/*
 * Bind master `m` (of the vIOMMU's SMMU) to virtual StreamID `vsid`. Refused with
 * SMMU_ENOTSUP unless the parent forces write-back (parent->fwb) or the master is
 * CANWBS (firmware), so a guest's stage-1 attributes cannot make its DMA non-coherent;
 * SMMU_EEXIST when vsid or the master is already bound (here or to another vIOMMU);
 * SMMU_EINVAL for a bad argument. Binding changes no routing: the guest owns the
 * master's events only once it is attached to one of its nested domains.
 */
int smmu_viommu_vdev_add(smmu_viommu_t *v, smmu_master_t *m, uint32_t vsid);

/* Unbind a master; it must not be attached to a nested domain (SMMU_EBUSY). 0,
 * SMMU_ENOENT (not bound here) or SMMU_EINVAL. */
int smmu_viommu_vdev_del(smmu_viommu_t *v, smmu_master_t *m);

/* The physical StreamID of `vsid`: 0 or SMMU_ENOENT. */
int smmu_viommu_vsid_to_sid(const smmu_viommu_t *v, uint32_t vsid, uint32_t *sid);

/* ---- nested domains --------------------------------------------------------------------- */

/* The guest STE bits a nested domain takes (dword 0 and dword 1); any other bit set in a
 * valid guest STE is refused. */
#define SMMU_GUEST_STE0_ALLOWED                                                           \
    (STE_V_MASK | STE_CONFIG_MASK | STE_S1FMT_MASK | STE_S1CONTEXTPTR_MASK |              \
     STE_S1CDMAX_MASK)
#define SMMU_GUEST_STE1_ALLOWED                                                           \
    (STE_S1DSS_MASK | STE_S1CIR_MASK | STE_S1COR_MASK | STE_S1CSH_MASK | STE_S1STALLD_MASK)

/*
 * Validate the guest's STE (dwords 0 and 1 of the STE the guest wrote in its own stream
 * table) and make `d` an SMMU_DOMAIN_NESTED domain of vIOMMU `v`:
 *   V = 0, or Config = abort (0b000)  -> masters get an abort STE (no event)
 *   Config = bypass (0b100)           -> the parent's stage 2 alone
 *   Config = stage 1 (0b101)          -> stage 1 from the guest (S1ContextPtr is an IPA,
 *                                        S1Fmt, S1CDMax, S1DSS, S1CIR/COR/CSH,
 *                                        S1STALLD) nested on the parent's stage 2,
 *                                        NS-EL1, the parent's VMID
 * A valid guest STE with any bit outside SMMU_GUEST_STE0/1_ALLOWED, or with Config
 * stage 2, nested or a reserved value, is refused with SMMU_EINVAL and `d` is left
 * unusable. The fields themselves are the hardware's to check: a guest CD table the
 * SMMU cannot use produces C_BAD_STE / C_BAD_CD / F_CD_FETCH events, which are the
 * guest's (smmu_evtq_dispatch). A stage-1 STE gets MEV = 1 (as Linux: a guest's fault
 * flood is merged instead of filling the host's event queue). Returns 0, SMMU_EINVAL,
 * or SMMU_EBUSY when d is a live domain (left unchanged: a VMM that keeps one nested
 * domain per vSID makes a new one for the guest's new STE, attaches it, then frees the
 * old one).
 */
int smmu_nested_domain_init(smmu_domain_t *d, smmu_viommu_t *v, const uint64_t guest_ste[2]);

/* ---- guest invalidation ----------------------------------------------------------------- */

/*
 * Carry out `n` invalidation commands from the guest's command queue. Accepted, and
 * rewritten for the host:
 *   TLBI_NH_ALL, TLBI_NH_ASID, TLBI_NH_VA, TLBI_NH_VAA   VMID := the vIOMMU's VMID
 *   TLBI_NSNH_ALL (a guest resetting its SMMU)           TLBI_NH_ALL of the VMID
 *   CFGI_STE, CFGI_CD, CFGI_CD_ALL                       vSID -> the bound master's SID
 * Every other command (CFGI_STE_RANGE/CFGI_ALL, stage-2 and EL2 TLBIs, CMD_SYNC,
 * prefetches, unknown opcodes) is refused, as is a CFGI_* naming a vSID not bound here
 * and a range TLBI the SMMU would reject as illegal (TG != 0 without IDR3.RIL, or the
 * Reserved TG != 0 with NUM = SCALE = TTL = 0), which would otherwise raise a global
 * error on the host's queue.
 * All commands are checked before any is issued, so a refused array has no effect:
 * SMMU_EINVAL (refused opcode) or SMMU_ENOENT (unknown vSID), with *done (if not NULL)
 * set to the index of the first refused command. Otherwise the rewritten commands go
 * to the command queue in order, followed by one CMD_SYNC that the call waits for;
 * *done = n. Returns 0, or the submission's error (*done = 0 then: which commands took
 * effect is unknown).
 */
int smmu_viommu_invalidate(smmu_viommu_t *v, const smmu_cmd_t *cmds, size_t n, size_t *done);

#ifdef __cplusplus
}
#endif
#endif /* SMMU_NESTED_H */
