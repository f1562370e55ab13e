// The AMBA output mapping of a final attribute (IHI 0070 16.7.5.2/3), shared by
// smmu_attr and smmu_bypass_attr. Included inside a module body: functions only.
//
// amba_out(attr, sh, is_read) -> {AxCACHE[3:0], AxDOMAIN[1:0]}
//   attr   final MAIR-format byte; sh its shareability (SH encoding: 0 NSH, 2 OSH, 3 ISH)
//   Device (outer nibble 0): AxCACHE 0000 for nGnRnE, 0001 otherwise; System domain.
//   iWB-oWB: {WA, RA, 1, 1} from the outer level (AMBA carries one level); with no
//     allocation the AXI4 no-allocate codes 1011 (read) / 0111 (write); the domain
//     from sh (AMBA AxDOMAIN 0 Non-shareable, 1 Inner, 2 Outer).
//   every other Normal type (NC, WT, mixed levels): Non-cacheable 0011, System domain
//     (16.7.5.3, for Arm-PE compatibility).

// A MAIR nibble that is write-back: 0b11RW, or 0b01RW (transient) with RW != 00
function amba_nib_wb(input [3:0] ao_n);
    amba_nib_wb = (ao_n[3:2] == 2'b11) || (ao_n[3:2] == 2'b01 && ao_n[1:0] != 2'b00);
endfunction

// The AxDOMAIN of a write-back access of shareability sh
function [1:0] amba_sh_domain(input [1:0] ao_sh);
    case (ao_sh)
        2'd3:    amba_sh_domain = 2'd1;       // ISH -> Inner
        2'd2:    amba_sh_domain = 2'd2;       // OSH -> Outer
        default: amba_sh_domain = 2'd0;       // NSH (reserved 1 acts as NSH)
    endcase
endfunction

function [5:0] amba_out(input [7:0] ao_attr, input [1:0] ao_sh, input ao_read);
    reg [1:0] ao_dom;
    begin
        ao_dom = amba_sh_domain(ao_sh);
        if (ao_attr[7:4] == 4'h0)
            amba_out = {3'b000, ao_attr[3:2] != 2'b00, 2'd3};
        else if (amba_nib_wb(ao_attr[7:4]) && amba_nib_wb(ao_attr[3:0]))
            amba_out = {(!ao_attr[5] && !ao_attr[4]) ? (ao_read ? 4'b1011 : 4'b0111)
                                               : {ao_attr[4], ao_attr[5], 2'b11}, ao_dom};
        else
            amba_out = {4'b0011, 2'd3};
    end
endfunction
