// The descriptor decode of smmu_desc_decode as functions (VMSAv8-64, Arm ARM D8.3; IHI
// 0070 3.4), so that a walk unit evaluates it in the step that uses the result (the
// simulator then skips it in every other cycle, and synthesis builds the same logic in
// front of the same registers). smmu_desc_decode is a wrapper of these functions: one
// description of the rules. Included inside a module body, after smmu_gran.vh. The
// meanings are smmu_desc_decode's (its header has the fields and the faults):
//
//   desc_decode(desc, level, gran, oa_bits, pa_w, ia)
//     -> {kind[1:0], leaf_size[5:0], addr_fault, next_table[47:0], oa[47:0]}
//        pa_w is the OAS in bits (the PA_W parameter); next_table and oa are 48 bits wide,
//        the caller keeps [PA_W-1:0]
//   desc_next_table(desc, gran) -> next_table[47:0]: the address field of a table
//        descriptor, desc[47:granule] (what desc_decode gives for kind = table; it does
//        not depend on the level)
//   desc_fields(desc, stage2)
//     -> {attr_indx[2:0], ap[1:0], sh[1:0], af, ng, contig, pxn, uxn, s2_memattr[3:0],
//         s2ap[1:0], s2xn[1:0], pxn_table, uxn_table, ap_table[1:0]}
//        the fixed bit fields: leaf ones of either stage, and the stage-1 table ones,
//        forced to 0 at stage 2 (RES0 there) so a walker may OR them in blindly
//   desc_table_fields(desc, stage2) -> {pxn_table, uxn_table, ap_table[1:0]}: the last
//        four of desc_fields

/* verilator lint_off UNUSEDPARAM */
localparam [1:0] DD_INVALID = 2'd0, DD_TABLE = 2'd1, DD_BLOCK = 2'd2, DD_PAGE = 2'd3;
/* verilator lint_on UNUSEDPARAM */

// (the descriptor bits one function does not look at are the other's, or ignored)
/* verilator lint_off UNUSEDSIGNAL */
// The masks are written without shift operators: a decode that a walk unit evaluates
// only in one step is then not merged by synthesis (resource sharing) with a shifter of
// another step, which would put a multiplexer in front of both.
function [47:0] desc_next_table(input [63:0] dd_desc, input [1:0] dd_gran);
    case (dd_gran)             // bits [47:gran_bits]
        GRAN_4K:  desc_next_table = {dd_desc[47:12], 12'd0};
        GRAN_16K: desc_next_table = {dd_desc[47:14], 14'd0};
        GRAN_64K: desc_next_table = {dd_desc[47:16], 16'd0};
        default:  desc_next_table = {dd_desc[47:18], 18'd0};
    endcase
endfunction

// The bits at or above position s (s up to 63)
function [47:0] dd_from(input [5:0] dd_s);
    integer dd_i;
    begin
        for (dd_i = 0; dd_i < 48; dd_i = dd_i + 1)
            dd_from[dd_i] = (dd_i[5:0] >= dd_s);
    end
endfunction

function [104:0] desc_decode(input [63:0] dd_desc, input [1:0] dd_level,
                             input [1:0] dd_gran, input [5:0] dd_oa_bits,
                             input [5:0] dd_pa_w, input [47:0] dd_ia);
    reg [1:0]  dd_k;
    reg [5:0]  dd_lsh, dd_lim;
    reg [47:0] dd_mask, dd_addr;
    begin
        // The lowest address bit of the descriptor's address field for its kind: the
        // granule for a table (the next table is granule-aligned), the leaf size for a
        // block or page
        dd_lsh = gran_lvl_shift(dd_gran, dd_level);
        dd_k   = DD_INVALID;
        if (dd_desc[0]) begin
            if (dd_desc[1])
                dd_k = (dd_level == 2'd3) ? DD_PAGE : DD_TABLE;
            else if (gran_block_ok(dd_gran, dd_level))
                dd_k = DD_BLOCK;
        end
        // Address field of the descriptor (bits [47:shift]); output size limit: values
        // above the OAS act as the OAS
        dd_mask = dd_from((dd_k == DD_TABLE) ? gran_bits(dd_gran) : dd_lsh);
        dd_lim  = (dd_oa_bits < dd_pa_w) ? dd_oa_bits : dd_pa_w;
        dd_addr = dd_desc[47:0] & dd_mask;
        desc_decode = {dd_k, dd_lsh,
                       (dd_k != DD_INVALID) && ((dd_addr & dd_from(dd_lim)) != 48'd0),
                       desc_next_table(dd_desc, dd_gran), dd_addr | (dd_ia & ~dd_mask)};
    end
endfunction

function [3:0] desc_table_fields(input [63:0] dd_desc, input dd_stage2);
    desc_table_fields = {!dd_stage2 && dd_desc[59], !dd_stage2 && dd_desc[60],
                         dd_stage2 ? 2'b00 : dd_desc[62:61]};
endfunction

function [23:0] desc_fields(input [63:0] dd_desc, input dd_stage2);
    desc_fields = {dd_desc[4:2], dd_desc[7:6], dd_desc[9:8], dd_desc[10], dd_desc[11],
                   dd_desc[52], dd_desc[53], dd_desc[54],
                   dd_desc[5:2], dd_desc[7:6], dd_desc[54:53],
                   desc_table_fields(dd_desc, dd_stage2)};
endfunction
/* verilator lint_on UNUSEDSIGNAL */
