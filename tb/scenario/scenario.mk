# The scenario runner (tb/scenario/, docs/scenario.md). Included by the top Makefile after
# tb/tb.mk, tb/model/model.mk and sw/sw.mk (it uses SIM_LIB, SIM_LDLIBS, MODEL_OBJS,
# DRV_INC, HOST_CFLAGS, SIM_DFLAGS, PYTHON, REGS_GEN, SETUP_DONE).
#
#   make scenario SCRIPT=tb/scenarios/x.scn [TRACE=1] [SEED=n]   run one script
#   make scenarios                                                run every tb/scenarios/*.scn
#   make scenario-list                                            the scripts `make test` runs

SCN_DIR     := $(BUILD)/scenario
SCN_BIN     := $(SCN_DIR)/scenario
SCN_NAMES   := $(SCN_DIR)/scn_names.h
SCN_SRCS    := $(sort $(wildcard tb/scenario/*.c))
SCN_OBJS    := $(patsubst tb/scenario/%.c,$(SCN_DIR)/%.o,$(SCN_SRCS))
SCN_SCRIPTS := $(sort $(wildcard tb/scenarios/*.scn))

# Register, field and encoding names from the generated C header (never hand-copied).
$(SCN_NAMES): tb/scenario/gen_names.py sw/include/smmu/smmu_regs.h | $(SETUP_DONE)
	@mkdir -p $(dir $@)
	$(call say,GEN,$@)$(PYTHON) tb/scenario/gen_names.py sw/include/smmu/smmu_regs.h $@

$(SCN_DIR)/%.o: tb/scenario/%.c $(SCN_NAMES) $(REGS_GEN) | $(SETUP_DONE)
	@mkdir -p $(dir $@)
	$(call say,CC,$<)$(CC) $(HOST_CFLAGS) $(SIM_DFLAGS) -Itb/harness $(DRV_INC) -I$(SCN_DIR) -MMD -MP -c $< -o $@

$(SCN_BIN): $(SCN_OBJS) $(MODEL_OBJS) $(SIM_LIB)
	$(call say,LINK,$@)$(CXX) $(HOST_LDFLAGS) -o $@ $(SCN_OBJS) $(MODEL_OBJS) $(SIM_LIB) $(SIM_LDLIBS)

-include $(SCN_OBJS:.o=.d)

.PHONY: scenario scenarios scenario-list
# The arguments are checked before anything is built.
scenario:
	@test -n "$(SCRIPT)" || { echo "usage: make scenario SCRIPT=tb/scenarios/NAME.scn [TRACE=1] [SEED=n]"; \
	  echo "  scripts: $(SCN_SCRIPTS)"; echo "  the language: docs/scenario.md"; exit 2; }
	@test -f "$(SCRIPT)" || { echo "make scenario: no file $(SCRIPT); scripts: $(SCN_SCRIPTS)"; exit 2; }
	@$(MAKE) --no-print-directory $(SCN_BIN)
	@mkdir -p $(BUILD)/waves
	$(Q)$(SCN_BIN) $(if $(TRACE),--trace $(BUILD)/waves/$(basename $(notdir $(SCRIPT))).fst) $(if $(SEED),--seed $(SEED)) $(SCRIPT)

scenarios: $(SCN_BIN)
	@fail=0; for f in $(SCN_SCRIPTS); do $(SCN_BIN) $$f >$(SCN_DIR)/$$(basename $$f .scn).log 2>&1 \
	  && echo "ok   $$f" || { echo "FAIL $$f (log: $(SCN_DIR)/$$(basename $$f .scn).log)"; fail=1; }; done; exit $$fail

scenario-list:
	@echo $(SCN_SCRIPTS)
