"""The firmware's P-256 (firmware/mikey/p256.py, ecdsa.py) against the
`cryptography` package (OpenSSL): public keys for random and edge scalars,
ECDH both ways with compressed and uncompressed peers, ECDSA signatures
made on the device verified by cryptography and cryptography's verified
on the device, the device's RFC 6979 signatures equal to cryptography's
deterministic ones, and every entry of the base-point comb table
(firmware/mikey/_p256t.py) equal to cryptography's point for its scalar.

Inputs come from a seeded generator, so a failure reproduces. The device
side reads one case a line from stdin under the ESP32 heap (112 KB).
"""

import random
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ROOT = Path(__file__).resolve().parents[2]
N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
EDGE = [1, 2, 3, N - 1, N - 2, N - 3, 1 << 255, (1 << 256) - N, N // 2, N // 2 + 1]

IO = """
import sys, binascii
def u(s):
    return binascii.unhexlify(s)
def hx(b):
    return binascii.hexlify(b).decode()
def cases():
    while True:
        line = sys.stdin.readline().split()
        if not line:
            return
        yield line
"""


def key(d: int) -> ec.EllipticCurvePrivateKey:
    return ec.derive_private_key(d, ec.SECP256R1())


def pub(k, fmt=PublicFormat.UncompressedPoint) -> bytes:
    return k.public_key().public_bytes(Encoding.X962, fmt)


def run(upy, body: str, lines: list[str]) -> list[str]:
    return upy.run(IO + body, profile="esp32", stdin=("\n".join(lines) + "\n").encode()).split()


def test_public_keys_match_cryptography(upy):
    rnd = random.Random(256)
    ds = EDGE + [rnd.randrange(1, N) for _ in range(40)]
    got = run(upy, """
from mikey.p256 import public
for line in cases():
    print(hx(public(int(line[0], 16))))
""", [f"{d:x}" for d in ds])
    assert got == [pub(key(d)).hex() for d in ds]


def test_ecdh_matches_cryptography_both_ways(upy):
    rnd = random.Random(5903)
    cases = []
    for i in range(24):
        a = key(EDGE[i] if i < len(EDGE) else rnd.randrange(1, N))
        b = ec.generate_private_key(ec.SECP256R1())
        fmt = PublicFormat.CompressedPoint if i % 3 == 2 else PublicFormat.UncompressedPoint
        cases.append((a, b, fmt))
    got = run(upy, """
from mikey.p256 import ecdh, keypair
for line in cases():
    d = int(line[0], 16)
    print(hx(ecdh(d, u(line[1]))))
""", [f"{a.private_numbers().private_value:x} {pub(b, fmt).hex()}" for a, b, fmt in cases])
    want = [a.exchange(ec.ECDH(), b.public_key()).hex() for a, b, _ in cases]
    assert got == want
    # and the other side: cryptography with the device's public key
    for (a, b, _), g in zip(cases, got):
        assert b.exchange(ec.ECDH(), ec.EllipticCurvePublicKey.from_encoded_point(
            ec.SECP256R1(), pub(a))).hex() == g


def test_device_key_pairs_are_valid_for_cryptography(upy):
    rnd = random.Random(1864)
    rands = [rnd.randbytes(40) for _ in range(8)] + [bytes(40), b"\xff" * 40]
    got = run(upy, """
from mikey.p256 import keypair
for line in cases():
    d, p = keypair(u(line[0]))
    print('%x' % d, hx(p))
""", [r.hex() for r in rands])
    for i, r in enumerate(rands):
        d, p = int(got[2 * i], 16), got[2 * i + 1]
        assert d == int.from_bytes(r, "big") % (N - 1) + 1  # FIPS 186-4 §B.4.1
        assert p == pub(key(d)).hex()


def test_signatures_verify_both_ways(upy):
    rnd = random.Random(6979)
    keys = [key(d) for d in (1, 2, N - 1)] + [key(rnd.randrange(1, N)) for _ in range(5)]
    msgs = [rnd.randbytes(rnd.randrange(0, 100)) for _ in keys]
    # device signs; cryptography verifies, and its deterministic (RFC 6979)
    # signature is the same bytes
    got = run(upy, """
import hashlib
from mikey.ecdsa import sign
for line in cases():
    print(hx(sign(int(line[0], 16), hashlib.sha256(u(line[1]) if line[1] != '-' else b'').digest())))
""", [f"{k.private_numbers().private_value:x} {m.hex() or '-'}" for k, m in zip(keys, msgs)])
    for k, m, g in zip(keys, msgs, got):
        sig = bytes.fromhex(g)
        r, s = int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big")
        k.public_key().verify(encode_dss_signature(r, s), m, ec.ECDSA(hashes.SHA256()))
        det = k.sign(m, ec.ECDSA(hashes.SHA256(), deterministic_signing=True))
        assert decode_dss_signature(det) == (r, s)
    # cryptography signs (random k); the device verifies, and refuses the
    # same signature over other bytes
    lines, want = [], []
    for k, m in zip(keys, msgs):
        r, s = decode_dss_signature(k.sign(m, ec.ECDSA(hashes.SHA256())))
        sig = (r.to_bytes(32, "big") + s.to_bytes(32, "big")).hex()
        for mm, ok in ((m, "ok"), (m + b"!", "auth")):
            fmt = PublicFormat.CompressedPoint if len(lines) % 2 else PublicFormat.UncompressedPoint
            lines.append(f"{pub(k, fmt).hex()} {mm.hex() or '-'} {sig}")
            want.append(ok)
    got = run(upy, """
import hashlib
from mikey.ecdsa import verify
from mikey.errors import MikeyError
for line in cases():
    h = hashlib.sha256(u(line[1]) if line[1] != '-' else b'').digest()
    try:
        print('ok' if verify(u(line[0]), h, u(line[2])) is True else 'no')
    except MikeyError as e:
        print('auth' if (e.reason, e.code) == (16, 0) else 'other')
""", lines)
    assert got == want


def test_base_point_table_entries_are_cryptographys_points():
    # firmware/mikey/_p256t.py is plain Python: read its bytes here
    ns: dict = {}
    exec((ROOT / "firmware" / "mikey" / "_p256t.py").read_text(), ns)
    table = b"".join(ns["COMB"])
    assert [len(c) for c in ns["COMB"]] == [1024] * 4
    for m in range(64):
        s = (1 << 222) + sum((1 if m >> i & 1 else -1) << (37 * i) for i in range(6))
        assert table[64 * m : 64 * m + 64] == pub(key(s % N))[1:], m


@pytest.mark.parametrize("fmt", [PublicFormat.CompressedPoint, PublicFormat.UncompressedPoint])
def test_cryptographys_encodings_decode_on_the_device(upy, fmt):
    rnd = random.Random(2334 if fmt == PublicFormat.CompressedPoint else 2335)
    ks = [key(d) for d in EDGE[:4]] + [key(rnd.randrange(1, N)) for _ in range(12)]
    got = run(upy, """
from mikey.p256 import decode_point, encode_point
for line in cases():
    x, y = decode_point(u(line[0]))
    print(hx(encode_point(x, y)))
""", [pub(k, fmt).hex() for k in ks])
    assert got == [pub(k).hex() for k in ks]


def test_reference_signature_check_is_strict():
    # the oracle itself: cryptography refuses a signature over other bytes
    k = key(12345)
    sig = k.sign(b"a", ec.ECDSA(hashes.SHA256()))
    with pytest.raises(InvalidSignature):
        k.public_key().verify(sig, b"b", ec.ECDSA(hashes.SHA256()))
