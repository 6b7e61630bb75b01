"""Plain-Python versions of the byte loops in mikey._viper, same names and
arguments: what mikey.ct loads when viper code cannot run on the port.
Correct everywhere, 10-35 times slower; nothing here checks bounds
(mikey.ct and its callers check every window first)."""


def eq(a, aoff, b, boff, n):
    # Every byte is visited whatever the data: no early exit.
    d = 0
    for i in range(n):
        d |= a[aoff + i] ^ b[boff + i]
    return d == 0


def mix(dst, doff, src, soff, n, keep):
    # keep 0xFF: dst ^= src; keep 0: dst = src.
    for i in range(n):
        dst[doff + i] = (dst[doff + i] & keep) ^ src[soff + i]


def pads(ipad, opad, key, koff, n):
    # RFC 2104 §2: the key zero-padded to the 64-byte block, XOR 0x36 / 0x5C.
    for i in range(64):
        k = key[koff + i] if i < n else 0
        ipad[i] = k ^ 0x36
        opad[i] = k ^ 0x5C


def cm(ecb, ctr, ks, buf, off, n):
    # RFC 3711 §4.1.1: ks = E(k, ctr); buf ^= ks; ctr += 1 (mod 2^128).
    end = off + n
    while off < end:
        ecb.encrypt(ctr, ks)
        for j in range(min(16, end - off)):
            buf[off + j] ^= ks[j]
        p = 15
        while p >= 0:
            ctr[p] = v = (ctr[p] + 1) & 0xFF
            if v:
                break
            p -= 1
        off += 16
