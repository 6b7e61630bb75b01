"""Benchmarks of the p256 part (mikey.p256, mikey.ecdsa): what an ECC mode
of draft-ietf-msec-mikey-ecc costs the device. Keys and signatures are
fixed (RFC 6979 A.2.5: its key pair and its SHA-256 signature of
"sample"), so each setup loads only what its operation needs: the ECDH
rows never load the base-point table."""

# RFC 6979 A.2.5 (P-256): private key x and public key U = xG, uncompressed
D = 0xC9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721
U = bytes.fromhex(
    "0460fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6"
    "7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299")
# SHA-256("sample") and the A.2.5 signature of it, r || s
H = bytes.fromhex("af2bdbe1aa9b6ec1e2ade1d694f41fc71a831d0268e9891562113d8a62add1bf")
SIG = bytes.fromhex(
    "efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716"
    "f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8")


def _ecdh():
    from mikey.p256 import ecdh

    return lambda: ecdh(D, U)


def _keypair():
    from mikey.p256 import keypair

    rand = bytes(range(40))
    return lambda: keypair(rand)


def _sign():
    from mikey.ecdsa import sign

    return lambda: sign(D, H)


def _verify():
    from mikey.ecdsa import verify

    return lambda: verify(U, H, SIG)


def _decode():
    from mikey.p256 import decode_point

    c = b"\x03" + U[1:33]  # U's y is odd
    return lambda: decode_point(c)


BENCHES = (
    ("p256: ECDH shared secret, variable base (peer point validated)", _ecdh),
    ("p256: key pair, fixed base (d from 40 random bytes)", _keypair),
    ("p256: ECDSA P-256/SHA-256 sign (RFC 6979 nonce)", _sign),
    ("p256: ECDSA P-256/SHA-256 verify (Straus)", _verify),
    ("p256: decode and validate a compressed point", _decode),
)
