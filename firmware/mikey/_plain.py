"""Plain-Python versions of the byte loops in mikey._viper, same names and
arguments: what mikey.crypto loads when viper code cannot run on the port.
Correct everywhere, 10-35 times slower; nothing here checks bounds
(mikey.crypto and its callers check every window first)."""


def _eq(a, i, b, j, n):
    # a[i:i+n] == b[j:j+n]; every byte is visited whatever the data: no early exit.
    d = 0
    for k in range(n):
        d |= a[i + k] ^ b[j + k]
    return d == 0


def _mix(a, i, b, j, n, k):
    # a[i:i+n] = (a & k) ^ b[j:j+n]: k 0xFF XORs, k 0 copies.
    for m in range(n):
        a[i + m] = (a[i + m] & k) ^ b[j + m]


def _pads(a, b, k, i, n):
    # RFC 2104 §2: the key k[i:i+n] zero-padded to the 64-byte block, XOR
    # 0x36 into a (ipad), XOR 0x5C into b (opad).
    for m in range(64):
        c = k[i + m] if m < n else 0
        a[m] = c ^ 0x36
        b[m] = c ^ 0x5C


def _cm(e, a, b, d, i, n):
    # RFC 3711 §4.1.1, with the ECB cipher e, counter block a and keystream
    # block b: b = E(k, a); d[i:i+n] ^= b; a += 1 (mod 2^128); repeated.
    n += i
    while i < n:
        e.encrypt(a, b)
        for j in range(min(16, n - i)):
            d[i + j] ^= b[j]
        j = 15
        while j >= 0:
            a[j] = v = (a[j] + 1) & 0xFF
            if v:
                break
            j -= 1
        i += 16


def _tdiff(a, i, b, j, w):
    # d = a - b (mod 2^64, signed) against W = w seconds (2^32 NTP units)
    d = (int.from_bytes(a[i : i + 8], "big") - int.from_bytes(b[j : j + 8], "big")) & ((1 << 64) - 1)
    if d >> 63:
        d -= 1 << 64
    if d == 0:
        return 0
    r = 1 if abs(d) <= w << 32 else 2
    return r if d > 0 else -r
