// smmu_pmcg: one Performance Monitor Counter Group (IHI 0070 chapter 10).
//
// Register frames (offsets from the SMMU base, rtl/data/smmu_regs.toml): page 0 at
// 0x02000 (EVTYPERn, SMRn, CNTEN/INTEN SET/CLR, CFGR, CR, IIDR, CEID0/1, IRQ_CTRL/ACK,
// IRQ_CFG0-2, IRQ_STATUS, AIDR) and page 1 at 0x12000 (EVCNTRn, OVSCLR0, OVSSET0:
// CFGR.RELOC_CTRS = 1). The frames share smmu_regs' AXI4-Lite slave: reg_we/waddr/
// wdata/wstrb is its write (one 64-bit beat, a 32-bit register written when all four
// strobes of its lane are set) and reg_raddr its read address (reg_re: a read this
// cycle); reg_rdata answers in the same cycle and is 0 outside the frames (and without
// reg_re). Undefined offsets in the frames read 0 and ignore writes.
//
// Counters: NCTR (4..32) of CTR_W bits (32, 36, 40, 44, 48 or 64; CFGR.SIZE = CTR_W - 1;
// EVCNTRn is a 64-bit register on an 8-byte stride when CTR_W > 32). Counter n counts
// when CR.E and CNTEN[n]; it adds, each cycle, the events of its EVTYPERn.EVENT that
// pass its StreamID filter (SID_FILTER_TYPE = 0: SMRn and EVTYPERn.FILTER_SID_SPAN per
// counter). Events (ev_valid lanes, each with its StreamID; 10.3):
//   0 clock cycle: every cycle of clk (not filtered)
//   1 transaction: lanes 0 and 1, the client port's read and write address handshakes
//   2 TLB miss: lane 2, the translation unit deciding a walk (or to wait for one)
//   3 configuration cache miss: lane 3, a configuration lookup that starts a fetch
//   4 table walk access: lane 4, a walker's read on the table master
//   5 configuration structure access: lane 5, a configuration read on the table master
// Other EVENT numbers count nothing (CEID0 = 0x3F). A counter written by software in a
// cycle takes the written value (that cycle's events are lost for it). Passing the
// maximum sets OVS[n]; with INTEN[n] and IRQ_CTRLACK.IRQEN that overflow pulses irq (the
// wired interrupt) and triggers the MSI (smmu_msi source, msi_* below); OVSSET0 writes
// raise no interrupt (an IMPLEMENTATION SPECIFIC choice, 10.5.2.10).
// MSI (MSI = 1, CFGR.MSI): IRQ_CFG0-2 Guarded by IRQ_CTRL.IRQEN and its ACK (writes
// IGNORED while either is 1); IRQ_CTRLACK.IRQEN falls only once msi_busy is clear (the
// group's MSIs completed, 10.5.2.19); msi_abt (an MSI got an error response) sets
// IRQ_STATUS.IRQ_ABT, which the IRQEN 0 -> 1 Update clears.
module smmu_pmcg #(
    parameter SID_W    = 16,
    parameter PA_W     = 48,
    parameter NCTR     = 8,
    parameter CTR_W    = 32,
    parameter MSI      = 1,
    parameter [31:0] IIDR_VAL = 32'h0010_0000     // the SMMU's IIDR
) (
    input  wire                 clk,
    input  wire                 rst_n,

    input  wire                 reg_we,
    input  wire [16:3]          reg_waddr,
    input  wire [63:0]          reg_wdata,
    input  wire [7:0]           reg_wstrb,
    input  wire                 reg_re,       // a read this cycle (else reg_rdata is 0)
    input  wire [16:3]          reg_raddr,
    output reg  [63:0]          reg_rdata,

    input  wire [5:0]           ev_valid,
    input  wire [6*SID_W-1:0]   ev_sid,

    output reg                  irq,
    output wire                 msi_en,       // IRQ_CTRL.IRQEN as written
    output wire [PA_W-1:2]      msi_addr,
    output wire [31:0]          msi_data,
    output wire [5:0]           msi_attr,
    input  wire                 msi_busy,
    input  wire                 msi_abt,
    input  wire [7:0]           aidr          // the SMMU's AIDR (SMMU_PMCG_AIDR reports it)
);
    `include "smmu_regs.vh"

    localparam NL = 6;
    localparam [16:0] P1 = 17'h12000;   // page 1 (page 0 at 0x02000)
    localparam WIDE = (CTR_W > 32);
    localparam [63:0] PA_M  = (64'd1 << PA_W) - 64'd1;
    localparam [63:0] MSIA_M = (MSI != 0) ? (SMMU_PMCG_IRQ_CFG0_WMASK & PA_M) : 64'd0;
    localparam [31:0] MSID_M = (MSI != 0) ? SMMU_PMCG_IRQ_CFG1_WMASK : 32'd0;
    localparam [31:0] MSIT_M = (MSI != 0) ? SMMU_PMCG_IRQ_CFG2_WMASK : 32'd0;
    localparam [31:0] NCTR32 = NCTR - 1;
    localparam [31:0] SIZE32 = CTR_W - 1;
    localparam [31:0] CFGR_VAL =
        ((MSI != 0 ? 32'd1 : 32'd0) << SMMU_PMCG_CFGR_MSI_LSB) |
        (32'd1 << SMMU_PMCG_CFGR_RELOC_CTRS_LSB) |
        (SIZE32 << SMMU_PMCG_CFGR_SIZE_LSB) |
        (NCTR32 << SMMU_PMCG_CFGR_NCTR_LSB);
    localparam [63:0] CEID0_VAL = 64'h3f;

    // ---------------- state ----------------
    reg              cr_e;
    reg [NCTR-1:0]   cnten, inten, ovs;
    reg [15:0]       evtype [0:NCTR-1];
    reg [NCTR-1:0]   span;
    reg [SID_W-1:0]  smr    [0:NCTR-1];
    reg [CTR_W-1:0]  cnt    [0:NCTR-1];
    reg              irq_ctrl, irq_ack, irq_abt;
    reg [63:0]       cfg0;
    reg [31:0]       cfg1, cfg2;

    assign msi_en   = irq_ctrl;
    assign msi_addr = cfg0[PA_W-1:2];
    assign msi_data = cfg1;
    assign msi_attr = cfg2[5:0];
    wire guard = irq_ctrl || irq_ack;

    // ---------------- counting ----------------
    // StreamID filter of counter n: exact, or a span: the trailing ones of SMRn and the 0
    // above them are ignored (smr ^ (smr + 1) is that mask; all ones: every StreamID)
    function match(input [SID_W-1:0] sid, input [SID_W-1:0] f, input sp);
        reg [SID_W-1:0] m;
        begin
            m = sp ? (f ^ (f + 1'b1)) : {SID_W{1'b0}};
            match = ((sid ^ f) & ~m) == {SID_W{1'b0}};
        end
    endfunction

    // lane k (ev_valid[k]) passes counter n's StreamID filter
    function lane_hit(input integer k, input [NL-1:0] ev, input [NL*SID_W-1:0] sids,
                      input [SID_W-1:0] f, input sp);
        lane_hit = ev[k] && match(sids[k*SID_W +: SID_W], f, sp);
    endfunction

    // Per counter, only the lanes of its event are looked at (event 1: lanes 0 and 1;
    // events 2..5: lane 2..5), and only while it counts.
    // A counter passes its maximum when it adds 1 at the maximum or 2 at one below it:
    // two compares of the counter alone (registers), so the overflow is not the carry
    // out of the increment's adder after the event lanes and the StreamID filter.
    reg [2:0]        inc    [0:NCTR-1];   // events this cycle (at most 2: lanes 0 and 1)
    reg [NCTR-1:0]   ovf;                 // counter n passes its maximum this cycle
    reg [NCTR-1:0]   at_max, at_max1;     // counter n is at its maximum / one below
    localparam [CTR_W-1:0] CMAX = {CTR_W{1'b1}};
    integer n, cn;   // n: the increments (combinational); cn: the counters (clocked)
    always @* begin
        for (n = 0; n < NCTR; n = n + 1) begin
            at_max[n]  = cnt[n] == CMAX;
            at_max1[n] = cnt[n] == CMAX - 1'b1;
        end
        for (n = 0; n < NCTR; n = n + 1) begin
            inc[n] = 3'd0;
            ovf[n] = 1'b0;
            if (cr_e && cnten[n]) begin
                case (evtype[n])
                    16'd0: inc[n] = 3'd1;
                    16'd1: inc[n] = {2'b00, lane_hit(0, ev_valid, ev_sid, smr[n], span[n])} +
                                    {2'b00, lane_hit(1, ev_valid, ev_sid, smr[n], span[n])};
                    16'd2, 16'd3, 16'd4, 16'd5:
                           inc[n] = {2'b00, lane_hit({29'd0, evtype[n][2:0]}, ev_valid,
                                                     ev_sid, smr[n], span[n])};
                    default: ;
                endcase
                ovf[n] = (at_max[n] && inc[n] != 3'd0) || (at_max1[n] && inc[n][1]);
            end
        end
    end

    // ---------------- register writes ----------------
    // (the helper functions below take whole words and use some of their bits)
    /* verilator lint_off UNUSEDSIGNAL */
    // the access writes the 32-bit register at byte offset a (its lane: a[2])
    // (the bus is passed in: Yosys evaluates a function of constant arguments as a
    // constant function, which may not read module signals)
    function we32(input [16:0] a, input we, input [16:3] wa, input [7:0] ws);
        we32 = we && (wa == a[16:3]) && (a[2] ? (&ws[7:4]) : (&ws[3:0]));
    endfunction
    function [31:0] wd32(input [16:0] a, input [63:0] d);
        wd32 = a[2] ? d[63:32] : d[31:0];
    endfunction
    // the page-1 offset of counter n's low and high words
    function [16:0] ctr_off(input integer idx, input hi);
        reg [31:0] t;
        begin
            t = {15'd0, P1} + (WIDE ? (idx * 8 + (hi ? 32'd4 : 32'd0)) : idx * 4);
            ctr_off = t[16:0];
        end
    endfunction
    // register n of an array on a 4-byte stride from base
    function [16:0] at4(input [16:0] base, input integer idx);
        reg [31:0] t;
        begin
            t = {15'd0, base} + idx * 4;
            at4 = t[16:0];
        end
    endfunction

    reg [63:0] bm_set_en, bm_clr_en, bm_set_int, bm_clr_int, bm_set_ovs, bm_clr_ovs;
    integer l, rl;   // l: the bitmap writes; rl: the register read (two blocks)
    always @* begin
        bm_set_en = 64'd0; bm_clr_en = 64'd0; bm_set_int = 64'd0; bm_clr_int = 64'd0;
        bm_set_ovs = 64'd0; bm_clr_ovs = 64'd0;
        l = 0;
        if (reg_we) for (l = 0; l < 2; l = l + 1) begin
            if (we32(at4(SMMU_PMCG_CNTENSET0, l), reg_we, reg_waddr, reg_wstrb)) bm_set_en[l*32 +: 32]  = wd32(at4(SMMU_PMCG_CNTENSET0, l), reg_wdata);
            if (we32(at4(SMMU_PMCG_CNTENCLR0, l), reg_we, reg_waddr, reg_wstrb)) bm_clr_en[l*32 +: 32]  = wd32(at4(SMMU_PMCG_CNTENCLR0, l), reg_wdata);
            if (we32(at4(SMMU_PMCG_INTENSET0, l), reg_we, reg_waddr, reg_wstrb)) bm_set_int[l*32 +: 32] = wd32(at4(SMMU_PMCG_INTENSET0, l), reg_wdata);
            if (we32(at4(SMMU_PMCG_INTENCLR0, l), reg_we, reg_waddr, reg_wstrb)) bm_clr_int[l*32 +: 32] = wd32(at4(SMMU_PMCG_INTENCLR0, l), reg_wdata);
            if (we32(at4(SMMU_PMCG_OVSSET0, l), reg_we, reg_waddr, reg_wstrb))   bm_set_ovs[l*32 +: 32] = wd32(at4(SMMU_PMCG_OVSSET0, l), reg_wdata);
            if (we32(at4(SMMU_PMCG_OVSCLR0, l), reg_we, reg_waddr, reg_wstrb))   bm_clr_ovs[l*32 +: 32] = wd32(at4(SMMU_PMCG_OVSCLR0, l), reg_wdata);
        end
    end

    wire [NCTR-1:0] irq_ovf = ovf & inten;
    // field extraction of a written word
    function wbit(input [31:0] w, input integer b);
        wbit = |((w >> b) & 32'd1);
    endfunction
    function [SID_W-1:0] wsid(input [31:0] w);
        wsid = w[SID_W-1:0];
    endfunction
    function [15:0] wevt(input [31:0] w);
        wevt = w[15:0];
    endfunction
    // a counter with its low / high word replaced
    function [CTR_W-1:0] put_lo(input [CTR_W-1:0] c, input [31:0] d);
        reg [127:0] t;
        begin
            t = ({{(128 - CTR_W){1'b0}}, c} & ~{96'd0, 32'hffff_ffff}) | {96'd0, d};
            put_lo = t[CTR_W-1:0];
        end
    endfunction
    function [CTR_W-1:0] put_hi(input [CTR_W-1:0] c, input [31:0] d);
        reg [127:0] t;
        begin
            t = ({{(128 - CTR_W){1'b0}}, c} & {96'd0, 32'hffff_ffff}) | {64'd0, d, 32'd0};
            put_hi = t[CTR_W-1:0];
        end
    endfunction

    always @(posedge clk) begin
        if (!rst_n) begin
            cr_e     <= 1'b0;
            cnten    <= {NCTR{1'b0}};
            inten    <= {NCTR{1'b0}};
            ovs      <= {NCTR{1'b0}};
            span     <= {NCTR{1'b0}};
            irq_ctrl <= 1'b0;
            irq_ack  <= 1'b0;
            irq_abt  <= 1'b0;
            cfg0     <= 64'd0;
            cfg1     <= 32'd0;
            cfg2     <= 32'd0;
            irq      <= 1'b0;
            for (cn = 0; cn < NCTR; cn = cn + 1) begin
                evtype[cn] <= 16'd0;
                smr[cn]    <= {SID_W{1'b0}};
                cnt[cn]    <= {CTR_W{1'b0}};
            end
        end else begin
            // counters: the events, or a software write
            // (each only when it counts: the simulator skips the others' adders)
            for (cn = 0; cn < NCTR; cn = cn + 1)
                if (inc[cn] != 3'd0)
                    cnt[cn] <= cnt[cn] + {{(CTR_W - 3){1'b0}}, inc[cn]};
            // (the per-register decode only in a cycle with a write)
            if (reg_we) for (cn = 0; cn < NCTR; cn = cn + 1) begin
                if (we32(ctr_off(cn, 1'b0), reg_we, reg_waddr, reg_wstrb) && WIDE && we32(ctr_off(cn, 1'b1), reg_we, reg_waddr, reg_wstrb))
                    cnt[cn] <= put_hi(put_lo(cnt[cn], wd32(ctr_off(cn, 1'b0), reg_wdata)), wd32(ctr_off(cn, 1'b1), reg_wdata));
                else if (we32(ctr_off(cn, 1'b0), reg_we, reg_waddr, reg_wstrb))
                    cnt[cn] <= put_lo(cnt[cn], wd32(ctr_off(cn, 1'b0), reg_wdata));
                else if (WIDE && we32(ctr_off(cn, 1'b1), reg_we, reg_waddr, reg_wstrb))
                    cnt[cn] <= put_hi(cnt[cn], wd32(ctr_off(cn, 1'b1), reg_wdata));
                if (we32(at4(SMMU_PMCG_EVTYPER0, cn), reg_we, reg_waddr, reg_wstrb)) begin
                    evtype[cn] <= wevt(wd32(at4(SMMU_PMCG_EVTYPER0, cn), reg_wdata));
                    span[cn]   <= wbit(wd32(at4(SMMU_PMCG_EVTYPER0, cn), reg_wdata), SMMU_PMCG_EVTYPER0_FILTER_SID_SPAN_LSB);
                end
                if (we32(at4(SMMU_PMCG_SMR0, cn), reg_we, reg_waddr, reg_wstrb))
                    smr[cn] <= wsid(wd32(at4(SMMU_PMCG_SMR0, cn), reg_wdata));
            end
            cnten <= (cnten | bm_set_en[NCTR-1:0]) & ~bm_clr_en[NCTR-1:0];
            inten <= (inten | bm_set_int[NCTR-1:0]) & ~bm_clr_int[NCTR-1:0];
            ovs   <= ((ovs | bm_set_ovs[NCTR-1:0]) & ~bm_clr_ovs[NCTR-1:0]) | ovf;
            if (we32(SMMU_PMCG_CR, reg_we, reg_waddr, reg_wstrb))
                cr_e <= wbit(wd32(SMMU_PMCG_CR, reg_wdata), SMMU_PMCG_CR_E_LSB);
            if (we32(SMMU_PMCG_IRQ_CTRL, reg_we, reg_waddr, reg_wstrb))
                irq_ctrl <= wbit(wd32(SMMU_PMCG_IRQ_CTRL, reg_wdata), SMMU_PMCG_IRQ_CTRL_IRQEN_LSB);
            // the ACK follows IRQ_CTRL, but falls only once the MSIs have completed
            irq_ack <= irq_ctrl || (irq_ack && msi_busy);
            if (irq_ctrl && !irq_ack)
                irq_abt <= 1'b0;                  // IRQEN 0 -> 1 Update
            if (msi_abt && MSI != 0)
                irq_abt <= 1'b1;
            if (!guard) begin
                if (we32(SMMU_PMCG_IRQ_CFG0, reg_we, reg_waddr, reg_wstrb))
                    cfg0[31:0]  <= wd32(SMMU_PMCG_IRQ_CFG0, reg_wdata) & MSIA_M[31:0];
                if (we32(SMMU_PMCG_IRQ_CFG0 + 17'd4, reg_we, reg_waddr, reg_wstrb))
                    cfg0[63:32] <= wd32(SMMU_PMCG_IRQ_CFG0 + 17'd4, reg_wdata) & MSIA_M[63:32];
                if (we32(SMMU_PMCG_IRQ_CFG1, reg_we, reg_waddr, reg_wstrb))
                    cfg1 <= wd32(SMMU_PMCG_IRQ_CFG1, reg_wdata) & MSID_M;
                if (we32(SMMU_PMCG_IRQ_CFG2, reg_we, reg_waddr, reg_wstrb))
                    cfg2 <= wd32(SMMU_PMCG_IRQ_CFG2, reg_wdata) & MSIT_M;
            end
            irq <= irq_ack && (irq_ovf != {NCTR{1'b0}});
        end
    end

    // ---------------- register reads ----------------
    reg [31:0] v;
    reg [16:0] ra;
    wire [63:0] cnten64 = {{(64 - NCTR){1'b0}}, cnten};
    wire [63:0] inten64 = {{(64 - NCTR){1'b0}}, inten};
    wire [63:0] ovs64   = {{(64 - NCTR){1'b0}}, ovs};
    function [63:0] c64(input [CTR_W-1:0] c);
        reg [127:0] t;
        begin
            t   = {{(128 - CTR_W){1'b0}}, c};
            c64 = t[63:0];
        end
    endfunction
    /* verilator lint_on UNUSEDSIGNAL */
    reg [63:0] cv;
    localparam CI = (NCTR <= 2) ? 1 : $clog2(NCTR);          // counter index bits
    localparam [31:0] NB4 = NCTR * 4, NB8 = NCTR * 8;         // array sizes in bytes
    localparam [16:0] NCTR4 = NB4[16:0], NCTR8 = NB8[16:0];
    reg [16:0] ro;
    always @* begin
        reg_rdata = 64'd0;
        rl = 0;
        ra = 17'd0;
        ro = 17'd0;
        v  = 32'd0;
        cv = 64'd0;
        if (reg_re) for (rl = 0; rl < 2; rl = rl + 1) begin
            ra = {reg_raddr, rl[0], 2'b00};
            v  = 32'd0;
            // the arrays: the offset from an array's base picks the counter
            ro = ra - SMMU_PMCG_EVTYPER0;
            if (ro < NCTR4)
                v = {2'b00, span[ro[CI+1:2]], 13'd0, evtype[ro[CI+1:2]]};
            ro = ra - SMMU_PMCG_SMR0;
            if (ro < NCTR4)
                v = {{(32 - SID_W){1'b0}}, smr[ro[CI+1:2]]};
            ro = ra - P1;
            if (!WIDE && ro < NCTR4) begin
                cv = c64(cnt[ro[CI+1:2]]);
                v  = cv[31:0];
            end
            if (WIDE && ro < NCTR8) begin
                cv = c64(cnt[ro[CI+2:3]]);
                v  = ro[2] ? cv[63:32] : cv[31:0];
            end
            case (ra)
                SMMU_PMCG_CNTENSET0, SMMU_PMCG_CNTENCLR0:           v = cnten64[31:0];
                SMMU_PMCG_CNTENSET0 + 17'd4, SMMU_PMCG_CNTENCLR0 + 17'd4: v = cnten64[63:32];
                SMMU_PMCG_INTENSET0, SMMU_PMCG_INTENCLR0:           v = inten64[31:0];
                SMMU_PMCG_INTENSET0 + 17'd4, SMMU_PMCG_INTENCLR0 + 17'd4: v = inten64[63:32];
                SMMU_PMCG_OVSSET0, SMMU_PMCG_OVSCLR0:               v = ovs64[31:0];
                SMMU_PMCG_OVSSET0 + 17'd4, SMMU_PMCG_OVSCLR0 + 17'd4:   v = ovs64[63:32];
                SMMU_PMCG_CFGR:           v = CFGR_VAL;
                SMMU_PMCG_CR:             v = {31'd0, cr_e};
                SMMU_PMCG_IIDR:           v = IIDR_VAL;
                SMMU_PMCG_CEID0:          v = CEID0_VAL[31:0];
                SMMU_PMCG_CEID0 + 17'd4:  v = CEID0_VAL[63:32];
                SMMU_PMCG_IRQ_CTRL:       v = {31'd0, irq_ctrl};
                SMMU_PMCG_IRQ_CTRLACK:    v = {31'd0, irq_ack};
                SMMU_PMCG_IRQ_CFG0:       v = cfg0[31:0];
                SMMU_PMCG_IRQ_CFG0 + 17'd4: v = cfg0[63:32];
                SMMU_PMCG_IRQ_CFG1:       v = cfg1;
                SMMU_PMCG_IRQ_CFG2:       v = cfg2;
                SMMU_PMCG_IRQ_STATUS:     v = {31'd0, irq_abt && MSI != 0};
                SMMU_PMCG_AIDR:           v = {24'd0, aidr};
                default: ;
            endcase
            reg_rdata[rl*32 +: 32] = v;
        end
    end

    /* verilator lint_off UNUSEDSIGNAL */
    wire unused_ok = &{1'b0, cfg0[1:0], cfg2[31:6], bm_set_en, bm_clr_en, bm_set_int,
                       bm_clr_int, bm_set_ovs, bm_clr_ovs};
    /* verilator lint_on UNUSEDSIGNAL */

`ifdef FORMAL
    // ---------------- properties ----------------
    // A counter moves by at most 2 per cycle and only while enabled; OVS bits only set by
    // an overflow or a software OVSSET0 write; the interrupt only after an enabled
    // overflow with the ACK set; the MSI configuration changes only while unguarded; the
    // ACK falls only with IRQ_CTRL 0 and no MSI busy (10.5.2.19, 10.5.2.21).
    `include "smmu_formal.vh"
    genvar fn;
    generate
        for (fn = 0; fn < NCTR; fn = fn + 1) begin : g_fctr
            // the overflow is the carry out of the counter plus its increment
            wire [CTR_W:0] f_sum = {1'b0, cnt[fn]} + {{(CTR_W - 2){1'b0}}, inc[fn]};
            always @* if (rst_n) assert(ovf[fn] == f_sum[CTR_W]);
            always @(posedge clk) if (f_run) begin
                if (!$past(cr_e && cnten[fn]) && !$past(reg_we))
                    assert(cnt[fn] == $past(cnt[fn]));
                if (ovs[fn] && !$past(ovs[fn]))
                    assert($past(ovf[fn]) || $past(bm_set_ovs[fn]));
            end
        end
    endgenerate
    always @(posedge clk) if (f_run) begin
        if (irq) assert($past(irq_ack) && $past(irq_ovf != {NCTR{1'b0}}));
        if ($past(guard)) assert($stable(cfg0) && $stable(cfg1) && $stable(cfg2));
        if ($past(irq_ack) && !irq_ack) assert(!$past(irq_ctrl) && !$past(msi_busy));
    end
`endif
endmodule
