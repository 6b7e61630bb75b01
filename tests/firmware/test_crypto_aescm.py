# AES in counter mode on cryptolib's ECB cipher (firmware/mikey/crypto.py,
# aes_cm): RFC 3711 §4.1.1, Appendix B.2 known answers. The KEMAC IV of RFC
# 3830 §4.2.3 is built by mikey.psk (test_psk_*).

import cryptolib
from micropython import const

from fwtest import eq, fails, no_alloc, raises, unhex
from mikey.crypto import aes_cm

_R_TRUNCATED = const(0)  # reasons: copies of mikey.errors
_R_OVERFLOW = const(19)

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


def keystream(key, iv, n, koff=0, klen=16, ivoff=0):
    buf = bytearray(n)  # XOR into zeros: the keystream itself
    aes_cm(key, koff, klen, iv, ivoff, buf, 0, n)
    return bytes(buf)


def plus(iv, k):
    # the counter block IV + k (mod 2^128), as §4.1.1 counts
    v = (int.from_bytes(iv, "big") + k) & ((1 << 128) - 1)
    return v.to_bytes(16, "big")


def test_rfc3711_b2_first_and_last_blocks():
    eq(keystream(B2_KEY, B2_IV, 48), B2_FIRST)
    eq(keystream(B2_KEY, B2_LAST_IV, 48), B2_LAST)  # ...FEFF, FF00 (a carry into byte 14), FF01


def test_rfc3711_b2_whole_keystream_segment():
    # All 65282 blocks (1044512 bytes) through one 1 KB buffer, each call
    # starting at the counter the previous one reached
    buf = bytearray(1024)
    aes_cm(B2_KEY, 0, 16, B2_IV, 0, buf, 0, 1024)  # zeros at first: keystream
    eq(bytes(buf[:48]), B2_FIRST)
    done = 64
    while done < B2_BLOCKS - 3:
        k = min(64, B2_BLOCKS - 3 - done)
        aes_cm(B2_KEY, 0, 16, plus(B2_IV, done), 0, buf, 0, 16 * k)  # the middle, not looked at
        done += k
    tail = bytearray(48)
    aes_cm(B2_KEY, 0, 16, plus(B2_IV, done), 0, tail, 0, 48)
    eq(bytes(tail), B2_LAST)


def test_counter_is_the_whole_block_modulo_2_128():
    key = bytes(range(16))
    want = bytearray(16)
    cryptolib.aes(key, 1).encrypt(bytes(16), want)  # E(k, 0)
    eq(keystream(key, b"\xff" * 16, 32)[16:], bytes(want))


def test_keystream_blocks_are_ecb_of_successive_counters():
    # AES-CM-256 (RFC 6043) and windows: block i is E(k, IV + i)
    key = bytes(range(32))
    ecb = cryptolib.aes(key, 1)
    iv = unhex("00112233445566778899aabbccddfffe")
    ks = keystream(b"??" + key, b"x" + iv, 40, 2, 32, 1)
    blk = bytearray(16)
    for i in range(3):
        ecb.encrypt(plus(iv, i), blk)
        eq(ks[16 * i : 16 * i + 16], bytes(blk)[: len(ks) - 16 * i])


def test_round_trip_in_place_and_split_streams():
    whole = keystream(B2_KEY, B2_IV, 100)
    eq(keystream(B2_KEY, B2_IV, 32) + keystream(B2_KEY, plus(B2_IV, 2), 68), whole)
    msg = bytearray(b"..TGK: sixteen bytes..")
    aes_cm(B2_KEY, 0, 16, B2_IV, 0, msg, 2, 20)
    eq(bytes(msg[2:22]) != b"TGK: sixteen bytes..", True)
    eq(bytes(msg[:2]), b"..")  # nothing before the window
    aes_cm(B2_KEY, 0, 16, B2_IV, 0, msg, 2, 20)
    eq(bytes(msg), b"..TGK: sixteen bytes..")


def test_allocates_only_the_cipher_and_two_views():
    # cryptolib's key schedule and two memoryviews of the module's scratch
    # block: a few hundred bytes, once per call (a KEMAC is one call)
    import gc

    buf = bytearray(64)
    gc.collect()
    gc.disable()
    a = gc.mem_alloc()
    aes_cm(B2_KEY, 0, 16, B2_IV, 0, buf, 0, 64)
    n = gc.mem_alloc() - a
    gc.enable()
    eq(n < 1024, True)


def test_errors():
    buf = bytearray(4)
    fails(_R_TRUNCATED, 13, aes_cm, B2_KEY, 0, 16, bytes(15), 0, buf, 0, 4)  # IV short
    fails(_R_TRUNCATED, 13, aes_cm, B2_KEY, 0, 16, bytes(16), 1, buf, 0, 4)
    fails(_R_TRUNCATED, 13, aes_cm, B2_KEY, 1, 16, bytes(16), 0, buf, 0, 4)  # key window
    fails(_R_OVERFLOW, 12, aes_cm, B2_KEY, 0, 16, bytes(16), 0, buf, 2, 3)
    fails(_R_OVERFLOW, 12, aes_cm, B2_KEY, 0, 16, bytes(16), 0, buf, -1, 2)
    raises(TypeError, aes_cm, B2_KEY, 0, 16, bytes(16), 0, bytes(16), 0, 16)
    raises(ValueError, aes_cm, bytes(15), 0, 15, bytes(16), 0, buf, 0, 4)  # cryptolib: not an AES key length
    eq(bytes(buf), bytes(4))
    eq(no_alloc(lambda: 0), 0)
