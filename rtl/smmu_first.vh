// The lowest set bit of an N-bit slot vector, {any, index} (index IW bits), and the
// picks built on it (round robin; all but one slot), for the client port's slot picks
// (smmu_txn_order, smmu_client_rd, smmu_client_wr); and put(), the write of one slot's
// flag. Included inside module bodies that have parameters N and IW = log2(N).
//
// The bit alone is v & -v; bit b of its index is the OR of it over the slots whose number
// has bit b set (FIRST_IDX_MASK, a constant): a carry chain and IW OR-reductions instead
// of an N-step priority chain (which also costs the simulation a loop per use).
function [N*IW-1:0] first_idx_masks(input integer slots);
    integer k, b;
    begin
        first_idx_masks = {(N * IW){1'b0}};
        for (b = 0; b < IW; b = b + 1)
            for (k = 0; k < slots; k = k + 1)
                first_idx_masks[b * N + k] = ((k >> b) & 1) != 0;
    end
endfunction
localparam [N*IW-1:0] FIRST_IDX_MASK = first_idx_masks(N);
function [IW:0] first(input [N-1:0] v);
    reg [N-1:0] lo;
    integer b;
    begin
        lo = v & (~v + {{(N - 1){1'b0}}, 1'b1});
        first[IW] = |v;
        for (b = 0; b < IW; b = b + 1)
            first[b] = |(lo & FIRST_IDX_MASK[b * N +: N]);
    end
endfunction
// Round robin: the lowest set bit of v among the slots after the last pick (`after`, a
// mask of the slots above it), else the lowest of all.
function [IW:0] rr_first(input [N-1:0] v, input [N-1:0] after);
    reg [IW:0] hi;
    begin
        hi       = first(v & after);
        rr_first = hi[IW] ? hi : first(v);
    end
endfunction
// The lowest set bit of v other than slot idx when ex is set: a registered pick's next
// one, made while the slot it holds leaves (or is still answering), must not be that slot.
function [IW:0] first_except(input [N-1:0] v, input ex, input [IW-1:0] idx);
    first_except = first(v & ~({{(N - 1){1'b0}}, ex} << idx));
endfunction
// Slot k of v set to d when en, as a mask: Yosys 0.23 lowers a write at a computed bit,
// `v[k] <= d`, to a shift with a 32-bit carry chain (about 7 LUT levels for 8 slots) where
// the mask takes one.
function [N-1:0] put(input [N-1:0] v, input en, input [IW-1:0] k, input d);
    reg [N-1:0] m;
    begin
        m   = {{(N - 1){1'b0}}, en} << k;
        put = (v & ~m) | ({N{d}} & m);
    end
endfunction
