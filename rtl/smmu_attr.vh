// The attribute rules of smmu_attr as functions, so that a walk unit evaluates them in
// the step that uses the result (the simulator then skips them in every other cycle,
// and synthesis builds the same logic in front of the same registers). smmu_attr is a
// wrapper of these functions: one description of the rules. Included inside a module
// body, after smmu_amba.vh (amba_out). The port meanings are smmu_attr's:
//
//   attr_stages(fwb_on, s1_en, s2_en, in_attr, in_sh, s1_mair, s1_sh, s2_memattr, s2_sh)
//     -> {attr[7:0], sh[1:0]}: the incoming attribute, then stage 1 (IHI 0070 13.4.2),
//        then stage 2 (13.4.3, Arm ARM D8.6.5/6; fwb_on = FWB implemented and STE.S2FWB),
//        with the consistent shareability of 13.1.7
//   attr_tail(attr, sh, nosnoop, canwbs, is_read)
//     -> {out_attr[7:0], out_sh[1:0], out_cache[3:0], out_domain[1:0]}: No_snoop (13.1.6,
//        13.6.1.1), then the AMBA mapping (16.7.5.2/3)
//   attr_fn(...) both, in that order (the arguments of attr_stages, then nosnoop, canwbs,
//     is_read)
//   attr_s2_device(fwb_on, in_attr, in_sh, s2_memattr, s2_sh): the access's attribute
//     in_attr combined with a stage-2 leaf is Device (the S2PTW check, 5.2)
//   attr_walk_rd(fwb_on, s2_en, in_attr, in_sh, s2_memattr, s2_sh) -> {AxCACHE, AxDOMAIN}
//     of a walk's descriptor read (13.8): the walk attribute in_attr/in_sh, combined with
//     the stage-2 leaf of the read's address when s2_en (no stage 1, no No_snoop)
//
// Attributes are MAIR-format bytes (outer nibble [7:4], inner [3:0]; 0x00/04/08/0C Device
// nGnRnE/nGnRE/nGRE/GRE; nibble 0100 Normal NC, 00RW WT transient, 01RW WB transient
// (RW != 00), 10RW WT, 11RW WB); shareability is the SH encoding (0 NSH, 2 OSH, 3 ISH;
// reserved 1 acts as NSH).

/* verilator lint_off UNUSEDPARAM */
localparam [1:0] AT_SH_NSH = 2'd0, AT_SH_OSH = 2'd2, AT_SH_ISH = 2'd3;
localparam [1:0] AT_T_NC = 2'd0, AT_T_WT = 2'd1, AT_T_WB = 2'd2;
localparam [7:0] AT_NGNRNE = 8'h00, AT_NC = 8'h44, AT_WB_RWA = 8'hFF;
/* verilator lint_on UNUSEDPARAM */

// CD.MAIR reserved encodings (5.4): outer 0 with inner 0bxxRW, RW != 0, is the Device
// type of inner[3:2]; outer != 0 with inner 0 is inner WT transient RW = 11 (this also
// covers 0xF0, Tagged Normal, which the SMMU does not support).
function [7:0] at_norm(input [7:0] b);
    if (b[7:4] == 4'h0)      at_norm = {4'h0, b[3:2], 2'b00};
    else if (b[3:0] == 4'h0) at_norm = {b[7:4], 4'b0011};
    else                     at_norm = b;
endfunction

// Device when the outer nibble is 0; its subtype is then byte[3:2], 0 nGnRnE (strongest)
// .. 3 GRE
function at_is_dev(input [3:0] outer);
    at_is_dev = (outer == 4'h0);
endfunction

function [1:0] at_n_type(input [3:0] n);
    if (n == 4'b0100)       at_n_type = AT_T_NC;
    else if (n[2] == 1'b0)  at_n_type = AT_T_WT;   // 00RW, 10RW
    else                    at_n_type = AT_T_WB;   // 01RW, 11RW
endfunction

// Nibble from type and hints. 13.1.7: a level with no allocation is non-transient.
function [3:0] at_mk(input [1:0] t, input ra, input wa, input tr);
    if (t == AT_T_NC) at_mk = 4'b0100;
    else              at_mk = {!(tr && (ra || wa)), t == AT_T_WB, ra, wa};
endfunction

function [1:0] at_sh_norm(input [1:0] s);
    at_sh_norm = (s == 2'd1) ? AT_SH_NSH : s;
endfunction

// ARM S2CombineS1Shareability: outer beats inner beats non-shareable
function [1:0] at_sh_comb(input [1:0] a, input [1:0] b);
    if (at_sh_norm(a) == AT_SH_OSH || at_sh_norm(b) == AT_SH_OSH)      at_sh_comb = AT_SH_OSH;
    else if (at_sh_norm(a) == AT_SH_ISH || at_sh_norm(b) == AT_SH_ISH) at_sh_comb = AT_SH_ISH;
    else                                                               at_sh_comb = AT_SH_NSH;
endfunction

// 13.1.7 (and 13.1.4 for the input): Device and Normal iNC-oNC are OSH
function [1:0] at_sh_eff(input [7:0] b, input [1:0] s);
    at_sh_eff = (at_is_dev(b[7:4]) || b == AT_NC) ? AT_SH_OSH : at_sh_norm(s);
endfunction

// Stage 1 replaces the type (13.4.2). A cacheable input level keeps a say in the hints
// (the stronger wins: no-allocate, transient); a Non-cacheable or Device input level has
// none, so stage 1's hints are used as they are.
function [3:0] at_s1_level(input [3:0] i, input [3:0] s, input i_dev);
    if (i_dev || at_n_type(i) == AT_T_NC || at_n_type(s) == AT_T_NC)
        at_s1_level = s;
    else
        at_s1_level = at_mk(at_n_type(s), i[1] & s[1], i[0] & s[0], !i[3] | !s[3]);
endfunction

// No-FWB stage-2 MemAttr level field (ARM D8.6.5): 01 NC, 10 WT, 11 WB; 00 (inner only,
// reserved) acts as Non-cacheable [project decision, docs/subset.md]
function [1:0] at_s2_lvl_type(input [1:0] f);
    case (f)
        2'b10:   at_s2_lvl_type = AT_T_WT;
        2'b11:   at_s2_lvl_type = AT_T_WB;
        default: at_s2_lvl_type = AT_T_NC;
    endcase
endfunction

// Both Normal: per level NC > WT > WB; a cacheable result keeps x's hints
function [3:0] at_comb_lvl(input [3:0] x, input [1:0] t2);
    if (at_n_type(x) == AT_T_NC || t2 == AT_T_NC)
        at_comb_lvl = 4'b0100;
    else if (at_n_type(x) == AT_T_WT || t2 == AT_T_WT)
        at_comb_lvl = at_mk(AT_T_WT, x[1], x[0], !x[3]);
    else
        at_comb_lvl = at_mk(AT_T_WB, x[1], x[0], !x[3]);
endfunction

// FWB force-write-back level: NC -> WB RWA non-transient; WT/WB -> WB with x's hints
function [3:0] at_fwb_lvl(input [3:0] x);
    if (at_n_type(x) == AT_T_NC) at_fwb_lvl = 4'hF;
    else                         at_fwb_lvl = at_mk(AT_T_WB, x[1], x[0], !x[3]);
endfunction

// The stronger of two Device subtypes
function [1:0] at_min2(input [1:0] a, input [1:0] b);
    at_min2 = (a < b) ? a : b;
endfunction

function [9:0] attr_stages(input ai_fwb_on, input ai_s1_en, input ai_s2_en,
                           input [7:0] ai_in_attr, input [1:0] ai_in_sh,
                           input [7:0] ai_s1_mair, input [1:0] ai_s1_sh,
                           input [3:0] ai_s2_memattr, input [1:0] ai_s2_sh);
    reg [7:0] ai_a_in, ai_a_s1, ai_x, ai_a_s2;
    reg [1:0] ai_sh_x;
    begin
        // Input, then stage 1
        ai_a_in = at_norm(ai_in_attr);
        ai_a_s1 = at_norm(ai_s1_mair);
        if (!at_is_dev(ai_a_s1[7:4]))
            ai_a_s1 = {at_s1_level(ai_a_in[7:4], ai_a_s1[7:4], at_is_dev(ai_a_in[7:4])),
                       at_s1_level(ai_a_in[3:0], ai_a_s1[3:0], at_is_dev(ai_a_in[7:4]))};
        // [project decision, docs/subset.md] a stage-1 Device/iNC-oNC passes OSH to stage 2
        ai_x    = ai_s1_en ? ai_a_s1 : ai_a_in;
        ai_sh_x = ai_s1_en ? at_sh_eff(ai_a_s1, ai_s1_sh) : at_sh_eff(ai_a_in, ai_in_sh);

        // Stage 2
        ai_a_s2 = ai_x;
        if (ai_fwb_on) begin
            // ARM AArch64.S2ApplyFWBMemAttrs, with the project's reserved-value decisions
            if (ai_s2_memattr[3] || ai_s2_memattr[2:0] == 3'b100)
                ai_a_s2 = AT_NGNRNE;                         // 4, 8..15 [project decision]
            else if (!ai_s2_memattr[2])                      // 0..3 Device
                ai_a_s2 = {4'h0, at_is_dev(ai_x[7:4]) ? at_min2(ai_x[3:2], ai_s2_memattr[1:0])
                                                      : ai_s2_memattr[1:0], 2'b00};
            else if (ai_s2_memattr[1:0] == 2'b01)            // 5 NC unless stage 1 Device
                ai_a_s2 = at_is_dev(ai_x[7:4]) ? ai_x : AT_NC;
            else if (ai_s2_memattr[1:0] == 2'b10)            // 6 force write-back
                ai_a_s2 = at_is_dev(ai_x[7:4]) ? AT_WB_RWA
                                               : {at_fwb_lvl(ai_x[7:4]), at_fwb_lvl(ai_x[3:0])};
            else                                             // 7 stage 1 unchanged
                ai_a_s2 = ai_x;
        end else begin
            if (ai_s2_memattr[3:2] == 2'b00)                 // stage 2 Device
                ai_a_s2 = at_is_dev(ai_x[7:4])
                          ? {4'h0, at_min2(ai_x[3:2], ai_s2_memattr[1:0]), 2'b00}
                          : {4'h0, ai_s2_memattr[1:0], 2'b00};
            else if (at_is_dev(ai_x[7:4]))
                ai_a_s2 = ai_x;
            else
                ai_a_s2 = {at_comb_lvl(ai_x[7:4], at_s2_lvl_type(ai_s2_memattr[3:2])),
                           at_comb_lvl(ai_x[3:0], at_s2_lvl_type(ai_s2_memattr[1:0]))};
        end

        attr_stages = ai_s2_en ? {ai_a_s2, at_sh_eff(ai_a_s2, at_sh_comb(ai_sh_x, ai_s2_sh))}
                               : {ai_x, ai_sh_x};
    end
endfunction

// No_snoop last: a Normal cacheable result becomes iNC-oNC OSH, Device is untouched; then
// AMBA (16.7.5.2, 16.7.5.3: any Normal other than iWB-oWB goes out as NC)
function [15:0] attr_tail(input [7:0] ai_a_fin, input [1:0] ai_sh_fin, input ai_nosnoop,
                          input ai_canwbs, input ai_is_read);
    reg [7:0] ai_a_ns;
    reg [1:0] ai_sh_ns;
    begin
        ai_a_ns  = ai_a_fin;
        ai_sh_ns = ai_sh_fin;
        if (ai_nosnoop && !ai_canwbs && !at_is_dev(ai_a_fin[7:4])) begin
            ai_a_ns  = AT_NC;
            ai_sh_ns = AT_SH_OSH;
        end
        attr_tail = {ai_a_ns, ai_sh_ns, amba_out(ai_a_ns, ai_sh_ns, ai_is_read)};
    end
endfunction

function [15:0] attr_fn(input ai_fwb_on, input ai_s1_en, input ai_s2_en,
                        input [7:0] ai_in_attr, input [1:0] ai_in_sh, input [7:0] ai_s1_mair,
                        input [1:0] ai_s1_sh, input [3:0] ai_s2_memattr, input [1:0] ai_s2_sh,
                        input ai_nosnoop, input ai_canwbs, input ai_is_read);
    reg [9:0] ai_st;
    begin
        ai_st   = attr_stages(ai_fwb_on, ai_s1_en, ai_s2_en, ai_in_attr, ai_in_sh, ai_s1_mair,
                              ai_s1_sh, ai_s2_memattr, ai_s2_sh);
        attr_fn = attr_tail(ai_st[9:2], ai_st[1:0], ai_nosnoop, ai_canwbs, ai_is_read);
    end
endfunction

function [5:0] attr_walk_rd(input ai_fwb_on, input ai_s2_en, input [7:0] ai_in_attr,
                            input [1:0] ai_in_sh, input [3:0] ai_s2_memattr,
                            input [1:0] ai_s2_sh);
    reg [9:0] ai_st;
    begin
        ai_st        = attr_stages(ai_fwb_on, 1'b0, ai_s2_en, ai_in_attr, ai_in_sh, 8'h00,
                                   2'b00, ai_s2_memattr, ai_s2_sh);
        attr_walk_rd = amba_out(ai_st[9:2], ai_st[1:0], 1'b1);   // no No_snoop: a read
    end
endfunction

/* verilator lint_off UNUSEDSIGNAL */
function attr_s2_device(input ai_fwb_on, input [7:0] ai_in_attr, input [1:0] ai_in_sh,
                        input [3:0] ai_s2_memattr, input [1:0] ai_s2_sh);
    reg [9:0] ai_st;      // (its shareability and inner nibble are not needed)
    begin
        ai_st          = attr_stages(ai_fwb_on, 1'b0, 1'b1, ai_in_attr, ai_in_sh, 8'h00,
                                     2'b00, ai_s2_memattr, ai_s2_sh);
        attr_s2_device = at_is_dev(ai_st[9:6]);
    end
endfunction
/* verilator lint_on UNUSEDSIGNAL */
