// smmu_txn_order: the slots of one direction of the client port and the AXI ordering
// between them (AXI4: responses of transactions with the same ID return in the order the
// addresses arrived; different IDs are independent).
//
// Each accepted transaction takes a free slot; the slots of one ID form a list in arrival
// order, kept as a pointer per slot to its predecessor (`pred`: the youngest slot of that
// ID when it arrived). Three questions are answered per slot by flags that the
// predecessor clears when it moves on:
//   issue head  no older slot of its ID still waits to go downstream (blk_issue): only an
//               issue head may be issued, so each ID reaches the downstream in arrival
//               order and comes back in that order; a hit behind a same-ID miss waits,
//               other IDs go on. An abort at the issue head leaves the order without a
//               downstream access (one per cycle).
//   dn owner    the oldest slot of its ID that is downstream and not ended (blk_dn): the
//               owner of the next downstream response of that ID (dn_idx).
//   resp head   no older slot of its ID is still held (blk_resp): only a resp head may be
//               answered, so the client sees arrival order per ID.
// A slot may also go downstream in the cycle it is allocated (alloc_issue: the decision
// was known at once and the ID had nothing waiting to go, id_clear), the client port's
// fast path.
// A slot is freed (free_*) when its answer to the client has ended. Each slot is the
// predecessor of at most one live slot (the tail of its ID moves on to its successor), so
// the links are also kept forwards: succ_q (the slot this one blocks in the issue and
// answer orders) and dsucc_q (the one it blocks in the downstream order); a slot that
// moves on clears its successor's flag with one indexed write, not a comparator per slot.
module smmu_txn_order #(
    parameter N    = 64,           // slots
    parameter IW   = 6,            // log2(N)
    parameter ID_W = 4
) (
    input  wire            clk,
    input  wire            rst_n,

    // allocation (the address handshake)
    input  wire            alloc_valid,
    input  wire [ID_W-1:0] alloc_id,
    output wire            alloc_ready,    // a slot is free
    output wire [IW-1:0]   alloc_idx,
    input  wire            alloc_issue,    // the allocated slot goes downstream at once
    output wire            id_clear,       // no slot of alloc_id waits to go downstream

    // issue: can_issue[s] / is_abort[s] say what slot s may do once it is an issue head
    input  wire [N-1:0]    can_issue,
    input  wire [N-1:0]    is_abort,
    output wire            issue_valid,
    output wire [IW-1:0]   issue_idx,
    input  wire            issue_take,     // issue_idx went downstream this cycle

    // the downstream response of ID dn_id ended (last R beat / B)
    input  wire [ID_W-1:0] dn_id,
    output wire [IW-1:0]   dn_idx,         // the slot it belongs to
    output wire            dn_any,         // ID dn_id has a slot downstream
    input  wire            dn_done,
    output wire [(1<<ID_W)-1:0] dn_head_by_id, // per ID: its dn owner is a resp head

    // answers to the client
    output wire [N-1:0]    is_resp_head,
    output wire [N-1:0]    in_use,         // slot allocated
    output wire [N-1:0]    downstream,     // sent downstream, response not ended
    input  wire            free_valid,
    input  wire [IW-1:0]   free_idx
);
    reg [N-1:0]    used_q;       // allocated
    reg [N-1:0]    gone_q;       // left the issue order (issued, or resolved as an abort)
    reg [N-1:0]    dn_q;         // downstream, response not ended
    reg [N-1:0]    tail_q;       // the youngest slot of its ID
    // per ID: its youngest slot downstream (dt_idx_q), valid while that slot's response
    // has not ended (responses of one ID end in order, so the youngest ends last). A table
    // by ID, not a flag per slot: the issuing slot's link is then one read by its ID, not
    // a search of the slots after the issue pick (the client port's longest path).
    localparam NID = 1 << ID_W;
    reg [NID-1:0]  dt_v_q;
    reg [IW-1:0]   dt_idx_q [0:NID-1];
    reg [N-1:0]    blk_issue_q, blk_resp_q;
    // the slots' IDs as bit planes: bit s of plane b is bit b of slot s's ID, so the slots
    // of one ID are found with ID_W vector operations (the same comparators per slot)
    reg [ID_W*N-1:0] idp_q;
    // the backward links (a predecessor, pred_q, while has_pred_q) and the downstream
    // block (blk_dn_q: an older slot of its ID is downstream), read by the properties
    // only: the logic follows the forward links and the per-ID owners below
    /* verilator lint_off UNUSEDSIGNAL */
    reg [N-1:0]    has_pred_q;
    reg [IW-1:0]   pred_q  [0:N-1];
    reg [N-1:0]    blk_dn_q;
    /* verilator lint_on UNUSEDSIGNAL */
    // forward links: succ_q[p] is valid (succ_v_q[p]) while that slot has has_pred_q set
    // and pred_q == p; dsucc_q[p] (dsucc_v_q[p]) while that slot has blk_dn_q set behind p
    reg [N-1:0]    succ_v_q, dsucc_v_q;
    reg [IW-1:0]   succ_q  [0:N-1];
    reg [IW-1:0]   dsucc_q [0:N-1];

    integer i, ib;   // i: the per-ID heads (combinational); ib: the ID bit planes (clocked)

    // the slots (among `used`) whose ID is x
    function [N-1:0] with_id(input [ID_W-1:0] x, input [ID_W*N-1:0] planes,
                             input [N-1:0] used);
        integer b;
        begin
            with_id = used;
            for (b = 0; b < ID_W; b = b + 1)
                with_id = with_id & (x[b] ? planes[b * N +: N] : ~planes[b * N +: N]);
        end
    endfunction
    // the ID of slot k
    function [ID_W-1:0] id_of(input [IW-1:0] k, input [ID_W*N-1:0] planes);
        integer b;
        begin
            for (b = 0; b < ID_W; b = b + 1)
                id_of[b] = planes[b * N + {{(32 - IW){1'b0}}, k}];
        end
    endfunction

    // lowest set bit of a slot vector: {any, index}
    `include "smmu_first.vh"

    // ---------------- allocation: the lowest free slot, after the tail of its ID ----------
    wire [IW:0] fr = first(~used_q);
    assign alloc_ready = fr[IW];
    assign alloc_idx   = fr[IW-1:0];
    wire alloc = alloc_valid && alloc_ready;

    // slots of the allocating ID: its tail and whether it has a slot waiting to go
    // downstream. Looked at only with an allocation (id_clear too), so found only in a
    // cycle with alloc_valid: alloc_id is a top-level input, and logic on it runs on each
    // of the simulator's evaluations.
    reg [N-1:0] same_id_a;
    reg [IW:0]  a_tail;
    reg         id_clr;
    always @* begin
        same_id_a = {N{1'b0}};
        a_tail    = {(IW + 1){1'b0}};
        id_clr    = 1'b0;
        if (alloc_valid) begin
            same_id_a = with_id(alloc_id, idp_q, used_q);
            a_tail    = first(same_id_a & tail_q);
            id_clr    = (same_id_a & ~gone_q) == {N{1'b0}};
        end
    end
    assign id_clear = id_clr;
    // the youngest downstream slot of the allocating ID (for alloc_issue)
    wire [IW:0] a_dtail = {dt_v_q[alloc_id], dt_idx_q[alloc_id]};
    wire a_tail_free = free_valid && free_idx == a_tail[IW-1:0];   // leaves this cycle

    // ---------------- issue: the slot picked in the previous cycle ----------------
    // The pick (round robin over the issue heads that can go) is registered (pk_q) and
    // issued in the next cycle if it still can go; it stays picked while the downstream
    // address register is busy. The pick, the picked slot's ID, that ID's tables and the
    // state writes were one path, the client port's longest. The next pick is made
    // meanwhile among the other slots, in two forms chosen at the end by whether the
    // picked slot goes now: with it issued, its successor of the same ID (blocked by it
    // only) may be picked at once, so one ID's slots still leave one per cycle.
    wire [N-1:0]  ihead = used_q & ~gone_q & ~blk_issue_q;
    wire [N-1:0]  go    = ihead & can_issue & ~is_abort;
    reg           pk_v_q;
    reg  [IW-1:0] pk_q;         // the picked slot; loaded only with a pick, so while
                                // pk_v_q = 0 it is the slot picked last (round robin)
    assign issue_valid = pk_v_q && go[pk_q];
    assign issue_idx   = pk_q;
    wire [N-1:0]  pk_oh = {{(N - 1){1'b0}}, pk_v_q} << pk_q;
    // the picked slot's successor, if nothing but the picked slot holds it back
    wire [N-1:0]  pk_succ = ({{(N - 1){1'b0}}, pk_v_q && succ_v_q[pk_q]} << succ_q[pk_q]) &
                            used_q & ~gone_q & can_issue & ~is_abort;
    wire [N-1:0]  above = ~({N{1'b1}} >> (N - 1 - pk_q)); // slots after the last pick
    wire issue = issue_take && issue_valid;
    // the next pick: the picked slot stays (n_pk) or goes now (s_pk)
    wire [IW:0]   n_pk  = rr_first(go & ~pk_oh, above);
    wire [IW:0]   s_pk  = rr_first((go | pk_succ) & ~pk_oh, above);
    wire [IW:0]   pk_nx = issue ? s_pk : n_pk;
    // one abort at an issue head leaves the issue order per cycle: picked in the cycle
    // before (ab_q, among the others than the one picked then), and leaving if it still is
    // one (the pick was on the path from the decisions to every slot's flags)
    reg           ab_v_q;
    reg  [IW-1:0] ab_q;
    wire [IW:0]   ab_nx    = first_except(ihead & is_abort, ab_v_q, ab_q);
    wire          abort_go = ab_v_q && ihead[ab_q] && is_abort[ab_q];

    // the youngest downstream slot of the issuing slot's ID
    wire [ID_W-1:0] i_id = id_of(issue_idx, idp_q);
    wire [IW:0] i_dtail = {dt_v_q[i_id], dt_idx_q[i_id]};

    // ---------------- downstream completion ----------------
    // The owner of each ID's next downstream response: its oldest slot downstream (dn_q
    // and not blk_dn_q; at most one per ID), kept per ID and moved by the events that
    // change it (below), so the response's ID (a top-level input) selects it with one
    // indexed read instead of a search of the slots on each of the simulator's
    // evaluations.
    reg [NID-1:0] own_v_q;
    reg [IW-1:0]  own_q [0:NID-1];
    assign dn_any = own_v_q[dn_id];
    assign dn_idx = own_v_q[dn_id] ? own_q[dn_id] : {IW{1'b0}};
    wire dn_end = dn_done && dn_any;
    // a slot going downstream now (allocated so, or issued), its ID, and whether it owns
    // its ID's next response: nothing of its ID downstream, or only the one ending now
    // (the two never in one cycle: one downstream address register; each is worked out on
    // its own, so the fast-path decision does not select between them ahead of the table
    // writes)
    wire          go_alloc = alloc && alloc_issue;
    wire          own_a    = !a_dtail[IW] || (dn_end && dn_idx == a_dtail[IW-1:0]);
    wire          own_i    = !i_dtail[IW] || (dn_end && dn_idx == i_dtail[IW-1:0]);

    assign is_resp_head = used_q & ~blk_resp_q;

    // per ID, from registers only: the slot owning the next downstream response of that ID
    // may be answered now (the client port passes such a beat straight through)
    reg [NID-1:0] dn_head_v;
    always @* begin
        for (i = 0; i < NID; i = i + 1)
            dn_head_v[i] = own_v_q[i] && !blk_resp_q[own_q[i]];
    end
    assign dn_head_by_id = dn_head_v;
    assign in_use       = used_q;
    assign downstream   = dn_q;

    // ---------------- state ----------------
    // The slot flags are written through masks (put, put_id) into copies that the step
    // updates in order (a later write of a bit wins, as with nonblocking writes) and
    // stores at its end: Yosys 0.23 lowers a write at a computed bit, `v[k] <= d`, to a
    // shift with a 32-bit carry chain, about 7 LUT levels deep for 8 slots where the
    // mask takes one.
    function [NID-1:0] put_id(input [NID-1:0] v, input en, input [ID_W-1:0] k, input d);
        reg [NID-1:0] m;
        begin
            m      = {{(NID - 1){1'b0}}, en} << k;
            put_id = (v & ~m) | ({NID{d}} & m);
        end
    endfunction
    always @(posedge clk) begin
        if (!rst_n) begin
            used_q      <= {N{1'b0}};
            gone_q      <= {N{1'b0}};
            dn_q        <= {N{1'b0}};
            tail_q      <= {N{1'b0}};
            dt_v_q      <= {NID{1'b0}};
            has_pred_q  <= {N{1'b0}};
            blk_issue_q <= {N{1'b0}};
            blk_resp_q  <= {N{1'b0}};
            blk_dn_q    <= {N{1'b0}};
            pk_v_q      <= 1'b0;
            pk_q        <= {IW{1'b0}};
            ab_v_q      <= 1'b0;
            ab_q        <= {IW{1'b0}};
            succ_v_q    <= {N{1'b0}};
            dsucc_v_q   <= {N{1'b0}};
            own_v_q     <= {NID{1'b0}};
        end else begin : step
            reg [N-1:0]      used, gone, dn, tail, bi, br, sv, dsv;
            reg [NID-1:0]    dtv, ownv;
            // a predecessor's link to the allocated slot: none when it moves on now
            reg              a_link;
            a_link = a_tail[IW] && !a_tail_free;
            used = used_q;
            gone = gone_q;
            dn   = dn_q;
            tail = tail_q;
            bi   = blk_issue_q;
            br   = blk_resp_q;
            sv   = succ_v_q;
            dsv  = dsucc_v_q;
            dtv  = dt_v_q;
            ownv = own_v_q;
            // the youngest downstream slot of an ID ended: none is left (an issue or a
            // fast-path allocation of that ID below, in the same cycle, sets a new one)
            dtv = put_id(dtv, dn_end && dt_idx_q[dn_id] == dn_idx, dn_id, 1'b0);
            // a predecessor moving on unblocks its successor
            bi = put(bi, issue && succ_v_q[issue_idx], succ_q[issue_idx], 1'b0);
            bi = put(bi, abort_go && succ_v_q[ab_q], succ_q[ab_q], 1'b0);
            // a freed predecessor has left both orders (an abort may be answered before its
            // turn to leave the issue order comes); the link is dropped so that the next
            // occupant of its slot cannot act on its successor
            bi = put(bi, free_valid && succ_v_q[free_idx], succ_q[free_idx], 1'b0);
            br = put(br, free_valid && succ_v_q[free_idx], succ_q[free_idx], 1'b0);
            sv = put(sv, free_valid, free_idx, 1'b0);
            if (free_valid && succ_v_q[free_idx])
                has_pred_q[succ_q[free_idx]] <= 1'b0;
            if (dn_end && dsucc_v_q[dn_idx])
                blk_dn_q[dsucc_q[dn_idx]] <= 1'b0;
            dsv = put(dsv, dn_end, dn_idx, 1'b0);

            used = put(used, alloc, alloc_idx, 1'b1);
            gone = put(gone, alloc, alloc_idx, alloc_issue);
            dn   = put(dn, alloc, alloc_idx, alloc_issue);
            tail = put(tail, alloc && a_tail[IW], a_tail[IW-1:0], 1'b0);
            tail = put(tail, alloc, alloc_idx, 1'b1);
            sv   = put(sv, alloc && a_link, a_tail[IW-1:0], 1'b1);
            sv   = put(sv, alloc, alloc_idx, 1'b0);
            dsv  = put(dsv, alloc, alloc_idx, 1'b0);
            bi   = put(bi, alloc, alloc_idx, a_link && !gone_q[a_tail[IW-1:0]] &&
                                                !(issue && issue_idx == a_tail[IW-1:0]) &&
                                                !(abort_go && ab_q == a_tail[IW-1:0]));
            br   = put(br, alloc, alloc_idx, a_link);
            dtv  = put_id(dtv, go_alloc, alloc_id, 1'b1);
            dsv  = put(dsv, go_alloc && a_dtail[IW] &&
                            !(dn_end && dn_idx == a_dtail[IW-1:0]), a_dtail[IW-1:0], 1'b1);
            if (alloc) begin
                blk_dn_q[alloc_idx]    <= 1'b0;
                pred_q[alloc_idx]      <= a_tail[IW-1:0];
                // the predecessor, unless it moves on in this very cycle
                has_pred_q[alloc_idx]  <= a_link;
                if (a_link)
                    succ_q[a_tail[IW-1:0]] <= alloc_idx;
                if (alloc_issue) begin
                    dt_idx_q[alloc_id]  <= alloc_idx;
                    blk_dn_q[alloc_idx] <= a_dtail[IW] &&
                                           !(dn_end && dn_idx == a_dtail[IW-1:0]);
                    if (a_dtail[IW] && !(dn_end && dn_idx == a_dtail[IW-1:0]))
                        dsucc_q[a_dtail[IW-1:0]] <= alloc_idx;
                end
            end
            gone = put(gone, issue, issue_idx, 1'b1);
            dn   = put(dn, issue, issue_idx, 1'b1);
            dtv  = put_id(dtv, issue, i_id, 1'b1);
            dsv  = put(dsv, issue && i_dtail[IW] && !(dn_end && dn_idx == i_dtail[IW-1:0]),
                       i_dtail[IW-1:0], 1'b1);
            if (issue) begin
                dt_idx_q[i_id]     <= issue_idx;
                blk_dn_q[issue_idx] <= i_dtail[IW] &&
                                       !(dn_end && dn_idx == i_dtail[IW-1:0]);
                if (i_dtail[IW] && !(dn_end && dn_idx == i_dtail[IW-1:0]))
                    dsucc_q[i_dtail[IW-1:0]] <= issue_idx;
            end
            // the pick: kept while it may go and is not taken, else the next one
            if (!(issue_valid && !issue_take)) begin
                pk_v_q <= pk_nx[IW];
                if (pk_nx[IW])
                    pk_q <= pk_nx[IW-1:0];
            end
            gone = put(gone, abort_go, ab_q, 1'b1);
            ab_v_q <= ab_nx[IW];
            ab_q   <= ab_nx[IW-1:0];
            dn   = put(dn, dn_end, dn_idx, 1'b0);
            used = put(used, free_valid, free_idx, 1'b0);
            tail = put(tail, free_valid, free_idx, 1'b0);
            // the owners: the ending one's downstream successor takes over (else its ID
            // has none); a slot going downstream that owns its ID's next response becomes
            // the owner (after the above: the one ending now may be of its ID)
            if (dn_end && dsucc_v_q[dn_idx])
                own_q[dn_id] <= dsucc_q[dn_idx];
            ownv = put_id(ownv, dn_end && !dsucc_v_q[dn_idx], dn_id, 1'b0);
            ownv = put_id(ownv, go_alloc && own_a, alloc_id, 1'b1);
            if (go_alloc && own_a)
                own_q[alloc_id] <= alloc_idx;
            ownv = put_id(ownv, issue && own_i, i_id, 1'b1);
            if (issue && own_i)
                own_q[i_id] <= issue_idx;

            used_q      <= used;
            gone_q      <= gone;
            dn_q        <= dn;
            tail_q      <= tail;
            blk_issue_q <= bi;
            blk_resp_q  <= br;
            succ_v_q    <= sv;
            dsucc_v_q   <= dsv;
            dt_v_q      <= dtv;
            own_v_q     <= ownv;
        end
    end
    // The ID planes change only with an allocation: written in a block of their own that
    // does nothing in the other cycles (in the step above the simulator copied all
    // ID_W * N bits in and out every cycle).
    always @(posedge clk)
        if (rst_n && alloc)
            for (ib = 0; ib < ID_W; ib = ib + 1)
                idp_q[ib * N +: N] <= put(idp_q[ib * N +: N], 1'b1, alloc_idx, alloc_id[ib]);

`ifdef FORMAL
    // What the client port must respect: checked in place, the assumptions of the proof
    // of this module alone (formal/smmu_txn_order.sby, SMMU_TXN_ORDER_ALONE).
`ifdef SMMU_TXN_ORDER_ALONE
    `include "smmu_formal.vh"
    `define SMMU_TXO_ENV assume
`else
    `define SMMU_TXO_ENV assert
`endif
    // A slot is freed only as the answer head of its ID, after (or as) its downstream
    // part ended, and not as it is issued.
    always @* begin
        if (rst_n && free_valid) begin
            `SMMU_TXO_ENV (used_q[free_idx] && is_resp_head[free_idx] &&
                    (!dn_q[free_idx] || (dn_end && dn_idx == free_idx)) &&
                    !(issue && issue_idx == free_idx));
        end
    // The fast path: only for an ID with nothing waiting, never with a regular issue
    // (one downstream address register).
        if (rst_n && alloc_valid && alloc_ready && alloc_issue) begin
            `SMMU_TXO_ENV (id_clear && !issue);
        end
    end
    `undef SMMU_TXO_ENV
    // The registered picks: what goes is still an issue head that can go now (not just
    // when it was picked), and one slot never both goes downstream and leaves as an abort.
    always @*
        if (rst_n) begin
            if (issue_valid)
                assert (ihead[issue_idx] && can_issue[issue_idx] && !is_abort[issue_idx]);
            if (abort_go)
                assert (ihead[ab_q] && is_abort[ab_q] && !(issue && issue_idx == ab_q));
        end
    // Every block names a live predecessor of the same ID: a block whose predecessor is
    // gone would never clear (a hang), one that names a reused slot would clear early.
    integer f;
    always @*
        if (rst_n)
            for (f = 0; f < N; f = f + 1)
                if (used_q[f] && (blk_issue_q[f] || blk_resp_q[f])) begin
                    assert (has_pred_q[f] && used_q[pred_q[f]] &&
                            id_of(pred_q[f], idp_q) == id_of(f[IW-1:0], idp_q) &&
                            pred_q[f] != f[IW-1:0]);
                    if (blk_issue_q[f])
                        assert (!gone_q[pred_q[f]]);
                end
    // The forward links name exactly the live backward ones: a linked slot is found from
    // its predecessor (so its flags clear when that one moves on), and a link names a
    // live successor of that predecessor; every slot blocked downstream is some slot's
    // downstream successor.
    reg [N-1:0] f_dlinked;
    integer fg;
    always @* begin
        f_dlinked = {N{1'b0}};
        for (fg = 0; fg < N; fg = fg + 1)
            if (dsucc_v_q[fg])
                f_dlinked[dsucc_q[fg]] = 1'b1;
    end
    // The owner of each ID is the one slot of that ID downstream and not blocked there.
    integer ho;
    always @*
        if (rst_n)
            for (ho = 0; ho < NID; ho = ho + 1) begin
                assert (own_v_q[ho] == ((with_id(ho[ID_W-1:0], idp_q, used_q) & dn_q &
                                         ~blk_dn_q) != {N{1'b0}}));
                if (own_v_q[ho])
                    assert ((with_id(ho[ID_W-1:0], idp_q, used_q) & dn_q & ~blk_dn_q) ==
                            ({{(N - 1){1'b0}}, 1'b1} << own_q[ho]));
            end
    integer f2;
    always @*
        if (rst_n) begin
            assert ((used_q & dn_q & blk_dn_q & ~f_dlinked) == {N{1'b0}});
            for (f2 = 0; f2 < N; f2 = f2 + 1) begin
                if (used_q[f2] && has_pred_q[f2])
                    assert (succ_v_q[pred_q[f2]] && succ_q[pred_q[f2]] == f2[IW-1:0]);
                if (succ_v_q[f2])
                    assert (used_q[succ_q[f2]] && has_pred_q[succ_q[f2]] &&
                            pred_q[succ_q[f2]] == f2[IW-1:0]);
                if (dsucc_v_q[f2])
                    assert (used_q[dsucc_q[f2]] && blk_dn_q[dsucc_q[f2]] && dn_q[f2]);
            end
        end
    // The downstream-tail table: an ID's entry is valid exactly while some slot of that ID
    // is downstream, and then names one of them that blocks no other downstream (the
    // youngest: the others each block their successor).
    integer h;
    reg [NID-1:0] f_has_dn;
    always @* begin
        f_has_dn = {NID{1'b0}};
        for (h = 0; h < N; h = h + 1)
            if (used_q[h] && dn_q[h])
                f_has_dn[id_of(h[IW-1:0], idp_q)] = 1'b1;
    end
    integer h2;
    always @*
        if (rst_n)
            for (h2 = 0; h2 < NID; h2 = h2 + 1) begin
                assert (dt_v_q[h2] == f_has_dn[h2]);
                if (dt_v_q[h2])
                    assert (used_q[dt_idx_q[h2]] && dn_q[dt_idx_q[h2]] &&
                            id_of(dt_idx_q[h2], idp_q) == h2[ID_W-1:0] &&
                            !dsucc_v_q[dt_idx_q[h2]]);
            end
`endif
endmodule
