# Serial-link frames on the device (firmware/mikey/frame.py,
# docs/serial-protocol.md): CRC, the byte-at-a-time receiver with
# resynchronisation, and sealing a frame around a payload in place.

from fwtest import eq, no_alloc

from mikey import frame


def sealed(ftype, fid, payload):
    b = bytearray(len(payload) + frame.OVERHEAD)
    b[frame.HEADER : frame.HEADER + len(payload)] = payload
    n = frame.seal(b, ftype, fid, len(payload))
    return bytes(b[:n])


def feed_all(rx, data):
    out = []
    for c in data:
        r = rx.feed(c)
        if r:
            out.append((r, rx.type, rx.id, bytes(rx.buf[frame.HEADER : frame.HEADER + rx.length])) if r == frame.FRAME else (r,))
    return out


def test_crc16_ccitt_false_check_value():
    eq(frame.crc16(b"123456789", 0, 9), 0x29B1)
    from mikey._crc import crc16 as plain  # the fallback for ports without viper

    eq(plain(b"123456789", 0, 9), 0x29B1)
    eq(plain(b"xx123456789", 2, 9), 0x29B1)
    eq(frame.crc16(b"xx123456789", 2, 9), 0x29B1)


def test_seal_layout_matches_the_pc():
    # mikeyhost.frame.encode(1, 7, b"abc") on the PC gives these bytes.
    eq(sealed(1, 7, b"abc"), bytes.fromhex("a54d0107000361626387e4"))


def test_frames_one_byte_at_a_time_with_garbage_between():
    rx = frame.Receiver(64)
    data = b"junk\xa5" + sealed(1, 7, b"abc") + b"\r\n>>> " + sealed(0x83, 9, b"") + b"\xa5\xa5"
    eq(feed_all(rx, data), [(frame.FRAME, 1, 7, b"abc"), (frame.FRAME, 0x83, 9, b"")])


def test_corrupted_frame_is_reported_and_the_next_is_read():
    rx = frame.Receiver(64)
    bad = bytearray(sealed(3, 1, b"payload"))
    bad[8] ^= 1
    eq(feed_all(rx, bytes(bad) + sealed(3, 2, b"ok")), [(frame.BAD_CRC,), (frame.FRAME, 3, 2, b"ok")])


def test_oversized_header_is_refused_at_once():
    rx = frame.Receiver(16)
    big = b"\xa5\x4d\x03\x01\x00\x11" + bytes(17)
    eq(feed_all(rx, big + sealed(1, 5, b"")), [(frame.TOO_LARGE,), (frame.FRAME, 1, 5, b"")])


def test_drop_after_silence_rescans_what_was_buffered():
    rx = frame.Receiver(64)
    # A damaged length (0x0030) holds a good frame back until the line is quiet.
    held = b"\xa5\x4d\x03\x01\x00\x30" + sealed(1, 6, b"x")
    eq(feed_all(rx, held), [])
    eq(rx.pending(), True)
    eq(rx.drop(), frame.FRAME)
    eq((rx.type, rx.id, rx.length), (1, 6, 1))


def test_receiving_and_sealing_allocate_nothing():
    rx = frame.Receiver(64)
    data = sealed(3, 4, b"mikey message")

    def receive():
        r = 0
        for c in data:
            r = rx.feed(c)
        return r

    eq(no_alloc(receive), frame.FRAME)
    buf = bytearray(32)
    eq(no_alloc(frame.seal, buf, 0x83, 4, 10), 18)
