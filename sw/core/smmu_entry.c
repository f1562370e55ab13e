/* The hitless entry writer (smmu_domain.h), after Linux's arm_smmu_write_entry: it
 * moves an 8-dword STE or CD (IHI 0070 5.2, 5.4) from one configuration to another
 * through states the SMMU can fetch at any time, a dword being read whole. */
#include "smmu/smmu_domain.h"
#include "smmu_internal.h"

#define LO32 0x00000000ffffffffull
#define HI32 0xffffffff00000000ull

static void copy8(uint64_t *dst, const uint64_t *src)
{
    unsigned i;

    for (i = 0; i < 8u; i++)
        dst[i] = src[i];
}

static void observe(smmu_entry_writer_t *w, const uint64_t *entry)
{
    if (w->observe)
        w->observe(w, entry);
}

/* One dword; on a split64 CPU as two 32-bit stores in the given order. */
static void store_dw(smmu_entry_writer_t *w, uint64_t *entry, unsigned i, uint64_t val,
                     bool hi_first)
{
    volatile uint32_t *h = (volatile uint32_t *)(void *)&entry[i];
    uint32_t lo = (uint32_t)val, hi = (uint32_t)(val >> 32);

    if (!w->split64) {
        *(volatile uint64_t *)&entry[i] = val;
        observe(w, entry);
        return;
    }
    if (hi_first && h[1] != hi) {
        h[1] = hi;
        observe(w, entry);
    }
    if (h[0] != lo) {
        h[0] = lo;
        observe(w, entry);
    }
    if (h[1] != hi) {
        h[1] = hi;
        observe(w, entry);
    }
}

/* Write dwords [first, first + n) of src, then sync if anything changed. */
static int entry_set(smmu_entry_writer_t *w, uint64_t *entry, const uint64_t *src,
                     unsigned first, unsigned n, bool hi_first)
{
    bool changed = false;
    unsigned i;

    for (i = first; i < first + n; i++) {
        if (entry[i] == src[i])
            continue;
        store_dw(w, entry, i, src[i], hi_first);
        changed = true;
    }
    if (!changed)
        return 0;
    w->syncs++;
    return w->sync(w);
}

/* Can dword `crit` go from before[crit] to after[crit] as two 32-bit stores in this
 * order without an intermediate that is neither configuration (safe bits aside)? */
static bool split_order_ok(smmu_entry_writer_t *w, const uint64_t *before,
                           const uint64_t *after, unsigned crit, bool hi_first,
                           const uint64_t *safe)
{
    uint64_t mid[8];

    copy8(mid, before);
    mid[crit] = hi_first ? (after[crit] & HI32) | (before[crit] & LO32)
                         : (before[crit] & HI32) | (after[crit] & LO32);
    return smmu_entry_equivalent_masked(w->used, mid, before, safe) ||
           smmu_entry_equivalent_masked(w->used, mid, after, safe);
}

int smmu_entry_write(smmu_entry_writer_t *w, uint64_t *entry, const uint64_t target[8])
{
    uint64_t cur[8], cur_used[8], tgt_used[8], unused_update[8], after[8], safe[8];
    unsigned i, ndiff = 0, crit = 0;
    int ret;

    w->syncs = 0;
    w->hitless = true;
    for (i = 0; i < 8u; i++) {
        cur[i] = *(volatile uint64_t *)&entry[i];
        safe[i] = 0;
    }
    w->used(cur, cur_used);
    w->used(target, tgt_used);
    if (w->safe)
        w->safe(cur, target, safe);
    for (i = 0; i < 8u; i++) {
        /* A safe bit counts only where both configurations use it (elsewhere the
         * unused-bit rule orders it anyway); it changes with the unused bits. */
        uint64_t cu;
        safe[i] &= cur_used[i] & tgt_used[i];
        cu = cur_used[i] & ~safe[i];
        /* Bits the current configuration ignores may take their new values now. */
        unused_update[i] = (cur[i] & cu) | (target[i] & ~cu);
        if ((unused_update[i] & tgt_used[i]) != (target[i] & tgt_used[i])) {
            ndiff++;
            crit = i;
        }
    }

    if (ndiff == 1u) {
        bool hi_first = false, ok = true, step1 = false;
        unused_update[crit] = cur[crit];
        /* Safe bits may change in the first step or the last, whichever already writes
         * something: a change of them alone never costs a sync of its own. */
        for (i = 0; i < 8u; i++)
            step1 = step1 || ((unused_update[i] ^ cur[i]) & ~safe[i]) != 0u;
        if (!step1)
            for (i = 0; i < 8u; i++)
                unused_update[i] = (unused_update[i] & ~safe[i]) | (cur[i] & safe[i]);
        if (w->split64) {
            copy8(after, unused_update);
            after[crit] = target[crit];
            hi_first = split_order_ok(w, unused_update, after, crit, true, safe);
            ok = hi_first || split_order_ok(w, unused_update, after, crit, false, safe);
        }
        if (ok) {
            ret = entry_set(w, entry, unused_update, 0, 8, false);
            if (ret == 0)
                ret = entry_set(w, entry, target, crit, 1, hi_first);
            if (ret == 0)
                ret = entry_set(w, entry, target, 0, 8, false);
            return ret;
        }
        /* No tear-free order for the critical dword: break instead. */
    } else if (ndiff == 0u) {
        return entry_set(w, entry, target, 0, 8, false);
    }

    /* Breaking update: V = 0 first (low half first: V is bit 0), the rest, then dword
     * 0 with its low half (V) last. */
    w->hitless = false;
    unused_update[0] = 0;
    ret = entry_set(w, entry, unused_update, 0, 1, false);
    if (ret == 0)
        ret = entry_set(w, entry, target, 1, 7, false);
    if (ret == 0)
        ret = entry_set(w, entry, target, 0, 1, true);
    return ret;
}

