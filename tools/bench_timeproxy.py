"""The clock's figures for `make bench` beside the table (docs/clock.md):

- the heap mikey.clock keeps with one Clock (beyond what the PSK path
  already loads: errors, crypto), and what a sync adds while it runs
  (mikey.ntp and a Client); MicroPython unix port, modules as .mpy;
- the uncertainty the device reports after a sync over loopback UDP with a
  real chronyd (tests/peers/chrony.py), and how far its time then is from
  this PC's clock: informational, a loopback is no network.

    python tools/bench_timeproxy.py
"""

import json
import sys
import tempfile
from pathlib import Path

import toolchain

HEAP_SCRIPT = """
import gc
import mikey.errors, mikey.crypto
gc.collect(); base = gc.mem_alloc()
from mikey.clock import Clock
c = Clock()
gc.collect(); clock = gc.mem_alloc() - base
from mikey.ntp import Client
n = Client(2, b"k" * 16, True)
gc.collect(); ntp = gc.mem_alloc() - base - clock
print(clock, ntp)
"""

SYNC_SCRIPT = """
import json, time
from mikey.clock import Clock, from_port, _dus
from mikey.ntp import Client, sync
out = []
for kid, key, aes in KEYS:
    best = None
    for _ in range(5):
        c = Clock()
        sync(c, Client(kid, bytes.fromhex(key), aes), '127.0.0.1', PORT)
        h0, d, h1 = bytearray(8), bytearray(8), bytearray(8)
        ns = time.time_ns(); from_port(ns // 1000000000, ns % 1000000000 // 1000, h0)
        c.now_into(d)
        ns = time.time_ns(); from_port(ns // 1000000000, ns % 1000000000 // 1000, h1)
        r = (c.uncertainty(), _dus(d, 0, h0, 0), _dus(d, 0, h1, 0))
        best = r if best is None or r[0] < best[0] else best
    out.append(best)
print(json.dumps(out))
"""


def clock_heap() -> tuple[int, int]:
    fw = toolchain.build_firmware(toolchain.host_arch(), toolchain.DEPLOY_OPT)
    with tempfile.TemporaryDirectory() as d:  # the modules under lib/, as on a board
        r = toolchain.run_micropython(["-c", HEAP_SCRIPT], heap=toolchain.profiles()["esp32"].heap,
                                      path=toolchain.BOARD_LIB, cwd=toolchain.board_fs(fw, [], Path(d)))
    if r.returncode != 0:
        raise toolchain.ToolchainError(f"clock heap probe failed: {r.stderr.decode(errors='replace')}")
    clock, ntp = map(int, r.stdout.split())
    return clock, ntp


def loopback_sync():
    """[(uncertainty µs, device - host µs at two host readings)] for the
    SHA1 and AES128 keys, the best of 5 syncs each; None without chronyd."""
    sys.path.insert(0, str(toolchain.ROOT / "tests"))
    from peers import chrony

    if not chrony.available():
        return None
    fw = toolchain.build_firmware(toolchain.host_arch(), toolchain.DEPLOY_OPT)
    with tempfile.TemporaryDirectory() as d:
        c = chrony.Chrony(Path(d))
        try:
            keys = [(1, c.keys["sha1"].hex(), False), (2, c.keys["aes128"].hex(), True)]
            code = SYNC_SCRIPT.replace("KEYS", repr(keys)).replace("PORT", str(c.port))
            r = toolchain.run_micropython(["-c", code], heap=toolchain.profiles()["esp32"].heap, path=[fw])
        finally:
            c.stop()
    if r.returncode != 0:
        raise toolchain.ToolchainError(f"loopback sync failed: {r.stderr.decode(errors='replace')}")
    return json.loads(r.stdout.decode().splitlines()[-1])


def report() -> dict:
    clock, ntp = clock_heap()
    sync = loopback_sync()
    print("\nclock (docs/clock.md):")
    print(f"  heap kept by mikey.clock and a Clock:            {clock:,} bytes (beyond errors and crypto)")
    print(f"  heap a sync adds while it runs (mikey.ntp, Client): {ntp:,} bytes")
    if sync is None:
        print("  loopback sync with chronyd:                      chronyd not installed")
    else:
        for name, (u, lo, hi) in zip(("SHA1", "AES128"), sync):
            print(f"  uncertainty after a loopback sync, {name + ' key:':<14}{u / 1e3:.3f} ms "
                  f"(device - host clock: {lo / 1e3:+.3f} .. {hi / 1e3:+.3f} ms)")
    return {"clock_heap": clock, "ntp_heap": ntp,
            "loopback": None if sync is None else {"sha1": sync[0], "aes128": sync[1]}}


if __name__ == "__main__":
    toolchain.run_tool("bench_timeproxy", lambda argv=None: report() and 0)
