"""pytest plugin: firmware tests run by a real MicroPython interpreter.

Files `test_*.py` under the ini option `firmware_testpaths` are MicroPython
scripts. CPython never imports them: the plugin reads their top-level
`test_*` functions with `ast` and makes one item per function and variant.
A variant is a board profile (its heap becomes `-X heapsize=`) and a format
(`mpy`: modules compiled with mpy-cross; `py`: loaded from source). Each item
runs in a fresh interpreter, so heap figures and failures are its own.

A module can narrow its variants with literals at top level:
    FW_PROFILES = ("esp32", "rp2040")   # default: every profile
    FW_FORMATS = ("mpy",)               # default: mpy everywhere, py on rp2040
    FW_TIMEOUT = 600                    # seconds per item, default 120

`pytest --device PORT` runs the same functions on a board through mpremote.
"""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import toolchain  # noqa: E402

DEFAULT_TIMEOUT = 120
PY_PROFILE = "rp2040"  # source loading needs the compiler's RAM: run it where there is room


def pytest_addoption(parser):
    g = parser.getgroup("firmware", "firmware tests under MicroPython")
    g.addoption("--device", metavar="PORT",
                help="run firmware tests on the board at PORT (through mpremote) "
                     "instead of the MicroPython unix port")
    g.addoption("--fw-profile", metavar="NAMES",
                help="comma-separated board profiles to run (default: all)")
    g.addoption("--fw-format", metavar="FORMATS",
                help="comma-separated: mpy, py (default: mpy on every profile, py on rp2040)")
    parser.addini("firmware_testpaths", "directories holding firmware tests",
                  type="paths", default=[])


def pytest_report_header(config):
    if config.getoption("device"):
        port = config.getoption("device")
        return [f"firmware: board at {port} through mpremote: {_device(config).version()}"]
    try:
        lines = [f"micropython: {toolchain.micropython()}",
                 f"  {toolchain.micropython_version()}",
                 f"mpy-cross: {toolchain.mpy_cross_version()}"]
    except toolchain.ToolchainError as e:
        return [f"micropython: UNAVAILABLE: {e}"]
    profs = ", ".join(f"{p.name} {p.heap // 1024} KB" for p in toolchain.profiles().values())
    lines.append(f"firmware profiles: {profs}")
    return lines


def _is_firmware_file(config, path: Path) -> bool:
    if not path.name.startswith("test_"):
        return False
    for d in config.getini("firmware_testpaths"):
        try:
            path.relative_to(d)
            return True
        except ValueError:
            pass
    return False


def pytest_pycollect_makemodule(module_path, parent):
    if _is_firmware_file(parent.config, Path(module_path)):
        return FirmwareModule.from_parent(parent, path=Path(module_path))
    return None


class FirmwareModule(pytest.File):
    def collect(self):
        tree = ast.parse(self.path.read_text(), filename=str(self.path))
        settings = {}
        for node in tree.body:
            if (isinstance(node, ast.Assign) and len(node.targets) == 1
                    and isinstance(node.targets[0], ast.Name)
                    and node.targets[0].id.startswith("FW_")):
                settings[node.targets[0].id] = ast.literal_eval(node.value)
        for variant in self._variants(settings):
            for node in tree.body:
                if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                    yield FirmwareItem.from_parent(
                        self, name=f"{node.name}[{variant[0]}-{variant[1]}]",
                        fn_name=node.name, profile=variant[0], fmt=variant[1],
                        timeout=settings.get("FW_TIMEOUT", DEFAULT_TIMEOUT),
                        lineno=node.lineno)

    def _variants(self, settings):
        config = self.config
        if config.getoption("device"):
            return [("device", "mpy")]
        names = list(toolchain.profiles())
        want_p = settings.get("FW_PROFILES")
        opt_p = config.getoption("fw_profile")
        opt_f = config.getoption("fw_format")
        formats = settings.get("FW_FORMATS")
        out = []
        for p in names:
            if want_p is not None and p not in want_p:
                continue
            if opt_p and p not in opt_p.split(","):
                continue
            fmts = formats if formats is not None else (("mpy", "py") if p == PY_PROFILE else ("mpy",))
            for f in fmts:
                if opt_f and f not in opt_f.split(","):
                    continue
                out.append((p, f))
        return out


class FirmwareTestFailed(Exception):
    def __init__(self, cmd, rc, out, err):
        super().__init__(cmd, rc, out, err)
        self.cmd, self.rc, self.out, self.err = cmd, rc, out, err


class FirmwareItem(pytest.Item):
    def __init__(self, *, fn_name, profile, fmt, timeout, lineno, **kw):
        super().__init__(**kw)
        self.fn_name = fn_name
        self.profile = profile
        self.fmt = fmt
        self.timeout = timeout
        self.lineno = lineno
        self.add_marker(pytest.mark.firmware)

    def runtest(self):
        module = self.path.stem
        code = f"import fwrun; fwrun.main({module!r}, {self.fn_name!r})"
        if self.profile == "device":
            cmd, r = _device(self.config).run(module, code, self.timeout)
        else:
            prof = toolchain.profiles()[self.profile]
            # Native code must match the interpreter running it, whatever
            # board the heap profile stands for.
            path = _search_path(self.path.parent, toolchain.host_arch(), self.fmt)
            cmd = f"MICROPYPATH={':'.join(map(str, path))} micropython -X heapsize={prof.heap} -c {code!r}"
            try:
                r = toolchain.run_micropython(["-c", code], heap=prof.heap, path=path,
                                              timeout=self.timeout)
            except subprocess.TimeoutExpired as e:
                raise FirmwareTestFailed(cmd, "timeout", e.stdout or b"", e.stderr or b"") from None
        out = r.stdout.decode(errors="replace")
        err = r.stderr.decode(errors="replace")
        if r.returncode != 0 or fwrun_pass(out) is None:
            raise FirmwareTestFailed(cmd, r.returncode, out, err)
        self.user_properties.append(("micropython_heap_free_after", fwrun_pass(out)))

    def repr_failure(self, excinfo):
        e = excinfo.value
        if isinstance(e, FirmwareTestFailed):
            out = e.out if isinstance(e.out, str) else e.out.decode(errors="replace")
            err = e.err if isinstance(e.err, str) else e.err.decode(errors="replace")
            return (f"firmware test {self.fn_name} failed under MicroPython "
                    f"({self.profile}, {self.fmt}; exit {e.rc})\n"
                    f"$ {e.cmd}\n{out}{err}")
        if isinstance(e, toolchain.ToolchainError):
            return f"tool chain: {e}"
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, self.lineno - 1, f"{self.fn_name}[{self.profile}-{self.fmt}]"


def fwrun_pass(out: str):
    """Heap free after the test, from fwrun's last line; None if it never passed."""
    for line in reversed(out.splitlines()):
        if line.startswith("FWTEST-PASS"):
            parts = line.split()
            return int(parts[2]) if len(parts) > 2 else 0
    return None


_built: dict = {}


def _test_build_dir(test_dir: Path, arch) -> Path:
    """Where a test directory's .mpy files go: one folder per source folder."""
    import hashlib

    tag = hashlib.sha1(str(test_dir.resolve()).encode()).hexdigest()[:8]
    return toolchain.BUILD / "fwtest" / (arch or "bytecode") / f"{test_dir.name}-{tag}"


def _search_path(test_dir: Path, arch: str, fmt: str) -> list[Path]:
    """MICROPYPATH for one variant; builds the .mpy files once per session."""
    if fmt == "py":
        return [test_dir, toolchain.FIRMWARE]
    key = (test_dir, arch)
    if key not in _built:
        fw = toolchain.build_firmware(arch)
        tests = _test_build_dir(test_dir, arch)
        for src in sorted(test_dir.glob("*.py")):
            if src.name == "conftest.py":
                continue
            rel = src.relative_to(ROOT) if src.is_relative_to(ROOT) else src
            toolchain.compile_mpy(src, tests / (src.stem + ".mpy"), arch, source_name=str(rel))
        _built[key] = [tests, fw]
    return _built[key]


class _Device:
    """A board reached through mpremote: the firmware and tests are copied
    once as .mpy files for the board's architecture, then each test runs in
    a soft-reset interpreter, on the board's own heap."""

    def __init__(self, port: str, test_dirs):
        self.port = port
        self.mpremote = [str(toolchain.VENV_BIN / "mpremote")] if (toolchain.VENV_BIN / "mpremote").exists() else [sys.executable, "-m", "mpremote"]
        self.test_dirs = test_dirs
        self.ready = False

    def _mp(self, *args, timeout=120):
        return subprocess.run(self.mpremote + ["connect", self.port, *args],
                              capture_output=True, timeout=timeout)

    def arch(self) -> str:
        from mikeyhost.link import leave_agent

        leave_agent(self.port)  # a board running its agent: back to the REPL
        r = self._mp("exec", "import sys; print(sys.implementation._mpy)")
        if r.returncode != 0:
            raise toolchain.ToolchainError(f"no board at {self.port}: {r.stderr.decode(errors='replace')}")
        mpy = int(r.stdout.split()[-1])
        return toolchain.arch_from_mpy(mpy)

    def setup(self):
        if self.ready:
            return
        arch = self.arch()
        fw = toolchain.build_firmware(arch)
        for test_dir in self.test_dirs:
            _search_path(test_dir, arch, "mpy")
        # Everything goes under :/fwtest, on sys.path only while a test runs,
        # so a test run never shadows what `make deploy` put in :/lib.
        stage = toolchain.BUILD / "device" / (arch or "bytecode") / "fwtest"
        toolchain.stage_for_device(fw, [_test_build_dir(d, arch) for d in self.test_dirs], stage)
        self._mp("rm", "-r", ":/fwtest", timeout=120)
        r = self._mp("cp", "-r", str(stage), ":/", timeout=600)
        if r.returncode != 0:
            raise toolchain.ToolchainError(f"copying to {self.port} failed: {r.stderr.decode(errors='replace')}")
        self.ready = True

    def version(self) -> str:
        r = self._mp("exec", toolchain.VERSION_SCRIPT)
        return r.stdout.decode(errors="replace").strip() if r.returncode == 0 else "unknown"

    def run(self, module, code, timeout):
        self.setup()
        code = "import sys; sys.path.insert(0, '/fwtest'); " + code
        r = self._mp("soft-reset", "exec", code, timeout=timeout)
        return f"mpremote connect {self.port} soft-reset exec {code!r}", r


_device_session = None


def _device(config):
    global _device_session
    if _device_session is None:
        dirs = [Path(d) for d in config.getini("firmware_testpaths")]
        _device_session = _Device(config.getoption("device"), dirs)
    return _device_session
