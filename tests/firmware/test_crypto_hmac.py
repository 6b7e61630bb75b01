# HMAC (firmware/mikey/crypto.py: mac_begin, mac_end, hmac; _eq): HMAC-SHA-1
# as MIKEY's MAC and verification function (RFC 3830 §4.2.4) and HMAC-SHA-256
# (RFC 6043 §6.2). Known answers: RFC 2202 §3 (HMAC-SHA-1 test cases 1-7)
# and RFC 4231 §4 (HMAC-SHA-256 from test cases 1, 2 and 6).

import hashlib

from micropython import const

from fwtest import eq, fails, unhex
from mikey.crypto import _eq, hmac, mac_begin, mac_end

_R_TRUNCATED = const(0)  # reasons: copies of mikey.errors
_R_BAD_LENGTH = const(1)

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


def mac(key, data, sha256=False, off=0, n=-1):
    # keys longer than the 64-byte block are hashed first (RFC 2104 §2); on
    # the device no key is (PRF chunks 32 bytes, MIKEY auth keys 20 or 32)
    if n < 0:
        n = len(key) - off
    if n > 64:
        key = (hashlib.sha256 if sha256 else hashlib.sha1)(key[off : off + n]).digest()
        off, n = 0, len(key)
    h = mac_begin(key, off, n, sha256)
    h.update(data)
    return mac_end(h, sha256)


def test_rfc2202_hmac_sha1():
    for key, data, want in RFC2202:
        eq(mac(key, data), unhex(want))


def test_rfc4231_hmac_sha256():
    for key, data, want in RFC4231:
        eq(mac(key, data, True), unhex(want))


def test_rfc2202_truncated_mac_case_5():
    # HMAC-SHA-1-96 of case 5: the first 12 bytes, compared in constant time
    key, data, want = RFC2202[4]
    got = mac(key, data)
    eq(_eq(got, 0, unhex(want), 0, 12), True)


def test_key_and_message_windows():
    # Keyed from a window of a larger buffer; the message fed in pieces and
    # as memoryview windows (a MAC over part of a message buffer, §5.2).
    key, data, want = RFC2202[1]
    buf = bytearray(b"??" + key + b"??")
    msg = bytearray(b"<<" + data + b">>")
    h = mac_begin(buf, 2, len(key), False)
    h.update(memoryview(msg)[2:10])
    h.update(memoryview(msg)[10 : 2 + len(data)])
    eq(mac_end(h, False), unhex(want))


def test_constant_time_compare_rejects_any_change():
    good = mac(b"psk-auth-key-20-byte", b"I_MESSAGE")
    for i in (0, 7, 19):
        bad = bytearray(good)
        bad[i] ^= 0x80
        eq(_eq(bad, 0, good, 0, 20), False)
    eq(_eq(mac(b"psk-auth-key-20-byte", b"I_MESSAGE!"), 0, good, 0, 20), False)
    eq(_eq(b"x" + good, 1, good, 0, 20), True)


def test_pads_are_rewritten_in_place():
    # mac_begin sets the module's pad blocks: a MAC under one key, then
    # another, then the first again gives the first answer
    for key, data, want in RFC2202[:5] + RFC2202[:1]:
        eq(mac(key, data), unhex(want))
    eq(mac(b"\x00" * 64, b"", False, 0, 0), unhex("fbdb1d1b18aa6c08324b7d64b71fb76370690e1d"))  # the empty key


def test_hmac_over_a_window_and_pieces():
    # hmac(): a window of a message buffer, then the pieces that are not
    # None (a MAC: none; a verification message: Identity_i, Identity_r, T)
    for key, data, want in RFC2202[:5]:
        buf = bytearray(b"??" + key)
        eq(hmac(buf, 2, len(key), False, data, len(data), ()), unhex(want))
        eq(hmac(buf, 2, len(key), False, data + b"tail", len(data), ()), unhex(want))
        cut = len(data) // 2
        eq(hmac(key, 0, len(key), False, data, cut, (None, memoryview(data)[cut:], None)), unhex(want))
    for key, data, want in RFC4231[:2]:
        eq(hmac(key, 0, len(key), True, data[:3], 3, (data[3:7], None, data[7:])), unhex(want))
    fails(_R_TRUNCATED, 13, hmac, b"key", 0, 3, False, b"abc", 4, ())  # past the message


def test_errors():
    fails(_R_TRUNCATED, 13, mac_begin, b"key", 1, 3, False)
    fails(_R_TRUNCATED, 13, mac_begin, b"key", -1, 3, False)
    fails(_R_BAD_LENGTH, 13, mac_begin, b"k" * 65, 0, 65, False)  # longer than a block
