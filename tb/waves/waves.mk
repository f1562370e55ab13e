# GTKWave: the layout of smmu_top traces and the targets that use it (included by the
# top Makefile after `check`; uses BUILD, PYTHON, Q, setup_for, check_names).
#
#   make waves TEST=name        run one test with an FST trace, open GTKWave on it with the
#                               layout at the test's first client transaction
#   make waves-shot TEST=name [SHOT=file.png]   the same, as a PNG taken under Xvfb
#                               (no display needed; docs/waves.png comes from it)
#   make waves-layout           rewrite tb/waves/smmu.gtkw from tb/waves/layout.py's lists
#   make waves-check            every signal of tb/waves/smmu.gtkw is in a real trace and the
#                               file is current (a make test stage)

WAVES_DIR   := $(BUILD)/waves
# The reference trace for the layout: a stage-1 miss then hits (tb/tests/test_xlate_engine.c).
WAVES_REF   := xlate_s1_4k_2m_1g
WAVES_USAGE := usage: make waves TEST=name   run one test with an FST trace and open GTKWave \
  on it (layout tb/waves/smmu.gtkw) at its first client transaction. Tests and what each \
  checks: tb/tests/testplan.toml or build/tests/smmu_tests --list. Example: make waves \
  TEST=$(WAVES_REF)
SHOT        ?= $(WAVES_DIR)/$(TEST).png

# $(call waves_trace,TEST): run TEST with a trace (a failing test still gets its waves),
# then its layout at the first client transaction in $(WAVES_DIR)/TEST.gtkw.
define waves_trace
	@mkdir -p $(WAVES_DIR)
	@$(BUILD)/tests/smmu_tests -v --trace $(WAVES_DIR) $(1); rc=$$?; \
	  if [ $$rc -ge 2 ]; then exit $$rc; elif [ $$rc = 1 ]; then echo "waves: $(1) failed; its waves show why"; fi
	$(Q)$(PYTHON) tb/waves/layout.py at $(WAVES_DIR)/$(1).fst $(WAVES_DIR)/$(1).gtkw
endef

waves_args = test -n "$(TEST)" || { echo "$(WAVES_USAGE)"; exit 2; }; \
  test "$(words $(TEST))" = 1 || { echo "make $@: one test at a time"; exit 2; }; \
  $(call check_names,$(TEST))

.PHONY: waves waves-shot waves-layout waves-check
waves:
	@$(waves_args)
	@test -n "$$DISPLAY$$WAYLAND_DISPLAY" || { \
	  echo "make waves: no display (DISPLAY is not set), so GTKWave cannot open a window."; \
	  echo "  The trace alone: make check TEST=$(TEST) TRACE=1 (writes $(WAVES_DIR)/$(TEST).fst)"; \
	  echo "  A picture of it: make waves-shot TEST=$(TEST) (PNG, GTKWave under Xvfb)"; exit 2; }
	@$(MAKE) --no-print-directory $(BUILD)/tests/smmu_tests $(call setup_for,waves)
	$(call waves_trace,$(TEST))
	$(Q)gtkwave -a $(WAVES_DIR)/$(TEST).gtkw $(WAVES_DIR)/$(TEST).fst

waves-shot:
	@$(waves_args)
	@$(MAKE) --no-print-directory $(BUILD)/tests/smmu_tests $(call setup_for,shot)
	$(call waves_trace,$(TEST))
	$(Q)bash scripts/waves_shot.sh $(WAVES_DIR)/$(TEST).fst $(WAVES_DIR)/$(TEST).gtkw $(SHOT)

waves-layout: $(BUILD)/tests/smmu_tests | $(call setup_for,waves)
	@mkdir -p $(WAVES_DIR)
	$(Q)$(BUILD)/tests/smmu_tests --trace $(WAVES_DIR) $(WAVES_REF) >/dev/null
	$(Q)$(PYTHON) tb/waves/layout.py gen $(WAVES_DIR)/$(WAVES_REF).fst

waves-check: $(BUILD)/tests/smmu_tests | $(call setup_for,shot)
	@mkdir -p $(WAVES_DIR)
	$(Q)$(BUILD)/tests/smmu_tests --trace $(WAVES_DIR) $(WAVES_REF) >/dev/null
	$(Q)$(PYTHON) tb/waves/layout.py check $(WAVES_DIR)/$(WAVES_REF).fst
	$(Q)$(PYTHON) tb/waves/layout.py at $(WAVES_DIR)/$(WAVES_REF).fst $(WAVES_DIR)/$(WAVES_REF).gtkw
	$(Q)bash scripts/waves_shot.sh $(WAVES_DIR)/$(WAVES_REF).fst $(WAVES_DIR)/$(WAVES_REF).gtkw \
	  $(WAVES_DIR)/$(WAVES_REF).png
