// Formal-only preamble (make formal; docs/reliability.md), included at the top of the
// `ifdef FORMAL block of each module with proofs, after the ports clk and rst_n: every
// proof starts in reset, and f_run marks a cycle that, like the one before it, is out of
// reset (so $past() of a value from reset is never compared).
reg f_past = 1'b0, f_rst_q = 1'b0;
always @(posedge clk) begin
    f_past  <= 1'b1;
    f_rst_q <= rst_n;
end
always @* if (!f_past) assume(!rst_n);
wire f_run = f_past && f_rst_q && rst_n;
