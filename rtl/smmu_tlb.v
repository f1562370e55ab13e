// smmu_tlb: set-associative TLB of leaf translations (IHI 0070 3.17, 4.4, 16.2).
//
// TLB_ENTRIES entries in TLB_ENTRIES / TLB_WAYS sets of TLB_WAYS ways. Every entry
// holds one input page of the context's granule (4, 16 or 64 KB; nested: the smaller of
// the two stages', which no leaf of either stage is smaller than): a larger leaf is kept
// per granule page that used it (splintered), so every lookup reads one set. Tag {world,
// stages, VMID, ASID, global, granule, size, input page}; data = the leaf bundle
// (rtl/smmu_leaf.vh). Permissions are kept raw in the leaf and re-checked on every hit,
// so one entry serves every access type.
//
// Storage: tags and leaves in arrays with one write port and asynchronous reads (the
// lookup's set, and the fill's or the invalidation scan's set), which map to LUT RAM on
// an FPGA; valid and "block" bits in flops, so a flush clears everything at once.
// The set of a page: the low bits of its granule page number XOR the low VMID bits
// (NS-EL1 only), so the same IPA or VA layout in several VMs spreads over the sets.
//
// Ports:
//   world   0 NS-EL1, 1 NS-EL2, 2 NS-EL2-E2H (the StreamWorld, smmu_ste_decode.world)
//   stages  {stage 2, stage 1}: 2'b01 stage-1 only, 2'b10 stage-2 only, 2'b11 nested
//   vmid    STE.S2VMID; compared only in NS-EL1 (the EL2 worlds have no VMID)
//   asid    CD.ASID; compared only for non-global entries
//   page    input address bits [55:12]: the VA after the caller's range/TBI check (stage 1
//           on) or the IPA (stage-2 only)
//   gran    the context's granule (GRAN_4K/16K/64K, smmu_gran.vh; nested: the smaller
//           of stage 1's and stage 2's): a lookup finds only entries of its granule, and
//           an entry covers that granule's page of `page`
//   lk_*    combinational lookup: lk_hit and lk_leaf of the (only) matching way; the
//           caller registers them
//   fill_*  write one entry (no back-pressure) for fill_page, the 4 KB page the walk
//           was for: the way is chosen in this cycle, the entry written in the next and
//           visible to lookups after that. global = !leaf.nG, and always for NS-EL2 (no
//           ASID there) and stage-2-only entries (no stage-1 nG). A way of the set
//           already matching the same page for the same {world, stages, VMID,
//           ASID/global} is replaced in place and any further ones are dropped, so a
//           lookup never hits two entries (IDR3.BBML = 2 relies on it). Otherwise the
//           first free way, else the set's round-robin way. A fill while an invalidation
//           is in progress (from the cycle its command is taken) is dropped: it may come
//           from a walk the invalidation overlapped.
//   inv_*   the raw command {dw1, dw0} (smmu_cmdq). The scope is decoded and registered,
//           then applied set by set, one set per cycle; inv_ready rises in the cycle after
//           the last set. TLBI_NSNH_ALL clears every NS-EL1 entry at once (a flop per
//           entry says which are); an address-based TLBI whose range covers fewer
//           pages than there are sets, while no entry of a leaf over 4 KB is held, scans
//           only the sets of its pages; every other TLBI scans all sets. Non-TLBI opcodes
//           take two cycles and do nothing. Re-applying a command is harmless, so the
//           handshake may be shared (AND of readies) with smmu_cfg.
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
// an entry is hit when its leaf's block [base, base + size) overlaps it, so a TLBI
// anywhere in a larger leaf removes every 4 KB page kept of it. LEAF and TTL only narrow
// the architectural scope and are ignored (this TLB holds leaf entries only).
module smmu_tlb #(
    parameter TLB_ENTRIES = 256,
    parameter TLB_WAYS    = 4,
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
    input  wire [1:0]           lk_gran,
    output wire                 lk_hit,
    output wire [LEAF_BITS-1:0] lk_leaf,

    input  wire                 fill_valid,
    input  wire [1:0]           fill_world,
    input  wire [1:0]           fill_stages,
    input  wire [15:0]          fill_vmid,
    input  wire [15:0]          fill_asid,
    input  wire [43:0]          fill_page,
    input  wire [1:0]           fill_gran,
    input  wire [LEAF_BITS-1:0] fill_leaf,

    input  wire                 inv_valid,
    output wire                 inv_ready,
    input  wire [127:0]         inv_cmd
);
    `include "smmu_regs.vh"
    `include "smmu_leaf.vh"
    `include "smmu_gran.vh"

    localparam N    = TLB_ENTRIES;
    localparam WAYS = TLB_WAYS;
    localparam SETS = TLB_ENTRIES / TLB_WAYS;
    localparam SW   = (SETS <= 2) ? 1 : $clog2(SETS);   // set index width
    localparam WW   = (WAYS <= 2) ? 1 : $clog2(WAYS);   // way index width
    // Entry index {set, way}: SW + WW bits, or WW with one set (N = WAYS)
    localparam IW   = (SETS == 1) ? WW : SW + WW;
    localparam [SW:0] SETS_C = SETS[SW:0];
    localparam [SW-1:0] SMASK = SETS_C[SW-1:0] - 1'b1;  // SETS is a power of two

    generate
        if (SETS * WAYS != N || (SETS & (SETS - 1)) != 0 || WAYS < 2 ||
            (WAYS & (WAYS - 1)) != 0) begin : g_bad_geometry
            // TLB_WAYS: a power of two, at least 2; TLB_ENTRIES: TLB_WAYS times a power of 2
            initial $error("smmu_tlb: bad TLB_ENTRIES / TLB_WAYS");
        end
    endgenerate

    localparam [1:0] W_EL1 = 2'd0, W_EL2 = 2'd1, W_E2H = 2'd2;
    localparam [1:0] ST_S2 = 2'b10, ST_NEST = 2'b11;

    // Page-number mask of a leaf of the given size (log2 bytes, smmu_leaf.vh)
    function [43:0] size_mask(input [5:0] sz);
        size_mask = leaf_page_mask(sz);
    endfunction

    // A page's granule page: its base (in 4 KB page numbers) and its number. Only the low
    // 2g bits differ from the page number: a mask by case, not a subtraction (which
    // synthesis builds as a carry chain on the lookup's path)
    function [43:0] gpage(input [43:0] page, input [1:0] g);
        reg [5:0] m;
        begin
            case (g)
                2'd0:    m = 6'b111111;
                2'd1:    m = 6'b111100;
                2'd2:    m = 6'b110000;
                default: m = 6'b000000;
            endcase
            gpage = {page[43:6], page[5:0] & m};
        end
    endfunction
    /* verilator lint_off UNUSEDSIGNAL */   // the page number's high bits
    function [SW-1:0] gnum(input [43:0] page, input [1:0] g);
        reg [43:0] n;
        begin
            n    = page >> {g, 1'b0};
            gnum = n[SW-1:0];
        end
    endfunction
    /* verilator lint_on UNUSEDSIGNAL */

    // The set of a page
    function [SW-1:0] set_of(input [SW-1:0] page_lo, input [1:0] world,
                             input [SW-1:0] vmid_lo);
        set_of = (page_lo ^ (world == W_EL1 ? vmid_lo : {SW{1'b0}})) & SMASK;
    endfunction

    // ---------------- entries ----------------
    // Entry {set, way}; arrays of tags and leaves, valid and block bits in flops.
    reg [N-1:0]         e_v_q;
    reg [N-1:0]         e_big_q;                 // a leaf (or granule page) over 4 KB
    reg [N-1:0]         e_el1_q;                 // world NS-EL1 (TLBI_NSNH_ALL's scope)
    reg                 e_glb    [0:N-1];
    reg [1:0]           e_world  [0:N-1];
    reg [1:0]           e_stages [0:N-1];
    reg [15:0]          e_vmid   [0:N-1];
    reg [15:0]          e_asid   [0:N-1];
    reg [5:0]           e_size   [0:N-1];
    reg [1:0]           e_gran   [0:N-1];
    reg [43:0]          e_page   [0:N-1];        // the granule page's base (4 KB units)
    reg [LEAF_BITS-1:0] e_leaf   [0:N-1];
    reg [WW-1:0]        rr_q     [0:SETS-1];     // per-set round-robin victim (reset)

    /* verilator lint_off UNUSEDSIGNAL */   // the set bit of a one-set TLB
    function [IW-1:0] idx(input [SW-1:0] set, input [WW-1:0] way);
        reg [SW+WW-1:0] full;
        begin
            full = {set & SMASK, way};
            idx  = full[IW-1:0];
        end
    endfunction
    /* verilator lint_on UNUSEDSIGNAL */

    // Two keys {world, stages, VMID, global, ASID, granule, granule page} that one lookup
    // could both match: no two valid ways of a set may (the fill's conflict check, and the
    // formal invariant, say it of the fill against the set's ways, of two ways, and of the
    // pending write against a way)
    function conflict(input [1:0] wa, input [1:0] sa, input [15:0] va, input ga,
                      input [15:0] aa, input [1:0] gra, input [43:0] pa,
                      input [1:0] wb, input [1:0] sb, input [15:0] vb, input gb,
                      input [15:0] ab, input [1:0] grb, input [43:0] pb);
        conflict = wa == wb && sa == sb && (wa != W_EL1 || va == vb) && (ga || gb || aa == ab) &&
                   gra == grb && pa == pb;
    endfunction

    // ---------------- lookup ----------------
    // A way's page is compared with the looked-up page masked by the way's own granule:
    // a way of another granule does not match anyway (its granule is compared), and the
    // page compare then does not wait for the lookup's granule (the caller's pick from
    // the configuration answer).
    wire [SW-1:0]       lk_gnum = gnum(lk_page, lk_gran);
    wire [SW-1:0]       lk_set  = set_of(lk_gnum, lk_world, lk_vmid[SW-1:0]);
    reg [WAYS-1:0]      lk_m;
    reg [LEAF_BITS-1:0] lk_sel;
    integer w;
    always @* begin
        lk_sel = {LEAF_BITS{1'b0}};
        for (w = WAYS - 1; w >= 0; w = w - 1) begin
            lk_m[w] = e_v_q[idx(lk_set, w[WW-1:0])] && e_world[idx(lk_set, w[WW-1:0])] == lk_world &&
                      e_stages[idx(lk_set, w[WW-1:0])] == lk_stages &&
                      (lk_world != W_EL1 || e_vmid[idx(lk_set, w[WW-1:0])] == lk_vmid) &&
                      (e_glb[idx(lk_set, w[WW-1:0])] || e_asid[idx(lk_set, w[WW-1:0])] == lk_asid) &&
                      e_gran[idx(lk_set, w[WW-1:0])] == lk_gran &&
                      e_page[idx(lk_set, w[WW-1:0])] ==
                      gpage(lk_page, e_gran[idx(lk_set, w[WW-1:0])]);
            if (lk_m[w]) lk_sel = e_leaf[idx(lk_set, w[WW-1:0])];   // at most one (proven)
        end
    end
    assign lk_hit  = |lk_m;
    assign lk_leaf = lk_sel;

    // ---------------- invalidation scope ----------------
    localparam [1:0] I_IDLE = 2'd0, I_SCAN = 2'd1, I_DONE = 2'd2;
    reg [1:0]    ist_q;
    reg [7:0]    q_op;
    reg [15:0]   q_vmid, q_asid;
    reg [43:0]   q_start;           // page numbers, [start, end)
    reg [45:0]   q_end;
    reg          q_e2h;
    reg [SW-1:0] scan_pg_q;         // low page bits (or set number) applied this cycle
    reg [SW-1:0] q_hash;            // XORed into scan_pg_q: the set (VMID of a short scan)
    reg [SW:0]   scan_left_q;       // sets still to apply after this one
    wire [SW-1:0] scan_set = (scan_pg_q ^ q_hash) & SMASK;

    wire [7:0]  c_op    = inv_cmd[CMD_OPCODE_LSB +: CMD_OPCODE_W];
    wire [1:0]  c_tg    = inv_cmd[CMD_TG_LSB +: CMD_TG_W];
    wire [4:0]  c_num   = inv_cmd[CMD_NUM_LSB +: CMD_NUM_W];
    wire [4:0]  c_scale = inv_cmd[CMD_SCALE_LSB +: CMD_SCALE_W];
    wire [43:0] c_page  = inv_cmd[CMD_ADDR_LSB +: 44];          // address bits [55:12]
    wire [15:0] c_vmid  = inv_cmd[CMD_VMID_LSB +: CMD_VMID_W];
    // Pages of 4 KB in the range: (NUM + 1) << (SCALE + log2(granule / 4 KB))
    wire [2:0]  c_gsh   = (c_tg == 2'd2) ? 3'd2 : (c_tg == 2'd3) ? 3'd4 : 3'd0;
    wire [45:0] c_len   = (c_tg == 2'd0) ? 46'd1 :
                          ({40'd0, 1'b0, c_num} + 46'd1) << ({1'b0, c_scale} + {3'b0, c_gsh});
    wire        c_tlbi  = c_op == CMD_OP_TLBI_NH_ALL || c_op == CMD_OP_TLBI_NH_ASID ||
                          c_op == CMD_OP_TLBI_NH_VA || c_op == CMD_OP_TLBI_NH_VAA ||
                          c_op == CMD_OP_TLBI_EL2_ALL || c_op == CMD_OP_TLBI_EL2_ASID ||
                          c_op == CMD_OP_TLBI_EL2_VA || c_op == CMD_OP_TLBI_EL2_VAA ||
                          c_op == CMD_OP_TLBI_S12_VMALL || c_op == CMD_OP_TLBI_S2_IPA;
    // An address-based scope whose pages are each in a set of their own: with no block
    // entry held, only those sets can hold an entry in scope (S2_IPA also removes every
    // nested entry of the VMID, which may be anywhere).
    wire        c_by_va = c_op == CMD_OP_TLBI_NH_VA || c_op == CMD_OP_TLBI_NH_VAA ||
                          c_op == CMD_OP_TLBI_EL2_VA || c_op == CMD_OP_TLBI_EL2_VAA;
    wire        c_el1   = c_op == CMD_OP_TLBI_NH_VA || c_op == CMD_OP_TLBI_NH_VAA;
    wire        c_short = c_by_va && !(|(e_v_q & e_big_q)) && c_len < {{(45 - SW){1'b0}}, SETS_C};
    wire [SW:0] c_sets  = c_short ? c_len[SW:0] : SETS_C;
    wire [SW-1:0] c_first = c_short ? c_page[SW-1:0] : {SW{1'b0}};
    wire [SW-1:0] c_hash  = (c_short && c_el1) ? c_vmid[SW-1:0] : {SW{1'b0}};

    assign inv_ready = (ist_q == I_DONE);

    // ---------------- the second read port: the fill's set, or the scanned set ----------
    wire [SW-1:0] f_gnum = gnum(fill_page, fill_gran);
    wire [43:0]   f_gpg  = gpage(fill_page, fill_gran);
    wire [SW-1:0] f_set  = set_of(f_gnum, fill_world, fill_vmid[SW-1:0]);
    wire [SW-1:0] p2_set = (ist_q == I_SCAN) ? scan_set : f_set;

    // Fill: ways of the set that would match some lookup the new entry also matches
    wire [5:0]  f_size = fill_leaf[LEAF_SIZE_LSB +: LEAF_SIZE_W];
    wire        f_glb  = !fill_leaf[LEAF_NG_LSB] || fill_world == W_EL2 ||
                         fill_stages == ST_S2;
    reg [WAYS-1:0] f_conf;
    reg [WW-1:0]   f_conf_w, f_free_w;
    reg            f_any_conf, f_any_free;
    reg [IW-1:0]   fk;
    integer wf;
    always @* begin
        f_conf_w   = {WW{1'b0}};
        f_free_w   = {WW{1'b0}};
        f_any_conf = 1'b0;
        f_any_free = 1'b0;
        f_conf     = {WAYS{1'b0}};
        fk         = {IW{1'b0}};
        wf         = 0;
        // (only in a cycle with a fill: nothing else reads these)
        if (fill_valid) for (wf = WAYS - 1; wf >= 0; wf = wf - 1) begin
            fk         = idx(p2_set, wf[WW-1:0]);
            f_conf[wf] = e_v_q[fk] &&
                         conflict(e_world[fk], e_stages[fk], e_vmid[fk], e_glb[fk], e_asid[fk],
                                  e_gran[fk], e_page[fk], fill_world, fill_stages, fill_vmid,
                                  f_glb, fill_asid, fill_gran, f_gpg);
            if (f_conf[wf]) begin
                f_any_conf = 1'b1;
                f_conf_w   = wf[WW-1:0];
            end
            if (!e_v_q[fk]) begin
                f_any_free = 1'b1;
                f_free_w   = wf[WW-1:0];
            end
        end
    end
    wire [WW-1:0] f_way  = f_any_conf ? f_conf_w : f_any_free ? f_free_w : rr_q[f_set];

    // The fill takes two cycles: the way is chosen in the cycle fill_valid comes (the set's
    // tags read and compared above) and registered with the entry (fw_*), which is written
    // in the next cycle, so the tag compare and the way choice are not on the path of the
    // write into the arrays. Either cycle drops the fill when an invalidation is taken or in
    // progress, or a flush comes (also not in the cycle a command is taken: a short scan,
    // chosen in that cycle, covers only the sets of its 4 KB pages, not those of a larger
    // granule page filled then). A fill of the set whose write is pending is dropped too: the
    // pending entry is not among the tags its way choice read (dropping a fill is always
    // allowed; consecutive walk results land in one set only for pages SETS granule pages
    // apart, or VMIDs that hash so).
    reg                 fw_v_q, fw_adv_q, fw_glb_q;
    reg [SW-1:0]        fw_set_q;
    reg [WW-1:0]        fw_way_q;
    reg [WAYS-1:0]      fw_conf_q;            // the set's ways that conflict: dropped
    reg [1:0]           fw_world_q, fw_stages_q, fw_gran_q;
    reg [15:0]          fw_vmid_q, fw_asid_q;
    reg [5:0]           fw_size_q;
    reg [43:0]          fw_gpg_q;
    reg [LEAF_BITS-1:0] fw_leaf_q;
    wire          fill_ok = ist_q == I_IDLE && !inv_valid && !flush;
    wire          fill_ch = fill_valid && fill_ok && !(fw_v_q && fw_set_q == f_set);
    wire          fill_do = fw_v_q && fill_ok;
    wire [IW-1:0] f_idx   = idx(fw_set_q, fw_way_q);

    // Invalidation: the ways of the scanned set in scope
    reg [WAYS-1:0] inv_hit;
    reg            ovl, vm, el1, el2w;
    reg [43:0]     base;
    reg [IW-1:0]   k;
    integer wi;
    always @* begin
        inv_hit = {WAYS{1'b0}};
        base    = 44'd0;
        ovl     = 1'b0;
        vm      = 1'b0;
        el1     = 1'b0;
        el2w    = 1'b0;
        k       = {IW{1'b0}};
        wi      = 0;
        // (only while scanning: nothing else reads these)
        if (ist_q == I_SCAN) for (wi = 0; wi < WAYS; wi = wi + 1) begin
            k    = idx(scan_set, wi[WW-1:0]);
            // the leaf's block [base, base + size) overlaps [start, end): base < end and
            // start < base + size; base is size-aligned, so the latter is
            // (start rounded down to size) <= base
            base = e_page[k] & size_mask(e_size[k]);
            ovl  = ({2'b00, base} < q_end) && ((q_start & size_mask(e_size[k])) <= base);
            el1  = e_world[k] == W_EL1;
            el2w = e_world[k] == W_EL2 || e_world[k] == W_E2H;
            vm   = el1 && e_vmid[k] == q_vmid;
            case (q_op)
                CMD_OP_TLBI_NH_ALL, CMD_OP_TLBI_S12_VMALL:
                    inv_hit[wi] = vm;
                CMD_OP_TLBI_NH_ASID:
                    inv_hit[wi] = vm && !e_glb[k] && e_asid[k] == q_asid;
                CMD_OP_TLBI_NH_VA:
                    inv_hit[wi] = vm && (e_glb[k] || e_asid[k] == q_asid) && ovl;
                CMD_OP_TLBI_NH_VAA:
                    inv_hit[wi] = vm && ovl;
                CMD_OP_TLBI_EL2_ALL:
                    inv_hit[wi] = el2w;
                CMD_OP_TLBI_EL2_ASID:
                    inv_hit[wi] = e_world[k] == W_E2H && !e_glb[k] && e_asid[k] == q_asid;
                CMD_OP_TLBI_EL2_VA:
                    inv_hit[wi] = el2w && ovl && (!q_e2h || e_glb[k] || e_asid[k] == q_asid);
                CMD_OP_TLBI_EL2_VAA:
                    inv_hit[wi] = el2w && ovl;
                CMD_OP_TLBI_S2_IPA:
                    inv_hit[wi] = vm && ((e_stages[k] == ST_S2 && ovl) ||
                                        e_stages[k] == ST_NEST);
                default:
                    inv_hit[wi] = 1'b0;
            endcase
        end
    end
    // The scanned set's ways in scope as an entry mask
    reg [N-1:0] inv_clr;
    integer     wc;
    always @* begin
        inv_clr = {N{1'b0}};
        for (wc = 0; wc < WAYS; wc = wc + 1)
            if (ist_q == I_SCAN && inv_hit[wc]) inv_clr[idx(scan_set, wc[WW-1:0])] = 1'b1;
    end

    // Fill: the entry written, and the set's other ways that conflict with it (dropped)
    reg [N-1:0] fill_set_m, fill_clr_m;
    integer     wm;
    always @* begin
        fill_set_m = {N{1'b0}};
        fill_clr_m = {N{1'b0}};
        if (fill_do) fill_set_m[f_idx] = 1'b1;
        for (wm = 0; wm < WAYS; wm = wm + 1)
            if (fill_do && fw_conf_q[wm]) fill_clr_m[idx(fw_set_q, wm[WW-1:0])] = 1'b1;
    end

    always @(posedge clk) begin
        if (!rst_n) begin
            e_v_q       <= {N{1'b0}};
            e_big_q     <= {N{1'b0}};
            e_el1_q     <= {N{1'b0}};
            fw_v_q      <= 1'b0;
            ist_q       <= I_IDLE;
            q_op        <= 8'd0;
            q_vmid      <= 16'd0;
            q_asid      <= 16'd0;
            q_start     <= 44'd0;
            q_end       <= 46'd0;
            q_e2h       <= 1'b0;
            scan_pg_q   <= {SW{1'b0}};
            q_hash      <= {SW{1'b0}};
            scan_left_q <= {(SW + 1){1'b0}};
        end else begin
            case (ist_q)
                I_IDLE: if (inv_valid) begin
                    q_op        <= c_op;
                    q_vmid      <= c_vmid;
                    q_asid      <= inv_cmd[CMD_ASID_LSB +: CMD_ASID_W];
                    q_start     <= c_page;
                    q_end       <= {2'b00, c_page} + c_len;
                    q_e2h       <= cr2_e2h;
                    scan_pg_q   <= c_first;
                    q_hash      <= c_hash;
                    scan_left_q <= c_sets - 1'b1;
                    ist_q       <= c_tlbi ? I_SCAN : I_DONE;
                end
                I_SCAN: begin
                    scan_pg_q   <= scan_pg_q + 1'b1;
                    scan_left_q <= scan_left_q - 1'b1;
                    if (scan_left_q == {(SW + 1){1'b0}}) ist_q <= I_DONE;
                end
                default: ist_q <= I_IDLE;       // I_DONE: inv_ready this cycle
            endcase
            e_v_q   <= (e_v_q & ~inv_clr & ~fill_clr_m) | fill_set_m;
            if (fill_do) begin
                e_big_q[f_idx] <= fw_size_q != 6'd12 || fw_gran_q != GRAN_4K;
                e_el1_q[f_idx] <= fw_world_q == W_EL1;
            end
            fw_v_q <= fill_ch;
            // NSNH_ALL: every NS-EL1 entry at once, in the cycle it is taken
            if (ist_q == I_IDLE && inv_valid && c_op == CMD_OP_TLBI_NSNH_ALL)
                e_v_q <= e_v_q & ~e_el1_q & ~fill_set_m;
            if (flush) e_v_q <= {N{1'b0}};
        end
    end

    // Tag, data and replacement storage carry no reset: e_v_q and fw_v_q guard them
    always @(posedge clk) begin
        if (fill_ch) begin
            fw_set_q    <= f_set;
            fw_way_q    <= f_way;
            fw_conf_q   <= f_conf;
            fw_adv_q    <= !f_any_conf && !f_any_free;
            fw_glb_q    <= f_glb;
            fw_world_q  <= fill_world;
            fw_stages_q <= fill_stages;
            fw_vmid_q   <= fill_vmid;
            fw_asid_q   <= fill_asid;
            fw_size_q   <= f_size;
            fw_gran_q   <= fill_gran;
            fw_gpg_q    <= f_gpg;
            fw_leaf_q   <= fill_leaf;
        end
        if (fill_do) begin
            e_glb[f_idx]    <= fw_glb_q;
            e_world[f_idx]  <= fw_world_q;
            e_stages[f_idx] <= fw_stages_q;
            e_vmid[f_idx]   <= fw_vmid_q;
            e_asid[f_idx]   <= fw_asid_q;
            e_size[f_idx]   <= fw_size_q;
            e_gran[f_idx]   <= fw_gran_q;
            e_page[f_idx]   <= fw_gpg_q;
            e_leaf[f_idx]   <= fw_leaf_q;
        end
    end

    // The round-robin victims start at way 0 (deterministic replacement)
    integer r;
    always @(posedge clk) begin
        if (!rst_n) begin
            for (r = 0; r < SETS; r = r + 1) rr_q[r] <= {WW{1'b0}};
        end else if (fill_do && fw_adv_q) begin
            rr_q[fw_set_q] <= rr_q[fw_set_q] + 1'b1;
        end
    end

    /* verilator lint_off UNUSEDSIGNAL */
    wire unused_ok = &{1'b0, inv_cmd};   // only the TLBI fields are read
    /* verilator lint_on UNUSEDSIGNAL */

`ifdef FORMAL
    // ---------------- properties (make formal: formal/smmu_tlb.sby) ----------------
    // Every input is free. Proven: a lookup never hits two entries (IDR3.BBML = 2 relies
    // on it, 3.21.1), whatever is looked up, filled, invalidated or flushed. A lookup
    // reads one set and a page has one set, so it suffices that no two valid ways of one
    // set could match one lookup (same world, stages, VMID where compared, an ASID both
    // could match, the same page): the inductive invariant.
    `include "smmu_formal.vh"

    // Any two ways of any set (chosen freely, fixed for the run): the pairwise invariant
    // is inductive for the pair alone (a fill writes one way of a set and drops every
    // other way of it that conflicts; invalidation and flush only clear), so proving it
    // for an arbitrary pair proves it for all pairs.
    (* anyconst *) reg [SW-1:0] f_s;
    (* anyconst *) reg [WW-1:0] f_wa;
    (* anyconst *) reg [WW-1:0] f_wb;
    always @* assume(f_wa < f_wb && (f_s & SMASK) == f_s);
    wire [IW-1:0] f_a = idx(f_s, f_wa);
    wire [IW-1:0] f_b = idx(f_s, f_wb);
    wire f_conflict = conflict(e_world[f_a], e_stages[f_a], e_vmid[f_a], e_glb[f_a],
                               e_asid[f_a], e_gran[f_a], e_page[f_a], e_world[f_b],
                               e_stages[f_b], e_vmid[f_b], e_glb[f_b], e_asid[f_b],
                               e_gran[f_b], e_page[f_b]);
    // An entry k and the pending write (fw_*) would match one lookup
    function fw_conflict(input [IW-1:0] k);
        fw_conflict = conflict(e_world[k], e_stages[k], e_vmid[k], e_glb[k], e_asid[k],
                               e_gran[k], e_page[k], fw_world_q, fw_stages_q, fw_vmid_q,
                               fw_glb_q, fw_asid_q, fw_gran_q, fw_gpg_q);
    endfunction
`ifndef SMMU_TLB_LEMMA
    // task "invariant": the pairwise invariant holds in every reachable state
    always @* if (f_past && rst_n) assert(!(e_v_q[f_a] && e_v_q[f_b] && f_conflict));
    // and the pending write's way choice still stands: every valid way of its set that
    // conflicts with it is the way it writes or one it drops (the set gains no entry between
    // the choice and the write)
    always @* if (f_past && rst_n && fw_v_q && fw_set_q == f_s) begin
        assert(!(e_v_q[f_a] && fw_conflict(f_a) && !fw_conf_q[f_wa] && fw_way_q != f_wa));
        assert(!(e_v_q[f_b] && fw_conflict(f_b) && !fw_conf_q[f_wb] && fw_way_q != f_wb));
    end
`else
    // task "lemma": in any state where it holds, no lookup hits both ways
    always @* begin
        assume(!(e_v_q[f_a] && e_v_q[f_b] && f_conflict));
        if (lk_set == f_s) assert(!(lk_m[f_wa] && lk_m[f_wb]));
    end
`endif
`endif
endmodule
