"""Viper versions of the byte loops the crypto modules run: constant-time
compare, XOR/copy, HMAC pads and the AES-CM counter loop. Native code that
walks raw pointers, 10-35 times faster than the same loops in bytecode on
the unix port.

mikey.ct loads these, or their plain-Python twins in mikey._plain (same
names and arguments) when this module cannot load: a port built without the
native emitter raises SyntaxError compiling it, an .mpy built for another
architecture ValueError. Nothing here checks bounds: mikey.ct and its
callers check every window first.
"""

import micropython


@micropython.viper
def eq(a: ptr8, aoff: int, b: ptr8, boff: int, n: int) -> bool:
    # Every byte is visited whatever the data: no early exit.
    d = 0
    i = 0
    while i < n:
        d = d | (a[aoff + i] ^ b[boff + i])
        i += 1
    return d == 0


@micropython.viper
def mix(dst: ptr8, doff: int, src: ptr8, soff: int, n: int, keep: int):
    # keep 0xFF: dst ^= src; keep 0: dst = src.
    i = 0
    while i < n:
        dst[doff + i] = (dst[doff + i] & keep) ^ src[soff + i]
        i += 1


@micropython.viper
def pads(ipad: ptr8, opad: ptr8, key: ptr8, koff: int, n: int):
    # RFC 2104 §2: the key zero-padded to the 64-byte block, XOR 0x36 / 0x5C.
    i = 0
    while i < 64:
        k = 0
        if i < n:
            k = key[koff + i]
        ipad[i] = k ^ 0x36
        opad[i] = k ^ 0x5C
        i += 1


@micropython.viper
def cm(ecb, ctr, ks, buf, off: int, n: int):
    # RFC 3711 §4.1.1: ks = E(k, ctr); buf ^= ks; ctr += 1 (mod 2^128).
    c = ptr8(ctr)
    k = ptr8(ks)
    b = ptr8(buf)
    end = off + n
    while off < end:
        ecb.encrypt(ctr, ks)
        m = end - off
        if m > 16:
            m = 16
        j = 0
        while j < m:
            b[off + j] = b[off + j] ^ k[j]
            j += 1
        p = 15
        while p >= 0:
            v = c[p] + 1
            c[p] = v
            if v < 256:
                break
            p -= 1
        off += 16
