// soc_ulx3s: the SoC on the ULX3S board. 25 MHz straight from the oscillator (no PLL:
// the SoC's clock is the board clock), reset from power-up and the FIRE1 button,
// UART TX to the FT231X at 115200 baud, the firmware's LEDs (0x0F pass, 0x80 fail,
// LED 7 also on a CPU trap).
module soc_ulx3s #(
    parameter INIT_FILE = ""
) (
    input  wire       clk_25mhz,
    input  wire [1:0] btn,
    output wire       ftdi_rxd,
    output wire [7:0] led
);
    // Reset for 2^16 cycles after configuration, and while FIRE1 is pressed. The
    // initial values are the configuration state (ECP5 registers load them).
    reg [15:0] por = 16'd0;
    reg        rst_n = 1'b0;
    always @(posedge clk_25mhz) begin
        if (btn[1]) begin
            por   <= 16'd0;
            rst_n <= 1'b0;
        end else if (!(&por)) begin
            por   <= por + 16'd1;
            rst_n <= 1'b0;
        end else begin
            rst_n <= 1'b1;
        end
    end

    wire        trap, exit_valid;
    wire [31:0] exit_code;

    soc_top #(.INIT_FILE(INIT_FILE), .CLK_MHZ(25), .UART_DIV(217)) u_soc (
        .clk(clk_25mhz), .rst_n(rst_n), .uart_tx(ftdi_rxd), .leds(led), .trap(trap),
        .exit_valid(exit_valid), .exit_code(exit_code)
    );

    // The verdict is on the LEDs; btn[0] (PWR) only powers the board.
    wire unused_ok = &{1'b0, btn[0], trap, exit_valid, exit_code};
endmodule
