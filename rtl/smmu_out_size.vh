// Output-size encodings and the address masks the decoders check against them
// (IHI 0070 5.2 STE.S2PS, 5.4 CD.IPS; Arm ARM D8.1: IPS/PS), shared by smmu_cd_decode
// and smmu_ste_decode. Included inside their module bodies, after PA_W7 (the OAS in
// bits, 7 bits wide).

// Address-size encoding (IPS/PS) to bits. 0b110 is 52 bits and 0b111 reserved (read as
// 0b110 before v3.4): both are above any OAS this SMMU has, so the cap to the OAS below
// makes them the OAS.
function [6:0] ps_bits(input [2:0] ps);
    case (ps)
        3'd0:    ps_bits = 7'd32;
        3'd1:    ps_bits = 7'd36;
        3'd2:    ps_bits = 7'd40;
        3'd3:    ps_bits = 7'd42;
        3'd4:    ps_bits = 7'd44;
        3'd5:    ps_bits = 7'd48;
        default: ps_bits = 7'd52;
    endcase
endfunction

// The mask of bits [51:n]: one comparison with a constant per bit (shifting an all-ones
// vector and subtracting one would cost a shifter and a 52-bit carry chain)
function [51:0] at_or_above(input [6:0] n);
    integer k;
    begin
        for (k = 0; k < 52; k = k + 1) at_or_above[k] = ({25'd0, n} <= k);
    end
endfunction

// {the effective size MIN(PS, OAS) in bits, the mask of the address bits at or above it}
// of each of the 8 encodings, evaluated at elaboration: the decoders look one entry up
// (OUT_SIZE[ps*64 +: 58]) instead of comparing and shifting. Entries are 64 bits apart:
// a table index times a stride that is not a power of two is a multiplier in synthesis
// (on ECP5 a MULT18X18D on the decode path), times 64 a shift.
function [8*64-1:0] out_size_table(input integer unused);
    integer e;
    reg [6:0] b;
    begin
        out_size_table = {8*64{1'b0}};
        for (e = 0; e < 8; e = e + 1) begin
            b = (ps_bits(e[2:0]) < PA_W7) ? ps_bits(e[2:0]) : PA_W7;
            out_size_table[e*64 +: 58] = {b[5:0], at_or_above(b)};
        end
    end
endfunction
localparam [8*64-1:0] OUT_SIZE = out_size_table(0);
