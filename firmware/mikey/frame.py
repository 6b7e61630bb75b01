"""Frames of the serial link, device side (docs/serial-protocol.md):

    A5 4D | type | id | length (u16 BE) | payload | CRC-16/CCITT-FALSE (u16 BE)

Sans-IO and allocation-free: a Receiver takes bytes one at a time into a
preallocated buffer and says when a frame is complete or was dropped; the
sender fills a header and CRC around a payload already written in place.
"""

import micropython
from micropython import const

_SYNC0 = const(0xA5)
_SYNC1 = const(0x4D)
HEADER = const(6)  # sync, type, id, length: the payload starts here
OVERHEAD = const(8)

# feed() results
NONE = const(0)
FRAME = const(1)  # rx.type, rx.id, rx.buf[HEADER:HEADER + rx.length]
BAD_CRC = const(2)
TOO_LARGE = const(3)


try:

    @micropython.viper
    def crc16(buf: ptr8, off: int, n: int) -> int:
        """CRC-16/CCITT-FALSE of buf[off:off+n] (poly 0x1021, init 0xFFFF)."""
        crc = 0xFFFF
        i = off
        end = off + n
        while i < end:
            crc ^= buf[i] << 8
            b = 0
            while b < 8:
                if crc & 0x8000:
                    crc = ((crc << 1) ^ 0x1021) & 0xFFFF
                else:
                    crc = (crc << 1) & 0xFFFF
                b += 1
            i += 1
        return crc

except (NameError, SyntaxError, ValueError):  # no native emitter on this port
    from mikey._crc import crc16


class Receiver:
    """Incremental frame reader; `cap` is the largest payload taken."""

    def __init__(self, cap):
        self.cap = cap
        self.buf = bytearray(cap + OVERHEAD)
        self.n = 0
        self.type = self.id = self.length = 0

    def pending(self):
        """True while a frame has started but is not complete."""
        return self.n > 0

    def feed(self, c):
        """Take one byte; return NONE, FRAME, BAD_CRC or TOO_LARGE."""
        b = self.buf
        b[self.n] = c
        self.n += 1
        return self._scan()

    def drop(self):
        """Give up on the frame in progress (the line went quiet) and look
        for another sync marker in what was buffered after its start."""
        self._resync()
        return self._scan()

    def _resync(self):
        # Shift the buffer to the next sync marker after position 0.
        b, n = self.buf, self.n
        i = 1
        while i < n and not (b[i] == _SYNC0 and (i + 1 == n or b[i + 1] == _SYNC1)):
            i += 1
        for j in range(i, n):
            b[j - i] = b[j]
        self.n = n - i

    def _scan(self):
        b = self.buf
        while True:
            n = self.n
            if n == 0:
                return NONE
            if b[0] != _SYNC0 or (n > 1 and b[1] != _SYNC1):
                self._resync()
                continue
            if n < HEADER:
                return NONE
            length = (b[4] << 8) | b[5]
            if length > self.cap:
                self._resync()
                return TOO_LARGE
            if n < OVERHEAD + length:
                return NONE
            if crc16(b, 2, 4 + length) != (b[HEADER + length] << 8) | b[HEADER + length + 1]:
                self._resync()
                return BAD_CRC
            self.type, self.id, self.length = b[2], b[3], length
            self.n = 0
            return FRAME


def seal(buf, ftype, fid, length):
    """Fill the header and CRC around buf[HEADER:HEADER + length]; return
    the frame's total length (write buf[:that])."""
    buf[0] = _SYNC0
    buf[1] = _SYNC1
    buf[2] = ftype
    buf[3] = fid
    buf[4] = length >> 8
    buf[5] = length & 0xFF
    crc = crc16(buf, 2, 4 + length)
    buf[HEADER + length] = crc >> 8
    buf[HEADER + length + 1] = crc & 0xFF
    return OVERHEAD + length
