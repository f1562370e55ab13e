// soc_axi_ram_port: an AXI4 slave (64-bit, INCR bursts) in front of one soc_ram
// requester. One transaction at a time, reads and writes alternating when both wait:
// simple, ordered by construction, and enough for the SMMU's table master and the DMA
// traffic it forwards.
//
// Addresses at or above RAM_BYTES get SLVERR (reads: ARLEN+1 beats of zero data;
// writes: the W beats are consumed, then BRESP = SLVERR), so a bad PA from a page
// table shows up as an external abort instead of aliasing into RAM. FIXED and WRAP
// bursts are treated as INCR (no master in this SoC issues them).
module soc_axi_ram_port #(
    parameter A_W       = 32,       // AXI address bits
    parameter ID_W      = 4,
    parameter AW        = 15,       // RAM word-address bits
    parameter RAM_BYTES = 1 << 18
) (
    input  wire            clk,
    input  wire            rst_n,

    input  wire            s_awvalid,
    output wire            s_awready,
    input  wire [ID_W-1:0] s_awid,
    input  wire [A_W-1:0]  s_awaddr,
    input  wire [7:0]      s_awlen,
    input  wire            s_wvalid,
    output wire            s_wready,
    input  wire [63:0]     s_wdata,
    input  wire [7:0]      s_wstrb,
    input  wire            s_wlast,
    output reg             s_bvalid,
    input  wire            s_bready,
    output reg  [ID_W-1:0] s_bid,
    output reg  [1:0]      s_bresp,
    input  wire            s_arvalid,
    output wire            s_arready,
    input  wire [ID_W-1:0] s_arid,
    input  wire [A_W-1:0]  s_araddr,
    input  wire [7:0]      s_arlen,
    output reg             s_rvalid,
    input  wire            s_rready,
    output reg  [ID_W-1:0] s_rid,
    output reg  [63:0]     s_rdata,
    output reg  [1:0]      s_rresp,
    output reg             s_rlast,

    // soc_ram requester
    output wire            m_req,
    output wire [AW-1:0]   m_addr,
    output wire [7:0]      m_we,
    output wire [63:0]     m_wdata,
    input  wire            m_gnt,
    input  wire            m_rvalid,
    input  wire [63:0]     m_rdata
);
    localparam [2:0] S_IDLE = 3'd0, S_RD = 3'd1, S_RWAIT = 3'd2, S_RHOLD = 3'd3,
                     S_WR = 3'd4, S_B = 3'd5;
    localparam [1:0] RESP_OKAY = 2'b00, RESP_SLVERR = 2'b10;

    reg [2:0]     state;
    reg [A_W-1:0] addr;
    reg [7:0]     left;    // beats after the current one
    reg           bad;     // the burst starts outside RAM
    reg           prefer_w;

    wire in_ram_ar = ({1'b0, s_araddr} < RAM_BYTES);
    wire in_ram_aw = ({1'b0, s_awaddr} < RAM_BYTES);
    // A burst that starts inside RAM but runs past its end is cut off beat by beat.
    wire beat_ok   = !bad && ({1'b0, addr} < RAM_BYTES);

    wire take_ar = (state == S_IDLE) && s_arvalid && (!s_awvalid || !prefer_w);
    wire take_aw = (state == S_IDLE) && s_awvalid && (!s_arvalid || prefer_w);
    assign s_arready = take_ar;
    assign s_awready = take_aw;

    assign m_req   = ((state == S_RD) && beat_ok) || ((state == S_WR) && s_wvalid && beat_ok);
    assign m_addr  = addr[AW+2:3];
    assign m_we    = (state == S_WR) ? s_wstrb : 8'd0;
    assign m_wdata = s_wdata;
    assign s_wready = (state == S_WR) && (beat_ok ? m_gnt : 1'b1);

    always @(posedge clk) begin
        if (!rst_n) begin
            state    <= S_IDLE;
            addr     <= {A_W{1'b0}};
            left     <= 8'd0;
            bad      <= 1'b0;
            prefer_w <= 1'b0;
            s_bvalid <= 1'b0;
            s_bid    <= {ID_W{1'b0}};
            s_bresp  <= RESP_OKAY;
            s_rvalid <= 1'b0;
            s_rid    <= {ID_W{1'b0}};
            s_rdata  <= 64'd0;
            s_rresp  <= RESP_OKAY;
            s_rlast  <= 1'b0;
        end else begin
            case (state)
            S_IDLE: begin
                if (take_ar) begin
                    addr     <= s_araddr;
                    left     <= s_arlen;
                    bad      <= !in_ram_ar;
                    s_rid    <= s_arid;
                    prefer_w <= 1'b1;
                    state    <= S_RD;
                end else if (take_aw) begin
                    addr     <= s_awaddr;
                    left     <= s_awlen;
                    bad      <= !in_ram_aw;
                    s_bid    <= s_awid;
                    s_bresp  <= RESP_OKAY;
                    prefer_w <= 1'b0;
                    state    <= S_WR;
                end
            end
            S_RD: begin
                if (!beat_ok) begin
                    s_rvalid <= 1'b1;
                    s_rdata  <= 64'd0;
                    s_rresp  <= RESP_SLVERR;
                    s_rlast  <= (left == 8'd0);
                    state    <= S_RHOLD;
                end else if (m_gnt) begin
                    state <= S_RWAIT;
                end
            end
            S_RWAIT: begin
                if (m_rvalid) begin
                    s_rvalid <= 1'b1;
                    s_rdata  <= m_rdata;
                    s_rresp  <= RESP_OKAY;
                    s_rlast  <= (left == 8'd0);
                    state    <= S_RHOLD;
                end
            end
            S_RHOLD: begin
                if (s_rready) begin
                    s_rvalid <= 1'b0;
                    s_rlast  <= 1'b0;
                    if (left == 8'd0) begin
                        state <= S_IDLE;
                    end else begin
                        left  <= left - 8'd1;
                        addr  <= addr + 8;
                        state <= S_RD;
                    end
                end
            end
            S_WR: begin
                if (s_wvalid && s_wready) begin
                    if (!beat_ok)
                        s_bresp <= RESP_SLVERR;
                    addr <= addr + 8;
                    left <= left - 8'd1;
                    // WLAST ends the burst (a short or long burst still gets its B).
                    if (s_wlast || left == 8'd0) begin
                        s_bvalid <= 1'b1;
                        state    <= S_B;
                    end
                end
            end
            S_B: begin
                if (s_bready) begin
                    s_bvalid <= 1'b0;
                    state    <= S_IDLE;
                end
            end
            default: state <= S_IDLE;
            endcase
        end
    end
endmodule
