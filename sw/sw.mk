# The driver: the freestanding core (sw/core) and its HALs (sw/hal/<platform>).
# Included by the top-level Makefile, which provides BUILD, CC, HOST_CFLAGS, SETUP_DONE.
#
#   DRV_INC        include flags for code that uses the driver (tests, demo)
#   DRV_HOST_LIB   core + simulator HAL, host build with sanitizers (tests, demo)
#   DRV_RV32_LIB   core, rv32im freestanding (the FPGA soft core, whose HAL is
#                  sw/hal/soc, built with the firmware); `make rv32`

DRV_INC       := -Isw/include -Isw/hal/sim
DRV_CORE_SRCS := $(sort $(wildcard sw/core/*.c))
DRV_SIM_SRCS  := $(sort $(wildcard sw/hal/sim/*.c))

# ---- host: core + simulator HAL -------------------------------------------------------
DRV_HOST_OBJS := $(patsubst %.c,$(BUILD)/sw/host/%.o,$(DRV_CORE_SRCS) $(DRV_SIM_SRCS))
DRV_HOST_LIB  := $(BUILD)/sw/host/libsmmu_drv.a

$(BUILD)/sw/host/%.o: %.c | $(SETUP_DONE)
	@mkdir -p $(dir $@)
	$(call say,CC,$<)$(CC) $(HOST_CFLAGS) -Isw/include -Isw/core -Isw/hal/sim -Itb/harness -MMD -MP -c $< -o $@

$(DRV_HOST_LIB): $(DRV_HOST_OBJS)
	$(call say,AR,$@)rm -f $@
	$(Q)ar rcs $@ $^

# ---- rv32: core only -------------------------------------------------------------------
RV32_PREFIX   ?= riscv64-unknown-elf-
RV32_CFLAGS   := -march=rv32im -mabi=ilp32 -ffreestanding -nostdlib -Os -std=c11 \
                 -Wall -Wextra -Werror
DRV_RV32_OBJS := $(patsubst %.c,$(BUILD)/sw/rv32/%.o,$(DRV_CORE_SRCS))
DRV_RV32_LIB  := $(BUILD)/sw/rv32/libsmmu_drv.a

$(BUILD)/sw/rv32/%.o: %.c | $(call setup_for,rv32)
	@mkdir -p $(dir $@)
	$(call say,RV32CC,$<)$(RV32_PREFIX)gcc $(RV32_CFLAGS) -Isw/include -Isw/core -MMD -MP -c $< -o $@

# The archive must be self-contained: a symbol it uses but does not define (memcpy,
# memset, __udivdi3, ...) would tie the firmware to a libc or libgcc, so it fails the build.
$(DRV_RV32_LIB): $(DRV_RV32_OBJS)
	$(call say,AR,$@)rm -f $@
	$(Q)$(RV32_PREFIX)ar rcs $@ $^
	@def=$$($(RV32_PREFIX)nm --defined-only $@ | awk 'NF==3{print $$3}'); ext=; \
	 for s in $$($(RV32_PREFIX)nm -u $@ | awk 'NF==2{print $$2}' | sort -u); do \
	   echo "$$def" | grep -qx "$$s" || ext="$$ext $$s"; \
	 done; \
	 if [ -n "$$ext" ]; then echo "rv32 driver needs external symbols:$$ext" >&2; rm -f $@; exit 1; fi

rv32: $(DRV_RV32_LIB)
	$(Q)$(RV32_PREFIX)size -t $(DRV_RV32_OBJS)

-include $(DRV_HOST_OBJS:.o=.d) $(DRV_RV32_OBJS:.o=.d)

# ---- host-only unit tests (sw/tests): no Verilator model ---------------------------------
# The driver's pure parts and its behaviour on a mock SMMU (sw/tests/mock_smmu.c): one
# small binary, `make drv-unit` (a stage of `make test`).
DRV_HOST_CORE_OBJS := $(patsubst %.c,$(BUILD)/sw/host/%.o,$(DRV_CORE_SRCS))
DRV_HOST_CORE_LIB  := $(BUILD)/sw/host/libsmmu_core.a
DRV_UNIT_SRCS := $(sort $(wildcard sw/tests/*.c))
DRV_UNIT_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(DRV_UNIT_SRCS))
DRV_UNIT_BIN  := $(BUILD)/sw/tests/drv_unit

$(DRV_HOST_CORE_LIB): $(DRV_HOST_CORE_OBJS)
	$(call say,AR,$@)rm -f $@
	$(Q)ar rcs $@ $^

$(BUILD)/sw/tests/%.o: sw/tests/%.c $(REGS_GEN) | $(SETUP_DONE)
	@mkdir -p $(dir $@)
	$(call say,CC,$<)$(CC) $(HOST_CFLAGS) -Isw/tests -Isw/include -MMD -MP -c $< -o $@

$(DRV_UNIT_BIN): $(DRV_UNIT_OBJS) $(DRV_HOST_CORE_LIB)
	@mkdir -p $(dir $@)
	$(call say,LINK,$@)$(CC) $(HOST_LDFLAGS) -o $@ $(DRV_UNIT_OBJS) $(DRV_HOST_CORE_LIB)

.PHONY: drv-unit
drv-unit: $(DRV_UNIT_BIN)
	$(DRV_UNIT_BIN)

-include $(DRV_UNIT_OBJS:.o=.d)
include sw/fuzz/fuzz.mk
