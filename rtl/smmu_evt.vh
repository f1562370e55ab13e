// The event description: what an event source (smmu_xlate, smmu_client_port) hands to
// the event arbiter (smmu_evt_arb) instead of a 32-byte record. smmu_evt_enc builds the
// record from it once, in front of the event queue, with the layout the type defines
// (IHI 0070 7.3). Included inside module bodies. Field <NAME> is d[EVD_<NAME>_LSB +: W].
//
// A source fills the fields it knows; the encoder places only those the type's layout
// has, so a field a layout lacks may hold anything (it never reaches the record).
/* verilator lint_off UNUSEDPARAM */
localparam EVD_TYPE_LSB   = 0;    // event number (EVT_*)
localparam EVD_TYPE_W     = 8;
localparam EVD_SSV_LSB    = 8;    // the transaction presented a SubstreamID
localparam EVD_SSID_LSB   = 9;    // its SubstreamID (recorded when SSV = 1, and always
localparam EVD_SSID_W     = 20;   //   for C_BAD_SUBSTREAMID)
localparam EVD_SID_LSB    = 29;   // StreamID, zero-extended to 32 bits
localparam EVD_SID_W      = 32;
localparam EVD_PNU_LSB    = 61;   // privileged (post-STE override; F_UUT: incoming)
localparam EVD_IND_LSB    = 62;   // instruction (0 for a write)
localparam EVD_RNW_LSB    = 63;   // read
localparam EVD_S2_LSB     = 64;   // stage of the fault
localparam EVD_CLASS_LSB  = 65;   // EVT_CLASS_*: CD, TT, IN
localparam EVD_CLASS_W    = 2;
localparam EVD_TTRNW_LSB  = 67;   // F_PERMISSION at stage 2 of a table access: 1 read
localparam EVD_REASON_LSB = 68;   // IMPLEMENTATION DEFINED cause
localparam EVD_REASON_W   = 16;
localparam EVD_IADDR_LSB  = 84;   // InputAddr: the address as presented
localparam EVD_IADDR_W    = 64;
localparam EVD_XADDR_LSB  = 148;  // the second address, full width: FetchAddr (F_*_FETCH,
localparam EVD_XADDR_W    = 64;   //   F_WALK_EABT) or the IPA (stage-2 faults)
localparam EVD_W          = 212;
/* verilator lint_on UNUSEDPARAM */

// One description from its fields (sid zero-extended by the caller).
function [EVD_W-1:0] evd_pack(input [7:0] typ, input ssv, input [19:0] ssid,
                              input [31:0] sid, input pnu, input ind, input rnw,
                              input s2, input [1:0] cls, input ttrnw, input [15:0] reason,
                              input [63:0] iaddr, input [63:0] xaddr);
    evd_pack = {xaddr, iaddr, reason, ttrnw, cls, s2, rnw, ind, pnu, sid, ssid, ssv, typ};
endfunction
