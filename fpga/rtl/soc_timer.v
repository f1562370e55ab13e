// soc_timer: the time source. A 64-bit cycle counter and a 64-bit microsecond counter
// (the driver's now_us bounds every wait with it; counting microseconds in hardware
// spares the firmware a 64-bit division per poll).
//
// Registers: 0x00 CYCLE_LO, 0x04 CYCLE_HI, 0x08 US_LO, 0x0C US_HI, 0x10 CLK_MHZ.
// Reading a LO register snapshots its HI half, so LO-then-HI reads are consistent.
module soc_timer #(
    parameter CLK_MHZ = 25
) (
    input  wire        clk,
    input  wire        rst_n,
    input  wire        reg_valid,
    input  wire [4:2]  reg_addr,
    output reg         reg_ready,
    output reg  [31:0] reg_rdata
);
    localparam PW = $clog2(CLK_MHZ + 1);

    reg [63:0]   cycles, us;
    reg [PW-1:0] pre;
    reg [31:0]   hi_snap;

    always @(posedge clk) begin
        if (!rst_n) begin
            cycles <= 64'd0; us <= 64'd0; pre <= {PW{1'b0}}; hi_snap <= 32'd0;
            reg_ready <= 1'b0; reg_rdata <= 32'd0;
        end else begin
            cycles <= cycles + 64'd1;
            if (pre == CLK_MHZ[PW-1:0] - 1'b1) begin
                pre <= {PW{1'b0}};
                us  <= us + 64'd1;
            end else begin
                pre <= pre + 1'b1;
            end
            reg_ready <= reg_valid && !reg_ready;
            if (reg_valid && !reg_ready) begin
                case (reg_addr)
                3'd0: begin reg_rdata <= cycles[31:0]; hi_snap <= cycles[63:32]; end
                3'd1: reg_rdata <= hi_snap;
                3'd2: begin reg_rdata <= us[31:0]; hi_snap <= us[63:32]; end
                3'd3: reg_rdata <= hi_snap;
                3'd4: reg_rdata <= CLK_MHZ;
                default: reg_rdata <= 32'd0;
                endcase
            end
        end
    end
endmodule
