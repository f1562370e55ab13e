// smmu_eventq: event-queue producer (IHI 0070 3.5, 7.2, 7.4).
//
// Owns SMMU_EVENTQ_PROD (WR and OVFLG) and CR0ACK.EVENTQEN. Takes one 32-byte record
// at a time (evt_rec[63:0] = dword 0) and either drops it or writes it:
//   - EVENTQEN (its ack) = 0 or EVENTQ_ABT_ERR active: dropped, not an overflow;
//   - queue full: dropped; OVFLG toggles if no overflow is pending (OVFLG == OVACKFLG);
//   - else 4 beats at base + PROD.index * 32; PROD advances only after an OKAY B
//     response (so PROD never covers a record that is not visible, 3.5.2), then
//     irq_eventq pulses if the queue was empty (old PROD == CONS) and
//     IRQ_CTRLACK.EVENTQ_IRQEN = 1. An error B response requests GERROR.EVENTQ_ABT_ERR
//     and leaves PROD unchanged.
// EVENTQEN = 0 takes effect (ack falls) once no record is in hand.
module smmu_eventq #(
    parameter PA_W    = 48,
    parameter EVENTQS = 7
) (
    input  wire             clk,
    input  wire             rst_n,

    input  wire             en,            // CR0.EVENTQEN
    input  wire [63:0]      base,          // SMMU_EVENTQ_BASE
    input  wire [31:0]      cons_reg,      // SMMU_EVENTQ_CONS
    input  wire [1:0]       queue_ic,
    input  wire [1:0]       queue_oc,
    input  wire [1:0]       queue_sh,      // CR1.QUEUE_SH
    input  wire             abt_active,    // GERROR.EVENTQ_ABT_ERR active
    input  wire             irq_en,        // IRQ_CTRLACK.EVENTQ_IRQEN
    input  wire             prod_we,       // guarded software write of EVENTQ_PROD
    input  wire [31:0]      prod_wdata,

    output reg              en_ack,        // CR0ACK.EVENTQEN
    output wire [31:0]      prod,          // SMMU_EVENTQ_PROD as read
    output reg              gerr_req,      // GERROR.EVENTQ_ABT_ERR request (pulse)
    output reg              irq_eventq,
    output wire             idle,          // no record in hand

    input  wire             evt_valid,
    output wire             evt_ready,
    input  wire [255:0]     evt_rec,

    output wire             aw_valid,
    input  wire             aw_ready,
    output wire [PA_W-1:0]  aw_addr,
    output wire [7:0]       aw_len,
    output wire [3:0]       aw_cache,
    output wire [1:0]       aw_domain,      // AMBA AxDOMAIN
    output wire             w_valid,
    input  wire             w_ready,
    output wire [63:0]      w_data,
    output wire             w_last,
    input  wire             b_valid,
    input  wire             b_err
);
    `include "smmu_regs.vh"
    `include "smmu_amba.vh"

    localparam IW = EVENTQS + 1;

    localparam [2:0] S_IDLE = 3'd0, S_DECIDE = 3'd1, S_AW = 3'd2, S_W = 3'd3, S_B = 3'd4;

    reg [2:0]    state;
    reg [IW-1:0] wr;          // PROD.WR
    reg          ovflg;       // PROD.OVFLG
    reg [255:0]  rec;
    reg [1:0]    beat;

    wire [4:0] lg_cfg = base[SMMU_EVENTQ_BASE_LOG2SIZE_LSB +: SMMU_EVENTQ_BASE_LOG2SIZE_W];
    localparam integer LG_MAX = EVENTQS;
    wire [4:0] lg_max = LG_MAX[4:0];
    wire [4:0] lg     = (lg_cfg > lg_max) ? lg_max : lg_cfg;
    wire [IW-1:0] qmask = {IW{1'b1}} >> (lg_max - lg);
    wire [IW-1:0] cons  = cons_reg[SMMU_EVENTQ_CONS_RD_LSB +: IW] & qmask;
    wire          ovack = cons_reg[SMMU_EVENTQ_CONS_OVACKFLG_LSB];
    wire [IW-1:0] diff  = (wr ^ cons) & qmask;
    wire          empty = (diff == {IW{1'b0}});
    wire          full  = (diff == (qmask ^ (qmask >> 1)));   // wrap bits differ only

    wire [PA_W-1:0] qbase = {base[PA_W-1:5], 5'b00000};
    wire [PA_W-1:0] amask = ~(({{(PA_W-1){1'b0}}, 1'b1} << (lg + 5'd5)) - 1'b1);
    wire [PA_W-1:0] idx   = {{(PA_W-IW){1'b0}}, wr & (qmask >> 1)};
    assign aw_addr  = (qbase & amask) | (idx << 5);
    assign aw_len   = 8'd3;
    wire q_wb = (queue_ic == 2'd1) && (queue_oc == 2'd1);
    // write-back queues: CR1.QUEUE_SH; Non-cacheable ones go out as System
    assign aw_domain = !q_wb ? 2'd3 : amba_sh_domain(queue_sh);
    assign aw_cache = !q_wb ? 4'b0011 :
                      base[SMMU_EVENTQ_BASE_WA_LSB] ? 4'b1111 : 4'b0111;
    assign aw_valid = (state == S_AW);
    assign w_valid  = (state == S_W);
    assign w_data   = rec[beat*64 +: 64];
    assign w_last   = (beat == 2'd3);

    assign evt_ready = (state == S_IDLE);
    assign idle      = (state == S_IDLE);
    assign prod = ({31'd0, ovflg} << SMMU_EVENTQ_PROD_OVFLG_LSB) |
                  ({{(32-IW){1'b0}}, wr & qmask} << SMMU_EVENTQ_PROD_WR_LSB);

    always @(posedge clk) begin
        if (!rst_n) begin
            state      <= S_IDLE;
            en_ack     <= 1'b0;
            wr         <= {IW{1'b0}};
            ovflg      <= 1'b0;
            rec        <= 256'd0;
            beat       <= 2'd0;
            gerr_req   <= 1'b0;
            irq_eventq <= 1'b0;
        end else begin
            gerr_req   <= 1'b0;
            irq_eventq <= 1'b0;
            if (prod_we) begin
                wr    <= prod_wdata[SMMU_EVENTQ_PROD_WR_LSB +: IW];
                ovflg <= prod_wdata[SMMU_EVENTQ_PROD_OVFLG_LSB];
            end
            case (state)
                S_IDLE: begin
                    en_ack <= en;
                    if (evt_valid) begin
                        rec   <= evt_rec;
                        state <= S_DECIDE;
                    end
                end
                S_DECIDE: begin
                    if (!en_ack || abt_active) begin
                        state <= S_IDLE;
                    end else if (full) begin
                        if (ovflg == ovack) ovflg <= !ovflg;
                        state <= S_IDLE;
                    end else begin
                        state <= S_AW;
                    end
                end
                S_AW: if (aw_ready) begin
                    beat  <= 2'd0;
                    state <= S_W;
                end
                S_W: if (w_ready) begin
                    beat <= beat + 2'd1;
                    if (w_last) state <= S_B;
                end
                S_B: if (b_valid) begin
                    if (b_err) begin
                        gerr_req <= 1'b1;
                    end else begin
                        wr <= (wr + 1'b1) & qmask;
                        irq_eventq <= empty && irq_en;
                    end
                    state <= S_IDLE;
                end
                default: state <= S_IDLE;
            endcase
        end
    end

    wire unused_ok = &{1'b0, base[63:PA_W], cons_reg};

`ifdef FORMAL
    // ---------------- properties (make formal: formal/smmu_eventq.sby) ----------------
    // Environment: the Guards smmu_regs proves (EVENTQ_BASE and CR1's queue fields stable
    // while EVENTQEN or its ACK is 1; EVENTQ_PROD written only while both are 0); a B
    // response only for the burst written. Free: EVENTQEN, EVENTQ_CONS (RD and
    // OVACKFLG), EVENTQ_ABT_ERR's activity, the records, every READY. Proven (3.5, 7.2,
    // 7.4):
    //   - AW and W hold VALID and payload until READY; every burst is AW then exactly 4
    //     W beats with WLAST on the 4th, no W without its AW;
    //   - PROD.WR (as software reads it: no bits above the wrap bit) changes only by a
    //     software write or by one entry, index + 1 with the wrap bit toggling, after an
    //     OKAY B response; an error response requests EVENTQ_ABT_ERR and leaves it;
    //   - a record is written only while the queue is enabled, EVENTQ_ABT_ERR inactive
    //     and the queue not full (PROD.WR index = CONS.RD index, wrap bits differing);
    //   - OVFLG (7.4): toggles exactly when a record is discarded because the queue is
    //     full while enabled and no overflow is present (OVFLG = OVACKFLG); never else,
    //     except by a software write;
    //   - the event interrupt follows a record written into an empty queue, IRQEN acked.
    `include "smmu_formal.vh"

    // environment
    reg       f_aw_done = 1'b0;    // AW of the current burst handshaken
    reg [2:0] f_beats = 3'd0;      // W beats of it
    reg       f_b_due = 1'b0;      // WLAST sent, B not yet seen
    always @(posedge clk)
        if (!rst_n) begin
            f_aw_done <= 1'b0; f_beats <= 3'd0; f_b_due <= 1'b0;
        end else begin
            if (aw_valid && aw_ready) begin
                f_aw_done <= 1'b1; f_beats <= 3'd0;
            end
            if (w_valid && w_ready) begin
                f_beats <= f_beats + 3'd1;
                if (w_last) begin
                    f_aw_done <= 1'b0; f_b_due <= 1'b1;
                end
            end
            if (b_valid) f_b_due <= 1'b0;
        end
    always @* begin
        if (b_valid)  assume(f_b_due);
        if (prod_we)  assume(!en && !en_ack);
    end
    always @(posedge clk) if (f_past && $past(en || en_ack))
        assume($stable(base) && $stable(queue_ic) && $stable(queue_oc));

    // the queue as software sees it
    wire [4:0]  f_lg    = (base[SMMU_EVENTQ_BASE_LOG2SIZE_LSB +: 5] > EVENTQS) ? EVENTQS[4:0] :
                          base[SMMU_EVENTQ_BASE_LOG2SIZE_LSB +: 5];
    wire [31:0] f_im    = (32'd1 << f_lg) - 32'd1;                   // index
    wire [31:0] f_qm    = (32'd2 << f_lg) - 32'd1;                   // index and wrap
    wire [31:0] f_wr    = (prod >> SMMU_EVENTQ_PROD_WR_LSB) & ((32'd1 << 20) - 32'd1);
    wire [31:0] f_rd    = (cons_reg >> SMMU_EVENTQ_CONS_RD_LSB) & f_qm;
    wire        f_full  = (f_wr & f_im) == (f_rd & f_im) && (f_wr & ~f_im) != (f_rd & ~f_im);
    wire        f_ovflg = prod[SMMU_EVENTQ_PROD_OVFLG_LSB];
    wire        f_ovack = cons_reg[SMMU_EVENTQ_CONS_OVACKFLG_LSB];
    wire        f_drop_full = state == S_DECIDE && en_ack && !abt_active && f_full;

    // invariants
    always @* if (rst_n) begin
        assert(state <= S_B);
        assert((f_wr & ~f_qm) == 32'd0);
        assert(f_aw_done == (state == S_W));
        assert(f_b_due == (state == S_B));
        if (state == S_W) assert({1'b0, beat} == f_beats);
        if (state != S_W) assert(f_beats == 3'd0 || f_beats == 3'd4);
        if (state == S_AW || state == S_W || state == S_B) assert(en_ack);
        if (w_valid) assert(f_aw_done && w_last == (f_beats == 3'd3));
    end

    always @(posedge clk) if (f_run) begin
        if ($past(aw_valid && !aw_ready))
            assert(aw_valid && $stable(aw_addr) && $stable(aw_len) && $stable(aw_cache));
        if ($past(w_valid && !w_ready))
            assert(w_valid && $stable(w_data) && $stable(w_last));
        if ($past(aw_valid && aw_ready)) assert(aw_len == 8'd3);
        // PROD.WR
        if (!$past(prod_we) && $stable(base)) begin
            if ($past(b_valid && !b_err)) assert(f_wr == (($past(f_wr) + 32'd1) & f_qm));
            else                           assert(f_wr == $past(f_wr));
        end
        if (gerr_req) assert($past(b_valid && b_err));
        // writes only when allowed
        if (aw_valid && !$past(aw_valid))
            assert($past(state == S_DECIDE && en_ack && !abt_active && !f_full));
        // OVFLG (7.4)
        if (!$past(prod_we))
            assert((f_ovflg != $past(f_ovflg)) == $past(f_drop_full && f_ovflg == f_ovack));
        // the interrupt
        if (irq_eventq)
            assert($past(b_valid && !b_err && irq_en) && $past(f_wr == f_rd));
    end
`endif
endmodule
