// smmu_bypass_attr: attribute path of a transaction that bypasses translation
// (global bypass through SMMU_GBPA; STE.Config = bypass with the STE's
// override fields). Pure combinational: a wrapper of the function of
// smmu_bypass_attr.vh.
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
    output reg  [2:0] out_prot,
    output reg  [1:0] out_domain,  // AMBA AxDOMAIN
    output reg  [1:0] out_sh,      // SH encoding
    output reg  [7:0] out_attr
);
    `include "smmu_amba.vh"
    `include "smmu_bypass_attr.vh"

    // The rules are the function of smmu_bypass_attr.vh (the client port calls it in the
    // step that takes a bypass transaction's attributes). The result goes to one variable,
    // so the simulator evaluates the function once, not once per field.
    reg  [18:0] res;
    always @*
        res = bypass_attr(is_read, in_cache, in_prot, in_domain, nosnoop, mtcfg, memattr,
                          alloccfg, shcfg, privcfg, instcfg);
    always @*
        {out_cache, out_prot, out_domain, out_sh, out_attr} = res;
endmodule
