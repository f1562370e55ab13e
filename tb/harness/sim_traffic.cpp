/*
 * The upstream traffic master on s_up_* (sim.h, tm_*): independent read and write
 * channels with many transactions in flight, the AXI ordering checker on what the port
 * answers, ready hold modes, and the blocking dma_* calls as issue + wait.
 *
 * Order of one cycle (sim_priv.h): prepare() decides the outputs from this object's own
 * state only; commit() sees the port's outputs as the rising edge does.
 */
#include <cstdarg>
#include <cstring>

#include "sim_priv.h"

namespace simh {

/* AxUSER of s_up_*: {substreamid[kSsidW-1:0], ssv, domain[1:0], nosnoop, sid[kSidW-1:0]}
 * (docs/harness.md). */
uint64_t pack_up_user(uint32_t sid, bool nosnoop, unsigned domain, bool ssv, uint32_t ssid)
{
    static_assert(kSidW + 4 + kSsidW <= 64, "AxUSER wider than 64 bits");
    return ((uint64_t)sid & mask_bits(kSidW)) | ((uint64_t)(nosnoop ? 1 : 0) << kSidW) |
           ((uint64_t)(domain & 3) << (kSidW + 1)) | ((uint64_t)(ssv ? 1 : 0) << (kSidW + 3)) |
           (((uint64_t)ssid & mask_bits(kSsidW)) << (kSidW + 4));
}

static const tm_config_t kDefaultConfig = {64, 64, 0, 0, true, false};

TrafficMaster::TrafficMaster(Sim *sim)
    : cfg(kDefaultConfig), sim_(sim), rd_out_(1u << kIdW), wr_out_(1u << kIdW)
{
}

void TrafficMaster::reset()
{
    /* Reset ends every transaction: the port forgets them too. */
    live_.clear();
    live_n_ = 0;
    done_.clear();
    ar_q_.clear();
    aw_q_.clear();
    w_q_.clear();
    for (auto &q : rd_out_)
        q.clear();
    for (auto &q : wr_out_)
        q.clear();
    rd_inflight_ = wr_inflight_ = pend_rd_ = pend_wr_ = 0;
    hold_r_until_ = hold_b_until_ = 0;
    r_pend_ = b_pend_ = false;
    out_ = UpOut{};
}

void Sim::violation(const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (!tm.cfg.record_violations)
        fatal(this, "%s", msg);
    tm.st.violations++;
    if (tm.violations.size() < 1000)
        tm.violations.push_back(msg);
}

/* ---- issue ----------------------------------------------------------------------------- */

int TrafficMaster::issue(const tm_txn_t &t, void *rbuf)
{
    Txn x;
    x.t = t;
    x.rbuf = rbuf;
    x.t_issue = sim_->cycles;
    x.tbl_at_issue = sim_->tbl.cnt.ar;
    int h = next_handle_++;
    if (next_handle_ < 0)
        next_handle_ = 0;
    unsigned n = nbeats(x);
    if (t.write) {
        /* WLAST: on the last beat, early (and the burst's data end there), or missing
         * (len + 1 beats, none with WLAST). */
        unsigned send = n;
        x.wlast_beat = (int)n - 1;
        if (t.wlast_at >= 0 && (unsigned)t.wlast_at < n - 1) {
            send = (unsigned)t.wlast_at + 1;
            x.wlast_beat = t.wlast_at;
        } else if (t.wlast_at >= 0 && (unsigned)t.wlast_at >= n) {
            x.wlast_beat = -1;
        }

        x.wbeat.resize(send);
        x.wstrb.resize(send);
        for (unsigned i = 0; i < send; i++) {
            if (t.wdata)
                memcpy(&x.wbeat[i], t.wdata + 8 * i, 8);
            else
                x.wbeat[i] = ((uint64_t)h << 32) ^ (0x5a5a0000ull + i);
            if (t.wstrb) {
                x.wstrb[i] = t.wstrb[i];
            } else {
                /* the lanes of the beat's address (INCR: aligned after the first) */
                uint64_t bytes = 1ull << (t.size > 3 ? 3 : t.size);
                uint64_t a = (i == 0 || t.burst != 1) ? t.addr : (t.addr & ~(bytes - 1)) + i * bytes;
                x.wstrb[i] = beat_lanes(a, t.size);
            }
        }
        aw_q_.push_back(h);
        w_q_.push_back(h);
        pend_wr_++;
        st.issued_wr++;
    } else {
        x.rbeat.assign(n, 0);
        if (t.expect_rdata)
            x.expect.assign(t.expect_rdata, t.expect_rdata + 8 * n);
        ar_q_.push_back(h);
        pend_rd_++;
        st.issued_rd++;
    }
    if (live_.empty())
        live_base_ = h;
    live_.push_back(std::move(x));
    live_n_++;
    return h;
}

/* Handles are 0..INT_MAX and wrap to 0: the distance from live_base_ modulo 2^31. */
TrafficMaster::Txn *TrafficMaster::find_live(int h)
{
    if (h < 0)
        return nullptr;
    size_t i = ((unsigned)h - (unsigned)live_base_) & 0x7fffffffu;
    if (i >= live_.size() || live_[i].ended)
        return nullptr;
    return &live_[i];
}

/* ---- one cycle ------------------------------------------------------------------------- */

static AxiAddr addr_of(const tm_txn_t &t)
{
    AxiAddr a{};
    a.valid = true;
    a.id = t.id & mask_bits(kIdW);
    a.addr = t.addr;
    a.len = t.len;
    a.size = t.size & 7;
    a.burst = t.burst & 3;
    a.cache = t.cache & 15;
    a.prot = t.prot & 7;
    a.user = pack_up_user(t.sid, t.nosnoop, t.domain, t.ssv, t.ssid);
    return a;
}

const UpOut &TrafficMaster::prepare(uint64_t now)
{
    UpOut o{};
    if (!ar_q_.empty() && rd_inflight_ < cfg.max_rd)
        o.ar = addr_of(live(ar_q_.front()).t);
    if (!aw_q_.empty() && wr_inflight_ < cfg.max_wr)
        o.aw = addr_of(live(aw_q_.front()).t);
    if (!w_q_.empty()) {
        const Txn &x = live(w_q_.front());
        /* AXI4 lets write data lead its address; with w_before_aw off the data wait for
         * the AW handshake of their burst. */
        /* a stuck client (wbeats_max) stops there and holds the channel */
        bool stuck = x.t.wbeats_max && x.w_sent >= x.t.wbeats_max;
        if ((x.addr_done || cfg.w_before_aw) && x.w_sent < x.wbeat.size() && !stuck) {
            o.wvalid = true;
            o.wdata = x.wbeat[x.w_sent];
            o.wstrb = x.wstrb[x.w_sent];
            o.wlast = (int)x.w_sent == x.wlast_beat;
        }
    }
    o.rready = now >= hold_r_until_ && !rng_.percent(cfg.rready_low_pct);
    o.bready = now >= hold_b_until_ && !rng_.percent(cfg.bready_low_pct);
    if (hold_r_until_ == TM_HOLD_FOREVER)
        o.rready = false;
    if (hold_b_until_ == TM_HOLD_FOREVER)
        o.bready = false;
    /* The previous AR/AW, if not taken, is still the queue's head: payload stable. */
    out_ = o;
    return out_;
}

bool TrafficMaster::expects_same_data(const Txn &x, const std::vector<uint64_t> &got) const
{
    return !x.expect.empty() && memcmp(x.expect.data(), got.data(), x.expect.size()) == 0;
}

void TrafficMaster::finish(int h, Txn &x, uint64_t now)
{
    x.t_done = now;
    tm_result_t r{};
    r.handle = h;
    r.tag = x.t.tag;
    r.write = x.t.write;
    r.resp = x.worst;
    r.beats = x.r_beats;
    r.t_issue = x.t_issue;
    r.t_addr = x.t_addr;
    r.t_first = x.t_first;
    r.t_done = x.t_done;
    r.tbl_reads = sim_->tbl.cnt.ar - x.tbl_at_issue;
    r.dn = x.dn;
    r.dn_ambiguous = x.dn_amb;
    if (!x.t.write && x.rbuf)
        memcpy(x.rbuf, x.rbeat.data(), 8 * x.rbeat.size());
    if (x.t.write) {
        wr_inflight_--;
        pend_wr_--;
        st.done_wr++;
    } else {
        rd_inflight_--;
        pend_rd_--;
        st.done_rd++;
    }
    done_.emplace(h, r);
    /* x leaves the table once every older one has (its vectors now, they are done) */
    x.ended = true;
    x.wbeat = {};
    x.wstrb = {};
    x.rbeat = {};
    x.expect = {};
    live_n_--;
    while (!live_.empty() && live_.front().ended) {
        live_.pop_front();
        live_base_ = (int)(((unsigned)live_base_ + 1u) & 0x7fffffffu);
    }
}

void TrafficMaster::commit(const UpIn &in, uint64_t now)
{
    /* The port as slave: RVALID/BVALID and their payload held until taken. */
    if (r_pend_ && (!in.rvalid || in.rid != prev_in_.rid || in.rdata != prev_in_.rdata ||
                    in.rresp != prev_in_.rresp || in.rlast != prev_in_.rlast))
        sim_->violation("s_up R: RVALID dropped or the payload changed before RREADY (rid %u)",
                        prev_in_.rid);
    if (b_pend_ && (!in.bvalid || in.bid != prev_in_.bid || in.bresp != prev_in_.bresp))
        sim_->violation("s_up B: BVALID dropped or the payload changed before BREADY (bid %u)",
                        prev_in_.bid);
    r_pend_ = in.rvalid && !out_.rready;
    b_pend_ = in.bvalid && !out_.bready;
    prev_in_ = in;

    if (out_.ar.valid && in.arready) {
        int h = ar_q_.front();
        ar_q_.pop_front();
        Txn &x = live(h);
        x.addr_done = true;
        x.t_addr = now;
        rd_out_[out_.ar.id].push_back(h);
        if (++rd_inflight_ > st.peak_rd)
            st.peak_rd = rd_inflight_;
    }
    if (out_.aw.valid && in.awready) {
        int h = aw_q_.front();
        aw_q_.pop_front();
        Txn &x = live(h);
        x.addr_done = true;
        x.t_addr = now;
        wr_out_[out_.aw.id].push_back(h);
        if (++wr_inflight_ > st.peak_wr)
            st.peak_wr = wr_inflight_;
    }
    if (out_.wvalid && in.wready) {
        Txn &x = live(w_q_.front());
        x.w_sent++;
        st.w_beats++;
        if (x.w_sent == x.wbeat.size())
            w_q_.pop_front();
    }

    if (in.rvalid && out_.rready) {
        unsigned id = in.rid & (unsigned)mask_bits(kIdW);
        std::deque<int> &q = rd_out_[id];
        if (q.empty()) {
            bool queued = false;
            for (int h : ar_q_)
                queued = queued || (live(h).t.id & mask_bits(kIdW)) == id;
            sim_->violation(queued ? "s_up R: RVALID (rid %u) before the AR handshake"
                                   : "s_up R: RVALID for rid %u with no read outstanding", id);
        } else {
            int h = q.front();
            Txn &x = live(h);
            if (x.r_beats == 0)
                x.t_first = now;
            if (x.r_beats < x.rbeat.size())
                x.rbeat[x.r_beats] = in.rdata;
            if ((int)in.rresp > x.worst)
                x.worst = (int)in.rresp;
            x.r_beats++;
            st.r_beats++;
            unsigned n = nbeats(x);
            bool end = in.rlast || x.r_beats >= n;
            if (in.rlast && x.r_beats < n)
                sim_->violation("s_up R: RLAST early at beat %u of %u (rid %u, addr 0x%llx)",
                                x.r_beats, n, id, (unsigned long long)x.t.addr);
            else if (!in.rlast && x.r_beats == n)
                sim_->violation("s_up R: RLAST missing on beat %u of %u (rid %u, addr 0x%llx)",
                                x.r_beats, n, id, (unsigned long long)x.t.addr);
            if (end) {
                /* Same-ID order: what arrived is what a younger same-ID read expects. */
                bool data_bad = !x.expect.empty() && !expects_same_data(x, x.rbeat);
                bool resp_bad = x.t.expect_resp >= 0 && x.worst != x.t.expect_resp;
                if (data_bad || resp_bad) {
                    bool younger = false;
                    for (size_t i = 1; i < q.size() && !younger; i++) {
                        const Txn &y = live(q[i]);
                        younger = data_bad ? expects_same_data(y, x.rbeat)
                                           : y.t.expect_resp == x.worst;
                    }
                    if (younger)
                        sim_->violation("s_up R: same-ID responses out of order (rid %u: "
                                        "the data of a younger read arrived first)", id);
                    else
                        sim_->violation("s_up R: %s differs from what was expected (rid %u, "
                                        "addr 0x%llx, resp %d)", data_bad ? "read data" : "RRESP",
                                        id, (unsigned long long)x.t.addr, x.worst);
                }
                q.pop_front();
                finish(h, x, now);
            }
        }
    }

    if (in.bvalid && out_.bready) {
        unsigned id = in.bid & (unsigned)mask_bits(kIdW);
        std::deque<int> &q = wr_out_[id];
        if (q.empty()) {
            bool queued = false;
            for (int h : aw_q_)
                queued = queued || (live(h).t.id & mask_bits(kIdW)) == id;
            sim_->violation(queued ? "s_up B: BVALID (bid %u) before the AW handshake"
                                   : "s_up B: BVALID for bid %u with no write outstanding", id);
        } else {
            int h = q.front();
            Txn &x = live(h);
            if (x.w_sent < x.wbeat.size()) {
                sim_->violation("s_up B: BVALID before the last W beat (bid %u, beat %u of %zu)",
                                id, x.w_sent, x.wbeat.size());
            } else {
                x.t_first = now;
                x.worst = (int)in.bresp;
                if (x.t.expect_resp >= 0 && x.worst != x.t.expect_resp) {
                    bool younger = false;
                    for (size_t i = 1; i < q.size() && !younger; i++)
                        younger = live(q[i]).t.expect_resp == x.worst;
                    if (younger)
                        sim_->violation("s_up B: same-ID responses out of order (bid %u: the "
                                        "response of a younger write arrived first)", id);
                    else
                        sim_->violation("s_up B: BRESP %d, expected %d (bid %u, addr 0x%llx)",
                                        x.worst, x.t.expect_resp, id,
                                        (unsigned long long)x.t.addr);
                }
                q.pop_front();
                finish(h, x, now);
            }
        }
    }
    watchdog(now);
}

/* A transaction that never ends is an RTL bug, never a result: name it. */
void TrafficMaster::watchdog(uint64_t now)
{
    if (live_n_ == 0 || hold_forever())
        return;
    const Txn &x = live_.front();
    if (now - x.t_issue < sim_->timeout)
        return;
    const char *what = !x.addr_done ? (x.t.write ? "AW not accepted" : "AR not accepted")
                       : x.t.write && x.w_sent < x.wbeat.size() ? "W beats not accepted"
                       : x.t.write ? "no B response" : "R beats missing";
    fatal(sim_, "timeout: s_up %s %s (addr 0x%llx, sid 0x%x, id %u, %u beats, %u received, "
          "issued at cycle %llu)", x.t.write ? "write" : "read", what,
          (unsigned long long)x.t.addr, x.t.sid, x.t.id, nbeats(x), x.r_beats,
          (unsigned long long)x.t_issue);
}

/* The first downstream access of a direction with this ID belongs to the oldest
 * transaction of that ID whose address was accepted, which has none yet and whose
 * expectations (tm_txn_t.expect_dn) allow it. */
void TrafficMaster::on_dn_addr(const AxiAddr &a, bool write)
{
    std::deque<int> &q = (write ? wr_out_ : rd_out_)[a.id & mask_bits(kIdW)];
    Txn *first = nullptr;
    unsigned unattributed = 0;
    for (int h : q) {
        Txn &x = live(h);
        if (x.dn.seen || x.t.expect_dn == TM_DN_NONE)
            continue;
        if (x.t.expect_dn == TM_DN_AT) {
            bool at = false;
            for (unsigned k = 0; k < x.t.expect_dn_n && k < 2; k++)
                at = at || a.addr == x.t.expect_dn_addr[k];
            if (!at)
                continue;
        }
        unattributed++;
        if (!first)
            first = &x;
    }
    if (!first) {
        st.dn_orphans++;
        st.dn_orphan_addr = a.addr;
        return;
    }
    first->dn.seen = true;
    first->dn.addr = a.addr;
    first->dn.cache = (uint8_t)a.cache;
    first->dn.prot = (uint8_t)a.prot;
    first->dn.domain = (uint8_t)a.domain;
    first->dn.attr = (uint8_t)a.user;
    first->dn_amb = unattributed > 1;
}

/* ---- waiting --------------------------------------------------------------------------- */

bool TrafficMaster::poll(int h, tm_result_t *out)
{
    auto it = done_.find(h);
    if (it == done_.end())
        return false;
    if (out)
        *out = it->second;
    done_.erase(it);
    return true;
}

bool TrafficMaster::expect_dn(int h, uint8_t kind, unsigned n, const uint64_t *addr)
{
    Txn *x = find_live(h);
    if (!x)
        return false;
    tm_txn_t &t = x->t;
    t.expect_dn = kind;
    t.expect_dn_n = (uint8_t)(n < 2 ? n : 2);
    for (unsigned k = 0; k < t.expect_dn_n; k++)
        t.expect_dn_addr[k] = addr[k];
    return true;
}

bool TrafficMaster::release_w(int h)
{
    Txn *x = find_live(h);
    if (!x || !x->t.write)
        return false;
    x->t.wbeats_max = 0;
    return true;
}

tm_result_t TrafficMaster::wait(int h)
{
    if (!find_live(h) && !done_.count(h))
        fatal(sim_, "tm_wait: no transaction with handle %d", h);
    tm_result_t r{};
    while (!poll(h, &r)) {
        const Txn *x = find_live(h);
        if (hold_forever() && x && sim_->cycles - x->t_issue >= sim_->timeout)
            fatal(sim_, "tm_wait: handle %d cannot end while the ready signals are held low "
                  "forever", h);
        sim_->tick();
    }
    return r;
}

void TrafficMaster::wait_all()
{
    while (live_n_) {
        if (hold_forever() && sim_->cycles - live_.front().t_issue >= sim_->timeout)
            fatal(sim_, "tm_wait_all: cannot end while the ready signals are held low forever");
        sim_->tick();
    }
}

void TrafficMaster::hold(bool r, bool b, uint64_t cycles)
{
    uint64_t until = cycles == TM_HOLD_FOREVER ? TM_HOLD_FOREVER : sim_->cycles + cycles;
    if (r)
        hold_r_until_ = cycles ? until : 0;
    if (b)
        hold_b_until_ = cycles ? until : 0;
}

} // namespace simh

using simh::Sim;

extern "C" {

tm_txn_t tm_txn(bool write, uint32_t sid, uint64_t addr, unsigned beats)
{
    tm_txn_t t;
    memset(&t, 0, sizeof t);
    t.write = write;
    t.sid = sid;
    t.addr = addr;
    t.len = (uint8_t)(beats ? beats - 1 : 0);
    t.size = 3;
    t.burst = 1;
    t.wlast_at = -1;
    t.expect_resp = -1;
    return t;
}

void tm_config(sim_t *s, const tm_config_t *cfg)
{
    tm_config_t c = *cfg;
    if (c.max_rd < 1)
        c.max_rd = 1;
    if (c.max_wr < 1)
        c.max_wr = 1;
    if (c.max_rd > TM_MAX_OUTSTANDING)
        c.max_rd = TM_MAX_OUTSTANDING;
    if (c.max_wr > TM_MAX_OUTSTANDING)
        c.max_wr = TM_MAX_OUTSTANDING;
    if (c.rready_low_pct > 95)
        c.rready_low_pct = 95;
    if (c.bready_low_pct > 95)
        c.bready_low_pct = 95;
    s->tm.cfg = c;
}

void tm_get_config(const sim_t *s, tm_config_t *cfg)
{
    *cfg = s->tm.cfg;
}

int tm_issue(sim_t *s, const tm_txn_t *t, void *rbuf)
{
    if (!t)
        simh::fatal(s, "tm_issue: no transaction");
    return s->tm.issue(*t, rbuf);
}

bool tm_poll(sim_t *s, int handle, tm_result_t *out)
{
    return s->tm.poll(handle, out);
}

bool tm_expect_dn(sim_t *s, int handle, uint8_t kind, unsigned n, const uint64_t *addr)
{
    if (kind == TM_DN_AT && (n == 0 || n > 2 || !addr))
        simh::fatal(s, "tm_expect_dn: TM_DN_AT takes one or two addresses");
    return s->tm.expect_dn(handle, kind, n, addr);
}

bool tm_release_w(sim_t *s, int handle)
{
    return s->tm.release_w(handle);
}

tm_result_t tm_wait(sim_t *s, int handle)
{
    return s->tm.wait(handle);
}

void tm_wait_all(sim_t *s)
{
    s->tm.wait_all();
}

void tm_discard_done(sim_t *s)
{
    s->tm.discard_done();
}

void tm_hold_ready(sim_t *s, bool rready, bool bready, uint64_t cycles)
{
    s->tm.hold(rready, bready, cycles);
}

unsigned tm_pending(const sim_t *s, bool write)
{
    return s->tm.pending(write);
}

void tm_stats(const sim_t *s, tm_stats_t *out)
{
    *out = s->tm.st;
}

void tm_stats_reset(sim_t *s)
{
    uint64_t v = s->tm.st.violations;
    s->tm.st = tm_stats_t{};
    s->tm.st.violations = v;
}

const char *tm_violation(const sim_t *s, size_t i)
{
    return i < s->tm.violations.size() ? s->tm.violations[i].c_str() : nullptr;
}

/* The blocking calls of the first harness: one INCR burst of 64-bit beats, issue + wait.
 * Cycle for cycle what they always were: the address (and a write's data) presented from
 * the next cycle, `cycles` from the address handshake to the last response. */
static dma_result_t dma_run(sim_t *s, const dma_txn_t *t, bool write, const void *wbuf,
                            void *rbuf)
{
    if (!t || t->len == 0 || t->len % 8 || t->len > 256 * 8 ||
        (t->addr & 0xfff) + t->len > 4096 || (t->addr & 7))
        simh::fatal(s, "dma_%s: bad transaction (addr 0x%llx, len %u): need an 8-byte aligned "
                    "burst of 8..2048 bytes in one 4 KB page",
                    write ? "write" : "read", t ? (unsigned long long)t->addr : 0ull,
                    t ? t->len : 0);
    tm_txn_t x = tm_txn(write, t->sid, t->addr, t->len / 8);
    x.id = t->id;
    x.prot = t->prot;
    x.cache = t->cache;
    x.domain = t->domain;
    x.nosnoop = t->nosnoop;
    x.ssv = t->ssv;
    x.ssid = t->ssid;
    x.wdata = static_cast<const uint8_t *>(wbuf);
    tm_result_t r = s->tm.wait(s->tm.issue(x, rbuf));
    dma_result_t d{};
    d.resp = r.resp;
    d.dn = r.dn;
    d.cycles = r.t_done - r.t_addr;
    d.tbl_reads = r.tbl_reads;
    return d;
}

dma_result_t dma_read(sim_t *s, const dma_txn_t *t, void *buf)
{
    return dma_run(s, t, false, nullptr, buf);
}

dma_result_t dma_write(sim_t *s, const dma_txn_t *t, const void *buf)
{
    return dma_run(s, t, true, buf, nullptr);
}

} /* extern "C" */
