#!/usr/bin/env bash
# The SMMU's RTL sources, in the order tools must read them (packages first), one per line:
# the one list every build, lint, synthesis and FuseSoC script uses.
#   rtl/pkg/*.sv      shared types
#   rtl/*.v           the top and the blocks not yet in a folder
#   rtl/*/*.v         one folder per part of the block diagram (up_if, sw_if, ...)
cd "$(dirname "$0")/.." || exit 1
shopt -s nullglob
for f in rtl/pkg/*.sv; do echo "$f"; done
for f in rtl/*.v rtl/*/*.v; do echo "$f"; done | sort
