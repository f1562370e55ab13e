// smmu_regs: the programming interface (IHI 0070 6.2, 6.3): AXI4-Lite slave and the
// register file.
//
// Bus: 64-bit data, 17-bit address (page 0 and page 1), one access outstanding per
// direction, BRESP/RRESP always OKAY.
//   Read: the aligned dword; [31:0] = the register at (addr & ~7), [63:32] = the one at
//     (addr & ~7) + 4 (or the two halves of a 64-bit register).
//   Write: applied per 32-bit lane whose four strobes are all set; a lane with partial
//     strobes is ignored (sub-word register writes are CONSTRAINED UNPREDICTABLE, 6.2;
//     ignoring them is one of the permitted behaviours). Both lanes of one write take
//     effect in the same cycle.
//   Undefined offsets read 0 and ignore writes. Page-0 0xA8/0xAC alias page-1
//   EVENTQ_PROD/EVENTQ_CONS.
// Registers of absent features (PRIQ_*, and *_IRQ_CFG* when IDR0.MSI = 0) read 0; so do
// STATUSR and AGBPA. With MSI, GERROR_IRQ_CFG0-2 and EVENTQ_IRQ_CFG0-2 (6.3.21-23,
// 6.3.30-32) are Guarded by their IRQ_CTRL enable and its ACK (writes IGNORED while
// either is 1), and an IRQ_CTRLACK bit falls only when the MSI unit has no MSI of that
// source pending or in flight (6.3.16: disabling completes when earlier MSIs have). Only implemented fields are writable (SMMU_<REG>_WMASK minus absent features).
// Guarded registers (6.3): writes are IGNORED while the guard is set.
// Ownership: CMDQ_CONS lives in smmu_cmdq and EVENTQ_PROD in smmu_eventq (this block
// forwards the guarded software write); CR0ACK bits come from the blocks that act on
// the enables; GBPA.UPDATE clears when smmu_upstream has adopted the new value.
module smmu_regs #(
    parameter SID_W            = 16,
    parameter PA_W             = 48,
    parameter CMDQS            = 8,
    parameter EVENTQS          = 7,
    parameter ST_LEVEL_2       = 1,
    parameter FWB              = 1,
    parameter COHACC           = 1,
    parameter ATTR_OVR         = 1,
    parameter GBPA_ABORT_RESET = 1,
    parameter GRAN16K          = 1,   // IDR5.GRAN16K: 16 KB translation granule
    parameter GRAN64K          = 1,   // IDR5.GRAN64K: 64 KB translation granule
    // Feature parameters as smmu_top has made them consistent (Hyp only with both stages,
    // XNX only with stage 2, HAD only with stage 1)
    parameter HYP              = 1,
    parameter XNX              = 1,
    parameter HAD              = 1,
    parameter S1P              = 1,
    parameter S2P              = 1,
    parameter MSI              = 1,    // IDR0.MSI: the *_IRQ_CFG registers exist
    parameter [31:0] IIDR_VAL  = 32'h0010_0000   // ProductID 0x001, Implementer 0x000
) (
    input  wire         clk,
    input  wire         rst_n,

    input  wire         s_reg_awvalid,
    output wire         s_reg_awready,
    input  wire [16:0]  s_reg_awaddr,
    input  wire [2:0]   s_reg_awprot,
    input  wire         s_reg_wvalid,
    output wire         s_reg_wready,
    input  wire [63:0]  s_reg_wdata,
    input  wire [7:0]   s_reg_wstrb,
    output wire         s_reg_bvalid,
    input  wire         s_reg_bready,
    output wire [1:0]   s_reg_bresp,
    input  wire         s_reg_arvalid,
    output wire         s_reg_arready,
    input  wire [16:0]  s_reg_araddr,
    input  wire [2:0]   s_reg_arprot,
    output wire         s_reg_rvalid,
    input  wire         s_reg_rready,
    output wire [63:0]  s_reg_rdata,
    output wire [1:0]   s_reg_rresp,

    // Register values for the blocks
    output reg  [31:0]  cr0,
    output reg  [31:0]  cr1,
    output reg  [31:0]  cr2,
    output reg  [31:0]  gbpa,
    output reg  [31:0]  irq_ctrlack,
    output wire [63:0]  strtab_base,
    output reg  [31:0]  strtab_base_cfg,
    output wire [63:0]  cmdq_base,
    output reg  [31:0]  cmdq_prod,
    output wire [63:0]  eventq_base,
    output reg  [31:0]  eventq_cons,
    output wire [31:0]  gerror_active,     // GERROR ^ GERRORN

    // Acknowledges from the owning blocks
    input  wire         cmdq_en_ack,
    input  wire         eventq_en_ack,
    input  wire         smmuen_ack,
    input  wire         gbpa_taken,        // upstream adopted GBPA: clear UPDATE

    // Queue indexes owned elsewhere
    input  wire [31:0]  cmdq_cons,
    output wire         cmdq_cons_we,
    output wire [31:0]  cmdq_cons_wdata,
    input  wire [31:0]  eventq_prod,
    output wire         eventq_prod_we,
    output wire [31:0]  eventq_prod_wdata,

    // Global errors: one-cycle request per GERROR bit
    input  wire [31:0]  gerror_req,
    output reg          irq_gerror,

    // MSI configuration for smmu_msi: ADDR (0: none), DATA, {SH, MemAttr}
    output wire [PA_W-1:2] gerr_msi_addr,
    output wire [31:0]  gerr_msi_data,
    output wire [5:0]   gerr_msi_attr,
    output wire [PA_W-1:2] evtq_msi_addr,
    output wire [31:0]  evtq_msi_data,
    output wire [5:0]   evtq_msi_attr,
    output wire [31:0]  irq_ctrl_reg,      // IRQ_CTRL as written (drops pending MSIs)
    input  wire         msi_busy_gerr,     // a GERROR MSI is pending or in flight
    input  wire         msi_busy_evtq,     // an event-queue MSI is pending or in flight

    // Other register frames in the window (the PMCG's, smmu_pmcg): every write as this
    // block takes it (one 64-bit beat, wstrb per byte), the read address of an AR
    // handshake (ext_re) and the frame's answer in the same cycle (0 outside its frames
    // and without ext_re), ORed into the read data (this block's own offsets there read 0)
    output wire         ext_we,
    output wire [16:3]  ext_waddr,
    output wire [63:0]  ext_wdata,
    output wire [7:0]   ext_wstrb,
    output wire         ext_re,
    output wire [16:3]  ext_raddr,
    input  wire [63:0]  ext_rdata,
    output wire [7:0]   aidr               // AIDR, for the PMCG's
);
    `include "smmu_regs.vh"

    // ---------------- constants ----------------
    localparam [2:0] OAS = (PA_W == 32) ? 3'd0 : (PA_W == 36) ? 3'd1 :
                           (PA_W == 40) ? 3'd2 : (PA_W == 42) ? 3'd3 :
                           (PA_W == 44) ? 3'd4 : 3'd5;
    localparam [31:0] IDR0_VAL =
        ((ST_LEVEL_2 != 0 ? 32'd1 : 32'd0) << SMMU_IDR0_ST_LEVEL_LSB) |
        (32'd1 << SMMU_IDR0_TERM_MODEL_LSB)  |
        (32'd1 << SMMU_IDR0_STALL_MODEL_LSB) |
        (32'd2 << SMMU_IDR0_TTENDIAN_LSB)    |
        (32'd1 << SMMU_IDR0_VMID16_LSB)      |
        (32'd1 << SMMU_IDR0_ASID16_LSB)      |
        ((HYP != 0 ? 32'd1 : 32'd0) << SMMU_IDR0_HYP_LSB) |
        ((COHACC != 0 ? 32'd1 : 32'd0) << SMMU_IDR0_COHACC_LSB) |
        (32'd2 << SMMU_IDR0_TTF_LSB)         |
        ((MSI != 0 ? 32'd1 : 32'd0) << SMMU_IDR0_MSI_LSB) |
        ((S1P != 0 ? 32'd1 : 32'd0) << SMMU_IDR0_S1P_LSB) |
        ((S2P != 0 ? 32'd1 : 32'd0) << SMMU_IDR0_S2P_LSB);
    localparam [31:0] ATTR1 = (ATTR_OVR != 0) ? 32'd1 : 32'd0;
    localparam [31:0] CMDQS32 = CMDQS;
    localparam [31:0] EVENTQS32 = EVENTQS;
    localparam [31:0] SID_W32 = SID_W;
    localparam [31:0] IDR1_VAL =
        (ATTR1 << SMMU_IDR1_ATTR_TYPES_OVR_LSB) |
        (ATTR1 << SMMU_IDR1_ATTR_PERMS_OVR_LSB) |
        (CMDQS32 << SMMU_IDR1_CMDQS_LSB)        |
        (EVENTQS32 << SMMU_IDR1_EVENTQS_LSB)    |
        (SID_W32 << SMMU_IDR1_SIDSIZE_LSB);
    localparam [31:0] IDR3_VAL =
        (32'd2 << SMMU_IDR3_BBML_LSB) |
        (32'd1 << SMMU_IDR3_RIL_LSB)  |
        ((FWB != 0 ? 32'd1 : 32'd0) << SMMU_IDR3_FWB_LSB) |
        ((XNX != 0 ? 32'd1 : 32'd0) << SMMU_IDR3_XNX_LSB) |
        ((HAD != 0 ? 32'd1 : 32'd0) << SMMU_IDR3_HAD_LSB);
    localparam [31:0] IDR5_VAL = (32'd1 << SMMU_IDR5_GRAN4K_LSB) |
        ((GRAN16K != 0 ? 32'd1 : 32'd0) << SMMU_IDR5_GRAN16K_LSB) |
        ((GRAN64K != 0 ? 32'd1 : 32'd0) << SMMU_IDR5_GRAN64K_LSB) |
        ({29'd0, OAS} << SMMU_IDR5_OAS_LSB);
    // AIDR: the highest version whose mandatory features this build has (IHI 0070 6.3.1,
    // 6.3.4): v3.1 needs XNX with stage 2 and HAD with stage 1; v3.2 also FWB, Hyp with
    // both stages, RIL and BBML >= 1 (always here). FWB = 0 builds report v3.1.
    localparam V31_OK = ((S2P == 0) || (XNX != 0)) && ((S1P == 0) || (HAD != 0));
    localparam V32_OK = V31_OK && (FWB != 0) && ((S1P == 0) || (S2P == 0) || (HYP != 0));
    localparam [31:0] AIDR_VAL = V32_OK ? 32'h02 : V31_OK ? 32'h01 : 32'h00;

    // Writable masks: the description's, minus fields of absent features
    localparam [31:0] CR0_M = SMMU_CR0_WMASK &
        ~(((32'd1 << SMMU_CR0_VMW_W) - 32'd1) << SMMU_CR0_VMW_LSB) &
        ~(32'd1 << SMMU_CR0_ATSCHK_LSB) & ~(32'd1 << SMMU_CR0_PRIQEN_LSB);
    // PTM needs IDR0.BTM (absent); E2H needs IDR0.Hyp
    localparam [31:0] CR2_M = SMMU_CR2_WMASK & ~(32'd1 << SMMU_CR2_PTM_LSB) &
        ((HYP != 0) ? 32'hffff_ffff : ~(32'd1 << SMMU_CR2_E2H_LSB));
    localparam [31:0] IRQ_M = SMMU_IRQ_CTRL_WMASK & ~(32'd1 << SMMU_IRQ_CTRL_PRIQ_IRQEN_LSB);
    localparam [31:0] CR1_TABLE_M =
        (((32'd1 << SMMU_CR1_TABLE_SH_W) - 32'd1) << SMMU_CR1_TABLE_SH_LSB) |
        (((32'd1 << SMMU_CR1_TABLE_OC_W) - 32'd1) << SMMU_CR1_TABLE_OC_LSB) |
        (((32'd1 << SMMU_CR1_TABLE_IC_W) - 32'd1) << SMMU_CR1_TABLE_IC_LSB);
    localparam [31:0] CR1_QUEUE_M = SMMU_CR1_WMASK & ~CR1_TABLE_M;
    localparam [31:0] GBPA_SHCFG_M =
        ((32'd1 << SMMU_GBPA_SHCFG_W) - 32'd1) << SMMU_GBPA_SHCFG_LSB;
    localparam [31:0] GBPA_FIXED_M = (32'd1 << SMMU_GBPA_UPDATE_LSB) |
                                     (32'd1 << SMMU_GBPA_ABORT_LSB);
    // Without ATTR_*_OVR the override fields are RES0 and SHCFG stays "use incoming"
    localparam [31:0] GBPA_M = (ATTR_OVR != 0) ? SMMU_GBPA_WMASK : GBPA_FIXED_M;
    localparam [31:0] GBPA_RESET =
        ((GBPA_ABORT_RESET != 0 ? 32'd1 : 32'd0) << SMMU_GBPA_ABORT_LSB) |
        (32'd1 << SMMU_GBPA_SHCFG_LSB);
    // GERROR bits of absent features (PRI; MSI without MSIs) are RES0
    localparam [31:0] GERR_MSI_M =
        (32'd1 << SMMU_GERRORN_MSI_GERROR_ABT_ERR_LSB) |
        (32'd1 << SMMU_GERRORN_MSI_EVENTQ_ABT_ERR_LSB) |
        (32'd1 << SMMU_GERRORN_MSI_CMDQ_ABT_ERR_LSB);
    localparam [31:0] GERR_M = SMMU_GERRORN_WMASK &
        ~(32'd1 << SMMU_GERRORN_MSI_PRIQ_ABT_ERR_LSB) &
        ~(32'd1 << SMMU_GERRORN_PRIQ_ABT_ERR_LSB) &
        ((MSI != 0) ? 32'hffff_ffff : ~GERR_MSI_M);
    localparam [31:0] GERR_NOIRQ = 32'd1 << SMMU_GERROR_MSI_GERROR_ABT_ERR_LSB;
    // Addresses: bits at and above the OAS are RES0
    localparam [63:0] PA_M = (64'd1 << PA_W) - 64'd1;
    localparam [63:0] STRTAB_M = SMMU_STRTAB_BASE_WMASK &
        (PA_M | (64'd1 << SMMU_STRTAB_BASE_RA_LSB));
    localparam [31:0] STCFG_M = (ST_LEVEL_2 != 0) ? SMMU_STRTAB_BASE_CFG_WMASK :
        (((32'd1 << SMMU_STRTAB_BASE_CFG_LOG2SIZE_W) - 32'd1) << SMMU_STRTAB_BASE_CFG_LOG2SIZE_LSB);
    localparam [63:0] CMDQB_M = SMMU_CMDQ_BASE_WMASK &
        (PA_M | (64'd1 << SMMU_CMDQ_BASE_RA_LSB));
    localparam [63:0] EVTQB_M = SMMU_EVENTQ_BASE_WMASK &
        (PA_M | (64'd1 << SMMU_EVENTQ_BASE_WA_LSB));
    // MSI configuration (absent without MSI): ADDR below the OAS, CFG2's SH and MemAttr
    localparam [63:0] MSIA_M = (MSI != 0) ? (SMMU_GERROR_IRQ_CFG0_WMASK & PA_M) : 64'd0;
    localparam [31:0] MSID_M = (MSI != 0) ? SMMU_GERROR_IRQ_CFG1_WMASK : 32'd0;
    localparam [31:0] MSIT_M = (MSI != 0) ? SMMU_GERROR_IRQ_CFG2_WMASK : 32'd0;
    // Queue indexes: index + wrap of the largest queue; higher WR/RD bits are RES0
    localparam [31:0] CMDQ_IDX_M = ((32'd1 << (CMDQS + 1)) - 32'd1) << SMMU_CMDQ_PROD_WR_LSB;
    localparam [31:0] CMDQ_CONS_M = (((32'd1 << SMMU_CMDQ_CONS_ERR_W) - 32'd1) << SMMU_CMDQ_CONS_ERR_LSB) |
        (((32'd1 << (CMDQS + 1)) - 32'd1) << SMMU_CMDQ_CONS_RD_LSB);
    localparam [31:0] EVTQ_PROD_M = (32'd1 << SMMU_EVENTQ_PROD_OVFLG_LSB) |
        (((32'd1 << (EVENTQS + 1)) - 32'd1) << SMMU_EVENTQ_PROD_WR_LSB);
    localparam [31:0] EVTQ_CONS_M = (32'd1 << SMMU_EVENTQ_CONS_OVACKFLG_LSB) |
        (((32'd1 << (EVENTQS + 1)) - 32'd1) << SMMU_EVENTQ_CONS_RD_LSB);

    // ---------------- AXI4-Lite ----------------
    reg         aw_full, w_full, b_pend, r_pend;
    reg [16:3]  aw_addr_q;
    reg [63:0]  wdata_q;
    reg [7:0]   wstrb_q;
    reg [63:0]  rdata_q;
    reg [63:0]  rd_comb;      // the read mux below (in the cycle of an AR handshake)

    assign s_reg_awready = !aw_full && !b_pend;
    assign s_reg_wready  = !w_full && !b_pend;
    assign s_reg_bvalid  = b_pend;
    assign s_reg_bresp   = 2'b00;
    assign s_reg_arready = !r_pend;
    assign s_reg_rvalid  = r_pend;
    assign s_reg_rdata   = rdata_q;
    assign s_reg_rresp   = 2'b00;

    wire wr_go = aw_full && w_full && !b_pend;
    assign ext_we    = wr_go;
    assign ext_waddr = aw_addr_q;
    assign ext_wdata = wdata_q;
    assign ext_wstrb = wstrb_q;
    wire   rd_go     = s_reg_arvalid && s_reg_arready;
    assign ext_re    = rd_go;
    assign ext_raddr = s_reg_araddr[16:3];
    assign aidr      = AIDR_VAL[7:0];

    // Upper halves of the 64-bit registers
    localparam [16:0] STRTAB_BASE_HI = SMMU_STRTAB_BASE + 17'd4;
    localparam [16:0] CMDQ_BASE_HI   = SMMU_CMDQ_BASE + 17'd4;
    localparam [16:0] EVENTQ_BASE_HI = SMMU_EVENTQ_BASE + 17'd4;
    localparam [16:0] GERROR_IRQ_CFG0_HI = SMMU_GERROR_IRQ_CFG0 + 17'd4;
    localparam [16:0] EVENTQ_IRQ_CFG0_HI = SMMU_EVENTQ_IRQ_CFG0 + 17'd4;

    // The 32-bit register in dword `o`, lane `hi`, is written by this access
    function hit(input [16:3] a, input [7:0] strb, input [16:3] o, input hi);
        hit = (a == o) && (hi ? (&strb[7:4]) : (&strb[3:0]));
    endfunction
    function [31:0] lane(input [63:0] d, input hi);
        lane = hi ? d[63:32] : d[31:0];
    endfunction

    `define SMMU_WE(off) (wr_go && hit(aw_addr_q, wstrb_q, off[16:3], off[2]))
    `define SMMU_WD(off) lane(wdata_q, off[2])
    wire we_cr0      = `SMMU_WE(SMMU_CR0);
    wire we_cr1      = `SMMU_WE(SMMU_CR1);
    wire we_cr2      = `SMMU_WE(SMMU_CR2);
    wire we_gbpa     = `SMMU_WE(SMMU_GBPA);
    wire we_irq      = `SMMU_WE(SMMU_IRQ_CTRL);
    wire we_gerrorn  = `SMMU_WE(SMMU_GERRORN);
    wire we_st_lo    = `SMMU_WE(SMMU_STRTAB_BASE);
    wire we_st_hi    = `SMMU_WE(STRTAB_BASE_HI);
    wire we_stcfg    = `SMMU_WE(SMMU_STRTAB_BASE_CFG);
    wire we_cqb_lo   = `SMMU_WE(SMMU_CMDQ_BASE);
    wire we_cqb_hi   = `SMMU_WE(CMDQ_BASE_HI);
    wire we_cq_prod  = `SMMU_WE(SMMU_CMDQ_PROD);
    wire we_cq_cons  = `SMMU_WE(SMMU_CMDQ_CONS);
    wire we_eqb_lo   = `SMMU_WE(SMMU_EVENTQ_BASE);
    wire we_eqb_hi   = `SMMU_WE(EVENTQ_BASE_HI);
    wire we_eq_prod  = `SMMU_WE(SMMU_EVENTQ_PROD) || `SMMU_WE(SMMU_EVENTQ_PROD_ALIAS0);
    wire we_eq_cons  = `SMMU_WE(SMMU_EVENTQ_CONS) || `SMMU_WE(SMMU_EVENTQ_CONS_ALIAS0);
    wire we_gc0_lo   = `SMMU_WE(SMMU_GERROR_IRQ_CFG0);
    wire we_gc0_hi   = `SMMU_WE(GERROR_IRQ_CFG0_HI);
    wire we_gc1      = `SMMU_WE(SMMU_GERROR_IRQ_CFG1);
    wire we_gc2      = `SMMU_WE(SMMU_GERROR_IRQ_CFG2);
    wire we_ec0_lo   = `SMMU_WE(SMMU_EVENTQ_IRQ_CFG0);
    wire we_ec0_hi   = `SMMU_WE(EVENTQ_IRQ_CFG0_HI);
    wire we_ec1      = `SMMU_WE(SMMU_EVENTQ_IRQ_CFG1);
    wire we_ec2      = `SMMU_WE(SMMU_EVENTQ_IRQ_CFG2);
    `undef SMMU_WE

    // ---------------- registers ----------------
    reg [31:0] irq_ctrl, gerror, gerrorn;
    reg [31:0] st_lo, st_hi, cqb_lo, cqb_hi, eqb_lo, eqb_hi;
    reg [31:0] gc0_lo, gc0_hi, gc1, gc2, ec0_lo, ec0_hi, ec1, ec2;   // *_IRQ_CFG0-2

    assign strtab_base   = {st_hi, st_lo};
    assign cmdq_base     = {cqb_hi, cqb_lo};
    assign eventq_base   = {eqb_hi, eqb_lo};
    assign gerror_active = gerror ^ gerrorn;
    wire [63:0] gc0 = {gc0_hi, gc0_lo};
    wire [63:0] ec0 = {ec0_hi, ec0_lo};
    assign gerr_msi_addr = gc0[PA_W-1:2];
    assign gerr_msi_data = gc1;
    assign gerr_msi_attr = gc2[5:0];
    assign evtq_msi_addr = ec0[PA_W-1:2];
    assign evtq_msi_data = ec1;
    assign evtq_msi_attr = ec2[5:0];
    assign irq_ctrl_reg  = irq_ctrl;
    // An IRQ_CTRLACK bit follows IRQ_CTRL, but falls only once the source has no MSI
    // pending or in flight
    wire [31:0] ack_hold =
        ({31'd0, msi_busy_gerr} << SMMU_IRQ_CTRLACK_GERROR_IRQEN_LSB) |
        ({31'd0, msi_busy_evtq} << SMMU_IRQ_CTRLACK_EVENTQ_IRQEN_LSB);
    // The MSI configuration is Guarded by the source's IRQ_CTRL enable and its ACK
    wire g_girq = irq_ctrl[SMMU_IRQ_CTRL_GERROR_IRQEN_LSB] ||
                  irq_ctrlack[SMMU_IRQ_CTRLACK_GERROR_IRQEN_LSB];
    wire g_eirq = irq_ctrl[SMMU_IRQ_CTRL_EVENTQ_IRQEN_LSB] ||
                  irq_ctrlack[SMMU_IRQ_CTRLACK_EVENTQ_IRQEN_LSB];

    wire [31:0] cr0ack =
        ({31'd0, cmdq_en_ack}   << SMMU_CR0ACK_CMDQEN_LSB)   |
        ({31'd0, eventq_en_ack} << SMMU_CR0ACK_EVENTQEN_LSB) |
        ({31'd0, smmuen_ack}    << SMMU_CR0ACK_SMMUEN_LSB);

    // Guards (6.3): a register is writable only while these are all 0
    wire g_smmuen = cr0[SMMU_CR0_SMMUEN_LSB]   || smmuen_ack;
    wire g_cmdq   = cr0[SMMU_CR0_CMDQEN_LSB]   || cmdq_en_ack;
    wire g_evtq   = cr0[SMMU_CR0_EVENTQEN_LSB] || eventq_en_ack;

    assign cmdq_cons_we      = we_cq_cons && !g_cmdq;
    assign cmdq_cons_wdata   = `SMMU_WD(SMMU_CMDQ_CONS) & CMDQ_CONS_M;
    assign eventq_prod_we    = we_eq_prod && !g_evtq;
    assign eventq_prod_wdata = `SMMU_WD(SMMU_EVENTQ_PROD) & EVTQ_PROD_M;

    wire [31:0] cr1_m = (g_smmuen ? 32'd0 : CR1_TABLE_M) |
                        ((g_cmdq || g_evtq) ? 32'd0 : CR1_QUEUE_M);
    wire [31:0] gbpa_wd = `SMMU_WD(SMMU_GBPA);
    wire [31:0] gerr_new = gerror ^ (gerror_req & GERR_M & ~(gerror ^ gerrorn));

    always @(posedge clk) begin
        if (!rst_n) begin
            aw_full     <= 1'b0;
            w_full      <= 1'b0;
            b_pend      <= 1'b0;
            r_pend      <= 1'b0;
            aw_addr_q   <= 14'd0;
            wdata_q     <= 64'd0;
            wstrb_q     <= 8'd0;
            rdata_q     <= 64'd0;
            cr0         <= 32'd0;
            cr1         <= 32'd0;
            cr2         <= 32'd0;
            gbpa        <= GBPA_RESET;
            irq_ctrl    <= 32'd0;
            irq_ctrlack <= 32'd0;
            gerror      <= 32'd0;
            gerrorn     <= 32'd0;
            st_lo       <= 32'd0;
            st_hi       <= 32'd0;
            strtab_base_cfg <= 32'd0;
            cqb_lo      <= 32'd0;
            cqb_hi      <= 32'd0;
            cmdq_prod   <= 32'd0;
            eqb_lo      <= 32'd0;
            eqb_hi      <= 32'd0;
            eventq_cons <= 32'd0;
            irq_gerror  <= 1'b0;
            gc0_lo      <= 32'd0;
            gc0_hi      <= 32'd0;
            gc1         <= 32'd0;
            gc2         <= 32'd0;
            ec0_lo      <= 32'd0;
            ec0_hi      <= 32'd0;
            ec1         <= 32'd0;
            ec2         <= 32'd0;
        end else begin
            // bus
            if (s_reg_awvalid && s_reg_awready) begin
                aw_full   <= 1'b1;
                aw_addr_q <= s_reg_awaddr[16:3];
            end
            if (s_reg_wvalid && s_reg_wready) begin
                w_full  <= 1'b1;
                wdata_q <= s_reg_wdata;
                wstrb_q <= s_reg_wstrb;
            end
            if (wr_go) begin
                aw_full <= 1'b0;
                w_full  <= 1'b0;
                b_pend  <= 1'b1;
            end
            if (b_pend && s_reg_bready) b_pend <= 1'b0;
            if (rd_go) begin
                r_pend  <= 1'b1;
                rdata_q <= rd_comb | ext_rdata;
            end
            if (r_pend && s_reg_rready) r_pend <= 1'b0;

            irq_ctrlack <= irq_ctrl | (irq_ctrlack & ack_hold);
            // registers (the write decode only in a cycle with a write: every write
            // enable includes wr_go, and the simulator then skips the decode otherwise)
            if (wr_go) begin
                if (we_cr0) cr0 <= `SMMU_WD(SMMU_CR0) & CR0_M;
                if (we_cr1) cr1 <= (cr1 & ~cr1_m) | (`SMMU_WD(SMMU_CR1) & cr1_m);
                if (we_cr2 && !g_smmuen) cr2 <= `SMMU_WD(SMMU_CR2) & CR2_M;
                if (we_irq) irq_ctrl <= `SMMU_WD(SMMU_IRQ_CTRL) & IRQ_M;
                if (we_gerrorn) gerrorn <= `SMMU_WD(SMMU_GERRORN) & GERR_M;
                if (we_st_lo && !g_smmuen) st_lo <= `SMMU_WD(SMMU_STRTAB_BASE) & STRTAB_M[31:0];
                if (we_st_hi && !g_smmuen) st_hi <= `SMMU_WD(STRTAB_BASE_HI) & STRTAB_M[63:32];
                if (we_stcfg && !g_smmuen) strtab_base_cfg <= `SMMU_WD(SMMU_STRTAB_BASE_CFG) & STCFG_M;
                if (we_cqb_lo && !g_cmdq) cqb_lo <= `SMMU_WD(SMMU_CMDQ_BASE) & CMDQB_M[31:0];
                if (we_cqb_hi && !g_cmdq) cqb_hi <= `SMMU_WD(CMDQ_BASE_HI) & CMDQB_M[63:32];
                if (we_cq_prod) cmdq_prod <= `SMMU_WD(SMMU_CMDQ_PROD) & CMDQ_IDX_M;
                if (we_eqb_lo && !g_evtq) eqb_lo <= `SMMU_WD(SMMU_EVENTQ_BASE) & EVTQB_M[31:0];
                if (we_eqb_hi && !g_evtq) eqb_hi <= `SMMU_WD(EVENTQ_BASE_HI) & EVTQB_M[63:32];
                if (we_eq_cons) eventq_cons <= `SMMU_WD(SMMU_EVENTQ_CONS) & EVTQ_CONS_M;
                if (we_gc0_lo && !g_girq) gc0_lo <= `SMMU_WD(SMMU_GERROR_IRQ_CFG0) & MSIA_M[31:0];
                if (we_gc0_hi && !g_girq) gc0_hi <= `SMMU_WD(GERROR_IRQ_CFG0_HI) & MSIA_M[63:32];
                if (we_gc1 && !g_girq)    gc1    <= `SMMU_WD(SMMU_GERROR_IRQ_CFG1) & MSID_M;
                if (we_gc2 && !g_girq)    gc2    <= `SMMU_WD(SMMU_GERROR_IRQ_CFG2) & MSIT_M;
                if (we_ec0_lo && !g_eirq) ec0_lo <= `SMMU_WD(SMMU_EVENTQ_IRQ_CFG0) & MSIA_M[31:0];
                if (we_ec0_hi && !g_eirq) ec0_hi <= `SMMU_WD(EVENTQ_IRQ_CFG0_HI) & MSIA_M[63:32];
                if (we_ec1 && !g_eirq)    ec1    <= `SMMU_WD(SMMU_EVENTQ_IRQ_CFG1) & MSID_M;
                if (we_ec2 && !g_eirq)    ec2    <= `SMMU_WD(SMMU_EVENTQ_IRQ_CFG2) & MSIT_M;
            end

            // GBPA: only a write with UPDATE = 1 while UPDATE reads 0 is taken (6.3.14)
            if (gbpa_taken) gbpa[SMMU_GBPA_UPDATE_LSB] <= 1'b0;
            if (we_gbpa && gbpa_wd[SMMU_GBPA_UPDATE_LSB] && !gbpa[SMMU_GBPA_UPDATE_LSB])
                gbpa <= (gbpa_wd & GBPA_M) | (GBPA_RESET & ~GBPA_M & GBPA_SHCFG_M);

            // GERROR: toggle requested bits that are inactive
            gerror     <= gerr_new;
            irq_gerror <= irq_ctrlack[SMMU_IRQ_CTRLACK_GERROR_IRQEN_LSB] &&
                          ((gerr_new ^ gerror) & ~GERR_NOIRQ) != 32'd0;
        end
    end

    // ---------------- read mux ----------------
    reg [31:0] v;
    reg [16:0] ra;
    integer    l;
    always @* begin
        rd_comb = 64'd0;
        l  = 0;
        ra = 17'd0;
        v  = 32'd0;
        // (only in a cycle that reads: the multiplexer is not evaluated otherwise)
        if (rd_go) for (l = 0; l < 2; l = l + 1) begin
            ra = {s_reg_araddr[16:3], (l == 1), 2'b00};
            case (ra)
                SMMU_IDR0:                v = IDR0_VAL;
                SMMU_IDR1:                v = IDR1_VAL;
                SMMU_IDR3:                v = IDR3_VAL;
                SMMU_IDR5:                v = IDR5_VAL;
                SMMU_IIDR:                v = IIDR_VAL;
                SMMU_AIDR:                v = AIDR_VAL;
                SMMU_CR0:                 v = cr0;
                SMMU_CR0ACK:              v = cr0ack;
                SMMU_CR1:                 v = cr1;
                SMMU_CR2:                 v = cr2;
                SMMU_GBPA:                v = gbpa;
                SMMU_IRQ_CTRL:            v = irq_ctrl;
                SMMU_IRQ_CTRLACK:         v = irq_ctrlack;
                SMMU_GERROR:              v = gerror;
                SMMU_GERRORN:             v = gerrorn;
                SMMU_STRTAB_BASE:         v = st_lo;
                STRTAB_BASE_HI:           v = st_hi;
                SMMU_STRTAB_BASE_CFG:     v = strtab_base_cfg;
                SMMU_CMDQ_BASE:           v = cqb_lo;
                CMDQ_BASE_HI:             v = cqb_hi;
                SMMU_CMDQ_PROD:           v = cmdq_prod;
                SMMU_CMDQ_CONS:           v = cmdq_cons;
                SMMU_EVENTQ_BASE:         v = eqb_lo;
                EVENTQ_BASE_HI:           v = eqb_hi;
                SMMU_EVENTQ_PROD, SMMU_EVENTQ_PROD_ALIAS0: v = eventq_prod;
                SMMU_EVENTQ_CONS, SMMU_EVENTQ_CONS_ALIAS0: v = eventq_cons;
                SMMU_GERROR_IRQ_CFG0:     v = gc0_lo;
                GERROR_IRQ_CFG0_HI:       v = gc0_hi;
                SMMU_GERROR_IRQ_CFG1:     v = gc1;
                SMMU_GERROR_IRQ_CFG2:     v = gc2;
                SMMU_EVENTQ_IRQ_CFG0:     v = ec0_lo;
                EVENTQ_IRQ_CFG0_HI:       v = ec0_hi;
                SMMU_EVENTQ_IRQ_CFG1:     v = ec1;
                SMMU_EVENTQ_IRQ_CFG2:     v = ec2;
                default:                  v = 32'd0;   // IDR2, IDR4, RES0, reserved
            endcase
            rd_comb[l*32 +: 32] = v;
        end
    end

    // Accesses are by dword (the low address bits select nothing); PROT is not checked
    // (*_IRQ_CFG0 bits above the OAS and [1:0], CFG2 above SH are RES0: always 0)
    wire unused_ok = &{1'b0, s_reg_awprot, s_reg_arprot, s_reg_awaddr[2:0], gc0[1:0],
                       gc0[63:PA_W], ec0[1:0], ec0[63:PA_W], gc2[31:6], ec2[31:6],
                       s_reg_araddr[2:0]};
    `undef SMMU_WD

`ifdef FORMAL
    // ---------------- properties (make formal: formal/smmu_regs.sby) ----------------
    // No environment assumptions: the AXI4-Lite master and the request inputs are free.
    // Proven: B and R hold VALID and payload until READY; a response only answers a
    // request (AW and W accepted for B, AR for R; one outstanding per direction);
    // GERROR/GERRORN (7.5, 6.3.19-20): the SMMU toggles a GERROR bit only on a request
    // while that error is inactive, and such a request always activates it unless a
    // GERRORN write lands on the same edge; GERRORN changes only by a write; RES0 bits
    // stay 0; the GERROR interrupt only follows an activation with GERROR_IRQEN acked;
    // the MSI configuration changes only while its Guard is clear, and an IRQ_CTRLACK
    // bit falls only when IRQ_CTRL is 0 and the source has no MSI pending or in flight.
    // The Guards the queue blocks rely on (their proofs assume them): CMDQ_BASE, CR1's
    // queue fields and the CMDQ_CONS write only change while CMDQEN and its ACK are 0,
    // EVENTQ_BASE and the EVENTQ_PROD write only while EVENTQEN and its ACK are 0.
    `include "smmu_formal.vh"

    // requests and responses, counted modulo 4
    reg [1:0] f_aw = 2'd0, f_w = 2'd0, f_b = 2'd0, f_ar = 2'd0, f_r = 2'd0;
    always @(posedge clk)
        if (!rst_n) begin
            f_aw <= 2'd0; f_w <= 2'd0; f_b <= 2'd0; f_ar <= 2'd0; f_r <= 2'd0;
        end else begin
            if (s_reg_awvalid && s_reg_awready) f_aw <= f_aw + 2'd1;
            if (s_reg_wvalid && s_reg_wready)   f_w  <= f_w + 2'd1;
            if (s_reg_bvalid && s_reg_bready)   f_b  <= f_b + 2'd1;
            if (s_reg_arvalid && s_reg_arready) f_ar <= f_ar + 2'd1;
            if (s_reg_rvalid && s_reg_rready)   f_r  <= f_r + 2'd1;
        end
    always @* if (rst_n) begin
        assert(!(b_pend && (aw_full || w_full)));            // held until B is taken
        assert(f_aw - f_b == {1'b0, aw_full || b_pend});
        assert(f_w - f_b == {1'b0, w_full || b_pend});
        assert(f_ar - f_r == {1'b0, r_pend});
        if (s_reg_bvalid) assert(f_aw - f_b == 2'd1 && f_w - f_b == 2'd1);
        if (s_reg_rvalid) assert(f_ar - f_r == 2'd1);
        assert((gerror & ~GERR_M) == 32'd0 && (gerrorn & ~GERR_M) == 32'd0);
    end

    wire [31:0] f_active = gerror ^ gerrorn;
    always @(posedge clk) if (f_run) begin
        if ($past(s_reg_bvalid && !s_reg_bready))
            assert(s_reg_bvalid && $stable(s_reg_bresp));
        if ($past(s_reg_rvalid && !s_reg_rready))
            assert(s_reg_rvalid && $stable(s_reg_rdata) && $stable(s_reg_rresp));
        // GERROR: only requests toggle it, never while the error is active
        assert((($past(gerror) ^ gerror) & ~($past(gerror_req) & ~$past(f_active))) == 32'd0);
        // a request on an inactive error activates it, unless GERRORN is written then
        if (!$past(we_gerrorn))
            assert((($past(gerror_req) & GERR_M & ~$past(f_active)) & ~f_active) == 32'd0);
        // GERRORN: only a write changes it
        if (!$past(we_gerrorn)) assert($stable(gerrorn));
        // the interrupt follows an activation (other than MSI_GERROR_ABT_ERR), IRQEN acked
        if (irq_gerror)
            assert($past(irq_ctrlack[SMMU_IRQ_CTRLACK_GERROR_IRQEN_LSB]) &&
                   ((($past(gerror) ^ gerror) & ~GERR_NOIRQ) != 32'd0));
        // the MSI configuration's Guard (6.3.21), and an IRQ_CTRLACK bit falls only once
        // the source's MSIs are done (6.3.16)
        if ($past(g_girq)) assert($stable(gc0) && $stable(gc1) && $stable(gc2));
        if ($past(g_eirq)) assert($stable(ec0) && $stable(ec1) && $stable(ec2));
        if ($past(irq_ctrlack[SMMU_IRQ_CTRLACK_GERROR_IRQEN_LSB]) &&
            !irq_ctrlack[SMMU_IRQ_CTRLACK_GERROR_IRQEN_LSB])
            assert(!$past(msi_busy_gerr) && !$past(irq_ctrl[SMMU_IRQ_CTRL_GERROR_IRQEN_LSB]));
        if ($past(irq_ctrlack[SMMU_IRQ_CTRLACK_EVENTQ_IRQEN_LSB]) &&
            !irq_ctrlack[SMMU_IRQ_CTRLACK_EVENTQ_IRQEN_LSB])
            assert(!$past(msi_busy_evtq) && !$past(irq_ctrl[SMMU_IRQ_CTRL_EVENTQ_IRQEN_LSB]));
        // Guards
        if ($past(g_cmdq)) assert($stable(cmdq_base) &&
                                  $stable(cr1 & CR1_QUEUE_M));
        if ($past(g_evtq)) assert($stable(eventq_base) && $stable(cr1 & CR1_QUEUE_M));
    end
    always @* if (rst_n) begin
        if (cmdq_cons_we)   assert(!cr0[SMMU_CR0_CMDQEN_LSB] && !cmdq_en_ack);
        if (eventq_prod_we) assert(!cr0[SMMU_CR0_EVENTQEN_LSB] && !eventq_en_ack);
    end
`endif
endmodule
