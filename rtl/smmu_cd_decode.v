// smmu_cd_decode: validity check and decode of a 64-byte Context Descriptor (IHI 0070 5.4)
// for this project's subset. Pure combinational.
//
// Subset assumed: VMSAv8-64 only (TTF = AArch64), LE tables only, 4 KB granule, no stall
// (STALL_MODEL = 0b01), TERM_MODEL = 1, no HTTU, ASID16 = 1, HAD = 1, STT/DS/E0PD/EPAN/PIE/
// AIE/D128 absent, SSIDSIZE = 0.
//
// Ports:
//   cd         the CD, dword 0 in bits [63:0]
//   world      StreamWorld from smmu_ste_decode: 0 NS-EL1, 1 NS-EL2, 2 NS-EL2-E2H
//   cd_bad     C_BAD_CD: CdIllegal() (5.4) for this subset; when 1 the rest is meaningless
//   tN_en      half N is walked: EPDN = 0. In NS-EL2 EPD0 acts as 0 and there is no TTB1
//              (its fields are RES0), so t0_en = 1, t1_en = 0. A VA in a disabled half is
//              a stage-1 F_TRANSLATION (the walker's range check).
//   tN_sz      TxSZ; tN_sl start level 0..2 (ceil((64 - TxSZ - 12) / 9) levels)
//   tN_sl_bits VA bits the start level resolves (1..9): index = VA[63-TxSZ -: tN_sl_bits]
//   ttbN       TTBx with the bits below the start table size (2^(sl_bits + 3)) cleared
//   irN/orN/shN  walk attributes (IR/OR: 00 NC, 01 WB RA WA, 10 WT RA, 11 WB RA no-WA)
//   tbiN, hadN Top Byte Ignore and Hierarchical Attribute Disable of half N
//   ips_bits   effective IPS in bits, MIN(IPS, OAS): the stage-1 output size
//   affd, wxn, r  as in the CD; pan = CD.PAN, 0 in NS-EL2 (IGNORED there)
//   asid       CD.ASID (16-bit; meaningless in NS-EL2)
//   mair       CD.MAIR1:MAIR0, Attr<n> = mair[8n+7:8n] (raw; smmu_attr applies the
//              reserved-encoding rules)
module smmu_cd_decode #(
    parameter PA_W = 48       // OAS in bits
) (
    input  wire [511:0]    cd,
    input  wire [1:0]      world,
    output wire            cd_bad,
    output wire            t0_en,
    output wire            t1_en,
    output wire [5:0]      t0_sz,
    output wire [5:0]      t1_sz,
    output wire [1:0]      t0_sl,
    output wire [1:0]      t1_sl,
    output wire [3:0]      t0_sl_bits,
    output wire [3:0]      t1_sl_bits,
    output wire [PA_W-1:0] ttb0,
    output wire [PA_W-1:0] ttb1,
    output wire [1:0]      ir0,
    output wire [1:0]      or0,
    output wire [1:0]      sh0,
    output wire [1:0]      ir1,
    output wire [1:0]      or1,
    output wire [1:0]      sh1,
    output wire            tbi0,
    output wire            tbi1,
    output wire            had0,
    output wire            had1,
    output wire [5:0]      ips_bits,
    output wire            affd,
    output wire            wxn,
    output wire            pan,
    output wire            r,
    output wire [15:0]     asid,
    output wire [63:0]     mair
);
    `include "smmu_regs.vh"

    localparam [1:0] W_EL2 = 2'd1;

    function [6:0] ps_bits(input [2:0] ps);
        case (ps)
            3'd0:    ps_bits = 7'd32;
            3'd1:    ps_bits = 7'd36;
            3'd2:    ps_bits = 7'd40;
            3'd3:    ps_bits = 7'd42;
            3'd4:    ps_bits = 7'd44;
            3'd5:    ps_bits = 7'd48;
            3'd6:    ps_bits = 7'd52;
            default: ps_bits = 7'd52;   // 0b111 behaves as 0b110 before v3.4
        endcase
    endfunction

    // Start level of a 4 KB-granule stage-1 table: TxSZ 16..24 -> 0, 25..33 -> 1, 34..39 -> 2
    function [1:0] start_level(input [5:0] tsz);
        if (tsz <= 6'd24)      start_level = 2'd0;
        else if (tsz <= 6'd33) start_level = 2'd1;
        else                   start_level = 2'd2;
    endfunction

    // VA bits resolved at the start level: (64 - TxSZ) - (12 + 9 * (3 - level)), i.e.
    // 25 - TxSZ, 34 - TxSZ or 43 - TxSZ; the result is 1..9 for a legal TxSZ, so it can be
    // computed modulo 16 (25 = 16 + 9, 34 = 32 + 2, 43 = 32 + 11)
    function [3:0] sl_bits(input [5:0] tsz);
        case (start_level(tsz))
            2'd0:    sl_bits = 4'd9  - tsz[3:0];
            2'd1:    sl_bits = 4'd2  - tsz[3:0];
            default: sl_bits = 4'd11 - tsz[3:0];
        endcase
    endfunction

    localparam [6:0] PA_W7 = PA_W[6:0];
    wire       el2    = (world == W_EL2);

    wire       v      = cd[CD_V_LSB];
    wire       aa64   = cd[CD_AA64_LSB];
    wire       endi   = cd[CD_ENDI_LSB];
    wire       a      = cd[CD_A_LSB];
    wire       s      = cd[CD_S_LSB];
    wire       ha     = cd[CD_HA_LSB];
    wire       hd     = cd[CD_HD_LSB];
    wire [1:0] tg0    = cd[CD_TG0_LSB +: CD_TG0_W];
    wire [1:0] tg1    = cd[CD_TG1_LSB +: CD_TG1_W];
    wire [51:0] ttb0r = {cd[CD_TTB0_LSB +: CD_TTB0_W], 4'b0};
    wire [51:0] ttb1r = {cd[CD_TTB1_LSB +: CD_TTB1_W], 4'b0};

    assign t0_en = !cd[CD_EPD0_LSB] || el2;
    assign t1_en = !cd[CD_EPD1_LSB] && !el2;
    assign t0_sz = cd[CD_T0SZ_LSB +: CD_T0SZ_W];
    assign t1_sz = cd[CD_T1SZ_LSB +: CD_T1SZ_W];

    wire [6:0] ips_raw = ps_bits(cd[CD_IPS_LSB +: CD_IPS_W]);
    wire [6:0] ips_eff = (ips_raw < PA_W7) ? ips_raw : PA_W7;

    // TTBx must lie inside the effective IPS and inside 48 bits (4 KB granule, DS = 0)
    wire [51:0] ttb0_hi = ttb0r >> ips_eff;
    wire [51:0] ttb1_hi = ttb1r >> ips_eff;
    wire bad_t0 = (t0_sz < 6'd16) || (t0_sz > 6'd39) || (tg0 != 2'b00)
               || (ttb0_hi != 52'd0) || (ttb0r[51:48] != 4'd0);
    wire bad_t1 = (t1_sz < 6'd16) || (t1_sz > 6'd39) || (tg1 != 2'b10)
               || (ttb1_hi != 52'd0) || (ttb1r[51:48] != 4'd0);

    assign cd_bad = !v
                 || !aa64                          // VMSAv8-32 LPAE not implemented
                 || (endi && (t0_en || t1_en))     // TTENDIAN = LE only
                 || !a                             // TERM_MODEL = 1: RAZ/WI unsupported
                 || s                              // no stall
                 || ha || hd                       // no HTTU
                 || (t0_en && bad_t0)
                 || (t1_en && bad_t1);

    assign t0_sl      = start_level(t0_sz);
    assign t1_sl      = start_level(t1_sz);
    assign t0_sl_bits = sl_bits(t0_sz);
    assign t1_sl_bits = sl_bits(t1_sz);
    wire [51:0] ttb0_al = ttb0r & ~((52'd1 << ({3'b0, t0_sl_bits} + 7'd3)) - 52'd1);
    wire [51:0] ttb1_al = ttb1r & ~((52'd1 << ({3'b0, t1_sl_bits} + 7'd3)) - 52'd1);
    assign ttb0 = ttb0_al[PA_W-1:0];
    assign ttb1 = ttb1_al[PA_W-1:0];

    assign ir0  = cd[CD_IR0_LSB +: CD_IR0_W];
    assign or0  = cd[CD_OR0_LSB +: CD_OR0_W];
    assign sh0  = cd[CD_SH0_LSB +: CD_SH0_W];
    assign ir1  = cd[CD_IR1_LSB +: CD_IR1_W];
    assign or1  = cd[CD_OR1_LSB +: CD_OR1_W];
    assign sh1  = cd[CD_SH1_LSB +: CD_SH1_W];
    assign tbi0 = cd[CD_TBI0_LSB];
    assign tbi1 = cd[CD_TBI1_LSB] && !el2;
    assign had0 = cd[CD_HAD0_LSB];
    assign had1 = cd[CD_HAD1_LSB] && !el2;

    assign ips_bits = ips_eff[5:0];
    assign affd     = cd[CD_AFFD_LSB];
    assign wxn      = cd[CD_WXN_LSB];
    assign pan      = cd[CD_PAN_LSB] && !el2;
    assign r        = cd[CD_R_LSB];
    assign asid     = cd[CD_ASID_LSB +: CD_ASID_W];
    assign mair     = cd[CD_MAIR_LSB +: CD_MAIR_W];

    // UWXN (IGNORED for AArch64), ASET, E0PDx (RES0 without IDR3.E0PD), AMAIR, IMP DEF and
    // RES0 fields are not used; address bits above the OAS only feed the range checks.
    /* verilator lint_off UNUSEDSIGNAL */
    wire unused_ok = ^{cd, ttb0_al, ttb1_al, ips_eff};
    /* verilator lint_on UNUSEDSIGNAL */
endmodule
