/*
 * The AXI4-Lite register master on s_reg_*. The data bus is 64 bits wide: a 32-bit
 * access uses the lane that address bit 2 selects (strobes 0x0F or 0xF0), a 64-bit
 * access both (0xFF).
 */
#include "sim_priv.h"

namespace simh {

void RegMaster::reset()
{
    op_ = IDLE;
    a_pending_ = w_pending_ = done_ = false;
    out_ = RegOut{};
}

const RegOut &RegMaster::prepare()
{
    out_ = RegOut{};
    out_.bready = true;
    out_.rready = true;
    if (op_ == READ) {
        out_.arvalid = a_pending_;
        out_.araddr = addr_;
    } else if (op_ == WRITE) {
        /* Address and data together; each drops once accepted. */
        out_.awvalid = a_pending_;
        out_.awaddr = addr_;
        out_.wvalid = w_pending_;
        out_.wdata = w_pending_ ? data_ : 0;
        out_.wstrb = w_pending_ ? strb_ : 0;
    }
    return out_;
}

void RegMaster::commit(const RegIn &in)
{
    if (op_ == IDLE || done_) {
        if (in.rvalid)
            fatal(sim_, "s_reg R: RVALID with no read outstanding");
        if (in.bvalid)
            fatal(sim_, "s_reg B: BVALID with no write outstanding");
        return;
    }
    if (op_ == READ) {
        if (in.bvalid)
            fatal(sim_, "s_reg B: BVALID during a read");
        if (in.rvalid) {
            if (a_pending_)
                fatal(sim_, "s_reg R: RVALID before AR was accepted (addr 0x%x)", addr_);
            data_ = in.rdata;
            resp_ = in.rresp;
            done_ = true;
        }
        if (a_pending_ && in.arready)
            a_pending_ = false;
    } else {
        if (in.rvalid)
            fatal(sim_, "s_reg R: RVALID during a write");
        bool a_was = a_pending_, w_was = w_pending_;
        if (a_pending_ && in.awready)
            a_pending_ = false;
        if (w_pending_ && in.wready)
            w_pending_ = false;
        if (in.bvalid) {
            /* The response may not precede the handshakes it answers (AXI4-Lite). */
            if (a_was || w_was)
                fatal(sim_, "s_reg B: BVALID before %s was accepted (addr 0x%x)",
                      a_was ? "AW" : "W", addr_);
            resp_ = in.bresp;
            done_ = true;
        }
    }
}

int RegMaster::read(uint32_t off, uint64_t *data)
{
    op_ = READ;
    addr_ = off;
    a_pending_ = true;
    done_ = false;
    uint64_t start = sim_->cycles;
    while (!done_) {
        if (sim_->cycles - start >= sim_->timeout)
            fatal(sim_, "timeout: s_reg %s at offset 0x%x", a_pending_ ? "AR not accepted"
                                                                   : "no R response", off);
        sim_->tick();
    }
    op_ = IDLE;
    *data = data_;
    return (int)resp_;
}

int RegMaster::write(uint32_t off, uint64_t data, unsigned strb)
{
    op_ = WRITE;
    addr_ = off;
    data_ = data;
    strb_ = strb;
    a_pending_ = w_pending_ = true;
    done_ = false;
    uint64_t start = sim_->cycles;
    while (!done_) {
        if (sim_->cycles - start >= sim_->timeout)
            fatal(sim_, "timeout: s_reg %s at offset 0x%x",
                  a_pending_ ? "AW not accepted" : w_pending_ ? "W not accepted" : "no B response",
                  off);
        sim_->tick();
    }
    op_ = IDLE;
    return (int)resp_;
}

static void check_align(Sim *s, uint32_t off, unsigned bytes, const char *fn)
{
    if (off & (bytes - 1) || off >= 0x20000)
        fatal(s, "%s: offset 0x%x is not an aligned register offset", fn, off);
}

} // namespace simh

using simh::Sim;

extern "C" {

int sim_reg_read32_resp(sim_t *s, uint32_t off, uint32_t *val)
{
    simh::check_align(s, off, 4, "sim_reg_read32");
    uint64_t d = 0;
    int r = s->reg.read(off, &d);
    *val = (uint32_t)(off & 4 ? d >> 32 : d);
    return r;
}

int sim_reg_read64_resp(sim_t *s, uint32_t off, uint64_t *val)
{
    simh::check_align(s, off, 8, "sim_reg_read64");
    return s->reg.read(off, val);
}

int sim_reg_write32_resp(sim_t *s, uint32_t off, uint32_t val)
{
    simh::check_align(s, off, 4, "sim_reg_write32");
    return s->reg.write(off, off & 4 ? (uint64_t)val << 32 : val, off & 4 ? 0xf0 : 0x0f);
}

int sim_reg_write64_resp(sim_t *s, uint32_t off, uint64_t val)
{
    simh::check_align(s, off, 8, "sim_reg_write64");
    return s->reg.write(off, val, 0xff);
}

uint32_t sim_reg_read32(sim_t *s, uint32_t off)
{
    uint32_t v = 0;
    sim_reg_read32_resp(s, off, &v);
    return v;
}

uint64_t sim_reg_read64(sim_t *s, uint32_t off)
{
    uint64_t v = 0;
    sim_reg_read64_resp(s, off, &v);
    return v;
}

void sim_reg_write32(sim_t *s, uint32_t off, uint32_t val)
{
    sim_reg_write32_resp(s, off, val);
}

void sim_reg_write64(sim_t *s, uint32_t off, uint64_t val)
{
    sim_reg_write64_resp(s, off, val);
}

bool sim_reg_poll32(sim_t *s, uint32_t off, uint32_t mask, uint32_t want, unsigned max_reads)
{
    for (unsigned i = 0; i < max_reads; i++)
        if ((sim_reg_read32(s, off) & mask) == want)
            return true;
    return false;
}

} /* extern "C" */
