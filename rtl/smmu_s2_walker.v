// smmu_s2_walker: one stage-2 walk unit (IHI 0070 3.4, 7.3; Arm ARM D8.2-D8.4): translates
// one IPA at a time for whoever smmu_s2_arb granted it to: a stage-1 walk unit
// (smmu_s1_walker: each nested stage-1 table descriptor's IPA, CLASS = TT; the output IPA,
// CLASS = IN; a stage-2-only stream's input, CLASS = IN) or smmu_cfg (the nested CD
// address, CLASS = CD). smmu_xlate holds NS2WALK of them behind the arbiter.
//
// The walk: the IAS check on acceptance, then a lookup in the walk caches
// (smmu_walk_cache: S2T table descriptors, S2L leaves): a cached leaf of the IPA's granule
// page is evaluated as if just read (all its checks again); else the walk resumes below
// the deepest table descriptor held, else starts at S2TTB. One descriptor read in flight.
// Descriptors that produced no fault are filled, unless an invalidation or flush
// overlapped this stage-2 walk (counted from its acceptance: what it read after an
// invalidation is current; the stage-1 walk it serves has its own rule).
//
// Ports:
//   req_valid/req_ready  a request (smmu_walk.vh S2Q_W: {ws2, ipa, class, rnw, priv, instr,
//                        wattr, wsh}), taken only when idle, fields used on acceptance
//   rsp_valid/rsp_ready  the answer (smmu_walk.vh S2R_W), held until taken
//   rd_*                 one read client of smmu_mem_arb (single-beat 8-byte reads;
//                        rd_last is not needed, rd_err is the abort)
//   wc_*                 the walk caches' port: a lookup at the start of the walk (lk_s2 is
//                        1: S2T and S2L at once), its answer, the fills; wc_inv an
//                        invalidation or flush this cycle
//   busy                 a request is being served or answered
//
// Walk attributes (13.8): descriptor reads use STE.S2IR0/S2OR0/S2SH0. S2PTW (5.2): for
// CLASS = TT and CD a leaf whose combination with the access's Normal attributes (the
// stage-1 walk's, or STE.S1CIR/S1COR for the CD) is Device is a permission fault.
// Fault order per level: EABT, invalid, address size; at the leaf AF, then permission
// (S2AP for the access: a Data read for TT/CD, the transaction's for IN), then S2PTW.
// Termination: every descriptor ends the walk or moves one level down; at most 4 reads
// (5 with concatenated start tables never: they are one level).
module smmu_s2_walker #(
    parameter PA_W = 48,   // OAS (= IAS) in bits
    parameter FWB  = 1,    // IDR3.FWB
    parameter XNX  = 1,    // IDR3.XNX
    parameter Q_BITS = 183,  // must equal S2Q_W of smmu_walk.vh (checked below)
    parameter R_BITS = 95    // must equal S2R_W of smmu_walk.vh
) (
    input  wire                 clk,
    input  wire                 rst_n,

    input  wire                 req_valid,
    output wire                 req_ready,
    input  wire [Q_BITS-1:0]    req,

    output wire                 rsp_valid,
    input  wire                 rsp_ready,
    output wire [R_BITS-1:0]    rsp,

    output wire                 rd_req_valid,
    input  wire                 rd_req_ready,
    output wire [PA_W-1:0]      rd_req_addr,
    output wire [7:0]           rd_req_len,
    output wire [3:0]           rd_req_cache,
    output wire [1:0]           rd_req_domain,
    input  wire                 rd_valid,
    input  wire [63:0]          rd_data,
    input  wire                 rd_last,
    input  wire                 rd_err,

    output wire                 wc_lk_valid,
    output wire [15:0]          wc_key_vmid,
    output wire [1:0]           wc_key_gran,
    output wire [35:0]          wc_key_ia,
    input  wire                 wc_rs_valid,
    input  wire                 wc_rs_tbl_hit,
    input  wire [1:0]           wc_rs_lvl,
    input  wire [PA_W-1:0]      wc_rs_tbl,
    input  wire                 wc_rs_leaf_hit,
    input  wire [63:0]          wc_rs_desc,
    input  wire [1:0]           wc_rs_leaf_lvl,
    output wire                 wc_fl_valid,
    output wire [1:0]           wc_fl_kind,    // 1 S2T, 2 S2L
    output wire [1:0]           wc_fl_lvl,
    output wire [PA_W-1:0]      wc_fl_tbl,
    output wire [63:0]          wc_fl_desc,
    input  wire                 wc_inv,

    output wire                 busy
);
    `include "smmu_regs.vh"
    `include "smmu_gran.vh"
    `include "smmu_ctx.vh"
    `include "smmu_walk.vh"
    `include "smmu_amba.vh"
    `include "smmu_attr.vh"
    `include "smmu_desc_decode.vh"
    `include "smmu_perm_check.vh"

    generate
        if (Q_BITS != S2Q_W || R_BITS != S2R_W) begin : g_bits_mismatch
            smmu_s2_walker_BITS_must_equal_smmu_walk_vh u_err ();
        end
    endgenerate

    localparam [2:0] ST_IDLE = 3'd0, ST_WC = 3'd1, ST_RD_REQ = 3'd2, ST_RD_DATA = 3'd3,
                     ST_EVAL = 3'd4, ST_RSP = 3'd5, ST_DEC = 3'd6;
    localparam [1:0] K_INVALID = 2'd0, K_TABLE = 2'd1;
    localparam [1:0] C_CD = EVT_CLASS_CD[1:0], C_IN = EVT_CLASS_IN[1:0];

    // ---------------- the request as it arrives
    wire [WS2_W-1:0] q_ws;
    wire [63:0]      q_ipa;
    wire [1:0]       q_cls;
    wire             q_rnw, q_priv, q_instr;
    wire [7:0]       q_wattr;
    wire [1:0]       q_wsh;
    assign {q_ws, q_ipa, q_cls, q_rnw, q_priv, q_instr, q_wattr, q_wsh} = req;
    // its fields the acceptance needs: the IAS, S2R and the start of the walk
    wire [1:0]       q_world, q_s1cir, q_s1cor, q_s1csh, q_sl, q_ir0, q_or0, q_sh0, q_tg;
    wire             q_fwb, q_affd, q_ptw, q_s2r;
    wire [6:0]       q_ias;
    wire [4:0]       q_slb;
    wire [PA_W-1:0]  q_ttb;
    wire [5:0]       q_ps;
    wire [15:0]      q_vmid;
    assign {q_world, q_s1cir, q_s1cor, q_s1csh, q_fwb, q_ias, q_tg, q_sl, q_slb, q_ttb, q_ps,
            q_affd, q_ptw, q_s2r, q_ir0, q_or0, q_sh0, q_vmid} = q_ws;

    // ---------------- request registers
    reg  [2:0]       state;
    reg  [WS2_W-1:0] ws_q;
    reg  [63:0]      ipa_q;
    reg  [1:0]       cls_q;
    reg              rnw_q, priv_q, instr_q;
    reg  [4:0]       reads;

    wire [1:0]       d_world, d_s1cir, d_s1cor, d_s1csh, d_s2_sl, d_s2ir0, d_s2or0, d_s2sh0;
    wire             d_s2fwb, d_s2affd, d_s2ptw, d_s2r;
    wire [6:0]       d_s2_ias;
    wire [1:0]       d_s2_tg;
    wire [4:0]       d_s2_sl_bits;
    wire [PA_W-1:0]  d_s2_ttb;
    wire [5:0]       d_s2_ps_bits;
    wire [15:0]      d_vmid;
    assign {d_world, d_s1cir, d_s1cor, d_s1csh, d_s2fwb, d_s2_ias, d_s2_tg, d_s2_sl,
            d_s2_sl_bits, d_s2_ttb, d_s2_ps_bits, d_s2affd, d_s2ptw, d_s2r, d_s2ir0, d_s2or0,
            d_s2sh0, d_vmid} = ws_q;

    // ---------------- walk state
    reg  [PA_W-1:0]  tbl;
    reg  [1:0]       lvl;
    reg              first;
    reg  [PA_W-1:0]  oa;
    reg  [5:0]       size;
    reg  [3:0]       memattr;
    reg  [1:0]       sh, ap, xn;
    reg  [PA_W-1:0]  rd_addr_q;      // FetchAddr of the read in flight / just done
    reg  [63:0]      desc;
    reg              desc_err;
    // the descriptor decoded and the leaf checked (ST_DEC), for the step that acts on it
    // (ST_EVAL): not one path from the descriptor to every register it decides
    reg  [1:0]       dq_kind;
    reg              dq_afault;
    reg  [5:0]       dq_size;
    reg  [PA_W-1:0]  dq_next, dq_oa;  // a table's next table; a leaf's output address
    reg              dq_af, dq_perm;  // a leaf's access flag and permission faults
    reg              f_fault;
    reg  [7:0]       f_evt;
    reg  [63:0]      f_addr;
    reg              f_rec;
    // the EVAL descriptor came from the leaf cache (not read, not filled again); an
    // invalidation or flush happened since the request was accepted
    reg              inj;
    reg              raced;

    // ---------------- the descriptor: decoded, the leaf's access flag and permission and
    // the S2PTW check evaluated in ST_DEC, acted on in ST_EVAL (inside the FSM below;
    // the functions of smmu_desc_decode.vh, smmu_perm_check.vh, smmu_attr.vh). Permission:
    // a stage-1 table or the CD is a Data read (TTRnW = 1); the IN access is the
    // transaction's own. S2PTW: is the leaf Device for the table/CD access (its Normal
    // walk attribute, picked when the request is accepted, combined with the leaf)?
    localparam [5:0] PA_W6 = PA_W[5:0];
    wire             pc_in   = (cls_q == C_IN);
    reg  [7:0]       a_ptw;              // the access's attributes
    reg  [1:0]       sh_ptw;
    // The walk caches' fill leaves in the cycle after ST_EVAL, from registers: fl_q says
    // that step found a good table (the next table and its level are then in tbl and lvl)
    // or a good leaf not taken from the leaf cache (desc and lvl, unchanged until the next
    // request). The decode and the checks are then not on the path into the walk cache's
    // port choice.
    localparam [1:0] FL_NONE = 2'd0, FL_TBL = 2'd1, FL_LEAF = 2'd2;
    reg  [1:0]       fl_q;

    // ---------------- walk attributes (13.8): S2IR0/S2OR0/S2SH0 (picked when the request
    // is accepted) as {AxCACHE, AxDOMAIN} of this unit's descriptor reads, set in ST_WC
    // (every walk passes there before its first read)
    reg  [7:0]       a_s2walk;
    reg  [5:0]       rd_attr;

    // ---------------- read client
    assign rd_req_valid = (state == ST_RD_REQ);
    // the descriptor address, computed only while the read is requested (the read
    // client's address is looked at only with its valid)
    reg  [PA_W-1:0]  rd_da;
    always @* begin
        rd_da = {PA_W{1'b0}};
        if (rd_req_valid)
            rd_da = desc_addr(tbl, ipa_q[47:0], d_s2_tg, lvl, first, d_s2_sl_bits);
    end
    assign rd_req_addr  = rd_da;
    assign rd_req_len   = 8'd0;
    assign {rd_req_cache, rd_req_domain} = rd_attr;

    // ---------------- walk caches: the key is the IPA; the fills
    assign wc_lk_valid = (state == ST_WC);
    assign wc_key_vmid = d_vmid;
    assign wc_key_gran = d_s2_tg;
    assign wc_key_ia   = ipa_q[47:12];
    // (fl_q's kinds are the walk cache's fill kinds: 1 S2T, 2 S2L)
    // (an invalidation or flush in the fill's cycle: smmu_walk_cache drops the fill
    // itself, as smmu_s1_walker's)
    assign wc_fl_valid = (fl_q != FL_NONE);
    assign wc_fl_kind  = fl_q;
    assign wc_fl_lvl   = lvl;
    assign wc_fl_tbl   = tbl;
    assign wc_fl_desc  = desc;

    // ---------------- FSM
    wire   acc = (state == ST_IDLE) && req_valid;
    assign req_ready = (state == ST_IDLE);
    assign busy      = (state != ST_IDLE);

    task fault(input [7:0] evt, input [63:0] addr, input rec);
        begin
            f_fault <= 1'b1;
            f_evt   <= evt;
            f_addr  <= addr;
            f_rec   <= rec;
            state   <= ST_RSP;
        end
    endtask

    always @(posedge clk) begin
        if (!rst_n) begin
            state     <= ST_IDLE;
            ws_q      <= {WS2_W{1'b0}};
            ipa_q     <= 64'd0;
            cls_q     <= C_IN;
            rnw_q     <= 1'b0;
            priv_q    <= 1'b0;
            instr_q   <= 1'b0;
            reads     <= 5'd0;
            tbl       <= {PA_W{1'b0}};
            lvl       <= 2'd0;
            first     <= 1'b0;
            a_ptw     <= 8'd0;
            a_s2walk  <= 8'd0;
            rd_attr   <= 6'd0;
            sh_ptw    <= 2'd0;
            oa        <= {PA_W{1'b0}};
            size      <= 6'd12;
            memattr   <= 4'd0;
            sh        <= 2'd0;
            ap        <= 2'd0;
            xn        <= 2'd0;
            rd_addr_q <= {PA_W{1'b0}};
            desc      <= 64'd0;
            desc_err  <= 1'b0;
            dq_kind   <= K_INVALID;
            dq_afault <= 1'b0;
            dq_size   <= 6'd12;
            dq_next   <= {PA_W{1'b0}};
            dq_oa     <= {PA_W{1'b0}};
            dq_af     <= 1'b0;
            dq_perm   <= 1'b0;
            f_fault   <= 1'b0;
            f_evt     <= 8'd0;
            f_addr    <= 64'd0;
            f_rec     <= 1'b0;
            inj       <= 1'b0;
            raced     <= 1'b0;
            fl_q      <= FL_NONE;
        end else begin
            if (wc_inv)
                raced <= 1'b1;
            fl_q <= FL_NONE;
            case (state)
                // Accept, then the walk caches from S2TTB (the per-walk state is cleared on
                // acceptance: nothing reads it while the unit is idle)
                ST_IDLE: if (acc) begin
                    reads   <= 5'd0;
                    f_fault <= 1'b0;
                    inj     <= 1'b0;
                    raced   <= wc_inv;
                    ws_q    <= q_ws;
                    ipa_q   <= q_ipa;
                    cls_q   <= q_cls;
                    rnw_q   <= q_rnw;
                    priv_q  <= q_priv;
                    instr_q <= q_instr;
                    tbl     <= q_ttb;
                    lvl     <= q_sl;
                    first   <= 1'b1;
                    // STE.S1C*R (5.2): 11 is WB no-RA there, as smmu_cfg reads it
                    a_ptw   <= (q_cls == C_CD) ?
                               {(q_s1cor == 2'b11) ? 4'hd : wnib(q_s1cor),
                                (q_s1cir == 2'b11) ? 4'hd : wnib(q_s1cir)} : q_wattr;
                    sh_ptw  <= (q_cls == C_CD) ? q_s1csh : q_wsh;
                    a_s2walk <= {wnib(q_or0), wnib(q_ir0)};
                    state    <= ST_WC;
                end

                // The IAS check (3.4.1) on the held IPA, while the walk caches answer (not
                // on the request's path through the arbiter; the answer is awaited either
                // way, so the port is free for the next request). Then a leaf of this
                // IPA's page is evaluated as if just read; else resume below the deepest
                // table descriptor held; else walk from S2TTB
                ST_WC: begin
                    rd_attr <= attr_walk_rd(1'b0, 1'b0, a_s2walk, d_s2sh0, 4'd0, 2'b00);
                    if (wc_rs_valid) begin
                        if ((ipa_q >> d_s2_ias) != 64'd0) begin
                            fault(EVT_F_TRANSLATION, ipa_q, d_s2r);
                        end else if (wc_rs_leaf_hit) begin
                            desc     <= wc_rs_desc;
                            desc_err <= 1'b0;
                            lvl      <= wc_rs_leaf_lvl;
                            inj      <= 1'b1;
                            state    <= ST_DEC;
                        end else begin
                            if (wc_rs_tbl_hit) begin
                                tbl   <= wc_rs_tbl;
                                lvl   <= wc_rs_lvl;
                                first <= 1'b0;
                            end
                            state <= ST_RD_REQ;
                        end
                    end
                end

                ST_RD_REQ: if (rd_req_ready) begin
                    inj       <= 1'b0;
                    rd_addr_q <= rd_req_addr;
                    reads     <= reads + 5'd1;
                    state     <= ST_RD_DATA;
                end

                ST_RD_DATA: if (rd_valid) begin
                    desc     <= rd_data;
                    desc_err <= rd_err;
                    state    <= ST_DEC;
                end

                // the decode and the leaf's checks, in this step only
                ST_DEC: begin : dec_step
                    `include "smmu_walk_eval.vh"
                    reg             e_dev;   // the access is Device (S2PTW)
                    reg  [1:0]      e_s2ap, e_s2xn;
                    reg  [3:0]      e_memattr;
                    e_dec = desc_decode(desc, lvl, d_s2_tg, d_s2_ps_bits, PA_W6, ipa_q[47:0]);
                    e_fld = desc_fields(desc, 1'b1);
                    e_ap      = e_fld[20:19];
                    e_sh      = e_fld[18:17];
                    e_af      = e_fld[16];
                    e_pxn     = e_fld[13];
                    e_uxn     = e_fld[12];
                    e_memattr = e_fld[11:8];
                    e_s2ap    = e_fld[7:6];
                    e_s2xn    = e_fld[5:4];
                    {e_kind, e_size, e_afault, e_next48, e_oa48} = e_dec;
                    e_pc  = perm_check(XNX != 0, 1'b1, pc_in ? rnw_q : 1'b1, priv_q,
                                       pc_in ? instr_q : 1'b0, d_world, e_ap, e_pxn,
                                       e_uxn, 2'b00, 1'b0, 1'b0, 1'b0, 1'b0, 1'b0, e_s2ap,
                                       e_s2xn, e_af, d_s2affd);
                    e_dev = attr_s2_device((FWB != 0) && d_s2fwb, a_ptw, sh_ptw,
                                           e_memattr, e_sh);
                    dq_kind   <= e_kind;
                    dq_afault <= e_afault;
                    dq_size   <= e_size;
                    dq_next   <= e_next48[PA_W-1:0];
                    dq_oa     <= e_oa48[PA_W-1:0];
                    dq_af     <= e_pc[1];
                    dq_perm   <= e_pc[0] || ((cls_q != C_IN) && d_s2ptw && e_dev);
                    state     <= ST_EVAL;
                end

                ST_EVAL: begin : eval_step
                    // act on the decode of ST_DEC
                    /* verilator lint_off UNUSEDSIGNAL */
                    reg  [23:0]     e_fld;   // the leaf's fields it keeps (not all)
                    /* verilator lint_on UNUSEDSIGNAL */
                    e_fld = desc_fields(desc, 1'b1);
                    if (desc_err) begin
                        fault(EVT_F_WALK_EABT, {{(64 - PA_W){1'b0}}, rd_addr_q}, 1'b1);
                    end else if (dq_kind == K_INVALID) begin
                        fault(EVT_F_TRANSLATION, ipa_q, d_s2r);
                    end else if (dq_afault) begin
                        fault(EVT_F_ADDR_SIZE, ipa_q, d_s2r);
                    end else if (dq_kind == K_TABLE) begin
                        tbl   <= dq_next;
                        lvl   <= lvl + 2'd1;
                        first <= 1'b0;
                        if (!raced && !wc_inv)
                            fl_q <= FL_TBL;
                        state <= ST_RD_REQ;
                    end else begin
                        oa      <= dq_oa;
                        size    <= dq_size;
                        memattr <= e_fld[11:8];
                        sh      <= e_fld[18:17];
                        ap      <= e_fld[7:6];
                        xn      <= e_fld[5:4];
                        if (dq_af)
                            fault(EVT_F_ACCESS, ipa_q, d_s2r);
                        else if (dq_perm)
                            fault(EVT_F_PERMISSION, ipa_q, d_s2r);
                        else begin
                            if (!inj && !raced && !wc_inv)
                                fl_q <= FL_LEAF;
                            state <= ST_RSP;
                        end
                    end
                end

                ST_RSP:  if (rsp_ready) state <= ST_IDLE;
                default: state <= ST_IDLE;
            endcase
        end
    end

    // the answer is assembled only while offered (the arbiter passes on the answer of an
    // answering unit only), so an idle unit does not build it every cycle
    assign rsp_valid = (state == ST_RSP);
    reg  [R_BITS-1:0] rsp_w;
    always @* begin
        rsp_w = {R_BITS{1'b0}};
        if (rsp_valid)
            rsp_w = {f_fault, f_evt, f_fault ? f_addr : {{(64 - PA_W){1'b0}}, oa}, f_rec,
                     size, memattr, sh, ap, xn, reads};
    end
    assign rsp = rsp_w;

`ifdef FORMAL
    `include "smmu_formal.vh"
    // a request is taken only when idle; a read is requested only while walking; a
    // response is held until taken
    always @(posedge clk)
        if (f_run) begin
            if ($past(rsp_valid && !rsp_ready)) assert (rsp_valid && $stable(rsp));
            if ($past(acc)) assert (state != ST_IDLE);
            // a fill is offered in the cycle after ST_EVAL, with the fields that step left
            if (fl_q != FL_NONE) assert ($past(state) == ST_EVAL && $stable(desc));
            if (fl_q == FL_TBL) assert (state == ST_RD_REQ);
            if (fl_q == FL_LEAF) assert (state == ST_RSP);
        end
`endif

    // rd_last: every read is one beat. The decoder's stage-1 outputs are not needed
    // here, nor the request fields used only on acceptance (start level, S2TTB:
    // synthesis drops their registers).
    /* verilator lint_off UNUSEDSIGNAL */
    wire unused_ok = &{1'b0, rd_last, q_world, q_fwb, q_ias, q_tg, q_slb,
                       q_ps, q_affd, q_ptw, q_s2r, q_sh0, q_vmid,
                       d_s2_sl, d_s2_ttb, d_s1cir, d_s1cor, d_s1csh,
                       d_s2ir0, d_s2or0};
    /* verilator lint_on UNUSEDSIGNAL */
endmodule
