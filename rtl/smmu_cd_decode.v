// smmu_cd_decode: validity check and decode of a 64-byte Context Descriptor (IHI 0070 5.4)
// for this project's subset. Pure combinational.
//
// Subset assumed: VMSAv8-64 only (TTF = AArch64), LE tables only, 4 KB granule and the 16 KB
// / 64 KB ones of the parameters (IDR5.GRAN16K/GRAN64K), no stall (STALL_MODEL = 0b01),
// TERM_MODEL = 1, no HTTU, ASID16 = 1, HAD = 1, STT/DS/E0PD/EPAN/PIE/AIE/D128 absent,
// IDR5.VAX = 0, SSIDSIZE = 0.
//
// Ports:
//   cd         the CD, dword 0 in bits [63:0]
//   world      StreamWorld from smmu_ste_decode: 0 NS-EL1, 1 NS-EL2, 2 NS-EL2-E2H
//   cd_bad     C_BAD_CD: CdIllegal() (5.4) for this subset; when 1 the rest is meaningless
//   tN_en      half N is walked: EPDN = 0. In NS-EL2 EPD0 acts as 0 and there is no TTB1
//              (its fields are RES0), so t0_en = 1, t1_en = 0. A VA in a disabled half is
//              a stage-1 F_TRANSLATION (the walker's range check).
//   tN_sz      TxSZ
//   tN_tg      the half's granule, GRAN_4K / GRAN_16K / GRAN_64K (smmu_gran.vh), from TGx
//              (TG0: 00 4K, 01 64K, 10 16K; TG1: 01 16K, 10 4K, 11 64K)
//   tN_sl      start level 0..3: ceil((64 - TxSZ - g) / (g - 3)) levels for a 2^g granule
//              (Arm ARM AArch64.S1StartLevel): 4 KB TxSZ 16..24 -> 0, 25..33 -> 1,
//              34..39 -> 2; 16 KB 16 -> 0, 17..27 -> 1, 28..38 -> 2, 39 -> 3; 64 KB
//              16..21 -> 1, 22..34 -> 2, 35..39 -> 3
//   tN_sl_bits VA bits the start level resolves (1..13): index = VA[63-TxSZ -: tN_sl_bits]
//   ttbN       TTBx with the bits below the start table size (2^(sl_bits + 3)) cleared
//   irN/orN/shN  walk attributes (IR/OR: 00 NC, 01 WB RA WA, 10 WT RA, 11 WB RA no-WA)
//   tbiN, hadN Top Byte Ignore and Hierarchical Attribute Disable of half N
//   ips_bits   effective IPS in bits, MIN(IPS, OAS): the stage-1 output size
//   affd, wxn, r  as in the CD; pan = CD.PAN, 0 in NS-EL2 (IGNORED there)
//   asid       CD.ASID (16-bit; meaningless in NS-EL2)
//   mair       CD.MAIR1:MAIR0, Attr<n> = mair[8n+7:8n] (raw; smmu_attr applies the
//              reserved-encoding rules)
module smmu_cd_decode #(
    parameter PA_W    = 48,   // OAS in bits
    parameter GRAN16K = 1,    // IDR5.GRAN16K: TGx = 16 KB is legal
    parameter GRAN64K = 1     // IDR5.GRAN64K: TGx = 64 KB is legal
) (
    input  wire [511:0]    cd,
    input  wire [1:0]      world,
    output wire            cd_bad,
    output wire            t0_en,
    output wire            t1_en,
    output wire [5:0]      t0_sz,
    output wire [5:0]      t1_sz,
    output wire [1:0]      t0_tg,
    output wire [1:0]      t1_tg,
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
    `include "smmu_gran.vh"

    localparam [1:0] W_EL2 = 2'd1;
    localparam [6:0] PA_W7 = PA_W[6:0];
    `include "smmu_out_size.vh"

    // Stage-1 start level (see the header; TxSZ 16..39, a legal granule)
    function [1:0] start_level(input [5:0] tsz, input [1:0] g);
        case (g)
            GRAN_16K: start_level = (tsz == 6'd16) ? 2'd0 : (tsz <= 6'd27) ? 2'd1 :
                                    (tsz <= 6'd38) ? 2'd2 : 2'd3;
            GRAN_64K: start_level = (tsz <= 6'd21) ? 2'd1 : (tsz <= 6'd34) ? 2'd2 : 2'd3;
            default:  start_level = (tsz <= 6'd24) ? 2'd0 : (tsz <= 6'd33) ? 2'd1 : 2'd2;
        endcase
    endfunction

    // VA bits resolved at the start level: (64 - TxSZ) - (the start level's shift); 1..13
    // for a legal TxSZ and granule, so computed modulo 16
    /* verilator lint_off UNUSEDSIGNAL */
    function [3:0] sl_bits(input [5:0] tsz, input [1:0] g);
        reg [5:0] d;
        begin
            d       = 6'd0 - tsz - gran_lvl_shift(g, start_level(tsz, g));   // 64 - ...
            sl_bits = d[3:0];
        end
    endfunction
    /* verilator lint_on UNUSEDSIGNAL */

    // The rules above as tables over the few CD bits each result depends on, evaluated at
    // elaboration: synthesis builds a lookup of those bits instead of comparators,
    // subtractors and shifters in series (smmu_cfg decodes a CD in the cycle it checks
    // it), and simulation reads one entry.
    // {TxSZ in 16..39, start level, VA bits at the start level} of {granule code, TxSZ}
    // (entries a power of two apart, GEO_S: see smmu_out_size.vh)
    localparam GEO_W = 7, GEO_S = 8;
    function [256*GEO_S-1:0] geo_table(input integer unused);
        integer e;
        begin
            geo_table = {256*GEO_S{1'b0}};
            for (e = 0; e < 256; e = e + 1)
                geo_table[e*GEO_S +: GEO_W] = {e[5:0] >= 6'd16 && e[5:0] <= 6'd39,
                                               start_level(e[5:0], e[7:6]),
                                               sl_bits(e[5:0], e[7:6])};
        end
    endfunction
    localparam [256*GEO_S-1:0] GEO = geo_table(0);
    // The TTBx bits kept by the start table's alignment (at or above sl_bits + 3), of
    // sl_bits
    function [16*64-1:0] keep_table(input integer unused);
        integer e;
        begin
            keep_table = {16*64{1'b0}};
            for (e = 0; e < 16; e = e + 1)
                keep_table[e*64 +: 52] = at_or_above({3'b0, e[3:0]} + 7'd3);
        end
    endfunction
    localparam [16*64-1:0] KEEP = keep_table(0);

    // TG0 / S2TG encoding and TG1 encoding -> granule code; valid: a supported granule
    function [2:0] tg0_dec(input [1:0] tg);   // {valid, code}
        case (tg)
            2'b00:   tg0_dec = {1'b1, GRAN_4K};
            2'b01:   tg0_dec = {(GRAN64K != 0), GRAN_64K};
            2'b10:   tg0_dec = {(GRAN16K != 0), GRAN_16K};
            default: tg0_dec = {1'b0, GRAN_4K};
        endcase
    endfunction
    function [2:0] tg1_dec(input [1:0] tg);
        case (tg)
            2'b01:   tg1_dec = {(GRAN16K != 0), GRAN_16K};
            2'b10:   tg1_dec = {1'b1, GRAN_4K};
            2'b11:   tg1_dec = {(GRAN64K != 0), GRAN_64K};
            default: tg1_dec = {1'b0, GRAN_4K};
        endcase
    endfunction

    wire       el2    = (world == W_EL2);

    wire       v      = cd[CD_V_LSB];
    wire       aa64   = cd[CD_AA64_LSB];
    wire       endi   = cd[CD_ENDI_LSB];
    wire       a      = cd[CD_A_LSB];
    wire       s      = cd[CD_S_LSB];
    wire       ha     = cd[CD_HA_LSB];
    wire       hd     = cd[CD_HD_LSB];
    wire [2:0] tg0    = tg0_dec(cd[CD_TG0_LSB +: CD_TG0_W]);
    wire [2:0] tg1    = tg1_dec(cd[CD_TG1_LSB +: CD_TG1_W]);
    wire [51:0] ttb0r = {cd[CD_TTB0_LSB +: CD_TTB0_W], 4'b0};
    wire [51:0] ttb1r = {cd[CD_TTB1_LSB +: CD_TTB1_W], 4'b0};

    assign t0_en = !cd[CD_EPD0_LSB] || el2;
    assign t1_en = !cd[CD_EPD1_LSB] && !el2;
    assign t0_sz = cd[CD_T0SZ_LSB +: CD_T0SZ_W];
    assign t1_sz = cd[CD_T1SZ_LSB +: CD_T1SZ_W];

    wire [57:0] ips_t   = OUT_SIZE[cd[CD_IPS_LSB +: CD_IPS_W]*64 +: 58];
    wire [51:0] ips_hi  = ips_t[51:0];            // address bits at or above the IPS
    wire [6:0]  geo0    = GEO[{tg0[1:0], t0_sz}*GEO_S +: GEO_W];
    wire [6:0]  geo1    = GEO[{tg1[1:0], t1_sz}*GEO_S +: GEO_W];

    // TTBx must lie inside the effective IPS and inside 48 bits (DS = 0, no 52-bit PA);
    // TxSZ 16..39 whatever the granule (VAX = 0, no STT); TGx Reserved or unsupported
    wire bad_t0 = !geo0[6] || !tg0[2]
               || ((ttb0r & ips_hi) != 52'd0) || (ttb0r[51:48] != 4'd0);
    wire bad_t1 = !geo1[6] || !tg1[2]
               || ((ttb1r & ips_hi) != 52'd0) || (ttb1r[51:48] != 4'd0);

    assign cd_bad = !v
                 || !aa64                          // VMSAv8-32 LPAE not implemented
                 || (endi && (t0_en || t1_en))     // TTENDIAN = LE only
                 || !a                             // TERM_MODEL = 1: RAZ/WI unsupported
                 || s                              // no stall
                 || ha || hd                       // no HTTU
                 || (t0_en && bad_t0)
                 || (t1_en && bad_t1);

    assign t0_tg      = tg0[1:0];
    assign t1_tg      = tg1[1:0];
    assign t0_sl      = geo0[5:4];
    assign t1_sl      = geo1[5:4];
    assign t0_sl_bits = geo0[3:0];
    assign t1_sl_bits = geo1[3:0];
    wire [51:0] ttb0_al = ttb0r & KEEP[t0_sl_bits*64 +: 52];
    wire [51:0] ttb1_al = ttb1r & KEEP[t1_sl_bits*64 +: 52];
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

    assign ips_bits = ips_t[57:52];
    assign affd     = cd[CD_AFFD_LSB];
    assign wxn      = cd[CD_WXN_LSB];
    assign pan      = cd[CD_PAN_LSB] && !el2;
    assign r        = cd[CD_R_LSB];
    assign asid     = cd[CD_ASID_LSB +: CD_ASID_W];
    assign mair     = cd[CD_MAIR_LSB +: CD_MAIR_W];

    // UWXN (IGNORED for AArch64), ASET, E0PDx (RES0 without IDR3.E0PD), AMAIR, IMP DEF and
    // RES0 fields are not used; address bits above the OAS only feed the range checks.
    /* verilator lint_off UNUSEDSIGNAL */
    wire unused_ok = ^{cd, ttb0_al, ttb1_al};
    /* verilator lint_on UNUSEDSIGNAL */
endmodule
