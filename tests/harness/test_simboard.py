"""The simulated board (tools/simboard.py + boards/unix/repl.py) as mpremote,
`make deploy` and `pytest --device` see it: the paths that reach real
hardware, exercised without any."""

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import serial

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
from mikeyhost import sim as simboard  # noqa: E402
import toolchain  # noqa: E402

MPREMOTE = [sys.executable, "-m", "mpremote"]


@pytest.fixture
def board(tmp_path):
    b = simboard.SimBoard(tmp_path / "flash")
    port = b.start()
    yield b, port
    b.stop()


def mpremote(port, *args, timeout=60):
    return subprocess.run(MPREMOTE + ["connect", port, *args], capture_output=True,
                          text=True, timeout=timeout)


def test_mpremote_runs_code_on_the_board(board):
    b, port = board
    r = mpremote(port, "exec", "import sys; print(sys.implementation.name, 6 * 7)")
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["micropython", "42"]


def test_errors_come_back_as_a_traceback_and_a_failed_command(board):
    b, port = board
    r = mpremote(port, "exec", "def f():\n    raise ValueError('on the board')\nf()")
    assert r.returncode != 0
    assert "ValueError: on the board" in r.stdout + r.stderr


def test_soft_reset_gives_a_fresh_interpreter_with_the_boards_heap(board):
    b, port = board
    assert mpremote(port, "exec", "x = bytearray(50000)").returncode == 0
    boots = b.boots
    r = mpremote(port, "soft-reset", "exec", "import gc; gc.collect(); print(gc.mem_free()); print('x' in globals())")
    free, has_x = r.stdout.split()
    assert has_x == "False"
    assert b.boots == boots + 1
    assert 90_000 < int(free) < b.heap  # the esp32 profile, less the REPL's own


def test_deploy_installs_the_firmware_and_main_py(board, tmp_path):
    b, port = board
    r = subprocess.run([sys.executable, str(ROOT / "tools" / "deploy.py"), "--board", "unix",
                        "--port", port], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "deployed to" in r.stdout
    flash = tmp_path / "flash"
    every = [m for part in toolchain.parts().values() for m in part["modules"]]  # the default
    assert sorted(p.relative_to(flash / "lib").as_posix() for p in (flash / "lib").rglob("*.mpy")) == \
        sorted(m.replace(".py", ".mpy") for m in every)
    assert (flash / "main.py").read_text() == (ROOT / "boards" / "unix" / "main.py").read_text()
    # A stale module from an earlier deploy does not survive a new one.
    (flash / "lib" / "mikey" / "gone.mpy").write_bytes(b"M")
    r = subprocess.run([sys.executable, str(ROOT / "tools" / "deploy.py"), "--board", "unix",
                        "--port", port], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert not (flash / "lib" / "mikey" / "gone.mpy").exists()

    assert (flash / "config.py").read_text() == (ROOT / "boards" / "unix" / "config.py").read_text()

    # Boot: a soft reset from the friendly REPL runs main.py, as on a board,
    # and main.py starts the agent, which then owns the line.
    with serial.Serial(port, timeout=0.2) as s:
        s.write(b"\r\x03\x02")  # friendly REPL
        time.sleep(0.2)
        s.read(4096)
        s.write(b"\x04")  # soft reset
        out = b""
        deadline = time.monotonic() + 10
        while b"soft reboot" not in out and time.monotonic() < deadline:
            out += s.read(4096)
    from mikeyhost.link import Link, SerialStream, leave_agent

    stream = SerialStream(port)
    try:
        link = Link(stream)
        deadline = time.monotonic() + 10
        while True:
            try:
                caps = link.hello()
                break
            except Exception:
                assert time.monotonic() < deadline
        assert caps["board"] == "unix" and caps["frame_max"] == 1024
    finally:
        stream.close()
    # A REPL frame gives the line back to the REPL, and mpremote works again.
    assert leave_agent(port)
    assert mpremote(port, "exec", "print(6 * 7)").stdout.split() == ["42"]


def test_deploy_romfs_puts_the_firmware_in_the_romfs_partition(board, tmp_path):
    """make deploy ROMFS=1: the modules go into the ROMFS partition (through
    mpremote romfs deploy), run from /rom/lib after a reset, and cost the
    heap less than the same modules copied onto the filesystem."""
    b, port = board
    deploy = [sys.executable, str(ROOT / "tools" / "deploy.py"), "--board", "unix", "--port", port]
    r = subprocess.run(deploy + ["--parts", "psk"], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    probe = ("import gc; gc.collect(); a = gc.mem_alloc(); import mikey.psk; gc.collect(); "
             "print(mikey.psk.__file__, gc.mem_alloc() - a)")
    r = mpremote(port, "soft-reset", "exec", probe)
    path, from_file = r.stdout.split()
    assert path == "/lib/mikey/psk.mpy"

    r = subprocess.run(deploy + ["--parts", "psk", "--romfs"], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "modules in ROMFS" in r.stdout
    assert not (b.flash / "lib" / "mikey").exists()  # no older copy to shadow the image
    r = mpremote(port, "romfs", "query")
    assert "ROMFS image size" in r.stdout, r.stdout + r.stderr
    r = mpremote(port, "soft-reset", "exec", probe)
    path, in_place = r.stdout.split()
    assert path == "/rom/lib/mikey/psk.mpy"
    assert int(in_place) < int(from_file) * 2 // 3, (in_place, from_file)
    r = mpremote(port, "exec", "import sys; print(sys.path)")
    assert "'/rom/lib'" in r.stdout


def test_deploy_romfs_refuses_firmware_without_romfs(tmp_path):
    with simboard.SimBoard(tmp_path / "flash", romfs=False) as port:  # as stock ESP32 and Pico builds
        r = subprocess.run([sys.executable, str(ROOT / "tools" / "deploy.py"), "--board", "unix", "--port", port,
                            "--romfs"], capture_output=True, text=True, timeout=120)
    assert r.returncode == 1
    assert "has no ROMFS (vfs.rom_ioctl)" in r.stderr
    assert "MICROPY_VFS_ROM" in r.stderr


def test_friendly_repl_evaluates_lines(board):
    b, port = board
    with serial.Serial(port, timeout=0.2) as s:
        s.write(b"\r\x03\x02")
        time.sleep(0.2)
        s.read(4096)
        s.write(b"6 * 7\r")
        out = b""
        deadline = time.monotonic() + 5
        while b"42" not in out and time.monotonic() < deadline:
            out += s.read(4096)
    assert b"42" in out


def test_pytest_device_runs_firmware_tests_on_the_board(board, pytester, monkeypatch):
    b, port = board
    monkeypatch.setenv("PYTHONPATH", str(ROOT / "tests"))
    pytester.makeini("[pytest]\nfirmware_testpaths = fw\n")
    fw = pytester.mkdir("fw")
    for h in ("fwtest.py", "fwrun.py"):
        (fw / h).write_text((ROOT / "tests" / "firmware" / h).read_text())
    (fw / "test_dev.py").write_text(textwrap.dedent("""
        import sys
        from fwtest import no_alloc
        from mikey.buffer import Writer
        def test_on_board():
            assert sys.path[0] == "/fwtest"
            w = Writer(bytearray(4))
            no_alloc(w.u32, 0x01020304)
            assert bytes(w.buf) == b"\\x01\\x02\\x03\\x04"
        def test_fails_on_board():
            raise RuntimeError("seen on the board")
    """))
    r = pytester.runpytest_subprocess("-p", "mpytest", f"--device={port}")
    r.assert_outcomes(passed=1, failed=1)
    out = r.stdout.str()
    assert "test_on_board[device-mpy] PASSED" in out or "1 passed" in out
    assert "RuntimeError: seen on the board" in out
    assert f"firmware: board at {port} through mpremote: MicroPython 1." in out
    assert (b.flash / "fwtest" / "mikey" / "buffer.mpy").exists()
    assert not (b.flash / "lib").exists()  # tests never touch what deploy installs


def test_mpremote_mip_installs_a_part_from_the_checkout(board):
    b, port = board
    r = subprocess.run(MPREMOTE + ["connect", port, "mip", "install", str(ROOT / "firmware" / "package-psk.json")],
                       capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert r.returncode == 0, r.stderr + r.stdout
    got = sorted(p.relative_to(b.flash / "lib").as_posix() for p in (b.flash / "lib").rglob("*.py"))
    want = sorted(m for part in toolchain.part_closure(["psk"]) for m in toolchain.parts()[part]["modules"])
    assert got == want
    out = mpremote(port, "exec", "from mikey.psk import Responder; print(Responder)").stdout
    assert "Responder" in out
