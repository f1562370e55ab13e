// smmu_xlate: the translation unit for SMMUEN = 1 (docs/translation.md; IHI 0070 3.3, 3.4,
// 5.2, 5.4, 7.3, 13). Many translations in flight, answered by tag in any order: hits
// overtake walks, and NWALK walks proceed at once, their stage-2 walks on NS2WALK shared
// stage-2 walk units.
//
//   A  accept   a request is taken together with its configuration lookup (smmu_cfg:
//               pipelined on hits, one miss at a time)
//   B  look up  the configuration answer comes decoded (smmu_cfg's typed stream and
//               stage-1 contexts, smmu_ctx.vh; nothing is decoded here); PRIVCFG/INSTCFG;
//               the STE-bypass output-size check, the stage-1 range check (TxSZ, TBI,
//               EPD, VA[55]) or the stage-2-only IAS check; the TLB lookup
//               with the permissions re-checked for this access; all of it registered
//               into C with the contexts (the lookup and the decision are a cycle each,
//               so neither the TLB compare nor the configuration answer is on the path
//               of the decision and its back-pressure)
//   C  decide   a configuration fault, an input fault, a bypass or a good hit goes to F;
//               everything else (a miss, or a hit that fails its permission check, for
//               which the walk produces the exact fault and record) starts a walk on a
//               free walker, or parks
//   W  walk     NWALK smmu_s1_walker units (stage-1 walks; a stage-2-only stream's walk
//               is their stage-2 request), each with the request's registers beside it
//               (its tag, what F needs); NS2WALK smmu_s2_walker units behind smmu_s2_arb
//               (round robin) serve the stage-1 units' stage-2 requests (table IPAs,
//               output IPA, stage-2-only input) and smmu_cfg's nested CD address; all
//               share smmu_walk_cache (stage-1 tables, stage-2 tables and leaves)
//   F  finish   one result per cycle, finished walks first: PA and attributes (smmu_attr.vh)
//               and the response, a TLB fill for a walk, or for a fault the event record
//               handed to the event queue in the cycle the response goes
// A miss on a page a walker is already walking for the same stream (same StreamID, SSV
// and input page) does not start a second walk: it parks (NPARK entries) until that walk
// ends, then leaves the park through a one-entry register and goes through A, B and C again
// ahead of new requests, where it normally hits the entry the walk filled (a walk that
// faulted or raced an invalidation fills nothing: the replay then walks for itself, so each
// transaction still gets its own answer and record).
// C waits only when it has no room: F busy with a walk result, every walker busy for a
// walk, or the park full for a miss that would park; B's answer then goes to C's one-entry
// skid, and B waits (holding the configuration answer and with it the next lookup) only
// while the skid is full. A miss C holds while it waits is not
// looked up again: if the walk that fills its page ends meanwhile, it walks for itself.
//
// A fault's response never goes before its event record is taken, so the record of an
// aborted transaction is queued before a CMD_SYNC that follows can complete. A TLB fill
// happens only for a walk during which no invalidation (inv_fire) or flush happened,
// counted from the request's acceptance; the client port asks again for any translation
// an invalidation may have overtaken.
//
// Request (req_*, taken when req_ready): tag, rnw, sid, ssv, ssid (carried into event
//   records only: IDR1.SSIDSIZE = 0), addr (64 bits as presented),
//   prot (AxPROT), cache (AxCACHE), domain (SH encoding: 0 NSH, 2 OSH, 3 ISH), nosnoop
//   (raw; canwbs qualifies it here).
// Response (rsp_*, one cycle, always taken): tag; ok 1: forward to pa with cache/prot/
//   domain (AMBA AxDOMAIN)/attr (MAIR byte); 0: abort (SLVERR), nothing goes downstream.
module smmu_xlate #(
    parameter SID_W     = 16,
    parameter SSID_W    = 20,   // SubstreamID bits carried (1..20)
    parameter PA_W      = 48,
    parameter FWB       = 1,
    parameter XNX       = 1,
    parameter HAD       = 1,    // IDR3.HAD: CD.HAD0/1 honoured by the walkers
    parameter TAG_W     = 7,
    parameter NWALK     = 8,    // walks in flight (stage-1 walk units)
    parameter NS2WALK   = 6,    // stage-2 walk units (smmu_s2_walker), shared
    parameter NPARK     = 8,    // misses waiting for a walk of their page
    parameter WC_S1     = 16,   // stage-1 walk-cache entries (smmu_walk_cache)
    parameter WC_S2     = 16,   // stage-2 walk-cache entries, and stage-2 leaf entries
    parameter LEAF_BITS = 75,   // must equal LEAF_W of smmu_leaf.vh
    parameter SCTX_BITS = 121,  // must equal SCTX_W of smmu_ctx.vh
    parameter S1CTX_BITS = 232  // must equal S1CTX_W of smmu_ctx.vh
) (
    input  wire                   clk,
    input  wire                   rst_n,
    input  wire                   canwbs,
    input  wire                   flush,

    // client side
    input  wire                   req_valid,
    output wire                   req_ready,
    input  wire [TAG_W-1:0]       req_tag,
    input  wire                   req_rnw,
    input  wire [SID_W-1:0]       req_sid,
    input  wire                   req_ssv,
    input  wire [SSID_W-1:0]      req_ssid,
    input  wire [63:0]            req_addr,
    input  wire [2:0]             req_prot,
    input  wire [3:0]             req_cache,
    input  wire [1:0]             req_domain,
    input  wire                   req_nosnoop,
    output wire                   rsp_valid,
    output wire [TAG_W-1:0]       rsp_tag,
    output wire                   rsp_ok,
    output wire [PA_W-1:0]        rsp_pa,
    output wire [3:0]             rsp_cache,
    output wire [2:0]             rsp_prot,
    output wire [1:0]             rsp_domain,
    output wire [7:0]             rsp_attr,

    // smmu_cfg
    output wire                   cfg_lk_valid,
    input  wire                   cfg_lk_ready,
    output wire [SID_W-1:0]       cfg_lk_sid,
    output wire                   cfg_lk_ssv,
    output wire [SSID_W-1:0]      cfg_lk_ssid,
    input  wire                   cfg_rsp_valid,
    output wire                   cfg_rsp_ready,
    input  wire                   cfg_rsp_ok,
    input  wire [SCTX_BITS-1:0]   cfg_rsp_sctx,
    input  wire [S1CTX_BITS-1:0]  cfg_rsp_s1ctx,
    input  wire [7:0]             cfg_rsp_evt,
    input  wire                   cfg_rsp_s2,
    input  wire [1:0]             cfg_rsp_class,
    input  wire [63:0]            cfg_rsp_addr,
    input  wire                   cfg_rsp_record,

    // smmu_cfg's stage-2 service (nested CD address): a requester of smmu_s2_arb
    input  wire                   s2_req_valid,
    output wire                   s2_req_ready,
    input  wire [SCTX_BITS-1:0]   s2_req_sctx,
    input  wire [63:0]            s2_req_ipa,
    output wire                   s2_rsp_valid,
    input  wire                   s2_rsp_ready,
    output wire                   s2_rsp_fault,
    output wire [7:0]             s2_rsp_evt,
    output wire [63:0]            s2_rsp_addr,
    output wire                   s2_rsp_record,
    output wire [63:0]            s2_rsp_pa,
    output wire [3:0]             s2_rsp_memattr,
    output wire [1:0]             s2_rsp_sh,

    // the walk units' table reads: NWALK + NS2WALK read clients of smmu_mem_arb (the
    // stage-1 units first)
    output wire [NWALK+NS2WALK-1:0]      rd_req_valid,
    input  wire [NWALK+NS2WALK-1:0]      rd_req_ready,
    output wire [(NWALK+NS2WALK)*PA_W-1:0] rd_req_addr,
    output wire [(NWALK+NS2WALK)*8-1:0]  rd_req_len,
    output wire [(NWALK+NS2WALK)*4-1:0]  rd_req_cache,
    output wire [(NWALK+NS2WALK)*2-1:0]  rd_req_domain,
    input  wire [NWALK+NS2WALK-1:0]      rd_valid,
    input  wire [63:0]            rd_data,
    input  wire                   rd_last,
    input  wire                   rd_err,

    // smmu_tlb: lookup (B) and fill (F)
    output wire [1:0]             tlb_world,
    output wire [1:0]             tlb_stages,
    output wire [15:0]            tlb_vmid,
    output wire [15:0]            tlb_asid,
    output wire [43:0]            tlb_page,
    output wire [1:0]             tlb_gran,
    input  wire                   tlb_hit,
    input  wire [LEAF_BITS-1:0]   tlb_leaf,
    output wire                   tlb_fill_valid,
    output wire [1:0]             tlb_fill_world,
    output wire [1:0]             tlb_fill_stages,
    output wire [15:0]            tlb_fill_vmid,
    output wire [15:0]            tlb_fill_asid,
    output wire [43:0]            tlb_fill_page,
    output wire [1:0]             tlb_fill_gran,
    output wire [LEAF_BITS-1:0]   tlb_fill_leaf,

    // the shared invalidation handshake (observed only) and its command (the walk caches
    // apply its scope)
    input  wire                   inv_fire,
    input  wire [127:0]           inv_cmd,

    // event queue
    output wire                   evt_valid,
    input  wire                   evt_ready,
    output wire [211:0]           evt_evd,  // event description (EVD_W, smmu_evt.vh)

    output wire                   busy,
    output wire [NWALK-1:0]       walks,    // walks in flight (for tests and the counters)

    // performance events (smmu_pmcg, IHI 0070 10.3): a TLB miss (C decides a walk, or to
    // wait for one, for a request that is not a replay), with its StreamID; the request A
    // accepts now is a replay (its configuration lookup is not a new one); the StreamID
    // each read client (rd_*) reads for, valid while it reads, or rd_cfg: it reads for
    // smmu_cfg's CD address (whose StreamID smmu_cfg has)
    output wire                   ev_tlb_miss,
    output wire [SID_W-1:0]       ev_tlb_sid,
    output wire                   lk_replay,
    output wire [(NWALK+NS2WALK)*SID_W-1:0] wk_sid,
    output wire [NWALK+NS2WALK-1:0] rd_cfg
);
    `include "smmu_regs.vh"
    `include "smmu_leaf.vh"
    `include "smmu_evt.vh"
    `include "smmu_ctx.vh"
    `include "smmu_gran.vh"
    `include "smmu_walk.vh"
    `include "smmu_amba.vh"
    `include "smmu_attr.vh"
    `include "smmu_bypass_attr.vh"

    generate
        if (LEAF_BITS != LEAF_W) begin : g_leaf_bits_mismatch
            smmu_xlate_LEAF_BITS_must_equal_LEAF_W u_err ();
        end
        if (SCTX_BITS != SCTX_W || S1CTX_BITS != S1CTX_W) begin : g_ctx_bits_mismatch
            smmu_xlate_CTX_BITS_must_equal_smmu_ctx_vh u_err ();
        end
    endgenerate

    localparam WI = (NWALK <= 2) ? 1 : $clog2(NWALK);
    localparam WI_P = WI;
    localparam [1:0] C_IN = EVT_CLASS_IN[1:0];
    localparam [1:0] W_EL2 = 2'd1;

    integer i, pk, wp, ws, pr, wl; // one loop variable per always block (else two drivers)

    // What F needs of a request besides its outcome: the access, the attribute inputs
    // (STE overrides and stages), and the TLB fill key.
    //   {tag, sid, ssv, ssid, rnw, addr, prot, cache, domain, nosnoop, priv, instr,
    //    s1_en, s2_en, s2fwb, mtcfg, memattr, alloccfg, shcfg, privcfg, instcfg,
    //    world, vmid, asid, granule}
    localparam CTX_W = TAG_W + SID_W + 1 + SSID_W + 1 + 64 + 3 + 4 + 2 + 1 + 1 + 1 +
                       1 + 1 + 1 + 1 + 4 + 4 + 2 + 2 + 2 + 2 + 16 + 16 + 2;

    // ---------------- A: accept with the configuration lookup ----------------
    // A request's fields as they travel: {tag, rnw, sid, ssv, ssid, addr, prot, cache,
    // domain, nosnoop}
    localparam RQ_W = TAG_W + 1 + SID_W + 1 + SSID_W + 64 + 3 + 4 + 2 + 1;
    reg              b_v_q, b_rnw_q, b_ssv_q, b_nosnoop_q, b_raced_q;
    reg              b_rp_q;          // B's request is a replay from the park
    reg [TAG_W-1:0]  b_tag_q;
    reg [SID_W-1:0]  b_sid_q;
    reg [SSID_W-1:0] b_ssid_q;
    reg [63:0]       b_addr_q;
    reg              b_oas_q;         // the address is beyond the OAS (= IAS)
    reg [2:0]        b_prot_q;
    reg [3:0]        b_cache_q;
    reg [1:0]        b_domain_q;
    wire             b_go;            // B's request moves on (to C) this cycle
    wire             a_room = !b_v_q || b_go;

    // the park: misses waiting for a walk of their page (p_wait_q: until walker p_wk_q
    // hands its result to F; then they replay, lowest entry first)
    localparam PI = (NPARK <= 2) ? 1 : $clog2(NPARK);
    reg  [NPARK-1:0] p_v_q, p_wait_q;
    reg  [WI_P-1:0]  p_wk_q  [0:NPARK-1];
    reg  [RQ_W-1:0]  p_rq_q  [0:NPARK-1];
    reg  [PI-1:0]    rp_pick, pf_pick;
    reg              rp_any, pf_any;
    always @* begin
        rp_pick = {PI{1'b0}};
        rp_any  = 1'b0;
        pf_pick = {PI{1'b0}};
        pf_any  = 1'b0;
        for (pk = NPARK - 1; pk >= 0; pk = pk - 1) begin
            if (p_v_q[pk] && !p_wait_q[pk]) begin
                rp_pick = pk[PI-1:0];
                rp_any  = 1'b1;
            end
            if (!p_v_q[pk]) begin
                pf_pick = pk[PI-1:0];
                pf_any  = 1'b1;
            end
        end
    end
    // The next replay leaves the park through a register (r_*): A then chooses between two
    // registers' worth of request (the replay's, the client port's) and the park's pick and
    // table read are a cycle of their own, off the path into smmu_cfg's lookup. The
    // register is loaded when empty or when A takes it; A takes a replay first, else a
    // new request.
    reg              r_v_q;
    reg  [RQ_W-1:0]  r_rq_q;
    wire             r_load = rp_any && (!r_v_q || rp_go);
    wire [RQ_W-1:0] new_rq = {req_tag, req_rnw, req_sid, req_ssv, req_ssid, req_addr,
                              req_prot, req_cache, req_domain, req_nosnoop};
    wire [RQ_W-1:0] a_rq   = r_v_q ? r_rq_q : new_rq;
    wire [TAG_W-1:0] a_tag;
    wire             a_rnw, a_ssv, a_nosnoop;
    wire [SID_W-1:0] a_sid;
    wire [SSID_W-1:0] a_ssid;
    wire [63:0]      a_addr;
    wire [2:0]       a_prot;
    wire [3:0]       a_cache;
    wire [1:0]       a_domain;
    assign {a_tag, a_rnw, a_sid, a_ssv, a_ssid, a_addr, a_prot, a_cache, a_domain,
            a_nosnoop} = a_rq;
    wire   a_valid      = r_v_q || req_valid;
    assign cfg_lk_valid = a_valid && a_room;
    assign cfg_lk_sid   = a_sid;
    assign cfg_lk_ssv   = a_ssv;
    assign cfg_lk_ssid  = a_ssid;
    assign req_ready    = cfg_lk_ready && a_room && !r_v_q;
    wire   acc          = a_valid && cfg_lk_ready && a_room;
    wire   rp_go        = acc && r_v_q;           // A takes the replay register's request

    // ---------------- B: decide ----------------
    // the fields of the configuration answer's contexts that B and F use
    wire            d_s1_en   = cfg_rsp_sctx[SCTX_S1_EN_LSB];
    wire            d_s2_en   = cfg_rsp_sctx[SCTX_S2_EN_LSB];
    wire            d_s2fwb   = cfg_rsp_sctx[SCTX_S2FWB_LSB];
    wire            d_mtcfg   = cfg_rsp_sctx[SCTX_MTCFG_LSB];
    wire [1:0]      d_world   = cfg_rsp_sctx[SCTX_WORLD_LSB +: SCTX_WORLD_W];
    wire [1:0]      d_shcfg   = cfg_rsp_sctx[SCTX_SHCFG_LSB +: SCTX_SHCFG_W];
    wire [1:0]      d_privcfg = cfg_rsp_sctx[SCTX_PRIVCFG_LSB +: SCTX_PRIVCFG_W];
    wire [1:0]      d_instcfg = cfg_rsp_sctx[SCTX_INSTCFG_LSB +: SCTX_INSTCFG_W];
    wire [3:0]      d_memattr = cfg_rsp_sctx[SCTX_MEMATTR_LSB +: SCTX_MEMATTR_W];
    wire [3:0]      d_alloccfg = cfg_rsp_sctx[SCTX_ALLOCCFG_LSB +: SCTX_ALLOCCFG_W];
    wire [15:0]     d_vmid    = cfg_rsp_sctx[SCTX_VMID_LSB +: SCTX_VMID_W];
    wire [1:0]      d_s2_tg   = cfg_rsp_sctx[SCTX_S2TG_LSB +: SCTX_S2TG_W];

    wire            c_t0_en   = cfg_rsp_s1ctx[S1CTX_T0_EN_LSB];
    wire            c_t1_en   = cfg_rsp_s1ctx[S1CTX_T1_EN_LSB];
    wire            c_tbi0    = cfg_rsp_s1ctx[S1CTX_TBI0_LSB];
    wire            c_tbi1    = cfg_rsp_s1ctx[S1CTX_TBI1_LSB];
    wire            c_wxn     = cfg_rsp_s1ctx[S1CTX_WXN_LSB];
    wire            c_pan     = cfg_rsp_s1ctx[S1CTX_PAN_LSB];
    wire            c_r       = cfg_rsp_s1ctx[S1CTX_R_LSB];
    wire [5:0]      c_t0_sz   = cfg_rsp_s1ctx[S1CTX_T0SZ_LSB +: S1CTX_T0SZ_W];
    wire [5:0]      c_t1_sz   = cfg_rsp_s1ctx[S1CTX_T1SZ_LSB +: S1CTX_T1SZ_W];
    wire [15:0]     c_asid    = cfg_rsp_s1ctx[S1CTX_ASID_LSB +: S1CTX_ASID_W];
    wire [1:0]      c_t0_tg   = cfg_rsp_s1ctx[S1CTX_T0TG_LSB +: S1CTX_T0TG_W];
    wire [1:0]      c_t1_tg   = cfg_rsp_s1ctx[S1CTX_T1TG_LSB +: S1CTX_T1TG_W];

    // access properties after PRIVCFG / INSTCFG (13.1.2); the decode reads the reserved
    // and "use incoming" encodings as 0
    wire b_priv  = d_privcfg[1] ? d_privcfg[0] : b_prot_q[0];
    wire b_instr = b_rnw_q && (d_instcfg[1] ? d_instcfg[0] : b_prot_q[2]);

    // input checks (3.4, 3.4.1)
    wire oas_over = b_oas_q;                          // beyond the OAS (= IAS)
    // Stage-1 range: VA[55] picks the half (EL2 has TTB0 only: VA[55] must be 0 there);
    // VA[top:64-TxSZ] must all equal the half bit, top = 55 with TBI else 63. A half
    // disabled by EPDx faults the same way. The checked bits are the top TxSZ (a shift of
    // ones by TxSZ: no 64 - TxSZ adder on the path), without VA[63:56] under TBI.
    wire        el2    = (d_world == W_EL2);
    wire        half   = !el2 && b_addr_q[55];
    wire [5:0]  tsz    = half ? c_t1_sz : c_t0_sz;
    wire        tbi    = half ? c_tbi1 : c_tbi0;
    wire        h_en   = half ? c_t1_en : c_t0_en;
    wire [63:0] hi_msk = ~(~64'd0 >> tsz) & (tbi ? {8'h00, {56{1'b1}}} : ~64'd0);
    wire        rng_bad = !h_en || ((b_addr_q ^ {64{half}}) & hi_msk) != 64'd0;

    // TLB lookup and the permission re-check of a hit
    assign tlb_world  = d_world;
    assign tlb_stages = {d_s2_en, d_s1_en};
    assign tlb_vmid   = d_vmid;
    assign tlb_asid   = c_asid;
    assign tlb_page   = b_addr_q[55:12];
    // the granule TLB entries are kept in: the half's at stage 1, S2TG at stage 2, the
    // smaller one nested (no leaf of either stage is smaller)
    wire [1:0]  s1_gran = half ? c_t1_tg : c_t0_tg;
    wire [1:0]  b_gran  = !d_s1_en ? d_s2_tg : !d_s2_en ? s1_gran :
                          (s1_gran < d_s2_tg) ? s1_gran : d_s2_tg;
    assign tlb_gran   = b_gran;

    wire h1_af, h1_perm, h2_af, h2_perm;
    // The leaf's AP/PXN/UXN have the table bits folded in; AF was good when it was filled.
    smmu_perm_check #(.XNX(XNX)) u_hit_s1 (
        .stage2(1'b0), .rnw(b_rnw_q), .priv(b_priv), .instr(b_instr), .world(d_world),
        .ap(tlb_leaf[LEAF_S1AP_LSB +: LEAF_S1AP_W]), .pxn(tlb_leaf[LEAF_S1PXN_LSB]),
        .uxn(tlb_leaf[LEAF_S1UXN_LSB]), .ap_table(2'b00), .pxn_table(1'b0),
        .uxn_table(1'b0), .had(1'b1), .pan(c_pan), .wxn(c_wxn), .s2ap(2'b00),
        .s2xn(2'b00), .af(1'b1), .affd(1'b0), .af_fault(h1_af), .perm_fault(h1_perm));
    smmu_perm_check #(.XNX(XNX)) u_hit_s2 (
        .stage2(1'b1), .rnw(b_rnw_q), .priv(b_priv), .instr(b_instr), .world(d_world),
        .ap(2'b00), .pxn(1'b0), .uxn(1'b0), .ap_table(2'b00), .pxn_table(1'b0),
        .uxn_table(1'b0), .had(1'b1), .pan(1'b0), .wxn(1'b0),
        .s2ap(tlb_leaf[LEAF_S2AP_LSB +: LEAF_S2AP_W]),
        .s2xn(tlb_leaf[LEAF_S2XN_LSB +: LEAF_S2XN_W]), .af(1'b1), .affd(1'b0),
        .af_fault(h2_af), .perm_fault(h2_perm));
    wire hit_ok = tlb_hit && !(d_s1_en && (h1_af || h1_perm)) &&
                  !(d_s2_en && (h2_af || h2_perm));

    // B's outcome (decided in C)
    wire byp      = !d_s1_en && !d_s2_en;
    wire b_cfgf   = !cfg_rsp_ok;                                  // configuration fault
    wire b_in_f   = cfg_rsp_ok && ((byp && oas_over) || (d_s1_en && rng_bad) ||
                                   (!byp && !d_s1_en && oas_over));
    wire b_done   = b_cfgf || b_in_f || byp || hit_ok;            // F without a walk
    wire b_rdy    = b_v_q && cfg_rsp_valid;                       // B holds its answer

    // B's fault description
    reg  [7:0]  b_ev_type;
    reg  [1:0]  b_ev_cls;
    reg         b_ev_s2, b_ev_rec;
    reg  [63:0] b_ev_addr;
    always @* begin
        b_ev_type = 8'd0;
        b_ev_cls  = C_IN;
        b_ev_s2   = 1'b0;
        b_ev_rec  = 1'b0;
        b_ev_addr = 64'd0;
        if (b_cfgf) begin
            b_ev_type = cfg_rsp_evt;
            b_ev_s2   = cfg_rsp_s2;
            b_ev_cls  = cfg_rsp_class;
            b_ev_addr = cfg_rsp_addr;
            b_ev_rec  = cfg_rsp_evt != 8'd0 && cfg_rsp_record;
        end else if (byp || !d_s1_en) begin
            // STE bypass beyond the OAS, or stage 1 bypassed beyond the IAS: a stage-1
            // F_ADDR_SIZE, recorded (no CD.R to consult)
            b_ev_type = EVT_F_ADDR_SIZE;
            b_ev_rec  = 1'b1;
        end else begin
            b_ev_type = EVT_F_TRANSLATION;
            b_ev_rec  = c_r;
        end
    end

    wire [CTX_W-1:0] b_ctx = {b_tag_q, b_sid_q, b_ssv_q, b_ssid_q, b_rnw_q, b_addr_q,
                              b_prot_q, b_cache_q, b_domain_q, b_nosnoop_q, b_priv, b_instr,
                              d_s1_en, d_s2_en, d_s2fwb, d_mtcfg, d_memattr, d_alloccfg,
                              d_shcfg, d_privcfg, d_instcfg, d_world, d_vmid, c_asid,
                              b_gran};

    // ---------------- C: decide ----------------
    // C's entry: B's outcome, the request and its contexts (for a walk), registered.
    //   {done, ok, byp, rp, ctx, sctx, s1ctx, leaf, ev_type, ev_s2, ev_cls, ev_addr,
    //    ev_rec}
    localparam CE_W = 4 + CTX_W + SCTX_BITS + S1CTX_BITS + LEAF_W + 8 + 1 + 2 + 64 + 1;
    wire [CE_W-1:0] b_ce = {b_done, cfg_rsp_ok && !b_in_f, cfg_rsp_ok && byp, b_rp_q, b_ctx,
                            cfg_rsp_sctx, cfg_rsp_s1ctx, tlb_leaf, b_ev_type, b_ev_s2,
                            b_ev_cls, b_ev_addr, b_ev_rec};
    // C and its skid (below) are one two-entry queue: B's answer is written into the free
    // entry, C is the head entry, and C moving on flips the head pointer. The entries'
    // write enables come from registers and B's go; C's own decision (c_go, behind the
    // walk results and F) drives only the pointer and the two valid flags. (With C a
    // register of its own, c_go was the clock enable of all of C's bits: the longest
    // routed net of the ECP5 placement.)
    reg                  c_v_q;           // C holds an entry (the head)
    reg [CE_W-1:0]       e0_q, e1_q;      // the two entries
    reg [1:0]            e_raced_q;
    reg                  hd_q;            // the entry C is
    wire [CE_W-1:0]      c_q       = hd_q ? e1_q : e0_q;
    wire                 c_raced_q = e_raced_q[hd_q];
    wire                 c_done_q, c_ok_q, c_byp_q, c_rp_q;
    wire [CTX_W-1:0]     c_ctx_q;
    wire [SCTX_BITS-1:0] c_sctx_q;
    wire [S1CTX_BITS-1:0] c_s1ctx_q;
    wire [LEAF_W-1:0]    c_leaf_q;
    wire [7:0]           c_ev_type_q;
    wire [1:0]           c_ev_cls_q;
    wire                 c_ev_s2_q, c_ev_rec_q;
    wire [63:0]          c_ev_addr_q;
    assign {c_done_q, c_ok_q, c_byp_q, c_rp_q, c_ctx_q, c_sctx_q, c_s1ctx_q, c_leaf_q,
            c_ev_type_q, c_ev_s2_q, c_ev_cls_q, c_ev_addr_q, c_ev_rec_q} = c_q;
    wire                 c_go;            // C's request moves on this cycle
    // C's skid (the queue's entry after C): B's answer goes there when C is full and does
    // not move on, and C takes it next. B's go then depends on the skid's registered valid, not
    // on C's decision (which depends on the walk results F takes first): the
    // back-pressure chain from the walk units through F, C, B and smmu_cfg into the
    // client port is cut here. Neither throughput nor a hit's latency changes: the skid
    // only fills in a cycle C cannot take B's answer, and empties in the next cycle C
    // moves.
    reg                  cs_v_q;          // the skid holds an entry (the one after C)
    wire                 e_tl = hd_q ^ c_v_q;    // the free entry, when !cs_v_q
    assign b_go = b_rdy && !cs_v_q;
    // C's fields (the layout of b_ctx)
    wire [TAG_W-1:0]     c_tag;
    wire [SID_W-1:0]     c_sid;
    wire                 c_ssv, c_rnw, c_nosnoop, c_priv, c_instr;
    wire [SSID_W-1:0]    c_ssid;
    wire [63:0]          c_addr;
    wire [2:0]           c_prot;
    wire [3:0]           c_cache;
    wire [1:0]           c_domain;
    /* verilator lint_off UNUSEDSIGNAL */  // what C passes on without looking at
    wire [CTX_W-TAG_W-SID_W-SSID_W-79:0] c_rest;
    /* verilator lint_on UNUSEDSIGNAL */
    assign {c_tag, c_sid, c_ssv, c_ssid, c_rnw, c_addr, c_prot, c_cache, c_domain,
            c_nosnoop, c_priv, c_instr, c_rest} = c_ctx_q;

    // ---------------- W: walkers ----------------
    reg  [NWALK-1:0]  w_busy_q;              // a walk's request is here
    reg  [NWALK-1:0]  w_raced_q;
    reg  [SID_W-1:0]  w_sid_q  [0:NWALK-1];  // what it walks: stream and input page
    reg  [NWALK-1:0]  w_ssv_q;
    reg  [51:0]       w_page_q [0:NWALK-1];
    reg  [CTX_W-1:0]  w_ctx_q [0:NWALK-1];
    wire [NWALK-1:0]  wk_ready, wk_rsp_valid, wk_rsp_fault, wk_rsp_s2, wk_rsp_record,
                      wk_rsp_ttrnw, wk_busy;
    wire [NWALK*8-1:0]        wk_rsp_evt;
    wire [NWALK*2-1:0]        wk_rsp_class;
    wire [NWALK*64-1:0]       wk_rsp_addr;
    wire [NWALK*LEAF_W-1:0]   wk_rsp_leaf;
    reg  [NWALK-1:0]  wk_rsp_ready;

    // the free walker C would start (lowest index)
    reg [WI-1:0] w_pick;
    reg          w_any;
    always @* begin
        w_pick = {WI{1'b0}};
        w_any  = 1'b0;
        for (wp = NWALK - 1; wp >= 0; wp = wp - 1)
            if (!w_busy_q[wp] && wk_ready[wp]) begin
                w_pick = wp[WI-1:0];
                w_any  = 1'b1;
            end
    end
    // a walker already walking this page for this stream
    reg [WI-1:0] w_same;
    reg          w_same_any;
    always @* begin
        w_same     = {WI{1'b0}};
        w_same_any = 1'b0;
        for (ws = NWALK - 1; ws >= 0; ws = ws - 1)
            // (not one handing its result to F now: its waiters are released this cycle)
            if (w_busy_q[ws] && !(w_to_f && wf_pick == ws[WI-1:0]) &&
                w_sid_q[ws] == c_sid && w_ssv_q[ws] == c_ssv &&
                w_page_q[ws] == c_addr[63:12]) begin
                w_same     = ws[WI-1:0];
                w_same_any = 1'b1;
            end
    end
    wire c_miss = c_v_q && !c_done_q;
    wire c_park = c_miss && w_same_any && pf_any;           // waits for that walk
    wire c_walk = c_miss && !c_park && w_any;              // a walk starts this cycle

    // ---------------- the walk units, the stage-2 arbiter, the walk caches
    // Read clients and walk-cache ports: 0..NWALK-1 the stage-1 units, NWALK.. the
    // stage-2 units. Arbiter requesters: 0..NWALK-1 the stage-1 units, NWALK smmu_cfg.
    localparam NRC = NWALK + NS2WALK;
    localparam NRQ = NWALK + 1;
    localparam RQI = (NRQ <= 2) ? 1 : $clog2(NRQ);
    localparam [1:0] C_CD = EVT_CLASS_CD[1:0];
    wire [NRC-1:0]        wc_lk_valid, wc_lk_s2, wc_key_nest, wc_key_half, wc_rs_valid;
    wire [NRC*2-1:0]      wc_key_world, wc_key_gran, wc_fl_kind, wc_fl_lvl, wc_fl_apt;
    wire [NRC*16-1:0]     wc_key_vmid, wc_key_asid;
    wire [NRC*36-1:0]     wc_key_ia;
    wire [NRC-1:0]        wc_fl_valid, wc_fl_pxnt, wc_fl_uxnt;
    wire [NRC*PA_W-1:0]   wc_fl_tbl;
    wire [NRC*64-1:0]     wc_fl_desc;
    wire                  wc_rs_tbl_hit, wc_rs_pxnt, wc_rs_uxnt, wc_rs_leaf_hit;
    wire [1:0]            wc_rs_lvl, wc_rs_apt, wc_rs_leaf_lvl;
    wire [PA_W-1:0]       wc_rs_tbl;
    wire [63:0]           wc_rs_desc;
    smmu_walk_cache #(.NP(NRC), .PA_W(PA_W), .S1_ENTRIES(WC_S1), .S2_ENTRIES(WC_S2))
    u_walk_cache (
        .clk(clk), .rst_n(rst_n),
        .lk_valid(wc_lk_valid), .lk_s2(wc_lk_s2), .key_world(wc_key_world),
        .key_nest(wc_key_nest), .key_vmid(wc_key_vmid), .key_asid(wc_key_asid),
        .key_gran(wc_key_gran), .key_half(wc_key_half), .key_ia(wc_key_ia),
        .rs_valid(wc_rs_valid), .rs_tbl_hit(wc_rs_tbl_hit), .rs_lvl(wc_rs_lvl),
        .rs_tbl(wc_rs_tbl), .rs_apt(wc_rs_apt), .rs_pxnt(wc_rs_pxnt), .rs_uxnt(wc_rs_uxnt),
        .rs_leaf_hit(wc_rs_leaf_hit), .rs_desc(wc_rs_desc), .rs_leaf_lvl(wc_rs_leaf_lvl),
        .fl_valid(wc_fl_valid), .fl_kind(wc_fl_kind), .fl_lvl(wc_fl_lvl),
        .fl_tbl(wc_fl_tbl), .fl_apt(wc_fl_apt), .fl_pxnt(wc_fl_pxnt), .fl_uxnt(wc_fl_uxnt),
        .fl_desc(wc_fl_desc),
        .inv_fire(inv_fire), .inv_cmd(inv_cmd), .flush(flush));

    // the stage-2 service: requests and answers of the arbiter's requesters and servers
    wire [NRQ-1:0]        q_valid, q_ready, r_valid, r_ready;
    wire [NRQ*S2Q_W-1:0]  q_data;
    wire [S2R_W-1:0]      r_data;          // the answer bus (to the one r_valid)
    wire [NS2WALK-1:0]    sq_valid, sq_ready, sr_valid, sr_ready, s2_busy, s2_act;
    wire [S2Q_W-1:0]      sq_data;
    wire [NS2WALK*S2R_W-1:0] sr_data;
    wire [NS2WALK*RQI-1:0] s2_own;
    smmu_s2_arb #(.NREQ(NRQ), .NSRV(NS2WALK), .QW(S2Q_W), .RW(S2R_W)) u_s2_arb (
        .clk(clk), .rst_n(rst_n),
        .req_valid(q_valid), .req_ready(q_ready), .req(q_data),
        .rsp_valid(r_valid), .rsp_ready(r_ready), .rsp(r_data),
        .srv_req_valid(sq_valid), .srv_req_ready(sq_ready), .srv_req(sq_data),
        .srv_rsp_valid(sr_valid), .srv_rsp_ready(sr_ready), .srv_rsp(sr_data),
        .act(s2_act), .own(s2_own));

    // smmu_cfg's CD address: a Data read, CLASS = CD (the S2PTW check uses S1CIR/S1COR)
    assign q_valid[NWALK] = s2_req_valid;
    assign s2_req_ready   = q_ready[NWALK];
    assign q_data[NWALK*S2Q_W +: S2Q_W] = {ws2_pick(s2_req_sctx), s2_req_ipa, C_CD, 1'b1,
                                           1'b0, 1'b0, 8'd0, 2'd0};
    wire [5:0]       cd_size;
    wire [1:0]       cd_ap, cd_xn;
    wire [4:0]       cd_reads;
    // the PA of the CD address itself; on a fault the fault's address (smmu_cfg relies on
    // it): the answer's one address field
    assign {s2_rsp_fault, s2_rsp_evt, s2_rsp_addr, s2_rsp_record, cd_size, s2_rsp_memattr,
            s2_rsp_sh, cd_ap, cd_xn, cd_reads} = r_data;
    assign s2_rsp_pa      = s2_rsp_addr;
    assign s2_rsp_valid   = r_valid[NWALK];
    assign r_ready[NWALK] = s2_rsp_ready;

    genvar gw;
    generate
        for (gw = 0; gw < NWALK; gw = gw + 1) begin : g_walk
            wire [4:0]  reads_unused;
            smmu_s1_walker #(.PA_W(PA_W), .FWB(FWB), .XNX(XNX), .HAD(HAD),
                             .LEAF_BITS(LEAF_W), .SCTX_BITS(SCTX_W),
                             .S1CTX_BITS(S1CTX_W), .Q_BITS(S2Q_W), .R_BITS(S2R_W)) u_walker (
                .clk(clk), .rst_n(rst_n),
                .wk_valid(c_walk && w_pick == gw), .wk_ready(wk_ready[gw]), .wk_load(c_miss),
                .wk_sctx(c_sctx_q), .wk_s1ctx(c_s1ctx_q),
                .wk_addr(c_addr), .wk_rnw(c_rnw), .wk_priv(c_priv),
                .wk_instr(c_instr),
                .rsp_valid(wk_rsp_valid[gw]), .rsp_ready(wk_rsp_ready[gw]),
                .rsp_fault(wk_rsp_fault[gw]), .rsp_evt(wk_rsp_evt[gw*8 +: 8]),
                .rsp_s2(wk_rsp_s2[gw]), .rsp_class(wk_rsp_class[gw*2 +: 2]),
                .rsp_addr(wk_rsp_addr[gw*64 +: 64]), .rsp_record(wk_rsp_record[gw]),
                .rsp_ttrnw(wk_rsp_ttrnw[gw]), .rsp_leaf(wk_rsp_leaf[gw*LEAF_W +: LEAF_W]),
                .rsp_reads(reads_unused),
                .s2q_valid(q_valid[gw]), .s2q_ready(q_ready[gw]),
                .s2q(q_data[gw*S2Q_W +: S2Q_W]),
                .s2r_valid(r_valid[gw]), .s2r_ready(r_ready[gw]),
                .s2r(r_data),
                .rd_req_valid(rd_req_valid[gw]), .rd_req_ready(rd_req_ready[gw]),
                .rd_req_addr(rd_req_addr[gw*PA_W +: PA_W]), .rd_req_len(rd_req_len[gw*8 +: 8]),
                .rd_req_cache(rd_req_cache[gw*4 +: 4]),
                .rd_req_domain(rd_req_domain[gw*2 +: 2]),
                .rd_valid(rd_valid[gw]), .rd_data(rd_data), .rd_last(rd_last),
                .rd_err(rd_err),
                .wc_lk_valid(wc_lk_valid[gw]),
                .wc_key_world(wc_key_world[gw*2 +: 2]), .wc_key_nest(wc_key_nest[gw]),
                .wc_key_vmid(wc_key_vmid[gw*16 +: 16]), .wc_key_asid(wc_key_asid[gw*16 +: 16]),
                .wc_key_gran(wc_key_gran[gw*2 +: 2]), .wc_key_half(wc_key_half[gw]),
                .wc_key_ia(wc_key_ia[gw*36 +: 36]),
                .wc_rs_valid(wc_rs_valid[gw]), .wc_rs_tbl_hit(wc_rs_tbl_hit),
                .wc_rs_lvl(wc_rs_lvl), .wc_rs_tbl(wc_rs_tbl), .wc_rs_apt(wc_rs_apt),
                .wc_rs_pxnt(wc_rs_pxnt), .wc_rs_uxnt(wc_rs_uxnt),
                .wc_fl_valid(wc_fl_valid[gw]),
                .wc_fl_lvl(wc_fl_lvl[gw*2 +: 2]), .wc_fl_tbl(wc_fl_tbl[gw*PA_W +: PA_W]),
                .wc_fl_apt(wc_fl_apt[gw*2 +: 2]), .wc_fl_pxnt(wc_fl_pxnt[gw]),
                .wc_fl_uxnt(wc_fl_uxnt[gw]),
                .wc_inv(inv_fire || flush),
                .busy(wk_busy[gw]));
            assign wc_lk_s2[gw]            = 1'b0;
            assign wc_fl_kind[gw*2 +: 2]   = 2'd0;
            assign wc_fl_desc[gw*64 +: 64] = 64'd0;
            assign wk_sid[gw*SID_W +: SID_W] = w_sid_q[gw];
            assign rd_cfg[gw]              = 1'b0;
            /* verilator lint_off UNUSEDSIGNAL */
            wire unused_w = &{1'b0, reads_unused};
            /* verilator lint_on UNUSEDSIGNAL */
        end

        for (gw = 0; gw < NS2WALK; gw = gw + 1) begin : g_s2walk
            localparam P = NWALK + gw;    // its read client and walk-cache port
            wire [RQI-1:0] own = s2_own[gw*RQI +: RQI];
            smmu_s2_walker #(.PA_W(PA_W), .FWB(FWB), .XNX(XNX), .Q_BITS(S2Q_W),
                             .R_BITS(S2R_W)) u_s2_walker (
                .clk(clk), .rst_n(rst_n),
                .req_valid(sq_valid[gw]), .req_ready(sq_ready[gw]), .req(sq_data),
                .rsp_valid(sr_valid[gw]), .rsp_ready(sr_ready[gw]),
                .rsp(sr_data[gw*S2R_W +: S2R_W]),
                .rd_req_valid(rd_req_valid[P]), .rd_req_ready(rd_req_ready[P]),
                .rd_req_addr(rd_req_addr[P*PA_W +: PA_W]), .rd_req_len(rd_req_len[P*8 +: 8]),
                .rd_req_cache(rd_req_cache[P*4 +: 4]),
                .rd_req_domain(rd_req_domain[P*2 +: 2]),
                .rd_valid(rd_valid[P]), .rd_data(rd_data), .rd_last(rd_last),
                .rd_err(rd_err),
                .wc_lk_valid(wc_lk_valid[P]), .wc_key_vmid(wc_key_vmid[P*16 +: 16]),
                .wc_key_gran(wc_key_gran[P*2 +: 2]), .wc_key_ia(wc_key_ia[P*36 +: 36]),
                .wc_rs_valid(wc_rs_valid[P]), .wc_rs_tbl_hit(wc_rs_tbl_hit),
                .wc_rs_lvl(wc_rs_lvl), .wc_rs_tbl(wc_rs_tbl),
                .wc_rs_leaf_hit(wc_rs_leaf_hit), .wc_rs_desc(wc_rs_desc),
                .wc_rs_leaf_lvl(wc_rs_leaf_lvl),
                .wc_fl_valid(wc_fl_valid[P]), .wc_fl_kind(wc_fl_kind[P*2 +: 2]),
                .wc_fl_lvl(wc_fl_lvl[P*2 +: 2]), .wc_fl_tbl(wc_fl_tbl[P*PA_W +: PA_W]),
                .wc_fl_desc(wc_fl_desc[P*64 +: 64]),
                .wc_inv(inv_fire || flush),
                .busy(s2_busy[gw]));
            // the stage-1 cache's key and fill fields are not a stage-2 lookup's
            assign wc_lk_s2[P]             = 1'b1;
            assign wc_key_world[P*2 +: 2]  = 2'd0;
            assign wc_key_nest[P]          = 1'b0;
            assign wc_key_asid[P*16 +: 16] = 16'd0;
            assign wc_key_half[P]          = 1'b0;
            assign wc_fl_apt[P*2 +: 2]     = 2'd0;
            assign wc_fl_pxnt[P]           = 1'b0;
            assign wc_fl_uxnt[P]           = 1'b0;
            // it reads for the stream of the walk it serves, or for smmu_cfg
            assign rd_cfg[P]               = (own == NWALK[RQI-1:0]);
            assign wk_sid[P*SID_W +: SID_W] = (own == NWALK[RQI-1:0]) ? {SID_W{1'b0}} :
                                              w_sid_q[own[WI-1:0]];
        end
    endgenerate

    // ---------------- F: finish ----------------
    reg              f_v_q, f_ok_q, f_walk_q, f_raced_q, f_byp_q;
    reg [CTX_W-1:0]  f_ctx_q;
    reg [LEAF_W-1:0] f_leaf_q;
    reg [7:0]        f_ev_type_q;
    reg [1:0]        f_ev_cls_q;
    reg              f_ev_s2_q, f_ev_ttrnw_q, f_ev_rec_q;
    reg [63:0]       f_ev_addr_q;

    // F's fields
    wire [TAG_W-1:0] f_tag;
    wire [SID_W-1:0] f_sid;
    wire             f_ssv, f_rnw, f_nosnoop, f_priv, f_instr;
    wire [SSID_W-1:0] f_ssid;
    wire [63:0]      f_addr;
    wire [2:0]       f_prot;
    wire [3:0]       f_cache;
    wire [1:0]       f_domain;
    wire             f_s1_en, f_s2_en, f_s2fwb, f_mtcfg;
    wire [3:0]       f_memattr, f_alloccfg;
    wire [1:0]       f_shcfg, f_privcfg, f_instcfg, f_world;
    wire [15:0]      f_vmid, f_asid;
    wire [1:0]       f_gran;
    assign {f_tag, f_sid, f_ssv, f_ssid, f_rnw, f_addr, f_prot, f_cache, f_domain, f_nosnoop,
            f_priv, f_instr, f_s1_en, f_s2_en, f_s2fwb, f_mtcfg, f_memattr, f_alloccfg, f_shcfg,
            f_privcfg, f_instcfg, f_world, f_vmid, f_asid, f_gran} = f_ctx_q;

    // F is emptied this cycle: a good result goes out at once, a fault with its record
    // when the event queue takes it. F takes a new result unless it holds a fault to
    // record (from registers alone: not when the event queue takes that record, whose
    // ready comes through the event arbiter from the client port's own event picks; that
    // chain into the walk units' result pick and C was the ECP5 clock's critical path):
    // a recorded fault costs a cycle in which F takes nothing.
    wire f_rec  = f_v_q && !f_ok_q && f_ev_rec_q;
    wire f_out  = f_v_q && (!f_rec || evt_ready);
    wire f_room = !f_rec;

    // walk results first (round robin: the first ready walker after the last one served,
    // else the first ready one), then C
    reg  [WI-1:0] f_rr_q;
    reg  [WI-1:0] wf_pick, wf_hi;
    reg           wf_any, wf_hi_any;
    always @* begin
        wf_pick   = {WI{1'b0}};
        wf_any    = 1'b0;
        wf_hi     = {WI{1'b0}};
        wf_hi_any = 1'b0;
        for (i = NWALK - 1; i >= 0; i = i - 1)
            if (wk_rsp_valid[i]) begin
                wf_pick = i[WI-1:0];
                wf_any  = 1'b1;
                if (i[WI-1:0] > f_rr_q) begin
                    wf_hi     = i[WI-1:0];
                    wf_hi_any = 1'b1;
                end
            end
        if (wf_hi_any)
            wf_pick = wf_hi;
        for (i = 0; i < NWALK; i = i + 1)
            wk_rsp_ready[i] = f_room && wf_any && wf_pick == i[WI-1:0];
    end
    wire w_to_f = f_room && wf_any;

    // The picks as one-hot masks for the flag vectors' writes (Yosys 0.23 lowers a write
    // at a computed bit, v[k] <= d, to a shift with a 32-bit carry chain; a mask is one
    // LUT level): the walker a walk starts on, the one whose result F takes, the park
    // entry that leaves for the replay register, the one a miss enters, and the waiters
    // the walk leaving for F releases.
    wire [NWALK-1:0] w_start_m = {{(NWALK - 1){1'b0}}, c_walk} << w_pick;
    wire [NWALK-1:0] w_end_m   = {{(NWALK - 1){1'b0}}, w_to_f} << wf_pick;
    wire [NPARK-1:0] p_out_m   = {{(NPARK - 1){1'b0}}, r_load} << rp_pick;
    wire [NPARK-1:0] p_in_m    = {{(NPARK - 1){1'b0}}, c_park} << pf_pick;
    reg  [NPARK-1:0] p_rel_m;
    always @*
        for (pr = 0; pr < NPARK; pr = pr + 1)
            p_rel_m[pr] = w_to_f && p_wk_q[pr] == wf_pick;
    wire c_to_f = f_room && !wf_any && c_v_q && c_done_q;
    assign c_go          = c_to_f || c_walk || c_park;
    assign cfg_rsp_ready = b_go;

    // ---------------- responses ----------------
    // The attributes, evaluated only while F holds a result (rsp_* are looked at only
    // with rsp_valid): the STE overrides on the incoming attribute (smmu_bypass_attr.vh,
    // No_snoop left to the tail), then the stages (smmu_attr.vh: STE bypass has both
    // stage enables 0, so this is the bypass tail, No_snoop and the AMBA mapping, of the
    // overridden input). Each function's result in one variable: the simulator evaluates
    // it once, not once per field.
    /* verilator lint_off UNUSEDSIGNAL */
    reg  [18:0] f_in;      // {AxCACHE, AxPROT, AxDOMAIN, SH, attribute}: not all used
    reg  [15:0] f_tail;    // {attribute, SH, AxCACHE, AxDOMAIN}: the SH travels as AxDOMAIN
    /* verilator lint_on UNUSEDSIGNAL */
    reg  [9:0]  f_st;
    always @* begin
        f_in   = 19'd0;
        f_st   = 10'd0;
        f_tail = 16'd0;
        if (f_v_q) begin
            f_in   = bypass_attr(f_rnw, f_cache, f_prot, f_domain, 1'b0, f_mtcfg, f_memattr,
                                 f_alloccfg, f_shcfg, f_privcfg, f_instcfg);
            f_st   = attr_stages((FWB != 0) && f_s2fwb, f_s1_en, f_s2_en, f_in[7:0],
                                 f_in[9:8], f_leaf_q[LEAF_S1ATTR_LSB +: LEAF_S1ATTR_W],
                                 f_leaf_q[LEAF_S1SH_LSB +: LEAF_S1SH_W],
                                 f_leaf_q[LEAF_S2MEMATTR_LSB +: LEAF_S2MEMATTR_W],
                                 f_leaf_q[LEAF_S2SH_LSB +: LEAF_S2SH_W]);
            f_tail = attr_tail(f_st[9:2], f_st[1:0], f_nosnoop, canwbs, f_rnw);
        end
    end
    wire [2:0] out_prot = f_in[14:12];
    assign rsp_attr   = f_tail[15:8];
    assign rsp_cache  = f_tail[5:2];
    assign rsp_domain = f_tail[1:0];

    // PA = leaf output address | the input's offset inside the leaf (leaf_pa of
    // smmu_leaf.vh: the leaf's size is log2 bytes, any granule); STE bypass passes the
    // (OAS-checked) input through.
    wire [55:0] l_pa   = leaf_pa(f_leaf_q, f_addr[55:0]);

    assign rsp_valid = f_out;
    assign rsp_tag   = f_tag;
    assign rsp_ok    = f_ok_q;
    assign rsp_pa    = f_byp_q ? f_addr[PA_W-1:0] : l_pa[PA_W-1:0];
    assign rsp_prot  = out_prot;

    // a finished walk fills the TLB unless an invalidation or flush overlapped it
    assign tlb_fill_valid  = f_out && f_ok_q && f_walk_q && !f_raced_q && !inv_fire && !flush;
    assign tlb_fill_world  = f_world;
    assign tlb_fill_stages = {f_s2_en, f_s1_en};
    assign tlb_fill_vmid   = f_vmid;
    assign tlb_fill_asid   = f_asid;
    assign tlb_fill_page   = f_addr[55:12];
    assign tlb_fill_gran   = f_gran;
    assign tlb_fill_leaf   = f_leaf_q;

    // ---------------- event description (smmu_evt.vh; the record: smmu_evt_enc) -------
    // The type picks what the record shows: PnU/InD/RnW, S2/CLASS and InputAddr for the
    // translation-related faults and F_WALK_EABT; the second address is FetchAddr
    // (F_*_FETCH, F_WALK_EABT) or the IPA (stage-2 faults); TTRnW for F_PERMISSION.
    assign evt_valid = f_rec;
    wire [SSID_W+19:0] f_ssid20 = {20'd0, f_ssid};
    assign evt_evd   = evd_pack(f_ev_type_q, f_ssv, f_ssid20[19:0],
                                {{(32 - SID_W){1'b0}}, f_sid}, f_priv, f_instr, f_rnw,
                                f_ev_s2_q, f_ev_cls_q, f_ev_ttrnw_q, 16'd0, f_addr,
                                f_ev_addr_q);

    // (a stage-2 unit busy for smmu_cfg: smmu_cfg's fetch is in flight too)
    assign busy  = r_v_q || b_v_q || c_v_q || cs_v_q || (|w_busy_q) || f_v_q || (|p_v_q) ||
                   (|s2_busy);
    assign walks = w_busy_q;
    assign ev_tlb_miss = (c_walk || c_park) && !c_rp_q;
    assign ev_tlb_sid  = c_sid;
    assign lk_replay   = r_v_q;

    // ---------------- state ----------------
    wire raced_now = inv_fire || flush;
    wire [7:0]        wf_evt   = wk_rsp_evt[wf_pick*8 +: 8];
    wire [LEAF_W-1:0] wf_leaf  = wk_rsp_leaf[wf_pick*LEAF_W +: LEAF_W];

    always @(posedge clk) begin
        if (!rst_n) begin
            r_v_q     <= 1'b0;
            b_v_q     <= 1'b0;
            b_raced_q <= 1'b0;
            b_rp_q    <= 1'b0;
            c_v_q     <= 1'b0;
            cs_v_q    <= 1'b0;
            hd_q      <= 1'b0;
            e_raced_q <= 2'b00;
            w_busy_q  <= {NWALK{1'b0}};
            w_raced_q <= {NWALK{1'b0}};
            f_v_q     <= 1'b0;
            f_raced_q <= 1'b0;
            f_rr_q    <= {WI{1'b0}};
            p_v_q     <= {NPARK{1'b0}};
            p_wait_q  <= {NPARK{1'b0}};
        end else begin
            // A -> B
            if (raced_now) begin
                b_raced_q <= 1'b1;
                e_raced_q <= 2'b11;
                f_raced_q <= 1'b1;
            end
            if (b_go)
                b_v_q <= 1'b0;
            if (acc) begin
                b_v_q       <= 1'b1;
                b_tag_q     <= a_tag;
                b_rnw_q     <= a_rnw;
                b_sid_q     <= a_sid;
                b_ssv_q     <= a_ssv;
                b_ssid_q    <= a_ssid;
                b_addr_q    <= a_addr;
                b_oas_q     <= (a_addr >> PA_W) != 64'd0;
                b_prot_q    <= a_prot;
                b_cache_q   <= a_cache;
                b_domain_q  <= a_domain;
                b_nosnoop_q <= a_nosnoop;
                b_raced_q   <= raced_now;
                b_rp_q      <= r_v_q;
            end

            // B -> the free entry (C's, or the skid's when C is full and stays); C moving
            // on makes the skid's entry C's (B goes only while the skid is empty)
            if (b_go) begin
                e_raced_q[e_tl] <= b_raced_q || raced_now;
                if (e_tl)
                    e1_q <= b_ce;
                else
                    e0_q <= b_ce;
            end
            if (c_go)
                hd_q <= !hd_q;
            c_v_q  <= cs_v_q || (c_v_q ? (!c_go || b_go) : b_go);
            cs_v_q <= cs_v_q ? !c_go : (c_v_q && !c_go && b_go);

            // the park: a replay leaves it; a miss enters it; a walk's end releases its
            // waiters (a parked request's own race state does not matter: it is asked
            // through A and B again)
            if (rp_go)
                r_v_q <= 1'b0;
            if (r_load) begin
                r_v_q          <= 1'b1;
                r_rq_q         <= p_rq_q[rp_pick];
            end
            p_v_q    <= (p_v_q & ~p_out_m) | p_in_m;
            p_wait_q <= (p_wait_q & ~p_rel_m) | p_in_m;
            // (the free entry copies every miss C holds, parked or not: its enable is not
            // the park decision; nothing reads an entry that is not valid)
            if (c_miss && pf_any) begin
                p_wk_q[pf_pick]   <= w_same;
                p_rq_q[pf_pick]   <= {c_tag, c_rnw, c_sid, c_ssv, c_ssid, c_addr,
                                      c_prot, c_cache, c_domain, c_nosnoop};
            end

            // C -> W
            // (a walk starts on an idle walker, and one leaving for F is busy: the two
            // masks never share a walker)
            w_busy_q  <= (w_busy_q | w_start_m) & ~w_end_m;
            w_raced_q <= raced_now ? {NWALK{1'b1}} :
                         (w_raced_q & ~w_start_m) | ({NWALK{c_raced_q}} & w_start_m);
            w_ssv_q   <= (w_ssv_q & ~w_start_m) | ({NWALK{c_ssv}} & w_start_m);
            // Every walker not busy copies C's head while it holds a miss, the last copy
            // before a start being the started walk's: the registers' enable is C's
            // valid and the walker's busy flag, not the park / walk-start decision (the
            // stage-1 units load their context the same way, wk_load). Nothing reads a
            // free walker's registers.
            for (wl = 0; wl < NWALK; wl = wl + 1)
                if (c_miss && !w_busy_q[wl]) begin
                    w_ctx_q[wl]  <= c_ctx_q;
                    w_sid_q[wl]  <= c_sid;
                    w_page_q[wl] <= c_addr[63:12];
                end

            // -> F
            if (f_out)
                f_v_q <= 1'b0;
            if (w_to_f) begin
                f_v_q        <= 1'b1;
                f_walk_q     <= 1'b1;
                f_byp_q      <= 1'b0;
                f_ok_q       <= !wk_rsp_fault[wf_pick];
                f_ctx_q      <= w_ctx_q[wf_pick];
                f_raced_q    <= w_raced_q[wf_pick] || raced_now;
                f_leaf_q     <= wf_leaf;
                f_ev_type_q  <= wf_evt;
                f_ev_s2_q    <= wk_rsp_s2[wf_pick];
                f_ev_cls_q   <= wk_rsp_class[wf_pick*2 +: 2];
                f_ev_addr_q  <= wk_rsp_addr[wf_pick*64 +: 64];
                f_ev_rec_q   <= wk_rsp_record[wf_pick];
                // TTRnW is defined for F_PERMISSION with CLASS = TT (7.3.16)
                f_ev_ttrnw_q <= wk_rsp_ttrnw[wf_pick] && wf_evt == EVT_F_PERMISSION;
                f_rr_q       <= wf_pick;
            end else if (c_to_f) begin
                f_v_q        <= 1'b1;
                f_walk_q     <= 1'b0;
                f_byp_q      <= c_byp_q;
                f_ok_q       <= c_ok_q;
                f_ctx_q      <= c_ctx_q;
                f_raced_q    <= c_raced_q || raced_now;
                f_leaf_q     <= c_leaf_q;
                f_ev_type_q  <= c_ev_type_q;
                f_ev_s2_q    <= c_ev_s2_q;
                f_ev_cls_q   <= c_ev_cls_q;
                f_ev_addr_q  <= c_ev_addr_q;
                f_ev_rec_q   <= c_ev_rec_q;
                f_ev_ttrnw_q <= 1'b0;
            end
        end
    end

`ifdef FORMAL
    // a walk starts only on an idle walker whose slot is free; F never takes two results
    always @(posedge clk)
        if (rst_n) begin
            if (c_walk) assert (!w_busy_q[w_pick] && wk_ready[w_pick]);
            assert (!(w_to_f && c_to_f));
            // a replay waiting in its register goes before any new request
            if (r_v_q) assert (!req_ready);
            // C's skid holds an entry only behind one in C
            if (cs_v_q) assert (c_v_q);
        end
`endif

    // Context fields B does not use are for the walkers; the final shareability travels
    // as AxDOMAIN; l_pa bits above the OAS are RES0.
    /* verilator lint_off UNUSEDSIGNAL */
    wire unused_ok = &{1'b0, l_pa, wk_busy, f_ssid20, cfg_rsp_sctx, cd_size,
                       cd_ap, cd_xn, cd_reads, s2_act,
                       cfg_rsp_s1ctx};
    /* verilator lint_on UNUSEDSIGNAL */
endmodule
