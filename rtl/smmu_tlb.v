// smmu_tlb: fully associative TLB of leaf translations (IHI 0070 3.17, 4.4, 16.2).
//
// Tag {world, stages, VMID, ASID, global, size, input page}; data = the leaf bundle
// (rtl/smmu_leaf.vh). Permissions are kept raw in the leaf and re-checked on every hit,
// so one entry serves every access type.
//
// Ports:
//   world   0 NS-EL1, 1 NS-EL2, 2 NS-EL2-E2H (the StreamWorld, smmu_ste_decode.world)
//   stages  {stage 2, stage 1}: 2'b01 stage-1 only, 2'b10 stage-2 only, 2'b11 nested
//   vmid    STE.S2VMID; compared only in NS-EL1 (the EL2 worlds have no VMID)
//   asid    CD.ASID; compared only for non-global entries
//   page    input address bits [55:12]: the VA after the caller's range/TBI check (stage 1
//           on) or the IPA (stage-2 only)
//   lk_*    combinational lookup: lk_hit and lk_leaf of the (only) matching entry; the
//           caller registers them
//   fill_*  write one entry (no back-pressure). global = !leaf.nG, and always for NS-EL2
//           (no ASID there) and stage-2-only entries (no stage-1 nG). An entry already
//           matching an overlapping page for the same {world, stages, VMID, ASID/global} is
//           replaced in place and any further ones are dropped, so a lookup never hits
//           two entries (IDR3.BBML = 2 relies on it). Otherwise the first free entry is
//           used, else round-robin. A fill in the cycle an invalidation completes
//           (inv_ready) is dropped: it may come from a walk the invalidation overlapped.
//   inv_*   the raw command {dw1, dw0} (smmu_cmdq). Two cycles: the scope is decoded and
//           registered, then applied to every entry in the cycle inv_ready is high.
//           Re-applying a command is harmless, so the handshake may be shared (AND of
//           readies) with smmu_cfg. Non-TLBI opcodes are accepted and do nothing.
//   cr2_e2h SMMU_CR2.E2H (TLBI_EL2_VA matches the ASID only when it is 1)
//   flush   drop every entry (over-invalidation is always allowed)
//
// Scopes (docs/translation.md; 4.4.2-4.4.4): NH_ALL/S12_VMALL NS-EL1 of VMID; NH_ASID
// NS-EL1 of VMID and ASID, non-global; NH_VA NS-EL1 of VMID, ASID or global, overlapping;
// NH_VAA NS-EL1 of VMID overlapping; EL2_ALL both EL2 worlds; EL2_ASID EL2-E2H non-global
// of ASID; EL2_VA both EL2 worlds overlapping, ASID (or global) only when CR2.E2H = 1;
// EL2_VAA both EL2 worlds overlapping; S2_IPA NS-EL1 of VMID that are stage-2 only and
// overlap, or nested (combined entries do not keep the IPA); NSNH_ALL all NS-EL1.
// Address range (4.4.1.1): TG = 0 is the one page holding the address; TG != 0 is
// [address, address + (NUM + 1) * 2^SCALE * granule), granule 4K/16K/64K for TG 1/2/3;
// an entry is hit when [base, base + size) overlaps it. LEAF and TTL only narrow the
// architectural scope and are ignored (this TLB holds leaf entries only).
module smmu_tlb #(
    parameter TLB_ENTRIES = 16,
    parameter LEAF_BITS   = 75    // must equal LEAF_W of smmu_leaf.vh
) (
    input  wire                 clk,
    input  wire                 rst_n,

    input  wire                 cr2_e2h,
    input  wire                 flush,

    input  wire [1:0]           lk_world,
    input  wire [1:0]           lk_stages,
    input  wire [15:0]          lk_vmid,
    input  wire [15:0]          lk_asid,
    input  wire [43:0]          lk_page,
    output wire                 lk_hit,
    output wire [LEAF_BITS-1:0] lk_leaf,

    input  wire                 fill_valid,
    input  wire [1:0]           fill_world,
    input  wire [1:0]           fill_stages,
    input  wire [15:0]          fill_vmid,
    input  wire [15:0]          fill_asid,
    input  wire [43:0]          fill_page,
    input  wire [LEAF_BITS-1:0] fill_leaf,

    input  wire                 inv_valid,
    output wire                 inv_ready,
    input  wire [127:0]         inv_cmd
);
    `include "smmu_regs.vh"
    `include "smmu_leaf.vh"

    localparam N  = TLB_ENTRIES;
    localparam IW = (N <= 2) ? 1 : $clog2(N);
    localparam [31:0] LAST = N - 1;

    localparam [1:0] W_EL1 = 2'd0, W_EL2 = 2'd1, W_E2H = 2'd2;
    localparam [1:0] ST_S2 = 2'b10, ST_NEST = 2'b11;

    // Page-number mask of an entry of the given leaf size (log2 bytes, smmu_leaf.vh)
    function [43:0] size_mask(input [5:0] sz);
        size_mask = leaf_page_mask(sz);
    endfunction

    // ---------------- entries ----------------
    reg [N-1:0]         e_v;
    reg [N-1:0]         e_glb;
    reg [1:0]           e_world  [0:N-1];
    reg [1:0]           e_stages [0:N-1];
    reg [15:0]          e_vmid   [0:N-1];
    reg [15:0]          e_asid   [0:N-1];
    reg [5:0]           e_size   [0:N-1];
    reg [43:0]          e_page   [0:N-1];   // aligned to the entry's size
    reg [LEAF_BITS-1:0] e_leaf   [0:N-1];
    reg [IW-1:0]        rr;

    // ---------------- lookup ----------------
    reg [N-1:0]         lk_m;
    reg [LEAF_BITS-1:0] lk_or;
    integer i;
    always @* begin
        lk_or = {LEAF_BITS{1'b0}};
        for (i = 0; i < N; i = i + 1) begin
            lk_m[i] = e_v[i] && e_world[i] == lk_world && e_stages[i] == lk_stages &&
                      (e_world[i] != W_EL1 || e_vmid[i] == lk_vmid) &&
                      (e_glb[i] || e_asid[i] == lk_asid) &&
                      ((e_page[i] ^ lk_page) & size_mask(e_size[i])) == 44'd0;
            if (lk_m[i]) lk_or = lk_or | e_leaf[i];
        end
    end
    assign lk_hit  = |lk_m;
    assign lk_leaf = lk_or;

    // ---------------- fill ----------------
    wire [5:0]  f_size = fill_leaf[LEAF_SIZE_LSB +: LEAF_SIZE_W];
    wire        f_glb  = !fill_leaf[LEAF_NG_LSB] || fill_world == W_EL2 ||
                         fill_stages == ST_S2;
    wire [43:0] f_page = fill_page & size_mask(f_size);

    // Entries that would match some lookup the new entry also matches
    reg [N-1:0]  f_conf;
    reg [IW-1:0] f_conf_idx, f_free_idx;
    reg          f_any_conf, f_any_free;
    always @* begin
        f_conf_idx = {IW{1'b0}};
        f_free_idx = {IW{1'b0}};
        f_any_conf = 1'b0;
        f_any_free = 1'b0;
        for (i = N - 1; i >= 0; i = i - 1) begin
            f_conf[i] = e_v[i] && e_world[i] == fill_world && e_stages[i] == fill_stages &&
                        (e_world[i] != W_EL1 || e_vmid[i] == fill_vmid) &&
                        (e_glb[i] || f_glb || e_asid[i] == fill_asid) &&
                        ((e_page[i] ^ f_page) & size_mask(e_size[i]) &
                         size_mask(f_size)) == 44'd0;
            if (f_conf[i]) begin
                f_any_conf = 1'b1;
                f_conf_idx = i[IW-1:0];
            end
            if (!e_v[i]) begin
                f_any_free = 1'b1;
                f_free_idx = i[IW-1:0];
            end
        end
    end
    wire [IW-1:0] f_idx = f_any_conf ? f_conf_idx : f_any_free ? f_free_idx : rr;

    // ---------------- invalidation ----------------
    reg        inv_pend;          // scope registered, applied in the next cycle
    reg [7:0]  q_op;
    reg [15:0] q_vmid, q_asid;
    reg [43:0] q_start;           // page numbers, [start, end)
    reg [45:0] q_end;
    reg        q_e2h;

    wire [7:0]  c_op    = inv_cmd[CMD_OPCODE_LSB +: CMD_OPCODE_W];
    wire [1:0]  c_tg    = inv_cmd[CMD_TG_LSB +: CMD_TG_W];
    wire [4:0]  c_num   = inv_cmd[CMD_NUM_LSB +: CMD_NUM_W];
    wire [4:0]  c_scale = inv_cmd[CMD_SCALE_LSB +: CMD_SCALE_W];
    wire [43:0] c_page  = inv_cmd[CMD_ADDR_LSB +: 44];          // address bits [55:12]
    // Pages of 4 KB in the range: (NUM + 1) << (SCALE + log2(granule / 4 KB))
    wire [2:0]  c_gsh   = (c_tg == 2'd2) ? 3'd2 : (c_tg == 2'd3) ? 3'd4 : 3'd0;
    wire [45:0] c_len   = (c_tg == 2'd0) ? 46'd1 :
                          ({40'd0, 1'b0, c_num} + 46'd1) << ({1'b0, c_scale} + {3'b0, c_gsh});
    
    assign inv_ready = inv_pend;

    reg [N-1:0] inv_hit;
    reg         ovl, vm, el1, el2w;
    always @* begin
        for (i = 0; i < N; i = i + 1) begin
            // [base, base + size) overlaps [start, end): base < end and start < base + size;
            // base is size-aligned, so the latter is (start rounded down to size) <= base
            ovl  = ({2'b00, e_page[i]} < q_end) &&
                   ((q_start & size_mask(e_size[i])) <= e_page[i]);
            el1  = e_world[i] == W_EL1;
            el2w = e_world[i] == W_EL2 || e_world[i] == W_E2H;
            vm   = el1 && e_vmid[i] == q_vmid;
            case (q_op)
                CMD_OP_TLBI_NH_ALL, CMD_OP_TLBI_S12_VMALL:
                    inv_hit[i] = vm;
                CMD_OP_TLBI_NH_ASID:
                    inv_hit[i] = vm && !e_glb[i] && e_asid[i] == q_asid;
                CMD_OP_TLBI_NH_VA:
                    inv_hit[i] = vm && (e_glb[i] || e_asid[i] == q_asid) && ovl;
                CMD_OP_TLBI_NH_VAA:
                    inv_hit[i] = vm && ovl;
                CMD_OP_TLBI_EL2_ALL:
                    inv_hit[i] = el2w;
                CMD_OP_TLBI_EL2_ASID:
                    inv_hit[i] = e_world[i] == W_E2H && !e_glb[i] && e_asid[i] == q_asid;
                CMD_OP_TLBI_EL2_VA:
                    inv_hit[i] = el2w && ovl &&
                                 (!q_e2h || e_glb[i] || e_asid[i] == q_asid);
                CMD_OP_TLBI_EL2_VAA:
                    inv_hit[i] = el2w && ovl;
                CMD_OP_TLBI_S2_IPA:
                    inv_hit[i] = vm && ((e_stages[i] == ST_S2 && ovl) ||
                                        e_stages[i] == ST_NEST);
                CMD_OP_TLBI_NSNH_ALL:
                    inv_hit[i] = el1;
                default:
                    inv_hit[i] = 1'b0;
            endcase
        end
    end

    wire fill_do = fill_valid && !inv_pend;

    always @(posedge clk) begin
        if (!rst_n) begin
            e_v      <= {N{1'b0}};
            rr       <= {IW{1'b0}};
            inv_pend <= 1'b0;
            q_op     <= 8'd0;
            q_vmid   <= 16'd0;
            q_asid   <= 16'd0;
            q_start  <= 44'd0;
            q_end    <= 46'd0;
            q_e2h    <= 1'b0;
        end else begin
            if (inv_pend) begin
                inv_pend <= 1'b0;
                e_v      <= e_v & ~inv_hit;
            end else if (inv_valid) begin
                inv_pend <= 1'b1;
                q_op     <= c_op;
                q_vmid   <= inv_cmd[CMD_VMID_LSB +: CMD_VMID_W];
                q_asid   <= inv_cmd[CMD_ASID_LSB +: CMD_ASID_W];
                q_start  <= c_page;
                q_end    <= {2'b00, c_page} + c_len;
                q_e2h    <= cr2_e2h;
            end
            if (fill_do) begin
                e_v        <= (e_v & ~f_conf) | ({{(N-1){1'b0}}, 1'b1} << f_idx);
                e_glb[f_idx] <= f_glb;
                if (!f_any_conf && !f_any_free) rr <= (rr == LAST[IW-1:0]) ? {IW{1'b0}} : rr + 1'b1;
            end
            if (flush) e_v <= {N{1'b0}};
        end
    end

    // Tag and data storage carry no reset: e_v guards them
    always @(posedge clk) begin
        if (fill_do) begin
            e_world[f_idx]  <= fill_world;
            e_stages[f_idx] <= fill_stages;
            e_vmid[f_idx]   <= fill_vmid;
            e_asid[f_idx]   <= fill_asid;
            e_size[f_idx]   <= f_size;
            e_page[f_idx]   <= f_page;
            e_leaf[f_idx]   <= fill_leaf;
        end
    end

    /* verilator lint_off UNUSEDSIGNAL */
    wire unused_ok = &{1'b0, inv_cmd};   // only the TLBI fields are read
    /* verilator lint_on UNUSEDSIGNAL */

`ifdef FORMAL
    // ---------------- properties (make formal: formal/smmu_tlb.sby) ----------------
    // Self-contained (the module is to be replaced; this block moves with its idea).
    // Every input is free. Proven: a lookup never hits two entries (IDR3.BBML = 2 relies
    // on it, 3.21.1), whatever is looked up, filled, invalidated or flushed. The
    // inductive invariant behind it: no two valid entries could match one lookup (same
    // world, stages, VMID where compared, an ASID both could match, overlapping pages).
    `include "smmu_formal.vh"

    // Any two entries (chosen freely, fixed for the run): the pairwise invariant is
    // inductive for the pair alone (a fill writes one of them and drops the other if
    // it conflicts; invalidation and flush only clear), so proving it for an arbitrary
    // pair proves it for all pairs, and with it that no two entries hit one lookup.
    (* anyconst *) reg [IW-1:0] f_a;
    (* anyconst *) reg [IW-1:0] f_b;
    always @* assume(f_a < f_b && {{(32 - IW){1'b0}}, f_b} < N);
    wire f_conflict = e_world[f_a] == e_world[f_b] && e_stages[f_a] == e_stages[f_b] &&
                      (e_world[f_a] != W_EL1 || e_vmid[f_a] == e_vmid[f_b]) &&
                      (e_glb[f_a] || e_glb[f_b] || e_asid[f_a] == e_asid[f_b]) &&
                      ((e_page[f_a] ^ e_page[f_b]) & size_mask(e_size[f_a]) &
                       size_mask(e_size[f_b])) == 44'd0;
`ifndef SMMU_TLB_LEMMA
    // task "invariant": the pairwise invariant holds in every reachable state
    always @* if (f_past && rst_n) assert(!(e_v[f_a] && e_v[f_b] && f_conflict));
`else
    // task "lemma": in any state where it holds, no lookup hits both entries
    always @* begin
        assume(!(e_v[f_a] && e_v[f_b] && f_conflict));
        assert(!(lk_m[f_a] && lk_m[f_b]));
    end
`endif
`endif
endmodule
