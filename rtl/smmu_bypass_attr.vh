// The rules of smmu_bypass_attr as a function, so that a user evaluates them in the step
// that takes the result (the simulator then skips them in every other cycle, and
// synthesis builds the same logic in front of the same registers). smmu_bypass_attr is a
// wrapper of this function: one description of the rules (its header comment gives the
// input and output mappings, IHI 0070 13.1-13.3, 16.7.5). Included inside a module body,
// after smmu_amba.vh (amba_out).
//
//   bypass_attr(is_read, in_cache, in_prot, in_domain, nosnoop, mtcfg, memattr, alloccfg,
//               shcfg, privcfg, instcfg)
//     -> {out_cache[3:0], out_prot[2:0], out_domain[1:0], out_sh[1:0], out_attr[7:0]}
//        (19 bits; the port meanings are smmu_bypass_attr's)

// One level of a MemAttr (stage-2 encoding without FWB): 01 NC, 10 WT, 11 WB
function [3:0] ba_lvl_nib(input [1:0] bh_f, input bh_r, input bh_w, input bh_t);
    case (bh_f)
        2'b01:   ba_lvl_nib = 4'b0100;
        2'b10:   ba_lvl_nib = {!bh_t, 1'b0, bh_r, bh_w};
        default: ba_lvl_nib = {!bh_t, 1'b1, bh_r, bh_w};
    endcase
endfunction

// A cacheable MAIR nibble (WT or WB, transient or not) with the hints replaced
function [3:0] ba_rehint(input [3:0] bh_n, input bh_r, input bh_w, input bh_t);
    if (bh_n == 4'b0100 || bh_n == 4'b0000) ba_rehint = bh_n;
    else                                    ba_rehint = {!bh_t, bh_n[2], bh_r, bh_w};
endfunction

// (in_prot[1] is not used: the output is always Non-secure)
/* verilator lint_off UNUSEDSIGNAL */
function [18:0] bypass_attr(input ba_is_read, input [3:0] ba_in_cache,
                            input [2:0] ba_in_prot, input [1:0] ba_in_domain,
                            input ba_nosnoop, input ba_mtcfg, input [3:0] ba_memattr,
                            input [3:0] ba_alloccfg, input [1:0] ba_shcfg,
                            input [1:0] ba_privcfg, input [1:0] ba_instcfg);
/* verilator lint_on UNUSEDSIGNAL */
    reg       ba_in_dev, ba_in_cach;
    reg [3:0] ba_in_nib;
    reg [7:0] ba_in_attr;
    reg       ba_ra, ba_wa, ba_tr;
    reg [7:0] ba_typ;     // after MTCFG
    reg [7:0] ba_attr;    // after ALLOCCFG and No_snoop
    reg       ba_dev;
    reg [1:0] ba_in_sh, ba_sh, ba_o_sh;
    reg [5:0] ba_amba;
    reg [2:0] ba_prot;
    begin
        // Incoming attribute
        ba_in_dev  = !ba_in_cache[1];
        ba_in_cach = ba_in_cache[1] && (ba_in_cache[3:2] != 2'b00);
        ba_in_nib  = {1'b1, ba_in_cache[0], ba_in_cache[2], ba_in_cache[3]};
        ba_in_attr = ba_in_dev  ? {4'h0, 1'b0, ba_in_cache[0], 2'b00} :
                     ba_in_cach ? {ba_in_nib, ba_in_nib} : 8'h44;
        // Allocation hints the type override and ALLOCCFG start from
        ba_ra = ba_alloccfg[3] ? ba_alloccfg[2] : (ba_in_cach ? ba_in_cache[2] : 1'b1);
        ba_wa = ba_alloccfg[3] ? ba_alloccfg[1] : (ba_in_cach ? ba_in_cache[3] : 1'b1);
        ba_tr = ba_alloccfg[3] && ba_alloccfg[0] && (ba_ra || ba_wa);
        if (ba_mtcfg) begin
            if (ba_memattr[3:2] == 2'b00)
                ba_typ = {4'h0, ba_memattr[1:0], 2'b00};
            else if (ba_memattr[1:0] == 2'b00)
                ba_typ = 8'h00;              // reserved inner encoding: Device-nGnRnE
            else
                ba_typ = {ba_lvl_nib(ba_memattr[3:2], ba_ra, ba_wa, ba_tr),
                          ba_lvl_nib(ba_memattr[1:0], ba_ra, ba_wa, ba_tr)};
        end else begin
            ba_typ = ba_in_attr;
        end
        ba_dev = (ba_typ[7:4] == 4'h0);
        if (ba_dev)
            ba_attr = ba_typ;
        else if (ba_nosnoop && (ba_typ[7:4] != 4'b0100 || ba_typ[3:0] != 4'b0100))
            ba_attr = 8'h44;
        else if (ba_alloccfg[3])
            ba_attr = {ba_rehint(ba_typ[7:4], ba_ra, ba_wa, ba_tr),
                       ba_rehint(ba_typ[3:0], ba_ra, ba_wa, ba_tr)};
        else
            ba_attr = ba_typ;
        // Shareability (SH encoding: 0 NSH, 2 OSH, 3 ISH)
        ba_in_sh = (ba_in_dev || !ba_in_cach) ? 2'd2 :
                   (ba_in_domain == 2'd1)     ? 2'd0 : ba_in_domain;
        case (ba_shcfg)
            2'd0:    ba_sh = 2'd0;
            2'd1:    ba_sh = ba_in_sh;
            2'd2:    ba_sh = 2'd2;
            default: ba_sh = 2'd3;
        endcase
        ba_o_sh = (ba_dev || ba_attr == 8'h44) ? 2'd2 : ba_sh;
        ba_amba = amba_out(ba_attr, ba_sh, ba_is_read);
        // AxPROT: [0] privileged, [1] Non-secure, [2] instruction (writes are Data)
        ba_prot[0] = ba_privcfg[1] ? ba_privcfg[0] : ba_in_prot[0];
        ba_prot[1] = 1'b1;
        ba_prot[2] = !ba_is_read ? 1'b0 : (ba_instcfg[1] ? ba_instcfg[0] : ba_in_prot[2]);
        bypass_attr = {ba_amba[5:2], ba_prot, ba_amba[1:0], ba_o_sh, ba_attr};
    end
endfunction
