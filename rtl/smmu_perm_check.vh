// The access-flag and permission decision of smmu_perm_check as a function (Arm ARM D8.4,
// AArch64.CheckPermission / CheckS2Permission; IHI 0070 13.4.1, 13.4.3, 5.4), so that a
// walk unit evaluates it in the step that uses the result (the simulator then skips it in
// every other cycle, and synthesis builds the same logic in front of the same registers).
// smmu_perm_check is a wrapper of it: one description of the rules. Included inside a
// module body. The arguments mean what smmu_perm_check's ports do, plus xnx (its XNX
// parameter, IDR3.XNX):
//
//   perm_check(xnx, stage2, rnw, priv, instr, world, ap, pxn, uxn, ap_table, pxn_table,
//              uxn_table, had, pan, wxn, s2ap, s2xn, af, affd) -> {af_fault, perm_fault}
//
// Order (7.3.22): the access flag is checked before permissions, so perm_fault is only
// raised when af_fault is 0.
function [1:0] perm_check(input pc_xnx, input pc_stage2, input pc_rnw, input pc_priv,
                          input pc_instr, input [1:0] pc_world, input [1:0] pc_ap,
                          input pc_pxn, input pc_uxn, input [1:0] pc_ap_table,
                          input pc_pxn_table, input pc_uxn_table, input pc_had,
                          input pc_pan, input pc_wxn, input [1:0] pc_s2ap,
                          input [1:0] pc_s2xn, input pc_af, input pc_affd);
    reg pc_ifetch, pc_el2, pc_hier, pc_ap2, pc_ap1, pc_pxn_e, pc_uxn_e;
    reg pc_priv_w, pc_user_r, pc_user_w, pc_pan_hit, pc_user_xn, pc_priv_xn, pc_el2_xn;
    reg pc_s1_fail, pc_s2_xn, pc_s2_fail, pc_af_fault;
    begin
        pc_ifetch = pc_rnw && pc_instr;          // writes are Data (13.1.2)
        pc_el2    = (pc_world == 2'd1);          // NS-EL2: one privilege level

        // ---- stage 1: hierarchical restrictions merged into the leaf (ARM D8.4.2)
        pc_hier    = !pc_had;
        pc_ap2     = pc_ap[1] | (pc_hier & pc_ap_table[1]);           // APTable[1]: no writes
        pc_ap1     = pc_el2 | (pc_ap[0] & !(pc_hier & pc_ap_table[0])); // APTable[0]: no EL0
        pc_pxn_e   = pc_pxn | (pc_hier & pc_pxn_table);
        pc_uxn_e   = pc_uxn | (pc_hier & pc_uxn_table);
        pc_priv_w  = !pc_ap2;
        pc_user_r  = pc_ap1;
        pc_user_w  = pc_ap1 && !pc_ap2;
        // PAN: a privileged data access to an EL0-accessible page faults
        pc_pan_hit = pc_pan && pc_user_r && !pc_el2;
        // EL0-writable is never privileged-executable; WXN: writable implies execute-never
        pc_user_xn = pc_uxn_e || (pc_user_w && pc_wxn);
        pc_priv_xn = pc_pxn_e || (pc_priv_w && pc_wxn) || pc_user_w;
        pc_el2_xn  = pc_uxn_e || (pc_priv_w && pc_wxn);
        if (pc_el2)
            pc_s1_fail = pc_ifetch ? pc_el2_xn : (!pc_rnw && !pc_priv_w);
        else if (pc_priv)
            pc_s1_fail = pc_ifetch ? pc_priv_xn : (pc_pan_hit || (!pc_rnw && !pc_priv_w));
        else
            pc_s1_fail = pc_ifetch ? pc_user_xn : (pc_rnw ? !pc_user_r : !pc_user_w);

        // ---- stage 2 (ARM AArch64.CheckS2Permission with FEAT_XNX)
        if (!pc_xnx)
            pc_s2_xn = pc_s2xn[1];
        else
            case (pc_s2xn)
                2'b00:   pc_s2_xn = 1'b0;
                2'b01:   pc_s2_xn = pc_priv;       // not executable at EL1
                2'b10:   pc_s2_xn = 1'b1;
                default: pc_s2_xn = !pc_priv;      // not executable at EL0
            endcase
        pc_s2_fail = pc_ifetch ? pc_s2_xn : (pc_rnw ? !pc_s2ap[0] : !pc_s2ap[1]);

        pc_af_fault = !pc_af && !pc_affd;
        perm_check  = {pc_af_fault, !pc_af_fault && (pc_stage2 ? pc_s2_fail : pc_s1_fail)};
    end
endfunction
