#!/usr/bin/env bash
# One short line per build step (the Makefile's quiet mode; V=1 prints full commands
# instead and never calls this):
#
#   step.sh TAG WHAT                       print "[k/N] TAG WHAT"
#   step.sh --log FILE TAG WHAT -- CMD...  the same, then run CMD with its output in FILE:
#                                          on a terminal a ticker shows the seconds and
#                                          the files compiled so far; on failure the end
#                                          of FILE is printed; warnings are always printed
#
# k counts the steps of this make run ($STEP_COUNTER, reset by the top-level make), N is
# the number of steps `make -n` found for the same goals ($STEP_TOTAL; absent: no N).
set -uo pipefail
log=
if [ "${1:-}" = --log ]; then log=$2; shift 2; fi
tag=$1 what=$2
shift 2

k=
if [ -n "${STEP_COUNTER:-}" ]; then
  # -j2 runs steps side by side: the counter file is updated under a lock.
  k=$({ flock 9; n=$(( $(cat "$STEP_COUNTER" 2>/dev/null || echo 0) + 1 )); echo $n > "$STEP_COUNTER"; echo $n; } 9>>"$STEP_COUNTER.lock")
fi
total=${STEP_TOTAL:-0}
if [ -n "$k" ] && [ "$total" -ge "$k" ] 2>/dev/null; then prog="[$k/$total]"
elif [ -n "$k" ]; then prog="[$k]"
else prog="-"; fi
printf '%-8s %-8s %s\n' "$prog" "$tag" "$what"

[ "${1:-}" = -- ] || exit 0
shift
[ -n "$log" ] || log=$(mktemp)
mkdir -p "$(dirname "$log")"
t0=$SECONDS
"$@" >"$log" 2>&1 &
pid=$!
if [ -t 1 ]; then
  while kill -0 "$pid" 2>/dev/null; do
    sleep 1
    n=$(grep -cE '^(g\+\+|c\+\+|gcc|cc|clang)\b.* -c ' "$log" 2>/dev/null)
    printf '\r         ... %3d s, %s files compiled ' $((SECONDS - t0)) "${n:-0}"
  done
  printf '\r%60s\r' ''
fi
wait "$pid"
rc=$?
if [ $rc -ne 0 ]; then
  echo "FAILED   $tag $what (exit $rc); the end of $log:"
  tail -50 "$log"
  exit $rc
fi
# Warnings are never hidden.
if grep -qiE '(^|[^a-z-])warning' "$log"; then
  echo "warnings from $tag $what (full output: $log):"
  grep -iE -A4 '(^|[^a-z-])warning' "$log" | head -40
fi
exit 0
