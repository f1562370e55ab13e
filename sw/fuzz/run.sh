#!/usr/bin/env bash
# Run one libFuzzer target and print one summary line:
#   NAME: N runs, C crashes, <the target's own property counters>
# usage: run.sh NAME BINARY [libFuzzer options...]   (exit status: 0 only if no crash)
set -uo pipefail
name=$1 bin=$2
shift 2
corpus=$(mktemp -d)
out=$("$bin" "$@" -print_final_stats=0 -artifact_prefix="$(dirname "$bin")/" "$corpus" 2>&1)
rc=$?
rm -rf "$corpus"
runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' <<<"$out" | tail -1)
props=$(grep -E "^$name: " <<<"$out" | tail -1 | sed "s/^$name: [0-9]* runs, //")
crashes=0
if ((rc != 0)); then
  crashes=1
  grep -E "property violated|ERROR:|SUMMARY:|runtime error" <<<"$out" | head -5
fi
echo "$name: ${runs:-?} runs, $crashes crashes, ${props:-no counters}"
exit $rc
