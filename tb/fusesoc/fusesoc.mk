# FuseSoC: the SMMU as a library core (open-smmuv3.core, written by scripts/fusesoc_core.py)
# and the targets that run FuseSoC from the project's environment (set-up group fusesoc).
# Included by the top Makefile; uses BUILD, PYTHON, VENV, Q, setup_for, SIM_PARAM_NAMES.
#
#   make fusesoc-core    rewrite open-smmuv3.core (after adding a file to rtl/ or tb/harness/)
#   make fusesoc-lint    fusesoc run --target=lint   (Verilator -Wall, the model's -G values;
#                        a make test stage, with the check that the core is current)
#   make fusesoc-sim     fusesoc run --target=sim    (the C harness and tb/fusesoc/sim_smoke.cpp)
#   make fusesoc-synth   fusesoc run --target=synth  (Yosys synth_ecp5)

FUSESOC_PARAMS := $(foreach p,$(SIM_PARAM_NAMES),$(p)=$($(p)))
FUSESOC_DIR    := $(abspath $(BUILD))/fusesoc
# $(call fusesoc_run,TARGET): one FuseSoC target of the core, its work tree in $(FUSESOC_DIR)
# (FuseSoC scans --cores-root for .core files: FUSESOC_IGNORE keeps it out of build/ and the
# Python environment, which holds other packages' cores.)
fusesoc_run = mkdir -p $(FUSESOC_DIR) && touch $(BUILD)/FUSESOC_IGNORE $(VENV)/FUSESOC_IGNORE && \
  cd $(FUSESOC_DIR) && \
  $(VENV)/bin/fusesoc --cores-root $(CURDIR) run --build-root $(FUSESOC_DIR)/$(1) \
  --target=$(1) open-smmuv3:ip:smmuv3

.PHONY: fusesoc-core fusesoc-check fusesoc-lint fusesoc-sim fusesoc-synth
fusesoc-core:
	$(Q)$(PYTHON) scripts/fusesoc_core.py $(FUSESOC_PARAMS)

fusesoc-check:
	$(Q)$(PYTHON) scripts/fusesoc_core.py --check $(FUSESOC_PARAMS)

fusesoc-lint: fusesoc-check | $(call setup_for,fusesoc)
	$(call say,FUSESOC,lint open-smmuv3:ip:smmuv3)$(call fusesoc_run,lint)

fusesoc-sim: fusesoc-check | $(call setup_for,fusesoc)
	$(call say,FUSESOC,sim open-smmuv3:ip:smmuv3)$(call fusesoc_run,sim)

fusesoc-synth: fusesoc-check | $(call setup_for,fusesoc)
	$(call say,FUSESOC,synth open-smmuv3:ip:smmuv3)$(call fusesoc_run,synth)
