/*
 * The memory model: a sparse byte store with the DMA pool, and the AXI4 slave port model
 * that serves the SMMU's two master ports (m_tbl_*, m_dn_*) from it.
 */
#include <sys/mman.h>

#include <algorithm>
#include <cstring>

#include "sim_priv.h"

namespace simh {

static constexpr uint64_t kPoolPa = SIM_DMA_POOL_PA;
static constexpr uint64_t kPoolSize = SIM_DMA_POOL_SIZE;

static bool in_pool(uint64_t pa) { return pa >= kPoolPa && pa - kPoolPa < kPoolSize; }

/* ---- store --------------------------------------------------------------------------- */

MemStore::~MemStore()
{
    if (pool_)
        munmap(pool_, kPoolSize);
}

uint8_t *MemStore::pool()
{
    if (!pool_) {
        /* Anonymous pages: zero-filled and only backed once touched. */
        void *p = mmap(nullptr, kPoolSize, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (p == MAP_FAILED)
            fatal(nullptr, "cannot map the %llu-byte DMA pool", (unsigned long long)kPoolSize);
        pool_ = static_cast<uint8_t *>(p);
    }
    return pool_;
}

uint8_t *MemStore::span(uint64_t pa, bool create, size_t *avail)
{
    if (in_pool(pa)) {
        *avail = (size_t)(kPoolPa + kPoolSize - pa);
        if (!pool_ && !create)
            return nullptr;
        return pool() + (pa - kPoolPa);
    }
    /* The pool is page aligned, so a page is either wholly inside it or outside. */
    uint64_t off = pa & (kPage - 1);
    *avail = (size_t)(kPage - off);
    /* the last page found (pages are never freed before the store) */
    if (last_ptr_ && last_pg_ == pa / kPage)
        return last_ptr_ + off;
    auto it = pages_.find(pa / kPage);
    if (it == pages_.end()) {
        if (!create)
            return nullptr;
        it = pages_.emplace(pa / kPage, std::unique_ptr<uint8_t[]>(new uint8_t[kPage]())).first;
    }
    last_pg_ = pa / kPage;
    last_ptr_ = it->second.get();
    return last_ptr_ + off;
}

void MemStore::read(uint64_t pa, void *buf, size_t len)
{
    uint8_t *dst = static_cast<uint8_t *>(buf);
    while (len) {
        size_t avail;
        const uint8_t *p = span(pa, false, &avail);
        size_t n = std::min(len, avail);
        if (p)
            memcpy(dst, p, n);
        else
            memset(dst, 0, n);
        dst += n;
        pa += n;
        len -= n;
    }
}

void MemStore::write(uint64_t pa, const void *buf, size_t len)
{
    const uint8_t *src = static_cast<const uint8_t *>(buf);
    while (len) {
        size_t avail;
        uint8_t *p = span(pa, true, &avail);
        size_t n = std::min(len, avail);
        memcpy(p, src, n);
        src += n;
        pa += n;
        len -= n;
    }
}

/* An aligned dword never crosses a sparse page or the pool's end (both page aligned):
 * one span() lookup serves all its bytes. */
uint64_t MemStore::read_dword(uint64_t pa)
{
    size_t avail;
    const uint8_t *p = span(pa & ~7ull, false, &avail);
    if (!p)
        return 0;
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

void MemStore::write_strb(uint64_t pa, uint64_t data, uint8_t strb)
{
    if (!strb)
        return;
    size_t avail;
    uint8_t *p = span(pa & ~7ull, true, &avail);
    for (unsigned i = 0; i < 8; i++)
        if (strb & (1u << i))
            p[i] = (uint8_t)(data >> (8 * i));
}

/* ---- AXI4 slave port ----------------------------------------------------------------- */

uint8_t beat_lanes(uint64_t addr, unsigned size)
{
    if (size >= 3)
        return 0xff;
    unsigned bytes = 1u << size;
    unsigned lo = (unsigned)(addr & 7), hi = (unsigned)((addr & 7 & ~(uint64_t)(bytes - 1)) + bytes);
    uint8_t m = 0;
    for (unsigned i = lo; i < hi; i++)
        m |= (uint8_t)(1u << i);
    return m;
}

void MemPort::reset()
{
    rq_.clear();
    awq_.clear();
    wq_.clear();
    bq_.clear();
    r_active_ = -1;
    out_ = MemPortOut{};
    ar_hold_ = aw_hold_ = w_hold_ = false;
    ar_fired = aw_fired = false;
    bug_b_early_ = false;
}

uint64_t MemPort::beat_addr(const AxiAddr &a, unsigned beat) const
{
    uint64_t bytes = 1ull << a.size;
    switch (a.burst) {
    case 0: /* FIXED */
        return a.addr;
    case 2: { /* WRAP: aligned start (checked), wraps at the burst's total size */
        uint64_t total = bytes * (a.len + 1);
        uint64_t base = a.addr & ~(total - 1);
        return base + ((a.addr - base + beat * bytes) % total);
    }
    default: /* INCR: the first beat may be unaligned, the rest are aligned */
        return beat == 0 ? a.addr : (a.addr & ~(bytes - 1)) + beat * bytes;
    }
}

unsigned MemPort::error_resp(const AxiAddr &a, unsigned flag) const
{
    const std::vector<ErrRange> &err = sim_->err;
    if (err.empty())
        return 0;
    uint64_t bytes = 1ull << a.size;
    for (const ErrRange &r : err) {
        if (!(r.flags & flag) || !r.resp)
            continue;
        for (unsigned i = 0; i <= a.len; i++) {
            uint64_t lo = beat_addr(a, i);
            uint64_t hi = (lo & ~(bytes - 1)) + bytes;
            if (lo < r.base + r.size && r.base < hi)
                return r.resp;
        }
    }
    return 0;
}

/* The extra latency of a burst that touches a stall range (the longest that applies). */
unsigned MemPort::stall_of(const AxiAddr &a, unsigned flag) const
{
    unsigned st = 0;
    for (const ErrRange &r : sim_->err) {
        if (!(r.flags & flag) || r.resp || r.stall <= st)
            continue;
        uint64_t lo = beat_addr(a, 0), hi = beat_addr(a, a.len) + (1ull << a.size);
        if (lo < r.base + r.size && r.base < hi)
            st = r.stall;
    }
    return st;
}

void MemPort::check_addr(const AxiAddr &a, const char *ch)
{
    uint64_t bytes = 1ull << a.size;
    if (a.size > 3)
        fatal(sim_, "%s %s: AxSIZE %u is wider than the 64-bit bus (addr 0x%llx)", name_, ch,
              a.size, (unsigned long long)a.addr);
    if (a.burst == 3)
        fatal(sim_, "%s %s: reserved AxBURST 3 (addr 0x%llx)", name_, ch,
              (unsigned long long)a.addr);
    if (a.burst == 1 && (a.addr & 0xfff & ~(bytes - 1))  + bytes * (a.len + 1) > 4096)
        fatal(sim_, "%s %s: INCR burst crosses a 4 KB boundary (addr 0x%llx, len %u, size %u)",
              name_, ch, (unsigned long long)a.addr, a.len + 1, a.size);
    if (a.burst == 2 && ((a.len != 1 && a.len != 3 && a.len != 7 && a.len != 15) ||
                         (a.addr & (bytes - 1))))
        fatal(sim_, "%s %s: illegal WRAP burst (addr 0x%llx, len %u)", name_, ch,
              (unsigned long long)a.addr, a.len + 1);
}

/* The next burst to answer: ready, and no older burst of its ID still waiting. The
 * earliest ready one, or (MEM_ORDER_REORDER) one of them at random. `bug_reorder` picks a
 * burst that has an older same-ID burst ready (MEM_BUG_SAME_ID_*), once. */
int MemPort::pick(std::deque<Burst> &q, uint64_t now, bool bug_reorder)
{
    if (bug_reorder) {
        /* two same-ID bursts, the older not started: wait for the younger, answer it */
        for (size_t i = 1; i < q.size(); i++)
            for (size_t j = 0; j < i; j++)
                if (q[j].a.id == q[i].a.id && q[j].beat == 0) {
                    if (q[i].ready_at > now)
                        return -1;
                    bug = MEM_BUG_NONE;
                    return (int)i;
                }
    }
    int best = -1;
    uint64_t best_at = 0;
    unsigned n = 0;
    /* the IDs of the bursts looked at so far (IDs below 256: a bit each; else compared);
     * walked with an iterator, which steps through the deque's blocks (an index
     * recomputes the block of every element: the larger part of this every-cycle scan) */
    uint64_t seen[4] = {0, 0, 0, 0};
    int i = 0;
    for (auto it = q.begin(); it != q.end(); ++it, i++) {
        const unsigned id = it->a.id;
        bool older_same_id = false;
        if (id < 256) {
            older_same_id = (seen[id >> 6] >> (id & 63)) & 1u;
            seen[id >> 6] |= uint64_t{1} << (id & 63);
        } else {
            for (auto jt = q.begin(); jt != it && !older_same_id; ++jt)
                older_same_id = jt->a.id == id;
        }
        if (it->ready_at > now || older_same_id)
            continue;
        if (order & MEM_ORDER_REORDER) {
            /* reservoir sampling: each candidate equally likely */
            if (rng_.range(0, n++) == 0)
                best = i;
        } else if (best < 0 || it->ready_at < best_at) {
            best = i;
            best_at = it->ready_at;
        }
    }
    return best;
}

void MemPort::log_addr(const AxiAddr &a, bool write, uint64_t now)
{
    if (alog.empty())
        alog.resize(MEM_ADDR_LOG_MAX);
    mem_addr_log_t &e = alog[alog_n % MEM_ADDR_LOG_MAX];
    e.cycle = now;
    e.addr = a.addr;
    e.id = (uint8_t)a.id;
    e.len = (uint8_t)a.len;
    e.size = (uint8_t)a.size;
    e.burst = (uint8_t)a.burst;
    e.cache = (uint8_t)a.cache;
    e.prot = (uint8_t)a.prot;
    e.domain = (uint8_t)a.domain;
    e.write = write;
    e.user = (uint32_t)a.user;
    e.done = 0;
    e.resp = 0;
    alog_n++;
}

void MemPort::log_done(const Burst &b, uint64_t now)
{
    if (alog_n - b.alog_idx > MEM_ADDR_LOG_MAX)
        return; /* its entry is no longer kept */
    mem_addr_log_t &e = alog[b.alog_idx % MEM_ADDR_LOG_MAX];
    e.done = now;
    e.resp = (uint8_t)b.err;
}

void MemPort::log_beat(const AxiAddr &a, uint64_t addr, uint8_t mask, bool write,
                       unsigned resp, uint64_t now)
{
    if (!log_on)
        return;
    mem_log_entry_t e;
    e.cycle = now;
    e.addr = addr;
    e.mask = mask;
    e.write = write;
    e.resp = (uint8_t)resp;
    e.id = (uint8_t)a.id;
    log.push_back(e);
}

const MemPortOut &MemPort::prepare(uint64_t now)
{
    const Timing &tm = timing;
    unsigned st = tm.stall_pct;
    if (sim_->in_reset) {
        out_ = MemPortOut{};
        return out_;
    }
    /* READY may be high before VALID; back-pressure only ever lowers it. */
    out_.arready = rq_.size() < max_reads && !rng_.percent(st);
    out_.awready = awq_.size() + bq_.size() < max_writes && !rng_.percent(st);
    out_.wready = wq_.size() < kMaxWBeats && !rng_.percent(st);

    if (out_.rvalid && bug == MEM_BUG_RVALID_DROP) {
        /* a presented beat withdrawn before it was taken */
        out_.rvalid = false;
        bug = MEM_BUG_NONE;
        r_active_ = -1;
        return out_;
    }
    /* A presented beat or response stays until accepted (AXI). */
    if (!out_.rvalid) {
        if (r_active_ < 0)
            r_active_ = pick(rq_, now, bug == MEM_BUG_SAME_ID_REORDER);
        if (r_active_ >= 0 && !rng_.percent(st)) {
            const Burst &b = rq_[(size_t)r_active_];
            out_.rvalid = true;
            out_.rid = b.a.id;
            out_.rdata = b.err ? 0 : !b.wdata.empty() ? b.wdata[b.beat]
                                                       : sim_->mem.read_dword(beat_addr(b.a, b.beat));
            out_.rresp = b.err;
            out_.rlast = b.beat == b.a.len;
            if (bug == MEM_BUG_EARLY_RLAST && b.a.len > 0 && b.beat == b.a.len - 1u) {
                out_.rlast = true;
                bug = MEM_BUG_NONE;
            } else if (bug == MEM_BUG_MISSING_RLAST && out_.rlast) {
                out_.rlast = false;
                bug = MEM_BUG_NONE;
            } else if (bug == MEM_BUG_WRONG_RID) {
                out_.rid = (b.a.id ^ 1u) & (unsigned)mask_bits(id_w_);
                bug = MEM_BUG_NONE;
            }
        }
    }
    if (!out_.bvalid)
        bug_b_early_ = false;
    if (!out_.bvalid && bug == MEM_BUG_B_BEFORE_WLAST && !awq_.empty() &&
        !awq_.front().wdata.empty()) {
        /* a response for a write whose data are still coming (held until taken) */
        out_.bvalid = true;
        out_.bid = awq_.front().a.id;
        out_.bresp = 0;
        bug_b_early_ = true;
        bug = MEM_BUG_NONE;
    } else if (!out_.bvalid) {
        int i = pick(bq_, now, bug == MEM_BUG_SAME_ID_B_REORDER);
        if (i >= 0 && !rng_.percent(st)) {
            /* Move it to the front so the index stays valid until the handshake; the
             * per-ID order is kept because pick() chose the oldest of its ID. */
            if (i > 0) {
                Burst b = std::move(bq_[(size_t)i]);
                bq_.erase(bq_.begin() + i);
                bq_.push_front(std::move(b));
            }
            out_.bvalid = true;
            out_.bid = bq_.front().a.id;
            out_.bresp = bq_.front().err;
        }
    }
    return out_;
}

static bool same_addr(const AxiAddr &x, const AxiAddr &y)
{
    return x.id == y.id && x.addr == y.addr && x.len == y.len && x.size == y.size &&
           x.burst == y.burst && x.cache == y.cache && x.prot == y.prot &&
           x.domain == y.domain && x.user == y.user;
}

void MemPort::absorb_w(uint64_t now)
{
    const Timing &tm = timing;
    while (!awq_.empty() && !wq_.empty()) {
        Burst &b = awq_.front();
        WBeat w = wq_.front();
        wq_.pop_front();
        b.wdata.push_back(w.data);
        b.wstrb.push_back(w.strb);
        bool last = b.wdata.size() == (size_t)b.a.len + 1;
        if (w.last != last) /* (recorded: the burst still ends by its beat count) */
            sim_->violation("%s W: WLAST %s at beat %zu of a %u-beat burst (addr 0x%llx)",
                            name_, w.last ? "early" : "missing", b.wdata.size(), b.a.len + 1,
                            (unsigned long long)b.a.addr);
        if (!last)
            continue;
        /* A write that touches an error range is answered with the error and not
         * performed. */
        for (unsigned i = 0; i <= b.a.len; i++) {
            uint64_t ba = beat_addr(b.a, i);
            if (!b.err)
                sim_->mem.write_strb(ba, b.wdata[i], b.wstrb[i]);
            log_beat(b.a, ba, b.wstrb[i], true, b.err, now);
        }
        b.ready_at = now + 1 + rng_.range(tm.lat_min, tm.lat_max) + stall_of(b.a, MEM_ERR_WRITE);
        bq_.push_back(std::move(b));
        awq_.pop_front();
    }
}

void MemPort::commit(const MemPortIn &in, uint64_t now)
{
    const Timing &tm = timing;
    ar_fired = aw_fired = false;

    /* The DUT as master: VALID and its payload must hold until READY. */
    if (ar_hold_ && (!in.ar.valid || !same_addr(in.ar, ar_prev_)))
        fatal(sim_, "%s AR: ARVALID dropped or the payload changed before ARREADY (addr 0x%llx)",
              name_, (unsigned long long)ar_prev_.addr);
    if (aw_hold_ && (!in.aw.valid || !same_addr(in.aw, aw_prev_)))
        fatal(sim_, "%s AW: AWVALID dropped or the payload changed before AWREADY (addr 0x%llx)",
              name_, (unsigned long long)aw_prev_.addr);
    if (w_hold_ && (!in.wvalid || in.wdata != w_prev_data_ || in.wstrb != w_prev_strb_ ||
                    in.wlast != w_prev_last_))
        fatal(sim_, "%s W: WVALID dropped or the payload changed before WREADY", name_);
    ar_hold_ = in.ar.valid && !out_.arready;
    aw_hold_ = in.aw.valid && !out_.awready;
    w_hold_ = in.wvalid && !out_.wready;
    ar_prev_ = in.ar;
    aw_prev_ = in.aw;
    w_prev_data_ = in.wdata;
    w_prev_strb_ = in.wstrb;
    w_prev_last_ = in.wlast;

    if (in.ar.valid && out_.arready) {
        check_addr(in.ar, "AR");
        Burst b;
        b.a = in.ar;
        b.ready_at = now + 1 + rng_.range(tm.lat_min, tm.lat_max) + stall_of(in.ar, MEM_ERR_READ);
        b.beat = 0;
        b.err = error_resp(in.ar, MEM_ERR_READ);
        if (order & MEM_READ_EARLY)
            for (unsigned i = 0; i <= b.a.len; i++)
                b.wdata.push_back(sim_->mem.read_dword(beat_addr(b.a, i)));
        b.alog_idx = alog_n;
        rq_.push_back(std::move(b));
        cnt.ar++;
        ar_fired = true;
        ar_last = in.ar;
        log_addr(in.ar, false, now);
    }
    if (in.aw.valid && out_.awready) {
        check_addr(in.aw, "AW");
        Burst b;
        b.a = in.aw;
        b.ready_at = 0;
        b.beat = 0;
        b.err = error_resp(in.aw, MEM_ERR_WRITE);
        b.alog_idx = alog_n;
        b.wdata.reserve((size_t)b.a.len + 1); /* its beats, one allocation */
        b.wstrb.reserve((size_t)b.a.len + 1);
        awq_.push_back(std::move(b));
        cnt.aw++;
        aw_fired = true;
        aw_last = in.aw;
        log_addr(in.aw, true, now);
    }
    /* Write data may arrive before its address (AXI4): it waits in wq_, unless this port
     * is strict (the SMMU's downstream port must not send data it has not translated). */
    if (in.wvalid && out_.wready) {
        if (w_after_aw && awq_.empty())
            sim_->violation("%s W: a W beat before the AW handshake of its burst", name_);
        wq_.push_back(WBeat{in.wdata, (uint8_t)in.wstrb, in.wlast});
        cnt.w_beats++;
    }
    absorb_w(now);

    if (out_.rvalid && in.rready) {
        Burst &b = rq_[(size_t)r_active_];
        cnt.r_beats++;
        uint64_t ba = beat_addr(b.a, b.beat);
        log_beat(b.a, ba, beat_lanes(ba, b.a.size), false, b.err, now);
        if (b.beat++ == b.a.len) {
            log_done(b, now);
            rq_.erase(rq_.begin() + r_active_);
            r_active_ = -1;
        } else if (order & MEM_ORDER_INTERLEAVE) {
            r_active_ = -1; /* the next beat may be another ID's */
        }
        out_.rvalid = false;
    }
    if (out_.bvalid && in.bready) {
        if (!bug_b_early_) {
            log_done(bq_.front(), now);
            bq_.pop_front();
        }
        out_.bvalid = false;
    }
    if (rd_now() > rd_peak)
        rd_peak = rd_now();
    if (wr_now() > wr_peak)
        wr_peak = wr_now();
}

} // namespace simh

using simh::Sim;

extern "C" {

void mem_write(sim_t *s, uint64_t pa, const void *buf, size_t len)
{
    s->mem.write(pa, buf, len);
}

void mem_read(sim_t *s, uint64_t pa, void *buf, size_t len)
{
    s->mem.read(pa, buf, len);
}

void mem_write64(sim_t *s, uint64_t pa, uint64_t val)
{
    uint8_t b[8];
    for (unsigned i = 0; i < 8; i++)
        b[i] = (uint8_t)(val >> (8 * i));
    s->mem.write(pa, b, 8);
}

uint64_t mem_read64(sim_t *s, uint64_t pa)
{
    uint8_t b[8];
    s->mem.read(pa, b, 8);
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | b[i];
    return v;
}

void *mem_dma_pool(sim_t *s, uint64_t *pa, size_t *size)
{
    if (pa)
        *pa = SIM_DMA_POOL_PA;
    if (size)
        *size = SIM_DMA_POOL_SIZE;
    return s->mem.pool();
}

void mem_set_port_timing(sim_t *s, enum mem_port port, unsigned lat_min, unsigned lat_max,
                         unsigned stall_pct)
{
    if (lat_max < lat_min)
        std::swap(lat_min, lat_max);
    /* 100 % would stall forever; the cap keeps every access finite. */
    simh::Timing &t = s->port(port).timing;
    t.lat_min = lat_min;
    t.lat_max = lat_max;
    t.stall_pct = stall_pct > 95 ? 95 : stall_pct;
}

void mem_set_timing(sim_t *s, unsigned lat_min, unsigned lat_max, unsigned stall_pct)
{
    mem_set_port_timing(s, MEM_PORT_TBL, lat_min, lat_max, stall_pct);
    mem_set_port_timing(s, MEM_PORT_DN, lat_min, lat_max, stall_pct);
}

void mem_set_order(sim_t *s, enum mem_port port, unsigned flags, unsigned depth)
{
    simh::MemPort &p = s->port(port);
    p.order = flags & (MEM_ORDER_REORDER | MEM_ORDER_INTERLEAVE | MEM_READ_EARLY);
    if (depth) {
        if (depth > 1024)
            depth = 1024;
        p.max_reads = p.max_writes = depth;
    }
}

int mem_add_error_range_resp(sim_t *s, uint64_t base, uint64_t size, unsigned flags, int resp)
{
    if (size == 0 || !(flags & (MEM_ERR_READ | MEM_ERR_WRITE)) || base + size < base ||
        (resp != 2 && resp != 3))
        return -1;
    if (s->err.size() >= 16)
        return -1;
    s->err.push_back(simh::ErrRange{base, size, flags, (unsigned)resp, 0});
    return 0;
}

int mem_add_stall_range(sim_t *s, uint64_t base, uint64_t size, unsigned flags, unsigned cycles)
{
    if (size == 0 || !(flags & (MEM_ERR_READ | MEM_ERR_WRITE)) || base + size < base || !cycles)
        return -1;
    if (s->err.size() >= 16)
        return -1;
    s->err.push_back(simh::ErrRange{base, size, flags, 0, cycles});
    return 0;
}

int mem_add_error_range(sim_t *s, uint64_t base, uint64_t size, unsigned flags)
{
    return mem_add_error_range_resp(s, base, size, flags, 2);
}

void mem_clear_error_ranges(sim_t *s)
{
    s->err.clear();
}

void mem_log_enable(sim_t *s, enum mem_port port, bool on)
{
    s->port(port).log_on = on;
}

size_t mem_log_count(const sim_t *s, enum mem_port port)
{
    return const_cast<sim_t *>(s)->port(port).log.size();
}

const mem_log_entry_t *mem_log_entries(const sim_t *s, enum mem_port port)
{
    return const_cast<sim_t *>(s)->port(port).log.data();
}

void mem_log_clear(sim_t *s, enum mem_port port)
{
    s->port(port).log.clear();
}

size_t mem_addr_log_count(const sim_t *s, enum mem_port port)
{
    return const_cast<sim_t *>(s)->port(port).alog_n;
}

const mem_addr_log_t *mem_addr_log_get(const sim_t *s, enum mem_port port, size_t i)
{
    const simh::MemPort &p = const_cast<sim_t *>(s)->port(port);
    if (i >= p.alog_n || p.alog_n - i > MEM_ADDR_LOG_MAX)
        return nullptr;
    return &p.alog[i % MEM_ADDR_LOG_MAX];
}

void mem_port_load(const sim_t *s, enum mem_port port, mem_port_load_t *out)
{
    const simh::MemPort &p = const_cast<sim_t *>(s)->port(port);
    out->rd_now = p.rd_now();
    out->wr_now = p.wr_now();
    out->rd_peak = p.rd_peak;
    out->wr_peak = p.wr_peak;
}

void mem_port_peak_reset(sim_t *s, enum mem_port port)
{
    simh::MemPort &p = s->port(port);
    p.rd_peak = p.rd_now();
    p.wr_peak = p.wr_now();
}

void mem_inject_bug(sim_t *s, enum mem_port port, enum mem_bug bug)
{
    s->port(port).bug = bug;
}

void mem_set_w_after_aw(sim_t *s, enum mem_port port, bool strict)
{
    s->port(port).w_after_aw = strict;
}

} /* extern "C" */
