/*
 * A mock SMMU for host-only driver tests and fuzzers (no Verilator model): a register
 * file with the ID registers of a capable SMMUv3.2, CR0ACK/IRQ_CTRLACK that follow at
 * once, a command queue consumed at the PROD write (every command is logged), an event
 * queue the test fills (mock_inject_event), and DMA memory from an arena of host pages
 * at a made-up physical address. Enough for probe, init, domains, attach, nesting and
 * event routing; nothing is translated.
 */
#ifndef MOCK_SMMU_H
#define MOCK_SMMU_H

#include <stdbool.h>
#include <stdint.h>

#include "smmu/smmu.h"
#include "smmu/smmu_pool.h"

#define MOCK_ARENA_PAGES 8192u                  /* 32 MB */
#define MOCK_ARENA_PA 0x0000004000000000ull     /* above 4 GB: both halves of a dword */
#define MOCK_LOG_MAX 8192u

typedef struct mock_smmu {
    smmu_hal_t hal;
    uint32_t regs[0x20000 / 4];
    uint64_t t;                 /* microseconds: one per access */
    bool ack_follows;           /* CR0ACK / IRQ_CTRLACK follow at once (default) */
    bool consume;               /* the command queue consumes at once (default) */
    unsigned fail_alloc_after;  /* 0: never; n: the n-th dma_alloc from now fails */
    /* Commands consumed, in order: the last MOCK_LOG_MAX of them in a ring (mock_cmd);
     * ncmds counts them all. */
    smmu_cmd_t log[MOCK_LOG_MAX];
    unsigned ncmds;
    /* DMA arena, through the driver's page allocator; pool.allocs: live allocations. */
    uint8_t *arena;
    smmu_pool_t pool;
    uint32_t used[SMMU_POOL_WORDS(MOCK_ARENA_PAGES)];
    uint32_t first[SMMU_POOL_WORDS(MOCK_ARENA_PAGES)];
    /* The last WARN/ERR line. */
    char last[256];
    int last_level;
} mock_smmu_t;

/* A new mock (heap; free with mock_free): ID registers of a capable SMMUv3.2. */
mock_smmu_t *mock_new(void);
void mock_free(mock_smmu_t *m);
/* The idx-th command consumed (idx < ncmds, and among the last MOCK_LOG_MAX). */
static inline const smmu_cmd_t *mock_cmd(const mock_smmu_t *m, unsigned idx)
{
    return &m->log[idx % MOCK_LOG_MAX];
}
/* Re-set the ID registers (after a test changed them). */
void mock_ids(mock_smmu_t *m);
/* Write one record at EVENTQ_PROD and advance it (false if the queue is full). */
bool mock_inject_event(mock_smmu_t *m, const smmu_event_t *ev);
/* The CPU pointer of a physical address in the arena (NULL outside). */
void *mock_pa_to_cpu(mock_smmu_t *m, uint64_t pa);
/* Probe and init an SMMU on the mock (cfg may be NULL); 0 or the driver's error. */
int mock_up(mock_smmu_t *m, smmu_t *s, const smmu_config_t *cfg);

#endif /* MOCK_SMMU_H */
