/*
 * The differential environment: one Verilated SMMU (tb/harness/sim.h) and the reference
 * model (tb/model/smmu_model.h) driven side by side.
 *
 * Everything the generator does to the system goes through here, so that
 *   - the model sees the same registers, memory and error ranges as the RTL,
 *   - every client transaction runs on both and is compared (response, downstream PA,
 *     attribute byte, AxCACHE, AxDOMAIN, AxPROT), every table-port access is compared with
 *     the reads the model says the transaction needs (address, AxCACHE, AxDOMAIN: IHI 0070
 *     §13.8) and the queue accesses with CR1.QUEUE_*, and every predicted event record is
 *     compared with what the RTL wrote to its event queue (under the model's evt_mask),
 *   - the whole run can be written out as a scenario script (docs/scenario.md) for
 *     tb/scenario/scenario, to replay one failing seed alone with waves.
 *
 * Transactions go through the harness's traffic master (tm_*): up to `depth` per direction
 * outstanding, AXI IDs from a pool (reused) or unique, each transaction compared when it
 * completes. Serial mode (depth 1, each transaction waited for before the next) is the
 * exact, one-at-a-time form for replay and debug.
 *
 * Racing invalidations (env_race_*): a table, STE or CD word is changed while transactions
 * are in flight, its invalidation and a CMD_SYNC are queued without waiting, and traffic
 * goes on. A transaction that overlaps the change may complete with the old or the new
 * translation (the model computes both: the old one on the memory as it was before the
 * change); one whose address handshake follows the CMD_SYNC's completion must use the new
 * one (an old one is a "stale" mismatch), and one that used the old translation must have
 * been performed downstream before the CMD_SYNC completed (IHI 0070 §4.7.3: completion of
 * the CMD_SYNC makes every transaction translated with an invalidated entry globally
 * observable; otherwise a "late" mismatch).
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

/* What a transaction was aimed at, when it is one of the deliberate special cases (the
 * generator's tag; counted in the coverage with the outcome the model gave). */
enum {
    TAG_NONE,
    TAG_BT_S1L0,   /* stage-1 descriptor 0b01 (block) at level 0 */
    TAG_BT_S1L3,   /* stage-1 descriptor 0b01 at level 3 */
    TAG_BT_S2L0,   /* stage-2 descriptor 0b01 at level 0 (input IPA or final IPA) */
    TAG_BT_S2L3,   /* stage-2 descriptor 0b01 at level 3 */
    TAG_BT_S2TT,   /* a nested stage-1 table page mapped by a stage-2 0b01 at level 3 */
    TAG_EPD_ENDI,  /* CD with EPD0 = EPD1 = 1 and ENDI = 1 (valid, translates nothing) */
    TAG_CD_JUNK,   /* CD with out-of-range fields in a disabled half (ignored) */
    TAG_BT_S1L1,   /* stage-1 descriptor 0b01 at level 1 of a 16 KB / 64 KB table */
    TAG_BT_S2L1,   /* stage-2 descriptor 0b01 at level 1 of a 16 KB / 64 KB table */
    NTAGS
};

/* Racing-invalidation kinds (see env_race_* and docs/differential.md). */
enum {
    RACE_LEAF,     /* a leaf changed just after an in-flight walk read it */
    RACE_STE,      /* an STE word changed just after an in-flight configuration fetch read it */
    RACE_CD,       /* a CD word changed just after an in-flight CD fetch read it */
    RACE_TIMED,    /* a leaf, STE or CD word changed at a random cycle under hot traffic */
    NRACE
};

typedef struct {
    uint64_t cell[NROWS][NCOLS];
    uint64_t hits[NROWS];      /* transactions with no table-port read of their own (TLB and
                                  configuration cache hits) */
    uint64_t unrecorded;       /* faults whose record was suppressed (CD.R / STE.S2R = 0) */
    uint64_t s2class[3];       /* stage-2 faults by CLASS CD, TT, IN */
    uint64_t cmds[64];         /* commands issued, by opcode (0x00..0x3f), CMD_SYNC apart */
    uint64_t syncs;
    uint64_t sync_cs[3];       /* CMD_SYNC by CS: NONE, IRQ, SEV */
    uint64_t tlb_changes;      /* table / STE / CD changes behind the caches */
    /* the deliberate special cases: transactions aimed at them, and the F_TRANSLATION
     * among them */
    uint64_t tag_txn[NTAGS], tag_trans[NTAGS];
    uint64_t global_tlbi_other_asid; /* a global leaf changed and invalidated by VA with
                                        an ASID other than the one that filled it */
    /* translation granules: transactions aimed at a stage-1 / stage-2 granule (index
     * GR_*: none (stage off), 4 KB, 16 KB, 64 KB), and those the model translated */
    uint64_t gran_txn[4][4], gran_ok[4][4];
    /* traffic shape */
    uint64_t depth_txn[4];     /* transactions by their direction's depth: 1, 2-4, 5-16, 17-64 */
    uint64_t serial_txn;       /* of which issued one at a time (serial) */
    uint64_t id_reuse;         /* issued while a same-ID same-direction one was outstanding */
    uint64_t dn_deferred;      /* downstream attribution by ID ambiguous: checked per epoch */
    uint64_t peak_bus[2];      /* most transactions on the bus at once, read / write */
    uint64_t peak_out[2];      /* most outstanding (queued + on the bus), read / write */
    /* the table port */
    uint64_t rd_checked[6];    /* reads compared: L1STD, STE, CD, S1, S2 (by model kind), all */
    uint64_t cmdq_checked, evtq_checked;
    /* racing invalidations */
    uint64_t races[NRACE];     /* race windows by kind */
    uint64_t races_hit;        /* of which the change fell while the triggering walk or
                                  fetch was still in flight */
    uint64_t raced;            /* transactions whose old and new translations differ */
    uint64_t raced_old, raced_new; /* ... of which used the old / the new one */
    uint64_t post_sync;        /* such transactions issued after the CMD_SYNC completed */
    uint64_t stale, late;      /* violations (also counted as mismatches) */
    /* isolation storm (env_storm): the downstream byte log against the predictions */
    uint64_t iso_beats, iso_bytes;   /* downstream data beats / bytes checked */
    uint64_t iso_leaks;              /* bytes no allowed prediction covers (mismatches) */
    uint64_t iso_illegal;            /* transactions with an illegal burst (F_UUT) */
    uint64_t iso_shaped;             /* legal bursts other than 8-byte INCR beats */
} cov_t;

/* One client transaction as the generator describes it. */
typedef struct {
    uint32_t sid;
    uint64_t addr;
    uint32_t len;
    bool write;
    uint8_t prot, cache, domain;
    bool nosnoop, ssv;
    uint32_t ssid;      /* SubstreamID (AxUSER), with ssv */
    int row;            /* ROW_* for the coverage table */
    int tag;            /* TAG_* */
    uint8_t gran[2];    /* GR_* of stage 1 and stage 2 (the half the address selects) */
    /* A burst shape other than len / 8 INCR beats of 8 bytes (beats != 0): AxLEN + 1,
     * AxSIZE, AxBURST as presented; `illegal`: one the SMMU cannot translate as one
     * (4 KB crossing, reserved AxBURST, bad WRAP, AxSIZE > the bus, FIXED > 16 beats),
     * terminated with F_UUT (IHI 0070 §16.7.1). len is then the bytes the burst spans. */
    uint16_t beats;
    uint8_t size, burst;
    bool illegal;
} dtxn_t;

/* Translation granules in dtxn_t.gran and the coverage */
enum { GR_NONE, GR_4K, GR_16K, GR_64K };

#define ENV_MAX_ERR   16
#define ENV_MAX_PEND  112   /* predicted records outstanding before a drain (queue: 128) */
#define ENV_HIST      512   /* recent transactions kept to attribute stray records */
#define ENV_MAX_LIVE  (2 * 64 + 8)
#define ENV_EPOCH_MAX 384   /* completed transactions checked together at a quiet point */
#define ENV_OVERLAY   16    /* words a race changes */

typedef struct {
    uint8_t nalt;          /* 1 or 2 alternative records; 0: none */
    bool optional;         /* one alternative has no record */
    uint64_t d[2][4], mask[2][4];
    uint64_t txn_no;
} pend_evt_t;

/* A transaction in flight, then (once done) one of its epoch's records. */
typedef struct {
    uint64_t no;           /* transaction number */
    int handle;
    dtxn_t x;
    uint8_t id;
    uint8_t nalt;          /* predictions (2 in a race window) */
    uint8_t old_mask;      /* bit i: alt[i] is the translation before the race's change */
    uint8_t forbid_mask;   /* bit i: alt[i] is not allowed (the old translation for a
                              transaction issued after the CMD_SYNC completed) */
    int race;              /* race window number, 0 none */
    smmu_model_result_t alt[2];
    uint64_t rbuf[8];
    /* when done */
    tm_result_t res;
    uint8_t match;         /* bit i: alt[i] agrees with what the RTL did */
    uint8_t allowed;       /* match & ~forbid_mask */
    bool mismatched;       /* reported already */
    bool dn_deferred;      /* downstream observation checked in the epoch's multiset */
    uint8_t rdcur[2];      /* serial mode: table reads matched so far, per alternative */
    uint8_t rddead;        /* bit i: the table reads are not a subsequence of alt[i]'s */
    unsigned rd_seen;      /* table reads attributed to it */
} txn_rec_t;

typedef struct env {
    sim_t *sim;
    const sim_params_t *p;
    uint64_t seed;
    bool canwbs;
    bool verbose;          /* print every transaction */
    bool serial;           /* one transaction at a time */
    bool storm;            /* isolation storm: the downstream byte log is checked */
    size_t dnb_cur;        /* next byte-log entry to check */
    /* what the model must see: the registers as software last set them */
    smmu_model_t m;
    unsigned n_err;
    uint64_t err_base[ENV_MAX_ERR], err_size[ENV_MAX_ERR];
    /* queues */
    uint64_t cmdq_pa, evtq_pa;
    unsigned cmdq_log2, evtq_log2;
    uint64_t cmdq_base, evtq_base; /* registers as written (RA / WA hints) */
    uint32_t cmd_prod, evt_cons;   /* index with wrap bit */
    unsigned cmd_pending;          /* commands written but not yet kicked */
    /* traffic */
    unsigned depth[2];     /* outstanding per direction (read, write) */
    unsigned id_pool;      /* IDs 0..id_pool-1 */
    bool unique_ids;       /* an ID no outstanding same-direction transaction uses */
    uint8_t id_rot;        /* the next ID when they are handed out in turn */
    unsigned nlive;
    txn_rec_t *live[ENV_MAX_LIVE];
    uint64_t done_seen;    /* tm_stats done_rd + done_wr last looked at */
    unsigned live_evt;     /* live transactions that may produce a record */
    /* the epoch: completed transactions not yet checked against the port logs */
    txn_rec_t *ep[ENV_EPOCH_MAX];
    unsigned nep;
    size_t tbl_cur, dn_cur;  /* next address-log entry to check, per port */
    /* racing invalidations */
    struct {
        bool active, changed, synced;
        int kind, no;
        unsigned nov;
        uint64_t ov_pa[ENV_OVERLAY], ov_val[ENV_OVERLAY];
        bool ov_on;        /* the model reads the overlay (the old memory) */
        uint32_t sync_prod;/* CMDQ_PROD after the CMD_SYNC */
        unsigned cs;
        uint64_t irq0;     /* CMD_SYNC interrupts before it */
        uint64_t t_kick, t_sync, next_poll;
    } race;
    /* predicted records not yet checked */
    pend_evt_t pend[ENV_MAX_PEND];
    unsigned npend;
    struct { uint32_t sid; uint64_t addr; } hist[ENV_HIST];
    /* counters */
    uint64_t ntxn;         /* transactions issued in this seed */
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
void env_init(env_t *e, const sim_opts_t *opts, uint64_t seed, cov_t *cov, bool serial);
void env_fini(env_t *e);

/* Isolation storm: log every downstream data beat and check, at every quiet point, that
 * each byte touched lies in the range of a transaction whose allowed prediction let it
 * through, in its direction (cov_t.iso_*; a byte outside is a leak and a mismatch). */
void env_storm(env_t *e);

/* Backdoor memory (recorded as `mem`). Outside a race window a write first waits until no
 * transaction is in flight (the model predicts each transaction on the memory as it is
 * when it is issued). */
void env_mem_write64(env_t *e, uint64_t pa, uint64_t v);
uint64_t env_mem_read64(env_t *e, uint64_t pa);
/* SLVERR on reads of [base, base + size): RTL and model both. */
bool env_err_range(env_t *e, uint64_t base, uint64_t size);
/* Memory latency and back-pressure (recorded as `timing`). */
void env_timing(env_t *e, unsigned lat_min, unsigned lat_max, unsigned stall_pct);

/* Registers, raw (recorded); the model's copy follows. Each waits for quiet first. */
void env_reg_write32(env_t *e, uint32_t off, uint32_t v);
void env_reg_write64(env_t *e, uint32_t off, uint64_t v);
/* CR0 write and ACK poll; GBPA write with Update and poll. false = not acknowledged. */
bool env_cr0(env_t *e, uint32_t v);
bool env_gbpa(env_t *e, uint32_t v);
/* Queue set-up (before CR0 enables them); cmdq_ra / evtq_wa: the BASE allocation hints. */
void env_queues(env_t *e, uint64_t cmdq_pa, unsigned cmdq_log2, uint64_t evtq_pa,
                unsigned evtq_log2, bool cmdq_ra, bool evtq_wa);

/* Commands: queued in memory, sent with env_cmd_sync (which appends a CMD_SYNC, kicks
 * PROD and waits for CONS). false = the queue stopped with an error or timed out
 * (counted as a mismatch: every command the generator writes is legal). */
void env_cmd(env_t *e, uint64_t dw0, uint64_t dw1);
bool env_cmd_sync(env_t *e);
/* The same in two halves: queue the CMD_SYNC and move PROD; later wait for CONS (client
 * traffic may run in between, as long as nothing it uses changed behind the caches). */
void env_cmd_sync_begin(env_t *e);
bool env_cmd_sync_end(env_t *e);

/* Traffic shape: outstanding transactions per direction (1..64) and the AXI IDs: a pool
 * of `id_pool` IDs used at random (reuse), or unique among the outstanding ones. */
void env_traffic(env_t *e, unsigned depth_rd, unsigned depth_wr, unsigned id_pool,
                 bool unique_ids);
/* Issues x (waiting for room in its direction first): the model predicts it on the memory
 * as it is now, the RTL's answer is compared when it completes. Serial mode: waits for it.
 * Returns the transaction's number. */
uint64_t env_txn(env_t *e, const dtxn_t *x);
/* The same without the serial-mode wait (a race's first transaction). */
uint64_t env_txn_nowait(env_t *e, const dtxn_t *x);
/* Runs the clock `cycles` cycles, comparing what completes. */
void env_step(env_t *e, unsigned cycles);
/* Waits until no transaction is outstanding and checks the port logs of everything that
 * completed (a quiet point). */
void env_quiesce(env_t *e);
/* Is transaction `no` still outstanding? */
bool env_txn_live(const env_t *e, uint64_t no);
/* Checks every predicted record against the event queue (quiesces first). Called when
 * many are pending, before commands, and at the end. */
void env_drain_events(env_t *e);

/* ---- racing invalidations ---------------------------------------------------------
 * env_race_open; (traffic); the change (env_mem_write64 records each word's old value);
 * env_race_changed; its invalidation (env_cmd); env_race_sync (CMD_SYNC with CS, PROD
 * moved, not waited for); traffic until env_race_synced; more traffic; env_race_close
 * (quiesces). */
void env_race_open(env_t *e, int kind);
void env_race_changed(env_t *e);
void env_race_sync(env_t *e, unsigned cs);
bool env_race_synced(const env_t *e);
void env_race_close(env_t *e);
/* The table-port address log: entries so far, and whether a read of `pa` was made since
 * entry `since` (the generator's trigger for a race). */
size_t env_tbl_log_count(const env_t *e);
bool env_tbl_read_seen(const env_t *e, size_t since, uint64_t pa);

/* Comment line in the recorded script. */
void env_note(env_t *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* true once recording reached rec_stop (the generator may stop). */
static inline bool env_stopped(const env_t *e)
{
    return e->rec && e->rec_done;
}

const char *env_evt_name(unsigned type);

#endif /* DIFF_ENV_H */
