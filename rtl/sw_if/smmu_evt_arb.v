// smmu_evt_arb: the event sources of the SMMU in front of the one event queue. Each source
// offers a complete 32-byte record (valid/ready); the arbiter passes one per cycle, the
// source after the last one granted first (round robin), without a register: a source's
// record is in the queue's hands in the cycle its ready is high, which is what a source
// that answers a transaction only after its record was handed over relies on (an abort
// is never observable before its event can be, IHI 0070 §4.7.3).
module smmu_evt_arb #(
    parameter NS = 2            // sources
) (
    input  wire            clk,
    input  wire            rst_n,
    input  wire [NS-1:0]   src_valid,
    output wire [NS-1:0]   src_ready,
    input  wire [NS*256-1:0] src_rec,
    output wire            evt_valid,
    input  wire            evt_ready,
    output reg  [255:0]    evt_rec
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
        evt_rec = 256'd0;
        for (i = 0; i < NS; i = i + 1)
            if (gnt[i]) evt_rec = evt_rec | src_rec[i*256 +: 256];
    end
    assign evt_valid = |src_valid;
    assign src_ready = gnt & {NS{evt_ready}};

    always @(posedge clk) begin
        if (!rst_n)                     last_q <= {NS{1'b0}};
        else if (evt_valid && evt_ready) last_q <= gnt;
    end
endmodule
