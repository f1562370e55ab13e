// smmu_desc_decode: one VMSAv8-64 translation table descriptor, 4 KB, 16 KB or 64 KB
// granule, stage 1 or 2 (ARM D8.3, IHI 0070 3.4). Pure combinational.
//
// Ports:
//   desc        the 64-bit descriptor as read (little-endian)
//   level       lookup level 0..3
//   gran        the table's granule: GRAN_4K / GRAN_16K / GRAN_64K (rtl/smmu_gran.vh)
//   stage2      1: stage-2 descriptor formats
//   oa_bits     output size limit in bits: MIN(IPS, OAS) at stage 1 (ips_bits of
//               smmu_cd_decode), MIN(S2PS, OAS) at stage 2 (s2_ps_bits of smmu_ste_decode);
//               values above PA_W act as PA_W
//   ia          input address (VA or IPA); its bits below the leaf size are merged into oa
//   kind        0 invalid: F_TRANSLATION (bit[0] = 0, or 0b01 where the granule has no
//               block: levels 0 and 3, and level 1 of 16 KB and 64 KB),
//               1 table (0b11 at levels 0..2), 2 block (0b01 at level 2, and level 1 of
//               4 KB), 3 page (0b11 at level 3)
//   next_table  the address field of a table descriptor, desc[47:granule] (the next-level
//               table address when kind is table)
//   oa          block/page: output address, descriptor bits above the leaf size with ia below
//   leaf_size   log2 of the leaf's size in bytes (smmu_leaf.vh LEAF_SIZE): 4 KB granule
//               12 page, 21 level-2 block, 30 level-1 block; 16 KB 14 / 25; 64 KB 16 / 29
//   addr_fault  table/block/page: the address field has a bit set at/above the limit
//               (F_ADDR_SIZE at this stage); 0 for invalid descriptors
//   Stage-1 leaf fields: attr_indx [4:2], ap = AP[2:1] [7:6], sh [9:8], af [10], ng [11],
//               contig [52], pxn [53], uxn [54] (XN in the EL2 StreamWorld)
//   Stage-2 leaf fields: s2_memattr [5:2], s2ap [7:6] ([0] read, [1] write), sh, af, contig,
//               s2xn = XN[1:0] [54:53]
//   Stage-1 table fields: pxn_table [59], uxn_table [60] (XNTable in EL2), ap_table [62:61];
//               forced to 0 at stage 2 (RES0 there) so a walker may OR them in blindly.
// Software/IGNORED/RES0 bits (leaf [58:55] and [63:59], table [11:2], [51:48], NS, NSTable,
// DBM, GP, nT, the RES0 bits inside a block's offset range, and the address bits below
// the granule of a 16 KB or 64 KB table or page descriptor, PA[51:48] only with 52-bit
// addresses: AArch64.NextTableBase / LeafBase align them away) never fault (Arm ARM
// D8.2-D8.4).
module smmu_desc_decode #(
    parameter PA_W = 48       // OAS in bits
) (
    input  wire [63:0]     desc,
    input  wire [1:0]      level,
    input  wire [1:0]      gran,
    input  wire            stage2,
    input  wire [5:0]      oa_bits,
    input  wire [47:0]     ia,
    output wire [1:0]      kind,
    output wire [PA_W-1:0] next_table,
    output wire [PA_W-1:0] oa,
    output wire [5:0]      leaf_size,
    output wire            addr_fault,
    output wire [2:0]      attr_indx,
    output wire [1:0]      ap,
    output wire [1:0]      sh,
    output wire            af,
    output wire            ng,
    output wire            contig,
    output wire            pxn,
    output wire            uxn,
    output wire [3:0]      s2_memattr,
    output wire [1:0]      s2ap,
    output wire [1:0]      s2xn,
    output wire            pxn_table,
    output wire            uxn_table,
    output wire [1:0]      ap_table
);
    `include "smmu_gran.vh"
    `include "smmu_desc_decode.vh"

    // The rules are the functions of smmu_desc_decode.vh (the walk units call them in the
    // step that uses the result); each result in one variable, so the simulator evaluates
    // it once, not once per output
    localparam [5:0] PA_W6 = PA_W[5:0];
    wire [104:0] dec = desc_decode(desc, level, gran, oa_bits, PA_W6, ia);
    wire [23:0]  fld = desc_fields(desc, stage2);
    wire [47:0]  next_full, oa_full;
    assign {kind, leaf_size, addr_fault, next_full, oa_full} = dec;
    assign oa         = oa_full[PA_W-1:0];
    assign next_table = next_full[PA_W-1:0];
    assign {attr_indx, ap, sh, af, ng, contig, pxn, uxn, s2_memattr, s2ap, s2xn,
            pxn_table, uxn_table, ap_table} = fld;

    /* verilator lint_off UNUSEDSIGNAL */
    // Bits with no hardware meaning here (see the header); high address bits only feed
    // the address-size check when PA_W < 48.
    wire unused_ok = ^{desc[63], desc[58:55], desc[51:48], oa_full, next_full};
    /* verilator lint_on UNUSEDSIGNAL */
endmodule
