/*
 * The differential environment: one Verilated SMMU (tb/harness/sim.h) and the reference
 * model (tb/model/smmu_model.h) driven side by side.
 *
 * Everything the generator does to the system goes through here, so that
 *   - the model sees the same registers, memory and error ranges as the RTL,
 *   - every client transaction runs on both and is compared (response, downstream PA,
 *     attribute byte, AxCACHE, AxDOMAIN, AxPROT), and every predicted event record is
 *     compared, in order, with what the RTL wrote to its event queue (under the model's
 *     evt_mask),
 *   - the whole run can be written out as a scenario script (docs/scenario.md) for
 *     tb/scenario/scenario, to replay one failing seed alone with waves.
 *
 * The environment owns the command and event queues (software's side of them): commands
 * are written into the queue memory and PROD is moved; events are read from memory and
 * CONS is moved. Nothing here is random; the generator (diff_gen.c) owns the randomness.
 */
#ifndef DIFF_ENV_H
#define DIFF_ENV_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "sim.h"
#include "../model/smmu_model.h"

/* ---- a small deterministic PRNG (splitmix64): one stream per seed ------------------ */
typedef struct {
    uint64_t s;
} rng_t;

static inline uint64_t rng_u64(rng_t *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}
/* Uniform in [0, n) (n > 0; the bias of the modulo is irrelevant here). */
static inline uint64_t rng_below(rng_t *r, uint64_t n)
{
    return n ? rng_u64(r) % n : 0;
}
/* Uniform in [lo, hi]. */
static inline uint64_t rng_range(rng_t *r, uint64_t lo, uint64_t hi)
{
    return lo + rng_below(r, hi - lo + 1);
}
/* True with probability pct / 100. */
static inline bool rng_pct(rng_t *r, unsigned pct)
{
    return rng_below(r, 100) < pct;
}

/* Coverage rows: the configuration a transaction was aimed at. */
enum {
    ROW_GBPA,      /* SMMUEN = 0 */
    ROW_NOSTE,     /* StreamID without a stream table entry (range, 2-level span) */
    ROW_ABORT,     /* STE.Config = 0b0xx */
    ROW_BYPASS,    /* STE.Config = 0b100 */
    ROW_S1_EL1,    /* stage 1 only, NS-EL1 StreamWorld */
    ROW_S1_EL2,    /* stage 1 only, STRW = EL2, CR2.E2H = 0 */
    ROW_S1_E2H,    /* stage 1 only, STRW = EL2, CR2.E2H = 1 */
    ROW_S2,        /* stage 2 only, S2FWB = 0 */
    ROW_S2_FWB,    /* stage 2 only, S2FWB = 1 */
    ROW_NEST,      /* nested, S2FWB = 0 */
    ROW_NEST_FWB,  /* nested, S2FWB = 1 */
    NROWS
};
/* Coverage columns: the outcome. */
enum {
    COL_OK,
    COL_ABORT,      /* aborted by design, no event */
    COL_BAD_SID,
    COL_STE_FETCH,
    COL_BAD_STE,
    COL_BAD_SSID,
    COL_CD_FETCH,
    COL_BAD_CD,
    COL_WALK_EABT,
    COL_TRANS,      /* F_TRANSLATION, stage 1 */
    COL_TRANS2,     /* F_TRANSLATION, stage 2 (S2 = 1) */
    COL_ADDR,       /* F_ADDR_SIZE, stage 1 */
    COL_ADDR2,
    COL_ACCESS,
    COL_ACCESS2,
    COL_PERM,
    COL_PERM2,
    COL_OTHER,
    NCOLS
};

typedef struct {
    uint64_t cell[NROWS][NCOLS];
    uint64_t hits[NROWS];      /* transactions with no table-port read (TLB/config hit) */
    uint64_t unrecorded;       /* faults whose record was suppressed (CD.R / STE.S2R = 0) */
    uint64_t s2class[3];       /* stage-2 faults by CLASS CD, TT, IN */
    uint64_t cmds[64];         /* commands issued, by opcode (0x00..0x3f), CMD_SYNC apart */
    uint64_t syncs;
    uint64_t tlb_changes;      /* table / STE / CD changes behind the caches */
} cov_t;

/* One client transaction as the generator describes it. */
typedef struct {
    uint32_t sid;
    uint64_t addr;
    uint32_t len;
    bool write;
    uint8_t prot, cache, domain;
    bool nosnoop, ssv;
    int row;            /* ROW_* for the coverage table */
} dtxn_t;

#define ENV_MAX_ERR   16
#define ENV_MAX_PEND  96    /* predicted records outstanding before a drain */
#define ENV_HIST      512   /* recent transactions kept to attribute stray records */

typedef struct {
    uint64_t d[4], mask[4];
    uint64_t txn_no;
} pend_evt_t;

typedef struct env {
    sim_t *sim;
    const sim_params_t *p;
    uint64_t seed;
    bool canwbs;
    bool verbose;          /* print every transaction */
    /* what the model must see: the registers as software last set them */
    smmu_model_t m;
    unsigned n_err;
    uint64_t err_base[ENV_MAX_ERR], err_size[ENV_MAX_ERR];
    /* queues */
    uint64_t cmdq_pa, evtq_pa;
    unsigned cmdq_log2, evtq_log2;
    uint32_t cmd_prod, evt_cons;   /* index with wrap bit */
    unsigned cmd_pending;          /* commands written but not yet kicked */
    /* predicted records not yet checked */
    pend_evt_t pend[ENV_MAX_PEND];
    unsigned npend;
    struct { uint32_t sid; uint64_t addr; } hist[ENV_HIST];
    /* counters */
    uint64_t ntxn;         /* transactions run in this seed */
    uint64_t nmis;         /* mismatching transactions / records in this seed */
    uint64_t first_mis;    /* transaction number of the first mismatch (valid if nmis) */
    unsigned print_left;   /* mismatch details still to print */
    cov_t *cov;
    /* scenario recording (NULL: off); stop_after: the last transaction to record */
    FILE *rec;
    uint64_t rec_stop;
    bool rec_done;
    uint64_t rec_mem_pa;   /* pending `mem` line: start and words */
    uint64_t rec_mem_w[8];
    unsigned rec_mem_n;
} env_t;

/* Creates the model with `opts` and ties the reference model to it. */
void env_init(env_t *e, const sim_opts_t *opts, uint64_t seed, cov_t *cov);
void env_fini(env_t *e);

/* Backdoor memory (recorded as `mem`). */
void env_mem_write64(env_t *e, uint64_t pa, uint64_t v);
uint64_t env_mem_read64(env_t *e, uint64_t pa);
/* SLVERR on reads of [base, base + size): RTL and model both. */
bool env_err_range(env_t *e, uint64_t base, uint64_t size);
/* Memory latency and back-pressure (recorded as `timing`). */
void env_timing(env_t *e, unsigned lat_min, unsigned lat_max, unsigned stall_pct);

/* Registers, raw (recorded); the model's copy follows. */
void env_reg_write32(env_t *e, uint32_t off, uint32_t v);
void env_reg_write64(env_t *e, uint32_t off, uint64_t v);
/* CR0 write and ACK poll; GBPA write with Update and poll. false = not acknowledged. */
bool env_cr0(env_t *e, uint32_t v);
bool env_gbpa(env_t *e, uint32_t v);
/* Queue set-up (before CR0 enables them). */
void env_queues(env_t *e, uint64_t cmdq_pa, unsigned cmdq_log2, uint64_t evtq_pa,
                unsigned evtq_log2);

/* Commands: queued in memory, sent with env_cmd_sync (which appends a CMD_SYNC, kicks
 * PROD and waits for CONS). false = the queue stopped with an error or timed out
 * (counted as a mismatch: every command the generator writes is legal). */
void env_cmd(env_t *e, uint64_t dw0, uint64_t dw1);
bool env_cmd_sync(env_t *e);
/* The same in two halves: queue the CMD_SYNC and move PROD; later wait for CONS (client
 * traffic may run in between, as long as nothing it uses changed behind the caches). */
void env_cmd_sync_begin(env_t *e);
bool env_cmd_sync_end(env_t *e);

/* Runs x on the RTL and the model and compares. Returns false on a mismatch. */
bool env_txn(env_t *e, const dtxn_t *x);
/* Checks every predicted record against the event queue (waits for the outstanding
 * ones). Called by env_txn when many are pending, before commands, and at the end. */
void env_drain_events(env_t *e);

/* Comment line in the recorded script. */
void env_note(env_t *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* true once recording reached rec_stop (the generator may stop). */
static inline bool env_stopped(const env_t *e)
{
    return e->rec && e->rec_done;
}

const char *env_evt_name(unsigned type);

#endif /* DIFF_ENV_H */
