// smmu_ctx_decode: a validated STE (IHI 0070 5.2) and CD (5.4) decoded together into the
// typed contexts of smmu_ctx.vh: smmu_ste_ctx, and smmu_cd_ctx for the STE's StreamWorld.
// The SMMU itself decodes the two apart (smmu_cfg caches stream contexts and stage-1
// contexts in separate caches, each decoded once as it arrives from memory); this pair
// is what the unit benches compare the SMMU's answers with, and how they make contexts
// from the raw structures a test writes.
//
// Ports:
//   ste, cd        the STE's and CD's dwords 0..3 (dword 0 in [63:0])
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
    output wire [SCTX_BITS-1:0]  sctx,
    output wire [S1CTX_BITS-1:0] s1ctx
);
    `include "smmu_ctx.vh"

    smmu_ste_ctx #(
        .PA_W(PA_W), .HYP(HYP), .FWB(FWB), .ATTR_OVR(ATTR_OVR), .S1P(S1P), .S2P(S2P),
        .GRAN16K(GRAN16K), .GRAN64K(GRAN64K), .SCTX_BITS(SCTX_BITS)
    ) u_ste (
        .ste(ste), .cr2_e2h(cr2_e2h), .ste_bad(ste_bad), .cfg(cfg), .cd_ptr(cd_ptr),
        .sctx(sctx)
    );
    smmu_cd_ctx #(
        .PA_W(PA_W), .GRAN16K(GRAN16K), .GRAN64K(GRAN64K), .S1CTX_BITS(S1CTX_BITS)
    ) u_cd (
        .cd(cd), .world(sctx[SCTX_WORLD_LSB +: SCTX_WORLD_W]), .cd_bad(cd_bad),
        .s1ctx(s1ctx)
    );
endmodule
