// smmu_mem_arb: the one AXI4 master for SMMU-originated traffic (queues, STE/CD
// fetch and table walks).
//
// Client i uses AXI ID i (reads and writes have separate ID spaces), so responses route
// by RID/BID and several readers may have bursts outstanding at once; the interconnect
// may interleave or reorder them across IDs. Per-client signals are packed vectors,
// client i in slice i.
//
// Client contract:
//   request: hold *_req_valid with addr/len (beats - 1)/cache/domain stable until
//     *_req_ready (cache: AxCACHE; domain: AMBA AxDOMAIN, 0 Non-shareable, 1 Inner,
//     2 Outer, 3 System).
//   read data: rd_valid[i] with the shared rd_data/rd_last/rd_err; always accepted, so a
//     client must be able to take a beat every cycle for every read it has outstanding.
//   write data: after its AW request was accepted, client i drives wr_dvalid[i]/wr_data/
//     wr_strb/wr_dlast until WLAST; the W channel stays with that writer until WLAST, and
//     a new AW is granted only when the W channel is free (so W order always equals AW
//     order). A writer gives its AxSIZE (wr_req_size: 3 for whole 8-byte beats, 2 for the
//     32-bit MSI writes) and the strobes of each beat (the lanes of its address and size).
//   Reads are always whole 8-byte beats (AxSIZE 3).
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
    input  wire [NR*2-1:0]      rd_req_domain,
    output wire [NR-1:0]        rd_valid,
    output wire [63:0]          rd_data,
    output wire                 rd_last,
    output wire                 rd_err,

    input  wire [NW-1:0]        wr_req_valid,
    output wire [NW-1:0]        wr_req_ready,
    input  wire [NW*PA_W-1:0]   wr_req_addr,
    input  wire [NW*8-1:0]      wr_req_len,
    input  wire [NW*4-1:0]      wr_req_cache,
    input  wire [NW*2-1:0]      wr_req_domain,
    input  wire [NW*3-1:0]      wr_req_size,
    input  wire [NW-1:0]        wr_dvalid,
    output wire [NW-1:0]        wr_dready,
    input  wire [NW*64-1:0]     wr_data,
    input  wire [NW*8-1:0]      wr_strb,
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
    output wire [1:0]           m_awdomain,
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
    output wire [1:0]           m_ardomain,
    output wire [2:0]           m_arprot,
    input  wire                 m_rvalid,
    output wire                 m_rready,
    input  wire [ID_W-1:0]      m_rid,
    input  wire [63:0]          m_rdata,
    input  wire [1:0]           m_rresp,
    input  wire                 m_rlast
);
    // Round-robin, one-hot throughout: grant the lowest requester above the last grant,
    // else the lowest requester. One-hot grants make every mux an AND-OR tree; an index
    // with arithmetic (modulo, multiply) here synthesizes into dividers and shifters.
    function [31:0] rr_onehot(input [31:0] req, input [31:0] last_oh);
        reg [31:0] masked;
        begin
            masked    = req & ~((last_oh << 1) - 32'd1);
            rr_onehot = (masked != 32'd0) ? (masked & (~masked + 32'd1))
                                          : (req & (~req + 32'd1));
        end
    endfunction

    genvar gi;
    integer i, wi;   // i: the AR mux; wi: the AW and W mux (two blocks)

    // ---------------- AR ----------------
    reg              ar_full;
    reg [ID_W-1:0]   ar_id;
    reg [PA_W-1:0]   ar_addr;
    reg [7:0]        ar_len;
    reg [3:0]        ar_cache;
    reg [1:0]        ar_dom;
    reg [NR-1:0]     ar_last;                     // one-hot: the last client granted
    wire             ar_load = !ar_full || m_arready;
    wire [31:0]      ar_pick = rr_onehot({{(32 - NR){1'b0}}, rd_req_valid},
                                         {{(32 - NR){1'b0}}, ar_last});
    wire [NR-1:0]    ar_gnt  = ar_pick[NR-1:0];
    reg [ID_W-1:0]   ar_id_m;
    reg [PA_W-1:0]   ar_addr_m;
    reg [7:0]        ar_len_m;
    reg [3:0]        ar_cache_m;
    reg [1:0]        ar_dom_m;
    always @* begin
        ar_id_m = {ID_W{1'b0}}; ar_addr_m = {PA_W{1'b0}}; ar_len_m = 8'd0; ar_cache_m = 4'd0;
        ar_dom_m = 2'd0;
        for (i = 0; i < NR; i = i + 1)
            if (ar_gnt[i]) begin
                ar_id_m    = ar_id_m    | i[ID_W-1:0];
                ar_addr_m  = ar_addr_m  | rd_req_addr[i*PA_W +: PA_W];
                ar_len_m   = ar_len_m   | rd_req_len[i*8 +: 8];
                ar_cache_m = ar_cache_m | rd_req_cache[i*4 +: 4];
                ar_dom_m   = ar_dom_m   | rd_req_domain[i*2 +: 2];
            end
    end

    generate
        for (gi = 0; gi < NR; gi = gi + 1) begin : g_rd
            assign rd_req_ready[gi] = ar_load && ar_gnt[gi];
        end
    endgenerate
    // the client of the read data beat: one decode of the ID (a top-level input, whose
    // logic the simulator evaluates on each of its evaluations) rather than a compare per
    // client; an ID above the clients' decodes to none, as the compares did
    /* verilator lint_off UNUSEDSIGNAL */  // the bits above the clients are not read
    wire [NR+(1<<ID_W)-1:0] rd_dec = {{(NR + (1 << ID_W) - 1){1'b0}}, m_rvalid} << m_rid;
    /* verilator lint_on UNUSEDSIGNAL */
    assign rd_valid = rd_dec[NR-1:0];

    always @(posedge clk) begin
        if (!rst_n) begin
            ar_full  <= 1'b0;
            ar_last  <= {NR{1'b0}};
            ar_id    <= {ID_W{1'b0}};
            ar_addr  <= {PA_W{1'b0}};
            ar_len   <= 8'd0;
            ar_cache <= 4'd0;
            ar_dom   <= 2'd0;
        end else begin
            if (m_arvalid && m_arready) ar_full <= 1'b0;
            if (ar_load && ar_gnt != {NR{1'b0}}) begin
                ar_full  <= 1'b1;
                ar_last  <= ar_gnt;
                ar_id    <= ar_id_m;
                ar_addr  <= ar_addr_m;
                ar_len   <= ar_len_m;
                ar_cache <= ar_cache_m;
                ar_dom   <= ar_dom_m;
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
    assign m_ardomain = ar_dom;
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
    reg [1:0]        aw_dom;
    reg [2:0]        aw_size;
    reg [NW-1:0]     aw_last;                     // one-hot: the last writer granted
    reg              w_busy;                      // a granted writer still owes W beats
    reg [NW-1:0]     w_owner;                     // one-hot: that writer
    wire             w_fire  = m_wvalid && m_wready;
    wire             w_done  = w_fire && m_wlast;
    wire             aw_load = (!aw_full || m_awready) && (!w_busy || w_done);
    wire [31:0]      aw_pick = rr_onehot({{(32 - NW){1'b0}}, wr_req_valid},
                                         {{(32 - NW){1'b0}}, aw_last});
    wire [NW-1:0]    aw_gnt  = aw_pick[NW-1:0];
    reg [ID_W-1:0]   aw_id_m;
    reg [PA_W-1:0]   aw_addr_m;
    reg [7:0]        aw_len_m;
    reg [3:0]        aw_cache_m;
    reg [1:0]        aw_dom_m;
    reg [2:0]        aw_size_m;
    reg [63:0]       w_data_m;
    reg [7:0]        w_strb_m;
    always @* begin
        aw_id_m = {ID_W{1'b0}}; aw_addr_m = {PA_W{1'b0}}; aw_len_m = 8'd0; aw_cache_m = 4'd0;
        aw_dom_m = 2'd0; aw_size_m = 3'd0;
        w_data_m = 64'd0; w_strb_m = 8'd0;
        for (wi = 0; wi < NW; wi = wi + 1) begin
            if (aw_gnt[wi]) begin
                aw_id_m    = aw_id_m    | wi[ID_W-1:0];
                aw_addr_m  = aw_addr_m  | wr_req_addr[wi*PA_W +: PA_W];
                aw_len_m   = aw_len_m   | wr_req_len[wi*8 +: 8];
                aw_cache_m = aw_cache_m | wr_req_cache[wi*4 +: 4];
                aw_dom_m   = aw_dom_m   | wr_req_domain[wi*2 +: 2];
                aw_size_m  = aw_size_m  | wr_req_size[wi*3 +: 3];
            end
            if (w_owner[wi]) begin
                w_data_m = w_data_m | wr_data[wi*64 +: 64];
                w_strb_m = w_strb_m | wr_strb[wi*8 +: 8];
            end
        end
    end

    generate
        for (gi = 0; gi < NW; gi = gi + 1) begin : g_wr
            assign wr_req_ready[gi] = aw_load && aw_gnt[gi];
            assign wr_dready[gi]    = w_busy && w_owner[gi] && m_wready;
            assign wr_bvalid[gi]    = m_bvalid && (m_bid == gi);
        end
    endgenerate

    always @(posedge clk) begin
        if (!rst_n) begin
            aw_full  <= 1'b0;
            aw_last  <= {NW{1'b0}};
            aw_id    <= {ID_W{1'b0}};
            aw_addr  <= {PA_W{1'b0}};
            aw_len   <= 8'd0;
            aw_cache <= 4'd0;
            aw_dom   <= 2'd0;
            aw_size  <= 3'd0;
            w_busy   <= 1'b0;
            w_owner  <= {NW{1'b0}};
        end else begin
            if (w_done) w_busy <= 1'b0;
            if (m_awvalid && m_awready) aw_full <= 1'b0;
            if (aw_load && aw_gnt != {NW{1'b0}}) begin
                aw_full  <= 1'b1;
                aw_last  <= aw_gnt;
                aw_id    <= aw_id_m;
                aw_addr  <= aw_addr_m;
                aw_len   <= aw_len_m;
                aw_cache <= aw_cache_m;
                aw_dom   <= aw_dom_m;
                aw_size  <= aw_size_m;
                w_busy   <= 1'b1;
                w_owner  <= aw_gnt;
            end
        end
    end

    assign m_awvalid = aw_full;
    assign m_awid    = aw_id;
    assign m_awaddr  = aw_addr;
    assign m_awlen   = aw_len;
    assign m_awsize  = aw_size;
    assign m_awburst = 2'b01;
    assign m_awcache = aw_cache;
    assign m_awdomain = aw_dom;
    assign m_awprot  = 3'b010;
    assign m_wvalid  = w_busy && |(wr_dvalid & w_owner);
    assign m_wdata   = w_data_m;
    assign m_wlast   = |(wr_dlast & w_owner);
    assign m_wstrb   = w_strb_m;
    assign m_bready  = 1'b1;
    assign wr_berr   = m_bresp[1];

    wire unused_ok = &{1'b0, m_bresp[0], m_rresp[0],   // EXOKAY is never asked for
                       ar_pick[31:NR], aw_pick[31:NW]};  // zero: no requester there

`ifdef FORMAL
    // ---------------- properties (make formal: formal/smmu_mem_arb.sby) ----------------
    // Environment: the client contract above (a request, and W data of the owning writer,
    // held stable until taken); the interconnect's READYs are free. Proven: AXI VALID
    // stays up and the payload is stable until READY on AR, AW and W; a grant goes to a
    // requester, one at a time, and carries that requester's payload with its ID; W never
    // runs more than one burst ahead of or behind AW, and a W beat is presented only for a
    // granted AW (W order = AW order); round-robin grants a waiting client within NR
    // (reads) / NW (writes) grants.
    `include "smmu_formal.vh"

    // Round-robin distance: grants that may go before client i, from the last grant
    // (one-hot; none yet = before client 0) up to and including i
    function integer f_dist(input [31:0] last_oh, input integer i, input integer n);
        integer k, p;
        begin
            p = -1;
            for (k = 0; k < 32; k = k + 1)
                if (k < n && last_oh[k]) p = k;
            f_dist = (i > p) ? i - p : i - p + n;
        end
    endfunction

    genvar fi;
    generate
        for (fi = 0; fi < NR; fi = fi + 1) begin : g_frd
            always @(posedge clk) if (f_run && $past(rd_req_valid[fi] && !rd_req_ready[fi]))
                assume(rd_req_valid[fi] && $stable(rd_req_addr[fi*PA_W +: PA_W]) &&
                       $stable(rd_req_len[fi*8 +: 8]) && $stable(rd_req_cache[fi*4 +: 4]) &&
                       $stable(rd_req_domain[fi*2 +: 2]));
            // the grant carries the client's payload and its ID
            always @(posedge clk) if (f_run && $past(rd_req_valid[fi] && rd_req_ready[fi]))
                assert(m_arvalid && m_arid == fi && m_araddr == $past(rd_req_addr[fi*PA_W +: PA_W]) &&
                       m_arlen == $past(rd_req_len[fi*8 +: 8]) &&
                       m_arcache == $past(rd_req_cache[fi*4 +: 4]) &&
                       m_ardomain == $past(rd_req_domain[fi*2 +: 2]));
            // round-robin: while the output register takes a request every cycle it may
            // offer, a waiting client is granted within NR offers
            reg [3:0] f_ar_wait = 4'd0;
            always @(posedge clk)
                if (!rst_n || !rd_req_valid[fi] || rd_req_ready[fi]) f_ar_wait <= 4'd0;
                else if (ar_load && f_ar_wait != 4'hf) f_ar_wait <= f_ar_wait + 4'd1;
            always @* if (rst_n) begin
                assert(f_ar_wait < NR);
                assert(f_ar_wait + f_dist({{(32 - NR){1'b0}}, ar_last}, fi, NR) <= NR);
            end
        end
        for (fi = 0; fi < NW; fi = fi + 1) begin : g_fwr
            always @(posedge clk) if (f_run && $past(wr_req_valid[fi] && !wr_req_ready[fi]))
                assume(wr_req_valid[fi] && $stable(wr_req_addr[fi*PA_W +: PA_W]) &&
                       $stable(wr_req_len[fi*8 +: 8]) && $stable(wr_req_cache[fi*4 +: 4]) &&
                       $stable(wr_req_domain[fi*2 +: 2]) && $stable(wr_req_size[fi*3 +: 3]));
            always @(posedge clk) if (f_run && $past(wr_dvalid[fi] && !wr_dready[fi]))
                assume(wr_dvalid[fi] && $stable(wr_data[fi*64 +: 64]) &&
                       $stable(wr_strb[fi*8 +: 8]) && $stable(wr_dlast[fi]));
            always @(posedge clk) if (f_run && $past(wr_req_valid[fi] && wr_req_ready[fi]))
                assert(m_awvalid && m_awid == fi && m_awaddr == $past(wr_req_addr[fi*PA_W +: PA_W]) &&
                       m_awlen == $past(wr_req_len[fi*8 +: 8]) &&
                       m_awcache == $past(wr_req_cache[fi*4 +: 4]) &&
                       m_awdomain == $past(wr_req_domain[fi*2 +: 2]) &&
                       m_awsize == $past(wr_req_size[fi*3 +: 3]));
            reg [3:0] f_aw_wait = 4'd0;
            always @(posedge clk)
                if (!rst_n || !wr_req_valid[fi] || wr_req_ready[fi]) f_aw_wait <= 4'd0;
                else if (aw_load && f_aw_wait != 4'hf) f_aw_wait <= f_aw_wait + 4'd1;
            always @* if (rst_n) begin
                assert(f_aw_wait < NW);
                assert(f_aw_wait + f_dist({{(32 - NW){1'b0}}, aw_last}, fi, NW) <= NW);
            end
            // a writer's beats go out only while it owns W, and W is its data
            always @* if (rst_n && wr_dready[fi]) assert(m_wvalid == wr_dvalid[fi] &&
                                                         m_wdata == wr_data[fi*64 +: 64] &&
                                                         m_wstrb == wr_strb[fi*8 +: 8] &&
                                                         m_wlast == wr_dlast[fi]);
        end
    endgenerate

    // one grant at a time, only to a requester
    always @* if (rst_n) begin
        assert((rd_req_ready & ~rd_req_valid) == {NR{1'b0}});
        assert((wr_req_ready & ~wr_req_valid) == {NW{1'b0}});
        assert($onehot0(rd_req_ready) && $onehot0(wr_req_ready));
        assert($onehot0(ar_last) && $onehot0(aw_last) && $onehot0(w_owner));
    end

    // AXI: VALID held and payload stable until READY (AR, AW, W)
    always @(posedge clk) if (f_run) begin
        if ($past(m_arvalid && !m_arready))
            assert(m_arvalid && $stable(m_arid) && $stable(m_araddr) && $stable(m_arlen) &&
                   $stable(m_arsize) && $stable(m_arburst) && $stable(m_arcache) &&
                   $stable(m_arprot) && $stable(m_ardomain));
        if ($past(m_awvalid && !m_awready))
            assert(m_awvalid && $stable(m_awid) && $stable(m_awaddr) && $stable(m_awlen) &&
                   $stable(m_awsize) && $stable(m_awburst) && $stable(m_awcache) &&
                   $stable(m_awprot) && $stable(m_awdomain));
        if ($past(m_wvalid && !m_wready))
            assert(m_wvalid && $stable(m_wdata) && $stable(m_wstrb) && $stable(m_wlast));
    end

    // W against AW: bursts granted (AW loaded), AW handshakes and WLAST handshakes
    reg [2:0] f_aw_gnt = 3'd0, f_aw_hs = 3'd0, f_w_end = 3'd0;
    always @(posedge clk)
        if (!rst_n) begin
            f_aw_gnt <= 3'd0; f_aw_hs <= 3'd0; f_w_end <= 3'd0;
        end else begin
            if (aw_load && aw_gnt != {NW{1'b0}}) f_aw_gnt <= f_aw_gnt + 3'd1;
            if (m_awvalid && m_awready)          f_aw_hs  <= f_aw_hs + 3'd1;
            if (w_done)                          f_w_end  <= f_w_end + 3'd1;
        end
    wire [2:0] f_w_ahead = f_w_end - f_aw_hs;    // W bursts done before their AW handshake
    wire [2:0] f_w_owed  = f_aw_gnt - f_w_end;   // granted bursts whose W is not done
    always @* if (rst_n) begin
        assert(f_w_ahead == 3'd0 || f_w_ahead == 3'd1 || f_w_ahead == 3'd7);
        assert(f_w_owed == {2'd0, w_busy});                 // W owner = the owed burst
        assert(f_aw_gnt - f_aw_hs == {2'd0, m_awvalid});   // AW output register
        if (m_wvalid) assert(f_w_owed == 3'd1);            // no W without a granted AW
    end
`endif
endmodule
