"""A simulated board: the MicroPython unix port behind a pseudo-terminal,
with a host directory as its flash and boards/unix/repl.py as its REPL.

mpremote, `make deploy` and `pytest --device` treat its port like a board's
USB serial port, so the code paths that reach real hardware run in CI too.

    python tools/simboard.py [--flash DIR] [--heap BYTES]   # prints the port

or, from Python, `with SimBoard(flash_dir) as port: ...`.
"""

import argparse
import os
import signal
import subprocess
import sys
import threading
import time
import tty
from pathlib import Path

import toolchain

REPL_SRC = toolchain.BOARDS / "unix" / "repl.py"
RAW_RESET, FRIENDLY_RESET = 3, 4


class SimBoard:
    def __init__(self, flash: Path, heap: int | None = None, log=None):
        self.flash = Path(flash)
        self.heap = heap or toolchain.profiles()["esp32"].heap  # the smallest real board
        self.log = log
        self.proc = None
        self.boots = 0
        self._stop = threading.Event()

    def start(self) -> str:
        """Power on; return the serial port path for mpremote and friends."""
        self.flash.mkdir(parents=True, exist_ok=True)
        self.repl = toolchain.compile_mpy(
            REPL_SRC, toolchain.BUILD / "simboard" / "repl.mpy", None,
            source_name="boards/unix/repl.py")
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)  # no echo, no line editing: a plain byte pipe
        self.port = os.ttyname(self.slave)
        # The slave stays open here as well: a pty whose slave has no opener
        # answers EIO to the board's reads between two mpremote sessions.
        self._boot(raw=False)
        self._thread = threading.Thread(target=self._supervise, daemon=True)
        self._thread.start()
        return self.port

    def _boot(self, raw: bool):
        cmd = [toolchain.micropython(), "-X", f"heapsize={self.heap}", "-m", "repl",
               str(self.flash.resolve())] + (["raw"] if raw else [])
        env = dict(os.environ, MICROPYPATH=str(self.repl.parent))
        self.proc = subprocess.Popen(cmd, stdin=self.master, stdout=self.master,
                                     stderr=self.log or subprocess.DEVNULL, env=env)
        self.boots += 1

    def _supervise(self):
        # A soft reset ends the interpreter; start a fresh one, as a board
        # restarts its VM with a clean heap.
        while not self._stop.is_set():
            rc = self.proc.wait()
            if self._stop.is_set():
                break
            if rc not in (RAW_RESET, FRIENDLY_RESET):
                time.sleep(0.2)  # a crash: reboot, but never in a tight loop
            self._boot(raw=(rc == RAW_RESET))

    def stop(self):
        self._stop.set()
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        for fd in (self.master, self.slave):
            try:
                os.close(fd)
            except OSError:
                pass

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--flash", default=str(toolchain.BUILD / "simboard" / "flash"),
                    help="host directory that is the board's filesystem")
    ap.add_argument("--heap", type=int, help="heap bytes (default: the esp32 profile's)")
    args = ap.parse_args(argv)
    board = SimBoard(Path(args.flash), args.heap, log=sys.stderr)
    port = board.start()
    print(f"simulated board on {port} (flash: {args.flash}, heap {board.heap} B); Ctrl-C to power off",
          flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        board.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
