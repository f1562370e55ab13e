# The random differential regression, RTL against the reference model (tb/diff/,
# docs/differential.md). Included by the top Makefile after the tests section (it uses
# SIM_LIB, SIM_LDLIBS, SIM_GFLAGS, SIM_DFLAGS, SIM_VL_INC, SIM_HARNESS_SRCS, MODEL_OBJS,
# TEST_OBJS, DRV_HOST_LIB, HOST_CFLAGS, HOST_CXXFLAGS, HOST_LDFLAGS, RTL_SRCS, RTL_INC,
# REGS_GEN, SETUP_DONE, BUILD, PYTHON, VERILATOR).
#
#   make diff [SEEDS=1-100] [COUNT=10000] [JOBS=2] [SERIAL=1]   the regression `make test` runs
#   make soak [SEEDS=1000-] [COUNT=10000] [JOBS=2]   seeds until stopped, a progress line each
#   make diff-replay SEED=n [COUNT=10000] [TRACE=1] [SERIAL=1]  one seed alone: every
#                                                    transaction, the scenario script, waves
#                                                    with TRACE=1 (SERIAL=1: one at a time)
#   make coverage                                    line + toggle coverage of the RTL under the
#                                                    differential and the directed tests, in
#                                                    $(BUILD)/coverage/

DIFF_DIR   := $(BUILD)/diff
DIFF_BIN   := $(DIFF_DIR)/diff
DIFF_SRCS  := tb/diff/diff_env.c tb/diff/diff_gen.c tb/diff/diff_main.c
DIFF_OBJS  := $(patsubst tb/diff/%.c,$(DIFF_DIR)/%.o,$(DIFF_SRCS))
# The seeds `make test` runs: 100 seeds x 11000 transactions (about 1,080,000, of which
# about 1,060,000 translated with SMMUEN = 1), 2 jobs.
SEEDS      ?= 1-100
COUNT      ?= 11000
JOBS       ?= 2

$(DIFF_DIR)/%.o: tb/diff/%.c $(REGS_GEN) | $(SETUP_DONE)
	@mkdir -p $(dir $@)
	$(call say,CC,$<)$(CC) $(HOST_CFLAGS) $(SIM_DFLAGS) -Itb/harness -Isw/include -MMD -MP -c $< -o $@

$(DIFF_BIN): $(DIFF_OBJS) $(MODEL_OBJS) $(SIM_LIB)
	$(call say,LINK,$@)$(CXX) $(HOST_LDFLAGS) -o $@ $(DIFF_OBJS) $(MODEL_OBJS) $(SIM_LIB) $(SIM_LDLIBS)

-include $(DIFF_OBJS:.o=.d)

.PHONY: diff soak diff-replay coverage
diff: $(DIFF_BIN)
	$(DIFF_BIN) --seeds $(SEEDS) --count $(COUNT) --jobs $(JOBS) --out $(DIFF_DIR) $(if $(SERIAL),--serial)

soak: $(DIFF_BIN)
	$(DIFF_BIN) --soak --seeds $(if $(filter 1-100,$(SEEDS)),1000-,$(SEEDS)) --count $(COUNT) \
	  --jobs $(JOBS) --out $(DIFF_DIR)/soak

diff-replay: $(DIFF_BIN)
	@test -n "$(SEED)" || { echo "usage: make diff-replay SEED=n [COUNT=n] [TRACE=1]"; exit 2; }
	@mkdir -p $(BUILD)/waves
	$(DIFF_BIN) --seed $(SEED) --replay --count $(COUNT) --out $(DIFF_DIR) $(if $(SERIAL),--serial) \
	  --script $(DIFF_DIR)/seed-$(SEED).scn $(if $(TRACE),--trace $(BUILD)/waves/diff-seed-$(SEED).fst)

# ---- coverage ------------------------------------------------------------------------
# A second Verilator build of smmu_top with --coverage-line --coverage-toggle, its own
# harness objects and runtime (VM_COVERAGE must agree between them), and the differential
# and the directed tests linked against it. sim_create / sim_destroy are wrapped (ld
# --wrap, tb/diff/diff_cov.cpp) so each model writes its counters to $(COV_DIR)/raw/
# before it goes; verilator_coverage merges
# them and annotates the sources; tb/diff/cov_report.py prints the per-module table.
COV_DIR       := $(BUILD)/coverage
COV_MDIR      := $(BUILD)/cov/model
COV_MODEL_A   := $(COV_MDIR)/Vsmmu_top__ALL.a
COV_VL_DEFS   := -DVM_COVERAGE=1 -DVM_SC=0 -DVM_TRACE=1 -DVM_TRACE_FST=1 -DVM_TRACE_VCD=0
COV_VLRT_OBJS := $(addprefix $(BUILD)/cov/vlrt/,verilated.o verilated_fst_c.o verilated_threads.o verilated_cov.o)
COV_HARNESS_OBJS := $(patsubst tb/harness/%.cpp,$(BUILD)/cov/harness/%.o,$(SIM_HARNESS_SRCS))
COV_LIB       := $(BUILD)/cov/libsim_cov.a
COV_SEEDS     ?= 1-24
COV_COUNT     ?= 4000

$(COV_MODEL_A): $(RTL_DEPS) tb/diff/diff.mk | $(SETUP_DONE)
	@mkdir -p $(COV_MDIR)
	MAKEFLAGS= $(VERILATOR) --cc --build -j 2 -O2 --trace-fst -Wno-fatal --top-module smmu_top \
	  --coverage-line --coverage-toggle -Mdir $(COV_MDIR) $(SIM_GFLAGS) $(RTL_INC) \
	  -MAKEFLAGS 'OPT_FAST=-O1 OPT_SLOW=-O1 OPT_GLOBAL=-O1' $(RTL_SRCS)
	@touch $@

$(BUILD)/cov/vlrt/%.o: $(VERILATOR_ROOT_DIR)/include/%.cpp | $(SETUP_DONE)
	@mkdir -p $(dir $@)
	$(CXX) -std=c++17 -O1 $(COV_VL_DEFS) $(SIM_VL_INC) -faligned-new -w -c $< -o $@

$(BUILD)/cov/harness/%.o: tb/harness/%.cpp | $(COV_MODEL_A) $(SETUP_DONE)
	@mkdir -p $(dir $@)
	$(CXX) $(HOST_CXXFLAGS) $(SIM_DFLAGS) $(COV_VL_DEFS) -Itb/harness -I$(COV_MDIR) \
	  -isystem $(VERILATOR_ROOT_DIR)/include -isystem $(VERILATOR_ROOT_DIR)/include/vltstd \
	  -c $< -o $@

$(BUILD)/cov/diff_cov.o: tb/diff/diff_cov.cpp | $(COV_MODEL_A) $(SETUP_DONE)
	@mkdir -p $(dir $@)
	$(CXX) $(HOST_CXXFLAGS) $(COV_VL_DEFS) -Itb/harness \
	  -isystem $(VERILATOR_ROOT_DIR)/include -isystem $(VERILATOR_ROOT_DIR)/include/vltstd \
	  -c $< -o $@

$(COV_LIB): $(COV_HARNESS_OBJS) $(COV_MODEL_A) $(COV_VLRT_OBJS) $(BUILD)/cov/diff_cov.o
	@rm -f $@
	@{ echo "CREATE $@"; echo "ADDLIB $(COV_MODEL_A)"; \
	   for o in $(COV_HARNESS_OBJS) $(COV_VLRT_OBJS) $(BUILD)/cov/diff_cov.o; do echo "ADDMOD $$o"; done; \
	   echo "SAVE"; echo "END"; } | $(AR) -M

COV_WRAP := -Wl,--wrap=sim_create,--wrap=sim_destroy
$(BUILD)/cov/diff: $(DIFF_OBJS) $(MODEL_OBJS) $(COV_LIB)
	$(CXX) $(HOST_LDFLAGS) $(COV_WRAP) -o $@ $(DIFF_OBJS) $(MODEL_OBJS) $(COV_LIB) $(SIM_LDLIBS)

$(BUILD)/cov/smmu_tests: $(TEST_OBJS) $(MODEL_OBJS) $(DRV_HOST_LIB) $(COV_LIB)
	$(CXX) $(HOST_LDFLAGS) $(COV_WRAP) -o $@ $(TEST_OBJS) $(MODEL_OBJS) $(DRV_HOST_LIB) $(COV_LIB) $(SIM_LDLIBS)

coverage: $(BUILD)/cov/diff $(BUILD)/cov/smmu_tests
	@rm -rf $(COV_DIR) && mkdir -p $(COV_DIR)/raw
	-SIM_COV_DIR=$(COV_DIR)/raw $(BUILD)/cov/smmu_tests > $(COV_DIR)/tests.log 2>&1; tail -1 $(COV_DIR)/tests.log
	-SIM_COV_DIR=$(COV_DIR)/raw $(BUILD)/cov/diff --seeds $(COV_SEEDS) --count $(COV_COUNT) --jobs $(JOBS) \
	  --out $(COV_DIR) > $(COV_DIR)/diff.log 2>&1; tail -1 $(COV_DIR)/diff.log
	verilator_coverage --write $(COV_DIR)/merged.dat $(COV_DIR)/raw/*.dat
	verilator_coverage --annotate $(COV_DIR)/annotated --annotate-min 1 $(COV_DIR)/merged.dat | tail -3
	$(PYTHON) tb/diff/cov_report.py $(COV_DIR)/merged.dat | tee $(COV_DIR)/summary.txt
	@echo "annotated sources: $(COV_DIR)/annotated/ (lines marked %000000 never ran)"
