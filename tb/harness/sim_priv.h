/*
 * Harness internals shared by the sim_*.cpp files (not part of the C API).
 *
 * Only sim_core.cpp sees the Verilated model. Every bus model here works on plain
 * per-channel structs: the core copies the model's outputs into them and their drive
 * values into the model once per cycle, so the models do not depend on the generated
 * header and do not recompile when the RTL changes.
 *
 * One cycle (Sim::tick):
 *   1. every bus model `prepare()`s its outputs for this cycle from its own state only
 *      (never combinationally from the DUT's outputs of the same cycle, so no loops);
 *   2. the core applies them, evaluates the model with clk low and samples its outputs;
 *   3. every bus model `commit()`s: a handshake is valid && ready as sampled in 2, which
 *      is what the rising edge sees;
 *   4. rising edge.
 */
#ifndef SMMU_SIM_PRIV_H
#define SMMU_SIM_PRIV_H

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "sim.h"

/* Model parameters: the Makefile passes -DSIM_PARAM_<name> from the same values as the
 * Verilator -G flags. The defaults only let a file compile stand-alone. */
#ifndef SIM_PARAM_SID_W
#define SIM_PARAM_SID_W 16
#endif
#ifndef SIM_PARAM_PA_W
#define SIM_PARAM_PA_W 48
#endif
#ifndef SIM_PARAM_CMDQS
#define SIM_PARAM_CMDQS 8
#endif
#ifndef SIM_PARAM_EVENTQS
#define SIM_PARAM_EVENTQS 7
#endif
#ifndef SIM_PARAM_ST_LEVEL_2
#define SIM_PARAM_ST_LEVEL_2 1
#endif
#ifndef SIM_PARAM_FWB
#define SIM_PARAM_FWB 1
#endif
#ifndef SIM_PARAM_COHACC
#define SIM_PARAM_COHACC 1
#endif
#ifndef SIM_PARAM_ATTR_OVR
#define SIM_PARAM_ATTR_OVR 1
#endif
#ifndef SIM_PARAM_GRAN16K
#define SIM_PARAM_GRAN16K 1
#endif
#ifndef SIM_PARAM_GRAN64K
#define SIM_PARAM_GRAN64K 1
#endif
#ifndef SIM_PARAM_GBPA_ABORT_RESET
#define SIM_PARAM_GBPA_ABORT_RESET 1
#endif
#ifndef SIM_PARAM_S1P
#define SIM_PARAM_S1P 1
#endif
#ifndef SIM_PARAM_S2P
#define SIM_PARAM_S2P 1
#endif
#ifndef SIM_PARAM_HYP
#define SIM_PARAM_HYP 1
#endif
#ifndef SIM_PARAM_XNX
#define SIM_PARAM_XNX 1
#endif
#ifndef SIM_PARAM_HAD
#define SIM_PARAM_HAD 1
#endif
#ifndef SIM_PARAM_MSI
#define SIM_PARAM_MSI 1
#endif

namespace simh {

constexpr unsigned kSidW = SIM_PARAM_SID_W;
constexpr unsigned kPaW = SIM_PARAM_PA_W;
constexpr unsigned kSsidW = 20;  /* smmu_top SSID_W default: AxUSER's SubstreamID bits */
constexpr unsigned kIdW = 4;     /* smmu_top ID_W default */
constexpr unsigned kTblIdW = 4;  /* smmu_top TBL_ID_W default */
constexpr uint64_t kDefaultTimeout = 100000;

constexpr uint64_t mask_bits(unsigned w) { return w >= 64 ? ~0ull : ((1ull << w) - 1); }

class Sim;

/* Prints "sim: <message> (cycle N)", closes the trace so the waves up to the failure can
 * be inspected, and aborts: a hang or a protocol violation is an RTL (or harness) bug,
 * never a test result. */
[[noreturn]] void fatal(Sim *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* splitmix64: small, seedable, identical on every host. */
class Rng {
public:
    explicit Rng(uint64_t seed = 0) : st_(seed) {}
    void seed(uint64_t s) { st_ = s; }
    uint64_t next()
    {
        uint64_t z = (st_ += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return z ^ (z >> 31);
    }
    unsigned range(unsigned lo, unsigned hi) /* uniform in [lo, hi] */
    {
        return hi <= lo ? lo : lo + (unsigned)(next() % ((uint64_t)hi - lo + 1));
    }
    bool percent(unsigned pct) { return pct && (next() % 100) < pct; }

private:
    uint64_t st_;
};

/* ---- memory ------------------------------------------------------------------------ */

/* Sparse byte store: 4 KB pages in a hash map, plus the DMA pool as one host buffer
 * (mmap'ed on first use, so untouched parts cost nothing and read as zero). */
class MemStore {
public:
    ~MemStore();
    void read(uint64_t pa, void *buf, size_t len);
    void write(uint64_t pa, const void *buf, size_t len);
    /* Byte-masked 64-bit write of the aligned dword at pa & ~7 (AXI strobes). */
    void write_strb(uint64_t pa, uint64_t data, uint8_t strb);
    uint64_t read_dword(uint64_t pa);
    uint8_t *pool();

private:
    static constexpr uint64_t kPage = 4096;
    /* Host pointer for [pa, pa + n) inside one page or inside the pool; NULL when the
     * sparse page does not exist and !create. *avail = bytes usable from the pointer. */
    uint8_t *span(uint64_t pa, bool create, size_t *avail);
    std::unordered_map<uint64_t, std::unique_ptr<uint8_t[]>> pages_;
    uint64_t last_pg_ = 0;          /* span()'s last sparse page and its host memory */
    uint8_t *last_ptr_ = nullptr;
    uint8_t *pool_ = nullptr;
};

struct ErrRange {
    uint64_t base, size;
    unsigned flags;
    unsigned resp;  /* 2 SLVERR, 3 DECERR; 0: a stall range (no error) */
    unsigned stall; /* a stall range: cycles added to the response latency */
};

struct Timing {
    unsigned lat_min = 2, lat_max = 2, stall_pct = 0;
};

/* AXI4 address channel payload. */
struct AxiAddr {
    bool valid;
    unsigned id;
    uint64_t addr;
    unsigned len, size, burst, cache, prot, domain;
    uint64_t user;
};

/* What a memory port sees from the DUT (AXI4 master outputs). */
struct MemPortIn {
    AxiAddr ar, aw;
    bool wvalid;
    uint64_t wdata;
    unsigned wstrb;
    bool wlast;
    bool rready, bready;
};

/* What a memory port drives into the DUT. */
struct MemPortOut {
    bool arready, awready, wready;
    bool rvalid;
    unsigned rid;
    uint64_t rdata;
    unsigned rresp;
    bool rlast;
    bool bvalid;
    unsigned bid, bresp;
};

struct PortCounters {
    uint64_t ar = 0, aw = 0, r_beats = 0, w_beats = 0;
};

/* Bytes per beat and the byte lanes a beat at `addr` of AxSIZE `size` touches in its
 * 8-byte dword (INCR/WRAP/FIXED all use the beat's own address). */
uint8_t beat_lanes(uint64_t addr, unsigned size);

/* One AXI4 slave port of the memory (the DUT is the master): INCR/FIXED/WRAP bursts of
 * up to 64-bit beats, many outstanding transactions per direction, responses in order
 * per ID (different IDs may overtake each other when latencies differ, or at random with
 * MEM_ORDER_REORDER; read bursts interleave across IDs with MEM_ORDER_INTERLEAVE),
 * latency and random back-pressure from the port's Timing, error injection from the
 * shared ranges, an optional byte log, an address log, and deliberate protocol bugs for
 * testing the traffic master's checker. */
class MemPort {
public:
    MemPort(Sim *sim, const char *name, unsigned id_w)
        : sim_(sim), name_(name), id_w_(id_w)
    {
    }
    void seed(uint64_t s) { rng_.seed(s); }
    void reset();
    const MemPortOut &prepare(uint64_t now);
    void commit(const MemPortIn &in, uint64_t now);

    PortCounters cnt;
    Timing timing;
    unsigned order = 0;          /* MEM_ORDER_* */
    size_t max_reads = 64, max_writes = 64;
    bool w_after_aw = false;     /* strict: no W beat ahead of its AW */
    mem_bug bug = MEM_BUG_NONE;  /* armed deliberate bug, fires once */
    bool log_on = false;
    std::vector<mem_log_entry_t> log;
    std::vector<mem_addr_log_t> alog; /* ring of MEM_ADDR_LOG_MAX */
    size_t alog_n = 0;                /* handshakes ever logged */
    unsigned rd_peak = 0, wr_peak = 0;
    unsigned rd_now() const { return (unsigned)rq_.size(); }
    unsigned wr_now() const { return (unsigned)(awq_.size() + bq_.size()); }
    /* Handshakes of the last commit(), for observers. */
    bool ar_fired = false, aw_fired = false;
    AxiAddr ar_last{}, aw_last{};

private:
    struct Burst {
        AxiAddr a;
        uint64_t ready_at; /* first beat / response not before this cycle */
        unsigned beat;     /* beats done */
        unsigned err;      /* 0, or the error response */
        std::vector<uint64_t> wdata; /* write: collected beats; read: MEM_READ_EARLY data */
        std::vector<uint8_t> wstrb;
        size_t alog_idx = 0;         /* its entry in the address log (alog_n then) */
    };
    struct WBeat {
        uint64_t data;
        uint8_t strb;
        bool last;
    };
    uint64_t beat_addr(const AxiAddr &a, unsigned beat) const;
    unsigned error_resp(const AxiAddr &a, unsigned flag) const;
    unsigned stall_of(const AxiAddr &a, unsigned flag) const;
    void check_addr(const AxiAddr &a, const char *ch);
    int pick(std::deque<Burst> &q, uint64_t now, bool bug_reorder);
    void absorb_w(uint64_t now);
    void log_addr(const AxiAddr &a, bool write, uint64_t now);
    void log_done(const Burst &b, uint64_t now); /* its last R beat or its B, in the log */
    void log_beat(const AxiAddr &a, uint64_t addr, uint8_t mask, bool write, unsigned resp,
                  uint64_t now);

    Sim *sim_;
    const char *name_;
    unsigned id_w_;
    Rng rng_;
    std::deque<Burst> rq_;      /* accepted reads, arrival order */
    int r_active_ = -1;         /* index in rq_ of the burst being returned */
    std::deque<Burst> awq_;     /* accepted writes still collecting data */
    std::deque<WBeat> wq_;      /* write beats not yet matched to an AW */
    std::deque<Burst> bq_;      /* complete writes waiting for their response */
    MemPortOut out_{};
    bool bug_b_early_ = false;  /* MEM_BUG_B_BEFORE_WLAST presented this cycle */
    /* DUT-side valid stability (AXI: once valid, hold it and the payload until ready). */
    bool ar_hold_ = false, aw_hold_ = false, w_hold_ = false;
    AxiAddr ar_prev_{}, aw_prev_{};
    uint64_t w_prev_data_ = 0;
    unsigned w_prev_strb_ = 0;
    bool w_prev_last_ = false;
    static constexpr size_t kMaxWBeats = 4096;
};

/* ---- upstream traffic master (s_up_*) ------------------------------------------------ */

struct UpIn { /* DUT slave outputs */
    bool arready, awready, wready;
    bool rvalid;
    unsigned rid;
    uint64_t rdata;
    unsigned rresp;
    bool rlast;
    bool bvalid;
    unsigned bid, bresp;
};

struct UpOut { /* driven into the DUT */
    AxiAddr ar, aw;
    bool wvalid;
    uint64_t wdata;
    unsigned wstrb;
    bool wlast;
    bool rready, bready;
};

/* AxUSER of the client port: {ssv, domain[1:0], nosnoop, sid[SID_W-1:0]} (smmu_top.v). */
uint64_t pack_up_user(uint32_t sid, bool nosnoop, unsigned domain, bool ssv, uint32_t ssid);

/* The traffic master (sim.h, tm_*): many transactions in flight per direction, the AXI
 * ordering checker, ready hold modes. The blocking dma_* calls are issue + wait. */
class TrafficMaster {
public:
    explicit TrafficMaster(Sim *sim);
    void seed(uint64_t s) { rng_.seed(s); }
    void reset();
    const UpOut &prepare(uint64_t now);
    void commit(const UpIn &in, uint64_t now);
    /* Observers called by the core after the memory ports commit. */
    void on_dn_addr(const AxiAddr &a, bool write);

    int issue(const tm_txn_t &t, void *rbuf);
    bool poll(int h, tm_result_t *out);
    bool expect_dn(int h, uint8_t kind, unsigned n, const uint64_t *addr);
    bool release_w(int h);
    tm_result_t wait(int h);
    void wait_all();
    void discard_done() { done_.clear(); }
    void hold(bool r, bool b, uint64_t cycles);
    unsigned pending(bool write) const { return write ? pend_wr_ : pend_rd_; }

    tm_config_t cfg;
    tm_stats_t st{};
    std::vector<std::string> violations; /* the first 1000 messages */
    bool hold_forever() const { return hold_r_until_ == TM_HOLD_FOREVER ||
                                       hold_b_until_ == TM_HOLD_FOREVER; }

private:
    struct Txn {
        tm_txn_t t;
        void *rbuf;
        std::vector<uint64_t> wbeat;   /* beats to send (len + 1, or fewer: early WLAST) */
        std::vector<uint8_t> wstrb;
        int wlast_beat;                /* index of the beat with WLAST, -1 none */
        std::vector<uint64_t> rbeat;
        std::vector<uint8_t> expect;   /* read data expected, empty = none */
        bool addr_done = false;
        unsigned w_sent = 0;
        unsigned r_beats = 0;
        int worst = 0;
        uint64_t t_issue = 0, t_addr = 0, t_first = 0, t_done = 0, tbl_at_issue = 0;
        dn_obs_t dn{};
        bool dn_amb = false;
        bool ended = false;            /* finished, waiting to leave live_ from the front */
    };
    void finish(int h, Txn &x, uint64_t now);
    Txn *find_live(int h);
    Txn &live(int h) /* one the queues hold: live by construction */
    {
        Txn *x = find_live(h);
        if (!x)
            fatal(sim_, "traffic master: handle %d is not live", h);
        return *x;
    }
    unsigned nbeats(const Txn &x) const { return (unsigned)x.t.len + 1; }
    bool expects_same_data(const Txn &x, const std::vector<uint64_t> &got) const;
    void watchdog(uint64_t now);

    Sim *sim_;
    int next_handle_ = 0;
    /* Issued transactions by handle. Handles count up, so the table is a window of
     * consecutive handles from live_base_ (an indexed lookup in every cycle's several
     * uses, not a tree search); a finished one leaves from the front, so the front is
     * the oldest still live. */
    std::deque<Txn> live_;
    int live_base_ = 0;
    size_t live_n_ = 0;                       /* issued, not done */
    std::map<int, tm_result_t> done_;         /* done, not yet polled */
    std::deque<int> ar_q_, aw_q_, w_q_;       /* waiting for AR / AW / W data, in order */
    std::vector<std::deque<int>> rd_out_, wr_out_; /* address accepted, per ID, in order */
    unsigned rd_inflight_ = 0, wr_inflight_ = 0, pend_rd_ = 0, pend_wr_ = 0;
    uint64_t hold_r_until_ = 0, hold_b_until_ = 0;
    Rng rng_;
    UpOut out_{};
    /* slave-side stability: the R / B presented last cycle and not taken */
    bool r_pend_ = false, b_pend_ = false;
    UpIn prev_in_{};
};

/* ---- register master (s_reg_*, AXI4-Lite) -------------------------------------------- */

struct RegIn {
    bool awready, wready, bvalid;
    unsigned bresp;
    bool arready, rvalid;
    uint64_t rdata;
    unsigned rresp;
};

struct RegOut {
    bool awvalid;
    uint32_t awaddr;
    bool wvalid;
    uint64_t wdata;
    unsigned wstrb;
    bool bready;
    bool arvalid;
    uint32_t araddr;
    bool rready;
};

class RegMaster {
public:
    explicit RegMaster(Sim *sim) : sim_(sim) {}
    void reset();
    const RegOut &prepare();
    void commit(const RegIn &in);
    int read(uint32_t off, uint64_t *data);
    int write(uint32_t off, uint64_t data, unsigned strb);

private:
    Sim *sim_;
    enum { IDLE, READ, WRITE } op_ = IDLE;
    bool a_pending_ = false, w_pending_ = false, done_ = false;
    uint32_t addr_ = 0;
    uint64_t data_ = 0;
    unsigned strb_ = 0, resp_ = 0;
    RegOut out_{};
};

/* ---- the simulation ------------------------------------------------------------------ */

class Model; /* the Verilated model and its trace, sim_core.cpp only */

class Sim {
public:
    explicit Sim(const sim_opts_t *opts);
    ~Sim();
    void tick();
    void reset(unsigned cycles);
    void close_trace();
    /* A protocol violation the traffic master's checker (or a strict port) found: aborts
     * like fatal(), or is counted when tm_config_t.record_violations is set. */
    void violation(const char *fmt, ...) __attribute__((format(printf, 2, 3)));

    MemPort &port(unsigned p) { return p == MEM_PORT_TBL ? tbl : dn; }

    uint64_t cycles = 0;
    uint64_t timeout = kDefaultTimeout;
    bool canwbs = false;
    bool wire = false;
    bool in_reset = false;
    sim_params_t params{};
    MemStore mem;
    std::vector<ErrRange> err;
    MemPort tbl, dn;
    TrafficMaster tm;
    RegMaster reg;
    uint64_t irq[4] = {0, 0, 0, 0};
    uint64_t irq_last[4] = {0, 0, 0, 0};

private:
    std::unique_ptr<Model> model_;
};

} // namespace simh

/* The C handle is the C++ object. */
struct sim : simh::Sim {
    using simh::Sim::Sim;
};

#endif /* SMMU_SIM_PRIV_H */
