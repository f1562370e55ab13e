// smmu_s1_walker: one stage-1 walk unit (IHI 0070 3.4, 7.3; Arm ARM D8.2-D8.4): VMSAv8-64
// stage-1 walks, 4 KB, 16 KB and 64 KB granules (CD.TG0/TG1). smmu_xlate holds NWALK of
// them, one per walk in flight; stage 2 is not here: the stage-2 walk units
// (smmu_s2_walker) are a shared service behind smmu_s2_arb, and this unit asks it
//   - for a nested stream, each stage-1 table descriptor's IPA (TTB included, CLASS = TT)
//     before reading the descriptor at the PA it returns, and the output IPA (CLASS = IN)
//     after the stage-1 leaf's AF and permission checks (Arm ARM D8.2-D8.4 order);
//   - for a stage-2-only stream, the input IPA (CLASS = IN), on behalf of the translation.
//     That request goes through this unit rather than from smmu_xlate straight to the
//     arbiter: this unit is the translation's walk slot (smmu_xlate keeps the request's
//     registers beside it, parks misses of the same page behind it, and takes every walk
//     result from it in one round robin), so both kinds of walk keep one result path and
//     one slot count, and the stage-2 request leaves in the cycle after acceptance either
//     way (the cycle the stage-1 start takes).
// An answer that ends the walk (a stage-2 fault, or the IN leaf) is held and offered as
// the result in the next cycle (a register between the arbiter's answer and smmu_xlate's
// result pick, for the ECP5 clock); an answered TT is read in the cycle it arrives
// (docs/translation.md).
//
// A stage-1 walk starts with a lookup in the stage-1 walk cache (smmu_walk_cache) and
// resumes below the deepest table descriptor held. Table descriptors that produced no
// fault are filled, unless an invalidation or flush overlapped the walk. The STE and CD
// come decoded (the typed contexts of smmu_ctx.vh); the unit keeps the fields it uses.
//
// Ports:
//   wk_valid/wk_ready   walk request; fields held stable while valid
//   wk_load             the fields are those of a walk that may start: an idle unit copies
//                       them into its registers in every such cycle, so the registers'
//                       enable is this and the idle state, not the caller's start decision
//                       (which then only moves the state). Must be 1 whenever wk_valid is.
//     wk_sctx, wk_s1ctx the stream and stage-1 contexts; wk_s1ctx is ignored for a
//                       stage-2-only stream
//     wk_addr           VA (stage 1 on; the caller has done the TxSZ/TBI/EPD range check)
//                       or IPA (stage-2 only)
//     wk_rnw, wk_priv, wk_instr   access after PRIVCFG/INSTCFG
//   rsp_valid/rsp_ready result, held until taken
//     rsp_fault         1: the walk faulted, rsp_evt/s2/class/addr/record/ttrnw describe the
//                       event; 0: rsp_leaf is valid
//     rsp_evt           EVT_F_WALK_EABT, EVT_F_TRANSLATION, EVT_F_ADDR_SIZE, EVT_F_ACCESS,
//                       EVT_F_PERMISSION (defensively EVT_F_TRANSLATION, not recorded, for a
//                       request with neither stage enabled)
//     rsp_s2, rsp_class event S2 and CLASS (EVT_CLASS_*)
//     rsp_addr          the FetchAddr for F_WALK_EABT; the IPA for stage-2 translation-
//                       related faults (TT: the stage-1 descriptor's IPA, IN: the IPA being
//                       translated); 0 for stage-1 faults (IPA UNKNOWN)
//     rsp_record        write the event: F_WALK_EABT always; stage-1 translation-related
//                       faults iff CD.R; stage-2 ones iff STE.S2R (7.3, 5.5)
//     rsp_ttrnw         TTRnW: 1 (a descriptor read) whenever S2 = 1 and CLASS = TT
//     rsp_leaf          the leaf bundle (smmu_leaf.vh): OA the page/block base of the
//                       translation's size; size the smaller of the two stages when nested;
//                       S1ATTR the raw CD.MAIR byte chosen by AttrIndx; S1AP/PXN/UXN with
//                       APTable/PXNTable/UXNTable folded in unless HADx
//     rsp_reads         descriptor reads of the walk, its stage-2 walks' included
//   s2q_*/s2r_*         the stage-2 service (smmu_s2_arb): a request (smmu_walk.vh S2Q_W),
//                       held until s2q_ready; its answer (S2R_W), taken when s2r_ready
//   rd_*                one read client of smmu_mem_arb (single-beat 8-byte reads)
//   wc_*                the stage-1 walk cache's port (lookup at the start, fills, wc_inv)
//   busy                a walk is in flight
//
// Walk attributes (13.8): descriptor reads use CD.IRx/ORx/SHx of the half, combined with
// the stage-2 leaf of the table's address when nested (the smmu_attr rules, smmu_attr.vh).
// Fault order (7.3.22): per level EABT (nested: the descriptor IPA's stage-2 faults come
// first), invalid, address size; at the leaf AF, then permission, then the output IPA's
// stage 2. Termination: every descriptor ends the walk or moves one level down; at most 4
// stage-1 reads and 5 stage-2 requests, each of which ends (smmu_s2_walker).
module smmu_s1_walker #(
    parameter PA_W    = 48,   // OAS (= IAS) in bits
    parameter FWB     = 1,    // IDR3.FWB
    parameter XNX     = 1,    // IDR3.XNX
    parameter HAD     = 1,    // IDR3.HAD: CD.HAD0/1 honoured
    parameter LEAF_BITS = 75, // must equal LEAF_W of smmu_leaf.vh (checked below)
    parameter SCTX_BITS = 121,  // must equal SCTX_W of smmu_ctx.vh
    parameter S1CTX_BITS = 232, // must equal S1CTX_W of smmu_ctx.vh
    parameter Q_BITS = 183,     // must equal S2Q_W of smmu_walk.vh
    parameter R_BITS = 95       // must equal S2R_W of smmu_walk.vh
) (
    input  wire                 clk,
    input  wire                 rst_n,

    input  wire                 wk_valid,
    output wire                 wk_ready,
    input  wire                 wk_load,
    input  wire [SCTX_BITS-1:0]  wk_sctx,
    input  wire [S1CTX_BITS-1:0] wk_s1ctx,
    input  wire [63:0]          wk_addr,
    input  wire                 wk_rnw,
    input  wire                 wk_priv,
    input  wire                 wk_instr,

    output wire                 rsp_valid,
    input  wire                 rsp_ready,
    output wire                 rsp_fault,
    output wire [7:0]           rsp_evt,
    output wire                 rsp_s2,
    output wire [1:0]           rsp_class,
    output wire [63:0]          rsp_addr,
    output wire                 rsp_record,
    output wire                 rsp_ttrnw,
    output wire [LEAF_BITS-1:0] rsp_leaf,
    output wire [4:0]           rsp_reads,

    output wire                 s2q_valid,
    input  wire                 s2q_ready,
    output wire [Q_BITS-1:0]    s2q,
    input  wire                 s2r_valid,
    output wire                 s2r_ready,
    input  wire [R_BITS-1:0]    s2r,

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
    output wire [1:0]           wc_key_world,
    output wire                 wc_key_nest,
    output wire [15:0]          wc_key_vmid,
    output wire [15:0]          wc_key_asid,
    output wire [1:0]           wc_key_gran,
    output wire                 wc_key_half,
    output wire [35:0]          wc_key_ia,
    input  wire                 wc_rs_valid,
    input  wire                 wc_rs_tbl_hit,
    input  wire [1:0]           wc_rs_lvl,
    input  wire [PA_W-1:0]      wc_rs_tbl,
    input  wire [1:0]           wc_rs_apt,
    input  wire                 wc_rs_pxnt,
    input  wire                 wc_rs_uxnt,
    output wire                 wc_fl_valid,
    output wire [1:0]           wc_fl_lvl,
    output wire [PA_W-1:0]      wc_fl_tbl,
    output wire [1:0]           wc_fl_apt,
    output wire                 wc_fl_pxnt,
    output wire                 wc_fl_uxnt,
    input  wire                 wc_inv,

    output wire                 busy
);
    `include "smmu_regs.vh"
    `include "smmu_leaf.vh"
    `include "smmu_gran.vh"
    `include "smmu_ctx.vh"
    `include "smmu_walk.vh"
    `include "smmu_amba.vh"
    `include "smmu_attr.vh"
    `include "smmu_desc_decode.vh"
    `include "smmu_perm_check.vh"

    generate
        if (LEAF_BITS != LEAF_W) begin : g_leaf_bits_mismatch
            // Elaboration stops here: the port width disagrees with smmu_leaf.vh
            smmu_s1_walker_LEAF_BITS_must_equal_LEAF_W u_err ();
        end
        if (SCTX_BITS != SCTX_W || S1CTX_BITS != S1CTX_W) begin : g_ctx_bits_mismatch
            smmu_s1_walker_CTX_BITS_must_equal_smmu_ctx_vh u_err ();
        end
        if (Q_BITS != S2Q_W || R_BITS != S2R_W) begin : g_s2_bits_mismatch
            smmu_s1_walker_BITS_must_equal_smmu_walk_vh u_err ();
        end
    endgenerate

    localparam [3:0] ST_IDLE = 4'd0, ST_START = 4'd1, ST_RD_REQ = 4'd2, ST_RD_DATA = 4'd3,
                     ST_EVAL = 4'd4, ST_S2_REQ = 4'd5, ST_S2_WAIT = 4'd6, ST_RSP = 4'd7,
                     ST_DEC = 4'd8, ST_WC = 4'd9;
    localparam [1:0] J_S1 = 2'd0, J_S2 = 2'd1, J_NEST = 2'd2;
    localparam [1:0] K_INVALID = 2'd0, K_TABLE = 2'd1;
    localparam [1:0] C_TT = EVT_CLASS_TT[1:0], C_IN = EVT_CLASS_IN[1:0];

    // ---------------- request registers
    reg  [3:0]      state;
    reg  [1:0]      job;
    reg             s1_en_q, s2_en_q;   // the stream's stages
    reg  [WS2_W-1:0] ws_q;              // the stream context's stage-2 fields (passed on)
    reg  [63:0]     va_r;
    reg             rnw_r, priv_r, instr_r;
    reg  [4:0]      reads;

    // ---------------- the held context's fields (ws_q: smmu_walk.vh's order, StreamWorld
    // first, S2FWB ninth bit, VMID last). The stage-1 context's fields of the half the VA
    // selects (VA[55]: TTB1) are picked when the request is accepted, each in a register
    // of its own, so nothing is unpacked or selected again while the walk runs.
    wire [1:0]      d_world = ws_q[WS2_W-1 -: 2];
    wire            d_s2fwb = ws_q[WS2_W-9];
    wire [15:0]     d_vmid  = ws_q[15:0];

    reg             half;            // VA[55]: TTB1
    reg  [1:0]      s1_g;            // the half's granule
    reg  [1:0]      c_sl;            // its start level
    reg  [3:0]      c_slb;           // the VA bits the start level resolves
    reg  [PA_W-1:0] c_ttb;           // TTBx
    reg  [7:0]      a_s1walk;        // its walk attributes: CD.IRx/ORx as a MAIR byte
    reg  [1:0]      w_sh;            //   and CD.SHx
    reg             had_x;           // CD.HADx honoured
    reg             c_affd, c_wxn, c_pan, c_r;
    reg  [5:0]      c_ips_bits;
    reg  [63:0]     c_mair;
    reg  [15:0]     c_asid;

    // ---------------- walk state
    // the next stage-1 descriptor's address (nested: its IPA), computed in the step that
    // moves the walk to a table: the start, a walk-cache hit, a table descriptor
    reg  [PA_W-1:0] s1_da;
    reg  [1:0]      s1_lvl;
    reg  [1:0]      apt;
    reg             pxnt, uxnt;
    // the stage-1 leaf as the bundle wants it
    reg  [PA_W-1:0] s1_oa;
    reg  [5:0]      s1_size;
    reg  [7:0]      s1_mair;
    reg  [1:0]      s1_sh, s1_ap;
    reg             s1_pxn, s1_uxn, s1_ng;
    // the stage-2 request: its IPA and class; the table's stage-2 leaf (nested reads)
    reg  [63:0]     s2_ipa;
    reg  [1:0]      s2_cls;
    reg  [PA_W-1:0] tt_pa;           // the PA of the descriptor (nested)
    reg             via_s2;          // the read is at tt_pa
    reg  [PA_W-1:0] rd_addr_q;       // FetchAddr of the read in flight / just done
    reg  [63:0]     desc;
    reg             desc_err;
    // the descriptor decoded (ST_DEC), for the step that acts on it (ST_EVAL): the decode
    // and the leaf's checks in one cycle, the choice of what to do in the next, so the
    // two are not one path (docs/fpga.md)
    reg  [1:0]      dq_kind;
    reg             dq_afault;
    reg  [5:0]      dq_size;
    reg  [PA_W-1:0] dq_oa;           // a leaf's output address
    reg  [PA_W-1:0] dq_da;           // a table's next descriptor address (nested: IPA)
    reg  [1:0]      dq_pc;           // a leaf's {access flag fault, permission fault}
    // a fault of this unit's own
    reg             f_fault;
    reg  [7:0]      f_evt;
    reg  [1:0]      f_cls;
    reg             f_rec;
    reg             raced;           // an invalidation or flush since acceptance

    wire            nested = (job == J_NEST);

    // ---------------- the stage-2 answer
    wire            r_fault, r_rec;
    wire [7:0]      r_evt;
    wire [63:0]     r_addr;
    wire [5:0]      r_size;
    wire [3:0]      r_memattr;
    wire [1:0]      r_sh, r_ap, r_xn;
    wire [4:0]      r_reads;
    assign {r_fault, r_evt, r_addr, r_rec, r_size, r_memattr, r_sh, r_ap, r_xn,
            r_reads} = s2r;
    wire [PA_W-1:0] r_oa = r_addr[PA_W-1:0];     // the PA, when not a fault
    wire            waiting = (state == ST_S2_WAIT);
    // the answer ends the walk (a fault, or the IN leaf): held (a_*) and offered from
    // ST_RSP in the next cycle, not passed through to rsp_* in the cycle it arrives (the
    // arbiter's answer would otherwise run through this unit into smmu_xlate's pick of
    // the walk results and C: the ECP5 clock's critical path)
    wire            r_end   = waiting && s2r_valid && (r_fault || s2_cls == C_IN);
    reg             a_held;          // the result is the held answer's
    reg             a_fault, a_rec;
    reg  [7:0]      a_evt;
    reg  [63:0]     a_addr;
    reg  [5:0]      a_size;
    reg  [3:0]      a_memattr;
    reg  [1:0]      a_sh, a_ap, a_xn;
    // a TT answer: the descriptor is read at its PA, from this cycle
    wire            r_tt    = waiting && s2r_valid && !r_fault && s2_cls == C_TT;

    // ---------------- the descriptor (stage 1): decoded and the leaf's checks made in
    // ST_DEC, acted on in ST_EVAL (inside the FSM below; the functions of
    // smmu_desc_decode.vh and smmu_perm_check.vh). The walk cache's fill of a good table descriptor leaves in the cycle after that
    // step, from registers: fl_q set, the next table's level and the accumulated
    // APTable/PXNTable/UXNTable already in s1_lvl, apt, pxnt, uxnt, the descriptor still in
    // desc (the next one is read no earlier than the cycle after). The decode is then not
    // on the path into the walk cache's port choice.
    localparam [5:0] PA_W6 = PA_W[5:0];
    reg             fl_q;
    reg  [47:0]     fl_tbl48;       // the table's address (only while filled)
    always @* begin
        fl_tbl48 = 48'd0;
        if (fl_q)
            fl_tbl48 = desc_next_table(desc, s1_g);
    end

    // ---------------- walk attributes (13.8): CD IRx/ORx/SHx, combined with the table
    // address's stage-2 leaf when nested (smmu_attr.vh). {AxCACHE, AxDOMAIN} of a read
    // at s1_da (no stage 2: set at the start), of one at tt_pa (set with the stage-2
    // answer), and of the one at the answer's PA in the cycle the answer arrives (only
    // then evaluated)
    reg  [5:0]      rd_attr_s1, rd_attr_tt;
    reg  [5:0]      rd_attr_ans;
    always @* begin
        rd_attr_ans = 6'd0;
        if (waiting && s2r_valid)
            rd_attr_ans = attr_walk_rd((FWB != 0) && d_s2fwb, 1'b1, a_s1walk, w_sh, r_memattr,
                                       r_sh);
    end

    // ---------------- read client (its address and attributes are looked at only with
    // its valid: assembled only in the states that can request, ST_RD_REQ and
    // ST_S2_WAIT, on the state alone)
    reg  [PA_W-1:0] rq_addr;
    reg  [5:0]      rq_attr;
    always @* begin
        rq_addr = {PA_W{1'b0}};
        rq_attr = 6'd0;
        if (state == ST_RD_REQ || waiting) begin
            rq_addr = waiting ? r_oa :
                      via_s2  ? tt_pa : s1_da;
            rq_attr = waiting ? rd_attr_ans :
                      via_s2  ? rd_attr_tt : rd_attr_s1;
        end
    end
    assign rd_req_valid  = (state == ST_RD_REQ) || r_tt;
    assign rd_req_addr   = rq_addr;
    assign rd_req_len    = 8'd0;
    assign rd_req_cache  = rq_attr[5:2];
    assign rd_req_domain = rq_attr[1:0];

    // ---------------- the stage-2 request (looked at only with its valid: assembled only
    // then, not in every cycle of every unit)
    reg  [S2Q_W-1:0] s2q_b;
    always @* begin
        s2q_b = {S2Q_W{1'b0}};
        if (s2q_valid)
            s2q_b = {ws_q, s2_ipa, s2_cls, rnw_r, priv_r, instr_r, a_s1walk, w_sh};
    end
    assign s2q_valid = (state == ST_S2_REQ);
    assign s2q       = s2q_b;
    // an answer is taken when it arrives, unless it ends the walk: then with rsp_ready
    assign s2r_ready = waiting;

    // ---------------- stage-1 walk cache: the key (this walk's VA) and the fills
    assign wc_lk_valid  = (state == ST_WC);
    assign wc_key_world = d_world;
    assign wc_key_nest  = nested;
    assign wc_key_vmid  = d_vmid;
    assign wc_key_asid  = c_asid;
    assign wc_key_gran  = s1_g;
    assign wc_key_half  = half;
    assign wc_key_ia    = va_r[47:12];
    // (an invalidation or flush in the fill's cycle: smmu_walk_cache drops the fill
    // itself, so the fill's valid, which enables its fill registers, is a register)
    assign wc_fl_valid  = fl_q;
    assign wc_fl_lvl    = s1_lvl;
    assign wc_fl_tbl    = fl_tbl48[PA_W-1:0];
    assign wc_fl_apt    = apt;
    assign wc_fl_pxnt   = pxnt;
    assign wc_fl_uxnt   = uxnt;

    // ---------------- FSM
    wire            acc = (state == ST_IDLE) && wk_valid;
    assign wk_ready = (state == ST_IDLE);
    assign busy     = (state != ST_IDLE);

    // End the walk with a stage-1 fault (CLASS, record)
    task fault(input [7:0] evt, input [1:0] cls, input rec);
        begin
            f_fault <= 1'b1;
            f_evt   <= evt;
            f_cls   <= cls;
            f_rec   <= rec;
            state   <= ST_RSP;
        end
    endtask

    always @(posedge clk) begin
        if (!rst_n) begin
            state      <= ST_IDLE;
            job        <= J_S1;
            s1_en_q    <= 1'b0;
            s2_en_q    <= 1'b0;
            ws_q       <= {WS2_W{1'b0}};
            s1_g       <= 2'd0;
            c_sl       <= 2'd0;
            c_slb      <= 4'd0;
            c_ttb      <= {PA_W{1'b0}};
            a_s1walk   <= 8'd0;
            w_sh       <= 2'd0;
            had_x      <= 1'b0;
            c_affd     <= 1'b0;
            c_wxn      <= 1'b0;
            c_pan      <= 1'b0;
            c_r        <= 1'b0;
            c_ips_bits <= 6'd0;
            c_mair     <= 64'd0;
            c_asid     <= 16'd0;
            va_r       <= 64'd0;
            rnw_r      <= 1'b0;
            priv_r     <= 1'b0;
            instr_r    <= 1'b0;
            reads      <= 5'd0;
            half       <= 1'b0;
            s1_da      <= {PA_W{1'b0}};
            s1_lvl     <= 2'd0;
            apt        <= 2'b00;
            pxnt       <= 1'b0;
            uxnt       <= 1'b0;
            s1_oa      <= {PA_W{1'b0}};
            s1_size    <= 6'd12;
            s1_mair    <= 8'd0;
            s1_sh      <= 2'd0;
            s1_ap      <= 2'd0;
            s1_pxn     <= 1'b0;
            s1_uxn     <= 1'b0;
            s1_ng      <= 1'b0;
            s2_ipa     <= 64'd0;
            s2_cls     <= C_IN;
            tt_pa      <= {PA_W{1'b0}};
            rd_attr_s1 <= 6'd0;
            rd_attr_tt <= 6'd0;
            via_s2     <= 1'b0;
            rd_addr_q  <= {PA_W{1'b0}};
            desc       <= 64'd0;
            desc_err   <= 1'b0;
            dq_kind    <= K_INVALID;
            dq_afault  <= 1'b0;
            dq_size    <= 6'd12;
            dq_oa      <= {PA_W{1'b0}};
            dq_da      <= {PA_W{1'b0}};
            dq_pc      <= 2'b00;
            f_fault    <= 1'b0;
            f_evt      <= 8'd0;
            f_cls      <= 2'd0;
            f_rec      <= 1'b0;
            raced      <= 1'b0;
            fl_q       <= 1'b0;
            a_held     <= 1'b0;
            a_fault    <= 1'b0;
            a_rec      <= 1'b0;
            a_evt      <= 8'd0;
            a_addr     <= 64'd0;
            a_size     <= 6'd12;
            a_memattr  <= 4'd0;
            a_sh       <= 2'd0;
            a_ap       <= 2'd0;
            a_xn       <= 2'd0;
        end else begin
            if (wc_inv)
                raced <= 1'b1;
            fl_q <= 1'b0;
            case (state)
                // (the per-walk state is loaded while idle from every candidate walk,
                // the last load being the accepted one's: nothing reads it while the
                // unit is idle)
                ST_IDLE: begin
                    if (wk_load) begin
                        reads   <= 5'd0;
                        f_fault <= 1'b0;
                        a_held  <= 1'b0;
                        via_s2  <= 1'b0;
                        apt     <= 2'b00;
                        pxnt    <= 1'b0;
                        uxnt    <= 1'b0;
                        raced   <= wc_inv;
                        s1_en_q <= wk_sctx[SCTX_S1_EN_LSB];
                        s2_en_q <= wk_sctx[SCTX_S2_EN_LSB];
                        ws_q    <= ws2_pick(wk_sctx);
                        va_r    <= wk_addr;
                        rnw_r   <= wk_rnw;
                        priv_r  <= wk_priv;
                        instr_r <= wk_instr;
                        half    <= wk_addr[55];
                        if (wk_addr[55]) begin
                            s1_g     <= wk_s1ctx[S1CTX_T1TG_LSB +: S1CTX_T1TG_W];
                            c_sl     <= wk_s1ctx[S1CTX_T1SL_LSB +: S1CTX_T1SL_W];
                            c_slb    <= wk_s1ctx[S1CTX_T1SLB_LSB +: S1CTX_T1SLB_W];
                            c_ttb    <= wk_s1ctx[S1CTX_TTB1_LSB +: PA_W];
                            a_s1walk <= {wnib(wk_s1ctx[S1CTX_OR1_LSB +: S1CTX_OR1_W]),
                                         wnib(wk_s1ctx[S1CTX_IR1_LSB +: S1CTX_IR1_W])};
                            w_sh     <= wk_s1ctx[S1CTX_SH1_LSB +: S1CTX_SH1_W];
                            had_x    <= (HAD != 0) && wk_s1ctx[S1CTX_HAD1_LSB];
                        end else begin
                            s1_g     <= wk_s1ctx[S1CTX_T0TG_LSB +: S1CTX_T0TG_W];
                            c_sl     <= wk_s1ctx[S1CTX_T0SL_LSB +: S1CTX_T0SL_W];
                            c_slb    <= wk_s1ctx[S1CTX_T0SLB_LSB +: S1CTX_T0SLB_W];
                            c_ttb    <= wk_s1ctx[S1CTX_TTB0_LSB +: PA_W];
                            a_s1walk <= {wnib(wk_s1ctx[S1CTX_OR0_LSB +: S1CTX_OR0_W]),
                                         wnib(wk_s1ctx[S1CTX_IR0_LSB +: S1CTX_IR0_W])};
                            w_sh     <= wk_s1ctx[S1CTX_SH0_LSB +: S1CTX_SH0_W];
                            had_x    <= (HAD != 0) && wk_s1ctx[S1CTX_HAD0_LSB];
                        end
                        c_affd     <= wk_s1ctx[S1CTX_AFFD_LSB];
                        c_wxn      <= wk_s1ctx[S1CTX_WXN_LSB];
                        c_pan      <= wk_s1ctx[S1CTX_PAN_LSB];
                        c_r        <= wk_s1ctx[S1CTX_R_LSB];
                        c_ips_bits <= wk_s1ctx[S1CTX_IPS_LSB +: S1CTX_IPS_W];
                        c_mair     <= wk_s1ctx[S1CTX_MAIR_LSB +: S1CTX_MAIR_W];
                        c_asid     <= wk_s1ctx[S1CTX_ASID_LSB +: S1CTX_ASID_W];
                    end
                    if (acc)
                        state <= ST_START;
                end

                // The held context: pick the path and the first table
                ST_START: begin
                    rd_attr_s1 <= attr_walk_rd(1'b0, 1'b0, a_s1walk, w_sh, 4'd0, 2'b00);
                    if (s1_en_q) begin
                        job      <= s2_en_q ? J_NEST : J_S1;
                        s1_da    <= desc_addr(c_ttb, va_r[47:0], s1_g, c_sl, 1'b1,
                                              {1'b0, c_slb});
                        s1_lvl   <= c_sl;
                        if (s2_en_q) begin
                            s2_ipa <= {{(64 - PA_W){1'b0}},
                                       desc_addr(c_ttb, va_r[47:0], s1_g, c_sl, 1'b1,
                                                 {1'b0, c_slb})};
                            s2_cls <= C_TT;
                        end
                        state    <= ST_WC;
                    end else if (s2_en_q) begin
                        job    <= J_S2;
                        s2_ipa <= va_r;
                        s2_cls <= C_IN;
                        state  <= ST_S2_REQ;
                    end else begin
                        job <= J_S1;
                        fault(EVT_F_TRANSLATION, C_IN, 1'b0);
                    end
                end

                // Stage-1 walk cache: resume below the deepest table descriptor held for
                // this VA (nested: its next descriptor's IPA goes through stage 2 first)
                ST_WC: if (wc_rs_valid) begin
                    if (wc_rs_tbl_hit) begin
                        s1_da    <= desc_addr(wc_rs_tbl, va_r[47:0], s1_g, wc_rs_lvl, 1'b0,
                                              5'd0);
                        s1_lvl   <= wc_rs_lvl;
                        apt      <= wc_rs_apt;
                        pxnt     <= wc_rs_pxnt;
                        uxnt     <= wc_rs_uxnt;
                        if (nested)
                            s2_ipa <= {{(64 - PA_W){1'b0}},
                                       desc_addr(wc_rs_tbl, va_r[47:0], s1_g, wc_rs_lvl,
                                                 1'b0, 5'd0)};
                    end
                    state <= nested ? ST_S2_REQ : ST_RD_REQ;
                end

                ST_RD_REQ: if (rd_req_ready) begin
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
                    reg  [PA_W-1:0] e_next;
                    e_dec  = desc_decode(desc, s1_lvl, s1_g, c_ips_bits, PA_W6, va_r[47:0]);
                    e_fld  = desc_fields(desc, 1'b0);
                    e_ap   = e_fld[20:19];
                    e_af   = e_fld[16];
                    e_pxn  = e_fld[13];
                    e_uxn  = e_fld[12];
                    {e_kind, e_size, e_afault, e_next48, e_oa48} = e_dec;
                    e_next = e_next48[PA_W-1:0];
                    e_pc = perm_check(XNX != 0, 1'b0, rnw_r, priv_r, instr_r, d_world,
                                      e_ap, e_pxn, e_uxn, apt, pxnt, uxnt, had_x,
                                      c_pan, c_wxn, 2'b00, 2'b00, e_af, c_affd);
                    dq_kind   <= e_kind;
                    dq_afault <= e_afault;
                    dq_size   <= e_size;
                    dq_oa     <= e_oa48[PA_W-1:0];
                    dq_da     <= desc_addr(e_next, va_r[47:0], s1_g, s1_lvl + 2'd1, 1'b0,
                                           5'd0);
                    dq_pc     <= e_pc;
                    state     <= ST_EVAL;
                end

                ST_EVAL: begin : eval_step
                    // act on the decode of ST_DEC
                    /* verilator lint_off UNUSEDSIGNAL */
                    reg  [23:0]     e_fld;   // the leaf's fields it keeps (not all)
                    /* verilator lint_on UNUSEDSIGNAL */
                    reg  [3:0]      e_tfl;   // APTable, PXNTable, UXNTable
                    reg  [2:0]      e_attr_indx;
                    reg  [1:0]      e_ap, e_sh;
                    reg             e_ng, e_pxn, e_uxn;
                    e_fld  = desc_fields(desc, 1'b0);
                    e_attr_indx = e_fld[23:21];
                    e_ap   = e_fld[20:19];
                    e_sh   = e_fld[18:17];
                    e_ng   = e_fld[15];
                    e_pxn  = e_fld[13];
                    e_uxn  = e_fld[12];
                    if (desc_err) begin
                        f_fault <= 1'b1;
                        f_evt   <= EVT_F_WALK_EABT;
                        f_cls   <= C_TT;
                        f_rec   <= 1'b1;
                        state   <= ST_RSP;
                    end else if (dq_kind == K_INVALID) begin
                        fault(EVT_F_TRANSLATION, C_IN, c_r);
                    end else if (dq_afault) begin
                        fault(EVT_F_ADDR_SIZE, C_IN, c_r);
                    end else if (dq_kind == K_TABLE) begin
                        e_tfl     = desc_table_fields(desc, 1'b0);
                        apt      <= apt | e_tfl[1:0];
                        pxnt     <= pxnt | e_tfl[3];
                        uxnt     <= uxnt | e_tfl[2];
                        if (!raced && !wc_inv)
                            fl_q <= 1'b1;
                        s1_da    <= dq_da;
                        s1_lvl   <= s1_lvl + 2'd1;
                        via_s2   <= 1'b0;
                        if (nested) begin
                            s2_ipa <= {{(64 - PA_W){1'b0}}, dq_da};
                            s2_cls <= C_TT;
                            state  <= ST_S2_REQ;
                        end else begin
                            state  <= ST_RD_REQ;
                        end
                    end else begin
                        // Leaf: keep what the bundle needs, then AF and permission
                        s1_oa   <= dq_oa;
                        s1_size <= dq_size;
                        s1_mair <= c_mair[{e_attr_indx, 3'b000} +: 8];
                        s1_sh   <= e_sh;
                        s1_ap   <= {e_ap[1] | (!had_x & apt[1]),
                                    e_ap[0] & !(!had_x & apt[0])};
                        s1_pxn  <= e_pxn | (!had_x & pxnt);
                        s1_uxn  <= e_uxn | (!had_x & uxnt);
                        s1_ng   <= e_ng;
                        if (dq_pc[1]) begin
                            fault(EVT_F_ACCESS, C_IN, c_r);
                        end else if (dq_pc[0]) begin
                            fault(EVT_F_PERMISSION, C_IN, c_r);
                        end else if (nested) begin
                            s2_ipa <= {{(64 - PA_W){1'b0}}, dq_oa};
                            s2_cls <= C_IN;
                            state  <= ST_S2_REQ;
                        end else begin
                            state  <= ST_RSP;
                        end
                    end
                end

                ST_S2_REQ: if (s2q_ready) state <= ST_S2_WAIT;

                // The answer: read the descriptor at its PA now (else from ST_RD_REQ), or
                // hand it on as the walk's result
                ST_S2_WAIT: if (s2r_valid) begin
                    if (r_end) begin
                        a_held    <= 1'b1;
                        a_fault   <= r_fault;
                        a_rec     <= r_rec;
                        a_evt     <= r_evt;
                        a_addr    <= r_addr;
                        a_size    <= r_size;
                        a_memattr <= r_memattr;
                        a_sh      <= r_sh;
                        a_ap      <= r_ap;
                        a_xn      <= r_xn;
                        reads     <= reads + r_reads;
                        state     <= ST_RSP;
                    end else begin
                        reads      <= reads + r_reads + (rd_req_ready ? 5'd1 : 5'd0);
                        tt_pa      <= r_oa;
                        rd_attr_tt <= rd_attr_ans;
                        via_s2     <= 1'b1;
                        rd_addr_q  <= r_oa;
                        state      <= rd_req_ready ? ST_RD_DATA : ST_RD_REQ;
                    end
                end

                ST_RSP:  if (rsp_ready) state <= ST_IDLE;
                default: state <= ST_IDLE;
            endcase
        end
    end

    // ---------------- results (ST_RSP): this unit's, or the stage-2 answer held.
    // The leaf bundle is built only while a result can be offered (its consumer looks at
    // it only with rsp_valid), so an idle unit does not assemble it every cycle.
    reg  [5:0]      fin_size;
    reg  [55:0]     fin_56;
    wire            thru     = (job != J_S1);   // the stage-2 fields are the answer's

    reg [LEAF_W-1:0] leaf;
    always @* begin
        leaf     = {LEAF_W{1'b0}};
        fin_size = 6'd0;
        fin_56   = 56'd0;
        if (state == ST_RSP) begin
            fin_size = (job == J_S1) ? s1_size :
                       (job == J_S2) ? a_size :
                       (s1_size < a_size) ? s1_size : a_size;
            fin_56   = {{(56 - PA_W){1'b0}}, (job == J_S1) ? s1_oa : a_addr[PA_W-1:0]} &
                       ~leaf_off_mask(fin_size);
            leaf[LEAF_OA_LSB +: LEAF_OA_W]               = fin_56[55:12];
            leaf[LEAF_SIZE_LSB +: LEAF_SIZE_W]           = fin_size;
            leaf[LEAF_S1ATTR_LSB +: LEAF_S1ATTR_W]       = s1_mair;
            leaf[LEAF_S1SH_LSB +: LEAF_S1SH_W]           = s1_sh;
            leaf[LEAF_S2MEMATTR_LSB +: LEAF_S2MEMATTR_W] = thru ? a_memattr : 4'd0;
            leaf[LEAF_S2SH_LSB +: LEAF_S2SH_W]           = thru ? a_sh : 2'd0;
            leaf[LEAF_S1AP_LSB +: LEAF_S1AP_W]           = s1_ap;
            leaf[LEAF_S1PXN_LSB]                         = s1_pxn;
            leaf[LEAF_S1UXN_LSB]                         = s1_uxn;
            leaf[LEAF_NG_LSB]                            = s1_ng;
            leaf[LEAF_S2AP_LSB +: LEAF_S2AP_W]           = thru ? a_ap : 2'd0;
            leaf[LEAF_S2XN_LSB +: LEAF_S2XN_W]           = thru ? a_xn : 2'd0;
        end
    end

    assign rsp_valid  = (state == ST_RSP);
    assign rsp_fault  = a_held ? a_fault : f_fault;
    assign rsp_evt    = a_held ? a_evt : f_evt;
    assign rsp_s2     = a_held && a_fault;
    assign rsp_class  = a_held ? s2_cls : f_cls;
    assign rsp_addr   = a_held ? a_addr :
                        (f_evt == EVT_F_WALK_EABT) ? {{(64 - PA_W){1'b0}}, rd_addr_q} : 64'd0;
    assign rsp_record = a_held ? a_rec : f_rec;
    assign rsp_ttrnw  = a_held && a_fault && (s2_cls == C_TT);
    assign rsp_leaf   = leaf;
    assign rsp_reads  = reads;

`ifdef FORMAL
    `include "smmu_formal.vh"
    // the stage-2 request is held until taken; a response is held until taken; one read
    // or one stage-2 request at a time
    // the caller's contract: a request's fields are loaded in the cycle it is accepted
    always @* if (rst_n) assume (!wk_valid || wk_load);
    always @(posedge clk)
        if (f_run) begin
            if ($past(s2q_valid && !s2q_ready)) assert (s2q_valid && $stable(s2q));
            if ($past(rsp_valid && !rsp_ready && state == ST_RSP))
                assert (rsp_valid && $stable(rsp_fault) && $stable(rsp_evt));
            assert (!(s2q_valid && rd_req_valid));
            // a fill is offered in the cycle after ST_EVAL, from what that step left
            if (fl_q) assert ($past(state) == ST_EVAL && $stable(desc));
        end
`endif

    // rd_last: every read is one beat. VA bits above 48 only feed the range check; the
    // context fields other units use travel in ws_q; the decoder's stage-2 outputs are
    // not used at stage 1.
    /* verilator lint_off UNUSEDSIGNAL */
    wire unused_ok = &{1'b0, rd_last, fin_56[11:0], wk_sctx, wk_s1ctx, fl_tbl48};
    /* verilator lint_on UNUSEDSIGNAL */
endmodule
