"""Run firmware code from a CPython test: the bridge differential tests use
to feed the same inputs to the twin and to the device code.

    def test_x(upy):
        out = upy.run("from mikey.buffer import Writer; print(1)")
"""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import toolchain  # noqa: E402


class MicroPythonFailed(AssertionError):
    pass


class UPy:
    """The pinned unix port with the firmware compiled to .mpy on its path."""

    def __init__(self):
        self._path = None

    def path(self, fmt="mpy"):
        if fmt == "py":
            return [ROOT / "tests" / "firmware", toolchain.FIRMWARE]
        if self._path is None:
            self._path = [ROOT / "tests" / "firmware", toolchain.build_firmware(toolchain.host_arch())]
        return self._path

    def run(self, code: str, *, profile: str = "tight", fmt: str = "mpy",
            stdin: bytes | None = None, timeout: float = 300) -> str:
        """Run `code` under the profile's heap; return stdout, or fail the
        test with MicroPython's traceback."""
        heap = toolchain.profiles()[profile].heap
        try:
            r = toolchain.run_micropython(["-c", code], heap=heap, path=self.path(fmt),
                                          timeout=timeout, input=stdin)
        except subprocess.TimeoutExpired as e:
            raise MicroPythonFailed(f"MicroPython timed out after {timeout}s") from e
        if r.returncode != 0:
            raise MicroPythonFailed(
                f"MicroPython failed ({profile}, {fmt}, exit {r.returncode}):\n"
                f"{r.stdout.decode(errors='replace')}{r.stderr.decode(errors='replace')}")
        return r.stdout.decode()


# What every Script's device code starts with: hex in and out, optional
# fields, the SRTP contexts of an engine, a MikeyError as [reason, code].
SCRIPT_HELPERS = r"""
import sys, json, binascii
from mikey import srtp

u = binascii.unhexlify


def h(b):
    return binascii.hexlify(b).decode()


def o(c, k):
    v = c.get(k)
    return None if v is None else u(v)


def contexts(x):
    return [srtp.context(x.ctx, i) for i in range(x.ncs)]


def err(e):
    return None if e is None else [e.reason, e.code]
"""


class Script:
    """A MicroPython script that reads JSON cases from stdin, one a line,
    and prints one JSON line for each: the cases added, then run in one
    process (the state they build up, e.g. an Initiator, carries over).
    `code` comes after SCRIPT_HELPERS."""

    def __init__(self, upy: UPy, code: str):
        self.upy = upy
        self.code = SCRIPT_HELPERS + code
        self.cases = []

    def add(self, **case):
        self.cases.append(case)

    def run(self, profile: str = "esp32") -> list:
        stdin = "".join(json.dumps(c) + "\n" for c in self.cases).encode()
        lines = self.upy.run(self.code, profile=profile, stdin=stdin).splitlines()
        assert len(lines) == len(self.cases), lines
        return [json.loads(x) for x in lines]
