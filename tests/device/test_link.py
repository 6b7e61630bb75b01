"""Round trips over a real serial line with the device agent
(docs/serial-protocol.md): requests and answers, provisioning, exchanges in
both directions, link faults, and a soak."""

import json
import os
import struct
import time

import pytest

from mikeyhost.device import device_to_host, host_to_device, ntp_now
from mikeyhost.frame import SYNC, FrameType, crc16, encode
from mikeyhost.link import DeviceError, Link, LinkTimeout
from mikeyhost.psk import CryptoSession, Initiator, Offer, identity, key_data

PSK = bytes(range(0x40, 0x50))  # as provisioned by conftest.link


def test_hello_reports_the_agent(link):
    caps = link.hello()
    assert caps["fw"] and caps["board"] and caps["frame_max"] >= 256
    assert set(caps["modes"]) >= {"psk"}
    assert 0 < caps["heap_free"] < caps["heap_total"]
    assert set(caps["provisioned"]) >= {"psk", "identity"}


def test_provisioning_is_stored_and_never_sent_back(link, board):
    answer = link.provision({"window": 600})
    assert answer == {"stored": ["window"]}
    assert PSK.hex() not in json.dumps(link.hello())
    flash = board[1]
    if flash is not None:
        stored = json.loads((flash / "mikey.json").read_text())
        assert stored["psk"] == PSK.hex() and stored["window"] == 600
        assert not (flash / "mikey.new").exists()
    with pytest.raises(DeviceError) as e:
        link.provision({"psk": "not hex"})
    assert "bad-payload" in str(e.value)
    with pytest.raises(DeviceError):
        link.provision({"unknown_setting": 1})
    assert link.provision({"window": 300}) == {"stored": ["window"]}


@pytest.mark.parametrize("n_cs", [1, 3])
def test_exchange_host_to_device(link, n_cs):
    host, device, info = host_to_device(link, PSK, [CryptoSession(0x1000 + k, k) for k in range(n_cs)])
    assert host == device and len(device) == n_cs
    assert [c["ssrc"] for c in device] == [f"{0x1000 + k:08x}" for k in range(n_cs)]


@pytest.mark.parametrize("n_cs", [1, 2])
def test_exchange_device_to_host(link, n_cs):
    host, device, info = device_to_host(link, PSK, [CryptoSession(0x2000 + k) for k in range(n_cs)])
    assert host == device and len(device) == n_cs


def test_with_fixed_inputs_the_device_sends_the_twins_bytes(link):
    t = ntp_now()
    spec = {"mode": "psk", "v": True, "cs": [{"ssrc": 0xCAFE, "roc": 2, "policy": 0}],
            "csb_id": "01020304", "rand": "aa" * 16, "tgk": "bb" * 16, "t": f"{t:016x}"}
    device_msg = link.exchange(spec)
    twin = Initiator(PSK, Offer(csb_id=0x01020304, t=t, rand=b"\xaa" * 16, keys=[key_data(b"\xbb" * 16)],
                                cs=[CryptoSession(0xCAFE, 2)], v=True, idi=identity("dev@example.org")))
    assert device_msg == twin.message


def test_keys_of_an_unknown_csb_are_empty(link):
    assert link.keys(0xDEADBEEF) == []


def test_the_device_refuses_a_bad_mac_with_an_error_message(link):
    link.time(ntp_now())
    o = Offer(csb_id=0x0BAD0BAD, t=ntp_now(), rand=os.urandom(16), keys=[key_data(os.urandom(16))],
              cs=[CryptoSession(1)], v=True)
    msg = bytearray(Initiator(PSK, o).message)
    msg[-1] ^= 1
    r = link.mikey(bytes(msg))
    assert (r.status, r.error_no, r.csb_id) == (1, 0, 0x0BAD0BAD)
    assert r.message[:2] == b"\x01\x06"  # an Error message (data type 6)


def test_unknown_frame_types_and_bad_payloads_are_answered_not_fatal(link):
    with pytest.raises(DeviceError) as e:
        link.request(0x42)
    assert "unknown-type" in str(e.value)
    with pytest.raises(DeviceError):
        link.request(FrameType.TIME, b"\x00" * 3)
    with pytest.raises(DeviceError):
        link.request(FrameType.EXCHANGE, b"{not json")
    assert link.hello()["board"]


# -- link faults: each detected, the next good frame works, nothing lost -------


def raw(link, data: bytes):
    link.stream.write(data)
    time.sleep(0.05)


def still_keyed(link):
    caps = link.hello()
    assert set(caps["provisioned"]) >= {"psk", "identity"}
    return caps


def test_garbage_between_frames(link):
    raw(link, b"\r\n>>> garbage\x00\xa5\x03\x03")
    raw(link, b"\xa5")
    still_keyed(link)


@pytest.mark.parametrize("fault", ["drop", "duplicate", "flip"])
def test_damaged_frames_are_dropped_and_the_next_works(link, fault):
    frame = encode(FrameType.PROVISION, 200, json.dumps({"psk": "00" * 16}).encode())
    for at in (2, 5, 9, len(frame) - 2):  # sync, length, payload, CRC
        if fault == "drop":
            bad = frame[:at] + frame[at + 1:]
        elif fault == "duplicate":
            bad = frame[:at] + frame[at:at + 1] + frame[at:]
        else:
            bad = frame[:at] + bytes([frame[at] ^ 0x40]) + frame[at + 1:]
        raw(link, bad)
        time.sleep(0.3)  # a damaged length waits for the idle timeout
        link.parser.feed(link.stream.read(4096))  # drain the device's error frames
        still_keyed(link)
    # The damaged PROVISION never replaced the PSK: an exchange still works.
    host, device, _ = host_to_device(link, PSK, [CryptoSession(7)])
    assert host == device


def test_frames_dribbled_one_byte_per_write(link):
    frame = encode(FrameType.HELLO, 77)
    for b in frame:
        link.stream.write(bytes([b]))
        time.sleep(0.003)
    got = link._wait(77, FrameType.HELLO, 3)
    assert got is not None and json.loads(got.payload)["board"]


def test_an_oversized_frame_is_refused_without_allocating(link):
    caps = link.hello()
    big = SYNC + struct.pack(">BBH", FrameType.MIKEY, 99, caps["frame_max"] + 1)
    raw(link, big + bytes(64))
    time.sleep(0.3)
    link.parser.feed(link.stream.read(4096))
    after = still_keyed(link)
    assert abs(after["heap_free"] - caps["heap_free"]) < 4096


def test_a_half_written_provisioning_update_changes_nothing(link, board):
    frame = encode(FrameType.PROVISION, 201, json.dumps({"psk": "11" * 16, "window": 5}).encode())
    raw(link, frame[: len(frame) // 2])  # the line dies half way
    time.sleep(0.5)
    still_keyed(link)
    host, device, _ = host_to_device(link, PSK, [CryptoSession(8)])
    assert host == device  # the old PSK is the one in force
    if board[1] is not None:
        assert json.loads((board[1] / "mikey.json").read_text())["psk"] == PSK.hex()


def test_a_lost_answer_is_resent_not_recomputed(link):
    link.time(ntp_now())
    spec = {"mode": "psk", "v": True, "cs": [{"ssrc": 5}]}
    first = link.request(FrameType.EXCHANGE, json.dumps(spec).encode())
    # The same id again (the PC never saw the answer): the same I_MESSAGE.
    link.next_id = (link.next_id - 2) % 255 + 1
    again = link.request(FrameType.EXCHANGE, json.dumps(spec).encode())
    assert again == first


def test_soak_ten_thousand_requests_without_heap_growth(link):
    for _ in range(200):  # warm-up
        link.time()
    before = link.hello()["heap_free"]
    failures = 0
    for _ in range(10_000):
        try:
            link.time()
        except (LinkTimeout, DeviceError):
            failures += 1
    after = link.hello()["heap_free"]
    assert failures == 0
    assert after >= before - 1024, (before, after)


def test_mikey_over_udp_2269(link, board):
    # RFC 5197 §6: the same agent answers MIKEY on UDP (here on the port the
    # simulated board was given; 2269 on a board).
    import subprocess
    import sys
    from pathlib import Path

    sim_board = board[2]
    if sim_board is None:
        pytest.skip("a real board's address is not known to the test; see docs/serial-protocol.md")
    link.time(ntp_now())
    mikey = Path(sys.executable).parent / "mikey"
    r = subprocess.run([str(mikey), "exchange", "psk", "--udp", f"127.0.0.1:{sim_board.udp_port}",
                        "--psk", PSK.hex(), "--cs", "abcd0123:4", "--json"], capture_output=True, text=True,
                       timeout=30)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["keys"] == link.keys(int(out["csb_id"], 16))
    assert out["keys"][0]["ssrc"] == "abcd0123" and out["keys"][0]["roc"] == 4


@pytest.mark.parametrize("direction", ["host", "device"])
def test_mikey_null_both_ways_on_a_protected_device(link, direction):
    # MIKEY-NULL only once the device is told its Initiators come over a
    # protected transport (docs/profile.md); refused before.
    run = host_to_device if direction == "host" else device_to_host
    if direction == "host":
        with pytest.raises(Exception) as e:
            run(link, None, [CryptoSession(9)], mode="null")
        assert "Error no 3" in str(e.value)
    link.provision({"protected": True})
    try:
        host, device, _ = run(link, None, [CryptoSession(0x4E55)], mode="null")
        assert host == device and device[0]["ssrc"] == "00004e55"
    finally:
        link.provision({"protected": False})


def test_bench_runs_on_the_device(link):
    # Figures only; how fast is make bench's business, not the tests'.
    got = link.bench("psk")
    assert got["name"] == "psk" and got["us"] > 0 and got["r_us"] > 0
    assert got["r"] == got["us"] / got["r_us"]
    with pytest.raises(DeviceError):
        link.bench("no such bench")
