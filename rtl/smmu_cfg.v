// smmu_cfg: configuration lookup and caches, {StreamID, SubstreamID} -> the validated STE's
// stream context and the CD's stage-1 context (IHI 0070 3.3, 5.1, 5.2, 5.4, 4.3; priority
// 7.3.22).
//
// One lookup at a time, hits pipelined: a hit answers in the cycle after lk is accepted,
// and the next lookup is accepted in the cycle a response is taken. Two caches, each
// holding contexts decoded once, when the structure arrives from memory, never raw STEs
// or CDs:
//   STE cache  CFG_ENTRIES entries, keyed by StreamID: the stream context (smmu_ste_ctx),
//              the CD address (S1ContextPtr), Config = abort, stage 1 on.
//   CD cache   CD_ENTRIES entries, keyed by {StreamID, SubstreamID}: the stage-1 context
//              (smmu_cd_ctx, for the StreamWorld of the STE it was reached through). A
//              transaction without a SubstreamID uses the CD of SubstreamID 0 (SSIDSIZE
//              is 0: a SubstreamID on a translating stream is C_BAD_SUBSTREAMID, so today
//              every CD is SubstreamID 0's; the key is carried for substreams).
// Both fully associative (first free entry, else round robin). The answer (rsp_sctx,
// rsp_s1ctx) is read out of the entries into registers, so the B stage behind it starts
// from a register, not from a cache read and a decode.
// A miss walks the stream table (linear, or 2-level when ST_LEVEL_2 and
// STRTAB_BASE_CFG.FMT = 1), fetches the STE's dwords 0..3 (one 4-beat burst; dwords 4..7
// are unused by this subset) into a staging register and validates it; when stage 1 is on
// and the CD cache misses, it fetches CD dwords 0..3 (the nested CD address is an IPA,
// translated first by the stage-2 service) and validates it. An STE-cache hit whose CD
// misses (a CFGI_CD, or the CD evicted) fetches the CD alone; an STE-cache miss whose CD
// is still cached (the STE evicted) answers from that CD entry in the cycle after the
// STE's checks (S_CD_HIT).
//
// Response (rsp_*, held until rsp_ready):
//   rsp_ok       1: rsp_sctx/rsp_s1ctx hold the stream and stage-1 contexts (smmu_ctx.vh;
//                the stage-1 one is all zero without stage 1)
//   rsp_evt      when !rsp_ok: 0 = abort without event (STE.Config = abort, or a bad
//                StreamID with CR2.RECINVSID = 0), else the event type
//   rsp_record   the event is to be recorded (C_BAD_STREAMID only with RECINVSID; a
//                stage-2 fault of the nested CD fetch as the walker says, s2_rsp_record)
//   rsp_s2, rsp_class  1 and CD (0) for stage-2 faults of the CD fetch, else 0
//   rsp_addr     FetchAddr (F_STE_FETCH: STE or L1STD address; F_CD_FETCH: CD PA); for
//                stage-2 faults of the CD fetch the walker's s2_rsp_addr (the CD IPA, or
//                the descriptor's FetchAddr for F_WALK_EABT)
// s2_req_sctx: the stream context of the nested CD address's stage-2 translation.
// Checks in priority order (7.3.22): StreamID >= 2^min(LOG2SIZE, SID_W) -> C_BAD_STREAMID;
// 2-level: abort on the L1STD read -> F_STE_FETCH, Span = 0, reserved (> 11), > SPLIT + 1
// or StreamID[SPLIT-1:0] >= 2^(Span-1) -> C_BAD_STREAMID; abort on the STE read ->
// F_STE_FETCH; ste_bad -> C_BAD_STE; Config = abort -> no event; nested: stage-2 fault of
// the CD address; abort on the CD read -> F_CD_FETCH; cd_bad -> C_BAD_CD.
// lk_ssv (the transaction presents a SubstreamID; SSIDSIZE = 0) -> C_BAD_SUBSTREAMID right
// after the STE is validated and found not to abort, before any CD fetch (7.3.22), on a
// cache hit too; Config = abort still aborts without an event (as the reference model).
// Only validated structures are cached: an STE that is not C_BAD_STE (abort, bypass,
// stage 2, or stage 1 whatever becomes of its CD), a CD that is not C_BAD_CD.
//
// Invalidation (inv_*, always ready, one cycle; 4.3): CFGI_STE drops the StreamID's STE
// and every CD cached through it (a CD's context depends on its STE's StreamWorld);
// CFGI_STE_RANGE the same for the aligned 2^(RANGE+1) StreamIDs (RANGE = 31: all);
// CFGI_CD drops the {StreamID, SSID} CD; CFGI_CD_ALL every CD of the StreamID; the STE
// stays cached for both. Every other opcode is accepted and ignored. A CFGI (or flush)
// while a miss is being served lets the lookup answer but stops it from filling either
// cache, so no stale entry survives the CMD_SYNC that follows.
// flush: drop every entry (while SMMUEN = 0; SMMU_CR2.E2H, which the stream contexts
// hold, may only change then: 6.3.12).
// busy: a lookup is being served (any state but idle).
// fetch_cnt: memory reads issued (L1STD, STE and CD each count one), for tests.
module smmu_cfg #(
    parameter SID_W       = 16,
    parameter PA_W        = 48,
    parameter SSID_W      = 20,   // SubstreamID width carried (IDR1.SSIDSIZE stays 0)
    parameter CFG_ENTRIES = 8,    // STE cache entries
    parameter CD_ENTRIES  = 8,    // CD cache entries
    parameter ST_LEVEL_2  = 1,
    // passed to smmu_ste_decode (IDR0.Hyp, IDR3.FWB, IDR1.ATTR_*_OVR, IDR0.S1P/S2P) and,
    // the granules (IDR5.GRAN16K/GRAN64K), to smmu_cd_decode too
    parameter HYP         = 1,
    parameter FWB         = 1,
    parameter ATTR_OVR    = 1,
    parameter S1P         = 1,
    parameter S2P         = 1,
    parameter GRAN16K     = 1,
    parameter GRAN64K     = 1,
    parameter SCTX_BITS   = 121,  // must equal SCTX_W of smmu_ctx.vh (checked below)
    parameter S1CTX_BITS  = 232   // must equal S1CTX_W of smmu_ctx.vh
) (
    input  wire             clk,
    input  wire             rst_n,

    input  wire [63:0]      strtab_base,      // SMMU_STRTAB_BASE
    input  wire [31:0]      strtab_base_cfg,  // SMMU_STRTAB_BASE_CFG
    input  wire [1:0]       table_ic,         // CR1.TABLE_IC
    input  wire [1:0]       table_oc,         // CR1.TABLE_OC
    input  wire [1:0]       table_sh,         // CR1.TABLE_SH
    input  wire             cr2_e2h,          // CR2.E2H
    input  wire             cr2_recinvsid,    // CR2.RECINVSID
    input  wire             flush,

    input  wire             lk_valid,
    output wire             lk_ready,
    input  wire [SID_W-1:0] lk_sid,
    input  wire             lk_ssv,
    input  wire [SSID_W-1:0] lk_ssid,

    output wire             rsp_valid,
    input  wire             rsp_ready,
    output reg              rsp_ok,
    output wire [SCTX_BITS-1:0]  rsp_sctx,
    output wire [S1CTX_BITS-1:0] rsp_s1ctx,
    output reg  [7:0]       rsp_evt,
    output reg              rsp_s2,
    output reg  [1:0]       rsp_class,
    output reg  [63:0]      rsp_addr,
    output reg              rsp_record,

    output wire             s2_req_valid,
    input  wire             s2_req_ready,
    output wire [SCTX_BITS-1:0]  s2_req_sctx,
    output wire [63:0]      s2_req_ipa,
    input  wire             s2_rsp_valid,
    output wire             s2_rsp_ready,
    input  wire             s2_rsp_fault,
    input  wire [7:0]       s2_rsp_evt,
    input  wire             s2_rsp_record,
    input  wire [63:0]      s2_rsp_addr,      // fault: FetchAddr (F_WALK_EABT) or the CD IPA
    input  wire [PA_W-1:0]  s2_rsp_pa,        // the CD's PA
    input  wire [3:0]       s2_rsp_memattr,   // stage-2 leaf MemAttr (CD fetch attributes)
    input  wire [1:0]       s2_rsp_sh,

    output wire             rd_req_valid,
    input  wire             rd_req_ready,
    output wire [PA_W-1:0]  rd_req_addr,
    output wire [7:0]       rd_req_len,
    output wire [3:0]       rd_req_cache,
    output wire [1:0]       rd_req_domain,
    input  wire             rd_valid,
    input  wire [63:0]      rd_data,
    input  wire             rd_last,
    input  wire             rd_err,

    input  wire             inv_valid,
    output wire             inv_ready,
    input  wire [127:0]     inv_cmd,

    output wire             busy,
    output reg  [31:0]      fetch_cnt,
    // performance events (smmu_pmcg): a lookup that misses a cache and starts a fetch
    // (this cycle, with lk_sid), and the StreamID the current fetch is for
    output wire             ev_miss,
    output wire [SID_W-1:0] cur_sid
);
    `include "smmu_regs.vh"
    `include "smmu_amba.vh"
    `include "smmu_attr.vh"
    `include "smmu_ctx.vh"

    generate
        if (SCTX_BITS != SCTX_W || S1CTX_BITS != S1CTX_W) begin : g_ctx_bits_mismatch
            // Elaboration stops here: a port width disagrees with smmu_ctx.vh
            smmu_cfg_CTX_BITS_must_equal_smmu_ctx_vh u_err ();
        end
    endgenerate

    localparam NS  = CFG_ENTRIES;
    localparam NC  = CD_ENTRIES;
    localparam SIW = (NS <= 2) ? 1 : $clog2(NS);
    localparam CIW = (NC <= 2) ? 1 : $clog2(NC);
    localparam [31:0] S_LAST = NS - 1;
    localparam [31:0] C_LAST = NC - 1;

    localparam [3:0] S_IDLE = 4'd0, S_L1_REQ = 4'd1, S_L1_DATA = 4'd2, S_STE_REQ = 4'd3,
                     S_STE_DATA = 4'd4, S_STE_CHK = 4'd5, S_S2_REQ = 4'd6, S_S2_RSP = 4'd7,
                     S_CD_REQ = 4'd8, S_CD_DATA = 4'd9, S_CD_CHK = 4'd10, S_RSP = 4'd11,
                     S_L1_CHK = 4'd12, S_CD_HIT = 4'd13;

    reg [3:0]        state;
    reg [SID_W-1:0]  sid_q;
    reg              ssv_q;
    reg [SSID_W-1:0] ssid_q;
    reg [63:0]       addr_q;       // address of the structure being fetched
    reg [1:0]        beat;
    reg              fetch_err;
    reg              raced;        // a CFGI arrived while this miss was served
    reg [SIW-1:0]    s_rr;
    reg [CIW-1:0]    c_rr;
    reg [4:0]        l1_span_q;    // the L1STD fetched: Span and L2Ptr (checked in S_L1_CHK)
    reg [L1STD_L2PTR_W-1:0] l1_l2ptr_q;
    reg [255:0]      ste_q;        // the STE / CD being fetched, beat by beat
    reg [255:0]      cd_q;
    reg [SCTX_W-1:0]  sctx_q;      // the answer's contexts
    reg [S1CTX_W-1:0] s1ctx_q;
    reg [NC-1:0]      c_km_q;      // CD entries whose key is the lookup's (c_v aside)
    reg [CIW-1:0]     c_sel_q;     // the CD entry S_CD_HIT answers with

    // ---------------- STE cache ----------------
    reg [NS-1:0]     s_v;
    reg [NS-1:0]     s_ab;         // STE.Config = abort (valid, cached, no translation)
    reg [NS-1:0]     s_s1;         // stage 1 on: a CD is needed
    reg [SID_W-1:0]  s_sid [0:NS-1];
    reg [SCTX_W-1:0] s_ctx [0:NS-1];
    reg [PA_W-1:0]   s_cdp [0:NS-1];
    // ---------------- CD cache ----------------
    reg [NC-1:0]      c_v;
    reg [SID_W-1:0]   c_sid  [0:NC-1];
    reg [SSID_W-1:0]  c_ssid [0:NC-1];
    reg [S1CTX_W-1:0] c_ctx  [0:NC-1];

    // ---------------- decode, once per fetched structure ----------------
    wire                  d_ste_bad, d_cd_bad;
    wire [2:0]            d_cfg;
    wire [PA_W-1:0]       d_cd_ptr;
    wire [SCTX_W-1:0]     d_sctx;
    wire [S1CTX_W-1:0]    d_s1ctx;
    smmu_ste_ctx #(
        .PA_W(PA_W), .HYP(HYP), .FWB(FWB), .ATTR_OVR(ATTR_OVR), .S1P(S1P), .S2P(S2P),
        .GRAN16K(GRAN16K), .GRAN64K(GRAN64K), .SCTX_BITS(SCTX_W)
    ) u_ste_ctx (
        .ste(ste_q), .cr2_e2h(cr2_e2h), .ste_bad(d_ste_bad), .cfg(d_cfg),
        .cd_ptr(d_cd_ptr), .sctx(d_sctx)
    );
    // the CD is decoded for the StreamWorld of the stream context being served (sctx_q:
    // the fetched STE's, or the STE cache's on a CD-only fetch)
    smmu_cd_ctx #(
        .PA_W(PA_W), .GRAN16K(GRAN16K), .GRAN64K(GRAN64K), .S1CTX_BITS(S1CTX_W)
    ) u_cd_ctx (
        .cd(cd_q), .world(sctx_q[SCTX_WORLD_LSB +: SCTX_WORLD_W]), .cd_bad(d_cd_bad),
        .s1ctx(d_s1ctx)
    );
    // what the fetch itself needs of the stream context being served
    wire       q_s2_en = sctx_q[SCTX_S2_EN_LSB];
    wire       q_s2fwb = sctx_q[SCTX_S2FWB_LSB];
    wire [1:0] q_s1cir = sctx_q[SCTX_S1CIR_LSB +: SCTX_S1CIR_W];
    wire [1:0] q_s1cor = sctx_q[SCTX_S1COR_LSB +: SCTX_S1COR_W];
    wire [1:0] q_s1csh = sctx_q[SCTX_S1CSH_LSB +: SCTX_S1CSH_W];
    wire       d_s1_en = d_sctx[SCTX_S1_EN_LSB];
    wire       d_s2_en = d_sctx[SCTX_S2_EN_LSB];

    // ---------------- stream table geometry ----------------
    // The mask of bits [63:n] (none for n >= 64): one comparison with a constant per bit,
    // where shifting an all-ones vector by n would be a shifter in the path
    function [63:0] keep_from(input [6:0] n);
        integer k;
        begin
            for (k = 0; k < 64; k = k + 1) keep_from[k] = ({25'd0, n} <= k);
        end
    endfunction
    // This mask and those below are read from tables computed at elaboration, indexed by
    // the few bits each depends on: synthesis builds the same per-bit function of them,
    // and the simulation reads one entry instead of running a 64-step loop in every
    // evaluation.
    function [128*64-1:0] keep_from_table(input integer unused);
        integer e;
        begin
            for (e = 0; e < 128; e = e + 1) keep_from_table[e*64 +: 64] = keep_from(e[6:0]);
        end
    endfunction
    localparam [128*64-1:0] KEEP_FROM = keep_from_table(0);
    wire [5:0] lg_cfg = strtab_base_cfg[SMMU_STRTAB_BASE_CFG_LOG2SIZE_LSB +:
                                        SMMU_STRTAB_BASE_CFG_LOG2SIZE_W];
    wire [1:0] fmt    = strtab_base_cfg[SMMU_STRTAB_BASE_CFG_FMT_LSB +:
                                        SMMU_STRTAB_BASE_CFG_FMT_W];
    wire       two_lvl = (ST_LEVEL_2 != 0) && (fmt == 2'b01);   // other FMT: linear
    wire [4:0] split_r = strtab_base_cfg[SMMU_STRTAB_BASE_CFG_SPLIT_LSB +:
                                         SMMU_STRTAB_BASE_CFG_SPLIT_W];
    wire       sp8     = (split_r == 5'd8);
    wire       sp10    = (split_r == 5'd10);
    wire [4:0] split   = sp8 ? 5'd8 : sp10 ? 5'd10 : 5'd6;   // other values: 6
    wire [63:0] tbase  = {8'd0, strtab_base[SMMU_STRTAB_BASE_ADDR_LSB +:
                                            SMMU_STRTAB_BASE_ADDR_W], 6'd0};

    wire [63:0] sid64   = {{(64-SID_W){1'b0}}, lk_sid};
    // StreamID >= 2^MIN(LOG2SIZE, SID_W) (the StreamID has no bits at or above SID_W)
    wire        sid_oor = (sid64 & KEEP_FROM[{1'b0, lg_cfg}*64 +: 64]) != 64'd0;
    // The table base's alignment masks, as comparisons of LOG2SIZE with constants (one set
    // per SPLIT value for the L1 table) rather than a shift amount worked out and applied.
    // Linear: base aligned to the literal LOG2SIZE (6.3.24): bits [63:LOG2SIZE + 6] kept
    function [64*64-1:0] lin_keep_table(input integer unused);
        integer lg, k;
        begin
            for (lg = 0; lg < 64; lg = lg + 1)
                for (k = 0; k < 64; k = k + 1)
                    lin_keep_table[lg*64 + k] = (k >= 6) && (lg <= k - 6);
        end
    endfunction
    localparam [64*64-1:0] LIN_KEEP = lin_keep_table(0);
    // 2-level: L1 table aligned to MAX(64 B, its size 2^(LOG2SIZE - SPLIT + 3)): bits
    // [63:MAX(6, LOG2SIZE - SPLIT + 3)] kept
    function [64*64-1:0] l1_keep_table(input integer sp);
        integer lg, k;
        begin
            for (lg = 0; lg < 64; lg = lg + 1)
                for (k = 0; k < 64; k = k + 1)
                    l1_keep_table[lg*64 + k] = (k >= 6) && (lg <= k + sp - 3);
        end
    endfunction
    localparam [64*64-1:0] L1_KEEP6  = l1_keep_table(6);
    localparam [64*64-1:0] L1_KEEP8  = l1_keep_table(8);
    localparam [64*64-1:0] L1_KEEP10 = l1_keep_table(10);
    // Linear: STE at base + SID * 64
    wire [63:0] lin_ste = (tbase & LIN_KEEP[lg_cfg*64 +: 64]) | (sid64 << 6);
    // 2-level: L1STD at base + SID[SIDSIZE-1:SPLIT] * 8
    wire [63:0] l1_mask = sp8  ? L1_KEEP8[lg_cfg*64 +: 64] :
                          sp10 ? L1_KEEP10[lg_cfg*64 +: 64] : L1_KEEP6[lg_cfg*64 +: 64];
    wire [63:0] sid_l1  = sp8 ? (sid64 >> 8) : sp10 ? (sid64 >> 10) : (sid64 >> 6);
    wire [63:0] l1_addr = (tbase & l1_mask) | (sid_l1 << 3);

    // L1STD (5.1): Span 1..11 and <= SPLIT + 1; StreamID[SPLIT-1:0] < 2^(Span-1);
    // the level-2 array is aligned to its size (L2Ptr[5 + Span - 1:0] taken as 0).
    // Checked from a register in the step after the read (S_L1_CHK), not from the read
    // data in the cycle it arrives: the data comes from the table port's R channel.
    wire [4:0]  span    = l1_span_q;
    wire [63:0] l2ptr   = {8'd0, l1_l2ptr_q, 6'd0};
    wire [63:0] sidq64  = {{(64-SID_W){1'b0}}, sid_q};
    wire [63:0] sid_lo  = sidq64 & ~KEEP_FROM[{2'b0, split}*64 +: 64];
    wire        span_bad = (span == 5'd0) || (span > 5'd11) || (span > split + 5'd1) ||
                           ((sid_lo & KEEP_FROM[{2'b0, span - 5'd1}*64 +: 64]) != 64'd0);
    wire [63:0] l2_ste  = (l2ptr & KEEP_FROM[({2'b0, span} + 7'd5)*64 +: 64]) | (sid_lo << 6);

    // ---------------- lookups ----------------
    // STE cache: the lookup's StreamID. CD cache: the lookup's {StreamID, SubstreamID}.
    // The CD key match is also kept (c_km_q) for S_STE_CHK, which asks again after an STE
    // miss: the keys of the CD entries cannot change before then (a CD is filled only in
    // S_CD_CHK, after S_STE_CHK), only their valid bits (an invalidation or flush), so the
    // kept match ANDed with c_v is that search, without a second comparator set and
    // without the state choosing the key on the lookup's own path.
    wire [SSID_W-1:0] lk_ss   = lk_ssv ? lk_ssid : {SSID_W{1'b0}};
    reg [SIW-1:0] s_hit_idx, s_free_idx;
    reg [CIW-1:0] c_hit_idx, c_free_idx, cq_hit_idx;
    reg [NC-1:0]  c_km;
    reg           s_hit, s_any_free, c_hit, c_any_free, cq_hit;
    integer i, j;
    always @* begin
        s_hit = 1'b0;
        s_any_free = 1'b0;
        s_hit_idx  = {SIW{1'b0}};
        s_free_idx = {SIW{1'b0}};
        for (i = NS - 1; i >= 0; i = i - 1) begin
            if (s_v[i] && s_sid[i] == lk_sid) begin
                s_hit = 1'b1;
                s_hit_idx = i[SIW-1:0];
            end
            if (!s_v[i]) begin
                s_any_free = 1'b1;
                s_free_idx = i[SIW-1:0];
            end
        end
    end
    always @* begin
        c_hit = 1'b0;
        c_any_free = 1'b0;
        cq_hit = 1'b0;
        c_hit_idx  = {CIW{1'b0}};
        c_free_idx = {CIW{1'b0}};
        cq_hit_idx = {CIW{1'b0}};
        for (j = NC - 1; j >= 0; j = j - 1) begin
            c_km[j] = (c_sid[j] == lk_sid) && (c_ssid[j] == lk_ss);
            if (c_v[j] && c_km[j]) begin
                c_hit = 1'b1;
                c_hit_idx = j[CIW-1:0];
            end
            if (c_v[j] && c_km_q[j]) begin
                cq_hit = 1'b1;
                cq_hit_idx = j[CIW-1:0];
            end
            if (!c_v[j]) begin
                c_any_free = 1'b1;
                c_free_idx = j[CIW-1:0];
            end
        end
    end
    wire [SIW-1:0]    s_vict = s_any_free ? s_free_idx : s_rr;
    wire [CIW-1:0]    c_vict = c_any_free ? c_free_idx : c_rr;
    wire [SCTX_W-1:0] h_sctx = s_ctx[s_hit_idx];
    wire              h_ab   = s_ab[s_hit_idx];
    wire              h_s1   = s_s1[s_hit_idx];
    // the answer a lookup gets without a fetch (sid_oor aside): an STE hit that aborts,
    // faults on its SubstreamID, has no stage 1, or finds its CD
    wire              h_done = s_hit && (h_ab || lk_ssv || !h_s1 || c_hit);

    // ---------------- invalidation ----------------
    wire [7:0]  i_op    = inv_cmd[CMD_OPCODE_LSB +: CMD_OPCODE_W];
    wire [31:0] i_sid   = inv_cmd[CMD_SID_LSB +: CMD_SID_W];
    wire [19:0] i_ssid  = inv_cmd[CMD_SSID_LSB +: CMD_SSID_W];
    wire [4:0]  i_range = inv_cmd[CMD_RANGE_LSB +: CMD_RANGE_W];
    wire        i_ste   = (i_op == CMD_OP_CFGI_STE) || (i_op == CMD_OP_CFGI_STE_RANGE);
    wire        i_cd    = (i_op == CMD_OP_CFGI_CD);
    wire        i_cdall = (i_op == CMD_OP_CFGI_CD_ALL);
    // CFGI_STE_RANGE ignores the low RANGE + 1 bits (RANGE = 31: every StreamID)
    wire [31:0] i_mask  = (i_op == CMD_OP_CFGI_STE_RANGE) ?
                          ~({32{1'b1}} >> (6'd31 - {1'b0, i_range})) : {32{1'b1}};
    wire        i_fire  = inv_valid && (i_ste || i_cd || i_cdall);
    wire [SSID_W+19:0] i_ssid_x = {{SSID_W{1'b0}}, i_ssid};
    // (the entries an invalidation hits are matched in the cycle it fires, in the
    // register step below, so the simulator compares them only then)
    wire        drop    = i_fire || flush;        // the caches change this cycle
    assign inv_ready = 1'b1;

    // ---------------- memory reads ----------------
    wire tbl_wb = (table_ic == 2'd1) && (table_oc == 2'd1);
    wire [3:0] tbl_cache = !tbl_wb ? 4'b0011 :
                           strtab_base[SMMU_STRTAB_BASE_RA_LSB] ? 4'b1111 : 4'b1011;
    // AxDOMAIN: CR1.TABLE_SH for write-back tables, System otherwise (Non-cacheable)
    wire [1:0] tbl_domain = !tbl_wb ? 2'd3 : amba_sh_domain(table_sh);
    // CD fetch (13.8): S1CIR/S1COR as a Normal attribute (IHI 0070 §5.2: 00 NC, 01 WB RA,
    // 10 WT RA, 11 WB no-RA; the write-allocate hint of a read is IMPLEMENTATION DEFINED:
    // this SMMU gives WA with WB), combined with the stage-2 leaf of the CD address when
    // nested; the AMBA mapping is smmu_attr's (cacheable only when both levels end up
    // write-back)
    function [3:0] wnib(input [1:0] c);
        case (c)
            2'b00:   wnib = 4'h4;
            2'b01:   wnib = 4'hf;
            2'b10:   wnib = 4'ha;
            default: wnib = 4'hd;
        endcase
    endfunction
    // (the smmu_attr rules, smmu_attr.vh, evaluated only while the CD read is requested:
    // the read client's attributes are looked at only with its valid)
    reg  [3:0] s2_memattr_q;
    reg  [1:0] s2_sh_q;
    wire       in_cd = (state == S_CD_REQ);
    reg  [5:0] cd_rd;      // {AxCACHE, AxDOMAIN} of the CD read
    always @* begin
        cd_rd = 6'd0;
        if (in_cd)
            cd_rd = attr_walk_rd((FWB != 0) && q_s2fwb, q_s2_en,
                                 {wnib(q_s1cor), wnib(q_s1cir)}, q_s1csh, s2_memattr_q,
                                 s2_sh_q);
    end
    wire [3:0] cd_cache   = cd_rd[5:2];
    wire [1:0] cd_dom_out = cd_rd[1:0];

    assign rd_req_valid = (state == S_L1_REQ) || (state == S_STE_REQ) || in_cd;
    assign rd_req_addr  = addr_q[PA_W-1:0];
    assign rd_req_len   = (state == S_L1_REQ) ? 8'd0 : 8'd3;
    assign rd_req_cache = in_cd ? cd_cache : tbl_cache;
    assign rd_req_domain = in_cd ? cd_dom_out : tbl_domain;

    // Write one beat into dword `beat` of a 256-bit staging register
    function [255:0] put_dw(input [255:0] old, input [1:0] b, input [63:0] d);
        put_dw = (old & ~({192'd0, {64{1'b1}}} << {b, 6'd0})) | ({192'd0, d} << {b, 6'd0});
    endfunction

    // ---------------- stage-2 service (nested CD address) ----------------
    assign s2_req_valid = (state == S_S2_REQ);
    assign s2_req_sctx  = sctx_q;
    assign s2_req_ipa   = addr_q;
    assign s2_rsp_ready = (state == S_S2_RSP);

    // a lookup is taken when idle, or as the current response is taken
    wire   lk_take   = (state == S_IDLE) || (state == S_RSP && rsp_ready);
    assign lk_ready  = lk_take;
    wire   lk_new    = lk_take && lk_valid;
    assign ev_miss   = lk_new && !sid_oor && !h_done;
    assign cur_sid   = sid_q;
    assign rsp_valid = (state == S_RSP);
    assign rsp_sctx  = sctx_q;
    assign rsp_s1ctx = s1ctx_q;
    assign busy      = (state != S_IDLE);

    // the fills: the STE once validated (whatever becomes of its CD), the CD once validated;
    // never by a miss an invalidation or flush overlapped
    wire fill_ok = !raced && !drop;
    wire s_fill  = fill_ok && (state == S_STE_CHK) && !d_ste_bad;
    wire c_fill  = fill_ok && (state == S_CD_CHK) && !d_cd_bad;

    // ---------------- control ----------------
    always @(posedge clk) begin
        if (!rst_n) begin
            state      <= S_IDLE;
            sid_q      <= {SID_W{1'b0}};
            ssv_q      <= 1'b0;
            ssid_q     <= {SSID_W{1'b0}};
            addr_q     <= 64'd0;
            beat       <= 2'd0;
            fetch_err  <= 1'b0;
            raced      <= 1'b0;
            s_rr       <= {SIW{1'b0}};
            c_rr       <= {CIW{1'b0}};
            c_sel_q    <= {CIW{1'b0}};
            s_v        <= {NS{1'b0}};
            s_ab       <= {NS{1'b0}};
            s_s1       <= {NS{1'b0}};
            c_v        <= {NC{1'b0}};
            sctx_q     <= {SCTX_W{1'b0}};
            rsp_ok     <= 1'b0;
            rsp_evt    <= 8'd0;
            rsp_s2     <= 1'b0;
            rsp_class  <= 2'd0;
            rsp_addr   <= 64'd0;
            rsp_record <= 1'b0;
            fetch_cnt  <= 32'd0;
            s2_memattr_q <= 4'd0;
            s2_sh_q      <= 2'd0;
        end else begin
            if (rd_req_valid && rd_req_ready) fetch_cnt <= fetch_cnt + 32'd1;
            if (drop && state != S_IDLE) raced <= 1'b1;

            if (state == S_RSP && rsp_ready) begin
                raced <= 1'b0;
                state <= S_IDLE;
            end
            if (lk_new) begin
                sid_q      <= lk_sid;
                ssv_q      <= lk_ssv;
                ssid_q     <= lk_ssv ? lk_ssid : {SSID_W{1'b0}};
                rsp_s2     <= 1'b0;
                rsp_class  <= 2'd0;
                rsp_addr   <= 64'd0;
                rsp_record <= 1'b0;
                rsp_evt    <= 8'd0;
                rsp_ok     <= 1'b0;
                sctx_q     <= h_sctx;
                if (s_hit) begin
                    if (h_done) begin
                        rsp_ok <= !h_ab && !lk_ssv;
                        if (!h_ab && lk_ssv) begin
                            rsp_evt    <= EVT_C_BAD_SUBSTREAMID;
                            rsp_record <= 1'b1;
                        end
                        state  <= S_RSP;
                    end else begin
                        // the STE is cached, its CD is not: fetch the CD alone
                        raced  <= drop;
                        addr_q <= {{(64-PA_W){1'b0}}, s_cdp[s_hit_idx]};
                        state  <= h_sctx[SCTX_S2_EN_LSB] ? S_S2_REQ : S_CD_REQ;
                    end
                end else if (sid_oor) begin
                    rsp_evt    <= cr2_recinvsid ? EVT_C_BAD_STREAMID : 8'd0;
                    rsp_record <= cr2_recinvsid;
                    state      <= S_RSP;
                end else begin
                    raced  <= drop;
                    addr_q <= two_lvl ? l1_addr : lin_ste;
                    state  <= two_lvl ? S_L1_REQ : S_STE_REQ;
                end
            end
            case (state)
                S_L1_REQ: if (rd_req_ready) begin
                    fetch_err <= 1'b0;
                    state     <= S_L1_DATA;
                end
                S_L1_DATA: if (rd_valid) begin
                    if (rd_err) fetch_err <= 1'b1;
                    if (rd_last) begin
                        if (rd_err || fetch_err) begin
                            rsp_evt    <= EVT_F_STE_FETCH;
                            rsp_addr   <= addr_q;
                            rsp_record <= 1'b1;
                            state      <= S_RSP;
                        end else begin
                            state <= S_L1_CHK;
                        end
                    end
                end
                S_L1_CHK: begin
                    if (span_bad) begin
                        rsp_evt    <= cr2_recinvsid ? EVT_C_BAD_STREAMID : 8'd0;
                        rsp_record <= cr2_recinvsid;
                        state      <= S_RSP;
                    end else begin
                        addr_q <= l2_ste;
                        state  <= S_STE_REQ;
                    end
                end
                S_STE_REQ: if (rd_req_ready) begin
                    beat      <= 2'd0;
                    fetch_err <= 1'b0;
                    state     <= S_STE_DATA;
                end
                S_STE_DATA: if (rd_valid) begin
                    beat <= beat + 2'd1;
                    if (rd_err) fetch_err <= 1'b1;
                    if (rd_last) begin
                        if (rd_err || fetch_err) begin
                            rsp_evt    <= EVT_F_STE_FETCH;
                            rsp_addr   <= addr_q;
                            rsp_record <= 1'b1;
                            state      <= S_RSP;
                        end else begin
                            state <= S_STE_CHK;
                        end
                    end
                end
                S_STE_CHK: begin
                    sctx_q <= d_sctx;
                    // the CD's address whatever the checks decide: it is read only on
                    // the way to the CD fetch (S_S2_REQ, S_CD_REQ, S_CD_DATA), so its
                    // register does not wait for the STE's checks
                    addr_q <= {{(64-PA_W){1'b0}}, d_cd_ptr};
                    if (d_ste_bad) begin
                        rsp_evt    <= EVT_C_BAD_STE;
                        rsp_record <= 1'b1;
                        state      <= S_RSP;
                    end else if (d_cfg != 3'd0 && ssv_q) begin
                        // a bypass or stage-2 STE is still cached below
                        rsp_evt    <= EVT_C_BAD_SUBSTREAMID;
                        rsp_record <= 1'b1;
                        state      <= S_RSP;
                    end else if (d_s1_en && cq_hit) begin
                        // the CD outlived its STE's entry (no CFGI dropped it): answered
                        // from that entry in S_CD_HIT, so the wide answer register is
                        // loaded from a registered entry number, not through this STE's
                        // checks and the search (one cycle more, on an STE miss only)
                        c_sel_q <= cq_hit_idx;
                        state   <= S_CD_HIT;
                    end else if (d_s1_en) begin
                        state  <= d_s2_en ? S_S2_REQ : S_CD_REQ;
                    end else begin
                        // bypass, stage 2 only, or Config = abort (no event)
                        rsp_ok <= (d_cfg != 3'd0);
                        state  <= S_RSP;
                    end
                end
                S_CD_HIT: begin
                    // s1ctx_q is loaded from c_ctx[c_sel_q] (below): c_ctx does not change
                    // between S_STE_CHK and here (no CD fill), and an invalidation
                    // meanwhile only stops fills, as for any miss
                    rsp_ok  <= 1'b1;
                    state   <= S_RSP;
                end
                S_S2_REQ: if (s2_req_ready) state <= S_S2_RSP;
                S_S2_RSP: if (s2_rsp_valid) begin
                    if (s2_rsp_fault) begin
                        rsp_evt    <= s2_rsp_evt;
                        rsp_s2     <= 1'b1;
                        rsp_class  <= EVT_CLASS_CD[1:0];
                        rsp_addr   <= s2_rsp_addr;
                        rsp_record <= s2_rsp_record;
                        state      <= S_RSP;
                    end else begin
                        addr_q       <= {{(64-PA_W){1'b0}}, s2_rsp_pa};
                        s2_memattr_q <= s2_rsp_memattr;
                        s2_sh_q      <= s2_rsp_sh;
                        state  <= S_CD_REQ;
                    end
                end
                S_CD_REQ: if (rd_req_ready) begin
                    beat      <= 2'd0;
                    fetch_err <= 1'b0;
                    state     <= S_CD_DATA;
                end
                S_CD_DATA: if (rd_valid) begin
                    beat <= beat + 2'd1;
                    if (rd_err) fetch_err <= 1'b1;
                    if (rd_last) begin
                        if (rd_err || fetch_err) begin
                            rsp_evt    <= EVT_F_CD_FETCH;
                            rsp_addr   <= addr_q;
                            rsp_record <= 1'b1;
                            state      <= S_RSP;
                        end else begin
                            state <= S_CD_CHK;
                        end
                    end
                end
                S_CD_CHK: begin
                    if (d_cd_bad) begin
                        rsp_evt    <= EVT_C_BAD_CD;
                        rsp_record <= 1'b1;
                    end else begin
                        rsp_ok <= 1'b1;
                    end
                    state <= S_RSP;
                end
                S_IDLE, S_RSP: ;   // lookups: above
                default: state <= S_IDLE;
            endcase

            // Invalidation first, then the fills (which never race one: see fill_ok)
            if (i_fire) begin : inv_step
                reg [NS-1:0] s_inv;
                reg [NC-1:0] c_inv;
                integer      k;
                for (k = 0; k < NS; k = k + 1)
                    s_inv[k] = i_ste && ((({{(33-SID_W){1'b0}}, s_sid[k]} ^ {1'b0, i_sid}) &
                                          {1'b0, i_mask}) == 33'd0);
                for (k = 0; k < NC; k = k + 1)
                    c_inv[k] = ((({{(33-SID_W){1'b0}}, c_sid[k]} ^ {1'b0, i_sid}) &
                                 {1'b0, i_mask}) == 33'd0) &&
                               (i_ste || i_cdall ||
                                (i_cd && {{20{1'b0}}, c_ssid[k]} == i_ssid_x));
                s_v <= s_v & ~s_inv;
                c_v <= c_v & ~c_inv;
            end
            if (s_fill) begin
                s_v[s_vict]  <= 1'b1;
                s_ab[s_vict] <= (d_cfg == 3'd0);
                s_s1[s_vict] <= d_s1_en;
                if (!s_any_free) s_rr <= (s_rr == S_LAST[SIW-1:0]) ? {SIW{1'b0}} : s_rr + 1'b1;
            end
            if (c_fill) begin
                c_v[c_vict] <= 1'b1;
                if (!c_any_free) c_rr <= (c_rr == C_LAST[CIW-1:0]) ? {CIW{1'b0}} : c_rr + 1'b1;
            end
            if (flush) begin
                s_v <= {NS{1'b0}};
                c_v <= {NC{1'b0}};
            end
        end
    end

    // The stage-1 answer: a lookup's cached CD (the hit's entry), the entry S_CD_HIT names,
    // or the CD fetched (S_CD_CHK). One read of the CD cache serves the first two, so its
    // entry number is chosen from registers and the search, and the lookup itself (lk_new,
    // through the client's ready and the B stage's) only enables the register. A lookup
    // that gets no CD from the cache (no STE hit, no stage 1 or no CD hit) clears it with
    // the register's synchronous reset instead of through its data: all zero without
    // stage 1, as the response promises.
    wire [CIW-1:0]     c_rd_idx  = (state == S_CD_HIT) ? c_sel_q : c_hit_idx;
    wire [S1CTX_W-1:0] c_rd_ctx  = c_ctx[c_rd_idx];
    wire               s1ctx_clr = lk_new && !(s_hit && h_s1 && c_hit);
    wire               s1ctx_ld  = lk_new || (state == S_CD_HIT) || (state == S_CD_CHK);
    always @(posedge clk) begin
        if (!rst_n || s1ctx_clr)
            s1ctx_q <= {S1CTX_W{1'b0}};
        else if (s1ctx_ld)
            s1ctx_q <= (state == S_CD_CHK) ? d_s1ctx : c_rd_ctx;
    end

    // Entry and staging storage: no reset (s_v / c_v guard the entries)
    always @(posedge clk) begin
        if (lk_new) c_km_q <= c_km;
        if (state == S_L1_DATA && rd_valid) begin
            l1_span_q  <= rd_data[L1STD_SPAN_LSB +: L1STD_SPAN_W];
            l1_l2ptr_q <= rd_data[L1STD_L2PTR_LSB +: L1STD_L2PTR_W];
        end
        if (state == S_STE_DATA && rd_valid)
            ste_q <= put_dw(ste_q, beat, rd_data);
        if (state == S_CD_DATA && rd_valid)
            cd_q <= put_dw(cd_q, beat, rd_data);
        if (s_fill) begin
            s_sid[s_vict] <= sid_q;
            s_ctx[s_vict] <= d_sctx;
            s_cdp[s_vict] <= d_cd_ptr;
        end
        if (c_fill) begin
            c_sid[c_vict]  <= sid_q;
            c_ssid[c_vict] <= ssid_q;
            c_ctx[c_vict]  <= d_s1ctx;
        end
    end

    // The contexts go out whole (the fetch reads a few fields); the upper address bits
    // above the OAS are RES0.
    /* verilator lint_off UNUSEDSIGNAL */
    wire unused_ok = &{1'b0, strtab_base, strtab_base_cfg, inv_cmd, rd_data, sid64, sidq64,
                       l2ptr, i_ssid_x};
    /* verilator lint_on UNUSEDSIGNAL */
endmodule
