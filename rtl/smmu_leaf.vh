// The leaf bundle: what a table walk returns (smmu_walker) and a TLB entry holds
// besides its tag (smmu_tlb), and what the permission and attribute logic read
// (smmu_xlate). Included inside module bodies. Field <NAME> is x[LEAF_<NAME>_LSB +: W].
//
// Permissions are kept raw (not judged for one access) so a hit re-checks them for the
// access at hand. Stage-1 fields of a stage-2-only translation and stage-2 fields of a
// stage-1-only one are don't-care: the consumers look at the stage enables.
/* verilator lint_off UNUSEDPARAM */
localparam LEAF_OA_LSB        = 0;   // output address bits [55:12] of the page/block base
localparam LEAF_OA_W          = 44;
localparam LEAF_SIZE_LSB      = 44;  // 0: 4 KB, 1: 2 MB, 2: 1 GB (smaller of the two stages)
localparam LEAF_SIZE_W        = 2;
localparam LEAF_S1ATTR_LSB    = 46;  // stage-1 MAIR byte selected by AttrIndx, raw:
localparam LEAF_S1ATTR_W      = 8;   //   smmu_attr applies the reserved encodings (IHI 0070 5.4)
localparam LEAF_S1SH_LSB      = 54;  // stage-1 descriptor SH
localparam LEAF_S1SH_W        = 2;
localparam LEAF_S2MEMATTR_LSB = 56;  // stage-2 descriptor MemAttr[3:0]
localparam LEAF_S2MEMATTR_W   = 4;
localparam LEAF_S2SH_LSB      = 60;  // stage-2 descriptor SH
localparam LEAF_S2SH_W        = 2;
localparam LEAF_S1AP_LSB      = 62;  // stage-1 AP[2:1], APTable folded in (unless HAD)
localparam LEAF_S1AP_W        = 2;
localparam LEAF_S1PXN_LSB     = 64;  // stage-1 PXN, PXNTable folded in (unless HAD)
localparam LEAF_S1UXN_LSB     = 65;  // stage-1 UXN (XN in EL2), UXNTable folded in
localparam LEAF_NG_LSB        = 66;  // stage-1 nG: the entry is ASID-tagged
localparam LEAF_S2AP_LSB      = 67;  // stage-2 S2AP
localparam LEAF_S2AP_W        = 2;
localparam LEAF_S2XN_LSB      = 69;  // stage-2 XN[1:0] (XNX)
localparam LEAF_S2XN_W        = 2;
localparam LEAF_W             = 71;
/* verilator lint_on UNUSEDPARAM */
