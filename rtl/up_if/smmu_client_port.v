// smmu_client_port: the client (upstream) AXI4 port. Many reads and many writes in flight,
// each decided once and sent downstream with its translation, in AXI order per ID.
//
//   read side  smmu_client_rd: slots, per-ID order, the read data buffer, abort answers
//   write side smmu_client_wr: slots, per-ID order, the write data buffer, B answers
//   here       SMMUEN / GBPA adoption, the GBPA bypass attributes, one translation
//              request port shared by both sides (tagged: {write, slot}), F_UUT records,
//              and CMD_SYNC: what it waits for on this port.
//
// Decision of each transaction at its address handshake:
//   illegal burst (smmu_burst_check)  terminated, F_UUT recorded (any SMMUEN, §7.3.2)
//   SMMUEN = 0, GBPA.ABORT = 1        terminated, nothing recorded
//   SMMUEN = 0, GBPA.ABORT = 0        bypass with the GBPA overrides (smmu_bypass_attr.vh);
//                                     an address beyond the OAS is terminated
//   SMMUEN = 1                        translated (xl_req / xl_rsp)
// Terminated: reads get ARLEN + 1 beats of SLVERR (data 0); writes take all their W
// beats and get SLVERR; nothing goes downstream.
//
// Configuration is adopted between transactions, so each one sees it wholly old or wholly
// new (IHI 0070 §6.3.9): while CR0.SMMUEN differs from the effective value (CR0ACK.SMMUEN)
// or GBPA.UPDATE = 1, nothing new is taken; once both sides are empty the new SMMUEN/GBPA
// are adopted (gbpa_taken clears GBPA.UPDATE in that cycle).
//
// CMD_SYNC (sync_req high while one waits): at its first cycle the transactions already
// downstream are noted; sync_done when they have all ended downstream. A translation that
// an invalidation overtook is redone before its transaction goes downstream (inv), and a
// transaction goes downstream only when its data and its answer's room are in the port,
// so neither a walk nor a client that stops taking data or sending it holds a CMD_SYNC.
//
// AxUSER in: {substreamid[SSID_W-1:0], ssv, domain[1:0], nosnoop, streamid[SID_W-1:0]}
// (bits missing from a narrower UP_USER_W read as 0); out: the attribute byte. The
// SubstreamID travels with the request and into event records; IDR1.SSIDSIZE = 0, so an
// SSV = 1 transaction is not translated with it (C_BAD_SUBSTREAMID, IHI 0070 7.3.9).
module smmu_client_port #(
    parameter SID_W            = 16,
    parameter SSID_W           = 20,   // SubstreamID bits carried (1..20)
    parameter PA_W             = 48,
    parameter ID_W             = 4,
    parameter UP_USER_W        = SID_W + 4 + SSID_W,
    parameter DN_USER_W        = 8,
    parameter GBPA_ABORT_RESET = 1,
    parameter NRD              = 64,   // reads held at once (a power of two)
    parameter NWR              = 64,   // writes held at once
    parameter RB_AW            = 8,    // log2 of the read data buffer (beats)
    parameter WB_AW            = 9,    // log2 of the write data buffer (beats)
    parameter TAG_W            = 7,    // 1 + log2(max(NRD, NWR))
    parameter UTLB             = 8     // micro-TLB entries per direction (0: none)
) (
    input  wire                 clk,
    input  wire                 rst_n,
    input  wire                 canwbs,

    input  wire                 cr0_smmuen,
    input  wire [31:0]          gbpa,
    output reg                  smmuen_ack,
    output wire                 gbpa_taken,
    output wire                 quiescent,      // no transaction held

    input  wire                 inv,            // an invalidation was applied
    input  wire                 sync_req,
    output wire                 sync_done,

    // translation: tag = {write, slot}
    output wire                 xl_req_valid,
    input  wire                 xl_req_ready,
    output wire [TAG_W-1:0]     xl_req_tag,
    output wire                 xl_req_rnw,
    output wire [SID_W-1:0]     xl_req_sid,
    output wire                 xl_req_ssv,
    output wire [SSID_W-1:0]    xl_req_ssid,
    output wire [63:0]          xl_req_addr,
    output wire [2:0]           xl_req_prot,
    output wire [3:0]           xl_req_cache,
    output wire [1:0]           xl_req_domain,
    output wire                 xl_req_nosnoop,
    input  wire                 xl_rsp_valid,
    input  wire [TAG_W-1:0]     xl_rsp_tag,
    input  wire                 xl_rsp_ok,
    input  wire [PA_W-1:0]      xl_rsp_pa,
    input  wire [3:0]           xl_rsp_cache,
    input  wire [2:0]           xl_rsp_prot,
    input  wire [1:0]           xl_rsp_domain,
    input  wire [7:0]           xl_rsp_attr,

    // F_UUT event records
    output wire                 evt_valid,
    input  wire                 evt_ready,
    output wire [211:0]         evt_evd,        // event description (smmu_evt.vh)

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
    input  wire                 m_dn_rlast
);
    `include "smmu_regs.vh"
    `include "smmu_evt.vh"

    // AxUSER with every field of the layout present (a wider AxUSER's extra bits unused)
    localparam UF_W = SID_W + 4 + SSID_W;
    /* verilator lint_off UNUSEDSIGNAL */
    function [UF_W-1:0] user_full(input [UP_USER_W-1:0] u);
        reg [UF_W+UP_USER_W-1:0] x;
        begin
            x         = {{UF_W{1'b0}}, u};
            user_full = x[UF_W-1:0];
        end
    endfunction
    /* verilator lint_on UNUSEDSIGNAL */

    localparam RIW = $clog2(NRD), WIW = $clog2(NWR);

    // ---------------- effective configuration ----------------
    localparam [31:0] GBPA_RESET =
        ((GBPA_ABORT_RESET != 0 ? 32'd1 : 32'd0) << SMMU_GBPA_ABORT_LSB) |
        (32'd1 << SMMU_GBPA_SHCFG_LSB);
    reg  [31:0] gbpa_eff_q;
    wire        rd_idle, wr_idle;
    wire        gbpa_upd  = gbpa[SMMU_GBPA_UPDATE_LSB];
    wire        cfg_hold  = (cr0_smmuen != smmuen_ack) || gbpa_upd;
    assign      quiescent = rd_idle && wr_idle;
    wire        adopt     = cfg_hold && quiescent;
    wire        accept_en = !cfg_hold;
    assign gbpa_taken = adopt && gbpa_upd;

    always @(posedge clk) begin
        if (!rst_n) begin
            smmuen_ack <= 1'b0;
            gbpa_eff_q <= GBPA_RESET;
        end else if (adopt) begin
            smmuen_ack <= cr0_smmuen;
            if (gbpa_upd) gbpa_eff_q <= gbpa;
        end
    end
    wire g_abort = gbpa_eff_q[SMMU_GBPA_ABORT_LSB];

    // GBPA bypass overrides of each direction's incoming transaction: the sides evaluate
    // the bypass attributes (smmu_bypass_attr.vh) in the step that accepts a bypass
    wire [14:0] byp_cfg = {gbpa_eff_q[SMMU_GBPA_MTCFG_LSB],
                           gbpa_eff_q[SMMU_GBPA_MEMATTR_LSB +: SMMU_GBPA_MEMATTR_W],
                           gbpa_eff_q[SMMU_GBPA_ALLOCCFG_LSB +: SMMU_GBPA_ALLOCCFG_W],
                           gbpa_eff_q[SMMU_GBPA_SHCFG_LSB +: SMMU_GBPA_SHCFG_W],
                           gbpa_eff_q[SMMU_GBPA_PRIVCFG_LSB +: SMMU_GBPA_PRIVCFG_W],
                           gbpa_eff_q[SMMU_GBPA_INSTCFG_LSB +: SMMU_GBPA_INSTCFG_W]};

    // ---------------- sync ----------------
    reg  sync_seen_q;                  // the snapshot of this CMD_SYNC was taken
    wire sync_snap = sync_req && !sync_seen_q;
    wire rd_pend, wr_pend;
    assign sync_done = sync_req && sync_seen_q && !rd_pend && !wr_pend;
    always @(posedge clk) begin
        if (!rst_n) sync_seen_q <= 1'b0;
        else        sync_seen_q <= sync_req && !sync_done;
    end

    // ---------------- the two sides ----------------
    wire                 rq_valid, rq_ready, wq_valid, wq_ready;
    wire [RIW-1:0]       rq_idx;
    wire [WIW-1:0]       wq_idx;
    wire [63:0]          rq_addr, wq_addr;
    wire [2:0]           rq_prot, wq_prot;
    wire [3:0]           rq_cache, wq_cache;
    wire [UP_USER_W-1:0] rq_user, wq_user;
    wire                 ru_valid, ru_ready, wu_valid, wu_ready;
    wire [63:0]          ru_addr, wu_addr;
    wire [2:0]           ru_prot, wu_prot, ru_why, wu_why;
    wire [UP_USER_W-1:0] ru_user, wu_user;
    wire                 rsp_w = xl_rsp_tag[TAG_W-1];

    smmu_client_rd #(
        .SID_W(SID_W), .PA_W(PA_W), .ID_W(ID_W), .UP_USER_W(UP_USER_W),
        .DN_USER_W(DN_USER_W), .N(NRD), .IW(RIW), .RB_AW(RB_AW), .UTLB(UTLB)
    ) u_rd (
        .clk(clk), .rst_n(rst_n),
        .accept_en(accept_en), .xlate_on(smmuen_ack), .gbpa_abort(g_abort),
        .byp_cfg(byp_cfg), .canwbs(canwbs),
        .inv(inv), .sync_snap(sync_snap), .sync_pending(rd_pend), .idle(rd_idle),
        .xq_valid(rq_valid), .xq_ready(rq_ready), .xq_idx(rq_idx), .xq_addr(rq_addr),
        .xq_prot(rq_prot), .xq_cache(rq_cache), .xq_user(rq_user),
        .xr_valid(xl_rsp_valid && !rsp_w), .xr_idx(xl_rsp_tag[RIW-1:0]), .xr_ok(xl_rsp_ok),
        .xr_pa(xl_rsp_pa), .xr_cache(xl_rsp_cache), .xr_prot(xl_rsp_prot),
        .xr_domain(xl_rsp_domain), .xr_attr(xl_rsp_attr),
        .uut_valid(ru_valid), .uut_ready(ru_ready), .uut_addr(ru_addr), .uut_prot(ru_prot),
        .uut_user(ru_user), .uut_reason(ru_why),
        .s_up_arvalid(s_up_arvalid), .s_up_arready(s_up_arready), .s_up_arid(s_up_arid),
        .s_up_araddr(s_up_araddr), .s_up_arlen(s_up_arlen), .s_up_arsize(s_up_arsize),
        .s_up_arburst(s_up_arburst), .s_up_arcache(s_up_arcache), .s_up_arprot(s_up_arprot),
        .s_up_aruser(s_up_aruser),
        .s_up_rvalid(s_up_rvalid), .s_up_rready(s_up_rready), .s_up_rid(s_up_rid),
        .s_up_rdata(s_up_rdata), .s_up_rresp(s_up_rresp), .s_up_rlast(s_up_rlast),
        .m_dn_arvalid(m_dn_arvalid), .m_dn_arready(m_dn_arready), .m_dn_arid(m_dn_arid),
        .m_dn_araddr(m_dn_araddr), .m_dn_arlen(m_dn_arlen), .m_dn_arsize(m_dn_arsize),
        .m_dn_arburst(m_dn_arburst), .m_dn_arcache(m_dn_arcache), .m_dn_arprot(m_dn_arprot),
        .m_dn_ardomain(m_dn_ardomain), .m_dn_aruser(m_dn_aruser),
        .m_dn_rvalid(m_dn_rvalid), .m_dn_rready(m_dn_rready), .m_dn_rid(m_dn_rid),
        .m_dn_rdata(m_dn_rdata), .m_dn_rresp(m_dn_rresp), .m_dn_rlast(m_dn_rlast));

    smmu_client_wr #(
        .SID_W(SID_W), .PA_W(PA_W), .ID_W(ID_W), .UP_USER_W(UP_USER_W),
        .DN_USER_W(DN_USER_W), .N(NWR), .IW(WIW), .WB_AW(WB_AW), .UTLB(UTLB)
    ) u_wr (
        .clk(clk), .rst_n(rst_n),
        .accept_en(accept_en), .xlate_on(smmuen_ack), .gbpa_abort(g_abort),
        .byp_cfg(byp_cfg), .canwbs(canwbs),
        .inv(inv), .sync_snap(sync_snap), .sync_pending(wr_pend), .idle(wr_idle),
        .xq_valid(wq_valid), .xq_ready(wq_ready), .xq_idx(wq_idx), .xq_addr(wq_addr),
        .xq_prot(wq_prot), .xq_cache(wq_cache), .xq_user(wq_user),
        .xr_valid(xl_rsp_valid && rsp_w), .xr_idx(xl_rsp_tag[WIW-1:0]), .xr_ok(xl_rsp_ok),
        .xr_pa(xl_rsp_pa), .xr_cache(xl_rsp_cache), .xr_prot(xl_rsp_prot),
        .xr_domain(xl_rsp_domain), .xr_attr(xl_rsp_attr),
        .uut_valid(wu_valid), .uut_ready(wu_ready), .uut_addr(wu_addr), .uut_prot(wu_prot),
        .uut_user(wu_user), .uut_reason(wu_why),
        .s_up_awvalid(s_up_awvalid), .s_up_awready(s_up_awready), .s_up_awid(s_up_awid),
        .s_up_awaddr(s_up_awaddr), .s_up_awlen(s_up_awlen), .s_up_awsize(s_up_awsize),
        .s_up_awburst(s_up_awburst), .s_up_awcache(s_up_awcache), .s_up_awprot(s_up_awprot),
        .s_up_awuser(s_up_awuser),
        .s_up_wvalid(s_up_wvalid), .s_up_wready(s_up_wready), .s_up_wdata(s_up_wdata),
        .s_up_wstrb(s_up_wstrb), .s_up_wlast(s_up_wlast),
        .s_up_bvalid(s_up_bvalid), .s_up_bready(s_up_bready), .s_up_bid(s_up_bid),
        .s_up_bresp(s_up_bresp),
        .m_dn_awvalid(m_dn_awvalid), .m_dn_awready(m_dn_awready), .m_dn_awid(m_dn_awid),
        .m_dn_awaddr(m_dn_awaddr), .m_dn_awlen(m_dn_awlen), .m_dn_awsize(m_dn_awsize),
        .m_dn_awburst(m_dn_awburst), .m_dn_awcache(m_dn_awcache), .m_dn_awprot(m_dn_awprot),
        .m_dn_awdomain(m_dn_awdomain), .m_dn_awuser(m_dn_awuser),
        .m_dn_wvalid(m_dn_wvalid), .m_dn_wready(m_dn_wready), .m_dn_wdata(m_dn_wdata),
        .m_dn_wstrb(m_dn_wstrb), .m_dn_wlast(m_dn_wlast),
        .m_dn_bvalid(m_dn_bvalid), .m_dn_bready(m_dn_bready), .m_dn_bid(m_dn_bid),
        .m_dn_bresp(m_dn_bresp));

    // ---------------- translation requests: reads and writes take turns ----------------
    // The chosen request leaves from a register (the smmu_xlate side's configuration
    // lookup then starts at a register, not behind the slot pick and the slot tables'
    // reads). It is taken when the register is empty or goes in the same cycle, so one
    // request per cycle still passes. A slot is busy from the cycle it enters the
    // register: an invalidation while it waits there marks it stale like any other
    // translation in flight (smmu_client_rd / smmu_client_wr), so it is asked again.
    reg  pref_w_q;
    wire sel_w  = wq_valid && (!rq_valid || pref_w_q);
    wire q_go   = rq_valid || wq_valid;
    reg  xq_v_q;
    wire q_take = !xq_v_q || xl_req_ready;      // the register is free this cycle
    assign rq_ready = q_take && !sel_w;
    assign wq_ready = q_take && sel_w;
    wire [TAG_W-2:0] rq_tag = {{(TAG_W - 1 - RIW){1'b0}}, rq_idx};
    wire [TAG_W-2:0] wq_tag = {{(TAG_W - 1 - WIW){1'b0}}, wq_idx};
    reg  [TAG_W-1:0] xq_tag_q;
    reg  [63:0]      xq_addr_q;
    reg  [2:0]       xq_prot_q;
    reg  [3:0]       xq_cache_q;
    reg  [UF_W-1:0]  xq_user_q;
    always @(posedge clk) begin
        if (!rst_n) begin
            pref_w_q <= 1'b0;
            xq_v_q   <= 1'b0;
        end else begin
            if (q_take)
                xq_v_q <= q_go;
            if (q_go && q_take)
                pref_w_q <= !sel_w;
        end
        // the payload only with a request (no reset needed: read only while xq_v_q)
        if (q_go && q_take) begin
            xq_tag_q   <= sel_w ? {1'b1, wq_tag} : {1'b0, rq_tag};
            xq_addr_q  <= sel_w ? wq_addr : rq_addr;
            xq_prot_q  <= sel_w ? wq_prot : rq_prot;
            xq_cache_q <= sel_w ? wq_cache : rq_cache;
            xq_user_q  <= user_full(sel_w ? wq_user : rq_user);
        end
    end
    assign xl_req_valid   = xq_v_q;
    assign xl_req_tag     = xq_tag_q;
    assign xl_req_rnw     = !xq_tag_q[TAG_W-1];
    assign xl_req_addr    = xq_addr_q;
    assign xl_req_prot    = xq_prot_q;
    assign xl_req_cache   = xq_cache_q;
    assign xl_req_sid     = xq_user_q[SID_W-1:0];
    assign xl_req_nosnoop = xq_user_q[SID_W];
    assign xl_req_domain  = xq_user_q[SID_W+2:SID_W+1];
    assign xl_req_ssv     = xq_user_q[SID_W+3];
    assign xl_req_ssid    = xq_user_q[SID_W+4 +: SSID_W];

    // ---------------- F_UUT records (§7.3.2): incoming PnU and InD ----------------
    wire                 u_w    = wu_valid && !ru_valid;
    wire [63:0]          u_addr = u_w ? wu_addr : ru_addr;
    wire [2:0]           u_prot = u_w ? wu_prot : ru_prot;
    wire [2:0]           u_why  = u_w ? wu_why : ru_why;
    wire [UF_W-1:0]      u_user = user_full(u_w ? wu_user : ru_user);
    wire [SSID_W+19:0]   u_ssid = {20'd0, u_user[SID_W+4 +: SSID_W]};
    // Reason (IMPLEMENTATION DEFINED): smmu_burst_check's code of the violated rule
    // (the record only while one is offered: the event arbiter looks at a source's record
    // only with its valid, and the simulator then skips the packing in the other cycles)
    assign evt_valid = ru_valid || wu_valid;
    reg [EVD_W-1:0] u_evd;
    always @* begin
        u_evd = {EVD_W{1'b0}};
        if (evt_valid)
            u_evd = evd_pack(EVT_F_UUT, u_user[SID_W+3], u_ssid[19:0],
                             {{(32 - SID_W){1'b0}}, u_user[SID_W-1:0]}, u_prot[0],
                             !u_w && u_prot[2], !u_w, 1'b0, 2'd0, 1'b0, {13'd0, u_why},
                             u_addr, 64'd0);
    end
    assign evt_evd = u_evd;
    assign ru_ready  = evt_ready && !u_w;
    assign wu_ready  = evt_ready && u_w;

    // AxUSER bits above the SubstreamID are not defined; the bypass shareability is
    // carried by AxDOMAIN.
    wire unused_ok = &{1'b0, s_up_aruser, s_up_awuser, u_prot[1], u_ssid};
endmodule
