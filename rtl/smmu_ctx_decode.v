// smmu_ctx_decode: a validated STE (IHI 0070 5.2) and CD (5.4) decoded into the typed
// contexts of smmu_ctx.vh. Pure combinational: smmu_ste_decode and smmu_cd_decode (the
// validity checks and the field rules, each with its unit test) and the packing of their
// outputs. smmu_cfg instantiates it once, on the configuration-cache entry it answers
// from; everything downstream (smmu_xlate, its walkers) reads the contexts and decodes
// nothing again.
//
// Ports:
//   ste, cd        the STE's and CD's dwords 0..3 (dword 0 in [63:0]; dwords 4..7 are
//                  unused by this subset)
//   cr2_e2h        SMMU_CR2.E2H (StreamWorld of STRW = EL2 streams)
//   ste_bad, cfg, cd_ptr   smmu_ste_decode's validity, effective Config and CD address
//   cd_bad         smmu_cd_decode's validity (for the STE's StreamWorld)
//   sctx, s1ctx    the stream and stage-1 contexts
module smmu_ctx_decode #(
    parameter PA_W       = 48,
    parameter HYP        = 1,
    parameter FWB        = 1,
    parameter ATTR_OVR   = 1,
    parameter S1P        = 1,
    parameter S2P        = 1,
    parameter GRAN16K    = 1,
    parameter GRAN64K    = 1,
    parameter SCTX_BITS  = 121,  // must equal SCTX_W of smmu_ctx.vh (checked below)
    parameter S1CTX_BITS = 232   // must equal S1CTX_W of smmu_ctx.vh
) (
    input  wire [255:0]          ste,
    input  wire [255:0]          cd,
    input  wire                  cr2_e2h,
    output wire                  ste_bad,
    output wire [2:0]            cfg,
    output wire [PA_W-1:0]       cd_ptr,
    output wire                  cd_bad,
    output reg  [SCTX_BITS-1:0]  sctx,
    output reg  [S1CTX_BITS-1:0] s1ctx
);
    `include "smmu_ctx.vh"

    generate
        if (SCTX_BITS != SCTX_W || S1CTX_BITS != S1CTX_W) begin : g_ctx_bits_mismatch
            smmu_ctx_decode_CTX_BITS_must_equal_smmu_ctx_vh u_err ();
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

    wire            c_t0_en, c_t1_en, c_tbi0, c_tbi1, c_had0, c_had1;
    wire [5:0]      c_t0_sz, c_t1_sz, c_ips_bits;
    wire [1:0]      c_t0_sl, c_t1_sl, c_ir0, c_or0, c_sh0, c_ir1, c_or1, c_sh1;
    wire [1:0]      c_t0_tg, c_t1_tg;
    wire [3:0]      c_t0_sl_bits, c_t1_sl_bits;
    wire [PA_W-1:0] c_ttb0, c_ttb1;
    wire            c_affd, c_wxn, c_pan, c_r;
    wire [15:0]     c_asid;
    wire [63:0]     c_mair;

    smmu_cd_decode #(.PA_W(PA_W), .GRAN16K(GRAN16K), .GRAN64K(GRAN64K)) u_cd_dec (
        .cd({256'd0, cd}), .world(d_world),
        .cd_bad(cd_bad), .t0_en(c_t0_en), .t1_en(c_t1_en), .t0_sz(c_t0_sz),
        .t1_sz(c_t1_sz), .t0_tg(c_t0_tg), .t1_tg(c_t1_tg), .t0_sl(c_t0_sl), .t1_sl(c_t1_sl),
        .t0_sl_bits(c_t0_sl_bits),
        .t1_sl_bits(c_t1_sl_bits), .ttb0(c_ttb0), .ttb1(c_ttb1), .ir0(c_ir0), .or0(c_or0),
        .sh0(c_sh0), .ir1(c_ir1), .or1(c_or1), .sh1(c_sh1), .tbi0(c_tbi0), .tbi1(c_tbi1),
        .had0(c_had0), .had1(c_had1), .ips_bits(c_ips_bits), .affd(c_affd), .wxn(c_wxn),
        .pan(c_pan), .r(c_r), .asid(c_asid), .mair(c_mair)
    );

    // ---------------- the typed contexts (smmu_ctx.vh)
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

        s1ctx = {S1CTX_BITS{1'b0}};
        s1ctx[S1CTX_ASID_LSB +: S1CTX_ASID_W]       = c_asid;
        s1ctx[S1CTX_T0_EN_LSB]                      = c_t0_en;
        s1ctx[S1CTX_T1_EN_LSB]                      = c_t1_en;
        s1ctx[S1CTX_T0SZ_LSB +: S1CTX_T0SZ_W]       = c_t0_sz;
        s1ctx[S1CTX_T1SZ_LSB +: S1CTX_T1SZ_W]       = c_t1_sz;
        s1ctx[S1CTX_T0TG_LSB +: S1CTX_T0TG_W]       = c_t0_tg;
        s1ctx[S1CTX_T1TG_LSB +: S1CTX_T1TG_W]       = c_t1_tg;
        s1ctx[S1CTX_T0SL_LSB +: S1CTX_T0SL_W]       = c_t0_sl;
        s1ctx[S1CTX_T1SL_LSB +: S1CTX_T1SL_W]       = c_t1_sl;
        s1ctx[S1CTX_T0SLB_LSB +: S1CTX_T0SLB_W]     = c_t0_sl_bits;
        s1ctx[S1CTX_T1SLB_LSB +: S1CTX_T1SLB_W]     = c_t1_sl_bits;
        s1ctx[S1CTX_TTB0_LSB +: PA_W]               = c_ttb0;
        s1ctx[S1CTX_TTB1_LSB +: PA_W]               = c_ttb1;
        s1ctx[S1CTX_IR0_LSB +: S1CTX_IR0_W]         = c_ir0;
        s1ctx[S1CTX_OR0_LSB +: S1CTX_OR0_W]         = c_or0;
        s1ctx[S1CTX_SH0_LSB +: S1CTX_SH0_W]         = c_sh0;
        s1ctx[S1CTX_IR1_LSB +: S1CTX_IR1_W]         = c_ir1;
        s1ctx[S1CTX_OR1_LSB +: S1CTX_OR1_W]         = c_or1;
        s1ctx[S1CTX_SH1_LSB +: S1CTX_SH1_W]         = c_sh1;
        s1ctx[S1CTX_TBI0_LSB]                       = c_tbi0;
        s1ctx[S1CTX_TBI1_LSB]                       = c_tbi1;
        s1ctx[S1CTX_HAD0_LSB]                       = c_had0;
        s1ctx[S1CTX_HAD1_LSB]                       = c_had1;
        s1ctx[S1CTX_IPS_LSB +: S1CTX_IPS_W]         = c_ips_bits;
        s1ctx[S1CTX_AFFD_LSB]                       = c_affd;
        s1ctx[S1CTX_WXN_LSB]                        = c_wxn;
        s1ctx[S1CTX_PAN_LSB]                        = c_pan;
        s1ctx[S1CTX_R_LSB]                          = c_r;
        s1ctx[S1CTX_MAIR_LSB +: S1CTX_MAIR_W]       = c_mair;
    end


    // S2T0SZ and the concatenation count are implied by s2_ias and s2_sl_bits
    /* verilator lint_off UNUSEDSIGNAL */
    wire unused_ok = &{1'b0, d_s2_t0sz, d_s2_concat_log2};
    /* verilator lint_on UNUSEDSIGNAL */
endmodule
