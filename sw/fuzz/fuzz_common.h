/*
 * Shared set-up of the driver's libFuzzer targets: an SMMU on the mock
 * (sw/tests/mock_smmu.h) with a nest parent, a vIOMMU and masters, built once; each
 * input leaves it as it found it. A property that fails aborts (libFuzzer counts a
 * crash and keeps the input); the counters end in one summary line at exit.
 */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mock_smmu.h"
#include "smmu/smmu_domain.h"
#include "smmu/smmu_nested.h"
#include "smmu/smmu_regs.h"

#define FZ_PSID1 0x21u
#define FZ_PSID2 0x22u
#define FZ_VSID1 1u
#define FZ_VSID2 2u
#define FZ_HOST_SID 0x30u

typedef struct fz_world {
    mock_smmu_t *m;
    smmu_t s;
    smmu_domain_t parent, host;
    smmu_viommu_t v;
    smmu_master_t m1, m2, mh;
} fz_world_t;

static fz_world_t *fz;

static void fz_fail(const char *what)
{
    fprintf(stderr, "property violated: %s\n", what);
    abort();
}

static void fz_up(void)
{
    smmu_domain_cfg_t np = {.nest_parent = true};

    if (fz)
        return;
    fz = calloc(1, sizeof *fz);
    if (!fz || !(fz->m = mock_new()) || mock_up(fz->m, &fz->s, NULL) ||
        smmu_domain_init(&fz->parent, &fz->s, SMMU_DOMAIN_S2, &np) ||
        smmu_domain_init(&fz->host, &fz->s, SMMU_DOMAIN_S1, NULL) ||
        smmu_viommu_init(&fz->v, &fz->parent, NULL, NULL) ||
        smmu_master_init(&fz->m1, &fz->s, FZ_PSID1) ||
        smmu_master_init(&fz->m2, &fz->s, FZ_PSID2) ||
        smmu_master_init(&fz->mh, &fz->s, FZ_HOST_SID) ||
        smmu_viommu_vdev_add(&fz->v, &fz->m1, FZ_VSID1) ||
        smmu_viommu_vdev_add(&fz->v, &fz->m2, FZ_VSID2) || smmu_attach(&fz->mh, &fz->host))
        fz_fail("set-up");
}

static uint64_t fz_u64(const uint8_t *p)
{
    uint64_t v = 0;

    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

#endif /* FUZZ_COMMON_H */
