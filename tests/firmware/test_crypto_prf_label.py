# The MIKEY PRF's labels (RFC 3830 §4.1.3, §4.1.4: constant || cs_id ||
# CSB ID || RAND, fed to the HMACs in parts, never joined) and its errors
# (firmware/mikey/crypto.py, prf). Known answers are in test_crypto_prf.py.

from micropython import const

from fwtest import eq, fails, raises, unhex
from mikey.crypto import mac_begin, mac_end, prf

_R_TRUNCATED = const(0)  # reasons: copies of mikey.errors
_R_BAD_LENGTH = const(1)
_R_PRF = const(7)
_R_OVERFLOW = const(19)

RAND = unhex("4339f62f55aac86348846a482c893802")  # public.json "prf_hmac_sha256"
TEK = 0x2AD01C64  # Table 4.1.3
PSK_AUTH = 0x2D22AC75  # Table 4.1.4, with cs_id 0xFF


def first_block(inkey, label):
    # P(s, label, 1) = HMAC(s, HMAC(s, label) || label), §4.1.2, one chunk
    h = mac_begin(inkey, 0, len(inkey), False)
    h.update(label)
    a = mac_end(h, False)
    h = mac_begin(inkey, 0, len(inkey), False)
    h.update(a)
    h.update(label)
    return mac_end(h, False)


def test_label_layout():
    # public.json "label_example": TEK for CS 4 (RFC 3830 §4.1.3)
    inkey = bytes(range(16))
    out = bytearray(20)
    prf(inkey, 0, 16, 0, TEK, 4, b"\x00\x05\xa8\x5c\x16", 1, RAND, out, 0, 20)
    eq(bytes(out), first_block(inkey, unhex("2ad01c64 04 05a85c16 4339f62f55aac86348846a482c893802")))
    # §4.1.4: cs_id 0xFF; a longer RAND
    prf(inkey, 0, 16, 0, PSK_AUTH, 0xFF, b"\x12\x34\x56\x78", 0, RAND + b"1234", out, 0, 20)
    eq(bytes(out), first_block(inkey, unhex("2d22ac75 ff 12345678 4339f62f55aac86348846a482c893802 31323334")))
    prf(inkey, 0, 16, 0, PSK_AUTH, 0xFF, b"abcd", 0, b"", out, 0, 20)  # no RAND (MIKEY-NULL)
    eq(bytes(out), first_block(inkey, unhex("2d22ac75 ff") + b"abcd"))


def test_errors_carry_their_codes():
    out = bytearray(16)
    fails(_R_PRF, 2, prf, b"k" * 16, 0, 16, 2, TEK, 1, b"abcd", 0, RAND, out, 0, 16)
    fails(_R_BAD_LENGTH, 13, prf, b"", 0, 0, 0, TEK, 1, b"abcd", 0, RAND, out, 0, 16)  # no inkey
    fails(_R_TRUNCATED, 13, prf, b"k" * 16, 8, 9, 0, TEK, 1, b"abcd", 0, RAND, out, 0, 16)
    fails(_R_TRUNCATED, 13, prf, b"k" * 16, 0, 16, 0, TEK, 1, b"abcd", 1, RAND, out, 0, 16)  # CSB ID short
    fails(_R_OVERFLOW, 12, prf, b"k" * 16, 0, 16, 0, TEK, 1, b"abcd", 0, RAND, out, 1, 16)
    fails(_R_OVERFLOW, 12, prf, b"k" * 16, 0, 16, 0, TEK, 1, b"abcd", 0, RAND, out, -1, 4)
    raises(TypeError, prf, b"k" * 16, 0, 16, 0, TEK, 1, b"abcd", 0, RAND, bytes(16), 0, 16)
    eq(bytes(out), bytes(16))  # nothing written by the failures
