"""Viper versions of the byte loops mikey.crypto runs: constant-time
compare, XOR/copy, HMAC pads, the AES-CM counter loop and 64-bit NTP time
differences. Native code that walks raw pointers, 10-35 times faster than
the same loops in bytecode on the unix port.

mikey.crypto loads these, or their plain-Python twins in mikey._plain (same
names and arguments) when this module cannot load: a port built without the
native emitter raises SyntaxError compiling it, an .mpy built for another
architecture ValueError. Nothing here checks bounds: mikey.crypto and its
callers check every window first.
"""

import micropython


@micropython.viper
def _eq(a: ptr8, i: int, b: ptr8, j: int, n: int) -> bool:
    # a[i:i+n] == b[j:j+n]; every byte is visited whatever the data: no early exit.
    d = 0
    k = 0
    while k < n:
        d = d | (a[i + k] ^ b[j + k])
        k += 1
    return d == 0


@micropython.viper
def _mix(a: ptr8, i: int, b: ptr8, j: int, n: int, k: int):
    # a[i:i+n] = (a & k) ^ b[j:j+n]: k 0xFF XORs, k 0 copies.
    m = 0
    while m < n:
        a[i + m] = (a[i + m] & k) ^ b[j + m]
        m += 1


@micropython.viper
def _pads(a: ptr8, b: ptr8, k: ptr8, i: int, n: int):
    # RFC 2104 §2: the key k[i:i+n] zero-padded to the 64-byte block, XOR
    # 0x36 into a (ipad), XOR 0x5C into b (opad).
    m = 0
    while m < 64:
        c = 0
        if m < n:
            c = k[i + m]
        a[m] = c ^ 0x36
        b[m] = c ^ 0x5C
        m += 1


@micropython.viper
def _cm(e, a, b, d, i: int, n: int):
    # RFC 3711 §4.1.1, with the ECB cipher e, counter block a and keystream
    # block b: b = E(k, a); d[i:i+n] ^= b; a += 1 (mod 2^128); repeated.
    c = ptr8(a)
    k = ptr8(b)
    p = ptr8(d)
    n += i
    while i < n:
        e.encrypt(a, b)
        m = n - i
        if m > 16:
            m = 16
        j = 0
        while j < m:
            p[i + j] = p[i + j] ^ k[j]
            j += 1
        j = 15
        while j >= 0:
            v = c[j] + 1
            c[j] = v
            if v < 256:
                break
            j -= 1
        i += 16


@micropython.viper
def _tdiff(a: ptr8, i: int, b: ptr8, j: int, w: int) -> int:
    # d = a - b and e = b - a (mod 2^64) in 16-bit limbs, most significant
    # first, with borrows: no value here needs more than 17 bits, on any port.
    x = (a[i + 6] << 8) | a[i + 7]
    y = (b[j + 6] << 8) | b[j + 7]
    d3 = x - y
    bd = 0
    if d3 < 0:
        d3 += 65536
        bd = 1
    e3 = y - x
    be = 0
    if e3 < 0:
        e3 += 65536
        be = 1
    x = (a[i + 4] << 8) | a[i + 5]
    y = (b[j + 4] << 8) | b[j + 5]
    d2 = x - y - bd
    bd = 0
    if d2 < 0:
        d2 += 65536
        bd = 1
    e2 = y - x - be
    be = 0
    if e2 < 0:
        e2 += 65536
        be = 1
    x = (a[i + 2] << 8) | a[i + 3]
    y = (b[j + 2] << 8) | b[j + 3]
    d1 = x - y - bd
    bd = 0
    if d1 < 0:
        d1 += 65536
        bd = 1
    e1 = y - x - be
    be = 0
    if e1 < 0:
        e1 += 65536
        be = 1
    x = (a[i] << 8) | a[i + 1]
    y = (b[j] << 8) | b[j + 1]
    d0 = x - y - bd
    if d0 < 0:
        d0 += 65536
    e0 = y - x - be
    if e0 < 0:
        e0 += 65536
    if (d0 | d1 | d2 | d3) == 0:
        return 0
    s = 1
    if d0 & 0x8000:  # negative: its magnitude is e
        s = -1
        d0 = e0
        d1 = e1
        d2 = e2
        d3 = e3
    r = 2
    if d0 == 0 and (d1 < w or (d1 == w and d2 == 0 and d3 == 0)):
        r = 1
    return r * s
