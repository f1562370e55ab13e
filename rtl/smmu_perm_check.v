// smmu_perm_check: access-flag and permission decision for one translation stage, VMSAv8-64
// direct permissions (ARM D8.4, AArch64.CheckPermission / CheckS2Permission; IHI 0070
// 13.4.1, 13.4.3, 5.4 PAN/WXN/HAD). Pure combinational.
//
// Order (7.3.22): the access flag is checked before permissions, so perm_fault is only
// raised when af_fault is 0.
//
// Ports:
//   stage2       0: check the stage-1 leaf, 1: the stage-2 leaf
//   rnw          1 read, 0 write (a write is always Data: instr is ignored then)
//   priv         PRIV after STE.PRIVCFG (AxPROT[0])
//   instr        INST after STE.INSTCFG (AxPROT[2]); an instruction fetch needs only
//                execute permission at either stage
//   world        StreamWorld: 0 NS-EL1, 1 NS-EL2, 2 NS-EL2-E2H. NS-EL2 has one privilege
//                level: AP[1] acts as 1, PRIV plays no part, bit 54 is XN, PXN/PXNTable/
//                APTable[0] are not used, PAN does not apply (13.4.1)
//   ap           stage-1 leaf AP[2:1] (descriptor [7:6])
//   pxn, uxn     stage-1 leaf bits 53, 54
//   ap_table, pxn_table, uxn_table  OR of the table descriptors' APTable/PXNTable/UXNTable
//                on the walk to this leaf
//   had          CD.HADx of the half used: the hierarchical bits are ignored
//   pan, wxn     CD.PAN (already 0 in NS-EL2 from smmu_cd_decode), CD.WXN
//   s2ap         stage-2 S2AP ([0] read, [1] write)
//   s2xn         stage-2 XN[1:0] (descriptor [54:53])
//   af           AF of the leaf being checked
//   affd         CD.AFFD (stage 1) or STE.S2AFFD (stage 2) of that stage
//   af_fault     F_ACCESS
//   perm_fault   F_PERMISSION
module smmu_perm_check #(
    parameter XNX = 1         // IDR3.XNX: stage-2 XN[0] distinguishes privilege
) (
    input  wire       stage2,
    input  wire       rnw,
    input  wire       priv,
    input  wire       instr,
    input  wire [1:0] world,
    input  wire [1:0] ap,
    input  wire       pxn,
    input  wire       uxn,
    input  wire [1:0] ap_table,
    input  wire       pxn_table,
    input  wire       uxn_table,
    input  wire       had,
    input  wire       pan,
    input  wire       wxn,
    input  wire [1:0] s2ap,
    input  wire [1:0] s2xn,
    input  wire       af,
    input  wire       affd,
    output wire       af_fault,
    output wire       perm_fault
);
    `include "smmu_perm_check.vh"

    // The rules are the function of smmu_perm_check.vh (the walk units call it in the step
    // that uses the result); its result in one variable, so the simulator evaluates it
    // once, not once per output
    wire [1:0] res = perm_check(XNX != 0, stage2, rnw, priv, instr, world, ap, pxn, uxn,
                                ap_table, pxn_table, uxn_table, had, pan, wxn, s2ap, s2xn,
                                af, affd);
    assign {af_fault, perm_fault} = res;
endmodule
