/*
 * The differential environment (see diff_env.h): RTL and reference model side by side,
 * compared per transaction, per table-port access, per downstream access and per event
 * record, optionally recorded as a scenario script.
 */
#include "diff_env.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "smmu/smmu_regs.h"

#define CMD_POLLS 4000u
#define EVT_POLLS 400u
#define SYNC_POLL_CYCLES 24u       /* a race's CMD_SYNC with CS != IRQ: CONS read this often */
#define SYNC_TIMEOUT 400000u

/* ---- names --------------------------------------------------------------------------- */

const char *env_evt_name(unsigned type)
{
    switch (type) {
    case EVT_F_UUT: return "F_UUT";
    case EVT_C_BAD_STREAMID: return "C_BAD_STREAMID";
    case EVT_F_STE_FETCH: return "F_STE_FETCH";
    case EVT_C_BAD_STE: return "C_BAD_STE";
    case EVT_F_STREAM_DISABLED: return "F_STREAM_DISABLED";
    case EVT_C_BAD_SUBSTREAMID: return "C_BAD_SUBSTREAMID";
    case EVT_F_CD_FETCH: return "F_CD_FETCH";
    case EVT_C_BAD_CD: return "C_BAD_CD";
    case EVT_F_WALK_EABT: return "F_WALK_EABT";
    case EVT_F_TRANSLATION: return "F_TRANSLATION";
    case EVT_F_ADDR_SIZE: return "F_ADDR_SIZE";
    case EVT_F_ACCESS: return "F_ACCESS";
    case EVT_F_PERMISSION: return "F_PERMISSION";
    case 0: return "none";
    default: return "?";
    }
}

static const char *reg_name(uint32_t off)
{
    switch (off) {
    case SMMU_CR0: return "CR0";
    case SMMU_CR1: return "CR1";
    case SMMU_CR2: return "CR2";
    case SMMU_GBPA: return "GBPA";
    case SMMU_IRQ_CTRL: return "IRQ_CTRL";
    case SMMU_STRTAB_BASE: return "STRTAB_BASE";
    case SMMU_STRTAB_BASE_CFG: return "STRTAB_BASE_CFG";
    case SMMU_CMDQ_BASE: return "CMDQ_BASE";
    case SMMU_CMDQ_PROD: return "CMDQ_PROD";
    case SMMU_CMDQ_CONS: return "CMDQ_CONS";
    case SMMU_EVENTQ_BASE: return "EVENTQ_BASE";
    case SMMU_EVENTQ_PROD: return "EVENTQ_PROD";
    case SMMU_EVENTQ_CONS: return "EVENTQ_CONS";
    default: return NULL;
    }
}

static const char *rd_kind_name(unsigned k)
{
    switch (k) {
    case SMMU_MODEL_RD_L1STD: return "L1STD";
    case SMMU_MODEL_RD_STE: return "STE";
    case SMMU_MODEL_RD_CD: return "CD";
    case SMMU_MODEL_RD_S1: return "S1";
    case SMMU_MODEL_RD_S2: return "S2";
    default: return "?";
    }
}

/* ---- recording --------------------------------------------------------------------- */

static bool rec_on(const env_t *e)
{
    return e->rec && !e->rec_done;
}

static void rec_flush_mem(env_t *e)
{
    if (!e->rec || !e->rec_mem_n)
        return;
    fprintf(e->rec, "mem 0x%" PRIx64, e->rec_mem_pa);
    for (unsigned i = 0; i < e->rec_mem_n; i++)
        fprintf(e->rec, " 0x%" PRIx64, e->rec_mem_w[i]);
    fputc('\n', e->rec);
    e->rec_mem_n = 0;
}

static void rec_line(env_t *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void rec_line(env_t *e, const char *fmt, ...)
{
    if (!rec_on(e))
        return;
    rec_flush_mem(e);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(e->rec, fmt, ap);
    va_end(ap);
    fputc('\n', e->rec);
}

void env_note(env_t *e, const char *fmt, ...)
{
    if (!rec_on(e))
        return;
    rec_flush_mem(e);
    va_list ap;
    va_start(ap, fmt);
    fputs("# ", e->rec);
    vfprintf(e->rec, fmt, ap);
    va_end(ap);
    fputc('\n', e->rec);
}

/* ---- mismatches --------------------------------------------------------------------- */

static void mismatch_begin(env_t *e, uint64_t txn_no)
{
    if (!e->nmis || txn_no < e->first_mis)
        e->first_mis = txn_no;
    e->nmis++;
}

/* A mismatch of its own kind (not a transaction's answer): counted, first few printed. */
static void mismatch(env_t *e, uint64_t txn_no, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void mismatch(env_t *e, uint64_t txn_no, const char *fmt, ...)
{
    mismatch_begin(e, txn_no);
    if (!e->print_left)
        return;
    e->print_left--;
    va_list ap;
    va_start(ap, fmt);
    printf("MISMATCH seed %" PRIu64 " txn #%" PRIu64 " ", e->seed, txn_no);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
}

/* ---- set-up ------------------------------------------------------------------------ */

/* The records of transactions in flight and of the epoch (one environment per process). */
static txn_rec_t rec_pool[ENV_MAX_LIVE + ENV_EPOCH_MAX];
static txn_rec_t *rec_free[ENV_MAX_LIVE + ENV_EPOCH_MAX];
static unsigned nfree;

static txn_rec_t *rec_alloc(void)
{
    if (!nfree) {
        fprintf(stderr, "differential: out of transaction records\n");
        abort();
    }
    txn_rec_t *r = rec_free[--nfree];
    memset(r, 0, sizeof *r);
    return r;
}

static void rec_release(txn_rec_t *r)
{
    rec_free[nfree++] = r;
}

static int model_read(void *ctx, uint64_t pa, uint64_t *val)
{
    env_t *e = ctx;
    for (unsigned i = 0; i < e->n_err; i++)
        if (pa >= e->err_base[i] && pa - e->err_base[i] < e->err_size[i])
            return -1;
    if (e->race.ov_on)
        for (unsigned i = 0; i < e->race.nov; i++)
            if (e->race.ov_pa[i] == pa) {
                *val = e->race.ov_val[i];
                return 0;
            }
    *val = mem_read64(e->sim, pa);
    return 0;
}

void env_init(env_t *e, const sim_opts_t *opts, uint64_t seed, cov_t *cov, bool serial)
{
    memset(e, 0, sizeof *e);
    nfree = 0;
    for (size_t i = 0; i < sizeof rec_pool / sizeof rec_pool[0]; i++)
        rec_free[nfree++] = &rec_pool[i];
    e->sim = sim_create(opts);
    if (!e->sim) {
        fprintf(stderr, "differential: sim_create failed\n");
        exit(2);
    }
    e->p = sim_params(e->sim);
    e->seed = seed;
    e->canwbs = opts ? opts->canwbs : false;
    e->cov = cov;
    e->print_left = 3;
    e->serial = serial;
    e->depth[0] = e->depth[1] = 1;
    e->id_pool = 16;

    smmu_model_params_t mp;
    smmu_model_default_params(&mp);
    mp.oas_bits = e->p->pa_bits;
    mp.sid_bits = e->p->sid_bits;
    mp.st_level_2 = e->p->st_level_2;
    mp.fwb = e->p->fwb;
    mp.gran16k = e->p->gran16k;
    mp.gran64k = e->p->gran64k;
    mp.attr_types_ovr = e->p->attr_ovr;
    mp.attr_perms_ovr = e->p->attr_ovr;
    smmu_model_init(&e->m, &mp);
    e->m.read64 = model_read;
    e->m.ctx = e;
    e->m.canwbs = e->canwbs;
    e->m.smmuen = false;
    e->m.gbpa = sim_reg_read32(e->sim, SMMU_GBPA);
    e->m.cr1 = sim_reg_read32(e->sim, SMMU_CR1);
    e->m.cr2 = sim_reg_read32(e->sim, SMMU_CR2);
    e->tbl_cur = mem_addr_log_count(e->sim, MEM_PORT_TBL);
    e->dn_cur = mem_addr_log_count(e->sim, MEM_PORT_DN);
    tm_config_t tc;
    tm_get_config(e->sim, &tc);
    tc.max_rd = tc.max_wr = 1;
    tm_config(e->sim, &tc);
}

void env_fini(env_t *e)
{
    if (e->sim) {
        env_quiesce(e);
        tm_stats_t st;
        tm_stats(e->sim, &st);
        /* every downstream access belonged to a transaction that could make it */
        if (st.dn_orphans) {
            char b[160];
            snprintf(b, sizeof b, "%" PRIu64 " downstream accesses no transaction could own "
                     "(the last at 0x%" PRIx64 ")", st.dn_orphans, st.dn_orphan_addr);
            mismatch(e, e->ntxn, b);
        }
        if (e->cov) {
            if (st.peak_rd > e->cov->peak_bus[0])
                e->cov->peak_bus[0] = st.peak_rd;
            if (st.peak_wr > e->cov->peak_bus[1])
                e->cov->peak_bus[1] = st.peak_wr;
        }
    }
    rec_flush_mem(e);
    if (e->sim)
        sim_destroy(e->sim);
    e->sim = NULL;
}

/* ---- memory and registers -------------------------------------------------------- */

void env_mem_write64(env_t *e, uint64_t pa, uint64_t v)
{
    if (e->race.active && !e->race.synced) {
        /* a race's change: keep the old value for the "old translation" predictions */
        bool have = false;
        for (unsigned i = 0; i < e->race.nov; i++)
            have = have || e->race.ov_pa[i] == pa;
        if (!have && e->race.nov < ENV_OVERLAY) {
            e->race.ov_pa[e->race.nov] = pa;
            e->race.ov_val[e->race.nov] = mem_read64(e->sim, pa);
            e->race.nov++;
        }
    } else if (e->nlive) {
        env_quiesce(e);
    }
    mem_write64(e->sim, pa, v);
    if (!rec_on(e))
        return;
    if (e->rec_mem_n && e->rec_mem_n < 8 && pa == e->rec_mem_pa + 8ull * e->rec_mem_n) {
        e->rec_mem_w[e->rec_mem_n++] = v;
        return;
    }
    rec_flush_mem(e);
    e->rec_mem_pa = pa;
    e->rec_mem_w[0] = v;
    e->rec_mem_n = 1;
}

uint64_t env_mem_read64(env_t *e, uint64_t pa)
{
    return mem_read64(e->sim, pa);
}

bool env_err_range(env_t *e, uint64_t base, uint64_t size)
{
    env_quiesce(e);
    if (e->n_err >= ENV_MAX_ERR || mem_add_error_range(e->sim, base, size, MEM_ERR_READ) != 0)
        return false;
    e->err_base[e->n_err] = base;
    e->err_size[e->n_err] = size;
    e->n_err++;
    /* the runner's own model does not see error ranges: the script's explicit
     * expectations (this model's answers) check the transactions from here on */
    if (e->n_err == 1)
        rec_line(e, "model off");
    rec_line(e, "mem-error 0x%" PRIx64 " 0x%" PRIx64 " r", base, size);
    return true;
}

void env_timing(env_t *e, unsigned lat_min, unsigned lat_max, unsigned stall_pct)
{
    mem_set_timing(e->sim, lat_min, lat_max, stall_pct);
    rec_line(e, "timing %u %u %u", lat_min, lat_max, stall_pct);
}

static void rec_reg(env_t *e, uint32_t off, uint64_t v, bool is64)
{
    const char *n = reg_name(off);
    if (n)
        rec_line(e, "write%s %s 0x%" PRIx64, is64 ? "64" : "32", n, v);
    else
        rec_line(e, "write%s 0x%x 0x%" PRIx64, is64 ? "64" : "32", off, v);
}

void env_reg_write32(env_t *e, uint32_t off, uint32_t v)
{
    env_quiesce(e);
    sim_reg_write32(e->sim, off, v);
    rec_reg(e, off, v, false);
    if (off == SMMU_CR1) {
        /* TABLE_* writable while SMMUEN = 0, QUEUE_* while both queues are off */
        uint32_t tmask = SMMU_CR1_TABLE_IC_MASK | SMMU_CR1_TABLE_OC_MASK | SMMU_CR1_TABLE_SH_MASK;
        uint32_t cr0 = sim_reg_read32(e->sim, SMMU_CR0ACK);
        uint32_t m = 0;
        if (!e->m.smmuen && !(cr0 & SMMU_CR0_SMMUEN_MASK))
            m |= tmask;
        if (!(cr0 & (SMMU_CR0_CMDQEN_MASK | SMMU_CR0_EVENTQEN_MASK)))
            m |= SMMU_CR1_QUEUE_IC_MASK | SMMU_CR1_QUEUE_OC_MASK | SMMU_CR1_QUEUE_SH_MASK;
        e->m.cr1 = (e->m.cr1 & ~m) | (v & m);
    }
    if (e->m.smmuen)
        return; /* CR2 and STRTAB_* are guarded by SMMUEN */
    if (off == SMMU_CR2)
        e->m.cr2 = v;
    else if (off == SMMU_STRTAB_BASE_CFG)
        e->m.strtab_base_cfg = v;
}

void env_reg_write64(env_t *e, uint32_t off, uint64_t v)
{
    env_quiesce(e);
    sim_reg_write64(e->sim, off, v);
    rec_reg(e, off, v, true);
    if (!e->m.smmuen && off == SMMU_STRTAB_BASE)
        e->m.strtab_base = v;
    if (off == SMMU_CMDQ_BASE)
        e->cmdq_base = v;
    if (off == SMMU_EVENTQ_BASE)
        e->evtq_base = v;
}

bool env_cr0(env_t *e, uint32_t v)
{
    env_quiesce(e);
    sim_reg_write32(e->sim, SMMU_CR0, v);
    rec_line(e, "write32 CR0 0x%x", v);
    bool ok = sim_reg_poll32(e->sim, SMMU_CR0ACK, 0xffffffffu, v, 400);
    rec_line(e, "poll CR0ACK 0x%x max=400", v);
    if (ok)
        e->m.smmuen = v & SMMU_CR0_SMMUEN_MASK;
    else
        mismatch(e, e->ntxn, "CR0ACK did not follow CR0 = 0x%x", v);
    return ok;
}

bool env_gbpa(env_t *e, uint32_t v)
{
    env_quiesce(e);
    v |= SMMU_GBPA_UPDATE_MASK;
    sim_reg_write32(e->sim, SMMU_GBPA, v);
    rec_line(e, "write32 GBPA 0x%x", v);
    bool ok = sim_reg_poll32(e->sim, SMMU_GBPA, SMMU_GBPA_UPDATE_MASK, 0, 400);
    rec_line(e, "poll GBPA 0 mask=0x%x max=400", SMMU_GBPA_UPDATE_MASK);
    if (ok)
        e->m.gbpa = v & ~SMMU_GBPA_UPDATE_MASK;
    else
        mismatch(e, e->ntxn, "GBPA.Update did not clear (GBPA = 0x%x)", v);
    return ok;
}

void env_queues(env_t *e, uint64_t cmdq_pa, unsigned cmdq_log2, uint64_t evtq_pa,
                unsigned evtq_log2, bool cmdq_ra, bool evtq_wa)
{
    e->cmdq_pa = cmdq_pa;
    e->cmdq_log2 = cmdq_log2;
    e->evtq_pa = evtq_pa;
    e->evtq_log2 = evtq_log2;
    e->cmd_prod = 0;
    e->evt_cons = 0;
    env_reg_write64(e, SMMU_CMDQ_BASE, cmdq_pa | cmdq_log2 | (cmdq_ra ? SMMU_CMDQ_BASE_RA_MASK : 0));
    env_reg_write32(e, SMMU_CMDQ_PROD, 0);
    env_reg_write32(e, SMMU_CMDQ_CONS, 0);
    env_reg_write64(e, SMMU_EVENTQ_BASE,
                    evtq_pa | evtq_log2 | (evtq_wa ? SMMU_EVENTQ_BASE_WA_MASK : 0));
    env_reg_write32(e, SMMU_EVENTQ_PROD, 0);
    env_reg_write32(e, SMMU_EVENTQ_CONS, 0);
}

/* ---- commands ---------------------------------------------------------------------- */

static void cmd_put(env_t *e, uint64_t dw0, uint64_t dw1)
{
    uint32_t n = 1u << e->cmdq_log2;
    uint32_t idx = e->cmd_prod & (n - 1);
    /* written behind the SMMU's back: backdoor, but not recorded as `mem` (the scenario
     * runner writes its own commands) */
    mem_write64(e->sim, e->cmdq_pa + 16ull * idx, dw0);
    mem_write64(e->sim, e->cmdq_pa + 16ull * idx + 8, dw1);
    e->cmd_prod = (e->cmd_prod + 1) & ((2u << e->cmdq_log2) - 1);
}

void env_cmd(env_t *e, uint64_t dw0, uint64_t dw1)
{
    uint32_t n = 1u << e->cmdq_log2;
    if (e->cmd_pending + 2 >= n)
        env_cmd_sync(e); /* never fill the queue: leave room for the CMD_SYNC */
    cmd_put(e, dw0, dw1);
    e->cmd_pending++;
    unsigned op = (unsigned)(dw0 & 0xff);
    if (e->cov && op < 64)
        e->cov->cmds[op]++;
    rec_line(e, "cmd 0x%02x dw0=0x%" PRIx64 " dw1=0x%" PRIx64, op, dw0, dw1);
}

static void cmd_kick(env_t *e)
{
    sim_reg_write32(e->sim, SMMU_CMDQ_PROD, e->cmd_prod);
}

static void sync_put(env_t *e, unsigned cs)
{
    cmd_put(e, CMD_OP_CMD_SYNC | (uint64_t)cs << CMD_CS_SHIFT, 0);
    e->cmd_pending = 0;
    if (e->cov) {
        e->cov->syncs++;
        e->cov->sync_cs[cs < 3 ? cs : 0]++;
    }
    if (cs)
        rec_line(e, "cmd CMD_SYNC CS=%u", cs);
    else
        rec_line(e, "cmd CMD_SYNC");
}

void env_cmd_sync_begin(env_t *e)
{
    sync_put(e, 0);
    cmd_kick(e);
}

/* CONS has passed PROD (everything queued is consumed)? *err: the queue stopped. */
static bool cons_done(env_t *e, uint32_t prod, bool *err, uint32_t *cons_out)
{
    uint32_t wm = (2u << e->cmdq_log2) - 1;
    uint32_t cons = sim_reg_read32(e->sim, SMMU_CMDQ_CONS);
    if (cons_out)
        *cons_out = cons;
    *err = (cons & SMMU_CMDQ_CONS_ERR_MASK) != 0;
    return (cons & wm) == prod;
}

bool env_cmd_sync_end(env_t *e)
{
    uint32_t cons = 0;
    bool ok = false, err = false;
    for (unsigned i = 0; i < CMD_POLLS && !ok && !err; i++)
        ok = cons_done(e, e->cmd_prod, &err, &cons);
    uint32_t g = sim_reg_read32(e->sim, SMMU_GERROR) ^ sim_reg_read32(e->sim, SMMU_GERRORN);
    if (!ok || g) {
        mismatch(e, e->ntxn, "(after): command queue %s (CONS 0x%x, PROD 0x%x, "
                 "GERROR^GERRORN 0x%x)", err ? "error" : ok ? "raised GERROR" : "stuck", cons,
                 e->cmd_prod, g);
        return false;
    }
    return true;
}

bool env_cmd_sync(env_t *e)
{
    env_cmd_sync_begin(e);
    return env_cmd_sync_end(e);
}

/* ---- transactions ------------------------------------------------------------------- */

static int cov_col(const smmu_model_result_t *r)
{
    if (r->outcome == SMMU_MODEL_OK)
        return COL_OK;
    if (r->outcome == SMMU_MODEL_ABORT_NO_EVENT)
        return COL_ABORT;
    bool s2 = (r->evt[1] & EVT_S2_MASK) != 0;
    switch (r->fault) {
    case EVT_C_BAD_STREAMID: return COL_BAD_SID;
    case EVT_F_STE_FETCH: return COL_STE_FETCH;
    case EVT_C_BAD_STE: return COL_BAD_STE;
    case EVT_C_BAD_SUBSTREAMID: return COL_BAD_SSID;
    case EVT_F_CD_FETCH: return COL_CD_FETCH;
    case EVT_C_BAD_CD: return COL_BAD_CD;
    case EVT_F_WALK_EABT: return COL_WALK_EABT;
    case EVT_F_TRANSLATION: return s2 ? COL_TRANS2 : COL_TRANS;
    case EVT_F_ADDR_SIZE: return s2 ? COL_ADDR2 : COL_ADDR;
    case EVT_F_ACCESS: return s2 ? COL_ACCESS2 : COL_ACCESS;
    case EVT_F_PERMISSION: return s2 ? COL_PERM2 : COL_PERM;
    default: return COL_OTHER;
    }
}

static void fmt_txn(const dtxn_t *x, uint8_t id, char *b, size_t n)
{
    snprintf(b, n, "%s sid=0x%x addr=0x%016" PRIx64 " len=%u prot=%u cache=0x%x domain=%u "
             "id=%u%s%s", x->write ? "write" : "read ", x->sid, x->addr, x->len, x->prot,
             x->cache, x->domain, id, x->nosnoop ? " nosnoop" : "", x->ssv ? " ssv" : "");
    if (x->ssv) {
        size_t k = strlen(b);
        if (k < n)
            snprintf(b + k, n - k, " ssid=0x%x", x->ssid);
    }
}

static void fmt_model(const smmu_model_result_t *r, char *b, size_t n)
{
    if (r->outcome == SMMU_MODEL_OK)
        snprintf(b, n, "OKAY pa=0x%" PRIx64 " attr=0x%02x cache=0x%x domain=%u prot=0x%x",
                 r->pa, r->attr, r->axcache, r->axdomain, r->axprot);
    else if (r->outcome == SMMU_MODEL_ABORT_NO_EVENT)
        snprintf(b, n, "SLVERR (abort, no event, path %d)", (int)r->path);
    else
        snprintf(b, n, "SLVERR fault %s (0x%02x)%s [%016" PRIx64 " %016" PRIx64 " %016" PRIx64
                 " %016" PRIx64 "]", env_evt_name(r->fault), r->fault,
                 r->evt_valid ? "" : " not recorded", r->evt[0], r->evt[1], r->evt[2], r->evt[3]);
}

static void fmt_rtl(const tm_result_t *r, char *b, size_t n)
{
    if (r->dn.seen)
        snprintf(b, n, "resp %d pa=0x%" PRIx64 " attr=0x%02x cache=0x%x domain=%u prot=0x%x%s",
                 r->resp, r->dn.addr, r->dn.attr, r->dn.cache, r->dn.domain, r->dn.prot,
                 r->dn_ambiguous ? " (attributed by ID order, ambiguous)" : "");
    else
        snprintf(b, n, "resp %d, no downstream access", r->resp);
}

static void fmt_reads(const smmu_model_result_t *r, char *b, size_t n)
{
    int k = 0;
    b[0] = 0;
    for (unsigned i = 0; i < r->nrd && k < (int)n - 48; i++)
        k += snprintf(b + k, n - (size_t)k, "%s%s@0x%" PRIx64 "/%x/%u", i ? " " : "",
                      rd_kind_name(r->rd[i].kind), r->rd[i].pa, r->rd[i].axcache,
                      r->rd[i].axdomain);
    if (!r->nrd)
        snprintf(b, n, "none");
}

/* The scenario lines for one transaction and what the model expects of it. */
static void rec_txn(env_t *e, const dtxn_t *x, uint8_t id, const smmu_model_result_t *mr)
{
    if (!rec_on(e))
        return;
    char ss[24] = "";
    if (x->ssv)
        snprintf(ss, sizeof ss, " ssv ssid=0x%x", x->ssid);
    rec_line(e, "dma %s sid=0x%x addr=0x%" PRIx64 " len=%u cache=0x%x domain=%u prot=0x%x%s%s"
             " id=%u", x->write ? "write" : "read", x->sid, x->addr, x->len, x->cache,
             x->domain, x->prot, x->nosnoop ? " nosnoop" : "", ss, id);
    {
        char b[SMMU_MODEL_MAX_RD * 32 + 32];
        int k = snprintf(b, sizeof b, "expect-tbl-reads");
        for (unsigned i = 0; i < mr->nrd; i++)
            k += snprintf(b + k, sizeof b - (size_t)k, " 0x%" PRIx64 "/0x%x/%u", mr->rd[i].pa,
                          mr->rd[i].axcache, mr->rd[i].axdomain);
        rec_line(e, "%s", b);
    }
    if (mr->outcome == SMMU_MODEL_OK) {
        rec_line(e, "expect-txn okay pa=0x%" PRIx64 " cache=0x%x domain=%u attr=0x%02x prot=0x%x",
                 mr->pa, mr->axcache, mr->axdomain, mr->attr, mr->axprot);
        return;
    }
    rec_line(e, "expect-txn abort");
    if (!mr->evt_valid)
        return;
    /* every architecturally defined field, by name (the model's mask says which) */
    static const struct { const char *name; unsigned dw; uint64_t mask; } f[] = {
        {"SID", 0, EVT_SID_MASK},       {"SSV", 0, EVT_SSV_MASK},
        {"SSID", 0, EVT_SSID_MASK},     {"PNU", 1, EVT_PNU_MASK},
        {"IND", 1, EVT_IND_MASK},       {"RNW", 1, EVT_RNW_MASK},
        {"S2", 1, EVT_S2_MASK},         {"CLASS", 1, EVT_CLASS_MASK},
        {"TTRNW", 1, EVT_TTRNW_MASK},   {"INPUTADDR", 2, EVT_INPUTADDR_MASK},
        {"IPA", 3, EVT_IPA_MASK},       {"FETCHADDR", 3, EVT_FETCHADDR_MASK},
    };
    char buf[512];
    int k = snprintf(buf, sizeof buf, "expect-event 0x%02x", mr->fault);
    bool fetch = mr->fault == EVT_F_STE_FETCH || mr->fault == EVT_F_CD_FETCH ||
                 mr->fault == EVT_F_WALK_EABT;
    for (size_t i = 0; i < sizeof f / sizeof f[0] && k < (int)sizeof buf - 64; i++) {
        if ((mr->evt_mask[f[i].dw] & f[i].mask) != f[i].mask)
            continue;
        if (f[i].dw == 0 && f[i].mask == EVT_SSID_MASK && !(mr->evt[0] & EVT_SSV_MASK))
            continue;
        if (f[i].dw == 3 && ((f[i].mask == EVT_IPA_MASK) == fetch))
            continue;
        if ((mr->fault == EVT_C_BAD_STREAMID || mr->fault == EVT_C_BAD_STE ||
             mr->fault == EVT_C_BAD_CD || mr->fault == EVT_C_BAD_SUBSTREAMID) && f[i].dw > 0)
            continue; /* those records carry StreamID/SubstreamID only */
        uint64_t v = mr->evt[f[i].dw] & f[i].mask;
        bool addr = strstr(f[i].name, "ADDR") || !strcmp(f[i].name, "IPA");
        uint64_t shift = 0;
        while (!addr && !((f[i].mask >> shift) & 1))
            shift++;
        k += snprintf(buf + k, sizeof buf - (size_t)k, " %s=0x%" PRIx64, f[i].name,
                      addr ? v : v >> shift);
    }
    rec_line(e, "%s", buf);
}

static void report(env_t *e, const txn_rec_t *t, const char *what)
{
    if (!e->print_left)
        return;
    e->print_left--;
    char b[640];
    printf("MISMATCH seed %" PRIu64 " txn #%" PRIu64 " (%s)\n", e->seed, t->no, what);
    fmt_txn(&t->x, t->id, b, sizeof b);
    printf("  txn:   %s\n", b);
    for (unsigned i = 0; i < t->nalt; i++) {
        fmt_model(&t->alt[i], b, sizeof b);
        printf("  model%s: %s\n", t->nalt < 2 ? "" : !((t->old_mask >> i) & 1) ? " (new)" :
               (t->forbid_mask >> i) & 1 ? " (old, not allowed)" : " (old)", b);
    }
    fmt_rtl(&t->res, b, sizeof b);
    printf("  rtl:   %s  [issued cycle %" PRIu64 ", address %" PRIu64 ", done %" PRIu64 "]\n",
           b, t->res.t_issue, t->res.t_addr, t->res.t_done);
}

/* Does the RTL's answer agree with prediction mr? (With an ambiguous downstream attribution
 * only the response; the downstream access is checked in the epoch's multiset.) */
static bool agrees(const smmu_model_result_t *mr, const tm_result_t *r)
{
    if (mr->outcome == SMMU_MODEL_OK) {
        if (r->resp != 0)
            return false;
        if (r->dn_ambiguous)
            return true;
        return r->dn.seen && r->dn.addr == mr->pa && r->dn.attr == mr->attr &&
               r->dn.cache == mr->axcache && r->dn.domain == mr->axdomain &&
               (r->dn.prot & 7) == mr->axprot;
    }
    return r->resp == 2 && (r->dn_ambiguous || !r->dn.seen);
}

/* Same observable outcome (response, downstream access, event record)? */
static bool same_outcome(const smmu_model_result_t *a, const smmu_model_result_t *b)
{
    if (a->outcome != b->outcome)
        return false;
    if (a->outcome == SMMU_MODEL_OK)
        return a->pa == b->pa && a->attr == b->attr && a->axcache == b->axcache &&
               a->axdomain == b->axdomain && a->axprot == b->axprot;
    if (a->evt_valid != b->evt_valid)
        return false;
    if (!a->evt_valid)
        return true;
    for (int k = 0; k < 4; k++)
        if ((a->evt[k] ^ b->evt[k]) & (a->evt_mask[k] | b->evt_mask[k]))
            return false;
    return true;
}

static uint64_t log_last_beat(env_t *e, const txn_rec_t *t, const smmu_model_result_t *mr);

static void pend_add(env_t *e, const txn_rec_t *t)
{
    pend_evt_t p;
    memset(&p, 0, sizeof p);
    p.txn_no = t->no;
    for (unsigned i = 0; i < t->nalt; i++) {
        if (!((t->allowed >> i) & 1))
            continue;
        const smmu_model_result_t *mr = &t->alt[i];
        if (!mr->evt_valid) {
            p.optional = true;
            continue;
        }
        bool dup = false;
        for (unsigned k = 0; k < p.nalt; k++) {
            bool same = true;
            for (int w = 0; w < 4; w++)
                same = same && !((p.d[k][w] ^ mr->evt[w]) & (p.mask[k][w] | mr->evt_mask[w]));
            dup = dup || same;
        }
        if (dup)
            continue;
        memcpy(p.d[p.nalt], mr->evt, sizeof p.d[0]);
        memcpy(p.mask[p.nalt], mr->evt_mask, sizeof p.mask[0]);
        p.nalt++;
    }
    if (!p.nalt)
        return;
    if (e->npend >= ENV_MAX_PEND) {
        mismatch(e, t->no, "(environment): too many event records outstanding");
        return;
    }
    e->pend[e->npend++] = p;
}

/* A stale or late use of the old translation: `what` (at cycle `when`) followed the
 * CMD_SYNC's completion. */
static void race_violation(env_t *e, txn_rec_t *t, uint64_t *count, const char *what,
                           uint64_t when)
{
    char b[200];
    mismatch_begin(e, t->no);
    if (count)
        (*count)++;
    snprintf(b, sizeof b, "%s (%" PRIu64 ") followed the CMD_SYNC's completion (cycle %"
             PRIu64 ")", what, when, e->race.t_sync);
    report(e, t, b);
}

/* A transaction completed: compare it, then keep it for the epoch's port-log checks. */
static void txn_done(env_t *e, txn_rec_t *t)
{
    const tm_result_t *r = &t->res;
    t->dn_deferred = r->dn_ambiguous;
    t->match = 0;
    for (unsigned i = 0; i < t->nalt; i++)
        if (agrees(&t->alt[i], r))
            t->match |= (uint8_t)(1u << i);
    t->allowed = t->match & (uint8_t)~t->forbid_mask;
    e->hist[t->no % ENV_HIST].sid = t->x.sid;
    e->hist[t->no % ENV_HIST].addr = t->x.addr;
    bool raced = t->nalt == 2 && !same_outcome(&t->alt[0], &t->alt[1]);
    cov_t *c = e->cov;
    if (!t->allowed) {
        bool stale = t->match != 0; /* only the forbidden old translation agrees */
        mismatch_begin(e, t->no);
        if (stale && c)
            c->stale++;
        report(e, t, stale ? "stale: the old translation, issued after the CMD_SYNC "
                             "completed" : "response");
        t->mismatched = true;
        t->allowed = t->nalt == 1 ? 1 : (uint8_t)(~t->forbid_mask & 3);
    } else if (raced && t->race == e->race.no && e->race.active) {
        if (t->forbid_mask) {
            if (c)
                c->post_sync++;
        } else {
            bool old = t->allowed == t->old_mask;
            if (c) {
                c->raced++;
                if (old)
                    c->raced_old++;
                else if (!(t->allowed & t->old_mask))
                    c->raced_new++;
            }
            if (old && e->race.synced) {
                unsigned oi = t->old_mask & 1 ? 0 : 1;
                uint64_t last = 0;
                if (r->t_addr > e->race.t_sync)
                    race_violation(e, t, c ? &c->stale : NULL, "stale: the old translation "
                                   "for a transaction whose address handshake", r->t_addr);
                else if (t->alt[oi].outcome == SMMU_MODEL_OK &&
                         (last = log_last_beat(e, t, &t->alt[oi])) > e->race.t_sync)
                    race_violation(e, t, c ? &c->late : NULL, "late: the old translation "
                                   "performed downstream at a cycle that", last);
            }
        }
    }
    /* the first allowed alternative for the coverage */
    unsigned ci = t->allowed & 1 ? 0 : 1;
    const smmu_model_result_t *mr = &t->alt[ci];
    if (c) {
        c->cell[t->x.row][cov_col(mr)]++;
        if (mr->outcome == SMMU_MODEL_FAULT && !mr->evt_valid)
            c->unrecorded++;
        if (mr->outcome == SMMU_MODEL_FAULT && (mr->evt[1] & EVT_S2_MASK))
            c->s2class[((mr->evt[1] & EVT_CLASS_MASK) >> EVT_CLASS_SHIFT) % 3]++;
        if (t->x.tag > TAG_NONE && t->x.tag < NTAGS) {
            c->tag_txn[t->x.tag]++;
            if (mr->fault == EVT_F_TRANSLATION)
                c->tag_trans[t->x.tag]++;
        }
        if (t->dn_deferred)
            c->dn_deferred++;
        if (t->x.gran[0] < 4 && t->x.gran[1] < 4 && (t->x.gran[0] || t->x.gran[1])) {
            c->gran_txn[t->x.gran[0]][t->x.gran[1]]++;
            if (mr->outcome == SMMU_MODEL_OK)
                c->gran_ok[t->x.gran[0]][t->x.gran[1]]++;
        }
    }
    if (e->verbose) {
        char tb[256], mb[256], rb[256];
        fmt_txn(&t->x, t->id, tb, sizeof tb);
        fmt_model(mr, mb, sizeof mb);
        fmt_rtl(r, rb, sizeof rb);
        printf("#%-7" PRIu64 " %s\n          model %s%s\n          rtl   %s  [%" PRIu64
               " cycles, %" PRIu64 " table reads]\n", t->no, tb, mb,
               t->nalt > 1 ? " (or the other side of a race)" : "", rb, r->t_done - r->t_addr,
               r->tbl_reads);
    }
    pend_add(e, t);
}

/* Collects what completed (cheap when nothing did). */
static void collect(env_t *e)
{
    tm_stats_t st;
    tm_stats(e->sim, &st);
    uint64_t done = st.done_rd + st.done_wr;
    if (done == e->done_seen)
        return;
    e->done_seen = done;
    unsigned j = 0;
    for (unsigned i = 0; i < e->nlive; i++) {
        txn_rec_t *t = e->live[i];
        if (!tm_poll(e->sim, t->handle, &t->res)) {
            e->live[j++] = t;
            continue;
        }
        for (unsigned k = 0; k < t->nalt; k++)
            if (t->alt[k].evt_valid) {
                e->live_evt--;
                break;
            }
        txn_done(e, t);
        if (e->nep < ENV_EPOCH_MAX)
            e->ep[e->nep++] = t;
        else
            rec_release(t);
    }
    e->nlive = j;
}

static void race_poll(env_t *e);

void env_step(env_t *e, unsigned cycles)
{
    for (unsigned i = 0; i < cycles; i++) {
        sim_step(e->sim, 1);
        collect(e);
        if (e->race.active && e->race.sync_prod != UINT32_MAX && !e->race.synced)
            race_poll(e);
    }
}

bool env_txn_live(const env_t *e, uint64_t no)
{
    for (unsigned i = 0; i < e->nlive; i++)
        if (e->live[i]->no == no)
            return true;
    return false;
}

void env_traffic(env_t *e, unsigned depth_rd, unsigned depth_wr, unsigned id_pool,
                 bool unique_ids)
{
    if (e->serial)
        depth_rd = depth_wr = 1;
    e->depth[0] = depth_rd < 1 ? 1 : depth_rd > 64 ? 64 : depth_rd;
    e->depth[1] = depth_wr < 1 ? 1 : depth_wr > 64 ? 64 : depth_wr;
    e->id_pool = id_pool < 1 ? 1 : id_pool > 16 ? 16 : id_pool;
    e->unique_ids = unique_ids;
    tm_config_t tc;
    tm_get_config(e->sim, &tc);
    tc.max_rd = e->depth[0];
    tc.max_wr = e->depth[1];
    tm_config(e->sim, &tc);
}

static bool id_busy(const env_t *e, bool write, uint8_t id)
{
    for (unsigned i = 0; i < e->nlive; i++)
        if (e->live[i]->x.write == write && e->live[i]->id == id)
            return true;
    return false;
}

static unsigned depth_bucket(unsigned d)
{
    return d <= 1 ? 0 : d <= 4 ? 1 : d <= 16 ? 2 : 3;
}

/* An illegal burst: terminated with F_UUT whatever the configuration (IHI 0070 §16.7.1,
 * §7.3.2: SLVERR, nothing downstream, the record with StreamID, RnW, PnU, InD and the
 * input address; Reason is IMPLEMENTATION DEFINED and not compared). */
static void predict_uut(const dtxn_t *x, smmu_model_result_t *mr)
{
    memset(mr, 0, sizeof *mr);
    mr->outcome = SMMU_MODEL_FAULT;
    mr->fault = EVT_F_UUT;
    mr->evt_valid = true;
    mr->evt[0] = EVT_F_UUT | (uint64_t)x->sid << EVT_SID_SHIFT |
                 (x->ssv ? EVT_SSV_MASK | ((uint64_t)x->ssid << EVT_SSID_SHIFT) : 0);
    mr->evt[1] = ((x->prot & 1) ? EVT_PNU_MASK : 0) |
                 (!x->write && (x->prot & 4) ? EVT_IND_MASK : 0) | (!x->write ? EVT_RNW_MASK : 0);
    mr->evt[2] = x->addr;
    mr->evt_mask[0] = EVT_TYPE_MASK | EVT_SSV_MASK | EVT_SID_MASK | (x->ssv ? EVT_SSID_MASK : 0);
    mr->evt_mask[1] = EVT_PNU_MASK | EVT_IND_MASK | EVT_RNW_MASK;
    mr->evt_mask[2] = ~0ull;
}

/* Model prediction of x on the memory as it is now (or, ov, as it was before a race). */
static void predict(env_t *e, const dtxn_t *x, bool ov, smmu_model_result_t *mr)
{
    if (x->illegal) {
        predict_uut(x, mr);
        return;
    }
    smmu_model_txn_t mt = {.sid = x->sid, .ssv = x->ssv, .ssid = x->ssid, .addr = x->addr,
                           .write = x->write, .prot = x->prot, .cache = x->cache,
                           .domain = x->domain, .nosnoop = x->nosnoop};
    e->race.ov_on = ov;
    smmu_model_translate(&e->m, &mt, mr);
    e->race.ov_on = false;
}

static bool may_record(const txn_rec_t *t)
{
    for (unsigned k = 0; k < t->nalt; k++)
        if (t->alt[k].evt_valid)
            return true;
    return false;
}

/* The downstream addresses the predictions allow (none: a fault or an abort): the
 * traffic master attributes downstream accesses with them, so an abort between two
 * forwarded transactions of one ID does not shift the attribution. */
static unsigned dn_expect(const txn_rec_t *t, uint64_t addr[2])
{
    unsigned ok = 0;
    for (unsigned i = 0; i < t->nalt; i++)
        if (t->alt[i].outcome == SMMU_MODEL_OK)
            addr[ok++] = t->alt[i].pa;
    return ok;
}

static uint64_t issue(env_t *e, const dtxn_t *x, bool wait)
{
    if (env_stopped(e))
        return e->ntxn;
    unsigned dir = x->write ? 1 : 0;
    /* room: for the event records that may come, in the epoch, in the direction */
    if (e->npend + e->live_evt + 4 >= ENV_MAX_PEND)
        env_drain_events(e);
    if (e->nep + e->nlive + 2 >= ENV_EPOCH_MAX)
        env_quiesce(e);
    /* serial: nothing else outstanding, in either direction */
    while (tm_pending(e->sim, x->write) >= e->depth[dir] || e->nlive >= ENV_MAX_LIVE ||
           (e->serial && e->nlive))
        env_step(e, 1);
    /* the AXI ID */
    uint8_t id;
    if (e->unique_ids) {
        for (;;) {
            unsigned k;
            for (k = 0; k < 16; k++)
                if (!id_busy(e, x->write, (uint8_t)((e->id_rot + k) & 15)))
                    break;
            if (k < 16) {
                id = (uint8_t)((e->id_rot + k) & 15);
                break;
            }
            env_step(e, 1);
        }
        e->id_rot = (uint8_t)(id + 1);
    } else {
        /* a pool of IDs handed out in turn: deterministic, reused whenever the pool is
         * smaller than what is outstanding */
        id = (uint8_t)(e->id_rot++ % e->id_pool);
    }

    txn_rec_t *t = rec_alloc();
    t->no = e->ntxn++;
    t->x = *x;
    t->id = id;
    t->nalt = 1;
    predict(e, x, false, &t->alt[0]);
    if (e->race.active && e->race.changed) {
        predict(e, x, true, &t->alt[1]);
        t->nalt = 2;
        t->old_mask = 2;
        t->forbid_mask = e->race.synced ? 2 : 0;
        t->race = e->race.no;
    }
    rec_txn(e, x, id, &t->alt[0]);

    cov_t *c = e->cov;
    if (c) {
        if (id_busy(e, x->write, id))
            c->id_reuse++;
        c->depth_txn[depth_bucket(e->depth[dir])]++;
        if (e->serial)
            c->serial_txn++;
    }
    tm_txn_t tt = tm_txn(x->write, x->sid, x->addr, x->beats ? x->beats : x->len / 8);
    if (x->beats) {
        tt.size = x->size;
        tt.burst = x->burst;
    }
    tt.id = id;
    tt.prot = x->prot;
    tt.cache = x->cache;
    tt.domain = x->domain;
    tt.nosnoop = x->nosnoop;
    tt.ssv = x->ssv;
    tt.ssid = x->ssid;
    tt.tag = t->no;
    tt.expect_dn_n = (uint8_t)dn_expect(t, tt.expect_dn_addr);
    tt.expect_dn = tt.expect_dn_n ? TM_DN_AT : TM_DN_NONE;
    static uint64_t wbuf[256];
    unsigned nbeats = (unsigned)tt.len + 1;
    if (x->write) {
        for (unsigned i = 0; i < nbeats; i++)
            wbuf[i] = t->no << 8 | i;
        tt.wdata = (const uint8_t *)wbuf;
    }
    if (c && x->illegal)
        c->iso_illegal++;
    else if (c && x->beats)
        c->iso_shaped++;
    t->handle = tm_issue(e->sim, &tt, x->write || nbeats > 8 ? NULL : t->rbuf);
    e->live[e->nlive++] = t;
    if (may_record(t))
        e->live_evt++;
    if (c) {
        unsigned n = 0;
        for (unsigned i = 0; i < e->nlive; i++)
            n += e->live[i]->x.write == x->write;
        if (n > c->peak_out[dir])
            c->peak_out[dir] = n;
    }
    uint64_t no = t->no;
    if (e->serial && wait) {
        while (env_txn_live(e, no))
            env_step(e, 1);
        if (!e->race.active)
            env_quiesce(e);
    }
    if (e->rec && !e->rec_done && no >= e->rec_stop) {
        env_drain_events(e);
        rec_flush_mem(e);
        e->rec_done = true;
    }
    return no;
}

uint64_t env_txn(env_t *e, const dtxn_t *x)
{
    return issue(e, x, true);
}

uint64_t env_txn_nowait(env_t *e, const dtxn_t *x)
{
    return issue(e, x, false);
}

/* ---- the port logs of an epoch ---------------------------------------------------- */

/* The cycle of the last downstream data beat of t (its translation mr), from the byte log
 * (on during a race): beats of the direction in [pa, pa + len) within t's life, those with
 * t's AXI ID if any (the SMMU keeps it today), else the earliest such beat (a conservative
 * choice when the ID was remapped). 0 if none is found. */
static uint64_t log_last_beat(env_t *e, const txn_rec_t *t, const smmu_model_result_t *mr)
{
    size_t n = mem_log_count(e->sim, MEM_PORT_DN);
    const mem_log_entry_t *l = mem_log_entries(e->sim, MEM_PORT_DN);
    uint64_t best_id = 0, first_any = 0;
    for (size_t i = 0; i < n; i++) {
        const mem_log_entry_t *b = &l[i];
        if (b->write != t->x.write || b->cycle < t->res.t_issue || b->cycle > t->res.t_done)
            continue;
        if ((b->addr & ~7ull) < (mr->pa & ~7ull) || b->addr >= mr->pa + t->x.len)
            continue;
        if (b->id == t->id && b->cycle > best_id)
            best_id = b->cycle;
        if (!first_any || b->cycle < first_any)
            first_any = b->cycle;
    }
    return best_id ? best_id : first_any;
}

static bool in_range(uint64_t a, uint64_t base, uint64_t size)
{
    return a >= base && a - base < size;
}

/* Does table-port read `a` match the i-th read alt predicts? */
static bool rd_eq(const mem_addr_log_t *a, const smmu_model_rd_t *p)
{
    return a->addr == p->pa && a->cache == p->axcache && a->domain == p->axdomain;
}

/* The table port since the last check: every command fetch and event write against CR1's
 * QUEUE_* and the BASE hints, every other read against the reads the transactions in flight
 * at its cycle need (serial: in order, a subsequence of one prediction's list). */
static void check_tbl_log(env_t *e)
{
    size_t n = mem_addr_log_count(e->sim, MEM_PORT_TBL);
    uint8_t qc_rd, qd_rd, qc_wr, qd_wr;
    smmu_model_cr1_attr(e->m.cr1, true, (e->cmdq_base & SMMU_CMDQ_BASE_RA_MASK) != 0, false,
                        &qc_rd, &qd_rd);
    smmu_model_cr1_attr(e->m.cr1, true, (e->evtq_base & SMMU_EVENTQ_BASE_WA_MASK) != 0, true,
                        &qc_wr, &qd_wr);
    uint64_t cmdq_size = 16ull << e->cmdq_log2, evtq_size = 32ull << e->evtq_log2;
    uint64_t blame = e->nep ? e->ep[0]->no : e->ntxn;
    if (n - e->tbl_cur > MEM_ADDR_LOG_MAX) {
        mismatch(e, blame, "(environment): table-port address log overflowed");
        e->tbl_cur = n - MEM_ADDR_LOG_MAX;
    }
    cov_t *c = e->cov;
    for (; e->tbl_cur < n; e->tbl_cur++) {
        const mem_addr_log_t *a = mem_addr_log_get(e->sim, MEM_PORT_TBL, e->tbl_cur);
        if (!a)
            continue;
        if (a->write) {
            if (!in_range(a->addr, e->evtq_pa, evtq_size))
                mismatch(e, blame, "(table port): a write at 0x%" PRIx64 ", outside the event "
                         "queue (cycle %" PRIu64 ")", a->addr, a->cycle);
            else if (a->cache != qc_wr || a->domain != qd_wr)
                mismatch(e, blame, "(table port): event record write at 0x%" PRIx64 " with "
                         "AWCACHE 0x%x AWDOMAIN %u, expected 0x%x %u (CR1 0x%x, EVENTQ_BASE.WA "
                         "%u)", a->addr, a->cache, a->domain, qc_wr, qd_wr, e->m.cr1,
                         (e->evtq_base & SMMU_EVENTQ_BASE_WA_MASK) != 0);
            else if (c)
                c->evtq_checked++;
            continue;
        }
        if (in_range(a->addr, e->cmdq_pa, cmdq_size)) {
            if (a->cache != qc_rd || a->domain != qd_rd)
                mismatch(e, blame, "(table port): command fetch at 0x%" PRIx64 " with ARCACHE "
                         "0x%x ARDOMAIN %u, expected 0x%x %u (CR1 0x%x, CMDQ_BASE.RA %u)",
                         a->addr, a->cache, a->domain, qc_rd, qd_rd, e->m.cr1,
                         (e->cmdq_base & SMMU_CMDQ_BASE_RA_MASK) != 0);
            else if (c)
                c->cmdq_checked++;
            continue;
        }
        /* a table read: the transactions in flight at its cycle */
        bool found = false, any = false;
        int kind = 0;
        txn_rec_t *first = NULL, *hit_rec = NULL;
        for (unsigned i = 0; i < e->nep && !found; i++) {
            txn_rec_t *t = e->ep[i];
            if (a->cycle < t->res.t_issue || a->cycle > t->res.t_done)
                continue;
            any = true;
            if (!first)
                first = t;
            for (unsigned k = 0; k < t->nalt; k++) {
                const smmu_model_result_t *mr = &t->alt[k];
                if (e->serial) {
                    if ((t->rddead >> k) & 1)
                        continue;
                    unsigned j = t->rdcur[k];
                    while (j < mr->nrd && !rd_eq(a, &mr->rd[j]))
                        j++;
                    if (j < mr->nrd) {
                        t->rdcur[k] = (uint8_t)(j + 1);
                        found = true;
                        hit_rec = t;
                        kind = mr->rd[j].kind;
                    } else {
                        t->rddead |= (uint8_t)(1u << k);
                    }
                } else {
                    for (unsigned j = 0; j < mr->nrd && !found; j++)
                        if (rd_eq(a, &mr->rd[j])) {
                            found = true;
                            hit_rec = t;
                            kind = mr->rd[j].kind;
                        }
                }
            }
        }
        if (found) {
            /* (to the first transaction in flight whose reads include it) */
            for (unsigned i = 0; i < e->nep; i++)
                if (e->ep[i] == hit_rec) {
                    hit_rec->rd_seen++;
                    break;
                }
            if (c) {
                c->rd_checked[kind < 6 ? kind - 1 : 5]++;
                c->rd_checked[5]++;
            }
            continue;
        }
        if (!any) {
            mismatch(e, blame, "(table port): a read at 0x%" PRIx64 " (ARCACHE 0x%x, ARDOMAIN "
                     "%u, cycle %" PRIu64 ") while no transaction was in flight", a->addr,
                     a->cache, a->domain, a->cycle);
            continue;
        }
        mismatch_begin(e, first->no);
        if (e->print_left) {
            e->print_left--;
            char b[1400];
            printf("MISMATCH seed %" PRIu64 " txn #%" PRIu64 " (table read)\n", e->seed,
                   first->no);
            printf("  rtl:   read 0x%" PRIx64 " ARCACHE 0x%x ARDOMAIN %u len %u at cycle %" PRIu64
                   "%s\n", a->addr, a->cache, a->domain, a->len, a->cycle,
                   e->serial ? " (not the next read of any prediction, in order)" : "");
            fmt_txn(&first->x, first->id, b, sizeof b);
            printf("  txn:   %s\n", b);
            for (unsigned k = 0; k < first->nalt; k++) {
                fmt_reads(&first->alt[k], b, sizeof b);
                printf("  model: %s\n", b);
            }
        }
    }
}

/* An expected downstream access and an observed one, for the epoch's multiset. */
typedef struct {
    uint64_t addr;
    uint8_t write, cache, domain, attr, prot;
} dn_key_t;

static int dn_cmp(const void *pa, const void *pb)
{
    const dn_key_t *a = pa, *b = pb;
    if (a->write != b->write)
        return a->write < b->write ? -1 : 1;
    if (a->addr != b->addr)
        return a->addr < b->addr ? -1 : 1;
    return memcmp(&a->cache, &b->cache, 4);
}

static dn_key_t dn_pred(const txn_rec_t *t, unsigned k)
{
    const smmu_model_result_t *mr = &t->alt[k];
    dn_key_t d = {mr->pa, t->x.write, mr->axcache, mr->axdomain, mr->attr, mr->axprot};
    return d;
}

/* The downstream port since the last check against what the epoch's transactions must
 * have sent: exactly one access per transaction the model lets through, nothing else. */
static void check_dn_log(env_t *e)
{
    static dn_key_t got[MEM_ADDR_LOG_MAX / 4];
    static bool used[MEM_ADDR_LOG_MAX / 4];
    size_t n = mem_addr_log_count(e->sim, MEM_PORT_DN), ng = 0;
    uint64_t blame = e->nep ? e->ep[0]->no : e->ntxn;
    if (n - e->dn_cur > sizeof got / sizeof got[0]) {
        mismatch(e, blame, "(environment): %zu downstream accesses in one epoch",
                 n - e->dn_cur);
        e->dn_cur = n;
        return;
    }
    for (; e->dn_cur < n; e->dn_cur++) {
        const mem_addr_log_t *a = mem_addr_log_get(e->sim, MEM_PORT_DN, e->dn_cur);
        if (!a)
            continue;
        dn_key_t d = {a->addr, a->write, a->cache, a->domain, (uint8_t)a->user,
                      (uint8_t)(a->prot & 7)};
        used[ng] = false;
        got[ng++] = d;
    }
    qsort(got, ng, sizeof got[0], dn_cmp);
    /* single expectations first, then the ones a race leaves open */
    for (int pass = 0; pass < 2; pass++)
        for (unsigned i = 0; i < e->nep; i++) {
            txn_rec_t *t = e->ep[i];
            unsigned cand[2], nc = 0;
            for (unsigned k = 0; k < t->nalt; k++)
                if (((t->allowed >> k) & 1) && t->alt[k].outcome == SMMU_MODEL_OK)
                    cand[nc++] = k;
            /* several allowed alternatives that differ downstream: the second pass */
            bool multi = nc == 2 && t->allowed == 3 && t->res.resp == 0;
            if (t->mismatched) {
                /* already reported: what it sent (if attributed) is not a second one */
                if (pass == 0 && t->res.dn.seen && !t->dn_deferred) {
                    dn_key_t w = {t->res.dn.addr, t->x.write, t->res.dn.cache, t->res.dn.domain,
                                  t->res.dn.attr, (uint8_t)(t->res.dn.prot & 7)};
                    for (size_t p = 0; p < ng; p++)
                        if (!used[p] && !dn_cmp(&got[p], &w)) {
                            used[p] = true;
                            break;
                        }
                }
                continue;
            }
            if (!nc || (multi != (pass == 1)))
                continue;
            if (t->res.resp != 0 && t->allowed != 0)
                continue; /* it faulted as an allowed alternative says: nothing went down */
            bool ok = false;
            for (unsigned ci = 0; ci < nc && !ok; ci++) {
                dn_key_t w = dn_pred(t, cand[ci]);
                dn_key_t *lo = got, *hi = got + ng;
                while (lo < hi) { /* first element >= w */
                    dn_key_t *mid = lo + (hi - lo) / 2;
                    if (dn_cmp(mid, &w) < 0)
                        lo = mid + 1;
                    else
                        hi = mid;
                }
                for (dn_key_t *p = lo; p < got + ng && !dn_cmp(p, &w); p++)
                    if (!used[p - got]) {
                        used[p - got] = true;
                        ok = true;
                        break;
                    }
            }
            if (!ok && t->dn_deferred)
                report(e, t, "downstream access (checked by the epoch's multiset: the ID was "
                             "reused)");
            else if (!ok)
                mismatch(e, t->no, "(downstream): the transaction's access at 0x%" PRIx64
                         " is missing from the downstream port's log", t->alt[cand[0]].pa);
        }
    for (size_t i = 0; i < ng; i++)
        if (!used[i])
            mismatch(e, blame, "(downstream): an access no transaction explains: %s 0x%" PRIx64
                     " AxCACHE 0x%x AxDOMAIN %u attr 0x%02x AxPROT %u",
                     got[i].write ? "write" : "read", got[i].addr, got[i].cache,
                     got[i].domain, got[i].attr, got[i].prot);
}

/* The bytes a burst of x may touch, as offsets from x->addr: [*lo, *hi). The lanes of
 * its beats: an unaligned first beat's whole lanes of its size (the traffic master
 * strobes them, reads return them), never beyond the burst's last beat. */
static void burst_span(const dtxn_t *x, int64_t *lo, int64_t *hi)
{
    if (!x->beats) {
        *lo = 0;
        *hi = x->len;
        return;
    }
    uint64_t bytes = 1ull << x->size, n = x->beats;
    uint64_t first = x->addr & ~(bytes - 1), end;
    if (x->burst == 2) { /* WRAP: the aligned container */
        first = x->addr & ~(n * bytes - 1);
        end = first + n * bytes;
    } else if (x->burst == 0) { /* FIXED */
        end = (x->addr & ~(bytes - 1)) + bytes;
    } else {
        end = (x->addr & ~(bytes - 1)) + n * bytes;
    }
    *lo = (int64_t)(first - x->addr);
    *hi = (int64_t)(end - x->addr);
}

typedef struct {
    uint64_t lo, hi;
} span_t;

static int span_cmp(const void *pa, const void *pb)
{
    const span_t *a = pa, *b = pb;
    return a->lo < b->lo ? -1 : a->lo > b->lo ? 1 : 0;
}

/* Sorted, merged ranges of one direction. */
static size_t spans_merge(span_t *v, size_t n)
{
    qsort(v, n, sizeof v[0], span_cmp);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (m && v[i].lo <= v[m - 1].hi) {
            if (v[i].hi > v[m - 1].hi)
                v[m - 1].hi = v[i].hi;
        } else {
            v[m++] = v[i];
        }
    }
    return m;
}

static bool spans_cover(const span_t *v, size_t n, uint64_t a)
{
    size_t lo = 0, hi = n;
    while (lo < hi) { /* the last span with lo <= a */
        size_t mid = (lo + hi) / 2;
        if (v[mid].lo <= a)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo > 0 && a < v[lo - 1].hi;
}

/* Every byte the downstream port touched since the last check against the ranges the
 * epoch's transactions may touch: those of each prediction that is not forbidden (the old
 * translation after a CMD_SYNC completed is) and lets the transaction through. */
static void check_dn_bytes(env_t *e)
{
    static span_t sp[2][2 * ENV_EPOCH_MAX];
    size_t ns[2] = {0, 0};
    for (unsigned i = 0; i < e->nep; i++) {
        const txn_rec_t *t = e->ep[i];
        int64_t lo, hi;
        burst_span(&t->x, &lo, &hi);
        for (unsigned k = 0; k < t->nalt; k++) {
            const smmu_model_result_t *mr = &t->alt[k];
            if (((t->forbid_mask >> k) & 1) || mr->outcome != SMMU_MODEL_OK)
                continue;
            span_t v = {mr->pa + (uint64_t)lo, mr->pa + (uint64_t)hi};
            sp[t->x.write][ns[t->x.write]++] = v;
        }
    }
    for (int d = 0; d < 2; d++)
        ns[d] = spans_merge(sp[d], ns[d]);
    size_t n = mem_log_count(e->sim, MEM_PORT_DN);
    const mem_log_entry_t *l = mem_log_entries(e->sim, MEM_PORT_DN);
    cov_t *c = e->cov;
    uint64_t blame = e->nep ? e->ep[0]->no : e->ntxn;
    for (; e->dnb_cur < n; e->dnb_cur++) {
        const mem_log_entry_t *b = &l[e->dnb_cur];
        unsigned leaked = 0, bytes = 0;
        uint64_t first_leak = 0;
        for (unsigned i = 0; i < 8; i++) {
            if (!((b->mask >> i) & 1))
                continue;
            uint64_t a = (b->addr & ~7ull) + i;
            bytes++;
            if (!spans_cover(sp[b->write], ns[b->write], a)) {
                if (!leaked)
                    first_leak = a;
                leaked++;
            }
        }
        if (c) {
            c->iso_beats++;
            c->iso_bytes += bytes;
            c->iso_leaks += leaked;
        }
        if (leaked)
            mismatch(e, blame, "(isolation): %u byte%s %s at 0x%" PRIx64 " (AXI ID %u, cycle %"
                     PRIu64 ") that no allowed prediction of the epoch covers", leaked,
                     leaked == 1 ? "" : "s", b->write ? "written" : "read", first_leak, b->id,
                     b->cycle);
    }
    if (!e->race.active) {
        mem_log_clear(e->sim, MEM_PORT_DN);
        e->dnb_cur = 0;
    }
}

void env_storm(env_t *e)
{
    e->storm = true;
    mem_log_clear(e->sim, MEM_PORT_DN);
    mem_log_enable(e->sim, MEM_PORT_DN, true);
    e->dnb_cur = 0;
}

void env_quiesce(env_t *e)
{
    if (!e->sim)
        return;
    while (e->nlive)
        env_step(e, 1);
    check_tbl_log(e);
    check_dn_log(e);
    if (e->storm)
        check_dn_bytes(e);
    for (unsigned i = 0; i < e->nep; i++) {
        /* served by the TLB and the configuration cache: no table read of its own */
        if (e->cov && !e->ep[i]->rd_seen)
            e->cov->hits[e->ep[i]->x.row]++;
        rec_release(e->ep[i]);
    }
    e->nep = 0;
}

/* ---- racing invalidations ------------------------------------------------------------ */

void env_race_open(env_t *e, int kind)
{
    if (e->storm) /* the bytes logged so far are checked before the log restarts */
        env_quiesce(e);
    memset(&e->race, 0, sizeof e->race);
    static int race_no;
    e->race.no = ++race_no;
    e->race.active = true;
    e->race.kind = kind;
    e->race.sync_prod = UINT32_MAX;
    mem_log_clear(e->sim, MEM_PORT_DN);
    mem_log_enable(e->sim, MEM_PORT_DN, true);
    e->dnb_cur = 0;
    if (e->cov && kind >= 0 && kind < NRACE)
        e->cov->races[kind]++;
    env_note(e, "race window %d: a change while transactions are in flight", e->race.no);
}

void env_race_changed(env_t *e)
{
    e->race.changed = true;
    /* everything in flight may now complete with the old or the new translation */
    for (unsigned i = 0; i < e->nlive; i++) {
        txn_rec_t *t = e->live[i];
        bool had = may_record(t);
        predict(e, &t->x, false, &t->alt[1]);
        t->nalt = 2;
        uint64_t at[2];
        unsigned n = dn_expect(t, at);
        tm_expect_dn(e->sim, t->handle, n ? TM_DN_AT : TM_DN_NONE, n, at);
        t->old_mask = 1;
        t->forbid_mask = 0;
        t->race = e->race.no;
        if (!had && may_record(t))
            e->live_evt++;
    }
}

void env_race_sync(env_t *e, unsigned cs)
{
    e->race.cs = cs;
    e->race.irq0 = sim_irq_count(e->sim, SIM_IRQ_CMD_SYNC);
    sync_put(e, cs);
    cmd_kick(e);
    e->race.sync_prod = e->cmd_prod;
    e->race.t_kick = sim_cycles(e->sim);
    e->race.next_poll = e->race.t_kick + SYNC_POLL_CYCLES;
}

static void race_synced(env_t *e, uint64_t t)
{
    e->race.synced = true;
    e->race.t_sync = t;
    uint64_t irq = sim_irq_count(e->sim, SIM_IRQ_CMD_SYNC);
    /* CS = IRQ raises the CMD_SYNC interrupt once; NONE and SEV (IDR0.SEV = 0) never */
    uint64_t want = e->race.irq0 + (e->race.cs == 1);
    if (irq != want && e->race.cs != 1)
        mismatch(e, e->ntxn, "(CMD_SYNC CS=%u): %" PRIu64 " CMD_SYNC interrupts, expected %"
                 PRIu64, e->race.cs, irq - e->race.irq0, want - e->race.irq0);
}

static void race_poll(env_t *e)
{
    uint64_t now = sim_cycles(e->sim);
    if (e->race.cs == 1) {
        if (sim_irq_count(e->sim, SIM_IRQ_CMD_SYNC) > e->race.irq0) {
            race_synced(e, sim_irq_last_cycle(e->sim, SIM_IRQ_CMD_SYNC));
            return;
        }
        if (now < e->race.next_poll)
            return;
    } else if (now < e->race.next_poll) {
        return;
    }
    e->race.next_poll = now + (e->race.cs == 1 ? 64 * SYNC_POLL_CYCLES : SYNC_POLL_CYCLES);
    bool err = false;
    uint32_t cons = 0;
    bool done = cons_done(e, e->race.sync_prod, &err, &cons);
    if (done && e->race.cs != 1) {
        race_synced(e, sim_cycles(e->sim));
    } else if (done && sim_irq_count(e->sim, SIM_IRQ_CMD_SYNC) == e->race.irq0) {
        /* consumed: the interrupt is the cycle after CONS, give it two more */
        sim_step(e->sim, 2);
        if (sim_irq_count(e->sim, SIM_IRQ_CMD_SYNC) > e->race.irq0) {
            race_synced(e, sim_irq_last_cycle(e->sim, SIM_IRQ_CMD_SYNC));
        } else {
            mismatch(e, e->ntxn, "(CMD_SYNC CS=IRQ): consumed without its interrupt");
            race_synced(e, sim_cycles(e->sim));
        }
    } else if (err || now - e->race.t_kick > SYNC_TIMEOUT) {
        mismatch(e, e->ntxn, "(race): the CMD_SYNC %s (CONS 0x%x, PROD 0x%x)",
                 err ? "stopped with a command-queue error" : "did not complete", cons,
                 e->race.sync_prod);
        race_synced(e, sim_cycles(e->sim));
    }
}

bool env_race_synced(const env_t *e)
{
    return e->race.synced;
}

void env_race_close(env_t *e)
{
    while (e->race.active && !e->race.synced && e->race.sync_prod != UINT32_MAX)
        env_step(e, 1);
    env_quiesce(e);
    e->race.active = false;
    e->race.changed = false;
    e->race.nov = 0;
    mem_log_enable(e->sim, MEM_PORT_DN, e->storm);
    mem_log_clear(e->sim, MEM_PORT_DN);
    e->dnb_cur = 0;
}

size_t env_tbl_log_count(const env_t *e)
{
    return mem_addr_log_count(e->sim, MEM_PORT_TBL);
}

bool env_tbl_read_seen(const env_t *e, size_t since, uint64_t pa)
{
    size_t n = mem_addr_log_count(e->sim, MEM_PORT_TBL);
    for (size_t i = since; i < n; i++) {
        const mem_addr_log_t *a = mem_addr_log_get(e->sim, MEM_PORT_TBL, i);
        if (a && !a->write && a->addr == pa)
            return true;
    }
    return false;
}

/* ---- events -------------------------------------------------------------------------- */

static void fmt_evt(const uint64_t *d, char *b, size_t n)
{
    snprintf(b, n, "%s sid=0x%" PRIx64 " [%016" PRIx64 " %016" PRIx64 " %016" PRIx64
             " %016" PRIx64 "]", env_evt_name((unsigned)(d[0] & 0xff)), d[0] >> 32, d[0], d[1],
             d[2], d[3]);
}

static bool evt_match(const pend_evt_t *p, const uint64_t *d)
{
    for (unsigned a = 0; a < p->nalt; a++) {
        bool ok = true;
        for (unsigned k = 0; k < 4; k++)
            if ((d[k] ^ p->d[a][k]) & p->mask[a][k])
                ok = false;
        if (ok)
            return true;
    }
    return false;
}

/* The most recent transaction of this StreamID and input address (for a stray record). */
static uint64_t hist_find(const env_t *e, const uint64_t *d)
{
    uint32_t sid = (uint32_t)(d[0] >> 32);
    uint64_t n = e->ntxn < ENV_HIST ? e->ntxn : ENV_HIST;
    for (uint64_t i = 1; i <= n; i++) {
        uint64_t no = e->ntxn - i;
        const unsigned k = (unsigned)(no % ENV_HIST);
        if (e->hist[k].sid == sid && e->hist[k].addr == d[2])
            return no;
    }
    return e->ntxn ? e->ntxn - 1 : 0;
}

void env_drain_events(env_t *e)
{
    env_quiesce(e);
    if (!e->evtq_log2)
        return;
    uint32_t wm = (2u << e->evtq_log2) - 1, im = (1u << e->evtq_log2) - 1;
    uint32_t prod = 0, avail = 0;
    unsigned need = 0;
    for (unsigned i = 0; i < e->npend; i++)
        need += !e->pend[i].optional;
    /* wait for the records the model predicted; then a little longer for strays */
    for (unsigned i = 0; i < EVT_POLLS; i++) {
        prod = sim_reg_read32(e->sim, SMMU_EVENTQ_PROD) & wm;
        avail = (prod - e->evt_cons) & wm;
        if (avail >= need)
            break;
        sim_step(e->sim, 8);
    }
    sim_step(e->sim, 24);
    prod = sim_reg_read32(e->sim, SMMU_EVENTQ_PROD);
    /* an overflow is pending while OVFLG differs from our OVACKFLG */
    bool ovf = ((prod ^ e->evt_cons) & SMMU_EVENTQ_PROD_OVFLG_MASK) != 0;
    prod &= wm;
    avail = (prod - e->evt_cons) & wm;
    static uint64_t got[256][4];
    if (avail > 256)
        avail = 256;
    for (unsigned i = 0; i < avail; i++) {
        uint64_t pa = e->evtq_pa + 32ull * ((e->evt_cons + i) & im);
        for (unsigned k = 0; k < 4; k++)
            got[i][k] = mem_read64(e->sim, pa + 8 * k);
    }
    /* Each record the RTL wrote against the oldest unmatched prediction it fits (records
     * of overlapping transactions may come in any order; one at a time they come in
     * transaction order, which serial mode checks). */
    bool matched[ENV_MAX_PEND];
    memset(matched, 0, sizeof matched);
    unsigned last = 0;
    for (unsigned j = 0; j < avail; j++) {
        unsigned i;
        for (i = 0; i < e->npend; i++)
            if (!matched[i] && evt_match(&e->pend[i], got[j]))
                break;
        char rb[256];
        fmt_evt(got[j], rb, sizeof rb);
        if (i == e->npend) {
            uint64_t no = hist_find(e, got[j]);
            mismatch(e, no, "(unexpected event record)\n  model: no record\n  rtl:   %s", rb);
            continue;
        }
        matched[i] = true;
        if (e->serial && i < last)
            mismatch(e, e->pend[i].txn_no, "(event record order)\n  rtl:   %s came after the "
                     "record of txn #%" PRIu64, rb, e->pend[last].txn_no);
        if (i > last)
            last = i;
    }
    for (unsigned i = 0; i < e->npend; i++) {
        if (matched[i] || e->pend[i].optional)
            continue;
        char mb[256];
        fmt_evt(e->pend[i].d[0], mb, sizeof mb);
        mismatch(e, e->pend[i].txn_no, "(event record missing)\n  model: %s%s\n  rtl:   no "
                 "record", mb, e->pend[i].nalt > 1 ? " (or its race alternative)" : "");
    }
    if (ovf) {
        mismatch(e, e->ntxn ? e->ntxn - 1 : 0, "(event queue overflow)");
        /* acknowledge (OVACKFLG = OVFLG), so one overflow is reported once */
        e->evt_cons ^= SMMU_EVENTQ_PROD_OVFLG_MASK;
    }
    e->evt_cons = (e->evt_cons & ~wm) | ((e->evt_cons + avail) & wm);
    if (avail || ovf)
        sim_reg_write32(e->sim, SMMU_EVENTQ_CONS, e->evt_cons);
    e->npend = 0;
    uint32_t g = sim_reg_read32(e->sim, SMMU_GERROR) ^ sim_reg_read32(e->sim, SMMU_GERRORN);
    if (g) {
        mismatch(e, e->ntxn ? e->ntxn - 1 : 0, "(GERROR^GERRORN = 0x%x)", g);
        sim_reg_write32(e->sim, SMMU_GERRORN, sim_reg_read32(e->sim, SMMU_GERROR));
    }
    /* the register accesses above ran the clock: nothing is in flight, but the event
     * queue writes they covered belong to this epoch's check */
    check_tbl_log(e);
}
