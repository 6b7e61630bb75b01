"""make deploy BOARD=... PORT=...: copy the compiled firmware and the board's
main.py to a board with mpremote.

The .mpy files are built for the architecture the board reports (its
sys.implementation._mpy), so native and viper code always match the chip;
the modules are those of the parts asked for (default: every part), under
:lib/mikey, replacing whatever an earlier deploy left there.

With --romfs (make deploy ROMFS=1) the modules go into the board's ROMFS
partition instead (mpremote romfs deploy), as lib/mikey of the image: the
board runs them in place from flash, and an import costs about half the
heap (make bench, "min heap ROMFS"). It needs firmware built with ROMFS
(MICROPY_VFS_ROM and a romfs partition; boards/<board>/README.md).
"""

import argparse
import shutil
import subprocess
import sys

import toolchain


def mpremote(port, *args, timeout=300, check=True):
    exe = toolchain.VENV_BIN / "mpremote"
    cmd = ([str(exe)] if exe.exists() else [sys.executable, "-m", "mpremote"]) + ["connect", port, *args]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if check and r.returncode != 0:
        raise toolchain.ToolchainError(f"mpremote {' '.join(args[:2])} failed: {(r.stderr or r.stdout).strip()}")
    return r


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--board", required=True, choices=sorted(p.board for p in toolchain.profiles().values()))
    ap.add_argument("--port", required=True, help="serial port of the board, e.g. /dev/ttyACM0")
    ap.add_argument("--parts", help="comma-separated firmware parts (default: all)")
    ap.add_argument("--romfs", action="store_true", help="into the ROMFS partition (run in place from flash)")
    args = ap.parse_args(argv)

    board_dir = toolchain.BOARDS / args.board
    want = args.parts.split(",") if args.parts else list(toolchain.parts())
    parts = toolchain.part_closure(want)
    modules = [m for p in parts for m in toolchain.parts()[p]["modules"]]

    from mikeyhost.link import leave_agent

    if leave_agent(args.port):  # a running agent holds the line: back to the REPL first
        print(f"deploy: the agent on {args.port} returned to the REPL", file=sys.stderr)
    r = mpremote(args.port, "exec", "import sys; print(sys.implementation._mpy)")
    arch = toolchain.arch_from_mpy(int(r.stdout.split()[-1]))
    configured = next(p.arch for p in toolchain.profiles().values() if p.board == args.board)
    if arch != configured:
        print(f"deploy: the board at {args.port} reports {arch}, boards/{args.board} says "
              f"{configured}; building for {arch}", file=sys.stderr)
    fw = toolchain.build_firmware(arch, toolchain.DEPLOY_OPT)

    stage = toolchain.BUILD / "deploy" / args.board
    if stage.exists():
        shutil.rmtree(stage)
    for m in modules:
        dst = stage / "lib" / m.replace(".py", ".mpy")
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2((fw / m).with_suffix(".mpy"), dst)
    shutil.copy2(board_dir / "main.py", stage / "main.py")
    shutil.copy2(board_dir / "config.py", stage / "config.py")

    if args.romfs:
        r = mpremote(args.port, "exec", "import vfs; print(hasattr(vfs, 'rom_ioctl'))")
        if r.stdout.split()[-1:] != ["True"]:
            raise toolchain.ToolchainError(
                f"the firmware on {args.port} has no ROMFS (vfs.rom_ioctl): flash one built with "
                f"MICROPY_VFS_ROM (boards/{args.board}/README.md) or deploy without ROMFS=1")
        img = toolchain.romfs_image(stage / "lib", stage.parent / f"{args.board}.romfs")
        mpremote(args.port, "romfs", "deploy", str(img))
        mpremote(args.port, "rm", "-r", ":/lib/mikey", check=False)  # no older copy to shadow it
    else:
        mpremote(args.port, "exec", "import os\ntry:\n os.mkdir('/lib')\nexcept OSError:\n pass")
        mpremote(args.port, "rm", "-r", ":/lib/mikey", check=False)
        mpremote(args.port, "cp", "-r", str(stage / "lib" / "mikey"), ":/lib/")
    mpremote(args.port, "cp", str(stage / "config.py"), ":/config.py")
    mpremote(args.port, "cp", str(stage / "main.py"), ":/main.py")
    total = sum(p.stat().st_size for p in stage.rglob("*") if p.is_file())
    print(f"deployed to {args.port} ({args.board}, {arch}): parts {', '.join(parts)}; "
          f"{len(modules)} modules{' in ROMFS' if args.romfs else ''} + main.py and config.py, {total:,} bytes")
    return 0


if __name__ == "__main__":
    toolchain.run_tool("deploy", main)
