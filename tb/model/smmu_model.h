/*
 * An independent C reference model of this project's SMMUv3 subset: the translation of
 * one client transaction, uncached (no TLB, no configuration cache), from the
 * architecture (IHI 0070 + the Arm ARM VMSAv8-64 rules) and the project decisions
 * listed in docs/subset.md. It shares nothing with the RTL or
 * the driver except the generated field positions in sw/include/smmu/smmu_regs.h, so a
 * mistake in either of those cannot hide behind the same mistake here.
 *
 * Use:
 *     smmu_model_t m;
 *     smmu_model_init(&m, NULL);              defaults = the Makefile's model parameters
 *     m.read64 = my_read; m.ctx = my_mem;      the memory the SMMU reads its tables from
 *     m.smmuen = true; m.strtab_base = ...; m.strtab_base_cfg = ...; m.cr2 = ...;
 *     smmu_model_txn_t t = { .sid = 3, .addr = va, .cache = 0xF, .domain = 3 };
 *     smmu_model_result_t r;
 *     smmu_model_translate(&m, &t, &r);
 *
 * The model is a pure function of (parameters, register state, memory, transaction): it
 * keeps no state between calls, never writes memory and never allocates.
 *
 * Table-read counting (r.reads): one count per table *fetch* the SMMU must make for an
 * uncached translation, including the one that aborts:
 *   - level-1 stream table descriptor (L1STD, 8 bytes): 1
 *   - STE (64 bytes, one burst): 1
 *   - CD (64 bytes, one burst): 1
 *   - each stage-1 or stage-2 translation table descriptor: 1
 * So a stage-1-only 4-level walk costs STE + CD + 4 = 6 (plus 1 with a 2-level stream
 * table), and nested 4 x 4 costs STE + (4 + CD) + 4*4 + 4 + 4 = 30.
 * A 64-byte STE or CD is read as four read64() calls, dwords 0..3 (the only ones holding
 * fields of this subset; project decision in docs/subset.md: an abort on dwords 4..7
 * alone is not a fetch fault), counted once.
 *
 * Each fetch is also listed in r.rd[] in the order the architecture makes them (a walk
 * cannot read a level before the one that points to it): its PA and the AxCACHE /
 * AxDOMAIN it must carry on the table port (IHI 0070 §13.8):
 *   - L1STD, STE: CR1.TABLE_IC/OC/SH, the read-allocate hint STRTAB_BASE.RA;
 *   - CD: STE.S1CIR/S1COR/S1CSH, combined with the stage-2 leaf of the CD's IPA when
 *     stage 2 is on (S2FWB included; S2PTW = 0 with IDR3.PTWNNC = 0 reads Device as
 *     Device);
 *   - stage-1 descriptor: CD.IRx/ORx/SHx of the half, combined with the stage-2 leaf of
 *     the descriptor's IPA when nested;
 *   - stage-2 descriptor (of the input IPA, a CD IPA or a stage-1 table IPA):
 *     STE.S2IR0/S2OR0/S2SH0;
 * mapped to AMBA as client traffic is (smmu_model_attr_to_amba, reads). A cached
 * implementation makes a subsequence of this list (what its caches hold is skipped).
 */
#ifndef SMMU_MODEL_H
#define SMMU_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Implementation parameters (what the ID registers advertise). */
typedef struct {
    unsigned oas_bits;     /* PA_W: 32, 36, 40, 42, 44 or 48; IAS = OAS (no AArch32) */
    unsigned sid_bits;     /* IDR1.SIDSIZE */
    bool st_level_2;       /* IDR0.ST_LEVEL = 1: 2-level stream tables */
    bool fwb;              /* IDR3.FWB: STE.S2FWB honoured (else RES0, ignored) */
    bool attr_types_ovr;   /* IDR1.ATTR_TYPES_OVR: MTCFG/MemAttr, ALLOCCFG, SHCFG */
    bool attr_perms_ovr;   /* IDR1.ATTR_PERMS_OVR: PRIVCFG, INSTCFG */
    bool hyp;              /* IDR0.Hyp: STE.STRW and CR2.E2H used */
    bool gran16k;          /* IDR5.GRAN16K: 16 KB translation granule (4 KB always) */
    bool gran64k;          /* IDR5.GRAN64K: 64 KB translation granule */
    bool had;              /* IDR3.HAD: CD.HAD0/1 honoured */
    bool xnx;              /* IDR3.XNX: stage-2 XN[0] and PnU used */
    bool vmid16;           /* IDR0.VMID16 */
    bool asid16;           /* IDR0.ASID16 */
    unsigned bbml;         /* IDR3.BBML: no effect on an uncached model, recorded only */
} smmu_model_params_t;

/* Memory read of one little-endian 64-bit word at a PA (8-byte aligned). Returns 0, or
 * -1 for an external abort (the SMMU then records F_STE_FETCH / F_CD_FETCH /
 * F_WALK_EABT as appropriate). */
typedef int (*smmu_model_read64_fn)(void *ctx, uint64_t pa, uint64_t *val);

/* The environment: parameters, the registers the translation depends on, memory. */
typedef struct {
    smmu_model_params_t params;
    smmu_model_read64_fn read64;
    void *ctx;
    bool smmuen;              /* CR0.SMMUEN (as acknowledged) */
    uint32_t gbpa;            /* GBPA, raw (ABORT b20, INSTCFG, PRIVCFG, SHCFG, ALLOCCFG, MTCFG, MemAttr) */
    uint32_t cr1;             /* CR1, raw: TABLE_* (stream table reads) and QUEUE_* */
    uint32_t cr2;             /* CR2, raw: E2H b0, RECINVSID b1 */
    uint64_t strtab_base;     /* STRTAB_BASE, raw */
    uint32_t strtab_base_cfg; /* STRTAB_BASE_CFG, raw */
    bool canwbs;              /* the client port's CANWBS integration input */
} smmu_model_t;

/* One client transaction as presented on the upstream port. */
typedef struct {
    uint32_t sid;      /* StreamID */
    bool ssv;          /* a SubstreamID is presented */
    uint32_t ssid;     /* the SubstreamID (only meaningful with ssv) */
    uint64_t addr;     /* input address, 64 bits as presented */
    bool write;        /* false = read */
    uint8_t prot;      /* AxPROT: [0] privileged, [1] non-secure, [2] instruction */
    uint8_t cache;     /* AxCACHE (AXI4) */
    uint8_t domain;    /* incoming shareability: 0 NSH, 2 OSH, 3 ISH (1 acts as 0) */
    bool nosnoop;      /* PCIe No_snoop */
} smmu_model_txn_t;

typedef enum {
    SMMU_MODEL_OK = 0,             /* goes downstream with pa and the attributes */
    SMMU_MODEL_ABORT_NO_EVENT = 1, /* aborted by design, never an event (GBPA.ABORT,
                                      SMMUEN = 0 with input >= 2^OAS, STE.Config 0b0xx) */
    SMMU_MODEL_FAULT = 2           /* aborted because of a fault or configuration error;
                                      `fault` says which, evt_valid whether it is recorded */
} smmu_model_outcome_t;

/* Where the transaction went (for debugging and coverage). */
typedef enum {
    SMMU_MODEL_PATH_NONE = 0,
    SMMU_MODEL_PATH_GBPA,      /* SMMUEN = 0 */
    SMMU_MODEL_PATH_STE_ABORT, /* Config 0b0xx */
    SMMU_MODEL_PATH_BYPASS,    /* Config 0b100 */
    SMMU_MODEL_PATH_S1,        /* Config 0b101 */
    SMMU_MODEL_PATH_S2,        /* Config 0b110 */
    SMMU_MODEL_PATH_NESTED     /* Config 0b111 */
} smmu_model_path_t;

/* One table-port read of a translation (see the counting rule above). */
typedef enum {
    SMMU_MODEL_RD_L1STD = 1,  /* level-1 stream table descriptor */
    SMMU_MODEL_RD_STE,
    SMMU_MODEL_RD_CD,
    SMMU_MODEL_RD_S1,         /* stage-1 descriptor at `level` */
    SMMU_MODEL_RD_S2          /* stage-2 descriptor at `level`, sub-walk of CLASS `cls` */
} smmu_model_rd_kind_t;

typedef struct {
    uint64_t pa;       /* the first byte read (a structure's address, a descriptor's PA) */
    uint8_t kind;      /* smmu_model_rd_kind_t */
    uint8_t level;     /* S1 / S2: the table level */
    uint8_t cls;       /* S2: EVT_CLASS_CD, _TT or _IN of the sub-walk */
    uint8_t axcache;   /* ARCACHE */
    uint8_t axdomain;  /* ARDOMAIN (AMBA: 0 NSH, 1 ISH, 2 OSH, 3 System) */
} smmu_model_rd_t;

/* At most L1STD + STE + 4 (CD IPA) + CD + 4 x (4 + 1) + 4 = 35 reads. */
#define SMMU_MODEL_MAX_RD 36

typedef struct {
    smmu_model_outcome_t outcome;
    smmu_model_path_t path;
    uint8_t fault;        /* EVT_* type of the fault (0 = none), also when not recorded */
    bool evt_valid;       /* an event record is produced (after RECINVSID / CD.R / STE.S2R) */
    uint64_t evt[4];      /* the 32-byte record, dword 0..3 (valid with evt_valid or fault) */
    uint64_t evt_mask[4]; /* the bits of evt the architecture defines: compare
                             (rtl ^ evt) & evt_mask. Left out: SSID when SSV = 0, STAG /
                             Reason (dw1[15:0]), the IPA of a stage-1 fault, TTRnW unless
                             F_PERMISSION with CLASS = TT. RES0 bits are in the mask. */
    uint64_t pa;          /* output address (OK only) */
    uint8_t attr;         /* final architectural attribute, MAIR format (AxUSER) */
    uint8_t sh;           /* final shareability: 0 NSH, 2 OSH, 3 ISH */
    uint8_t axcache;      /* AMBA AxCACHE after the output mapping */
    uint8_t axprot;       /* AxPROT: [0] privileged, [1] non-secure (always 1), [2] instruction */
    uint8_t axdomain;     /* AMBA AxDOMAIN: 0 NSH, 1 ISH, 2 OSH, 3 System */
    unsigned reads;       /* table fetches (see the counting rule above) */
    unsigned nrd;         /* = reads: the fetches, in order */
    smmu_model_rd_t rd[SMMU_MODEL_MAX_RD];
} smmu_model_result_t;

/* Defaults: the top Makefile's parameters (PA_W 48, SID_W 16, ST_LEVEL_2 1, FWB 1,
 * ATTR_OVR 1, GRAN16K 1, GRAN64K 1) and the v3.2 set (Hyp, HAD, XNX, VMID16, ASID16,
 * BBML 2). */
void smmu_model_default_params(smmu_model_params_t *p);
/* Zeroes the model, sets `params` (NULL = defaults), SMMUEN = 0, GBPA = ABORT. */
void smmu_model_init(smmu_model_t *m, const smmu_model_params_t *p);

/* Translates one transaction. Returns 0; -1 only for NULL arguments. */
int smmu_model_translate(const smmu_model_t *m, const smmu_model_txn_t *t,
                         smmu_model_result_t *r);

/* ---- attribute helpers (pure; exported so the attribute tables can be tested alone) --
 * Attributes travel as MAIR-format bytes (outer nibble [7:4], inner [3:0]) in the form
 * the architecture's consistency rules leave them (§13.1.7); shareability as 0 NSH,
 * 2 OSH, 3 ISH. */

/* Canonical form of a stage-1 MAIR byte: the SMMU's reserved encodings resolved (§5.4
 * MAIR table), consistency applied. */
uint8_t smmu_model_mair_canon(uint8_t mair);

/* Stage 2 applied to an input attribute (stage 1's, or the overridden incoming one):
 * in_attr/in_sh the input, memattr/s2sh the stage-2 leaf's MemAttr[3:0] and SH[1:0],
 * fwb = STE.S2FWB (effective). Returns the combined attribute, *out_sh the combined
 * shareability (Device / iNC-oNC forced to OSH). */
uint8_t smmu_model_s2_combine(uint8_t in_attr, uint8_t in_sh, uint8_t memattr,
                              uint8_t s2sh, bool fwb, uint8_t *out_sh);

/* AMBA AxCACHE (AXI4) + incoming domain -> architectural attribute and shareability
 * (§16.7.5.1; IMP DEF choices documented in the .c). */
uint8_t smmu_model_attr_from_amba(uint8_t axcache, uint8_t domain, uint8_t *sh);

/* Architectural attribute -> AMBA AxCACHE / AxDOMAIN (§16.7.5.2, the project decision:
 * anything Normal that is not iWB-oWB goes out as Normal Non-cacheable, System). */
void smmu_model_attr_to_amba(uint8_t attr, uint8_t sh, bool write, uint8_t *axcache,
                             uint8_t *axdomain);

/* AxCACHE / AxDOMAIN of an SMMU access that CR1 describes (IHI 0070 §13.8, §6.3.11):
 * queue = false: the stream table (L1STD, STE), CR1.TABLE_IC/OC/SH with hint =
 * STRTAB_BASE.RA; queue = true: CR1.QUEUE_IC/OC/SH with hint = CMDQ_BASE.RA (a command
 * fetch, write = false) or EVENTQ_BASE.WA (an event record write, write = true). The
 * other allocation hint, which the architecture does not give, is 1 (model choice). */
void smmu_model_cr1_attr(uint32_t cr1, bool queue, bool hint, bool write, uint8_t *axcache,
                         uint8_t *axdomain);

/* AxCACHE / AxDOMAIN of an MSI write (IHI 0070 §3.18, §4.7.3, §6.3.23): memattr in the
 * STE.MemAttr encoding (*_IRQ_CFG2.MemAttr, CMD_SYNC MSIAttr), sh its shareability
 * (*_IRQ_CFG2.SH, CMD_SYNC MSH), IGNORED (Outer Shareable) for Device and Normal iNC-oNC.
 * The allocation hints of a cacheable MSI are IMPLEMENTATION DEFINED: read- and
 * write-allocate (model choice, the RTL's). */
void smmu_model_msi_attr(unsigned memattr, unsigned sh, uint8_t *axcache, uint8_t *axdomain);

#ifdef __cplusplus
}
#endif

#endif /* SMMU_MODEL_H */
