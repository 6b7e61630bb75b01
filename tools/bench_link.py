"""The serial link's figures for `make bench` (docs/serial-protocol.md):

- frame overhead in bytes;
- the agent's heap beyond the MIKEY engine while idle (MicroPython unix
  port, modules as .mpy: from files, and run in place from ROMFS);
- the round trip of an empty request over a pseudo-terminal to the agent on
  the simulated board, next to the same request answered by a CPython echo
  on a pseudo-terminal (their ratio).
"""

import os
import statistics
import sys
import tempfile
import threading
import time
import tty
from pathlib import Path

import toolchain

from mikeyhost import sim
from mikeyhost.device import _await_agent
from mikeyhost.frame import RESPONSE, Frame, FrameType, Parser, encode
from mikeyhost.link import Link, SerialStream

# Heap the agent keeps beyond its engines and its clock: the engines are
# what psk and dhhmac keep for a Responder and an Initiator each (4 crypto
# sessions, as the agent makes them; the DH-HMAC Initiator only with a peer
# identity, which this agent has none of), the clock what mikey.clock keeps
# for one Clock; the agent is everything an idle, provisioned agent keeps.
HEAP_SCRIPT = """
import gc, sys
from micropython import const
gc.collect(); base = gc.mem_alloc()
from mikey.psk import Initiator, Responder
from mikey.dhhmac import Responder as DhResponder
e = (Responder(b"k" * 16, idr=b"d", cs=4), Initiator(b"k" * 16, idi=b"d", cs=4), DhResponder(b"k" * 16, b"d", cs=4))
gc.collect(); engine = gc.mem_alloc() - base
from mikey.clock import Clock
c = Clock()
gc.collect(); clock = gc.mem_alloc() - base - engine
del e, c
gc.collect()
from mikey.agent import Agent
a = Agent(sys.stdin.buffer, sys.stdout.buffer, "unix", 1024, STORE + "/m.json", STORE + "/m.new")
gc.collect(); agent = gc.mem_alloc() - base
print(engine, clock, agent)
"""


def agent_heap(romfs: bool = False) -> tuple[int, int, int]:
    """(engines bytes, clock bytes, everything) retained while idle, the
    modules under lib/ as on a board (toolchain.board_fs); romfs: run in
    place from a ROMFS image (not counted)."""
    fw = toolchain.build_firmware(toolchain.host_arch(), toolchain.DEPLOY_OPT)
    with tempfile.TemporaryDirectory() as d:
        (Path(d) / "m.json").write_text('{"psk": "' + "00" * 16 + '", "identity": "d"}')  # provisioned
        code, heap = HEAP_SCRIPT.replace("STORE", repr(d)), toolchain.profiles()["esp32"].heap
        path, cwd = toolchain.BOARD_LIB, toolchain.board_fs(fw, [], Path(d) / "fs")
        if romfs:
            img = toolchain.romfs_image(cwd / "lib", Path(d) / "fw.romfs")
            code, path, cwd, heap = toolchain.romfs_script(img, code), [], None, heap + img.stat().st_size
        r = toolchain.run_micropython(["-c", code], heap=heap, path=path, cwd=cwd)
    if r.returncode != 0:
        raise toolchain.ToolchainError(f"agent heap probe failed: {r.stderr.decode(errors='replace')}")
    engine, clock, agent = map(int, r.stdout.split())
    return engine, clock, agent


def _rtt(link: Link, n: int) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        link.request(FrameType.TIME)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


class _Echo:
    """A CPython stand-in for the agent: answers every frame on a pty with
    a TIME answer of the agent's size, as fast as Python can."""

    def __init__(self):
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)
        self.port = os.ttyname(self.slave)
        self.stop = False
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        p = Parser()
        while not self.stop:
            try:
                data = os.read(self.master, 4096)
            except OSError:
                return
            for f in p.feed(data):
                if isinstance(f, Frame):
                    os.write(self.master, encode(f.type | RESPONSE, f.id, bytes(9)))

    def close(self):
        self.stop = True
        for fd in (self.master, self.slave):
            try:
                os.close(fd)
            except OSError:
                pass


def round_trips(n: int = 500) -> tuple[float, float]:
    """(agent, CPython echo) median round trip of an empty request, seconds."""
    with tempfile.TemporaryDirectory() as d:
        sim.install(Path(d))
        board = sim.SimBoard(Path(d))
        port = board.start()
        stream = SerialStream(port)
        try:
            link = Link(stream)
            _await_agent(link)
            _rtt(link, 50)  # warm-up
            agent = _rtt(link, n)
            link.repl()
        finally:
            stream.close()
            board.stop()
    echo = _Echo()
    stream = SerialStream(echo.port)
    try:
        link = Link(stream)
        _rtt(link, 50)
        cpython = _rtt(link, n)
    finally:
        stream.close()
        echo.close()
    return agent, cpython


def report() -> dict:
    overhead = len(encode(FrameType.HELLO, 1, b""))
    engine, clock, agent = agent_heap()
    r_engine, r_clock, r_agent = agent_heap(romfs=True)
    rtt_agent, rtt_echo = round_trips()
    print("\nserial link (docs/serial-protocol.md):")
    print(f"  frame overhead:                                  {overhead} bytes")
    print(f"  agent heap beyond engines and clock, idle:       {(agent - engine - clock) / 1024:.2f} KB "
          f"(PSK + DH-HMAC engines {engine / 1024:.2f} KB, clock {clock / 1024:.2f} KB, "
          f"all {agent / 1024:.2f} KB)")
    print(f"  the same, modules in ROMFS (run in place):       {(r_agent - r_engine - r_clock) / 1024:.2f} KB "
          f"(PSK + DH-HMAC engines {r_engine / 1024:.2f} KB, clock {r_clock / 1024:.2f} KB, "
          f"all {r_agent / 1024:.2f} KB)")
    print(f"  empty request round trip over a pty, agent:      {rtt_agent * 1e3:.3f} ms (median of 500)")
    print(f"  the same against a CPython echo on a pty:        {rtt_echo * 1e3:.3f} ms")
    print(f"  ratio agent / CPython echo:                      {rtt_agent / rtt_echo:.2f}")
    return {"frame_overhead": overhead, "agent_heap_idle": agent - engine - clock, "engine_heap": engine,
            "clock_heap": clock, "agent_heap_idle_romfs": r_agent - r_engine - r_clock,
            "engine_heap_romfs": r_engine, "clock_heap_romfs": r_clock,
            "rtt_agent_s": rtt_agent, "rtt_cpython_echo_s": rtt_echo, "rtt_ratio": rtt_agent / rtt_echo}


if __name__ == "__main__":
    toolchain.run_tool("bench_link", lambda: report() and 0)
    sys.exit(0)
