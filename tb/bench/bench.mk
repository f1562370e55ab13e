# `make bench`: the performance figures (tb/bench/bench.c, docs/performance.md). Included
# by the top Makefile after the driver and harness fragments (it uses SIM_MODEL_A,
# SIM_VLRT_OBJS, SIM_HARNESS_SRCS, SIM_DFLAGS, SIM_VL_DEFS, SIM_VL_INC, SIM_MDIR,
# SIM_LDLIBS, DRV_CORE_SRCS, DRV_SIM_SRCS, DRV_INC, HOST_CFLAGS, DRV_HOST_LIB, SIM_LIB).
#
#   make bench        release build (no sanitizers; its own build of the Verilated model,
#                     below), the full run -> $(BUILD)/bench/bench.json, the table, and
#                     the plots in $(BUILD)/bench/ and docs/perf/
#   make bench-smoke  the quick run with the sanitizer build (what `make test` runs): every
#                     key must be there
#
# The harness, the driver and the bench are rebuilt without sanitizers in
# $(BUILD)/bench-rel/. The release bench links a model of its own: the same Verilator
# output as the tests' model (tb/tb.mk SIM_VOPTS), its C++ at $(BENCH_COPT) with
# profile feedback. A first build is instrumented, the bench's quick run on it writes
# the profile (every key but the speed measurement, --no-speed: the timed loop is not the
# one the profile was taken on), and the second build uses it: about 20 % more
# simulated cycles per second than the tests' -O1 model (docs/performance.md), for two
# model builds that only `make bench` pays (`make test` and bench-smoke use the tests'
# model). The profile follows the model's code, so the model is rebuilt when the RTL,
# the parameters, SIM_OPT/SIM_VEXTRA (params.txt), BENCH_COPT, BENCH_CXX or these
# makefiles change, not when the harness or the bench do.
#
# The model and the release harness (C++) are compiled by clang++ (the `bench` set-up
# group installs clang and Debian's llvm-14 for llvm-profdata): clang's profile
# (-fprofile-instr-generate, merged by llvm-profdata) and ThinLTO across the model and
# the harness simulate about 9 % faster than g++ with its profile (docs/performance.md).
# BENCH_CXX=g++ builds as before: GCC's profile (-fprofile-generate), no LTO. The driver
# and the bench (C) are $(CC)'s either way.

BENCH_DIR     := $(BUILD)/bench
BENCH_REL     := $(BUILD)/bench-rel
BENCH_FLAGS   := -O2 -g -DNDEBUG
BENCH_CFLAGS  := -std=c11 -Wall -Wextra -Werror $(BENCH_FLAGS)
BENCH_HARNESS := $(patsubst tb/harness/%.cpp,$(BENCH_REL)/harness/%.o,$(SIM_HARNESS_SRCS))
BENCH_DRV     := $(patsubst %.c,$(BENCH_REL)/%.o,$(DRV_CORE_SRCS) $(DRV_SIM_SRCS))
BENCH_REL_BIN := $(BENCH_REL)/bench
BENCH_SAN_BIN := $(BENCH_DIR)/bench-san
BENCH_PLOTS   := docs/perf
BENCH_COPT    ?= -O2
BENCH_MTRAIN  := $(BENCH_REL)/model-train
BENCH_MDIR    := $(BENCH_REL)/model
BENCH_MODEL_A := $(BENCH_MDIR)/Vsmmu_top__ALL.a
BENCH_TRAIN   := $(BENCH_MTRAIN)/bench
BENCH_PARAMS  := $(BENCH_REL)/params.txt
# clang++ unless BENCH_CXX says otherwise, not "if installed": the set-up group is
# installed before the first compile, so a fresh machine's first `make bench` builds
# what later runs build. llvm-profdata's name is looked up once (not `?=`, which would
# run the shell at every expansion).
BENCH_CXX     ?= clang++
ifeq ($(origin BENCH_PROFDATA),undefined)
BENCH_PROFDATA := $(or $(firstword $(shell command -v llvm-profdata-14 llvm-profdata 2>/dev/null)),llvm-profdata-14)
endif
SETUP_BENCH   := $(call setup_for,bench)
ifneq ($(findstring clang,$(BENCH_CXX)),)
# -gdwarf-4: valgrind 3.19 cannot read clang 14's DWARF 5 (the callgrind measurement).
BENCH_LTO     := -flto=thin
BENCH_XFLAGS  := $(BENCH_LTO) -gdwarf-4
BENCH_PGEN    := -fprofile-instr-generate
BENCH_PUSE     = -fprofile-instr-use=$(abspath $(BENCH_MDIR))/bench.profdata \
                 -Wno-profile-instr-out-of-date -Wno-profile-instr-unprofiled
BENCH_PSAVE    = $(BENCH_PROFDATA) merge -o $(BENCH_MDIR)/bench.profdata $(BENCH_MTRAIN)/bench.profraw
else
BENCH_XFLAGS  :=
BENCH_LTO     :=
BENCH_PGEN    := -fprofile-generate
BENCH_PUSE    := -fprofile-use -Wno-missing-profile
BENCH_PSAVE    = cp $(BENCH_MTRAIN)/*.gcda $(BENCH_MDIR)/
endif
BENCH_VFLAGS   = --cc --build -j 2 $(SIM_VOPTS) \
                 -MAKEFLAGS 'CXX=$(BENCH_CXX) OPT_FAST=$(BENCH_COPT) OPT_SLOW=-O1 OPT_GLOBAL=-O1' \
                 $(SIM_VEXTRA)
BENCH_OBJS     = $(BENCH_REL)/tb/bench/bench.o $(BENCH_DRV) $(BENCH_HARNESS)

# BENCH_COPT and the compiler as a file that changes only when they do (as tb/tb.mk's
# params.txt).
$(shell mkdir -p $(BENCH_REL) && echo '$(BENCH_COPT) $(BENCH_CXX)' > $(BENCH_PARAMS).tmp && \
  { cmp -s $(BENCH_PARAMS).tmp $(BENCH_PARAMS) || cp $(BENCH_PARAMS).tmp $(BENCH_PARAMS); }; \
  rm -f $(BENCH_PARAMS).tmp)

$(BENCH_REL)/harness/%.o: tb/harness/%.cpp $(SIM_PARAMS_TXT) $(BENCH_PARAMS) | $(SIM_MODEL_A) $(SETUP_DONE) $(SETUP_BENCH)
	@mkdir -p $(dir $@)
	$(call say,CXX,$< (release))$(BENCH_CXX) -std=c++17 -Wall -Wextra -Werror $(BENCH_FLAGS) $(BENCH_XFLAGS) \
	  $(SIM_DFLAGS) $(SIM_VL_DEFS) \
	  -Itb/harness -I$(SIM_MDIR) -isystem $(VERILATOR_ROOT_DIR)/include \
	  -isystem $(VERILATOR_ROOT_DIR)/include/vltstd -MMD -MP -c $< -o $@

$(BENCH_REL)/%.o: %.c $(REGS_GEN) | $(SETUP_DONE)
	@mkdir -p $(dir $@)
	$(call say,CC,$< (release))$(CC) $(BENCH_CFLAGS) $(SIM_DFLAGS) -Isw/include -Isw/core -Itb/harness $(DRV_INC) \
	  -MMD -MP -c $< -o $@

# The release model: instrumented build, training run, the build that uses its profile
# (GCC finds its .gcda files by object name in the build's directory; clang reads the
# merged bench.profdata). Verilator's own make runs its -j 2; the parent's jobserver
# cannot reach it.
$(BENCH_MODEL_A): $(RTL_DEPS) $(SIM_PARAMS_TXT) $(BENCH_PARAMS) tb/tb.mk tb/bench/bench.mk \
                  | $(BENCH_OBJS) $(SIM_VLRT_OBJS) $(SETUP_DONE) $(SETUP_BENCH)
	$(Q)rm -rf $(BENCH_MTRAIN) $(BENCH_MDIR)
	$(call quietly,VERILATE,smmu_top -> $(BENCH_MTRAIN) (release model, $(BENCH_CXX), instrumented),$(BENCH_MTRAIN)/build.log) \
	  env MAKEFLAGS= $(VERILATOR) $(BENCH_VFLAGS) -Mdir $(BENCH_MTRAIN) -CFLAGS '$(BENCH_PGEN) $(BENCH_LTO)' $(RTL_SRCS)
	$(call say,LINK,$(BENCH_TRAIN))$(BENCH_CXX) $(BENCH_PGEN) $(BENCH_LTO) $(BENCH_COPT) -o $(BENCH_TRAIN) $(BENCH_OBJS) \
	  $(BENCH_MTRAIN)/Vsmmu_top__ALL.a $(SIM_VLRT_OBJS) $(SIM_LDLIBS)
	$(call quietly,TRAIN,bench --quick --no-speed on the instrumented model,$(BENCH_MTRAIN)/train.log) \
	  env LLVM_PROFILE_FILE=$(abspath $(BENCH_MTRAIN))/bench.profraw \
	  $(BENCH_TRAIN) --quick --no-speed --json $(BENCH_MTRAIN)/train.json
	$(Q)mkdir -p $(BENCH_MDIR) && $(BENCH_PSAVE)
	$(call quietly,VERILATE,smmu_top -> $(BENCH_MDIR) (release model with the profile),$(BENCH_MDIR)/build.log) \
	  env MAKEFLAGS= $(VERILATOR) $(BENCH_VFLAGS) -Mdir $(BENCH_MDIR) -CFLAGS '$(BENCH_PUSE) $(BENCH_LTO)' $(RTL_SRCS)
	$(Q)touch $@

$(BENCH_REL_BIN): $(BENCH_OBJS) $(BENCH_MODEL_A) $(SIM_VLRT_OBJS)
	$(call say,LINK,$@)$(BENCH_CXX) $(BENCH_LTO) $(BENCH_COPT) -o $@ $(BENCH_OBJS) $(BENCH_MODEL_A) \
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
