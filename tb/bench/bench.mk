# `make bench`: the performance figures (tb/bench/bench.c, docs/performance.md). Included
# by the top Makefile after the driver and harness fragments (it uses SIM_MODEL_A,
# SIM_VLRT_OBJS, SIM_HARNESS_SRCS, SIM_DFLAGS, SIM_VL_DEFS, SIM_VL_INC, SIM_MDIR,
# SIM_LDLIBS, DRV_CORE_SRCS, DRV_SIM_SRCS, DRV_INC, HOST_CFLAGS, DRV_HOST_LIB, SIM_LIB).
#
#   make bench        release build (no sanitizers; the same Verilated model as the
#                     tests), the full run -> $(BUILD)/bench/bench.json, the table, and
#                     the plots in $(BUILD)/bench/ and docs/perf/
#   make bench-smoke  the quick run with the sanitizer build (what `make test` runs): every
#                     key must be there
#
# The release build needs no second Verilator model: the model and the Verilator runtime
# are never sanitized; only the harness, the driver and the bench are rebuilt without
# sanitizers (in $(BUILD)/bench-rel/).

BENCH_DIR     := $(BUILD)/bench
BENCH_REL     := $(BUILD)/bench-rel
BENCH_FLAGS   := -O2 -g -DNDEBUG
BENCH_CFLAGS  := -std=c11 -Wall -Wextra -Werror $(BENCH_FLAGS)
BENCH_HARNESS := $(patsubst tb/harness/%.cpp,$(BENCH_REL)/harness/%.o,$(SIM_HARNESS_SRCS))
BENCH_DRV     := $(patsubst %.c,$(BENCH_REL)/%.o,$(DRV_CORE_SRCS) $(DRV_SIM_SRCS))
BENCH_REL_BIN := $(BENCH_REL)/bench
BENCH_SAN_BIN := $(BENCH_DIR)/bench-san
BENCH_PLOTS   := docs/perf

$(BENCH_REL)/harness/%.o: tb/harness/%.cpp $(SIM_PARAMS_TXT) | $(SIM_MODEL_A) $(SETUP_DONE)
	@mkdir -p $(dir $@)
	$(call say,CXX,$< (release))$(CXX) -std=c++17 -Wall -Wextra -Werror $(BENCH_FLAGS) $(SIM_DFLAGS) $(SIM_VL_DEFS) \
	  -Itb/harness -I$(SIM_MDIR) -isystem $(VERILATOR_ROOT_DIR)/include \
	  -isystem $(VERILATOR_ROOT_DIR)/include/vltstd -MMD -MP -c $< -o $@

$(BENCH_REL)/%.o: %.c $(REGS_GEN) | $(SETUP_DONE)
	@mkdir -p $(dir $@)
	$(call say,CC,$< (release))$(CC) $(BENCH_CFLAGS) $(SIM_DFLAGS) -Isw/include -Isw/core -Itb/harness $(DRV_INC) \
	  -MMD -MP -c $< -o $@

$(BENCH_REL_BIN): $(BENCH_REL)/tb/bench/bench.o $(BENCH_DRV) $(BENCH_HARNESS) $(SIM_MODEL_A) \
                  $(SIM_VLRT_OBJS)
	$(call say,LINK,$@)$(CXX) -o $@ $(BENCH_REL)/tb/bench/bench.o $(BENCH_DRV) $(BENCH_HARNESS) $(SIM_MODEL_A) \
	  $(SIM_VLRT_OBJS) $(SIM_LDLIBS)

$(BENCH_DIR)/bench.o: tb/bench/bench.c $(REGS_GEN) | $(SETUP_DONE)
	@mkdir -p $(dir $@)
	$(call say,CC,$<)$(CC) $(HOST_CFLAGS) $(SIM_DFLAGS) -Itb/harness $(DRV_INC) -MMD -MP -c $< -o $@

$(BENCH_SAN_BIN): $(BENCH_DIR)/bench.o $(DRV_HOST_LIB) $(SIM_LIB)
	$(call say,LINK,$@)$(CXX) $(HOST_LDFLAGS) -o $@ $< $(DRV_HOST_LIB) $(SIM_LIB) $(SIM_LDLIBS)

-include $(BENCH_HARNESS:.o=.d) $(BENCH_DRV:.o=.d) $(BENCH_REL)/tb/bench/bench.d \
         $(BENCH_DIR)/bench.d

.PHONY: bench bench-smoke bench-build
bench-build: $(BENCH_REL_BIN) $(BENCH_SAN_BIN) $(SOC_SIM) $(FW_DIR)/selftest.hex | $(SETUP_SOC)

# matplotlib comes from the project's Python environment (set-up group `plot`)
bench: bench-build | $(call setup_for,plot)
	@mkdir -p $(BENCH_DIR) $(BENCH_PLOTS)
	$(BENCH_REL_BIN) --json $(BENCH_DIR)/bench-rel.json
	$(BENCH_SAN_BIN) --speed-only --json $(BENCH_DIR)/bench-san.json
	$(PYTHON) scripts/bench_report.py soc-speed --out $(BENCH_DIR)/bench-soc.json -- \
	  $(SOC_SIM) --cycles $(SOC_CYCLES) --uart-div $(SOC_UART_DIV)
	$(PYTHON) scripts/bench_report.py merge --out $(BENCH_DIR)/bench.json \
	  $(BENCH_DIR)/bench-rel.json san=$(BENCH_DIR)/bench-san.json $(BENCH_DIR)/bench-soc.json
	$(VENV_PY) scripts/bench_report.py plot $(BENCH_DIR)/bench.json --out $(BENCH_DIR) \
	  --docs $(BENCH_PLOTS)
	$(PYTHON) scripts/bench_report.py table $(BENCH_DIR)/bench.json

bench-smoke: $(BENCH_SAN_BIN)
	@mkdir -p $(BUILD)/bench-smoke
	$(BENCH_SAN_BIN) --quick --json $(BUILD)/bench-smoke/bench.json
	$(PYTHON) scripts/bench_report.py check $(BUILD)/bench-smoke/bench.json
