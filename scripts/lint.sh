#!/usr/bin/env bash
# Verilator lint (-Wall) of every RTL module, each as the top. Fails on any warning.
# LINT_GFLAGS (the Makefile passes the model build's -G values): smmu_top is linted again
# with them, since what is built is what must be lint clean.
set -uo pipefail
cd "$(dirname "$0")/.."
fail=0
mapfile -t srcs < <(bash scripts/rtl_files.sh)
for f in "${srcs[@]}"; do
  case $f in *.sv) continue;; esac   # packages: linted with every module that uses them
  top=$(basename "$f" .v)
  if out=$(verilator --lint-only -Wall -Irtl -Irtl/gen --top-module "$top" "${srcs[@]}" 2>&1); then
    echo "lint ok   $top"
  else
    echo "lint FAIL $top"; echo "$out" | head -40; fail=1
  fi
done
if [ -n "${LINT_GFLAGS:-}" ]; then
  # shellcheck disable=SC2086
  if out=$(verilator --lint-only -Wall -Irtl -Irtl/gen --top-module smmu_top $LINT_GFLAGS "${srcs[@]}" 2>&1); then
    echo "lint ok   smmu_top $LINT_GFLAGS"
  else
    echo "lint FAIL smmu_top $LINT_GFLAGS"; echo "$out" | head -40; fail=1
  fi
fi
exit $fail
