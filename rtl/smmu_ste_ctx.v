// smmu_ste_ctx: a fetched STE (IHI 0070 5.2) validated and decoded into the stream context
// of smmu_ctx.vh. Pure combinational: smmu_ste_decode (the validity checks and field rules,
// with its unit test) and the packing of its outputs. smmu_cfg decodes each STE once, when
// it arrives from memory, and caches the context, not the STE (SMMU_CR2.E2H may be cached
// with it: IHI 0070 6.3.12.3 lets it change only while SMMUEN = 0, which empties the
// configuration caches).
//
// Ports:
//   ste            the STE's dwords 0..3 (dword 0 in [63:0]; dwords 4..7 are unused by this
//                  subset)
//   cr2_e2h        SMMU_CR2.E2H (StreamWorld of STRW = EL2 streams)
//   ste_bad, cfg, cd_ptr   smmu_ste_decode's validity, effective Config and CD address
//   sctx           the stream context
module smmu_ste_ctx #(
    parameter PA_W       = 48,
    parameter HYP        = 1,
    parameter FWB        = 1,
    parameter ATTR_OVR   = 1,
    parameter S1P        = 1,
    parameter S2P        = 1,
    parameter GRAN16K    = 1,
    parameter GRAN64K    = 1,
    parameter SCTX_BITS  = 121   // must equal SCTX_W of smmu_ctx.vh (checked below)
) (
    input  wire [255:0]          ste,
    input  wire                  cr2_e2h,
    output wire                  ste_bad,
    output wire [2:0]            cfg,
    output wire [PA_W-1:0]       cd_ptr,
    output reg  [SCTX_BITS-1:0]  sctx
);
    `include "smmu_ctx.vh"

    generate
        if (SCTX_BITS != SCTX_W) begin : g_ctx_bits_mismatch
            // Elaboration stops here: a port width disagrees with smmu_ctx.vh
            smmu_ste_ctx_CTX_BITS_must_equal_smmu_ctx_vh u_err ();
        end
    endgenerate

    wire            d_s1_en, d_s2_en;
    wire [1:0]      d_world;
    wire [1:0]      d_s1cir, d_s1cor, d_s1csh;
    wire            d_s2fwb, d_mtcfg;
    wire [3:0]      d_memattr, d_alloccfg;
    wire [1:0]      d_shcfg, d_privcfg, d_instcfg;
    wire [15:0]     d_vmid;
    wire [5:0]      d_s2_t0sz;
    wire [6:0]      d_s2_ias;
    wire [1:0]      d_s2_sl, d_s2_tg;
    wire [4:0]      d_s2_sl_bits;
    wire [2:0]      d_s2_concat_log2;
    wire [PA_W-1:0] d_s2_ttb;
    wire [5:0]      d_s2_ps_bits;
    wire            d_s2affd, d_s2ptw, d_s2r;
    wire [1:0]      d_s2ir0, d_s2or0, d_s2sh0;

    smmu_ste_decode #(
        .PA_W(PA_W), .HYP(HYP), .FWB(FWB), .ATTR_OVR(ATTR_OVR), .S1P(S1P), .S2P(S2P),
        .GRAN16K(GRAN16K), .GRAN64K(GRAN64K)
    ) u_ste_dec (
        .ste({256'd0, ste}), .cr2_e2h(cr2_e2h),
        .ste_bad(ste_bad), .cfg(cfg), .s1_en(d_s1_en), .s2_en(d_s2_en),
        .world(d_world), .cd_ptr(cd_ptr), .s1cir(d_s1cir), .s1cor(d_s1cor),
        .s1csh(d_s1csh), .s2fwb(d_s2fwb), .mtcfg(d_mtcfg), .memattr(d_memattr),
        .alloccfg(d_alloccfg), .shcfg(d_shcfg), .privcfg(d_privcfg), .instcfg(d_instcfg),
        .vmid(d_vmid), .s2_t0sz(d_s2_t0sz), .s2_ias(d_s2_ias), .s2_tg(d_s2_tg),
        .s2_sl(d_s2_sl),
        .s2_sl_bits(d_s2_sl_bits), .s2_concat_log2(d_s2_concat_log2), .s2_ttb(d_s2_ttb),
        .s2_ps_bits(d_s2_ps_bits), .s2affd(d_s2affd), .s2ptw(d_s2ptw), .s2r(d_s2r),
        .s2ir0(d_s2ir0), .s2or0(d_s2or0), .s2sh0(d_s2sh0)
    );

    always @* begin
        sctx = {SCTX_BITS{1'b0}};
        sctx[SCTX_S1_EN_LSB]                        = d_s1_en;
        sctx[SCTX_S2_EN_LSB]                        = d_s2_en;
        sctx[SCTX_WORLD_LSB +: SCTX_WORLD_W]        = d_world;
        sctx[SCTX_VMID_LSB +: SCTX_VMID_W]          = d_vmid;
        sctx[SCTX_S2FWB_LSB]                        = d_s2fwb;
        sctx[SCTX_MTCFG_LSB]                        = d_mtcfg;
        sctx[SCTX_MEMATTR_LSB +: SCTX_MEMATTR_W]    = d_memattr;
        sctx[SCTX_ALLOCCFG_LSB +: SCTX_ALLOCCFG_W]  = d_alloccfg;
        sctx[SCTX_SHCFG_LSB +: SCTX_SHCFG_W]        = d_shcfg;
        sctx[SCTX_PRIVCFG_LSB +: SCTX_PRIVCFG_W]    = d_privcfg;
        sctx[SCTX_INSTCFG_LSB +: SCTX_INSTCFG_W]    = d_instcfg;
        sctx[SCTX_S1CIR_LSB +: SCTX_S1CIR_W]        = d_s1cir;
        sctx[SCTX_S1COR_LSB +: SCTX_S1COR_W]        = d_s1cor;
        sctx[SCTX_S1CSH_LSB +: SCTX_S1CSH_W]        = d_s1csh;
        sctx[SCTX_S2IAS_LSB +: SCTX_S2IAS_W]        = d_s2_ias;
        sctx[SCTX_S2TG_LSB +: SCTX_S2TG_W]          = d_s2_tg;
        sctx[SCTX_S2SL_LSB +: SCTX_S2SL_W]          = d_s2_sl;
        sctx[SCTX_S2SLB_LSB +: SCTX_S2SLB_W]        = d_s2_sl_bits;
        sctx[SCTX_S2TTB_LSB +: PA_W]                = d_s2_ttb;
        sctx[SCTX_S2PS_LSB +: SCTX_S2PS_W]          = d_s2_ps_bits;
        sctx[SCTX_S2AFFD_LSB]                       = d_s2affd;
        sctx[SCTX_S2PTW_LSB]                        = d_s2ptw;
        sctx[SCTX_S2R_LSB]                          = d_s2r;
        sctx[SCTX_S2IR0_LSB +: SCTX_S2IR0_W]        = d_s2ir0;
        sctx[SCTX_S2OR0_LSB +: SCTX_S2OR0_W]        = d_s2or0;
        sctx[SCTX_S2SH0_LSB +: SCTX_S2SH0_W]        = d_s2sh0;
    end

    // S2T0SZ and the concatenation count are implied by s2_ias and s2_sl_bits
    /* verilator lint_off UNUSEDSIGNAL */
    wire unused_ok = &{1'b0, d_s2_t0sz, d_s2_concat_log2};
    /* verilator lint_on UNUSEDSIGNAL */
endmodule
