# libFuzzer targets of the driver's guest-facing code (sw/fuzz), built with Debian's
# clang under ASan/UBSan: the core and the mock SMMU (sw/tests/mock_smmu.c) compiled
# with coverage instrumentation, one binary per target. Included by sw/sw.mk.
#
#   make fuzz-run FUZZ=<target> [FUZZ_RUNS=n]   one short run (a stage of `make test`)
#   make fuzz-long [FUZZ_TIME=s]                every target for FUZZ_TIME seconds (600)
#   make fuzz-list                              the targets

FUZZ_CC      ?= clang
FUZZ_TARGETS := fuzz-guest-ste fuzz-guest-inv fuzz-event
FUZZ_DIR     := $(BUILD)/fuzz
FUZZ_RUNS    ?= 20000
FUZZ_TIME    ?= 600
FUZZ_CFLAGS  := -std=c11 -g -O1 -Wall -Wextra -Werror -fno-omit-frame-pointer \
                -fsanitize=address,undefined -fno-sanitize-recover=undefined \
                -Isw/include -Isw/core -Isw/tests -Isw/fuzz
FUZZ_LIB_SRCS := $(DRV_CORE_SRCS) sw/tests/mock_smmu.c
FUZZ_LIB_OBJS := $(patsubst %.c,$(FUZZ_DIR)/obj/%.o,$(FUZZ_LIB_SRCS))

$(FUZZ_DIR)/obj/%.o: %.c $(REGS_GEN) | $(call setup_for,fuzz)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@

$(FUZZ_DIR)/fuzz-%: sw/fuzz/fuzz-%.c sw/fuzz/fuzz_common.h $(FUZZ_LIB_OBJS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer $< $(FUZZ_LIB_OBJS) -o $@

.PHONY: fuzz-list fuzz-run fuzz-long
fuzz-list:
	@echo $(FUZZ_TARGETS)

fuzz-run: $(FUZZ_DIR)/$(FUZZ)
	@bash sw/fuzz/run.sh $(FUZZ) $(FUZZ_DIR)/$(FUZZ) -runs=$(FUZZ_RUNS) -seed=1

fuzz-long: $(addprefix $(FUZZ_DIR)/,$(FUZZ_TARGETS))
	@st=0; for f in $(FUZZ_TARGETS); do \
	  bash sw/fuzz/run.sh $$f $(FUZZ_DIR)/$$f -max_total_time=$(FUZZ_TIME) || st=1; done; exit $$st

-include $(FUZZ_LIB_OBJS:.o=.d)
