// smmu_client_rd: the read direction of the client port (smmu_client_port).
//
// Up to N reads are held at once, each in a slot (smmu_txn_order keeps the per-ID order).
// A read is accepted, decided (illegal burst: F_UUT and abort; SMMUEN = 0: GBPA bypass or
// abort; SMMUEN = 1: translated), sent downstream in per-ID order once its translation
// says so, and answered to the client in per-ID order.
//
// Read data from downstream go into a buffer of RBUF beats before they go to the client.
// A read is sent downstream only when the buffer has room for all of its beats, so the
// downstream side of a read always ends, whatever the client does with RREADY: a client
// that stops taking data cannot hold a CMD_SYNC (which waits only for reads already sent
// downstream) nor the memory system.
//
// A translation that an invalidation may have overtaken (an invalidation happened while
// it was requested, or after it came back but before the read went downstream) is
// requested again: a read goes downstream only with a translation that is current.
//
// Abort answers (ARLEN + 1 beats of SLVERR, data 0) take their turn in the per-ID order,
// and never before the F_UUT record of an illegal burst has been handed to the event
// queue.
//
// The fast path: a read whose decision is known when its address is accepted (a micro-TLB
// hit, smmu_utlb, or GBPA bypass) and whose ID has nothing waiting to go downstream goes
// into the downstream AR register in that same cycle (downstream one cycle after the
// client's handshake). Its data come back through the output stage without the buffer
// when the buffer is empty and the read may be answered: the beat is offered to the
// client in the cycle it arrives, and held in the output register if the client does not
// take it then (the downstream R input to the client R output is combinational; no
// ready travels back: m_dn_rready is always 1).
module smmu_client_rd #(
    parameter SID_W     = 16,
    parameter PA_W      = 48,
    parameter ID_W      = 4,
    parameter UP_USER_W = SID_W + 4,
    parameter DN_USER_W = 8,
    parameter N         = 64,      // reads held at once
    parameter IW        = 6,       // log2(N)
    parameter RB_AW     = 8,       // log2 of the read data buffer in beats
    parameter UTLB      = 8        // micro-TLB entries (0: none)
) (
    input  wire                 clk,
    input  wire                 rst_n,

    // from smmu_client_port
    input  wire                 accept_en,     // take new reads
    input  wire                 xlate_on,      // effective SMMUEN
    input  wire                 gbpa_abort,    // SMMUEN = 0: abort everything
    input  wire [14:0]          byp_cfg,       // SMMUEN = 0 bypass: the GBPA overrides
                                               //   {MTCFG, MEMATTR, ALLOCCFG, SHCFG,
                                               //   PRIVCFG, INSTCFG} (smmu_bypass_attr.vh)
    input  wire                 canwbs,        // No_snoop ignored (IORT CANWBS)
    input  wire                 inv,           // an invalidation was applied this cycle
    input  wire                 sync_snap,     // a CMD_SYNC starts: note reads downstream
    output wire                 sync_pending,  // a noted read has not ended downstream
    output wire                 idle,

    // translation requests and answers (the slow path)
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

    // F_UUT records to write
    output wire                 uut_valid,
    input  wire                 uut_ready,
    output wire [63:0]          uut_addr,
    output wire [2:0]           uut_prot,
    output wire [UP_USER_W-1:0] uut_user,
    output wire [2:0]           uut_reason,

    input  wire                 s_up_arvalid,
    output wire                 s_up_arready,
    input  wire [ID_W-1:0]      s_up_arid,
    input  wire [63:0]          s_up_araddr,
    input  wire [7:0]           s_up_arlen,
    input  wire [2:0]           s_up_arsize,
    input  wire [1:0]           s_up_arburst,
    input  wire [3:0]           s_up_arcache,
    input  wire [2:0]           s_up_arprot,
    input  wire [UP_USER_W-1:0] s_up_aruser,
    output wire                 s_up_rvalid,
    input  wire                 s_up_rready,
    output wire [ID_W-1:0]      s_up_rid,
    output wire [63:0]          s_up_rdata,
    output wire [1:0]           s_up_rresp,
    output wire                 s_up_rlast,

    output wire                 m_dn_arvalid,
    input  wire                 m_dn_arready,
    output wire [ID_W-1:0]      m_dn_arid,
    output wire [PA_W-1:0]      m_dn_araddr,
    output wire [7:0]           m_dn_arlen,
    output wire [2:0]           m_dn_arsize,
    output wire [1:0]           m_dn_arburst,
    output wire [3:0]           m_dn_arcache,
    output wire [2:0]           m_dn_arprot,
    output wire [1:0]           m_dn_ardomain,
    output wire [DN_USER_W-1:0] m_dn_aruser,
    input  wire                 m_dn_rvalid,
    output wire                 m_dn_rready,
    input  wire [ID_W-1:0]      m_dn_rid,
    input  wire [63:0]          m_dn_rdata,
    input  wire [1:0]           m_dn_rresp,
    input  wire                 m_dn_rlast
);
    localparam RB   = 1 << RB_AW;
    localparam [1:0] RESP_SLVERR = 2'b10;
    `include "smmu_first.vh"
    `include "smmu_amba.vh"
    `include "smmu_bypass_attr.vh"

    // The buffer holds at least one burst of 256 beats, else such a read never goes.
    generate
        if (RB_AW < 8) begin : g_rb_too_small
            smmu_client_rd_RB_AW_must_be_at_least_8 u_err ();
        end
    endgenerate

    // ---------------- slots ----------------
    reg [N-1:0]         need_q;     // a translation request is to be sent
    reg [N-1:0]         busy_q;     // a translation request is out
    reg [N-1:0]         have_q;     // the decision is known (ok_q: downstream, else abort)
    reg [N-1:0]         ok_q;
    reg [N-1:0]         stale_q;    // invalidated while busy: ask again when it answers
    reg [N-1:0]         uut_q;      // F_UUT record still to be handed over
    reg [N-1:0]         xlt_q;      // the decision came from a translation (SMMUEN = 1)
    reg [N-1:0]         iss_q;      // sent downstream
    reg [ID_W-1:0]      s_id    [0:N-1];
    reg [63:0]          s_addr  [0:N-1];
    reg [7:0]           s_len   [0:N-1];
    reg [2:0]           s_size  [0:N-1];
    reg [1:0]           s_burst [0:N-1];
    reg [3:0]           s_cache [0:N-1];
    reg [2:0]           s_prot  [0:N-1];
    reg [UP_USER_W-1:0] s_user  [0:N-1];
    reg [2:0]           s_why   [0:N-1];
    reg [PA_W-1:0]      t_pa    [0:N-1];
    reg [3:0]           t_cache [0:N-1];
    reg [2:0]           t_prot  [0:N-1];
    reg [1:0]           t_dom   [0:N-1];
    reg [7:0]           t_attr  [0:N-1];

    // ---------------- order, allocation ----------------
    wire [N-1:0]  can_issue, is_abort, resp_head, in_use, downstream;
    wire          alloc_ready, issue_valid, dn_any;
    wire [IW-1:0] alloc_idx, issue_idx, dn_idx;
    wire          issue_take, dn_done, free_valid;
    wire [IW-1:0] free_idx;
    wire          id_clear, fast_go;
    wire [(1<<ID_W)-1:0] dn_head_by_id;

    assign s_up_arready = accept_en && alloc_ready;
    wire   acc = s_up_arvalid && s_up_arready;

    smmu_txn_order #(.N(N), .IW(IW), .ID_W(ID_W)) u_order (
        .clk(clk), .rst_n(rst_n),
        .alloc_valid(acc), .alloc_id(s_up_arid), .alloc_ready(alloc_ready),
        .alloc_idx(alloc_idx), .alloc_issue(fast_go), .id_clear(id_clear),
        .can_issue(can_issue), .is_abort(is_abort),
        .issue_valid(issue_valid), .issue_idx(issue_idx), .issue_take(issue_take),
        .dn_id(m_dn_rid), .dn_idx(dn_idx), .dn_any(dn_any), .dn_done(dn_done),
        .dn_head_by_id(dn_head_by_id),
        .is_resp_head(resp_head), .in_use(in_use), .downstream(downstream),
        .free_valid(free_valid), .free_idx(free_idx));

    // decision at acceptance
    wire       bad;
    wire [2:0] why;
    smmu_burst_check u_chk (
        .addr(s_up_araddr[11:0]), .len(s_up_arlen), .size(s_up_arsize),
        .burst(s_up_arburst), .bad(bad), .reason(why));
    wire beyond = (s_up_araddr >> PA_W) != 64'd0;
    // bypass when SMMUEN = 0 and GBPA allows it; translation when SMMUEN = 1
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
                .lk_valid(s_up_arvalid),
                .lk_key({s_up_aruser, s_up_araddr[63:12], s_up_arprot, s_up_arcache}),
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
    wire            acc_fast = acc_xl && u_hit;           // translated by the micro-TLB
    wire [PA_W-1:0] u_pa     = {u_val[UV_W-1 -: PA_W - 12], s_up_araddr[11:0]};
    wire [3:0]      u_cache  = u_val[16:13];
    wire [2:0]      u_prot   = u_val[12:10];
    wire [1:0]      u_dom    = u_val[9:8];
    wire [7:0]      u_attr   = u_val[7:0];
    // a current, successful translation answer: what the micro-TLB may learn
    assign u_fill = xr_valid && xr_ok && !stale_q[xr_idx] && !inv;

    // ---------------- read data buffer and its credits ----------------
    reg [63:0]   rb_data [0:RB-1];
    reg [1:0]    rb_resp [0:RB-1];
    reg          rb_last [0:RB-1];
    reg [IW-1:0] rb_slot [0:RB-1];
    reg [RB_AW:0] rb_wr_q, rb_rd_q;          // with a wrap bit
    reg [RB_AW:0] credit_q;                  // beats not reserved by reads downstream
    wire          rb_empty = rb_wr_q == rb_rd_q;
    // the head entry's slot and last flag in registers (valid while !rb_empty): the
    // head's slot selects its answer flags and, when it is freed, its successor in the
    // order tables; a read of the 256-entry table there was the client port's longest
    // path. Loaded from the entry after the head when the head goes, or with the beat
    // being written when that beat becomes the head.
    reg [IW-1:0]  hd_slot_q;
    reg           hd_last_q;
    wire [RB_AW:0] rb_rd1 = rb_rd_q + 1'b1;

    // ---------------- downstream AR (one output register) ----------------
    reg             ar_v_q;
    reg [ID_W-1:0]  ar_id_q;
    reg [PA_W-1:0]  ar_addr_q;
    reg [7:0]       ar_len_q;
    reg [2:0]       ar_size_q;
    reg [1:0]       ar_burst_q;
    reg [3:0]       ar_cache_q;
    reg [2:0]       ar_prot_q;
    reg [1:0]       ar_dom_q;
    reg [7:0]       ar_attr_q;
    wire ar_load = !ar_v_q || m_dn_arready;
    // the fast path: decided at acceptance, nothing of its ID waiting, the AR register free
    // and not taken by a regular issue, room for its data. The micro-TLB's hit, the key
    // compare with every entry, is the latest of these: it comes in last.
    wire fast_ok = acc && id_clear && ar_load && !issue_valid &&
                   ({{(RB_AW - 7){1'b0}}, s_up_arlen} < credit_q);
    assign fast_go = fast_ok && (acc_byp || (acc_xl && u_hit));

    // a read goes downstream with a current decision and room for all its data: every
    // slot's s_len < credit_q at once, on the lengths as bit planes (bit s of plane b is
    // bit b of slot s's length), MSB first; a credit above 255 fits every length
    reg [8*N-1:0] lenp_q;
    reg [N-1:0]   fits, len_lt, len_eq;
    integer b, ab;   // b: the credit compare; ab: the length planes written at accept
    always @* begin
        len_lt = {N{1'b0}};
        len_eq = {N{1'b1}};
        for (b = 7; b >= 0; b = b - 1)
            if (credit_q[b]) begin
                len_lt = len_lt | (len_eq & ~lenp_q[b*N +: N]);
                len_eq = len_eq & lenp_q[b*N +: N];
            end else begin
                len_eq = len_eq & ~lenp_q[b*N +: N];
            end
        fits = (credit_q[RB_AW:8] != {(RB_AW - 7){1'b0}}) ? {N{1'b1}} : len_lt;
    end
    assign can_issue  = have_q & ok_q & ~stale_q & fits;
    assign is_abort   = have_q & ~ok_q;
    assign issue_take = issue_valid && ar_load;

    assign m_dn_arvalid  = ar_v_q;
    assign m_dn_arid     = ar_id_q;
    assign m_dn_araddr   = ar_addr_q;
    assign m_dn_arlen    = ar_len_q;
    assign m_dn_arsize   = ar_size_q;
    assign m_dn_arburst  = ar_burst_q;
    assign m_dn_arcache  = ar_cache_q;
    assign m_dn_arprot   = ar_prot_q;
    assign m_dn_ardomain = ar_dom_q;
    wire [DN_USER_W+7:0] ar_user_x = {{DN_USER_W{1'b0}}, ar_attr_q};
    assign m_dn_aruser   = ar_user_x[DN_USER_W-1:0];

    // downstream R: always taken (the credits reserved the room); the beat belongs to the
    // oldest read of its ID downstream
    assign m_dn_rready = 1'b1;
    assign dn_done     = m_dn_rvalid && m_dn_rlast;

    // ---------------- translation requests: the lowest slot that needs one ----------------
    wire [IW-1:0] xq_pick;
    wire          xq_any;
    assign {xq_any, xq_pick} = first(need_q);
    assign xq_valid = xq_any;
    assign xq_idx   = xq_pick;
    assign xq_addr  = s_addr[xq_pick];
    assign xq_prot  = s_prot[xq_pick];
    assign xq_cache = s_cache[xq_pick];
    assign xq_user  = s_user[xq_pick];
    wire   xq_fire  = xq_valid && xq_ready;

    // ---------------- F_UUT records: the lowest slot with one to hand over ----------------
    wire [IW-1:0] uu_pick;
    wire          uu_any;
    assign {uu_any, uu_pick} = first(uut_q);
    assign uut_valid  = uu_any;
    assign uut_addr   = s_addr[uu_pick];
    assign uut_prot   = s_prot[uu_pick];
    assign uut_user   = s_user[uu_pick];
    assign uut_reason = s_why[uu_pick];
    wire   uut_fire   = uut_valid && uut_ready;

    // ---------------- answers to the client (one output register) ----------------
    // The buffer's head goes out when its read is the answer head of its ID; otherwise an
    // abort at the head of its ID goes first (the buffered read is younger: it cannot be
    // answered before it). An abort's beats go out back to back.
    reg             r_v_q;
    reg [ID_W-1:0]  r_id_q;
    reg [63:0]      r_data_q;
    reg [1:0]       r_resp_q;
    reg             r_last_q;
    reg             ab_act_q;                // an abort answer is going out
    reg [IW-1:0]    ab_slot_q;
    reg [7:0]       ab_left_q;               // its beats still to send after this one
    wire            r_load = !r_v_q || s_up_rready;
    // a beat that may pass the buffer: nothing buffered or in the output register, no
    // abort answer going out, and its read may be answered now
    wire            rbyp   = m_dn_rvalid && rb_empty && !r_v_q && !ab_act_q &&
                             dn_head_by_id[m_dn_rid];
    wire            rb_push = m_dn_rvalid && !rbyp;

    wire [IW-1:0]   rb_head_slot = hd_slot_q;
    wire            rb_go = !rb_empty && resp_head[rb_head_slot];
    // The reads whose translation faulted, at their ID's answer head, with no F_UUT
    // record left to send: each stays so until its abort answer ends (a fault is final),
    // so the next one to answer is picked a cycle ahead and registered (ab_pk_q): the
    // pick, the freed slot and its successor's flags in the order tables were one path.
    wire [N-1:0]    ab_ans = resp_head & have_q & ~ok_q & ~uut_q;
    reg             ab_pk_v_q;
    reg  [IW-1:0]   ab_pk_q;
    wire take_ab_new = r_load && !ab_act_q && !rb_go && ab_pk_v_q && !rbyp;
    wire take_ab     = r_load && ab_act_q;
    wire take_rb     = r_load && !ab_act_q && rb_go;
    wire [IW-1:0] ab_slot = ab_act_q ? ab_slot_q : ab_pk_q;
    // the next pick, among the others than the one answering now or still answering. It
    // is loaded only with no pick held (then the one still answering, if any, is
    // excluded) or as the pick is taken (ab_pk_v_q: it is excluded): so the exclusion
    // follows from registers alone, not from take_ab_new, which the client's RREADY and
    // the downstream R inputs decide (the simulator evaluates logic on top-level inputs
    // on each of its evaluations).
    wire [IW:0]   ab_nx   = first_except(ab_ans, ab_act_q || ab_pk_v_q, ab_slot);
    wire          ab_last = ab_act_q ? (ab_left_q == 8'd0) : (s_len[ab_pk_q] == 8'd0);

    assign s_up_rvalid = r_v_q || rbyp;
    assign s_up_rid    = r_v_q ? r_id_q   : m_dn_rid;
    assign s_up_rdata  = r_v_q ? r_data_q : m_dn_rdata;
    assign s_up_rresp  = r_v_q ? r_resp_q : m_dn_rresp;
    assign s_up_rlast  = r_v_q ? r_last_q : m_dn_rlast;

    // a slot is freed when its last beat is loaded into the output register (its answer
    // is then committed)
    wire rb_pop = take_rb;
    wire rb_head_last = hd_last_q;
    // the head after this cycle: the beat written now if it lands at the head, else the
    // next entry if the head goes
    wire rb_to_head = rb_push && (rb_pop ? rb_rd1 == rb_wr_q : rb_empty);
    assign free_valid = (take_rb && rb_head_last) || ((take_ab || take_ab_new) && ab_last) ||
                        (rbyp && m_dn_rlast);
    assign free_idx   = take_rb ? rb_head_slot : rbyp ? dn_idx : ab_slot;

    // The credits after this cycle: a read sent downstream (the fast path's or a regular
    // issue, never both) reserves its beats, a beat leaving for the client returns one.
    // Each of the six outcomes is formed from registers and the request's length, and the
    // choice comes last: the fast-path decision (after the micro-TLB's compare) and the
    // returned beat (after the buffer head's answer flag) no longer go through an adder.
    // (credit - (len + 1) + 1 = credit - len)
    wire [RB_AW:0] f_len = {{(RB_AW - 7){1'b0}}, s_up_arlen};
    wire [RB_AW:0] i_len = {{(RB_AW - 7){1'b0}}, s_len[issue_idx]};
    wire [RB_AW:0] cr_f0 = credit_q - f_len - 1'b1, cr_f1 = credit_q - f_len;
    wire [RB_AW:0] cr_i0 = credit_q - i_len - 1'b1, cr_i1 = credit_q - i_len;
    wire [RB_AW:0] cr_n1 = credit_q + 1'b1;
    wire           cr_ret = rb_pop || rbyp;
    wire [RB_AW:0] credit_n = fast_go    ? (cr_ret ? cr_f1 : cr_f0) :
                              issue_take ? (cr_ret ? cr_i1 : cr_i0) :
                                           (cr_ret ? cr_n1 : credit_q);

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
            snap_q    <= {N{1'b0}};
            rb_wr_q   <= {(RB_AW + 1){1'b0}};
            rb_rd_q   <= {(RB_AW + 1){1'b0}};
            hd_slot_q <= {IW{1'b0}};
            hd_last_q <= 1'b0;
            credit_q  <= RB[RB_AW:0];
            ar_v_q    <= 1'b0;
            r_v_q     <= 1'b0;
            ab_act_q  <= 1'b0;
            ab_pk_v_q <= 1'b0;
            ab_left_q <= 8'd0;
        end else begin : step
            // the GBPA bypass attributes of an accepted read (smmu_bypass_attr.vh),
            // evaluated only for a bypass: the slot and the fast path take them
            /* verilator lint_off UNUSEDSIGNAL */
            reg [18:0] byp;    // its SH field [9:8] is not used
            /* verilator lint_on UNUSEDSIGNAL */
            // the slot flags, updated in order through masks (put) and stored at the end
            reg [N-1:0]   need_n, busy_n, have_n, ok_n, stale_n, uut_n, xlt_n, iss_n;
            need_n  = need_q;
            busy_n  = busy_q;
            have_n  = have_q;
            ok_n    = ok_q;
            stale_n = stale_q;
            uut_n   = uut_q;
            xlt_n   = xlt_q;
            iss_n   = iss_q;
            byp = 19'd0;
            if (acc && acc_byp)
                byp = bypass_attr(1'b1, s_up_arcache, s_up_arprot,
                                  s_up_aruser[SID_W+2:SID_W+1],
                                  s_up_aruser[SID_W] && !canwbs, byp_cfg[14],
                                  byp_cfg[13:10], byp_cfg[9:6], byp_cfg[5:4], byp_cfg[3:2],
                                  byp_cfg[1:0]);

            // an invalidation: translations asked for or not yet used are asked again
            if (inv) begin : redo
                reg [N-1:0] again;
                again = have_q & ok_q & xlt_q & ~iss_q &
                        ~({{(N - 1){1'b0}}, issue_take} << issue_idx);
                stale_n = stale_q | busy_q;
                have_n  = have_n & ~again;
                need_n  = need_n | again;
            end

            // (the allocated slot's flags are written at the end of the step)
            if (acc) begin
                s_id[alloc_idx]    <= s_up_arid;
                s_addr[alloc_idx]  <= s_up_araddr;
                s_len[alloc_idx]   <= s_up_arlen;
                s_size[alloc_idx]  <= s_up_arsize;
                s_burst[alloc_idx] <= s_up_arburst;
                s_cache[alloc_idx] <= s_up_arcache;
                s_prot[alloc_idx]  <= s_up_arprot;
                s_user[alloc_idx]  <= s_up_aruser;
                s_why[alloc_idx]   <= why;
                // the PA and attributes: the micro-TLB's with translation on, else the
                // bypass's. Only a micro-TLB hit or a bypass uses them; the other slots
                // take theirs with the translation, or never go downstream, so the
                // choice waits for neither the hit nor the burst check.
                t_pa[alloc_idx]    <= xlate_on ? u_pa : s_up_araddr[PA_W-1:0];
                t_cache[alloc_idx] <= xlate_on ? u_cache : byp[18:15];
                t_prot[alloc_idx]  <= xlate_on ? u_prot : byp[14:12];
                t_dom[alloc_idx]   <= xlate_on ? u_dom : byp[11:10];
                t_attr[alloc_idx]  <= xlate_on ? u_attr : byp[7:0];
            end

            need_n  = put(need_n, xq_fire, xq_idx, 1'b0);
            busy_n  = put(busy_n, xq_fire, xq_idx, 1'b1);
            stale_n = put(stale_n, xq_fire, xq_idx, inv);   // asked in the cycle of an invalidation
            if (xr_valid) begin : answer
                // an answer an invalidation overtook is asked again, unless it is a
                // fault: that is final (its record is written; one record per transaction)
                reg again;
                again = (stale_q[xr_idx] || inv) && xr_ok;
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

            // downstream AR
            if (m_dn_arvalid && m_dn_arready)
                ar_v_q <= 1'b0;
            iss_n = put(iss_n, issue_take, issue_idx, 1'b1);
            if (issue_take || fast_go)
                ar_v_q <= 1'b1;
            // The payload: whenever the register is free or being taken, the regular
            // issue's when one is offered, else the fast-path candidate's (used only if
            // fast_go): the payload's enable is the register's handshake, not the
            // fast-path decision after the micro-TLB's compare. Nothing reads the payload
            // while ARVALID is low; a held AR is not reloaded (AXI stability).
            if (ar_load && issue_valid) begin
                ar_id_q    <= s_id[issue_idx];
                ar_addr_q  <= t_pa[issue_idx];
                ar_len_q   <= s_len[issue_idx];
                ar_size_q  <= s_size[issue_idx];
                ar_burst_q <= s_burst[issue_idx];
                ar_cache_q <= t_cache[issue_idx];
                ar_prot_q  <= t_prot[issue_idx];
                ar_dom_q   <= t_dom[issue_idx];
                ar_attr_q  <= t_attr[issue_idx];
            end
            if (ar_load && !issue_valid) begin
                ar_id_q    <= s_up_arid;
                // (a micro-TLB hit with translation on, a bypass with it off)
                ar_addr_q  <= xlate_on ? u_pa : s_up_araddr[PA_W-1:0];
                ar_len_q   <= s_up_arlen;
                ar_size_q  <= s_up_arsize;
                ar_burst_q <= s_up_arburst;
                ar_cache_q <= xlate_on ? u_cache : byp[18:15];
                ar_prot_q  <= xlate_on ? u_prot : byp[14:12];
                ar_dom_q   <= xlate_on ? u_dom : byp[11:10];
                ar_attr_q  <= xlate_on ? u_attr : byp[7:0];
            end
            credit_q <= credit_n;

            // read data in
            if (rb_push) begin
                rb_data[rb_wr_q[RB_AW-1:0]] <= m_dn_rdata;
                rb_resp[rb_wr_q[RB_AW-1:0]] <= m_dn_rresp;
                rb_last[rb_wr_q[RB_AW-1:0]] <= m_dn_rlast;
                rb_slot[rb_wr_q[RB_AW-1:0]] <= dn_idx;
                rb_wr_q <= rb_wr_q + 1'b1;
            end
            if (rb_to_head) begin
                hd_slot_q <= dn_idx;
                hd_last_q <= m_dn_rlast;
            end else if (rb_pop) begin
                hd_slot_q <= rb_slot[rb_rd1[RB_AW-1:0]];
                hd_last_q <= rb_last[rb_rd1[RB_AW-1:0]];
            end

            // answers out
            if (s_up_rvalid && s_up_rready)
                r_v_q <= 1'b0;
            if (rbyp && !s_up_rready) begin
                // not taken at once: held in the output register
                r_v_q    <= 1'b1;
                r_id_q   <= m_dn_rid;
                r_data_q <= m_dn_rdata;
                r_resp_q <= m_dn_rresp;
                r_last_q <= m_dn_rlast;
            end
            if (take_rb) begin
                r_v_q    <= 1'b1;
                r_id_q   <= s_id[rb_head_slot];
                r_data_q <= rb_data[rb_rd_q[RB_AW-1:0]];
                r_resp_q <= rb_resp[rb_rd_q[RB_AW-1:0]];
                r_last_q <= rb_head_last;
                rb_rd_q  <= rb_rd_q + 1'b1;
            end
            if (take_ab || take_ab_new) begin
                r_v_q     <= 1'b1;
                r_id_q    <= s_id[ab_slot];
                r_data_q  <= 64'd0;
                r_resp_q  <= RESP_SLVERR;
                r_last_q  <= ab_last;
                ab_act_q  <= !ab_last;
                ab_slot_q <= ab_slot;
                ab_left_q <= take_ab ? ab_left_q - 8'd1 : s_len[ab_pk_q] - 8'd1;
            end
            if (!ab_pk_v_q || take_ab_new) begin
                ab_pk_v_q <= ab_nx[IW];
                ab_pk_q   <= ab_nx[IW-1:0];
            end
            have_n = put(have_n, free_valid, free_idx, 1'b0);
            ok_n   = put(ok_n, free_valid, free_idx, 1'b0);
            // The allocated slot's flags, last: the slot is free, and no other write of
            // this cycle names a free slot (each names a slot that needs a translation,
            // waits for one, has a record to hand over, is issued or is freed), so the
            // order does not matter; last, the micro-TLB's answer passes one mux into the
            // flags, not every later write's. A micro-TLB answer taken in the cycle of
            // an invalidation is asked again (a fast-path read has gone: it stays).
            need_n  = put(need_n, acc, alloc_idx,
                          acc_xl && (!u_hit || (inv && !fast_go)));
            busy_n  = put(busy_n, acc, alloc_idx, 1'b0);
            have_n  = put(have_n, acc, alloc_idx,
                          !acc_xl || (u_hit && !(inv && !fast_go)));
            ok_n    = put(ok_n, acc, alloc_idx, acc_byp || acc_fast);
            stale_n = put(stale_n, acc, alloc_idx, 1'b0);
            uut_n   = put(uut_n, acc, alloc_idx, bad);
            xlt_n   = put(xlt_n, acc, alloc_idx, acc_fast);
            iss_n   = put(iss_n, acc, alloc_idx, fast_go);
            need_q  <= need_n;
            busy_q  <= busy_n;
            have_q  <= have_n;
            ok_q    <= ok_n;
            stale_q <= stale_n;
            uut_q   <= uut_n;
            xlt_q   <= xlt_n;
            iss_q   <= iss_n;

            // sync: the reads downstream when it started
            snap_q <= sync_snap ? downstream : (snap_q & downstream);
        end
    end

    // The length planes (512 bits) change only with an acceptance: written in a block of
    // their own that does nothing in the other cycles (in the step above the simulator
    // copied them in and out every cycle).
    always @(posedge clk)
        if (rst_n && acc)
            for (ab = 0; ab < 8; ab = ab + 1)
                lenp_q[ab*N +: N] <= put(lenp_q[ab*N +: N], 1'b1, alloc_idx, s_up_arlen[ab]);

`ifdef FORMAL
    // ---------------- properties (make formal: formal/smmu_client_rd.sby) ----------------
    `include "smmu_formal.vh"
    // (Combinational, as the ones below: checked in the state itself, up to the last step
    // of the bounded check.)
    // The credits never go negative and cover the buffered beats.
    always @*
        if (rst_n) assert (credit_q <= RB[RB_AW:0] && (rb_wr_q - rb_rd_q) <= RB[RB_AW:0] - credit_q);
    // The registered abort pick is still a read that may be answered with its abort, and
    // not the one answering.
    always @*
        if (rst_n && ab_pk_v_q)
            assert (ab_ans[ab_pk_q] && !(ab_act_q && ab_slot_q == ab_pk_q));
    // The head registers are the head entry's.
    always @*
        if (rst_n && !rb_empty)
            assert (hd_slot_q == rb_slot[rb_rd_q[RB_AW-1:0]] &&
                    hd_last_q == rb_last[rb_rd_q[RB_AW-1:0]]);

    // the translation unit's answers (assumed when this side is proven alone)
`ifdef SMMU_CLIENT_RD_ALONE
    `define SMMU_CLIENT_ALONE
`endif
    `include "smmu_formal_xl.vh"
    `undef SMMU_CLIENT_ALONE
    // What an AXI4 slave guarantees downstream: R data only for a read whose address it
    // has taken (A3.3.1), the oldest of that ID (per-ID order; smmu_txn_order names it,
    // dn_idx, its proof), ARLEN + 1 beats with RLAST on the last (A3.4.1). f_ar_slot: the
    // slot in the AR register; f_dlen: the ARLEN the slave took; f_rcnt: beats it sent.
    reg [N-1:0]  f_arsent;
    reg [IW-1:0] f_ar_slot;
    reg [7:0]    f_dlen [0:N-1];
    reg [8:0]    f_rcnt [0:N-1];
    integer fi, fs, fr, fn;   // each always block its own loop variable
    always @(posedge clk)
        if (!rst_n) begin
            f_arsent <= {N{1'b0}};
        end else begin
            f_arsent <= put(put(f_arsent, m_dn_arvalid && m_dn_arready, f_ar_slot, 1'b1),
                            acc, alloc_idx, 1'b0);
            if (fast_go || issue_take) f_ar_slot <= fast_go ? alloc_idx : issue_idx;
            if (m_dn_arvalid && m_dn_arready) f_dlen[f_ar_slot] <= m_dn_arlen;
            for (fr = 0; fr < N; fr = fr + 1)
                if (acc && alloc_idx == fr[IW-1:0])
                    f_rcnt[fr] <= 9'd0;
                else if (m_dn_rvalid && dn_idx == fr[IW-1:0])
                    f_rcnt[fr] <= f_rcnt[fr] + 9'd1;
        end
    always @*
        if (rst_n && m_dn_rvalid)
            assume (dn_any && f_arsent[dn_idx] &&
                    m_dn_rlast == (f_rcnt[dn_idx] == {1'b0, f_dlen[dn_idx]}));

    // A translation in flight keeps its slot: busy_q is exactly "asked and not answered",
    // so no slot is freed and reused while an answer for it may still come (it would
    // land on the next read in the slot).
    always @* if (rst_n) assert (busy_q == f_asked);

    // Nothing of a failed read reaches memory: f_fail marks a read terminated by its
    // burst (smmu_burst_check), by GBPA.ABORT or an address beyond the OAS while SMMUEN
    // is 0, or by a translation fault (final, stale or not); such a read is never issued
    // and never shows on the downstream AR. The AR register holds its slot's ID and length.
    reg [N-1:0] f_fail;
    always @(posedge clk)
        if (!rst_n)
            f_fail <= {N{1'b0}};
        else
            f_fail <= put(put(f_fail, acc, alloc_idx,
                              bad || (!xlate_on && (gbpa_abort || beyond))),
                          xr_valid && !xr_ok, xr_idx, 1'b1);
    always @*
        if (rst_n) begin
            if (issue_take)   assert (!f_fail[issue_idx]);
            if (m_dn_arvalid) assert (!f_fail[f_ar_slot] && in_use[f_ar_slot] &&
                                      downstream[f_ar_slot] && m_dn_arid == s_id[f_ar_slot] &&
                                      m_dn_arlen == s_len[f_ar_slot]);
        end
    // Each beat answered (loaded into the R register or passed through) belongs to a read
    // in use at its ID's answer head (per-ID order), never past its ARLEN + 1 beats;
    // RLAST is on its last beat only and it carries the read's ID; a failed read's beats
    // (the abort answers, and only those) are SLVERR with data 0. f_nans: beats answered.
    reg [8:0]     f_nans [0:N-1];
    wire          f_ans_v    = take_rb || rbyp || take_ab || take_ab_new;
    wire [IW-1:0] f_ans_slot = take_rb ? rb_head_slot : rbyp ? dn_idx : ab_slot;
    wire          f_ans_last = f_nans[f_ans_slot] == {1'b0, s_len[f_ans_slot]};
    reg           f_ld_v, f_ld_last, f_ld_fail;
    reg [ID_W-1:0] f_ld_id;
    always @(posedge clk) begin
        for (fn = 0; fn < N; fn = fn + 1)
            if (acc && alloc_idx == fn[IW-1:0])
                f_nans[fn] <= 9'd0;
            else if (f_ans_v && f_ans_slot == fn[IW-1:0])
                f_nans[fn] <= f_nans[fn] + 9'd1;
        f_ld_v    <= rst_n && f_ans_v && !rbyp;
        f_ld_last <= f_ans_last;
        f_ld_id   <= s_id[f_ans_slot];
        f_ld_fail <= f_fail[f_ans_slot];
    end
    always @*
        if (rst_n) begin
            if (f_ans_v)
                assert (in_use[f_ans_slot] && resp_head[f_ans_slot] &&
                        f_nans[f_ans_slot] <= {1'b0, s_len[f_ans_slot]});
            if (take_ab || take_ab_new) assert (f_fail[ab_slot]);
            if (rbyp) assert (s_up_rlast == f_ans_last && s_up_rid == s_id[dn_idx] &&
                              !f_fail[dn_idx]);
            if (f_ld_v) assert (r_v_q && r_last_q == f_ld_last && r_id_q == f_ld_id &&
                                (!f_ld_fail || (r_resp_q == RESP_SLVERR && r_data_q == 64'd0)));
        end
    // One R burst per accepted AR, with its ID: per ID, the reads accepted and not yet
    // answered to the end (RLAST handshake) are the slots of that ID in use plus a last
    // beat waiting in the R register (a slot is freed as its last beat is answered).
    localparam NID = 1 << ID_W;
    reg [IW+1:0] f_open [0:NID-1];
    reg [IW+1:0] f_held;
    always @(posedge clk)
        for (fi = 0; fi < NID; fi = fi + 1)
            if (!rst_n)
                f_open[fi] <= {(IW + 2){1'b0}};
            else
                f_open[fi] <= f_open[fi] + (acc && s_up_arid == fi[ID_W-1:0]) -
                              (s_up_rvalid && s_up_rready && s_up_rlast &&
                               s_up_rid == fi[ID_W-1:0]);
    always @*
        if (rst_n)
            for (fi = 0; fi < NID; fi = fi + 1) begin
                f_held = {(IW + 1){1'b0}} + (r_v_q && r_last_q && r_id_q == fi[ID_W-1:0]);
                for (fs = 0; fs < N; fs = fs + 1)
                    f_held = f_held + (in_use[fs] && s_id[fs] == fi[ID_W-1:0]);
                assert (f_open[fi] == f_held);
            end
    // AXI4 (A3.2.1): R up and AR down hold VALID and their payload until READY.
    always @(posedge clk)
        if (f_run) begin
            if ($past(s_up_rvalid && !s_up_rready))
                assert (s_up_rvalid && $stable({s_up_rid, s_up_rdata, s_up_rresp, s_up_rlast}));
            if ($past(m_dn_arvalid && !m_dn_arready))
                assert (m_dn_arvalid && $stable({m_dn_arid, m_dn_araddr, m_dn_arlen,
                        m_dn_arsize, m_dn_arburst, m_dn_arcache, m_dn_arprot, m_dn_ardomain,
                        m_dn_aruser}));
        end

    // The allocated slot's flags are written last in the step, on the grounds that the
    // slot is free and no other write of the cycle names it: a free slot has none of the
    // flags those writes act on (they name a slot that needs a translation, waits for one,
    // has a record to hand over, is issued or is freed), and in a cycle with an
    // acceptance no request, answer, record, issue, free, abort answer or invalidation
    // redo names alloc_idx.
    wire [N-1:0] f_again = have_q & ok_q & xlt_q & ~iss_q &
                           ~({{(N - 1){1'b0}}, issue_take} << issue_idx);
    always @*
        if (rst_n) begin
            assert ((~in_use & (need_q | busy_q | have_q | ok_q | uut_q)) == {N{1'b0}});
            if (acc)
                assert (!in_use[alloc_idx] &&
                        !(xq_fire && xq_idx == alloc_idx) &&
                        !(xr_valid && xr_idx == alloc_idx) &&
                        !(uut_fire && uu_pick == alloc_idx) &&
                        !(issue_take && issue_idx == alloc_idx) &&
                        !(free_valid && free_idx == alloc_idx) &&
                        !((take_ab || take_ab_new) && ab_slot == alloc_idx) &&
                        !(inv && (busy_q[alloc_idx] || f_again[alloc_idx])));
        end
`endif

    // m_dn_rid selects dn_idx; an R beat of an ID with nothing downstream cannot happen
    // (the harness and the formal checks watch the downstream protocol).
    wire unused_ok = &{1'b0, dn_any, ar_user_x};
endmodule
