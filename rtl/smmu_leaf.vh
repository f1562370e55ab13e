// The leaf bundle: what a table walk returns (smmu_s1_walker) and a TLB entry holds
// besides its tag (smmu_tlb), and what the permission and attribute logic read
// (smmu_xlate). Included inside module bodies. Field <NAME> is x[LEAF_<NAME>_LSB +: W].
//
// Permissions are kept raw (not judged for one access) so a hit re-checks them for the
// access at hand. Stage-1 fields of a stage-2-only translation and stage-2 fields of a
// stage-1-only one are don't-care: the consumers look at the stage enables.
/* verilator lint_off UNUSEDPARAM */
localparam LEAF_OA_LSB        = 0;   // output address bits [55:12] of the page/block base
localparam LEAF_OA_W          = 44;  //   (bits below the size are 0)
localparam LEAF_SIZE_LSB      = 44;  // log2 of the translation size in bytes, 12..39: the
localparam LEAF_SIZE_W        = 6;   //   page or block (4K 12/21/30, 16K 14/25, 64K 16/29),
                                     //   the smaller of the two stages when nested
localparam LEAF_S1ATTR_LSB    = 50;  // stage-1 MAIR byte selected by AttrIndx, raw:
localparam LEAF_S1ATTR_W      = 8;   //   smmu_attr applies the reserved encodings (IHI 0070 5.4)
localparam LEAF_S1SH_LSB      = 58;  // stage-1 descriptor SH
localparam LEAF_S1SH_W        = 2;
localparam LEAF_S2MEMATTR_LSB = 60;  // stage-2 descriptor MemAttr[3:0]
localparam LEAF_S2MEMATTR_W   = 4;
localparam LEAF_S2SH_LSB      = 64;  // stage-2 descriptor SH
localparam LEAF_S2SH_W        = 2;
localparam LEAF_S1AP_LSB      = 66;  // stage-1 AP[2:1], APTable folded in (unless HAD)
localparam LEAF_S1AP_W        = 2;
localparam LEAF_S1PXN_LSB     = 68;  // stage-1 PXN, PXNTable folded in (unless HAD)
localparam LEAF_S1UXN_LSB     = 69;  // stage-1 UXN (XN in EL2), UXNTable folded in
localparam LEAF_NG_LSB        = 70;  // stage-1 nG: the entry is ASID-tagged
localparam LEAF_S2AP_LSB      = 71;  // stage-2 S2AP
localparam LEAF_S2AP_W        = 2;
localparam LEAF_S2XN_LSB      = 73;  // stage-2 XN[1:0] (XNX)
localparam LEAF_S2XN_W        = 2;
localparam LEAF_W             = 75;
/* verilator lint_on UNUSEDPARAM */

// The size arithmetic every user of a leaf does one way (smmu_s1_walker, smmu_tlb,
// smmu_xlate). `size` is LEAF_SIZE: log2 of the bytes the leaf maps, 12..39.

// Byte-offset mask of a leaf: address bits [size-1:0] set.
function [55:0] leaf_off_mask(input [5:0] size);
    leaf_off_mask = ~({56{1'b1}} << size);
endfunction

// Page-number mask of a leaf: of the page-number bits (address bits [55:12]), the ones
// that name the leaf, [55:size]; two addresses are under the same leaf when they agree
// there.
function [43:0] leaf_page_mask(input [5:0] size);
    leaf_page_mask = {44{1'b1}} << (size - 6'd12);
endfunction

// PA of address `ia` under leaf `lf`: the leaf's output address above its size, the
// input's offset below it. (Only OA and SIZE of the bundle are read.)
/* verilator lint_off UNUSEDSIGNAL */
function [55:0] leaf_pa(input [LEAF_W-1:0] lf, input [55:0] ia);
    reg [55:0] m;
    begin
        m      = leaf_off_mask(lf[LEAF_SIZE_LSB +: LEAF_SIZE_W]);
        leaf_pa = ({lf[LEAF_OA_LSB +: LEAF_OA_W], 12'd0} & ~m) | (ia & m);
    end
endfunction
/* verilator lint_on UNUSEDSIGNAL */
