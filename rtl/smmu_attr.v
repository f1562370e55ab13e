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
    `include "smmu_amba.vh"
    `include "smmu_attr.vh"

    // The rules are the functions of smmu_attr.vh (the walk units call them in the step
    // that uses the result). No_snoop and the AMBA mapping in a block of their own: the
    // simulator evaluates only that part again when nosnoop or canwbs, which may come
    // straight from the SMMU's inputs, change. Each function's result goes to one
    // variable, so the simulator evaluates it once, not once per field.
    reg [9:0]  st;
    reg [15:0] tail;
    always @*
        st = attr_stages((FWB != 0) && s2fwb, s1_en, s2_en, in_attr, in_sh, s1_mair, s1_sh,
                         s2_memattr, s2_sh);
    always @*
        tail = attr_tail(st[9:2], st[1:0], nosnoop, canwbs, is_read);
    always @*
        {out_attr, out_sh, out_cache, out_domain} = tail;
endmodule
