#!/usr/bin/env python3
"""Raw binary -> $readmemh image of 64-bit little-endian words (soc_ram is 64 bits wide)."""
import sys

def main() -> int:
    if len(sys.argv) != 3:
        print("usage: bin2hex64.py in.bin out.hex", file=sys.stderr)
        return 2
    data = open(sys.argv[1], "rb").read()
    data += b"\0" * (-len(data) % 8)
    with open(sys.argv[2], "w") as out:
        for i in range(0, len(data), 8):
            out.write("%016x\n" % int.from_bytes(data[i:i + 8], "little"))
    return 0

if __name__ == "__main__":
    sys.exit(main())
