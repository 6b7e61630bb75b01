"""HMAC (RFC 2104) over hashlib.sha1 (HMAC-SHA-1-160, RFC 3830 §4.2.4) and
hashlib.sha256 (HMAC-SHA-256-256, RFC 6043 §6.2).

MicroPython's hash objects have no copy(), so the keyed inner and outer
states cannot be saved; what an Hmac keeps instead is the two 64-byte pad
blocks (key XOR ipad, key XOR opad), computed once per key. A MAC is then
two hash objects and two digests: `begin()` starts the inner hash with the
ipad block absorbed, the caller update()s it with the message (a window of
a buffer as memoryview(buf)[a:b]), and `end`, `end_into` or `verify` finish
it. SHA-1 and SHA-256 both have 64-byte blocks: one pad size serves both.
"""

import hashlib

from mikey.ct import _pads, copy, eq
from mikey.errors import Truncated


class Hmac:
    """HMAC keyed with key[off:off+n] (all of key by default); SHA-1 unless
    sha256. `size` is the MAC length in bytes (20 or 32)."""

    def __init__(self, key, off=0, n=-1, sha256=False):
        self.hash = hashlib.sha256 if sha256 else hashlib.sha1
        self.size = 32 if sha256 else 20
        self.ipad = bytearray(64)
        self.opad = bytearray(64)
        self.rekey(key, off, n)

    def rekey(self, key, off=0, n=-1):
        """Change the key in place: the pads are rewritten, and nothing is
        allocated unless the key is longer than a block."""
        if n < 0:
            n = len(key) - off
        if off < 0 or n < 0 or off + n > len(key):
            raise Truncated()
        if n > 64:  # RFC 2104 §2: a key longer than the block is hashed first
            key = self.hash(memoryview(key)[off : off + n]).digest()
            off = 0
            n = self.size
        _pads(self.ipad, self.opad, key, off, n)

    def begin(self):
        """A hash object with the inner pad absorbed: update() it with the
        message, then pass it to end(), end_into() or verify()."""
        return self.hash(self.ipad)

    def end(self, h):
        """The MAC of what h was fed, as bytes (h is finished after this)."""
        g = self.hash(self.opad)
        g.update(h.digest())
        return g.digest()

    def end_into(self, h, out, off=0, n=-1):
        """Write the MAC (its first n bytes if n is given) into out[off:];
        return the number of bytes written."""
        return copy(out, off, self.end(h), 0, n)

    def verify(self, h, mac, off=0, n=-1):
        """Whether mac[off:off+n] is the MAC (its first n bytes) of what h
        was fed, compared in constant time; n defaults to the full size."""
        if n < 0:
            n = self.size
        if n > self.size:
            raise Truncated()
        return eq(self.end(h), 0, mac, off, n)
