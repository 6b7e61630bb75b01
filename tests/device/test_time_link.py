"""Setting the device's clock over the serial link (docs/serial-protocol.md,
TIME; docs/clock.md): the PC's time, a fresh device nonce and an HMAC with
the provisioned time key. Round trips with the agent on the simulated board
(the unix port on a pseudo-terminal) or a board (`pytest --device=PORT`):
tampered, replayed and unkeyed frames are refused and change nothing."""

import hashlib
import hmac
import struct

import pytest
from conftest import TIME_KEY

from mikeyhost.device import ntp_now
from mikeyhost.frame import FrameType
from mikeyhost.link import DeviceError

MIKEY_ERROR, BAD_PAYLOAD = 5, 4


def set_frame(nonce: bytes, t: int, flags: int = 0, key: bytes = TIME_KEY) -> bytes:
    body = struct.pack(">QB", t, flags) + nonce
    return body + hmac.new(key, b"MIKEY-TIME" + body, hashlib.sha256).digest()


def nonce(link) -> bytes:
    p = link.request(FrameType.TIME)
    assert len(p) == 29
    return p[13:29]


def offset_s(link) -> float:
    t, synced, _u = link.clock()
    assert synced
    d = (t - ntp_now()) % (1 << 64)
    return (d - (1 << 64) if d >= 1 << 63 else d) / (1 << 32)


def refused(link, payload, detail=0):
    with pytest.raises(DeviceError) as e:
        link.request(FrameType.TIME, payload)
    assert (e.value.kind, e.value.detail) == (MIKEY_ERROR, detail), e.value


def test_round_trip_sets_the_clock_within_its_uncertainty(link):
    link.time(ntp_now)
    t, synced, u = link.clock()
    assert synced and u is not None and u < 1_000_000  # half the frame round trip, plus drift since
    assert abs(offset_s(link)) < 0.5
    assert link.hello()["clock"] is True


def test_tampered_frames_are_refused_and_change_nothing(link):
    link.time(ntp_now)
    hour = 3600 << 32
    for spoil in ("time", "flags", "nonce", "mac", "key"):
        n = nonce(link)
        f = bytearray(set_frame(n, ntp_now() + hour, key=b"\x00" * 16 if spoil == "key" else TIME_KEY))
        at = {"time": 3, "flags": 8, "nonce": 12, "mac": 40, "key": 0}[spoil]
        if spoil != "key":
            f[at] ^= 0x01
        refused(link, bytes(f))
        assert abs(offset_s(link)) < 0.5  # still this PC's time, not an hour off


def test_a_replayed_frame_is_refused(link):
    n = nonce(link)
    good = set_frame(n, ntp_now())
    link.request(FrameType.TIME, good)  # taken once
    refused(link, good)  # the nonce was used up
    nonce(link)  # a new nonce does not revive it
    refused(link, good)


def test_a_frame_without_a_nonce_is_refused(link):
    n = nonce(link)
    link.request(FrameType.TIME, set_frame(n, ntp_now()))
    refused(link, set_frame(b"\x00" * 16, ntp_now()))
    refused(link, set_frame(n, ntp_now()))


def test_the_old_unauthenticated_set_is_gone(link):
    with pytest.raises(DeviceError) as e:
        link.request(FrameType.TIME, struct.pack(">Q", ntp_now()))
    assert e.value.kind == BAD_PAYLOAD


def test_a_step_needs_the_operators_consent(link):
    link.time(ntp_now)
    day = 86400 << 32
    n = nonce(link)
    refused(link, set_frame(n, ntp_now() + day), detail=1)  # Invalid TS: beyond max_step
    assert abs(offset_s(link)) < 0.5
    link.time(lambda: ntp_now() + day, step=True)
    assert abs(offset_s(link) - 86400) < 0.5
    link.time(ntp_now, step=True)  # and back
    assert abs(offset_s(link)) < 0.5


def test_before_any_time_an_i_message_gets_the_error_message_invalid_ts(tmp_path):
    # A freshly started agent (its own simulated board: a board attached with
    # --device may have been set already) cannot judge T: the Initiator gets
    # the Error message "Invalid TS" (RFC 3830 §6.12), its T echoed; once the
    # clock is set, the same kind of message is accepted.
    from mikeyhost import sim
    from mikeyhost.link import Link, SerialStream
    from mikeyhost.payloads import ERR, T, decode_message
    from mikeyhost.psk import CryptoSession, Initiator, Offer, key_data

    from conftest import PSK, _await_hello

    sim.install(tmp_path)
    b = sim.SimBoard(tmp_path)
    stream = SerialStream(b.start())
    try:
        lk = Link(stream, timeout=5)
        _await_hello(lk)
        lk.provision({"psk": PSK.hex(), "time_key": TIME_KEY.hex()})
        assert lk.hello()["clock"] is False

        def offer(csb):
            return Initiator(PSK, Offer(csb_id=csb, t=ntp_now(), rand=bytes(16), keys=[key_data(bytes(16))],
                                        cs=[CryptoSession(7)]))

        i = offer(0x11)
        reply = lk.mikey(i.message)
        assert (reply.status, reply.error_no, reply.csb_id) == (1, 1, 0x11)
        err = decode_message(reply.message).message
        assert err.header.data_type == 6 and [e.error_no for e in err.find_all(ERR)] == [1]
        assert err.find(T).value == decode_message(i.message).message.find(T).value
        lk.time(ntp_now)
        assert lk.mikey(offer(0x12).message).status == 0
    finally:
        stream.close()
        b.stop()
