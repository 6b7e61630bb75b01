"""A simulated board: the MicroPython unix port behind a pseudo-terminal,
with a host directory as its flash and boards/unix/repl.py as its REPL.

mpremote, `make deploy`, `pytest --device` and `mikey device --port sim`
treat its port like a board's USB serial port, so the code paths that
reach real hardware run in CI too. It needs a source checkout (the
firmware, the boards and the pinned MicroPython of the project).
"""

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import tty
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT / "tools") not in sys.path:
    sys.path.insert(0, str(ROOT / "tools"))
try:
    import toolchain
except ImportError:  # an installed package without its checkout
    toolchain = None

RAW_RESET, FRIENDLY_RESET = 3, 4
DEFAULT_FLASH = ROOT / "build" / "sim-flash"
SIM_HEAP_EXTRA = 16384  # bytes over the esp32 profile's heap: boards/unix/README.md "Heap"


def _need_checkout():
    if toolchain is None or not (ROOT / "firmware" / "mikey").is_dir():
        raise RuntimeError("the simulated board needs the project's source checkout (make setup)")


def install(flash: Path, board: str = "unix", parts=None) -> None:
    """Put the firmware (.mpy, deployment build) and the board's main.py on
    the simulated board's flash, as `make deploy` does on a real one; the
    provisioned settings already there stay."""
    _need_checkout()
    flash = Path(flash)
    fw = toolchain.build_firmware(toolchain.host_arch(), toolchain.DEPLOY_OPT)
    lib = flash / "lib" / "mikey"
    if lib.exists():
        shutil.rmtree(lib)
    lib.mkdir(parents=True)
    names = parts or list(toolchain.parts())
    for part in toolchain.part_closure(names):
        for m in toolchain.parts()[part]["modules"]:
            shutil.copy2((fw / m).with_suffix(".mpy"), flash / "lib" / Path(m).with_suffix(".mpy"))
    for f in ("main.py", "config.py"):
        if (toolchain.BOARDS / board / f).exists():
            shutil.copy2(toolchain.BOARDS / board / f, flash / f)


class SimBoard:
    def __init__(self, flash: Path, heap: int | None = None, log=None, romfs: bool = True):
        self.flash = Path(flash)
        self.has_romfs = romfs  # False: firmware without ROMFS, as stock ESP32 and Pico builds
        _need_checkout()
        # the smallest real board's, plus what x86-64's doubled words and heap
        # blocks cost the agent with every mode (boards/unix/README.md "Heap")
        self.heap = heap or toolchain.profiles()["esp32"].heap + SIM_HEAP_EXTRA
        self.log = log
        self.proc = None
        self.boots = 0
        self._stop = threading.Event()

    def start(self) -> str:
        """Power on; return the serial port path for mpremote and friends."""
        self.flash.mkdir(parents=True, exist_ok=True)
        self.repl = toolchain.compile_mpy(
            toolchain.BOARDS / "unix" / "repl.py", toolchain.BUILD / "simboard" / "repl.mpy", None,
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

    @property
    def romfs(self) -> Path:
        """The board's ROMFS partition (boards/unix/repl.py)."""
        return self.flash.with_name(self.flash.name + ".romfs")

    def _boot(self, raw: bool):
        # This port has no flash to map a ROMFS image from: it is read into
        # the heap, so the heap grows by its size and the board keeps its own.
        heap = self.heap + (self.romfs.stat().st_size if self.romfs.exists() else 0)
        cmd = [toolchain.micropython(), "-X", f"heapsize={heap}", "-m", "repl",
               str(self.flash.resolve())] + (["raw"] if raw else []) + ([] if self.has_romfs else ["norom"])
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
