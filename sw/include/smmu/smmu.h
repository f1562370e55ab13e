/*
 * SMMUv3 driver: public API.
 *
 * Freestanding C11 (stdint/stddef/stdbool only): no allocation of its own (the caller
 * owns the smmu_t; DMA memory comes from the HAL), no libc, no 64-bit division. One
 * smmu_t drives one SMMU; the driver is not thread-safe (callers serialise), and it
 * polls: every wait is bounded by smmu_config_t.timeout_us on the HAL clock.
 *
 * Life cycle:
 *   smmu_probe()     read the ID registers, refuse hardware the driver cannot drive
 *   smmu_init()      allocate and program stream table and queues, invalidate, enable
 *   ... commands (smmu_cmd_* builders, smmu_cmdq_submit, batches), events
 *       (smmu_evtq_drain), global errors (smmu_gerror_handle), GBPA (smmu_set_gbpa)
 *   smmu_teardown()  disable and free
 *
 * Errors are negative enum smmu_err values; 0 (or a count) is success.
 *
 * The failure rule (every call of smmu.h, smmu_domain.h, smmu_nested.h):
 *   - a call that returns an error leaves the driver's state and the hardware's
 *     unchanged (statistics and the log aside), unless its description says what it
 *     leaves behind (a time-out or SMMU_EIO in the middle of a hardware sequence);
 *   - an object whose init failed is dead: every later call on it returns an error
 *     (SMMU_EINVAL) and does nothing, until it is initialised again;
 *   - initialising a live object (an initialised smmu_t, a domain, a nested domain, a
 *     master, a vIOMMU not yet freed) is refused with SMMU_EBUSY and changes nothing:
 *     free it first. Only storage that was never initialised, or whose object is
 *     dead or freed, may be handed to an init.
 * Storage never handed to an init is the caller's responsibility: the driver cannot
 * tell it from a live object and does not try beyond what each init describes.
 */
#ifndef SMMU_H
#define SMMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "smmu/smmu_hal.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- errors --------------------------------------------------------------------- */

enum smmu_err {
    SMMU_OK = 0,
    SMMU_ENODEV = -1,    /* no SMMU, or one this driver cannot drive (see the log) */
    SMMU_ETIMEDOUT = -2, /* the hardware did not respond within the time-out */
    SMMU_EINVAL = -3,    /* an invalid argument or a call in the wrong state */
    SMMU_ENOMEM = -4,    /* the HAL could not allocate DMA memory */
    SMMU_EIO = -5,       /* the hardware reported an error (a command was dropped, ...) */
    SMMU_ENOSPC = -6,    /* no room (no free ASID or VMID, ...) */
    SMMU_EBUSY = -7,     /* a GBPA update is still pending, or the SMMU is in use */
    SMMU_EEXIST = -8,    /* the address range is already (partly) mapped */
    SMMU_ENOENT = -9,    /* nothing mapped / not attached */
    SMMU_ENOTSUP = -10,  /* the SMMU (or the firmware description) cannot do this */
};

/* A constant, human-readable name for an smmu_err value ("unknown error" otherwise). */
const char *smmu_strerror(int err);

/* ---- features (from the ID registers) -------------------------------------------- */

typedef struct smmu_features {
    /* Raw ID registers. */
    uint32_t idr0, idr1, idr3, idr5, iidr, aidr;

    /* IDR0 */
    bool s1p, s2p;           /* stage 1 / stage 2 translation */
    bool st_2lvl;            /* 2-level stream tables (ST_LEVEL = 1) */
    unsigned ttf;            /* table formats: 1 AArch32, 2 AArch64, 3 both */
    unsigned ttendian;       /* 0 mixed, 2 little-endian only, 3 big-endian only */
    bool term_model;         /* terminated transactions always abort */
    unsigned stall_model;    /* 0 stall and terminate, 1 terminate only, 2 stall forced */
    bool cohacc;             /* coherent table/queue accesses */
    bool hyp;                /* EL2 StreamWorlds, TLBI_EL2_* */
    bool btm, sev, msi, ats, pri, atos, vatos, cd2l, vmw, dormhint;
    bool vmid16, asid16;
    unsigned httu;           /* 0 none, 1 access flag, 2 access and dirty */

    /* IDR1 */
    bool attr_types_ovr;     /* STE/GBPA MTCFG, MemAttr, ALLOCCFG, SHCFG */
    bool attr_perms_ovr;     /* STE/GBPA PRIVCFG, INSTCFG */
    bool tables_preset, queues_preset, rel, ecmdq;
    unsigned cmdq_log2;      /* IDR1.CMDQS: log2 of the maximum command-queue entries */
    unsigned eventq_log2;    /* IDR1.EVENTQS */
    unsigned priq_log2;      /* IDR1.PRIQS */
    unsigned ssid_bits;      /* IDR1.SSIDSIZE */
    unsigned sid_bits;       /* IDR1.SIDSIZE */

    /* IDR3 */
    bool fwb, ril, xnx, had, stt, mpam, pps, pbha, e0pd, ptwnnc;
    unsigned bbml;           /* break-before-make level */

    /* IDR5 */
    bool gran4k, gran16k, gran64k, ds, d128;
    unsigned vax;
    unsigned oas;            /* IDR5.OAS encoding */
    unsigned oas_bits;       /* the same in bits: 32, 36, 40, 42, 44, 48 or 52 */
    unsigned stall_max;

    /* IIDR, AIDR */
    unsigned implementer, productid, variant, revision;
    unsigned arch_major, arch_minor; /* 0.2 = SMMUv3.2 */
} smmu_features_t;

/* ---- configuration --------------------------------------------------------------- */

typedef struct smmu_config {
    unsigned cmdq_log2;      /* command-queue entries (log2); 0 = 8; capped at IDR1.CMDQS */
    unsigned eventq_log2;    /* event-queue entries (log2); 0 = 7; capped at IDR1.EVENTQS */
    unsigned strtab_log2;    /* StreamIDs the stream table covers (log2); 0 = all
                              * (IDR1.SIDSIZE); capped at SIDSIZE */
    unsigned linear_max_log2;/* largest table kept linear (log2 StreamIDs); 0 = 8. Bigger
                              * tables are 2-level when IDR0.ST_LEVEL allows */
    unsigned split;          /* 2-level split (StreamID bits per level-2 table): 6, 8 or
                              * 10; 0 = 8 */
    bool e2h;                /* CR2.E2H (used only when IDR0.HYP = 1) */
    bool no_recinvsid;       /* leave CR2.RECINVSID = 0 (default records C_BAD_STREAMID) */
    bool irq_gerror;         /* IRQ_CTRL.GERROR_IRQEN */
    bool irq_eventq;         /* IRQ_CTRL.EVENTQ_IRQEN */
    bool no_smmuen;          /* leave SMMUEN = 0 after init (GBPA governs traffic) */
    bool split_stores;       /* write STEs, CDs and descriptors as if the CPU had no
                              * single-copy-atomic 64-bit stores (automatic on a 32-bit
                              * CPU; for testing that path on a 64-bit host) */
    uint32_t timeout_us;     /* bound on every wait; 0 = 10000 us */
    bool no_msi;             /* wired interrupts even if IDR0.MSI and the HAL offer MSIs */
    bool no_msipoll;         /* wait for CMD_SYNC by polling CMDQ_CONS even when MSI
                              * polling is possible (IDR0.MSI on a coherent SMMU) */
    unsigned asid_bits;      /* ASIDs used: 1..2^asid_bits - 1; 0 = all the SMMU has (16
                              * bits with IDR0.ASID16, else 8); at most that */
    unsigned vmid_bits;      /* VMIDs used, the same with IDR0.VMID16 */
    unsigned fw_coherent;    /* the firmware's word on the SMMU's own accesses (DT
                              * "dma-coherent", IORT COHACC override): enum
                              * smmu_fw_coherent. It wins over IDR0.COHACC, which only
                              * says the SMMU could be integrated coherently. */
} smmu_config_t;

enum smmu_fw_coherent {
    SMMU_FW_COH_IDR = 0, /* no firmware description: trust IDR0.COHACC */
    SMMU_FW_COH_YES = 1, /* table walks, CD fetches and queues may be write-back cached */
    SMMU_FW_COH_NO = 2,  /* the integration is not coherent: non-cacheable structures */
};

/* ---- commands -------------------------------------------------------------------- */

/* One 16-byte command-queue entry, as two little-endian dwords. */
typedef struct smmu_cmd {
    uint64_t dw[2];
} smmu_cmd_t;

/* CMD_SYNC completion signal (CMD_CS field). */
enum smmu_cs {
    SMMU_CS_NONE = 0, /* completion seen only through CMDQ_CONS */
    SMMU_CS_IRQ = 1,  /* also pulse the CMD_SYNC interrupt */
    SMMU_CS_SEV = 2,  /* also send an event (acts as NONE without IDR0.SEV) */
};

/* Range of a TLBI by address (IDR3.RIL = 1): (num + 1) * 2^scale pages of granule tg,
 * starting at the command's address; ttl is a level hint (0 = any). A NULL range, or
 * tg = 0 (with scale = num = ttl = 0), means a single address. */
typedef struct smmu_tlbi_range {
    unsigned tg;    /* 0 single address, 1 4K, 2 16K, 3 64K */
    unsigned scale; /* 0..31 */
    unsigned num;   /* 0..31 */
    unsigned ttl;   /* 0..3 */
} smmu_tlbi_range_t;

/*
 * Command builders: each fills *cmd completely (unused fields zero) and returns 0, or
 * SMMU_EINVAL for a parameter the command cannot encode (leaving *cmd zeroed). They are
 * pure functions of their arguments: they do not check the SMMU's features.
 */
int smmu_cmd_prefetch_config(smmu_cmd_t *cmd, uint32_t sid);
/* Prefetch the translation of one page at `addr` for `sid`. */
int smmu_cmd_prefetch_addr(smmu_cmd_t *cmd, uint32_t sid, uint64_t addr);
/* Invalidate the STE of `sid` (and the CDs cached through it); leaf: only the STE. */
int smmu_cmd_cfgi_ste(smmu_cmd_t *cmd, uint32_t sid, bool leaf);
/* Invalidate 2^(range + 1) STEs from `sid`, which must be aligned to that size;
 * range 0..31 (31 = every StreamID, CFGI_ALL). */
int smmu_cmd_cfgi_ste_range(smmu_cmd_t *cmd, uint32_t sid, unsigned range);
/* Invalidate every STE (CFGI_STE_RANGE with RANGE = 31). */
int smmu_cmd_cfgi_all(smmu_cmd_t *cmd);
/* Invalidate the CD of (sid, ssid); ssid < 2^20. */
int smmu_cmd_cfgi_cd(smmu_cmd_t *cmd, uint32_t sid, uint32_t ssid, bool leaf);
/* Invalidate every CD of `sid`. */
int smmu_cmd_cfgi_cd_all(smmu_cmd_t *cmd, uint32_t sid);
/* TLB invalidation (IHI 0070 4.4). `va`/`ipa` are byte addresses; bits [11:0] must be
 * zero. `range` may be NULL (one address). */
int smmu_cmd_tlbi_nh_all(smmu_cmd_t *cmd, uint16_t vmid);
int smmu_cmd_tlbi_nh_asid(smmu_cmd_t *cmd, uint16_t vmid, uint16_t asid);
int smmu_cmd_tlbi_nh_va(smmu_cmd_t *cmd, uint16_t vmid, uint16_t asid, uint64_t va, bool leaf,
                        const smmu_tlbi_range_t *range);
int smmu_cmd_tlbi_nh_vaa(smmu_cmd_t *cmd, uint16_t vmid, uint64_t va, bool leaf,
                         const smmu_tlbi_range_t *range);
int smmu_cmd_tlbi_el2_all(smmu_cmd_t *cmd);
int smmu_cmd_tlbi_el2_asid(smmu_cmd_t *cmd, uint16_t asid);
int smmu_cmd_tlbi_el2_va(smmu_cmd_t *cmd, uint16_t asid, uint64_t va, bool leaf,
                         const smmu_tlbi_range_t *range);
int smmu_cmd_tlbi_el2_vaa(smmu_cmd_t *cmd, uint64_t va, bool leaf,
                          const smmu_tlbi_range_t *range);
int smmu_cmd_tlbi_s12_vmall(smmu_cmd_t *cmd, uint16_t vmid);
/* `ipa` must be below 2^56. */
int smmu_cmd_tlbi_s2_ipa(smmu_cmd_t *cmd, uint16_t vmid, uint64_t ipa, bool leaf,
                         const smmu_tlbi_range_t *range);
int smmu_cmd_tlbi_nsnh_all(smmu_cmd_t *cmd);
/* CMD_SYNC with completion signal `cs` (enum smmu_cs; 3 is illegal -> SMMU_EINVAL). */
int smmu_cmd_sync(smmu_cmd_t *cmd, unsigned cs);

/*
 * Split an invalidation of `pages` pages (of granule tg, 1..3) into range commands:
 * fills *range (TTL = 0) with a large (num + 1) * 2^scale <= pages that one command can
 * cover and returns that page count; the caller advances its address by it and repeats
 * while pages remain. A single page comes back as tg = 0 (one address: the encoding
 * with TG != 0 and NUM = SCALE = TTL = 0 is Reserved). Returns 0 (and leaves *range
 * alone) when pages == 0 or tg is not 1..3.
 */
uint64_t smmu_tlbi_range_chunk(uint64_t pages, unsigned tg, smmu_tlbi_range_t *range);

/* The opcode name of a command ("CFGI_STE", ..., or "UNKNOWN"). */
const char *smmu_cmd_opcode_name(unsigned opcode);

/* ---- events ---------------------------------------------------------------------- */

/* One 32-byte event record, as four little-endian dwords. */
typedef struct smmu_event {
    uint64_t dw[4];
} smmu_event_t;

/* The name of an event type ("C_BAD_STREAMID", ..., or "UNKNOWN"). */
const char *smmu_event_name(unsigned type);

/*
 * Decode an event record into one line of text, e.g.
 *   "C_BAD_STREAMID sid=0x1234"
 *   "F_TRANSLATION sid=0x5 ssid=0x2 read priv data S2=0 class=IN addr=0x40001000"
 * Writes at most `len` bytes including the terminating NUL (truncating if needed) and
 * returns the length of the text written (without the NUL). Needs len >= 1.
 */
size_t smmu_event_decode(const smmu_event_t *ev, char *buf, size_t len);

/* Called by smmu_evtq_drain for each record, in queue order. */
typedef void (*smmu_event_cb_t)(void *arg, const smmu_event_t *ev);

/* ---- the driver instance ---------------------------------------------------------- */

struct smmu_master; /* smmu_domain.h */

/* Statistics the driver keeps (counts since smmu_init). */
typedef struct smmu_stats {
    uint64_t cmds;            /* commands written to the queue (CMD_SYNCs included) */
    uint64_t syncs;           /* CMD_SYNCs waited for */
    uint64_t events;          /* event records handed to a callback */
    uint32_t evtq_overflows;  /* EVENTQ_PROD.OVFLG toggles seen and acknowledged */
    uint32_t gerrors;         /* smmu_gerror_handle calls that found an active error */
    uint32_t cmdq_ill;        /* CERROR_ILL: commands replaced by a CMD_SYNC */
    uint32_t cmdq_abt;        /* CERROR_ABT: command fetch aborts */
    uint32_t cmdq_skipped;    /* commands skipped after a repeated fetch abort */
    uint32_t cmdq_other_err;  /* other CMDQ_CONS.ERR codes */
    uint32_t evtq_abt;        /* GERROR.EVENTQ_ABT_ERR */
    uint32_t msi_abt;         /* GERROR.MSI_CMDQ/EVENTQ/GERROR_ABT_ERR: an MSI write aborted */
    uint32_t other_gerrors;   /* any other GERROR bit */
    uint64_t msi_syncs;       /* CMD_SYNCs seen complete by their MSI (MSI polling) */
    /* The last command error: CMDQ_CONS.ERR, the slot, the opcode found in it and the
     * physical address of the slot. */
    uint32_t last_cerror, last_cerror_slot, last_cerror_opcode;
    uint64_t last_cerror_pa;
} smmu_stats_t;

/* A DMA allocation owned by the driver. */
typedef struct smmu_dma {
    void *cpu;
    uint64_t pa;
    size_t size;
} smmu_dma_t;

/*
 * One SMMU. The caller provides the storage (zeroing is not needed: smmu_probe
 * initialises it); fields are read-only for callers.
 */
typedef struct smmu {
    const smmu_hal_t *hal;
    smmu_features_t feat;
    smmu_config_t cfg;
    bool probed, initialised;
    /* The SMMU's own accesses are coherent (cfg.fw_coherent, else IDR0.COHACC): CR1,
     * STE/CD fetch and walk attributes are write-back inner-shareable, and stage-2
     * domains may use S2FWB. */
    bool coherent;

    /* Stream table. */
    smmu_dma_t strtab;        /* linear table or level-1 table */
    bool strtab_2lvl;
    unsigned strtab_log2;     /* StreamIDs covered (STRTAB_BASE_CFG.LOG2SIZE) */
    unsigned strtab_split;    /* 2-level SPLIT */
    unsigned l1_count;        /* level-1 descriptors */
    /* 2-level: the CPU pointers of the level-2 tables, one per level-1 descriptor
     * (allocated with the first attach; the descriptors hold only the PA). */
    smmu_dma_t l2_ptrs;       /* an array of l1_count `void *` (NULL: no table yet) */

    /* Live domains (smmu_domain.h), sorted by ID space (none, ASID, VMID) and ID: the
     * ASID and VMID allocator looks for the lowest gap, 1..2^asid_bits - 1 and
     * 1..2^vmid_bits - 1 (0 is reserved: VMID 0 tags stage-1-only translations). */
    struct smmu_domain *domains;
    unsigned asid_bits, vmid_bits;

    /* 64-bit structure words are written as two 32-bit stores (the HAL lacks
     * SMMU_HAL_CAP_STORE64, or cfg.split_stores); see smmu_domain.h. */
    bool split64;
    /* Test hook (optional, normally NULL): called after every store to a live STE or CD
     * and after every CMD_SYNC of a structure update, with the entry as it now is in
     * memory, so a test can observe each intermediate state or run traffic against it.
     * It may submit commands. */
    void (*entry_hook)(void *arg, const uint64_t *entry, bool after_sync);
    void *entry_hook_arg;

    /* Command queue: software's PROD, the last CONS read. */
    smmu_dma_t cmdq;
    unsigned cmdq_log2;
    uint32_t cmdq_prod, cmdq_cons;
    uint32_t cmdq_drops;      /* commands dropped by error recovery (ILL or skipped ABT) */
    bool abt_retry_valid;     /* a fetch abort was retried once at abt_retry_pos */
    uint32_t abt_retry_pos;

    /* Event queue: software's CONS (with OVACKFLG). */
    smmu_dma_t evtq;
    unsigned eventq_log2;
    uint32_t evtq_cons;

    /* MSIs: the sources programmed with the HAL's target (bit n = enum smmu_msi_src n),
     * and whether CMD_SYNC completion is seen by the MSI the command writes into its own
     * queue slot (IDR0.MSI, a coherent SMMU, not cfg.no_msipoll; as Linux's MSI polling)
     * rather than by polling CMDQ_CONS. */
    uint32_t msi_srcs;
    bool msipoll;

    uint32_t cr0;             /* what the driver last acknowledged in CR0 */
    uint32_t gerrorn;         /* the driver's copy of GERRORN (software owns it) */

    smmu_stats_t stats;

    /* Masters known to the driver (smmu_master_init), for routing events by StreamID,
     * and the handler of events nobody else claims (smmu_evtq_dispatch). */
    struct smmu_master *masters;
    smmu_event_cb_t event_cb;
    void *event_arg;
} smmu_t;

/* ---- bring-up and tear-down -------------------------------------------------------- */

/*
 * Probe: check the HAL, read IDR0/1/3/5, IIDR and AIDR into smmu->feat and refuse (with
 * an SMMU_LOG_ERR line naming the field) hardware the driver cannot drive: no AArch64
 * tables, no 4 KB granule, big-endian-only (or reserved) TTENDIAN, stall forced
 * (STALL_MODEL >= 2, the driver only terminates), neither stage, AIDR major revision not
 * 0, preset tables or queues, reserved OAS, SIDSIZE > 32. Touches no register but the ID
 * registers. It (re)initialises all of *smmu (the storage may be anything, so a live
 * instance cannot be told from garbage here: tear an initialised instance down first
 * or its DMA memory is forgotten). Returns 0, SMMU_EINVAL (NULL smmu/hal or a
 * missing HAL function) or SMMU_ENODEV.
 */
int smmu_probe(smmu_t *smmu, const smmu_hal_t *hal);

/*
 * Initialise a probed SMMU with `cfg` (NULL = all defaults): disable it if enabled,
 * allocate the stream table (every STE valid with Config = abort; 2-level: level-1
 * descriptors invalid) and both queues, program CR1 (WB ISH when IDR0.COHACC, else NC),
 * CR2 (RECINVSID, E2H), the bases and indexes, enable the command queue, issue CFGI_ALL,
 * TLBI_EL2_ALL (with HYP) and TLBI_NSNH_ALL, each followed by a CMD_SYNC, enable the
 * event queue, acknowledge stale global errors, program IRQ_CTRL, and finally set
 * SMMUEN (unless cfg->no_smmuen). Each CR0/IRQ_CTRL write waits for its ACK. On error
 * everything done so far is undone. Returns 0, SMMU_EINVAL (not probed, already
 * initialised, bad cfg), SMMU_ENOMEM, SMMU_ETIMEDOUT or SMMU_EIO.
 */
int smmu_init(smmu_t *smmu, const smmu_config_t *cfg);

/* Disable interrupts, queues and translation (waiting for the ACKs) and free all DMA
 * memory. GBPA is left alone, so it decides what traffic does afterwards. Safe on a
 * probed-only SMMU. Domains, vIOMMUs and masters still live become dead (their memory
 * is freed; the caller should have freed them first). Returns 0 or SMMU_ETIMEDOUT (the
 * memory is freed regardless). */
int smmu_teardown(smmu_t *smmu);

/* Write CR0 and wait until CR0ACK matches it (CMDQEN, EVENTQEN, SMMUEN bits). */
int smmu_write_cr0(smmu_t *smmu, uint32_t cr0);

/* Program IRQ_CTRL (SMMU_IRQ_CTRL_*_MASK bits) and wait for IRQ_CTRLACK to match. */
int smmu_set_irq_ctrl(smmu_t *smmu, uint32_t irq_ctrl);

/* ---- global bypass attributes ------------------------------------------------------ */

/* GBPA fields (IHI 0070 6.3.14), STE encodings. smmu_gbpa_incoming() gives "use the
 * incoming attributes" for every override. */
typedef struct smmu_gbpa {
    bool abort;         /* with SMMUEN = 0: 1 abort all traffic, 0 bypass */
    uint8_t instcfg;    /* 0 incoming, 2 data, 3 instruction */
    uint8_t privcfg;    /* 0 incoming, 2 unprivileged, 3 privileged */
    uint8_t shcfg;      /* 0 NSH, 1 incoming, 2 OSH, 3 ISH */
    uint8_t alloccfg;   /* 0xxx incoming, 1RWT override */
    uint8_t mtcfg;      /* 1: memory type from memattr */
    uint8_t memattr;
} smmu_gbpa_t;

smmu_gbpa_t smmu_gbpa_incoming(bool abort);

/*
 * Set GBPA: wait for any pending update to finish, write the whole register with
 * UPDATE = 1, then poll until hardware clears UPDATE. Overrides other than "incoming"
 * need IDR1.ATTR_TYPES_OVR / ATTR_PERMS_OVR (else SMMU_EINVAL). Needs a probed SMMU.
 * Returns 0, SMMU_EINVAL or SMMU_ETIMEDOUT.
 */
int smmu_set_gbpa(smmu_t *smmu, const smmu_gbpa_t *gbpa);

/* Read GBPA into *gbpa; returns 0, or SMMU_EBUSY while an update is pending. */
int smmu_get_gbpa(smmu_t *smmu, smmu_gbpa_t *gbpa);

/* ---- command submission ----------------------------------------------------------- */

/*
 * Submit `n` commands in order and, if `sync`, a CMD_SYNC with completion signal `cs`
 * after them, then wait for that CMD_SYNC to be consumed (all earlier commands
 * complete). Commands are written in chunks that fit the queue's free space, with one
 * CMDQ_PROD write per chunk; waiting for space is bounded. A stopped queue (GERROR
 * CMDQ_ERR) is recovered through smmu_gerror_handle() rather than waited out.
 * Returns 0; SMMU_EIO if error recovery dropped a command while this call ran (the
 * queue works again, but the caller's commands may not all have taken effect);
 * SMMU_ETIMEDOUT; SMMU_EINVAL (not initialised, cs invalid, or a command this SMMU
 * would reject with CERROR_ILL for its range fields: a TLBI by address with TG != 0
 * without IDR3.RIL, or TG = 16 KB, TTL = 0b01, NUM = SCALE = 0 with IDR5.DS = 0, IHI 0070
 * 4.4.1.1; nothing is queued then).
 */
int smmu_cmdq_submit(smmu_t *smmu, const smmu_cmd_t *cmds, size_t n, bool sync, unsigned cs);

/* Submit one CMD_SYNC (signal cs) and wait for it; as smmu_cmdq_submit(.., 0, true, cs). */
int smmu_cmdq_sync(smmu_t *smmu, unsigned cs);

/* A batch accumulates commands for one smmu_cmdq_submit (as Linux's cmdq batches). */
#define SMMU_BATCH_MAX 32u
typedef struct smmu_batch {
    smmu_cmd_t cmds[SMMU_BATCH_MAX];
    unsigned n;
} smmu_batch_t;

void smmu_batch_init(smmu_batch_t *b);
/* Append a copy of *cmd. A full batch first submits itself (no CMD_SYNC) and starts
 * again empty, so callers never see it fill up. Returns 0, or that submission's error:
 * SMMU_EINVAL (not initialised, or cmd refused as by smmu_cmdq_submit) leaves the batch
 * as it was; any other error empties it
 * (its commands reached the queue; which took effect is unknown) and drops cmd. */
int smmu_batch_add(smmu_t *smmu, smmu_batch_t *b, const smmu_cmd_t *cmd);
/* Submit the batch (plus a CMD_SYNC if `sync`), as smmu_cmdq_submit, and empty it. A
 * refusal (SMMU_EINVAL: not initialised, bad cs) leaves the batch unchanged. */
int smmu_batch_submit(smmu_t *smmu, smmu_batch_t *b, bool sync, unsigned cs);

/* ---- event queue -------------------------------------------------------------------- */

/*
 * Drain the event queue: hand every record between CONS and PROD to `cb` (may be NULL
 * to discard), advance EVENTQ_CONS, and acknowledge an overflow (OVFLG != OVACKFLG:
 * logged, counted in stats.evtq_overflows, OVACKFLG written equal to OVFLG). Re-reads
 * PROD until empty, at most `max` records (0 = no limit beyond 4x the queue size).
 * Returns the number of records handed over, or SMMU_EINVAL when not initialised.
 */
int smmu_evtq_drain(smmu_t *smmu, smmu_event_cb_t cb, void *arg, unsigned max);

/* ---- interrupts --------------------------------------------------------------------- */

/*
 * The handler of the SMMU's interrupt `src` (enum smmu_msi_src), wired or MSI: the
 * platform calls it when the source's wired interrupt fired or its MSI arrived.
 * SMMU_MSI_EVENTQ: routes the queued records (smmu_evtq_dispatch) and returns their
 * number; SMMU_MSI_GERROR: smmu_gerror_handle(); anything else: SMMU_EINVAL (the PMCG has
 * its own, smmu_pmu_irq). Needs an initialised SMMU.
 */
int smmu_irq(smmu_t *smmu, unsigned src);

/* ---- global errors ------------------------------------------------------------------ */

/*
 * Handle active global errors (GERROR ^ GERRORN), log each, recover and acknowledge by
 * writing GERRORN. CMDQ_ERR: CERROR_ILL -> the faulting slot is overwritten with a
 * CMD_SYNC (CS = NONE), so the bad command is dropped; CERROR_ABT -> the first abort
 * at a slot is retried as is (a transient fault), a second abort at the same slot
 * skips it (command queue disabled, CONS stepped past the slot, re-enabled), dropping
 * that command; other codes -> treated like CERROR_ILL. EVENTQ_ABT_ERR and other bits
 * are logged, counted and acknowledged; so are MSI_*_ABT_ERR (an MSI write was aborted:
 * counted in stats.msi_abt; the MSIs that follow are sent as usual). Returns the GERROR
 * bits that were active (0 if none), or SMMU_ETIMEDOUT/SMMU_EINVAL.
 */
int smmu_gerror_handle(smmu_t *smmu);

#ifdef __cplusplus
}
#endif
#endif /* SMMU_H */
