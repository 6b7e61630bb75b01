# ECDSA P-256/SHA-256 on the device (firmware/mikey/ecdsa.py): signatures
# r || s with RFC 6979 §3.2 nonces, verification (FIPS 186-4 §6.4, SEC 1
# §4.1.4). Known answers: RFC 6979 A.2.5, P-256 with SHA-256, messages
# "sample" and "test". tests/host/test_fw_p256_diff.py checks both ways
# against the `cryptography` package.

import hashlib

from micropython import const

from fwtest import eq, fails, unhex
from mikey.ecdsa import sign, verify
from mikey.p256 import encode_point, public

_R_BAD_LENGTH = const(1)  # reasons: copies of mikey.errors
_R_DH_GROUP = const(11)
_R_AUTH = const(16)

N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
# RFC 6979 A.2.5: private key x, public key U, SHA-256 signatures (r, s)
X = 0xC9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721
U = unhex("04 60FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6"
          "7903FE1008B8BC99A41AE9E95628BC64F2F1B20C2D7E9F5177A3C294D4462299")
RFC6979 = (
    (b"sample", "EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716",
     "F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8"),
    (b"test", "F1ABB023518351CD71D881567B1EA663ED3EFCF6C5132B354F28D3B0B7D38367",
     "019F4113742A2B14BD25926B49C649155F267E60D3814B4C0CC84250E46F0083"),
)


def h(m):
    return hashlib.sha256(m).digest()


def test_rfc6979_a25_sha256_known_answers():
    for msg, r, s in RFC6979:
        eq(sign(X, h(msg)), unhex(r + s))


def test_rfc6979_signatures_verify():
    for msg, r, s in RFC6979:
        eq(verify(U, h(msg), unhex(r + s)), True)
        eq(verify(b"\x02" + U[1:33] if U[64] & 1 == 0 else b"\x03" + U[1:33], h(msg), unhex(r + s)), True)


def test_signature_over_altered_bytes_rejected():
    sig = unhex(RFC6979[0][1] + RFC6979[0][2])
    fails(_R_AUTH, 0, verify, U, h(b"samplf"), sig)
    fails(_R_AUTH, 0, verify, U, h(b"test"), sig)
    for i in (0, 31, 32, 63):
        bad = bytearray(sig)
        bad[i] ^= 1
        fails(_R_AUTH, 0, verify, U, h(b"sample"), bad)
    fails(_R_AUTH, 0, verify, public(X + 1), h(b"sample"), sig)  # another key


def test_r_and_s_outside_1_to_n_minus_1_rejected():
    r, s = unhex(RFC6979[0][1]), unhex(RFC6979[0][2])
    for bad in (0, N, N + 1, (1 << 256) - 1):
        b = bad.to_bytes(32, "big")
        fails(_R_AUTH, 0, verify, U, h(b"sample"), b + s)
        fails(_R_AUTH, 0, verify, U, h(b"sample"), r + b)


def test_s_and_n_minus_s_both_verify():
    # ECDSA itself accepts (r, n - s): a signature is not unique
    r, s = unhex(RFC6979[0][1]), int(RFC6979[0][2], 16)
    eq(verify(U, h(b"sample"), r + (N - s).to_bytes(32, "big")), True)


def test_round_trips_and_hash_edge_cases():
    # hashes 0 and n make u1 = 0 (no base-point term in verification)
    for d in (1, 2, N - 1, X, 0x1234567890ABCDEF << 128):
        pub = public(d)
        for hh in (h(b"mikey"), bytes(32), N.to_bytes(32, "big"), b"\xff" * 32):
            sig = sign(d, hh)
            eq(len(sig), 64)
            eq(verify(pub, hh, sig), True)
    eq(sign(X, h(b"x")), sign(X, h(b"x")))  # deterministic


def test_wrong_lengths_and_keys_rejected():
    sig = unhex(RFC6979[0][1] + RFC6979[0][2])
    fails(_R_BAD_LENGTH, 13, verify, U, h(b"sample")[:31], sig)
    fails(_R_BAD_LENGTH, 13, verify, U, h(b"sample") + b"\x00", sig)
    fails(_R_BAD_LENGTH, 13, verify, U, h(b"sample"), sig[:63])
    fails(_R_BAD_LENGTH, 13, verify, U, h(b"sample"), sig + b"\x00")
    fails(_R_BAD_LENGTH, 13, sign, X, h(b"sample")[:31])
    fails(_R_BAD_LENGTH, 13, sign, 0, h(b"sample"))
    fails(_R_BAD_LENGTH, 13, sign, N, h(b"sample"))
    fails(_R_DH_GROUP, 6, verify, U[:64] + bytes([U[64] ^ 1]), h(b"sample"), sig)  # off the curve
    fails(_R_DH_GROUP, 6, verify, encode_point(1, 1), h(b"sample"), sig)  # another curve
    fails(_R_DH_GROUP, 6, verify, b"\x00", h(b"sample"), sig)  # infinity
