// smmu_mem_arb: the one AXI4 master for SMMU-originated traffic (queues now; STE/CD
// fetch and table walks in issue 3).
//
// Client i uses AXI ID i (reads and writes have separate ID spaces), so responses route
// by RID/BID and several readers may have bursts outstanding at once; the interconnect
// may interleave or reorder them across IDs. Per-client signals are packed vectors,
// client i in slice i.
//
// Client contract:
//   request: hold *_req_valid with addr/len (beats - 1)/cache stable until *_req_ready.
//   read data: rd_valid[i] with the shared rd_data/rd_last/rd_err; always accepted, so a
//     client must be able to take a beat every cycle for every read it has outstanding.
//   write data: after its AW request was accepted, client i drives wr_dvalid[i]/wr_data/
//     wr_dlast until WLAST; the W channel stays with that writer until WLAST, and a new
//     AW is granted only when the W channel is free (so W order always equals AW order).
//     Full strobes (the SMMU writes whole 8-byte beats).
//   write response: wr_bvalid[i] with the shared wr_berr; always accepted.
// Arbitration is round-robin from the client after the last one granted. Each address
// channel has a one-entry output register (no combinational path client -> AxVALID).
module smmu_mem_arb #(
    parameter NR   = 1,   // read clients
    parameter NW   = 1,   // write clients
    parameter PA_W = 48,
    parameter ID_W = 4    // needs 2^ID_W >= NR and NW
) (
    input  wire                 clk,
    input  wire                 rst_n,

    input  wire [NR-1:0]        rd_req_valid,
    output wire [NR-1:0]        rd_req_ready,
    input  wire [NR*PA_W-1:0]   rd_req_addr,
    input  wire [NR*8-1:0]      rd_req_len,
    input  wire [NR*4-1:0]      rd_req_cache,
    output wire [NR-1:0]        rd_valid,
    output wire [63:0]          rd_data,
    output wire                 rd_last,
    output wire                 rd_err,

    input  wire [NW-1:0]        wr_req_valid,
    output wire [NW-1:0]        wr_req_ready,
    input  wire [NW*PA_W-1:0]   wr_req_addr,
    input  wire [NW*8-1:0]      wr_req_len,
    input  wire [NW*4-1:0]      wr_req_cache,
    input  wire [NW-1:0]        wr_dvalid,
    output wire [NW-1:0]        wr_dready,
    input  wire [NW*64-1:0]     wr_data,
    input  wire [NW-1:0]        wr_dlast,
    output wire [NW-1:0]        wr_bvalid,
    output wire                 wr_berr,

    output wire                 m_awvalid,
    input  wire                 m_awready,
    output wire [ID_W-1:0]      m_awid,
    output wire [PA_W-1:0]      m_awaddr,
    output wire [7:0]           m_awlen,
    output wire [2:0]           m_awsize,
    output wire [1:0]           m_awburst,
    output wire [3:0]           m_awcache,
    output wire [2:0]           m_awprot,
    output wire                 m_wvalid,
    input  wire                 m_wready,
    output wire [63:0]          m_wdata,
    output wire [7:0]           m_wstrb,
    output wire                 m_wlast,
    input  wire                 m_bvalid,
    output wire                 m_bready,
    input  wire [ID_W-1:0]      m_bid,
    input  wire [1:0]           m_bresp,
    output wire                 m_arvalid,
    input  wire                 m_arready,
    output wire [ID_W-1:0]      m_arid,
    output wire [PA_W-1:0]      m_araddr,
    output wire [7:0]           m_arlen,
    output wire [2:0]           m_arsize,
    output wire [1:0]           m_arburst,
    output wire [3:0]           m_arcache,
    output wire [2:0]           m_arprot,
    input  wire                 m_rvalid,
    output wire                 m_rready,
    input  wire [ID_W-1:0]      m_rid,
    input  wire [63:0]          m_rdata,
    input  wire [1:0]           m_rresp,
    input  wire                 m_rlast
);
    // Round-robin pick: first requester after `last`, wrapping.
    function integer rr_pick(input [31:0] req, input integer n, input integer last);
        integer k, c;
        begin
            rr_pick = -1;
            for (k = n; k >= 1; k = k - 1) begin
                c = (last + k) % n;
                if (req[c]) rr_pick = c;
            end
        end
    endfunction

    // ---------------- AR ----------------
    reg              ar_full;
    reg [ID_W-1:0]   ar_id;
    reg [PA_W-1:0]   ar_addr;
    reg [7:0]        ar_len;
    reg [3:0]        ar_cache;
    integer          ar_last_g;
    wire             ar_load = !ar_full || m_arready;
    wire [31:0]      rd_req32 = {{(32 - NR){1'b0}}, rd_req_valid};
    integer          ar_g;
    always @* ar_g = rr_pick(rd_req32, NR, ar_last_g);

    genvar gi;
    generate
        for (gi = 0; gi < NR; gi = gi + 1) begin : g_rd
            assign rd_req_ready[gi] = ar_load && (ar_g == gi);
            assign rd_valid[gi]     = m_rvalid && (m_rid == gi);
        end
    endgenerate

    always @(posedge clk) begin
        if (!rst_n) begin
            ar_full   <= 1'b0;
            ar_last_g <= NR - 1;
            ar_id     <= {ID_W{1'b0}};
            ar_addr   <= {PA_W{1'b0}};
            ar_len    <= 8'd0;
            ar_cache  <= 4'd0;
        end else begin
            if (m_arvalid && m_arready) ar_full <= 1'b0;
            if (ar_load && ar_g >= 0) begin
                ar_full   <= 1'b1;
                ar_last_g <= ar_g;
                ar_id     <= ar_g[ID_W-1:0];
                ar_addr   <= rd_req_addr[ar_g*PA_W +: PA_W];
                ar_len    <= rd_req_len[ar_g*8 +: 8];
                ar_cache  <= rd_req_cache[ar_g*4 +: 4];
            end
        end
    end

    assign m_arvalid = ar_full;
    assign m_arid    = ar_id;
    assign m_araddr  = ar_addr;
    assign m_arlen   = ar_len;
    assign m_arsize  = 3'd3;
    assign m_arburst = 2'b01;
    assign m_arcache = ar_cache;
    assign m_arprot  = 3'b010;    // unprivileged, Non-secure, data
    assign m_rready  = 1'b1;
    assign rd_data   = m_rdata;
    assign rd_last   = m_rlast;
    assign rd_err    = m_rresp[1];

    // ---------------- AW / W ----------------
    reg              aw_full;
    reg [ID_W-1:0]   aw_id;
    reg [PA_W-1:0]   aw_addr;
    reg [7:0]        aw_len;
    reg [3:0]        aw_cache;
    integer          aw_last_g;
    reg              w_busy;      // a granted writer still owes W beats
    integer          w_owner;
    wire             w_fire  = m_wvalid && m_wready;
    wire             w_done  = w_fire && m_wlast;
    wire             aw_load = (!aw_full || m_awready) && (!w_busy || w_done);
    wire [31:0]      wr_req32 = {{(32 - NW){1'b0}}, wr_req_valid};
    integer          aw_g;
    always @* aw_g = rr_pick(wr_req32, NW, aw_last_g);

    generate
        for (gi = 0; gi < NW; gi = gi + 1) begin : g_wr
            assign wr_req_ready[gi] = aw_load && (aw_g == gi);
            assign wr_dready[gi]    = w_busy && (w_owner == gi) && m_wready;
            assign wr_bvalid[gi]    = m_bvalid && (m_bid == gi);
        end
    endgenerate

    always @(posedge clk) begin
        if (!rst_n) begin
            aw_full   <= 1'b0;
            aw_last_g <= NW - 1;
            aw_id     <= {ID_W{1'b0}};
            aw_addr   <= {PA_W{1'b0}};
            aw_len    <= 8'd0;
            aw_cache  <= 4'd0;
            w_busy    <= 1'b0;
            w_owner   <= 0;
        end else begin
            if (w_done) w_busy <= 1'b0;
            if (m_awvalid && m_awready) aw_full <= 1'b0;
            if (aw_load && aw_g >= 0) begin
                aw_full   <= 1'b1;
                aw_last_g <= aw_g;
                aw_id     <= aw_g[ID_W-1:0];
                aw_addr   <= wr_req_addr[aw_g*PA_W +: PA_W];
                aw_len    <= wr_req_len[aw_g*8 +: 8];
                aw_cache  <= wr_req_cache[aw_g*4 +: 4];
                w_busy    <= 1'b1;
                w_owner   <= aw_g;
            end
        end
    end

    assign m_awvalid = aw_full;
    assign m_awid    = aw_id;
    assign m_awaddr  = aw_addr;
    assign m_awlen   = aw_len;
    assign m_awsize  = 3'd3;
    assign m_awburst = 2'b01;
    assign m_awcache = aw_cache;
    assign m_awprot  = 3'b010;
    assign m_wvalid  = w_busy && wr_dvalid[w_owner];
    assign m_wdata   = wr_data[w_owner*64 +: 64];
    assign m_wlast   = wr_dlast[w_owner];
    assign m_wstrb   = 8'hff;
    assign m_bready  = 1'b1;
    assign wr_berr   = m_bresp[1];

    wire unused_ok = &{1'b0, m_bresp[0], m_rresp[0]};   // EXOKAY is never asked for
endmodule
