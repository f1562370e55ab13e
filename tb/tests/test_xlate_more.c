/*
 * More directed tests of the translation engine (after test_xlate_engine.c): 2-level
 * stream tables, CFGI_CD / CFGI_CD_ALL / CFGI_STE_RANGE, STE.S2PTW, PAN / WXN / XNX / HAD
 * and the PRIVCFG / INSTCFG overrides, range TLBI (and its CERROR_ILL case), table-port
 * latency and back-pressure, interleaved traffic with commands in flight, and walks through
 * random garbage. Expectations are computed by hand from the architecture (IHI 0070 4.4, 5.2, 5.4, 7.3, 13; Arm ARM D8)
 * and every transaction whose configuration is current in memory is also compared with
 * the reference model (xlate_env.h); a stale-cache expectation is hand-computed only, as
 * the uncached model cannot express it.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "xlate_env.h"

/* ---- expectations ------------------------------------------------------------------- */

enum { X_OK = 0, X_FAULT = 1, X_ABORT = 2 };

/* What the architecture says about one access, computed by hand. */
typedef struct {
    int kind;          /* X_OK: downstream at pa; X_FAULT: event `type`; X_ABORT: no event */
    uint64_t pa;
    uint8_t type;      /* EVT_* */
    int s2, cls;       /* -1: not checked */
    int ttrnw;         /* -1: not checked */
    int pnu, ind;      /* -1: not checked (post-override PnU / InD) */
    uint64_t addr3;    /* dw3 expectation (IPA[55:12] or FetchAddr[55:3]); 0: not checked */
} exp_t;

static exp_t e_ok(uint64_t pa)
{
    exp_t e = {.kind = X_OK, .pa = pa, .s2 = -1, .cls = -1, .ttrnw = -1, .pnu = -1, .ind = -1};
    return e;
}

static exp_t e_flt(uint8_t type, int s2, int cls)
{
    exp_t e = {.kind = X_FAULT, .type = type, .s2 = s2, .cls = cls, .ttrnw = -1, .pnu = -1,
               .ind = -1};
    return e;
}

static uint64_t fld(uint64_t v, uint64_t mask)
{
    return (v & mask) / (mask & -mask);
}

/* Runs x on the RTL and the model (run_cmp_evt), then checks both against the hand
 * expectation: outcome, PA, and for a fault the event's type, StreamID, InputAddr, RnW,
 * S2, CLASS and whatever else e asks for. */
static dma_result_t chk(fx_t *f, const char *what, const dma_txn_t *x, bool write,
                        const exp_t *e)
{
    test_ctx_t *t = f->t;
    smmu_model_result_t mr;
    bool got = false;
    uint64_t d[4];
    const char *dir = write ? "write" : "read";
    dma_result_t r = run_cmp_evt(f, what, x, write, false, &mr, &got, d);
    if (e->kind == X_OK) {
        CHECK(mr.outcome == SMMU_MODEL_OK && mr.pa == e->pa,
              "%s %s: model outcome %d PA 0x%" PRIx64 ", expected OK 0x%" PRIx64, what, dir,
              mr.outcome, mr.pa, e->pa);
        CHECK(r.resp == 0 && r.dn.seen && r.dn.addr == e->pa,
              "%s %s: RTL resp %d PA 0x%" PRIx64 ", expected OK 0x%" PRIx64, what, dir, r.resp,
              r.dn.addr, e->pa);
        return r;
    }
    CHECK(r.resp == 2 && !r.dn.seen, "%s %s: RTL resp %d seen %d, expected an abort", what, dir,
          r.resp, r.dn.seen);
    if (e->kind == X_ABORT) {
        CHECK(mr.outcome == SMMU_MODEL_ABORT_NO_EVENT, "%s %s: model outcome %d", what, dir,
              mr.outcome);
        return r;
    }
    CHECK(mr.outcome == SMMU_MODEL_FAULT && mr.fault == e->type,
          "%s %s: model outcome %d fault 0x%02x, expected 0x%02x", what, dir, mr.outcome,
          mr.fault, e->type);
    CHECK(got, "%s %s: no event record (expected 0x%02x)", what, dir, e->type);
    if (!got)
        return r;
    CHECK(fld(d[0], EVT_TYPE_MASK) == e->type, "%s %s: event type 0x%02x, expected 0x%02x",
          what, dir, (unsigned)fld(d[0], EVT_TYPE_MASK), e->type);
    CHECK(fld(d[0], EVT_SID_MASK) == x->sid, "%s %s: event StreamID 0x%x", what, dir,
          (unsigned)fld(d[0], EVT_SID_MASK));
    bool xlat = e->type == EVT_F_TRANSLATION || e->type == EVT_F_ADDR_SIZE ||
                e->type == EVT_F_ACCESS || e->type == EVT_F_PERMISSION ||
                e->type == EVT_F_WALK_EABT;
    if (xlat) {
        CHECK(d[2] == x->addr, "%s %s: InputAddr 0x%" PRIx64, what, dir, d[2]);
        CHECK(fld(d[1], EVT_RNW_MASK) == !write, "%s %s: RnW %u", what, dir,
              (unsigned)fld(d[1], EVT_RNW_MASK));
    }
    if (e->s2 >= 0)
        CHECK(fld(d[1], EVT_S2_MASK) == (uint64_t)e->s2, "%s %s: S2 %u, expected %d", what, dir,
              (unsigned)fld(d[1], EVT_S2_MASK), e->s2);
    if (e->cls >= 0)
        CHECK(fld(d[1], EVT_CLASS_MASK) == (uint64_t)e->cls, "%s %s: CLASS %u, expected %d",
              what, dir, (unsigned)fld(d[1], EVT_CLASS_MASK), e->cls);
    if (e->ttrnw >= 0)
        CHECK(fld(d[1], EVT_TTRNW_MASK) == (uint64_t)e->ttrnw, "%s %s: TTRnW %u, expected %d",
              what, dir, (unsigned)fld(d[1], EVT_TTRNW_MASK), e->ttrnw);
    if (e->pnu >= 0)
        CHECK(fld(d[1], EVT_PNU_MASK) == (uint64_t)e->pnu, "%s %s: PnU %u, expected %d", what,
              dir, (unsigned)fld(d[1], EVT_PNU_MASK), e->pnu);
    if (e->ind >= 0)
        CHECK(fld(d[1], EVT_IND_MASK) == (uint64_t)e->ind, "%s %s: InD %u, expected %d", what,
              dir, (unsigned)fld(d[1], EVT_IND_MASK), e->ind);
    if (e->addr3) {
        uint64_t m = e->type == EVT_F_WALK_EABT || e->type == EVT_F_STE_FETCH ||
                             e->type == EVT_F_CD_FETCH
                         ? EVT_FETCHADDR_MASK
                         : EVT_IPA_MASK;
        CHECK((d[3] & m) == (e->addr3 & m), "%s %s: dw3 0x%016" PRIx64 ", expected 0x%016" PRIx64,
              what, dir, d[3], e->addr3 & m);
    }
    return r;
}

/* A read without the model (stale-cache expectations), returning the downstream PA or ~0. */
static uint64_t rd_pa(fx_t *f, uint32_t sid, uint64_t addr, uint64_t *reads)
{
    dma_txn_t x = txn(sid, addr);
    uint64_t d;
    dma_result_t r = dma_read(f->t->sim, &x, &d);
    if (reads)
        *reads = r.tbl_reads;
    return r.resp == 0 && r.dn.seen ? r.dn.addr : ~0ull;
}

static uint8_t rd_attr(fx_t *f, uint32_t sid, uint64_t addr, uint64_t *reads)
{
    dma_txn_t x = txn(sid, addr);
    uint64_t d;
    dma_result_t r = dma_read(f->t->sim, &x, &d);
    if (reads)
        *reads = r.tbl_reads;
    return r.dn.attr;
}

/* Puts commands, a CMD_SYNC, kicks and waits. */
static void cmds_sync(fx_t *f, const uint64_t (*c)[2], unsigned n)
{
    test_ctx_t *t = f->t;
    for (unsigned i = 0; i < n; i++)
        cmd_put(f, c[i][0], c[i][1]);
    cmd_put(f, CMD_OP_CMD_SYNC, 0);
    cmd_kick(f);
    CHECK(cmd_wait(f), "%u commands + CMD_SYNC not consumed (CONS 0x%x)", n,
          sim_reg_read32(t->sim, SMMU_CMDQ_CONS));
    CHECK_EQ(sim_reg_read32(t->sim, SMMU_GERROR) ^ sim_reg_read32(t->sim, SMMU_GERRORN), 0);
}

static uint64_t cmd_sid(unsigned op, uint32_t sid)
{
    return op | (uint64_t)sid << CMD_SID_SHIFT;
}

/* ---- 1. 2-level stream tables ---------------------------------------------------------- */

#define L2A_PA 0x01010000ull /* 256 STEs (Span 9) for StreamIDs 0x000..0x0ff */
#define L2B_PA 0x01020000ull /* 4 STEs (Span 3) for StreamIDs 0x300..0x303 */

TEST(xlate_strtab_2level)
{
    fx_t *f = fx_up(t, 0);
    /* FMT = 2-level, SPLIT = 8, LOG2SIZE = 16: 256 L1STDs at STRTAB_PA (2 KB aligned) */
    const uint32_t cfg = 1u << 16 | 8u << 6 | 16u;
    for (unsigned i = 0; i < 256; i++)
        mem_write64(t->sim, STRTAB_PA + 8 * i, 0);
    for (unsigned i = 0; i < 256 * 8; i++)
        mem_write64(t->sim, L2A_PA + 8 * i, 0);
    mem_write64(t->sim, STRTAB_PA + 8 * 0, L2A_PA | 9);
    mem_write64(t->sim, STRTAB_PA + 8 * 3, L2B_PA | 3);
    mem_write64(t->sim, STRTAB_PA + 8 * 5, 0x01030000ull | 0); /* Span 0: invalid */
    mem_write64(t->sim, STRTAB_PA + 8 * 7, 0x01040000ull | 1);  /* read aborts */
    fx_strtab(f, STRTAB_PA, cfg);
    CHECK_EQ(ste_pa(f, 0x005), L2A_PA + 5 * 64);
    CHECK_EQ(ste_pa(f, 0x302), L2B_PA + 2 * 64);

    stream_t a = {.config = STE_CFG_S1, .vmid = 1, .asid = 1};
    stream_setup(f, 0x005, &a);
    s1_map(f, &a, 0x1000, s1_leaf(3, 0x51000000ull, 2, 1, 3));
    s1_map(f, &a, 0x2000, s1_leaf(3, 0x51001000ull, 2, 1, 3));
    stream_t b = {.config = STE_CFG_S2, .vmid = 2};
    stream_setup(f, 0x0ff, &b);
    s2_map(f, &b, 0x7000, s2_leaf(3, 0x52007000ull, 0xf, 3, 3));
    stream_t c = {.config = STE_CFG_NESTED, .vmid = 3, .asid = 1};
    stream_setup(f, 0x302, &c);
    s1_map(f, &c, 0x3000, s1_leaf(3, 0x0000001000003000ull, 2, 1, 3));
    s2_map(f, &c, 0x0000001000003000ull, s2_leaf(3, 0x53003000ull, 0xf, 3, 3));
    stream_t d = {.config = STE_CFG_BYPASS};
    stream_setup(f, 0x300, &d);

    smmu_model_result_t mr;
    dma_txn_t x = txn(0x005, 0x1008);
    exp_t e = e_ok(0x51000008ull);
    dma_result_t r = chk(f, "2-level S1 miss", &x, false, &e);
    CHECK_EQ(r.tbl_reads, 7); /* L1STD + STE + CD + 4 levels */
    model_run(f, &x, false, false, &mr);
    CHECK_EQ(mr.reads, 7);
    r = chk(f, "2-level S1 hit", &x, false, &e);
    CHECK_EQ(r.tbl_reads, 0);
    x.addr = 0x2010;
    e = e_ok(0x51001010ull);
    r = chk(f, "2-level S1 config hit, TLB miss", &x, true, &e);
    /* neither L1STD nor STE nor CD again; the walk cache holds the level-3 table */
    CHECK_EQ(r.tbl_reads, 1);

    x = txn(0x0ff, 0x7018);
    e = e_ok(0x52007018ull);
    r = chk(f, "2-level S2 (last STE of L2A)", &x, false, &e);
    CHECK_EQ(r.tbl_reads, 6); /* L1STD + STE + 4 levels */

    x = txn(0x302, 0x3020);
    e = e_ok(0x53003020ull);
    r = chk(f, "2-level nested (second L2 table)", &x, false, &e);
    /* uncached L1STD + STE + (4 + CD) + 4 * 4 + 4 + 4 = 31 (the model's list); with the
     * walk caches as in xlate_nested_4x4: L1STD + STE + (4 + CD) + (2 + 1) + 3 x (1 + 1)
     * + 3 = 19 */
    CHECK_EQ(r.tbl_reads, 19);
    model_run(f, &x, false, false, &mr);
    CHECK_EQ(mr.reads, 31);
    r = chk(f, "2-level nested hit", &x, true, &e);
    CHECK_EQ(r.tbl_reads, 0);

    x = txn(0x300, 0x54000040ull);
    e = e_ok(0x54000040ull);
    r = chk(f, "2-level bypass (first STE of L2B)", &x, false, &e);
    CHECK_EQ(r.tbl_reads, 2);
    r = chk(f, "2-level bypass, cached", &x, false, &e);
    CHECK_EQ(r.tbl_reads, 0);

    /* L1STD.Span = 0: C_BAD_STREAMID after the L1STD read only */
    x = txn(0x501, 0x1000);
    e = e_flt(EVT_C_BAD_STREAMID, -1, -1);
    r = chk(f, "L1STD Span = 0", &x, false, &e);
    CHECK_EQ(r.tbl_reads, 1);
    x.sid = 0x600; /* an all-zero L1STD */
    r = chk(f, "L1STD all zero", &x, true, &e);
    CHECK_EQ(r.tbl_reads, 1);
    /* beyond Span = 3 (4 STEs) */
    x.sid = 0x304;
    r = chk(f, "StreamID beyond Span", &x, false, &e);
    CHECK_EQ(r.tbl_reads, 1);
    x.sid = 0x3ff;
    r = chk(f, "StreamID far beyond Span", &x, true, &e);
    CHECK_EQ(r.tbl_reads, 1);
    /* a bad StreamID is not cached: again the L1STD read */
    x.sid = 0x304;
    r = chk(f, "StreamID beyond Span, again", &x, false, &e);
    CHECK_EQ(r.tbl_reads, 1);

    /* abort on the L1STD read: F_STE_FETCH, FetchAddr = the L1STD */
    err_range(f, STRTAB_PA + 8 * 7, 8);
    x = txn(0x700, 0x1000);
    e = e_flt(EVT_F_STE_FETCH, -1, -1);
    e.addr3 = STRTAB_PA + 8 * 7;
    chk(f, "L1STD read abort", &x, false, &e);
    err_clear(f);
    /* abort on the level-2 STE read */
    stream_t g = {.config = STE_CFG_BYPASS};
    stream_setup(f, 0x303, &g);
    err_range(f, L2B_PA + 3 * 64, 64);
    x = txn(0x303, 0x1000);
    e.addr3 = L2B_PA + 3 * 64;
    chk(f, "L2 STE read abort", &x, false, &e);
    err_clear(f);
    e = e_ok(0x1000);
    chk(f, "L2 STE after the abort (not cached)", &x, false, &e);

    /* CFGI_STE on a 2-level stream: the S1 STE of 0x005 becomes bypass */
    stream_t by = {.config = STE_CFG_BYPASS};
    uint64_t old_cd = mem_read64(t->sim, CD_PA + 0x5000 + 8);
    stream_setup(f, 0x005, &by);
    mem_write64(t->sim, CD_PA + 0x5000 + 8, old_cd);
    uint64_t reads;
    CHECK_EQ(rd_pa(f, 0x005, 0x1008, &reads), 0x51000008ull); /* stale */
    CHECK_EQ(reads, 0);
    cmd_sync1(f, cmd_sid(CMD_OP_CFGI_STE, 0x005), 1);
    x = txn(0x005, 0x1008);
    e = e_ok(0x1008);
    r = chk(f, "2-level after CFGI_STE", &x, false, &e);
    CHECK_EQ(r.tbl_reads, 2); /* L1STD + STE */

    /* A smaller table: LOG2SIZE = 10 leaves 4 L1STDs; StreamID 0x400 is out of range
     * before any read, 0x302 still works. */
    fx_strtab(f, STRTAB_PA, 1u << 16 | 8u << 6 | 10u);
    x = txn(0x400, 0x1000);
    e = e_flt(EVT_C_BAD_STREAMID, -1, -1);
    r = chk(f, "StreamID >= 2^LOG2SIZE", &x, false, &e);
    CHECK_EQ(r.tbl_reads, 0);
    x = txn(0x302, 0x3020);
    e = e_ok(0x53003020ull);
    chk(f, "2-level nested, LOG2SIZE 10", &x, false, &e);
    /* SPLIT = 6 (64 STEs per L2 table): L1[0] now covers 0x000..0x03f with Span 9 > 7,
     * which is reserved: C_BAD_STREAMID. */
    fx_strtab(f, STRTAB_PA, 1u << 16 | 6u << 6 | 16u);
    x = txn(0x005, 0x1000);
    chk(f, "Span > SPLIT + 1", &x, false, &(exp_t){.kind = X_FAULT, .type = EVT_C_BAD_STREAMID,
                                                   .s2 = -1, .cls = -1, .ttrnw = -1,
                                                   .pnu = -1, .ind = -1});
}

/* ---- 2. CFGI_CD, CFGI_CD_ALL, CFGI_STE_RANGE ----------------------------------------- */

TEST(xlate_cfgi_cd)
{
    fx_t *f = fx_up(t, 0);
    const uint16_t vmid = 0x11, asid = 0x22;
    const uint32_t sid = 100;
    const uint64_t mair_cd = CD_PA + 0x1000ull * sid + 24;
    stream_t s = {.config = STE_CFG_S1, .vmid = vmid, .asid = asid};
    stream_setup(f, sid, &s);
    s1_map(f, &s, 0x10000, s1_leaf(3, 0x53000000ull, 2, 1, 3)); /* AttrIndx 2 */
    dma_txn_t x = txn(sid, 0x10008);
    exp_t e = e_ok(0x53000008ull);
    dma_result_t r = chk(f, "MAIR[2] = 0xff", &x, false, &e);
    CHECK_EQ(r.dn.attr, 0xff);
    const uint64_t tlbi[2] = {CMD_OP_TLBI_NH_ASID | (uint64_t)vmid << CMD_VMID_SHIFT |
                                  (uint64_t)asid << CMD_ASID_SHIFT, 0};
    uint64_t reads;

    /* MAIR[2] = 0x44 in memory; TLBI alone re-walks with the cached (old) CD */
    mem_write64(t->sim, mair_cd, 0x0000000044440400ull);
    cmds_sync(f, &tlbi, 1);
    CHECK_EQ(rd_attr(f, sid, 0x10008, &reads), 0xff);
    CHECK_EQ(reads, 4); /* the walk only: the configuration came from the cache */
    {
        const uint64_t c[2][2] = {{cmd_sid(CMD_OP_CFGI_CD, sid), 1}, {tlbi[0], 0}};
        cmds_sync(f, c, 2);
    }
    r = chk(f, "CFGI_CD + TLBI: MAIR[2] = 0x44", &x, false, &e);
    CHECK_EQ(r.dn.attr, 0x44);
    /* the CD alone (the STE stays in the STE cache: CFGI_CD does not cover it) and the
     * walk's 4 (TLBI_NH_ASID dropped the ASID's walk-cache entries) */
    CHECK(r.tbl_reads == 5, "CFGI_CD: the CD alone fetched again, then the walk (%" PRIu64
          " reads)", r.tbl_reads);

    /* CFGI_CD_ALL: MAIR[2] = 0x04 (Device-nGnRE) */
    mem_write64(t->sim, mair_cd, 0x0000000044040400ull);
    cmds_sync(f, &tlbi, 1);
    CHECK_EQ(rd_attr(f, sid, 0x10008, &reads), 0x44);
    CHECK_EQ(reads, 4);
    {
        const uint64_t c[2][2] = {{cmd_sid(CMD_OP_CFGI_CD_ALL, sid), 0}, {tlbi[0], 0}};
        cmds_sync(f, c, 2);
    }
    r = chk(f, "CFGI_CD_ALL + TLBI: MAIR[2] = 0x04", &x, false, &e);
    CHECK_EQ(r.dn.attr, 0x04);
    CHECK_EQ(r.tbl_reads, 5); /* the CD and the walk, as for CFGI_CD */
    CHECK_EQ(r.dn.cache, 0x1); /* Device bufferable */

    /* CFGI_CD of another StreamID: this one may stay stale (over-invalidation allowed,
     * so only logged), and CFGI_CD of this one must refresh it */
    mem_write64(t->sim, mair_cd, 0x0000000044ff0400ull);
    {
        const uint64_t c[2][2] = {{cmd_sid(CMD_OP_CFGI_CD, sid + 1), 1}, {tlbi[0], 0}};
        cmds_sync(f, c, 2);
    }
    test_log(t, "CFGI_CD of another StreamID: attr 0x%02x (0x04 stale, 0xff refreshed)",
             rd_attr(f, sid, 0x10008, NULL));
    {
        const uint64_t c[2][2] = {{cmd_sid(CMD_OP_CFGI_CD, sid), 0}, {tlbi[0], 0}};
        cmds_sync(f, c, 2);
    }
    r = chk(f, "CFGI_CD (LEAF = 0) + TLBI: MAIR[2] = 0xff", &x, false, &e);
    CHECK_EQ(r.dn.attr, 0xff);

    /* CD.T0SZ 16 -> 25 behind the cache: the VA 2^40 is in range until CFGI_CD (the
     * range check uses the cached CD, no TLB entry is involved for a faulting VA). */
    s1_map(f, &s, 0x0000010000000000ull, s1_leaf(3, 0x53100000ull, 2, 1, 3));
    uint64_t cd0 = mem_read64(t->sim, CD_PA + 0x1000ull * sid);
    mem_write64(t->sim, CD_PA + 0x1000ull * sid, (cd0 & ~CD_T0SZ_MASK) | 25u);
    CHECK_EQ(rd_pa(f, sid, 0x0000010000000000ull, NULL), 0x53100000ull); /* stale CD */
    {
        const uint64_t c[2][2] = {{cmd_sid(CMD_OP_CFGI_CD, sid), 1}, {tlbi[0], 0}};
        cmds_sync(f, c, 2);
    }
    x.addr = 0x0000010000000000ull;
    e = e_flt(EVT_F_TRANSLATION, 0, EVT_CLASS_IN);
    chk(f, "CFGI_CD: T0SZ 25, VA 2^40 out of range", &x, false, &e);
}

TEST(xlate_cfgi_ste_range)
{
    fx_t *f = fx_up(t, 0);
    stream_t s[8];
    for (unsigned i = 0; i < 8; i++) {
        memset(&s[i], 0, sizeof s[i]);
        s[i].config = STE_CFG_S1;
        s[i].vmid = (uint16_t)(0x40 + i);
        s[i].asid = 1;
        stream_setup(f, 0x40 + i, &s[i]);
        s1_map(f, &s[i], 0x1000, s1_leaf(3, 0x54000000ull + 0x1000 * i, 2, 1, 3));
        CHECK_EQ(rd_pa(f, 0x40 + i, 0x1008, NULL), 0x54000008ull + 0x1000 * i);
    }
    /* 0x41, 0x45, 0x46 become bypass (PA = input) behind the cache */
    static const unsigned chg[] = {1, 5, 6};
    for (unsigned k = 0; k < 3; k++) {
        stream_t by = {.config = STE_CFG_BYPASS};
        uint64_t ttb = mem_read64(t->sim, CD_PA + 0x1000ull * (0x40 + chg[k]) + 8);
        stream_setup(f, 0x40 + chg[k], &by);
        mem_write64(t->sim, CD_PA + 0x1000ull * (0x40 + chg[k]) + 8, ttb);
    }
    for (unsigned i = 0; i < 8; i++)
        CHECK(rd_pa(f, 0x40 + i, 0x1008, NULL) == 0x54000008ull + 0x1000 * i,
              "StreamID 0x%x: not stale before CFGI_STE_RANGE", 0x40 + i);
    /* RANGE = 1: 4 StreamIDs, aligned: 0x44..0x47 (SID 0x45 names the same block) */
    cmd_sync1(f, cmd_sid(CMD_OP_CFGI_STE_RANGE, 0x45), 1);
    for (unsigned i = 4; i < 8; i++) {
        dma_txn_t x = txn(0x40 + i, 0x1008);
        bool byp = i == 5 || i == 6;
        exp_t e = e_ok(byp ? 0x1008 : 0x54000008ull + 0x1000 * i);
        chk(f, "CFGI_STE_RANGE 1 @0x45: in range", &x, false, &e);
    }
    /* outside the range: 0x41 keeps its cached STE (this design invalidates exactly the
     * range; over-invalidation would be allowed, so a failure here is not architectural) */
    CHECK(rd_pa(f, 0x41, 0x1008, NULL) == 0x54001008ull,
          "CFGI_STE_RANGE 1 @0x45 reached StreamID 0x41 (exact-range design expectation)");
    /* RANGE = 0: 2 StreamIDs 0x42..0x43: 0x41 still stale */
    cmd_sync1(f, cmd_sid(CMD_OP_CFGI_STE_RANGE, 0x43), 0);
    CHECK(rd_pa(f, 0x41, 0x1008, NULL) == 0x54001008ull,
          "CFGI_STE_RANGE 0 @0x43 reached StreamID 0x41 (exact-range design expectation)");
    /* RANGE = 2 with SID 0x43: 8 StreamIDs 0x40..0x47 */
    cmd_sync1(f, cmd_sid(CMD_OP_CFGI_STE_RANGE, 0x43), 2);
    for (unsigned i = 0; i < 8; i++) {
        dma_txn_t x = txn(0x40 + i, 0x1008);
        bool byp = i == 1 || i == 5 || i == 6;
        exp_t e = e_ok(byp ? 0x1008 : 0x54000008ull + 0x1000 * i);
        chk(f, "CFGI_STE_RANGE 2 @0x43", &x, false, &e);
    }
    /* a Config change S1 -> S2 (other table, VMID kept) on 0x40: stale until the range */
    stream_t n = {.config = STE_CFG_S2, .vmid = 0x40};
    stream_setup(f, 0x40, &n);
    s2_map(f, &n, 0x1000, s2_leaf(3, 0x54800000ull, 0xf, 3, 3));
    CHECK_EQ(rd_pa(f, 0x40, 0x1008, NULL), 0x54000008ull);
    cmd_sync1(f, cmd_sid(CMD_OP_CFGI_STE_RANGE, 0x40), 31); /* CFGI_ALL */
    dma_txn_t x = txn(0x40, 0x1008);
    exp_t e = e_ok(0x54800008ull);
    chk(f, "CFGI_ALL: S1 -> S2", &x, false, &e);
}

/* ---- 3. STE.S2PTW --------------------------------------------------------------------- */

/* The stage-1 table pages a walk of va visits, from the start level (TTB0) to level 3;
 * returns how many. */
static unsigned s1_tables(fx_t *f, const stream_t *s, uint64_t va, uint64_t *tbl)
{
    unsigned n = 0;
    uint64_t a = s->ttb0;
    for (unsigned lvl = s->s1_start; lvl <= 3; lvl++) {
        unsigned shift = 12 + 9 * (3 - lvl), bits = lvl == s->s1_start ? s->s1_sbits : 9;
        tbl[n++] = a;
        uint64_t d = mem_read64(f->t->sim, a + (((va >> shift) & ((1ull << bits) - 1)) << 3));
        if ((d & 3) != 3 || lvl == 3)
            break;
        a = d & 0x0000fffffffff000ull;
    }
    return n;
}

/* Stage-2 MemAttr of the CD page and every stage-1 table page of va (identity-mapped). */
static void s2_tables_attr(fx_t *f, stream_t *s, uint32_t sid, uint64_t va, unsigned memattr)
{
    uint64_t tbl[4];
    unsigned n = s1_tables(f, s, va, tbl);
    for (unsigned i = 0; i < n; i++)
        s2_map(f, s, tbl[i], s2_leaf(3, tbl[i], memattr, 3, 3));
    uint64_t cdpa = CD_PA + 0x1000ull * sid;
    s2_map(f, s, cdpa, s2_leaf(3, cdpa, memattr, 3, 3));
}

TEST(xlate_s2ptw)
{
    fx_t *f = fx_up(t, 0);
    static const struct {
        const char *what;
        bool ptw, fwb;
        unsigned tbl_memattr; /* stage-2 MemAttr of the stage-1 level-1 table page */
        bool fault;
    } c[] = {
        {"S2PTW=1, table Device-nGnRE", true, false, 0x1, true},
        {"S2PTW=1, table Device-nGnRnE", true, false, 0x0, true},
        {"S2PTW=0, table Device-nGnRE", false, false, 0x1, false},
        {"S2PTW=1, table Normal NC", true, false, 0x5, false},
        {"S2PTW=1 FWB, table Device (1)", true, true, 0x1, true},
        {"S2PTW=1 FWB, table FWB 5 (NC)", true, true, 0x5, false},
        {"S2PTW=1 FWB, table FWB 6 (WB)", true, true, 0x6, false},
        {"S2PTW=0 FWB, table Device (1)", false, true, 0x1, false},
    };
    for (unsigned i = 0; i < sizeof c / sizeof c[0]; i++) {
        uint32_t sid = 120 + i;
        stream_t s = {.config = STE_CFG_NESTED, .vmid = (uint16_t)(0x60 + i), .asid = 1,
                      .ste1 = c[i].fwb ? STE_S2FWB_MASK : 0,
                      .ste2 = c[i].ptw ? STE_S2PTW_MASK : 0};
        stream_setup(f, sid, &s);
        const uint64_t ipa = 0x0000001000050000ull, pa = 0x55000000ull + 0x10000 * i;
        s1_map(f, &s, 0x4000, s1_leaf(3, ipa, 2, 1, 3));
        s2_map(f, &s, ipa, s2_leaf(3, pa, c[i].fwb ? 6 : 0xf, 3, 3));
        /* with FWB, 0xF (the fixture's identity map) would act as Device: use 6 */
        if (c[i].fwb)
            s2_tables_attr(f, &s, sid, 0x4000, 6);
        uint64_t tbl[4];
        CHECK_EQ(s1_tables(f, &s, 0x4000, tbl), 4);
        uint64_t l1 = tbl[1];
        s2_map(f, &s, l1, s2_leaf(3, l1, c[i].tbl_memattr, 3, 3));
        dma_txn_t x = txn(sid, 0x4010);
        for (int w = 0; w < 2; w++) {
            exp_t e = e_ok(pa + 0x10);
            if (c[i].fault) {
                e = e_flt(EVT_F_PERMISSION, 1, EVT_CLASS_TT);
                e.ttrnw = 1;       /* the walk reads the table */
                e.addr3 = l1;      /* IPA of the descriptor (index 0 at level 1) */
            }
            chk(f, c[i].what, &x, w, &e);
        }
    }
    /* The CD fetch (CLASS = CD): the CD page mapped Device at stage 2 */
    for (unsigned i = 0; i < 3; i++) {
        uint32_t sid = 130 + i;
        bool ptw = i != 1;
        stream_t s = {.config = STE_CFG_NESTED, .vmid = (uint16_t)(0x70 + i), .asid = 1,
                      .ste2 = ptw ? STE_S2PTW_MASK : 0, .ste1 = i == 2 ? STE_S2FWB_MASK : 0};
        stream_setup(f, sid, &s);
        const uint64_t ipa = 0x0000001000060000ull, pa = 0x56000000ull + 0x10000 * i;
        s1_map(f, &s, 0x4000, s1_leaf(3, ipa, 2, 1, 3));
        s2_map(f, &s, ipa, s2_leaf(3, pa, i == 2 ? 6 : 0xf, 3, 3));
        if (i == 2)
            s2_tables_attr(f, &s, sid, 0x4000, 6);
        uint64_t cdpa = CD_PA + 0x1000ull * sid;
        s2_map(f, &s, cdpa, s2_leaf(3, cdpa, 0x1, 3, 3));
        dma_txn_t x = txn(sid, 0x4010);
        exp_t e = e_ok(pa + 0x10);
        if (ptw) {
            e = e_flt(EVT_F_PERMISSION, 1, EVT_CLASS_CD);
            e.addr3 = cdpa;
        }
        const char *what = i == 0   ? "S2PTW=1, CD page Device"
                           : i == 1 ? "S2PTW=0, CD page Device"
                                    : "S2PTW=1 FWB, CD page Device";
        chk(f, what, &x, false, &e);
        chk(f, what, &x, true, &e);
    }
}

/* ---- 4. PAN, WXN, PRIVCFG / INSTCFG, XNX, HAD ------------------------------------------- */

/* Access kinds: AxPROT [0] privileged, [1] non-secure, [2] instruction. */
enum { P_U = 2, P_P = 3, P_UI = 6, P_PI = 7 };

static void perm_case(fx_t *f, const char *what, uint32_t sid, uint64_t va, uint8_t prot,
                      bool write, bool ok, uint64_t pa, int pnu, int ind, int s2, uint64_t ipa)
{
    dma_txn_t x = txn(sid, va);
    x.prot = prot;
    exp_t e = e_ok(pa);
    if (!ok) {
        e = e_flt(EVT_F_PERMISSION, s2, EVT_CLASS_IN);
        e.pnu = pnu;
        e.ind = ind;
        e.addr3 = s2 ? ipa : 0;
    }
    chk(f, what, &x, write, &e);
}

/* Stage-1 pages of the permission streams: AP[2:1] 01, 11, 00, 10. */
static void perm_pages(fx_t *f, stream_t *s, uint64_t pa)
{
    s1_map(f, s, 0x1000, s1_leaf(3, pa + 0x0000, 2, 1, 3));
    s1_map(f, s, 0x2000, s1_leaf(3, pa + 0x1000, 2, 3, 3));
    s1_map(f, s, 0x3000, s1_leaf(3, pa + 0x2000, 2, 0, 3));
    s1_map(f, s, 0x4000, s1_leaf(3, pa + 0x3000, 2, 2, 3));
}

TEST(xlate_pan_wxn)
{
    fx_t *f = fx_up(t, 0);
    const uint64_t pa = 0x57000000ull;
    /* PAN: a privileged data access to an EL0-accessible page faults */
    stream_t p = {.config = STE_CFG_S1, .vmid = 1, .asid = 1, .cd0 = CD_PAN_MASK};
    stream_setup(f, 140, &p);
    perm_pages(f, &p, pa);
    perm_case(f, "PAN AP01 priv read", 140, 0x1000, P_P, false, false, 0, 1, 0, 0, 0);
    perm_case(f, "PAN AP01 priv write", 140, 0x1000, P_P, true, false, 0, 1, 0, 0, 0);
    perm_case(f, "PAN AP01 unpriv read", 140, 0x1000, P_U, false, true, pa, 0, 0, 0, 0);
    perm_case(f, "PAN AP01 unpriv write", 140, 0x1000, P_U, true, true, pa, 0, 0, 0, 0);
    perm_case(f, "PAN AP11 priv read", 140, 0x2000, P_P, false, false, 0, 1, 0, 0, 0);
    perm_case(f, "PAN AP11 priv ifetch", 140, 0x2000, P_PI, false, true, pa + 0x1000, 0, 0, 0,
              0);
    perm_case(f, "PAN AP00 priv read", 140, 0x3000, P_P, false, true, pa + 0x2000, 0, 0, 0, 0);
    perm_case(f, "PAN AP00 priv write", 140, 0x3000, P_P, true, true, pa + 0x2000, 0, 0, 0, 0);
    perm_case(f, "PAN AP00 unpriv read", 140, 0x3000, P_U, false, false, 0, 0, 0, 0, 0);
    perm_case(f, "PAN AP10 priv read", 140, 0x4000, P_P, false, true, pa + 0x3000, 0, 0, 0, 0);
    /* without PAN the same privileged accesses pass */
    stream_t np = {.config = STE_CFG_S1, .vmid = 2, .asid = 1};
    stream_setup(f, 141, &np);
    perm_pages(f, &np, pa);
    perm_case(f, "no PAN AP01 priv read", 141, 0x1000, P_P, false, true, pa, 0, 0, 0, 0);
    perm_case(f, "no PAN AP11 priv read", 141, 0x2000, P_P, false, true, pa + 0x1000, 0, 0, 0,
              0);
    /* PRIVCFG = 2 (unprivileged): the privileged access passes PAN */
    stream_t pu = p;
    pu.vmid = 3;
    pu.ste1 = 2ull << STE_PRIVCFG_SHIFT;
    stream_setup(f, 142, &pu);
    perm_pages(f, &pu, pa);
    perm_case(f, "PAN + PRIVCFG unpriv: priv read", 142, 0x1000, P_P, false, true, pa, 0, 0, 0,
              0);
    perm_case(f, "PAN + PRIVCFG unpriv: AP00 priv read", 142, 0x3000, P_P, false, false, 0, 0,
              0, 0, 0);
    /* PRIVCFG = 3 (privileged): an unprivileged access hits PAN, PnU = 1 in the record */
    stream_t pp = p;
    pp.vmid = 4;
    pp.ste1 = 3ull << STE_PRIVCFG_SHIFT;
    stream_setup(f, 143, &pp);
    perm_pages(f, &pp, pa);
    perm_case(f, "PAN + PRIVCFG priv: unpriv read", 143, 0x1000, P_U, false, false, 0, 1, 0, 0,
              0);
    perm_case(f, "PAN + PRIVCFG priv: AP00 unpriv read", 143, 0x3000, P_U, false, true,
              pa + 0x2000, 0, 0, 0, 0);

    /* WXN: an instruction fetch from a writable page faults */
    stream_t w = {.config = STE_CFG_S1, .vmid = 5, .asid = 1, .cd0 = CD_WXN_MASK};
    stream_setup(f, 144, &w);
    perm_pages(f, &w, pa);
    perm_case(f, "WXN AP00 priv ifetch", 144, 0x3000, P_PI, false, false, 0, 1, 1, 0, 0);
    perm_case(f, "WXN AP10 priv ifetch", 144, 0x4000, P_PI, false, true, pa + 0x3000, 0, 0, 0,
              0);
    perm_case(f, "WXN AP01 unpriv ifetch", 144, 0x1000, P_UI, false, false, 0, 0, 1, 0, 0);
    perm_case(f, "WXN AP11 unpriv ifetch", 144, 0x2000, P_UI, false, true, pa + 0x1000, 0, 0,
              0, 0);
    perm_case(f, "WXN AP00 priv data read", 144, 0x3000, P_P, false, true, pa + 0x2000, 0, 0, 0,
              0);
    perm_case(f, "WXN AP01 priv ifetch (EL0-writable)", 144, 0x1000, P_PI, false, false, 0, 1,
              1, 0, 0);
    stream_t nw = {.config = STE_CFG_S1, .vmid = 6, .asid = 1};
    stream_setup(f, 145, &nw);
    perm_pages(f, &nw, pa);
    perm_case(f, "no WXN AP00 priv ifetch", 145, 0x3000, P_PI, false, true, pa + 0x2000, 0, 0,
              0, 0);
    perm_case(f, "no WXN AP01 unpriv ifetch", 145, 0x1000, P_UI, false, true, pa, 0, 0, 0, 0);
    perm_case(f, "no WXN AP01 priv ifetch (EL0-writable)", 145, 0x1000, P_PI, false, false, 0,
              1, 1, 0, 0);
    /* INSTCFG = 3: data reads become instruction fetches (InD = 1), writes stay Data */
    stream_t wi = w;
    wi.vmid = 7;
    wi.ste1 = 3ull << STE_INSTCFG_SHIFT;
    stream_setup(f, 146, &wi);
    perm_pages(f, &wi, pa);
    perm_case(f, "WXN + INSTCFG instr: AP00 priv read", 146, 0x3000, P_P, false, false, 0, 1, 1,
              0, 0);
    perm_case(f, "WXN + INSTCFG instr: AP00 priv write", 146, 0x3000, P_P, true, true,
              pa + 0x2000, 0, 0, 0, 0);
    perm_case(f, "WXN + INSTCFG instr: AP10 priv read", 146, 0x4000, P_P, false, true,
              pa + 0x3000, 0, 0, 0, 0);
    /* INSTCFG = 2: instruction fetches become data reads */
    stream_t wd = w;
    wd.vmid = 8;
    wd.ste1 = 2ull << STE_INSTCFG_SHIFT;
    stream_setup(f, 147, &wd);
    perm_pages(f, &wd, pa);
    {
        dma_txn_t x = txn(147, 0x3000);
        x.prot = P_PI;
        exp_t e = e_ok(pa + 0x2000);
        dma_result_t r = chk(f, "WXN + INSTCFG data: AP00 priv ifetch", &x, false, &e);
        CHECK_EQ(r.dn.prot & 7, 3); /* privileged, non-secure, data */
    }
    /* PRIVCFG = 2 with WXN: unprivileged fetch of the priv-RW page is allowed (UXN = 0,
     * not EL0-writable) */
    stream_t wu = w;
    wu.vmid = 9;
    wu.ste1 = 2ull << STE_PRIVCFG_SHIFT;
    stream_setup(f, 148, &wu);
    perm_pages(f, &wu, pa);
    {
        dma_txn_t x = txn(148, 0x3000);
        x.prot = P_PI;
        exp_t e = e_ok(pa + 0x2000);
        dma_result_t r = chk(f, "WXN + PRIVCFG unpriv: AP00 priv ifetch", &x, false, &e);
        CHECK_EQ(r.dn.prot & 7, 6);
    }
}

TEST(xlate_xnx)
{
    fx_t *f = fx_up(t, 0);
    /* Nested: stage-1 pages AP = 11 (executable at both levels), stage-2 XN[1:0] 00..11 */
    stream_t s = {.config = STE_CFG_NESTED, .vmid = 0x50, .asid = 1};
    stream_setup(f, 150, &s);
    for (unsigned xn = 0; xn < 4; xn++) {
        uint64_t va = 0x10000 + 0x1000 * xn, ipa = 0x0000001000070000ull + 0x1000 * xn;
        s1_map(f, &s, va, s1_leaf(3, ipa, 2, 3, 3));
        s2_map(f, &s, ipa, s2_leaf(3, 0x58000000ull + 0x1000 * xn, 0xf, 3, 3) |
                               (uint64_t)xn << 53);
    }
    static const char *names[4] = {"XN 00", "XN 01", "XN 10", "XN 11"};
    for (unsigned xn = 0; xn < 4; xn++) {
        uint64_t va = 0x10000 + 0x1000 * xn, ipa = 0x0000001000070000ull + 0x1000 * xn;
        uint64_t pa = 0x58000000ull + 0x1000 * xn;
        bool pok = xn == 0 || xn == 3, uok = xn == 0 || xn == 1;
        char what[64];
        snprintf(what, sizeof what, "%s priv ifetch", names[xn]);
        perm_case(f, what, 150, va, P_PI, false, pok, pa, 1, 1, 1, ipa);
        snprintf(what, sizeof what, "%s unpriv ifetch", names[xn]);
        perm_case(f, what, 150, va, P_UI, false, uok, pa, 0, 1, 1, ipa);
        snprintf(what, sizeof what, "%s priv data read", names[xn]);
        perm_case(f, what, 150, va, P_P, false, true, pa, 0, 0, 0, 0);
        snprintf(what, sizeof what, "%s unpriv data read", names[xn]);
        perm_case(f, what, 150, va, P_U, false, true, pa, 0, 0, 0, 0);
    }
    /* PRIVCFG = 3 turns the unprivileged fetch into a privileged one (XN 01 faults) */
    stream_t q = s;
    q.vmid = 0x51;
    q.ste1 = 3ull << STE_PRIVCFG_SHIFT;
    stream_setup(f, 151, &q);
    s1_map(f, &q, 0x11000, s1_leaf(3, 0x0000001000071000ull, 2, 3, 3));
    s2_map(f, &q, 0x0000001000071000ull, s2_leaf(3, 0x58001000ull, 0xf, 3, 3) | 1ull << 53);
    perm_case(f, "XN 01, PRIVCFG priv: unpriv ifetch", 151, 0x11000, P_UI, false, false, 0, 1,
              1, 1, 0x0000001000071000ull);
    /* S2-only stream: XN applies the same way (stage 1 off) */
    stream_t n = {.config = STE_CFG_S2, .vmid = 0x52};
    stream_setup(f, 152, &n);
    s2_map(f, &n, 0x20000, s2_leaf(3, 0x58010000ull, 0xf, 3, 3) | 3ull << 53);
    perm_case(f, "S2-only XN 11 unpriv ifetch", 152, 0x20000, P_UI, false, false, 0, 0, 1, 1,
              0x20000);
    perm_case(f, "S2-only XN 11 priv ifetch", 152, 0x20000, P_PI, false, true, 0x58010000ull, 0,
              0, 0, 0);
}

TEST(xlate_had)
{
    fx_t *f = fx_up(t, 0);
    /* VA 0 (L0 index 0): APTable = 01 (no EL0) over an AP = 01 page;
     * VA 2^39 (index 1): APTable = 10 (no writes) over AP = 01;
     * VA 2^40 (index 2): UXNTable over AP = 11; VA 3 * 2^39 (index 3): PXNTable over AP = 10 */
    static const uint64_t va[4] = {0x1000, 0x0000008000001000ull, 0x0000010000001000ull,
                                   0x0000018000001000ull};
    static const unsigned ap[4] = {1, 1, 3, 2};
    static const uint64_t tbits[4] = {1ull << 61, 2ull << 61, 1ull << 60, 1ull << 59};
    for (unsigned had = 0; had < 2; had++) {
        uint32_t sid = 160 + had;
        stream_t s = {.config = STE_CFG_S1, .vmid = (uint16_t)(0x60 + had), .asid = 1};
        stream_setup(f, sid, &s);
        if (had)
            mem_write64(t->sim, CD_PA + 0x1000ull * sid + 8,
                        mem_read64(t->sim, CD_PA + 0x1000ull * sid + 8) | CD_HAD0_MASK);
        for (unsigned i = 0; i < 4; i++) {
            s1_map(f, &s, va[i], s1_leaf(3, 0x59000000ull + 0x1000 * i, 2, ap[i], 3));
            uint64_t l0 = s.ttb0 + 8 * ((va[i] >> 39) & 0x1ff);
            mem_write64(t->sim, l0, mem_read64(t->sim, l0) | tbits[i]);
        }
        const char *h = had ? "HAD0=1" : "HAD0=0";
        char w[80];
        const uint64_t pa = 0x59000000ull;
        snprintf(w, sizeof w, "%s APTable 01: unpriv read", h);
        perm_case(f, w, sid, va[0], P_U, false, had, pa, 0, 0, 0, 0);
        snprintf(w, sizeof w, "%s APTable 01: unpriv write", h);
        perm_case(f, w, sid, va[0], P_U, true, had, pa, 0, 0, 0, 0);
        snprintf(w, sizeof w, "%s APTable 01: priv write", h);
        perm_case(f, w, sid, va[0], P_P, true, true, pa, 0, 0, 0, 0);
        snprintf(w, sizeof w, "%s APTable 10: unpriv write", h);
        perm_case(f, w, sid, va[1], P_U, true, had, pa + 0x1000, 0, 0, 0, 0);
        snprintf(w, sizeof w, "%s APTable 10: priv write", h);
        perm_case(f, w, sid, va[1], P_P, true, had, pa + 0x1000, 1, 0, 0, 0);
        snprintf(w, sizeof w, "%s APTable 10: unpriv read", h);
        perm_case(f, w, sid, va[1], P_U, false, true, pa + 0x1000, 0, 0, 0, 0);
        snprintf(w, sizeof w, "%s UXNTable: unpriv ifetch", h);
        perm_case(f, w, sid, va[2], P_UI, false, had, pa + 0x2000, 0, 1, 0, 0);
        snprintf(w, sizeof w, "%s UXNTable: priv ifetch", h);
        perm_case(f, w, sid, va[2], P_PI, false, true, pa + 0x2000, 0, 0, 0, 0);
        snprintf(w, sizeof w, "%s PXNTable: priv ifetch", h);
        perm_case(f, w, sid, va[3], P_PI, false, had, pa + 0x3000, 1, 1, 0, 0);
    }
}

/* ---- 5. Range TLBI ------------------------------------------------------------------------ */

typedef struct {
    unsigned scale, num, ttl;
    bool leaf;
} rng_t;

static const rng_t rng_cases[] = {
    {0, 0, 3, false}, /* 1 page, TTL = level 3 (NUM = SCALE = 0 needs a TTL) */
    {0, 5, 0, false}, /* 6 pages */
    {0, 31, 0, false}, /* 32 pages */
    {1, 0, 0, false}, /* 2 pages */
    {1, 5, 0, false}, /* 12 pages */
    {1, 31, 3, false}, /* 64 pages */
    {3, 0, 0, false}, /* 8 pages */
    {3, 5, 0, true},  /* 48 pages, LEAF = 1 */
    {3, 31, 0, false}, /* 256 pages */
    {0, 5, 3, true},  /* 6 pages, LEAF = 1, TTL 3 */
};

/* One range case on stream sid: four pages around [A, A + n pages) map to old, the TLB is
 * warmed, the pages are remapped to new, the TLBI runs: inside -> new, outside -> old. */
static void tlbi_range_case(fx_t *f, stream_t *s, uint32_t sid, bool s2, uint16_t vmid,
                            uint16_t asid, unsigned ci, const rng_t *c)
{
    test_ctx_t *t = f->t;
    uint64_t n = (uint64_t)(c->num + 1) << c->scale;
    uint64_t a = 0x10000000ull + 0x1000000ull * ci + 0x100000ull;
    const uint64_t pg[4] = {a - 0x1000, a, a + (n - 1) * 0x1000, a + n * 0x1000};
    const bool inside[4] = {false, true, true, false};
    const unsigned skip = n == 1 ? 2 : 4; /* one page: first == last */
    const uint64_t old_pa = 0x5a000000ull + 0x10000ull * ci, new_pa = old_pa + 0x8000000ull;
    cmd_sync1(f, CMD_OP_TLBI_NSNH_ALL, 0);
    for (unsigned k = 0; k < 4; k++) {
        if (k == skip)
            continue;
        if (s2)
            s2_map(f, s, pg[k], s2_leaf(3, old_pa + 0x1000 * k, 0xf, 3, 3));
        else
            s1_map(f, s, pg[k], s1_leaf(3, old_pa + 0x1000 * k, 2, 1, 3));
        CHECK_EQ(rd_pa(f, sid, pg[k] + 8, NULL), old_pa + 0x1000 * k + 8);
    }
    for (unsigned k = 0; k < 4; k++) {
        if (k == skip)
            continue;
        if (s2)
            s2_map(f, s, pg[k], s2_leaf(3, new_pa + 0x1000 * k, 0xf, 3, 3));
        else
            s1_map(f, s, pg[k], s1_leaf(3, new_pa + 0x1000 * k, 2, 1, 3));
    }
    uint64_t dw0 = (s2 ? CMD_OP_TLBI_S2_IPA : CMD_OP_TLBI_NH_VA) |
                   (uint64_t)vmid << CMD_VMID_SHIFT | (uint64_t)asid << CMD_ASID_SHIFT |
                   (uint64_t)c->num << CMD_NUM_SHIFT | (uint64_t)c->scale << CMD_SCALE_SHIFT;
    uint64_t dw1 = a | 1ull << CMD_TG_SHIFT | (uint64_t)c->ttl << CMD_TTL_SHIFT |
                   (c->leaf ? CMD_LEAF_MASK : 0);
    cmd_sync1(f, dw0, dw1);
    for (unsigned k = 0; k < 4; k++) {
        if (k == skip)
            continue;
        uint64_t got = rd_pa(f, sid, pg[k] + 8, NULL);
        uint64_t want = (inside[k] ? new_pa : old_pa) + 0x1000 * k + 8;
        CHECK(got == want,
              "%s SCALE %u NUM %u TTL %u LEAF %d: page 0x%" PRIx64 " (%s) PA 0x%" PRIx64
              ", expected 0x%" PRIx64 "%s",
              s2 ? "TLBI_S2_IPA" : "TLBI_NH_VA", c->scale, c->num, c->ttl, c->leaf, pg[k],
              k == 0 ? "below" : k == 3 ? "above" : "inside", got, want,
              inside[k] ? "" : " (exact-range design expectation)");
    }
    /* and after a full invalidation everything agrees with memory */
    cmd_sync1(f, CMD_OP_TLBI_NSNH_ALL, 0);
    for (unsigned k = 0; k < 4; k++) {
        if (k == skip)
            continue;
        dma_txn_t x = txn(sid, pg[k] + 8);
        exp_t e = e_ok(new_pa + 0x1000 * k + 8);
        chk(f, s2 ? "S2_IPA range, after" : "NH_VA range, after", &x, false, &e);
    }
}

TEST(xlate_tlbi_range)
{
    fx_t *f = fx_up(t, 0);
    const uint16_t vmid = 0x31, asid = 0x41;
    stream_t s = {.config = STE_CFG_S1, .vmid = vmid, .asid = asid};
    stream_setup(f, 170, &s);
    stream_t n = {.config = STE_CFG_S2, .vmid = 0x32};
    stream_setup(f, 171, &n);
    for (unsigned i = 0; i < sizeof rng_cases / sizeof rng_cases[0]; i++) {
        tlbi_range_case(f, &s, 170, false, vmid, asid, i, &rng_cases[i]);
        tlbi_range_case(f, &n, 171, true, 0x32, 0, i, &rng_cases[i]);
    }
    /* a range TLBI of another ASID / VMID leaves the entries */
    {
        uint64_t a = 0x30000000ull;
        s1_map(f, &s, a, s1_leaf(3, 0x5c000000ull, 2, 1, 3));
        cmd_sync1(f, CMD_OP_TLBI_NSNH_ALL, 0);
        CHECK_EQ(rd_pa(f, 170, a, NULL), 0x5c000000ull);
        s1_map(f, &s, a, s1_leaf(3, 0x5c100000ull, 2, 1, 3));
        cmd_sync1(f, CMD_OP_TLBI_NH_VA | (uint64_t)vmid << CMD_VMID_SHIFT |
                         (uint64_t)(asid + 1) << CMD_ASID_SHIFT | 5u << CMD_NUM_SHIFT,
                  a | 1ull << CMD_TG_SHIFT);
        cmd_sync1(f, CMD_OP_TLBI_NH_VA | (uint64_t)(vmid + 1) << CMD_VMID_SHIFT |
                         (uint64_t)asid << CMD_ASID_SHIFT | 5u << CMD_NUM_SHIFT,
                  a | 1ull << CMD_TG_SHIFT);
        CHECK(rd_pa(f, 170, a, NULL) == 0x5c000000ull,
              "range TLBI of another ASID/VMID removed the entry");
        /* TLBI_NH_VAA range: any ASID */
        cmd_sync1(f, CMD_OP_TLBI_NH_VAA | (uint64_t)vmid << CMD_VMID_SHIFT | 1u << CMD_NUM_SHIFT,
                  (a - 0x1000) | 1ull << CMD_TG_SHIFT);
        CHECK_EQ(rd_pa(f, 170, a, NULL), 0x5c100000ull);
    }
    /* 2 MB block: a range of one page inside it (TTL = 2, the block's level) removes it;
     * a range ending just below it does not */
    {
        uint64_t b = 0x40000000ull;
        s1_map(f, &s, b, s1_leaf(2, 0x5d000000ull & ~0x1fffffull, 2, 1, 3));
        cmd_sync1(f, CMD_OP_TLBI_NSNH_ALL, 0);
        CHECK_EQ(rd_pa(f, 170, b + 0x123458, NULL), 0x5c000000ull + 0x123458 + 0x1000000);
        s1_map(f, &s, b, s1_leaf(2, 0x5e000000ull, 2, 1, 3));
        /* 32 pages [b - 128 KB, b) */
        cmd_sync1(f, CMD_OP_TLBI_NH_VA | (uint64_t)vmid << CMD_VMID_SHIFT |
                         (uint64_t)asid << CMD_ASID_SHIFT | 31u << CMD_NUM_SHIFT,
                  (b - 0x20000) | 1ull << CMD_TG_SHIFT);
        CHECK(rd_pa(f, 170, b + 0x123458, NULL) == 0x5d123458ull,
              "range just below the 2 MB block removed it (exact-range design expectation)");
        cmd_sync1(f, CMD_OP_TLBI_NH_VA | (uint64_t)vmid << CMD_VMID_SHIFT |
                         (uint64_t)asid << CMD_ASID_SHIFT,
                  (b + 0x100000) | 1ull << CMD_TG_SHIFT | 2ull << CMD_TTL_SHIFT | CMD_LEAF_MASK);
        dma_txn_t x = txn(170, b + 0x123458);
        exp_t e = e_ok(0x5e123458ull);
        chk(f, "range TLBI inside a 2 MB block (TTL 2)", &x, false, &e);
    }
}

/* TG != 0 with NUM = SCALE = TTL = 0: CERROR_ILL, CMDQ_CONS.RD on it, GERROR.CMDQ_ERR; the
 * commands behind it wait; rewriting the entry and acknowledging restarts at it. */
TEST(xlate_tlbi_range_illegal)
{
    fx_t *f = fx_up(t, 0);
    sim_t *sim = t->sim;
    sim_reg_write32(sim, SMMU_IRQ_CTRL, SMMU_IRQ_CTRL_GERROR_IRQEN_MASK);
    REQUIRE(sim_reg_poll32(sim, SMMU_IRQ_CTRLACK, 0xffffffffu, SMMU_IRQ_CTRL_GERROR_IRQEN_MASK,
                           POLLS), "IRQ_CTRLACK");
    const uint16_t vmid = 0x33, asid = 0x43;
    stream_t s = {.config = STE_CFG_S1, .vmid = vmid, .asid = asid};
    stream_setup(f, 172, &s);
    stream_t n = {.config = STE_CFG_S2, .vmid = 0x34};
    stream_setup(f, 173, &n);
    const uint64_t va = 0x123000ull;
    for (unsigned round = 0; round < 2; round++) {
        bool s2 = round == 1;
        uint32_t sid = s2 ? 173 : 172;
        stream_t *st = s2 ? &n : &s;
        if (s2)
            s2_map(f, st, va, s2_leaf(3, 0x5f000000ull, 0xf, 3, 3));
        else
            s1_map(f, st, va, s1_leaf(3, 0x5f000000ull, 2, 1, 3));
        cmd_sync1(f, CMD_OP_TLBI_NSNH_ALL, 0);
        CHECK_EQ(rd_pa(f, sid, va, NULL), 0x5f000000ull);
        if (s2)
            s2_map(f, st, va, s2_leaf(3, 0x5f100000ull, 0xf, 3, 3));
        else
            s1_map(f, st, va, s1_leaf(3, 0x5f100000ull, 2, 1, 3));

        uint64_t op = s2 ? CMD_OP_TLBI_S2_IPA | (uint64_t)0x34 << CMD_VMID_SHIFT
                         : CMD_OP_TLBI_NH_VA | (uint64_t)vmid << CMD_VMID_SHIFT |
                               (uint64_t)asid << CMD_ASID_SHIFT;
        uint32_t bad = f->cmd_prod;
        uint64_t g0 = sim_irq_count(sim, SIM_IRQ_GERROR);
        uint64_t syncs0 = sim_irq_count(sim, SIM_IRQ_CMD_SYNC);
        cmd_put(f, op, va | 1ull << CMD_TG_SHIFT); /* NUM = SCALE = TTL = 0: Reserved */
        cmd_put(f, CMD_OP_CMD_SYNC | 1u << CMD_CS_SHIFT, 0);
        cmd_kick(f);
        bool err = sim_reg_poll32(sim, SMMU_GERROR, SMMU_GERROR_CMDQ_ERR_MASK,
                                  (sim_reg_read32(sim, SMMU_GERRORN) & SMMU_GERROR_CMDQ_ERR_MASK) ^
                                      SMMU_GERROR_CMDQ_ERR_MASK,
                                  POLLS);
        CHECK(err, "%s range with NUM = SCALE = TTL = 0: no GERROR.CMDQ_ERR",
              s2 ? "TLBI_S2_IPA" : "TLBI_NH_VA");
        uint32_t cons = sim_reg_read32(sim, SMMU_CMDQ_CONS);
        CHECK_EQ((cons & SMMU_CMDQ_CONS_ERR_MASK) >> 24, CERROR_ILL);
        CHECK_EQ(cons & SMMU_CMDQ_CONS_RD_MASK, bad);
        CHECK_EQ(sim_irq_count(sim, SIM_IRQ_GERROR) - g0, 1);
        sim_step(sim, 200);
        CHECK_EQ(sim_reg_read32(sim, SMMU_CMDQ_CONS) & SMMU_CMDQ_CONS_RD_MASK, bad);
        CHECK_EQ(sim_irq_count(sim, SIM_IRQ_CMD_SYNC) - syncs0, 0);
        /* the TLB still has the old translation (the TLBI was not executed) */
        CHECK_EQ(rd_pa(f, sid, va, NULL), 0x5f000000ull);
        /* fix the entry (a legal one-page range, TTL = 3) and acknowledge */
        uint32_t idx = bad & ((1u << CMDQ_LOG2) - 1);
        mem_write64(sim, CMDQ_PA + 16ull * idx + 8, va | 1ull << CMD_TG_SHIFT | 3ull << CMD_TTL_SHIFT);
        sim_reg_write32(sim, SMMU_GERRORN, sim_reg_read32(sim, SMMU_GERROR));
        CHECK(cmd_wait(f), "command queue did not restart after GERRORN");
        CHECK_EQ(sim_reg_read32(sim, SMMU_GERROR) ^ sim_reg_read32(sim, SMMU_GERRORN), 0);
        CHECK_EQ(sim_irq_count(sim, SIM_IRQ_CMD_SYNC) - syncs0, 1);
        dma_txn_t x = txn(sid, va + 0x10);
        exp_t e = e_ok(0x5f100010ull);
        chk(f, "after CERROR_ILL recovery", &x, false, &e);
    }
    /* TG = 0 with NUM = SCALE = TTL = 0 is the ordinary single-address form */
    cmd_sync1(f, CMD_OP_TLBI_NH_VA | (uint64_t)vmid << CMD_VMID_SHIFT |
                     (uint64_t)asid << CMD_ASID_SHIFT, va);
}

/* ---- 6. Table-port latency and back-pressure ---------------------------------------------- */

/* A 64-byte write then read back through the SMMU and the backdoor. */
static void data_rw(fx_t *f, const char *what, uint32_t sid, uint64_t va, uint64_t pa,
                    uint8_t id)
{
    test_ctx_t *t = f->t;
    uint64_t w[8], r[8], m[8];
    for (unsigned i = 0; i < 8; i++)
        w[i] = 0x0123456789abcdefull * (i + 1) ^ va ^ (uint64_t)id << 56;
    dma_txn_t x = txn(sid, va);
    x.len = 64;
    x.id = id;
    dma_result_t rw = dma_write(t->sim, &x, w);
    CHECK(rw.resp == 0 && rw.dn.addr == pa, "%s: write resp %d PA 0x%" PRIx64, what, rw.resp,
          rw.dn.addr);
    mem_read(t->sim, pa, m, sizeof m);
    CHECK(memcmp(w, m, sizeof w) == 0, "%s: memory after the write differs", what);
    x.id = (uint8_t)((id + 5) & 15);
    dma_result_t rr = dma_read(t->sim, &x, r);
    CHECK(rr.resp == 0 && rr.dn.addr == pa, "%s: read resp %d PA 0x%" PRIx64, what, rr.resp,
          rr.dn.addr);
    CHECK(memcmp(w, r, sizeof w) == 0, "%s: read data differs", what);
}

static void latency_body(test_ctx_t *t)
{
    fx_t *f = fx_up(t, 0);
    mem_set_timing(t->sim, 1, 40, 50);
    /* S1 */
    stream_t a = {.config = STE_CFG_S1, .vmid = 1, .asid = 1};
    stream_setup(f, 180, &a);
    s1_map(f, &a, 0x1000, s1_leaf(3, 0x63000000ull, 2, 1, 3));
    s1_map(f, &a, 0x00000000c0000000ull, s1_leaf(2, 0x63200000ull, 1, 1, 3)); /* Device */
    s1_map(f, &a, 0x2000, s1_leaf(3, 0x63001000ull, 2, 2, 3));              /* RO priv */
    /* nested with FWB */
    stream_t b = {.config = STE_CFG_NESTED, .vmid = 2, .asid = 1, .ste1 = STE_S2FWB_MASK};
    stream_setup(f, 181, &b);
    s1_map(f, &b, 0x7000, s1_leaf(3, 0x0000001000080000ull, 2, 1, 3));
    s2_map(f, &b, 0x0000001000080000ull, s2_leaf(3, 0x63400000ull, 6, 3, 3));
    s1_map(f, &b, 0x8000, s1_leaf(3, 0x0000001000081000ull, 2, 1, 3)); /* IPA unmapped */
    /* S2 only */
    stream_t c = {.config = STE_CFG_S2, .vmid = 3};
    stream_setup(f, 182, &c);
    s2_map(f, &c, 0x9000, s2_leaf(3, 0x63500000ull, 0xf, 1, 3)); /* read only */
    /* walk aborts: stage-1 table, stage-2 table of a nested stream, CD, STE */
    stream_t d = {.config = STE_CFG_S1, .vmid = 4, .asid = 1};
    stream_setup(f, 183, &d);
    s1_map(f, &d, 0x1000, s1_leaf(3, 0x63600000ull, 2, 1, 3));
    stream_t e2 = {.config = STE_CFG_NESTED, .vmid = 5, .asid = 1};
    stream_setup(f, 184, &e2);
    s1_map(f, &e2, 0x1000, s1_leaf(3, 0x0000001000090000ull, 2, 1, 3));
    s2_map(f, &e2, 0x0000001000090000ull, s2_leaf(3, 0x63700000ull, 0xf, 3, 3));
    uint64_t tbl[4];
    s1_tables(f, &d, 0x1000, tbl);
    err_range(f, tbl[2], 0x1000);               /* stage-1 level-2 table */
    err_range(f, e2.s2ttb, 0x1000);             /* stage-2 start table of 184 */
    err_range(f, CD_PA + 0x1000ull * 185, 64);  /* CD of 185 */
    err_range(f, STRTAB_PA + 64ull * 186, 64);  /* STE of 186 */
    stream_t g = {.config = STE_CFG_S1, .vmid = 6, .asid = 1};
    stream_setup(f, 185, &g);
    stream_setup(f, 186, &g);

    for (unsigned pass = 0; pass < 2; pass++) { /* misses, then hits where cacheable */
        dma_txn_t x = txn(180, 0x1010);
        exp_t e = e_ok(0x63000010ull);
        dma_result_t r = chk(f, "lat S1 4K", &x, false, &e);
        if (pass == 0)
            CHECK_EQ(r.tbl_reads, 6);
        chk(f, "lat S1 4K", &x, true, &e);
        x.addr = 0x00000000c0012340ull;
        e = e_ok(0x63212340ull);
        chk(f, "lat S1 2M Device", &x, false, &e);
        x.addr = 0x2000;
        e = e_flt(EVT_F_PERMISSION, 0, EVT_CLASS_IN);
        chk(f, "lat S1 RO priv page, unpriv", &x, false, &e);
        x.addr = 0x3000;
        e = e_flt(EVT_F_TRANSLATION, 0, EVT_CLASS_IN);
        chk(f, "lat S1 unmapped", &x, true, &e);
        x = txn(181, 0x7008);
        e = e_ok(0x63400008ull);
        r = chk(f, "lat nested", &x, false, &e);
        if (pass == 0) /* 30 uncached; with the walk caches as in xlate_nested_4x4 */
            CHECK_EQ(r.tbl_reads, 18);
        chk(f, "lat nested", &x, true, &e);
        x.addr = 0x8000;
        e = e_flt(EVT_F_TRANSLATION, 1, EVT_CLASS_IN);
        e.addr3 = 0x0000001000081000ull;
        chk(f, "lat nested final IPA unmapped", &x, false, &e);
        x = txn(182, 0x9010);
        e = e_ok(0x63500010ull);
        chk(f, "lat S2 read-only", &x, false, &e);
        e = e_flt(EVT_F_PERMISSION, 1, EVT_CLASS_IN);
        e.addr3 = 0x9000;
        chk(f, "lat S2 read-only", &x, true, &e);
        x = txn(183, 0x1000);
        e = e_flt(EVT_F_WALK_EABT, 0, EVT_CLASS_TT);
        e.addr3 = tbl[2];
        chk(f, "lat F_WALK_EABT stage 1", &x, false, &e);
        x = txn(184, 0x1000);
        e = e_flt(EVT_F_WALK_EABT, 1, EVT_CLASS_CD);
        chk(f, "lat F_WALK_EABT stage 2 (CD)", &x, true, &e);
        x = txn(185, 0x1000);
        e = e_flt(EVT_F_CD_FETCH, -1, -1);
        e.addr3 = CD_PA + 0x1000ull * 185;
        chk(f, "lat F_CD_FETCH", &x, false, &e);
        x = txn(186, 0x1000);
        e = e_flt(EVT_F_STE_FETCH, -1, -1);
        e.addr3 = STRTAB_PA + 64ull * 186;
        chk(f, "lat F_STE_FETCH", &x, true, &e);
        x = txn(300, 0x1000);
        e = e_flt(EVT_C_BAD_STREAMID, -1, -1);
        chk(f, "lat C_BAD_STREAMID", &x, false, &e);
        data_rw(f, "lat S1 data", 180, 0x1040, 0x63000040ull, 3);
        data_rw(f, "lat nested data", 181, 0x7080, 0x63400080ull, 9);
    }
    /* TLBI + CMD_SYNC with the slow port */
    s1_map(f, &a, 0x1000, s1_leaf(3, 0x63800000ull, 2, 1, 3));
    cmd_sync1(f, CMD_OP_TLBI_NH_VA | 1ull << CMD_VMID_SHIFT | 1ull << CMD_ASID_SHIFT, 0x1000);
    dma_txn_t x = txn(180, 0x1010);
    exp_t e = e_ok(0x63800010ull);
    chk(f, "lat S1 after TLBI", &x, false, &e);
    err_clear(f);
    CHECK_EQ(sim_reg_read32(t->sim, SMMU_GERROR) ^ sim_reg_read32(t->sim, SMMU_GERRORN), 0);
}

static const sim_opts_t lat_seed_a = {.seed = 1};
static const sim_opts_t lat_seed_b = {.seed = 0x5eed5eedull};
static const sim_opts_t lat_seed_c = {.seed = 0xdeadbeefcafeull};
TEST_OPTS(xlate_latency_seed1, &lat_seed_a)
{
    latency_body(t);
}
TEST_OPTS(xlate_latency_seed2, &lat_seed_b)
{
    latency_body(t);
}
TEST_OPTS(xlate_latency_seed3, &lat_seed_c)
{
    latency_body(t);
}

/* Cycles of a cold S1 miss (STE + CD + 4 levels) and a cold nested 4 x 4 miss (30 reads
 * uncached, 18 with the walk caches as in xlate_nested_4x4) with a fixed table-port
 * latency of 20 cycles and no back-pressure. */
TEST(xlate_latency_20)
{
    fx_t *f = fx_up(t, 0);
    mem_set_timing(t->sim, 20, 20, 0);
    stream_t a = {.config = STE_CFG_S1, .vmid = 1, .asid = 1};
    stream_setup(f, 190, &a);
    s1_map(f, &a, 0x0000123456789000ull, s1_leaf(3, 0x64001000ull, 2, 1, 3));
    stream_t b = {.config = STE_CFG_NESTED, .vmid = 2, .asid = 1, .ste1 = STE_S2FWB_MASK};
    stream_setup(f, 191, &b);
    s1_map(f, &b, 0x0000007000001000ull, s1_leaf(3, 0x0000001000002000ull, 2, 1, 3));
    s2_map(f, &b, 0x0000001000002000ull, s2_leaf(3, 0x64005000ull, 6, 3, 3));
    dma_txn_t x = txn(190, 0x0000123456789ab8ull);
    exp_t e = e_ok(0x64001ab8ull);
    dma_result_t r1 = chk(f, "S1 miss, latency 20", &x, false, &e);
    CHECK_EQ(r1.tbl_reads, 6);
    dma_result_t h1 = chk(f, "S1 hit, latency 20", &x, false, &e);
    x = txn(191, 0x0000007000001040ull);
    e = e_ok(0x64005040ull);
    dma_result_t r2 = chk(f, "nested miss, latency 20", &x, false, &e);
    CHECK_EQ(r2.tbl_reads, 18);
    dma_result_t h2 = chk(f, "nested hit, latency 20", &x, false, &e);
    printf("  [xlate] table latency 20: S1 miss %" PRIu64 " cycles (6 reads), nested 4x4 miss %"
           PRIu64 " cycles (18 reads); hits %" PRIu64 " / %" PRIu64 " cycles\n",
           r1.cycles, r2.cycles, h1.cycles, h2.cycles);
    /* each read costs at least the latency: a lower bound that catches a bypassed port */
    CHECK(r1.cycles >= 6 * 20, "S1 miss %" PRIu64 " cycles < 6 x 20", r1.cycles);
    CHECK(r2.cycles >= 18 * 20, "nested miss %" PRIu64 " cycles < 18 x 20", r2.cycles);
}

/* ---- 7. Interleaved traffic, commands in flight ----------------------------------------------- */

/* Small deterministic PRNG (xorshift64*), so every run is the same. */
static uint64_t rnd_next(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 0x2545f4914f6cdd1dull;
}

static unsigned rnd_below(uint64_t *s, unsigned n)
{
    return (unsigned)((rnd_next(s) >> 32) % n);
}

/* Four streams, 8 pages each: S1, nested, S2, bypass. */
#define CC_PAGES 8
static uint64_t cc_va(unsigned k, unsigned i)
{
    return k == 3 ? 0x65300000ull + 0x1000ull * i : 0x00200000ull + 0x1000ull * i;
}
static uint64_t cc_pa(unsigned k, unsigned i, unsigned gen)
{
    return k == 3 ? 0x65300000ull + 0x1000ull * i
                  : 0x65000000ull + 0x100000ull * k + 0x1000ull * i + 0x400000ull * gen;
}

/* One transaction of len bytes with data: the model's PA and attributes, the RTL's
 * response, its IDs (the harness checks RID/BID), and the data against the backdoor. */
static void cc_txn(fx_t *f, uint64_t *rs, uint32_t sid, uint64_t va, const uint64_t *pa_ok,
                   unsigned n_ok, bool cmp_model, unsigned *nr, unsigned *nw)
{
    test_ctx_t *t = f->t;
    bool write = rnd_below(rs, 2);
    dma_txn_t x = txn(sid, va + 8 * rnd_below(rs, 16));
    x.len = 8 * (1 + rnd_below(rs, 8));
    x.id = (uint8_t)rnd_below(rs, 16);
    x.prot = (uint8_t)(2 | rnd_below(rs, 2));
    uint64_t buf[8], mem[8];
    smmu_model_result_t mr;
    if (cmp_model)
        model_run(f, &x, write, false, &mr);
    dma_result_t r;
    if (write) {
        for (unsigned i = 0; i < 8; i++)
            buf[i] = rnd_next(rs);
        r = dma_write(t->sim, &x, buf);
        (*nw)++;
    } else {
        r = dma_read(t->sim, &x, buf);
        (*nr)++;
    }
    bool pa_good = false;
    for (unsigned i = 0; i < n_ok; i++)
        pa_good |= r.dn.addr == pa_ok[i] + (x.addr & 0xfff);
    CHECK(r.resp == 0 && r.dn.seen && pa_good,
          "sid %u %s va 0x%" PRIx64 " id %u: resp %d PA 0x%" PRIx64, sid,
          write ? "write" : "read", x.addr, x.id, r.resp, r.dn.addr);
    if (cmp_model && mr.outcome == SMMU_MODEL_OK) {
        CHECK(r.dn.addr == mr.pa && r.dn.attr == mr.attr && r.dn.cache == mr.axcache &&
                  r.dn.domain == mr.axdomain && (r.dn.prot & 7) == mr.axprot,
              "sid %u va 0x%" PRIx64 ": RTL PA 0x%" PRIx64 " attr 0x%02x cache 0x%x dom %u "
              "prot %u, model 0x%" PRIx64 " 0x%02x 0x%x %u %u",
              sid, x.addr, r.dn.addr, r.dn.attr, r.dn.cache, r.dn.domain, r.dn.prot, mr.pa,
              mr.attr, mr.axcache, mr.axdomain, mr.axprot);
    }
    if (r.resp == 0 && r.dn.seen) {
        mem_read(t->sim, r.dn.addr, mem, x.len);
        CHECK(memcmp(buf, mem, x.len) == 0, "sid %u %s va 0x%" PRIx64 " PA 0x%" PRIx64
              ": data differs from memory", sid, write ? "write" : "read", x.addr, r.dn.addr);
    }
}

TEST(xlate_concurrency)
{
    fx_t *f = fx_up(t, 0);
    sim_t *sim = t->sim;
    uint64_t rs = 0x1234567887654321ull;
    /* slow memory on both ports, so commands and traffic overlap for longer */
    mem_set_timing(sim, 4, 24, 20);
    stream_t st[4] = {
        {.config = STE_CFG_S1, .vmid = 0x41, .asid = 1},
        {.config = STE_CFG_NESTED, .vmid = 0x42, .asid = 2, .ste1 = STE_S2FWB_MASK},
        {.config = STE_CFG_S2, .vmid = 0x43},
        {.config = STE_CFG_BYPASS},
    };
    const uint32_t sid[4] = {200, 201, 202, 203};
    for (unsigned k = 0; k < 4; k++)
        stream_setup(f, sid[k], &st[k]); /* S2PTW = 0: table pages may be any type */
    /* two generations of mappings; gen 1 replaces gen 0 for page 3 of S1, nested and S2 */
    for (unsigned k = 0; k < 3; k++)
        for (unsigned i = 0; i < CC_PAGES; i++) {
            uint64_t pa = cc_pa(k, i, 0);
            if (k == 0)
                s1_map(f, &st[0], cc_va(0, i), s1_leaf(3, pa, 2, 1, 3));
            else if (k == 1) {
                s1_map(f, &st[1], cc_va(1, i), s1_leaf(3, 0x0000001000100000ull + 0x1000 * i, 2,
                                                      1, 3));
                s2_map(f, &st[1], 0x0000001000100000ull + 0x1000 * i, s2_leaf(3, pa, 6, 3, 3));
            } else
                s2_map(f, &st[2], cc_va(2, i), s2_leaf(3, pa, 0xf, 3, 3));
        }
    sim_counters_t c0, c1;
    sim_counters(sim, &c0);
    unsigned nr = 0, nw = 0;
    uint64_t syncs0 = sim_irq_count(sim, SIM_IRQ_CMD_SYNC);
    unsigned nsync = 0;

    /* phase 1: random interleaving, with TLBI_NSNH_ALL + CMD_SYNC kicked every 16 and
     * run to completion under the traffic */
    for (unsigned it = 0; it < 160; it++) {
        unsigned k = rnd_below(&rs, 4), i = rnd_below(&rs, CC_PAGES);
        uint64_t pa = cc_pa(k, i, 0);
        if (it % 16 == 0) {
            cmd_put(f, CMD_OP_TLBI_NSNH_ALL, 0);
            cmd_put(f, CMD_OP_CMD_SYNC | 1u << CMD_CS_SHIFT, 0);
            cmd_kick(f);
            nsync++;
        }
        cc_txn(f, &rs, sid[k], cc_va(k, i), &pa, 1, true, &nr, &nw);
        if (it % 16 == 15)
            CHECK(cmd_wait(f), "CMD_SYNC under traffic (iteration %u) did not complete", it);
    }
    /* phase 2: page 3 of streams 0..2 moves to gen 1 behind the TLB; the invalidations and
     * a CMD_SYNC are kicked and traffic runs while they execute: until the CMD_SYNC
     * completes a transaction may use either translation, after it only the new one. */
    for (unsigned k = 0; k < 3; k++) {
        uint64_t pa = cc_pa(k, 3, 1);
        if (k == 0)
            s1_map(f, &st[0], cc_va(0, 3), s1_leaf(3, pa, 2, 1, 3));
        else if (k == 1)
            s2_map(f, &st[1], 0x0000001000103000ull, s2_leaf(3, pa, 6, 3, 3));
        else
            s2_map(f, &st[2], cc_va(2, 3), s2_leaf(3, pa, 0xf, 3, 3));
    }
    cmd_put(f, CMD_OP_TLBI_NH_VA | 0x41ull << CMD_VMID_SHIFT | 1ull << CMD_ASID_SHIFT,
            cc_va(0, 3));
    cmd_put(f, CMD_OP_TLBI_S2_IPA | 0x42ull << CMD_VMID_SHIFT, 0x0000001000103000ull);
    cmd_put(f, CMD_OP_TLBI_S2_IPA | 0x43ull << CMD_VMID_SHIFT, cc_va(2, 3));
    cmd_put(f, CMD_OP_CMD_SYNC | 1u << CMD_CS_SHIFT, 0);
    cmd_kick(f);
    nsync++;
    unsigned overlap = 0;
    for (unsigned it = 0; it < 12; it++) {
        overlap += (sim_reg_read32(sim, SMMU_CMDQ_CONS) & SMMU_CMDQ_CONS_RD_MASK) != f->cmd_prod;
        unsigned k = rnd_below(&rs, 3);
        uint64_t both[2] = {cc_pa(k, 3, 0), cc_pa(k, 3, 1)};
        cc_txn(f, &rs, sid[k], cc_va(k, 3), both, 2, false, &nr, &nw);
        unsigned j = rnd_below(&rs, CC_PAGES);
        uint64_t pa = cc_pa(3, j, 0);
        cc_txn(f, &rs, sid[3], cc_va(3, j), &pa, 1, true, &nr, &nw);
    }
    CHECK(cmd_wait(f), "CMD_SYNC with TLBIs under traffic did not complete");
    test_log(t, "phase 2: %u of 12 transaction pairs started with the CMD_SYNC pending", overlap);
    for (unsigned it = 0; it < 48; it++) {
        unsigned k = rnd_below(&rs, 4), i = rnd_below(&rs, CC_PAGES);
        uint64_t pa = cc_pa(k, i, i == 3 ? 1 : 0);
        cc_txn(f, &rs, sid[k], cc_va(k, i), &pa, 1, true, &nr, &nw);
    }
    sim_counters(sim, &c1);
    CHECK_EQ(c1.dn_ar - c0.dn_ar, nr);
    CHECK_EQ(c1.dn_aw - c0.dn_aw, nw);
    CHECK_EQ(sim_irq_count(sim, SIM_IRQ_CMD_SYNC) - syncs0, nsync);
    CHECK(evt_none(f), "events during the concurrency test");
    CHECK_EQ(sim_reg_read32(sim, SMMU_GERROR) ^ sim_reg_read32(sim, SMMU_GERRORN), 0);
    test_log(t, "%u reads, %u writes, %u CMD_SYNCs", nr, nw, nsync);
}

/* ---- 8. Malformed tables: random STEs, CDs and descriptors -------------------------------- */

#define G_PA    0x04000000ull /* garbage descriptor pages */
#define G_PAGES 64u
#define DATA_PA 0x20000000ull /* where most random leaves point */

static bool rnd_pct(uint64_t *rs, unsigned pct)
{
    return rnd_below(rs, 100) < pct;
}

/* Descriptor pages have a level role, so random walks still reach leaves often enough:
 * pages 0..7 level 0, 8..15 level 1, 16..31 level 2, 32..63 level 3. */
static const unsigned g_first[5] = {0, 8, 16, 32, 64};

static uint64_t g_page_lvl(uint64_t *rs, unsigned lvl)
{
    if (lvl > 3)
        lvl = 3;
    return G_PA + 0x1000ull * (g_first[lvl] + rnd_below(rs, g_first[lvl + 1] - g_first[lvl]));
}

static uint64_t g_page(uint64_t *rs)
{
    return G_PA + 0x1000ull * rnd_below(rs, G_PAGES);
}

/* A random output address for a leaf: mostly the data region, sometimes a table page
 * (nested walks then read garbage through stage 2), sometimes anything up to 2^52. */
static uint64_t g_oa(uint64_t *rs)
{
    unsigned k = rnd_below(rs, 100);
    if (k < 65)
        return DATA_PA + 0x1000ull * rnd_below(rs, 4096);
    if (k < 92)
        return g_page(rs);
    return rnd_next(rs) & 0x000ffffffffff000ull;
}

/* A random descriptor for a page of level lvl. */
static uint64_t g_desc(uint64_t *rs, unsigned lvl)
{
    static const unsigned inval[4] = {12, 10, 10, 10}, table[4] = {82, 65, 65, 0},
                          leaf[4] = {90, 93, 93, 95};
    unsigned k = rnd_below(rs, 100);
    uint64_t r = rnd_next(rs);
    if (k < inval[lvl])
        return r & ~1ull; /* invalid, the rest random */
    if (k < table[lvl])   /* table (a page of the next level); attribute/ignored bits random */
        return g_page_lvl(rs, lvl + 1) | 3 | (r & 0xfff8000000000ffcull);
    if (k < leaf[lvl]) {  /* block or page with random attributes; AF mostly set */
        uint64_t d = g_oa(rs) | (lvl == 3 ? (rnd_pct(rs, 95) ? 3 : 1) : 1) |
                     (r & 0x0078000000000bfcull) | (rnd_pct(rs, 85) ? 1ull << 10 : 0);
        if (rnd_pct(rs, 25))
            d |= r & 0x0060000000000000ull; /* PXN/UXN (stage 2: XN[1:0]) */
        if (rnd_pct(rs, 10))
            d |= r & 0x0018000000000000ull; /* DBM, Contiguous */
        return d;
    }
    return r;
}

/* A random STE; with `clean` only the fields that leave it legal are random (Config,
 * overrides, attributes, S2 geometry drawn from the consistent combinations). */
static void g_ste(uint64_t *rs, uint32_t sid, uint16_t vmid, bool el2_ok, bool clean,
                  uint64_t *ste)
{
    static const unsigned cfgs[] = {STE_CFG_ABORT, STE_CFG_BYPASS, STE_CFG_S1, STE_CFG_S1,
                                    STE_CFG_S1, STE_CFG_S2, STE_CFG_S2, STE_CFG_NESTED,
                                    STE_CFG_NESTED, STE_CFG_NESTED, STE_CFG_NESTED, 1};
    memset(ste, 0, 8 * sizeof *ste);
    unsigned cfg = cfgs[rnd_below(rs, sizeof cfgs / sizeof cfgs[0])];
    uint64_t cdp = clean || rnd_pct(rs, 70) ? CD_PA + 0x1000ull * sid
                   : rnd_pct(rs, 60) ? g_page(rs) + 64ull * rnd_below(rs, 64)
                                     : rnd_next(rs) & STE_S1CONTEXTPTR_MASK;
    ste[0] = (clean || rnd_pct(rs, 90) ? STE_V_MASK : 0) | (uint64_t)cfg << STE_CONFIG_SHIFT |
             cdp;
    if (rnd_pct(rs, 8))
        ste[0] |= rnd_next(rs) & (STE_S1FMT_MASK | STE_S1CDMAX_MASK);
    ste[1] = rnd_next(rs) & (STE_S1DSS_MASK | STE_S1CIR_MASK | STE_S1COR_MASK |
                             STE_S1CSH_MASK | STE_DRE_MASK | STE_CONT_MASK | STE_MEV_MASK |
                             STE_S2FWB_MASK | STE_MEMATTR_MASK | STE_MTCFG_MASK |
                             STE_ALLOCCFG_MASK | STE_SHCFG_MASK | STE_NSCFG_MASK |
                             STE_PRIVCFG_MASK | STE_INSTCFG_MASK);
    if (!clean && rnd_pct(rs, 10))
        ste[1] |= STE_S1STALLD_MASK;
    if (rnd_pct(rs, 5))
        ste[1] |= rnd_next(rs) & STE_EATS_MASK;
    /* StreamWorld: only one stream may be EL2 (its TLB entries have no VMID); STRW = 01
     * and 11 are C_BAD_STE for stage-1-only streams (and ignored otherwise) */
    if (el2_ok)
        ste[1] |= 2ull << STE_STRW_SHIFT;
    else if (!clean && rnd_pct(rs, 10))
        ste[1] |= (rnd_pct(rs, 50) ? 1ull : 3ull) << STE_STRW_SHIFT;
    unsigned t0sz, sl0;
    if (clean || rnd_pct(rs, 50)) { /* a consistent start level, sometimes concatenated */
        sl0 = rnd_below(rs, 3);
        t0sz = sl0 == 2 ? 16 + rnd_below(rs, 9) : sl0 == 1 ? 21 + rnd_below(rs, 13)
                                                           : 30 + rnd_below(rs, 10);
    } else {
        sl0 = rnd_below(rs, 4);
        t0sz = rnd_below(rs, 64);
    }
    ste[2] = vmid | (uint64_t)t0sz << STE_S2T0SZ_SHIFT | (uint64_t)sl0 << STE_S2SL0_SHIFT |
             (rnd_next(rs) & (STE_S2IR0_MASK | STE_S2OR0_MASK | STE_S2SH0_MASK |
                              STE_S2AFFD_MASK | STE_S2PTW_MASK)) |
             (rnd_pct(rs, 70) ? 5ull : 3 + rnd_below(rs, 5)) << STE_S2PS_SHIFT |
             (clean || rnd_pct(rs, 90) ? STE_S2AA64_MASK : 0) |
             (rnd_pct(rs, 92) ? STE_S2R_MASK : 0);
    if (!clean && rnd_pct(rs, 20))
        ste[2] |= rnd_next(rs) & (STE_S2TG_MASK | STE_S2ENDI_MASK | STE_S2HD_MASK |
                                  STE_S2HA_MASK | STE_S2S_MASK);
    /* start table(s) of the start level (concatenated ones run into the next pages) */
    ste[3] = clean || rnd_pct(rs, 70) ? g_page_lvl(rs, sl0 == 2 ? 0 : sl0 == 1 ? 1 : 2)
                                      : rnd_next(rs) & STE_S2TTB_MASK;
    if (rnd_pct(rs, 20)) /* dwords 4..7: unused by this subset */
        for (unsigned i = 4; i < 8; i++)
            ste[i] = rnd_next(rs);
}

static void g_cd(uint64_t *rs, bool clean, uint64_t *cd)
{
    memset(cd, 0, 8 * sizeof *cd);
    unsigned t0sz = clean || rnd_pct(rs, 60) ? 16 + rnd_below(rs, 24) : rnd_below(rs, 64);
    cd[0] = t0sz | (uint64_t)(16 + rnd_below(rs, 24)) << CD_T1SZ_SHIFT |
            (rnd_next(rs) & (CD_IR0_MASK | CD_OR0_MASK | CD_SH0_MASK | CD_IR1_MASK |
                             CD_OR1_MASK | CD_SH1_MASK | CD_AFFD_MASK | CD_WXN_MASK |
                             CD_UWXN_MASK | CD_TBI0_MASK | CD_TBI1_MASK | CD_PAN_MASK |
                             CD_ASET_MASK | CD_ASID_MASK)) |
            (rnd_pct(rs, 70) ? 5ull : rnd_below(rs, 8)) << CD_IPS_SHIFT |
            2ull << CD_TG1_SHIFT | /* 4 KB for TTB1 */
            (rnd_pct(rs, 75) ? CD_EPD1_MASK : 0) | (rnd_pct(rs, 4) ? CD_EPD0_MASK : 0) |
            (clean || rnd_pct(rs, 90) ? CD_V_MASK : 0) |
            (clean || rnd_pct(rs, 90) ? CD_AA64_MASK : 0) | (rnd_pct(rs, 92) ? CD_R_MASK : 0) |
            (clean || rnd_pct(rs, 90) ? CD_A_MASK : 0);
    if (!clean && rnd_pct(rs, 25))
        cd[0] |= rnd_next(rs) & (CD_TG0_MASK | CD_TG1_MASK | CD_ENDI_MASK | CD_HD_MASK |
                                 CD_HA_MASK | CD_S_MASK);
    unsigned start = t0sz <= 24 ? 0 : t0sz <= 33 ? 1 : 2;
    cd[1] = (clean || rnd_pct(rs, 80) ? g_page_lvl(rs, start) : rnd_next(rs) & CD_TTB0_MASK) |
            (rnd_next(rs) & (CD_HAD0_MASK | CD_E0PD0_MASK));
    unsigned t1 = (unsigned)((cd[0] & CD_T1SZ_MASK) >> CD_T1SZ_SHIFT);
    cd[2] = (rnd_pct(rs, 92) ? g_page_lvl(rs, t1 <= 24 ? 0 : t1 <= 33 ? 1 : 2)
                             : rnd_next(rs) & CD_TTB1_MASK) |
            (rnd_next(rs) & CD_HAD1_MASK);
    cd[3] = rnd_next(rs); /* MAIR: every attribute byte, reserved ones included */
    if (rnd_pct(rs, 20))
        for (unsigned i = 4; i < 8; i++)
            cd[i] = rnd_next(rs);
}

static uint64_t g_addr(uint64_t *rs)
{
    unsigned k = rnd_below(rs, 100);
    uint64_t r = rnd_next(rs);
    uint64_t a;
    if (k < 55)
        a = r & 0x000000ffffffffffull; /* 40 bits: inside most T0SZ */
    else if (k < 70)
        a = r & 0x0000ffffffffffffull;
    else if (k < 80)
        a = r | 0xffff800000000000ull; /* the TTB1 half */
    else if (k < 90)
        a = (r & 0x000000ffffffffffull) | (rnd_next(rs) & 0xff00000000000000ull); /* TBI */
    else if (k < 95)
        a = DATA_PA + (r & 0xffffffull); /* for bypass streams */
    else
        a = r;
    return a & ~7ull;
}

static void garbage_body(test_ctx_t *t, uint64_t seed, unsigned n_txn, bool slow)
{
    fx_t *f = fx_up(t, 0);
    sim_t *sim = t->sim;
    uint64_t rs = seed;
    if (slow)
        mem_set_timing(sim, 1, 30, 40);
    for (unsigned lvl = 0; lvl < 4; lvl++)
        for (unsigned p = g_first[lvl]; p < g_first[lvl + 1]; p++)
            for (unsigned i = 0; i < 512; i++)
                mem_write64(sim, G_PA + 0x1000ull * p + 8 * i, g_desc(&rs, lvl));
    /* 24 random streams (unique VMIDs), one of them allowed to be EL2 */
    enum { NS = 24 };
    uint32_t sids[NS];
    for (unsigned i = 0; i < NS; i++) {
        uint32_t sid;
        bool dup;
        do {
            sid = rnd_below(&rs, 256);
            dup = false;
            for (unsigned j = 0; j < i; j++)
                dup |= sids[j] == sid;
        } while (dup);
        sids[i] = sid;
        uint64_t ste[8], cd[8];
        bool clean = rnd_pct(&rs, 70);
        g_ste(&rs, sid, (uint16_t)(0x100 + i), i == 0, clean, ste);
        g_cd(&rs, clean, cd);
        unsigned cfg = (unsigned)((ste[0] & STE_CONFIG_MASK) >> STE_CONFIG_SHIFT);
        if (cfg == STE_CFG_NESTED && rnd_pct(&rs, 60)) {
            /* a sane stage 2 under the garbage stage 1: 39-bit IPA, one level-1 table of
             * identity 1 GB blocks with random attributes (MemAttr, S2AP, XN, AF, SH) */
            uint64_t tbl = S2_POOL + 0x1000ull * i;
            for (unsigned j = 0; j < 512; j++) {
                uint64_t r = rnd_next(&rs);
                uint64_t d = (uint64_t)j << 30 | 1 | (r & 0x3c0ull /* SH, S2AP */) |
                             (rnd_pct(&rs, 70) ? 0xfull << 2 : r & 0x3cull) |
                             (rnd_pct(&rs, 92) ? 1ull << 10 : 0) |
                             (rnd_pct(&rs, 20) ? r & 0x0060000000000000ull : 0);
                if (rnd_pct(&rs, 75))
                    d |= 3ull << 6;
                mem_write64(sim, tbl + 8 * j, d);
            }
            ste[2] = (ste[2] & ~(STE_S2T0SZ_MASK | STE_S2SL0_MASK | STE_S2PS_MASK)) |
                     25ull << STE_S2T0SZ_SHIFT | 1ull << STE_S2SL0_SHIFT |
                     5ull << STE_S2PS_SHIFT;
            ste[3] = tbl;
        }
        wr_struct(f, STRTAB_PA + 64ull * sid, ste);
        wr_struct(f, CD_PA + 0x1000ull * sid, cd);
    }
    /* aborts: three descriptor pages, one CD, one STE */
    err_range(f, G_PA + 0x1000ull * 5, 0x1000);  /* a level-0 page */
    err_range(f, G_PA + 0x1000ull * 20, 0x1000); /* a level-2 page */
    err_range(f, G_PA + 0x1000ull * 40, 0x1000); /* a level-3 page */
    err_range(f, CD_PA + 0x1000ull * sids[1], 64);
    err_range(f, STRTAB_PA + 64ull * sids[2], 64);

    unsigned n_ok = 0, n_fault = 0, n_noevt = 0, n_w = 0, n_hist = 0, hist_w = 0;
    uint32_t hist_sid[64];
    uint64_t hist_addr[64];
    unsigned by_type[256] = {0}, ok_path[8] = {0};
    for (unsigned n = 0; n < n_txn; n++) {
        unsigned k = rnd_below(&rs, 100);
        uint32_t sid = k < 90 ? sids[rnd_below(&rs, NS)]
                       : k < 95 ? 256 + rnd_below(&rs, 0xfe00) /* beyond LOG2SIZE */
                                : rnd_below(&rs, 256);          /* maybe an all-zero STE */
        dma_txn_t x = txn(sid, g_addr(&rs));
        if (n_hist && rnd_pct(&rs, 35)) { /* again near an address that translated */
            unsigned h = rnd_below(&rs, n_hist);
            x.sid = sid = hist_sid[h];
            x.addr = (hist_addr[h] & ~0xfffull) | (rnd_next(&rs) & 0xff8);
        }
        x.prot = (uint8_t)rnd_below(&rs, 8);
        x.cache = (uint8_t)rnd_below(&rs, 16);
        x.domain = (uint8_t)(rnd_pct(&rs, 50) ? 3 : rnd_below(&rs, 4));
        x.nosnoop = rnd_pct(&rs, 10);
        x.ssv = rnd_pct(&rs, 3);
        x.id = (uint8_t)rnd_below(&rs, 16);
        bool write = rnd_pct(&rs, 40);
        smmu_model_result_t mr;
        model_run(f, &x, write, false, &mr);
        /* never let a write land on the tables, queues or descriptors */
        if (write && mr.outcome == SMMU_MODEL_OK && mr.pa < DATA_PA)
            write = false;
        sim_counters_t c0, c1;
        sim_counters(sim, &c0);
        char what[64];
        snprintf(what, sizeof what, "garbage #%u sid %u", n, sid);
        run_cmp(f, what, &x, write, false, &mr);
        sim_counters(sim, &c1);
        bool ok = mr.outcome == SMMU_MODEL_OK;
        CHECK(c1.dn_ar - c0.dn_ar == (uint64_t)(ok && !write) &&
                  c1.dn_aw - c0.dn_aw == (uint64_t)(ok && write),
              "%s: downstream AR +%" PRIu64 " AW +%" PRIu64 ", model %s %s", what,
              c1.dn_ar - c0.dn_ar, c1.dn_aw - c0.dn_aw, ok ? "OK" : "abort",
              write ? "write" : "read");
        if (ok && mr.path != SMMU_MODEL_PATH_BYPASS) { /* hits on translated pages */
            hist_sid[hist_w % 64] = sid;
            hist_addr[hist_w % 64] = x.addr;
            hist_w++;
            n_hist = hist_w < 64 ? hist_w : 64;
        }
        n_ok += ok;
        n_w += ok && write;
        ok_path[mr.path & 7] += ok;
        n_fault += mr.outcome == SMMU_MODEL_FAULT;
        n_noevt += mr.outcome == SMMU_MODEL_ABORT_NO_EVENT;
        by_type[mr.fault]++;
        if (t->failures > 20)
            break;
    }
    char types[512];
    size_t len = 0;
    for (unsigned i = 0; i < 256 && len < sizeof types - 16; i++)
        if (by_type[i] && i)
            len += (size_t)snprintf(types + len, sizeof types - len, " %02x:%u", i, by_type[i]);
    types[len] = 0;
    printf("  [xlate] garbage seed 0x%" PRIx64 ": %u transactions, %u OK (%u writes; bypass %u,"
           " S1 %u, S2 %u, nested %u), %u faults, %u aborts without event; fault types:%s\n",
           seed, n_txn, n_ok, n_w, ok_path[SMMU_MODEL_PATH_BYPASS], ok_path[SMMU_MODEL_PATH_S1],
           ok_path[SMMU_MODEL_PATH_S2], ok_path[SMMU_MODEL_PATH_NESTED], n_fault, n_noevt,
           types);
    CHECK(ok_path[SMMU_MODEL_PATH_S1] + ok_path[SMMU_MODEL_PATH_S2] +
                  ok_path[SMMU_MODEL_PATH_NESTED] >= n_txn / 20,
          "the garbage run translated too few transactions through a walk");
    CHECK(n_ok > n_txn / 20, "too few successful translations (%u) to mean much", n_ok);
    err_clear(f);
    /* still alive: a clean translation after all that */
    stream_t s = {.config = STE_CFG_S1, .vmid = 0x7fff, .asid = 1};
    uint32_t sid = 255;
    for (unsigned i = 0; i < NS; i++)
        if (sids[i] == sid)
            sid = 254 - i; /* any StreamID not in the random set */
    stream_setup(f, sid, &s);
    s1_map(f, &s, 0x1000, s1_leaf(3, 0x66000000ull, 2, 1, 3));
    cmd_sync1(f, CMD_OP_CFGI_STE, (uint64_t)0); /* harmless; checks the queue still runs */
    dma_txn_t x = txn(sid, 0x1008);
    exp_t e = e_ok(0x66000008ull);
    chk(f, "after the garbage", &x, false, &e);
    CHECK_EQ(sim_reg_read32(sim, SMMU_GERROR) ^ sim_reg_read32(sim, SMMU_GERRORN), 0);
}

TEST(xlate_garbage)
{
    garbage_body(t, 0x9e3779b97f4a7c15ull, 1500, false);
}

TEST(xlate_garbage_seed2)
{
    garbage_body(t, 0x0123456789abcdefull, 1500, false);
}

static const sim_opts_t garbage_slow_opts = {.seed = 77};
TEST_OPTS(xlate_garbage_slow, &garbage_slow_opts)
{
    garbage_body(t, 0xfeedfacef00dull, 1000, true);
}

/* ---- 9. Walk caches and the TLBI scopes --------------------------------------------------- */

/* The PA of the descriptor at `level` on the walk of ia in a tree (root, start level,
 * index bits at the start level). */
static uint64_t desc_pa(fx_t *f, uint64_t root, unsigned start, unsigned sbits, uint64_t ia,
                        unsigned level)
{
    uint64_t tbl = root;
    for (unsigned lvl = start;; lvl++) {
        unsigned shift = 12 + 9 * (3 - lvl), bits = lvl == start ? sbits : 9;
        uint64_t da = tbl + (((ia >> shift) & ((1ull << bits) - 1)) << 3);
        if (lvl == level)
            return da;
        tbl = mem_read64(f->t->sim, da) & 0x0000fffffffff000ull;
    }
}

/* A privileged read (AP = 00 leaves), returning the downstream PA or ~0. */
static uint64_t rd_priv(fx_t *f, uint32_t sid, uint64_t addr, uint64_t *reads)
{
    dma_txn_t x = txn(sid, addr);
    x.prot = 3;
    uint64_t d;
    dma_result_t r = dma_read(f->t->sim, &x, &d);
    *reads = r.tbl_reads;
    return r.resp == 0 && r.dn.seen ? r.dn.addr : ~0ull;
}

enum { WK_S1, WK_S2, WK_NEST, WK_EL2 };

/* Pages A, C, D share a last-level table T (stage 1, or stage 2 for the S2 and nested
 * streams). A is walked, so the walk caches hold the way to T; then the level-2
 * descriptor is pointed at a copy T' that maps C and D elsewhere. C is read before any
 * invalidation: the walk resumes at T from the walk cache (one read; nested two: the
 * stage-1 leaf and the stage-2 leaf of its IPA) and gets the old PA. Then the TLBI and a
 * CMD_SYNC: D (never read, so not in the TLB) gets T''s PA when the command's scope covers
 * the cached entries, else still T's (the scope leaves them, 4.4). */
static void walk_cache_scopes(test_ctx_t *t, bool e2h)
{
    fx_t *f = fx_up(t, e2h ? SMMU_CR2_E2H_MASK : 0);
    const uint16_t v1 = 0x21, a1 = 0x33, v2 = 0x25, v3 = 0x27, a3 = 0x35, a4 = 0x44;
    stream_t s[4] = {
        {.config = STE_CFG_S1, .vmid = v1, .asid = a1},
        {.config = STE_CFG_S2, .vmid = v2},
        {.config = STE_CFG_NESTED, .vmid = v3, .asid = a3},
        {.config = STE_CFG_S1, .asid = a4, .ste1 = 2ull << STE_STRW_SHIFT},
    };
    for (unsigned k = 0; k < 4; k++)
        stream_setup(f, 90 + k, &s[k]);
#define VM(v) ((uint64_t)(v) << CMD_VMID_SHIFT)
#define AS(a) ((uint64_t)(a) << CMD_ASID_SHIFT)
    struct {
        const char *what;
        int kind;
        uint64_t dw0;
        bool addr, covers;
    } c[] = {
        {"NH_ALL", WK_S1, CMD_OP_TLBI_NH_ALL | VM(v1), false, true},
        {"NH_ASID", WK_S1, CMD_OP_TLBI_NH_ASID | VM(v1) | AS(a1), false, true},
        {"NH_VA", WK_S1, CMD_OP_TLBI_NH_VA | VM(v1) | AS(a1), true, true},
        {"NH_VAA", WK_S1, CMD_OP_TLBI_NH_VAA | VM(v1), true, true},
        {"S12_VMALL", WK_S1, CMD_OP_TLBI_S12_VMALL | VM(v1), false, true},
        {"NSNH_ALL", WK_S1, CMD_OP_TLBI_NSNH_ALL, false, true},
        {"NH_ALL of another VMID", WK_S1, CMD_OP_TLBI_NH_ALL | VM(v1 + 1), false, false},
        {"NH_ASID of another ASID", WK_S1, CMD_OP_TLBI_NH_ASID | VM(v1) | AS(a1 + 1), false,
         false},
        {"S2_IPA (stage 2 only)", WK_S1, CMD_OP_TLBI_S2_IPA | VM(v1), true, false},
        {"EL2_ALL (EL2 only)", WK_S1, CMD_OP_TLBI_EL2_ALL, false, false},
        {"S2_IPA", WK_S2, CMD_OP_TLBI_S2_IPA | VM(v2), true, true},
        {"S12_VMALL", WK_S2, CMD_OP_TLBI_S12_VMALL | VM(v2), false, true},
        {"NSNH_ALL", WK_S2, CMD_OP_TLBI_NSNH_ALL, false, true},
        {"NH_ALL (stage 1 only)", WK_S2, CMD_OP_TLBI_NH_ALL | VM(v2), false, false},
        {"S2_IPA of another VMID", WK_S2, CMD_OP_TLBI_S2_IPA | VM(v2 + 1), true, false},
        {"S2_IPA", WK_NEST, CMD_OP_TLBI_S2_IPA | VM(v3), true, true},
        {"S12_VMALL", WK_NEST, CMD_OP_TLBI_S12_VMALL | VM(v3), false, true},
        {"NH_ALL (stage 1 only)", WK_NEST, CMD_OP_TLBI_NH_ALL | VM(v3), false, false},
        {"EL2_ALL", WK_EL2, CMD_OP_TLBI_EL2_ALL, false, true},
        {"EL2_VA", WK_EL2, CMD_OP_TLBI_EL2_VA | AS(a4), true, true},
        {"EL2_VAA", WK_EL2, CMD_OP_TLBI_EL2_VAA, true, true},
        {"EL2_ASID", WK_EL2, CMD_OP_TLBI_EL2_ASID | AS(a4), false, e2h},
        {"EL2_ASID of another ASID", WK_EL2, CMD_OP_TLBI_EL2_ASID | AS(a4 + 1), false, false},
        {"NSNH_ALL (NS-EL1 only)", WK_EL2, CMD_OP_TLBI_NSNH_ALL, false, false},
    };
#undef VM
#undef AS
    const unsigned nc = sizeof c / sizeof c[0];
    unsigned checked = 0;
    for (unsigned i = 0; i < nc; i++) {
        stream_t *st = &s[c[i].kind];
        const uint32_t sid = 90 + (uint32_t)c[i].kind;
        const uint64_t base = (uint64_t)(i + 1) << 30; /* a level-1 entry of its own */
        const uint64_t ipa = 0x0000001000000000ull + base;
        const uint64_t pa = 0x60000000ull + ((uint64_t)i << 16), pn = pa + 0x8000;
        const bool s2tree = c[i].kind == WK_S2 || c[i].kind == WK_NEST;
        uint64_t in[3] = {base, base + 0x1000, base + 0x2000}; /* A, C, D */
        uint64_t reads, got;
        /* A, C, D: to pa + 0, 0x1000, 0x2000 through T */
        for (unsigned k = 0; k < 3; k++) {
            if (c[i].kind == WK_S2)
                s2_map(f, st, in[k], s2_leaf(3, pa + 0x1000 * k, 0xf, 3, 3));
            else if (c[i].kind == WK_NEST) {
                s1_map(f, st, in[k], s1_leaf(3, ipa + 0x1000 * k, 2, 0, 3));
                s2_map(f, st, ipa + 0x1000 * k, s2_leaf(3, pa + 0x1000 * k, 0xf, 3, 3));
            } else
                s1_map(f, st, in[k], s1_leaf(3, pa + 0x1000 * k, 2, 0, 3));
        }
        cmd_sync1(f, CMD_OP_TLBI_NSNH_ALL, 0);
        cmd_sync1(f, CMD_OP_TLBI_EL2_ALL, 0);
        got = rd_priv(f, sid, in[0] + 8, &reads);
        CHECK(got == pa + 8, "%s (%d): A PA 0x%" PRIx64, c[i].what, c[i].kind, got);
        /* T' maps C and D to pn; the level-2 descriptor of the tree that holds T points
         * at it */
        uint64_t tn = alloc(s2tree ? &f->s2_next : &f->s1_next, 0x1000);
        for (unsigned k = 0; k < 512; k++)
            mem_write64(t->sim, tn + 8 * k, 0);
        const uint64_t key = c[i].kind == WK_NEST ? ipa : base;
        for (unsigned k = 1; k < 3; k++) {
            uint64_t leaf = s2tree ? s2_leaf(3, pn + 0x1000 * k, 0xf, 3, 3)
                                   : s1_leaf(3, pn + 0x1000 * k, 2, 0, 3);
            mem_write64(t->sim, tn + 8 * (((key >> 12) + k) & 511), leaf & ~(3ull << 62));
        }
        uint64_t l2 = s2tree ? desc_pa(f, st->s2ttb, st->s2_start, st->s2_sbits, key, 2)
                             : desc_pa(f, st->ttb0, st->s1_start, st->s1_sbits, key, 2);
        mem_write64(t->sim, l2, tn | 3);
        /* C: the walk resumes at T (cached) */
        got = rd_priv(f, sid, in[1] + 8, &reads);
        CHECK(got == pa + 0x1008 && reads == (c[i].kind == WK_NEST ? 2u : 1u),
              "%s (%d): C PA 0x%" PRIx64 " (want the old 0x%" PRIx64 ") with %" PRIu64
              " reads: the walk cache was not used", c[i].what, c[i].kind, got, pa + 0x1008,
              reads);
        /* the TLBI (by address: D's input, the IPA for stage 2) and a CMD_SYNC */
        uint64_t dw1 = 0;
        if (c[i].addr)
            dw1 = (c[i].kind == WK_NEST ? ipa + 0x2000 : in[2]) & CMD_ADDR_MASK;
        cmd_sync1(f, c[i].dw0, dw1);
        got = rd_priv(f, sid, in[2] + 8, &reads);
        uint64_t want = c[i].covers ? pn + 0x2008 : pa + 0x2008;
        CHECK(got == want, "%s (%d): D PA 0x%" PRIx64 ", want 0x%" PRIx64 " (%s)", c[i].what,
              c[i].kind, got, want, c[i].covers ? "the scope covers the cached walk"
                                                 : "the scope leaves it");
        checked++;
    }
    CHECK_EQ(checked, nc);
}

TEST(xlate_walk_cache_tlbi)
{
    walk_cache_scopes(t, false);
}

TEST(xlate_walk_cache_tlbi_e2h)
{
    walk_cache_scopes(t, true);
}
