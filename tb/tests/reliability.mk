# The reliability campaigns (docs/reliability.md), short and long. Included by the top
# Makefile after tb/diff/diff.mk (it uses DIFF_BIN, DIFF_DIR, JOBS, BUILD).
#
#   make reliability        the short runs `make test` makes: fault injection, register
#                           fuzz, command fuzz, the stuck client (harness tests) and the
#                           isolation storm (ISO_SEEDS x ISO_COUNT)
#   make reliability-long   the same campaigns REL_LONG_SCALE times longer (REL_SEED picks
#                           the random stream) and the storm over ISO_LONG_SEEDS x
#                           ISO_LONG_COUNT
#   make isolation [ISO_SEEDS=a-b] [ISO_COUNT=n]   the isolation storm alone
#
# Each prints its summary line: `fault-injection: ...`, `regfuzz: ...`, `cmdfuzz: ...`,
# `isolation: N accesses, L leaks, S stale`.

REL_TESTS      := rel_fault_injection rel_regfuzz rel_cmdfuzz port_stuck_client_sync
ISO_SEEDS      ?= 101-124
ISO_COUNT      ?= 6000
ISO_LONG_SEEDS ?= 1001-1120
ISO_LONG_COUNT ?= 10000
REL_LONG_SCALE ?= 25
REL_SEED       ?= 1

.PHONY: reliability reliability-long isolation
isolation: $(DIFF_BIN)
	$(DIFF_BIN) --storm --seeds $(ISO_SEEDS) --count $(ISO_COUNT) --jobs $(JOBS) --out $(DIFF_DIR)/storm

reliability: $(BUILD)/tests/smmu_tests $(DIFF_BIN)
	REL_SEED=$(REL_SEED) $(BUILD)/tests/smmu_tests $(REL_TESTS)
	@$(MAKE) --no-print-directory isolation

reliability-long: $(BUILD)/tests/smmu_tests $(DIFF_BIN)
	REL_SCALE=$(REL_LONG_SCALE) REL_SEED=$(REL_SEED) $(BUILD)/tests/smmu_tests $(REL_TESTS)
	@$(MAKE) --no-print-directory isolation ISO_SEEDS=$(ISO_LONG_SEEDS) ISO_COUNT=$(ISO_LONG_COUNT)
