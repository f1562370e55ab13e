# The Verilator model of smmu_top and the C harness around it (included by the top
# Makefile, run from the repository root).
#
# Defines for the top Makefile:
#   SIM_LIB      the one archive to link: harness + model + Verilator runtime
#   SIM_LDLIBS   the system libraries it needs
#
# Pieces, each rebuilt only when its own inputs change:
#   $(BUILD)/model/   verilator --cc --build of rtl/*.v with $(SIM_GFLAGS); rebuilt when
#                     rtl/*.v, rtl/*.vh, rtl/gen/*.vh, the parameters or this file change
#   $(BUILD)/vlrt/    the Verilator runtime (verilated, FST writer, threads): built once
#   $(BUILD)/tb/harness/  tb/harness/*.cpp, C++17 with the host flags and sanitizers;
#                     only sim_core.cpp includes the model header

VERILATOR      ?= verilator
VERILATOR_ROOT_DIR := $(or $(shell $(VERILATOR) --getenv VERILATOR_ROOT 2>/dev/null),/usr/share/verilator)
SIM_MDIR       := $(BUILD)/model
SIM_MODEL_A    := $(SIM_MDIR)/Vsmmu_top__ALL.a
SIM_PARAMS_TXT := $(SIM_MDIR)/params.txt
SIM_VLRT_DIR   := $(BUILD)/vlrt
SIM_VLRT_OBJS  := $(addprefix $(SIM_VLRT_DIR)/,verilated.o verilated_fst_c.o verilated_threads.o)

# Model C++ optimisation: -O1 simulates several times faster than -O0 and takes longer to
# compile (docs/harness.md has the figures and the command that measures them). SIM_OPT=-O0 for quick
# RTL iteration. A parameter or SIM_OPT change rebuilds the model (params.txt below).
# The defines must match between the model, the runtime and sim_core.cpp (they shape
# the Verilator classes).
SIM_OPT        ?= -O1
SIM_VL_DEFS    := -DVM_COVERAGE=0 -DVM_SC=0 -DVM_TRACE=1 -DVM_TRACE_FST=1 -DVM_TRACE_VCD=0
SIM_VL_INC     := -I$(VERILATOR_ROOT_DIR)/include -I$(VERILATOR_ROOT_DIR)/include/vltstd
# SIM_VEXTRA: more Verilator options for a one-off build in its own BUILD directory, e.g.
# the split of the time by module (docs/performance.md):
#   make BUILD=build/prof SIM_VEXTRA='--prof-cfuncs -MAKEFLAGS VM_PROFC=0' build/prof/bench-rel/bench
# The client port's and the caches' tables (up to 256 entries) are traced whole.
# SIM_VOPTS shape the model's classes: the release bench's model (tb/bench/bench.mk) is
# Verilated with the same ones and differs only in its C++ flags, so its header is this
# one's and the release harness objects fit both.
SIM_VOPTS      := -O2 --trace-fst --trace-max-array 256 -Wno-fatal --top-module smmu_top \
                  $(SIM_GFLAGS) $(RTL_INC)
SIM_VFLAGS     := --cc --build -j 2 $(SIM_VOPTS) -Mdir $(SIM_MDIR) \
                  -MAKEFLAGS 'OPT_FAST=$(SIM_OPT) OPT_SLOW=$(SIM_OPT) OPT_GLOBAL=$(SIM_OPT)' $(SIM_VEXTRA)

SIM_HARNESS_SRCS := $(sort $(wildcard tb/harness/*.cpp))
SIM_HARNESS_OBJS := $(patsubst %.cpp,$(BUILD)/%.o,$(SIM_HARNESS_SRCS))

SIM_LIB    := $(BUILD)/libsim.a
SIM_LDLIBS := -lz -lm -pthread -latomic

.PHONY: sim-model sim-lib
sim-model: $(SIM_MODEL_A)
sim-lib: $(SIM_LIB)

# The parameters as a file that changes only when they do, so a new -G value rebuilds
# the model and the harness (sim_params()) and nothing else. Written as the Makefile is
# read (not by a phony rule), so `make -n` sees what a real run rebuilds.
$(shell mkdir -p $(SIM_MDIR) && echo '$(SIM_GFLAGS) $(SIM_OPT) $(SIM_VEXTRA)' > $(SIM_PARAMS_TXT).tmp && \
  { cmp -s $(SIM_PARAMS_TXT).tmp $(SIM_PARAMS_TXT) || cp $(SIM_PARAMS_TXT).tmp $(SIM_PARAMS_TXT); }; \
  rm -f $(SIM_PARAMS_TXT).tmp)

$(SIM_MODEL_A): $(RTL_DEPS) $(SIM_PARAMS_TXT) tb/tb.mk | $(SETUP_DONE)
	@mkdir -p $(SIM_MDIR)
	@# Verilator's own make runs its -j 2; the parent's jobserver cannot reach it.
	$(call quietly,VERILATE,smmu_top -> $(SIM_MDIR) (Verilator and its C++: the long step),$(SIM_MDIR)/build.log) \
	  env MAKEFLAGS= $(VERILATOR) $(SIM_VFLAGS) $(RTL_SRCS)
	@touch $@

$(SIM_VLRT_DIR)/%.o: $(VERILATOR_ROOT_DIR)/include/%.cpp | $(SETUP_DONE)
	@mkdir -p $(dir $@)
	$(call say,CXX,$(notdir $<) (Verilator runtime))$(CXX) -std=c++17 -O1 $(SIM_VL_DEFS) $(SIM_VL_INC) -faligned-new -w -c $< -o $@

# The model header must exist before sim_core.cpp compiles; later changes to it are
# tracked by the .d files. The header is written by the model's build: the rule below
# makes make look at its time again after that build, so an object compiled against the
# old header is rebuilt in the same run (else its idea of the model's size and layout
# differs from the model's: ASan new-delete-type-mismatch at the first sim_destroy).
$(SIM_MDIR)/Vsmmu_top.h: $(SIM_MODEL_A) ;
$(BUILD)/tb/harness/%.o: tb/harness/%.cpp $(SIM_PARAMS_TXT) | $(SIM_MODEL_A) $(SETUP_DONE)
	@mkdir -p $(dir $@)
	$(call say,CXX,$<)$(CXX) $(HOST_CXXFLAGS) -Werror $(SIM_DFLAGS) $(SIM_VL_DEFS) -Itb/harness -I$(SIM_MDIR) \
	  -isystem $(VERILATOR_ROOT_DIR)/include -isystem $(VERILATOR_ROOT_DIR)/include/vltstd \
	  -MMD -MP -c $< -o $@

# One archive: harness objects, the model archive's members and the runtime.
$(SIM_LIB): $(SIM_HARNESS_OBJS) $(SIM_MODEL_A) $(SIM_VLRT_OBJS)
	$(call say,AR,$@)rm -f $@
	@{ echo "CREATE $@"; echo "ADDLIB $(SIM_MODEL_A)"; \
	   for o in $(SIM_HARNESS_OBJS) $(SIM_VLRT_OBJS); do echo "ADDMOD $$o"; done; \
	   echo "SAVE"; echo "END"; } | $(AR) -M

-include $(SIM_HARNESS_OBJS:.o=.d)
