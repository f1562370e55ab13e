// smmu_fmax: out-of-context timing wrapper for the SMMU alone (`make fmax-smmu`).
//
// smmu_top has about 550 input and 550 output bits, more than any FPGA package has pins,
// so it cannot be placed with its ports as I/Os. Here every SMMU input comes from one
// flip-flop of a shift chain fed by the `din` pin, and every SMMU output is XORed into
// one flip-flop of a signature chain (a MISR) whose last bits are the `dout` pins. Each
// chain bit reaches a pin, so synthesis can neither treat an input as constant nor drop
// an output cone; and every SMMU path becomes register to register. The wrapper adds
// nothing on the input side (chain flip-flop -> SMMU port) and one XOR2 on the output
// side (SMMU port -> XOR -> flip-flop): the paths measured are the SMMU's own.
//
// Not a functional test: the inputs are noise, the AXI handshakes are not honoured.
// Parameters default to the SoC's SMMU (fpga/rtl/soc_top.v).
module smmu_fmax #(
    parameter SID_W       = 8,
    parameter PA_W        = 32,
    parameter CMDQS       = 6,
    parameter EVENTQS     = 5,
    parameter TLB_ENTRIES = 4,
    parameter CFG_ENTRIES = 2,
    parameter CD_ENTRIES  = 2,
    parameter WC_S1       = 4,
    parameter WC_S2       = 4,
    parameter NRD         = 8,
    parameter NWR         = 8,
    parameter NWALK       = 2,
    parameter NS2WALK     = 1,
    parameter UTLB        = 4,
    parameter ID_W        = 2,
    parameter TBL_ID_W    = 4,
    parameter UP_USER_W   = SID_W + 4,
    parameter DN_USER_W   = 8,
    parameter DOUT_W      = 4
) (
    input  wire              clk,
    input  wire              rst_n_in,  // asynchronous pin, synchronised below
    input  wire              din,
    output wire [DOUT_W-1:0] dout
);
    // Input and output bit counts of smmu_top for these parameters; the concatenations
    // below must match them exactly (Verilator -Wall checks the widths).
    localparam N_IN  = 512 + 2 * TBL_ID_W + 4 * ID_W + 2 * UP_USER_W;
    localparam N_OUT = 395 + 2 * TBL_ID_W + 4 * ID_W + 4 * PA_W + 2 * DN_USER_W;

    // ---- reset: two-flop synchroniser, as any board top would have ----
    reg [1:0] rst_sync;
    always @(posedge clk) rst_sync <= {rst_sync[0], rst_n_in};
    wire rst_n = rst_sync[1];

    // ---- inputs: shift chain, one flip-flop per SMMU input bit ----
    reg [1:0]      din_sync;
    reg [N_IN-1:0] in_chain;
    always @(posedge clk) begin
        din_sync <= {din_sync[0], din};
        in_chain <= {in_chain[N_IN-2:0], din_sync[1]};
    end

    wire                 canwbs;
    wire                 s_reg_awvalid, s_reg_wvalid, s_reg_bready, s_reg_arvalid, s_reg_rready;
    wire [16:0]          s_reg_awaddr, s_reg_araddr;
    wire [2:0]           s_reg_awprot, s_reg_arprot;
    wire [63:0]          s_reg_wdata;
    wire [7:0]           s_reg_wstrb;
    wire                 m_tbl_awready, m_tbl_wready, m_tbl_bvalid, m_tbl_arready, m_tbl_rvalid;
    wire                 m_tbl_rlast;
    wire [TBL_ID_W-1:0]  m_tbl_bid, m_tbl_rid;
    wire [1:0]           m_tbl_bresp, m_tbl_rresp;
    wire [63:0]          m_tbl_rdata;
    wire                 s_up_awvalid, s_up_wvalid, s_up_wlast, s_up_bready, s_up_arvalid;
    wire                 s_up_rready;
    wire [ID_W-1:0]      s_up_awid, s_up_arid;
    wire [63:0]          s_up_awaddr, s_up_araddr, s_up_wdata;
    wire [7:0]           s_up_awlen, s_up_arlen, s_up_wstrb;
    wire [2:0]           s_up_awsize, s_up_arsize, s_up_awprot, s_up_arprot;
    wire [1:0]           s_up_awburst, s_up_arburst;
    wire [3:0]           s_up_awcache, s_up_arcache;
    wire [UP_USER_W-1:0] s_up_awuser, s_up_aruser;
    wire                 m_dn_awready, m_dn_wready, m_dn_bvalid, m_dn_arready, m_dn_rvalid;
    wire                 m_dn_rlast;
    wire [ID_W-1:0]      m_dn_bid, m_dn_rid;
    wire [1:0]           m_dn_bresp, m_dn_rresp;
    wire [63:0]          m_dn_rdata;

    assign {canwbs,
            s_reg_awvalid, s_reg_awaddr, s_reg_awprot, s_reg_wvalid, s_reg_wdata, s_reg_wstrb,
            s_reg_bready, s_reg_arvalid, s_reg_araddr, s_reg_arprot, s_reg_rready,
            m_tbl_awready, m_tbl_wready, m_tbl_bvalid, m_tbl_bid, m_tbl_bresp, m_tbl_arready,
            m_tbl_rvalid, m_tbl_rid, m_tbl_rdata, m_tbl_rresp, m_tbl_rlast,
            s_up_awvalid, s_up_awid, s_up_awaddr, s_up_awlen, s_up_awsize, s_up_awburst,
            s_up_awcache, s_up_awprot, s_up_awuser, s_up_wvalid, s_up_wdata, s_up_wstrb,
            s_up_wlast, s_up_bready, s_up_arvalid, s_up_arid, s_up_araddr, s_up_arlen,
            s_up_arsize, s_up_arburst, s_up_arcache, s_up_arprot, s_up_aruser, s_up_rready,
            m_dn_awready, m_dn_wready, m_dn_bvalid, m_dn_bid, m_dn_bresp, m_dn_arready,
            m_dn_rvalid, m_dn_rid, m_dn_rdata, m_dn_rresp, m_dn_rlast} = in_chain;

    // ---- the SMMU ----
    wire                 s_reg_awready, s_reg_wready, s_reg_bvalid, s_reg_arready, s_reg_rvalid;
    wire [1:0]           s_reg_bresp, s_reg_rresp;
    wire [63:0]          s_reg_rdata;
    wire                 m_tbl_awvalid, m_tbl_wvalid, m_tbl_wlast, m_tbl_bready, m_tbl_arvalid;
    wire                 m_tbl_rready;
    wire [TBL_ID_W-1:0]  m_tbl_awid, m_tbl_arid;
    wire [PA_W-1:0]      m_tbl_awaddr, m_tbl_araddr;
    wire [7:0]           m_tbl_awlen, m_tbl_arlen, m_tbl_wstrb;
    wire [2:0]           m_tbl_awsize, m_tbl_arsize, m_tbl_awprot, m_tbl_arprot;
    wire [1:0]           m_tbl_awburst, m_tbl_arburst;
    wire [3:0]           m_tbl_awcache, m_tbl_arcache;
    wire [1:0]           m_tbl_awdomain, m_tbl_ardomain;
    wire [63:0]          m_tbl_wdata;
    wire                 s_up_awready, s_up_wready, s_up_bvalid, s_up_arready, s_up_rvalid;
    wire                 s_up_rlast;
    wire [ID_W-1:0]      s_up_bid, s_up_rid;
    wire [1:0]           s_up_bresp, s_up_rresp;
    wire [63:0]          s_up_rdata;
    wire                 m_dn_awvalid, m_dn_wvalid, m_dn_wlast, m_dn_bready, m_dn_arvalid;
    wire                 m_dn_rready;
    wire [ID_W-1:0]      m_dn_awid, m_dn_arid;
    wire [PA_W-1:0]      m_dn_awaddr, m_dn_araddr;
    wire [7:0]           m_dn_awlen, m_dn_arlen, m_dn_wstrb;
    wire [2:0]           m_dn_awsize, m_dn_arsize, m_dn_awprot, m_dn_arprot;
    wire [1:0]           m_dn_awburst, m_dn_arburst, m_dn_awdomain, m_dn_ardomain;
    wire [3:0]           m_dn_awcache, m_dn_arcache;
    wire [DN_USER_W-1:0] m_dn_awuser, m_dn_aruser;
    wire [63:0]          m_dn_wdata;
    wire                 irq_eventq, irq_cmd_sync, irq_gerror, irq_pmcg;

    smmu_top #(
        .SID_W(SID_W), .PA_W(PA_W), .CMDQS(CMDQS), .EVENTQS(EVENTQS), .ST_LEVEL_2(1),
        .FWB(1), .COHACC(1), .ATTR_OVR(1), .GBPA_ABORT_RESET(1), .ID_W(ID_W),
        .TBL_ID_W(TBL_ID_W), .UP_USER_W(UP_USER_W), .DN_USER_W(DN_USER_W),
        .TLB_ENTRIES(TLB_ENTRIES), .CFG_ENTRIES(CFG_ENTRIES), .CD_ENTRIES(CD_ENTRIES),
        .WC_S1(WC_S1), .WC_S2(WC_S2),
        .NRD(NRD), .NWR(NWR), .NWALK(NWALK), .NS2WALK(NS2WALK),
        .UTLB(UTLB)
    ) u_smmu (
        .clk(clk), .rst_n(rst_n), .canwbs(canwbs),
        .s_reg_awvalid(s_reg_awvalid), .s_reg_awready(s_reg_awready),
        .s_reg_awaddr(s_reg_awaddr), .s_reg_awprot(s_reg_awprot),
        .s_reg_wvalid(s_reg_wvalid), .s_reg_wready(s_reg_wready), .s_reg_wdata(s_reg_wdata),
        .s_reg_wstrb(s_reg_wstrb), .s_reg_bvalid(s_reg_bvalid), .s_reg_bready(s_reg_bready),
        .s_reg_bresp(s_reg_bresp), .s_reg_arvalid(s_reg_arvalid),
        .s_reg_arready(s_reg_arready), .s_reg_araddr(s_reg_araddr),
        .s_reg_arprot(s_reg_arprot), .s_reg_rvalid(s_reg_rvalid), .s_reg_rready(s_reg_rready),
        .s_reg_rdata(s_reg_rdata), .s_reg_rresp(s_reg_rresp),
        .m_tbl_awvalid(m_tbl_awvalid), .m_tbl_awready(m_tbl_awready), .m_tbl_awid(m_tbl_awid),
        .m_tbl_awaddr(m_tbl_awaddr), .m_tbl_awlen(m_tbl_awlen), .m_tbl_awsize(m_tbl_awsize),
        .m_tbl_awburst(m_tbl_awburst), .m_tbl_awcache(m_tbl_awcache), .m_tbl_awdomain(m_tbl_awdomain),
        .m_tbl_awprot(m_tbl_awprot), .m_tbl_wvalid(m_tbl_wvalid), .m_tbl_wready(m_tbl_wready),
        .m_tbl_wdata(m_tbl_wdata), .m_tbl_wstrb(m_tbl_wstrb), .m_tbl_wlast(m_tbl_wlast),
        .m_tbl_bvalid(m_tbl_bvalid), .m_tbl_bready(m_tbl_bready), .m_tbl_bid(m_tbl_bid),
        .m_tbl_bresp(m_tbl_bresp), .m_tbl_arvalid(m_tbl_arvalid),
        .m_tbl_arready(m_tbl_arready), .m_tbl_arid(m_tbl_arid), .m_tbl_araddr(m_tbl_araddr),
        .m_tbl_arlen(m_tbl_arlen), .m_tbl_arsize(m_tbl_arsize), .m_tbl_arburst(m_tbl_arburst),
        .m_tbl_arcache(m_tbl_arcache), .m_tbl_ardomain(m_tbl_ardomain),
        .m_tbl_arprot(m_tbl_arprot),
        .m_tbl_rvalid(m_tbl_rvalid), .m_tbl_rready(m_tbl_rready), .m_tbl_rid(m_tbl_rid),
        .m_tbl_rdata(m_tbl_rdata), .m_tbl_rresp(m_tbl_rresp), .m_tbl_rlast(m_tbl_rlast),
        .s_up_awvalid(s_up_awvalid), .s_up_awready(s_up_awready), .s_up_awid(s_up_awid),
        .s_up_awaddr(s_up_awaddr), .s_up_awlen(s_up_awlen), .s_up_awsize(s_up_awsize),
        .s_up_awburst(s_up_awburst), .s_up_awcache(s_up_awcache), .s_up_awprot(s_up_awprot),
        .s_up_awuser(s_up_awuser), .s_up_wvalid(s_up_wvalid), .s_up_wready(s_up_wready),
        .s_up_wdata(s_up_wdata), .s_up_wstrb(s_up_wstrb), .s_up_wlast(s_up_wlast),
        .s_up_bvalid(s_up_bvalid), .s_up_bready(s_up_bready), .s_up_bid(s_up_bid),
        .s_up_bresp(s_up_bresp), .s_up_arvalid(s_up_arvalid), .s_up_arready(s_up_arready),
        .s_up_arid(s_up_arid), .s_up_araddr(s_up_araddr), .s_up_arlen(s_up_arlen),
        .s_up_arsize(s_up_arsize), .s_up_arburst(s_up_arburst), .s_up_arcache(s_up_arcache),
        .s_up_arprot(s_up_arprot), .s_up_aruser(s_up_aruser), .s_up_rvalid(s_up_rvalid),
        .s_up_rready(s_up_rready), .s_up_rid(s_up_rid), .s_up_rdata(s_up_rdata),
        .s_up_rresp(s_up_rresp), .s_up_rlast(s_up_rlast),
        .m_dn_awvalid(m_dn_awvalid), .m_dn_awready(m_dn_awready), .m_dn_awid(m_dn_awid),
        .m_dn_awaddr(m_dn_awaddr), .m_dn_awlen(m_dn_awlen), .m_dn_awsize(m_dn_awsize),
        .m_dn_awburst(m_dn_awburst), .m_dn_awcache(m_dn_awcache), .m_dn_awprot(m_dn_awprot),
        .m_dn_awdomain(m_dn_awdomain), .m_dn_awuser(m_dn_awuser),
        .m_dn_wvalid(m_dn_wvalid), .m_dn_wready(m_dn_wready), .m_dn_wdata(m_dn_wdata),
        .m_dn_wstrb(m_dn_wstrb), .m_dn_wlast(m_dn_wlast), .m_dn_bvalid(m_dn_bvalid),
        .m_dn_bready(m_dn_bready), .m_dn_bid(m_dn_bid), .m_dn_bresp(m_dn_bresp),
        .m_dn_arvalid(m_dn_arvalid), .m_dn_arready(m_dn_arready), .m_dn_arid(m_dn_arid),
        .m_dn_araddr(m_dn_araddr), .m_dn_arlen(m_dn_arlen), .m_dn_arsize(m_dn_arsize),
        .m_dn_arburst(m_dn_arburst), .m_dn_arcache(m_dn_arcache), .m_dn_arprot(m_dn_arprot),
        .m_dn_ardomain(m_dn_ardomain), .m_dn_aruser(m_dn_aruser),
        .m_dn_rvalid(m_dn_rvalid), .m_dn_rready(m_dn_rready), .m_dn_rid(m_dn_rid),
        .m_dn_rdata(m_dn_rdata), .m_dn_rresp(m_dn_rresp), .m_dn_rlast(m_dn_rlast),
        .irq_eventq(irq_eventq), .irq_cmd_sync(irq_cmd_sync), .irq_gerror(irq_gerror),
        .irq_pmcg(irq_pmcg)
    );

    // ---- outputs: signature chain, one XOR2 and one flip-flop per SMMU output bit ----
    wire [N_OUT-1:0] outs = {
            s_reg_awready, s_reg_wready, s_reg_bvalid, s_reg_bresp, s_reg_arready,
            s_reg_rvalid, s_reg_rdata, s_reg_rresp,
            m_tbl_awvalid, m_tbl_awid, m_tbl_awaddr, m_tbl_awlen, m_tbl_awsize, m_tbl_awburst,
            m_tbl_awcache, m_tbl_awdomain, m_tbl_awprot, m_tbl_wvalid, m_tbl_wdata, m_tbl_wstrb, m_tbl_wlast,
            m_tbl_bready, m_tbl_arvalid, m_tbl_arid, m_tbl_araddr, m_tbl_arlen, m_tbl_arsize,
            m_tbl_arburst, m_tbl_arcache, m_tbl_ardomain, m_tbl_arprot, m_tbl_rready,
            s_up_awready, s_up_wready, s_up_bvalid, s_up_bid, s_up_bresp, s_up_arready,
            s_up_rvalid, s_up_rid, s_up_rdata, s_up_rresp, s_up_rlast,
            m_dn_awvalid, m_dn_awid, m_dn_awaddr, m_dn_awlen, m_dn_awsize, m_dn_awburst,
            m_dn_awcache, m_dn_awprot, m_dn_awdomain, m_dn_awuser, m_dn_wvalid, m_dn_wdata,
            m_dn_wstrb, m_dn_wlast, m_dn_bready, m_dn_arvalid, m_dn_arid, m_dn_araddr,
            m_dn_arlen, m_dn_arsize, m_dn_arburst, m_dn_arcache, m_dn_arprot, m_dn_ardomain,
            m_dn_aruser, m_dn_rready,
            irq_eventq, irq_cmd_sync, irq_gerror, irq_pmcg};

    // Shifting by one keeps each flip-flop's input at two signals (one LUT), and every
    // bit still reaches the top DOUT_W bits, the pins.
    reg [N_OUT-1:0] sig;
    always @(posedge clk) sig <= {sig[N_OUT-2:0], 1'b0} ^ outs;
    assign dout = sig[N_OUT-1 -: DOUT_W];
endmodule
