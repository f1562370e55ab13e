// smmu_ste_decode: validity check and decode of a 64-byte Stream Table Entry (IHI 0070 5.2)
// for this project's subset. Pure combinational.
//
// Subset assumed (the ID registers say so): Non-secure stream table only, IDR0.S1P/S2P from
// the parameters, Hyp = HYP, STALL_MODEL = 0b01 (no stall), TERM_MODEL = 1, TTF = AArch64
// only, TTENDIAN = LE only, HTTU = 0, VMID16 = 1, SSIDSIZE = 0, ATS = 0, STT = 0, DS = 0,
// D128 = 0, the 4 KB granule and the 16 KB / 64 KB ones of the parameters
// (IDR5.GRAN16K/GRAN64K), MPAM/S1PI/S2PI/S2PO absent, IAS = OAS = PA_W.
//
// Ports:
//   ste            the STE, dword 0 in bits [63:0] (little-endian flat image)
//   cr2_e2h        SMMU_CR2.E2H (selects EL2-E2H for STRW = 0b10 streams)
//   ste_bad        C_BAD_STE: SteIllegal() (5.2.2) for this subset, plus the project's
//                  decisions (nested S1ContextPtr beyond the IAS; S2SL0 = 2, a start at
//                  level 0 (4 KB) or level 1 (16 KB, 64 KB), with an OAS below the
//                  Arm ARM's PA-size minimum: 44 bits, 42 for 16 KB).
//                  When it is 1 every other output is meaningless.
//   cfg            effective Config: 0 abort (0b0xx all abort, no event), 4 bypass, 5 stage 1,
//                  6 stage 2, 7 nested (compare with STE_CFG_*[2:0])
//   s1_en, s2_en   stage 1 / stage 2 translate (cfg[0] / cfg[1] of a translating ste_cfg)
//   world          StreamWorld: 0 NS-EL1, 1 NS-EL2, 2 NS-EL2-E2H (only stage-1-only
//                  streams with STRW = 0b10 leave NS-EL1, 5.2 STRW)
//   cd_ptr         CD address from S1ContextPtr (a PA when stage-1 only, an IPA when nested)
//   s1cir/s1cor/s1csh  CD fetch attributes (00 NC, 01 WB RA, 10 WT RA, 11 WB no-RA; SH as CR1)
//   s2fwb          effective S2FWB: FWB parameter, STE.S2FWB and stage 2 on
//   mtcfg, memattr, alloccfg, shcfg, privcfg, instcfg
//                  attribute overrides (for smmu_bypass_attr); with ATTR_OVR = 0 they read as
//                  "use incoming" (0, 0, 0, 0b01, 0, 0); reserved PRIVCFG/INSTCFG 0b01 -> 0
//   vmid           S2VMID (16-bit VMIDs). Tags NS-EL1 translations whenever any stage
//                  translates; unused in the EL2 worlds.
//   s2_t0sz, s2_ias    S2T0SZ and the IPA size 64 - S2T0SZ in bits
//   s2_tg          the stage-2 granule, GRAN_4K / GRAN_16K / GRAN_64K (smmu_gran.vh), from
//                  S2TG (00 4K, 01 64K, 10 16K)
//   s2_sl          stage-2 start level (Arm ARM AArch64.S2StartLevel): 4 KB 2 - S2SL0,
//                  16 KB and 64 KB 3 - S2SL0
//   s2_sl_bits     IPA bits the start level resolves, 1..17 (start table(s) have
//                  2^s2_sl_bits entries; index = IPA[s2_ias-1 -: s2_sl_bits])
//   s2_concat_log2 log2 of concatenated start tables, 0..4
//   s2_ttb         S2TTB with the bits below the start table(s) size cleared
//   s2_ps_bits     effective stage-2 output size MIN(S2PS, OAS) in bits
//   s2affd, s2ptw, s2r, s2ir0, s2or0, s2sh0  stage-2 fields as they are
module smmu_ste_decode #(
    parameter PA_W     = 48,  // OAS (= IAS) in bits: 32, 36, 40, 42, 44 or 48
    parameter HYP      = 1,   // IDR0.Hyp: STRW selects the EL2 StreamWorlds
    parameter FWB      = 1,   // IDR3.FWB: STE.S2FWB implemented
    parameter ATTR_OVR = 1,   // IDR1.ATTR_TYPES_OVR = ATTR_PERMS_OVR
    parameter S1P      = 1,   // IDR0.S1P
    parameter S2P      = 1,   // IDR0.S2P
    parameter GRAN16K  = 1,   // IDR5.GRAN16K: S2TG = 16 KB is legal
    parameter GRAN64K  = 1    // IDR5.GRAN64K: S2TG = 64 KB is legal
) (
    input  wire [511:0]    ste,
    input  wire            cr2_e2h,
    output wire            ste_bad,
    output wire [2:0]      cfg,
    output wire            s1_en,
    output wire            s2_en,
    output wire [1:0]      world,
    output wire [PA_W-1:0] cd_ptr,
    output wire [1:0]      s1cir,
    output wire [1:0]      s1cor,
    output wire [1:0]      s1csh,
    output wire            s2fwb,
    output wire            mtcfg,
    output wire [3:0]      memattr,
    output wire [3:0]      alloccfg,
    output wire [1:0]      shcfg,
    output wire [1:0]      privcfg,
    output wire [1:0]      instcfg,
    output wire [15:0]     vmid,
    output wire [5:0]      s2_t0sz,
    output wire [6:0]      s2_ias,
    output wire [1:0]      s2_tg,
    output wire [1:0]      s2_sl,
    output wire [4:0]      s2_sl_bits,
    output wire [2:0]      s2_concat_log2,
    output wire [PA_W-1:0] s2_ttb,
    output wire [5:0]      s2_ps_bits,
    output wire            s2affd,
    output wire            s2ptw,
    output wire            s2r,
    output wire [1:0]      s2ir0,
    output wire [1:0]      s2or0,
    output wire [1:0]      s2sh0
);
    `include "smmu_regs.vh"
    `include "smmu_gran.vh"

    localparam [1:0] W_EL1 = 2'd0, W_EL2 = 2'd1, W_E2H = 2'd2;

    localparam [6:0] PA_W7 = PA_W[6:0];
    `include "smmu_out_size.vh"
    // S2TTB's bits kept by the start table's alignment (at or above its VA bits + 3), of
    // those bits: a table computed at elaboration (the simulation reads one entry)
    function [128*64-1:0] ttb_keep_table(input integer unused);
        integer e;
        begin
            ttb_keep_table = {128*64{1'b0}};
            for (e = 0; e < 128; e = e + 1)
                ttb_keep_table[e*64 +: 52] = at_or_above(e[6:0] + 7'd3);
        end
    endfunction
    localparam [128*64-1:0] TTB_KEEP = ttb_keep_table(0);

    // ---- raw fields
    wire       v        = ste[STE_V_LSB];
    wire [2:0] ste_cfg   = ste[STE_CONFIG_LSB +: STE_CONFIG_W];
    wire [55:0] ctxptr  = {ste[STE_S1CONTEXTPTR_LSB +: STE_S1CONTEXTPTR_W], 6'b0};
    wire       s1stalld = ste[STE_S1STALLD_LSB];
    wire [1:0] strw     = ste[STE_STRW_LSB +: STE_STRW_W];
    wire [5:0] t0sz     = ste[STE_S2T0SZ_LSB +: STE_S2T0SZ_W];
    wire [1:0] sl0      = ste[STE_S2SL0_LSB +: STE_S2SL0_W];
    wire [1:0] s2tg     = ste[STE_S2TG_LSB +: STE_S2TG_W];
    wire [2:0] s2ps     = ste[STE_S2PS_LSB +: STE_S2PS_W];
    wire       s2aa64   = ste[STE_S2AA64_LSB];
    wire       s2endi   = ste[STE_S2ENDI_LSB];
    wire       s2hd     = ste[STE_S2HD_LSB];
    wire       s2ha     = ste[STE_S2HA_LSB];
    wire       s2s      = ste[STE_S2S_LSB];
    wire [51:0] ttb     = {ste[STE_S2TTB_LSB +: STE_S2TTB_W], 4'b0};

    // ---- configuration and StreamWorld
    wire translating = ste_cfg[2] && (ste_cfg[1:0] != 2'b00);
    assign cfg   = ste_cfg[2] ? ste_cfg : 3'b000;
    assign s1_en = ste_cfg[2] && ste_cfg[0];
    assign s2_en = ste_cfg[2] && ste_cfg[1];

    // STRW is used only for stage-1-only streams with Hyp (IgnoreSTESTRW)
    wire strw_used = (S1P != 0) && (HYP != 0) && (ste_cfg == 3'b101);
    assign world = !strw_used || strw == 2'b00 ? W_EL1 :
                   cr2_e2h                     ? W_E2H : W_EL2;

    // ---- stage 2 geometry (Arm ARM AArch64.S2StartLevel, S2InconsistentSL, S2InvalidSL)
    // S2TG: 00 4 KB, 01 64 KB, 10 16 KB, 11 Reserved; a granule IDR5 does not report is
    // ILLEGAL (5.2 S2TG)
    function [1:0] s2_gran(input [1:0] tg);
        s2_gran = (tg == 2'b01) ? GRAN_64K : (tg == 2'b10) ? GRAN_16K : GRAN_4K;
    endfunction
    // Start level 2 - SL0 (4 KB) or 3 - SL0; SL0 = 3 is level 3 with STT (4 KB), level 0
    // with DS (16 KB) or Reserved (64 KB): ILLEGAL here in every case
    function [1:0] s2_start(input [1:0] gran, input [1:0] s2sl0);
        s2_start = (gran == GRAN_4K) ? 2'd2 - s2sl0 : 2'd3 - s2sl0;
    endfunction
    // What the geometry needs of S2TG and S2SL0, worked out at elaboration for each of
    // their 16 values, so that S2T0SZ meets only constants, in parallel (two comparisons,
    // one subtraction), not a start level, a shift and a subtraction in series (smmu_cfg
    // decodes an STE in the cycle it checks it):
    // {the lowest and the highest legal S2T0SZ (lowest > highest: none), 64 - base}, base
    // the start level's shift (the IPA bits the start level resolves: 64 - base - S2T0SZ)
    localparam LVL_W = 21, LVL_S = 32;   // entries LVL_S apart (see smmu_out_size.vh)
    function [LVL_W-1:0] s2_lvl(input [1:0] gran, input [1:0] s2sl0);
        reg [6:0] base, strd, lo, hi;
        begin
            base = {1'b0, gran_lvl_shift(gran, s2_start(gran, s2sl0))};
            strd = {1'b0, gran_stride(gran)};
            // S2T0SZ: at least MAX(16, 64 - IAS), MAX(12, 64 - IAS) for 64 KB; at most 39
            // (no STT)
            lo   = (gran == GRAN_64K) ? 7'd12 : 7'd16;
            if (7'd64 - PA_W7 > lo) lo = 7'd64 - PA_W7;
            hi   = 7'd39;
            // The start level resolves at least 1 bit (2 entries: 64 - S2T0SZ > base), at
            // most the stride plus 4 (16 concatenated tables)
            if (7'd63 - base < hi) hi = 7'd63 - base;
            if (base + strd + 7'd4 < 7'd64 && 7'd60 - base - strd > lo)
                lo = 7'd60 - base - strd;
            // S2SL0 = 2 starts at level 0 (4 KB) or 1 (16 KB, 64 KB), which needs a PA
            // size of at least 44 bits (42 for 16 KB) [project decision: C_BAD_STE,
            // docs/subset.md]
            if (s2sl0 == 2'd3 ||
                (s2sl0 == 2'd2 && PA_W < ((gran == GRAN_16K) ? 42 : 44))) begin
                lo = 7'd127;
                hi = 7'd0;
            end
            s2_lvl = {lo, hi, 7'd64 - base};
        end
    endfunction
    function [16*LVL_S-1:0] lvl_table(input integer unused);
        integer e;
        begin
            lvl_table = {16*LVL_S{1'b0}};
            for (e = 0; e < 16; e = e + 1)
                lvl_table[e*LVL_S +: LVL_W] = s2_lvl(s2_gran(e[3:2]), e[1:0]);
        end
    endfunction
    localparam [16*LVL_S-1:0] LVL = lvl_table(0);

    wire [1:0]  gran   = s2_gran(s2tg);
    wire        tg_bad = (s2tg == 2'b11) || (s2tg == 2'b01 && GRAN64K == 0) ||
                         (s2tg == 2'b10 && GRAN16K == 0);
    wire [6:0]  ias    = 7'd64 - {1'b0, t0sz};
    wire [1:0]  sl     = s2_start(gran, sl0);
    wire [LVL_W-1:0] lvl = LVL[{s2tg, sl0}*LVL_S +: LVL_W];
    wire        geo_bad = ({1'b0, t0sz} < lvl[20:14]) || ({1'b0, t0sz} > lvl[13:7]);
    wire [6:0]  slb    = lvl[6:0] - {1'b0, t0sz};   // wraps when S2T0SZ is out of range
    wire [6:0]  strd   = {1'b0, gran_stride(gran)};
    wire [6:0]  over   = slb - strd;
    wire [57:0] ps_t   = OUT_SIZE[s2ps*64 +: 58];
    wire ttb_bad     = ((ttb & ps_t[51:0]) != 52'd0) || (ttb[51:48] != 4'd0);

    // ---- S1ContextPtr range: a PA beyond the OAS (3.4.3: C_BAD_STE from v3.1), an IPA
    // beyond the IAS [project decision, docs/subset.md]; IAS = OAS here, so one check
    wire [55:0] ctx_hi = ctxptr >> PA_W;
    wire ctx_bad     = (ctx_hi != 56'd0);

    wire bad_s1 = s1_en && (
                    (S1P == 0)                          // stage 1 not implemented
                 || s1stalld                            // STALL_MODEL = 0b01
                 || (strw_used && strw[0])              // STRW = 0bx1 reserved
                 || ctx_bad);
    wire bad_s2 = s2_en && (
                    (S2P == 0)
                 || !s2aa64                             // TTF: AArch64 tables only
                 || s2s                                 // no stall
                 || s2ha || s2hd                        // no HTTU
                 || tg_bad                              // granule (IDR5.GRAN*)
                 || ttb_bad
                 || geo_bad                             // S2T0SZ, S2SL0
                 || s2endi);                            // TTENDIAN = LE only
    assign ste_bad = !v || (translating && (bad_s1 || bad_s2));

    // ---- decoded fields
    assign cd_ptr  = ctxptr[PA_W-1:0];
    assign s1cir   = ste[STE_S1CIR_LSB +: STE_S1CIR_W];
    assign s1cor   = ste[STE_S1COR_LSB +: STE_S1COR_W];
    assign s1csh   = ste[STE_S1CSH_LSB +: STE_S1CSH_W];
    assign s2fwb   = (FWB != 0) && s2_en && ste[STE_S2FWB_LSB];

    wire [1:0] privcfg_r = ste[STE_PRIVCFG_LSB +: STE_PRIVCFG_W];
    wire [1:0] instcfg_r = ste[STE_INSTCFG_LSB +: STE_INSTCFG_W];
    assign mtcfg    = (ATTR_OVR != 0) && ste[STE_MTCFG_LSB];
    assign memattr  = (ATTR_OVR != 0) ? ste[STE_MEMATTR_LSB +: STE_MEMATTR_W] : 4'd0;
    assign alloccfg = (ATTR_OVR != 0) ? ste[STE_ALLOCCFG_LSB +: STE_ALLOCCFG_W] : 4'd0;
    assign shcfg    = (ATTR_OVR != 0) ? ste[STE_SHCFG_LSB +: STE_SHCFG_W] : 2'b01;
    assign privcfg  = (ATTR_OVR != 0 && privcfg_r[1]) ? privcfg_r : 2'b00;
    assign instcfg  = (ATTR_OVR != 0 && instcfg_r[1]) ? instcfg_r : 2'b00;
    assign vmid     = ste[STE_S2VMID_LSB +: STE_S2VMID_W];

    assign s2_t0sz        = t0sz;
    assign s2_ias         = ias;
    assign s2_tg          = gran;
    assign s2_sl          = sl;
    assign s2_sl_bits     = slb[4:0];
    assign s2_concat_log2 = (slb > strd) ? over[2:0] : 3'd0;
    // Start table(s) are aligned to their size: 2^(s2_sl_bits + 3) bytes
    wire [51:0] ttb_al    = ttb & TTB_KEEP[slb*64 +: 52];
    assign s2_ttb         = ttb_al[PA_W-1:0];
    assign s2_ps_bits     = ps_t[57:52];
    assign s2affd         = ste[STE_S2AFFD_LSB];
    assign s2ptw          = ste[STE_S2PTW_LSB];
    assign s2r            = ste[STE_S2R_LSB];
    assign s2ir0          = ste[STE_S2IR0_LSB +: STE_S2IR0_W];
    assign s2or0          = ste[STE_S2OR0_LSB +: STE_S2OR0_W];
    assign s2sh0          = ste[STE_S2SH0_LSB +: STE_S2SH0_W];

    // Fields outside the subset (S1Fmt, S1CDMax, S1DSS, DRE, CONT, MEV, EATS, NSCFG, IMP DEF,
    // RES0 and dwords 4..7) are IGNORED (5.2: non-zero RES0 ignored [project decision]);
    // the upper bits of the address vectors only feed the range checks.
    /* verilator lint_off UNUSEDSIGNAL */
    wire unused_ok = ^{ste, ctxptr, ttb_al, slb, over, ias};
    /* verilator lint_on UNUSEDSIGNAL */
endmodule
