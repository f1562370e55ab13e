/*
 * Circular-queue index arithmetic of IHI 0070 3.5.1, as pure functions.
 *
 * A queue of 2^log2 entries is indexed by a value whose bits [log2-1:0] are the slot and
 * bit [log2] the wrap flag, which toggles each time the index passes the end. The queue
 * is empty when slot and wrap of PROD and CONS are equal, full when the slots are equal
 * and the wraps differ. Taking slot and wrap together as a (log2 + 1)-bit counter, the
 * number of entries in use is simply (PROD - CONS) modulo 2^(log2 + 1). Bits above the
 * wrap flag (CMDQ_CONS.ERR, EVENTQ_PROD.OVFLG, ...) are ignored by every function here.
 *
 * log2 is at most 19 (IDR1.CMDQS/EVENTQS), so everything fits in 32 bits.
 */
#ifndef SMMU_QUEUE_H
#define SMMU_QUEUE_H

#include <stdbool.h>
#include <stdint.h>

/* Number of entries of a queue of 2^log2 entries. */
static inline uint32_t smmu_q_entries(unsigned log2)
{
    return 1u << log2;
}

/* Mask of the slot and wrap bits together. */
static inline uint32_t smmu_q_ptr_mask(unsigned log2)
{
    return (2u << log2) - 1u;
}

/* The slot number [log2-1:0] of an index value. */
static inline uint32_t smmu_q_slot(uint32_t v, unsigned log2)
{
    return v & ((1u << log2) - 1u);
}

/* The wrap flag (bit log2) of an index value, 0 or 1. */
static inline uint32_t smmu_q_wrap(uint32_t v, unsigned log2)
{
    return (v >> log2) & 1u;
}

/* Entries in use between a producer and a consumer index. */
static inline uint32_t smmu_q_used(uint32_t prod, uint32_t cons, unsigned log2)
{
    return (prod - cons) & smmu_q_ptr_mask(log2);
}

/* Free entries (0 when full). */
static inline uint32_t smmu_q_space(uint32_t prod, uint32_t cons, unsigned log2)
{
    return smmu_q_entries(log2) - smmu_q_used(prod, cons, log2);
}

static inline bool smmu_q_empty(uint32_t prod, uint32_t cons, unsigned log2)
{
    return smmu_q_used(prod, cons, log2) == 0;
}

static inline bool smmu_q_full(uint32_t prod, uint32_t cons, unsigned log2)
{
    return smmu_q_used(prod, cons, log2) == smmu_q_entries(log2);
}

/* The index n entries after v (slot and wrap only). */
static inline uint32_t smmu_q_add(uint32_t v, uint32_t n, unsigned log2)
{
    return (v + n) & smmu_q_ptr_mask(log2);
}

/*
 * Whether the entry at index `pos` has been consumed, given the current producer and
 * consumer indexes, for a single producer that wrote `pos` before `prod` (so `pos` lies
 * in [cons_at_write, prod)). The entry is still outstanding exactly when it is among
 * the `used` entries just before prod, i.e. when (prod - pos) <= used.
 */
static inline bool smmu_q_consumed(uint32_t pos, uint32_t prod, uint32_t cons, unsigned log2)
{
    uint32_t after = smmu_q_used(prod, pos, log2); /* entries from pos up to prod */
    return after > smmu_q_used(prod, cons, log2) || after == 0;
}

#endif /* SMMU_QUEUE_H */
