# Unit benches of the pure combinational translation functions (Verilator, C++).
# Included from the top Makefile: uses BUILD, RTL_INC and HOST_CXXFLAGS from there.
#   make unit-tests     build and run every bench (each prints "N passed, N failed")
# Each bench is a Verilator --build of one module with a short C++ main; parameter variants
# get their own build directory (-G for the RTL, -D for the bench's expectations).

UNIT_DIR     := $(BUILD)/unit
UNIT_VFLAGS  := --cc --exe --build -Wall -Wno-fatal $(RTL_INC)
# Benches are small and run once: build the generated model unoptimised (half the build
# time of the default -Os; the largest bench runs in seconds either way).
UNIT_OPT     ?= -MAKEFLAGS "OPT_FAST=-O0 OPT_SLOW=-O0 OPT_GLOBAL=-O0"
UNIT_SAN     := $(filter -fsanitize% -fno-sanitize%,$(HOST_CXXFLAGS))
UNIT_CFLAGS  := $(HOST_CXXFLAGS) -I$(CURDIR)/tb/unit -I$(CURDIR)/sw/include/smmu
UNIT_HDRS    := tb/unit/unit_check.h $(wildcard rtl/*.vh rtl/gen/*.vh)

# $(call unit_build,<bench dir>,<module>,<bench .cpp>,<-G flags>,<-D flags>)
define unit_build
	@mkdir -p $(UNIT_DIR)/$(1)
	$(call say,VERILATE,unit bench $(1))verilator $(UNIT_VFLAGS) $(UNIT_OPT) $(4) --top-module $(2) -Mdir $(UNIT_DIR)/$(1) -o $(2) \
	    -CFLAGS "$(UNIT_CFLAGS) $(5)" -LDFLAGS "$(UNIT_SAN)" $(firstword $(wildcard rtl/$(2).v rtl/*/$(2).v tb/unit/$(2).v)) $(CURDIR)/$(3) >$(UNIT_DIR)/$(1)/build.log 2>&1 \
	    || { cat $(UNIT_DIR)/$(1)/build.log; exit 1; }
endef

UNIT_BENCHES := attr attr_nofwb ste_decode ste_decode_pa40 ste_decode_g4k cd_decode \
                cd_decode_pa40 cd_decode_g4k desc_decode desc_decode_pa40 perm_check burst_check
UNIT_BINS    := $(UNIT_DIR)/attr/smmu_attr $(UNIT_DIR)/attr_nofwb/smmu_attr \
                $(UNIT_DIR)/ste_decode/smmu_ste_decode $(UNIT_DIR)/ste_decode_pa40/smmu_ste_decode \
                $(UNIT_DIR)/ste_decode_g4k/smmu_ste_decode \
                $(UNIT_DIR)/cd_decode/smmu_cd_decode $(UNIT_DIR)/cd_decode_pa40/smmu_cd_decode \
                $(UNIT_DIR)/cd_decode_g4k/smmu_cd_decode \
                $(UNIT_DIR)/desc_decode/smmu_desc_decode $(UNIT_DIR)/desc_decode_pa40/smmu_desc_decode \
                $(UNIT_DIR)/perm_check/smmu_perm_check \
                $(UNIT_DIR)/burst_check/smmu_burst_check

$(UNIT_DIR)/attr/smmu_attr: rtl/smmu_attr.v tb/unit/tb_attr.cpp $(UNIT_HDRS)
	$(call unit_build,attr,smmu_attr,tb/unit/tb_attr.cpp,,)
$(UNIT_DIR)/attr_nofwb/smmu_attr: rtl/smmu_attr.v tb/unit/tb_attr.cpp $(UNIT_HDRS)
	$(call unit_build,attr_nofwb,smmu_attr,tb/unit/tb_attr.cpp,-GFWB=0,-DBENCH_FWB=0)
$(UNIT_DIR)/ste_decode/smmu_ste_decode: rtl/smmu_ste_decode.v tb/unit/tb_ste_decode.cpp $(UNIT_HDRS)
	$(call unit_build,ste_decode,smmu_ste_decode,tb/unit/tb_ste_decode.cpp,,)
$(UNIT_DIR)/ste_decode_pa40/smmu_ste_decode: rtl/smmu_ste_decode.v tb/unit/tb_ste_decode.cpp $(UNIT_HDRS)
	$(call unit_build,ste_decode_pa40,smmu_ste_decode,tb/unit/tb_ste_decode.cpp,-GPA_W=40,-DBENCH_PA_W=40)
# the 4 KB-only builds (GRAN16K = GRAN64K = 0): TGx / S2TG naming the others is ILLEGAL
$(UNIT_DIR)/ste_decode_g4k/smmu_ste_decode: rtl/smmu_ste_decode.v tb/unit/tb_ste_decode.cpp $(UNIT_HDRS)
	$(call unit_build,ste_decode_g4k,smmu_ste_decode,tb/unit/tb_ste_decode.cpp,-GGRAN16K=0 -GGRAN64K=0,-DBENCH_GRAN=0)
$(UNIT_DIR)/cd_decode_g4k/smmu_cd_decode: rtl/smmu_cd_decode.v tb/unit/tb_cd_decode.cpp $(UNIT_HDRS)
	$(call unit_build,cd_decode_g4k,smmu_cd_decode,tb/unit/tb_cd_decode.cpp,-GGRAN16K=0 -GGRAN64K=0,-DBENCH_GRAN=0)
$(UNIT_DIR)/cd_decode/smmu_cd_decode: rtl/smmu_cd_decode.v tb/unit/tb_cd_decode.cpp $(UNIT_HDRS)
	$(call unit_build,cd_decode,smmu_cd_decode,tb/unit/tb_cd_decode.cpp,,)
$(UNIT_DIR)/cd_decode_pa40/smmu_cd_decode: rtl/smmu_cd_decode.v tb/unit/tb_cd_decode.cpp $(UNIT_HDRS)
	$(call unit_build,cd_decode_pa40,smmu_cd_decode,tb/unit/tb_cd_decode.cpp,-GPA_W=40,-DBENCH_PA_W=40)
$(UNIT_DIR)/desc_decode/smmu_desc_decode: rtl/smmu_desc_decode.v tb/unit/tb_desc_decode.cpp $(UNIT_HDRS)
	$(call unit_build,desc_decode,smmu_desc_decode,tb/unit/tb_desc_decode.cpp,,)
$(UNIT_DIR)/desc_decode_pa40/smmu_desc_decode: rtl/smmu_desc_decode.v tb/unit/tb_desc_decode.cpp $(UNIT_HDRS)
	$(call unit_build,desc_decode_pa40,smmu_desc_decode,tb/unit/tb_desc_decode.cpp,-GPA_W=40,-DBENCH_PA_W=40)
$(UNIT_DIR)/perm_check/smmu_perm_check: rtl/smmu_perm_check.v tb/unit/tb_perm_check.cpp $(UNIT_HDRS)
	$(call unit_build,perm_check,smmu_perm_check,tb/unit/tb_perm_check.cpp,,)
$(UNIT_DIR)/burst_check/smmu_burst_check: rtl/up_if/smmu_burst_check.v tb/unit/tb_burst_check.cpp $(UNIT_HDRS)
	$(call unit_build,burst_check,smmu_burst_check,tb/unit/tb_burst_check.cpp,,)

.PHONY: unit-tests
unit-tests: $(UNIT_BINS)
	@fail=0; for b in $(UNIT_BINS); do $$b || fail=1; done; exit $$fail

# The walk units (smmu_s1_walker, smmu_s2_walker behind smmu_s2_arb): table walks against
# a C++ memory model (tb/unit/walker_test.cpp). The bench top tb/unit/walker_unit_top.v
# decodes the test's raw STE/CD with smmu_ctx_decode (as smmu_cfg does) into the typed
# contexts the units take; the modules are found through -Irtl. Prints the cycle counts of the reference walks on
# its first pass.
WALKER_DEPS := tb/unit/walker_unit_top.v rtl/smmu_s1_walker.v rtl/smmu_s2_walker.v \
               rtl/smmu_s2_arb.v rtl/smmu_walk.vh rtl/smmu_ctx_decode.v \
               rtl/smmu_ste_ctx.v rtl/smmu_cd_ctx.v \
               rtl/smmu_ste_decode.v rtl/smmu_cd_decode.v \
               rtl/smmu_desc_decode.v rtl/smmu_perm_check.v rtl/smmu_attr.v rtl/smmu_leaf.vh \
               rtl/smmu_gran.vh rtl/smmu_ctx.vh
$(UNIT_DIR)/walker/walker_unit_top: $(WALKER_DEPS) tb/unit/walker_test.cpp $(UNIT_HDRS)
	$(call unit_build,walker,walker_unit_top,tb/unit/walker_test.cpp,,)
UNIT_BINS += $(UNIT_DIR)/walker/walker_unit_top
unit-tests: $(UNIT_DIR)/walker/walker_unit_top

# smmu_cfg and smmu_tlb (appended by their author): the configuration cache against a C++
# memory model and a stage-2 service stub (tb/unit/cfg_test.cpp, prints the hit/miss cycle
# counts), and the TLB's tagging, fill and TLBI scopes, directed and randomized against a
# reference model (tb/unit/tlb_test.cpp).
# (The bench top tb/unit/cfg_unit_top.v adds smmu_ctx_decode on the structures the test
# expects, to compare the typed contexts smmu_cfg answers with.)
CFG_DEPS := tb/unit/cfg_unit_top.v rtl/smmu_cfg.v rtl/smmu_ctx_decode.v rtl/smmu_ste_ctx.v \
            rtl/smmu_cd_ctx.v rtl/smmu_ste_decode.v \
            rtl/smmu_cd_decode.v rtl/smmu_attr.v rtl/smmu_ctx.vh
$(UNIT_DIR)/cfg/cfg_unit_top: $(CFG_DEPS) tb/unit/cfg_test.cpp $(UNIT_HDRS)
	$(call unit_build,cfg,cfg_unit_top,tb/unit/cfg_test.cpp,,)
$(UNIT_DIR)/tlb/smmu_tlb: rtl/smmu_tlb.v rtl/smmu_leaf.vh tb/unit/tlb_test.cpp $(UNIT_HDRS)
	$(call unit_build,tlb,smmu_tlb,tb/unit/tlb_test.cpp,,)
UNIT_BINS += $(UNIT_DIR)/cfg/cfg_unit_top $(UNIT_DIR)/tlb/smmu_tlb
unit-tests: $(UNIT_DIR)/cfg/cfg_unit_top $(UNIT_DIR)/tlb/smmu_tlb

# smmu_bypass_attr: GBPA/STE overrides and the AMBA mapping on the bypass path.
$(UNIT_DIR)/bypass_attr/smmu_bypass_attr: rtl/smmu_bypass_attr.v tb/unit/tb_bypass_attr.cpp $(UNIT_HDRS)
	$(call unit_build,bypass_attr,smmu_bypass_attr,tb/unit/tb_bypass_attr.cpp,,)
UNIT_BINS += $(UNIT_DIR)/bypass_attr/smmu_bypass_attr
unit-tests: $(UNIT_DIR)/bypass_attr/smmu_bypass_attr

# smmu_txn_order: the client port's slots and AXI ordering per ID, randomized against a
# reference (tb/unit/txn_order_test.cpp); few slots and IDs make long same-ID chains and
# slot reuse.
$(UNIT_DIR)/txn_order/smmu_txn_order: rtl/up_if/smmu_txn_order.v tb/unit/txn_order_test.cpp $(UNIT_HDRS)
	$(call unit_build,txn_order,smmu_txn_order,tb/unit/txn_order_test.cpp,-GN=16 -GIW=4 -GID_W=2,-DBENCH_N=16 -DBENCH_IDS=4)
UNIT_BINS += $(UNIT_DIR)/txn_order/smmu_txn_order
unit-tests: $(UNIT_DIR)/txn_order/smmu_txn_order

# smmu_evt_enc: every event type's record layout against a reference encoder written from
# IHI 0070 7.3 (tb/unit/tb_evt_enc.cpp), at the top's OAS and at 40 bits.
$(UNIT_DIR)/evt_enc/smmu_evt_enc: rtl/sw_if/smmu_evt_enc.v tb/unit/tb_evt_enc.cpp $(UNIT_HDRS)
	$(call unit_build,evt_enc,smmu_evt_enc,tb/unit/tb_evt_enc.cpp,,)
$(UNIT_DIR)/evt_enc_pa40/smmu_evt_enc: rtl/sw_if/smmu_evt_enc.v tb/unit/tb_evt_enc.cpp $(UNIT_HDRS)
	$(call unit_build,evt_enc_pa40,smmu_evt_enc,tb/unit/tb_evt_enc.cpp,-GPA_W=40,-DBENCH_PA_W=40)
UNIT_BINS += $(UNIT_DIR)/evt_enc/smmu_evt_enc $(UNIT_DIR)/evt_enc_pa40/smmu_evt_enc
unit-tests: $(UNIT_DIR)/evt_enc/smmu_evt_enc $(UNIT_DIR)/evt_enc_pa40/smmu_evt_enc
