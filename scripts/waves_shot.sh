#!/usr/bin/env bash
# A screenshot of GTKWave showing a trace with a layout, under Xvfb (no display needed):
#   scripts/waves_shot.sh TRACE.fst LAYOUT.gtkw OUT.png
# Used by `make waves-shot TEST=name` (docs/waves.png comes from it). Needs the set-up
# group `shot` (xvfb, gtkwave, imagemagick). Waits for GTKWave's window, then grabs it.
set -euo pipefail
trace=$1 layout=$2 out=$3
[ -f "$trace" ] || { echo "waves-shot: no trace $trace" >&2; exit 2; }
export TRACE=$trace LAYOUT=$layout OUT=$out
xvfb-run -a -s "-screen 0 1600x1300x24" bash -c '
  gtkwave -a "$LAYOUT" "$TRACE" >"$OUT.log" 2>&1 &
  pid=$!
  # GTKWave titles its window with the trace it loaded; wait for it (it fails to open a
  # trace or a layout it cannot read), then a moment for the drawing.
  name=$(basename "$TRACE")
  up=
  for _ in $(seq 1 60); do
    if xwininfo -root -tree 2>/dev/null | grep -q "GTKWave - .*$name"; then up=1; break; fi
    kill -0 $pid 2>/dev/null || break
    sleep 0.5
  done
  [ -n "$up" ] || { echo "waves-shot: GTKWave did not show $TRACE (its output: $OUT.log)" >&2; kill $pid 2>/dev/null; exit 1; }
  sleep 2
  import -window root "$OUT"
  kill $pid 2>/dev/null || true
  wait $pid 2>/dev/null || true'
[ -s "$out" ] || { echo "waves-shot: no screenshot written" >&2; exit 1; }
echo "waves-shot: $out ($(identify -format "%wx%h" "$out"))"
