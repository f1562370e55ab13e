/*
 * The directed-test environment of the translation engine (see xlate_env.h): moved here
 * from test_xlate_engine.c so test_xlate_more.c shares it.
 */
#include "xlate_env.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

static fx_t fx_storage;

/* ---- raw registers ---------------------------------------------------------------- */

void cr0_set(fx_t *f, uint32_t v)
{
    test_ctx_t *t = f->t;
    sim_reg_write32(t->sim, SMMU_CR0, v);
    REQUIRE(sim_reg_poll32(t->sim, SMMU_CR0ACK, 0xffffffffu, v, POLLS), "CR0ACK 0x%x", v);
}

fx_t *fx_up(test_ctx_t *t, uint32_t cr2)
{
    fx_t *f = &fx_storage;
    memset(f, 0, sizeof *f);
    f->t = t;
    f->s1_next = S1_POOL;
    f->s2_next = S2_POOL;
    f->cr2 = cr2 | SMMU_CR2_RECINVSID_MASK;
    f->strtab_base = STRTAB_PA;
    f->strtab_cfg = STRTAB_CFG_LINEAR;
    sim_reg_write64(t->sim, SMMU_EVENTQ_BASE, EVTQ_PA | EVTQ_LOG2);
    sim_reg_write32(t->sim, SMMU_EVENTQ_PROD, 0);
    sim_reg_write32(t->sim, SMMU_EVENTQ_CONS, 0);
    sim_reg_write64(t->sim, SMMU_CMDQ_BASE, CMDQ_PA | CMDQ_LOG2);
    sim_reg_write32(t->sim, SMMU_CMDQ_PROD, 0);
    sim_reg_write32(t->sim, SMMU_CMDQ_CONS, 0);
    sim_reg_write64(t->sim, SMMU_STRTAB_BASE, STRTAB_PA);
    sim_reg_write32(t->sim, SMMU_STRTAB_BASE_CFG, STRTAB_CFG_LINEAR);
    sim_reg_write32(t->sim, SMMU_CR2, f->cr2);
    /* Coherent table walks: WB, ISH (CR1.TABLE_*). */
    sim_reg_write32(t->sim, SMMU_CR1, 1u << 6 | 1u << 8 | 3u << 10);
    cr0_set(f, SMMU_CR0_SMMUEN_MASK | SMMU_CR0_EVENTQEN_MASK | SMMU_CR0_CMDQEN_MASK);
    return f;
}

void fx_strtab(fx_t *f, uint64_t base, uint32_t cfg)
{
    test_ctx_t *t = f->t;
    uint32_t cr0 = sim_reg_read32(t->sim, SMMU_CR0);
    cr0_set(f, cr0 & ~SMMU_CR0_SMMUEN_MASK);
    sim_reg_write64(t->sim, SMMU_STRTAB_BASE, base);
    sim_reg_write32(t->sim, SMMU_STRTAB_BASE_CFG, cfg);
    f->strtab_base = base;
    f->strtab_cfg = cfg;
    cr0_set(f, cr0 | SMMU_CR0_SMMUEN_MASK);
}

/* ---- commands ----------------------------------------------------------------------- */

void cmd_put(fx_t *f, uint64_t dw0, uint64_t dw1)
{
    uint32_t idx = f->cmd_prod & ((1u << CMDQ_LOG2) - 1);
    mem_write64(f->t->sim, CMDQ_PA + 16ull * idx, dw0);
    mem_write64(f->t->sim, CMDQ_PA + 16ull * idx + 8, dw1);
    f->cmd_prod = (f->cmd_prod + 1) & ((2u << CMDQ_LOG2) - 1);
}

void cmd_kick(fx_t *f)
{
    sim_reg_write32(f->t->sim, SMMU_CMDQ_PROD, f->cmd_prod);
}

bool cmd_wait(fx_t *f)
{
    return sim_reg_poll32(f->t->sim, SMMU_CMDQ_CONS, SMMU_CMDQ_CONS_RD_MASK, f->cmd_prod, POLLS);
}

/* One command, a CMD_SYNC, and wait for both to be consumed. */
void cmd_sync1(fx_t *f, uint64_t dw0, uint64_t dw1)
{
    test_ctx_t *t = f->t;
    cmd_put(f, dw0, dw1);
    cmd_put(f, CMD_OP_CMD_SYNC, 0);
    cmd_kick(f);
    CHECK(cmd_wait(f), "command 0x%02x + CMD_SYNC not consumed (CONS 0x%x)",
          (unsigned)(dw0 & 0xff), sim_reg_read32(t->sim, SMMU_CMDQ_CONS));
    CHECK_EQ(sim_reg_read32(t->sim, SMMU_GERROR) ^ sim_reg_read32(t->sim, SMMU_GERRORN), 0);
}

/* ---- tables ------------------------------------------------------------------------- */

uint64_t alloc(uint64_t *next, uint64_t size)
{
    uint64_t a = (*next + size - 1) & ~(size - 1);
    *next = a + size;
    return a;
}

/* Map one leaf at `leaf_level` for input address ia in a table tree rooted at root
 * (start level `start`, `sbits` index bits there). Tables are written at their PA (stage-1
 * tables of a nested stream are identity-mapped by stage 2, so IPA = PA for them). */
void map(fx_t *f, uint64_t *pool, uint64_t root, unsigned start, unsigned sbits,
                uint64_t ia, uint64_t leaf)
{
    unsigned leaf_level = (unsigned)(leaf >> 62); /* stashed by the leaf builders */
    uint64_t tbl = root;
    leaf &= ~(3ull << 62);
    for (unsigned lvl = start;; lvl++) {
        unsigned shift = 12 + 9 * (3 - lvl), bits = lvl == start ? sbits : 9;
        uint64_t da = tbl + (((ia >> shift) & ((1ull << bits) - 1)) << 3);
        if (lvl == leaf_level) {
            mem_write64(f->t->sim, da, leaf);
            return;
        }
        uint64_t d = mem_read64(f->t->sim, da);
        if ((d & 3) != 3) {
            uint64_t nt = alloc(pool, 0x1000);
            for (unsigned i = 0; i < 512; i++)
                mem_write64(f->t->sim, nt + 8 * i, 0);
            d = nt | 3;
            mem_write64(f->t->sim, da, d);
        }
        tbl = d & 0x0000fffffffff000ull;
    }
}

/* Stage-1 leaf: level 3 page or level 1/2 block; AttrIndx, AP[2:1], SH, AF = 1. */
uint64_t s1_leaf(unsigned level, uint64_t oa, unsigned idx, unsigned ap, unsigned sh)
{
    return (uint64_t)level << 62 | oa | (level == 3 ? 3u : 1u) | (uint64_t)idx << 2 |
           (uint64_t)ap << 6 | (uint64_t)sh << 8 | 1u << 10 | 1u << 11;
}

/* Stage-2 leaf: MemAttr, S2AP, SH, AF = 1. */
uint64_t s2_leaf(unsigned level, uint64_t oa, unsigned memattr, unsigned s2ap, unsigned sh)
{
    return (uint64_t)level << 62 | oa | (level == 3 ? 3u : 1u) | (uint64_t)memattr << 2 |
           (uint64_t)s2ap << 6 | (uint64_t)sh << 8 | 1u << 10;
}

void wr_struct(fx_t *f, uint64_t pa, const uint64_t *d)
{
    for (unsigned i = 0; i < 8; i++)
        mem_write64(f->t->sim, pa + 8 * i, d[i]);
}

uint64_t ste_pa(fx_t *f, uint32_t sid)
{
    uint64_t base = f->strtab_base & 0x00fffffffffffc0ull;
    if (((f->strtab_cfg >> 16) & 3) != 1) /* linear */
        return base + 64ull * sid;
    unsigned split = (f->strtab_cfg >> 6) & 0x1f;
    uint64_t l1 = mem_read64(f->t->sim, base + 8ull * (sid >> split));
    return (l1 & L1STD_L2PTR_MASK) + 64ull * (sid & ((1u << split) - 1));
}

void stream_setup(fx_t *f, uint32_t sid, stream_t *s)
{
    uint64_t ste[8] = {0}, cd[8] = {0};
    uint64_t cdpa = CD_PA + 0x1000ull * sid;
    if (!s->t0sz)
        s->t0sz = 16;
    if (!s->s2t0sz) {
        s->s2t0sz = 16;
        s->s2sl0 = 2;
    }
    if (!s->mair)
        s->mair = MAIR_DEFAULT;
    {
        unsigned ia = 64 - s->t0sz, levels = (ia - 12 + 8) / 9;
        s->s1_start = 4 - levels;
        s->s1_sbits = ia - 12 - 9 * (3 - s->s1_start);
        s->ttb0 = alloc(&f->s1_next, 0x1000);
    }
    {
        unsigned ia = 64 - s->s2t0sz;
        s->s2_start = s->s2sl0 == 0 ? 2 : s->s2sl0 == 1 ? 1 : 0;
        s->s2_sbits = ia - 12 - 9 * (3 - s->s2_start);
        s->s2ttb = alloc(&f->s2_next, 1ull << (s->s2_sbits + 3 < 12 ? 12 : s->s2_sbits + 3));
    }
    ste[0] = STE_V_MASK | (uint64_t)s->config << STE_CONFIG_SHIFT | cdpa;
    ste[1] = 1u << STE_S1CIR_SHIFT | 1u << STE_S1COR_SHIFT | 3u << STE_S1CSH_SHIFT |
             1ull << STE_SHCFG_SHIFT | s->ste1;
    ste[2] = s->vmid | (uint64_t)s->s2t0sz << STE_S2T0SZ_SHIFT |
             (uint64_t)s->s2sl0 << STE_S2SL0_SHIFT | 1ull << STE_S2IR0_SHIFT |
             1ull << STE_S2OR0_SHIFT | 3ull << STE_S2SH0_SHIFT | 5ull << STE_S2PS_SHIFT |
             STE_S2AA64_MASK | STE_S2R_MASK | s->ste2;
    ste[3] = s->s2ttb;
    wr_struct(f, ste_pa(f, sid), ste);
    cd[0] = s->t0sz | 1u << CD_IR0_SHIFT | 1u << CD_OR0_SHIFT | 3u << CD_SH0_SHIFT |
            CD_EPD1_MASK | CD_V_MASK | 5ull << CD_IPS_SHIFT | CD_AA64_MASK | CD_A_MASK |
            CD_R_MASK | (uint64_t)s->asid << CD_ASID_SHIFT | s->cd0;
    cd[1] = s->ttb0;
    cd[3] = s->mair;
    wr_struct(f, cdpa, cd);
    if (s->config == STE_CFG_NESTED) /* the CD's IPA = PA */
        map(f, &f->s2_next, s->s2ttb, s->s2_start, s->s2_sbits, cdpa,
            s2_leaf(3, cdpa, 0xf, 3, 3));
}

void s1_map(fx_t *f, stream_t *s, uint64_t va, uint64_t leaf)
{
    uint64_t before = f->s1_next;
    map(f, &f->s1_next, s->ttb0, s->s1_start, s->s1_sbits, va, leaf);
    if (s->config == STE_CFG_NESTED) {
        /* identity-map the stage-1 tables (TTB0 and any new one) through stage 2 */
        map(f, &f->s2_next, s->s2ttb, s->s2_start, s->s2_sbits, s->ttb0,
            s2_leaf(3, s->ttb0, 0xf, 3, 3));
        for (uint64_t p = before; p < f->s1_next; p += 0x1000)
            map(f, &f->s2_next, s->s2ttb, s->s2_start, s->s2_sbits, p, s2_leaf(3, p, 0xf, 3, 3));
    }
}

void s2_map(fx_t *f, stream_t *s, uint64_t ipa, uint64_t leaf)
{
    map(f, &f->s2_next, s->s2ttb, s->s2_start, s->s2_sbits, ipa, leaf);
}

/* ---- the reference model ---------------------------------------------------------- */

int model_read(void *ctx, uint64_t pa, uint64_t *val)
{
    fx_t *f = ctx;
    for (unsigned i = 0; i < f->n_err; i++)
        if (pa >= f->err_base[i] && pa < f->err_base[i] + f->err_size[i])
            return -1;
    *val = mem_read64(f->t->sim, pa);
    return 0;
}

void err_range(fx_t *f, uint64_t base, uint64_t size)
{
    test_ctx_t *t = f->t;
    REQUIRE(f->n_err < 8 && mem_add_error_range(f->t->sim, base, size, MEM_ERR_READ) == 0,
            "error range");
    f->err_base[f->n_err] = base;
    f->err_size[f->n_err] = size;
    f->n_err++;
}

void err_clear(fx_t *f)
{
    mem_clear_error_ranges(f->t->sim);
    f->n_err = 0;
}

void model_run(fx_t *f, const dma_txn_t *x, bool write, bool canwbs,
                      smmu_model_result_t *r)
{
    smmu_model_t m;
    smmu_model_init(&m, NULL);
    m.read64 = model_read;
    m.ctx = f;
    m.smmuen = true;
    m.gbpa = 0;
    m.cr2 = f->cr2;
    m.cr1 = sim_reg_read32(f->t->sim, SMMU_CR1); /* the table reads' attributes */
    m.strtab_base = f->strtab_base;
    m.strtab_base_cfg = f->strtab_cfg;
    m.canwbs = canwbs;
    smmu_model_txn_t mt = {.sid = x->sid, .ssv = x->ssv, .ssid = x->ssid, .addr = x->addr,
                           .write = write, .prot = x->prot, .cache = x->cache,
                           .domain = x->domain, .nosnoop = x->nosnoop};
    smmu_model_translate(&m, &mt, r);
}

bool tm_wait_within(sim_t *s, int h, uint64_t bound, tm_result_t *r)
{
    uint64_t c0 = sim_cycles(s);
    while (!tm_poll(s, h, r)) {
        if (sim_cycles(s) - c0 >= bound)
            return false;
        sim_step(s, 1);
    }
    return true;
}

/* Next event record, or false if none arrives. */
bool evt_next(fx_t *f, uint64_t d[4])
{
    sim_t *s = f->t->sim;
    uint32_t mask = (2u << EVTQ_LOG2) - 1;
    for (unsigned i = 0; i < POLLS; i++) {
        uint32_t prod = sim_reg_read32(s, SMMU_EVENTQ_PROD) & mask;
        if (prod != f->evq_cons) {
            uint64_t pa = EVTQ_PA + 32ull * (f->evq_cons & ((1u << EVTQ_LOG2) - 1));
            for (unsigned k = 0; k < 4; k++)
                d[k] = mem_read64(s, pa + 8 * k);
            f->evq_cons = (f->evq_cons + 1) & mask;
            sim_reg_write32(s, SMMU_EVENTQ_CONS, f->evq_cons);
            return true;
        }
    }
    return false;
}

bool evt_none(fx_t *f)
{
    sim_step(f->t->sim, 60);
    uint32_t mask = (2u << EVTQ_LOG2) - 1;
    return (sim_reg_read32(f->t->sim, SMMU_EVENTQ_PROD) & mask) == f->evq_cons;
}

/* Runs x (read or write of x->len bytes) on the RTL and through the model, compares. */
/* After an unexpected record: skip what the RTL wrote, so later comparisons line up. */
static void evt_drain(fx_t *f)
{
    uint32_t mask = (2u << EVTQ_LOG2) - 1;
    f->evq_cons = sim_reg_read32(f->t->sim, SMMU_EVENTQ_PROD) & mask;
    sim_reg_write32(f->t->sim, SMMU_EVENTQ_CONS, f->evq_cons);
}

dma_result_t run_cmp(fx_t *f, const char *what, const dma_txn_t *x, bool write,
                     bool canwbs, smmu_model_result_t *mr_out)
{
    return run_cmp_evt(f, what, x, write, canwbs, mr_out, NULL, NULL);
}

dma_result_t run_cmp_evt(fx_t *f, const char *what, const dma_txn_t *x, bool write,
                         bool canwbs, smmu_model_result_t *mr_out, bool *got_evt,
                         uint64_t evt[4])
{
    bool got = false;
    uint64_t d[4] = {0};
    test_ctx_t *t = f->t;
    uint8_t buf[64];
    memset(buf, 0xa5, sizeof buf);
    smmu_model_result_t mr;
    model_run(f, x, write, canwbs, &mr);
    size_t rd0 = mem_addr_log_count(t->sim, MEM_PORT_TBL);
    dma_result_t r = write ? dma_write(t->sim, x, buf) : dma_read(t->sim, x, buf);
    const char *dir = write ? "write" : "read";
    /* Every table read is one the model lists, in its order, with its ARCACHE and
     * ARDOMAIN; the caches (configuration, walk caches) may skip reads, never add one */
    {
        size_t rd1 = mem_addr_log_count(t->sim, MEM_PORT_TBL);
        unsigned j = 0;
        for (size_t i = rd0; i < rd1; i++) {
            const mem_addr_log_t *a = mem_addr_log_get(t->sim, MEM_PORT_TBL, i);
            if (!a || a->write) /* an event record */
                continue;
            while (j < mr.nrd && !(mr.rd[j].pa == a->addr && mr.rd[j].axcache == a->cache &&
                                   mr.rd[j].axdomain == a->domain))
                j++;
            CHECK(j < mr.nrd, "%s %s: table read 0x%" PRIx64 " (ARCACHE 0x%x ARDOMAIN %u) is "
                  "not the next the model lists", what, dir, a->addr, a->cache, a->domain);
            if (j >= mr.nrd)
                break;
            j++;
        }
    }
    test_log(t, "%-44s %-5s model %s fault 0x%02x evt %d; RTL resp %d PA 0x%" PRIx64
             " attr 0x%02x cache 0x%x dom %u",
             what, dir, mr.outcome == SMMU_MODEL_OK ? "OK   " : "ABORT", mr.fault,
             mr.evt_valid, r.resp, r.dn.addr, r.dn.attr, r.dn.cache, r.dn.domain);
    if (mr.outcome == SMMU_MODEL_OK) {
        CHECK(r.resp == 0 && r.dn.seen, "%s %s: RTL resp %d seen %d, model OK", what, dir,
              r.resp, r.dn.seen);
        CHECK(r.dn.addr == mr.pa, "%s %s: PA 0x%" PRIx64 ", model 0x%" PRIx64, what, dir,
              r.dn.addr, mr.pa);
        CHECK(r.dn.attr == mr.attr, "%s %s: attr 0x%02x, model 0x%02x", what, dir, r.dn.attr,
              mr.attr);
        CHECK(r.dn.cache == mr.axcache, "%s %s: AxCACHE 0x%x, model 0x%x", what, dir,
              r.dn.cache, mr.axcache);
        CHECK(r.dn.domain == mr.axdomain, "%s %s: AxDOMAIN %u, model %u", what, dir,
              r.dn.domain, mr.axdomain);
        CHECK((r.dn.prot & 7) == mr.axprot, "%s %s: AxPROT 0x%x, model 0x%x", what, dir,
              r.dn.prot, mr.axprot);
        bool none = evt_none(f);
        CHECK(none, "%s %s: unexpected event", what, dir);
        if (!none)
            evt_drain(f);
    } else {
        CHECK(r.resp == 2 && !r.dn.seen, "%s %s: RTL resp %d seen %d, model fault 0x%02x",
              what, dir, r.resp, r.dn.seen, mr.fault);
        if (mr.evt_valid) {
            got = evt_next(f, d);
            CHECK(got, "%s %s: no event, model 0x%02x", what, dir, mr.fault);
            if (got)
                for (unsigned k = 0; k < 4; k++)
                    CHECK(((d[k] ^ mr.evt[k]) & mr.evt_mask[k]) == 0,
                          "%s %s: event dw%u 0x%016" PRIx64 ", model 0x%016" PRIx64
                          " (mask 0x%016" PRIx64 ")",
                          what, dir, k, d[k], mr.evt[k], mr.evt_mask[k]);
        } else {
            bool none = evt_none(f);
            CHECK(none, "%s %s: event recorded, model has none (fault 0x%02x)", what, dir,
                  mr.fault);
            if (!none)
                evt_drain(f);
        }
    }
    if (mr_out)
        *mr_out = mr;
    if (got_evt)
        *got_evt = got;
    if (evt)
        for (unsigned k = 0; k < 4; k++)
            evt[k] = d[k];
    return r;
}

dma_txn_t txn(uint32_t sid, uint64_t addr)
{
    dma_txn_t x;
    memset(&x, 0, sizeof x);
    x.sid = sid;
    x.addr = addr;
    x.len = 8;
    x.cache = 0xf;
    x.domain = 3;
    x.prot = 2;
    return x;
}

/* Read and write both, compared with the model. */
void rw_cmp(fx_t *f, const char *what, const dma_txn_t *x)
{
    run_cmp(f, what, x, false, false, NULL);
    run_cmp(f, what, x, true, false, NULL);
}
