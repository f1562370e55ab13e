# SMMUv3 with S2FWB and nesting: RTL, driver, harness.
#
#   make run                 build the model and the driver, run the end-to-end demo
#   make test                every test (lint, synthesis, generated files, driver builds,
#                            harness and driver-against-RTL tests); ends with `N passed, N failed`
#   make check TEST=name     one harness/driver test (add TRACE=1 for an FST trace)
#   make waves TEST=name     run one test with tracing and open GTKWave on it
#   make scenario SCRIPT=f   run one scenario script (tb/scenarios/*.scn; docs/scenario.md)
#   make diff | soak | coverage   random differential regression, open-ended soak,
#                            Verilator line/toggle coverage (docs/differential.md)
#   make soc-sim             the driver's self-test on the PicoRV32 SoC in Verilator
#   make lint | synth | regs | rv32 | clean   (FPGA: docs/fpga.md)
#
# Both `run` and `test` first run scripts/setup.sh, which installs what is missing.

BUILD      ?= build
PYTHON     ?= python3
SETUP_DONE := $(BUILD)/.setup-done

# Model parameters: one place; the Verilator build and the tests' expectations use them.
SID_W            ?= 16
PA_W             ?= 48
CMDQS            ?= 8
EVENTQS          ?= 7
ST_LEVEL_2       ?= 1
FWB              ?= 1
COHACC           ?= 1
ATTR_OVR         ?= 1
GBPA_ABORT_RESET ?= 1
SIM_PARAM_NAMES  := SID_W PA_W CMDQS EVENTQS ST_LEVEL_2 FWB COHACC ATTR_OVR GBPA_ABORT_RESET
SIM_GFLAGS       := $(foreach p,$(SIM_PARAM_NAMES),-G$(p)=$($(p)))
SIM_DFLAGS       := $(foreach p,$(SIM_PARAM_NAMES),-DSIM_PARAM_$(p)=$($(p)))

RTL_SRCS   := $(sort $(wildcard rtl/*.v))
RTL_INC    := -Irtl -Irtl/gen
# What a build from the RTL depends on: the sources and every included header.
RTL_DEPS   := $(RTL_SRCS) $(wildcard rtl/*.vh rtl/gen/*.vh)
REGS_GEN   := rtl/gen/smmu_regs.vh sw/include/smmu/smmu_regs.h docs/registers.md

# Host C: sanitizers on, warnings are errors.
CC         ?= gcc
CXX        ?= g++
SAN        ?= -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
HOST_CFLAGS   := -std=c11 -Wall -Wextra -Werror -g -O1 $(SAN)
HOST_CXXFLAGS := -std=c++17 -Wall -Wextra -g -O1 $(SAN)
HOST_LDFLAGS  := $(SAN)

.PHONY: all run test check waves lint synth regs check-regs rv32 setup clean unit-list
all: $(BUILD)/tests/smmu_tests $(BUILD)/demo/smmu_demo

$(SETUP_DONE): scripts/setup.sh
	@bash scripts/setup.sh
	@mkdir -p $(BUILD) && touch $@
setup: $(SETUP_DONE)

# ---- generated register constants -------------------------------------------------
regs:
	$(PYTHON) scripts/regtool.py
check-regs:
	$(PYTHON) scripts/regtool.py --check

# ---- fragments: the model and harness, the driver ---------------------------------
include tb/tb.mk
include tb/model/model.mk
include tb/unit/unit.mk
include sw/sw.mk
include tb/scenario/scenario.mk
include fpga/fpga.mk

# ---- tests -----------------------------------------------------------------------
TEST_SRCS := $(sort $(wildcard tb/tests/*.c))
TEST_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(TEST_SRCS))

$(BUILD)/tb/tests/%.o: tb/tests/%.c $(REGS_GEN) $(SIM_LIB) | $(SETUP_DONE)
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) $(SIM_DFLAGS) -Itb/tests -Itb/harness $(DRV_INC) -MMD -MP -c $< -o $@

$(BUILD)/tests/smmu_tests: $(TEST_OBJS) $(MODEL_OBJS) $(DRV_HOST_LIB) $(SIM_LIB)
	@mkdir -p $(dir $@)
	$(CXX) $(HOST_LDFLAGS) -o $@ $(TEST_OBJS) $(MODEL_OBJS) $(DRV_HOST_LIB) $(SIM_LIB) $(SIM_LDLIBS)

-include $(TEST_OBJS:.o=.d)

# ---- random differential regression (RTL vs reference model), soak, coverage ----
include tb/diff/diff.mk

# ---- demo ------------------------------------------------------------------------
$(BUILD)/demo/smmu_demo: tb/demo/smmu_demo.c $(DRV_HOST_LIB) $(SIM_LIB) | $(SETUP_DONE)
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) $(SIM_DFLAGS) -Itb/harness $(DRV_INC) -c $< -o $(BUILD)/demo/smmu_demo.o
	$(CXX) $(HOST_LDFLAGS) -o $@ $(BUILD)/demo/smmu_demo.o $(DRV_HOST_LIB) $(SIM_LIB) $(SIM_LDLIBS)

run: $(SETUP_DONE) $(BUILD)/demo/smmu_demo
	$(BUILD)/demo/smmu_demo

# ---- the two commands' second half ------------------------------------------------
test: $(SETUP_DONE)
	@bash scripts/run_tests.sh

check: $(BUILD)/tests/smmu_tests
	@mkdir -p $(BUILD)/waves
	$(BUILD)/tests/smmu_tests -v $(if $(TRACE),--trace $(BUILD)/waves) $(TEST)

waves: $(BUILD)/tests/smmu_tests
	@test -n "$(TEST)" || { echo "usage: make waves TEST=name (see: $(BUILD)/tests/smmu_tests --list)"; exit 2; }
	@mkdir -p $(BUILD)/waves
	-$(BUILD)/tests/smmu_tests -v --trace $(BUILD)/waves $(TEST)
	gtkwave --save=tb/waves/smmu.gtkw $(BUILD)/waves/$(TEST).fst

# ---- RTL quality -----------------------------------------------------------------
lint: $(SETUP_DONE)
	@bash scripts/lint.sh

synth: $(SETUP_DONE)
	@bash scripts/synth.sh

unit-list:
	@echo $(UNIT_BINS)

clean:
	rm -rf $(BUILD)
