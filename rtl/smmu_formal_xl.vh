// Formal-only (included in the `ifdef FORMAL block of smmu_client_rd and smmu_client_wr,
// after their put() and translation handshake): what the translation unit guarantees to
// a side of the client port (smmu_client_port tags each request with its slot and
// smmu_xlate answers each once): an answer only for a slot that asked (a taken request)
// and has not been answered since. Assumed when the side is proven alone
// (SMMU_CLIENT_ALONE defined before the include), else checked.
reg [N-1:0] f_asked;
always @(posedge clk)
    if (!rst_n) f_asked <= {N{1'b0}};
    else f_asked <= put(put(f_asked, xq_fire, xq_idx, 1'b1), xr_valid, xr_idx, 1'b0);
`ifdef SMMU_CLIENT_ALONE
always @* if (rst_n && xr_valid) assume (f_asked[xr_idx]);
`else
always @* if (rst_n && xr_valid) assert (f_asked[xr_idx]);
`endif
