// smmu_walk_cache: the walkers' shared caches of partial walks (IHI 0070 16.2 "caching of
// configuration and translation structures"; Arm ARM D8.11 translation table walk caches).
//
// Three fully associative caches, in flops (they are small and searched at once):
//   S1   stage-1 table descriptors: {StreamWorld, nested, VMID, ASID, granule, VA[55],
//        VA prefix above the level the descriptor resolves} -> the next-level table (a PA,
//        or an IPA when nested), its level, and the APTable/PXNTable/UXNTable bits
//        accumulated down to it. A walk resumes at the deepest level that hits.
//   S2T  stage-2 table descriptors: {VMID, granule, IPA prefix} -> next-level table PA and
//        its level.
//   S2L  stage-2 leaves: {VMID, granule, IPA page of the granule} -> the raw leaf
//        descriptor and its level (a block is kept for the granule page that used it).
//        A hit is handed to the walker as if it had just read the descriptor, so every
//        check (address size, AF, permission for this access and CLASS, S2PTW) runs again; nested walks use it for the IPAs of stage-1 tables (a stage-2 cache of
//        table-address translations) and for output IPAs alike.
// Only descriptors that produced no fault are filled. Entries are tagged the way the
// architecture tags walk caches (VMID, ASID, StreamWorld), so the TLBI scopes below remove
// them; a walker whose walk overlapped an invalidation or flush fills nothing (the same
// rule as the TLB fill), so nothing read before a TLBI is cached after it.
//
// Ports (NP walkers):
//   lk_valid[p]   lookup request, key fields (key_*, one bundle per port) held until
//                 rs_valid[p]; lk_s2[p] 0: S1, 1: S2T and S2L at once. One lookup is granted
//                 per cycle (round robin), in two steps: the grant and the granted key
//                 are registered, the next cycle compares that key with every entry and
//                 registers the answer: rs_valid[p] two cycles after the grant, with rs_*
//                 (shared by all ports). (The grant, the key's selection among 14 ports,
//                 the compare and the deepest level's answer were one cycle: the placed
//                 critical path.) What is registered is each level's answer; rs_lvl,
//                 rs_tbl, rs_apt, rs_pxnt and rs_uxnt are the deepest hit level's,
//                 picked from those registers in the cycle the port reads them.
//   fl_valid[p]   fill (one cycle, no back-pressure): fl_kind 0 S1, 1 S2T, 2 S2L, with
//                 the port's key and fl_lvl / fl_tbl / fl_apt / fl_pxnt / fl_uxnt /
//                 fl_desc. One fill per cycle (lowest port); the others are dropped
//                 (a cache may always choose not to cache). The fill is registered and
//                 written in the next cycle (a lookup in between misses it). A fill whose
//                 key already has an entry of its kind and level is dropped, so a lookup
//                 never sees two.
//   inv_fire, inv_cmd   a TLBI leaves the caches on its handshake (smmu_cmdq's raw
//                 {dw1, dw0}); fills offered in that cycle or written in it are dropped.
//   flush         drop everything (SMMUEN changes).
//
// TLBI scopes (4.4; a VA, IPA, range or Leaf field only narrows them, and is ignored):
//   NH_ALL S1 of NS-EL1 VMID; NH_ASID / NH_VA S1 of NS-EL1 VMID and ASID; NH_VAA S1 of
//   NS-EL1 VMID; EL2_ALL / EL2_VA / EL2_VAA S1 of both EL2 worlds; EL2_ASID S1 of EL2-E2H
//   and ASID; S12_VMALL S1 of NS-EL1 VMID and S2T/S2L of VMID; S2_IPA S2T/S2L of VMID;
//   NSNH_ALL everything of NS-EL1 (S1 NS-EL1, S2T, S2L).
module smmu_walk_cache #(
    parameter NP         = 8,    // walkers
    parameter PA_W       = 48,
    parameter S1_ENTRIES = 16,
    parameter S2_ENTRIES = 16    // S2T entries, and as many S2L entries
) (
    input  wire               clk,
    input  wire               rst_n,

    input  wire [NP-1:0]      lk_valid,
    input  wire [NP-1:0]      lk_s2,
    input  wire [NP*2-1:0]    key_world,
    input  wire [NP-1:0]      key_nest,
    input  wire [NP*16-1:0]   key_vmid,
    input  wire [NP*16-1:0]   key_asid,
    input  wire [NP*2-1:0]    key_gran,
    input  wire [NP-1:0]      key_half,
    input  wire [NP*36-1:0]   key_ia,       // VA or IPA bits [47:12]

    output reg  [NP-1:0]      rs_valid,
    output reg                rs_tbl_hit,   // S1 or S2T: resume at rs_lvl from rs_tbl
    output wire [1:0]         rs_lvl,
    output wire [PA_W-1:0]    rs_tbl,
    output wire [1:0]         rs_apt,
    output wire               rs_pxnt,
    output wire               rs_uxnt,
    output reg                rs_leaf_hit,  // S2L: rs_desc at level rs_leaf_lvl
    output reg  [63:0]        rs_desc,
    output reg  [1:0]         rs_leaf_lvl,

    input  wire [NP-1:0]      fl_valid,
    input  wire [NP*2-1:0]    fl_kind,
    input  wire [NP*2-1:0]    fl_lvl,       // S1/S2T: the next table's level; S2L: leaf's
    input  wire [NP*PA_W-1:0] fl_tbl,
    input  wire [NP*2-1:0]    fl_apt,
    input  wire [NP-1:0]      fl_pxnt,
    input  wire [NP-1:0]      fl_uxnt,
    input  wire [NP*64-1:0]   fl_desc,

    input  wire               inv_fire,
    input  wire [127:0]       inv_cmd,
    input  wire               flush
);
    `include "smmu_regs.vh"
    `include "smmu_gran.vh"

    localparam N1 = S1_ENTRIES, N2 = S2_ENTRIES;
    localparam I1 = (N1 <= 2) ? 1 : $clog2(N1);
    localparam I2 = (N2 <= 2) ? 1 : $clog2(N2);
    localparam [1:0] W_EL1 = 2'd0, W_E2H = 2'd2;
    localparam [1:0] K_S1 = 2'd0, K_S2T = 2'd1, K_S2L = 2'd2;

    integer hj, fk, dm, vj;

    // IA bits [47:12] a table descriptor at level `lvl` (the level that was read) covers:
    // those at and above the level's shift
    // (a table of the 16 {granule, level} masks: a shift by a variable amount becomes a
    // multiplier or a shifter on the fill path)
    function [35:0] pfx_mask(input [1:0] g, input [1:0] lvl);
        reg [5:0] sh;
        integer   c;
        begin
            pfx_mask = 36'd0;
            for (c = 0; c < 16; c = c + 1)
                if ({g, lvl} == c[3:0]) begin
                    sh       = gran_lvl_shift(c[3:2], c[1:0]);
                    pfx_mask = (sh >= 6'd48) ? 36'd0 : ({36{1'b1}} << (sh - 6'd12));
                end
        end
    endfunction

    // ---------------- entries
    reg  [N1-1:0]   s1_v_q;
    reg  [1:0]      s1_world_q [0:N1-1];
    reg             s1_nest_q  [0:N1-1];
    reg  [15:0]     s1_vmid_q  [0:N1-1];
    reg  [15:0]     s1_asid_q  [0:N1-1];
    reg  [1:0]      s1_gran_q  [0:N1-1];
    reg             s1_half_q  [0:N1-1];
    reg  [35:0]     s1_msk_q   [0:N1-1];
    reg  [35:0]     s1_ia_q    [0:N1-1];    // masked
    reg  [1:0]      s1_lvl_q   [0:N1-1];
    reg  [3:0]      s1_loh_q   [0:N1-1];    // s1_lvl_q one-hot (the lookup's level pick)
    reg  [PA_W-1:0] s1_tbl_q   [0:N1-1];
    reg  [1:0]      s1_apt_q   [0:N1-1];
    reg             s1_pxnt_q  [0:N1-1];
    reg             s1_uxnt_q  [0:N1-1];
    reg  [I1-1:0]   s1_rr_q;

    reg  [N2-1:0]   t_v_q;
    reg  [15:0]     t_vmid_q   [0:N2-1];
    reg  [1:0]      t_gran_q   [0:N2-1];
    reg  [35:0]     t_msk_q    [0:N2-1];
    reg  [35:0]     t_ia_q     [0:N2-1];
    reg  [1:0]      t_lvl_q    [0:N2-1];
    reg  [3:0]      t_loh_q    [0:N2-1];    // t_lvl_q one-hot
    reg  [PA_W-1:0] t_tbl_q    [0:N2-1];
    reg  [I2-1:0]   t_rr_q;

    reg  [N2-1:0]   l_v_q;
    reg  [15:0]     l_vmid_q   [0:N2-1];
    reg  [1:0]      l_gran_q   [0:N2-1];
    reg  [35:0]     l_ia_q     [0:N2-1];    // the IPA page of the granule (masked)
    reg  [1:0]      l_lvl_q    [0:N2-1];
    reg  [63:0]     l_desc_q   [0:N2-1];
    reg  [I2-1:0]   l_rr_q;

    // S1 tag match: VMID in NS-EL1 only, ASID except in NS-EL2 (no ASIDs there)
    function s1_tag_eq(input [1:0] ew, input en, input [15:0] evm, input [15:0] eas,
                       input [1:0] eg, input eh,
                       input [1:0] w, input n, input [15:0] vm, input [15:0] as,
                       input [1:0] g, input h);
        s1_tag_eq = ew == w && en == n && eg == g && eh == h &&
                    (w != W_EL1 || evm == vm) && ((w != W_EL1 && w != W_E2H) || eas == as);
    endfunction

    // the lowest set bit of a port vector (a carry chain, not an NP-step priority chain)
    function [NP-1:0] lowest(input [NP-1:0] v);
        lowest = v & (~v + {{(NP - 1){1'b0}}, 1'b1});
    endfunction

    // a port's key {world, nest, vmid, asid, gran, half, ia}: the AND-OR of the ports'
    // keys under a one-hot port vector (the lookup's grant, the fill's choice)
    localparam KEY_W = 2 + 1 + 16 + 16 + 2 + 1 + 36;
    function [KEY_W-1:0] port_key(input [NP-1:0] oh);
        integer k;
        begin
            port_key = {KEY_W{1'b0}};
            for (k = 0; k < NP; k = k + 1)
                if (oh[k])
                    port_key = port_key | {key_world[k*2 +: 2], key_nest[k],
                                           key_vmid[k*16 +: 16], key_asid[k*16 +: 16],
                                           key_gran[k*2 +: 2], key_half[k],
                                           key_ia[k*36 +: 36]};
        end
    endfunction

    // ---------------- lookup: one port per cycle, round robin, answer registered
    // The grant is one-hot and every selection below an AND-OR of one-hot terms: a binary
    // port number times the field width became a multiplier on the path from the request
    // to the answer, and "the deepest level so far" an NP- or N-step priority chain.
    reg  [NP-1:0] lk_last_q;                       // the port granted last (one-hot)
    reg  [NP-1:0] g_q;                             // granted, being compared (one-hot)
    // a port being compared or answered waits for its answer
    wire [NP-1:0] lk_req = lk_valid & ~rs_valid & ~g_q;
    // the first requester above the last one granted, else the first one
    wire [NP-1:0] lk_above = lk_req & ~((lk_last_q << 1) - {{(NP - 1){1'b0}}, 1'b1});
    wire [NP-1:0] lk_g     = (lk_above != {NP{1'b0}}) ? lowest(lk_above) : lowest(lk_req);
    wire          lk_any   = lk_req != {NP{1'b0}};

    // the deepest S1 or S2T entry that covers the granted key, and the S2L entry of its
    // page. Each cache holds at most one valid entry per key and level (proven below), so
    // at most one entry hits per level: the deepest level that hits selects its one entry
    // by AND-OR. Searched only in a cycle with a lookup (the answer registers are loaded
    // only then: a port looks at them only with its rs_valid).
    // The granted port's key and kind, registered with the grant (loaded only in a cycle
    // with a grant; the compare looks at them only with g_q).
    reg  [KEY_W-1:0] q_key;
    reg              q_s2;
    wire             q_any = g_q != {NP{1'b0}};
    always @(posedge clk) begin
        if (!rst_n) begin
            g_q       <= {NP{1'b0}};
            lk_last_q <= {{(NP - 1){1'b0}}, 1'b1};
        end else begin
            g_q <= lk_g;
            if (lk_any)
                lk_last_q <= lk_g;
        end
        if (lk_any) begin
            q_key <= port_key(lk_g);
            q_s2  <= (lk_g & lk_s2) != {NP{1'b0}};
        end
    end
    wire            q_nest, q_half;
    wire [1:0]      q_world, q_gran;
    wire [15:0]     q_vmid, q_asid;
    wire [35:0]     q_ia;
    assign {q_world, q_nest, q_vmid, q_asid, q_gran, q_half, q_ia} = q_key;
    reg  [N1-1:0]   e1_hit;
    reg  [N2-1:0]   et_hit, el_hit;
    reg  [3:0]      lv_hit;
    reg             h_tbl, h_leaf;
    reg  [1:0]      h_llvl;
    reg  [63:0]     h_desc;
    reg  [PA_W-1:0] b_pa   [0:3];      // per level: the hit entry's table (S1 or S2T)
    reg  [1:0]      b_apt  [0:3];
    reg  [3:0]      b_pxnt, b_uxnt;
    integer         hl;
    always @* begin
        for (hl = 0; hl < 4; hl = hl + 1) begin
            b_pa[hl]  = {PA_W{1'b0}};
            b_apt[hl] = 2'b00;
        end
        b_pxnt   = 4'd0;
        b_uxnt   = 4'd0;
        hl       = 0;
        e1_hit   = {N1{1'b0}};
        et_hit   = {N2{1'b0}};
        el_hit   = {N2{1'b0}};
        lv_hit   = 4'd0;
        h_tbl    = 1'b0;
        h_leaf   = 1'b0;
        h_desc   = 64'd0;
        h_llvl   = 2'd0;
        hj       = 0;
        if (q_any) begin
            if (!q_s2) begin
                for (hj = 0; hj < N1; hj = hj + 1)
                    if (s1_v_q[hj] && ((q_ia & s1_msk_q[hj]) == s1_ia_q[hj]) &&
                        s1_tag_eq(s1_world_q[hj], s1_nest_q[hj], s1_vmid_q[hj],
                                  s1_asid_q[hj], s1_gran_q[hj], s1_half_q[hj], q_world,
                                  q_nest, q_vmid, q_asid, q_gran, q_half)) begin
                        e1_hit[hj] = 1'b1;
                        lv_hit     = lv_hit | s1_loh_q[hj];
                    end
            end else begin
                for (hj = 0; hj < N2; hj = hj + 1) begin
                    if (t_v_q[hj] && ((q_ia & t_msk_q[hj]) == t_ia_q[hj]) &&
                        t_vmid_q[hj] == q_vmid && t_gran_q[hj] == q_gran) begin
                        et_hit[hj] = 1'b1;
                        lv_hit     = lv_hit | t_loh_q[hj];
                    end
                    el_hit[hj] = l_v_q[hj] && l_ia_q[hj] == (q_ia & pfx_mask(q_gran, 2'd3)) &&
                                 l_vmid_q[hj] == q_vmid && l_gran_q[hj] == q_gran;
                end
            end
            h_tbl = lv_hit != 4'd0;
            // each level's answer beside the compare (at most one entry per level hits),
            // registered; the deepest level's is picked from the registers (below)
            for (hj = 0; hj < N1; hj = hj + 1)
                for (hl = 0; hl < 4; hl = hl + 1)
                    if (e1_hit[hj] && s1_loh_q[hj][hl]) begin
                        b_pa[hl]   = b_pa[hl]   | s1_tbl_q[hj];
                        b_apt[hl]  = b_apt[hl]  | s1_apt_q[hj];
                        b_pxnt[hl] = b_pxnt[hl] | s1_pxnt_q[hj];
                        b_uxnt[hl] = b_uxnt[hl] | s1_uxnt_q[hj];
                    end
            for (hj = 0; hj < N2; hj = hj + 1)
                for (hl = 0; hl < 4; hl = hl + 1)
                    if (et_hit[hj] && t_loh_q[hj][hl])
                        b_pa[hl] = b_pa[hl] | t_tbl_q[hj];
            for (hj = 0; hj < N2; hj = hj + 1) begin
                if (el_hit[hj]) begin
                    h_leaf = 1'b1;
                    h_desc = h_desc | l_desc_q[hj];
                    h_llvl = h_llvl | l_lvl_q[hj];
                end
            end
        end
    end

    // The answer registers hold every level's answer (a_*: the hit entry's table,
    // APTable, PXNTable, UXNTable per level, a_lv the levels that hit); rs_* are the
    // deepest level's, picked from them: the compare and the pick were one path (the
    // deepest), the pick now lies in the cycle that reads the answer.
    reg  [3:1]      a_lv;              // (a level-0 answer is picked when no other hit)
    reg  [3:0]      a_pxnt, a_uxnt;
    reg  [PA_W-1:0] a_pa  [0:3];
    reg  [1:0]      a_apt [0:3];
    integer         al;
    always @(posedge clk) begin
        if (!rst_n) begin
            rs_valid    <= {NP{1'b0}};
            rs_tbl_hit  <= 1'b0;
            a_lv        <= 3'd0;
            a_pxnt      <= 4'd0;
            a_uxnt      <= 4'd0;
            for (al = 0; al < 4; al = al + 1) begin
                a_pa[al]  <= {PA_W{1'b0}};
                a_apt[al] <= 2'b00;
            end
            rs_leaf_hit <= 1'b0;
            rs_desc     <= 64'd0;
            rs_leaf_lvl <= 2'd0;
        end else begin
            rs_valid <= g_q;
            if (q_any) begin
                // an answer registered in an invalidation's cycle would be stale: a miss
                // (one granted in that cycle compares the next, with the entries it left)
                rs_tbl_hit  <= h_tbl && !inv_fire && !flush;
                a_lv        <= lv_hit[3:1];
                a_pxnt      <= b_pxnt;
                a_uxnt      <= b_uxnt;
                for (al = 0; al < 4; al = al + 1) begin
                    a_pa[al]  <= b_pa[al];
                    a_apt[al] <= b_apt[al];
                end
                rs_leaf_hit <= h_leaf && !inv_fire && !flush;
                rs_desc     <= h_desc;
                rs_leaf_lvl <= h_llvl;
            end
        end
    end
    // the deepest level that hit (0 with none: every level's answer is 0 then)
    assign rs_lvl  = a_lv[3] ? 2'd3 : a_lv[2] ? 2'd2 : a_lv[1] ? 2'd1 : 2'd0;
    assign rs_tbl  = a_pa[rs_lvl];
    assign rs_apt  = a_apt[rs_lvl];
    assign rs_pxnt = a_pxnt[rs_lvl];
    assign rs_uxnt = a_uxnt[rs_lvl];

    // ---------------- fills: the lowest port that fills this cycle, registered (the
    // duplicate check and the write are the next cycle's: the port choice, the key's mask,
    // the compare with every entry and the write were one path; the walk units offer
    // their fills from registers, a cycle after the step that decoded the descriptor).
    // A fill is dropped when an invalidation or flush comes in either cycle.
    // (the port's fields by AND-OR of the one-hot choice; only in a cycle with a fill, and
    // the registers load only then: f_any guards them)
    wire [NP-1:0]   p_g   = lowest(fl_valid);
    wire            p_any = fl_valid != {NP{1'b0}};
    reg  [KEY_W-1:0] p_key;
    always @* begin
        p_key = {KEY_W{1'b0}};
        if (p_any)
            p_key = port_key(p_g);
    end
    wire [1:0]      p_world, p_gran;
    wire            p_nest, p_half;
    wire [15:0]     p_vmid, p_asid;
    wire [35:0]     p_ia;
    assign {p_world, p_nest, p_vmid, p_asid, p_gran, p_half, p_ia} = p_key;
    reg  [1:0]      p_kind, p_lvl, p_apt;
    reg             p_pxnt, p_uxnt;
    reg  [PA_W-1:0] p_tbl;
    reg  [63:0]     p_desc;
    always @* begin
        p_kind  = 2'd0;
        p_lvl   = 2'd0;
        p_apt   = 2'd0;
        p_pxnt  = 1'b0;
        p_uxnt  = 1'b0;
        p_tbl   = {PA_W{1'b0}};
        p_desc  = 64'd0;
        fk      = 0;
        if (p_any) begin
            for (fk = 0; fk < NP; fk = fk + 1)
                if (p_g[fk]) begin
                    p_kind  = p_kind  | fl_kind[fk*2 +: 2];
                    p_lvl   = p_lvl   | fl_lvl[fk*2 +: 2];
                    p_apt   = p_apt   | fl_apt[fk*2 +: 2];
                    p_pxnt  = p_pxnt  | fl_pxnt[fk];
                    p_uxnt  = p_uxnt  | fl_uxnt[fk];
                    p_tbl   = p_tbl   | fl_tbl[fk*PA_W +: PA_W];
                    p_desc  = p_desc  | fl_desc[fk*64 +: 64];
                end
        end
    end
    // the entry covers what the descriptor one level up resolves
    wire [35:0]     p_msk   = pfx_mask(p_gran, p_lvl - 2'd1);

    reg             f_any;
    reg  [1:0]      f_kind, f_world, f_gran, f_lvl, f_apt;
    reg  [3:0]      f_loh;
    reg             f_nest, f_half, f_pxnt, f_uxnt;
    reg  [15:0]     f_vmid, f_asid;
    reg  [35:0]     f_msk, f_key, f_page;
    reg  [PA_W-1:0] f_tbl;
    reg  [63:0]     f_desc;
    always @(posedge clk) begin
        if (!rst_n) f_any <= 1'b0;
        else        f_any <= p_any && !inv_fire && !flush;
        if (p_any) begin
            f_kind  <= p_kind;
            f_world <= p_world;
            f_nest  <= p_nest;
            f_vmid  <= p_vmid;
            f_asid  <= p_asid;
            f_gran  <= p_gran;
            f_half  <= p_half;
            f_lvl   <= p_lvl;
            f_loh   <= 4'd1 << p_lvl;
            f_tbl   <= p_tbl;
            f_apt   <= p_apt;
            f_pxnt  <= p_pxnt;
            f_uxnt  <= p_uxnt;
            f_desc  <= p_desc;
            f_msk   <= p_msk;
            f_key   <= p_ia & p_msk;
            f_page  <= p_ia & pfx_mask(p_gran, 2'd3);   // S2L: the granule page
        end
    end

    // already held (same kind, key and level), and the way to use otherwise: the first
    // free entry, else the round-robin one
    reg          f_dup1, f_dup2, f_dupl, f_free1, f_free2, f_freel;
    reg [I1-1:0] f_w1;
    reg [I2-1:0] f_w2, f_wl;
    always @* begin
        f_dup1  = 1'b0;
        f_dup2  = 1'b0;
        f_dupl  = 1'b0;
        f_free1 = 1'b0;
        f_free2 = 1'b0;
        f_freel = 1'b0;
        f_w1    = s1_rr_q;
        f_w2    = t_rr_q;
        f_wl    = l_rr_q;
        dm      = 0;
        // (only in a cycle with a fill: nothing else reads these)
        if (f_any) begin
            for (dm = N1 - 1; dm >= 0; dm = dm - 1) begin
                if (s1_v_q[dm] && s1_lvl_q[dm] == f_lvl && s1_ia_q[dm] == f_key &&
                    s1_msk_q[dm] == f_msk &&
                    s1_tag_eq(s1_world_q[dm], s1_nest_q[dm], s1_vmid_q[dm], s1_asid_q[dm],
                              s1_gran_q[dm], s1_half_q[dm], f_world, f_nest, f_vmid, f_asid,
                              f_gran, f_half))
                    f_dup1 = 1'b1;
                if (!s1_v_q[dm]) begin
                    f_free1 = 1'b1;
                    f_w1    = dm[I1-1:0];
                end
            end
            for (dm = N2 - 1; dm >= 0; dm = dm - 1) begin
                if (t_v_q[dm] && t_lvl_q[dm] == f_lvl && t_ia_q[dm] == f_key &&
                    t_vmid_q[dm] == f_vmid && t_gran_q[dm] == f_gran)
                    f_dup2 = 1'b1;
                if (l_v_q[dm] && l_ia_q[dm] == f_page && l_vmid_q[dm] == f_vmid &&
                    l_gran_q[dm] == f_gran)
                    f_dupl = 1'b1;
                if (!t_v_q[dm]) begin
                    f_free2 = 1'b1;
                    f_w2    = dm[I2-1:0];
                end
                if (!l_v_q[dm]) begin
                    f_freel = 1'b1;
                    f_wl    = dm[I2-1:0];
                end
            end
        end
    end
    wire f_ok = f_any && !inv_fire && !flush;
    wire f1   = f_ok && f_kind == K_S1 && !f_dup1;
    wire f2   = f_ok && f_kind == K_S2T && !f_dup2;
    wire fl   = f_ok && f_kind == K_S2L && !f_dupl;

    // ---------------- invalidation scopes
    wire [7:0]  c_op   = inv_cmd[CMD_OPCODE_LSB +: CMD_OPCODE_W];
    wire [15:0] c_vmid = inv_cmd[CMD_VMID_LSB +: CMD_VMID_W];
    wire [15:0] c_asid = inv_cmd[CMD_ASID_LSB +: CMD_ASID_W];
    function s1_inv(input [1:0] w, input [15:0] vm, input [15:0] as);
        case (c_op)
            CMD_OP_TLBI_NH_ALL, CMD_OP_TLBI_NH_VAA, CMD_OP_TLBI_S12_VMALL:
                s1_inv = w == W_EL1 && vm == c_vmid;
            CMD_OP_TLBI_NH_ASID, CMD_OP_TLBI_NH_VA:
                s1_inv = w == W_EL1 && vm == c_vmid && as == c_asid;
            CMD_OP_TLBI_EL2_ALL, CMD_OP_TLBI_EL2_VA, CMD_OP_TLBI_EL2_VAA:
                s1_inv = w != W_EL1;
            CMD_OP_TLBI_EL2_ASID:
                s1_inv = w == W_E2H && as == c_asid;
            CMD_OP_TLBI_NSNH_ALL:
                s1_inv = w == W_EL1;
            default:
                s1_inv = 1'b0;
        endcase
    endfunction
    function s2_inv(input [15:0] vm);
        case (c_op)
            CMD_OP_TLBI_S12_VMALL, CMD_OP_TLBI_S2_IPA: s2_inv = vm == c_vmid;
            CMD_OP_TLBI_NSNH_ALL:                      s2_inv = 1'b1;
            default:                                   s2_inv = 1'b0;
        endcase
    endfunction

    always @(posedge clk) begin
        if (!rst_n || flush) begin
            s1_v_q  <= {N1{1'b0}};
            t_v_q   <= {N2{1'b0}};
            l_v_q   <= {N2{1'b0}};
            s1_rr_q <= {I1{1'b0}};
            t_rr_q  <= {I2{1'b0}};
            l_rr_q  <= {I2{1'b0}};
        end else begin
            if (inv_fire) begin
                for (vj = 0; vj < N1; vj = vj + 1)
                    if (s1_inv(s1_world_q[vj], s1_vmid_q[vj], s1_asid_q[vj]))
                        s1_v_q[vj] <= 1'b0;
                for (vj = 0; vj < N2; vj = vj + 1) begin
                    if (s2_inv(t_vmid_q[vj]))
                        t_v_q[vj] <= 1'b0;
                    if (s2_inv(l_vmid_q[vj]))
                        l_v_q[vj] <= 1'b0;
                end
            end
            if (f1) begin
                s1_v_q[f_w1] <= 1'b1;
                if (!f_free1)
                    s1_rr_q <= s1_rr_q + 1'b1;
            end
            if (f2) begin
                t_v_q[f_w2] <= 1'b1;
                if (!f_free2)
                    t_rr_q <= t_rr_q + 1'b1;
            end
            if (fl) begin
                l_v_q[f_wl] <= 1'b1;
                if (!f_freel)
                    l_rr_q <= l_rr_q + 1'b1;
            end
        end
    end

    // entry contents (no reset: valid bits guard them)
    always @(posedge clk) begin
        if (f1) begin
            s1_world_q[f_w1] <= f_world;
            s1_nest_q[f_w1]  <= f_nest;
            s1_vmid_q[f_w1]  <= f_vmid;
            s1_asid_q[f_w1]  <= f_asid;
            s1_gran_q[f_w1]  <= f_gran;
            s1_half_q[f_w1]  <= f_half;
            s1_msk_q[f_w1]   <= f_msk;
            s1_ia_q[f_w1]    <= f_key;
            s1_lvl_q[f_w1]   <= f_lvl;
            s1_loh_q[f_w1]   <= f_loh;
            s1_tbl_q[f_w1]   <= f_tbl;
            s1_apt_q[f_w1]   <= f_apt;
            s1_pxnt_q[f_w1]  <= f_pxnt;
            s1_uxnt_q[f_w1]  <= f_uxnt;
        end
        if (f2) begin
            t_vmid_q[f_w2] <= f_vmid;
            t_gran_q[f_w2] <= f_gran;
            t_msk_q[f_w2]  <= f_msk;
            t_ia_q[f_w2]   <= f_key;
            t_lvl_q[f_w2]  <= f_lvl;
            t_loh_q[f_w2]  <= f_loh;
            t_tbl_q[f_w2]  <= f_tbl;
        end
        if (fl) begin
            l_vmid_q[f_wl] <= f_vmid;
            l_gran_q[f_wl] <= f_gran;
            l_ia_q[f_wl]   <= f_page;
            l_lvl_q[f_wl]  <= f_lvl;
            l_desc_q[f_wl] <= f_desc;
        end
    end

`ifdef FORMAL
    // ---------------- properties (make formal: formal/smmu_walk_cache.sby) ----------------
    // Every input is free. Proven: the lookup's grant and answer are each one-hot and
    // never the same port; no cache ever holds two valid entries for one key (S1:
    // tag, level, mask and prefix; S2T: VMID, granule, level, mask, prefix; S2L: VMID,
    // granule, page), so a lookup never finds two answers for one level, one of them
    // possibly stale. For any two entries (chosen freely, fixed for the run) the pairwise
    // invariant is inductive alone: a fill writes a key no valid entry holds (the
    // duplicate check), invalidation and flush only clear.
    `include "smmu_formal.vh"
    (* anyconst *) reg [I1-1:0] f_a1;
    (* anyconst *) reg [I1-1:0] f_b1;
    (* anyconst *) reg [I2-1:0] f_a2;
    (* anyconst *) reg [I2-1:0] f_b2;
    always @* assume(f_a1 < f_b1 && f_a2 < f_b2);
    wire f_s1_same = s1_tag_eq(s1_world_q[f_a1], s1_nest_q[f_a1], s1_vmid_q[f_a1],
                               s1_asid_q[f_a1], s1_gran_q[f_a1], s1_half_q[f_a1],
                               s1_world_q[f_b1], s1_nest_q[f_b1], s1_vmid_q[f_b1],
                               s1_asid_q[f_b1], s1_gran_q[f_b1], s1_half_q[f_b1]) &&
                     s1_lvl_q[f_a1] == s1_lvl_q[f_b1] && s1_msk_q[f_a1] == s1_msk_q[f_b1] &&
                     s1_ia_q[f_a1] == s1_ia_q[f_b1];
    wire f_t_same  = t_vmid_q[f_a2] == t_vmid_q[f_b2] && t_gran_q[f_a2] == t_gran_q[f_b2] &&
                     t_lvl_q[f_a2] == t_lvl_q[f_b2] && t_msk_q[f_a2] == t_msk_q[f_b2] &&
                     t_ia_q[f_a2] == t_ia_q[f_b2];
    wire f_l_same  = l_vmid_q[f_a2] == l_vmid_q[f_b2] && l_gran_q[f_a2] == l_gran_q[f_b2] &&
                     l_ia_q[f_a2] == l_ia_q[f_b2];
    always @* if (f_past && rst_n) begin
        // the lookup's two steps: at most one port in each, never the same port in both
        // (a port is granted again only after its answer)
        assert((g_q & (g_q - 1'b1)) == {NP{1'b0}});
        assert((rs_valid & (rs_valid - 1'b1)) == {NP{1'b0}});
        assert((g_q & rs_valid) == {NP{1'b0}});
        assert(!(s1_v_q[f_a1] && s1_v_q[f_b1] && f_s1_same));
        assert(!(t_v_q[f_a2] && t_v_q[f_b2] && f_t_same));
        assert(!(l_v_q[f_a2] && l_v_q[f_b2] && f_l_same));
    end
`endif

    // the command's other fields (addresses, ranges, Leaf) only narrow the scopes
    /* verilator lint_off UNUSEDSIGNAL */
    wire unused_ok = &{1'b0, inv_cmd};
    /* verilator lint_on UNUSEDSIGNAL */
endmodule
