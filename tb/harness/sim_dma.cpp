/*
 * The upstream DMA master on s_up_*: one AXI4 transaction at a time, with the StreamID
 * and attributes in AxUSER, recording the SMMU's answer and what it sent downstream.
 */
#include <cstring>

#include "sim_priv.h"

namespace simh {

/* AxUSER = {ssv, domain[1:0], nosnoop, sid[SID_W-1:0]} (smmu_top.v). */
static uint64_t pack_user(const dma_txn_t &t)
{
    return ((uint64_t)t.sid & mask_bits(kSidW)) | ((uint64_t)(t.nosnoop ? 1 : 0) << kSidW) |
           ((uint64_t)(t.domain & 3) << (kSidW + 1)) | ((uint64_t)(t.ssv ? 1 : 0) << (kSidW + 3));
}

void DmaMaster::reset()
{
    busy_ = a_pending_ = done_ = false;
    out_ = UpOut{};
}

const UpOut &DmaMaster::prepare()
{
    AxiAddr a{};
    if (busy_) {
        a.valid = a_pending_;
        a.id = t_.id & mask_bits(kIdW);
        a.addr = t_.addr;
        a.len = nbeats_ - 1;
        a.size = 3;
        a.burst = 1;
        a.cache = t_.cache & 15;
        a.prot = t_.prot & 7;
        a.user = pack_user(t_);
    }
    out_ = UpOut{};
    if (busy_ && write_) {
        out_.aw = a;
        /* AXI4 lets write data lead its address; present both at once. */
        out_.wvalid = w_beat_ < nbeats_;
        out_.wdata = out_.wvalid ? data_[w_beat_] : 0;
        out_.wstrb = out_.wvalid ? 0xff : 0;
        out_.wlast = out_.wvalid && w_beat_ == nbeats_ - 1;
    } else if (busy_) {
        out_.ar = a;
    }
    out_.rready = true;
    out_.bready = true;
    return out_;
}

void DmaMaster::commit(const UpIn &in, uint64_t now)
{
    if (!busy_ || done_) {
        if (in.rvalid)
            fatal(sim_, "s_up R: RVALID with no read outstanding (rid %u)", in.rid);
        if (in.bvalid)
            fatal(sim_, "s_up B: BVALID with no write outstanding (bid %u)", in.bid);
        return;
    }
    unsigned id = t_.id & mask_bits(kIdW);
    if (write_) {
        if (a_pending_ && in.awready) {
            a_pending_ = false;
            a_cycle_ = now;
        }
        if (out_.wvalid && in.wready)
            w_beat_++;
        if (in.rvalid)
            fatal(sim_, "s_up R: RVALID while only a write is outstanding (rid %u)", in.rid);
        if (in.bvalid) {
            /* AXI4: the response follows both the address and the last data beat. */
            if (a_pending_ || w_beat_ < nbeats_)
                fatal(sim_, "s_up B: BVALID before %s was accepted",
                      a_pending_ ? "AW" : "the last W beat");
            if (in.bid != id)
                fatal(sim_, "s_up B: BID %u, expected %u", in.bid, id);
            if ((int)in.bresp > worst_)
                worst_ = (int)in.bresp;
            done_ = true;
            end_cycle_ = now;
        }
    } else {
        if (a_pending_ && in.arready) {
            a_pending_ = false;
            a_cycle_ = now;
        }
        if (in.bvalid)
            fatal(sim_, "s_up B: BVALID while only a read is outstanding (bid %u)", in.bid);
        if (in.rvalid) {
            if (a_pending_)
                fatal(sim_, "s_up R: RVALID before AR was accepted");
            if (in.rid != id)
                fatal(sim_, "s_up R: RID %u, expected %u", in.rid, id);
            if (r_beat_ >= nbeats_)
                fatal(sim_, "s_up R: more than the %u beats requested", nbeats_);
            data_[r_beat_] = in.rdata;
            if ((int)in.rresp > worst_)
                worst_ = (int)in.rresp;
            r_beat_++;
            if (in.rlast != (r_beat_ == nbeats_))
                fatal(sim_, "s_up R: RLAST %s at beat %u of %u", in.rlast ? "early" : "missing",
                      r_beat_, nbeats_);
            if (in.rlast) {
                done_ = true;
                end_cycle_ = now;
            }
        }
    }
}

void DmaMaster::on_dn_addr(const AxiAddr &a, bool write)
{
    if (!busy_ || write != write_ || dn_.seen)
        return;
    dn_.seen = true;
    dn_.addr = a.addr;
    dn_.cache = (uint8_t)a.cache;
    dn_.prot = (uint8_t)a.prot;
    dn_.domain = (uint8_t)a.domain;
    dn_.attr = (uint8_t)a.user;
}

dma_result_t DmaMaster::run(const dma_txn_t *t, bool write, const void *wbuf, void *rbuf)
{
    if (!t || t->len == 0 || t->len % 8 || t->len > 256 * 8 ||
        (t->addr & 0xfff) + t->len > 4096 || (t->addr & 7))
        fatal(sim_, "dma_%s: bad transaction (addr 0x%llx, len %u): need an 8-byte aligned "
              "burst of 8..2048 bytes in one 4 KB page",
              write ? "write" : "read", t ? (unsigned long long)t->addr : 0ull, t ? t->len : 0);
    t_ = *t;
    write_ = write;
    nbeats_ = t->len / 8;
    data_.assign(nbeats_, 0);
    if (write)
        for (unsigned i = 0; i < nbeats_; i++)
            memcpy(&data_[i], static_cast<const uint8_t *>(wbuf) + 8 * i, 8);
    w_beat_ = r_beat_ = 0;
    worst_ = 0;
    dn_ = dn_obs_t{};
    tbl_ar_ = 0;
    a_pending_ = true;
    done_ = false;
    busy_ = true;

    uint64_t start = sim_->cycles;
    while (!done_) {
        if (sim_->cycles - start >= sim_->timeout) {
            if (a_pending_)
                fatal(sim_, "timeout: s_up %s not accepted (addr 0x%llx, sid 0x%x)",
                      write ? "AW" : "AR", (unsigned long long)t->addr, t->sid);
            if (write && w_beat_ < nbeats_)
                fatal(sim_, "timeout: s_up W beat %u of %u not accepted (addr 0x%llx)", w_beat_,
                      nbeats_, (unsigned long long)t->addr);
            if (write)
                fatal(sim_, "timeout: no s_up B response (addr 0x%llx, sid 0x%x)",
                      (unsigned long long)t->addr, t->sid);
            fatal(sim_, "timeout: s_up R beat %u of %u missing (addr 0x%llx, sid 0x%x)", r_beat_,
                  nbeats_, (unsigned long long)t->addr, t->sid);
        }
        sim_->tick();
    }
    busy_ = false;
    if (!write)
        for (unsigned i = 0; i < nbeats_; i++)
            memcpy(static_cast<uint8_t *>(rbuf) + 8 * i, &data_[i], 8);

    dma_result_t r{};
    r.resp = worst_;
    r.dn = dn_;
    r.cycles = end_cycle_ - a_cycle_;
    r.tbl_reads = tbl_ar_;
    return r;
}

} // namespace simh

extern "C" {

dma_result_t dma_read(sim_t *s, const dma_txn_t *t, void *buf)
{
    return s->dma.run(t, false, nullptr, buf);
}

dma_result_t dma_write(sim_t *s, const dma_txn_t *t, const void *buf)
{
    return s->dma.run(t, true, buf, nullptr);
}

} /* extern "C" */
