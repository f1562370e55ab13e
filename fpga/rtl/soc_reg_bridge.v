// soc_reg_bridge: one 32-bit CPU access -> one access on the SMMU's 64-bit AXI4-Lite
// register port. Address bit 2 picks the lane: a write drives the word on both halves
// of WDATA with the strobes of its half (0x0F or 0xF0), a read returns the half of
// RDATA that holds the register. A 64-bit SMMU register is therefore two accesses, low
// half first, which is how the driver accesses it when the HAL has no read64/write64.
// AW and W are issued together and each is dropped once accepted; the access completes
// with the response. A SLVERR/DECERR read returns 0 (the CPU bus has no error signal).
module soc_reg_bridge (
    input  wire        clk,
    input  wire        rst_n,
    input  wire        cpu_valid,
    input  wire [16:2] cpu_addr,
    input  wire [3:0]  cpu_wstrb,
    input  wire [31:0] cpu_wdata,
    output reg         cpu_ready,
    output reg  [31:0] cpu_rdata,

    output reg         awvalid,
    input  wire        awready,
    output wire [16:0] awaddr,
    output wire [2:0]  awprot,
    output reg         wvalid,
    input  wire        wready,
    output wire [63:0] wdata,
    output wire [7:0]  wstrb,
    input  wire        bvalid,
    output wire        bready,
    input  wire [1:0]  bresp,
    output reg         arvalid,
    input  wire        arready,
    output wire [16:0] araddr,
    output wire [2:0]  arprot,
    input  wire        rvalid,
    output wire        rready,
    input  wire [63:0] rdata,
    input  wire [1:0]  rresp
);
    localparam [1:0] S_IDLE = 2'd0, S_WR = 2'd1, S_RD = 2'd2, S_DONE = 2'd3;
    reg [1:0] state;

    assign awaddr = {cpu_addr, 2'b00};
    assign araddr = {cpu_addr, 2'b00};
    assign awprot = 3'b010;  // non-secure data
    assign arprot = 3'b010;
    assign wdata  = {cpu_wdata, cpu_wdata};
    assign wstrb  = cpu_addr[2] ? {cpu_wstrb, 4'b0000} : {4'b0000, cpu_wstrb};
    assign bready = (state == S_WR) && !awvalid && !wvalid;
    assign rready = (state == S_RD) && !arvalid;

    always @(posedge clk) begin
        if (!rst_n) begin
            state <= S_IDLE; awvalid <= 1'b0; wvalid <= 1'b0; arvalid <= 1'b0;
            cpu_ready <= 1'b0; cpu_rdata <= 32'd0;
        end else begin
            cpu_ready <= 1'b0;
            case (state)
            S_IDLE: if (cpu_valid) begin
                if (|cpu_wstrb) begin
                    awvalid <= 1'b1; wvalid <= 1'b1; state <= S_WR;
                end else begin
                    arvalid <= 1'b1; state <= S_RD;
                end
            end
            S_WR: begin
                if (awready) awvalid <= 1'b0;
                if (wready)  wvalid  <= 1'b0;
                if (bready && bvalid) begin
                    cpu_ready <= 1'b1; state <= S_DONE;
                end
            end
            S_RD: begin
                if (arready) arvalid <= 1'b0;
                if (rready && rvalid) begin
                    cpu_rdata <= (rresp[1]) ? 32'd0 : (cpu_addr[2] ? rdata[63:32] : rdata[31:0]);
                    cpu_ready <= 1'b1; state <= S_DONE;
                end
            end
            // One idle cycle: the CPU drops valid after ready, so it is not re-taken.
            default: state <= S_IDLE;
            endcase
        end
    end

    wire unused_ok = &{1'b0, bresp, rresp[0]};
endmodule
