/*
 * The directed-test environment of the translation engine (test_xlate_engine.c,
 * test_xlate_more.c): hand-built stream tables, CDs and translation tables written with
 * mem_write64 (no driver page-table code), raw register set-up, commands written into the
 * command queue directly, the event queue read from memory, and every transaction run
 * through the reference model (tb/model/smmu_model.h) as well, the two compared on the
 * outcome, PA, attribute, AxCACHE, AxDOMAIN, AxPROT and the event record (under the
 * model's mask).
 */
#ifndef XLATE_ENV_H
#define XLATE_ENV_H

#include <stdbool.h>
#include <stdint.h>

#include "smmu/smmu_regs.h"
#include "../model/smmu_model.h"
#include "test.h"

#define POLLS 400u

/* Memory map of the fixture (sparse memory: anything goes). */
#define STRTAB_PA  0x01000000ull /* linear, 256 STEs */
#define CD_PA      0x01100000ull /* CD of StreamID n at CD_PA + n * 0x1000 */
#define EVTQ_PA    0x01200000ull /* 32 records */
#define CMDQ_PA    0x01300000ull /* 32 commands */
#define S1_POOL    0x02000000ull /* stage-1 tables */
#define S2_POOL    0x03000000ull /* stage-2 tables */
#define EVTQ_LOG2  5u
#define CMDQ_LOG2  5u
#define STRTAB_CFG_LINEAR 8u    /* STRTAB_BASE_CFG after fx_up: linear, LOG2SIZE 8 */

typedef struct {
    test_ctx_t *t;
    uint64_t s1_next, s2_next;
    uint32_t evq_cons; /* records consumed (index with wrap) */
    uint32_t cmd_prod;
    uint32_t cr2;
    uint64_t err_base[8], err_size[8];
    unsigned n_err;
    uint64_t strtab_base;     /* as programmed (the model uses the same) */
    uint32_t strtab_cfg;
} fx_t;

/* ---- raw registers ---- */
void cr0_set(fx_t *f, uint32_t v);
/* Queues, a linear stream table of 256 STEs at STRTAB_PA, CR2 | RECINVSID, coherent table
 * walks, SMMUEN + EVENTQEN + CMDQEN. */
fx_t *fx_up(test_ctx_t *t, uint32_t cr2);
/* Reprograms STRTAB_BASE / STRTAB_BASE_CFG (SMMUEN off and on again around it). */
void fx_strtab(fx_t *f, uint64_t base, uint32_t cfg);

/* ---- commands ---- */
void cmd_put(fx_t *f, uint64_t dw0, uint64_t dw1);
void cmd_kick(fx_t *f);
bool cmd_wait(fx_t *f);
/* One command, a CMD_SYNC, and wait for both to be consumed (no GERROR expected). */
void cmd_sync1(fx_t *f, uint64_t dw0, uint64_t dw1);

/* ---- tables ---- */
uint64_t alloc(uint64_t *next, uint64_t size);
/* Map one leaf (level stashed in bits [63:62] by the leaf builders) for input address ia
 * in a tree rooted at root (start level `start`, `sbits` index bits there). */
void map(fx_t *f, uint64_t *pool, uint64_t root, unsigned start, unsigned sbits, uint64_t ia,
         uint64_t leaf);
uint64_t s1_leaf(unsigned level, uint64_t oa, unsigned idx, unsigned ap, unsigned sh);
uint64_t s2_leaf(unsigned level, uint64_t oa, unsigned memattr, unsigned s2ap, unsigned sh);
void wr_struct(fx_t *f, uint64_t pa, const uint64_t *d);
/* Where the STE of sid lives under the programmed STRTAB_BASE(_CFG): linear, or through
 * the level-1 descriptor already in memory (2-level). */
uint64_t ste_pa(fx_t *f, uint32_t sid);

/* A stream's configuration as the tests vary it. */
typedef struct {
    unsigned config;   /* STE_CFG_* */
    uint64_t ste1;     /* extra STE dword 1 bits (overrides, STRW, S2FWB) */
    uint64_t ste2;     /* extra STE dword 2 bits (S2R, S2AFFD, S2PTW) */
    uint16_t vmid, asid;
    unsigned t0sz;     /* stage 1 */
    uint64_t mair;
    uint64_t cd0;      /* extra CD dword 0 bits (R, EPD1, TBI0, PAN, WXN, AFFD) */
    unsigned s2t0sz, s2sl0;
    uint64_t ttb0, s2ttb; /* filled by stream_setup */
    unsigned s1_start, s1_sbits, s2_start, s2_sbits;
} stream_t;

#define MAIR_DEFAULT 0x0000000044ff0400ull /* 0 nGnRnE, 1 nGnRE, 2 WB RWA, 3 NC */

void stream_setup(fx_t *f, uint32_t sid, stream_t *s);
void s1_map(fx_t *f, stream_t *s, uint64_t va, uint64_t leaf);
void s2_map(fx_t *f, stream_t *s, uint64_t ipa, uint64_t leaf);

/* ---- the reference model ---- */
int model_read(void *ctx, uint64_t pa, uint64_t *val);
void err_range(fx_t *f, uint64_t base, uint64_t size);
void err_clear(fx_t *f);
void model_run(fx_t *f, const dma_txn_t *x, bool write, bool canwbs, smmu_model_result_t *r);

/* Waits for a traffic-master transaction at most `bound` cycles: false if it has not
 * ended by then (a hang, for tests that count them instead of aborting). */
bool tm_wait_within(sim_t *s, int h, uint64_t bound, tm_result_t *r);

/* Next event record, or false if none arrives. */
bool evt_next(fx_t *f, uint64_t d[4]);
bool evt_none(fx_t *f);

/* Runs x (read or write of x->len bytes) on the RTL and through the model, compares.
 * run_cmp_evt also returns the event record the RTL wrote (*got_evt, evt[4]). */
dma_result_t run_cmp(fx_t *f, const char *what, const dma_txn_t *x, bool write, bool canwbs,
                     smmu_model_result_t *mr_out);
dma_result_t run_cmp_evt(fx_t *f, const char *what, const dma_txn_t *x, bool write,
                         bool canwbs, smmu_model_result_t *mr_out, bool *got_evt,
                         uint64_t evt[4]);
dma_txn_t txn(uint32_t sid, uint64_t addr);
/* Read and write both, compared with the model. */
void rw_cmp(fx_t *f, const char *what, const dma_txn_t *x);

#endif /* XLATE_ENV_H */
