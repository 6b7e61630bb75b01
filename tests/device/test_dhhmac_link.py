"""DH-HMAC (RFC 4650) over the serial link: the PC and the device agent
(the simulated board, or a real one with --device) in both directions over
OAKLEY 5, 1 and 2; the agent prepares g^x while the line is idle and the
next exchange uses it; refusals come back as Error messages. The CLI (`mikey device exchange
--port sim dhhmac`): test_cli_device.py."""

import os
import time

import pytest

from mikeyhost.device import device_to_host_dh, host_to_device_dh, ntp_now
from mikeyhost import crypto
from mikeyhost.dhhmac import PRIMES, DhInitiator, DhOffer
from mikeyhost.payloads import DH, decode_message, encode_message
from mikeyhost.psk import CryptoSession, identity

PSK = bytes(range(0x40, 0x50))  # what conftest's link provisions
DEVICE = "dev@example.org"
HOST = "sip:pc@example.org"


@pytest.fixture(scope="module")
def dh_link(link):
    link.provision({"peer_identity": HOST})
    yield link


def _ready(link, seconds=30):
    """Wait until the agent has g^x prepared for both of its DH engines."""
    deadline = time.monotonic() + seconds
    while True:
        got = link.hello().get("dh_ready")
        if got == [True, True] or time.monotonic() > deadline:
            return got
        time.sleep(0.5)  # a request is no idle time: ask seldom


def _logs(link):
    got = []
    link.on_log = got.append
    return got


def test_the_agent_offers_dhhmac_and_prepares_in_idle_time(dh_link):
    caps = dh_link.hello()
    assert "dhhmac" in caps["modes"]
    assert _ready(dh_link) == [True, True]


@pytest.mark.parametrize("group", [0, 1, 2])
def test_host_initiates(dh_link, group):
    _ready(dh_link)
    logs = _logs(dh_link)
    host, device, info = host_to_device_dh(dh_link, PSK, [CryptoSession(0xD000 + group, group)],
                                           host_id=HOST, device_id=DEVICE, group=group)
    assert host == device and device[0]["ssrc"] == f"{0xD000 + group:08x}"
    msg = decode_message(bytes.fromhex(info["r_message"])).message
    assert msg.header.data_type == 8
    want = "prepared in idle time" if group == 0 else "computed now"  # idle time prepares OAKLEY 5
    assert any(f"DH-HMAC Responder: g^x {want}" in x for x in logs), logs


@pytest.mark.parametrize("group", [0, 2])
def test_device_initiates(dh_link, group):
    _ready(dh_link)
    logs = _logs(dh_link)
    host, device, info = device_to_host_dh(dh_link, PSK, [CryptoSession(0xE000), CryptoSession(0xE001, 3)],
                                           host_id=HOST, device_id=DEVICE, group=group)
    assert host == device and len(device) == 2
    msg = decode_message(bytes.fromhex(info["i_message"])).message
    assert msg.header.data_type == 7
    want = "prepared in idle time" if group == 0 else "computed now"
    assert any(f"DH-HMAC Initiator: g^x {want}" in x for x in logs), logs


def test_a_prepared_value_is_used_once(dh_link):
    _ready(dh_link)
    seen = set()
    for k in range(3):
        _, _, info = host_to_device_dh(dh_link, PSK, [CryptoSession(0xF000 + k)], host_id=HOST, device_id=DEVICE)
        dhs = [p for p in decode_message(bytes.fromhex(info["r_message"])).message.payloads
               if type(p).__name__ == "DH"]
        seen.add(dhs[0].value)  # DHr: the device's g^x
    assert len(seen) == 3


def test_refusals_come_back_as_error_messages(dh_link):
    cases = {
        "IDr names another device": (dict(idr=identity("other@example.org")), 7),
        "IDi is not the peer the device knows": (dict(idi=identity("sip:mallory@example.org")), 7),
        "another PSK": (dict(psk=b"\x00" * 16), 0),
    }
    for name, (kw, error_no) in cases.items():
        psk = kw.pop("psk", PSK)
        fields = dict(csb_id=int.from_bytes(os.urandom(4), "big"), t=ntp_now(), rand=os.urandom(16),
                      idr=identity(DEVICE), idi=identity(HOST), cs=[CryptoSession(1)])
        fields.update(kw)
        init = DhInitiator(psk, DhOffer(**fields))
        reply = dh_link.mikey(init.message, timeout=60)
        assert (reply.status, reply.error_no) == (1, error_no), name
        assert decode_message(reply.message).message.header.data_type == 6, name
    # a DHi of p - 1 under a valid MAC: Invalid DH, and the agent goes on
    fields = dict(csb_id=7, t=ntp_now(), rand=os.urandom(16), idr=identity(DEVICE), idi=identity(HOST),
                  cs=[CryptoSession(1)], group=2)
    msg = decode_message(DhInitiator(PSK, DhOffer(**fields)).message).message
    i = [type(p).__name__ for p in msg.payloads].index("DH")
    msg.payloads[i] = DH(2, (PRIMES[2] - 1).to_bytes(128, "big"))
    data = bytearray(encode_message(msg))
    key = crypto.mikey_keys(PSK, 7, fields["rand"], 0, 1).auth_key
    data[-20:] = crypto.mac(1, key, bytes(data[:-20]))
    reply = dh_link.mikey(bytes(data), timeout=60)
    assert (reply.status, reply.error_no) == (1, 6)
    host, device, _ = host_to_device_dh(dh_link, PSK, [CryptoSession(2)], host_id=HOST, device_id=DEVICE)
    assert host == device


@pytest.mark.parametrize("direction", ["host", "device"])
def test_p256_both_ways_once_the_device_takes_the_extension(dh_link, direction):
    # DH-HMAC over P-256 (DH-Group 10) is a profile extension: refused (Invalid DH) until provisioned
    if direction == "host":
        with pytest.raises(Exception) as e:
            host_to_device_dh(dh_link, PSK, [CryptoSession(0x256)], host_id=HOST, device_id=DEVICE, group=10)
        assert "Error no 6" in str(e.value)
    dh_link.provision({"p256": True})
    try:
        assert "dhhmac-p256" in dh_link.hello()["modes"]
        run = host_to_device_dh if direction == "host" else device_to_host_dh
        host, device, info = run(dh_link, PSK, [CryptoSession(0x2560)], host_id=HOST, device_id=DEVICE, group=10)
        assert host == device and device[0]["ssrc"] == "00002560"
        dhs = [p for p in decode_message(bytes.fromhex(info["r_message"])).message.payloads if isinstance(p, DH)]
        assert [(p.group, len(p.value)) for p in dhs] == [(10, 65), (10, 65)]
    finally:
        dh_link.provision({"p256": False})
