"""Yardsticks for the p256 rows (docs/benchmarks.md "P-256: what this
interpreter allows"): the textbook method the ECC issue quotes, the
doublings no variable-base multiplication avoids, the comb's own point
operations, an inversion and the field multiplication. Apart from
bench_p256 so that its rows keep the same heap."""

# RFC 6979 A.2.5 (P-256): a private key and its public key U (a point to work on)
D = 0xC9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721
U = bytes.fromhex(
    "0460fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6"
    "7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299")
P256 = 0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF  # the field prime


def _doublings():
    # the floor under any variable-base multiplication by a 256-bit scalar
    # without an endomorphism (P-256 has none): 255 doublings, with nothing
    # else (no additions, no table, no inversion)
    from mikey.p256 import _dbl

    x = int.from_bytes(U[1:33], "big")
    y = int.from_bytes(U[33:], "big")
    return lambda: _dbl(x, y, 1, 255)


def _textbook():
    # the reference the ECC issue measures against: left-to-right double and
    # add, a mixed addition for each set bit of D (not constant time)
    from mikey.p256 import _add, _dbl

    x = int.from_bytes(U[1:33], "big")
    y = int.from_bytes(U[33:], "big")

    def op(k=D, x=x, y=y):
        X, Y, Z = x, y, 1
        for i in range(254, -1, -1):
            X, Y, Z = _dbl(X, Y, Z, 1)
            if (k >> i) & 1:
                X, Y, Z = _add(X, Y, Z, x, y)
        return X, Y, Z

    return op


def _comb_floor():
    # the floor under the fixed-base comb (key pairs, signatures): its 36
    # doublings and 36 mixed additions, without the table lookups
    from mikey.p256 import _add, _dbl

    x = int.from_bytes(U[1:33], "big")
    y = int.from_bytes(U[33:], "big")

    def op(x=x, y=y):
        X, Y, Z = _dbl(x, y, 1, 1)
        for _ in range(36):
            X, Y, Z = _dbl(X, Y, Z, 1)
            X, Y, Z = _add(X, Y, Z, x, y)
        return X, Y, Z

    return op


def _inverse():
    # the one inversion every result pays for (Jacobian to affine)
    from mikey.p256 import _inv

    a = int.from_bytes(U[1:33], "big")
    return lambda: _inv(a, P256)


def _mulmod():
    # the field multiplication every formula is made of: one 256 x 256-bit
    # product and one % p (x 1000, so the call itself does not count)
    a = int.from_bytes(U[1:33], "big")
    b = int.from_bytes(U[33:], "big")

    def op(a=a, b=b, P=P256):
        for _ in range(1000):
            a * b % P

    return op


BENCHES = (
    ("p256 yardstick: textbook double-and-add, mixed additions (not constant time)", _textbook),
    ("p256 yardstick: 255 Jacobian doublings alone (floor of a variable-base multiplication)", _doublings),
    ("p256 yardstick: 36 doublings + 36 mixed additions alone (floor of the fixed-base comb)", _comb_floor),
    ("p256 yardstick: one inversion mod p (extended Euclid)", _inverse),
    ("p256 yardstick: 1000 field multiplications a * b % p", _mulmod),

)
