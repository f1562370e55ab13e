// soc_ram: the SoC's on-chip RAM (code, data, stacks, SMMU tables and queues, DMA
// buffers), 64 bits wide, with three requesters sharing its single port.
//
// One single-port array keeps block-RAM inference trivial on every FPGA family (true
// dual-port with byte enables on both ports is where inference differs between
// vendors). The requesters are the CPU (one beat per access, priority: it stalls on
// every cycle it waits), the SMMU's table/queue master and its downstream master.
// Beats of the two AXI ports alternate, so a long DMA burst cannot starve the SMMU's
// own table walks.
//
// Beat interface per requester: req (held until gnt), word address, byte write enables
// (0 = read), write data. gnt is combinational; the read data of a granted read is on
// rdata in the next cycle, for one cycle (rvalid_o marks whose it is).
module soc_ram #(
    parameter AW        = 15,  // word-address bits: 2^AW 64-bit words
    parameter INIT_FILE = ""   // $readmemh image (64-bit words), "" = none
) (
    input  wire          clk,
    input  wire          rst_n,
    input  wire [2:0]    req,
    input  wire [3*AW-1:0] addr,
    input  wire [23:0]   we,
    input  wire [191:0]  wdata,
    output wire [2:0]    gnt,
    output reg  [2:0]    rvalid_o,
    output reg  [63:0]   rdata
);
    reg [63:0] mem [0:(1 << AW) - 1];

    initial begin
        if (INIT_FILE != "")
            $readmemh(INIT_FILE, mem);
    end

    // Requester 0 (CPU) first; 1 and 2 alternate.
    reg last12;  // 1: requester 1 was served last among {1, 2}
    wire pick1 = req[1] && (!req[2] || !last12);
    assign gnt[0] = req[0];
    assign gnt[1] = !req[0] && pick1;
    assign gnt[2] = !req[0] && req[2] && !pick1;

    wire [1:0] sel = gnt[0] ? 2'd0 : gnt[1] ? 2'd1 : 2'd2;
    wire            any = |gnt;
    wire [AW-1:0]   a   = addr[sel*AW +: AW];
    wire [7:0]      w   = any ? we[sel*8 +: 8] : 8'd0;
    wire [63:0]     d   = wdata[sel*64 +: 64];

    integer i;
    always @(posedge clk) begin
        for (i = 0; i < 8; i = i + 1)
            if (w[i])
                mem[a][i*8 +: 8] <= d[i*8 +: 8];
        rdata <= mem[a];
    end

    always @(posedge clk) begin
        if (!rst_n) begin
            last12   <= 1'b0;
            rvalid_o <= 3'd0;
        end else begin
            rvalid_o <= gnt & {3{w == 8'd0}};
            if (gnt[1])
                last12 <= 1'b1;
            else if (gnt[2])
                last12 <= 1'b0;
        end
    end
endmodule
