"""The serial link's frames on the PC side (docs/serial-protocol.md):
encoding, and a parser that survives garbage, drops, duplicates, bit flips
and dribbled bytes."""

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mikeyhost.frame import OVERHEAD, SYNC, Fault, Frame, FrameType, Parser, crc16, encode


def test_crc_is_crc16_ccitt_false():
    assert crc16(b"123456789") == 0x29B1  # the catalogued check value
    assert crc16(b"") == 0xFFFF


def test_layout_and_overhead():
    f = encode(FrameType.HELLO, 7, b"hi")
    assert f[:2] == SYNC and f[2:6] == b"\x01\x07\x00\x02" and f[6:8] == b"hi"
    assert int.from_bytes(f[8:], "big") == crc16(f[2:8])
    assert OVERHEAD == len(f) - 2 == 8


def test_frames_come_out_whole_from_any_split():
    frames = [encode(t, i, bytes(range(i))) for i, t in enumerate((1, 3, 0x83, 0x7F), start=1)]
    stream = b"".join(frames)
    for size in (1, 2, 3, 7, len(stream)):
        p = Parser()
        got = []
        for at in range(0, len(stream), size):
            got += p.feed(stream[at:at + size])
        assert [g for g in got if isinstance(g, Frame)] == [
            Frame(t, i, bytes(range(i))) for i, t in enumerate((1, 3, 0x83, 0x7F), start=1)]
        assert not [g for g in got if isinstance(g, Fault)]


def test_garbage_between_frames_is_skipped_and_reported():
    p = Parser()
    got = p.feed(b"\x00\xa5junk\xa5" + encode(1, 1, b"a") + b"\r\n>>> " + encode(1, 2, b"b"))
    assert [g.id for g in got if isinstance(g, Frame)] == [1, 2]
    assert [g.kind for g in got if isinstance(g, Fault)] == ["garbage", "garbage"]


def test_a_corrupted_frame_is_dropped_and_the_next_one_is_read():
    a, b = encode(3, 1, b"x" * 20), encode(3, 2, b"y" * 20)
    for i in range(len(a)):
        bad = bytearray(a)
        bad[i] ^= 0x10
        got = Parser().feed(bytes(bad) + b)
        frames = [g for g in got if isinstance(g, Frame)]
        assert frames[-1] == Frame(3, 2, b"y" * 20), i
        assert Frame(3, 1, b"x" * 20) not in frames


@pytest.mark.parametrize("fault", ["drop", "duplicate"])
def test_a_dropped_or_duplicated_byte_loses_only_that_frame(fault):
    a, b = encode(2, 1, b"provision"), encode(1, 2)
    for i in range(len(a)):
        bad = a[:i] + a[i + 1:] if fault == "drop" else a[:i] + a[i:i + 1] + a[i:]
        p = Parser()
        # A damaged length may hold the next frames back until the line goes
        # quiet; then they are read from what was buffered.
        got = p.feed(bad + b) + p.idle()
        frames = [g for g in got if isinstance(g, Frame)]
        assert Frame(1, 2, b"") in frames, i
        if not (fault == "duplicate" and i in (0, len(a) - 1)):  # doubled at either end: garbage beside an intact frame
            assert Frame(2, 1, b"provision") not in frames


def test_an_oversized_header_is_refused_without_waiting_for_its_payload():
    p = Parser(max_payload=64)
    got = p.feed(encode(3, 1, bytes(65)) + encode(1, 2))
    assert Fault("too-large", 1) in got
    assert Frame(1, 2, b"") in got


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200), st.integers(0, 255), st.binary(max_size=100))
def test_any_noise_then_a_frame_yields_that_frame(noise, fid, payload):
    p = Parser()
    got = p.feed(noise + encode(FrameType.MIKEY, fid, payload)) + p.idle()
    assert Frame(FrameType.MIKEY, fid, payload) in got


def test_soak_ten_thousand_frames_with_random_faults_between():
    rng = random.Random(2269)
    p = Parser()
    sent, seen = 0, 0
    for n in range(10_000):
        payload = rng.randbytes(rng.randrange(0, 64))
        noise = rng.randbytes(rng.randrange(0, 4)) if n % 7 == 0 else b""
        chunk = noise + encode(3, n & 0xFF, payload)
        sent += 1
        for at in range(0, len(chunk), 13):
            seen += sum(isinstance(g, Frame) for g in p.feed(chunk[at:at + 13]))
    assert seen == sent
