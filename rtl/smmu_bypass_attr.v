// smmu_bypass_attr: attribute path of a transaction that bypasses translation
// (global bypass through SMMU_GBPA; STE.Config = bypass with the STE's
// override fields). Pure combinational.
//
//   incoming AMBA attributes -> architectural (MAIR-format) attribute  (IHI 0070 16.7.5.1)
//   -> overrides MTCFG/MemAttr, ALLOCCFG, SHCFG, PRIVCFG, INSTCFG       (13.2, 13.3)
//   -> No_snoop                                                        (13.1.6)
//   -> AMBA output encoding and consistent shareability                (16.7.5.2/3, 13.1.7)
//
// Input mapping (project decisions, all allowed by 16.7.5.1):
//   AxCACHE[1] = 0 (Device):      [0] = 0 -> Device-nGnRnE (0x00), 1 -> Device-nGnRE (0x04)
//   AxCACHE = 001x (Normal NC):   iNC-oNC (0x44)
//   AxCACHE[3:2] != 0, [1] = 1:   cacheable; [0] = 0 write-through, 1 write-back; both
//                                 levels the same, non-transient; RA = AxCACHE[2],
//                                 WA = AxCACHE[3] (AXI4 puts read- and write-allocate in
//                                 these bits for either direction), nibble 0b1{WB}{RA}{WA}.
//   Shareability: domain input, SH encoding (0 NSH, 2 OSH, 3 ISH; reserved 1 acts as NSH)
//                 for a cacheable input; a Device or Non-cacheable input is OSH whatever
//                 the domain says (AMBA Device/NC is System, which counts as OSH for
//                 overriding, 16.7.5.1), so SHCFG = "use incoming" on a type made
//                 cacheable by MTCFG yields OSH (the 16.7.5.2 example: Device-Sys in,
//                 MemAttr iWB-oWB, incoming SH -> WB-OSH out).
// Hints when an override makes a non-cacheable input cacheable: the 13.1.3 defaults
// (RA = WA = 1, non-transient). ALLOCCFG = 1RWT with T = 1 and R = W = 0 would encode a
// non-cacheable MAIR nibble, so transience is dropped when nothing allocates.
// Output mapping: Device-nGnRnE -> 0000, other Device -> 0001, iWB-oWB -> {WA,RA,1,1}
// (WB with no allocation hint: 1011 for reads, 0111 for writes, the AXI4 no-allocate
// encodings), every other Normal (NC, WT, mixed levels) -> 0011 Normal NC bufferable
// (16.7.5.3, interoperation with Arm PEs).
// AxDOMAIN uses the AMBA encoding (0 Non-shareable, 1 Inner, 2 Outer, 3 System): iWB-oWB
// carries its shareability, Device and every Non-cacheable output go out as System
// (16.7.5.2). The upstream domain input stays in the SH encoding (a project AxUSER field
// that never carries System).
// out_sh is the architectural shareability after SHCFG, consistent with out_attr (Device
// and iNC-oNC are OSH, 13.1.7), SH encoding: the incoming shareability the translation
// stages combine with, and the same meaning as smmu_attr's out_sh.
// out_attr (AxUSER) is the architectural attribute after overrides and No_snoop and
// before the 16.7.5.3 Normal-to-NC step, so verification sees what the rules produced.
// AxPROT: [0] privileged (PRIVCFG), [1] non-secure = 1 (Non-secure streams only),
// [2] instruction (INSTCFG; writes are always Data).
module smmu_bypass_attr (
    input  wire       is_read,
    input  wire [3:0] in_cache,
    input  wire [2:0] in_prot,
    input  wire [1:0] in_domain,
    input  wire       nosnoop,     // No_snoop already qualified by the integration (CANWBS)
    input  wire       mtcfg,
    input  wire [3:0] memattr,
    input  wire [3:0] alloccfg,
    input  wire [1:0] shcfg,
    input  wire [1:0] privcfg,
    input  wire [1:0] instcfg,
    output reg  [3:0] out_cache,
    output wire [2:0] out_prot,
    output reg  [1:0] out_domain,  // AMBA AxDOMAIN
    output reg  [1:0] out_sh,      // SH encoding
    output reg  [7:0] out_attr
);
    localparam [1:0] SH_NSH = 2'd0, SH_OSH = 2'd2, SH_ISH = 2'd3;
    `include "smmu_amba.vh"

    // Incoming attribute
    wire       in_dev   = !in_cache[1];
    wire       in_cach  = in_cache[1] && (in_cache[3:2] != 2'b00);
    wire       in_wb    = in_cache[0];
    wire [3:0] in_nib   = {1'b1, in_wb, in_cache[2], in_cache[3]};
    wire [7:0] in_attr  = in_dev  ? {4'h0, 1'b0, in_cache[0], 2'b00} :
                          in_cach ? {in_nib, in_nib} : 8'h44;

    // Allocation hints the type override and ALLOCCFG start from
    wire ra0 = in_cach ? in_cache[2] : 1'b1;
    wire wa0 = in_cach ? in_cache[3] : 1'b1;
    wire ra  = alloccfg[3] ? alloccfg[2] : ra0;
    wire wa  = alloccfg[3] ? alloccfg[1] : wa0;
    wire tr  = alloccfg[3] && alloccfg[0] && (ra || wa);

    // One level of a MemAttr (stage-2 encoding without FWB): 01 NC, 10 WT, 11 WB
    function [3:0] lvl_nib(input [1:0] f, input r, input w, input t);
        case (f)
            2'b01:   lvl_nib = 4'b0100;
            2'b10:   lvl_nib = {!t, 1'b0, r, w};
            default: lvl_nib = {!t, 1'b1, r, w};
        endcase
    endfunction

    // A cacheable MAIR nibble (WT or WB, transient or not) with the hints replaced
    function [3:0] rehint(input [3:0] n, input r, input w, input t);
        if (n == 4'b0100 || n == 4'b0000) rehint = n;
        else                              rehint = {!t, n[2], r, w};
    endfunction

    reg [7:0] typ;     // after MTCFG
    reg [7:0] attr;    // after ALLOCCFG and No_snoop
    reg       dev;
    always @* begin
        if (mtcfg) begin
            if (memattr[3:2] == 2'b00)
                typ = {4'h0, memattr[1:0], 2'b00};
            else if (memattr[1:0] == 2'b00)
                typ = 8'h00;              // reserved inner encoding: Device-nGnRnE
            else
                typ = {lvl_nib(memattr[3:2], ra, wa, tr), lvl_nib(memattr[1:0], ra, wa, tr)};
        end else begin
            typ = in_attr;
        end
        dev = (typ[7:4] == 4'h0);
        if (dev)
            attr = typ;
        else if (nosnoop && (typ[7:4] != 4'b0100 || typ[3:0] != 4'b0100))
            attr = 8'h44;
        else if (alloccfg[3])
            attr = {rehint(typ[7:4], ra, wa, tr), rehint(typ[3:0], ra, wa, tr)};
        else
            attr = typ;
        out_attr = attr;
    end


    wire [1:0] in_sh = (in_dev || !in_cach)  ? SH_OSH :
                       (in_domain == 2'd1) ? SH_NSH : in_domain;
    reg  [1:0] sh;
    always @* begin
        case (shcfg)
            2'd0:    sh = SH_NSH;
            2'd1:    sh = in_sh;
            2'd2:    sh = SH_OSH;
            default: sh = SH_ISH;
        endcase
        out_sh = (dev || attr == 8'h44) ? SH_OSH : sh;
        {out_cache, out_domain} = amba_out(attr, sh, is_read);
    end

    assign out_prot[0] = privcfg[1] ? privcfg[0] : in_prot[0];
    assign out_prot[1] = 1'b1;
    assign out_prot[2] = !is_read ? 1'b0 : (instcfg[1] ? instcfg[0] : in_prot[2]);

    wire unused_ok = &{1'b0, in_prot[1]};   // the output is always Non-secure
endmodule
