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
    auto it = pages_.find(pa / kPage);
    if (it == pages_.end()) {
        if (!create)
            return nullptr;
        it = pages_.emplace(pa / kPage, std::unique_ptr<uint8_t[]>(new uint8_t[kPage]())).first;
    }
    return it->second.get() + off;
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

uint64_t MemStore::read_dword(uint64_t pa)
{
    uint8_t b[8];
    read(pa & ~7ull, b, 8);
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | b[i];
    return v;
}

void MemStore::write_strb(uint64_t pa, uint64_t data, uint8_t strb)
{
    pa &= ~7ull;
    for (unsigned i = 0; i < 8; i++) {
        if (strb & (1u << i)) {
            uint8_t b = (uint8_t)(data >> (8 * i));
            write(pa + i, &b, 1);
        }
    }
}

/* ---- AXI4 slave port ----------------------------------------------------------------- */

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

bool MemPort::touches_error(const AxiAddr &a, unsigned flag) const
{
    const std::vector<ErrRange> &err = sim_->err;
    if (err.empty())
        return false;
    uint64_t bytes = 1ull << a.size;
    for (unsigned i = 0; i <= a.len; i++) {
        uint64_t lo = beat_addr(a, i);
        uint64_t hi = (lo & ~(bytes - 1)) + bytes;
        for (const ErrRange &r : err)
            if ((r.flags & flag) && lo < r.base + r.size && r.base < hi)
                return true;
    }
    return false;
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

int MemPort::pick(std::deque<Burst> &q, uint64_t now) const
{
    int best = -1;
    for (size_t i = 0; i < q.size(); i++) {
        if (q[i].ready_at > now)
            continue;
        bool older_same_id = false;
        for (size_t j = 0; j < i && !older_same_id; j++)
            older_same_id = q[j].a.id == q[i].a.id;
        if (older_same_id)
            continue;
        if (best < 0 || q[i].ready_at < q[(size_t)best].ready_at)
            best = (int)i;
    }
    return best;
}

const MemPortOut &MemPort::prepare(uint64_t now)
{
    const Timing &tm = sim_->timing;
    unsigned st = tm.stall_pct;
    if (sim_->in_reset) {
        out_ = MemPortOut{};
        return out_;
    }
    /* READY may be high before VALID; back-pressure only ever lowers it. */
    out_.arready = rq_.size() < kMaxReads && !rng_.percent(st);
    out_.awready = awq_.size() + bq_.size() < kMaxWrites && !rng_.percent(st);
    out_.wready = wq_.size() < kMaxWBeats && !rng_.percent(st);

    /* A presented beat or response stays until accepted (AXI). */
    if (!out_.rvalid) {
        if (r_active_ < 0)
            r_active_ = pick(rq_, now);
        if (r_active_ >= 0 && !rng_.percent(st)) {
            const Burst &b = rq_[(size_t)r_active_];
            out_.rvalid = true;
            out_.rid = b.a.id;
            out_.rdata = b.err ? 0 : sim_->mem.read_dword(beat_addr(b.a, b.beat));
            out_.rresp = b.err ? 2 : 0;
            out_.rlast = b.beat == b.a.len;
        }
    }
    if (!out_.bvalid) {
        int i = pick(bq_, now);
        if (i >= 0 && !rng_.percent(st)) {
            /* Move it to the front so the index stays valid until the handshake; the
             * per-ID order is kept because pick() chose the oldest of its ID. */
            Burst b = std::move(bq_[(size_t)i]);
            bq_.erase(bq_.begin() + i);
            bq_.push_front(std::move(b));
            out_.bvalid = true;
            out_.bid = bq_.front().a.id;
            out_.bresp = bq_.front().err ? 2 : 0;
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
    const Timing &tm = sim_->timing;
    while (!awq_.empty() && !wq_.empty()) {
        Burst &b = awq_.front();
        WBeat w = wq_.front();
        wq_.pop_front();
        b.wdata.push_back(w.data);
        b.wstrb.push_back(w.strb);
        bool last = b.wdata.size() == (size_t)b.a.len + 1;
        if (w.last != last)
            fatal(sim_, "%s W: WLAST %s at beat %zu of a %u-beat burst (addr 0x%llx)", name_,
                  w.last ? "early" : "missing", b.wdata.size(), b.a.len + 1,
                  (unsigned long long)b.a.addr);
        if (!last)
            continue;
        /* A write that touches an error range is answered SLVERR and not performed. */
        if (!b.err)
            for (unsigned i = 0; i <= b.a.len; i++)
                sim_->mem.write_strb(beat_addr(b.a, i), b.wdata[i], b.wstrb[i]);
        b.ready_at = now + 1 + rng_.range(tm.lat_min, tm.lat_max);
        bq_.push_back(std::move(b));
        awq_.pop_front();
    }
}

void MemPort::commit(const MemPortIn &in, uint64_t now)
{
    const Timing &tm = sim_->timing;
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
        b.ready_at = now + 1 + rng_.range(tm.lat_min, tm.lat_max);
        b.beat = 0;
        b.err = touches_error(in.ar, MEM_ERR_READ);
        rq_.push_back(std::move(b));
        cnt.ar++;
        ar_fired = true;
        ar_last = in.ar;
    }
    if (in.aw.valid && out_.awready) {
        check_addr(in.aw, "AW");
        Burst b;
        b.a = in.aw;
        b.ready_at = 0;
        b.beat = 0;
        b.err = touches_error(in.aw, MEM_ERR_WRITE);
        awq_.push_back(std::move(b));
        cnt.aw++;
        aw_fired = true;
        aw_last = in.aw;
    }
    /* Write data may arrive before its address: it waits in wq_. */
    if (in.wvalid && out_.wready) {
        wq_.push_back(WBeat{in.wdata, (uint8_t)in.wstrb, in.wlast});
        cnt.w_beats++;
    }
    absorb_w(now);

    if (out_.rvalid && in.rready) {
        Burst &b = rq_[(size_t)r_active_];
        cnt.r_beats++;
        if (b.beat++ == b.a.len) {
            rq_.erase(rq_.begin() + r_active_);
            r_active_ = -1;
        }
        out_.rvalid = false;
    }
    if (out_.bvalid && in.bready) {
        bq_.pop_front();
        out_.bvalid = false;
    }
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

void mem_set_timing(sim_t *s, unsigned lat_min, unsigned lat_max, unsigned stall_pct)
{
    if (lat_max < lat_min)
        std::swap(lat_min, lat_max);
    /* 100 % would stall forever; the cap keeps every access finite. */
    s->timing.lat_min = lat_min;
    s->timing.lat_max = lat_max;
    s->timing.stall_pct = stall_pct > 95 ? 95 : stall_pct;
}

int mem_add_error_range(sim_t *s, uint64_t base, uint64_t size, unsigned flags)
{
    if (size == 0 || !(flags & (MEM_ERR_READ | MEM_ERR_WRITE)) || base + size < base)
        return -1;
    if (s->err.size() >= 16)
        return -1;
    s->err.push_back(simh::ErrRange{base, size, flags});
    return 0;
}

void mem_clear_error_ranges(sim_t *s)
{
    s->err.clear();
}

} /* extern "C" */
