// soc_msi_doorbell: the SoC interrupt logic's MSI doorbell on the SMMU's table-port write
// channels (IHI 0070 3.18: an MSI is a 32-bit write of a programmed value to a programmed
// address). A write to DB_ADDR (one 32-bit register, outside RAM) is answered here: its
// data's low 5 bits name the vector, which pulses in msi_set (the interrupt latch keeps
// it); every other write passes to the RAM port unchanged. Reads never come here.
//
// One write in flight at a time (an AW is taken only after the previous write's B), so
// the responses of the two destinations can never overtake each other, whatever their
// IDs. The SMMU waits for each write's response anyway (event records, MSIs).
module soc_msi_doorbell #(
    parameter A_W     = 32,
    parameter ID_W    = 4,
    parameter DB_ADDR = 32'h1000_3100
) (
    input  wire            clk,
    input  wire            rst_n,

    // from the SMMU's table master
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
    output wire            s_bvalid,
    input  wire            s_bready,
    output wire [ID_W-1:0] s_bid,
    output wire [1:0]      s_bresp,

    // to the RAM port
    output wire            m_awvalid,
    input  wire            m_awready,
    output wire [ID_W-1:0] m_awid,
    output wire [A_W-1:0]  m_awaddr,
    output wire [7:0]      m_awlen,
    output wire            m_wvalid,
    input  wire            m_wready,
    output wire [63:0]     m_wdata,
    output wire [7:0]      m_wstrb,
    output wire            m_wlast,
    input  wire            m_bvalid,
    output wire            m_bready,
    input  wire [ID_W-1:0] m_bid,
    input  wire [1:0]      m_bresp,

    output reg  [31:0]     msi_set       // one-cycle: the vectors signalled
);
    localparam [1:0] S_IDLE = 2'd0, S_RAM = 2'd1, S_DBW = 2'd2, S_DBB = 2'd3;

    reg [1:0]      state_q;
    reg [ID_W-1:0] id_q;
    reg            hi_q;      // the doorbell word is in the upper half of the beat

    wire is_db = (s_awaddr[A_W-1:3] == DB_ADDR[A_W-1:3]) && (s_awaddr[2] == DB_ADDR[2]);

    // AW: to the RAM port or taken here, only while idle
    assign m_awvalid = s_awvalid && (state_q == S_IDLE) && !is_db;
    assign m_awid    = s_awid;
    assign m_awaddr  = s_awaddr;
    assign m_awlen   = s_awlen;
    assign s_awready = (state_q == S_IDLE) && (is_db || m_awready);

    // W: to the RAM port while a RAM write is open, here for the doorbell
    assign m_wvalid  = s_wvalid && (state_q == S_RAM);
    assign m_wdata   = s_wdata;
    assign m_wstrb   = s_wstrb;
    assign m_wlast   = s_wlast;
    assign s_wready  = (state_q == S_RAM) ? m_wready : (state_q == S_DBW);

    // B
    assign s_bvalid  = (state_q == S_RAM) ? m_bvalid : (state_q == S_DBB);
    assign s_bid     = (state_q == S_RAM) ? m_bid : id_q;
    assign s_bresp   = (state_q == S_RAM) ? m_bresp : 2'b00;
    assign m_bready  = (state_q == S_RAM) && s_bready;

    wire [31:0] word = hi_q ? s_wdata[63:32] : s_wdata[31:0];
    wire        strb = hi_q ? (&s_wstrb[7:4]) : (&s_wstrb[3:0]);

    always @(posedge clk) begin
        if (!rst_n) begin
            state_q <= S_IDLE;
            id_q    <= {ID_W{1'b0}};
            hi_q    <= 1'b0;
            msi_set <= 32'd0;
        end else begin
            msi_set <= 32'd0;
            case (state_q)
                S_IDLE: if (s_awvalid && s_awready) begin
                    state_q <= is_db ? S_DBW : S_RAM;
                    id_q    <= s_awid;
                    hi_q    <= s_awaddr[2];
                end
                S_RAM: if (m_bvalid && s_bready) state_q <= S_IDLE;
                S_DBW: if (s_wvalid) begin
                    if (strb) msi_set <= 32'd1 << word[4:0];
                    if (s_wlast) state_q <= S_DBB;
                end
                S_DBB: if (s_bready) state_q <= S_IDLE;
                default: state_q <= S_IDLE;
            endcase
        end
    end

    wire unused_ok = &{1'b0, word[31:5]};
endmodule
