/*
 * The simulation core: the Verilated smmu_top, the clock, reset, the FST trace, interrupt
 * counting and the pin copies between the model and the bus models (see sim_priv.h for
 * the order of one cycle). The only file that includes the generated model header.
 */
#include <cstdarg>
#include <cstdio>
#include <cstdlib>

#include <verilated.h>
#include <verilated_fst_c.h>

#include "Vsmmu_top.h"
#include "sim_priv.h"

namespace simh {

/* Trace time: the model has no `timescale, so Verilator's time unit and precision are
 * 1 ps; one clock is drawn as 10 ns (100 MHz, the clock the simulator HAL assumes:
 * SMMU_HAL_SIM_MHZ), low for the first half. Cycle n starts at n * 10 ns. */
static const uint64_t kHalfPeriodPs = 5000;

class Model {
public:
    explicit Model(const char *trace_path)
    {
        ctx.reset(new VerilatedContext);
        if (trace_path)
            ctx->traceEverOn(true);
        top.reset(new Vsmmu_top(ctx.get(), "TOP"));
        if (trace_path) {
            fst.reset(new VerilatedFstC);
            top->trace(fst.get(), 99);
            fst->open(trace_path);
            if (!fst->isOpen()) {
                fprintf(stderr, "sim: cannot open trace file %s\n", trace_path);
                fst.reset();
            }
        }
    }
    ~Model()
    {
        close();
        top->final();
    }
    void close()
    {
        if (fst) {
            fst->flush();
            fst->close();
            fst.reset();
        }
    }
    void dump(uint64_t t)
    {
        if (fst)
            fst->dump(t);
    }

    std::unique_ptr<VerilatedContext> ctx;
    std::unique_ptr<Vsmmu_top> top;
    std::unique_ptr<VerilatedFstC> fst;
};

void fatal(Sim *s, const char *fmt, ...)
{
    va_list ap;
    fflush(stdout);
    fputs("sim: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " (cycle %llu)\n", s ? (unsigned long long)s->cycles : 0ull);
    if (s)
        s->close_trace();
    fflush(stderr);
    abort();
}

Sim::Sim(const sim_opts_t *opts)
    : tbl(this, "m_tbl", kTblIdW), dn(this, "m_dn", kIdW), tm(this), reg(this)
{
    sim_opts_t o = {};
    if (opts)
        o = *opts;
    timeout = o.timeout_cycles ? o.timeout_cycles : kDefaultTimeout;
    canwbs = o.canwbs;
    wire = o.wire;
    uint64_t seed = o.seed ? o.seed : 0x5eed5eed5eedull;
    Rng mix(seed);
    tbl.seed(mix.next());
    dn.seed(mix.next());
    tm.seed(mix.next());

    params.sid_bits = SIM_PARAM_SID_W;
    params.pa_bits = SIM_PARAM_PA_W;
    params.cmdqs = SIM_PARAM_CMDQS;
    params.eventqs = SIM_PARAM_EVENTQS;
    params.st_level_2 = SIM_PARAM_ST_LEVEL_2;
    params.fwb = SIM_PARAM_FWB;
    params.cohacc = SIM_PARAM_COHACC;
    params.attr_ovr = SIM_PARAM_ATTR_OVR;
    params.gbpa_abort = SIM_PARAM_GBPA_ABORT_RESET;
    params.gran16k = SIM_PARAM_GRAN16K;
    params.gran64k = SIM_PARAM_GRAN64K;
    params.s1p = SIM_PARAM_S1P;
    params.s2p = SIM_PARAM_S2P;
    params.hyp = SIM_PARAM_HYP;
    params.xnx = SIM_PARAM_XNX;
    params.had = SIM_PARAM_HAD;
    params.msi = SIM_PARAM_MSI;

    model_.reset(new Model(o.trace_path));
    reset(8);
}

Sim::~Sim() = default;

void Sim::close_trace()
{
    if (model_)
        model_->close();
}

/* The pin copies (below) are exempt from the sanitizers, which otherwise make them the
 * most expensive part of a cycle; they only copy integers between the bus models'
 * structs and the (uninstrumented) Verilated model. */
#define SIM_NO_SANITIZE __attribute__((no_sanitize("address", "undefined")))

/* Verilator expects the bits above a port's width to be zero. */
template <typename T> SIM_NO_SANITIZE static inline void put(T &port, uint64_t v, unsigned width)
{
    port = (T)(v & mask_bits(width));
}

/* The pin copies: straight-line member copies between the bus models' structs and the
 * (uninstrumented) Verilated model, once per cycle each way. */
SIM_NO_SANITIZE static void apply_inputs(Vsmmu_top *t, bool in_reset, bool canwbs,
                                         const RegOut &r, const MemPortOut &mt,
                                         const MemPortOut &md, const UpOut &u)
{
    t->clk = 0;
    t->rst_n = in_reset ? 0 : 1;
    t->canwbs = canwbs;

    t->s_reg_awvalid = r.awvalid;
    put(t->s_reg_awaddr, r.awaddr, 17);
    t->s_reg_awprot = 0;
    t->s_reg_wvalid = r.wvalid;
    t->s_reg_wdata = r.wdata;
    put(t->s_reg_wstrb, r.wstrb, 8);
    t->s_reg_bready = r.bready;
    t->s_reg_arvalid = r.arvalid;
    put(t->s_reg_araddr, r.araddr, 17);
    t->s_reg_arprot = 0;
    t->s_reg_rready = r.rready;

    t->m_tbl_awready = mt.awready;
    t->m_tbl_wready = mt.wready;
    t->m_tbl_bvalid = mt.bvalid;
    put(t->m_tbl_bid, mt.bid, kTblIdW);
    put(t->m_tbl_bresp, mt.bresp, 2);
    t->m_tbl_arready = mt.arready;
    t->m_tbl_rvalid = mt.rvalid;
    put(t->m_tbl_rid, mt.rid, kTblIdW);
    t->m_tbl_rdata = mt.rdata;
    put(t->m_tbl_rresp, mt.rresp, 2);
    t->m_tbl_rlast = mt.rlast;

    t->m_dn_awready = md.awready;
    t->m_dn_wready = md.wready;
    t->m_dn_bvalid = md.bvalid;
    put(t->m_dn_bid, md.bid, kIdW);
    put(t->m_dn_bresp, md.bresp, 2);
    t->m_dn_arready = md.arready;
    t->m_dn_rvalid = md.rvalid;
    put(t->m_dn_rid, md.rid, kIdW);
    t->m_dn_rdata = md.rdata;
    put(t->m_dn_rresp, md.rresp, 2);
    t->m_dn_rlast = md.rlast;

    t->s_up_awvalid = u.aw.valid;
    put(t->s_up_awid, u.aw.id, kIdW);
    t->s_up_awaddr = u.aw.addr;
    put(t->s_up_awlen, u.aw.len, 8);
    put(t->s_up_awsize, u.aw.size, 3);
    put(t->s_up_awburst, u.aw.burst, 2);
    put(t->s_up_awcache, u.aw.cache, 4);
    put(t->s_up_awprot, u.aw.prot, 3);
    put(t->s_up_awuser, u.aw.user, kSidW + 4 + kSsidW);
    t->s_up_wvalid = u.wvalid;
    t->s_up_wdata = u.wdata;
    put(t->s_up_wstrb, u.wstrb, 8);
    t->s_up_wlast = u.wlast;
    t->s_up_bready = u.bready;
    t->s_up_arvalid = u.ar.valid;
    put(t->s_up_arid, u.ar.id, kIdW);
    t->s_up_araddr = u.ar.addr;
    put(t->s_up_arlen, u.ar.len, 8);
    put(t->s_up_arsize, u.ar.size, 3);
    put(t->s_up_arburst, u.ar.burst, 2);
    put(t->s_up_arcache, u.ar.cache, 4);
    put(t->s_up_arprot, u.ar.prot, 3);
    put(t->s_up_aruser, u.ar.user, kSidW + 4 + kSsidW);
    t->s_up_rready = u.rready;
}

struct Sampled {
    RegIn reg;
    MemPortIn tbl, dn;
    UpIn up;
    bool irq[4];
};

SIM_NO_SANITIZE static void sample_outputs(const Vsmmu_top *t, Sampled &o)
{
    o.reg.awready = t->s_reg_awready;
    o.reg.wready = t->s_reg_wready;
    o.reg.bvalid = t->s_reg_bvalid;
    o.reg.bresp = t->s_reg_bresp;
    o.reg.arready = t->s_reg_arready;
    o.reg.rvalid = t->s_reg_rvalid;
    o.reg.rdata = t->s_reg_rdata;
    o.reg.rresp = t->s_reg_rresp;

    MemPortIn &ti = o.tbl;
    ti.ar = {(bool)t->m_tbl_arvalid, t->m_tbl_arid, (uint64_t)t->m_tbl_araddr, t->m_tbl_arlen,
             t->m_tbl_arsize, t->m_tbl_arburst, t->m_tbl_arcache, t->m_tbl_arprot,
             t->m_tbl_ardomain, 0};
    ti.aw = {(bool)t->m_tbl_awvalid, t->m_tbl_awid, (uint64_t)t->m_tbl_awaddr, t->m_tbl_awlen,
             t->m_tbl_awsize, t->m_tbl_awburst, t->m_tbl_awcache, t->m_tbl_awprot,
             t->m_tbl_awdomain, 0};
    ti.wvalid = t->m_tbl_wvalid;
    ti.wdata = t->m_tbl_wdata;
    ti.wstrb = t->m_tbl_wstrb;
    ti.wlast = t->m_tbl_wlast;
    ti.rready = t->m_tbl_rready;
    ti.bready = t->m_tbl_bready;

    MemPortIn &di = o.dn;
    di.ar = {(bool)t->m_dn_arvalid, t->m_dn_arid, (uint64_t)t->m_dn_araddr, t->m_dn_arlen,
             t->m_dn_arsize, t->m_dn_arburst, t->m_dn_arcache, t->m_dn_arprot,
             t->m_dn_ardomain, (uint64_t)t->m_dn_aruser};
    di.aw = {(bool)t->m_dn_awvalid, t->m_dn_awid, (uint64_t)t->m_dn_awaddr, t->m_dn_awlen,
             t->m_dn_awsize, t->m_dn_awburst, t->m_dn_awcache, t->m_dn_awprot,
             t->m_dn_awdomain, (uint64_t)t->m_dn_awuser};
    di.wvalid = t->m_dn_wvalid;
    di.wdata = t->m_dn_wdata;
    di.wstrb = t->m_dn_wstrb;
    di.wlast = t->m_dn_wlast;
    di.rready = t->m_dn_rready;
    di.bready = t->m_dn_bready;

    UpIn &ui = o.up;
    ui.arready = t->s_up_arready;
    ui.awready = t->s_up_awready;
    ui.wready = t->s_up_wready;
    ui.rvalid = t->s_up_rvalid;
    ui.rid = t->s_up_rid;
    ui.rdata = t->s_up_rdata;
    ui.rresp = t->s_up_rresp;
    ui.rlast = t->s_up_rlast;
    ui.bvalid = t->s_up_bvalid;
    ui.bid = t->s_up_bid;
    ui.bresp = t->s_up_bresp;

    o.irq[SIM_IRQ_EVENTQ] = t->irq_eventq;
    o.irq[SIM_IRQ_CMD_SYNC] = t->irq_cmd_sync;
    o.irq[SIM_IRQ_GERROR] = t->irq_gerror;
    o.irq[SIM_IRQ_PMCG] = t->irq_pmcg;
}

/* Wire mode: the traffic master and the downstream memory port face each other. */
static MemPortIn up_to_mem(const UpOut &u)
{
    MemPortIn m{};
    m.ar = u.ar;
    m.aw = u.aw;
    m.ar.user = m.aw.user = 0; /* no attribute byte: nothing was translated */
    m.wvalid = u.wvalid;
    m.wdata = u.wdata;
    m.wstrb = u.wstrb;
    m.wlast = u.wlast;
    m.rready = u.rready;
    m.bready = u.bready;
    return m;
}

static UpIn mem_to_up(const MemPortOut &m)
{
    UpIn u{};
    u.arready = m.arready;
    u.awready = m.awready;
    u.wready = m.wready;
    u.rvalid = m.rvalid;
    u.rid = m.rid;
    u.rdata = m.rdata;
    u.rresp = m.rresp;
    u.rlast = m.rlast;
    u.bvalid = m.bvalid;
    u.bid = m.bid;
    u.bresp = m.bresp;
    return u;
}

void Sim::tick()
{
    Vsmmu_top *t = model_->top.get();

    /* 1. Every bus model decides its outputs for this cycle. */
    const MemPortOut &mt = tbl.prepare(cycles);
    const MemPortOut &md = dn.prepare(cycles);
    const UpOut &u = tm.prepare(cycles);
    const RegOut &r = reg.prepare();

    /* 2. Apply them, evaluate with clk low, sample the DUT. In wire mode the SMMU's
     * client port sees an idle master and its downstream port an idle memory. */
    static const MemPortOut kIdleMem{};
    static const UpOut kIdleUp = [] { UpOut x{}; x.rready = x.bready = true; return x; }();
    apply_inputs(t, in_reset, canwbs, r, mt, wire ? kIdleMem : md, wire ? kIdleUp : u);
    t->eval();
    model_->ctx->timeInc(kHalfPeriodPs);
    model_->dump(2 * cycles * kHalfPeriodPs);

    if (!in_reset) {
        Sampled o;
        sample_outputs(t, o);
        /* 3. Handshakes as the rising edge sees them. */
        tbl.commit(o.tbl, cycles);
        if (wire) {
            MemPortOut mdo = md; /* commit() changes the port's own copy */
            dn.commit(up_to_mem(u), cycles);
            tm.commit(mem_to_up(mdo), cycles);
        } else {
            dn.commit(o.dn, cycles);
            tm.commit(o.up, cycles);
        }
        reg.commit(o.reg);
        if (dn.ar_fired)
            tm.on_dn_addr(dn.ar_last, false);
        if (dn.aw_fired)
            tm.on_dn_addr(dn.aw_last, true);
        for (unsigned i = 0; i < 4; i++) {
            irq[i] += o.irq[i];
            if (o.irq[i])
                irq_last[i] = cycles;
        }
    }

    /* 4. Rising edge. */
    t->clk = 1;
    t->eval();
    model_->ctx->timeInc(kHalfPeriodPs);
    model_->dump((2 * cycles + 1) * kHalfPeriodPs);
    cycles++;
}

void Sim::reset(unsigned n)
{
    if (n == 0)
        n = 1;
    in_reset = true;
    tbl.reset();
    dn.reset();
    tm.reset();
    reg.reset();
    for (unsigned i = 0; i < n; i++)
        tick();
    in_reset = false;
}

} // namespace simh

using simh::Sim;

extern "C" {

sim_t *sim_create(const sim_opts_t *opts)
{
    return new sim(opts);
}

void sim_destroy(sim_t *s)
{
    delete s;
}

const sim_params_t *sim_params(const sim_t *s)
{
    return &s->params;
}

void sim_reset(sim_t *s, unsigned cycles)
{
    s->reset(cycles);
}

void sim_step(sim_t *s, unsigned cycles)
{
    for (unsigned i = 0; i < cycles; i++)
        s->tick();
}

uint64_t sim_cycles(const sim_t *s)
{
    return s->cycles;
}

uint64_t sim_irq_count(const sim_t *s, enum sim_irq which)
{
    return (unsigned)which < 4 ? s->irq[which] : 0;
}

uint64_t sim_irq_last_cycle(const sim_t *s, enum sim_irq which)
{
    return (unsigned)which < 4 ? s->irq_last[which] : 0;
}

void sim_counters(const sim_t *s, sim_counters_t *out)
{
    out->tbl_ar = s->tbl.cnt.ar;
    out->tbl_aw = s->tbl.cnt.aw;
    out->tbl_r_beats = s->tbl.cnt.r_beats;
    out->tbl_w_beats = s->tbl.cnt.w_beats;
    out->dn_ar = s->dn.cnt.ar;
    out->dn_aw = s->dn.cnt.aw;
}

} /* extern "C" */
