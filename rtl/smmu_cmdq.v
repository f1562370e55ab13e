// smmu_cmdq: command-queue consumer (IHI 0070 3.5, 4).
//
// Owns SMMU_CMDQ_CONS (RD and ERR) and CR0ACK.CMDQEN. One command at a time: fetch the
// 16-byte entry at CONS (one 2-beat INCR read through the memory arbiter), decode, hand
// it over, advance CONS. Fetching several entries per burst is a later optimisation.
//
// Hand-over:
//   PREFETCH_*, CFGI_*, TLBI_*: inv_valid/inv_ready/inv_cmd ({dw1, dw0}); held until
//     ready; ready means the receivers (smmu_tlb, smmu_cfg) have taken it.
//   CMD_SYNC: sync_valid is held until sync_ready (every earlier command's effect is
//     complete, no transaction that used old state is in flight, every event of an
//     earlier terminated transaction is in the event queue or dropped). Then CONS passes
//     the CMD_SYNC, and the cycle after CONS is visible, irq_cmd_sync pulses if CS = IRQ
//     (CMD_SYNC's interrupt is not gated by IRQ_CTRL; CS = SEV acts as CS = NONE since
//     IDR0.SEV = 0). With MSI and CS = IRQ and MSIAddress != 0 (the whole field, 4.7.3)
//     the queue then asks smmu_msi for the MSI (msi_valid until msi_ready: MSIAddress
//     truncated to the OAS, MSIData, {MSH, MSIAttr}) and waits for its write to complete
//     (msi_done) before the next command, so a CMD_SYNC finds the MSIs of earlier
//     CMD_SYNCs complete; the MSI is sent after CONS has passed the CMD_SYNC (3.18).
// Errors (4.1.3, 7.1) -> CERROR_ILL: a Reserved or unimplemented opcode; CMD_SYNC.CS = 3;
// SSec = 1 on a CFGI_* or PREFETCH_* (this is the Non-secure queue, 4.1.6); a range TLBI
// (TG != 0) with NUM = SCALE = 0 and TTL = 0, where TTL = 0b01 with TG = 16 KB counts as 0
// (IDR5.DS = 0, 4.4.1.1); a command of an absent stage or of EL2 without Hyp (the
// parameters below). TG naming a granule IDR5 does not report is not illegal: only
// entries of that granule need go, there are none, and the TLB over-invalidates the
// range instead (docs/subset.md). An error response on the fetch -> CERROR_ABT.
// CONS.RD stays on the failing command, CONS.ERR is written, gerr_req pulses
// (GERROR.CMDQ_ERR), and nothing is fetched while CMDQ_ERR is active (7.5). The wait
// for GERROR to take the request is two edges and no longer; then the entry at CONS is
// fetched again once the error is inactive (software may have fixed it or moved PROD).
// CMDQEN = 0: a fetch in flight is drained and its command dropped (CONS unchanged); a
// command already handed over (inv/sync) completes; then the ack falls.
module smmu_cmdq #(
    parameter PA_W  = 48,
    parameter CMDQS = 8,
    // Implemented stages and EL2 (IDR0.S1P, S2P, Hyp): commands of an absent feature are
    // CERROR_ILL (IHI 0070 4.3.3-4: CFGI_CD* without stage 1; 4.4.2: TLBI_NH_* without
    // stage 1, TLBI_EL2_* without Hyp; 4.4.3: TLBI_S2_IPA, TLBI_S12_VMALL without stage 2)
    parameter S1P   = 1,
    parameter S2P   = 1,
    parameter HYP   = 1,
    parameter MSI   = 1     // IDR0.MSI: CMD_SYNC CS = SIG_IRQ writes its MSI
) (
    input  wire             clk,
    input  wire             rst_n,

    input  wire             en,            // CR0.CMDQEN
    input  wire [63:0]      base,          // SMMU_CMDQ_BASE
    input  wire [31:0]      prod_reg,      // SMMU_CMDQ_PROD
    input  wire [1:0]       queue_ic,      // CR1.QUEUE_IC
    input  wire [1:0]       queue_oc,      // CR1.QUEUE_OC
    input  wire [1:0]       queue_sh,      // CR1.QUEUE_SH
    input  wire             err_active,    // GERROR.CMDQ_ERR != GERRORN.CMDQ_ERR
    input  wire             cons_we,       // guarded software write of CMDQ_CONS
    input  wire [31:0]      cons_wdata,

    output reg              en_ack,        // CR0ACK.CMDQEN
    output wire [31:0]      cons,          // SMMU_CMDQ_CONS as read
    output reg              gerr_req,      // GERROR.CMDQ_ERR request (pulse)
    output reg              irq_cmd_sync,

    output wire             rd_req_valid,
    input  wire             rd_req_ready,
    output wire [PA_W-1:0]  rd_req_addr,
    output wire [7:0]       rd_req_len,
    output wire [3:0]       rd_req_cache,
    output wire [1:0]       rd_req_domain,      // AMBA AxDOMAIN
    input  wire             rd_valid,
    input  wire [63:0]      rd_data,
    input  wire             rd_last,
    input  wire             rd_err,

    output wire             inv_valid,
    input  wire             inv_ready,
    output wire [127:0]     inv_cmd,

    output wire             sync_valid,
    input  wire             sync_ready,

    output wire             msi_valid,
    input  wire             msi_ready,
    output wire [PA_W-1:2]  msi_addr,
    output wire [31:0]      msi_data,
    output wire [5:0]       msi_attr,      // {MSH, MSIAttr}
    input  wire             msi_done
);
    `include "smmu_regs.vh"
    `include "smmu_amba.vh"

    localparam IW = CMDQS + 1;             // index + wrap bit
    localparam IDR5_DS = 1'b0;             // no 52-bit addresses with 4K/16K granules

    localparam [2:0] S_IDLE = 3'd0, S_REQ = 3'd1, S_DATA = 3'd2, S_EXEC = 3'd3,
                     S_INV = 3'd4, S_SYNC = 3'd5, S_MSI = 3'd6, S_MSIW = 3'd7;

    reg [2:0]    state;
    reg [IW-1:0] rd;          // CONS.RD
    reg [6:0]    err;         // CONS.ERR
    reg          err_wait;    // error signalled, GERROR.CMDQ_ERR not yet updated
    reg [63:0]   dw0, dw1;
    reg          beat;
    reg          fetch_err;
    reg          irq_pend;

    // Effective size: min(LOG2SIZE, CMDQS)
    wire [4:0] lg_cfg = base[SMMU_CMDQ_BASE_LOG2SIZE_LSB +: SMMU_CMDQ_BASE_LOG2SIZE_W];
    localparam integer LG_MAX = CMDQS;
    wire [4:0] lg_max = LG_MAX[4:0];
    wire [4:0] lg     = (lg_cfg > lg_max) ? lg_max : lg_cfg;
    wire [IW-1:0] qmask = {IW{1'b1}} >> (lg_max - lg);     // index and wrap bits
    wire [IW-1:0] prod  = prod_reg[SMMU_CMDQ_PROD_WR_LSB +: IW] & qmask;
    wire          empty = ((prod ^ rd) & qmask) == {IW{1'b0}};

    // Entry address: base aligned to the queue size (at least 32 bytes) + index * 16
    wire [PA_W-1:0] qbase = {base[PA_W-1:5], 5'b00000};
    wire [PA_W-1:0] amask = ~(({{(PA_W-1){1'b0}}, 1'b1} << (lg + 5'd4)) - 1'b1);
    wire [PA_W-1:0] idx   = {{(PA_W-IW){1'b0}}, rd & (qmask >> 1)};
    assign rd_req_addr  = (qbase & amask) | (idx << 4);
    assign rd_req_len   = 8'd1;
    wire q_wb = (queue_ic == 2'd1) && (queue_oc == 2'd1);
    // write-back queues: CR1.QUEUE_SH; Non-cacheable ones go out as System
    assign rd_req_domain = !q_wb ? 2'd3 : amba_sh_domain(queue_sh);
    assign rd_req_cache = !q_wb ? 4'b0011 :
                          base[SMMU_CMDQ_BASE_RA_LSB] ? 4'b1111 : 4'b1011;
    assign rd_req_valid = (state == S_REQ);

    // Decode
    wire [7:0] opc   = dw0[CMD_OPCODE_LSB +: CMD_OPCODE_W];
    wire [1:0] cs    = dw0[CMD_CS_LSB +: CMD_CS_W];
    wire [127:0] cmd = {dw1, dw0};
    wire [1:0] tg    = cmd[CMD_TG_LSB +: CMD_TG_W];
    wire [1:0] ttl   = cmd[CMD_TTL_LSB +: CMD_TTL_W];
    // IDR5.DS = 0: with TG = 16 KB, TTL = 0b01 is Reserved and read as 0b00 (4.4.1.1)
    wire [1:0] ttl_eff = (tg == 2'd2 && ttl == 2'd1 && !IDR5_DS) ? 2'd0 : ttl;
    // TG != 0 with NUM = SCALE = 0 and an effective TTL of 0 is Reserved: CERROR_ILL
    wire range_bad   = (tg != 2'd0) && (cmd[CMD_NUM_LSB +: CMD_NUM_W] == 0) &&
                       (cmd[CMD_SCALE_LSB +: CMD_SCALE_W] == 0) && (ttl_eff == 2'd0);
    wire ssec        = dw0[CMD_SSEC_LSB];
    reg is_inv, is_range, has_ssec;
    always @* begin
        is_range = 1'b0;
        has_ssec = 1'b0;
        case (opc)
            CMD_OP_PREFETCH_CONFIG, CMD_OP_PREFETCH_ADDR, CMD_OP_CFGI_STE,
            CMD_OP_CFGI_STE_RANGE: begin
                is_inv   = 1'b1;
                has_ssec = 1'b1;
            end
            CMD_OP_CFGI_CD, CMD_OP_CFGI_CD_ALL: begin
                is_inv   = (S1P != 0);
                has_ssec = 1'b1;
            end
            CMD_OP_TLBI_NH_ALL, CMD_OP_TLBI_NH_ASID:
                is_inv = (S1P != 0);
            CMD_OP_TLBI_EL2_ALL, CMD_OP_TLBI_EL2_ASID:
                is_inv = (HYP != 0);
            CMD_OP_TLBI_S12_VMALL:
                is_inv = (S2P != 0);
            CMD_OP_TLBI_NSNH_ALL:
                is_inv = 1'b1;
            CMD_OP_TLBI_NH_VA, CMD_OP_TLBI_NH_VAA: begin
                is_inv   = (S1P != 0);
                is_range = 1'b1;
            end
            CMD_OP_TLBI_EL2_VA, CMD_OP_TLBI_EL2_VAA: begin
                is_inv   = (HYP != 0);
                is_range = 1'b1;
            end
            CMD_OP_TLBI_S2_IPA: begin
                is_inv   = (S2P != 0);
                is_range = 1'b1;
            end
            default:
                is_inv = 1'b0;
        endcase
    end
    wire is_sync = (opc == CMD_OP_CMD_SYNC);

    assign inv_valid  = (state == S_INV);
    assign inv_cmd    = cmd;
    assign sync_valid = (state == S_SYNC);

    // CMD_SYNC's MSI (4.7.3): MSIAddress[55:2], checked for zero over the whole field
    wire [53:0] msiaddr = cmd[CMD_MSIADDR_LSB +: CMD_MSIADDR_W];
    wire        sync_msi = (MSI != 0) && (cs == 2'd1) && (msiaddr != 54'd0);
    assign msi_valid = (state == S_MSI);
    assign msi_addr  = msiaddr[PA_W-3:0];
    assign msi_data  = dw0[CMD_MSIDATA_LSB +: CMD_MSIDATA_W];
    assign msi_attr  = {dw0[CMD_MSH_LSB +: CMD_MSH_W], dw0[CMD_MSIATTR_LSB +: CMD_MSIATTR_W]};

    wire [IW-1:0] rd_next = (rd + 1'b1) & qmask;
    wire can_fetch = en_ack && en && !err_active && !err_wait && !empty;

    assign cons = ({25'd0, err} << SMMU_CMDQ_CONS_ERR_LSB) |
                  ({{(32-IW){1'b0}}, rd & qmask} << SMMU_CMDQ_CONS_RD_LSB);

    always @(posedge clk) begin
        if (!rst_n) begin
            state        <= S_IDLE;
            en_ack       <= 1'b0;
            rd           <= {IW{1'b0}};
            err          <= 7'd0;
            err_wait     <= 1'b0;
            dw0          <= 64'd0;
            dw1          <= 64'd0;
            beat         <= 1'b0;
            fetch_err    <= 1'b0;
            gerr_req     <= 1'b0;
            irq_pend     <= 1'b0;
            irq_cmd_sync <= 1'b0;
        end else begin
            gerr_req     <= 1'b0;
            irq_pend     <= 1'b0;
            irq_cmd_sync <= irq_pend;
            // err_wait only bridges the two edges until GERROR has taken the request
            // (gerr_req registered, then GERROR registered in smmu_regs); from then on the
            // architected state alone decides (7.5). Waiting for err_active instead could
            // wait forever: a GERRORN write on the edge GERROR toggles leaves the error
            // inactive, and an inactive error means commands are processed (4.1.2).
            if (gerr_req) err_wait <= 1'b0;
            if (cons_we) begin
                rd  <= cons_wdata[SMMU_CMDQ_CONS_RD_LSB +: IW];
                err <= cons_wdata[SMMU_CMDQ_CONS_ERR_LSB +: SMMU_CMDQ_CONS_ERR_W];
            end
            case (state)
                S_IDLE: begin
                    en_ack <= en;
                    if (can_fetch) state <= S_REQ;
                end
                S_REQ: if (rd_req_ready) begin
                    state     <= S_DATA;
                    beat      <= 1'b0;
                    fetch_err <= 1'b0;
                end
                S_DATA: if (rd_valid) begin
                    if (!beat) dw0 <= rd_data;
                    else       dw1 <= rd_data;
                    beat <= 1'b1;
                    if (rd_err) fetch_err <= 1'b1;
                    if (rd_last) state <= S_EXEC;
                end
                S_EXEC: begin
                    if (!en) begin
                        state <= S_IDLE;                 // abandoned, CONS unchanged
                    end else if (fetch_err || (!is_inv && !(is_sync && cs != 2'd3)) ||
                                 (is_range && range_bad) || (has_ssec && ssec)) begin
                        err      <= fetch_err ? CERROR_ABT[6:0] : CERROR_ILL[6:0];
                        gerr_req <= 1'b1;
                        err_wait <= 1'b1;
                        state    <= S_IDLE;
                    end else begin
                        state <= is_sync ? S_SYNC : S_INV;
                    end
                end
                S_INV: if (inv_ready) begin
                    rd    <= rd_next;
                    state <= S_IDLE;
                end
                S_SYNC: if (sync_ready) begin
                    rd       <= rd_next;
                    irq_pend <= (cs == 2'd1);
                    state    <= sync_msi ? S_MSI : S_IDLE;
                end
                S_MSI:  if (msi_ready) state <= S_MSIW;
                S_MSIW: if (msi_done) state <= S_IDLE;
                default: state <= S_IDLE;
            endcase
        end
    end

    wire unused_ok = &{1'b0, base[63:PA_W], prod_reg, cons_wdata, msiaddr};

`ifdef FORMAL
    // ---------------- properties (make formal: formal/smmu_cmdq.sby) ----------------
    // Environment: the Guards smmu_regs proves (CMDQ_BASE and CR1's queue fields stable
    // while CMDQEN or its ACK is 1; CMDQ_CONS written only while both are 0); read data
    // only for the read in flight, two beats, RLAST on the second (the arbiter routes by
    // ID). Free: CMDQEN, CMDQ_PROD, GERROR.CMDQ_ERR's activity (err_active), inv_ready,
    // sync_ready, the data. Proven (3.5, 4.1, 7.1, 7.5):
    //   - the fetch request and the hand-over (inv_*, sync_valid) hold until taken;
    //   - CMDQ_CONS.RD as software reads it has no bits above the wrap bit, and changes
    //     only by a software write or by one entry (index + 1, the wrap bit toggling past
    //     the last index) when a command is handed over;
    //   - a fetch starts only with CMDQEN and its ACK set, CMDQ_ERR inactive and the
    //     queue not empty (PROD.WR != CONS.RD, wrap included); CR0ACK.CMDQEN falls only
    //     when nothing is in flight;
    //   - CONS.ERR changes only by a software write or with the error request, then to
    //     CERROR_ILL or CERROR_ABT, on the edge before GERROR can show the error, with
    //     CONS.RD left on the command;
    //   - the queue resumes: whenever CMDQ_ERR is inactive, the queue enabled and not
    //     empty, a fetch starts within 2 cycles (bounded liveness; with err_active free,
    //     this also covers a GERRORN write racing the SMMU's GERROR toggle);
    //   - CMD_SYNC completes when sync_ready holds: CONS passes it on that edge, and the
    //     CS = IRQ interrupt follows two edges later; its MSI (CS = IRQ, MSIAddress != 0)
    //     is asked for after that edge, held until taken, and no command is fetched until
    //     the MSI unit says it completed (4.7.3, 3.18).
    `include "smmu_formal.vh"

    // environment
    reg       f_rd_out = 1'b0;        // read request accepted, RLAST not yet seen
    reg       f_rd_beat = 1'b0;       // beats of it seen
    always @(posedge clk)
        if (!rst_n) begin
            f_rd_out <= 1'b0; f_rd_beat <= 1'b0;
        end else if (rd_req_valid && rd_req_ready) begin
            f_rd_out <= 1'b1; f_rd_beat <= 1'b0;
        end else if (rd_valid) begin
            f_rd_beat <= 1'b1;
            if (rd_last) f_rd_out <= 1'b0;
        end
    always @* begin
        if (rd_valid) assume(f_rd_out && rd_last == f_rd_beat);
        if (cons_we)  assume(!en && !en_ack);
        if (msi_done) assume(state == S_MSIW);       // the MSI unit answers the write asked
    end
    always @(posedge clk) if (f_past && $past(en || en_ack))
        assume($stable(base) && $stable(queue_ic) && $stable(queue_oc));

    // the queue as software sees it: size 2^lg, RD/WR = index and the wrap bit above it
    wire [4:0]  f_lg    = (base[SMMU_CMDQ_BASE_LOG2SIZE_LSB +: 5] > CMDQS) ? CMDQS[4:0] :
                          base[SMMU_CMDQ_BASE_LOG2SIZE_LSB +: 5];
    wire [31:0] f_qm    = (32'd2 << f_lg) - 32'd1;                   // index and wrap
    wire [31:0] f_rd    = (cons >> SMMU_CMDQ_CONS_RD_LSB) & ((32'd1 << 20) - 32'd1);
    wire [31:0] f_wr    = (prod_reg >> SMMU_CMDQ_PROD_WR_LSB) & f_qm;
    wire        f_empty = (f_rd & f_qm) == f_wr;
    wire [6:0]  f_err   = cons[SMMU_CMDQ_CONS_ERR_LSB +: 7];
    wire        f_hand  = (inv_valid && inv_ready) || (sync_valid && sync_ready);

    // invariants
    always @* if (rst_n) begin
        assert((f_rd & ~f_qm) == 32'd0);
        if (MSI == 0) assert(state != S_MSI && state != S_MSIW);
        if (state != S_IDLE) assert(en_ack);
        assert(err_wait == gerr_req);
        if (err_wait) assert(state == S_IDLE);
        assert(f_rd_out == (state == S_DATA));
        if (state == S_DATA) assert(beat == f_rd_beat);
        if (irq_pend) assert(state == S_IDLE || state == S_MSI);
    end

    always @(posedge clk) if (f_run) begin
        // hold until taken
        if ($past(rd_req_valid && !rd_req_ready))
            assert(rd_req_valid && $stable(rd_req_addr) && $stable(rd_req_len) &&
                   $stable(rd_req_cache));
        if ($past(inv_valid && !inv_ready)) assert(inv_valid && $stable(inv_cmd));
        if ($past(sync_valid && !sync_ready)) assert(sync_valid);
        // CONS.RD
        if (!$past(cons_we) && $stable(base)) begin
            if ($past(f_hand)) assert(f_rd == (($past(f_rd) + 32'd1) & f_qm));
            else               assert(f_rd == $past(f_rd));
        end
        // fetch only when permitted
        if (rd_req_valid && !$past(rd_req_valid))
            assert($past(en && en_ack && !err_active && !f_empty));
        if ($past(en_ack) && !en_ack) assert($past(state == S_IDLE));
        // CONS.ERR
        if (!$past(cons_we) && f_err != $past(f_err))
            assert(gerr_req);
        if (gerr_req)
            assert((f_err == CERROR_ILL[6:0] || f_err == CERROR_ABT[6:0]) &&
                   f_rd == $past(f_rd) && !$past(f_hand));
        // CMD_SYNC with sync_ready: done on that edge
        if ($past(sync_valid && sync_ready)) assert(!sync_valid);
        // its MSI: asked for only after CONS passed a CMD_SYNC with CS = IRQ and a
        // non-zero MSIAddress, held until taken, the next command only once it completed
        if (msi_valid && !$past(msi_valid))
            assert($past(sync_valid && sync_ready && cs == 2'd1) && $past(msiaddr) != 54'd0 &&
                   f_rd == (($past(f_rd) + 32'd1) & f_qm));
        if ($past(msi_valid && !msi_ready))
            assert(msi_valid && $stable(msi_addr) && $stable(msi_data) && $stable(msi_attr));
        if (rd_req_valid && !$past(rd_req_valid)) assert(!$past(state == S_MSIW));
    end

    // the queue resumes (bounded liveness)
    reg [2:0] f_stall = 3'd0;
    always @(posedge clk)
        if (!rst_n || !(state == S_IDLE && en && en_ack && !err_active && !f_empty && !cons_we))
            f_stall <= 3'd0;
        else if (f_stall != 3'd7)
            f_stall <= f_stall + 3'd1;
    always @* if (rst_n) assert(f_stall <= 3'd2);   // 2 = the one cycle of err_wait + decision

    // the CMD_SYNC interrupt: two edges after CONS passed a CMD_SYNC with CS = IRQ
    reg [1:0] f_irq_sh = 2'd0;
    always @(posedge clk)
        f_irq_sh <= !rst_n ? 2'd0 : {f_irq_sh[0], sync_valid && sync_ready && cs == 2'd1};
    always @(posedge clk) if (f_run) begin
        assert(irq_cmd_sync == f_irq_sh[1]);
        assert(irq_pend == f_irq_sh[0]);
    end
`endif
endmodule
