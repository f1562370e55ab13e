// walker_unit_top: the unit-test bench of the walk units (tb/unit/walker_test.cpp): one
// smmu_s1_walker and one smmu_s2_walker behind smmu_s2_arb, as smmu_xlate connects them
// (requester 0 the stage-1 unit, requester 1 the stage-2 service port, s2_req_*/s2_rsp_*,
// as smmu_cfg's CD-address request). The test writes raw STEs and CDs (IHI 0070 5.2,
// 5.4); here they go through smmu_ctx_decode, the decode smmu_cfg does once in the SMMU,
// into the typed contexts. The two units' read clients share the one rd_* port and their
// walk-cache ports the one wc_* port (a walk has one read or lookup in flight at a time:
// the stage-1 unit waits while the stage-2 unit walks); the walk caches are not here: the
// bench answers every lookup (wc_lk_valid, wc_rs_valid) and the answer's hit bits; the hit
// fields read as 0, the fills go nowhere.
module walker_unit_top #(
    parameter PA_W = 48,
    parameter FWB  = 1,
    parameter XNX  = 1,
    parameter HAD  = 1,
    parameter HYP  = 1
) (
    input  wire         clk,
    input  wire         rst_n,
    input  wire         wk_valid,
    output wire         wk_ready,
    input  wire [255:0] wk_ste,
    input  wire [255:0] wk_cd,
    input  wire         wk_e2h,
    input  wire [63:0]  wk_addr,
    input  wire         wk_rnw,
    input  wire         wk_priv,
    input  wire         wk_instr,
    output wire         rsp_valid,
    input  wire         rsp_ready,
    output wire         rsp_fault,
    output wire [7:0]   rsp_evt,
    output wire         rsp_s2,
    output wire [1:0]   rsp_class,
    output wire [63:0]  rsp_addr,
    output wire         rsp_record,
    output wire         rsp_ttrnw,
    output wire [74:0]  rsp_leaf,
    output wire [4:0]   rsp_reads,
    input  wire         s2_req_valid,
    output wire         s2_req_ready,
    input  wire [255:0] s2_req_ste,
    input  wire [63:0]  s2_req_ipa,
    output wire         s2_rsp_valid,
    input  wire         s2_rsp_ready,
    output wire         s2_rsp_fault,
    output wire [7:0]   s2_rsp_evt,
    output wire [63:0]  s2_rsp_addr,
    output wire         s2_rsp_record,
    output wire [63:0]  s2_rsp_pa,
    output wire [3:0]   s2_rsp_memattr,
    output wire [1:0]   s2_rsp_sh,
    output wire [4:0]   s2_rsp_reads,
    output wire            rd_req_valid,
    input  wire            rd_req_ready,
    output wire [PA_W-1:0] rd_req_addr,
    output wire [7:0]      rd_req_len,
    output wire [3:0]      rd_req_cache,
    output wire [1:0]      rd_req_domain,
    input  wire            rd_valid,
    input  wire [63:0]     rd_data,
    input  wire            rd_last,
    input  wire            rd_err,
    output wire            wc_lk_valid,
    input  wire            wc_rs_valid,
    input  wire            wc_rs_tbl_hit,
    input  wire            wc_rs_leaf_hit,
    output wire            wc_fl_valid,
    input  wire            wc_inv,
    output wire            busy
);
    `include "smmu_regs.vh"
    `include "smmu_gran.vh"
    `include "smmu_ctx.vh"
    `include "smmu_walk.vh"

    wire [SCTX_W-1:0]  sctx, svc_sctx;
    wire [S1CTX_W-1:0] s1ctx;
    /* verilator lint_off PINCONNECTEMPTY */
    smmu_ctx_decode #(.PA_W(PA_W), .HYP(HYP), .FWB(FWB)) u_dec (
        .ste(wk_ste), .cd(wk_cd), .cr2_e2h(wk_e2h), .ste_bad(), .cfg(), .cd_ptr(),
        .cd_bad(), .sctx(sctx), .s1ctx(s1ctx));
    smmu_ctx_decode #(.PA_W(PA_W), .HYP(HYP), .FWB(FWB)) u_dec_svc (
        .ste(s2_req_ste), .cd(256'd0), .cr2_e2h(wk_e2h), .ste_bad(), .cfg(), .cd_ptr(),
        .cd_bad(), .sctx(svc_sctx), .s1ctx());
    /* verilator lint_on PINCONNECTEMPTY */

    // ---------------- the stage-2 service: requester 0 the stage-1 unit, 1 the port
    wire [1:0]         q_valid, q_ready, r_valid, r_ready;
    wire [2*S2Q_W-1:0] q_data;
    wire [S2R_W-1:0]   r_data;
    wire               sq_valid, sq_ready, sr_valid, sr_ready;
    wire [S2Q_W-1:0]   sq_data;
    wire [S2R_W-1:0]   sr_data;
    wire               s2_act, s2_own;
    smmu_s2_arb #(.NREQ(2), .NSRV(1), .QW(S2Q_W), .RW(S2R_W)) u_arb (
        .clk(clk), .rst_n(rst_n),
        .req_valid(q_valid), .req_ready(q_ready), .req(q_data),
        .rsp_valid(r_valid), .rsp_ready(r_ready), .rsp(r_data),
        .srv_req_valid(sq_valid), .srv_req_ready(sq_ready), .srv_req(sq_data),
        .srv_rsp_valid(sr_valid), .srv_rsp_ready(sr_ready), .srv_rsp(sr_data),
        .act(s2_act), .own(s2_own));
    assign q_valid[1]  = s2_req_valid;
    assign s2_req_ready = q_ready[1];
    assign q_data[S2Q_W +: S2Q_W] = {ws2_pick(svc_sctx), s2_req_ipa, EVT_CLASS_CD[1:0], 1'b1,
                                     1'b0, 1'b0, 8'd0, 2'd0};
    wire [5:0]      svc_size;
    wire [1:0]      svc_ap, svc_xn;
    assign {s2_rsp_fault, s2_rsp_evt, s2_rsp_addr, s2_rsp_record, svc_size, s2_rsp_memattr,
            s2_rsp_sh, svc_ap, svc_xn, s2_rsp_reads} = r_data;
    assign s2_rsp_pa    = s2_rsp_addr;
    assign s2_rsp_valid = r_valid[1];
    assign r_ready[1]   = s2_rsp_ready;

    // ---------------- the two units' reads and lookups on the one port each
    wire            rv1, rv2, lk1, lk2, fl1, fl2, busy1, busy2;
    wire [PA_W-1:0] ra1, ra2;
    wire [3:0]      rc1, rc2;
    wire [1:0]      rdm1, rdm2;
    wire [7:0]      rl1, rl2;
    reg             rd_by2_q;        // the read in flight is the stage-2 unit's
    always @(posedge clk)
        if (!rst_n)
            rd_by2_q <= 1'b0;
        else if (rd_req_valid && rd_req_ready)
            rd_by2_q <= !rv1;
    assign rd_req_valid  = rv1 || rv2;
    assign rd_req_addr   = rv1 ? ra1 : ra2;
    assign rd_req_len    = rv1 ? rl1 : rl2;
    assign rd_req_cache  = rv1 ? rc1 : rc2;
    assign rd_req_domain = rv1 ? rdm1 : rdm2;
    assign wc_lk_valid   = lk1 || lk2;
    assign wc_fl_valid   = fl1 || fl2;
    assign busy          = busy1 || busy2;

    // wk_load = 1: the stage-1 unit copies whatever the bench drives in every idle cycle
    // (the loosest use of its contract; the accepted request's copy is the last)
    /* verilator lint_off PINCONNECTEMPTY */
    smmu_s1_walker #(.PA_W(PA_W), .FWB(FWB), .XNX(XNX), .HAD(HAD)) u_walker (
        .clk(clk), .rst_n(rst_n),
        .wk_valid(wk_valid), .wk_ready(wk_ready), .wk_load(1'b1), .wk_sctx(sctx),
        .wk_s1ctx(s1ctx),
        .wk_addr(wk_addr), .wk_rnw(wk_rnw), .wk_priv(wk_priv), .wk_instr(wk_instr),
        .rsp_valid(rsp_valid), .rsp_ready(rsp_ready), .rsp_fault(rsp_fault),
        .rsp_evt(rsp_evt), .rsp_s2(rsp_s2), .rsp_class(rsp_class), .rsp_addr(rsp_addr),
        .rsp_record(rsp_record), .rsp_ttrnw(rsp_ttrnw), .rsp_leaf(rsp_leaf),
        .rsp_reads(rsp_reads),
        .s2q_valid(q_valid[0]), .s2q_ready(q_ready[0]), .s2q(q_data[0 +: S2Q_W]),
        .s2r_valid(r_valid[0]), .s2r_ready(r_ready[0]), .s2r(r_data),
        .rd_req_valid(rv1), .rd_req_ready(rd_req_ready && rv1), .rd_req_addr(ra1),
        .rd_req_len(rl1), .rd_req_cache(rc1), .rd_req_domain(rdm1),
        .rd_valid(rd_valid && !rd_by2_q), .rd_data(rd_data), .rd_last(rd_last),
        .rd_err(rd_err),
        .wc_lk_valid(lk1), .wc_key_world(), .wc_key_nest(), .wc_key_vmid(), .wc_key_asid(),
        .wc_key_gran(), .wc_key_half(), .wc_key_ia(),
        .wc_rs_valid(wc_rs_valid && lk1), .wc_rs_tbl_hit(wc_rs_tbl_hit), .wc_rs_lvl(2'd0),
        .wc_rs_tbl({PA_W{1'b0}}), .wc_rs_apt(2'd0), .wc_rs_pxnt(1'b0), .wc_rs_uxnt(1'b0),
        .wc_fl_valid(fl1), .wc_fl_lvl(), .wc_fl_tbl(), .wc_fl_apt(), .wc_fl_pxnt(),
        .wc_fl_uxnt(), .wc_inv(wc_inv),
        .busy(busy1));
    smmu_s2_walker #(.PA_W(PA_W), .FWB(FWB), .XNX(XNX)) u_s2_walker (
        .clk(clk), .rst_n(rst_n),
        .req_valid(sq_valid), .req_ready(sq_ready), .req(sq_data),
        .rsp_valid(sr_valid), .rsp_ready(sr_ready), .rsp(sr_data),
        .rd_req_valid(rv2), .rd_req_ready(rd_req_ready && !rv1), .rd_req_addr(ra2),
        .rd_req_len(rl2), .rd_req_cache(rc2), .rd_req_domain(rdm2),
        .rd_valid(rd_valid && rd_by2_q), .rd_data(rd_data), .rd_last(rd_last),
        .rd_err(rd_err),
        .wc_lk_valid(lk2), .wc_key_vmid(), .wc_key_gran(), .wc_key_ia(),
        .wc_rs_valid(wc_rs_valid && lk2), .wc_rs_tbl_hit(wc_rs_tbl_hit), .wc_rs_lvl(2'd0),
        .wc_rs_tbl({PA_W{1'b0}}), .wc_rs_leaf_hit(wc_rs_leaf_hit), .wc_rs_desc(64'd0),
        .wc_rs_leaf_lvl(2'd0),
        .wc_fl_valid(fl2), .wc_fl_kind(), .wc_fl_lvl(), .wc_fl_tbl(), .wc_fl_desc(),
        .wc_inv(wc_inv),
        .busy(busy2));
    /* verilator lint_on PINCONNECTEMPTY */

    /* verilator lint_off UNUSEDSIGNAL */
    wire unused_ok = &{1'b0, svc_size, svc_ap, svc_xn, s2_act, s2_own};
    /* verilator lint_on UNUSEDSIGNAL */
endmodule
