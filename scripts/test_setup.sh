#!/usr/bin/env bash
# `make test` stage setup-stock-python: the set-up works with stock Debian's python3 alone.
# Runs scripts/setup.sh in a clean environment (PATH=/usr/bin:/bin, so no other Python can
# come first, as on a fresh Debian 12 machine) with a fresh virtual environment directory,
# for the groups that install Python packages `make test` needs (PicoRV32, FuseSoC), then
# checks the environment: made from /usr/bin/python3, holding the packages, and Debian's
# own python3 still without them (nothing was installed system-wide, PEP 668).
# pip's download cache ($HOME/.cache/pip) is shared, so a second run downloads nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
dir=$(mktemp -d "$PWD/$BUILD/setup-test.XXXXXX")
trap 'rm -rf "$dir"' EXIT
venv=$dir/venv

env -i PATH=/usr/bin:/bin HOME="$HOME" LANG=C.UTF-8 VENV="$venv" \
  bash scripts/setup.sh --stamp-dir "$dir" soc fusesoc

fail() { echo "setup-test FAIL: $*" >&2; exit 1; }
[ -x "$venv/bin/python" ] || fail "no environment at $venv"
base=$("$venv/bin/python" -c 'import sys; print(sys.base_prefix)')
[ "$base" = /usr ] || fail "environment made from $base, not Debian's /usr/bin/python3"
"$venv/bin/python" -c 'import pythondata_cpu_picorv32 as p, os, sys
sys.exit(not os.path.isfile(os.path.join(p.data_location, "picorv32.v")))' \
  || fail "pythondata-cpu-picorv32 missing or without picorv32.v"
"$venv/bin/fusesoc" --version >/dev/null || fail "fusesoc does not run"
for g in sim synth rv32 soc fusesoc; do [ -f "$dir/.setup-$g" ] || fail "no stamp for group $g"; done
if /usr/bin/python3 -c 'import pythondata_cpu_picorv32' 2>/dev/null; then
  fail "Debian's python3 has pythondata-cpu-picorv32: something installed it system-wide"
fi
# A second run reuses the environment and installs nothing.
out=$(env -i PATH=/usr/bin:/bin HOME="$HOME" LANG=C.UTF-8 VENV="$venv" bash scripts/setup.sh soc fusesoc)
! grep -q "installing\|creating" <<<"$out" || fail "second run installed again: $out"
echo "setup-test ok: environment from /usr/bin/python3 with pythondata-cpu-picorv32 and fusesoc $("$venv/bin/fusesoc" --version)"
