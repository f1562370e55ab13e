// cfg_unit_top: the unit-test bench of smmu_cfg (tb/unit/cfg_test.cpp): smmu_cfg with its
// ports as they are, and beside it smmu_ctx_decode on an expected STE and CD (exp_ste,
// exp_cd) so the test compares the typed contexts smmu_cfg answers with (rsp_sctx,
// rsp_s1ctx) against the decode of the structures it wrote, the layout defined once
// (rtl/smmu_ctx.vh).
module cfg_unit_top #(
    parameter SID_W = 16,
    parameter PA_W  = 48,
    parameter SCTX_BITS  = 121,  // SCTX_W / S1CTX_W of smmu_ctx.vh (smmu_cfg checks them)
    parameter S1CTX_BITS = 232
) (
    input  wire [255:0]            exp_ste,
    input  wire [255:0]            exp_cd,
    output wire [SCTX_BITS-1:0]    exp_sctx,
    output wire [S1CTX_BITS-1:0]   exp_s1ctx,
    input  wire clk,
    input  wire rst_n,
    input  wire [63:0]             strtab_base,
    input  wire [31:0]             strtab_base_cfg,
    input  wire [1:0]              table_ic,
    input  wire [1:0]              table_oc,
    input  wire [1:0]              table_sh,
    input  wire cr2_e2h,
    input  wire cr2_recinvsid,
    input  wire flush,
    input  wire lk_valid,
    output wire lk_ready,
    input  wire [SID_W-1:0]        lk_sid,
    input  wire lk_ssv,
    output wire rsp_valid,
    input  wire rsp_ready,
    output wire rsp_ok,
    output wire [SCTX_BITS-1:0]    rsp_sctx,
    output wire [S1CTX_BITS-1:0]   rsp_s1ctx,
    output wire [7:0]              rsp_evt,
    output wire rsp_s2,
    output wire [1:0]              rsp_class,
    output wire [63:0]             rsp_addr,
    output wire rsp_record,
    output wire s2_req_valid,
    input  wire s2_req_ready,
    output wire [SCTX_BITS-1:0]    s2_req_sctx,
    output wire [63:0]             s2_req_ipa,
    input  wire s2_rsp_valid,
    output wire s2_rsp_ready,
    input  wire s2_rsp_fault,
    input  wire [7:0]              s2_rsp_evt,
    input  wire s2_rsp_record,
    input  wire [63:0]             s2_rsp_addr,
    input  wire [PA_W-1:0]         s2_rsp_pa,
    input  wire [3:0]              s2_rsp_memattr,
    input  wire [1:0]              s2_rsp_sh,
    output wire rd_req_valid,
    input  wire rd_req_ready,
    output wire [PA_W-1:0]         rd_req_addr,
    output wire [7:0]              rd_req_len,
    output wire [3:0]              rd_req_cache,
    output wire [1:0]              rd_req_domain,
    input  wire rd_valid,
    input  wire [63:0]             rd_data,
    input  wire rd_last,
    input  wire rd_err,
    input  wire inv_valid,
    output wire inv_ready,
    input  wire [127:0]            inv_cmd,
    output wire busy,
    output wire [31:0]             fetch_cnt,
    output wire ev_miss,
    output wire [SID_W-1:0]        cur_sid
);
    /* verilator lint_off PINCONNECTEMPTY */
    smmu_ctx_decode #(.PA_W(PA_W), .SCTX_BITS(SCTX_BITS), .S1CTX_BITS(S1CTX_BITS))
    u_exp (
        .ste(exp_ste), .cd(exp_cd), .cr2_e2h(cr2_e2h), .ste_bad(), .cfg(), .cd_ptr(),
        .cd_bad(), .sctx(exp_sctx), .s1ctx(exp_s1ctx));
    /* verilator lint_on PINCONNECTEMPTY */

    smmu_cfg #(.SID_W(SID_W), .PA_W(PA_W), .SCTX_BITS(SCTX_BITS),
               .S1CTX_BITS(S1CTX_BITS)) u_cfg (
        .clk(clk), .rst_n(rst_n), .strtab_base(strtab_base),
        .strtab_base_cfg(strtab_base_cfg), .table_ic(table_ic), .table_oc(table_oc),
        .table_sh(table_sh), .cr2_e2h(cr2_e2h), .cr2_recinvsid(cr2_recinvsid),
        .flush(flush), .lk_valid(lk_valid), .lk_ready(lk_ready), .lk_sid(lk_sid),
        .lk_ssv(lk_ssv), .rsp_valid(rsp_valid), .rsp_ready(rsp_ready), .rsp_ok(rsp_ok),
        .rsp_sctx(rsp_sctx), .rsp_s1ctx(rsp_s1ctx), .rsp_evt(rsp_evt), .rsp_s2(rsp_s2),
        .rsp_class(rsp_class), .rsp_addr(rsp_addr), .rsp_record(rsp_record),
        .s2_req_valid(s2_req_valid), .s2_req_ready(s2_req_ready),
        .s2_req_sctx(s2_req_sctx), .s2_req_ipa(s2_req_ipa), .s2_rsp_valid(s2_rsp_valid),
        .s2_rsp_ready(s2_rsp_ready), .s2_rsp_fault(s2_rsp_fault), .s2_rsp_evt(s2_rsp_evt),
        .s2_rsp_record(s2_rsp_record), .s2_rsp_addr(s2_rsp_addr), .s2_rsp_pa(s2_rsp_pa),
        .s2_rsp_memattr(s2_rsp_memattr), .s2_rsp_sh(s2_rsp_sh),
        .rd_req_valid(rd_req_valid), .rd_req_ready(rd_req_ready),
        .rd_req_addr(rd_req_addr), .rd_req_len(rd_req_len), .rd_req_cache(rd_req_cache),
        .rd_req_domain(rd_req_domain), .rd_valid(rd_valid), .rd_data(rd_data),
        .rd_last(rd_last), .rd_err(rd_err), .inv_valid(inv_valid), .inv_ready(inv_ready),
        .inv_cmd(inv_cmd), .busy(busy), .fetch_cnt(fetch_cnt), .ev_miss(ev_miss),
        .cur_sid(cur_sid)
    );
endmodule
