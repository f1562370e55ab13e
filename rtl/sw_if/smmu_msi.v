// smmu_msi: message-signalled interrupts (IHI 0070 3.18, 6.3.16, 6.3.21-23, 6.3.30-32,
// 4.7.3 CMD_SYNC CS = SIG_IRQ, 10.5.2.19-24 the PMCG's): 32-bit writes of a programmed
// payload on the SMMU's own memory master (a write client of smmu_mem_arb).
//
// Sources:
//   CMD_SYNC (smmu_cmdq): sync_valid with the command's MSIAddress/MSIData/MSH/MSIAttr,
//     held until sync_ready; sync_done pulses once that write has completed (its B
//     response arrived, OKAY or abort), so the command queue goes on only then and a
//     CMD_SYNC always finds the MSIs of earlier CMD_SYNCs complete (4.7.3). The queue
//     asks only when MSIAddress != 0 and after CONS has passed the CMD_SYNC, so the MSI
//     is observable only after the consumption is (3.18).
//   interrupt source i (0 event queue, 1 global errors, 2 PMCG overflow): irq_trig[i] is
//     the source's interrupt pulse (already gated by its IRQ_CTRLACK enable, and raised
//     only once what it signals is observable: the queue record's write response, the
//     GERROR or OVS update); it makes an MSI pending when the source's ADDR != 0.
//     Pending MSIs of one source coalesce into one (3.18 allows it). irq_en[i] = 0 (the
//     IRQ_CTRL bit as written) drops a pending MSI that has not started; irq_busy[i]
//     says one is pending or in flight, and the register block keeps the IRQ_CTRLACK
//     bit at 1 until it is not (6.3.16: disabling completes when earlier MSIs have), so
//     the configuration registers it guards are stable while an MSI uses them.
//     irq_addr/data/attr are *_IRQ_CFG0.ADDR, CFG1, CFG2, read when the MSI starts.
// One write at a time, CMD_SYNC first, then the sources in index order: AW (AxLEN 0,
// AxSIZE 2, the address's word), then its one W beat ({DATA, DATA}, the strobes of the
// addressed half), then the B response. An error response pulses abt (bit 0 CMD_SYNC,
// bit 1 + i source i) for GERROR.MSI_*_ABT_ERR / PMCG IRQ_STATUS.IRQ_ABT; nothing else
// changes, later MSIs are sent as usual (6.3.19: the error does not affect future MSIs).
// Attributes (attr = {SH[1:0], MemAttr[3:0]}, MemAttr in STE.MemAttr encoding, whose
// reserved 0b0100/0b1000/0b1100 behave as Device-nGnRnE, 5.2): Device -> AxCACHE 0000
// (nGnRnE) or 0001, System domain; Normal iWB-oWB -> AxCACHE 1111 (write-
// back, write-allocate: the allocation hints are IMPLEMENTATION DEFINED, 4.7.3) with the
// domain of SH; every other Normal type -> Non-cacheable 0011, System domain (Device and
// Normal NC are effectively Outer Shareable, 3.18; the project's AMBA mapping, 16.7.5).
module smmu_msi #(
    parameter PA_W = 48,
    parameter NI   = 3      // interrupt sources with register-programmed MSIs
) (
    input  wire                   clk,
    input  wire                   rst_n,

    input  wire                   sync_valid,
    output wire                   sync_ready,
    input  wire [PA_W-1:2]        sync_addr,
    input  wire [31:0]            sync_data,
    input  wire [5:0]             sync_attr,
    output reg                    sync_done,

    input  wire [NI-1:0]          irq_trig,
    input  wire [NI-1:0]          irq_en,
    input  wire [NI*(PA_W-2)-1:0] irq_addr,
    input  wire [NI*32-1:0]       irq_data,
    input  wire [NI*6-1:0]        irq_attr,
    output wire [NI-1:0]          irq_busy,

    output reg  [NI:0]            abt,

    output wire                   aw_valid,
    input  wire                   aw_ready,
    output wire [PA_W-1:0]        aw_addr,
    output wire [3:0]             aw_cache,
    output wire [1:0]             aw_domain,
    output wire                   w_valid,
    input  wire                   w_ready,
    output wire [63:0]            w_data,
    output wire [7:0]             w_strb,
    input  wire                   b_valid,
    input  wire                   b_err
);
    `include "smmu_amba.vh"

    localparam [1:0] S_IDLE = 2'd0, S_AW = 2'd1, S_W = 2'd2, S_B = 2'd3;

    reg [1:0]        state_q;
    reg [NI:0]       cur_q;       // one-hot: the source being written (bit 0 CMD_SYNC)
    reg [NI-1:0]     pend_q;
    reg [PA_W-1:2]   addr_q;
    reg [31:0]       data_q;
    reg [3:0]        cache_q;
    reg [1:0]        dom_q;

    // {AxCACHE, AxDOMAIN} of an MSI with attr = {SH, MemAttr}
    function [5:0] msi_axi(input [5:0] a);
        begin
            if (a[3:2] == 2'b00 || a[1:0] == 2'b00)            // Device (and reserved)
                msi_axi = {3'b000, a[3:2] == 2'b00 && a[1:0] != 2'b00, 2'd3};
            else if (a[3:0] == 4'b1111)                        // Normal iWB-oWB
                msi_axi = {4'b1111, amba_sh_domain(a[5:4])};
            else                                               // NC, WT, mixed
                msi_axi = {4'b0011, 2'd3};
        end
    endfunction

    // The next interrupt source to send: the lowest index pending
    reg [NI-1:0]   pick;
    reg [PA_W-1:2] pick_addr;
    reg [31:0]     pick_data;
    reg [5:0]      pick_attr;
    integer i, ai;   // i: the pick; ai: the arming (two blocks)
    always @* begin
        pick = {NI{1'b0}};
        pick_addr = {(PA_W-2){1'b0}};
        pick_data = 32'd0;
        pick_attr = 6'd0;
        for (i = NI - 1; i >= 0; i = i - 1)
            if (pend_q[i]) begin
                pick = {NI{1'b0}};
                pick[i] = 1'b1;
                pick_addr = irq_addr[i*(PA_W-2) +: (PA_W-2)];
                pick_data = irq_data[i*32 +: 32];
                pick_attr = irq_attr[i*6 +: 6];
            end
    end

    wire idle      = (state_q == S_IDLE);
    wire take_sync = idle && sync_valid;
    wire take_irq  = idle && !sync_valid && (pend_q != {NI{1'b0}});
    assign sync_ready = take_sync;

    // A trigger counts when the source is enabled and has an MSI address
    reg [NI-1:0] arm;
    always @* for (ai = 0; ai < NI; ai = ai + 1)
        arm[ai] = irq_trig[ai] && irq_en[ai] && (irq_addr[ai*(PA_W-2) +: (PA_W-2)] != {(PA_W-2){1'b0}});

    wire [5:0] axi_sync = msi_axi(sync_attr);
    wire [5:0] axi_pick = msi_axi(pick_attr);

    always @(posedge clk) begin
        if (!rst_n) begin
            state_q   <= S_IDLE;
            cur_q     <= {(NI+1){1'b0}};
            pend_q    <= {NI{1'b0}};
            addr_q    <= {(PA_W-2){1'b0}};
            data_q    <= 32'd0;
            cache_q   <= 4'd0;
            dom_q     <= 2'd0;
            sync_done <= 1'b0;
            abt       <= {(NI+1){1'b0}};
        end else begin
            sync_done <= 1'b0;
            abt       <= {(NI+1){1'b0}};
            // pending: set by an armed trigger, cleared when sent or when disabled
            pend_q <= ((pend_q & ~(take_irq ? pick : {NI{1'b0}})) | arm) & irq_en;
            case (state_q)
                S_IDLE: begin
                    if (take_sync) begin
                        cur_q   <= {{NI{1'b0}}, 1'b1};
                        addr_q  <= sync_addr;
                        data_q  <= sync_data;
                        cache_q <= axi_sync[5:2];
                        dom_q   <= axi_sync[1:0];
                        state_q <= S_AW;
                    end else if (take_irq) begin
                        cur_q   <= {pick, 1'b0};
                        addr_q  <= pick_addr;
                        data_q  <= pick_data;
                        cache_q <= axi_pick[5:2];
                        dom_q   <= axi_pick[1:0];
                        state_q <= S_AW;
                    end
                end
                S_AW: if (aw_ready) state_q <= S_W;
                S_W:  if (w_ready) state_q <= S_B;
                S_B:  if (b_valid) begin
                    sync_done <= cur_q[0];
                    if (b_err) abt <= cur_q;
                    state_q <= S_IDLE;
                end
                default: state_q <= S_IDLE;
            endcase
        end
    end

    assign aw_valid  = (state_q == S_AW);
    assign aw_addr   = {addr_q, 2'b00};
    assign aw_cache  = cache_q;
    assign aw_domain = dom_q;
    assign w_valid   = (state_q == S_W);
    assign w_data    = {data_q, data_q};
    assign w_strb    = addr_q[2] ? 8'hf0 : 8'h0f;
    assign irq_busy  = pend_q | (idle ? {NI{1'b0}} : cur_q[NI:1]);

`ifdef FORMAL
    // ---------------- properties (make formal: formal/smmu_msi.sby) ----------------
    // Environment: a B response only for the write sent (after its W beat); the CMD_SYNC
    // request held with its payload until taken; the configuration of a source stable
    // while its MSI is pending or in flight (the Guard smmu_regs keeps: CFG0-2 writable
    // only while IRQ_CTRL and IRQ_CTRLACK of the source are 0, and the ACK stays 1 while
    // irq_busy). Free: triggers, enables, READYs. Proven (3.18, 4.7.3, 6.3.16):
    //   - AW and W hold VALID and payload until READY; one W beat per AW, after it; one
    //     write outstanding;
    //   - the write carries the source's address, data and strobes of the addressed half;
    //   - a source's MSI starts only from its pending bit, which only a trigger while it
    //     is enabled and ADDR != 0 sets; a disabled source has nothing pending;
    //   - irq_busy covers the source's write until its response (the ACK rule);
    //   - sync_done answers a CMD_SYNC write, after its response; abt only on an error
    //     response, naming the source written.
    `include "smmu_formal.vh"

    reg f_aw_done = 1'b0, f_w_done = 1'b0;
    always @(posedge clk)
        if (!rst_n) begin
            f_aw_done <= 1'b0; f_w_done <= 1'b0;
        end else begin
            if (aw_valid && aw_ready) f_aw_done <= 1'b1;
            if (w_valid && w_ready)   f_w_done  <= 1'b1;
            if (b_valid && state_q == S_B) begin
                f_aw_done <= 1'b0; f_w_done <= 1'b0;
            end
        end
    always @* if (rst_n) begin
        if (b_valid) assume(state_q == S_B);
    end
    always @(posedge clk) if (f_run) begin
        if ($past(sync_valid && !sync_ready))
            assume(sync_valid && $stable(sync_addr) && $stable(sync_data) && $stable(sync_attr));
    end
    genvar fi;
    generate
        for (fi = 0; fi < NI; fi = fi + 1) begin : g_fsrc
            always @(posedge clk) if (f_run && $past(irq_busy[fi]))
                assume($stable(irq_addr[fi*(PA_W-2) +: (PA_W-2)]) &&
                       $stable(irq_data[fi*32 +: 32]) && $stable(irq_attr[fi*6 +: 6]));
            // nothing pending while disabled, never for ADDR = 0
            always @(posedge clk) if (f_run) begin
                if (!$past(irq_en[fi])) assert(!pend_q[fi]);
                if (pend_q[fi] && !$past(pend_q[fi]))
                    assert($past(irq_trig[fi] && irq_en[fi]) &&
                           $past(irq_addr[fi*(PA_W-2) +: (PA_W-2)]) != {(PA_W-2){1'b0}});
                // a write of this source starts only from its pending bit (which was set
                // while the source was enabled)
                if (state_q == S_AW && $past(state_q == S_IDLE) && cur_q[fi + 1])
                    assert($past(pend_q[fi]) &&
                           addr_q == $past(irq_addr[fi*(PA_W-2) +: (PA_W-2)]) &&
                           data_q == $past(irq_data[fi*32 +: 32]));
            end
            always @* if (rst_n && state_q != S_IDLE && cur_q[fi + 1]) assert(irq_busy[fi]);
        end
    endgenerate

    always @* if (rst_n) begin
        assert($onehot0(cur_q));
        if (state_q != S_IDLE) assert($onehot(cur_q));
        assert(f_aw_done == (state_q == S_W || state_q == S_B));
        assert(f_w_done == (state_q == S_B));
        if (w_valid) assert(w_strb == (addr_q[2] ? 8'hf0 : 8'h0f) && w_data[31:0] == data_q);
        assert(!(sync_ready && !sync_valid));
    end
    always @(posedge clk) if (f_run) begin
        if ($past(aw_valid && !aw_ready))
            assert(aw_valid && $stable(aw_addr) && $stable(aw_cache) && $stable(aw_domain));
        if ($past(w_valid && !w_ready))
            assert(w_valid && $stable(w_data) && $stable(w_strb));
        if ($past(sync_valid && sync_ready))
            assert(state_q == S_AW && cur_q[0] && addr_q == $past(sync_addr) &&
                   data_q == $past(sync_data));
        if (sync_done) assert($past(b_valid && state_q == S_B && cur_q[0]));
        if (abt != {(NI+1){1'b0}})
            assert($past(b_valid && b_err && state_q == S_B) && abt == $past(cur_q));
    end
`endif
endmodule
