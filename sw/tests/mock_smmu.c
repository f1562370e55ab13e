/* The mock SMMU (mock_smmu.h). */
#include "mock_smmu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smmu/smmu_queue.h"
#include "smmu/smmu_regs.h"

static uint64_t reg64(const mock_smmu_t *m, uint32_t off)
{
    return (uint64_t)m->regs[off / 4] | (uint64_t)m->regs[off / 4 + 1] << 32;
}

void *mock_pa_to_cpu(mock_smmu_t *m, uint64_t pa)
{
    if (pa < MOCK_ARENA_PA || pa >= MOCK_ARENA_PA + (uint64_t)MOCK_ARENA_PAGES * 4096u)
        return NULL;
    return m->arena + (pa - MOCK_ARENA_PA);
}

/* The SMMU consumes everything between CONS and PROD. */
static void consume(mock_smmu_t *m)
{
    uint64_t base = reg64(m, SMMU_CMDQ_BASE);
    unsigned log2 = (unsigned)(base & SMMU_CMDQ_BASE_LOG2SIZE_MASK);
    uint64_t *q = mock_pa_to_cpu(m, base & SMMU_CMDQ_BASE_ADDR_MASK);
    uint32_t prod = m->regs[SMMU_CMDQ_PROD / 4] & smmu_q_ptr_mask(log2);
    uint32_t cons = m->regs[SMMU_CMDQ_CONS / 4] & smmu_q_ptr_mask(log2);

    if (!q || !(m->regs[SMMU_CR0 / 4] & SMMU_CR0_CMDQEN_MASK))
        return;
    while (cons != prod) {
        const uint64_t *c = q + (size_t)smmu_q_slot(cons, log2) * 2u;
        m->log[m->ncmds % MOCK_LOG_MAX].dw[0] = c[0];
        m->log[m->ncmds % MOCK_LOG_MAX].dw[1] = c[1];
        m->ncmds++;
        cons = smmu_q_add(cons, 1, log2);
    }
    m->regs[SMMU_CMDQ_CONS / 4] = cons;
}

static uint32_t m_rd32(void *ctx, uint32_t off)
{
    mock_smmu_t *m = ctx;

    m->t++;
    return m->regs[off / 4];
}

static void m_wr32(void *ctx, uint32_t off, uint32_t v)
{
    mock_smmu_t *m = ctx;

    m->t++;
    m->regs[off / 4] = v;
    if (m->ack_follows && off == SMMU_CR0)
        m->regs[SMMU_CR0ACK / 4] = v;
    if (m->ack_follows && off == SMMU_IRQ_CTRL)
        m->regs[SMMU_IRQ_CTRLACK / 4] = v;
    if (off == SMMU_GBPA)
        m->regs[off / 4] = v & ~SMMU_GBPA_UPDATE_MASK;
    if (off == SMMU_CMDQ_PROD && m->consume)
        consume(m);
}

static int m_alloc(void *ctx, size_t size, size_t align, void **cpu, uint64_t *pa)
{
    mock_smmu_t *m = ctx;

    if (m->fail_alloc_after && --m->fail_alloc_after == 0)
        return SMMU_ENOMEM;
    return smmu_pool_alloc(&m->pool, size, align, cpu, pa);
}

static void m_free(void *ctx, void *cpu, uint64_t pa, size_t size)
{
    mock_smmu_t *m = ctx;

    if (smmu_pool_free(&m->pool, cpu, pa, size)) {
        fprintf(stderr, "mock_smmu: bad dma_free(%p, 0x%llx, %zu)\n", cpu,
                (unsigned long long)pa, size);
        abort();
    }
}

static void *m_p2c(void *ctx, uint64_t pa)
{
    return mock_pa_to_cpu(ctx, pa);
}

static void m_barrier(void *ctx)
{
    (void)ctx;
}

static uint64_t m_now(void *ctx)
{
    return ++((mock_smmu_t *)ctx)->t;
}

static void m_log(void *ctx, int level, const char *msg)
{
    mock_smmu_t *m = ctx;

    if (level <= SMMU_LOG_WARN) {
        snprintf(m->last, sizeof m->last, "%s", msg);
        m->last_level = level;
    }
}

void mock_ids(mock_smmu_t *m)
{
    m->regs[SMMU_IDR0 / 4] = (1u << SMMU_IDR0_ST_LEVEL_SHIFT) | SMMU_IDR0_TERM_MODEL_MASK |
                             (1u << SMMU_IDR0_STALL_MODEL_SHIFT) |
                             (2u << SMMU_IDR0_TTENDIAN_SHIFT) | SMMU_IDR0_VMID16_MASK |
                             SMMU_IDR0_ASID16_MASK | SMMU_IDR0_HYP_MASK |
                             SMMU_IDR0_COHACC_MASK | (2u << SMMU_IDR0_TTF_SHIFT) |
                             SMMU_IDR0_S1P_MASK | SMMU_IDR0_S2P_MASK;
    m->regs[SMMU_IDR1 / 4] = SMMU_IDR1_ATTR_TYPES_OVR_MASK | SMMU_IDR1_ATTR_PERMS_OVR_MASK |
                             (8u << SMMU_IDR1_CMDQS_SHIFT) | (7u << SMMU_IDR1_EVENTQS_SHIFT) |
                             16u;
    m->regs[SMMU_IDR3 / 4] = SMMU_IDR3_FWB_MASK | SMMU_IDR3_RIL_MASK | SMMU_IDR3_XNX_MASK |
                             SMMU_IDR3_HAD_MASK | (1u << SMMU_IDR3_BBML_SHIFT);
    m->regs[SMMU_IDR5 / 4] = SMMU_IDR5_GRAN4K_MASK | SMMU_IDR5_GRAN16K_MASK |
                              SMMU_IDR5_GRAN64K_MASK | 5u; /* OAS 48 */
    m->regs[SMMU_IIDR / 4] = 0x0010043bu;
    m->regs[SMMU_AIDR / 4] = 0x02;
}

mock_smmu_t *mock_new(void)
{
    mock_smmu_t *m = calloc(1, sizeof *m);

    if (!m)
        return NULL;
    m->arena = aligned_alloc(1u << 21, (size_t)MOCK_ARENA_PAGES * 4096u);
    if (!m->arena || smmu_pool_init(&m->pool, m->arena, MOCK_ARENA_PA,
                                    (size_t)MOCK_ARENA_PAGES * 4096u, m->used, m->first,
                                    MOCK_ARENA_PAGES)) {
        free(m->arena);
        free(m);
        return NULL;
    }
    m->ack_follows = true;
    m->consume = true;
    m->hal.ctx = m;
    m->hal.read32 = m_rd32;
    m->hal.write32 = m_wr32;
    m->hal.dma_alloc = m_alloc;
    m->hal.dma_free = m_free;
    m->hal.pa_to_cpu = m_p2c;
    m->hal.wmb = m_barrier;
    m->hal.rmb = m_barrier;
    m->hal.now_us = m_now;
    m->hal.log = m_log;
    mock_ids(m);
    return m;
}

void mock_free(mock_smmu_t *m)
{
    if (!m)
        return;
    free(m->arena);
    free(m);
}

bool mock_inject_event(mock_smmu_t *m, const smmu_event_t *ev)
{
    uint64_t base = reg64(m, SMMU_EVENTQ_BASE);
    unsigned log2 = (unsigned)(base & SMMU_EVENTQ_BASE_LOG2SIZE_MASK);
    uint64_t *q = mock_pa_to_cpu(m, base & SMMU_EVENTQ_BASE_ADDR_MASK);
    uint32_t prod = m->regs[SMMU_EVENTQ_PROD / 4];
    uint32_t cons = m->regs[SMMU_EVENTQ_CONS / 4];

    if (!q || smmu_q_full(prod, cons, log2))
        return false;
    memcpy(q + (size_t)smmu_q_slot(prod, log2) * 4u, ev->dw, 32);
    m->regs[SMMU_EVENTQ_PROD / 4] = (prod & ~smmu_q_ptr_mask(log2)) | smmu_q_add(prod, 1, log2);
    return true;
}

int mock_up(mock_smmu_t *m, smmu_t *s, const smmu_config_t *cfg)
{
    int ret = smmu_probe(s, &m->hal);

    return ret ? ret : smmu_init(s, cfg);
}
