"""P-256 (secp256r1: FIPS 186-4 §D.1.2.3, SEC 2 §2.4.2) on MicroPython
ints, for the ECC modes of draft-ietf-msec-mikey-ecc: key pairs, ECDH
(SEC 1 §3.3.1; the shared secret is the X coordinate, RFC 5903 §7), SEC 1
point encoding (§2.3.3, §2.3.4) with validation (§3.2.2.1), and the
scalar multiplications mikey.ecdsa builds on.

Field elements are ints below p; a product is reduced with one `%` (one C
call costs less than any fold using the special form of p from Python),
and where a sum of products is reduced anyway its terms are left
unreduced (lazy reduction). Points in the loops are Jacobian (X:Y:Z), x =
X/Z^2, y = Y/Z^3; tables are affine, so each addition is a mixed one.

Scalar multiplication by a secret runs the same sequence of field
operations whatever the scalar:
- variable base (ECDH): a fixed signed window of 5 bits. The scalar is made
  odd (k or n - k, the result negated back), then written as 52 digits, each
  odd in -31..31, never zero: 255 doublings and 51 additions of a table
  entry, always.
- fixed base (key pairs, signatures): a 7-tooth comb over the table in
  mikey._p256t (64 points, 4 KB). Odd k is written with digits +-1 in
  every one of 259 bit positions (k = 2K - (2^259 - 1)), so no comb column
  is zero: 36 doublings and 36 additions, always.
Negation and the table index are chosen by indexing, not by a branch.
What this does not protect against, on these interpreters: MicroPython's
ints are not constant time (an operand's length in digits, and so the time
of `*` and `%`, depends on its value), the table index is a
secret-dependent memory access, and the addition formula branches in its
exceptional cases (P = +-Q, or an infinite partial sum): random scalars
meet them with probability about 2^-250, scalars next to n can
(n - 2 does). The final inversion runs Euclid's algorithm, whose step count
depends on its input, on Z times a mask derived from the secret, never on
Z itself. It is a defence against timing by a remote peer counting
operations, not against power analysis or a local probe.
"""

import hashlib

from micropython import const

from mikey.errors import MikeyError

_R_BAD_LENGTH = const(1)  # reasons: copies of mikey.errors
_R_DH_GROUP = const(11)

# FIPS 186-4 §D.1.2.3: y^2 = x^3 - 3x + b over GF(p), the base point's order
# n (G itself is in mikey._p256t's table)
_P = const(0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF)
_N = const(0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551)
_B = const(0x5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B)
_SQRT = const(0x3FFFFFFFC0000000400000000000000000000000400000000000000000000000)  # (p+1)/4
_ALL = const((1 << 259) - 1)
# comb columns: bit 37i of a 259-bit word, and the product that gathers
# those 7 bits into bits 222..228 (bit 37i lands on 222 + i; no two terms
# of the product share a bit)
_ROWS = const(0x40000000020000000010000000008000000004000000002000000001)
_GATHER = const(0x40000000040000000040000000040000000040000000040000000040)

# the variable-base table (16 points X || Y) and its Z ratios, made at
# import while the heap is whole: one multiplication at a time (there are
# no threads on the devices), like mikey.crypto's buffers
_TB = bytearray(1504)


def _dbl(X, Y, Z, n):
    # 2^n (X:Y:Z), Jacobian with a = -3 ("dbl-2001-b": 3M + 5S); b = 4 X Y^2
    # stays unreduced: it only enters sums reduced at once. Infinity (Z = 0)
    # stays infinity.
    P = _P
    for _ in range(n):
        d = Z * Z % P
        g = Y * Y % P
        b = X * g << 2
        a = (X - d) * (X + d) * 3 % P
        Z = (Y + Y) * Z % P
        X = (a * a - b - b) % P
        Y = (a * (b - X) - (g * g << 3)) % P
    return X, Y, Z


def _add(X1, Y1, Z1, x2, y2):
    # (X1:Y1:Z1) + (x2, y2) affine ("madd-2007-bl" order, 7M + 4S); X1, Y1
    # below p, so H = 0 and R = 0 are exact tests: P1 = P2 doubles, P1 = -P2
    # gives infinity, infinity + P2 = P2
    P = _P
    if not Z1:
        return x2, y2, 1
    zz = Z1 * Z1 % P
    h = x2 * zz % P - X1
    r = y2 * (Z1 * zz % P) % P - Y1
    if not h:
        if r:
            return 1, 1, 0
        return _dbl(x2, y2, 1, 1)
    hh = h * h % P
    hhh = h * hh
    v = X1 * hh
    X1 = (r * r - hhh - v - v) % P
    return X1, (r * (v - X1) - Y1 * hhh) % P, Z1 * h % P


def _inv(a, m):
    # a^-1 mod m by the extended Euclidean algorithm (at most ~370 steps for
    # 256-bit m); a must be invertible
    x, y, b = 1, 0, m
    while b:
        q = a // b
        a, b = b, a - q * b
        x, y = y, x - q * y
    if a != 1:
        raise MikeyError(_R_DH_GROUP)
    return x % m


def _mask(d, extra=b""):
    # a blinding factor only the holder of d can compute (SHA-256 of d)
    h = hashlib.sha256(d.to_bytes(32, "big"))
    h.update(extra)
    return int.from_bytes(h.digest(), "big") % (_P - 1) + 1


def _affine(X, Y, Z, mask):
    # (x, y) of a Jacobian point; 1/Z = m / (Z m), Euclid run on Z m only
    P = _P
    if not Z % P:
        raise MikeyError(_R_DH_GROUP)
    i = _inv(Z * mask % P, P) * mask % P
    z = i * i % P
    return X * z % P, Y * z * i % P


def _odd(k):
    # (k or n - k, whichever is odd; 1 if it was n - k): the result is then
    # negated back. Chosen by indexing, both computed.
    f = (k & 1) ^ 1
    return (k, _N - k)[f], f


def _table(x, y):
    # odd multiples 1, 3, ..., 31 of (x, y), affine, as 16 entries X || Y in
    # the first 1 KB of _TB (entry i is (2i + 1) P), returned as a
    # memoryview: bytes, not ints, here and while it is made, so that it
    # takes 1.5 KB, not 5, and leaves no ints scattered among the garbage of
    # its own computation. 2P = (X2:Y2:Z2)
    # and P = (x Z2^2 : y Z2^3 : Z2) share Z2: on the curve scaled by Z2
    # both are affine, and the mixed addition (inline: for a point of order
    # n no sum here is exceptional) never uses a or b. Z of entry i is then
    # Z2 h_0 ... h_(i-1): one inversion, and each 1/Z from the next one.
    P = _P
    m = memoryview(_TB)
    X2, Y2, Z2 = _dbl(x, y, 1, 1)
    z = Z2 * Z2 % P
    X = x * z % P
    Y = y * z * Z2 % P
    Z = 1
    for i in range(16):
        m[i << 6 : (i << 6) + 32] = X.to_bytes(32, "big")
        m[(i << 6) + 32 : (i + 1) << 6] = Y.to_bytes(32, "big")
        if i == 15:
            break
        z = Z * Z % P
        h = X2 * z % P - X
        r = Y2 * (Z * z % P) % P - Y
        z = h * h % P
        v = X * z
        z = h * z
        X = (r * r - z - v - v) % P
        Y = (r * (v - X) - Y * z) % P
        h %= P
        Z = Z * h % P
        m[1024 + (i << 5) : 1056 + (i << 5)] = h.to_bytes(32, "big")
    v = _inv(Z * Z2 % P, P)
    for i in range(15, -1, -1):
        o = i << 6
        z = v * v % P
        m[o : o + 32] = (int.from_bytes(m[o : o + 32], "big") * z % P).to_bytes(32, "big")
        m[o + 32 : o + 64] = (int.from_bytes(m[o + 32 : o + 64], "big") * z * v % P).to_bytes(32, "big")
        if i:
            v = v * int.from_bytes(m[992 + (i << 5) : 1024 + (i << 5)], "big") % P
    return m


def _pt(t, j):
    # entry j & 15 of a table of points X || Y, y negated unless j & 16
    o = (j & 15) << 6
    y = int.from_bytes(t[o + 32 : o + 64], "big")
    return int.from_bytes(t[o : o + 32], "big"), (_P - y, y)[j >> 4 & 1]


def _digits(k):
    # odd k < 2^256 as 52 digits, each odd in -31..31 (regular recoding):
    # k = sum d_i 2^(5i); byte i of the result is the _table entry of |d_i|,
    # plus 16 if d_i > 0
    dg = bytearray(52)
    for i in range(51):
        d = (k & 63) - 32
        k = (k - d) >> 5
        s = d >> 7 & 1  # 1 if d < 0
        dg[i] = (((d ^ -s) + s) >> 1) + 16 - (s << 4)
    dg[51] = 16  # the top digit: k is 1 now
    return dg


def _mul(k, x, y):
    """k (x, y) for a point already validated and 0 < k < n, as Jacobian
    (X, Y, Z): fixed signed window of 5 bits (see the module docstring)."""
    P = _P
    k, f = _odd(k)
    t = _table(x, y)
    dg = _digits(k)
    X, Y, Z = x, y, 1
    for i in range(50, -1, -1):
        X, Y, Z = _dbl(X, Y, Z, 5)
        x, y = _pt(t, dg[i])
        X, Y, Z = _add(X, Y, Z, x, y)
    return X, (Y, P - Y)[f], Z


def _comb(K, j, t):
    # comb column j of K (bits j, j + 37, ..., j + 222): the table entry (t:
    # mikey._p256t.COMB, 16 points a chunk) with its sign
    c = ((K >> j) & _ROWS) * _GATHER >> 222 & 127
    s = c >> 6
    c = (c ^ (s - 1)) & 63
    return _pt(t[c >> 4], c & 15 | s << 4)


def _mul_g(k):
    """k G for 0 < k < n, as Jacobian (X, Y, Z): the comb of the module
    docstring over mikey._p256t."""
    from mikey._p256t import COMB

    k, f = _odd(k)
    K = (k + _ALL) >> 1  # bit i of K set: digit +1 at 2^i, else -1
    X, Y = _comb(K, 36, COMB)
    Z = 1
    for j in range(35, -1, -1):
        X, Y, Z = _dbl(X, Y, Z, 1)
        x, y = _comb(K, j, COMB)
        X, Y, Z = _add(X, Y, Z, x, y)
    return X, (Y, _P - Y)[f], Z


def _scalar(d):
    # a private key: an int in 1..n-1
    if type(d) is not int or not 0 < d < _N:
        raise MikeyError(_R_BAD_LENGTH)


def decode_point(b):
    """(x, y) from a SEC 1 encoding (§2.3.4): 0x04 || X || Y (65 bytes) or
    compressed 0x02/0x03 || X (33 bytes). The point must lie on P-256 with
    coordinates below p; infinity (0x00) and anything else raise
    MikeyError(dh_group) before any multiplication (invalid-curve points
    never reach one)."""
    P = _P
    n = len(b)
    t = b[0] if n else 0
    if n == 65 and t == 4:
        x = int.from_bytes(b[1:33], "big")
        y = int.from_bytes(b[33:65], "big")
    elif n == 33 and (t == 2 or t == 3):
        x = int.from_bytes(b[1:33], "big")
        y = None
    else:
        raise MikeyError(_R_DH_GROUP)
    if x >= P or (y is not None and y >= P):
        raise MikeyError(_R_DH_GROUP)
    a = (x * x * x - 3 * x + _B) % P
    if y is None:
        y = pow(a, _SQRT, P)  # p = 3 mod 4: a^((p+1)/4) if a is a square
        if y & 1 != t & 1:
            y = P - y
    if y * y % P != a:
        raise MikeyError(_R_DH_GROUP)
    return x, y


def encode_point(x, y):
    """SEC 1 uncompressed encoding (§2.3.3): 0x04 || X || Y, 65 bytes."""
    return b"\x04" + x.to_bytes(32, "big") + y.to_bytes(32, "big")


def public(d):
    """The public key d G of a private key d (1 <= d < n), 65 bytes."""
    _scalar(d)
    X, Y, Z = _mul_g(d)
    return encode_point(*_affine(X, Y, Z, _mask(d)))


def keypair(rand):
    """(d, public key) from at least 40 random bytes (mikey.drbg):
    d = c mod (n - 1) + 1 for c the first 40 as a big-endian int (FIPS 186-4
    §B.4.1: 64 bits more than n, so the bias is below 2^-64)."""
    if len(rand) < 40:
        raise MikeyError(_R_BAD_LENGTH)
    d = int.from_bytes(rand[:40], "big") % (_N - 1) + 1
    return d, public(d)


def ecdh(d, peer):
    """The ECDH shared secret of private key d and the peer's encoded public
    key (SEC 1 §3.3.1): X of d Q, 32 bytes. The peer's point is validated
    first (decode_point)."""
    _scalar(d)
    x, y = decode_point(peer)
    X, Y, Z = _mul(d, x, y)
    return _affine(X, Y, Z, _mask(d, peer))[0].to_bytes(32, "big")
