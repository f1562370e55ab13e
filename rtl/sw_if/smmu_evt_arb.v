// smmu_evt_arb: the event sources of the SMMU in front of the one event queue. Each source
// offers an event description (smmu_evt.vh; valid/ready); the arbiter passes one per
// cycle, the source after the last one granted first (round robin), without a register:
// a source's event is in the queue's hands in the cycle its ready is high, which is what
// a source that answers a transaction only after its event was handed over relies on (an
// abort is never observable before its event can be, IHI 0070 §4.7.3). The record is
// built from the description after this (smmu_evt_enc), combinationally, so that property
// holds for the record too.
module smmu_evt_arb #(
    parameter NS = 2,           // sources
    parameter W  = 212          // description width (EVD_W of smmu_evt.vh)
) (
    input  wire            clk,
    input  wire            rst_n,
    input  wire [NS-1:0]   src_valid,
    output wire [NS-1:0]   src_ready,
    input  wire [NS*W-1:0] src_evd,
    output wire            evt_valid,
    input  wire            evt_ready,
    output reg  [W-1:0]    evt_evd
);
    reg [NS-1:0] last_q;               // one-hot: the source granted last
    reg [NS-1:0] gnt;
    integer i;

    // the lowest valid source above the last one, else the lowest valid one
    always @* begin
        gnt = {NS{1'b0}};
        for (i = NS - 1; i >= 0; i = i - 1)
            if (src_valid[i]) gnt = {NS{1'b0}} | ({{(NS - 1){1'b0}}, 1'b1} << i);
        for (i = NS - 1; i >= 0; i = i - 1)
            if (src_valid[i] && (({{(NS - 1){1'b0}}, 1'b1} << i) > last_q))
                gnt = {NS{1'b0}} | ({{(NS - 1){1'b0}}, 1'b1} << i);
        evt_evd = {W{1'b0}};
        for (i = 0; i < NS; i = i + 1)
            if (gnt[i]) evt_evd = evt_evd | src_evd[i*W +: W];
    end
    assign evt_valid = |src_valid;
    assign src_ready = gnt & {NS{evt_ready}};

    always @(posedge clk) begin
        if (!rst_n)                     last_q <= {NS{1'b0}};
        else if (evt_valid && evt_ready) last_q <= gnt;
    end

`ifdef FORMAL
    `include "smmu_formal.vh"
    // one grant at most, only to a valid source, one whenever a source is valid
    always @* begin
        assert ((gnt & (gnt - 1'b1)) == {NS{1'b0}});
        assert ((gnt & ~src_valid) == {NS{1'b0}});
        assert (!(|src_valid) || (|gnt));
    end
    // round robin: after a grant, another valid source goes before the same one again
    reg [NS-1:0] f_gnt_q;
    reg          f_fire_q;
    always @(posedge clk) begin
        f_gnt_q  <= gnt;
        f_fire_q <= evt_valid && evt_ready;
        if (f_run && f_fire_q && (|(src_valid & ~f_gnt_q)))
            assert (gnt != f_gnt_q);
    end
`endif
endmodule
