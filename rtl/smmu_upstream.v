// smmu_upstream: the client (upstream) AXI4 port: accept, decide (SMMUEN = 0) or ask the
// translation unit (SMMUEN = 1, smmu_xlate), then abort or forward.
//
// One transaction per direction at a time: simple and obviously ordered (responses
// are in order per ID by construction). This is the port's throughput limit.
//
// Configuration is adopted only between transactions, so each transaction sees it as
// wholly old or wholly new (6.3.9): while CR0.SMMUEN differs from the effective value
// (= CR0ACK.SMMUEN) or GBPA.UPDATE = 1, no new transaction is accepted; once quiescent,
// the new SMMUEN/GBPA are adopted (gbpa_taken clears GBPA.UPDATE in the same cycle).
// drain_req (a CMD_SYNC waiting) also stops acceptance so the port drains and the
// CMD_SYNC cannot be starved by continuous traffic.
//
// Decision:
//   SMMUEN = 0, GBPA.ABORT = 1: abort.
//   SMMUEN = 0, GBPA.ABORT = 0: bypass with the GBPA overrides (smmu_bypass_attr);
//     an input address >= 2^PA_W aborts (no event: nothing is recorded with SMMUEN = 0).
//   SMMUEN = 1: the transaction {rnw, sid, ssv, address, AxPROT, AxCACHE, domain,
//     No_snoop} goes to smmu_xlate (xl_req_*); its response gives the PA and the
//     downstream attributes, or an abort. Events (C_BAD_STREAMID included) are the
//     translation unit's. The read and write directions share it, alternating when both
//     wait.
// Abort: reads get ARLEN+1 beats of SLVERR (data 0), RLAST on the last; writes: the W
// beats are consumed up to WLAST, then BRESP = SLVERR. Never a downstream access.
// Bypass: AR/AW forwarded (address truncated to PA_W, attributes from smmu_bypass_attr,
// AxUSER = the MAIR-format attribute), W passed through, R/B passed back (downstream
// error responses too). Translated: the same with the PA and smmu_xlate's attributes.
// AxUSER in: {ssv, domain[1:0], nosnoop, streamid[SID_W-1:0]}.
module smmu_upstream #(
    parameter SID_W            = 16,
    parameter PA_W             = 48,
    parameter ID_W             = 4,
    parameter UP_USER_W        = SID_W + 4,
    parameter DN_USER_W        = 8,
    parameter GBPA_ABORT_RESET = 1
) (
    input  wire                 clk,
    input  wire                 rst_n,
    input  wire                 canwbs,

    // configuration
    input  wire                 cr0_smmuen,      // CR0.SMMUEN as written
    input  wire [31:0]          gbpa,            // SMMU_GBPA as written (UPDATE at [31])
    input  wire                 drain_req,
    output reg                  smmuen_ack,      // effective SMMUEN = CR0ACK.SMMUEN
    output wire                 gbpa_taken,
    output wire                 quiescent,       // nothing in flight

    // translation (smmu_xlate), SMMUEN = 1
    output wire                 xl_req_valid,
    input  wire                 xl_req_ready,
    output wire                 xl_req_rnw,
    output wire [SID_W-1:0]     xl_req_sid,
    output wire                 xl_req_ssv,
    output wire [63:0]          xl_req_addr,
    output wire [2:0]           xl_req_prot,
    output wire [3:0]           xl_req_cache,
    output wire [1:0]           xl_req_domain,
    output wire                 xl_req_nosnoop,
    input  wire                 xl_rsp_valid,
    output wire                 xl_rsp_ready,
    input  wire                 xl_rsp_ok,
    input  wire [PA_W-1:0]      xl_rsp_pa,
    input  wire [3:0]           xl_rsp_cache,
    input  wire [2:0]           xl_rsp_prot,
    input  wire [1:0]           xl_rsp_domain,
    input  wire [7:0]           xl_rsp_attr,

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

    localparam [1:0] RESP_SLVERR = 2'b10;
    localparam [1:0] D_BYPASS = 2'd0, D_ABORT = 2'd1, D_XLATE = 2'd2;

    // ---------------- effective configuration ----------------
    localparam [31:0] GBPA_RESET =
        ((GBPA_ABORT_RESET != 0 ? 32'd1 : 32'd0) << SMMU_GBPA_ABORT_LSB) |
        (32'd1 << SMMU_GBPA_SHCFG_LSB);
    reg  [31:0] gbpa_eff;
    wire        gbpa_upd = gbpa[SMMU_GBPA_UPDATE_LSB];
    wire        cfg_hold = (cr0_smmuen != smmuen_ack) || gbpa_upd;
    wire        adopt    = cfg_hold && quiescent;
    wire        accept_ok = !cfg_hold && !drain_req;
    assign gbpa_taken = adopt && gbpa_upd;

    always @(posedge clk) begin
        if (!rst_n) begin
            smmuen_ack <= 1'b0;
            gbpa_eff   <= GBPA_RESET;
        end else if (adopt) begin
            smmuen_ack <= cr0_smmuen;
            if (gbpa_upd) gbpa_eff <= gbpa;
        end
    end

    // ---------------- decision ----------------
    function [1:0] decide(input en, input abort, input [63:0] addr);
        if (en)
            decide = D_XLATE;
        else
            decide = (abort || (addr >> PA_W) != 64'd0) ? D_ABORT : D_BYPASS;
    endfunction

    wire       g_abort = gbpa_eff[SMMU_GBPA_ABORT_LSB];
    wire [1:0] ar_dec = decide(smmuen_ack, g_abort, s_up_araddr);
    wire [1:0] aw_dec = decide(smmuen_ack, g_abort, s_up_awaddr);

    // ---------------- read direction ----------------
    localparam [2:0] R_IDLE = 3'd0, R_ABT = 3'd1, R_FWD_AR = 3'd2, R_FWD_R = 3'd3,
                     R_XL = 3'd4, R_XLW = 3'd5;
    reg [2:0]           r_state;
    reg [63:0]          r_in;         // input address as presented (translation)
    reg [ID_W-1:0]      r_id;
    reg [PA_W-1:0]      r_addr;
    reg [7:0]           r_len;
    reg [2:0]           r_size;
    reg [1:0]           r_burst;
    reg [3:0]           r_cache;
    reg [2:0]           r_prot;
    reg [UP_USER_W-1:0] r_user;
    reg [7:0]           r_cnt;

    assign s_up_arready = (r_state == R_IDLE) && accept_ok;
    wire r_acc = s_up_arvalid && s_up_arready;

    wire r_abt  = (r_state == R_ABT);
    wire r_pass = (r_state == R_FWD_R);
    assign s_up_rvalid  = r_abt ? 1'b1 : r_pass && m_dn_rvalid;
    assign s_up_rid     = r_abt ? r_id : m_dn_rid;
    assign s_up_rdata   = r_abt ? 64'd0 : m_dn_rdata;
    assign s_up_rresp   = r_abt ? RESP_SLVERR : m_dn_rresp;
    assign s_up_rlast   = r_abt ? (r_cnt == 8'd0) : m_dn_rlast;
    assign m_dn_rready  = r_pass && s_up_rready;

    assign m_dn_arvalid = (r_state == R_FWD_AR);
    assign m_dn_arid    = r_id;
    assign m_dn_araddr  = r_addr;
    assign m_dn_arlen   = r_len;
    assign m_dn_arsize  = r_size;
    assign m_dn_arburst = r_burst;

    // ---------------- write direction ----------------
    localparam [2:0] W_IDLE = 3'd0, W_ABT_W = 3'd1, W_ABT_B = 3'd2, W_FWD = 3'd3,
                     W_FWD_B = 3'd4, W_XL = 3'd5, W_XLW = 3'd6;
    reg [2:0]           w_state;
    reg [63:0]          w_in;
    reg [ID_W-1:0]      w_id;
    reg [PA_W-1:0]      w_addr;
    reg [7:0]           w_len;
    reg [2:0]           w_size;
    reg [1:0]           w_burst;
    reg [3:0]           w_cache;
    reg [2:0]           w_prot;
    reg [UP_USER_W-1:0] w_user;
    reg                 w_aw_sent;
    reg                 w_w_done;

    assign s_up_awready = (w_state == W_IDLE) && accept_ok;
    wire w_acc = s_up_awvalid && s_up_awready;

    wire w_fwd = (w_state == W_FWD);
    assign m_dn_awvalid = w_fwd && !w_aw_sent;
    assign m_dn_awid    = w_id;
    assign m_dn_awaddr  = w_addr;
    assign m_dn_awlen   = w_len;
    assign m_dn_awsize  = w_size;
    assign m_dn_awburst = w_burst;
    assign m_dn_wvalid  = w_fwd && !w_w_done && s_up_wvalid;
    assign m_dn_wdata   = s_up_wdata;
    assign m_dn_wstrb   = s_up_wstrb;
    assign m_dn_wlast   = s_up_wlast;
    assign s_up_wready  = (w_state == W_ABT_W) || (w_fwd && !w_w_done && m_dn_wready);

    wire w_babt = (w_state == W_ABT_B);
    wire w_bfwd = (w_state == W_FWD_B);
    assign s_up_bvalid = w_babt || (w_bfwd && m_dn_bvalid);
    assign s_up_bid    = w_babt ? w_id : m_dn_bid;
    assign s_up_bresp  = w_babt ? RESP_SLVERR : m_dn_bresp;
    assign m_dn_bready = w_bfwd && s_up_bready;

    // ---------------- attributes (bypass) ----------------
    wire [3:0] ar_c, aw_c;
    wire [2:0] ar_p, aw_p;
    wire [1:0] ar_d, aw_d, ar_sh, aw_sh;
    wire [7:0] ar_a, aw_a;
    smmu_bypass_attr u_attr_r (
        .is_read(1'b1), .in_cache(r_cache), .in_prot(r_prot),
        .in_domain(r_user[SID_W+2:SID_W+1]), .nosnoop(r_user[SID_W] && !canwbs),
        .mtcfg(gbpa_eff[SMMU_GBPA_MTCFG_LSB]),
        .memattr(gbpa_eff[SMMU_GBPA_MEMATTR_LSB +: SMMU_GBPA_MEMATTR_W]),
        .alloccfg(gbpa_eff[SMMU_GBPA_ALLOCCFG_LSB +: SMMU_GBPA_ALLOCCFG_W]),
        .shcfg(gbpa_eff[SMMU_GBPA_SHCFG_LSB +: SMMU_GBPA_SHCFG_W]),
        .privcfg(gbpa_eff[SMMU_GBPA_PRIVCFG_LSB +: SMMU_GBPA_PRIVCFG_W]),
        .instcfg(gbpa_eff[SMMU_GBPA_INSTCFG_LSB +: SMMU_GBPA_INSTCFG_W]),
        .out_cache(ar_c), .out_prot(ar_p), .out_domain(ar_d), .out_sh(ar_sh),
        .out_attr(ar_a));
    smmu_bypass_attr u_attr_w (
        .is_read(1'b0), .in_cache(w_cache), .in_prot(w_prot),
        .in_domain(w_user[SID_W+2:SID_W+1]), .nosnoop(w_user[SID_W] && !canwbs),
        .mtcfg(gbpa_eff[SMMU_GBPA_MTCFG_LSB]),
        .memattr(gbpa_eff[SMMU_GBPA_MEMATTR_LSB +: SMMU_GBPA_MEMATTR_W]),
        .alloccfg(gbpa_eff[SMMU_GBPA_ALLOCCFG_LSB +: SMMU_GBPA_ALLOCCFG_W]),
        .shcfg(gbpa_eff[SMMU_GBPA_SHCFG_LSB +: SMMU_GBPA_SHCFG_W]),
        .privcfg(gbpa_eff[SMMU_GBPA_PRIVCFG_LSB +: SMMU_GBPA_PRIVCFG_W]),
        .instcfg(gbpa_eff[SMMU_GBPA_INSTCFG_LSB +: SMMU_GBPA_INSTCFG_W]),
        .out_cache(aw_c), .out_prot(aw_p), .out_domain(aw_d), .out_sh(aw_sh),
        .out_attr(aw_a));

    // ---------------- translation requests ----------------
    // The translated attributes, taken with the PA from smmu_xlate's response
    reg [3:0] r_xc, w_xc;
    reg [2:0] r_xp, w_xp;
    reg [1:0] r_xd, w_xd;
    reg [7:0] r_xa, w_xa;
    reg       xl_pref_w;                // on a tie, the write side goes next
    reg       xl_own_w;                 // the translation in flight is the write's
    wire      r_xreq = (r_state == R_XL);
    wire      w_xreq = (w_state == W_XL);
    wire      xl_sel_w = w_xreq && (!r_xreq || xl_pref_w);
    assign xl_req_valid   = r_xreq || w_xreq;
    assign xl_req_rnw     = !xl_sel_w;
    assign xl_req_sid     = xl_sel_w ? w_user[SID_W-1:0] : r_user[SID_W-1:0];
    assign xl_req_nosnoop = xl_sel_w ? w_user[SID_W] : r_user[SID_W];
    assign xl_req_domain  = xl_sel_w ? w_user[SID_W+2:SID_W+1] : r_user[SID_W+2:SID_W+1];
    assign xl_req_ssv     = xl_sel_w ? w_user[SID_W+3] : r_user[SID_W+3];
    assign xl_req_addr    = xl_sel_w ? w_in : r_in;
    assign xl_req_prot    = xl_sel_w ? w_prot : r_prot;
    assign xl_req_cache   = xl_sel_w ? w_cache : r_cache;
    assign xl_rsp_ready   = 1'b1;   // the owner is always waiting in its XLW state
    wire   xl_acc         = xl_req_valid && xl_req_ready;
    wire   xl_r_done      = xl_rsp_valid && !xl_own_w;
    wire   xl_w_done      = xl_rsp_valid && xl_own_w;

    // AxUSER: the attribute byte, zero-extended or truncated to DN_USER_W. With SMMUEN = 1
    // (fixed while a transaction is in flight) the translated attributes go out.
    wire [7:0] ar_fa = smmuen_ack ? r_xa : ar_a;
    wire [7:0] aw_fa = smmuen_ack ? w_xa : aw_a;
    wire [DN_USER_W+7:0] ar_user_x = {{DN_USER_W{1'b0}}, ar_fa};
    wire [DN_USER_W+7:0] aw_user_x = {{DN_USER_W{1'b0}}, aw_fa};
    assign m_dn_arcache  = smmuen_ack ? r_xc : ar_c;
    assign m_dn_arprot   = smmuen_ack ? r_xp : ar_p;
    assign m_dn_ardomain = smmuen_ack ? r_xd : ar_d;
    assign m_dn_aruser   = ar_user_x[DN_USER_W-1:0];
    assign m_dn_awcache  = smmuen_ack ? w_xc : aw_c;
    assign m_dn_awprot   = smmuen_ack ? w_xp : aw_p;
    assign m_dn_awdomain = smmuen_ack ? w_xd : aw_d;
    assign m_dn_awuser   = aw_user_x[DN_USER_W-1:0];

    assign quiescent = (r_state == R_IDLE) && (w_state == W_IDLE);

    // ---------------- state ----------------
    always @(posedge clk) begin
        if (!rst_n) begin
            r_state   <= R_IDLE;
            r_id      <= {ID_W{1'b0}};
            r_addr    <= {PA_W{1'b0}};
            r_len     <= 8'd0;
            r_size    <= 3'd0;
            r_burst   <= 2'd0;
            r_cache   <= 4'd0;
            r_prot    <= 3'd0;
            r_user    <= {UP_USER_W{1'b0}};
            r_cnt     <= 8'd0;
            r_in      <= 64'd0;
            r_xc      <= 4'd0;
            r_xp      <= 3'd0;
            r_xd      <= 2'd0;
            r_xa      <= 8'd0;
            w_state   <= W_IDLE;
            w_id      <= {ID_W{1'b0}};
            w_addr    <= {PA_W{1'b0}};
            w_len     <= 8'd0;
            w_size    <= 3'd0;
            w_burst   <= 2'd0;
            w_cache   <= 4'd0;
            w_prot    <= 3'd0;
            w_user    <= {UP_USER_W{1'b0}};
            w_aw_sent <= 1'b0;
            w_w_done  <= 1'b0;
            w_in      <= 64'd0;
            w_xc      <= 4'd0;
            w_xp      <= 3'd0;
            w_xd      <= 2'd0;
            w_xa      <= 8'd0;
            xl_pref_w <= 1'b0;
            xl_own_w  <= 1'b0;
        end else begin
            if (xl_acc) begin
                xl_own_w  <= xl_sel_w;
                xl_pref_w <= !xl_sel_w;
            end

            // read
            case (r_state)
                R_IDLE: if (r_acc) begin
                    r_id    <= s_up_arid;
                    r_addr  <= s_up_araddr[PA_W-1:0];
                    r_len   <= s_up_arlen;
                    r_size  <= s_up_arsize;
                    r_burst <= s_up_arburst;
                    r_cache <= s_up_arcache;
                    r_prot  <= s_up_arprot;
                    r_user  <= s_up_aruser;
                    r_cnt   <= s_up_arlen;
                    r_in    <= s_up_araddr;
                    r_state <= (ar_dec == D_BYPASS) ? R_FWD_AR :
                               (ar_dec == D_XLATE)  ? R_XL : R_ABT;
                end
                R_XL: if (xl_acc && !xl_sel_w) r_state <= R_XLW;
                R_XLW: if (xl_r_done) begin
                    r_addr  <= xl_rsp_pa;
                    r_xc    <= xl_rsp_cache;
                    r_xp    <= xl_rsp_prot;
                    r_xd    <= xl_rsp_domain;
                    r_xa    <= xl_rsp_attr;
                    r_state <= xl_rsp_ok ? R_FWD_AR : R_ABT;
                end
                R_ABT: if (s_up_rready) begin
                    if (r_cnt == 8'd0) r_state <= R_IDLE;
                    r_cnt <= r_cnt - 8'd1;
                end
                R_FWD_AR: if (m_dn_arready) r_state <= R_FWD_R;
                R_FWD_R: if (m_dn_rvalid && s_up_rready && m_dn_rlast) r_state <= R_IDLE;
                default: r_state <= R_IDLE;
            endcase

            // write
            case (w_state)
                W_IDLE: if (w_acc) begin
                    w_id      <= s_up_awid;
                    w_addr    <= s_up_awaddr[PA_W-1:0];
                    w_len     <= s_up_awlen;
                    w_size    <= s_up_awsize;
                    w_burst   <= s_up_awburst;
                    w_cache   <= s_up_awcache;
                    w_prot    <= s_up_awprot;
                    w_user    <= s_up_awuser;
                    w_aw_sent <= 1'b0;
                    w_w_done  <= 1'b0;
                    w_in      <= s_up_awaddr;
                    w_state   <= (aw_dec == D_BYPASS) ? W_FWD :
                                 (aw_dec == D_XLATE)  ? W_XL : W_ABT_W;
                end
                W_XL: if (xl_acc && xl_sel_w) w_state <= W_XLW;
                W_XLW: if (xl_w_done) begin
                    w_addr  <= xl_rsp_pa;
                    w_xc    <= xl_rsp_cache;
                    w_xp    <= xl_rsp_prot;
                    w_xd    <= xl_rsp_domain;
                    w_xa    <= xl_rsp_attr;
                    w_state <= xl_rsp_ok ? W_FWD : W_ABT_W;
                end
                W_ABT_W: if (s_up_wvalid && s_up_wlast) w_state <= W_ABT_B;
                W_ABT_B: if (s_up_bready) w_state <= W_IDLE;
                W_FWD: begin
                    if (m_dn_awvalid && m_dn_awready) w_aw_sent <= 1'b1;
                    if (m_dn_wvalid && m_dn_wready && s_up_wlast) w_w_done <= 1'b1;
                    if ((w_aw_sent || m_dn_awready) &&
                        (w_w_done || (m_dn_wvalid && m_dn_wready && s_up_wlast)))
                        w_state <= W_FWD_B;
                end
                W_FWD_B: if (m_dn_bvalid && s_up_bready) w_state <= W_IDLE;
                default: w_state <= W_IDLE;
            endcase
        end
    end

    // The shareability is carried by AxDOMAIN; AxUSER bits above ssv are not defined.
    wire unused_ok = &{1'b0, s_up_araddr[63:PA_W], s_up_awaddr[63:PA_W],
                       r_user[UP_USER_W-1:SID_W+3], w_user[UP_USER_W-1:SID_W+3],
                       ar_user_x, aw_user_x, ar_sh, aw_sh};
endmodule
