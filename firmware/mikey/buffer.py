"""Fixed-capacity byte buffers: a Writer that fills a caller's bytearray and a
Reader that walks received bytes. A general utility (the demo's): the
exchanges read with mikey.codec and write with struct.pack_into, which
costs less RAM than a Writer object. Neither allocates while it succeeds
(every method runs under micropython.heap_lock()), and after a failed push
or pull the position is unchanged, so an error leaves no half-written or
half-read state. One instance serves many messages through reset().

Integers are big-endian (network order), as every MIKEY field is. On 32-bit
ports an int of 2**30 or more is a heap object: `u32()` of such a value
allocates there, so the codec reads wide fields by offset instead. Errors:
MikeyError, reason truncated (reading) or overflow (writing).
"""

from micropython import const

from mikey.errors import MikeyError

_R_TRUNCATED = const(0)
_R_OVERFLOW = const(19)


class _Window:
    """A position moving through buf[start:end]; `_fault` is the reason of
    the error a step past either end raises (overflow writing, truncated
    reading)."""

    _fault = _R_OVERFLOW

    def __init__(self, buf, start=0, end=-1):
        self.reset(buf, start, end)

    def reset(self, buf, start=0, end=-1):
        """Point at a new buffer window (end defaults to len(buf))."""
        n = len(buf)
        if end < 0 or end > n:
            end = n
        self.buf = buf
        self.start = start
        self.end = end
        self.pos = start
        return self

    def tell(self):
        return self.pos

    def seek(self, pos):
        if pos < self.start or pos > self.end:
            raise MikeyError(self._fault)
        self.pos = pos

    def length(self):
        """Bytes passed since start."""
        return self.pos - self.start

    def remaining(self):
        return self.end - self.pos

    def at_end(self):
        return self.pos >= self.end

    def _take(self, n):
        p = self.pos
        if n < 0 or p + n > self.end:
            raise MikeyError(self._fault)
        self.pos = p + n
        return p


class Writer(_Window):
    """Appends fields to buf[start:end]."""

    def u8(self, v):
        self.buf[self._take(1)] = v & 0xFF

    def u16(self, v):
        p = self._take(2)
        b = self.buf
        b[p] = (v >> 8) & 0xFF
        b[p + 1] = v & 0xFF

    def u32(self, v):
        p = self._take(4)
        b = self.buf
        b[p] = (v >> 24) & 0xFF
        b[p + 1] = (v >> 16) & 0xFF
        b[p + 2] = (v >> 8) & 0xFF
        b[p + 3] = v & 0xFF

    def put(self, data, off=0, n=-1):
        """Copy data[off:off+n] (all of data by default) without slicing it."""
        if n < 0:
            n = len(data) - off
        if off < 0 or off + n > len(data):
            raise MikeyError(_R_TRUNCATED)
        p = self._take(n)
        b = self.buf
        if off == 0 and n == len(data):
            b[p : p + n] = data  # whole-object copy: no slice object made
        else:
            for i in range(n):
                b[p + i] = data[off + i]

    def zeros(self, n):
        p = self._take(n)
        b = self.buf
        for i in range(p, p + n):
            b[i] = 0

    def reserve(self, n):
        """Skip n bytes to fill in later (a length, a MAC); return their offset."""
        return self._take(n)

    def set_u8(self, off, v):
        if off < self.start or off + 1 > self.end:
            raise MikeyError(_R_OVERFLOW)
        self.buf[off] = v & 0xFF

    def set_u16(self, off, v):
        if off < self.start or off + 2 > self.end:
            raise MikeyError(_R_OVERFLOW)
        self.buf[off] = (v >> 8) & 0xFF
        self.buf[off + 1] = v & 0xFF


class Reader(_Window):
    """Pulls fields from buf[start:end]."""

    _fault = _R_TRUNCATED

    def u8(self):
        return self.buf[self._take(1)]

    def peek_u8(self):
        if self.pos >= self.end:
            raise MikeyError(_R_TRUNCATED)
        return self.buf[self.pos]

    def u16(self):
        p = self._take(2)
        d = self.buf
        return (d[p] << 8) | d[p + 1]

    def u32(self):
        p = self._take(4)
        d = self.buf
        return (d[p] << 24) | (d[p + 1] << 16) | (d[p + 2] << 8) | d[p + 3]

    def skip(self, n):
        """Step over n bytes; return their offset (for an offset table)."""
        return self._take(n)

    def into(self, dst, off=0, n=-1):
        """Copy the next n bytes into dst[off:] (fills dst by default)."""
        if n < 0:
            n = len(dst) - off
        if off < 0 or off + n > len(dst):
            raise MikeyError(_R_OVERFLOW)
        p = self._take(n)
        d = self.buf
        for i in range(n):
            dst[off + i] = d[p + i]
        return n
