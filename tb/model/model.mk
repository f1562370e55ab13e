# The independent C reference model of the SMMU (tb/model/), host only, included by the
# top Makefile (run from the repository root, after HOST_CFLAGS, BUILD, REGS_GEN and
# SETUP_DONE are defined).
#
# Defines:
#   MODEL_SRCS   the model's sources
#   MODEL_OBJS   their objects, compiled with $(HOST_CFLAGS); link them into every
#                binary that calls smmu_model_* (tb/tests/test_model.c does)
#
# The model includes sw/include/smmu/smmu_regs.h (generated field positions) by a
# relative path, so no extra -I is needed by it or by its users.

MODEL_SRCS := tb/model/smmu_model.c
MODEL_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(MODEL_SRCS))

.PHONY: model-lib
model-lib: $(MODEL_OBJS)

$(BUILD)/tb/model/%.o: tb/model/%.c $(REGS_GEN) | $(SETUP_DONE)
	@mkdir -p $(dir $@)
	$(call say,CC,$<)$(CC) $(HOST_CFLAGS) -Itb/model -MMD -MP -c $< -o $@

-include $(MODEL_OBJS:.o=.d)
