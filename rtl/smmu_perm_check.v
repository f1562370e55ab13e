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
    localparam [1:0] W_EL2 = 2'd1;

    wire ifetch = rnw && instr;          // writes are Data (13.1.2)
    wire el2    = (world == W_EL2);

    // ---- stage 1: hierarchical restrictions merged into the leaf (ARM D8.4.2)
    wire hier    = !had;
    wire ap2     = ap[1] | (hier & ap_table[1]);                 // APTable[1]: no writes
    wire ap1     = el2 | (ap[0] & !(hier & ap_table[0]));        // APTable[0]: no EL0 access
    wire pxn_e   = pxn | (hier & pxn_table);
    wire uxn_e   = uxn | (hier & uxn_table);

    wire priv_w  = !ap2;
    wire user_r  = ap1;
    wire user_w  = ap1 && !ap2;
    // PAN: a privileged data access to an EL0-accessible page faults
    wire pan_hit = pan && user_r && !el2;
    // EL0-writable is never privileged-executable; WXN: writable implies execute-never
    wire user_xn = uxn_e || (user_w && wxn);
    wire priv_xn = pxn_e || (priv_w && wxn) || user_w;
    wire el2_xn  = uxn_e || (priv_w && wxn);

    reg s1_fail;
    always @* begin
        if (el2)
            s1_fail = ifetch ? el2_xn : (!rnw && !priv_w);
        else if (priv)
            s1_fail = ifetch ? priv_xn : (pan_hit || (!rnw && !priv_w));
        else
            s1_fail = ifetch ? user_xn : (rnw ? !user_r : !user_w);
    end

    // ---- stage 2 (ARM AArch64.CheckS2Permission with FEAT_XNX)
    reg s2_xn;
    always @* begin
        if (XNX == 0)
            s2_xn = s2xn[1];
        else
            case (s2xn)
                2'b00:   s2_xn = 1'b0;
                2'b01:   s2_xn = priv;       // not executable at EL1
                2'b10:   s2_xn = 1'b1;
                default: s2_xn = !priv;      // not executable at EL0
            endcase
    end
    wire s2_fail = ifetch ? s2_xn : (rnw ? !s2ap[0] : !s2ap[1]);

    assign af_fault   = !af && !affd;
    assign perm_fault = !af_fault && (stage2 ? s2_fail : s1_fail);
endmodule
