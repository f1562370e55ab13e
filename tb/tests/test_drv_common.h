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

/*
 * Traffic during a structure update: install with drv_live_start(); the driver calls
 * the hook after every store to a live STE/CD and after every sync of an update
 * (smmu_t.entry_hook). After a store it first makes the SMMU refetch `sid`'s STE as it
 * now is in memory (CFGI_STE + CMD_SYNC: it could fetch it at any time anyway), then
 * reads `ndw` dwords at `addr`; dword i must be want[0] + 8i (the old configuration's
 * data) or want[1] + 8i (the new one's), or abort. Counts reads, aborts and wrong data.
 */
typedef struct drv_live {
    test_ctx_t *t;
    smmu_t *s;
    uint32_t sid;
    uint64_t addr;
    unsigned ndw;          /* dwords read per hook call (1 or 2) */
    uint64_t want[2];
    unsigned reads, aborts, wrong, busy;
} drv_live_t;

static inline void drv_live_hook(void *arg, const uint64_t *entry, bool after_sync)
{
    drv_live_t *l = (drv_live_t *)arg;
    smmu_cmd_t c;
    uint64_t v;
    dma_result_t r;

    (void)entry;
    if (l->busy)
        return; /* the refetch below is itself a sync of no update */
    l->busy = 1;
    if (!after_sync) {
        smmu_cmd_cfgi_ste(&c, l->sid, true);
        (void)smmu_cmdq_submit(l->s, &c, 1, true, SMMU_CS_NONE);
    }
    for (unsigned i = 0; i < l->ndw; i++) {
        v = 0;
        r = drv_dma_read(l->t, l->sid, l->addr + (uint64_t)i * 8u, &v);
        l->reads++;
        if (r.resp != 0)
            l->aborts++;
        else if (v != l->want[0] + (uint64_t)i * 8u && v != l->want[1] + (uint64_t)i * 8u)
            l->wrong++;
    }
    l->busy = 0;
}

/* Start observing an update of `sid` whose data at addr goes from old_data to new_data;
 * smmu_t.entry_hook stays installed until drv_live_stop(). */
static inline void drv_live_start(drv_live_t *l, test_ctx_t *t, smmu_t *s, uint32_t sid,
                                  uint64_t addr, unsigned ndw, uint64_t old_data,
                                  uint64_t new_data)
{
    memset(l, 0, sizeof *l);
    l->t = t;
    l->s = s;
    l->sid = sid;
    l->addr = addr;
    l->ndw = ndw;
    l->want[0] = old_data;
    l->want[1] = new_data;
    s->entry_hook = drv_live_hook;
    s->entry_hook_arg = l;
}

static inline void drv_live_stop(drv_live_t *l)
{
    l->s->entry_hook = NULL;
    l->s->entry_hook_arg = NULL;
}

#endif /* TEST_DRV_COMMON_H */
