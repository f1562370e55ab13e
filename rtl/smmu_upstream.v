// smmu_upstream: the client (upstream) AXI4 port and, for now, the decision for each
// transaction. Issue 3 replaces the decision (smmu_upstream's "decide" block) with the
// translation pipeline; the AXI plumbing (accept, abort responder, forward, pass back)
// stays.
//
// One transaction per direction at a time: simple and obviously ordered (responses
// are in order per ID by construction). This is the throughput limit issue 3 lifts.
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
//   SMMUEN = 1: StreamID >= 2^min(STRTAB_BASE_CFG.LOG2SIZE, SID_W): abort, and
//     C_BAD_STREAMID is recorded when CR2.RECINVSID = 1. Any other StreamID: abort, no
//     event (issue 3 translates it).
// Abort: reads get ARLEN+1 beats of SLVERR (data 0), RLAST on the last; writes: the W
// beats are consumed up to WLAST, then BRESP = SLVERR. Never a downstream access.
// Bypass: AR/AW forwarded (address truncated to PA_W, attributes from smmu_bypass_attr,
// AxUSER = the MAIR-format attribute), W passed through, R/B passed back (downstream
// error responses too). A transaction's event is handed to the event queue before the
// direction takes its next transaction; AR-side and AW-side events alternate.
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
    input  wire [5:0]           st_log2size,     // STRTAB_BASE_CFG.LOG2SIZE
    input  wire                 recinvsid,       // CR2.RECINVSID
    input  wire                 drain_req,
    output reg                  smmuen_ack,      // effective SMMUEN = CR0ACK.SMMUEN
    output wire                 gbpa_taken,
    output wire                 quiescent,       // nothing in flight, no event pending

    // events
    output wire                 evt_valid,
    input  wire                 evt_ready,
    output wire [255:0]         evt_rec,

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
    localparam [1:0] D_BYPASS = 2'd0, D_ABORT = 2'd1, D_ABORT_EVT = 2'd2;

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

    // ---------------- decision (issue 3: the translation pipeline) ----------------
    function [1:0] decide(input en, input abort, input [5:0] lg, input rec,
                          input [63:0] addr, input [SID_W-1:0] sid);
        if (!en)
            decide = (abort || (addr >> PA_W) != 64'd0) ? D_ABORT : D_BYPASS;
        else if ((sid >> lg) != {SID_W{1'b0}})
            decide = rec ? D_ABORT_EVT : D_ABORT;
        else
            decide = D_ABORT;
    endfunction

    wire       g_abort = gbpa_eff[SMMU_GBPA_ABORT_LSB];
    wire [1:0] ar_dec = decide(smmuen_ack, g_abort, st_log2size, recinvsid,
                               s_up_araddr, s_up_aruser[SID_W-1:0]);
    wire [1:0] aw_dec = decide(smmuen_ack, g_abort, st_log2size, recinvsid,
                               s_up_awaddr, s_up_awuser[SID_W-1:0]);

    // ---------------- read direction ----------------
    localparam [1:0] R_IDLE = 2'd0, R_ABT = 2'd1, R_FWD_AR = 2'd2, R_FWD_R = 2'd3;
    reg [1:0]           r_state;
    reg [ID_W-1:0]      r_id;
    reg [PA_W-1:0]      r_addr;
    reg [7:0]           r_len;
    reg [2:0]           r_size;
    reg [1:0]           r_burst;
    reg [3:0]           r_cache;
    reg [2:0]           r_prot;
    reg [UP_USER_W-1:0] r_user;
    reg [7:0]           r_cnt;
    reg                 r_evt;        // C_BAD_STREAMID to hand to the event queue

    assign s_up_arready = (r_state == R_IDLE) && !r_evt && accept_ok;
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
                     W_FWD_B = 3'd4;
    reg [2:0]           w_state;
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
    reg                 w_evt;

    assign s_up_awready = (w_state == W_IDLE) && !w_evt && accept_ok;
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
    wire [1:0] ar_d, aw_d;
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
        .out_cache(ar_c), .out_prot(ar_p), .out_domain(ar_d), .out_attr(ar_a));
    smmu_bypass_attr u_attr_w (
        .is_read(1'b0), .in_cache(w_cache), .in_prot(w_prot),
        .in_domain(w_user[SID_W+2:SID_W+1]), .nosnoop(w_user[SID_W] && !canwbs),
        .mtcfg(gbpa_eff[SMMU_GBPA_MTCFG_LSB]),
        .memattr(gbpa_eff[SMMU_GBPA_MEMATTR_LSB +: SMMU_GBPA_MEMATTR_W]),
        .alloccfg(gbpa_eff[SMMU_GBPA_ALLOCCFG_LSB +: SMMU_GBPA_ALLOCCFG_W]),
        .shcfg(gbpa_eff[SMMU_GBPA_SHCFG_LSB +: SMMU_GBPA_SHCFG_W]),
        .privcfg(gbpa_eff[SMMU_GBPA_PRIVCFG_LSB +: SMMU_GBPA_PRIVCFG_W]),
        .instcfg(gbpa_eff[SMMU_GBPA_INSTCFG_LSB +: SMMU_GBPA_INSTCFG_W]),
        .out_cache(aw_c), .out_prot(aw_p), .out_domain(aw_d), .out_attr(aw_a));

    // AxUSER: the attribute byte, zero-extended or truncated to DN_USER_W
    wire [DN_USER_W+7:0] ar_user_x = {{DN_USER_W{1'b0}}, ar_a};
    wire [DN_USER_W+7:0] aw_user_x = {{DN_USER_W{1'b0}}, aw_a};
    assign m_dn_arcache  = ar_c;
    assign m_dn_arprot   = ar_p;
    assign m_dn_ardomain = ar_d;
    assign m_dn_aruser   = ar_user_x[DN_USER_W-1:0];
    assign m_dn_awcache  = aw_c;
    assign m_dn_awprot   = aw_p;
    assign m_dn_awdomain = aw_d;
    assign m_dn_awuser   = aw_user_x[DN_USER_W-1:0];

    // ---------------- events ----------------
    reg  evt_rr;                       // 1: the write side goes first on a tie
    wire evt_sel_w = w_evt && (!r_evt || evt_rr);
    wire [SID_W-1:0] evt_sid = evt_sel_w ? w_user[SID_W-1:0] : r_user[SID_W-1:0];
    wire [31:0] evt_sid32 = {{(32-SID_W){1'b0}}, evt_sid};
    assign evt_valid = r_evt || w_evt;
    assign evt_rec   = ({248'd0, EVT_C_BAD_STREAMID} << EVT_TYPE_LSB) |
                       ({224'd0, evt_sid32} << EVT_SID_LSB);
    wire evt_fire = evt_valid && evt_ready;

    assign quiescent = (r_state == R_IDLE) && (w_state == W_IDLE) && !r_evt && !w_evt;

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
            r_evt     <= 1'b0;
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
            w_evt     <= 1'b0;
            evt_rr    <= 1'b0;
        end else begin
            if (evt_fire) begin
                if (evt_sel_w) w_evt <= 1'b0;
                else           r_evt <= 1'b0;
                evt_rr <= !evt_sel_w;
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
                    r_evt   <= (ar_dec == D_ABORT_EVT);
                    r_state <= (ar_dec == D_BYPASS) ? R_FWD_AR : R_ABT;
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
                    w_evt     <= (aw_dec == D_ABORT_EVT);
                    w_state   <= (aw_dec == D_BYPASS) ? W_FWD : W_ABT_W;
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

    wire unused_ok = &{1'b0, s_up_araddr[63:PA_W], s_up_awaddr[63:PA_W],
                       r_user[UP_USER_W-1:SID_W+3], w_user[UP_USER_W-1:SID_W+3],
                       ar_user_x, aw_user_x};
endmodule
