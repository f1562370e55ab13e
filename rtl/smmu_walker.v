// smmu_walker: VMSAv8-64 table walks, 4 KB, 16 KB and 64 KB granules (each stage its own,
// from CD.TG0/TG1 and STE.S2TG): stage 1, stage 2, nested, and stage 2 as a service for the
// nested CD fetch (IHI 0070 3.4, 7.3; Arm ARM D8.2-D8.4; costs: docs/translation.md).
//
// One walk at a time, one descriptor read in flight. A stage-1 walk starts with a lookup
// in the walk caches (smmu_walk_cache, shared by the walkers) and resumes below the
// deepest table descriptor held; every stage-2 walk does the same, and a cached stage-2
// leaf of the IPA's granule page is evaluated as if just read (all its checks again).
// Descriptors that produced no fault are filled, unless an invalidation or flush
// overlapped the walk. Stage 2 is one sub-walk FSM that every caller shares: each nested
// stage-1 table access (TTB included, CLASS = TT), the output IPA
// (CLASS = IN), a stage-2-only input (CLASS = IN) and the smmu_cfg CD address (CLASS = CD).
// The STE and CD come decoded (smmu_cfg's decode, the typed contexts of smmu_ctx.vh); the
// walker keeps the context fields it uses. The descriptor, permission and attribute rules
// are the shared pure functions (smmu_desc_decode, smmu_perm_check, smmu_attr).
//
// Ports:
//   wk_valid/wk_ready   walk request; fields held stable while valid (taken into registers
//                       when accepted)
//     wk_sctx, wk_s1ctx the stream and stage-1 contexts (smmu_ctx.vh) of the validated STE
//                       and CD; wk_s1ctx is ignored for a stage-2-only stream
//     wk_addr           VA (stage 1 on; the caller has done the TxSZ/TBI/EPD range check)
//                       or IPA (stage-2 only; the caller has checked it against the IAS)
//     wk_rnw, wk_priv, wk_instr   access after PRIVCFG/INSTCFG (1 read, 1 privileged,
//                       1 instruction)
//   rsp_valid/rsp_ready result, held until taken
//     rsp_fault         1: the walk faulted, rsp_evt/s2/class/addr/record/ttrnw describe the
//                       event; 0: rsp_leaf is valid
//     rsp_evt           EVT_F_WALK_EABT, EVT_F_TRANSLATION, EVT_F_ADDR_SIZE, EVT_F_ACCESS,
//                       EVT_F_PERMISSION (defensively EVT_F_TRANSLATION, not recorded, for a
//                       request with neither stage enabled)
//     rsp_s2, rsp_class event S2 and CLASS (EVT_CLASS_*)
//     rsp_addr          the FetchAddr (PA of the aborting descriptor) for F_WALK_EABT; the IPA
//                       for stage-2 translation-related faults (TT: the stage-1 descriptor's
//                       IPA, IN: the IPA being translated); 0 for stage-1 faults (IPA UNKNOWN)
//     rsp_record        write the event: F_WALK_EABT always; stage-1 translation-related
//                       faults iff CD.R; stage-2 ones iff STE.S2R (7.3, 5.5)
//     rsp_ttrnw         TTRnW: 1 (a descriptor read) whenever S2 = 1 and CLASS = TT
//     rsp_leaf          the leaf bundle (smmu_leaf.vh). OA is the page/block base of the
//                       translation's size (bits below the size are 0); size (log2 bytes)
//                       is the smaller of the two stages when nested; S1ATTR is the RAW CD.MAIR byte chosen
//                       by AttrIndx (smmu_attr applies the 5.4 reserved-encoding rules);
//                       S1AP/PXN/UXN have APTable/PXNTable/UXNTable folded in unless HADx.
//     rsp_reads         descriptor reads this walk made (fault or not): nested 4 x 4 = 24
//   s2_req_*/s2_rsp_*   stage-2 service (smmu_cfg, nested CD fetch): translate s2_req_ipa
//                       under s2_req_sctx as a Data read, CLASS = CD (S2PTW Device check
//                       applies). s2_rsp_pa is the PA of s2_req_ipa itself (offset kept;
//                       on a fault it repeats s2_rsp_addr, which smmu_cfg relies on);
//                       s2_rsp_memattr/s2_rsp_sh are the stage-2 leaf's MemAttr and SH so the
//                       fetch can combine S1CIR/S1COR/S1CSH with them (smmu_attr). A fault:
//                       s2_rsp_evt with S2 = 1, CLASS = CD implied; s2_rsp_addr = FetchAddr
//                       for F_WALK_EABT, else the CD IPA; s2_rsp_record as rsp_record.
//                       Requests are taken only when idle; the service wins a tie with
//                       wk_valid (never both in practice: smmu_cfg's fetch precedes the walk).
//   rd_*                one read client of smmu_mem_arb: single-beat (len 0) 8-byte reads;
//                       rd_last is not needed (one beat), rd_err is the abort.
//   busy                a walk or service is in flight (CMD_SYNC)
//
// Walk attributes (13.8): stage-1 descriptor reads use CD.IRx/ORx of the half, combined
// with the stage-2 leaf of the table address when nested; stage-2 descriptor reads use
// STE.S2IR0/S2OR0. AxCACHE comes from smmu_attr (its AMBA mapping: cacheable only when
// both levels end up write-back).
//
// Fault order (7.3.22, Arm ARM D8.2-D8.4): per level EABT, invalid, address size; at the leaf AF,
// then permission. Nested: each stage-1 descriptor IPA through stage 2 first; stage-1 AF and
// permission before the output IPA's stage-2 walk. Termination: every descriptor either
// ends the walk or moves one level down, and a level-3 descriptor cannot be a table, so a
// walk makes at most 4 (stage 1) x 5 + 4 reads; every read completes (the arbiter always
// delivers the beat).
module smmu_walker #(
    parameter PA_W    = 48,   // OAS (= IAS) in bits
    parameter FWB     = 1,    // IDR3.FWB
    parameter XNX     = 1,    // IDR3.XNX
    parameter HAD     = 1,    // IDR3.HAD: CD.HAD0/1 honoured
    parameter LEAF_BITS = 75, // must equal LEAF_W of smmu_leaf.vh (checked below)
    parameter SCTX_BITS = 121,  // must equal SCTX_W of smmu_ctx.vh (checked below)
    parameter S1CTX_BITS = 232  // must equal S1CTX_W of smmu_ctx.vh
) (
    input  wire                 clk,
    input  wire                 rst_n,

    input  wire                 wk_valid,
    output wire                 wk_ready,
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

    input  wire                 s2_req_valid,
    output wire                 s2_req_ready,
    input  wire [SCTX_BITS-1:0] s2_req_sctx,
    input  wire [63:0]          s2_req_ipa,
    output wire                 s2_rsp_valid,
    input  wire                 s2_rsp_ready,
    output wire                 s2_rsp_fault,
    output wire [7:0]           s2_rsp_evt,
    output wire [63:0]          s2_rsp_addr,
    output wire                 s2_rsp_record,
    output wire [63:0]          s2_rsp_pa,
    output wire [3:0]           s2_rsp_memattr,
    output wire [1:0]           s2_rsp_sh,
    output wire [4:0]           s2_rsp_reads,

    output wire                 rd_req_valid,
    input  wire                 rd_req_ready,
    output wire [PA_W-1:0]      rd_req_addr,
    output wire [7:0]           rd_req_len,
    output wire [3:0]           rd_req_cache,
    output wire [1:0]           rd_req_domain,   // AMBA AxDOMAIN of the read
    input  wire                 rd_valid,
    input  wire [63:0]          rd_data,
    input  wire                 rd_last,
    input  wire                 rd_err,

    // walk caches (smmu_walk_cache): a lookup (held until answered) at the start of a
    // stage-1 walk and of every stage-2 sub-walk, its answer, and the fills of table
    // descriptors and stage-2 leaves that produced no fault. wc_inv: an invalidation or a
    // flush this cycle; a walk that overlapped one fills nothing.
    output wire                 wc_lk_valid,
    output wire                 wc_lk_s2,
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
    input  wire                 wc_rs_leaf_hit,
    input  wire [63:0]          wc_rs_desc,
    input  wire [1:0]           wc_rs_leaf_lvl,
    output wire                 wc_fl_valid,
    output wire [1:0]           wc_fl_kind,
    output wire [1:0]           wc_fl_lvl,
    output wire [PA_W-1:0]      wc_fl_tbl,
    output wire [1:0]           wc_fl_apt,
    output wire                 wc_fl_pxnt,
    output wire                 wc_fl_uxnt,
    output wire [63:0]          wc_fl_desc,
    input  wire                 wc_inv,

    output wire                 busy
);
    `include "smmu_regs.vh"
    `include "smmu_leaf.vh"
    `include "smmu_gran.vh"
    `include "smmu_ctx.vh"

    generate
        if (LEAF_BITS != LEAF_W) begin : g_leaf_bits_mismatch
            // Elaboration stops here: the port width disagrees with smmu_leaf.vh
            smmu_walker_LEAF_BITS_must_equal_LEAF_W u_err ();
        end
        if (SCTX_BITS != SCTX_W || S1CTX_BITS != S1CTX_W) begin : g_ctx_bits_mismatch
            smmu_walker_CTX_BITS_must_equal_smmu_ctx_vh u_err ();
        end
    endgenerate

    localparam [3:0] ST_IDLE = 4'd0, ST_START = 4'd1, ST_RD_REQ = 4'd2, ST_RD_DATA = 4'd3,
                     ST_S1_EVAL = 4'd4, ST_S2_BEGIN = 4'd5, ST_S2_EVAL = 4'd6,
                     ST_RSP = 4'd7, ST_SVC_RSP = 4'd8, ST_WC1 = 4'd9, ST_WC2 = 4'd10;
    localparam [1:0] J_S1 = 2'd0, J_S2 = 2'd1, J_NEST = 2'd2, J_SVC = 2'd3;
    localparam [1:0] K_INVALID = 2'd0, K_TABLE = 2'd1;
    localparam [1:0] C_CD = EVT_CLASS_CD[1:0], C_TT = EVT_CLASS_TT[1:0],
                     C_IN = EVT_CLASS_IN[1:0];

    // Descriptor address: table base | index * 8. The index is the input address from the
    // level's shift (gran_lvl_shift) up: at the start level slb bits (the start table, or
    // the concatenated start tables at stage 2: up to 17 bits), below it the granule's
    // stride (9, 11, 13). Constant shifts per {granule, level}; the window is 17 bits.
    /* verilator lint_off UNUSEDSIGNAL */
    function [PA_W-1:0] desc_addr(input [PA_W-1:0] tbl, input [47:0] ia, input [1:0] g,
                                  input [1:0] lvl, input first, input [4:0] slb);
        reg [47:0] w;
        reg [16:0] m;
        begin
            case ({g, lvl})
                {GRAN_4K, 2'd0}:  w = ia >> 39;
                {GRAN_4K, 2'd1}:  w = ia >> 30;
                {GRAN_4K, 2'd2}:  w = ia >> 21;
                {GRAN_16K, 2'd0}: w = ia >> 47;
                {GRAN_16K, 2'd1}: w = ia >> 36;
                {GRAN_16K, 2'd2}: w = ia >> 25;
                {GRAN_16K, 2'd3}: w = ia >> 14;
                {GRAN_64K, 2'd1}: w = ia >> 42;
                {GRAN_64K, 2'd2}: w = ia >> 29;
                {GRAN_64K, 2'd3}: w = ia >> 16;
                default:          w = ia >> 12;   // 4 KB level 3 (64 KB level 0: none)
            endcase
            m = first ? ((17'd1 << slb) - 17'd1) : ~({17{1'b1}} << gran_stride(g));
            desc_addr = tbl | {{(PA_W - 20){1'b0}}, w[16:0] & m, 3'b000};
        end
    endfunction
    /* verilator lint_on UNUSEDSIGNAL */

    // IRx/ORx walk cacheability (00 NC, 01 WB RA WA, 10 WT RA, 11 WB RA no-WA) as a
    // MAIR-format byte for smmu_attr
    function [3:0] wnib(input [1:0] c);
        case (c)
            2'b00:   wnib = 4'h4;
            2'b01:   wnib = 4'hf;
            2'b10:   wnib = 4'ha;
            default: wnib = 4'he;
        endcase
    endfunction

    // ---------------- request registers
    reg  [3:0]      state;
    reg  [1:0]      job;
    // the context fields the walk uses (the stream's, and the stage-1 ones), in the order
    // of the d_* / c_* aliases below
    // (the VMID and ASID tag the walk caches' entries)
    localparam WS_W = 1 + 1 + 2 + 2 + 2 + 2 + 1 + 7 + 2 + 2 + 5 + PA_W + 6 + 1 + 1 + 1 +
                      2 + 2 + 2 + 16;
    localparam W1_W = 2 + 2 + 2 + 2 + 4 + 4 + PA_W + PA_W + 2 + 2 + 2 + 2 + 2 + 2 + 1 + 1 +
                      6 + 1 + 1 + 1 + 1 + 64 + 16;
    function [WS_W-1:0] ws_pick(input [SCTX_W-1:0] x);
        ws_pick = {x[SCTX_S1_EN_LSB], x[SCTX_S2_EN_LSB], x[SCTX_WORLD_LSB +: SCTX_WORLD_W],
                   x[SCTX_S1CIR_LSB +: SCTX_S1CIR_W], x[SCTX_S1COR_LSB +: SCTX_S1COR_W],
                   x[SCTX_S1CSH_LSB +: SCTX_S1CSH_W], x[SCTX_S2FWB_LSB],
                   x[SCTX_S2IAS_LSB +: SCTX_S2IAS_W], x[SCTX_S2TG_LSB +: SCTX_S2TG_W],
                   x[SCTX_S2SL_LSB +: SCTX_S2SL_W], x[SCTX_S2SLB_LSB +: SCTX_S2SLB_W],
                   x[SCTX_S2TTB_LSB +: PA_W], x[SCTX_S2PS_LSB +: SCTX_S2PS_W],
                   x[SCTX_S2AFFD_LSB], x[SCTX_S2PTW_LSB], x[SCTX_S2R_LSB],
                   x[SCTX_S2IR0_LSB +: SCTX_S2IR0_W], x[SCTX_S2OR0_LSB +: SCTX_S2OR0_W],
                   x[SCTX_S2SH0_LSB +: SCTX_S2SH0_W], x[SCTX_VMID_LSB +: SCTX_VMID_W]};
    endfunction
    function [W1_W-1:0] w1_pick(input [S1CTX_W-1:0] x);
        w1_pick = {x[S1CTX_T0SL_LSB +: S1CTX_T0SL_W], x[S1CTX_T1SL_LSB +: S1CTX_T1SL_W],
                   x[S1CTX_T0TG_LSB +: S1CTX_T0TG_W], x[S1CTX_T1TG_LSB +: S1CTX_T1TG_W],
                   x[S1CTX_T0SLB_LSB +: S1CTX_T0SLB_W], x[S1CTX_T1SLB_LSB +: S1CTX_T1SLB_W],
                   x[S1CTX_TTB0_LSB +: PA_W], x[S1CTX_TTB1_LSB +: PA_W],
                   x[S1CTX_IR0_LSB +: S1CTX_IR0_W], x[S1CTX_OR0_LSB +: S1CTX_OR0_W],
                   x[S1CTX_IR1_LSB +: S1CTX_IR1_W], x[S1CTX_OR1_LSB +: S1CTX_OR1_W],
                   x[S1CTX_SH0_LSB +: S1CTX_SH0_W], x[S1CTX_SH1_LSB +: S1CTX_SH1_W],
                   x[S1CTX_HAD0_LSB], x[S1CTX_HAD1_LSB], x[S1CTX_IPS_LSB +: S1CTX_IPS_W],
                   x[S1CTX_AFFD_LSB], x[S1CTX_WXN_LSB], x[S1CTX_PAN_LSB], x[S1CTX_R_LSB],
                   x[S1CTX_MAIR_LSB +: S1CTX_MAIR_W], x[S1CTX_ASID_LSB +: S1CTX_ASID_W]};
    endfunction
    reg  [WS_W-1:0] sctx_q;          // the stream context's fields
    reg  [W1_W-1:0] s1ctx_q;         // the stage-1 context's fields
    reg  [63:0]     va_r;
    reg             rnw_r, priv_r, instr_r;
    reg  [4:0]      reads;

    // ---------------- the held context's fields, under the decoders' output names
    wire            d_s1_en, d_s2_en, d_s2fwb, d_s2affd, d_s2ptw, d_s2r;
    wire [1:0]      d_world, d_s1cir, d_s1cor, d_s1csh, d_s2_sl, d_s2ir0, d_s2or0, d_s2sh0;
    wire [6:0]      d_s2_ias;
    wire [1:0]      d_s2_tg;
    wire [4:0]      d_s2_sl_bits;
    wire [PA_W-1:0] d_s2_ttb;
    wire [5:0]      d_s2_ps_bits;
    wire [15:0]     d_vmid;
    assign {d_s1_en, d_s2_en, d_world, d_s1cir, d_s1cor, d_s1csh, d_s2fwb, d_s2_ias, d_s2_tg,
            d_s2_sl, d_s2_sl_bits, d_s2_ttb, d_s2_ps_bits, d_s2affd, d_s2ptw, d_s2r, d_s2ir0,
            d_s2or0, d_s2sh0, d_vmid} = sctx_q;

    wire [1:0]      c_t0_sl, c_t1_sl, c_ir0, c_or0, c_ir1, c_or1, c_sh0, c_sh1;
    wire [1:0]      c_t0_tg, c_t1_tg;
    wire [3:0]      c_t0_slb, c_t1_slb;
    wire [PA_W-1:0] c_ttb0, c_ttb1;
    wire            c_had0, c_had1, c_affd, c_wxn, c_pan, c_r;
    wire [5:0]      c_ips_bits;
    wire [63:0]     c_mair;
    wire [15:0]     c_asid;
    assign {c_t0_sl, c_t1_sl, c_t0_tg, c_t1_tg, c_t0_slb, c_t1_slb, c_ttb0, c_ttb1, c_ir0,
            c_or0, c_ir1, c_or1, c_sh0, c_sh1, c_had0, c_had1, c_ips_bits, c_affd, c_wxn,
            c_pan, c_r, c_mair, c_asid} = s1ctx_q;

    // ---------------- walk state
    // Stage 1: the table (a PA, or an IPA when nested), level, hierarchical bits so far
    reg             half;            // VA[55]: TTB1
    reg  [PA_W-1:0] s1_tbl;
    reg  [1:0]      s1_lvl;
    reg             s1_first;
    reg  [1:0]      apt;
    reg             pxnt, uxnt;
    // Stage-1 leaf as the bundle wants it
    reg  [PA_W-1:0] s1_oa;
    reg  [5:0]      s1_size;
    reg  [7:0]      s1_mair;
    reg  [1:0]      s1_sh, s1_ap;
    reg             s1_pxn, s1_uxn, s1_ng;
    // Stage-2 sub-walk: its input, class, table, level; then the leaf
    reg  [63:0]     s2_ipa;
    reg  [1:0]      s2_cls;
    reg  [PA_W-1:0] s2_tbl;
    reg  [1:0]      s2_lvl;
    reg             s2_first;
    reg  [PA_W-1:0] s2_oa;
    reg  [5:0]      s2_size;
    reg  [3:0]      s2_memattr;
    reg  [1:0]      s2_sh, s2_ap, s2_xn;
    // The read: stage-2 descriptor, or stage-1 descriptor (at s2_oa when nested)
    reg             rd_s2;
    reg             via_s2;
    reg  [PA_W-1:0] rd_addr_q;       // FetchAddr of the read in flight / just done
    reg  [63:0]     desc;
    reg             desc_err;
    // Result
    reg             f_fault;
    reg  [7:0]      f_evt;
    reg             f_s2;
    reg  [1:0]      f_cls;
    reg  [63:0]     f_addr;
    reg             f_rec;
    // Walk caches: the S2_EVAL descriptor came from the stage-2 leaf cache (not read, not
    // filled again); an invalidation or flush happened since the walk was accepted
    reg             inj;
    reg             raced;

    wire            nested = (job == J_NEST);
    wire            had_x  = (HAD != 0) && (half ? c_had1 : c_had0);
    wire [3:0]      s1_slb = half ? c_t1_slb : c_t0_slb;
    wire [1:0]      s1_g   = half ? c_t1_tg : c_t0_tg;    // the stage-1 half's granule

    // ---------------- one descriptor decoder, at the stage of the read just done
    wire            dd_s2 = (state == ST_S2_EVAL);
    wire [1:0]      dd_kind, dd_ap, dd_sh, dd_s2ap, dd_s2xn, dd_ap_table;
    wire [5:0]      dd_size;
    wire [PA_W-1:0] dd_next, dd_oa;
    wire            dd_addr_fault, dd_af, dd_ng, dd_pxn, dd_uxn, dd_pxn_table, dd_uxn_table;
    wire [2:0]      dd_attr_indx;
    wire [3:0]      dd_memattr;
    /* verilator lint_off PINCONNECTEMPTY */
    smmu_desc_decode #(.PA_W(PA_W)) u_desc (
        .desc(desc), .level(dd_s2 ? s2_lvl : s1_lvl), .gran(dd_s2 ? d_s2_tg : s1_g),
        .stage2(dd_s2),
        .oa_bits(dd_s2 ? d_s2_ps_bits : c_ips_bits),
        .ia(dd_s2 ? s2_ipa[47:0] : va_r[47:0]),
        .kind(dd_kind), .next_table(dd_next), .oa(dd_oa), .leaf_size(dd_size),
        .addr_fault(dd_addr_fault), .attr_indx(dd_attr_indx), .ap(dd_ap), .sh(dd_sh),
        .af(dd_af), .ng(dd_ng), .contig(), .pxn(dd_pxn), .uxn(dd_uxn),
        .s2_memattr(dd_memattr), .s2ap(dd_s2ap), .s2xn(dd_s2xn),
        .pxn_table(dd_pxn_table), .uxn_table(dd_uxn_table), .ap_table(dd_ap_table));
    /* verilator lint_on PINCONNECTEMPTY */

    // ---------------- access flag and permission of the leaf just read. Stage-2 accesses
    // for a stage-1 table or the CD are Data reads (TTRnW = 1); the final IPA uses the
    // transaction's own properties.
    wire            pc_s2_acc = dd_s2 && (s2_cls == C_IN);
    wire            pc_rnw    = dd_s2 && !pc_s2_acc ? 1'b1 : rnw_r;
    wire            pc_instr  = dd_s2 && !pc_s2_acc ? 1'b0 : instr_r;
    wire            pc_af_fault, pc_perm_fault;
    smmu_perm_check #(.XNX(XNX)) u_perm (
        .stage2(dd_s2), .rnw(pc_rnw), .priv(priv_r), .instr(pc_instr), .world(d_world),
        .ap(dd_ap), .pxn(dd_pxn), .uxn(dd_uxn), .ap_table(apt), .pxn_table(pxnt),
        .uxn_table(uxnt), .had(had_x), .pan(c_pan), .wxn(c_wxn), .s2ap(dd_s2ap),
        .s2xn(dd_s2xn), .af(dd_af), .affd(dd_s2 ? d_s2affd : c_affd),
        .af_fault(pc_af_fault), .perm_fault(pc_perm_fault));

    // ---------------- walk attributes. One smmu_attr serves two uses:
    //  - in ST_S2_EVAL, the S2PTW check: is the stage-2 leaf just read Device for the
    //    table/CD access (Normal walk attribute combined with it)?
    //  - otherwise, AxCACHE of the read being requested: stage-2 walk (S2IR0/S2OR0),
    //    stage-1 walk (CD IRx/ORx), combined with the table address's stage-2 leaf if nested.
    wire [1:0]      w_ir = half ? c_ir1 : c_ir0;
    wire [1:0]      w_or = half ? c_or1 : c_or0;
    wire [7:0]      a_s1walk = {wnib(w_or), wnib(w_ir)};
    // STE.S1C*R (§5.2): 11 is WB no-RA there, as smmu_cfg reads it
    wire [7:0]      a_cd     = {(d_s1cor == 2'b11) ? 4'hd : wnib(d_s1cor),
                                (d_s1cir == 2'b11) ? 4'hd : wnib(d_s1cir)};
    wire [7:0]      a_s2walk = {wnib(d_s2or0), wnib(d_s2ir0)};
    wire [7:0]      a_in     = dd_s2  ? ((s2_cls == C_CD) ? a_cd : a_s1walk) :
                               rd_s2  ? a_s2walk : a_s1walk;
    // and its shareability: the CD's walk SHx, STE.S1CSH for the CD, STE.S2SH0
    wire [1:0]      w_sh     = half ? c_sh1 : c_sh0;
    wire [1:0]      a_sh_in  = dd_s2  ? ((s2_cls == C_CD) ? d_s1csh : w_sh) :
                               rd_s2  ? d_s2sh0 : w_sh;
    wire            a_s2_en  = dd_s2 || (!rd_s2 && via_s2);
    wire [7:0]      a_out;
    wire [3:0]      a_cache;
    /* verilator lint_off PINCONNECTEMPTY */
    smmu_attr #(.FWB(FWB)) u_attr (
        .s1_en(1'b0), .s2_en(a_s2_en), .s2fwb(d_s2fwb), .is_read(1'b1),
        .in_attr(a_in), .in_sh(a_sh_in), .s1_mair(8'h00), .s1_sh(2'b00),
        .s2_memattr(dd_s2 ? dd_memattr : s2_memattr), .s2_sh(dd_s2 ? dd_sh : s2_sh),
        .nosnoop(1'b0), .canwbs(1'b0),
        .out_attr(a_out), .out_sh(), .out_cache(a_cache), .out_domain(rd_req_domain));
    /* verilator lint_on PINCONNECTEMPTY */
    wire            s2_dev_walk = (a_out[7:4] == 4'h0);

    // ---------------- read client
    assign rd_req_valid = (state == ST_RD_REQ);
    assign rd_req_addr  = rd_s2  ? desc_addr(s2_tbl, s2_ipa[47:0], d_s2_tg, s2_lvl, s2_first,
                                             d_s2_sl_bits) :
                          via_s2 ? s2_oa :
                                   desc_addr(s1_tbl, va_r[47:0], s1_g, s1_lvl, s1_first,
                                             {1'b0, s1_slb});
    assign rd_req_len   = 8'd0;
    assign rd_req_cache = a_cache;

    // Next stage-1 descriptor address for a table just read (nested: its IPA)
    wire [PA_W-1:0] s1_next_da = desc_addr(dd_next, va_r[47:0], s1_g, s1_lvl + 2'd1, 1'b0,
                                           5'd0);
    wire [1:0]      s1_start_lvl = va_r[55] ? c_t1_sl : c_t0_sl;
    wire [PA_W-1:0] s1_first_da  = desc_addr(va_r[55] ? c_ttb1 : c_ttb0, va_r[47:0],
                                             va_r[55] ? c_t1_tg : c_t0_tg, s1_start_lvl, 1'b1,
                                             {1'b0, va_r[55] ? c_t1_slb : c_t0_slb});
    wire [63:0]     s2_ias_hi  = s2_ipa >> d_s2_ias;
    // the stage-1 descriptor address (nested: IPA) where a walk-cache hit resumes
    wire [PA_W-1:0] wc_resume_da = desc_addr(wc_rs_tbl, va_r[47:0], s1_g, wc_rs_lvl, 1'b0,
                                             5'd0);

    // ---------------- walk caches: the key (stage 1: this walk's VA; stage 2: the IPA of
    // the sub-walk) and the fills
    wire            wc_s2 = (state == ST_WC2) || (state == ST_S2_EVAL);
    assign wc_lk_valid  = (state == ST_WC1) || (state == ST_WC2);
    assign wc_lk_s2     = wc_s2;
    assign wc_key_world = d_world;
    assign wc_key_nest  = nested;
    assign wc_key_vmid  = d_vmid;
    assign wc_key_asid  = c_asid;
    assign wc_key_gran  = wc_s2 ? d_s2_tg : s1_g;
    assign wc_key_half  = half;
    assign wc_key_ia    = wc_s2 ? s2_ipa[47:12] : va_r[47:12];
    wire            dd_good  = !desc_err && dd_kind != K_INVALID && !dd_addr_fault;
    wire            fl_s1t   = (state == ST_S1_EVAL) && dd_good && dd_kind == K_TABLE;
    wire            fl_s2t   = (state == ST_S2_EVAL) && dd_good && dd_kind == K_TABLE;
    wire            fl_s2l   = (state == ST_S2_EVAL) && dd_good && dd_kind != K_TABLE &&
                               !inj && !pc_af_fault && !pc_perm_fault &&
                               !(s2_cls != C_IN && d_s2ptw && s2_dev_walk);
    assign wc_fl_valid  = (fl_s1t || fl_s2t || fl_s2l) && !raced && !wc_inv;
    assign wc_fl_kind   = fl_s1t ? 2'd0 : fl_s2t ? 2'd1 : 2'd2;
    assign wc_fl_lvl    = fl_s1t ? s1_lvl + 2'd1 : fl_s2t ? s2_lvl + 2'd1 : s2_lvl;
    assign wc_fl_tbl    = dd_next;
    assign wc_fl_apt    = apt | dd_ap_table;
    assign wc_fl_pxnt   = pxnt | dd_pxn_table;
    assign wc_fl_uxnt   = uxnt | dd_uxn_table;
    assign wc_fl_desc   = desc;

    // ---------------- FSM
    wire            acc_svc  = (state == ST_IDLE) && s2_req_valid;
    wire            acc_main = (state == ST_IDLE) && !s2_req_valid && wk_valid;
    assign s2_req_ready = (state == ST_IDLE);
    assign wk_ready     = (state == ST_IDLE) && !s2_req_valid;
    assign busy         = (state != ST_IDLE);

    // End the walk with a fault
    task fault(input [7:0] evt, input s2, input [1:0] cls, input [63:0] addr,
                         input rec);
        begin
            f_fault <= 1'b1;
            f_evt   <= evt;
            f_s2    <= s2;
            f_cls   <= cls;
            f_addr  <= addr;
            f_rec   <= rec;
            state   <= (job == J_SVC) ? ST_SVC_RSP : ST_RSP;
        end
    endtask

    always @(posedge clk) begin
        if (!rst_n) begin
            state      <= ST_IDLE;
            job        <= J_S1;
            sctx_q     <= {WS_W{1'b0}};
            s1ctx_q    <= {W1_W{1'b0}};
            va_r       <= 64'd0;
            rnw_r      <= 1'b0;
            priv_r     <= 1'b0;
            instr_r    <= 1'b0;
            reads      <= 5'd0;
            half       <= 1'b0;
            s1_tbl     <= {PA_W{1'b0}};
            s1_lvl     <= 2'd0;
            s1_first   <= 1'b0;
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
            s2_tbl     <= {PA_W{1'b0}};
            s2_lvl     <= 2'd0;
            s2_first   <= 1'b0;
            s2_oa      <= {PA_W{1'b0}};
            s2_size    <= 6'd12;
            s2_memattr <= 4'd0;
            s2_sh      <= 2'd0;
            s2_ap      <= 2'd0;
            s2_xn      <= 2'd0;
            rd_s2      <= 1'b0;
            via_s2     <= 1'b0;
            rd_addr_q  <= {PA_W{1'b0}};
            desc       <= 64'd0;
            desc_err   <= 1'b0;
            f_fault    <= 1'b0;
            f_evt      <= 8'd0;
            f_s2       <= 1'b0;
            f_cls      <= 2'd0;
            f_addr     <= 64'd0;
            f_rec      <= 1'b0;
            inj        <= 1'b0;
            raced      <= 1'b0;
        end else begin
            if (wc_inv)
                raced <= 1'b1;
            case (state)
                ST_IDLE: begin
                    reads   <= 5'd0;
                    f_fault <= 1'b0;
                    rd_s2   <= 1'b0;
                    via_s2  <= 1'b0;
                    apt     <= 2'b00;
                    pxnt    <= 1'b0;
                    uxnt    <= 1'b0;
                    inj     <= 1'b0;
                    raced   <= wc_inv;
                    if (acc_svc) begin
                        job    <= J_SVC;
                        sctx_q <= ws_pick(s2_req_sctx);
                        s2_ipa <= s2_req_ipa;
                        s2_cls <= C_CD;
                        state  <= ST_S2_BEGIN;
                    end else if (acc_main) begin
                        job     <= J_S1;     // refined in ST_START; not J_SVC from before
                        sctx_q  <= ws_pick(wk_sctx);
                        s1ctx_q <= w1_pick(wk_s1ctx);
                        va_r    <= wk_addr;
                        rnw_r   <= wk_rnw;
                        priv_r  <= wk_priv;
                        instr_r <= wk_instr;
                        state   <= ST_START;
                    end
                end

                // The held context: pick the path and the first table
                ST_START: begin
                    if (d_s1_en) begin
                        job      <= d_s2_en ? J_NEST : J_S1;
                        half     <= va_r[55];
                        s1_tbl   <= va_r[55] ? c_ttb1 : c_ttb0;
                        s1_lvl   <= s1_start_lvl;
                        s1_first <= 1'b1;
                        if (d_s2_en) begin
                            s2_ipa <= {{(64 - PA_W){1'b0}}, s1_first_da};
                            s2_cls <= C_TT;
                        end
                        state    <= ST_WC1;
                    end else if (d_s2_en) begin
                        job    <= J_S2;
                        s2_ipa <= va_r;
                        s2_cls <= C_IN;
                        state  <= ST_S2_BEGIN;
                    end else begin
                        fault(EVT_F_TRANSLATION, 1'b0, C_IN, 64'd0, 1'b0);
                    end
                end

                // Stage-1 walk cache: resume below the deepest table descriptor held for
                // this VA (nested: its next descriptor's IPA goes through stage 2 first)
                ST_WC1: if (wc_rs_valid) begin
                    if (wc_rs_tbl_hit) begin
                        s1_tbl   <= wc_rs_tbl;
                        s1_lvl   <= wc_rs_lvl;
                        s1_first <= 1'b0;
                        apt      <= wc_rs_apt;
                        pxnt     <= wc_rs_pxnt;
                        uxnt     <= wc_rs_uxnt;
                        if (nested)
                            s2_ipa <= {{(64 - PA_W){1'b0}}, wc_resume_da};
                    end
                    state <= nested ? ST_S2_BEGIN : ST_RD_REQ;
                end

                // Stage-2 caches: a leaf of this IPA's page is evaluated as if just read;
                // else resume below the deepest table descriptor held; else walk from
                // S2TTB
                ST_WC2: if (wc_rs_valid) begin
                    if (wc_rs_leaf_hit) begin
                        desc     <= wc_rs_desc;
                        desc_err <= 1'b0;
                        s2_lvl   <= wc_rs_leaf_lvl;
                        inj      <= 1'b1;
                        state    <= ST_S2_EVAL;
                    end else begin
                        if (wc_rs_tbl_hit) begin
                            s2_tbl   <= wc_rs_tbl;
                            s2_lvl   <= wc_rs_lvl;
                            s2_first <= 1'b0;
                        end
                        state <= ST_RD_REQ;
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
                    state    <= rd_s2 ? ST_S2_EVAL : ST_S1_EVAL;
                end

                ST_S1_EVAL: begin
                    if (desc_err) begin
                        fault(EVT_F_WALK_EABT, 1'b0, C_TT,
                              {{(64 - PA_W){1'b0}}, rd_addr_q}, 1'b1);
                    end else if (dd_kind == K_INVALID) begin
                        fault(EVT_F_TRANSLATION, 1'b0, C_IN, 64'd0, c_r);
                    end else if (dd_addr_fault) begin
                        fault(EVT_F_ADDR_SIZE, 1'b0, C_IN, 64'd0, c_r);
                    end else if (dd_kind == K_TABLE) begin
                        apt      <= apt | dd_ap_table;
                        pxnt     <= pxnt | dd_pxn_table;
                        uxnt     <= uxnt | dd_uxn_table;
                        s1_tbl   <= dd_next;
                        s1_lvl   <= s1_lvl + 2'd1;
                        s1_first <= 1'b0;
                        if (nested) begin
                            s2_ipa <= {{(64 - PA_W){1'b0}}, s1_next_da};
                            s2_cls <= C_TT;
                            state  <= ST_S2_BEGIN;
                        end else begin
                            state  <= ST_RD_REQ;
                        end
                    end else begin
                        // Leaf: keep what the bundle needs, then AF and permission
                        s1_oa   <= dd_oa;
                        s1_size <= dd_size;
                        s1_mair <= c_mair[{dd_attr_indx, 3'b000} +: 8];
                        s1_sh   <= dd_sh;
                        s1_ap   <= {dd_ap[1] | (!had_x & apt[1]),
                                    dd_ap[0] & !(!had_x & apt[0])};
                        s1_pxn  <= dd_pxn | (!had_x & pxnt);
                        s1_uxn  <= dd_uxn | (!had_x & uxnt);
                        s1_ng   <= dd_ng;
                        if (pc_af_fault) begin
                            fault(EVT_F_ACCESS, 1'b0, C_IN, 64'd0, c_r);
                        end else if (pc_perm_fault) begin
                            fault(EVT_F_PERMISSION, 1'b0, C_IN, 64'd0, c_r);
                        end else if (nested) begin
                            s2_ipa <= {{(64 - PA_W){1'b0}}, dd_oa};
                            s2_cls <= C_IN;
                            state  <= ST_S2_BEGIN;
                        end else begin
                            state  <= ST_RSP;
                        end
                    end
                end

                // Stage-2 sub-walk of s2_ipa for class s2_cls: the IAS check, then the
                // walk caches (ST_WC2)
                ST_S2_BEGIN: begin
                    if (s2_ias_hi != 64'd0) begin
                        fault(EVT_F_TRANSLATION, 1'b1, s2_cls, s2_ipa, d_s2r);
                    end else begin
                        s2_tbl   <= d_s2_ttb;
                        s2_lvl   <= d_s2_sl;
                        s2_first <= 1'b1;
                        rd_s2    <= 1'b1;
                        state    <= ST_WC2;
                    end
                end

                ST_S2_EVAL: begin
                    if (desc_err) begin
                        fault(EVT_F_WALK_EABT, 1'b1, s2_cls,
                              {{(64 - PA_W){1'b0}}, rd_addr_q}, 1'b1);
                    end else if (dd_kind == K_INVALID) begin
                        fault(EVT_F_TRANSLATION, 1'b1, s2_cls, s2_ipa, d_s2r);
                    end else if (dd_addr_fault) begin
                        fault(EVT_F_ADDR_SIZE, 1'b1, s2_cls, s2_ipa, d_s2r);
                    end else if (dd_kind == K_TABLE) begin
                        s2_tbl   <= dd_next;
                        s2_lvl   <= s2_lvl + 2'd1;
                        s2_first <= 1'b0;
                        state    <= ST_RD_REQ;
                    end else begin
                        s2_oa      <= dd_oa;
                        s2_size    <= dd_size;
                        s2_memattr <= dd_memattr;
                        s2_sh      <= dd_sh;
                        s2_ap      <= dd_s2ap;
                        s2_xn      <= dd_s2xn;
                        if (pc_af_fault) begin
                            fault(EVT_F_ACCESS, 1'b1, s2_cls, s2_ipa, d_s2r);
                        end else if (pc_perm_fault ||
                                     (s2_cls != C_IN && d_s2ptw && s2_dev_walk)) begin
                            fault(EVT_F_PERMISSION, 1'b1, s2_cls, s2_ipa, d_s2r);
                        end else if (s2_cls == C_TT) begin
                            rd_s2  <= 1'b0;      // now the stage-1 descriptor at s2_oa
                            via_s2 <= 1'b1;
                            state  <= ST_RD_REQ;
                        end else begin
                            state  <= (job == J_SVC) ? ST_SVC_RSP : ST_RSP;
                        end
                    end
                end

                ST_RSP:     if (rsp_ready) state <= ST_IDLE;
                ST_SVC_RSP: if (s2_rsp_ready) state <= ST_IDLE;
                default:    state <= ST_IDLE;
            endcase
        end
    end

    // ---------------- results
    wire [5:0]      fin_size = (job == J_S1) ? s1_size :
                               (job == J_S2) ? s2_size :
                               (s1_size < s2_size) ? s1_size : s2_size;
    wire [PA_W-1:0] fin_pa   = (job == J_S1) ? s1_oa : s2_oa;
    wire [55:0]     fin_56   = {{(56 - PA_W){1'b0}}, fin_pa} & ~leaf_off_mask(fin_size);

    reg [LEAF_W-1:0] leaf;
    always @* begin
        leaf = {LEAF_W{1'b0}};
        leaf[LEAF_OA_LSB +: LEAF_OA_W]               = fin_56[55:12];
        leaf[LEAF_SIZE_LSB +: LEAF_SIZE_W]           = fin_size;
        leaf[LEAF_S1ATTR_LSB +: LEAF_S1ATTR_W]       = s1_mair;
        leaf[LEAF_S1SH_LSB +: LEAF_S1SH_W]           = s1_sh;
        leaf[LEAF_S2MEMATTR_LSB +: LEAF_S2MEMATTR_W] = s2_memattr;
        leaf[LEAF_S2SH_LSB +: LEAF_S2SH_W]           = s2_sh;
        leaf[LEAF_S1AP_LSB +: LEAF_S1AP_W]           = s1_ap;
        leaf[LEAF_S1PXN_LSB]                         = s1_pxn;
        leaf[LEAF_S1UXN_LSB]                         = s1_uxn;
        leaf[LEAF_NG_LSB]                            = s1_ng;
        leaf[LEAF_S2AP_LSB +: LEAF_S2AP_W]           = s2_ap;
        leaf[LEAF_S2XN_LSB +: LEAF_S2XN_W]           = s2_xn;
    end

    assign rsp_valid  = (state == ST_RSP);
    assign rsp_fault  = f_fault;
    assign rsp_evt    = f_evt;
    assign rsp_s2     = f_s2;
    assign rsp_class  = f_cls;
    assign rsp_addr   = f_addr;
    assign rsp_record = f_rec;
    assign rsp_ttrnw  = f_s2 && (f_cls == C_TT);
    assign rsp_leaf   = leaf;
    assign rsp_reads  = reads;

    assign s2_rsp_valid   = (state == ST_SVC_RSP);
    assign s2_rsp_fault   = f_fault;
    assign s2_rsp_evt     = f_evt;
    assign s2_rsp_addr    = f_addr;
    assign s2_rsp_record  = f_rec;
    assign s2_rsp_pa      = f_fault ? f_addr : {{(64 - PA_W){1'b0}}, s2_oa};
    assign s2_rsp_memattr = s2_memattr;
    assign s2_rsp_sh      = s2_sh;
    assign s2_rsp_reads   = reads;

    // rd_last: every read is one beat. VA/IPA bits above 48 only feed the range check;
    // context fields the walker does not use are for the caller (smmu_xlate's B stage).
    /* verilator lint_off UNUSEDSIGNAL */
    wire unused_ok = &{1'b0, rd_last, a_out[3:0], fin_56[11:0], wk_sctx, wk_s1ctx,
                       s2_req_sctx};
    /* verilator lint_on UNUSEDSIGNAL */
endmodule
