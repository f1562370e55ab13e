// Translation granules (Arm ARM D8.2, D8.3; IHI 0070 5.2 STE.S2TG, 5.4 CD.TG0/TG1), with
// DS = 0 and no 52-bit addresses. Included inside module bodies.
//
// A granule travels as a 2-bit code, GRAN_4K / GRAN_16K / GRAN_64K, not in the CD or STE
// encodings (TG0 and S2TG: 00 4 KB, 01 64 KB, 10 16 KB; TG1: 01 16 KB, 10 4 KB, 11 64 KB):
// the decoders (smmu_cd_decode, smmu_ste_decode) translate and validate them once.
// Code g is a granule of 2^(12 + 2g) bytes holding 2^(9 + 2g) descriptors, so each level
// resolves 9 + 2g bits and an entry at level L maps 2^(12 + 2g + (9 + 2g) * (3 - L))
// bytes: 4 KB 4K/2M/1G/512G, 16 KB 16K/32M/64G/128T, 64 KB 64K/512M/4T.
/* verilator lint_off UNUSEDPARAM */
localparam [1:0] GRAN_4K  = 2'd0;
localparam [1:0] GRAN_16K = 2'd1;
localparam [1:0] GRAN_64K = 2'd2;
/* verilator lint_on UNUSEDPARAM */

// The same functions come from this include in the walk units (smmu_s1_walker,
// smmu_s2_walker) and in the decoders they hold; once Verilator inlines those decoders
// into a unit under a generate block, it reports the identical declarations as hiding one
// another (VARHIDDEN). They are one definition.
/* verilator lint_off VARHIDDEN */
// log2 of the granule (the page size): 12, 14, 16
function [5:0] gran_bits(input [1:0] g);
    gran_bits = 6'd12 + {3'd0, g, 1'b0};
endfunction

// Bits one table level resolves: 9, 11, 13
function [5:0] gran_stride(input [1:0] g);
    gran_stride = 6'd9 + {3'd0, g, 1'b0};
endfunction

// log2 of the bytes one entry at level `lvl` maps (the page or block size; the lowest
// input-address bit that level indexes). Level 0 of 64 KB (no such level) gives 55.
function [5:0] gran_lvl_shift(input [1:0] g, input [1:0] lvl);
    case ({g, lvl})
        {GRAN_4K, 2'd0}:  gran_lvl_shift = 6'd39;
        {GRAN_4K, 2'd1}:  gran_lvl_shift = 6'd30;
        {GRAN_4K, 2'd2}:  gran_lvl_shift = 6'd21;
        {GRAN_16K, 2'd0}: gran_lvl_shift = 6'd47;
        {GRAN_16K, 2'd1}: gran_lvl_shift = 6'd36;
        {GRAN_16K, 2'd2}: gran_lvl_shift = 6'd25;
        {GRAN_16K, 2'd3}: gran_lvl_shift = 6'd14;
        {GRAN_64K, 2'd0}: gran_lvl_shift = 6'd55;
        {GRAN_64K, 2'd1}: gran_lvl_shift = 6'd42;
        {GRAN_64K, 2'd2}: gran_lvl_shift = 6'd29;
        {GRAN_64K, 2'd3}: gran_lvl_shift = 6'd16;
        default:          gran_lvl_shift = 6'd12;   // 4 KB level 3 (code 3 acts as 4 KB)
    endcase
endfunction

// Descriptor bits[1:0] = 0b01 is a block only at these levels (AArch64.BlockDescSupported,
// DS = 0, no 52-bit PA): 4 KB levels 1 and 2, 16 KB and 64 KB level 2. Elsewhere it is a
// translation fault.
function gran_block_ok(input [1:0] g, input [1:0] lvl);
    gran_block_ok = (lvl == 2'd2) || (lvl == 2'd1 && g == GRAN_4K);
endfunction
/* verilator lint_on VARHIDDEN */
