"""Independent P-256 reference computations for the ECC-mode tests, written
from SEC 1, SEC 2, RFC 6979 and ANSI X9.63 as published (never the code
under test): Jacobian-coordinate point arithmetic in pure Python, ECDSA
with RFC 6979 §3.2 nonces, the X9.63 KDF over hashlib, SEC1 ECIES
decryption with CBC chained by hand over the raw AES block, and ECMQV as
s·Qe' + (s·avf(Qe'))·Qs'."""

import hashlib
import hmac

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

# SEC 2 §2.4.2, secp256r1
P = 2**256 - 2**224 + 2**192 + 2**96 - 1
N = int("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16)
B = int("5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B", 16)
G = (int("6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296", 16),
     int("4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5", 16))


def on_curve(pt) -> bool:
    x, y = pt
    return 0 <= x < P and 0 <= y < P and (y * y - x ** 3 + 3 * x - B) % P == 0


def _jdouble(p):
    x, y, z = p
    if y == 0 or z == 0:
        return (1, 1, 0)
    s = 4 * x * y * y % P
    m = 3 * (x - z * z) * (x + z * z) % P  # a = -3
    x3 = (m * m - 2 * s) % P
    return x3, (m * (s - x3) - 8 * y ** 4) % P, 2 * y * z % P


def _jadd(p, q):
    if p[2] == 0:
        return q
    if q[2] == 0:
        return p
    u1, u2 = p[0] * q[2] ** 2 % P, q[0] * p[2] ** 2 % P
    s1, s2 = p[1] * q[2] ** 3 % P, q[1] * p[2] ** 3 % P
    if u1 == u2:
        return _jdouble(p) if s1 == s2 else (1, 1, 0)
    h, r = (u2 - u1) % P, (s2 - s1) % P
    x3 = (r * r - h ** 3 - 2 * u1 * h * h) % P
    return x3, (r * (u1 * h * h - x3) - s1 * h ** 3) % P, h * p[2] * q[2] % P


def _affine(p):
    if p[2] == 0:
        return None
    zi = pow(p[2], P - 2, P)
    return p[0] * zi * zi % P, p[1] * zi ** 3 % P


def mul(k: int, pt=G):
    acc, base = (1, 1, 0), (pt[0], pt[1], 1)
    for bit in bin(k)[2:]:
        acc = _jdouble(acc)
        if bit == "1":
            acc = _jadd(acc, base)
    return _affine(acc)


def add(p1, p2):
    return _affine(_jadd((p1[0], p1[1], 1), (p2[0], p2[1], 1)))


def enc(pt) -> bytes:
    return b"\x04" + pt[0].to_bytes(32, "big") + pt[1].to_bytes(32, "big")


def dec(data: bytes):
    assert data[0] == 4 and len(data) == 65
    return int.from_bytes(data[1:33], "big"), int.from_bytes(data[33:], "big")


def ecdh_x(d: int, pt) -> bytes:
    return mul(d, pt)[0].to_bytes(32, "big")


def rfc6979_k(d: int, msg: bytes) -> int:
    """RFC 6979 §3.2 with HMAC-SHA-256, qlen = hlen = 256."""
    h1 = hashlib.sha256(msg).digest()
    x = d.to_bytes(32, "big")
    h = (int.from_bytes(h1, "big") % N).to_bytes(32, "big")  # bits2octets
    v, k = b"\x01" * 32, b"\x00" * 32
    k = hmac.new(k, v + b"\x00" + x + h, hashlib.sha256).digest()
    v = hmac.new(k, v, hashlib.sha256).digest()
    k = hmac.new(k, v + b"\x01" + x + h, hashlib.sha256).digest()
    v = hmac.new(k, v, hashlib.sha256).digest()
    while True:
        v = hmac.new(k, v, hashlib.sha256).digest()
        cand = int.from_bytes(v, "big")
        if 1 <= cand < N:
            return cand
        k = hmac.new(k, v + b"\x00", hashlib.sha256).digest()
        v = hmac.new(k, v, hashlib.sha256).digest()


def ecdsa_sign(d: int, msg: bytes, k: int | None = None) -> bytes:
    k = rfc6979_k(d, msg) if k is None else k
    e = int.from_bytes(hashlib.sha256(msg).digest(), "big")
    r = mul(k)[0] % N
    s = pow(k, N - 2, N) * (e + r * d) % N
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def ecdsa_verify(pt, msg: bytes, sig: bytes) -> bool:
    r, s = int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big")
    if len(sig) != 64 or not (0 < r < N and 0 < s < N):
        return False
    e = int.from_bytes(hashlib.sha256(msg).digest(), "big")
    w = pow(s, N - 2, N)
    x = add(mul(e * w % N), mul(r * w % N, pt))
    return x is not None and x[0] % N == r


def x963_kdf(z: bytes, n: int, info: bytes = b"") -> bytes:
    out, counter = b"", 1
    while len(out) < n:
        out += hashlib.sha256(z + counter.to_bytes(4, "big") + info).digest()
        counter += 1
    return out[:n]


def ecies_decrypt(d: int, c: bytes) -> bytes:
    """SEC1 §5.1.4 with X9.63-KDF-SHA-256, AES-128-CBC (IV 0, PKCS#7) and
    HMAC-SHA-1-160: R (65) || EM || D (20)."""
    r, em, tag = dec(c[:65]), c[65:-20], c[-20:]
    assert on_curve(r)
    k = x963_kdf(ecdh_x(d, r), 36)
    assert hmac.compare_digest(hmac.new(k[16:], em, hashlib.sha1).digest(), tag)
    aes = Cipher(algorithms.AES(k[:16]), modes.ECB()).decryptor()
    prev, out = bytes(16), b""
    for i in range(0, len(em), 16):
        block = em[i:i + 16]
        out += bytes(a ^ b for a, b in zip(aes.update(block), prev))
        prev = block
    return out[:-out[-1]]


def avf(pt) -> int:
    return pt[0] % 2**128 + 2**128


def ecmqv(ds: int, de: int, qs_peer, qe_peer) -> bytes:
    """SEC1 §3.4: s = de + avf(Qe)·ds; z = x(s·Qe' + (s·avf(Qe'))·Qs')."""
    s = (de + avf(mul(de)) * ds) % N
    return add(mul(s, qe_peer), mul(s * avf(qe_peer) % N, qs_peer))[0].to_bytes(32, "big")
