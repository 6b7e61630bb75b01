# AES in counter mode on cryptolib's ECB cipher (firmware/mikey/aescm.py):
# RFC 3711 §4.1.1, Appendix B.2 known answers, and the KEMAC IV of RFC 3830
# §4.2.3.

import cryptolib
from fwtest import eq, no_alloc, raises, unhex
from mikey.aescm import AesCm
from mikey.errors import Overflow, Truncated

# RFC 3711 Appendix B.2: session key, the salt "already shifted" as the
# first counter block, and the keystream of its first and last three blocks
# (65282 blocks in all).
B2_KEY = unhex("2B7E151628AED2A6ABF7158809CF4F3C")
B2_IV = unhex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000")
B2_FIRST = unhex(
    "E03EAD0935C95E80E166B16DD92B4EB4 D23513162B02D0F72A43A2FE4A5F97AB 41E95B3BB0A2E8DD477901E4FCA894C0")
B2_LAST_IV = unhex("F0F1F2F3F4F5F6F7F8F9FAFBFCFDFEFF")
B2_LAST = unhex(
    "EC8CDF7398607CB0F2D21675EA9EA1E4 362B7C3C6773516318A077D7FC5073AE 6A2CC3787889374FBEB4C81B17BA6C44")
B2_BLOCKS = 65282


def keystream(c, n):
    buf = bytearray(n)  # XOR into zeros: the keystream itself
    c.xor(buf)
    return bytes(buf)


def test_rfc3711_b2_first_and_last_blocks():
    c = AesCm(B2_KEY)
    c.start(B2_IV)
    eq(keystream(c, 48), B2_FIRST)
    c.start(B2_LAST_IV)  # ...FEFF, FF00 (a carry into byte 14), FF01
    eq(keystream(c, 48), B2_LAST)


def test_rfc3711_b2_whole_keystream_segment():
    # All 65282 blocks (1044512 bytes) through one 1 KB buffer: the counter
    # runs from ...0000 to ...FF01 across calls.
    c = AesCm(B2_KEY)
    c.start(B2_IV)
    buf = bytearray(1024)  # zeros at first: its first blocks are keystream
    c.xor(buf)
    eq(bytes(buf[:48]), B2_FIRST)
    left = B2_BLOCKS * 16 - len(buf)
    while left >= len(buf) + 48:
        c.xor(buf)  # the middle: XORed over and over, not looked at
        left -= len(buf)
    tail = bytearray(left)
    c.xor(tail)
    eq(bytes(tail[-48:]), B2_LAST)
    eq(bytes(c.ctr), unhex("F0F1F2F3F4F5F6F7F8F9FAFBFCFDFF02"))


def test_counter_is_the_whole_block_modulo_2_128():
    key = bytes(range(16))
    ecb = cryptolib.aes(key, 1)
    want = bytearray(16)
    ecb.encrypt(bytes(16), want)  # E(k, 0)
    c = AesCm(key)
    c.start(b"\xff" * 16)
    ks = keystream(c, 32)
    eq(ks[16:], bytes(want))
    eq(bytes(c.ctr), b"\x00" * 15 + b"\x01")


def test_keystream_blocks_are_ecb_of_successive_counters():
    # AES-CM-256 (RFC 6043) and windows: block i is E(k, IV + i)
    key = bytes(range(32))
    ecb = cryptolib.aes(key, 1)
    c = AesCm(b"??" + key, 2, 32)
    iv = bytearray(unhex("00112233445566778899aabbccddfffe"))
    c.start(b"x" + iv, 1)
    ks = keystream(c, 40)
    blk = bytearray(16)
    for i, last in enumerate((0xFE, 0xFF, 0x00)):
        ctr = bytearray(iv)
        ctr[15] = last
        if i == 2:
            ctr[14] = 0x00
            ctr[13] = 0xDE
        ecb.encrypt(ctr, blk)
        eq(ks[16 * i : 16 * i + 16], bytes(blk)[: len(ks) - 16 * i])


def test_stream_split_over_calls_and_round_trip():
    c = AesCm(B2_KEY)
    c.start(B2_IV)
    whole = keystream(c, 100)
    c.start(B2_IV)
    parts = keystream(c, 32) + keystream(c, 64) + keystream(c, 4)
    eq(parts, whole)
    # a partial block ends its counter value: the next call starts afresh
    c.start(B2_IV)
    eq(keystream(c, 5) + keystream(c, 16), whole[:5] + whole[16:32])
    msg = bytearray(b"..TGK: sixteen bytes..")
    c.start(B2_IV)
    c.xor(msg, 2, 20)
    eq(bytes(msg[2:22]) != b"TGK: sixteen bytes..", True)
    c.start(B2_IV)
    c.xor(msg, 2, 20)
    eq(bytes(msg), b"..TGK: sixteen bytes..")


def test_kemac_iv():
    # RFC 3830 §4.2.3: IV = (S XOR (0x0000 || CSB ID || T)) || 0x0000, S the
    # 112-bit salt key, T the Initiator's 64-bit timestamp.
    salt = unhex("000102030405060708090a0b0c0d")
    msg = unhex("ff 12345678 ff e93a5c1000000001")  # CSB ID at 1, T at 6
    c = AesCm(B2_KEY)
    c.start_kemac(b"?" + salt, 1, msg, 1, msg, 6)
    iv = unhex("0001 1037527d ef3d54190a0b0c0c 0000")
    eq(bytes(c.ctr), iv)
    ks = keystream(c, 16)
    ref = AesCm(B2_KEY)
    ref.start(iv)
    eq(ks, keystream(ref, 16))


def test_prebuilt_cipher_allocates_nothing():
    c = AesCm(B2_KEY)
    iv = bytearray(B2_IV)
    msg = bytes(26)  # salt key at 0, CSB ID at 14, T at 18
    buf = bytearray(64)

    # (at most 5 variables closed over: a closure with more allocates its
    # argument array at every call)
    def run():
        c.start(iv)
        c.xor(buf, 3, 50)
        c.start_kemac(msg, 0, msg, 14, msg, 18)
        return c.xor(buf)

    eq(no_alloc(run), 64)


def test_errors():
    c = AesCm(B2_KEY)
    raises(Truncated, c.start, bytes(15))
    raises(Truncated, c.start, bytes(16), 1)
    raises(Truncated, lambda: c.start_kemac(bytes(13), 0, bytes(4), 0, bytes(8), 0))
    raises(Truncated, lambda: c.start_kemac(bytes(14), 0, bytes(4), 1, bytes(8), 0))
    raises(Truncated, lambda: c.start_kemac(bytes(14), 0, bytes(4), 0, bytes(8), 1))
    raises(Overflow, c.xor, bytearray(4), 2, 3)
    raises(Overflow, c.xor, bytearray(4), -1)
    raises(TypeError, c.xor, bytes(16))
    raises(ValueError, AesCm, bytes(15))  # cryptolib: not an AES key length
