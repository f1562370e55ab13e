/* The page allocator HALs give memory to (smmu_pool.h). */
#include "smmu/smmu_pool.h"

#include "smmu_internal.h"

static bool bit(const uint32_t *map, uint32_t i)
{
    return (map[i / 32u] >> (i % 32u)) & 1u;
}

static void set_bit(uint32_t *map, uint32_t i, bool on)
{
    if (on)
        map[i / 32u] |= 1u << (i % 32u);
    else
        map[i / 32u] &= ~(1u << (i % 32u));
}

int smmu_pool_init(smmu_pool_t *p, void *cpu, uint64_t pa, size_t size, uint32_t *used,
                   uint32_t *first, uint32_t max_pages)
{
    uint32_t i, n;

    if (!p || !cpu || !used || !first || (pa & (SMMU_POOL_PAGE - 1u)) ||
        ((uintptr_t)cpu & (SMMU_POOL_PAGE - 1u)) || size < SMMU_POOL_PAGE)
        return SMMU_EINVAL;
    n = size / SMMU_POOL_PAGE > max_pages ? max_pages : (uint32_t)(size / SMMU_POOL_PAGE);
    p->cpu = (uint8_t *)cpu;
    p->pa = pa;
    p->npages = n;
    p->used = used;
    p->first = first;
    p->allocs = 0;
    p->bytes_in_use = 0;
    for (i = 0; i < SMMU_POOL_WORDS(n); i++) {
        used[i] = 0;
        first[i] = 0;
    }
    return 0;
}

static uint32_t pages_of(size_t size)
{
    return (uint32_t)((size + SMMU_POOL_PAGE - 1u) / SMMU_POOL_PAGE);
}

int smmu_pool_alloc(smmu_pool_t *p, size_t size, size_t align, void **cpu, uint64_t *pa)
{
    size_t pow2 = 1;
    uint32_t n, s, k, step;

    if (!p || !cpu || !pa || size == 0 || align == 0 || (align & (align - 1u)))
        return SMMU_EINVAL;
    while (pow2 < size)
        pow2 <<= 1;
    if (align > pow2)
        return SMMU_EINVAL;
    if (size > (size_t)p->npages * SMMU_POOL_PAGE)
        return SMMU_ENOMEM;
    n = pages_of(size);
    step = align > SMMU_POOL_PAGE ? (uint32_t)(align / SMMU_POOL_PAGE) : 1u;
    /* The first page whose physical address is aligned, then every step pages. */
    for (s = 0; s < step && s < p->npages; s++)
        if (((p->pa + (uint64_t)s * SMMU_POOL_PAGE) & (uint64_t)(align - 1u)) == 0u)
            break;
    for (; s + n <= p->npages; s += step) {
        volatile uint64_t *w;
        for (k = 0; k < n && !bit(p->used, s + k); k++)
            ;
        if (k < n)
            continue;
        for (k = 0; k < n; k++)
            set_bit(p->used, s + k, true);
        set_bit(p->first, s, true);
        p->allocs++;
        p->bytes_in_use += (size_t)n * SMMU_POOL_PAGE;
        /* Zero through a volatile pointer: never a memset call (freestanding). */
        w = (volatile uint64_t *)(void *)(p->cpu + (size_t)s * SMMU_POOL_PAGE);
        for (k = 0; k < n * (SMMU_POOL_PAGE / 8u); k++)
            w[k] = 0;
        *cpu = (void *)(p->cpu + (size_t)s * SMMU_POOL_PAGE);
        *pa = p->pa + (uint64_t)s * SMMU_POOL_PAGE;
        return 0;
    }
    return SMMU_ENOMEM;
}

int smmu_pool_free(smmu_pool_t *p, void *cpu, uint64_t pa, size_t size)
{
    uint8_t *c = (uint8_t *)cpu;
    uint32_t s, n, k;

    if (!cpu)
        return 0;
    if (!p || c < p->cpu || size == 0)
        return SMMU_EINVAL;
    s = (uint32_t)((size_t)(c - p->cpu) / SMMU_POOL_PAGE);
    n = pages_of(size);
    if (s >= p->npages || n > p->npages - s || c != p->cpu + (size_t)s * SMMU_POOL_PAGE ||
        pa != p->pa + (uint64_t)s * SMMU_POOL_PAGE || !bit(p->first, s))
        return SMMU_EINVAL;
    /* Exactly this allocation: all its pages in use, no other allocation starting
     * inside, and the page after it not a continuation. */
    for (k = 0; k < n; k++)
        if (!bit(p->used, s + k) || (k && bit(p->first, s + k)))
            return SMMU_EINVAL;
    if (s + n < p->npages && bit(p->used, s + n) && !bit(p->first, s + n))
        return SMMU_EINVAL;
    for (k = 0; k < n; k++)
        set_bit(p->used, s + k, false);
    set_bit(p->first, s, false);
    p->allocs--;
    p->bytes_in_use -= (size_t)n * SMMU_POOL_PAGE;
    return 0;
}

void *smmu_pool_pa_to_cpu(const smmu_pool_t *p, uint64_t pa)
{
    if (!p || pa < p->pa || pa - p->pa >= (uint64_t)p->npages * SMMU_POOL_PAGE)
        return 0;
    return p->cpu + (size_t)(pa - p->pa);
}
