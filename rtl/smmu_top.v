// smmu_top: the SMMUv3 top level.
//
// Ports:
//   s_reg_*  AXI4-Lite slave, the programming interface (page 0 and page 1, 128 KB window),
//            64-bit data: 32-bit accesses use half the strobes, 64-bit accesses all eight.
//   m_tbl_*  AXI4 master for the SMMU's own memory traffic: stream table, CDs, translation
//            tables, command queue reads, event queue writes, MSI writes (AXI ID 1 on the
//            write channel: one 32-bit beat, AxSIZE 2, the strobes of the word).
//   s_up_*   AXI4 slave, client (upstream) transactions. AxUSER = {substreamid[SSID_W-1:0],
//            ssv, domain[1:0], nosnoop, streamid[SID_W-1:0]}; the SubstreamID reaches the
//            event records (IDR1.SSIDSIZE = 0: an SSV = 1 transaction is C_BAD_SUBSTREAMID).
//   m_dn_*   AXI4 master towards memory (downstream): translated transactions, AxCACHE,
//            AxDOMAIN and AxUSER = final MAIR-format attribute byte.
//   irq_*    one-cycle pulses (IHI 0070 3.18.2: wired interrupts are edge-triggered);
//            with MSI they stay, next to the MSIs (3.18.2: both may be used at once).
//   canwbs   integration tie-off: the upstream master is coherent whatever No_snoop says.
module smmu_top #(
    parameter SID_W            = 16,  // StreamID bits (IDR1.SIDSIZE)
    parameter SSID_W           = 20,  // SubstreamID bits of AxUSER, 1..20 (recorded only:
                                      //   IDR1.SSIDSIZE stays 0, substreams not implemented)
    parameter PA_W             = 48,  // physical/output address bits (IDR5.OAS): 32,36,40,42,44,48
    parameter CMDQS            = 8,   // log2 of the maximum command-queue entries (IDR1.CMDQS)
    parameter EVENTQS          = 7,   // log2 of the maximum event-queue entries (IDR1.EVENTQS)
    parameter ST_LEVEL_2       = 1,   // 2-level stream tables (IDR0.ST_LEVEL)
    parameter FWB              = 1,   // stage-2 forced write-back (IDR3.FWB)
    parameter COHACC           = 1,   // coherent table/queue accesses (IDR0.COHACC)
    parameter ATTR_OVR         = 1,   // STE/GBPA attribute overrides (IDR1.ATTR_*_OVR)
    parameter GBPA_ABORT_RESET = 1,   // GBPA.ABORT after reset: 1 = abort until configured
    parameter GRAN16K          = 1,   // 16 KB translation granule (IDR5.GRAN16K)
    parameter GRAN64K          = 1,   // 64 KB translation granule (IDR5.GRAN64K)
    parameter S1P              = 1,   // stage-1 translation (IDR0.S1P)
    parameter S2P              = 1,   // stage-2 translation (IDR0.S2P); S1P = S2P = 0 is refused
    parameter HYP              = 1,   // EL2/EL2-E2H StreamWorlds, TLBI_EL2_* (IDR0.Hyp; needs both stages)
    parameter XNX              = 1,   // stage-2 XN[1:0] by privilege (IDR3.XNX; needs stage 2)
    parameter HAD              = 1,   // CD.HAD0/HAD1 (IDR3.HAD; needs stage 1)
    parameter MSI              = 1,   // message-signalled interrupts (IDR0.MSI); wired ones stay
    parameter PMCG_NCTR        = 8,   // PMCG counters (SMMU_PMCG_CFGR.NCTR + 1; 4..32)
    parameter PMCG_CTR_W       = 32,  // PMCG counter bits (CFGR.SIZE + 1: 32, 36, 40, 44, 48, 64)
    parameter ID_W             = 4,   // upstream/downstream AXI ID bits
    parameter TBL_ID_W         = 4,   // table/queue master AXI ID bits
    parameter UP_USER_W        = SID_W + 4 + SSID_W,
    parameter DN_USER_W        = 8,
    parameter TLB_ENTRIES      = 256, // TLB entries (smmu_tlb): TLB_WAYS x a power of two
    parameter TLB_WAYS         = 4,   // TLB associativity (a power of two, at least 2)
    parameter CFG_ENTRIES      = 8,   // STE cache entries (smmu_cfg)
    parameter CD_ENTRIES       = 8,   // CD cache entries (smmu_cfg)
    parameter NRD              = 64,  // client reads held at once (smmu_client_port)
    parameter NWR              = 64,  // client writes held at once
    parameter RB_AW            = 8,   // log2 of the client read data buffer (beats)
    parameter WB_AW            = 9,   // log2 of the client write data buffer (beats)
    parameter UTLB             = 8,   // client-port micro-TLB entries per direction
    parameter NWALK            = 8,   // table walks in flight (stage-1 walk units, smmu_xlate)
    parameter NS2WALK          = 6,   // stage-2 walk units, shared (NWALK + NS2WALK <= 2^TBL_ID_W - 2)
    parameter WC_S1            = 16,  // stage-1 walk-cache entries (smmu_walk_cache)
    parameter WC_S2            = 16   // stage-2 walk-cache entries, and as many stage-2 leaves
) (
    input  wire                 clk,
    input  wire                 rst_n,
    input  wire                 canwbs,

    // Registers: AXI4-Lite slave
    input  wire                 s_reg_awvalid,
    output wire                 s_reg_awready,
    input  wire [16:0]          s_reg_awaddr,
    input  wire [2:0]           s_reg_awprot,
    input  wire                 s_reg_wvalid,
    output wire                 s_reg_wready,
    input  wire [63:0]          s_reg_wdata,
    input  wire [7:0]           s_reg_wstrb,
    output wire                 s_reg_bvalid,
    input  wire                 s_reg_bready,
    output wire [1:0]           s_reg_bresp,
    input  wire                 s_reg_arvalid,
    output wire                 s_reg_arready,
    input  wire [16:0]          s_reg_araddr,
    input  wire [2:0]           s_reg_arprot,
    output wire                 s_reg_rvalid,
    input  wire                 s_reg_rready,
    output wire [63:0]          s_reg_rdata,
    output wire [1:0]           s_reg_rresp,

    // SMMU-originated traffic: AXI4 master
    output wire                 m_tbl_awvalid,
    input  wire                 m_tbl_awready,
    output wire [TBL_ID_W-1:0]  m_tbl_awid,
    output wire [PA_W-1:0]      m_tbl_awaddr,
    output wire [7:0]           m_tbl_awlen,
    output wire [2:0]           m_tbl_awsize,
    output wire [1:0]           m_tbl_awburst,
    output wire [3:0]           m_tbl_awcache,
    output wire [1:0]           m_tbl_awdomain,
    output wire [2:0]           m_tbl_awprot,
    output wire                 m_tbl_wvalid,
    input  wire                 m_tbl_wready,
    output wire [63:0]          m_tbl_wdata,
    output wire [7:0]           m_tbl_wstrb,
    output wire                 m_tbl_wlast,
    input  wire                 m_tbl_bvalid,
    output wire                 m_tbl_bready,
    input  wire [TBL_ID_W-1:0]  m_tbl_bid,
    input  wire [1:0]           m_tbl_bresp,
    output wire                 m_tbl_arvalid,
    input  wire                 m_tbl_arready,
    output wire [TBL_ID_W-1:0]  m_tbl_arid,
    output wire [PA_W-1:0]      m_tbl_araddr,
    output wire [7:0]           m_tbl_arlen,
    output wire [2:0]           m_tbl_arsize,
    output wire [1:0]           m_tbl_arburst,
    output wire [3:0]           m_tbl_arcache,
    output wire [1:0]           m_tbl_ardomain,
    output wire [2:0]           m_tbl_arprot,
    input  wire                 m_tbl_rvalid,
    output wire                 m_tbl_rready,
    input  wire [TBL_ID_W-1:0]  m_tbl_rid,
    input  wire [63:0]          m_tbl_rdata,
    input  wire [1:0]           m_tbl_rresp,
    input  wire                 m_tbl_rlast,

    // Client transactions: AXI4 slave (upstream)
    input  wire                 s_up_awvalid,
    output wire                 s_up_awready,
    input  wire [ID_W-1:0]      s_up_awid,
    input  wire [63:0]          s_up_awaddr,
    input  wire [7:0]           s_up_awlen,
    input  wire [2:0]           s_up_awsize,
    input  wire [1:0]           s_up_awburst,
    input  wire [3:0]           s_up_awcache,
    input  wire [2:0]           s_up_awprot,
    input  wire [UP_USER_W-1:0] s_up_awuser,
    input  wire                 s_up_wvalid,
    output wire                 s_up_wready,
    input  wire [63:0]          s_up_wdata,
    input  wire [7:0]           s_up_wstrb,
    input  wire                 s_up_wlast,
    output wire                 s_up_bvalid,
    input  wire                 s_up_bready,
    output wire [ID_W-1:0]      s_up_bid,
    output wire [1:0]           s_up_bresp,
    input  wire                 s_up_arvalid,
    output wire                 s_up_arready,
    input  wire [ID_W-1:0]      s_up_arid,
    input  wire [63:0]          s_up_araddr,
    input  wire [7:0]           s_up_arlen,
    input  wire [2:0]           s_up_arsize,
    input  wire [1:0]           s_up_arburst,
    input  wire [3:0]           s_up_arcache,
    input  wire [2:0]           s_up_arprot,
    input  wire [UP_USER_W-1:0] s_up_aruser,
    output wire                 s_up_rvalid,
    input  wire                 s_up_rready,
    output wire [ID_W-1:0]      s_up_rid,
    output wire [63:0]          s_up_rdata,
    output wire [1:0]           s_up_rresp,
    output wire                 s_up_rlast,

    // Translated transactions: AXI4 master (downstream)
    output wire                 m_dn_awvalid,
    input  wire                 m_dn_awready,
    output wire [ID_W-1:0]      m_dn_awid,
    output wire [PA_W-1:0]      m_dn_awaddr,
    output wire [7:0]           m_dn_awlen,
    output wire [2:0]           m_dn_awsize,
    output wire [1:0]           m_dn_awburst,
    output wire [3:0]           m_dn_awcache,
    output wire [2:0]           m_dn_awprot,
    output wire [1:0]           m_dn_awdomain,
    output wire [DN_USER_W-1:0] m_dn_awuser,
    output wire                 m_dn_wvalid,
    input  wire                 m_dn_wready,
    output wire [63:0]          m_dn_wdata,
    output wire [7:0]           m_dn_wstrb,
    output wire                 m_dn_wlast,
    input  wire                 m_dn_bvalid,
    output wire                 m_dn_bready,
    input  wire [ID_W-1:0]      m_dn_bid,
    input  wire [1:0]           m_dn_bresp,
    output wire                 m_dn_arvalid,
    input  wire                 m_dn_arready,
    output wire [ID_W-1:0]      m_dn_arid,
    output wire [PA_W-1:0]      m_dn_araddr,
    output wire [7:0]           m_dn_arlen,
    output wire [2:0]           m_dn_arsize,
    output wire [1:0]           m_dn_arburst,
    output wire [3:0]           m_dn_arcache,
    output wire [2:0]           m_dn_arprot,
    output wire [1:0]           m_dn_ardomain,
    output wire [DN_USER_W-1:0] m_dn_aruser,
    input  wire                 m_dn_rvalid,
    output wire                 m_dn_rready,
    input  wire [ID_W-1:0]      m_dn_rid,
    input  wire [63:0]          m_dn_rdata,
    input  wire [1:0]           m_dn_rresp,
    input  wire                 m_dn_rlast,

    // Interrupts: one-cycle pulses
    output wire                 irq_eventq,
    output wire                 irq_cmd_sync,
    output wire                 irq_gerror,
    output wire                 irq_pmcg       // a PMCG counter overflowed (IHI 0070 10.5.2.19)
);
    `include "smmu_regs.vh"

    // ---------------- feature parameters ----------------
    // What each feature needs (IHI 0070 6.3.1, 6.3.4): Hyp is RES0 unless both stages are
    // implemented, XNX is about stage 2, HAD about stage 1 (IDR3.HAD = 0 without stage 1).
    // The effective values drive the ID registers and the logic alike.
    localparam HYP_E = (HYP != 0) && (S1P != 0) && (S2P != 0);
    localparam XNX_E = (XNX != 0) && (S2P != 0);
    localparam HAD_E = (HAD != 0) && (S1P != 0);
    generate
        if (S1P == 0 && S2P == 0) begin : g_refuse
            // An SMMU with no translation stage is not a build this RTL makes: the
            // elaboration stops on this module, which does not exist.
            smmu_refused_build_without_a_translation_stage u_refuse ();
        end
    endgenerate

    // ---------------- register file ----------------
    wire [31:0] cr0, cr1, cr2, gbpa, irq_ctrlack, strtab_base_cfg, cmdq_prod, eventq_cons;
    wire [63:0] strtab_base, cmdq_base, eventq_base;
    wire [31:0] gerror_active;
    wire        cmdq_en_ack, eventq_en_ack, smmuen_ack, gbpa_taken;
    wire [31:0] cmdq_cons, eventq_prod;
    wire        cmdq_cons_we, eventq_prod_we;
    wire [31:0] cmdq_cons_wdata, eventq_prod_wdata;
    wire        gerr_cmdq, gerr_evtq;
    // MSI aborts (smmu_msi): 0 CMD_SYNC, 1 event queue, 2 GERROR, 3 PMCG
    wire [3:0]  msi_abt;
    wire [31:0] gerror_req = ({31'd0, gerr_cmdq} << SMMU_GERROR_CMDQ_ERR_LSB) |
                             ({31'd0, gerr_evtq} << SMMU_GERROR_EVENTQ_ABT_ERR_LSB) |
                             ({31'd0, msi_abt[0]} << SMMU_GERROR_MSI_CMDQ_ABT_ERR_LSB) |
                             ({31'd0, msi_abt[1]} << SMMU_GERROR_MSI_EVENTQ_ABT_ERR_LSB) |
                             ({31'd0, msi_abt[2]} << SMMU_GERROR_MSI_GERROR_ABT_ERR_LSB);
    wire [PA_W-1:2] gerr_msi_addr, evtq_msi_addr;
    wire [31:0]     gerr_msi_data, evtq_msi_data, irq_ctrl_reg;
    wire [5:0]      gerr_msi_attr, evtq_msi_attr;
    wire [2:0]      msi_busy;          // 0 event queue, 1 GERROR, 2 PMCG
    wire            ext_we;
    wire            ext_re;
    wire [16:3]     ext_waddr, ext_raddr;
    wire [63:0]     ext_wdata, ext_rdata;
    wire [7:0]      ext_wstrb, aidr;

    smmu_regs #(
        .SID_W(SID_W), .PA_W(PA_W), .CMDQS(CMDQS), .EVENTQS(EVENTQS),
        .ST_LEVEL_2(ST_LEVEL_2), .FWB(FWB), .COHACC(COHACC), .ATTR_OVR(ATTR_OVR),
        .GBPA_ABORT_RESET(GBPA_ABORT_RESET), .GRAN16K(GRAN16K), .GRAN64K(GRAN64K),
        .HYP(HYP_E ? 1 : 0), .XNX(XNX_E ? 1 : 0),
        .HAD(HAD_E ? 1 : 0), .S1P(S1P), .S2P(S2P), .MSI(MSI)
    ) u_regs (
        .clk(clk), .rst_n(rst_n),
        .s_reg_awvalid(s_reg_awvalid), .s_reg_awready(s_reg_awready),
        .s_reg_awaddr(s_reg_awaddr), .s_reg_awprot(s_reg_awprot),
        .s_reg_wvalid(s_reg_wvalid), .s_reg_wready(s_reg_wready),
        .s_reg_wdata(s_reg_wdata), .s_reg_wstrb(s_reg_wstrb),
        .s_reg_bvalid(s_reg_bvalid), .s_reg_bready(s_reg_bready), .s_reg_bresp(s_reg_bresp),
        .s_reg_arvalid(s_reg_arvalid), .s_reg_arready(s_reg_arready),
        .s_reg_araddr(s_reg_araddr), .s_reg_arprot(s_reg_arprot),
        .s_reg_rvalid(s_reg_rvalid), .s_reg_rready(s_reg_rready),
        .s_reg_rdata(s_reg_rdata), .s_reg_rresp(s_reg_rresp),
        .cr0(cr0), .cr1(cr1), .cr2(cr2), .gbpa(gbpa), .irq_ctrlack(irq_ctrlack),
        .strtab_base(strtab_base), .strtab_base_cfg(strtab_base_cfg),
        .cmdq_base(cmdq_base), .cmdq_prod(cmdq_prod),
        .eventq_base(eventq_base), .eventq_cons(eventq_cons),
        .gerror_active(gerror_active),
        .cmdq_en_ack(cmdq_en_ack), .eventq_en_ack(eventq_en_ack),
        .smmuen_ack(smmuen_ack), .gbpa_taken(gbpa_taken),
        .cmdq_cons(cmdq_cons), .cmdq_cons_we(cmdq_cons_we), .cmdq_cons_wdata(cmdq_cons_wdata),
        .eventq_prod(eventq_prod), .eventq_prod_we(eventq_prod_we),
        .eventq_prod_wdata(eventq_prod_wdata),
        .gerror_req(gerror_req), .irq_gerror(irq_gerror),
        .gerr_msi_addr(gerr_msi_addr), .gerr_msi_data(gerr_msi_data),
        .gerr_msi_attr(gerr_msi_attr), .evtq_msi_addr(evtq_msi_addr),
        .evtq_msi_data(evtq_msi_data), .evtq_msi_attr(evtq_msi_attr),
        .irq_ctrl_reg(irq_ctrl_reg), .msi_busy_gerr(msi_busy[1]), .msi_busy_evtq(msi_busy[0]),
        .ext_we(ext_we), .ext_waddr(ext_waddr), .ext_wdata(ext_wdata), .ext_wstrb(ext_wstrb),
        .ext_re(ext_re), .ext_raddr(ext_raddr), .ext_rdata(ext_rdata), .aidr(aidr)
    );

    // ---------------- SMMU memory master ----------------
    // Read clients: 0 command queue, 1 configuration fetch (smmu_cfg), 2.. the walk units
    // (NWALK stage-1, then NS2WALK stage-2). Write clients: 0 event queue, 1 MSIs (smmu_msi).
    localparam NWK = NWALK + NS2WALK;
    localparam NR = 2 + NWK, NW = 2;
    wire             cq_req_valid, cq_req_ready;
    wire [PA_W-1:0]  cq_req_addr;
    wire [7:0]       cq_req_len;
    wire [3:0]       cq_req_cache;
    wire [1:0]       cq_req_domain;
    wire             cf_req_valid, cf_req_ready;
    wire [PA_W-1:0]  cf_req_addr;
    wire [7:0]       cf_req_len;
    wire [3:0]       cf_req_cache;
    wire [1:0]       cf_req_domain;
    wire [NWK-1:0]         wk_req_valid, wk_req_ready;
    wire [NWK*PA_W-1:0]    wk_req_addr;
    wire [NWK*8-1:0]       wk_req_len;
    wire [NWK*4-1:0]       wk_req_cache;
    wire [NWK*2-1:0]       wk_req_domain;
    wire [NR-1:0]    rd_req_ready;
    assign cq_req_ready = rd_req_ready[0];
    assign cf_req_ready = rd_req_ready[1];
    assign wk_req_ready = rd_req_ready[NR-1:2];
    wire [NR-1:0]    rd_valid;
    wire [63:0]      rd_data;
    wire             rd_last, rd_err;
    wire             eq_aw_valid, eq_aw_ready;
    wire [PA_W-1:0]  eq_aw_addr;
    wire [7:0]       eq_aw_len;
    wire [3:0]       eq_aw_cache;
    wire [1:0]       eq_aw_domain;
    wire             eq_w_valid, eq_w_ready, eq_w_last;
    wire [63:0]      eq_w_data;
    wire             ms_aw_valid, ms_aw_ready, ms_w_valid, ms_w_ready;
    wire [PA_W-1:0]  ms_aw_addr;
    wire [3:0]       ms_aw_cache;
    wire [1:0]       ms_aw_domain;
    wire [63:0]      ms_w_data;
    wire [7:0]       ms_w_strb;
    wire [NW-1:0]    wr_bvalid;
    wire             wr_berr;

    smmu_mem_arb #(.NR(NR), .NW(NW), .PA_W(PA_W), .ID_W(TBL_ID_W)) u_arb (
        .clk(clk), .rst_n(rst_n),
        .rd_req_valid({wk_req_valid, cf_req_valid, cq_req_valid}),
        .rd_req_ready(rd_req_ready),
        .rd_req_addr({wk_req_addr, cf_req_addr, cq_req_addr}),
        .rd_req_len({wk_req_len, cf_req_len, cq_req_len}),
        .rd_req_cache({wk_req_cache, cf_req_cache, cq_req_cache}),
        .rd_req_domain({wk_req_domain, cf_req_domain, cq_req_domain}),
        .rd_valid(rd_valid), .rd_data(rd_data), .rd_last(rd_last), .rd_err(rd_err),
        .wr_req_valid({ms_aw_valid, eq_aw_valid}), .wr_req_ready({ms_aw_ready, eq_aw_ready}),
        .wr_req_addr({ms_aw_addr, eq_aw_addr}), .wr_req_len({8'd0, eq_aw_len}),
        .wr_req_cache({ms_aw_cache, eq_aw_cache}),
        .wr_req_domain({ms_aw_domain, eq_aw_domain}), .wr_req_size({3'd2, 3'd3}),
        .wr_dvalid({ms_w_valid, eq_w_valid}), .wr_dready({ms_w_ready, eq_w_ready}),
        .wr_data({ms_w_data, eq_w_data}), .wr_strb({ms_w_strb, 8'hff}),
        .wr_dlast({1'b1, eq_w_last}), .wr_bvalid(wr_bvalid), .wr_berr(wr_berr),
        .m_awvalid(m_tbl_awvalid), .m_awready(m_tbl_awready), .m_awid(m_tbl_awid),
        .m_awaddr(m_tbl_awaddr), .m_awlen(m_tbl_awlen), .m_awsize(m_tbl_awsize),
        .m_awburst(m_tbl_awburst), .m_awcache(m_tbl_awcache), .m_awdomain(m_tbl_awdomain),
        .m_awprot(m_tbl_awprot),
        .m_wvalid(m_tbl_wvalid), .m_wready(m_tbl_wready), .m_wdata(m_tbl_wdata),
        .m_wstrb(m_tbl_wstrb), .m_wlast(m_tbl_wlast),
        .m_bvalid(m_tbl_bvalid), .m_bready(m_tbl_bready), .m_bid(m_tbl_bid),
        .m_bresp(m_tbl_bresp),
        .m_arvalid(m_tbl_arvalid), .m_arready(m_tbl_arready), .m_arid(m_tbl_arid),
        .m_araddr(m_tbl_araddr), .m_arlen(m_tbl_arlen), .m_arsize(m_tbl_arsize),
        .m_arburst(m_tbl_arburst), .m_arcache(m_tbl_arcache), .m_ardomain(m_tbl_ardomain),
        .m_arprot(m_tbl_arprot),
        .m_rvalid(m_tbl_rvalid), .m_rready(m_tbl_rready), .m_rid(m_tbl_rid),
        .m_rdata(m_tbl_rdata), .m_rresp(m_tbl_rresp), .m_rlast(m_tbl_rlast)
    );

    // ---------------- command queue ----------------
    wire         inv_valid;
    wire [127:0] inv_cmd;
    wire         inv_ready, cfg_inv_ready, tlb_inv_ready;
    // One command to both caches; each may apply it more than once, so ready is the AND
    assign inv_ready = cfg_inv_ready && tlb_inv_ready;
    wire         inv_fire = inv_valid && inv_ready;
    wire         sync_valid, sync_ready;
    wire         up_quiescent, up_sync_done, evtq_idle, xl_busy, cfg_busy;
    // CMD_SYNC completes once every client transaction that was downstream when it began
    // has ended there (the client port redoes, before it goes downstream, any translation
    // an invalidation may have overtaken, so walks and fetches in flight need not end),
    // and the event queue holds no record (an aborted transaction is answered only after
    // its record was handed to the queue).
    assign sync_ready = up_sync_done && evtq_idle;

    wire             sy_msi_valid, sy_msi_ready, sy_msi_done;
    wire [PA_W-1:2]  sy_msi_addr;
    wire [31:0]      sy_msi_data;
    wire [5:0]       sy_msi_attr;

    smmu_cmdq #(
        .PA_W(PA_W), .CMDQS(CMDQS), .S1P(S1P), .S2P(S2P), .HYP(HYP_E ? 1 : 0), .MSI(MSI)
    ) u_cmdq (
        .clk(clk), .rst_n(rst_n),
        .en(cr0[SMMU_CR0_CMDQEN_LSB]), .base(cmdq_base), .prod_reg(cmdq_prod),
        .queue_ic(cr1[SMMU_CR1_QUEUE_IC_LSB +: SMMU_CR1_QUEUE_IC_W]),
        .queue_oc(cr1[SMMU_CR1_QUEUE_OC_LSB +: SMMU_CR1_QUEUE_OC_W]),
        .queue_sh(cr1[SMMU_CR1_QUEUE_SH_LSB +: SMMU_CR1_QUEUE_SH_W]),
        .err_active(gerror_active[SMMU_GERROR_CMDQ_ERR_LSB]),
        .cons_we(cmdq_cons_we), .cons_wdata(cmdq_cons_wdata),
        .en_ack(cmdq_en_ack), .cons(cmdq_cons), .gerr_req(gerr_cmdq),
        .irq_cmd_sync(irq_cmd_sync),
        .rd_req_valid(cq_req_valid), .rd_req_ready(cq_req_ready),
        .rd_req_addr(cq_req_addr), .rd_req_len(cq_req_len), .rd_req_cache(cq_req_cache),
        .rd_req_domain(cq_req_domain),
        .rd_valid(rd_valid[0]), .rd_data(rd_data), .rd_last(rd_last), .rd_err(rd_err),
        .inv_valid(inv_valid), .inv_ready(inv_ready), .inv_cmd(inv_cmd),
        .sync_valid(sync_valid), .sync_ready(sync_ready),
        .msi_valid(sy_msi_valid), .msi_ready(sy_msi_ready), .msi_addr(sy_msi_addr),
        .msi_data(sy_msi_data), .msi_attr(sy_msi_attr), .msi_done(sy_msi_done)
    );

    // ---------------- MSIs: CMD_SYNC, event queue, global errors ----------------
    // Each interrupt source's MSI is triggered by its wired pulse (which comes only once
    // what it signals is observable) and enabled by its IRQ_CTRL bit; without MSI the
    // configuration registers read 0 (ADDR = 0: no MSI) and the queue asks for none.
    wire             pm_msi_en;
    wire [PA_W-1:2]  pm_msi_addr;
    wire [31:0]      pm_msi_data;
    wire [5:0]       pm_msi_attr;
    smmu_msi #(.PA_W(PA_W), .NI(3)) u_msi (
        .clk(clk), .rst_n(rst_n),
        .sync_valid(sy_msi_valid), .sync_ready(sy_msi_ready), .sync_addr(sy_msi_addr),
        .sync_data(sy_msi_data), .sync_attr(sy_msi_attr), .sync_done(sy_msi_done),
        .irq_trig({irq_pmcg, irq_gerror, irq_eventq}),
        .irq_en({pm_msi_en, irq_ctrl_reg[SMMU_IRQ_CTRL_GERROR_IRQEN_LSB],
                 irq_ctrl_reg[SMMU_IRQ_CTRL_EVENTQ_IRQEN_LSB]}),
        .irq_addr({pm_msi_addr, gerr_msi_addr, evtq_msi_addr}),
        .irq_data({pm_msi_data, gerr_msi_data, evtq_msi_data}),
        .irq_attr({pm_msi_attr, gerr_msi_attr, evtq_msi_attr}), .irq_busy(msi_busy),
        .abt(msi_abt),
        .aw_valid(ms_aw_valid), .aw_ready(ms_aw_ready), .aw_addr(ms_aw_addr),
        .aw_cache(ms_aw_cache), .aw_domain(ms_aw_domain),
        .w_valid(ms_w_valid), .w_ready(ms_w_ready), .w_data(ms_w_data), .w_strb(ms_w_strb),
        .b_valid(wr_bvalid[1]), .b_err(wr_berr)
    );

    // ---------------- event queue, and its sources: translation, client port ----------
    // The sources hand event descriptions (smmu_evt.vh) to the arbiter; the one encoder
    // after it builds the 32-byte record (IHI 0070 7.3) the queue writes.
    `include "smmu_evt.vh"
    wire               evt_valid, evt_ready;
    wire [255:0]       evt_rec;
    wire [EVD_W-1:0]   evt_evd;
    wire               xl_evt_valid, xl_evt_ready, up_evt_valid, up_evt_ready;
    wire [EVD_W-1:0]   xl_evt_evd, up_evt_evd;

    smmu_evt_arb #(.NS(2), .W(EVD_W)) u_evt_arb (
        .clk(clk), .rst_n(rst_n),
        .src_valid({up_evt_valid, xl_evt_valid}), .src_ready({up_evt_ready, xl_evt_ready}),
        .src_evd({up_evt_evd, xl_evt_evd}),
        .evt_valid(evt_valid), .evt_ready(evt_ready), .evt_evd(evt_evd));

    smmu_evt_enc #(.PA_W(PA_W)) u_evt_enc (.desc(evt_evd), .rec(evt_rec));

    smmu_eventq #(.PA_W(PA_W), .EVENTQS(EVENTQS)) u_eventq (
        .clk(clk), .rst_n(rst_n),
        .en(cr0[SMMU_CR0_EVENTQEN_LSB]), .base(eventq_base), .cons_reg(eventq_cons),
        .queue_ic(cr1[SMMU_CR1_QUEUE_IC_LSB +: SMMU_CR1_QUEUE_IC_W]),
        .queue_oc(cr1[SMMU_CR1_QUEUE_OC_LSB +: SMMU_CR1_QUEUE_OC_W]),
        .queue_sh(cr1[SMMU_CR1_QUEUE_SH_LSB +: SMMU_CR1_QUEUE_SH_W]),
        .abt_active(gerror_active[SMMU_GERROR_EVENTQ_ABT_ERR_LSB]),
        .irq_en(irq_ctrlack[SMMU_IRQ_CTRLACK_EVENTQ_IRQEN_LSB]),
        .prod_we(eventq_prod_we), .prod_wdata(eventq_prod_wdata),
        .en_ack(eventq_en_ack), .prod(eventq_prod), .gerr_req(gerr_evtq),
        .irq_eventq(irq_eventq), .idle(evtq_idle),
        .evt_valid(evt_valid), .evt_ready(evt_ready), .evt_rec(evt_rec),
        .aw_valid(eq_aw_valid), .aw_ready(eq_aw_ready), .aw_addr(eq_aw_addr),
        .aw_len(eq_aw_len), .aw_cache(eq_aw_cache), .aw_domain(eq_aw_domain),
        .w_valid(eq_w_valid), .w_ready(eq_w_ready), .w_data(eq_w_data), .w_last(eq_w_last),
        .b_valid(wr_bvalid[0]), .b_err(wr_berr)
    );

    // ---------------- translation engine ----------------
    `include "smmu_leaf.vh"
    `include "smmu_ctx.vh"
    // The caches drop everything while translation is off (SMMUEN = 0 never reads the
    // stream table, and re-enabling must not see entries from before).
    wire flush = !smmuen_ack;

    wire             xl_req_valid, xl_req_ready, xl_req_rnw, xl_req_ssv, xl_req_nosnoop;
    wire [SSID_W-1:0] xl_req_ssid;
    wire [SID_W-1:0] xl_req_sid;
    wire [63:0]      xl_req_addr;
    wire [2:0]       xl_req_prot;
    wire [3:0]       xl_req_cache;
    wire [1:0]       xl_req_domain;
    wire             xl_rsp_valid, xl_rsp_ok;
    wire [PA_W-1:0]  xl_rsp_pa;
    wire [3:0]       xl_rsp_cache;
    wire [2:0]       xl_rsp_prot;
    wire [1:0]       xl_rsp_domain;
    wire [7:0]       xl_rsp_attr;

    wire             cf_lk_valid, cf_lk_ready, cf_lk_ssv;
    wire [SSID_W-1:0] cf_lk_ssid;
    wire [SID_W-1:0] cf_lk_sid;
    wire             cf_rsp_valid, cf_rsp_ready, cf_rsp_ok, cf_rsp_s2, cf_rsp_record;
    wire [SCTX_W-1:0]  cf_rsp_sctx, s2_req_sctx;
    wire [S1CTX_W-1:0] cf_rsp_s1ctx;
    wire [7:0]       cf_rsp_evt;
    wire [1:0]       cf_rsp_class;
    wire [63:0]      cf_rsp_addr;
    wire             s2_req_valid, s2_req_ready;
    wire [63:0]      s2_req_ipa;
    wire             s2_rsp_valid, s2_rsp_ready, s2_rsp_fault, s2_rsp_record;
    wire [7:0]       s2_rsp_evt;
    wire [63:0]      s2_rsp_addr, s2_rsp_pa;
    wire [3:0]       s2_rsp_memattr;
    wire [1:0]       s2_rsp_sh;
    wire [31:0]      cf_fetch_cnt;

    wire [1:0]       tlb_world, tlb_stages, tlb_f_world, tlb_f_stages;
    wire [15:0]      tlb_vmid, tlb_asid, tlb_f_vmid, tlb_f_asid;
    wire [43:0]      tlb_page, tlb_f_page;
    wire [1:0]       tlb_gran, tlb_f_gran;
    wire             tlb_hit, tlb_fill_valid;
    wire [LEAF_W-1:0] tlb_leaf, tlb_fill_leaf;
    wire [NWALK-1:0] xl_walks;
    wire             cf_ev_miss, xl_ev_miss, xl_lk_replay;
    wire [SID_W-1:0] cf_cur_sid, xl_ev_sid;
    wire [NWK*SID_W-1:0]   xl_wk_sid;
    wire [NWK-1:0]         xl_rd_cfg;

    smmu_cfg #(
        .SID_W(SID_W), .SSID_W(SSID_W), .PA_W(PA_W), .CFG_ENTRIES(CFG_ENTRIES),
        .CD_ENTRIES(CD_ENTRIES), .ST_LEVEL_2(ST_LEVEL_2),
        .FWB(FWB), .ATTR_OVR(ATTR_OVR), .GRAN16K(GRAN16K), .GRAN64K(GRAN64K),
        .HYP(HYP_E ? 1 : 0), .S1P(S1P), .S2P(S2P), .SCTX_BITS(SCTX_W), .S1CTX_BITS(S1CTX_W)
    ) u_cfg (
        .clk(clk), .rst_n(rst_n),
        .strtab_base(strtab_base), .strtab_base_cfg(strtab_base_cfg),
        .table_ic(cr1[SMMU_CR1_TABLE_IC_LSB +: SMMU_CR1_TABLE_IC_W]),
        .table_oc(cr1[SMMU_CR1_TABLE_OC_LSB +: SMMU_CR1_TABLE_OC_W]),
        .table_sh(cr1[SMMU_CR1_TABLE_SH_LSB +: SMMU_CR1_TABLE_SH_W]),
        .cr2_e2h(cr2[SMMU_CR2_E2H_LSB]), .cr2_recinvsid(cr2[SMMU_CR2_RECINVSID_LSB]),
        .flush(flush),
        .lk_valid(cf_lk_valid), .lk_ready(cf_lk_ready), .lk_sid(cf_lk_sid),
        .lk_ssv(cf_lk_ssv), .lk_ssid(cf_lk_ssid),
        .rsp_valid(cf_rsp_valid), .rsp_ready(cf_rsp_ready), .rsp_ok(cf_rsp_ok),
        .rsp_sctx(cf_rsp_sctx), .rsp_s1ctx(cf_rsp_s1ctx), .rsp_evt(cf_rsp_evt),
        .rsp_s2(cf_rsp_s2),
        .rsp_class(cf_rsp_class), .rsp_addr(cf_rsp_addr), .rsp_record(cf_rsp_record),
        .s2_req_valid(s2_req_valid), .s2_req_ready(s2_req_ready), .s2_req_sctx(s2_req_sctx),
        .s2_req_ipa(s2_req_ipa),
        .s2_rsp_valid(s2_rsp_valid), .s2_rsp_ready(s2_rsp_ready),
        .s2_rsp_fault(s2_rsp_fault), .s2_rsp_evt(s2_rsp_evt),
        .s2_rsp_record(s2_rsp_record), .s2_rsp_addr(s2_rsp_addr),
        .s2_rsp_pa(s2_rsp_pa[PA_W-1:0]), .s2_rsp_memattr(s2_rsp_memattr),
        .s2_rsp_sh(s2_rsp_sh),
        .rd_req_valid(cf_req_valid), .rd_req_ready(cf_req_ready),
        .rd_req_addr(cf_req_addr), .rd_req_len(cf_req_len), .rd_req_cache(cf_req_cache),
        .rd_req_domain(cf_req_domain),
        .rd_valid(rd_valid[1]), .rd_data(rd_data), .rd_last(rd_last), .rd_err(rd_err),
        .inv_valid(inv_valid), .inv_ready(cfg_inv_ready), .inv_cmd(inv_cmd),
        .busy(cfg_busy), .fetch_cnt(cf_fetch_cnt), .ev_miss(cf_ev_miss), .cur_sid(cf_cur_sid)
    );

    smmu_tlb #(.TLB_ENTRIES(TLB_ENTRIES), .TLB_WAYS(TLB_WAYS), .LEAF_BITS(LEAF_W)) u_tlb (
        .clk(clk), .rst_n(rst_n), .cr2_e2h(cr2[SMMU_CR2_E2H_LSB]), .flush(flush),
        .lk_world(tlb_world), .lk_stages(tlb_stages), .lk_vmid(tlb_vmid),
        .lk_asid(tlb_asid), .lk_page(tlb_page), .lk_gran(tlb_gran), .lk_hit(tlb_hit),
        .lk_leaf(tlb_leaf),
        .fill_valid(tlb_fill_valid), .fill_world(tlb_f_world), .fill_stages(tlb_f_stages),
        .fill_vmid(tlb_f_vmid), .fill_asid(tlb_f_asid), .fill_page(tlb_f_page),
        .fill_gran(tlb_f_gran),
        .fill_leaf(tlb_fill_leaf),
        .inv_valid(inv_valid), .inv_ready(tlb_inv_ready), .inv_cmd(inv_cmd)
    );

    // The translation unit answers by tag, in any order.
    localparam TAG_W = 1 + ((NRD > NWR) ? $clog2(NRD) : $clog2(NWR));
    wire [TAG_W-1:0] up_xl_tag, xl_rsp_tag;

    smmu_xlate #(
        .SID_W(SID_W), .SSID_W(SSID_W), .PA_W(PA_W), .FWB(FWB), .XNX(XNX_E ? 1 : 0),
        .HAD(HAD_E ? 1 : 0), .TAG_W(TAG_W), .NWALK(NWALK), .NS2WALK(NS2WALK), .WC_S1(WC_S1),
        .WC_S2(WC_S2),
        .LEAF_BITS(LEAF_W), .SCTX_BITS(SCTX_W), .S1CTX_BITS(S1CTX_W)
    ) u_xlate (
        .clk(clk), .rst_n(rst_n), .canwbs(canwbs), .flush(flush),
        .req_valid(xl_req_valid), .req_ready(xl_req_ready), .req_tag(up_xl_tag),
        .req_rnw(xl_req_rnw), .req_sid(xl_req_sid), .req_ssv(xl_req_ssv),
        .req_ssid(xl_req_ssid),
        .req_addr(xl_req_addr), .req_prot(xl_req_prot), .req_cache(xl_req_cache),
        .req_domain(xl_req_domain), .req_nosnoop(xl_req_nosnoop),
        .rsp_valid(xl_rsp_valid), .rsp_tag(xl_rsp_tag), .rsp_ok(xl_rsp_ok),
        .rsp_pa(xl_rsp_pa), .rsp_cache(xl_rsp_cache), .rsp_prot(xl_rsp_prot),
        .rsp_domain(xl_rsp_domain), .rsp_attr(xl_rsp_attr),
        .cfg_lk_valid(cf_lk_valid), .cfg_lk_ready(cf_lk_ready), .cfg_lk_sid(cf_lk_sid),
        .cfg_lk_ssv(cf_lk_ssv), .cfg_lk_ssid(cf_lk_ssid),
        .cfg_rsp_valid(cf_rsp_valid), .cfg_rsp_ready(cf_rsp_ready), .cfg_rsp_ok(cf_rsp_ok),
        .cfg_rsp_sctx(cf_rsp_sctx), .cfg_rsp_s1ctx(cf_rsp_s1ctx), .cfg_rsp_evt(cf_rsp_evt),
        .cfg_rsp_s2(cf_rsp_s2), .cfg_rsp_class(cf_rsp_class), .cfg_rsp_addr(cf_rsp_addr),
        .cfg_rsp_record(cf_rsp_record),
        .s2_req_valid(s2_req_valid), .s2_req_ready(s2_req_ready), .s2_req_sctx(s2_req_sctx),
        .s2_req_ipa(s2_req_ipa),
        .s2_rsp_valid(s2_rsp_valid), .s2_rsp_ready(s2_rsp_ready),
        .s2_rsp_fault(s2_rsp_fault), .s2_rsp_evt(s2_rsp_evt), .s2_rsp_addr(s2_rsp_addr),
        .s2_rsp_record(s2_rsp_record), .s2_rsp_pa(s2_rsp_pa),
        .s2_rsp_memattr(s2_rsp_memattr), .s2_rsp_sh(s2_rsp_sh),
        .rd_req_valid(wk_req_valid), .rd_req_ready(wk_req_ready),
        .rd_req_addr(wk_req_addr), .rd_req_len(wk_req_len), .rd_req_cache(wk_req_cache),
        .rd_req_domain(wk_req_domain),
        .rd_valid(rd_valid[NR-1:2]), .rd_data(rd_data), .rd_last(rd_last), .rd_err(rd_err),
        .tlb_world(tlb_world), .tlb_stages(tlb_stages), .tlb_vmid(tlb_vmid),
        .tlb_asid(tlb_asid), .tlb_page(tlb_page), .tlb_gran(tlb_gran), .tlb_hit(tlb_hit),
        .tlb_leaf(tlb_leaf),
        .tlb_fill_valid(tlb_fill_valid), .tlb_fill_world(tlb_f_world),
        .tlb_fill_stages(tlb_f_stages), .tlb_fill_vmid(tlb_f_vmid),
        .tlb_fill_asid(tlb_f_asid), .tlb_fill_page(tlb_f_page), .tlb_fill_gran(tlb_f_gran),
        .tlb_fill_leaf(tlb_fill_leaf),
        .inv_fire(inv_fire), .inv_cmd(inv_cmd),
        .evt_valid(xl_evt_valid), .evt_ready(xl_evt_ready), .evt_evd(xl_evt_evd),
        .busy(xl_busy), .walks(xl_walks), .ev_tlb_miss(xl_ev_miss), .ev_tlb_sid(xl_ev_sid),
        .lk_replay(xl_lk_replay), .wk_sid(xl_wk_sid), .rd_cfg(xl_rd_cfg)
    );

    // ---------------- client port ----------------
    smmu_client_port #(
        .SID_W(SID_W), .SSID_W(SSID_W), .PA_W(PA_W), .ID_W(ID_W), .UP_USER_W(UP_USER_W),
        .DN_USER_W(DN_USER_W), .GBPA_ABORT_RESET(GBPA_ABORT_RESET),
        .NRD(NRD), .NWR(NWR), .RB_AW(RB_AW), .WB_AW(WB_AW), .TAG_W(TAG_W), .UTLB(UTLB)
    ) u_port (
        .clk(clk), .rst_n(rst_n), .canwbs(canwbs),
        .cr0_smmuen(cr0[SMMU_CR0_SMMUEN_LSB]), .gbpa(gbpa),
        .smmuen_ack(smmuen_ack), .gbpa_taken(gbpa_taken), .quiescent(up_quiescent),
        .inv(inv_fire), .sync_req(sync_valid), .sync_done(up_sync_done),
        .xl_req_valid(xl_req_valid), .xl_req_ready(xl_req_ready), .xl_req_tag(up_xl_tag),
        .xl_req_rnw(xl_req_rnw), .xl_req_sid(xl_req_sid), .xl_req_ssv(xl_req_ssv),
        .xl_req_ssid(xl_req_ssid),
        .xl_req_addr(xl_req_addr), .xl_req_prot(xl_req_prot), .xl_req_cache(xl_req_cache),
        .xl_req_domain(xl_req_domain), .xl_req_nosnoop(xl_req_nosnoop),
        .xl_rsp_valid(xl_rsp_valid), .xl_rsp_tag(xl_rsp_tag), .xl_rsp_ok(xl_rsp_ok),
        .xl_rsp_pa(xl_rsp_pa), .xl_rsp_cache(xl_rsp_cache), .xl_rsp_prot(xl_rsp_prot),
        .xl_rsp_domain(xl_rsp_domain), .xl_rsp_attr(xl_rsp_attr),
        .evt_valid(up_evt_valid), .evt_ready(up_evt_ready), .evt_evd(up_evt_evd),
        .s_up_awvalid(s_up_awvalid), .s_up_awready(s_up_awready), .s_up_awid(s_up_awid),
        .s_up_awaddr(s_up_awaddr), .s_up_awlen(s_up_awlen), .s_up_awsize(s_up_awsize),
        .s_up_awburst(s_up_awburst), .s_up_awcache(s_up_awcache), .s_up_awprot(s_up_awprot),
        .s_up_awuser(s_up_awuser),
        .s_up_wvalid(s_up_wvalid), .s_up_wready(s_up_wready), .s_up_wdata(s_up_wdata),
        .s_up_wstrb(s_up_wstrb), .s_up_wlast(s_up_wlast),
        .s_up_bvalid(s_up_bvalid), .s_up_bready(s_up_bready), .s_up_bid(s_up_bid),
        .s_up_bresp(s_up_bresp),
        .s_up_arvalid(s_up_arvalid), .s_up_arready(s_up_arready), .s_up_arid(s_up_arid),
        .s_up_araddr(s_up_araddr), .s_up_arlen(s_up_arlen), .s_up_arsize(s_up_arsize),
        .s_up_arburst(s_up_arburst), .s_up_arcache(s_up_arcache), .s_up_arprot(s_up_arprot),
        .s_up_aruser(s_up_aruser),
        .s_up_rvalid(s_up_rvalid), .s_up_rready(s_up_rready), .s_up_rid(s_up_rid),
        .s_up_rdata(s_up_rdata), .s_up_rresp(s_up_rresp), .s_up_rlast(s_up_rlast),
        .m_dn_awvalid(m_dn_awvalid), .m_dn_awready(m_dn_awready), .m_dn_awid(m_dn_awid),
        .m_dn_awaddr(m_dn_awaddr), .m_dn_awlen(m_dn_awlen), .m_dn_awsize(m_dn_awsize),
        .m_dn_awburst(m_dn_awburst), .m_dn_awcache(m_dn_awcache), .m_dn_awprot(m_dn_awprot),
        .m_dn_awdomain(m_dn_awdomain), .m_dn_awuser(m_dn_awuser),
        .m_dn_wvalid(m_dn_wvalid), .m_dn_wready(m_dn_wready), .m_dn_wdata(m_dn_wdata),
        .m_dn_wstrb(m_dn_wstrb), .m_dn_wlast(m_dn_wlast),
        .m_dn_bvalid(m_dn_bvalid), .m_dn_bready(m_dn_bready), .m_dn_bid(m_dn_bid),
        .m_dn_bresp(m_dn_bresp),
        .m_dn_arvalid(m_dn_arvalid), .m_dn_arready(m_dn_arready), .m_dn_arid(m_dn_arid),
        .m_dn_araddr(m_dn_araddr), .m_dn_arlen(m_dn_arlen), .m_dn_arsize(m_dn_arsize),
        .m_dn_arburst(m_dn_arburst), .m_dn_arcache(m_dn_arcache), .m_dn_arprot(m_dn_arprot),
        .m_dn_ardomain(m_dn_ardomain), .m_dn_aruser(m_dn_aruser),
        .m_dn_rvalid(m_dn_rvalid), .m_dn_rready(m_dn_rready), .m_dn_rid(m_dn_rid),
        .m_dn_rdata(m_dn_rdata), .m_dn_rresp(m_dn_rresp), .m_dn_rlast(m_dn_rlast)
    );

    // ---------------- Performance Monitor Counter Group (IHI 0070 chapter 10) ----------
    // Event lanes: 0/1 the client port's read/write address handshakes (transactions,
    // every one, terminated ones too, with the AxUSER StreamID); 2 a TLB miss (B decides a
    // walk or to wait for one; replays are not counted again); 3 a configuration-cache miss
    // that starts a fetch (not for a replay's lookup); 4 a walk unit's read on the table
    // master (the arbiter takes one read a cycle) with the StreamID of its walk (a stage-2
    // unit serving smmu_cfg's CD address: the configuration's StreamID); 5 a
    // configuration read with the StreamID being fetched.
    // (the StreamID searched for only in a cycle with such a read: the grant depends on
    // the table master's ARREADY, a top-level input, and logic on it runs on each of the
    // simulator's evaluations)
    wire [NWK-1:0]   wk_rd     = wk_req_valid & wk_req_ready;
    wire             wk_rd_any = |wk_rd;
    reg [SID_W-1:0]  wk_rd_sid;
    integer          pi;
    always @* begin
        wk_rd_sid = {SID_W{1'b0}};
        pi        = 0;    // assigned on every path, or Yosys infers a latch for it
        if (wk_rd_any)
            for (pi = 0; pi < NWK; pi = pi + 1)
                if (wk_rd[pi])
                    wk_rd_sid = xl_rd_cfg[pi] ? cf_cur_sid : xl_wk_sid[pi*SID_W +: SID_W];
    end
    wire [5:0] pm_ev = {cf_req_valid && cf_req_ready, wk_rd_any,
                        cf_ev_miss && !xl_lk_replay, xl_ev_miss,
                        s_up_awvalid && s_up_awready, s_up_arvalid && s_up_arready};
    wire [6*SID_W-1:0] pm_sid = {cf_cur_sid, wk_rd_sid, cf_lk_sid, xl_ev_sid,
                                 s_up_awuser[SID_W-1:0], s_up_aruser[SID_W-1:0]};
    // The lanes reach the counters one cycle late, through registers: a TLB miss is known
    // only at the end of the B stage's lookup, and counting it in the same cycle put the
    // PMCG's filter, adder and overflow behind the TLB compare (the longest path of the
    // ECP5 build). Counts are unchanged; an event is counted in the cycle after it.
    reg [5:0]         pm_ev_q;
    reg [6*SID_W-1:0] pm_sid_q;
    always @(posedge clk) begin
        if (!rst_n) begin
            pm_ev_q  <= 6'd0;
            pm_sid_q <= {6*SID_W{1'b0}};
        end else begin
            pm_ev_q  <= pm_ev;
            pm_sid_q <= pm_sid;
        end
    end

    smmu_pmcg #(
        .SID_W(SID_W), .PA_W(PA_W), .NCTR(PMCG_NCTR), .CTR_W(PMCG_CTR_W), .MSI(MSI)
    ) u_pmcg (
        .clk(clk), .rst_n(rst_n),
        .reg_we(ext_we), .reg_waddr(ext_waddr), .reg_wdata(ext_wdata), .reg_wstrb(ext_wstrb),
        .reg_re(ext_re), .reg_raddr(ext_raddr), .reg_rdata(ext_rdata),
        .ev_valid(pm_ev_q), .ev_sid(pm_sid_q),
        .irq(irq_pmcg), .msi_en(pm_msi_en), .msi_addr(pm_msi_addr), .msi_data(pm_msi_data),
        .msi_attr(pm_msi_attr), .msi_busy(msi_busy[2]), .msi_abt(msi_abt[3]), .aidr(aidr)
    );

    // Test counters (walk reads, fetches) and the upper half of the stage-2 service PA
    // (the OAS bounds it) are not used here.
    /* verilator lint_off UNUSEDSIGNAL */
    wire unused_ok = &{1'b0, cr0, cr1, cr2, gerror_active, irq_ctrlack, irq_ctrl_reg,
                       s2_rsp_pa, cf_fetch_cnt, up_quiescent, xl_busy, cfg_busy, xl_walks};
    /* verilator lint_on UNUSEDSIGNAL */
endmodule
