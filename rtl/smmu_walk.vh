// What the stage-1 walk units (smmu_s1_walker), the stage-2 walk units (smmu_s2_walker)
// and the arbiter between them (smmu_s2_arb, in smmu_xlate) share: the stream-context
// fields a stage-2 walk uses, the stage-2 request and response as they travel through the
// arbiter, the descriptor address and the walk-attribute nibble (IHI 0070 3.4, 13.8; Arm
// ARM D8.2-D8.4). Included inside module bodies, after smmu_ctx.vh, smmu_gran.vh and
// smmu_regs.vh; PA_W is the including module's parameter.
/* verilator lint_off UNUSEDPARAM */

// ---- the stream-context fields of a stage-2 walk (smmu_ctx.vh), in this order:
// {world, s1cir, s1cor, s1csh, s2fwb, s2ias, s2tg, s2sl, s2slb, s2ttb, s2ps, s2affd, s2ptw,
//  s2r, s2ir0, s2or0, s2sh0, vmid}; S1CIR/S1COR/S1CSH are the CD fetch's attributes
// (CLASS = CD), the rest stage 2's.
localparam WS2_W = 2 + 2 + 2 + 2 + 1 + 7 + 2 + 2 + 5 + PA_W + 6 + 1 + 1 + 1 + 2 + 2 + 2 + 16;

// ---- a stage-2 request: {ws2, ipa, class, rnw, priv, instr, wattr, wsh}
//   ipa           the IPA to translate (64 bits as the caller has it: the IAS check is
//                 the stage-2 unit's)
//   class         EVT_CLASS_CD (smmu_cfg's CD address), EVT_CLASS_TT (a stage-1 table
//                 descriptor's IPA: a Data read), EVT_CLASS_IN (the input of a stage-2-only
//                 stream or the output IPA of a nested one: the transaction's access)
//   rnw/priv/instr the access for CLASS = IN (a Data read otherwise)
//   wattr, wsh    CLASS = TT: the stage-1 walk's attributes (MAIR-format byte of CD.IRx/ORx,
//                 CD.SHx) that the S2PTW check combines with the stage-2 leaf; CLASS = CD
//                 uses STE.S1CIR/S1COR/S1CSH from ws2 instead
localparam S2Q_W = WS2_W + 64 + 2 + 1 + 1 + 1 + 8 + 2;

// ---- a stage-2 response: {fault, evt, addr, record, size, memattr, sh, ap, xn, reads}
//   fault, evt, record   the event (S2 = 1, the request's CLASS)
//   addr          a fault's address (the FetchAddr of F_WALK_EABT, else the IPA), or the
//                 PA of ipa itself (the offset kept)
//   size          log2 bytes of the leaf; memattr, sh, ap (S2AP), xn (XN[1:0]) its fields
//   reads         descriptor reads this stage-2 walk made
localparam S2R_W = 1 + 8 + 64 + 1 + 6 + 4 + 2 + 2 + 2 + 5;
/* verilator lint_on UNUSEDPARAM */

/* verilator lint_off VARHIDDEN */
function [WS2_W-1:0] ws2_pick(input [SCTX_W-1:0] x);
    ws2_pick = {x[SCTX_WORLD_LSB +: SCTX_WORLD_W],
                x[SCTX_S1CIR_LSB +: SCTX_S1CIR_W], x[SCTX_S1COR_LSB +: SCTX_S1COR_W],
                x[SCTX_S1CSH_LSB +: SCTX_S1CSH_W], x[SCTX_S2FWB_LSB],
                x[SCTX_S2IAS_LSB +: SCTX_S2IAS_W], x[SCTX_S2TG_LSB +: SCTX_S2TG_W],
                x[SCTX_S2SL_LSB +: SCTX_S2SL_W], x[SCTX_S2SLB_LSB +: SCTX_S2SLB_W],
                x[SCTX_S2TTB_LSB +: PA_W], x[SCTX_S2PS_LSB +: SCTX_S2PS_W],
                x[SCTX_S2AFFD_LSB], x[SCTX_S2PTW_LSB], x[SCTX_S2R_LSB],
                x[SCTX_S2IR0_LSB +: SCTX_S2IR0_W], x[SCTX_S2OR0_LSB +: SCTX_S2OR0_W],
                x[SCTX_S2SH0_LSB +: SCTX_S2SH0_W], x[SCTX_VMID_LSB +: SCTX_VMID_W]};
endfunction

// Descriptor address: table base | index * 8. The index is the input address from the
// level's shift (gran_lvl_shift) up: at the start level slb bits (the start table, or
// the concatenated start tables at stage 2: up to 17 bits), below it the granule's
// stride (9, 11, 13). Constant shifts per {granule, level}; the window is 17 bits.
/* verilator lint_off UNUSEDSIGNAL */
function [PA_W-1:0] desc_addr(input [PA_W-1:0] tbl, input [47:0] ia, input [1:0] g,
                              input [1:0] lvl, input first, input [4:0] slb);
    reg [47:0] w;
    reg [16:0] m;
    begin
        case ({g, lvl})
            {GRAN_4K, 2'd0}:  w = ia >> 39;
            {GRAN_4K, 2'd1}:  w = ia >> 30;
            {GRAN_4K, 2'd2}:  w = ia >> 21;
            {GRAN_16K, 2'd0}: w = ia >> 47;
            {GRAN_16K, 2'd1}: w = ia >> 36;
            {GRAN_16K, 2'd2}: w = ia >> 25;
            {GRAN_16K, 2'd3}: w = ia >> 14;
            {GRAN_64K, 2'd1}: w = ia >> 42;
            {GRAN_64K, 2'd2}: w = ia >> 29;
            {GRAN_64K, 2'd3}: w = ia >> 16;
            default:          w = ia >> 12;   // 4 KB level 3 (64 KB level 0: none)
        endcase
        m = first ? ((17'd1 << slb) - 17'd1) : ~({17{1'b1}} << gran_stride(g));
        desc_addr = tbl | {{(PA_W - 20){1'b0}}, w[16:0] & m, 3'b000};
    end
endfunction
/* verilator lint_on UNUSEDSIGNAL */

// IRx/ORx walk cacheability (00 NC, 01 WB RA WA, 10 WT RA, 11 WB RA no-WA) as a
// MAIR-format nibble for smmu_attr
function [3:0] wnib(input [1:0] c);
    case (c)
        2'b00:   wnib = 4'h4;
        2'b01:   wnib = 4'hf;
        2'b10:   wnib = 4'ha;
        default: wnib = 4'he;
    endcase
endfunction
/* verilator lint_on VARHIDDEN */
