// smmu_cd_ctx: a fetched CD (IHI 0070 5.4) validated and decoded into the stage-1 context
// of smmu_ctx.vh, for the StreamWorld of the STE it was reached through (5.4: the CD
// fields a StreamWorld uses differ). Pure combinational: smmu_cd_decode (the validity
// checks and field rules, with its unit test) and the packing of its outputs. smmu_cfg
// decodes each CD once, when it arrives from memory, and caches the context.
//
// Ports:
//   cd             the CD's dwords 0..3 (dword 0 in [63:0]; dwords 4..7 are unused by this
//                  subset)
//   world          the stream's StreamWorld (the stream context's WORLD field)
//   cd_bad         smmu_cd_decode's validity
//   s1ctx          the stage-1 context
module smmu_cd_ctx #(
    parameter PA_W       = 48,
    parameter GRAN16K    = 1,
    parameter GRAN64K    = 1,
    parameter S1CTX_BITS = 232   // must equal S1CTX_W of smmu_ctx.vh (checked below)
) (
    input  wire [255:0]          cd,
    input  wire [1:0]            world,
    output wire                  cd_bad,
    output reg  [S1CTX_BITS-1:0] s1ctx
);
    `include "smmu_ctx.vh"

    generate
        if (S1CTX_BITS != S1CTX_W) begin : g_ctx_bits_mismatch
            // Elaboration stops here: a port width disagrees with smmu_ctx.vh
            smmu_cd_ctx_CTX_BITS_must_equal_smmu_ctx_vh u_err ();
        end
    endgenerate

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
        .cd({256'd0, cd}), .world(world),
        .cd_bad(cd_bad), .t0_en(c_t0_en), .t1_en(c_t1_en), .t0_sz(c_t0_sz),
        .t1_sz(c_t1_sz), .t0_tg(c_t0_tg), .t1_tg(c_t1_tg), .t0_sl(c_t0_sl), .t1_sl(c_t1_sl),
        .t0_sl_bits(c_t0_sl_bits),
        .t1_sl_bits(c_t1_sl_bits), .ttb0(c_ttb0), .ttb1(c_ttb1), .ir0(c_ir0), .or0(c_or0),
        .sh0(c_sh0), .ir1(c_ir1), .or1(c_or1), .sh1(c_sh1), .tbi0(c_tbi0), .tbi1(c_tbi1),
        .had0(c_had0), .had1(c_had1), .ips_bits(c_ips_bits), .affd(c_affd), .wxn(c_wxn),
        .pan(c_pan), .r(c_r), .asid(c_asid), .mair(c_mair)
    );

    always @* begin
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
endmodule
