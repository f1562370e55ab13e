/*
 * The differential environment (see diff_env.h): RTL and reference model side by side,
 * compared per transaction and per event record, optionally recorded as a scenario script.
 */
#include "diff_env.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "smmu/smmu_regs.h"

#define CMD_POLLS 4000u
#define EVT_POLLS 400u

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

/* ---- set-up ------------------------------------------------------------------------ */

static int model_read(void *ctx, uint64_t pa, uint64_t *val)
{
    env_t *e = ctx;
    for (unsigned i = 0; i < e->n_err; i++)
        if (pa >= e->err_base[i] && pa - e->err_base[i] < e->err_size[i])
            return -1;
    *val = mem_read64(e->sim, pa);
    return 0;
}

void env_init(env_t *e, const sim_opts_t *opts, uint64_t seed, cov_t *cov)
{
    memset(e, 0, sizeof *e);
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

    smmu_model_params_t mp;
    smmu_model_default_params(&mp);
    mp.oas_bits = e->p->pa_bits;
    mp.sid_bits = e->p->sid_bits;
    mp.st_level_2 = e->p->st_level_2;
    mp.fwb = e->p->fwb;
    mp.attr_types_ovr = e->p->attr_ovr;
    mp.attr_perms_ovr = e->p->attr_ovr;
    smmu_model_init(&e->m, &mp);
    e->m.read64 = model_read;
    e->m.ctx = e;
    e->m.canwbs = e->canwbs;
    e->m.smmuen = false;
    e->m.gbpa = sim_reg_read32(e->sim, SMMU_GBPA);
    e->m.cr2 = sim_reg_read32(e->sim, SMMU_CR2);
}

void env_fini(env_t *e)
{
    rec_flush_mem(e);
    if (e->sim)
        sim_destroy(e->sim);
    e->sim = NULL;
}

/* ---- memory and registers -------------------------------------------------------- */

void env_mem_write64(env_t *e, uint64_t pa, uint64_t v)
{
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
    sim_reg_write32(e->sim, off, v);
    rec_reg(e, off, v, false);
    if (e->m.smmuen)
        return; /* CR2 and STRTAB_* are guarded by SMMUEN */
    if (off == SMMU_CR2)
        e->m.cr2 = v;
    else if (off == SMMU_STRTAB_BASE_CFG)
        e->m.strtab_base_cfg = v;
}

void env_reg_write64(env_t *e, uint32_t off, uint64_t v)
{
    sim_reg_write64(e->sim, off, v);
    rec_reg(e, off, v, true);
    if (!e->m.smmuen && off == SMMU_STRTAB_BASE)
        e->m.strtab_base = v;
}

static void mismatch_begin(env_t *e, uint64_t txn_no)
{
    if (!e->nmis || txn_no < e->first_mis)
        e->first_mis = txn_no;
    e->nmis++;
}

bool env_cr0(env_t *e, uint32_t v)
{
    sim_reg_write32(e->sim, SMMU_CR0, v);
    rec_line(e, "write32 CR0 0x%x", v);
    bool ok = sim_reg_poll32(e->sim, SMMU_CR0ACK, 0xffffffffu, v, 400);
    rec_line(e, "poll CR0ACK 0x%x max=400", v);
    if (ok)
        e->m.smmuen = v & SMMU_CR0_SMMUEN_MASK;
    else {
        mismatch_begin(e, e->ntxn);
        if (e->print_left) {
            e->print_left--;
            printf("MISMATCH seed %" PRIu64 ": CR0ACK did not follow CR0 = 0x%x\n", e->seed, v);
        }
    }
    return ok;
}

bool env_gbpa(env_t *e, uint32_t v)
{
    v |= SMMU_GBPA_UPDATE_MASK;
    sim_reg_write32(e->sim, SMMU_GBPA, v);
    rec_line(e, "write32 GBPA 0x%x", v);
    bool ok = sim_reg_poll32(e->sim, SMMU_GBPA, SMMU_GBPA_UPDATE_MASK, 0, 400);
    rec_line(e, "poll GBPA 0 mask=0x%x max=400", SMMU_GBPA_UPDATE_MASK);
    if (ok)
        e->m.gbpa = v & ~SMMU_GBPA_UPDATE_MASK;
    else
        mismatch_begin(e, e->ntxn);
    return ok;
}

void env_queues(env_t *e, uint64_t cmdq_pa, unsigned cmdq_log2, uint64_t evtq_pa,
                unsigned evtq_log2)
{
    e->cmdq_pa = cmdq_pa;
    e->cmdq_log2 = cmdq_log2;
    e->evtq_pa = evtq_pa;
    e->evtq_log2 = evtq_log2;
    e->cmd_prod = 0;
    e->evt_cons = 0;
    env_reg_write64(e, SMMU_CMDQ_BASE, cmdq_pa | cmdq_log2);
    env_reg_write32(e, SMMU_CMDQ_PROD, 0);
    env_reg_write32(e, SMMU_CMDQ_CONS, 0);
    env_reg_write64(e, SMMU_EVENTQ_BASE, evtq_pa | evtq_log2);
    env_reg_write32(e, SMMU_EVENTQ_PROD, 0);
    env_reg_write32(e, SMMU_EVENTQ_CONS, 0);
}

/* ---- commands ---------------------------------------------------------------------- */

static void cmd_kick(env_t *e);

void env_cmd(env_t *e, uint64_t dw0, uint64_t dw1)
{
    uint32_t n = 1u << e->cmdq_log2;
    if (e->cmd_pending + 2 >= n)
        env_cmd_sync(e); /* never fill the queue: leave room for the CMD_SYNC */
    uint32_t idx = e->cmd_prod & (n - 1);
    /* written behind the SMMU's back: backdoor, but not recorded as `mem` (the scenario
     * runner writes its own commands) */
    mem_write64(e->sim, e->cmdq_pa + 16ull * idx, dw0);
    mem_write64(e->sim, e->cmdq_pa + 16ull * idx + 8, dw1);
    e->cmd_prod = (e->cmd_prod + 1) & ((2u << e->cmdq_log2) - 1);
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

void env_cmd_sync_begin(env_t *e)
{
    uint32_t n = 1u << e->cmdq_log2, wm = (2u << e->cmdq_log2) - 1;
    uint32_t idx = e->cmd_prod & (n - 1);
    mem_write64(e->sim, e->cmdq_pa + 16ull * idx, CMD_OP_CMD_SYNC);
    mem_write64(e->sim, e->cmdq_pa + 16ull * idx + 8, 0);
    e->cmd_prod = (e->cmd_prod + 1) & wm;
    e->cmd_pending = 0;
    if (e->cov)
        e->cov->syncs++;
    rec_line(e, "cmd CMD_SYNC");
    cmd_kick(e);
}

bool env_cmd_sync_end(env_t *e)
{
    uint32_t wm = (2u << e->cmdq_log2) - 1;
    uint32_t cons = 0;
    bool ok = false, err = false;
    for (unsigned i = 0; i < CMD_POLLS; i++) {
        cons = sim_reg_read32(e->sim, SMMU_CMDQ_CONS);
        if ((cons & wm) == e->cmd_prod) {
            ok = true;
            break;
        }
        if (cons & SMMU_CMDQ_CONS_ERR_MASK) {
            err = true;
            break;
        }
    }
    uint32_t g = sim_reg_read32(e->sim, SMMU_GERROR) ^ sim_reg_read32(e->sim, SMMU_GERRORN);
    if (!ok || g) {
        mismatch_begin(e, e->ntxn);
        if (e->print_left) {
            e->print_left--;
            printf("MISMATCH seed %" PRIu64 " after txn #%" PRIu64 ": command queue %s "
                   "(CONS 0x%x, PROD 0x%x, GERROR^GERRORN 0x%x)\n",
                   e->seed, e->ntxn, err ? "error" : ok ? "raised GERROR" : "stuck", cons,
                   e->cmd_prod, g);
        }
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

static void fmt_txn(const dtxn_t *x, char *b, size_t n)
{
    snprintf(b, n, "%s sid=0x%x addr=0x%016" PRIx64 " len=%u prot=%u cache=0x%x domain=%u%s%s",
             x->write ? "write" : "read ", x->sid, x->addr, x->len, x->prot, x->cache,
             x->domain, x->nosnoop ? " nosnoop" : "", x->ssv ? " ssv" : "");
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

static void fmt_rtl(const dma_result_t *r, char *b, size_t n)
{
    if (r->dn.seen)
        snprintf(b, n, "resp %d pa=0x%" PRIx64 " attr=0x%02x cache=0x%x domain=%u prot=0x%x",
                 r->resp, r->dn.addr, r->dn.attr, r->dn.cache, r->dn.domain, r->dn.prot);
    else
        snprintf(b, n, "resp %d, no downstream access", r->resp);
}

/* The scenario lines for one transaction and what the model expects of it. */
static void rec_txn(env_t *e, const dtxn_t *x, const smmu_model_result_t *mr)
{
    if (!rec_on(e))
        return;
    rec_line(e, "dma %s sid=0x%x addr=0x%" PRIx64 " len=%u cache=0x%x domain=%u prot=0x%x%s%s"
             " id=%u", x->write ? "write" : "read", x->sid, x->addr, x->len, x->cache,
             x->domain, x->prot, x->nosnoop ? " nosnoop" : "", x->ssv ? " ssv" : "",
             (unsigned)(e->ntxn & 15));
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
        if (f[i].dw == 1 && f[i].mask != EVT_PNU_MASK && f[i].mask != EVT_IND_MASK &&
            f[i].mask != EVT_RNW_MASK && f[i].mask != EVT_S2_MASK &&
            f[i].mask != EVT_CLASS_MASK && f[i].mask != EVT_TTRNW_MASK)
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

static void report(env_t *e, uint64_t txn_no, const char *what, const dtxn_t *x,
                   const char *model, const char *rtl)
{
    if (!e->print_left)
        return;
    e->print_left--;
    printf("MISMATCH seed %" PRIu64 " txn #%" PRIu64 " (%s)\n", e->seed, txn_no, what);
    if (x) {
        char b[256];
        fmt_txn(x, b, sizeof b);
        printf("  txn:   %s\n", b);
    }
    printf("  model: %s\n  rtl:   %s\n", model, rtl);
}

bool env_txn(env_t *e, const dtxn_t *x)
{
    if (env_stopped(e))
        return true;
    smmu_model_txn_t mt = {.sid = x->sid, .ssv = x->ssv, .ssid = 0, .addr = x->addr,
                           .write = x->write, .prot = x->prot, .cache = x->cache,
                           .domain = x->domain, .nosnoop = x->nosnoop};
    smmu_model_result_t mr;
    smmu_model_translate(&e->m, &mt, &mr);

    uint64_t buf[256];
    dma_txn_t t = {.sid = x->sid, .addr = x->addr, .len = x->len, .prot = x->prot,
                   .cache = x->cache, .domain = x->domain, .nosnoop = x->nosnoop,
                   .ssv = x->ssv, .id = (uint8_t)(e->ntxn & 15)};
    dma_result_t r;
    uint64_t no = e->ntxn++;
    rec_txn(e, x, &mr);
    if (x->write) {
        for (unsigned i = 0; i < x->len / 8; i++)
            buf[i] = no << 8 | i;
        r = dma_write(e->sim, &t, buf);
    } else {
        r = dma_read(e->sim, &t, buf);
    }
    e->hist[no % ENV_HIST].sid = x->sid;
    e->hist[no % ENV_HIST].addr = x->addr;

    bool ok;
    if (mr.outcome == SMMU_MODEL_OK)
        ok = r.resp == 0 && r.dn.seen && r.dn.addr == mr.pa && r.dn.attr == mr.attr &&
             r.dn.cache == mr.axcache && r.dn.domain == mr.axdomain &&
             (r.dn.prot & 7) == mr.axprot;
    else
        ok = r.resp == 2 && !r.dn.seen;
    if (e->cov) {
        int col = cov_col(&mr);
        e->cov->cell[x->row][col]++;
        if (r.tbl_reads == 0)
            e->cov->hits[x->row]++;
        if (mr.outcome == SMMU_MODEL_FAULT && !mr.evt_valid)
            e->cov->unrecorded++;
        if (mr.outcome == SMMU_MODEL_FAULT && (mr.evt[1] & EVT_S2_MASK))
            e->cov->s2class[((mr.evt[1] & EVT_CLASS_MASK) >> EVT_CLASS_SHIFT) % 3]++;
    }
    if (e->verbose || !ok) {
        char tb[256], mb[256], rb[256];
        fmt_txn(x, tb, sizeof tb);
        fmt_model(&mr, mb, sizeof mb);
        fmt_rtl(&r, rb, sizeof rb);
        if (e->verbose)
            printf("#%-7" PRIu64 " %s\n          model %s\n          rtl   %s  [%" PRIu64
                   " cycles, %" PRIu64 " reads]\n", no, tb, mb, rb, r.cycles, r.tbl_reads);
        if (!ok) {
            mismatch_begin(e, no);
            report(e, no, "response", x, mb, rb);
        }
    }
    if (mr.evt_valid) {
        pend_evt_t *p = &e->pend[e->npend++];
        memcpy(p->d, mr.evt, sizeof p->d);
        memcpy(p->mask, mr.evt_mask, sizeof p->mask);
        p->txn_no = no;
    }
    if (e->rec && !e->rec_done && no >= e->rec_stop) {
        env_drain_events(e);
        rec_flush_mem(e);
        e->rec_done = true;
    } else if (e->npend >= ENV_MAX_PEND - 8 || (e->verbose && e->npend)) {
        env_drain_events(e);
    }
    return ok;
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
    for (unsigned k = 0; k < 4; k++)
        if ((d[k] ^ p->d[k]) & p->mask[k])
            return false;
    return true;
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
    if (!e->evtq_log2)
        return;
    uint32_t wm = (2u << e->evtq_log2) - 1, im = (1u << e->evtq_log2) - 1;
    uint32_t prod = 0, avail = 0;
    /* wait for the records the model predicted; then a little longer for strays */
    for (unsigned i = 0; i < EVT_POLLS; i++) {
        prod = sim_reg_read32(e->sim, SMMU_EVENTQ_PROD) & wm;
        avail = (prod - e->evt_cons) & wm;
        if (avail >= e->npend)
            break;
        sim_step(e->sim, 8);
    }
    sim_step(e->sim, 24);
    prod = sim_reg_read32(e->sim, SMMU_EVENTQ_PROD);
    /* an overflow is pending while OVFLG differs from our OVACKFLG */
    bool ovf = ((prod ^ e->evt_cons) & SMMU_EVENTQ_PROD_OVFLG_MASK) != 0;
    prod &= wm;
    avail = (prod - e->evt_cons) & wm;
    /* the RTL's records, then an in-order match with a small look-ahead, so one missing
     * or extra record is reported as such rather than shifting every later comparison */
    static uint64_t got[256][4];
    if (avail > 256)
        avail = 256;
    for (unsigned i = 0; i < avail; i++) {
        uint64_t pa = e->evtq_pa + 32ull * ((e->evt_cons + i) & im);
        for (unsigned k = 0; k < 4; k++)
            got[i][k] = mem_read64(e->sim, pa + 8 * k);
    }
    unsigned i = 0, j = 0;
    while (i < e->npend || j < avail) {
        char mb[256] = "no record", rb[256] = "no record";
        if (i < e->npend && j < avail && evt_match(&e->pend[i], got[j])) {
            i++;
            j++;
            continue;
        }
        unsigned skip_p = 0, skip_r = 0;
        for (unsigned k = 1; k <= 4 && !skip_p; k++)
            if (i + k < e->npend && j < avail && evt_match(&e->pend[i + k], got[j]))
                skip_p = k;
        for (unsigned k = 1; k <= 4 && !skip_r; k++)
            if (j + k < avail && i < e->npend && evt_match(&e->pend[i], got[j + k]))
                skip_r = k;
        if (i < e->npend)
            fmt_evt(e->pend[i].d, mb, sizeof mb);
        if (j < avail)
            fmt_evt(got[j], rb, sizeof rb);
        if (i < e->npend && (j >= avail || (skip_p && (!skip_r || skip_p <= skip_r)))) {
            mismatch_begin(e, e->pend[i].txn_no);
            report(e, e->pend[i].txn_no, "event record missing", NULL, mb, "no record");
            i++;
        } else if (j < avail && (i >= e->npend || skip_r)) {
            uint64_t no = hist_find(e, got[j]);
            mismatch_begin(e, no);
            report(e, no, "unexpected event record", NULL, "no record", rb);
            j++;
        } else {
            mismatch_begin(e, e->pend[i].txn_no);
            report(e, e->pend[i].txn_no, "event record", NULL, mb, rb);
            i++;
            j++;
        }
    }
    if (ovf) {
        mismatch_begin(e, e->ntxn ? e->ntxn - 1 : 0);
        if (e->print_left) {
            e->print_left--;
            printf("MISMATCH seed %" PRIu64 ": event queue overflow\n", e->seed);
        }
        /* acknowledge (OVACKFLG = OVFLG), so one overflow is reported once */
        e->evt_cons ^= SMMU_EVENTQ_PROD_OVFLG_MASK;
    }
    e->evt_cons = (e->evt_cons & ~wm) | ((e->evt_cons + avail) & wm);
    if (avail || ovf)
        sim_reg_write32(e->sim, SMMU_EVENTQ_CONS, e->evt_cons);
    e->npend = 0;
    uint32_t g = sim_reg_read32(e->sim, SMMU_GERROR) ^ sim_reg_read32(e->sim, SMMU_GERRORN);
    if (g) {
        mismatch_begin(e, e->ntxn ? e->ntxn - 1 : 0);
        if (e->print_left) {
            e->print_left--;
            printf("MISMATCH seed %" PRIu64 ": GERROR^GERRORN = 0x%x\n", e->seed, g);
        }
        sim_reg_write32(e->sim, SMMU_GERRORN, sim_reg_read32(e->sim, SMMU_GERROR));
    }
}
