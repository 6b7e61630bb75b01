# P-256 on the device (firmware/mikey/p256.py): scalar multiplication by
# the fixed base (comb) and a variable base (signed windows), SEC 1 point
# encoding and validation (§2.3.3, §2.3.4, §3.2.2.1), key pairs (FIPS 186-4
# §B.4.1) and ECDH (SEC 1 §3.3.1). Known answers: G and 2G (SEC 2 §2.4.2),
# the RFC 6979 A.2.5 key pair. tests/host/test_fw_p256_diff.py compares
# with the `cryptography` package; tests/firmware/test_p256_tight.py runs
# each operation alone.

import hashlib

from micropython import const

from fwtest import eq, fails, unhex
from mikey import p256
from mikey.p256 import decode_point, ecdh, encode_point, keypair, public

_R_BAD_LENGTH = const(1)  # reasons: copies of mikey.errors
_R_DH_GROUP = const(11)

P = 0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF
N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
GX = 0x6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296
GY = 0x4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5
G2X = 0x7CF27B188D034F7E8A52380304B51AC3C08969E277F21B35A60B48FC47669978
G2Y = 0x07775510DB8ED040293D9AC69F7430DBBA7DADE63CE982299E04B79D227873D1
# RFC 6979 A.2.5: private key x, public key U
X = 0xC9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721
U = unhex("04 60FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6"
          "7903FE1008B8BC99A41AE9E95628BC64F2F1B20C2D7E9F5177A3C294D4462299")
G = encode_point(GX, GY)


def scalars(n, seed=b"p256"):
    # deterministic pseudo-random scalars in 1..n-1
    out = []
    h = seed
    for _ in range(n):
        h = hashlib.sha256(h).digest()
        out.append(int.from_bytes(h, "big") % (N - 1) + 1)
    return out


def test_base_point_edge_scalars():
    # 1, 2, n - 1, n - 2 through the comb (public) and the windows (ecdh of G)
    for k, x, y in ((1, GX, GY), (2, G2X, G2Y), (N - 1, GX, P - GY), (N - 2, G2X, P - G2Y), (3, None, None)):
        pub = public(k)
        if x is not None:
            eq(pub, encode_point(x, y))
        eq(ecdh(k, G), pub[1:33])
        eq(ecdh(k, encode_point(GX, P - GY)), public(N - k)[1:33])  # k (-G) = (n - k) G


def test_rfc6979_key_pair():
    eq(public(X), U)
    eq(decode_point(U), (int.from_bytes(U[1:33], "big"), int.from_bytes(U[33:], "big")))


def test_fixed_and_variable_base_agree():
    for k in scalars(6) + [N - 3, 1 << 255, (1 << 256) - N, 0x55 * ((1 << 256) - 1) // 0xFF % N]:
        eq(ecdh(k, G), public(k)[1:33])


def test_ecdh_agrees_both_ways():
    a, b = scalars(2, b"ecdh")
    pa = public(a)
    pb = public(b)
    s = ecdh(a, pb)
    eq(len(s), 32)
    eq(ecdh(b, pa), s)
    eq(ecdh(a, b"\x02" + pb[1:33] if pb[64] & 1 == 0 else b"\x03" + pb[1:33]), s)  # compressed peer


def test_compressed_points_decode_to_the_same_point():
    for k in scalars(4, b"sec1") + [1, 2, N - 1]:
        pub = public(k)
        x, y = decode_point(pub)
        eq(decode_point(bytes([2 | (y & 1)]) + pub[1:33]), (x, y))
        eq(encode_point(x, y), pub)
    # x = 5 is on the curve (its y from the square root)
    x, y = decode_point(b"\x02" + (5).to_bytes(32, "big"))
    eq((x, y & 1), (5, 0))
    eq(decode_point(encode_point(x, y)), (x, y))
    eq(decode_point(b"\x03" + (5).to_bytes(32, "big")), (5, P - y))


def test_points_off_the_curve_are_rejected():
    fails(_R_DH_GROUP, 6, decode_point, encode_point(GX, GY + 1))
    fails(_R_DH_GROUP, 6, decode_point, encode_point(GX, 0))
    fails(_R_DH_GROUP, 6, decode_point, encode_point(0, 0))
    fails(_R_DH_GROUP, 6, decode_point, b"\x02" + (1).to_bytes(32, "big"))  # x^3 - 3x + b no square
    fails(_R_DH_GROUP, 6, decode_point, b"\x00")  # infinity (SEC 1 §2.3.4)
    fails(_R_DH_GROUP, 6, ecdh, X, b"\x00")


def test_coordinates_not_below_p_are_rejected():
    # x = p + 5 would alias the point with x = 5 if reduced
    fails(_R_DH_GROUP, 6, decode_point, b"\x02" + (P + 5).to_bytes(32, "big"))
    x, y = decode_point(b"\x02" + (5).to_bytes(32, "big"))
    fails(_R_DH_GROUP, 6, decode_point, encode_point(P + 5, y))
    fails(_R_DH_GROUP, 6, decode_point, b"\x04" + P.to_bytes(32, "big") + GY.to_bytes(32, "big"))
    fails(_R_DH_GROUP, 6, decode_point, b"\x04" + GX.to_bytes(32, "big") + P.to_bytes(32, "big"))
    fails(_R_DH_GROUP, 6, decode_point, b"\x04" + b"\xff" * 64)


def test_wrong_lengths_and_prefixes_are_rejected():
    for b in (b"", U[:64], U + b"\x00", U[:33], U[1:], b"\x02" + U[1:32], b"\x02" + U[1:34],
              b"\x05" + U[1:], b"\x03" + U[1:], b"\x04" + U[1:33], b"\x06" + U[1:33], b"\x01"):
        fails(_R_DH_GROUP, 6, decode_point, b)
        fails(_R_DH_GROUP, 6, ecdh, X, b)


def test_invalid_curve_point_rejected_before_any_multiplication():
    # (1, 1) lies on y^2 = x^3 - 3x + 3: same a, another b. A multiplication
    # by it would leak d mod the order of that curve's subgroup.
    calls = []
    mul = p256._mul
    p256._mul = lambda k, x, y: calls.append(k)
    try:
        fails(_R_DH_GROUP, 6, ecdh, X, encode_point(1, 1))
        fails(_R_DH_GROUP, 6, ecdh, X, encode_point(GX, GY ^ 2))
        eq(calls, [])
    finally:
        p256._mul = mul


def test_key_pairs_from_random_bytes():
    # FIPS 186-4 §B.4.1: d = c mod (n - 1) + 1 for c the first 40 bytes
    d, pub = keypair(bytes(40))
    eq((d, pub), (1, G))
    d, pub = keypair(b"\xff" * 40 + b"more")
    eq(d, ((1 << 320) - 1) % (N - 1) + 1)
    eq(pub, public(d))
    fails(_R_BAD_LENGTH, 13, keypair, bytes(39))


def test_private_keys_out_of_range_are_rejected():
    for d in (0, N, N + 1, -1, 1 << 256):
        fails(_R_BAD_LENGTH, 13, public, d)
        fails(_R_BAD_LENGTH, 13, ecdh, d, G)
    fails(_R_BAD_LENGTH, 13, public, X.to_bytes(32, "big"))
