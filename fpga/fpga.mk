# The FPGA SoC (fpga/): firmware, Verilator simulation, synthesis, board flow.
# Included by the top-level Makefile (after sw/sw.mk, which provides DRV_RV32_LIB: the
# firmware links the very archive `make rv32` builds from sw/core).
#
#   make soc-fw             firmware: $(FPGA_BUILD)/fw/selftest.{elf,hex}
#   make soc-sim            run the self-test on the SoC in Verilator (TRACE=1: FST in
#                           $(FPGA_BUILD)/soc.fst; SOC_CYCLES=N: cycle limit)
#   make soc-lint           Verilator -Wall of fpga/rtl (PicoRV32's own file waived) and of
#                           fpga/fmax (the out-of-context wrapper)
#   make soc-synth          Yosys generic synthesis of the SoC (part of make test)
#   make synth-report       Yosys ECP5 / Xilinx 7 / iCE40 counts -> docs/fpga-report.md
#                           (the SoC's ECP5 counts and Fmax come from the last
#                           `make fpga BOARD=ulx3s`; run that first; CACHED=1 reuses
#                           earlier synthesis logs)
#   make fpga BOARD=ulx3s   bitstream for the ULX3S (LFE5U-85F), with a timing report
#   make fmax-smmu          the SMMU alone placed and routed out of context (fpga/fmax/):
#                           post-route Fmax per target in $(FPGA_BUILD)/fmax-<target>/
#                           (FMAX_TARGETS="ecp5 ice40", FMAX_FREQ=MHz; read by synth-report)
#   make logic-depth        the SMMU alone synthesized for ECP5 (as fmax-smmu, without place
#                           and route) and its deepest register-to-register paths in LUT
#                           levels (fpga/scripts/logic_depth.py; DEPTH_TOP=N endpoints)
#
# PicoRV32 comes from the PyPI package pythondata-cpu-picorv32, installed into the project's
# environment by `scripts/setup.sh soc`; the FPGA flow's yowasp tools by `scripts/setup.sh fpga`.

FPGA_BUILD   ?= $(BUILD)/fpga
BOARD        ?= ulx3s
SOC_CYCLES   ?= 30000000
SOC_UART_DIV ?= 8
SOC_CLK_MHZ  ?= 25
# Recursive on purpose: evaluated only when a rule needs it (after set-up installed it).
PICORV32_V    = $(shell $(VENV_PY) -c "import pythondata_cpu_picorv32 as p; print(p.data_location)")/picorv32.v

SOC_RTL      := $(sort $(wildcard fpga/rtl/*.v))
SOC_ALL_RTL   = $(SOC_RTL) $(RTL_SRCS) $(PICORV32_V)
SOC_VLT      := fpga/lint/picorv32.vlt

FMAX_RTL     := $(sort $(wildcard fpga/fmax/*.v))
FMAX_TARGETS ?= ecp5 ice40
FMAX_FREQ    ?=
DEPTH_TOP    ?= 20

.PHONY: soc-fw soc-sim soc-lint soc-synth synth-report fpga fmax-smmu logic-depth

# ---- firmware --------------------------------------------------------------------------
FW_DIR     := $(FPGA_BUILD)/fw
FW_SRCS    := fpga/fw/selftest.c sw/hal/soc/smmu_hal_soc.c
FW_ASM     := fpga/fw/crt0.S
FW_CFLAGS  := -march=rv32im -mabi=ilp32 -Os -std=c11 -Wall -Wextra -Werror \
              -ffunction-sections -fdata-sections --specs=picolibc.specs \
              -DPICOLIBC_INTEGER_PRINTF_SCANF -Isw/include -Isw/hal/soc -Ifpga/fw
FW_LDFLAGS := -march=rv32im -mabi=ilp32 --specs=picolibc.specs -nostartfiles \
              -T fpga/fw/soc.ld -Wl,--gc-sections -Wl,--no-warn-rwx-segments -Wl,-Map,$(FW_DIR)/selftest.map
FW_OBJS    := $(addprefix $(FW_DIR)/,$(notdir $(FW_SRCS:.c=.o))) $(FW_DIR)/crt0.o

SETUP_SOC    := $(call setup_for,soc)
SETUP_FPGA   := $(call setup_for,fpga)
# The yowasp tools (board.sh, fmax.sh pick Debian's first) are in the environment.
FPGA_PATH    := PATH="$(VENV)/bin:$$PATH"

# The self-test (fpga/fw) and the SoC's HAL (sw/hal/soc): one object each, by name.
FW_C_OBJS := $(addprefix $(FW_DIR)/,$(notdir $(FW_SRCS:.c=.o)))
$(FW_C_OBJS): $(FW_DIR)/%.o: $(REGS_GEN) | $(call setup_for,rv32)
	@mkdir -p $(dir $@)
	$(call say,RV32CC,$(filter %/$*.c,$(FW_SRCS)))$(RV32_PREFIX)gcc $(FW_CFLAGS) -MMD -MP \
	  -c $(filter %/$*.c,$(FW_SRCS)) -o $@
$(foreach f,$(FW_SRCS),$(eval $(FW_DIR)/$(notdir $(f:.c=.o)): $(f)))

$(FW_DIR)/crt0.o: $(FW_ASM) | $(call setup_for,rv32)
	@mkdir -p $(dir $@)
	$(call say,RV32AS,$<)$(RV32_PREFIX)gcc -march=rv32im -mabi=ilp32 -c $< -o $@

$(FW_DIR)/selftest.elf: $(FW_OBJS) $(DRV_RV32_LIB) fpga/fw/soc.ld
	$(call say,RV32LD,$@)$(RV32_PREFIX)gcc $(FW_LDFLAGS) -o $@ $(FW_OBJS) $(DRV_RV32_LIB) -lc -lgcc
	$(Q)$(RV32_PREFIX)size $@

$(FW_DIR)/selftest.hex: $(FW_DIR)/selftest.elf fpga/scripts/bin2hex64.py
	$(call say,HEX,$@)$(RV32_PREFIX)objcopy -O binary $< $(FW_DIR)/selftest.bin
	$(Q)$(PYTHON) fpga/scripts/bin2hex64.py $(FW_DIR)/selftest.bin $@

soc-fw: $(FW_DIR)/selftest.hex

-include $(FW_OBJS:.o=.d)

# ---- simulation ------------------------------------------------------------------------
# The hex path is a run-time parameter of the model: the firmware can be rebuilt
# without re-verilating.
SOC_SIM_DIR := $(FPGA_BUILD)/sim$(if $(TRACE),-trace)
SOC_SIM     := $(SOC_SIM_DIR)/Vsoc_top
SOC_VFLAGS  := --cc --exe --build -j 2 -O2 --x-assign fast --x-initial fast \
               -Wno-fatal -Wno-lint -Wno-style -Wno-TIMESCALEMOD \
               -Irtl -Irtl/gen --top-module soc_top \
               -GUART_DIV=$(SOC_UART_DIV) -GCLK_MHZ=$(SOC_CLK_MHZ) \
               '-GINIT_FILE="$(abspath $(FW_DIR))/selftest.hex"' \
               -CFLAGS "-O2 -DSOC_UART_DIV=$(SOC_UART_DIV)" \
               $(if $(TRACE),--trace-fst)

$(SOC_SIM): $(SOC_RTL) $(RTL_DEPS) fpga/sim/soc_tb.cpp $(REGS_GEN) | $(SETUP_SOC)
	@mkdir -p $(SOC_SIM_DIR)
	$(call say,VERILATE,soc_top -> $(SOC_SIM_DIR))verilator $(SOC_VFLAGS) --Mdir $(SOC_SIM_DIR) $(SOC_ALL_RTL) $(abspath fpga/sim/soc_tb.cpp) \
	  >$(SOC_SIM_DIR)/verilate.log 2>&1 || { tail -30 $(SOC_SIM_DIR)/verilate.log; exit 1; }

soc-sim: $(SOC_SIM) $(FW_DIR)/selftest.hex
	$(SOC_SIM) --cycles $(SOC_CYCLES) --uart-div $(SOC_UART_DIV) \
	  $(if $(TRACE),--trace $(FPGA_BUILD)/soc.fst)

# ---- lint and generic synthesis -----------------------------------------------------------
soc-lint: | $(SETUP_SOC)
	@set -e; for f in $(SOC_RTL); do t=$$(basename $$f .v); \
	  verilator --lint-only -Wall -Irtl -Irtl/gen --top-module $$t $(SOC_VLT) \
	    $(SOC_ALL_RTL); echo "lint ok   $$t"; done; \
	for f in $(FMAX_RTL); do t=$$(basename $$f .v); \
	  verilator --lint-only -Wall -Irtl -Irtl/gen --top-module $$t $$f $(RTL_SRCS); \
	  echo "lint ok   $$t"; done

# Generic synthesis of the whole SoC, failing on latches, multiple drivers or undriven
# nets. The RAM stays one memory cell (generic `synth` would otherwise turn 256 KB into
# flip-flops): the `fine` steps run by hand without memory_map. soc_ram's own array
# inference is what synth-report checks, with the vendor flows.
SOC_SYNTH_FINE := opt -fast -full; opt -full; techmap; opt -fast; abc -fast; opt -fast

soc-synth: | $(SETUP_SOC)
	@mkdir -p $(FPGA_BUILD)/synth
	@yosys -q -l $(FPGA_BUILD)/synth/soc_top.log -p "read_verilog -sv -Irtl -Irtl/gen $(SOC_ALL_RTL); \
	  synth -top soc_top -run begin:fine; $(SOC_SYNTH_FINE); hierarchy -check; check -assert; stat" >/dev/null \
	  && ! grep -Eq "^Latch inferred|multiple conflicting drivers|is used but has no driver" \
	       $(FPGA_BUILD)/synth/soc_top.log \
	  && echo "synth ok   soc_top ($$(grep -E '^ +Number of cells:' $(FPGA_BUILD)/synth/soc_top.log | tail -1 | awk '{print $$4}') cells)" \
	  || { echo "synth FAIL soc_top (see $(FPGA_BUILD)/synth/soc_top.log)"; exit 1; }

# ---- vendor synthesis report and the board flow -----------------------------------------
synth-report: soc-fw | $(SETUP_FPGA)
	$(FPGA_PATH) $(PYTHON) fpga/scripts/synth_report.py --build $(FPGA_BUILD)/report \
	  --hex $(abspath $(FW_DIR))/selftest.hex --out docs/fpga-report.md \
	  --picorv32 $(PICORV32_V) --reuse-board $(FPGA_BUILD)/$(BOARD)/synth.log \
	  --pnr-log $(FPGA_BUILD)/$(BOARD)/pnr.log --fmax-dir $(FPGA_BUILD) $(if $(CACHED),--cached)

# The SMMU alone cannot be placed with its ~1100 port bits as pins: fpga/fmax/smmu_fmax.v
# wraps it in flip-flop chains (four pins) so nextpnr times its own register-to-register
# paths. One target after the other (place and route wants the whole machine). Not part
# of make test.
fmax-smmu: | $(SETUP_FPGA)
	@st=0; for t in $(FMAX_TARGETS); do \
	  $(FPGA_PATH) bash fpga/scripts/fmax.sh $$t $(FPGA_BUILD)/fmax-$$t $(FMAX_FREQ) || st=1; done; exit $$st

# Minutes of synthesis, no place and route: every deep path at once, in unit delays (the
# place-and-route critical path is one of them, and moves with the routing).
logic-depth: | $(SETUP_FPGA)
	$(FPGA_PATH) SYNTH_ONLY=1 bash fpga/scripts/fmax.sh ecp5 $(FPGA_BUILD)/fmax-ecp5
	$(PYTHON) fpga/scripts/logic_depth.py $(FPGA_BUILD)/fmax-ecp5/smmu_fmax.json --top $(DEPTH_TOP)

fpga: soc-fw | $(SETUP_FPGA)
	$(FPGA_PATH) bash fpga/scripts/board.sh $(BOARD) $(FPGA_BUILD)/$(BOARD) $(abspath $(FW_DIR))/selftest.hex \
	  $(PICORV32_V)
