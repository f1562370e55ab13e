// The locals of a walk unit's decode step (ST_DEC of smmu_s1_walker and smmu_s2_walker),
// declared once: the descriptor's decode (desc_decode() of smmu_desc_decode.vh), its bit
// fields (desc_fields()) and the leaf's checks (perm_check() of smmu_perm_check.vh).
// Included at the head of the step's named block, before its statements; a unit declares
// the fields only it uses after it.
reg  [104:0]    e_dec;              // desc_decode(): {kind, size, afault, next, oa}
reg  [1:0]      e_kind;
reg  [5:0]      e_size;
reg             e_afault;
/* verilator lint_off UNUSEDSIGNAL */
reg  [47:0]     e_next48, e_oa48;   // bits above PA_W unused
reg  [23:0]     e_fld;              // the bit fields (desc_fields' order): a unit uses some
/* verilator lint_on UNUSEDSIGNAL */
reg  [1:0]      e_pc;               // {access flag fault, permission fault}
reg  [1:0]      e_ap;
reg             e_af, e_pxn, e_uxn;
/* verilator lint_off UNUSEDSIGNAL */
reg  [1:0]      e_sh;               // (smmu_s1_walker takes it in ST_EVAL)
/* verilator lint_on UNUSEDSIGNAL */
