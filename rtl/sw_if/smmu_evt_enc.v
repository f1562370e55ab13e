// smmu_evt_enc: the event record (IHI 0070 7.3) from an event description (smmu_evt.vh).
// Combinational; one instance in front of the event queue, after the arbiter, so every
// record is built here and nowhere else. The type picks the layout:
//
//   type                               dw0               dw1                    dw2        dw3
//   C_BAD_STREAMID/_STE/_CD (7.3.3/5/11) SSV,SSID,SID      -                      -          -
//   C_BAD_SUBSTREAMID (7.3.9)          SSID (no SSV),SID -                      -          -
//   F_STREAM_DISABLED (7.3.7)          SID               -                      -          -
//   F_TRANSL_FORBIDDEN (7.3.8)         SID               RnW                    InputAddr  -
//   F_UUT (7.3.2)                      SSV,SSID,SID      Reason,PnU,InD,RnW     InputAddr  -
//   F_STE_FETCH, F_CD_FETCH (7.3.4/10) SSV,SSID,SID      Reason                 -          FetchAddr
//   F_WALK_EABT (7.3.12)               SSV,SSID,SID      Reason,PnU,InD,RnW,    InputAddr  FetchAddr
//                                                        S2,CLASS
//   F_TRANSLATION, F_ADDR_SIZE,        SSV,SSID,SID      PnU,InD,RnW,S2,CLASS   InputAddr  IPA (S2 = 1)
//   F_ACCESS (7.3.13-15)
//   F_PERMISSION (7.3.16)              as above, and TTRnW when CLASS = TT
//   any other type                     SSV,SSID,SID      -                      -          -
//
// SubstreamID is written when SSV = 1 (it is UNKNOWN otherwise: 0 here). FetchAddr[55:3]
// and IPA[55:12] are cut to the OAS (PA_W): the bits above are RES0. Stall/STAG (no stall
// model), NSIPA (no Secure state) and GPCF (no granule protection) are 0; everything not
// in the table is RES0.
module smmu_evt_enc #(
    parameter PA_W = 48
) (
    input  wire [211:0] desc,     // EVD_W of smmu_evt.vh
    output wire [255:0] rec
);
    `include "smmu_regs.vh"
    `include "smmu_evt.vh"

    generate
        if (EVD_W != 212) begin : g_evd_w_mismatch
            smmu_evt_enc_port_must_be_EVD_W u_err ();
        end
    endgenerate

    wire [7:0]  typ    = desc[EVD_TYPE_LSB +: EVD_TYPE_W];
    wire        ssv    = desc[EVD_SSV_LSB];
    wire [19:0] ssid   = desc[EVD_SSID_LSB +: EVD_SSID_W];
    wire [31:0] sid    = desc[EVD_SID_LSB +: EVD_SID_W];
    wire        pnu    = desc[EVD_PNU_LSB];
    wire        ind    = desc[EVD_IND_LSB];
    wire        rnw    = desc[EVD_RNW_LSB];
    wire        s2     = desc[EVD_S2_LSB];
    wire [1:0]  cls    = desc[EVD_CLASS_LSB +: EVD_CLASS_W];
    wire        ttrnw  = desc[EVD_TTRNW_LSB];
    wire [15:0] reason = desc[EVD_REASON_LSB +: EVD_REASON_W];
    wire [63:0] iaddr  = desc[EVD_IADDR_LSB +: EVD_IADDR_W];
    wire [63:0] xaddr  = desc[EVD_XADDR_LSB +: EVD_XADDR_W];

    localparam [1:0] C_TT = EVT_CLASS_TT[1:0];

    // the layout's fields
    wire t_xlat  = typ == EVT_F_TRANSLATION || typ == EVT_F_ADDR_SIZE ||
                   typ == EVT_F_ACCESS || typ == EVT_F_PERMISSION;
    wire t_walk  = typ == EVT_F_WALK_EABT;
    wire t_fetch = typ == EVT_F_STE_FETCH || typ == EVT_F_CD_FETCH;
    wire t_uut   = typ == EVT_F_UUT;
    wire t_tf    = typ == EVT_F_TRANSL_FORBIDDEN;
    wire t_bssid = typ == EVT_C_BAD_SUBSTREAMID;
    wire has_ssv    = !(t_bssid || t_tf || typ == EVT_F_STREAM_DISABLED);
    wire has_ssid   = (has_ssv && ssv) || t_bssid;
    wire has_access = t_uut || t_walk || t_xlat;        // PnU, InD, RnW
    wire has_rnw    = has_access || t_tf;
    wire has_stage  = t_walk || t_xlat;                 // S2, CLASS
    wire has_reason = t_uut || t_fetch || t_walk;
    wire has_iaddr  = t_uut || t_tf || t_walk || t_xlat;
    wire has_fa     = t_fetch || t_walk;
    wire has_ipa    = t_xlat && s2;
    wire has_ttrnw  = typ == EVT_F_PERMISSION && cls == C_TT;

    localparam [63:0] OAS_MASK = (PA_W >= 64) ? ~64'd0 : ~(~64'd0 << PA_W);
    localparam [63:0] FA_MASK  = {8'd0, {53{1'b1}}, 3'd0} & OAS_MASK;   // FetchAddr[55:3]
    localparam [63:0] IPA_MASK = {8'd0, {44{1'b1}}, 12'd0} & OAS_MASK;  // IPA[55:12]

    wire [255:0] r_type   = {248'd0, typ} << EVT_TYPE_LSB;
    wire [255:0] r_ssv    = {255'd0, has_ssv && ssv} << EVT_SSV_LSB;
    wire [255:0] r_ssid   = {236'd0, has_ssid ? ssid : 20'd0} << EVT_SSID_LSB;
    wire [255:0] r_sid    = {224'd0, sid} << EVT_SID_LSB;
    wire [255:0] r_reason = {240'd0, has_reason ? reason : 16'd0} << EVT_REASON_LSB;
    wire [255:0] r_pnu    = {255'd0, has_access && pnu} << EVT_PNU_LSB;
    wire [255:0] r_ind    = {255'd0, has_access && ind} << EVT_IND_LSB;
    wire [255:0] r_rnw    = {255'd0, has_rnw && rnw} << EVT_RNW_LSB;
    wire [255:0] r_s2     = {255'd0, has_stage && s2} << EVT_S2_LSB;
    wire [255:0] r_cls    = {254'd0, has_stage ? cls : 2'd0} << EVT_CLASS_LSB;
    wire [255:0] r_ttrnw  = {255'd0, has_ttrnw && ttrnw} << EVT_TTRNW_LSB;
    wire [255:0] r_iaddr  = {192'd0, has_iaddr ? iaddr : 64'd0} << EVT_INPUTADDR_LSB;
    // FetchAddr and IPA share dword 3 (their field positions count from bit 192)
    wire [63:0]  dw3      = has_fa ? (xaddr & FA_MASK) : has_ipa ? (xaddr & IPA_MASK) : 64'd0;
    wire [255:0] r_dw3    = {dw3, 192'd0};

    assign rec = r_type | r_ssv | r_ssid | r_sid | r_reason | r_pnu | r_ind | r_rnw | r_s2 |
                 r_cls | r_ttrnw | r_iaddr | r_dw3;

    // FetchAddr and IPA are where the generated layout says: dword 3 from bit 3 / bit 12
    generate
        if (EVT_FETCHADDR_LSB != 195 || EVT_IPA_LSB != 204) begin : g_dw3_mismatch
            smmu_evt_enc_dw3_layout_changed u_err ();
        end
    endgenerate
endmodule
