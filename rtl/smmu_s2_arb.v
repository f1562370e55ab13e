// smmu_s2_arb: the arbiter in front of the stage-2 walk units (IHI 0070 3.4: stage 2 as
// one shared service). NREQ requesters (in smmu_xlate: the NWALK stage-1 walk units, then
// smmu_cfg's CD-address request), NSRV servers (the smmu_s2_walker units); each
// requester has at most one request outstanding, each server serves one at a time.
//
//   requests   valid/ready with a payload held while valid. One grant per cycle: the
//              first valid requester after the one granted last (round robin), to the
//              lowest-numbered free server, in the cycle it is valid (no register: the
//              server takes the payload in that cycle).
//   responses  one answer a cycle on a shared bus (rsp), tagged by the one-hot rsp_valid
//              for the requester it was granted for (the owner tag the arbiter keeps per
//              server): the first answering server after the one delivered last (round
//              robin), held until that requester takes it; the server is free again then.
//              (A bus per requester would cost NREQ x NSRV x RW gates; answers seldom end
//              in the same cycle.)
//              srv_req and rsp are 0 in a cycle without a grant or an answer.
//   act, own   per server: it holds a request (granted, answer not yet taken), and for
//              which requester
//
// No starvation: a requester that holds its request sees at most NREQ - 1 grants to
// others before its own, a server holding an answer at most NSRV - 1 answers of others
// delivered before its own (proven in `make formal`, formal/smmu_s2_arb.sby, with the
// answer routing: a response only to the requester that asked and has not been
// answered, each request held by exactly one server until answered).
module smmu_s2_arb #(
    parameter NREQ = 9,
    parameter NSRV = 4,
    parameter QW   = 1,    // request payload bits
    parameter RW   = 1     // response payload bits
) (
    input  wire                 clk,
    input  wire                 rst_n,

    input  wire [NREQ-1:0]      req_valid,
    output wire [NREQ-1:0]      req_ready,
    input  wire [NREQ*QW-1:0]   req,
    output wire [NREQ-1:0]      rsp_valid,
    input  wire [NREQ-1:0]      rsp_ready,
    output wire [RW-1:0]        rsp,

    output wire [NSRV-1:0]      srv_req_valid,
    input  wire [NSRV-1:0]      srv_req_ready,
    output wire [QW-1:0]        srv_req,
    input  wire [NSRV-1:0]      srv_rsp_valid,
    output wire [NSRV-1:0]      srv_rsp_ready,
    input  wire [NSRV*RW-1:0]   srv_rsp,

    output wire [NSRV-1:0]      act,
    output wire [NSRV*((NREQ <= 2) ? 1 : $clog2(NREQ))-1:0] own
);
    localparam RI = (NREQ <= 2) ? 1 : $clog2(NREQ);
    localparam SI = (NSRV <= 2) ? 1 : $clog2(NSRV);

    integer i, u, au, ou;   // one loop variable per always block

    reg  [RI-1:0]   rr_q;                 // the requester granted last
    reg  [SI-1:0]   ar_q;                 // the server whose answer went last
    reg             al_q;                 // an answer offered and not yet taken: keep it
    reg  [SI-1:0]   al_srv_q;             // (its server)
    reg  [NSRV-1:0] act_q;                // the server holds a request
    reg  [RI-1:0]   own_q [0:NSRV-1];     // for whom

    // ---------------- grant: the first valid requester after rr_q, else the first one
    reg  [RI-1:0]   r_pick, r_hi;
    reg             r_any, r_hi_any;
    always @* begin
        r_pick   = {RI{1'b0}};
        r_any    = 1'b0;
        r_hi     = {RI{1'b0}};
        r_hi_any = 1'b0;
        for (i = NREQ - 1; i >= 0; i = i - 1)
            if (req_valid[i]) begin
                r_pick = i[RI-1:0];
                r_any  = 1'b1;
                if (i[RI-1:0] > rr_q) begin
                    r_hi     = i[RI-1:0];
                    r_hi_any = 1'b1;
                end
            end
        if (r_hi_any)
            r_pick = r_hi;
    end
    // the lowest free server
    wire [NSRV-1:0] free = srv_req_ready & ~act_q;
    reg  [SI-1:0]   s_pick;
    reg             s_any;
    always @* begin
        s_pick = {SI{1'b0}};
        s_any  = 1'b0;
        for (u = NSRV - 1; u >= 0; u = u - 1)
            if (free[u]) begin
                s_pick = u[SI-1:0];
                s_any  = 1'b1;
            end
    end
    wire gnt = r_any && s_any;

    genvar g;
    generate
        for (g = 0; g < NREQ; g = g + 1) begin : g_req
            assign req_ready[g] = gnt && r_pick == g;
        end
        for (g = 0; g < NSRV; g = g + 1) begin : g_srv
            assign srv_req_valid[g] = gnt && s_pick == g;
            assign srv_rsp_ready[g] = a_any && a_pick == g && rsp_ready[own_q[g]];
            assign own[g*RI +: RI]  = own_q[g];
        end
        for (g = 0; g < NREQ; g = g + 1) begin : g_rsp
            assign rsp_valid[g] = a_any && own_q[a_pick] == g;
        end
    endgenerate
    assign act     = act_q;

    // ---------------- answers: the one offered last cycle and not taken, else the first
    // answering server after ar_q, else the first
    wire [NSRV-1:0] ans = srv_rsp_valid & act_q;
    reg  [SI-1:0]   a_pick, a_hi;
    reg             a_any, a_hi_any;
    always @* begin
        a_pick   = {SI{1'b0}};
        a_any    = 1'b0;
        a_hi     = {SI{1'b0}};
        a_hi_any = 1'b0;
        for (au = NSRV - 1; au >= 0; au = au - 1)
            if (ans[au]) begin
                a_pick = au[SI-1:0];
                a_any  = 1'b1;
                if (au[SI-1:0] > ar_q) begin
                    a_hi     = au[SI-1:0];
                    a_hi_any = 1'b1;
                end
            end
        if (a_hi_any)
            a_pick = a_hi;
        if (al_q)
            a_pick = al_srv_q;
    end
    // The payload buses carry a slice only in the cycle their valid is set (0 otherwise:
    // a server looks at srv_req only with its srv_req_valid, a requester at rsp only with
    // its rsp_valid), so the simulator extracts the QW- and RW-bit slices only then, not
    // whenever a requester's or a server's bundle changes.
    reg  [QW-1:0]   srv_req_r;
    reg  [RW-1:0]   rsp_r;
    always @* begin
        srv_req_r = {QW{1'b0}};
        rsp_r     = {RW{1'b0}};
        if (gnt)
            srv_req_r = req[r_pick*QW +: QW];
        if (a_any)
            rsp_r = srv_rsp[a_pick*RW +: RW];
    end
    assign srv_req = srv_req_r;
    assign rsp     = rsp_r;
    wire a_take = a_any && rsp_ready[own_q[a_pick]];

    always @(posedge clk) begin
        if (!rst_n) begin
            rr_q  <= {RI{1'b0}};
            ar_q  <= {SI{1'b0}};
            al_q  <= 1'b0;
            al_srv_q <= {SI{1'b0}};
            act_q <= {NSRV{1'b0}};
            for (ou = 0; ou < NSRV; ou = ou + 1)
                own_q[ou] <= {RI{1'b0}};
        end else begin
            for (ou = 0; ou < NSRV; ou = ou + 1)
                if (srv_rsp_valid[ou] && srv_rsp_ready[ou])
                    act_q[ou] <= 1'b0;
            al_q     <= a_any && !a_take;
            al_srv_q <= a_pick;
            if (a_take)
                ar_q <= a_pick;
            if (gnt) begin
                rr_q           <= r_pick;
                act_q[s_pick]  <= 1'b1;
                own_q[s_pick]  <= r_pick;
            end
        end
    end

`ifdef FORMAL
    // ---------------- properties (make formal: formal/smmu_s2_arb.sby) ----------------
    // Requesters hold a request until taken and have at most one outstanding; a server
    // answers only a request it holds and holds its answer until taken. Proven: a
    // requester gets an answer only while it has a request outstanding (no response to a
    // non-requester, none twice); every outstanding request is held by exactly one
    // server (so it is answered once, when that server answers); the bus carries one
    // answer at a time, the offered server's, to its owner, held until taken; a
    // requester holding its request sees at most NREQ - 1 grants to others before its own.
    `include "smmu_formal.vh"
    reg  [NREQ-1:0] f_pend;                 // asked, not yet answered
    reg  [7:0]      f_wait [0:NREQ-1];      // grants to others while it waits
    // (each block its own loop variables: one variable written by two blocks is two drivers)
    always @(posedge clk) begin : f_track
        integer fr;
        if (!rst_n) begin
            f_pend <= {NREQ{1'b0}};
            for (fr = 0; fr < NREQ; fr = fr + 1)
                f_wait[fr] <= 8'd0;
        end else begin
            for (fr = 0; fr < NREQ; fr = fr + 1) begin
                if (req_valid[fr] && req_ready[fr])
                    f_pend[fr] <= 1'b1;
                if (rsp_valid[fr] && rsp_ready[fr])
                    f_pend[fr] <= 1'b0;
                if (!req_valid[fr] || req_ready[fr])
                    f_wait[fr] <= 8'd0;
                else if (gnt)
                    f_wait[fr] <= f_wait[fr] + 8'd1;
            end
        end
    end
    // the requesters' and servers' side of the contract
    always @(posedge clk) begin : f_contract
        integer fr, fu;
        if (f_run) begin
            for (fr = 0; fr < NREQ; fr = fr + 1)
                if ($past(req_valid[fr] && !req_ready[fr]))
                    assume (req_valid[fr] && $stable(req[fr*QW +: QW]));
            for (fu = 0; fu < NSRV; fu = fu + 1)
                if ($past(srv_rsp_valid[fu] && !srv_rsp_ready[fu]))
                    assume (srv_rsp_valid[fu] && $stable(srv_rsp[fu*RW +: RW]));
            // an answer offered is held until taken
            for (fr = 0; fr < NREQ; fr = fr + 1)
                if ($past(rsp_valid[fr] && !rsp_ready[fr]))
                    assert (rsp_valid[fr] && $stable(rsp));
        end
    end
    always @* begin : f_assume
        integer fr, fu;
        for (fr = 0; fr < NREQ; fr = fr + 1)
            if (rst_n)
                assume (!(req_valid[fr] && f_pend[fr]));
        for (fu = 0; fu < NSRV; fu = fu + 1)
            if (rst_n)
                assume (!srv_rsp_valid[fu] || act_q[fu]);
    end
    // the first in round-robin order after rr_q is 1 away, rr_q itself NREQ
    function integer f_dist(input integer r);
        f_dist = (r > rr_q) ? r - rr_q : r + NREQ - rr_q;
    endfunction
    (* anyconst *) reg [SI-1:0] f_u;
    always @* begin : f_check
        integer fr, fu, fv;
        if (f_past && rst_n) begin
            assert (rr_q < NREQ);
            for (fu = 0; fu < NSRV; fu = fu + 1) begin
                if (act_q[fu]) begin
                    assert (own_q[fu] < NREQ);
                    assert (f_pend[own_q[fu]]);
                end
                for (fv = fu + 1; fv < NSRV; fv = fv + 1)
                    assert (!(act_q[fu] && act_q[fv] && own_q[fu] == own_q[fv]));
            end
            for (fr = 0; fr < NREQ; fr = fr + 1) begin
                // a response only to a requester with a request outstanding
                if (rsp_valid[fr]) assert (f_pend[fr]);
                // an outstanding request is held by a server
                if (f_pend[fr]) assert ((act_q & f_owned(fr)) != {NSRV{1'b0}});
                // fairness: at most NREQ - 1 grants to others while it waits
                if (req_valid[fr]) assert (f_wait[fr] + f_dist(fr) <= NREQ);
                assert (f_wait[fr] < NREQ);
            end
            // one answer at a time; the offered server's reaches its owner unchanged
            assert ((rsp_valid & (rsp_valid - 1'b1)) == {NREQ{1'b0}});
            assert (a_any == (ans != {NSRV{1'b0}}));
            if (a_any) assert (ans[a_pick]);
            if (al_q) assert (ans[al_srv_q]);
            if (f_u < NSRV && a_any && a_pick == f_u)
                assert (rsp_valid[own_q[f_u]] && rsp == srv_rsp[f_u*RW +: RW]);
            // a grant goes to a free server
            for (fu = 0; fu < NSRV; fu = fu + 1)
                if (srv_req_valid[fu]) assert (!act_q[fu] && srv_req_ready[fu]);
        end
    end
    function [NSRV-1:0] f_owned(input integer r);
        integer k;
        begin
            for (k = 0; k < NSRV; k = k + 1)
                f_owned[k] = own_q[k] == r[RI-1:0];
        end
    endfunction
`endif
endmodule
