"""A power cut in the middle of storing a provisioning update (the
simulated board, whose flash is a host directory we can inspect): after
the restart the device has the old settings or the new, never a mix."""

import json
import sys

import pytest

from mikeyhost import sim
from mikeyhost.link import Link, SerialStream

from conftest import PSK, _await_hello  # noqa: E402


def boot(flash):
    b = sim.SimBoard(flash, log=sys.stderr)
    port = b.start()
    stream = SerialStream(port)
    link = Link(stream, timeout=5)
    _await_hello(link)
    return b, stream, link


@pytest.fixture
def flash(request, tmp_path):
    if request.config.getoption("device"):
        pytest.skip("needs the simulated board: its flash is a directory the test can cut into")
    sim.install(tmp_path)
    return tmp_path


@pytest.mark.parametrize("cut", ['{"psk": "11', ""])
def test_a_cut_while_writing_keeps_the_old_settings(flash, cut):
    b, stream, link = boot(flash)
    link.provision({"psk": PSK.hex(), "identity": "old@example.org"})
    stream.close()
    b.stop()
    (flash / "mikey.new").write_text(cut)  # the write that the power cut stopped
    b, stream, link = boot(flash)
    try:
        assert sorted(link.hello()["provisioned"]) == ["identity", "psk"]
        assert json.loads((flash / "mikey.json").read_text())["identity"] == "old@example.org"
        assert not (flash / "mikey.new").exists()
    finally:
        stream.close()
        b.stop()


def test_a_cut_after_the_old_file_went_finishes_the_new(flash):
    new = {"psk": PSK.hex(), "identity": "new@example.org"}
    (flash / "mikey.new").write_text(json.dumps(new))  # complete; the old file already removed
    b, stream, link = boot(flash)
    try:
        assert sorted(link.hello()["provisioned"]) == ["identity", "psk"]
        assert json.loads((flash / "mikey.json").read_text()) == new
    finally:
        stream.close()
        b.stop()
