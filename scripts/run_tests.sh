#!/usr/bin/env bash
# `make test`: every check, each counted as a test, then one line `N passed, N failed`.
#   - the set-up works on stock Debian's python3 (scripts/test_setup.sh)
#   - generated register files are current
#   - Verilator lint -Wall, Yosys synthesis (every module), the formal proofs
#   - the FuseSoC core: lint and the harness simulation through FuseSoC
#   - the driver builds freestanding for rv32im
#   - the test plan lists every test; the GTKWave layout loads on a real trace
#   - every harness/driver test against the RTL, each in its own process (so a model
#     that aborts on a hang fails that test only); the reliability campaigns among them
#     (rel_*) and the isolation storm print their summary lines
#   - the parameter variants (FWB/COHACC off, one stage, the v3.0 feature set): each
#     variant's build, then each of its tests, counted as `<variant>/<test>`
# `run_tests.sh --variants` runs only the variants (`make variants`).
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
MAKE=${MAKE:-make}
PYTHON=${PYTHON:-$(command -v /usr/bin/python3 || echo python3)}
passed=0
failed=0
failures=()

stage() { # stage NAME COMMAND... : run, count, keep the log
  local name=$1; shift
  local log="$BUILD/logs/$name.log" t0=$SECONDS
  mkdir -p "$BUILD/logs"
  if "$@" >"$log" 2>&1; then
    passed=$((passed + 1)); echo "ok   $name ($((SECONDS - t0)) s)"
  else
    failed=$((failed + 1)); failures+=("$name"); echo "FAIL $name ($((SECONDS - t0)) s), log: $log"
    tail -30 "$log" | sed 's/^/     /'
    return 1
  fi
}

# The FWB/COHACC variants (Makefile `variants`): build each in $BUILD/var/<variant>, then
# run its tests whose names match the Makefile's pattern, each in its own process.
run_variants() {
  local v re bin t t0 log
  while read -r v re; do
    [ -n "$v" ] || continue
    # a failed build runs nothing (an older binary may still be there)
    stage "build-var-$v" $MAKE --no-print-directory BUILD="$BUILD" variant-build VARIANT="$v" || continue
    bin="$BUILD/var/$v/tests/smmu_var_tests"
    if ! "$bin" --names | grep -qE "$re"; then
      failed=$((failed + 1)); failures+=("$v"); echo "FAIL $v: no test matches $re"
      continue
    fi
    for t in $("$bin" --names | grep -E "$re"); do
      t0=$SECONDS
      log="$BUILD/logs/var-$v-$t.log"
      if timeout 600 "$bin" "$t" >"$log" 2>&1; then
        passed=$((passed + 1))
        echo "$(grep -m1 -E "^ok +$t " "$log" | sed "s|^ok *$t|ok   $v/$t|" || echo "ok   $v/$t") [$((SECONDS - t0)) s]"
      else
        failed=$((failed + 1)); failures+=("$v/$t"); echo "FAIL $v/$t [$((SECONDS - t0)) s], log: $log"
        tail -20 "$log" | sed 's/^/     /'
      fi
    done
  done < <($MAKE --no-print-directory -s BUILD="$BUILD" variant-list)
}

if [ "${1:-}" = --variants ]; then
  run_variants
  if ((failed)); then echo "failed: ${failures[*]}"; fi
  echo "$passed passed, $failed failed"
  ((failed == 0))
  exit
fi

stage setup-stock-python bash scripts/test_setup.sh
stage regs-current "$PYTHON" scripts/regtool.py --check
# the logic-depth tool's delay model and path walk on a hand-made netlist (make logic-depth)
stage logic-depth-model "$PYTHON" fpga/scripts/logic_depth.py --self-test
# host-only driver unit tests (sw/tests: no Verilator model), each a test
if stage build-drv-unit $MAKE --no-print-directory "$BUILD/sw/tests/drv_unit"; then
  for t in $("$BUILD/sw/tests/drv_unit" --list); do
    stage "$t" "$BUILD/sw/tests/drv_unit" "$t"
  done
fi
# the driver's libFuzzer targets, a short run each (sw/fuzz; `make fuzz-long` for more)
for f in $($MAKE --no-print-directory -s fuzz-list); do
  stage "$f" $MAKE --no-print-directory fuzz-run FUZZ="$f" && sed -n 's/^/     /p' "$BUILD/logs/$f.log" | grep -E "runs, .* crashes" | tail -1
done
stage lint $MAKE --no-print-directory lint
stage synth bash scripts/synth.sh
# the FuseSoC core (open-smmuv3.core): current, lints, and its harness simulation passes
stage fusesoc-lint $MAKE --no-print-directory fusesoc-lint
stage fusesoc-sim  $MAKE --no-print-directory fusesoc-sim
# formal proofs of the queue, arbiter, register and TLB properties (docs/reliability.md)
stage formal $MAKE --no-print-directory formal
grep -h -E "^formal" "$BUILD/logs/formal.log" | sed 's/^/     /'
stage rv32-driver-build $MAKE --no-print-directory rv32
# the SoC: lint, generic synthesis, and the unchanged driver's self-test on PicoRV32
stage soc-lint  $MAKE --no-print-directory soc-lint
stage soc-synth $MAKE --no-print-directory soc-synth
stage soc-sim   $MAKE --no-print-directory soc-sim
# unit benches of the pure RTL functions: one build, then each bench is a test
unit_bins=$($MAKE --no-print-directory -s unit-list)
stage build-unit-benches $MAKE -j2 --no-print-directory $unit_bins
for b in $unit_bins; do
  [ -x "$b" ] && stage "unit-$(basename "$(dirname "$b")")" "$b"
done

stage build-tests $MAKE -j2 --no-print-directory "$BUILD/tests/smmu_tests" "$BUILD/demo/smmu_demo"
# the benchmarks' quick run (sanitizer build): every figure `make bench` promises exists
stage bench-smoke $MAKE --no-print-directory bench-smoke

# scenario scripts (tb/scenarios/*.scn): each script is a test
stage build-scenario $MAKE --no-print-directory "$BUILD/scenario/scenario"
if [ -x "$BUILD/scenario/scenario" ]; then
  for f in $($MAKE --no-print-directory -s scenario-list); do
    stage "scn-$(basename "$f" .scn)" "$BUILD/scenario/scenario" "$f"
  done
fi

# the random differential regression: RTL against the reference model, 1M+ transactions
stage differential $MAKE --no-print-directory diff
grep -h -E "^(differential:|seed .*mismatches)" "$BUILD/logs/differential.log" | sed 's/^/     /'
# the isolation storm (the differential's storm mode, docs/reliability.md): a short run
stage isolation $MAKE --no-print-directory isolation
grep -h -E "^(isolation:|seed .*mismatches)" "$BUILD/logs/isolation.log" | sed 's/^/     /'

bin="$BUILD/tests/smmu_tests"
if [ -x "$bin" ]; then
  # every test is in tb/tests/testplan.toml (feature, description) and nothing else is
  stage testplan "$PYTHON" tb/tests/testplan.py check "$bin"
  # the GTKWave layout: every signal in a real trace, opened on a transaction, shown under Xvfb
  stage waves-layout $MAKE --no-print-directory waves-check
  for t in $("$bin" --names); do
    t0=$SECONDS
    log="$BUILD/logs/test-$t.log"
    if timeout 600 "$bin" "$t" >"$log" 2>&1; then
      passed=$((passed + 1)); echo "$(grep -m1 -E "^(ok|FAIL) +$t " "$log" || echo "ok   $t") [$((SECONDS - t0)) s]"
    else
      failed=$((failed + 1)); failures+=("$t"); echo "FAIL $t [$((SECONDS - t0)) s], log: $log"
      tail -20 "$log" | sed 's/^/     /'
    fi
  done
  # the reliability campaigns among those tests: their summary lines (docs/reliability.md)
  grep -h -E "^(fault-injection|regfuzz|cmdfuzz):" "$BUILD"/logs/test-rel_*.log 2>/dev/null |
    sed 's/^/     /'
  stage demo "$BUILD/demo/smmu_demo"
fi

run_variants

if ((failed)); then echo "failed: ${failures[*]}"; fi
echo "$passed passed, $failed failed"
((failed == 0))
