// smmu_xlate: the translation unit for SMMUEN = 1 (docs/translation.md; IHI 0070 3.3, 3.4,
// 5.2, 5.4, 7.3, 13). One translation at a time over a request/response handshake, so a
// later issue can pipeline it without changing the client side.
//
// Flow: smmu_cfg lookup (StreamID range, stream table, STE, SSV, CD; its faults come back as
// an event description) -> STE/CD decode -> PRIVCFG/INSTCFG -> STE bypass (output size) or
// the stage-1 range check (TxSZ, TBI, EPD, VA[55]) / stage-2-only IAS check -> TLB lookup
// with the permissions re-checked for this access -> on a miss, or a hit that fails its
// permission check, a full walk (smmu_walker produces the exact fault and record, e.g. the
// IPA of a stage-2 fault, which no TLB entry holds) -> PA and attributes (smmu_attr).
// A fault aborts the transaction and, when recorded, sends one event record to the event
// queue before the response, so an event of a terminated transaction is always queued
// before the CMD_SYNC that follows it can complete (busy stays high until then).
//
// The configuration lookup's response is held (cfg_rsp_ready only with the final response)
// so the STE and CD stay readable from smmu_cfg's entry for the whole translation; no copy
// of them is kept here. smmu_cfg, smmu_walker and smmu_tlb are instantiated next to this
// block (smmu_top); this block is their controller.
//
// Request (req_*, taken in one cycle when the unit and smmu_cfg are idle):
//   rnw, sid, ssv, addr (64 bits as presented), prot (AxPROT), cache (AxCACHE),
//   domain (SH encoding: 0 NSH, 2 OSH, 3 ISH), nosnoop (raw; canwbs qualifies it here)
// Response (rsp_*, held until rsp_ready):
//   ok      1: forward to pa with cache/prot/domain (AMBA AxDOMAIN)/attr (MAIR byte);
//           0: abort (SLVERR), nothing goes downstream
// TLB fills are suppressed when an invalidation (inv_fire: the shared TLBI/CFGI
// handshake) or a flush happened since the request was accepted.
module smmu_xlate #(
    parameter SID_W     = 16,
    parameter PA_W      = 48,
    parameter FWB       = 1,
    parameter ATTR_OVR  = 1,
    parameter HYP       = 1,
    parameter XNX       = 1,
    parameter LEAF_BITS = 75   // must equal LEAF_W of smmu_leaf.vh
) (
    input  wire                 clk,
    input  wire                 rst_n,
    input  wire                 canwbs,
    input  wire                 cr2_e2h,
    input  wire                 flush,

    // client side
    input  wire                 req_valid,
    output wire                 req_ready,
    input  wire                 req_rnw,
    input  wire [SID_W-1:0]     req_sid,
    input  wire                 req_ssv,
    input  wire [63:0]          req_addr,
    input  wire [2:0]           req_prot,
    input  wire [3:0]           req_cache,
    input  wire [1:0]           req_domain,
    input  wire                 req_nosnoop,
    output wire                 rsp_valid,
    input  wire                 rsp_ready,
    output wire                 rsp_ok,
    output wire [PA_W-1:0]      rsp_pa,
    output wire [3:0]           rsp_cache,
    output wire [2:0]           rsp_prot,
    output wire [1:0]           rsp_domain,
    output wire [7:0]           rsp_attr,

    // smmu_cfg
    output wire                 cfg_lk_valid,
    input  wire                 cfg_lk_ready,
    output wire [SID_W-1:0]     cfg_lk_sid,
    output wire                 cfg_lk_ssv,
    input  wire                 cfg_rsp_valid,
    output wire                 cfg_rsp_ready,
    input  wire                 cfg_rsp_ok,
    input  wire [255:0]         cfg_rsp_ste,
    input  wire [255:0]         cfg_rsp_cd,
    input  wire [7:0]           cfg_rsp_evt,
    input  wire                 cfg_rsp_s2,
    input  wire [1:0]           cfg_rsp_class,
    input  wire [63:0]          cfg_rsp_addr,
    input  wire                 cfg_rsp_record,

    // smmu_walker (main walk port)
    output wire                 wk_valid,
    input  wire                 wk_ready,
    output wire [255:0]         wk_ste,
    output wire [255:0]         wk_cd,
    output wire                 wk_e2h,
    output wire [63:0]          wk_addr,
    output wire                 wk_rnw,
    output wire                 wk_priv,
    output wire                 wk_instr,
    input  wire                 wk_rsp_valid,
    output wire                 wk_rsp_ready,
    input  wire                 wk_rsp_fault,
    input  wire [7:0]           wk_rsp_evt,
    input  wire                 wk_rsp_s2,
    input  wire [1:0]           wk_rsp_class,
    input  wire [63:0]          wk_rsp_addr,
    input  wire                 wk_rsp_record,
    input  wire                 wk_rsp_ttrnw,
    input  wire [LEAF_BITS-1:0] wk_rsp_leaf,

    // smmu_tlb (lookup key = fill key: the configuration is held for the whole translation)
    output wire [1:0]           tlb_world,
    output wire [1:0]           tlb_stages,
    output wire [15:0]          tlb_vmid,
    output wire [15:0]          tlb_asid,
    output wire [43:0]          tlb_page,
    input  wire                 tlb_hit,
    input  wire [LEAF_BITS-1:0] tlb_leaf,
    output wire                 tlb_fill_valid,
    output wire [LEAF_BITS-1:0] tlb_fill_leaf,

    // the shared invalidation handshake (observed only)
    input  wire                 inv_fire,

    // event queue
    output wire                 evt_valid,
    input  wire                 evt_ready,
    output wire [255:0]         evt_rec,

    output wire                 busy
);
    `include "smmu_regs.vh"
    `include "smmu_leaf.vh"

    generate
        if (LEAF_BITS != LEAF_W) begin : g_leaf_bits_mismatch
            smmu_xlate_LEAF_BITS_must_equal_LEAF_W u_err ();
        end
    endgenerate

    localparam [2:0] S_IDLE = 3'd0, S_CFG = 3'd1, S_WALK = 3'd2, S_WALKW = 3'd3,
                     S_EVT = 3'd4, S_RSP = 3'd5;
    localparam [1:0] K_CFG = 2'd0, K_FETCH = 2'd1, K_XLAT = 2'd2;   // record layouts
    localparam [1:0] C_IN = EVT_CLASS_IN[1:0];
    localparam [1:0] W_EL2 = 2'd1;

    reg  [2:0]       state;
    reg              rnw_q, ssv_q, nosnoop_q, raced;
    reg  [SID_W-1:0] sid_q;
    reg  [63:0]      addr_q;
    reg  [2:0]       prot_q;
    reg  [3:0]       cache_q;
    reg  [1:0]       domain_q;
    reg              ok_q;
    reg  [LEAF_W-1:0] leaf_q;
    // the event being recorded
    reg  [7:0]       ev_type;
    reg  [1:0]       ev_kind;
    reg              ev_s2, ev_ttrnw;
    reg  [1:0]       ev_cls;
    reg  [63:0]      ev_addr;

    // ---------------- decode of the held configuration ----------------
    wire            d_s1_en, d_s2_en, d_s2fwb, d_mtcfg;
    wire [2:0]      d_cfg;
    wire [1:0]      d_world, d_shcfg, d_privcfg, d_instcfg;
    wire [3:0]      d_memattr, d_alloccfg;
    wire [15:0]     d_vmid;
    /* verilator lint_off PINCONNECTEMPTY */
    smmu_ste_decode #(.PA_W(PA_W), .HYP(HYP), .FWB(FWB), .ATTR_OVR(ATTR_OVR)) u_ste (
        .ste({256'd0, cfg_rsp_ste}), .cr2_e2h(cr2_e2h),
        .ste_bad(), .cfg(d_cfg), .s1_en(d_s1_en), .s2_en(d_s2_en), .world(d_world),
        .cd_ptr(), .s1cir(), .s1cor(), .s1csh(), .s2fwb(d_s2fwb), .mtcfg(d_mtcfg),
        .memattr(d_memattr), .alloccfg(d_alloccfg), .shcfg(d_shcfg), .privcfg(d_privcfg),
        .instcfg(d_instcfg), .vmid(d_vmid), .s2_t0sz(), .s2_ias(), .s2_tg(), .s2_sl(),
        .s2_sl_bits(),
        .s2_concat_log2(), .s2_ttb(), .s2_ps_bits(), .s2affd(), .s2ptw(), .s2r(),
        .s2ir0(), .s2or0(), .s2sh0());

    wire            c_t0_en, c_t1_en, c_tbi0, c_tbi1, c_wxn, c_pan, c_r;
    wire [5:0]      c_t0_sz, c_t1_sz;
    wire [15:0]     c_asid;
    smmu_cd_decode #(.PA_W(PA_W)) u_cd (
        .cd({256'd0, cfg_rsp_cd}), .world(d_world),
        .cd_bad(), .t0_en(c_t0_en), .t1_en(c_t1_en), .t0_sz(c_t0_sz), .t1_sz(c_t1_sz),
        .t0_tg(), .t1_tg(), .t0_sl(), .t1_sl(), .t0_sl_bits(), .t1_sl_bits(), .ttb0(), .ttb1(), .ir0(), .or0(),
        .sh0(), .ir1(), .or1(), .sh1(), .tbi0(c_tbi0), .tbi1(c_tbi1), .had0(), .had1(),
        .ips_bits(), .affd(), .wxn(c_wxn), .pan(c_pan), .r(c_r), .asid(c_asid), .mair());
    /* verilator lint_on PINCONNECTEMPTY */

    // ---------------- access properties after PRIVCFG / INSTCFG (13.1.2) ----------------
    // The decoder already reads the reserved and "use incoming" encodings as 0.
    wire priv  = d_privcfg[1] ? d_privcfg[0] : prot_q[0];
    wire instr = rnw_q && (d_instcfg[1] ? d_instcfg[0] : prot_q[2]);

    // ---------------- input checks (3.4, 3.4.1) ----------------
    wire oas_over = (addr_q >> PA_W) != 64'd0;      // beyond the OAS (= IAS)
    // Stage-1 range: VA[55] picks the half (EL2 has TTB0 only: VA[55] must be 0 there);
    // VA[top:64-TxSZ] must all equal the half bit, top = 55 with TBI else 63. A half
    // disabled by EPDx faults the same way.
    wire        el2    = (d_world == W_EL2);
    wire        half   = !el2 && addr_q[55];
    wire [5:0]  tsz    = half ? c_t1_sz : c_t0_sz;
    wire        tbi    = half ? c_tbi1 : c_tbi0;
    wire        h_en   = half ? c_t1_en : c_t0_en;
    wire [6:0]  ia     = 7'd64 - {1'b0, tsz};
    wire [63:0] hi_msk = (~64'd0 << ia) & (tbi ? {8'h00, {56{1'b1}}} : ~64'd0);
    wire        rng_bad = !h_en || ((addr_q & hi_msk) != (half ? hi_msk : 64'd0));

    // ---------------- TLB lookup and permission re-check of a hit ----------------
    assign tlb_world  = d_world;
    assign tlb_stages = {d_s2_en, d_s1_en};
    assign tlb_vmid   = d_vmid;
    assign tlb_asid   = c_asid;
    assign tlb_page   = addr_q[55:12];

    wire h1_af, h1_perm, h2_af, h2_perm;
    // The leaf's AP/PXN/UXN have the table bits folded in; AF was good when it was filled.
    smmu_perm_check #(.XNX(XNX)) u_hit_s1 (
        .stage2(1'b0), .rnw(rnw_q), .priv(priv), .instr(instr), .world(d_world),
        .ap(tlb_leaf[LEAF_S1AP_LSB +: LEAF_S1AP_W]), .pxn(tlb_leaf[LEAF_S1PXN_LSB]),
        .uxn(tlb_leaf[LEAF_S1UXN_LSB]), .ap_table(2'b00), .pxn_table(1'b0),
        .uxn_table(1'b0), .had(1'b1), .pan(c_pan), .wxn(c_wxn), .s2ap(2'b00),
        .s2xn(2'b00), .af(1'b1), .affd(1'b0), .af_fault(h1_af), .perm_fault(h1_perm));
    smmu_perm_check #(.XNX(XNX)) u_hit_s2 (
        .stage2(1'b1), .rnw(rnw_q), .priv(priv), .instr(instr), .world(d_world),
        .ap(2'b00), .pxn(1'b0), .uxn(1'b0), .ap_table(2'b00), .pxn_table(1'b0),
        .uxn_table(1'b0), .had(1'b1), .pan(1'b0), .wxn(1'b0),
        .s2ap(tlb_leaf[LEAF_S2AP_LSB +: LEAF_S2AP_W]),
        .s2xn(tlb_leaf[LEAF_S2XN_LSB +: LEAF_S2XN_W]), .af(1'b1), .affd(1'b0),
        .af_fault(h2_af), .perm_fault(h2_perm));
    wire hit_ok = tlb_hit && !(d_s1_en && (h1_af || h1_perm)) &&
                  !(d_s2_en && (h2_af || h2_perm));

    // ---------------- walker ----------------
    assign wk_valid     = (state == S_WALK);
    assign wk_ste       = cfg_rsp_ste;
    assign wk_cd        = cfg_rsp_cd;
    assign wk_e2h       = cr2_e2h;
    assign wk_addr      = addr_q;
    assign wk_rnw       = rnw_q;
    assign wk_priv      = priv;
    assign wk_instr     = instr;
    assign wk_rsp_ready = (state == S_WALKW);

    wire walk_ok = (state == S_WALKW) && wk_rsp_valid && !wk_rsp_fault;
    assign tlb_fill_valid = walk_ok && !raced && !inv_fire && !flush;
    assign tlb_fill_leaf  = wk_rsp_leaf;

    // ---------------- configuration port ----------------
    assign req_ready     = (state == S_IDLE) && cfg_lk_ready;
    assign cfg_lk_valid  = (state == S_IDLE) && req_valid;
    assign cfg_lk_sid    = req_sid;
    assign cfg_lk_ssv    = req_ssv;
    assign cfg_rsp_ready = (state == S_RSP) && rsp_ready;
    wire   acc = req_valid && req_ready;

    // ---------------- attributes ----------------
    // The incoming attribute after the STE overrides (13.1.4); No_snoop is applied last
    wire [7:0] in_attr;
    wire [1:0] in_sh;
    wire [2:0] out_prot;
    /* verilator lint_off PINCONNECTEMPTY */
    smmu_bypass_attr u_in (
        .is_read(rnw_q), .in_cache(cache_q), .in_prot(prot_q), .in_domain(domain_q),
        .nosnoop(1'b0), .mtcfg(d_mtcfg), .memattr(d_memattr), .alloccfg(d_alloccfg),
        .shcfg(d_shcfg), .privcfg(d_privcfg), .instcfg(d_instcfg),
        .out_cache(), .out_prot(out_prot), .out_domain(), .out_sh(in_sh), .out_attr(in_attr));
    /* verilator lint_on PINCONNECTEMPTY */

    // STE bypass (Config = 0b100) has both stage enables 0: smmu_attr is then the bypass
    // tail (No_snoop and the AMBA mapping) of the overridden input.
    wire [1:0] a_sh_unused;
    smmu_attr #(.FWB(FWB)) u_attr (
        .s1_en(d_s1_en), .s2_en(d_s2_en), .s2fwb(d_s2fwb), .is_read(rnw_q),
        .in_attr(in_attr), .in_sh(in_sh),
        .s1_mair(leaf_q[LEAF_S1ATTR_LSB +: LEAF_S1ATTR_W]),
        .s1_sh(leaf_q[LEAF_S1SH_LSB +: LEAF_S1SH_W]),
        .s2_memattr(leaf_q[LEAF_S2MEMATTR_LSB +: LEAF_S2MEMATTR_W]),
        .s2_sh(leaf_q[LEAF_S2SH_LSB +: LEAF_S2SH_W]),
        .nosnoop(nosnoop_q), .canwbs(canwbs),
        .out_attr(rsp_attr), .out_sh(a_sh_unused), .out_cache(rsp_cache),
        .out_domain(rsp_domain));

    // PA = leaf output address | the input's offset inside the leaf (leaf_pa of
    // smmu_leaf.vh); STE bypass passes the (OAS-checked) input through.
    wire [55:0] l_pa   = leaf_pa(leaf_q, addr_q[55:0]);
    wire        byp    = !d_s1_en && !d_s2_en;

    assign rsp_valid = (state == S_RSP);
    assign rsp_ok    = ok_q;
    assign rsp_pa    = byp ? addr_q[PA_W-1:0] : l_pa[PA_W-1:0];
    assign rsp_prot  = out_prot;

    // ---------------- event record (IHI 0070 7.3) ----------------
    localparam [63:0] OAS_MASK = (PA_W >= 64) ? ~64'd0 : ~(~64'd0 << PA_W);
    localparam [63:0] FA_MASK  = {8'd0, {53{1'b1}}, 3'd0} & OAS_MASK;   // FetchAddr[55:3]
    localparam [63:0] IPA_MASK = {8'd0, {44{1'b1}}, 12'd0} & OAS_MASK;  // IPA[55:12]
    wire [31:0] sid32  = {{(32 - SID_W){1'b0}}, sid_q};
    // C_BAD_SUBSTREAMID has no SSV bit: its SubstreamID is always valid (7.3.9)
    wire        ev_ssv = ssv_q && (ev_type != EVT_C_BAD_SUBSTREAMID);
    wire [63:0] dw0 = ({56'd0, ev_type} << EVT_TYPE_LSB) | ({63'd0, ev_ssv} << EVT_SSV_LSB) |
                      ({32'd0, sid32} << EVT_SID_LSB);
    wire [63:0] dw1 = (ev_kind != K_XLAT) ? 64'd0 :
                      ({63'd0, priv}     << (EVT_PNU_LSB - 64)) |
                      ({63'd0, instr}    << (EVT_IND_LSB - 64)) |
                      ({63'd0, rnw_q}    << (EVT_RNW_LSB - 64)) |
                      ({63'd0, ev_s2}    << (EVT_S2_LSB - 64)) |
                      ({62'd0, ev_cls}   << (EVT_CLASS_LSB - 64)) |
                      ({63'd0, ev_ttrnw} << (EVT_TTRNW_LSB - 64));
    wire [63:0] dw2 = (ev_kind == K_XLAT) ? addr_q : 64'd0;
    wire        ev_fa = (ev_kind == K_FETCH) ||
                        (ev_kind == K_XLAT && ev_type == EVT_F_WALK_EABT);
    wire [63:0] dw3 = ev_fa ? (ev_addr & FA_MASK) :
                      (ev_kind == K_XLAT && ev_s2) ? (ev_addr & IPA_MASK) : 64'd0;
    assign evt_valid = (state == S_EVT);
    assign evt_rec   = {dw3, dw2, dw1, dw0};

    assign busy = (state != S_IDLE);

    // End with a fault: record it (when recorded), then abort
    task fail(input [7:0] typ, input [1:0] kind, input s2, input [1:0] cls,
              input [63:0] addr, input ttrnw, input rec);
        begin
            ev_type  <= typ;
            ev_kind  <= kind;
            ev_s2    <= s2;
            ev_cls   <= cls;
            ev_addr  <= addr;
            ev_ttrnw <= ttrnw;
            ok_q     <= 1'b0;
            state    <= rec ? S_EVT : S_RSP;
        end
    endtask

    always @(posedge clk) begin
        if (!rst_n) begin
            state     <= S_IDLE;
            rnw_q     <= 1'b0;
            ssv_q     <= 1'b0;
            nosnoop_q <= 1'b0;
            raced     <= 1'b0;
            sid_q     <= {SID_W{1'b0}};
            addr_q    <= 64'd0;
            prot_q    <= 3'd0;
            cache_q   <= 4'd0;
            domain_q  <= 2'd0;
            ok_q      <= 1'b0;
            leaf_q    <= {LEAF_W{1'b0}};
            ev_type   <= 8'd0;
            ev_kind   <= K_CFG;
            ev_s2     <= 1'b0;
            ev_ttrnw  <= 1'b0;
            ev_cls    <= 2'd0;
            ev_addr   <= 64'd0;
        end else begin
            if (inv_fire || flush) raced <= 1'b1;
            case (state)
                S_IDLE: if (acc) begin
                    rnw_q     <= req_rnw;
                    sid_q     <= req_sid;
                    ssv_q     <= req_ssv;
                    addr_q    <= req_addr;
                    prot_q    <= req_prot;
                    cache_q   <= req_cache;
                    domain_q  <= req_domain;
                    nosnoop_q <= req_nosnoop;
                    raced     <= inv_fire || flush;
                    state     <= S_CFG;
                end

                S_CFG: if (cfg_rsp_valid) begin
                    if (!cfg_rsp_ok) begin
                        if (cfg_rsp_evt == 8'd0)
                            fail(8'd0, K_CFG, 1'b0, 2'd0, 64'd0, 1'b0, 1'b0);
                        else
                            fail(cfg_rsp_evt,
                                 cfg_rsp_s2 ? K_XLAT :
                                 (cfg_rsp_evt == EVT_F_STE_FETCH ||
                                  cfg_rsp_evt == EVT_F_CD_FETCH) ? K_FETCH : K_CFG,
                                 cfg_rsp_s2, cfg_rsp_class, cfg_rsp_addr, 1'b0,
                                 cfg_rsp_record);
                    end else if (byp) begin
                        // STE bypass: an input beyond the OAS is F_ADDR_SIZE (3.4)
                        if (oas_over) begin
                            fail(EVT_F_ADDR_SIZE, K_XLAT, 1'b0, C_IN, 64'd0, 1'b0, 1'b1);
                        end else begin
                            ok_q  <= 1'b1;
                            state <= S_RSP;
                        end
                    end else if (d_s1_en && rng_bad) begin
                        fail(EVT_F_TRANSLATION, K_XLAT, 1'b0, C_IN, 64'd0, 1'b0, c_r);
                    end else if (!d_s1_en && oas_over) begin
                        // stage 1 bypassed: an input beyond the IAS is a stage-1
                        // F_ADDR_SIZE, recorded (no CD.R to consult)
                        fail(EVT_F_ADDR_SIZE, K_XLAT, 1'b0, C_IN, 64'd0, 1'b0, 1'b1);
                    end else if (hit_ok) begin
                        leaf_q <= tlb_leaf;
                        ok_q   <= 1'b1;
                        state  <= S_RSP;
                    end else begin
                        state  <= S_WALK;
                    end
                end

                S_WALK: if (wk_ready) state <= S_WALKW;

                S_WALKW: if (wk_rsp_valid) begin
                    if (wk_rsp_fault) begin
                        // TTRnW is defined for F_PERMISSION with CLASS = TT (7.3.16)
                        fail(wk_rsp_evt, K_XLAT, wk_rsp_s2, wk_rsp_class, wk_rsp_addr,
                             wk_rsp_ttrnw && wk_rsp_evt == EVT_F_PERMISSION, wk_rsp_record);
                    end else begin
                        leaf_q <= wk_rsp_leaf;
                        ok_q   <= 1'b1;
                        state  <= S_RSP;
                    end
                end

                S_EVT: if (evt_ready) state <= S_RSP;

                S_RSP: if (rsp_ready) state <= S_IDLE;

                default: state <= S_IDLE;
            endcase
        end
    end

    // STE/CD fields this block does not use are decoded by smmu_cfg / smmu_walker; the
    // final shareability travels as AxDOMAIN; l_pa bits above the OAS are RES0.
    /* verilator lint_off UNUSEDSIGNAL */
    wire unused_ok = &{1'b0, d_cfg, a_sh_unused, l_pa, leaf_q};
    /* verilator lint_on UNUSEDSIGNAL */
endmodule
