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
#   make variants            the parameter variants (FWB/COHACC off, one stage only, the
#                            v3.0 feature set), each in $(BUILD)/var/<variant> with its
#                            tests (feat*, and drv_coh*, drv_nested* in the FWB/COHACC ones);
#                            `make variant-build VARIANT=s1only` builds one
#                            ($(BUILD)/var/<variant>/tests/smmu_var_tests)
#   make drv-unit | fuzz-long    the driver's host-only unit tests / long fuzz runs (docs/driver.md)
#   make formal              the formal proofs (formal/*.sby, properties in rtl/ under
#                            `ifdef FORMAL`; docs/reliability.md); `make formal-mutants`
#                            shows each property group catching an injected bug
#   make reliability | reliability-long | isolation   fault injection, register and
#                            command fuzz, stuck client, isolation storm: short / long
#                            runs (docs/reliability.md)
#   make lint | synth | regs | rv32 | clean   (FPGA: docs/fpga.md)
#
# Each target first runs scripts/setup.sh for what it needs (a set-up group), which
# installs what is missing and says so: `run` only the simulator and a host compiler,
# `waves` GTKWave, `soc-*`/`fpga` the cross compiler and PicoRV32, `test` all it runs.

BUILD      ?= build
# Python: the project's own virtual environment (created with Debian's python3 by
# scripts/setup.sh, reused when present) runs every script that needs a PyPI package;
# scripts that use only the standard library run with Debian's python3.
VENV       ?= $(CURDIR)/.venv
VENV_PY    := $(VENV)/bin/python
PYTHON     ?= $(firstword $(wildcard /usr/bin/python3) python3)
# The set-up stamp of a group (scripts/setup.sh --help lists them): a target that needs
# group G lists $(call setup_for,G) as an order-only prerequisite, then runs $(VENV_PY).
setup_for   = $(BUILD)/.setup-$(1)
SETUP_DONE := $(call setup_for,sim)
SETUP_VENV_GROUPS := venv soc fpga plot fusesoc formal synth-check test

# Quiet builds: one line per step, "[k/N] TAG file" (scripts/step.sh), N counted by a dry
# run of the same goals; V=1 prints every command in full instead. A recipe line starts
# with $(call say,TAG,what) (prints the step) or $(Q) (prints nothing); a long step with
# much output runs as $(call quietly,TAG,what,log) command... (output to the log, a
# ticker on a terminal, the log's end on failure, warnings always shown).
V ?= 0
ifeq ($(V),1)
  Q :=
  say :=
  quietly :=
else
  Q := @
  say = @bash scripts/step.sh '$(1)' '$(2)';
  quietly = @bash scripts/step.sh --log '$(3)' '$(1)' '$(2)' --
  ifeq ($(MAKELEVEL)$(STEP_TOTAL),0)
    export STEP_COUNTER := $(abspath $(BUILD))/.steps
    export STEP_TOTAL := $(shell $(MAKE) -n --no-print-directory $(MAKEOVERRIDES) STEP_TOTAL=- $(MAKECMDGOALS) 2>/dev/null | grep -c .scripts/step.sh.)
    $(shell mkdir -p $(BUILD); rm -f $(STEP_COUNTER))
  endif
endif

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
GRAN16K          ?= 1
GRAN64K          ?= 1
S1P              ?= 1
S2P              ?= 1
HYP              ?= 1
XNX              ?= 1
HAD              ?= 1
MSI              ?= 1
SIM_PARAM_NAMES  := SID_W PA_W CMDQS EVENTQS ST_LEVEL_2 FWB COHACC ATTR_OVR GBPA_ABORT_RESET \
                    GRAN16K GRAN64K S1P S2P HYP XNX HAD MSI
SIM_GFLAGS       := $(foreach p,$(SIM_PARAM_NAMES),-G$(p)=$($(p)))
SIM_DFLAGS       := $(foreach p,$(SIM_PARAM_NAMES),-DSIM_PARAM_$(p)=$($(p)))

RTL_SRCS   := $(shell bash scripts/rtl_files.sh)
RTL_INC    := -Irtl -Irtl/gen
# What a build from the RTL depends on: the sources and every included header.
RTL_DEPS   := $(RTL_SRCS) $(wildcard rtl/*.vh rtl/*/*.vh rtl/gen/*.vh) scripts/rtl_files.sh
REGS_GEN   := rtl/gen/smmu_regs.vh sw/include/smmu/smmu_regs.h docs/registers.md

# Host C: sanitizers on, warnings are errors.
CC         ?= gcc
CXX        ?= g++
SAN        ?= -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
HOST_CFLAGS   := -std=c11 -Wall -Wextra -Werror -g -O1 $(SAN)
HOST_CXXFLAGS := -std=c++17 -Wall -Wextra -g -O1 $(SAN)
HOST_LDFLAGS  := $(SAN)

.PHONY: all run test check waves lint synth regs check-regs rv32 setup clean unit-list \
        formal formal-mutants
all: $(BUILD)/tests/smmu_tests $(BUILD)/demo/smmu_demo

$(BUILD)/.setup-%: scripts/setup.sh
	@VENV=$(VENV) bash scripts/setup.sh --stamp-dir $(BUILD) $*
	@touch $@
# A removed environment is made again, with the packages of each group that needs it.
$(foreach g,$(SETUP_VENV_GROUPS),$(call setup_for,$(g))): $(VENV)/pyvenv.cfg
$(VENV)/pyvenv.cfg:
	@VENV=$(VENV) bash scripts/setup.sh venv
setup: $(call setup_for,test)

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
# The test plan (each test's feature and description) as a table for `smmu_tests --list`.
TESTPLAN_H := $(BUILD)/tests/testplan.h
$(TESTPLAN_H): tb/tests/testplan.toml tb/tests/testplan.py | $(SETUP_DONE)
	$(call say,GEN,$@)$(PYTHON) tb/tests/testplan.py header $@
$(BUILD)/tb/tests/test_main.o: $(TESTPLAN_H)

$(BUILD)/tb/tests/%.o: tb/tests/%.c $(REGS_GEN) $(SIM_LIB) | $(SETUP_DONE)
	@mkdir -p $(dir $@)
	$(call say,CC,$<)$(CC) $(HOST_CFLAGS) $(SIM_DFLAGS) -Itb/tests -I$(BUILD)/tests -Itb/harness $(DRV_INC) -MMD -MP -c $< -o $@

$(BUILD)/tests/smmu_tests: $(TEST_OBJS) $(MODEL_OBJS) $(DRV_HOST_LIB) $(SIM_LIB)
	@mkdir -p $(dir $@)
	$(call say,LINK,$@)$(CXX) $(HOST_LDFLAGS) -o $@ $(TEST_OBJS) $(MODEL_OBJS) $(DRV_HOST_LIB) $(SIM_LIB) $(SIM_LDLIBS)

-include $(TEST_OBJS:.o=.d)

# ---- parameter variants ------------------------------------------------------------
# The default build has every feature parameter on. Other builds differ in what the RTL
# does and reports, so `make test` builds these too, each a recursive build in its own
# directory of a small test binary: the runner and the test files whose names start with
# a VARIANT_TESTS prefix (tests named <prefix>*), plus the directed-test fixture and the
# reference model they use. The model is built at -O0 (these tests run a few thousand
# cycles; -O0 halves its compile time) and shares the Verilator runtime objects of
# $(BUILD). Each variant runs the tests whose names start with one of its VAR_TESTS_<v>.
#   fwb<F>-coh<C>  FWB/COHACC: the driver's coherency decisions (S2FWB, CR1 and structure
#                  attributes, which masters may join a guest)
#   s1only, s2only one translation stage (S2P = 0, S1P = 0)
#   v30            HYP = XNX = HAD = MSI = 0: an SMMUv3.0 feature set (AIDR 0x00), wired
#                  interrupts only
VARIANTS        := fwb0-coh1 fwb1-coh0 fwb0-coh0 s1only s2only v30
VAR_PARAMS_fwb0-coh1 := FWB=0 COHACC=1
VAR_PARAMS_fwb1-coh0 := FWB=1 COHACC=0
VAR_PARAMS_fwb0-coh0 := FWB=0 COHACC=0
VAR_PARAMS_s1only    := S2P=0
VAR_PARAMS_s2only    := S1P=0
VAR_PARAMS_v30       := HYP=0 XNX=0 HAD=0 MSI=0
VAR_TESTS_fwb0-coh1  := drv_coh drv_nested feat
VAR_TESTS_fwb1-coh0  := drv_coh drv_nested feat drv_msi
VAR_TESTS_fwb0-coh0  := drv_coh drv_nested feat
VAR_TESTS_s1only     := feat
VAR_TESTS_s2only     := feat
VAR_TESTS_v30        := feat msi drv_msi
VARIANT_TESTS   ?= drv_coh drv_nested feat msi drv_msi
var_test_re      = ^($(subst $() ,|,$(strip $(VAR_TESTS_$(1)))))
VAR_TEST_SRCS   := tb/tests/test_main.c tb/tests/xlate_env.c \
                   $(sort $(wildcard $(foreach p,$(VARIANT_TESTS),tb/tests/test_$(p)*.c)))
VAR_TEST_OBJS   := $(patsubst %.c,$(BUILD)/%.o,$(VAR_TEST_SRCS))

.PHONY: variants variant-build variant-list
$(BUILD)/tests/smmu_var_tests: $(VAR_TEST_OBJS) $(MODEL_OBJS) $(DRV_HOST_LIB) $(SIM_LIB)
	@mkdir -p $(dir $@)
	$(call say,LINK,$@)$(CXX) $(HOST_LDFLAGS) -o $@ $(VAR_TEST_OBJS) $(MODEL_OBJS) $(DRV_HOST_LIB) $(SIM_LIB) $(SIM_LDLIBS)

# The runtime objects first, so that variant builds never race to write them.
variant-build: $(SETUP_DONE) $(SIM_VLRT_OBJS)
	@case " $(VARIANTS) " in *" $(VARIANT) "*) ;; \
	  *) echo "usage: make variant-build VARIANT=<one of: $(VARIANTS)>"; exit 2;; esac
	@# -j2 of its own: the variant's model build is the cost (docs/harness.md)
	+$(MAKE) --no-print-directory -j2 BUILD=$(BUILD)/var/$(VARIANT) \
	  $(VAR_PARAMS_$(VARIANT)) SIM_OPT=-O0 \
	  SETUP_DONE=$(SETUP_DONE) SIM_VLRT_DIR=$(SIM_VLRT_DIR) \
	  $(BUILD)/var/$(VARIANT)/tests/smmu_var_tests

# One line per variant: its name and the pattern of the tests it runs.
variant-list:
	@$(foreach v,$(VARIANTS),echo '$(v) $(call var_test_re,$(v))';)

# Build and run every variant (the same counting as `make test`, which runs them too).
variants: $(SETUP_DONE)
	@BUILD=$(BUILD) bash scripts/run_tests.sh --variants

# ---- random differential regression (RTL vs reference model), soak, coverage ----
include tb/diff/diff.mk
# ---- reliability campaigns: make reliability, reliability-long, isolation -----------------
include tb/tests/reliability.mk

# ---- benchmarks: make bench, make bench-smoke ----------------------------------------
include tb/bench/bench.mk

# ---- demo ------------------------------------------------------------------------
$(BUILD)/demo/smmu_demo: tb/demo/smmu_demo.c $(DRV_HOST_LIB) $(SIM_LIB) | $(SETUP_DONE)
	@mkdir -p $(dir $@)
	$(call say,CC,$<)$(CC) $(HOST_CFLAGS) $(SIM_DFLAGS) -Itb/harness $(DRV_INC) -c $< -o $(BUILD)/demo/smmu_demo.o
	$(call say,LINK,$@)$(CXX) $(HOST_LDFLAGS) -o $@ $(BUILD)/demo/smmu_demo.o $(DRV_HOST_LIB) $(SIM_LIB) $(SIM_LDLIBS)

run: $(SETUP_DONE) $(BUILD)/demo/smmu_demo
	$(Q)$(BUILD)/demo/smmu_demo

# ---- the two commands' second half ------------------------------------------------
test: $(call setup_for,test)
	@bash scripts/run_tests.sh

# check and waves check their arguments against the test plan before building anything.
check_names = $(foreach t,$(1),$(PYTHON) tb/tests/testplan.py has '$(t)' &&) true
check:
	@$(call check_names,$(TEST))
	@$(MAKE) --no-print-directory $(BUILD)/tests/smmu_tests
	@mkdir -p $(BUILD)/waves
	$(Q)$(BUILD)/tests/smmu_tests -v $(if $(TRACE),--trace $(BUILD)/waves) $(TEST)

# make waves, waves-shot, waves-layout, waves-check: tb/waves/waves.mk
include tb/waves/waves.mk
# make fusesoc-core, fusesoc-lint, fusesoc-sim, fusesoc-synth: tb/fusesoc/fusesoc.mk
include tb/fusesoc/fusesoc.mk

# ---- RTL quality -----------------------------------------------------------------
# Every module as the top with its defaults, and smmu_top with the model build's -G values.
lint: $(SETUP_DONE)
	@LINT_GFLAGS='$(SIM_GFLAGS)' bash scripts/lint.sh

synth: | $(call setup_for,synth-check)
	@VENV=$(VENV) bash scripts/synth.sh

# Formal proofs with SymbiYosys from the project's .venv (scripts/setup.sh installs it).
formal: | $(call setup_for,formal)
	@$(VENV_PY) scripts/formal.py --check-mutants
	@BUILD=$(BUILD) VENV=$(VENV) $(VENV_PY) scripts/formal.py

formal-mutants: | $(call setup_for,formal)
	@BUILD=$(BUILD) VENV=$(VENV) $(VENV_PY) scripts/formal.py --mutants

unit-list:
	@echo $(UNIT_BINS)

clean:
	rm -rf $(BUILD)
