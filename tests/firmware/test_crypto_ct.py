# The byte kernels behind every crypto function (firmware/mikey/_viper.py,
# native, and mikey/_plain.py, its plain-Python twin for ports that cannot
# load viper): constant-time compare, XOR/copy over windows (crypto.mix, the
# checked way in), HMAC pads, the AES-CM loop and 64-bit NTP differences.

import hashlib
import sys

import cryptolib
from micropython import const

from fwtest import eq, fails, no_alloc, raises
from mikey.crypto import _eq, _tdiff, mix

_R_TRUNCATED = const(0)  # reasons: copies of mikey.errors
_R_OVERFLOW = const(19)


def data(n, tag):
    # Deterministic test bytes: SHA-256 in counter mode over a tag.
    out = bytearray()
    i = 0
    while len(out) < n:
        out.extend(hashlib.sha256(b"%s:%d" % (tag, i)).digest())
        i += 1
    return out[:n]


def test_eq_compares_windows():
    a = b"xxMIKEY-MACyy"
    b = bytearray(b"MIKEY-MAC")
    eq(_eq(a, 2, b, 0, 9), True)
    eq(_eq(a, 2, b, 0, 5), True)
    eq(_eq(a, 1, b, 0, 9), False)
    eq(_eq(a, 0, b, 0, 0), True)  # empty windows are equal
    eq(_eq(memoryview(a), 2, b, 0, 9), True)


def test_eq_sees_every_single_bit_difference():
    # RFC 3830 §5.2: a MAC check; any one flipped bit anywhere must fail it.
    mac = data(20, b"mac")
    for i in range(20):
        for bit in range(8):
            forged = bytearray(mac)
            forged[i] ^= 1 << bit
            eq(_eq(mac, 0, forged, 0, 20), False)
    eq(_eq(mac, 0, bytearray(mac), 0, 20), True)


def test_xor_and_copy_touch_only_their_window():
    d = bytearray(b"\xee" * 8)
    eq(mix(d, 2, b"\x0f\xf0\xff", 0, 3), 3)
    eq(bytes(d), b"\xee\xee\xe1\x1e\x11\xee\xee\xee")
    eq(mix(d, 5, b"abcdef", 2, 2, 0), 2)  # keep 0: copy
    eq(bytes(d), b"\xee\xee\xe1\x1e\x11cd\xee")
    eq(mix(d, 8, b"", 0, 0), 0)  # an empty window at the very end


def test_bad_windows_are_typed_errors_and_change_nothing():
    d = bytearray(4)
    fails(_R_TRUNCATED, 13, mix, d, 0, b"ab", 1, 2)  # source window past its end
    fails(_R_TRUNCATED, 13, mix, d, 0, b"ab", -1, 1)
    fails(_R_TRUNCATED, 13, mix, d, 0, b"ab", 0, -1)
    fails(_R_OVERFLOW, 12, mix, d, 3, b"ab", 0, 2)  # destination window past its end
    fails(_R_OVERFLOW, 12, mix, d, -1, b"ab", 0, 2)
    raises(TypeError, mix, b"\x00\x00", 0, b"ab", 0, 2)  # bytes are immutable
    eq(bytes(d), b"\x00\x00\x00\x00")


def test_window_helpers_allocate_nothing():
    a = data(32, b"a")
    b = bytearray(a)
    d = bytearray(40)
    zeros = bytes(32)

    def run():
        r = _eq(a, 0, b, 0, 32)
        mix(d, 4, a, 0, 32, 0)
        mix(d, 4, b, 0, 32)
        return r and _eq(d, 4, zeros, 0, 32) and _tdiff(a, 0, b, 0, 1) == 0

    eq(no_alloc(run), True)


def test_viper_is_what_the_boards_run():
    # ESP32, RP2040 and the unix port all have the native emitter.
    eq("mikey._viper" in sys.modules, True)


# 64-bit NTP values (RFC 4330 §3): (a, b, window in seconds, _tdiff(a, b))
NOW = "e93a5c1000000000"
TDIFF = (
    (NOW, NOW, 300, 0),
    ("e93a5c1000000001", NOW, 0, 2),  # later by 2^-32 s, no window
    ("e93a5c1000000001", NOW, 300, 1),
    ("e93a5d3c00000000", NOW, 300, 1),  # +300 s exactly: inside
    ("e93a5d3c00000001", NOW, 300, 2),  # a fraction more: outside
    ("e93a5ae400000000", NOW, 300, -1),  # -300 s
    ("e93a5ae3ffffffff", NOW, 300, -2),
    ("0000000100000000", "ffffffff00000000", 5, 1),  # across the 2036 era: +2 s
    ("ffffffff00000000", "0000000100000000", 5, -1),
    ("8000000000000000", "0000000000000000", 65535, -2),  # 2^63 apart: negative by the sign
    ("0000000000000000", "8000000000000000", 65535, -2),
    ("7fffffffffffffff", "0000000000000000", 65535, 2),
    (NOW, "0000000000000000", 0, -2),  # an empty floor is far from now
)


def test_ntp_differences_known_answers():
    from mikey import _plain, _viper

    for a, b, w, want in TDIFF:
        a = bytes.fromhex("ee" + a)
        b = bytes.fromhex(b + "ee")
        eq((a.hex(), b.hex(), w, _viper._tdiff(a, 1, b, 0, w)), (a.hex(), b.hex(), w, want))
        eq(_plain._tdiff(a, 1, b, 0, w), want)


def test_viper_and_plain_kernels_agree():
    from mikey import _plain, _viper

    for n in (0, 1, 15, 16, 17, 31, 33, 64, 100):
        a = data(n + 5, b"a%d" % n)
        b = data(n + 5, b"b%d" % n)
        eq(_viper._eq(a, 5, a, 5, n), True)
        eq(_viper._eq(a, 5, b, 5, n), _plain._eq(a, 5, b, 5, n))
        for keep in (0, 0xFF):
            x = bytearray(a)
            y = bytearray(a)
            _viper._mix(x, 3, b, 1, n, keep)
            _plain._mix(y, 3, b, 1, n, keep)
            eq(x, y)
        key = data(min(n, 64), b"k")
        p = (bytearray(64), bytearray(64), bytearray(64), bytearray(64))
        _viper._pads(p[0], p[1], key, 0, len(key))
        _plain._pads(p[2], p[3], key, 0, len(key))
        eq((p[0], p[1]), (p[2], p[3]))
        if n >= 16:  # random NTP pairs, close and far, every window edge
            for w in (0, 1, 300, 65535):
                eq(_viper._tdiff(a, 0, b, 8, w), _plain._tdiff(a, 0, b, 8, w))
                c = bytearray(a[:8])
                c[3] ^= 1  # 2^32 NTP units: one second apart
                eq(_viper._tdiff(a, 0, c, 0, w), _plain._tdiff(a, 0, c, 0, w))
    ecb = cryptolib.aes(data(16, b"aes"), 1)
    for iv in (data(16, b"iv"), b"\xff" * 16, b"\x00" * 14 + b"\xff\xfe"):
        bufs = []
        for cm in (_viper._cm, _plain._cm):
            ctr = bytearray(iv)
            buf = data(70, b"msg")
            cm(ecb, ctr, bytearray(16), buf, 3, 61)
            bufs.append((ctr, buf))
        eq(bufs[0], bufs[1])


def test_plain_kernels_are_chosen_when_viper_cannot_load():
    # A port without the native emitter fails to import mikey._viper; the
    # crypto module then runs the plain kernels and still gives the RFC
    # answers (RFC 2202 case 1; RFC 3711 B.2, first keystream block).
    import binascii

    from mikey import _plain

    for m in ("mikey.crypto", "mikey._viper"):
        if m in sys.modules:
            del sys.modules[m]
    sys.modules["mikey._viper"] = None
    try:
        import mikey.crypto as c

        eq(c._eq is _plain._eq and c._cm is _plain._cm and c._tdiff is _plain._tdiff, True)
        h = c.mac_begin(b"\x0b" * 20, 0, 20, False)
        h.update(b"Hi There")
        eq(binascii.hexlify(c.mac_end(h, False)), b"b617318655057264e28bc0b6fb378c8ef146be00")
        ks = bytearray(16)
        c.aes_cm(binascii.unhexlify("2B7E151628AED2A6ABF7158809CF4F3C"), 0, 16,
                 binascii.unhexlify("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000"), 0, ks, 0, 16)
        eq(binascii.hexlify(ks), b"e03ead0935c95e80e166b16dd92b4eb4")
    finally:
        del sys.modules["mikey._viper"]
        del sys.modules["mikey.crypto"]
