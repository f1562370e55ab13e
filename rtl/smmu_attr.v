// smmu_attr: memory type and shareability of a translated transaction. Pure combinational.
//
//   incoming (after STE/GBPA overrides) -> stage 1 replaces type and SH  (IHI 0070 13.4.2)
//   -> stage 2 combines, with or without S2FWB                          (13.4.3, ARM D8.6.5/6)
//   -> consistency: Device and Normal iNC-oNC are OSH                    (13.1.7)
//   -> No_snoop                                                          (13.1.6, 13.6.1.1)
//   -> AMBA AxCACHE / AxDOMAIN                                           (16.7.5.2/3)
// With s1_en = s2_en = 0 it is the bypass path's tail (No_snoop and AMBA mapping only).
//
// Attributes travel as MAIR-format bytes: outer nibble [7:4], inner [3:0]; 0x00/04/08/0C
// Device nGnRnE/nGnRE/nGRE/GRE; nibble 0100 Normal NC, 00RW WT transient, 01RW WB
// transient (RW != 00), 10RW WT, 11RW WB (R = read-, W = write-allocate). Shareability uses
// the SH encoding everywhere (0 NSH, 2 OSH, 3 ISH; reserved 1 acts as NSH).
//
// Ports:
//   s1_en, s2_en  stage 1 / stage 2 translate for this stream (STE.Config[0] / [1])
//   s2fwb         STE.S2FWB; honoured only when the FWB parameter (IDR3.FWB) is 1
//   is_read       1 read, 0 write: picks the AXI4 no-allocate write-back AxCACHE encoding
//   in_attr/in_sh incoming attribute after STE (or GBPA) overrides, as smmu_bypass_attr
//                 builds it (its out_attr with nosnoop = 0), and its shareability
//   s1_mair       CD.MAIR byte selected by the stage-1 leaf's AttrIndx (raw: the reserved
//                 encodings of the CD.MAIR table in 5.4 are applied here)
//   s1_sh         stage-1 leaf SH[1:0]
//   s2_memattr    stage-2 leaf MemAttr[3:0] (descriptor bits [5:2])
//   s2_sh         stage-2 leaf SH[1:0]
//   nosnoop       the transaction's PCIe No_snoop bit; canwbs = 1 ignores it (IORT CANWBS)
//   out_attr      final architectural attribute (MAIR format), for AxUSER and verification;
//                 taken before the 16.7.5.3 "other Normal -> NC" AMBA step
//   out_sh        final architectural shareability (SH encoding)
//   out_cache     AxCACHE: Device-nGnRnE 0000, other Device 0001, iWB-oWB {WA,RA,1,1} from
//                 the outer level (no allocation: 1011 read / 0111 write), other Normal 0011
//   out_domain    AMBA AxDOMAIN (0 Non-shareable, 1 Inner, 2 Outer, 3 System; as
//                 smmu_bypass_attr): out_sh for iWB-oWB, System for Device and every
//                 Non-cacheable output (16.7.5.2)
module smmu_attr #(
    parameter FWB = 1           // IDR3.FWB: STE.S2FWB implemented
) (
    input  wire       s1_en,
    input  wire       s2_en,
    input  wire       s2fwb,
    input  wire       is_read,
    input  wire [7:0] in_attr,
    input  wire [1:0] in_sh,
    input  wire [7:0] s1_mair,
    input  wire [1:0] s1_sh,
    input  wire [3:0] s2_memattr,
    input  wire [1:0] s2_sh,
    input  wire       nosnoop,
    input  wire       canwbs,
    output reg  [7:0] out_attr,
    output reg  [1:0] out_sh,
    output reg  [3:0] out_cache,
    output reg  [1:0] out_domain
);
    localparam [1:0] SH_NSH = 2'd0, SH_OSH = 2'd2, SH_ISH = 2'd3;
    `include "smmu_amba.vh"
    localparam [1:0] T_NC = 2'd0, T_WT = 2'd1, T_WB = 2'd2;
    localparam [7:0] A_NGNRNE = 8'h00, A_NC = 8'h44, A_WB_RWA = 8'hFF;

    // CD.MAIR reserved encodings (5.4): outer 0 with inner 0bxxRW, RW != 0, is the Device
    // type of inner[3:2]; outer != 0 with inner 0 is inner WT transient RW = 11 (this also
    // covers 0xF0, Tagged Normal, which the SMMU does not support).
    function [7:0] norm(input [7:0] b);
        if (b[7:4] == 4'h0)      norm = {4'h0, b[3:2], 2'b00};
        else if (b[3:0] == 4'h0) norm = {b[7:4], 4'b0011};
        else                     norm = b;
    endfunction

    // Device when the outer nibble is 0; its subtype is then byte[3:2], 0 nGnRnE (strongest)
    // .. 3 GRE
    function is_dev(input [3:0] outer);
        is_dev = (outer == 4'h0);
    endfunction

    function [1:0] n_type(input [3:0] n);
        if (n == 4'b0100)       n_type = T_NC;
        else if (n[2] == 1'b0)  n_type = T_WT;   // 00RW, 10RW
        else                    n_type = T_WB;   // 01RW, 11RW
    endfunction

    // Nibble from type and hints. 13.1.7: a level with no allocation is non-transient.
    function [3:0] mk(input [1:0] t, input ra, input wa, input tr);
        if (t == T_NC) mk = 4'b0100;
        else           mk = {!(tr && (ra || wa)), t == T_WB, ra, wa};
    endfunction

    function is_nc_nc(input [7:0] b);
        is_nc_nc = (b == A_NC);
    endfunction

    function [1:0] sh_norm(input [1:0] s);
        sh_norm = (s == 2'd1) ? SH_NSH : s;
    endfunction

    // ARM S2CombineS1Shareability: outer beats inner beats non-shareable
    function [1:0] sh_comb(input [1:0] a, input [1:0] b);
        if (sh_norm(a) == SH_OSH || sh_norm(b) == SH_OSH)      sh_comb = SH_OSH;
        else if (sh_norm(a) == SH_ISH || sh_norm(b) == SH_ISH) sh_comb = SH_ISH;
        else                                                   sh_comb = SH_NSH;
    endfunction

    // 13.1.7 (and 13.1.4 for the input): Device and Normal iNC-oNC are OSH
    function [1:0] sh_eff(input [7:0] b, input [1:0] s);
        sh_eff = (is_dev(b[7:4]) || is_nc_nc(b)) ? SH_OSH : sh_norm(s);
    endfunction

    // Stage 1 replaces the type (13.4.2). A cacheable input level keeps a say in the hints
    // (the stronger wins: no-allocate, transient); a Non-cacheable or Device input level has
    // none, so stage 1's hints are used as they are.
    function [3:0] s1_level_attr(input [3:0] i, input [3:0] s, input i_dev);
        if (i_dev || n_type(i) == T_NC || n_type(s) == T_NC)
            s1_level_attr = s;
        else
            s1_level_attr = mk(n_type(s), i[1] & s[1], i[0] & s[0], !i[3] | !s[3]);
    endfunction

    // No-FWB stage-2 MemAttr level field (ARM D8.6.5): 01 NC, 10 WT, 11 WB; 00 (inner only,
    // reserved) acts as Non-cacheable [project decision, docs/subset.md]
    function [1:0] s2_lvl_type(input [1:0] f);
        case (f)
            2'b10:   s2_lvl_type = T_WT;
            2'b11:   s2_lvl_type = T_WB;
            default: s2_lvl_type = T_NC;
        endcase
    endfunction

    // Both Normal: per level NC > WT > WB; a cacheable result keeps x's hints
    function [3:0] comb_lvl(input [3:0] x, input [1:0] t2);
        if (n_type(x) == T_NC || t2 == T_NC)      comb_lvl = 4'b0100;
        else if (n_type(x) == T_WT || t2 == T_WT) comb_lvl = mk(T_WT, x[1], x[0], !x[3]);
        else                                      comb_lvl = mk(T_WB, x[1], x[0], !x[3]);
    endfunction

    // FWB force-write-back level: NC -> WB RWA non-transient; WT/WB -> WB with x's hints
    function [3:0] fwb_lvl(input [3:0] x);
        if (n_type(x) == T_NC) fwb_lvl = 4'hF;
        else                   fwb_lvl = mk(T_WB, x[1], x[0], !x[3]);
    endfunction

    // SH encoding -> AMBA AxDOMAIN
    function [1:0] min2(input [1:0] a, input [1:0] b);
        min2 = (a < b) ? a : b;
    endfunction

    reg [7:0] a_in, a_s1, x, a_s2, a_fin;
    reg [1:0] sh_x, sh_s2, sh_fin;
    reg       fwb_on;
    reg [7:0] s2b;   // no-FWB stage-2 attribute when Device
    always @* begin
        // Input, then stage 1
        a_in = norm(in_attr);
        a_s1 = norm(s1_mair);
        if (is_dev(a_s1[7:4]))
            a_s1 = a_s1;
        else
            a_s1 = {s1_level_attr(a_in[7:4], a_s1[7:4], is_dev(a_in[7:4])),
                    s1_level_attr(a_in[3:0], a_s1[3:0], is_dev(a_in[7:4]))};
        // [project decision, docs/subset.md] a stage-1 Device/iNC-oNC passes OSH to stage 2
        x    = s1_en ? a_s1 : a_in;
        sh_x = s1_en ? sh_eff(a_s1, s1_sh) : sh_eff(a_in, in_sh);

        // Stage 2
        fwb_on = (FWB != 0) && s2fwb;
        s2b    = {4'h0, s2_memattr[1:0], 2'b00};
        a_s2   = x;
        if (fwb_on) begin
            // ARM AArch64.S2ApplyFWBMemAttrs, with the project's reserved-value decisions
            if (s2_memattr[3] || s2_memattr[2:0] == 3'b100)
                a_s2 = A_NGNRNE;                                 // 4, 8..15 [project decision]
            else if (!s2_memattr[2])                             // 0..3 Device
                a_s2 = {4'h0, is_dev(x[7:4]) ? min2(x[3:2], s2_memattr[1:0]) : s2_memattr[1:0], 2'b00};
            else if (s2_memattr[1:0] == 2'b01)                   // 5 NC unless stage 1 Device
                a_s2 = is_dev(x[7:4]) ? x : A_NC;
            else if (s2_memattr[1:0] == 2'b10)                   // 6 force write-back
                a_s2 = is_dev(x[7:4]) ? A_WB_RWA : {fwb_lvl(x[7:4]), fwb_lvl(x[3:0])};
            else                                                 // 7 stage 1 unchanged
                a_s2 = x;
        end else begin
            if (s2_memattr[3:2] == 2'b00) begin                  // stage 2 Device
                a_s2 = is_dev(x[7:4]) ? {4'h0, min2(x[3:2], s2_memattr[1:0]), 2'b00} : s2b;
            end else if (is_dev(x[7:4])) begin
                a_s2 = x;
            end else begin
                a_s2 = {comb_lvl(x[7:4], s2_lvl_type(s2_memattr[3:2])),
                        comb_lvl(x[3:0], s2_lvl_type(s2_memattr[1:0]))};
            end
        end
        sh_s2 = sh_eff(a_s2, sh_comb(sh_x, s2_sh));

        a_fin  = s2_en ? a_s2 : x;
        sh_fin = s2_en ? sh_s2 : sh_x;
    end

    // No_snoop last (a block of its own: the simulator evaluates only this part again
    // when nosnoop or canwbs, which may come straight from the SMMU's inputs, change): a
    // Normal cacheable result becomes iNC-oNC OSH, Device is untouched
    reg [7:0] a_ns;
    reg [1:0] sh_ns;
    always @* begin
        a_ns  = a_fin;
        sh_ns = sh_fin;
        if (nosnoop && !canwbs && !is_dev(a_fin[7:4])) begin
            a_ns  = A_NC;
            sh_ns = SH_OSH;
        end
        out_attr = a_ns;
        out_sh   = sh_ns;

        // AMBA (16.7.5.2, 16.7.5.3: any Normal other than iWB-oWB goes out as NC)
        {out_cache, out_domain} = amba_out(a_ns, sh_ns, is_read);
    end
endmodule
