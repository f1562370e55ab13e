// smmu_burst_check: is a client burst one the SMMU can translate as one transaction?
// Pure combinational. IHI 0070 §16.7.1: a transaction the SMMU does not support is
// terminated and recorded as F_UUT with an IMPLEMENTATION DEFINED Reason (§7.3.2); the
// SMMU translates a burst once, so one that is not inside one 4 KB page (the smallest
// translation granule) cannot be translated as a whole, and a burst AXI4 forbids cannot
// be forwarded at all.
//
// Reasons (F_UUT Reason[15:0], this implementation's):
//   1  INCR burst crosses a 4 KB boundary
//   2  reserved AxBURST (0b11)
//   3  WRAP burst with a length other than 2, 4, 8 or 16 beats, or an unaligned start
//   4  AxSIZE wider than the 64-bit data bus
//   5  FIXED burst longer than 16 beats (AXI4 limit)
//   6  early WLAST (write data ended before AxLEN + 1 beats), from the write path
//   7  missing WLAST (more than AxLEN + 1 beats), from the write path
module smmu_burst_check (
    input  wire [11:0] addr,      // AxADDR[11:0]
    input  wire [7:0]  len,       // AxLEN
    input  wire [2:0]  size,      // AxSIZE
    input  wire [1:0]  burst,     // AxBURST
    output wire        bad,
    output wire [2:0]  reason
);
    // bytes per beat
    wire [7:0]  bytes    = 8'd1 << size;
    // An INCR burst of AxLEN + 1 beats from the beat of the 4 KB page at A[11:s] (s =
    // AxSIZE: the first beat may be unaligned, the others are aligned to the size) ends
    // past the page when A[11:s] + AxLEN + 1 > 4096 >> s, that is when A[11:s] + AxLEN
    // carries into bit 12 - s. One adder per bus width (sizes above 3 are refused as
    // wide), chosen by the size: no multiplier and no shifter on the acceptance path.
    /* verilator lint_off UNUSEDSIGNAL */  // only the carries are read
    wire [12:0] sum0     = {1'b0, addr[11:0]} + {5'd0, len};
    wire [11:0] sum1     = {1'b0, addr[11:1]} + {4'd0, len};
    wire [10:0] sum2     = {1'b0, addr[11:2]} + {3'd0, len};
    wire [9:0]  sum3     = {1'b0, addr[11:3]} + {2'd0, len};
    /* verilator lint_on UNUSEDSIGNAL */
    reg         over;
    always @* begin
        case (size)
            3'd0:    over = sum0[12];
            3'd1:    over = sum1[11];
            3'd2:    over = sum2[10];
            3'd3:    over = sum3[9];
            default: over = 1'b0;          // wide: refused for its size
        endcase
    end
    wire        wide     = size > 3'd3;
    wire        rsvd     = burst == 2'b11;
    wire        wrap_len = len == 8'd1 || len == 8'd3 || len == 8'd7 || len == 8'd15;
    wire        bad_wrap = burst == 2'b10 && (!wrap_len || (addr & ({4'd0, bytes} - 12'd1)) != 12'd0);
    wire        crosses  = burst == 2'b01 && over;
    wire        long_fix = burst == 2'b00 && len > 8'd15;

    assign bad    = wide || rsvd || bad_wrap || crosses || long_fix;
    assign reason = wide ? 3'd4 : rsvd ? 3'd2 : bad_wrap ? 3'd3 : crosses ? 3'd1 : 3'd5;
endmodule
