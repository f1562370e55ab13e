// smmu_client_wr: the write direction of the client port (smmu_client_port).
//
// Up to N writes are held at once, each in a slot (smmu_txn_order keeps the per-ID order).
// A write's data are stored in a buffer of WB beats as they arrive (in AW order: AXI4 has
// no WID); the write goes downstream, address and data, only when all its data are in
// the buffer and its translation says so. So:
//   - a write whose data never end (a client that withholds WLAST) never reaches memory
//     and cannot hold a CMD_SYNC, which waits only for writes already downstream;
//   - a write's data end at its WLAST or at its AWLEN + 1-th beat, whichever comes first
//     (a slave may count beats): an early WLAST or one missing on the last beat terminates
//     that write with F_UUT and SLVERR, and the next beats belong to the next AW;
//   - nothing of an illegal burst, an aborted or a malformed write reaches memory.
// W beats are taken once their AW has been accepted (AXI4 lets a slave wait for AWVALID
// before WREADY).
//
// Translations overtaken by an invalidation are asked again, as on the read side.
// B answers take their turn in the per-ID order, aborts after their F_UUT record was
// handed over and after all their W beats were taken. A write that hits the micro-TLB
// (smmu_utlb) is decided when its address is accepted; a downstream B whose write may be
// answered at once goes straight into the B output register.
module smmu_client_wr #(
    parameter SID_W     = 16,
    parameter PA_W      = 48,
    parameter ID_W      = 4,
    parameter UP_USER_W = SID_W + 4,
    parameter DN_USER_W = 8,
    parameter N         = 64,      // writes held at once
    parameter IW        = 6,       // log2(N)
    parameter WB_AW     = 9,       // log2 of the write data buffer in beats (>= 8)
    parameter UTLB      = 8        // micro-TLB entries (0: none)
) (
    input  wire                 clk,
    input  wire                 rst_n,

    input  wire                 accept_en,
    input  wire                 xlate_on,
    input  wire                 gbpa_abort,
    input  wire [14:0]          byp_cfg,       // as smmu_client_rd
    input  wire                 canwbs,
    input  wire                 inv,
    input  wire                 sync_snap,
    output wire                 sync_pending,
    output wire                 idle,

    output wire                 xq_valid,
    input  wire                 xq_ready,
    output wire [IW-1:0]        xq_idx,
    output wire [63:0]          xq_addr,
    output wire [2:0]           xq_prot,
    output wire [3:0]           xq_cache,
    output wire [UP_USER_W-1:0] xq_user,
    input  wire                 xr_valid,
    input  wire [IW-1:0]        xr_idx,
    input  wire                 xr_ok,
    input  wire [PA_W-1:0]      xr_pa,
    input  wire [3:0]           xr_cache,
    input  wire [2:0]           xr_prot,
    input  wire [1:0]           xr_domain,
    input  wire [7:0]           xr_attr,

    output wire                 uut_valid,
    input  wire                 uut_ready,
    output wire [63:0]          uut_addr,
    output wire [2:0]           uut_prot,
    output wire [UP_USER_W-1:0] uut_user,
    output wire [2:0]           uut_reason,

    input  wire                 s_up_awvalid,
    output wire                 s_up_awready,
    input  wire [ID_W-1:0]      s_up_awid,
    input  wire [63:0]          s_up_awaddr,
    input  wire [7:0]           s_up_awlen,
    input  wire [2:0]           s_up_awsize,
    input  wire [1:0]           s_up_awburst,
    input  wire [3:0]           s_up_awcache,
    input  wire [2:0]           s_up_awprot,
    input  wire [UP_USER_W-1:0] s_up_awuser,
    input  wire                 s_up_wvalid,
    output wire                 s_up_wready,
    input  wire [63:0]          s_up_wdata,
    input  wire [7:0]           s_up_wstrb,
    input  wire                 s_up_wlast,
    output wire                 s_up_bvalid,
    input  wire                 s_up_bready,
    output wire [ID_W-1:0]      s_up_bid,
    output wire [1:0]           s_up_bresp,

    output wire                 m_dn_awvalid,
    input  wire                 m_dn_awready,
    output wire [ID_W-1:0]      m_dn_awid,
    output wire [PA_W-1:0]      m_dn_awaddr,
    output wire [7:0]           m_dn_awlen,
    output wire [2:0]           m_dn_awsize,
    output wire [1:0]           m_dn_awburst,
    output wire [3:0]           m_dn_awcache,
    output wire [2:0]           m_dn_awprot,
    output wire [1:0]           m_dn_awdomain,
    output wire [DN_USER_W-1:0] m_dn_awuser,
    output wire                 m_dn_wvalid,
    input  wire                 m_dn_wready,
    output wire [63:0]          m_dn_wdata,
    output wire [7:0]           m_dn_wstrb,
    output wire                 m_dn_wlast,
    input  wire                 m_dn_bvalid,
    output wire                 m_dn_bready,
    input  wire [ID_W-1:0]      m_dn_bid,
    input  wire [1:0]           m_dn_bresp
);
    localparam WB = 1 << WB_AW;
    localparam [1:0] RESP_SLVERR = 2'b10;
    localparam [2:0] WHY_EARLY = 3'd6, WHY_MISSING = 3'd7;
    `include "smmu_first.vh"
    `include "smmu_amba.vh"
    `include "smmu_bypass_attr.vh"

    generate
        if (WB_AW < 8) begin : g_wb_too_small
            smmu_client_wr_WB_AW_must_be_at_least_8 u_err ();
        end
    endgenerate

    // ---------------- slots ----------------
    reg [N-1:0]         need_q, busy_q, have_q, ok_q, stale_q, uut_q, xlt_q, iss_q;
    reg [N-1:0]         bad_q;      // illegal burst or WLAST mismatch: abort
    reg [N-1:0]         wdone_q;    // all its W beats were taken (up to the client's WLAST)
    reg [N-1:0]         bdone_q;    // the downstream B came back (t_bresp)
    reg [ID_W-1:0]      s_id    [0:N-1];
    reg [63:0]          s_addr  [0:N-1];
    reg [7:0]           s_len   [0:N-1];
    reg [2:0]           s_size  [0:N-1];
    reg [1:0]           s_burst [0:N-1];
    reg [3:0]           s_cache [0:N-1];
    reg [2:0]           s_prot  [0:N-1];
    reg [UP_USER_W-1:0] s_user  [0:N-1];
    reg [2:0]           s_why   [0:N-1];
    reg [WB_AW:0]       s_start [0:N-1];    // its first beat in the buffer
    reg [8:0]           s_nst   [0:N-1];    // beats stored
    reg [8:0]           s_ncnt  [0:N-1];    // beats taken
    reg [IW-1:0]        s_dqp   [0:N-1];    // its position in the data order
    reg [PA_W-1:0]      t_pa    [0:N-1];
    reg [3:0]           t_cache [0:N-1];
    reg [2:0]           t_prot  [0:N-1];
    reg [1:0]           t_dom   [0:N-1];
    reg [7:0]           t_attr  [0:N-1];
    reg [1:0]           t_bresp [0:N-1];

    // ---------------- order, allocation ----------------
    wire [N-1:0]  can_issue, is_abort, resp_head, in_use, downstream;
    wire          alloc_ready, issue_valid, dn_any;
    wire [IW-1:0] alloc_idx, issue_idx, dn_idx;
    wire          issue_take, dn_done, free_valid;
    wire [IW-1:0] free_idx;
    wire          id_clear_unused;
    wire [(1<<ID_W)-1:0] dn_head_by_id;

    // the data order: writes in AW arrival order; `dq_wr` receives W beats, `dq_rel`
    // releases buffer space. A position keeps its region (dq_len beats) until its data
    // are no longer needed (dq_gone), even when its slot is freed and taken again.
    reg [IW-1:0]  dq      [0:N-1];
    reg [8:0]     dq_len  [0:N-1];
    reg [N-1:0]   dq_gone_q;
    reg [IW:0]    dq_tail_q, dq_wr_q, dq_rel_q;
    wire          dq_full = (dq_tail_q - dq_rel_q) == N[IW:0];

    assign s_up_awready = accept_en && alloc_ready && !dq_full;
    wire   acc = s_up_awvalid && s_up_awready;

    smmu_txn_order #(.N(N), .IW(IW), .ID_W(ID_W)) u_order (
        .clk(clk), .rst_n(rst_n),
        .alloc_valid(acc), .alloc_id(s_up_awid), .alloc_ready(alloc_ready),
        .alloc_idx(alloc_idx), .alloc_issue(1'b0), .id_clear(id_clear_unused),
        .can_issue(can_issue), .is_abort(is_abort),
        .issue_valid(issue_valid), .issue_idx(issue_idx), .issue_take(issue_take),
        .dn_id(m_dn_bid), .dn_idx(dn_idx), .dn_any(dn_any), .dn_done(dn_done),
        .dn_head_by_id(dn_head_by_id),
        .is_resp_head(resp_head), .in_use(in_use), .downstream(downstream),
        .free_valid(free_valid), .free_idx(free_idx));

    wire       bad;
    wire [2:0] why;
    smmu_burst_check u_chk (
        .addr(s_up_awaddr[11:0]), .len(s_up_awlen), .size(s_up_awsize),
        .burst(s_up_awburst), .bad(bad), .reason(why));
    wire beyond  = (s_up_awaddr >> PA_W) != 64'd0;
    wire acc_byp = !bad && !xlate_on && !gbpa_abort && !beyond;
    wire acc_xl  = !bad && xlate_on;

    // ---------------- micro-TLB: translations known at acceptance ----------------
    localparam UK_W = UP_USER_W + 52 + 3 + 4;
    localparam UV_W = (PA_W - 12) + 4 + 3 + 2 + 8;
    wire            u_hit;
    wire [UV_W-1:0] u_val;
    wire            u_fill;
    generate
        if (UTLB > 0) begin : g_utlb
            smmu_utlb #(.E(UTLB), .KEY_W(UK_W), .VAL_W(UV_W)) u_utlb (
                .clk(clk), .rst_n(rst_n), .clear(inv || !xlate_on),
                .lk_valid(s_up_awvalid),
                .lk_key({s_up_awuser, s_up_awaddr[63:12], s_up_awprot, s_up_awcache}),
                .lk_hit(u_hit), .lk_val(u_val),
                .fill_valid(u_fill),
                .fill_key({s_user[xr_idx], s_addr[xr_idx][63:12], s_prot[xr_idx],
                           s_cache[xr_idx]}),
                .fill_val({xr_pa[PA_W-1:12], xr_cache, xr_prot, xr_domain, xr_attr}));
        end else begin : g_no_utlb
            assign u_hit = 1'b0;
            assign u_val = {UV_W{1'b0}};
        end
    endgenerate
    // translated by the micro-TLB (not in the cycle of an invalidation: asked instead)
    wire            acc_fast = acc_xl && u_hit && !inv;
    assign u_fill = xr_valid && xr_ok && !stale_q[xr_idx] && !inv && !bad_q[xr_idx];

    // ---------------- write data in ----------------
    reg [63:0]    wb_data [0:WB-1];
    reg [7:0]     wb_strb [0:WB-1];
    reg [WB_AW:0] wb_wr_q, wb_rel_q;        // write pointer, start of the oldest held region
    wire [WB_AW:0] wb_used = wb_wr_q - wb_rel_q;
    wire          wb_room = wb_used != WB[WB_AW:0];

    // The data head, the write the next W beat belongs to, in registers: hd_v_q is
    // dq_wr_q != dq_tail_q (a write waits for data), hd_slot_q is dq[dq_wr_q] and
    // hd_drop_q its bad_q (an illegal burst: its data are not stored). WREADY and the
    // buffer's write enable then start at registers, not at the data order's RAM read and
    // a pick among the N slots' flags (the ECP5 clock's path, docs/fpga.md). A slot's
    // bad flag changes while it is the head only with the beat that ends its data.
    reg           hd_v_q;
    reg [IW-1:0]  hd_slot_q;
    reg           hd_drop_q;
    wire [IW-1:0] wr_slot = hd_slot_q;
    wire          wr_have = hd_v_q;
    wire          wr_drop = hd_drop_q;
    assign s_up_wready = wr_have && (wr_drop || wb_room);
    wire   w_fire  = s_up_wvalid && s_up_wready;
    wire   w_store = w_fire && !wr_drop;
    // whether this beat is the AWLEN + 1-th: AWLEN beats taken so far (stored or not);
    // compared without adding 1 to both sides (an adder's carry chain on the W path)
    wire   w_cnt_last = s_ncnt[wr_slot] == {1'b0, s_len[wr_slot]};
    wire   w_end   = w_fire && (s_up_wlast || w_cnt_last);
    // WLAST before the AWLEN + 1-th beat, or not on it
    wire   w_early = w_fire && s_up_wlast && !w_cnt_last && !wr_drop;
    wire   w_miss  = w_fire && !s_up_wlast && w_cnt_last && !wr_drop;
    // the next head: once the head's data end, the entry after it if the order holds one
    // (its slot and bad flag read from registers, whatever the beat does), else the write
    // accepted in this cycle, if any
    wire [IW:0]   hd_after   = dq_wr_q + 1'b1;
    wire [IW-1:0] hd_after_s = dq[hd_after[IW-1:0]];
    wire          hd_after_v = hd_after != dq_tail_q;
    wire          hd_after_b = bad_q[hd_after_s];

    // ---------------- decisions, downstream AW ----------------
    assign can_issue  = have_q & ok_q & ~stale_q & ~bad_q & wdone_q;
    assign is_abort   = bad_q | (have_q & ~ok_q);
    reg             aw_v_q;
    reg [ID_W-1:0]  aw_id_q;
    reg [PA_W-1:0]  aw_addr_q;
    reg [7:0]       aw_len_q;
    reg [2:0]       aw_size_q;
    reg [1:0]       aw_burst_q;
    reg [3:0]       aw_cache_q;
    reg [2:0]       aw_prot_q;
    reg [1:0]       aw_dom_q;
    reg [7:0]       aw_attr_q;
    // writes downstream whose data are still to be sent, in AW order
    reg [IW-1:0]    dw [0:N-1];
    reg [WB_AW:0]   dw_start [0:N-1];        // each one's first beat in the buffer
    reg [7:0]       dw_len   [0:N-1];        // and its AWLEN
    reg [IW:0]      dw_head_q, dw_tail_q;
    reg [8:0]       dw_beat_q;               // beats of the head write already sent
    reg [WB_AW:0]   dw_pos_q;                // the buffer position of the head's next beat
    wire ar_load = !aw_v_q || m_dn_awready;
    assign issue_take = issue_valid && ar_load;

    assign m_dn_awvalid  = aw_v_q;
    assign m_dn_awid     = aw_id_q;
    assign m_dn_awaddr   = aw_addr_q;
    assign m_dn_awlen    = aw_len_q;
    assign m_dn_awsize   = aw_size_q;
    assign m_dn_awburst  = aw_burst_q;
    assign m_dn_awcache  = aw_cache_q;
    assign m_dn_awprot   = aw_prot_q;
    assign m_dn_awdomain = aw_dom_q;
    wire [DN_USER_W+7:0] aw_user_x = {{DN_USER_W{1'b0}}, aw_attr_q};
    assign m_dn_awuser   = aw_user_x[DN_USER_W-1:0];

    // downstream W: the head write's beats from its region, WLAST on its last. The
    // buffer is read at a register (dw_pos_q: the head's start, then one more per beat)
    // and WLAST compares with the queue's own copy of AWLEN: the W outputs are one
    // buffer read from registers, not the queue -> slot -> start -> adder chain.
    wire          dw_have  = dw_head_q != dw_tail_q;
    wire [IW:0]   dw_head1 = dw_head_q + 1'b1;
    wire [IW-1:0] dw_slot  = dw[dw_head_q[IW-1:0]];
    wire          dw_lastb = dw_beat_q == {1'b0, dw_len[dw_head_q[IW-1:0]]};
    assign m_dn_wvalid = dw_have;
    assign m_dn_wdata  = wb_data[dw_pos_q[WB_AW-1:0]];
    assign m_dn_wstrb  = wb_strb[dw_pos_q[WB_AW-1:0]];
    assign m_dn_wlast  = dw_lastb;
    wire   dw_fire     = m_dn_wvalid && m_dn_wready;

    // downstream B: always taken
    assign m_dn_bready = 1'b1;
    assign dn_done     = m_dn_bvalid;

    // ---------------- translation requests, F_UUT records ----------------
    reg [IW-1:0] xq_pick, uu_pick;
    reg          xq_any, uu_any;
    always @* begin
        {xq_any, xq_pick} = first(need_q);
        {uu_any, uu_pick} = first(uut_q);
    end
    assign xq_valid   = xq_any;
    assign xq_idx     = xq_pick;
    assign xq_addr    = s_addr[xq_pick];
    assign xq_prot    = s_prot[xq_pick];
    assign xq_cache   = s_cache[xq_pick];
    assign xq_user    = s_user[xq_pick];
    wire   xq_fire    = xq_valid && xq_ready;
    assign uut_valid  = uu_any;
    assign uut_addr   = s_addr[uu_pick];
    assign uut_prot   = s_prot[uu_pick];
    assign uut_user   = s_user[uu_pick];
    assign uut_reason = s_why[uu_pick];
    wire   uut_fire   = uut_valid && uut_ready;

    // ---------------- B answers (one output register) ----------------
    reg            b_v_q;
    reg [ID_W-1:0] b_id_q;
    reg [1:0]      b_resp_q;
    wire           b_load = !b_v_q || s_up_bready;
    // The writes that may be answered: their ID's answer head, all data taken, and the
    // downstream B back or an abort with nothing left to do. A slot stays answerable
    // until it is answered (every term only sets until then), so the pick is made a
    // cycle ahead and registered (b_pk_q): the pick, the slot's ID and the order tables'
    // successor update were one path. The picked slot is answered when the B register
    // is free; the next pick is made meanwhile among the others.
    wire [N-1:0]   b_ans = resp_head & wdone_q &
                           (bdone_q | (is_abort & ~uut_q & ~busy_q & ~need_q));
    reg            b_pk_v_q;
    reg  [IW-1:0]  b_pk_q;
    wire           b_pk_go = b_load && b_pk_v_q;           // the picked slot is answered now
    // The next pick is loaded only with no pick held or as the held one is answered, so
    // the held one (b_pk_v_q) is the one to exclude: from registers alone, not from
    // b_pk_go, which the client's BREADY decides (logic on top-level inputs runs on each
    // of the simulator's evaluations).
    wire [IW:0]    b_pk_nx = first_except(b_ans, b_pk_v_q, b_pk_q);
    // a downstream B whose write may be answered now, with no other answer picked (its
    // ID's answer head: no picked answer is of its ID)
    wire           b_direct;
    assign b_direct   = b_load && !b_pk_v_q && m_dn_bvalid && dn_head_by_id[m_dn_bid];
    assign free_valid = (b_load && b_pk_v_q) || b_direct;
    assign free_idx   = b_pk_v_q ? b_pk_q : dn_idx;
    assign s_up_bvalid = b_v_q;
    assign s_up_bid    = b_id_q;
    assign s_up_bresp  = b_resp_q;

    // ---------------- buffer release, in data order ----------------
    wire          rel_have = dq_rel_q != dq_wr_q;          // its data have all been taken
    wire          rel_go   = rel_have && dq_gone_q[dq_rel_q[IW-1:0]];

    // ---------------- sync ----------------
    reg [N-1:0] snap_q;
    assign sync_pending = |(snap_q & downstream);
    assign idle = in_use == {N{1'b0}};

    // ---------------- state ----------------
    always @(posedge clk) begin
        if (!rst_n) begin
            need_q    <= {N{1'b0}};
            busy_q    <= {N{1'b0}};
            have_q    <= {N{1'b0}};
            ok_q      <= {N{1'b0}};
            stale_q   <= {N{1'b0}};
            uut_q     <= {N{1'b0}};
            xlt_q     <= {N{1'b0}};
            iss_q     <= {N{1'b0}};
            bad_q     <= {N{1'b0}};
            wdone_q   <= {N{1'b0}};
            bdone_q   <= {N{1'b0}};
            dq_gone_q <= {N{1'b0}};
            snap_q    <= {N{1'b0}};
            dq_tail_q <= {(IW + 1){1'b0}};
            dq_wr_q   <= {(IW + 1){1'b0}};
            hd_v_q    <= 1'b0;
            dq_rel_q  <= {(IW + 1){1'b0}};
            dw_head_q <= {(IW + 1){1'b0}};
            dw_tail_q <= {(IW + 1){1'b0}};
            dw_beat_q <= 9'd0;
            dw_pos_q  <= {(WB_AW + 1){1'b0}};
            wb_wr_q   <= {(WB_AW + 1){1'b0}};
            wb_rel_q  <= {(WB_AW + 1){1'b0}};
            aw_v_q    <= 1'b0;
            b_v_q     <= 1'b0;
            b_pk_v_q  <= 1'b0;
        end else begin : step
            // the slot flags (and the data order's dq_gone), updated in order through
            // masks (put) and stored at the end
            reg [N-1:0] need_n, busy_n, have_n, ok_n, stale_n, uut_n, xlt_n, iss_n, bad_n;
            reg [N-1:0] wdone_n, bdone_n, gone_n;
            need_n  = need_q;
            busy_n  = busy_q;
            have_n  = have_q;
            ok_n    = ok_q;
            stale_n = stale_q;
            uut_n   = uut_q;
            xlt_n   = xlt_q;
            iss_n   = iss_q;
            bad_n   = bad_q;
            wdone_n = wdone_q;
            bdone_n = bdone_q;
            gone_n  = dq_gone_q;
            if (inv) begin : redo
                reg [N-1:0] again;
                again = have_q & ok_q & xlt_q & ~iss_q & ~bad_q &
                        ~({{(N - 1){1'b0}}, issue_take} << issue_idx);
                stale_n = stale_q | busy_q;
                have_n  = have_n & ~again;
                need_n  = need_n | again;
            end

            need_n  = put(need_n, acc, alloc_idx, acc_xl && !acc_fast);
            busy_n  = put(busy_n, acc, alloc_idx, 1'b0);
            have_n  = put(have_n, acc, alloc_idx, !acc_xl || acc_fast);
            ok_n    = put(ok_n, acc, alloc_idx, acc_byp || acc_fast);
            stale_n = put(stale_n, acc, alloc_idx, 1'b0);
            uut_n   = put(uut_n, acc, alloc_idx, bad);
            bad_n   = put(bad_n, acc, alloc_idx, bad);
            xlt_n   = put(xlt_n, acc, alloc_idx, acc_fast);
            iss_n   = put(iss_n, acc, alloc_idx, 1'b0);
            wdone_n = put(wdone_n, acc, alloc_idx, 1'b0);
            bdone_n = put(bdone_n, acc, alloc_idx, 1'b0);
            if (acc) begin
                s_id[alloc_idx]    <= s_up_awid;
                s_addr[alloc_idx]  <= s_up_awaddr;
                s_len[alloc_idx]   <= s_up_awlen;
                s_size[alloc_idx]  <= s_up_awsize;
                s_burst[alloc_idx] <= s_up_awburst;
                s_cache[alloc_idx] <= s_up_awcache;
                s_prot[alloc_idx]  <= s_up_awprot;
                s_user[alloc_idx]  <= s_up_awuser;
                s_why[alloc_idx]   <= why;
                s_nst[alloc_idx]   <= 9'd0;
                s_ncnt[alloc_idx]  <= 9'd0;
                // the PA and attributes: the micro-TLB's with translation on, else the
                // GBPA bypass's (smmu_bypass_attr.vh, evaluated for a bypass only). Only a
                // micro-TLB hit or a bypass uses them; the other slots take theirs with
                // the translation, or never go downstream, so the choice waits for
                // neither the hit nor the burst check.
                begin : t_step
                    /* verilator lint_off UNUSEDSIGNAL */
                    reg [18:0] byp;    // its SH field [9:8] is not used
                    /* verilator lint_on UNUSEDSIGNAL */
                    byp = 19'd0;
                    if (acc_byp)
                        byp = bypass_attr(1'b0, s_up_awcache, s_up_awprot,
                                          s_up_awuser[SID_W+2:SID_W+1],
                                          s_up_awuser[SID_W] && !canwbs, byp_cfg[14],
                                          byp_cfg[13:10], byp_cfg[9:6], byp_cfg[5:4],
                                          byp_cfg[3:2], byp_cfg[1:0]);
                    t_pa[alloc_idx]    <= xlate_on ?
                                          {u_val[UV_W-1 -: PA_W - 12], s_up_awaddr[11:0]} :
                                          s_up_awaddr[PA_W-1:0];
                    t_cache[alloc_idx] <= xlate_on ? u_val[16:13] : byp[18:15];
                    t_prot[alloc_idx]  <= xlate_on ? u_val[12:10] : byp[14:12];
                    t_dom[alloc_idx]   <= xlate_on ? u_val[9:8] : byp[11:10];
                    t_attr[alloc_idx]  <= xlate_on ? u_val[7:0] : byp[7:0];
                end
                s_dqp[alloc_idx]   <= dq_tail_q[IW-1:0];
                dq[dq_tail_q[IW-1:0]] <= alloc_idx;
                dq_tail_q <= dq_tail_q + 1'b1;
            end

            // W beats of the write at the data head
            if (w_fire && s_nst[wr_slot] == 9'd0 && !wr_drop)
                s_start[wr_slot] <= wb_wr_q;
            if (w_fire)
                s_ncnt[wr_slot] <= s_ncnt[wr_slot] + 9'd1;
            if (w_store) begin
                wb_data[wb_wr_q[WB_AW-1:0]] <= s_up_wdata;
                wb_strb[wb_wr_q[WB_AW-1:0]] <= s_up_wstrb;
                wb_wr_q <= wb_wr_q + 1'b1;
                s_nst[wr_slot] <= s_nst[wr_slot] + 9'd1;
            end
            wdone_n = put(wdone_n, w_end, wr_slot, 1'b1);
            gone_n  = put(gone_n, w_end, dq_wr_q[IW-1:0], 1'b0);
            if (w_end) begin
                dq_len[dq_wr_q[IW-1:0]] <= s_nst[wr_slot] + (w_store ? 9'd1 : 9'd0);
                dq_wr_q <= dq_wr_q + 1'b1;
            end
            if (w_end && hd_after_v) begin
                hd_slot_q <= hd_after_s;
                hd_drop_q <= hd_after_b;
            end else if (w_end || !hd_v_q) begin
                // (the order holds nothing after the head, or nothing at all: the write
                // accepted now, at the tail, becomes the head)
                hd_v_q    <= acc;
                hd_slot_q <= alloc_idx;
                hd_drop_q <= bad;
            end

            need_n  = put(need_n, xq_fire, xq_idx, 1'b0);
            busy_n  = put(busy_n, xq_fire, xq_idx, 1'b1);
            stale_n = put(stale_n, xq_fire, xq_idx, inv);
            if (xr_valid) begin : answer
                // as on the read side: a stale fault is final
                reg again;
                again   = (stale_q[xr_idx] || inv) && xr_ok && !bad_q[xr_idx];
                busy_n  = put(busy_n, 1'b1, xr_idx, 1'b0);
                need_n  = put(need_n, again, xr_idx, 1'b1);
                have_n  = put(have_n, !again, xr_idx, 1'b1);
                ok_n    = put(ok_n, !again, xr_idx, xr_ok);
                xlt_n   = put(xlt_n, !again, xr_idx, 1'b1);
                if (!again) begin
                    t_pa[xr_idx]    <= xr_pa;
                    t_cache[xr_idx] <= xr_cache;
                    t_prot[xr_idx]  <= xr_prot;
                    t_dom[xr_idx]   <= xr_domain;
                    t_attr[xr_idx]  <= xr_attr;
                end
            end
            uut_n = put(uut_n, uut_fire, uu_pick, 1'b0);

            // a write turned bad by its data: no translation request any more
            bad_n  = put(bad_n, w_early || w_miss, wr_slot, 1'b1);
            uut_n  = put(uut_n, w_early || w_miss, wr_slot, 1'b1);
            need_n = put(need_n, w_early || w_miss, wr_slot, 1'b0);
            if (w_early || w_miss)
                s_why[wr_slot] <= w_early ? WHY_EARLY : WHY_MISSING;

            // downstream AW, then its data
            if (m_dn_awvalid && m_dn_awready)
                aw_v_q <= 1'b0;
            iss_n = put(iss_n, issue_take, issue_idx, 1'b1);
            if (issue_take) begin
                aw_v_q     <= 1'b1;
                aw_id_q    <= s_id[issue_idx];
                aw_addr_q  <= t_pa[issue_idx];
                aw_len_q   <= s_len[issue_idx];
                aw_size_q  <= s_size[issue_idx];
                aw_burst_q <= s_burst[issue_idx];
                aw_cache_q <= t_cache[issue_idx];
                aw_prot_q  <= t_prot[issue_idx];
                aw_dom_q   <= t_dom[issue_idx];
                aw_attr_q  <= t_attr[issue_idx];
                dw[dw_tail_q[IW-1:0]]       <= issue_idx;
                dw_start[dw_tail_q[IW-1:0]] <= s_start[issue_idx];
                dw_len[dw_tail_q[IW-1:0]]   <= s_len[issue_idx];
                dw_tail_q  <= dw_tail_q + 1'b1;
            end
            gone_n = put(gone_n, dw_fire && dw_lastb, s_dqp[dw_slot], 1'b1);
            // the position: an empty queue takes the pushed write's start; the last beat
            // moves to the next write's (queued, or pushed in this cycle)
            if (!dw_have && issue_take)
                dw_pos_q <= s_start[issue_idx];
            if (dw_fire) begin
                if (dw_lastb) begin
                    dw_beat_q <= 9'd0;
                    dw_head_q <= dw_head1;
                    dw_pos_q  <= (dw_head1 != dw_tail_q) ? dw_start[dw_head1[IW-1:0]] :
                                                           s_start[issue_idx];
                end else begin
                    dw_beat_q <= dw_beat_q + 9'd1;
                    dw_pos_q  <= dw_pos_q + 1'b1;
                end
            end
            bdone_n = put(bdone_n, dn_done, dn_idx, 1'b1);
            if (dn_done)
                t_bresp[dn_idx] <= m_dn_bresp;

            // release buffer space in data order
            if (rel_go) begin
                wb_rel_q <= wb_rel_q + {{(WB_AW - 8){1'b0}}, dq_len[dq_rel_q[IW-1:0]]};
                dq_rel_q <= dq_rel_q + 1'b1;
            end

            // B answers
            if (s_up_bvalid && s_up_bready)
                b_v_q <= 1'b0;
            if (!b_pk_v_q || b_pk_go) begin
                b_pk_v_q <= b_pk_nx[IW];
                b_pk_q   <= b_pk_nx[IW-1:0];
            end
            if (free_valid) begin
                b_v_q    <= 1'b1;
                b_id_q   <= s_id[free_idx];
                b_resp_q <= b_direct ? m_dn_bresp :
                            is_abort[b_pk_q] ? RESP_SLVERR : t_bresp[b_pk_q];
            end
            have_n = put(have_n, free_valid, free_idx, 1'b0);
            ok_n   = put(ok_n, free_valid, free_idx, 1'b0);
            bad_n  = put(bad_n, free_valid, free_idx, 1'b0);
            // an aborted write's data were never needed
            gone_n = put(gone_n, free_valid && !b_direct && is_abort[b_pk_q], s_dqp[b_pk_q],
                         1'b1);
            need_q    <= need_n;
            busy_q    <= busy_n;
            have_q    <= have_n;
            ok_q      <= ok_n;
            stale_q   <= stale_n;
            uut_q     <= uut_n;
            xlt_q     <= xlt_n;
            iss_q     <= iss_n;
            bad_q     <= bad_n;
            wdone_q   <= wdone_n;
            bdone_q   <= bdone_n;
            dq_gone_q <= gone_n;

            snap_q <= sync_snap ? downstream : (snap_q & downstream);
        end
    end

    wire unused_ok = &{1'b0, dn_any, aw_user_x, dw_pos_q[WB_AW], id_clear_unused};
`ifdef FORMAL
    // ---------------- properties (make formal: formal/smmu_client_wr.sby) ----------------
    `include "smmu_formal.vh"
    // the translation unit's answers (assumed when this side is proven alone)
`ifdef SMMU_CLIENT_WR_ALONE
    `define SMMU_CLIENT_ALONE
`endif
    `include "smmu_formal_xl.vh"
    `undef SMMU_CLIENT_ALONE
    // What an AXI4 slave guarantees downstream (A3.3.1): a B only for a write of that ID
    // whose address and all data it has taken; the oldest such write of the ID is the
    // one smmu_txn_order names (dn_idx, its proof). f_aw_slot: the slot in the AW register.
    reg [N-1:0]  f_awsent, f_wsent;
    reg [IW-1:0] f_aw_slot;
    always @(posedge clk)
        if (!rst_n) begin
            f_awsent <= {N{1'b0}};
            f_wsent  <= {N{1'b0}};
        end else begin
            f_awsent <= put(put(f_awsent, m_dn_awvalid && m_dn_awready, f_aw_slot, 1'b1),
                            acc, alloc_idx, 1'b0);
            f_wsent  <= put(put(f_wsent, dw_fire && dw_lastb, dw_slot, 1'b1),
                            acc, alloc_idx, 1'b0);
            if (issue_take) f_aw_slot <= issue_idx;
        end
    always @* if (rst_n && m_dn_bvalid) assume (dn_any && f_awsent[dn_idx] && f_wsent[dn_idx]);

    // A translation in flight keeps its slot: busy_q is exactly "asked and not answered",
    // so no slot is freed and reused while an answer for it may still come (it would
    // land on the next write in the slot).
    always @* if (rst_n) assert (busy_q == f_asked);

    // Nothing of a failed write reaches memory: f_fail marks a write terminated by its
    // burst (smmu_burst_check), by GBPA.ABORT or an address beyond the OAS while SMMUEN
    // is 0, by a translation fault (final, stale or not) or by its WLAST; such a write
    // is never issued, and its address and data never appear downstream. Its B is SLVERR.
    reg [N-1:0] f_fail;
    reg         f_b_fail;
    always @(posedge clk)
        if (!rst_n) begin
            f_fail <= {N{1'b0}};
        end else begin
            f_fail <= put(put(put(f_fail, acc, alloc_idx,
                                  bad || (!xlate_on && (gbpa_abort || beyond))),
                              xr_valid && !xr_ok, xr_idx, 1'b1),
                          w_early || w_miss, wr_slot, 1'b1);
            if (free_valid) f_b_fail <= f_fail[free_idx];
        end
    always @*
        if (rst_n) begin
            if (issue_take)   assert (!f_fail[issue_idx]);
            if (m_dn_awvalid) assert (!f_fail[f_aw_slot]);
            if (m_dn_wvalid)  assert (!f_fail[dw_slot]);
            // the W registers are what the slot's start, its length and the beat give
            if (dw_have) assert (dw_pos_q == s_start[dw_slot] +
                                             {{(WB_AW - 8){1'b0}}, dw_beat_q});
            if (dw_have) assert (dw_len[dw_head_q[IW-1:0]] == s_len[dw_slot]);
            if (s_up_bvalid && f_b_fail) assert (s_up_bresp == RESP_SLVERR);
        end
    // One B per accepted AW, with its ID: per ID, the writes accepted and not yet
    // answered (B handshake) are the slots of that ID in use plus the B register's.
    localparam NID = 1 << ID_W;
    reg [IW+1:0] f_open [0:NID-1];
    integer fi, fs;
    reg [IW+1:0] f_held;
    always @(posedge clk)
        for (fi = 0; fi < NID; fi = fi + 1)
            if (!rst_n)
                f_open[fi] <= {(IW + 2){1'b0}};
            else
                f_open[fi] <= f_open[fi] + (acc && s_up_awid == fi[ID_W-1:0]) -
                              (s_up_bvalid && s_up_bready && s_up_bid == fi[ID_W-1:0]);
    always @*
        if (rst_n)
            for (fi = 0; fi < NID; fi = fi + 1) begin
                f_held = {(IW + 1){1'b0}} + (b_v_q && b_id_q == fi[ID_W-1:0]);
                for (fs = 0; fs < N; fs = fs + 1)
                    f_held = f_held + (in_use[fs] && s_id[fs] == fi[ID_W-1:0]);
                assert (f_open[fi] == f_held);
            end
    // W beats are taken only for an accepted AW whose data have not ended.
    reg [IW+1:0] f_wopen;
    always @(posedge clk)
        if (!rst_n) f_wopen <= {(IW + 2){1'b0}};
        else        f_wopen <= f_wopen + acc - w_end;
    always @*
        if (rst_n) begin
            assert (f_wopen == dq_tail_q - dq_wr_q);
            if (s_up_wready) assert (f_wopen != {(IW + 2){1'b0}});
        end
    // AXI4 (A3.2.1): B up and downstream AW and W hold VALID and their payload until READY.
    always @(posedge clk)
        if (f_run) begin
            if ($past(s_up_bvalid && !s_up_bready))
                assert (s_up_bvalid && $stable({s_up_bid, s_up_bresp}));
            if ($past(m_dn_awvalid && !m_dn_awready))
                assert (m_dn_awvalid && $stable({m_dn_awid, m_dn_awaddr, m_dn_awlen,
                        m_dn_awsize, m_dn_awburst, m_dn_awcache, m_dn_awprot, m_dn_awdomain,
                        m_dn_awuser}));
            if ($past(m_dn_wvalid && !m_dn_wready))
                assert (m_dn_wvalid && $stable({m_dn_wdata, m_dn_wstrb, m_dn_wlast}));
        end

    // The registered B pick is still a write that may be answered (nothing clears an
    // answerable slot's terms but its own answer). (Combinational, as the ones below:
    // checked in the state itself, up to the last step of the bounded check.)
    always @*
        if (rst_n && b_pk_v_q) assert (b_ans[b_pk_q]);
    // The data head's registers mirror the data order and the head slot's bad flag.
    always @*
        if (rst_n) begin
            assert (hd_v_q == (dq_wr_q != dq_tail_q));
            if (hd_v_q) assert (hd_slot_q == dq[dq_wr_q[IW-1:0]] && hd_drop_q == bad_q[hd_slot_q]);
        end
`endif

endmodule
