// smmu_utlb: the micro-TLB of one direction of the client port: the last few complete
// translation answers, looked up in the cycle a transaction's address is accepted, so a
// hit is decided (and may go downstream) without a round trip through the translation
// unit.
//
// An entry maps everything a translation answer depends on to the answer:
//   key   {AxUSER (StreamID, SSV, incoming shareability, No_snoop), VA[63:12], AxPROT,
//          AxCACHE}: the translation unit's inputs, the direction being fixed per instance
//   value {PA[PA_W-1:12], AxCACHE, AxPROT, AxDOMAIN, attribute byte}: its outputs
// Only successful answers of 4 KB-aligned translations are held (every translation size
// is a multiple of 4 KB, so the page of the address keeps the answer exact); faults are
// never cached (a fault records an event each time). The entries are a copy of what the
// translation unit's caches said, so any invalidation (TLBI or CFGI: `clear`) empties it,
// as does turning translation off. A fill is registered and written in the next cycle (the
// translation answer's slot read, the key compare with every entry, the victim choice and
// the write were one path); a lookup in between misses it, and a clear in either cycle
// drops it. A fill whose key is already held overwrites that entry (never two entries per
// key); otherwise the victim is the first free entry, else round robin.
module smmu_utlb #(
    parameter E     = 8,           // entries
    parameter KEY_W = 80,
    parameter VAL_W = 53
) (
    input  wire             clk,
    input  wire             rst_n,
    input  wire             clear,

    input  wire             lk_valid,      // a lookup this cycle (else no hit)
    input  wire [KEY_W-1:0] lk_key,
    output wire             lk_hit,
    output reg  [VAL_W-1:0] lk_val,

    input  wire             fill_valid,
    input  wire [KEY_W-1:0] fill_key,
    input  wire [VAL_W-1:0] fill_val
);
    localparam EW = (E <= 2) ? 1 : $clog2(E);

    reg [E-1:0]     v_q;
    reg [KEY_W-1:0] key_q [0:E-1];
    reg [VAL_W-1:0] val_q [0:E-1];
    reg [EW-1:0]    rr_q;

    // the registered fill
    reg             f_v_q;
    reg [KEY_W-1:0] f_key_q;
    reg [VAL_W-1:0] f_val_q;
    always @(posedge clk) begin
        if (!rst_n) f_v_q <= 1'b0;
        else        f_v_q <= fill_valid && !clear;
        if (fill_valid) begin
            f_key_q <= fill_key;
            f_val_q <= fill_val;
        end
    end

    integer hi, si, vi;   // each always block its own loop variable

    // (each comparison only in a cycle that uses it: the lookup while lk_valid, the
    // fill's while f_v_q; in two blocks, so that only the lookup depends on the lookup's
    // inputs, top-level ones that the simulator evaluates on each of its evaluations)
    reg [E-1:0] hit_v, same_v;
    always @* begin
        lk_val = {VAL_W{1'b0}};
        hit_v  = {E{1'b0}};
        hi     = 0;
        if (lk_valid)
            for (hi = 0; hi < E; hi = hi + 1) begin
                hit_v[hi] = v_q[hi] && key_q[hi] == lk_key;
                if (hit_v[hi])
                    lk_val = lk_val | val_q[hi];   // at most one entry matches a key
            end
    end
    always @* begin
        same_v = {E{1'b0}};
        si     = 0;
        if (f_v_q)
            for (si = 0; si < E; si = si + 1)
                same_v[si] = v_q[si] && key_q[si] == f_key_q;
    end
    assign lk_hit = |hit_v;

    // victim: the entry holding the key, else the first free one, else round robin
    reg [EW-1:0] vic;
    reg          vic_found;
    always @* begin
        vic       = rr_q;
        vic_found = 1'b0;
        for (vi = E - 1; vi >= 0; vi = vi - 1)
            if (!v_q[vi]) begin
                vic       = vi[EW-1:0];
                vic_found = 1'b1;
            end
        for (vi = E - 1; vi >= 0; vi = vi - 1)
            if (same_v[vi]) begin
                vic       = vi[EW-1:0];
                vic_found = 1'b1;
            end
    end

    always @(posedge clk) begin
        if (!rst_n) begin
            v_q  <= {E{1'b0}};
            rr_q <= {EW{1'b0}};
        end else if (clear) begin
            v_q <= {E{1'b0}};
        end else if (f_v_q) begin
            // a mask, not v_q[vic] <= 1: Yosys 0.23 lowers a write at a computed bit to a
            // shift with a 32-bit carry chain
            v_q        <= v_q | ({{(E - 1){1'b0}}, 1'b1} << vic);
            key_q[vic] <= f_key_q;
            val_q[vic] <= f_val_q;
            if (!vic_found)
                rr_q <= (rr_q == E[EW-1:0] - 1'b1) ? {EW{1'b0}} : rr_q + 1'b1;
        end
    end

`ifdef FORMAL
    // ---------------- properties (make formal: formal/smmu_utlb.sby) ----------------
    // Every input is free. Proven: never two valid entries with one key, so a lookup
    // hits at most one entry (lk_val ORs the hits' values; 3.21.1 for the TLB it copies).
    // The invariant is 1-inductive: a fill overwrites the entry that holds its key, or
    // writes a key no valid entry holds; clear only clears.
    `include "smmu_formal.vh"

    integer f, g;
    always @(posedge clk)
        if (rst_n)
            for (f = 0; f < E; f = f + 1)
                for (g = f + 1; g < E; g = g + 1)
                    assert (!(v_q[f] && v_q[g] && key_q[f] == key_q[g]));
    // the lookup: at most one entry hits, whatever is looked up
    always @*
        if (f_past && rst_n)
            assert ((hit_v & (hit_v - 1'b1)) == {E{1'b0}});
`endif
endmodule
