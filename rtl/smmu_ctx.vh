// The typed translation contexts: a validated STE (IHI 0070 5.2) and CD (5.4) decoded
// once, by smmu_cfg's smmu_ste_decode / smmu_cd_decode at the configuration cache's
// output, and handed as these bundles to smmu_xlate and its walkers, which decode nothing
// again. Included inside module bodies. Field <NAME> of the stream context is
// x[SCTX_<NAME>_LSB +: SCTX_<NAME>_W], of the stage-1 context x[S1CTX_<NAME>_LSB +: ...].
// Every field is the smmu_ste_decode / smmu_cd_decode output of the same name (its
// header says what each means); addresses are 48 bits wide whatever the OAS (zero above
// it). Fields of a stage that is off are don't-care; the stage-1 context of a stream
// without stage 1 is the decode of an all-zero CD.
/* verilator lint_off UNUSEDPARAM */
// ---- stream context (STE, with SMMU_CR2.E2H applied to StreamWorld)
localparam SCTX_S1_EN_LSB    = 0;    // stage 1 translates (Config[0] of a translating STE)
localparam SCTX_S2_EN_LSB    = 1;    // stage 2 translates (Config[1])
localparam SCTX_WORLD_LSB    = 2;    // StreamWorld: 0 NS-EL1, 1 NS-EL2, 2 NS-EL2-E2H
localparam SCTX_WORLD_W      = 2;
localparam SCTX_VMID_LSB     = 4;    // S2VMID
localparam SCTX_VMID_W       = 16;
localparam SCTX_S2FWB_LSB    = 20;   // effective S2FWB (FWB parameter, stage 2 on)
localparam SCTX_MTCFG_LSB    = 21;   // attribute overrides (as smmu_bypass_attr wants them)
localparam SCTX_MEMATTR_LSB  = 22;
localparam SCTX_MEMATTR_W    = 4;
localparam SCTX_ALLOCCFG_LSB = 26;
localparam SCTX_ALLOCCFG_W   = 4;
localparam SCTX_SHCFG_LSB    = 30;
localparam SCTX_SHCFG_W      = 2;
localparam SCTX_PRIVCFG_LSB  = 32;
localparam SCTX_PRIVCFG_W    = 2;
localparam SCTX_INSTCFG_LSB  = 34;
localparam SCTX_INSTCFG_W    = 2;
localparam SCTX_S1CIR_LSB    = 36;   // CD fetch attributes
localparam SCTX_S1CIR_W      = 2;
localparam SCTX_S1COR_LSB    = 38;
localparam SCTX_S1COR_W      = 2;
localparam SCTX_S1CSH_LSB    = 40;
localparam SCTX_S1CSH_W      = 2;
localparam SCTX_S2IAS_LSB    = 42;   // IPA size 64 - S2T0SZ in bits
localparam SCTX_S2IAS_W      = 7;
localparam SCTX_S2TG_LSB     = 49;   // stage-2 granule (smmu_gran.vh code)
localparam SCTX_S2TG_W       = 2;
localparam SCTX_S2SL_LSB     = 51;   // stage-2 start level
localparam SCTX_S2SL_W       = 2;
localparam SCTX_S2SLB_LSB    = 53;   // IPA bits the start level resolves (concatenation in)
localparam SCTX_S2SLB_W      = 5;
localparam SCTX_S2TTB_LSB    = 58;   // S2TTB aligned to the start table(s)
localparam SCTX_S2TTB_W      = 48;
localparam SCTX_S2PS_LSB     = 106;  // effective stage-2 output size in bits
localparam SCTX_S2PS_W       = 6;
localparam SCTX_S2AFFD_LSB   = 112;
localparam SCTX_S2PTW_LSB    = 113;
localparam SCTX_S2R_LSB      = 114;
localparam SCTX_S2IR0_LSB    = 115;  // stage-2 walk attributes
localparam SCTX_S2IR0_W      = 2;
localparam SCTX_S2OR0_LSB    = 117;
localparam SCTX_S2OR0_W      = 2;
localparam SCTX_S2SH0_LSB    = 119;
localparam SCTX_S2SH0_W      = 2;
localparam SCTX_W            = 121;

// ---- stage-1 context (CD, decoded for the stream's StreamWorld)
localparam S1CTX_ASID_LSB    = 0;
localparam S1CTX_ASID_W      = 16;
localparam S1CTX_T0_EN_LSB   = 16;   // half walked (EPDx, NS-EL2 has TTB0 only)
localparam S1CTX_T1_EN_LSB   = 17;
localparam S1CTX_T0SZ_LSB    = 18;   // TxSZ
localparam S1CTX_T0SZ_W      = 6;
localparam S1CTX_T1SZ_LSB    = 24;
localparam S1CTX_T1SZ_W      = 6;
localparam S1CTX_T0TG_LSB    = 30;   // granule (smmu_gran.vh code)
localparam S1CTX_T0TG_W      = 2;
localparam S1CTX_T1TG_LSB    = 32;
localparam S1CTX_T1TG_W      = 2;
localparam S1CTX_T0SL_LSB    = 34;   // start level
localparam S1CTX_T0SL_W      = 2;
localparam S1CTX_T1SL_LSB    = 36;
localparam S1CTX_T1SL_W      = 2;
localparam S1CTX_T0SLB_LSB   = 38;   // VA bits the start level resolves
localparam S1CTX_T0SLB_W     = 4;
localparam S1CTX_T1SLB_LSB   = 42;
localparam S1CTX_T1SLB_W     = 4;
localparam S1CTX_TTB0_LSB    = 46;   // TTBx aligned to the start table
localparam S1CTX_TTB0_W      = 48;
localparam S1CTX_TTB1_LSB    = 94;
localparam S1CTX_TTB1_W      = 48;
localparam S1CTX_IR0_LSB     = 142;  // walk attributes per half
localparam S1CTX_IR0_W       = 2;
localparam S1CTX_OR0_LSB     = 144;
localparam S1CTX_OR0_W       = 2;
localparam S1CTX_SH0_LSB     = 146;
localparam S1CTX_SH0_W       = 2;
localparam S1CTX_IR1_LSB     = 148;
localparam S1CTX_IR1_W       = 2;
localparam S1CTX_OR1_LSB     = 150;
localparam S1CTX_OR1_W       = 2;
localparam S1CTX_SH1_LSB     = 152;
localparam S1CTX_SH1_W       = 2;
localparam S1CTX_TBI0_LSB    = 154;
localparam S1CTX_TBI1_LSB    = 155;
localparam S1CTX_HAD0_LSB    = 156;
localparam S1CTX_HAD1_LSB    = 157;
localparam S1CTX_IPS_LSB     = 158;  // effective IPS in bits (stage-1 output size)
localparam S1CTX_IPS_W       = 6;
localparam S1CTX_AFFD_LSB    = 164;
localparam S1CTX_WXN_LSB     = 165;
localparam S1CTX_PAN_LSB     = 166;
localparam S1CTX_R_LSB       = 167;  // record stage-1 translation-related faults
localparam S1CTX_MAIR_LSB    = 168;  // MAIR1:MAIR0, raw
localparam S1CTX_MAIR_W      = 64;
localparam S1CTX_W           = 232;
/* verilator lint_on UNUSEDPARAM */
