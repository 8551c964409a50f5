#!/usr/bin/env python3
"""What a WebAssembly module weighs gzipped (`gzip -9n`), whole and without its data section.

    python3 scripts/wasm_sections.py dist/embed/certreq_web_bg.wasm [dist/embed/certreq_web.js]

The data section holds the module's constant bytes: every message and help text, the INF's
section and key names, the names of OIDs and extensions. The module without it cannot run;
its size is a lower bound on what the module's code alone weighs, which is what
docs/performance.md ("What 88 KiB would take") measures against the embedding module's target.
With a JS glue file the totals add its gzipped size.
"""
import subprocess
import sys

KIB = 1024


def leb128(data: bytes, i: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[i]
        i += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, i


def split(module: bytes) -> tuple[bytes, bytes]:
    """(the module without its data section, the data section's contents)."""
    if module[:4] != b"\0asm":
        sys.exit("not a WebAssembly module")
    kept, data, i = bytearray(module[:8]), bytearray(), 8
    while i < len(module):
        start, section = i, module[i]
        size, i = leb128(module, i + 1)
        if section == 11:
            data += module[i:i + size]
        else:
            kept += module[start:i + size]
        i += size
    return bytes(kept), bytes(data)


def gz(data: bytes) -> int:
    """Gzipped by `gzip -9n`, as the size budgets (tests/e2e/test_build.py) measure."""
    return len(subprocess.run(["gzip", "-9n"], input=data, capture_output=True, check=True).stdout)


def main() -> None:
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    module = open(sys.argv[1], "rb").read()
    code, data = split(module)
    glue = gz(open(sys.argv[2], "rb").read()) if len(sys.argv) == 3 else 0
    for name, size in (("the module", gz(module)), ("without its data section", gz(code))):
        line = f"{name}: {size} bytes gzipped"
        if glue:
            line += f"; with the glue ({glue}) {size + glue} ({(size + glue) / KIB:.1f} KiB)"
        print(line)
    print(f"its data section alone: {gz(data)} bytes gzipped ({len(data)} bytes)")


if __name__ == "__main__":
    main()
