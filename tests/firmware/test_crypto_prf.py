# Known answers of the MIKEY PRF (firmware/mikey/crypto.py, prf): MIKEY-1
# (RFC 3830 §4.1.2) and PRF func 1, PRF-HMAC-SHA-256 (RFC 6043 §6.1), with
# the labels constant || cs_id || CSB ID || RAND of §4.1.3. Errors are in
# test_crypto_prf_label.py (each test module is loaded whole for every test,
# under 32 KB in the tight profile).

from fwtest import eq, unhex
from mikey.crypto import prf

# MIKEY-1 known answers at the edges of the 256-bit inkey chunks: inkey is
# bytes(range(n)) for each n in KAT_INPUT[0], the label is TEK's for CS 1
# (§4.1.3), outputs are 46 bytes (three 160-bit blocks, the last cut). Made
# with the straight reading of §4.1.2 in tests/host/test_fw_crypto_diff.py
# (ref_prf, on the `cryptography` package), which rechecks this table.
KAT_INPUT = ((16, 20, 32, 33, 64, 192), 0x2AD01C64, 1, "01020304",
             "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff")
MIKEY1_KATS = (
    (16, "65ee1157fe1468a1580b3a69b3e7a9f2c1b54d0a9eb0166cf4679e207edad200daccea1684f7669a622db8467924"),
    (20, "fb87331b9bc8731183565e637b1206cc34063a3b1a91126c73ea570ca1d498ee1246309908b0a579ebd14ad91843"),
    (32, "1c7761a6379a16b16cf320a96452fd67020df7219bf74c8d0f1ea26835943e2dbb5f02c099b889a9838193ceeea8"),
    (33, "cd168204c6e7b5cd65e7b40bd58513639d47f038dec135bf57ac8a1f18a4cb8480d020f2229d229a33faff3efbbd"),
    (64, "092491cefd2cf75ff9b4c0648a3fa488acfca75520da21bc2c3eeee1cb994ca88d70eb03e0f06e0401fea62be653"),
    (192, "f32e86f4d9d2fee092e534d77b320743bd63b731d8aaa1c19d69d6b340738bf184b7c80b60dac94f70befd4e0690"),
)

# PRF-HMAC-SHA-256 (func 1) public known answers: tests/vectors/public.json
# "prf_hmac_sha256", from Streamwide/sw_mikey_sakke unit_tests/test_key_deriv.cc
SHA256_INKEY = "a27b7d578eeb9b1ee7705e385996d300"
SHA256_RAND = "4339f62f55aac86348846a482c893802"
SHA256_CASES = (  # constant, cs_id, csb_id, bytes out, out
    (0x15798CEF, 4, "05a85c16", 16, "3924935940c154ccbc3c2ad05c8f5181"),
    (0x39A2C14B, 4, "05a85c16", 12, "1725869b80f370cc9f24e13b"),
    (0x15798CEF, 0, "05a85c16", 16, "f17c80a8d2f9befa47cf712603d7229a"),
    (0x39A2C14B, 0, "05a85c16", 12, "c3b7b561a291a1d3abef482b"),
    (0x2AD01C64, 4, "0633f457", 16, "59aaa49ebb54813602b7cc165961b4e8"),
    (0x39A2C14B, 4, "0633f457", 12, "745eb4df7d155c473114a799"),
)


def kat(inkey, out, off, n, ioff=0, ilen=-1):
    # PRF(inkey, TEK label of KAT_INPUT) into out[off:off+n]
    constant, cs_id, csb_id, rand = KAT_INPUT[1:]
    if ilen < 0:
        ilen = len(inkey) - ioff
    return prf(inkey, ioff, ilen, 0, constant, cs_id, unhex(csb_id), 0, unhex(rand), out, off, n)


def test_mikey1_known_answers_at_chunk_edges():
    # inkey 16, 20, 32, 33, 64, 192 bytes; out 14, 16, 20, 30, 46 bytes: each
    # a prefix of the 46-byte answer (outkey is the leading outkey_len bits).
    out = bytearray(48)
    for n, want in MIKEY1_KATS:
        for outlen in (46, 30, 20, 16, 14):
            out[0] = out[outlen + 1] = 0xEE
            eq(kat(bytes(range(n)), out, 1, outlen), outlen)
            eq(bytes(out[1 : outlen + 1]), unhex(want)[:outlen])
            eq((out[0], out[outlen + 1]), (0xEE, 0xEE))  # nothing outside the window


def test_prf_hmac_sha256_public_vectors():
    inkey = unhex(SHA256_INKEY)
    out = bytearray(16)
    for constant, cs_id, csb_id, n, want in SHA256_CASES:
        prf(inkey, 0, 16, 1, constant, cs_id, unhex(csb_id), 0, unhex(SHA256_RAND), out, 0, n)
        eq(bytes(out[:n]), unhex(want))


def test_inkey_csb_and_rand_windows():
    want = unhex(MIKEY1_KATS[1][1])[:20]
    buf = b"\xaa\xbb" + bytes(range(20)) + b"\xcc"
    out = bytearray(20)
    kat(buf, out, 0, 20, 2, 20)
    eq(bytes(out), want)
    kat(buf, out, 0, 20, 2, 20)  # no state kept between calls: same answer
    eq(bytes(out), want)
    # the CSB ID read at an offset, RAND a memoryview of a message window
    constant, cs_id, csb_id, rand = KAT_INPUT[1:]
    msg = b"..." + unhex(rand) + b"1234"
    prf(bytes(range(20)), 0, 20, 0, constant, cs_id, b"x" + unhex(csb_id), 1, memoryview(msg)[3:19], out, 0, 20)
    eq(bytes(out), want)
    eq(kat(buf, out, 20, 0, 2, 20), 0)
