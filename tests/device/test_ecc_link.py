"""The signed ECC modes over the serial link (docs/ecc-profile.md,
docs/serial-protocol.md): the device makes its P-256 key pair itself
(KEYGEN: only the public key comes back), the PC's public key is pinned on
it (PROVISION peer_keys), and DH-SIGN, MIKEY-ECIES and MIKEY-ECMQV run in
both directions against the twin with both ends' SRTP keys compared; the
agent prepares the ephemeral key while the line is idle, loads the ECC
code for an exchange only, and answers refusals with Error messages."""

import json
import os
import time

import pytest

from mikeyhost import ecc
from mikeyhost.device import device_to_host_ecc, host_to_device_ecc, ntp_now
from mikeyhost.dhsign import DhSignInitiator, DhSignOffer
from mikeyhost.link import DeviceError
from mikeyhost.payloads import decode_message
from mikeyhost.psk import CryptoSession, identity

DEVICE = "dev@example.org"  # what conftest's link provisions
HOST = "sip:pc@example.org"
HOST_KEY = 0x5EC7E75EC7E75EC7E75EC7E75EC7E75EC7E75EC7E75EC7E75EC7E75EC7E75EC7
MODES = ["dhsign-ecdsa", "ecies", "ecmqv"]


@pytest.fixture(scope="module")
def ecc_link(link):
    link.provision({"peer_identity": HOST, "peer_keys": {HOST: ecc.point_bytes(HOST_KEY).hex()}})
    link.device_pub = bytes.fromhex(link.keygen()["public"])
    yield link


def _ready(link, seconds=30):
    deadline = time.monotonic() + seconds
    while not link.hello().get("ecc_ready") and time.monotonic() < deadline:
        time.sleep(0.2)
    return link.hello().get("ecc_ready")


def _logs(link):
    got = []
    link.on_log = got.append
    return got


def test_the_device_makes_its_key_pair_and_keeps_the_private_key(ecc_link, board):
    pub = ecc_link.device_pub
    ecc.decode_point(pub)  # a P-256 point
    again = ecc_link.keygen()
    assert again == {"public": pub.hex(), "new": False}
    caps = ecc_link.hello()
    assert set(MODES) <= set(caps["modes"])
    assert "ecc_key" in caps["provisioned"]
    stored = ecc_link.provision({"window": 300})
    assert stored == {"stored": ["window"]}
    flash = board[1]
    if flash is not None:  # the private key is in the device's settings store, and matches
        d = int(json.loads((flash / "mikey.json").read_text())["ecc_key"], 16)
        assert ecc.point_bytes(d) == pub


@pytest.mark.parametrize("mode", MODES)
def test_host_initiates(ecc_link, mode):
    host, device, info = host_to_device_ecc(ecc_link, mode, HOST_KEY, [CryptoSession(0xEC00 + len(mode))],
                                            host_id=HOST, device_id=DEVICE, device_pub=ecc_link.device_pub)
    assert host == device and device[0]["ssrc"] == f"{0xEC00 + len(mode):08x}"
    assert decode_message(bytes.fromhex(info["i_message"])).message.header.data_type == (2 if mode == "ecies" else 4)


@pytest.mark.parametrize("mode", MODES)
def test_device_initiates(ecc_link, mode):
    host, device, info = device_to_host_ecc(ecc_link, mode, HOST_KEY,
                                            [CryptoSession(0xED00), CryptoSession(0xED01, 7)],
                                            host_id=HOST, device_id=DEVICE, device_pub=ecc_link.device_pub)
    assert host == device and len(device) == 2
    msg = decode_message(bytes.fromhex(info["i_message"])).message
    assert msg.header.data_type == (2 if mode == "ecies" else 4)


def test_ecies_without_a_verification_message(ecc_link):
    for run in (host_to_device_ecc, device_to_host_ecc):
        host, device, info = run(ecc_link, "ecies", HOST_KEY, [CryptoSession(0xEE00)], host_id=HOST,
                                 device_id=DEVICE, device_pub=ecc_link.device_pub, v=False)
        assert host == device and info["r_message"] is None


def test_the_ephemeral_key_is_prepared_in_idle_time_and_used_once(ecc_link):
    seen = set()
    for k in range(2):
        assert _ready(ecc_link)
        logs = _logs(ecc_link)
        _, _, info = host_to_device_ecc(ecc_link, "dhsign-ecdsa", HOST_KEY, [CryptoSession(0xEF00 + k)],
                                        host_id=HOST, device_id=DEVICE, device_pub=ecc_link.device_pub)
        assert any("ECC Responder: ephemeral key prepared in idle time" in x for x in logs), logs
        dhr = [p for p in decode_message(bytes.fromhex(info["r_message"])).message.payloads
               if type(p).__name__ == "DH"][0]
        seen.add(dhr.value)
    assert len(seen) == 2


def test_the_idle_agent_keeps_no_ecc_code(ecc_link):
    _ready(ecc_link)
    before = ecc_link.hello()["heap_free"]
    for mode in MODES:
        host_to_device_ecc(ecc_link, mode, HOST_KEY, [CryptoSession(0xE100)], host_id=HOST, device_id=DEVICE,
                           device_pub=ecc_link.device_pub)
    _ready(ecc_link)
    # P-256, ECDSA and the modes (about 20 KB on this port) are dropped after each exchange
    assert ecc_link.hello()["heap_free"] > before - 4096


def _message(**kw):
    fields = dict(csb_id=int.from_bytes(os.urandom(4), "big"), t=ntp_now(), rand=os.urandom(16),
                  idi=identity(HOST), idr=identity(DEVICE), cs=[CryptoSession(1)])
    key = kw.pop("key", HOST_KEY)
    fields.update(kw)
    return DhSignInitiator(key, DhSignOffer(**fields)).message


def test_refusals_come_back_as_error_messages(ecc_link):
    other = 0x0BAD0BAD0BAD0BAD0BAD0BAD0BAD0BAD0BAD0BAD0BAD0BAD0BAD0BAD0BAD0BAD
    cases = {
        "signed by a key not the one pinned": (_message(key=other), 0),
        "an Initiator with no key pinned": (_message(idi=identity("sip:eve@example.org")), 7),
        "another device": (_message(idr=identity("other@example.org")), 7),
        "stale T": (_message(t=ntp_now() - (900 << 32)), 1),
    }
    for name, (msg, error_no) in cases.items():
        reply = ecc_link.mikey(msg, timeout=60)
        assert (reply.status, reply.error_no) == (1, error_no), name
        assert decode_message(reply.message).message.header.data_type == 6, name
    msg = _message()
    assert ecc_link.mikey(msg, timeout=60).status == 0
    reply = ecc_link.mikey(msg, timeout=60)  # the same message again (§5.4)
    assert (reply.status, reply.error_no) == (1, 1)


def test_peer_keys_are_checked_and_unpinned(ecc_link):
    with pytest.raises(DeviceError):
        ecc_link.provision({"peer_keys": {"x@example.org": "04" + "00" * 64}})  # not on P-256
    ecc_link.provision({"peer_keys": {HOST: None}})
    try:
        reply = ecc_link.mikey(_message(), timeout=60)
        assert (reply.status, reply.error_no) == (1, 7)
    finally:
        ecc_link.provision({"peer_keys": {HOST: ecc.point_bytes(HOST_KEY).hex()}})
    host, device, _ = host_to_device_ecc(ecc_link, "ecmqv", HOST_KEY, [CryptoSession(2)], host_id=HOST,
                                         device_id=DEVICE, device_pub=ecc_link.device_pub)
    assert host == device


@pytest.mark.parametrize("mode", MODES)
def test_the_command_line_keygen_provision_exchange(request, tmp_path, mode):
    # `mikey device keygen|provision --peer-key|exchange MODE --port sim`: each run boots the simulated board
    if request.config.getoption("device"):
        pytest.skip("drives `--port sim`; the round trips above cover a board")
    import subprocess
    import sys
    from pathlib import Path

    mikey = Path(sys.executable).parent / "mikey"

    def run(*args):
        r = subprocess.run([str(mikey), "device", *args, "--port", "sim"], capture_output=True, text=True,
                           timeout=120)
        assert r.returncode == 0, r.stderr
        return r.stdout

    pub = json.loads(run("keygen"))["public"]
    ecc.decode_point(bytes.fromhex(pub))
    assert json.loads(run("keygen"))["public"] == pub  # kept in the device's store
    got = json.loads(run("provision", "--identity", "cli@example.org", "--peer-identity", HOST,
                         "--peer-key", f"{HOST}={ecc.point_bytes(HOST_KEY).hex()}"))
    assert got == {"stored": ["identity", "peer_identity", "peer_keys"]}
    for initiator in ("host", "device"):
        out = json.loads(run("exchange", mode, "--key", f"{HOST_KEY:064x}", "--initiator", initiator,
                             "--device-id", "cli@example.org", "--host-id", HOST, "--cs", "0000ecc0", "--json"))
        assert out["match"] is True and out["device"]["keys"][0]["ssrc"] == "0000ecc0"
