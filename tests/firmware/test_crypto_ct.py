# Constant-time compare, XOR and copy over buffer windows (firmware/mikey/ct.py),
# and the two kernel sets behind every crypto module: mikey._viper (native)
# and mikey._plain (its plain-Python twin, used when viper cannot load).

import hashlib
import sys

import cryptolib
from fwtest import eq, no_alloc, raises
from mikey import ct
from mikey.errors import Overflow, Truncated


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
    eq(ct.eq(a, 2, b, 0, 9), True)
    eq(ct.eq(a, 2, b, 0, 5), True)
    eq(ct.eq(a, 1, b, 0, 9), False)
    eq(ct.eq(a, 0, b, 0, 0), True)  # empty windows are equal
    eq(ct.eq(memoryview(a), 2, b, 0, 9), True)


def test_eq_sees_every_single_bit_difference():
    # RFC 3830 §5.2: a MAC check; any one flipped bit anywhere must fail it.
    mac = data(20, b"mac")
    for i in range(20):
        for bit in range(8):
            forged = bytearray(mac)
            forged[i] ^= 1 << bit
            eq(ct.eq(mac, 0, forged, 0, 20), False)
    eq(ct.eq(mac, 0, bytearray(mac), 0, 20), True)


def test_xor_and_copy_touch_only_their_window():
    d = bytearray(b"\xee" * 8)
    eq(ct.xor(d, 2, b"\x0f\xf0\xff", 0), 3)
    eq(bytes(d), b"\xee\xee\xe1\x1e\x11\xee\xee\xee")
    eq(ct.copy(d, 5, b"abcdef", 2, 2), 2)
    eq(bytes(d), b"\xee\xee\xe1\x1e\x11cd\xee")
    eq(ct.copy(d, 0, b"AB"), 2)  # all of src by default
    eq(bytes(d[:3]), b"AB\xe1")
    eq(ct.xor(d, 8, b"", 0, 0), 0)  # an empty window at the very end


def test_bad_windows_are_typed_errors_and_change_nothing():
    d = bytearray(4)
    # (fwtest passes at most 4 arguments: longer calls go in a lambda)
    raises(Truncated, lambda: ct.eq(b"abc", 1, b"abc", 0, 3))
    raises(Truncated, lambda: ct.eq(b"abc", -1, b"abc", 0, 1))
    raises(Truncated, lambda: ct.eq(b"abc", 0, b"abc", 0, -1))
    raises(Truncated, lambda: ct.xor(d, 0, b"ab", 1, 2))  # source window past its end
    raises(Truncated, lambda: ct.xor(d, 0, b"ab", -1, 1))
    raises(Overflow, ct.xor, d, 3, b"ab")  # destination window past its end
    raises(Overflow, ct.copy, d, -1, b"ab")
    raises(TypeError, ct.xor, b"\x00\x00", 0, b"ab")  # bytes are immutable
    eq(bytes(d), b"\x00\x00\x00\x00")


def test_window_helpers_allocate_nothing():
    a = data(32, b"a")
    b = bytearray(a)
    d = bytearray(40)
    zeros = bytes(32)

    def run():
        r = ct.eq(a, 0, b, 0, 32)
        ct.copy(d, 4, a, 0, 32)
        ct.xor(d, 4, b, 0, 32)
        return r and ct.eq(d, 4, zeros, 0, 32)

    eq(no_alloc(run), True)


def test_viper_is_what_the_boards_run():
    # ESP32, RP2040 and the unix port all have the native emitter.
    eq(ct.VIPER, True)


def test_viper_and_plain_kernels_agree():
    from mikey import _plain, _viper

    for n in (0, 1, 15, 16, 17, 31, 33, 64, 100):
        a = data(n + 5, b"a%d" % n)
        b = data(n + 5, b"b%d" % n)
        eq(_viper.eq(a, 5, a, 5, n), True)
        eq(_viper.eq(a, 5, b, 5, n), _plain.eq(a, 5, b, 5, n))
        for keep in (0, 0xFF):
            x = bytearray(a)
            y = bytearray(a)
            _viper.mix(x, 3, b, 1, n, keep)
            _plain.mix(y, 3, b, 1, n, keep)
            eq(x, y)
        key = data(min(n, 64), b"k")
        p = (bytearray(64), bytearray(64), bytearray(64), bytearray(64))
        _viper.pads(p[0], p[1], key, 0, len(key))
        _plain.pads(p[2], p[3], key, 0, len(key))
        eq((p[0], p[1]), (p[2], p[3]))
    ecb = cryptolib.aes(data(16, b"aes"), 1)
    for iv in (data(16, b"iv"), b"\xff" * 16, b"\x00" * 14 + b"\xff\xfe"):
        bufs = []
        for cm in (_viper.cm, _plain.cm):
            ctr = bytearray(iv)
            buf = data(70, b"msg")
            cm(ecb, ctr, bytearray(16), buf, 3, 61)
            bufs.append((ctr, buf))
        eq(bufs[0], bufs[1])


def test_plain_kernels_are_chosen_when_viper_cannot_load():
    # A port without the native emitter fails to import mikey._viper; every
    # crypto module then runs the plain kernels and still gives the RFC
    # answers (RFC 2202 case 1; RFC 3711 B.2, first keystream block).
    import binascii

    from mikey import _plain

    for m in ("mikey.ct", "mikey.hmac", "mikey.aescm", "mikey._viper"):
        if m in sys.modules:
            del sys.modules[m]
    sys.modules["mikey._viper"] = None
    try:
        import mikey.aescm
        import mikey.ct
        import mikey.hmac

        eq(mikey.ct.VIPER, False)
        eq(mikey.ct._eq is _plain.eq and mikey.ct._cm is _plain.cm, True)
        hm = mikey.hmac.Hmac(b"\x0b" * 20)
        h = hm.begin()
        h.update(b"Hi There")
        eq(binascii.hexlify(hm.end(h)), b"b617318655057264e28bc0b6fb378c8ef146be00")
        c = mikey.aescm.AesCm(binascii.unhexlify("2B7E151628AED2A6ABF7158809CF4F3C"))
        c.start(binascii.unhexlify("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000"))
        ks = bytearray(16)
        no_alloc(c.xor, ks)
        eq(binascii.hexlify(ks), b"e03ead0935c95e80e166b16dd92b4eb4")
    finally:
        del sys.modules["mikey._viper"]
