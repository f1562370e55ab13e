/*
 * A small perf-like API for the SMMU's Performance Monitor Counter Group (IHI 0070
 * chapter 10): allocate a counter for an event and a StreamID filter, start it, stop it,
 * read it as a 64-bit count (the driver extends the hardware counter across overflows),
 * and handle the overflow interrupt (wired, or the MSI the HAL's msi_msg gives for
 * SMMU_MSI_PMCG). Freestanding, like the rest of the core; the PMCG is reached through
 * the SMMU's HAL at its frames' offsets (SMMU_PMCG_* in smmu_regs.h).
 */
#ifndef SMMU_PMU_H
#define SMMU_PMU_H

#include <stdbool.h>
#include <stdint.h>

#include "smmu/smmu.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The architected events (10.3). */
enum smmu_pmu_event {
    SMMU_PMU_CYCLES = 0,       /* SMMU clock cycles (not filtered by StreamID) */
    SMMU_PMU_TRANSACTIONS = 1, /* client transactions */
    SMMU_PMU_TLB_MISS = 2,     /* translations the TLB could not satisfy */
    SMMU_PMU_CFG_MISS = 3,     /* configuration-cache misses */
    SMMU_PMU_WALK_ACCESS = 4,  /* translation table walk reads */
    SMMU_PMU_CFG_ACCESS = 5,   /* configuration structure reads */
};

#define SMMU_PMU_MAX_COUNTERS 32u
#define SMMU_PMU_ALL_SIDS 0xffffffffu /* the filter value matching every StreamID */

typedef struct smmu_pmu_counter {
    bool used, running;
    unsigned event;
    uint64_t base;   /* software count at the last start/overflow fold */
    uint64_t last;   /* the hardware value base was folded at */
} smmu_pmu_counter_t;

typedef struct smmu_pmu {
    smmu_t *smmu;
    bool ready;
    unsigned ncounters;      /* SMMU_PMCG_CFGR.NCTR + 1 (at most SMMU_PMU_MAX_COUNTERS used) */
    unsigned bits;           /* counter size (CFGR.SIZE + 1) */
    uint64_t events;         /* CEID0: countable events 0-63 */
    bool msi;                /* overflow signalled by MSI (the HAL gave a target) */
    uint32_t overflows;      /* overflow interrupts handled */
    smmu_pmu_counter_t ctr[SMMU_PMU_MAX_COUNTERS];
} smmu_pmu_t;

/*
 * Probe the PMCG of an initialised SMMU and take it over: every counter stopped and
 * free, overflow status cleared, the overflow interrupt enabled on every counter (MSI
 * when CFGR.MSI and the HAL's msi_msg gives SMMU_MSI_PMCG a target, wired otherwise),
 * CR.E = 1. SMMU_ENODEV without a PMCG (CFGR reads 0), SMMU_ETIMEDOUT if IRQ_CTRLACK
 * does not follow.
 */
int smmu_pmu_init(smmu_pmu_t *pmu, smmu_t *smmu);

/* Stop everything and disable the group (CR.E = 0, IRQEN = 0). */
int smmu_pmu_teardown(smmu_pmu_t *pmu);

/*
 * A free counter for `event` (enum smmu_pmu_event; SMMU_EINVAL if CEID0 does not list
 * it), counting only the StreamIDs that `sid` selects: `sid_span` false: exactly `sid`;
 * true: `sid` in the architected span encoding (10.4: trailing ones and the 0 above them
 * are ignored; SMMU_PMU_ALL_SIDS: every StreamID). Returns the counter index (>= 0),
 * stopped at 0, or SMMU_ENOSPC.
 */
int smmu_pmu_alloc(smmu_pmu_t *pmu, unsigned event, uint32_t sid, bool sid_span);
int smmu_pmu_free(smmu_pmu_t *pmu, int idx);

/* Start / stop counting (the count is kept across a stop and a start). */
int smmu_pmu_start(smmu_pmu_t *pmu, int idx);
int smmu_pmu_stop(smmu_pmu_t *pmu, int idx);

/* The 64-bit count since allocation (hardware value and overflows folded in). */
int smmu_pmu_read(smmu_pmu_t *pmu, int idx, uint64_t *count);

/*
 * The overflow interrupt handler (wired or MSI): folds each overflowed counter's wrap
 * into its count and clears its OVS bit. Returns the OVS bits handled (0: none).
 */
int smmu_pmu_irq(smmu_pmu_t *pmu);

/* A `perf stat`-style summary of counters into `buf` (NUL-terminated, at most len
 * bytes): one line per counter with its event name and count, then walk reads per
 * transaction when both were counted. Returns the characters written, or SMMU_EINVAL. */
int smmu_pmu_format(smmu_pmu_t *pmu, const int *idx, unsigned n, char *buf, unsigned len);

/* The event's name ("cycles", "transactions", ...), or "?" */
const char *smmu_pmu_event_name(unsigned event);

#ifdef __cplusplus
}
#endif

#endif /* SMMU_PMU_H */
