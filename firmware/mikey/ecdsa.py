"""ECDSA with P-256 and SHA-256 (FIPS 186-4 §6.4, SEC 1 §4.1) for the SIGN
payload of draft-ietf-msec-mikey-ecc (S type 2): the signature is r || s,
64 bytes, and callers pass the SHA-256 hash of what is signed.

Signing takes its nonce from RFC 6979 §3.2 (deterministic: k from the key
and the hash by HMAC-SHA-256), because the RP2040 has no good random source
and a repeated or biased ECDSA nonce gives the private key away. The
procedure is HMAC_DRBG (§3.3), written out here on hashlib rather than
through mikey.drbg: the crypto part would cost 5 KB more heap next to the
4 KB base-point table. k G is the constant-sequence comb of mikey.p256;
1/k is Euclid's algorithm on k m for a mask m derived from k (see
mikey.p256 for what that does and does not hide).

Verification computes u1 G + u2 Q in one pass (Straus): the signed 5-bit
windows of u2 over a table of Q, and the base-point comb columns of u1 in
the last 37 doublings, then compares X with r Z^2 (no inversion).

Errors: a hash or signature of the wrong length is bad_length (13), a key
that is not a P-256 point dh_group (6), r or s outside 1..n-1 and a
signature that does not verify auth (0, Auth failure: RFC 3830 §6.12 has
no number of its own for a bad signature).
"""

from hashlib import sha256

from micropython import const

from mikey._p256t import COMB  # first: 4 KB, before the heap is split
from mikey.errors import MikeyError
from mikey.p256 import (_add, _affine, _comb, _dbl, _digits, _inv, _mask, _mul_g, _odd, _pt,
                        _scalar, _table, decode_point)

_R_BAD_LENGTH = const(1)  # reasons: copies of mikey.errors
_R_AUTH = const(16)

_P = const(0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF)
_N = const(0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551)
_ALL = const((1 << 259) - 1)


def _hmac(k, v, b=b"", c=b""):
    # HMAC-SHA-256 (RFC 2104) of v || b || c under the 32-byte key k
    h = sha256(bytes(x ^ 0x36 for x in k) + b"\x36" * 32)
    h.update(v)
    h.update(b)
    h.update(c)
    v = h.digest()
    h = sha256(bytes(x ^ 0x5C for x in k) + b"\x5c" * 32)
    h.update(v)
    return h.digest()


def sign(d, h):
    """The signature r || s (64 bytes) of the 32-byte SHA-256 hash h with
    private key d (1 <= d < n); k per RFC 6979 §3.2."""
    _scalar(d)
    if len(h) != 32:
        raise MikeyError(_R_BAD_LENGTH)
    N = _N
    e = int.from_bytes(h, "big")  # bits2int: qlen = hlen = 256 (§2.3.2)
    x = d.to_bytes(32, "big") + (e % N).to_bytes(32, "big")  # int2octets(x) || bits2octets(h1)
    V = b"\x01" * 32  # §3.2 b-g
    K = _hmac(bytes(32), V, b"\x00", x)
    V = _hmac(K, V)
    K = _hmac(K, V, b"\x01", x)
    V = _hmac(K, V)
    for _ in range(64):  # §3.2 h: a candidate fails with probability ~2^-32
        V = _hmac(K, V)
        k = int.from_bytes(V, "big")
        if 0 < k < N:
            m = _mask(k)
            X, Y, Z = _mul_g(k)
            r = _affine(X, Y, Z, m)[0] % N
            s = _inv(k * m % N, N) * m % N * (e + r * d) % N  # k^-1 (e + r d)
            if r and s:
                return r.to_bytes(32, "big") + s.to_bytes(32, "big")
        K = _hmac(K, V, b"\x00")
        V = _hmac(K, V)
    raise MikeyError(_R_AUTH)


def verify(pub, h, sig):
    """True if sig (r || s) is a valid signature of the 32-byte hash h under
    the encoded public key pub (SEC 1 §4.1.4); else MikeyError."""
    if len(h) != 32 or len(sig) != 64:
        raise MikeyError(_R_BAD_LENGTH)
    x, y = decode_point(pub)
    N = _N
    P = _P
    r = int.from_bytes(sig[:32], "big")
    s = int.from_bytes(sig[32:], "big")
    if not (0 < r < N and 0 < s < N):
        raise MikeyError(_R_AUTH)
    w = _inv(s, N)
    u1 = int.from_bytes(h, "big") * w % N
    u2, f = _odd(r * w % N)  # u2 is never 0; odd, or n - u2 against -Q
    if f:
        y = P - y
    tb = _table(x, y)
    dg = _digits(u2)
    # u1 G by the comb: odd u1 (or n - u1 against -G), columns of K
    u1, f = _odd(u1)
    K = (u1 + _ALL) >> 1 if u1 != N else 0  # u1 = 0: no G term
    X, Y, Z = x, y, 1  # the top digit, 1
    t = 255  # doublings to go: 5 at a time until the comb columns begin
    while t:
        i = 5 if t > 40 else 1
        X, Y, Z = _dbl(X, Y, Z, i)
        t -= i
        if t % 5 == 0:
            x, y = _pt(tb, dg[t // 5])
            X, Y, Z = _add(X, Y, Z, x, y)
        if t < 37 and K:  # comb column t
            x, y = _comb(K, t, COMB)
            X, Y, Z = _add(X, Y, Z, x, P - y if f else y)
    # x(R) mod n = r: X = x Z^2 for x = r, or r + n if that is below p
    z = Z * Z % P
    if Z and (X == r * z % P or (r + N < P and X == (r + N) * z % P)):
        return True
    raise MikeyError(_R_AUTH)
