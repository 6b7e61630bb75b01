"""The make targets' tools: demo, size, bench, and the tool chain's own
error when no MicroPython is available."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import toolchain  # noqa: E402


def tool(name, *args, env=None, timeout=600):
    return subprocess.run([sys.executable, str(ROOT / "tools" / name), *args], capture_output=True,
                          text=True, timeout=timeout, env=env, cwd=ROOT)


def test_every_firmware_module_belongs_to_exactly_one_part():
    parts = toolchain.parts()
    owners = {}
    for name, part in parts.items():
        for m in part["modules"]:
            assert m not in owners, f"{m} in both {owners.get(m)} and {name}"
            owners[m] = name
        for d in part["deps"]:
            assert d in parts
    assert sorted(owners) == sorted(str(p) for p in toolchain.firmware_sources())
    for name in parts:
        assert toolchain.part_closure([name])[-1] == name


def test_demo_keys_srtp_between_pc_and_device_over_the_serial_link():
    import re

    r = tool("demo.py")
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert "MicroPython 1." in out and "simulated unix board on /dev/pts/" in out
    assert "provisioned over the link: identity, psk" in out
    assert out.count("contexts identical") == 4
    assert out.count("-> unprotected, identical") == 4
    assert "the PC verified its V" in out and "the device verified the PC's V" in out
    # DH-HMAC both ways, each side with the g^x its agent prepared while the line was idle
    assert "DH-HMAC Initiator: g^x prepared in idle time" in out
    assert "DH-HMAC Responder: g^x prepared in idle time" in out
    assert out.count("key and salt as the source asserts") == 3
    assert out.rstrip().endswith("0 problems.")
    assert not re.search(r"[0-9a-f]{28}", out)  # keys masked
    shown = tool("demo.py", "--show-keys").stdout
    assert len(re.findall(r"master key [0-9a-f]{32}  salt [0-9a-f]{28}", shown)) == 8


def test_size_reports_modules_parts_and_total():
    r = tool("size.py")
    assert r.returncode == 0, r.stderr
    assert "mikey/buffer.py" in r.stdout
    assert "core (core)" in r.stdout
    assert "total (every part)" in r.stdout
    data = json.loads((toolchain.BUILD / "size.json").read_text())
    for board in ("esp32", "rp2040"):
        assert data["total"][board] == sum(m[board] for m in data["modules"].values())
        built = (toolchain.build_firmware(toolchain.profiles()[board].arch, toolchain.DEPLOY_OPT)
                 / "mikey" / "buffer.mpy")
        assert data["modules"]["mikey/buffer.py"][board] == built.stat().st_size


def test_bench_prints_the_table_and_writes_json(tmp_path):
    out = tmp_path / "bench.json"
    r = tool("bench.py", "-k", "read a common header", "--json", str(out))
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    i = next(i for i, line in enumerate(lines) if line.startswith("operation"))
    head = lines[i]
    for col in ("this PC", "R", "esp32 est.", "rp2040 est.", "alloc/op", "from file", "ROMFS"):
        assert col in head
    assert lines[i - 1].split() == ["min", "heap", "min", "heap"]
    data = json.loads(out.read_text())
    assert data["interpreter"].startswith("MicroPython 1.")
    assert data["r_seconds"] == {"esp32": 1.0, "rp2040": 1.9}
    (row,) = data["rows"]
    assert row["name"].startswith("buffer: read a common header")
    assert row["alloc"] == 0
    assert row["r"] == row["us"] / row["r_us"]
    assert row["estimates_s"]["rp2040"] == row["r"] * 1.9
    assert 4096 < row["min_heap"] <= 32768
    # run in place from ROMFS, the module's bytecode is not heap
    assert 2048 < row["min_heap_romfs"] < row["min_heap"]


def test_a_missing_interpreter_is_named_clearly():
    env = dict(os.environ, MICROPYTHON="/nonexistent/micropython")
    r = tool("demo.py", env=env)
    assert r.returncode == 1
    assert "MICROPYTHON=/nonexistent/micropython: no such file" in r.stderr


def test_without_the_wheel_the_tool_chain_asks_for_MICROPYTHON(monkeypatch):
    import pytest

    monkeypatch.delenv("MICROPYTHON", raising=False)
    monkeypatch.setattr(toolchain, "_bin", lambda name: None)
    with pytest.raises(toolchain.ToolchainError) as e:
        toolchain.micropython()
    assert "CPython 3.11 on x86-64" in str(e.value)
    assert "MICROPYTHON=/path/to/micropython" in str(e.value)


def test_mip_manifests_are_up_to_date_and_cover_their_parts():
    r = tool("packages.py", "--check")
    assert r.returncode == 0, r.stderr
    psk = json.loads((toolchain.FIRMWARE / "package-psk.json").read_text())
    names = [u[0] for u in psk["urls"]]
    table = toolchain.parts()
    assert names == [m for p in ("core", "crypto", "base", "psk") for m in table[p]["modules"]]
    dh = json.loads((toolchain.FIRMWARE / "package-dhhmac.json").read_text())
    assert [u[0] for u in dh["urls"]] == [m for p in ("core", "crypto", "base", "dhhmac") for m in table[p]["modules"]]
    everything = json.loads((toolchain.FIRMWARE / "package.json").read_text())
    assert sorted(u[0] for u in everything["urls"]) == sorted(str(p) for p in toolchain.firmware_sources())


def test_freeze_manifests_name_the_package():
    for board in ("esp32", "rp2040", "unix"):
        calls = []
        env = {"include": lambda p: calls.append(("include", p)),
               "package": lambda name, base_path=".": calls.append(("package", name, base_path))}
        exec((toolchain.BOARDS / board / "manifest.py").read_text(), env)
        assert ("package", "mikey", "../../firmware") in calls
        assert (toolchain.BOARDS / board / "../../firmware/mikey").resolve() == toolchain.FIRMWARE / "mikey"


def test_deployment_modules_name_their_source_by_module_and_rebuild_when_that_changes(tmp_path):
    from pathlib import Path

    assert toolchain.module_name(Path("mikey/base.py")) == "mikey.base"
    assert toolchain.module_name(Path("mikey/__init__.py")) == "mikey"
    src, dst = tmp_path / "m.py", tmp_path / "m.mpy"
    src.write_text("def f():\n    raise ValueError\n")
    toolchain.compile_mpy(src, dst, source_name="one/m.py")
    assert b"one/m.py" in dst.read_bytes()
    toolchain.compile_mpy(src, dst, source_name="m")  # same source, other options: built again
    assert b"one/m.py" not in dst.read_bytes()
