# HMAC with pads precomputed per key (firmware/mikey/hmac.py): HMAC-SHA-1 as
# MIKEY's MAC and verification function (RFC 3830 §4.2.4) and HMAC-SHA-256
# (RFC 6043 §6.2). Known answers: RFC 2202 §3 (HMAC-SHA-1 test cases 1-7)
# and RFC 4231 §4 (HMAC-SHA-256 from test cases 1, 2 and 6).

from fwtest import eq, no_alloc, raises, unhex
from mikey.errors import Overflow, Truncated
from mikey.hmac import Hmac

LONG = b"Test Using Larger Than Block-Size Key"

RFC2202 = (  # key, data, HMAC-SHA-1
    (b"\x0b" * 20, b"Hi There", "b617318655057264e28bc0b6fb378c8ef146be00"),
    (b"Jefe", b"what do ya want for nothing?", "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"),
    (b"\xaa" * 20, b"\xdd" * 50, "125d7342b9ac11cd91a39af48aa17b4f63f175d3"),
    (bytes(range(1, 26)), b"\xcd" * 50, "4c9007f4026250c6bc8414f9bf50c86c2d7235da"),
    (b"\x0c" * 20, b"Test With Truncation", "4c1a03424b55e07fe7f27be1d58bb9324a9a5a04"),
    (b"\xaa" * 80, LONG + b" - Hash Key First", "aa4ae5e15272d00e95705637ce8a3b55ed402112"),
    (b"\xaa" * 80, LONG + b" and Larger Than One Block-Size Data",
     "e8e99d0f45237d786d6bbaa7965c7808bbff1a91"),
)

RFC4231 = (  # key, data, HMAC-SHA-256
    (b"\x0b" * 20, b"Hi There", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
    (b"Jefe", b"what do ya want for nothing?",
     "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
    (b"\xaa" * 131, LONG + b" - Hash Key First",
     "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
)


def mac(hm, data):
    h = hm.begin()
    h.update(data)
    return hm.end(h)


def test_rfc2202_hmac_sha1():
    for key, data, want in RFC2202:
        hm = Hmac(key)
        eq(hm.size, 20)
        eq(mac(hm, data), unhex(want))


def test_rfc4231_hmac_sha256():
    for key, data, want in RFC4231:
        hm = Hmac(key, 0, -1, True)
        eq(hm.size, 32)
        eq(mac(hm, data), unhex(want))


def test_rfc2202_truncated_mac_case_5():
    # HMAC-SHA-1-96 of case 5: end_into and verify with n = 12
    key, data, want = RFC2202[4]
    hm = Hmac(key)
    out = bytearray(b"\xee" * 14)
    h = hm.begin()
    h.update(data)
    eq(hm.end_into(h, out, 1, 12), 12)
    eq(bytes(out), b"\xee" + unhex(want)[:12] + b"\xee")
    h = hm.begin()
    h.update(data)
    eq(hm.verify(h, out, 1, 12), True)


def test_key_and_message_windows():
    # Keyed from a window of a larger buffer; the message fed in pieces and
    # as memoryview windows (a MAC over part of a message buffer, §5.2).
    key, data, want = RFC2202[1]
    buf = bytearray(b"??" + key + b"??")
    hm = Hmac(buf, 2, len(key))
    msg = bytearray(b"<<" + data + b">>")
    h = hm.begin()
    h.update(memoryview(msg)[2:10])
    h.update(memoryview(msg)[10 : 2 + len(data)])
    eq(hm.end(h), unhex(want))


def test_verify_in_constant_time_rejects_any_change():
    hm = Hmac(b"psk-auth-key-20-byte")
    good = bytearray(mac(hm, b"I_MESSAGE"))
    for i in (0, 7, 19):
        bad = bytearray(good)
        bad[i] ^= 0x80
        h = hm.begin()
        h.update(b"I_MESSAGE")
        eq(hm.verify(h, bad), False)
    h = hm.begin()
    h.update(b"I_MESSAGE!")
    eq(hm.verify(h, good), False)
    h = hm.begin()
    h.update(b"I_MESSAGE")
    eq(hm.verify(h, b"x" + good, 1), True)
    h = hm.begin()
    raises(Truncated, hm.verify, h, good, 0, 21)  # longer than the MAC
    h = hm.begin()
    raises(Truncated, hm.verify, h, good, 1)  # window past the buffer


def test_rekey_rewrites_pads_in_place_without_allocating():
    hm = Hmac(b"old key")
    ipad = hm.ipad
    for key, data, want in RFC2202[:5]:  # keys up to a block: no hashing
        no_alloc(hm.rekey, key)
        eq(hm.ipad is ipad, True)
        eq(mac(hm, data), unhex(want))
    hm.rekey(RFC2202[5][0])  # longer than a block: hashed first
    eq(mac(hm, RFC2202[5][1]), unhex(RFC2202[5][2]))
    hm.rekey(b"\x00" * 64, 0, 0)  # the empty key (value: CPython's hmac module)
    eq(mac(hm, b""), unhex("fbdb1d1b18aa6c08324b7d64b71fb76370690e1d"))


def test_errors():
    raises(Truncated, Hmac, b"key", 1, 3)
    raises(Truncated, Hmac, b"key", -1)
    hm = Hmac(b"key")
    raises(Overflow, hm.end_into, hm.begin(), bytearray(19))
    raises(Overflow, hm.end_into, hm.begin(), bytearray(20), 1)
    raises(TypeError, hm.end_into, hm.begin(), bytes(20))
