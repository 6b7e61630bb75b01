"""make bench: time firmware operations under the MicroPython unix port.

Times are printed on this machine and in units of R, one pow(y, x, p) with
the OAKLEY 5 prime (RFC 3526 §2) and a 256-bit exponent, measured in the same
interpreter process as the operation. Device figures are R multiples times
each board's r_seconds (boards/*/board.json): estimates from instruction
counts, not measurements on a chip. "min heap" is the smallest -X heapsize=
in which the operation, with its modules loaded as .mpy, runs (bisection):
"from file" with the .mpy files on a filesystem, copied into the heap at
import (make deploy); "ROMFS" with the same .mpy files in a ROMFS image,
run in place from flash (make deploy ROMFS=1), the image's own bytes taken
out (toolchain.romfs_heap_bytes).
Everything is also written to build/bench.json for comparison across commits.
"""

import argparse
import json
import platform
import subprocess
import sys
import time
from pathlib import Path

import toolchain

BENCH_SRC = Path(__file__).resolve().parent / "bench"
HEAP_STEP = 256


def build(arch) -> tuple[Path, Path]:
    """(the filesystem root to run in, a ROMFS image of the same .mpy files)."""
    fw = toolchain.build_firmware(arch, toolchain.DEPLOY_OPT)
    out = toolchain.BUILD / f"bench-O{toolchain.DEPLOY_OPT}" / (arch or "bytecode")
    for src in sorted(BENCH_SRC.glob("*.py")):
        toolchain.compile_mpy(src, out / (src.stem + ".mpy"), arch, opt=toolchain.DEPLOY_OPT,
                              source_name=src.stem)
    root = toolchain.board_fs(fw, [out], out.parent / f"{arch or 'bytecode'}-fs")
    return root, toolchain.romfs_image(root / "lib", out.parent / f"{arch or 'bytecode'}.romfs")


def run_one(path, module, i, heap) -> dict:
    r = toolchain.run_micropython(
        ["-c", f"import benchrun; benchrun.main({module!r}, {i})"], heap=heap, path=toolchain.BOARD_LIB, cwd=path,
        timeout=600)
    if r.returncode != 0:
        raise toolchain.ToolchainError(
            f"benchmark {module}[{i}] failed under {heap} B heap:\n{r.stderr.decode(errors='replace')}")
    return json.loads(r.stdout.decode().strip().splitlines()[-1])


def probe(path, module, i, heap, img=None) -> bool:
    # Nothing but the benchmark module: the runner's own code would count
    # against the operation's heap.
    code = f"import {module} as m\nm.BENCHES[{i}][1]()()\nprint('PROBE-OK')"
    lib = toolchain.BOARD_LIB
    if img:
        code, lib = toolchain.romfs_script(img, code), []
    try:
        r = toolchain.run_micropython(["-c", code], heap=heap, path=lib, cwd=path, timeout=600)
    except subprocess.TimeoutExpired:
        return False
    return r.returncode == 0 and b"PROBE-OK" in r.stdout


def min_heap(path, module, i, start: int, img=None) -> int | None:
    """Smallest heap (to HEAP_STEP bytes) in which setup + one run succeed;
    with img, the modules run from that ROMFS image, whose bytes are not
    counted."""
    if img:
        start += img.stat().st_size
    hi = start
    while not probe(path, module, i, hi, img):
        hi *= 2
        if hi > 16 << 20:
            return None
    lo = 1024  # below what the interpreter itself needs
    while hi - lo > HEAP_STEP:
        mid = (lo + hi) // 2 // HEAP_STEP * HEAP_STEP
        if mid <= lo:
            break
        if probe(path, module, i, mid, img):
            hi = mid
        else:
            lo = mid
    return hi - toolchain.romfs_heap_bytes(img, hi) if img else hi


def fmt_time(us: float) -> str:
    if us >= 1e6:
        return f"{us / 1e6:.2f} s"
    if us >= 1e3:
        return f"{us / 1e3:.2f} ms"
    return f"{us:.1f} µs"


def git_commit() -> str | None:
    r = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=toolchain.ROOT,
                       capture_output=True, text=True)
    return r.stdout.strip() or None


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--profile", default="tight", help="heap profile for timing (default: tight)")
    ap.add_argument("-k", dest="select", help="only benchmarks whose name contains this")
    ap.add_argument("--no-heap", action="store_true", help="skip the min-heap bisection")
    ap.add_argument("--json", default=str(toolchain.BUILD / "bench.json"))
    args = ap.parse_args(argv)

    prof = toolchain.profiles()[args.profile]
    boards = [p for p in toolchain.profiles().values() if p.r_seconds is not None]
    arch = toolchain.host_arch()
    path, img = build(arch)
    mpv = toolchain.micropython_version()
    print(f"interpreter: {mpv}")
    print(f"machine:     {platform.machine()} {platform.processor() or ''}".rstrip())
    print(f"timing heap: {prof.heap // 1024} KB ({prof.name} profile); modules loaded as .mpy")
    print("device columns: time in R x seconds per R on the chip (estimates, boards/*/board.json)\n")

    heaps = sorted({prof.heap} | {p.heap for p in toolchain.profiles().values() if p.heap > prof.heap})
    rows = []
    for mod in sorted(BENCH_SRC.glob("bench_*.py")):
        names = _bench_names(path, mod.stem, heaps[-1])
        for i, name in enumerate(names):
            if args.select and args.select not in name:
                continue
            res = None
            for heap in heaps:  # the timing heap, else the smallest board heap it fits
                try:
                    res = run_one(path, mod.stem, i, heap)
                    break
                except toolchain.ToolchainError:
                    if heap == heaps[-1]:
                        raise
            res["timing_heap"] = heap
            res["name"] = name
            res["module"] = mod.stem
            res["r"] = res["us"] / res["r_us"]
            res["estimates_s"] = {p.board: res["r"] * p.r_seconds for p in boards}
            res["min_heap"] = None if args.no_heap else min_heap(path, mod.stem, i, heap)
            res["min_heap_romfs"] = None if args.no_heap else min_heap(path, mod.stem, i, heap, img)
            rows.append(res)

    w = max([len(r["name"]) for r in rows] + [9]) + 2
    est_heads = "".join(f"{p.board + ' est.':>13}" for p in boards)
    print(f"{'':<{w}}{'':>11}{'':>10}{'':>{13 * len(boards)}}{'':>10}{'min heap':>10}{'min heap':>10}")
    print(f"{'operation':<{w}}{'this PC':>11}{'R':>10}{est_heads}{'alloc/op':>10}{'from file':>10}{'ROMFS':>10}")
    for r in rows:
        ests = "".join(f"{fmt_time(r['estimates_s'][p.board] * 1e6):>13}" for p in boards)
        heap = "".join(f"{f'{r[k] / 1024:.2f}K' if r[k] else '-':>10}" for k in ("min_heap", "min_heap_romfs"))
        mark = "" if r["timing_heap"] == prof.heap else "*"
        print(f"{r['name'] + mark:<{w}}{fmt_time(r['us']):>11}{r['r']:>10.4f}{ests}{(str(r['alloc']) + 'B') if r['alloc'] >= 0 else 'n/a':>10}{heap}")
    big = sorted({r["timing_heap"] for r in rows if r["timing_heap"] != prof.heap})
    if big:
        print(f"* timed in a {', '.join(str(h // 1024) for h in big)} KB heap: more than the "
              f"{prof.heap // 1024} KB timing heap holds (its min heap says how much)")
    r_us = min(r["r_us"] for r in rows) if rows else None
    if r_us:
        print(f"\nR on this machine: {fmt_time(r_us)} (best of the runs above)")
    link = None
    if not args.select or args.select in "serial link":
        import bench_link

        link = bench_link.report()
    clock = None
    if not args.select or args.select in "clock":
        import bench_timeproxy

        clock = bench_timeproxy.report()

    out = Path(args.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "commit": git_commit(), "interpreter": mpv, "machine": platform.machine(),
        "timing_profile": prof.name, "timing_heap": prof.heap,
        "r_seconds": {p.board: p.r_seconds for p in boards}, "rows": rows, "link": link, "clock": clock}, indent=1))
    print(f"written: {out.relative_to(toolchain.ROOT) if out.is_relative_to(toolchain.ROOT) else out}")
    return 0


def _bench_names(path, module, heap) -> list[str]:
    r = toolchain.run_micropython(
        ["-c", f"import {module}; print('\\n'.join(b[0] for b in {module}.BENCHES))"],
        heap=heap, path=toolchain.BOARD_LIB, cwd=path, timeout=60)
    if r.returncode != 0:
        raise toolchain.ToolchainError(f"cannot load {module}: {r.stderr.decode(errors='replace')}")
    return r.stdout.decode().splitlines()


if __name__ == "__main__":
    toolchain.run_tool("bench", main)
