// walker_unit_top: the unit-test bench of smmu_walker (tb/unit/walker_test.cpp). The test
// writes raw STEs and CDs (IHI 0070 5.2, 5.4); here they go through smmu_ctx_decode, the
// decode smmu_cfg does once in the SMMU, into the typed contexts the walker takes. The
// walk caches are not here: the bench answers every lookup (wc_lk_valid, wc_rs_valid) and
// the answer's hit bits; the hit fields read as 0, the fills go nowhere. Every other port
// is the walker's.
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
    `include "smmu_ctx.vh"

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

    /* verilator lint_off PINCONNECTEMPTY */
    smmu_walker #(.PA_W(PA_W), .FWB(FWB), .XNX(XNX), .HAD(HAD)) u_walker (
        .clk(clk), .rst_n(rst_n),
        .wk_valid(wk_valid), .wk_ready(wk_ready), .wk_sctx(sctx), .wk_s1ctx(s1ctx),
        .wk_addr(wk_addr), .wk_rnw(wk_rnw), .wk_priv(wk_priv), .wk_instr(wk_instr),
        .rsp_valid(rsp_valid), .rsp_ready(rsp_ready), .rsp_fault(rsp_fault),
        .rsp_evt(rsp_evt), .rsp_s2(rsp_s2), .rsp_class(rsp_class), .rsp_addr(rsp_addr),
        .rsp_record(rsp_record), .rsp_ttrnw(rsp_ttrnw), .rsp_leaf(rsp_leaf),
        .rsp_reads(rsp_reads),
        .s2_req_valid(s2_req_valid), .s2_req_ready(s2_req_ready),
        .s2_req_sctx(svc_sctx), .s2_req_ipa(s2_req_ipa),
        .s2_rsp_valid(s2_rsp_valid), .s2_rsp_ready(s2_rsp_ready),
        .s2_rsp_fault(s2_rsp_fault), .s2_rsp_evt(s2_rsp_evt), .s2_rsp_addr(s2_rsp_addr),
        .s2_rsp_record(s2_rsp_record), .s2_rsp_pa(s2_rsp_pa),
        .s2_rsp_memattr(s2_rsp_memattr), .s2_rsp_sh(s2_rsp_sh),
        .s2_rsp_reads(s2_rsp_reads),
        .rd_req_valid(rd_req_valid), .rd_req_ready(rd_req_ready), .rd_req_addr(rd_req_addr),
        .rd_req_len(rd_req_len), .rd_req_cache(rd_req_cache), .rd_req_domain(rd_req_domain),
        .rd_valid(rd_valid), .rd_data(rd_data), .rd_last(rd_last), .rd_err(rd_err),
        .wc_lk_valid(wc_lk_valid), .wc_lk_s2(), .wc_key_world(), .wc_key_nest(),
        .wc_key_vmid(), .wc_key_asid(), .wc_key_gran(), .wc_key_half(), .wc_key_ia(),
        .wc_rs_valid(wc_rs_valid), .wc_rs_tbl_hit(wc_rs_tbl_hit), .wc_rs_lvl(2'd0),
        .wc_rs_tbl({PA_W{1'b0}}), .wc_rs_apt(2'd0), .wc_rs_pxnt(1'b0), .wc_rs_uxnt(1'b0),
        .wc_rs_leaf_hit(wc_rs_leaf_hit), .wc_rs_desc(64'd0), .wc_rs_leaf_lvl(2'd0),
        .wc_fl_valid(wc_fl_valid), .wc_fl_kind(), .wc_fl_lvl(), .wc_fl_tbl(), .wc_fl_apt(),
        .wc_fl_pxnt(), .wc_fl_uxnt(), .wc_fl_desc(), .wc_inv(wc_inv),
        .busy(busy));
    /* verilator lint_on PINCONNECTEMPTY */
endmodule
