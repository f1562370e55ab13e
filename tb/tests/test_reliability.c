/*
 * Reliability campaigns against the RTL, each ending with one summary line on stdout:
 *
 *   rel_fault_injection  every memory access the SMMU makes or forwards x {SLVERR, DECERR,
 *                        a long stall}: the architected outcome (the reference model's
 *                        for translations), no hang, later traffic works, nothing written
 *                        where it should not be.
 *                        `fault-injection: N cases, W wrong outcomes, H hangs`
 *   rel_regfuzz          random writes over the whole register space with client traffic
 *                        and commands running; after each episode a driver-style re-init
 *                        must bring the SMMU back (translation, commands, events).
 *                        `regfuzz: N episodes, W writes, R recovered, H hangs`
 *   rel_cmdfuzz          random 16-byte commands with traffic running: each illegal one is
 *                        CERROR_ILL with CMDQ_CONS.RD on it, each legal one is consumed,
 *                        the queue never stops otherwise.
 *                        `cmdfuzz: N commands, I illegal, W wrong, H hangs`
 *
 * The length of a run comes from the environment (REL_SCALE, default 1; `make
 * reliability-long` sets it), the random stream from REL_SEED (default 1).
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smmu/smmu_domain.h"
#include "test_drv_common.h"
#include "xlate_env.h"

/* ---- common ------------------------------------------------------------------------ */

static unsigned rel_scale(void)
{
    const char *v = getenv("REL_SCALE");
    unsigned s = v ? (unsigned)strtoul(v, NULL, 0) : 1;
    return s ? s : 1;
}

static uint64_t rel_seed(void)
{
    const char *v = getenv("REL_SEED");
    return v ? strtoull(v, NULL, 0) : 1;
}

typedef struct {
    uint64_t s;
} rrng_t;

static uint64_t rr_u64(rrng_t *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint64_t rr_below(rrng_t *r, uint64_t n)
{
    return n ? rr_u64(r) % n : 0;
}

static bool gerror_active(sim_t *s, uint32_t mask)
{
    return ((sim_reg_read32(s, SMMU_GERROR) ^ sim_reg_read32(s, SMMU_GERRORN)) & mask) != 0;
}

/* Until a global error in `mask` is active, for at most `bound` cycles. */
static bool gerror_within(sim_t *s, uint32_t mask, uint64_t bound)
{
    uint64_t c0 = sim_cycles(s);
    while (!gerror_active(s, mask))
        if (sim_cycles(s) - c0 > bound)
            return false;
    return true;
}

/* Poll a register until (v & mask) == want, for at most `bound` cycles. */
static bool poll_cycles(sim_t *s, uint32_t off, uint32_t mask, uint32_t want, uint64_t bound)
{
    uint64_t c0 = sim_cycles(s);
    do {
        if ((sim_reg_read32(s, off) & mask) == want)
            return true;
    } while (sim_cycles(s) - c0 < bound);
    return false;
}

/* The hang bound of one operation: far beyond anything the SMMU needs, stalls included. */
#define HANG_BOUND 60000u
#define STALL_CYCLES 3000u

/* Long runs never abort on the harness's own time-out before the campaign's bound. */
static const sim_opts_t rel_opts = {.timeout_cycles = 4000000};

/* ---- fault injection ------------------------------------------------------------------
 *
 * The system: a 2-level stream table, three streams whose walks are all 4 levels deep
 * (TnSZ = 16): stage 1 only (SID_S1), stage 2 only (SID_S2) and nested (SID_N, its CD
 * and stage-1 tables at IPAs = PAs in their own level-0 regions, so each stage-2 walk of
 * a CD or table address reads its own descriptors). The reference model lists the
 * table reads of each translation in order (smmu_model_result_t.rd[]: kind, level,
 * CLASS); a case picks one of them, or a queue slot, or the client data, and makes it
 * fail or stall.
 */
#define SID_S1 0x41u
#define SID_S2 0x82u
#define SID_N  0xc3u
#define VA_S1  0x0000456789000000ull
#define IPA_S2 0x0000123456789000ull
#define VA_N   0x0000777700000000ull
#define IPA_N  0x0000030000000000ull /* the nested stream's output IPA */
#define DATA   0x40000000ull
#define N_POOL 0x0000020000000000ull /* the nested stream's stage-1 tables (IPA = PA) */
#define L1_PA  0x01800000ull
#define L2_PA  0x01900000ull
#define STRTAB2_CFG (1u << SMMU_STRTAB_BASE_CFG_FMT_SHIFT | 6u << SMMU_STRTAB_BASE_CFG_SPLIT_SHIFT | 8u)

typedef struct {
    fx_t *f;
    stream_t s1, s2, n;
} fi_sys_t;

/* Registers as a driver programs them after a reset (the tables stay in memory). */
static void fi_regs(fi_sys_t *y)
{
    fx_t *f = y->f;
    sim_t *s = f->t->sim;
    sim_reset(s, 4);
    mem_clear_error_ranges(s);
    f->n_err = 0;
    f->evq_cons = 0;
    f->cmd_prod = 0;
    sim_reg_write64(s, SMMU_EVENTQ_BASE, EVTQ_PA | EVTQ_LOG2);
    sim_reg_write32(s, SMMU_EVENTQ_PROD, 0);
    sim_reg_write32(s, SMMU_EVENTQ_CONS, 0);
    sim_reg_write64(s, SMMU_CMDQ_BASE, CMDQ_PA | CMDQ_LOG2);
    sim_reg_write32(s, SMMU_CMDQ_PROD, 0);
    sim_reg_write32(s, SMMU_CMDQ_CONS, 0);
    sim_reg_write64(s, SMMU_STRTAB_BASE, f->strtab_base);
    sim_reg_write32(s, SMMU_STRTAB_BASE_CFG, f->strtab_cfg);
    sim_reg_write32(s, SMMU_CR2, f->cr2);
    sim_reg_write32(s, SMMU_CR1, 1u << 6 | 1u << 8 | 3u << 10);
    cr0_set(f, SMMU_CR0_SMMUEN_MASK | SMMU_CR0_EVENTQEN_MASK | SMMU_CR0_CMDQEN_MASK);
}

static void fi_build(fi_sys_t *y, test_ctx_t *t)
{
    fx_t *f = fx_up(t, 0);
    y->f = f;
    sim_t *s = t->sim;
    /* the 2-level stream table: 4 level-1 descriptors of 64 STEs each */
    for (unsigned i = 0; i < 4; i++) {
        for (unsigned k = 0; k < 64 * 8; k++)
            mem_write64(s, L2_PA + 0x1000ull * i + 8ull * k, 0);
        mem_write64(s, L1_PA + 8ull * i, (L2_PA + 0x1000ull * i) | 7u);
    }
    fx_strtab(f, L1_PA, STRTAB2_CFG);
    memset(&y->s1, 0, sizeof y->s1);
    y->s1.config = STE_CFG_S1;
    y->s1.asid = 1;
    stream_setup(f, SID_S1, &y->s1);
    s1_map(f, &y->s1, VA_S1, s1_leaf(3, DATA, 2, 1, 3));
    memset(&y->s2, 0, sizeof y->s2);
    y->s2.config = STE_CFG_S2;
    y->s2.vmid = 2;
    stream_setup(f, SID_S2, &y->s2);
    s2_map(f, &y->s2, IPA_S2, s2_leaf(3, DATA + 0x1000, 0xf, 3, 3));
    memset(&y->n, 0, sizeof y->n);
    y->n.config = STE_CFG_NESTED;
    y->n.vmid = 3;
    y->n.asid = 3;
    f->s1_next = N_POOL;
    stream_setup(f, SID_N, &y->n);
    s1_map(f, &y->n, VA_N, s1_leaf(3, IPA_N, 2, 1, 3));
    s2_map(f, &y->n, IPA_N, s2_leaf(3, DATA + 0x2000, 0xf, 3, 3));
}

enum {
    FI_L1STD, FI_STE, FI_CD, FI_S1, FI_S2, FI_S2CD, FI_S2TT, FI_S2IN,
    FI_CMD, FI_EVT, FI_DATA_RD, FI_DATA_WR
};

typedef struct {
    const char *name;
    int kind;
    unsigned level;
    uint32_t sid;
    uint64_t addr;
} fi_kind_t;

static const fi_kind_t fi_kinds[] = {
    {"L1STD", FI_L1STD, 0, SID_S1, VA_S1},
    {"STE", FI_STE, 0, SID_S1, VA_S1},
    {"CD", FI_CD, 0, SID_S1, VA_S1},
    {"S1 walk level 0", FI_S1, 0, SID_S1, VA_S1},
    {"S1 walk level 1", FI_S1, 1, SID_S1, VA_S1},
    {"S1 walk level 2", FI_S1, 2, SID_S1, VA_S1},
    {"S1 walk level 3", FI_S1, 3, SID_S1, VA_S1},
    {"S2 walk level 0", FI_S2, 0, SID_S2, IPA_S2},
    {"S2 walk level 1", FI_S2, 1, SID_S2, IPA_S2},
    {"S2 walk level 2", FI_S2, 2, SID_S2, IPA_S2},
    {"S2 walk level 3", FI_S2, 3, SID_S2, IPA_S2},
    {"S2 walk of the CD IPA, level 0", FI_S2CD, 0, SID_N, VA_N},
    {"S2 walk of the CD IPA, level 1", FI_S2CD, 1, SID_N, VA_N},
    {"S2 walk of the CD IPA, level 2", FI_S2CD, 2, SID_N, VA_N},
    {"S2 walk of the CD IPA, level 3", FI_S2CD, 3, SID_N, VA_N},
    {"S2 walk of a S1 table IPA, level 0", FI_S2TT, 0, SID_N, VA_N},
    {"S2 walk of a S1 table IPA, level 1", FI_S2TT, 1, SID_N, VA_N},
    {"S2 walk of a S1 table IPA, level 2", FI_S2TT, 2, SID_N, VA_N},
    {"S2 walk of a S1 table IPA, level 3", FI_S2TT, 3, SID_N, VA_N},
    {"nested: S1 walk level 3", FI_S1, 3, SID_N, VA_N},
    {"nested: S2 walk of the output IPA, level 3", FI_S2IN, 3, SID_N, VA_N},
    {"command read", FI_CMD, 0, 0, 0},
    {"event record write", FI_EVT, 0, 0, 0},
    {"client data read", FI_DATA_RD, 0, SID_S1, VA_S1},
    {"client data write", FI_DATA_WR, 0, SID_S1, VA_S1},
};
#define FI_NKINDS (sizeof fi_kinds / sizeof fi_kinds[0])

enum { FI_SLVERR, FI_DECERR, FI_STALL, FI_NMODES };
static const char *fi_mode_name[FI_NMODES] = {"SLVERR", "DECERR", "stall"};

typedef struct {
    unsigned cases, wrong, hangs;
    char why[160];       /* the first wrong outcome of the current case */
    bool case_wrong, case_hang;
    char expect[48];     /* the architected outcome of the victim (the model's) */
} fi_tally_t;

static const char *fi_evt_name(unsigned type)
{
    switch (type) {
    case EVT_F_STE_FETCH: return "F_STE_FETCH";
    case EVT_F_CD_FETCH: return "F_CD_FETCH";
    case EVT_F_WALK_EABT: return "F_WALK_EABT";
    case EVT_F_TRANSLATION: return "F_TRANSLATION";
    case EVT_C_BAD_STE: return "C_BAD_STE";
    case EVT_C_BAD_CD: return "C_BAD_CD";
    default: return "another fault";
    }
}

static void fi_wrong(fi_tally_t *ty, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fi_wrong(fi_tally_t *ty, const char *fmt, ...)
{
    if (!ty->case_wrong) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(ty->why, sizeof ty->why, fmt, ap);
        va_end(ap);
    }
    ty->case_wrong = true;
}

/* The model's answer on memory as it is (with the read errors f->err_* lists). */
static void fi_model(fx_t *f, uint32_t sid, uint64_t addr, bool write, smmu_model_result_t *r)
{
    dma_txn_t x = txn(sid, addr);
    model_run(f, &x, write, false, r);
}

/* One client transaction against the model: response, downstream PA, the record.
 * data_resp: the response a data error range gives it (0 = none). Returns false on a
 * hang. `ok_pa`/`ok_n`: the downstream byte ranges the case allows (appended). */
static bool fi_txn(fi_tally_t *ty, fx_t *f, uint32_t sid, uint64_t addr, bool write,
                   int data_resp, const char *what, uint64_t *ok_pa, unsigned *ok_n)
{
    sim_t *s = f->t->sim;
    smmu_model_result_t mr;
    fi_model(f, sid, addr, write, &mr);
    tm_txn_t x = tm_txn(write, sid, addr, 1);
    x.cache = 0xf;
    x.domain = 3;
    x.prot = 2;
    tm_result_t r;
    if (!tm_wait_within(s, tm_issue(s, &x, NULL), HANG_BOUND, &r)) {
        ty->case_hang = true;
        return false;
    }
    const char *dir = write ? "write" : "read";
    if (!ty->expect[0]) {
        static const char *cls[] = {"CD", "TT", "IN", "?"};
        if (mr.outcome == SMMU_MODEL_OK)
            snprintf(ty->expect, sizeof ty->expect, "%s", data_resp == 2 ? "client SLVERR"
                     : data_resp == 3 ? "client DECERR" : "translated");
        else if (mr.fault == EVT_F_WALK_EABT)
            snprintf(ty->expect, sizeof ty->expect, "F_WALK_EABT S2=%u CLASS=%s",
                     (unsigned)((mr.evt[1] & EVT_S2_MASK) >> EVT_S2_SHIFT),
                     cls[(mr.evt[1] & EVT_CLASS_MASK) >> EVT_CLASS_SHIFT]);
        else
            snprintf(ty->expect, sizeof ty->expect, "%s", fi_evt_name(mr.fault));
    }
    if (mr.outcome == SMMU_MODEL_OK) {
        int want = data_resp;
        if (r.resp != want || !r.dn.seen || r.dn.addr != mr.pa)
            fi_wrong(ty, "%s %s: resp %d downstream %d at 0x%" PRIx64 ", expected resp %d at "
                     "0x%" PRIx64, what, dir, r.resp, r.dn.seen, r.dn.addr, want, mr.pa);
        ok_pa[(*ok_n)++] = mr.pa;
    } else {
        if (r.resp != 2 || r.dn.seen)
            fi_wrong(ty, "%s %s: resp %d downstream %d, model fault 0x%02x", what, dir,
                     r.resp, r.dn.seen, mr.fault);
    }
    /* the record (or none) */
    if (mr.outcome != SMMU_MODEL_OK && mr.evt_valid) {
        uint64_t d[4];
        if (!evt_next(f, d)) {
            fi_wrong(ty, "%s %s: no record, model 0x%02x", what, dir, mr.fault);
        } else {
            for (unsigned k = 0; k < 4; k++)
                if ((d[k] ^ mr.evt[k]) & mr.evt_mask[k]) {
                    fi_wrong(ty, "%s %s: record dw%u 0x%016" PRIx64 ", model 0x%016" PRIx64,
                             what, dir, k, d[k], mr.evt[k]);
                    break;
                }
        }
    } else if (!evt_none(f)) {
        uint64_t d[4];
        evt_next(f, d);
        fi_wrong(ty, "%s %s: unexpected record type 0x%02x", what, dir,
                 (unsigned)(d[0] & EVT_TYPE_MASK));
    }
    return true;
}

/* Everything the memory saw since the case began: downstream bytes only at the PAs the
 * model let through, table-port writes only into the event queue. */
static void fi_check_logs(fi_tally_t *ty, sim_t *s, const uint64_t *ok_pa, unsigned ok_n)
{
    size_t n = mem_log_count(s, MEM_PORT_DN);
    const mem_log_entry_t *e = mem_log_entries(s, MEM_PORT_DN);
    for (size_t j = 0; j < n; j++) {
        bool ok = false;
        for (unsigned k = 0; k < ok_n && !ok; k++)
            ok = e[j].addr >= ok_pa[k] && e[j].addr < ok_pa[k] + 8;
        if (!ok) {
            fi_wrong(ty, "downstream %s at 0x%" PRIx64 " that no transaction may reach",
                     e[j].write ? "write" : "read", e[j].addr);
            break;
        }
    }
    n = mem_log_count(s, MEM_PORT_TBL);
    e = mem_log_entries(s, MEM_PORT_TBL);
    for (size_t j = 0; j < n; j++)
        if (e[j].write && (e[j].addr < EVTQ_PA || e[j].addr >= EVTQ_PA + (32ull << EVTQ_LOG2))) {
            fi_wrong(ty, "table-port write at 0x%" PRIx64 " outside the event queue",
                     e[j].addr);
            break;
        }
    mem_log_clear(s, MEM_PORT_DN);
    mem_log_clear(s, MEM_PORT_TBL);
}

/* Make [base, base + size) fail or stall for reads (or writes). Read errors are mirrored
 * into the model's memory (it records the abort the architecture gives). */
static void fi_inject(fx_t *f, int mode, uint64_t base, uint64_t size, unsigned flags)
{
    test_ctx_t *t = f->t;
    if (mode == FI_STALL) {
        REQUIRE(mem_add_stall_range(t->sim, base, size, flags, STALL_CYCLES) == 0, "stall range");
        return;
    }
    REQUIRE(mem_add_error_range_resp(t->sim, base, size, flags, mode == FI_SLVERR ? 2 : 3) == 0,
            "error range");
    if (flags & MEM_ERR_READ) {
        REQUIRE(f->n_err < 8, "model error ranges");
        f->err_base[f->n_err] = base;
        f->err_size[f->n_err] = size;
        f->n_err++;
    }
}

/* The table read of the kind's translation that the case targets, from the model's list. */
static bool fi_target(fx_t *f, const fi_kind_t *k, uint64_t *pa, uint64_t *size)
{
    smmu_model_result_t mr;
    fi_model(f, k->sid, k->addr, false, &mr);
    unsigned tt_seen = 0;
    for (unsigned i = 0; i < mr.nrd; i++) {
        const smmu_model_rd_t *r = &mr.rd[i];
        bool hit = false;
        switch (k->kind) {
        case FI_L1STD: hit = r->kind == SMMU_MODEL_RD_L1STD; break;
        case FI_STE: hit = r->kind == SMMU_MODEL_RD_STE; break;
        case FI_CD: hit = r->kind == SMMU_MODEL_RD_CD; break;
        case FI_S1: hit = r->kind == SMMU_MODEL_RD_S1 && r->level == k->level; break;
        case FI_S2:
        case FI_S2IN:
            hit = r->kind == SMMU_MODEL_RD_S2 && r->level == k->level && r->cls == EVT_CLASS_IN;
            break;
        case FI_S2CD:
            hit = r->kind == SMMU_MODEL_RD_S2 && r->level == k->level && r->cls == EVT_CLASS_CD;
            break;
        case FI_S2TT:
            /* the first stage-2 walk of a table address: that of the level-0 table */
            if (r->kind == SMMU_MODEL_RD_S1)
                tt_seen++;
            hit = tt_seen == 0 && r->kind == SMMU_MODEL_RD_S2 && r->level == k->level &&
                  r->cls == EVT_CLASS_TT;
            break;
        default: break;
        }
        if (hit) {
            *pa = r->pa;
            *size = r->kind == SMMU_MODEL_RD_STE || r->kind == SMMU_MODEL_RD_CD ? 64 : 8;
            return true;
        }
    }
    return false;
}

/* Invalidate everything and wait, within the bound. */
static bool fi_inv_all(fx_t *f)
{
    cmd_put(f, CMD_OP_CFGI_STE_RANGE, 31);
    cmd_put(f, CMD_OP_TLBI_NSNH_ALL, 0);
    cmd_put(f, CMD_OP_TLBI_EL2_ALL, 0);
    cmd_put(f, CMD_OP_CMD_SYNC, 0);
    cmd_kick(f);
    return poll_cycles(f->t->sim, SMMU_CMDQ_CONS, SMMU_CMDQ_CONS_RD_MASK | SMMU_CMDQ_CONS_ERR_MASK,
                       f->cmd_prod, HANG_BOUND);
}

/* Later traffic: every stream, both directions, against the model with nothing injected. */
static void fi_after(fi_tally_t *ty, fi_sys_t *y, uint64_t *ok_pa, unsigned *ok_n)
{
    static const struct { uint32_t sid; uint64_t addr; } v[] = {
        {SID_S1, VA_S1}, {SID_S2, IPA_S2}, {SID_N, VA_N}};
    for (unsigned i = 0; i < 3 && !ty->case_hang; i++)
        for (int w = 0; w < 2 && !ty->case_hang; w++)
            fi_txn(ty, y->f, v[i].sid, v[i].addr + 0x40, w, 0, "afterwards", ok_pa, ok_n);
}

static void fi_case_translation(fi_tally_t *ty, fi_sys_t *y, const fi_kind_t *k, int mode)
{
    fx_t *f = y->f;
    test_ctx_t *t = f->t;
    sim_t *s = t->sim;
    uint64_t ok_pa[16];
    unsigned ok_n = 0;
    uint64_t pa = 0, size = 0;
    int data_resp = 0;
    if (k->kind == FI_DATA_RD || k->kind == FI_DATA_WR) {
        smmu_model_result_t mr;
        fi_model(f, k->sid, k->addr, false, &mr);
        pa = mr.pa;
        size = 64;
        if (mode == FI_STALL)
            mem_add_stall_range(s, pa, size, k->kind == FI_DATA_RD ? MEM_ERR_READ : MEM_ERR_WRITE,
                                STALL_CYCLES);
        else
            REQUIRE(mem_add_error_range_resp(s, pa, size, k->kind == FI_DATA_RD ? MEM_ERR_READ
                                             : MEM_ERR_WRITE, mode == FI_SLVERR ? 2 : 3) == 0,
                    "data error range");
        data_resp = mode == FI_STALL ? 0 : mode == FI_SLVERR ? 2 : 3;
    } else {
        if (!fi_target(f, k, &pa, &size)) {
            fi_wrong(ty, "the model's translation has no such read");
            return;
        }
        fi_inject(f, mode, pa, size, MEM_ERR_READ);
    }
    uint8_t before[64], after[64];
    mem_read(s, DATA, before, sizeof before);
    if (k->kind == FI_DATA_RD) {
        fi_txn(ty, f, k->sid, k->addr, false, data_resp, "victim", ok_pa, &ok_n);
    } else if (k->kind == FI_DATA_WR) {
        fi_txn(ty, f, k->sid, k->addr, true, data_resp, "victim", ok_pa, &ok_n);
        mem_read(s, DATA, after, sizeof after);
        if (mode != FI_STALL && memcmp(before, after, sizeof after) != 0)
            fi_wrong(ty, "the errored write changed memory");
    } else {
        for (int w = 0; w < 2 && !ty->case_hang; w++)
            fi_txn(ty, f, k->sid, k->addr, w, 0, "victim", ok_pa, &ok_n);
    }
    if (ty->case_hang)
        return;
    /* the fault is gone: the same and all other traffic works (nothing bad was cached) */
    mem_clear_error_ranges(s);
    err_clear(f);
    fi_after(ty, y, ok_pa, &ok_n);
    if (!ty->case_hang) {
        if (!fi_inv_all(f))
            ty->case_hang = true;
        else
            fi_after(ty, y, ok_pa, &ok_n);
    }
    if (gerror_active(s, 0xffffffffu))
        fi_wrong(ty, "GERROR active: 0x%x", sim_reg_read32(s, SMMU_GERROR));
    fi_check_logs(ty, s, ok_pa, ok_n);
}

/* The end of a queue case: the fault gone, no global error left, later traffic works,
 * the logs clean. */
static void fi_finish(fi_tally_t *ty, fi_sys_t *y, uint64_t *ok_pa, unsigned ok_n)
{
    sim_t *s = y->f->t->sim;
    mem_clear_error_ranges(s);
    if (gerror_active(s, 0xffffffffu))
        fi_wrong(ty, "GERROR active after the acknowledgement: 0x%x",
                 sim_reg_read32(s, SMMU_GERROR));
    fi_after(ty, y, ok_pa, &ok_n);
    fi_check_logs(ty, s, ok_pa, ok_n);
}

/* A command fetch fails: CERROR_ABT, CONS.RD on the command, the CMD_SYNC behind it
 * waits; the fault gone and GERRORN acknowledged, the command is fetched again (§7.1). */
static void fi_case_cmd(fi_tally_t *ty, fi_sys_t *y, int mode)
{
    fx_t *f = y->f;
    sim_t *s = f->t->sim;
    uint64_t ok_pa[16];
    unsigned ok_n = 0;
    cmd_put(f, CMD_OP_TLBI_NSNH_ALL, 0);
    uint32_t slot = (f->cmd_prod - 1) & ((2u << CMDQ_LOG2) - 1);
    cmd_put(f, CMD_OP_CMD_SYNC, 0);
    fi_inject(f, mode, CMDQ_PA + 16ull * (slot & ((1u << CMDQ_LOG2) - 1)), 16, MEM_ERR_READ);
    f->n_err = 0; /* a queue address: nothing the model reads */
    cmd_kick(f);
    if (mode == FI_STALL) {
        if (!poll_cycles(s, SMMU_CMDQ_CONS, SMMU_CMDQ_CONS_RD_MASK, f->cmd_prod, HANG_BOUND)) {
            ty->case_hang = true;
            return;
        }
        if (gerror_active(s, SMMU_GERROR_CMDQ_ERR_MASK))
            fi_wrong(ty, "a stalled command fetch raised CMDQ_ERR");
    } else {
        if (!gerror_within(s, SMMU_GERROR_CMDQ_ERR_MASK, HANG_BOUND)) {
            ty->case_hang = true;
            return;
        }
        uint32_t cons = sim_reg_read32(s, SMMU_CMDQ_CONS);
        uint32_t err = (cons & SMMU_CMDQ_CONS_ERR_MASK) >> SMMU_CMDQ_CONS_ERR_SHIFT;
        if (err != CERROR_ABT || (cons & SMMU_CMDQ_CONS_RD_MASK) != slot)
            fi_wrong(ty, "CMDQ_CONS 0x%x: expected ERR = CERROR_ABT, RD = 0x%x", cons, slot);
        mem_clear_error_ranges(s);
        sim_reg_write32(s, SMMU_GERRORN, sim_reg_read32(s, SMMU_GERROR));
        if (!poll_cycles(s, SMMU_CMDQ_CONS, SMMU_CMDQ_CONS_RD_MASK, f->cmd_prod, HANG_BOUND)) {
            ty->case_hang = true;
            return;
        }
    }
    fi_finish(ty, y, ok_pa, ok_n);
}

/* An event record write fails: GERROR.EVENTQ_ABT_ERR, PROD not moved; acknowledged, the
 * next record is written there (§7.2, §7.4). */
static void fi_case_evt(fi_tally_t *ty, fi_sys_t *y, int mode)
{
    fx_t *f = y->f;
    sim_t *s = f->t->sim;
    uint64_t ok_pa[16];
    unsigned ok_n = 0;
    uint32_t prod0 = sim_reg_read32(s, SMMU_EVENTQ_PROD);
    uint64_t slot_pa = EVTQ_PA + 32ull * (prod0 & ((1u << EVTQ_LOG2) - 1));
    fi_inject(f, mode, slot_pa, 32, MEM_ERR_WRITE);
    for (unsigned k = 0; k < 4; k++)
        mem_write64(s, slot_pa + 8 * k, 0x5a5a5a5a5a5a5a5aull);
    /* a translation fault: an unmapped page of the stage-1 stream */
    smmu_model_result_t mr;
    fi_model(f, SID_S1, VA_S1 + 0x200000, false, &mr);
    tm_txn_t x = tm_txn(false, SID_S1, VA_S1 + 0x200000, 1);
    x.prot = 2;
    tm_result_t r;
    if (!tm_wait_within(s, tm_issue(s, &x, NULL), HANG_BOUND, &r)) {
        ty->case_hang = true;
        return;
    }
    if (r.resp != 2 || r.dn.seen || mr.outcome == SMMU_MODEL_OK)
        fi_wrong(ty, "the faulting read: resp %d downstream %d", r.resp, r.dn.seen);
    if (mode == FI_STALL) {
        uint64_t d[4];
        uint64_t c0 = sim_cycles(s);
        while ((sim_reg_read32(s, SMMU_EVENTQ_PROD) & ((2u << EVTQ_LOG2) - 1)) == f->evq_cons)
            if (sim_cycles(s) - c0 > HANG_BOUND) {
                ty->case_hang = true;
                return;
            }
        if (!evt_next(f, d) || ((d[0] ^ mr.evt[0]) & mr.evt_mask[0]) ||
            ((d[2] ^ mr.evt[2]) & mr.evt_mask[2]))
            fi_wrong(ty, "the record after a stalled write is not the model's");
    } else {
        if (!gerror_within(s, SMMU_GERROR_EVENTQ_ABT_ERR_MASK, HANG_BOUND)) {
            ty->case_hang = true;
            return;
        }
        if (sim_reg_read32(s, SMMU_EVENTQ_PROD) != prod0)
            fi_wrong(ty, "EVENTQ_PROD moved past a record whose write failed");
        if (mem_read64(s, slot_pa) != 0x5a5a5a5a5a5a5a5aull)
            fi_wrong(ty, "the failed record write changed memory");
        mem_clear_error_ranges(s);
        sim_reg_write32(s, SMMU_GERRORN, sim_reg_read32(s, SMMU_GERROR));
        /* delivery resumes: the next fault is recorded in that slot */
        if (!fi_txn(ty, f, SID_S1, VA_S1 + 0x200000, true, 0, "after EVENTQ_ABT_ERR", ok_pa,
                    &ok_n))
            return;
    }
    fi_finish(ty, y, ok_pa, ok_n);
}

/* The matrix once with the default memory timing, then REL_SCALE more times with random
 * latency (1..12 cycles) and back-pressure (up to 25 % of cycles) on both ports; a cell
 * shows the worst of its runs. */
TEST_OPTS(rel_fault_injection, &rel_opts)
{
    static fi_sys_t y;
    fi_build(&y, t);
    sim_t *s = t->sim;
    fi_tally_t ty = {0};
    static const char *cell_name[] = {"ok", "WRONG", "HANG"};
    static unsigned char cell[FI_NKINDS][FI_NMODES];
    static char expect[FI_NKINDS][48];
    memset(cell, 0, sizeof cell);
    rrng_t r = {(rel_seed() * 0xd1342543de82ef95ull) ^ 0x6669667a7aull};
    unsigned reps = 1 + rel_scale();
    mem_log_enable(s, MEM_PORT_DN, true);
    mem_log_enable(s, MEM_PORT_TBL, true);
    for (unsigned rep = 0; rep < reps; rep++) {
        unsigned lo = 2, hi = 2, st = 0;
        if (rep) {
            lo = 1 + (unsigned)rr_below(&r, 4);
            hi = lo + (unsigned)rr_below(&r, 9);
            st = (unsigned)rr_below(&r, 26);
        }
        mem_set_timing(s, lo, hi, st);
        for (unsigned ki = 0; ki < FI_NKINDS; ki++) {
            const fi_kind_t *k = &fi_kinds[ki];
            for (int mode = 0; mode < FI_NMODES; mode++) {
                ty.expect[0] = 0;
                fi_regs(&y);
                mem_log_clear(s, MEM_PORT_DN);
                mem_log_clear(s, MEM_PORT_TBL);
                ty.case_wrong = ty.case_hang = false;
                ty.cases++;
                if (k->kind == FI_CMD)
                    fi_case_cmd(&ty, &y, mode);
                else if (k->kind == FI_EVT)
                    fi_case_evt(&ty, &y, mode);
                else
                    fi_case_translation(&ty, &y, k, mode);
                unsigned c = ty.case_hang ? 2 : ty.case_wrong ? 1 : 0;
                if (c > cell[ki][mode])
                    cell[ki][mode] = (unsigned char)c;
                if (c == 2) {
                    ty.hangs++;
                    test_fail(t, __FILE__, __LINE__, "%s x %s (timing %u..%u, %u%%): hangs",
                              k->name, fi_mode_name[mode], lo, hi, st);
                } else if (c == 1) {
                    ty.wrong++;
                    test_fail(t, __FILE__, __LINE__, "%s x %s (timing %u..%u, %u%%): %s", k->name,
                              fi_mode_name[mode], lo, hi, st, ty.why);
                }
                t->checks++;
                if (mode == FI_SLVERR && rep == 0)
                    snprintf(expect[ki], sizeof expect[ki], "%s", k->kind == FI_CMD ? "CERROR_ABT"
                             : k->kind == FI_EVT ? "GERROR.EVENTQ_ABT_ERR" : ty.expect);
            }
        }
    }
    printf("fault-injection matrix, %u runs (rows: the access that fails or stalls; "
           "ok / WRONG / HANG)\n%-44s %-7s %-7s %-7s %s\n", reps, "access", "SLVERR", "DECERR",
           "stall", "architected outcome of an error");
    for (unsigned ki = 0; ki < FI_NKINDS; ki++)
        printf("%-44s %-7s %-7s %-7s %s\n", fi_kinds[ki].name, cell_name[cell[ki][0]],
               cell_name[cell[ki][1]], cell_name[cell[ki][2]], expect[ki]);
    printf("fault-injection: %u cases, %u wrong outcomes, %u hangs\n", ty.cases, ty.wrong,
           ty.hangs);
}

/* ---- background traffic ----------------------------------------------------------------
 * Up to BG_N transactions in flight on the stage-1 and the nested stream of the fault-
 * injection system, reads of known data and writes elsewhere in the same pages. With
 * `judge`, each must end OKAY with its data (nothing the campaign does may change a
 * translation); without, only that it ends. */
#define BG_N 16u
#define BG_BOUND 20000u /* a transaction of the traffic not done by then: a hang */
typedef struct {
    int h[BG_N];
    uint8_t rbuf[BG_N][64];
    uint64_t issued, done, bad, hangs;
    uint64_t t_issue[BG_N];
    bool judge;
    rrng_t r;
    uint32_t sid[2];
    uint64_t va[2];
} bg_t;

static uint8_t bg_data[64];

static void bg_issue(bg_t *b, sim_t *s, unsigned i)
{
    unsigned k = (unsigned)rr_below(&b->r, 2);
    bool w = rr_below(&b->r, 2);
    tm_txn_t x = tm_txn(w, b->sid[k], b->va[k] + (w ? 0x800 + 8 * rr_below(&b->r, 128) : 0),
                        w ? 1 : 8);
    x.id = (uint8_t)(i % 16);
    x.prot = 2;
    x.cache = 0xf;
    x.domain = 3;
    if (b->judge) {
        x.expect_resp = 0;
        if (!w)
            x.expect_rdata = bg_data;
    }
    b->h[i] = tm_issue(s, &x, b->rbuf[i]);
    b->t_issue[i] = sim_cycles(s);
    b->issued++;
}

static void bg_start(bg_t *b, sim_t *s, bool judge, uint64_t seed, uint32_t sid0,
                     uint64_t va0, uint32_t sid1, uint64_t va1)
{
    memset(b, 0, sizeof *b);
    b->judge = judge;
    b->r.s = seed;
    b->sid[0] = sid0;
    b->va[0] = va0;
    b->sid[1] = sid1;
    b->va[1] = va1;
    for (unsigned k = 0; k < 64; k++)
        bg_data[k] = (uint8_t)(0x3c ^ k);
    mem_write(s, DATA, bg_data, 64);
    mem_write(s, DATA + 0x2000, bg_data, 64);
    for (unsigned i = 0; i < BG_N; i++)
        bg_issue(b, s, i);
}

/* Collect what ended, issue more (more = false: let the rest drain). */
static void bg_pump(bg_t *b, sim_t *s, bool more)
{
    for (unsigned i = 0; i < BG_N; i++) {
        tm_result_t r;
        if (b->h[i] < 0)
            continue;
        if (tm_poll(s, b->h[i], &r)) {
            b->done++;
            if (b->judge && (r.resp != 0 || !r.dn.seen))
                b->bad++;
            b->h[i] = -1;
            if (more)
                bg_issue(b, s, i);
        } else if (sim_cycles(s) - b->t_issue[i] > BG_BOUND) {
            b->hangs++;
            b->h[i] = -1; /* counted once; the model is reset before it is used again */
        }
    }
}

/* Step `cycles` with the traffic going. */
static void bg_run(bg_t *b, sim_t *s, unsigned cycles)
{
    for (unsigned c = 0; c < cycles; c += 8) {
        sim_step(s, 8);
        bg_pump(b, s, true);
    }
}

/* Let every transaction end (bounded). False: something hangs. */
static bool bg_drain(bg_t *b, sim_t *s)
{
    uint64_t c0 = sim_cycles(s);
    for (;;) {
        bg_pump(b, s, false);
        bool any = false;
        for (unsigned i = 0; i < BG_N; i++)
            any = any || b->h[i] >= 0;
        if (!any)
            return b->hangs == 0;
        if (sim_cycles(s) - c0 > 2 * HANG_BOUND) {
            b->hangs++;
            return false;
        }
        sim_step(s, 4);
    }
}

/* ---- command fuzz ----------------------------------------------------------------------
 * Random 16-byte commands in batches behind the traffic, each batch closed by a legal
 * CMD_SYNC. The oracle (IHI 0070 §4.1.3, §4.1.6, §4.4.1.1 and docs/subset.md, against the
 * ID registers): an opcode the SMMU does not implement, CMD_SYNC with CS = 0b11, SSec = 1
 * on a CFGI_* / PREFETCH_*, a range TLBI whose TG/TTL/NUM/SCALE are the Reserved
 * combination are ILLEGAL; everything else is consumed (RES0 bits ignored). An illegal
 * command must stop the queue with CMDQ_CONS.ERR = CERROR_ILL and CONS.RD on it and have
 * no effect; the test then replaces it (a random legal command), acknowledges, and the
 * queue must go on. No command changes memory, so the traffic must see no difference.
 */
#define SCRATCH_PA 0x05000000ull   /* where a CMD_SYNC's MSI may write (MSI address) */

typedef struct {
    uint32_t idr0, idr5;
} cf_idr_t;

static bool cmd_illegal(const cf_idr_t *id, uint64_t dw0, uint64_t dw1)
{
    unsigned op = (unsigned)(dw0 & CMD_OPCODE_MASK);
    bool ssec = (dw0 & CMD_SSEC_MASK) != 0;
    bool hyp = (id->idr0 & SMMU_IDR0_HYP_MASK) != 0;
    unsigned tg = (unsigned)((dw1 & CMD_TG_MASK) >> CMD_TG_SHIFT);
    unsigned ttl = (unsigned)((dw1 & CMD_TTL_MASK) >> CMD_TTL_SHIFT);
    unsigned num = (unsigned)((dw0 & CMD_NUM_MASK) >> CMD_NUM_SHIFT);
    unsigned scale = (unsigned)((dw0 & CMD_SCALE_MASK) >> CMD_SCALE_SHIFT);
    /* with DS = 0, TTL = 0b01 under the 16 KB granule is Reserved and read as 0b00 */
    if (tg == 2 && ttl == 1 && !(id->idr5 & SMMU_IDR5_DS_MASK))
        ttl = 0;
    bool range_reserved = tg != 0 && num == 0 && scale == 0 && ttl == 0;
    switch (op) {
    case CMD_OP_PREFETCH_CONFIG: case CMD_OP_PREFETCH_ADDR: case CMD_OP_CFGI_STE:
    case CMD_OP_CFGI_STE_RANGE: case CMD_OP_CFGI_CD: case CMD_OP_CFGI_CD_ALL:
        return ssec;
    case CMD_OP_TLBI_NH_ALL: case CMD_OP_TLBI_NH_ASID: case CMD_OP_TLBI_S12_VMALL:
    case CMD_OP_TLBI_NSNH_ALL:
        return false;
    case CMD_OP_TLBI_NH_VA: case CMD_OP_TLBI_NH_VAA: case CMD_OP_TLBI_S2_IPA:
        return range_reserved;
    case CMD_OP_TLBI_EL2_ALL: case CMD_OP_TLBI_EL2_ASID:
        return !hyp;
    case CMD_OP_TLBI_EL2_VA: case CMD_OP_TLBI_EL2_VAA:
        return !hyp || range_reserved;
    case 0x40: /* CMD_ATC_INV */
        return !(id->idr0 & SMMU_IDR0_ATS_MASK);
    case 0x41: /* CMD_PRI_RESP */
        return !(id->idr0 & SMMU_IDR0_PRI_MASK);
    case 0x44: case 0x45: /* CMD_RESUME, CMD_STALL_TERM */
        return ((id->idr0 & SMMU_IDR0_STALL_MODEL_MASK) >> 24) == 1;
    case CMD_OP_CMD_SYNC:
        return ((dw0 & CMD_CS_MASK) >> CMD_CS_SHIFT) == 3;
    default:
        return true;
    }
}

static const uint8_t cf_ops[] = {
    CMD_OP_PREFETCH_CONFIG, CMD_OP_PREFETCH_ADDR, CMD_OP_CFGI_STE, CMD_OP_CFGI_STE_RANGE,
    CMD_OP_CFGI_CD, CMD_OP_CFGI_CD_ALL, CMD_OP_TLBI_NH_ALL, CMD_OP_TLBI_NH_ASID,
    CMD_OP_TLBI_NH_VA, CMD_OP_TLBI_NH_VAA, CMD_OP_TLBI_EL2_ALL, CMD_OP_TLBI_EL2_ASID,
    CMD_OP_TLBI_EL2_VA, CMD_OP_TLBI_EL2_VAA, CMD_OP_TLBI_S12_VMALL, CMD_OP_TLBI_S2_IPA,
    CMD_OP_TLBI_NSNH_ALL, CMD_OP_CMD_SYNC};

/* A random command: fully random, or a known opcode with random fields and, often,
 * one of the fields the rules look at set to an edge value. */
static void cf_rand_cmd(rrng_t *r, uint64_t *dw0, uint64_t *dw1)
{
    uint64_t a = rr_u64(r), b = rr_u64(r);
    unsigned k = (unsigned)rr_below(r, 100);
    if (k >= 30)
        a = (a & ~CMD_OPCODE_MASK) | cf_ops[rr_below(r, sizeof cf_ops)];
    if (k >= 30 && rr_below(r, 2)) {
        /* a range-TLBI edge: NUM = SCALE = 0 with each TG and TTL */
        a &= ~(CMD_NUM_MASK | CMD_SCALE_MASK);
        if (rr_below(r, 3) == 0)
            a |= rr_below(r, 2) ? 1ull << CMD_NUM_SHIFT : 1ull << CMD_SCALE_SHIFT;
    }
    if (k >= 30 && rr_below(r, 2))
        a &= ~CMD_SSEC_MASK;
    if ((a & CMD_OPCODE_MASK) == CMD_OP_CMD_SYNC) /* an MSI, if any, goes to scratch */
        b = (b & ~CMD_MSIADDR_MASK) | (SCRATCH_PA & CMD_MSIADDR_MASK);
    *dw0 = a;
    *dw1 = b;
}

static void cf_legal_cmd(const cf_idr_t *id, rrng_t *r, uint64_t *dw0, uint64_t *dw1)
{
    do
        cf_rand_cmd(r, dw0, dw1);
    while (cmd_illegal(id, *dw0, *dw1) || (*dw0 & CMD_OPCODE_MASK) == CMD_OP_CMD_SYNC);
}

TEST_OPTS(rel_cmdfuzz, &rel_opts)
{
    static fi_sys_t y;
    fi_build(&y, t);
    fi_regs(&y);
    fx_t *f = y.f;
    sim_t *s = t->sim;
    cf_idr_t id = {sim_reg_read32(s, SMMU_IDR0), sim_reg_read32(s, SMMU_IDR5)};
    rrng_t r = {(rel_seed() * 0xd1342543de82ef95ull) ^ 0x636d64667a7aull};
    static bg_t bg;
    bg_start(&bg, s, true, rel_seed(), SID_S1, VA_S1, SID_N, VA_N);
    const uint32_t qmask = (1u << CMDQ_LOG2) - 1, wmask = (2u << CMDQ_LOG2) - 1;
    unsigned batches = 300 * rel_scale();
    /* cycles of traffic after each batch is kicked (REL_CMD_GAP, default 300) */
    unsigned gap = getenv("REL_CMD_GAP") ? (unsigned)strtoul(getenv("REL_CMD_GAP"), NULL, 0) : 300;
    uint64_t ncmd = 0, nill = 0, wrong = 0, hangs = 0, ills_seen = 0;
    uint64_t irq0 = sim_irq_count(s, SIM_IRQ_GERROR);
    (void)irq0;
    for (unsigned bi = 0; bi < batches && !hangs; bi++) {
        unsigned n = 1 + (unsigned)rr_below(&r, 8);
        uint32_t first = f->cmd_prod;
        bool ill[9] = {false};
        for (unsigned i = 0; i < n; i++) {
            uint64_t dw0, dw1;
            cf_rand_cmd(&r, &dw0, &dw1);
            ill[i] = cmd_illegal(&id, dw0, dw1);
            cmd_put(f, dw0, dw1);
            ncmd++;
            nill += ill[i];
        }
        cmd_put(f, CMD_OP_CMD_SYNC | (rr_below(&r, 3) << CMD_CS_SHIFT),
                SCRATCH_PA & CMD_MSIADDR_MASK);
        cmd_kick(f);
        bg_run(&bg, s, gap);
        /* run until the batch is consumed; each stop must be the next illegal command */
        unsigned next = 0;
        for (;;) {
            uint64_t c0 = sim_cycles(s);
            bool done = false, stopped = false;
            while (!done && !stopped) {
                bg_run(&bg, s, 16);
                uint32_t cons = sim_reg_read32(s, SMMU_CMDQ_CONS);
                done = (cons & wmask) == f->cmd_prod;
                stopped = gerror_active(s, SMMU_GERROR_CMDQ_ERR_MASK);
                if (sim_cycles(s) - c0 > HANG_BOUND)
                    break;
            }
            if (!done && !stopped) {
                hangs++;
                test_fail(t, __FILE__, __LINE__, "batch %u: the queue neither ended nor stopped "
                          "(CONS 0x%x, PROD 0x%x)", bi, sim_reg_read32(s, SMMU_CMDQ_CONS), f->cmd_prod);
                break;
            }
            while (next < n && !ill[next])
                next++;
            if (!stopped) {
                if (next < n) {
                    wrong++;
                    test_fail(t, __FILE__, __LINE__, "batch %u: illegal command %u consumed",
                              bi, next);
                }
                break;
            }
            uint32_t cons = sim_reg_read32(s, SMMU_CMDQ_CONS);
            uint32_t err = (cons & SMMU_CMDQ_CONS_ERR_MASK) >> SMMU_CMDQ_CONS_ERR_SHIFT;
            uint32_t at = (first + next) & wmask;
            ills_seen++;
            if (next >= n || err != CERROR_ILL || (cons & wmask) != at) {
                wrong++;
                uint32_t slot = cons & qmask;
                test_fail(t, __FILE__, __LINE__, "batch %u: stopped with CONS 0x%x (ERR %u) on "
                          "0x%016" PRIx64 " 0x%016" PRIx64 "; the oracle expected %s 0x%x", bi,
                          cons, err, mem_read64(s, CMDQ_PA + 16ull * slot),
                          mem_read64(s, CMDQ_PA + 16ull * slot + 8),
                          next < n ? "CERROR_ILL at" : "no stop, PROD", next < n ? at : f->cmd_prod);
                if (next >= n)
                    break;
            }
            /* replace the command at CONS by a legal one, acknowledge, go on */
            uint64_t dw0, dw1;
            cf_legal_cmd(&id, &r, &dw0, &dw1);
            uint32_t slot = cons & qmask;
            mem_write64(s, CMDQ_PA + 16ull * slot, dw0);
            mem_write64(s, CMDQ_PA + 16ull * slot + 8, dw1);
            sim_reg_write32(s, SMMU_GERRORN, sim_reg_read32(s, SMMU_GERROR));
            ill[next] = false;
        }
    }
    bg_drain(&bg, s);
    hangs += bg.hangs;
    wrong += bg.bad;
    if (gerror_active(s, 0xffffffffu)) {
        wrong++;
        test_fail(t, __FILE__, __LINE__, "GERROR active at the end: 0x%x",
                  sim_reg_read32(s, SMMU_GERROR) ^ sim_reg_read32(s, SMMU_GERRORN));
    }
    bool quiet = evt_none(f);
    if (!quiet) {
        uint64_t d[4];
        evt_next(f, d);
        wrong++;
        test_fail(t, __FILE__, __LINE__, "an event record: type 0x%02x",
                  (unsigned)(d[0] & EVT_TYPE_MASK));
    }
    CHECK(bg.bad == 0, "%" PRIu64 " of the traffic's transactions went wrong", bg.bad);
    CHECK(ills_seen == nill, "%" PRIu64 " illegal commands stopped the queue, the oracle "
          "counted %" PRIu64, ills_seen, nill);
    printf("cmdfuzz: %" PRIu64 " commands, %" PRIu64 " illegal, %" PRIu64 " wrong, %" PRIu64
           " hangs (traffic: %" PRIu64 " transactions)\n", ncmd, nill, wrong, hangs, bg.done);
    CHECK(wrong == 0 && hangs == 0, "cmdfuzz: %" PRIu64 " wrong, %" PRIu64 " hangs", wrong, hangs);
}


/* ---- register fuzz ---------------------------------------------------------------------
 * Episodes: the driver brings the SMMU up (smmu_probe + smmu_init on whatever state the
 * last episode left: it finds the SMMU enabled, disables it, acknowledges stale global
 * errors, reprograms everything, invalidates, enables), a stage-1 domain maps a page
 * for two StreamIDs, and the bring-up is judged: DMA reads the page's data and writes
 * land, an unmapped address aborts with an F_TRANSLATION record the driver drains, no
 * global error. Then, with client traffic in flight, 4..24 random register writes: a
 * defined register (70 %) or any 32-bit aligned offset of the two 64 KB pages, 32 or 64
 * bits, a random value, 0, all ones, or the register's value with bits flipped. Every
 * client transaction must end (whatever its result: the registers may have turned
 * translation off, aborted everything or redirected the queues). A bring-up that fails,
 * or traffic that does not end, is counted.
 */
#define RF_SID0 0x10u
#define RF_SID1 0x1234u
#define RF_IOVA 0x10000000ull
#define RF_PA   0x100000000ull

static const uint32_t rf_regs[] = {
    SMMU_IDR0, SMMU_IDR1, SMMU_IDR5, SMMU_CR0, SMMU_CR0ACK, SMMU_CR1, SMMU_CR2,
    SMMU_STATUSR, SMMU_GBPA, SMMU_AGBPA, SMMU_IRQ_CTRL, SMMU_IRQ_CTRLACK, SMMU_GERROR,
    SMMU_GERRORN, SMMU_STRTAB_BASE, SMMU_STRTAB_BASE + 4, SMMU_STRTAB_BASE_CFG,
    SMMU_CMDQ_BASE, SMMU_CMDQ_BASE + 4, SMMU_CMDQ_PROD, SMMU_CMDQ_CONS, SMMU_EVENTQ_BASE,
    SMMU_EVENTQ_BASE + 4, SMMU_EVENTQ_PROD, SMMU_EVENTQ_CONS, SMMU_EVENTQ_PROD_ALIAS0,
    SMMU_EVENTQ_CONS_ALIAS0,
    /* IHI 0070 §6.2: the interrupt configuration registers (MSI) */
    0x68, 0x70, 0x74, 0xb0, 0xb8, 0xbc};

typedef struct {
    drv_fx_t *fx;
    smmu_domain_t dom;
    smmu_master_t m[2];
} rf_sys_t;

static unsigned rf_events;
static void rf_event_cb(void *arg, const smmu_event_t *ev)
{
    (void)arg;
    if ((ev->dw[0] & EVT_TYPE_MASK) == EVT_F_TRANSLATION &&
        ((ev->dw[0] & EVT_SID_MASK) >> EVT_SID_SHIFT) == RF_SID1 &&
        ev->dw[2] == RF_IOVA + 0x200000)
        rf_events++;
}

/* The driver's bring-up and its judgement; NULL on success, else what failed. */
static const char *rf_bringup(test_ctx_t *t, rf_sys_t *y, unsigned ep)
{
    sim_t *s = t->sim;
    static char why[160];
    drv_fx_t *fx = &drv_fx_storage;
    memset(fx, 0, sizeof *fx);
    y->fx = fx;
    if (smmu_hal_sim_init(&fx->h, s) != 0)
        return "HAL";
    fx->h.log_level = SMMU_LOG_ERR;
    int ret = smmu_probe(&fx->s, &fx->h.hal);
    if (ret) {
        snprintf(why, sizeof why, "probe: %s", smmu_strerror(ret));
        return why;
    }
    smmu_config_t cfg = {.strtab_log2 = 0, .cmdq_log2 = 5, .eventq_log2 = 5};
    ret = smmu_init(&fx->s, &cfg);
    if (ret) {
        snprintf(why, sizeof why, "init: %s (CR0 0x%x CR0ACK 0x%x GERROR^N 0x%x)",
                 smmu_strerror(ret), sim_reg_read32(s, SMMU_CR0), sim_reg_read32(s, SMMU_CR0ACK),
                 sim_reg_read32(s, SMMU_GERROR) ^ sim_reg_read32(s, SMMU_GERRORN));
        return why;
    }
    if (smmu_domain_init(&y->dom, &fx->s, SMMU_DOMAIN_S1, NULL) != 0 ||
        smmu_master_init(&y->m[0], &fx->s, RF_SID0) != 0 ||
        smmu_master_init(&y->m[1], &fx->s, RF_SID1) != 0 ||
        smmu_attach(&y->m[0], &y->dom) != 0 || smmu_attach(&y->m[1], &y->dom) != 0 ||
        smmu_domain_map(&y->dom, RF_IOVA, RF_PA, 0x2000, SMMU_PROT_READ | SMMU_PROT_WRITE,
                        SMMU_MAP_MEM) != 0)
        return "domain, masters or map";
    /* judge: data read through the SMMU, a write lands, an unmapped address aborts */
    uint64_t tag = 0x7e57000000000000ull | ep, v = 0;
    mem_write64(s, RF_PA, tag);
    dma_result_t r = drv_dma_read(t, RF_SID0, RF_IOVA, &v);
    if (r.resp != 0 || v != tag || r.dn.addr != RF_PA) {
        snprintf(why, sizeof why, "read: resp %d data 0x%" PRIx64 " PA 0x%" PRIx64, r.resp, v,
                 r.dn.addr);
        return why;
    }
    r = drv_dma_write(t, RF_SID1, RF_IOVA + 0x1008, tag ^ 1);
    if (r.resp != 0 || mem_read64(s, RF_PA + 0x1008) != (tag ^ 1))
        return "write did not land";
    r = drv_dma_read(t, RF_SID1, RF_IOVA + 0x200000, &v);
    if (r.resp == 0 || r.dn.seen)
        return "an unmapped address did not abort";
    rf_events = 0;
    sim_step(s, 100);
    (void)smmu_evtq_drain(&fx->s, rf_event_cb, NULL, 0);
    if (rf_events != 1) {
        snprintf(why, sizeof why, "%u F_TRANSLATION records for the unmapped address", rf_events);
        return why;
    }
    if (sim_reg_read32(s, SMMU_GERROR) ^ sim_reg_read32(s, SMMU_GERRORN))
        return "a global error after the bring-up";
    return NULL;
}

static uint64_t rf_value(rrng_t *r, sim_t *s, uint32_t off, bool is64)
{
    switch (rr_below(r, 6)) {
    case 0: return 0;
    case 1: return ~0ull;
    case 2: case 3: {
        uint64_t cur = is64 ? sim_reg_read64(s, off) : sim_reg_read32(s, off);
        return cur ^ (1ull << rr_below(r, is64 ? 64 : 32)) ^
               (rr_below(r, 2) ? 1ull << rr_below(r, is64 ? 64 : 32) : 0);
    }
    default: return rr_u64(r);
    }
}

TEST_OPTS(rel_regfuzz, &rel_opts)
{
    sim_t *s = t->sim;
    static rf_sys_t y;
    rrng_t r = {(rel_seed() * 0xd1342543de82ef95ull) ^ 0x726567667a7aull};
    unsigned episodes = 40 * rel_scale();
    uint64_t writes = 0, recovered = 0, hangs = 0, failed = 0;
    for (unsigned ep = 0; ep <= episodes; ep++) {
        const char *why = rf_bringup(t, &y, ep);
        if (why) {
            failed++;
            test_fail(t, __FILE__, __LINE__, "episode %u: the driver's bring-up failed: %s", ep,
                      why);
            /* a reset brings the next episode a clean start */
            sim_reset(s, 4);
            continue;
        }
        if (ep > 0)
            recovered++;
        if (ep == episodes)
            break;
        static bg_t bg;
        bg_start(&bg, s, false, rr_u64(&r), RF_SID0, RF_IOVA, RF_SID1, RF_IOVA + 0x1000);
        unsigned n = 4 + (unsigned)rr_below(&r, 21);
        for (unsigned i = 0; i < n; i++) {
            uint32_t off;
            if (rr_below(&r, 100) < 70)
                off = rf_regs[rr_below(&r, sizeof rf_regs / sizeof rf_regs[0])];
            else
                off = (uint32_t)rr_below(&r, 0x20000) & ~3u;
            bool is64 = (off & 7) == 0 && rr_below(&r, 2);
            uint64_t v = rf_value(&r, s, off, is64);
            if (is64)
                sim_reg_write64(s, off, v);
            else
                sim_reg_write32(s, off, (uint32_t)v);
            writes++;
            bg_run(&bg, s, (unsigned)rr_below(&r, 200));
        }
        bg_drain(&bg, s);
        if (bg.hangs) {
            hangs++;
            test_fail(t, __FILE__, __LINE__, "episode %u: %" PRIu64 " client transactions did "
                      "not end after the register writes", ep, bg.hangs);
            sim_reset(s, 4);
        }
    }
    printf("regfuzz: %u episodes, %" PRIu64 " register writes, %" PRIu64 " recovered by a "
           "driver re-init, %" PRIu64 " not, %" PRIu64 " hangs\n", episodes, writes, recovered,
           failed, hangs);
    CHECK(recovered == episodes && hangs == 0, "regfuzz: %" PRIu64 " of %u recovered, %" PRIu64
          " hangs", recovered, episodes, hangs);
}
