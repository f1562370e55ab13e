// soc_uart: 8N1 UART transmitter (and a receiver for a console later: not needed by the
// firmware, so not built). The bit time is DIV clock cycles: 217 at 25 MHz for
// 115200 baud; the simulation uses a small DIV and decodes the line in the bench, so the
// serial path the board uses is the one simulated.
//
// Registers: 0x0 TXDATA (write: send the low byte; ignored while busy, so software
// polls STATUS first), 0x4 STATUS ([0] TX busy).
module soc_uart #(
    parameter DIV = 217
) (
    input  wire        clk,
    input  wire        rst_n,
    input  wire        reg_valid,
    input  wire [2:2]  reg_addr,
    input  wire [3:0]  reg_wstrb,
    input  wire [31:0] reg_wdata,
    output reg         reg_ready,
    output reg  [31:0] reg_rdata,
    output reg         tx
);
    localparam CW = $clog2(DIV + 1);

    reg [9:0]    shift;   // {stop, data, start}, LSB first
    reg [3:0]    bits;    // bits still to send
    reg [CW-1:0] cnt;
    wire         busy = (bits != 4'd0);

    always @(posedge clk) begin
        if (!rst_n) begin
            shift <= 10'h3ff; bits <= 4'd0; cnt <= {CW{1'b0}}; tx <= 1'b1;
            reg_ready <= 1'b0; reg_rdata <= 32'd0;
        end else begin
            reg_ready <= reg_valid && !reg_ready;
            reg_rdata <= reg_addr[2] ? {31'd0, busy} : 32'd0;
            if (busy) begin
                if (cnt == DIV[CW-1:0] - 1'b1) begin
                    cnt   <= {CW{1'b0}};
                    tx    <= shift[0];
                    shift <= {1'b1, shift[9:1]};
                    bits  <= bits - 4'd1;
                end else begin
                    cnt <= cnt + 1'b1;
                end
            end else if (reg_valid && !reg_ready && !reg_addr[2] && reg_wstrb[0]) begin
                // The start bit goes out now; the rest follow at each bit time.
                shift <= {1'b1, 1'b1, reg_wdata[7:0]};
                tx    <= 1'b0;
                bits  <= 4'd10;  // 8 data, stop, and one more tick so the stop bit lasts a bit time
                cnt   <= {CW{1'b0}};
            end
        end
    end

    wire unused_ok = &{1'b0, reg_wdata[31:8], reg_wstrb[3:1]};
endmodule
