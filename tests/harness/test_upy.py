"""The upy fixture: firmware code run from CPython tests."""

import pytest

from upy import MicroPythonFailed


def test_runs_firmware_code_under_the_tight_heap(upy):
    out = upy.run("import gc, mikey.buffer; gc.collect(); print(mikey.buffer.__file__, gc.mem_free() < 32768)")
    where, small = out.split()
    assert where.endswith("/mikey/buffer.mpy") and small == "True"


def test_feeds_stdin_and_reports_failures(upy):
    assert upy.run("import sys; print(sys.stdin.read().upper())", stdin=b"abc").strip() == "ABC"
    with pytest.raises(MicroPythonFailed, match="ZeroDivisionError"):
        upy.run("1/0")
