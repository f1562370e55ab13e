// soc_dma: a memory-to-memory copy engine, the SoC's client device behind the SMMU.
//
// The CPU programs source, destination, length, StreamID and the bus attributes, then
// starts it; it copies through its AXI4 master (into the SMMU's upstream port) in
// bursts of up to 8 beats of 8 bytes that never cross a 64-byte boundary of either
// address (so never a 4 KB one, as AXI requires), read burst then write burst. The
// first error response stops the copy and is reported with its phase and address: that
// is how the SMMU's abort of a faulting transaction becomes visible to software.
//
// Registers (32-bit, word offsets from the base):
//   0x00 SRC_LO  0x04 SRC_HI  0x08 DST_LO  0x0C DST_HI   input (IOVA) addresses
//   0x10 LEN     bytes; SRC, DST and LEN must be multiples of 8, LEN > 0
//   0x14 SID     StreamID (low SID_W bits), bit 31 = SSV (SubstreamID 0)
//   0x18 ATTR    [3:0] AxCACHE, [6:4] AxPROT, [9:8] domain, [12] No_snoop
//   0x1C CTRL    write bit 0 = 1: start (ignored while busy)
//   0x20 STATUS  [0] busy, [1] done, [2] error, [3] bad parameters, [5:4] the error's
//                RESP, [6] the error was on the write side; cleared by the next start
//   0x24 ERR_ADDR_LO  0x28 ERR_ADDR_HI   start address of the failed burst
//   0x2C COUNT   bytes copied so far
module soc_dma #(
    parameter SID_W = 8,
    parameter ID_W  = 4
) (
    input  wire                 clk,
    input  wire                 rst_n,

    // CPU registers (PicoRV32 native-style: one access, ready the next cycle)
    input  wire                 reg_valid,
    input  wire [5:2]           reg_addr,
    input  wire [3:0]           reg_wstrb,
    input  wire [31:0]          reg_wdata,
    output reg                  reg_ready,
    output reg  [31:0]          reg_rdata,

    output wire                 irq,   // level: done or error, until the next start

    // AXI4 master towards the SMMU's upstream port
    output reg                  m_awvalid,
    input  wire                 m_awready,
    output wire [ID_W-1:0]      m_awid,
    output wire [63:0]          m_awaddr,
    output wire [7:0]           m_awlen,
    output wire [2:0]           m_awsize,
    output wire [1:0]           m_awburst,
    output wire [3:0]           m_awcache,
    output wire [2:0]           m_awprot,
    output wire [SID_W+3:0]     m_awuser,
    output reg                  m_wvalid,
    input  wire                 m_wready,
    output wire [63:0]          m_wdata,
    output wire [7:0]           m_wstrb,
    output wire                 m_wlast,
    input  wire                 m_bvalid,
    output wire                 m_bready,
    input  wire [ID_W-1:0]      m_bid,
    input  wire [1:0]           m_bresp,
    output reg                  m_arvalid,
    input  wire                 m_arready,
    output wire [ID_W-1:0]      m_arid,
    output wire [63:0]          m_araddr,
    output wire [7:0]           m_arlen,
    output wire [2:0]           m_arsize,
    output wire [1:0]           m_arburst,
    output wire [3:0]           m_arcache,
    output wire [2:0]           m_arprot,
    output wire [SID_W+3:0]     m_aruser,
    input  wire                 m_rvalid,
    output wire                 m_rready,
    input  wire [ID_W-1:0]      m_rid,
    input  wire [63:0]          m_rdata,
    input  wire [1:0]           m_rresp,
    input  wire                 m_rlast
);
    localparam [2:0] S_IDLE = 3'd0, S_AR = 3'd1, S_R = 3'd2, S_AW = 3'd3, S_W = 3'd4,
                     S_B = 3'd5;

    reg [63:0] src, dst, err_addr;
    reg [31:0] len, count, sid_reg;
    reg [12:0] attr;
    reg        busy, done, err, bad_param, err_wr;
    reg [1:0]  err_resp;
    reg [2:0]  state;
    reg [3:0]  beats;       // beats in the current burst, 1..8
    reg [2:0]  idx;
    reg [63:0] buffer [0:7];

    // ---------------- burst size ----------------
    wire [31:0] left_b   = len - count;
    wire [3:0]  n_src    = 4'd8 - {1'b0, src[5:3]};
    wire [3:0]  n_dst    = 4'd8 - {1'b0, dst[5:3]};
    wire [3:0]  n_len    = (left_b[31:3] > 29'd8) ? 4'd8 : left_b[6:3];
    wire [3:0]  n_sd     = (n_src < n_dst) ? n_src : n_dst;
    wire [3:0]  n_next   = (n_sd < n_len) ? n_sd : n_len;

    // ---------------- AXI ----------------
    wire [SID_W+3:0] user = {sid_reg[31], attr[9:8], attr[12], sid_reg[SID_W-1:0]};
    assign m_arid    = {ID_W{1'b0}};
    assign m_araddr  = src;
    assign m_arlen   = {4'd0, beats - 4'd1};
    assign m_arsize  = 3'd3;
    assign m_arburst = 2'b01;
    assign m_arcache = attr[3:0];
    assign m_arprot  = attr[6:4];
    assign m_aruser  = user;
    assign m_rready  = (state == S_R);
    assign m_awid    = {ID_W{1'b0}};
    assign m_awaddr  = dst;
    assign m_awlen   = {4'd0, beats - 4'd1};
    assign m_awsize  = 3'd3;
    assign m_awburst = 2'b01;
    assign m_awcache = attr[3:0];
    assign m_awprot  = attr[6:4];
    assign m_awuser  = user;
    assign m_wdata   = buffer[idx];
    assign m_wstrb   = 8'hff;
    assign m_wlast   = ({1'b0, idx} == beats - 4'd1);
    assign m_bready  = (state == S_B);
    assign irq       = done || err;

    wire start = reg_valid && !reg_ready && reg_addr == 4'h7 && reg_wstrb[0] &&
                 reg_wdata[0] && !busy;
    wire params_ok = (reg_wdata[0]) && src[2:0] == 3'd0 && dst[2:0] == 3'd0 &&
                     len[2:0] == 3'd0 && len != 32'd0;

    // Register writes to the parameters are ignored while busy: the copy in progress
    // must not change under its own feet.
    wire wr = reg_valid && !reg_ready && (|reg_wstrb) && !busy;

    always @(posedge clk) begin
        if (!rst_n) begin
            src <= 64'd0; dst <= 64'd0; len <= 32'd0; sid_reg <= 32'd0;
            attr <= 13'h0_02f;  // WB RWA cacheable, non-secure unprivileged data, NSH
            reg_ready <= 1'b0; reg_rdata <= 32'd0;
        end else begin
            reg_ready <= reg_valid && !reg_ready;
            if (wr) begin
                case (reg_addr)
                4'h0: src[31:0]  <= reg_wdata;
                4'h1: src[63:32] <= reg_wdata;
                4'h2: dst[31:0]  <= reg_wdata;
                4'h3: dst[63:32] <= reg_wdata;
                4'h4: len        <= reg_wdata;
                4'h5: sid_reg    <= reg_wdata;
                4'h6: attr       <= reg_wdata[12:0];
                default: ;
                endcase
            end
            case (reg_addr)
            4'h0: reg_rdata <= src[31:0];
            4'h1: reg_rdata <= src[63:32];
            4'h2: reg_rdata <= dst[31:0];
            4'h3: reg_rdata <= dst[63:32];
            4'h4: reg_rdata <= len;
            4'h5: reg_rdata <= sid_reg;
            4'h6: reg_rdata <= {19'd0, attr};
            4'h8: reg_rdata <= {25'd0, err_wr, err_resp, bad_param, err, done, busy};
            4'h9: reg_rdata <= err_addr[31:0];
            4'hA: reg_rdata <= err_addr[63:32];
            4'hB: reg_rdata <= count;
            default: reg_rdata <= 32'd0;
            endcase
            // The engine advances the addresses as it copies.
            if (state == S_B && m_bvalid && m_bresp == 2'b00) begin
                src <= src + {57'd0, beats, 3'd0};
                dst <= dst + {57'd0, beats, 3'd0};
            end
        end
    end

    always @(posedge clk) begin
        if (!rst_n) begin
            state <= S_IDLE; busy <= 1'b0; done <= 1'b0; err <= 1'b0; bad_param <= 1'b0;
            err_wr <= 1'b0; err_resp <= 2'b00; err_addr <= 64'd0; count <= 32'd0;
            beats <= 4'd1; idx <= 3'd0; m_arvalid <= 1'b0; m_awvalid <= 1'b0;
            m_wvalid <= 1'b0;
        end else begin
            case (state)
            S_IDLE: begin
                if (start) begin
                    done <= 1'b0; err <= 1'b0; bad_param <= 1'b0; err_wr <= 1'b0;
                    err_resp <= 2'b00; err_addr <= 64'd0; count <= 32'd0;
                    if (!params_ok) begin
                        err <= 1'b1; bad_param <= 1'b1;
                    end else begin
                        busy <= 1'b1;
                        state <= S_AR;
                    end
                end
            end
            S_AR: begin
                if (!m_arvalid) begin
                    beats     <= n_next;
                    m_arvalid <= 1'b1;
                end else if (m_arready) begin
                    m_arvalid <= 1'b0;
                    idx       <= 3'd0;
                    state     <= S_R;
                end
            end
            S_R: begin
                if (m_rvalid) begin
                    buffer[idx] <= m_rdata;
                    idx <= idx + 3'd1;
                    if (m_rresp != 2'b00 && !err) begin
                        err <= 1'b1; err_resp <= m_rresp; err_addr <= src;
                    end
                    if (m_rlast) begin
                        if (err || m_rresp != 2'b00) begin
                            busy <= 1'b0; state <= S_IDLE;
                        end else begin
                            m_awvalid <= 1'b1;
                            state <= S_AW;
                        end
                    end
                end
            end
            S_AW: begin
                if (m_awready) begin
                    m_awvalid <= 1'b0;
                    m_wvalid  <= 1'b1;
                    idx       <= 3'd0;
                    state     <= S_W;
                end
            end
            S_W: begin
                if (m_wready) begin
                    idx <= idx + 3'd1;
                    if (m_wlast) begin
                        m_wvalid <= 1'b0;
                        state    <= S_B;
                    end
                end
            end
            S_B: begin
                if (m_bvalid) begin
                    if (m_bresp != 2'b00) begin
                        err <= 1'b1; err_resp <= m_bresp; err_wr <= 1'b1; err_addr <= dst;
                        busy <= 1'b0; state <= S_IDLE;
                    end else if (count + {25'd0, beats, 3'd0} == len) begin
                        count <= len;
                        done <= 1'b1; busy <= 1'b0; state <= S_IDLE;
                    end else begin
                        count <= count + {25'd0, beats, 3'd0};
                        state <= S_AR;
                    end
                end
            end
            default: state <= S_IDLE;
            endcase
        end
    end

    // One burst at a time, so response IDs carry no information here.
    wire unused_ok = &{1'b0, m_bid, m_rid, left_b[2:0]};  // LEN is a multiple of 8
endmodule
