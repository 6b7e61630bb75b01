"""The serial-link round trips run against the simulated board (the unix
port running the agent on a pseudo-terminal), or against a real board with
`pytest --device=PORT` (the board must run the agent: `make deploy`)."""

import os
import socket
import sys
import time
from pathlib import Path

import pytest

from mikeyhost import sim
from mikeyhost.link import Link, LinkTimeout, SerialStream

PSK = bytes(range(0x40, 0x50))
TIME_KEY = bytes(range(0x60, 0x70))  # authenticates TIME sets (docs/serial-protocol.md)


def _await_hello(link, seconds=10):
    deadline = time.monotonic() + seconds
    while True:
        try:
            return link.hello()
        except LinkTimeout:
            if time.monotonic() > deadline:
                raise


@pytest.fixture(scope="module")
def board(request, tmp_path_factory):
    """(port, flash dir or None on real hardware, SimBoard or None)."""
    port = request.config.getoption("device")
    if port:
        yield port, None, None
        return
    flash = tmp_path_factory.mktemp("flash")
    sim.install(flash)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:  # a free UDP port for its MIKEY
        s.bind(("127.0.0.1", 0))
        udp_port = s.getsockname()[1]
    os.environ["MIKEY_UDP_PORT"] = str(udp_port)
    b = sim.SimBoard(flash, log=sys.stderr)
    port = b.start()
    del os.environ["MIKEY_UDP_PORT"]
    b.udp_port = udp_port
    yield port, flash, b
    b.stop()


@pytest.fixture(scope="module")
def link(board):
    port = board[0]
    stream = SerialStream(port)
    lk = Link(stream, timeout=5)
    _await_hello(lk)
    lk.provision({"psk": PSK.hex(), "identity": "dev@example.org", "time_key": TIME_KEY.hex()})
    yield lk
    stream.close()
