/*
 * fuzz-guest-ste: smmu_nested_domain_init on any two guest STE dwords. Properties:
 * accepted exactly when the guest may set what it set (an independent reading of the
 * rule: V = 0, or every bit inside SMMU_GUEST_STE0/1_ALLOWED and Config abort, bypass
 * or stage 1); an accepted STE becomes exactly the parent's stage-2 STE plus the
 * allowed guest fields (nothing else of the guest's reaches the hardware's STE); a
 * refused one leaves a dead domain and the vIOMMU's count unchanged.
 */
#include "fuzz_common.h"

/* The oracle's own list of what a guest may set (IHI 0070 5.2; as Linux's vSTE
 * validation), written from the field names, not from the driver's masks. */
#define ORACLE_ALLOWED0                                                                   \
    (STE_V_MASK | STE_CONFIG_MASK | STE_S1FMT_MASK | STE_S1CONTEXTPTR_MASK | STE_S1CDMAX_MASK)
#define ORACLE_ALLOWED1                                                                   \
    (STE_S1DSS_MASK | STE_S1CIR_MASK | STE_S1COR_MASK | STE_S1CSH_MASK | STE_S1STALLD_MASK)

static unsigned long runs, accepted, outside;

static void summary(void)
{
    printf("fuzz-guest-ste: %lu runs, %lu accepted, %lu accepted-outside-set\n", runs,
           accepted, outside);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static smmu_domain_t d;
    uint64_t g[2], ste[8], s2[8];
    unsigned cfg, nested0;
    bool valid, ok;
    int ret;

    if (!fz) {
        fz_up();
        atexit(summary);
    }
    if (size < 16)
        return 0;
    runs++;
    g[0] = fz_u64(data);
    g[1] = fz_u64(data + 8);
    valid = g[0] & 1u;
    cfg = (unsigned)(g[0] >> 1) & 7u;
    ok = !valid || (!(g[0] & ~(uint64_t)ORACLE_ALLOWED0) && !(g[1] & ~(uint64_t)ORACLE_ALLOWED1) &&
                    (cfg == 0u || cfg == 4u || cfg == 5u));
    nested0 = fz->v.nested;
    ret = smmu_nested_domain_init(&d, &fz->v, g);
    if (ret == 0 && !ok) {
        outside++;
        fz_fail("a guest STE with a field outside the allowed set was accepted");
    }
    if (ret != 0) {
        if (ok)
            fz_fail("an allowed guest STE was refused");
        if (ret != SMMU_EINVAL || d.smmu != NULL || fz->v.nested != nested0)
            fz_fail("a refused guest STE left something behind");
        return 0;
    }
    accepted++;
    smmu_make_domain_ste(&d, ste);
    smmu_make_s2_ste(&fz->parent, s2);
    if (!valid || cfg == 0u) {
        if (ste[0] != 1u || ste[1] || ste[2] || ste[3] || ste[4] || ste[5] || ste[6] || ste[7])
            fz_fail("guest abort: not an abort STE");
    } else if (cfg == 4u) {
        if (memcmp(ste, s2, sizeof s2))
            fz_fail("guest bypass: not the parent's stage-2 STE");
    } else {
        uint64_t w0 = (s2[0] & ~(uint64_t)STE_CONFIG_MASK) |
                      ((uint64_t)STE_CFG_NESTED << STE_CONFIG_SHIFT) |
                      (g[0] & (STE_S1FMT_MASK | STE_S1CONTEXTPTR_MASK | STE_S1CDMAX_MASK));
        uint64_t w1 = s2[1] | (g[1] & ORACLE_ALLOWED1) | STE_MEV_MASK;
        if (ste[0] != w0 || ste[1] != w1 || memcmp(ste + 2, s2 + 2, 6 * sizeof(uint64_t)))
            fz_fail("guest stage 1: the STE is not the parent's plus the allowed fields");
    }
    if (smmu_domain_free(&d) != 0 || fz->v.nested != nested0)
        fz_fail("free");
    return 0;
}
