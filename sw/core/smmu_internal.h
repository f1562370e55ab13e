/* Driver-internal helpers shared by the files of sw/core (not a public interface). */
#ifndef SMMU_INTERNAL_H
#define SMMU_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "smmu/smmu.h"
#include "smmu/smmu_regs.h"

/* A field of a register value, from the generated _MASK/_SHIFT pair. */
#define FIELD_GET(reg_field, v) (((v) & reg_field##_MASK) >> reg_field##_SHIFT)
#define FIELD_PREP(reg_field, v) (((v) << reg_field##_SHIFT) & reg_field##_MASK)

/* A field of a structure dword (STE_/CMD_/EVT_ prefixes). */
#define DW_GET(s, f, words) (((words)[s##_##f##_DW] & s##_##f##_MASK) >> s##_##f##_SHIFT)
#define DW_SET(s, f, words, v)                                                           \
    ((words)[s##_##f##_DW] =                                                             \
         ((words)[s##_##f##_DW] & ~(uint64_t)s##_##f##_MASK) |                          \
         (((uint64_t)(v) << s##_##f##_SHIFT) & s##_##f##_MASK))

/* Defaults of smmu_config_t. */
#define SMMU_DEF_CMDQ_LOG2 8u
#define SMMU_DEF_EVENTQ_LOG2 7u
#define SMMU_DEF_LINEAR_MAX_LOG2 8u
#define SMMU_DEF_SPLIT 8u
#define SMMU_DEF_TIMEOUT_US 10000u

/* ---- freestanding helpers ----------------------------------------------------------------
 * rv32 has no 64-bit shifter: GCC -Os turns a variable 64-bit shift into a libgcc call
 * (__lshrdi3/__ashldi3), and structure copies or clearing loops into memcpy/memset. The
 * core must link without libc or libgcc, so it shifts through these and clears and
 * copies through volatile byte loops the compiler cannot turn into library calls. */
static inline uint64_t shr64(uint64_t v, unsigned n)
{
    uint32_t lo = (uint32_t)v, hi = (uint32_t)(v >> 32);

    if (n >= 64u)
        return 0;
    if (n >= 32u)
        return hi >> (n - 32u);
    if (n == 0u)
        return v;
    return ((uint64_t)(hi >> n) << 32) | ((lo >> n) | (hi << (32u - n)));
}

static inline uint64_t shl64(uint64_t v, unsigned n)
{
    uint32_t lo = (uint32_t)v, hi = (uint32_t)(v >> 32);

    if (n >= 64u)
        return 0;
    if (n >= 32u)
        return (uint64_t)(lo << (n - 32u)) << 32;
    if (n == 0u)
        return v;
    return ((uint64_t)((hi << n) | (lo >> (32u - n))) << 32) | (uint32_t)(lo << n);
}

void smmu_bzero(void *p, size_t n);
void smmu_bcopy(void *dst, const void *src, size_t n);

/* ---- a tiny freestanding formatter ---------------------------------------------------- */
typedef struct smmu_fmt {
    char *buf;
    size_t len; /* capacity including the NUL */
    size_t pos; /* characters written (excluding the NUL) */
} smmu_fmt_t;

void smmu_fmt_init(smmu_fmt_t *f, char *buf, size_t len);
void smmu_fmt_str(smmu_fmt_t *f, const char *s);
void smmu_fmt_char(smmu_fmt_t *f, char c);
void smmu_fmt_hex(smmu_fmt_t *f, uint64_t v);  /* "0x" and lower-case digits, no padding */
void smmu_fmt_dec(smmu_fmt_t *f, uint32_t v);

#define SMMU_LINE 192u

/* Log a plain string. */
void smmu_log(const smmu_t *smmu, int level, const char *msg);
/* Log "<msg><key>0x<val>", the common case of one number. */
void smmu_log_hex(const smmu_t *smmu, int level, const char *msg, uint64_t val);

/* ---- register access ------------------------------------------------------------------ */
static inline uint32_t rd32(const smmu_t *s, uint32_t off)
{
    return s->hal->read32(s->hal->ctx, off);
}
static inline void wr32(const smmu_t *s, uint32_t off, uint32_t v)
{
    s->hal->write32(s->hal->ctx, off, v);
}
uint64_t smmu_rd64(const smmu_t *s, uint32_t off);
void smmu_wr64(const smmu_t *s, uint32_t off, uint64_t v);

static inline uint64_t now_us(const smmu_t *s)
{
    return s->hal->now_us(s->hal->ctx);
}
static inline uint32_t timeout_us(const smmu_t *s)
{
    return s->cfg.timeout_us ? s->cfg.timeout_us : SMMU_DEF_TIMEOUT_US;
}

/* Poll register `off` until (value & mask) == want; 0 or SMMU_ETIMEDOUT (logged with
 * `what`). */
int smmu_poll32(const smmu_t *s, uint32_t off, uint32_t mask, uint32_t want, const char *what);

/* An MSI target the SMMU can write (smmu_core.c). */
bool smmu_msi_msg_ok(const smmu_t *smmu, const smmu_msi_msg_t *m);

/* Command-queue slot pointer. */
static inline uint64_t *cmdq_slot(const smmu_t *s, uint32_t idx)
{
    return (uint64_t *)s->cmdq.cpu + (size_t)(idx & ((1u << s->cmdq_log2) - 1u)) * CMD_DWORDS;
}

/* Whether a range TLBI's TG/TTL/NUM/SCALE are a Reserved combination the SMMU rejects
 * with CERROR_ILL (IHI 0070 4.4.1.1): TG != 0 with NUM = SCALE = 0 and TTL = 0, or, when
 * IDR5.DS = 0 (`ds` false), TTL = 0b01 under TG = 16 KB with NUM = SCALE = 0 (TTL 0b01
 * then reads as 0b00; with DS = 1 it is a level-1 hint). Which granules IDR5 reports
 * plays no part: a TG naming an absent granule is legal and removes nothing. */
static inline bool smmu_tlbi_range_reserved(bool ds, uint32_t tg, uint32_t ttl, uint32_t num,
                                            uint32_t scale)
{
    return tg != 0u && num == 0u && scale == 0u &&
           (ttl == 0u || (!ds && tg == 2u && ttl == 1u));
}

/* Whether the SMMU would reject this command's range fields (CERROR_ILL): a TLBI by
 * address with TG != 0 on an SMMU without IDR3.RIL, or a Reserved range under its IDR5.DS.
 * Other commands, and single-address TLBIs, pass. */
bool smmu_cmd_range_refused(const smmu_t *smmu, const smmu_cmd_t *cmd);

/* ---- stream table, masters, domains (smmu_strtab.c, smmu_master.c, smmu_domain.c) ---- */
struct smmu_viommu;
struct smmu_master;
struct smmu_domain;
/* Allocate and publish the level-2 stream table covering sid (abort-filled). */
int smmu_strtab_l2_alloc(smmu_t *smmu, uint32_t sid);
/* Whether m / d is on the SMMU's list (live); only the list's pointers are followed. */
bool smmu_master_listed(const smmu_t *smmu, const struct smmu_master *m);
bool smmu_domain_listed(const smmu_t *smmu, const struct smmu_domain *d);
/* Put a domain without an ID (blocked, identity, nested) on the list. */
void smmu_domain_link(smmu_t *smmu, struct smmu_domain *d);
/* The domain whose enforce_cc covers a master attached to d. */
const struct smmu_domain *smmu_cc_domain(const struct smmu_domain *d);
/* Teardown: every listed master / domain (and vIOMMU) becomes dead, its memory freed. */
void smmu_masters_forget(smmu_t *smmu);
void smmu_domains_forget(smmu_t *smmu);
void smmu_master_free_cdtab(struct smmu_master *m);
/* smmu_entry_equivalent with the bits set in ignore[8] (may be NULL) left out. */
bool smmu_entry_equivalent_masked(void (*used)(const uint64_t *, uint64_t *),
                                  const uint64_t a[8], const uint64_t b[8],
                                  const uint64_t *ignore);

/* ---- nesting (smmu_nested.c) ------------------------------------------------------------ */
/* Hand a guest's event to its vIOMMU with the master's vSID in place of the StreamID (or
 * log it when the vIOMMU has no handler); false when m is not bound to v (the caller
 * routes the event elsewhere). */
bool smmu_viommu_report(struct smmu_viommu *v, const struct smmu_master *m,
                        const smmu_event_t *ev);

#endif /* SMMU_INTERNAL_H */
