// soc_top: the FPGA soft-core SoC that runs the SMMU driver next to the SMMU.
//
//   PicoRV32 (RV32IM) --native bus--+--> soc_ram port 0 (code, data, tables, queues)
//                                   +--> soc_uart, soc_timer, soc_dma, system control
//                                   +--> soc_reg_bridge --> SMMU s_reg (AXI4-Lite 64)
//   soc_dma --AXI4 (AxUSER = {ssv, domain, nosnoop, sid})--> SMMU s_up
//   SMMU m_tbl --> soc_msi_doorbell (writes to the MSI doorbell) --> soc_axi_ram_port -->
//                  soc_ram port 1
//   SMMU m_dn  --> soc_axi_ram_port --> soc_ram port 2
//
// Memory map (CPU; the SMMU's PA space is the RAM alone, at the same addresses):
//   0x0000_0000  RAM, RAM_BYTES
//   0x1000_0000  UART       0x0 TXDATA, 0x4 STATUS
//   0x1000_1000  timer      0x0/0x4 cycles, 0x8/0xC microseconds, 0x10 CLK_MHZ
//   0x1000_2000  DMA        see soc_dma.v
//   0x1000_3000  sysctl     0x00 EXIT (write: 1 pass, other nonzero fail code),
//                           0x04 LEDS, 0x08 IRQ_PEND (interrupt latch, write 1 to clear),
//                           0x0C DN_RD_MON, 0x10 DN_WR_MON (last downstream AR/AW:
//                           [7:0] AxUSER attribute, [11:8] AxCACHE, [13:12] AxDOMAIN,
//                           [16:14] AxPROT), 0x14 DN_RD_ADDR, 0x18 DN_WR_ADDR,
//                           0x1C RAM_BYTES, 0x20 MSI_PEND (MSI vectors received, write 1
//                           to clear)
//   0x1000_3100  MSI doorbell (SMMU writes only: a 32-bit write of v signals vector v[4:0])
//   0x2000_0000  SMMU registers (page 0, page 1 at +0x10000)
//
// Interrupts: the SMMU's are one-cycle pulses (IHI 0070 3.18.2), so a latch holds them
// (IRQ_PEND bits 0 eventq, 1 cmd_sync, 2 gerror; 3 = DMA done/error, a level; 4 = any
// MSI vector pending in MSI_PEND; 5 = PMCG overflow) and drives PicoRV32 irq[4..9]. The SMMU's MSIs are
// writes to the doorbell: the firmware gives the driver DOORBELL with data = the source
// (smmu_hal_soc.c), so MSI_PEND bit n is source n (0 events, 1 global errors, 2 PMCG). PicoRV32 resets with every IRQ masked; the firmware polls
// IRQ_PEND, which is what lets the self-test check that the pulses arrive.
module soc_top #(
    parameter RAM_BYTES   = 262144,
    parameter INIT_FILE   = "",
    parameter CLK_MHZ     = 25,
    parameter UART_DIV    = 217,      // 115200 baud at 25 MHz
    // SMMU sizes for an FPGA
    parameter SID_W       = 8,
    parameter CMDQS       = 6,
    parameter EVENTQS     = 5,
    parameter TLB_ENTRIES = 4,
    parameter CFG_ENTRIES = 2,        // STE and CD cache entries
    parameter CD_ENTRIES  = 2,
    parameter WC_S1       = 4,        // walk-cache entries (stage 1; stage 2 and its leaves)
    parameter WC_S2       = 4,
    parameter NRD         = 8,        // client reads / writes held at once (64 in smmu_top:
    parameter NWR         = 8,        // the ordering tables dominate the LUT count)
    parameter NWALK       = 2,        // walks in flight
    parameter NS2WALK     = 1,        // stage-2 walk units (shared by the walks and the CD fetch)
    parameter UTLB        = 4,        // client-port micro-TLB entries per direction
    parameter FAST_CPU    = 1         // barrel shifter + single-cycle multiplier
) (
    input  wire        clk,
    input  wire        rst_n,
    output wire        uart_tx,
    output wire [7:0]  leds,
    output wire        trap,
    // For the simulation bench: the firmware's verdict (ignored on the board; LEDs show it)
    output reg         exit_valid,
    output reg  [31:0] exit_code
);
    localparam AW   = $clog2(RAM_BYTES) - 3;
    localparam PA_W = 32;
    localparam ID_W = 2;
    localparam TID  = 4;
    localparam UPU  = SID_W + 4;

    // ---------------- CPU ----------------
    wire        mem_valid, mem_instr;
    wire        mem_ready;
    wire [31:0] mem_addr, mem_wdata, mem_rdata;
    wire [3:0]  mem_wstrb;
    wire [31:0] cpu_irq;
    wire [31:0] cpu_eoi;

    /* verilator lint_off PINCONNECTEMPTY */
    // Unused PicoRV32 outputs (look-ahead bus, PCPI, trace) are left open on purpose.
    picorv32 #(
        .ENABLE_COUNTERS(1), .ENABLE_COUNTERS64(1), .ENABLE_REGS_16_31(1),
        .ENABLE_REGS_DUALPORT(1), .BARREL_SHIFTER(FAST_CPU), .COMPRESSED_ISA(0),
        .CATCH_MISALIGN(1), .CATCH_ILLINSN(1), .ENABLE_PCPI(0), .ENABLE_MUL(FAST_CPU == 0),
        .ENABLE_FAST_MUL(FAST_CPU != 0), .ENABLE_DIV(1), .ENABLE_IRQ(1),
        .ENABLE_IRQ_QREGS(1), .ENABLE_IRQ_TIMER(1), .ENABLE_TRACE(0),
        .PROGADDR_RESET(32'h0000_0000), .PROGADDR_IRQ(32'h0000_0010),
        .STACKADDR(32'hffff_ffff)
    ) u_cpu (
        .clk(clk), .resetn(rst_n), .trap(trap),
        .mem_valid(mem_valid), .mem_instr(mem_instr), .mem_ready(mem_ready),
        .mem_addr(mem_addr), .mem_wdata(mem_wdata), .mem_wstrb(mem_wstrb),
        .mem_rdata(mem_rdata),
        .mem_la_read(), .mem_la_write(), .mem_la_addr(), .mem_la_wdata(), .mem_la_wstrb(),
        .pcpi_valid(), .pcpi_insn(), .pcpi_rs1(), .pcpi_rs2(),
        .pcpi_wr(1'b0), .pcpi_rd(32'd0), .pcpi_wait(1'b0), .pcpi_ready(1'b0),
        .irq(cpu_irq), .eoi(cpu_eoi),
        .trace_valid(), .trace_data()
    );
    /* verilator lint_on PINCONNECTEMPTY */

    // ---------------- CPU address decode ----------------
    wire sel_ram  = (mem_addr[31:28] == 4'h0) && ({1'b0, mem_addr} < RAM_BYTES);
    wire sel_per  = (mem_addr[31:16] == 16'h1000);
    wire sel_uart = sel_per && (mem_addr[15:12] == 4'h0);
    wire sel_tmr  = sel_per && (mem_addr[15:12] == 4'h1);
    wire sel_dma  = sel_per && (mem_addr[15:12] == 4'h2);
    wire sel_sys  = sel_per && (mem_addr[15:12] == 4'h3);
    wire sel_smmu = (mem_addr[31:17] == 15'h1000);   // 0x2000_0000 .. 0x2001_ffff
    wire sel_none = !(sel_ram || sel_uart || sel_tmr || sel_dma || sel_sys || sel_smmu);

    // ---------------- RAM ----------------
    wire [2:0]      ram_req, ram_gnt, ram_rv;
    wire [3*AW-1:0] ram_addr;
    wire [23:0]     ram_we;
    wire [191:0]    ram_wdata;
    wire [63:0]     ram_rdata;
    reg             ram_busy;   // the CPU's beat was granted last cycle: data/ack now

    assign ram_req[0]            = mem_valid && sel_ram && !ram_busy;
    assign ram_addr[0 +: AW]     = mem_addr[AW+2:3];
    assign ram_we[0 +: 8]        = mem_addr[2] ? {mem_wstrb, 4'b0000} : {4'b0000, mem_wstrb};
    assign ram_wdata[0 +: 64]    = {mem_wdata, mem_wdata};

    always @(posedge clk) begin
        if (!rst_n) ram_busy <= 1'b0;
        else        ram_busy <= ram_req[0] && ram_gnt[0];
    end

    soc_ram #(.AW(AW), .INIT_FILE(INIT_FILE)) u_ram (
        .clk(clk), .rst_n(rst_n), .req(ram_req), .addr(ram_addr), .we(ram_we),
        .wdata(ram_wdata), .gnt(ram_gnt), .rvalid_o(ram_rv), .rdata(ram_rdata)
    );

    // ---------------- peripherals ----------------
    wire        uart_ready, tmr_ready, dma_ready, smmu_ready;
    wire [31:0] uart_rdata, tmr_rdata, dma_rdata, smmu_rdata;
    wire        dma_irq;

    soc_uart #(.DIV(UART_DIV)) u_uart (
        .clk(clk), .rst_n(rst_n), .reg_valid(mem_valid && sel_uart),
        .reg_addr(mem_addr[2:2]), .reg_wstrb(mem_wstrb), .reg_wdata(mem_wdata),
        .reg_ready(uart_ready), .reg_rdata(uart_rdata), .tx(uart_tx)
    );

    soc_timer #(.CLK_MHZ(CLK_MHZ)) u_timer (
        .clk(clk), .rst_n(rst_n), .reg_valid(mem_valid && sel_tmr),
        .reg_addr(mem_addr[4:2]), .reg_ready(tmr_ready), .reg_rdata(tmr_rdata)
    );

    // DMA <-> SMMU upstream
    wire           up_awvalid, up_awready, up_wvalid, up_wready, up_wlast, up_bvalid,
                   up_bready, up_arvalid, up_arready, up_rvalid, up_rready, up_rlast;
    wire [ID_W-1:0] up_awid, up_bid, up_arid, up_rid;
    wire [63:0]    up_awaddr, up_wdata, up_araddr, up_rdata;
    wire [7:0]     up_awlen, up_wstrb, up_arlen;
    wire [2:0]     up_awsize, up_awprot, up_arsize, up_arprot;
    wire [1:0]     up_awburst, up_arburst, up_bresp, up_rresp;
    wire [3:0]     up_awcache, up_arcache;
    wire [UPU-1:0] up_awuser, up_aruser;

    soc_dma #(.SID_W(SID_W), .ID_W(ID_W)) u_dma (
        .clk(clk), .rst_n(rst_n), .reg_valid(mem_valid && sel_dma),
        .reg_addr(mem_addr[5:2]), .reg_wstrb(mem_wstrb), .reg_wdata(mem_wdata),
        .reg_ready(dma_ready), .reg_rdata(dma_rdata), .irq(dma_irq),
        .m_awvalid(up_awvalid), .m_awready(up_awready), .m_awid(up_awid),
        .m_awaddr(up_awaddr), .m_awlen(up_awlen), .m_awsize(up_awsize),
        .m_awburst(up_awburst), .m_awcache(up_awcache), .m_awprot(up_awprot),
        .m_awuser(up_awuser), .m_wvalid(up_wvalid), .m_wready(up_wready),
        .m_wdata(up_wdata), .m_wstrb(up_wstrb), .m_wlast(up_wlast),
        .m_bvalid(up_bvalid), .m_bready(up_bready), .m_bid(up_bid), .m_bresp(up_bresp),
        .m_arvalid(up_arvalid), .m_arready(up_arready), .m_arid(up_arid),
        .m_araddr(up_araddr), .m_arlen(up_arlen), .m_arsize(up_arsize),
        .m_arburst(up_arburst), .m_arcache(up_arcache), .m_arprot(up_arprot),
        .m_aruser(up_aruser), .m_rvalid(up_rvalid), .m_rready(up_rready),
        .m_rid(up_rid), .m_rdata(up_rdata), .m_rresp(up_rresp), .m_rlast(up_rlast)
    );

    // CPU -> SMMU registers
    wire        sr_awvalid, sr_awready, sr_wvalid, sr_wready, sr_bvalid, sr_bready;
    wire        sr_arvalid, sr_arready, sr_rvalid, sr_rready;
    wire [16:0] sr_awaddr, sr_araddr;
    wire [2:0]  sr_awprot, sr_arprot;
    wire [63:0] sr_wdata, sr_rdata;
    wire [7:0]  sr_wstrb;
    wire [1:0]  sr_bresp, sr_rresp;

    soc_reg_bridge u_bridge (
        .clk(clk), .rst_n(rst_n), .cpu_valid(mem_valid && sel_smmu),
        .cpu_addr(mem_addr[16:2]), .cpu_wstrb(mem_wstrb), .cpu_wdata(mem_wdata),
        .cpu_ready(smmu_ready), .cpu_rdata(smmu_rdata),
        .awvalid(sr_awvalid), .awready(sr_awready), .awaddr(sr_awaddr), .awprot(sr_awprot),
        .wvalid(sr_wvalid), .wready(sr_wready), .wdata(sr_wdata), .wstrb(sr_wstrb),
        .bvalid(sr_bvalid), .bready(sr_bready), .bresp(sr_bresp),
        .arvalid(sr_arvalid), .arready(sr_arready), .araddr(sr_araddr), .arprot(sr_arprot),
        .rvalid(sr_rvalid), .rready(sr_rready), .rdata(sr_rdata), .rresp(sr_rresp)
    );

    // ---------------- SMMU ----------------
    wire            tb_awvalid, tb_awready, tb_wvalid, tb_wready, tb_wlast, tb_bvalid,
                    tb_bready, tb_arvalid, tb_arready, tb_rvalid, tb_rready, tb_rlast;
    wire [TID-1:0]  tb_awid, tb_bid, tb_arid, tb_rid;
    wire [PA_W-1:0] tb_awaddr, tb_araddr;
    wire [7:0]      tb_awlen, tb_arlen, tb_wstrb;
    wire [2:0]      tb_awsize, tb_arsize, tb_awprot, tb_arprot;
    wire [1:0]      tb_awburst, tb_arburst, tb_bresp, tb_rresp;
    wire [3:0]      tb_awcache, tb_arcache;
    wire [1:0]      tb_awdomain, tb_ardomain;
    wire [63:0]     tb_wdata, tb_rdata;

    wire            dn_awvalid, dn_awready, dn_wvalid, dn_wready, dn_wlast, dn_bvalid,
                    dn_bready, dn_arvalid, dn_arready, dn_rvalid, dn_rready, dn_rlast;
    wire [ID_W-1:0] dn_awid, dn_bid, dn_arid, dn_rid;
    wire [PA_W-1:0] dn_awaddr, dn_araddr;
    wire [7:0]      dn_awlen, dn_arlen, dn_wstrb, dn_awuser, dn_aruser;
    wire [2:0]      dn_awsize, dn_arsize, dn_awprot, dn_arprot;
    wire [1:0]      dn_awburst, dn_arburst, dn_bresp, dn_rresp, dn_awdomain, dn_ardomain;
    wire [3:0]      dn_awcache, dn_arcache;
    wire [63:0]     dn_wdata, dn_rdata;

    wire irq_eventq, irq_cmd_sync, irq_gerror, irq_pmcg;

    smmu_top #(
        .SID_W(SID_W), .PA_W(PA_W), .CMDQS(CMDQS), .EVENTQS(EVENTQS), .ST_LEVEL_2(1),
        .FWB(1), .COHACC(1), .ATTR_OVR(1), .GBPA_ABORT_RESET(1), .ID_W(ID_W),
        .TBL_ID_W(TID), .UP_USER_W(UPU), .DN_USER_W(8), .TLB_ENTRIES(TLB_ENTRIES),
        .CFG_ENTRIES(CFG_ENTRIES), .CD_ENTRIES(CD_ENTRIES), .WC_S1(WC_S1), .WC_S2(WC_S2),
        .NRD(NRD), .NWR(NWR), .NWALK(NWALK), .NS2WALK(NS2WALK), .UTLB(UTLB)
    ) u_smmu (
        .clk(clk), .rst_n(rst_n), .canwbs(1'b0),
        .s_reg_awvalid(sr_awvalid), .s_reg_awready(sr_awready), .s_reg_awaddr(sr_awaddr),
        .s_reg_awprot(sr_awprot), .s_reg_wvalid(sr_wvalid), .s_reg_wready(sr_wready),
        .s_reg_wdata(sr_wdata), .s_reg_wstrb(sr_wstrb), .s_reg_bvalid(sr_bvalid),
        .s_reg_bready(sr_bready), .s_reg_bresp(sr_bresp), .s_reg_arvalid(sr_arvalid),
        .s_reg_arready(sr_arready), .s_reg_araddr(sr_araddr), .s_reg_arprot(sr_arprot),
        .s_reg_rvalid(sr_rvalid), .s_reg_rready(sr_rready), .s_reg_rdata(sr_rdata),
        .s_reg_rresp(sr_rresp),
        .m_tbl_awvalid(tb_awvalid), .m_tbl_awready(tb_awready), .m_tbl_awid(tb_awid),
        .m_tbl_awaddr(tb_awaddr), .m_tbl_awlen(tb_awlen), .m_tbl_awsize(tb_awsize),
        .m_tbl_awburst(tb_awburst), .m_tbl_awcache(tb_awcache), .m_tbl_awprot(tb_awprot),
        .m_tbl_awdomain(tb_awdomain),
        .m_tbl_wvalid(tb_wvalid), .m_tbl_wready(tb_wready), .m_tbl_wdata(tb_wdata),
        .m_tbl_wstrb(tb_wstrb), .m_tbl_wlast(tb_wlast), .m_tbl_bvalid(tb_bvalid),
        .m_tbl_bready(tb_bready), .m_tbl_bid(tb_bid), .m_tbl_bresp(tb_bresp),
        .m_tbl_arvalid(tb_arvalid), .m_tbl_arready(tb_arready), .m_tbl_arid(tb_arid),
        .m_tbl_araddr(tb_araddr), .m_tbl_arlen(tb_arlen), .m_tbl_arsize(tb_arsize),
        .m_tbl_arburst(tb_arburst), .m_tbl_arcache(tb_arcache), .m_tbl_arprot(tb_arprot),
        .m_tbl_ardomain(tb_ardomain),
        .m_tbl_rvalid(tb_rvalid), .m_tbl_rready(tb_rready), .m_tbl_rid(tb_rid),
        .m_tbl_rdata(tb_rdata), .m_tbl_rresp(tb_rresp), .m_tbl_rlast(tb_rlast),
        .s_up_awvalid(up_awvalid), .s_up_awready(up_awready), .s_up_awid(up_awid),
        .s_up_awaddr(up_awaddr), .s_up_awlen(up_awlen), .s_up_awsize(up_awsize),
        .s_up_awburst(up_awburst), .s_up_awcache(up_awcache), .s_up_awprot(up_awprot),
        .s_up_awuser(up_awuser), .s_up_wvalid(up_wvalid), .s_up_wready(up_wready),
        .s_up_wdata(up_wdata), .s_up_wstrb(up_wstrb), .s_up_wlast(up_wlast),
        .s_up_bvalid(up_bvalid), .s_up_bready(up_bready), .s_up_bid(up_bid),
        .s_up_bresp(up_bresp), .s_up_arvalid(up_arvalid), .s_up_arready(up_arready),
        .s_up_arid(up_arid), .s_up_araddr(up_araddr), .s_up_arlen(up_arlen),
        .s_up_arsize(up_arsize), .s_up_arburst(up_arburst), .s_up_arcache(up_arcache),
        .s_up_arprot(up_arprot), .s_up_aruser(up_aruser), .s_up_rvalid(up_rvalid),
        .s_up_rready(up_rready), .s_up_rid(up_rid), .s_up_rdata(up_rdata),
        .s_up_rresp(up_rresp), .s_up_rlast(up_rlast),
        .m_dn_awvalid(dn_awvalid), .m_dn_awready(dn_awready), .m_dn_awid(dn_awid),
        .m_dn_awaddr(dn_awaddr), .m_dn_awlen(dn_awlen), .m_dn_awsize(dn_awsize),
        .m_dn_awburst(dn_awburst), .m_dn_awcache(dn_awcache), .m_dn_awprot(dn_awprot),
        .m_dn_awdomain(dn_awdomain), .m_dn_awuser(dn_awuser),
        .m_dn_wvalid(dn_wvalid), .m_dn_wready(dn_wready), .m_dn_wdata(dn_wdata),
        .m_dn_wstrb(dn_wstrb), .m_dn_wlast(dn_wlast), .m_dn_bvalid(dn_bvalid),
        .m_dn_bready(dn_bready), .m_dn_bid(dn_bid), .m_dn_bresp(dn_bresp),
        .m_dn_arvalid(dn_arvalid), .m_dn_arready(dn_arready), .m_dn_arid(dn_arid),
        .m_dn_araddr(dn_araddr), .m_dn_arlen(dn_arlen), .m_dn_arsize(dn_arsize),
        .m_dn_arburst(dn_arburst), .m_dn_arcache(dn_arcache), .m_dn_arprot(dn_arprot),
        .m_dn_ardomain(dn_ardomain), .m_dn_aruser(dn_aruser),
        .m_dn_rvalid(dn_rvalid), .m_dn_rready(dn_rready), .m_dn_rid(dn_rid),
        .m_dn_rdata(dn_rdata), .m_dn_rresp(dn_rresp), .m_dn_rlast(dn_rlast),
        .irq_eventq(irq_eventq), .irq_cmd_sync(irq_cmd_sync), .irq_gerror(irq_gerror),
        .irq_pmcg(irq_pmcg)
    );

    // The MSI doorbell takes the SMMU's writes to it; the rest go to the RAM port
    wire            rp_awvalid, rp_awready, rp_wvalid, rp_wready, rp_wlast, rp_bvalid,
                    rp_bready;
    wire [TID-1:0]  rp_awid, rp_bid;
    wire [PA_W-1:0] rp_awaddr;
    wire [7:0]      rp_awlen, rp_wstrb;
    wire [63:0]     rp_wdata;
    wire [1:0]      rp_bresp;
    wire [31:0]     msi_set;

    soc_msi_doorbell #(.A_W(PA_W), .ID_W(TID), .DB_ADDR(32'h1000_3100)) u_doorbell (
        .clk(clk), .rst_n(rst_n),
        .s_awvalid(tb_awvalid), .s_awready(tb_awready), .s_awid(tb_awid),
        .s_awaddr(tb_awaddr), .s_awlen(tb_awlen), .s_wvalid(tb_wvalid),
        .s_wready(tb_wready), .s_wdata(tb_wdata), .s_wstrb(tb_wstrb), .s_wlast(tb_wlast),
        .s_bvalid(tb_bvalid), .s_bready(tb_bready), .s_bid(tb_bid), .s_bresp(tb_bresp),
        .m_awvalid(rp_awvalid), .m_awready(rp_awready), .m_awid(rp_awid),
        .m_awaddr(rp_awaddr), .m_awlen(rp_awlen), .m_wvalid(rp_wvalid),
        .m_wready(rp_wready), .m_wdata(rp_wdata), .m_wstrb(rp_wstrb), .m_wlast(rp_wlast),
        .m_bvalid(rp_bvalid), .m_bready(rp_bready), .m_bid(rp_bid), .m_bresp(rp_bresp),
        .msi_set(msi_set)
    );

    soc_axi_ram_port #(.A_W(PA_W), .ID_W(TID), .AW(AW), .RAM_BYTES(RAM_BYTES)) u_tbl_port (
        .clk(clk), .rst_n(rst_n),
        .s_awvalid(rp_awvalid), .s_awready(rp_awready), .s_awid(rp_awid),
        .s_awaddr(rp_awaddr), .s_awlen(rp_awlen), .s_wvalid(rp_wvalid),
        .s_wready(rp_wready), .s_wdata(rp_wdata), .s_wstrb(rp_wstrb), .s_wlast(rp_wlast),
        .s_bvalid(rp_bvalid), .s_bready(rp_bready), .s_bid(rp_bid), .s_bresp(rp_bresp),
        .s_arvalid(tb_arvalid), .s_arready(tb_arready), .s_arid(tb_arid),
        .s_araddr(tb_araddr), .s_arlen(tb_arlen), .s_rvalid(tb_rvalid),
        .s_rready(tb_rready), .s_rid(tb_rid), .s_rdata(tb_rdata), .s_rresp(tb_rresp),
        .s_rlast(tb_rlast),
        .m_req(ram_req[1]), .m_addr(ram_addr[AW +: AW]), .m_we(ram_we[8 +: 8]),
        .m_wdata(ram_wdata[64 +: 64]), .m_gnt(ram_gnt[1]), .m_rvalid(ram_rv[1]),
        .m_rdata(ram_rdata)
    );

    soc_axi_ram_port #(.A_W(PA_W), .ID_W(ID_W), .AW(AW), .RAM_BYTES(RAM_BYTES)) u_dn_port (
        .clk(clk), .rst_n(rst_n),
        .s_awvalid(dn_awvalid), .s_awready(dn_awready), .s_awid(dn_awid),
        .s_awaddr(dn_awaddr), .s_awlen(dn_awlen), .s_wvalid(dn_wvalid),
        .s_wready(dn_wready), .s_wdata(dn_wdata), .s_wstrb(dn_wstrb), .s_wlast(dn_wlast),
        .s_bvalid(dn_bvalid), .s_bready(dn_bready), .s_bid(dn_bid), .s_bresp(dn_bresp),
        .s_arvalid(dn_arvalid), .s_arready(dn_arready), .s_arid(dn_arid),
        .s_araddr(dn_araddr), .s_arlen(dn_arlen), .s_rvalid(dn_rvalid),
        .s_rready(dn_rready), .s_rid(dn_rid), .s_rdata(dn_rdata), .s_rresp(dn_rresp),
        .s_rlast(dn_rlast),
        .m_req(ram_req[2]), .m_addr(ram_addr[2*AW +: AW]), .m_we(ram_we[16 +: 8]),
        .m_wdata(ram_wdata[128 +: 64]), .m_gnt(ram_gnt[2]), .m_rvalid(ram_rv[2]),
        .m_rdata(ram_rdata)
    );

    // ---------------- system control, interrupt latch, downstream monitor ----------------
    reg  [5:0]  irq_pend;
    reg  [31:0] msi_pend;
    reg  [7:0]  led_q;
    reg  [16:0] dn_rd_mon, dn_wr_mon;
    reg  [31:0] dn_rd_addr, dn_wr_addr;
    reg         sys_ready, none_ready;
    reg  [31:0] sys_rdata;
    wire        sys_acc = mem_valid && sel_sys && !sys_ready;

    always @(posedge clk) begin
        if (!rst_n) begin
            irq_pend <= 6'd0; msi_pend <= 32'd0; led_q <= 8'd0; exit_valid <= 1'b0;
            exit_code <= 32'd0;
            dn_rd_mon <= 17'd0; dn_wr_mon <= 17'd0; dn_rd_addr <= 32'd0; dn_wr_addr <= 32'd0;
            sys_ready <= 1'b0; sys_rdata <= 32'd0; none_ready <= 1'b0;
        end else begin
            sys_ready  <= sys_acc;
            none_ready <= mem_valid && sel_none && !none_ready;
            // A pulse sets its bit in the same cycle a clear would drop it: set wins.
            irq_pend[2:0] <= (irq_pend[2:0] &
                              ~((sys_acc && mem_addr[7:2] == 6'd2 && mem_wstrb[0]) ?
                                mem_wdata[2:0] : 3'd0)) |
                             {irq_gerror, irq_cmd_sync, irq_eventq};
            irq_pend[3] <= dma_irq;
            // MSI vectors: a doorbell write sets its bit (set wins over a clear)
            msi_pend <= (msi_pend & ~((sys_acc && mem_addr[7:2] == 6'd8 && (&mem_wstrb)) ?
                                       mem_wdata : 32'd0)) | msi_set;
            irq_pend[4] <= (msi_pend != 32'd0);
            // the PMCG's overflow pulse: set wins over a clear (bit 5)
            irq_pend[5] <= (irq_pend[5] && !(sys_acc && mem_addr[7:2] == 6'd2 && mem_wstrb[0] &&
                                             mem_wdata[5])) || irq_pmcg;
            if (sys_acc && mem_wstrb[0]) begin
                case (mem_addr[7:2])
                6'd0: begin exit_valid <= 1'b1; exit_code <= mem_wdata; end
                6'd1: led_q <= mem_wdata[7:0];
                default: ;
                endcase
            end
            case (mem_addr[7:2])
            6'd1: sys_rdata <= {24'd0, led_q};
            6'd2: sys_rdata <= {26'd0, irq_pend};
            6'd3: sys_rdata <= {15'd0, dn_rd_mon};
            6'd4: sys_rdata <= {15'd0, dn_wr_mon};
            6'd5: sys_rdata <= dn_rd_addr;
            6'd6: sys_rdata <= dn_wr_addr;
            6'd7: sys_rdata <= RAM_BYTES;
            6'd8: sys_rdata <= msi_pend;
            default: sys_rdata <= 32'd0;
            endcase
            if (dn_arvalid && dn_arready) begin
                dn_rd_mon  <= {dn_arprot, dn_ardomain, dn_arcache, dn_aruser};
                dn_rd_addr <= dn_araddr;
            end
            if (dn_awvalid && dn_awready) begin
                dn_wr_mon  <= {dn_awprot, dn_awdomain, dn_awcache, dn_awuser};
                dn_wr_addr <= dn_awaddr;
            end
        end
    end

    assign cpu_irq = {22'd0, irq_pend, 4'd0};
    // LEDs: the firmware's pattern; LED 7 also lights on a CPU trap.
    assign leds    = {led_q[7] | trap, led_q[6:0]};

    assign mem_ready = ram_busy | uart_ready | tmr_ready | dma_ready | smmu_ready |
                       sys_ready | none_ready;
    assign mem_rdata = ram_busy   ? (mem_addr[2] ? ram_rdata[63:32] : ram_rdata[31:0]) :
                       uart_ready ? uart_rdata :
                       tmr_ready  ? tmr_rdata  :
                       dma_ready  ? dma_rdata  :
                       smmu_ready ? smmu_rdata :
                       sys_ready  ? sys_rdata  : 32'd0;

    // Widths and signals the memory ports do not need: sizes are always 8 bytes, bursts
    // INCR; attributes matter to the monitor only; ram_rv[0] is implied by ram_busy.
    wire unused_ok = &{1'b0, mem_instr, cpu_eoi, ram_rv[0], tb_awsize, tb_arsize,
                       tb_awburst, tb_arburst, tb_awcache, tb_arcache, tb_awprot, tb_arprot,
                       tb_awdomain, tb_ardomain,
                       dn_awsize, dn_arsize, dn_awburst, dn_arburst};
endmodule
