# Labels of the MIKEY key derivation (firmware/mikey/prf.py): RFC 3830 §4.1.3
# and §4.1.4; and the PRF's typed errors. Known answers are in
# test_crypto_prf.py.

from fwtest import eq, no_alloc, raises, unhex
from mikey.errors import ERR_PRF, BadLength, Overflow, Truncated, UnsupportedPRF
from mikey.prf import PSK_AUTH, PSK_CS_ID, PSK_ENCR, PSK_SALT, SALT, TEK, Prf, label

RAND = unhex("4339f62f55aac86348846a482c893802")  # public.json "prf_hmac_sha256"


def test_label_constants_are_the_rfc_tables():
    # Table 4.1.3 (TEK, salt) and Table 4.1.4 (encr, auth, salt from a PSK)
    eq((TEK, SALT), (0x2AD01C64, 0x39A2C14B))
    eq((PSK_ENCR, PSK_AUTH, PSK_SALT, PSK_CS_ID), (0x150533E1, 0x2D22AC75, 0x29B88916, 0xFF))


def test_label_layout():
    # public.json "label_example": TEK for CS 4 (RFC 3830 §4.1.3)
    lab = bytearray(32)
    n = label(lab, TEK, 4, b"\x00\x05\xa8\x5c\x16", 1, RAND)
    eq(bytes(lab[:n]), unhex("2ad01c64 04 05a85c16 4339f62f55aac86348846a482c893802"))
    # §4.1.4: cs_id 0xFF; RAND from a window of a message
    msg = b"..." + RAND + b"1234..."
    n = label(lab, PSK_AUTH, PSK_CS_ID, b"\x12\x34\x56\x78", 0, msg, 3, 16)
    eq(bytes(lab[:n]), unhex("2d22ac75 ff 12345678 4339f62f55aac86348846a482c893802"))
    n = label(lab, PSK_SALT, PSK_CS_ID, b"abcd", 0, msg, 3, 20)  # a longer RAND
    eq(n, 29)


def test_label_allocates_nothing_and_checks_windows():
    lab = bytearray(25)
    csb = b"\x01\x02\x03\x04"
    rand = bytes(16)
    eq(no_alloc(lambda: label(lab, TEK, 1, csb, 0, rand)), 25)
    raises(Overflow, lambda: label(bytearray(24), TEK, 1, csb, 0, rand))
    raises(Truncated, lambda: label(lab, TEK, 1, csb, 1, rand))  # CSB ID short
    raises(Truncated, lambda: label(lab, TEK, 1, csb, 0, rand, 1, 16))  # RAND short
    raises(TypeError, lambda: label(bytes(25), TEK, 1, csb, 0, rand))


def test_errors_carry_their_codes():
    e = raises(UnsupportedPRF, Prf, b"k" * 16, 0, -1, 2)
    eq(e.code, ERR_PRF)
    raises(BadLength, Prf, b"")
    raises(Truncated, Prf, b"k" * 16, 8, 9)
    prf = Prf(b"k" * 16)
    lab = bytearray(25)
    label(lab, TEK, 1, b"abcd", 0, RAND)
    raises(Overflow, lambda: prf.derive(lab, 25, bytearray(16), 1, 16))
    raises(Overflow, lambda: prf.derive(lab, 25, bytearray(16), -1, 4))
    raises(Truncated, lambda: prf.derive(lab, 26, bytearray(16), 0, 16))
    raises(TypeError, lambda: prf.derive(lab, 25, bytes(16), 0, 16))
