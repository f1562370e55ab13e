// smmu_cfg: configuration lookup and cache, StreamID -> validated STE (+ CD)
// (IHI 0070 3.3, 5.1, 5.2, 5.4, 4.3; priority 7.3.22).
//
// One lookup at a time, hits pipelined: a hit answers in the cycle after lk is accepted,
// and the next lookup is accepted in the cycle a response is taken. A miss walks the
// stream table (linear, or 2-level when ST_LEVEL_2 and STRTAB_BASE_CFG.FMT = 1), fetches
// the STE's dwords 0..3 (one 4-beat burst; dwords 4..7 are unused by this subset),
// validates it with smmu_ste_decode, and when stage 1 is on fetches CD dwords 0..3 (the
// nested CD address is an IPA, translated first by the walker's stage-2 service) and
// validates it with smmu_cd_decode. Successful configurations and Config = abort are
// cached {StreamID, STE, CD} in CFG_ENTRIES fully associative entries (first free entry,
// else round-robin). The fetched dwords are written straight into the victim entry,
// which stays invalid until the lookup succeeds.
//
// Response (rsp_*, held until rsp_ready):
//   rsp_ok       1: rsp_sctx/rsp_s1ctx hold the validated STE and CD decoded into the typed
//                contexts of smmu_ctx.vh (the stage-1 one is an all-zero CD's without
//                stage 1)
//   rsp_evt      when !rsp_ok: 0 = abort without event (STE.Config = abort, or a bad
//                StreamID with CR2.RECINVSID = 0), else the event type
//   rsp_record   the event is to be recorded (C_BAD_STREAMID only with RECINVSID; a
//                stage-2 fault of the nested CD fetch as the walker says, s2_rsp_record)
//   rsp_s2, rsp_class  1 and CD (0) for stage-2 faults of the CD fetch, else 0
//   rsp_addr     FetchAddr (F_STE_FETCH: STE or L1STD address; F_CD_FETCH: CD PA); for
//                stage-2 faults of the CD fetch the walker's s2_rsp_addr (the CD IPA, or
//                the descriptor's FetchAddr for F_WALK_EABT)
//   rsp_sctx/rsp_s1ctx stay valid while rsp_valid (they are the entry's decode).
// Decode once: the cache holds the raw dwords (the fill writes them beat by beat), and the
// one smmu_ste_decode / smmu_cd_decode pair here, on the entry being answered, serves the
// fetch's checks and every consumer: smmu_xlate and its walkers take the contexts and
// decode nothing again. StreamWorld follows SMMU_CR2.E2H as it is now (as before, when
// each consumer decoded the raw STE itself).
// s2_req_sctx: the stream context of the nested CD address's stage-2 translation.
// Checks in priority order (7.3.22): StreamID >= 2^min(LOG2SIZE, SID_W) -> C_BAD_STREAMID;
// 2-level: abort on the L1STD read -> F_STE_FETCH, Span = 0, reserved (> 11), > SPLIT + 1
// or StreamID[SPLIT-1:0] >= 2^(Span-1) -> C_BAD_STREAMID; abort on the STE read ->
// F_STE_FETCH; ste_bad -> C_BAD_STE; Config = abort -> no event; nested: stage-2 fault of
// the CD address; abort on the CD read -> F_CD_FETCH; cd_bad -> C_BAD_CD.
// lk_ssv (the transaction presents a SubstreamID; SSIDSIZE = 0) -> C_BAD_SUBSTREAMID right
// after the STE is validated and found not to abort, before any CD fetch (7.3.22), on a
// cache hit too; Config = abort still aborts without an event (as the reference model).
//
// Invalidation (inv_*, always ready, one cycle): CFGI_STE, CFGI_CD, CFGI_CD_ALL drop the
// StreamID's entry (the entry holds STE and CD together); CFGI_STE_RANGE drops the aligned
// 2^(RANGE+1) StreamIDs (RANGE = 31: all); every other opcode is accepted and ignored.
// A CFGI (or flush) while a miss is being served lets the lookup answer but stops it from
// filling the cache, so no stale entry survives the CMD_SYNC that follows.
// flush: drop every entry (for instance while SMMUEN = 0).
// busy: a lookup is being served (any state but idle).
// fetch_cnt: memory reads issued (L1STD, STE and CD each count one), for tests.
module smmu_cfg #(
    parameter SID_W       = 16,
    parameter PA_W        = 48,
    parameter CFG_ENTRIES = 8,
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
    // performance events (smmu_pmcg): a lookup that misses the cache and starts a fetch
    // (this cycle, with lk_sid), and the StreamID the current fetch is for
    output wire             ev_miss,
    output wire [SID_W-1:0] cur_sid
);
    `include "smmu_regs.vh"
    `include "smmu_amba.vh"
    `include "smmu_ctx.vh"

    generate
        if (SCTX_BITS != SCTX_W || S1CTX_BITS != S1CTX_W) begin : g_ctx_bits_mismatch
            // Elaboration stops here: a port width disagrees with smmu_ctx.vh
            smmu_cfg_CTX_BITS_must_equal_smmu_ctx_vh u_err ();
        end
    endgenerate

    localparam N  = CFG_ENTRIES;
    localparam IW = (N <= 2) ? 1 : $clog2(N);
    localparam [31:0] LAST = N - 1;

    localparam [3:0] S_IDLE = 4'd0, S_L1_REQ = 4'd1, S_L1_DATA = 4'd2, S_STE_REQ = 4'd3,
                     S_STE_DATA = 4'd4, S_STE_CHK = 4'd5, S_S2_REQ = 4'd6, S_S2_RSP = 4'd7,
                     S_CD_REQ = 4'd8, S_CD_DATA = 4'd9, S_CD_CHK = 4'd10, S_RSP = 4'd11;

    reg [3:0]       state;
    reg [SID_W-1:0] sid_q;
    reg             ssv_q;
    reg [IW-1:0]    idx_q;        // entry being answered from / filled
    reg [63:0]      addr_q;       // address of the structure being fetched
    reg [1:0]       beat;
    reg             fetch_err;
    reg             raced;        // a CFGI arrived while this miss was served
    reg [IW-1:0]    rr;

    // ---------------- entries ----------------
    reg [N-1:0]     e_v;
    reg [N-1:0]     e_ab;         // STE.Config = abort (valid, cached, no translation)
    reg [SID_W-1:0] e_sid [0:N-1];
    reg [255:0]     e_ste [0:N-1];
    reg [255:0]     e_cd  [0:N-1];

    wire [255:0] cur_ste = e_ste[idx_q];
    wire [255:0] cur_cd  = e_cd[idx_q];

    // ---------------- decode, once (smmu_ctx_decode) ----------------
    wire                  d_ste_bad, c_cd_bad;
    wire [2:0]            d_cfg;
    wire [PA_W-1:0]       d_cd_ptr;
    wire [SCTX_W-1:0]     sctx;
    wire [S1CTX_W-1:0]    s1ctx;
    smmu_ctx_decode #(
        .PA_W(PA_W), .HYP(HYP), .FWB(FWB), .ATTR_OVR(ATTR_OVR), .S1P(S1P), .S2P(S2P),
        .GRAN16K(GRAN16K), .GRAN64K(GRAN64K), .SCTX_BITS(SCTX_W), .S1CTX_BITS(S1CTX_W)
    ) u_dec (
        .ste(cur_ste), .cd(cur_cd), .cr2_e2h(cr2_e2h),
        .ste_bad(d_ste_bad), .cfg(d_cfg), .cd_ptr(d_cd_ptr), .cd_bad(c_cd_bad),
        .sctx(sctx), .s1ctx(s1ctx)
    );
    // what the fetch itself needs of the stream context
    wire       d_s1_en = sctx[SCTX_S1_EN_LSB];
    wire       d_s2_en = sctx[SCTX_S2_EN_LSB];
    wire       d_s2fwb = sctx[SCTX_S2FWB_LSB];
    wire [1:0] d_s1cir = sctx[SCTX_S1CIR_LSB +: SCTX_S1CIR_W];
    wire [1:0] d_s1cor = sctx[SCTX_S1COR_LSB +: SCTX_S1COR_W];
    wire [1:0] d_s1csh = sctx[SCTX_S1CSH_LSB +: SCTX_S1CSH_W];

    // ---------------- stream table geometry ----------------
    wire [5:0] lg_cfg = strtab_base_cfg[SMMU_STRTAB_BASE_CFG_LOG2SIZE_LSB +:
                                        SMMU_STRTAB_BASE_CFG_LOG2SIZE_W];
    localparam [5:0] SID_W6 = SID_W[5:0];  // SID_W <= 32 (IDR1.SIDSIZE)
    wire [5:0] lg_eff = (lg_cfg > SID_W6) ? SID_W6 : lg_cfg;
    wire [1:0] fmt    = strtab_base_cfg[SMMU_STRTAB_BASE_CFG_FMT_LSB +:
                                        SMMU_STRTAB_BASE_CFG_FMT_W];
    wire       two_lvl = (ST_LEVEL_2 != 0) && (fmt == 2'b01);   // other FMT: linear
    wire [4:0] split_r = strtab_base_cfg[SMMU_STRTAB_BASE_CFG_SPLIT_LSB +:
                                         SMMU_STRTAB_BASE_CFG_SPLIT_W];
    wire [4:0] split   = (split_r == 5'd8 || split_r == 5'd10) ? split_r : 5'd6;
    wire [63:0] tbase  = {8'd0, strtab_base[SMMU_STRTAB_BASE_ADDR_LSB +:
                                            SMMU_STRTAB_BASE_ADDR_W], 6'd0};

    wire [63:0] sid64   = {{(64-SID_W){1'b0}}, lk_sid};
    wire        sid_oor = (sid64 >> lg_eff) != 64'd0;
    // Linear: base aligned to the literal LOG2SIZE (6.3.24), STE at base + SID * 64
    wire [63:0] lin_ste = (tbase & (~64'd0 << ({1'b0, lg_cfg} + 7'd6))) | (sid64 << 6);
    // 2-level: L1 table aligned to MAX(64 B, its size 2^(LOG2SIZE - SPLIT + 3))
    wire [6:0]  l1_sh   = ({1'b0, lg_cfg} >= {2'b0, split} + 7'd3) ?
                          {1'b0, lg_cfg} - {2'b0, split} + 7'd3 : 7'd6;
    wire [63:0] l1_addr = (tbase & (~64'd0 << l1_sh)) | ((sid64 >> split) << 3);

    // L1STD (5.1): Span 1..11 and <= SPLIT + 1; StreamID[SPLIT-1:0] < 2^(Span-1);
    // the level-2 array is aligned to its size (L2Ptr[5 + Span - 1:0] taken as 0)
    wire [4:0]  span    = rd_data[L1STD_SPAN_LSB +: L1STD_SPAN_W];
    wire [63:0] l2ptr   = {8'd0, rd_data[L1STD_L2PTR_LSB +: L1STD_L2PTR_W], 6'd0};
    wire [63:0] sidq64  = {{(64-SID_W){1'b0}}, sid_q};
    wire [63:0] sid_lo  = sidq64 & ~(~64'd0 << split);
    wire        span_bad = (span == 5'd0) || (span > 5'd11) || (span > split + 5'd1) ||
                           ((sid_lo >> (span - 5'd1)) != 64'd0);
    wire [63:0] l2_ste  = (l2ptr & (~64'd0 << ({2'b0, span} + 7'd5))) | (sid_lo << 6);

    // ---------------- hit ----------------
    reg [N-1:0]  hit_v;
    reg [IW-1:0] hit_idx, free_idx;
    reg          any_free;
    integer i;
    always @* begin
        hit_idx  = {IW{1'b0}};
        free_idx = {IW{1'b0}};
        any_free = 1'b0;
        for (i = N - 1; i >= 0; i = i - 1) begin
            hit_v[i] = e_v[i] && e_sid[i] == lk_sid;
            if (hit_v[i]) hit_idx = i[IW-1:0];
            if (!e_v[i]) begin
                any_free = 1'b1;
                free_idx = i[IW-1:0];
            end
        end
    end
    wire          hit  = |hit_v;
    wire [IW-1:0] vict = any_free ? free_idx : rr;

    // ---------------- invalidation ----------------
    wire [7:0]  i_op    = inv_cmd[CMD_OPCODE_LSB +: CMD_OPCODE_W];
    wire [31:0] i_sid   = inv_cmd[CMD_SID_LSB +: CMD_SID_W];
    wire [4:0]  i_range = inv_cmd[CMD_RANGE_LSB +: CMD_RANGE_W];
    // CFGI_STE_RANGE ignores the low RANGE + 1 bits (RANGE = 31: every StreamID)
    wire [31:0] i_mask  = (i_op == CMD_OP_CFGI_STE_RANGE) ?
                          ~({32{1'b1}} >> (6'd31 - {1'b0, i_range})) : {32{1'b1}};
    wire        i_cfgi  = (i_op == CMD_OP_CFGI_STE) || (i_op == CMD_OP_CFGI_STE_RANGE) ||
                          (i_op == CMD_OP_CFGI_CD) || (i_op == CMD_OP_CFGI_CD_ALL);
    wire        i_fire  = inv_valid && i_cfgi;
    reg [N-1:0] i_hit;
    always @* begin
        for (i = 0; i < N; i = i + 1)
            i_hit[i] = (({{(33-SID_W){1'b0}}, e_sid[i]} ^ {1'b0, i_sid}) & {1'b0, i_mask}) == 33'd0;
    end
    wire        drop    = i_fire || flush;        // the cache changes this cycle
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
    reg  [3:0] s2_memattr_q;
    reg  [1:0] s2_sh_q;
    wire [7:0] cd_attr, cd_attr_out;
    wire [1:0] cd_sh_out, cd_dom_out;
    wire [3:0] cd_cache;
    assign cd_attr = {wnib(d_s1cor), wnib(d_s1cir)};
    smmu_attr #(.FWB(FWB)) u_cd_attr (
        .s1_en(1'b0), .s2_en(d_s2_en), .s2fwb(d_s2fwb), .is_read(1'b1),
        .in_attr(cd_attr), .in_sh(d_s1csh), .s1_mair(8'h00), .s1_sh(2'b00),
        .s2_memattr(s2_memattr_q), .s2_sh(s2_sh_q), .nosnoop(1'b0), .canwbs(1'b0),
        .out_attr(cd_attr_out), .out_sh(cd_sh_out), .out_cache(cd_cache),
        .out_domain(cd_dom_out));

    wire in_cd = (state == S_CD_REQ);
    assign rd_req_valid = (state == S_L1_REQ) || (state == S_STE_REQ) || in_cd;
    assign rd_req_addr  = addr_q[PA_W-1:0];
    assign rd_req_len   = (state == S_L1_REQ) ? 8'd0 : 8'd3;
    assign rd_req_cache = in_cd ? cd_cache : tbl_cache;
    assign rd_req_domain = in_cd ? cd_dom_out : tbl_domain;

    // Write one beat into dword `beat` of a 256-bit entry image
    function [255:0] put_dw(input [255:0] old, input [1:0] b, input [63:0] d);
        put_dw = (old & ~({192'd0, {64{1'b1}}} << {b, 6'd0})) | ({192'd0, d} << {b, 6'd0});
    endfunction

    // ---------------- stage-2 service (nested CD address) ----------------
    assign s2_req_valid = (state == S_S2_REQ);
    assign s2_req_sctx  = sctx;
    assign s2_req_ipa   = {{(64-PA_W){1'b0}}, d_cd_ptr};
    assign s2_rsp_ready = (state == S_S2_RSP);

    // a lookup is taken when idle, or as the current response is taken
    wire   lk_take   = (state == S_IDLE) || (state == S_RSP && rsp_ready);
    assign lk_ready  = lk_take;
    wire   lk_new    = lk_take && lk_valid;
    assign ev_miss   = lk_new && !hit && !sid_oor;
    assign cur_sid   = sid_q;
    assign rsp_valid = (state == S_RSP);
    assign rsp_sctx  = sctx;
    assign rsp_s1ctx = s1ctx;
    assign busy      = (state != S_IDLE);

    // ---------------- control ----------------
    always @(posedge clk) begin
        if (!rst_n) begin
            state      <= S_IDLE;
            sid_q      <= {SID_W{1'b0}};
            ssv_q      <= 1'b0;
            idx_q      <= {IW{1'b0}};
            addr_q     <= 64'd0;
            beat       <= 2'd0;
            fetch_err  <= 1'b0;
            raced      <= 1'b0;
            rr         <= {IW{1'b0}};
            e_v        <= {N{1'b0}};
            e_ab       <= {N{1'b0}};
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
                rsp_s2     <= 1'b0;
                rsp_class  <= 2'd0;
                rsp_addr   <= 64'd0;
                rsp_record <= 1'b0;
                rsp_evt    <= 8'd0;
                rsp_ok     <= 1'b0;
                if (hit) begin
                    idx_q  <= hit_idx;
                    rsp_ok <= !e_ab[hit_idx] && !lk_ssv;
                    if (!e_ab[hit_idx] && lk_ssv) begin
                        rsp_evt    <= EVT_C_BAD_SUBSTREAMID;
                        rsp_record <= 1'b1;
                    end
                    state  <= S_RSP;
                end else if (sid_oor) begin
                    rsp_evt    <= cr2_recinvsid ? EVT_C_BAD_STREAMID : 8'd0;
                    rsp_record <= cr2_recinvsid;
                    state      <= S_RSP;
                end else begin
                    idx_q  <= vict;
                    raced  <= drop;
                    addr_q <= two_lvl ? l1_addr : lin_ste;
                    state  <= two_lvl ? S_L1_REQ : S_STE_REQ;
                    if (!any_free) rr <= (rr == LAST[IW-1:0]) ? {IW{1'b0}} : rr + 1'b1;
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
                        end else if (span_bad) begin
                            rsp_evt    <= cr2_recinvsid ? EVT_C_BAD_STREAMID : 8'd0;
                            rsp_record <= cr2_recinvsid;
                            state      <= S_RSP;
                        end else begin
                            addr_q <= l2_ste;
                            state  <= S_STE_REQ;
                        end
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
                    if (d_ste_bad) begin
                        rsp_evt    <= EVT_C_BAD_STE;
                        rsp_record <= 1'b1;
                        state      <= S_RSP;
                    end else if (d_cfg != 3'd0 && ssv_q) begin
                        // a bypass or stage-2 STE is still cached below
                        rsp_evt    <= EVT_C_BAD_SUBSTREAMID;
                        rsp_record <= 1'b1;
                        state      <= S_RSP;
                    end else if (d_s1_en) begin
                        addr_q <= {{(64-PA_W){1'b0}}, d_cd_ptr};
                        state  <= d_s2_en ? S_S2_REQ : S_CD_REQ;
                    end else begin
                        // bypass, stage 2 only, or Config = abort (no event): cacheable
                        rsp_ok <= (d_cfg != 3'd0);
                        state  <= S_RSP;
                    end
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
                    if (c_cd_bad) begin
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

            // Invalidation first, then the fill (which never races one: see `drop`)
            if (i_fire) e_v <= e_v & ~i_hit;
            if (lk_new && !hit && !sid_oor)
                e_v[vict] <= 1'b0;                      // victim rewritten from now on
            if (!raced && !drop &&
                ((state == S_STE_CHK && !d_ste_bad && !d_s1_en) ||
                 (state == S_CD_CHK && !c_cd_bad))) begin
                e_v[idx_q]  <= 1'b1;
                e_ab[idx_q] <= (state == S_STE_CHK) && (d_cfg == 3'd0);
            end
            if (flush) e_v <= {N{1'b0}};
        end
    end

    // Entry storage: no reset, e_v guards it
    always @(posedge clk) begin
        if (lk_new && !hit && !sid_oor)
            e_sid[vict] <= lk_sid;
        if (state == S_STE_DATA && rd_valid)
            e_ste[idx_q] <= put_dw(cur_ste, beat, rd_data);
        if (state == S_STE_CHK)
            e_cd[idx_q] <= 256'd0;                      // no stale CD behind a new STE
        if (state == S_CD_DATA && rd_valid)
            e_cd[idx_q] <= put_dw(cur_cd, beat, rd_data);
    end

    // The contexts go out whole (the fetch reads a few fields); the upper address bits
    // above the OAS are RES0.
    /* verilator lint_off UNUSEDSIGNAL */
    wire unused_ok = &{1'b0, strtab_base, strtab_base_cfg, inv_cmd, rd_data, cd_attr_out,
                       cd_sh_out, sid64, sidq64, l2ptr};
    /* verilator lint_on UNUSEDSIGNAL */
endmodule
