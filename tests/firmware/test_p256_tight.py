# Each P-256 operation alone in the 32 KB tight profile (and on the boards),
# as a device that does one at a time runs it: ECDH without the base-point
# table, a key pair (also from the DRBG), point decoding.

from fwtest import eq, unhex

GX = 0x6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296
GY = 0x4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5
G2X = 0x7CF27B188D034F7E8A52380304B51AC3C08969E277F21B35A60B48FC47669978
G2Y = 0x07775510DB8ED040293D9AC69F7430DBBA7DADE63CE982299E04B79D227873D1
# RFC 6979 A.2.5: private key x, public key U = xG
X = 0xC9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721
U = unhex("04 60FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6"
          "7903FE1008B8BC99A41AE9E95628BC64F2F1B20C2D7E9F5177A3C294D4462299")


def test_ecdh_alone():
    from mikey.p256 import ecdh, encode_point

    eq(ecdh(X, encode_point(GX, GY)), U[1:33])  # x G
    eq(ecdh(2, U), ecdh(X, encode_point(G2X, G2Y)))  # 2 (x G) = x (2 G)


def test_key_pair_alone():
    from mikey.p256 import keypair, public

    eq(public(X), U)
    d, pub = keypair(bytes(range(40)))
    eq(public(d), pub)


def test_decode_alone():
    from mikey.p256 import decode_point

    x, y = decode_point(U)
    eq(decode_point(b"\x03" + U[1:33]), (x, y))


def test_key_pairs_from_the_drbg():
    # the randomness a device passes: mikey.drbg's HMAC_DRBG output. The
    # base-point table first, as a device loads it at boot (mikey._p256t:
    # 1 KB blocks, before the DRBG's import splits the 32 KB heap)
    import mikey._p256t  # noqa: F401
    from mikey.drbg import Drbg
    from mikey.p256 import decode_point, keypair, public

    g = Drbg(b"p256 test", bytes(range(48)))
    r = bytearray(40)
    seen = []
    for _ in range(2):
        g.generate_into(r, 0, 40)
        d, pub = keypair(r)
        eq(0 < d < 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551, True)
        eq(pub, public(d))
        eq(decode_point(pub), decode_point(pub))
        seen.append(d)
    eq(seen[0] != seen[1], True)
