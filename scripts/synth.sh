#!/usr/bin/env bash
# Yosys generic synthesis of every RTL module (each as the top), and a cell count of the
# SMMU top level. Fails if any module does not synthesize or synthesis warns of latches,
# multiple drivers or undriven logic.
set -uo pipefail
cd "$(dirname "$0")/.."
out_dir=${BUILD:-build}/synth
mkdir -p "$out_dir"
fail=0
for f in rtl/*.v; do
  top=$(basename "$f" .v)
  log="$out_dir/$top.log"
  if yosys -q -l "$log" -p "read_verilog -sv -Irtl/gen rtl/*.v; synth -top $top; check -assert; stat" >/dev/null 2>&1 \
     && ! grep -Eq "^Latch inferred|multiple conflicting drivers|is used but has no driver" "$log"; then
    cells=$(grep -E "^ +Number of cells:" "$log" | tail -1 | awk '{print $4}')
    echo "synth ok   $top ($cells cells)"
  else
    echo "synth FAIL $top (see $log)"; grep -Ei "error|warning" "$log" | head -20; fail=1
  fi
done
exit $fail
