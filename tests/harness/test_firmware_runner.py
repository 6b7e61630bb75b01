"""The firmware-test plugin itself (tests/mpytest.py): what a developer sees
when a MicroPython test passes, fails, allocates or runs out of heap."""

import shutil
import textwrap
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent.parent
HELPERS = ("fwtest.py", "fwrun.py")


@pytest.fixture
def fwdir(pytester):
    pytester.makeini(textwrap.dedent("""
        [pytest]
        firmware_testpaths = fw
    """))
    d = pytester.mkdir("fw")
    for h in HELPERS:
        shutil.copy(TESTS / "firmware" / h, d / h)
    return d


def run(pytester, *args):
    return pytester.runpytest_subprocess("-p", "mpytest", *args)


@pytest.fixture(autouse=True)
def plugin_on_path(monkeypatch):
    monkeypatch.setenv("PYTHONPATH", str(TESTS))


def test_one_item_per_function_and_variant(pytester, fwdir):
    (fwdir / "test_a.py").write_text("def test_x():\n    pass\ndef test_y():\n    pass\ndef helper():\n    pass\n")
    r = run(pytester, "--collect-only", "-q")
    lines = [ln for ln in r.outlines if "::" in ln]
    assert sorted(lines) == sorted(
        f"fw/test_a.py::{fn}[{v}]" for fn in ("test_x", "test_y")
        for v in ("esp32-mpy", "rp2040-mpy", "rp2040-py", "tight-mpy"))


def test_module_can_narrow_its_variants(pytester, fwdir):
    (fwdir / "test_b.py").write_text('FW_PROFILES = ("esp32",)\nFW_FORMATS = ("py",)\ndef test_x():\n    pass\n')
    r = run(pytester, "--collect-only", "-q")
    assert [ln for ln in r.outlines if "::" in ln] == ["fw/test_b.py::test_x[esp32-py]"]


def test_passing_tests_run_in_micropython_from_mpy_and_py(pytester, fwdir):
    (fwdir / "test_c.py").write_text(textwrap.dedent("""
        import sys
        def test_is_micropython():
            assert sys.implementation.name == "micropython"
        def test_format():
            import mikey.buffer
            assert mikey.buffer.__file__.endswith(".mpy") or mikey.buffer.__file__.endswith(".py")
            print("LOADED", mikey.buffer.__file__)
    """))
    r = run(pytester, "-v", "-s")
    r.assert_outcomes(passed=8)


def test_failure_shows_the_micropython_traceback(pytester, fwdir):
    (fwdir / "test_d.py").write_text(textwrap.dedent("""
        def inner():
            raise ValueError("boom from micropython")
        def test_fails():
            inner()
    """))
    r = run(pytester, "--fw-profile", "tight")
    r.assert_outcomes(failed=1)
    text = r.stdout.str()
    assert "ValueError: boom from micropython" in text
    assert "test_d.py\", line 3, in inner" in text
    assert "heapsize=32768" in text


def test_no_alloc_helper_catches_an_allocation(pytester, fwdir):
    (fwdir / "test_e.py").write_text(textwrap.dedent("""
        from fwtest import no_alloc
        def test_allocates():
            no_alloc(lambda: bytearray(10))
        def test_does_not_allocate():
            b = bytearray(4)
            def fill():
                for i in range(4):
                    b[i] = i
            no_alloc(fill)
    """))
    r = run(pytester, "--fw-profile", "tight", "--fw-format", "mpy")
    r.assert_outcomes(failed=1, passed=1)
    assert "allocated under heap_lock" in r.stdout.str()


def test_heap_limit_of_each_profile_is_enforced(pytester, fwdir):
    # 64 KB does not fit the tight profile's 32 KB heap but fits esp32's.
    (fwdir / "test_f.py").write_text("def test_big():\n    b = bytearray(64 * 1024)\n")
    r = run(pytester, "-v", "--fw-format", "mpy")
    r.assert_outcomes(passed=2, failed=1)
    assert "test_big[tight-mpy] FAILED" in r.stdout.str()
    assert "MemoryError" in r.stdout.str()


def test_an_exit_without_the_pass_line_is_a_failure(pytester, fwdir):
    # A test that ends the interpreter early must not count as passed.
    (fwdir / "test_g.py").write_text("import sys\ndef test_exits():\n    sys.exit(0)\n")
    r = run(pytester, "--fw-profile", "tight", "--fw-format", "mpy")
    r.assert_outcomes(failed=1)


def test_report_header_names_the_interpreter(pytester, fwdir):
    (fwdir / "test_h.py").write_text("def test_x():\n    pass\n")
    r = run(pytester, "--fw-profile", "tight")
    r.stdout.fnmatch_lines(["micropython: *", "  MicroPython 1.*port=*mpy=6.*", "mpy-cross: *"])


def test_a_missing_interpreter_fails_the_firmware_tests(pytester, fwdir, monkeypatch):
    # Never a silent skip: no interpreter means the firmware tests fail, and
    # the header says why.
    monkeypatch.setenv("MICROPYTHON", "/nonexistent/micropython")
    (fwdir / "test_i.py").write_text("def test_x():\n    pass\n")
    r = run(pytester, "--fw-profile", "tight", "--fw-format", "mpy")
    r.assert_outcomes(failed=1)
    out = r.stdout.str()
    assert "micropython: UNAVAILABLE: MICROPYTHON=/nonexistent/micropython: no such file" in out
    assert "tool chain: MICROPYTHON=/nonexistent/micropython: no such file" in out
