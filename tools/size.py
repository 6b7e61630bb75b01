"""make size: .mpy bytes of every firmware module and installable part, for
each board's architecture (native and viper code differ per architecture;
bytecode does not). Also writes build/size.json."""

import json
import sys

import toolchain


def main() -> int:
    profiles = [p for p in toolchain.profiles().values() if p.r_seconds is not None]
    sizes: dict[str, dict[str, int]] = {}
    for prof in profiles:
        root = toolchain.build_firmware(prof.arch, toolchain.DEPLOY_OPT)
        for rel in toolchain.firmware_sources():
            mpy = (root / rel).with_suffix(".mpy")
            sizes.setdefault(str(rel), {})[prof.board] = mpy.stat().st_size
    boards = [p.board for p in profiles]
    parts = toolchain.parts()
    owned = {m for part in parts.values() for m in part["modules"]}
    loose = sorted(set(sizes) - owned)
    if loose:
        print(f"size: modules in no part of firmware/parts.json: {', '.join(loose)}", file=sys.stderr)
        return 1

    labels = {name: f"{name} ({', '.join(toolchain.part_closure([name]))})" for name in parts}
    w = max([len(m) for m in sizes] + [len(x) for x in labels.values()]) + 2
    head = "".join(f"{b + ' (' + p.arch + ')':>22}" for b, p in zip(boards, profiles))
    print(f"mpy-cross: {toolchain.mpy_cross_version()}")
    print(f"\n{'module':<{w}}{head}")
    for m in sorted(sizes):
        print(f"{m:<{w}}" + "".join(f"{sizes[m][b]:>22,}" for b in boards))

    print(f"\n{'part (with its deps)':<{w}}" + "".join(f"{b + ' adds':>16}{b + ' installed':>22}" for b in boards))
    part_rows = {}
    for name in parts:
        mods = [m for p in toolchain.part_closure([name]) for m in parts[p]["modules"]]
        own = {b: sum(sizes[m][b] for m in parts[name]["modules"]) for b in boards}
        total = {b: sum(sizes[m][b] for m in mods) for b in boards}
        part_rows[name] = {"modules": parts[name]["modules"], "own": own, "installed": total}
        print(f"{labels[name]:<{w}}" + "".join(f"{own[b]:>16,}{total[b]:>22,}" for b in boards))
    grand = {b: sum(s[b] for s in sizes.values()) for b in boards}
    print(f"\n{'total (every part)':<{w}}" + "".join(f"{'':>16}{grand[b]:>22,}" for b in boards))

    out = toolchain.BUILD / "size.json"
    out.write_text(json.dumps({"mpy_cross": toolchain.mpy_cross_version(),
                               "modules": sizes, "parts": part_rows, "total": grand}, indent=1))
    print(f"\nwritten: {out.relative_to(toolchain.ROOT)}")
    return 0


if __name__ == "__main__":
    toolchain.run_tool("size", main)
