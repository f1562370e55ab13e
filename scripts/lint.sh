#!/usr/bin/env bash
# Verilator lint (-Wall) of every RTL module, each as the top. Fails on any warning.
set -uo pipefail
cd "$(dirname "$0")/.."
fail=0
for f in rtl/*.v; do
  top=$(basename "$f" .v)
  if out=$(verilator --lint-only -Wall -Irtl -Irtl/gen --top-module "$top" rtl/*.v 2>&1); then
    echo "lint ok   $top"
  else
    echo "lint FAIL $top"; echo "$out" | head -40; fail=1
  fi
done
exit $fail
