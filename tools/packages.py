"""The mip package manifests (firmware/package*.json) from firmware/parts.json:
one per installable set, each listing every module of its parts and their
dependencies with URLs relative to the manifest, so that

    mpremote mip install github:<owner>/<repo>/firmware/package-psk.json
    mpremote mip install firmware/package-psk.json      # from a checkout

install the same files. `python tools/packages.py` rewrites them;
`--check` fails when they are out of date (a test runs it).
"""

import json
import sys

import toolchain

# manifest -> the parts it installs (their dependencies follow)
SETS = {
    "package.json": list(toolchain.parts()),  # everything
    "package-psk.json": ["psk"],  # a PSK-only device: core, crypto, base, psk
    "package-dhhmac.json": ["dhhmac"],  # a DH-HMAC device: core, crypto, base, dhhmac
    "package-agent.json": ["agent", "dhhmac", "ecc"],  # the device agent and the modes it runs
}


def firmware_version() -> str:
    import re

    text = (toolchain.FIRMWARE / "mikey" / "__init__.py").read_text()
    return re.search(r'__version__ = "([^"]+)"', text).group(1)


def manifest(parts: list[str]) -> str:
    """The package.json text: one URL pair a line."""
    table = toolchain.parts()
    modules = [m for p in toolchain.part_closure(parts) for m in table[p]["modules"]]
    urls = ",\n".join(f"  {json.dumps([m, m])}" for m in modules)
    return f'{{\n "version": "{firmware_version()}",\n "urls": [\n{urls}\n ],\n "deps": []\n}}\n'



def main(argv=None) -> int:
    check = "--check" in (argv if argv is not None else sys.argv[1:])
    stale = []
    for name, parts in SETS.items():
        text = manifest(parts)
        path = toolchain.FIRMWARE / name
        if path.exists() and path.read_text() == text:
            continue
        stale.append(name)
        if not check:
            path.write_text(text)
    if check and stale:
        print(f"packages: out of date: {', '.join(stale)} (run python tools/packages.py)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    toolchain.run_tool("packages", main)
