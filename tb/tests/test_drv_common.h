/* Shared set-up of the driver-against-RTL tests: the simulator HAL plus one smmu_t. */
#ifndef TEST_DRV_COMMON_H
#define TEST_DRV_COMMON_H

#include <string.h>

#include "smmu/smmu.h"
#include "smmu/smmu_queue.h"
#include "smmu/smmu_regs.h"
#include "smmu_hal_sim.h"
#include "test.h"

typedef struct drv_fx {
    smmu_hal_sim_t h;
    smmu_t s;
} drv_fx_t;

/* One fixture at a time (tests run one after another); static because the HAL's page
 * tables are large, and heap-free so a test that stops early leaks nothing. */
static drv_fx_t drv_fx_storage;

static inline drv_fx_t *drv_probe(test_ctx_t *t)
{
    drv_fx_t *fx = &drv_fx_storage;
    int ret;

    memset(fx, 0, sizeof *fx);
    REQUIRE(smmu_hal_sim_init(&fx->h, t->sim) == 0, "simulator HAL init");
    /* Recovered errors log at WARN; tests check them through h.last_warn, so only
     * errors reach stdout. */
    fx->h.log_level = SMMU_LOG_ERR;
    ret = smmu_probe(&fx->s, &fx->h.hal);
    REQUIRE(ret == 0, "probe: %s", smmu_strerror(ret));
    return fx;
}

static inline drv_fx_t *drv_up(test_ctx_t *t, const smmu_config_t *cfg)
{
    drv_fx_t *fx = drv_probe(t);
    int ret = smmu_init(&fx->s, cfg);

    REQUIRE(ret == 0, "init: %s (last warning: %s)", smmu_strerror(ret), fx->h.last_warn);
    return fx;
}

static inline void drv_down(test_ctx_t *t, drv_fx_t *fx)
{
    CHECK_EQ(smmu_teardown(&fx->s), 0);
    CHECK_EQ(fx->h.allocs, 0);
    smmu_hal_sim_fini(&fx->h);
}

/* Active global errors as the hardware reports them. */
static inline uint32_t drv_gerror_active(test_ctx_t *t)
{
    return sim_reg_read32(t->sim, SMMU_GERROR) ^ sim_reg_read32(t->sim, SMMU_GERRORN);
}

/* A client read of 8 bytes. */
static inline dma_result_t drv_dma_read(test_ctx_t *t, uint32_t sid, uint64_t addr,
                                        uint64_t *data)
{
    dma_txn_t txn = {.sid = sid, .addr = addr, .len = 8, .prot = 2};
    return dma_read(t->sim, &txn, data);
}

static inline dma_result_t drv_dma_write(test_ctx_t *t, uint32_t sid, uint64_t addr,
                                         uint64_t data)
{
    dma_txn_t txn = {.sid = sid, .addr = addr, .len = 8, .prot = 2};
    return dma_write(t->sim, &txn, &data);
}

#endif /* TEST_DRV_COMMON_H */
